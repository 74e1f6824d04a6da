//! Shared by the saga tests that read times: a recorded run to a time and
//! the sagas' outcomes in it.

use patchbay::engine::event::{EventKind, SagaOutcome};
use patchbay::engine::scenario::Scenario;
use patchbay::engine::{Simulation, SECOND};

/// Runs to `secs` recording every event (the ledger balanced at the end):
/// the simulation and the events with their times.
pub fn run(s: Scenario, secs: u64) -> (Simulation, Vec<(u64, EventKind)>) {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(secs * SECOND).expect("runs");
    assert!(sim.ledger().balances(sim.live_messages()));
    let events = sim.drain_events().into_iter().map(|e| (e.t, e.kind)).collect();
    (sim, events)
}

/// How the sagas that ended did, in order.
pub fn outcomes(events: &[(u64, EventKind)]) -> Vec<SagaOutcome> {
    events
        .iter()
        .filter_map(|(_, e)| if let EventKind::SagaEnded { outcome, .. } = e { Some(*outcome) } else { None })
        .collect()
}
