//! Type 5, sagas: compensation order, the manual-intervention queue, pivots,
//! stuck detection, orchestration against choreography, the presets and
//! validation of the new fields.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::event::{EventKind, SagaOutcome};
use patchbay::engine::scenario::Scenario;
use patchbay::engine::{presets, Simulation, SECOND};
use patchbay::view_model::event_words::event_words;
use serde_json::{json, Value};

/// One order (a burst of one at 0) into an orchestrator with steps to
/// services s1…s4; `kinds` gives each step's kind; `faults` as in the format.
fn scenario(mode: &str, kinds: &[&str], faults: Value, retries: u32) -> Scenario {
    let mut nodes = vec![json!({
        "id": "orch", "label": "Orchestrator",
        "kind": {"type": "service", "processing": {"type": "constant", "ms": 1},
                 "saga": {"mode": mode, "compensation_retries": retries, "retry_backoff_ms": 100,
                          "step_timeout_ms": 500, "deadline_ms": 10000}}
    })];
    let mut links = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        let id = format!("s{}", i + 1);
        nodes.push(
            json!({"id": id, "label": id, "kind": {"type": "service", "processing": {"type": "constant", "ms": 5}}}),
        );
        links.push(json!({"id": format!("step{}", i + 1), "from": "orch", "to": id,
            "latency": {"type": "constant", "ms": 2},
            "transport": {"type": "saga_step", "order": i + 1, "kind": kind, "compensation": *kind == "compensatable"}}));
    }
    serde_json::from_value(json!({
        "version": 1, "name": "saga-test", "seed": 3, "nodes": nodes, "links": links,
        "sources": [{"id": "one", "target": "orch", "arrival": {"type": "burst", "at_ms": 0, "count": 1}}],
        "faults": faults,
    }))
    .expect("scenario")
}

fn four(mode: &str, faults: Value, retries: u32) -> Scenario {
    scenario(mode, &["compensatable"; 4], faults, retries)
}

/// Runs to `secs` and returns every event.
fn run(s: Scenario, secs: u64) -> (Simulation, Vec<EventKind>) {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(secs * SECOND).expect("runs");
    let events = sim.drain_events().into_iter().map(|e| e.kind).collect();
    assert!(sim.ledger().balances(sim.live_messages()));
    (sim, events)
}

/// The steps whose compensation was sent, in order.
fn compensations(events: &[EventKind]) -> Vec<u32> {
    events
        .iter()
        .filter_map(|e| if let EventKind::CompensationSent { step, .. } = e { Some(*step) } else { None })
        .collect()
}

fn outcomes(events: &[EventKind]) -> Vec<(u64, SagaOutcome, u32, u32)> {
    events
        .iter()
        .filter_map(|e| match *e {
            EventKind::SagaEnded { saga, outcome, steps_done, compensated, .. } => {
                Some((saga, outcome, steps_done, compensated))
            }
            _ => None,
        })
        .collect()
}

fn fails(target: &str) -> Value {
    json!({"target": target, "effect": {"type": "error_rate", "rate": 1.0}})
}

fn comp_fails(target: &str) -> Value {
    json!({"target": target, "effect": {"type": "compensation_fails", "probability": 1.0}})
}

#[test]
fn t4_failing_runs_c3_c2_c1_in_that_order() {
    for mode in ["orchestration", "choreography"] {
        let (sim, events) = run(four(mode, json!([fails("s4")]), 3), 5);
        assert_eq!(compensations(&events), vec![2, 1, 0], "{mode}");
        assert_eq!(outcomes(&events), vec![(1, SagaOutcome::Compensated, 3, 3)], "{mode}");
        let m = &sim.metrics().sagas[0];
        assert_eq!((m.started, m.compensated, m.steps_failed, m.compensations_done, m.manual), (1, 1, 1, 3, 0));
        assert_eq!(sim.ledger().in_flight(), 0);
    }
}

#[test]
fn c2_failing_for_good_leaves_c1_unrun_and_the_saga_in_the_manual_queue() {
    for mode in ["orchestration", "choreography"] {
        let (sim, events) = run(four(mode, json!([fails("s4"), comp_fails("s2")]), 2), 5);
        // C3, then C2 and its two retries; C1 never runs.
        assert_eq!(compensations(&events), vec![2, 1, 1, 1], "{mode}");
        assert_eq!(outcomes(&events), vec![(1, SagaOutcome::Manual, 3, 1)], "{mode}");
        let alerts = events.iter().filter(|e| matches!(e, EventKind::SagaAlert { .. })).count();
        assert_eq!(alerts, 1, "{mode}");
        let m = &sim.metrics().sagas[0];
        assert_eq!((m.manual, m.alerts, m.compensations_failed, m.compensations_done), (1, 1, 3, 1));
        assert_eq!(m.manual_queue, vec![1]);
    }
}

