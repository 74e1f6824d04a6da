//! Type 7, Kubernetes CronJob's `Forbid` (`overlap: skip`): a fire time
//! that finds a run still going counts as missed. Once no run is going,
//! the controller starts a run for the most recent missed fire time, late,
//! unless `startingDeadlineSeconds` (`starting_deadline_ms`) has passed by
//! then; older missed fire times are gone for good.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/job_run.rs"]
mod job_run;
use job_run::{alerts, run};
use patchbay::engine::validate::validate;

use patchbay::engine::event::{Event, EventKind};
use patchbay::engine::presets;
use patchbay::engine::scenario::*;

/// The silent-batch preset (a run every 5 s, `skip`) without its bug, and a
/// slow-down that makes the run started at 10 s take about 12 s.
fn forbid(deadline_ms: Option<f64>) -> Scenario {
    let mut s = presets::load("silent-batch").expect("preset");
    let j = s.nodes.iter().position(|n| n.kind.job().is_some()).expect("a job");
    if let NodeKind::Job(spec) = &mut s.nodes[j].kind {
        assert_eq!(spec.overlap, OverlapPolicy::Skip);
        spec.starting_deadline_ms = deadline_ms;
    }
    let id = s.nodes[j].id.clone();
    s.faults = vec![Fault {
        target: id,
        at_ms: 9_000.0,
        until_ms: Some(22_000.0),
        effect: FaultEffect::Slow { factor: 40.0 },
    }];
    s
}

/// (time, run, waited) of every start, and the times of every skip.
fn starts_and_skips(events: &[Event]) -> (Vec<(u64, u32, u64)>, Vec<u64>) {
    let starts = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::JobRunStarted { run, waited, .. } => Some((e.t, run, waited)),
            _ => None,
        })
        .collect();
    let skips = events.iter().filter(|e| matches!(e.kind, EventKind::JobRunSkipped { .. })).map(|e| e.t).collect();
    (starts, skips)
}

#[test]
fn without_a_deadline_the_most_recent_missed_run_starts_late() {
    // Run 2 (10 s) ends at 22.216 s; the fires at 15 s and 20 s found it going.
    let (events, m, _) = run(forbid(None), 40);
    let (starts, skips) = starts_and_skips(&events);
    assert_eq!(skips, vec![15_000_000, 20_000_000]);
    // One late run, for the 20 s fire (the 15 s one is gone), as soon as run 2 ends.
    assert_eq!(starts[..4], [(5_000_000, 1, 0), (10_000_000, 2, 0), (22_216_000, 3, 2_216_000), (25_000_000, 4, 0)]);
    assert_eq!(m.skipped, 2);
    // A missed run is no failure: exit-code monitoring has nothing to say.
    assert!(alerts(&events).is_empty(), "{:?}", alerts(&events));
}

#[test]
fn a_starting_deadline_drops_a_missed_run_that_would_start_too_late() {
    let (events, _, _) = run(forbid(Some(1_000.0)), 40);
    let (starts, skips) = starts_and_skips(&events);
    assert_eq!(skips, vec![15_000_000, 20_000_000]);
    assert_eq!(starts[..3], [(5_000_000, 1, 0), (10_000_000, 2, 0), (25_000_000, 3, 0)], "2.2 s late is past 1 s");
    // Within the deadline it starts as without one.
    let (events, _, _) = run(forbid(Some(3_000.0)), 40);
    assert_eq!(starts_and_skips(&events).0[2], (22_216_000, 3, 2_216_000));
}

#[test]
fn a_missed_run_waits_out_a_crash_and_a_later_fire_supersedes_it() {
    // A crash from 21 s kills run 2 (its pod exits non-zero); the missed
    // 20 s fire waits for the job to be back.
    let crashed = |until: f64| {
        let mut s = forbid(None);
        let id = s.faults[0].target.clone();
        s.faults.push(Fault { target: id, at_ms: 21_000.0, until_ms: Some(until), effect: FaultEffect::Crash });
        let (events, _, _) = run(s, 30);
        starts_and_skips(&events)
    };
    let (starts, _) = crashed(24_000.0);
    assert_eq!(starts[2], (24_000_000, 3, 4_000_000), "late, when the job is back: {starts:?}");
    // Down until 26 s: the 25 s fire finds no run going, so it is the one
    // that starts (and exits at once, the job being down); the missed 20 s
    // fire is superseded, not skipped again nor started at 26 s.
    let (starts, skips) = crashed(26_000.0);
    assert_eq!(skips, vec![15_000_000, 20_000_000]);
    let after: Vec<(u64, u32, u64)> = starts.into_iter().filter(|s| s.0 > 21_000_000).collect();
    assert_eq!(after[..2], [(25_000_000, 3, 0), (30_000_000, 4, 0)]);
}

#[test]
fn the_deadline_is_checked_and_kept_out_of_json_when_unset() {
    let mut s = forbid(Some(-1.0));
    assert!(validate(&s).is_err());
    s = forbid(None);
    let json = serde_json::to_string(&s).expect("serialises");
    assert!(!json.contains("starting_deadline_ms"));
    let back = presets::load("silent-batch").expect("preset");
    assert_eq!(back.nodes.iter().find_map(|n| n.kind.job()).and_then(|j| j.starting_deadline_ms), None);
}

#[test]
fn the_words_say_a_missed_run_starts_late_and_how_late_it_started() {
    use patchbay::view_model::event_words::event_words;
    let words = |s: &Scenario| {
        let (events, _, _) = run(s.clone(), 25);
        events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::JobRunSkipped { .. } | EventKind::JobRunStarted { run: 3, .. }))
            .map(|e| event_words(&e.kind, s))
            .collect::<Vec<String>>()
    };
    let s = forbid(None);
    let said = words(&s);
    assert_eq!(
        said[0],
        "Reconciliation missed a fire time: 1 still going. It starts late once none is going (no starting deadline)."
    );
    assert_eq!(said[2], "Reconciliation run 3 started, 2.2 s after its fire time, reading 490 records.");
    let s = forbid(Some(1_000.0));
    assert_eq!(
        words(&s)[0],
        "Reconciliation missed a fire time: 1 still going. It starts late once none is going, if within 1.0 s."
    );
}
