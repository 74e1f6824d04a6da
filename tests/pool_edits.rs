//! A service's worker pool changed while it works: the bulkhead
//! (`concurrency`, calls each instance runs at once, with `backlog` places
//! to wait in) and the number of instances (`replicas`).
//!
//! A bulkhead lowered below the calls it has admitted behaves as
//! resilience4j's semaphore bulkhead does when `changeConfig` lowers
//! `maxConcurrentCalls`: the permits already taken are not revoked, so the
//! calls in progress finish; a new call gets a permit only once the calls
//! in progress have fallen under the new limit. Until then a new call waits
//! in the backlog if there is room (a thread-pool bulkhead's queue) and is
//! refused (`overloaded`) otherwise; with no backlog that is the semaphore
//! bulkhead with no wait. The count of busy workers is never negative and
//! no permit leaks: it always equals what the event stream says.
//!
//! Fewer instances retire the highest-numbered ones as a Kubernetes
//! scale-down does with a graceful shutdown: a retired instance takes no
//! new request or delivery, and finishes everything it already holds —
//! its workers' calls, its backlog, and deliveries already on their way
//! to it, which it acks as usual. Nothing is failed, redelivered or lost.
//! A member of a log's consumer group finishes its polled batch and leaves
//! cleanly, so nothing is lost or read twice.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/chain.rs"]
mod chain;
use chain::{Chain, B};

use std::collections::BTreeMap;

use patchbay::engine::scenario::{NodeKind, Scenario, ServiceSpec};
use patchbay::engine::{Edit, Event, EventKind, Reason, Simulation, SECOND};
use serde_json::json;

const MS: u64 = 1_000;

/// Client → A → B, B working 1 s a call with `workers` workers and
/// `backlog` places; an order every 50 ms until 3 s.
fn bulkhead(workers: u32, backlog: u32) -> Scenario {
    Chain::new("bulkhead-edit", 5)
        .b_ms(1000)
        .b(|b| {
            b["concurrency"] = json!(workers);
            b["backlog"] = json!(backlog);
        })
        .arrival(json!({"type": "constant", "rate_per_s": 20}))
        .stop_at(3_000)
        .build()
}

/// `node`'s settings now, changed by `change`, as an edit.
fn set_service(sim: &Simulation, node: &str, change: impl FnOnce(&mut ServiceSpec)) -> Edit {
    let n = sim.scenario().nodes.iter().find(|n| n.id == node).expect("node");
    let NodeKind::Service(spec) = &n.kind else { panic!("{node} is not a service") };
    let mut spec = spec.clone();
    change(&mut spec);
    Edit::SetService { node: node.into(), spec }
}

/// Busy workers of `node` by the event stream: a work holds a worker from
/// its start until it completes or fails running.
#[derive(Default)]
struct Busy {
    now: i64,
    /// Started works by message, with their instance.
    started: BTreeMap<u64, u32>,
}

impl Busy {
    /// Folds one event in; returns the count before it when it is a start.
    fn fold(&mut self, e: &Event, node: u32) -> Option<i64> {
        match e.kind {
            EventKind::Started { msg, node: n, replica, .. } if n == node => {
                self.started.insert(msg, replica);
                self.now += 1;
                return Some(self.now - 1);
            }
            EventKind::Completed { node: n, .. } if n == node => self.now -= 1,
            EventKind::Failed { node: n, running: true, .. } if n == node => self.now -= 1,
            _ => {}
        }
        assert!(self.now >= 0, "more ends than starts at {}", e.t);
        None
    }
}

/// Runs to `end` in 10 ms steps, checking after each that B's busy workers
/// as the engine counts them equal the event stream's count. Returns the
/// events after `from`, each with B's busy count before it.
fn run_checked(sim: &mut Simulation, busy: &mut Busy, from: u64, end: u64) -> Vec<(Event, i64)> {
    let mut out = Vec::new();
    let mut t = from;
    while t < end {
        t += 10 * MS;
        sim.run_until(t).expect("runs");
        for e in sim.drain_events() {
            let before = busy.now;
            busy.fold(&e, B);
            out.push((e, before));
        }
        assert_eq!(i64::from(sim.node_status(B as usize).busy), busy.now, "B's busy workers at {t} µs");
    }
    out
}

