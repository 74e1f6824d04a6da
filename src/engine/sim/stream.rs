//! Type 4, event streams, log side: append-only partitions with offsets,
//! retention, publishing after the service's own commit (dual write) and
//! the transactional outbox with its relay. Consumer groups live in
//! `stream/group.rs`.
//!
//! How records map to ledger messages: every publish is a message on the
//! append link (`Sent`), settled `Processed` once the log stored it, or
//! `Failed`/`Dropped` when it did not. A stored record is not a message: it
//! is data in the log, and retention deletes it without a fate. Each time a
//! group hands a record to a member, that delivery is a new message on the
//! read link, settled when the member finishes it (or crashes holding it).

mod group;

pub(super) use group::GroupState;
pub use group::{GroupStatus, LogStatus, PartitionStatus};

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::state::*;
use super::Simulation;
use crate::engine::event::{CorrId, EventKind, Fate, MsgId, Reason, StreamCause};
use crate::engine::limits::{MAX_OUTBOX_ROWS, MAX_RECORDS_PER_PARTITION};
use crate::engine::scenario::{FaultEffect, Scenario};
use crate::engine::time::{ms_to_micros, Micros};

/// One partition: the records still kept, the first at offset `start`.
#[derive(Default)]
pub(super) struct PartitionLog {
    pub start: u64,
    pub records: VecDeque<Record>,
    /// Offsets below this were deleted by the simulator's own record limit
    /// rather than by the log's retention (see `StreamCause::EngineLimit`).
    pub engine_limit_below: u64,
}

impl PartitionLog {
    /// The offset the next record gets.
    pub fn end(&self) -> u64 {
        self.start + self.records.len() as u64
    }

    /// The record at `offset`, if it is still kept.
    pub fn get(&self, offset: u64) -> Option<&Record> {
        offset.checked_sub(self.start).and_then(|i| self.records.get(usize::try_from(i).ok()?))
    }

    /// The first offset whose record was appended at or after `t` (the end if none).
    pub fn offset_at(&self, t: Micros) -> u64 {
        self.start + self.records.partition_point(|r| r.appended < t) as u64
    }
}

/// A stored record.
pub(super) struct Record {
    pub appended: Micros,
    pub corr: CorrId,
    /// The business event's id: the same for every republish of one event.
    pub event: MsgId,
}

/// A log's partitions (empty for nodes that are not logs).
#[derive(Default)]
pub(super) struct LogState {
    pub parts: Vec<PartitionLog>,
}

impl LogState {
    pub fn for_node(s: &Scenario, node: usize) -> Self {
        let n = s.nodes[node].kind.log().map_or(0, |l| l.partitions as usize);
        LogState { parts: (0..n).map(|_| PartitionLog::default()).collect() }
    }
}

/// A row of an outbox table, waiting for the relay.
pub(super) struct OutboxRow {
    pub corr: CorrId,
    pub written: Micros,
    /// A publish of it is on its way; the relay waits for its outcome.
    pub in_flight: bool,
}

/// An append link's outbox (rows by event id, which follows write order).
#[derive(Default)]
pub(super) struct Outbox {
    pub rows: BTreeMap<MsgId, OutboxRow>,
    pub relay_armed: bool,
}

/// How a publish will end, decided when it is sent (the fault acts on the producer).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum PublishOutcome {
    Ok,
    /// The log never stored it.
    FailedUnstored,
    /// The log stored it, but the producer sees a failure.
    FailedStored,
}

/// A publish on its way to a log.
pub(super) struct AppendArrival {
    pub msg: MsgId,
    pub corr: CorrId,
    pub event: MsgId,
    pub link: u32,
    pub outcome: PublishOutcome,
    /// Published by the outbox relay (the row is resolved on arrival).
    pub from_outbox: bool,
}

/// Rows one relay tick publishes at most, so a long outage's backlog drains in steps.
const RELAY_BATCH: usize = 10_000;

impl Simulation {
    /// The work on `node` finished and its database transaction committed:
    /// publish its event on the append `link` now (dual write), or write it
    /// into the outbox in the same transaction.
    pub(super) fn publish_after_commit(&mut self, node: u32, link: u32, event: MsgId, corr: CorrId) {
        let relay = self.scenario.links[link as usize].transport.append_policy().and_then(|a| a.outbox.clone());
        if relay.is_none() {
            self.send_append(node, link, event, corr, false);
            return;
        }
        let ob = &mut self.outboxes[link as usize];
        if ob.rows.len() >= MAX_OUTBOX_ROWS {
            self.emit(EventKind::OutboxOverflow { node, link, event });
            return;
        }
        ob.rows.insert(event, OutboxRow { corr, written: self.now, in_flight: false });
        let backlog = ob.rows.len() as u32;
        self.emit(EventKind::OutboxWritten { node, link, event, backlog });
        self.arm_relay(link);
    }

