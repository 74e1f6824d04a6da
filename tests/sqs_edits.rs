//! A queue's settings changed while a message is out (SEMANTICS.md,
//! "Queues"). In SQS the visibility timeout is given to a message when it
//! is received: a new queue default applies to later receives, and the one
//! in flight keeps its own (only ChangeMessageVisibility, per message,
//! would move it). The redrive policy is checked at each receive: after a
//! new maxReceiveCount, the next receive that would take the count past it
//! moves the message to the dead-letter queue; a message out with a
//! consumer stays there, and its delete still works.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/sqs_one.rs"]
mod sqs_one;
use sqs_one::{fates, receives, scenario};

use patchbay::engine::event::{Event, Fate};
use patchbay::engine::scenario::{Fault, FaultEffect, QueueSpec, Scenario};
use patchbay::engine::{Edit, Simulation, SECOND};

const MS: u64 = 1_000;

/// Runs `s` to `at`, gives the queue `spec`, runs to `end`.
fn edited(s: Scenario, at: u64, spec: QueueSpec, end: u64) -> Vec<Event> {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(at).expect("runs");
    sim.apply(&Edit::SetQueue { node: "jobs".into(), spec }).expect("applies");
    sim.run_until(end).expect("runs");
    let events = sim.drain_events();
    assert!(sim.ledger().balances(sim.live_messages()));
    events
}

fn queue(visibility_ms: f64, max_receive_count: Option<u32>) -> QueueSpec {
    QueueSpec { visibility_timeout_ms: visibility_ms, max_receive_count }
}

/// (time, receive count) of every receive.
fn counts(events: &[Event]) -> Vec<(u64, u32)> {
    receives(events).iter().map(|&(t, n, _)| (t, n)).collect()
}

#[test]
fn a_longer_visibility_timeout_applies_from_the_next_receive() {
    // 1 s, raised to 3 s at 0.5 s: the receive at 0 still comes back at
    // 1 s; the receives from then on stay hidden 3 s.
    let events = edited(scenario(1_000, None, 1, 10, true), 500 * MS, queue(3_000.0, None), 8 * SECOND);
    assert_eq!(counts(&events), [(0, 1), (SECOND, 2), (4 * SECOND, 3), (7 * SECOND, 4)]);
}

#[test]
fn a_shorter_visibility_timeout_applies_from_the_next_receive() {
    // 3 s, cut to 1 s at 0.5 s: the receive at 0 stays hidden until 3 s.
    let events = edited(scenario(3_000, None, 1, 10, true), 500 * MS, queue(1_000.0, None), 5_500 * MS);
    assert_eq!(counts(&events), [(0, 1), (3 * SECOND, 2), (4 * SECOND, 3), (5 * SECOND, 4)]);
}

#[test]
fn a_lowered_max_receive_count_redrives_at_the_next_receive() {
    // Received at 0, 1, 2 and 3 s (count 4) with no redrive; at 3.5 s
    // maxReceiveCount becomes 2. The message out is left alone; at 4 s it
    // is visible and the receive that would make its count 5 moves it.
    let events = edited(scenario(1_000, Some(10), 1, 10, true), 3_500 * MS, queue(1_000.0, Some(2)), 10 * SECOND);
    assert_eq!(counts(&events), [(0, 1), (SECOND, 2), (2 * SECOND, 3), (3 * SECOND, 4)]);
    assert_eq!(fates(&events), [(4 * SECOND, Fate::DeadLettered)]);
}

#[test]
fn a_raised_max_receive_count_gives_more_receives() {
    // maxReceiveCount 3 raised to 5 at 2.5 s, while the third receive is
    // out: two more receives, then the dead-letter queue at 5 s.
    let events = edited(scenario(1_000, Some(3), 1, 10, true), 2_500 * MS, queue(1_000.0, Some(5)), 10 * SECOND);
    assert_eq!(counts(&events), [(0, 1), (SECOND, 2), (2 * SECOND, 3), (3 * SECOND, 4), (4 * SECOND, 5)]);
    assert_eq!(fates(&events), [(5 * SECOND, Fate::DeadLettered)]);
}

#[test]
fn a_message_out_past_a_lowered_max_receive_count_is_still_deleted_by_its_consumer() {
    // The consumer fails until 3.005 s; the fourth receive (3 s) succeeds at
    // 3.010 s. maxReceiveCount drops to 2 at 3.005 s, while it works: its
    // delete still removes the message.
    let mut s = scenario(1_000, Some(10), 1, 10, false);
    s.faults.push(Fault {
        target: "worker".into(),
        at_ms: 0.0,
        until_ms: Some(3_005.0),
        effect: FaultEffect::ErrorRate { rate: 1.0 },
    });
    let events = edited(s, 3_005 * MS, queue(1_000.0, Some(2)), 10 * SECOND);
    assert_eq!(counts(&events), [(0, 1), (SECOND, 2), (2 * SECOND, 3), (3 * SECOND, 4)]);
    assert_eq!(fates(&events), [(3_010 * MS, Fate::Processed)]);
}
