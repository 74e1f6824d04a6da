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

// The text summary lives beside this file (a directory without main.rs is
// not a second binary to Cargo).
#[path = "patchbay-sim/summary.rs"]
mod summary;
use summary::print_summary;

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
        // A reader that stopped early (`patchbay-sim run … | head`) makes
        // `println!` fail: stop quietly, as a tool ended by SIGPIPE would.
        // (Restoring SIGPIPE's default action needs `unsafe`, which this
        // crate forbids.)
        let text = info.payload().downcast_ref::<String>().map_or("", String::as_str);
        if text.starts_with("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(0);
        }
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
        Some("--help" | "-h" | "help") => {
            println!("{HELP}");
            Ok(())
        }
        // No command is a mistake a script should notice: the usage, on stderr, with status 2.
        None => Err(Failure::new(HELP)),
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

/// A file's text without a leading UTF-8 byte-order mark (some editors save
/// one), as the browser's import reads it: JSON itself has none.
fn read_text(path: &str) -> Result<String, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::new(format!("{path}: cannot read: {e}")))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn load_edits(path: &str) -> Result<Vec<TimedEdit>, Failure> {
    let text = read_text(path)?;
    parse_timed_edits(&text).map_err(|e| Failure::new(format!("{path}: {e}")))
}

fn load_file(path: &str) -> Result<Scenario, Failure> {
    let text = read_text(path)?;
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
