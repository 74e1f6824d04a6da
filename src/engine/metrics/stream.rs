//! Metrics of type 4, event streams: per log the records appended and
//! expired and each partition's first and next offsets; per consumer group
//! (read link) its committed and processed offsets, duplicates and losses by
//! cause, rebalances; per append link the publishes that failed and, with an
//! outbox, its backlog and relay delay.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Metrics;
use crate::engine::event::EventKind;
use crate::engine::histogram::Histogram;
use crate::engine::scenario::Scenario;
use crate::engine::time::Micros;

/// One log's counters and offsets.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LogMetrics {
    /// Records stored.
    pub appended: u64,
    /// Records deleted by retention (or the engine's per-partition cap).
    pub expired: u64,
    /// Per partition: the first offset still kept (the log start offset).
    pub start: Vec<u64>,
    /// Per partition: the offset the next record gets (the log end offset).
    pub end: Vec<u64>,
}

/// One consumer group's counters and offsets.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GroupMetrics {
    /// Records handed to members by polls (replays included).
    pub polled: u64,
    /// Records processed successfully (duplicates included).
    pub processed: u64,
    /// Records whose processing failed (skipped: a log does not redeliver).
    pub failed: u64,
    /// Per partition: the committed offset (where a new owner starts).
    pub committed: Vec<u64>,
    /// Per partition: the offset after the last record the group finished.
    pub processed_offset: Vec<u64>,
    /// Records processed a second time, by cause (suppressed ones included).
    pub duplicates: BTreeMap<&'static str, u64>,
    /// Duplicates an idempotent consumer recognised and skipped.
    pub duplicates_suppressed: u64,
    /// Records the group will never process, by cause.
    pub lost: BTreeMap<&'static str, u64>,
    /// Rebalances started.
    pub rebalances: u64,
    /// Times a partition's position moved back (a replay).
    pub replays: u64,
    /// Whether a rebalance holds the group now.
    pub rebalancing: bool,
}

impl GroupMetrics {
    /// All duplicates.
    pub fn duplicates_total(&self) -> u64 {
        self.duplicates.values().sum()
    }

    /// All losses.
    pub fn lost_total(&self) -> u64 {
        self.lost.values().sum()
    }
}

/// One append link's publishing: failures and the outbox.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PublishMetrics {
    /// Publishes that failed after the service's commit (as the producer saw them).
    pub publish_failed: u64,
    /// Of those, the ones the log had stored anyway (only the confirmation was lost).
    pub publish_failed_stored: u64,
    /// Events the log never got: dual writes whose publish failed unstored,
    /// and rows an overfull outbox could not take.
    pub events_lost: u64,
    /// Rows written into the outbox.
    pub outbox_written: u64,
    /// Rows the relay published and marked done.
    pub outbox_relayed: u64,
    /// Rows waiting in the outbox now.
    pub outbox_backlog: u32,
    /// Most rows waiting at once.
    pub outbox_max_backlog: u32,
    /// Rows refused by a full outbox.
    pub outbox_overflow: u64,
    /// Time from a row's write to its confirmed publish.
    pub relay_delay: Histogram,
}

/// Per node and per link stream metrics, shaped for a scenario.
pub(super) fn shape(s: &Scenario) -> (Vec<LogMetrics>, Vec<GroupMetrics>, Vec<PublishMetrics>) {
    let logs = s
        .nodes
        .iter()
        .map(|n| {
            let p = n.kind.log().map_or(0, |l| l.partitions as usize);
            LogMetrics { start: vec![0; p], end: vec![0; p], ..LogMetrics::default() }
        })
        .collect();
    let groups = s
        .links
        .iter()
        .map(|l| {
            let p = match l.transport.read_policy() {
                Some(_) => s.node(&l.from).and_then(|n| n.kind.log()).map_or(0, |l| l.partitions as usize),
                None => 0,
            };
            GroupMetrics { committed: vec![0; p], processed_offset: vec![0; p], ..GroupMetrics::default() }
        })
        .collect();
    let publishes = s.links.iter().map(|_| PublishMetrics::default()).collect();
    (logs, groups, publishes)
}

fn set(v: &mut [u64], i: u32, x: u64) {
    if let Some(slot) = v.get_mut(i as usize) {
        *slot = x;
    }
}

impl Metrics {
    /// Folds one stream event in.
    pub(super) fn observe_stream(&mut self, _t: Micros, kind: &EventKind) {
        match *kind {
            EventKind::Appended { log, partition, offset, .. } => {
                if let Some(l) = self.logs.get_mut(log as usize) {
                    l.appended += 1;
                    set(&mut l.end, partition, offset + 1);
                }
            }
            EventKind::PublishFailed { link, stored, outbox, .. } => {
                let p = &mut self.publishes[link as usize];
                p.publish_failed += 1;
                if stored {
                    p.publish_failed_stored += 1;
                } else if !outbox {
                    p.events_lost += 1;
                }
            }
            EventKind::OutboxWritten { link, backlog, .. } => {
                let p = &mut self.publishes[link as usize];
                p.outbox_written += 1;
                p.outbox_backlog = backlog;
                p.outbox_max_backlog = p.outbox_max_backlog.max(backlog);
            }
            EventKind::OutboxRelayed { link, delay, backlog, .. } => {
                let p = &mut self.publishes[link as usize];
                p.outbox_relayed += 1;
                p.outbox_backlog = backlog;
                p.relay_delay.record(delay);
            }
            EventKind::OutboxOverflow { link, .. } => {
                let p = &mut self.publishes[link as usize];
                p.outbox_overflow += 1;
                p.events_lost += 1;
            }
            EventKind::RecordsExpired { log, partition, start, count } => {
                if let Some(l) = self.logs.get_mut(log as usize) {
                    l.expired += count;
                    set(&mut l.start, partition, start);
                }
            }
            EventKind::Polled { link, count, .. } => self.groups[link as usize].polled += u64::from(count),
            EventKind::RecordProcessed { link, partition, offset, ok, .. } => {
                let g = &mut self.groups[link as usize];
                if ok {
                    g.processed += 1;
                } else {
                    g.failed += 1;
                }
                set(&mut g.processed_offset, partition, offset + 1);
            }
            EventKind::RecordDuplicate { link, cause, suppressed, .. } => {
                let g = &mut self.groups[link as usize];
                *g.duplicates.entry(cause.name()).or_default() += 1;
                if suppressed {
                    g.duplicates_suppressed += 1;
                }
            }
            EventKind::RecordsLost { link, count, cause, .. } => {
                *self.groups[link as usize].lost.entry(cause.name()).or_default() += count;
            }
            EventKind::OffsetCommitted { link, partition, offset } => {
                set(&mut self.groups[link as usize].committed, partition, offset);
            }
            EventKind::RebalanceStarted { link, .. } => {
                let g = &mut self.groups[link as usize];
                g.rebalances += 1;
                g.rebalancing = true;
            }
            EventKind::RebalanceDone { link, .. } => self.groups[link as usize].rebalancing = false,
            EventKind::PositionMoved { link, partition, from, to } => {
                let g = &mut self.groups[link as usize];
                if to < from {
                    g.replays += 1;
                }
                set(&mut g.processed_offset, partition, to);
            }
            _ => {}
        }
    }
}
