//! The `Deserialize` impls of the engine's internally tagged enums, through
//! [`super::tagged`]: each enum has an externally tagged twin here (serde's
//! `remote` derive, the same variants, fields, defaults and renames) that
//! reads `{"<type>": {...}}`, and the enum's `Deserialize` rewrites
//! `{"type": "<type>", ...}` into that. The JSON format is unchanged (the
//! enums still serialize with `#[serde(tag = "type")]`); see tagged.rs for why.
//!
//! A variant added to an enum must be added to its twin here and to its
//! list of words. The compiler checks the twin's fields (the remote derive
//! builds the real enum) and, in test builds, that the twin has every
//! variant (`twin_is_complete!`); `tests/edits.rs` and `tests/validation.rs`
//! check the words.

use serde::{Deserialize, Deserializer};

use super::dist::{Cumulative, Dist, WeightedPoint};
use super::edit::{Edit, Placed, ResetTo};
use super::scenario::one_f64;
use super::scenario::*;
use super::tagged::{deserialize, rewrite, Form};

/// One of the engine's internally tagged enums, with how it is read.
pub(crate) trait Tagged: Sized + 'static {
    /// How the enum is read (its words, and its twin's reader from text).
    fn form() -> &'static Form<Self>;

    /// Reads the rewritten text `{"<type>": {...}}` with its JSON path
    /// tracked, for the path and reason of the first problem (`None` when
    /// it reads). Only the CLI's and the tests' parsers call it: the web
    /// app's import places problems by line and column instead.
    fn locate(rewritten: &str) -> Option<(String, String)>;
}

/// Implements `Deserialize` for `$real` through its twin `$twin`.
macro_rules! tagged_deserialize {
    ($real:ident, $twin:ident, $name:literal, [$($variant:literal),* $(,)?], [$($unit:literal),* $(,)?]) => {
        impl $crate::engine::tagged_forms::Tagged for $real {
            fn form() -> &'static Form<$real> {
                static FORM: Form<$real> = Form {
                    expecting: concat!("internally tagged enum ", $name),
                    variants: &[$($variant),*],
                    units: &[$($unit),*],
                    read: |text| $twin::deserialize(&mut serde_json::Deserializer::from_str(text)),
                };
                &FORM
            }

            fn locate(rewritten: &str) -> Option<(String, String)> {
                struct Via;
                impl<'de> Deserialize<'de> for Via {
                    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        $twin::deserialize(d).map(|_| Via)
                    }
                }
                let mut de = serde_json::Deserializer::from_str(rewritten);
                serde_path_to_error::deserialize::<_, Via>(&mut de)
                    .err()
                    .map(|e| (e.path().to_string(), $crate::engine::tagged::without_position(e.inner())))
            }
        }

        impl<'de> Deserialize<'de> for $real {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize(d, <$real as $crate::engine::tagged_forms::Tagged>::form())
            }
        }
    };
}

/// Where inside a tagged object a read failed. serde reports any problem
/// inside an internally tagged enum at the enum (`$.links[2].transport`);
/// this reads the object `text` again, as the enum held by a field called
/// `field`, and returns the path inside the object (`breaker.window`, empty
/// when the problem is the object's own) and the reason. `None` when the
/// field holds none of the tagged enums or the object reads.
pub(crate) fn locate(field: &str, text: &str) -> Option<(String, String)> {
    match field {
        "kind" => locate_as::<NodeKind>(text),
        "transport" => locate_as::<Transport>(text),
        "arrival" => locate_as::<Arrival>(text),
        "effect" => locate_as::<FaultEffect>(text),
        "processing" | "latency" => locate_as::<Dist>(text),
        "edit" => locate_as::<Edit>(text),
        _ => None,
    }
}

fn locate_as<T: Tagged>(text: &str) -> Option<(String, String)> {
    let rewritten = rewrite(text, T::form())?;
    let (path, reason) = T::locate(&rewritten)?;
    // The twin's path starts with the variant's word: drop it.
    let inside = path.split_once('.').map_or("", |(_, rest)| rest);
    Some((inside.to_string(), reason))
}

tagged_deserialize!(
    NodeKind,
    NodeKindTwin,
    "NodeKind",
    ["client", "service", "queue", "topic", "log", "gateway", "job"],
    []
);

