//! Shared by the job tests: a recorded run to a time and the alerts in it.

use patchbay::engine::event::{Event, EventKind, JobAlertKind};
use patchbay::engine::metrics::JobMetrics;
use patchbay::engine::scenario::Scenario;
use patchbay::engine::{Simulation, SECOND};

/// Runs to `secs` recording every event (the ledger balanced at the end);
/// the events, the first job's metrics and the simulation.
pub fn run(s: Scenario, secs: u64) -> (Vec<Event>, JobMetrics, Simulation) {
    let j = s.nodes.iter().position(|n| n.kind.job().is_some()).expect("a job");
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(secs * SECOND).expect("runs");
    assert!(sim.ledger().balances(sim.live_messages()));
    let m = sim.metrics().jobs[j].clone();
    (sim.drain_events(), m, sim)
}

/// The job alerts raised, in order.
pub fn alerts(events: &[Event]) -> Vec<JobAlertKind> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::JobAlert { alert, .. } => Some(alert),
            _ => None,
        })
        .collect()
}
