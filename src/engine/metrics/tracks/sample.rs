//! Taking one sample of every channel: each reads what the metrics already
//! hold (a gauge, or a running total turned into a rate since the last
//! sample).

use super::super::{GroupMetrics, Metrics};
use super::{Channel, Key, Reading};
use crate::engine::breaker::BreakerState;
use crate::engine::scenario::Scenario;
use crate::engine::time::{Micros, SECOND};

/// Records a value into `c` at `slot`; totals become rates over `dt` seconds.
fn put(c: &mut Channel, slot: usize, reading: Reading, dt: f64) {
    let v = match reading {
        Reading::Gauge(v) => v,
        Reading::Total(total) => {
            let rate = if dt > 0.0 { (total - c.last).max(0.0) / dt } else { 0.0 };
            c.last = total;
            rate
        }
    };
    if let Some(x) = c.values.get_mut(slot) {
        *x = v as f32;
    }
}

/// Mean over the values recorded since the last sample, from a histogram's
/// running count and sum (no per-event cost): (mean in ms, new count, new sum).
fn window_mean(count: u64, sum: u128, last: (u64, u128)) -> f64 {
    let n = count.saturating_sub(last.0);
    if n == 0 {
        return f64::NAN;
    }
    (sum.saturating_sub(last.1)) as f64 / n as f64 / 1_000.0
}

impl Metrics {
    /// Makes room in the tracks for a link added while running.
    pub(in crate::engine::metrics) fn add_link_track(&mut self, s: &Scenario) {
        if let Some(l) = s.links.last() {
            self.tracks.add_link_from(s, l);
        }
    }

    /// Takes one sample of every channel, stamped `at`.
    #[cold]
    pub(in crate::engine::metrics) fn sample(&mut self, at: Micros) {
        let mut tracks = std::mem::take(&mut self.tracks);
        let dt = at.saturating_sub(tracks.last_at) as f64 / SECOND as f64;
        tracks.last_at = at;
        let slot = tracks.slot(at);
        for (i, chans) in tracks.nodes.iter_mut().enumerate() {
            for c in chans.iter_mut() {
                let r = self.node_reading(i, c.key, at);
                put(c, slot, r, dt);
            }
            if let Some(n) = self.nodes.get_mut(i) {
                n.window_mark = (n.wait.count(), n.wait.sum(), n.held.count(), n.held.self_sum(), n.busy_area_at(at));
                n.window_at = at;
                n.window_capacity_mark = n.capacity_area_at(at);
            }
            if let Some(q) = self.queues.get_mut(i) {
                q.window_mark = (q.wait.count(), q.wait.sum());
            }
        }
        for (i, chans) in tracks.links.iter_mut().enumerate() {
            let from = tracks.from.get(i).copied().unwrap_or(usize::MAX);
            for c in chans.iter_mut() {
                let r = self.link_reading(i, from, c.key, at);
                put(c, slot, r, dt);
            }
            if let Some(l) = self.links.get_mut(i) {
                l.window.clear();
                l.half_open_seen = false;
            }
        }
        self.tracks = tracks;
    }

