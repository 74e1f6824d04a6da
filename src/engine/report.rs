//! A summary of a run, derived from the metrics and ledger: the CLI prints
//! it as text or JSON, and the UI can show the same numbers.

use serde::Serialize;

use super::event::Reason;
use super::ledger::Ledger;
use super::metrics::Metrics;
use super::patterns::transport_look;
use super::scenario::{NodeKind, Scenario, Transport};
use super::sim::Simulation;
use super::time::{micros_to_ms, Micros};

/// Latency figures in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    /// Samples.
    pub count: u64,
    /// Mean.
    pub mean_ms: f64,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

impl Latency {
    fn of(h: &super::histogram::Histogram) -> Self {
        Latency {
            count: h.count(),
            mean_ms: h.mean() / 1_000.0,
            p50_ms: micros_to_ms(h.quantile(0.5)),
            p95_ms: micros_to_ms(h.quantile(0.95)),
            p99_ms: micros_to_ms(h.quantile(0.99)),
            max_ms: micros_to_ms(h.max()),
        }
    }
}

/// One service's figures.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceReport {
    /// Node id.
    pub id: String,
    /// Requests and deliveries that arrived.
    pub arrived: u64,
    /// Finished well.
    pub completed: u64,
    /// Failed, by reason (only non-zero ones).
    pub failed: Vec<(&'static str, u64)>,
    /// Refused for lack of room or because it was down.
    pub rejected: u64,
    /// Instance crashes.
    pub crashes: u64,
    /// Workers busy at the end.
    pub busy: u32,
    /// Worker pool size.
    pub capacity: u32,
    /// Share of worker time used, 0 to 1.
    pub utilisation: f64,
    /// Waiting for a worker (queue wait, apart from processing).
    pub wait: Latency,
    /// Holding a worker.
    pub busy_time: Latency,
    /// Own processing, without downstream calls.
    pub self_time: Latency,
    /// Repeats processed again / suppressed by idempotency.
    pub duplicates_processed: u64,
    /// Repeats skipped by an idempotent consumer.
    pub duplicates_suppressed: u64,
}

/// One link's figures.
#[derive(Clone, Debug, Serialize)]
pub struct LinkReport {
    /// Link id.
    pub id: String,
    /// Transport type.
    pub transport: &'static str,
    /// Messages sent (attempts or enqueues).
    pub sent: u64,
    /// Of which retries.
    pub retries: u64,
    /// Retries per first attempt.
    pub retry_rate: f64,
    /// Successful replies.
    pub ok: u64,
    /// Failed replies.
    pub errors: u64,
    /// Timeouts.
    pub timeouts: u64,
    /// Replies after a timeout.
    pub late_replies: u64,
    /// Breaker rejections.
    pub short_circuits: u64,
    /// Retries refused by the budget.
    pub retries_denied: u64,
    /// Fallback answers.
    pub fallbacks: u64,
    /// Lost to a partition.
    pub dropped: u64,
    /// Round trip of returned attempts.
    pub rtt: Latency,
    /// Breaker state at the end (closed if there is no breaker).
    pub breaker: &'static str,
    /// Breaker transitions.
    pub breaker_changes: u64,
    /// Seconds spent closed, open and half-open.
    pub breaker_seconds: [f64; 3],
}

/// One queue's figures.
#[derive(Clone, Debug, Serialize)]
pub struct QueueReport {
    /// Node id.
    pub id: String,
    /// Entered.
    pub enqueued: u64,
    /// Deliveries including redeliveries.
    pub delivered: u64,
    /// Visibility timeouts.
    pub redelivered: u64,
    /// Acknowledged.
    pub acked: u64,
    /// In the dead-letter queue.
    pub dead_lettered: u64,
    /// Visible messages at the end.
    pub depth: u32,
    /// Most visible at once.
    pub max_depth: u32,
    /// Age of the oldest visible message at the end (ms).
    pub oldest_age_ms: f64,
    /// Time in the queue before each delivery.
    pub wait: Latency,
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

/// Orders from sources.
#[derive(Clone, Debug, Serialize)]
pub struct OrderReport {
    /// Placed.
    pub placed: u64,
    /// Answered well.
    pub ok: u64,
    /// Answered with a failure.
    pub failed: u64,
    /// End to end, successful ones.
    pub e2e: Latency,
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

/// A whole run.
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
    pub orders: OrderReport,
    /// Latency budget.
    pub budget: BudgetReport,
    /// Services in scenario order.
    pub services: Vec<ServiceReport>,
    /// Links in scenario order.
    pub links: Vec<LinkReport>,
    /// Queues in scenario order.
    pub queues: Vec<QueueReport>,
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
            orders: OrderReport {
                placed: m.orders.placed,
                ok: m.orders.ok,
                failed: m.orders.failed,
                e2e: Latency::of(&m.orders.e2e),
            },
            budget: budget(s, m),
            services: services(s, m, now),
            links: links(s, m, now),
            queues: queues(s, m, now),
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
        .filter(|(n, _)| matches!(n.kind, NodeKind::Service(_)))
        .map(|(n, nm)| ServiceReport {
            id: n.id.clone(),
            arrived: nm.arrived,
            completed: nm.completed,
            failed: Reason::ALL.iter().zip(nm.failed).filter(|(_, c)| *c > 0).map(|(r, c)| (r.name(), c)).collect(),
            rejected: nm.rejected,
            crashes: nm.crashes,
            busy: nm.busy,
            capacity: nm.capacity,
            utilisation: nm.utilisation(now),
            wait: Latency::of(&nm.wait),
            busy_time: Latency::of(&nm.busy_time),
            self_time: Latency::of(&nm.self_time),
            duplicates_processed: nm.duplicates_processed,
            duplicates_suppressed: nm.duplicates_suppressed,
        })
        .collect()
}

fn links(s: &Scenario, m: &Metrics, now: Micros) -> Vec<LinkReport> {
    s.links
        .iter()
        .zip(&m.links)
        .map(|(l, lm)| {
            let first = lm.sent - lm.retries;
            let times = lm.breaker_times(now);
            LinkReport {
                id: l.id.clone(),
                transport: transport_look(&l.transport).key,
                sent: lm.sent,
                retries: lm.retries,
                retry_rate: if first == 0 { 0.0 } else { lm.retries as f64 / first as f64 },
                ok: lm.ok,
                errors: lm.errors,
                timeouts: lm.timeouts,
                late_replies: lm.late_replies,
                short_circuits: lm.short_circuits,
                retries_denied: lm.retries_denied,
                fallbacks: lm.fallbacks,
                dropped: lm.dropped,
                rtt: Latency::of(&lm.rtt),
                breaker: lm.breaker.name(),
                breaker_changes: lm.breaker_changes,
                breaker_seconds: times.map(|t| t as f64 / 1e6),
            }
        })
        .collect()
}

fn queues(s: &Scenario, m: &Metrics, now: Micros) -> Vec<QueueReport> {
    s.nodes
        .iter()
        .zip(&m.queues)
        .filter(|(n, _)| matches!(n.kind, NodeKind::Queue(_)))
        .map(|(n, q)| QueueReport {
            id: n.id.clone(),
            enqueued: q.enqueued,
            delivered: q.delivered,
            redelivered: q.redelivered,
            acked: q.acked,
            dead_lettered: q.dead_lettered,
            depth: q.depth,
            max_depth: q.max_depth,
            oldest_age_ms: micros_to_ms(q.oldest_age(now)),
            wait: Latency::of(&q.wait),
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
