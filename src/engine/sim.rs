//! The discrete-event simulation: one clock, timers ordered by (time,
//! sequence), one seeded RNG, and the state of every node and link.
//!
//! The event loop and scheduling are `sim/timers.rs` (with the heap of
//! arrivals and work ends in `sim/quick.rs`). The behaviour of each part
//! lives in its own file: `sim/service.rs`
//! (worker pools, hangs), `sim/call.rs` (request-response with
//! timeouts, retries, breakers), `sim/queue.rs` (queues, visibility, DLQ,
//! idempotency), `sim/pubsub.rs` (topics, subscriptions, schemas),
//! `sim/stream.rs` and `sim/stream/group.rs` (logs, the outbox, consumer
//! groups), `sim/job.rs` (scheduled jobs), `sim/faults.rs` (faults, an
//! instance's crash and restart) and `sim/edit.rs` (changes while running).

mod call;
mod edge;
mod edit;
mod faults;
mod guard;
mod job;
mod pubsub;
mod pubsub_retry;
mod queue;
mod quick;
mod saga;
mod saga_repeat;
mod saga_wait;
mod service;
mod state;
mod status;
mod stream;
mod timers;
mod wire;

pub use status::{LinkStatus, NodeStatus, SubscriptionStatus};
pub use stream::{GroupStatus, LogStatus, PartitionStatus};

pub use edit::FaultStatus;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::error::ScenarioError;
use super::error::SimError;
use super::event::{CorrId, Event, EventKind, MsgId};
use super::ledger::Ledger;
use super::metrics::Metrics;
use super::msg_table::MsgTable;
use super::rng::Rng;
use super::scenario::{Arrival, Scenario};
use super::slab::Slab;
use super::time::{ms_to_micros, round_to_micros, Micros};
use super::trace::TraceHasher;
use super::validate::validate;

use quick::Quick;
use state::*;

/// A running simulation of one scenario.
pub struct Simulation {
    scenario: Scenario,
    topo: Topology,
    now: Micros,
    seq: u64,
    /// Every timer but the two kinds in `quick` (see `sim/timers.rs`).
    heap: BinaryHeap<Reverse<Timer>>,
    /// Sources' arrivals and works' ends (see `sim/quick.rs`).
    quick: quick::QuickHeap,
    rng: Rng,
    services: Vec<ServiceState>,
    /// Per buffer: queue nodes by node index, then subscriptions by
    /// node count + link index (see `sim/pubsub.rs`).
    queues: Vec<QueueState>,
    /// Per node (only topics hold schemas).
    topics: Vec<TopicState>,
    links: Vec<LinkState>,
    /// Per node: a log's partitions (empty for other kinds).
    logs: Vec<stream::LogState>,
    /// Per link: a read link's consumer group (empty for other transports).
    groups: Vec<stream::GroupState>,
    /// Per link: an append link's outbox (empty unless it has one).
    outboxes: Vec<stream::Outbox>,
    /// Per link: a push link's crowd of clients (empty for other transports).
    crowds: Vec<edge::Crowd>,
    /// Per node: a gateway's state (unused for other kinds).
    gateways: Vec<edge::GatewayState>,
    /// Per node: a job's scheduler and runs (empty for other kinds).
    jobs: Vec<job::JobState>,
    msgs: MsgTable<Msg>,
    works: Slab<Work>,
    calls: Slab<Call>,
    faults: Vec<FaultSlot>,
    /// Per node, then per link: indices into `faults` of the faults on it.
    faults_on_node: Vec<Vec<u32>>,
    faults_on_link: Vec<Vec<u32>>,
    ledger: Ledger,
    metrics: Metrics,
    recorder: Option<Vec<Event>>,
    /// While set, the recorder keeps only the events it accepts.
    record_only: Option<fn(&EventKind) -> bool>,
    hasher: Option<TraceHasher>,
    next_msg: MsgId,
    next_corr: CorrId,
    timers_fired: u64,
    /// Set while the quick timer being fired still sits at its heap's root (see `sim/timers.rs`).
    root_spent: bool,
    /// When the last event fired, and how many fired at that instant (livelock guard).
    last_fired: Micros,
    same_instant: u64,
    /// The simulated second being counted (its number; `u64::MAX` before
    /// the first event), and its events so far (rate guard).
    second: u64,
    this_second: u64,
    /// Nodes and links of the events of a runaway instant (see `sim/guard.rs`).
    instant_tally: std::collections::BTreeMap<String, u64>,
    /// The guards' limits (see `sim/guard.rs`).
    guard_events: u64,
    guard_live: usize,
    guard_rate: u64,
    /// Set when a guard stopped the run; every later step returns it.
    halted: Option<SimError>,
    /// Running sagas by id (type 5; see `sim/saga.rs`).
    sagas: Slab<saga::Saga>,
    next_saga: u64,
    /// Per node: sagas running, and sagas in the manual-intervention queue.
    sagas_running: Vec<u32>,
    manual: Vec<u32>,
    /// Sagas waiting for a node to be back or a link to heal (`sim/saga_wait.rs`).
    saga_waits: Vec<saga_wait::Waiting>,
    /// How many of them wait for room in a full service: every freed place
    /// asks, so the others (a down orchestrator's thousands) are not scanned.
    room_waits: u32,
    /// The seed the run started with (a structural edit runs again with it).
    seed: u64,
}

