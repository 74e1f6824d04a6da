//! A fault started from the inspector (an edit while running) is named in
//! the event log by its target, as a scheduled one is: its words are made
//! from the run's design, which holds every fault of the run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::event::EventKind;
use patchbay::engine::scenario::{Fault, FaultEffect};
use patchbay::engine::{presets, Edit, Simulation, SECOND};
use patchbay::view_model::event_words::event_words;

#[test]
fn a_fault_from_the_inspector_names_its_target() {
    let s = presets::load("order-flow").unwrap();
    let mut sim = Simulation::with_seed(s.clone(), s.seed).unwrap();
    sim.set_recording(true);
    sim.run_until(SECOND).unwrap();
    sim.drain_events();
    let target = s.nodes.iter().find(|n| n.kind.service().is_some()).unwrap();
    let fault = Fault { target: target.id.clone(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Crash };
    sim.apply(&Edit::ApplyFault { fault }).unwrap();
    sim.run_until(sim.now()).unwrap();
    let events = sim.drain_events();
    let started = events.iter().find(|e| matches!(e.kind, EventKind::FaultApplied { .. })).expect("the fault started");
    let words = event_words(&started.kind, &sim.design());
    assert_eq!(words, format!("A fault started on {}.", target.label));
    // The scenario alone does not know it: that is why the page asks the design.
    assert_eq!(event_words(&started.kind, sim.scenario()), "A fault started.");
}
