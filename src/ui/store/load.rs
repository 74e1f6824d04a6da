//! Where a run starts: a preset by name (the scenario picker, and a
//! lesson, whose scenario is a preset), a scenario from a file, a link's
//! `?seed=`, and Reset (the same scenario again on a seed). Each starts
//! the simulation over from time zero and clears what the page drew of
//! the last run. A share link or the autosave starts in `restore.rs`.

use leptos::prelude::*;

use crate::engine::presets;
use crate::engine::scenario::Scenario;
use crate::engine::Simulation;
use crate::view_model::narration::Narrator;

use super::{Start, Store};

/// Preset `name`, else the default preset, else an empty scenario (the
/// presets are built in and tested, so the last is never expected).
pub(super) fn load_preset(name: &str) -> Scenario {
    presets::load(name).or_else(|| presets::load(presets::DEFAULT)).unwrap_or_else(|| Scenario {
        version: crate::engine::scenario::FORMAT_VERSION,
        name: "empty".into(),
        description: String::new(),
        seed: 0,
        nodes: vec![],
        links: vec![],
        sources: vec![],
        faults: vec![],
        monitors: vec![],
    })
}

/// A simulation of `s` on `seed` as the page runs it: recording its
/// events and hashing its trace; `None` when the engine refuses the scenario.
pub(super) fn new_sim(s: Scenario, seed: u64) -> Option<Simulation> {
    let mut sim = Simulation::with_seed(s, seed).ok()?;
    sim.set_recording(true);
    // A share link is checked by its hash: the same run gives the same one.
    sim.enable_trace_hash();
    Some(sim)
}

impl Store {
    /// Loads a preset from scratch.
    pub fn load(&self, name: &str) {
        let scenario = load_preset(name);
        let seed = scenario.seed;
        self.set_original(&scenario);
        self.imported.set(None);
        self.preset.set(scenario.name.clone());
        self.seed.set(seed);
        self.forget_history();
        self.starts.update(|n| *n += 1);
        self.start.set_value(Start::preset(&scenario.name, seed));
        self.ops.set_value(Vec::new());
        self.restart(scenario, seed);
    }

    /// Loads a scenario from a file (already parsed and validated); `from`
    /// names it on the page (the file's name).
    pub fn load_scenario(&self, scenario: Scenario, from: String) {
        let seed = scenario.seed;
        self.start.set_value(Start::whole(&scenario, seed));
        self.ops.set_value(Vec::new());
        self.set_original(&scenario);
        self.imported.set(Some(from));
        self.preset.set(scenario.name.clone());
        self.seed.set(seed);
        self.forget_history();
        self.starts.update(|n| *n += 1);
        self.restart(scenario, seed);
    }

    /// Starts the run again from time zero on `seed` as its start seed (a
    /// link's `?seed=`): share links then carry it as where the run began,
    /// not as a change made to it.
    pub fn start_on_seed(&self, seed: u64) {
        self.seed.set(seed);
        self.start.update_value(|s| s.seed = seed);
        self.restart(self.scenario(), seed);
    }

    /// Starts the current (edited) scenario again from time zero, with `seed`.
    pub fn reset(&self, seed: u64) {
        let scenario = self.scenario();
        self.seed.set(seed);
        self.record(|n, t| crate::view_model::share::Op::Reset { n, t, seed });
        self.restart(scenario, seed);
    }

    /// Starts `scenario` from time zero on `seed`: the simulation, what was
    /// drawn and told of the last run, its edits and the selection start over.
    pub(super) fn restart(&self, scenario: Scenario, seed: u64) {
        self.drop_jump();
        self.run_error.set(None);
        self.notice.set(None);
        self.flights.update_value(|f| {
            f.clear();
            f.shape_links(&scenario);
        });
        match new_sim(scenario, seed) {
            Some(sim) => self.sim.set_value(sim),
            None => self.run_error.set(Some("This scenario cannot run.".into())),
        }
        self.narrator.update_value(Narrator::reset);
        self.journeys.clear();
        self.story_reset();
        self.edits.update_value(Vec::clear);
        self.selected.set(None);
        self.revision.update(|r| *r += 1);
        self.shared.update(|r| *r += 1);
        self.refresh();
    }
}
