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
    ("order-flow", "5c2b5e1bd459c622"),
    ("cascade", "e9dccff0e30a3845"),
    ("cascade-retries", "e5a8b6547f9a6d99"),
    ("cascade-protected", "a7b0034e35fc6f00"),
    ("poison", "d722c6fc99cd879a"),
    ("poison-dlq", "3160058b08c15e45"),
    ("silent-backlog", "950a2f561fdf2c1f"),
    ("competing-consumers-1", "ee20b14351db0304"),
    ("competing-consumers-4", "164e617ca151e093"),
    ("mmc", "b12d2318bcfd13b8"),
    ("stress-2000", "1696de0be1add8eb"),
];

/// Runs a preset for the golden duration and returns its trace hash as hex.
pub fn golden_hash(name: &str) -> String {
    let scenario = presets::load(name).unwrap_or_else(|| panic!("preset {name}"));
    let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    sim.enable_trace_hash();
    sim.run_until(GOLDEN_SECONDS * SECOND).unwrap_or_else(|e| panic!("{name}: {e}"));
    format!("{:016x}", sim.trace_hash().unwrap_or_default())
}
