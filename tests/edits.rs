//! Changing a running simulation: faults, mitigations and settings take
//! effect at the current time; bad edits are errors that name the problem.

use patchbay::engine::scenario::*;
use patchbay::engine::{presets, SimError, Simulation, SECOND};

fn sim(name: &str) -> Simulation {
    Simulation::new(presets::load(name).expect("preset")).expect("valid")
}

fn reason(e: SimError) -> String {
    e.to_string()
}

#[test]
fn scaling_consumers_out_drains_a_backlog() {
    let mut s = sim("competing-consumers-1");
    s.run_until(30 * SECOND).expect("runs");
    let backlog = s.node_status(1).depth;
    assert!(backlog > 500, "one consumer falls behind: {backlog}");
    let NodeKind::Service(mut spec) = s.scenario().node("payment-workers").expect("node").kind.clone() else {
        panic!("a service")
    };
    spec.replicas = 6;
    s.set_service("payment-workers", spec).expect("valid edit");
    assert_eq!(s.node_status(2).replicas, 6);
    s.run_until(120 * SECOND).expect("runs");
    assert!(s.node_status(1).depth < 50, "six consumers drain it: {}", s.node_status(1).depth);
    // Scaling back in retires instances after their current work.
    let NodeKind::Service(mut spec) = s.scenario().node("payment-workers").expect("node").kind.clone() else {
        panic!("a service")
    };
    spec.replicas = 2;
    s.set_service("payment-workers", spec).expect("valid edit");
    s.run_until(125 * SECOND).expect("runs");
    assert_eq!(s.node_status(2).replicas, 2);
    assert!(s.ledger().balances(s.live_messages()));
}

#[test]
fn turning_on_the_dlq_while_running_stops_the_crash_loop() {
    let mut s = sim("poison");
    s.run_until(20 * SECOND).expect("runs");
    assert_eq!(s.ledger().dead_lettered, 0);
    s.set_queue("payments", QueueSpec { visibility_timeout_ms: 2_000.0, max_receive_count: Some(3) }).expect("edit");
    s.run_until(40 * SECOND).expect("runs");
    assert_eq!(s.ledger().dead_lettered, 3, "the three poison messages leave the queue");
    let crashes = s.metrics().nodes[2].crashes;
    s.run_until(80 * SECOND).expect("runs");
    assert_eq!(s.metrics().nodes[2].crashes, crashes, "no more crashes");
}

#[test]
fn clearing_a_hang_lets_the_parked_work_finish() {
    let mut s = sim("silent-backlog");
    s.run_until(40 * SECOND).expect("runs");
    assert!(s.node_status(1).depth > 300);
    let hang = s.faults().into_iter().find(|f| f.active).expect("the hang is active");
    s.clear_fault(hang.index).expect("clears");
    assert!(!s.node_status(2).hung);
    s.run_until(120 * SECOND).expect("runs");
    assert!(s.node_status(1).depth < 20, "the backlog drains: {}", s.node_status(1).depth);
    assert!(s.faults().iter().all(|f| !f.active && f.ended));
}

#[test]
fn idempotency_switched_on_suppresses_duplicates() {
    // A visibility timeout shorter than processing makes every message come back while in work.
    let mut scenario = presets::load("competing-consumers-4").expect("preset");
    if let NodeKind::Queue(q) = &mut scenario.nodes[1].kind {
        q.visibility_timeout_ms = 30.0;
    }
    let run = |idempotent: bool| {
        let mut s = Simulation::new(scenario.clone()).expect("valid");
        s.set_transport("payments-workers", Transport::Consume(ConsumePolicy { prefetch: 1, idempotent }))
            .expect("edit");
        s.run_until(20 * SECOND).expect("runs");
        let m = &s.metrics().nodes[2];
        (m.duplicates_processed, m.duplicates_suppressed)
    };
    let (processed, suppressed) = run(false);
    assert!(processed > 10 && suppressed == 0, "{processed} / {suppressed}");
    let (processed, suppressed) = run(true);
    assert!(processed == 0 && suppressed > 10, "{processed} / {suppressed}");
}

#[test]
fn bad_edits_are_errors_naming_the_problem() {
    let mut s = sim("order-flow");
    let e = s.set_transport("nope", Transport::Enqueue).expect_err("unknown link");
    assert!(reason(e).contains("unknown link id 'nope'"));
    let e = s.set_transport("browser-api", Transport::Enqueue).expect_err("type change");
    assert!(reason(e).contains("transport type cannot change"));
    let bad = SyncPolicy { timeout_ms: Some(-1.0), ..SyncPolicy::default() };
    let e = s.set_transport("browser-api", Transport::RequestResponse(bad)).expect_err("bad timeout");
    assert!(reason(e).starts_with("$.transport.timeout_ms"));
    let e = s.set_queue("pricing", QueueSpec::default()).expect_err("not a queue");
    assert!(reason(e).contains("'pricing' is not a queue"));
    let e = s.set_service("payments", ServiceSpec::default()).expect_err("not a service");
    assert!(reason(e).contains("not a service"));
    let e = s.set_service("pricing", ServiceSpec { replicas: 0, ..ServiceSpec::default() }).expect_err("zero");
    assert!(reason(e).contains("replicas"));
    let ghost = Fault { target: "ghost".into(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Crash };
    assert!(reason(s.apply_fault(ghost).expect_err("unknown")).contains("unknown node id 'ghost'"));
    assert!(s.clear_fault(99).is_err());
    let e = s.run_until(0).and_then(|_| {
        s.run_until(SECOND)?;
        s.run_until(SECOND / 2)
    });
    assert!(matches!(e, Err(SimError::TimeInPast { .. })));
}
