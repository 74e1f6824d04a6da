//! Type 4, event streams (Kafka-style logs): a log's settings, the settings
//! of an append link (with the transactional outbox) and of a consumer
//! group's read link, their defaults (Kafka's, where Kafka has one) and
//! their validation.

use serde::{Deserialize, Serialize};

use crate::engine::limits::{MAX_LOG_PARTITIONS, MAX_POLL_RECORDS, MAX_RECORDS_PER_PARTITION};
use crate::engine::scenario::NodeKind;
use crate::engine::validate::{check_duration, ProblemSink};

/// Settings of an append-only log split into partitions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSpec {
    /// Number of partitions; a record goes to the partition of its key
    /// (the order's correlation id), so one order's records keep their order.
    /// Kafka's `num.partitions` default is 1.
    #[serde(default = "one")]
    pub partitions: u32,
    /// Records older than this are deleted (ms). Kafka's `retention.ms`
    /// default is 7 days. `null`: kept until the count limit.
    #[serde(default = "default_retention_ms")]
    pub retention_ms: Option<f64>,
    /// At most this many records are kept per partition (the oldest go
    /// first). `null`: only the engine's own cap applies
    /// ([`MAX_RECORDS_PER_PARTITION`]).
    #[serde(default)]
    pub retention_records: Option<u32>,
}

impl Default for LogSpec {
    fn default() -> Self {
        LogSpec { partitions: 1, retention_ms: default_retention_ms(), retention_records: None }
    }
}

/// Settings of an append link (service or client → log).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppendPolicy {
    /// `null`: dual write (the service commits its database, then publishes;
    /// a failed publish is lost). Set: a transactional outbox and its relay.
    #[serde(default)]
    pub outbox: Option<OutboxPolicy>,
}

/// The transactional outbox: the record is written with the business change
/// in one transaction, and a relay publishes pending rows, at least once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxPolicy {
    /// How often the relay publishes the pending rows (ms).
    #[serde(default = "default_relay_interval_ms")]
    pub relay_interval_ms: f64,
}

impl Default for OutboxPolicy {
    fn default() -> Self {
        OutboxPolicy { relay_interval_ms: default_relay_interval_ms() }
    }
}

/// Where a new consumer group starts reading (Kafka's `auto.offset.reset`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StartFrom {
    /// The oldest record still kept.
    Earliest,
    /// Only records appended after the group joined (Kafka's default).
    #[default]
    Latest,
}

/// How a consumer group hands partitions over in a rebalance (Kafka's
/// `partition.assignment.strategy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignor {
    /// The eager protocol with the range assignor (Kafka's long-time
    /// default): every member stops for the rebalance, and partitions are
    /// dealt out again in ranges.
    #[default]
    Range,
    /// The cooperative protocol with sticky assignment: members keep the
    /// partitions they will own afterwards and go on reading them; only the
    /// partitions that move stop until the rebalance ends.
    CooperativeSticky,
}

impl Assignor {
    fn is_range(&self) -> bool {
        *self == Assignor::Range
    }
}

/// When a consumer group commits its position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitPolicy {
    /// After the polled batch is processed: at-least-once (a crash replays
    /// the processed-but-uncommitted records).
    #[default]
    After,
    /// As soon as the batch is polled: at-most-once (a crash loses the
    /// committed-but-unprocessed rest).
    Before,
    /// Every `auto_commit_interval_ms`, the processed position (Kafka's
    /// `enable.auto.commit`): a crash replays up to one interval.
    Auto,
}

/// Settings of a read link (log → service): one consumer group whose members
/// are the service's instances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadPolicy {
    /// Where the group starts when it joins.
    #[serde(default)]
    pub start: StartFrom,
    /// When the group joins the log (ms): a group added later, e.g. a new
    /// analytics job that replays history.
    #[serde(default)]
    pub joins_at_ms: f64,
    /// When the position is committed.
    #[serde(default)]
    pub commit: CommitPolicy,
    /// The auto-commit interval (ms; Kafka's default is 5000).
    #[serde(default = "default_auto_commit_ms")]
    pub auto_commit_interval_ms: f64,
    /// Records one poll returns at most (Kafka's default is 500).
    #[serde(default = "default_max_poll_records")]
    pub max_poll_records: u32,
    /// A member that stops heartbeating is declared dead after this (ms;
    /// Kafka's default is 45 000).
    #[serde(default = "default_session_timeout_ms")]
    pub session_timeout_ms: f64,
    /// How long a rebalance takes (ms): it stops every member, or with the
    /// cooperative assignor only the partitions that move.
    #[serde(default = "default_rebalance_ms")]
    pub rebalance_ms: f64,
    /// How partitions are handed over in a rebalance (left out when `range`).
    #[serde(default, skip_serializing_if = "Assignor::is_range")]
    pub assignor: Assignor,
    /// Static membership (Kafka's `group.instance.id`): an instance that
    /// restarts within its session timeout rejoins as the same member, so
    /// the group does not rebalance and its partitions wait for it; one gone
    /// for longer is dropped and the group rebalances as usual. Left out
    /// when off (dynamic members, Kafka's default).
    #[serde(default, skip_serializing_if = "is_false")]
    pub static_membership: bool,
    /// Remember processed event ids and offsets and skip repeats.
    #[serde(default)]
    pub idempotent: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Default for ReadPolicy {
    fn default() -> Self {
        ReadPolicy {
            start: StartFrom::Latest,
            joins_at_ms: 0.0,
            commit: CommitPolicy::After,
            auto_commit_interval_ms: default_auto_commit_ms(),
            max_poll_records: default_max_poll_records(),
            session_timeout_ms: default_session_timeout_ms(),
            rebalance_ms: default_rebalance_ms(),
            assignor: Assignor::Range,
            static_membership: false,
            idempotent: false,
        }
    }
}

