//! Metrics of type 7, scheduled jobs: runs by outcome, rows in and out,
//! durations, the last success, the output's freshness, accumulated drift,
//! overlap (skipped, queued, concurrent runs), retries and alerts. Each job keeps its
//! last [`MAX_RUN_HISTORY`] runs in a ring for the page's timeline.

use std::collections::VecDeque;

use serde::Serialize;

use super::Metrics;
use crate::engine::event::{EventKind, JobAlertKind};
use crate::engine::histogram::Histogram;
use crate::engine::limits::MAX_RUN_HISTORY;
use crate::engine::time::Micros;

/// How a run ended, as the job's owner would want to know it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Still going.
    #[default]
    Running,
    /// Exit 0 and every row written.
    Ok,
    /// Exit 0 but fewer rows written than read: a silent failure.
    Short,
    /// Non-zero exit: nothing written.
    Crashed,
    /// Stopped for the next run (`replace` policy): nothing written.
    Replaced,
}

/// One run, for the timeline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    /// Run number (from 1).
    pub run: u32,
    /// When it started.
    pub started: Micros,
    /// How long it took (0 while running).
    pub duration: Micros,
    /// Records read.
    pub rows_in: u64,
    /// Rows written.
    pub rows_out: u64,
    /// How it ended.
    pub outcome: RunOutcome,
    /// Monitoring raised an alert about it.
    pub alerted: bool,
    /// New pods it started after a pod exited non-zero (Kubernetes back-off).
    pub retries: u32,
}

/// Per-job counters and gauges.
#[derive(Clone, Debug, Default, Serialize)]
pub struct JobMetrics {
    /// Runs started.
    pub runs: u64,
    /// Runs that exited 0 (including silent failures).
    pub exit_ok: u64,
    /// Runs that exited 0 with fewer rows out than in.
    pub short: u64,
    /// Runs that exited non-zero.
    pub crashed: u64,
    /// Runs not started because another was going (skip policy, or a cap).
    pub skipped: u64,
    /// Runs that waited for the running one (queue policy).
    pub queued: u64,
    /// Runs stopped for the next one (replace policy).
    pub replaced: u64,
    /// New pods started for runs whose pod exited non-zero (`backoff_limit`).
    pub retries: u64,
    /// Runs that failed for good after using every retry
    /// (Kubernetes `BackoffLimitExceeded`; also counted in `crashed`).
    pub backoff_exceeded: u64,
    /// Runs started while another run of the job was going.
    pub overlapping: u64,
    /// Runs going now.
    pub running: u32,
    /// Records read over all runs.
    pub rows_in: u64,
    /// Rows written over all runs.
    pub rows_out: u64,
    /// Wrong rows written, accumulated over every run.
    pub drift: u64,
    /// When the last run that exited 0 ended.
    pub last_success: Option<Micros>,
    /// When the last run that wrote rows ended (the output's freshness).
    pub last_output: Option<Micros>,
    /// Duration of the last run that ended.
    pub last_duration: Micros,
    /// Durations of ended runs.
    pub duration: Histogram,
    /// Alerts by kind (index in [`JobAlertKind::ALL`]).
    #[serde(serialize_with = "by_alert")]
    pub alerts: [u64; JobAlertKind::ALL.len()],
    /// The last runs, oldest first.
    pub history: VecDeque<RunRecord>,
}

impl JobMetrics {
    /// Alerts of every kind.
    pub fn alerts_total(&self) -> u64 {
        self.alerts.iter().sum()
    }

    /// How old the output is at `now`; `None` before any run wrote rows.
    pub fn output_age(&self, now: Micros) -> Option<Micros> {
        self.last_output.map(|t| now.saturating_sub(t))
    }
}

fn by_alert<S: serde::Serializer>(alerts: &[u64; JobAlertKind::ALL.len()], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = serializer.serialize_seq(None)?;
    for (k, c) in JobAlertKind::ALL.iter().zip(alerts).filter(|(_, c)| **c > 0) {
        seq.serialize_element(&(k.name(), c))?;
    }
    seq.end()
}

impl Metrics {
    /// Folds one job event in.
    pub(super) fn observe_job(&mut self, t: Micros, kind: &EventKind) {
        match *kind {
            EventKind::JobRunStarted { node, run, rows_in, alongside, .. } => {
                let j = &mut self.jobs[node as usize];
                j.runs += 1;
                j.running += 1;
                j.overlapping += u64::from(alongside > 0);
                if j.history.len() == MAX_RUN_HISTORY {
                    j.history.pop_front();
                }
                j.history.push_back(RunRecord { run, started: t, rows_in, ..RunRecord::default() });
            }
            EventKind::JobRunEnded { node, run, exit_ok, rows_in, rows_out, duration, drift, .. } => {
                let j = &mut self.jobs[node as usize];
                j.running = j.running.saturating_sub(1);
                j.rows_in += rows_in;
                j.rows_out += rows_out;
                j.drift = drift;
                j.last_duration = duration;
                j.duration.record(duration);
                let outcome = if !exit_ok {
                    j.crashed += 1;
                    RunOutcome::Crashed
                } else if rows_out < rows_in {
                    j.exit_ok += 1;
                    j.short += 1;
                    j.last_success = Some(t);
                    RunOutcome::Short
                } else {
                    j.exit_ok += 1;
                    j.last_success = Some(t);
                    RunOutcome::Ok
                };
                if rows_out > 0 {
                    j.last_output = Some(t);
                }
                if let Some(r) = j.history.iter_mut().rev().find(|r| r.run == run) {
                    r.duration = duration;
                    r.rows_out = rows_out;
                    r.outcome = outcome;
                }
            }
            EventKind::JobRunSkipped { node, .. } => self.jobs[node as usize].skipped += 1,
            EventKind::JobRunQueued { node, .. } => self.jobs[node as usize].queued += 1,
            EventKind::JobRunReplaced { node, run, duration, .. } => {
                let j = &mut self.jobs[node as usize];
                j.running = j.running.saturating_sub(1);
                j.replaced += 1;
                if let Some(r) = j.history.iter_mut().rev().find(|r| r.run == run) {
                    r.duration = duration;
                    r.outcome = RunOutcome::Replaced;
                }
            }
            EventKind::JobRunRetried { node, run, rows_in, .. } => {
                let j = &mut self.jobs[node as usize];
                j.retries += 1;
                if let Some(r) = j.history.iter_mut().rev().find(|r| r.run == run) {
                    r.retries += 1;
                    r.rows_in = rows_in;
                }
            }
            EventKind::JobRunGaveUp { node, .. } => self.jobs[node as usize].backoff_exceeded += 1,
            EventKind::JobAlert { node, run, alert } => {
                let j = &mut self.jobs[node as usize];
                let i = JobAlertKind::ALL.iter().position(|k| *k == alert).unwrap_or(0);
                j.alerts[i] += 1;
                if let Some(r) = j.history.iter_mut().rev().find(|r| r.run == run) {
                    r.alerted = true;
                }
            }
            _ => {}
        }
    }
}
