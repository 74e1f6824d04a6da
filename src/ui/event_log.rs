//! The events region: counts the ledger does not show (crashes, restarts,
//! alerts), the alert list with its monitoring switches, and the event log
//! (newest first, filtered by node, type and severity; at most
//! `event_log::SHOWN` rows in the DOM, redrawn a few times a second).

use leptos::prelude::*;

use crate::engine::event::EventKind;
use crate::engine::Simulation;
use crate::view_model::alerts::monitors;
use crate::view_model::describe::{arrow_markup, spoken};
use crate::view_model::event_log::{classify, Filter, Severity, Topic, KEPT, SHOWN};
use crate::view_model::event_words::{event_words, target_label};
use crate::view_model::frame::clock_text;
use crate::view_model::narration::is_notable;

use super::store::use_store;

/// The whole region's content.
#[component]
pub fn EventsPanel() -> impl IntoView {
    view! {
        <Counts />
        <Alerts />
        <EventLog />
    }
}

/// Crashes, restarts and alerts so far: what "Failed 0" does not say.
#[component]
fn Counts() -> impl IntoView {
    let store = use_store();
    let sums = move || {
        store.frame.track();
        store.sim.with_value(|s: &Simulation| {
            s.metrics().nodes.iter().fold((0, 0), |(c, r), n| (c + n.crashes, r + n.restarts))
        })
    };
    let alerts = move || {
        store.story.alerts_tick.track();
        store.story.alerts.with_value(|b| b.raised())
    };
    view! {
        <dl class="story-counts">
            <div class="story-counts__item">
                <dt>"Crashes"</dt>
                <dd data-testid="count-crashes">{move || sums().0}</dd>
            </div>
            <div class="story-counts__item">
                <dt>"Restarts"</dt>
                <dd data-testid="count-restarts">{move || sums().1}</dd>
            </div>
            <div class="story-counts__item">
                <dt>"Alerts"</dt>
                <dd data-testid="count-alerts">{alerts}</dd>
            </div>
        </dl>
    }
}

