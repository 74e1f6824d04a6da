//! Property tests over random scenarios and fault schedules: the ledger
//! always balances (checked against an independent count of live messages),
//! the same seed replays the same trace, seeds differ; random topologies
//! (cycles through queues, zero latencies, fan-out) either run or stop with
//! a guard error, never hang; and once faults end and traffic stops,
//! everything in flight settles.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::dist::Dist;
use patchbay::engine::scenario::*;
use std::collections::BTreeSet;

use patchbay::engine::event::{Event, EventKind};
use patchbay::engine::{SimError, Simulation, SECOND};
use proptest::prelude::*;

fn service(id: &str, replicas: u32, concurrency: u32, backlog: u32, mean_ms: f64, error_rate: f64) -> Node {
    Node {
        id: id.into(),
        label: id.into(),
        position: Position::default(),
        kind: NodeKind::Service(ServiceSpec {
            replicas,
            concurrency,
            backlog,
            processing: Dist::Exponential { mean_ms },
            error_rate,
            restart_ms: 300.0,
            saga: None,
        }),
    }
}

fn sync_link(id: &str, from: &str, to: &str, protect: u8) -> Link {
    let policy = SyncPolicy {
        timeout_ms: (protect & 1 != 0).then_some(150.0),
        retry: (protect & 2 != 0).then(|| RetryPolicy {
            max_attempts: 3,
            base_ms: 20.0,
            cap_ms: 200.0,
            jitter: Jitter::Full,
            budget: (protect & 8 != 0).then_some(RetryBudget { max_tokens: 10.0, token_ratio: 0.1 }),
        }),
        breaker: (protect & 4 != 0).then(|| BreakerPolicy {
            minimum_number_of_calls: 5,
            sliding_window_size: 10,
            wait_duration_in_open_ms: 500.0,
            permitted_calls_in_half_open: 2,
            slow_call_duration_ms: 100.0,
            slow_call_rate_threshold: 80.0,
            ..BreakerPolicy::default()
        }),
        fallback: protect & 16 != 0,
    };
    Link {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        latency: Dist::Uniform { min_ms: 0.5, max_ms: 3.0 },
        transport: Transport::RequestResponse(policy),
    }
}

/// Version 1 writes `total`; version 2 writes it only if `keep_total`.
fn schema_v(version: u32, keep_total: bool) -> Schema {
    let mut fields = vec![Field { name: "id".into(), required: true }];
    if keep_total {
        fields.push(Field { name: "total".into(), required: true });
    }
    Schema { name: "OrderPlaced".into(), version, fields }
}

fn plain_link(id: &str, from: &str, to: &str, transport: Transport) -> Link {
    Link { id: id.into(), from: from.into(), to: to.into(), latency: Dist::Constant { ms: 1.0 }, transport }
}

prop_compose! {
    fn fault_strategy()(kind in 0u8..9, target in 0usize..4, at in 0.0f64..3_000.0, len in prop::option::of(100.0f64..2_000.0),
                        x in 0.0f64..1.0) -> (u8, usize, f64, Option<f64>, f64) {
        (kind, target, at, len, x)
    }
}

