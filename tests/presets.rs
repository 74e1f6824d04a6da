//! Each preset's observable lesson, checked on the engine's own output.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/golden.rs"]
mod golden;

use patchbay::engine::metrics::{LinkMetrics, NodeMetrics, QueueMetrics};
use patchbay::engine::report::Report;
use patchbay::engine::{presets, Reason, Simulation, SECOND};

fn run(name: &str, seconds: u64) -> Simulation {
    let scenario = presets::load(name).unwrap_or_else(|| panic!("preset {name} loads"));
    let mut sim = Simulation::new(scenario).expect("presets are valid");
    sim.run_until(seconds * SECOND).expect("runs");
    assert!(sim.ledger().balances(sim.live_messages()), "{name}: ledger balances");
    sim
}

fn report(sim: &Simulation) -> Report {
    Report::new(sim, 0, None)
}

fn link<'a>(r: &'a Report, id: &str) -> &'a LinkMetrics {
    r.links.iter().find(|l| l.id == id).map(|l| &l.metrics).unwrap_or_else(|| panic!("link {id}"))
}

fn service<'a>(r: &'a Report, id: &str) -> &'a NodeMetrics {
    r.services.iter().find(|s| s.id == id).map(|s| &s.metrics).unwrap_or_else(|| panic!("service {id}"))
}

fn queue<'a>(r: &'a Report, id: &str) -> &'a QueueMetrics {
    r.queues.iter().find(|q| q.id == id).map(|q| &q.metrics).unwrap_or_else(|| panic!("queue {id}"))
}

#[test]
fn every_preset_loads_runs_and_balances() {
    let names: Vec<&str> = presets::names().collect();
    assert!(names.len() >= 9);
    assert_eq!(names[0], presets::DEFAULT);
    for name in names {
        let sim = run(name, 15);
        assert!(sim.ledger().created > 0, "{name} produces traffic");
    }
}

#[test]
fn cascade_without_protection_reaches_the_browser() {
    let before = report(&run("cascade", 10));
    assert_eq!(before.orders.failed, 0, "healthy before Pricing slows");
    let r = report(&run("cascade", 40));
    assert!(r.orders.failed > r.orders.placed / 3, "most orders fail: {} of {}", r.orders.failed, r.orders.placed);
    // Every hop's pool is exhausted: the slowness travelled upstream.
    for id in ["order-api", "inventory", "pricing"] {
        let s = service(&r, id);
        assert!(s.busy * 10 >= s.capacity * 9, "{id} is saturated: {} of {} busy", s.busy, s.capacity);
    }
    assert!(service(&r, "order-api").rejected > 0, "the entry point refuses work");
}

#[test]
fn retries_amplify_load_on_the_slow_service() {
    let r = report(&run("cascade-retries", 40));
    let pricing_calls = link(&r, "inventory-pricing").sent;
    assert!(
        pricing_calls > 3 * r.orders.placed,
        "retries at three layers multiply the calls: {pricing_calls} calls for {} orders",
        r.orders.placed
    );
    assert!(link(&r, "inventory-pricing").retries > 0);
    assert!(r.orders.failed > 0);
}

#[test]
fn breakers_and_timeouts_keep_the_slowdown_at_the_slow_hop() {
    let r = report(&run("cascade-protected", 40));
    assert_eq!(r.orders.failed, 0, "orders still succeed, using the fallback");
    let pricing = link(&r, "inventory-pricing");
    assert_eq!(pricing.breaker.name(), "open");
    assert!(pricing.short_circuits > 1_000, "the breaker answers for Pricing");
    assert!(pricing.fallbacks > 1_000);
    for id in ["browser-api", "api-inventory"] {
        assert_eq!(link(&r, id).breaker.name(), "closed", "{id} never sees the slowness");
    }
    for id in ["order-api", "inventory"] {
        let u = r.services.iter().find(|s| s.id == id).map_or(1.0, |s| s.utilisation);
        let s = service(&r, id);
        assert!(u < 0.2, "{id} is not saturated ({u:.2})");
        assert_eq!(s.rejected, 0);
    }
}

