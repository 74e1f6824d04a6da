//! Compare: the same scenario and seed run twice from time zero, once
//! without a mitigation and once with it, side by side. The scenario is the
//! run's design as it stands (its settings now, and every fault it had, at
//! the times it had them); one switch is flipped in the second copy. Both
//! runs go headless, without recording, in budgeted slices (the page gives
//! one per animation frame, like a fast-forward), and end as a table of the
//! numbers that matter for the scenario's types and a pair of charts per
//! headline chart, drawn on one scale so their heights compare.

use crate::engine::design::edit_scenario;
use crate::engine::edit::Edit;
use crate::engine::metrics::Metrics;
use crate::engine::patterns::pubsub::OnUnreadable;
use crate::engine::patterns::request_response::{BreakerPolicy, Jitter, RetryPolicy};
use crate::engine::scenario::{NodeKind, OutboxPolicy, Scenario, Transport};
use crate::engine::time::{Micros, SECOND};
use crate::engine::{SimError, Simulation};

use super::chart::{self, escape, grid_markup, layout, Geometry, Line, Unit};
use super::chart_series::{last_values, lines, link_charts, node_charts, summary_charts, ChartDef};
use super::number::group_thousands;
use super::run::run_toward;

/// How far both runs go: ten simulated minutes.
pub const COMPARE_SECONDS: u64 = 600;

/// Most charts a comparison shows per run.
const MAX_CHARTS: usize = 3;

/// One mitigation switch that can be compared: whose it is, its words,
/// whether it is on now, and the edit that flips it.
#[derive(Clone, Debug, PartialEq)]
pub struct Toggle {
    /// The node's or link's id.
    pub owner: String,
    /// What the switch is ("Circuit breaker").
    pub name: &'static str,
    /// The switch with whose it is ("Circuit breaker on Order API → Inventory").
    pub label: String,
    /// On in the scenario as it stands.
    pub on: bool,
    /// The edit that flips it.
    pub edit: Edit,
}

/// The breaker the page switches on where the scenario had none: trips at
/// half the calls failing or 80 % slow (slow is 80 % of the timeout, or 200 ms).
pub fn teaching_breaker(timeout_ms: Option<f64>) -> BreakerPolicy {
    BreakerPolicy {
        failure_rate_threshold: 50.0,
        slow_call_rate_threshold: 80.0,
        slow_call_duration_ms: timeout_ms.map_or(200.0, |t| t * 0.8),
        wait_duration_in_open_ms: 5_000.0,
        permitted_calls_in_half_open: 3,
        minimum_number_of_calls: 10,
        sliding_window_size: 20,
    }
}

/// Retries the page switches on where the scenario had none.
pub fn default_retry() -> RetryPolicy {
    RetryPolicy { max_attempts: 3, base_ms: 50.0, cap_ms: 1_000.0, jitter: Jitter::Full, budget: None }
}

