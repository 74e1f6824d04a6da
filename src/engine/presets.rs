//! Built-in scenarios, one JSON file each under `presets/`: they double as
//! examples of the scenario format.

use super::parse::parse_scenario_quietly;
use super::scenario::Scenario;

/// The length of `json` without its whitespace outside strings.
pub(crate) const fn minified_len(json: &str) -> usize {
    let b = json.as_bytes();
    let (mut i, mut n, mut in_string) = (0, 0, false);
    while i < b.len() {
        let c = b[i];
        if in_string {
            n += 1;
            if c == b'\\' {
                n += 1;
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
        } else if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
            n += 1;
            in_string = c == b'"';
        }
        i += 1;
    }
    n
}

/// `json` without its whitespace outside strings (JSON's whitespace is
/// exactly space, tab, line feed and carriage return), at compile time:
/// the same scenario in fewer bytes of the wasm.
pub(crate) const fn minify<const N: usize>(json: &str) -> [u8; N] {
    let b = json.as_bytes();
    let mut out = [0u8; N];
    let (mut i, mut n, mut in_string) = (0, 0, false);
    while i < b.len() {
        let c = b[i];
        if in_string {
            out[n] = c;
            n += 1;
            if c == b'\\' {
                out[n] = b[i + 1];
                n += 1;
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
        } else if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
            out[n] = c;
            n += 1;
            in_string = c == b'"';
        }
        i += 1;
    }
    out
}

/// A preset's name and its JSON file, minified at compile time.
macro_rules! preset {
    ($name:literal, $file:literal) => {{
        const TEXT: &str = include_str!($file);
        const BYTES: &[u8] = &minify::<{ minified_len(TEXT) }>(TEXT);
        const JSON: &str = match core::str::from_utf8(BYTES) {
            Ok(json) => json,
            Err(_) => panic!("a preset is not UTF-8"),
        };
        ($name, JSON)
    }};
}

/// Names and JSON texts of the built-in scenarios (whitespace outside strings
/// removed); the first is the default.
pub const PRESETS: &[(&str, &str)] = &[
    preset!("seven", "presets/seven.json"),
    preset!("order-flow", "presets/order-flow.json"),
    preset!("cascade", "presets/cascade.json"),
    preset!("cascade-retries", "presets/cascade-retries.json"),
    preset!("cascade-protected", "presets/cascade-protected.json"),
    preset!("poison", "presets/poison.json"),
    preset!("poison-dlq", "presets/poison-dlq.json"),
    preset!("silent-backlog", "presets/silent-backlog.json"),
    preset!("competing-consumers-1", "presets/competing-consumers-1.json"),
    preset!("competing-consumers-4", "presets/competing-consumers-4.json"),
    preset!("schema-break", "presets/schema-break.json"),
    preset!("schema-break-dlq", "presets/schema-break-dlq.json"),
    preset!("schema-break-backward", "presets/schema-break-backward.json"),
    preset!("schema-break-full", "presets/schema-break-full.json"),
    preset!("commit-before", "presets/commit-before.json"),
    preset!("commit-after", "presets/commit-after.json"),
    preset!("stream-replay", "presets/stream-replay.json"),
    preset!("dual-write", "presets/dual-write.json"),
    preset!("dual-write-outbox", "presets/dual-write-outbox.json"),
    preset!("reconnect-storm", "presets/reconnect-storm.json"),
    preset!("reconnect-storm-jitter", "presets/reconnect-storm-jitter.json"),
    preset!("silent-disconnect", "presets/silent-disconnect.json"),
    preset!("silent-disconnect-heartbeat", "presets/silent-disconnect-heartbeat.json"),
    preset!("saga", "presets/saga.json"),
    preset!("saga-choreography", "presets/saga-choreography.json"),
    preset!("mmc", "presets/mmc.json"),
    preset!("stress-2000", "presets/stress-2000.json"),
    preset!("silent-batch", "presets/silent-batch.json"),
    preset!("silent-batch-monitored", "presets/silent-batch-monitored.json"),
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

#[cfg(test)]
mod minify_tests {
    use super::PRESETS;

    #[test]
    fn minified_presets_are_the_files_without_whitespace() {
        for (name, json) in PRESETS {
            let path = format!("{}/src/engine/presets/{name}.json", env!("CARGO_MANIFEST_DIR"));
            let file = std::fs::read_to_string(&path).expect("the preset's file");
            let a: serde_json::Value = serde_json::from_str(&file).expect("the file is JSON");
            let b: serde_json::Value = serde_json::from_str(json).expect("the minified text is JSON");
            assert_eq!(a, b, "{name}");
            assert!(json.len() < file.len(), "{name}");
        }
    }
}
