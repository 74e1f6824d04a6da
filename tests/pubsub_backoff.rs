//! Type 3: a subscription's retry policy (Google Pub/Sub's `retryPolicy`).
//! By default Pub/Sub retries immediately; with exponential backoff a
//! nacked or expired event waits before it is delivered again, twice as
//! long after each failed delivery of that event from `minimum_backoff_ms`,
//! capped at `maximum_backoff_ms`, and the last failure goes straight to
//! the dead-letter topic.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/pubsub_run.rs"]
mod pubsub_run;

use pubsub_run::{count, dead_letters, deliveries, run, scenario, worker, SUB};

use patchbay::engine::dist::Dist;
use patchbay::engine::scenario::{RetryBackoff, Scenario, Transport};
use patchbay::engine::{parse_scenario, Edit, Event, EventKind, Fate, Reason, SimError, Simulation, MILLI, SECOND};
use serde_json::{json, Value};

/// The backoff each nack and each expired deadline of the subscription announced.
fn backoffs(events: &[Event]) -> Vec<Option<u64>> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Nacked { sub: SUB, backoff, .. } => Some(backoff),
            EventKind::VisibilityExpired { sub: Some(SUB), backoff, .. } => Some(backoff),
            _ => None,
        })
        .collect()
}

fn gaps(d: &[u64]) -> Vec<u64> {
    d.windows(2).map(|w| (w[1] - w[0]) / MILLI).collect()
}

fn policy(min_ms: u64, max_ms: u64) -> Value {
    json!({"minimum_backoff_ms": min_ms, "maximum_backoff_ms": max_ms})
}

