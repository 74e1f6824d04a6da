//! Type 4, event streams: each preset's exact counts, replay and reset,
//! per-partition order over random scenarios, validation of the new fields.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use patchbay::engine::dist::Dist;
use patchbay::engine::event::{Event, EventKind, StreamCause};
use patchbay::engine::metrics::GroupMetrics;
use patchbay::engine::report::Report;
use patchbay::engine::scenario::*;
use patchbay::engine::{parse_scenario, presets, Edit, ResetTo, Simulation, SECOND};
use proptest::prelude::*;

fn sim(name: &str) -> Simulation {
    Simulation::new(presets::load(name).unwrap_or_else(|| panic!("preset {name}"))).expect("valid")
}

fn link_ix(s: &Simulation, id: &str) -> usize {
    s.scenario().links.iter().position(|l| l.id == id).expect("link")
}

fn group<'a>(s: &'a Simulation, id: &str) -> &'a GroupMetrics {
    &s.metrics().groups[link_ix(s, id)]
}

/// Per partition: committed minus processed, just before the crash at 10 s.
fn offsets_before_crash(name: &str) -> (Vec<u64>, Vec<u64>) {
    let mut s = sim(name);
    s.run_until(10 * SECOND - 1).expect("runs");
    let g = group(&s, "orders-fulfilment");
    (g.committed.clone(), g.processed_offset.clone())
}

#[test]
fn commit_before_loses_exactly_the_committed_but_unprocessed_records() {
    let (committed, processed) = offsets_before_crash("commit-before");
    let expected: u64 = committed.iter().zip(&processed).map(|(c, p)| c.saturating_sub(*p)).sum();
    assert!(expected > 0, "the crash hits in the middle of a batch: {committed:?} vs {processed:?}");
    let mut s = sim("commit-before");
    s.run_until(40 * SECOND).expect("runs");
    let g = group(&s, "orders-fulfilment");
    assert_eq!(g.lost.get("at_most_once_crash").copied().unwrap_or(0), expected);
    assert_eq!(g.lost_total(), expected);
    assert_eq!(g.duplicates_total(), 0, "at-most-once never processes twice");
    assert!(s.ledger().balances(s.live_messages()));
}

#[test]
fn commit_after_duplicates_exactly_the_processed_but_uncommitted_records() {
    let (committed, processed) = offsets_before_crash("commit-after");
    let expected: u64 = processed.iter().zip(&committed).map(|(p, c)| p.saturating_sub(*c)).sum();
    assert!(expected > 0, "the crash hits in the middle of a batch: {committed:?} vs {processed:?}");
    let mut s = sim("commit-after");
    s.run_until(40 * SECOND).expect("runs");
    let g = group(&s, "orders-fulfilment");
    assert_eq!(g.duplicates.get("crash_replay").copied().unwrap_or(0), expected);
    assert_eq!(g.duplicates_total(), expected);
    assert_eq!(g.lost_total(), 0, "at-least-once loses nothing");
    assert!(g.replays > 0, "positions jumped back");
}

#[test]
fn both_commit_presets_share_seed_topology_and_crash() {
    let (a, b) = (presets::load("commit-before").expect("p"), presets::load("commit-after").expect("p"));
    assert_eq!(a.seed, b.seed);
    assert_eq!(a.nodes, b.nodes);
    assert_eq!(a.faults, b.faults);
    assert_eq!(a.links.len(), b.links.len());
}

/// When the orders group's rebalances start and end, in ms, over the first 30 s.
fn rebalances(mut scenario: Scenario) -> (Vec<u64>, Vec<u64>) {
    scenario.links.iter_mut().for_each(|l| {
        if let Transport::Read(r) = &mut l.transport {
            r.session_timeout_ms = 5_000.0;
            r.rebalance_ms = 1_000.0;
        }
    });
    let mut s = Simulation::new(scenario).expect("valid");
    let link = link_ix(&s, "orders-fulfilment") as u32;
    s.set_recording(true);
    s.run_until(30 * SECOND).expect("runs");
    let (mut started, mut done) = (Vec::new(), Vec::new());
    for e in s.drain_events() {
        match e.kind {
            EventKind::RebalanceStarted { link: l, .. } if l == link => started.push(e.t / 1_000),
            EventKind::RebalanceDone { link: l, .. } if l == link => done.push(e.t / 1_000),
            _ => {}
        }
    }
    (started, done)
}

