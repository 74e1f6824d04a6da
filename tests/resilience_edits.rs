//! Request-response protections changed while a run goes (SEMANTICS.md,
//! "Circuit breaker" and "Retries, backoff, jitter, budgets";
//! docs/scenario-format.md says what each change does): as in resilience4j
//! and Polly, a changed breaker is a new instance, and calls the old one
//! let through are none of its business; an attempt keeps the timeout it
//! was sent with; a retry already scheduled fires, and the call's later
//! decisions follow the new retry policy (our choice: the libraries keep
//! a call's policy for all its attempts); a changed retry budget keeps the
//! share of tokens its bucket had, as gRPC's C core does.

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

/// Every attempt sent over A → B: (order, time, attempt).
fn sends(events: &[Event]) -> Vec<(u64, u64, u32)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Sent { corr, link: AB, attempt, .. } => Some((corr, e.t, attempt)),
            _ => None,
        })
        .collect()
}

/// Runs `s` to `at`, replaces the A → B transport with `t`, runs to `end`;
/// every event.
fn edited(s: Scenario, at: u64, t: Value, end: u64) -> Vec<Event> {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(at).expect("runs");
    let mut events = sim.drain_events();
    sim.apply(&Edit::SetTransport { link: "a-b".into(), transport: transport(t) }).expect("edit");
    sim.run_until(end).expect("runs");
    events.extend(sim.drain_events());
    assert!(sim.ledger().balances(sim.live_messages()));
    events
}

/// One order at 0 through A → B (10 ms a call) with `t`.
fn one_order(t: &Value, b_fails: bool) -> Scenario {
    let chain = Chain::new("resilience-edits", 11).b_ms(10).transport(t.clone());
    let chain = chain.arrival(json!({"type": "burst", "at_ms": 0, "count": 1}));
    if b_fails { chain.b_fails() } else { chain }.build()
}

/// A changed backoff (same number of attempts) while a retry waits: the
/// retry already scheduled fires when the old policy said (its sleep was
/// drawn), and every later sleep is the new policy's, counted from the
/// call's attempts so far (retry n sleeps base · 2ⁿ). resilience4j and
/// Polly would keep the old policy for the whole call (a call's retry
/// context is made from the configuration it started with); the engine
/// applies the new one from the call's next failure, as it does for a
/// removed policy, so a change shows at once (docs/scenario-format.md).
#[test]
fn a_changed_backoff_lets_the_pending_retry_fire_then_sleeps_the_new_way() {
    let old = json!({"retry": {"max_attempts": 5, "base_ms": 500, "cap_ms": 500, "jitter": "none"}});
    let new = json!({"type": "request_response",
                     "retry": {"max_attempts": 5, "base_ms": 50, "cap_ms": 10_000, "jitter": "none"}});
    // Attempt 0 leaves at 1 ms (A works 1 ms) and its failure is back at
    // 13 ms: retry 1 is due at 513 ms. The backoff changes at 300 ms.
    let events = edited(one_order(&old, true), 300 * MS, new, 5 * SECOND);
    let sleeps: Vec<u64> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::RetryScheduled { link: AB, delay, .. } => Some(delay / MS),
            _ => None,
        })
        .collect();
    assert_eq!(sleeps, [500, 100, 200, 400], "the old sleep, then 50 ms · 2ⁿ for retries 1, 2, 3");
    let times: Vec<(u64, u32)> = sends(&events).iter().map(|&(_, t, a)| (t / MS, a)).collect();
    assert_eq!(times, [(1, 0), (513, 1), (625, 2), (837, 3), (1_249, 4)]);
}

/// Max attempts lowered below the attempts a call has made while its
/// retry waits: the retry fires, and its failure ends the call (no
/// underflow, no retry past the new limit).
#[test]
fn fewer_attempts_than_made_end_the_call_at_its_next_failure() {
    let old = json!({"retry": {"max_attempts": 5, "base_ms": 100, "cap_ms": 100, "jitter": "none"}});
    let new = json!({"type": "request_response",
                     "retry": {"max_attempts": 2, "base_ms": 100, "cap_ms": 100, "jitter": "none"}});
    // Attempts at 1, 113 and 225 ms; the edit at 300 ms finds retry 3 due
    // at 337 ms, with 3 attempts made against a new limit of 2.
    let events = edited(one_order(&old, true), 300 * MS, new, 5 * SECOND);
    let times: Vec<(u64, u32)> = sends(&events).iter().map(|&(_, t, a)| (t / MS, a)).collect();
    assert_eq!(times, [(1, 0), (113, 1), (225, 2), (337, 3)]);
    let finished: Vec<bool> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::OrderFinished { ok, .. } => Some(ok),
            _ => None,
        })
        .collect();
    assert_eq!(finished, [false], "the order fails once the retry fails");
}

