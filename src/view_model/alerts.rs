//! Alerts: what a monitor would page someone about, raised only where
//! monitoring is switched on, so a silent failure stays silent without it.
//! Each detector is a pure function of the frame (the run's metrics and
//! live state); [`AlertBook`] raises an alert when its condition starts,
//! keeps the list, and lets it be raised again after it has cleared.
//!
//! Batch jobs have their own monitoring in the engine (`JobSpec::monitor`,
//! `JobAlert` events): the page lists those alerts here too.

use std::collections::VecDeque;

use crate::engine::breaker::BreakerState;
use crate::engine::scenario::{NodeKind, Scenario, Transport};
use crate::engine::time::{Micros, SECOND};

use super::frame::Frame;
use super::narration::link_label;

/// A queue's or subscription's oldest message older than this, while
/// nothing fails, is a backlog growing in silence.
pub const AGE_LIMIT: Micros = 5 * SECOND;
/// A consumer group this many records behind is lagging.
pub const LAG_LIMIT: u64 = 200;

/// What an alert is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    /// Messages in a dead-letter queue.
    DeadLetters,
    /// The oldest waiting message keeps ageing (a hung or too slow consumer).
    OldestAge,
    /// A circuit breaker is open.
    BreakerOpen,
    /// A subscriber or consumer group falls behind.
    Lag,
    /// A consumer group processed records twice.
    Duplicates,
    /// A saga is stuck past its deadline or waits for a person.
    StuckSaga,
    /// Connections look open and receive nothing.
    SilentConnections,
    /// A batch job's monitoring (exit code, rows, freshness, duration).
    Batch,
}

impl AlertKind {
    /// Its short name in the alert list.
    pub fn word(self) -> &'static str {
        match self {
            AlertKind::DeadLetters => "Dead letters",
            AlertKind::OldestAge => "Old messages",
            AlertKind::BreakerOpen => "Breaker open",
            AlertKind::Lag => "Lag",
            AlertKind::Duplicates => "Duplicates",
            AlertKind::StuckSaga => "Stuck saga",
            AlertKind::SilentConnections => "Silent connections",
            AlertKind::Batch => "Batch job",
        }
    }
}

/// Something that can be monitored: a node or link and what its monitor watches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Monitor {
    /// The node's or link's id (the switch's key).
    pub id: String,
    /// Its label on the page.
    pub label: String,
    /// What the monitor watches, in words.
    pub watches: &'static str,
}

/// Every node and link of the scenario that has a monitor to switch on, in scenario order.
pub fn monitors(s: &Scenario) -> Vec<Monitor> {
    let mut out = Vec::new();
    for n in &s.nodes {
        let watches = match &n.kind {
            NodeKind::Queue(_) => "dead letters and the oldest message's age",
            NodeKind::Service(spec) if spec.saga.is_some() => "sagas stuck or waiting for a person",
            NodeKind::Service(_)
            | NodeKind::Client(_)
            | NodeKind::Topic(_)
            | NodeKind::Log(_)
            | NodeKind::Gateway(_)
            | NodeKind::Job(_) => continue,
        };
        out.push(Monitor { id: n.id.clone(), label: n.label.clone(), watches });
    }
    for (i, l) in s.links.iter().enumerate() {
        let watches = match &l.transport {
            Transport::RequestResponse(p) if p.breaker.is_some() => "the circuit breaker opening",
            Transport::Subscribe(_) => "the subscriber's lag and dead letters",
            Transport::Read(_) => "the group's lag and duplicates",
            Transport::Push(_) => "connections open with no messages",
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Consume(_)
            | Transport::Publish
            | Transport::Append(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead => continue,
        };
        out.push(Monitor { id: l.id.clone(), label: link_label(s, i as u32), watches });
    }
    out
}

/// A condition a monitor sees now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// Its kind.
    pub kind: AlertKind,
    /// The node or link id.
    pub id: String,
    /// What is wrong, in a sentence.
    pub text: String,
}

