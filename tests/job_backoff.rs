//! Type 7, a job run's retries (Kubernetes Job `backoffLimit`): a run whose
//! pod exits non-zero starts again in a new pod after a doubling back-off
//! (capped at 36 times the first), within `backoff_limit` retries; then the
//! run fails for good (`BackoffLimitExceeded`) and only then does exit-code
//! monitoring alert. Absent, the limit is 0 and nothing changes.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/job_run.rs"]
mod job_run;
use job_run::{alerts, run};

use patchbay::engine::event::{Event, EventKind, JobAlertKind};
use patchbay::engine::metrics::RunOutcome;
use patchbay::engine::scenario::*;
use patchbay::engine::{parse_scenario, presets, SECOND};

/// The silent-batch preset without its bug, retrying up to `limit` times
/// after a first back-off of 1 s, and a crash of the job from `at` to `until` (ms).
fn batch(limit: u32, at: f64, until: Option<f64>) -> Scenario {
    let mut s = presets::load("silent-batch").expect("preset");
    let j = s.nodes.iter().position(|n| n.kind.job().is_some()).expect("a job");
    if let NodeKind::Job(spec) = &mut s.nodes[j].kind {
        spec.backoff_limit = limit;
        spec.backoff_ms = 1_000.0;
    }
    s.faults = vec![Fault { target: "reconciliation".into(), at_ms: at, until_ms: until, effect: FaultEffect::Crash }];
    s
}

/// (time, failures, delay) of every back-off.
fn backoffs(events: &[Event]) -> Vec<(u64, u32, u64)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::JobRunBackoff { failures, delay, .. } => Some((e.t, failures, delay)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_short_crash_is_retried_after_the_backoff_and_nothing_alerts() {
    // Run 2 starts at 10 s; the crash at 10.2 s kills its pod. A new pod
    // starts 1 s later, when the job is back, and exits 0.
    let (events, m, sim) = run(batch(2, 10_200.0, Some(10_300.0)), 16);
    assert_eq!(backoffs(&events), vec![(10_200_000, 1, SECOND)]);
    let retried: Vec<(u64, u32, u32)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::JobRunRetried { run, retry, .. } => Some((e.t, run, retry)),
            _ => None,
        })
        .collect();
    assert_eq!(retried, vec![(11_200_000, 2, 1)]);
    assert_eq!((m.runs, m.crashed, m.exit_ok, m.retries, m.backoff_exceeded), (3, 0, 3, 1, 0));
    // The Job succeeded: exit-code monitoring has nothing to say, the ledger no crash.
    assert!(alerts(&events).is_empty(), "{:?}", alerts(&events));
    assert_eq!(sim.ledger().failed.get("crashed"), None);
    let r2 = m.history.iter().find(|r| r.run == 2).expect("run 2");
    assert_eq!((r2.outcome, r2.retries), (RunOutcome::Ok, 1));
    // The new pod read afresh: everything since run 1, including what came
    // during the back-off; run 3 reads only what came after run 2.
    let first_read = events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::JobRunStarted { run: 2, rows_in, .. } => Some(rows_in),
            _ => None,
        })
        .expect("run 2 started");
    assert!(r2.rows_in > first_read, "{} after {first_read}", r2.rows_in);
    let r3 = m.history.iter().find(|r| r.run == 3).expect("run 3");
    assert!(r3.rows_in < r2.rows_in + 100, "{} vs {}", r3.rows_in, r2.rows_in);
    // The Job's duration runs from its first pod to its end, back-off included.
    let ended = events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::JobRunEnded { run: 2, exit_ok: true, duration, .. } => Some(duration),
            _ => None,
        })
        .expect("run 2 ended");
    assert!(ended > SECOND, "{ended}");
}

#[test]
fn a_lasting_crash_uses_every_retry_then_the_run_fails_and_alerts_once() {
    // Down from 10.2 s to 14 s: pod 1 fails at 10.2 s, pod 2 at 11.2 s
    // (at once, the job is down), pod 3 at 13.2 s: three failures, two retries.
    let (events, m, sim) = run(batch(2, 10_200.0, Some(14_000.0)), 16);
    assert_eq!(backoffs(&events), vec![(10_200_000, 1, SECOND), (11_200_000, 2, 2 * SECOND)]);
    let gave_up: Vec<(u64, u32)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::JobRunGaveUp { failures, .. } => Some((e.t, failures)),
            _ => None,
        })
        .collect();
    assert_eq!(gave_up, vec![(13_200_000, 3)]);
    // The run's end follows its giving up, and one exit-code alert follows that.
    let at = events.iter().position(|e| matches!(e.kind, EventKind::JobRunGaveUp { .. })).expect("gave up");
    assert!(matches!(events[at + 1].kind, EventKind::JobRunEnded { exit_ok: false, .. }), "{:?}", events[at + 1]);
    assert_eq!(alerts(&events), vec![JobAlertKind::ExitCode]);
    assert_eq!((m.runs, m.crashed, m.retries, m.backoff_exceeded), (3, 1, 2, 1));
    assert_eq!(sim.ledger().failed.get("crashed").copied(), Some(1), "one run, one failed message");
}

