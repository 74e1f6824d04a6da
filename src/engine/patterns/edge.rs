//! Type 6, the real-time edge (WebSocket / server-sent events): a gateway
//! node holding client connections, and the push link from it to a crowd
//! of clients, with heartbeats, a reconnect policy and SSE resume. Their
//! defaults follow common practice (a 25 s ping, two missed pongs) and
//! their validation.

use serde::{Deserialize, Serialize};

use crate::engine::limits::{MAX_CROWD, MAX_MISSED_PONGS, MAX_REPLAY_BUFFER};
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

/// The wire protocol of a push link.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// WebSocket: both ways on one connection.
    #[default]
    Websocket,
    /// Server-sent events: server to client only; can resume by last event id.
    Sse,
}

/// The client's heartbeat: a ping every interval; after `missed_pongs`
/// unanswered pings in a row it declares the connection dead and reconnects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// Time between pings (ms).
    #[serde(default = "default_interval_ms")]
    pub interval_ms: f64,
    /// Unanswered pings in a row before the connection counts as dead.
    #[serde(default = "default_missed_pongs")]
    pub missed_pongs: u32,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat { interval_ms: default_interval_ms(), missed_pongs: default_missed_pongs() }
    }
}

/// When a client whose connection closed tries again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Reconnect {
    /// Always the same delay: everyone dropped together returns together.
    Fixed {
        /// The delay (ms).
        delay_ms: f64,
    },
    /// Exponential backoff with full jitter (AWS): a uniform draw between 0
    /// and min(max, base × 2^attempt).
    Backoff {
        /// The first ceiling (ms).
        base_ms: f64,
        /// The largest ceiling (ms).
        max_ms: f64,
    },
}

/// Settings of a push link (gateway → client): the crowd behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushPolicy {
    /// WebSocket or SSE.
    #[serde(default)]
    pub protocol: Protocol,
    /// Connected clients (browsers) at the start.
    #[serde(default = "default_clients")]
    pub clients: u32,
    /// The clients' heartbeat. `null`: none (a silently dropped connection is never noticed).
    #[serde(default)]
    pub heartbeat: Option<Heartbeat>,
    /// How clients come back after a close.
    #[serde(default = "default_reconnect")]
    pub reconnect: Reconnect,
    /// SSE only: reconnecting clients send their last event id and the
    /// gateway replays what they missed from its buffer.
    #[serde(default)]
    pub resume: bool,
}

impl Default for PushPolicy {
    fn default() -> Self {
        PushPolicy {
            protocol: Protocol::Websocket,
            clients: default_clients(),
            heartbeat: None,
            reconnect: default_reconnect(),
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
    if let Some(h) = &c.heartbeat {
        check_duration(h.interval_ms, format!("{p}.heartbeat.interval_ms"), false, v);
        if h.missed_pongs == 0 || h.missed_pongs > MAX_MISSED_PONGS {
            v.problem(format!("{p}.heartbeat.missed_pongs"), "must be between 1 and 100");
        }
    }
    match &c.reconnect {
        Reconnect::Fixed { delay_ms } => check_duration(*delay_ms, format!("{p}.reconnect.delay_ms"), true, v),
        Reconnect::Backoff { base_ms, max_ms } => {
            check_duration(*base_ms, format!("{p}.reconnect.base_ms"), false, v);
            check_duration(*max_ms, format!("{p}.reconnect.max_ms"), false, v);
            if max_ms < base_ms {
                v.problem(format!("{p}.reconnect.max_ms"), "must be ≥ base_ms");
            }
        }
    }
    if c.resume && c.protocol != Protocol::Sse {
        v.problem(format!("{p}.resume"), "resume by last event id is an SSE feature; set protocol to sse");
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
fn default_interval_ms() -> f64 {
    25_000.0
}
fn default_missed_pongs() -> u32 {
    2
}
fn default_clients() -> u32 {
    100
}
fn default_reconnect() -> Reconnect {
    Reconnect::Backoff { base_ms: 1_000.0, max_ms: 30_000.0 }
}
