//! The report's rows, one kind of node or link each: services, links,
//! queues, topics and subscriptions, logs, consumer groups and append
//! links, push links, jobs and sagas. Each row is the kind's metrics as
//! they are, plus what is computed from them.

use serde::Serialize;

use crate::engine::metrics::{
    EdgeMetrics, GroupMetrics, JobMetrics, LinkMetrics, LogMetrics, Metrics, NodeMetrics, PublishMetrics, QueueMetrics,
    SubscriptionMetrics, TopicMetrics,
};
use crate::engine::patterns::transport_look;
use crate::engine::scenario::{MonitorOn, Scenario};
use crate::engine::sim::Simulation;
use crate::engine::time::{micros_to_ms, Micros};

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
    pub mode: crate::engine::scenario::SagaMode,
    /// Started, running, ended by outcome, failed steps and compensations,
    /// the manual queue.
    #[serde(flatten)]
    pub metrics: crate::engine::metrics::SagaMetrics,
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

pub(super) fn services(s: &Scenario, m: &Metrics, now: Micros) -> Vec<ServiceReport> {
    s.nodes
        .iter()
        .zip(&m.nodes)
        .filter(|(n, _)| n.kind.service().is_some())
        .map(|(n, nm)| ServiceReport { id: n.id.clone(), metrics: nm.clone(), utilisation: nm.utilisation(now) })
        .collect()
}

pub(super) fn links(s: &Scenario, m: &Metrics, now: Micros) -> Vec<LinkReport> {
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

pub(super) fn queues(s: &Scenario, m: &Metrics, now: Micros) -> Vec<QueueReport> {
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

pub(super) fn topics(s: &Scenario, m: &Metrics) -> Vec<TopicReport> {
    s.nodes
        .iter()
        .zip(&m.topics)
        .filter_map(|(n, t)| {
            let spec = n.kind.topic()?;
            Some(TopicReport { id: n.id.clone(), event_type: spec.event_type.clone(), metrics: t.clone() })
        })
        .collect()
}

pub(super) fn subscriptions(s: &Scenario, m: &Metrics, now: Micros) -> Vec<SubscriptionReport> {
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

pub(super) fn logs(s: &Scenario, m: &Metrics) -> Vec<LogReport> {
    s.nodes
        .iter()
        .zip(&m.logs)
        .filter(|(n, _)| n.kind.log().is_some())
        .map(|(n, l)| LogReport { id: n.id.clone(), metrics: l.clone() })
        .collect()
}

pub(super) fn groups(sim: &Simulation) -> Vec<GroupReport> {
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

pub(super) fn jobs(s: &Scenario, m: &Metrics, now: Micros) -> Vec<JobReport> {
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

pub(super) fn publishes(s: &Scenario, m: &Metrics) -> Vec<PublishReport> {
    s.links
        .iter()
        .zip(&m.publishes)
        .filter_map(|(l, p)| {
            let a = l.transport.append_policy()?;
            Some(PublishReport { id: l.id.clone(), outbox: a.outbox.is_some(), metrics: p.clone() })
        })
        .collect()
}

pub(super) fn edges(s: &Scenario, m: &Metrics) -> Vec<EdgeReport> {
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
