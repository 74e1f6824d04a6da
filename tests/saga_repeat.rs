//! Type 5, a saga participant recognising a repeat: an orchestrator asks
//! again about a pivot whose reply was late while the first attempt still
//! finishes, so the service does the same step twice. Each command carries
//! its saga and step (the idempotency key): an `idempotent` step (the
//! default) does its effect once; one that is not charges twice.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::event::{EventKind, SagaOutcome};
use patchbay::engine::scenario::{Scenario, StepPolicy};
use patchbay::engine::{Simulation, SECOND};
use patchbay::view_model::event_words::event_words;
use serde_json::json;

/// One order through reserve (compensatable), charge (pivot) and two
/// retriable steps; charge's replies take 800 ms for its first 600 ms and
/// the step timeout is 500 ms, so the charge is asked again while the first
/// is still being done. `idempotent` is the charge step's setting.
fn late_charge(idempotent: bool) -> Scenario {
    let kinds = ["compensatable", "pivot", "retriable", "retriable"];
    let mut nodes = vec![json!({
        "id": "orch", "label": "Orchestrator",
        "kind": {"type": "service", "processing": {"type": "constant", "ms": 1},
                 "saga": {"mode": "orchestration", "compensation_retries": 2, "retry_backoff_ms": 100,
                          "step_timeout_ms": 500, "deadline_ms": 10000}}
    })];
    let mut links = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        let id = format!("s{}", i + 1);
        nodes.push(
            json!({"id": id, "label": id, "kind": {"type": "service", "processing": {"type": "constant", "ms": 5}}}),
        );
        let mut transport =
            json!({"type": "saga_step", "order": i + 1, "kind": kind, "compensation": *kind == "compensatable"});
        if i == 1 {
            transport["idempotent"] = json!(idempotent);
        }
        links.push(json!({"id": format!("step{}", i + 1), "from": "orch", "to": id,
            "latency": {"type": "constant", "ms": 2}, "transport": transport}));
    }
    serde_json::from_value(json!({
        "version": 1, "name": "late-charge", "seed": 3, "nodes": nodes, "links": links,
        "sources": [{"id": "one", "target": "orch", "arrival": {"type": "burst", "at_ms": 0, "count": 1}}],
        "faults": [{"target": "s2", "until_ms": 600, "effect": {"type": "extra_latency", "ms": 800}}],
    }))
    .expect("scenario")
}

fn run(s: Scenario) -> (Simulation, Vec<EventKind>) {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(20 * SECOND).expect("runs");
    assert!(sim.ledger().balances(sim.live_messages()));
    let events = sim.drain_events().into_iter().map(|e| e.kind).collect();
    (sim, events)
}

fn repeats(events: &[EventKind]) -> Vec<EventKind> {
    events.iter().filter(|e| matches!(e, EventKind::StepRepeated { .. })).copied().collect()
}

fn completed(events: &[EventKind]) -> bool {
    events.iter().any(|e| matches!(e, EventKind::SagaEnded { outcome: SagaOutcome::Completed, .. }))
}

#[test]
fn an_idempotent_pivot_asked_again_is_done_once() {
    let (sim, events) = run(late_charge(true));
    assert!(events.iter().any(|e| matches!(e, EventKind::StepSent { step: 1, attempt: 1.., .. })), "asked again");
    assert_eq!(
        repeats(&events),
        vec![EventKind::StepRepeated { saga: 1, node: 0, step: 1, at: 2, compensation: false, applied: false }]
    );
    assert!(completed(&events));
    let m = &sim.metrics().sagas[0];
    assert_eq!((m.repeats_recognised, m.done_twice), (1, 0));
    let words = event_words(&repeats(&events)[0], sim.scenario());
    assert_eq!(words, "Saga 1: s2 got the command of step 2 again and recognised the repeat: done once.");
}

#[test]
fn a_pivot_that_is_not_idempotent_charges_twice_when_asked_again() {
    let (sim, events) = run(late_charge(false));
    assert_eq!(
        repeats(&events),
        vec![EventKind::StepRepeated { saga: 1, node: 0, step: 1, at: 2, compensation: false, applied: true }]
    );
    // The saga still completes: the orchestrator cannot see the second charge.
    assert!(completed(&events));
    let m = &sim.metrics().sagas[0];
    assert_eq!((m.repeats_recognised, m.done_twice), (0, 1));
}

#[test]
fn idempotent_is_the_default_and_left_out_of_the_json() {
    let p: StepPolicy = serde_json::from_value(json!({"order": 1})).expect("policy");
    assert!(p.idempotent);
    assert!(StepPolicy::default().idempotent);
    let text = serde_json::to_string(&p).unwrap();
    assert!(!text.contains("idempotent"), "{text}");
    let not = StepPolicy { idempotent: false, ..p };
    assert!(serde_json::to_string(&not).unwrap().contains("\"idempotent\":false"));
}
