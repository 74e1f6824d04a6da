//! Type 3, publish-subscribe (event distribution): a topic's settings, a
//! subscription's settings, their defaults (Google Pub/Sub, Confluent Schema
//! Registry) and their validation. Schemas and their compatibility rules
//! are in [`super::schema`].

use serde::{Deserialize, Serialize};

use super::schema::{CompatMode, Field, Schema};
use crate::engine::limits::{
    MAX_DELIVERY_ATTEMPTS, MAX_FIELDS_PER_SCHEMA, MAX_FIELD_NAME_CHARS, MAX_LABEL_CHARS, MAX_SCHEMA_VERSION,
    MAX_SUBSCRIPTION_BACKOFF_MS, MIN_DELIVERY_ATTEMPTS,
};
use crate::engine::scenario::NodeKind;
use crate::engine::time::{ms_to_micros, Micros};
use crate::engine::validate::{check_duration, duration_problem, ProblemSink};

/// Settings of a topic: the events published to it and the publisher's
/// current writer schema. Every subscription gets its own copy of each event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// The type of the events, a fact in the past tense (`order.placed`).
    pub event_type: String,
    /// The schema the publisher writes at the start. A `schema_change`
    /// fault or a `set_topic` edit replaces it while running.
    pub schema: Schema,
    /// A schema registry guarding the topic. `null`: none, any schema is
    /// published.
    #[serde(default)]
    pub registry: Option<Registry>,
}

/// A schema registry in front of a topic (Confluent Schema Registry).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// The compatibility a new writer schema must have with the registered
    /// ones. Default `BACKWARD`, as in Confluent.
    #[serde(default)]
    pub mode: CompatMode,
}

/// What a subscriber does with an event it cannot read (its schema lacks a
/// field the subscriber requires).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnUnreadable {
    /// Discards it and acknowledges: no error, no alert, just missing data.
    #[default]
    Drop,
    /// Nacks it, as for a failed handler: Pub/Sub delivers it again, and
    /// once `max_delivery_attempts` deliveries have been nacked it moves the
    /// event to the subscription's dead-letter queue. (A subscriber cannot
    /// dead-letter an event itself.)
    DeadLetter,
}

/// Settings of a topic → service subscription (Google Pub/Sub).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscribePolicy {
    /// How long a delivered event may stay unacknowledged before it is
    /// delivered again. Pub/Sub's default is 10 000 ms. A nack (a failed
    /// handler) does not wait for it; a crashed subscriber does.
    #[serde(default = "default_ack_deadline_ms")]
    pub ack_deadline_ms: f64,
    /// Delivery attempts before the event moves to the subscription's
    /// dead-letter queue: 5 to 100 (Pub/Sub), default 5. `null`: no DLQ.
    #[serde(default = "default_max_delivery_attempts")]
    pub max_delivery_attempts: Option<u32>,
    /// Unacknowledged deliveries each subscriber instance may hold.
    #[serde(default = "one")]
    pub prefetch: u32,
    /// Keep a store of processed event ids and skip repeats.
    #[serde(default)]
    pub idempotent: bool,
    /// The reader schema: the fields this subscriber reads, each required or
    /// optional. An event lacking a required one is unreadable.
    #[serde(default)]
    pub reads: Vec<Field>,
    /// What happens to an unreadable event. Default `drop`.
    #[serde(default)]
    pub on_unreadable: OnUnreadable,
    /// Pub/Sub's retry policy: how long a nacked or expired event waits
    /// before it can be delivered again. `null` (the default, and Pub/Sub's):
    /// retry immediately. Left out when null so scenarios written before it
    /// existed read and write the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<RetryBackoff>,
    /// Set by a `remove_subscription` edit: the subscription receives
    /// nothing more. It stays listed so that link indices in traces and
    /// metrics keep their meaning.
    #[serde(default, skip_serializing_if = "is_false")]
    pub detached: bool,
}

impl Default for SubscribePolicy {
    fn default() -> Self {
        SubscribePolicy {
            ack_deadline_ms: default_ack_deadline_ms(),
            max_delivery_attempts: default_max_delivery_attempts(),
            prefetch: 1,
            idempotent: false,
            reads: Vec::new(),
            on_unreadable: OnUnreadable::Drop,
            retry_policy: None,
            detached: false,
        }
    }
}