#[test]
fn a_quick_restart_holds_the_rebalance_until_the_dead_members_session_runs_out() {
    // Crash at 10 s, back at 11 s, session 5 s, pause 1 s. The restarted
    // instance is a new member (dynamic membership): it starts a rebalance
    // at once, which the coordinator cannot end before the dead member's
    // session runs out at 15 s.
    let (started, done) = rebalances(presets::load("commit-after").expect("preset"));
    let after_crash = |v: &[u64]| v.iter().copied().filter(|&t| t >= 10_000).collect::<Vec<_>>();
    assert_eq!(after_crash(&started), vec![11_000], "{started:?}");
    assert_eq!(after_crash(&done), vec![15_000], "{done:?}");
    // The page says until when the group waits.
    let mut s = sim("commit-after");
    let link = link_ix(&s, "orders-fulfilment");
    s.run_until(13 * SECOND).expect("runs");
    assert_eq!(s.group_waits_until(link), Some(15 * SECOND));
    s.run_until(16 * SECOND).expect("runs");
    assert_eq!(s.group_waits_until(link), None, "rebalanced");

    // Down for longer than the session: noticed at 15 s, done a pause later;
    // the restart at 20 s is one more rebalance of its own.
    let mut long = presets::load("commit-after").expect("preset");
    long.faults[0].until_ms = Some(20_000.0);
    let (started, done) = rebalances(long);
    assert_eq!(after_crash(&started), vec![15_000, 20_000], "{started:?}");
    assert_eq!(after_crash(&done), vec![16_000, 21_000], "{done:?}");
}

/// `scenario` with static membership on its read links.
fn with_static_members(mut scenario: Scenario) -> Scenario {
    scenario.links.iter_mut().for_each(|l| {
        if let Transport::Read(r) = &mut l.transport {
            r.static_membership = true;
        }
    });
    scenario
}

#[test]
fn a_static_member_back_within_its_session_rejoins_without_a_rebalance() {
    // The same crash (10 s, back at 11 s, session 5 s): the instances come
    // back as the same members, so the group does not rebalance; the restart replays
    // what its partitions had processed but not committed, as before.
    let scenario = with_static_members(presets::load("commit-after").expect("preset"));
    let (started, done) = rebalances(scenario.clone());
    let after_crash = |v: &[u64]| v.iter().copied().filter(|&t| t >= 10_000).collect::<Vec<_>>();
    assert_eq!(after_crash(&started), Vec::<u64>::new(), "{started:?}");
    assert_eq!(after_crash(&done), Vec::<u64>::new(), "{done:?}");

    let run = |scenario: Scenario| {
        let mut s = Simulation::new(scenario).expect("valid");
        let link = link_ix(&s, "orders-fulfilment") as u32;
        s.set_recording(true);
        s.run_until(30 * SECOND).expect("runs");
        let events = s.drain_events();
        let processed_between = |from: u64, to: u64| {
            events
                .iter()
                .filter(|e| e.t >= from && e.t < to)
                .filter(|e| matches!(e.kind, EventKind::RecordProcessed { link: l, ok: true, .. } if l == link))
                .count()
        };
        let rejoined: Vec<(u64, u32)> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::MemberRejoined { link: l, replica } if l == link => Some((e.t / 1_000, replica)),
                _ => None,
            })
            .collect();
        let duplicates: u64 = group(&s, "orders-fulfilment").duplicates.values().sum();
        (processed_between(11_500 * 1_000, 15_000 * 1_000), rejoined, duplicates)
    };
    let (read_static, rejoined, dup_static) = run(scenario);
    let (read_dynamic, none, dup_dynamic) = run(presets::load("commit-after").expect("preset"));
    // The whole service crashed: both instances come back as themselves.
    assert_eq!(rejoined, vec![(11_000, 0), (11_000, 1)]);
    assert!(none.is_empty());
    // Dynamic: the group waits for the dead sessions (11-15 s); static: it reads at once.
    assert_eq!(read_dynamic, 0, "the dynamic group is stopped");
    assert!(read_static > 100, "the static group reads again: {read_static}");
    // The crash costs duplicates either way (processed, not committed).
    assert!(dup_static > 0 && dup_dynamic > 0, "{dup_static} {dup_dynamic}");

    // Gone for longer than the session: dropped at 15 s as before, and the
    // instance back at 20 s joins with a rebalance of its own.
    let mut long = with_static_members(presets::load("commit-after").expect("preset"));
    long.faults[0].until_ms = Some(20_000.0);
    let (started, done) = rebalances(long);
    assert_eq!(after_crash(&started), vec![15_000, 20_000], "{started:?}");
    assert_eq!(after_crash(&done), vec![16_000, 21_000], "{done:?}");
}

