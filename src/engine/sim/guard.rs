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
    #[inline]
    pub(super) fn tally_if_runaway(&mut self, action: &Action) {
        if self.same_instant + TALLIED < self.guard_events {
            return;
        }
        self.tally(action);
    }

    /// Counts the node and link of an event near the livelock limit. Cold
    /// and out of line: its string formatting otherwise sat inside `step`.
    #[cold]
    #[inline(never)]
    fn tally(&mut self, action: &Action) {
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

    /// Checks the guards after an event; on a breach, stops the run for good.
    // The three compares inline on the path of every event; building the
    // error out of line and cold, so that the event loop's registers are
    // not laid out around it.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn check_guards(&mut self) {
        if self.same_instant > self.guard_events
            || self.this_second > self.guard_rate
            || self.msgs.len() > self.guard_live
        {
            self.halt_on_guard();
        }
    }

    /// Stops the run for the guard that tripped (see [`Simulation::check_guards`]).
    #[cold]
    #[inline(never)]
    fn halt_on_guard(&mut self) {
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
        let quick: Vec<Action> = self.quick.iter().map(|q| q.action()).collect();
        for action in self.heap.iter().map(|r| &r.0.action).chain(&quick) {
            let (node, link) = self.involved_in(action);
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
        let msg_queue = |msg| self.msgs.get(msg).and_then(|m| m.queue.as_ref()).map(|q| self.buffer_names(q.queue).0);
        let call_link = |call| self.calls.get(call).map(|c| c.link);
        match action {
            Action::SourceArrival { source } => (self.topo.feeds.get(*source as usize).map(|f| f.node), None),
            Action::RequestArrive(r) => (Some(r.node), Some(r.link)),
            Action::WorkStep { work } => (self.works.get(*work).map(|w| w.node), None),
            Action::ReplyArrive { link, .. } => (None, Some(*link)),
            Action::CallTimeout { call, .. } | Action::RetryFire { call } => (None, call_link(*call)),
            Action::EnqueueArrive { queue, link, .. } => (Some(*queue), *link),
            Action::DeliveryArrive(d) => (Some(d.node), Some(d.link)),
            Action::VisibilityExpire { msg, .. }
            | Action::AckArrive { msg, .. }
            | Action::NackArrive { msg, .. }
            | Action::BackoffEnd { msg, .. } => (msg_queue(*msg), None),
            Action::ReplicaRestart { node, .. } => (Some(*node), None),
            Action::FaultStart { fault } | Action::FaultEnd { fault } => {
                (self.faults.get(*fault as usize).and_then(|f| f.target.node()), None)
            }
            Action::Reconnect { link } | Action::Heartbeat { link, .. } | Action::PushArrive { link, .. } => {
                (self.topo.link_from.get(*link as usize).copied(), Some(*link))
            }
            Action::GatewayUp { node, .. } => (Some(*node), None),
            Action::AppendArrive(a) => (self.topo.link_to.get(a.link as usize).copied(), Some(a.link)),
            Action::GroupJoin { link }
            | Action::RebalanceDone { link, .. }
            | Action::SessionExpire { link, .. }
            | Action::BatchArrive { link, .. }
            | Action::AutoCommit { link, .. }
            | Action::PollRetry { link, .. }
            | Action::RelayTick { link } => (None, Some(*link)),
            Action::PublishArrive { topic, .. } => (Some(*topic), None),
            Action::StepArrive(s) => (Some(s.node), None),
            Action::StepOutcome { saga, .. } | Action::SagaResend { saga, .. } | Action::SagaDeadline { saga } => {
                (self.sagas.get(*saga).map(|s| s.node), None)
            }
            Action::JobFire { node } | Action::JobRunEnd { node, .. } | Action::JobFreshness { node, .. } => {
                (Some(*node), None)
            }
        }
    }

    /// The queues and services holding the most messages, with the links feeding them.
    fn holding_most(&self) -> Vec<String> {
        let mut count: BTreeMap<String, u64> = BTreeMap::new();
        for (i, q) in self.queues.iter().enumerate() {
            if !q.ready.is_empty() {
                // Subscriptions count towards their topic.
                let node = self.buffer_names(i as u32).0;
                if let Some(n) = self.scenario.nodes.get(node as usize) {
                    *count.entry(format!("node '{}'", n.id)).or_default() += q.ready.len() as u64;
                }
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
///
/// Picks the next in that order `NAMED` times instead of sorting: the same
/// list (names are unique), without a sort instantiated for `(String, u64)`
/// in the wasm (docs/performance.md).
fn busiest(count: BTreeMap<String, u64>) -> Vec<String> {
    // Whether `a` ranks before `b`: larger count, then smaller name.
    let before = |a: (&String, u64), b: (&String, u64)| a.1 > b.1 || (a.1 == b.1 && a.0 < b.0);
    let mut names = Vec::new();
    let mut last: Option<(&String, u64)> = None;
    while names.len() < NAMED {
        let mut best: Option<(&String, u64)> = None;
        for (name, &n) in &count {
            let e = (name, n);
            if last.is_none_or(|l| before(l, e)) && best.is_none_or(|b| before(e, b)) {
                best = Some(e);
            }
        }
        let Some((name, n)) = best else { break };
        names.push(format!("{name} ({n})"));
        last = best;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranking `busiest` replaced: sort by count descending, then name.
    fn by_sorting(count: &BTreeMap<String, u64>) -> Vec<String> {
        let mut v: Vec<(String, u64)> = count.iter().map(|(k, n)| (k.clone(), *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.into_iter().take(NAMED).map(|(name, n)| format!("{name} ({n})")).collect()
    }

    #[test]
    fn busiest_ranks_as_a_sort_by_count_then_name_would() {
        let counts: [&[(&str, u64)]; 4] = [
            &[],
            &[("b", 1)],
            &[("c", 2), ("a", 2), ("b", 9), ("d", 2), ("e", 0), ("f", 2), ("g", 2)],
            &[("x", 5), ("y", 4), ("z", 3), ("w", 2), ("v", 1), ("u", 0), ("t", 7)],
        ];
        for c in counts {
            let map: BTreeMap<String, u64> = c.iter().map(|(k, n)| (k.to_string(), *n)).collect();
            assert_eq!(busiest(map.clone()), by_sorting(&map), "{c:?}");
        }
    }
}
