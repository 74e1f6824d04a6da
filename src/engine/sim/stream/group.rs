//! Consumer groups (Kafka semantics). A read link is one group; its members
//! are the consuming service's live instances. Partitions are assigned by
//! ranges over the members in instance order (Kafka's range assignor), so
//! a partition has one owner at a time and is read in offset order.
//!
//! A member polls up to `max_poll_records` records from its partitions (one
//! fetch crosses the link), then processes them one after another in one of
//! its instance's workers, like Kafka's single-threaded poll loop. When it
//! commits depends on the group's policy: `before` (at poll: at-most-once),
//! `after` (when the batch is done: at-least-once) or `auto` (at a poll once
//! the interval has passed, and on revocation).
//!
//! Membership changes start a rebalance (eager protocol: every member
//! stops): a crashed member is noticed after `session_timeout_ms`; a
//! restarted, added or retired instance joins or leaves at once. Members are
//! dynamic (Kafka's default, no `group.instance.id`): a restarted instance
//! is a new member, and the coordinator waits for every member it knows,
//! so a rebalance cannot end while a crashed member's session is still
//! open; a quick restart stops the whole group until then. Members in
//! the middle of a batch finish it and commit first, as a Kafka consumer
//! only rejoins from `poll`; the pause ends `rebalance_ms` after the start,
//! or when the last such member is done and the last dead session is gone. Every partition then restarts from
//! its committed offset: after a crash that is a replay (duplicates) or a
//! skip (losses), counted exactly.

use super::super::state::*;
use super::super::Simulation;
use super::{SeenEvents, DEFAULT_REPLAY_CAUSE};
use crate::engine::edit::ResetTo;
use crate::engine::error::{ScenarioError, SimError};
use crate::engine::event::{CorrId, EventKind, Fate, MsgId, StreamCause};
use crate::engine::scenario::{Assignor, CommitPolicy, ReadPolicy, StartFrom};
use crate::engine::time::{ms_to_micros, Micros, SECOND};

mod cooperative;
mod membership;
mod poll;
mod status;

pub use self::status::{GroupStatus, LogStatus, PartitionStatus};

/// How long a member waits before fetching again after a fetch was lost on a partitioned link.
const FETCH_RETRY: Micros = SECOND;

/// A polled record on its way to, or waiting in, a member.
pub(in crate::engine::sim) struct BatchRecord {
    pub msg: MsgId,
    pub corr: CorrId,
    pub partition: u32,
    pub offset: u64,
    pub event: MsgId,
}

/// One member (instance) of a group.
#[derive(Default)]
pub(in crate::engine::sim) struct Member {
    /// A batch is out: on its way, or being processed.
    pub busy: bool,
    /// Records of the batch not yet handed to a worker.
    pub batch: std::collections::VecDeque<BatchRecord>,
    /// When it last committed (auto-commit interval).
    pub last_commit: Micros,
    /// Crashed, and its session is still open at the coordinator.
    pub crashed: bool,
    /// When that session runs out (the latest crash's).
    pub session_until: Micros,
    /// A timer (auto-commit or fetch retry) is pending.
    pub timer: bool,
    /// Where its next poll starts among its partitions (fairness across polls).
    pub cursor: u32,
    /// Its batch holds a partition a cooperative rebalance moves: the
    /// rebalance waits for it.
    pub holds_revoked: bool,
}

/// A consumer group's state (a default, empty one for links that are not read links).
#[derive(Default)]
pub(in crate::engine::sim) struct GroupState {
    pub joined: bool,
    pub generation: u32,
    pub rebalancing: bool,
    /// When the rebalance under way started.
    pub rebalance_started: Micros,
    /// The rebalance's pause is over; it waits for busy members.
    pub pause_over: bool,
    /// Per partition: the member (instance) that owns it.
    pub owner: Vec<Option<u32>>,
    /// Per partition: stopped until a cooperative rebalance gives it out
    /// again (it moves, or its owner died); empty for eager groups.
    pub revoking: Vec<bool>,
    /// The instances of the current assignment, in order.
    pub assigned: Vec<u32>,
    /// Per partition: the next offset to fetch.
    pub position: Vec<u64>,
    /// Per partition: the offset after the last record finished.
    pub processed: Vec<u64>,
    /// Per partition: the committed offset.
    pub committed: Vec<u64>,
    /// Per partition: the highest offset ever finished, plus one (what lies
    /// below it and comes again is a duplicate).
    pub high_water: Vec<u64>,
    /// Per partition: why records below the high water come again.
    pub replay_cause: Vec<StreamCause>,
    pub members: Vec<Member>,
    pub pending_reset: Option<ResetTo>,
    pub seen: SeenEvents,
}

impl Simulation {
    fn read_policy(&self, link: u32) -> ReadPolicy {
        self.scenario.links[link as usize].transport.read_policy().cloned().unwrap_or_default()
    }

    fn member(&mut self, link: u32, replica: u32) -> &mut Member {
        let members = &mut self.groups[link as usize].members;
        if members.len() <= replica as usize {
            members.resize_with(replica as usize + 1, Member::default);
        }
        &mut members[replica as usize]
    }

