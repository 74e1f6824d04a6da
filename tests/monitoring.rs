//! Monitoring as data: switching a node's or link's monitoring is an
//! `Edit` (`set_monitor`) kept in the scenario's `monitors`. It changes
//! nothing in the run (the same trace hash with it on or off), it has an
//! inverse, words, a share-link form that plays back, survives the design
//! edits that remove what it names, and a lesson step can make it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::design::{edit_scenario, inverse};
use patchbay::engine::lesson::parse_lesson;
use patchbay::engine::{parse_scenario, presets, Edit, Simulation, SECOND};
use patchbay::view_model::edit_words::edit_words;
use patchbay::view_model::mitigations::explain;
use patchbay::view_model::share::{decode, encode, At, Op, ShareState};
use patchbay::view_model::share_replay::replay;

fn on(target: &str) -> Edit {
    Edit::SetMonitor { target: target.into(), on: true }
}

fn hash_after(edit: Option<Edit>) -> (u64, Simulation) {
    let s = presets::load("poison").unwrap();
    let mut sim = Simulation::with_seed(s.clone(), s.seed).unwrap();
    sim.enable_trace_hash();
    sim.run_until(3 * SECOND).unwrap();
    if let Some(e) = edit {
        sim.apply(&e).unwrap();
    }
    sim.run_until(20 * SECOND).unwrap();
    (sim.trace_hash().unwrap(), sim)
}

#[test]
fn monitoring_changes_nothing_in_the_run() {
    let (plain, _) = hash_after(None);
    let (watched, sim) = hash_after(Some(on("payments")));
    assert_eq!(plain, watched, "a monitor only watches");
    assert_eq!(sim.scenario().monitors, vec!["payments".to_string()]);
}

#[test]
fn a_monitor_names_a_node_or_link_once() {
    let s = presets::load("poison").unwrap();
    let mut sim = Simulation::with_seed(s.clone(), s.seed).unwrap();
    let e = sim.apply(&on("ghost")).unwrap_err().to_string();
    assert!(e.contains("'ghost' is not a node or link id"), "{e}");
    sim.apply(&on("payments-workers")).unwrap();
    sim.apply(&on("payments-workers")).unwrap();
    assert_eq!(sim.scenario().monitors, vec!["payments-workers".to_string()], "switched on twice, listed once");
    sim.apply(&Edit::SetMonitor { target: "payments-workers".into(), on: false }).unwrap();
    assert!(sim.scenario().monitors.is_empty());
    // In a scenario file: checked like every other reference.
    let mut bad = serde_json::to_value(&s).unwrap();
    bad["monitors"] = serde_json::json!(["payments", "nope", "payments"]);
    let problems = parse_scenario(&bad.to_string()).unwrap_err();
    let text = format!("{problems:?}");
    assert!(text.contains("$.monitors[1]") && text.contains("$.monitors[2]"), "{text}");
    // Without monitors the scenario's JSON is as before (the field is left out).
    assert!(!serde_json::to_string(&s).unwrap().contains("monitors"));
}

#[test]
fn undo_words_and_explanation() {
    let s = presets::load("poison").unwrap();
    assert_eq!(inverse(&s, &on("payments")), Some(vec![Edit::SetMonitor { target: "payments".into(), on: false }]));
    assert_eq!(edit_words(&s, &on("payments")), "monitoring of payments queue on");
    assert!(explain(&s, &on("payments")).is_some_and(|t| t.starts_with("Monitoring on")));
    let watched = edit_scenario(&s, &[on("payments")]).unwrap();
    assert_eq!(explain(&watched, &on("payments")), None, "no switch, nothing to say");
    // Removing the node drops its monitor, so the scenario stays valid.
    let gone = edit_scenario(&watched, &[Edit::RemoveNode { node: "payments".into() }]).unwrap();
    assert!(gone.monitors.is_empty());
}

