//! The store's side of share links and autosave: where the run started,
//! every change recorded with the engine's position, the state as a
//! [`ShareState`] and a state played back into the page.

use leptos::prelude::*;

use crate::engine::scenario::Scenario;
use crate::view_model::share::{At, Op, ShareState, MAX_OPS};
use crate::view_model::share_replay::replay;

use super::Store;

/// Where a run started: a preset by name or a whole scenario, with a seed.
#[derive(Clone, Debug)]
pub struct Start {
    /// The preset's name, when it came from one.
    pub preset: Option<String>,
    /// The whole scenario, when it came from a file.
    pub scenario: Option<Box<Scenario>>,
    /// The seed it started with.
    pub seed: u64,
}

impl Start {
    /// A run of preset `name`.
    pub fn preset(name: &str, seed: u64) -> Start {
        Start { preset: Some(name.to_string()), scenario: None, seed }
    }

    /// A run of a scenario from a file.
    pub fn whole(s: &Scenario, seed: u64) -> Start {
        Start { preset: None, scenario: Some(Box::new(s.clone())), seed }
    }
}

impl Store {
    /// Records a change made now (built from the engine's position: events processed, time).
    pub(super) fn record(&self, op: impl FnOnce(u64, u64) -> Op) {
        let (n, t) = self.sim.with_value(|s| (s.timers_fired(), s.now()));
        self.push_op(op(n, t));
    }

    /// Records a change already stamped with its position.
    pub(super) fn push_op(&self, op: Op) {
        // Beyond the limit a link could not hold the run; `share_state` says so.
        self.ops.update_value(|ops| {
            if ops.len() <= MAX_OPS {
                ops.push(op);
            }
        });
        self.shared.update(|r| *r += 1);
    }

    /// The page's state now, as a link or the autosave holds it.
    pub fn share_state(&self) -> ShareState {
        let start = self.start.get_value();
        let at = self.sim.with_value(|s| At(s.timers_fired(), s.now()));
        ShareState {
            preset: start.preset,
            scenario: start.scenario,
            seed: start.seed,
            speed: self.speed.get_untracked(),
            paused: !self.playing.get_untracked(),
            ops: self.ops.get_value(),
            at,
            lesson: None,
            step: None,
        }
    }

    /// Plays `state` back and puts the page in it. On failure nothing
    /// changes and the reason comes back, for the page to show.
    pub fn restore(&self, state: &ShareState) -> Result<(), String> {
        let played = replay(state).map_err(|e| e.0)?;
        let mut sim = played.sim;
        sim.set_recording(true);
        let scenario = sim.scenario().clone();
        let seed = match state.ops.iter().rev().find_map(|op| match op {
            Op::Reset { seed, .. } => Some(*seed),
            Op::Edit { .. } | Op::Rebuild { .. } => None,
        }) {
            Some(seed) => seed,
            None => state.seed,
        };
        self.drop_jump();
        self.forget_history();
        self.run_error.set(None);
        self.notice.set(None);
        self.error.set(None);
        self.flights.update_value(|f| {
            f.clear();
            f.shape_links(&scenario);
        });
        self.sim.set_value(sim);
        self.narrator.update_value(super::Narrator::reset);
        self.edits.update_value(Vec::clear);
        self.original.set_value(played.start.clone());
        self.preset.set(played.start.name.clone());
        self.start.set_value(Start {
            preset: state.preset.clone(),
            scenario: state.scenario.clone(),
            seed: state.seed,
        });
        self.ops.set_value(state.ops.clone());
        self.seed.set(seed);
        self.speed.set(state.speed);
        self.playing.set(!state.paused);
        self.selected.set(None);
        self.revision.update(|r| *r += 1);
        self.shared.update(|r| *r += 1);
        self.refresh();
        Ok(())
    }
}
