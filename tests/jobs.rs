//! Type 7, scheduled jobs: the silent batch presets' exact counts (rows
//! missing are caught only by output monitoring), the overlap policies'
//! documented counts, drift run over run, crashes and missing inputs,
//! the monitoring switch as an edit, and validation of the new fields.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/job_run.rs"]
mod job_run;
use job_run::{alerts, run};

use patchbay::engine::event::{Event, EventKind, JobAlertKind};
use patchbay::engine::metrics::RunOutcome;
use patchbay::engine::scenario::*;
use patchbay::engine::{parse_scenario, presets, Edit, Simulation, SECOND};

fn preset(name: &str) -> Scenario {
    presets::load(name).unwrap_or_else(|| panic!("preset {name}"))
}

fn job_ix(s: &Scenario) -> usize {
    s.nodes.iter().position(|n| n.kind.job().is_some()).expect("a job")
}

#[test]
fn rows_missing_are_detected_only_with_output_monitoring() {
    let (quiet, q, _) = run(preset("silent-batch"), 60);
    let (loud, l, _) = run(preset("silent-batch-monitored"), 60);
    // Same seed, same bug: the same runs with the same rows.
    assert_eq!((q.runs, q.exit_ok, q.short, q.crashed), (12, 11, 9, 0));
    assert_eq!((q.rows_in, q.rows_out), (2142, 1250));
    assert_eq!((l.runs, l.exit_ok, l.short, l.rows_in, l.rows_out), (12, 11, 9, 2142, 1250));
    // Exit-code monitoring: every run exited 0, so not one alert.
    assert!(alerts(&quiet).is_empty());
    assert_eq!(q.alerts_total(), 0);
    // Output monitoring: one row-count alert per short run, nothing else.
    assert_eq!(alerts(&loud), vec![JobAlertKind::RowCount; 9]);
    // Apart from the alerts, the two streams are the same event for event.
    let without: Vec<Event> = loud.iter().filter(|e| !matches!(e.kind, EventKind::JobAlert { .. })).copied().collect();
    assert_eq!(without, quiet);
}

#[test]
fn the_first_runs_are_whole_and_the_rows_skipped_are_never_read_again() {
    let (_, m, _) = run(preset("silent-batch"), 60);
    let runs: Vec<_> = m.history.iter().filter(|r| r.outcome != RunOutcome::Running).collect();
    assert_eq!(runs[0].outcome, RunOutcome::Ok);
    assert_eq!(runs[1].outcome, RunOutcome::Ok);
    for r in &runs[2..] {
        assert_eq!(r.outcome, RunOutcome::Short);
        assert_eq!(r.rows_out, r.rows_in / 2, "half of each run's rows");
    }
    // Each record is read by exactly one run: rows in equals the records appended before the last run.
    let read: u64 = m.history.iter().map(|r| r.rows_in).sum();
    assert_eq!(
        read,
        m.rows_in + m.history.iter().filter(|r| r.outcome == RunOutcome::Running).map(|r| r.rows_in).sum::<u64>()
    );
}

/// A job with no inputs whose runs take 2.5 s, fired every second.
fn overlapping(policy: OverlapPolicy) -> Scenario {
    let json = format!(
        r#"{{"version":1,"name":"overlap","nodes":[{{"id":"job","label":"Job","kind":{{"type":"job",
        "every_ms":1000,"startup_ms":2500,"overlap":"{}"}}}}]}}"#,
        serde_json::to_value(policy).unwrap().as_str().unwrap()
    );
    parse_scenario(&json).expect("valid")
}

