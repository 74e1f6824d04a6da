//! Notable events in words, for the aria-live region, at a pace a screen
//! reader can follow: at most one announcement per interval, the rest
//! summed up by what they were about ("Also: 3 crashes and 1 dead letter").
//! Sentences that quote counts take them from the run's metrics.

mod sentences;

use crate::engine::event::{EventKind, Fate, StreamCause};
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
            | EventKind::Unreadable { nacked: true, .. }
            | EventKind::PublishRejected { .. }
            | EventKind::SchemaChanged { .. }
            | EventKind::RebalanceStarted { .. }
            | EventKind::MemberRejoined { .. }
            | EventKind::RecordsLost { .. }
            | EventKind::PublishFailed { outbox: false, stored: false, .. }
            | EventKind::GatewayRestarted { .. }
            | EventKind::ConnectionsDropped { .. }
            | EventKind::HeartbeatsMissed { dead: 1.., .. }
            | EventKind::SagaAlert { .. }
            | EventKind::SagaStuck { .. }
            | EventKind::StepDone { compensation: false, ok: false, refused: false, .. }
            | EventKind::JobAlert { .. }
            | EventKind::JobRunEnded { exit_ok: false, .. }
            | EventKind::JobRunBackoff { .. }
            | EventKind::JobRunGaveUp { .. }
    ) || matches!(kind, EventKind::PositionMoved { from, to, .. } if to < from)
}

/// Words for why a group lost or repeated records.
pub(crate) fn cause_words(c: StreamCause) -> &'static str {
    match c {
        StreamCause::CrashReplay => "a crash after processing, before the commit",
        StreamCause::AtMostOnceCrash => "a crash after the commit, before processing",
        StreamCause::Retention => "retention deleted them first",
        StreamCause::Reset => "the group was reset past them",
        StreamCause::OutboxRepublish => "the outbox published them again",
        StreamCause::EngineLimit => "the simulator keeps at most 10,000 records a partition",
    }
}

pub(crate) fn node_label(s: &Scenario, i: u32) -> &str {
    s.nodes.get(i as usize).map_or("?", |n| n.label.as_str())
}

pub(crate) fn link_label(s: &Scenario, i: u32) -> String {
    s.links.get(i as usize).map_or_else(
        || "?".to_string(),
        |l| {
            let from = s.node(&l.from).map_or(l.from.as_str(), |n| n.label.as_str());
            let to = s.node(&l.to).map_or(l.to.as_str(), |n| n.label.as_str());
            format!("{from} → {to}")
        },
    )
}

/// What a sentence is about, as a countable noun (singular, plural), so a
/// summary of the sentences not spoken says what they were.
pub type Noun = (&'static str, &'static str);

/// The noun of a notable event's sentence.
pub fn noun(kind: &EventKind) -> Noun {
    match kind {
        EventKind::BreakerChanged { .. } => ("breaker change", "breaker changes"),
        EventKind::DeadLettered { .. } => ("dead letter", "dead letters"),
        EventKind::ReplicaCrashed { .. } => ("crash", "crashes"),
        // Under `dead_letter` the same event is nacked once per delivery attempt.
        EventKind::Unreadable { .. } => ("nack of an unreadable event", "nacks of unreadable events"),
        EventKind::PublishRejected { .. } => ("refused publish", "refused publishes"),
        EventKind::SchemaChanged { .. } => ("schema change", "schema changes"),
        EventKind::RebalanceStarted { .. } | EventKind::RebalanceDone { .. } => ("rebalance", "rebalances"),
        EventKind::MemberRejoined { .. } => ("member back without a rebalance", "members back without a rebalance"),
        EventKind::RecordsLost { .. } => ("loss of records", "losses of records"),
        EventKind::PositionMoved { .. } => ("replay", "replays"),
        EventKind::PublishFailed { .. } => ("lost publish", "lost publishes"),
        EventKind::GatewayRestarted { .. } => ("gateway restart", "gateway restarts"),
        EventKind::ConnectionsDropped { .. } => ("dropped connections", "drops of connections"),
        EventKind::HeartbeatsMissed { .. } => ("dead connections found", "finds of dead connections"),
        EventKind::SagaAlert { .. } | EventKind::SagaStuck { .. } => ("saga alert", "saga alerts"),
        EventKind::StepDone { .. } => ("failed saga step", "failed saga steps"),
        EventKind::JobAlert { .. } => ("job alert", "job alerts"),
        EventKind::JobRunEnded { .. } => ("short job run", "short job runs"),
        EventKind::JobRunBackoff { .. } => ("job run backing off", "job runs backing off"),
        EventKind::JobRunGaveUp { .. } => ("job run out of retries", "job runs out of retries"),
        EventKind::FaultApplied { .. } | EventKind::FaultCleared { .. } => ("fault change", "fault changes"),
        EventKind::OrderFinished { .. } => ORDERS_NOUN,
        _ => ("other event", "other events"),
    }
}

