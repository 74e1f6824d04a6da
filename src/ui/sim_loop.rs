//! The animation loop. Once per frame, with a budget of
//! [`FRAME_BUDGET_MS`] of simulation work: either a slice of the
//! fast-forward under way, or, when playing, advance simulated time by wall
//! time × speed, as far as the budget allows (a run that cannot keep up
//! lags and the page shows the speed it reaches). Then redraw the messages
//! in flight.

use std::collections::VecDeque;

use leptos::prelude::*;

use crate::view_model::pace::{reached_text, PaceMeter};
use crate::view_model::run::FRAME_BUDGET_MS;

use super::browser::now_ms;
use super::flights_canvas::draw;
use super::store::Store;

/// Longest wall-time step a frame may take: after a hidden tab or a long
/// pause the simulation resumes where it was instead of jumping ahead.
const MAX_FRAME_MS: f64 = 100.0;

/// A comparison's work ends this long (wall ms) after the frame began: it
/// takes what the run left of the frame, so ten simulated minutes of two
/// runs finish in well under a second without dropping frames.
const COMPARE_BUDGET_MS: f64 = 13.0;
/// The least a comparison gets per frame, even after a busy run.
const MIN_COMPARE_MS: f64 = 3.0;

/// How many frame timings the debug overlay keeps.
const FRAME_SAMPLES: usize = 240;

/// The reached-speed text changes at most this often (wall ms), so it can be read.
const REACHED_EVERY_MS: f64 = 500.0;

/// What the loop carries from one frame to the next.
#[derive(Default)]
struct LoopState {
    /// When the previous frame started.
    last: Option<f64>,
    /// The fraction of a microsecond not yet simulated (slow speeds still move).
    carry: f64,
    pace: PaceMeter,
    /// When the reached-speed text was last updated.
    reached_at: f64,
}

/// Starts the loop; it runs for the life of the page.
pub fn start(store: Store, canvas: NodeRef<leptos::html::Canvas>) {
    fn frame(store: Store, canvas: NodeRef<leptos::html::Canvas>, mut st: LoopState) {
        let started = now_ms();
        let deadline = started + FRAME_BUDGET_MS;
        let speed = store.speed.get_untracked();
        let wall = st.last.map(|prev| (started - prev).clamp(0.0, MAX_FRAME_MS));
        st.last = Some(started);
        let playing = store.playing.get_untracked();
        let jumping = store.is_jumping();
        if jumping {
            st.carry = 0.0;
            st.pace.clear();
            store.jump_slice(deadline);
            store.refresh();
        } else if let (true, Some(wall)) = (playing, wall) {
            let sim = wall * 1_000.0 * speed + st.carry;
            let whole = sim.floor();
            let (advanced, reached) = store.advance_within(whole as u64, deadline);
            // Behind schedule, the shortfall is dropped, not owed: the clock lags, it never jumps.
            st.carry = if reached { sim - whole } else { 0.0 };
            st.pace.record(wall, advanced, speed);
            store.refresh();
        } else {
            st.pace.clear();
            // Paused: what the narrator held back is still said once its gap has passed.
            store.flush_narration();
        }
        if store.is_comparing() {
            // What the frame has left up to COMPARE_BUDGET_MS, and never less than a chunk's worth.
            store.compare_slice((started + COMPARE_BUDGET_MS).max(now_ms() + MIN_COMPARE_MS));
        }
        let running = playing && !jumping;
        if !running || started - st.reached_at >= REACHED_EVERY_MS {
            let text = if running { reached_text(speed, st.pace.reached()) } else { None };
            if store.reached.with_untracked(|r| *r != text) {
                store.reached.set(text);
            }
            st.reached_at = started;
        }
        // Marks stay visible for about 0.8 s of wall time at the speed the run reaches.
        let pace = st.pace.reached().map_or(speed, |r| r.min(speed));
        let mark_ttl = (800.0 * 1_000.0 * pace).clamp(1.0, 30_000_000.0) as u64;
        store.prune_flights(mark_ttl);
        let draw_started = now_ms();
        draw(store, canvas, mark_ttl);
        let done = now_ms();
        push_sample(store.frame_work, done - started);
        push_sample(store.draw_work, done - draw_started);
        request_animation_frame(move || frame(store, canvas, st));
    }
    request_animation_frame(move || frame(store, canvas, LoopState::default()));
}

fn push_sample(samples: StoredValue<VecDeque<f64>, LocalStorage>, value: f64) {
    samples.update_value(|w| {
        if w.len() == FRAME_SAMPLES {
            w.pop_front();
        }
        w.push_back(value);
    });
}
