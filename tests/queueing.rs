//! The engine's queues against queueing theory (SEMANTICS.md, "Queueing
//! ground truth"): long runs must reproduce M/M/1, M/M/c (Erlang C) and
//! M/D/1 (Pollaczek–Khinchine) waits, and Little's law.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::dist::Dist;
use patchbay::engine::scenario::*;
use patchbay::engine::{presets, Simulation, SECOND};

fn single_server_scenario(lambda: f64, servers: u32, processing: Dist) -> Scenario {
    let mut s = presets::load("mmc").expect("mmc preset");
    s.sources[0].arrival = Arrival::Poisson { rate_per_s: lambda };
    if let NodeKind::Service(spec) = &mut s.nodes[0].kind {
        spec.concurrency = servers;
        spec.processing = processing;
    }
    s
}

/// Mean wait for a worker and utilisation after `seconds` of simulated time.
fn measure(s: Scenario, seed: u64, seconds: u64) -> (f64, f64, f64) {
    let mut sim = Simulation::with_seed(s, seed).expect("valid");
    sim.run_until(seconds * SECOND).expect("runs");
    let n = &sim.metrics().nodes[0];
    let wq = n.wait.mean() / 1e6;
    let w = wq + n.held.busy_mean() / 1e6;
    (wq, w, n.utilisation(sim.now()))
}

fn erlang_c(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c) / (1.0 - rho);
    last / (sum + last)
}

fn assert_close(got: f64, want: f64, tolerance: f64, what: &str) {
    let err = (got - want).abs() / want;
    assert!(err < tolerance, "{what}: measured {got:.4}, theory {want:.4} ({:.1} % off)", err * 100.0);
}

#[test]
fn mm1_matches_theory() {
    let (lambda, mu) = (8.0, 10.0);
    let (wq, w, util) = measure(single_server_scenario(lambda, 1, Dist::Exponential { mean_ms: 100.0 }), 1, 40_000);
    let rho = lambda / mu;
    assert_close(wq, rho / (mu - lambda), 0.08, "M/M/1 Wq");
    assert_close(w, 1.0 / (mu - lambda), 0.08, "M/M/1 W");
    assert_close(util, rho, 0.02, "M/M/1 utilisation");
}

#[test]
fn mmc_matches_erlang_c() {
    let (lambda, mu, c) = (90.0, 10.0, 10);
    let (wq, w, util) = measure(presets::load("mmc").expect("preset"), 3, 4_000);
    let want_wq = erlang_c(lambda, mu, c) / (f64::from(c) * mu - lambda);
    assert_close(wq, want_wq, 0.08, "M/M/10 Wq (Erlang C)");
    assert_close(w, want_wq + 1.0 / mu, 0.03, "M/M/10 W");
    assert_close(util, lambda / (f64::from(c) * mu), 0.02, "M/M/10 utilisation");
}

#[test]
fn md1_waits_half_as_long_as_mm1() {
    let (lambda, mu) = (8.0, 10.0);
    let (wq, _, _) = measure(single_server_scenario(lambda, 1, Dist::Constant { ms: 100.0 }), 5, 40_000);
    let mm1 = (lambda / mu) / (mu - lambda);
    assert_close(wq, mm1 / 2.0, 0.08, "M/D/1 Wq");
}

#[test]
fn littles_law_holds_for_busy_workers() {
    // L = λW applied to the servers: mean busy workers = λ × mean service time.
    let (lambda, mu, c) = (90.0, 10.0, 10);
    let (_, _, util) = measure(presets::load("mmc").expect("preset"), 9, 2_000);
    assert_close(util * f64::from(c), lambda / mu, 0.02, "busy workers (Little)");
}

#[test]
fn erlang_c_helper_is_right() {
    // Known value: a = 2, c = 3 → C ≈ 0.4444.
    assert!((erlang_c(2.0, 1.0, 3) - 4.0 / 9.0).abs() < 1e-9);
    // c = 1 reduces to ρ.
    assert!((erlang_c(0.7, 1.0, 1) - 0.7).abs() < 1e-12);
}
