//! Every engine event in a short sentence of our own, for the visible event
//! log: what happened, where, to which order. The aria-live narration
//! (`narration.rs`) speaks a few of them; the log shows them all.

use crate::engine::event::{EventKind, Fate, JobAlertKind, Reason};
use crate::engine::scenario::{OverlapPolicy, Scenario};
use crate::engine::time::{ms_to_micros, Micros};

use super::narration::{cause_words, link_label, node_label};

/// A duration as "12 ms" (or "1.2 s" from a second up).
pub fn ms_text(us: Micros) -> String {
    if us >= 1_000_000 {
        format!("{:.1} s", us as f64 / 1e6)
    } else {
        format!("{} ms", us / 1_000)
    }
}

/// A failure reason in a few words.
pub fn reason_words(r: Reason) -> &'static str {
    match r {
        Reason::Error => "an error in its processing",
        Reason::Timeout => "a timeout",
        Reason::Overloaded => "overload (every worker busy, backlog full)",
        Reason::Unavailable => "the service being down",
        Reason::Crashed => "a crash",
        Reason::DownstreamFailed => "a failed downstream call with no fallback",
        Reason::ShortCircuited => "an open circuit breaker",
        Reason::Partition => "a network partition",
        Reason::Poison => "a poison message",
        Reason::SchemaRejected => "the schema registry's refusal",
        Reason::Unreadable => "an event it could not read",
        Reason::Unsubscribed => "its subscription being removed",
        Reason::Disconnected => "no working connection",
        Reason::Restarting => "a restart",
        Reason::Replaced => "the next run replacing it",
    }
}

