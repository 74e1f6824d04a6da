//! Type 3, publish-subscribe with schema evolution: each preset's lesson
//! with exact counts where the mechanics fix them, independence of
//! subscriptions, subscriptions added and removed while running, and the
//! edits and errors of topics.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::report::{Report, SubscriptionReport, TopicReport};
use patchbay::engine::scenario::*;
use patchbay::engine::{presets, Edit, Event, EventKind, Fate, Reason, Scenario, SimError, Simulation, SECOND};

/// A preset whose orders stop at 30 s, so everything settles by 60 s.
fn preset(name: &str) -> Scenario {
    let mut s = presets::load(name).expect("preset");
    s.sources[0].stop_ms = Some(30_000.0);
    s
}

/// Runs to 60 s recording every event.
fn run(s: Scenario) -> (Simulation, Vec<Event>) {
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.enable_trace_hash();
    let mut events = Vec::new();
    for t in 1..=60 {
        sim.run_until(t * SECOND).expect("runs");
        events.extend(sim.drain_events());
    }
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(sim.live_messages(), 0, "everything settled: {:?}", sim.ledger());
    (sim, events)
}

fn report(sim: &Simulation) -> Report {
    Report::new(sim, 0, None)
}

fn sub<'a>(r: &'a Report, id: &str) -> &'a SubscriptionReport {
    r.subscriptions.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("subscription {id}"))
}

fn topic<'a>(r: &'a Report, id: &str) -> &'a TopicReport {
    r.topics.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("topic {id}"))
}

/// Events that reached the topic, by writer schema version.
fn published_with(events: &[Event], version: u32) -> u64 {
    events.iter().filter(|e| matches!(e.kind, EventKind::Published { version: v, .. } if v == version)).count() as u64
}

fn settled(events: &[Event], fate: Fate) -> u64 {
    events.iter().filter(|e| matches!(e.kind, EventKind::Settled { fate: f, .. } if f == fate)).count() as u64
}

#[test]
fn schema_break_silently_starves_analytics_and_nothing_else() {
    let (sim, events) = run(preset("schema-break"));
    let r = report(&sim);
    let (v1, v2) = (published_with(&events, 1), published_with(&events, 2));
    assert!(v1 > 50 && v2 > 50, "both schemas were published: {v1} and {v2}");
    assert_eq!(topic(&r, "orders").metrics.published, v1 + v2);
    let analytics = sub(&r, "orders-analytics");
    assert_eq!(analytics.metrics.published, v1 + v2, "every event reached Analytics");
    assert_eq!(analytics.metrics.unreadable_dropped, v2, "every event with the new schema was dropped");
    assert_eq!(analytics.metrics.processed, v1);
    assert_eq!(analytics.metrics.dead_lettered, 0);
    let email = sub(&r, "orders-email");
    assert_eq!(email.metrics.processed, v1 + v2, "Email never read the field and carries on");
    assert_eq!(email.metrics.unreadable_dropped, 0);
    // No error anywhere: no failed order, no failed work, no alert.
    assert_eq!(r.orders.failed, 0);
    assert!(r.services.iter().all(|s| s.metrics.failed_total() == 0));
    assert!(!events.iter().any(|e| matches!(e.kind, EventKind::Unreadable { nacked: true, .. })));
    assert!(!events.iter().any(|e| matches!(e.kind, EventKind::Nacked { .. })));
    // Only the ledger, which sees everything, knows.
    assert_eq!(settled(&events, Fate::Dropped(Reason::Unreadable)), v2);
    assert_eq!(r.ledger.dropped.get("unreadable").copied(), Some(v2));
}

#[test]
fn schema_break_dlq_nacks_each_unreadable_event_until_pubsub_dead_letters_it() {
    let (sim, events) = run(preset("schema-break-dlq"));
    let r = report(&sim);
    let v2 = published_with(&events, 2);
    assert!(v2 > 50);
    let analytics = sub(&r, "orders-analytics");
    // Five attempts each (the subscription's max_delivery_attempts), every one nacked.
    assert_eq!(analytics.metrics.unreadable_nacked, 5 * v2);
    assert_eq!(analytics.metrics.nacked, 5 * v2);
    assert_eq!(analytics.metrics.redelivered, 4 * v2);
    assert_eq!(analytics.metrics.dead_lettered, v2, "the DLQ holds exactly the unreadable events");
    assert_eq!(analytics.metrics.unreadable_dropped, 0);
    let nacks = events.iter().filter(|e| matches!(e.kind, EventKind::Unreadable { nacked: true, .. })).count();
    assert_eq!(nacks as u64, 5 * v2, "one nack per delivery");
    // Pub/Sub dead-letters each one after its fifth delivery, never sooner.
    let late = events.iter().filter(|e| matches!(e.kind, EventKind::DeadLettered { receive_count: 5, .. })).count();
    assert_eq!(late as u64, v2);
    assert_eq!(settled(&events, Fate::DeadLettered), v2);
    // Nothing waited for an ack deadline.
    assert_eq!(analytics.metrics.ack_expired, 0);
    assert_eq!(sub(&r, "orders-email").metrics.dead_lettered, 0);
}

