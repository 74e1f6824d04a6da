//! Request-response protections against the systems they follow
//! (SEMANTICS.md, "Circuit breaker" and "Retries, backoff, jitter,
//! budgets"), run through whole scenarios rather than the units alone:
//! resilience4j's breaker, the AWS jitter formulas, resilience4j's
//! max attempts, gRPC's retry throttling, per-attempt timeouts.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/recorded.rs"]
mod recorded;
use recorded::run;

#[path = "support/chain.rs"]
mod chain;
use chain::{Chain, AB};

use std::collections::BTreeMap;

use patchbay::engine::breaker::BreakerState;
use patchbay::engine::event::{Event, EventKind};
use patchbay::engine::scenario::Scenario;
use patchbay::engine::SECOND;
use serde_json::{json, Value};

const MS: u64 = 1_000;

/// Client → A (1 ms) → B (`b_ms` a call) over a request-response link with
/// `transport` (its `type` added here); 1 ms each way on every link. B fails
/// every call while `b_fails`; `arrival` feeds A.
fn scenario(b_ms: u32, b_fails: bool, transport: Value, arrival: Value) -> Scenario {
    let chain = Chain::new("resilience-truth", 11).b_ms(b_ms).transport(transport).arrival(arrival);
    if b_fails { chain.b_fails() } else { chain }.build()
}

/// Attempts sent over A → B, per order: (time, attempt number).
fn attempts(events: &[Event]) -> BTreeMap<u64, Vec<(u64, u32)>> {
    let mut out: BTreeMap<u64, Vec<(u64, u32)>> = BTreeMap::new();
    for e in events {
        if let EventKind::Sent { corr, link: AB, attempt, .. } = e.kind {
            out.entry(corr).or_default().push((e.t, attempt));
        }
    }
    out
}

/// Backoff sleeps scheduled over A → B, per order, in order.
fn sleeps(events: &[Event]) -> BTreeMap<u64, Vec<u64>> {
    let mut out: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for e in events {
        if let EventKind::RetryScheduled { corr, link: AB, delay, .. } = e.kind {
            out.entry(corr).or_default().push(delay);
        }
    }
    out
}

fn retry(max_attempts: u32, jitter: &str) -> Value {
    json!({"max_attempts": max_attempts, "base_ms": 100, "cap_ms": 1000, "jitter": jitter})
}

#[test]
fn max_attempts_counts_the_first_try_and_no_jitter_doubles() {
    // resilience4j's maxAttempts (and gRPC's) include the first call: 4
    // attempts are 1 try and 3 retries, sleeping base·2ⁿ for n = 0, 1, 2.
    let s = scenario(1, true, json!({"retry": retry(4, "none")}), json!({"type": "burst", "at_ms": 0, "count": 1}));
    let events = run(s, 10 * SECOND);
    let tries = attempts(&events);
    assert_eq!(tries.len(), 1);
    let (_, tries) = tries.into_iter().next().unwrap();
    assert_eq!(tries.iter().map(|&(_, a)| a).collect::<Vec<_>>(), [0, 1, 2, 3]);
    let (_, slept) = sleeps(&events).into_iter().next().unwrap();
    assert_eq!(slept, [100 * MS, 200 * MS, 400 * MS]);
    // Each retry leaves exactly its sleep after the failed reply came back
    // (1 ms there, 1 ms of work, 1 ms back).
    for (w, pair) in tries.windows(2).enumerate() {
        assert_eq!(pair[1].0 - pair[0].0, 3 * MS + slept[w], "gap before attempt {}", w + 1);
    }
    let failed = events.iter().filter(|e| matches!(e.kind, EventKind::OrderFinished { ok: false, .. })).count();
    assert_eq!(failed, 1, "the order fails once the attempts are spent");
}

/// Sleeps before retry n (from 0), over many orders that all fail.
fn sleeps_by_retry(jitter: &str) -> (Vec<Vec<u64>>, BTreeMap<u64, Vec<u64>>) {
    let s = scenario(1, true, json!({"retry": retry(5, jitter)}), json!({"type": "burst", "at_ms": 0, "count": 3000}));
    let per_order = sleeps(&run(s, 30 * SECOND));
    let mut by_retry = vec![Vec::new(); 4];
    for slept in per_order.values() {
        assert_eq!(slept.len(), 4, "four retries each");
        for (n, &d) in slept.iter().enumerate() {
            by_retry[n].push(d);
        }
    }
    (by_retry, per_order)
}

fn mean(xs: &[u64]) -> f64 {
    xs.iter().sum::<u64>() as f64 / xs.len() as f64
}

