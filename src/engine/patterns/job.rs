//! Type 7, batch and scheduled jobs: a job's schedule (a fixed interval or
//! a small cron subset), its processing rate, what it does when a run is
//! still going at the next fire time, and how it is monitored. Defaults
//! follow Kubernetes CronJob where it has one. The cron subset is parsed
//! and evaluated in `job/cron.rs`.

use serde::{Deserialize, Serialize};

use crate::engine::limits::{MAX_BACKOFF_LIMIT, MAX_JOB_RATE_PER_S};
use crate::engine::scenario::NodeKind;
use crate::engine::time::Micros;
use crate::engine::validate::{check_duration, ProblemSink};

mod cron;
pub use self::cron::Cron;

/// Settings of a scheduled batch job. Flat on purpose: each nested struct
/// would cost the wasm its own `Deserialize` visitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// A run every this many ms of simulated time, the first at `every_ms`
    /// (exactly one of `every_ms` and `cron`).
    #[serde(default)]
    pub every_ms: Option<f64>,
    /// Cron subset: "minute hour day-of-month" (see [`Cron`]).
    #[serde(default)]
    pub cron: Option<String>,
    /// Records one run processes per second.
    #[serde(default = "default_rate")]
    pub records_per_s: f64,
    /// Fixed time a run takes before its first record (start-up, ms).
    #[serde(default = "default_startup_ms")]
    pub startup_ms: f64,
    /// What happens when a run is due while the last one still runs.
    #[serde(default)]
    pub overlap: OverlapPolicy,
    /// What the alerts watch: the exit code only, or the output too.
    #[serde(default)]
    pub monitor: MonitorOn,
    /// Output monitoring: share of rows out that may differ from rows in
    /// before an alert, 0 to 1.
    #[serde(default)]
    pub row_tolerance: f64,
    /// Output monitoring, a freshness check on the newest row written (not
    /// a dead man's switch, which a run exiting 0 without rows would
    /// satisfy): alert when no run wrote rows for this long (ms); `null`: no
    /// freshness check.
    #[serde(default)]
    pub freshness_ms: Option<f64>,
    /// Output monitoring: alert when a run takes more than this many times
    /// the mean of the last good runs (≥ 1).
    #[serde(default = "default_growth")]
    pub duration_growth: f64,
    /// Kubernetes Job `backoffLimit`: how many times a run whose pod exits
    /// non-zero is started again in a new pod before the run fails for good
    /// (`BackoffLimitExceeded`). Kubernetes' default is 6; absent here means
    /// 0, which is how every scenario ran before the setting existed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub backoff_limit: u32,
    /// The back-off before a failed run's first new pod (ms); it doubles
    /// after each failure, up to [`BACKOFF_CAP`] times itself. Kubernetes
    /// fixes it at 10 s, capped at 6 minutes (the default here); lessons
    /// scale it down with their periods.
    #[serde(default = "default_backoff_ms", skip_serializing_if = "is_default_backoff")]
    pub backoff_ms: f64,
    /// Kubernetes CronJob `startingDeadlineSeconds`, in ms: under `skip`
    /// (`Forbid`) a fire time missed because a run was still going is not
    /// dropped; once no run is going, the most recent missed one starts
    /// late if that is within this long of its fire time. `null` (the
    /// default, as in Kubernetes): no deadline, so it always starts late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_deadline_ms: Option<f64>,
}

impl Default for JobSpec {
    fn default() -> Self {
        JobSpec {
            every_ms: Some(60_000.0),
            cron: None,
            records_per_s: default_rate(),
            startup_ms: default_startup_ms(),
            overlap: OverlapPolicy::default(),
            monitor: MonitorOn::default(),
            row_tolerance: 0.0,
            freshness_ms: None,
            duration_growth: default_growth(),
            backoff_limit: 0,
            backoff_ms: default_backoff_ms(),
            starting_deadline_ms: None,
        }
    }
}

/// The longest back-off, in multiples of the first: Kubernetes' Job
/// controller waits 10 s, 20 s, 40 s … capped at 6 minutes.
pub const BACKOFF_CAP: u64 = 36;

/// Kubernetes CronJob's `concurrencyPolicy` (Allow, Forbid, Replace), plus a queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverlapPolicy {
    /// Start the new run beside the old one (Kubernetes `Allow`, its default):
    /// both read the same unprocessed records.
    #[default]
    Concurrent,
    /// Skip the new run (Kubernetes `Forbid`); the most recent fire time
    /// missed so starts late once no run is going, within the job's
    /// `starting_deadline_ms` (as Kubernetes' controller does).
    Skip,
    /// Start it as soon as the running one ends (at most
    /// [`crate::engine::limits::MAX_QUEUED_RUNS`] wait; more are skipped).
    /// Not a Kubernetes policy: an orchestrator such as Airflow's
    /// `max_active_runs` of 1 behaves so.
    Queue,
    /// Stop the running run and start the new one (Kubernetes `Replace`):
    /// the stopped run writes nothing and keeps none of its reads, so the
    /// new one reads its records again.
    Replace,
}

/// What the job's alerts watch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitorOn {
    /// Only the exit code: a crash alerts, an exit 0 with bad output does not.
    #[default]
    ExitCode,
    /// The exit code and the output: row counts, freshness, duration trend.
    Output,
}