#[test]
fn the_backoff_doubles_up_to_36_times_the_first() {
    // Kubernetes: 10 s, 20 s, 40 s … capped at 6 minutes; here from 100 ms.
    let mut s = batch(8, 10_200.0, None);
    let j = s.nodes.iter().position(|n| n.kind.job().is_some()).unwrap();
    if let NodeKind::Job(spec) = &mut s.nodes[j].kind {
        spec.backoff_ms = 100.0;
    }
    // Run 2's pod dies at 10.2 s; it backs off 13.5 s in all and gives up
    // at 23.7 s, the fires meanwhile skipped (the preset forbids overlap).
    let (events, m, _) = run(s, 24);
    let delays: Vec<u64> = backoffs(&events).iter().map(|b| b.2 / 1_000).collect();
    assert_eq!(delays, vec![100, 200, 400, 800, 1_600, 3_200, 3_600, 3_600]);
    assert_eq!((m.backoff_exceeded, m.skipped), (1, 2));
}

#[test]
fn a_run_backing_off_is_still_going_for_the_overlap_policy() {
    // Runs every second take 200 ms; run 1's pod dies at 1.1 s and its new
    // pod waits 2.5 s. Forbid skips the fires at 2 and 3 s: the Job is active.
    // The new pod exits 0 at 3.8 s, and the most recent missed fire (3 s)
    // starts then, late (no starting deadline), as Kubernetes' controller does.
    let json = r#"{"version":1,"name":"backoff","nodes":[{"id":"job","label":"Job","kind":{"type":"job",
        "every_ms":1000,"startup_ms":200,"overlap":"skip","backoff_limit":1,"backoff_ms":2500}}],
        "faults":[{"target":"job","at_ms":1100,"until_ms":1150,"effect":{"type":"crash"}}]}"#;
    let (events, m, _) = run(parse_scenario(json).expect("valid"), 5);
    let starts: Vec<u64> =
        events.iter().filter_map(|e| matches!(e.kind, EventKind::JobRunStarted { .. }).then_some(e.t)).collect();
    assert_eq!(starts, vec![SECOND, 3_800_000, 4 * SECOND, 5 * SECOND]);
    // The 4 s fire comes at the instant that late run ends, before its
    // end: missed too, and started at once as the run ends (0 late).
    assert_eq!((m.skipped, m.retries, m.crashed), (3, 1, 0));
}

#[test]
fn absent_means_no_retries_and_the_json_stays_the_same() {
    let (events, m, _) = run(batch(0, 10_200.0, Some(10_300.0)), 16);
    assert_eq!((m.crashed, m.retries, m.backoff_exceeded), (1, 0, 0));
    assert!(events.iter().all(|e| !matches!(
        e.kind,
        EventKind::JobRunBackoff { .. } | EventKind::JobRunRetried { .. } | EventKind::JobRunGaveUp { .. }
    )));
    // Left out of the JSON at their defaults: exports and links written
    // before the setting existed read and write the same.
    let text = serde_json::to_string(&JobSpec::default()).unwrap();
    assert!(!text.contains("backoff"), "{text}");
    let set = JobSpec { backoff_limit: 6, backoff_ms: 500.0, ..JobSpec::default() };
    let text = serde_json::to_string(&set).unwrap();
    assert!(text.contains("\"backoff_limit\":6") && text.contains("\"backoff_ms\":500"), "{text}");
}

#[test]
fn bad_backoff_settings_are_refused_naming_the_field() {
    let base = serde_json::to_value(presets::load("silent-batch").expect("preset")).unwrap();
    for (field, value, why) in [
        ("backoff_limit", serde_json::json!(101), "between 0 and 100"),
        ("backoff_limit", serde_json::json!(-1), "backoff_limit"),
        ("backoff_limit", serde_json::json!(1.5), "backoff_limit"),
        ("backoff_ms", serde_json::json!(0), "at least"),
        ("backoff_ms", serde_json::json!(-5), "≥ 0"),
    ] {
        let mut v = base.clone();
        v.pointer_mut("/nodes/4/kind").unwrap()[field] = value.clone();
        let errs = parse_scenario(&v.to_string()).expect_err(field);
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            text.iter().any(|t| t.contains(&format!("nodes[4].kind.{field}")) && t.contains(why)),
            "{field} = {value}: {text:?}"
        );
    }
}
