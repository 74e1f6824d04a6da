//! Every change to a running simulation is a value of [`Edit`]: faults,
//! mitigations, instance counts, settings, where a node is drawn. One
//! checked path applies them ([`crate::engine::Simulation::apply`]), so a
//! list of edits replays exactly, can be saved, undone and sent between
//! pages. An edit that would make the scenario invalid is rejected with the
//! reason and changes nothing.

use serde::{Deserialize, Serialize};

use super::dist::Dist;
use super::error::ScenarioError;
use super::scenario::{
    Fault, GatewaySpec, JobSpec, Link, LogSpec, Node, Position, QueueSpec, ServiceSpec, Source, TopicSpec, Transport,
};

/// One change to a simulation.
// `Deserialize` is in tagged_forms.rs: it reads this format without serde's buffer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    /// Starts a fault now (or at its `at_ms`, if later).
    ApplyFault {
        /// The fault.
        fault: Fault,
    },
    /// Ends a fault now, by its index in [`crate::engine::Simulation::faults`].
    ClearFault {
        /// Which fault.
        index: u32,
    },
    /// Replaces a link's transport settings (timeouts, retries, breaker, fallback, prefetch, idempotency).
    SetTransport {
        /// The link's id.
        link: String,
        /// The new settings; the transport type stays the same.
        transport: Transport,
    },
    /// Replaces a service's settings (instances, workers, backlog, processing time...).
    SetService {
        /// The service's id.
        node: String,
        /// The new settings.
        spec: ServiceSpec,
    },
    /// Replaces a queue's settings (visibility timeout, dead-letter redrive).
    SetQueue {
        /// The queue's id.
        node: String,
        /// The new settings.
        spec: QueueSpec,
    },
    /// Switches the monitoring of a node or link: whether the page raises
    /// its alerts. No effect on behaviour (the run's trace is the same).
    SetMonitor {
        /// The node's or link's id.
        target: String,
        /// On or off.
        on: bool,
    },
    /// Moves a node on the drawing (no effect on behaviour).
    MoveNode {
        /// The node's id.
        node: String,
        /// Where it is drawn now.
        position: Position,
    },
    /// Renames a node's label (its id stays).
    RenameNode {
        /// The node's id.
        node: String,
        /// The new label.
        label: String,
    },
    /// Replaces a topic's settings: its event type, the publisher's writer
    /// schema (checked by the registry, if any, from now on) and its registry.
    SetTopic {
        /// The topic's id.
        node: String,
        /// The new settings.
        spec: TopicSpec,
    },
    /// Adds a link at the end of the link list. A new subscription receives
    /// only events published from now on. Append and read links are refused
    /// while running (their groups and outboxes are built at the start).
    AddLink {
        /// The new link (its id must be new).
        link: Link,
    },
    /// Removes a subscription while running: it receives nothing more, and
    /// the events waiting in it or delivered and unacknowledged are dropped
    /// (fate `dropped`, reason `unsubscribed`). The publisher is untouched.
    /// The link stays in the scenario marked `detached`, so link indices in
    /// traces and metrics keep their meaning.
    RemoveSubscription {
        /// The subscribe link's id.
        link: String,
    },
    /// Moves a consumer group's committed position (Kafka's
    /// `kafka-consumer-groups --reset-offsets`): its members stop for a
    /// rebalance, and every partition restarts from the new position.
    ResetGroup {
        /// The read link (the group).
        link: String,
        /// Where to.
        to: ResetTo,
    },
    /// Replaces a job's settings: monitoring, overlap policy, rate. A new
    /// schedule takes effect after the next fire time already planned.
    SetJob {
        /// The job's id.
        node: String,
        /// The new settings.
        spec: JobSpec,
    },
    /// Replaces a log's settings. New retention limits delete what they no
    /// longer keep when a partition is next touched (Kafka applies them at
    /// its next periodic check). A new partition count is structural: the
    /// run starts again with it (see [`Edit::is_structural`]).
    SetLog {
        /// The log's id.
        node: String,
        /// The new settings.
        spec: LogSpec,
    },
    /// Replaces a gateway's settings. Admission limits apply to the next
    /// connection attempts (connections already open stay), a new restart
    /// time to the next restart, a new replay buffer to the next update kept.
    SetGateway {
        /// The gateway's id.
        node: String,
        /// The new settings.
        spec: GatewaySpec,
    },
    /// Replaces a link's one-way network latency. Messages already on the
    /// wire keep the delay they were given; the next ones draw from the new one.
    SetLatency {
        /// The link's id.
        link: String,
        /// The new latency distribution.
        latency: Dist,
    },
    /// Adds a node at the end of the node list. Like every structural edit
    /// (see [`Edit::is_structural`]), a running simulation takes it by
    /// running the scenario as it now stands again from time zero to now,
    /// with the same seed.
    AddNode {
        /// The new node (its id must be new).
        node: Node,
    },
    /// Removes a node with every link that touches it, the sources aimed at
    /// it and the faults on it or on those links. Refused if something else
    /// would be left naming it.
    RemoveNode {
        /// The node's id.
        node: String,
    },
    /// Removes a link and the faults on it.
    RemoveLink {
        /// The link's id.
        link: String,
    },
    /// Puts removed parts back at their old places: the undo of
    /// [`Edit::RemoveNode`] and [`Edit::RemoveLink`]. Each list is in
    /// ascending index order; indices are those after insertion.
    Restore {
        /// Nodes and their indices.
        #[serde(default)]
        nodes: Vec<Placed<Node>>,
        /// Links and their indices.
        #[serde(default)]
        links: Vec<Placed<Link>>,
        /// Sources and their indices.
        #[serde(default)]
        sources: Vec<Placed<Source>>,
        /// Faults of the scenario and their indices.
        #[serde(default)]
        faults: Vec<Placed<Fault>>,
        /// Monitored ids (the removed node's and its links') and their
        /// indices in `monitors`; left out when empty, so older links read the same.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        monitors: Vec<Placed<String>>,
    },
}

