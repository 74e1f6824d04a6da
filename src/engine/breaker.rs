//! A circuit breaker with resilience4j's rules (count-based sliding window).
//!
//! - Closed: outcomes go into a window of the last `sliding_window_size`
//!   calls; after each one, once the window holds at least
//!   min(minimum_number_of_calls, sliding_window_size) calls, the breaker
//!   opens when the failure rate or the slow-call rate reaches its threshold.
//!   A call is slow when it lasts strictly longer than the slow threshold.
//! - Open: calls are rejected until the wait duration has passed; the first
//!   call strictly after that moves the breaker to half-open and is let through.
//! - Half-open: exactly `permitted_calls_in_half_open` calls go through, the
//!   rest are rejected; when all of them have finished, the breaker opens
//!   again if a threshold is met, otherwise closes with a fresh window.
//!
//! Outcomes of calls let through in an earlier state (an "epoch") are
//! ignored: a late result cannot flip a state it never saw. A breaker that
//! replaces another (changed settings, or switched off and on) starts at an
//! epoch after the last one its predecessor used, so the old breaker's calls
//! are stale to it too, as a new resilience4j/Polly instance would be.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::scenario::BreakerPolicy;
use super::time::{ms_to_micros, Micros};

/// The three breaker states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Calls flow; outcomes are counted.
    Closed,
    /// Calls are rejected at once.
    Open,
    /// A few trial calls decide between closed and open.
    HalfOpen,
}

impl BreakerState {
    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            BreakerState::Closed => "closed",
            BreakerState::Open => "open",
            BreakerState::HalfOpen => "half_open",
        }
    }
}

/// What the breaker says to a call that wants to go through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permit {
    /// Go ahead; report the outcome with this epoch.
    Granted(u32),
    /// Rejected without calling (short-circuit).
    Rejected,
}

#[derive(Clone, Copy, Debug)]
struct Outcome {
    failed: bool,
    slow: bool,
}

/// A circuit breaker's state and window.
#[derive(Clone, Debug)]
pub struct Breaker {
    failure_threshold: f64,
    slow_threshold: f64,
    slow_after: Micros,
    wait_open: Micros,
    half_open_calls: u32,
    min_calls: u32,
    window_size: u32,
    state: BreakerState,
    epoch: u32,
    window: VecDeque<Outcome>,
    failures: u32,
    slows: u32,
    open_until: Micros,
    half_open_granted: u32,
    half_open_done: u32,
}

impl Breaker {
    /// A closed breaker with the given policy.
    pub fn new(p: &BreakerPolicy) -> Self {
        Self::starting_at(p, 0)
    }

    /// A closed breaker with the given policy whose first epoch is `epoch`:
    /// a replacement starts at its predecessor's [`Breaker::next_epoch`] so
    /// that no call the predecessor let through can count toward it.
    pub fn starting_at(p: &BreakerPolicy, epoch: u32) -> Self {
        Breaker {
            failure_threshold: p.failure_rate_threshold,
            slow_threshold: p.slow_call_rate_threshold,
            slow_after: ms_to_micros(p.slow_call_duration_ms),
            wait_open: ms_to_micros(p.wait_duration_in_open_ms),
            half_open_calls: p.permitted_calls_in_half_open.max(1),
            min_calls: p.minimum_number_of_calls.max(1),
            window_size: p.sliding_window_size.max(1),
            state: BreakerState::Closed,
            epoch,
            window: VecDeque::new(),
            failures: 0,
            slows: 0,
            open_until: 0,
            half_open_granted: 0,
            half_open_done: 0,
        }
    }

    /// The current state.
    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// The first epoch no call has been let through with: where a
    /// replacement breaker starts.
    pub fn next_epoch(&self) -> u32 {
        self.epoch.wrapping_add(1)
    }

    /// Asks to let a call through at `now`. Returns the permit and the state
    /// change it caused, if any (open → half-open).
    pub fn acquire(&mut self, now: Micros) -> (Permit, Option<BreakerState>) {
        match self.state {
            BreakerState::Closed => (Permit::Granted(self.epoch), None),
            BreakerState::Open => {
                if now > self.open_until {
                    self.enter(BreakerState::HalfOpen, now);
                    self.half_open_granted = 1;
                    (Permit::Granted(self.epoch), Some(BreakerState::HalfOpen))
                } else {
                    (Permit::Rejected, None)
                }
            }
            BreakerState::HalfOpen => {
                if self.half_open_granted < self.half_open_calls {
                    self.half_open_granted += 1;
                    (Permit::Granted(self.epoch), None)
                } else {
                    (Permit::Rejected, None)
                }
            }
        }
    }