    fn node_reading(&self, i: usize, key: Key, at: Micros) -> Reading {
        use Reading::{Gauge, Total};
        // Every per-node vector is shaped from the scenario's nodes; a
        // missing entry reads as no data rather than a panic.
        let (Some(n), Some(q), Some(saga), Some(job), Some(topic), Some(log)) = (
            self.nodes.get(i),
            self.queues.get(i),
            self.sagas.get(i),
            self.jobs.get(i),
            self.topics.get(i),
            self.logs.get(i),
        ) else {
            return Gauge(f64::NAN);
        };
        let ms = |t: Micros| t as f64 / 1_000.0;
        match key {
            Key::Utilisation => {
                let area = n.busy_area_at(at).saturating_sub(n.window_mark.4);
                let total = n.capacity_area_at(at).saturating_sub(n.window_capacity_mark);
                Gauge(match (total, n.capacity) {
                    // No worker offered all second (every instance down): no
                    // reading, a gap in the chart rather than an idle-looking 0 %.
                    (0, 0) => f64::NAN,
                    // The first sample, at the start: an empty window.
                    (0, _) => 0.0,
                    _ => area as f64 / total as f64,
                })
            }
            Key::Waiting => Gauge(f64::from(n.waiting)),
            Key::WaitMs => Gauge(window_mean(n.wait.count(), n.wait.sum(), (n.window_mark.0, n.window_mark.1))),
            Key::ProcessingMs => {
                Gauge(window_mean(n.held.count(), n.held.self_sum(), (n.window_mark.2, n.window_mark.3)))
            }
            Key::DonePerS => Total(n.completed as f64),
            Key::FailedPerS => Total(n.failed_total() as f64),
            Key::Crashes => Gauge(n.crashes as f64),
            Key::Depth => Gauge(f64::from(q.depth)),
            Key::OldestAgeMs => Gauge(ms(q.oldest_age(at))),
            Key::DeadLetters => Gauge(q.dead_lettered as f64),
            Key::QueueWaitMs => Gauge(window_mean(q.wait.count(), q.wait.sum(), q.window_mark)),
            Key::EnqueuedPerS => Total(q.enqueued as f64),
            Key::DeliveredPerS => Total(q.delivered as f64),
            Key::PublishedPerS => Total(topic.published as f64),
            Key::RegistryRejections => Gauge(topic.rejected as f64),
            Key::AppendedPerS => Total(log.appended as f64),
            Key::SagasStarted => Gauge(saga.started as f64),
            Key::SagasCompleted => Gauge(saga.completed as f64),
            Key::SagasCompensated => Gauge(saga.compensated as f64),
            Key::SagasStuck => Gauge(saga.stuck as f64),
            Key::CompensationsFailed => Gauge(saga.compensations_failed as f64),
            Key::ManualQueue => Gauge(saga.manual_queue.len() as f64),
            Key::SinceSuccessMs => Gauge(job.last_success.map_or(0.0, |t| ms(at.saturating_sub(t)))),
            Key::FreshnessMs => Gauge(job.output_age(at).map_or(0.0, ms)),
            Key::RowsIn => Gauge(job.rows_in as f64),
            Key::RowsOut => Gauge(job.rows_out as f64),
            _ => Gauge(f64::NAN),
        }
    }

    fn link_reading(&self, i: usize, from: usize, key: Key, at: Micros) -> Reading {
        use Reading::{Gauge, Total};
        // Links added while running extend some per-link vectors and not
        // others (groups are made at the start): missing reads as no data.
        let (Some(l), Some(sub), Some(e)) = (self.links.get(i), self.subscriptions.get(i), self.edges.get(i)) else {
            return Gauge(f64::NAN);
        };
        let no_group = GroupMetrics::default();
        let g = self.groups.get(i).unwrap_or(&no_group);
        let ms = |t: Micros| t as f64 / 1_000.0;
        let end = |p: usize| self.logs.get(from).and_then(|log| log.end.get(p)).copied().unwrap_or(0);
        match key {
            Key::P50Ms => Gauge(l.window.quantile(0.5).map_or(f64::NAN, ms)),
            Key::P99Ms => Gauge(l.window.quantile(0.99).map_or(f64::NAN, ms)),
            Key::RetriesPerS => Total(l.retries as f64),
            // A half-open trial since the last sample shows, however short.
            Key::Breaker => Gauge(match l.breaker {
                _ if l.half_open_seen => 1.0,
                BreakerState::Closed => 0.0,
                BreakerState::HalfOpen => 1.0,
                BreakerState::Open => 2.0,
            }),
            Key::SentPerS => Total(l.sent as f64),
            Key::ErrorsPerS => Total((l.errors + l.timeouts) as f64),
            Key::SubPublished => Gauge(sub.published as f64),
            Key::SubDelivered => Gauge(sub.delivered as f64),
            Key::SubProcessed => Gauge(sub.processed as f64),
            Key::SubLag => Gauge(f64::from(sub.backlog)),
            Key::OldestAgeMs => Gauge(ms(sub.oldest_age(at))),
            Key::SubDeadLetters => Gauge(sub.dead_lettered as f64),
            Key::GroupLag => {
                Gauge(g.committed.iter().enumerate().map(|(p, c)| end(p).saturating_sub(*c)).sum::<u64>() as f64)
            }
            Key::PartitionLag(p) => {
                let p = usize::from(p);
                Gauge(g.committed.get(p).map_or(0, |c| end(p).saturating_sub(*c)) as f64)
            }
            Key::Committed => Gauge(g.committed.iter().sum::<u64>() as f64),
            Key::ProcessedOffset => Gauge(g.processed_offset.iter().sum::<u64>() as f64),
            Key::Duplicates => Gauge(g.duplicates_total() as f64),
            Key::Losses => Gauge(g.lost_total() as f64),
            Key::Connected => Gauge(f64::from(e.connected)),
            Key::ReceivedPerS => Total(e.received as f64),
            Key::HeartbeatFailures => Gauge(e.heartbeat_deaths as f64),
            Key::ReconnectsPerS => Total(e.reconnects as f64),
            _ => Gauge(f64::NAN),
        }
    }
}