/// Exponential backoff between deliveries of one event (Pub/Sub's
/// `retryPolicy` with `minimumBackoff` and `maximumBackoff`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryBackoff {
    /// The wait after an event's first failed delivery: 0 to 600 000 ms,
    /// default 10 000 (Pub/Sub's).
    #[serde(default = "default_minimum_backoff_ms")]
    pub minimum_backoff_ms: f64,
    /// The longest wait: 0 to 600 000 ms and at least the minimum, default
    /// 600 000 (Pub/Sub's).
    #[serde(default = "default_maximum_backoff_ms")]
    pub maximum_backoff_ms: f64,
}

impl Default for RetryBackoff {
    fn default() -> Self {
        RetryBackoff {
            minimum_backoff_ms: default_minimum_backoff_ms(),
            maximum_backoff_ms: default_maximum_backoff_ms(),
        }
    }
}

impl RetryBackoff {
    /// The wait after an event's `failed`-th failed delivery (1 for the
    /// first): the minimum, doubled for each failure before it, capped at
    /// the maximum. Google does not publish Pub/Sub's curve, only its ends;
    /// doubling is the usual exponential backoff and reaches the cap in at
    /// most a few dozen failures from any minimum.
    pub fn delay(&self, failed: u32) -> Micros {
        let (min, max) = (ms_to_micros(self.minimum_backoff_ms), ms_to_micros(self.maximum_backoff_ms));
        // Past 40 doublings every allowed minimum (at least 1 µs) is beyond the 600 s cap.
        let doublings = failed.saturating_sub(1).min(40);
        min.saturating_mul(1 << doublings).min(max)
    }
}

/// Checks a schema's fields at `p`.
pub(crate) fn check_schema(s: &Schema, p: &str, v: &mut impl ProblemSink) {
    check_name(&s.name, &format!("{p}.name"), MAX_LABEL_CHARS, v);
    if s.version == 0 || s.version > MAX_SCHEMA_VERSION {
        v.problem(format!("{p}.version"), &format!("must be between 1 and {MAX_SCHEMA_VERSION}"));
    }
    check_fields(&s.fields, &format!("{p}.fields"), v);
}

/// Checks a list of fields (writer or reader schema) at `p`.
pub(crate) fn check_fields(fields: &[Field], p: &str, v: &mut impl ProblemSink) {
    if fields.len() > MAX_FIELDS_PER_SCHEMA {
        v.problem(p.to_string(), &format!("has {} fields; at most {MAX_FIELDS_PER_SCHEMA} are allowed", fields.len()));
        return;
    }
    for (i, f) in fields.iter().enumerate() {
        check_name(&f.name, &format!("{p}[{i}].name"), MAX_FIELD_NAME_CHARS, v);
        if fields[..i].iter().any(|g| g.name == f.name) {
            v.problem(format!("{p}[{i}].name"), &format!("duplicate field '{}'", f.name));
        }
    }
}

fn check_name(name: &str, p: &str, max: usize, v: &mut impl ProblemSink) {
    let chars = name.chars().count();
    if chars == 0 {
        v.problem(p.to_string(), "must not be empty");
    } else if chars > max {
        v.problem(p.to_string(), &format!("has {chars} characters; at most {max} are allowed"));
    }
}

/// Checks a topic's settings at `p` (the node's `kind`).
pub(crate) fn check_topic(t: &TopicSpec, p: &str, v: &mut impl ProblemSink) {
    check_name(&t.event_type, &format!("{p}.event_type"), MAX_LABEL_CHARS, v);
    check_schema(&t.schema, &format!("{p}.schema"), v);
}

