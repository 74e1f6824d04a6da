//! Kubernetes Job back-off for a job's runs: a CronJob's run is a Job, and
//! when its pod exits non-zero the Job controller starts a new pod after a
//! back-off that doubles with each failure (`JobSpec::backoff_after`), until
//! `backoff_limit` retries are used; then the Job is failed
//! (`BackoffLimitExceeded`) and only then does the run end non-zero.
//!
//! While it backs off the run is still going (its Job is active): the
//! overlap policy counts it, `replace` deletes it, a `crash` fault has no
//! pod of it to kill, and a slow-down does not stretch the wait. Each new
//! pod is a fresh process: it reads its inputs again from the last
//! successful run, including records that came meanwhile. The run stays
//! one ledger message, settled when a pod exits 0 or the run gives up.

use super::super::state::Action;
use super::super::Simulation;
use super::{pod_time, Run};
use crate::engine::event::EventKind;

impl Simulation {
    /// A pod of run `run` exited non-zero. True when the run has retries
    /// left: it backs off and a new pod starts later; false when it ends.
    pub(super) fn back_off(&mut self, node: u32, run: u32) -> bool {
        let Some(spec) = self.job_spec(node) else { return false };
        let now = self.now;
        let Some(r) = self.jobs[node as usize].running.iter_mut().find(|r| r.run == run) else { return false };
        if r.failures >= spec.backoff_limit {
            return false;
        }
        r.failures += 1;
        let delay = spec.backoff_after(r.failures);
        r.backoff = true;
        r.due = now.saturating_add(delay);
        let (msg, failures, due) = (r.msg, r.failures, r.due);
        self.emit(EventKind::JobRunBackoff { node, run, msg, failures, delay });
        self.schedule(due, Action::JobRunEnd { node, run });
        true
    }

    /// Run `r` is out of retries: says so when the job retries at all
    /// (with `backoff_limit` 0 a failed run simply ends, as before the
    /// setting existed), before the run's end.
    pub(super) fn gave_up(&mut self, node: u32, r: &Run) {
        let retries = self.job_spec(node).is_some_and(|s| s.backoff_limit > 0);
        if retries || r.failures > 0 {
            let failures = r.failures.saturating_add(1);
            self.emit(EventKind::JobRunGaveUp { node, run: r.run, msg: r.msg, failures });
        }
    }

    /// Run `run`'s back-off is over: a new pod starts, reading its inputs
    /// afresh (and exits non-zero at once if the job is down).
    pub(super) fn retry_run(&mut self, node: u32, run: u32) {
        let Some(spec) = self.job_spec(node) else { return };
        let faults = self.job_faults(node);
        let (read_to, rows_in) = self.read_inputs(node, faults.missing);
        let now = self.now;
        let Some(r) = self.jobs[node as usize].running.iter_mut().find(|r| r.run == run) else { return };
        r.backoff = false;
        r.rows_in = rows_in;
        r.read_to = read_to;
        r.factor = faults.slow;
        r.due = now.saturating_add(pod_time(&spec, rows_in, faults.slow));
        let (msg, retry, due) = (r.msg, r.failures, r.due);
        self.emit(EventKind::JobRunRetried { node, run, msg, retry, rows_in });
        if faults.crashed {
            self.crash_run(node, run);
            return;
        }
        self.schedule(due, Action::JobRunEnd { node, run });
    }
}