#[test]
fn full_jitter_is_uniform_between_zero_and_the_exponential() {
    // AWS: sleep = uniform(0, min(cap, base·2ⁿ)), mean half of it.
    let (by_retry, _) = sleeps_by_retry("full");
    for (n, xs) in by_retry.iter().enumerate() {
        let expo = ((100 * MS) << n).min(1000 * MS);
        assert!(xs.iter().all(|&d| d <= expo), "retry {n} within 0..{expo}");
        let m = mean(xs);
        assert!((m - expo as f64 / 2.0).abs() < expo as f64 * 0.03, "retry {n}: mean {m}, want {}", expo / 2);
        assert!(xs.iter().any(|&d| d < expo / 10), "retry {n}: reaches near zero");
    }
}

#[test]
fn equal_jitter_keeps_half_and_jitters_half() {
    // AWS: sleep = expo/2 + uniform(0, expo/2), mean three quarters.
    let (by_retry, _) = sleeps_by_retry("equal");
    for (n, xs) in by_retry.iter().enumerate() {
        let expo = ((100 * MS) << n).min(1000 * MS);
        assert!(xs.iter().all(|&d| d >= expo / 2 && d <= expo), "retry {n} within {}..{expo}", expo / 2);
        let m = mean(xs);
        assert!((m - expo as f64 * 0.75).abs() < expo as f64 * 0.02, "retry {n}: mean {m}");
    }
}

#[test]
fn decorrelated_jitter_grows_from_the_previous_sleep() {
    // AWS: sleep = min(cap, uniform(base, 3 · previous)), previous starting at base.
    let (by_retry, per_order) = sleeps_by_retry("decorrelated");
    for slept in per_order.values() {
        let mut previous = 100 * MS;
        for &d in slept {
            assert!(d >= 100 * MS && d <= (3 * previous).min(1000 * MS), "{d} after {previous}: {slept:?}");
            previous = d;
        }
    }
    // The first sleep is uniform(base, 3·base): mean 2·base.
    let m = mean(&by_retry[0]);
    assert!((m - 200_000.0).abs() < 6_000.0, "first sleep mean {m}");
}

#[test]
fn the_timeout_is_per_attempt_not_an_overall_deadline() {
    // B takes 500 ms; A gives each attempt 100 ms and retries twice after
    // 10 ms and 20 ms. Every attempt times out at exactly 100 ms, so the
    // call fails after about 3 × 100 + 10 + 20 ms, well past timeout_ms:
    // there is no overall deadline. B works through every attempt anyway.
    let transport = json!({"timeout_ms": 100,
        "retry": {"max_attempts": 3, "base_ms": 10, "cap_ms": 1000, "jitter": "none"}});
    let events = run(scenario(500, false, transport, json!({"type": "burst", "at_ms": 0, "count": 1})), 5 * SECOND);
    let sent: Vec<u64> = attempts(&events).into_values().next().unwrap().into_iter().map(|(t, _)| t).collect();
    let timed_out: Vec<u64> =
        events.iter().filter(|e| matches!(e.kind, EventKind::TimedOut { link: AB, .. })).map(|e| e.t).collect();
    assert_eq!(timed_out.len(), 3);
    for (s, t) in sent.iter().zip(&timed_out) {
        assert_eq!(t - s, 100 * MS, "each attempt has its own timeout");
    }
    assert_eq!(sent[1] - timed_out[0], 10 * MS);
    assert_eq!(sent[2] - timed_out[1], 20 * MS);
    let done = events.iter().find(|e| matches!(e.kind, EventKind::OrderFinished { .. })).unwrap();
    assert!(matches!(done.kind, EventKind::OrderFinished { ok: false, .. }));
    assert!(done.t > 330 * MS, "the call as a whole took {} µs", done.t);
    let late = events.iter().filter(|e| matches!(e.kind, EventKind::LateReply { link: AB, .. })).count();
    assert_eq!(late, 3, "a timeout does not cancel the callee's work");
}

