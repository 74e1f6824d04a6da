//! Bounded work per animation frame. The page never asks the engine for an
//! unbounded amount of work: it advances the simulation [`CHUNK_EVENTS`]
//! events at a time and asks, between chunks, whether the frame's time
//! budget has room for more (the caller owns the clock; nothing here reads
//! one). A run that cannot keep up lags: its clock stays at the last event
//! processed and never jumps.
//!
//! Fast-forwards ([`Jump`]: to a simulated time, or to the next notable
//! event) run in the same slices across frames. A jump to a time records
//! every event of its last [`RECORD_WINDOW`], which is all the final
//! picture (messages on the wire, recent marks) and the narrator need, and
//! before that only the notable ones ([`is_notable`]), so the event log
//! still lists the crash or the stuck saga a lesson step jumped over.

use crate::engine::event::Event;
use crate::engine::time::{Micros, SECOND};
use crate::engine::{SimError, Simulation};

use super::narration::is_notable;

/// Events processed between two looks at the clock.
pub const CHUNK_EVENTS: u64 = 64;
/// Wall milliseconds of simulation work a frame may spend (of about 16.7).
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// A jump to a time records every event of this last stretch of simulated
/// time; before it, only the notable ones.
pub const RECORD_WINDOW: Micros = 2 * SECOND;
/// "Next notable" looks this far ahead in simulated time, then gives up.
pub const NOTABLE_HORIZON: Micros = 60 * SECOND;
/// The furthest a link (`?at=`) can start a run, in simulated seconds.
pub const MAX_AT_SECONDS: f64 = 3_600.0;

/// What one slice of work did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    /// Events processed.
    pub events: u64,
    /// True when every event due by the target was processed and the clock set to it.
    pub reached: bool,
}

/// Processes the events due at or before `target`, [`CHUNK_EVENTS`] at a
/// time; after each chunk `between(sim)` says whether to go on. When all
/// are done the clock is set to `target`; when `between` stops the run
/// first, the clock stays at the last event processed (it lags, it does not jump).
pub fn run_toward(
    sim: &mut Simulation,
    target: Micros,
    mut between: impl FnMut(&mut Simulation) -> bool,
) -> Result<Slice, SimError> {
    let mut events = 0;
    loop {
        for _ in 0..CHUNK_EVENTS {
            if sim.next_event_time().is_none_or(|t| t > target) {
                let until = target.max(sim.now());
                sim.run_until(until)?;
                return Ok(Slice { events, reached: true });
            }
            sim.step()?;
            events += 1;
        }
        if !between(sim) {
            return Ok(Slice { events, reached: false });
        }
    }
}

/// `?at=SECONDS` as a simulated time: positive and finite, at most [`MAX_AT_SECONDS`].
pub fn at_from_query(value: &str) -> Option<Micros> {
    value.trim().parse::<f64>().ok().and_then(at_from_seconds)
}

/// A `?at=` value (`raw` as written, `parsed` as the browser read it, `None`
/// when it is not a decimal number, infinite when too large to read): where to fast-forward, if anywhere, and
/// a note for the page when the value was not used as written.
pub fn at_from_link(raw: &str, parsed: Option<f64>) -> (Option<Micros>, Option<String>) {
    let shown: String = raw.chars().take(40).collect();
    // Too large to read (`1e400`, infinite) is past the longest fast-forward, not "no time".
    let parsed = parsed.map(|s| if s == f64::INFINITY { f64::MAX } else { s });
    match parsed.and_then(at_from_seconds) {
        None => (None, Some(format!("?at={shown} is not a time after the start, so the run starts at 0 s."))),
        Some(at) if parsed.is_some_and(|s| s > MAX_AT_SECONDS) => (
            Some(at),
            Some(format!("?at={shown} is past the longest fast-forward, so the run goes to {MAX_AT_SECONDS} s.")),
        ),
        Some(at) => (Some(at), None),
    }
}

/// A `?paused=` value: whether to start paused, and a note for the page
/// when the value is neither 1 nor 0 (the run then plays, as without it).
pub fn paused_from_link(raw: &str) -> (bool, Option<String>) {
    match raw {
        "1" | "true" => (true, None),
        "0" | "false" => (false, None),
        _ => {
            let shown: String = raw.chars().take(40).collect();
            (false, Some(format!("?paused={shown} is not 1 or 0, so the run plays.")))
        }
    }
}

