//! What a mitigation does, in a few words of our own, said when one is
//! switched: the edit is compared with the scenario before it, and each
//! switch that changed gets its explanation and what to watch for. Some
//! depend on their neighbours (a breaker without a fallback fails fast).

use crate::engine::edit::Edit;
use crate::engine::patterns::job::MonitorOn;
use crate::engine::patterns::pubsub::OnUnreadable;
use crate::engine::patterns::request_response::Jitter;
use crate::engine::patterns::saga::SagaMode;
use crate::engine::patterns::stream::CommitPolicy;
use crate::engine::scenario::{NodeKind, Scenario, Transport};

/// The explanation of the mitigations an edit switches, if it switches any.
pub fn explain(before: &Scenario, edit: &Edit) -> Option<String> {
    let mut out: Vec<&'static str> = Vec::new();
    match edit {
        Edit::SetTransport { link, transport } => {
            let old = &before.link(link)?.transport;
            transport_changes(old, transport, &mut out);
        }
        Edit::SetQueue { node, spec } => {
            let NodeKind::Queue(old) = &before.node(node)?.kind else { return None };
            switched(old.max_receive_count.is_some(), spec.max_receive_count.is_some(), DLQ_ON, DLQ_OFF, &mut out);
        }
        Edit::SetTopic { node, spec } => {
            let NodeKind::Topic(old) = &before.node(node)?.kind else { return None };
            switched(old.registry.is_some(), spec.registry.is_some(), REGISTRY_ON, REGISTRY_OFF, &mut out);
        }
        Edit::SetJob { node, spec } => {
            let NodeKind::Job(old) = &before.node(node)?.kind else { return None };
            if old.monitor != spec.monitor {
                out.push(match spec.monitor {
                    MonitorOn::Output => JOB_OUTPUT,
                    MonitorOn::ExitCode => JOB_EXIT,
                });
            }
        }
        Edit::SetService { node, spec } => {
            let NodeKind::Service(old) = &before.node(node)?.kind else { return None };
            let mode = |s: &crate::engine::scenario::ServiceSpec| s.saga.as_ref().map(|g| g.mode);
            if mode(old) != mode(spec) {
                match mode(spec) {
                    Some(SagaMode::Choreography) => out.push(CHOREOGRAPHY),
                    Some(SagaMode::Orchestration) => out.push(ORCHESTRATION),
                    None => {}
                }
            }
        }
        Edit::SetMonitor { target, on } => {
            // Said only when it switches (a lesson replaying its state says nothing new).
            return (before.monitors.contains(target) != *on).then(|| explain_monitoring(*on).to_string());
        }
        _ => return None,
    }
    (!out.is_empty()).then(|| out.join(" "))
}

/// The explanation when a node's or link's monitoring is switched.
pub fn explain_monitoring(on: bool) -> &'static str {
    if on {
        "Monitoring on: an alert is raised when what this monitor watches goes wrong, even when nothing reports an error. Watch the alert list."
    } else {
        "Monitoring off: problems here no longer raise alerts. A silent failure stays silent until someone looks."
    }
}

fn switched(was: bool, is: bool, on: &'static str, off: &'static str, out: &mut Vec<&'static str>) {
    if was != is {
        out.push(if is { on } else { off });
    }
}