fn secs(us: Micros) -> String {
    format!("{:.0} s", us as f64 / SECOND as f64)
}

/// The conditions the switched-on monitors (`on`: node and link ids) see in `f`.
pub fn detect(f: &Frame, s: &Scenario, on: &[String]) -> Vec<Condition> {
    let mut out = Vec::new();
    let watched = |id: &str| on.iter().any(|o| o == id);
    let mut raise = |kind, id: &str, text: String| out.push(Condition { kind, id: id.to_string(), text });
    for (i, n) in s.nodes.iter().enumerate() {
        if !watched(&n.id) {
            continue;
        }
        if let (NodeKind::Queue(_), Some(st)) = (&n.kind, f.nodes.get(i)) {
            if st.dead_lettered > 0 {
                let text = format!("{} has {} messages in its dead-letter queue.", n.label, st.dead_lettered);
                raise(AlertKind::DeadLetters, &n.id, text);
            }
            if st.oldest_age > AGE_LIMIT {
                let text = format!(
                    "The oldest message in {} has waited {} ({} waiting): consumers are not keeping up, and nothing reports an error.",
                    n.label,
                    secs(st.oldest_age),
                    st.depth
                );
                raise(AlertKind::OldestAge, &n.id, text);
            }
        }
        if let Some(Some(g)) = f.sagas.get(i) {
            if g.stuck > 0 || g.manual > 0 {
                let text =
                    format!("{}: {} sagas past their deadline, {} waiting for a person.", n.label, g.stuck, g.manual);
                raise(AlertKind::StuckSaga, &n.id, text);
            }
        }
    }
    for (i, l) in s.links.iter().enumerate() {
        if !watched(&l.id) {
            continue;
        }
        let label = link_label(s, i as u32);
        if f.links.get(i).and_then(|st| st.breaker) == Some(BreakerState::Open) {
            let text = format!("The circuit breaker on {label} is open: calls fail fast without being sent.");
            raise(AlertKind::BreakerOpen, &l.id, text);
        }
        if let Some(Some(sub)) = f.subscriptions.get(i) {
            if sub.dlq > 0 {
                raise(AlertKind::DeadLetters, &l.id, format!("Subscription {label} has {} dead letters.", sub.dlq));
            }
            if sub.oldest_age > AGE_LIMIT {
                let text = format!(
                    "Subscription {label} is {} behind ({} events waiting), with no errors reported.",
                    secs(sub.oldest_age),
                    sub.backlog
                );
                raise(AlertKind::Lag, &l.id, text);
            }
        }
        if let Some(Some(g)) = f.groups.get(i) {
            if g.lag > LAG_LIMIT {
                raise(AlertKind::Lag, &l.id, format!("Consumer group {label} is {} records behind.", g.lag));
            }
            let repeated = g.duplicates.saturating_sub(g.suppressed);
            if repeated > 0 {
                let text =
                    format!("Consumer group {label} processed {repeated} records twice: their effects happened twice.");
                raise(AlertKind::Duplicates, &l.id, text);
            }
        }
        if let Some((_, stale, _)) = f.links.get(i).and_then(|st| st.crowd) {
            if stale > 0 {
                let text = format!(
                    "{stale} connections on {label} are open and have received nothing: the clients think they are live."
                );
                raise(AlertKind::SilentConnections, &l.id, text);
            }
        }
    }
    out
}

/// A raised alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// When (simulated time).
    pub t: Micros,
    /// Its kind.
    pub kind: AlertKind,
    /// The node or link id.
    pub id: String,
    /// What is wrong.
    pub text: String,
}

/// Alerts kept in the list.
pub const KEPT_ALERTS: usize = 200;

/// The alerts raised so far and the conditions active now.
#[derive(Clone, Debug, Default)]
pub struct AlertBook {
    active: Vec<(AlertKind, String)>,
    list: VecDeque<Alert>,
    raised: u64,
}