#[test]
fn steps_after_the_pivot_are_retried_until_they_succeed_never_compensated() {
    let kinds = ["compensatable", "pivot", "retriable", "retriable"];
    // s3 fails for its first 700 ms: retries at 100, 200, 400 ms back-off.
    let fault = json!([{"target": "s3", "until_ms": 700, "effect": {"type": "error_rate", "rate": 1.0}}]);
    for mode in ["orchestration", "choreography"] {
        let (_, events) = run(scenario(mode, &kinds, fault.clone(), 3), 5);
        assert!(compensations(&events).is_empty(), "{mode}");
        assert_eq!(outcomes(&events), vec![(1, SagaOutcome::Completed, 4, 0)], "{mode}");
        let tries = events.iter().filter(|e| matches!(e, EventKind::StepSent { step: 2, .. })).count();
        assert!(tries >= 3, "{mode}: step 3 sent {tries} times");
    }
    // A failing pivot is not compensated itself; the step before it is.
    let (_, events) = run(scenario("orchestration", &kinds, json!([fails("s2")]), 3), 5);
    assert_eq!(compensations(&events), vec![0]);
    assert_eq!(outcomes(&events), vec![(1, SagaOutcome::Compensated, 1, 1)]);
}

#[test]
fn a_hang_is_a_timeout_for_the_orchestrator_and_stuck_in_choreography() {
    let hang = json!([{"target": "s3", "effect": {"type": "hang"}}]);
    let (_, events) = run(four("orchestration", hang.clone(), 3), 20);
    assert!(events.iter().any(|e| matches!(e, EventKind::StepDone { timed_out: true, .. })));
    // A timed-out step may have happened, so the orchestrator undoes it
    // first; s3 is still hung, so that undo times out too, and after its
    // retries the saga needs a person (steps 1 and 2 are not undone).
    assert_eq!(compensations(&events), vec![2, 2, 2, 2]);
    assert_eq!(outcomes(&events), vec![(1, SagaOutcome::Manual, 2, 0)]);
    // Without a coordinator nobody waits for the reply: only the deadline notices.
    let (sim, events) = run(four("choreography", hang, 3), 20);
    assert_eq!(outcomes(&events), vec![], "a stuck saga is not abandoned");
    assert!(events.iter().any(|e| matches!(e, EventKind::SagaStuck { step: 2, compensating: false, .. })));
    let m = &sim.metrics().sagas[0];
    assert_eq!((m.stuck, m.alerts, m.running), (1, 1, 1));
}

/// Found in review: the deadline used to end the saga, so a step that
/// recovered afterwards was never followed up. Now the deadline only marks
/// it stuck, and the saga reaches its real outcome when the service recovers.
#[test]
fn a_stuck_saga_carries_on_to_its_real_outcome() {
    // The hang outlasts the 10 s deadline, then ends.
    let hang = json!([{"target": "s3", "until_ms": 12000, "effect": {"type": "hang"}}]);
    let (sim, events) = run(four("choreography", hang, 3), 30);
    let stuck_at = events.iter().position(|e| matches!(e, EventKind::SagaStuck { .. })).expect("marked stuck");
    let ended_at = events.iter().position(|e| matches!(e, EventKind::SagaEnded { .. })).expect("ended later");
    assert!(stuck_at < ended_at);
    assert_eq!(outcomes(&events), vec![(1, SagaOutcome::Completed, 4, 0)]);
    let m = &sim.metrics().sagas[0];
    assert_eq!((m.stuck, m.completed, m.running), (1, 1, 0));
}

#[test]
fn orchestration_and_choreography_reach_the_same_outcomes() {
    let cases = [
        json!([]),
        json!([fails("s4")]),
        json!([fails("s1")]),
        json!([fails("s3"), comp_fails("s1")]),
        json!([fails("s4"), comp_fails("s2")]),
    ];
    for faults in cases {
        let (_, a) = run(four("orchestration", faults.clone(), 2), 5);
        let (_, b) = run(four("choreography", faults.clone(), 2), 5);
        assert_eq!(outcomes(&a), outcomes(&b), "{faults}");
        assert_eq!(compensations(&a), compensations(&b), "{faults}");
    }
    let (_, a) = run(presets::load("saga").unwrap(), 30);
    let (_, b) = run(presets::load("saga-choreography").unwrap(), 30);
    assert_eq!(outcomes(&a), outcomes(&b));
}

