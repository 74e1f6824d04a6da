//! Metrics of type 1, request-response: per link, call outcomes, round
//! trips, retries, timeouts, breaker rejections and the breaker's history.

use serde::Serialize;

use super::Metrics;
use crate::engine::breaker::BreakerState;
use crate::engine::event::EventKind;
use crate::engine::histogram::Histogram;
use crate::engine::time::Micros;

/// Per-link counters, call latency and breaker history.
#[derive(Clone, Debug, Serialize)]
pub struct LinkMetrics {
    /// Messages put on the link (call attempts or enqueues).
    pub sent: u64,
    /// Of which retries.
    pub retries: u64,
    /// Attempts that came back successful.
    pub ok: u64,
    /// Attempts that came back failed (not counting timeouts).
    pub errors: u64,
    /// Attempts the caller stopped waiting for.
    pub timeouts: u64,
    /// Replies that arrived after a timeout.
    pub late_replies: u64,
    /// Retries refused by the retry budget.
    pub retries_denied: u64,
    /// Calls rejected by the breaker.
    pub short_circuits: u64,
    /// Calls answered by a fallback.
    pub fallbacks: u64,
    /// Messages lost on a partitioned link.
    pub dropped: u64,
    /// Round trip of attempts that returned.
    pub rtt: Histogram,
    /// Round trips since the last track sample (per-second p50 and p99).
    #[serde(skip)]
    pub window: super::Window,
    /// Breaker state now.
    pub breaker: BreakerState,
    #[serde(skip)]
    breaker_since: Micros,
    /// Time spent closed, open and half-open before the current state.
    #[serde(skip)]
    pub time_in_state: [Micros; 3],
    /// Breaker transitions.
    pub breaker_changes: u64,
    /// The breaker was half-open at some moment since the last track
    /// sample: a trial of a few hundred ms between two open periods would
    /// not show in a chart that reads the state once a second.
    #[serde(skip)]
    pub half_open_seen: bool,
}

impl Default for LinkMetrics {
    fn default() -> Self {
        LinkMetrics {
            sent: 0,
            retries: 0,
            ok: 0,
            errors: 0,
            timeouts: 0,
            late_replies: 0,
            retries_denied: 0,
            short_circuits: 0,
            fallbacks: 0,
            dropped: 0,
            rtt: Histogram::default(),
            window: super::Window::default(),
            breaker: BreakerState::Closed,
            breaker_since: 0,
            time_in_state: [0; 3],
            breaker_changes: 0,
            half_open_seen: false,
        }
    }
}

fn state_ix(s: BreakerState) -> usize {
    match s {
        BreakerState::Closed => 0,
        BreakerState::Open => 1,
        BreakerState::HalfOpen => 2,
    }
}

impl LinkMetrics {
    /// Time spent in each breaker state up to `now` (closed, open, half-open).
    pub fn breaker_times(&self, now: Micros) -> [Micros; 3] {
        let mut t = self.time_in_state;
        t[state_ix(self.breaker)] += now.saturating_sub(self.breaker_since);
        t
    }
}

impl Metrics {
    /// Folds one request-response event in.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn observe_call(&mut self, t: Micros, kind: &EventKind) {
        match *kind {
            EventKind::CallReturned { link, ok, rtt, .. } => {
                let l = &mut self.links[link as usize];
                if ok {
                    l.ok += 1;
                } else {
                    l.errors += 1;
                }
                l.rtt.record(rtt);
                l.window.record(rtt);
            }
            EventKind::TimedOut { link, .. } => {
                self.links[link as usize].timeouts += 1;
                self.bucket(t).timeouts += 1;
            }
            EventKind::LateReply { link, .. } => self.links[link as usize].late_replies += 1,
            EventKind::RetryDenied { link, .. } => self.links[link as usize].retries_denied += 1,
            EventKind::ShortCircuited { link, .. } => {
                self.links[link as usize].short_circuits += 1;
                self.bucket(t).short_circuits += 1;
            }
            EventKind::BreakerChanged { link, to, .. } => {
                let l = &mut self.links[link as usize];
                l.time_in_state[state_ix(l.breaker)] += t.saturating_sub(l.breaker_since);
                l.breaker = to;
                l.breaker_since = t;
                l.breaker_changes += 1;
                l.half_open_seen |= to == BreakerState::HalfOpen;
            }
            EventKind::FallbackUsed { link, .. } => self.links[link as usize].fallbacks += 1,
            _ => {}
        }
    }
}
