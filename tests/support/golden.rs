//! Golden trace hashes, shared by the native tests (tests/presets.rs) and the
//! browser tests (tests/web.rs): the same scenario and seed must give the
//! same event stream, byte for byte, on both.
//!
//! If an intended engine change moves these, rerun
//! `cargo test --test presets -- --nocapture print_golden_hashes` and update
//! the table in the same commit, saying why.

use patchbay::engine::{presets, Simulation, SECOND};

/// Seconds of simulated time each golden run covers.
pub const GOLDEN_SECONDS: u64 = 20;

/// Expected trace hash of each preset after [`GOLDEN_SECONDS`].
pub const GOLDEN: &[(&str, &str)] = &[
    ("order-flow", "da2a7dfb645ea6bd"),
    ("cascade", "65f92f60afbab59a"),
    ("cascade-retries", "ca4a93035ccac136"),
    ("cascade-protected", "cc0e885c263b61a6"),
    ("poison", "c543dfac6f657b46"),
    ("poison-dlq", "31cf1a853dd4c06b"),
    ("silent-backlog", "cc762777cc6d0aec"),
    ("competing-consumers-1", "b214462377977aec"),
    ("competing-consumers-4", "cbd0b7dafc551acf"),
    ("mmc", "c7aca4686ece2ad2"),
];

/// Runs a preset for the golden duration and returns its trace hash as hex.
pub fn golden_hash(name: &str) -> String {
    let scenario = presets::load(name).unwrap_or_else(|| panic!("preset {name}"));
    let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    sim.enable_trace_hash();
    sim.run_until(GOLDEN_SECONDS * SECOND).unwrap_or_else(|e| panic!("{name}: {e}"));
    format!("{:016x}", sim.trace_hash().unwrap_or_default())
}
