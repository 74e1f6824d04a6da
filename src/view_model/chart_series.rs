//! Which charts a node or link has (following each type's "what to
//! monitor"), which few summarise a scenario, their words and units, and
//! their lines read from the engine's tracks; plus the queueing theory
//! shown beside a service's or queue's measured wait.

use crate::engine::metrics::{Key, Metrics, Owner};
use crate::engine::scenario::{NodeKind, Scenario, Transport};
use crate::engine::time::{Micros, SECOND};

use super::chart::{Line, Unit};

mod links;
mod nodes;
mod theory;
mod theory_words;
pub use links::link_charts;
use links::{latency_chart, sub_chart};
pub use nodes::node_charts;
use nodes::{consumers, saga_chart};
pub use theory::{summary_theory_node, theory, Departures, Theory};
pub use theory_words::little_words;

/// Where a line's values come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// A track's channel, multiplied by a factor (ms → s, share → %).
    Track(Owner, Key, f64),
    /// Orders answered well per second (the run's series).
    OrdersOk,
    /// Orders failed per second (the run's series).
    OrdersFailed,
    /// Job `i`'s recent runs: one bar per run, at its end, as tall as it took (s).
    JobRuns(usize),
}

/// One line of a chart: its data, legend words and colour (0–3).
#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    /// Where the values come from.
    pub source: Source,
    /// Legend text.
    pub label: &'static str,
    /// Colour slot (CSS `chart__line--N`).
    pub color: u8,
    /// Dashed (a second measure of the same thing).
    pub dashed: bool,
    /// Drawn as bars (one per point; CSS `chart__line--bars`).
    pub bars: bool,
}

/// A chart: title, unit, lines and threshold lines.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartDef {
    /// Stable id (test ids, keys).
    pub id: String,
    /// Title, with whose it is.
    pub title: String,
    /// The value axis's unit.
    pub unit: Unit,
    /// The lines.
    pub plots: Vec<Plot>,
    /// Thresholds to draw across (label, value in the chart's unit).
    pub thresholds: Vec<(String, f64)>,
    /// For lines that have a value only when something happens (a call's
    /// round trip exists once it is answered): the start of the sentence
    /// that says it stopped happening ("No call has been answered"; the
    /// title names whose). Such lines keep every sample, so the time axis
    /// runs to now and the line breaks over the silence instead of bridging it.
    pub silence: Option<&'static str>,
}

impl ChartDef {
    /// The thresholds' values, in order.
    pub fn threshold_values(&self) -> Vec<f64> {
        self.thresholds.iter().map(|t| t.1).collect()
    }
}

fn plot(source: Source, label: &'static str, color: u8) -> Plot {
    Plot { source, label, color, dashed: false, bars: false }
}

fn track(owner: Owner, key: Key) -> Source {
    Source::Track(owner, key, 1.0)
}

fn chart(id: String, title: String, unit: Unit, plots: Vec<Plot>) -> ChartDef {
    ChartDef { id, title, unit, plots, thresholds: vec![], silence: None }
}

/// One line of a [`Spec`]: a channel of the chart's owner, scaled by `factor`.
struct LineSpec {
    key: Key,
    factor: f64,
    label: &'static str,
    color: u8,
    dashed: bool,
}

const fn line(key: Key, label: &'static str, color: u8) -> LineSpec {
    LineSpec { key, factor: 1.0, label, color, dashed: false }
}

/// A chart of its owner's own channels, as data: its id's last word, its
/// title after the owner's name, unit and lines. Written as code, each
/// chart cost the download about 250 bytes; as data it is a little text.
struct Spec {
    what: &'static str,
    title: &'static str,
    unit: Unit,
    lines: &'static [LineSpec],
}

/// The chart `spec` of `owner`, whose name (or the words before the title's
/// own, "Calls to Pricing") is `name`.
fn from_spec(owner: Owner, name: &str, spec: &Spec) -> ChartDef {
    let (kind, i) = match owner {
        Owner::Node(i) => ("node", i),
        Owner::Link(i) => ("link", i),
    };
    let plots = spec
        .lines
        .iter()
        .map(|l| Plot { dashed: l.dashed, ..plot(Source::Track(owner, l.key, l.factor), l.label, l.color) })
        .collect();
    chart(format!("{kind}-{i}-{}", spec.what), format!("{name}{}", spec.title), spec.unit, plots)
}