#[test]
fn overlap_policies_give_the_documented_counts() {
    // Fires at 1, 2, … 10 s; a run takes 2.5 s.
    // skip (Forbid): every fire that finds a run going is missed (nine of
    // them); as Kubernetes' controller does with no starting deadline, the
    // most recent missed one starts as soon as the run ends, late: the 3 s
    // fire at 3.5 s, the 5 s one at 6 s (just before the 6 s fire, which is
    // missed in turn) and the 8 s one at 8.5 s, never more than a fire behind.
    let (events, m, _) = run(overlapping(OverlapPolicy::Skip), 10);
    assert_eq!((m.runs, m.skipped, m.queued, m.overlapping, m.exit_ok, m.running), (4, 9, 0, 0, 3, 1));
    let starts: Vec<(u64, u64)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::JobRunStarted { waited, .. } => Some((e.t, waited)),
            _ => None,
        })
        .collect();
    assert_eq!(starts, vec![(SECOND, 0), (3_500_000, 500_000), (6 * SECOND, SECOND), (8_500_000, 500_000)]);
    // queue: one run after the other, at 1, 3.5, 6 and 8.5; nine fires waited, six still wait.
    let (events, m, sim) = run(overlapping(OverlapPolicy::Queue), 10);
    assert_eq!((m.runs, m.skipped, m.queued, m.overlapping, m.exit_ok), (4, 0, 9, 0, 3));
    assert_eq!(sim.job_queued(0), 6);
    let waits: Vec<u64> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::JobRunStarted { waited, .. } => Some(waited),
            _ => None,
        })
        .collect();
    assert_eq!(waits, vec![0, 1_500_000, 3_000_000, 4_500_000], "the queue falls further behind");
    // concurrent (Allow): every fire starts a run; all but the first overlap
    // another; the runs of 8, 9 and 10 s are still going.
    let (_, m, sim) = run(overlapping(OverlapPolicy::Concurrent), 10);
    assert_eq!((m.runs, m.skipped, m.queued, m.overlapping, m.exit_ok), (10, 0, 0, 9, 7));
    assert_eq!(sim.job_running(0), 3);
}

#[test]
fn concurrent_runs_read_the_same_records_twice() {
    let mut s = preset("silent-batch");
    s.faults.clear();
    let j = job_ix(&s);
    if let NodeKind::Job(spec) = &mut s.nodes[j].kind {
        spec.overlap = OverlapPolicy::Concurrent;
        spec.records_per_s = 50.0; // 200 rows take 4 s: the next fire comes first
    }
    s.faults.push(Fault {
        target: "reconciliation".into(),
        at_ms: 0.0,
        until_ms: None,
        effect: FaultEffect::Slow { factor: 2.0 },
    });
    let (events, m, _) = run(s, 30);
    assert!(m.overlapping > 0);
    let starts: Vec<(u64, u32)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::JobRunStarted { rows_in, alongside, .. } => Some((rows_in, alongside)),
            _ => None,
        })
        .collect();
    // A run that starts while the first is going reads from the same position: more than its own period's records.
    assert!(starts.windows(2).any(|w| w[1].1 > 0 && w[1].0 > w[0].0), "{starts:?}");
}

#[test]
fn drift_accumulates_run_over_run() {
    let mut s = preset("silent-batch");
    s.faults = vec![Fault {
        target: "reconciliation".into(),
        at_ms: 0.0,
        until_ms: None,
        effect: FaultEffect::WrongOutput { drift_per_run: 0.1 },
    }];
    let (events, m, _) = run(s, 40);
    let mut expected = 0u64;
    let mut drifts = Vec::new();
    for e in &events {
        if let EventKind::JobRunEnded { rows_out, drift, rows_in, exit_ok, .. } = e.kind {
            assert!(exit_ok);
            assert_eq!(rows_out, rows_in, "wrong values, right row counts");
            expected += (rows_out as f64 * 0.1).round() as u64;
            assert_eq!(drift, expected);
            drifts.push(drift);
        }
    }
    assert_eq!(drifts.len(), 7);
    assert!(drifts.windows(2).all(|w| w[1] > w[0]), "it only grows: {drifts:?}");
    assert_eq!(m.drift, expected);
    // Row counts match, so output monitoring's row check stays quiet too.
    assert!(alerts(&events).is_empty());
}

#[test]
fn a_crash_exits_non_zero_alerts_in_both_modes_and_the_next_run_reads_the_backlog() {
    for monitored in [false, true] {
        let mut s = preset(if monitored { "silent-batch-monitored" } else { "silent-batch" });
        // Run 2 starts at 10 s and takes about 0.5 s: the crash hits in the middle.
        s.faults = vec![Fault {
            target: "reconciliation".into(),
            at_ms: 10_200.0,
            until_ms: Some(10_300.0),
            effect: FaultEffect::Crash,
        }];
        let (events, m, sim) = run(s, 16);
        assert_eq!((m.runs, m.crashed, m.exit_ok), (3, 1, 2));
        // Both settings see the exit code; output monitoring also sees that
        // nothing was written for 7 s after run 1 (5.6 s): stale at 12.6 s.
        let expected =
            if monitored { vec![JobAlertKind::ExitCode, JobAlertKind::Stale] } else { vec![JobAlertKind::ExitCode] };
        assert_eq!(alerts(&events), expected);
        assert_eq!(sim.ledger().failed.get("crashed").copied(), Some(1));
        let rows: Vec<u64> = m.history.iter().map(|r| r.rows_in).collect();
        // Run 3 reads what run 2 read and what came after.
        assert!(rows[2] > rows[1] + 100, "{rows:?}");
        assert_eq!(m.history[1].outcome, RunOutcome::Crashed);
    }
}

