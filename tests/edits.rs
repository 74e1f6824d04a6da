//! Changing a running simulation: faults, mitigations and settings take
//! effect at the current time; bad edits are errors that name the problem.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::scenario::*;
use patchbay::engine::{presets, Applied, Edit, SimError, Simulation, SECOND};

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
    s.apply(&Edit::SetService { node: "payment-workers".into(), spec }).expect("valid edit");
    assert_eq!(s.node_status(2).replicas, 6);
    s.run_until(120 * SECOND).expect("runs");
    assert!(s.node_status(1).depth < 50, "six consumers drain it: {}", s.node_status(1).depth);
    // Scaling back in retires instances after their current work.
    let NodeKind::Service(mut spec) = s.scenario().node("payment-workers").expect("node").kind.clone() else {
        panic!("a service")
    };
    spec.replicas = 2;
    s.apply(&Edit::SetService { node: "payment-workers".into(), spec }).expect("valid edit");
    s.run_until(125 * SECOND).expect("runs");
    assert_eq!(s.node_status(2).replicas, 2);
    assert!(s.ledger().balances(s.live_messages()));
}

#[test]
fn turning_on_the_dlq_while_running_stops_the_crash_loop() {
    let mut s = sim("poison");
    s.run_until(20 * SECOND).expect("runs");
    assert_eq!(s.ledger().dead_lettered, 0);
    s.apply(&Edit::SetQueue {
        node: "payments".into(),
        spec: QueueSpec { visibility_timeout_ms: 2_000.0, max_receive_count: Some(3) },
    })
    .expect("edit");
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
    s.apply(&Edit::ClearFault { index: hang.index }).expect("clears");
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
        s.apply(&Edit::SetTransport {
            link: "payments-workers".into(),
            transport: Transport::Consume(ConsumePolicy { prefetch: 1, idempotent }),
        })
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
    let e =
        s.apply(&Edit::SetTransport { link: "nope".into(), transport: Transport::Enqueue }).expect_err("unknown link");
    assert!(reason(e).contains("unknown link id 'nope'"));
    let e = s
        .apply(&Edit::SetTransport { link: "browser-api".into(), transport: Transport::Enqueue })
        .expect_err("a client cannot enqueue onto a service");
    let e = reason(e);
    assert!(e.contains("$.links["), "the validator names the link: {e}");
    let bad = SyncPolicy { timeout_ms: Some(-1.0), ..SyncPolicy::default() };
    let e = s
        .apply(&Edit::SetTransport { link: "browser-api".into(), transport: Transport::RequestResponse(bad) })
        .expect_err("bad timeout");
    assert!(reason(e).starts_with("$.transport.timeout_ms"));
    let e = s.apply(&Edit::SetQueue { node: "pricing".into(), spec: QueueSpec::default() }).expect_err("not a queue");
    assert!(reason(e).contains("'pricing' is not a queue"));
    let e = s
        .apply(&Edit::SetService { node: "payments".into(), spec: ServiceSpec::default() })
        .expect_err("not a service");
    assert!(reason(e).contains("not a service"));
    let e = s
        .apply(&Edit::SetService {
            node: "pricing".into(),
            spec: ServiceSpec { replicas: 0, ..ServiceSpec::default() },
        })
        .expect_err("zero");
    assert!(reason(e).contains("replicas"));
    let ghost = Fault { target: "ghost".into(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Crash };
    assert!(
        reason(s.apply(&Edit::ApplyFault { fault: ghost }).expect_err("unknown")).contains("unknown node id 'ghost'")
    );
    assert!(s.apply(&Edit::ClearFault { index: 99 }).is_err());
    let e = s.run_until(0).and_then(|_| {
        s.run_until(SECOND)?;
        s.run_until(SECOND / 2)
    });
    assert!(matches!(e, Err(SimError::TimeInPast { .. })));
}

fn every_kind_of_edit() -> Vec<Edit> {
    let slow = Fault {
        target: "pricing".into(),
        at_ms: 0.0,
        until_ms: Some(9_000.0),
        effect: FaultEffect::Slow { factor: 5.0 },
    };
    let policy = SyncPolicy { timeout_ms: Some(250.0), fallback: true, ..SyncPolicy::default() };
    vec![
        Edit::ApplyFault { fault: slow },
        Edit::ClearFault { index: 0 },
        Edit::SetTransport { link: "api-inventory".into(), transport: Transport::RequestResponse(policy) },
        Edit::SetService { node: "pricing".into(), spec: ServiceSpec { replicas: 3, ..ServiceSpec::default() } },
        Edit::SetQueue {
            node: "payments".into(),
            spec: QueueSpec { visibility_timeout_ms: 500.0, max_receive_count: Some(2) },
        },
        Edit::MoveNode { node: "pricing".into(), position: Position { x: 12.5, y: -3.0 } },
        Edit::RenameNode { node: "pricing".into(), label: "Prices".into() },
        // Structural edits: each runs the changed scenario again to now.
        Edit::AddNode {
            node: Node {
                id: "audit".into(),
                label: "Audit".into(),
                position: Position { x: 900.0, y: 40.0 },
                kind: NodeKind::Service(ServiceSpec::default()),
            },
        },
        Edit::AddLink {
            link: Link {
                id: "pricing-audit".into(),
                from: "pricing".into(),
                to: "audit".into(),
                latency: patchbay::engine::dist::Dist::Constant { ms: 1.0 },
                transport: Transport::RequestResponse(SyncPolicy::default()),
            },
        },
        Edit::RemoveLink { link: "pricing-audit".into() },
        Edit::RemoveNode { node: "audit".into() },
        Edit::Restore {
            nodes: vec![patchbay::engine::Placed {
                index: 0,
                item: Node {
                    id: "spare".into(),
                    label: "Spare".into(),
                    position: Position::default(),
                    kind: NodeKind::Service(ServiceSpec::default()),
                },
            }],
            links: vec![],
            sources: vec![],
            faults: vec![],
            monitors: vec![],
        },
    ]
}

#[test]
fn every_edit_round_trips_through_json_and_applies() {
    let mut s = sim("order-flow");
    s.run_until(2 * SECOND).expect("runs");
    for edit in every_kind_of_edit() {
        let text = serde_json::to_string(&edit).expect("serialises");
        let back: Edit = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, edit, "{text}");
        let applied = s.apply(&back).unwrap_or_else(|e| panic!("{text}: {e}"));
        if matches!(edit, Edit::ApplyFault { .. }) {
            assert!(matches!(applied, Applied::Fault(_)));
        }
    }
    let pricing = s.scenario().node("pricing").expect("node");
    assert_eq!((pricing.label.as_str(), pricing.position.x), ("Prices", 12.5));
    s.run_until(10 * SECOND).expect("runs");
    assert!(s.ledger().balances(s.live_messages()));
}