#[test]
fn choreography_spreads_the_flow_over_the_services() {
    let (_, events) = run(four("choreography", json!([fails("s4")]), 2), 5);
    let hops: Vec<(u32, u32)> = events
        .iter()
        .filter_map(|e| match *e {
            EventKind::StepSent { from, to, .. } | EventKind::CompensationSent { from, to, .. } => Some((from, to)),
            _ => None,
        })
        .collect();
    // orch → s1 → s2 → s3 → s4, then s4 → s3 → s2 → s1 (node indices).
    assert_eq!(hops, vec![(0, 1), (1, 2), (2, 3), (3, 4), (4, 3), (3, 2), (2, 1)]);
}

#[test]
fn the_saga_preset_compensates_then_sends_one_saga_to_the_manual_queue_within_20_s() {
    for name in ["saga", "saga-choreography"] {
        let (sim, events) = run(presets::load(name).unwrap(), 20);
        let m = &sim.metrics().sagas[2];
        assert!(m.compensated > 0, "{name}");
        assert_eq!((m.manual, m.alerts, m.stuck), (1, 1, 0), "{name}");
        assert_eq!(m.manual_queue.len(), 1);
        // The manual saga's stock is never released: its only compensations are the refund's three tries.
        let id = m.manual_queue[0];
        let its: Vec<u32> = events
            .iter()
            .filter_map(|e| match *e {
                EventKind::CompensationSent { saga, step, .. } if saga == id => Some(step),
                _ => None,
            })
            .collect();
        assert_eq!(its, vec![1, 1, 1], "{name}");
    }
}

#[test]
fn every_saga_message_settles_once_faults_end() {
    let mut s = presets::load("saga").unwrap();
    s.sources[0].stop_ms = Some(20_000.0);
    s.faults[1].until_ms = Some(20_000.0);
    let (sim, _) = run(s, 90);
    assert_eq!(sim.ledger().in_flight(), 0);
    assert_eq!(sim.metrics().sagas[2].running, 0);
}

#[test]
fn bad_saga_settings_are_errors_naming_the_field() {
    let check = |s: Value, path: &str| {
        let s: Scenario = serde_json::from_value(s).expect("parses");
        let errs = Simulation::new(s).err().expect("invalid");
        assert!(errs.iter().any(|e| e.path.starts_with(path)), "{path}: {errs:?}");
    };
    let mut v = serde_json::to_value(scenario("orchestration", &["retriable", "compensatable"], json!([]), 2)).unwrap();
    check(v.clone(), "$.links[1].transport.kind");
    v["nodes"][0]["kind"]["saga"]["compensation_retries"] = json!(1000);
    check(v.clone(), "$.nodes[0].kind.saga.compensation_retries");
    let mut v = serde_json::to_value(four("orchestration", json!([]), 2)).unwrap();
    v["nodes"][0]["kind"]["saga"]["deadline_ms"] = json!(0);
    check(v.clone(), "$.nodes[0].kind.saga.deadline_ms");
    // Found in an audit: a zero backoff retried a failing step at one
    // instant until the livelock guard stopped the run.
    let mut v = serde_json::to_value(four("orchestration", json!([]), 2)).unwrap();
    v["nodes"][0]["kind"]["saga"]["retry_backoff_ms"] = json!(0);
    check(v.clone(), "$.nodes[0].kind.saga.retry_backoff_ms");
    let mut v = serde_json::to_value(four("orchestration", json!([]), 2)).unwrap();
    v["links"][0]["from"] = json!("s2");
    check(v.clone(), "$.links[0].from");
    // An orchestrator with no steps is valid (the editor adds one before its
    // steps): it starts no sagas (tests/design.rs).
    let mut v = serde_json::to_value(four("orchestration", json!([]), 2)).unwrap();
    v["links"] = json!([]);
    let s: Scenario = serde_json::from_value(v).expect("parses");
    assert!(Simulation::new(s).is_ok());
    let pivots = scenario("orchestration", &["pivot", "pivot"], json!([]), 2);
    check(serde_json::to_value(pivots).unwrap(), "$.links[1].transport.kind");
    let mut v = serde_json::to_value(four("orchestration", json!([comp_fails("s1")]), 2)).unwrap();
    v["faults"][0]["effect"]["probability"] = json!(2.0);
    check(v, "$.faults[0].effect.probability");
    // Found in review: a step into another orchestrator (here a cycle back to
    // itself) multiplied sagas; nested sagas are refused.
    let mut v = serde_json::to_value(four("orchestration", json!([]), 2)).unwrap();
    v["links"][0]["to"] = json!("orch");
    check(v, "$.links[0].to");
}

