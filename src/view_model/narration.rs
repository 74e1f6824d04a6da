//! Notable events in words, for the aria-live region, at a pace a screen
//! reader can follow: at most one announcement per interval, the rest
//! summed up ("and 4 more").

use crate::engine::event::{EventKind, Fate, JobAlertKind, StreamCause};
use crate::engine::scenario::Scenario;

/// True for events worth stopping at ("step to the next notable event").
pub fn is_notable(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::BreakerChanged { .. }
            | EventKind::DeadLettered { .. }
            | EventKind::ReplicaCrashed { .. }
            | EventKind::ReplicaRestarted { .. }
            | EventKind::FaultApplied { .. }
            | EventKind::FaultCleared { .. }
            | EventKind::OrderFinished { ok: false, .. }
            | EventKind::TimedOut { .. }
            | EventKind::DuplicateProcessed { .. }
            | EventKind::Settled { fate: Fate::Dropped(_), .. }
            | EventKind::Unreadable { dead_lettered: true, .. }
            | EventKind::PublishRejected { .. }
            | EventKind::SchemaChanged { .. }
            | EventKind::RebalanceStarted { .. }
            | EventKind::RecordsLost { .. }
            | EventKind::PublishFailed { outbox: false, stored: false, .. }
            | EventKind::GatewayRestarted { .. }
            | EventKind::ConnectionsDropped { .. }
            | EventKind::HeartbeatsMissed { dead: 1.., .. }
            | EventKind::SagaAlert { .. }
            | EventKind::SagaStuck { .. }
            | EventKind::StepDone { compensation: false, ok: false, .. }
            | EventKind::JobAlert { .. }
            | EventKind::JobRunEnded { exit_ok: false, .. }
    ) || matches!(kind, EventKind::PositionMoved { from, to, .. } if to < from)
}

/// Words for why a group lost or repeated records.
fn cause_words(c: StreamCause) -> &'static str {
    match c {
        StreamCause::CrashReplay => "a crash after processing, before the commit",
        StreamCause::AtMostOnceCrash => "a crash after the commit, before processing",
        StreamCause::Retention => "retention deleted them first",
        StreamCause::Reset => "the group was reset past them",
        StreamCause::OutboxRepublish => "the outbox published them again",
        StreamCause::EngineLimit => "the simulator keeps at most 10,000 records a partition",
    }
}

fn node_label(s: &Scenario, i: u32) -> &str {
    s.nodes.get(i as usize).map_or("?", |n| n.label.as_str())
}

fn link_label(s: &Scenario, i: u32) -> String {
    s.links.get(i as usize).map_or_else(
        || "?".to_string(),
        |l| {
            let from = s.node(&l.from).map_or(l.from.as_str(), |n| n.label.as_str());
            let to = s.node(&l.to).map_or(l.to.as_str(), |n| n.label.as_str());
            format!("{from} → {to}")
        },
    )
}

/// Turns events into announcements, rate limited.
#[derive(Clone, Debug, Default)]
pub struct Narrator {
    last_spoken_ms: Option<f64>,
    held: Option<String>,
    held_extra: u32,
    orders_failing: bool,
}

/// Shortest gap between two announcements, in wall milliseconds.
pub const MIN_GAP_MS: f64 = 2_000.0;

