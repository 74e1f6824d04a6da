//! The scenario's story above the stage: its description's first sentence,
//! and the rest behind a disclosure so the stage keeps its room.

use leptos::prelude::*;

use crate::view_model::story::split_story;

use super::store::use_store;

/// What the current scenario is about, in its author's words.
#[component]
pub fn Story() -> impl IntoView {
    let store = use_store();
    // Re-read when another scenario is loaded (the picker sets `preset`).
    let description = move || {
        store.preset.track();
        store.original.with_value(|s| s.description.clone())
    };
    move || {
        let text = description();
        let (lead, rest) = split_story(&text);
        if lead.is_empty() {
            return ().into_any();
        }
        let (lead, rest) = (lead.to_string(), rest.to_string());
        if rest.is_empty() {
            view! { <p class="story" data-testid="story"><span class="story__lead">{lead}</span></p> }.into_any()
        } else {
            view! {
                <details class="story" data-testid="story">
                    <summary>
                        <span class="story__lead">{lead}</span>
                        <span class="story__more" aria-hidden="true">" More"</span>
                    </summary>
                    <p class="story__rest">{rest}</p>
                </details>
            }
            .into_any()
        }
    }
}
