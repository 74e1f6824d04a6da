//! Running the simulation: play and pause, advancing it within each
//! frame's budget, Step, and fast-forwards (to a time, to the next
//! notable event) in slices across frames; a run the engine refuses to
//! take further pauses with the reason.

use leptos::prelude::*;

use crate::engine::time::Micros;
use crate::engine::{SimError, Simulation};
use crate::view_model::frame::clock_text;
use crate::view_model::run::{gave_up_text, run_toward, Jump, JumpState};

use super::super::browser::now_ms;
use super::Store;

impl Store {
    /// Plays or pauses. Playing again clears the last run failure (it shows
    /// again if the engine still cannot go on).
    pub fn toggle_play(&self) {
        self.playing.update(|p| *p = !*p);
        if self.playing.get_untracked() {
            self.run_error.set(None);
            self.notice.set(None);
        } else {
            self.story_frame(true);
        }
    }

    /// Advances simulated time by up to `dt` microseconds, stopping when the
    /// wall clock reaches `deadline_ms`, and takes in the events. Returns the
    /// microseconds advanced and whether all of `dt` was reached (when not,
    /// the clock lags behind the speed asked; it never jumps).
    pub fn advance_within(&self, dt: u64, deadline_ms: f64) -> (u64, bool) {
        let Some((before, after, result, events)) = self.sim.try_update_value(|s| {
            let before = s.now();
            let result = run_toward(s, before.saturating_add(dt), |_| now_ms() < deadline_ms);
            (before, s.now(), result, s.drain_events())
        }) else {
            return (0, true);
        };
        self.take_events(&events, after);
        match result {
            Ok(slice) => (after - before, slice.reached),
            Err(e) => {
                self.run_failed(&e);
                (after - before, false)
            }
        }
    }

    /// Processes exactly one event (ending any fast-forward where it got to).
    pub fn step_one(&self) {
        self.end_jump();
        let Some((result, events, now)) = self.sim.try_update_value(|s| {
            let result = s.step();
            (result, s.drain_events(), s.now())
        }) else {
            return;
        };
        self.take_events_told(&events, now, false);
        if let Err(e) = result {
            self.run_failed(&e);
        }
        self.refresh();
        self.story_stepped(&events);
    }

    /// Starts running to an event worth attention (breaker change, dead
    /// letter, crash, failed order…), at most one simulated minute ahead, in
    /// slices across frames; the run pauses there.
    pub fn step_to_notable(&self) {
        self.playing.set(false);
        self.end_jump();
        if let Some(jump) = self.sim.try_with_value(Jump::notable) {
            self.start_jump(jump);
        }
    }

    /// Starts a fast-forward to simulated time `target`, in slices across frames.
    pub fn jump_to(&self, target: Micros) {
        self.end_jump();
        if let Some(jump) = self.sim.try_with_value(|s| Jump::to(s, target)) {
            self.start_jump(jump);
        }
    }

    pub(super) fn start_jump(&self, jump: Jump) {
        self.notice.set(None);
        self.run_error.set(None);
        self.jump.set_value(Some(jump.clone()));
        self.jumping.set(Some(jump));
    }

    /// True while a fast-forward is under way.
    pub fn is_jumping(&self) -> bool {
        self.jump.with_value(Option::is_some) || self.is_opening_link()
    }

    /// One frame's share of the fast-forward, until the wall clock reaches `deadline_ms`.
    pub fn jump_slice(&self, deadline_ms: f64) {
        if self.is_opening_link() {
            self.playback_slice(deadline_ms);
            return;
        }
        let Some(mut jump) = self.jump.with_value(Clone::clone) else { return };
        // Bounded by the frame's budget (and for a jump to a time, by its recording window).
        let mut events = Vec::new();
        let Some((result, now)) = self.sim.try_update_value(|s| {
            let result = jump.slice(s, || now_ms() < deadline_ms, |e| events.extend_from_slice(e));
            (result, s.now())
        }) else {
            return;
        };
        // Notable events far behind the target go to the event log only:
        // nothing draws or announces them, but the log lists what was jumped over.
        let far = events.partition_point(|e| e.t < jump.log_only_before());
        self.story_take(&events[..far]);
        // Where it stopped, the notice names the event (see `take_events_told`).
        self.take_events_told(&events[far..], now, !matches!(result, Ok(JumpState::Found)));
        match result {
            Ok(JumpState::Running) => self.jump.set_value(Some(jump)),
            Ok(JumpState::Arrived) => self.drop_jump(),
            Ok(JumpState::Found) => {
                self.drop_jump();
                self.refresh();
                self.story_found(&events);
            }
            Ok(JumpState::GaveUp) => {
                self.drop_jump();
                self.notice.set(Some(gave_up_text(now)));
                self.story.highlight.set(None);
            }
            Err(e) => {
                self.jump.set_value(Some(jump));
                self.run_failed(&e);
            }
        }
    }

    /// Stops the fast-forward where it got to, paused (Cancel, Escape).
    pub fn cancel_jump(&self) {
        if self.is_jumping() {
            self.end_jump();
            self.playing.set(false);
            self.refresh();
        }
    }

    /// Ends a fast-forward, leaving the simulation recording as the page expects.
    pub(super) fn end_jump(&self) {
        self.end_playback();
        let Some(mut jump) = self.jump.try_update_value(Option::take).flatten() else { return };
        let mut events = Vec::new();
        let now = self.sim.try_update_value(|s| {
            jump.finish(s, |e| events.extend_from_slice(e));
            s.now()
        });
        self.take_events(&events, now.unwrap_or_default());
        self.jumping.set(None);
    }

    /// Forgets a fast-forward whose simulation is done with it (arrived, or replaced).
    pub(super) fn drop_jump(&self) {
        self.playback.set_value(None);
        self.jump.set_value(None);
        if self.jumping.with_untracked(Option::is_some) {
            self.jumping.set(None);
        }
    }

    /// The engine refused to go on: the run pauses where it is, with the
    /// scenario and the edits kept, and the controls say why.
    pub(super) fn run_failed(&self, e: &SimError) {
        self.end_jump();
        self.playing.set(false);
        let at = clock_text(self.sim.with_value(Simulation::now));
        self.run_error.set(Some(format!("The run stopped at {at}: {e}")));
        self.refresh();
    }
}
