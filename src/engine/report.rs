//! A summary of a run, derived from the metrics and ledger: the CLI prints
//! it as text or JSON, and the UI can show the same numbers.

use serde::Serialize;

use super::ledger::Ledger;
use super::metrics::{
    EdgeMetrics, GroupMetrics, JobMetrics, LinkMetrics, LogMetrics, Metrics, NodeMetrics, OrderMetrics, PublishMetrics,
    QueueMetrics, SubscriptionMetrics, TopicMetrics,
};
use super::patterns::transport_look;
use super::scenario::{MonitorOn, NodeKind, Scenario, Transport};
use super::sim::Simulation;
use super::time::{micros_to_ms, Micros};

pub use super::histogram::Latency;

/// One service: its metrics as they are, plus what is computed from them.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceReport {
    /// Node id.
    pub id: String,
    /// The service's metrics (counters, pool, wait and processing times).
    #[serde(flatten)]
    pub metrics: NodeMetrics,
    /// Share of worker time used, 0 to 1.
    pub utilisation: f64,
}

/// One link: its metrics, its transport, and what is computed from them.
#[derive(Clone, Debug, Serialize)]
pub struct LinkReport {
    /// Link id.
    pub id: String,
    /// Transport type (the scenario format's name).
    pub transport: &'static str,
    /// The link's metrics (sent, retries, outcomes, round trips, breaker).
    #[serde(flatten)]
    pub metrics: LinkMetrics,
    /// Retries per first attempt.
    pub retry_rate: f64,
    /// Seconds spent closed, open and half-open.
    pub breaker_seconds: [f64; 3],
}

/// One queue: its metrics plus the oldest message's age at the end.
#[derive(Clone, Debug, Serialize)]
pub struct QueueReport {
    /// Node id.
    pub id: String,
    /// The queue's metrics (depth, redeliveries, dead letters, queue wait).
    #[serde(flatten)]
    pub metrics: QueueMetrics,
    /// Age of the oldest visible message at the end (ms).
    pub oldest_age_ms: f64,
}

/// One topic: what was published to it and refused by its registry.
#[derive(Clone, Debug, Serialize)]
pub struct TopicReport {
    /// Node id.
    pub id: String,
    /// The type of its events.
    pub event_type: String,
    /// The topic's metrics (published, registry rejections, copies, schema now).
    #[serde(flatten)]
    pub metrics: TopicMetrics,
}

/// One subscription: its metrics plus its lag at the end.
#[derive(Clone, Debug, Serialize)]
pub struct SubscriptionReport {
    /// Link id.
    pub id: String,
    /// The topic's id.
    pub topic: String,
    /// The subscriber's id.
    pub subscriber: String,
    /// The subscription's metrics (published, delivered, processed,
    /// unreadable, dead-lettered, backlog).
    #[serde(flatten)]
    pub metrics: SubscriptionMetrics,
    /// Events not yet done with at the end (waiting or unacknowledged).
    pub lag: u64,
    /// Age of the oldest waiting event at the end (ms).
    pub oldest_age_ms: f64,
    /// Removed while running.
    pub detached: bool,
}

/// One orchestrator: its sagas by outcome and its manual-intervention queue.
#[derive(Clone, Debug, Serialize)]
pub struct SagaReport {
    /// Node id.
    pub id: String,
    /// Orchestration or choreography.
    pub mode: super::scenario::SagaMode,
    /// Started, running, ended by outcome, failed steps and compensations,
    /// the manual queue.
    #[serde(flatten)]
    pub metrics: super::metrics::SagaMetrics,
}

/// One log: its offsets and counters.
#[derive(Clone, Debug, Serialize)]
pub struct LogReport {
    /// Node id.
    pub id: String,
    /// Appended and expired records, each partition's start and end offsets.
    #[serde(flatten)]
    pub metrics: LogMetrics,
}

