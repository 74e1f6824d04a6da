//! Charts over simulated time, hand-drawn in SVG from the geometry in
//! `view_model::chart`: the metrics region's summary, the selected node's
//! or link's charts in the inspector, and the queueing-theory card. A
//! chart's DOM is built once; each new one-second sample only changes its
//! paths' `d` attributes and, when they move, its tick labels.

use leptos::prelude::*;

use crate::engine::metrics::Metrics;
use crate::engine::Simulation;
use crate::view_model::chart::{self, grid_markup, layout, Unit};
use crate::view_model::chart_series::{self, last_values, lines, silence_note, ChartDef, Theory};
use crate::view_model::queueing::{self, Prediction};

use super::store::{use_store, Selection, Store};

/// Changes when the tracks gain a sample or the run starts again, and only
/// then: an effect on the frame that writes the signal only when the
/// sample count or time moved, so charts recompute once a sample.
type Clock = ReadSignal<(u64, Option<u64>, usize)>;

fn sample_clock(store: Store) -> Clock {
    let (clock, set_clock) = signal((0u64, None::<u64>, 0usize));
    Effect::new(move |_| {
        let rev = store.revision.get();
        store.frame.with(|f| f.now);
        let now = store.sim.with_value(|s: &Simulation| {
            let t = &s.metrics().tracks;
            (rev, t.newest_time(), t.len())
        });
        if clock.get_untracked() != now {
            set_clock.set(now);
        }
    });
    clock
}

fn read<T>(store: Store, f: impl FnOnce(&Metrics, &Simulation) -> T) -> T {
    store.sim.with_value(|s| f(s.metrics(), s))
}

/// One chart: title, legend with the newest values (its text summary), and the SVG.
#[component]
fn Chart(def: ChartDef, clock: Clock) -> impl IntoView {
    let store = use_store();
    let thresholds = def.thresholds.clone();
    let values = def.threshold_values();
    let data = {
        let def = def.clone();
        Memo::new(move |_| {
            clock.track();
            read(store, |m, _| {
                let ls = lines(&def, m);
                (layout(&ls, def.unit, &values), last_values(&def, &ls), silence_note(&def, &ls))
            })
        })
    };
    // Rewritten only when the ticks move (a memo of the markup).
    let grid = Memo::new(move |_| data.with(|d| grid_markup(&d.0)));
    let unit_word = match def.unit {
        Unit::Ms => "milliseconds",
        Unit::Seconds => "seconds",
        Unit::PerSecond => "per second",
        Unit::Percent => "percent",
        Unit::Count => "count",
        Unit::Breaker => "breaker state",
    };
    let label = format!("{}, {unit_word}, over simulated time", def.title);
    let paths = def
        .plots
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let class = format!(
                "chart__line chart__line--{}{}{}",
                p.color,
                if p.dashed { " chart__line--dashed" } else { "" },
                if p.bars { " chart__line--bars" } else { "" }
            );
            view! { <path class=class d=move || data.with(|d| d.0.paths.get(k).cloned().unwrap_or_default()) /> }
        })
        .collect_view();
    let legend = def
        .plots
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let swatch = format!("chart__swatch chart__swatch--{}{}", p.color, if p.dashed { " chart__swatch--dashed" } else { "" });
            view! {
                <li>
                    <span class=swatch aria-hidden="true"></span>
                    <span data-testid="chart-last">{move || data.with(|d| d.1.get(k).cloned().unwrap_or_default())}</span>
                </li>
            }
        })
        .collect_view();
    let threshold_view = thresholds
        .into_iter()
        .enumerate()
        .map(|(k, (name, v))| {
            let text = format!("{name} {}", def.unit.format(v));
            let y = move || data.with(|d| d.0.thresholds.get(k).copied().unwrap_or(-10.0));
            let label_y = move || data.with(|d| chart::threshold_label_y(&d.0.thresholds, k));
            view! {
                <line class="chart__threshold" x1=chart::LEFT x2=chart::WIDTH - chart::RIGHT y1=y y2=y />
                <text class="chart__threshold-label" x=chart::WIDTH - chart::RIGHT - 2.0 y=label_y text-anchor="end">{text}</text>
            }
        })
        .collect_view();
    let testid = format!("chart-{}", def.id);
    let title = def.title.clone();
    // Empty (and hidden by CSS) unless the lines have gone quiet; the
    // picture's description, so a screen reader hears it with the chart.
    let note_id = format!("chart-{}-note", def.id);
    view! {
        // Named by its caption.
        <figure class="chart" data-testid=testid>
            <figcaption class="chart__title">{title}</figcaption>
            <p class="chart__note" id=note_id.clone() data-testid="chart-note">
                {move || data.with(|d| d.2.clone().unwrap_or_default())}
            </p>
            <svg
                class="chart__svg"
                viewBox=format!("0 0 {} {}", chart::WIDTH, chart::HEIGHT)
                role="img"
                aria-label=label
                aria-describedby=note_id
            >
                <g class="chart__grid" inner_html=move || grid.get()></g>
                {threshold_view}
                {paths}
            </svg>
            <ul class="chart__legend" aria-label="Newest values">{legend}</ul>
        </figure>
    }
}

