//! The scenario format: versioned JSON describing nodes, links, traffic and
//! faults. docs/scenario-format.md documents every field with examples.
//!
//! Durations are milliseconds (floats) in JSON and integer microseconds
//! inside the engine. Defaults that follow a real system say which.

use serde::{Deserialize, Serialize};

use super::dist::Dist;

pub use super::patterns::client::ClientSpec;
pub use super::patterns::edge::{GatewaySpec, PushPolicy};
pub use super::patterns::job::{Cron, JobSpec, MonitorOn, OverlapPolicy};
pub use super::patterns::pubsub::{OnUnreadable, Registry, RetryBackoff, SubscribePolicy, TopicSpec};
pub use super::patterns::queue::{ConsumePolicy, QueueSpec};
pub use super::patterns::request_response::{BreakerPolicy, Jitter, RetryBudget, RetryPolicy, SyncPolicy};
pub use super::patterns::saga::{SagaMode, SagaSpec, StepKind, StepPolicy};
pub use super::patterns::schema::{CompatMode, Field, Schema};
pub use super::patterns::stream::{AppendPolicy, Assignor, CommitPolicy, LogSpec, OutboxPolicy, ReadPolicy, StartFrom};
pub use fault::{Fault, FaultEffect};

mod access;
mod fault;

/// The scenario format version this engine reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole scenario: the topology, its traffic and its fault schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be [`FORMAT_VERSION`].
    pub version: u32,
    /// Short name, e.g. "cascade".
    pub name: String,
    /// What the scenario shows, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// Seed of the simulation's random number generator.
    #[serde(default)]
    pub seed: u64,
    /// Services, clients and brokers.
    pub nodes: Vec<Node>,
    /// Directed links between nodes, each with a transport.
    #[serde(default)]
    pub links: Vec<Link>,
    /// Where traffic comes from.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Faults that start (and maybe end) at given times.
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// Ids of the nodes and links whose monitoring is on: their alerts are
    /// raised on the page. A monitor only watches; the run is the same
    /// with or without it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitors: Vec<String>,
}

/// Where a node is drawn, in topology coordinates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Horizontal coordinate.
    pub x: f64,
    /// Vertical coordinate.
    pub y: f64,
}

/// One node of the topology.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Unique id, referenced by links, sources and faults.
    pub id: String,
    /// Human-readable name.
    pub label: String,
    /// Where it is drawn.
    #[serde(default)]
    pub position: Position,
    /// What the node is and how it behaves.
    pub kind: NodeKind,
}

/// The behaviour of a node.
// `Deserialize` is in tagged_forms.rs: it reads this format without serde's buffer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum NodeKind {
    /// The users' browsers: unlimited concurrency, no processing time of their own.
    /// A source aimed at a client stands for users placing orders.
    Client(ClientSpec),
    /// A service with a pool of workers (replicas × concurrency).
    Service(ServiceSpec),
    /// A message queue with SQS-style visibility timeout and redrive to a dead-letter queue.
    Queue(QueueSpec),
    /// A publish-subscribe topic: every subscription gets its own copy of
    /// each event, with its own backlog, acks, retries and dead-letter queue.
    Topic(TopicSpec),
    /// An append-only log split into partitions (Kafka-style), read by consumer groups.
    Log(LogSpec),
    /// A real-time gateway (WebSocket/SSE server) holding client connections
    /// and pushing order updates to them over its push links (type 6).
    Gateway(GatewaySpec),
    /// A scheduled batch job: runs on a schedule, reads what its inputs (logs)
    /// got since its last good run, and writes a report.
    Job(JobSpec),
}

/// Settings of a service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Number of instances.
    #[serde(default = "one")]
    pub replicas: u32,
    /// Worker pool size of each instance (threads, or concurrent requests).
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
    /// Requests an instance holds waiting for a free worker before it rejects more.
    #[serde(default = "default_backlog")]
    pub backlog: u32,
    /// Own processing time of one request or message.
    #[serde(default = "default_processing")]
    pub processing: Dist,
    /// Probability that processing fails on its own, 0 to 1.
    #[serde(default)]
    pub error_rate: f64,
    /// How long a crashed instance takes to come back, in ms.
    #[serde(default = "default_restart_ms")]
    pub restart_ms: f64,
    /// Type 5: makes the service a saga orchestrator (see `patterns/saga.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saga: Option<SagaSpec>,
}