/// The noun of the orders' state sentences ("orders are failing", "succeeding again").
const ORDERS_NOUN: Noun = ("change in the orders' outcome", "changes in the orders' outcome");

/// Successes in a row before "succeeding again" is said: one lucky order
/// among failures is not a recovery.
pub const RECOVERY_STREAK: u32 = 5;

/// "3 crashes", "1 crash".
fn count_noun(n: u32, (one, many): Noun) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// How much the page says by itself as the run goes (a person's choice:
/// at high speed even one sentence every two seconds is a lot to hear).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SpeakLevel {
    /// Every notable event, rate limited.
    #[default]
    Notable,
    /// Only problems (crashes, dead letters, failing orders, alerts…).
    Problems,
    /// Nothing from the run; answers to the person's own actions still are.
    Off,
}

impl SpeakLevel {
    /// Every level, in the order the page offers them, with its value and words.
    pub const ALL: [(SpeakLevel, &'static str, &'static str); 3] = [
        (SpeakLevel::Notable, "notable", "Notable events"),
        (SpeakLevel::Problems, "problems", "Problems only"),
        (SpeakLevel::Off, "off", "Off"),
    ];
}

/// Turns events into announcements, rate limited.
#[derive(Clone, Debug, Default)]
pub struct Narrator {
    level: SpeakLevel,
    last_spoken_ms: Option<f64>,
    /// The newest sentence not yet spoken (the state now), with its noun.
    held: Option<(String, Noun)>,
    /// Sentences replaced by a newer one before they were spoken, by noun.
    skipped: Vec<(Noun, u32)>,
    orders_failing: bool,
    ok_streak: u32,
    /// Orders answered well and failed so far (the run's metrics, set by the page).
    orders: (u64, u64),
    crashes: u64,
}

/// Shortest gap between two announcements, in wall milliseconds.
pub const MIN_GAP_MS: f64 = 2_000.0;

impl Narrator {
    /// Tells the narrator the run's order counts (ok, failed) so its
    /// sentences about orders quote the numbers the page shows.
    pub fn set_orders(&mut self, ok: u64, failed: u64) {
        self.orders = (ok, failed);
    }

    /// The sentence for an event offered for announcement at wall time
    /// `now_ms`; returns what to announce now, if anything.
    pub fn hear(&mut self, kind: &EventKind, s: &Scenario, now_ms: f64) -> Option<String> {
        // Heard first (it keeps track of whether orders are failing), then filtered.
        let sentence = self.sentence(kind, s)?;
        let problem = super::event_log::classify(kind).0 == super::event_log::Severity::Problem;
        match self.level {
            SpeakLevel::Off => None,
            SpeakLevel::Problems if !problem => None,
            SpeakLevel::Notable | SpeakLevel::Problems => self.offer_about(sentence, noun(kind), now_ms),
        }
    }

    /// Sets how much is said; what was held back is dropped when it says less.
    pub fn set_level(&mut self, level: SpeakLevel) {
        if level != self.level && level != SpeakLevel::Notable {
            self.held = None;
            self.skipped.clear();
        }
        self.level = level;
    }

    /// How much is said.
    pub fn level(&self) -> SpeakLevel {
        self.level
    }

    /// Something else was announced at `now_ms` (a lesson step, an action's
    /// result): the next sentence waits its gap, so it does not replace that.
    pub fn announced_elsewhere(&mut self, now_ms: f64) {
        self.last_spoken_ms = Some(now_ms);
    }

    /// Offers a sentence at wall time `now_ms`; returns what to announce now, if anything.
    pub fn offer(&mut self, sentence: String, now_ms: f64) -> Option<String> {
        self.offer_about(sentence, ("announcement", "announcements"), now_ms)
    }

    /// [`Narrator::offer`] for a sentence about `noun`. Within the gap the
    /// newest sentence is held (it tells the state now) and the ones it
    /// replaces are counted by what they were about.
    pub fn offer_about(&mut self, sentence: String, noun: Noun, now_ms: f64) -> Option<String> {
        if self.last_spoken_ms.is_none_or(|t| now_ms - t >= MIN_GAP_MS) && self.held.is_none() {
            self.last_spoken_ms = Some(now_ms);
            return Some(sentence);
        }
        if let Some((_, older)) = self.held.replace((sentence, noun)) {
            match self.skipped.iter_mut().find(|(n, _)| *n == older) {
                Some((_, c)) => *c += 1,
                None => self.skipped.push((older, 1)),
            }
        }
        None
    }