    /// Schedules the relay's next tick, unless one is pending.
    fn arm_relay(&mut self, link: u32) {
        if self.outboxes[link as usize].relay_armed {
            return;
        }
        // The interval of the current setting; an outbox switched off by an
        // edit still drains its rows, at the default pace.
        let every = self.scenario.links[link as usize]
            .transport
            .append_policy()
            .and_then(|a| a.outbox.clone())
            .unwrap_or_default()
            .relay_interval_ms;
        self.outboxes[link as usize].relay_armed = true;
        self.schedule(self.now.saturating_add(ms_to_micros(every).max(1)), Action::RelayTick { link });
    }

    /// The relay publishes every pending row not already on its way, oldest
    /// first. It runs inside the producing service: while every instance is
    /// down, the rows wait (they are safe in its database).
    pub(super) fn relay_tick(&mut self, link: u32) {
        self.outboxes[link as usize].relay_armed = false;
        let node = self.topo.link_from[link as usize];
        let svc = &self.services[node as usize];
        let up = svc.replicas.iter().any(|r| r.up && !r.retired);
        if up {
            let due: Vec<(MsgId, CorrId)> = self.outboxes[link as usize]
                .rows
                .iter()
                .filter(|(_, r)| !r.in_flight)
                .take(RELAY_BATCH)
                .map(|(e, r)| (*e, r.corr))
                .collect();
            for (event, corr) in due {
                if let Some(r) = self.outboxes[link as usize].rows.get_mut(&event) {
                    r.in_flight = true;
                }
                self.send_append(node, link, event, corr, true);
            }
        }
        if !self.outboxes[link as usize].rows.is_empty() {
            self.arm_relay(link);
        }
    }

    /// Sends one publish over an append link.
    fn send_append(&mut self, node: u32, link: u32, event: MsgId, corr: CorrId, from_outbox: bool) {
        let msg = self.new_msg_id();
        self.msgs.insert(msg, Msg::new(corr));
        let outcome = self.publish_outcome(node);
        let Some(at) = self.cross(link) else {
            self.emit(EventKind::Sent { msg, corr, parent: event, link, attempt: 0, arrives: None });
            self.emit(EventKind::Lost { msg, link });
            self.emit(EventKind::PublishFailed { msg, link, event, stored: false, outbox: from_outbox });
            self.settle(msg, Fate::Dropped(Reason::Partition));
            self.unmark_row(link, event, from_outbox);
            return;
        };
        self.emit(EventKind::Sent { msg, corr, parent: event, link, attempt: 0, arrives: Some(at) });
        let a = AppendArrival { msg, corr, event, link, outcome, from_outbox };
        self.schedule(at, Action::AppendArrive(Box::new(a)));
    }

    /// Whether a publish by `node` now fails (`publish_fails_after_commit`). Draws
    /// from the random stream only while such a fault is active.
    fn publish_outcome(&mut self, node: u32) -> PublishOutcome {
        let mut hit = None;
        for &i in &self.faults_on_node[node as usize] {
            let s = &self.faults[i as usize];
            if let (true, FaultEffect::PublishFailsAfterCommit { probability, stored_share }) =
                (s.active, &s.fault.effect)
            {
                hit = Some((*probability, *stored_share));
                break;
            }
        }
        let Some((p, stored)) = hit else { return PublishOutcome::Ok };
        if !self.rng.chance(p) {
            return PublishOutcome::Ok;
        }
        if self.rng.chance(stored) {
            PublishOutcome::FailedStored
        } else {
            PublishOutcome::FailedUnstored
        }
    }

    fn unmark_row(&mut self, link: u32, event: MsgId, from_outbox: bool) {
        if from_outbox {
            if let Some(r) = self.outboxes[link as usize].rows.get_mut(&event) {
                r.in_flight = false;
            }
        }
    }

