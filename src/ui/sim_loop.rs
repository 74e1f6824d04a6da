//! The animation loop: once per frame, advance simulated time by wall time ×
//! speed, take in the events, and redraw the messages in flight.

use leptos::prelude::*;

use super::browser::now_ms;
use super::flights_canvas::draw;
use super::store::Store;

/// Longest wall-time step a frame may take: after a hidden tab or a long
/// pause the simulation resumes where it was instead of jumping ahead.
const MAX_FRAME_MS: f64 = 100.0;

/// How many frame timings the debug overlay keeps.
const FRAME_SAMPLES: usize = 240;

/// Starts the loop; it runs for the life of the page.
pub fn start(store: Store, canvas: NodeRef<leptos::html::Canvas>) {
    fn frame(store: Store, canvas: NodeRef<leptos::html::Canvas>, last: Option<f64>, carry: f64) {
        let started = now_ms();
        let mut carry = carry;
        let speed = store.speed.get_untracked();
        if store.playing.get_untracked() {
            if let Some(prev) = last {
                let wall = (started - prev).clamp(0.0, MAX_FRAME_MS);
                // Keep the fraction of a microsecond so slow speeds still move.
                let sim = wall * 1_000.0 * speed + carry;
                let whole = sim.floor();
                carry = sim - whole;
                store.advance(whole as u64);
            }
        }
        // Marks stay visible for about 0.8 s of wall time at any speed.
        let mark_ttl = (800.0 * 1_000.0 * speed).clamp(1.0, 30_000_000.0) as u64;
        store.prune_flights(mark_ttl);
        let draw_started = now_ms();
        draw(store, canvas, mark_ttl);
        let done = now_ms();
        push_sample(store.frame_work, done - started);
        push_sample(store.draw_work, done - draw_started);
        request_animation_frame(move || frame(store, canvas, Some(started), carry));
    }
    request_animation_frame(move || frame(store, canvas, None, 0.0));
}

fn push_sample(samples: StoredValue<Vec<f64>, LocalStorage>, value: f64) {
    samples.update_value(|w| {
        if w.len() == FRAME_SAMPLES {
            w.remove(0);
        }
        w.push(value);
    });
}