/// Checks a subscription's settings at `tp` (the link's `transport`).
pub(crate) fn check_subscribe(c: &SubscribePolicy, tp: &str, v: &mut impl ProblemSink) {
    check_duration(c.ack_deadline_ms, format!("{tp}.ack_deadline_ms"), false, v);
    if let Some(n) = c.max_delivery_attempts {
        if !(MIN_DELIVERY_ATTEMPTS..=MAX_DELIVERY_ATTEMPTS).contains(&n) {
            v.problem(
                format!("{tp}.max_delivery_attempts"),
                &format!(
                    "must be between {MIN_DELIVERY_ATTEMPTS} and {MAX_DELIVERY_ATTEMPTS} (Pub/Sub), or null for no dead-letter queue"
                ),
            );
        }
    }
    if c.prefetch == 0 || c.prefetch > 10_000 {
        v.problem(format!("{tp}.prefetch"), "must be between 1 and 10000");
    }
    check_fields(&c.reads, &format!("{tp}.reads"), v);
    if c.on_unreadable == OnUnreadable::DeadLetter && c.max_delivery_attempts.is_none() {
        v.problem(format!("{tp}.on_unreadable"), "dead_letter needs a dead-letter queue: set max_delivery_attempts");
    }
    if let Some(r) = &c.retry_policy {
        check_retry_policy(r, &format!("{tp}.retry_policy"), v);
    }
}

/// Checks a retry policy at `p`: both backoffs within Pub/Sub's 0–600 s,
/// the maximum no shorter than the minimum.
fn check_retry_policy(r: &RetryBackoff, p: &str, v: &mut impl ProblemSink) {
    let mut ok = true;
    for (name, ms) in [("minimum_backoff_ms", r.minimum_backoff_ms), ("maximum_backoff_ms", r.maximum_backoff_ms)] {
        let reason = duration_problem(ms, true).or_else(|| {
            (ms > MAX_SUBSCRIPTION_BACKOFF_MS)
                .then(|| format!("must be at most {MAX_SUBSCRIPTION_BACKOFF_MS} ms (600 s, Pub/Sub's limit)"))
        });
        if let Some(reason) = reason {
            v.problem(format!("{p}.{name}"), &reason);
            ok = false;
        }
    }
    if ok && r.maximum_backoff_ms < r.minimum_backoff_ms {
        v.problem(format!("{p}.maximum_backoff_ms"), "must be at least minimum_backoff_ms");
    }
}

/// Why a publish link cannot join these two kinds: (`"from"` or `"to"`, reason).
pub(crate) fn publish_ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match from {
        NodeKind::Client(_) | NodeKind::Service(_) => {}
        NodeKind::Queue(_) | NodeKind::Topic(_) | NodeKind::Log(_) | NodeKind::Gateway(_) | NodeKind::Job(_) => {
            out.push(("from", "a publish link starts at a client or service"))
        }
    }
    match to {
        NodeKind::Topic(_) => {}
        NodeKind::Client(_)
        | NodeKind::Service(_)
        | NodeKind::Queue(_)
        | NodeKind::Log(_)
        | NodeKind::Gateway(_)
        | NodeKind::Job(_) => out.push(("to", "a publish link must end at a topic")),
    }
    out
}

/// Why a subscribe link cannot join these two kinds: (`"from"` or `"to"`, reason).
pub(crate) fn subscribe_ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match from {
        NodeKind::Topic(_) => {}
        NodeKind::Client(_)
        | NodeKind::Service(_)
        | NodeKind::Queue(_)
        | NodeKind::Log(_)
        | NodeKind::Gateway(_)
        | NodeKind::Job(_) => out.push(("from", "a subscribe link starts at a topic")),
    }
    match to {
        NodeKind::Service(_) | NodeKind::Gateway(_) => {}
        NodeKind::Client(_) | NodeKind::Queue(_) | NodeKind::Topic(_) | NodeKind::Log(_) | NodeKind::Job(_) => {
            out.push(("to", "a subscribe link must end at a service"))
        }
    }
    out
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn one() -> u32 {
    1
}
fn default_ack_deadline_ms() -> f64 {
    10_000.0
}
fn default_max_delivery_attempts() -> Option<u32> {
    Some(5)
}
fn default_minimum_backoff_ms() -> f64 {
    10_000.0
}
fn default_maximum_backoff_ms() -> f64 {
    MAX_SUBSCRIPTION_BACKOFF_MS
}

// Read through one shared reader (engine/unit_enum.rs), not serde's derive: smaller wasm.
crate::engine::unit_enum::unit_enum_words!(OnUnreadable { Drop = "drop", DeadLetter = "dead_letter" });
