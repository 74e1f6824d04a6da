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

#[test]
fn utilisation_counts_only_instances_that_are_up() {
    // λ = 50/s of 100 ms work against four workers (two instances of two):
    // overloaded, so every worker of every live instance is always busy.
    // A crash fault takes both instances down from 20 s to 40 s. Counting
    // the down instances as idle workers gave about 40/60 ≈ 0.67; monitoring
    // sees only live instances, which were busy all the time they were up.
    let mut s = single_server_scenario(50.0, 2, Dist::Constant { ms: 100.0 });
    let NodeKind::Service(spec) = &mut s.nodes[0].kind else { panic!("a service") };
    spec.replicas = 2;
    spec.backlog = 1_000_000;
    s.faults.push(Fault {
        target: s.nodes[0].id.clone(),
        at_ms: 20_000.0,
        until_ms: Some(40_000.0),
        effect: FaultEffect::Crash,
    });
    let mut sim = Simulation::with_seed(s, 5).expect("valid");
    sim.set_tracks(true);
    sim.run_until(60 * SECOND).expect("runs");
    let n = &sim.metrics().nodes[0];
    assert!(n.crashes >= 2, "both instances crashed: {}", n.crashes);
    let u = n.utilisation(sim.now());
    assert!(u > 0.97 && u <= 1.0, "live workers were always busy: {u}");
    // Each second with every instance down has no reading (a gap), not 0 %.
    use patchbay::engine::metrics::{Key, Owner};
    let points = sim.metrics().tracks.points(Owner::Node(0), Key::Utilisation);
    let down = points.iter().filter(|&&(t, _)| t > 20 * SECOND && t <= 40 * SECOND).count();
    assert_eq!(down, 0, "no reading while every instance is down: {points:?}");
    assert!(points.len() >= 38, "a reading for each second up: {}", points.len());
    assert!(points.iter().all(|&(_, v)| v <= 1.0 + 1e-6), "{points:?}");
}

#[test]
fn utilisation_divides_by_the_worker_time_offered_when_the_pool_is_resized() {
    // λ = 50/s of 100 ms work: about 5 workers busy on average. Ten workers
    // for 30 s, then one replica of two (2 workers, overloaded: both busy)
    // for 30 s: (5·30 + 2·30) / (10·30 + 2·30) ≈ 0.58. Dividing by the last
    // pool size times the whole run gave (150 + 60) / 120 = 1.75.
    let mut s = single_server_scenario(50.0, 5, Dist::Constant { ms: 100.0 });
    let NodeKind::Service(spec) = &mut s.nodes[0].kind else { panic!("a service") };
    spec.replicas = 2;
    spec.backlog = 1_000_000;
    let mut smaller = spec.clone();
    smaller.replicas = 1;
    smaller.concurrency = 2;
    let node = s.nodes[0].id.clone();
    let mut sim = Simulation::with_seed(s, 3).expect("valid");
    sim.set_tracks(true);
    sim.run_until(30 * SECOND).expect("runs");
    let before = sim.metrics().nodes[0].utilisation(sim.now());
    assert_close(before, 0.5, 0.05, "utilisation of ten workers");
    sim.apply(&patchbay::engine::Edit::SetService { node, spec: smaller }).expect("applies");
    sim.run_until(60 * SECOND).expect("runs");
    let u = sim.metrics().nodes[0].utilisation(sim.now());
    assert_close(u, 210.0 / 360.0, 0.05, "utilisation over both pool sizes");
    assert!(u <= 1.0, "never above 100 %: {u}");
    // The chart's per-second readings too, the second of the change included.
    use patchbay::engine::metrics::{Key, Owner};
    let points = sim.metrics().tracks.points(Owner::Node(0), Key::Utilisation);
    assert!(points.len() >= 50, "a reading a second: {}", points.len());
    assert!(points.iter().all(|&(_, v)| v <= 1.0 + 1e-6), "{points:?}");
}

#[test]
fn littles_law_holds_for_the_backlog() {
    // Lq = λ·Wq: the time-averaged number waiting for a worker against the
    // arrival rate times the mean wait (M/M/10 at ρ = 0.9).
    let lambda = 90.0;
    let mut sim = Simulation::with_seed(presets::load("mmc").expect("preset"), 13).expect("valid");
    sim.run_until(4_000 * SECOND).expect("runs");
    let n = &sim.metrics().nodes[0];
    let rate = n.started as f64 / (sim.now() as f64 / 1e6);
    assert_close(rate, lambda, 0.01, "arrival rate");
    assert_close(n.mean_waiting(sim.now()), rate * n.wait.mean() / 1e6, 0.02, "Lq against λ·Wq (Little)");
}

/// Poisson arrivals at `lambda` a second put straight on a queue (SQS-style,
/// a visibility timeout far longer than any work) consumed by one instance
/// of `c` workers with prefetch `c`: an M/M/c queue whose waiting room is
/// the queue node, not the service's backlog.
fn queue_node_mmc(lambda: f64, c: u32) -> Scenario {
    serde_json::from_value(serde_json::json!({
        "version": 1, "name": "queue-mmc", "seed": 5,
        "nodes": [
            {"id": "q", "label": "Queue", "kind": {"type": "queue", "visibility_timeout_ms": 3_600_000}},
            {"id": "w", "label": "Workers", "kind": {"type": "service", "replicas": 1, "concurrency": c,
                "backlog": 10, "processing": {"type": "exponential", "mean_ms": 100}}},
        ],
        "links": [{"id": "q-w", "from": "q", "to": "w", "latency": {"type": "constant", "ms": 0},
                   "transport": {"type": "consume", "prefetch": c}}],
        "sources": [{"id": "in", "target": "q", "arrival": {"type": "poisson", "rate_per_s": lambda}}],
        "faults": [],
    }))
    .expect("scenario")
}

#[test]
fn a_queue_node_in_front_of_c_workers_matches_erlang_c_and_little() {
    let (lambda, mu, c) = (90.0, 10.0, 10);
    let mut sim = Simulation::with_seed(queue_node_mmc(lambda, c), 21).expect("valid");
    sim.run_until(4_000 * SECOND).expect("runs");
    let q = &sim.metrics().queues[0];
    let wq = q.wait.mean() / 1e6;
    let want = erlang_c(lambda, mu, c) / (f64::from(c) * mu - lambda);
    assert_close(wq, want, 0.08, "queue-node M/M/10 Wq (Erlang C)");
    // Waiting workers never: a message waits in the queue, not in the service's backlog.
    assert_eq!(sim.metrics().nodes[1].wait.max(), 0, "no wait inside the service");
    let rate = q.delivered as f64 / (sim.now() as f64 / 1e6);
    assert_close(q.mean_depth(sim.now()), rate * wq, 0.02, "queue depth against λ·Wq (Little)");
}
