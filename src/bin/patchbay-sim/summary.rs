//! The CLI's text summary of a run (without `--json`): the ledger, orders,
//! then each kind of node and link that has something to say.

use patchbay::engine::report::Report;

/// Prints the whole summary of `r` to standard output.
pub fn print_summary(r: &Report) {
    println!("scenario {} · seed {} · {:.1} s simulated", r.scenario, r.seed, r.engine.simulated_s);
    let l = &r.ledger;
    println!(
        "messages: {} created · {} processed · {} failed · {} dead-lettered · {} dropped · {} in flight",
        l.created,
        l.processed,
        l.failed_total(),
        l.dead_lettered,
        l.dropped_total(),
        r.in_flight
    );
    if !l.failed.is_empty() {
        let parts: Vec<String> = l.failed.iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!("  failed by reason: {}", parts.join(", "));
    }
    if r.orders.placed > 0 {
        let e2e = r.orders.e2e.summary();
        println!(
            "orders: {} placed · {} ok · {} failed · end to end p50 {:.1} ms, p99 {:.1} ms · {} over the {:.0} ms budget",
            r.orders.placed, r.orders.ok, r.orders.failed, e2e.p50_ms, e2e.p99_ms, r.budget.over_budget, r.budget.budget_ms
        );
        for (hop, ms, share) in &r.budget.hops {
            println!("  budget: {hop:<20} {ms:>9.1} ms ({:.0} %)", share * 100.0);
        }
    }
    println!("services:");
    for s in &r.services {
        let m = &s.metrics;
        let failed: Vec<String> = m.failed_by_reason().iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!(
            "  {:<20} done {:>7} · failed {:>6} · rejected {:>6} · busy {}/{} ({:.0} % used) · wait p95 {:.1} ms · crashes {}{}{}",
            s.id,
            m.completed,
            m.failed_total(),
            m.rejected,
            m.busy,
            m.capacity,
            s.utilisation * 100.0,
            m.wait.summary().p95_ms,
            m.crashes,
            if failed.is_empty() { String::new() } else { format!(" · {}", failed.join(", ")) },
            if m.duplicates_processed + m.duplicates_suppressed > 0 {
                format!(" · duplicates processed {} suppressed {}", m.duplicates_processed, m.duplicates_suppressed)
            } else {
                String::new()
            }
        );
    }
    println!("links:");
    for k in &r.links {
        let m = &k.metrics;
        // Round trips, timeouts and breakers belong to request-response
        // calls; other links only send (a "p99 0.0 ms" there was not a
        // measurement).
        if k.transport == "request_response" {
            println!(
                "  {:<20} {:<16} sent {:>7} · retries {:>6} · timeouts {:>6} · short-circuits {:>6} · p99 {:.1} ms · breaker {}",
                k.id, k.transport, m.sent, m.retries, m.timeouts, m.short_circuits, m.rtt.summary().p99_ms, m.breaker.name()
            );
        } else if m.retries > 0 {
            println!("  {:<20} {:<16} sent {:>7} · retries {:>6}", k.id, k.transport, m.sent, m.retries);
        } else {
            println!("  {:<20} {:<16} sent {:>7}", k.id, k.transport, m.sent);
        }
    }
    if !r.queues.is_empty() {
        println!("queues:");
        for q in &r.queues {
            let m = &q.metrics;
            println!(
                "  {:<20} depth {:>6} (max {}) · oldest {:.1} s · enqueued {} · acked {} · redelivered {} · DLQ {}",
                q.id,
                m.depth,
                m.max_depth,
                q.oldest_age_ms / 1_000.0,
                m.enqueued,
                m.acked,
                m.redelivered,
                m.dead_lettered
            );
        }
    }
    if !r.topics.is_empty() {
        println!("topics:");
        for t in &r.topics {
            let m = &t.metrics;
            println!(
                "  {:<20} {} · published {} · registry rejections {} · schema v{}{}",
                t.id,
                t.event_type,
                m.published,
                m.rejected,
                m.version,
                if m.accepted { "" } else { " (refused by the registry)" }
            );
        }
        println!("subscriptions:");
        for s in &r.subscriptions {
            let m = &s.metrics;
            println!(
                "  {:<20} {} → {} · published {} · delivered {} · processed {} · nacked {} · unreadable dropped {} · DLQ {} · lag {} (oldest {:.1} s){}",
                s.id,
                s.topic,
                s.subscriber,
                m.published,
                m.delivered,
                m.processed,
                m.nacked,
                m.unreadable_dropped,
                m.dead_lettered,
                s.lag,
                s.oldest_age_ms / 1_000.0,
                if s.detached { " · removed" } else { "" }
            );
        }
    }
    print_streams(r);
    print_edges(r);
    print_sagas(r);
    println!(
        "engine: {} events in {:.3} s wall ({:.0} events/s) · trace {}",
        r.engine.events,
        r.engine.wall_s.unwrap_or(0.0),
        r.engine.events_per_s.unwrap_or(0.0),
        r.trace_hash.as_deref().unwrap_or("-")
    );
}