/// The sentence for one event. Never empty.
pub fn event_words(kind: &EventKind, s: &Scenario) -> String {
    let n = |i: u32| node_label(s, i).to_string();
    let l = |i: u32| link_label(s, i);
    match *kind {
        EventKind::OrderPlaced { corr, node, .. } => format!("Order {corr} placed at {}.", n(node)),
        EventKind::Sent { corr, link, attempt, arrives, .. } => match (attempt, arrives) {
            (_, None) => format!("Order {corr}: a message on {} was lost to a partition.", l(link)),
            (0 | 1, _) => format!("Order {corr}: message sent on {}.", l(link)),
            (a, _) => format!("Order {corr}: attempt {a} sent on {}.", l(link)),
        },
        EventKind::Arrived { msg, node } => format!("Message {msg} reached {} and waits for a worker.", n(node)),
        EventKind::Rejected { msg, node, reason } => {
            format!("{} refused message {msg} because of {}.", n(node), reason_words(reason))
        }
        EventKind::Started { msg, node, replica, waited } => {
            format!("{} instance {} started message {msg} after waiting {}.", n(node), replica + 1, ms_text(waited))
        }
        EventKind::Completed { msg, node, busy, .. } => {
            format!("{} finished message {msg} in {}.", n(node), ms_text(busy))
        }
        EventKind::Failed { msg, node, reason, .. } => {
            format!("{} failed message {msg} because of {}.", n(node), reason_words(reason))
        }
        EventKind::Replied { msg, link, ok, .. } => {
            format!("{} reply to message {msg} on {}.", if ok { "A good" } else { "An error" }, l(link))
        }
        EventKind::CallReturned { link, ok, rtt, .. } => format!(
            "A call on {} returned {} after {}.",
            l(link),
            if ok { "successfully" } else { "with a failure" },
            ms_text(rtt)
        ),
        EventKind::Lost { msg, link } => format!("Message {msg} was lost on {} (partition).", l(link)),
        EventKind::TimedOut { msg, link } => format!("The caller on {} stopped waiting for message {msg}: timeout.", l(link)),
        EventKind::LateReply { msg, link } => {
            format!("A reply to message {msg} on {} came after its caller gave up: wasted work.", l(link))
        }
        EventKind::RetryScheduled { corr, link, attempt, delay } => {
            format!("Order {corr}: attempt {attempt} on {} will be tried in {}.", l(link), ms_text(delay))
        }
        EventKind::RetryDenied { corr, link } => {
            format!("Order {corr}: no retry on {}: the retry budget is spent.", l(link))
        }
        EventKind::ShortCircuited { corr, link } => {
            format!("Order {corr}: the open breaker on {} failed the call without sending it.", l(link))
        }
        EventKind::BreakerChanged { link, to, .. } => {
            format!("Circuit breaker on {} is now {}.", l(link), super::describe::breaker_word(to))
        }
        EventKind::FallbackUsed { corr, link } => {
            format!("Order {corr}: the call on {} failed; the fallback answered with cached data.", l(link))
        }
        EventKind::Enqueued { msg, queue, depth, .. } => {
            format!("Message {msg} entered {} ({depth} waiting).", n(queue))
        }
        EventKind::Delivered { msg, queue, node, receive_count, waited, .. } => format!(
            "{} handed message {msg} to {} (receive {receive_count}) after {} in the queue.",
            n(queue),
            n(node),
            ms_text(waited)
        ),
        EventKind::Acked { msg, queue, .. } => format!("Message {msg} acknowledged and deleted from {}.", n(queue)),
        EventKind::VisibilityExpired { msg, sub: Some(sub), receive_count, backoff: Some(wait), .. } => format!(
            "Message {msg} was not acknowledged in time after delivery {receive_count} on {}: the retry policy holds it back for {}.",
            l(sub),
            ms_text(wait)
        ),
        EventKind::VisibilityExpired { msg, queue, receive_count, .. } => format!(
            "Message {msg} was not acknowledged in time: visible again in {} after {receive_count} receives.",
            n(queue)
        ),
        // A subscription has its own dead-letter queue, not the topic's.
        EventKind::DeadLettered { msg, sub: Some(sub), receive_count, .. } => {
            format!("Message {msg} moved to the dead-letter queue of {} after {receive_count} deliveries.", l(sub))
        }
        EventKind::DeadLettered { msg, queue, receive_count, .. } => {
            format!("Message {msg} moved to the dead-letter queue of {} after {receive_count} receives.", n(queue))
        }
        EventKind::DuplicateSuppressed { msg, node } => {
            format!("{} recognised message {msg} as a repeat and skipped its effects.", n(node))
        }
        EventKind::DuplicateProcessed { msg, node } => {
            format!("{} processed message {msg} a second time: its effects happened twice.", n(node))
        }
        EventKind::ReplicaCrashed { node, replica, reason } => match reason {
            Reason::Poison => format!(
                "{} instance {} crashed on a poison message. It restarts; the message is not failed, it comes back after the visibility timeout.",
                n(node),
                replica + 1
            ),
            Reason::Restarting => format!(
                "{} instance {} stopped for a restart: what it held is lost or comes back from its queue.",
                n(node),
                replica + 1
            ),
            r => format!("{} instance {} crashed ({}).", n(node), replica + 1, reason_words(r)),
        },
        EventKind::ReplicaRestarted { node, replica } => format!("{} instance {} restarted.", n(node), replica + 1),
        EventKind::FaultApplied { fault } => match s.faults.get(fault as usize) {
            Some(f) => format!("A fault started on {}.", target_label(s, &f.target)),
            None => "A fault started.".to_string(),
        },
        EventKind::FaultCleared { fault } => match s.faults.get(fault as usize) {
            Some(f) => format!("The fault on {} ended.", target_label(s, &f.target)),
            None => "A fault ended.".to_string(),
        },
        EventKind::OrderFinished { corr, ok, e2e, budget, .. } => match (ok, e2e > budget) {
            (true, false) => format!("Order {corr} succeeded in {}.", ms_text(e2e)),
            (true, true) => format!("Order {corr} succeeded in {}, over its {} budget.", ms_text(e2e), ms_text(budget)),
            (false, _) => format!("Order {corr} failed after {}: the user saw an error.", ms_text(e2e)),
        },
        EventKind::Settled { msg, fate } => match fate {
            Fate::Processed => format!("Message {msg} done."),
            Fate::Failed(r) => format!("Message {msg} failed for good: {}.", reason_words(r)),
            Fate::DeadLettered => format!("Message {msg} ended in a dead-letter queue."),
            Fate::Dropped(r) => format!("Message {msg} was dropped: {}.", reason_words(r)),
        },
        EventKind::Appended { log, partition, offset, corr, .. } => {
            format!("Order {corr}: record stored in {} partition {partition} at offset {offset}.", n(log))
        }
        EventKind::PublishFailed { link, stored, outbox, .. } => match (outbox, stored) {
            (true, _) => format!("A publish on {} failed; the outbox row stays and will be sent again.", l(link)),
            (false, true) => format!("A publish on {} lost its confirmation; the log kept the record.", l(link)),
            (false, false) => format!("A publish on {} failed after the database commit: the event is lost.", l(link)),
        },
        EventKind::OutboxWritten { node, backlog, .. } => {
            format!("{} wrote an event into its outbox ({backlog} rows waiting).", n(node))
        }
        EventKind::OutboxRelayed { node, delay, .. } => {
            format!("{}'s outbox relay published a row {} after it was written.", n(node), ms_text(delay))
        }
        EventKind::OutboxOverflow { node, .. } => format!("{}'s outbox was full: an event was lost.", n(node)),
        EventKind::RecordsExpired { log, partition, count, .. } => {
            format!("Retention deleted {count} records of {} partition {partition}.", n(log))
        }
        EventKind::Polled { link, partition, count, from, .. } => {
            format!("Group {} polled {count} records of partition {partition} from offset {from}.", l(link))
        }
        EventKind::RecordProcessed { link, partition, offset, ok, .. } => format!(
            "Group {} {} the record at offset {offset} of partition {partition}.",
            l(link),
            if ok { "processed" } else { "failed and skipped" }
        ),
        EventKind::RecordDuplicate { link, offset, cause, suppressed, .. } => format!(
            "Group {} {} the record at offset {offset} again ({}).",
            l(link),
            if suppressed { "recognised and skipped" } else { "processed" },
            cause_words(cause)
        ),
        EventKind::RecordsLost { link, count, cause, .. } => {
            format!("Group {} will never process {count} records: {}.", l(link), cause_words(cause))
        }
        EventKind::OffsetCommitted { link, partition, offset } => {
            format!("Group {} committed offset {offset} of partition {partition}.", l(link))
        }
        EventKind::RebalanceStarted { link, .. } if cooperative(s, link) => format!(
            "Group {} began a cooperative rebalance: only the partitions that move pause; the rest are read on.",
            l(link)
        ),
        EventKind::RebalanceStarted { link, .. } => format!("Group {} stopped for a rebalance.", l(link)),
        EventKind::RebalanceDone { link, members, .. } => {
            format!("Group {} rebalanced over {members} members.", l(link))
        }
        EventKind::MemberRejoined { link, replica } => format!(
            "Group {}: instance {} came back within its session and rejoined as the same member (static membership): no rebalance.",
            l(link),
            replica + 1
        ),
        EventKind::PositionMoved { link, partition, from, to } => {
            format!("Group {} moved partition {partition} from offset {from} to {to}.", l(link))
        }
        EventKind::Published { topic, version, copies, .. } => {
            format!("An event (schema v{version}) reached {} and was copied to {copies} subscriptions.", n(topic))
        }
        EventKind::Copied { corr, sub, .. } => format!("Order {corr}: a copy of the event waits in {}.", l(sub)),
        EventKind::PublishRejected { corr, topic, version, .. } => {
            format!("Order {corr}: the registry refused schema v{version} on {}: not published.", n(topic))
        }
        EventKind::Unreadable { node, topic, nacked, .. } => format!(
            "{} could not read an event from {}{}",
            n(node),
            n(topic),
            if nacked {
                ": nacked, so Pub/Sub delivers it again until its delivery attempts run out."
            } else {
                ": dropped silently."
            }
        ),
        EventKind::Nacked { msg, sub, receive_count, backoff: None, .. } => format!(
            "Message {msg} was nacked after delivery {receive_count} on {}: it can be delivered again at once.",
            l(sub)
        ),
        EventKind::Nacked { msg, sub, receive_count, backoff: Some(wait), .. } => format!(
            "Message {msg} was nacked after delivery {receive_count} on {}: the retry policy holds it back for {}.",
            l(sub),
            ms_text(wait)
        ),
        EventKind::BackoffEnded { msg, sub, depth, .. } => {
            format!("Message {msg} waited out its retry backoff: deliverable again in {} ({depth} waiting).", l(sub))
        }
        EventKind::SchemaChanged { topic, version, accepted } => format!(
            "The publisher to {} now writes schema v{version}{}.",
            n(topic),
            if accepted { "" } else { ", which the registry refuses" }
        ),
        EventKind::SubscriptionAdded { sub, .. } => format!("Subscription {} added.", l(sub)),
        EventKind::SubscriptionRemoved { sub, dropped, .. } => {
            format!("Subscription {} removed; {dropped} waiting events dropped.", l(sub))
        }
        EventKind::GatewayRestarted { node, up } => {
            if up {
                format!("{} accepts connections again.", n(node))
            } else {
                format!("{} is restarting: every connection closed.", n(node))
            }
        }
        EventKind::ConnectionsDropped { link, count, silent } => {
            if silent {
                format!("{count} connections on {} dropped silently: they look open and receive nothing.", l(link))
            } else {
                format!("{count} clients on {} lost their connection and will reconnect.", l(link))
            }
        }
        EventKind::Reconnects { link, ok, rejected, refused } => {
            format!("Reconnects on {}: {ok} accepted, {rejected} over the limit, {refused} found it down.", l(link))
        }
        EventKind::HeartbeatsMissed { link, missed, dead } => {
            format!("Heartbeats on {}: {missed} missed a pong, {dead} closed as dead.", l(link))
        }
        EventKind::UpdateReceived { link, client, .. } => format!("Client {client} on {} got an update.", l(link)),
        EventKind::UpdateMissed { link, client, held, .. } => format!(
            "Client {client} on {} missed an update{}.",
            l(link),
            if held { " (kept for its resume)" } else { ": lost" }
        ),
        EventKind::UpdateReplayed { link, client, .. } => {
            format!("Client {client} on {} resumed and got a held update.", l(link))
        }
        EventKind::UpdateExpired { link, restarted: false, .. } => {
            format!("A held update on {} expired before its client came back.", l(link))
        }
        EventKind::UpdateExpired { link, restarted: true, .. } => {
            format!("A held update on {} was lost with the gateway's memory when it restarted.", l(link))
        }
        EventKind::SagaStarted { saga, node, corr, steps, .. } => {
            format!("{} started saga {saga} for order {corr} ({steps} steps).", n(node))
        }
        EventKind::StepSent { saga, step, to, attempt, .. } => format!(
            "Saga {saga}: step {} sent to {}{}.",
            step + 1,
            n(to),
            if attempt > 1 { format!(" (attempt {attempt})") } else { String::new() }
        ),
        EventKind::CompensationSent { saga, step, to, .. } => {
            format!("Saga {saga}: undoing step {} at {}.", step + 1, n(to))
        }
        EventKind::StepDone { saga, step, compensation, ok, timed_out, refused, .. } => format!(
            "Saga {saga}: {} of step {} {}.",
            if compensation { "the undo" } else { "the work" },
            step + 1,
            match (ok, timed_out, refused) {
                (true, ..) => "succeeded",
                (false, true, _) => "timed out",
                (false, false, true) => "was refused before any work (service down or full), so it is asked again",
                (false, false, false) => "failed",
            }
        ),
        EventKind::SagaEnded { saga, outcome, .. } => format!("Saga {saga} ended: {}.", outcome.name()),
        EventKind::SagaAlert { saga, node, waiting, .. } => {
            format!("Saga {saga} needs a person: an undo failed for good ({waiting} in {}'s manual queue).", n(node))
        }
        EventKind::SagaWaiting { saga, node, on, link, full } => match link {
            Some(link) => format!("Saga {saga}: {} is cut, so its event waits on the broker until it heals.", l(link)),
            None if full => format!(
                "Saga {saga}: {} is full, so its event waits on the broker and comes again when a place frees.",
                n(on)
            ),
            None if on == node => {
                format!("Saga {saga} waits for {} to be back: its state is kept, nothing is decided meanwhile.", n(node))
            }
            None => format!("Saga {saga} waits for {} to be back, which then gets its step's event again.", n(on)),
        },
        EventKind::StepRepeated { saga, step, at, compensation, applied, .. } => format!(
            "Saga {saga}: {} got {} of step {} again and {}.",
            n(at),
            if compensation { "the undo" } else { "the command" },
            step + 1,
            if applied { "did it twice (not idempotent)" } else { "recognised the repeat: done once" }
        ),
        EventKind::SagaStuck { saga, node, step, .. } => {
            format!("Saga {saga} of {} passed its deadline at step {}: stuck.", n(node), step + 1)
        }
        EventKind::JobRunStarted { node, run, rows_in, waited, .. } => {
            let late = if waited > 0 { format!(", {} after its fire time", ms_text(waited)) } else { String::new() };
            format!("{} run {run} started{late}, reading {rows_in} records.", n(node))
        }
        EventKind::JobRunEnded { node, run, exit_ok, rows_in, rows_out, duration, .. } => format!(
            "{} run {run} {} after {}: {rows_out} of {rows_in} rows written.",
            n(node),
            if exit_ok { "exited 0" } else { "exited with an error" },
            ms_text(duration)
        ),
        EventKind::JobRunSkipped { node, running } => {
            let job = s.nodes.get(node as usize).and_then(|x| x.kind.job());
            // Forbid keeps the most recent missed fire time for a late start.
            let then = match job.filter(|j| j.overlap == OverlapPolicy::Skip).map(|j| j.starting_deadline_ms) {
                Some(None) => "It starts late once none is going (no starting deadline).".to_string(),
                Some(Some(d)) => format!("It starts late once none is going, if within {}.", ms_text(ms_to_micros(d))),
                None => return format!("{} skipped a run: {running} still going.", n(node)),
            };
            format!("{} missed a fire time: {running} still going. {then}", n(node))
        }
        EventKind::JobRunQueued { node, queued } => format!("{} queued a run ({queued} waiting).", n(node)),
        EventKind::JobRunReplaced { node, run, rows_in, duration, .. } => format!(
            "{} stopped run {run} after {} to start the next: its {rows_in} records are read again.",
            n(node),
            ms_text(duration)
        ),
        EventKind::JobRunBackoff { node, run, failures, delay, .. } => format!(
            "{} run {run} exited with an error (failure {failures}): a new pod starts in {}.",
            n(node),
            ms_text(delay)
        ),
        EventKind::JobRunRetried { node, run, retry, rows_in, .. } => {
            format!("{} run {run} started again (retry {retry}), reading {rows_in} records.", n(node))
        }
        EventKind::JobRunGaveUp { node, run, failures, .. } => {
            format!("{} run {run} failed {failures} times: back-off limit exceeded, the run has failed.", n(node))
        }
        EventKind::JobAlert { node, run, alert } => format!(
            "Alert from {}: {}.",
            n(node),
            match alert {
                JobAlertKind::ExitCode => format!("run {run} exited with an error"),
                JobAlertKind::RowCount => format!("run {run} wrote fewer rows than it read"),
                JobAlertKind::Stale => "no fresh output within the freshness limit".to_string(),
                JobAlertKind::DurationGrowth => format!("run {run} took much longer than the recent runs"),
            }
        ),
    }
}