/// Checks a log's settings at `p` (the node's `kind`).
pub(crate) fn check_log(l: &LogSpec, p: &str, v: &mut impl ProblemSink) {
    if l.partitions == 0 || l.partitions > MAX_LOG_PARTITIONS {
        v.problem(format!("{p}.partitions"), &format!("must be between 1 and {MAX_LOG_PARTITIONS}"));
    }
    if let Some(ms) = l.retention_ms {
        check_duration(ms, format!("{p}.retention_ms"), false, v);
    }
    if let Some(n) = l.retention_records {
        if n == 0 || n > MAX_RECORDS_PER_PARTITION {
            v.problem(
                format!("{p}.retention_records"),
                &format!("must be between 1 and {MAX_RECORDS_PER_PARTITION}, or null"),
            );
        }
    }
}

/// Checks an append link's settings at `tp` (the link's `transport`).
pub(crate) fn check_append(a: &AppendPolicy, tp: &str, v: &mut impl ProblemSink) {
    if let Some(o) = &a.outbox {
        check_at_least_1ms(o.relay_interval_ms, format!("{tp}.outbox.relay_interval_ms"), v);
    }
}

/// Checks a read link's settings at `tp` (the link's `transport`).
pub(crate) fn check_read(r: &ReadPolicy, tp: &str, v: &mut impl ProblemSink) {
    check_duration(r.joins_at_ms, format!("{tp}.joins_at_ms"), true, v);
    check_at_least_1ms(r.auto_commit_interval_ms, format!("{tp}.auto_commit_interval_ms"), v);
    if r.max_poll_records == 0 || r.max_poll_records > MAX_POLL_RECORDS {
        v.problem(format!("{tp}.max_poll_records"), &format!("must be between 1 and {MAX_POLL_RECORDS}"));
    }
    check_at_least_1ms(r.session_timeout_ms, format!("{tp}.session_timeout_ms"), v);
    check_duration(r.rebalance_ms, format!("{tp}.rebalance_ms"), true, v);
}

/// Periodic timers shorter than a millisecond would flood the event stream.
fn check_at_least_1ms(ms: f64, path: String, v: &mut impl ProblemSink) {
    if ms.is_finite() && ms < 1.0 {
        v.problem(path, "must be at least 1 ms");
    } else {
        check_duration(ms, path, false, v);
    }
}

/// Why an append link cannot join these two kinds: (`"from"` or `"to"`, reason).
pub(crate) fn append_ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match from {
        NodeKind::Client(_) | NodeKind::Service(_) => {}
        NodeKind::Queue(_) | NodeKind::Topic(_) | NodeKind::Log(_) | NodeKind::Gateway(_) | NodeKind::Job(_) => {
            out.push(("from", "an append link starts at a client or service"))
        }
    }
    match to {
        NodeKind::Log(_) => {}
        NodeKind::Client(_)
        | NodeKind::Service(_)
        | NodeKind::Queue(_)
        | NodeKind::Topic(_)
        | NodeKind::Gateway(_)
        | NodeKind::Job(_) => out.push(("to", "an append link must end at a log")),
    }
    out
}

/// Why a read link cannot join these two kinds: (`"from"` or `"to"`, reason).
pub(crate) fn read_ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match from {
        NodeKind::Log(_) => {}
        NodeKind::Client(_)
        | NodeKind::Service(_)
        | NodeKind::Queue(_)
        | NodeKind::Topic(_)
        | NodeKind::Gateway(_)
        | NodeKind::Job(_) => out.push(("from", "a read link starts at a log")),
    }
    match to {
        NodeKind::Service(_) | NodeKind::Gateway(_) => {}
        NodeKind::Client(_) | NodeKind::Queue(_) | NodeKind::Topic(_) | NodeKind::Log(_) | NodeKind::Job(_) => {
            out.push(("to", "a read link must end at a service (its instances are the group's members)"))
        }
    }
    out
}

fn one() -> u32 {
    1
}
fn default_retention_ms() -> Option<f64> {
    Some(7.0 * 24.0 * 3_600_000.0)
}
fn default_relay_interval_ms() -> f64 {
    1_000.0
}
fn default_auto_commit_ms() -> f64 {
    5_000.0
}
fn default_max_poll_records() -> u32 {
    500
}
fn default_session_timeout_ms() -> f64 {
    45_000.0
}
fn default_rebalance_ms() -> f64 {
    3_000.0
}

// Read through one shared reader (engine/unit_enum.rs), not serde's derive: smaller wasm.
crate::engine::unit_enum::unit_enum_words!(StartFrom { Earliest = "earliest", Latest = "latest" });
crate::engine::unit_enum::unit_enum_words!(Assignor { Range = "range", CooperativeSticky = "cooperative_sticky" });
crate::engine::unit_enum::unit_enum_words!(CommitPolicy { After = "after", Before = "before", Auto = "auto" });
