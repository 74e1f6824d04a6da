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
    ("order-flow", "1a080d8b07fc30ec"),
    ("cascade", "53abe10d1b2b70d9"),
    ("cascade-retries", "8d6064092980119d"),
    ("cascade-protected", "ba456a4877a57cf8"),
    ("poison", "d3be2739e98d560d"),
    ("poison-dlq", "bec6b817d62d4efd"),
    ("silent-backlog", "fa14b0715b544556"),
    ("competing-consumers-1", "460f7cc2ea5e4e9d"),
    ("competing-consumers-4", "01c567f77037313c"),
    ("mmc", "c7aca4686ece2ad2"),
    ("stress-2000", "432e5d6581c6bcc2"),
];

/// Runs a preset for the golden duration and returns its trace hash as hex.
pub fn golden_hash(name: &str) -> String {
    let scenario = presets::load(name).unwrap_or_else(|| panic!("preset {name}"));
    let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    sim.enable_trace_hash();
    sim.run_until(GOLDEN_SECONDS * SECOND).unwrap_or_else(|e| panic!("{name}: {e}"));
    format!("{:016x}", sim.trace_hash().unwrap_or_default())
}