    /// Records the outcome of a call let through with `epoch`. Returns the
    /// new state if the outcome changed it.
    pub fn record(&mut self, now: Micros, epoch: u32, duration: Micros, failed: bool) -> Option<BreakerState> {
        if epoch != self.epoch || self.state == BreakerState::Open {
            return None;
        }
        let outcome = Outcome { failed, slow: duration > self.slow_after };
        self.window.push_back(outcome);
        self.failures += u32::from(outcome.failed);
        self.slows += u32::from(outcome.slow);
        match self.state {
            BreakerState::Closed => {
                if self.window.len() as u32 > self.window_size {
                    if let Some(old) = self.window.pop_front() {
                        self.failures -= u32::from(old.failed);
                        self.slows -= u32::from(old.slow);
                    }
                }
                let needed = self.min_calls.min(self.window_size);
                if self.window.len() as u32 >= needed && self.threshold_met() {
                    self.enter(BreakerState::Open, now);
                    return Some(BreakerState::Open);
                }
                None
            }
            BreakerState::HalfOpen => {
                self.half_open_done += 1;
                if self.half_open_done < self.half_open_calls {
                    return None;
                }
                let next = if self.threshold_met() { BreakerState::Open } else { BreakerState::Closed };
                self.enter(next, now);
                Some(next)
            }
            BreakerState::Open => None,
        }
    }

    /// Gives back the permit of a call let through with `epoch` that will
    /// never report an outcome (its caller crashed with it in flight), as
    /// resilience4j's `releasePermission` does for a permitted call that
    /// did not run. In half-open its trial slot goes to the next call:
    /// without this, a lost trial kept the breaker half-open for good,
    /// rejecting every call (found in an audit).
    pub fn release(&mut self, epoch: u32) {
        if epoch == self.epoch && self.state == BreakerState::HalfOpen && self.half_open_granted > self.half_open_done {
            self.half_open_granted -= 1;
        }
    }

    fn threshold_met(&self) -> bool {
        let n = self.window.len() as f64;
        let failure_rate = 100.0 * f64::from(self.failures) / n;
        let slow_rate = 100.0 * f64::from(self.slows) / n;
        failure_rate >= self.failure_threshold || slow_rate >= self.slow_threshold
    }