/// A `?seed=` value: the seed to start the run on, and a note for the page
/// when it is not a whole number from 0 up (the run then keeps `current`,
/// the scenario's own seed), as the Seed box says.
pub fn seed_from_link(raw: &str, current: u64) -> (Option<u64>, Option<String>) {
    match raw.trim().parse::<u64>() {
        Ok(seed) => (Some(seed), None),
        Err(_) => {
            let shown: String = raw.chars().take(40).collect();
            let digits = raw.trim().strip_prefix('+').unwrap_or(raw.trim());
            let why = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                format!("is larger than the largest seed, {}", u64::MAX)
            } else {
                "is not a whole number from 0 up".to_string()
            };
            (None, Some(format!("?seed={shown} {why}, so the run keeps its seed, {current}.")))
        }
    }
}

/// Why a link's `?seed=` was not used, when what opened starts on a seed
/// of its own, `own`: a lesson (its text is written for that run) or a
/// share link's state after `#`. `None` when the two agree (the seed was
/// the run's start seed all along).
pub fn seed_not_used(seed: u64, own: u64, lesson: bool) -> Option<String> {
    let (before, after) = if lesson {
        ("a lesson runs on its own seed, ", ", which its text is written for.")
    } else {
        ("the run saved in the link (after # in the address) started on seed ", ".")
    };
    (seed != own).then(|| format!("?seed={seed} was not used: {before}{own}{after}"))
}

/// Why a link's `?at=` was not used: with `?lesson=` the step sets the
/// time (`lesson`), and a share link's state after `#` opens at the moment
/// it was saved, its changes stamped on the way there (going elsewhere
/// would not be the run it holds).
pub fn at_not_used(raw: &str, lesson: bool) -> String {
    let shown: String = raw.chars().take(40).collect();
    format!("?at={shown} was not used: {}.", if lesson { AT_LESSON } else { AT_LINK })
}

const AT_LESSON: &str = "a lesson step runs to its own time";
const AT_LINK: &str = "the run saved in the link (after # in the address) opens at the moment it was saved";

/// The same for a number already read (the page lets the browser convert
/// the text, which keeps Rust's float parser out of the download).
pub fn at_from_seconds(s: f64) -> Option<Micros> {
    let s = Some(s).filter(|s| s.is_finite() && *s > 0.0)?;
    Some((s.min(MAX_AT_SECONDS) * SECOND as f64) as Micros)
}

/// What a fast-forward is after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JumpKind {
    /// A simulated time.
    To,
    /// The next notable event, looking at most up to the target.
    Notable,
    /// A share link played back to its time (`share_replay::Playback`
    /// does the work; the jump only shows the progress).
    Link,
}

/// Where a fast-forward stands after a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JumpState {
    /// Not there yet: continue in the next frame.
    Running,
    /// The clock reached the target time.
    Arrived,
    /// A notable event happened; the clock is at it.
    Found,
    /// Nothing notable up to the horizon; the clock is at the horizon.
    GaveUp,
}

/// A fast-forward in progress, advanced one slice per frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jump {
    /// What it is after.
    pub kind: JumpKind,
    /// The simulated time it started from.
    pub from: Micros,
    /// The simulated time it goes to (for [`JumpKind::Notable`], the horizon).
    pub target: Micros,
    /// Whether the simulation records every event right now (else only the notable ones).
    recording: bool,
}

impl Jump {
    /// A jump to simulated time `target` (no earlier than now). The
    /// simulation must be recording, as the page's always is between jumps.
    pub fn to(sim: &Simulation, target: Micros) -> Jump {
        Jump { kind: JumpKind::To, from: sim.now(), target: target.max(sim.now()), recording: true }
    }

    /// The progress of a share link played back from time zero to `target`.
    pub fn link(target: Micros) -> Jump {
        Jump { kind: JumpKind::Link, from: 0, target, recording: true }
    }

    /// A search for the next notable event, up to [`NOTABLE_HORIZON`] ahead.
    pub fn notable(sim: &Simulation) -> Jump {
        let from = sim.now();
        Jump { kind: JumpKind::Notable, from, target: from.saturating_add(NOTABLE_HORIZON), recording: true }
    }

