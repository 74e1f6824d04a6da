use super::*;

#[test]
fn a_time_in_the_link_is_used_capped_or_refused_with_a_note() {
    assert_eq!(at_from_link("90", Some(90.0)), (Some(90 * SECOND), None));
    let (at, note) = at_from_link("-1", Some(-1.0));
    assert_eq!(at, None);
    assert_eq!(note.as_deref(), Some("?at=-1 is not a time after the start, so the run starts at 0 s."));
    assert_eq!(at_from_link("abc", None).0, None);
    let (at, note) = at_from_link("1e308", Some(1e308));
    assert_eq!(at, Some(3_600 * SECOND));
    assert_eq!(note.as_deref(), Some("?at=1e308 is past the longest fast-forward, so the run goes to 3600 s."));
    let (at, note) = at_from_link("1e400", Some(f64::INFINITY));
    assert_eq!(at, Some(3_600 * SECOND));
    assert_eq!(note.as_deref(), Some("?at=1e400 is past the longest fast-forward, so the run goes to 3600 s."));
}
use crate::engine::presets;

fn sim(name: &str) -> Simulation {
    let mut sim = Simulation::new(presets::load(name).expect("preset")).expect("valid");
    sim.set_recording(true);
    sim
}

#[test]
fn a_slice_out_of_time_lags_and_does_not_jump() {
    let mut s = sim("stress-2000");
    let mut chunks = 0;
    let slice = run_toward(&mut s, 10 * SECOND, |_| {
        chunks += 1;
        chunks < 3
    })
    .expect("runs");
    assert_eq!(slice, Slice { events: 3 * CHUNK_EVENTS, reached: false });
    assert!(s.now() < 10 * SECOND, "the clock is at the last event processed");
    assert_eq!(s.timers_fired(), 3 * CHUNK_EVENTS);
    assert!(s.next_event_time().is_some_and(|t| t >= s.now()));
}

#[test]
fn a_slice_with_time_reaches_its_target_exactly() {
    let mut s = sim("order-flow");
    let mut straight = sim("order-flow");
    let slice = run_toward(&mut s, 2 * SECOND, |_| true).expect("runs");
    let n = straight.run_until(2 * SECOND).expect("runs");
    assert_eq!(slice, Slice { events: n, reached: true });
    assert_eq!(s.now(), 2 * SECOND);
    // Nothing due: the clock still moves to the target.
    let slice = run_toward(&mut s, 2 * SECOND, |_| true).expect("runs");
    assert!(slice.reached && s.now() == 2 * SECOND);
}

#[test]
fn a_jump_in_slices_keeps_the_event_stream_and_records_all_of_only_the_end() {
    let target = 30 * SECOND;
    let mut s = sim("stress-2000");
    s.enable_trace_hash();
    let mut jump = Jump::to(&s, target);
    let mut taken = Vec::new();
    let mut slices = 0;
    loop {
        let mut chunks = 0;
        let state = jump
            .slice(
                &mut s,
                || {
                    chunks += 1;
                    chunks < 200
                },
                |events| taken.extend_from_slice(events),
            )
            .expect("runs");
        slices += 1;
        assert!(s.now() <= target);
        assert!((0.0..=1.0).contains(&jump.fraction(s.now())));
        if state == JumpState::Arrived {
            break;
        }
        assert_eq!(state, JumpState::Running);
    }
    assert!(slices > 10, "the jump took many slices: {slices}");
    assert_eq!(s.now(), target);
    assert_eq!(jump.fraction(s.now()), 1.0);
    assert!(!taken.is_empty(), "the last stretch is recorded");
    assert!(
        taken.iter().all(|e| e.t + RECORD_WINDOW + SECOND / 10 >= target || is_notable(&e.kind)),
        "before the end only notable events are recorded"
    );
    // The same stream as one straight run, and the page's recording is back on.
    let mut straight = sim("stress-2000");
    straight.enable_trace_hash();
    straight.run_until(target).expect("runs");
    assert_eq!(s.trace_hash(), straight.trace_hash());
    s.run_until(target + SECOND).expect("runs");
    assert!(!s.drain_events().is_empty(), "recording again after the jump");
}

