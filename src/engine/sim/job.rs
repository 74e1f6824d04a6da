//! Type 7, scheduled batch jobs: a scheduler fires runs on the job's
//! schedule; each run reads the records its inputs (logs) got since the
//! job's last successful run, works through them at its rate and writes
//! its report. A run is one ledger message: created when it starts,
//! processed when it exits 0 (even with bad output: that is what the exit
//! code says) and failed (`crashed`) when it exits non-zero.
//!
//! Faults act on the job: `crash` kills the running runs (and every run
//! started while it lasts exits non-zero at once), `slow` stretches runs so
//! they overlap the next fire time (then the overlap policy decides),
//! `silent_failure` writes only a share of the rows, `wrong_output` adds
//! drift run after run, `missing_input` makes the inputs read as empty.
//! Monitoring by exit code alerts only on crashes; output monitoring also
//! checks rows in against rows out, freshness (of the newest row written) and
//! the duration trend. A run whose pod exits non-zero is retried within the
//! job's `backoff_limit` (`job/backoff.rs`).

mod backoff;

use std::collections::VecDeque;

use super::state::*;
use super::Simulation;
use crate::engine::event::{EventKind, Fate, JobAlertKind, MsgId, Reason};
use crate::engine::limits::{MAX_CONCURRENT_RUNS, MAX_QUEUED_RUNS};
use crate::engine::scenario::{FaultEffect, JobSpec, MonitorOn, OverlapPolicy};
use crate::engine::time::{ms_to_micros, round_to_micros, Micros, SECOND};

/// Good runs whose mean duration is the baseline of the growth alert.
const TREND_RUNS: usize = 5;
/// The growth alert needs at least this many good runs first.
const TREND_MIN: usize = 3;

/// A run going now.
pub(super) struct Run {
    run: u32,
    msg: MsgId,
    started: Micros,
    rows_in: u64,
    /// Per input link, per partition: the end offsets this run read up to.
    read_to: Vec<Vec<u64>>,
    /// When it exits (the one `JobRunEnd` timer that counts), and the
    /// slow-down it runs at now: a slow-down that begins or ends while it
    /// runs stretches or shrinks what is left of it.
    due: Micros,
    factor: f64,
    /// Pods of this run that exited non-zero so far (Kubernetes' Job
    /// back-off; see `job/backoff.rs`).
    failures: u32,
    /// Waiting out its back-off: no pod runs, `due` is when the next starts.
    backoff: bool,
}

/// A job's scheduler and runs (empty for other kinds).
#[derive(Default)]
pub(super) struct JobState {
    running: Vec<Run>,
    /// When each waiting run was due (queue policy).
    queued: VecDeque<Micros>,
    runs: u32,
    /// Per input link, per partition: where the last successful run read up to.
    positions: Vec<Vec<u64>>,
    /// Durations of the last good runs (the growth alert's baseline).
    recent: VecDeque<Micros>,
    /// Bumped each time the freshness check is armed: only the latest check counts.
    fresh_epoch: u32,
    drift: u64,
}

impl Simulation {
    /// Arms every job's first run and its freshness check.
    pub(super) fn schedule_jobs(&mut self) {
        for node in 0..self.scenario.nodes.len() {
            let Some(spec) = self.scenario.nodes[node].kind.job() else { continue };
            let first = spec.next_after(0);
            let fresh = spec.freshness_ms.map(ms_to_micros);
            let node = node as u32;
            if first != Micros::MAX {
                self.schedule(first, Action::JobFire { node });
            }
            if let Some(f) = fresh {
                self.schedule(f, Action::JobFreshness { node, epoch: 0 });
            }
        }
    }

    fn job_spec(&self, node: u32) -> Option<JobSpec> {
        self.scenario.nodes.get(node as usize).and_then(|n| n.kind.job()).cloned()
    }