fn transport_changes(old: &Transport, new: &Transport, out: &mut Vec<&'static str>) {
    match (old, new) {
        (Transport::RequestResponse(a), Transport::RequestResponse(b)) => {
            switched(a.timeout_ms.is_some(), b.timeout_ms.is_some(), TIMEOUT_ON, TIMEOUT_OFF, out);
            switched(a.retry.is_some(), b.retry.is_some(), RETRIES_ON, RETRIES_OFF, out);
            if let (Some(ra), Some(rb)) = (&a.retry, &b.retry) {
                if (ra.jitter == Jitter::None) != (rb.jitter == Jitter::None) {
                    out.push(if rb.jitter == Jitter::None { JITTER_OFF } else { JITTER_ON });
                }
                switched(ra.budget.is_some(), rb.budget.is_some(), BUDGET_ON, BUDGET_OFF, out);
            }
            if a.breaker.is_some() != b.breaker.is_some() {
                out.push(match (b.breaker.is_some(), b.fallback) {
                    (true, false) => BREAKER_ON_NO_FALLBACK,
                    (true, true) => BREAKER_ON,
                    (false, _) => BREAKER_OFF,
                });
            }
            switched(a.fallback, b.fallback, FALLBACK_ON, FALLBACK_OFF, out);
        }
        (Transport::Consume(a), Transport::Consume(b)) => {
            switched(a.idempotent, b.idempotent, IDEMPOTENT_ON, IDEMPOTENT_OFF, out);
        }
        (Transport::Subscribe(a), Transport::Subscribe(b)) => {
            switched(a.idempotent, b.idempotent, IDEMPOTENT_ON, IDEMPOTENT_OFF, out);
            switched(a.max_delivery_attempts.is_some(), b.max_delivery_attempts.is_some(), DLQ_ON, DLQ_OFF, out);
            switched(a.retry_policy.is_some(), b.retry_policy.is_some(), BACKOFF_ON, BACKOFF_OFF, out);
            if a.on_unreadable != b.on_unreadable {
                out.push(match b.on_unreadable {
                    OnUnreadable::DeadLetter => UNREADABLE_DLQ,
                    OnUnreadable::Drop => UNREADABLE_DROP,
                });
            }
        }
        (Transport::Append(a), Transport::Append(b)) => {
            switched(a.outbox.is_some(), b.outbox.is_some(), OUTBOX_ON, OUTBOX_OFF, out);
        }
        (Transport::Read(a), Transport::Read(b)) => {
            if a.commit != b.commit {
                out.push(match b.commit {
                    CommitPolicy::After => COMMIT_AFTER,
                    CommitPolicy::Before => COMMIT_BEFORE,
                    CommitPolicy::Auto => COMMIT_AUTO,
                });
            }
            switched(a.idempotent, b.idempotent, IDEMPOTENT_ON, IDEMPOTENT_OFF, out);
            switched(a.static_membership, b.static_membership, STATIC_ON, STATIC_OFF, out);
        }
        (Transport::Push(a), Transport::Push(b)) => {
            switched(a.heartbeat_ms.is_some(), b.heartbeat_ms.is_some(), HEARTBEAT_ON, HEARTBEAT_OFF, out);
            switched(a.jitter, b.jitter, RECONNECT_JITTER_ON, RECONNECT_JITTER_OFF, out);
            switched(a.resume, b.resume, RESUME_ON, RESUME_OFF, out);
        }
        // Other pairs have no switch (or changed type: a structural edit with its own words).
        (
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Consume(_)
            | Transport::Publish
            | Transport::Subscribe(_)
            | Transport::Append(_)
            | Transport::Read(_)
            | Transport::Push(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead,
            _,
        ) => {}
    }
}

const TIMEOUT_ON: &str = "Timeout on: the caller stops waiting after the limit, so a slow service no longer holds its callers' workers for ever. Watch for timeouts turning into failed orders, and for late replies: the callee still does the work.";
const TIMEOUT_OFF: &str =
    "Timeout off: a caller waits as long as its callee takes. Watch the callers' pools fill up behind a slow service.";
const RETRIES_ON: &str = "Retries on: a failed call is tried again after a backoff. Brief glitches disappear, but every retry is extra load on a service that may already be struggling: watch its queue.";
const RETRIES_OFF: &str = "Retries off: each failure goes straight back to the caller.";
const JITTER_ON: &str = "Jitter on: each retry waits a random part of its backoff, so callers that failed together do not all come back at the same instant.";
const JITTER_OFF: &str = "Jitter off: callers that failed together retry together, in waves.";
const BUDGET_ON: &str = "Retry budget on: retries may add only a share of the normal traffic; when it is spent, failures are returned instead of retried, so retries cannot multiply an outage.";
const BUDGET_OFF: &str = "Retry budget off: every failure may be retried, however many there are.";
const BREAKER_ON_NO_FALLBACK: &str = "Circuit breaker on: after too many failures it opens and fails calls at once, without sending them, which protects the slow service and frees the callers' workers. Without a fallback those calls still fail (only faster), so orders keep failing while it is open; a fallback would answer them with cached data.";
const BREAKER_ON: &str = "Circuit breaker on: after too many failures it opens and fails calls at once without sending them; with the fallback they are answered with cached data, so the users see an answer.";
const BREAKER_OFF: &str = "Circuit breaker off: every call is sent, however badly the callee is doing.";
const FALLBACK_ON: &str = "Fallback on: a call that fails for good (or is stopped by an open breaker) is answered with cached or default data instead of an error. Watch orders succeed, with possibly stale data.";
const FALLBACK_OFF: &str = "Fallback off: a call that fails for good fails the order.";
const DLQ_ON: &str = "Dead-letter queue on: a message received too many times is moved aside instead of coming back for ever, so one poison message cannot crash the consumers in a loop. Watch the dead-letter count: someone has to look at those.";
const DLQ_OFF: &str = "Dead-letter queue off: a message that keeps failing comes back for ever.";
const BACKOFF_ON: &str = "Retry backoff on: an event that was nacked or not acknowledged in time waits before it is delivered again, twice as long after each failure up to the maximum, so a failing subscriber is not handed the same event again and again while it recovers. Watch redeliveries spread out, and the lag grow while they wait.";
const BACKOFF_OFF: &str = "Retry backoff off: Pub/Sub retries immediately, and an event that keeps failing comes straight back to the subscriber.";
const IDEMPOTENT_ON: &str = "Idempotent consumer on: it remembers the message ids it applied and skips a repeat, so a redelivery does not charge or ship twice. Watch repeats counted as skipped.";
const IDEMPOTENT_OFF: &str = "Idempotent consumer off: a message delivered twice has its effects twice.";
const REGISTRY_ON: &str = "Schema registry on: a publisher's new schema is checked against the rules before any event is published; an incompatible change is refused at the source instead of breaking a subscriber silently.";
const REGISTRY_OFF: &str =
    "Schema registry off: any schema is published, and a subscriber that cannot read it finds out alone.";
const UNREADABLE_DLQ: &str = "Unreadable events are nacked: instead of dropping an event it cannot read, the subscriber refuses it, Pub/Sub tries again, and once the delivery attempts are used up the event waits in the dead-letter queue, where the break is seen.";
const UNREADABLE_DROP: &str = "Unreadable events are dropped: no error, no alert, just missing data.";
const OUTBOX_ON: &str = "Outbox on: the event is written in the same transaction as the service's own data and a relay publishes it afterwards, so a failed publish is retried instead of lost. Watch for duplicates: the relay may publish twice.";
const OUTBOX_OFF: &str = "Outbox off: the service writes its data and then publishes; a publish that fails after the commit loses the event.";
const COMMIT_AFTER: &str = "Commit after processing: a crash replays the records processed since the last commit (at least once). Watch for duplicates.";
const COMMIT_BEFORE: &str = "Commit before processing: a crash loses the records committed but not yet processed (at most once). Watch for records lost.";
const STATIC_ON: &str = "Static membership on: each instance keeps its identity, so one that restarts within the session timeout rejoins as itself and the group does not stop for a rebalance. Its own partitions wait for it.";
const STATIC_OFF: &str = "Static membership off: a restarted instance joins as a new member, and its rebalance cannot end before the old member's session runs out.";
const COMMIT_AUTO: &str = "Periodic commit: a crash replays up to one interval of records.";
const HEARTBEAT_ON: &str = "Heartbeats on: the gateway pings each connection and closes those that miss the pongs, so a silently dead connection is found and its client reconnects.";
const HEARTBEAT_OFF: &str =
    "Heartbeats off: a connection dropped without a close looks open for ever and receives nothing.";
const RECONNECT_JITTER_ON: &str = "Reconnect jitter on: clients wait a random, growing delay before reconnecting, so a gateway restart is not followed by every client at once.";
const RECONNECT_JITTER_OFF: &str = "Reconnect jitter off: clients reconnect in lockstep, a storm after every restart.";
const RESUME_ON: &str =
    "Resume on: a reconnecting client sends its last event id and the gateway replays what it missed from its buffer.";
const RESUME_OFF: &str = "Resume off: updates sent while a client was away are lost to it.";
const JOB_OUTPUT: &str = "Output monitoring on: the job's alerts also check rows written against rows read, fresh output on time and the run's duration, so a run that exits 0 with bad output is caught.";
const JOB_EXIT: &str =
    "Exit-code monitoring only: a crash alerts, a run that exits 0 with missing or wrong rows does not.";
const CHOREOGRAPHY: &str = "Choreography: each service triggers the next one itself; there is no central place that knows where a saga stands.";
const ORCHESTRATION: &str =
    "Orchestration: the orchestrator drives every step and every undo, and knows where each saga stands.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::presets;

    #[test]
    fn a_breaker_without_a_fallback_says_orders_still_fail() {
        let s = presets::load("cascade").expect("preset");
        let protected = presets::load("cascade-protected").expect("preset");
        // Switch on the breaker of each link that has one in the protected variant, without its fallback.
        let mut said = None;
        for l in &protected.links {
            let Transport::RequestResponse(p) = &l.transport else { continue };
            if p.breaker.is_none() {
                continue;
            }
            let Some(Transport::RequestResponse(old)) = s.link(&l.id).map(|l| &l.transport) else { continue };
            let mut next = old.clone();
            next.breaker = p.breaker.clone();
            next.fallback = false;
            said = explain(&s, &Edit::SetTransport { link: l.id.clone(), transport: Transport::RequestResponse(next) });
            break;
        }
        let said = said.expect("an explanation");
        assert!(
            said.contains("fails calls at once") && said.contains("fallback would answer them with cached data"),
            "{said}"
        );
    }

    #[test]
    fn static_membership_is_explained_both_ways() {
        let s = presets::load("commit-after").expect("preset");
        let (id, policy) =
            s.links.iter().find_map(|l| l.transport.read_policy().map(|r| (l.id.clone(), r.clone()))).expect("a group");
        let mut on = policy.clone();
        on.static_membership = true;
        let said = explain(&s, &Edit::SetTransport { link: id.clone(), transport: Transport::Read(on.clone()) });
        assert!(said.as_deref().is_some_and(|t| t.starts_with("Static membership on")), "{said:?}");
        let mut after = s.clone();
        after.links.iter_mut().filter(|l| l.id == id).for_each(|l| l.transport = Transport::Read(on.clone()));
        let said = explain(&after, &Edit::SetTransport { link: id, transport: Transport::Read(policy) });
        assert!(said.as_deref().is_some_and(|t| t.starts_with("Static membership off")), "{said:?}");
    }

    #[test]
    fn a_dead_letter_queue_and_nothing_for_a_move() {
        let s = presets::load("poison").expect("preset");
        let (id, spec) =
            s.nodes.iter().find_map(|n| n.kind.queue().map(|q| (n.id.clone(), q.clone()))).expect("a queue");
        let mut on = spec.clone();
        on.max_receive_count = Some(3);
        let said = explain(&s, &Edit::SetQueue { node: id.clone(), spec: on }).expect("explained");
        assert!(said.starts_with("Dead-letter queue on"), "{said}");
        let moved = Edit::MoveNode { node: id, position: crate::engine::scenario::Position { x: 1.0, y: 1.0 } };
        assert_eq!(explain(&s, &moved), None);
        assert!(explain_monitoring(true).contains("alert"));
    }
}
