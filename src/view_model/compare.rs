//! Compare: the same scenario and seed run twice from time zero, once
//! without a mitigation and once with it, side by side. The scenario is the
//! run's design as it stands (its settings now, and every fault it had, at
//! the times it had them); one switch is flipped in the second copy. Both
//! runs go headless, without recording, in budgeted slices (the page gives
//! one per animation frame, like a fast-forward), and end as a table of the
//! numbers that matter for the scenario's types and a pair of charts per
//! headline chart, drawn on one scale so their heights compare.

use crate::engine::design::edit_scenario;
use crate::engine::metrics::Metrics;
use crate::engine::scenario::Scenario;
use crate::engine::time::{Micros, SECOND};
use crate::engine::{SimError, Simulation};

use super::chart::{layout, Geometry, Line, Unit};
use super::chart_series::{last_values, lines, link_charts, node_charts, summary_charts, ChartDef};
use super::number::group_thousands;
use super::run::run_toward;

mod markup;
mod toggles;

pub use markup::results_markup;
pub use toggles::{default_retry, teaching_breaker, toggles, Toggle};

/// How far both runs go: ten simulated minutes.
pub const COMPARE_SECONDS: u64 = 600;

/// Most charts a comparison shows per run.
const MAX_CHARTS: usize = 3;

/// A comparison under way: two simulations from time zero, the first
/// without the mitigation and the second with it.
pub struct Compare {
    /// The switch compared.
    pub toggle: Toggle,
    /// Where both runs stop.
    pub until: Micros,
    sims: [Simulation; 2],
}

impl Compare {
    /// Both runs of `design` (a run's [`Simulation::design`]) with `seed`:
    /// one as it is and one with `toggle` flipped, to `seconds` of simulated time.
    pub fn new(design: &Scenario, seed: u64, toggle: &Toggle, seconds: u64) -> Result<Compare, String> {
        let flipped = edit_scenario(design, std::slice::from_ref(&toggle.edit)).map_err(|e| e.to_string())?;
        let (without, with) = if toggle.on { (flipped, design.clone()) } else { (design.clone(), flipped) };
        let start = |s: Scenario| {
            let mut sim =
                Simulation::with_seed(s, seed).map_err(|e| e.first().map(ToString::to_string).unwrap_or_default())?;
            // Every chart covers the whole comparison, not only its last five minutes.
            sim.set_track_seconds(usize::try_from(seconds).unwrap_or(usize::MAX));
            Ok::<_, String>(sim)
        };
        Ok(Compare {
            toggle: toggle.clone(),
            until: seconds.saturating_mul(SECOND),
            sims: [start(without)?, start(with)?],
        })
    }

