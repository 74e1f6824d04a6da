//! The journey of one order: a panel that, while open, follows the most
//! recent orders, and draws the one picked as a waterfall of its messages
//! (HTML rows, so the text stays readable at any width) with its path
//! highlighted on the topology. The model is `view_model::journey`.

use leptos::prelude::*;

use crate::engine::event::{CorrId, Event};
use crate::engine::scenario::Scenario;
use crate::engine::time::Micros;
use crate::view_model::describe::spoken;
use crate::view_model::journey::{Journey, JourneyRecorder, MarkKind, Row, SpanKind, ORDERS_KEPT};
use crate::view_model::journey_words::{duration_text, mark_words, row_words, span_words, summary, ticks};

use super::store::{use_store, Store};

/// The journey state the store feeds and the topology reads. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Journeys {
    recorder: StoredValue<JourneyRecorder, LocalStorage>,
    /// The panel is open: orders are being followed.
    pub following: RwSignal<bool>,
    /// The order shown.
    pub chosen: RwSignal<Option<CorrId>>,
    /// Nodes and links on the shown order's path, for the topology.
    pub path: RwSignal<(Vec<u32>, Vec<u32>)>,
    /// A word about the order shown, when it was picked on the stage.
    pub note: RwSignal<Option<String>>,
}

impl Journeys {
    /// Nothing followed yet.
    pub fn new() -> Journeys {
        Journeys {
            recorder: StoredValue::new_local(JourneyRecorder::default()),
            following: RwSignal::new(false),
            chosen: RwSignal::new(None),
            path: RwSignal::new((Vec::new(), Vec::new())),
            note: RwSignal::new(None),
        }
    }

    /// Shows order `corr`, clicked on the stage: opens the panel if it was
    /// closed (its messages are then followed from now on) and pins it.
    /// Returns what to announce.
    pub fn show_from_stage(&self, corr: CorrId) -> String {
        let known = self.following.get_untracked() && self.recorder.with_value(|r| r.has(corr));
        self.following.set(true);
        self.recorder.update_value(|r| r.pin(Some(corr)));
        self.chosen.set(Some(corr));
        if known {
            self.note.set(None);
            format!("Journey of order {corr}, below the stage.")
        } else {
            self.note.set(Some(format!(
                "Order {corr} was picked on the stage while this panel was closed: its messages are shown from that moment on."
            )));
            format!("Following order {corr} from now on; its journey is below the stage.")
        }
    }

    /// Files a frame's events while the panel is open (closed, it costs nothing).
    pub fn observe(&self, events: &[Event]) {
        if self.following.get_untracked() {
            self.recorder.update_value(|r| events.iter().for_each(|e| r.observe(e)));
        }
    }

    /// A new run: nothing of the old one applies.
    pub fn clear(&self) {
        self.recorder.update_value(JourneyRecorder::clear);
        self.chosen.set(None);
        self.note.set(None);
        self.path.set((Vec::new(), Vec::new()));
    }

    /// True if the node at `index` is on the shown order's path.
    pub fn has_node(&self, index: usize) -> bool {
        self.path.with(|(nodes, _)| nodes.contains(&(index as u32)))
    }

    /// True if the link at `index` is on the shown order's path.
    pub fn has_link(&self, index: usize) -> bool {
        self.path.with(|(_, links)| links.contains(&(index as u32)))
    }
}

impl Default for Journeys {
    fn default() -> Self {
        Journeys::new()
    }
}

fn pct(t: Micros, j: &Journey) -> f64 {
    let span = (j.end - j.start).max(1) as f64;
    (t.saturating_sub(j.start) as f64 / span * 100.0).clamp(0.0, 100.0)
}

fn span_class(k: SpanKind) -> &'static str {
    match k {
        SpanKind::Wire => "journey__span journey__span--wire",
        SpanKind::Queued => "journey__span journey__span--queued",
        SpanKind::Waiting => "journey__span journey__span--waiting",
        SpanKind::Working => "journey__span journey__span--working",
        SpanKind::Reply => "journey__span journey__span--reply",
    }
}

