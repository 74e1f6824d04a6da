//! A share link's or the autosave's state opened in the page: the run put
//! at its start, then played back in budgeted slices across frames (shown
//! as a fast-forward with Cancel), each recorded change applied when the
//! run reaches the position stamped on it. Both load paths come here
//! (`ui::persist` reads the fragment and localStorage).

use leptos::prelude::*;

use crate::view_model::run::Jump;
use crate::view_model::share::{Op, ShareState};
use crate::view_model::share_replay::Playback;

use super::super::browser::now_ms;
use super::{Start, Store};

impl Store {
    /// The seed of the run as it stands after `ops`: the last Reset's, else the start's.
    fn seed_after(&self, ops: &[Op]) -> u64 {
        ops.iter()
            .rev()
            .find_map(|op| match op {
                Op::Reset { seed, .. } => Some(*seed),
                Op::Edit { .. } | Op::Rebuild { .. } => None,
            })
            .unwrap_or_else(|| self.start.with_value(|s| s.seed))
    }

    /// Puts the page at the start of `state` and plays it back in budgeted
    /// slices across frames (a fast-forward with progress and Cancel), each
    /// change applied when the run reaches the position stamped on it. A
    /// state that cannot start (unknown scenario, limits) changes nothing
    /// and the reason comes back, for the page to show; a change refused
    /// on the way stops the playback there, with the reason under the controls.
    pub fn restore(&self, state: &ShareState) -> Result<(), String> {
        let (playback, sim, start) = Playback::new(state).map_err(|e| e.0)?;
        let scenario = sim.scenario().clone();
        self.drop_jump();
        self.forget_history();
        self.starts.update(|n| *n += 1);
        self.run_error.set(None);
        self.notice.set(None);
        self.error.set(None);
        self.flights.update_value(|f| {
            f.clear();
            f.shape_links(&scenario);
        });
        self.sim.set_value(sim);
        self.narrator.update_value(super::Narrator::reset);
        self.journeys.clear();
        self.story_reset();
        self.edits.update_value(Vec::clear);
        self.set_original(&start);
        self.imported.set(state.scenario.is_some().then(|| start.name.clone()));
        self.preset.set(start.name.clone());
        self.start.set_value(Start {
            preset: state.preset.clone(),
            scenario: state.scenario.clone(),
            seed: state.seed,
        });
        self.ops.set_value(Vec::new());
        self.seed.set(state.seed);
        self.speed.set(state.speed);
        self.playing.set(!state.paused);
        self.selected.set(None);
        let step = state.step.unwrap_or(1).max(1) as usize - 1;
        self.lesson_show.set(Some((state.lesson.clone().unwrap_or_default(), step)));
        let jump = Jump::link(playback.target());
        self.playback.set_value(Some(playback));
        self.jumping.set(Some(jump));
        self.revision.update(|r| *r += 1);
        self.refresh();
        Ok(())
    }

    /// One frame's share of opening a link, until the wall clock reaches `deadline_ms`.
    pub(super) fn playback_slice(&self, deadline_ms: f64) {
        let Some(mut playback) = self.playback.try_update_value(Option::take).flatten() else { return };
        let mut events = Vec::new();
        let Some((result, now)) = self.sim.try_update_value(|s| {
            let result = playback.slice(s, || now_ms() < deadline_ms, |e| events.extend_from_slice(e));
            (result, s.now())
        }) else {
            return;
        };
        if self.ops.with_value(Vec::len) != playback.applied().len() {
            self.ops.set_value(playback.applied().to_vec());
            self.seed.set(self.seed_after(playback.applied()));
        }
        let restarted = result.as_ref().is_ok_and(|p| p.restarted);
        if restarted {
            // A new simulation, perhaps of another shape: what was drawn of the old one goes.
            events.clear();
            let scenario = self.scenario();
            self.flights.update_value(|f| {
                f.clear();
                f.shape_links(&scenario);
            });
            self.narrator.update_value(super::Narrator::reset);
            self.journeys.clear();
            self.story_reset();
            self.revision.update(|r| *r += 1);
        }
        let done = match result {
            Ok(played) if played.done => true,
            Ok(_) => {
                self.playback.set_value(Some(playback));
                self.take_events(&events, now);
                return;
            }
            Err(e) => {
                self.playing.set(false);
                self.run_error.set(Some(format!(
                    "The link could not be played back to its end: {e}. The run stops where it got to."
                )));
                false
            }
        };
        self.sim.update_value(|s| playback.finish(s, |e| events.extend_from_slice(e)));
        self.take_events(&events, now);
        self.jumping.set(None);
        if done {
            let mut say = String::from("Restored the run: the same state as when it was saved or linked.");
            // A lesson's step came with it: said as when it is reached in the
            // lesson (at its last step, that the lesson is finished).
            let step = self.lesson_open.with_untracked(|open| {
                let (name, k) = open.as_ref()?;
                Some(crate::view_model::lesson_end::step_said(&crate::engine::lesson::builtin(name)?, *k))
            });
            if let Some(step) = step {
                say = format!("{say} {step}");
            }
            self.announce(say);
        }
        // The fragment and the autosave wait for the whole run (see `persist`).
        self.shared.update(|r| *r += 1);
        self.refresh();
    }

    /// Ends a link's playback where it got to (Cancel, Escape, a change
    /// made meanwhile): the run keeps the changes applied so far, paused.
    pub(super) fn end_playback(&self) {
        let Some(mut playback) = self.playback.try_update_value(Option::take).flatten() else { return };
        let mut events = Vec::new();
        let now = self.sim.try_update_value(|s| {
            playback.finish(s, |e| events.extend_from_slice(e));
            s.now()
        });
        self.ops.set_value(playback.applied().to_vec());
        self.take_events(&events, now.unwrap_or_default());
        self.jumping.set(None);
        self.playing.set(false);
        self.shared.update(|r| *r += 1);
    }
}
