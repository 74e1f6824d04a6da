//! Metrics folded from the event stream, bounded in memory for any run
//! length: counters, fixed-size histograms, and a ring of per-second buckets.

use std::collections::VecDeque;

use super::breaker::BreakerState;
use super::event::{EventKind, Reason};
use super::histogram::Histogram;
use super::scenario::Scenario;
use super::time::{Micros, SECOND};

/// How many one-second buckets the time series keeps.
pub const SERIES_BUCKETS: usize = 600;

/// Per-node counters and distributions.
#[derive(Clone, Debug, Default)]
pub struct NodeMetrics {
    /// Requests or deliveries that reached the node.
    pub arrived: u64,
    /// Picked up by a worker.
    pub started: u64,
    /// Finished successfully.
    pub completed: u64,
    /// Failed, by [`Reason`] (index in [`Reason::ALL`]).
    pub failed: [u64; 9],
    /// Refused without work (overloaded or down).
    pub rejected: u64,
    /// Instance crashes.
    pub crashes: u64,
    /// Workers busy now.
    pub busy: u32,
    /// Worker pool size (replicas × concurrency).
    pub capacity: u32,
    busy_area: u128,
    last_change: Micros,
    /// Time from arrival to a worker picking it up.
    pub wait: Histogram,
    /// Time a worker was held (own processing plus downstream calls).
    pub busy_time: Histogram,
    /// Own processing only (the hop's share of a latency budget).
    pub self_time: Histogram,
    /// Arrival to successful completion.
    pub sojourn: Histogram,
    /// Messages processed a second time (side effects repeated).
    pub duplicates_processed: u64,
    /// Repeats skipped by an idempotent consumer.
    pub duplicates_suppressed: u64,
}

impl NodeMetrics {
    /// Share of worker time in use since the start, 0 to 1.
    pub fn utilisation(&self, now: Micros) -> f64 {
        let area = self.busy_area + u128::from(self.busy) * u128::from(now.saturating_sub(self.last_change));
        let total = u128::from(self.capacity) * u128::from(now);
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

    fn set_busy(&mut self, now: Micros, busy: u32) {
        self.busy_area += u128::from(self.busy) * u128::from(now.saturating_sub(self.last_change));
        self.last_change = now;
        self.busy = busy;
    }
}

/// Per-link counters, call latency and breaker history.
#[derive(Clone, Debug)]
pub struct LinkMetrics {
    /// Messages put on the link (call attempts or enqueues).
    pub sent: u64,
    /// Of which retries.
    pub retries: u64,
    /// Attempts that came back successful.
    pub ok: u64,
    /// Attempts that came back failed (not counting timeouts).
    pub errors: u64,
    /// Attempts the caller stopped waiting for.
    pub timeouts: u64,
    /// Replies that arrived after a timeout.
    pub late_replies: u64,
    /// Retries refused by the retry budget.
    pub retries_denied: u64,
    /// Calls rejected by the breaker.
    pub short_circuits: u64,
    /// Calls answered by a fallback.
    pub fallbacks: u64,
    /// Messages lost on a partitioned link.
    pub dropped: u64,
    /// Round trip of attempts that returned.
    pub rtt: Histogram,
    /// Breaker state now.
    pub breaker: BreakerState,
    breaker_since: Micros,
    /// Time spent closed, open and half-open before the current state.
    pub time_in_state: [Micros; 3],
    /// Breaker transitions.
    pub breaker_changes: u64,
}

impl Default for LinkMetrics {
    fn default() -> Self {
        LinkMetrics {
            sent: 0,
            retries: 0,
            ok: 0,
            errors: 0,
            timeouts: 0,
            late_replies: 0,
            retries_denied: 0,
            short_circuits: 0,
            fallbacks: 0,
            dropped: 0,
            rtt: Histogram::default(),
            breaker: BreakerState::Closed,
            breaker_since: 0,
            time_in_state: [0; 3],
            breaker_changes: 0,
        }
    }
}

fn state_ix(s: BreakerState) -> usize {
    match s {
        BreakerState::Closed => 0,
        BreakerState::Open => 1,
        BreakerState::HalfOpen => 2,
    }
}

impl LinkMetrics {
    /// Time spent in each breaker state up to `now` (closed, open, half-open).
    pub fn breaker_times(&self, now: Micros) -> [Micros; 3] {
        let mut t = self.time_in_state;
        t[state_ix(self.breaker)] += now.saturating_sub(self.breaker_since);
        t
    }
}

/// Per-queue counters and gauges.
#[derive(Clone, Debug, Default)]
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
    pub oldest: Option<Micros>,
    /// Time messages waited in the queue before a delivery (apart from processing).
    pub wait: Histogram,
}

