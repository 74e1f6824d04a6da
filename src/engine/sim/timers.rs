//! Timer dispatch: the event loop's step, scheduling, and the table from a
//! fired timer to the behaviour it runs.
//!
//! Timers live in two heaps. The two kinds every request has, a source's
//! arrival and a work's end, are plain words in `quick` (see
//! `sim/quick.rs`); every other action, some of them boxed, sits in the
//! standard heap. Each step takes whichever root comes first in (time,
//! sequence): sequence numbers are shared and unique, so the events fire in
//! exactly the order one heap would give.

use std::cmp::Reverse;

use super::quick::Quick;
use super::state::{Action, Timer};
use super::Simulation;
use crate::engine::error::SimError;
use crate::engine::time::{Micros, SECOND};

/// Where the next timer is.
enum Next {
    Quick(Micros, Quick),
    Other,
}

impl Simulation {
    /// Processes the next event. Returns its time, or `None` when nothing is left to do.
    ///
    /// Fails with [`SimError::Livelock`] or [`SimError::Capacity`] when the
    /// run breaks a guard of [`crate::engine::limits`]; the run then stays
    /// stopped (every later call returns the same error) and the scenario,
    /// edits included, stays readable.
    pub fn step(&mut self) -> Result<Option<Micros>, SimError> {
        if let Some(e) = &self.halted {
            return Err(e.clone());
        }
        Ok(self.fire_next(Micros::MAX).then_some(self.now))
    }

    /// Processes every event due at or before `until`, then sets the clock to `until`.
    /// Returns how many events were processed.
    pub fn run_until(&mut self, until: Micros) -> Result<u64, SimError> {
        if let Some(e) = &self.halted {
            return Err(e.clone());
        }
        if until < self.now {
            return Err(SimError::TimeInPast { now: self.now, asked: until });
        }
        // Every fired timer counts once in `timers_fired` (see
        // `advance_to`): no second counter on the stack.
        let before = self.timers_fired;
        while self.fire_next(until) {}
        let n = self.timers_fired - before;
        // As `step` does: a guard broken by the last event stops the next
        // one, if one is due.
        if let Some(e) = &self.halted {
            if self.next_due().is_some_and(|(at, _)| at <= until) {
                return Err(e.clone());
            }
        }
        self.now = until;
        Ok(n)
    }

    /// Processes at most `n` events. Returns how many were processed.
    pub fn run_events(&mut self, n: u64) -> Result<u64, SimError> {
        let mut done = 0;
        while done < n && self.step()?.is_some() {
            done += 1;
        }
        Ok(done)
    }

    /// The next timer's (time, sequence), from either heap.
    pub(super) fn next_due(&self) -> Option<(Micros, u64)> {
        let other = self.heap.peek().map(|Reverse(t)| (t.at, t.seq));
        match (self.quick.peek(), other) {
            (Some(q), Some(o)) => Some(q.min(o)),
            (q, o) => q.or(o),
        }
    }

    /// Fires the next timer if it is due at or before `until` and the run
    /// is not halted; returns whether it fired. A guard it breaks halts
    /// the run for the next call. `run_until` calls it directly, without a
    /// `Result` to pass back for every event.
    fn fire_next(&mut self, until: Micros) -> bool {
        let other = self.heap.peek().map(|Reverse(t)| (t.at, t.seq));
        let (at, next) = match (self.quick.root(), other) {
            (Some((at, seq, what)), Some(o)) if (at, seq) < o => (at, Next::Quick(at, what)),
            (Some(_), Some((at, _))) => (at, Next::Other),
            (Some((at, _, what)), None) => (at, Next::Quick(at, what)),
            (None, Some((at, _))) => (at, Next::Other),
            (None, None) => return false,
        };
        // Checked only once an event is due, so that a run that broke a
        // guard with its last event still reaches the end of its slice.
        if at > until || self.halted.is_some() {
            return false;
        }
        match next {
            Next::Quick(at, what) => {
                // The quick root stays in place while it fires: the first
                // quick timer it schedules takes its place with one sift
                // down (see `schedule_quick`) instead of a pop and a push.
                self.root_spent = true;
                if self.advance_to(at) {
                    self.tally_if_runaway(&what.action());
                }
                match what {
                    Quick::Arrival(source) => self.source_arrival(source),
                    Quick::WorkEnd(work) => self.work_step(work),
                }
                if self.root_spent {
                    // Nothing was scheduled: the fired timer leaves now.
                    self.root_spent = false;
                    self.quick.pop_root();
                }
            }
            Next::Other => {
                let Some(Reverse(timer)) = self.heap.pop() else { return false };
                if self.advance_to(timer.at) {
                    self.tally_if_runaway(&timer.action);
                }
                self.fire(timer.action);
            }
        }
        self.check_conservation();
        self.check_guards();
        true
    }

