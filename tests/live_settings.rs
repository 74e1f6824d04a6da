//! A link's latency, a log's settings and a gateway's settings change while
//! running, each through its own `Edit`, with undo and the validator's
//! refusals.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::design::{edit_scenario, inverse};
use patchbay::engine::dist::Dist;
use patchbay::engine::scenario::*;
use patchbay::engine::{presets, Edit, Simulation, MILLI, SECOND};

fn preset(name: &str) -> Scenario {
    presets::load(name).expect("preset")
}

fn hashed(s: Scenario) -> Simulation {
    let mut sim = Simulation::new(s).expect("valid");
    sim.enable_trace_hash();
    sim
}

fn log_spec(s: &Scenario, id: &str) -> LogSpec {
    s.node(id).and_then(|n| n.kind.log()).cloned().expect("a log")
}

fn gateway_spec(s: &Scenario, id: &str) -> GatewaySpec {
    s.node(id).and_then(|n| n.kind.gateway()).cloned().expect("a gateway")
}

#[test]
fn a_slower_link_slows_the_orders_sent_after_the_change() {
    let mut sim = Simulation::new(preset("order-flow")).expect("valid");
    sim.run_until(20 * SECOND).expect("runs");
    let before = sim.metrics().orders.e2e.clone();
    let edit = Edit::SetLatency { link: "browser-api".into(), latency: Dist::Constant { ms: 400.0 } };
    sim.apply(&edit).expect("applies");
    assert_eq!(sim.scenario().link("browser-api").expect("link").latency, Dist::Constant { ms: 400.0 });
    sim.run_until(60 * SECOND).expect("runs");
    let after = sim.metrics().orders.e2e.clone();
    let (n0, n1) = (before.count(), after.count());
    assert!(n1 > n0 + 100, "orders kept completing: {n0} → {n1}");
    // The mean of the orders completed after the change, from the two cumulative means.
    let later = (after.mean() * n1 as f64 - before.mean() * n0 as f64) / (n1 - n0) as f64;
    assert!(
        later > before.mean() + 400.0 * MILLI as f64,
        "a 400 ms one-way delay each way adds at least 400 ms: {} → {later} µs",
        before.mean()
    );
}

#[test]
fn a_latency_set_at_time_zero_runs_as_if_it_had_always_been_so() {
    let latency = Dist::Exponential { mean_ms: 30.0 };
    let mut live = hashed(preset("cascade"));
    live.apply(&Edit::SetLatency { link: preset("cascade").links[0].id.clone(), latency: latency.clone() })
        .expect("applies");
    live.run_until(30 * SECOND).expect("runs");
    let mut s = preset("cascade");
    s.links[0].latency = latency;
    let mut planned = hashed(s);
    planned.run_until(30 * SECOND).expect("runs");
    assert_eq!(live.trace_hash(), planned.trace_hash());
}

#[test]
fn a_bad_latency_or_an_unknown_link_is_refused_and_changes_nothing() {
    let mut sim = Simulation::new(preset("order-flow")).expect("valid");
    let before = sim.scenario().clone();
    let e = sim
        .apply(&Edit::SetLatency { link: "browser-api".into(), latency: Dist::Constant { ms: -5.0 } })
        .expect_err("negative");
    assert!(e.to_string().contains("latency"), "names the field: {e}");
    let e = sim
        .apply(&Edit::SetLatency { link: "nowhere".into(), latency: Dist::Constant { ms: 5.0 } })
        .expect_err("unknown");
    assert!(e.to_string().contains("nowhere"), "{e}");
    assert_eq!(sim.scenario(), &before);
}

#[test]
fn a_tighter_retention_deletes_records_when_a_partition_is_next_touched() {
    let mut sim = Simulation::new(preset("stream-replay")).expect("valid");
    sim.run_until(8 * SECOND).expect("runs");
    let kept = |sim: &Simulation| {
        let log = sim.scenario().nodes.iter().position(|n| n.id == "orders").expect("log");
        sim.log_status(log).expect("a log").partitions.iter().map(|p| p.end - p.start).max().unwrap_or(0)
    };
    assert!(kept(&sim) > 20, "records pile up under a 10 s retention: {}", kept(&sim));
    let spec = LogSpec { retention_records: Some(5), ..log_spec(sim.scenario(), "orders") };
    sim.apply(&Edit::SetLog { node: "orders".into(), spec }).expect("applies");
    sim.run_until(10 * SECOND).expect("runs");
    assert!(kept(&sim) <= 6, "at most five kept (one more may arrive after the check): {}", kept(&sim));
}