/// [`from_spec`] for each of `specs`, in order.
fn from_specs(owner: Owner, name: &str, specs: &[Spec]) -> Vec<ChartDef> {
    specs.iter().map(|spec| from_spec(owner, name, spec)).collect()
}

/// The orders' end-to-end budget (the first source's), in ms.
fn budget_ms(s: &Scenario) -> Option<f64> {
    s.sources.first().map(|src| src.budget_ms)
}

/// The few charts that summarise `s`: orders, then the headline chart of
/// each type it has (first entity of each), at most `max`.
pub fn summary_charts(s: &Scenario, max: usize) -> Vec<ChartDef> {
    let mut v = vec![];
    if !s.sources.is_empty() {
        v.push(chart(
            "orders".into(),
            "Orders answered".into(),
            Unit::PerSecond,
            vec![plot(Source::OrdersOk, "ok", 1), plot(Source::OrdersFailed, "failed", 2)],
        ));
    }
    let link = |f: &dyn Fn(&Transport) -> bool| s.links.iter().position(|l| f(&l.transport));
    let node = |f: &dyn Fn(&NodeKind) -> bool| s.nodes.iter().position(|n| f(&n.kind));
    if let Some(i) = link(&|t| t.sync_policy().is_some()) {
        v.push(latency_chart(s, i));
    }
    if let Some(i) = node(&|k| k.queue().is_some()) {
        v.extend(node_charts(s, i).into_iter().take(1));
    }
    if let Some(i) = link(&|t| t.subscribe_policy().is_some()) {
        v.push(sub_chart(s, i));
    }
    if let Some(i) = link(&|t| t.read_policy().is_some()) {
        v.extend(link_charts(s, i).into_iter().take(1));
    }
    if let Some(i) = node(&|k| k.service().is_some_and(|sp| sp.saga.is_some())) {
        v.push(saga_chart(s, i));
    }
    if let Some(i) = link(&|t| matches!(t, Transport::Push(_))) {
        v.extend(link_charts(s, i).into_iter().take(2));
    }
    if let Some(i) = node(&|k| k.job().is_some()) {
        v.extend(node_charts(s, i).into_iter().take(1));
    }
    if v.len() <= 1 {
        // Nothing but services: their wait and load (the queueing models).
        if let Some(i) = node(&|k| k.service().is_some()) {
            v.extend(node_charts(s, i).into_iter().take(2));
        }
    }
    v.truncate(max);
    v
}

/// A chart's lines, read from the metrics, in seconds of simulated time.
pub fn lines(def: &ChartDef, m: &Metrics) -> Vec<Line> {
    def.plots
        .iter()
        .map(|p| {
            let points = match p.source {
                Source::Track(owner, key, factor) => {
                    let mut v = Vec::new();
                    for (t, x) in m.tracks.samples(owner, key) {
                        // A silent chart keeps its gaps (NaN breaks the line); others skip them.
                        if def.silence.is_some() || !x.is_nan() {
                            v.push((secs(t), f64::from(x) * factor));
                        }
                    }
                    v
                }
                Source::OrdersOk => m.series.iter().map(|b| (secs(b.start), f64::from(b.orders_ok))).collect(),
                Source::OrdersFailed => m.series.iter().map(|b| (secs(b.start), f64::from(b.orders_failed))).collect(),
                // A bar is a vertical stroke: up from zero at the run's end, then a break.
                Source::JobRuns(i) => m.jobs.get(i).map_or(vec![], |j| {
                    let mut v: Vec<(f64, f64)> = j
                        .history
                        .iter()
                        .filter(|r| r.duration > 0)
                        .flat_map(|r| {
                            let (t, d) = (secs(r.started + r.duration), secs(r.duration));
                            [(t, 0.0), (t, d), (t, f64::NAN)]
                        })
                        .collect();
                    // A second of room on either side, so the first and last bars are not cut in half.
                    if let (Some(&(first, _)), Some(&(last, _))) = (v.first(), v.last()) {
                        v.insert(0, ((first - 1.0).max(0.0), f64::NAN));
                        v.push((last + 1.0, f64::NAN));
                    }
                    v
                }),
            };
            Line { points, step: matches!(p.source, Source::Track(_, Key::Breaker, _)) }
        })
        .collect()
}

fn secs(t: Micros) -> f64 {
    t as f64 / SECOND as f64
}