prop_compose! {
    /// A browser → chain of 1–3 services, a queue with a consumer, random protections and faults.
    fn scenario_strategy()(
        chain in 1usize..4,
        shape in prop::collection::vec((1u32..3, 1u32..6, 0u32..20, 1.0f64..40.0, 0.0f64..0.2, 0u8..32), 3),
        rate in 5.0f64..120.0,
        visibility in 50.0f64..800.0,
        max_receives in prop::option::of(1u32..4),
        prefetch in 1u32..4,
        idempotent in any::<bool>(),
        faults in prop::collection::vec(fault_strategy(), 0..5),
        seed in any::<u64>(),
    ) -> Scenario {
        let mut nodes = vec![Node { id: "browser".into(), label: "Browser".into(), position: Position::default(), kind: NodeKind::Client(ClientSpec::default()) }];
        let mut links = Vec::new();
        let mut prev = "browser".to_string();
        for (i, (replicas, conc, backlog, mean, err, protect)) in shape.iter().take(chain).enumerate() {
            let id = format!("s{i}");
            nodes.push(service(&id, *replicas, *conc, *backlog, *mean, *err));
            links.push(sync_link(&format!("l{i}"), &prev, &id, *protect));
            prev = id;
        }
        nodes.push(Node {
            id: "q".into(), label: "q".into(), position: Position::default(),
            kind: NodeKind::Queue(QueueSpec { visibility_timeout_ms: visibility, max_receive_count: max_receives }),
        });
        nodes.push(service("worker", 2, 1, 10, 15.0, 0.05));
        links.push(plain_link("enq", "s0", "q", Transport::Enqueue));
        links.push(plain_link("con", "q", "worker", Transport::Consume(ConsumePolicy { prefetch, idempotent })));
        // Type 3: s0 publishes to a topic; the worker and a reader subscribe,
        // the reader requiring a field a schema change may remove.
        nodes.push(Node {
            id: "t".into(), label: "t".into(), position: Position::default(),
            kind: NodeKind::Topic(TopicSpec { event_type: "order.placed".into(), schema: schema_v(1, true), registry: None }),
        });
        nodes.push(service("reader", 1, 2, 10, 10.0, 0.05));
        links.push(plain_link("pub", "s0", "t", Transport::Publish));
        let sub_policy = |reads: Vec<Field>, dead_letter: bool| SubscribePolicy {
            ack_deadline_ms: visibility,
            max_delivery_attempts: max_receives.map(|m| m + 4),
            prefetch,
            idempotent,
            reads,
            on_unreadable: if dead_letter && max_receives.is_some() { OnUnreadable::DeadLetter } else { OnUnreadable::Drop },
            // A third of the runs back off between deliveries (Pub/Sub's retry policy).
            retry_policy: (seed % 3 == 1).then_some(RetryBackoff { minimum_backoff_ms: 5.0, maximum_backoff_ms: 200.0 }),
            detached: false,
        };
        links.push(plain_link("sub-w", "t", "worker", Transport::Subscribe(sub_policy(vec![], false))));
        let reads = vec![Field { name: "total".into(), required: true }];
        links.push(plain_link("sub-r", "t", "reader", Transport::Subscribe(sub_policy(reads, idempotent))));
        // Type 5: an orchestrator competes for the queue's messages and runs
        // a saga over the worker (compensatable) and the reader (pivot or compensatable).
        let mut orch = service("orch", 1, 4, 10, 2.0, 0.0);
        if let NodeKind::Service(spec) = &mut orch.kind {
            let mode = if seed % 2 == 0 { SagaMode::Orchestration } else { SagaMode::Choreography };
            spec.saga = Some(SagaSpec { mode, compensation_retries: prefetch - 1, retry_backoff_ms: 50.0, step_timeout_ms: 300.0, deadline_ms: 2_000.0 });
        }
        nodes.push(orch);
        links.push(plain_link("con-o", "q", "orch", Transport::Consume(ConsumePolicy { prefetch, idempotent })));
        links.push(plain_link("step-w", "orch", "worker", Transport::SagaStep(StepPolicy { order: 1, compensation: true, kind: StepKind::Compensatable, idempotent: true })));
        let last = if idempotent { StepKind::Pivot } else { StepKind::Compensatable };
        links.push(plain_link("step-r", "orch", "reader", Transport::SagaStep(StepPolicy { order: 2, compensation: true, kind: last, idempotent: false })));
        let services: Vec<String> = (0..chain)
            .map(|i| format!("s{i}"))
            .chain(["worker".to_string(), "reader".to_string(), "orch".to_string()])
            .collect();
        let faults = faults.into_iter().map(|(kind, target, at, len, x)| {
            let link_ids: Vec<String> = links.iter().map(|l| l.id.clone()).collect();
            let (target, effect) = match kind {
                0 => (services[target % services.len()].clone(), FaultEffect::Slow { factor: 1.0 + 50.0 * x }),
                1 => (services[target % services.len()].clone(), FaultEffect::Crash),
                2 => (services[target % services.len()].clone(), FaultEffect::ErrorRate { rate: x }),
                3 => (services[target % services.len()].clone(), FaultEffect::Hang),
                4 => ("s0".to_string(), FaultEffect::Poison { probability: x, count: Some(3) }),
                5 => (link_ids[target % link_ids.len()].clone(), FaultEffect::Partition),
                6 => (link_ids[target % link_ids.len()].clone(), FaultEffect::LinkLatency { ms: 300.0 * x }),
                7 => (["worker", "reader"][target % 2].to_string(), FaultEffect::CompensationFails { probability: x, count: None }),
                8 => ("t".to_string(), FaultEffect::SchemaChange { schema: schema_v(2, target % 2 == 0) }),
                _ => (services[target % services.len()].clone(), FaultEffect::ExtraLatency { ms: 200.0 * x }),
            };
            Fault { target, at_ms: at, until_ms: len.map(|l| at + l), effect }
        }).collect();
        Scenario {
            version: FORMAT_VERSION,
            name: "random".into(),
            description: String::new(),
            seed,
            nodes,
            links,
            sources: vec![Source { id: "users".into(), target: "browser".into(), arrival: Arrival::Poisson { rate_per_s: rate }, start_ms: 0.0, stop_ms: None, budget_ms: 200.0 }],
            faults,
            monitors: vec![],
        }
    }
}

