//! The journey of one order, folded from real runs: calls, queues with
//! redelivery and dead letters, retries after timeouts, and a saga's
//! compensations in reverse order.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::event::{Reason, SagaOutcome};
use patchbay::engine::{presets, Simulation, SECOND};
use patchbay::view_model::journey::*;
use patchbay::view_model::journey_words::{mark_words, row_words, summary};

/// Runs a preset to `seconds`, feeding every event to a recorder.
fn recorded(name: &str, seconds: u64) -> (Simulation, JourneyRecorder) {
    let mut sim = Simulation::new(presets::load(name).expect("preset")).expect("valid");
    sim.set_recording(true);
    let mut rec = JourneyRecorder::default();
    for t in 1..=seconds * 10 {
        sim.run_until(t * SECOND / 10).expect("runs");
        for e in sim.drain_events() {
            rec.observe(&e);
        }
    }
    (sim, rec)
}

fn well_formed(j: &Journey) {
    assert_eq!(j.rows[0].kind, RowKind::Order);
    assert_eq!(j.rows[0].depth, 0);
    for r in &j.rows {
        for s in &r.spans {
            assert!(j.start <= s.from && s.from <= s.to && s.to <= j.end, "{s:?} inside {}..{}", j.start, j.end);
        }
        for m in &r.marks {
            assert!(j.start <= m.t && m.t <= j.end, "{m:?}");
        }
    }
}

#[test]
fn a_call_chain_shows_wire_work_and_reply_for_every_hop() {
    let (sim, rec) = recorded("order-flow", 5);
    // An order placed a while ago has finished everything it started.
    let corr = rec.kept().find(|&c| rec.journey(c, sim.now()).is_some_and(|j| j.answered.is_some())).expect("one");
    let j = rec.journey(corr, sim.now()).expect("kept");
    well_formed(&j);
    let (ok, e2e) = j.answered.expect("answered");
    assert!(ok);
    assert!(e2e > 0);
    let calls: Vec<&Row> =
        j.rows.iter().filter(|r| matches!(r.kind, RowKind::Message { .. }) && r.depth >= 1).collect();
    assert!(calls.len() >= 3, "browser → API → inventory → pricing at least: {}", calls.len());
    let answered = calls.iter().filter(|r| r.spans.iter().any(|s| s.kind == SpanKind::Reply)).count();
    assert!(answered >= 3, "the synchronous hops carry a reply span");
    assert!(calls.iter().all(|r| r.spans.iter().any(|s| s.kind == SpanKind::Wire)));
    assert!(calls.iter().all(|r| r.spans.iter().any(|s| s.kind == SpanKind::Working)), "each was worked on");
    // The payment goes through a queue: its row waits in it before the worker gets it.
    assert!(j.rows.iter().any(|r| r.spans.iter().any(|s| s.kind == SpanKind::Queued)));
    assert!(j.nodes.len() >= 5 && j.links.len() >= 4, "{:?} {:?}", j.nodes, j.links);
    // Depth follows who caused whom.
    assert!(j.rows.iter().any(|r| r.depth >= 3));
}

#[test]
fn a_poison_message_is_redelivered_then_dead_lettered() {
    let (sim, rec) = recorded("poison-dlq", 12);
    let j = rec
        .kept()
        .filter_map(|c| rec.journey(c, sim.now()))
        .find(|j| j.rows.iter().any(|r| r.marks.iter().any(|m| m.kind == MarkKind::DeadLettered)))
        .expect("a dead-lettered order among those kept");
    well_formed(&j);
    let row = j.rows.iter().find(|r| r.marks.iter().any(|m| m.kind == MarkKind::DeadLettered)).expect("row");
    let count = |k: MarkKind| row.marks.iter().filter(|m| m.kind == k).count();
    assert_eq!(count(MarkKind::Failed(Reason::Poison)), 3, "{:?}", row.marks);
    assert_eq!(count(MarkKind::Redelivered), 3, "each crash is followed by a visibility timeout");
    assert_eq!(row.spans.iter().filter(|s| s.kind == SpanKind::Queued).count(), 3, "three receives");
    // The user was answered long before: the queue decoupled them.
    let (ok, _) = j.answered.expect("answered");
    assert!(ok);
    let words = summary(&j);
    assert!(
        words.contains("answered OK") && words.contains("3 redelivered") && words.contains("dead-lettered"),
        "{words}"
    );
    let s = sim.scenario();
    assert_eq!(row_words(s, &j.rows[0]), "order placed at Order API");
    assert!(row.marks.iter().any(|m| mark_words(s, m.kind) == "moved to the dead-letter queue"));
}

