//! Type 1, request-response (REST/gRPC): the protections of a synchronous
//! link — timeout, retries with backoff and jitter, a retry budget, a
//! circuit breaker, a fallback — their defaults (resilience4j, gRPC, the
//! AWS jitter formulas) and their validation.

use serde::{Deserialize, Serialize};

use crate::engine::scenario::NodeKind;
use crate::engine::validate::{check_duration, duration_problem, ProblemSink};

/// Protections of a synchronous link, all optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncPolicy {
    /// Give up waiting for a reply after this long (ms). `null`: wait forever.
    #[serde(default)]
    pub timeout_ms: Option<f64>,
    /// Retry failed calls.
    #[serde(default)]
    pub retry: Option<RetryPolicy>,
    /// Circuit breaker on this link.
    #[serde(default)]
    pub breaker: Option<BreakerPolicy>,
    /// When the call fails for good, carry on with a fallback answer instead of failing.
    #[serde(default)]
    pub fallback: bool,
}

/// Retries with exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Total attempts including the first (as resilience4j's maxAttempts).
    pub max_attempts: u32,
    /// Base of the exponential backoff (ms).
    #[serde(default = "default_backoff_base_ms")]
    pub base_ms: f64,
    /// Cap of the exponential backoff (ms).
    #[serde(default = "default_backoff_cap_ms")]
    pub cap_ms: f64,
    /// How the sleep is randomised.
    #[serde(default)]
    pub jitter: Jitter,
    /// A retry budget that stops retries when too many calls fail.
    #[serde(default)]
    pub budget: Option<RetryBudget>,
}

/// Jitter strategies, with expo = min(cap, base · 2^attempt).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    /// sleep = expo.
    #[default]
    None,
    /// sleep = uniform(0, expo).
    Full,
    /// sleep = expo/2 + uniform(0, expo/2).
    Equal,
    /// sleep = min(cap, uniform(base, 3 · previous sleep)).
    Decorrelated,
}

/// gRPC-style retry throttling: a token bucket per link. Each failed attempt
/// takes one token, each success adds `token_ratio`; retries go out only
/// while more than half the tokens are left.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryBudget {
    /// Size of the bucket (gRPC's maxTokens).
    #[serde(default = "default_max_tokens")]
    pub max_tokens: f64,
    /// Tokens a success gives back (gRPC's tokenRatio).
    #[serde(default = "default_token_ratio")]
    pub token_ratio: f64,
}

/// A circuit breaker with resilience4j's rules and names (count-based window).
/// Defaults are resilience4j's; presets scale the durations down for teaching.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakerPolicy {
    /// Open when this percentage of calls in the window failed (resilience4j: 50).
    #[serde(default = "default_failure_rate")]
    pub failure_rate_threshold: f64,
    /// Open when this percentage of calls in the window were slow (resilience4j: 100).
    #[serde(default = "default_slow_rate")]
    pub slow_call_rate_threshold: f64,
    /// A call is slow when it takes strictly longer than this (ms; resilience4j: 60 000).
    #[serde(default = "default_slow_duration_ms")]
    pub slow_call_duration_ms: f64,
    /// How long the breaker stays open before letting trial calls through (ms; resilience4j: 60 000).
    #[serde(default = "default_wait_open_ms")]
    pub wait_duration_in_open_ms: f64,
    /// Trial calls let through while half-open (resilience4j: 10).
    #[serde(default = "default_half_open_calls")]
    pub permitted_calls_in_half_open: u32,
    /// Calls the window must hold before rates count (resilience4j: 100).
    #[serde(default = "default_window")]
    pub minimum_number_of_calls: u32,
    /// Size of the count-based sliding window (resilience4j: 100).
    #[serde(default = "default_window")]
    pub sliding_window_size: u32,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        BreakerPolicy {
            failure_rate_threshold: default_failure_rate(),
            slow_call_rate_threshold: default_slow_rate(),
            slow_call_duration_ms: default_slow_duration_ms(),
            wait_duration_in_open_ms: default_wait_open_ms(),
            permitted_calls_in_half_open: default_half_open_calls(),
            minimum_number_of_calls: default_window(),
            sliding_window_size: default_window(),
        }
    }
}

