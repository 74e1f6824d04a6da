//! A link's charts by transport: a call's latency, retries and breaker, a
//! subscription's lag, a consumer group's lag per partition, a push
//! link's connections.

use super::*;

/// The charts of link `i`.
pub fn link_charts(s: &Scenario, i: usize) -> Vec<ChartDef> {
    let Some(l) = s.links.get(i) else { return vec![] };
    let o = Owner::Link(i);
    let id = |what: &str| format!("link-{i}-{what}");
    let to = s.node(&l.to).map_or(l.to.as_str(), |n| n.label.as_str());
    let from = s.node(&l.from).map_or(l.from.as_str(), |n| n.label.as_str());
    match &l.transport {
        Transport::RequestResponse(_) => vec![
            latency_chart(s, i),
            chart(
                id("breaker"),
                format!("Calls to {to}: breaker state"),
                Unit::Breaker,
                vec![plot(track(o, Key::Breaker), "breaker", 2)],
            ),
            chart(
                id("retries"),
                format!("Calls to {to}: retries and failures"),
                Unit::PerSecond,
                vec![
                    // Attempts count when sent, failures when they end (a timeout
                    // later): in a storm the second can outrun the first.
                    plot(track(o, Key::SentPerS), "attempts, as sent", 0),
                    plot(track(o, Key::RetriesPerS), "retries", 3),
                    plot(track(o, Key::ErrorsPerS), "failed or timed out, as they end", 2),
                ],
            ),
        ],
        Transport::Subscribe(_) => vec![
            sub_chart(s, i),
            chart(
                id("lag"),
                format!("{to}'s subscription: lag and dead letters"),
                Unit::Count,
                vec![plot(track(o, Key::SubLag), "waiting", 0), plot(track(o, Key::SubDeadLetters), "in the DLQ", 2)],
            ),
            chart(
                id("age"),
                format!("{to}'s subscription: oldest event's age"),
                Unit::Seconds,
                vec![plot(Source::Track(o, Key::OldestAgeMs, 1e-3), "oldest age", 3)],
            ),
        ],
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
            vec![
                chart(id("lag"), format!("{to} reading {from}: lag per partition{first}"), Unit::Count, lag),
                chart(
                    id("offsets"),
                    format!("{to} reading {from}: committed vs processed"),
                    Unit::Count,
                    vec![
                        plot(track(o, Key::ProcessedOffset), "processed offset", 0),
                        Plot { dashed: true, ..plot(track(o, Key::Committed), "committed offset", 1) },
                    ],
                ),
                chart(
                    id("dups"),
                    format!("{to} reading {from}: duplicates and losses"),
                    Unit::Count,
                    vec![plot(track(o, Key::Duplicates), "duplicates", 3), plot(track(o, Key::Losses), "lost", 2)],
                ),
            ]
        }
        Transport::Push(_) => vec![
            chart(
                id("conn"),
                format!("{from} → {to}: connections"),
                Unit::Count,
                vec![
                    plot(track(o, Key::Connected), "connected", 0),
                    plot(track(o, Key::HeartbeatFailures), "heartbeat failures", 2),
                ],
            ),
            chart(
                id("msgs"),
                format!("{from} → {to}: updates and reconnects"),
                Unit::PerSecond,
                vec![
                    plot(track(o, Key::ReceivedPerS), "updates received", 1),
                    plot(track(o, Key::ReconnectsPerS), "reconnects", 3),
                ],
            ),
        ],
        Transport::Enqueue
        | Transport::Consume(_)
        | Transport::Publish
        | Transport::Append(_)
        | Transport::SagaStep(_)
        | Transport::ScheduledRead => vec![chart(
            id("sent"),
            format!("{from} → {to}: messages"),
            Unit::PerSecond,
            vec![plot(track(o, Key::SentPerS), "sent", 0)],
        )],
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
        silence: Some(format!("No call to {to} has been answered")),
        ..chart(
            format!("link-{i}-latency"),
            format!("Calls to {to}: round trip of answered calls"),
            Unit::Ms,
            vec![plot(track(o, Key::P50Ms), "p50", 0), Plot { dashed: true, ..plot(track(o, Key::P99Ms), "p99", 3) }],
        )
    }
}

pub(super) fn sub_chart(s: &Scenario, i: usize) -> ChartDef {
    let o = Owner::Link(i);
    let to = s.node(&s.links[i].to).map_or("?", |n| n.label.as_str());
    chart(
        format!("link-{i}-fates"),
        format!("{to}'s subscription: published, delivered, processed"),
        Unit::Count,
        vec![
            plot(track(o, Key::SubPublished), "published", 0),
            Plot { dashed: true, ..plot(track(o, Key::SubDelivered), "delivered", 1) },
            plot(track(o, Key::SubProcessed), "processed", 3),
        ],
    )
}
