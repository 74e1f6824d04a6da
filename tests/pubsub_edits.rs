//! Type 3: a subscription's `max_delivery_attempts` lowered while an event
//! has already been delivered more often than the new limit. Google Pub/Sub
//! counts delivery attempts per event and forwards an event to the
//! dead-letter topic once its count passes the limit, on its own (best
//! effort: not necessarily at once, never by the subscriber). So the
//! event is not delivered again: out with a subscriber, its next failure
//! dead-letters it (an ack still deletes it: the work succeeded); waiting
//! out a backoff, it is forwarded when the wait ends; waiting in the
//! backlog, at once. None of these waits for a subscriber with room.
//! A changed ack deadline applies to the next deliveries only.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/pubsub_run.rs"]
mod pubsub_run;

use pubsub_run::{dead_letters, deliveries, scenario, worker, SUB};

use patchbay::engine::scenario::Scenario;
use patchbay::engine::{Edit, Event, EventKind, Simulation, MILLI, SECOND};
use serde_json::{json, Value};

/// Runs `s` to `edit_at`, sets the subscription's max delivery attempts to
/// `max`, runs to `end`; returns every event and the simulation.
fn edited_run(s: Scenario, edit_at: u64, max: u32, end: u64) -> (Simulation, Vec<Event>) {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(edit_at).expect("runs");
    let mut transport: Value = serde_json::to_value(&sim.scenario().links[SUB as usize].transport).unwrap();
    transport["max_delivery_attempts"] = json!(max);
    let transport = serde_json::from_value(transport).unwrap();
    sim.apply(&Edit::SetTransport { link: "orders-worker".into(), transport }).expect("applies");
    sim.run_until(end).expect("runs");
    let events = sim.drain_events();
    assert!(sim.ledger().balances(sim.live_messages()));
    (sim, events)
}

/// Ten attempts allowed, a fixed 100 ms backoff: an always-failing
/// subscriber gets the event at 7 ms + k × 112 ms (1 ms there, 10 ms of
/// work, 1 ms for the nack, 100 ms of backoff).
fn backing_off(worker: Value, faults: Value) -> Scenario {
    let policy = json!({"minimum_backoff_ms": 100, "maximum_backoff_ms": 100});
    scenario(worker, json!({"max_delivery_attempts": 10, "retry_policy": policy}), faults)
}

#[test]
fn lowered_below_the_attempts_made_the_next_failure_dead_letters() {
    // The seventh delivery leaves at 679 ms; the limit drops to 5 at 685 ms,
    // while the subscriber works on it; its nack lands at 691 ms.
    let (sim, events) = edited_run(backing_off(worker(10, 1.0, 1), json!([])), 685 * MILLI, 5, 5 * SECOND);
    assert_eq!(deliveries(&events).len(), 7, "no delivery past the new limit");
    assert_eq!(dead_letters(&events), vec![(691 * MILLI, 7)]);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn lowered_while_the_work_is_out_an_ack_still_deletes() {
    // The same, but the subscriber's errors stop at 685 ms: the seventh
    // delivery succeeds and its ack deletes the event.
    let errors =
        json!([{"target": "worker", "at_ms": 0, "until_ms": 685, "effect": {"type": "error_rate", "rate": 1.0}}]);
    let (sim, events) = edited_run(backing_off(worker(10, 0.0, 1), errors), 682 * MILLI, 5, 5 * SECOND);
    assert_eq!(deliveries(&events).len(), 7);
    assert_eq!(dead_letters(&events), vec![]);
    assert!(events.iter().any(|e| matches!(e.kind, EventKind::Acked { sub: Some(SUB), .. })));
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn lowered_during_a_backoff_the_event_is_forwarded_when_it_ends_without_a_subscriber() {
    // The seventh nack lands at 691 ms and the event waits until 791 ms.
    // The limit drops at 700 ms, and the subscriber crashes at 750 ms for a
    // minute: Pub/Sub forwards the event at 791 ms all the same (before, it
    // went back to the backlog and waited for the subscriber to return).
    let crash = json!([{"target": "worker", "at_ms": 750, "until_ms": 60_000, "effect": {"type": "crash"}}]);
    let (sim, events) = edited_run(backing_off(worker(10, 1.0, 1), crash), 700 * MILLI, 5, 5 * SECOND);
    assert_eq!(deliveries(&events).len(), 7);
    assert_eq!(dead_letters(&events), vec![(791 * MILLI, 7)]);
    assert_eq!(sim.subscription_status(SUB as usize).expect("a subscription").lag(), 0);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn lowered_while_it_waits_in_the_backlog_it_is_forwarded_at_once() {
    // Retry immediately (no policy): deliveries 12 ms apart from 7 ms. The
    // subscriber crashes for a minute at 84 ms holding the seventh; its
    // 10 s deadline runs out at 10.079 s and the event waits in the backlog
    // with nobody to take it. The limit drops to 5 at 11 s: it is forwarded
    // then, not when the subscriber comes back.
    let crash = json!([{"target": "worker", "at_ms": 84, "until_ms": 60_000, "effect": {"type": "crash"}}]);
    let s = scenario(worker(10, 1.0, 1), json!({"max_delivery_attempts": 10}), crash);
    let (sim, events) = edited_run(s, 11 * SECOND, 5, 12 * SECOND);
    assert_eq!(deliveries(&events).len(), 7);
    assert_eq!(dead_letters(&events), vec![(11 * SECOND, 7)]);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn lowered_but_not_below_the_attempts_made_the_event_keeps_the_rest() {
    // Lowered from 10 to 5 after three deliveries: two more, then the
    // dead-letter queue at the fifth failure (as if it had been 5 all along).
    let (sim, events) = edited_run(backing_off(worker(10, 1.0, 1), json!([])), 300 * MILLI, 5, 5 * SECOND);
    let d = deliveries(&events);
    assert_eq!(d.len(), 5, "{d:?}");
    assert_eq!(dead_letters(&events), vec![(d[4] + 12 * MILLI, 5)]);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn a_longer_ack_deadline_applies_to_the_next_delivery_not_the_one_out() {
    // A 300 ms handler, a 200 ms deadline raised to 1 s at 100 ms while the
    // first delivery (7 ms) is out: that one keeps its deadline (207 ms),
    // so the event goes to the second instance then, with the new deadline,
    // and only that delivery's ack deletes it (509 ms).
    let s = scenario(worker(300, 0.0, 2), json!({"ack_deadline_ms": 200}), json!([]));
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(100 * MILLI).expect("runs");
    let mut transport: Value = serde_json::to_value(&sim.scenario().links[SUB as usize].transport).unwrap();
    transport["ack_deadline_ms"] = json!(1_000);
    let transport = serde_json::from_value(transport).unwrap();
    sim.apply(&Edit::SetTransport { link: "orders-worker".into(), transport }).expect("applies");
    sim.run_until(5 * SECOND).expect("runs");
    let events = sim.drain_events();
    assert_eq!(deliveries(&events), vec![7 * MILLI, 207 * MILLI]);
    let acks: Vec<u64> =
        events.iter().filter(|e| matches!(e.kind, EventKind::Acked { sub: Some(SUB), .. })).map(|e| e.t).collect();
    assert_eq!(acks, vec![509 * MILLI]);
    assert_eq!(sim.live_messages(), 0);
}
