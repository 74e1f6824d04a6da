//! Per-node metrics: what every node kind with workers counts (arrivals,
//! starts, completions, failures by reason, crashes), its waiting and busy
//! areas over time (utilisation, Little's law) and its latency histograms.

use serde::Serialize;

use super::held_time::HeldTime;
use crate::engine::event::Reason;
use crate::engine::histogram::Histogram;
use crate::engine::time::Micros;

/// Per-node counters and distributions.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NodeMetrics {
    /// Requests or deliveries that reached the node.
    pub arrived: u64,
    /// Picked up by a worker.
    pub started: u64,
    /// Finished successfully.
    pub completed: u64,
    /// Failed, by [`Reason`] (index in [`Reason::ALL`]).
    #[serde(serialize_with = "by_reason")]
    pub failed: [u64; Reason::ALL.len()],
    /// Refused without work (overloaded or down).
    pub rejected: u64,
    /// Instance crashes.
    pub crashes: u64,
    /// Instances back after a crash.
    pub restarts: u64,
    /// Workers busy now.
    pub busy: u32,
    /// Worker pool size (replicas × concurrency).
    pub capacity: u32,
    #[serde(skip)]
    pub(super) busy_area: u128,
    #[serde(skip)]
    pub(super) last_change: Micros,
    /// Worker time offered since the start (capacity integrated over time,
    /// in worker-microseconds up to `capacity_change`): the pool can be
    /// resized while running, so utilisation divides by this, not by
    /// today's capacity times the whole run.
    #[serde(skip)]
    pub(super) capacity_area: u128,
    #[serde(skip)]
    pub(super) capacity_change: Micros,
    /// Time from arrival to a worker picking it up.
    pub wait: Histogram,
    /// Time a worker was held (own processing plus downstream calls) and
    /// own processing only (the hop's share of a latency budget); serialised
    /// as `busy_time` and `self_time`.
    #[serde(flatten)]
    pub held: HeldTime,
    /// Messages processed a second time (side effects repeated).
    pub duplicates_processed: u64,
    /// Repeats skipped by an idempotent consumer.
    pub duplicates_suppressed: u64,
    /// Requests waiting for a worker now (arrived, not yet started, refused or failed).
    pub waiting: u32,
    #[serde(skip)]
    pub(super) waiting_area: u128,
    #[serde(skip)]
    pub(super) waiting_change: Micros,
    /// Counts and sums of `wait` and `self_time`, and the busy area, at the last track sample.
    #[serde(skip)]
    pub(super) window_mark: (u64, u128, u64, u128, u128),
    /// When the last track sample was taken.
    #[serde(skip)]
    pub(super) window_at: Micros,
    /// The offered worker time at the last track sample.
    #[serde(skip)]
    pub(super) window_capacity_mark: u128,
}

impl NodeMetrics {
    /// Share of worker time in use since the start, 0 to 1.
    pub fn utilisation(&self, now: Micros) -> f64 {
        let area = self.busy_area_at(now);
        let total = self.capacity_area_at(now);
        if total == 0 {
            0.0
        } else {
            area as f64 / total as f64
        }
    }

    /// Failures of all reasons.
    pub fn failed_total(&self) -> u64 {
        self.failed.iter().sum()
    }

    /// Failures by reason name, only the reasons that occurred.
    pub fn failed_by_reason(&self) -> Vec<(&'static str, u64)> {
        Reason::ALL.iter().zip(self.failed).filter(|(_, c)| *c > 0).map(|(r, c)| (r.name(), c)).collect()
    }

    /// Mean number of requests waiting for a worker since the start (a time
    /// average, for Little's law: Lq against λ·Wq).
    pub fn mean_waiting(&self, now: Micros) -> f64 {
        let area = self.waiting_area + u128::from(self.waiting) * u128::from(now.saturating_sub(self.waiting_change));
        if now == 0 {
            0.0
        } else {
            area as f64 / now as f64
        }
    }

    /// Busy worker time since the start, in worker-microseconds.
    pub(super) fn busy_area_at(&self, now: Micros) -> u128 {
        self.busy_area + u128::from(self.busy) * u128::from(now.saturating_sub(self.last_change))
    }

    /// Worker time offered since the start, in worker-microseconds: the
    /// pool's size over time, plus workers busy beyond it (draining).
    pub(super) fn capacity_area_at(&self, now: Micros) -> u128 {
        let excess =
            u128::from(self.busy.saturating_sub(self.capacity)) * u128::from(now.saturating_sub(self.last_change));
        self.capacity_area + u128::from(self.capacity) * u128::from(now.saturating_sub(self.capacity_change)) + excess
    }

    /// Resizes the pool at `now`, keeping the busy and offered areas exact.
    pub(super) fn set_capacity(&mut self, now: Micros, capacity: u32) {
        self.set_busy(now, self.busy);
        // `set_busy` has just counted any excess up to now.
        self.capacity_area += u128::from(self.capacity) * u128::from(now.saturating_sub(self.capacity_change));
        self.capacity_change = now;
        self.capacity = capacity;
    }

    pub(super) fn set_waiting(&mut self, now: Micros, waiting: u32) {
        self.waiting_area += u128::from(self.waiting) * u128::from(now.saturating_sub(self.waiting_change));
        self.waiting_change = now;
        self.waiting = waiting;
    }

    pub(super) fn set_busy(&mut self, now: Micros, busy: u32) {
        let held = u128::from(now.saturating_sub(self.last_change));
        if self.busy > self.capacity {
            // Instances retired by a smaller pool finish what they hold
            // (a graceful drain): their busy workers are offered time too,
            // so utilisation stays at most 1.
            self.capacity_area += u128::from(self.busy - self.capacity) * held;
        }
        self.busy_area += u128::from(self.busy) * held;
        self.last_change = now;
        self.busy = busy;
    }
}

/// Failures serialise as `[["reason", count], …]` for the reasons that occurred.
fn by_reason<S: serde::Serializer>(failed: &[u64; Reason::ALL.len()], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = serializer.serialize_seq(None)?;
    for (r, c) in Reason::ALL.iter().zip(failed).filter(|(_, c)| **c > 0) {
        seq.serialize_element(&(r.name(), c))?;
    }
    seq.end()
}

/// Position of a reason in [`Reason::ALL`].
pub fn reason_ix(r: Reason) -> usize {
    Reason::ALL.iter().position(|x| *x == r).unwrap_or(0)
}
