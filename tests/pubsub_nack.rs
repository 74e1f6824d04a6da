//! Type 3: how a subscriber gives an event back (Google Pub/Sub). A handler
//! that fails nacks at once and the event is delivered again straight away;
//! a crashed instance nacks nothing, so its events wait out the ack
//! deadline; an event the subscriber cannot read is nacked under
//! `on_unreadable: dead_letter` until its delivery attempts run out, and only
//! then does Pub/Sub move it to the subscription's dead-letter queue.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::scenario::Scenario;
use patchbay::engine::{Event, EventKind, Fate, Reason, Simulation, MILLI, SECOND};
use serde_json::{json, Value};

/// The subscription's index among the links.
const SUB: u32 = 2;

/// One order at 0 s: Browser → API, which publishes one event to `orders`;
/// `worker` subscribes. The topic's schema has `id` only. Links take 1 ms.
fn scenario(worker: Value, subscription: Value, faults: Value) -> Scenario {
    let mut transport = json!({"type": "subscribe", "ack_deadline_ms": 10_000, "max_delivery_attempts": 5});
    for (k, v) in subscription.as_object().expect("object") {
        transport[k] = v.clone();
    }
    let link = |id: &str, from: &str, to: &str, transport: Value| json!({"id": id, "from": from, "to": to, "latency": {"type": "constant", "ms": 1}, "transport": transport});
    serde_json::from_value(json!({
        "version": 1, "name": "nack", "seed": 7,
        "nodes": [
            {"id": "browser", "label": "Browser", "kind": {"type": "client"}},
            {"id": "api", "label": "API", "kind": {"type": "service", "replicas": 1, "concurrency": 4, "backlog": 10,
                "processing": {"type": "constant", "ms": 5}, "error_rate": 0.0}},
            {"id": "orders", "label": "orders", "kind": {"type": "topic", "event_type": "order.placed",
                "schema": {"name": "OrderPlaced", "version": 1, "fields": [{"name": "id", "required": true}]}}},
            {"id": "worker", "label": "Worker", "kind": worker},
        ],
        "links": [
            link("browser-api", "browser", "api", json!({"type": "request_response", "timeout_ms": 1000})),
            link("api-orders", "api", "orders", json!({"type": "publish"})),
            link("orders-worker", "orders", "worker", transport),
        ],
        "sources": [{"id": "users", "target": "browser", "arrival": {"type": "burst", "at_ms": 0, "count": 1},
                     "budget_ms": 1000}],
        "faults": faults,
    }))
    .expect("scenario")
}

fn worker(processing_ms: u32, error_rate: f64, replicas: u32) -> Value {
    json!({"type": "service", "replicas": replicas, "concurrency": 1, "backlog": 10,
           "processing": {"type": "constant", "ms": processing_ms}, "error_rate": error_rate, "restart_ms": 1000})
}

/// Runs to `seconds`, recording every event.
fn run(s: Scenario, seconds: u64) -> (Simulation, Vec<Event>) {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(seconds * SECOND).expect("runs");
    let events = sim.drain_events();
    assert!(sim.ledger().balances(sim.live_messages()));
    (sim, events)
}

/// Times of the subscription's deliveries.
fn deliveries(events: &[Event]) -> Vec<u64> {
    events.iter().filter(|e| matches!(e.kind, EventKind::Delivered { sub: Some(SUB), .. })).map(|e| e.t).collect()
}

/// The subscription's dead letters: (time, receive count).
fn dead_letters(events: &[Event]) -> Vec<(u64, u32)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::DeadLettered { sub: Some(SUB), receive_count, .. } => Some((e.t, receive_count)),
            _ => None,
        })
        .collect()
}

fn count(events: &[Event], f: impl Fn(&EventKind) -> bool) -> usize {
    events.iter().filter(|e| f(&e.kind)).count()
}