#[test]
fn a_missing_input_succeeds_with_zero_rows_and_only_the_freshness_check_sees_it() {
    for (name, stale) in [("silent-batch", 0), ("silent-batch-monitored", 3)] {
        let mut s = preset(name);
        s.faults = vec![Fault {
            target: "reconciliation".into(),
            at_ms: 7_000.0,
            until_ms: None,
            effect: FaultEffect::MissingInput,
        }];
        let (events, m, _) = run(s, 30);
        // Run 6 starts at 30 s and is still going.
        assert_eq!((m.runs, m.exit_ok, m.crashed, m.short), (6, 5, 0, 0));
        assert_eq!(m.history.iter().skip(1).map(|r| r.rows_in).sum::<u64>(), 0);
        // The last output is from run 1 at 5.6 s; the switch fires 7 s after it
        // and every 7 s while nothing is written: 12.6, 19.6, 26.6 s.
        assert_eq!(alerts(&events), vec![JobAlertKind::Stale; stale], "{name}");
    }
}

#[test]
fn the_monitoring_switch_is_an_edit() {
    let s = preset("silent-batch");
    let j = job_ix(&s);
    let mut sim = Simulation::new(s).expect("valid");
    sim.run_until(30 * SECOND).expect("runs");
    assert_eq!(sim.metrics().jobs[j].alerts_total(), 0);
    let mut spec = sim.scenario().nodes[j].kind.job().unwrap().clone();
    spec.monitor = MonitorOn::Output;
    sim.apply(&Edit::SetJob { node: "reconciliation".into(), spec: spec.clone() }).expect("applies");
    sim.run_until(60 * SECOND).expect("runs");
    // Runs 6 to 11 end after the switch (run 12 is still going at 60 s), all short.
    assert_eq!(sim.metrics().jobs[j].alerts[1], 6);
    spec.records_per_s = -1.0;
    let err = sim.apply(&Edit::SetJob { node: "reconciliation".into(), spec }).expect_err("refused");
    assert!(err.to_string().contains("records_per_s"), "{err}");
    assert!(sim.apply(&Edit::SetJob { node: "order-api".into(), spec: JobSpec::default() }).is_err());
}

#[test]
fn bad_job_settings_are_refused_with_the_field_and_the_reason() {
    let base = serde_json::to_value(preset("silent-batch")).unwrap();
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        ("/nodes/4/kind/cron", serde_json::json!("61 * *"), "exactly one"),
        ("/nodes/4/kind/every_ms", serde_json::json!(null), "exactly one"),
        ("/nodes/4/kind/every_ms", serde_json::json!(0.5), "at least 1 ms"),
        ("/nodes/4/kind/records_per_s", serde_json::json!(0), "above 0"),
        ("/nodes/4/kind/row_tolerance", serde_json::json!(2), "between 0 and 1"),
        ("/nodes/4/kind/duration_growth", serde_json::json!(0.5), "between 1 and 1000"),
        ("/nodes/4/kind/freshness_ms", serde_json::json!(0.001), "at least 100 ms"),
        ("/links/3/from", serde_json::json!("order-api"), "starts at a job"),
        ("/faults/0/target", serde_json::json!("order-api"), "is not a job"),
        ("/faults/0/effect", serde_json::json!({"type": "silent_failure", "share_written": 1.5}), "between 0 and 1"),
    ];
    for (path, value, why) in cases {
        let mut v = base.clone();
        *v.pointer_mut(path).unwrap() = value;
        let errs = parse_scenario(&v.to_string()).expect_err(path);
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(text.iter().any(|t| t.contains(why)), "{path}: {text:?}");
    }
    // A cron expression in place of the interval is parsed, and refused with the field.
    let mut v = base.clone();
    *v.pointer_mut("/nodes/4/kind/every_ms").unwrap() = serde_json::Value::Null;
    *v.pointer_mut("/nodes/4/kind/cron").unwrap() = serde_json::json!("61 * *");
    let errs = parse_scenario(&v.to_string()).expect_err("cron");
    assert_eq!(errs[0].to_string(), "$.nodes[4].kind.cron: minute: '61' must lie within 0-59, low to high");
    *v.pointer_mut("/nodes/4/kind/cron").unwrap() = serde_json::json!("*/2 * *");
    assert!(parse_scenario(&v.to_string()).is_ok());
    // A crash and a slow run are job faults too; a hang is not.
    let mut v = base.clone();
    *v.pointer_mut("/faults/0/effect").unwrap() = serde_json::json!({"type": "hang"});
    assert!(parse_scenario(&v.to_string()).is_err());
    *v.pointer_mut("/faults/0/effect").unwrap() = serde_json::json!({"type": "crash"});
    assert!(parse_scenario(&v.to_string()).is_ok());
}