#[test]
fn a_backward_registry_lets_the_breaking_change_through() {
    let (plain, plain_events) = run(preset("schema-break"));
    let (backward, events) = run(preset("schema-break-backward"));
    assert!(events.iter().any(|e| matches!(e.kind, EventKind::SchemaChanged { version: 2, accepted: true, .. })));
    let r = report(&backward);
    assert_eq!(topic(&r, "orders").metrics.rejected, 0);
    assert_eq!(sub(&r, "orders-analytics").metrics.unreadable_dropped, published_with(&events, 2));
    assert_eq!(backward.trace_hash(), plain.trace_hash(), "the same run as with no registry at all");
    assert_eq!(plain_events.len(), events.len());
}

#[test]
fn a_full_registry_refuses_the_change_at_the_publisher() {
    let (sim, events) = run(preset("schema-break-full"));
    let r = report(&sim);
    assert!(events.iter().any(|e| matches!(e.kind, EventKind::SchemaChanged { version: 2, accepted: false, .. })));
    assert_eq!(published_with(&events, 2), 0, "nothing with the breaking schema reached the topic");
    let rejected =
        events.iter().filter(|e| matches!(e.kind, EventKind::PublishRejected { version: 2, .. })).count() as u64;
    assert!(rejected > 100, "every publish from 10 s on is refused: {rejected}");
    assert_eq!(topic(&r, "orders").metrics.rejected, rejected);
    assert_eq!(settled(&events, Fate::Failed(Reason::SchemaRejected)), rejected);
    // Copies are made only of published events: none with the new schema.
    let v1 = published_with(&events, 1);
    for id in ["orders-analytics", "orders-email"] {
        let s = sub(&r, id);
        assert_eq!((s.metrics.published, s.metrics.processed, s.metrics.unreadable_dropped), (v1, v1, 0), "{id}");
    }
    // Every order placed from 10 s on (the last at 30 s) tried to publish once.
    let late_orders =
        events.iter().filter(|e| e.t >= 10 * SECOND && matches!(e.kind, EventKind::OrderPlaced { .. })).count() as u64;
    assert_eq!(rejected, late_orders);
}

#[test]
fn every_registry_mode_judges_the_field_removal_as_the_semantics_say() {
    // v2 deletes the required `total` and adds an optional `amount`.
    for (mode, refused) in [
        (CompatMode::Backward, false),
        (CompatMode::BackwardTransitive, false),
        (CompatMode::Forward, true),
        (CompatMode::ForwardTransitive, true),
        (CompatMode::Full, true),
        (CompatMode::FullTransitive, true),
        (CompatMode::None, false),
    ] {
        let mut s = preset("schema-break");
        if let NodeKind::Topic(t) = &mut s.nodes[2].kind {
            t.registry = Some(Registry { mode });
        }
        let (sim, events) = run(s);
        let r = report(&sim);
        assert_eq!(topic(&r, "orders").metrics.rejected > 0, refused, "{}", mode.name());
        assert_eq!(published_with(&events, 2) == 0, refused, "{}", mode.name());
    }
}

#[test]
fn the_publisher_goes_back_to_its_schema_when_the_change_ends() {
    let mut s = preset("schema-break-full");
    s.faults[0].until_ms = Some(20_000.0);
    let (sim, events) = run(s);
    let r = report(&sim);
    let rejected = topic(&r, "orders").metrics.rejected;
    assert!(rejected > 50);
    // Published with v1 again from 20 s: accepted, registered long ago.
    assert!(events.iter().any(|e| e.t >= 20 * SECOND && matches!(e.kind, EventKind::Published { version: 1, .. })));
    assert!(events.iter().any(|e| matches!(e.kind, EventKind::SchemaChanged { version: 1, accepted: true, .. })));
}

