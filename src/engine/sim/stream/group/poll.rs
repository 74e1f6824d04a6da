//! Consumer groups, the member's side: polling a batch across the link,
//! processing its records one by one, and committing offsets by the
//! group's policy (before, after, or on the auto-commit interval).
//! Rebalancing stays in `stream/group.rs`, membership in `group/membership.rs`.

use super::*;

impl Simulation {
    /// Commits the processed offset of every partition the member owns, where it is ahead.
    pub(super) fn commit_processed(&mut self, link: u32, replica: u32) {
        let now = self.now;
        let m = self.member(link, replica);
        if m.crashed {
            // A restarted instance is a new consumer: the progress of the
            // crashed one died with it and is not its to commit.
            return;
        }
        m.last_commit = now;
        let g = &self.groups[link as usize];
        let ahead: Vec<(u32, u64)> = (0..g.owner.len())
            .filter(|&p| g.owner[p] == Some(replica) && g.processed[p] > g.committed[p])
            .map(|p| (p as u32, g.processed[p]))
            .collect();
        for (partition, offset) in ahead {
            self.groups[link as usize].committed[partition as usize] = offset;
            self.emit(EventKind::OffsetCommitted { link, partition, offset });
        }
    }

    /// A new record in a partition: its owner polls if it is idle.
    pub(in crate::engine::sim) fn wake_readers(&mut self, log: u32, partition: u32) {
        for i in 0..self.topo.groups_of[log as usize].len() {
            let link = self.topo.groups_of[log as usize][i];
            let cooperative = self.cooperative(link);
            let g = &self.groups[link as usize];
            if !g.joined || (g.rebalancing && !cooperative) || g.revoking.get(partition as usize) == Some(&true) {
                continue;
            }
            if let Some(Some(replica)) = g.owner.get(partition as usize).copied() {
                if !g.members.get(replica as usize).is_some_and(|m| m.busy) {
                    self.poll(link, replica);
                }
            }
        }
    }

