//! Metrics folded from the event stream, bounded in memory for any run
//! length: counters, fixed-size histograms, and a ring of per-second buckets.
//!
//! This file folds what every type shares (orders, nodes and their worker
//! pools, the wire; a node's own counters are `metrics/node.rs`); each
//! type folds its own events in its own file:
//! `metrics/request_response.rs` (calls, retries, breakers) and
//! `metrics/queue.rs` (depth, age, redelivery, dead letters) and
//! `metrics/pubsub.rs` (per topic and per subscription), `metrics/stream.rs`
//! (offsets, lag, duplicates and losses, outbox), `metrics/saga.rs` (sagas
//! by outcome, the manual-intervention queue), `metrics/edge.rs` (crowds,
//! connections, reconnect storms), `metrics/job.rs` (runs, rows,
//! freshness, drift, alerts). Metrics serialise (serde), and the run
//! report is built from them.

mod edge;
mod held_time;
mod job;
mod node;
mod pubsub;
mod queue;
mod request_response;
mod saga;
mod series;
mod stream;
mod tracks;

pub use edge::EdgeMetrics;
pub use held_time::HeldTime;
pub use job::{JobMetrics, RunOutcome, RunRecord};
pub use node::{reason_ix, NodeMetrics};
pub use pubsub::{SubscriptionMetrics, TopicMetrics};
pub use queue::QueueMetrics;
pub use request_response::LinkMetrics;
pub use saga::SagaMetrics;
pub use series::Series;
pub use stream::{GroupMetrics, LogMetrics, PublishMetrics};
pub use tracks::{Key, Owner, Tracks, Window, MAX_TRACK_SECONDS, TRACK_SECONDS};

use serde::Serialize;

use super::event::{EventKind, Reason};
use super::histogram::Histogram;
use super::scenario::Scenario;
use super::time::{Micros, SECOND};