#[test]
fn a_crashed_or_slow_subscriber_touches_only_its_own_subscription() {
    let baseline = report(&run(preset("schema-break")).0);
    let mut s = preset("schema-break");
    s.faults.push(Fault {
        target: "email".into(),
        at_ms: 5_000.0,
        until_ms: Some(15_000.0),
        effect: FaultEffect::Crash,
    });
    s.faults.push(Fault {
        target: "email".into(),
        at_ms: 15_000.0,
        until_ms: Some(25_000.0),
        effect: FaultEffect::Slow { factor: 50.0 },
    });
    let (sim, _) = run(s);
    let r = report(&sim);
    let (a, b) = (sub(&baseline, "orders-analytics"), sub(&r, "orders-analytics"));
    assert_eq!(
        (b.metrics.published, b.metrics.delivered, b.metrics.processed, b.metrics.unreadable_dropped),
        (a.metrics.published, a.metrics.delivered, a.metrics.processed, a.metrics.unreadable_dropped),
        "Analytics is untouched by Email's trouble"
    );
    let api = |r: &Report| r.services.iter().find(|s| s.id == "api").map(|s| s.metrics.completed);
    assert_eq!(api(&r), api(&baseline), "the publisher is untouched");
    assert_eq!(topic(&r, "orders").metrics.published, topic(&baseline, "orders").metrics.published);
    assert_eq!(r.orders.failed, 0);
    let email = sub(&r, "orders-email");
    assert!(email.metrics.redelivered > 0 || email.metrics.max_backlog > 10, "Email itself fell behind: {email:?}");
    assert_eq!(email.metrics.processed, email.metrics.published, "and caught up from its own backlog");
}

fn with_audit(mut s: Scenario) -> Scenario {
    s.nodes.push(Node {
        id: "audit".into(),
        label: "Audit".into(),
        position: Position::default(),
        kind: NodeKind::Service(ServiceSpec::default()),
    });
    s
}

fn audit_link() -> Link {
    Link {
        id: "orders-audit".into(),
        from: "orders".into(),
        to: "audit".into(),
        latency: patchbay::engine::dist::Dist::Constant { ms: 1.0 },
        transport: Transport::Subscribe(SubscribePolicy::default()),
    }
}

#[test]
fn a_subscription_added_while_running_gets_only_what_is_published_after() {
    let mut sim = Simulation::new(with_audit(preset("schema-break"))).expect("valid");
    sim.run_until(12 * SECOND).expect("runs");
    let published_before = sim.metrics().topics[2].published;
    assert!(published_before > 100);
    sim.set_recording(true);
    sim.apply(&Edit::AddLink { link: audit_link() }).expect("adds");
    sim.run_until(60 * SECOND).expect("runs");
    let events = sim.drain_events();
    let link = sim.scenario().links.iter().position(|l| l.id == "orders-audit").expect("link") as u32;
    assert!(matches!(events[0].kind, EventKind::SubscriptionAdded { sub, .. } if sub == link));
    let published_after = published_with(&events, 1) + published_with(&events, 2);
    let r = report(&sim);
    let audit = sub(&r, "orders-audit");
    assert_eq!(audit.metrics.published, published_after, "exactly the events published after it was added");
    assert_eq!(topic(&r, "orders").metrics.published, published_before + published_after);
    // Every copy it got is of an event that reached the topic after the edit.
    let after: std::collections::BTreeSet<u64> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Published { msg, .. } => Some(msg),
            _ => None,
        })
        .collect();
    for e in &events {
        if let EventKind::Copied { parent, sub, .. } = e.kind {
            if sub == link {
                assert!(after.contains(&parent), "copy of {parent}, published before the subscription existed");
            }
        }
    }
    assert_eq!(audit.metrics.processed, audit.metrics.published, "it has no reader schema: reads everything");
    assert!(sim.ledger().balances(sim.live_messages()));
    assert_eq!(sim.live_messages(), 0);
}