mod random {
    use super::*;
    use proptest::prelude::*;

    fn effect(k: u8, x: f64) -> FaultEffect {
        match k % 5 {
            0 => FaultEffect::Crash,
            1 => FaultEffect::Slow { factor: 1.0 + x * 20.0 },
            2 => FaultEffect::SilentFailure { share_written: x },
            3 => FaultEffect::WrongOutput { drift_per_run: x },
            _ => FaultEffect::MissingInput,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any job settings (retries included) and fault schedule: the ledger
        /// balances after every step, every run ends once, and the run is the
        /// same when replayed.
        #[test]
        fn jobs_balance_and_replay(
            every in 200.0f64..6_000.0,
            rate in 10.0f64..5_000.0,
            startup in 0.0f64..3_000.0,
            overlap in 0u8..3,
            output in any::<bool>(),
            retries in 0u32..4,
            backoff in 50.0f64..3_000.0,
            faults in proptest::collection::vec((0u8..5, 0.0f64..1.0, 0.0f64..20_000.0, 1.0f64..8_000.0), 0..5),
            seed in any::<u64>(),
        ) {
            let mut s = preset("silent-batch");
            s.seed = seed;
            let j = job_ix(&s);
            if let NodeKind::Job(spec) = &mut s.nodes[j].kind {
                spec.every_ms = Some(every);
                spec.records_per_s = rate;
                spec.startup_ms = startup;
                spec.overlap = [OverlapPolicy::Skip, OverlapPolicy::Queue, OverlapPolicy::Concurrent][overlap as usize];
                spec.monitor = if output { MonitorOn::Output } else { MonitorOn::ExitCode };
                spec.backoff_limit = retries;
                spec.backoff_ms = backoff;
            }
            s.faults = faults
                .iter()
                .map(|&(k, x, at, len)| Fault { target: "reconciliation".into(), at_ms: at, until_ms: Some(at + len), effect: effect(k, x) })
                .collect();
            let hash = |s: &Scenario| {
                let mut sim = Simulation::new(s.clone()).expect("valid");
                sim.enable_trace_hash();
                sim.set_recording(true);
                let mut started = 0u64;
                let mut ended = 0u64;
                while sim.now() < 25 * SECOND {
                    if sim.step().expect("runs").is_none() { break; }
                    prop_assert!(sim.ledger().balances(sim.live_messages()));
                    for e in sim.drain_events() {
                        match e.kind {
                            EventKind::JobRunStarted { .. } => started += 1,
                            EventKind::JobRunEnded { .. } => ended += 1,
                            _ => {}
                        }
                    }
                }
                let running = u64::from(sim.job_running(j));
                prop_assert_eq!(started, ended + running);
                Ok(sim.trace_hash())
            };
            let a = hash(&s)?;
            let b = hash(&s)?;
            prop_assert_eq!(a, b);
        }
    }
}

/// Found in review: runs that raised the duration alert joined the baseline,
/// so a lasting slowdown stopped alerting after two runs. Now every slow run
/// alerts for as long as the slowdown lasts.
#[test]
fn a_lasting_slowdown_keeps_raising_the_duration_alert() {
    let mut s = preset("silent-batch-monitored");
    let j = job_ix(&s);
    let target = s.nodes[j].id.clone();
    s.faults = vec![Fault { target, at_ms: 30_000.0, until_ms: None, effect: FaultEffect::Slow { factor: 3.0 } }];
    let (events, _, _) = run(s, 90);
    let slow_runs =
        events.iter().filter(|e| matches!(e.kind, EventKind::JobRunStarted { .. }) && e.t >= 30 * SECOND).count();
    let growth = alerts(&events).iter().filter(|a| **a == JobAlertKind::DurationGrowth).count();
    assert!(slow_runs > 8, "{slow_runs}");
    // Every slow run that finished alerted (the last may still be going).
    assert!(growth + 1 >= slow_runs, "{growth} alerts for {slow_runs} slow runs");
}

#[test]
fn a_slowdown_that_ends_shortens_the_run_it_stretched() {
    // ×20 from 0 to 6 s: the run started at 5 s would take 12 s at that
    // speed; 1 s of it passes slowed (a twelfth of its work), the rest at
    // full speed (0.55 s), so it exits at 6.55 s. Found in an audit: the
    // run kept its stretched end (17 s) and the runs at 10 and 15 s were
    // skipped as overlapping.
    let mut s = preset("silent-batch");
    let job = s.nodes[job_ix(&s)].id.clone();
    s.faults =
        vec![Fault { target: job, at_ms: 0.0, until_ms: Some(6_000.0), effect: FaultEffect::Slow { factor: 20.0 } }];
    let (events, _, _) = run(s, 30);
    let first_end = events.iter().find_map(|e| matches!(e.kind, EventKind::JobRunEnded { .. }).then_some(e.t));
    assert_eq!(first_end, Some(6_550_000), "{events:?}");
    let starts: Vec<u64> =
        events.iter().filter(|e| matches!(e.kind, EventKind::JobRunStarted { .. })).map(|e| e.t / SECOND).collect();
    assert_eq!(starts, vec![5, 10, 15, 20, 25, 30]);
    assert!(!events.iter().any(|e| matches!(e.kind, EventKind::JobRunSkipped { .. })));
}

/// Kubernetes' third `concurrencyPolicy`, found missing in an audit.
#[test]
fn replace_stops_the_running_run_for_the_new_one() {
    // Fires at 1, 2, … 10 s; a run takes 2.5 s: every run is stopped a
    // second in by the next, so none ever finishes.
    let (events, m, sim) = run(overlapping(OverlapPolicy::Replace), 10);
    assert_eq!((m.runs, m.replaced, m.exit_ok, m.crashed, m.skipped, m.overlapping), (10, 9, 0, 0, 0, 0));
    assert_eq!(sim.job_running(0), 1);
    assert!(alerts(&events).is_empty(), "a stopped run is deleted, not failed: no exit-code alert");
    assert_eq!(sim.ledger().dropped.get("replaced").copied(), Some(9));
    let stopped: Vec<(u64, u64)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::JobRunReplaced { duration, .. } => Some((e.t, duration)),
            _ => None,
        })
        .collect();
    assert_eq!(stopped[0], (2 * SECOND, SECOND));
    assert_eq!(m.history[0].outcome, RunOutcome::Replaced);
}