    /// The schedule fires: start a run, or let the overlap policy decide.
    pub(super) fn job_fire(&mut self, node: u32) {
        let Some(spec) = self.job_spec(node) else { return };
        let next = spec.next_after(self.now);
        if next != Micros::MAX {
            self.schedule(next, Action::JobFire { node });
        }
        let j = &mut self.jobs[node as usize];
        let running = j.running.len() as u32;
        // Runs already waiting go first; under the queue policy a run due
        // while the job is down waits for it too (it would start and exit
        // non-zero at once under the others, as every run started then does).
        let down_queueing = spec.overlap == OverlapPolicy::Queue && self.job_faults(node).crashed;
        let j = &mut self.jobs[node as usize];
        if running == 0 && spec.overlap == OverlapPolicy::Skip {
            // A fire time missed earlier is superseded by this one.
            j.queued.clear();
        }
        if running == 0 && j.queued.is_empty() && !down_queueing {
            self.start_run(node, 0);
            return;
        }
        match spec.overlap {
            OverlapPolicy::Concurrent if j.running.len() < MAX_CONCURRENT_RUNS => self.start_run(node, 0),
            OverlapPolicy::Queue if (j.queued.len() as u32) < MAX_QUEUED_RUNS => {
                j.queued.push_back(self.now);
                let queued = j.queued.len() as u32;
                self.emit(EventKind::JobRunQueued { node, queued });
                self.start_queued(node);
            }
            OverlapPolicy::Replace => {
                self.replace_runs(node);
                self.start_run(node, 0);
            }
            // Kubernetes' Forbid: the fire time counts as missed, and the
            // controller starts a run for the most recent missed one once
            // none is going, unless its starting deadline has passed by then.
            OverlapPolicy::Skip => {
                j.queued.clear();
                j.queued.push_back(self.now);
                self.emit(EventKind::JobRunSkipped { node, running });
            }
            OverlapPolicy::Concurrent | OverlapPolicy::Queue => self.emit(EventKind::JobRunSkipped { node, running }),
        }
    }

    /// The active faults' effects on a job.
    fn job_faults(&self, node: u32) -> JobFaults {
        let mut f = JobFaults { slow: 1.0, crashed: false, missing: false, written: 1.0, drift: 0.0 };
        for &i in &self.faults_on_node[node as usize] {
            let s = &self.faults[i as usize];
            if !s.active {
                continue;
            }
            match s.fault.effect {
                FaultEffect::Slow { factor } => f.slow *= factor,
                FaultEffect::Crash => f.crashed = true,
                FaultEffect::MissingInput => f.missing = true,
                FaultEffect::SilentFailure { share_written } => f.written = f.written.min(share_written),
                FaultEffect::WrongOutput { drift_per_run } => f.drift = f.drift.max(drift_per_run),
                _ => {}
            }
        }
        f
    }

    fn start_run(&mut self, node: u32, waited: Micros) {
        let Some(spec) = self.job_spec(node) else { return };
        let faults = self.job_faults(node);
        let (read_to, rows_in) = self.read_inputs(node, faults.missing);
        let j = &mut self.jobs[node as usize];
        j.runs += 1;
        let run = j.runs;
        let alongside = j.running.len() as u32;
        let msg = self.new_msg_id();
        self.msgs.insert(msg, Msg::new(0));
        self.emit(EventKind::JobRunStarted { node, run, msg, rows_in, alongside, waited });
        let due = self.now.saturating_add(pod_time(&spec, rows_in, faults.slow));
        let factor = faults.slow;
        let r = Run { run, msg, started: self.now, rows_in, read_to, due, factor, failures: 0, backoff: false };
        self.jobs[node as usize].running.push(r);
        if faults.crashed {
            // The job cannot run while it is down: its pod exits non-zero
            // at once (and the run backs off if it has retries left).
            self.crash_run(node, run);
            return;
        }
        self.schedule(due, Action::JobRunEnd { node, run });
    }

    /// What a run (or a new pod of it) reads now: per input link, per
    /// partition, the end offset, and the records since the last success.
    fn read_inputs(&mut self, node: u32, missing: bool) -> (Vec<Vec<u64>>, u64) {
        let inputs = self.topo.job_inputs[node as usize].clone();
        let mut read_to = Vec::with_capacity(inputs.len());
        let mut rows_in = 0u64;
        for (k, &link) in inputs.iter().enumerate() {
            let log = self.topo.link_to[link as usize];
            let parts = self.logs[log as usize].parts.len() as u32;
            let mut ends = Vec::with_capacity(parts as usize);
            for p in 0..parts {
                self.expire(log, p);
                let part = &self.logs[log as usize].parts[p as usize];
                let from = self.jobs[node as usize].positions.get(k).and_then(|v| v.get(p as usize)).copied();
                let from = from.unwrap_or(0).max(part.start);
                // A missing input reads as empty: nothing read, nothing moved.
                let end = if missing { from } else { part.end() };
                rows_in += end.saturating_sub(from);
                ends.push(end);
            }
            read_to.push(ends);
        }
        (read_to, rows_in)
    }