/// A mark's glyph and whether it is bad news.
fn mark_glyph(m: MarkKind) -> (&'static str, bool) {
    match m {
        MarkKind::Failed(_) | MarkKind::Rejected(_) | MarkKind::Lost | MarkKind::Dropped(_) => ("✕", true),
        MarkKind::TimedOut | MarkKind::LateReply => ("⏱", true),
        MarkKind::Retry(_) | MarkKind::Redelivered | MarkKind::Nacked => ("↻", false),
        MarkKind::BackedOff(_) => ("⏸", false),
        MarkKind::RetryDenied | MarkKind::ShortCircuited => ("⊘", true),
        MarkKind::Fallback => ("↩", false),
        MarkKind::DeadLettered => ("☠", true),
        MarkKind::Duplicate(twice) => ("⧉", twice),
        MarkKind::SagaEnded(_) | MarkKind::RecordProcessed(..) => ("◆", false),
        MarkKind::Answered(ok, _) => ("●", !ok),
    }
}

fn row_view(scenario: &Scenario, j: &Journey, r: &Row) -> impl IntoView {
    let name = row_words(scenario, r);
    let spans = r
        .spans
        .iter()
        .map(|s| {
            let left = pct(s.from, j);
            let width = (pct(s.to, j) - left).max(0.6);
            let title = format!("{}: {}", span_words(s.kind), duration_text(s.to - s.from));
            view! {
                <span
                    class=span_class(s.kind)
                    class:journey__span--open=s.open
                    style=format!("left:{left:.2}%;width:{width:.2}%")
                    title=title
                ></span>
            }
        })
        .collect_view();
    let marks = r
        .marks
        .iter()
        .map(|m| {
            let (glyph, bad) = mark_glyph(m.kind);
            let title = format!("{} at +{}", mark_words(scenario, m.kind), duration_text(m.t - j.start));
            view! {
                <span class="journey__mark" class:journey__mark--bad=bad style=format!("left:{:.2}%", pct(m.t, j)) title=title>
                    {glyph}
                </span>
            }
        })
        .collect_view();
    // The same row in words, for screen readers and for reading closely, its name first.
    let words = {
        let mut parts: Vec<String> =
            r.spans.iter().map(|s| format!("{} {}", span_words(s.kind), duration_text(s.to - s.from))).collect();
        parts.extend(
            r.marks.iter().map(|m| format!("{} at +{}", mark_words(scenario, m.kind), duration_text(m.t - j.start))),
        );
        format!("{}: {}", spoken(&name), parts.join("; "))
    };
    view! {
        <li class="journey__row" data-testid="journey-row">
            // Its name in words for screen readers: "A → B" is read "right arrow" otherwise.
            <span class="journey__label" style=format!("padding-left:{}px", 8 * r.depth.min(6)) aria-hidden="true">{name}</span>
            <span class="journey__track" aria-hidden="true">{spans}{marks}</span>
            <span class="sr-only">{words}</span>
        </li>
    }
}

fn waterfall(store: Store, j: &Journey) -> impl IntoView {
    let span = j.end - j.start;
    let axis = ticks(span, 4)
        .into_iter()
        .map(|t| {
            let left = t as f64 / span.max(1) as f64 * 100.0;
            view! { <span class="journey__tick" style=format!("left:{left:.2}%")>{format!("+{}", duration_text(t))}</span> }
        })
        .collect_view();
    let rows = store.sim.with_value(|s| j.rows.iter().map(|r| row_view(s.scenario(), j, r)).collect_view());
    view! {
        <ol class="journey__rows" aria-label="Messages of the order, in the order they were sent">{rows}</ol>
        <div class="journey__axis" aria-hidden="true">
            <span class="journey__label"></span>
            <span class="journey__track">{axis}</span>
        </div>
        <p class="journey__legend" aria-hidden="true">
            <span class="journey__key journey__span--wire"></span>"on the wire "
            <span class="journey__key journey__span--queued"></span>"in a queue "
            <span class="journey__key journey__span--waiting"></span>"waiting for a worker "
            <span class="journey__key journey__span--working"></span>"worked on "
            <span class="journey__key journey__span--reply"></span>"reply"
        </p>
    }
}