    fn enter(&mut self, state: BreakerState, now: Micros) {
        self.state = state;
        self.epoch = self.epoch.wrapping_add(1);
        self.window.clear();
        self.failures = 0;
        self.slows = 0;
        self.half_open_granted = 0;
        self.half_open_done = 0;
        if state == BreakerState::Open {
            self.open_until = now.saturating_add(self.wait_open);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> BreakerPolicy {
        BreakerPolicy {
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 100.0,
            slow_call_duration_ms: 100.0,
            wait_duration_in_open_ms: 1_000.0,
            permitted_calls_in_half_open: 2,
            minimum_number_of_calls: 4,
            sliding_window_size: 4,
        }
    }

    fn call(b: &mut Breaker, now: Micros, failed: bool) -> Option<BreakerState> {
        match b.acquire(now).0 {
            Permit::Granted(e) => b.record(now, e, 1_000, failed),
            Permit::Rejected => panic!("call rejected at {now}"),
        }
    }

    /// A breaker opened by four failures, half-open at 2 s with both of its
    /// trial calls let through: (breaker, now, first epoch, second epoch).
    fn half_open_with_both_trials_out() -> (Breaker, Micros, u32, u32) {
        let mut b = Breaker::new(&policy());
        for t in 1..=4 {
            call(&mut b, t, true);
        }
        let t = 2_000_000;
        let Permit::Granted(e1) = b.acquire(t).0 else { panic!("first trial") };
        let Permit::Granted(e2) = b.acquire(t).0 else { panic!("second trial") };
        (b, t, e1, e2)
    }

    #[test]
    fn stays_closed_until_the_minimum_number_of_calls() {
        let mut b = Breaker::new(&policy());
        assert_eq!(call(&mut b, 1, true), None);
        assert_eq!(call(&mut b, 2, true), None);
        assert_eq!(call(&mut b, 3, true), None);
        assert_eq!(call(&mut b, 4, true), Some(BreakerState::Open));
    }

    #[test]
    fn opens_at_exactly_the_threshold() {
        let mut b = Breaker::new(&policy());
        for (t, failed) in [(1, false), (2, true), (3, false)] {
            assert_eq!(call(&mut b, t, failed), None);
        }
        // 2 of 4 = 50 % ≥ 50 %.
        assert_eq!(call(&mut b, 4, true), Some(BreakerState::Open));
    }

    #[test]
    fn window_slides_over_the_last_calls() {
        let mut b = Breaker::new(&policy());
        for t in 1..=10 {
            assert_eq!(call(&mut b, t, false), None);
        }
        assert_eq!(call(&mut b, 11, true), None); // 1 of 4
        assert_eq!(call(&mut b, 12, true), Some(BreakerState::Open)); // 2 of 4
    }

    #[test]
    fn open_rejects_until_strictly_after_the_wait() {
        let mut b = Breaker::new(&policy());
        for t in 1..=4 {
            call(&mut b, t, true);
        }
        assert_eq!(b.state(), BreakerState::Open);
        let opened = 4;
        assert_eq!(b.acquire(opened + 1_000_000).0, Permit::Rejected, "not strictly after");
        let (permit, change) = b.acquire(opened + 1_000_001);
        assert!(matches!(permit, Permit::Granted(_)));
        assert_eq!(change, Some(BreakerState::HalfOpen));
    }

    #[test]
    fn half_open_permits_exactly_n_then_decides() {
        let (mut b, t, e1, e2) = half_open_with_both_trials_out();
        assert_eq!(b.acquire(t).0, Permit::Rejected, "only two trial calls");
        assert_eq!(b.record(t, e1, 10, false), None);
        assert_eq!(b.record(t, e2, 10, false), Some(BreakerState::Closed));
        // A fresh window: three failures are not enough to open again.
        for t in 0..3 {
            assert_eq!(call(&mut b, 3_000_000 + t, true), None);
        }
    }

    #[test]
    fn a_released_trial_gives_its_slot_to_the_next_call() {
        let (mut b, t, e1, e2) = half_open_with_both_trials_out();
        assert_eq!(b.acquire(t).0, Permit::Rejected);
        b.release(e1);
        let Permit::Granted(e3) = b.acquire(t).0 else { panic!("the released slot") };
        assert_eq!(b.acquire(t).0, Permit::Rejected, "still two at most");
        assert_eq!(b.record(t, e2, 10, false), None);
        assert_eq!(b.record(t, e3, 10, false), Some(BreakerState::Closed));
        // A release from an earlier state, or once closed, changes nothing.
        b.release(e1);
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[test]
    fn half_open_reopens_when_trials_fail() {
        let (mut b, t, e1, e2) = half_open_with_both_trials_out();
        assert_eq!(b.record(t, e1, 10, true), None);
        assert_eq!(b.record(t + 5, e2, 10, false), Some(BreakerState::Open));
        assert_eq!(b.acquire(t + 5 + 1_000_000).0, Permit::Rejected);
    }

    #[test]
    fn slow_calls_open_it_and_slow_means_strictly_longer() {
        let mut p = policy();
        p.slow_call_rate_threshold = 50.0;
        let mut b = Breaker::new(&p);
        for t in 1..=4 {
            let Permit::Granted(e) = b.acquire(t).0 else { panic!() };
            assert_eq!(b.record(t, e, 100_000, false), None, "exactly the threshold is not slow");
        }
        let Permit::Granted(e) = b.acquire(5).0 else { panic!() };
        assert_eq!(b.record(5, e, 100_001, false), None);
        let Permit::Granted(e) = b.acquire(6).0 else { panic!() };
        assert_eq!(b.record(6, e, 200_000, false), Some(BreakerState::Open));
    }

    #[test]
    fn a_replacement_ignores_its_predecessors_calls() {
        // The old breaker's trial (epoch 2) is out when it is replaced. The
        // new breaker reaches half-open too; the old trial's answer must not
        // count as its trial, nor a release of it free a new slot.
        let (old, _, e1, _) = half_open_with_both_trials_out();
        let mut b = Breaker::starting_at(&policy(), old.next_epoch());
        assert_eq!(b.state(), BreakerState::Closed);
        for t in 1..=4 {
            call(&mut b, t, true);
        }
        let t = 2_000_000;
        let Permit::Granted(_) = b.acquire(t).0 else { panic!("new trial") };
        b.release(e1);
        let Permit::Granted(_) = b.acquire(t).0 else { panic!("second new trial") };
        assert_eq!(b.acquire(t).0, Permit::Rejected, "the stale release freed nothing");
        assert_eq!(b.record(t, e1, 10, true), None);
        assert_eq!(b.record(t, e1, 10, true), None);
        assert_eq!(b.state(), BreakerState::HalfOpen);
    }

    #[test]
    fn stale_outcomes_are_ignored() {
        let mut b = Breaker::new(&policy());
        let Permit::Granted(old) = b.acquire(0).0 else { panic!() };
        for t in 1..=4 {
            call(&mut b, t, true);
        }
        let t = 2_000_000;
        let Permit::Granted(_) = b.acquire(t).0 else { panic!() };
        assert_eq!(b.record(t, old, 10, true), None, "a result from the old closed state does not count");
        assert_eq!(b.state(), BreakerState::HalfOpen);
    }
}
