//! Type 3: an ack that reaches Pub/Sub after its delivery's ack deadline ran
//! out. Pub/Sub delivers at least once: each delivery carries its own ack
//! id, and once the event has been delivered again the earlier ids are
//! expired; an ack sent with one may be lost (Google documents that a late
//! ack is not guaranteed to be honoured; only exactly-once subscriptions
//! report it as failed), and the redelivered copy stays. The engine takes
//! that branch: an ack naming an older delivery than the latest deletes
//! nothing, as SQS's stale receipt handles and Pub/Sub's stale nacks
//! already did. Before, any ack of a subscription's event deleted it, so a
//! redelivered copy was acked from under the subscriber working on it. An
//! ack that lands late but before any redelivery still deletes (Pub/Sub may
//! honour it, and the subscriber deletes before it takes the event again,
//! as a queue's consumer does).

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/pubsub_run.rs"]
mod pubsub_run;

use pubsub_run::{count, deliveries, run, scenario, worker, SUB};

use patchbay::engine::{Event, EventKind, Simulation, MILLI, SECOND};
use serde_json::json;

/// When the subscription's event was acked (deleted).
fn acks(events: &[Event]) -> Vec<u64> {
    events.iter().filter(|e| matches!(e.kind, EventKind::Acked { sub: Some(SUB), .. })).map(|e| e.t).collect()
}

/// When the subscriber finished processing the event, and on which instance.
fn completions(events: &[Event], worker: u32) -> Vec<u64> {
    events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Completed { node, .. } if node == worker))
        .map(|e| e.t)
        .collect()
}

const WORKER: u32 = 3;

#[test]
fn a_late_ack_leaves_the_event_with_its_redelivery() {
    // The event enters the subscription at 7 ms and reaches instance 0 at
    // 8 ms, where a 100 ms extra latency (a fault until 50 ms) and its
    // 180 ms of work keep it until 288 ms. Its 200 ms ack deadline runs out
    // at 207 ms, and the event goes to the idle instance 1 (208 ms, done at
    // 388 ms, inside its own deadline). Instance 0's ack lands at 289 ms
    // with an expired ack id: it must not delete the event instance 1 is
    // processing; instance 1's ack at 389 ms does.
    let slow =
        json!([{"target": "worker", "at_ms": 0, "until_ms": 50, "effect": {"type": "extra_latency", "ms": 100}}]);
    let (sim, events) = run(scenario(worker(180, 0.0, 2), json!({"ack_deadline_ms": 200}), slow), 5);
    assert_eq!(deliveries(&events), vec![7 * MILLI, 207 * MILLI]);
    assert_eq!(completions(&events, WORKER), vec![288 * MILLI, 388 * MILLI], "both deliveries are processed");
    assert_eq!(acks(&events), vec![389 * MILLI], "only the latest delivery's ack deletes the event");
    assert_eq!(count(&events, |k| matches!(k, EventKind::DuplicateProcessed { .. })), 1, "at least once");
    assert_eq!(sim.metrics().subscriptions[SUB as usize].processed, 1);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn an_ack_landing_after_the_deadline_but_before_a_redelivery_deletes() {
    // One instance holding one delivery at a time, working 300 ms. Its
    // 200 ms deadline runs out at 207 ms while it works; nobody has room,
    // so the event waits. When the instance finishes (308 ms) its ack takes
    // the event out of sight as it leaves, so the freed place does not get
    // the event again before the ack lands (309 ms) and deletes it.
    let (sim, events) = run(scenario(worker(300, 0.0, 1), json!({"ack_deadline_ms": 200}), json!([])), 5);
    assert_eq!(deliveries(&events), vec![7 * MILLI]);
    assert_eq!(completions(&events, WORKER), vec![308 * MILLI]);
    assert_eq!(acks(&events), vec![309 * MILLI]);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn an_ack_landing_while_the_event_backs_off_deletes_it_and_the_lane_counts_it_no_more() {
    // As above with a retry policy: the expired event waits 1 s before it
    // can be delivered again, and the late ack lands during that wait. It
    // names the latest delivery, so it deletes the event; the lane stops
    // counting it as backing off, and its backoff's end finds nothing.
    let sub =
        json!({"ack_deadline_ms": 200, "retry_policy": {"minimum_backoff_ms": 1_000, "maximum_backoff_ms": 1_000}});
    let s = scenario(worker(300, 0.0, 1), sub, json!([]));
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(250 * MILLI).expect("runs");
    let lane = sim.subscription_status(SUB as usize).expect("a subscription");
    assert_eq!((lane.backlog, lane.in_flight, lane.backing_off, lane.lag()), (0, 0, 1, 1), "{lane:?}");
    sim.run_until(5 * SECOND).expect("runs");
    let events = sim.drain_events();
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(acks(&events), vec![309 * MILLI]);
    assert_eq!(count(&events, |k| matches!(k, EventKind::BackoffEnded { .. })), 0);
    let lane = sim.subscription_status(SUB as usize).expect("a subscription");
    assert_eq!((lane.backing_off, lane.lag()), (0, 0), "{lane:?}");
    assert_eq!(sim.live_messages(), 0);
}
