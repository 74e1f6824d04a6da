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
    ("order-flow", "5a9889c9af768095"),
    ("cascade", "06807d0d05be730a"),
    ("cascade-retries", "1c34eed8f0935736"),
    ("cascade-protected", "58a12f210433bd7f"),
    ("poison", "57979c6522bbfb4e"),
    ("poison-dlq", "c8e2b00016f40b2c"),
    ("silent-backlog", "d0ef5e541977692b"),
    ("competing-consumers-1", "bdcc81281b549cc5"),
    ("competing-consumers-4", "020e4c05d477ad89"),
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
