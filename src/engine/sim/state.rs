//! The simulation's internal state types.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::engine::breaker::Breaker;
use crate::engine::event::{CorrId, MsgId};
use crate::engine::retry::Budget;
use crate::engine::scenario::{Fault, Link, Node, NodeKind, Scenario, ServiceSpec, Transport};
use crate::engine::slab::Key;
use crate::engine::time::{ms_to_micros, Micros};

/// Indices of the scenario's graph, computed once.
pub(super) struct Topology {
    pub node_ix: BTreeMap<String, u32>,
    pub link_ix: BTreeMap<String, u32>,
    /// Per node: its request-response links, in scenario order.
    pub sync_out: Vec<Vec<u32>>,
    /// Per node: its enqueue links, in scenario order.
    pub enqueue_out: Vec<Vec<u32>>,
    /// Per node: its publish links, in scenario order.
    pub publish_out: Vec<Vec<u32>>,
    /// Per topic node: its subscribe links, in scenario order.
    pub subscriptions: Vec<Vec<u32>>,
    /// Per buffer (a queue node's index, or node count + a subscribe link's
    /// index): the links that consume from it.
    pub consumers: Vec<Vec<u32>>,
    /// Per service node: the consume and subscribe links that feed it.
    pub consumes_from: Vec<Vec<u32>>,
    /// Per link: the buffer a consume or subscribe link takes from (`u32::MAX` for others).
    pub buffer_of: Vec<u32>,
    /// Per link: the index of the node it starts at.
    pub link_from: Vec<u32>,
    /// Per link: the index of the node it ends at.
    pub link_to: Vec<u32>,
    /// Per source: the index of the node its work enters at.
    pub source_node: Vec<u32>,
    /// Per source: its budget and stop time in microseconds (sources are
    /// never edited; converted once rather than on every arrival).
    pub source_budget: Vec<Micros>,
    pub source_stop: Vec<Option<Micros>>,
    /// Per consume link: its place among its queue's consume links.
    pub consumer_place: Vec<u32>,
    /// Per node: its append links, in scenario order.
    pub append_out: Vec<Vec<u32>>,
    /// Per log node: its read links (consumer groups).
    pub groups_of: Vec<Vec<u32>>,
    /// Per service node: the read links whose group it is a member of.
    pub reads_into: Vec<Vec<u32>>,
    /// Per gateway node: its push links (type 6).
    pub push_out: Vec<Vec<u32>>,
    /// Per orchestrator node: its saga_step links in saga order (empty for others).
    pub saga_steps: Vec<Vec<u32>>,
    /// Per job node: its scheduled-read links (inputs), in scenario order.
    pub job_inputs: Vec<Vec<u32>>,
    /// Per node: whether finished work sends anything on (an enqueue,
    /// publish, append or push link), so the rest need not look.
    pub sends_on: Vec<bool>,
}