    /// Moves the clock to a timer about to fire and keeps the guards'
    /// counts; true when it fires at the same instant as the one before.
    // Inlined natively (hot); not in wasm, to keep its size.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn advance_to(&mut self, at: Micros) -> bool {
        let same = at == self.last_fired && self.timers_fired > 0;
        if same {
            self.same_instant += 1;
        } else {
            self.same_instant = 1;
            self.last_fired = at;
            if !self.instant_tally.is_empty() {
                self.instant_tally.clear();
            }
        }
        self.now = at;
        // Without a branch: in a slow model (M/M/1 at 0.8 orders a second)
        // about half the events start a new second, so a branch here was
        // mispredicted about as often as not. The division by a constant
        // is a multiply. The second is kept by its number, not its end (one
        // multiply fewer). An event at the very last instant, `Micros::MAX`,
        // starts a count of its own, as it did when the end was kept: the
        // end of the last, partial second saturated to that instant.
        let second = self.now / SECOND;
        let crossed = second != self.second || self.now == Micros::MAX;
        self.second = second;
        self.this_second = std::hint::select_unpredictable(crossed, 1, self.this_second + 1);
        self.timers_fired += 1;
        same
    }

    /// Schedules an action at `at` (after every timer already due then).
    pub(super) fn schedule(&mut self, at: Micros, action: Action) {
        match action {
            Action::SourceArrival { source } => self.schedule_quick(at, Quick::Arrival(source)),
            Action::WorkStep { work } => self.schedule_quick(at, Quick::WorkEnd(work)),
            other => {
                self.seq += 1;
                self.heap.push(Reverse(Timer { at, seq: self.seq, action: other }));
            }
        }
    }

    /// Schedules a source's arrival or a work's end.
    // Inlined natively (hot); not in wasm, to keep its size.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn schedule_quick(&mut self, at: Micros, what: Quick) {
        self.seq += 1;
        if self.root_spent {
            // The quick root is the timer being fired: every timer
            // scheduled now is later in (time, sequence), so it stayed the
            // root, and the new one takes its place.
            self.root_spent = false;
            self.quick.replace_root(at, self.seq, what);
        } else {
            self.quick.push(at, self.seq, what);
        }
    }

    /// Runs a timer of the standard heap.
    fn fire(&mut self, action: Action) {
        match action {
            Action::SourceArrival { source } => self.source_arrival(source),
            Action::RequestArrive(r) => self.request_arrive(*r),
            Action::WorkStep { work } => self.work_step(work),
            Action::ReplyArrive { call, attempt, ok, msg, link } => self.reply_arrive(call, attempt, ok, msg, link),
            Action::CallTimeout { call, attempt } => self.call_timeout(call, attempt),
            Action::RetryFire { call } => self.retry_fire(call),
            Action::EnqueueArrive { msg, queue, link } => self.enqueue_arrive(msg, queue, link),
            Action::DeliveryArrive(d) => self.delivery_arrive(*d),
            Action::VisibilityExpire { msg, delivery } => self.visibility_expire(msg, delivery),
            Action::AckArrive { msg, delivery } => self.ack_arrive(msg, delivery),
            Action::NackArrive { msg, delivery } => self.nack_arrive(msg, delivery),
            Action::BackoffEnd { msg, delivery } => self.backoff_end(msg, delivery),
            Action::ReplicaRestart { node, replica, epoch } => self.replica_restart(node, replica, epoch),
            Action::FaultStart { fault } => self.fault_start(fault),
            Action::FaultEnd { fault } => self.fault_end(fault),
            Action::AppendArrive(a) => self.append_arrive(*a),
            Action::GroupJoin { link } => self.group_join(link),
            Action::RebalanceDone { link, generation } => self.rebalance_done(link, generation),
            Action::SessionExpire { link, replica, epoch } => self.session_expire(link, replica, epoch),
            Action::BatchArrive { link, replica, epoch } => self.batch_arrive(link, replica, epoch),
            Action::AutoCommit { link, replica, generation } => self.auto_commit(link, replica, generation),
            Action::PollRetry { link, replica, generation } => self.poll_retry(link, replica, generation),
            Action::RelayTick { link } => self.relay_tick(link),
            Action::PublishArrive { msg, topic } => self.publish_arrive(msg, topic),
            Action::Reconnect { link } => self.reconnect(link),
            Action::Heartbeat { link, epoch } => self.heartbeat(link, epoch),
            Action::GatewayUp { node, epoch } => self.gateway_up(node, epoch),
            Action::PushArrive { msg, link, client, conn, seq } => self.push_arrive(msg, link, client, conn, seq),
            Action::StepArrive(s) => self.step_arrive(*s),
            Action::StepOutcome { saga, token, answer } => self.step_outcome(saga, token, answer),
            Action::SagaResend { saga, token } => self.saga_resend(saga, token),
            Action::SagaDeadline { saga } => self.saga_deadline(saga),
            Action::JobFire { node } => self.job_fire(node),
            Action::JobRunEnd { node, run } => self.job_run_end(node, run),
            Action::JobFreshness { node, epoch } => self.job_freshness(node, epoch),
        }
    }
}

impl Quick {
    /// The same timer as an [`Action`] (for the guards' error messages).
    pub(super) fn action(self) -> Action {
        match self {
            Quick::Arrival(source) => Action::SourceArrival { source },
            Quick::WorkEnd(work) => Action::WorkStep { work },
        }
    }
}