#[test]
fn a_nacked_event_waits_a_doubling_backoff_capped_at_the_maximum_and_its_last_failure_is_dead_lettered_at_once() {
    let sub = json!({"max_delivery_attempts": 10, "retry_policy": policy(100, 1_000)});
    let (sim, events) = run(scenario(worker(10, 1.0, 1), sub, json!([])), 20);
    let d = deliveries(&events);
    assert_eq!(d.len(), 10, "{d:?}");
    // 12 ms from a delivery to its nack landing, then 100, 200, 400, 800 ms
    // and the 1 s cap from then on.
    assert_eq!(gaps(&d), vec![112, 212, 412, 812, 1_012, 1_012, 1_012, 1_012, 1_012]);
    let waits: Vec<Option<u64>> = [100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000, 1_000]
        .iter()
        .map(|&ms| Some(ms * MILLI))
        .chain([None])
        .collect();
    assert_eq!(backoffs(&events), waits, "the tenth failure has no backoff: it is dead-lettered");
    assert_eq!(count(&events, |k| matches!(k, EventKind::BackoffEnded { sub: SUB, .. })), 9);
    assert_eq!(dead_letters(&events), vec![(d[9] + 12 * MILLI, 10)]);
    assert_eq!(sim.metrics().subscriptions[SUB as usize].nacked, 10);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn an_expired_ack_deadline_backs_off_too() {
    // The worker crashes at 100 ms holding the event; its deadline runs out
    // 10 s after the first delivery, and the event waits 2 s more.
    let crash = json!([{"target": "worker", "at_ms": 100, "until_ms": 200, "effect": {"type": "crash"}}]);
    let sub = json!({"retry_policy": policy(2_000, 600_000)});
    let (sim, events) = run(scenario(worker(500, 0.0, 1), sub, crash), 20);
    let d = deliveries(&events);
    assert_eq!(gaps(&d), vec![12_000]);
    assert_eq!(backoffs(&events), vec![Some(2 * SECOND)]);
    assert_eq!(count(&events, |k| matches!(k, EventKind::Acked { sub: Some(SUB), .. })), 1);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn a_zero_backoff_retries_immediately_as_the_default_does() {
    let (_, plain) = run(scenario(worker(10, 1.0, 1), json!({}), json!([])), 5);
    let (_, zero) = run(scenario(worker(10, 1.0, 1), json!({"retry_policy": policy(0, 0)}), json!([])), 5);
    assert_eq!(deliveries(&plain), deliveries(&zero));
    assert!(backoffs(&zero).iter().all(Option::is_none));
}

/// An always-failing subscriber without a dead-letter queue, every link
/// and every piece of work taking no time.
fn instant_loop(retry: Value) -> Scenario {
    let sub = json!({"max_delivery_attempts": null, "retry_policy": retry});
    let mut s = scenario(worker(0, 1.0, 1), sub, json!([]));
    for l in &mut s.links {
        l.latency = Dist::Constant { ms: 0.0 };
    }
    s
}

#[test]
fn with_a_backoff_an_always_failing_subscriber_without_a_dlq_no_longer_loops_at_one_instant() {
    // Retrying immediately, the nacks and deliveries never leave the instant
    // the event is published (5 ms, the API's work): the run guard stops it.
    let mut sim = Simulation::new(instant_loop(Value::Null)).expect("valid");
    let err = sim.run_until(5 * SECOND).expect_err("loops at one instant");
    assert!(matches!(err, SimError::Livelock { at, .. } if at == 5 * MILLI), "{err}");
    // With a backoff each redelivery waits 1 s, 2 s, 4 s, then the 8 s cap.
    let (sim, events) = run(instant_loop(policy(1_000, 8_000)), 60);
    let d = deliveries(&events);
    assert_eq!(gaps(&d), vec![1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000, 8_000, 8_000]);
    assert!(dead_letters(&events).is_empty());
    assert_eq!(sim.live_messages(), 1, "the event is still being retried");
}

#[test]
fn removing_a_subscription_drops_an_event_waiting_out_its_backoff() {
    let sub = json!({"retry_policy": policy(5_000, 600_000)});
    let mut sim = Simulation::new(scenario(worker(10, 1.0, 1), sub, json!([]))).expect("valid");
    sim.set_recording(true);
    sim.run_until(SECOND).expect("runs");
    sim.apply(&Edit::RemoveSubscription { link: "orders-worker".into() }).expect("removes");
    sim.run_until(10 * SECOND).expect("runs");
    let events = sim.drain_events();
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(deliveries(&events).len(), 1);
    let removed = events.iter().find_map(|e| match e.kind {
        EventKind::SubscriptionRemoved { dropped, .. } => Some(dropped),
        _ => None,
    });
    assert_eq!(removed, Some(1));
    let dropped = count(&events, |k| matches!(k, EventKind::Settled { fate: Fate::Dropped(Reason::Unsubscribed), .. }));
    assert_eq!(dropped, 1);
    assert_eq!(count(&events, |k| matches!(k, EventKind::BackoffEnded { .. })), 0);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn a_retry_policy_switched_on_while_running_holds_back_the_next_redelivery() {
    let mut sim = Simulation::new(scenario(worker(10, 1.0, 1), json!({}), json!([]))).expect("valid");
    sim.set_recording(true);
    // At 30 ms the first delivery (7 ms) has failed and been retried at
    // once; the second (19 ms) is out, and its nack lands after the switch.
    sim.run_until(30 * MILLI).expect("runs");
    let Transport::Subscribe(mut p) = sim.scenario().links[SUB as usize].transport.clone() else { panic!() };
    p.retry_policy = Some(RetryBackoff { minimum_backoff_ms: 500.0, maximum_backoff_ms: 500.0 });
    sim.apply(&Edit::SetTransport { link: "orders-worker".into(), transport: Transport::Subscribe(p) })
        .expect("applies");
    sim.run_until(5 * SECOND).expect("runs");
    let d = deliveries(&sim.drain_events());
    assert_eq!(gaps(&d), vec![12, 512, 512, 512]);
}

#[test]
fn the_retry_policy_reads_with_pubsub_defaults_and_is_left_out_when_immediate() {
    let s = scenario(worker(10, 1.0, 1), json!({"retry_policy": {}}), json!([]));
    let Transport::Subscribe(p) = &s.links[SUB as usize].transport else { panic!() };
    assert_eq!(p.retry_policy, Some(RetryBackoff { minimum_backoff_ms: 10_000.0, maximum_backoff_ms: 600_000.0 }));
    let s = scenario(worker(10, 1.0, 1), json!({}), json!([]));
    let Transport::Subscribe(p) = &s.links[SUB as usize].transport else { panic!() };
    assert_eq!(p.retry_policy, None, "absent: retry immediately");
    let written = serde_json::to_value(&s.links[SUB as usize].transport).unwrap();
    assert!(written.get("retry_policy").is_none(), "{written}");
    // Doubling from the minimum, capped at the maximum, without overflow far out.
    let r = RetryBackoff { minimum_backoff_ms: 0.001, maximum_backoff_ms: 600_000.0 };
    assert_eq!((r.delay(1), r.delay(2), r.delay(u32::MAX)), (1, 2, 600 * SECOND));
}

#[test]
fn bad_retry_policies_are_refused_naming_the_field_and_the_reason() {
    let base = serde_json::to_value(scenario(worker(10, 1.0, 1), json!({}), json!([]))).unwrap();
    for (policy, field, why) in [
        (json!({"minimum_backoff_ms": -1}), "minimum_backoff_ms", "≥ 0"),
        (json!({"minimum_backoff_ms": 600_001}), "minimum_backoff_ms", "at most 600000 ms"),
        (json!({"maximum_backoff_ms": 900_000}), "maximum_backoff_ms", "at most 600000 ms"),
        (json!({"minimum_backoff_ms": 5_000, "maximum_backoff_ms": 1_000}), "maximum_backoff_ms", "at least minimum"),
        (json!({"minimum_backoff_ms": 1e-9}), "minimum_backoff_ms", "whole microseconds"),
        (json!({"minimum": 5}), "retry_policy", "unknown field"),
    ] {
        let mut v = base.clone();
        v.pointer_mut("/links/2/transport").unwrap()["retry_policy"] = policy.clone();
        let errs = parse_scenario(&v.to_string()).expect_err(field);
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(text.iter().any(|t| t.contains(field) && t.contains(why)), "{policy}: {text:?}");
    }
}
