//! Plays a [`ShareState`] back: the start scenario with its seed, each
//! change at the engine position where it was made, then on to the
//! state's position. The page made its run the same way (its store
//! records each change with its position), so the result is the same
//! simulation, event for event: the same trace hash.
//!
//! The work is bounded: every position is at most an hour of simulated
//! time (checked when decoding), the engine's run guards stop runaway
//! scenarios, and at most [`super::share::MAX_OPS`] changes are replayed.
//!
//! [`replay`] does it all at once (the trace download, the tests); the
//! page opens a link with [`Playback`], the same steps cut into budgeted
//! slices so the tab keeps drawing, with progress and Cancel.

use super::run::{run_toward, CHUNK_EVENTS, RECORD_WINDOW};
use super::share::{At, Op, ShareError, ShareState};
use crate::engine::scenario::Scenario;
use crate::engine::time::Micros;
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

    fn keep(&mut self, events: &[Event]) {
        let room = self.max.saturating_sub(self.events.len());
        if events.len() > room {
            self.truncated = true;
        }
        self.events.extend_from_slice(&events[..events.len().min(room)]);
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

/// Plays `state` back (see the module's description).
pub fn replay(state: &ShareState) -> Result<Replayed, ShareError> {
    replay_into(state, None)
}

/// [`replay`], keeping the run's first events in `tap` (the trace
/// download): a [`Playback`] driven to its end in one go, recording from
/// time zero. A change that starts the run again starts the trace again.
pub fn replay_into(state: &ShareState, mut tap: Option<&mut Tap>) -> Result<Replayed, ShareError> {
    let window = tap.as_ref().is_some_and(|t| t.max > 0).then_some(Micros::MAX);
    let (mut playback, mut sim, start) = Playback::with_window(state, window)?;
    let full = std::cell::Cell::new(false);
    loop {
        let played = playback.slice(
            &mut sim,
            || !full.get(),
            |e| {
                if let Some(tap) = tap.as_deref_mut() {
                    tap.keep(e);
                    full.set(tap.truncated);
                }
            },
        )?;
        // A full tap with no restart ahead already holds the trace's first
        // events: the rest of the run would be played for nothing (an hour
        // of a busy scenario would hold the tab for seconds).
        if played.restarted {
            if let Some(tap) = tap.as_deref_mut() {
                tap.events.clear();
                tap.truncated = false;
            }
            full.set(false);
        }
        if full.get() && !played.done && !playback.restarts_ahead() {
            return Ok(Replayed { sim, start });
        }
        if played.done {
            return Ok(Replayed { sim, start });
        }
    }
}

/// A state played back a slice at a time (opening a link in the page;
/// [`replay`] drives one to its end at once): each change applied when
/// the run reaches the position stamped on it. Like a fast-forward to a
/// time, the page's records only the last [`RECORD_WINDOW`] before the
/// link's time.
#[derive(Debug)]
pub struct Playback {
    ops: Vec<Op>,
    /// The next change to apply.
    next: usize,
    /// Where the link's run is.
    at: At,
    recording: bool,
    /// Events are recorded within this much simulated time of the link's
    /// time (`None`: never).
    window: Option<Micros>,
    /// Past the event count, running out the events due by the time.
    draining: bool,
}

/// Where a playback stands after a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Played {
    /// True once every change is applied and the run is at the link's position.
    pub done: bool,
    /// True when a change started the run again (a new simulation: its
    /// scenario's shape may differ).
    pub restarted: bool,
}

/// Steps `sim` toward `at` (events up to the count,
/// none past the time; then, if the clock is short of the time, every
/// event due by it and the clock to it: [`run_toward`]'s slices), asking
/// `more_time` between chunks. `draining` keeps which of the two phases
/// it is in across slices: once draining, events at the target instant are
/// all processed, even when a slice ended among them. True when there.
fn advance_sliced(
    sim: &mut Simulation,
    at: At,
    draining: &mut bool,
    more_time: &mut impl FnMut(&mut Simulation) -> bool,
) -> Result<bool, crate::engine::SimError> {
    let At(n, t) = at;
    loop {
        for _ in 0..CHUNK_EVENTS {
            if !*draining {
                let due = sim.next_event_time().is_some_and(|next| next <= t);
                if due && sim.timers_fired() < n {
                    sim.step()?;
                    continue;
                }
                if sim.now() >= t {
                    return Ok(true);
                }
                *draining = true;
            }
            let reached = run_toward(sim, t, &mut *more_time)?.reached;
            *draining = !reached;
            return Ok(reached);
        }
        if !more_time(sim) {
            return Ok(false);
        }
    }
}