#[test]
fn removing_a_lagging_subscription_drops_its_backlog_and_nothing_else() {
    let mut s = preset("schema-break");
    s.faults.clear();
    s.faults.push(Fault {
        target: "analytics".into(),
        at_ms: 2_000.0,
        until_ms: Some(13_000.0),
        effect: FaultEffect::Slow { factor: 100.0 },
    });
    let baseline = report(&run(s.clone()).0);
    let mut sim = Simulation::new(s).expect("valid");
    sim.set_recording(true);
    sim.run_until(12 * SECOND).expect("runs");
    let lag = sim.subscription_status(3).expect("a subscription");
    assert!(lag.backlog > 20, "Analytics lags: {lag:?}");
    sim.drain_events();
    sim.apply(&Edit::RemoveSubscription { link: "orders-analytics".into() }).expect("removes");
    let events = sim.drain_events();
    let dropped = events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::SubscriptionRemoved { dropped, .. } => Some(u64::from(dropped)),
            _ => None,
        })
        .expect("removal event");
    assert_eq!(dropped, lag.lag(), "waiting, backing-off and unacknowledged events are dropped");
    assert_eq!(settled(&events, Fate::Dropped(Reason::Unsubscribed)), dropped);
    assert!(sim.ledger().balances(sim.live_messages()));
    let status = sim.subscription_status(3).expect("still listed");
    assert!(status.detached && status.lag() == 0, "{status:?}");
    let published_then = sim.metrics().subscriptions[3].published;
    sim.run_until(60 * SECOND).expect("runs");
    let r = report(&sim);
    let analytics = sub(&r, "orders-analytics");
    assert!(analytics.detached);
    assert_eq!(analytics.metrics.published, published_then, "nothing more reaches it");
    assert_eq!(analytics.lag, 0);
    assert_eq!(sub(&r, "orders-email").metrics.processed, sub(&baseline, "orders-email").metrics.processed);
    assert_eq!(topic(&r, "orders").metrics.published, topic(&baseline, "orders").metrics.published);
    assert_eq!(r.ledger.dropped.get("unsubscribed").copied(), Some(dropped));
    assert_eq!(sim.live_messages(), 0);
    let saved = serde_json::to_string(sim.scenario()).expect("serialises");
    assert!(saved.contains("\"detached\":true"), "the saved scenario shows the removal");
}

#[test]
fn set_topic_changes_the_writer_schema_through_the_one_edit_path() {
    let mut s = preset("schema-break-full");
    s.faults.clear();
    let mut sim = Simulation::new(s).expect("valid");
    sim.run_until(5 * SECOND).expect("runs");
    let NodeKind::Topic(mut spec) = sim.scenario().nodes[2].kind.clone() else { panic!("topic") };
    spec.schema.version = 2;
    spec.schema.fields.retain(|f| f.name != "total");
    sim.apply(&Edit::SetTopic { node: "orders".into(), spec: spec.clone() })
        .expect("a valid edit, refused later by the registry");
    sim.run_until(10 * SECOND).expect("runs");
    assert!(sim.metrics().topics[2].rejected > 0, "FULL refuses the new schema");
    assert!(!sim.metrics().topics[2].accepted);
    spec.registry = None;
    sim.apply(&Edit::SetTopic { node: "orders".into(), spec }).expect("edit");
    let rejected = sim.metrics().topics[2].rejected;
    sim.run_until(15 * SECOND).expect("runs");
    assert_eq!(sim.metrics().topics[2].rejected, rejected, "no registry, no refusals");
    assert!(sim.metrics().subscriptions[3].unreadable_dropped > 0, "and Analytics breaks");
}