    /// Whether an instance can take part in its group now.
    fn live(&self, node: u32, replica: u32) -> bool {
        self.services[node as usize].replicas.get(replica as usize).is_some_and(|r| r.up && !r.retired)
    }

    fn live_members(&self, link: u32) -> Vec<u32> {
        let node = self.topo.link_to[link as usize];
        (0..self.services[node as usize].replicas.len() as u32).filter(|&r| self.live(node, r)).collect()
    }

    /// Schedules each read link's join (at its `joins_at_ms`).
    pub(in crate::engine::sim) fn schedule_group_joins(&mut self) {
        for link in 0..self.scenario.links.len() as u32 {
            if let Some(p) = self.scenario.links[link as usize].transport.read_policy() {
                let at = ms_to_micros(p.joins_at_ms);
                self.schedule(at, Action::GroupJoin { link });
            }
        }
    }

    /// The group joins its log: it starts at the earliest kept or the latest offset.
    pub(in crate::engine::sim) fn group_join(&mut self, link: u32) {
        let log = self.topo.link_from[link as usize];
        let parts = self.logs[log as usize].parts.len();
        let start = self.read_policy(link).start;
        let g = &mut self.groups[link as usize];
        if g.joined {
            return;
        }
        g.joined = true;
        g.owner = vec![None; parts];
        g.replay_cause = vec![DEFAULT_REPLAY_CAUSE; parts];
        let mut at = Vec::with_capacity(parts);
        for p in 0..parts as u32 {
            self.expire(log, p);
            let part = &self.logs[log as usize].parts[p as usize];
            at.push(match start {
                StartFrom::Earliest => part.start,
                StartFrom::Latest => part.end(),
            });
        }
        let g = &mut self.groups[link as usize];
        g.position = at.clone();
        g.processed = at.clone();
        g.committed = at.clone();
        g.high_water = at.clone();
        for (p, &offset) in at.iter().enumerate() {
            let partition = p as u32;
            self.emit(EventKind::OffsetCommitted { link, partition, offset });
            if offset > 0 {
                self.emit(EventKind::PositionMoved { link, partition, from: 0, to: offset });
            }
        }
        self.start_rebalance(link);
    }

    /// Every member stops; the new assignment comes after the pause.
    fn start_rebalance(&mut self, link: u32) {
        let now = self.now;
        let g = &mut self.groups[link as usize];
        // Several members joining or leaving at one instant (a service's
        // instances restarting together) make one rebalance, as at a Kafka
        // coordinator: the assignment is made when it ends.
        if !g.joined || (g.rebalancing && g.rebalance_started == now) {
            return;
        }
        g.generation = g.generation.wrapping_add(1);
        g.rebalancing = true;
        g.rebalance_started = now;
        g.pause_over = false;
        let generation = g.generation;
        self.emit(EventKind::RebalanceStarted { link, generation });
        // Revocation: idle members commit what they processed (auto-commit
        // does so in Kafka; a manual committer commits after each batch anyway).
        for replica in self.live_members(link) {
            if !self.member(link, replica).busy {
                self.commit_processed(link, replica);
            }
        }
        if self.cooperative(link) {
            self.revoke_moving(link);
        }
        let pause = ms_to_micros(self.read_policy(link).rebalance_ms);
        self.schedule(self.now.saturating_add(pause), Action::RebalanceDone { link, generation });
    }

    /// The pause is over: finish now, or when the last busy member is done.
    pub(in crate::engine::sim) fn rebalance_done(&mut self, link: u32, generation: u32) {
        let g = &mut self.groups[link as usize];
        if !g.rebalancing || g.generation != generation {
            return;
        }
        g.pause_over = true;
        self.try_finish_rebalance(link);
    }

    fn try_finish_rebalance(&mut self, link: u32) {
        let g = &self.groups[link as usize];
        if !g.rebalancing || !g.pause_over {
            return;
        }
        let node = self.topo.link_to[link as usize];
        // Eager: every busy member; cooperative: those holding a partition that moves.
        let cooperative = self.cooperative(link);
        let waiting = g.members.iter().enumerate().any(|(r, m)| {
            (if cooperative { m.holds_revoked } else { m.busy }) && self.services[node as usize].replicas[r].up
        });
        // The coordinator waits for every member it knows: a dead one until its session runs out.
        let dead_session = g.members.iter().any(|m| m.crashed);
        if waiting || dead_session {
            return;
        }
        self.finish_rebalance(link);
    }