    /// Advances the runs, one after the other, until both reach the end
    /// (true) or `more_time()` says the slice's budget is spent (false; call
    /// again in the next frame). An engine error ends the comparison.
    pub fn slice(&mut self, mut more_time: impl FnMut() -> bool) -> Result<bool, SimError> {
        for sim in &mut self.sims {
            if sim.now() >= self.until {
                continue;
            }
            if !run_toward(sim, self.until, |_| more_time())?.reached {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// How far both runs have got, 0 to 1.
    pub fn progress(&self) -> f64 {
        let done: Micros = self.sims.iter().map(|s| s.now().min(self.until)).sum();
        if self.until == 0 {
            1.0
        } else {
            done as f64 / (2 * self.until) as f64
        }
    }

    /// Both runs (without, with).
    pub fn sims(&self) -> &[Simulation; 2] {
        &self.sims
    }

    /// The table and charts of both runs as they stand.
    pub fn outcome(&self) -> Outcome {
        let [a, b] = &self.sims;
        let rows = rows(a, b);
        let design = a.scenario();
        let mut defs = summary_charts(design, MAX_CHARTS);
        // The switch's own node or link has the chart that shows what it changes.
        let own = match (
            design.nodes.iter().position(|n| n.id == self.toggle.owner),
            design.links.iter().position(|l| l.id == self.toggle.owner),
        ) {
            (Some(i), _) => node_charts(design, i),
            (None, Some(i)) => link_charts(design, i),
            (None, None) => vec![],
        };
        if let Some(first) = own.into_iter().next() {
            if !defs.iter().any(|d| d.id == first.id) {
                defs.truncate(MAX_CHARTS - 1);
                defs.push(first);
            }
        }
        let charts = defs.into_iter().map(|def| pair(def, a.metrics(), b.metrics())).collect();
        Outcome { label: self.toggle.label.clone(), seconds: self.until / SECOND, rows, charts }
    }
}

/// One number of both runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Stable key (test ids).
    pub key: &'static str,
    /// Its words.
    pub label: &'static str,
    /// Without and with the mitigation.
    pub values: [f64; 2],
    /// Its unit (counts or milliseconds).
    pub unit: Unit,
}

impl Row {
    /// A value in words, its thousands grouped ("12,345 ms").
    pub fn text(&self, k: usize) -> String {
        let v = group_thousands(&format!("{:.0}", self.values[k]));
        match self.unit {
            Unit::Ms => v + " ms",
            _ => v,
        }
    }
}

/// One chart drawn for both runs on one value scale.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartPair {
    /// The chart.
    pub def: ChartDef,
    /// Its geometry for each run (without, with).
    pub geometry: [Geometry; 2],
    /// The newest value of each line, in words, for each run.
    pub last: [Vec<String>; 2],
}

/// A finished comparison: what was switched, how long both ran, the numbers and the charts.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The switch compared.
    pub label: String,
    /// Simulated seconds each run lasted.
    pub seconds: u64,
    /// The numbers, in a fixed order.
    pub rows: Vec<Row>,
    /// The charts.
    pub charts: Vec<ChartPair>,
}

impl Outcome {
    /// A sentence for the announcement: the first numbers that differ.
    pub fn summary(&self) -> String {
        let differ: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.values[0] != r.values[1])
            .take(3)
            .map(|r| format!("{} {} without, {} with", r.label.to_ascii_lowercase(), r.text(0), r.text(1)))
            .collect();
        let head =
            format!("Compared {} simulated minutes without and with {}", self.seconds / 60, first_lower(&self.label));
        if differ.is_empty() {
            format!("{head}: the numbers are the same.")
        } else {
            format!("{head}: {}.", differ.join("; "))
        }
    }
}

