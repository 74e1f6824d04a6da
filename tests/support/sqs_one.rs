//! Shared by the queue tests against SQS: one message put straight on a
//! queue, its consumers, and what the run says about its receives and fate.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use patchbay::engine::event::{Event, EventKind, Fate};
use patchbay::engine::scenario::Scenario;
use serde_json::json;

/// One message put straight on a queue at 0 ms; `replicas` consumer
/// instances of one worker each take `work_ms` per message, failing every
/// time while `fails`. Links take no time, so the times are exact.
pub fn scenario(
    visibility_ms: u32,
    max_receive_count: Option<u32>,
    replicas: u32,
    work_ms: u32,
    fails: bool,
) -> Scenario {
    let faults = if fails {
        json!([{"target": "worker", "at_ms": 0, "effect": {"type": "error_rate", "rate": 1.0}}])
    } else {
        json!([])
    };
    serde_json::from_value(json!({
        "version": 1, "name": "sqs-truth", "seed": 3,
        "nodes": [
            {"id": "jobs", "label": "Jobs", "kind": {"type": "queue",
                "visibility_timeout_ms": visibility_ms, "max_receive_count": max_receive_count}},
            {"id": "worker", "label": "Worker", "kind": {"type": "service", "replicas": replicas,
                "concurrency": 1, "backlog": 10, "processing": {"type": "constant", "ms": work_ms}}},
        ],
        "links": [
            {"id": "jobs-worker", "from": "jobs", "to": "worker", "latency": {"type": "constant", "ms": 0},
             "transport": {"type": "consume", "prefetch": 1}},
        ],
        "sources": [{"id": "one", "target": "jobs", "arrival": {"type": "burst", "at_ms": 0, "count": 1}}],
        "faults": faults,
    }))
    .expect("scenario")
}

/// (time, receive count, consumer instance) of every receive.
pub fn receives(events: &[Event]) -> Vec<(u64, u32, u32)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Delivered { receive_count, replica, .. } => Some((e.t, receive_count, replica)),
            _ => None,
        })
        .collect()
}

pub fn fates(events: &[Event]) -> Vec<(u64, Fate)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Settled { fate, .. } => Some((e.t, fate)),
            _ => None,
        })
        .collect()
}