impl Topology {
    /// Resolves every id once. The scenario has been validated, so every
    /// reference exists; an unknown one would be a validator bug, and it
    /// points at an index past the end rather than silently at node 0.
    pub fn build(s: &Scenario) -> Self {
        // `insert` loops, not `collect`: collecting into a `BTreeMap` sorts
        // first, one stable sort per key type in the wasm (docs/performance.md).
        // Ids are unique (validated), so the maps are the same.
        let mut node_ix = BTreeMap::new();
        for (i, n) in s.nodes.iter().enumerate() {
            node_ix.insert(n.id.clone(), i as u32);
        }
        let mut link_ix = BTreeMap::new();
        for (i, l) in s.links.iter().enumerate() {
            link_ix.insert(l.id.clone(), i as u32);
        }
        let n = s.nodes.len();
        let mut t = Topology {
            node_ix,
            link_ix,
            sync_out: vec![Vec::new(); n],
            enqueue_out: vec![Vec::new(); n],
            publish_out: vec![Vec::new(); n],
            subscriptions: vec![Vec::new(); n],
            consumers: vec![Vec::new(); n + s.links.len()],
            consumes_from: vec![Vec::new(); n],
            buffer_of: vec![u32::MAX; s.links.len()],
            link_from: Vec::with_capacity(s.links.len()),
            link_to: Vec::with_capacity(s.links.len()),
            source_node: Vec::with_capacity(s.sources.len()),
            source_budget: s.sources.iter().map(|src| ms_to_micros(src.budget_ms)).collect(),
            source_stop: s.sources.iter().map(|src| src.stop_ms.map(ms_to_micros)).collect(),
            consumer_place: vec![u32::MAX; s.links.len()],
            append_out: vec![Vec::new(); n],
            groups_of: vec![Vec::new(); n],
            reads_into: vec![Vec::new(); n],
            push_out: vec![Vec::new(); n],
            saga_steps: vec![Vec::new(); n],
            job_inputs: vec![Vec::new(); n],
            sends_on: vec![false; n],
        };
        let missing = u32::MAX;
        for src in &s.sources {
            t.source_node.push(t.node_ix.get(&src.target).copied().unwrap_or(missing));
        }
        for (i, l) in s.links.iter().enumerate() {
            let from = t.node_ix.get(&l.from).copied().unwrap_or(missing);
            let to = t.node_ix.get(&l.to).copied().unwrap_or(missing);
            t.link_from.push(from);
            t.link_to.push(to);
            if from == missing || to == missing {
                continue;
            }
            let i = i as u32;
            match l.transport {
                Transport::RequestResponse(_) => t.sync_out[from as usize].push(i),
                Transport::Enqueue => t.enqueue_out[from as usize].push(i),
                Transport::Consume(_) => {
                    t.consumer_place[i as usize] = t.consumers[from as usize].len() as u32;
                    t.consumers[from as usize].push(i);
                    t.consumes_from[to as usize].push(i);
                    t.buffer_of[i as usize] = from;
                }
                Transport::Publish => t.publish_out[from as usize].push(i),
                Transport::Subscribe(_) => {
                    // Each subscription is a buffer of its own with this one consumer link.
                    let buffer = (n as u32).saturating_add(i);
                    t.consumer_place[i as usize] = 0;
                    t.consumers[buffer as usize].push(i);
                    t.consumes_from[to as usize].push(i);
                    t.buffer_of[i as usize] = buffer;
                    t.subscriptions[from as usize].push(i);
                }
                Transport::Append(_) => t.append_out[from as usize].push(i),
                Transport::ScheduledRead => t.job_inputs[from as usize].push(i),
                Transport::Read(_) => {
                    t.groups_of[from as usize].push(i);
                    t.reads_into[to as usize].push(i);
                }
                Transport::Push(_) => t.push_out[from as usize].push(i),
                // In saga order, below.
                Transport::SagaStep(_) => {}
            }
        }
        for (i, node) in s.nodes.iter().enumerate() {
            if node.kind.service().is_some_and(|sv| sv.saga.is_some()) {
                let steps = crate::engine::patterns::saga::steps_of(s, &node.id);
                t.saga_steps[i] = steps.into_iter().map(|(l, _)| l).collect();
            }
        }
        for i in 0..n {
            t.sends_on[i] = !(t.enqueue_out[i].is_empty()
                && t.publish_out[i].is_empty()
                && t.append_out[i].is_empty()
                && t.push_out[i].is_empty());
        }
        t
    }
}