/// Every mitigation switch of `s`, in scenario order (nodes, then links).
/// A switch turned back on takes the value `original` (the scenario as
/// loaded) had, or the page's default.
pub fn toggles(s: &Scenario, original: &Scenario) -> Vec<Toggle> {
    let mut out = Vec::new();
    for n in &s.nodes {
        if let NodeKind::Queue(q) = &n.kind {
            let was = original.node(&n.id).and_then(|o| o.kind.queue()).and_then(|o| o.max_receive_count);
            let mut spec = q.clone();
            spec.max_receive_count = if q.max_receive_count.is_some() { None } else { Some(was.unwrap_or(3)) };
            let edit = Edit::SetQueue { node: n.id.clone(), spec };
            out.push(toggle(&n.id, &n.label, "Dead-letter queue", q.max_receive_count.is_some(), edit));
        }
    }
    for l in &s.links {
        let name = |id: &str| s.node(id).map_or(id.to_string(), |n| n.label.clone());
        let whose = format!("{} → {}", name(&l.from), name(&l.to));
        let set = |t: Transport| Edit::SetTransport { link: l.id.clone(), transport: t };
        match &l.transport {
            Transport::RequestResponse(p) => {
                let o = original.link(&l.id).and_then(|x| x.transport.sync_policy()).cloned().unwrap_or_default();
                let mut next = p.clone();
                next.timeout_ms = if p.timeout_ms.is_some() { None } else { Some(o.timeout_ms.unwrap_or(250.0)) };
                out.push(toggle(
                    &l.id,
                    &whose,
                    "Timeout",
                    p.timeout_ms.is_some(),
                    set(Transport::RequestResponse(next)),
                ));
                let mut next = p.clone();
                next.retry = if p.retry.is_some() { None } else { Some(o.retry.clone().unwrap_or_else(default_retry)) };
                out.push(toggle(&l.id, &whose, "Retries", p.retry.is_some(), set(Transport::RequestResponse(next))));
                let mut next = p.clone();
                next.breaker = if p.breaker.is_some() {
                    None
                } else {
                    Some(o.breaker.clone().unwrap_or_else(|| teaching_breaker(p.timeout_ms)))
                };
                out.push(toggle(
                    &l.id,
                    &whose,
                    "Circuit breaker",
                    p.breaker.is_some(),
                    set(Transport::RequestResponse(next)),
                ));
                let mut next = p.clone();
                next.fallback = !p.fallback;
                out.push(toggle(&l.id, &whose, "Fallback answer", p.fallback, set(Transport::RequestResponse(next))));
            }
            Transport::Consume(c) => {
                let mut next = c.clone();
                next.idempotent = !c.idempotent;
                out.push(toggle(&l.id, &whose, "Idempotent consumer", c.idempotent, set(Transport::Consume(next))));
            }
            Transport::Subscribe(p) if !p.detached => {
                let dead = p.on_unreadable == OnUnreadable::DeadLetter;
                let mut next = p.clone();
                next.on_unreadable = if dead { OnUnreadable::Drop } else { OnUnreadable::DeadLetter };
                if !dead && next.max_delivery_attempts.is_none() {
                    next.max_delivery_attempts = Some(5);
                }
                out.push(toggle(&l.id, &whose, "Dead-letter unreadable events", dead, set(Transport::Subscribe(next))));
                let mut next = p.clone();
                next.idempotent = !p.idempotent;
                out.push(toggle(&l.id, &whose, "Idempotent subscriber", p.idempotent, set(Transport::Subscribe(next))));
            }
            Transport::Read(r) => {
                let mut next = r.clone();
                next.idempotent = !r.idempotent;
                out.push(toggle(&l.id, &whose, "Idempotent consumer", r.idempotent, set(Transport::Read(next))));
            }
            Transport::Append(a) => {
                let mut next = a.clone();
                next.outbox = if a.outbox.is_some() { None } else { Some(OutboxPolicy::default()) };
                out.push(toggle(
                    &l.id,
                    &whose,
                    "Transactional outbox",
                    a.outbox.is_some(),
                    set(Transport::Append(next)),
                ));
            }
            Transport::Push(p) => {
                let mut next = p.clone();
                next.heartbeat_ms = if p.heartbeat_ms.is_some() { None } else { Some(3_000.0) };
                out.push(toggle(&l.id, &whose, "Heartbeats", p.heartbeat_ms.is_some(), set(Transport::Push(next))));
                let mut next = p.clone();
                next.jitter = !p.jitter;
                out.push(toggle(&l.id, &whose, "Reconnect backoff with jitter", p.jitter, set(Transport::Push(next))));
                if p.sse {
                    let mut next = p.clone();
                    next.resume = !p.resume;
                    out.push(toggle(&l.id, &whose, "Resume with last event id", p.resume, set(Transport::Push(next))));
                }
            }
            Transport::Subscribe(_)
            | Transport::Enqueue
            | Transport::Publish
            | Transport::ScheduledRead
            | Transport::SagaStep(_) => {}
        }
    }
    out
}