#[test]
fn a_rejected_edit_changes_nothing() {
    let bad_edits = vec![
        Edit::MoveNode { node: "pricing".into(), position: Position { x: f64::NAN, y: 0.0 } },
        Edit::RenameNode { node: "pricing".into(), label: "x".repeat(500) },
        Edit::RenameNode { node: "ghost".into(), label: "Ghost".into() },
        Edit::SetService { node: "pricing".into(), spec: ServiceSpec { concurrency: 0, ..ServiceSpec::default() } },
        Edit::SetQueue {
            node: "payments".into(),
            spec: QueueSpec { visibility_timeout_ms: 0.0001, max_receive_count: None },
        },
        Edit::ClearFault { index: 7 },
        Edit::SetTransport { link: "api-inventory".into(), transport: Transport::Enqueue },
        // Ten attempts at each of two hops multiplies past the fan-out limit? No: it is
        // checked, and this one is fine; a huge retry count is rejected by its own range.
        Edit::SetTransport {
            link: "api-inventory".into(),
            transport: Transport::RequestResponse(SyncPolicy {
                retry: Some(RetryPolicy {
                    max_attempts: 99,
                    base_ms: 1.0,
                    cap_ms: 2.0,
                    jitter: Jitter::Full,
                    budget: None,
                }),
                ..SyncPolicy::default()
            }),
        },
    ];
    let mut reference = sim("order-flow");
    reference.enable_trace_hash();
    reference.run_until(3 * SECOND).expect("runs");
    let mut s = sim("order-flow");
    s.enable_trace_hash();
    s.run_until(3 * SECOND).expect("runs");
    for edit in &bad_edits {
        let before = s.scenario().clone();
        assert!(s.apply(edit).is_err(), "{edit:?} should be rejected");
        assert_eq!(s.scenario(), &before, "{edit:?} changed the scenario");
    }
    reference.run_until(20 * SECOND).expect("runs");
    s.run_until(20 * SECOND).expect("runs");
    assert_eq!(s.trace_hash(), reference.trace_hash(), "rejected edits left the run as it was");
}

