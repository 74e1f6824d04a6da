//! Tracks: each node's and link's gauges and rates sampled once a simulated
//! second into a ring of [`TRACK_SECONDS`] samples, for the page's charts.
//!
//! Sampling costs nothing per event beyond one comparison in
//! `Metrics::observe`: when the first event of a new second arrives, every
//! channel reads what the metrics already hold (a gauge, or a running total
//! turned into a rate over the time since the last sample). The only
//! per-event addition is [`Window`], a coarse histogram of the round trips
//! of calls returned since the last sample, for per-second p50 and p99.
//! Which channels an entity has follows its kind, so a chart asks for a
//! [`Key`] and gets its points, oldest first.

use serde::Serialize;

use crate::engine::scenario::{NodeKind, Scenario, Transport};
use crate::engine::time::Micros;

mod sample;
mod window;
pub use window::Window;

/// How many one-second samples each channel keeps by default (five minutes).
pub const TRACK_SECONDS: usize = 300;

/// The most samples a channel may be asked to keep (an hour), so a caller
/// cannot make every channel of a large scenario grow without bound.
pub const MAX_TRACK_SECONDS: usize = 3_600;

/// What a channel measures. The page names and units them (`view_model::chart_series`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Key {
    /// Service: share of workers busy over the last second, 0 to 1.
    Utilisation,
    /// Service: requests waiting for a worker now.
    Waiting,
    /// Service: mean wait for a worker over the last second, ms.
    WaitMs,
    /// Service: mean own processing over the last second, ms.
    ProcessingMs,
    /// Service: work finished well per second.
    DonePerS,
    /// Service: work failed per second.
    FailedPerS,
    /// Service: instance crashes (and so restarts) since the start.
    Crashes,
    /// Queue: visible messages now.
    Depth,
    /// Queue or subscription: age of the oldest visible message, ms.
    OldestAgeMs,
    /// Queue: messages in the dead-letter queue.
    DeadLetters,
    /// Queue: mean time messages waited before a delivery over the last second, ms.
    QueueWaitMs,
    /// Queue: messages in per second.
    EnqueuedPerS,
    /// Queue: deliveries per second.
    DeliveredPerS,
    /// Topic: events published per second.
    PublishedPerS,
    /// Topic: publishes the schema registry refused, since the start.
    RegistryRejections,
    /// Log: records appended per second.
    AppendedPerS,
    /// Orchestrator: sagas started since the start.
    SagasStarted,
    /// Orchestrator: sagas completed since the start.
    SagasCompleted,
    /// Orchestrator: sagas undone by their compensations since the start.
    SagasCompensated,
    /// Orchestrator: sagas past their deadline since the start.
    SagasStuck,
    /// Orchestrator: compensations that failed since the start.
    CompensationsFailed,
    /// Orchestrator: sagas waiting for a person now.
    ManualQueue,
    /// Job: time since the last run that exited 0, ms (0 before any).
    SinceSuccessMs,
    /// Job: age of the newest output row, ms (0 before any).
    FreshnessMs,
    /// Job: rows read since the start.
    RowsIn,
    /// Job: rows written since the start.
    RowsOut,
    /// Call: median round trip of attempts returned in the last second, ms.
    P50Ms,
    /// Call: 99th percentile round trip of attempts returned in the last second, ms.
    P99Ms,
    /// Call: retries sent per second.
    RetriesPerS,
    /// Call: the breaker's state (0 closed, 1 half-open, 2 open).
    Breaker,
    /// Any link: messages put on it per second.
    SentPerS,
    /// Call: attempts failed or timed out per second.
    ErrorsPerS,
    /// Subscription: events published to it since the start.
    SubPublished,
    /// Subscription: deliveries since the start.
    SubDelivered,
    /// Subscription: events processed since the start.
    SubProcessed,
    /// Subscription: events waiting in it now.
    SubLag,
    /// Subscription: events in its dead-letter queue.
    SubDeadLetters,
    /// Group: records from the committed offsets to the log's end, all partitions.
    GroupLag,
    /// Group: committed offsets, summed over partitions.
    Committed,
    /// Group: processed offsets, summed over partitions.
    ProcessedOffset,
    /// Group: records processed a second time since the start.
    Duplicates,
    /// Group: records the group will never process, since the start.
    Losses,
    /// Group: one partition's lag (the partition's number).
    PartitionLag(u8),
    /// Push link: clients connected now.
    Connected,
    /// Push link: updates received by clients per second.
    ReceivedPerS,
    /// Push link: connections ended by missed heartbeats since the start.
    HeartbeatFailures,
    /// Push link: reconnections per second.
    ReconnectsPerS,
}

