//! The patchbay-sim CLI: presets, runs, validation and its exit statuses.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

fn sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patchbay-sim")).args(args).output().expect("the CLI runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("patchbay-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

#[test]
fn lists_presets() {
    let o = sim(&["presets"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for name in ["order-flow", "cascade", "poison-dlq", "silent-backlog", "competing-consumers-4", "mmc"] {
        assert!(out.lines().any(|l| l.starts_with(name)), "{name} listed");
    }
}

#[test]
fn runs_a_preset_as_json() {
    let o = sim(&["run", "poison-dlq", "--until", "30", "--seed", "7", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(v["scenario"], "poison-dlq");
    assert_eq!(v["ledger"]["dead_lettered"], 3);
    assert!(v["engine"]["events"].as_u64().unwrap_or(0) > 1_000);
    assert!(v["engine"]["events_per_s"].as_f64().unwrap_or(0.0) > 0.0);
    assert_eq!(v["queues"][0]["id"], "payments");
    assert!(v["services"][1]["wait"]["p99_ms"].is_number());
    assert_eq!(v["trace_hash"].as_str().map(str::len), Some(16));
}

#[test]
fn the_same_seed_prints_the_same_trace_hash() {
    let hash = |seed: &str| {
        let o = sim(&["run", "cascade", "--until", "15", "--seed", seed, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        v["trace_hash"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(hash("1"), hash("1"));
    assert_ne!(hash("1"), hash("2"));
}

#[test]
fn prints_a_human_summary_and_writes_a_trace() {
    let trace = std::env::temp_dir().join(format!("patchbay-trace-{}.jsonl", std::process::id()));
    let o = sim(&["run", "cascade-protected", "--until", "12", "--trace", trace.to_str().unwrap_or("t.jsonl")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("orders:") && out.contains("inventory-pricing") && out.contains("breaker"), "{out}");
    let text = std::fs::read_to_string(&trace).expect("trace written");
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap_or("")).expect("header");
    assert_eq!(header["trace"], "patchbay-trace");
    assert_eq!(header["nodes"][1], "order-api");
    let events: Vec<serde_json::Value> = lines.map(|l| serde_json::from_str(l).expect("event line")).collect();
    assert!(events.len() > 1_000);
    assert!(events.iter().any(|e| e["type"] == "breaker_changed"));
    assert!(events.windows(2).all(|w| w[0]["t"].as_u64() <= w[1]["t"].as_u64()), "time never goes back");
}

#[test]
fn validate_accepts_a_good_file() {
    let (_, text) = patchbay::engine::presets::PRESETS[0];
    let path = temp_file("good.json", text);
    let o = sim(&["validate", path.to_str().unwrap_or_default()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("valid scenario 'seven'"));
    // Saved by an editor that writes a byte-order mark first: read as the page's import reads it.
    let path = temp_file("good-bom.json", &format!("\u{feff}{text}"));
    let o = sim(&["validate", path.to_str().unwrap_or_default()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn invalid_input_exits_2_naming_file_path_and_reason() {
    let path = temp_file(
        "bad.json",
        r#"{"version":1,"name":"x","nodes":[{"id":"a","label":"A","kind":{"type":"service","replicas":0}}],
        "sources":[{"id":"s","target":"zzz","arrival":{"type":"poisson","rate_per_s":-1}}]}"#,
    );
    let p = path.to_str().unwrap_or_default();
    for args in [vec!["validate", p], vec!["run", p]] {
        let o = sim(&args);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(p) && first.contains("$.nodes[0].kind.replicas") && first.contains("between 1 and 64"),
            "{err}"
        );
        assert!(err.contains("$.sources[0].target") && err.contains("unknown node id 'zzz'"), "{err}");
        assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
    }
}

#[test]
fn bad_arguments_exit_2_without_a_backtrace() {
    for args in [
        vec!["run"],
        vec!["run", "no-such-preset"],
        vec!["run", "cascade", "--until", "abc"],
        vec!["run", "cascade", "--until", "-3"],
        vec!["run", "cascade", "--seed"],
        vec!["run", "cascade", "--colour"],
        vec!["frobnicate"],
        vec!["validate", "/nonexistent/file.json"],
    ] {
        let o = sim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(!err.is_empty() && !err.contains("panicked"), "{args:?}: {err}");
    }
    let path = temp_file("garbage.json", "this is not json");
    let o = sim(&["run", path.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with(path.to_str().unwrap_or_default()));
}

#[test]
fn timed_edits_replay_exactly_and_change_the_run() {
    let edits = temp_file(
        "edits.json",
        r#"[
            {"at_ms": 2000, "edit": {"type": "apply_fault", "fault": {"target": "pricing", "effect": {"type": "slow", "factor": 100}}}},
            {"at_ms": 9000, "edit": {"type": "clear_fault", "index": 0}}
        ]"#,
    );
    let hash = |args: &[&str]| {
        let o = sim(args);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
        v["trace_hash"].as_str().expect("a hash").to_string()
    };
    let path = edits.to_str().expect("utf-8 path");
    let with = hash(&["run", "cascade", "--until", "15", "--edits", path, "--json"]);
    let again = hash(&["run", "cascade", "--until", "15", "--edits", path, "--json"]);
    let without = hash(&["run", "cascade", "--until", "15", "--json"]);
    assert_eq!(with, again, "a run with edits replays exactly");
    assert_ne!(with, without, "the edits changed the run");
    let bad = temp_file("bad-edits.json", r#"[{"at_ms": 1000, "edit": {"type": "clear_fault", "index": 42}}]"#);
    let o = sim(&["run", "cascade", "--until", "5", "--edits", bad.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("edit at 1000 ms") && stderr(&o).contains("no fault with index 42"), "{}", stderr(&o));
}

#[test]
fn a_run_stopped_by_a_guard_exits_3_naming_the_loop() {
    let loop_json = r#"{"version": 1, "name": "loop",
        "nodes": [
            {"id": "q", "label": "q", "kind": {"type": "queue"}},
            {"id": "w", "label": "w", "kind": {"type": "service", "processing": {"type": "constant", "ms": 0}}}
        ],
        "links": [
            {"id": "take", "from": "q", "to": "w", "latency": {"type": "constant", "ms": 0}, "transport": {"type": "consume"}},
            {"id": "back", "from": "w", "to": "q", "latency": {"type": "constant", "ms": 0}, "transport": {"type": "enqueue"}}
        ],
        "sources": [{"id": "one", "target": "q", "arrival": {"type": "burst", "at_ms": 0, "count": 1}}]}"#;
    let file = temp_file("loop.json", loop_json);
    let o = sim(&["run", file.to_str().expect("utf-8"), "--until", "5"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("without the clock moving") && err.contains("node 'w'"), "{err}");
}

#[test]
fn every_latency_a_busy_service_reports_has_samples() {
    // A distribution in the report that nothing records reads as a
    // measured zero (a `sojourn` histogram was reported empty for every
    // service until an audit found it).
    let o = sim(&["run", "mmc", "--until", "60", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    let service = &v["services"][0];
    assert!(service["completed"].as_u64().unwrap_or(0) > 100, "{service}");
    let histograms: Vec<(&String, &serde_json::Value)> =
        service.as_object().expect("an object").iter().filter(|(_, h)| h.get("count").is_some()).collect();
    assert!(histograms.len() >= 3, "wait, busy_time, self_time: {service}");
    for (name, h) in histograms {
        assert!(h["count"].as_u64().unwrap_or(0) > 100, "{name} has no samples: {h}");
    }
}

#[test]
fn no_command_prints_the_usage_and_fails() {
    let o = sim(&[]);
    assert_eq!(o.status.code(), Some(2), "a script must notice a missing command");
    assert!(stderr(&o).contains("patchbay-sim run"), "{}", stderr(&o));
    assert!(sim(&["--help"]).status.success(), "asking for help is not a mistake");
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_patchbay-sim"))
        .args(["run", "cascade", "--until", "120"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    // As `| head -1` does once it has its line: the pipe's reading end closes
    // (here before the run has printed anything, so the write surely fails).
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("it ends");
    assert!(out.status.success(), "status {:?}: {}", out.status, stderr(&out));
    assert_eq!(stderr(&out), "", "no panic message");
}