/// Push links (type 6), when the scenario has any.
fn print_edges(r: &Report) {
    if r.edges.is_empty() {
        return;
    }
    println!("push links:");
    for e in &r.edges {
        let m = &e.metrics;
        println!(
            "  {:<20} {} · {} clients: {} connected, {} stale, {} reconnecting · updates pushed {}, received {}, missed {}, replayed {}, lost {}",
            e.id, e.protocol, m.clients, m.connected, m.stale, m.reconnecting, m.pushed, m.received, m.missed, m.replayed, m.lost
        );
        println!(
            "  {:<20} reconnects {} (peak {} per 100 ms, {} per s; attempts peak {} per 100 ms) · rejected {} · refused while down {} · heartbeat misses {}, dead {} · recovery {}",
            "",
            m.reconnects,
            m.peak_reconnects_per_100ms,
            m.peak_reconnects_per_s,
            m.peak_attempts_per_100ms,
            m.rejected,
            m.refused,
            m.heartbeat_misses,
            m.heartbeat_deaths,
            e.recovery_ms.map_or("-".to_string(), |ms| format!("{ms:.0} ms"))
        );
    }
}

/// Orchestrators (type 5), when the scenario has any.
fn print_sagas(r: &Report) {
    if r.sagas.is_empty() {
        return;
    }
    println!("sagas:");
    for g in &r.sagas {
        let m = &g.metrics;
        let mode = match g.mode {
            patchbay::engine::scenario::SagaMode::Orchestration => "orchestration",
            patchbay::engine::scenario::SagaMode::Choreography => "choreography",
        };
        println!(
            "  {:<20} {mode} · started {} · running {} · completed {} · compensated {} · manual {} · stuck {} · steps failed {} · compensations {} done, {} failed · refused and asked again {} · waits {} ({} for a full service) · alerts {}",
            g.id, m.started, m.running, m.completed, m.compensated, m.manual, m.stuck, m.steps_failed, m.compensations_done, m.compensations_failed, m.refused, m.waits, m.full_waits, m.alerts
        );
        if !m.manual_queue.is_empty() {
            let ids: Vec<String> = m.manual_queue.iter().map(|id| format!("#{id}")).collect();
            println!("  {:<20} manual-intervention queue: {}", "", ids.join(", "));
        }
    }
}

/// Logs, consumer groups and append links (type 4), when the scenario has any.
fn print_streams(r: &Report) {
    if !r.logs.is_empty() {
        println!("logs:");
        for l in &r.logs {
            let m = &l.metrics;
            let offsets: Vec<String> = m.start.iter().zip(&m.end).map(|(s, e)| format!("{s}..{e}")).collect();
            println!(
                "  {:<20} appended {} · expired {} · partitions {}",
                l.id,
                m.appended,
                m.expired,
                offsets.join(" ")
            );
        }
    }
    if !r.groups.is_empty() {
        println!("consumer groups:");
        for g in &r.groups {
            let m = &g.metrics;
            // " (cause n, …)" after a count, or nothing when no cause has any.
            let by_cause = |map: &std::collections::BTreeMap<&str, u64>| {
                let parts: Vec<String> = map.iter().filter(|(_, v)| **v > 0).map(|(k, v)| format!("{k} {v}")).collect();
                if parts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", parts.join(", "))
                }
            };
            let suppressed = if m.duplicates_suppressed > 0 {
                format!(" · {} duplicates suppressed", m.duplicates_suppressed)
            } else {
                String::new()
            };
            println!(
                "  {:<20} processed {} · failed {} · lag {:?} records · duplicates {}{}{} · lost {}{} · rebalances {} · replays {}",
                g.id,
                m.processed,
                m.failed,
                g.lag_records,
                m.duplicates_total(),
                by_cause(&m.duplicates),
                suppressed,
                m.lost_total(),
                by_cause(&m.lost),
                m.rebalances,
                m.replays
            );
        }
    }
    if !r.publishes.is_empty() {
        println!("appends:");
        for p in &r.publishes {
            let m = &p.metrics;
            let how = if p.outbox { "outbox" } else { "dual write" };
            println!(
                "  {:<20} {how} · publish failed {} ({} stored anyway) · events lost {} · outbox backlog {} (max {}) · relay delay p99 {:.1} ms",
                p.id,
                m.publish_failed,
                m.publish_failed_stored,
                m.events_lost,
                m.outbox_backlog,
                m.outbox_max_backlog,
                m.relay_delay.summary().p99_ms
            );
        }
    }
    if !r.jobs.is_empty() {
        println!("jobs:");
        for j in &r.jobs {
            let m = &j.metrics;
            let ago = |v: Option<f64>| v.map_or("never".to_string(), |ms| format!("{:.1} s ago", ms / 1_000.0));
            println!(
                "  {:<20} runs {} · exit 0 {} (short {}) · crashed {} (retries {}, back-off limit exceeded {}) · skipped {} · queued {} · overlapping {} · rows in {} · rows out {} · drift {} · last success {} · output written {} · alerts {} (monitoring {})",
                j.id,
                m.runs,
                m.exit_ok,
                m.short,
                m.crashed,
                m.retries,
                m.backoff_exceeded,
                m.skipped,
                m.queued,
                m.overlapping,
                m.rows_in,
                m.rows_out,
                m.drift,
                ago(j.last_success_ago_ms),
                ago(j.output_age_ms),
                m.alerts_total(),
                j.monitoring
            );
        }
    }
}