impl Simulation {
    /// Builds a simulation at time zero, seeded with the scenario's seed.
    pub fn new(scenario: Scenario) -> Result<Self, Vec<ScenarioError>> {
        let seed = scenario.seed;
        Self::with_seed(scenario, seed)
    }

    /// Builds a simulation at time zero with another seed.
    pub fn with_seed(scenario: Scenario, seed: u64) -> Result<Self, Vec<ScenarioError>> {
        validate(&scenario)?;
        let topo = Topology::build(&scenario);
        let services = scenario.nodes.iter().map(ServiceState::for_node).collect();
        let queues = (0..scenario.nodes.len() + scenario.links.len()).map(|_| QueueState::default()).collect();
        let topics = scenario.nodes.iter().map(TopicState::for_node).collect();
        let links = scenario.links.iter().map(LinkState::for_link).collect();
        let metrics = Metrics::new(&scenario);
        let logs = (0..scenario.nodes.len()).map(|i| stream::LogState::for_node(&scenario, i)).collect();
        let groups = scenario.links.iter().map(|_| stream::GroupState::default()).collect();
        let outboxes = scenario.links.iter().map(|_| stream::Outbox::default()).collect();
        let crowds = (0..scenario.links.len()).map(|i| edge::Crowd::for_link(&scenario, i)).collect();
        let gateways = (0..scenario.nodes.len()).map(|i| edge::GatewayState::for_node(&scenario, i)).collect();
        let jobs = scenario.nodes.iter().map(|_| job::JobState::default()).collect();
        let mut sim = Simulation {
            crowds,
            gateways,
            jobs,
            logs,
            groups,
            outboxes,
            topo,
            now: 0,
            seq: 0,
            heap: BinaryHeap::new(),
            quick: quick::QuickHeap::default(),
            rng: Rng::new(seed),
            services,
            queues,
            topics,
            links,
            msgs: MsgTable::new(1),
            works: Slab::default(),
            calls: Slab::default(),
            faults: Vec::new(),
            faults_on_node: vec![Vec::new(); scenario.nodes.len()],
            faults_on_link: vec![Vec::new(); scenario.links.len()],
            ledger: Ledger::default(),
            metrics,
            recorder: None,
            record_only: None,
            hasher: None,
            next_msg: 1,
            next_corr: 1,
            timers_fired: 0,
            root_spent: false,
            last_fired: 0,
            same_instant: 0,
            second: u64::MAX,
            this_second: 0,
            instant_tally: std::collections::BTreeMap::new(),
            halted: None,
            sagas: Slab::default(),
            next_saga: 1,
            sagas_running: vec![0; scenario.nodes.len()],
            manual: vec![0; scenario.nodes.len()],
            saga_waits: Vec::new(),
            room_waits: 0,
            guard_events: crate::engine::limits::MAX_EVENTS_PER_INSTANT,
            guard_live: crate::engine::limits::MAX_LIVE_MESSAGES,
            guard_rate: crate::engine::limits::MAX_EVENTS_PER_SIMULATED_SECOND,
            seed,
            scenario,
        };
        for node in 0..sim.services.len() as u32 {
            sim.refile_all(node);
        }
        for i in 0..sim.scenario.sources.len() {
            sim.schedule_first_arrival(i);
        }
        for f in sim.scenario.faults.clone() {
            sim.add_fault(f);
        }
        sim.schedule_group_joins();
        sim.start_heartbeats();
        sim.schedule_jobs();
        Ok(sim)
    }