    /// A member fetches up to `max_poll_records` records from its partitions.
    pub(super) fn poll(&mut self, link: u32, replica: u32) {
        let node = self.topo.link_to[link as usize];
        let cooperative = self.cooperative(link);
        let g = &self.groups[link as usize];
        if !g.joined || (g.rebalancing && !cooperative) || !self.live(node, replica) {
            return;
        }
        if self.member(link, replica).busy {
            return;
        }
        let policy = self.read_policy(link);
        let log = self.topo.link_from[link as usize];
        let owned: Vec<u32> = {
            let g = &self.groups[link as usize];
            let moving = |p: u32| g.revoking.get(p as usize) == Some(&true);
            (0..g.owner.len() as u32).filter(|&p| g.owner[p as usize] == Some(replica) && !moving(p)).collect()
        };
        if owned.is_empty() {
            return;
        }
        // Auto-commit happens inside poll: everything returned before is processed by now.
        if policy.commit == CommitPolicy::Auto
            && self.now.saturating_sub(self.member(link, replica).last_commit)
                >= ms_to_micros(policy.auto_commit_interval_ms)
        {
            self.commit_processed(link, replica);
        }
        let mut chunks: Vec<(u32, u64, u64)> = Vec::new();
        let mut left = u64::from(policy.max_poll_records);
        let cursor = self.member(link, replica).cursor as usize;
        for k in 0..owned.len() {
            let p = owned[(cursor + k) % owned.len()];
            self.expire(log, p);
            let (start, end) = {
                let part = &self.logs[log as usize].parts[p as usize];
                (part.start, part.end())
            };
            let g = &mut self.groups[link as usize];
            let pos = g.position[p as usize];
            if pos < start {
                // Deleted before the group got there: the fetch is out of
                // range and Kafka applies `auto.offset.reset`, the group's
                // `start`: earliest moves to the oldest kept record, latest
                // to the end of the log, skipping the kept backlog too. All
                // of it is lost because retention overtook the group.
                let target = match policy.start {
                    StartFrom::Earliest => start,
                    StartFrom::Latest => end,
                };
                let from = pos.max(g.high_water[p as usize]);
                g.position[p as usize] = target;
                g.processed[p as usize] = g.processed[p as usize].max(target);
                // Records under the simulator's own limit are reported as
                // such; the rest of the range was retention's doing.
                let limit_below = self.logs[log as usize].parts[p as usize].engine_limit_below.max(from).min(target);
                for (from, to, cause) in
                    [(from, limit_below, StreamCause::EngineLimit), (limit_below, target, StreamCause::Retention)]
                {
                    if to > from {
                        self.emit(EventKind::RecordsLost { link, partition: p, from, count: to - from, cause });
                    }
                }
                self.emit(EventKind::PositionMoved { link, partition: p, from: pos, to: target });
            }
            let pos = self.groups[link as usize].position[p as usize];
            let n = end.saturating_sub(pos).min(left);
            if n > 0 {
                chunks.push((p, pos, n));
                left -= n;
            }
            if left == 0 {
                break;
            }
        }
        self.member(link, replica).cursor = (cursor as u32).wrapping_add(1);
        if chunks.is_empty() {
            self.arm_auto_commit(link, replica, &policy);
            return;
        }
        let Some(at) = self.cross(link) else {
            // The fetch is lost: nothing is handed over, and the member asks again.
            let generation = self.groups[link as usize].generation;
            let m = self.member(link, replica);
            if !m.timer {
                m.timer = true;
                self.schedule(self.now.saturating_add(FETCH_RETRY), Action::PollRetry { link, replica, generation });
            }
            return;
        };
        for (partition, from, n) in chunks {
            let first_msg = self.next_msg;
            self.emit(EventKind::Polled { link, replica, partition, from, count: n as u32, first_msg });
            for offset in from..from + n {
                let Some(r) = self.logs[log as usize].parts[partition as usize].get(offset) else { continue };
                let (corr, event) = (r.corr, r.event);
                let msg = self.new_msg_id();
                self.msgs.insert(msg, Msg::new(corr));
                self.emit(EventKind::Sent { msg, corr, parent: event, link, attempt: 0, arrives: Some(at) });
                self.member(link, replica).batch.push_back(BatchRecord { msg, corr, partition, offset, event });
            }
            let g = &mut self.groups[link as usize];
            g.position[partition as usize] = from + n;
            if policy.commit == CommitPolicy::Before {
                g.committed[partition as usize] = from + n;
                self.emit(EventKind::OffsetCommitted { link, partition, offset: from + n });
            }
        }
        self.member(link, replica).busy = true;
        let epoch = self.services[node as usize].replicas[replica as usize].epoch;
        self.schedule(at, Action::BatchArrive { link, replica, epoch });
    }

    /// An idle auto-committing member still commits every interval (its poll loop keeps running).
    fn arm_auto_commit(&mut self, link: u32, replica: u32, policy: &ReadPolicy) {
        if policy.commit != CommitPolicy::Auto {
            return;
        }
        let g = &self.groups[link as usize];
        let behind = (0..g.owner.len()).any(|p| g.owner[p] == Some(replica) && g.processed[p] > g.committed[p]);
        let generation = g.generation;
        let m = self.member(link, replica);
        if !behind || m.timer {
            return;
        }
        m.timer = true;
        let at = m.last_commit.saturating_add(ms_to_micros(policy.auto_commit_interval_ms)).max(self.now);
        self.schedule(at, Action::AutoCommit { link, replica, generation });
    }

    pub(in crate::engine::sim) fn auto_commit(&mut self, link: u32, replica: u32, generation: u32) {
        self.member(link, replica).timer = false;
        let node = self.topo.link_to[link as usize];
        if self.groups[link as usize].generation != generation || !self.live(node, replica) {
            return;
        }
        if !self.member(link, replica).busy {
            self.poll(link, replica);
        }
    }

    pub(in crate::engine::sim) fn poll_retry(&mut self, link: u32, replica: u32, generation: u32) {
        self.member(link, replica).timer = false;
        if self.groups[link as usize].generation == generation {
            self.poll(link, replica);
        }
    }

    /// The fetched batch reaches its member, which starts on the first record.
    pub(in crate::engine::sim) fn batch_arrive(&mut self, link: u32, replica: u32, epoch: u32) {
        let node = self.topo.link_to[link as usize];
        let r = &self.services[node as usize].replicas[replica as usize];
        if !r.up || r.epoch != epoch {
            return;
        }
        self.next_record(link, replica);
    }

