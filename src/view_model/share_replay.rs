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
use crate::engine::{presets, Simulation};

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
fn advance(sim: &mut Simulation, at: At, what: &str) -> Result<(), ShareError> {
    let At(n, t) = at;
    if t < sim.now() {
        return Err(ShareError(format!("{what} goes back in simulated time")));
    }
    let failed = |e: crate::engine::SimError| ShareError(format!("the run stopped before {what}: {e}"));
    while sim.timers_fired() < n && sim.next_event_time().is_some_and(|next| next <= t) {
        sim.step().map_err(failed)?;
    }
    if sim.now() < t {
        sim.run_until(t).map_err(failed)?;
    }
    Ok(())
}

/// Plays `state` back (see the module's description).
pub fn replay(state: &ShareState) -> Result<Replayed, ShareError> {
    state.check()?;
    let start = start_scenario(state)?;
    let mut sim = fresh(start.clone(), state.seed)?;
    for (i, op) in state.ops.iter().enumerate() {
        let what = format!("change {}", i + 1);
        advance(&mut sim, op.at(), &what)?;
        match op {
            Op::Edit { edit, .. } => {
                sim.apply(edit).map_err(|e| ShareError(format!("{what} was refused: {e}")))?;
                let now = sim.now();
                sim.run_until(now).map_err(|e| ShareError(format!("the run stopped at {what}: {e}")))?;
            }
            Op::Rebuild { edits, .. } => {
                sim = sim.rebuilt_with(edits).map_err(|e| ShareError(format!("{what} was refused: {e}")))?;
            }
            Op::Reset { seed, .. } => sim = fresh(sim.scenario().clone(), *seed)?,
        }
    }
    advance(&mut sim, state.at, "the link's time")?;
    Ok(Replayed { sim, start })
}