/// A timeout changed while an attempt waits: the attempt keeps the
/// deadline it was sent with (resilience4j's TimeLimiter and Polly's
/// timeout fix it when the attempt starts); the next attempt has the new one.
#[test]
fn a_longer_timeout_applies_from_the_next_attempt() {
    // B takes 1 s. Attempt 0 leaves at 1 ms with a 300 ms timeout; the
    // timeout becomes 2 s at 100 ms. Attempt 0 still times out at 301 ms;
    // retry 1 (311 ms) waits up to 2 s and its answer is back at 1,313 ms.
    let old = json!({"timeout_ms": 300, "retry": {"max_attempts": 2, "base_ms": 10, "cap_ms": 10, "jitter": "none"}});
    let mut new = old.clone();
    new["type"] = json!("request_response");
    new["timeout_ms"] = json!(2_000);
    let s = Chain::new("resilience-edits", 11)
        .b_ms(1_000)
        .transport(old)
        .arrival(json!({"type": "burst", "at_ms": 0, "count": 1}))
        .build();
    let events = edited(s, 100 * MS, new, 5 * SECOND);
    let timed_out: Vec<u64> =
        events.iter().filter(|e| matches!(e.kind, EventKind::TimedOut { link: AB, .. })).map(|e| e.t / MS).collect();
    assert_eq!(timed_out, [301]);
    let returned: Vec<(u64, bool)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::CallReturned { link: AB, ok, .. } => Some((e.t / MS, ok)),
            _ => None,
        })
        .collect();
    assert_eq!(returned, [(1_313, true)]);
}

/// A timeout added while an attempt waits without one: that attempt keeps
/// waiting (it was sent with none); the next order's attempt has it.
#[test]
fn a_timeout_added_mid_call_leaves_the_attempt_out_without_one() {
    // Orders at 1 s and 2 s; B takes 1 s. The first attempt leaves at
    // 1,001 ms with no timeout; a 300 ms timeout comes at 1,100 ms. The
    // first call is answered at 2,003 ms; the second order's attempt
    // (2,001 ms) times out at 2,301 ms.
    let s = Chain::new("resilience-edits", 11)
        .b_ms(1_000)
        .arrival(json!({"type": "constant", "rate_per_s": 1}))
        .stop_at(2_500)
        .build();
    let events = edited(s, 1_100 * MS, json!({"type": "request_response", "timeout_ms": 300}), 5 * SECOND);
    let outcomes: Vec<(u64, &str)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::CallReturned { link: AB, .. } => Some((e.t / MS, "answered")),
            EventKind::TimedOut { link: AB, .. } => Some((e.t / MS, "timed out")),
            _ => None,
        })
        .collect();
    assert_eq!(outcomes, [(2_003, "answered"), (2_301, "timed out")]);
}

/// A retry budget (gRPC retry throttling) resized while it throttles:
/// gRPC's C core makes the new bucket as full, in proportion, as the old
/// one was, so a client throttled on the old scale stays throttled on the
/// new one. Orders come at 1 s, 2 s … 5 s and B fails every call: order 1
/// spends 10 → 7 in three attempts, order 2 → 5 (its second retry denied:
/// throttled from then on). At 2.5 s the bucket becomes 20 tokens: 5 of 10
/// is 10 of 20, not more than half, so orders 3 to 5 still get no retry (a
/// full new bucket, as before, gave order 3 three attempts).
#[test]
fn a_resized_retry_budget_keeps_its_share_of_tokens() {
    let retry = |max: u32| {
        json!({"max_attempts": 3, "base_ms": 10, "cap_ms": 10, "jitter": "none",
               "budget": {"max_tokens": max, "token_ratio": 0.1}})
    };
    let s = Chain::new("resilience-edits", 11)
        .transport(json!({"retry": retry(10)}))
        .arrival(json!({"type": "constant", "rate_per_s": 1}))
        .b_fails()
        .build();
    let events = edited(s, 2_500 * MS, json!({"type": "request_response", "retry": retry(20)}), 5_500 * MS);
    let mut per_order: std::collections::BTreeMap<u64, usize> = std::collections::BTreeMap::new();
    for (corr, _, _) in sends(&events) {
        *per_order.entry(corr).or_default() += 1;
    }
    let counts: Vec<usize> = per_order.into_values().collect();
    assert_eq!(counts, [3, 2, 1, 1, 1], "orders 3 to 5 are still throttled after the resize");
    let denied_after =
        events.iter().filter(|e| e.t > 2_500 * MS && matches!(e.kind, EventKind::RetryDenied { link: AB, .. })).count();
    assert_eq!(denied_after, 3, "every order after the edit is denied a retry");
}
