//! Built-in scenarios, one JSON file each under `presets/`: they double as
//! examples of the scenario format.

use super::parse::parse_scenario_quietly;
use super::scenario::Scenario;

/// Names and JSON texts of the built-in scenarios; the first is the default.
pub const PRESETS: &[(&str, &str)] = &[
    ("seven", include_str!("presets/seven.json")),
    ("order-flow", include_str!("presets/order-flow.json")),
    ("cascade", include_str!("presets/cascade.json")),
    ("cascade-retries", include_str!("presets/cascade-retries.json")),
    ("cascade-protected", include_str!("presets/cascade-protected.json")),
    ("poison", include_str!("presets/poison.json")),
    ("poison-dlq", include_str!("presets/poison-dlq.json")),
    ("silent-backlog", include_str!("presets/silent-backlog.json")),
    ("competing-consumers-1", include_str!("presets/competing-consumers-1.json")),
    ("competing-consumers-4", include_str!("presets/competing-consumers-4.json")),
    ("schema-break", include_str!("presets/schema-break.json")),
    ("schema-break-dlq", include_str!("presets/schema-break-dlq.json")),
    ("schema-break-backward", include_str!("presets/schema-break-backward.json")),
    ("schema-break-full", include_str!("presets/schema-break-full.json")),
    ("commit-before", include_str!("presets/commit-before.json")),
    ("commit-after", include_str!("presets/commit-after.json")),
    ("stream-replay", include_str!("presets/stream-replay.json")),
    ("dual-write", include_str!("presets/dual-write.json")),
    ("dual-write-outbox", include_str!("presets/dual-write-outbox.json")),
    ("reconnect-storm", include_str!("presets/reconnect-storm.json")),
    ("reconnect-storm-jitter", include_str!("presets/reconnect-storm-jitter.json")),
    ("silent-disconnect", include_str!("presets/silent-disconnect.json")),
    ("silent-disconnect-heartbeat", include_str!("presets/silent-disconnect-heartbeat.json")),
    ("saga", include_str!("presets/saga.json")),
    ("saga-choreography", include_str!("presets/saga-choreography.json")),
    ("mmc", include_str!("presets/mmc.json")),
    ("stress-2000", include_str!("presets/stress-2000.json")),
    ("silent-batch", include_str!("presets/silent-batch.json")),
    ("silent-batch-monitored", include_str!("presets/silent-batch-monitored.json")),
];

/// The default scenario's name: one order flow with all seven types.
pub const DEFAULT: &str = "seven";

/// The names of every built-in scenario.
pub fn names() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|(n, _)| *n)
}

/// A built-in scenario by name (`None` for an unknown name).
pub fn load(name: &str) -> Option<Scenario> {
    let (_, json) = PRESETS.iter().find(|(n, _)| *n == name)?;
    // The reason for an error would be dropped here, so none is tracked (a smaller wasm).
    parse_scenario_quietly(json)
}