/// A scheduled action. Ordered by time, then by the order it was scheduled.
pub(super) struct Timer {
    pub at: Micros,
    pub seq: u64,
    pub action: Action,
}

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timer {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Everything the engine can schedule.
pub(super) enum Action {
    SourceArrival {
        source: u32,
    },
    RequestArrive(Box<RequestArrival>),
    WorkStep {
        work: Key,
    },
    ReplyArrive {
        call: Key,
        attempt: u32,
        ok: bool,
        msg: MsgId,
        link: u32,
    },
    CallTimeout {
        call: Key,
        attempt: u32,
    },
    RetryFire {
        call: Key,
    },
    EnqueueArrive {
        msg: MsgId,
        queue: u32,
        link: Option<u32>,
    },
    DeliveryArrive(Box<Delivery>),
    VisibilityExpire {
        msg: MsgId,
        delivery: u32,
    },
    AckArrive {
        msg: MsgId,
    },
    ReplicaRestart {
        node: u32,
        replica: u32,
        epoch: u32,
    },
    FaultStart {
        fault: u32,
    },
    FaultEnd {
        fault: u32,
    },
    /// A publish reaches a log (type 4).
    AppendArrive(Box<super::stream::AppendArrival>),
    /// A consumer group joins its log.
    GroupJoin {
        link: u32,
    },
    /// A rebalance's pause is over (ignored if another rebalance started since).
    RebalanceDone {
        link: u32,
        generation: u32,
    },
    /// A crashed member's session times out.
    SessionExpire {
        link: u32,
        replica: u32,
        epoch: u32,
    },
    /// A polled batch reaches its member (ignored if the member died meanwhile).
    BatchArrive {
        link: u32,
        replica: u32,
        epoch: u32,
    },
    /// An idle member's auto-commit is due.
    AutoCommit {
        link: u32,
        replica: u32,
        generation: u32,
    },
    /// A member tries a fetch again after one was lost on the link.
    PollRetry {
        link: u32,
        replica: u32,
        generation: u32,
    },
    /// An outbox relay publishes its pending rows.
    RelayTick {
        link: u32,
    },
    /// A published event reaches its topic (type 3).
    PublishArrive {
        msg: MsgId,
        topic: u32,
    },
    /// Clients of a push link due to reconnect at this instant try (type 6).
    Reconnect {
        link: u32,
    },
    /// A push link's heartbeat round (ignored if the heartbeat was changed since).
    Heartbeat {
        link: u32,
        epoch: u32,
    },
    /// A restarted gateway accepts connections again.
    GatewayUp {
        node: u32,
        epoch: u32,
    },
    /// A pushed update reaches its client over connection generation `conn`.
    PushArrive {
        msg: MsgId,
        link: u32,
        client: u32,
        conn: u32,
    },
    /// A saga's step command or compensation reaches the service that does it
    /// (type 5). Boxed: inline it was the one 40-byte action, and every
    /// timer of every scenario is as large as the largest action.
    StepArrive(Box<StepArrival>),
    /// The outcome of a saga's step or compensation reaches whoever decides
    /// what comes next (type 5; ignored if the saga moved on).
    StepOutcome {
        saga: Key,
        token: u32,
        ok: bool,
        timed_out: bool,
    },
    /// A saga's retry wait is over: send its current step or compensation again.
    SagaResend {
        saga: Key,
        token: u32,
    },
    /// A saga's deadline (stuck detection).
    SagaDeadline {
        saga: Key,
    },
    /// A job's schedule fires (type 7).
    JobFire {
        node: u32,
    },
    /// A job's run finishes its work (void if a crash killed it first).
    JobRunEnd {
        node: u32,
        run: u32,
    },
    /// A job's dead man's switch (void if the job wrote output since it was armed).
    JobFreshness {
        node: u32,
        epoch: u32,
    },
}

/// A saga's step command or compensation on its way to the service that does it.
pub(super) struct StepArrival {
    pub msg: MsgId,
    pub corr: CorrId,
    pub node: u32,
    pub saga: Key,
    pub token: u32,
}

/// A call attempt reaching its callee (carries all it needs: the sender may
/// have given up on it already).
pub(super) struct RequestArrival {
    pub msg: MsgId,
    pub corr: CorrId,
    pub node: u32,
    pub call: Key,
    pub attempt: u32,
    pub link: u32,
}

/// A queue message reaching a consumer instance.
pub(super) struct Delivery {
    pub msg: MsgId,
    pub corr: CorrId,
    pub queue: u32,
    pub link: u32,
    pub node: u32,
    pub replica: u32,
    pub epoch: u32,
    pub poison: bool,
    /// Subscription copies: the index of the writer schema in the topic's history.
    pub schema: u32,
}

/// A live message (removed when it settles).
pub(super) struct Msg {
    pub corr: CorrId,
    pub poison: bool,
    /// Published events and their copies: the index of the writer schema in
    /// the topic's history (`NO_SCHEMA` otherwise).
    pub schema: u32,
    /// Queue messages: which queue, and their delivery bookkeeping.
    pub queue: Option<QueueMsg>,
}

/// A message that carries no event schema.
pub(super) const NO_SCHEMA: u32 = u32::MAX;

impl Msg {
    pub fn new(corr: CorrId) -> Self {
        Msg { corr, poison: false, schema: NO_SCHEMA, queue: None }
    }
}

pub(super) struct QueueMsg {
    /// The buffer: a queue node, or a subscription (see [`Topology::consumers`]).
    pub queue: u32,
    pub first_enqueued: Micros,
    pub visible_since: Micros,
    pub visible: bool,
    pub receive_count: u32,
    pub deliveries: u32,
}

/// Why a worker holds a message, and whom to answer.
#[derive(Clone, Copy)]
pub(super) enum Job {
    /// The first message of an order, entered by a source.
    Order(OrderInfo),
    /// A synchronous call: reply to `call` over `link`.
    Request { call: Key, attempt: u32, link: u32 },
    /// A queue delivery: ack to `queue` over `link` when done.
    Delivery { queue: u32, link: u32 },
    /// A record polled by a consumer group's member (the read `link`).
    Record { link: u32, partition: u32, offset: u64, event: MsgId },
    /// A saga's step command or compensation (`token` names the attempt).
    Step { saga: Key, token: u32, link: u32, comp: bool },
}

#[derive(Clone, Copy)]
pub(super) struct OrderInfo {
    pub source: u32,
    pub placed: Micros,
    pub budget: Micros,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    Waiting,
    Processing,
    Calling { idx: usize, call: Key },
    Parked,
}

/// A message held by a service instance, waiting or in a worker.
pub(super) struct Work {
    pub msg: MsgId,
    pub corr: CorrId,
    pub node: u32,
    pub replica: u32,
    pub job: Job,
    pub poison: bool,
    pub arrived: Micros,
    pub started: Micros,
    pub stage: Stage,
    pub downstream: Micros,
    /// When its own processing ends: the one `WorkStep` timer that counts
    /// (others are stale, from before its service's speed changed).
    /// `Micros::MAX` while parked by a hang.
    pub due: Micros,
    /// Extra latency from faults, fixed when it started: a delay injected
    /// before its processing, which a change of speed leaves alone.
    pub extra: Micros,
    /// The slow-down factor its processing runs at now.
    pub factor: f64,
}

/// A synchronous call in progress, across its attempts.
pub(super) struct Call {
    pub work: Key,
    pub link: u32,
    pub corr: CorrId,
    pub parent: MsgId,
    pub attempt: u32,
    pub msg: MsgId,
    pub sent_at: Micros,
    pub started: Micros,
    pub awaiting: bool,
    pub epoch: Option<u32>,
    pub prev_sleep: Micros,
}

/// One instance of a service.
#[derive(Default)]
pub(super) struct Replica {
    pub up: bool,
    pub retired: bool,
    pub epoch: u32,
    pub busy: u32,
    pub waiting: VecDeque<Key>,
    pub unacked: u32,
}

/// A service's (or client's) instances and the faults acting on it.
pub(super) struct ServiceState {
    pub is_client: bool,
    pub spec: ServiceSpec,
    pub replicas: Vec<Replica>,
    pub slow_factor: f64,
    pub extra: Micros,
    pub crashed: bool,
    pub hung: bool,
    pub error_extra: f64,
    pub parked: Vec<Key>,
    /// Ids whose side effects were applied, with when (for duplicate detection).
    pub applied: BTreeSet<MsgId>,
    pub applied_order: VecDeque<(Micros, MsgId)>,
}

impl ServiceState {
    pub fn for_node(n: &Node) -> Self {
        let (is_client, spec) = match &n.kind {
            NodeKind::Service(spec) => (false, spec.clone()),
            // A queue, topic or log has no workers: an empty pool that is never used.
            NodeKind::Queue(_) | NodeKind::Log(_) | NodeKind::Topic(_) | NodeKind::Job(_) => {
                (false, ServiceSpec { replicas: 0, ..ServiceSpec::default() })
            }
            // A client: every user is their own worker, with no processing of its own.
            // A gateway's workers take in the updates it pushes (from any
            // inbound link): many light workers, like an event loop.
            NodeKind::Gateway(_) => (
                false,
                ServiceSpec {
                    replicas: 1,
                    concurrency: 1_000,
                    backlog: 100_000,
                    processing: crate::engine::dist::Dist::Constant { ms: 1.0 },
                    error_rate: 0.0,
                    restart_ms: 0.0,
                    saga: None,
                },
            ),
            NodeKind::Client(_) => (
                true,
                ServiceSpec {
                    replicas: 1,
                    concurrency: u32::MAX,
                    backlog: 0,
                    processing: crate::engine::dist::Dist::Constant { ms: 0.0 },
                    error_rate: 0.0,
                    restart_ms: 0.0,
                    saga: None,
                },
            ),
        };
        let replicas = (0..spec.replicas).map(|_| Replica { up: true, ..Replica::default() }).collect();
        ServiceState {
            is_client,
            spec,
            replicas,
            slow_factor: 1.0,
            extra: 0,
            crashed: false,
            hung: false,
            error_extra: 0.0,
            parked: Vec::new(),
            applied: BTreeSet::new(),
            applied_order: VecDeque::new(),
        }
    }

    pub fn restart_delay(&self) -> Micros {
        ms_to_micros(self.spec.restart_ms)
    }
}

/// A queue's visible messages, oldest first, and the consumer instances
/// with room for one more delivery.
#[derive(Default)]
pub(super) struct QueueState {
    pub ready: BTreeSet<(Micros, MsgId)>,
    /// Free consumer instances as (unacknowledged deliveries, slot), where
    /// slot = the consume link's place among the queue's consumers × 64 +
    /// the replica: the least loaded come first, then in slot order.
    pub free: BTreeSet<(u32, u32)>,
    /// Round-robin cursor: the next pick among equally loaded instances
    /// starts at this slot.
    pub cursor: u32,
}

/// Slots per consume link in a queue's free-consumer index (a service has at most 64 replicas).
pub(super) const SLOTS_PER_CONSUMER: u32 = 64;

/// Per-link protections and link faults.
pub(super) struct LinkState {
    pub breaker: Option<Breaker>,
    pub budget: Option<Budget>,
    pub partitioned: bool,
    pub extra_latency: Micros,
    /// Consume links: per replica of the consumer, the load under which it
    /// is filed in the queue's free-consumer index (`None`: not filed).
    pub filed: Vec<Option<u32>>,
}

impl LinkState {
    pub fn for_link(l: &Link) -> Self {
        // Breakers and budgets belong to synchronous calls only.
        let (breaker, budget) = match l.transport.sync_policy() {
            Some(p) => (
                p.breaker.as_ref().map(Breaker::new),
                p.retry.as_ref().and_then(|r| r.budget.as_ref()).map(Budget::new),
            ),
            None => (None, None),
        };
        LinkState { breaker, budget, partitioned: false, extra_latency: 0, filed: Vec::new() }
    }
}

/// What a fault hits, resolved once when it is added.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum FaultTarget {
    Node(u32),
    Link(u32),
}

