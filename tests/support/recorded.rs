//! Shared by the truth tests: every event of a run to a time.

use patchbay::engine::event::Event;
use patchbay::engine::scenario::Scenario;
use patchbay::engine::Simulation;

/// Runs `s` to `until` (µs) recording every event, and returns them.
pub fn run(s: Scenario, until: u64) -> Vec<Event> {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(until).expect("runs");
    sim.drain_events()
}