fn run_hash(s: &Scenario, seed: u64, seconds: u64) -> (u64, Simulation) {
    let mut sim = Simulation::with_seed(s.clone(), seed).expect("generated scenarios are valid");
    sim.enable_trace_hash();
    sim.run_until(seconds * SECOND).expect("runs");
    (sim.trace_hash().unwrap_or_default(), sim)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn ledger_balances_and_runs_replay(s in scenario_strategy()) {
        let (h1, sim) = run_hash(&s, s.seed, 5);
        let l = sim.ledger();
        prop_assert!(l.balances(sim.live_messages()), "{:?} vs {} live", l, sim.live_messages());
        let (live, problem) = live_from_events(&s, 5);
        prop_assert_eq!(problem, None);
        prop_assert_eq!(live, sim.live_messages(), "messages created and not settled, counted from the events");
        prop_assert_eq!(l.in_flight(), live);
        let (h2, _) = run_hash(&s, s.seed, 5);
        prop_assert_eq!(h1, h2, "same seed, same trace");
        let (h3, _) = run_hash(&s, s.seed.wrapping_add(1), 5);
        prop_assert_ne!(h1, h3, "another seed, another trace");
    }

    #[test]
    fn stepping_in_pieces_equals_running_at_once(s in scenario_strategy(), cut in 1u64..4_000) {
        let (whole, _) = run_hash(&s, s.seed, 4);
        let mut sim = Simulation::with_seed(s.clone(), s.seed).expect("valid");
        sim.enable_trace_hash();
        sim.run_until(cut * 1_000).expect("runs");
        for _ in 0..10 {
            if sim.next_event_time().is_some_and(|t| t <= 4 * SECOND) {
                sim.step().expect("steps");
            }
        }
        sim.run_until(4 * SECOND).expect("runs");
        prop_assert_eq!(sim.trace_hash().unwrap_or_default(), whole);
    }
}

/// Counts live messages from the event stream alone: created by
/// `OrderPlaced`/`Sent` (and a topic's `Copied`, a refused
/// `PublishRejected`), removed by `Settled`. Also reports the first
/// message settled twice or settled without being created.
fn live_from_events(s: &Scenario, seconds: u64) -> (u64, Option<String>) {
    let mut sim = Simulation::with_seed(s.clone(), s.seed).expect("valid");
    sim.set_recording(true);
    let mut live = BTreeSet::new();
    let mut problem = None;
    for t in 1..=seconds {
        sim.run_until(t * SECOND).expect("runs");
        for Event { kind, t } in sim.drain_events() {
            match kind {
                EventKind::OrderPlaced { msg, .. }
                | EventKind::Sent { msg, .. }
                | EventKind::Copied { msg, .. }
                | EventKind::PublishRejected { msg, .. }
                | EventKind::StepSent { msg, .. }
                | EventKind::CompensationSent { msg, .. }
                    if !live.insert(msg) =>
                {
                    problem.get_or_insert(format!("message {msg} created twice at {t}"));
                }
                EventKind::Settled { msg, .. } if !live.remove(&msg) => {
                    problem.get_or_insert(format!("message {msg} settled twice or never created, at {t}"));
                }
                _ => {}
            }
        }
    }
    (live.len() as u64, problem)
}