/// One consumer group (read link): its offsets, lag, duplicates and losses.
#[derive(Clone, Debug, Serialize)]
pub struct GroupReport {
    /// The read link's id.
    pub id: String,
    /// The log it reads.
    pub log: String,
    /// The consuming service.
    pub service: String,
    /// Committed and processed offsets, duplicates and losses by cause, rebalances.
    #[serde(flatten)]
    pub metrics: GroupMetrics,
    /// Per partition at the end: records from the committed offset to the log's end.
    pub lag_records: Vec<u64>,
    /// Per partition at the end: how long the first of those records has waited (ms).
    pub lag_ms: Vec<f64>,
}

/// One append link: failed publishes and the outbox.
#[derive(Clone, Debug, Serialize)]
pub struct PublishReport {
    /// The append link's id.
    pub id: String,
    /// Whether it publishes through a transactional outbox.
    pub outbox: bool,
    /// Publish failures, events lost, outbox backlog and relay delay.
    #[serde(flatten)]
    pub metrics: PublishMetrics,
}

/// One push link (type 6): the crowd's connections and updates.
#[derive(Clone, Debug, Serialize)]
pub struct EdgeReport {
    /// The push link's id.
    pub id: String,
    /// The gateway.
    pub gateway: String,
    /// `websocket` or `sse`.
    pub protocol: &'static str,
    /// Connections at the end, updates, reconnects and their peaks, heartbeat failures.
    #[serde(flatten)]
    pub metrics: EdgeMetrics,
    /// Updates per open connection per second over the last whole second.
    pub rate_per_connection: f64,
    /// Time to full recovery after the last gateway restart (ms), when it recovered.
    pub recovery_ms: Option<f64>,
}

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

fn services(s: &Scenario, m: &Metrics, now: Micros) -> Vec<ServiceReport> {
    s.nodes
        .iter()
        .zip(&m.nodes)
        .filter(|(n, _)| n.kind.service().is_some())
        .map(|(n, nm)| ServiceReport { id: n.id.clone(), metrics: nm.clone(), utilisation: nm.utilisation(now) })
        .collect()
}

fn links(s: &Scenario, m: &Metrics, now: Micros) -> Vec<LinkReport> {
    s.links
        .iter()
        .zip(&m.links)
        .map(|(l, lm)| {
            let first = lm.sent - lm.retries;
            LinkReport {
                id: l.id.clone(),
                transport: transport_look(&l.transport).key,
                metrics: lm.clone(),
                retry_rate: if first == 0 { 0.0 } else { lm.retries as f64 / first as f64 },
                breaker_seconds: lm.breaker_times(now).map(|t| t as f64 / 1e6),
            }
        })
        .collect()
}

fn queues(s: &Scenario, m: &Metrics, now: Micros) -> Vec<QueueReport> {
    s.nodes
        .iter()
        .zip(&m.queues)
        .filter(|(n, _)| n.kind.queue().is_some())
        .map(|(n, q)| QueueReport {
            id: n.id.clone(),
            metrics: q.clone(),
            oldest_age_ms: micros_to_ms(q.oldest_age(now)),
        })
        .collect()
}

fn topics(s: &Scenario, m: &Metrics) -> Vec<TopicReport> {
    s.nodes
        .iter()
        .zip(&m.topics)
        .filter_map(|(n, t)| {
            let spec = n.kind.topic()?;
            Some(TopicReport { id: n.id.clone(), event_type: spec.event_type.clone(), metrics: t.clone() })
        })
        .collect()
}

fn subscriptions(s: &Scenario, m: &Metrics, now: Micros) -> Vec<SubscriptionReport> {
    s.links
        .iter()
        .zip(&m.subscriptions)
        .filter_map(|(l, sm)| {
            let policy = l.transport.subscribe_policy()?;
            Some(SubscriptionReport {
                id: l.id.clone(),
                topic: l.from.clone(),
                subscriber: l.to.clone(),
                metrics: sm.clone(),
                lag: sm.lag(),
                oldest_age_ms: micros_to_ms(sm.oldest_age(now)),
                detached: policy.detached,
            })
        })
        .collect()
}

