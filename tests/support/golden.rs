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
    ("order-flow", "8bf1a50c7f9a70a7"),
    ("cascade", "ea79fe3b111aff0c"),
    ("cascade-retries", "98c11fb7e54bc065"),
    ("cascade-protected", "09511226af4864c7"),
    ("poison", "2b3ca6757625a363"),
    ("poison-dlq", "5bddf4e83495a890"),
    ("silent-backlog", "605b44f6aa786391"),
    ("competing-consumers-1", "d8e80f25cb3bb508"),
    ("competing-consumers-4", "74312d81b7d4b9a6"),
    ("mmc", "96fc5f0bad62b0f1"),
    ("stress-2000", "0ea475803581a506"),
];

/// Runs a preset for the golden duration and returns its trace hash as hex.
pub fn golden_hash(name: &str) -> String {
    let scenario = presets::load(name).unwrap_or_else(|| panic!("preset {name}"));
    let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    sim.enable_trace_hash();
    sim.run_until(GOLDEN_SECONDS * SECOND).unwrap_or_else(|e| panic!("{name}: {e}"));
    format!("{:016x}", sim.trace_hash().unwrap_or_default())
}