#[test]
fn a_failing_handler_nacks_and_the_event_is_delivered_again_at_once() {
    let (sim, events) = run(scenario(worker(10, 1.0, 1), json!({}), json!([])), 5);
    // Each delivery fails 1 ms (the link) + 10 ms after it leaves; the nack
    // takes 1 ms back, and the next delivery leaves as it lands: 12 ms apart,
    // far inside the 10 s ack deadline.
    let d = deliveries(&events);
    assert_eq!(d.len(), 5, "five attempts, all within the first second: {d:?}");
    assert!(d.windows(2).all(|w| w[1] - w[0] == 12 * MILLI), "{d:?}");
    assert_eq!(count(&events, |k| matches!(k, EventKind::VisibilityExpired { .. })), 0);
    let nacks: Vec<u32> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Nacked { sub: SUB, receive_count, .. } => Some(receive_count),
            _ => None,
        })
        .collect();
    assert_eq!(nacks, vec![1, 2, 3, 4, 5]);
    // After the fifth failure Pub/Sub forwards it to the dead-letter queue.
    assert_eq!(dead_letters(&events), vec![(d[4] + 12 * MILLI, 5)]);
    assert_eq!(sim.ledger().dead_lettered, 1);
    let m = &sim.metrics().subscriptions[SUB as usize];
    assert_eq!((m.nacked, m.redelivered, m.ack_expired, m.dead_lettered), (5, 4, 0, 1));
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn a_handler_that_fails_now_and_then_is_retried_without_waiting_for_the_deadline() {
    // At a 50 % error rate some seeds fail the copy once or more before it succeeds.
    let mut retried = 0;
    for seed in 1..=8 {
        let mut s = scenario(worker(10, 0.5, 1), json!({}), json!([]));
        s.seed = seed;
        let (sim, events) = run(s, 5);
        let failed = count(&events, |k| matches!(k, EventKind::Failed { node: 3, reason: Reason::Error, .. }));
        let d = deliveries(&events);
        if failed == 0 || failed >= 5 {
            continue;
        }
        retried += 1;
        assert_eq!(d.len(), failed + 1, "seed {seed}: {d:?}");
        assert!(d.windows(2).all(|w| w[1] - w[0] == 12 * MILLI), "seed {seed}: {d:?}");
        assert_eq!(count(&events, |k| matches!(k, EventKind::Acked { sub: Some(SUB), .. })), 1, "seed {seed}");
        assert_eq!(sim.live_messages(), 0, "seed {seed}");
    }
    assert!(retried >= 2, "some seeds fail the first delivery: {retried}");
}