#[test]
fn a_share_link_carries_monitoring() {
    let s = presets::load("poison").unwrap();
    let mut sim = Simulation::with_seed(s.clone(), s.seed).unwrap();
    sim.enable_trace_hash();
    sim.run_until(2 * SECOND).unwrap();
    let (n, t) = (sim.timers_fired(), sim.now());
    sim.apply(&on("payments")).unwrap();
    let state = ShareState {
        preset: Some("poison".into()),
        scenario: None,
        seed: s.seed,
        speed: 1.0,
        paused: true,
        ops: vec![Op::Edit { n, t, edit: on("payments") }],
        at: At(sim.timers_fired(), sim.now()),
        lesson: None,
        step: None,
    };
    let back = decode(&encode(&state).unwrap()).unwrap();
    assert_eq!(back, state);
    let replayed = replay(&back).unwrap();
    assert_eq!(replayed.sim.scenario().monitors, vec!["payments".to_string()]);
    assert_eq!(replayed.sim.trace_hash(), sim.trace_hash());
}

#[test]
fn a_lesson_step_switches_monitoring() {
    let json = r#"{"version":1,"name":"watch","title":"Watch","scenario":"poison","watch":["dlq:payments"],
        "steps":[{"text":"Watch the queue.","edits":[{"type":"set_monitor","target":"payments","on":true}],"until_s":1}]}"#;
    let lesson = parse_lesson(json).unwrap();
    let sim = patchbay::engine::lesson::run_to_step(&lesson, 0).unwrap();
    assert_eq!(sim.scenario().monitors, vec!["payments".to_string()]);
    let bad = json.replace("\"target\":\"payments\"", "\"target\":\"nowhere\"");
    assert!(
        parse_lesson(&bad).is_err() || patchbay::engine::lesson::run_to_step(&parse_lesson(&bad).unwrap(), 0).is_err()
    );
}

#[test]
fn the_queue_lesson_ends_by_switching_the_queues_monitoring_on() {
    let lesson = patchbay::engine::lesson::builtin("queue").unwrap();
    let last = lesson.steps.len() - 1;
    let before = patchbay::engine::lesson::run_to_step(&lesson, last - 1).unwrap();
    assert!(before.scenario().monitors.is_empty());
    let sim = patchbay::engine::lesson::run_to_step(&lesson, last).unwrap();
    assert_eq!(sim.scenario().monitors, vec!["payments".to_string()]);
    assert_eq!((sim.now(), sim.timers_fired()), (before.now(), before.timers_fired()), "watching changes nothing");
}

#[test]
fn undoing_a_removal_puts_its_monitors_back_where_they_were() {
    let s = presets::load("poison").unwrap();
    // The removed node's and its links' monitors sit between others, so
    // putting them back at the end would not give the same scenario.
    let watched = edit_scenario(
        &s,
        &[on("order-api"), on("api-payments"), on("payment-workers"), on("payments"), on("payments-workers")],
    )
    .unwrap();
    for removal in [Edit::RemoveNode { node: "payments".into() }, Edit::RemoveLink { link: "api-payments".into() }] {
        let undo = inverse(&watched, &removal).unwrap();
        // The undo passes through JSON (share links, history) and keeps its monitors.
        let text = serde_json::to_string(&undo).unwrap();
        assert!(text.contains("\"monitors\""), "{text}");
        assert_eq!(serde_json::from_str::<Vec<Edit>>(&text).unwrap(), undo);
        let gone = edit_scenario(&watched, std::slice::from_ref(&removal)).unwrap();
        assert_ne!(gone.monitors, watched.monitors);
        assert_eq!(edit_scenario(&gone, &undo).unwrap(), watched, "{removal:?}");
        // The same on a running simulation (a structural edit runs again from zero).
        let mut sim = Simulation::with_seed(watched.clone(), watched.seed).unwrap();
        sim.run_until(2 * SECOND).unwrap();
        sim.apply(&removal).unwrap();
        for e in &undo {
            sim.apply(e).unwrap();
        }
        assert_eq!(sim.scenario().monitors, watched.monitors);
    }
    // Without monitors the undo's JSON is as before (the field is left out).
    let undo = inverse(&s, &Edit::RemoveNode { node: "payments".into() }).unwrap();
    assert!(!serde_json::to_string(&undo).unwrap().contains("monitors"));
}