/// Found in an audit: under a crash the queue policy started every queued
/// run at one instant, each crashing at once. They wait for the job to be back.
#[test]
fn queued_runs_wait_out_a_crash() {
    let mut s = overlapping(OverlapPolicy::Queue);
    // Run 1 (1 s to 3.5 s) dies at 2.2 s; the job is down until 6.3 s.
    s.faults =
        vec![Fault { target: "job".into(), at_ms: 2_200.0, until_ms: Some(6_300.0), effect: FaultEffect::Crash }];
    let (events, m, _) = run(s, 10);
    let starts: Vec<u64> =
        events.iter().filter_map(|e| matches!(e.kind, EventKind::JobRunStarted { .. }).then_some(e.t)).collect();
    // Run 2, due at 2 s, waits through the crash and starts when the job is
    // back; every fire meanwhile joins the queue behind it.
    assert_eq!(starts, vec![SECOND, 6_300_000, 8_800_000]);
    assert_eq!(m.crashed, 1, "only the run the crash hit");
    // Down from the start: the runs due meanwhile wait too, none starts to crash.
    let mut s = overlapping(OverlapPolicy::Queue);
    s.faults = vec![Fault { target: "job".into(), at_ms: 0.0, until_ms: Some(4_500.0), effect: FaultEffect::Crash }];
    let (events, m, _) = run(s, 10);
    let starts: Vec<u64> =
        events.iter().filter_map(|e| matches!(e.kind, EventKind::JobRunStarted { .. }).then_some(e.t)).collect();
    assert_eq!(starts, vec![4_500_000, 7_000_000, 9_500_000]);
    assert_eq!(m.crashed, 0);
}