    /// The scenario as it stands, edits included.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The seed of this run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The simulated clock.
    pub fn now(&self) -> Micros {
        self.now
    }

    /// When the next event is due, if any is.
    pub fn next_event_time(&self) -> Option<Micros> {
        self.next_due().map(|(at, _)| at)
    }

    /// Timers processed so far (the engine's own work counter).
    pub fn timers_fired(&self) -> u64 {
        self.timers_fired
    }

    /// Metrics folded from the event stream so far.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The message ledger so far.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Messages with no fate yet, as the engine counts them (the ledger must agree).
    pub fn live_messages(&self) -> u64 {
        self.msgs.len() as u64
    }

    /// Turns the charts' per-second samples on (the default) or off; see
    /// [`Metrics::set_tracks`].
    pub fn set_tracks(&mut self, on: bool) {
        self.metrics.set_tracks(on);
    }

    /// How many one-second samples the charts' tracks keep (see
    /// [`crate::engine::metrics::Tracks::keep_seconds`]); false, changing
    /// nothing, once the first sample was taken.
    pub fn set_track_seconds(&mut self, seconds: usize) -> bool {
        self.metrics.tracks.keep_seconds(seconds)
    }

    /// Keeps every event from now on, to be taken with [`Simulation::drain_events`].
    pub fn set_recording(&mut self, on: bool) {
        self.recorder = if on { Some(Vec::new()) } else { None };
        self.record_only = None;
    }

    /// Keeps only the events `keep` accepts from now on (a fast-forward far
    /// from its target keeps the notable ones for the event log and drops
    /// the routine traffic); [`Simulation::set_recording`] ends it.
    pub fn set_recording_only(&mut self, keep: fn(&EventKind) -> bool) {
        self.recorder = Some(Vec::new());
        self.record_only = Some(keep);
    }

    /// Takes the events recorded since the last call.
    pub fn drain_events(&mut self) -> Vec<Event> {
        self.recorder.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Starts hashing the event stream (see [`Simulation::trace_hash`]).
    pub fn enable_trace_hash(&mut self) {
        self.hasher.get_or_insert_with(TraceHasher::default);
    }

    /// The hash of every event since hashing was enabled: equal hashes mean
    /// the same event stream, byte for byte.
    pub fn trace_hash(&self) -> Option<u64> {
        self.hasher.as_ref().map(TraceHasher::finish)
    }

    /// Why the run stopped, if a guard stopped it.
    pub fn halted(&self) -> Option<&SimError> {
        self.halted.as_ref()
    }

    fn check_conservation(&self) {
        debug_assert!(
            self.ledger.balances(self.live_messages()),
            "ledger out of balance at {}: {:?} vs {} live",
            self.now,
            self.ledger,
            self.live_messages()
        );
    }

    // ---- plumbing shared by the behaviour files ----

    // Inlined into every call site natively, where the variant is known, so
    // the matches in the ledger, metrics and hasher fold to that variant's
    // few lines. Not in wasm, to keep its size.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn emit(&mut self, kind: EventKind) {
        self.fold(&kind);
        if let Some(rec) = &mut self.recorder {
            if self.record_only.is_none_or(|keep| keep(&kind)) {
                record(rec, self.now, kind);
            }
        }
    }

