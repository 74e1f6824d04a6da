//! An instance that is down when fewer replicas retire it. A Kubernetes
//! scale-down deletes pods (its ReplicaSet even picks pods that are not
//! ready before healthy ones; the engine keeps its simpler rule, the
//! highest-numbered go), and no container of a pod being deleted is
//! restarted. So an instance retired while crashed is gone: it holds nothing (its crash lost it all), it does not come
//! back when its restart time comes or when a crash fault on its service
//! ends, and no `ReplicaRestarted` claims it did. Raising the count again
//! starts a new instance in its place at once, as any added replica starts
//! (docs/scenario-format.md, `set_service`).

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::scenario::{NodeKind, Scenario};
use patchbay::engine::{Edit, Event, EventKind, Simulation, SECOND};
use serde_json::{json, Value};

const MS: u64 = 1_000;
/// The consumers' node index.
const WORKERS: u32 = 3;

/// Client → API → jobs queue → two workers (one worker each, 50 ms a
/// message, down for 1 s after a crash). Orders: `arrival` until `stop_ms`;
/// `faults` as given.
fn scenario(arrivals: Value, faults: Value) -> Scenario {
    let link = |id: &str, from: &str, to: &str, transport: Value| json!({"id": id, "from": from, "to": to, "latency": {"type": "constant", "ms": 1}, "transport": transport});
    serde_json::from_value(json!({
        "version": 1, "name": "retired-crash", "seed": 5,
        "nodes": [
            {"id": "client", "label": "Client", "kind": {"type": "client"}},
            {"id": "api", "label": "API", "kind": {"type": "service", "replicas": 1, "concurrency": 10,
                "processing": {"type": "constant", "ms": 1}}},
            {"id": "jobs", "label": "jobs", "kind": {"type": "queue", "visibility_timeout_ms": 30_000}},
            {"id": "workers", "label": "Workers", "kind": {"type": "service", "replicas": 2, "concurrency": 1,
                "backlog": 10, "processing": {"type": "constant", "ms": 50}, "restart_ms": 1_000}},
        ],
        "links": [
            link("c-api", "client", "api", json!({"type": "request_response"})),
            link("api-jobs", "api", "jobs", json!({"type": "enqueue"})),
            link("jobs-workers", "jobs", "workers", json!({"type": "consume", "prefetch": 1})),
        ],
        "sources": arrivals,
        "faults": faults,
    }))
    .expect("scenario")
}

/// The workers with `replicas` instances, as an edit.
fn replicas(sim: &Simulation, n: u32) -> Edit {
    let node = sim.scenario().nodes.iter().find(|n| n.id == "workers").expect("node");
    let NodeKind::Service(spec) = &node.kind else { panic!("a service") };
    let mut spec = spec.clone();
    spec.replicas = n;
    Edit::SetService { node: "workers".into(), spec }
}

/// (time in ms, instance) of each crash or restart.
type Times = Vec<(u64, u32)>;

/// Every crash and every restart of the workers.
fn crashes_and_restarts(events: &[Event]) -> (Times, Times) {
    let (mut crashed, mut restarted) = (Vec::new(), Vec::new());
    for e in events {
        match e.kind {
            EventKind::ReplicaCrashed { node: WORKERS, replica, .. } => crashed.push((e.t / MS, replica)),
            EventKind::ReplicaRestarted { node: WORKERS, replica } => restarted.push((e.t / MS, replica)),
            _ => {}
        }
    }
    (crashed, restarted)
}

/// The instances the workers' deliveries went to at or after `from`.
fn delivered_to(events: &[Event], from: u64) -> Vec<u32> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Delivered { node: WORKERS, replica, .. } if e.t >= from => Some(replica),
            _ => None,
        })
        .collect()
}