impl Narrator {
    /// The sentence for an event, if it deserves one. Tracks whether orders
    /// are failing so that only the change is announced, not every failure.
    pub fn sentence(&mut self, kind: &EventKind, s: &Scenario) -> Option<String> {
        match *kind {
            EventKind::BreakerChanged { link, to, .. } => Some(format!(
                "Circuit breaker on {} is now {}.",
                link_label(s, link),
                super::describe::breaker_word(to)
            )),
            EventKind::DeadLettered { queue, .. } => {
                Some(format!("A message was moved to the dead-letter queue of {}.", node_label(s, queue)))
            }
            EventKind::ReplicaCrashed { node, replica, .. } => {
                Some(format!("{} instance {} crashed.", node_label(s, node), replica + 1))
            }
            EventKind::Unreadable { node, topic, dead_lettered: true, .. } => Some(format!(
                "Alert: {} could not read an event from {}; it went to the dead-letter queue.",
                node_label(s, node),
                node_label(s, topic)
            )),
            EventKind::PublishRejected { topic, .. } => Some(format!(
                "The schema registry refused a publish to {}: no subscriber gets it.",
                node_label(s, topic)
            )),
            EventKind::SchemaChanged { topic, version, accepted } => Some(format!(
                "The publisher to {} now writes schema version {version}{}.",
                node_label(s, topic),
                if accepted { "" } else { ", which the registry refuses" }
            )),
            EventKind::RebalanceStarted { link, .. } => {
                Some(format!("Consumer group {} stopped for a rebalance.", link_label(s, link)))
            }
            EventKind::RecordsLost { link, count, cause, .. } => Some(format!(
                "Consumer group {} will never process {count} records: {}.",
                link_label(s, link),
                cause_words(cause)
            )),
            EventKind::PositionMoved { link, from, to, .. } if to < from => {
                Some(format!("Consumer group {} moved back to offset {to}: replaying.", link_label(s, link)))
            }
            EventKind::PublishFailed { link, outbox: false, stored: false, .. } => Some(format!(
                "A publish on {} failed after the database commit: downstream never hears of that order.",
                link_label(s, link)
            )),
            EventKind::GatewayRestarted { node, up: false } => {
                Some(format!("{} is restarting: every connection closed.", node_label(s, node)))
            }
            EventKind::GatewayRestarted { node, up: true } => {
                Some(format!("{} accepts connections again.", node_label(s, node)))
            }
            EventKind::ConnectionsDropped { link, count, silent: true } => Some(format!(
                "{count} connections on {} dropped silently: they look open and receive nothing.",
                link_label(s, link)
            )),
            EventKind::ConnectionsDropped { link, count, silent: false } => {
                Some(format!("{count} clients on {} lost their connection and will reconnect.", link_label(s, link)))
            }
            EventKind::HeartbeatsMissed { link, dead: dead @ 1.., .. } => Some(format!(
                "Heartbeats found {dead} dead connections on {}: those clients reconnect.",
                link_label(s, link)
            )),
            EventKind::SagaAlert { saga, node, step, waiting } => Some(format!(
                "Alert: saga {saga} needs manual intervention. Undoing step {} failed after every retry; \
                 the steps before it stay done. {waiting} in the manual queue of {}.",
                step + 1,
                node_label(s, node)
            )),
            EventKind::SagaStuck { saga, node, step, compensating } => Some(format!(
                "Alert: saga {saga} of {} passed its deadline while {} step {}: stuck, still waiting.",
                node_label(s, node),
                if compensating { "undoing" } else { "on" },
                step + 1
            )),
            EventKind::StepDone { saga, step, compensation: false, ok: false, .. } => {
                Some(format!("Saga {saga}: step {} failed; undoing the steps before it in reverse.", step + 1))
            }
            EventKind::JobAlert { node, run, alert } => Some(format!(
                "Alert from {}: {}.",
                node_label(s, node),
                match alert {
                    JobAlertKind::ExitCode => format!("run {run} exited with an error"),
                    JobAlertKind::RowCount => format!("run {run} wrote fewer rows than it read"),
                    JobAlertKind::Stale => "no fresh output within the freshness limit".to_string(),
                    JobAlertKind::DurationGrowth => format!("run {run} took much longer than the recent runs"),
                }
            )),
            // Said whatever the monitoring: the page shows what the job's owner would not see.
            EventKind::JobRunEnded { node, run, exit_ok: true, rows_in, rows_out, .. } if rows_out < rows_in => {
                Some(format!("{} run {run} exited 0 but wrote only {rows_out} of {rows_in} rows.", node_label(s, node)))
            }
            EventKind::FaultApplied { .. } => Some("A fault started.".to_string()),
            EventKind::FaultCleared { .. } => Some("A fault ended.".to_string()),
            EventKind::OrderFinished { ok: false, source, .. } if !self.orders_failing => {
                self.orders_failing = true;
                let at = s
                    .sources
                    .get(source as usize)
                    .and_then(|src| s.node(&src.target))
                    .map_or("?", |n| n.label.as_str());
                Some(format!("Failures have reached the users: orders at {at} are failing."))
            }
            EventKind::OrderFinished { ok: true, .. } if self.orders_failing => {
                self.orders_failing = false;
                Some("Orders are succeeding again.".to_string())
            }
            _ => None,
        }
    }

