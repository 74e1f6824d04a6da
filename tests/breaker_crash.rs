//! A caller that crashes with a half-open breaker's trial call in flight.
//! The trial's outcome never comes back (its reply arrives late and is
//! ignored), so its permit is given back and the next call tries instead.
//! Before, the breaker waited for that outcome for good and rejected every
//! call from then on (found in an audit).

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::breaker::BreakerState;
use patchbay::engine::event::EventKind;
use patchbay::engine::scenario::Scenario;
use patchbay::engine::{Simulation, SECOND};
use serde_json::json;

#[path = "support/chain.rs"]
mod chain;
use chain::Chain;

/// A calls B (5 s a call, every call failing until 20 s) through a breaker
/// with one trial call; A crashes for 50 ms at 14 s, while a trial is out.
fn scenario() -> Scenario {
    let breaker = json!({"failure_rate_threshold": 50, "slow_call_rate_threshold": 100,
        "slow_call_duration_ms": 60000, "wait_duration_in_open_ms": 1000, "permitted_calls_in_half_open": 1,
        "minimum_number_of_calls": 5, "sliding_window_size": 10});
    Chain::new("breaker-crash", 1)
        .pool(50, 100)
        .b_ms(5000)
        .transport(json!({"breaker": breaker}))
        .arrival(json!({"type": "poisson", "rate_per_s": 20}))
        .fault(json!({"target": "b", "at_ms": 0, "until_ms": 20000, "effect": {"type": "error_rate", "rate": 1.0}}))
        .fault(json!({"target": "a", "at_ms": 14000, "until_ms": 14050, "effect": {"type": "crash"}}))
        .build()
}

#[test]
fn a_trial_call_lost_in_a_crash_does_not_keep_the_breaker_half_open() {
    let mut sim = Simulation::new(scenario()).expect("valid");
    sim.set_recording(true);
    sim.run_until(60 * SECOND).expect("runs");
    let events = sim.drain_events();
    let half_open_at_crash = events
        .iter()
        .filter(|e| e.t < 14 * SECOND)
        .filter_map(|e| if let EventKind::BreakerChanged { to, .. } = e.kind { Some(to) } else { None })
        .next_back();
    assert_eq!(half_open_at_crash, Some(BreakerState::HalfOpen), "the set-up: a trial out when A crashes");
    let closed_after = events
        .iter()
        .any(|e| e.t > 20 * SECOND && matches!(e.kind, EventKind::BreakerChanged { to: BreakerState::Closed, .. }));
    assert!(closed_after, "once B is healthy a trial succeeds and the breaker closes");
    let ok_late = events
        .iter()
        .filter(|e| e.t > 40 * SECOND && matches!(e.kind, EventKind::OrderFinished { ok: true, .. }))
        .count();
    assert!(ok_late > 100, "orders succeed again: {ok_late}");
}
