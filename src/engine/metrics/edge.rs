//! Metrics of type 6, the real-time edge: per push link the crowd's
//! connections (working, stale, waiting to reconnect), updates pushed,
//! received, missed, replayed and lost, reconnects with their peaks per
//! 100 ms and per second, accept-limit rejections, heartbeat failures and
//! the time a crowd took to come back after a gateway restart.

use serde::Serialize;

use super::Metrics;
use crate::engine::event::EventKind;
use crate::engine::scenario::Scenario;
use crate::engine::time::{Micros, SECOND};

/// One push link's crowd and its traffic.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EdgeMetrics {
    /// Clients behind the link.
    pub clients: u32,
    /// Connections that work now.
    pub connected: u32,
    /// Connections dropped silently that both ends still think are open.
    pub stale: u32,
    /// Clients closed and waiting to reconnect.
    pub reconnecting: u32,
    /// Updates pushed (filled in by the report from the link's sends).
    pub pushed: u64,
    /// Updates that reached their client (replays included).
    pub received: u64,
    /// Updates that found no working connection.
    pub missed: u64,
    /// Missed updates sent again on resume.
    pub replayed: u64,
    /// Updates lost for good (missed without resume, or out of the replay buffer).
    pub lost: u64,
    /// Connections closed by gateway restarts.
    pub closed: u64,
    /// Connections dropped silently.
    pub silent_drops: u64,
    /// Successful reconnects.
    pub reconnects: u64,
    /// Connection attempts refused by the accept limit.
    pub rejected: u64,
    /// Connection attempts that found the gateway down.
    pub refused: u64,
    /// Most connection attempts (accepted or not) in one 100 ms window.
    pub peak_attempts_per_100ms: u32,
    /// Most successful reconnects in one 100 ms window.
    pub peak_reconnects_per_100ms: u32,
    /// Most successful reconnects in one simulated second.
    pub peak_reconnects_per_s: u32,
    /// Pings without a pong, over all heartbeat rounds.
    pub heartbeat_misses: u64,
    /// Connections declared dead by the heartbeat.
    pub heartbeat_deaths: u64,
    /// Updates received in the last whole second (the message rate).
    pub received_last_s: u32,
    /// When the gateway last went down for a restart.
    pub restarted_at: Option<Micros>,
    /// How long after that restart every closed client was connected again.
    pub recovery: Option<Micros>,
    #[serde(skip)]
    gateway: u32,
    #[serde(skip)]
    windows: [(u64, u32, u32); 2],
    #[serde(skip)]
    second: (u64, u32),
}

impl EdgeMetrics {
    /// Updates per working connection per second, over the last whole second.
    pub fn rate_per_connection(&self) -> f64 {
        let open = self.connected + self.stale;
        if open == 0 {
            0.0
        } else {
            f64::from(self.received_last_s) / f64::from(open)
        }
    }

    fn count_attempts(&mut self, t: Micros, attempts: u32, ok: u32) {
        let w = t / 100_000;
        let (win, a, o) = &mut self.windows[0];
        if *win != w {
            *win = w;
            *a = 0;
            *o = 0;
        }
        *a += attempts;
        *o += ok;
        self.peak_attempts_per_100ms = self.peak_attempts_per_100ms.max(*a);
        self.peak_reconnects_per_100ms = self.peak_reconnects_per_100ms.max(*o);
        let (win, _, o) = &mut self.windows[1];
        let w = t / SECOND;
        if *win != w {
            *win = w;
            *o = 0;
        }
        *o += ok;
        self.peak_reconnects_per_s = self.peak_reconnects_per_s.max(*o);
    }

    fn note_received(&mut self, t: Micros) {
        let s = t / SECOND;
        if self.second.0 != s {
            self.received_last_s = if self.second.0 + 1 == s { self.second.1 } else { 0 };
            self.second = (s, 0);
        }
        self.second.1 += 1;
    }
}

/// One entry per link, filled for push links.
pub(super) fn shape(s: &Scenario) -> Vec<EdgeMetrics> {
    s.links
        .iter()
        .map(|l| {
            let clients = l.transport.push_policy().map_or(0, |p| p.clients);
            let gateway = s.nodes.iter().position(|n| n.id == l.from).unwrap_or(usize::MAX) as u32;
            EdgeMetrics { clients, connected: clients, gateway, ..EdgeMetrics::default() }
        })
        .collect()
}

impl Metrics {
    /// Folds one type-6 event in.
    pub(super) fn observe_edge(&mut self, t: Micros, kind: &EventKind) {
        match *kind {
            EventKind::GatewayRestarted { node, up: false } => {
                for e in self.edges.iter_mut().filter(|e| e.gateway == node && e.clients > 0) {
                    e.restarted_at = Some(t);
                    e.recovery = None;
                }
            }
            EventKind::ConnectionsDropped { link, count, silent } => {
                let e = &mut self.edges[link as usize];
                e.connected = e.connected.saturating_sub(count);
                if silent {
                    e.stale += count;
                    e.silent_drops += u64::from(count);
                } else {
                    e.reconnecting += count;
                    e.closed += u64::from(count);
                }
            }
            EventKind::Reconnects { link, ok, rejected, refused } => {
                let e = &mut self.edges[link as usize];
                e.connected += ok;
                e.reconnecting = e.reconnecting.saturating_sub(ok);
                e.reconnects += u64::from(ok);
                e.rejected += u64::from(rejected);
                e.refused += u64::from(refused);
                e.count_attempts(t, ok + rejected + refused, ok);
                if e.reconnecting == 0 && e.recovery.is_none() {
                    e.recovery = e.restarted_at.map(|r| t - r);
                }
            }
            EventKind::HeartbeatsMissed { link, missed, dead } => {
                let e = &mut self.edges[link as usize];
                e.heartbeat_misses += u64::from(missed);
                e.heartbeat_deaths += u64::from(dead);
                e.stale = e.stale.saturating_sub(dead);
                e.reconnecting += dead;
            }
            EventKind::UpdateReceived { link, .. } => {
                let e = &mut self.edges[link as usize];
                e.received += 1;
                e.note_received(t);
            }
            EventKind::UpdateMissed { link, held, .. } => {
                let e = &mut self.edges[link as usize];
                e.missed += 1;
                if !held {
                    e.lost += 1;
                }
            }
            EventKind::UpdateReplayed { link, .. } => self.edges[link as usize].replayed += 1,
            EventKind::UpdateExpired { link, .. } => self.edges[link as usize].lost += 1,
            _ => {}
        }
    }
}