#[test]
fn the_retry_budget_is_grpc_throttling() {
    // gRPC: max_tokens 10, each failed attempt −1, retries only while
    // tokens > 5. Orders one at a time (1 a second), every attempt failing:
    // order 1 spends 10 → 9 → 8 → 7 (three attempts, all allowed);
    // order 2 goes 7 → 6 (retry), 6 → 5 (5 is not > 5: denied);
    // from then on each order makes one attempt and is denied a retry.
    let transport = json!({"retry": {"max_attempts": 3, "base_ms": 10, "cap_ms": 10, "jitter": "none",
        "budget": {"max_tokens": 10, "token_ratio": 0.1}}});
    let events = run(scenario(1, true, transport, json!({"type": "constant", "rate_per_s": 1})), 5_500 * MS);
    let per_order: Vec<usize> = attempts(&events).into_values().map(|a| a.len()).collect();
    assert_eq!(per_order, [3, 2, 1, 1, 1]);
    let denied = events.iter().filter(|e| matches!(e.kind, EventKind::RetryDenied { link: AB, .. })).count();
    assert_eq!(denied, 4, "orders 2 to 5 are denied a retry; order 1 simply ran out of attempts");
}

/// A breaker that opens after 5 calls at 50 %, waits 1 s, tries 2 calls.
fn breaker() -> Value {
    json!({"failure_rate_threshold": 50, "slow_call_rate_threshold": 100, "slow_call_duration_ms": 60000,
           "wait_duration_in_open_ms": 1000, "permitted_calls_in_half_open": 2,
           "minimum_number_of_calls": 5, "sliding_window_size": 10})
}