/// A part of a scenario with its index in its list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placed<T> {
    /// Where it goes in its list.
    pub index: u32,
    /// The part.
    pub item: T,
}

impl Edit {
    /// True for edits that change the topology's shape (nodes, links, a
    /// link's transport type). A running simulation cannot grow or lose
    /// parts in place without half-made state, so it takes these by running
    /// the changed scenario again from time zero to the current time.
    pub fn is_structural(&self, scenario: &super::Scenario) -> bool {
        match self {
            Edit::AddNode { .. } | Edit::RemoveNode { .. } | Edit::RemoveLink { .. } | Edit::Restore { .. } => true,
            Edit::SetTransport { link, transport } => scenario
                .link(link)
                .is_some_and(|l| std::mem::discriminant(&l.transport) != std::mem::discriminant(transport)),
            // Append, read and push links carry state made at the start (groups, outboxes, crowds).
            Edit::AddLink { link } => {
                link.transport.append_policy().is_some()
                    || link.transport.read_policy().is_some()
                    || link.transport.push_policy().is_some()
            }
            // Partitions are state made at the start, like an append link's outbox.
            Edit::SetLog { node, spec } => scenario
                .node(node)
                .and_then(|n| n.kind.log())
                .is_some_and(|before| before.partitions != spec.partitions),
            Edit::ApplyFault { .. }
            | Edit::ClearFault { .. }
            | Edit::SetGateway { .. }
            | Edit::SetLatency { .. }
            | Edit::SetService { .. }
            | Edit::SetQueue { .. }
            | Edit::MoveNode { .. }
            | Edit::RenameNode { .. }
            | Edit::SetMonitor { .. }
            | Edit::SetTopic { .. }
            | Edit::RemoveSubscription { .. }
            | Edit::ResetGroup { .. }
            | Edit::SetJob { .. } => false,
        }
    }
}

/// Where [`Edit::ResetGroup`] moves a group, in every partition.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ResetTo {
    /// The oldest record still kept.
    Earliest,
    /// The end of the log: skip everything not yet read.
    Latest,
    /// This offset, clamped to what the partition keeps.
    Offset(u64),
    /// The first record appended at or after this simulated time (ms):
    /// "replay from 10:00".
    TimeMs(f64),
}

/// What applying an edit produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The edit took effect.
    Done,
    /// A fault was added, with this index.
    Fault(u32),
}

/// An edit due at a simulated time: the CLI's `--edits` file is a JSON list of these.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedEdit {
    /// When to apply it (ms of simulated time).
    pub at_ms: f64,
    /// The change.
    pub edit: Edit,
}

/// Most edits one `--edits` file may hold.
pub const MAX_TIMED_EDITS: usize = 10_000;

/// Parses a list of timed edits, naming the JSON path of any problem. The
/// list comes back sorted by time (stable, so edits at one time keep their order).
pub fn parse_timed_edits(json: &str) -> Result<Vec<TimedEdit>, ScenarioError> {
    if json.len() > super::limits::MAX_SCENARIO_BYTES {
        return Err(ScenarioError::new("$", "the edit list is too large"));
    }
    if let Some(e) = super::parse::wrong_start(json, b'[', "an edit list is a JSON list ([ … ]) of timed edits") {
        return Err(e);
    }
    let mut de = serde_json::Deserializer::from_str(json);
    let mut edits: Vec<TimedEdit> = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let (path, reason) = super::parse::refine_tagged(json, e.path().to_string(), e.into_inner().to_string());
        ScenarioError::new(super::parse::json_path(&path), reason)
    })?;
    de.end().map_err(|e| ScenarioError::new("$", format!("unexpected text after the list: {e}")))?;
    if edits.len() > MAX_TIMED_EDITS {
        return Err(ScenarioError::new("$", format!("{} edits; at most {MAX_TIMED_EDITS} are allowed", edits.len())));
    }
    for (i, e) in edits.iter().enumerate() {
        if let Some(reason) = super::validate::duration_problem(e.at_ms, true) {
            return Err(ScenarioError::new(format!("$[{i}].at_ms"), reason));
        }
    }
    super::sort::sort_stable_by(&mut edits, |a, b| a.at_ms.total_cmp(&b.at_ms).is_lt());
    Ok(edits)
}
