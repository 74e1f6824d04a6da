//! Type 5, orchestration: a command or compensation its service refuses
//! before any work (no instance up, or every worker busy and the backlog
//! full) is not a business failure. Nothing happened, so nothing is undone
//! and no failure is counted; the orchestrator asks again with the doubling
//! backoff, as a workflow engine retries an activity, until it gets a real
//! answer. Before, a restart of one participant turned every saga back.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::event::{EventKind, Reason, SagaOutcome};

#[path = "support/saga_run.rs"]
mod saga_run;
use patchbay::engine::scenario::Scenario;
use patchbay::view_model::event_words::event_words;
use saga_run::{outcomes, run};
use serde_json::{json, Value};

/// An orchestrator with three compensatable steps on s1…s3 (s`narrow` has
/// one worker and no backlog), `orders` orders at 0, and `faults`.
fn saga(orders: u32, narrow: usize, faults: Value, compensation_retries: u32) -> Scenario {
    let mut nodes = vec![json!({
        "id": "orch", "label": "Orchestrator",
        "kind": {"type": "service", "concurrency": 10, "processing": {"type": "constant", "ms": 1},
                 "saga": {"mode": "orchestration", "compensation_retries": compensation_retries,
                          "retry_backoff_ms": 100, "step_timeout_ms": 2000, "deadline_ms": 10000}}
    })];
    let mut links = Vec::new();
    for i in 1..=3 {
        let (concurrency, backlog) = if i == narrow { (1, 0) } else { (10, 100) };
        nodes.push(json!({"id": format!("s{i}"), "label": format!("s{i}"), "kind": {"type": "service",
            "concurrency": concurrency, "backlog": backlog, "processing": {"type": "constant", "ms": 20}}}));
        links.push(json!({"id": format!("step{i}"), "from": "orch", "to": format!("s{i}"),
            "latency": {"type": "constant", "ms": 2},
            "transport": {"type": "saga_step", "order": i, "kind": "compensatable", "compensation": true}}));
    }
    serde_json::from_value(json!({
        "version": 1, "name": "refused-saga", "seed": 5, "nodes": nodes, "links": links,
        "sources": [{"id": "orders", "target": "orch", "arrival": {"type": "burst", "at_ms": 0, "count": orders}}],
        "faults": faults,
    }))
    .expect("scenario")
}