fn logs(s: &Scenario, m: &Metrics) -> Vec<LogReport> {
    s.nodes
        .iter()
        .zip(&m.logs)
        .filter(|(n, _)| n.kind.log().is_some())
        .map(|(n, l)| LogReport { id: n.id.clone(), metrics: l.clone() })
        .collect()
}

fn groups(sim: &Simulation) -> Vec<GroupReport> {
    let s = sim.scenario();
    s.links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.transport.read_policy().is_some())
        .map(|(i, l)| {
            let lag = sim.group_lag(i);
            GroupReport {
                id: l.id.clone(),
                log: l.from.clone(),
                service: l.to.clone(),
                metrics: sim.metrics().groups[i].clone(),
                lag_records: lag.iter().map(|(n, _)| *n).collect(),
                lag_ms: lag.iter().map(|(_, t)| micros_to_ms(*t)).collect(),
            }
        })
        .collect()
}

/// One scheduled job: its runs, rows, drift and alerts, and how old its
/// last success and its output are at the end.
#[derive(Clone, Debug, Serialize)]
pub struct JobReport {
    /// Node id.
    pub id: String,
    /// What its alerts watch (`exit_code` or `output`).
    pub monitoring: &'static str,
    /// The job's metrics (runs by outcome, rows, drift, alerts, the last runs).
    #[serde(flatten)]
    pub metrics: JobMetrics,
    /// Time since the last run that exited 0 (ms), if any did.
    pub last_success_ago_ms: Option<f64>,
    /// Age of the output: time since the last run that wrote rows (ms), if any did.
    pub output_age_ms: Option<f64>,
}

fn jobs(s: &Scenario, m: &Metrics, now: Micros) -> Vec<JobReport> {
    s.nodes
        .iter()
        .zip(&m.jobs)
        .filter_map(|(n, j)| {
            let spec = n.kind.job()?;
            Some(JobReport {
                id: n.id.clone(),
                monitoring: match spec.monitor {
                    MonitorOn::ExitCode => "exit_code",
                    MonitorOn::Output => "output",
                },
                metrics: j.clone(),
                last_success_ago_ms: j.last_success.map(|t| micros_to_ms(now.saturating_sub(t))),
                output_age_ms: j.output_age(now).map(micros_to_ms),
            })
        })
        .collect()
}

fn publishes(s: &Scenario, m: &Metrics) -> Vec<PublishReport> {
    s.links
        .iter()
        .zip(&m.publishes)
        .filter_map(|(l, p)| {
            let a = l.transport.append_policy()?;
            Some(PublishReport { id: l.id.clone(), outbox: a.outbox.is_some(), metrics: p.clone() })
        })
        .collect()
}

fn edges(s: &Scenario, m: &Metrics) -> Vec<EdgeReport> {
    s.links
        .iter()
        .zip(&m.edges)
        .zip(&m.links)
        .filter_map(|((l, e), lm)| {
            let p = l.transport.push_policy()?;
            // Every update is one send on the push link (replays are not sends).
            let mut e = e.clone();
            e.pushed = lm.sent;
            Some(EdgeReport {
                id: l.id.clone(),
                gateway: l.from.clone(),
                protocol: if p.sse { "sse" } else { "websocket" },
                rate_per_connection: e.rate_per_connection(),
                recovery_ms: e.recovery.map(micros_to_ms),
                metrics: e,
            })
        })
        .collect()
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
            let own = nm.self_time.mean() + nm.wait.mean();
            (n.id.clone(), own / 1_000.0, own / budget as f64)
        })
        .collect();
    BudgetReport { budget_ms: micros_to_ms(budget), over_budget: m.orders.over_budget, hops }
}
