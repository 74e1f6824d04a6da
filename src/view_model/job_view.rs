//! A job as the page shows it: a per-frame snapshot of its runs and the
//! layout of its small timeline (one bar per recent run: its height is the
//! share of rows written, its colour the outcome, a dot above it an alert).

use crate::engine::metrics::{JobMetrics, RunOutcome, RunRecord};
use crate::engine::time::Micros;

/// Runs drawn on a job's timeline, newest on the right.
pub const TIMELINE_RUNS: usize = 12;

/// What a job shows for one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobFrame {
    /// Runs started.
    pub runs: u64,
    /// Runs going now.
    pub running: u32,
    /// Runs waiting (queue policy).
    pub queued: u32,
    /// Runs skipped.
    pub skipped: u64,
    /// Alerts raised.
    pub alerts: u64,
    /// Wrong rows written so far.
    pub drift: u64,
    /// When the last run that exited 0 ended.
    pub last_success: Option<Micros>,
    /// When the last run that wrote rows ended.
    pub last_output: Option<Micros>,
    /// The last runs, oldest first (at most [`TIMELINE_RUNS`]).
    pub recent: Vec<RunRecord>,
}

impl JobFrame {
    /// The snapshot of a job's metrics.
    pub fn of(m: &JobMetrics, queued: u32) -> JobFrame {
        let skip = m.history.len().saturating_sub(TIMELINE_RUNS);
        JobFrame {
            runs: m.runs,
            running: m.running,
            queued,
            skipped: m.skipped,
            alerts: m.alerts_total(),
            drift: m.drift,
            last_success: m.last_success,
            last_output: m.last_output,
            recent: m.history.iter().skip(skip).copied().collect(),
        }
    }
}

/// One bar of the timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunBar {
    /// Place from the left, 0 to [`TIMELINE_RUNS`] − 1.
    pub slot: usize,
    /// Share of its rows written, 0 to 1 (1 while running or with nothing to read; 0 for a crash).
    pub written: f64,
    /// CSS modifier: `ok`, `short`, `crashed` or `running`.
    pub css: &'static str,
    /// Monitoring alerted about it.
    pub alerted: bool,
}

/// The timeline's bars, right-aligned so the newest run is always last.
pub fn run_bars(recent: &[RunRecord]) -> Vec<RunBar> {
    let first = TIMELINE_RUNS.saturating_sub(recent.len());
    recent
        .iter()
        .take(TIMELINE_RUNS)
        .enumerate()
        .map(|(i, r)| {
            let (written, css) = match r.outcome {
                RunOutcome::Running => (1.0, "running"),
                RunOutcome::Crashed => (0.0, "crashed"),
                RunOutcome::Replaced => (0.0, "replaced"),
                RunOutcome::Ok => (1.0, "ok"),
                RunOutcome::Short if r.rows_in == 0 => (0.0, "short"),
                RunOutcome::Short => (r.rows_out as f64 / r.rows_in as f64, "short"),
            };
            RunBar { slot: first + i, written, css, alerted: r.alerted }
        })
        .collect()
}

/// The timeline as SVG path data, one path per look, so the page draws a
/// fixed handful of elements whatever the runs: `[slots, ok, short,
/// running, crashed (crosses), alerts (dots)]`. Bars are `slot` units wide
/// (1 unit of gap) and `height` tall, from (`left`, `top`).
pub fn timeline_paths(bars: &[RunBar], left: f64, top: f64, slot: f64, height: f64) -> [String; 6] {
    let mut out: [String; 6] = Default::default();
    let w = slot - 2.0;
    // Every slot's track, so an empty timeline reads as one.
    out[0] =
        format!("M{left} {top}h{}v{height}h-{}z", slot * TIMELINE_RUNS as f64 - 2.0, slot * TIMELINE_RUNS as f64 - 2.0);
    for b in bars {
        let x = left + b.slot as f64 * slot;
        let filled = height * b.written;
        let i = match b.css {
            "ok" => 1,
            "short" => 2,
            "running" => 3,
            _ => 4,
        };
        if i == 4 {
            out[4].push_str(&format!("M{x} {top}l{w} {height}"));
        } else if filled > 0.0 {
            out[i].push_str(&format!("M{x} {}h{w}v{filled}h-{w}z", top + height - filled));
        }
        if b.alerted {
            out[5].push_str(&format!("M{} {}h4v4h-4z", x + w / 2.0 - 2.0, top - 7.0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_right_aligned_with_the_share_written() {
        let run = |run, outcome, rows_in, rows_out, alerted| RunRecord {
            run,
            outcome,
            rows_in,
            rows_out,
            alerted,
            ..RunRecord::default()
        };
        let bars = run_bars(&[
            run(1, RunOutcome::Ok, 200, 200, false),
            run(2, RunOutcome::Short, 200, 100, true),
            run(3, RunOutcome::Crashed, 150, 0, true),
            run(4, RunOutcome::Running, 90, 0, false),
        ]);
        assert_eq!(bars.iter().map(|b| b.slot).collect::<Vec<_>>(), vec![8, 9, 10, 11]);
        assert_eq!(bars[1], RunBar { slot: 9, written: 0.5, css: "short", alerted: true });
        assert_eq!((bars[2].written, bars[2].css), (0.0, "crashed"));
        assert_eq!(bars[3].css, "running");
        let [slots, ok, short, running, crossed, alerts] = timeline_paths(&bars, -60.0, 0.0, 10.0, 10.0);
        assert_eq!(slots, "M-60 0h118v10h-118z");
        assert_eq!(ok, "M20 0h8v10h-8z");
        assert_eq!(short, "M30 5h8v5h-8z", "half of its rows: half a bar");
        assert_eq!(running, "M50 0h8v10h-8z");
        assert_eq!(crossed, "M40 0l8 10");
        assert_eq!(alerts, "M32 -7h4v4h-4zM42 -7h4v4h-4z");
    }
}