#[test]
fn a_cancelled_jump_leaves_the_simulation_recording_where_it_got_to() {
    let mut s = sim("stress-2000");
    let mut jump = Jump::to(&s, 3_600 * SECOND);
    let state = jump.slice(&mut s, || false, |_| {}).expect("runs");
    assert_eq!(state, JumpState::Running);
    let reached = s.now();
    assert!(reached < SECOND);
    assert_eq!(s.timers_fired(), CHUNK_EVENTS);
    jump.finish(&mut s, |_| {});
    assert_eq!(s.now(), reached);
    s.step().expect("steps");
    assert!(!s.drain_events().is_empty(), "recording again");
}

#[test]
fn next_notable_stops_at_the_first_notable_event_across_slices() {
    let mut s = sim("cascade");
    let mut expected = sim("cascade");
    let found_at = loop {
        expected.step().expect("steps");
        if expected.drain_events().iter().any(|e| is_notable(&e.kind)) {
            break expected.now();
        }
    };
    let mut jump = Jump::notable(&s);
    let mut taken = 0;
    let state = loop {
        match jump.slice(&mut s, || false, |e| taken += e.len()).expect("runs") {
            JumpState::Running => continue,
            other => break other,
        }
    };
    assert_eq!(state, JumpState::Found);
    assert_eq!(s.now(), found_at);
    assert_eq!(s.timers_fired(), expected.timers_fired());
    assert!(taken > 0);
}

#[test]
fn next_notable_gives_up_at_the_horizon() {
    // The M/M/c model has no faults, breakers or failures.
    let mut s = sim("mmc");
    s.run_until(5 * SECOND).expect("runs");
    let mut jump = Jump::notable(&s);
    let state = loop {
        match jump.slice(&mut s, || true, |_| {}).expect("runs") {
            JumpState::Running => continue,
            other => break other,
        }
    };
    assert_eq!(state, JumpState::GaveUp);
    assert_eq!(s.now(), 5 * SECOND + NOTABLE_HORIZON);
    assert!(gave_up_text(s.now())
        .starts_with("Nothing notable in the next 60 simulated seconds; stopped at 65 s. The run is calm"));
}

#[test]
fn progress_in_words() {
    let s = sim("order-flow");
    let jump = Jump::to(&s, 3_600 * SECOND);
    assert_eq!(jump.title(), "Fast-forwarding to 3,600 s");
    assert_eq!(jump.progress_text(1_234 * SECOND + 5), "1,234 of 3,600 simulated seconds");
    assert_eq!(jump.fraction(1_800 * SECOND), 0.5);
    assert_eq!(jump.range_seconds(1_234 * SECOND + 5), (0, 1_234, 3_600));
    let notable = Jump::notable(&s);
    assert_eq!(notable.range_seconds(12 * SECOND), (0, 12, 60));
    assert_eq!(notable.range_seconds(99 * SECOND), (0, 60, 60));
    assert_eq!(notable.progress_text(12 * SECOND), "12 of 60 simulated seconds searched");
    assert_eq!(whole_seconds(999 * SECOND), "999");
    assert_eq!(whole_seconds(1_000_000 * SECOND), "1,000,000");
}

#[test]
fn paused_in_the_link_is_one_or_zero_and_anything_else_is_said() {
    assert_eq!(paused_from_link("1"), (true, None));
    assert_eq!(paused_from_link("0"), (false, None));
    let (paused, note) = paused_from_link("maybe");
    assert!(!paused);
    assert_eq!(note.as_deref(), Some("?paused=maybe is not 1 or 0, so the run plays."));
}