/// The newest value of each line, in words with its unit (the text summary);
/// a silent chart's lines say since when they have had none, rather than
/// an old value that reads as the present.
pub fn last_values(def: &ChartDef, lines: &[Line]) -> Vec<String> {
    let silent = silent_since(def, lines);
    def.plots
        .iter()
        .zip(lines)
        .map(|(p, l)| {
            let v = l.points.iter().rev().find(|p| p.1.is_finite()).map(|p| p.1);
            let text = match (silent, v) {
                (Some(Some(t)), _) => format!("none since {}", since_label(t)),
                (_, Some(v)) => def.unit.format(v),
                (_, None) => "no data yet".to_string(),
            };
            format!("{}: {text}", p.label)
        })
        .collect()
}

/// The sentence under a silent chart (see [`ChartDef::silence`]): nothing
/// measured for the last two samples or more, since the time of the last
/// value or from the start. `None` while values keep coming.
pub fn silence_note(def: &ChartDef, lines: &[Line]) -> Option<String> {
    let words = def.silence?;
    Some(match silent_since(def, lines)? {
        Some(t) => format!("{words} since {}, so the lines stop there.", since_label(t)),
        None => format!("{words} yet."),
    })
}

/// Whether a silent chart's first line has gone quiet: `Some(Some(t))`
/// with no value after `t` s for two samples or more, `Some(None)` with no
/// value at all, `None` otherwise. One sample without a value is a quiet
/// second, not yet news: a link with little traffic would flicker.
fn silent_since(def: &ChartDef, lines: &[Line]) -> Option<Option<f64>> {
    def.silence?;
    let points = &lines.first()?.points;
    let &(now, newest) = points.last()?;
    if newest.is_finite() {
        return None;
    }
    match points.iter().rev().find(|p| p.1.is_finite()) {
        Some(&(t, _)) => (now - t >= 2.0).then_some(Some(t)),
        None => (points.len() >= 2).then_some(None),
    }
}