#[test]
fn the_page_reads_the_saga_state_in_words_and_draws_choreography_hops() {
    use patchbay::view_model::describe_events::{saga_label, saga_words};
    use patchbay::view_model::flights::{FlightKind, Flights};
    use patchbay::view_model::frame::Frame;

    let mut sim = Simulation::new(presets::load("saga-choreography").unwrap()).expect("valid");
    sim.set_recording(true);
    let mut flights = Flights::default();
    flights.shape_links(sim.scenario());
    sim.run_until(20 * SECOND).expect("runs");
    let mut hops = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for e in sim.drain_events() {
        flights.observe(&e);
        for f in flights.moving(e.t) {
            if f.start == e.t && matches!(f.kind, FlightKind::Step | FlightKind::Compensation) {
                kinds.insert(format!("{:?}", f.kind));
                hops += usize::from(f.hop.is_some());
            }
        }
    }
    assert!(hops > 0, "service-to-service messages are drawn between the services");
    assert_eq!(kinds.len(), 2, "steps and compensations have their own shapes");
    let frame = Frame::capture(&sim, vec![0; sim.scenario().links.len()]);
    let g = frame.sagas[2].clone().expect("the orchestrator's frame");
    let names = vec!["Inventory".to_string(), "Payment".to_string(), "Shipping".to_string()];
    let words = saga_words(&g, &names);
    assert!(words.starts_with(", saga choreography: "), "{words}");
    assert!(words.contains(", 1 waiting for manual intervention (saga 16)"), "{words}");
    assert!(saga_label(&g, &names).contains("running"));
    assert!(frame.sagas[0].is_none());
}

#[test]
fn unknown_mode_or_step_kind_is_an_error_naming_the_field() {
    let mut v = serde_json::to_value(four("orchestration", json!([]), 2)).unwrap();
    v["nodes"][0]["kind"]["saga"]["mode"] = json!("chaos");
    let err = patchbay::engine::parse_scenario(&v.to_string()).expect_err("refused");
    let text = format!("{err:?}");
    assert!(text.contains("kind.saga.mode") && text.contains("chaos"), "{text}");
    let mut v = serde_json::to_value(four("orchestration", json!([]), 2)).unwrap();
    v["links"][1]["transport"]["kind"] = json!("maybe");
    let err = patchbay::engine::parse_scenario(&v.to_string()).expect_err("refused");
    let text = format!("{err:?}");
    assert!(text.contains("links[1].transport") && text.contains("maybe"), "{text}");
}

/// Found in review: a step that timed out but then succeeded at the service
/// was left done while the earlier steps were undone. A timed-out step's
/// outcome is unknown, so its own compensation runs first.
#[test]
fn a_timed_out_step_is_compensated_too_because_it_may_have_happened() {
    // s3 is slow (its processing beyond the 500 ms step timeout) for a while.
    let slow = json!([{"target": "s3", "until_ms": 600, "effect": {"type": "extra_latency", "ms": 800}}]);
    let (_, events) = run(four("orchestration", slow, 3), 20);
    assert!(events.iter().any(|e| matches!(e, EventKind::StepDone { step: 2, timed_out: true, .. })));
    let comps = compensations(&events);
    assert_eq!(comps.first(), Some(&2), "the timed-out step is undone first: {comps:?}");
    assert!(comps.ends_with(&[2, 1, 0]), "then the rest in reverse: {comps:?}");
    assert_eq!(outcomes(&events), vec![(1, SagaOutcome::Compensated, 2, 3)]);
}

