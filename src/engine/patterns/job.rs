//! Type 7, batch and scheduled jobs: a job's schedule (a fixed interval or
//! a small cron subset), its processing rate, what it does when a run is
//! still going at the next fire time, and how it is monitored. Defaults
//! follow Kubernetes CronJob where it has one. The cron subset is parsed
//! and evaluated here (pure, unit-tested).

use serde::{Deserialize, Serialize};

use crate::engine::limits::{MAX_BACKOFF_LIMIT, MAX_CRON_CHARS, MAX_JOB_RATE_PER_S};
use crate::engine::scenario::NodeKind;
use crate::engine::time::{Micros, SECOND};
use crate::engine::validate::{check_duration, ProblemSink};

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

/// Minutes in the simulated month: 31 days of 24 hours, starting at 00:00
/// on day 1 at t = 0. Twelve such months make a simulated year.
#[cfg(test)]
const MONTH_MINUTES: u64 = 31 * 24 * 60;
const DAY_MINUTES: u64 = 24 * 60;
/// Days looked at for the next fire: a simulated year and a week, within
/// which every valid combination of month, day of month and weekday comes.
const SCAN_DAYS: u64 = 12 * 31 + 7;
const MINUTE: Micros = 60 * SECOND;

/// The cron subset, on simulated time: either three fields, minute (0–59),
/// hour (0–23) and day of month (1–31), or cron's five, adding month (1–12)
/// and day of week (0–7, 0 and 7 Sunday). Each field is `*`, `n`, `a-b`,
/// `*/s`, `a-b/s` or a comma list of those. Simulated months have 31 days
/// and t = 0 is 00:00 on Monday, day 1 of month 1. As in Kubernetes'
/// CronJob (robfig/cron), when both day of month and day of week are
/// restricted, either one matching is enough; a day field of `*` or `*/1`
/// (alone or in a list) is unrestricted, `*/2` is restricted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    /// Day of month and day of week both restricted: either one matches.
    either_day: bool,
}

impl Cron {
    /// Parses "minute hour day" or "minute hour day month weekday"; the
    /// error says which field and why.
    pub fn parse(text: &str) -> Result<Cron, String> {
        if text.len() > MAX_CRON_CHARS {
            return Err(format!("at most {MAX_CRON_CHARS} characters"));
        }
        let fields: Vec<&str> = text.split_whitespace().collect();
        let (months, weekdays, either_day) = match fields.len() {
            3 => (field("*", 1, 12, "month")?, 0x7f, false),
            5 => {
                let weekdays = field(fields[4], 0, 7, "day-of-week")?;
                // 7 is another name for Sunday.
                let weekdays = (weekdays | (weekdays >> 7 & 1)) & 0x7f;
                (field(fields[3], 1, 12, "month")?, weekdays, !unrestricted(fields[2]) && !unrestricted(fields[4]))
            }
            n => {
                return Err(format!(
                    "needs 3 fields (minute hour day-of-month) or 5 (and month day-of-week), found {n}"
                ))
            }
        };
        Ok(Cron {
            minutes: field(fields[0], 0, 59, "minute")?,
            hours: field(fields[1], 0, 23, "hour")?,
            days: field(fields[2], 1, 31, "day-of-month")?,
            months,
            weekdays,
            either_day,
        })
    }

    /// Whether the schedule runs at all on simulated day `d` (0 is t = 0's day).
    fn runs_on(&self, d: u64) -> bool {
        let (dom, month, weekday) = (d % 31 + 1, d / 31 % 12 + 1, (d + 1) % 7);
        let by_dom = self.days >> dom & 1 == 1;
        let by_weekday = self.weekdays >> weekday & 1 == 1;
        let by_day = if self.either_day { by_dom || by_weekday } else { by_dom && by_weekday };
        self.months >> month & 1 == 1 && by_day
    }

    /// The first fire time strictly after `t` (whole minutes of simulated time).
    pub fn next_after(&self, t: Micros) -> Micros {
        let start = t / MINUTE + 1;
        let first_day = start / DAY_MINUTES;
        for d in first_day..first_day + SCAN_DAYS {
            if !self.runs_on(d) {
                continue;
            }
            let from = if d == first_day { start % DAY_MINUTES } else { 0 };
            for m in from..DAY_MINUTES {
                if self.hours >> (m / 60) & 1 == 1 && self.minutes >> (m % 60) & 1 == 1 {
                    return (d * DAY_MINUTES + m).saturating_mul(MINUTE);
                }
            }
        }
        Micros::MAX
    }
}

/// One cron field as a bit set of its values.
/// Whether a day field leaves the day unrestricted for the either-day rule:
/// `*` or `*/1`, alone or in a comma list (robfig/cron's star bit, which
/// Kubernetes' CronJob uses; a step above 1 restricts).
fn unrestricted(text: &str) -> bool {
    text.split(',').any(|part| match part.split_once('/') {
        None => part == "*",
        Some((range, step)) => range == "*" && step.parse::<u64>() == Ok(1),
    })
}

