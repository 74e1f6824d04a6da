//! A node's charts by kind, following each type's "what to monitor":
//! a service's workers and waits, a queue's depth and age, a topic's
//! publishes, a log's appends, a saga's outcomes, a job's freshness.

use super::*;

/// The charts of node `i`.
pub fn node_charts(s: &Scenario, i: usize) -> Vec<ChartDef> {
    let Some(n) = s.nodes.get(i) else { return vec![] };
    let o = Owner::Node(i);
    let id = |what: &str| format!("node-{i}-{what}");
    let name = &n.label;
    match &n.kind {
        NodeKind::Client(_) | NodeKind::Gateway(_) => vec![],
        NodeKind::Service(spec) => {
            let mut v = vec![
                chart(
                    id("wait"),
                    format!("{name}: wait for a worker vs processing"),
                    Unit::Ms,
                    vec![plot(track(o, Key::WaitMs), "wait", 0), plot(track(o, Key::ProcessingMs), "processing", 1)],
                ),
                chart(
                    id("util"),
                    format!("{name}: pool in use"),
                    Unit::Percent,
                    vec![plot(Source::Track(o, Key::Utilisation, 100.0), "busy workers", 0)],
                ),
                chart(
                    id("rate"),
                    format!("{name}: work done and failed"),
                    Unit::PerSecond,
                    vec![plot(track(o, Key::DonePerS), "done", 0), plot(track(o, Key::FailedPerS), "failed", 2)],
                ),
                chart(
                    id("crashes"),
                    format!("{name}: crashes (each one a restart)"),
                    Unit::Count,
                    vec![plot(track(o, Key::Crashes), "crashes", 2), plot(track(o, Key::Waiting), "waiting now", 1)],
                ),
            ];
            if spec.saga.is_some() {
                v.insert(0, saga_chart(s, i));
                v.insert(
                    1,
                    chart(
                        id("manual"),
                        format!("{name}: manual queue and failed compensations"),
                        Unit::Count,
                        vec![
                            plot(track(o, Key::ManualQueue), "manual queue", 2),
                            plot(track(o, Key::CompensationsFailed), "failed compensations", 3),
                        ],
                    ),
                );
            }
            v
        }
        NodeKind::Queue(_) => vec![
            chart(
                id("depth"),
                format!("{name}: depth and dead letters"),
                Unit::Count,
                vec![plot(track(o, Key::Depth), "depth", 0), plot(track(o, Key::DeadLetters), "in the DLQ", 2)],
            ),
            chart(
                id("age"),
                format!("{name}: oldest message's age"),
                Unit::Seconds,
                vec![plot(Source::Track(o, Key::OldestAgeMs, 1e-3), "oldest age", 3)],
            ),
            queue_wait_chart(s, i),
            chart(
                id("flow"),
                format!("{name}: in and out"),
                Unit::PerSecond,
                vec![
                    plot(track(o, Key::EnqueuedPerS), "enqueued", 0),
                    plot(track(o, Key::DeliveredPerS), "delivered", 1),
                ],
            ),
        ],
        NodeKind::Topic(_) => vec![
            chart(
                id("published"),
                format!("{name}: published"),
                Unit::PerSecond,
                vec![plot(track(o, Key::PublishedPerS), "events", 0)],
            ),
            chart(
                id("rejected"),
                format!("{name}: refused by the schema registry"),
                Unit::Count,
                vec![plot(track(o, Key::RegistryRejections), "refused", 2)],
            ),
        ],
        NodeKind::Log(_) => vec![chart(
            id("appended"),
            format!("{name}: appended"),
            Unit::PerSecond,
            vec![plot(track(o, Key::AppendedPerS), "records", 0)],
        )],
        NodeKind::Job(_) => vec![
            chart(
                id("fresh"),
                format!("{name}: freshness and last success"),
                Unit::Seconds,
                vec![
                    plot(Source::Track(o, Key::FreshnessMs, 1e-3), "output age", 3),
                    Plot { dashed: true, ..plot(Source::Track(o, Key::SinceSuccessMs, 1e-3), "since exit 0", 1) },
                ],
            ),
            chart(
                id("rows"),
                format!("{name}: rows in vs out"),
                Unit::Count,
                vec![plot(track(o, Key::RowsIn), "rows in", 0), plot(track(o, Key::RowsOut), "rows out", 1)],
            ),
            chart(
                id("duration"),
                format!("{name}: duration per run"),
                Unit::Seconds,
                vec![Plot { bars: true, ..plot(Source::JobRuns(i), "last run", 0) }],
            ),
        ],
    }
}

pub(super) fn saga_chart(s: &Scenario, i: usize) -> ChartDef {
    let o = Owner::Node(i);
    chart(
        format!("node-{i}-sagas"),
        format!("{}: sagas", s.nodes[i].label),
        Unit::Count,
        vec![
            plot(track(o, Key::SagasStarted), "started", 0),
            plot(track(o, Key::SagasCompleted), "completed", 1),
            plot(track(o, Key::SagasCompensated), "compensated", 3),
            plot(track(o, Key::SagasStuck), "stuck", 2),
        ],
    )
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
