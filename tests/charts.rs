//! What the charts' tracks say against what the engine did: a breaker's
//! short half-open trials show in its once-a-second state track; the
//! theory card says why its prediction misses when the run breaks the
//! model's assumptions.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::breaker::BreakerState;
use patchbay::engine::event::EventKind;
use patchbay::engine::lesson::{self, run_to_step};
use patchbay::engine::metrics::{Key, Owner};
use patchbay::engine::{presets, Simulation, SECOND};
use patchbay::view_model::chart_series;

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

/// The queue lesson: its first step (no crash yet) shows the model as it
/// is; its last (poison messages crashed the workers and came back, and the
/// measured wait of about 1.3 ms sits far above a prediction under
/// 0.01 ms) says that the model assumes workers that never stop and
/// messages served once, which this run broke.
#[test]
fn the_theory_card_says_why_the_poison_run_misses_the_prediction() {
    let l = lesson::builtin("queue").expect("lesson");
    let card = |k: usize| {
        let sim = run_to_step(&l, k).expect("runs");
        let s = sim.scenario();
        let i = chart_series::summary_theory_node(s).expect("a theory card");
        chart_series::theory(s, sim.metrics(), i, sim.now()).expect("theory")
    };
    let first = card(0);
    assert!(first.departures.none(), "{:?}", first.departures);
    assert_eq!(first.assumption_words(), None);
    let last = card(l.steps.len() - 1);
    assert!(last.far_from_prediction(), "measured {} ms, predicted {}", last.measured_ms, last.predicted_text());
    assert_eq!(last.departures.crashes, 9, "three poison messages, three crashes each");
    assert!(last.departures.redeliveries > 0);
    let words = last.assumption_words().expect("the card says why");
    assert!(words.contains("workers that never stop") && words.contains("the workers crashed 9 times"), "{words}");
}