fn field(text: &str, lo: u64, hi: u64, name: &str) -> Result<u64, String> {
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, number(s, name)?),
            None => (part, 1),
        };
        if step == 0 || step > hi {
            return Err(format!("{name}: step '{step}' must be between 1 and {hi}"));
        }
        let (a, b) = match (range, range.split_once('-')) {
            ("*", _) => (lo, hi),
            (_, Some((a, b))) => (number(a, name)?, number(b, name)?),
            (n, None) => {
                let n = number(n, name)?;
                (n, if part.contains('/') { hi } else { n })
            }
        };
        if a < lo || b > hi || a > b {
            return Err(format!("{name}: '{part}' must lie within {lo}-{hi}, low to high"));
        }
        let mut v = a;
        while v <= b {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(bits)
}

fn number(s: &str, name: &str) -> Result<u64, String> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("{name}: '{s}' is not a number from 0 to 99"));
    }
    s.parse().map_err(|_| format!("{name}: '{s}' is not a number"))
}

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

    #[test]
    fn cron_fields_parse_and_fire_on_simulated_time() {
        let c = Cron::parse("*/15 * *").unwrap();
        assert_eq!(c.next_after(0), 15 * MINUTE);
        assert_eq!(c.next_after(15 * MINUTE), 30 * MINUTE);
        let nightly = Cron::parse("30 2 *").unwrap();
        assert_eq!(nightly.next_after(0), (2 * 60 + 30) * MINUTE);
        assert_eq!(nightly.next_after((2 * 60 + 30) * MINUTE), (24 * 60 + 2 * 60 + 30) * MINUTE);
        let monthly = Cron::parse("0 0 1").unwrap();
        // Day 1 at 00:00 is t = 0 itself, so the next is a month later.
        assert_eq!(monthly.next_after(0), MONTH_MINUTES * MINUTE);
        let list = Cron::parse("5,10-12 1 2-3/1").unwrap();
        assert_eq!(list.next_after(0), (1440 + 60 + 5) * MINUTE);
        assert_eq!(list.next_after((1440 + 60 + 5) * MINUTE), (1440 + 60 + 10) * MINUTE);
        assert_eq!(Cron::parse("7/20 * *").unwrap().next_after(0), 7 * MINUTE);
    }

    #[test]
    fn five_fields_add_month_and_weekday() {
        const DAY: Micros = DAY_MINUTES * MINUTE;
        // The three-field form is the five-field one with * for both.
        assert_eq!(Cron::parse("30 2 * * *").unwrap(), Cron::parse("30 2 *").unwrap());
        // t = 0 is a Monday: Wednesday 03:00 is day 2.
        let wednesday = Cron::parse("0 3 * * 3").unwrap();
        assert_eq!(wednesday.next_after(0), 2 * DAY + 3 * 60 * MINUTE);
        assert_eq!(wednesday.next_after(2 * DAY + 3 * 60 * MINUTE), 9 * DAY + 3 * 60 * MINUTE);
        // Sunday is 0 and 7 alike: day 6.
        assert_eq!(Cron::parse("0 0 * * 7").unwrap().next_after(0), 6 * DAY);
        assert_eq!(Cron::parse("0 0 * * 0").unwrap().next_after(0), 6 * DAY);
        // Month 2 starts on day 31.
        assert_eq!(Cron::parse("0 0 1 2 *").unwrap().next_after(0), 31 * DAY);
        // `*/1` leaves the day of month unrestricted: Mondays only (robfig,
        // Vixie); `*/2` restricts it, so either matches (robfig).
        let mondays = Cron::parse("0 0 */1 * 1").unwrap();
        assert_eq!((mondays.next_after(0), mondays.next_after(DAY)), (7 * DAY, 7 * DAY));
        let odd_or_monday = Cron::parse("0 0 */2 * 1").unwrap();
        assert_eq!((odd_or_monday.next_after(0), odd_or_monday.next_after(2 * DAY)), (2 * DAY, 4 * DAY));
        assert!(unrestricted("*") && unrestricted("*/1") && unrestricted("5,*") && !unrestricted("*/2"));
        // Both day fields restricted: either matches (day 5 of the month, or a Sunday).
        let either = Cron::parse("0 0 5 * 0").unwrap();
        assert_eq!(either.next_after(0), 4 * DAY);
        assert_eq!(either.next_after(4 * DAY), 6 * DAY);
        // A yearly schedule is found (month 12, day 31), after the first year's first instant.
        let yearly = Cron::parse("59 23 31 12 *").unwrap();
        assert_eq!(yearly.next_after(0), (12 * 31 - 1) * DAY + (23 * 60 + 59) * MINUTE);
    }

    #[test]
    fn hostile_cron_strings_are_refused_with_a_reason() {
        for (text, why) in [
            ("", "needs 3 fields"),
            ("* * * *", "needs 3 fields"),
            ("* * * * * *", "needs 3 fields"),
            ("* * * 13 *", "month"),
            ("* * * * 8", "day-of-week"),
            ("60 * *", "minute"),
            ("* 24 *", "hour"),
            ("* * 0", "day-of-month"),
            ("*/0 * *", "step"),
            ("5-1 * *", "low to high"),
            ("a * *", "not a number"),
            ("-1 * *", "not a number"),
            ("99999999999999999999 * *", "not a number"),
            ("1,,2 * *", "not a number"),
            ("*/ * *", "not a number"),
        ] {
            let err = Cron::parse(text).expect_err(text);
            assert!(err.contains(why), "{text}: {err}");
        }
        assert!(Cron::parse(&"1,".repeat(200)).is_err());
    }

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
