//! The default scenario, "seven": one order flow with all seven types, and
//! a timetable of faults so that each type's failure and its handling show
//! up. These tests pin that each part of the story happens when the
//! description says it does, so an engine change cannot silently empty the
//! lesson.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::{presets, Simulation, SECOND};

fn node(s: &Simulation, id: &str) -> usize {
    s.scenario().nodes.iter().position(|n| n.id == id).unwrap_or_else(|| panic!("node {id}"))
}

fn link(s: &Simulation, id: &str) -> usize {
    s.scenario().links.iter().position(|l| l.id == id).unwrap_or_else(|| panic!("link {id}"))
}

fn run_ms(ms: u64) -> Simulation {
    assert_eq!(presets::DEFAULT, "seven", "seven is the app's default");
    let mut s = Simulation::new(presets::load("seven").expect("preset")).expect("valid");
    s.run_until(ms * SECOND / 1000).expect("runs");
    s
}

fn run(seconds: u64) -> Simulation {
    run_ms(seconds * 1000)
}

#[test]
fn every_type_is_in_the_default_scenario() {
    use patchbay::engine::scenario::{NodeKind, Transport};
    let s = run(0);
    let sc = s.scenario();
    let has_link = |f: &dyn Fn(&Transport) -> bool| sc.links.iter().any(|l| f(&l.transport));
    assert!(has_link(&|t| matches!(t, Transport::RequestResponse(_))), "type 1");
    assert!(has_link(&|t| matches!(t, Transport::Consume(_))), "type 2");
    assert!(has_link(&|t| matches!(t, Transport::Subscribe(_))), "type 3");
    assert!(has_link(&|t| matches!(t, Transport::Read(_))), "type 4");
    assert!(has_link(&|t| matches!(t, Transport::SagaStep(_))), "type 5");
    assert!(has_link(&|t| matches!(t, Transport::Push(_))), "type 6");
    assert!(has_link(&|t| matches!(t, Transport::ScheduledRead)), "type 7");
    assert!(sc.nodes.iter().any(|n| matches!(n.kind, NodeKind::Job(_))));
}

/// At the page's default speed (×0.1), 15 s of wall time is 1.5 s of
/// simulated time: a newcomer must see a failure and its handling by then.
#[test]
fn a_failure_and_its_handling_come_within_the_first_one_and_a_half_simulated_seconds() {
    let s = run_ms(1500);
    let saga = &s.metrics().sagas[node(&s, "saga")];
    assert!(saga.steps_failed > 0, "a shipment failed");
    assert!(saga.compensations_done > 0, "and the saga undid the earlier steps");
}

#[test]
fn each_types_failure_happens_on_its_timetable() {
    let s = run(30);
    let m = s.metrics();
    let saga = &m.sagas[node(&s, "saga")];
    assert!(saga.compensated > 10, "shipping failures compensated: {}", saga.compensated);
    assert!(saga.manual > 0 && saga.alerts == saga.manual, "broken refunds reach the manual queue with alerts");
    assert!(m.links[link(&s, "inventory-pricing")].short_circuits > 0, "the breaker opened on slow Pricing");
    assert_eq!(m.orders.failed, 0, "with the cached price no order failed");
    assert_eq!(m.queues[node(&s, "orders-queue")].dead_lettered, 1, "the malformed order was dead-lettered");
    let email = &m.subscriptions[link(&s, "order-events-email")];
    assert!(email.unreadable_dropped > 0, "Email silently dropped events it could not read");
    assert_eq!((email.unreadable_nacked, email.dead_lettered), (0, 0));
    let push = &m.edges[link(&s, "notify-followers")];
    assert!(push.reconnects >= 2000, "the whole crowd reconnected after the restart");
    assert!(push.recovery.is_some(), "and recovered");
    let audit = &m.groups[link(&s, "orders-log-audit")];
    assert!(audit.duplicates_total() > 0, "the crash replayed uncommitted records");
    let job = &m.jobs[node(&s, "reconciliation")];
    assert!(job.short > 0, "a run wrote only half its rows");
    assert!(job.alerts.iter().sum::<u64>() > 0, "and output monitoring noticed");
}