fn first_lower(s: &str) -> String {
    let mut c = s.chars();
    // ASCII only: Unicode case tables would cost the download more than they give.
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

fn pair(def: ChartDef, a: &Metrics, b: &Metrics) -> ChartPair {
    let la = lines(&def, a);
    let lb = lines(&def, b);
    let points = || la.iter().chain(&lb).flat_map(|l| l.points.iter().copied()).filter(|p| p.1.is_finite());
    let max = points().fold(0.0, |m, p| p.1.max(m));
    // One scale for both: each run's chart gets an unseen point at the pair's
    // highest value (its path is made, and not drawn: no plot takes it).
    let scaled = |ls: &[Line]| {
        let mut ls = ls.to_vec();
        if let Some((t, _)) = points().next() {
            ls.push(Line { points: vec![(t, max)], step: false });
        }
        ls
    };
    let thresholds = def.threshold_values();
    let geometry = [layout(&scaled(&la), def.unit, &thresholds), layout(&scaled(&lb), def.unit, &thresholds)];
    let last = [last_values(&def, &la), last_values(&def, &lb)];
    ChartPair { def, geometry, last }
}

/// The numbers of both runs: orders always (when the scenario has a
/// source), the rest when either run counted any.
fn rows(a: &Simulation, b: &Simulation) -> Vec<Row> {
    type Read = fn(&Simulation) -> f64;
    let table: [(&'static str, &'static str, Unit, Read); 20] = [
        ("orders_ok", "Orders ok", Unit::Count, |s| s.metrics().orders.ok as f64),
        ("orders_failed", "Orders failed", Unit::Count, |s| s.metrics().orders.failed as f64),
        ("p99", "Order latency p99", Unit::Ms, |s| {
            let h = &s.metrics().orders.e2e;
            if h.count() == 0 {
                0.0
            } else {
                h.quantile(0.99) as f64 / 1_000.0
            }
        }),
        ("over_budget", "Orders over budget", Unit::Count, |s| s.metrics().orders.over_budget as f64),
        ("messages_failed", "Messages failed", Unit::Count, |s| s.ledger().failed_total() as f64),
        ("dead_lettered", "Dead letters", Unit::Count, |s| s.ledger().dead_lettered as f64),
        ("retries", "Retries", Unit::Count, |s| s.metrics().links.iter().map(|l| l.retries).sum::<u64>() as f64),
        ("timeouts", "Timeouts", Unit::Count, |s| s.metrics().links.iter().map(|l| l.timeouts).sum::<u64>() as f64),
        ("short_circuits", "Calls the breaker refused", Unit::Count, |s| {
            s.metrics().links.iter().map(|l| l.short_circuits).sum::<u64>() as f64
        }),
        ("fallbacks", "Fallback answers", Unit::Count, |s| {
            s.metrics().links.iter().map(|l| l.fallbacks).sum::<u64>() as f64
        }),
        ("rejected", "Requests turned away", Unit::Count, |s| {
            s.metrics().nodes.iter().map(|n| n.rejected).sum::<u64>() as f64
        }),
        ("crashes", "Crashes", Unit::Count, |s| s.metrics().nodes.iter().map(|n| n.crashes).sum::<u64>() as f64),
        ("duplicates", "Repeats applied twice", Unit::Count, |s| {
            let m = s.metrics();
            let queues: u64 = m.nodes.iter().map(|n| n.duplicates_processed).sum();
            let groups: u64 = m
                .groups
                .iter()
                .map(|g| g.duplicates.values().sum::<u64>().saturating_sub(g.duplicates_suppressed))
                .sum();
            (queues + groups) as f64
        }),
        ("records_lost", "Records never processed", Unit::Count, |s| {
            s.metrics().groups.iter().map(|g| g.lost.values().sum::<u64>()).sum::<u64>() as f64
        }),
        ("events_lost", "Events lost by a dual write", Unit::Count, |s| {
            s.metrics().publishes.iter().map(|p| p.events_lost).sum::<u64>() as f64
        }),
        ("unreadable", "Unreadable deliveries", Unit::Count, |s| {
            s.metrics().subscriptions.iter().map(|x| x.unreadable_dropped + x.unreadable_nacked).sum::<u64>() as f64
        }),
        ("compensated", "Sagas compensated", Unit::Count, |s| {
            s.metrics().sagas.iter().map(|g| g.compensated).sum::<u64>() as f64
        }),
        ("manual", "Sagas waiting for a person", Unit::Count, |s| {
            s.metrics().sagas.iter().map(|g| g.manual).sum::<u64>() as f64
        }),
        ("updates_lost", "Updates lost", Unit::Count, |s| s.metrics().edges.iter().map(|e| e.lost).sum::<u64>() as f64),
        ("turned_away", "Reconnects turned away", Unit::Count, |s| {
            s.metrics().edges.iter().map(|e| e.rejected).sum::<u64>() as f64
        }),
    ];
    let has_orders = !a.scenario().sources.is_empty();
    table
        .iter()
        .filter_map(|&(key, label, unit, read)| {
            let values = [read(a), read(b)];
            let always = has_orders && matches!(key, "orders_ok" | "orders_failed");
            (always || values.iter().any(|v| *v > 0.0)).then_some(Row { key, label, values, unit })
        })
        .collect()
}