/// How many one-second buckets the time series keeps.
pub const SERIES_BUCKETS: usize = 600;

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
#[derive(Clone, Debug, Default, Serialize)]
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
    #[serde(skip)]
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
    /// Per node (only topic nodes are non-empty).
    pub topics: Vec<TopicMetrics>,
    /// Per link (only subscribe links are non-empty).
    pub subscriptions: Vec<SubscriptionMetrics>,
    /// Per node (only log nodes are non-empty).
    pub logs: Vec<LogMetrics>,
    /// Per link (only read links, the consumer groups, are non-empty).
    pub groups: Vec<GroupMetrics>,
    /// Per link (only append links count anything).
    pub publishes: Vec<PublishMetrics>,
    /// Per link (only push links, the crowds, count anything).
    pub edges: Vec<EdgeMetrics>,
    /// Per node (only orchestrators count anything).
    pub sagas: Vec<SagaMetrics>,
    /// Per node (only job nodes count anything).
    pub jobs: Vec<JobMetrics>,
    /// Orders from sources.
    pub orders: OrderMetrics,
    /// The last [`SERIES_BUCKETS`] seconds.
    pub series: Series,
    /// Each node's and link's channels, sampled once a second (the charts).
    pub tracks: Tracks,
    /// When the next track sample is due (the start of the next second).
    sample_due: Micros,
    /// Events observed.
    pub events: u64,
    /// Where the newest bucket's second ends: most events need no division to find their bucket.
    bucket_end: Micros,
    /// Whether the per-second series is kept (off with the charts: see [`Metrics::set_tracks`]).
    series_on: bool,
    /// Where the per-second counts go while the series is off; never read.
    unkept: Bucket,
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
        let (logs, groups, publishes) = stream::shape(s);
        Metrics {
            edges: edge::shape(s),
            logs,
            groups,
            publishes,
            nodes,
            links: s.links.iter().map(|_| LinkMetrics::default()).collect(),
            queues: s.nodes.iter().map(|_| QueueMetrics::default()).collect(),
            topics: s
                .nodes
                .iter()
                .map(|n| TopicMetrics {
                    version: n.kind.topic().map_or(0, |t| t.schema.version),
                    accepted: true,
                    ..TopicMetrics::default()
                })
                .collect(),
            subscriptions: s.links.iter().map(|_| SubscriptionMetrics::default()).collect(),
            sagas: s.nodes.iter().map(|_| SagaMetrics::default()).collect(),
            jobs: s.nodes.iter().map(|_| JobMetrics::default()).collect(),
            orders: OrderMetrics::default(),
            series: Series::default(),
            tracks: Tracks::new(s),
            sample_due: 0,
            events: 0,
            bucket_end: 0,
            series_on: true,
            unkept: Bucket::default(),
        }
    }

    /// Turns the charts' data on (the default) or off: the per-second
    /// samples of every channel ([`Metrics::tracks`]) and the per-second
    /// outcome counts ([`Metrics::series`]). A headless run that never
    /// draws a chart turns them off: sampling every channel once a
    /// simulated second was about a sixth of a CLI run on a one-server
    /// model, and opening a second's bucket on most orders of a slow model
    /// a mispredicted branch each. Nothing else in the metrics, the report
    /// or the trace depends on them. Turned on again, both resume from the
    /// next event; the seconds in between have no sample and no bucket.
    pub fn set_tracks(&mut self, on: bool) {
        self.series_on = on;
        if on {
            if self.sample_due == Micros::MAX {
                self.sample_due = 0;
            }
        } else {
            self.sample_due = Micros::MAX;
        }
    }

    /// Makes room for a link added while running (the last of `s`'s links).
    pub fn add_link(&mut self, s: &Scenario) {
        self.add_link_track(s);
        self.links.push(LinkMetrics::default());
        self.subscriptions.push(SubscriptionMetrics::default());
        self.edges.push(EdgeMetrics::default());
        // Stream links are never added live (they run the scenario again),
        // but every per-link table keeps one entry per link all the same.
        self.groups.push(GroupMetrics::default());
        self.publishes.push(PublishMetrics::default());
    }

    /// Updates the workers a service offers (after an edit, a crash or a restart).
    pub fn set_capacity(&mut self, node: usize, now: Micros, capacity: u32) {
        if let Some(m) = self.nodes.get_mut(node) {
            m.set_capacity(now, capacity);
        }
    }

    /// The bucket of the second holding `t` (times never go back).
    // Inlined natively: every finished order counts into one.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn bucket(&mut self, t: Micros) -> &mut Bucket {
        if !self.series_on {
            return &mut self.unkept;
        }
        // Most events fall in the newest second: one compare, no division.
        if t >= self.bucket_end || self.series.is_empty() {
            self.open_bucket(t);
        }
        self.series.newest_mut()
    }

    #[cold]
    fn open_bucket(&mut self, t: Micros) {
        let start = t - t % SECOND;
        if self.series.newest().is_none_or(|b| b.start < start) {
            self.series.push(Bucket { start, ..Bucket::default() });
        }
        self.bucket_end = self.series.newest().map_or(0, |b| b.start.saturating_add(SECOND));
    }

    /// Folds one event in.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn observe(&mut self, t: Micros, kind: &EventKind) {
        self.events += 1;
        // One comparison per event; the sample itself runs once a simulated second.
        if t >= self.sample_due {
            self.sample_due = (t - t % SECOND).saturating_add(SECOND);
            self.sample(t - t % SECOND);
        }
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
            EventKind::Arrived { node, .. } => {
                let n = &mut self.nodes[node as usize];
                n.arrived += 1;
                let w = n.waiting + 1;
                n.set_waiting(t, w);
            }
            EventKind::Rejected { node, reason, .. } => {
                let n = &mut self.nodes[node as usize];
                n.rejected += 1;
                // An overloaded refusal follows the arrival; a refusal for no live instance comes instead of one.
                if reason == Reason::Overloaded {
                    let w = n.waiting.saturating_sub(1);
                    n.set_waiting(t, w);
                }
            }
            EventKind::Started { node, waited, .. } => {
                let n = &mut self.nodes[node as usize];
                n.started += 1;
                let w = n.waiting.saturating_sub(1);
                n.set_waiting(t, w);
                n.wait.record(waited);
                let busy = n.busy + 1;
                n.set_busy(t, busy);
            }
            EventKind::Completed { node, busy, self_time, .. } => {
                let n = &mut self.nodes[node as usize];
                n.completed += 1;
                n.held.record(busy, self_time);
                let b = n.busy.saturating_sub(1);
                n.set_busy(t, b);
            }
            EventKind::Failed { node, reason, running, .. } => {
                let n = &mut self.nodes[node as usize];
                n.failed[reason_ix(reason)] += 1;
                if running {
                    let b = n.busy.saturating_sub(1);
                    n.set_busy(t, b);
                } else {
                    let w = n.waiting.saturating_sub(1);
                    n.set_waiting(t, w);
                }
            }
            EventKind::CallReturned { .. }
            | EventKind::TimedOut { .. }
            | EventKind::LateReply { .. }
            | EventKind::RetryDenied { .. }
            | EventKind::ShortCircuited { .. }
            | EventKind::BreakerChanged { .. }
            | EventKind::FallbackUsed { .. } => self.observe_call(t, kind),
            EventKind::Enqueued { sub: Some(_), .. }
            | EventKind::Delivered { sub: Some(_), .. }
            | EventKind::Acked { sub: Some(_), .. }
            | EventKind::VisibilityExpired { sub: Some(_), .. }
            | EventKind::DeadLettered { sub: Some(_), .. }
            | EventKind::Published { .. }
            | EventKind::Copied { .. }
            | EventKind::PublishRejected { .. }
            | EventKind::Unreadable { .. }
            | EventKind::Nacked { .. }
            | EventKind::BackoffEnded { .. }
            | EventKind::SchemaChanged { .. }
            | EventKind::SubscriptionRemoved { .. } => self.observe_pubsub(t, kind),
            EventKind::Enqueued { .. }
            | EventKind::Delivered { .. }
            | EventKind::Acked { .. }
            | EventKind::VisibilityExpired { .. }
            | EventKind::DeadLettered { .. } => self.observe_queue(t, kind),
            EventKind::DuplicateSuppressed { node, .. } => self.nodes[node as usize].duplicates_suppressed += 1,
            EventKind::DuplicateProcessed { node, .. } => self.nodes[node as usize].duplicates_processed += 1,
            // A gateway stopped for its restart did not crash.
            EventKind::ReplicaCrashed { reason: Reason::Restarting, .. } => {}
            EventKind::ReplicaCrashed { node, .. } => self.nodes[node as usize].crashes += 1,
            EventKind::ReplicaRestarted { node, .. } => self.nodes[node as usize].restarts += 1,
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
            EventKind::Appended { .. }
            | EventKind::PublishFailed { .. }
            | EventKind::OutboxWritten { .. }
            | EventKind::OutboxRelayed { .. }
            | EventKind::OutboxOverflow { .. }
            | EventKind::RecordsExpired { .. }
            | EventKind::Polled { .. }
            | EventKind::RecordProcessed { .. }
            | EventKind::RecordDuplicate { .. }
            | EventKind::RecordsLost { .. }
            | EventKind::OffsetCommitted { .. }
            | EventKind::RebalanceStarted { .. }
            | EventKind::RebalanceDone { .. }
            | EventKind::MemberRejoined { .. }
            | EventKind::PositionMoved { .. } => self.observe_stream(t, kind),
            EventKind::GatewayRestarted { .. }
            | EventKind::ConnectionsDropped { .. }
            | EventKind::Reconnects { .. }
            | EventKind::HeartbeatsMissed { .. }
            | EventKind::UpdateReceived { .. }
            | EventKind::UpdateMissed { .. }
            | EventKind::UpdateReplayed { .. }
            | EventKind::UpdateExpired { .. } => self.observe_edge(t, kind),
            EventKind::SagaStarted { .. }
            | EventKind::StepDone { .. }
            | EventKind::SagaEnded { .. }
            | EventKind::SagaStuck { .. }
            | EventKind::SagaWaiting { .. }
            | EventKind::StepRepeated { .. }
            | EventKind::SagaAlert { .. } => self.observe_saga(t, kind),
            EventKind::StepSent { link, attempt, .. } | EventKind::CompensationSent { link, attempt, .. } => {
                let l = &mut self.links[link as usize];
                l.sent += 1;
                l.retries += u64::from(attempt > 0);
            }
            EventKind::JobRunStarted { .. }
            | EventKind::JobRunEnded { .. }
            | EventKind::JobRunSkipped { .. }
            | EventKind::JobRunReplaced { .. }
            | EventKind::JobRunBackoff { .. }
            | EventKind::JobRunRetried { .. }
            | EventKind::JobRunGaveUp { .. }
            | EventKind::JobRunQueued { .. }
            | EventKind::JobAlert { .. } => self.observe_job(t, kind),
            EventKind::Replied { .. }
            | EventKind::RetryScheduled { .. }
            | EventKind::FaultApplied { .. }
            | EventKind::FaultCleared { .. }
            | EventKind::SubscriptionAdded { .. }
            | EventKind::Settled { .. } => {}
        }
    }

    fn note_depth(&mut self, t: Micros, depth: u32) {
        let b = self.bucket(t);
        b.max_queue_depth = b.max_queue_depth.max(depth);
    }
}
