//! A slow-down is a service's speed, not a property of the requests that
//! started under it: work in progress does what is left of it at the new
//! speed when a `slow` fault begins or ends. An `extra_latency` fault's
//! delay is injected per request and stays once it was added.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::event::EventKind;
use patchbay::engine::scenario::Scenario;
use patchbay::engine::{Simulation, SECOND};
use serde_json::{json, Value};

/// One message at 10 ms (after faults at 0 have begun) into a service whose
/// processing takes 100 ms, with `faults`.
fn one_request(faults: Value) -> Scenario {
    serde_json::from_value(json!({
        "version": 1, "name": "slowdown", "seed": 1,
        "nodes": [{"id": "s", "label": "s", "kind": {"type": "service", "processing": {"type": "constant", "ms": 100}}}],
        "links": [],
        "sources": [{"id": "one", "target": "s", "arrival": {"type": "burst", "at_ms": 10, "count": 1}}],
        "faults": faults,
    }))
    .expect("scenario")
}

/// When the one message's processing ended, in microseconds.
fn completed_at(faults: Value) -> u64 {
    let mut sim = Simulation::new(one_request(faults)).expect("valid");
    sim.set_recording(true);
    sim.run_until(5 * SECOND).expect("runs");
    assert_eq!(sim.live_messages(), 0);
    let done: Vec<u64> =
        sim.drain_events().iter().filter(|e| matches!(e.kind, EventKind::Completed { .. })).map(|e| e.t).collect();
    assert_eq!(done.len(), 1, "{done:?}");
    done[0]
}

#[test]
fn unslowed_processing_takes_its_time() {
    assert_eq!(completed_at(json!([])), 110_000);
}

/// Found by the liveness property (tests/properties.rs): a step started
/// under two stacked slow-downs (×1551) held its worker 63 s, long after
/// both had ended. 40 ms at ×10 do 4 ms of the work; the other 96 ms take 96 ms.
#[test]
fn work_speeds_up_when_its_slowdown_ends() {
    let slow = json!([{"target": "s", "at_ms": 0, "until_ms": 50, "effect": {"type": "slow", "factor": 10}}]);
    assert_eq!(completed_at(slow), 146_000);
}

/// 40 ms done at full speed, the other 60 ms at ×10.
#[test]
fn work_slows_down_when_a_slowdown_begins() {
    let slow = json!([{"target": "s", "at_ms": 50, "effect": {"type": "slow", "factor": 10}}]);
    assert_eq!(completed_at(slow), 650_000);
}

/// Stacked slow-downs multiply; each change rescales what is left.
#[test]
fn stacked_slowdowns_rescale_at_every_change() {
    let slow = json!([
        {"target": "s", "at_ms": 0, "until_ms": 100, "effect": {"type": "slow", "factor": 2}},
        {"target": "s", "at_ms": 20, "until_ms": 60, "effect": {"type": "slow", "factor": 5}},
    ]);
    // 10–20 ms at ×2: 5 ms of work. 20–60 ms at ×10: 4 ms. 60–100 ms at ×2:
    // 20 ms. The last 71 ms at full speed.
    assert_eq!(completed_at(slow), 171_000);
}

/// The injected delay (200 ms, first, so until 210 ms) stays after its
/// fault ends; the processing after it runs at ×10 until 300 ms (9 ms of
/// work), then the other 91 ms at full speed.
#[test]
fn an_injected_delay_stays_and_only_processing_changes_speed() {
    let faults = json!([
        {"target": "s", "at_ms": 0, "until_ms": 100, "effect": {"type": "extra_latency", "ms": 200}},
        {"target": "s", "at_ms": 0, "until_ms": 300, "effect": {"type": "slow", "factor": 10}},
    ]);
    assert_eq!(completed_at(faults), 391_000);
}

/// A hang parks finished work (at 110 ms); a speed change meanwhile does
/// not wake it, and it goes on when the hang ends.
#[test]
fn a_speed_change_does_not_wake_parked_work() {
    let faults = json!([
        {"target": "s", "at_ms": 50, "until_ms": 400, "effect": {"type": "hang"}},
        {"target": "s", "at_ms": 200, "until_ms": 300, "effect": {"type": "slow", "factor": 10}},
    ]);
    assert_eq!(completed_at(faults), 400_000);
}
