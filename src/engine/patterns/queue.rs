//! Type 2, queues (deferred work): a queue's settings, a consumer's
//! settings, their defaults (Amazon SQS, RabbitMQ) and their validation.

use serde::{Deserialize, Serialize};

use crate::engine::scenario::NodeKind;
use crate::engine::validate::{check_duration, ProblemSink};

/// Settings of a queue (follows Amazon SQS: visibility timeout, maxReceiveCount redrive).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    /// How long a received message stays invisible before it is delivered again
    /// unless acknowledged. SQS's default is 30 000 ms.
    #[serde(default = "default_visibility_ms")]
    pub visibility_timeout_ms: f64,
    /// Dead-letter queue: a message received this many times without an ack is
    /// moved to the DLQ instead of being delivered again. `null`: no DLQ.
    #[serde(default)]
    pub max_receive_count: Option<u32>,
}

impl Default for QueueSpec {
    fn default() -> Self {
        QueueSpec { visibility_timeout_ms: default_visibility_ms(), max_receive_count: None }
    }
}

/// Consumer settings of a queue → service link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumePolicy {
    /// Unacknowledged deliveries each instance may hold (RabbitMQ's prefetch).
    #[serde(default = "one")]
    pub prefetch: u32,
    /// Keep a store of processed message ids and skip repeats.
    #[serde(default)]
    pub idempotent: bool,
}

impl Default for ConsumePolicy {
    fn default() -> Self {
        ConsumePolicy { prefetch: 1, idempotent: false }
    }
}

/// Checks a queue's settings at `p` (the node's `kind`).
pub(crate) fn check_queue(q: &QueueSpec, p: &str, v: &mut impl ProblemSink) {
    check_duration(q.visibility_timeout_ms, format!("{p}.visibility_timeout_ms"), false, v);
    if q.max_receive_count == Some(0) {
        v.problem(format!("{p}.max_receive_count"), "must be at least 1, or null for no dead-letter queue");
    }
}

/// Checks a consumer's settings at `tp` (the link's `transport`).
pub(crate) fn check_consume(c: &ConsumePolicy, tp: &str, v: &mut impl ProblemSink) {
    if c.prefetch == 0 || c.prefetch > 10_000 {
        v.problem(format!("{tp}.prefetch"), "must be between 1 and 10000");
    }
}

/// Why an enqueue link cannot join these two kinds: (`"from"` or `"to"`, reason).
pub(crate) fn enqueue_ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match from {
        NodeKind::Queue(_) | NodeKind::Log(_) | NodeKind::Topic(_) | NodeKind::Gateway(_) | NodeKind::Job(_) => {
            out.push(("from", "an enqueue link starts at a client or service"))
        }
        NodeKind::Client(_) | NodeKind::Service(_) => {}
    }
    match to {
        NodeKind::Queue(_) => {}
        NodeKind::Client(_)
        | NodeKind::Service(_)
        | NodeKind::Log(_)
        | NodeKind::Topic(_)
        | NodeKind::Gateway(_)
        | NodeKind::Job(_) => out.push(("to", "an enqueue link must end at a queue")),
    }
    out
}

/// Why a consume link cannot join these two kinds: (`"from"` or `"to"`, reason).
pub(crate) fn consume_ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match from {
        NodeKind::Queue(_) => {}
        NodeKind::Client(_)
        | NodeKind::Service(_)
        | NodeKind::Log(_)
        | NodeKind::Topic(_)
        | NodeKind::Gateway(_)
        | NodeKind::Job(_) => out.push(("from", "a consume link starts at a queue")),
    }
    match to {
        NodeKind::Service(_) | NodeKind::Gateway(_) => {}
        NodeKind::Client(_) | NodeKind::Queue(_) | NodeKind::Log(_) | NodeKind::Topic(_) | NodeKind::Job(_) => {
            out.push(("to", "a consume link must end at a service"))
        }
    }
    out
}

fn one() -> u32 {
    1
}
fn default_visibility_ms() -> f64 {
    30_000.0
}
