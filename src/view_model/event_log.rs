//! The visible event log: a bounded ring of the run's events with their
//! time, classified by communication type and severity, filtered by node,
//! type and severity, newest first. Events are kept raw (they are `Copy`)
//! and put into words only for the few rows drawn, so a long run at 100×
//! costs a ring push per event and nothing more.

use std::collections::VecDeque;

use crate::engine::event::{Event, EventKind, Fate};
use crate::engine::scenario::Scenario;
use crate::engine::time::Micros;

use super::narration::is_notable;

mod about;
pub use about::{classify, nodes_of};

/// Events kept in each ring (all events; notable ones).
pub const KEPT: usize = 2_000;

/// Rows drawn at most: the DOM stays small however long the run.
pub const SHOWN: usize = 60;

/// How bad an event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Ordinary traffic.
    Info,
    /// Something went wrong and was handled (a timeout, a retry, a fault starting).
    Warning,
    /// Something the users or the data will feel (a failed order, a crash, a dead letter, a loss).
    Problem,
}

impl Severity {
    /// Every severity, mildest first.
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Problem];

    /// Its word.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Problem => "problem",
        }
    }
}

/// Which part of the order flow an event belongs to (the type filter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// Orders placed and finished.
    Orders,
    /// Type 1: calls, retries, breakers.
    Calls,
    /// Type 2: queues.
    Queues,
    /// Type 3: topics and subscriptions.
    PubSub,
    /// Type 4: logs and consumer groups.
    Streams,
    /// Type 5: sagas.
    Sagas,
    /// Type 6: pushed updates.
    Push,
    /// Type 7: jobs.
    Jobs,
    /// Instances, faults and work on services.
    Services,
}

impl Topic {
    /// Every topic, in filter order.
    pub const ALL: [Topic; 9] = [
        Topic::Orders,
        Topic::Calls,
        Topic::Queues,
        Topic::PubSub,
        Topic::Streams,
        Topic::Sagas,
        Topic::Push,
        Topic::Jobs,
        Topic::Services,
    ];

    /// Its label in the filter.
    pub fn word(self) -> &'static str {
        match self {
            Topic::Orders => "Orders",
            Topic::Calls => "Calls (type 1)",
            Topic::Queues => "Queues (type 2)",
            Topic::PubSub => "Topics (type 3)",
            Topic::Streams => "Logs (type 4)",
            Topic::Sagas => "Sagas (type 5)",
            Topic::Push => "Push (type 6)",
            Topic::Jobs => "Jobs (type 7)",
            Topic::Services => "Services and faults",
        }
    }
}

/// True for events too routine to keep even in the "all" ring: a message
/// done, a pushed update received, an offset committed. They outnumber the
/// rest by far and each has a more telling neighbour (acked, completed…).
fn is_noise(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Settled { fate: Fate::Processed | Fate::Failed(_), .. }
            | EventKind::UpdateReceived { .. }
            | EventKind::OffsetCommitted { .. }
    )
}

/// One kept event: its number in the run (for highlighting) and the event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// Counts every event taken since the run started, from 1.
    pub seq: u64,
    /// The event.
    pub event: Event,
}

/// What the log shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only events about this node (index), or all.
    pub node: Option<u32>,
    /// Only this part of the flow, or all.
    pub topic: Option<Topic>,
    /// At least this severity (Info: all).
    pub min_severity: Option<Severity>,
    /// Every event, not only the notable ones.
    pub all: bool,
}

/// The two rings: every event (but noise) and the notable ones, each the last [`KEPT`].
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    seq: u64,
    all: VecDeque<Entry>,
    notable: VecDeque<Entry>,
}

impl EventLog {
    /// Takes in events in order; returns the sequence numbers given to the first and last.
    pub fn take(&mut self, events: &[Event]) -> Option<(u64, u64)> {
        let first = self.seq + 1;
        for e in events {
            self.seq += 1;
            let entry = Entry { seq: self.seq, event: *e };
            if is_notable(&e.kind) {
                push(&mut self.notable, entry);
            }
            if !is_noise(&e.kind) {
                push(&mut self.all, entry);
            }
        }
        (!events.is_empty()).then_some((first, self.seq))
    }