#[test]
fn static_membership_reads_and_writes_as_a_flag_left_out_when_off() {
    let mut scenario = presets::load("commit-after").expect("preset");
    let text = serde_json::to_string(&scenario).expect("writes");
    assert!(!text.contains("static_membership"), "left out when off");
    scenario = with_static_members(scenario);
    let text = serde_json::to_string(&scenario).expect("writes");
    assert!(text.contains("\"static_membership\":true"));
    let back = parse_scenario(&text).expect("reads");
    assert_eq!(back, scenario);
}

/// The orders group with its assignor set to `assignor`, no crash, and a
/// third instance added at 5 s (a rebalance of 1 s): the records it
/// processed during that rebalance, and who owns each partition after it.
fn scale_up(assignor: Assignor) -> (usize, Vec<Option<u32>>, Vec<Option<u32>>) {
    let mut scenario = presets::load("commit-after").expect("preset");
    scenario.faults.clear();
    scenario.links.iter_mut().for_each(|l| {
        if let Transport::Read(r) = &mut l.transport {
            r.rebalance_ms = 1_000.0;
            r.assignor = assignor;
        }
    });
    let mut s = Simulation::new(scenario).expect("valid");
    let link = link_ix(&s, "orders-fulfilment");
    let log = s.scenario().nodes.iter().position(|n| n.id == "orders").expect("log");
    let owners = |s: &Simulation| s.log_status(log).expect("a log").groups[0].owners.clone();
    s.run_until(5 * SECOND).expect("runs");
    let before = owners(&s);
    let NodeKind::Service(mut spec) = s.scenario().node("fulfilment").expect("node").kind.clone() else { panic!() };
    spec.replicas = 3;
    s.apply(&Edit::SetService { node: "fulfilment".into(), spec }).expect("valid");
    s.set_recording(true);
    s.run_until(6 * SECOND - 1).expect("runs");
    let read = s
        .drain_events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::RecordProcessed { link: l, .. } if l as usize == link))
        .count();
    s.run_until(7 * SECOND).expect("runs");
    let after = owners(&s);
    assert_eq!(before, [Some(0), Some(0), Some(1)], "ranges over two members");
    (read, before, after)
}

#[test]
fn a_cooperative_group_keeps_reading_the_partitions_that_stay() {
    // Eager: the new member stops the whole group for the rebalance, and
    // the range assignor deals every partition again. Cooperative sticky:
    // only the partition that moves to the new member stops.
    let (eager, _, eager_after) = scale_up(Assignor::Range);
    let (coop, _, coop_after) = scale_up(Assignor::CooperativeSticky);
    assert_eq!(eager_after, [Some(0), Some(1), Some(2)]);
    assert_eq!(coop_after, [Some(0), Some(2), Some(1)], "one partition moved, to the new member");
    assert!(coop > 10 * eager.max(1), "the others read on during the rebalance: {coop} records against {eager}");
    // A crash of the whole service costs the same either way: every uncommitted record comes again.
    let crash = |a: Assignor| {
        let mut scenario = presets::load("commit-after").expect("preset");
        scenario.links.iter_mut().for_each(|l| {
            if let Transport::Read(r) = &mut l.transport {
                r.assignor = a;
            }
        });
        let mut s = Simulation::new(scenario).expect("valid");
        s.run_until(40 * SECOND).expect("runs");
        let g = group(&s, "orders-fulfilment");
        (g.duplicates_total(), g.lost_total())
    };
    assert_eq!(crash(Assignor::CooperativeSticky), crash(Assignor::Range));
}

