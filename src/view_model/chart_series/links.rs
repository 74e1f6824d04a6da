//! A link's charts by transport: a call's latency, retries and breaker, a
//! subscription's lag, a consumer group's lag per partition, a push
//! link's connections.

use super::*;

/// A call's charts after its latency's ("Calls to Pricing" before each title).
const CALL: [Spec; 2] = [
    Spec { what: "breaker", title: ": breaker state", unit: Unit::Breaker, lines: &[line(Key::Breaker, "breaker", 2)] },
    Spec {
        what: "retries",
        title: ": retries and failures",
        unit: Unit::PerSecond,
        // Attempts count when sent, failures when they end (a timeout
        // later): in a storm the second can outrun the first.
        lines: &[
            line(Key::SentPerS, "attempts, as sent", 0),
            line(Key::RetriesPerS, "retries", 3),
            line(Key::ErrorsPerS, "failed or timed out, as they end", 2),
        ],
    },
];

/// A subscription's charts ("Email's subscription" before each title).
const SUBSCRIPTION: [Spec; 3] = [
    Spec {
        what: "fates",
        title: ": published, delivered, processed",
        unit: Unit::Count,
        lines: &[
            line(Key::SubPublished, "published", 0),
            LineSpec { dashed: true, ..line(Key::SubDelivered, "delivered", 1) },
            line(Key::SubProcessed, "processed", 3),
        ],
    },
    Spec {
        what: "lag",
        title: ": lag and dead letters",
        unit: Unit::Count,
        lines: &[line(Key::SubLag, "waiting", 0), line(Key::SubDeadLetters, "in the DLQ", 2)],
    },
    Spec {
        what: "age",
        title: ": oldest event's age",
        unit: Unit::Seconds,
        lines: &[LineSpec { factor: 1e-3, ..line(Key::OldestAgeMs, "oldest age", 3) }],
    },
];

/// A consumer group's charts after its lag's ("Audit reading orders" before each title).
const GROUP: [Spec; 2] = [
    Spec {
        what: "offsets",
        title: ": committed vs processed",
        unit: Unit::Count,
        lines: &[
            line(Key::ProcessedOffset, "processed offset", 0),
            LineSpec { dashed: true, ..line(Key::Committed, "committed offset", 1) },
        ],
    },
    Spec {
        what: "dups",
        title: ": duplicates and losses",
        unit: Unit::Count,
        lines: &[line(Key::Duplicates, "duplicates", 3), line(Key::Losses, "lost", 2)],
    },
];

/// A push link's charts ("Gateway → Browsers" before each title).
const PUSH: [Spec; 2] = [
    Spec {
        what: "conn",
        title: ": connections",
        unit: Unit::Count,
        lines: &[line(Key::Connected, "connected", 0), line(Key::HeartbeatFailures, "heartbeat failures", 2)],
    },
    Spec {
        what: "msgs",
        title: ": updates and reconnects",
        unit: Unit::PerSecond,
        lines: &[line(Key::ReceivedPerS, "updates received", 1), line(Key::ReconnectsPerS, "reconnects", 3)],
    },
];

const SENT: [Spec; 1] =
    [Spec { what: "sent", title: ": messages", unit: Unit::PerSecond, lines: &[line(Key::SentPerS, "sent", 0)] }];

/// The charts of link `i`.
pub fn link_charts(s: &Scenario, i: usize) -> Vec<ChartDef> {
    let Some(l) = s.links.get(i) else { return vec![] };
    let o = Owner::Link(i);
    let to = s.node(&l.to).map_or(l.to.as_str(), |n| n.label.as_str());
    let from = s.node(&l.from).map_or(l.from.as_str(), |n| n.label.as_str());
    match &l.transport {
        Transport::RequestResponse(_) => {
            let mut v = vec![latency_chart(s, i)];
            v.extend(from_specs(o, &format!("Calls to {to}"), &CALL));
            v
        }
        Transport::Subscribe(_) => from_specs(o, &format!("{to}'s subscription"), &SUBSCRIPTION),
        Transport::Read(_) => {
            let all = s.node(&l.from).and_then(|n| n.kind.log()).map_or(0, |g| g.partitions);
            let partitions = all.min(8);
            let first = if all > 8 { " (the first 8)" } else { "" };
            const PARTITION_LABELS: [&str; 8] = ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"];
            let mut lag = vec![plot(track(o, Key::GroupLag), "all partitions", 0)];
            // Every partition the tracks follow (eight), three colours: dashed, then solid, then dashed.
            for p in 0..partitions {
                lag.push(Plot {
                    dashed: (p / 3) % 2 == 0,
                    ..plot(track(o, Key::PartitionLag(p as u8)), PARTITION_LABELS[p as usize], 1 + (p % 3) as u8)
                });
            }
            let name = format!("{to} reading {from}");
            let mut v =
                vec![chart(format!("link-{i}-lag"), format!("{name}: lag per partition{first}"), Unit::Count, lag)];
            v.extend(from_specs(o, &name, &GROUP));
            v
        }
        // In words, as the other links' titles ("Calls to Pricing"): a
        // chart's title is its name, and an arrow is read "right arrow".
        Transport::Push(_) => from_specs(o, &format!("{from} to {to}"), &PUSH),
        Transport::Enqueue
        | Transport::Consume(_)
        | Transport::Publish
        | Transport::Append(_)
        | Transport::SagaStep(_)
        | Transport::ScheduledRead => from_specs(o, &format!("{from} to {to}"), &SENT),
    }
}

/// A call's round trip per attempt. Only answered attempts have one: with
/// a timeout the slower ones are cut off and counted as failures, so the
/// lines never rise above the timeout's line; a hop that is really slower
/// shows as a p99 pressed flat against it (and as failures in the retries
/// chart). The order's end-to-end budget is drawn too. When no call comes
/// back at all (every one times out or the breaker refuses it), the lines
/// stop and the chart says since when: a last value of 18 ms kept in the
/// legend would read as calls being fast.
pub(super) fn latency_chart(s: &Scenario, i: usize) -> ChartDef {
    let o = Owner::Link(i);
    let link = &s.links[i];
    let to = s.node(&link.to).map_or("?", |n| n.label.as_str());
    let timeout = link.transport.sync_policy().and_then(|p| p.timeout_ms);
    let thresholds = timeout
        .map(|t| ("timeout".to_string(), t))
        .into_iter()
        .chain(budget_ms(s).map(|b| ("order budget".to_string(), b)))
        .collect();
    ChartDef {
        thresholds,
        silence: Some("No call has been answered"),
        ..chart(
            format!("link-{i}-latency"),
            format!("Calls to {to}: round trip of answered calls"),
            Unit::Ms,
            vec![plot(track(o, Key::P50Ms), "p50", 0), Plot { dashed: true, ..plot(track(o, Key::P99Ms), "p99", 3) }],
        )
    }
}

pub(super) fn sub_chart(s: &Scenario, i: usize) -> ChartDef {
    let to = s.node(&s.links[i].to).map_or("?", |n| n.label.as_str());
    from_spec(Owner::Link(i), &format!("{to}'s subscription"), &SUBSCRIPTION[0])
}