    /// Releases a held announcement once the gap has passed: the newest
    /// sentence, then what the ones not spoken were about ("Also: 12
    /// crashes and 7 dead letters."). A held sentence about the orders is
    /// said with the counts of now.
    pub fn flush(&mut self, now_ms: f64) -> Option<String> {
        if self.last_spoken_ms.is_some_and(|t| now_ms - t < MIN_GAP_MS) {
            return None;
        }
        let (mut held, noun) = self.held.take()?;
        if noun == ORDERS_NOUN {
            held = self.orders_text();
        }
        let skipped = std::mem::take(&mut self.skipped);
        self.last_spoken_ms = Some(now_ms);
        if skipped.is_empty() {
            return Some(held);
        }
        let parts: Vec<String> = skipped.into_iter().map(|(n, c)| count_noun(c, n)).collect();
        Some(format!("{held} Also since the last announcement: {}.", and_list(&parts)))
    }

    /// Forgets state (after a reset), but not how much to say.
    pub fn reset(&mut self) {
        *self = Narrator { level: self.level, ..Narrator::default() };
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
        assert_eq!(n.flush(2_100.0).as_deref(), Some("three Also since the last announcement: 1 announcement."));
        assert_eq!(n.flush(5_000.0), None);
        assert_eq!(n.offer("four".into(), 5_000.0).as_deref(), Some("four"));
    }

    #[test]
    fn a_cooperative_rebalance_is_not_said_to_stop_the_group() {
        use crate::engine::scenario::{Assignor, Transport};
        let mut s = presets::load("commit-after").expect("preset");
        let link = s.links.iter().position(|l| l.transport.read_policy().is_some()).expect("a read link") as u32;
        let started = EventKind::RebalanceStarted { link, generation: 1 };
        let done = EventKind::RebalanceDone { link, generation: 1, members: 3 };
        let eager = (Narrator::default().sentence(&started, &s), Narrator::default().sentence(&done, &s));
        assert!(eager.0.as_deref().is_some_and(|t| t.contains("stopped")), "{eager:?}");
        assert!(eager.1.as_deref().is_some_and(|t| t.contains("resumed")), "{eager:?}");
        assert!(crate::view_model::event_words::event_words(&started, &s).contains("stopped"));
        if let Transport::Read(p) = &mut s.links[link as usize].transport {
            p.assignor = Assignor::CooperativeSticky;
        }
        let said = Narrator::default().sentence(&started, &s).expect("a sentence");
        assert!(said.contains("only the partitions that move") && !said.contains("stopped"), "{said}");
        let after = Narrator::default().sentence(&done, &s).expect("a sentence");
        assert!(!after.contains("resumed"), "{after}");
        let logged = crate::view_model::event_words::event_words(&started, &s);
        assert!(logged.contains("cooperative") && !logged.contains("stopped"), "{logged}");
    }

    #[test]
    fn the_person_chooses_how_much_is_said() {
        let s = presets::load("order-flow").expect("preset");
        let trial = EventKind::BreakerChanged { link: 2, from: BreakerState::Open, to: BreakerState::HalfOpen };
        let crash = EventKind::ReplicaCrashed { node: 2, replica: 0, reason: crate::engine::event::Reason::Crashed };
        let mut n = Narrator::default();
        assert!(n.sentence(&trial, &s).is_some());
        n.set_level(SpeakLevel::Problems);
        assert_eq!(n.hear(&trial, &s, 0.0), None, "a breaker trying again is no problem");
        assert!(n.hear(&crash, &s, 0.0).is_some_and(|t| t.contains("crashed")));
        n.set_level(SpeakLevel::Off);
        assert_eq!(n.hear(&crash, &s, 5_000.0), None);
        assert_eq!(n.flush(9_000.0), None);
        n.reset();
        assert_eq!(n.level(), SpeakLevel::Off, "a reset keeps the person's choice");
        // Another announcement holds narration back for its gap.
        let mut n = Narrator::default();
        n.announced_elsewhere(1_000.0);
        assert_eq!(n.hear(&crash, &s, 1_131.0), None, "the lesson's words are not replaced");
        assert!(n.flush(3_000.0).is_some());
    }