fn refused_steps(events: &[(u64, EventKind)]) -> Vec<(u64, u32, bool)> {
    events
        .iter()
        .filter_map(|(t, e)| match *e {
            EventKind::StepDone { step, compensation, refused: true, ok: false, .. } => Some((*t, step, compensation)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_step_whose_service_is_down_is_asked_again_until_it_is_back_and_nothing_is_undone() {
    let crash = json!([{"target": "s2", "at_ms": 0, "until_ms": 1000, "effect": {"type": "crash"}}]);
    let (sim, events) = run(saga(1, 0, crash, 2), 5);
    assert_eq!(outcomes(&events), vec![SagaOutcome::Completed], "a restart is not a business failure");
    assert!(!events.iter().any(|(_, e)| matches!(e, EventKind::CompensationSent { .. })), "nothing undone");
    let refused = refused_steps(&events);
    assert!(refused.len() >= 3, "asked again while s2 was down: {refused:?}");
    assert!(refused.iter().all(|&(t, step, comp)| step == 1 && !comp && t < 1_000_000), "{refused:?}");
    assert!(events.iter().any(|(_, e)| matches!(e, EventKind::Rejected { node: 2, reason: Reason::Unavailable, .. })));
    // The waits double: 100 ms, 200 ms, 400 ms… between one refusal and the next send.
    let sends: Vec<u64> = events
        .iter()
        .filter_map(|(t, e)| if let EventKind::StepSent { step: 1, .. } = e { Some(*t) } else { None })
        .collect();
    let gaps: Vec<u64> = sends.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.windows(2).all(|g| g[1] > g[0]), "the backoff doubles: {gaps:?}");
    assert!(*sends.last().unwrap() >= 1_000_000, "the send that worked came after s2 was back: {sends:?}");
    let m = &sim.metrics().sagas[0];
    assert_eq!((m.completed, m.compensated, m.steps_failed), (1, 0, 0));
    assert_eq!(m.refused, refused.len() as u64);
    let words = event_words(
        &events.iter().find(|(_, e)| matches!(e, EventKind::StepDone { refused: true, .. })).unwrap().1,
        sim.scenario(),
    );
    assert!(words.contains("refused") && words.contains("asked again"), "{words}");
}

#[test]
fn a_step_that_finds_its_service_full_is_asked_again_and_every_saga_completes() {
    // s2 has one worker and no backlog: of three sagas reaching it together, two are refused.
    let (sim, events) = run(saga(3, 2, json!([]), 2), 5);
    assert_eq!(outcomes(&events), vec![SagaOutcome::Completed; 3]);
    assert!(events.iter().any(|(_, e)| matches!(e, EventKind::Rejected { node: 2, reason: Reason::Overloaded, .. })));
    assert!(!refused_steps(&events).is_empty());
    let m = &sim.metrics().sagas[0];
    assert_eq!((m.compensated, m.steps_failed, m.compensations_done), (0, 0, 0));
}

#[test]
fn a_refused_undo_waits_and_does_not_use_up_the_compensation_retries() {
    // s3 fails every step, so each saga undoes step 2, then step 1; s1 is
    // down from 30 ms to 900 ms, when the undo of step 1 comes. With no
    // compensation retries, taking the refusal as a failed undo sent the
    // saga to a person.
    let faults = json!([
        {"target": "s3", "effect": {"type": "error_rate", "rate": 1.0}},
        {"target": "s1", "at_ms": 30, "until_ms": 900, "effect": {"type": "crash"}}
    ]);
    let (sim, events) = run(saga(1, 0, faults, 0), 5);
    assert_eq!(outcomes(&events), vec![SagaOutcome::Compensated]);
    let refused = refused_steps(&events);
    assert!(!refused.is_empty() && refused.iter().all(|&(_, step, comp)| step == 0 && comp), "{refused:?}");
    let m = &sim.metrics().sagas[0];
    assert_eq!((m.manual, m.alerts, m.compensations_failed, m.compensations_done), (0, 0, 0, 2));
}

#[test]
fn a_service_down_for_good_leaves_the_saga_waiting_and_the_deadline_marks_it_stuck() {
    let crash = json!([{"target": "s2", "at_ms": 0, "effect": {"type": "crash"}}]);
    let (sim, events) = run(saga(1, 0, crash, 2), 30);
    assert!(outcomes(&events).is_empty(), "still waiting for s2");
    assert!(events.iter().any(|(_, e)| matches!(e, EventKind::SagaStuck { step: 1, compensating: false, .. })));
    assert!(!events.iter().any(|(_, e)| matches!(e, EventKind::CompensationSent { .. })));
    // The wait between asks stops doubling at 1024 × 100 ms: a bounded number of asks.
    assert!(sim.metrics().sagas[0].refused <= 20, "{}", sim.metrics().sagas[0].refused);
}

#[test]
fn the_page_says_how_many_steps_were_asked_again() {
    use patchbay::view_model::describe_events::saga_words;
    use patchbay::view_model::frame::Frame;

    let crash = json!([{"target": "s2", "at_ms": 0, "until_ms": 1000, "effect": {"type": "crash"}}]);
    let (sim, events) = run(saga(1, 0, crash, 2), 5);
    let refused = refused_steps(&events).len();
    let frame = Frame::capture(&sim, vec![0; sim.scenario().links.len()]);
    let g = frame.sagas[0].clone().expect("the orchestrator's frame");
    assert_eq!(g.refused, refused as u64);
    let words = saga_words(&g, &["s1".to_string(), "s2".to_string(), "s3".to_string()]);
    assert!(words.contains(&format!(", {refused} steps asked again after their service refused them")), "{words}");
}

#[test]
fn a_tiny_backoff_still_backs_off_to_one_ask_a_second_while_a_service_is_down_for_good() {
    // 1 µs doubled ten times is about a millisecond: without a floor under
    // the cap, every waiting saga asked a thousand times a simulated second
    // for as long as the participant stayed down.
    let mut s = saga(20, 0, json!([{"target": "s2", "at_ms": 0, "until_ms": null, "effect": {"type": "crash"}}]), 2);
    let orch = s.nodes.iter_mut().find(|n| n.id == "orch").unwrap();
    let patchbay::engine::scenario::NodeKind::Service(spec) = &mut orch.kind else { panic!("a service") };
    spec.saga.as_mut().unwrap().retry_backoff_ms = 0.001;
    let (_, events) = run(s, 120);
    let refused = refused_steps(&events);
    // 20 sagas: about 20 fast asks each while the backoff grows to a
    // second, then one a second for the rest of the two minutes.
    assert!(refused.len() > 20 * 100, "still asking: {}", refused.len());
    assert!(refused.len() < 20 * (30 + 120), "backed off to one ask a second: {}", refused.len());
    let sends: Vec<u64> = events
        .iter()
        .filter_map(|(t, e)| if let EventKind::StepSent { saga: 1, step: 1, .. } = e { Some(*t) } else { None })
        .collect();
    assert!(sends.len() > 100, "one saga's asks: {}", sends.len());
    let gaps: Vec<u64> = sends.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().all(|&g| g <= 1_000_000 + 10_000), "never longer than the cap: {gaps:?}");
    assert!(gaps.iter().rev().take(50).all(|&g| g >= 1_000_000), "the cap is a second: {gaps:?}");
}
