//! A prefetch window belongs to a consumer (a RabbitMQ channel's basic.qos,
//! a Pub/Sub subscriber client's flow control), not to the process it runs
//! in: an instance that consumes two queues, prefetch 1 on each, holds one
//! delivery from each at once. The engine used to count the instance's
//! deliveries from both queues against each link's limit, so it held one in
//! all and the second queue waited behind the first.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use patchbay::engine::scenario::Scenario;
use patchbay::engine::{EventKind, Simulation, SECOND};
use serde_json::json;

/// The worker's node index.
const WORKER: u32 = 4;

/// Browser → API → two queues → one worker instance with four workers,
/// consuming each queue with prefetch 1; 100 ms a message, ten orders at 0.
fn two_queues() -> Scenario {
    let link = |id: &str, from: &str, to: &str, transport: serde_json::Value| json!({"id": id, "from": from, "to": to, "latency": {"type": "constant", "ms": 1}, "transport": transport});
    let queue = json!({"type": "queue", "visibility_timeout_ms": 30_000});
    serde_json::from_value(json!({
        "version": 1, "name": "two-queues", "seed": 5,
        "nodes": [
            {"id": "browser", "label": "Browser", "kind": {"type": "client"}},
            {"id": "api", "label": "API", "kind": {"type": "service", "replicas": 1, "concurrency": 20,
                "processing": {"type": "constant", "ms": 1}}},
            {"id": "emails", "label": "Emails", "kind": queue},
            {"id": "invoices", "label": "Invoices", "kind": queue},
            {"id": "worker", "label": "Worker", "kind": {"type": "service", "replicas": 1, "concurrency": 4,
                "backlog": 10, "processing": {"type": "constant", "ms": 100}}},
        ],
        "links": [
            link("browser-api", "browser", "api", json!({"type": "request_response"})),
            link("api-emails", "api", "emails", json!({"type": "enqueue"})),
            link("api-invoices", "api", "invoices", json!({"type": "enqueue"})),
            link("emails-worker", "emails", "worker", json!({"type": "consume", "prefetch": 1})),
            link("invoices-worker", "invoices", "worker", json!({"type": "consume", "prefetch": 1})),
        ],
        "sources": [{"id": "orders", "target": "browser", "arrival": {"type": "burst", "at_ms": 0, "count": 10}}],
        "faults": [],
    }))
    .expect("scenario")
}

#[test]
fn an_instance_consuming_two_queues_has_a_prefetch_window_on_each() {
    let mut sim = Simulation::new(two_queues()).expect("valid");
    sim.set_recording(true);
    sim.run_until(10 * SECOND).expect("runs");
    // Deliveries the worker holds (delivered, its work not yet completed), by queue.
    let mut held: BTreeMap<u64, u32> = BTreeMap::new();
    let (mut most, mut delivered) = (0, [0u32; 2]);
    for e in sim.drain_events() {
        match e.kind {
            EventKind::Delivered { msg, queue, node: WORKER, .. } => {
                held.insert(msg, queue);
                delivered[(queue == 3) as usize] += 1;
                let mut per_queue = BTreeMap::new();
                for q in held.values() {
                    *per_queue.entry(*q).or_insert(0) += 1;
                }
                assert!(per_queue.values().all(|&n| n <= 1), "at most one from each queue at a time: {per_queue:?}");
                most = most.max(held.len());
            }
            EventKind::Completed { msg, node: WORKER, .. } => {
                held.remove(&msg);
            }
            _ => {}
        }
    }
    assert_eq!(delivered, [10, 10], "every message of both queues is delivered once");
    assert_eq!(most, 2, "one delivery from each queue at once, not one in all");
}