#[test]
fn timeouts_and_retries_are_marked_on_the_call() {
    let (sim, rec) = recorded("cascade-retries", 20);
    let j = rec
        .kept()
        .filter_map(|c| rec.journey(c, sim.now()))
        .find(|j| j.rows.iter().any(|r| r.marks.iter().any(|m| m.kind == MarkKind::TimedOut)))
        .expect("a timed-out call among the orders kept");
    well_formed(&j);
    let retries: Vec<u32> = j
        .rows
        .iter()
        .flat_map(|r| &r.marks)
        .filter_map(|m| if let MarkKind::Retry(a) = m.kind { Some(a) } else { None })
        .collect();
    assert!(!retries.is_empty(), "a retry follows the timeout");
    assert!(
        j.rows.iter().any(|r| matches!(r.kind, RowKind::Message { attempt } if attempt > 0)),
        "the retry is a new row"
    );
}

#[test]
fn a_failed_saga_compensates_in_reverse_order() {
    let (sim, rec) = recorded("saga", 30);
    let j = rec
        .kept()
        .filter_map(|c| rec.journey(c, sim.now()))
        .find(|j| {
            j.rows.iter().any(|r| r.marks.iter().any(|m| m.kind == MarkKind::SagaEnded(SagaOutcome::Compensated)))
        })
        .expect("a compensated saga among the orders kept");
    well_formed(&j);
    let steps: Vec<u32> =
        j.rows.iter().filter_map(|r| if let RowKind::Step { step } = r.kind { Some(step) } else { None }).collect();
    let undone: Vec<u32> = j
        .rows
        .iter()
        .filter_map(|r| if let RowKind::Compensation { step } = r.kind { Some(step) } else { None })
        .collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "steps go forward: {steps:?}");
    assert!(!undone.is_empty() && undone.windows(2).all(|w| w[0] > w[1]), "compensations go backward: {undone:?}");
    assert!(undone.iter().all(|s| steps.contains(s)), "only steps that ran are undone");
}

#[test]
fn the_recorder_keeps_only_recent_orders_and_bounded_events() {
    let (sim, rec) = recorded("stress-2000", 3);
    assert_eq!(rec.kept().count(), ORDERS_KEPT);
    let latest = rec.latest().expect("an order");
    assert!(rec.has(latest));
    let oldest = rec.kept().next().expect("oldest");
    assert!(oldest > 1, "the first orders were forgotten");
    assert!(!rec.has(1));
    for c in rec.kept() {
        let j = rec.journey(c, sim.now()).expect("kept");
        let events: usize = j.rows.iter().map(|r| r.spans.len() + r.marks.len()).sum();
        assert!(events <= 3 * EVENTS_PER_ORDER);
    }
}

#[test]
fn the_order_looked_at_is_kept_while_newer_orders_push_the_rest_out() {
    let mut sim = Simulation::new(presets::load("order-flow").expect("preset")).expect("valid");
    sim.set_recording(true);
    let mut rec = JourneyRecorder::default();
    sim.run_until(SECOND).expect("runs");
    sim.drain_events().iter().for_each(|e| rec.observe(e));
    let picked = rec.latest().expect("an order");
    rec.pin(Some(picked));
    let before = rec.journey(picked, sim.now()).expect("kept");
    for t in 2..=40 {
        sim.run_until(t * SECOND).expect("runs");
        sim.drain_events().iter().for_each(|e| rec.observe(e));
    }
    assert!(rec.kept().all(|c| c != picked), "not among the recent orders");
    assert_eq!(rec.kept().count(), ORDERS_KEPT, "which newer ones filled");
    let after = rec.journey(picked, sim.now()).expect("still kept");
    assert!(after.rows.len() >= before.rows.len(), "and it kept growing while in flight");
    assert!(after.answered.is_some());
    rec.pin(None);
    assert!(rec.journey(picked, sim.now()).is_none(), "let go, it is forgotten");
}