#[test]
fn a_new_partition_count_runs_again_as_if_it_had_always_been_so() {
    let mut live = hashed(preset("stream-replay"));
    live.run_until(5 * SECOND).expect("runs");
    let spec = LogSpec { partitions: 6, ..log_spec(live.scenario(), "orders") };
    let edit = Edit::SetLog { node: "orders".into(), spec: spec.clone() };
    assert!(edit.is_structural(live.scenario()));
    live.apply(&edit).expect("applies");
    assert_eq!(live.log_status(2).map(|l| l.partitions.len()), Some(6));
    live.run_until(12 * SECOND).expect("runs");
    let mut s = preset("stream-replay");
    let i = s.nodes.iter().position(|n| n.id == "orders").expect("log");
    s.nodes[i].kind = NodeKind::Log(spec);
    let mut planned = hashed(s);
    planned.run_until(12 * SECOND).expect("runs");
    assert_eq!(live.trace_hash(), planned.trace_hash());
}

#[test]
fn a_gateway_cap_set_live_holds_for_the_reconnections_after_a_restart() {
    let mut sim = Simulation::new(preset("reconnect-storm")).expect("valid");
    sim.run_until(2 * SECOND).expect("runs");
    let push = sim.scenario().links.iter().position(|l| l.transport.push_policy().is_some()).expect("push link");
    let (before, _, _) = sim.crowd_counts(push);
    assert!(before > 50, "the crowd is connected before the change: {before}");
    let spec = GatewaySpec { max_connections: Some(50), ..gateway_spec(sim.scenario(), "notify") };
    sim.apply(&Edit::SetGateway { node: "notify".into(), spec }).expect("applies");
    sim.run_until(4 * SECOND).expect("runs");
    assert_eq!(sim.crowd_counts(push).0, before, "connections already open stay");
    // The preset restarts the gateway at 5 s; everyone reconnects against the new cap.
    for t in 12..=40 {
        sim.run_until(t * SECOND / 2).expect("runs");
        let (working, stale, _waiting) = sim.crowd_counts(push);
        assert!(working + stale <= 50, "at {t}: {working} + {stale} connections over the cap");
    }
    assert!(sim.crowd_counts(push).0 > 0, "some got back in");
}

#[test]
fn gateway_and_log_settings_are_checked_and_name_the_field() {
    let mut sim = Simulation::new(preset("reconnect-storm")).expect("valid");
    let bad = GatewaySpec { restart_ms: f64::NAN, ..gateway_spec(sim.scenario(), "notify") };
    let e = sim.apply(&Edit::SetGateway { node: "notify".into(), spec: bad }).expect_err("NaN");
    assert!(e.to_string().contains("restart_ms"), "{e}");
    let e = sim.apply(&Edit::SetGateway { node: "order-api".into(), spec: GatewaySpec::default() }).expect_err("kind");
    assert!(e.to_string().contains("not a gateway"), "{e}");
    let mut sim = Simulation::new(preset("stream-replay")).expect("valid");
    let bad = LogSpec { partitions: 0, ..log_spec(sim.scenario(), "orders") };
    let e = sim.apply(&Edit::SetLog { node: "orders".into(), spec: bad }).expect_err("zero partitions");
    assert!(e.to_string().contains("partitions"), "{e}");
}

#[test]
fn each_new_edit_undoes_exactly() {
    let s = preset("seven");
    let log = s.nodes.iter().find(|n| n.kind.log().is_some()).expect("a log").id.clone();
    let gw = s.nodes.iter().find(|n| n.kind.gateway().is_some()).expect("a gateway").id.clone();
    let edits = [
        Edit::SetLatency { link: s.links[1].id.clone(), latency: Dist::Uniform { min_ms: 1.0, max_ms: 9.0 } },
        Edit::SetLog { node: log.clone(), spec: LogSpec { partitions: 7, ..log_spec(&s, &log) } },
        Edit::SetGateway { node: gw.clone(), spec: GatewaySpec { replay_buffer: 3, ..gateway_spec(&s, &gw) } },
    ];
    for edit in edits {
        let undo = inverse(&s, &edit).expect("an inverse");
        let changed = edit_scenario(&s, std::slice::from_ref(&edit)).expect("valid");
        assert_ne!(changed, s, "{edit:?} changes something");
        assert_eq!(edit_scenario(&changed, &undo).expect("valid"), s, "{edit:?}");
    }
}
