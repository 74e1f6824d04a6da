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
    ("seven", "079cf8304f403ea2"),
    ("order-flow", "69cc29c737f100f6"),
    ("cascade", "ea79fe3b111aff0c"),
    ("cascade-retries", "98c11fb7e54bc065"),
    ("cascade-protected", "09511226af4864c7"),
    ("poison", "352a2ed22fbe7ec0"),
    ("poison-dlq", "737b3223cc3aca1c"),
    ("silent-backlog", "5f3b0fbd6eb89257"),
    ("competing-consumers-1", "d8e80f25cb3bb508"),
    ("competing-consumers-4", "a78a172aad1df322"),
    // BACKWARD lets the breaking change through: the same stream as no registry at all.
    ("schema-break", "3eeb274118e10271"),
    ("schema-break-dlq", "dc969c8cf332eef3"),
    ("schema-break-backward", "3eeb274118e10271"),
    ("schema-break-full", "2a650ec6d920fd67"),
    ("mmc", "96fc5f0bad62b0f1"),
    ("stress-2000", "c060f878c0a2e00c"),
    ("commit-before", "081bf97c4a051887"),
    ("commit-after", "4fe8aec442589b80"),
    ("stream-replay", "032608469d22c229"),
    ("dual-write", "d62d02def1876c83"),
    ("dual-write-outbox", "965cbda12c499d8f"),
    ("reconnect-storm", "df29f15a8c306d3a"),
    ("reconnect-storm-jitter", "9307aca0ab67dd3f"),
    ("silent-disconnect", "59c2534092c0c0cc"),
    ("silent-disconnect-heartbeat", "59d471442c1cd4a4"),
    ("saga", "5e427ea8c7ddc1b5"),
    ("saga-choreography", "ebb90f609142f940"),
    // Type 7: the same runs; the monitored one adds its row-count alerts.
    ("silent-batch", "63969ba4ef6cca55"),
    ("silent-batch-monitored", "9679d705c3ca3c74"),
];

/// Runs a preset for the golden duration and returns its trace hash as hex.
pub fn golden_hash(name: &str) -> String {
    let scenario = presets::load(name).unwrap_or_else(|| panic!("preset {name}"));
    let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    sim.enable_trace_hash();
    sim.run_until(GOLDEN_SECONDS * SECOND).unwrap_or_else(|e| panic!("{name}: {e}"));
    format!("{:016x}", sim.trace_hash().unwrap_or_default())
}
