//! The simulation's internal state types: live messages, work, calls,
//! instances, queues, links, faults and topics. The scenario's graph as
//! indices is `state/topology.rs`; timers and the actions they fire are
//! `state/action.rs`.

mod action;
mod topology;
pub(super) use action::*;
pub(super) use topology::*;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::engine::breaker::Breaker;
use crate::engine::event::{CorrId, MsgId};
use crate::engine::retry::Budget;
use crate::engine::scenario::{Fault, Link, Node, NodeKind, Scenario, ServiceSpec, Transport};
use crate::engine::slab::Key;
use crate::engine::time::{ms_to_micros, Micros};

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
    /// A subscription's event waiting out its retry backoff after a failed
    /// delivery: not visible, and held by no subscriber either.
    pub backing_off: bool,
}

impl QueueMsg {
    /// Whether delivery number `delivery` is still out with a subscriber or
    /// consumer, neither acknowledged, given back, nor expired.
    pub fn outstanding(&self, delivery: u32) -> bool {
        !self.visible && !self.backing_off && self.deliveries == delivery
    }
}

/// Why a worker holds a message, and whom to answer.
#[derive(Clone, Copy)]
pub(super) enum Job {
    /// The first message of an order, entered by a source.
    Order(OrderInfo),
    /// A synchronous call: reply to `call` over `link`.
    Request { call: Key, attempt: u32, link: u32 },
    /// A queue delivery: ack to `queue` over `link` when done. `delivery`
    /// numbers it among the message's deliveries (a subscription's nack
    /// names it, so a nack for an expired delivery changes nothing).
    Delivery { queue: u32, link: u32, delivery: u32 },
    /// A record polled by a consumer group's member (the read `link`).
    Record { link: u32, partition: u32, offset: u64, event: MsgId },
    /// A saga's step command or compensation (`token` names the attempt;
    /// `id` is the saga's, kept for recognising a repeat after it ended).
    Step { saga: Key, id: u64, token: u32, link: u32, comp: bool },
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

impl Work {
    /// What answering the work needs (see [`Held`]).
    #[inline]
    pub fn held(&self) -> Held {
        Held { msg: self.msg, corr: self.corr, node: self.node, replica: self.replica, job: self.job }
    }
}

/// The part of a [`Work`] that says whom to answer and how: read out of
/// the slab when the work ends, a third of the record, instead of moving
/// the whole record out.
#[derive(Clone, Copy)]
pub(super) struct Held {
    pub msg: MsgId,
    pub corr: CorrId,
    pub node: u32,
    pub replica: u32,
    pub job: Job,
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
    /// Saga steps done here: (saga id, step link × 2 + undo), with when
    /// (a participant recognising a repeat; `sim/saga_repeat.rs`).
    pub applied_steps: BTreeSet<(u64, u32)>,
    pub applied_steps_order: VecDeque<(Micros, (u64, u32))>,
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
            applied_steps: BTreeSet::new(),
            applied_steps_order: VecDeque::new(),
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
    /// A subscription's events waiting out a retry backoff: in neither
    /// `ready` nor a subscriber's hands, counted so a lane can tell them
    /// from deliveries out (`sim/pubsub_retry.rs` keeps it).
    pub backing_off: u32,
}

/// Slots per consume link in a queue's free-consumer index (a service has at most 64 replicas).
pub(super) const SLOTS_PER_CONSUMER: u32 = 64;

/// Per-link protections and link faults.
pub(super) struct LinkState {
    pub breaker: Option<Breaker>,
    /// The epoch the link's next breaker starts at: past every epoch an
    /// earlier breaker let calls through with, even one switched off since,
    /// so their late outcomes are stale to the new one.
    pub breaker_epoch: u32,
    pub budget: Option<Budget>,
    pub partitioned: bool,
    pub extra_latency: Micros,
    /// Consume links: per replica of the consumer, the load under which it
    /// is filed in the queue's free-consumer index (`None`: not filed).
    pub filed: Vec<Option<u32>>,
    /// Consume links: per replica of the consumer, the deliveries it holds
    /// from this queue or subscription, unacknowledged. A prefetch window is
    /// a consumer's (a channel's, a subscriber client's), so an instance that
    /// consumes two queues has one window for each, not one for both.
    pub unacked: Vec<u32>,
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
        LinkState {
            breaker,
            breaker_epoch: 0,
            budget,
            partitioned: false,
            extra_latency: 0,
            filed: Vec::new(),
            unacked: Vec::new(),
        }
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
