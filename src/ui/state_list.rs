//! The stage's state in words beside it, while its compact level of detail
//! hides the words inside the nodes (a phone, a course page's column): a
//! line per node and per link with a state (`view_model::state_list`), from
//! the frame the stage draws. A name selects its node or link and takes
//! focus to the inspector, easier than hitting a small node with a finger.
//!
//! Cheap per frame: the list is rebuilt at most every [`REDRAW_MS`] while
//! playing (every change while paused), a `Memo` stops an equal list from
//! going further, and a line's text node is written only when its text
//! changed.

use leptos::prelude::*;

use crate::view_model::describe::spoken;
use crate::view_model::state_list::{state_list, StateList, Subject, Subjects};

use super::browser::now_ms;
use super::stage::use_stage;
use super::store::{use_store, Selection};

/// The list is rebuilt at most this often while the run plays (readable
/// numbers, and no work per frame for a list nobody can read at 60 fps).
const REDRAW_MS: f64 = 250.0;

/// The list under (or beside) the stage; nothing while the stage draws its own words.
#[component]
pub fn StateLines() -> impl IntoView {
    let store = use_store();
    let stage = use_stage();
    // The names and kinds, read again when the scenario's revision moves.
    let subjects: StoredValue<(u64, Subjects)> = StoredValue::new((u64::MAX, Subjects::default()));
    let last = StoredValue::new(0.0_f64);
    let list = Memo::new(move |prev: Option<&StateList>| {
        if stage.compact.get().is_none() {
            return StateList::default();
        }
        let playing = store.playing.get();
        store.frame.track();
        let wall = now_ms();
        if let Some(prev) = prev.filter(|p| playing && wall - last.get_value() < REDRAW_MS && !p.rows.is_empty()) {
            return prev.clone();
        }
        last.set_value(wall);
        let revision = store.revision.get();
        if subjects.with_value(|s| s.0 != revision) {
            subjects.set_value((revision, store.sim.with_value(|s| Subjects::of(s.scenario()))));
        }
        subjects.with_value(|s| store.frame.with(|f| state_list(&s.1, f)))
    });
    // The lines' names: the list's shape, which changes rarely (a partition, a new node).
    let lines = Memo::new(move |_| list.with(|l| l.rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>()));
    let summary = move || {
        list.with(|l| {
            let mut out = match l.alerts() {
                0 => "Nothing needs attention.".to_string(),
                1 => "1 needs attention.".to_string(),
                n => format!("{n} need attention."),
            };
            if l.more > 0 {
                out.push_str(&format!(" {} more not listed: zoom in to see them on the stage.", l.more));
            }
            out
        })
    };
    // Hidden rather than unmounted: the list is empty (and costs nothing) while the stage is not compact.
    view! {
            <section
                hidden=move || stage.compact.with(Option::is_none)
                class="states" aria-labelledby="states-title" data-testid="state-list">
                <h3 class="states__title" id="states-title">
                    "State of each part "
                    <span class="states__summary" data-testid="state-summary">{summary}</span>
                </h3>
                // Rebuilt only when lines come or go; each line's text follows its
                // row (a text node is written only when its text changed).
                <ul class="states__list">
                    {move || {
                        lines
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(k, name)| view! { <StateLine list=list k=k name=name /> })
                            .collect_view()
                    }}
                </ul>
            </section>
    }
}

/// Line `k`: the name (a button selecting it) and its state.
#[component]
fn StateLine(list: Memo<StateList>, k: usize, name: String) -> impl IntoView {
    let store = use_store();
    let alert = move || list.with(|l| l.rows.get(k).is_some_and(|r| r.alert));
    let select = move |_| {
        let Some(subject) = list.with_untracked(|l| l.rows.get(k).map(|r| r.subject)) else { return };
        let selection = match subject {
            Subject::Node(i) => Selection::Node(i),
            Subject::Link(i) => Selection::Link(i),
        };
        store.selected.set(Some(selection));
        // Escape or × brings focus back to this line.
        super::skip_links::focus_inspector(Some(selection));
    };
    let said = spoken(&name);
    view! {
        <li class="states__line" class:states__line--alert=alert data-testid="state-line">
            // A link's "A → B" named in words ("right arrow" otherwise).
            <button class="states__name" on:click=select aria-label=said>{name}</button>
            <span class="states__state" data-testid="state-text">
                <span class="states__warn" aria-hidden="true">{move || if alert() { "⚠ " } else { "" }}</span>
                {move || list.with(|l| l.rows.get(k).map(|r| r.state.clone()).unwrap_or_default())}
            </span>
        </li>
    }
}
