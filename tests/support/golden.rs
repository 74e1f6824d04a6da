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
    ("order-flow", "408cdb81b4070752"),
    ("cascade", "4f8a261a5b75d362"),
    ("cascade-retries", "b7b692f171b576d1"),
    ("cascade-protected", "fd296021bafd64a7"),
    ("poison", "3f835ca5bbb92776"),
    ("poison-dlq", "13345faebd2c16c0"),
    ("silent-backlog", "a7088d116bb25a2a"),
    ("competing-consumers-1", "2e35108e23eb66d3"),
    ("competing-consumers-4", "64d77b7a3aa0b115"),
    ("mmc", "738f7c1173b3c7d5"),
    ("stress-2000", "d591dc7155e994a3"),
];

/// Runs a preset for the golden duration and returns its trace hash as hex.
pub fn golden_hash(name: &str) -> String {
    let scenario = presets::load(name).unwrap_or_else(|| panic!("preset {name}"));
    let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    sim.enable_trace_hash();
    sim.run_until(GOLDEN_SECONDS * SECOND).unwrap_or_else(|e| panic!("{name}: {e}"));
    format!("{:016x}", sim.trace_hash().unwrap_or_default())
}
