//! The words of type 7, scheduled jobs: the schedule, the runs, the last
//! success and the output's freshness, for accessible names and the page.

use super::job_view::JobFrame;
use crate::engine::metrics::RunOutcome;
use crate::engine::scenario::{JobSpec, MonitorOn, OverlapPolicy};
use crate::engine::time::{micros_to_ms, Micros};

/// ": runs every 5 s, a run missed while one is going starts late, exit code monitored
/// only" (with ", retries a failed run up to 6 times after 10 s and
/// doubling" before the monitoring when the job retries).
pub fn schedule_words(j: &JobSpec) -> String {
    let when = match (&j.every_ms, &j.cron) {
        (Some(ms), _) => format!("runs every {}", seconds(*ms)),
        (None, Some(c)) => format!("runs on cron \"{c}\""),
        (None, None) => "never runs".to_string(),
    };
    let overlap = match (j.overlap, j.starting_deadline_ms) {
        (OverlapPolicy::Concurrent, _) => "overlapping runs allowed".to_string(),
        (OverlapPolicy::Skip, None) => "a run missed while one is going starts late".to_string(),
        (OverlapPolicy::Skip, Some(d)) => {
            format!("a run missed while one is going starts late, if within {}", seconds(d))
        }
        (OverlapPolicy::Queue, _) => "queues a run while one is going".to_string(),
        (OverlapPolicy::Replace, _) => "a new run replaces the one going".to_string(),
    };
    let watch = match j.monitor {
        MonitorOn::ExitCode => "exit code monitored only",
        MonitorOn::Output => "output monitored",
    };
    // Said only when it retries, so the words of jobs without retries stay as they were.
    let retries = match j.backoff_limit {
        0 => String::new(),
        n => format!(", retries a failed run up to {n} times after {} and doubling", seconds(j.backoff_ms)),
    };
    format!(": {when}, {overlap}{retries}, {watch}")
}

fn seconds(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{} s", (ms / 100.0).round() / 10.0)
    } else {
        format!("{ms} ms")
    }
}

fn ago(now: Micros, t: Micros) -> String {
    format!("{:.1} s", micros_to_ms(now.saturating_sub(t)) / 1_000.0)
}

/// The job's state in words: "4 runs, 1 going; last success 2.1 s ago;
/// output 2.1 s old; run 3 wrote 100 of 200 rows; no alerts".
pub fn job_state_words(j: &JobFrame, now: Micros) -> String {
    let mut out = format!("{} runs", j.runs);
    if j.running > 0 {
        out.push_str(&format!(", {} going", j.running));
    }
    if j.queued > 0 {
        out.push_str(&format!(", {} waiting", j.queued));
    }
    match j.last_success {
        Some(t) => out.push_str(&format!("; last success {} ago", ago(now, t))),
        None => out.push_str("; no success yet"),
    }
    match j.last_output {
        Some(t) => out.push_str(&format!("; output {} old", ago(now, t))),
        None => out.push_str("; no output yet"),
    }
    if let Some(r) = j.recent.iter().rev().find(|r| r.outcome != RunOutcome::Running) {
        match r.outcome {
            RunOutcome::Crashed => out.push_str(&format!("; run {} crashed", r.run)),
            RunOutcome::Replaced => out.push_str(&format!("; run {} was stopped for the next", r.run)),
            RunOutcome::Ok | RunOutcome::Short | RunOutcome::Running => {
                out.push_str(&format!("; run {} exited 0 and wrote {} of {} rows", r.run, r.rows_out, r.rows_in))
            }
        }
    }
    if j.drift > 0 {
        out.push_str(&format!("; {} wrong rows so far", j.drift));
    }
    if j.skipped > 0 {
        out.push_str(&format!("; {} fire times missed", j.skipped));
    }
    out.push_str(&match j.alerts {
        0 => "; no alerts".to_string(),
        1 => "; 1 alert".to_string(),
        n => format!("; {n} alerts"),
    });
    out
}

/// The short line under the timeline: "ok 2.1 s ago · no alerts", or
/// "3 alerts · ok 2.1 s ago".
pub fn job_label(j: &JobFrame, now: Micros) -> String {
    let ok = j.last_success.map_or("no success yet".to_string(), |t| format!("ok {} ago", ago(now, t)));
    // Alerts first when there are some: a narrow node keeps the first part.
    match j.alerts {
        0 => format!("{ok} · no alerts"),
        1 => format!("1 alert · {ok}"),
        n => format!("{n} alerts · {ok}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{presets, Simulation, SECOND};

    #[test]
    fn the_silent_batch_in_words() {
        let s = presets::load("silent-batch").expect("preset");
        let j = s.nodes.iter().position(|n| n.kind.job().is_some()).expect("job");
        assert_eq!(
            schedule_words(s.nodes[j].kind.job().expect("job")),
            ": runs every 5 s, a run missed while one is going starts late, exit code monitored only"
        );
        let retrying = JobSpec { backoff_limit: 6, ..s.nodes[j].kind.job().expect("job").clone() };
        assert_eq!(
            schedule_words(&retrying),
            ": runs every 5 s, a run missed while one is going starts late, retries a failed run up to 6 times after 10 s and \
             doubling, exit code monitored only"
        );
        let mut sim = Simulation::new(s).expect("valid");
        sim.run_until(17 * SECOND).expect("runs");
        let f = JobFrame::of(&sim.metrics().jobs[j], sim.job_queued(j));
        assert_eq!(
            job_state_words(&f, sim.now()),
            "3 runs; last success 1.4 s ago; output 1.4 s old; run 3 exited 0 and wrote 100 of 200 rows; no alerts"
        );
        assert_eq!(job_label(&f, sim.now()), "ok 1.4 s ago · no alerts");
    }
}