impl AlertBook {
    /// Takes the conditions seen at `now`: raises those that were not
    /// active (returned, to announce), and forgets those that cleared.
    pub fn update(&mut self, now: Micros, seen: Vec<Condition>) -> Vec<Alert> {
        self.active.retain(|(k, id)| seen.iter().any(|c| c.kind == *k && c.id == *id));
        let mut new = Vec::new();
        for c in seen {
            if self.active.iter().any(|(k, id)| *k == c.kind && *id == c.id) {
                continue;
            }
            self.active.push((c.kind, c.id.clone()));
            new.push(Alert { t: now, kind: c.kind, id: c.id, text: c.text });
        }
        for a in &new {
            self.push(a.clone());
        }
        new
    }

    /// Adds an alert raised elsewhere (a job's monitoring in the engine).
    pub fn push(&mut self, a: Alert) {
        if self.list.len() == KEPT_ALERTS {
            self.list.pop_front();
        }
        self.list.push_back(a);
        self.raised += 1;
    }

    /// The alerts, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Alert> {
        self.list.iter().rev()
    }

    /// Alerts raised in this run.
    pub fn raised(&self) -> u64 {
        self.raised
    }

    /// Forgets everything (a new run, or monitors switched off).
    pub fn clear(&mut self) {
        *self = AlertBook::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{presets, Simulation};

    /// Runs a preset to `secs`, checking the monitors every second as the
    /// page does, with the monitors of `on` switched on; returns the kinds raised.
    fn alerts(name: &str, secs: u64, on: &[&str]) -> Vec<AlertKind> {
        let s = presets::load(name).expect("preset");
        let on: Vec<String> = on.iter().map(|id| (*id).to_string()).collect();
        let mut sim = Simulation::new(s.clone()).expect("valid");
        let mut book = AlertBook::default();
        for t in 1..=secs {
            sim.run_until(t * SECOND).expect("runs");
            let f = Frame::capture(&sim, vec![0; s.links.len()]);
            book.update(sim.now(), detect(&f, &s, &on));
        }
        book.newest_first().map(|a| a.kind).collect()
    }

    fn every_monitor(name: &str) -> Vec<String> {
        monitors(&presets::load(name).expect("preset")).into_iter().map(|m| m.id).collect()
    }

    fn check(name: &str, secs: u64, kind: AlertKind) {
        let ids = every_monitor(name);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let on = alerts(name, secs, &ids);
        assert!(on.contains(&kind), "{name}: {kind:?} raised with monitoring on (got {on:?})");
        assert!(alerts(name, secs, &[]).is_empty(), "{name}: silent with monitoring off");
    }

    #[test]
    fn a_hung_consumer_ages_the_queue() {
        check("silent-backlog", 30, AlertKind::OldestAge);
    }

    #[test]
    fn poison_messages_fill_the_dead_letter_queue() {
        check("poison-dlq", 60, AlertKind::DeadLetters);
    }

    #[test]
    fn a_breaker_opens() {
        check("cascade-protected", 60, AlertKind::BreakerOpen);
    }

    #[test]
    fn silent_disconnects_are_seen() {
        check("silent-disconnect", 60, AlertKind::SilentConnections);
    }

    #[test]
    fn a_saga_waits_for_a_person() {
        check("saga", 60, AlertKind::StuckSaga);
    }

    #[test]
    fn a_group_repeats_records() {
        check("commit-after", 60, AlertKind::Duplicates);
    }

    #[test]
    fn an_alert_is_raised_once_while_its_condition_lasts() {
        let mut book = AlertBook::default();
        let c = || Condition { kind: AlertKind::BreakerOpen, id: "l".into(), text: "open".into() };
        assert_eq!(book.update(1, vec![c()]).len(), 1);
        assert!(book.update(2, vec![c()]).is_empty());
        assert!(book.update(3, vec![]).is_empty());
        assert_eq!(book.update(4, vec![c()]).len(), 1, "raised again after it cleared");
        assert_eq!(book.raised(), 2);
        assert_eq!(book.newest_first().next().map(|a| a.t), Some(4));
    }
}
