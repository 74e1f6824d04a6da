//! patchbay-sim: the Patchbay engine headless, for scripts, CI and benchmarks.
//!
//! Usage: see `patchbay-sim --help` or docs/cli.md. Invalid input exits with
//! status 2 and a first line on stderr naming the file, the JSON path and the reason.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use patchbay::engine::edit::parse_timed_edits;
use patchbay::engine::report::Report;
use patchbay::engine::time::ms_to_micros;
use patchbay::engine::trace::{write_events, TraceHeader};
use patchbay::engine::{parse_scenario, presets, Scenario, Simulation, TimedEdit, SECOND};

const HELP: &str = "\
patchbay-sim: run Patchbay scenarios without a browser

USAGE:
    patchbay-sim run <scenario.json | preset> [--seed N] [--until SECONDS] [--edits FILE] [--trace FILE] [--json]
    patchbay-sim presets
    patchbay-sim validate <scenario.json>
    patchbay-sim --help

run        simulate and print a summary (or one JSON object with --json)
           --seed N         seed of the random number generator (default: the scenario's)
           --until SECONDS  simulated seconds to run (default 60)
           --edits FILE     apply the timed edits in FILE (a JSON list of {\"at_ms\": …, \"edit\": …})
           --trace FILE     write every event as JSON lines (first line: a header)
           --json           print the summary as JSON
presets    list the built-in scenarios
validate   check a scenario file and list every problem

Exit status: 0 success, 2 invalid input, 3 the run stopped on a guard
(a loop with no delay in it, too many events in one simulated second,
or too many messages alive at once).";

/// A user-facing failure: the message's first line says what and where.
struct Failure {
    msg: String,
    code: u8,
}

impl Failure {
    /// Invalid input: exit status 2.
    fn new(msg: impl Into<String>) -> Failure {
        Failure { msg: msg.into(), code: 2 }
    }
}

/// Exit status of a run that a guard stopped (livelock or capacity).
const EXIT_STOPPED: u8 = 3;

fn main() -> ExitCode {
    // Any bug still ends in one readable line rather than a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("patchbay-sim: internal error: {info}");
    }));
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { msg, code }) => {
            eprintln!("{msg}");
            ExitCode::from(code)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    match args.first().map(String::as_str) {
        None | Some("--help" | "-h" | "help") => {
            println!("{HELP}");
            Ok(())
        }
        Some("presets") => {
            for name in presets::names() {
                let description = presets::load(name).map(|s| s.description).unwrap_or_default();
                println!("{name:<24} {description}");
            }
            Ok(())
        }
        Some("validate") => {
            let file = args.get(1).ok_or_else(|| Failure::new("validate: missing <scenario.json>"))?;
            let scenario = load_file(file)?;
            println!(
                "{file}: valid scenario '{}' ({} nodes, {} links)",
                scenario.name,
                scenario.nodes.len(),
                scenario.links.len()
            );
            Ok(())
        }
        Some("run") => run_scenario(&args[1..]),
        Some(other) => Err(Failure::new(format!("patchbay-sim: unknown command '{other}' (try --help)"))),
    }
}

struct RunOptions {
    target: String,
    seed: Option<u64>,
    until_s: f64,
    trace: Option<String>,
    edits: Option<String>,
    json: bool,
}

fn parse_run_options(args: &[String]) -> Result<RunOptions, Failure> {
    let mut opts =
        RunOptions { target: String::new(), seed: None, until_s: 60.0, trace: None, edits: None, json: false };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value =
            |name: &str| it.next().cloned().ok_or_else(|| Failure::new(format!("run: {name} needs a value")));
        match a.as_str() {
            "--seed" => {
                let v = value("--seed")?;
                opts.seed =
                    Some(v.parse().map_err(|_| Failure::new(format!("run: --seed: '{v}' is not a whole number")))?);
            }
            "--until" => {
                let v = value("--until")?;
                let s: f64 = v.parse().map_err(|_| Failure::new(format!("run: --until: '{v}' is not a number")))?;
                if !s.is_finite() || s <= 0.0 || s > 1e7 {
                    return Err(Failure::new(format!(
                        "run: --until: {v} must be above 0 and at most 10000000 seconds"
                    )));
                }
                opts.until_s = s;
            }
            "--trace" => opts.trace = Some(value("--trace")?),
            "--edits" => opts.edits = Some(value("--edits")?),
            "--json" => opts.json = true,
            flag if flag.starts_with("--") => return Err(Failure::new(format!("run: unknown option '{flag}'"))),
            target if opts.target.is_empty() => opts.target = target.to_string(),
            extra => return Err(Failure::new(format!("run: unexpected argument '{extra}'"))),
        }
    }
    if opts.target.is_empty() {
        return Err(Failure::new("run: missing <scenario.json | preset>"));
    }
    Ok(opts)
}

