//! Compare: a dialog that runs the same seed without and with one
//! mitigation (in the background, a slice per frame) and shows both side
//! by side: a table of the numbers that matter, then each headline chart
//! for both runs on one scale. Opened from the inspector's mitigations, the
//! controls, or the C key.

use leptos::prelude::*;

use crate::view_model::chart::{self, grid_markup};
use crate::view_model::compare::{ChartPair, Outcome, COMPARE_SECONDS};

use super::store::{use_store, Store};

/// The button that opens Compare, with the switches of `owner` first.
#[component]
pub fn CompareButton(#[prop(optional)] owner: Option<String>) -> impl IntoView {
    let store = use_store();
    let label = if owner.is_some() { "Compare with and without…" } else { "Compare…" };
    view! {
        <button
            class="btn btn--small"
            data-testid="compare-open"
            aria-keyshortcuts="C"
            title="Run this seed twice, without and with a mitigation (C)"
            on:click=move |_| store.open_compare(owner.as_deref())
        >
            {label}
        </button>
    }
}

/// The Compare dialog (one per page).
#[component]
pub fn CompareDialog() -> impl IntoView {
    let store = use_store();
    let c = store.compare;
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let choices = RwSignal::new(Vec::<(String, bool)>::new());
    let choice = RwSignal::new(String::new());
    Effect::new(move |_| {
        let (n, pick) = c.ask.get();
        if n == 0 {
            return;
        }
        let list: Vec<(String, bool)> = store.compare_toggles().into_iter().map(|t| (t.label, t.on)).collect();
        let first = pick.or_else(|| list.first().map(|t| t.0.clone())).unwrap_or_default();
        choices.set(list);
        choice.set(first);
        if let Some(d) = dialog.get_untracked() {
            let _shown = d.show_modal();
        }
    });
    let close = move || {
        store.cancel_compare();
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let options = move || {
        choices
            .get()
            .into_iter()
            .map(|(label, on)| {
                let text = if on { format!("{label} (on now)") } else { label.clone() };
                view! { <option value=label.clone() selected=move || choice.with(|c| *c == label)>{text}</option> }
            })
            .collect_view()
    };
    let running = move || c.progress.get().is_some();
    let minutes = COMPARE_SECONDS / 60;
    view! {
        <dialog node_ref=dialog class="compare" aria-labelledby="compare-title" data-testid="compare-dialog"
            on:close=move |_| store.cancel_compare()>
            <div class="compare__head">
                <h3 id="compare-title" class="compare__title">"Compare without and with a mitigation"</h3>
                <button class="btn btn--small" aria-label="Close Compare" data-testid="compare-close" on:click=move |_| close()>"×"</button>
            </div>
            <p class="compare__what">
                {move || format!(
                    "Both runs start from zero with seed {}, this run's settings and its faults at their times, and go {minutes} simulated minutes. Only the switch differs.",
                    store.seed.get()
                )}
            </p>
            <Show
                when=move || choices.with(|c| !c.is_empty())
                fallback=|| view! { <p class="compare__what">"This scenario has no mitigation to switch."</p> }
            >
                <form class="compare__form" on:submit=move |ev| {
                    ev.prevent_default();
                    store.start_compare(&choice.get_untracked());
                }>
                    <label class="compare__pick">
                        <span>"Mitigation"</span>
                        <select data-testid="compare-toggle" on:change=move |ev| choice.set(event_target_value(&ev))>{options}</select>
                    </label>
                    <button class="btn" type="submit" data-testid="compare-run" disabled=running>"Run both"</button>
                </form>
            </Show>
            <Show when=running>
                <div class="compare__progress">
                    <progress
                        max="1"
                        data-testid="compare-progress"
                        aria-label="Comparison progress"
                        value=move || c.progress.get().unwrap_or(0.0)
                    ></progress>
                    <button class="btn btn--small" on:click=move |_| store.cancel_compare()>"Cancel"</button>
                </div>
            </Show>
            <Show when=move || c.error.with(Option::is_some)>
                <p role="alert" class="compare__error">{move || c.error.get().unwrap_or_default()}</p>
            </Show>
            {move || c.outcome.get().map(|o| view! { <Results outcome=o store=store /> })}
        </dialog>
    }
}

/// The table and charts of a finished comparison.
#[component]
fn Results(outcome: Outcome, store: Store) -> impl IntoView {
    let took = move || store.compare.took_ms.get().map(|ms| format!(" Computed in {ms:.0} ms.")).unwrap_or_default();
    let head = ["Without", "With"];
    let rows = outcome
        .rows
        .iter()
        .map(|r| {
            let (a, b) = (r.text(0), r.text(1));
            let differs = r.values[0] != r.values[1];
            view! {
                <tr data-testid=format!("compare-row-{}", r.key) data-without=r.values[0].to_string()
                    data-with=r.values[1].to_string() class:compare__differs=differs>
                    <th scope="row">{r.label}</th>
                    <td>{a}</td>
                    <td>{b}</td>
                </tr>
            }
        })
        .collect_view();
    let charts = outcome.charts.iter().map(|p| view! { <Pair pair=p.clone() /> }).collect_view();
    view! {
        <div class="compare__results" data-testid="compare-results">
            <p class="compare__summary" data-testid="compare-summary">{outcome.summary()}{took}</p>
            <table class="compare__table">
                <caption class="sr-only">{format!("Numbers of both runs after {} simulated minutes", outcome.seconds / 60)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"After " {outcome.seconds / 60} " min"</th>
                        <th scope="col" data-testid="compare-head-without">{format!("{}: {}", head[0], outcome.label)}</th>
                        <th scope="col" data-testid="compare-head-with">{format!("{}: {}", head[1], outcome.label)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="compare__note">"Charts show the last five simulated minutes of each run, on one scale."</p>
            <div class="compare__charts">{charts}</div>
        </div>
    }
}

/// One chart for both runs.
#[component]
fn Pair(pair: ChartPair) -> impl IntoView {
    let sides = ["Without", "With"];
    let side = (0..2)
        .map(|k| {
            let g = &pair.geometry[k];
            let paths = pair
                .def
                .plots
                .iter()
                .zip(&g.paths)
                .map(|(p, d)| {
                    let class = format!("chart__line chart__line--{}{}", p.color, if p.dashed { " chart__line--dashed" } else { "" });
                    view! { <path class=class d=d.clone() /> }
                })
                .collect_view();
            let last = pair.last[k].join(", ");
            let shown = last.clone();
            let label = format!("{}, {}: {last}", sides[k], pair.def.title);
            view! {
                <figure class="compare__side" data-testid=format!("compare-chart-{}-{}", pair.def.id, ["without", "with"][k]) data-last=last.clone()>
                    <figcaption class="compare__side-title">{sides[k]}</figcaption>
                    <svg class="chart__svg" viewBox=format!("0 0 {} {}", chart::WIDTH, chart::HEIGHT) role="img" aria-label=label>
                        <g class="chart__grid" inner_html=grid_markup(g)></g>
                        {paths}
                    </svg>
                    <p class="compare__last">{shown}</p>
                </figure>
            }
        })
        .collect_view();
    view! {
        <figure class="chart compare__chart" data-testid=format!("compare-chart-{}", pair.def.id)>
            <figcaption class="chart__title">{pair.def.title.clone()}</figcaption>
            <div class="compare__pair">{side}</div>
        </figure>
    }
}
