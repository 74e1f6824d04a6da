//! What a share link and the autosave hold of the run: where it started,
//! every change recorded with the engine's position, and the state as a
//! [`ShareState`]. Opening one is `restore.rs`.

use leptos::prelude::*;

use crate::engine::scenario::Scenario;
use crate::view_model::share::{At, Op, ShareState, MAX_OPS};

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
        // A change made while a link opens ends the playback where it got to:
        // the run is then the link's changes so far, then this one.
        self.end_playback();
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
            lesson: self.lesson_open.with_untracked(|l| l.as_ref().map(|(name, _)| name.clone())),
            // From 1 in the link, as in `?step=` and the embedding API.
            step: self.lesson_open.with_untracked(|l| l.as_ref().map(|(_, k)| *k as u32 + 1)),
        }
    }

    /// True while a share link is being played back.
    pub fn is_opening_link(&self) -> bool {
        self.playback.try_with_value(Option::is_some).unwrap_or(false)
    }
}