/// Runs to `t`; a guard stopping the run is exit status 3.
fn run_to(sim: &mut Simulation, t: u64) -> Result<(), Failure> {
    sim.run_until(t)
        .map(|_| ())
        .map_err(|e| Failure { code: if sim.halted().is_some() { EXIT_STOPPED } else { 2 }, msg: format!("run: {e}") })
}

fn load_edits(path: &str) -> Result<Vec<TimedEdit>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::new(format!("{path}: cannot read: {e}")))?;
    parse_timed_edits(&text).map_err(|e| Failure::new(format!("{path}: {e}")))
}

fn load_file(path: &str) -> Result<Scenario, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::new(format!("{path}: cannot read: {e}")))?;
    parse_scenario(&text).map_err(|problems| {
        let mut msg = String::new();
        for p in &problems {
            msg.push_str(&format!("{path}: {p}\n"));
        }
        Failure::new(msg.trim_end().to_string())
    })
}

fn load_target(target: &str) -> Result<Scenario, Failure> {
    if std::path::Path::new(target).exists() || target.ends_with(".json") {
        return load_file(target);
    }
    presets::load(target).ok_or_else(|| {
        let names: Vec<&str> = presets::names().collect();
        Failure::new(format!("{target}: no such file or preset (presets: {})", names.join(", ")))
    })
}

fn run_scenario(args: &[String]) -> Result<(), Failure> {
    let opts = parse_run_options(args)?;
    let scenario = load_target(&opts.target)?;
    let seed = opts.seed.unwrap_or(scenario.seed);
    let mut sim = Simulation::with_seed(scenario, seed)
        .map_err(|p| Failure::new(p.iter().map(|e| format!("{}: {e}", opts.target)).collect::<Vec<_>>().join("\n")))?;
    sim.enable_trace_hash();
    // The CLI prints no charts, so it skips their per-second samples.
    sim.set_tracks(false);
    let until = (opts.until_s * SECOND as f64) as u64;
    let mut edits = match &opts.edits {
        Some(path) => load_edits(path)?.into_iter().peekable(),
        None => Vec::new().into_iter().peekable(),
    };
    let mut trace = match &opts.trace {
        Some(path) => {
            let file = File::create(path).map_err(|e| Failure::new(format!("{path}: cannot write: {e}")))?;
            let mut w = BufWriter::new(file);
            let header = TraceHeader::new(sim.scenario(), seed);
            serde_json::to_writer(&mut w, &header).map_err(|e| Failure::new(format!("{path}: {e}")))?;
            writeln!(w).map_err(|e| Failure::new(format!("{path}: {e}")))?;
            sim.set_recording(true);
            Some((path.clone(), w))
        }
        None => None,
    };
    let started = Instant::now();
    let mut t = 0;
    while t < until {
        // Traces are written a second at a time; without one, only edits split the run.
        t = match (&trace, edits.peek()) {
            (None, None) => until,
            (None, Some(e)) => ms_to_micros(e.at_ms).clamp(t + 1, until),
            (Some(_), _) => (t + SECOND).min(until),
        };
        // Edits due in this slice apply at their own time, in file order.
        while let Some(due) = edits.peek().map(|e| ms_to_micros(e.at_ms)).filter(|&at| at <= t) {
            run_to(&mut sim, due)?;
            if let Some(e) = edits.next() {
                sim.apply(&e.edit).map_err(|err| Failure::new(format!("edit at {} ms: {err}", e.at_ms)))?;
            }
        }
        run_to(&mut sim, t)?;
        if let Some((path, w)) = trace.as_mut() {
            write_events(w, &sim.drain_events()).map_err(|e| Failure::new(format!("{path}: {e}")))?;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    if let Some((path, mut w)) = trace {
        w.flush().map_err(|e| Failure::new(format!("{path}: {e}")))?;
    }
    let report = Report::new(&sim, seed, Some(wall));
    if opts.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| Failure::new(format!("run: {e}")))?;
        println!("{text}");
    } else {
        print_summary(&report);
    }
    Ok(())
}

fn print_summary(r: &Report) {
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
                "  {:<20} {} → {} · published {} · delivered {} · processed {} · unreadable dropped {} · DLQ {} · lag {} (oldest {:.1} s){}",
                s.id,
                s.topic,
                s.subscriber,
                m.published,
                m.delivered,
                m.processed,
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
            "  {:<20} {mode} · started {} · running {} · completed {} · compensated {} · manual {} · stuck {} · steps failed {} · compensations {} done, {} failed · alerts {}",
            g.id, m.started, m.running, m.completed, m.compensated, m.manual, m.stuck, m.steps_failed, m.compensations_done, m.compensations_failed, m.alerts
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
                "  {:<20} runs {} · exit 0 {} (short {}) · crashed {} · skipped {} · queued {} · overlapping {} · rows in {} · rows out {} · drift {} · last success {} · output written {} · alerts {} (monitoring {})",
                j.id,
                m.runs,
                m.exit_ok,
                m.short,
                m.crashed,
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