impl QueueMetrics {
    /// Age of the oldest visible message at `now`.
    pub fn oldest_age(&self, now: Micros) -> Micros {
        self.oldest.map_or(0, |t| now.saturating_sub(t))
    }

    fn gauge(&mut self, depth: u32, oldest: Option<Micros>) {
        self.depth = depth;
        self.max_depth = self.max_depth.max(depth);
        self.oldest = oldest;
    }
}

/// Outcome counts of one second of simulated time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Start of the second.
    pub start: Micros,
    /// Orders that finished well.
    pub orders_ok: u32,
    /// Orders that failed.
    pub orders_failed: u32,
    /// Call attempts that timed out.
    pub timeouts: u32,
    /// Retries sent.
    pub retries: u32,
    /// Calls rejected by breakers.
    pub short_circuits: u32,
    /// Messages dead-lettered.
    pub dead_lettered: u32,
    /// Deepest queue depth seen in the second, over all queues.
    pub max_queue_depth: u32,
}

/// End-to-end results of user-facing orders.
#[derive(Clone, Debug, Default)]
pub struct OrderMetrics {
    /// Orders placed.
    pub placed: u64,
    /// Orders answered successfully.
    pub ok: u64,
    /// Orders answered with a failure.
    pub failed: u64,
    /// Successful orders slower than their budget.
    pub over_budget: u64,
    /// End-to-end latency of successful orders.
    pub e2e: Histogram,
    /// Budget of the last order seen (for reports).
    pub budget: Micros,
}

/// All metrics of a run.
#[derive(Clone, Debug)]
pub struct Metrics {
    /// Per node, in scenario order.
    pub nodes: Vec<NodeMetrics>,
    /// Per link, in scenario order.
    pub links: Vec<LinkMetrics>,
    /// Per node (only queue nodes are non-empty).
    pub queues: Vec<QueueMetrics>,
    /// Orders from sources.
    pub orders: OrderMetrics,
    /// The last [`SERIES_BUCKETS`] seconds.
    pub series: VecDeque<Bucket>,
    /// Events observed.
    pub events: u64,
}

impl Metrics {
    /// Empty metrics shaped for `s`.
    pub fn new(s: &Scenario) -> Self {
        let nodes = s
            .nodes
            .iter()
            .map(|n| NodeMetrics {
                capacity: n.kind.service().map_or(0, |spec| spec.replicas * spec.concurrency),
                ..NodeMetrics::default()
            })
            .collect();
        Metrics {
            nodes,
            links: s.links.iter().map(|_| LinkMetrics::default()).collect(),
            queues: s.nodes.iter().map(|_| QueueMetrics::default()).collect(),
            orders: OrderMetrics::default(),
            series: VecDeque::new(),
            events: 0,
        }
    }

    /// Updates a service's pool size after an edit.
    pub fn set_capacity(&mut self, node: usize, now: Micros, capacity: u32) {
        if let Some(m) = self.nodes.get_mut(node) {
            let busy = m.busy;
            m.set_busy(now, busy);
            m.capacity = capacity;
        }
    }

    fn bucket(&mut self, t: Micros) -> &mut Bucket {
        let start = t - t % SECOND;
        if self.series.back().is_none_or(|b| b.start < start) {
            if self.series.len() == SERIES_BUCKETS {
                self.series.pop_front();
            }
            self.series.push_back(Bucket { start, ..Bucket::default() });
        }
        // The series is never empty here.
        let last = self.series.len() - 1;
        &mut self.series[last]
    }