#[test]
fn poison_messages_crash_loop_without_a_dlq() {
    let early = report(&run("poison", 20));
    let late = report(&run("poison", 60));
    let crashes = |r: &Report| service(r, "payment-workers").crashes;
    assert!(crashes(&early) >= 3);
    assert!(crashes(&late) > crashes(&early) + 10, "restarts keep climbing");
    assert_eq!(queue(&late, "payments").dead_lettered, 0);
    assert_eq!(late.ledger.dead_lettered, 0);
}

#[test]
fn dlq_holds_exactly_the_poison_messages_after_three_receives() {
    let r = report(&run("poison-dlq", 60));
    assert_eq!(queue(&r, "payments").dead_lettered, 3);
    assert_eq!(r.ledger.dead_lettered, 3);
    let workers = service(&r, "payment-workers");
    assert_eq!(workers.crashes, 9, "each poison message is received (and crashes a worker) three times");
    assert_eq!(workers.failed_by_reason(), vec![(Reason::Poison.name(), 9)]);
    assert!(queue(&r, "payments").depth < 10, "the queue drains");
}

#[test]
fn a_hung_consumer_fails_silently_while_the_backlog_grows() {
    let at_30 = report(&run("silent-backlog", 30));
    let at_60 = report(&run("silent-backlog", 60));
    for r in [&at_30, &at_60] {
        assert_eq!(r.ledger.failed_total(), 0, "no errors anywhere");
        assert_eq!(service(r, "payment-workers").crashes, 0);
    }
    let (q30, q60) = (queue(&at_30, "payments"), queue(&at_60, "payments"));
    assert!(q60.depth > q30.depth + 400, "depth grows: {} then {}", q30.depth, q60.depth);
    let age = at_60.queues.iter().find(|q| q.id == "payments").map_or(0.0, |q| q.oldest_age_ms);
    assert!(age > 35_000.0, "the oldest message ages: {age} ms");
}

#[test]
fn four_competing_consumers_keep_up_where_one_cannot() {
    let one = report(&run("competing-consumers-1", 60));
    let four = report(&run("competing-consumers-4", 60));
    assert!(queue(&one, "payments").depth > 1_000);
    assert!(queue(&four, "payments").depth < 100);
    assert!(service(&four, "payment-workers").completed > 2 * service(&one, "payment-workers").completed);
}

#[test]
fn golden_trace_hashes() {
    for (name, want) in golden::GOLDEN {
        assert_eq!(golden::golden_hash(name), *want, "golden hash of {name}");
    }
}

/// The CLI turns the charts' data off (samples and the per-second series); that must change nothing else.
#[test]
fn turning_the_chart_samples_off_changes_no_event_and_no_count() {
    for name in ["seven", "cascade", "poison-dlq", "stream-replay"] {
        let scenario = presets::load(name).expect("preset");
        let seed = scenario.seed;
        let mut with = Simulation::with_seed(scenario.clone(), seed).expect("valid");
        let mut without = Simulation::with_seed(scenario, seed).expect("valid");
        without.set_tracks(false);
        for sim in [&mut with, &mut without] {
            sim.enable_trace_hash();
            sim.run_until(30 * SECOND).expect("runs");
        }
        assert_eq!(with.trace_hash(), without.trace_hash(), "{name}");
        let json = |s: &Simulation| serde_json::to_string(&report(s)).expect("serialises");
        assert_eq!(json(&with), json(&without), "{name}");
        assert!(with.metrics().tracks.len() >= 30, "{name} samples with them on");
        assert!(without.metrics().tracks.is_empty(), "{name} takes no sample with them off");
        assert!(!with.metrics().series.is_empty(), "{name} counts by the second with them on");
        assert!(without.metrics().series.is_empty(), "{name} keeps no per-second series with them off");
        // Turned on again, sampling and counting resume at the next event.
        without.set_tracks(true);
        without.run_until(40 * SECOND).expect("runs");
        assert!(!without.metrics().tracks.is_empty(), "{name} samples again");
        assert!(!without.metrics().series.is_empty(), "{name} counts by the second again");
    }
}

