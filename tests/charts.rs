//! What the charts' tracks say against what the engine did: a breaker's
//! short half-open trials show in its once-a-second state track.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::breaker::BreakerState;
use patchbay::engine::event::EventKind;
use patchbay::engine::metrics::{Key, Owner};
use patchbay::engine::{presets, Simulation, SECOND};

#[test]
fn the_breaker_track_shows_every_half_open_trial() {
    let mut s = Simulation::new(presets::load("cascade-protected").expect("preset")).expect("valid");
    s.set_tracks(true);
    s.set_recording(true);
    s.run_until(25 * SECOND).expect("runs");
    let trials: Vec<(u32, u64)> = s
        .drain_events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::BreakerChanged { link, to: BreakerState::HalfOpen, .. } => Some((link, e.t)),
            _ => None,
        })
        .collect();
    assert!(trials.len() >= 2, "the preset's breaker tries again after each open period: {trials:?}");
    for (link, t) in trials {
        let points = s.metrics().tracks.points(Owner::Link(link as usize), Key::Breaker);
        // The first sample at or after the trial reads half-open (1), even if the breaker opened again before it.
        let next = points.iter().find(|(at, _)| *at >= t).expect("a sample after the trial");
        assert_eq!(next.1, 1.0, "half-open at {t} µs reads {} at {}", next.1, next.0);
    }
}