    /// Advances the jump until it ends or `more_time()` says the frame's
    /// budget is spent (asked between chunks of events). Every recorded
    /// event is handed to `take`, a chunk at a time, so nothing piles up.
    pub fn slice(
        &mut self,
        sim: &mut Simulation,
        mut more_time: impl FnMut() -> bool,
        mut take: impl FnMut(&[Event]),
    ) -> Result<JumpState, SimError> {
        match self.kind {
            JumpKind::To | JumpKind::Link => {
                self.sync_recording(sim, &mut take);
                let slice = run_toward(sim, self.target, |s| {
                    self.sync_recording(s, &mut take);
                    more_time()
                })?;
                if slice.reached {
                    self.finish(sim, &mut take);
                    Ok(JumpState::Arrived)
                } else {
                    Ok(JumpState::Running)
                }
            }
            JumpKind::Notable => {
                take(&sim.drain_events());
                if !self.recording {
                    sim.set_recording(true);
                    self.recording = true;
                }
                loop {
                    for _ in 0..CHUNK_EVENTS {
                        if sim.next_event_time().is_none_or(|t| t > self.target) {
                            let until = self.target.max(sim.now());
                            sim.run_until(until)?;
                            take(&sim.drain_events());
                            return Ok(JumpState::GaveUp);
                        }
                        sim.step()?;
                        let events = sim.drain_events();
                        let found = events.iter().any(|e| is_notable(&e.kind));
                        take(&events);
                        if found {
                            return Ok(JumpState::Found);
                        }
                    }
                    if !more_time() {
                        return Ok(JumpState::Running);
                    }
                }
            }
        }
    }

    /// Ends the jump (arrived or cancelled): hands over what is recorded and
    /// leaves the simulation recording, as the page expects between jumps.
    pub fn finish(&mut self, sim: &mut Simulation, mut take: impl FnMut(&[Event])) {
        take(&sim.drain_events());
        if !self.recording {
            sim.set_recording(true);
            self.recording = true;
        }
    }

    /// Records every event within [`RECORD_WINDOW`] of the target and only
    /// the notable ones before; hands over what was recorded.
    fn sync_recording(&mut self, sim: &mut Simulation, take: &mut impl FnMut(&[Event])) {
        take(&sim.drain_events());
        let want = sim.now().saturating_add(RECORD_WINDOW) >= self.target;
        if want != self.recording {
            if want {
                sim.set_recording(true);
            } else {
                sim.set_recording_only(is_notable);
            }
            self.recording = want;
        }
    }

    /// Where the events of this jump that only the event log takes end: a
    /// jump to a time hands over the notable events far behind its target,
    /// which the log lists but nothing should draw or announce.
    pub fn log_only_before(&self) -> Micros {
        match self.kind {
            JumpKind::To => self.target.saturating_sub(RECORD_WINDOW),
            JumpKind::Notable | JumpKind::Link => 0,
        }
    }

    /// How far along it is at simulated time `now`, 0 to 1.
    pub fn fraction(&self, now: Micros) -> f64 {
        if self.target <= self.from {
            return 1.0;
        }
        (now.saturating_sub(self.from) as f64 / (self.target - self.from) as f64).clamp(0.0, 1.0)
    }

    /// What the progress indicator says at `now`, in words.
    pub fn progress_text(&self, now: Micros) -> String {
        match self.kind {
            JumpKind::To | JumpKind::Link => {
                format!("{} of {} simulated seconds", whole_seconds(now), whole_seconds(self.target))
            }
            JumpKind::Notable => format!(
                "{} of {} simulated seconds searched",
                whole_seconds(now.saturating_sub(self.from)),
                whole_seconds(self.target - self.from)
            ),
        }
    }

    /// The progress indicator's (minimum, value, maximum) in simulated
    /// seconds: the clock for a jump to a time, seconds searched for "Next notable".
    pub fn range_seconds(&self, now: Micros) -> (u64, u64, u64) {
        let s = |t: Micros| t / SECOND;
        match self.kind {
            JumpKind::To | JumpKind::Link => (s(self.from), s(now.clamp(self.from, self.target)), s(self.target)),
            JumpKind::Notable => {
                (0, s(now.saturating_sub(self.from).min(self.target - self.from)), s(self.target - self.from))
            }
        }
    }

    /// The heading of the progress indicator.
    pub fn title(&self) -> String {
        match self.kind {
            JumpKind::To => format!("Fast-forwarding to {} s", whole_seconds(self.target)),
            JumpKind::Link => format!("Restoring the run: replaying it to {} s", whole_seconds(self.target)),
            JumpKind::Notable => "Looking for the next notable event".to_string(),
        }
    }
}

/// The sentence shown when "Next notable" gives up.
pub fn gave_up_text(now: Micros) -> String {
    format!(
        "Nothing notable in the next {} simulated seconds; stopped at {} s. The run is calm: nothing crashed, failed or changed state. Select a node and start a fault to see what breaks, or press Play.",
        NOTABLE_HORIZON / SECOND,
        whole_seconds(now)
    )
}

/// Whole simulated seconds with thousands separated: "3,600".
pub fn whole_seconds(t: Micros) -> String {
    let digits = (t / SECOND).to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