#[test]
fn a_crashed_subscriber_nacks_nothing_and_its_event_waits_out_the_ack_deadline() {
    // The worker takes 500 ms and crashes at 100 ms, holding the event.
    let crash = json!([{"target": "worker", "at_ms": 100, "until_ms": 200, "effect": {"type": "crash"}}]);
    let (sim, events) = run(scenario(worker(500, 0.0, 1), json!({}), crash), 15);
    let d = deliveries(&events);
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[1] - d[0], 10 * SECOND, "redelivered when the ack deadline ran out, not before");
    assert_eq!(count(&events, |k| matches!(k, EventKind::Nacked { .. })), 0);
    assert_eq!(count(&events, |k| matches!(k, EventKind::VisibilityExpired { sub: Some(SUB), .. })), 1);
    assert_eq!(count(&events, |k| matches!(k, EventKind::Acked { sub: Some(SUB), .. })), 1);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn a_nack_lost_on_a_partition_leaves_the_event_to_its_ack_deadline() {
    // The first failure (at 108 ms) nacks into a partition of the subscription's link.
    let cut = json!([{"target": "orders-worker", "at_ms": 50, "until_ms": 200, "effect": {"type": "partition"}}]);
    let (sim, events) = run(scenario(worker(100, 1.0, 1), json!({}), cut), 15);
    let lost = count(&events, |k| matches!(k, EventKind::Lost { link: SUB, .. }));
    assert_eq!(lost, 1, "the nack was lost");
    let d = deliveries(&events);
    assert_eq!(d.len(), 5, "{d:?}");
    assert_eq!(d[1] - d[0], 10 * SECOND, "the lost nack left the event to its ack deadline");
    // The later nacks get through: 1 ms there, 100 ms of work, 1 ms back.
    assert!(d[1..].windows(2).all(|w| w[1] - w[0] == 102 * MILLI), "{d:?}");
    assert_eq!(count(&events, |k| matches!(k, EventKind::Nacked { .. })), 4);
    assert_eq!(sim.ledger().dead_lettered, 1);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn a_nack_for_a_delivery_whose_deadline_already_ran_out_changes_nothing() {
    // Processing (150 ms) outlasts the ack deadline (100 ms): every failure's
    // nack names a delivery that has already expired and been handed to the
    // other instance, so deliveries keep the deadline's pace exactly.
    let sub = json!({"ack_deadline_ms": 100, "max_delivery_attempts": 5});
    let (sim, events) = run(scenario(worker(150, 1.0, 2), sub, json!([])), 5);
    let d = deliveries(&events);
    assert_eq!(d.len(), 5, "{d:?}");
    assert!(d.windows(2).all(|w| w[1] - w[0] == 100 * MILLI), "{d:?}");
    assert_eq!(count(&events, |k| matches!(k, EventKind::VisibilityExpired { sub: Some(SUB), .. })), 5);
    assert_eq!(count(&events, |k| matches!(k, EventKind::Nacked { .. })), 0, "every nack came too late");
    assert_eq!(dead_letters(&events), vec![(d[4] + 100 * MILLI, 5)]);
    assert_eq!(sim.live_messages(), 0);
}

/// The worker requires `total`, which the topic's schema lacks.
fn unreadable(on_unreadable: &str, attempts: u32) -> Scenario {
    let sub = json!({"max_delivery_attempts": attempts, "on_unreadable": on_unreadable,
                     "reads": [{"name": "id", "required": true}, {"name": "total", "required": true}]});
    scenario(worker(10, 0.0, 1), sub, json!([]))
}

#[test]
fn an_unreadable_event_is_nacked_until_its_attempts_run_out_and_only_then_dead_lettered() {
    for attempts in [5, 7] {
        let (sim, events) = run(unreadable("dead_letter", attempts), 5);
        let d = deliveries(&events);
        assert_eq!(d.len(), attempts as usize, "{d:?}");
        // The subscriber reads it on arrival (1 ms), nacks, and the nack takes 1 ms back.
        assert!(d.windows(2).all(|w| w[1] - w[0] == 2 * MILLI), "{d:?}");
        let unread = count(&events, |k| matches!(k, EventKind::Unreadable { sub: SUB, nacked: true, .. }));
        assert_eq!(unread, attempts as usize, "each delivery was opened, found unreadable and nacked");
        assert_eq!(count(&events, |k| matches!(k, EventKind::Nacked { sub: SUB, .. })), attempts as usize);
        assert_eq!(dead_letters(&events), vec![(d[d.len() - 1] + 2 * MILLI, attempts)]);
        assert_eq!(sim.ledger().dead_lettered, 1);
        let m = &sim.metrics().subscriptions[SUB as usize];
        assert_eq!((m.unreadable_nacked, m.unreadable_dropped, m.dead_lettered), (u64::from(attempts), 0, 1));
        assert_eq!(sim.live_messages(), 0);
    }
}

#[test]
fn an_unreadable_event_under_drop_is_discarded_at_its_first_delivery() {
    let (sim, events) = run(unreadable("drop", 5), 5);
    assert_eq!(deliveries(&events).len(), 1);
    assert_eq!(count(&events, |k| matches!(k, EventKind::Unreadable { sub: SUB, nacked: false, .. })), 1);
    assert_eq!(count(&events, |k| matches!(k, EventKind::Nacked { .. })), 0);
    assert!(dead_letters(&events).is_empty());
    let dropped = count(&events, |k| matches!(k, EventKind::Settled { fate: Fate::Dropped(Reason::Unreadable), .. }));
    assert_eq!(dropped, 1);
    assert_eq!(sim.live_messages(), 0);
}
