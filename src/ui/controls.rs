//! Run controls: play/pause, step, next notable event, reset, speed (with
//! the speed reached when the run cannot keep up), seed, scenario picker and
//! the simulated clock; and under them the run's status: fast-forward
//! progress with Cancel, passing notices, and failures.

use leptos::prelude::*;

use crate::engine::presets;
use crate::view_model::describe::spoken;
use crate::view_model::frame::clock_text;
use crate::view_model::preset_titles::{preset_title, scenario_title};
use crate::view_model::run::Jump;
use crate::view_model::speed::{label, position_of, speed_at, SLIDER_STEPS};

use super::confirm_discard::{use_asker, would_lose_changes, Discard};
use super::store::use_store;

/// The toolbar above the topology.
#[component]
pub fn Controls() -> impl IntoView {
    let store = use_store();
    let playing = store.playing;
    let toggle = move |_| store.toggle_play();
    let step = move |_| {
        playing.set(false);
        store.step_one();
    };
    let step_notable = move |_| {
        playing.set(false);
        store.step_to_notable();
    };
    let reset = move |_| store.reset(store.seed.get_untracked());
    let on_speed = move |ev| {
        if let Ok(pos) = event_target_value(&ev).parse::<u32>() {
            store.speed.set(speed_at(pos));
        }
    };
    // The seed's own message, beside it; a valid seed clears it.
    let seed_error = RwSignal::new(None::<&'static str>);
    let on_seed = move |ev| match event_target_value(&ev).trim().parse::<u64>() {
        Ok(seed) => {
            seed_error.set(None);
            store.reset(seed);
        }
        Err(_) => seed_error.set(Some("The seed must be a whole number from 0 up; the run keeps its seed.")),
    };
    // Over a changed run, asked first (see confirm_discard.rs).
    let asker = use_asker();
    let picker = NodeRef::<leptos::html::Select>::new();
    let on_preset = move |ev| {
        let name = event_target_value(&ev);
        if !would_lose_changes(store) {
            store.load(&name);
            return;
        }
        let title = preset_title(&name).to_string();
        let confirm = Callback::new(move |()| store.load(&name));
        // The picker names the changed run again (its entry's value is empty).
        let keep = Callback::new(move |()| {
            if let Some(select) = picker.get_untracked() {
                select.set_value("");
            }
        });
        asker.ask(Discard { title, verb: "Load", confirm, keep });
    };
    let options = presets::names()
        .map(|name| {
            view! {
                <option
                    value=name
                    prop:selected=move || store.imported.with(Option::is_none) && !store.changed.get() && store.preset.get() == name
                >
                    {preset_title(name)}
                </option>
            }
        })
        .collect_view();
    view! {
        // A named group, not a toolbar: a toolbar promises arrow keys between
        // its buttons, and here Tab moves between them.
        <div class="controls" role="group" aria-label="Run controls">
            <div class="controls__group">
                <button
                    class="btn btn--primary"
                    on:click=toggle
                    // Its name says what it does (Play or Pause); not also
                    // "pressed", which contradicted the name. Tests read the state here.
                    data-playing=move || playing.get().to_string()
                    aria-keyshortcuts=super::key_shortcuts::shortcut("Space")
                    data-testid="play"
                >
                    {move || if playing.get() { "Pause" } else { "Play" }}
                </button>
                <button class="btn" on:click=step aria-keyshortcuts=super::key_shortcuts::shortcut("ArrowRight") data-testid="step" title="Process one event (→)">
                    "Step"
                </button>
                <button class="btn" on:click=step_notable data-testid="step-notable" title="Run to the next breaker change, crash, dead letter or failed order">
                    "Next notable"
                </button>
                <button class="btn" on:click=reset data-testid="reset" title="Start this scenario again, keeping your changes">
                    "Reset"
                </button>
            </div>
            <label class="controls__field">
                <span>"Speed"</span>
                <input
                    type="range"
                    min="0"
                    max=SLIDER_STEPS
                    prop:value=move || position_of(store.speed.get()).to_string()
                    aria-valuetext=move || format!("{} real time", label(store.speed.get()))
                    aria-describedby="speed-reached"
                    on:input=on_speed
                    data-testid="speed"
                />
                <output data-testid="speed-label">{move || label(store.speed.get())}</output>
                // Shown only while the run falls behind: "×100 asked, ×12 reached".
                <span class="controls__reached" id="speed-reached" data-testid="speed-reached">
                    {move || store.reached.get().unwrap_or_default()}
                </span>
            </label>
            <span class="controls__field controls__field--seed">
                <label for="seed">"Seed"</label>
                <input
                    class="controls__seed"
                    id="seed"
                    type="number"
                    min="0"
                    prop:value=move || store.seed.get().to_string()
                    aria-invalid=move || seed_error.with(Option::is_some).to_string()
                    aria-describedby="seed-error"
                    on:change=on_seed
                    on:blur=move |ev| {
                        // A refused seed shows the one in force again once the field is left.
                        if seed_error.with_untracked(Option::is_some) {
                            if let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
                                el.set_value(&store.seed.get_untracked().to_string());
                            }
                        }
                    }
                    data-testid="seed"
                />
                <span class="controls__seed-error" id="seed-error" role="alert" data-testid="seed-error">
                    {move || seed_error.get()}
                </span>
            </span>
            <label class="controls__field">
                <span>"Scenario"</span>
                <select on:change=on_preset node_ref=picker data-testid="preset">
                    // A scenario from a file or a link, or a preset changed since it
                    // was loaded: named as the title names it, not claimed by a preset
                    // (picking one, the same one too, loads it as it is).
                    {move || {
                        let changed = store.changed.get();
                        let imported = store.imported.get();
                        let testid = if imported.is_some() { "preset-imported" } else { "preset-changed" };
                        (changed || imported.is_some()).then(|| {
                            let title = scenario_title(&store.preset.get(), imported.as_deref(), changed);
                            view! { <option value="" selected disabled data-testid=testid>{title}</option> }
                        })
                    }}
                    {options}
                </select>
            </label>
            <span
                class="controls__clock"
                role="timer"
                aria-label="Simulated time"
                data-testid="clock"
                data-steps=move || store.frame.with(|f| f.steps)
            >
                {move || clock_text(store.frame.with(|f| f.now))}
            </span>
        </div>
    }
}