/// Runs to 600 ms (B's ten workers all busy), lowers B to `limit` workers,
/// runs to 40 s (long enough for a backlog to drain); returns the events after the edit with B's busy count
/// before each, and the works running at the edit.
fn lowered(backlog: u32, limit: u32) -> (Simulation, Vec<(Event, i64)>, Vec<u64>) {
    let mut sim = Simulation::new(bulkhead(10, backlog)).expect("valid");
    sim.set_recording(true);
    let mut busy = Busy::default();
    let before = run_checked(&mut sim, &mut busy, 0, 600 * MS);
    assert_eq!(busy.now, 10, "the set-up: every worker busy");
    let running = running_on(&before, B);
    let edit = set_service(&sim, "b", |s| s.concurrency = limit);
    sim.apply(&edit).expect("applies");
    assert_eq!(sim.node_status(B as usize).capacity, limit);
    let after = run_checked(&mut sim, &mut busy, 600 * MS, 40 * SECOND);
    assert_eq!(busy.now, 0);
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(sim.live_messages(), 0, "everything settled");
    (sim, after, running)
}

/// The messages `node` was working on after `events`.
fn running_on(events: &[(Event, i64)], node: u32) -> Vec<u64> {
    let mut started = BTreeMap::new();
    for (e, _) in events {
        match e.kind {
            EventKind::Started { msg, node: n, .. } if n == node => {
                started.insert(msg, ());
            }
            EventKind::Completed { msg, node: n, .. } | EventKind::Failed { msg, node: n, .. } if n == node => {
                started.remove(&msg);
            }
            _ => {}
        }
    }
    started.into_keys().collect()
}

/// The calls running at the edit all complete, none fails.
fn assert_running_finish(after: &[(Event, i64)], running: &[u64]) {
    for &msg in running {
        let end = after.iter().find_map(|(e, _)| match e.kind {
            EventKind::Completed { msg: m, node: B, .. } if m == msg => Some("completed"),
            EventKind::Failed { msg: m, node: B, .. } if m == msg => Some("failed"),
            _ => None,
        });
        assert_eq!(end, Some("completed"), "call {msg} admitted before the edit");
    }
}

#[test]
fn a_bulkhead_lowered_below_its_calls_lets_them_finish_and_refuses_new_ones_until_under_the_limit() {
    let (_, after, running) = lowered(0, 3);
    assert_running_finish(&after, &running);
    // Every start after the edit found fewer than 3 workers busy.
    let starts: Vec<(u64, i64)> = after
        .iter()
        .filter(|(e, _)| matches!(e.kind, EventKind::Started { node: B, .. }))
        .map(|(e, before)| (e.t, *before))
        .collect();
    assert!(!starts.is_empty(), "calls start again once under the limit");
    assert!(starts.iter().all(|&(_, before)| before < 3), "{starts:?}");
    // The first start waits for the running calls to fall to 2 (all ten
    // started by 600 ms, each taking 1 s).
    assert!(starts[0].0 >= 1_000 * MS, "{starts:?}");
    // Meanwhile new calls were refused as overloaded, not queued.
    let refused: Vec<(u64, i64)> = after
        .iter()
        .filter(|(e, _)| matches!(e.kind, EventKind::Rejected { node: B, reason: Reason::Overloaded, .. }))
        .map(|(e, before)| (e.t, *before))
        .collect();
    assert!(refused.iter().any(|&(t, _)| t < starts[0].0), "{refused:?}");
    assert!(refused.iter().all(|&(_, before)| before >= 3), "refused only while at the limit: {refused:?}");
}

#[test]
fn a_bulkhead_lowered_with_a_backlog_queues_new_calls_and_starts_them_under_the_new_limit() {
    let (_, after, running) = lowered(1_000, 3);
    assert_running_finish(&after, &running);
    let rejected = after.iter().filter(|(e, _)| matches!(e.kind, EventKind::Rejected { node: B, .. })).count();
    assert_eq!(rejected, 0, "a backlog with room takes them");
    let max = after.iter().map(|(_, before)| *before).max().unwrap_or(0);
    let starts: Vec<i64> =
        after.iter().filter(|(e, _)| matches!(e.kind, EventKind::Started { node: B, .. })).map(|(_, b)| *b).collect();
    assert!(starts.iter().all(|&before| before < 3), "{starts:?}");
    assert_eq!(max, 10, "the running calls were not cut short");
}