impl Playback {
    /// Checks `state` and makes its start: the simulation at time zero
    /// (hashing its trace, not recording), the scenario it started from,
    /// and the playback to drive it to the state's position.
    pub fn new(state: &ShareState) -> Result<(Playback, Simulation, Scenario), ShareError> {
        Playback::with_window(state, Some(RECORD_WINDOW))
    }

    fn with_window(state: &ShareState, window: Option<Micros>) -> Result<(Playback, Simulation, Scenario), ShareError> {
        state.check()?;
        let start = start_scenario(state)?;
        let mut sim = fresh(start.clone(), state.seed)?;
        sim.set_recording(false);
        let playback =
            Playback { ops: state.ops.clone(), next: 0, at: state.at, recording: false, window, draining: false };
        Ok((playback, sim, start))
    }

    /// The simulated time (µs) the link's run is at.
    pub fn target(&self) -> Micros {
        self.at.1
    }

    /// True if a change still to come starts the run again from zero.
    pub fn restarts_ahead(&self) -> bool {
        self.ops[self.next..].iter().any(|op| matches!(op, Op::Rebuild { .. } | Op::Reset { .. }))
    }

    /// The changes applied so far, in order: what the page's run now holds.
    pub fn applied(&self) -> &[Op] {
        &self.ops[..self.next]
    }

    /// Advances the playback until it is done or `more_time()` says the
    /// frame's budget is spent (asked between chunks of events). Recorded
    /// events are handed to `take`. An error stops it where it got to.
    pub fn slice(
        &mut self,
        sim: &mut Simulation,
        mut more_time: impl FnMut() -> bool,
        mut take: impl FnMut(&[Event]),
    ) -> Result<Played, ShareError> {
        let (target, window) = (self.at.1, self.window);
        let mut between = |s: &mut Simulation, recording: &mut bool| {
            sync_recording(s, recording, target, window, &mut take);
        };
        loop {
            between(sim, &mut self.recording);
            let (goal, what) = match self.ops.get(self.next) {
                Some(op) => (op.at(), format!("change {}", self.next + 1)),
                None => (self.at, "the link's time".to_string()),
            };
            if goal.1 < sim.now() {
                return Err(ShareError(format!("{what} goes back in simulated time")));
            }
            let recording = &mut self.recording;
            let reached = advance_sliced(sim, goal, &mut self.draining, &mut |s| {
                between(s, recording);
                more_time()
            })
            .map_err(|e| ShareError(format!("the run stopped before {what}: {e}")))?;
            if !reached {
                return Ok(Played { done: false, restarted: false });
            }
            let Some(op) = self.ops.get(self.next) else {
                between(sim, &mut self.recording);
                return Ok(Played { done: true, restarted: false });
            };
            match op {
                Op::Edit { edit, .. } => {
                    sim.apply(edit).map_err(|e| ShareError(format!("{what} was refused: {e}")))?;
                    let now = sim.now();
                    sim.run_until(now).map_err(|e| ShareError(format!("the run stopped at {what}: {e}")))?;
                }
                Op::Rebuild { edits, .. } => {
                    between(sim, &mut self.recording);
                    *sim = sim.rebuilt_with(edits).map_err(|e| ShareError(format!("{what} was refused: {e}")))?;
                    self.next += 1;
                    // The caller starts what it shows (and a trace) again.
                    return Ok(Played { done: false, restarted: true });
                }
                Op::Reset { seed, .. } => {
                    between(sim, &mut self.recording);
                    *sim = fresh(sim.scenario().clone(), *seed)?;
                    sim.set_recording(self.recording);
                    self.next += 1;
                    return Ok(Played { done: false, restarted: true });
                }
            }
            self.next += 1;
            if !more_time() {
                between(sim, &mut self.recording);
                return Ok(Played { done: false, restarted: false });
            }
        }
    }

    /// Ends the playback (done or cancelled): hands over what is recorded
    /// and leaves the simulation recording, as the page expects.
    pub fn finish(&mut self, sim: &mut Simulation, mut take: impl FnMut(&[Event])) {
        if self.recording {
            take(&sim.drain_events());
        } else {
            sim.set_recording(true);
            self.recording = true;
        }
    }
}

/// Records only within `window` of `target`; hands over what was recorded.
fn sync_recording(
    sim: &mut Simulation,
    recording: &mut bool,
    target: Micros,
    window: Option<Micros>,
    take: &mut impl FnMut(&[Event]),
) {
    if *recording {
        take(&sim.drain_events());
    }
    let want = window.is_some_and(|w| sim.now().saturating_add(w) >= target);
    if want != *recording {
        sim.set_recording(want);
        *recording = want;
    }
}
