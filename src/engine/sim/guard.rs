//! Guards that stop a run which validation could not see coming: a loop
//! with no delay (the clock never moves), messages circulating without end
//! (too many events in one simulated second) and unbounded growth of live
//! messages (a queue fed far faster than it is drained, fan-out through
//! queues). The error names the nodes and links involved, so the person can
//! find the loop; the scenario and its edits are kept as they were.

use std::collections::BTreeMap;

use super::state::Action;
use super::Simulation;
use crate::engine::error::SimError;
use crate::engine::limits::{MAX_EVENTS_PER_INSTANT, MAX_EVENTS_PER_SIMULATED_SECOND, MAX_LIVE_MESSAGES};

/// How many names an error lists at most.
const NAMED: usize = 5;

/// The last this many events of a runaway instant are tallied by node and
/// link, so the livelock error can name the loop (cheap: only near the limit).
const TALLIED: u64 = 10_000;

impl Simulation {
    /// Before an event fires at an instant that is near the limit, counts
    /// its node and link.
    pub(super) fn tally_if_runaway(&mut self, action: &Action) {
        if self.same_instant + TALLIED < self.guard_events {
            return;
        }
        let (node, link) = self.involved_in(action);
        if let Some(n) = node.and_then(|n| self.scenario.nodes.get(n as usize)) {
            *self.instant_tally.entry(format!("node '{}'", n.id)).or_default() += 1;
        }
        if let Some(l) = link.and_then(|l| self.scenario.links.get(l as usize)) {
            *self.instant_tally.entry(format!("link '{}'", l.id)).or_default() += 1;
        }
    }

    /// Lowers the guards' limits (never above the defaults of
    /// [`crate::engine::limits`]): for tests, and for pages that want to
    /// stop a runaway scenario sooner.
    pub fn lower_guards(&mut self, events_per_instant: u64, events_per_second: u64, live_messages: usize) {
        self.guard_events = events_per_instant.clamp(1, MAX_EVENTS_PER_INSTANT);
        self.guard_rate = events_per_second.clamp(1, MAX_EVENTS_PER_SIMULATED_SECOND);
        self.guard_live = live_messages.clamp(1, MAX_LIVE_MESSAGES);
    }

    /// Checks both guards after an event; on a breach, stops the run for good.
    pub(super) fn check_guards(&mut self) {
        if self.same_instant > self.guard_events {
            let involved = busiest(std::mem::take(&mut self.instant_tally));
            let (at, events, limit) = (self.now, self.same_instant, self.guard_events);
            self.halted = Some(SimError::Livelock { at, events, limit, involved });
        } else if self.this_second > self.guard_rate {
            let involved = self.pending();
            let (at, events, limit) = (self.now, self.this_second, self.guard_rate);
            self.halted = Some(SimError::TooBusy { at, events, limit, involved });
        } else if self.msgs.len() > self.guard_live {
            let involved = self.holding_most();
            let (at, live, limit) = (self.now, self.msgs.len() as u64, self.guard_live as u64);
            self.halted = Some(SimError::Capacity { at, live, limit, involved });
        }
    }

    /// The nodes and links of all pending work, busiest first (only when a guard trips).
    fn pending(&self) -> Vec<String> {
        let mut count: BTreeMap<String, u64> = BTreeMap::new();
        for timer in self.heap.iter().map(|r| &r.0) {
            let (node, link) = self.involved_in(&timer.action);
            if let Some(n) = node.and_then(|n| self.scenario.nodes.get(n as usize)) {
                *count.entry(format!("node '{}'", n.id)).or_default() += 1;
            }
            if let Some(l) = link.and_then(|l| self.scenario.links.get(l as usize)) {
                *count.entry(format!("link '{}'", l.id)).or_default() += 1;
            }
        }
        busiest(count)
    }

    /// The node and link an action belongs to, where it has them.
    fn involved_in(&self, action: &Action) -> (Option<u32>, Option<u32>) {
        let msg_queue = |msg| self.msgs.get(msg).and_then(|m| m.queue.as_ref()).map(|q| q.queue);
        let call_link = |call| self.calls.get(call).map(|c| c.link);
        match action {
            Action::SourceArrival { source } => (self.topo.source_node.get(*source as usize).copied(), None),
            Action::RequestArrive(r) => (Some(r.node), Some(r.link)),
            Action::WorkStep { work } => (self.works.get(*work).map(|w| w.node), None),
            Action::ReplyArrive { link, .. } => (None, Some(*link)),
            Action::CallTimeout { call, .. } | Action::RetryFire { call } => (None, call_link(*call)),
            Action::EnqueueArrive { queue, link, .. } => (Some(*queue), *link),
            Action::DeliveryArrive(d) => (Some(d.node), Some(d.link)),
            Action::VisibilityExpire { msg, .. } | Action::AckArrive { msg } => (msg_queue(*msg), None),
            Action::ReplicaRestart { node, .. } => (Some(*node), None),
            Action::FaultStart { fault } | Action::FaultEnd { fault } => {
                (self.faults.get(*fault as usize).and_then(|f| f.target.node()), None)
            }
        }
    }

    /// The queues and services holding the most messages, with the links feeding them.
    fn holding_most(&self) -> Vec<String> {
        let mut count: BTreeMap<String, u64> = BTreeMap::new();
        for (i, q) in self.queues.iter().enumerate() {
            if !q.ready.is_empty() {
                count.insert(format!("node '{}'", self.scenario.nodes[i].id), q.ready.len() as u64);
            }
        }
        for (i, s) in self.services.iter().enumerate() {
            let held: u64 = s.replicas.iter().map(|r| r.waiting.len() as u64 + u64::from(r.busy)).sum();
            if held > 0 {
                *count.entry(format!("node '{}'", self.scenario.nodes[i].id)).or_default() += held;
            }
        }
        let mut names = busiest(count);
        let held: Vec<String> = names.clone();
        for l in &self.scenario.links {
            if names.len() >= 2 * NAMED {
                break;
            }
            let to = format!("node '{}' (", l.to);
            if held.iter().any(|n| n.starts_with(&to)) {
                names.push(format!("link '{}'", l.id));
            }
        }
        names
    }
}

/// Names with counts, largest first (ties by name, so the text replays).
fn busiest(count: BTreeMap<String, u64>) -> Vec<String> {
    let mut v: Vec<(String, u64)> = count.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().take(NAMED).map(|(name, n)| format!("{name} ({n})")).collect()
}