fn toggle(owner: &str, whose: &str, name: &'static str, on: bool, edit: Edit) -> Toggle {
    Toggle { owner: owner.to_string(), name, label: format!("{name} on {whose}"), on, edit }
}

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
    let threshold = def.threshold.as_ref().map(|t| t.1);
    let geometry = [layout(&scaled(&la), def.unit, threshold), layout(&scaled(&lb), def.unit, threshold)];
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
        ("unreadable", "Unreadable events", Unit::Count, |s| {
            s.metrics().subscriptions.iter().map(|x| x.unreadable_dropped + x.unreadable_dead_lettered).sum::<u64>()
                as f64
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

/// The finished comparison as markup: the summary, the table of both runs
/// and each chart for both (set as one element's inner HTML: far less code
/// in the wasm than a component per cell). Every text is escaped.
pub fn results_markup(o: &Outcome, took_ms: Option<f64>) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(8 * 1024);
    let took = took_ms
        .map(|ms| format!(" Computed in {} ms.", super::number::group_thousands(&format!("{ms:.0}"))))
        .unwrap_or_default();
    let minutes = o.seconds / 60;
    let label = escape(&o.label);
    let _ = write!(
        s,
        r#"<p class="compare__summary" data-testid="compare-summary">{}{took}</p><p class="compare__switch">Switched: <strong>{label}</strong></p><table class="compare__table"><caption class="sr-only">Numbers of both runs after {minutes} simulated minutes</caption><thead><tr><th scope="col">After {minutes} min</th><th scope="col" data-testid="compare-head-without">Without<span class="sr-only">: {label}</span></th><th scope="col" data-testid="compare-head-with">With<span class="sr-only">: {label}</span></th></tr></thead><tbody>"#,
        escape(&o.summary())
    );
    for r in &o.rows {
        let class = if r.values[0] == r.values[1] { "" } else { r#" class="compare__differs""# };
        let _ = write!(
            s,
            r#"<tr data-testid="compare-row-{key}" data-without="{a}" data-with="{b}"{class}><th scope="row">{label}</th><td>{ta}</td><td>{tb}</td></tr>"#,
            key = r.key,
            a = r.values[0],
            b = r.values[1],
            label = r.label,
            ta = r.text(0),
            tb = r.text(1)
        );
    }
    s.push_str(r#"</tbody></table><p class="compare__note">Each chart is drawn for both runs on one scale.</p><div class="compare__charts">"#);
    for p in &o.charts {
        let id = escape(&p.def.id);
        let title = escape(&p.def.title);
        let _ = write!(
            s,
            r#"<figure class="chart compare__chart" data-testid="compare-chart-{id}"><figcaption class="chart__title">{title}</figcaption><div class="compare__pair">"#
        );
        for (k, (side, lower)) in [("Without", "without"), ("With", "with")].into_iter().enumerate() {
            let g = &p.geometry[k];
            let last = escape(&p.last[k].join(", "));
            let _ = write!(
                s,
                r#"<figure class="compare__side" data-testid="compare-chart-{id}-{lower}" data-last="{last}"><figcaption class="compare__side-title">{side}</figcaption><svg class="chart__svg" viewBox="0 0 {w} {h}" role="img" aria-label="{side}, {title}: {last}"><g class="chart__grid">{grid}</g>"#,
                w = chart::WIDTH,
                h = chart::HEIGHT,
                grid = grid_markup(g)
            );
            if let Some(y) = g.threshold {
                let _ = write!(
                    s,
                    r#"<line class="chart__threshold" x1="{}" x2="{}" y1="{y:.1}" y2="{y:.1}"/>"#,
                    chart::LEFT,
                    chart::WIDTH - chart::RIGHT
                );
            }
            for (plot, d) in p.def.plots.iter().zip(&g.paths) {
                let dashed = if plot.dashed { " chart__line--dashed" } else { "" };
                let bars = if plot.bars { " chart__line--bars" } else { "" };
                let _ = write!(s, r#"<path class="chart__line chart__line--{}{dashed}{bars}" d="{d}"/>"#, plot.color);
            }
            s.push_str(r#"</svg><ul class="chart__legend">"#);
            for (plot, text) in p.def.plots.iter().zip(&p.last[k]) {
                let dashed = if plot.dashed { " chart__swatch--dashed" } else { "" };
                let _ = write!(
                    s,
                    r#"<li><span class="chart__swatch chart__swatch--{}{dashed}" aria-hidden="true"></span><span>{}</span></li>"#,
                    plot.color,
                    escape(text)
                );
            }
            s.push_str("</ul></figure>");
        }
        s.push_str("</div></figure>");
    }
    s.push_str("</div>");
    s
}