/// Found by the liveness property in tests/properties.rs (its shrunk case,
/// with the property's end of traffic at 3 s, of faults at 5 s and its
/// 150 ms call timeout): a saga step started on `worker` under two stacked
/// slow-downs (×49 and ×31.6) kept the speed it started at, so it and the
/// compensation queued behind it were still in flight at 65 s. The
/// slow-downs end at 5 s and so does what is left of the step's work.
#[test]
fn a_step_started_under_a_slowdown_settles_once_the_slowdown_ends() {
    let svc = |replicas: u32, concurrency: u32, mean_ms: f64, error_rate: f64| {
        json!({"type": "service", "replicas": replicas, "concurrency": concurrency, "backlog": 10,
               "processing": {"type": "exponential", "mean_ms": mean_ms}, "error_rate": error_rate})
    };
    let mut s0 = svc(1, 2, 36.27523314281832, 0.12456520541739258);
    s0["backlog"] = json!(13);
    let mut orch = svc(1, 4, 2.0, 0.0);
    orch["saga"] = json!({"mode": "orchestration", "compensation_retries": 0, "retry_backoff_ms": 50,
                          "step_timeout_ms": 300, "deadline_ms": 2000});
    let visibility = 785.8712208856796;
    let link = |id: &str, from: &str, to: &str, transport: Value| json!({"id": id, "from": from, "to": to, "latency": {"type": "constant", "ms": 1}, "transport": transport});
    let sub = |reads: Value| json!({"type": "subscribe", "ack_deadline_ms": visibility, "prefetch": 1, "reads": reads, "on_unreadable": "drop"});
    let step = |order: u32| json!({"type": "saga_step", "order": order, "compensation": true, "kind": "compensatable"});
    let slow = |at_ms: f64, factor: f64| json!({"target": "worker", "at_ms": at_ms, "until_ms": 5000, "effect": {"type": "slow", "factor": factor}});
    let scenario: Scenario = serde_json::from_value(json!({
        "version": 1, "name": "random", "seed": 9_944_480_762_298_698_620_u64,
        "nodes": [
            {"id": "browser", "label": "Browser", "kind": {"type": "client"}},
            {"id": "s0", "label": "s0", "kind": s0},
            {"id": "q", "label": "q", "kind": {"type": "queue", "visibility_timeout_ms": visibility}},
            {"id": "worker", "label": "worker", "kind": svc(2, 1, 15.0, 0.05)},
            {"id": "t", "label": "t", "kind": {"type": "topic", "event_type": "order.placed",
                "schema": {"name": "OrderPlaced", "version": 1,
                           "fields": [{"name": "id", "required": true}, {"name": "total", "required": true}]}}},
            {"id": "reader", "label": "reader", "kind": svc(1, 2, 10.0, 0.05)},
            {"id": "orch", "label": "orch", "kind": orch},
        ],
        "links": [
            {"id": "l0", "from": "browser", "to": "s0", "latency": {"type": "uniform", "min_ms": 0.5, "max_ms": 3},
             "transport": {"type": "request_response", "timeout_ms": 150}},
            link("enq", "s0", "q", json!({"type": "enqueue"})),
            link("con", "q", "worker", json!({"type": "consume", "prefetch": 1})),
            link("pub", "s0", "t", json!({"type": "publish"})),
            link("sub-w", "t", "worker", sub(json!([]))),
            link("sub-r", "t", "reader", sub(json!([{"name": "total", "required": true}]))),
            link("con-o", "q", "orch", json!({"type": "consume", "prefetch": 1})),
            link("step-w", "orch", "worker", step(1)),
            link("step-r", "orch", "reader", step(2)),
        ],
        "sources": [{"id": "users", "target": "browser", "arrival": {"type": "poisson", "rate_per_s": 5},
                     "stop_ms": 3000, "budget_ms": 200}],
        "faults": [
            slow(2225.6107024186927, 49.14059052652489),
            slow(2521.6245192247784, 31.568461648316603),
            {"target": "enq", "at_ms": 2012.8526503956725, "until_ms": 5000,
             "effect": {"type": "link_latency", "ms": 103.96665897705242}},
        ],
    }))
    .expect("scenario");
    let (sim, events) = run(scenario, 65);
    assert_eq!(sim.live_messages(), 0, "{:?}", sim.ledger());
    assert_eq!((sim.ledger().created, sim.ledger().processed), (60, 60));
    // The third saga's step timed out on the slowed worker, its compensation
    // timed out behind it, and the saga waits for a person.
    assert_eq!(outcomes(&events)[2], (3, SagaOutcome::Manual, 0, 0));
    let sent: Vec<u64> = events
        .iter()
        .filter_map(|e| match *e {
            EventKind::StepSent { msg, saga: 3, .. } | EventKind::CompensationSent { msg, saga: 3, .. } => Some(msg),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    for msg in sent {
        assert!(events.iter().any(|e| matches!(*e, EventKind::Completed { msg: m, .. } if m == msg)), "{msg}");
    }
}

/// The saga preset with its orchestrator slower than the queue's visibility
/// timeout, so every order is delivered about three times, and no faults.
fn redelivered_saga(idempotent: bool) -> Scenario {
    let (_, text) = presets::PRESETS.iter().find(|(n, _)| *n == "saga").expect("preset");
    let mut v: Value = serde_json::from_str(text).expect("JSON");
    v["nodes"][1]["kind"]["visibility_timeout_ms"] = 100.into();
    v["nodes"][2]["kind"]["processing"] = json!({"type": "constant", "ms": 250});
    v["links"][1]["transport"]["idempotent"] = idempotent.into();
    v["sources"][0]["arrival"] = json!({"type": "burst", "at_ms": 0, "count": 3});
    v["faults"] = json!([]);
    serde_json::from_value(v).expect("scenario")
}

#[test]
fn an_idempotent_orchestrator_starts_one_saga_per_order_however_often_it_is_delivered() {
    let started = |events: &[EventKind]| events.iter().filter(|e| matches!(e, EventKind::SagaStarted { .. })).count();
    let suppressed =
        |events: &[EventKind]| events.iter().filter(|e| matches!(e, EventKind::DuplicateSuppressed { .. })).count();
    // Starting the saga is the delivery's side effect: a repeat skipped by
    // the idempotent consumer must not start another (three charges).
    let (_, events) = run(redelivered_saga(true), 5);
    assert!(suppressed(&events) >= 3, "the orders were redelivered: {}", suppressed(&events));
    assert_eq!(started(&events), 3, "one saga per order");
    // Without idempotency every delivery repeats the side effect: more sagas than orders.
    let (_, events) = run(redelivered_saga(false), 5);
    assert!(started(&events) > 3, "{}", started(&events));
}

#[test]
fn a_late_command_answers_over_its_own_step_link() {
    // Found in an audit: a command arriving after the saga moved on took
    // the link (and kind) of whatever the saga was doing then, and replied
    // over another step's link.
    // Step 1 takes a second (so does undoing it); the command for step 2,
    // sent at about 1 s, is held up 3 s on its link, past the 2 s timeout:
    // it lands while the saga is undoing step 1.
    let delay =
        json!([{"target": "step2", "at_ms": 1000, "until_ms": 1100, "effect": {"type": "link_latency", "ms": 3000}}]);
    let mut v = serde_json::to_value(scenario("orchestration", &["compensatable", "compensatable"], delay, 2)).unwrap();
    v["nodes"][0]["kind"]["saga"]["step_timeout_ms"] = json!(2000);
    v["nodes"][1]["kind"]["processing"] = json!({"type": "constant", "ms": 1000});
    let (_, events) = run(serde_json::from_value(v).expect("scenario"), 10);
    let mut sent_on = std::collections::BTreeMap::new();
    let mut replies = 0;
    for e in &events {
        match *e {
            EventKind::StepSent { msg, link, .. } | EventKind::CompensationSent { msg, link, .. } => {
                sent_on.insert(msg, link);
            }
            EventKind::Replied { msg, link, .. } => {
                if let Some(&sent) = sent_on.get(&msg) {
                    replies += 1;
                    assert_eq!(link, sent, "message {msg} replied over another step's link");
                }
            }
            _ => {}
        }
    }
    assert!(replies >= 3, "{replies}");
    let timed_out = events.iter().filter(|e| matches!(e, EventKind::StepDone { timed_out: true, .. })).count();
    assert!(timed_out > 0, "step 2 timed out");
}

/// Runs to `secs` and returns every event with its time.
fn run_timed(s: Scenario, secs: u64) -> Vec<(u64, EventKind)> {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(secs * SECOND).expect("runs");
    assert!(sim.ledger().balances(sim.live_messages()));
    sim.drain_events().into_iter().map(|e| (e.t, e.kind)).collect()
}

/// Found in an audit: a crashed orchestrator went on sending commands and
/// deciding on replies. Its state is durable, its process is not: while it
/// is down the saga waits, and it carries on when an instance is back.
#[test]
fn a_crashed_orchestrator_sends_nothing_until_it_is_back() {
    // Step 1 is on its way (orch works 1 ms, the link takes 2 ms) when the orchestrator crashes.
    let crash = json!([{"target": "orch", "at_ms": 4, "until_ms": 2000, "effect": {"type": "crash"}}]);
    let mut sim = Simulation::new(four("orchestration", crash.clone(), 2)).expect("valid");
    sim.run_until(SECOND).expect("runs");
    assert_eq!(sim.sagas_waiting(0), 1, "the saga waits, and says so");
    let events = run_timed(four("orchestration", crash, 2), 20);
    let waits: Vec<&EventKind> =
        events.iter().map(|(_, e)| e).filter(|e| matches!(e, EventKind::SagaWaiting { .. })).collect();
    assert_eq!(waits, vec![&EventKind::SagaWaiting { saga: 1, node: 0, on: 0, link: None, full: false }], "said once");
    let words = event_words(waits[0], sim.scenario());
    assert_eq!(words, "Saga 1 waits for Orchestrator to be back: its state is kept, nothing is decided meanwhile.");
    let sent: Vec<(u64, u32)> = events
        .iter()
        .filter_map(|(t, e)| if let EventKind::StepSent { step, .. } = e { Some((*t, *step)) } else { None })
        .collect();
    assert!(sent.iter().all(|&(t, _)| !(4_000..2_000_000).contains(&t)), "nothing sent while down: {sent:?}");
    assert_eq!(sent.iter().map(|&(_, s)| s).collect::<Vec<_>>(), vec![0, 1, 2, 3], "each step once");
    // Step 1's reply came while it was down and timed out meanwhile (500 ms):
    // the reply, which came first, decides.
    let done: Vec<(u64, bool, bool)> = events
        .iter()
        .filter_map(|(t, e)| match *e {
            EventKind::StepDone { step: 0, ok, timed_out, .. } => Some((*t, ok, timed_out)),
            _ => None,
        })
        .collect();
    assert_eq!(done, vec![(2_000_000, true, false)]);
    let kinds: Vec<EventKind> = events.into_iter().map(|(_, e)| e).collect();
    assert_eq!(outcomes(&kinds), vec![(1, SagaOutcome::Completed, 4, 0)]);
}

/// A hung orchestrator decides nothing either; its deadline still notices.
#[test]
fn a_hung_orchestrator_holds_its_sagas_and_the_deadline_alerts() {
    let hang = json!([{"target": "orch", "at_ms": 4, "until_ms": 12000, "effect": {"type": "hang"}}]);
    let events = run_timed(four("orchestration", hang, 2), 30);
    assert!(
        events
            .iter()
            .any(|(t, e)| matches!(e, EventKind::SagaStuck { step: 0, .. }) && (10_000_000..12_000_000).contains(t)),
        "stuck at its deadline while the orchestrator hangs"
    );
    assert!(!events.iter().any(|(t, e)| matches!(e, EventKind::StepDone { .. }) && *t < 12_000_000));
    let kinds: Vec<EventKind> = events.into_iter().map(|(_, e)| e).collect();
    assert_eq!(outcomes(&kinds), vec![(1, SagaOutcome::Completed, 4, 0)]);
}

/// Found in an audit: in choreography a service that crashed while doing its
/// step "sent" its own failure and the compensations. The step's event is
/// on durable messaging: the service gets it again when it is back.
#[test]
fn choreography_redelivers_a_step_lost_in_a_crash() {
    // s2 (5 ms of work) takes its command at about 11 ms and crashes at 13 ms for a second.
    let crash = json!([{"target": "s2", "at_ms": 13, "until_ms": 1000, "effect": {"type": "crash"}}]);
    let events = run_timed(four("choreography", crash, 2), 10);
    let kinds: Vec<EventKind> = events.iter().map(|(_, e)| *e).collect();
    assert_eq!(compensations(&kinds), Vec::<u32>::new(), "nothing to undo: the step was only delayed");
    assert_eq!(outcomes(&kinds), vec![(1, SagaOutcome::Completed, 4, 0)]);
    let step1: Vec<(u64, u32, u32)> = events
        .iter()
        .filter_map(|(t, e)| match *e {
            EventKind::StepSent { step: 1, from, to, .. } => Some((*t, from, to)),
            _ => None,
        })
        .collect();
    assert_eq!(step1.len(), 2, "sent, then sent again: {step1:?}");
    assert_eq!((step1[1].0, step1[1].1, step1[1].2), (1_000_000, 1, 2), "again from s1 once s2 is back");
}

/// Found in an audit: the redelivery of a choreography step waited for the
/// service that had published the event to be up again, though the event
/// was already on the broker. The publisher's later crash changes nothing.
#[test]
fn choreography_redelivers_without_waiting_for_the_publisher() {
    // s2 takes step 1 at about 11 ms and crashes at 13 ms until 1 s; s1,
    // which published step 1's event, crashes at 500 ms until 3 s.
    let crash = json!([
        {"target": "s2", "at_ms": 13, "until_ms": 1000, "effect": {"type": "crash"}},
        {"target": "s1", "at_ms": 500, "until_ms": 3000, "effect": {"type": "crash"}}
    ]);
    let events = run_timed(four("choreography", crash, 2), 10);
    let step1: Vec<u64> = events
        .iter()
        .filter_map(|(t, e)| if let EventKind::StepSent { step: 1, .. } = e { Some(*t) } else { None })
        .collect();
    assert_eq!(step1, vec![step1[0], 1_000_000], "delivered again as soon as s2 is back, not when s1 is");
    let kinds: Vec<EventKind> = events.into_iter().map(|(_, e)| e).collect();
    assert_eq!(outcomes(&kinds), vec![(1, SagaOutcome::Completed, 4, 0)]);
}

/// Found in an audit: a partition dropped a choreography event and stranded
/// the saga for good. The event waits on the broker for the link to heal.
#[test]
fn choreography_waits_out_a_partition() {
    let cut = json!([{"target": "step3", "at_ms": 0, "until_ms": 400, "effect": {"type": "partition"}}]);
    let events = run_timed(four("choreography", cut, 2), 10);
    assert!(!events.iter().any(|(_, e)| matches!(e, EventKind::Lost { .. })));
    assert!(events
        .iter()
        .any(|(t, e)| *t == 15_000
            && *e == EventKind::SagaWaiting { saga: 1, node: 0, on: 3, link: Some(2), full: false }));
    let sent3: Vec<u64> = events
        .iter()
        .filter_map(|(t, e)| if let EventKind::StepSent { step: 2, .. } = e { Some(*t) } else { None })
        .collect();
    assert_eq!(sent3, vec![400_000], "sent once, when the link heals");
    let kinds: Vec<EventKind> = events.into_iter().map(|(_, e)| e).collect();
    assert_eq!(outcomes(&kinds), vec![(1, SagaOutcome::Completed, 4, 0)]);
}

/// Found in an audit: a pivot that timed out was compensated around while
/// it could still land (the saga ended compensated, the charge went
/// through later). Its outcome is unknown and it cannot be undone, so the
/// orchestrator asks again until it hears a definite answer.
#[test]
fn a_timed_out_pivot_is_asked_again_not_compensated_around() {
    let kinds = ["compensatable", "pivot", "retriable", "retriable"];
    let slow = json!([{"target": "s2", "until_ms": 600, "effect": {"type": "extra_latency", "ms": 800}}]);
    let events = run_timed(scenario("orchestration", &kinds, slow, 2), 20);
    let kinds: Vec<EventKind> = events.iter().map(|(_, e)| *e).collect();
    assert!(kinds.iter().any(|e| matches!(e, EventKind::StepDone { step: 1, timed_out: true, .. })));
    assert_eq!(compensations(&kinds), Vec::<u32>::new(), "nothing undone around an unknown pivot");
    let pivot_attempts =
        kinds.iter().filter(|e| matches!(e, EventKind::StepSent { step: 1, attempt: 1.., .. })).count();
    assert!(pivot_attempts >= 1, "the pivot was asked again");
    assert_eq!(outcomes(&kinds), vec![(1, SagaOutcome::Completed, 4, 0)]);
    // A pivot that answers with a definite failure still turns the saga back.
    let (_, events) = run(scenario("orchestration", &["compensatable", "pivot"], json!([fails("s2")]), 2), 5);
    assert_eq!(compensations(&events), vec![0]);
    assert_eq!(outcomes(&events), vec![(1, SagaOutcome::Compensated, 1, 1)]);
}

/// Found in an audit: a step whose service crashed while doing it was taken
/// as a definite failure, though it is as unknown as a timeout (the crash
/// may have come after the work was committed): its own undo runs first.
#[test]
fn a_step_lost_in_a_crash_is_undone_too_because_it_may_have_happened() {
    // s3 takes step 3 at 21 ms (5 ms of work) and crashes at 23 ms, for 77 ms.
    let crash = json!([{"target": "s3", "at_ms": 23, "until_ms": 100, "effect": {"type": "crash"}}]);
    let (_, events) = run(four("orchestration", crash, 3), 20);
    assert!(events.iter().any(|e| matches!(e, EventKind::StepDone { step: 2, ok: false, timed_out: false, .. })));
    let comps = compensations(&events);
    assert_eq!(comps.first(), Some(&2), "the lost step is undone first: {comps:?}");
    assert!(comps.ends_with(&[2, 1, 0]), "then the rest in reverse: {comps:?}");
    assert_eq!(outcomes(&events), vec![(1, SagaOutcome::Compensated, 2, 3)]);
}