    /// Offers a sentence at wall time `now_ms`; returns what to announce now, if anything.
    pub fn offer(&mut self, sentence: String, now_ms: f64) -> Option<String> {
        if self.last_spoken_ms.is_none_or(|t| now_ms - t >= MIN_GAP_MS) && self.held.is_none() {
            self.last_spoken_ms = Some(now_ms);
            return Some(sentence);
        }
        if self.held.is_some() {
            self.held_extra += 1;
        } else {
            self.held = Some(sentence);
        }
        None
    }

    /// Releases a held announcement once the gap has passed.
    pub fn flush(&mut self, now_ms: f64) -> Option<String> {
        if self.last_spoken_ms.is_some_and(|t| now_ms - t < MIN_GAP_MS) {
            return None;
        }
        let held = self.held.take()?;
        let extra = std::mem::take(&mut self.held_extra);
        self.last_spoken_ms = Some(now_ms);
        Some(if extra > 0 { format!("{held} And {extra} more.") } else { held })
    }

    /// Forgets state (after a reset).
    pub fn reset(&mut self) {
        *self = Narrator::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::breaker::BreakerState;
    use crate::engine::presets;

    #[test]
    fn announces_at_most_once_per_gap_and_sums_up_the_rest() {
        let mut n = Narrator::default();
        assert_eq!(n.offer("one".into(), 0.0).as_deref(), Some("one"));
        assert_eq!(n.offer("two".into(), 100.0), None);
        assert_eq!(n.offer("three".into(), 200.0), None);
        assert_eq!(n.flush(1_000.0), None);
        assert_eq!(n.flush(2_100.0).as_deref(), Some("two And 1 more."));
        assert_eq!(n.flush(5_000.0), None);
        assert_eq!(n.offer("four".into(), 5_000.0).as_deref(), Some("four"));
    }

    #[test]
    fn sentences_name_things_and_failures_are_announced_on_change() {
        let s = presets::load("order-flow").expect("preset");
        let mut n = Narrator::default();
        let open = EventKind::BreakerChanged { link: 2, from: BreakerState::Closed, to: BreakerState::Open };
        assert_eq!(n.sentence(&open, &s).as_deref(), Some("Circuit breaker on Inventory → Pricing is now open."));
        let failed = EventKind::OrderFinished { corr: 1, source: 0, ok: false, e2e: 1, budget: 1 };
        assert!(n.sentence(&failed, &s).is_some_and(|t| t.contains("Browser")));
        assert_eq!(n.sentence(&failed, &s), None, "only the change is announced");
        let ok = EventKind::OrderFinished { corr: 2, source: 0, ok: true, e2e: 1, budget: 1 };
        assert!(n.sentence(&ok, &s).is_some());
        assert!(is_notable(&open) && is_notable(&failed) && !is_notable(&ok));
    }

    #[test]
    fn types_3_and_4_say_what_went_wrong() {
        let s = crate::engine::presets::load("stream-replay").expect("preset");
        let mut n = Narrator::default();
        let lost = EventKind::RecordsLost { link: 3, partition: 0, from: 0, count: 28, cause: StreamCause::Retention };
        assert!(is_notable(&lost));
        let said = n.sentence(&lost, &s).expect("a sentence");
        assert!(said.contains("never process 28 records: retention deleted them first"), "{said}");
        let back = EventKind::PositionMoved { link: 2, partition: 1, from: 90, to: 10 };
        let forward = EventKind::PositionMoved { link: 2, partition: 1, from: 10, to: 90 };
        assert!(is_notable(&back) && !is_notable(&forward));
        assert!(n.sentence(&back, &s).expect("a sentence").contains("replaying"));
        assert_eq!(n.sentence(&forward, &s), None);
    }
}