#[test]
fn topic_edits_round_trip_through_json_and_bad_ones_change_nothing() {
    let v2 = Schema {
        name: "OrderPlaced".into(),
        version: 2,
        fields: vec![Field { name: "order_id".into(), required: true }],
    };
    let good = vec![
        Edit::ApplyFault {
            fault: Fault {
                target: "orders".into(),
                at_ms: 0.0,
                until_ms: None,
                effect: FaultEffect::SchemaChange { schema: v2.clone() },
            },
        },
        Edit::AddLink { link: audit_link() },
        Edit::RemoveSubscription { link: "orders-audit".into() },
        Edit::SetTopic {
            node: "orders".into(),
            spec: TopicSpec {
                event_type: "order.placed".into(),
                schema: v2.clone(),
                registry: Some(Registry::default()),
            },
        },
    ];
    let mut sim = Simulation::new(with_audit(preset("schema-break"))).expect("valid");
    sim.run_until(2 * SECOND).expect("runs");
    for edit in &good {
        let text = serde_json::to_string(edit).expect("serialises");
        let back: Edit = serde_json::from_str(&text).expect("parses");
        assert_eq!(&back, edit, "{text}");
        sim.apply(&back).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    sim.run_until(20 * SECOND).expect("runs");
    assert!(sim.ledger().balances(sim.live_messages()));

    let publish_to_service = Link {
        id: "api-email".into(),
        from: "api".into(),
        to: "email".into(),
        latency: patchbay::engine::dist::Dist::Constant { ms: 1.0 },
        transport: Transport::Publish,
    };
    let subscribe_from_service = Link {
        id: "api-email".into(),
        from: "api".into(),
        to: "email".into(),
        latency: patchbay::engine::dist::Dist::Constant { ms: 1.0 },
        transport: Transport::Subscribe(SubscribePolicy::default()),
    };
    let bad: Vec<(Edit, &str, &str)> = vec![
        (Edit::AddLink { link: publish_to_service }, "$.link.to", "must end at a topic"),
        (Edit::AddLink { link: subscribe_from_service }, "$.link.from", "starts at a topic"),
        (Edit::AddLink { link: Link { id: "orders-email".into(), ..audit_link() } }, "$.link.id", "duplicate link id"),
        (Edit::RemoveSubscription { link: "api-orders".into() }, "$.link", "not a subscription"),
        (Edit::RemoveSubscription { link: "ghost".into() }, "$.link", "unknown link id"),
        (
            Edit::ApplyFault {
                fault: Fault {
                    target: "api".into(),
                    at_ms: 0.0,
                    until_ms: None,
                    effect: FaultEffect::SchemaChange { schema: v2.clone() },
                },
            },
            "$.fault.target",
            "not a topic",
        ),
        (
            Edit::ApplyFault {
                fault: Fault { target: "orders".into(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Crash },
            },
            "$.fault.target",
            "not a service",
        ),
        (
            Edit::SetTopic {
                node: "api".into(),
                spec: TopicSpec { event_type: "x".into(), schema: v2.clone(), registry: None },
            },
            "$.node",
            "not a topic",
        ),
        (
            Edit::SetTopic {
                node: "orders".into(),
                spec: TopicSpec { event_type: String::new(), schema: v2.clone(), registry: None },
            },
            "$.nodes[2].kind.event_type",
            "must not be empty",
        ),
        (
            Edit::SetTransport {
                link: "orders-email".into(),
                transport: Transport::Subscribe(SubscribePolicy {
                    max_delivery_attempts: Some(2),
                    ..SubscribePolicy::default()
                }),
            },
            "$.transport.max_delivery_attempts",
            "between 5 and 100",
        ),
        (
            Edit::SetTransport {
                link: "orders-email".into(),
                transport: Transport::Subscribe(SubscribePolicy { detached: true, ..SubscribePolicy::default() }),
            },
            "$.transport.detached",
            "remove_subscription",
        ),
    ];
    let mut reference = Simulation::new(with_audit(preset("schema-break"))).expect("valid");
    reference.enable_trace_hash();
    reference.run_until(3 * SECOND).expect("runs");
    let mut s = Simulation::new(with_audit(preset("schema-break"))).expect("valid");
    s.enable_trace_hash();
    s.run_until(3 * SECOND).expect("runs");
    for (edit, path, reason) in &bad {
        let before = s.scenario().clone();
        match s.apply(edit) {
            Err(SimError::Invalid(e)) => {
                assert_eq!(e.path, *path, "{edit:?}: {e}");
                assert!(e.reason.contains(reason), "{edit:?}: {e}");
            }
            other => panic!("{edit:?} should be rejected, got {other:?}"),
        }
        assert_eq!(s.scenario(), &before, "{edit:?} changed the scenario");
    }
    reference.run_until(20 * SECOND).expect("runs");
    s.run_until(20 * SECOND).expect("runs");
    assert_eq!(s.trace_hash(), reference.trace_hash(), "rejected edits left the run as it was");
}

#[test]
fn subscription_status_is_only_for_subscriptions() {
    let mut sim = Simulation::new(preset("schema-break")).expect("valid");
    sim.run_until(5 * SECOND).expect("runs");
    assert!(sim.subscription_status(0).is_none() && sim.subscription_status(1).is_none());
    assert!(sim.subscription_status(99).is_none());
    let email = sim.subscription_status(2).expect("email's subscription");
    assert!(email.delivered > 40 && !email.detached);
}

#[test]
fn the_json_report_carries_topics_and_subscriptions() {
    let (sim, _) = run(preset("schema-break"));
    let v = serde_json::to_value(report(&sim)).expect("serialises");
    assert_eq!(v["topics"][0]["id"], "orders");
    assert!(v["topics"][0]["published"].as_u64().unwrap() > 0);
    assert_eq!(v["topics"][0]["rejected"], 0);
    let analytics = &v["subscriptions"][1];
    assert_eq!(analytics["id"], "orders-analytics");
    for key in [
        "published",
        "delivered",
        "processed",
        "unreadable_dropped",
        "dead_lettered",
        "lag",
        "oldest_age_ms",
        "backlog",
    ] {
        assert!(analytics.get(key).is_some(), "{key} in {analytics}");
    }
}