#[derive(Deserialize)]
#[serde(remote = "NodeKind", rename_all = "snake_case", deny_unknown_fields)]
enum NodeKindTwin {
    Client(ClientSpec),
    Service(ServiceSpec),
    Queue(QueueSpec),
    Topic(TopicSpec),
    Log(LogSpec),
    Gateway(GatewaySpec),
    Job(JobSpec),
}

tagged_deserialize!(
    Transport,
    TransportTwin,
    "Transport",
    [
        "request_response",
        "enqueue",
        "consume",
        "publish",
        "subscribe",
        "append",
        "read",
        "push",
        "saga_step",
        "scheduled_read"
    ],
    ["enqueue", "publish", "scheduled_read"]
);

#[derive(Deserialize)]
#[serde(remote = "Transport", rename_all = "snake_case", deny_unknown_fields)]
enum TransportTwin {
    RequestResponse(SyncPolicy),
    Enqueue,
    Consume(ConsumePolicy),
    Publish,
    Subscribe(SubscribePolicy),
    Append(AppendPolicy),
    Read(ReadPolicy),
    Push(PushPolicy),
    SagaStep(StepPolicy),
    ScheduledRead,
}

tagged_deserialize!(Arrival, ArrivalTwin, "Arrival", ["poisson", "constant", "burst"], []);

#[derive(Deserialize)]
#[serde(remote = "Arrival", rename_all = "snake_case", deny_unknown_fields)]
enum ArrivalTwin {
    Poisson { rate_per_s: f64 },
    Constant { rate_per_s: f64 },
    Burst { at_ms: f64, count: u32 },
}

tagged_deserialize!(
    FaultEffect,
    FaultEffectTwin,
    "FaultEffect",
    [
        "slow",
        "extra_latency",
        "crash",
        "error_rate",
        "hang",
        "poison",
        "publish_fails_after_commit",
        "partition",
        "link_latency",
        "schema_change",
        "gateway_restart",
        "silent_disconnect",
        "compensation_fails",
        "silent_failure",
        "wrong_output",
        "missing_input"
    ],
    ["crash", "hang", "partition", "gateway_restart", "missing_input"]
);

#[derive(Deserialize)]
#[serde(remote = "FaultEffect", rename_all = "snake_case", deny_unknown_fields)]
enum FaultEffectTwin {
    Slow {
        factor: f64,
    },
    ExtraLatency {
        ms: f64,
    },
    Crash,
    ErrorRate {
        rate: f64,
    },
    Hang,
    Poison {
        #[serde(default = "one_f64")]
        probability: f64,
        #[serde(default)]
        count: Option<u32>,
    },
    PublishFailsAfterCommit {
        #[serde(default = "one_f64")]
        probability: f64,
        #[serde(default)]
        stored_share: f64,
    },
    Partition,
    LinkLatency {
        ms: f64,
    },
    SchemaChange {
        schema: Schema,
    },
    GatewayRestart,
    SilentDisconnect {
        share: f64,
    },
    CompensationFails {
        #[serde(default = "one_f64")]
        probability: f64,
        #[serde(default)]
        count: Option<u32>,
    },
    SilentFailure {
        #[serde(default)]
        share_written: f64,
    },
    WrongOutput {
        drift_per_run: f64,
    },
    MissingInput,
}

tagged_deserialize!(
    Dist,
    DistTwin,
    "Dist",
    ["constant", "uniform", "exponential", "log_normal", "bimodal", "empirical"],
    []
);

#[derive(Deserialize)]
#[serde(remote = "Dist", rename_all = "snake_case", deny_unknown_fields)]
enum DistTwin {
    Constant {
        ms: f64,
    },
    Uniform {
        min_ms: f64,
        max_ms: f64,
    },
    Exponential {
        mean_ms: f64,
    },
    LogNormal {
        median_ms: f64,
        sigma: f64,
    },
    Bimodal {
        fast_ms: f64,
        slow_ms: f64,
        slow_probability: f64,
    },
    Empirical {
        points: Vec<WeightedPoint>,
        #[serde(skip)]
        cumulative: Cumulative,
    },
}