fn changes(events: &[Event]) -> Vec<(u64, BreakerState, BreakerState)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::BreakerChanged { link: AB, from, to } => Some((e.t, from, to)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_breaker_follows_resilience4j_through_a_run() {
    // Calls every 100 ms, each failing after 300 ms at B, with retries that
    // would try again: a breaker's rejection must not be retried nor
    // recorded, the open state must last until a call strictly after the
    // wait, and half-open must let exactly 2 calls through.
    let transport = json!({"breaker": breaker(), "retry": {"max_attempts": 2, "base_ms": 1, "cap_ms": 1}});
    let events = run(scenario(300, true, transport, json!({"type": "constant", "rate_per_s": 10})), 6 * SECOND);
    let ch = changes(&events);
    assert!(ch.len() >= 4, "{ch:?}");
    // Closed → open after the 5th recorded outcome (minimum_number_of_calls), not before.
    let (opened, from, to) = ch[0];
    assert_eq!((from, to), (BreakerState::Closed, BreakerState::Open));
    let returned_before_open =
        events.iter().filter(|e| e.t <= opened && matches!(e.kind, EventKind::CallReturned { link: AB, .. })).count();
    assert_eq!(returned_before_open, 5, "opens on the 5th outcome in the window");
    // Open: nothing reaches B until a call strictly after opened + 1 s, which is let through as a trial.
    let (half, from, to) = ch[1];
    assert_eq!((from, to), (BreakerState::Open, BreakerState::HalfOpen));
    assert!(half > opened + SECOND, "half-open only after the wait: {ch:?}");
    let sent_while_open =
        events.iter().filter(|e| e.t > opened && e.t < half && matches!(e.kind, EventKind::Sent { link: AB, .. }));
    assert_eq!(sent_while_open.count(), 0, "open rejects every call");
    // Half-open: exactly 2 trials go out; the rest are short-circuited; both fail: open again.
    let (reopened, from, to) = ch[2];
    assert_eq!((from, to), (BreakerState::HalfOpen, BreakerState::Open));
    let trials =
        events.iter().filter(|e| e.t >= half && e.t < reopened && matches!(e.kind, EventKind::Sent { link: AB, .. }));
    assert_eq!(trials.count(), 2, "permitted_calls_in_half_open");
    let rejected_in_half_open = events
        .iter()
        .filter(|e| e.t > half && e.t < reopened && matches!(e.kind, EventKind::ShortCircuited { link: AB, .. }))
        .count();
    assert!(rejected_in_half_open >= 2, "extra calls in half-open are rejected: {rejected_in_half_open}");
    // A rejected call is neither retried nor recorded.
    let short: Vec<u64> = events
        .iter()
        .filter_map(|e| if let EventKind::ShortCircuited { corr, .. } = e.kind { Some(corr) } else { None })
        .collect();
    let retried: Vec<u64> = events
        .iter()
        .filter_map(|e| if let EventKind::RetryScheduled { corr, .. } = e.kind { Some(corr) } else { None })
        .collect();
    let sent = attempts(&events);
    for c in &short {
        let tries = sent.get(c).map_or(0, Vec::len);
        // An order may have had one real attempt before its retry met the open breaker.
        assert!(tries <= 1, "order {c} short-circuited and retried: {tries}");
        assert_eq!(retried.iter().filter(|&&r| r == *c).count(), tries, "order {c}: no retry after a rejection");
    }
}

#[test]
fn timeouts_count_as_failures_and_slow_calls_open_it_alone() {
    // resilience4j records a timeout (TimeLimiter's TimeoutException) as a failure.
    let timeouts = json!({"timeout_ms": 50, "breaker": breaker()});
    let ch = changes(&run(scenario(300, false, timeouts, json!({"type": "constant", "rate_per_s": 10})), 3 * SECOND));
    assert_eq!(ch.first().map(|c| (c.1, c.2)), Some((BreakerState::Closed, BreakerState::Open)), "{ch:?}");
    // Every call succeeds but takes 302 ms round trip, longer than 150 ms: slow rate 100 % ≥ 80 %.
    let mut b = breaker();
    b["slow_call_rate_threshold"] = json!(80);
    b["slow_call_duration_ms"] = json!(150);
    let events =
        run(scenario(300, false, json!({"breaker": b}), json!({"type": "constant", "rate_per_s": 10})), 3 * SECOND);
    let ch = changes(&events);
    assert_eq!(ch.first().map(|c| (c.1, c.2)), Some((BreakerState::Closed, BreakerState::Open)), "{ch:?}");
    assert!(events.iter().all(|e| !matches!(e.kind, EventKind::CallReturned { ok: false, .. })));
    // The same calls with the slow threshold just above their round trip never open it.
    let mut b = breaker();
    b["slow_call_rate_threshold"] = json!(80);
    b["slow_call_duration_ms"] = json!(302);
    let ch = changes(&run(
        scenario(300, false, json!({"breaker": b}), json!({"type": "constant", "rate_per_s": 10})),
        3 * SECOND,
    ));
    assert!(ch.is_empty(), "a call lasting exactly the threshold is not slow: {ch:?}");
}

#[test]
fn half_open_successes_close_it_with_a_fresh_window() {
    // B fails until 2 s, then heals. The breaker opens, tries after 1 s
    // (still failing: open again), and its next trials succeed: closed, with
    // a window that starts empty (no opening on old failures).
    let mut s = scenario(10, false, json!({"breaker": breaker()}), json!({"type": "constant", "rate_per_s": 20}));
    s.faults = serde_json::from_value(
        json!([{"target": "b", "at_ms": 0, "until_ms": 2000, "effect": {"type": "error_rate", "rate": 1.0}}]),
    )
    .unwrap();
    let ch = changes(&run(s, 10 * SECOND));
    let states: Vec<BreakerState> = ch.iter().map(|c| c.2).collect();
    assert_eq!(states.last(), Some(&BreakerState::Closed), "{ch:?}");
    assert!(states.ends_with(&[BreakerState::HalfOpen, BreakerState::Closed]), "{ch:?}");
    assert!(ch.iter().all(|c| c.0 < 4 * SECOND), "stays closed once healthy: {ch:?}");
}

#[test]
fn retries_at_each_layer_multiply() {
    // SEMANTICS.md: a attempts at each of k layers reach aᵏ calls at the
    // bottom. Client → A → B → C, 4 attempts on each of the three links,
    // C always failing: one order makes 4³ = 64 calls to C.
    let service = || {
        json!({"type": "service", "replicas": 1, "concurrency": 1000, "backlog": 100_000,
               "processing": {"type": "constant", "ms": 1}})
    };
    let link = |id: &str, from: &str, to: &str| {
        json!({"id": id, "from": from, "to": to, "latency": {"type": "constant", "ms": 1},
               "transport": {"type": "request_response",
                   "retry": {"max_attempts": 4, "base_ms": 1, "cap_ms": 1, "jitter": "none"}}})
    };
    let s: Scenario = serde_json::from_value(json!({
        "version": 1, "name": "amplification", "seed": 1,
        "nodes": [
            {"id": "client", "label": "Client", "kind": {"type": "client"}},
            {"id": "a", "label": "A", "kind": service()},
            {"id": "b", "label": "B", "kind": service()},
            {"id": "c", "label": "C", "kind": service()},
        ],
        "links": [link("c-a", "client", "a"), link("a-b", "a", "b"), link("b-c", "b", "c")],
        "sources": [{"id": "one", "target": "client", "arrival": {"type": "burst", "at_ms": 0, "count": 1}}],
        "faults": [{"target": "c", "at_ms": 0, "effect": {"type": "error_rate", "rate": 1.0}}],
    }))
    .expect("scenario");
    let events = run(s, 60 * SECOND);
    let sent_on =
        |link: u32| events.iter().filter(|e| matches!(e.kind, EventKind::Sent { link: l, .. } if l == link)).count();
    assert_eq!((sent_on(0), sent_on(1), sent_on(2)), (4, 16, 64));
}