impl Default for ServiceSpec {
    fn default() -> Self {
        ServiceSpec {
            replicas: 1,
            concurrency: default_concurrency(),
            backlog: default_backlog(),
            processing: default_processing(),
            error_rate: 0.0,
            restart_ms: default_restart_ms(),
            saga: None,
        }
    }
}

/// A directed link from one node to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Unique id among links.
    pub id: String,
    /// The sending node's id.
    pub from: String,
    /// The receiving node's id.
    pub to: String,
    /// One-way network latency.
    #[serde(default = "default_latency")]
    pub latency: Dist,
    /// How messages travel on this link, with the transport's settings.
    pub transport: Transport,
}

/// The transport of a link and its settings.
// `Deserialize` is in tagged_forms.rs: it reads this format without serde's buffer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transport {
    /// Type 1: a synchronous call; the caller's worker waits for the reply.
    RequestResponse(SyncPolicy),
    /// Type 2, producer side: put a message on a queue and carry on at once.
    Enqueue,
    /// Type 2, consumer side: the target service's instances compete for the queue's messages.
    Consume(ConsumePolicy),
    /// Type 3, publisher side: publish an event to a topic and carry on at once.
    Publish,
    /// Type 3, subscriber side: the target service gets a copy of every event
    /// published to the topic after the subscription exists.
    Subscribe(SubscribePolicy),
    /// Type 4, producer side: append a record to a log (keyed by the order) and carry on.
    Append(AppendPolicy),
    /// Type 4, consumer side: a consumer group reading a log; its members are the target's instances.
    Read(ReadPolicy),
    /// Type 6: a gateway's connections to a crowd of clients, over which it pushes updates.
    Push(PushPolicy),
    /// Type 5: a saga step from an orchestrator to the service that does it.
    SagaStep(StepPolicy),
    /// Type 7: a job's input; each run reads the log's records appended since
    /// the job's last successful run.
    ScheduledRead,
}

/// A traffic source: work entering the system at a node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Unique id among sources.
    pub id: String,
    /// The node the work enters at (a client stands for users clicking "place order").
    pub target: String,
    /// When the work arrives.
    pub arrival: Arrival,
    /// First arrival no earlier than this (ms).
    #[serde(default)]
    pub start_ms: f64,
    /// No arrivals after this (ms). `null`: forever.
    #[serde(default)]
    pub stop_ms: Option<f64>,
    /// End-to-end latency budget of each order from this source (ms).
    #[serde(default = "default_budget_ms")]
    pub budget_ms: f64,
}

/// Arrival processes.
// `Deserialize` is in tagged_forms.rs: it reads this format without serde's buffer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Arrival {
    /// Random arrivals at a mean rate (exponential gaps).
    Poisson {
        /// Mean arrivals per second.
        rate_per_s: f64,
    },
    /// Evenly spaced arrivals.
    Constant {
        /// Arrivals per second.
        rate_per_s: f64,
    },
    /// A burst of arrivals all at once.
    Burst {
        /// When the burst happens (ms).
        at_ms: f64,
        /// How many arrive.
        count: u32,
    },
}

impl Scenario {
    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The link with this id.
    pub fn link(&self, id: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.id == id)
    }

    /// Switches the monitoring of node or link `id` (kept in the order switched on).
    pub fn set_monitor(&mut self, id: &str, on: bool) {
        self.monitors.retain(|m| m != id);
        if on {
            self.monitors.push(id.to_string());
        }
    }
}

fn one() -> u32 {
    1
}
pub(super) fn one_f64() -> f64 {
    1.0
}
fn default_concurrency() -> u32 {
    8
}
fn default_backlog() -> u32 {
    100
}
fn default_processing() -> Dist {
    Dist::Constant { ms: 10.0 }
}
fn default_restart_ms() -> f64 {
    1_000.0
}
fn default_latency() -> Dist {
    Dist::Constant { ms: 1.0 }
}
fn default_budget_ms() -> f64 {
    200.0
}