    /// [`Simulation::emit`] for the few events every customer has: `make`
    /// builds the event once to fold it and, only while something records,
    /// again inside a cold call. With `emit`, the recorder's call takes the
    /// event's address, so each emit site stored the whole event to the
    /// stack even when nothing records (the CLI never does); here the hot
    /// path keeps its fields in registers and only the cold call stores them.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn emit_with(&mut self, make: impl FnOnce() -> EventKind + Copy) {
        self.fold(&make());
        if self.recorder.is_some() {
            self.record_made(make);
        }
    }

    /// The recorder's half of [`Simulation::emit_with`].
    #[cold]
    #[inline(never)]
    fn record_made(&mut self, make: impl FnOnce() -> EventKind) {
        let kind = make();
        if let Some(rec) = &mut self.recorder {
            if self.record_only.is_none_or(|keep| keep(&kind)) {
                record(rec, self.now, kind);
            }
        }
    }

    /// Folds an event into the ledger, the metrics and the trace hash.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn fold(&mut self, kind: &EventKind) {
        self.ledger.observe(kind);
        self.metrics.observe(self.now, kind);
        if let Some(h) = &mut self.hasher {
            h.write(self.now, kind);
        }
    }

    fn new_msg_id(&mut self) -> MsgId {
        let id = self.next_msg;
        self.next_msg += 1;
        id
    }

    /// Gives a live message its fate (once; later calls do nothing).
    // Inlined natively so the fate, known at the call site, folds away.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn settle(&mut self, msg: MsgId, fate: super::event::Fate) {
        if self.msgs.discard(msg) {
            self.emit_with(move || EventKind::Settled { msg, fate });
        }
    }

    // ---- sources ----

    fn schedule_first_arrival(&mut self, i: usize) {
        let src = &self.scenario.sources[i];
        let start = ms_to_micros(src.start_ms);
        match src.arrival {
            Arrival::Burst { at_ms, .. } => {
                let at = ms_to_micros(at_ms).max(start);
                self.schedule_quick(at, Quick::Arrival(i as u32));
            }
            _ => {
                let Some(&feed) = self.topo.feeds.get(i) else { return };
                let gap = self.arrival_gap(feed);
                self.schedule_quick(start.saturating_add(gap), Quick::Arrival(i as u32));
            }
        }
    }

    // Inlined natively into the arrival (its one hot caller).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn arrival_gap(&mut self, feed: Feed) -> Micros {
        match feed.pace {
            Pace::Poisson => {
                let gap = feed.mean_gap * super::ziggurat::exp1(&mut self.rng);
                round_to_micros(gap).max(1)
            }
            Pace::Constant => round_to_micros(feed.mean_gap).max(1),
            Pace::Burst(_) => 0,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(never))]
    fn source_arrival(&mut self, source: u32) {
        // One record for everything the arrival needs (see `Feed`).
        let Some(&feed) = self.topo.feeds.get(source as usize) else { return };
        if self.now > feed.stop {
            return;
        }
        if let Pace::Burst(count) = feed.pace {
            for _ in 0..count {
                self.place_order(source, feed);
            }
            return;
        }
        self.place_order(source, feed);
        let gap = self.arrival_gap(feed);
        self.schedule_quick(self.now.saturating_add(gap), Quick::Arrival(source));
    }

    // Inlined natively into the arrival: out of line, it took the feed
    // through memory and cost more than the lookups the feed saves.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn place_order(&mut self, source: u32, feed: Feed) {
        let corr = self.next_corr;
        self.next_corr += 1;
        let msg = self.new_msg_id();
        self.msgs.insert_with(msg, || Msg::new(corr));
        let node = feed.node;
        self.emit_with(move || EventKind::OrderPlaced { source, node, msg, corr });
        if feed.into_queue {
            self.enqueue_arrive(msg, node, None);
        } else {
            let order = OrderInfo { source, placed: self.now, budget: feed.budget };
            self.dispatch_request(node, msg, corr, Job::Order(order), false);
        }
    }
}

/// Keeps one event (the page records; the CLI does not). Out of line so
/// that the many inlined `emit` sites do not each carry a vector's push
/// and growth path on the engine's hot paths.
#[inline(never)]
fn record(rec: &mut Vec<Event>, t: Micros, kind: EventKind) {
    rec.push(Event { t, kind });
}