#[test]
fn the_assignor_reads_and_writes_its_kafka_name() {
    let r: ReadPolicy = serde_json::from_str(r#"{"assignor": "cooperative_sticky"}"#).expect("reads");
    assert_eq!(r.assignor, Assignor::CooperativeSticky);
    assert!(serde_json::to_string(&r).expect("writes").contains(r#""assignor":"cooperative_sticky""#));
    // The default is left out, so scenarios written before it read and write as they were.
    assert!(!serde_json::to_string(&ReadPolicy::default()).expect("writes").contains("assignor"));
    let bad = serde_json::from_str::<ReadPolicy>(r#"{"assignor": "round_robin"}"#).expect_err("refused");
    assert!(bad.to_string().contains("unknown variant"), "{bad}");
}

/// Runs a dual-write preset until its traffic has stopped and everything settled.
fn dual(name: &str) -> (Simulation, Vec<Event>) {
    let mut s = sim(name);
    s.set_recording(true);
    s.run_until(40 * SECOND).expect("runs");
    assert_eq!(s.live_messages(), 0, "everything settled");
    let events = s.drain_events();
    (s, events)
}

#[test]
fn dual_write_loses_exactly_the_failed_publishes() {
    let (s, events) = dual("dual-write");
    let failed =
        events.iter().filter(|e| matches!(e.kind, EventKind::PublishFailed { stored: false, .. })).count() as u64;
    let api = s.scenario().nodes.iter().position(|n| n.id == "order-api").expect("api");
    let committed = s.metrics().nodes[api].completed;
    let log = &s.metrics().logs[s.scenario().nodes.iter().position(|n| n.id == "orders").expect("log")];
    assert!(failed > 10, "the fault bites: {failed}");
    assert_eq!(log.appended + failed, committed, "every committed order is in the log or lost");
    let r = Report::new(&s, 0, None);
    assert_eq!(r.publishes[0].metrics.events_lost, failed);
    assert_eq!(group(&s, "orders-fulfilment").processed, log.appended, "the group saw only what reached the log");
}

#[test]
fn the_outbox_loses_nothing_and_its_duplicates_are_absorbed() {
    let (s, events) = dual("dual-write-outbox");
    let api = s.scenario().nodes.iter().position(|n| n.id == "order-api").expect("api");
    let committed = s.metrics().nodes[api].completed;
    let mut events_in_log = std::collections::BTreeSet::new();
    let mut appended = 0u64;
    for e in &events {
        if let EventKind::Appended { event, .. } = e.kind {
            events_in_log.insert(event);
            appended += 1;
        }
    }
    assert_eq!(events_in_log.len() as u64, committed, "every committed order reached the log");
    let r = Report::new(&s, 0, None);
    let p = &r.publishes[0].metrics;
    assert_eq!(p.events_lost, 0);
    assert!(p.publish_failed > 10, "the fault bites");
    assert!(p.publish_failed_stored > 0);
    assert_eq!(
        appended - committed,
        p.publish_failed_stored,
        "each stored-but-unconfirmed publish is in the log twice"
    );
    let g = group(&s, "orders-fulfilment");
    assert_eq!(g.duplicates.get("outbox_republish").copied().unwrap_or(0), p.publish_failed_stored);
    assert_eq!(g.duplicates_suppressed, g.duplicates_total(), "the idempotent consumer absorbs every duplicate");
    assert_eq!(p.outbox_backlog, 0, "the relay drained the outbox");
    assert_eq!(p.outbox_written, committed);
    assert!(p.relay_delay.count() > 0);
}

#[test]
fn a_late_group_replays_only_what_retention_kept() {
    let mut s = sim("stream-replay");
    s.run_until(30 * SECOND).expect("runs");
    let log = s.scenario().nodes.iter().position(|n| n.id == "orders").expect("log");
    let status = s.log_status(log).expect("a log");
    assert!(status.partitions.iter().all(|p| p.start > 0), "retention deleted the oldest records");
    assert!(s.metrics().logs[log].expired > 0);
    let analytics = group(&s, "orders-analytics");
    let fulfilment = group(&s, "orders-fulfilment");
    assert!(analytics.processed > 100, "the new group replayed history");
    assert!(analytics.processed < fulfilment.processed, "but not what retention had deleted");
    assert_eq!(status.groups.len(), 2);
    assert!(s.log_status(0).is_none(), "the browser is not a log");
}

#[test]
fn a_reset_to_a_time_replays_from_there_and_counts_the_repeats() {
    let mut s = sim("stream-replay");
    s.set_recording(true);
    s.run_until(12 * SECOND).expect("runs");
    let link = link_ix(&s, "orders-fulfilment") as u32;
    s.apply(&Edit::ResetGroup { link: "orders-fulfilment".into(), to: ResetTo::TimeMs(8_000.0) }).expect("valid");
    s.run_until(20 * SECOND).expect("runs");
    let back = s
        .drain_events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::PositionMoved { link: l, from, to, .. } if l == link && to < from))
        .count();
    assert_eq!(back, 3, "every partition jumped back");
    let g = group(&s, "orders-fulfilment");
    let dups = g.duplicates.get(StreamCause::Reset.name()).copied().unwrap_or(0);
    assert!((40..=120).contains(&dups), "about 4 s of 20 orders/s replayed: {dups}");
}

#[test]
fn bad_reset_edits_change_nothing() {
    let mut s = sim("stream-replay");
    s.run_until(2 * SECOND).expect("runs");
    let before = s.log_status(2).expect("log");
    for (edit, why) in [
        (Edit::ResetGroup { link: "nope".into(), to: ResetTo::Earliest }, "unknown link id"),
        (Edit::ResetGroup { link: "api-orders".into(), to: ResetTo::Earliest }, "not a read link"),
        (Edit::ResetGroup { link: "orders-fulfilment".into(), to: ResetTo::TimeMs(-1.0) }, "≥ 0"),
        (Edit::ResetGroup { link: "orders-analytics".into(), to: ResetTo::Latest }, "not joined"),
    ] {
        let e = s.apply(&edit).expect_err("rejected");
        assert!(e.to_string().contains(why), "{e}");
        assert_eq!(s.log_status(2).expect("log"), before);
    }
    for to in [ResetTo::Earliest, ResetTo::Latest, ResetTo::Offset(7), ResetTo::TimeMs(1_500.0)] {
        let edit = Edit::ResetGroup { link: "orders-fulfilment".into(), to };
        let text = serde_json::to_string(&edit).expect("serialises");
        let back: Edit = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, edit, "{text}");
        s.apply(&back).expect("applies");
    }
}

#[test]
fn stream_settings_are_validated_with_their_paths() {
    let mut s: serde_json::Value = serde_json::to_value(presets::load("commit-after").expect("p")).expect("json");
    s["nodes"][2]["kind"]["partitions"] = 0.into();
    s["nodes"][2]["kind"]["retention_records"] = 0.into();
    s["links"][2]["transport"]["max_poll_records"] = 0.into();
    s["links"][2]["transport"]["session_timeout_ms"] = 0.5.into();
    s["links"][1]["transport"]["outbox"] = serde_json::json!({"relay_interval_ms": 0});
    s["faults"][0]["effect"] =
        serde_json::json!({"type": "publish_fails_after_commit", "probability": 2, "stored_share": -1});
    let errs = parse_scenario(&s.to_string()).expect_err("invalid");
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    for want in [
        "$.nodes[2].kind.partitions",
        "$.nodes[2].kind.retention_records",
        "$.links[2].transport.max_poll_records",
        "$.links[2].transport.session_timeout_ms",
        "$.links[1].transport.outbox.relay_interval_ms",
        "$.faults[0].effect.probability",
        "$.faults[0].effect.stored_share",
    ] {
        assert!(paths.contains(&want), "{want} in {paths:?}");
    }
    let mut s: serde_json::Value = serde_json::to_value(presets::load("commit-after").expect("p")).expect("json");
    s["links"][1]["to"] = "fulfilment".into();
    s["links"][2]["from"] = "order-api".into();
    s["sources"][0]["target"] = "orders".into();
    let errs = parse_scenario(&s.to_string()).expect_err("invalid");
    let text: Vec<String> = errs.iter().map(|e| format!("{}: {}", e.path, e.reason)).collect();
    assert!(text.iter().any(|t| t.starts_with("$.links[1].to: an append link must end at a log")), "{text:?}");
    assert!(text.iter().any(|t| t.starts_with("$.links[2].from: a read link starts at a log")), "{text:?}");
    assert!(text.iter().any(|t| t.starts_with("$.sources[0].target: a source cannot target a log")), "{text:?}");
}

fn node(id: &str, kind: NodeKind) -> Node {
    Node { id: id.into(), label: id.into(), position: Position::default(), kind }
}

fn link(id: &str, from: &str, to: &str, transport: Transport) -> Link {
    Link {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        latency: Dist::Uniform { min_ms: 0.5, max_ms: 3.0 },
        transport,
    }
}

prop_compose! {
    /// Client → api appending to a log, two groups with random policies, random crashes, resets and publish faults.
    fn stream_strategy()(
        partitions in 1u32..5,
        retention in prop::option::of(500.0f64..5_000.0),
        policies in prop::collection::vec((0u8..3, 1u32..30, any::<bool>(), 1u32..4, 0.0f64..3_000.0, any::<bool>()), 2),
        outbox in any::<bool>(),
        rate in 5.0f64..80.0,
        crashes in prop::collection::vec((0usize..2, 0.0f64..4_000.0, 100.0f64..1_500.0), 0..3),
        publish_fault in prop::option::of((0.0f64..0.5, 0.0f64..1.0)),
        seed in any::<u64>(),
    ) -> Scenario {
        let mut nodes = vec![
            node("browser", NodeKind::Client(ClientSpec::default())),
            node("api", NodeKind::Service(ServiceSpec { processing: Dist::Exponential { mean_ms: 5.0 }, ..ServiceSpec::default() })),
            node("log", NodeKind::Log(LogSpec { partitions, retention_ms: retention, retention_records: None })),
        ];
        let mut links = vec![
            link("l0", "browser", "api", Transport::RequestResponse(SyncPolicy::default())),
            link("app", "api", "log", Transport::Append(AppendPolicy { outbox: outbox.then_some(OutboxPolicy { relay_interval_ms: 200.0 }) })),
        ];
        for (i, (commit, max_poll, idempotent, replicas, joins, static_membership)) in policies.iter().enumerate() {
            let id = format!("c{i}");
            nodes.push(node(&id, NodeKind::Service(ServiceSpec {
                replicas: *replicas, concurrency: 1, processing: Dist::Exponential { mean_ms: 8.0 }, error_rate: 0.02, restart_ms: 200.0, ..ServiceSpec::default()
            })));
            let commit = [CommitPolicy::After, CommitPolicy::Before, CommitPolicy::Auto][*commit as usize];
            links.push(link(&format!("g{i}"), "log", &id, Transport::Read(ReadPolicy {
                start: if i == 0 { StartFrom::Latest } else { StartFrom::Earliest },
                joins_at_ms: *joins, commit, auto_commit_interval_ms: 300.0, max_poll_records: *max_poll,
                session_timeout_ms: 400.0, rebalance_ms: 100.0, idempotent: *idempotent,
                assignor: if i % 2 == 1 { Assignor::CooperativeSticky } else { Assignor::Range },
                static_membership: *static_membership,
            })));
        }
        let mut faults: Vec<Fault> = crashes.iter().map(|(who, at, len)| Fault {
            target: format!("c{who}"), at_ms: *at, until_ms: Some(at + len), effect: FaultEffect::Crash,
        }).collect();
        if let Some((probability, stored_share)) = publish_fault {
            faults.push(Fault { target: "api".into(), at_ms: 500.0, until_ms: Some(3_000.0), effect: FaultEffect::PublishFailsAfterCommit { probability, stored_share } });
        }
        Scenario {
            version: FORMAT_VERSION, name: "random-stream".into(), description: String::new(), seed, nodes, links,
            sources: vec![Source { id: "users".into(), target: "browser".into(), arrival: Arrival::Poisson { rate_per_s: rate }, start_ms: 0.0, stop_ms: None, budget_ms: 200.0 }],
            faults,
            monitors: vec![],
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Each group finishes each partition's offsets in increasing order; the
    /// only way back is a position move (a replay after a crash or a reset).
    /// The ledger balances against a count from the events, and runs replay.
    #[test]
    fn groups_read_partitions_in_order_and_the_ledger_balances(s in stream_strategy(), reset_at in 500u64..4_000, back in 0.0f64..3_000.0) {
        let mut sim = Simulation::new(s.clone()).expect("valid");
        sim.set_recording(true);
        sim.enable_trace_hash();
        sim.run_until(reset_at * 1_000).expect("runs");
        // A reset may be refused (group not joined yet): then nothing changes.
        let _ = sim.apply(&Edit::ResetGroup { link: "g1".into(), to: ResetTo::TimeMs(back) });
        sim.run_until(5 * SECOND).expect("runs");
        let events = sim.drain_events();
        let mut floor: BTreeMap<(u32, u32), (u64, Option<u64>)> = BTreeMap::new();
        let mut live = std::collections::BTreeSet::new();
        for e in &events {
            match e.kind {
                EventKind::PositionMoved { link, partition, to, .. } => {
                    floor.insert((link, partition), (to, None));
                }
                EventKind::RecordProcessed { link, partition, offset, .. } => {
                    let (low, last) = floor.get(&(link, partition)).copied().unwrap_or((0, None));
                    prop_assert!(offset >= low, "offset {} below the position {} of {}/{} at {}", offset, low, link, partition, e.t);
                    prop_assert!(last.is_none_or(|l| offset > l), "offset {} after {:?} in {}/{} at {}", offset, last, link, partition, e.t);
                    floor.insert((link, partition), (low, Some(offset)));
                }
                EventKind::OrderPlaced { msg, .. } | EventKind::Sent { msg, .. } => {
                    prop_assert!(live.insert(msg), "created twice");
                }
                EventKind::Settled { msg, .. } => {
                    prop_assert!(live.remove(&msg), "settled twice or never created");
                }
                _ => {}
            }
        }
        prop_assert_eq!(live.len() as u64, sim.live_messages());
        prop_assert!(sim.ledger().balances(sim.live_messages()));
        let mut again = Simulation::new(s).expect("valid");
        again.enable_trace_hash();
        again.run_until(reset_at * 1_000).expect("runs");
        let _ = again.apply(&Edit::ResetGroup { link: "g1".into(), to: ResetTo::TimeMs(back) });
        again.run_until(5 * SECOND).expect("runs");
        prop_assert_eq!(again.trace_hash(), sim.trace_hash(), "same seed, same trace");
    }
}

#[test]
fn stream_limits_are_errors_and_a_log_keeps_at_most_its_cap() {
    use patchbay::engine::limits::{MAX_LOG_PARTITIONS, MAX_RECORDS_PER_PARTITION, MAX_TOTAL_PARTITIONS};
    let mut s = presets::load("commit-after").expect("p");
    s.nodes[2].kind = NodeKind::Log(LogSpec { partitions: MAX_LOG_PARTITIONS + 1, ..LogSpec::default() });
    let errs = Simulation::new(s.clone()).err().expect("invalid");
    assert!(errs.iter().any(|e| e.path == "$.nodes[2].kind.partitions"), "{errs:?}");
    for i in 0..(MAX_TOTAL_PARTITIONS / MAX_LOG_PARTITIONS) {
        s.nodes.push(node(
            &format!("log{i}"),
            NodeKind::Log(LogSpec { partitions: MAX_LOG_PARTITIONS, ..LogSpec::default() }),
        ));
    }
    let errs = Simulation::new(s).err().expect("invalid");
    assert!(errs.iter().any(|e| e.path == "$.nodes" && e.reason.contains("partitions in all")), "{errs:?}");
    // No retention at all: the engine's cap still bounds what a partition keeps.
    let mut s = presets::load("dual-write").expect("p");
    s.nodes[2].kind = NodeKind::Log(LogSpec { partitions: 1, retention_ms: None, retention_records: None });
    s.sources[0].arrival = Arrival::Constant { rate_per_s: 2_000.0 };
    s.sources[0].stop_ms = None;
    s.faults.clear();
    let mut sim = Simulation::new(s).expect("valid");
    sim.run_until(8 * SECOND).expect("runs");
    let st = sim.log_status(2).expect("log");
    assert_eq!(st.partitions[0].end - st.partitions[0].start, u64::from(MAX_RECORDS_PER_PARTITION));
}

#[test]
fn read_and_append_links_added_while_running_run_the_changed_scenario_again_to_now() {
    let mut s = sim("commit-after");
    s.enable_trace_hash();
    s.run_until(5 * SECOND).expect("runs");
    let read = Link {
        id: "orders-audit".into(),
        from: "orders".into(),
        to: "fulfilment".into(),
        latency: Dist::Constant { ms: 1.0 },
        transport: Transport::Read(ReadPolicy::default()),
    };
    let append = Link {
        id: "api-orders-2".into(),
        from: "order-api".into(),
        to: "orders".into(),
        latency: Dist::Constant { ms: 1.0 },
        transport: Transport::Append(AppendPolicy::default()),
    };
    // A group and an append path carry state made at the start, so the run
    // starts again with them and comes back to 5 s: the same as if they had
    // been there from the beginning.
    let mut fresh = presets::load("commit-after").expect("preset");
    for link in [read, append] {
        s.apply(&Edit::AddLink { link: link.clone() }).expect("taken by running again");
        fresh.links.push(link);
    }
    assert_eq!(s.now(), 5 * SECOND);
    assert_eq!(s.scenario().links.len(), 5);
    let mut from_start = Simulation::new(fresh).expect("valid");
    from_start.enable_trace_hash();
    from_start.run_until(5 * SECOND).expect("runs");
    assert_eq!(s.trace_hash(), from_start.trace_hash());
    s.run_until(20 * SECOND).expect("the run goes on");
}

/// Lost to retention with each `start` setting, for a group that falls behind a short retention.
fn lost_behind_retention(start: StartFrom) -> u64 {
    let mut sc = presets::load("commit-after").expect("preset");
    sc.faults.clear();
    for n in &mut sc.nodes {
        if let NodeKind::Log(l) = &mut n.kind {
            l.retention_ms = Some(2_000.0);
        }
        if let NodeKind::Service(spec) = &mut n.kind {
            if n.id == "fulfilment" {
                spec.processing = Dist::Constant { ms: 200.0 };
            }
        }
    }
    for l in &mut sc.links {
        if let Transport::Read(r) = &mut l.transport {
            r.start = start;
        }
    }
    let mut s = Simulation::new(sc).expect("valid");
    s.run_until(30 * SECOND).expect("runs");
    group(&s, "orders-fulfilment").lost.get("retention").copied().unwrap_or(0)
}

#[test]
fn a_group_overtaken_by_retention_resets_by_its_start_setting_like_auto_offset_reset() {
    let earliest = lost_behind_retention(StartFrom::Earliest);
    let latest = lost_behind_retention(StartFrom::Latest);
    assert!(earliest > 0, "the slow group falls behind the 2 s retention");
    assert!(latest > earliest, "latest skips the kept backlog too: {latest} against {earliest}");
}

/// Without retention a log keeps everything in Kafka; the simulator keeps at
/// most `MAX_RECORDS_PER_PARTITION` records a partition. A group that falls
/// behind that limit loses records to it, and the report says so rather
/// than blaming retention.
#[test]
fn records_past_the_simulators_limit_are_not_blamed_on_retention() {
    use patchbay::engine::scenario::NodeKind;
    let mut scenario = presets::load("stream-replay").expect("preset");
    for n in &mut scenario.nodes {
        if let NodeKind::Log(l) = &mut n.kind {
            l.retention_ms = None;
            l.retention_records = None;
            l.partitions = 1;
        }
    }
    // At 20 orders a second, 600 s is 12,000 records in the one partition.
    for l in &mut scenario.links {
        if let patchbay::engine::scenario::Transport::Read(r) = &mut l.transport {
            if l.id == "orders-analytics" {
                r.joins_at_ms = 600_000.0;
            }
        }
    }
    let mut s = Simulation::new(scenario).expect("valid");
    s.run_until(620 * SECOND).expect("runs");
    let g = group(&s, "orders-analytics");
    let limited = g.lost.get("engine_limit").copied().unwrap_or(0);
    assert_eq!(g.lost.get("retention").copied().unwrap_or(0), 0, "no retention is configured");
    // Records gone before the group joined are not its loss (it starts at
    // the oldest kept record); those deleted while it caught up are.
    assert!(limited > 0, "the late group lost records to the limit while catching up");
    let f = group(&s, "orders-fulfilment");
    assert_eq!(f.lost_total(), 0, "a group that keeps up loses nothing to the limit");
}

/// commit-after without its crash: fulfilment scaled to `replicas` at each
/// (second, replicas) of `scales`; the read link's rebalance starts (ms)
/// and static rejoins (ms) by 30 s.
fn scaled(static_members: bool, scales: &[(u64, u32)]) -> (Vec<u64>, Vec<u64>) {
    let mut scenario = presets::load("commit-after").expect("preset");
    scenario.faults.clear();
    if static_members {
        scenario = with_static_members(scenario);
    }
    let spec = scenario.nodes.iter().find(|n| n.id == "fulfilment").and_then(|n| n.kind.service()).cloned();
    let spec = spec.expect("fulfilment is a service");
    let mut s = Simulation::new(scenario).expect("valid");
    let link = link_ix(&s, "orders-fulfilment") as u32;
    s.set_recording(true);
    for &(at, replicas) in scales {
        s.run_until(at * SECOND).expect("runs");
        let edit = Edit::SetService { node: "fulfilment".into(), spec: ServiceSpec { replicas, ..spec.clone() } };
        s.apply(&edit).expect("applies");
    }
    s.run_until(30 * SECOND).expect("runs");
    let (mut started, mut rejoined) = (Vec::new(), Vec::new());
    for e in s.drain_events() {
        match e.kind {
            EventKind::RebalanceStarted { link: l, .. } if l == link => started.push(e.t / 1_000),
            EventKind::MemberRejoined { link: l, .. } if l == link => rejoined.push(e.t / 1_000),
            _ => {}
        }
    }
    (started, rejoined)
}

#[test]
fn a_static_member_scaled_away_keeps_its_partitions_until_its_session_ends() {
    // Scaled from two instances to one at 10 s. A dynamic member leaves at once, so the group
    // rebalances at 10 s; a static one sends no leave, so the coordinator
    // drops it only when its session runs out, and rebalances then.
    let session_s = {
        let s = presets::load("commit-after").expect("preset");
        let p = s.links.iter().find_map(|l| l.transport.read_policy().cloned()).expect("a read link");
        (p.session_timeout_ms / 1_000.0) as u64
    };
    let (dynamic, _) = scaled(false, &[(10, 1)]);
    assert_eq!(dynamic.iter().filter(|&&t| t >= 10_000).collect::<Vec<_>>(), vec![&10_000], "{dynamic:?}");
    let (fixed, _) = scaled(true, &[(10, 1)]);
    let expected = (10 + session_s) * 1_000;
    assert_eq!(fixed.iter().filter(|&&t| t >= 10_000).collect::<Vec<_>>(), vec![&expected], "{fixed:?}");
    // Scaled back up within the session: the same member rejoins, no rebalance at all.
    let (back, rejoined) = scaled(true, &[(10, 1), (12, 2)]);
    assert!(back.iter().all(|&t| t < 10_000), "{back:?}");
    assert_eq!(rejoined, vec![12_000]);
}
