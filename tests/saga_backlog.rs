//! Type 5, choreography on durable messaging: a participant whose backlog
//! is full (`overloaded`) does not reject the saga's event. The event stays
//! on the broker and is delivered again when the service has a place free,
//! one per place; nothing is compensated for it, and a compensation that
//! finds its service full waits too instead of sending the saga to a person.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::event::{EventKind, Reason, SagaOutcome};

#[path = "support/saga_run.rs"]
mod saga_run;
use patchbay::engine::scenario::Scenario;
use patchbay::view_model::event_words::event_words;
use saga_run::{outcomes, run};
use serde_json::{json, Value};

/// Three orders at once into a choreography of steps s1…s(n); s2 has one
/// worker and no backlog and takes 50 ms a step, so two of the three
/// events that reach it together find it full. `failing` fails every step.
fn crowded(steps: usize, failing: Option<&str>, mode: &str) -> Scenario {
    tight(
        2,
        steps,
        failing,
        mode,
        json!([{"id": "three", "target": "orch", "arrival": {"type": "burst", "at_ms": 0, "count": 3}}]),
    )
}

/// A choreography of steps s1…s(n) where s`full` has one worker, no
/// backlog and takes 50 ms a step (the others 5 ms), fed by `sources`.
fn tight(full: usize, steps: usize, failing: Option<&str>, mode: &str, sources: Value) -> Scenario {
    let mut nodes = vec![json!({
        "id": "orch", "label": "Orchestrator",
        "kind": {"type": "service", "concurrency": 10, "processing": {"type": "constant", "ms": 1},
                 "saga": {"mode": mode, "compensation_retries": 0, "retry_backoff_ms": 100,
                          "step_timeout_ms": 2000, "deadline_ms": 10000}}
    })];
    let mut links = Vec::new();
    for i in 1..=steps {
        let id = format!("s{i}");
        let (concurrency, backlog, ms) = if i == full { (1, 0, 50) } else { (10, 100, 5) };
        nodes.push(json!({"id": id, "label": id, "kind": {"type": "service", "concurrency": concurrency,
            "backlog": backlog, "processing": {"type": "constant", "ms": ms}}}));
        links.push(json!({"id": format!("step{i}"), "from": "orch", "to": id,
            "latency": {"type": "constant", "ms": 2},
            "transport": {"type": "saga_step", "order": i, "kind": "compensatable", "compensation": true}}));
    }
    let faults: Value = match failing {
        Some(t) => json!([{"target": t, "effect": {"type": "error_rate", "rate": 1.0}}]),
        None => json!([]),
    };
    serde_json::from_value(json!({
        "version": 1, "name": "crowded-saga", "seed": 3, "nodes": nodes, "links": links,
        "sources": sources,
        "faults": faults,
    }))
    .expect("scenario")
}

fn refused(events: &[(u64, EventKind)]) -> usize {
    events.iter().filter(|(_, e)| matches!(e, EventKind::Rejected { node: 2, reason: Reason::Overloaded, .. })).count()
}

#[test]
fn an_event_that_finds_its_service_full_waits_on_the_broker_and_the_saga_completes() {
    let (sim, events) = run(crowded(3, None, "choreography"), 5);
    assert_eq!(refused(&events), 2, "two of the three found s2 full");
    assert_eq!(outcomes(&events), vec![SagaOutcome::Completed; 3], "a full service is not a business failure");
    assert!(!events.iter().any(|(_, e)| matches!(e, EventKind::CompensationSent { .. })), "nothing undone");
    let waits: Vec<(u64, u32, bool)> = events
        .iter()
        .filter_map(|(_, e)| match *e {
            EventKind::SagaWaiting { saga, on, link: None, full, .. } => Some((saga, on, full)),
            _ => None,
        })
        .collect();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!(waits.iter().all(|&(_, on, full)| on == 2 && full), "{waits:?}");
    let words = event_words(
        &events.iter().find(|(_, e)| matches!(e, EventKind::SagaWaiting { .. })).unwrap().1,
        sim.scenario(),
    );
    assert!(words.contains("s2 is full") && words.contains("waits on the broker"), "{words}");
    // Redelivered one per freed place, from the service that holds the
    // saga (s1), each after s2 finished the step before it (50 ms each):
    // the second waits for the first redelivery's place, not refused again.
    let sent: Vec<(u64, u32)> = events
        .iter()
        .filter_map(|(t, e)| match *e {
            EventKind::StepSent { step: 1, from, .. } => Some((*t, from)),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 5, "three sends and two redeliveries: {sent:?}");
    assert!(sent.iter().all(|&(_, from)| from == 1), "{sent:?}");
    let again: Vec<u64> = sent[3..].iter().map(|&(t, _)| t).collect();
    assert!(again[1] >= again[0] + 50_000, "one place, one redelivery at a time: {again:?}");
    let m = &sim.metrics().sagas[0];
    assert_eq!((m.completed, m.compensated, m.steps_failed, m.full_waits), (3, 0, 0, 2));
}

#[test]
fn a_compensation_that_finds_its_service_full_waits_instead_of_going_to_a_person() {
    // s1 takes 50 ms with one worker; s2 fails every step. Saga 1's undo of
    // step 1 reaches s1 at about 62 ms, while s1 does saga 2's step 1 (from
    // 58 ms): full. With no compensation retries, that refusal taken as a
    // failed compensation sent the saga to the manual queue.
    let sources = json!([
        {"id": "first", "target": "orch", "arrival": {"type": "burst", "at_ms": 0, "count": 1}},
        {"id": "second", "target": "orch", "arrival": {"type": "burst", "at_ms": 55, "count": 1}}
    ]);
    let (sim, events) = run(tight(1, 2, Some("s2"), "choreography", sources), 5);
    let refused_undos = events
        .iter()
        .filter(|(_, e)| matches!(e, EventKind::Rejected { node: 1, reason: Reason::Overloaded, .. }))
        .count();
    assert!(refused_undos >= 1, "an undo found s1 full");
    assert_eq!(outcomes(&events), vec![SagaOutcome::Compensated; 2]);
    let m = &sim.metrics().sagas[0];
    assert_eq!((m.manual, m.compensations_failed, m.compensations_done, m.alerts), (0, 0, 2, 0));
    assert!(m.full_waits >= 1);
}

#[test]
fn events_waiting_for_room_are_delivered_after_the_full_service_restarts() {
    // s2 crashes at 20 ms, while it does one saga's step 2 and two events
    // wait for a place; back at 500 ms with an empty backlog. The lost step
    // comes again (it may have happened, so it is done again, not undone)
    // and the waiting events find room: every saga completes.
    let mut s = crowded(3, None, "choreography");
    s.faults =
        serde_json::from_value(json!([{"target": "s2", "at_ms": 20, "until_ms": 500, "effect": {"type": "crash"}}]))
            .expect("faults");
    let (sim, events) = run(s, 5);
    assert_eq!(outcomes(&events), vec![SagaOutcome::Completed; 3]);
    assert!(events
        .iter()
        .all(|(t, e)| !matches!(e, EventKind::StepSent { step: 1, .. }) || *t < 20_000 || *t >= 500_000));
    assert_eq!(sim.sagas_waiting(0), 0);
}