tagged_deserialize!(
    Edit,
    EditTwin,
    "Edit",
    [
        "apply_fault",
        "clear_fault",
        "set_transport",
        "set_service",
        "set_queue",
        "set_monitor",
        "move_node",
        "rename_node",
        "set_topic",
        "add_link",
        "remove_subscription",
        "reset_group",
        "set_job",
        "set_log",
        "set_gateway",
        "set_latency",
        "add_node",
        "remove_node",
        "remove_link",
        "restore"
    ],
    []
);

#[derive(Deserialize)]
#[serde(remote = "Edit", rename_all = "snake_case", deny_unknown_fields)]
enum EditTwin {
    ApplyFault {
        fault: Fault,
    },
    ClearFault {
        index: u32,
    },
    SetTransport {
        link: String,
        transport: Transport,
    },
    SetService {
        node: String,
        spec: ServiceSpec,
    },
    SetQueue {
        node: String,
        spec: QueueSpec,
    },
    SetMonitor {
        target: String,
        on: bool,
    },
    MoveNode {
        node: String,
        position: Position,
    },
    RenameNode {
        node: String,
        label: String,
    },
    SetTopic {
        node: String,
        spec: TopicSpec,
    },
    AddLink {
        link: Link,
    },
    RemoveSubscription {
        link: String,
    },
    ResetGroup {
        link: String,
        to: ResetTo,
    },
    SetJob {
        node: String,
        spec: JobSpec,
    },
    SetLog {
        node: String,
        spec: LogSpec,
    },
    SetGateway {
        node: String,
        spec: GatewaySpec,
    },
    SetLatency {
        link: String,
        latency: Dist,
    },
    AddNode {
        node: Node,
    },
    RemoveNode {
        node: String,
    },
    RemoveLink {
        link: String,
    },
    Restore {
        #[serde(default)]
        nodes: Vec<Placed<Node>>,
        #[serde(default)]
        links: Vec<Placed<Link>>,
        #[serde(default)]
        sources: Vec<Placed<Source>>,
        #[serde(default)]
        faults: Vec<Placed<Fault>>,
        #[serde(default)]
        monitors: Vec<Placed<String>>,
    },
}

/// Fails to compile when `$real` has a variant that `$twin` lacks (the
/// match on `$real` must name every variant; each arm names the twin's).
/// Test builds only: nothing of it reaches the wasm.
macro_rules! twin_is_complete {
    ($real:ident, $twin:ident, [$($variant:ident),* $(,)?]) => {
        const _: () = {
            #[cfg(test)]
            #[allow(dead_code)]
            fn covers(real: &$real, twin: &$twin) -> bool {
                match real {
                    $($real::$variant { .. } => matches!(twin, $twin::$variant { .. }),)*
                }
            }
        };
    };
}

twin_is_complete!(NodeKind, NodeKindTwin, [Client, Service, Queue, Topic, Log, Gateway, Job]);
twin_is_complete!(
    Transport,
    TransportTwin,
    [RequestResponse, Enqueue, Consume, Publish, Subscribe, Append, Read, Push, SagaStep, ScheduledRead]
);
twin_is_complete!(Arrival, ArrivalTwin, [Poisson, Constant, Burst]);
twin_is_complete!(
    FaultEffect,
    FaultEffectTwin,
    [
        Slow,
        ExtraLatency,
        Crash,
        ErrorRate,
        Hang,
        Poison,
        PublishFailsAfterCommit,
        Partition,
        LinkLatency,
        SchemaChange,
        GatewayRestart,
        SilentDisconnect,
        CompensationFails,
        SilentFailure,
        WrongOutput,
        MissingInput
    ]
);
twin_is_complete!(Dist, DistTwin, [Constant, Uniform, Exponential, LogNormal, Bimodal, Empirical]);
twin_is_complete!(
    Edit,
    EditTwin,
    [
        ApplyFault,
        ClearFault,
        SetTransport,
        SetService,
        SetQueue,
        SetMonitor,
        MoveNode,
        RenameNode,
        SetTopic,
        AddLink,
        RemoveSubscription,
        ResetGroup,
        SetJob,
        SetLog,
        SetGateway,
        SetLatency,
        AddNode,
        RemoveNode,
        RemoveLink,
        Restore
    ]
);

#[cfg(test)]
mod tests;
