//! Compare: the same seed without and with a mitigation. On presets where
//! the mitigation matters the two runs differ in the numbers it is about;
//! the same comparison twice gives the same numbers; the runs are sliced
//! (a slice stops when told) and the whole ten minutes of both is quick.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use patchbay::engine::presets;
use patchbay::engine::Simulation;
use patchbay::view_model::compare::{toggles, Compare, Outcome, Toggle, COMPARE_SECONDS};

fn toggle(preset: &str, owner: &str, name: &str) -> (patchbay::engine::Scenario, Toggle) {
    let s = presets::load(preset).expect("preset");
    let t = toggles(&s, &s)
        .into_iter()
        .find(|t| t.owner == owner && t.name == name)
        .unwrap_or_else(|| panic!("{preset}: no {name} on {owner}"));
    (s, t)
}

fn run(preset: &str, owner: &str, name: &str, seconds: u64) -> Outcome {
    let (s, t) = toggle(preset, owner, name);
    let design = Simulation::with_seed(s.clone(), s.seed).expect("runs").design();
    let mut c = Compare::new(&design, s.seed, &t, seconds).expect("compare");
    assert!(c.slice(|| true).expect("no engine error"), "an unbounded slice finishes");
    assert_eq!(c.progress(), 1.0);
    c.outcome()
}

fn value(o: &Outcome, key: &str) -> [f64; 2] {
    o.rows.iter().find(|r| r.key == key).map_or([0.0, 0.0], |r| r.values)
}

#[test]
fn cascade_breaker_changes_the_outcome() {
    let o = run("cascade", "api-inventory", "Circuit breaker", 120);
    let refused = value(&o, "short_circuits");
    assert_eq!(refused[0], 0.0, "without a breaker nothing is refused");
    assert!(refused[1] > 0.0, "with one, calls are refused fast: {refused:?}");
    assert_ne!(value(&o, "orders_failed"), value(&o, "orders_ok"));
    assert!(o.summary().contains("without"), "{}", o.summary());
    assert!(!o.charts.is_empty());
    for c in &o.charts {
        // One scale for both: the value ticks are the same.
        assert_eq!(c.geometry[0].y_ticks, c.geometry[1].y_ticks, "{}", c.def.id);
    }
}

#[test]
fn poison_dead_letter_queue_changes_the_outcome() {
    let o = run("poison", "payments", "Dead-letter queue", 120);
    let dlq = value(&o, "dead_lettered");
    assert_eq!(dlq[0], 0.0, "without a DLQ nothing is dead-lettered");
    assert!(dlq[1] > 0.0, "with one, the poison messages are set aside: {dlq:?}");
    let crashes = value(&o, "crashes");
    assert!(crashes[0] > crashes[1], "without a DLQ the poison keeps crashing workers: {crashes:?}");
}

#[test]
fn a_mitigation_already_on_is_compared_by_switching_it_off() {
    let (s, t) = toggle("poison-dlq", "payments", "Dead-letter queue");
    assert!(t.on, "poison-dlq has its DLQ on");
    let design = Simulation::with_seed(s.clone(), s.seed).unwrap().design();
    let mut c = Compare::new(&design, s.seed, &t, 60).unwrap();
    c.slice(|| true).unwrap();
    let o = c.outcome();
    let dlq = value(&o, "dead_lettered");
    assert!(dlq[0] == 0.0 && dlq[1] > 0.0, "the first column is always without: {dlq:?}");
}

#[test]
fn same_seed_same_numbers_twice() {
    let a = run("cascade", "api-inventory", "Circuit breaker", 60);
    let b = run("cascade", "api-inventory", "Circuit breaker", 60);
    assert_eq!(a, b);
}

#[test]
fn slices_stop_when_told_and_add_up_to_the_whole() {
    let (s, t) = toggle("cascade", "api-inventory", "Circuit breaker");
    let design = Simulation::with_seed(s.clone(), s.seed).unwrap().design();
    let mut sliced = Compare::new(&design, s.seed, &t, 30).unwrap();
    let mut slices = 0;
    loop {
        slices += 1;
        let mut chunks = 0;
        if sliced
            .slice(|| {
                chunks += 1;
                chunks < 20
            })
            .unwrap()
        {
            break;
        }
        assert!(sliced.progress() < 1.0);
    }
    assert!(slices > 1, "a small budget takes several slices");
    let mut whole = Compare::new(&design, s.seed, &t, 30).unwrap();
    whole.slice(|| true).unwrap();
    assert_eq!(sliced.outcome(), whole.outcome(), "slicing changes nothing");
}