/// Checks the protections of a synchronous link.
pub(crate) fn check(policy: &SyncPolicy, tp: &str, v: &mut impl ProblemSink) {
    if let Some(t) = policy.timeout_ms {
        if let Some(reason) = duration_problem(t, false) {
            v.problem(format!("{tp}.timeout_ms"), &format!("{reason}, or null for no timeout"));
        }
    }
    if let Some(r) = &policy.retry {
        if r.max_attempts == 0 || r.max_attempts > 10 {
            v.problem(format!("{tp}.retry.max_attempts"), "must be between 1 and 10");
        }
        check_duration(r.base_ms, format!("{tp}.retry.base_ms"), true, v);
        check_duration(r.cap_ms, format!("{tp}.retry.cap_ms"), true, v);
        if r.cap_ms < r.base_ms {
            v.problem(format!("{tp}.retry.cap_ms"), "must be ≥ base_ms");
        }
        if let Some(b) = &r.budget {
            if !b.max_tokens.is_finite() || b.max_tokens < 1.0 || b.max_tokens > 1_000.0 {
                v.problem(format!("{tp}.retry.budget.max_tokens"), "must be between 1 and 1000");
            }
            if !b.token_ratio.is_finite() || b.token_ratio <= 0.0 || b.token_ratio > 1.0 {
                v.problem(format!("{tp}.retry.budget.token_ratio"), "must be above 0 and at most 1");
            }
        }
    }
    if let Some(b) = &policy.breaker {
        let bp = format!("{tp}.breaker");
        for (name, x) in [
            ("failure_rate_threshold", b.failure_rate_threshold),
            ("slow_call_rate_threshold", b.slow_call_rate_threshold),
        ] {
            if !x.is_finite() || x <= 0.0 || x > 100.0 {
                v.problem(format!("{bp}.{name}"), "must be a percentage above 0 and at most 100");
            }
        }
        for (name, x) in [
            ("slow_call_duration_ms", b.slow_call_duration_ms),
            ("wait_duration_in_open_ms", b.wait_duration_in_open_ms),
        ] {
            check_duration(x, format!("{bp}.{name}"), true, v);
        }
        for (name, x) in [
            ("permitted_calls_in_half_open", b.permitted_calls_in_half_open),
            ("minimum_number_of_calls", b.minimum_number_of_calls),
            ("sliding_window_size", b.sliding_window_size),
        ] {
            if x == 0 || x > 10_000 {
                v.problem(format!("{bp}.{name}"), "must be between 1 and 10000");
            }
        }
    }
}

/// Why a request-response link cannot join these two kinds: (`"from"` or `"to"`, reason).
pub(crate) fn ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match from {
        NodeKind::Queue(_) | NodeKind::Log(_) | NodeKind::Topic(_) | NodeKind::Gateway(_) | NodeKind::Job(_) => {
            out.push(("from", "a request-response link starts at a client or service, not a queue, topic or log"))
        }
        NodeKind::Client(_) | NodeKind::Service(_) => {}
    }
    match to {
        NodeKind::Service(_) | NodeKind::Gateway(_) => {}
        NodeKind::Client(_) | NodeKind::Queue(_) | NodeKind::Log(_) | NodeKind::Topic(_) | NodeKind::Job(_) => {
            out.push(("to", "a request-response link must end at a service"))
        }
    }
    out
}

fn default_backoff_base_ms() -> f64 {
    100.0
}
fn default_backoff_cap_ms() -> f64 {
    10_000.0
}
fn default_max_tokens() -> f64 {
    10.0
}
fn default_token_ratio() -> f64 {
    0.1
}
fn default_failure_rate() -> f64 {
    50.0
}
fn default_slow_rate() -> f64 {
    100.0
}
fn default_slow_duration_ms() -> f64 {
    60_000.0
}
fn default_wait_open_ms() -> f64 {
    60_000.0
}
fn default_half_open_calls() -> u32 {
    10
}
fn default_window() -> u32 {
    100
}

// Read through one shared reader (engine/unit_enum.rs), not serde's derive: smaller wasm.
crate::engine::unit_enum::unit_enum_words!(Jitter { None = "none", Full = "full", Equal = "equal", Decorrelated = "decorrelated" });
