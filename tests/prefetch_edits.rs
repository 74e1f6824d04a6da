//! A consumer's prefetch lowered while it holds more deliveries than the
//! new limit, on a queue (RabbitMQ's basic.qos, SEMANTICS.md "Queues") and
//! on a Pub/Sub subscription (its flow control's outstanding messages).
//! A broker never recalls what it delivered: the limit is checked when it
//! decides whether to send one more, so the deliveries out stay with the
//! consumer, which works and acknowledges them as usual (nothing comes back
//! by its visibility timeout or ack deadline, nothing is delivered twice),
//! and nothing new is sent until fewer than the new limit are
//! unacknowledged (docs/scenario-format.md, the consume and subscribe links).

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use patchbay::engine::scenario::{Scenario, Transport};
use patchbay::engine::{Edit, Event, EventKind, Simulation, SECOND};
use serde_json::{json, Value};

const MS: u64 = 1_000;
/// The consumer's node index.
const WORKER: u32 = 3;

/// Browser → API → `buffer` (a queue or a topic) → one worker instance
/// with one worker, 100 ms a message, over `consumer` (a consume or
/// subscribe link with prefetch 5). Twenty orders at 0; links take 1 ms.
fn scenario(buffer: Value, produce: &str, consumer: Value) -> Scenario {
    let link = |id: &str, from: &str, to: &str, transport: Value| json!({"id": id, "from": from, "to": to, "latency": {"type": "constant", "ms": 1}, "transport": transport});
    serde_json::from_value(json!({
        "version": 1, "name": "prefetch-edit", "seed": 3,
        "nodes": [
            {"id": "browser", "label": "Browser", "kind": {"type": "client"}},
            {"id": "api", "label": "API", "kind": {"type": "service", "replicas": 1, "concurrency": 20,
                "processing": {"type": "constant", "ms": 1}}},
            {"id": "buffer", "label": "Buffer", "kind": buffer},
            {"id": "worker", "label": "Worker", "kind": {"type": "service", "replicas": 1, "concurrency": 1,
                "backlog": 10, "processing": {"type": "constant", "ms": 100}}},
        ],
        "links": [
            link("browser-api", "browser", "api", json!({"type": "request_response"})),
            link("api-buffer", "api", "buffer", json!({"type": produce})),
            link("buffer-worker", "buffer", "worker", consumer),
        ],
        "sources": [{"id": "orders", "target": "browser", "arrival": {"type": "burst", "at_ms": 0, "count": 20}}],
        "faults": [],
    }))
    .expect("scenario")
}

fn queue() -> Scenario {
    scenario(
        json!({"type": "queue", "visibility_timeout_ms": 30_000}),
        "enqueue",
        json!({"type": "consume", "prefetch": 5}),
    )
}

fn subscription() -> Scenario {
    let topic = json!({"type": "topic", "event_type": "order.placed",
                       "schema": {"name": "OrderPlaced", "version": 1, "fields": [{"name": "id"}]}});
    scenario(topic, "publish", json!({"type": "subscribe", "ack_deadline_ms": 10_000, "prefetch": 5}))
}

/// The consumer link's transport with prefetch `n`.
fn with_prefetch(sim: &Simulation, n: u32) -> Transport {
    let mut t = sim.scenario().links[2].transport.clone();
    match &mut t {
        Transport::Consume(c) => c.prefetch = n,
        Transport::Subscribe(p) => p.prefetch = n,
        other => panic!("not a consumer link: {other:?}"),
    }
    t
}

/// Deliveries the worker holds, by message, folded from events: from its
/// delivery until its work completes and the ack leaves (the consumer's
/// count; the broker's drops when the ack lands, a link's latency later).
#[derive(Default)]
struct Held(BTreeMap<u64, ()>);

impl Held {
    /// Folds one event in; for a delivery, returns how many were held before it.
    fn fold(&mut self, e: &Event) -> Option<usize> {
        match e.kind {
            EventKind::Delivered { msg, node: WORKER, .. } => {
                let before = self.0.len();
                self.0.insert(msg, ());
                Some(before)
            }
            EventKind::Completed { msg, node: WORKER, .. } => {
                self.0.remove(&msg);
                None
            }
            _ => None,
        }
    }
}

/// Runs to 250 ms (the worker holds five), lowers the prefetch to 2, runs
/// to 5 s, and checks what the module says.
fn lowered_prefetch_keeps_what_is_out(s: Scenario) {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(250 * MS).expect("runs");
    let mut held = Held::default();
    for e in sim.drain_events() {
        held.fold(&e);
    }
    let out_at_edit: Vec<u64> = held.0.keys().copied().collect();
    assert_eq!(out_at_edit.len(), 5, "the set-up: the worker holds its prefetch");
    sim.apply(&Edit::SetTransport { link: "buffer-worker".into(), transport: with_prefetch(&sim, 2) })
        .expect("applies");
    sim.run_until(5 * SECOND).expect("runs");
    let after = sim.drain_events();
    let mut deliveries = Vec::new();
    for e in &after {
        if let Some(before) = held.fold(e) {
            deliveries.push((e.t / MS, before));
        }
    }
    assert!(!deliveries.is_empty(), "deliveries go on under the new limit");
    assert!(
        deliveries.iter().all(|&(_, before)| before < 2),
        "each new delivery finds fewer than 2 out: {deliveries:?}"
    );
    // The five out finish at about 305, 405, 505 and 605 ms; only the
    // fourth leaves fewer than 2 out.
    assert!(deliveries[0].0 >= 600, "nothing is sent until fewer than 2 are out: {deliveries:?}");
    for msg in &out_at_edit {
        let acked = after.iter().any(|e| matches!(e.kind, EventKind::Acked { msg: m, .. } if m == *msg));
        assert!(acked, "delivery of {msg}, out at the edit, is acknowledged");
    }
    let again =
        after.iter().filter(|e| matches!(e.kind, EventKind::Delivered { msg, .. } if out_at_edit.contains(&msg)));
    assert_eq!(again.count(), 0, "nothing out at the edit is delivered again");
    let expired = after.iter().filter(|e| matches!(e.kind, EventKind::VisibilityExpired { .. }));
    assert_eq!(expired.count(), 0, "no visibility timeout or ack deadline runs out");
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(sim.live_messages(), 0, "all twenty processed");
}

#[test]
fn a_queue_consumer_with_a_lowered_prefetch_keeps_its_deliveries_and_takes_new_ones_under_the_limit() {
    lowered_prefetch_keeps_what_is_out(queue());
}

#[test]
fn a_subscriber_with_a_lowered_prefetch_keeps_its_deliveries_and_takes_new_ones_under_the_limit() {
    lowered_prefetch_keeps_what_is_out(subscription());
}