// Read through one shared reader (engine/unit_enum.rs), not serde's derive: smaller wasm.
crate::engine::unit_enum::unit_enum_words!(OverlapPolicy { Concurrent = "concurrent", Skip = "skip", Queue = "queue", Replace = "replace" });
crate::engine::unit_enum::unit_enum_words!(MonitorOn { ExitCode = "exit_code", Output = "output" });

impl JobSpec {
    /// The first fire time strictly after `t`. Validated schedules only;
    /// an invalid one never fires.
    pub fn next_after(&self, t: Micros) -> Micros {
        if let Some(ms) = self.every_ms {
            let every = crate::engine::time::ms_to_micros(ms).max(1);
            return (t / every + 1).saturating_mul(every);
        }
        match self.cron.as_deref().map(Cron::parse) {
            Some(Ok(c)) => c.next_after(t),
            Some(Err(_)) | None => Micros::MAX,
        }
    }

    /// The back-off before a failed run's next pod, after its `failures`-th
    /// failure (from 1): `backoff_ms` doubled each time, capped at
    /// [`BACKOFF_CAP`] times it, and at least 1 µs.
    pub fn backoff_after(&self, failures: u32) -> Micros {
        let base = crate::engine::time::ms_to_micros(self.backoff_ms).max(1);
        let doubled = base.saturating_mul(1u64 << failures.saturating_sub(1).min(16));
        doubled.min(base.saturating_mul(BACKOFF_CAP))
    }
}

/// Checks a job's settings at `p` (the node's `kind`).
pub(crate) fn check_job(j: &JobSpec, p: &str, v: &mut impl ProblemSink) {
    match (&j.every_ms, &j.cron) {
        (Some(ms), None) => {
            if ms.is_finite() && *ms < 1.0 {
                v.problem(format!("{p}.every_ms"), "must be at least 1 ms");
            } else {
                check_duration(*ms, format!("{p}.every_ms"), false, v);
            }
        }
        (None, Some(c)) => {
            if let Err(reason) = Cron::parse(c) {
                v.problem(format!("{p}.cron"), &reason);
            }
        }
        (Some(_), Some(_)) | (None, None) => v.problem(p.to_string(), "needs exactly one of every_ms and cron"),
    }
    if !(j.records_per_s.is_finite() && j.records_per_s > 0.0 && j.records_per_s <= MAX_JOB_RATE_PER_S) {
        v.problem(format!("{p}.records_per_s"), &format!("must be above 0 and at most {MAX_JOB_RATE_PER_S}"));
    }
    check_duration(j.startup_ms, format!("{p}.startup_ms"), true, v);
    if !(0.0..=1.0).contains(&j.row_tolerance) {
        v.problem(format!("{p}.row_tolerance"), "must be between 0 and 1");
    }
    if let Some(ms) = j.freshness_ms {
        // The switch re-alerts every period while output is stale: a floor
        // keeps that bounded (0.001 ms raised 60 million alerts in review).
        if ms.is_nan() || ms < 100.0 {
            v.problem(format!("{p}.freshness_ms"), "must be at least 100 ms (or null for no freshness check)");
        } else {
            check_duration(ms, format!("{p}.freshness_ms"), false, v);
        }
    }
    if !(j.duration_growth.is_finite() && (1.0..=1000.0).contains(&j.duration_growth)) {
        v.problem(format!("{p}.duration_growth"), "must be between 1 and 1000");
    }
    if j.backoff_limit > MAX_BACKOFF_LIMIT {
        v.problem(
            format!("{p}.backoff_limit"),
            &format!("must be between 0 and {MAX_BACKOFF_LIMIT} retries (Kubernetes' default is 6)"),
        );
    }
    check_duration(j.backoff_ms, format!("{p}.backoff_ms"), false, v);
    if let Some(ms) = j.starting_deadline_ms {
        check_duration(ms, format!("{p}.starting_deadline_ms"), true, v);
    }
}

/// Why a scheduled-read link cannot join these two kinds: (`"from"` or `"to"`, reason).
pub(crate) fn scheduled_read_ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if from.job().is_none() {
        out.push(("from", "a scheduled read starts at a job"));
    }
    if to.log().is_none() {
        out.push(("to", "a scheduled read must end at a log (the job's input)"));
    }
    out
}

fn default_rate() -> f64 {
    1_000.0
}
fn default_startup_ms() -> f64 {
    100.0
}
fn default_growth() -> f64 {
    2.0
}
/// Kubernetes' first pod-failure back-off: 10 s.
fn default_backoff_ms() -> f64 {
    10_000.0
}
fn is_zero(n: &u32) -> bool {
    *n == 0
}
// Left out of the JSON at their defaults, so exported scenarios and share
// links written before the setting existed stay byte for byte the same.
fn is_default_backoff(ms: &f64) -> bool {
    *ms == default_backoff_ms()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::SECOND;

    #[test]
    fn every_ms_fires_on_multiples() {
        let s = JobSpec { every_ms: Some(5_000.0), ..JobSpec::default() };
        assert_eq!(s.next_after(0), 5 * SECOND);
        assert_eq!(s.next_after(5 * SECOND), 10 * SECOND);
        assert_eq!(s.next_after(7 * SECOND), 10 * SECOND);
    }

    #[test]
    fn backoff_doubles_from_ten_seconds_up_to_six_minutes() {
        let s = JobSpec::default();
        let delays: Vec<Micros> = (1..=8).map(|f| s.backoff_after(f) / SECOND).collect();
        assert_eq!(delays, vec![10, 20, 40, 80, 160, 320, 360, 360]);
        assert_eq!(s.backoff_after(u32::MAX), 360 * SECOND);
    }
}
