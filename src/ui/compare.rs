//! Compare: a dialog that runs the same seed without and with one
//! mitigation (in the background, a slice per frame) and shows both side
//! by side: a table of the numbers that matter, then each headline chart
//! for both runs on one scale (markup made in `view_model::compare`).
//! Opened from the inspector's mitigations, the story's button, or the C key.

use leptos::prelude::*;

use crate::view_model::compare::{results_markup, COMPARE_SECONDS};

use super::store::{use_store, DIALOG_ID};

/// The button that opens Compare, with the switches of `owner` first.
#[component]
pub fn CompareButton(#[prop(optional)] owner: Option<String>) -> impl IntoView {
    let store = use_store();
    let label = if owner.is_some() { "Compare with and without…" } else { "Compare…" };
    view! {
        <button
            class="btn btn--small"
            data-testid="compare-open"
            aria-keyshortcuts=super::key_shortcuts::shortcut("C")
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
    let (choices, choice) = (c.choices, c.choice);
    let close = move |_| {
        use wasm_bindgen::JsCast;
        let dialog = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(DIALOG_ID))
            .and_then(|e| e.dyn_into::<web_sys::HtmlDialogElement>().ok());
        if let Some(d) = dialog {
            d.close();
        }
    };
    let options = move || {
        choices
            .get()
            .into_iter()
            .map(|(label, on)| {
                let text = if on { format!("{label} (on now)") } else { label.clone() };
                let selected = choice.with_untracked(|c| *c == label);
                view! { <option value=label selected=selected>{text}</option> }
            })
            .collect_view()
    };
    let idle = move || c.progress.get().is_none();
    let results =
        move || c.outcome.with(|o| o.as_ref().map(|o| results_markup(o, c.took_ms.get())).unwrap_or_default());
    let what = move || {
        if choices.with(Vec::is_empty) {
            return "This scenario has no mitigation to switch.".to_string();
        }
        format!(
            "Both runs start from zero with seed {}, this run's settings and its faults at their times, and go {} simulated minutes. Only the switch differs.",
            store.seed.get(),
            COMPARE_SECONDS / 60
        )
    };
    view! {
        <dialog id=DIALOG_ID class="compare" aria-labelledby="compare-title" data-testid="compare-dialog"
            on:close=move |_| store.cancel_compare()>
            <div class="compare__head">
                <h2 id="compare-title" class="compare__title">"Compare without and with a mitigation"</h2>
                <button class="btn btn--small" aria-label="Close Compare" data-testid="compare-close" on:click=close>"×"</button>
            </div>
            <p class="compare__what">{what}</p>
            <form class="compare__form" hidden=move || choices.with(Vec::is_empty) on:submit=move |ev| {
                ev.prevent_default();
                if store.is_comparing() {
                    store.cancel_compare();
                } else {
                    store.start_compare(&choice.get_untracked());
                }
            }>
                <label class="compare__pick">
                    <span>"Mitigation"</span>
                    <select data-testid="compare-toggle" prop:value=move || choice.get() on:change=move |ev| choice.set(event_target_value(&ev))>{options}</select>
                </label>
                <button class="btn" type="submit" data-testid="compare-run">
                    {move || if idle() { "Run both" } else { "Cancel" }}
                </button>
            </form>
            <progress
                class="compare__progress"
                max="1"
                hidden=idle
                data-testid="compare-progress"
                aria-label="Comparison progress"
                value=move || c.progress.get().unwrap_or(0.0)
            ></progress>
            <p role="alert" class="compare__error">{move || c.error.get()}</p>
            <div class="compare__results" data-testid="compare-results" hidden=move || c.outcome.with(Option::is_none)
                inner_html=results></div>
        </dialog>
    }
}