/// The alerts raised, newest first, and the monitoring switches that raise them.
#[component]
fn Alerts() -> impl IntoView {
    let store = use_store();
    let rows = move || {
        store.story.alerts_tick.track();
        let s = store.scenario();
        store.story.alerts.with_value(|b| {
            b.newest_first()
                .take(20)
                .map(|a| {
                    let at = clock_text(a.t);
                    let label = target_label(&s, &a.id);
                    let kind = a.kind.word();
                    let text = a.text.clone();
                    let id = a.id.clone();
                    view! {
                        <li class="alerts__row" data-testid="alert" data-kind=kind data-id=id>
                            <span class="alerts__time">{at}</span>
                            <strong class="alerts__kind">{kind}</strong>
                            // A link's arrow in sight, "to" to a screen reader.
                            <span class="alerts__where" inner_html=arrow_markup(&label)></span>
                            <span class="alerts__text" inner_html=arrow_markup(&text)></span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let empty = move || {
        store.story.alerts_tick.track();
        store.story.alerts.with_value(|b| b.raised() == 0)
    };
    let on_count = move || store.story.monitors.with(Vec::len);
    let list = move || {
        store.revision.track();
        store.preset.track();
        monitors(&store.scenario())
    };
    let switches = move || {
        list()
            .into_iter()
            .map(|m| {
                let id = m.id.clone();
                let checked = {
                    let id = id.clone();
                    move || store.story.monitors.with(|on| on.contains(&id))
                };
                let on_change = move |ev| store.set_monitor(&id, event_target_checked(&ev));
                view! {
                    <li>
                        <label class="monitors__switch">
                            // Named in words: a link's "A → B" is read "right arrow" otherwise.
                            <input type="checkbox" prop:checked=checked on:change=on_change data-testid="monitor-switch" data-id=m.id.clone()
                                aria-label=format!("{} — {}", spoken(&m.label), m.watches) />
                            <span>
                                <strong>{m.label}</strong>
                                " — "
                                {m.watches}
                            </span>
                        </label>
                    </li>
                }
            })
            .collect_view()
    };
    let all = move |on: bool| {
        let ids: Vec<String> = list().into_iter().map(|m| m.id).collect();
        for id in ids {
            if store.story.monitors.with_untracked(|m| m.contains(&id)) != on {
                store.set_monitor(&id, on);
            }
        }
    };
    view! {
        <div class="alerts" data-testid="alerts">
            <h3 class="alerts__title">"Alerts"</h3>
            <Show when=empty>
                <p class="alerts__empty">
                    {move || {
                        if list().is_empty() {
                            "Nothing in this scenario has a monitor to switch on, so nothing raises an alert."
                        } else if on_count() == 0 {
                            "No monitoring is on, so nothing raises an alert, however bad it gets. Switch monitors on below."
                        } else {
                            "No alert so far from the monitors switched on."
                        }
                    }}
                </p>
            </Show>
            <ul class="alerts__list" data-testid="alert-list">{rows}</ul>
            <details class="monitors" data-testid="monitors">
                <summary>
                    {move || match list().len() {
                        0 => "Monitoring: none in this scenario".to_string(),
                        all => format!("Monitoring: {} of {all} on", on_count()),
                    }}
                </summary>
                <div class="monitors__all">
                    <button class="btn btn--small" on:click=move |_| all(true) data-testid="monitors-all-on">"All on"</button>
                    <button class="btn btn--small" on:click=move |_| all(false) data-testid="monitors-all-off">"All off"</button>
                </div>
                <ul class="monitors__list">{switches}</ul>
            </details>
        </div>
    }
}

/// The event log with its filters.
#[component]
fn EventLog() -> impl IntoView {
    let store = use_store();
    let filter = RwSignal::new(Filter::default());
    let highlight = store.story.highlight;
    // A step stops at ordinary events too: show every event so its row is there.
    Effect::new(move |_| {
        if let Some(seq) = highlight.get() {
            let plain = store.story.log.with_value(|l| l.find(seq)).is_some_and(|e| !is_notable(&e.event.kind));
            if plain && !filter.with_untracked(|f| f.all) {
                filter.update(|f| f.all = true);
            }
        }
    });
    let nodes = move || {
        store.revision.track();
        store.preset.track();
        store
            .scenario()
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let i = i as u32;
                view! {
                    <option value=i.to_string() prop:selected=move || filter.with(|f| f.node == Some(i))>
                        {n.label.clone()}
                    </option>
                }
            })
            .collect_view()
    };
    let on_node = move |ev| {
        let v = event_target_value(&ev);
        filter.update(|f| f.node = v.parse().ok());
    };
    let on_topic = move |ev| {
        let v = event_target_value(&ev);
        filter.update(|f| f.topic = v.parse::<usize>().ok().and_then(|i| Topic::ALL.get(i).copied()));
    };
    let on_severity = move |ev| {
        let v = event_target_value(&ev);
        filter.update(|f| f.min_severity = v.parse::<usize>().ok().and_then(|i| Severity::ALL.get(i).copied()));
    };
    let topics = Topic::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| view! { <option value=i.to_string()>{t.word()}</option> })
        .collect_view();
    let view_now = move || {
        store.story.log_tick.track();
        let f = filter.get();
        store.sim.with_value(|sim| {
            let s = sim.scenario();
            let keep = highlight.get();
            let (rows, total) = store.story.log.with_value(|l| l.view(f, s, SHOWN, keep));
            // A fault started from the inspector is the run's, not the scenario's:
            // its target is named from the run's design (only when such a row is drawn).
            let faults = rows
                .iter()
                .any(|e| matches!(e.event.kind, EventKind::FaultApplied { .. } | EventKind::FaultCleared { .. }));
            let design = faults.then(|| sim.design());
            let s = design.as_ref().unwrap_or(s);
            let rows: Vec<(u64, u64, Severity, String)> = rows
                .into_iter()
                .map(|e| (e.seq, e.event.t, classify(&e.event.kind).0, event_words(&e.event.kind, s)))
                .collect();
            (rows, total)
        })
    };
    let memo = Memo::new(move |_| view_now());
    let rows = move || {
        let hl = highlight.get();
        memo.with(|(rows, _)| {
            rows.iter()
                .map(|(seq, t, sev, words)| {
                    let here = hl == Some(*seq);
                    view! {
                        <li
                            class=format!("event-row event-row--{}", sev.word())
                            class:event-row--here=here
                            aria-current=here.then_some("true")
                            data-testid="event-row"
                            data-seq=seq.to_string()
                            data-severity=sev.word()
                        >
                            <span class="event-row__time">{clock_text(*t)}</span>
                            <span class="event-row__sev">{sev.word()}</span>
                            <span class="event-row__text" inner_html=arrow_markup(words)></span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let caption = move || {
        memo.with(|(rows, total)| {
            let kind = if filter.with(|f| f.all) { "events" } else { "notable events" };
            if *total == 0 {
                format!("No {kind} yet with these filters.")
            } else {
                format!("{} newest of {total} {kind} kept (at most {KEPT}), newest first.", rows.len())
            }
        })
    };
    // The highlighted row (a step's, "Next notable"'s, a lesson step's key
    // event) scrolled into the list's view once drawn; the page stays put.
    let list = NodeRef::<leptos::html::Ol>::new();
    // Only when the highlight changes: a learner scrolling the list while the run plays keeps their place.
    Effect::new(move |_| {
        if highlight.get().is_none() {
            return;
        }
        request_animation_frame(move || {
            let Some(list) = list.get_untracked() else { return };
            let Ok(Some(row)) = list.query_selector(".event-row--here") else { return };
            let (l, r) = (list.get_bounding_client_rect(), row.get_bounding_client_rect());
            if r.top() < l.top() || r.bottom() > l.bottom() {
                let centred = r.top() - l.top() - (l.height() - r.height()) / 2.0;
                list.set_scroll_top(list.scroll_top() + centred as i32);
            }
        });
    });
    view! {
            <div class="event-log">
                <h3 class="event-log__title" id="event-log-title">"Event log"</h3>
                <div class="event-log__filters" role="group" aria-label="Filter the event log">
                    <label class="event-log__field">
                        <span>"Node"</span>
                        <select on:change=on_node data-testid="log-node">
                            <option value="">"All nodes"</option>
                            {nodes}
                        </select>
                    </label>
                    <label class="event-log__field">
                        <span>"Type"</span>
                        <select on:change=on_topic data-testid="log-type">
                            <option value="">"All types"</option>
                            {topics}
                        </select>
                    </label>
                    <label class="event-log__field">
                        <span>"Severity"</span>
                        <select on:change=on_severity data-testid="log-severity">
                            <option value="">"All"</option>
                            <option value="1">"Warnings and problems"</option>
                            <option value="2">"Problems only"</option>
                        </select>
                    </label>
                    <label class="event-log__field event-log__field--check">
                        <input
                            type="checkbox"
                            prop:checked=move || filter.with(|f| f.all)
                            on:change=move |ev| filter.update(|f| f.all = event_target_checked(&ev))
                            data-testid="log-all"
                        />
                        <span>"Every event, not only notable ones"</span>
                    </label>
                </div>
                <div class="event-log__filters">
                    {speak_select(store)}
                    {use_context::<super::key_shortcuts::SingleKeys>()
                        .map(|keys| super::key_shortcuts::shortcuts_switch(keys, store.announcement))}
                </div>
                <p class="event-log__caption" data-testid="log-caption">{caption}</p>
    <ol class="event-log__list" aria-labelledby="event-log-title" tabindex="0" data-testid="event-log" node_ref=list>
                    {rows}
                </ol>
            </div>
        }
}

/// The stored setting's key for [`speak_select`].
pub(super) const SPEAK_KEY: &str = "spoken-updates";

/// How much the run says by itself in the live region (beside the log's
/// filters: both choose what of the run's events reach the person).
fn speak_select(store: super::store::Store) -> impl IntoView {
    use crate::view_model::narration::SpeakLevel;
    let now = store.speak_level();
    let options = SpeakLevel::ALL
        .iter()
        .map(|&(level, value, words)| view! { <option value=value selected=level == now>{words}</option> })
        .collect_view();
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        if let Some(&(level, _, words)) = SpeakLevel::ALL.iter().find(|(_, v, _)| *v == value) {
            store.set_speak_level(level);
            super::persist::keep_setting(SPEAK_KEY, &value);
            store.announce(format!("Spoken updates: {words}."));
        }
    };
    view! {
        <label class="event-log__field">
            <span>"Spoken updates"</span>
            <select on:change=on_change data-testid="speak-level">{options}</select>
        </label>
    }
}
