//! A node's charts by kind, following each type's "what to monitor":
//! a service's workers and waits, a queue's depth and age, a topic's
//! publishes, a log's appends, a saga's outcomes, a job's freshness.

use super::*;

const SERVICE: [Spec; 4] = [
    Spec {
        what: "wait",
        title: ": wait for a worker vs processing",
        unit: Unit::Ms,
        lines: &[line(Key::WaitMs, "wait", 0), line(Key::ProcessingMs, "processing", 1)],
    },
    Spec {
        what: "util",
        title: ": pool in use",
        unit: Unit::Percent,
        lines: &[LineSpec { factor: 100.0, ..line(Key::Utilisation, "busy workers", 0) }],
    },
    Spec {
        what: "rate",
        title: ": work done and failed",
        unit: Unit::PerSecond,
        lines: &[line(Key::DonePerS, "done", 0), line(Key::FailedPerS, "failed", 2)],
    },
    Spec {
        what: "crashes",
        title: ": crashes (each one a restart)",
        unit: Unit::Count,
        lines: &[line(Key::Crashes, "crashes", 2), line(Key::Waiting, "waiting now", 1)],
    },
];

/// An orchestrator's two charts before its service's own.
const SAGA: [Spec; 2] = [
    Spec {
        what: "sagas",
        title: ": sagas",
        unit: Unit::Count,
        lines: &[
            line(Key::SagasStarted, "started", 0),
            line(Key::SagasCompleted, "completed", 1),
            line(Key::SagasCompensated, "compensated", 3),
            line(Key::SagasStuck, "stuck", 2),
        ],
    },
    Spec {
        what: "manual",
        title: ": manual queue and failed compensations",
        unit: Unit::Count,
        lines: &[line(Key::ManualQueue, "manual queue", 2), line(Key::CompensationsFailed, "failed compensations", 3)],
    },
];

/// A queue's charts before and after its wait (which reads its consumer's).
const QUEUE: [Spec; 3] = [
    Spec {
        what: "depth",
        title: ": depth and dead letters",
        unit: Unit::Count,
        lines: &[line(Key::Depth, "depth", 0), line(Key::DeadLetters, "in the DLQ", 2)],
    },
    Spec {
        what: "age",
        title: ": oldest message's age",
        unit: Unit::Seconds,
        lines: &[LineSpec { factor: 1e-3, ..line(Key::OldestAgeMs, "oldest age", 3) }],
    },
    Spec {
        what: "flow",
        title: ": in and out",
        unit: Unit::PerSecond,
        lines: &[line(Key::EnqueuedPerS, "enqueued", 0), line(Key::DeliveredPerS, "delivered", 1)],
    },
];

const TOPIC: [Spec; 2] = [
    Spec {
        what: "published",
        title: ": published",
        unit: Unit::PerSecond,
        lines: &[line(Key::PublishedPerS, "events", 0)],
    },
    Spec {
        what: "rejected",
        title: ": refused by the schema registry",
        unit: Unit::Count,
        lines: &[line(Key::RegistryRejections, "refused", 2)],
    },
];

const LOG: [Spec; 1] = [Spec {
    what: "appended",
    title: ": appended",
    unit: Unit::PerSecond,
    lines: &[line(Key::AppendedPerS, "records", 0)],
}];

/// A job's charts before its runs' durations.
const JOB: [Spec; 2] = [
    Spec {
        what: "fresh",
        title: ": freshness and last success",
        unit: Unit::Seconds,
        lines: &[
            LineSpec { factor: 1e-3, ..line(Key::FreshnessMs, "output age", 3) },
            LineSpec { factor: 1e-3, dashed: true, ..line(Key::SinceSuccessMs, "since exit 0", 1) },
        ],
    },
    Spec {
        what: "rows",
        title: ": rows in vs out",
        unit: Unit::Count,
        lines: &[line(Key::RowsIn, "rows in", 0), line(Key::RowsOut, "rows out", 1)],
    },
];

/// The charts of node `i`.
pub fn node_charts(s: &Scenario, i: usize) -> Vec<ChartDef> {
    let Some(n) = s.nodes.get(i) else { return vec![] };
    let o = Owner::Node(i);
    let name = n.label.as_str();
    match &n.kind {
        NodeKind::Client(_) | NodeKind::Gateway(_) => vec![],
        NodeKind::Service(spec) => {
            let saga: &[Spec] = if spec.saga.is_some() { &SAGA } else { &[] };
            saga.iter().chain(&SERVICE).map(|c| from_spec(o, name, c)).collect()
        }
        NodeKind::Queue(_) => {
            let mut v = from_specs(o, name, &QUEUE);
            v.insert(2, queue_wait_chart(s, i));
            v
        }
        NodeKind::Topic(_) => from_specs(o, name, &TOPIC),
        NodeKind::Log(_) => from_specs(o, name, &LOG),
        NodeKind::Job(_) => {
            let mut v = from_specs(o, name, &JOB);
            v.push(chart(
                format!("node-{i}-duration"),
                format!("{name}: duration per run"),
                Unit::Seconds,
                vec![Plot { bars: true, ..plot(Source::JobRuns(i), "last run", 0) }],
            ));
            v
        }
    }
}

pub(super) fn saga_chart(s: &Scenario, i: usize) -> ChartDef {
    from_spec(Owner::Node(i), &s.nodes[i].label, &SAGA[0])
}

/// A queue's wait apart from its consumers' processing.
fn queue_wait_chart(s: &Scenario, i: usize) -> ChartDef {
    let mut plots = vec![plot(track(Owner::Node(i), Key::QueueWaitMs), "wait in queue", 0)];
    if let Some(c) = consumers(s, i).first() {
        plots.push(plot(track(Owner::Node(*c), Key::ProcessingMs), "processing", 1));
    }
    chart(format!("node-{i}-qwait"), format!("{}: queue wait vs processing", s.nodes[i].label), Unit::Ms, plots)
}

/// The services consuming queue `i`.
pub(super) fn consumers(s: &Scenario, i: usize) -> Vec<usize> {
    let id = &s.nodes[i].id;
    s.links
        .iter()
        .filter(|l| &l.from == id && l.transport.consume_policy().is_some())
        .filter_map(|l| s.nodes.iter().position(|n| n.id == l.to))
        .collect()
}
