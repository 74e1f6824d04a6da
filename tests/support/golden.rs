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
    ("seven", "56199b0801417251"),
    ("order-flow", "e3bc9ef96f884a96"),
    ("cascade", "53972579c0deb83f"),
    ("cascade-retries", "24c5231d71c59afb"),
    ("cascade-protected", "906a52e098cbe127"),
    ("poison", "569b3001def1485d"),
    ("poison-dlq", "dd67d23062c12aae"),
    ("silent-backlog", "abb4a4543a9f13a6"),
    ("competing-consumers-1", "35fc54278337265c"),
    ("competing-consumers-4", "a5fb387d1a73f519"),
    // BACKWARD lets the breaking change through: the same stream as no registry at all.
    ("schema-break", "9b601a17e00711f3"),
    ("schema-break-dlq", "0682e38be76df04f"),
    ("schema-break-backward", "9b601a17e00711f3"),
    ("schema-break-full", "cc9519da108a0b6e"),
    ("mmc", "3b00e9dde55e720c"),
    ("stress-2000", "69e46e4e1c08ff92"),
    ("commit-before", "e09b5bccb47c6765"),
    ("commit-after", "25bc33c8d466ea84"),
    ("stream-replay", "44baa887539f8038"),
    ("dual-write", "8b0093bc4d1252bc"),
    ("dual-write-outbox", "0b38e2d7b5bd360a"),
    ("reconnect-storm", "b63eb8767772a579"),
    ("reconnect-storm-jitter", "ce0129b291f2ecda"),
    ("silent-disconnect", "a468035af2a5faf9"),
    ("silent-disconnect-heartbeat", "005c9b5dda53b272"),
    ("saga", "702218fe6f7f1aa1"),
    ("saga-choreography", "234d583921e45439"),
    // Type 7: the same runs; the monitored one adds its row-count alerts.
    ("silent-batch", "bcb5f7a27384c224"),
    ("silent-batch-monitored", "0ddc9b19a17e8e14"),
];

/// Runs a preset for the golden duration and returns its trace hash as hex.
pub fn golden_hash(name: &str) -> String {
    let scenario = presets::load(name).unwrap_or_else(|| panic!("preset {name}"));
    let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    sim.enable_trace_hash();
    sim.run_until(GOLDEN_SECONDS * SECOND).unwrap_or_else(|e| panic!("{name}: {e}"));
    format!("{:016x}", sim.trace_hash().unwrap_or_default())
}
