//! Every message crosses its link through one place: partitions lose
//! calls, replies, enqueues, deliveries and acks alike, and queues recover
//! what was lost the way SQS does (the visibility timeout brings it back).

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::scenario::{Fault, FaultEffect, NodeKind};
use patchbay::engine::{presets, Simulation, SECOND};

fn partition(link: &str, from_s: f64, to_s: f64) -> Fault {
    Fault { target: link.into(), at_ms: from_s * 1e3, until_ms: Some(to_s * 1e3), effect: FaultEffect::Partition }
}

#[test]
fn a_partitioned_consumer_link_loses_deliveries_and_the_queue_redelivers_them() {
    let mut s = presets::load("competing-consumers-4").expect("preset");
    if let NodeKind::Queue(q) = &mut s.nodes[1].kind {
        q.visibility_timeout_ms = 2_000.0;
    }
    s.faults.push(partition("payments-workers", 5.0, 10.0));
    let mut sim = Simulation::new(s).expect("valid");
    sim.run_until(10 * SECOND).expect("runs");
    let lost = sim.metrics().links[1].dropped;
    assert!(lost > 0, "deliveries and acks were lost during the partition");
    sim.run_until(60 * SECOND).expect("runs");
    let q = &sim.metrics().queues[1];
    assert!(q.redelivered > 0, "lost deliveries came back");
    assert!(sim.node_status(1).depth < 50, "the consumers caught up after the partition: {}", sim.node_status(1).depth);
    assert!(sim.ledger().balances(sim.live_messages()));
}

#[test]
fn a_partitioned_call_link_loses_requests_and_replies() {
    let mut s = presets::load("cascade").expect("preset");
    let link = s.links[1].id.clone();
    s.faults.push(partition(&link, 2.0, 4.0));
    let mut sim = Simulation::new(s).expect("valid");
    sim.run_until(4 * SECOND).expect("runs");
    assert!(sim.metrics().links[1].dropped > 0);
    assert!(sim.ledger().dropped.get("partition").copied().unwrap_or(0) > 0);
    sim.run_until(30 * SECOND).expect("runs");
    assert!(sim.ledger().balances(sim.live_messages()));
}