#[test]
fn a_seed_in_the_link_is_a_whole_number_and_anything_else_is_said() {
    assert_eq!(seed_from_link("7", 42), (Some(7), None));
    assert_eq!(seed_from_link(" 0 ", 42), (Some(0), None));
    assert_eq!(seed_from_link("18446744073709551615", 42), (Some(u64::MAX), None));
    for bad in ["-1", "1.5", "abc", ""] {
        let (seed, note) = seed_from_link(bad, 42);
        assert_eq!(seed, None, "{bad}");
        assert_eq!(note, Some(format!("?seed={bad} is not a whole number from 0 up, so the run keeps its seed, 42.")));
    }
    // A whole number past the largest seed is said to be too large, not "not a whole number".
    for big in ["18446744073709551616", "99999999999999999999999"] {
        let (seed, note) = seed_from_link(big, 42);
        assert_eq!(seed, None, "{big}");
        assert_eq!(
            note,
            Some(format!(
                "?seed={big} is larger than the largest seed, 18446744073709551615, so the run keeps its seed, 42."
            ))
        );
    }
}

#[test]
fn the_at_parameter_is_bounded() {
    assert_eq!(at_from_query("12"), Some(12 * SECOND));
    assert_eq!(at_from_query("0.5"), Some(SECOND / 2));
    assert_eq!(at_from_query("1e12"), Some(3_600 * SECOND));
    for bad in ["0", "-3", "NaN", "inf", "soon", ""] {
        assert_eq!(at_from_query(bad), None, "{bad}");
    }
}

/// A lesson step's fast-forward (the saga lesson's step 3, 7.5 s to 20 s)
/// keeps the notable events it jumps over, such as the saga that needs a
/// person at 8.5 s, and only those: the routine traffic of the stretch is
/// not recorded, so the page's history stays bounded.
#[test]
fn a_jump_keeps_the_notable_events_it_jumps_over() {
    use crate::engine::EventKind;
    let mut s = sim("saga");
    s.run_until(7_500_000).expect("runs");
    s.drain_events();
    let target = 20 * SECOND;
    let mut jump = Jump::to(&s, target);
    let mut taken = Vec::new();
    while jump.slice(&mut s, || true, |e| taken.extend_from_slice(e)).expect("runs") != JumpState::Arrived {}
    let cut = jump.log_only_before();
    assert_eq!(cut, target - RECORD_WINDOW);
    let alert = taken.iter().find(|e| matches!(e.kind, EventKind::SagaAlert { saga: 16, .. }));
    assert!(alert.is_some_and(|e| e.t < cut), "saga 16's alert (8.5 s) is among the events taken");
    let early: Vec<_> = taken.iter().filter(|e| e.t < cut).collect();
    assert!(early.iter().all(|e| is_notable(&e.kind)), "only notable events before the window");
    // Everything, recorded the same way, is far more.
    let mut all = sim("saga");
    all.run_until(cut).expect("runs");
    let every = all.drain_events().into_iter().filter(|e| e.t >= 7_500_000).count();
    assert!(early.len() * 5 < every, "{} notable of {every} events", early.len());
    // A jump to the next notable event hands everything to the page.
    assert_eq!(Jump::notable(&s).log_only_before(), 0);
}

#[test]
fn a_seed_the_opened_run_did_not_start_on_is_said_with_why() {
    assert_eq!(
        seed_not_used(7, 42, true).as_deref(),
        Some("?seed=7 was not used: a lesson runs on its own seed, 42, which its text is written for.")
    );
    assert_eq!(
        seed_not_used(7, 11, false).as_deref(),
        Some("?seed=7 was not used: the run saved in the link (after # in the address) started on seed 11.")
    );
    assert_eq!(seed_not_used(11, 11, false), None, "the link's run started on it");
    assert_eq!(seed_not_used(42, 42, true), None);
    assert_eq!(at_not_used("30", true), "?at=30 was not used: a lesson step runs to its own time.");
    assert_eq!(
        at_not_used("abc", false),
        "?at=abc was not used: the run saved in the link (after # in the address) opens at the moment it was saved."
    );
}
