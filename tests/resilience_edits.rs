//! Request-response protections changed while a run goes (SEMANTICS.md,
//! "Circuit breaker"): as in resilience4j and Polly, a changed breaker is
//! a new instance, and calls the old one let through are none of its
//! business.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::breaker::BreakerState;
use patchbay::engine::event::{Event, EventKind};
use patchbay::engine::scenario::{Scenario, Transport};
use patchbay::engine::{Edit, Simulation, SECOND};
use serde_json::{json, Value};

#[path = "support/chain.rs"]
mod chain;
use chain::{Chain, AB};

const MS: u64 = 1_000;

/// Client → A (1 ms) → B (`b_ms` a call, failing every call) over a
/// request-response link with `transport`; 1 ms each way; an order every 100 ms.
fn scenario(b_ms: u32, transport: &Value) -> Scenario {
    Chain::new("resilience-edits", 11).b_ms(b_ms).transport(transport.clone()).b_fails().build()
}

fn transport(v: Value) -> Transport {
    serde_json::from_value(v).expect("transport")
}

/// Runs in 10 ms steps until the breaker on A → B goes half-open (its
/// first trial is then in flight), recording every event.
fn run_to_half_open(sim: &mut Simulation) -> (u64, Vec<Event>) {
    let mut events = Vec::new();
    let mut t = 0;
    while t < 30 * SECOND {
        t += 10 * MS;
        sim.run_until(t).expect("runs");
        events.extend(sim.drain_events());
        if events
            .iter()
            .any(|e| matches!(e.kind, EventKind::BreakerChanged { link: AB, to: BreakerState::HalfOpen, .. }))
        {
            return (t, events);
        }
    }
    panic!("never half-open")
}

/// The breaker changes on A → B at or after `from`: (time, from, to).
fn changes(events: &[Event], from: u64) -> Vec<(u64, BreakerState, BreakerState)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::BreakerChanged { link: AB, from: f, to } if e.t >= from => Some((e.t, f, to)),
            _ => None,
        })
        .collect()
}

/// When each call on A → B was sent and when its outcome (answer or
/// timeout) came back, by message.
fn outcomes(events: &[Event]) -> Vec<(u64, u64)> {
    let mut sent = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for e in events {
        match e.kind {
            EventKind::Sent { msg, link: AB, .. } => {
                sent.insert(msg, e.t);
            }
            EventKind::CallReturned { msg, link: AB, .. } | EventKind::TimedOut { msg, link: AB } => {
                out.push((sent.get(&msg).copied().unwrap_or(u64::MAX), e.t));
            }
            _ => {}
        }
    }
    out
}

/// The old breaker goes half-open and lets a trial through; the breaker is
/// then replaced (new settings) while that trial is in flight. The new
/// breaker must start closed and decide only on calls it let through
/// itself: it opens on its own first failure, goes half-open, and its
/// half-open verdict comes with its own trial's timeout, not with the old
/// trial's late answer (which used to be counted as the new breaker's
/// trial, re-opening it early, because both breakers numbered their
/// states from zero).
#[test]
fn a_replaced_breaker_ignores_the_old_breakers_trial() {
    let old = json!({"failure_rate_threshold": 50, "slow_call_rate_threshold": 100,
                     "slow_call_duration_ms": 60000, "wait_duration_in_open_ms": 1000,
                     "permitted_calls_in_half_open": 2, "minimum_number_of_calls": 5, "sliding_window_size": 10});
    let new = json!({"failure_rate_threshold": 50, "slow_call_rate_threshold": 100,
                     "slow_call_duration_ms": 60000, "wait_duration_in_open_ms": 50,
                     "permitted_calls_in_half_open": 1, "minimum_number_of_calls": 1, "sliding_window_size": 1});
    let mut sim = Simulation::new(scenario(550, &json!({"type": "request_response", "breaker": old}))).expect("valid");
    sim.set_recording(true);
    let (edited, mut events) = run_to_half_open(&mut sim);
    let t = transport(json!({"type": "request_response", "timeout_ms": 300, "breaker": new}));
    sim.apply(&Edit::SetTransport { link: "a-b".into(), transport: t }).expect("edit");
    sim.run_until(edited + 2 * SECOND).expect("runs");
    events.extend(sim.drain_events());
    let after = changes(&events, edited);
    assert_eq!(after[0].1, BreakerState::HalfOpen, "the replaced breaker was half-open: {after:?}");
    assert_eq!(after[0].2, BreakerState::Closed, "a new breaker starts closed: {after:?}");
    let calls = outcomes(&events);
    // Every later decision of the new breaker comes with the outcome of a
    // call it let through (sent after the edit), never an older one.
    let mut half_open_at = edited;
    for &(t, from, to) in &after[1..] {
        if to == BreakerState::HalfOpen {
            // Driven by a call asking to go through, not by an outcome.
            half_open_at = t;
            continue;
        }
        let own = calls.iter().any(|&(sent, back)| back == t && sent > edited && sent >= half_open_at.min(t));
        let stale = calls.iter().any(|&(sent, back)| back == t && sent <= edited);
        assert!(own && !stale, "{from:?} → {to:?} at {t} on a stale outcome: {after:?}\n{calls:?}");
        if from == BreakerState::HalfOpen {
            let trial = calls.iter().find(|&&(sent, back)| back == t && sent >= half_open_at);
            assert!(trial.is_some(), "half-open decided at {t} without its own trial: {after:?}\n{calls:?}");
        }
    }
    assert!(after.iter().any(|c| c.1 == BreakerState::HalfOpen && c.0 > edited), "the new breaker tried: {after:?}");
}

/// A retry policy removed while a call waits for its scheduled retry. What
/// the engine does, on purpose: the retry already scheduled fires (the old
/// policy decided it, as a Polly/resilience4j retry already sleeping in the
/// old pipeline still runs), but every decision after the edit is the new
/// policy's: when that retry fails, with no retry policy left, the call
/// fails instead of retrying again under the old policy's max attempts. So
/// a learner's "retries off" takes effect at each call's next failure,
/// not after every in-flight call has used up its old attempts.
#[test]
fn a_removed_retry_policy_lets_the_pending_retry_fire_then_stops() {
    let retry = json!({"max_attempts": 5, "base_ms": 500, "cap_ms": 500, "jitter": "none"});
    let mut sim = Simulation::new(scenario(10, &json!({"type": "request_response", "retry": retry}))).expect("valid");
    sim.set_recording(true);
    sim.run_until(300 * MS).expect("runs");
    let mut events = sim.drain_events();
    let pending: Vec<u64> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::RetryScheduled { corr, link: AB, attempt: 1, .. } if e.t < 300 * MS => Some(corr),
            _ => None,
        })
        .collect();
    assert!(!pending.is_empty(), "a retry waits at the edit");
    let t = transport(json!({"type": "request_response"}));
    sim.apply(&Edit::SetTransport { link: "a-b".into(), transport: t }).expect("edit");
    sim.run_until(3 * SECOND).expect("runs");
    events.extend(sim.drain_events());
    for corr in pending {
        let tries: Vec<u32> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Sent { corr: c, link: AB, attempt, .. } if c == corr => Some(attempt),
                _ => None,
            })
            .collect();
        assert_eq!(tries, [0, 1], "order {corr}: the scheduled retry fires, no more after it");
    }
    let late = events.iter().filter(|e| e.t > 300 * MS && matches!(e.kind, EventKind::RetryScheduled { .. }));
    assert_eq!(late.count(), 0, "no retry is scheduled after the policy is gone");
}