impl FaultTarget {
    pub fn node(self) -> Option<u32> {
        match self {
            FaultTarget::Node(n) => Some(n),
            FaultTarget::Link(_) => None,
        }
    }
}

/// A fault of the scenario or added while running.
pub(super) struct FaultSlot {
    pub target: FaultTarget,
    pub fault: Fault,
    pub active: bool,
    pub ended: bool,
    pub poison_left: Option<u32>,
}

/// How long processed ids are remembered for duplicate detection, and how many at most.
pub(super) const DEDUPE_WINDOW: Micros = 600 * crate::engine::time::SECOND;
pub(super) const DEDUPE_MAX: usize = 100_000;

/// A topic's writer schemas and its registry's record.
pub(super) struct TopicState {
    /// Every distinct writer schema seen, in order; events name theirs by index.
    pub schemas: Vec<crate::engine::scenario::Schema>,
    /// The index of the schema the publisher writes now.
    pub writer: u32,
    /// Whether the registry accepted it (always true without a registry).
    pub accepted: bool,
    /// Indices of the schemas the registry has registered, oldest first.
    pub registered: Vec<u32>,
}

impl TopicState {
    /// A topic's state at the start: its own schema, registered.
    pub fn for_node(n: &Node) -> Self {
        let schemas = n.kind.topic().map(|t| vec![t.schema.clone()]).unwrap_or_default();
        let registered = if schemas.is_empty() { Vec::new() } else { vec![0] };
        TopicState { schemas, writer: 0, accepted: true, registered }
    }
}