/// Partitions whose lag gets a channel of its own (more share the total).
const PARTITION_CHANNELS: u32 = 8;

/// One measure of one node or link over time.
#[derive(Clone, Debug, Serialize)]
pub struct Channel {
    /// What it measures.
    pub key: Key,
    /// Samples in ring order (see [`Tracks::times`]); `NaN` before the channel existed.
    values: Vec<f32>,
    /// The running total at the last sample, for rates.
    #[serde(skip)]
    last: f64,
}

impl Channel {
    fn new(key: Key, len: usize) -> Channel {
        Channel { key, values: vec![f32::NAN; len], last: 0.0 }
    }
}

/// Whose channel: a node or a link, by index in scenario order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A node.
    Node(usize),
    /// A link.
    Link(usize),
}

/// Every entity's channels, sampled together.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Tracks {
    /// When each sample was taken (start of the second it opened), ring order.
    times: Vec<Micros>,
    /// Where the newest sample is, once the ring is full.
    #[serde(skip)]
    newest: usize,
    /// Per node, its channels.
    pub nodes: Vec<Vec<Channel>>,
    /// Per link, its channels.
    pub links: Vec<Vec<Channel>>,
    /// Per link: the node it reads from (a log for groups), for lag.
    #[serde(skip)]
    from: Vec<usize>,
    /// Time of the last sample.
    #[serde(skip)]
    last_at: Micros,
    /// Samples kept per channel (the ring's length); 0 reads as [`TRACK_SECONDS`].
    #[serde(skip)]
    capacity: usize,
}

/// The channels of a node of kind `kind`.
fn node_keys(kind: &NodeKind) -> Vec<Key> {
    match kind {
        NodeKind::Client(_) => vec![],
        NodeKind::Service(spec) => {
            let mut k = vec![
                Key::Utilisation,
                Key::Waiting,
                Key::WaitMs,
                Key::ProcessingMs,
                Key::DonePerS,
                Key::FailedPerS,
                Key::Crashes,
            ];
            if spec.saga.is_some() {
                k.extend([
                    Key::SagasStarted,
                    Key::SagasCompleted,
                    Key::SagasCompensated,
                    Key::SagasStuck,
                    Key::CompensationsFailed,
                    Key::ManualQueue,
                ]);
            }
            k
        }
        NodeKind::Queue(_) => vec![
            Key::Depth,
            Key::OldestAgeMs,
            Key::DeadLetters,
            Key::QueueWaitMs,
            Key::EnqueuedPerS,
            Key::DeliveredPerS,
        ],
        NodeKind::Topic(_) => vec![Key::PublishedPerS, Key::RegistryRejections],
        NodeKind::Log(_) => vec![Key::AppendedPerS],
        NodeKind::Gateway(_) => vec![],
        NodeKind::Job(_) => vec![Key::SinceSuccessMs, Key::FreshnessMs, Key::RowsIn, Key::RowsOut],
    }
}

/// The channels of a link with `transport`; `partitions` of the log a group reads.
fn link_keys(transport: &Transport, partitions: u32) -> Vec<Key> {
    match transport {
        Transport::RequestResponse(_) => {
            vec![Key::P50Ms, Key::P99Ms, Key::RetriesPerS, Key::Breaker, Key::SentPerS, Key::ErrorsPerS]
        }
        Transport::Subscribe(_) => vec![
            Key::SubPublished,
            Key::SubDelivered,
            Key::SubProcessed,
            Key::SubLag,
            Key::OldestAgeMs,
            Key::SubDeadLetters,
        ],
        Transport::Read(_) => {
            let mut k = vec![Key::GroupLag, Key::Committed, Key::ProcessedOffset, Key::Duplicates, Key::Losses];
            k.extend((0..partitions.min(PARTITION_CHANNELS)).map(|p| Key::PartitionLag(p as u8)));
            k
        }
        Transport::Push(_) => vec![Key::Connected, Key::ReceivedPerS, Key::HeartbeatFailures, Key::ReconnectsPerS],
        Transport::Enqueue
        | Transport::Consume(_)
        | Transport::Publish
        | Transport::Append(_)
        | Transport::SagaStep(_)
        | Transport::ScheduledRead => vec![Key::SentPerS],
    }
}