#[test]
fn a_bulkhead_raised_again_starts_waiting_calls_at_once() {
    let mut sim = Simulation::new(bulkhead(10, 1_000)).expect("valid");
    sim.set_recording(true);
    let mut busy = Busy::default();
    run_checked(&mut sim, &mut busy, 0, 600 * MS);
    sim.apply(&set_service(&sim, "b", |s| s.concurrency = 3)).expect("lowers");
    run_checked(&mut sim, &mut busy, 600 * MS, 1_200 * MS);
    let waiting = sim.node_status(B as usize).waiting;
    assert!(waiting > 0, "calls wait under the lowered limit");
    let before = busy.now;
    sim.apply(&set_service(&sim, "b", |s| s.concurrency = 50)).expect("raises");
    let started = sim.drain_events().iter().filter(|e| matches!(e.kind, EventKind::Started { node: B, .. })).count();
    assert_eq!(started as u32, waiting, "every waiting call starts at the edit");
    busy.now = before + started as i64;
    assert_eq!(i64::from(sim.node_status(B as usize).busy), busy.now);
    run_checked(&mut sim, &mut busy, 1_200 * MS, 10 * SECOND);
    assert_eq!(busy.now, 0);
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn fewer_instances_finish_what_they_hold_and_take_nothing_new() {
    // B: three instances of 2 workers and 10 backlog places, 500 ms a call,
    // an order every 50 ms: each instance is busy with a backlog when B is
    // cut to one instance at 700 ms.
    let s = Chain::new("replicas-edit", 5)
        .b_ms(500)
        .b(|b| {
            b["replicas"] = json!(3);
            b["concurrency"] = json!(2);
            b["backlog"] = json!(10);
        })
        .arrival(json!({"type": "constant", "rate_per_s": 20}))
        .stop_at(3_000)
        .build();
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    let mut busy = Busy::default();
    let before = run_checked(&mut sim, &mut busy, 0, 700 * MS);
    let held_at_edit: Vec<u64> = {
        let mut held = BTreeMap::new();
        for (e, _) in &before {
            if let EventKind::Arrived { msg, node: B } = e.kind {
                held.insert(msg, ());
            }
            if let EventKind::Completed { msg, node: B, .. } | EventKind::Failed { msg, node: B, .. } = e.kind {
                held.remove(&msg);
            }
        }
        held.into_keys().collect()
    };
    let status = sim.node_status(B as usize);
    assert!(status.busy == 6 && status.waiting > 0, "the set-up: {status:?}");
    sim.apply(&set_service(&sim, "b", |s| s.replicas = 1)).expect("applies");
    let status = sim.node_status(B as usize);
    assert_eq!((status.replicas, status.capacity), (1, 2), "{status:?}");
    let after = run_checked(&mut sim, &mut busy, 700 * MS, 20 * SECOND);
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(sim.live_messages(), 0);
    // Everything B held at the edit (working or waiting, on any instance)
    // completes; nothing of B's fails or is refused as unavailable.
    for msg in held_at_edit {
        let done =
            after.iter().any(|(e, _)| matches!(e.kind, EventKind::Completed { msg: m, node: B, .. } if m == msg));
        assert!(done, "message {msg} held at the edit completes");
    }
    assert!(!after.iter().any(|(e, _)| matches!(e.kind, EventKind::Failed { node: B, .. })));
    // Work that arrived after the edit starts on instance 0 only.
    let mut arrived_after = BTreeMap::new();
    for (e, _) in &after {
        match e.kind {
            EventKind::Arrived { msg, node: B } => {
                arrived_after.insert(msg, ());
            }
            EventKind::Started { msg, node: B, replica, .. } if arrived_after.contains_key(&msg) => {
                assert_eq!(replica, 0, "message {msg} arrived after the edit");
            }
            _ => {}
        }
    }
    assert!(!arrived_after.is_empty());
}

#[test]
fn fewer_consumer_instances_ack_what_they_hold_and_nothing_is_redelivered() {
    // A queue's consumers: three instances, prefetch 2, 400 ms a message;
    // messages every 20 ms until 2 s. At 500 ms the consumers are cut to
    // one: the retired instances process and ack the deliveries they hold
    // or that are on their way to them (the link takes 5 ms); none comes
    // back by its visibility timeout, and later deliveries go to instance 0.
    let service = |replicas: u32, ms: u32| {
        json!({"type": "service", "replicas": replicas, "concurrency": 2, "backlog": 100,
               "processing": {"type": "constant", "ms": ms}})
    };
    let link = |id: &str, from: &str, to: &str, ms: u32, transport: serde_json::Value| json!({"id": id, "from": from, "to": to, "latency": {"type": "constant", "ms": ms}, "transport": transport});
    let s: Scenario = serde_json::from_value(json!({
        "version": 1, "name": "consumers-edit", "seed": 5,
        "nodes": [
            {"id": "client", "label": "Client", "kind": {"type": "client"}},
            {"id": "api", "label": "API", "kind": service(1, 1)},
            {"id": "jobs", "label": "jobs", "kind": {"type": "queue", "visibility_timeout_ms": 30_000}},
            {"id": "workers", "label": "Workers", "kind": service(3, 400)},
        ],
        "links": [
            link("c-api", "client", "api", 1, json!({"type": "request_response"})),
            link("api-jobs", "api", "jobs", 1, json!({"type": "enqueue"})),
            link("jobs-workers", "jobs", "workers", 5, json!({"type": "consume", "prefetch": 2})),
        ],
        "sources": [{"id": "orders", "target": "client", "arrival": {"type": "constant", "rate_per_s": 50},
                     "stop_ms": 2_000}],
        "faults": [],
    }))
    .expect("scenario");
    const WORKERS: u32 = 3;
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    // From 500 ms, 1 ms at a time until a delivery to a retired-to-be
    // instance is on the wire.
    let mut before = Vec::new();
    let mut t = 500 * MS;
    let on_the_wire = loop {
        sim.run_until(t).expect("runs");
        before.extend(sim.drain_events());
        let last = before.iter().rev().find_map(|e| match e.kind {
            EventKind::Delivered { msg, node: WORKERS, replica, arrives, .. } if replica > 0 => Some((msg, arrives)),
            _ => None,
        });
        if let Some((msg, arrives)) = last.filter(|&(_, arrives)| arrives > t) {
            break (msg, arrives);
        }
        assert!(t < 2 * SECOND, "no delivery on the wire to instances 1 and 2");
        t += MS;
    };
    sim.apply(&set_service(&sim, "workers", |s| s.replicas = 1)).expect("applies");
    sim.run_until(60 * SECOND).expect("runs");
    let after = sim.drain_events();
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(sim.live_messages(), 0, "everything settled");
    let retired_held: Vec<u64> = before
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Delivered { msg, node: WORKERS, replica, .. } if replica > 0 => Some(msg),
            _ => None,
        })
        .filter(|&msg| !before.iter().any(|e| matches!(e.kind, EventKind::Acked { msg: m, .. } if m == msg)))
        .collect();
    assert!(!retired_held.is_empty(), "the set-up: the retired instances hold deliveries");
    for msg in &retired_held {
        let acked = after.iter().any(|e| matches!(e.kind, EventKind::Acked { msg: m, .. } if m == *msg));
        assert!(acked, "delivery of {msg} held by a retired instance is acked");
    }
    let (msg, arrives) = on_the_wire;
    let taken = after
        .iter()
        .any(|e| e.t == arrives && matches!(e.kind, EventKind::Arrived { msg: m, node: WORKERS } if m == msg));
    assert!(taken, "the delivery on the wire at the edit reaches its retired instance");
    assert!(!after.iter().any(|e| matches!(e.kind, EventKind::VisibilityExpired { .. })), "nothing redelivered");
    assert!(!after.iter().any(|e| matches!(e.kind, EventKind::Failed { node: WORKERS, .. })));
    let late: Vec<u32> = after
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Delivered { node: WORKERS, replica, .. } => Some(replica),
            _ => None,
        })
        .collect();
    assert!(!late.is_empty() && late.iter().all(|&r| r == 0), "{late:?}");
}

