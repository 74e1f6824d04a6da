//! Type 6, the real-time edge (WebSocket / server-sent events): a gateway
//! node holding client connections, and the push link from it to a crowd
//! of clients, with heartbeats, a reconnect policy and SSE resume, their
//! defaults and their validation.

use serde::{Deserialize, Serialize};

use crate::engine::limits::{MAX_CROWD, MAX_MISSED_PONGS, MAX_REPLAY_BUFFER, MIN_HEARTBEAT_MS, MIN_RECONNECT_MS};
use crate::engine::scenario::NodeKind;
use crate::engine::validate::{check_duration, ProblemSink};

/// Settings of a gateway: the server end of every push link leaving it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewaySpec {
    /// New connections accepted per 100 ms window; the rest are refused
    /// and retry by their policy. `null`: no limit.
    #[serde(default)]
    pub accept_per_100ms: Option<u32>,
    /// Connections held at most, over all its push links. `null`: no limit.
    #[serde(default)]
    pub max_connections: Option<u32>,
    /// How long a restart keeps the gateway from accepting connections (ms).
    #[serde(default = "default_restart_ms")]
    pub restart_ms: f64,
    /// Recent updates kept per push link for clients that resume with
    /// their last event id (SSE `Last-Event-ID`).
    #[serde(default = "default_replay_buffer")]
    pub replay_buffer: u32,
}

impl Default for GatewaySpec {
    fn default() -> Self {
        GatewaySpec {
            accept_per_100ms: None,
            max_connections: None,
            restart_ms: default_restart_ms(),
            replay_buffer: default_replay_buffer(),
        }
    }
}

/// Settings of a push link (gateway → client): the crowd behind it.
///
/// Flat fields rather than nested tagged objects: each nested enum of the
/// format costs kilobytes of parsing code in the page's wasm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushPolicy {
    /// Server-sent events (server to client only; can resume by last event
    /// id) instead of WebSocket.
    #[serde(default)]
    pub sse: bool,
    /// Connected clients (browsers) at the start.
    #[serde(default = "default_clients")]
    pub clients: u32,
    /// The clients' heartbeat: a ping every this many ms. `null`: none (a
    /// silently dropped connection is never noticed).
    #[serde(default)]
    pub heartbeat_ms: Option<f64>,
    /// Unanswered pings in a row before a client declares its connection dead.
    #[serde(default = "default_missed_pongs")]
    pub missed_pongs: u32,
    /// How a closed client comes back. `false`: after exactly `base_ms`,
    /// every time (a crowd dropped together returns together). `true`:
    /// exponential backoff with full jitter (AWS), a uniform draw between 0
    /// and min(`max_ms`, `base_ms` × 2^failed tries).
    #[serde(default = "yes")]
    pub jitter: bool,
    /// The fixed delay, or the backoff's first ceiling (ms).
    #[serde(default = "default_base_ms")]
    pub base_ms: f64,
    /// The backoff's largest ceiling (ms).
    #[serde(default = "default_max_ms")]
    pub max_ms: f64,
    /// SSE only: reconnecting clients send their last event id and the
    /// gateway replays what they missed from its buffer.
    #[serde(default)]
    pub resume: bool,
}

impl Default for PushPolicy {
    fn default() -> Self {
        PushPolicy {
            sse: false,
            clients: default_clients(),
            heartbeat_ms: None,
            missed_pongs: default_missed_pongs(),
            jitter: true,
            base_ms: default_base_ms(),
            max_ms: default_max_ms(),
            resume: false,
        }
    }
}

/// Checks a gateway's settings.
pub(crate) fn check_gateway(g: &GatewaySpec, p: &str, v: &mut impl ProblemSink) {
    if g.accept_per_100ms.is_some_and(|a| a == 0 || a > MAX_CROWD) {
        v.problem(format!("{p}.accept_per_100ms"), "must be between 1 and 10000, or null");
    }
    if g.max_connections.is_some_and(|a| a == 0 || a > 10 * MAX_CROWD) {
        v.problem(format!("{p}.max_connections"), "must be between 1 and 100000, or null");
    }
    check_duration(g.restart_ms, format!("{p}.restart_ms"), true, v);
    if g.replay_buffer > MAX_REPLAY_BUFFER {
        v.problem(format!("{p}.replay_buffer"), "must be at most 100000");
    }
}

/// Checks a push link's settings.
pub(crate) fn check_push(c: &PushPolicy, p: &str, v: &mut impl ProblemSink) {
    if c.clients == 0 || c.clients > MAX_CROWD {
        v.problem(format!("{p}.clients"), "must be between 1 and 10000");
    }
    if let Some(ms) = c.heartbeat_ms {
        // Each round sweeps the whole crowd: a floor keeps the work per
        // simulated second bounded (real pings are seconds apart).
        if ms.is_nan() || ms < MIN_HEARTBEAT_MS {
            v.problem(format!("{p}.heartbeat_ms"), "must be at least 100 ms (or null for no heartbeat)");
        } else {
            check_duration(ms, format!("{p}.heartbeat_ms"), false, v);
        }
    }
    if c.missed_pongs == 0 || c.missed_pongs > MAX_MISSED_PONGS {
        v.problem(format!("{p}.missed_pongs"), "must be between 1 and 100");
    }
    // A zero delay would make a refused crowd retry in a loop at one
    // instant, and a microsecond one (found in an audit: 10 ms of simulated
    // time took seconds) sweeps every client a million times a second.
    // Real clients wait far longer (a browser's EventSource about 3 s).
    if c.base_ms < MIN_RECONNECT_MS {
        v.problem(format!("{p}.base_ms"), "must be at least 10 ms");
    } else {
        check_duration(c.base_ms, format!("{p}.base_ms"), false, v);
    }
    check_duration(c.max_ms, format!("{p}.max_ms"), false, v);
    if c.jitter && c.max_ms < c.base_ms {
        v.problem(format!("{p}.max_ms"), "must be ≥ base_ms");
    }
    if c.resume && !c.sse {
        v.problem(format!("{p}.resume"), "resume by last event id is an SSE feature; set sse to true");
    }
}

/// Problems with a push link's ends: from a gateway to a client.
pub(crate) fn push_ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if !matches!(from, NodeKind::Gateway(_)) {
        out.push(("from", "a push link must start at a gateway"));
    }
    if !matches!(to, NodeKind::Client(_)) {
        out.push(("to", "a push link must end at a client (the crowd of browsers)"));
    }
    out
}

fn default_restart_ms() -> f64 {
    2_000.0
}
fn default_replay_buffer() -> u32 {
    1_000
}
fn yes() -> bool {
    true
}
fn default_base_ms() -> f64 {
    1_000.0
}
fn default_max_ms() -> f64 {
    30_000.0
}
fn default_missed_pongs() -> u32 {
    2
}
fn default_clients() -> u32 {
    100
}