    #[test]
    fn sentences_name_things_and_failures_are_announced_on_change() {
        let s = presets::load("order-flow").expect("preset");
        let mut n = Narrator::default();
        let open = EventKind::BreakerChanged { link: 2, from: BreakerState::Closed, to: BreakerState::Open };
        assert_eq!(n.sentence(&open, &s).as_deref(), Some("Circuit breaker on Inventory → Pricing is now open."));
        let failed = EventKind::OrderFinished { corr: 1, source: 0, ok: false, e2e: 1, budget: 1 };
        assert!(n.sentence(&failed, &s).is_some_and(|t| t.contains("orders are failing")));
        assert_eq!(n.sentence(&failed, &s), None, "only the change is announced");
        let ok = EventKind::OrderFinished { corr: 2, source: 0, ok: true, e2e: 1, budget: 1 };
        for _ in 1..RECOVERY_STREAK {
            assert_eq!(n.sentence(&ok, &s), None, "one success among failures is not a recovery");
        }
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
        let stopped = EventKind::RebalanceStarted { link: 2, generation: 2 };
        let resumed = EventKind::RebalanceDone { link: 2, generation: 2, members: 1 };
        assert!(n.sentence(&stopped, &s).expect("a sentence").contains("stopped for a rebalance"));
        let said = n.sentence(&resumed, &s).expect("a sentence");
        assert!(said.contains("resumed after the rebalance, with 1 member."), "{said}");
        assert_eq!(noun(&resumed), noun(&stopped), "summed up with the rebalances");
    }

    #[test]
    fn the_summary_says_what_was_not_spoken() {
        let s = presets::load("poison").expect("preset");
        let mut n = Narrator::default();
        let crash = EventKind::ReplicaCrashed { node: 2, replica: 0, reason: crate::engine::event::Reason::Poison };
        let dead = EventKind::DeadLettered { msg: 1, queue: 1, receive_count: 3, depth: 0, oldest: None, sub: None };
        assert!(n.hear(&crash, &s, 0.0).is_some_and(|t| t.contains("1 crash so far")));
        assert_eq!(n.hear(&crash, &s, 10.0), None);
        assert_eq!(n.hear(&crash, &s, 20.0), None);
        assert_eq!(n.hear(&dead, &s, 30.0), None);
        let said = n.flush(2_500.0).expect("flushed");
        assert!(said.starts_with("A message was moved to the dead-letter queue"), "{said}");
        assert!(said.ends_with("Also since the last announcement: 2 crashes."), "{said}");
    }

    /// Runs a preset second by second as the page does, and checks every
    /// announcement about orders quotes the metrics of that moment.
    #[test]
    fn order_announcements_quote_the_ledger() {
        use crate::engine::{Simulation, SECOND};
        let s = presets::load("cascade").expect("preset");
        let mut sim = Simulation::new(s.clone()).expect("valid");
        sim.set_recording(true);
        let mut n = Narrator::default();
        let mut said_orders = 0;
        for t in 1..=60 {
            sim.run_until(t * SECOND).expect("runs");
            let events = sim.drain_events();
            let o = &sim.metrics().orders;
            n.set_orders(o.ok, o.failed);
            let wall = t as f64 * 1_000.0;
            let mut spoken: Vec<String> = events.iter().filter_map(|e| n.hear(&e.kind, &s, wall)).collect();
            spoken.extend(n.flush(wall));
            for line in spoken.iter().filter(|l| l.contains("orders")) {
                said_orders += 1;
                let quoted = format!("{} of {} failed so far", o.failed, o.ok + o.failed);
                assert!(line.contains(&quoted), "{line} / {quoted}");
                assert!(!line.contains("more."), "no bare count: {line}");
            }
        }
        assert!(said_orders > 0, "cascade makes orders fail");
    }

    #[test]
    fn poison_crashes_are_counted_and_explained() {
        use crate::engine::{Simulation, SECOND};
        let s = presets::load("poison").expect("preset");
        let mut sim = Simulation::new(s.clone()).expect("valid");
        sim.set_recording(true);
        sim.run_until(30 * SECOND).expect("runs");
        let mut n = Narrator::default();
        let mut last = String::new();
        for e in sim.drain_events() {
            if let Some(t) = n.sentence(&e.kind, &s) {
                if matches!(e.kind, EventKind::ReplicaCrashed { .. }) {
                    last = t;
                }
            }
        }
        let crashes: u64 = sim.metrics().nodes.iter().map(|m| m.crashes).sum();
        assert!(crashes >= 3);
        assert!(last.contains(&format!("{crashes} crashes so far")), "{last}");
        assert!(last.contains("not counted as failed"), "{last}");
    }
}