/// A log's consumer group loses a member to fewer instances: as a Kafka
/// consumer shut down cleanly, the retired instance finishes the batch it
/// polled (committing as its policy says) and leaves the group, which
/// rebalances; nothing is lost or read twice, under either commit policy.
#[test]
fn fewer_instances_reading_a_log_finish_their_batch_and_lose_or_repeat_nothing() {
    for preset in ["commit-after", "commit-before"] {
        let mut s = patchbay::engine::presets::load(preset).expect("preset");
        s.faults.clear();
        let mut sim = Simulation::new(s).expect("valid");
        sim.set_recording(true);
        let node = sim.scenario().nodes.iter().position(|n| n.id == "fulfilment").expect("node") as u32;
        let link = sim.scenario().links.iter().position(|l| l.id == "orders-fulfilment").expect("link");
        sim.run_until(5 * SECOND).expect("runs");
        let mut events = sim.drain_events();
        assert_eq!(sim.node_status(node as usize).replicas_up, 2, "{preset}: the set-up");
        sim.apply(&set_service(&sim, "fulfilment", |s| s.replicas = 1)).expect("applies");
        sim.run_until(60 * SECOND).expect("runs");
        events.extend(sim.drain_events());
        assert!(sim.ledger().balances(sim.live_messages()));
        let mut open = BTreeMap::new();
        for e in &events {
            match e.kind {
                EventKind::Started { msg, node: n, replica, .. } if n == node => {
                    open.insert(msg, replica);
                }
                EventKind::Completed { msg, node: n, .. } if n == node => {
                    open.remove(&msg);
                }
                EventKind::Failed { msg, node: n, .. } if n == node => panic!("{preset}: record {msg} failed"),
                _ => {}
            }
        }
        assert!(open.values().all(|&r| r == 0), "{preset}: the retired instance left work unfinished: {open:?}");
        let mid_batch = events.iter().any(|e| {
            e.t >= 5 * SECOND && matches!(e.kind, EventKind::Started { node: n, replica: 1, .. } if n == node)
        });
        assert!(mid_batch, "{preset}: the set-up: the retired instance goes on with its batch after the edit");
        let done = events
            .iter()
            .find_map(|e| match e.kind {
                EventKind::RebalanceDone { link: l, members: 1, .. } if l as usize == link => Some(e.t),
                _ => None,
            })
            .expect("the group rebalances to one member");
        let late = events
            .iter()
            .filter(|e| e.t > done)
            .any(|e| matches!(e.kind, EventKind::Started { node: n, replica: 1, .. } if n == node));
        assert!(!late, "{preset}: the retired instance reads nothing after the rebalance");
        let g = &sim.metrics().groups[link];
        assert_eq!((g.lost_total(), g.duplicates_total()), (0, 0), "{preset}: {:?} {:?}", g.lost, g.duplicates);
    }
}