/// A value read from the metrics: shown as it is, or a running total shown as a rate.
enum Reading {
    Gauge(f64),
    Total(f64),
}

impl Tracks {
    /// Channels shaped for `s`.
    pub fn new(s: &Scenario) -> Tracks {
        let mut t = Tracks {
            nodes: s
                .nodes
                .iter()
                .map(|n| node_keys(&n.kind).into_iter().map(|k| Channel::new(k, 0)).collect())
                .collect(),
            ..Tracks::default()
        };
        for l in &s.links {
            t.add_link_from(s, l);
        }
        t
    }

    fn add_link_from(&mut self, s: &Scenario, l: &crate::engine::scenario::Link) {
        let from = s.nodes.iter().position(|n| n.id == l.from).unwrap_or(usize::MAX);
        let partitions = s.nodes.get(from).and_then(|n| n.kind.log()).map_or(0, |g| g.partitions);
        let len = self.times.len();
        self.links.push(link_keys(&l.transport, partitions).into_iter().map(|k| Channel::new(k, len)).collect());
        self.from.push(from);
    }

    /// Keeps the last `seconds` samples per channel instead of
    /// [`TRACK_SECONDS`] (at least one, at most [`MAX_TRACK_SECONDS`]), so a
    /// headless run can chart all of a longer window (Compare's ten minutes).
    /// Only before the first sample: returns false, changing nothing, after it.
    pub fn keep_seconds(&mut self, seconds: usize) -> bool {
        if !self.times.is_empty() {
            return false;
        }
        self.capacity = seconds.clamp(1, MAX_TRACK_SECONDS);
        true
    }

    /// The ring's length.
    fn capacity(&self) -> usize {
        if self.capacity == 0 {
            TRACK_SECONDS
        } else {
            self.capacity
        }
    }

    /// Samples kept.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// Whether no sample was taken yet.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// When the newest sample was taken.
    pub fn newest_time(&self) -> Option<Micros> {
        self.times.get(self.newest).copied()
    }

    /// Ring positions, oldest first.
    fn order(&self) -> impl Iterator<Item = usize> {
        let len = self.times.len();
        let split = if len < self.capacity() { 0 } else { self.newest + 1 };
        (split..len).chain(0..split)
    }

    /// The keys `owner` has, in its chart order.
    pub fn keys(&self, owner: Owner) -> Vec<Key> {
        self.channels(owner).map(|c| c.iter().map(|c| c.key).collect()).unwrap_or_default()
    }

    fn channels(&self, owner: Owner) -> Option<&Vec<Channel>> {
        match owner {
            Owner::Node(i) => self.nodes.get(i),
            Owner::Link(i) => self.links.get(i),
        }
    }

    /// `owner`'s `key` as (time, value) points, oldest first, skipping
    /// samples from before the channel existed. Empty when it has no such channel.
    pub fn points(&self, owner: Owner, key: Key) -> Vec<(Micros, f32)> {
        let mut points = self.samples(owner, key);
        points.retain(|(_, v)| !v.is_nan());
        points
    }

    /// `owner`'s `key` at every sample kept, oldest first, `NaN` where
    /// nothing was measured: a chart of values that only exist when
    /// something happened (a call's round trip) keeps the run's time axis
    /// and breaks its line over the silence instead of bridging it.
    pub fn samples(&self, owner: Owner, key: Key) -> Vec<(Micros, f32)> {
        let Some(c) = self.channels(owner).and_then(|cs| cs.iter().find(|c| c.key == key)) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(self.times.len());
        for i in self.order() {
            if let (Some(&t), Some(&v)) = (self.times.get(i), c.values.get(i)) {
                out.push((t, v));
            }
        }
        out
    }

    /// The newest value of `owner`'s `key`.
    pub fn last(&self, owner: Owner, key: Key) -> Option<f32> {
        let c = self.channels(owner)?.iter().find(|c| c.key == key)?;
        c.values.get(self.newest).copied().filter(|v| !v.is_nan())
    }

