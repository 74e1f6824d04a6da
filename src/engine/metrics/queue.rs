//! Metrics of type 2, queues: depth and the oldest message's age, queue
//! wait apart from processing, redeliveries and dead letters.

use serde::Serialize;

use super::Metrics;
use crate::engine::event::EventKind;
use crate::engine::histogram::Histogram;
use crate::engine::time::Micros;

/// Per-queue counters and gauges.
#[derive(Clone, Debug, Default, Serialize)]
pub struct QueueMetrics {
    /// Messages that entered the queue.
    pub enqueued: u64,
    /// Deliveries to consumers (including redeliveries).
    pub delivered: u64,
    /// Deliveries of a message that had been delivered before (receive count
    /// above 1). A visibility expiry that ends in the DLQ is not one.
    pub redelivered: u64,
    /// Visibility timeouts that ran out without an ack.
    pub visibility_expired: u64,
    /// Messages acknowledged and deleted.
    pub acked: u64,
    /// Messages in the dead-letter queue.
    pub dead_lettered: u64,
    /// Visible messages now.
    pub depth: u32,
    /// Most visible messages seen at once.
    pub max_depth: u32,
    /// When the oldest visible message was first enqueued.
    #[serde(skip)]
    pub oldest: Option<Micros>,
    /// Time messages waited in the queue before a delivery (apart from processing).
    pub wait: Histogram,
    /// `wait`'s count and sum at the last track sample.
    #[serde(skip)]
    pub(super) window_mark: (u64, u128),
    /// Visible messages × microseconds up to `depth_change` (Little's law's L).
    #[serde(skip)]
    depth_area: u128,
    /// When the depth last changed.
    #[serde(skip)]
    depth_change: Micros,
}

impl QueueMetrics {
    /// Age of the oldest visible message at `now`.
    pub fn oldest_age(&self, now: Micros) -> Micros {
        self.oldest.map_or(0, |t| now.saturating_sub(t))
    }

    /// Mean number of visible messages since the start (a time average, for
    /// Little's law: L against λ·W with the deliveries' rate and wait).
    pub fn mean_depth(&self, now: Micros) -> f64 {
        let area = self.depth_area + u128::from(self.depth) * u128::from(now.saturating_sub(self.depth_change));
        if now == 0 {
            0.0
        } else {
            area as f64 / now as f64
        }
    }

    fn gauge(&mut self, t: Micros, depth: u32, oldest: Option<Micros>) {
        self.depth_area += u128::from(self.depth) * u128::from(t.saturating_sub(self.depth_change));
        self.depth_change = self.depth_change.max(t);
        self.depth = depth;
        self.max_depth = self.max_depth.max(depth);
        self.oldest = oldest;
    }
}

impl Metrics {
    /// Folds one queue event in.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn observe_queue(&mut self, t: Micros, kind: &EventKind) {
        match *kind {
            EventKind::Enqueued { queue, depth, oldest, .. } => {
                let q = &mut self.queues[queue as usize];
                q.enqueued += 1;
                q.gauge(t, depth, oldest);
                self.note_depth(t, depth);
            }
            EventKind::Delivered { queue, link, waited, depth, oldest, receive_count, .. } => {
                self.links[link as usize].sent += 1;
                let q = &mut self.queues[queue as usize];
                q.delivered += 1;
                if receive_count > 1 {
                    q.redelivered += 1;
                }
                q.wait.record(waited);
                q.gauge(t, depth, oldest);
            }
            EventKind::Acked { queue, depth, oldest, .. } => {
                let q = &mut self.queues[queue as usize];
                q.acked += 1;
                q.gauge(t, depth, oldest);
            }
            EventKind::VisibilityExpired { queue, depth, oldest, .. } => {
                let q = &mut self.queues[queue as usize];
                q.visibility_expired += 1;
                q.gauge(t, depth, oldest);
                self.note_depth(t, depth);
            }
            EventKind::DeadLettered { queue, depth, oldest, .. } => {
                let q = &mut self.queues[queue as usize];
                q.dead_lettered += 1;
                q.gauge(t, depth, oldest);
                self.bucket(t).dead_lettered += 1;
            }
            _ => {}
        }
    }
}