    /// Hands the member's next record to a worker, or ends the batch.
    fn next_record(&mut self, link: u32, replica: u32) {
        let node = self.topo.link_to[link as usize];
        let Some(rec) = self.member(link, replica).batch.pop_front() else {
            self.batch_finished(link, replica);
            return;
        };
        self.emit(EventKind::Arrived { msg: rec.msg, node });
        let job = Job::Record { link, partition: rec.partition, offset: rec.offset, event: rec.event };
        self.admit(node, replica, rec.msg, rec.corr, job, false, false);
    }

    /// A worker finished a record (processed or failed): the next one follows.
    pub(in crate::engine::sim) fn record_done(
        &mut self,
        msg: MsgId,
        link: u32,
        replica: u32,
        partition: u32,
        offset: u64,
        ok: bool,
    ) {
        self.emit(EventKind::RecordProcessed { msg, link, partition, offset, ok });
        let g = &mut self.groups[link as usize];
        if let Some(p) = g.processed.get_mut(partition as usize) {
            *p = offset + 1;
        }
        if let Some(hw) = g.high_water.get_mut(partition as usize) {
            *hw = (*hw).max(offset + 1);
        }
        self.next_record(link, replica);
    }

    /// Whether a finished record's effects apply: a repeat (an offset the
    /// group had finished before, or an event id it remembers) is a
    /// duplicate, skipped by an idempotent consumer.
    pub(in crate::engine::sim) fn record_effects(
        &mut self,
        msg: MsgId,
        link: u32,
        partition: u32,
        offset: u64,
        event: MsgId,
    ) -> bool {
        let idempotent = self.read_policy(link).idempotent;
        let Some(cause) = self.repeat_cause(link, partition, offset, event) else {
            self.groups[link as usize].seen.insert(self.now, event);
            return true;
        };
        self.emit(EventKind::RecordDuplicate { msg, link, partition, offset, cause, suppressed: idempotent });
        !idempotent
    }

    /// Whether an idempotent group will skip this record's side effects as
    /// a repeat when it finishes (what [`Simulation::record_effects`] will
    /// decide, asked before: a saga must not start for a skipped repeat).
    pub(in crate::engine::sim) fn record_will_be_skipped(
        &self,
        link: u32,
        partition: u32,
        offset: u64,
        event: MsgId,
    ) -> bool {
        self.read_policy(link).idempotent && self.repeat_cause(link, partition, offset, event).is_some()
    }

    /// Why a record is a repeat for its group, if it is: read again below
    /// the partition's high-water mark, or an event the group already saw
    /// (the outbox's relay published it twice).
    fn repeat_cause(&self, link: u32, partition: u32, offset: u64, event: MsgId) -> Option<StreamCause> {
        let g = &self.groups[link as usize];
        if g.high_water.get(partition as usize).is_some_and(|hw| offset < *hw) {
            Some(g.replay_cause.get(partition as usize).copied().unwrap_or(DEFAULT_REPLAY_CAUSE))
        } else if g.seen.ids.contains(&event) {
            Some(StreamCause::OutboxRepublish)
        } else {
            None
        }
    }

    /// The batch is done: commit by policy, then poll again (or let a rebalance finish).
    fn batch_finished(&mut self, link: u32, replica: u32) {
        self.member(link, replica).busy = false;
        let policy = self.read_policy(link);
        let rebalancing = self.groups[link as usize].rebalancing;
        let due = self.now.saturating_sub(self.member(link, replica).last_commit)
            >= ms_to_micros(policy.auto_commit_interval_ms);
        match policy.commit {
            CommitPolicy::After => self.commit_processed(link, replica),
            CommitPolicy::Auto if due || rebalancing => self.commit_processed(link, replica),
            CommitPolicy::Auto | CommitPolicy::Before => {}
        }
        if !rebalancing {
            self.poll(link, replica);
        } else if !self.cooperative(link) {
            self.try_finish_rebalance(link);
        } else {
            // Cooperative: the moving partitions are committed and given up; the rest read on.
            self.member(link, replica).holds_revoked = false;
            self.try_finish_rebalance(link);
            self.poll(link, replica);
        }
    }
}