    /// Where the next sample goes, making room for it in every channel.
    fn slot(&mut self, at: Micros) -> usize {
        if self.times.len() < self.capacity() {
            self.times.push(at);
            for c in self.nodes.iter_mut().chain(self.links.iter_mut()).flatten() {
                c.values.push(f32::NAN);
            }
            self.newest = self.times.len() - 1;
        } else {
            self.newest = if self.newest + 1 >= self.capacity() { 0 } else { self.newest + 1 };
            self.times[self.newest] = at;
        }
        self.newest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{presets, Simulation, SECOND};

    #[test]
    fn samples_once_a_second_into_a_bounded_ring() {
        let mut sim = Simulation::new(presets::load("mmc").expect("preset")).expect("valid");
        sim.run_until(20 * SECOND).expect("runs");
        let t = &sim.metrics().tracks;
        assert!((19..=21).contains(&t.len()), "{} samples", t.len());
        let util = t.points(Owner::Node(0), Key::Utilisation);
        assert_eq!(util.len(), t.len());
        assert!(util.windows(2).all(|w| w[1].0 == w[0].0 + SECOND), "one a second");
        let late: Vec<f32> = util.iter().skip(5).map(|p| p.1).collect();
        let mean = late.iter().sum::<f32>() / late.len() as f32;
        assert!((0.75..1.0).contains(&mean), "ρ = 0.9, measured {mean}");
        let done = t.points(Owner::Node(0), Key::DonePerS);
        let rate = done.iter().skip(5).map(|p| p.1).sum::<f32>() / (done.len() - 5) as f32;
        assert!((70.0..110.0).contains(&rate), "about 90 a second, got {rate}");
        assert!(t.points(Owner::Node(0), Key::ProcessingMs).iter().skip(2).all(|p| p.1 > 40.0 && p.1 < 200.0));
        assert!(t.points(Owner::Link(0), Key::P50Ms).is_empty(), "no such link");

        sim.run_until(700 * SECOND).expect("runs");
        let t = &sim.metrics().tracks;
        assert_eq!(t.len(), TRACK_SECONDS, "bounded");
        let times: Vec<Micros> = t.points(Owner::Node(0), Key::Waiting).iter().map(|p| p.0).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]), "oldest first");
        assert_eq!(times.last().copied(), t.newest_time());
        let json = serde_json::to_string(t).expect("serialises");
        assert!(json.contains("\"utilisation\""));
    }

    #[test]
    fn a_longer_ring_can_be_asked_for_before_the_first_sample_only() {
        let mut sim = Simulation::new(presets::load("mmc").expect("preset")).expect("valid");
        sim.set_track_seconds(600);
        sim.run_until(700 * SECOND).expect("runs");
        let t = &sim.metrics().tracks;
        assert_eq!(t.len(), 600, "ten minutes kept");
        let times: Vec<Micros> = t.points(Owner::Node(0), Key::Waiting).iter().map(|p| p.0).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]), "oldest first");
        assert_eq!(times.last().copied(), t.newest_time());
        assert!(!sim.set_track_seconds(60), "refused once sampling began");
        assert_eq!(sim.metrics().tracks.len(), 600, "unchanged");

        let mut tiny = Simulation::new(presets::load("mmc").expect("preset")).expect("valid");
        assert!(tiny.set_track_seconds(0), "0 is raised to one sample");
        tiny.run_until(10 * SECOND).expect("runs");
        assert_eq!(tiny.metrics().tracks.len(), 1);
        let mut huge = Simulation::new(presets::load("mmc").expect("preset")).expect("valid");
        huge.set_track_seconds(usize::MAX);
        huge.run_until(4_000 * SECOND).expect("runs");
        assert_eq!(huge.metrics().tracks.len(), MAX_TRACK_SECONDS, "capped at an hour");
    }

    #[test]
    fn same_seed_same_tracks() {
        let run = || {
            let mut sim = Simulation::new(presets::load("cascade").expect("preset")).expect("valid");
            sim.run_until(30 * SECOND).expect("runs");
            serde_json::to_string(&sim.metrics().tracks).expect("serialises")
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn calls_get_latency_percentiles_and_breaker_state() {
        let s = presets::load("cascade").expect("preset");
        let call = s.links.iter().position(|l| l.transport.sync_policy().is_some()).expect("a call");
        let mut sim = Simulation::new(s).expect("valid");
        sim.run_until(30 * SECOND).expect("runs");
        let t = &sim.metrics().tracks;
        let p50 = t.points(Owner::Link(call), Key::P50Ms);
        let p99 = t.points(Owner::Link(call), Key::P99Ms);
        assert!(!p50.is_empty() && p50.len() == p99.len());
        assert!(p50.iter().zip(&p99).all(|(a, b)| a.1.is_nan() || a.1 <= b.1));
        assert!(t.points(Owner::Link(call), Key::Breaker).iter().all(|p| [0.0, 1.0, 2.0].contains(&p.1)));
    }
}