#[test]
fn every_preset_has_a_golden_hash() {
    for name in presets::names() {
        assert!(golden::GOLDEN.iter().any(|(n, _)| *n == name), "{name} has no golden hash in tests/support/golden.rs");
    }
}

#[test]
#[ignore = "prints the table for tests/support/golden.rs"]
fn print_golden_hashes() {
    for name in presets::names() {
        println!("    (\"{name}\", \"{}\"),", golden::golden_hash(name));
    }
}

#[test]
fn order_flow_contains_a_slow_pricing_and_fails_once_its_protections_are_switched_off() {
    use patchbay::engine::scenario::{Fault, FaultEffect, SyncPolicy, Transport};
    use patchbay::engine::Edit;
    let slow =
        Fault { target: "pricing".into(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Slow { factor: 100.0 } };
    let run = |unprotect: bool| {
        let mut sim = Simulation::new(presets::load("order-flow").expect("preset")).expect("valid");
        sim.run_until(SECOND).expect("runs");
        if unprotect {
            for link in ["api-inventory", "inventory-pricing"] {
                let transport = Transport::RequestResponse(SyncPolicy::default());
                sim.apply(&Edit::SetTransport { link: link.into(), transport }).expect("edit applies");
            }
        }
        sim.apply(&Edit::ApplyFault { fault: slow.clone() }).expect("fault applies");
        sim.run_until(30 * SECOND).expect("runs");
        assert!(sim.ledger().balances(sim.live_messages()));
        report(&sim)
    };
    let protected = run(false);
    assert_eq!(protected.orders.failed, 0, "the fallback answers while the breaker is open");
    assert_eq!(link(&protected, "inventory-pricing").breaker.name(), "open");
    assert_eq!(link(&protected, "api-inventory").breaker.name(), "closed");
    let bare = run(true);
    assert!(bare.orders.failed > bare.orders.placed / 2, "{} of {} failed", bare.orders.failed, bare.orders.placed);
    assert!(link(&bare, "browser-api").timeouts > 0, "the browser gives up waiting");
}

#[test]
fn redelivered_counts_deliveries_of_messages_delivered_before() {
    use patchbay::engine::EventKind;
    let mut sim = Simulation::new(presets::load("poison-dlq").expect("preset")).expect("valid");
    sim.set_recording(true);
    sim.run_until(60 * SECOND).expect("runs");
    let events = sim.drain_events();
    let from_trace = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Delivered { receive_count, .. } if receive_count > 1))
        .count() as u64;
    let expiries = events.iter().filter(|e| matches!(e.kind, EventKind::VisibilityExpired { .. })).count() as u64;
    let r = report(&sim);
    let q = queue(&r, "payments");
    assert_eq!(q.redelivered, from_trace, "redeliveries as the trace has them");
    assert_eq!(q.visibility_expired, expiries);
    assert!(q.visibility_expired > q.redelivered, "expiries that end in the DLQ are not redeliveries");
}

#[test]
fn competing_consumers_share_the_work_evenly() {
    use patchbay::engine::EventKind;
    let mut sim = Simulation::new(presets::load("competing-consumers-4").expect("preset")).expect("valid");
    sim.set_recording(true);
    sim.run_until(30 * SECOND).expect("runs");
    let workers = sim.scenario().nodes.iter().position(|n| n.id == "payment-workers").expect("node") as u32;
    let mut per_replica = [0u64; 4];
    for e in sim.drain_events() {
        if let EventKind::Started { node, replica, .. } = e.kind {
            if node == workers {
                per_replica[replica as usize] += 1;
            }
        }
    }
    let mean = per_replica.iter().sum::<u64>() as f64 / 4.0;
    for (r, n) in per_replica.iter().enumerate() {
        assert!((*n as f64 - mean).abs() < 0.1 * mean, "instance {r} took {n} of a mean {mean}: {per_replica:?}");
    }
}
