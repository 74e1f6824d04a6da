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
    ("seven", "4cbeed5af4a39acb"),
    ("order-flow", "6fb5a8a34522c250"),
    ("cascade", "289d054573c61eba"),
    ("cascade-retries", "86c0eb151ec9d46c"),
    ("cascade-protected", "a97a0f140b82010e"),
    ("poison", "936f31af22adfca5"),
    ("poison-dlq", "5a8786a714e74433"),
    ("silent-backlog", "88d03d1165500235"),
    ("competing-consumers-1", "8fdf42936c922081"),
    ("competing-consumers-4", "a04fe3f9df4a67d7"),
    // BACKWARD lets the breaking change through: the same stream as no registry at all.
    ("schema-break", "a4826031a87292ef"),
    // Analytics nacks each unreadable event; Pub/Sub dead-letters it after the fifth delivery.
    ("schema-break-dlq", "d8e03d1262a850c7"),
    ("schema-break-backward", "a4826031a87292ef"),
    ("schema-break-full", "b7add53f2b267541"),
    ("mmc", "fdc368e8cdd1f521"),
    ("stress-2000", "5dcff4aa89b32a75"),
    ("commit-before", "12955cb89f24fadb"),
    ("commit-after", "cc9bed2a59ae97cf"),
    ("stream-replay", "ea335c961d7db89c"),
    ("dual-write", "e186df7caaaa2974"),
    ("dual-write-outbox", "cdc2189a9bb85656"),
    ("reconnect-storm", "615a4bb6d4d43f5e"),
    ("reconnect-storm-jitter", "22d312d8f73a7c0c"),
    ("silent-disconnect", "0a9f7a02affae2ea"),
    ("silent-disconnect-heartbeat", "412e0be66a6a1165"),
    ("saga", "5625952c6a1b8a8c"),
    ("saga-choreography", "639aecbbbbddf292"),
    // Type 7: the same runs; the monitored one adds its row-count alerts.
    ("silent-batch", "5382a1537e96a203"),
    ("silent-batch-monitored", "e1ad2b7050916ffd"),
];

/// Runs a preset for the golden duration and returns its trace hash as hex.
pub fn golden_hash(name: &str) -> String {
    let scenario = presets::load(name).unwrap_or_else(|| panic!("preset {name}"));
    let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    sim.enable_trace_hash();
    sim.run_until(GOLDEN_SECONDS * SECOND).unwrap_or_else(|e| panic!("{name}: {e}"));
    format!("{:016x}", sim.trace_hash().unwrap_or_default())
}
