//! The scenario's story above the stage: its title, its description's
//! first sentence with the rest behind a disclosure (so the stage keeps its
//! room), and what the last mitigation switched does.

use leptos::prelude::*;

use crate::view_model::preset_titles::scenario_title;
use crate::view_model::story::{shown_story, split_story, STARTED_MARK};

use super::store::use_store;

/// What the current scenario is about, in its author's words.
#[component]
pub fn Story() -> impl IntoView {
    let store = use_store();
    // Whether the run has left how the scenario started (an edit, a fault by hand).
    let changed = store.changed;
    // The scenario's own words, or the lesson step's while the run is the
    // lesson's; marked once the run has left how the scenario started, so
    // the text never states what the run no longer does.
    let told = move || {
        // `original` is not reactive: the picker's `preset` says when it changed.
        store.preset.track();
        let step = store.step_story.get();
        let changed = changed.get();
        store.original.with_value(|start| {
            let (text, marked) = shown_story(&start.description, step.as_deref(), changed);
            (text.to_string(), marked)
        })
    };
    let title = move || {
        let name = store.preset.get();
        store.imported.with(|from| scenario_title(&name, from.as_deref(), changed.get()))
    };
    let body = move || {
        let (text, marked) = told();
        let (lead, rest) = split_story(&text);
        if lead.is_empty() {
            return ().into_any();
        }
        let (lead, rest) = (lead.to_string(), rest.to_string());
        let mark = marked.then(|| view! { <span class="story__was" data-testid="story-was">{STARTED_MARK}" "</span> });
        if rest.is_empty() {
            view! { <p class="story__text">{mark}<span class="story__lead">{lead}</span></p> }.into_any()
        } else {
            view! {
                <details class="story__text">
                    <summary>
                        {mark}
                        <span class="story__lead">{lead}</span>
                        <span class="story__more" aria-hidden="true">" More"</span>
                    </summary>
                    <p class="story__rest">{rest}</p>
                </details>
            }
            .into_any()
        }
    };
    // While the inspector is open the explanation shows there, beside the switch.
    let here = move || store.selected.with(Option::is_none);
    view! {
        <div class="story" data-testid="story">
            <div class="story__head">
                <h3 class="story__title" data-testid="story-title">{title}</h3>
                <super::compare::CompareButton />
            </div>
            {body}
            <Show when=here>
                <MitigationNote />
            </Show>
        </div>
    }
}

/// What the last mitigation switched does (in the story area, or in the
/// inspector while it is open), with a button to dismiss it.
#[component]
pub fn MitigationNote() -> impl IntoView {
    let explanation = use_store().story.explanation;
    view! {
        <Show when=move || explanation.with(Option::is_some)>
            <p class="story__explain" data-testid="mitigation-explanation">
                <span class="story__explain-text">{move || explanation.get().unwrap_or_default()}</span>
                <button
                    class="btn btn--small story__explain-close"
                    aria-label="Dismiss the explanation"
                    on:click=move |_| explanation.set(None)
                >
                    "×"
                </button>
            </p>
        </Show>
    }
}