prop_compose! {
    /// Any graph the format allows: clients, services and queues wired at
    /// random (cycles through queues, zero latencies, fan-out, retries),
    /// with bursts and steady sources. Many are invalid; the valid ones must run.
    fn topology_strategy()(
        kinds in prop::collection::vec(0u8..4, 2..9),
        wiring in prop::collection::vec((0usize..9, 0usize..9, 0u8..3, 0u8..3, 1u32..4), 1..16),
        sources in prop::collection::vec((0usize..9, any::<bool>(), 1u32..40, 1.0f64..150.0), 1..4),
        seed in any::<u64>(),
    ) -> Scenario {
        let n = kinds.len();
        let nodes: Vec<Node> = kinds.iter().enumerate().map(|(i, k)| {
            let kind = match k {
                0 => NodeKind::Client(ClientSpec::default()),
                1 => NodeKind::Service(ServiceSpec {
                    replicas: 1 + (i as u32 % 3),
                    concurrency: 1 + (i as u32 % 4),
                    backlog: 5,
                    processing: if i % 2 == 0 { Dist::Constant { ms: 0.0 } } else { Dist::Exponential { mean_ms: 4.0 } },
                    error_rate: 0.05,
                    restart_ms: 50.0,
                    saga: None,
                }),
                2 => NodeKind::Queue(QueueSpec { visibility_timeout_ms: 40.0, max_receive_count: if i % 2 == 0 { Some(3) } else { None } }),
                _ => NodeKind::Topic(TopicSpec { event_type: "e".into(), schema: schema_v(1, i % 2 == 0), registry: None }),
            };
            Node { id: format!("n{i}"), label: format!("n{i}"), position: Position::default(), kind }
        }).collect();
        // Each pair gets the transport its ends allow (so most graphs are valid);
        // `t` only picks among the allowed ones where there is a choice.
        let links: Vec<Link> = wiring.iter().enumerate().filter_map(|(i, &(a, b, t, lat, attempts))| {
            let (from, to) = (a % n, b % n);
            if from == to {
                return None;
            }
            let sync = || Transport::RequestResponse(SyncPolicy {
                timeout_ms: (t != 2).then_some(30.0),
                retry: Some(RetryPolicy { max_attempts: attempts, base_ms: 1.0, cap_ms: 10.0, jitter: Jitter::Full, budget: None }),
                ..SyncPolicy::default()
            });
            let transport = match (kinds[from], kinds[to]) {
                (2, 1) => Transport::Consume(ConsumePolicy { prefetch: attempts, idempotent: t == 0 }),
                (2, _) => return None,
                (3, 1) => Transport::Subscribe(SubscribePolicy {
                    ack_deadline_ms: 40.0,
                    max_delivery_attempts: (from % 2 == 0).then_some(5),
                    prefetch: attempts,
                    idempotent: t == 0,
                    reads: vec![Field { name: "total".into(), required: t == 1 }],
                    ..SubscribePolicy::default()
                }),
                (3, _) => return None,
                (_, 2) => Transport::Enqueue,
                (_, 3) => Transport::Publish,
                (_, 1) => sync(),
                _ => return None,
            };
            let latency = match lat { 0 => Dist::Constant { ms: 0.0 }, 1 => Dist::Constant { ms: 1.0 }, _ => Dist::Uniform { min_ms: 0.0, max_ms: 2.0 } };
            Some(Link { id: format!("l{i}"), from: format!("n{from}"), to: format!("n{to}"), latency, transport })
        }).collect();
        let sources = sources.iter().enumerate().map(|(i, &(target, burst, count, rate))| Source {
            id: format!("s{i}"),
            target: format!("n{}", target % n),
            arrival: if burst { Arrival::Burst { at_ms: 10.0 * i as f64, count } } else { Arrival::Poisson { rate_per_s: rate } },
            start_ms: 0.0,
            stop_ms: None,
            budget_ms: 200.0,
        }).collect();
        Scenario { version: FORMAT_VERSION, name: "topology".into(), description: String::new(), seed, nodes, links, sources, faults: vec![], monitors: vec![] }
    }
}