    /// A publish reaches the log: stored (and maybe confirmed), or refused.
    pub(super) fn append_arrive(&mut self, a: AppendArrival) {
        let AppendArrival { msg, corr, event, link, outcome, from_outbox } = a;
        if outcome == PublishOutcome::FailedUnstored {
            self.emit(EventKind::PublishFailed { msg, link, event, stored: false, outbox: from_outbox });
            self.settle(msg, Fate::Failed(Reason::Error));
            self.unmark_row(link, event, from_outbox);
            return;
        }
        let log = self.topo.link_to[link as usize];
        let parts = self.logs[log as usize].parts.len() as u64;
        if parts == 0 {
            return;
        }
        // The key is the order: one order's records share a partition, in order.
        let partition = (corr % parts) as u32;
        self.expire(log, partition);
        let p = &mut self.logs[log as usize].parts[partition as usize];
        let offset = p.end();
        p.records.push_back(Record { appended: self.now, corr, event });
        self.emit(EventKind::Appended { msg, log, partition, offset, event, corr });
        self.settle(msg, Fate::Processed);
        self.expire(log, partition);
        if outcome == PublishOutcome::FailedStored {
            // Stored, but the confirmation is lost: the producer cannot tell.
            self.emit(EventKind::PublishFailed { msg, link, event, stored: true, outbox: from_outbox });
            self.unmark_row(link, event, from_outbox);
        } else if from_outbox {
            let node = self.topo.link_from[link as usize];
            if let Some(row) = self.outboxes[link as usize].rows.remove(&event) {
                let backlog = self.outboxes[link as usize].rows.len() as u32;
                let delay = self.now.saturating_sub(row.written);
                self.emit(EventKind::OutboxRelayed { node, link, event, delay, backlog });
            }
        }
        self.wake_readers(log, partition);
    }

    /// Deletes what retention no longer keeps in one partition: records older
    /// than `retention_ms` and those past the count limit. Kafka deletes
    /// whole segments on a periodic check; deleting lazily, when the
    /// partition is next touched, is as faithful and costs no timers.
    pub(super) fn expire(&mut self, log: u32, partition: u32) {
        let Some(spec) = self.scenario.nodes[log as usize].kind.log() else { return };
        let max_age = spec.retention_ms.map(ms_to_micros);
        let cap = spec.retention_records.unwrap_or(MAX_RECORDS_PER_PARTITION).min(MAX_RECORDS_PER_PARTITION) as usize;
        // Whether a deletion by count is the log's retention or our limit.
        let cap_is_engine_limit = spec.retention_records.is_none_or(|r| r > MAX_RECORDS_PER_PARTITION);
        let now = self.now;
        let Some(p) = self.logs[log as usize].parts.get_mut(partition as usize) else { return };
        let mut count = 0u64;
        while let Some(r) = p.records.front() {
            let too_old = max_age.is_some_and(|age| now.saturating_sub(r.appended) > age);
            if !too_old && p.records.len() <= cap {
                break;
            }
            p.records.pop_front();
            p.start += 1;
            count += 1;
            if !too_old && cap_is_engine_limit {
                p.engine_limit_below = p.start;
            }
        }
        if count > 0 {
            let start = p.start;
            self.emit(EventKind::RecordsExpired { log, partition, start, count });
        }
    }

    /// Pending outbox rows of a service, over all its append links.
    pub fn outbox_backlog(&self, node: usize) -> u32 {
        self.topo
            .append_out
            .get(node)
            .map_or(0, |links| links.iter().map(|&l| self.outboxes[l as usize].rows.len() as u32).sum())
    }
}

/// Event ids a group remembers for duplicate detection, with when, bounded
/// like the queue consumers' store.
#[derive(Default)]
pub(super) struct SeenEvents {
    pub ids: BTreeSet<MsgId>,
    pub order: VecDeque<(Micros, MsgId)>,
}

impl SeenEvents {
    /// Remembers `id` at `now`, forgetting the oldest past the window or the cap.
    pub fn insert(&mut self, now: Micros, id: MsgId) {
        if self.ids.insert(id) {
            self.order.push_back((now, id));
        }
        while let Some(&(t, old)) = self.order.front() {
            if now.saturating_sub(t) <= DEDUPE_WINDOW && self.order.len() <= DEDUPE_MAX {
                break;
            }
            self.order.pop_front();
            self.ids.remove(&old);
        }
    }
}

/// The cause a group's duplicates are put down to, by default.
pub(super) const DEFAULT_REPLAY_CAUSE: StreamCause = StreamCause::CrashReplay;
