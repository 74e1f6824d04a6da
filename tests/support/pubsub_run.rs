//! Shared by the subscription tests (nacks, retry backoff): one order's
//! event published to a topic with one subscriber, recorded runs, and the
//! subscription's deliveries and dead letters.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use patchbay::engine::scenario::Scenario;
use patchbay::engine::{Event, EventKind, Simulation, SECOND};
use serde_json::{json, Value};

/// The subscription's index among the links.
pub const SUB: u32 = 2;

/// One order at 0 s: Browser → API, which publishes one event to `orders`;
/// `worker` subscribes. The topic's schema has `id` only. Links take 1 ms.
pub fn scenario(worker: Value, subscription: Value, faults: Value) -> Scenario {
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

pub fn worker(processing_ms: u32, error_rate: f64, replicas: u32) -> Value {
    json!({"type": "service", "replicas": replicas, "concurrency": 1, "backlog": 10,
           "processing": {"type": "constant", "ms": processing_ms}, "error_rate": error_rate, "restart_ms": 1000})
}

/// Runs to `seconds`, recording every event.
pub fn run(s: Scenario, seconds: u64) -> (Simulation, Vec<Event>) {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(seconds * SECOND).expect("runs");
    let events = sim.drain_events();
    assert!(sim.ledger().balances(sim.live_messages()));
    (sim, events)
}

/// Times of the subscription's deliveries.
pub fn deliveries(events: &[Event]) -> Vec<u64> {
    events.iter().filter(|e| matches!(e.kind, EventKind::Delivered { sub: Some(SUB), .. })).map(|e| e.t).collect()
}

/// The subscription's dead letters: (time, receive count).
pub fn dead_letters(events: &[Event]) -> Vec<(u64, u32)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::DeadLettered { sub: Some(SUB), receive_count, .. } => Some((e.t, receive_count)),
            _ => None,
        })
        .collect()
}

pub fn count(events: &[Event], f: impl Fn(&EventKind) -> bool) -> usize {
    events.iter().filter(|e| f(&e.kind)).count()
}