    /// Folds one event in.
    pub fn observe(&mut self, t: Micros, kind: &EventKind) {
        self.events += 1;
        match *kind {
            EventKind::OrderPlaced { .. } => self.orders.placed += 1,
            EventKind::Sent { link, attempt, .. } => {
                let l = &mut self.links[link as usize];
                l.sent += 1;
                if attempt > 0 {
                    l.retries += 1;
                    self.bucket(t).retries += 1;
                }
            }
            EventKind::Arrived { node, .. } => self.nodes[node as usize].arrived += 1,
            EventKind::Rejected { node, .. } => self.nodes[node as usize].rejected += 1,
            EventKind::Started { node, waited, .. } => {
                let n = &mut self.nodes[node as usize];
                n.started += 1;
                n.wait.record(waited);
                let busy = n.busy + 1;
                n.set_busy(t, busy);
            }
            EventKind::Completed { node, busy, self_time, .. } => {
                let n = &mut self.nodes[node as usize];
                n.completed += 1;
                n.busy_time.record(busy);
                n.self_time.record(self_time);
                let b = n.busy.saturating_sub(1);
                n.set_busy(t, b);
            }
            EventKind::Failed { node, reason, running, .. } => {
                let n = &mut self.nodes[node as usize];
                n.failed[reason_ix(reason)] += 1;
                if running {
                    let b = n.busy.saturating_sub(1);
                    n.set_busy(t, b);
                }
            }
            EventKind::CallReturned { link, ok, rtt, .. } => {
                let l = &mut self.links[link as usize];
                if ok {
                    l.ok += 1;
                } else {
                    l.errors += 1;
                }
                l.rtt.record(rtt);
            }
            EventKind::TimedOut { link, .. } => {
                self.links[link as usize].timeouts += 1;
                self.bucket(t).timeouts += 1;
            }
            EventKind::LateReply { link, .. } => self.links[link as usize].late_replies += 1,
            EventKind::RetryDenied { link, .. } => self.links[link as usize].retries_denied += 1,
            EventKind::ShortCircuited { link, .. } => {
                self.links[link as usize].short_circuits += 1;
                self.bucket(t).short_circuits += 1;
            }
            EventKind::BreakerChanged { link, to, .. } => {
                let l = &mut self.links[link as usize];
                l.time_in_state[state_ix(l.breaker)] += t.saturating_sub(l.breaker_since);
                l.breaker = to;
                l.breaker_since = t;
                l.breaker_changes += 1;
            }
            EventKind::FallbackUsed { link, .. } => self.links[link as usize].fallbacks += 1,
            EventKind::Enqueued { queue, depth, oldest, .. } => {
                let q = &mut self.queues[queue as usize];
                q.enqueued += 1;
                q.gauge(depth, oldest);
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
                q.gauge(depth, oldest);
            }
            EventKind::Acked { queue, depth, oldest, .. } => {
                let q = &mut self.queues[queue as usize];
                q.acked += 1;
                q.gauge(depth, oldest);
            }
            EventKind::VisibilityExpired { queue, depth, oldest, .. } => {
                let q = &mut self.queues[queue as usize];
                q.visibility_expired += 1;
                q.gauge(depth, oldest);
                self.note_depth(t, depth);
            }
            EventKind::DeadLettered { queue, depth, oldest, .. } => {
                let q = &mut self.queues[queue as usize];
                q.dead_lettered += 1;
                q.gauge(depth, oldest);
                self.bucket(t).dead_lettered += 1;
            }
            EventKind::DuplicateSuppressed { node, .. } => self.nodes[node as usize].duplicates_suppressed += 1,
            EventKind::DuplicateProcessed { node, .. } => self.nodes[node as usize].duplicates_processed += 1,
            EventKind::ReplicaCrashed { node, .. } => self.nodes[node as usize].crashes += 1,
            EventKind::OrderFinished { ok, e2e, budget, .. } => {
                let o = &mut self.orders;
                o.budget = budget;
                if ok {
                    o.ok += 1;
                    o.e2e.record(e2e);
                    if e2e > budget {
                        o.over_budget += 1;
                    }
                    self.bucket(t).orders_ok += 1;
                } else {
                    o.failed += 1;
                    self.bucket(t).orders_failed += 1;
                }
            }
            EventKind::Lost { link, .. } => self.links[link as usize].dropped += 1,
            EventKind::Replied { .. }
            | EventKind::RetryScheduled { .. }
            | EventKind::ReplicaRestarted { .. }
            | EventKind::FaultApplied { .. }
            | EventKind::FaultCleared { .. }
            | EventKind::Settled { .. } => {}
        }
    }

    fn note_depth(&mut self, t: Micros, depth: u32) {
        let b = self.bucket(t);
        b.max_queue_depth = b.max_queue_depth.max(depth);
    }
}

/// Position of a reason in [`Reason::ALL`].
pub fn reason_ix(r: Reason) -> usize {
    Reason::ALL.iter().position(|x| *x == r).unwrap_or(0)
}
