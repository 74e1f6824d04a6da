//! Faults: what can go wrong on a node or link, when, and for how long.

use serde::{Deserialize, Serialize};

use super::Schema;

/// A fault on a node or link, from `at_ms` until `until_ms` (or for good).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The node or link id it hits.
    pub target: String,
    /// When it starts (ms).
    #[serde(default)]
    pub at_ms: f64,
    /// When it recovers (ms). `null`: never.
    #[serde(default)]
    pub until_ms: Option<f64>,
    /// What it does.
    pub effect: FaultEffect,
}

/// What a fault does.
// `Deserialize` is in tagged_forms.rs: it reads this format without serde's buffer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultEffect {
    /// Service: processing takes `factor` times as long.
    Slow {
        /// Multiplier, ≥ 1.
        factor: f64,
    },
    /// Service: every request takes this much longer (ms).
    ExtraLatency {
        /// Added time in ms.
        ms: f64,
    },
    /// Service: every instance is down; calls are refused and work in progress is lost.
    Crash,
    /// Service: processing fails with this probability (added to the service's own).
    ErrorRate {
        /// Probability, 0 to 1.
        rate: f64,
    },
    /// Service: workers stop making progress, with no error and no crash.
    Hang,
    /// Service: messages it sends to queues are malformed and crash whoever processes them.
    Poison {
        /// Share of its messages that are poison, 0 to 1.
        #[serde(default = "one_f64")]
        probability: f64,
        /// At most this many poison messages. `null`: no limit.
        #[serde(default)]
        count: Option<u32>,
    },
    /// Service: its publishes to logs fail after its own database commit.
    PublishFailsAfterCommit {
        /// Share of publishes that fail, 0 to 1.
        #[serde(default = "one_f64")]
        probability: f64,
        /// Of the failed publishes, the share the log had stored before the
        /// confirmation was lost, 0 to 1 (the producer cannot tell them apart).
        #[serde(default)]
        stored_share: f64,
    },
    /// Link: messages sent on it are lost.
    Partition,
    /// Link: messages take this much longer (ms).
    LinkLatency {
        /// Added time in ms.
        ms: f64,
    },
    /// Topic: the publisher starts writing events with this schema (a
    /// deploy); when the fault ends it goes back to the topic's own schema.
    SchemaChange {
        /// The new writer schema.
        schema: Schema,
    },
    /// Gateway: it restarts, closing every connection at once; it accepts
    /// again after its `restart_ms`.
    GatewayRestart,
    /// Push link: a middlebox drops this share of the open connections
    /// without a close; both ends think they are still open.
    SilentDisconnect {
        /// Share of the connected clients hit, 0 to 1.
        share: f64,
    },
    /// Service: its saga compensation handler fails (the forward steps still work).
    CompensationFails {
        /// Share of compensations that fail, 0 to 1.
        #[serde(default = "one_f64")]
        probability: f64,
        /// At most this many failures. `null`: no limit.
        #[serde(default)]
        count: Option<u32>,
    },
    /// Job: runs exit 0 but write only this share of their rows, 0 to 1.
    SilentFailure {
        /// Share of the rows written.
        #[serde(default)]
        share_written: f64,
    },
    /// Job: every run gets this share of its rows' values wrong, and the
    /// error adds up run after run (row counts stay right).
    WrongOutput {
        /// Share of each run's rows that are wrong, 0 to 1.
        drift_per_run: f64,
    },
    /// Job: its inputs are empty or unavailable: runs read nothing and exit 0.
    MissingInput,
}

impl FaultEffect {
    /// True for effects that hit a topic rather than a service.
    pub fn is_topic_fault(&self) -> bool {
        matches!(self, FaultEffect::SchemaChange { .. })
    }

    /// True for effects that hit only a job.
    pub fn is_job_fault(&self) -> bool {
        matches!(self, FaultEffect::SilentFailure { .. } | FaultEffect::WrongOutput { .. } | FaultEffect::MissingInput)
    }

    /// True for effects that hit a link rather than a node.
    pub fn is_link_fault(&self) -> bool {
        matches!(self, FaultEffect::Partition | FaultEffect::LinkLatency { .. } | FaultEffect::SilentDisconnect { .. })
    }

    /// True for effects that hit a gateway rather than a service.
    pub fn is_gateway_fault(&self) -> bool {
        matches!(self, FaultEffect::GatewayRestart)
    }

    /// A short name for logs and summaries.
    pub fn name(&self) -> &'static str {
        match self {
            FaultEffect::Slow { .. } => "slow",
            FaultEffect::ExtraLatency { .. } => "extra_latency",
            FaultEffect::Crash => "crash",
            FaultEffect::ErrorRate { .. } => "error_rate",
            FaultEffect::Hang => "hang",
            FaultEffect::Poison { .. } => "poison",
            FaultEffect::PublishFailsAfterCommit { .. } => "publish_fails_after_commit",
            FaultEffect::Partition => "partition",
            FaultEffect::LinkLatency { .. } => "link_latency",
            FaultEffect::SchemaChange { .. } => "schema_change",
            FaultEffect::GatewayRestart => "gateway_restart",
            FaultEffect::SilentDisconnect { .. } => "silent_disconnect",
            FaultEffect::CompensationFails { .. } => "compensation_fails",
            FaultEffect::SilentFailure { .. } => "silent_failure",
            FaultEffect::WrongOutput { .. } => "wrong_output",
            FaultEffect::MissingInput => "missing_input",
        }
    }
}