    /// A slow-down on a job began or ended: its running runs do what is
    /// left of their work at the new speed, as a service's requests do
    /// (found in an audit: a run started under ×20 kept its stretched end
    /// long after the slow-down was over).
    pub(super) fn job_speed_changed(&mut self, node: u32) {
        if self.jobs.get(node as usize).is_none_or(|j| j.running.is_empty()) {
            return;
        }
        let factor = self.job_faults(node).slow;
        let now = self.now;
        let mut moved = Vec::new();
        for r in &mut self.jobs[node as usize].running {
            // A back-off is the controller's wall-clock wait, not work.
            if r.backoff || r.factor == factor || r.due <= now {
                continue;
            }
            let left = (r.due - now) as f64 / r.factor * factor;
            r.due = now.saturating_add(round_to_micros(left).max(1));
            r.factor = factor;
            moved.push((r.run, r.due));
        }
        for (run, due) in moved {
            self.schedule(due, Action::JobRunEnd { node, run });
        }
    }

    fn take_run(&mut self, node: u32, run: u32) -> Option<Run> {
        let j = &mut self.jobs[node as usize];
        let i = j.running.iter().position(|r| r.run == run)?;
        Some(j.running.remove(i))
    }

    /// A run's pod exits non-zero: nothing written, its reads not kept. A
    /// run with retries left backs off and starts again in a new pod;
    /// otherwise it ends failed.
    fn crash_run(&mut self, node: u32, run: u32) {
        if self.back_off(node, run) {
            return;
        }
        let Some(r) = self.take_run(node, run) else { return };
        self.gave_up(node, &r);
        let drift = self.jobs[node as usize].drift;
        let duration = self.now.saturating_sub(r.started);
        let (msg, rows_in) = (r.msg, r.rows_in);
        self.emit(EventKind::JobRunEnded { node, run, msg, exit_ok: false, rows_in, rows_out: 0, duration, drift });
        self.settle(msg, Fate::Failed(Reason::Crashed));
        // Both monitoring settings watch the exit code.
        self.emit(EventKind::JobAlert { node, run, alert: JobAlertKind::ExitCode });
    }

    /// The replace policy: every running run is stopped (its Job deleted,
    /// as Kubernetes does): nothing written, no reads kept, no exit-code alert.
    fn replace_runs(&mut self, node: u32) {
        for r in std::mem::take(&mut self.jobs[node as usize].running) {
            let duration = self.now.saturating_sub(r.started);
            let (run, msg, rows_in) = (r.run, r.msg, r.rows_in);
            self.emit(EventKind::JobRunReplaced { node, run, msg, rows_in, duration });
            self.settle(msg, Fate::Dropped(Reason::Replaced));
        }
    }

    /// A `crash` fault starts on a job: every running pod dies with it (a
    /// run waiting out its back-off has none to lose).
    pub(super) fn job_crashed(&mut self, node: u32) {
        let runs: Vec<u32> = self.jobs[node as usize].running.iter().filter(|r| !r.backoff).map(|r| r.run).collect();
        for run in runs {
            self.crash_run(node, run);
        }
        self.start_queued(node);
    }

    /// A run finishes its work and exits 0, whatever it wrote.
    pub(super) fn job_run_end(&mut self, node: u32, run: u32) {
        let Some(spec) = self.job_spec(node) else { return };
        // Killed by a crash before, or moved by a change of speed: this end timer is void.
        let due = self.jobs[node as usize].running.iter().find(|r| r.run == run).map(|r| r.due);
        if due != Some(self.now) {
            return;
        }
        if self.jobs[node as usize].running.iter().any(|r| r.run == run && r.backoff) {
            self.retry_run(node, run);
            return;
        }
        let Some(r) = self.take_run(node, run) else { return };
        let faults = self.job_faults(node);
        let rows_out = (r.rows_in as f64 * faults.written).floor() as u64;
        let j = &mut self.jobs[node as usize];
        j.drift = j.drift.saturating_add((rows_out as f64 * faults.drift).round() as u64);
        // Exit 0 commits the job's progress, so rows it failed to write are
        // never read again. A run that ends after a newer one never moves back.
        j.positions.resize(r.read_to.len(), Vec::new());
        for (pos, ends) in j.positions.iter_mut().zip(&r.read_to) {
            pos.resize(ends.len(), 0);
            for (p, e) in pos.iter_mut().zip(ends) {
                *p = (*p).max(*e);
            }
        }
        let duration = self.now.saturating_sub(r.started);
        let (msg, rows_in, drift) = (r.msg, r.rows_in, j.drift);
        let baseline = (j.recent.len() >= TREND_MIN).then(|| j.recent.iter().sum::<Micros>() / j.recent.len() as u64);
        let grown = baseline.is_some_and(|b| duration as f64 > spec.duration_growth * b as f64);
        // A run that grew past the threshold stays out of the baseline, so a
        // lasting slowdown keeps alerting instead of becoming the new normal
        // after a few runs (found in review).
        if !grown {
            if j.recent.len() == TREND_RUNS {
                j.recent.pop_front();
            }
            j.recent.push_back(duration);
        }
        self.emit(EventKind::JobRunEnded { node, run, msg, exit_ok: true, rows_in, rows_out, duration, drift });
        self.settle(msg, Fate::Processed);
        let m = &spec;
        if m.monitor == MonitorOn::Output {
            if rows_in.abs_diff(rows_out) as f64 > m.row_tolerance * rows_in as f64 {
                self.emit(EventKind::JobAlert { node, run, alert: JobAlertKind::RowCount });
            }
            if grown {
                self.emit(EventKind::JobAlert { node, run, alert: JobAlertKind::DurationGrowth });
            }
        }
        if rows_out > 0 {
            self.arm_freshness(node, m.freshness_ms);
        }
        self.start_queued(node);
    }

