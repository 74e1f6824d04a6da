//! A summary of a run, derived from the metrics and ledger: the CLI prints
//! it as text or JSON, and the UI can show the same numbers.

use serde::Serialize;

use super::ledger::Ledger;
use super::metrics::{Metrics, OrderMetrics};
use super::scenario::{NodeKind, Scenario, Transport};
use super::sim::Simulation;
use super::time::micros_to_ms;

pub use super::histogram::Latency;

mod sections;

use sections::{edges, groups, jobs, links, logs, publishes, queues, services, subscriptions, topics};
pub use sections::{
    EdgeReport, GroupReport, JobReport, LinkReport, LogReport, PublishReport, QueueReport, SagaReport, ServiceReport,
    SubscriptionReport, TopicReport,
};

/// How much of the latency budget each hop used.
#[derive(Clone, Debug, Serialize)]
pub struct BudgetReport {
    /// The end-to-end budget (ms).
    pub budget_ms: f64,
    /// Successful orders over budget.
    pub over_budget: u64,
    /// Per service on the synchronous path: mean own time and its share of the budget.
    pub hops: Vec<(String, f64, f64)>,
}

/// The engine's own counters.
#[derive(Clone, Debug, Serialize)]
pub struct EngineReport {
    /// Simulated time (s).
    pub simulated_s: f64,
    /// Timers processed.
    pub timers: u64,
    /// Events emitted.
    pub events: u64,
    /// Wall time (s), when the caller measured it.
    pub wall_s: Option<f64>,
    /// Events per wall second.
    pub events_per_s: Option<f64>,
}

/// A whole run: the simulation's metrics with what is computed from them.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Message fates.
    pub ledger: Ledger,
    /// Messages still in flight.
    pub in_flight: u64,
    /// Orders.
    pub orders: OrderMetrics,
    /// Latency budget.
    pub budget: BudgetReport,
    /// Services in scenario order.
    pub services: Vec<ServiceReport>,
    /// Links in scenario order.
    pub links: Vec<LinkReport>,
    /// Queues in scenario order.
    pub queues: Vec<QueueReport>,
    /// Topics in scenario order.
    pub topics: Vec<TopicReport>,
    /// Subscriptions in scenario order.
    pub subscriptions: Vec<SubscriptionReport>,
    /// Logs in scenario order.
    pub logs: Vec<LogReport>,
    /// Consumer groups (read links) in scenario order.
    pub groups: Vec<GroupReport>,
    /// Append links in scenario order.
    pub publishes: Vec<PublishReport>,
    /// Push links (type 6) in scenario order.
    pub edges: Vec<EdgeReport>,
    /// Orchestrators (services with a saga block) in scenario order.
    pub sagas: Vec<SagaReport>,
    /// Scheduled jobs in scenario order.
    pub jobs: Vec<JobReport>,
    /// Engine counters.
    pub engine: EngineReport,
    /// Trace hash, when it was enabled.
    pub trace_hash: Option<String>,
}

impl Report {
    /// Summarises a simulation. `wall` is the wall time the caller measured, if any.
    pub fn new(sim: &Simulation, seed: u64, wall_s: Option<f64>) -> Self {
        let s = sim.scenario();
        let m = sim.metrics();
        let now = sim.now();
        Report {
            scenario: s.name.clone(),
            seed,
            ledger: sim.ledger().clone(),
            in_flight: sim.ledger().in_flight(),
            orders: m.orders.clone(),
            budget: budget(s, m),
            services: services(s, m, now),
            links: links(s, m, now),
            queues: queues(s, m, now),
            topics: topics(s, m),
            subscriptions: subscriptions(s, m, now),
            logs: logs(s, m),
            groups: groups(sim),
            publishes: publishes(s, m),
            edges: edges(s, m),
            sagas: s
                .nodes
                .iter()
                .zip(&m.sagas)
                .filter_map(|(n, g)| {
                    let saga = n.kind.service()?.saga.as_ref()?;
                    Some(SagaReport { id: n.id.clone(), mode: saga.mode, metrics: g.clone() })
                })
                .collect(),
            jobs: jobs(s, m, now),
            engine: EngineReport {
                simulated_s: now as f64 / 1e6,
                timers: sim.timers_fired(),
                events: m.events,
                wall_s,
                events_per_s: wall_s.filter(|w| *w > 0.0).map(|w| m.events as f64 / w),
            },
            trace_hash: sim.trace_hash().map(|h| format!("{h:016x}")),
        }
    }
}

/// Hops on the synchronous path from any client: each service reached by request-response links.
fn budget(s: &Scenario, m: &Metrics) -> BudgetReport {
    let budget = m.orders.budget.max(1);
    let mut on_path: Vec<&str> = Vec::new();
    let mut frontier: Vec<&str> =
        s.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Client(_))).map(|n| n.id.as_str()).collect();
    while let Some(id) = frontier.pop() {
        for l in &s.links {
            if l.from == id && matches!(l.transport, Transport::RequestResponse(_)) && !on_path.contains(&l.to.as_str())
            {
                on_path.push(&l.to);
                frontier.push(&l.to);
            }
        }
    }
    let hops = s
        .nodes
        .iter()
        .zip(&m.nodes)
        .filter(|(n, _)| on_path.contains(&n.id.as_str()))
        .map(|(n, nm)| {
            let own = nm.held.self_mean() + nm.wait.mean();
            (n.id.clone(), own / 1_000.0, own / budget as f64)
        })
        .collect();
    BudgetReport { budget_ms: micros_to_ms(budget), over_budget: m.orders.over_budget, hops }
}