#[test]
fn timed_edits_parse_sorted_and_name_their_problems() {
    use patchbay::engine::edit::parse_timed_edits;
    let list = r#"[
        {"at_ms": 5000, "edit": {"type": "clear_fault", "index": 0}},
        {"at_ms": 1000, "edit": {"type": "apply_fault", "fault": {"target": "pricing", "effect": {"type": "crash"}}}}
    ]"#;
    let edits = parse_timed_edits(list).expect("valid list");
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[0].at_ms, 1000.0, "sorted by time");
    let e = parse_timed_edits(r#"[{"at_ms": 1, "edit": {"type": "teleport"}}]"#).expect_err("unknown edit");
    assert!(e.path.starts_with("$[0].edit"), "{e}");
    let e = parse_timed_edits(r#"[{"at_ms": -1, "edit": {"type": "clear_fault", "index": 0}}]"#).expect_err("negative");
    assert_eq!(e.path, "$[0].at_ms");
    assert!(parse_timed_edits("[] []").is_err(), "trailing data");
    // A text that is not a list is named in the format's terms, not serde's.
    for (text, found) in [("{}", "starts with an object"), ("", "the text is empty"), ("null", "starts with null")] {
        let e = parse_timed_edits(text).expect_err(text);
        assert_eq!(e.path, "$");
        assert!(e.reason.contains(found) && e.reason.contains("an edit list is a JSON list"), "{text:?}: {e}");
    }
    // A wrong field deep in an edit is named at the field, not at the edit.
    let e = parse_timed_edits(
        r#"[{"at_ms": 1, "edit": {"type": "set_latency", "link": "a", "latency": {"type": "constant", "ms": "x"}}}]"#,
    )
    .expect_err("bad latency");
    assert_eq!(e.path, "$[0].edit.latency.ms", "{e:?}");
}

/// A link added to the running simulation gets an entry in every per-link
/// metrics table, so nothing indexes past the end later.
#[test]
fn a_link_added_live_grows_every_per_link_table() {
    let mut s = sim("order-flow");
    s.run_until(2 * SECOND).expect("runs");
    let to = s.scenario().nodes.iter().find(|n| matches!(n.kind, NodeKind::Service(_))).expect("a service").id.clone();
    let from = s
        .scenario()
        .nodes
        .iter()
        .rev()
        .find(|n| matches!(n.kind, NodeKind::Service(_)) && n.id != to)
        .expect("another")
        .id
        .clone();
    let link = Link {
        id: "extra-call".into(),
        from,
        to,
        latency: patchbay::engine::dist::Dist::Constant { ms: 1.0 },
        transport: Transport::RequestResponse(SyncPolicy::default()),
    };
    s.apply(&Edit::AddLink { link }).expect("a call between two services is accepted");
    s.run_until(4 * SECOND).expect("runs on");
    let n = s.scenario().links.len();
    let m = s.metrics();
    for (name, len) in [
        ("links", m.links.len()),
        ("subscriptions", m.subscriptions.len()),
        ("edges", m.edges.len()),
        ("groups", m.groups.len()),
        ("publishes", m.publishes.len()),
    ] {
        assert_eq!(len, n, "{name} has one entry per link");
    }
}