/// A time of the run for a sentence, in whole seconds: "10 s", "150 s".
fn since_label(t: f64) -> String {
    format!("{} s", libm::round(t) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{presets, Simulation};
    use crate::view_model::chart::layout;
    use crate::view_model::queueing::{self, Prediction};

    fn run(name: &str, secs: u64) -> Simulation {
        let mut sim = Simulation::new(presets::load(name).expect("preset")).expect("valid");
        sim.run_until(secs * SECOND).expect("runs");
        sim
    }

    #[test]
    fn every_preset_has_summary_charts_with_data() {
        for name in presets::names() {
            let sim = run(name, 20);
            let s = sim.scenario();
            let charts = summary_charts(s, 6);
            assert!(!charts.is_empty() && charts.len() <= 6, "{name}");
            for c in &charts {
                let ls = lines(c, sim.metrics());
                assert_eq!(ls.len(), c.plots.len());
                assert!(ls.iter().any(|l| !l.points.is_empty()), "{name}: {} has data", c.title);
                let g = layout(&ls, c.unit, &c.threshold_values());
                assert!(g.paths.iter().any(|p| p.starts_with('M')), "{name}: {}", c.title);
                assert!(ls.iter().all(|l| l.points.len() <= 600));
            }
            for i in 0..s.nodes.len() {
                for c in node_charts(s, i) {
                    assert_eq!(lines(&c, sim.metrics()).len(), c.plots.len());
                }
            }
            for i in 0..s.links.len() {
                assert!(!link_charts(s, i).is_empty(), "{name}: link {i}");
            }
        }
    }

    #[test]
    fn a_call_chart_draws_its_timeout_beside_the_budget() {
        let s = presets::load("cascade-protected").expect("preset");
        let with_timeout: Vec<Vec<(String, f64)>> = (0..s.links.len())
            .filter(|&i| s.links[i].transport.sync_policy().is_some_and(|p| p.timeout_ms.is_some()))
            .map(|i| latency_chart(&s, i).thresholds)
            .collect();
        assert!(!with_timeout.is_empty());
        for th in &with_timeout {
            let names: Vec<&str> = th.iter().map(|t| t.0.as_str()).collect();
            assert_eq!(names, ["timeout", "order budget"], "{th:?}");
        }
        let timeouts: Vec<f64> = with_timeout.iter().map(|th| th[0].1).collect();
        assert_eq!(timeouts, [2000.0, 500.0, 200.0], "each link's own timeout, in ms");
        let plain = presets::load("cascade").expect("preset");
        let none = (0..plain.links.len())
            .filter(|&i| plain.links[i].transport.sync_policy().is_some_and(|p| p.timeout_ms.is_none()))
            .map(|i| latency_chart(&plain, i).thresholds)
            .next()
            .expect("a call without a timeout");
        assert_eq!(none.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(), ["order budget"]);
    }

    #[test]
    fn a_call_that_stopped_answering_keeps_the_time_axis_and_says_since_when() {
        // Pricing slows down 500 times at 10 s: from then on every call to it
        // times out or is refused, so no round trip is measured.
        let sim = run("cascade-protected", 25);
        let s = sim.scenario();
        let i = s.links.iter().position(|l| l.to == "pricing").expect("inventory → pricing");
        let charts = link_charts(s, i);
        let (latency, breaker) = (&charts[0], &charts[1]);
        let ls = lines(latency, sim.metrics());
        let now = secs(sim.metrics().tracks.newest_time().expect("sampled"));
        assert!(now >= 24.0, "{now}");
        let end = |ls: &[Line]| ls[0].points.last().map(|p| p.0);
        assert_eq!(end(&ls), Some(now), "the latency axis runs to now");
        assert_eq!(end(&lines(breaker, sim.metrics())), Some(now), "like the breaker's beside it");
        let last = ls[0].points.iter().rev().find(|p| p.1.is_finite()).expect("answered before").0;
        assert!((9.0..=12.0).contains(&last), "answered until the slow-down, {last}");
        let note = silence_note(latency, &ls).expect("said");
        let since = format!("since {} s", libm::round(last));
        assert_eq!(note, format!("No call has been answered {since}, so the lines stop there."));
        assert_eq!(last_values(latency, &ls), [format!("p50: none {since}"), format!("p99: none {since}")]);
        // Drawn up to the last answer and no further: the right part of the plot is empty.
        let g = layout(&ls, latency.unit, &latency.threshold_values());
        let x_end = |d: &str| -> f64 {
            let tail = d.rsplit(['M', 'L']).next().expect("a point");
            tail.split(' ').next().and_then(|x| x.parse().ok()).expect("x")
        };
        let right = crate::view_model::chart::WIDTH - crate::view_model::chart::RIGHT;
        assert!(x_end(&g.paths[0]) < right * 0.6, "{}", g.paths[0]);
        let beside = layout(&lines(breaker, sim.metrics()), breaker.unit, &[]);
        assert_eq!(g.x_ticks, beside.x_ticks, "one time axis with the breaker's chart");

        // While answers keep coming there is no note, and the legend has numbers.
        let early = run("cascade-protected", 8);
        let ls = lines(&link_charts(early.scenario(), i)[0], early.metrics());
        assert_eq!(silence_note(&link_charts(early.scenario(), i)[0], &ls), None);
        assert!(last_values(&link_charts(early.scenario(), i)[0], &ls)[0].ends_with(" ms"));
    }

    #[test]
    fn summaries_follow_the_types_present() {
        let titles = |name: &str| -> Vec<String> {
            summary_charts(&presets::load(name).expect("preset"), 6).into_iter().map(|c| c.title).collect()
        };
        assert!(titles("cascade").iter().any(|t| t.contains("round trip")));
        assert!(titles("poison").iter().any(|t| t.contains("depth and dead letters")));
        assert!(titles("saga").iter().any(|t| t.contains("sagas")));
        assert!(titles("mmc").iter().any(|t| t.contains("wait for a worker")));
        assert!(titles("reconnect-storm").iter().any(|t| t.contains("connections")));
    }

    #[test]
    fn mmc_theory_is_erlang_c_at_the_measured_rates() {
        let sim = run("mmc", 600);
        let s = sim.scenario();
        assert_eq!(summary_theory_node(s), Some(0));
        let th = theory(s, sim.metrics(), 0, sim.now()).expect("a service");
        assert_eq!(th.model, "M/M/10");
        assert!((th.lambda - 90.0).abs() < 3.0, "λ {}", th.lambda);
        assert!((th.mu - 10.0).abs() < 0.5, "μ {}", th.mu);
        let Prediction::Wait { wq, .. } = th.prediction else { panic!("stable") };
        // Erlang C at the measured rates equals the formula's own value.
        assert_eq!(th.prediction, queueing::mmc(th.lambda, th.mu, 10));
        assert!((wq * 1e3 - th.measured_ms).abs() / (wq * 1e3) < 0.3, "{} vs {}", wq * 1e3, th.measured_ms);
        let (l, lw) = th.little.expect("measured");
        assert!((l - lw).abs() / lw < 0.1, "Little: L {l} vs λW {lw}");
        assert!(th.predicted_text().ends_with(" ms"));
        assert_eq!(summary_theory_node(&presets::load("poison-dlq").expect("preset")), Some(1));
        assert_eq!(summary_theory_node(&presets::load("seven").expect("preset")), None);
    }

    #[test]
    fn a_queue_checks_littles_law_and_counts_redeliveries() {
        // Stable queues (a growing backlog holds waits not yet recorded: L runs ahead of λW).
        for name in ["competing-consumers-4", "poison-dlq", "order-flow"] {
            let sim = run(name, 120);
            let s = sim.scenario();
            let i = s.nodes.iter().position(|n| n.kind.queue().is_some()).expect("a queue");
            let th = theory(s, sim.metrics(), i, sim.now()).expect("a queue's theory");
            let (l, lw) = th.little.expect("measured");
            assert!((l - lw).abs() <= 0.1 * lw.max(0.5), "{name}: Little: L {l} vs λW {lw}");
        }
        let sim = run("poison", 60);
        let q = &sim.metrics().queues[1];
        assert!(q.redelivered > 0, "poison messages come back");
        let th = theory(sim.scenario(), sim.metrics(), 1, sim.now()).expect("a queue");
        assert!((th.lambda - (q.enqueued + q.redelivered) as f64 / 60.0).abs() < 1e-9, "λ {}", th.lambda);
    }

    #[test]
    fn a_group_lag_chart_shows_every_partition_and_the_total() {
        let mut s = presets::load("commit-after").expect("preset");
        let log = s.nodes.iter().position(|n| n.kind.log().is_some()).expect("a log");
        let read = s.links.iter().position(|l| l.transport.read_policy().is_some()).expect("a group");
        for (partitions, lines, first) in [(3, 4, false), (6, 7, false), (12, 9, true)] {
            if let NodeKind::Log(g) = &mut s.nodes[log].kind {
                g.partitions = partitions;
            }
            let lag = link_charts(&s, read).into_iter().next().expect("the lag chart");
            assert_eq!(lag.plots.len(), lines, "{partitions} partitions");
            assert_eq!(lag.plots[0].label, "all partitions");
            assert_eq!(lag.title.ends_with("(the first 8)"), first, "{}", lag.title);
        }
    }

    #[test]
    fn a_jobs_duration_is_one_bar_per_run() {
        let sim = run("silent-batch", 40);
        let s = sim.scenario();
        let i = s.nodes.iter().position(|n| n.kind.job().is_some()).expect("a job");
        let def = node_charts(s, i).into_iter().find(|d| d.id.ends_with("duration")).expect("the duration chart");
        assert!(def.plots[0].bars);
        let runs = sim.metrics().jobs[i].history.iter().filter(|r| r.duration > 0).count();
        assert!(runs >= 3, "{runs} runs");
        let ls = lines(&def, sim.metrics());
        let points = &ls[0].points;
        assert_eq!(points.len(), 3 * runs + 2, "up, top, break per run, and room at both ends");
        assert!(points[0].1.is_nan() && points[points.len() - 1].1.is_nan());
        for bar in points[1..points.len() - 1].chunks(3) {
            assert_eq!(bar[0].0, bar[1].0, "vertical");
            assert_eq!(bar[0].1, 0.0);
            assert!(bar[1].1 > 0.0 && bar[2].1.is_nan());
        }
        let d = &layout(&ls, def.unit, &[]).paths[0];
        assert_eq!(d.matches('M').count(), runs, "one stroke per run: {d}");
        assert!(last_values(&def, &ls)[0].starts_with("last run: "));
    }

    #[test]
    fn an_overloaded_service_is_called_unstable() {
        let mut s = presets::load("mmc").expect("preset");
        if let NodeKind::Service(spec) = &mut s.nodes[0].kind {
            spec.concurrency = 8;
        }
        let mut sim = Simulation::new(s).expect("valid");
        sim.run_until(60 * SECOND).expect("runs");
        let th = theory(sim.scenario(), sim.metrics(), 0, sim.now()).expect("a service");
        assert_eq!(th.prediction, Prediction::Unstable);
        assert!(th.predicted_text().contains("grows without bound"));
    }
}