/// A list of charts rebuilt only when `defs` changes (a new scenario or selection).
#[component]
fn ChartGrid(#[prop(into)] defs: Signal<Vec<ChartDef>>, clock: Clock) -> impl IntoView {
    view! {
        <div class="charts">
            {move || defs.get().into_iter().map(|def| view! { <Chart def=def clock=clock /> }).collect_view()}
        </div>
    }
}

/// The measured wait beside what queueing theory predicts, and Little's law.
/// `nested`: in the inspector, under the selection's "Over time" (a heading
/// of level 5 there, 3 under the metrics region's heading), so the outline skips no level.
#[component]
fn TheoryCard(index: usize, clock: Clock, #[prop(optional)] nested: bool) -> impl IntoView {
    let store = use_store();
    let theory = Memo::new(move |_| {
        clock.track();
        read(store, |m, s| chart_series::theory(s.scenario(), m, index, s.now()))
    });
    let body = move || {
        let Some(th) = theory.get() else {
            return view! { <p class="theory__none">"Theory appears once work has arrived."</p> }.into_any();
        };
        let Theory { measured_ms, prediction, little, .. } = th.clone();
        let predicted_ms = match prediction {
            Prediction::Wait { wq, .. } => format!("{:.3}", wq * 1e3),
            Prediction::Unstable | Prediction::Unknown => String::new(),
        };
        let little_view = little.map(|(l, lw)| {
            let (off, verdict) = queueing::little_verdict(l, lw, matches!(prediction, Prediction::Unstable));
            view! { <p class="theory__little" data-testid="theory-little">{chart_series::little_words(l, lw, off, verdict)}</p> }
        });
        // In the order a reader needs them: each name and symbol is said in
        // words where it first shows (theory_words.rs).
        view! {
            <p class="theory__model" data-testid="theory-model">{th.model_words()}</p>
            <p class="theory__model" data-testid="theory-rates">{th.rates_words()}</p>
            <dl class="theory__pair">
                <div>
                    <dt>"Measured wait"</dt>
                    <dd data-testid="theory-measured" data-ms=format!("{measured_ms:.3}")>{Unit::Ms.format(measured_ms)}</dd>
                </div>
                <div>
                    // The theory is named under the pair, with what it is.
                    <dt>"Theory predicts"</dt>
                    <dd data-testid="theory-predicted" data-ms=predicted_ms class:theory__unstable=matches!(prediction, Prediction::Unstable)>
                        {th.predicted_text()}
                    </dd>
                </div>
            </dl>
            <p class="theory__model" data-testid="theory-predictor">{th.predictor_words()}</p>
            // Why the measure and the model part, when the run breaks its assumptions.
            {th.assumption_words().map(|w| view! { <p class="theory__model" data-testid="theory-assumptions">{w}</p> })}
            {little_view}
        }
        .into_any()
    };
    let name = Memo::new(move |_| {
        store.revision.track();
        store.sim.with_value(|s| s.scenario().nodes.get(index).map(|n| n.label.clone()).unwrap_or_default())
    });
    view! {
        <section class="theory" data-testid="theory" aria-label=move || format!("Queueing theory for {}", name.get())>
            // One element at either level (two tags would be two copies of the view's code).
            <p class="theory__title" role="heading" attr:aria-level=if nested { "5" } else { "3" }>
                {move || format!("{}: wait against queueing theory", name.get())}
            </p>
            {body}
        </section>
    }
}

/// The metrics region's charts: the few that matter for this scenario, and theory where it applies.
#[component]
pub fn SummaryCharts() -> impl IntoView {
    let store = use_store();
    let clock = sample_clock(store);
    let shape = Memo::new(move |_| {
        store.revision.track();
        store.preset.track();
        store.sim.with_value(|s| {
            let sc = s.scenario();
            (chart_series::summary_charts(sc, 6), chart_series::summary_theory_node(sc))
        })
    });
    let defs = Signal::derive(move || shape.with(|s| s.0.clone()));
    view! {
        <div class="charts-summary" data-testid="summary-charts">
            {move || shape.with(|s| s.1).map(|i| view! { <TheoryCard index=i clock=clock /> })}
            <ChartGrid defs=defs clock=clock />
        </div>
    }
}

/// The selected node's or link's charts, for the inspector.
#[component]
pub fn SelectionCharts() -> impl IntoView {
    let store = use_store();
    let clock = sample_clock(store);
    let shape = Memo::new(move |_| {
        store.revision.track();
        let sel = store.selected.get();
        store.sim.with_value(|s| {
            let sc = s.scenario();
            match sel {
                Some(Selection::Node(i)) => {
                    let theory =
                        sc.nodes.get(i).is_some_and(|n| n.kind.service().is_some() || n.kind.queue().is_some());
                    (chart_series::node_charts(sc, i), theory.then_some(i))
                }
                Some(Selection::Link(i)) => (chart_series::link_charts(sc, i), None),
                None => (vec![], None),
            }
        })
    });
    let defs = Signal::derive(move || shape.with(|s| s.0.clone()));
    view! {
        <Show when=move || shape.with(|s| !s.0.is_empty())>
            <section class="inspector__charts" data-testid="selection-charts" aria-label="Charts">
                <h4 class="inspector__subtitle">"Over time"</h4>
                {move || shape.with(|s| s.1).map(|i| view! { <TheoryCard index=i clock=clock nested=true /> })}
                <ChartGrid defs=defs clock=clock />
            </section>
        </Show>
    }
}
