//! The words of type 7, scheduled jobs: the schedule, the runs, the last
//! success and the output's freshness, for accessible names and the page.

use crate::engine::metrics::{JobMetrics, RunOutcome};
use crate::engine::scenario::{JobSpec, MonitorOn, OverlapPolicy};
use crate::engine::time::{micros_to_ms, Micros};

/// "every 5 s" or "cron 30 2 *", with the overlap policy and what is monitored.
pub fn schedule_words(j: &JobSpec) -> String {
    let when = match (&j.schedule.every_ms, &j.schedule.cron) {
        (Some(ms), _) => format!("runs every {}", seconds(*ms)),
        (None, Some(c)) => format!("runs on cron \"{c}\""),
        (None, None) => "never runs".to_string(),
    };
    let overlap = match j.overlap {
        OverlapPolicy::Concurrent => "overlapping runs allowed",
        OverlapPolicy::Skip => "skips a run while one is going",
        OverlapPolicy::Queue => "queues a run while one is going",
    };
    let watch = match j.monitoring.on {
        MonitorOn::ExitCode => "exit code monitored only",
        MonitorOn::Output => "output monitored",
    };
    format!(": {when}, {overlap}, {watch}")
}

fn seconds(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{} s", (ms / 100.0).round() / 10.0)
    } else {
        format!("{ms} ms")
    }
}

/// The job's state in words: "12 runs, 1 going; last success 2.1 s ago;
/// output 2.1 s old; last run wrote 50 of 100 rows; 3 alerts".
pub fn job_state_words(m: &JobMetrics, now: Micros) -> String {
    let mut out = format!("{} runs", m.runs);
    if m.running > 0 {
        out.push_str(&format!(", {} going", m.running));
    }
    match m.last_success {
        Some(t) => out.push_str(&format!("; last success {} ago", ago(now, t))),
        None => out.push_str("; no success yet"),
    }
    match m.output_age(now) {
        Some(age) => out.push_str(&format!("; output {:.1} s old", micros_to_ms(age) / 1_000.0)),
        None => out.push_str("; no output yet"),
    }
    if let Some(r) = m.history.iter().rev().find(|r| r.outcome != RunOutcome::Running) {
        match r.outcome {
            RunOutcome::Crashed => out.push_str(&format!("; run {} crashed", r.run)),
            RunOutcome::Ok | RunOutcome::Short | RunOutcome::Running => {
                out.push_str(&format!("; run {} wrote {} of {} rows", r.run, r.rows_out, r.rows_in))
            }
        }
    }
    if m.drift > 0 {
        out.push_str(&format!("; {} wrong rows so far", m.drift));
    }
    if m.skipped > 0 {
        out.push_str(&format!("; {} skipped", m.skipped));
    }
    let alerts = m.alerts_total();
    out.push_str(&match alerts {
        0 => "; no alerts".to_string(),
        1 => "; 1 alert".to_string(),
        n => format!("; {n} alerts"),
    });
    out
}

fn ago(now: Micros, t: Micros) -> String {
    format!("{:.1} s", micros_to_ms(now.saturating_sub(t)) / 1_000.0)
}