/// The panel: pick an order, see its journey.
#[component]
pub fn JourneyPanel() -> impl IntoView {
    let store = use_store();
    let journeys = store.journeys;
    let problem = RwSignal::new(None::<String>);
    let journey = Memo::new(move |_| {
        let corr = journeys.chosen.get()?;
        let now = store.frame.with(|f| f.now);
        journeys.recorder.with_value(|r| r.journey(corr, now))
    });
    Effect::new(move |_| {
        let path = journey.with(|j| j.as_ref().map(|j| (j.nodes.clone(), j.links.clone()))).unwrap_or_default();
        if journeys.path.with_untracked(|p| *p != path) {
            journeys.path.set(path);
        }
    });
    let pick = move |corr: Option<CorrId>| match corr {
        Some(c) => {
            journeys.recorder.update_value(|r| r.pin(Some(c)));
            journeys.chosen.set(Some(c));
            journeys.note.set(None);
            problem.set(None);
            let now = store.frame.with_untracked(|f| f.now);
            if let Some(j) = journeys.recorder.with_value(|r| r.journey(c, now)) {
                store.announce(summary(&j));
            }
        }
        None => problem.set(Some("No order has been followed yet: play the run with this panel open.".into())),
    };
    let latest = move |_| pick(journeys.recorder.with_value(JourneyRecorder::latest));
    let latest_failed = move |_| match journeys.recorder.with_value(JourneyRecorder::latest_failed) {
        Some(c) => pick(Some(c)),
        None => problem.set(Some("No order followed so far has failed.".into())),
    };
    let by_number = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        match typed.trim().parse::<CorrId>() {
            Ok(c) if journeys.recorder.with_value(|r| r.has(c)) => pick(Some(c)),
            Ok(c) => problem.set(Some(format!(
                "Order {c} is not among the last {ORDERS_KEPT} orders followed since this panel was opened."
            ))),
            Err(_) => problem.set(Some(format!("'{}' is not an order number.", typed.trim()))),
        }
    };
    let summary_text = move || journey.with(|j| j.as_ref().map(summary));
    view! {
        <section class="region region--journey" aria-labelledby="journey-title" data-testid="region-journey">
            <details
                class="journey"
                prop:open=move || journeys.following.get()
                on:toggle=move |ev| {
                    let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                    journeys.following.set(open);
                }
            >
                <summary class="journey__summary">
                    <h2 id="journey-title" class="region__title">"Journey of an order"</h2>
                </summary>
                <p class="region__hint">
                    "While this panel is open, the last " {ORDERS_KEPT}
                    " orders are followed. Pick one, or click a moving message on the stage, to see every message its order caused, on a time axis, and its path on the topology."
                </p>
                <div class="journey__pick">
                    <button class="btn btn--small" data-testid="journey-latest" on:click=latest>"Latest order"</button>
                    <button class="btn btn--small" data-testid="journey-failed" on:click=latest_failed>
                        "Latest failed order"
                    </button>
                    <label class="journey__number">
                        "Order number "
                        <input type="number" min="1" step="1" inputmode="numeric" data-testid="journey-id" on:change=by_number />
                    </label>
                    {move || {
                        journeys.chosen.get().map(|_| view! {
                            <button class="btn btn--small" data-testid="journey-clear" on:click=move |_| {
                                journeys.recorder.update_value(|r| r.pin(None));
                                journeys.chosen.set(None);
                                journeys.note.set(None);
                            }>
                                "Clear"
                            </button>
                        })
                    }}
                </div>
                <p class="journey__problem" role="alert" data-testid="journey-problem">{move || problem.get()}</p>
                <p class="journey__note" data-testid="journey-note">{move || journeys.note.get()}</p>
                <p class="journey__text" data-testid="journey-summary">{summary_text}</p>
                {move || journey.with(|j| j.as_ref().map(|j| waterfall(store, j).into_any()))}
            </details>
        </section>
    }
}