/// Two poison messages crash both workers at once (each reads one); at
/// 500 ms the workers are cut to one, retiring instance 1 while it is
/// down. At its restart time (about 1 s) only instance 0 comes back. At
/// 3 s the count is raised to two again: instance 1 is a new instance, up
/// at once without a restart, and takes deliveries.
#[test]
fn an_instance_retired_while_crashed_does_not_restart_and_comes_back_new_when_raised() {
    let arrivals = json!([
        {"id": "poison", "target": "client", "arrival": {"type": "burst", "at_ms": 0, "count": 2}},
        {"id": "later", "target": "client", "arrival": {"type": "constant", "rate_per_s": 40},
         "start_ms": 3_500, "stop_ms": 4_500},
    ]);
    let faults = json!([{"target": "api", "at_ms": 0, "effect": {"type": "poison", "probability": 1.0, "count": 2}}]);
    let mut sim = Simulation::new(scenario(arrivals, faults)).expect("valid");
    sim.set_recording(true);
    sim.run_until(500 * MS).expect("runs");
    let mut events = sim.drain_events();
    let (crashed, _) = crashes_and_restarts(&events);
    assert_eq!(crashed.iter().map(|c| c.1).collect::<Vec<_>>(), [0, 1], "the set-up: both instances crashed");
    sim.apply(&replicas(&sim, 1)).expect("lowers");
    sim.run_until(3 * SECOND).expect("runs");
    events.extend(sim.drain_events());
    let (_, restarted) = crashes_and_restarts(&events);
    assert_eq!(restarted.iter().map(|r| r.1).collect::<Vec<_>>(), [0], "only the instance kept restarts");
    let status = sim.node_status(WORKERS as usize);
    assert_eq!((status.replicas, status.replicas_up, status.capacity), (1, 1, 1));
    sim.apply(&replicas(&sim, 2)).expect("raises");
    let status = sim.node_status(WORKERS as usize);
    assert_eq!((status.replicas, status.replicas_up, status.capacity), (2, 2, 2), "a new instance, up at once");
    sim.run_until(6 * SECOND).expect("runs");
    let after = sim.drain_events();
    let (crashed, restarted) = crashes_and_restarts(&after);
    assert!(crashed.is_empty() && restarted.is_empty(), "no crash, no restart claimed: {crashed:?} {restarted:?}");
    let to = delivered_to(&after, 3 * SECOND);
    assert!(to.contains(&0) && to.contains(&1), "both instances take the later orders: {to:?}");
    assert!(sim.ledger().balances(sim.live_messages()));
}

/// A crash fault holds both workers down from 200 ms to 1.5 s; at 500 ms
/// the workers are cut to one. When the fault ends only instance 0
/// restarts; raised again at 2 s, instance 1 starts at once.
#[test]
fn a_crash_fault_ending_does_not_bring_back_an_instance_retired_meanwhile() {
    let arrivals = json!([{"id": "orders", "target": "client", "arrival": {"type": "constant", "rate_per_s": 40},
                          "stop_ms": 4_000}]);
    let faults = json!([{"target": "workers", "at_ms": 200, "until_ms": 1_500, "effect": {"type": "crash"}}]);
    let mut sim = Simulation::new(scenario(arrivals, faults)).expect("valid");
    sim.set_recording(true);
    sim.run_until(500 * MS).expect("runs");
    let mut events = sim.drain_events();
    sim.apply(&replicas(&sim, 1)).expect("lowers");
    sim.run_until(2 * SECOND).expect("runs");
    events.extend(sim.drain_events());
    let (crashed, restarted) = crashes_and_restarts(&events);
    assert_eq!(crashed, [(200, 0), (200, 1)], "the set-up: the fault took both down");
    assert_eq!(restarted, [(1_500, 0)], "only the instance kept comes back when the fault ends");
    sim.apply(&replicas(&sim, 2)).expect("raises");
    assert_eq!(sim.node_status(WORKERS as usize).replicas_up, 2, "a new instance, up at once");
    // Past the visibility timeout, so what the crash lost comes back and settles.
    sim.run_until(40 * SECOND).expect("runs");
    let after = sim.drain_events();
    let (crashed, restarted) = crashes_and_restarts(&after);
    assert!(crashed.is_empty() && restarted.is_empty(), "{crashed:?} {restarted:?}");
    let to = delivered_to(&after, 2 * SECOND);
    assert!(to.contains(&1), "the new instance 1 takes deliveries: {to:?}");
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(sim.live_messages(), 0, "everything settled");
}