/// A node's or link's label by id.
pub fn target_label(s: &Scenario, id: &str) -> String {
    if let Some(n) = s.node(id) {
        return n.label.clone();
    }
    match s.links.iter().position(|l| l.id == id) {
        Some(i) => link_label(s, i as u32),
        None => id.to_string(),
    }
}

/// Whether read link `link` uses the cooperative sticky assignor, whose
/// rebalance pauses only the partitions that move (the eager one stops the
/// whole group).
pub fn cooperative(s: &Scenario, link: u32) -> bool {
    s.links
        .get(link as usize)
        .and_then(|l| l.transport.read_policy())
        .is_some_and(|p| p.assignor == crate::engine::scenario::Assignor::CooperativeSticky)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{presets, Simulation, SECOND};

    #[test]
    fn a_subscriptions_dead_letter_names_the_subscription_not_the_topic() {
        let s = presets::load("schema-break-dlq").expect("preset");
        let mut sim = Simulation::new(s.clone()).expect("valid");
        sim.set_recording(true);
        sim.run_until(30 * SECOND).expect("runs");
        let e = sim
            .drain_events()
            .into_iter()
            .find(|e| matches!(e.kind, EventKind::DeadLettered { sub: Some(_), .. }))
            .expect("a subscription dead-lettered");
        let EventKind::DeadLettered { sub: Some(sub), queue, .. } = e.kind else { unreachable!() };
        let words = event_words(&e.kind, &s);
        let (subscription, topic) = (crate::view_model::narration::link_label(&s, sub), &s.nodes[queue as usize].label);
        assert!(words.contains(&subscription) && words.contains("deliveries"), "{words}");
        let said = crate::view_model::narration::Narrator::default().sentence(&e.kind, &s).expect("said");
        assert!(said.contains(&subscription) && !said.ends_with(&format!("{topic}.")), "{said}");
    }

    #[test]
    fn an_unreadable_event_under_dead_letter_is_said_to_be_nacked_not_dead_lettered() {
        let s = presets::load("schema-break-dlq").expect("preset");
        let mut sim = Simulation::new(s.clone()).expect("valid");
        sim.set_recording(true);
        sim.run_until(11 * SECOND).expect("runs");
        let events = sim.drain_events();
        let e = events.iter().find(|e| matches!(e.kind, EventKind::Unreadable { .. })).expect("unreadable");
        assert!(matches!(e.kind, EventKind::Unreadable { nacked: true, .. }));
        let words = event_words(&e.kind, &s);
        assert!(words.contains("nacked") && !words.contains("dead-lettered"), "{words}");
        let said = crate::view_model::narration::Narrator::default().sentence(&e.kind, &s).expect("said");
        assert!(said.contains("nacked") && !said.starts_with("Alert"), "{said}");
        let nack = events.iter().find(|e| matches!(e.kind, EventKind::Nacked { .. })).expect("a nack landed");
        assert!(event_words(&nack.kind, &s).contains("delivered again at once"));
    }

    #[test]
    fn every_event_of_the_seven_preset_has_words() {
        let s = presets::load("seven").expect("preset");
        let mut sim = Simulation::new(s.clone()).expect("valid");
        sim.set_recording(true);
        sim.run_until(20 * SECOND).expect("runs");
        let events = sim.drain_events();
        assert!(events.len() > 1_000);
        for e in events {
            let w = event_words(&e.kind, &s);
            assert!(w.ends_with('.') && !w.contains('?'), "{w}");
        }
    }

    #[test]
    fn a_poison_crash_says_the_message_is_not_failed() {
        let s = presets::load("poison").expect("preset");
        let w = event_words(&EventKind::ReplicaCrashed { node: 2, replica: 0, reason: Reason::Poison }, &s);
        assert!(w.contains("poison") && w.contains("not failed"), "{w}");
        assert_eq!(ms_text(12_345), "12 ms");
        assert_eq!(ms_text(1_250_000), "1.2 s");
    }
}