/// Under the controls: the fast-forward's progress with Cancel (Escape),
/// notices such as "nothing notable within a minute", and run failures.
#[component]
pub fn RunStatus() -> impl IntoView {
    let store = use_store();
    let cancel = move |_| store.cancel_jump();
    let now = move || store.frame.with(|f| f.now);
    let jump = store.jumping;
    let range = move || jump.with(|j| j.as_ref().map(|j| j.range_seconds(now())).unwrap_or_default());
    view! {
        <Show when=move || jump.with(Option::is_some)>
            <div class="jump" data-testid="fast-forward">
                <span class="jump__title" id="jump-title">
                    {move || jump.with(|j| j.as_ref().map(Jump::title).unwrap_or_default())}
                </span>
                <div
                    class="jump__bar"
                    role="progressbar"
                    aria-labelledby="jump-title"
                    aria-valuemin=move || range().0
                    aria-valuenow=move || range().1
                    aria-valuemax=move || range().2
                    aria-valuetext=move || jump.with(|j| j.as_ref().map(|j| j.progress_text(now())).unwrap_or_default())
                    data-testid="fast-forward-progress"
                >
                    <div
                        class="jump__fill"
                        style:width=move || {
                            format!("{:.1}%", jump.with(|j| j.as_ref().map_or(0.0, |j| j.fraction(now()))) * 100.0)
                        }
                    ></div>
                </div>
                <span class="jump__text" aria-hidden="true">
                    {move || jump.with(|j| j.as_ref().map(|j| j.progress_text(now())).unwrap_or_default())}
                </span>
                <button class="btn btn--small" on:click=cancel aria-keyshortcuts="Escape" data-testid="fast-forward-cancel">
                    "Cancel"
                </button>
            </div>
        </Show>
        <p class="run-status__notice" role="status" data-testid="run-notice">
            // A live region: a link's "A → B" in an event's words is said "A to B".
            {move || store.notice.with(|n| n.as_deref().map(spoken).unwrap_or_default())}
        </p>
        <Show when=move || store.run_error.with(Option::is_some)>
            <p class="run-status__error" role="alert" data-testid="run-error">
                {move || store.run_error.get().unwrap_or_default()}
            </p>
        </Show>
    }
}
