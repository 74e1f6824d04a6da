//! Property tests over random scenarios and fault schedules: the ledger
//! always balances, the same seed replays the same trace, seeds differ.

use patchbay::engine::dist::Dist;
use patchbay::engine::scenario::*;
use patchbay::engine::{Simulation, SECOND};
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

fn plain_link(id: &str, from: &str, to: &str, transport: Transport) -> Link {
    Link { id: id.into(), from: from.into(), to: to.into(), latency: Dist::Constant { ms: 1.0 }, transport }
}

prop_compose! {
    fn fault_strategy()(kind in 0u8..8, target in 0usize..4, at in 0.0f64..3_000.0, len in prop::option::of(100.0f64..2_000.0),
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
        let services: Vec<String> = (0..chain).map(|i| format!("s{i}")).chain(["worker".to_string()]).collect();
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
        prop_assert_eq!(l.created, l.processed + l.failed_total() + l.dead_lettered + l.dropped_total() + l.in_flight());
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