/// A backlog lowered below the requests waiting in it. Bounded waiting
/// rooms check their bound when something asks to come in, not
/// afterwards: Envoy reads a circuit breaker's `max_pending_requests`
/// afresh at each admission (`canCreate`: fewer pending than the limit)
/// and never evicts what is pending, and a thread pool's queue keeps the
/// tasks it accepted. So every request already waiting stays and is
/// worked in turn; new ones are refused (`overloaded`) until fewer wait
/// than the new bound, and the backlog never grows past its size at the
/// edit. (A queue node has no bound to lower: SQS bounds no queue's depth.)
#[test]
fn a_backlog_lowered_below_what_waits_keeps_it_and_refuses_new_requests_until_under() {
    let mut sim = Simulation::new(bulkhead(10, 1_000)).expect("valid");
    sim.set_recording(true);
    let mut busy = Busy::default();
    let before = run_checked(&mut sim, &mut busy, 0, 1_500 * MS);
    let at_edit = sim.node_status(B as usize).waiting;
    assert!(at_edit > 5, "the set-up: a backlog of more than 5 at the edit, {at_edit}");
    let mut waiting_now = BTreeMap::new();
    for (e, _) in &before {
        match e.kind {
            EventKind::Arrived { msg, node: B } => {
                waiting_now.insert(msg, ());
            }
            EventKind::Started { msg, node: B, .. } | EventKind::Rejected { msg, node: B, .. } => {
                waiting_now.remove(&msg);
            }
            _ => {}
        }
    }
    assert_eq!(waiting_now.len() as u32, at_edit, "the event stream agrees on who waits");
    sim.apply(&set_service(&sim, "b", |s| s.backlog = 3)).expect("lowers");
    assert_eq!(sim.node_status(B as usize).waiting, at_edit, "nothing is evicted");
    // In 10 ms steps: the backlog only grows while fewer than 3 wait.
    let mut after = Vec::new();
    let (mut t, mut last) = (1_500 * MS, at_edit);
    while t < 40 * SECOND {
        t += 10 * MS;
        sim.run_until(t).expect("runs");
        after.extend(sim.drain_events());
        let waiting = sim.node_status(B as usize).waiting;
        assert!(waiting <= last.max(3), "{waiting} waiting at {t} µs, {last} before");
        last = waiting;
    }
    for msg in waiting_now.keys() {
        let end = after.iter().find_map(|e| match e.kind {
            EventKind::Completed { msg: m, node: B, .. } if m == *msg => Some("completed"),
            EventKind::Failed { msg: m, node: B, .. } | EventKind::Rejected { msg: m, node: B, .. } if m == *msg => {
                Some("failed")
            }
            _ => None,
        });
        assert_eq!(end, Some("completed"), "request {msg}, waiting at the edit");
    }
    let refused: Vec<u64> = after
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Rejected { node: B, reason: Reason::Overloaded, .. }))
        .map(|e| e.t)
        .collect();
    assert!(!refused.is_empty(), "arrivals beyond the new bound are refused");
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(sim.live_messages(), 0, "everything settled");
}