    /// The queue policy: the next waiting run starts once none is going and
    /// the job is not down (found in an audit: under a crash every queued
    /// run started and crashed at one instant; they now wait it out).
    /// Under `skip` (Kubernetes' Forbid) the one missed fire time waits the
    /// same way, and starts only within the job's starting deadline.
    pub(super) fn start_queued(&mut self, node: u32) {
        if self.job_faults(node).crashed {
            return;
        }
        let deadline = self
            .job_spec(node)
            .filter(|s| s.overlap == OverlapPolicy::Skip)
            .and_then(|s| s.starting_deadline_ms)
            .map_or(Micros::MAX, ms_to_micros);
        while self.jobs[node as usize].running.is_empty() {
            let Some(due) = self.jobs[node as usize].queued.pop_front() else { return };
            let late = self.now.saturating_sub(due);
            if late <= deadline {
                self.start_run(node, late);
            }
        }
    }

    /// The freshness check: no output since it was armed. Alerts (output
    /// monitoring) and checks again one limit later. The epoch 0 check armed
    /// at the start counts until the first arming.
    pub(super) fn job_freshness(&mut self, node: u32, epoch: u32) {
        let Some(spec) = self.job_spec(node) else { return };
        if self.jobs[node as usize].fresh_epoch != epoch {
            return;
        }
        if spec.freshness_ms.is_none() {
            return;
        }
        if spec.monitor == MonitorOn::Output {
            let run = self.jobs[node as usize].runs;
            self.emit(EventKind::JobAlert { node, run, alert: JobAlertKind::Stale });
        }
        self.arm_freshness(node, spec.freshness_ms);
    }

    /// (Re)arms the freshness check one limit from now; earlier checks are void.
    fn arm_freshness(&mut self, node: u32, limit_ms: Option<f64>) {
        let j = &mut self.jobs[node as usize];
        j.fresh_epoch = j.fresh_epoch.wrapping_add(1);
        let epoch = j.fresh_epoch;
        if let Some(f) = limit_ms {
            self.schedule(self.now.saturating_add(ms_to_micros(f)), Action::JobFreshness { node, epoch });
        }
    }

    /// A job's settings were edited: the freshness check is armed afresh
    /// with the new limit, from now.
    pub(super) fn job_settings_changed(&mut self, node: u32) {
        let Some(spec) = self.job_spec(node) else { return };
        self.arm_freshness(node, spec.freshness_ms);
    }

    /// Runs of a job going now (for drawing).
    pub fn job_running(&self, node: usize) -> u32 {
        self.jobs.get(node).map_or(0, |j| j.running.len() as u32)
    }

    /// Runs of a job waiting for the running one (queue policy).
    pub fn job_queued(&self, node: usize) -> u32 {
        self.jobs.get(node).map_or(0, |j| j.queued.len() as u32)
    }
}

/// How long a pod of the job takes for `rows_in` records at slow-down `slow`.
fn pod_time(spec: &JobSpec, rows_in: u64, slow: f64) -> Micros {
    let secs = rows_in as f64 / spec.records_per_s;
    let busy = ms_to_micros(spec.startup_ms).saturating_add(round_to_micros(secs * SECOND as f64));
    round_to_micros(busy as f64 * slow).max(1)
}

struct JobFaults {
    slow: f64,
    crashed: bool,
    missing: bool,
    written: f64,
    drift: f64,
}