    /// Events taken so far.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Forgets everything (a new run).
    pub fn clear(&mut self) {
        *self = EventLog::default();
    }

    /// The newest entries passing `filter`, at most `limit`, newest first, and
    /// how many entries of the ring pass it in all. Entry `keep` (the one a
    /// step stopped at or a lesson step points at), when it passes and is
    /// older than those, comes last, so its row is drawn however many newer ones there are.
    pub fn view(&self, filter: Filter, s: &Scenario, limit: usize, keep: Option<u64>) -> (Vec<Entry>, usize) {
        let ring = if filter.all { &self.all } else { &self.notable };
        let mut shown = Vec::with_capacity(limit.min(ring.len()) + 1);
        let mut total = 0;
        let mut kept = None;
        for e in ring.iter().rev() {
            if passes(&e.event.kind, filter, s) {
                total += 1;
                if shown.len() < limit {
                    shown.push(*e);
                } else if Some(e.seq) == keep {
                    kept = Some(*e);
                }
            }
        }
        shown.extend(kept);
        (shown, total)
    }

    /// The event a lesson step points the log at: of the notable events
    /// from `from` (µs) on, the first of the worst severity among them (the
    /// saga left to a person, not the warnings around it), by sequence number.
    pub fn key_event(&self, from: Micros) -> Option<u64> {
        let mut best: Option<(Severity, u64)> = None;
        for e in self.notable.iter().filter(|e| e.event.t >= from) {
            let sev = classify(&e.event.kind).0;
            if best.is_none_or(|(worst, _)| sev > worst) {
                best = Some((sev, e.seq));
            }
        }
        best.map(|(_, seq)| seq)
    }

    /// The entry with sequence number `seq`, if still kept.
    pub fn find(&self, seq: u64) -> Option<Entry> {
        let pick = |r: &VecDeque<Entry>| r.iter().rev().find(|e| e.seq == seq).copied();
        pick(&self.all).or_else(|| pick(&self.notable))
    }
}

fn push(ring: &mut VecDeque<Entry>, e: Entry) {
    if ring.len() == KEPT {
        ring.pop_front();
    }
    ring.push_back(e);
}

/// True if an event passes the filter.
pub fn passes(kind: &EventKind, f: Filter, s: &Scenario) -> bool {
    let (sev, topic) = classify(kind);
    f.min_severity.is_none_or(|m| sev >= m)
        && f.topic.is_none_or(|t| t == topic)
        && f.node.is_none_or(|n| nodes_of(kind, s).contains(&Some(n)))
}

