//! Plays a [`ShareState`] back: the start scenario with its seed, each
//! change at the engine position where it was made, then on to the
//! state's position. The page made its run the same way (its store
//! records each change with its position), so the result is the same
//! simulation, event for event: the same trace hash.
//!
//! The work is bounded: every position is at most an hour of simulated
//! time (checked when decoding), the engine's run guards stop runaway
//! scenarios, and at most [`super::share::MAX_OPS`] changes are replayed.

use super::share::{At, Op, ShareError, ShareState};
use crate::engine::scenario::Scenario;
use crate::engine::{presets, Event, Simulation};

/// Events kept while playing back (for the trace download), at most `max`.
#[derive(Debug, Default)]
pub struct Tap {
    /// The events, in order, from time zero.
    pub events: Vec<Event>,
    /// Most events kept.
    pub max: usize,
    /// True when events after the first `max` were left out.
    pub truncated: bool,
}

impl Tap {
    /// A tap keeping at most `max` events.
    pub fn new(max: usize) -> Tap {
        Tap { events: Vec::new(), max, truncated: false }
    }

    fn take(&mut self, sim: &mut Simulation) {
        let events = sim.drain_events();
        let room = self.max - self.events.len();
        if events.len() > room {
            self.truncated = true;
        }
        self.events.extend(events.into_iter().take(room));
        if self.events.len() >= self.max {
            sim.set_recording(false);
        }
    }
}

/// What playing a state back gives the page.
pub struct Replayed {
    /// The simulation at the state's position, hashing its trace.
    pub sim: Simulation,
    /// The scenario the run started from (the preset, or the whole scenario).
    pub start: Scenario,
}

/// The scenario a state starts from, or why there is none.
pub fn start_scenario(state: &ShareState) -> Result<Scenario, ShareError> {
    match (&state.preset, &state.scenario) {
        (Some(name), _) => presets::load(name).ok_or_else(|| {
            ShareError(format!("the link asks for the scenario \"{name}\", which this Patchbay does not have"))
        }),
        (None, Some(s)) => Ok((**s).clone()),
        (None, None) => Err(ShareError("the link names no scenario".into())),
    }
}

/// A new simulation of `scenario` with `seed`, hashing its trace, or the first problem.
fn fresh(scenario: Scenario, seed: u64) -> Result<Simulation, ShareError> {
    let mut sim = Simulation::with_seed(scenario, seed).map_err(|problems| {
        let first = problems.first().map_or_else(String::new, ToString::to_string);
        ShareError(format!("the link's scenario is not valid: {first}"))
    })?;
    sim.enable_trace_hash();
    Ok(sim)
}

/// Runs `sim` to position `at`: events up to the count (none past the
/// time), then the clock to the time.
fn advance(sim: &mut Simulation, at: At, what: &str, tap: &mut Option<&mut Tap>) -> Result<(), ShareError> {
    let At(n, t) = at;
    if t < sim.now() {
        return Err(ShareError(format!("{what} goes back in simulated time")));
    }
    let failed = |e: crate::engine::SimError| ShareError(format!("the run stopped before {what}: {e}"));
    let mut since_take = 0u32;
    while sim.timers_fired() < n && sim.next_event_time().is_some_and(|next| next <= t) {
        sim.step().map_err(failed)?;
        since_take += 1;
        if since_take == 4096 {
            // The recorder holds a few thousand events at most.
            since_take = 0;
            if let Some(tap) = tap.as_deref_mut() {
                tap.take(sim);
            }
        }
    }
    if sim.now() < t {
        sim.run_until(t).map_err(failed)?;
    }
    if let Some(tap) = tap.as_deref_mut() {
        tap.take(sim);
    }
    Ok(())
}

/// Plays `state` back (see the module's description).
pub fn replay(state: &ShareState) -> Result<Replayed, ShareError> {
    replay_into(state, None)
}

/// [`replay`], keeping the run's first events in `tap` (the trace download).
pub fn replay_into(state: &ShareState, mut tap: Option<&mut Tap>) -> Result<Replayed, ShareError> {
    state.check()?;
    let start = start_scenario(state)?;
    let mut sim = fresh(start.clone(), state.seed)?;
    let recording = tap.as_ref().is_some_and(|t| t.max > 0);
    sim.set_recording(recording);
    for (i, op) in state.ops.iter().enumerate() {
        let what = format!("change {}", i + 1);
        advance(&mut sim, op.at(), &what, &mut tap)?;
        match op {
            Op::Edit { edit, .. } => {
                sim.apply(edit).map_err(|e| ShareError(format!("{what} was refused: {e}")))?;
                let now = sim.now();
                sim.run_until(now).map_err(|e| ShareError(format!("the run stopped at {what}: {e}")))?;
            }
            Op::Rebuild { edits, .. } => {
                sim = sim.rebuilt_with(edits).map_err(|e| ShareError(format!("{what} was refused: {e}")))?;
            }
            Op::Reset { seed, .. } => {
                sim = fresh(sim.scenario().clone(), *seed)?;
                sim.set_recording(recording);
            }
        }
        if let Some(tap) = tap.as_deref_mut() {
            // The trace is of the run as it now stands: a change that starts it again starts the trace again.
            if matches!(op, Op::Rebuild { .. } | Op::Reset { .. }) {
                tap.events.clear();
                tap.truncated = false;
                sim.set_recording(recording);
            }
        }
    }
    advance(&mut sim, state.at, "the link's time", &mut tap)?;
    Ok(Replayed { sim, start })
}