#[test]
fn every_preset_lists_its_switches_and_each_flips_cleanly() {
    for name in presets::names() {
        let s = presets::load(name).unwrap();
        for t in toggles(&s, &s) {
            let design = Simulation::with_seed(s.clone(), s.seed).unwrap().design();
            let c = Compare::new(&design, s.seed, &t, 1);
            assert!(c.is_ok(), "{name}: {} cannot be flipped: {:?}", t.label, c.err());
        }
    }
}

#[test]
fn ten_minutes_of_both_runs_is_quick() {
    // The page's promise is well under a second in the browser; natively
    // (and in a debug build) this only guards against a large regression.
    let started = Instant::now();
    let o = run("cascade", "api-inventory", "Circuit breaker", COMPARE_SECONDS);
    let took = started.elapsed();
    eprintln!("cascade, 2 × {COMPARE_SECONDS} s: {took:?}");
    assert_eq!(o.seconds, COMPARE_SECONDS);
    let started = Instant::now();
    run("poison", "payments", "Dead-letter queue", COMPARE_SECONDS);
    eprintln!("poison, 2 × {COMPARE_SECONDS} s: {:?}", started.elapsed());
}

#[test]
fn the_results_markup_has_both_columns_every_row_and_chart_and_escapes_text() {
    let (mut s, _) = toggle("cascade", "api-inventory", "Circuit breaker");
    s.nodes.iter_mut().find(|n| n.id == "inventory").unwrap().label = "Stock <&> \"x\"".into();
    let t = toggles(&s, &s).into_iter().find(|t| t.owner == "api-inventory" && t.name == "Circuit breaker").unwrap();
    let mut c = Compare::new(&s, s.seed, &t, 30).unwrap();
    c.slice(|| true).unwrap();
    let o = c.outcome();
    let html = patchbay::view_model::compare::results_markup(&o, Some(123.4));
    assert!(html.contains("Computed in 123 ms."));
    assert!(patchbay::view_model::compare::results_markup(&o, Some(12_345.6)).contains("Computed in 12,346 ms."));
    assert!(html.contains(r#"data-testid="compare-head-without">Without<span class="sr-only">: Circuit breaker on Order API to Stock &lt;&amp;&gt; &quot;x&quot;</span>"#), "{html}");
    assert!(!html.contains("<&>"));
    for r in &o.rows {
        assert!(html.contains(&format!(r#"data-testid="compare-row-{}""#, r.key)));
    }
    for p in &o.charts {
        for side in ["without", "with"] {
            assert!(html.contains(&format!(r#"data-testid="compare-chart-{}-{side}""#, p.def.id)));
        }
    }
    assert_eq!(html.matches("<svg").count(), 2 * o.charts.len());
}

#[test]
fn every_chart_covers_the_whole_comparison_not_its_last_five_minutes() {
    let (s, t) = toggle("cascade", "api-inventory", "Circuit breaker");
    let design = Simulation::with_seed(s.clone(), s.seed).expect("runs").design();
    let mut c = Compare::new(&design, s.seed, &t, COMPARE_SECONDS).expect("compare");
    assert!(c.slice(|| true).expect("no engine error"));
    for sim in c.sims() {
        let tracks = &sim.metrics().tracks;
        assert!(tracks.len() >= COMPARE_SECONDS as usize - 1, "{} samples of {COMPARE_SECONDS} s", tracks.len());
    }
    let o = c.outcome();
    for pair in &o.charts {
        for g in &pair.geometry {
            // Only the last five minutes kept would start the axis at 5 min.
            let labels: Vec<&str> = g.x_ticks.iter().map(|t| t.label.as_str()).collect();
            assert!(labels.contains(&"2 min"), "{}: the time axis covers the start: {labels:?}", pair.def.id);
        }
    }
}

#[test]
fn the_numbers_have_their_thousands_grouped() {
    use patchbay::view_model::chart::Unit;
    use patchbay::view_model::compare::{results_markup, Row};
    let o = Outcome {
        label: "Circuit breaker".into(),
        seconds: COMPARE_SECONDS,
        rows: vec![
            Row { key: "ok", label: "Orders answered", values: [12_345.0, 1_234_567.4], unit: Unit::Count },
            Row { key: "p99", label: "Slowest 1 %", values: [999.6, 20_000.0], unit: Unit::Ms },
        ],
        charts: vec![],
    };
    assert_eq!(o.rows[0].text(0), "12,345");
    assert_eq!(o.rows[0].text(1), "1,234,567");
    assert_eq!(o.rows[1].text(0), "1,000 ms");
    assert_eq!(o.rows[1].text(1), "20,000 ms");
    let html = results_markup(&o, None);
    assert!(html.contains("<td>12,345</td><td>1,234,567</td>"), "{html}");
    // The raw values stay plain numbers for the page's scripts and tests.
    assert!(html.contains(r#"data-without="12345""#), "{html}");
    assert!(o.summary().contains("orders answered 12,345 without, 1,234,567 with"), "{}", o.summary());
}