/// The event of a step worth naming: the first notable one, else the first
/// that is not noise, else the first.
pub fn telling(events: &[Event]) -> Option<&Event> {
    events
        .iter()
        .find(|e| is_notable(&e.kind))
        .or_else(|| events.iter().find(|e| !is_noise(&e.kind)))
        .or_else(|| events.first())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{presets, Simulation, SECOND};

    fn run(name: &str, secs: u64) -> (Scenario, EventLog) {
        let s = presets::load(name).expect("preset");
        let mut sim = Simulation::new(s.clone()).expect("valid");
        sim.set_recording(true);
        let mut log = EventLog::default();
        for t in 1..=secs {
            sim.run_until(t * SECOND).expect("runs");
            log.take(&sim.drain_events());
        }
        (s, log)
    }

    #[test]
    fn the_rings_are_bounded_and_newest_first() {
        let (s, log) = run("seven", 30);
        assert!(log.seq() > KEPT as u64 * 2, "a long run: {} events", log.seq());
        let (rows, total) = log.view(Filter { all: true, ..Filter::default() }, &s, SHOWN, None);
        assert_eq!(rows.len(), SHOWN);
        assert!(total <= KEPT);
        assert!(rows.windows(2).all(|w| w[0].seq > w[1].seq && w[0].event.t >= w[1].event.t));
    }

    #[test]
    fn filters_by_node_type_and_severity() {
        let (s, log) = run("poison", 20);
        let workers = s.nodes.iter().position(|n| n.id == "payment-workers").expect("node") as u32;
        let f = Filter { node: Some(workers), all: true, ..Filter::default() };
        let (rows, _) = log.view(f, &s, 1_000, None);
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|e| nodes_of(&e.event.kind, &s).contains(&Some(workers))));
        let problems = Filter { min_severity: Some(Severity::Problem), all: true, ..Filter::default() };
        let (rows, _) = log.view(problems, &s, 1_000, None);
        assert!(rows.iter().any(|e| matches!(e.event.kind, EventKind::ReplicaCrashed { .. })));
        assert!(rows.iter().all(|e| classify(&e.event.kind).0 == Severity::Problem));
        let queues = Filter { topic: Some(Topic::Queues), all: true, ..Filter::default() };
        let (rows, _) = log.view(queues, &s, 1_000, None);
        assert!(!rows.is_empty() && rows.iter().all(|e| classify(&e.event.kind).1 == Topic::Queues));
        // The default view is the notable ring.
        let (rows, _) = log.view(Filter::default(), &s, 1_000, None);
        assert!(rows.iter().all(|e| is_notable(&e.event.kind)));
    }

    /// A lesson step points the log at its key event: in the saga lesson's
    /// third step the saga left to a person, among a dozen newer warnings
    /// of failed work, and the default view draws it however many come after.
    #[test]
    fn the_saga_lessons_third_step_points_at_the_saga_left_to_a_person() {
        use crate::engine::time::ms_to_micros;
        let l = crate::engine::lesson::builtin("saga").expect("lesson");
        let s = presets::load(&l.scenario).expect("preset");
        let mut sim = Simulation::with_seed(s.clone(), s.seed).expect("valid");
        sim.set_recording(true);
        let mut log = EventLog::default();
        let plan = l.plan(2);
        for te in &plan.edits {
            sim.run_until(ms_to_micros(te.at_ms)).expect("runs");
            sim.apply(&te.edit).expect("applies");
        }
        let until = ms_to_micros(plan.until_ms);
        while sim.now() < until {
            sim.run_until((sim.now() + SECOND).min(until)).expect("runs");
            log.take(&sim.drain_events());
        }
        let from = ms_to_micros(l.edits_at(2) * 1_000.0);
        let key = log.key_event(from).expect("a key event");
        let entry = log.find(key).expect("kept");
        let words = super::super::event_words::event_words(&entry.event.kind, &s);
        assert!(words.starts_with("Saga 16 needs a person"), "{words}");
        // Not among the newest notable rows: newer warnings push it down.
        let (newest, _) = log.view(Filter::default(), &s, 3, None);
        assert!(newest.iter().all(|e| e.seq != key));
        // Kept, it is drawn last (the oldest row), once.
        let (rows, total) = log.view(Filter::default(), &s, 3, Some(key));
        assert_eq!(rows.len(), 4);
        assert_eq!(rows.last().map(|e| e.seq), Some(key));
        let (all, _) = log.view(Filter::default(), &s, total, Some(key));
        assert_eq!(all.iter().filter(|e| e.seq == key).count(), 1);
        // Nothing notable after the end: no key event.
        assert_eq!(log.key_event(until + 1), None);
    }

    #[test]
    fn a_step_names_its_telling_event() {
        let ev = |kind| Event { t: 0, kind };
        let events = [
            ev(EventKind::Settled { msg: 1, fate: Fate::Processed }),
            ev(EventKind::Acked { msg: 1, queue: 1, depth: 0, oldest: None, sub: None }),
        ];
        assert!(matches!(telling(&events).map(|e| e.kind), Some(EventKind::Acked { .. })));
        assert!(telling(&[]).is_none());
    }
}
