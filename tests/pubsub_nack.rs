//! Type 3: how a subscriber gives an event back (Google Pub/Sub). A handler
//! that fails nacks at once and the event is delivered again straight away;
//! a crashed instance nacks nothing, so its events wait out the ack
//! deadline; an event the subscriber cannot read is nacked under
//! `on_unreadable: dead_letter` until its delivery attempts run out, and only
//! then does Pub/Sub move it to the subscription's dead-letter queue.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/pubsub_run.rs"]
mod pubsub_run;

use pubsub_run::{count, dead_letters, deliveries, run, scenario, worker, SUB};

use patchbay::engine::scenario::Scenario;
use patchbay::engine::{Edit, EventKind, Fate, Reason, Simulation, MILLI, SECOND};
use serde_json::json;

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

#[test]
fn an_event_out_of_attempts_is_dead_lettered_at_once_even_with_no_subscriber_free() {
    // Deliveries leave every 12 ms from 7 ms; the fifth fails at 66 ms and
    // its nack lands at 67 ms. The only instance crashes at 66.5 ms, between
    // the two, and is down for a second: Pub/Sub forwards the event to the
    // dead-letter topic as the nack lands, with no subscriber to offer it to.
    let crash = json!([{"target": "worker", "at_ms": 66.5, "until_ms": 1_000, "effect": {"type": "crash"}}]);
    let (sim, events) = run(scenario(worker(10, 1.0, 1), json!({}), crash), 5);
    let nacks: Vec<u64> =
        events.iter().filter(|e| matches!(e.kind, EventKind::Nacked { sub: SUB, .. })).map(|e| e.t).collect();
    assert_eq!(nacks.len(), 5, "{nacks:?}");
    let crashed = events.iter().find(|e| matches!(e.kind, EventKind::ReplicaCrashed { node: 3, .. })).expect("crash");
    assert!(crashed.t < nacks[4], "the subscriber was down when the last nack landed");
    assert_eq!(dead_letters(&events), vec![(nacks[4], 5)], "dead-lettered as the last nack landed");
    assert_eq!(sim.ledger().dead_lettered, 1);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn an_event_out_of_attempts_is_dead_lettered_when_its_last_deadline_runs_out_with_no_subscriber_free() {
    // The only instance hangs: it takes every delivery and answers none, so
    // each 50 ms ack deadline runs out and the event goes to it again, until
    // it holds five deliveries, its prefetch. When the fifth deadline runs
    // out Pub/Sub forwards the event itself, though no instance has room.
    let hang = json!([{"target": "worker", "at_ms": 0, "effect": {"type": "hang"}}]);
    let sub = json!({"ack_deadline_ms": 50, "max_delivery_attempts": 5, "prefetch": 5});
    let (sim, events) = run(scenario(worker(10, 0.0, 1), sub, hang), 5);
    let d = deliveries(&events);
    assert_eq!(d.len(), 5, "{d:?}");
    assert!(d.windows(2).all(|w| w[1] - w[0] == 50 * MILLI), "{d:?}");
    assert_eq!(dead_letters(&events), vec![(d[4] + 50 * MILLI, 5)], "dead-lettered as the last deadline ran out");
    assert_eq!(sim.ledger().dead_lettered, 1);
}

#[test]
fn a_stale_unreadable_delivery_under_drop_leaves_the_event_to_the_delivery_that_holds_it() {
    // The first delivery (7 ms) crosses a link slowed by 150 ms and lands at
    // 158 ms; its 100 ms ack deadline runs out at 107 ms, and a second
    // delivery reaches the other instance at 108 ms, which can read it and
    // works on it for 80 ms. At 120 ms a deploy makes the subscriber require
    // `total`, so the stale first delivery is unreadable when it lands: its
    // ack id expired, so dropping it must not discard the event the second
    // delivery is processing.
    let slow =
        json!([{"target": "orders-worker", "at_ms": 0, "until_ms": 50, "effect": {"type": "link_latency", "ms": 150}}]);
    let sub = json!({"ack_deadline_ms": 100, "on_unreadable": "drop"});
    let s = scenario(worker(80, 0.0, 2), sub, slow);
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(120 * MILLI).expect("runs");
    let mut transport: serde_json::Value = serde_json::to_value(&sim.scenario().links[SUB as usize].transport).unwrap();
    transport["reads"] = json!([{"name": "id", "required": true}, {"name": "total", "required": true}]);
    let transport = serde_json::from_value(transport).unwrap();
    sim.apply(&Edit::SetTransport { link: "orders-worker".into(), transport }).expect("applies");
    sim.run_until(5 * SECOND).expect("runs");
    let events = sim.drain_events();
    assert!(sim.ledger().balances(sim.live_messages()));
    let d = deliveries(&events);
    assert_eq!(d.len(), 2, "{d:?}");
    let acked = events.iter().find(|e| matches!(e.kind, EventKind::Acked { sub: Some(SUB), .. })).map(|e| e.t);
    assert_eq!(acked, Some(189 * MILLI), "the second delivery's ack deleted the event");
    let dropped = count(&events, |k| matches!(k, EventKind::Settled { fate: Fate::Dropped(Reason::Unreadable), .. }));
    assert_eq!(dropped, 0, "the stale delivery discarded nothing");
    assert_eq!(count(&events, |k| matches!(k, EventKind::Unreadable { .. })), 0, "nothing happened to the event");
    assert_eq!(sim.live_messages(), 0);
}