/// Limits low enough that a runaway case stops in milliseconds.
const TEST_EVENTS_PER_INSTANT: u64 = 20_000;
const TEST_EVENTS_PER_SECOND: u64 = 200_000;
const TEST_LIVE_MESSAGES: usize = 20_000;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_topologies_run_or_stop_with_a_guard_error(s in topology_strategy()) {
        let Ok(mut sim) = Simulation::new(s) else { return Ok(()) };
        sim.lower_guards(TEST_EVENTS_PER_INSTANT, TEST_EVENTS_PER_SECOND, TEST_LIVE_MESSAGES);
        let mut steps: u64 = 0;
        let until = 5 * SECOND;
        let outcome = loop {
            match sim.next_event_time() {
                Some(t) if t <= until => {}
                _ => break Ok(()),
            }
            if let Err(e) = sim.step() {
                break Err(e);
            }
            steps += 1;
            // Memory: the live-message cap holds after every event (a burst of at most 40 may overshoot it once).
            prop_assert!(sim.live_messages() <= TEST_LIVE_MESSAGES as u64 + 40, "{} live", sim.live_messages());
            // Work: bounded per simulated second by the rate guard.
            prop_assert!(steps <= 6 * TEST_EVENTS_PER_SECOND, "{steps} events in 5 simulated seconds");
        };
        match outcome {
            Ok(()) => prop_assert!(sim.ledger().balances(sim.live_messages())),
            Err(SimError::Livelock { events, .. }) => prop_assert!(events > TEST_EVENTS_PER_INSTANT),
            Err(SimError::Capacity { live, .. }) => prop_assert!(live > TEST_LIVE_MESSAGES as u64),
            Err(SimError::TooBusy { events, .. }) => prop_assert!(events > TEST_EVENTS_PER_SECOND),
            Err(e) => prop_assert!(false, "unexpected error: {}", e),
        }
    }

    #[test]
    fn everything_settles_once_faults_end_and_traffic_stops(mut s in scenario_strategy()) {
        // Traffic stops at 3 s; every fault ends by 5 s; poison only where a DLQ takes it out.
        s.sources[0].stop_ms = Some(3_000.0);
        let has_dlq = s.nodes.iter().any(|n| matches!(&n.kind, NodeKind::Queue(q) if q.max_receive_count.is_some()));
        s.faults.retain(|f| has_dlq || !matches!(f.effect, FaultEffect::Poison { .. }));
        for f in &mut s.faults {
            let end = f.until_ms.unwrap_or(5_000.0).min(5_000.0);
            f.until_ms = Some(end.max(f.at_ms + 1.0));
        }
        // A caller with no timeout waits for ever on a request the network lost:
        // that is the lesson of type 1, not a liveness bug, so every call has a timeout here.
        for l in &mut s.links {
            if let Transport::RequestResponse(p) = &mut l.transport {
                p.timeout_ms.get_or_insert(150.0);
            }
        }
        let mut sim = Simulation::new(s).expect("valid");
        sim.run_until(5 * SECOND).expect("runs");
        // Bounded settling: retries, visibility timeouts and restarts are all well under a minute here.
        sim.run_until(65 * SECOND).expect("runs");
        prop_assert_eq!(sim.live_messages(), 0, "still in flight a minute after everything ended: {:?}", sim.ledger());
    }
}