    /// Assigns partitions by ranges across the live members and restarts
    /// every partition from its committed offset (or the reset's target).
    fn finish_rebalance(&mut self, link: u32) {
        let log = self.topo.link_from[link as usize];
        let live = self.live_members(link);
        let parts = self.logs[log as usize].parts.len();
        let reset = self.groups[link as usize].pending_reset.take();
        // Cooperative: partitions that stay with their owner read on untouched.
        let sticky = self.cooperative(link).then(|| self.cooperative_owners(link, &live));
        for p in 0..parts as u32 {
            if let Some(new) = &sticky {
                let g = &self.groups[link as usize];
                let moves =
                    g.revoking.get(p as usize).copied().unwrap_or(false) || new[p as usize] != g.owner[p as usize];
                if reset.is_none() && !moves {
                    continue;
                }
            }
            self.restart_partition(link, p, reset);
        }
        let m = live.len();
        let g = &mut self.groups[link as usize];
        for p in 0..parts {
            g.owner[p] = match &sticky {
                Some(new) => new[p],
                None => range_owner(p, parts, m).map(|i| live[i]),
            };
        }
        g.revoking.clear();
        g.assigned = live.clone();
        g.rebalancing = false;
        g.pause_over = false;
        for m in &mut g.members {
            m.crashed = false;
            m.holds_revoked = false;
        }
        let generation = g.generation;
        self.emit(EventKind::RebalanceDone { link, generation, members: m as u32 });
        for replica in live {
            self.poll(link, replica);
        }
    }

    /// Partition `p` of group `link` restarts from its committed offset (or
    /// the reset's target, committed first): what was read past it is read
    /// again (a replay), what was committed past what was processed is lost.
    fn restart_partition(&mut self, link: u32, p: u32, reset: Option<ResetTo>) {
        let log = self.topo.link_from[link as usize];
        self.expire(log, p);
        let (cause, target) = match reset {
            Some(to) => (StreamCause::Reset, Some(self.reset_target(log, p, to))),
            None => (StreamCause::CrashReplay, None),
        };
        if let Some(offset) = target {
            self.groups[link as usize].committed[p as usize] = offset;
            self.emit(EventKind::OffsetCommitted { link, partition: p, offset });
        }
        let g = &mut self.groups[link as usize];
        let (processed, committed, hw) = (g.processed[p as usize], g.committed[p as usize], g.high_water[p as usize]);
        g.position[p as usize] = committed;
        g.processed[p as usize] = committed;
        if committed == processed {
            return;
        }
        g.replay_cause[p as usize] = cause;
        let skipped_from = processed.max(hw);
        if committed > skipped_from {
            let lost = if reset.is_some() { StreamCause::Reset } else { StreamCause::AtMostOnceCrash };
            let count = committed - skipped_from;
            self.emit(EventKind::RecordsLost { link, partition: p, from: skipped_from, count, cause: lost });
        }
        self.emit(EventKind::PositionMoved { link, partition: p, from: processed, to: committed });
    }

    fn reset_target(&self, log: u32, p: u32, to: ResetTo) -> u64 {
        let part = &self.logs[log as usize].parts[p as usize];
        match to {
            ResetTo::Earliest => part.start,
            ResetTo::Latest => part.end(),
            ResetTo::Offset(o) => o.clamp(part.start, part.end()),
            ResetTo::TimeMs(ms) => part.offset_at(ms_to_micros(ms)),
        }
    }

    /// Moves a group's position (see [`crate::engine::Edit::ResetGroup`]).
    pub(in crate::engine::sim) fn reset_group(&mut self, link_id: &str, to: ResetTo) -> Result<(), SimError> {
        let Some(&link) = self.topo.link_ix.get(link_id) else {
            return Err(ScenarioError::new("$.link", format!("unknown link id '{link_id}'")).into());
        };
        if self.scenario.links[link as usize].transport.read_policy().is_none() {
            return Err(
                ScenarioError::new("$.link", format!("'{link_id}' is not a read link (a consumer group)")).into()
            );
        }
        if let ResetTo::TimeMs(ms) = to {
            if let Some(reason) = crate::engine::validate::duration_problem(ms, true) {
                return Err(ScenarioError::new("$.to.time_ms", reason).into());
            }
        }
        if !self.groups[link as usize].joined {
            return Err(ScenarioError::new("$.link", format!("group '{link_id}' has not joined its log yet")).into());
        }
        self.groups[link as usize].pending_reset = Some(to);
        self.start_rebalance(link);
        Ok(())
    }
}

/// Kafka's range assignor: partitions in order, split into contiguous ranges
/// over the `members` in order, the first `parts % members` taking one
/// more. The member index owning partition `p` (`None` with no members).
fn range_owner(p: usize, parts: usize, members: usize) -> Option<usize> {
    let base = parts.checked_div(members)?;
    let extra = parts % members;
    let mut first = 0;
    for i in 0..members {
        let n = base + usize::from(i < extra);
        if p < first + n {
            return Some(i);
        }
        first += n;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::range_owner;

    #[test]
    fn range_assignment_gives_contiguous_ranges_and_extras_first() {
        let owners: Vec<Option<usize>> = (0..5).map(|p| range_owner(p, 5, 2)).collect();
        assert_eq!(owners, [Some(0), Some(0), Some(0), Some(1), Some(1)]);
        let owners: Vec<Option<usize>> = (0..2).map(|p| range_owner(p, 2, 3)).collect();
        assert_eq!(owners, [Some(0), Some(1)], "more members than partitions: some idle");
        assert_eq!(range_owner(0, 3, 0), None);
    }
}
