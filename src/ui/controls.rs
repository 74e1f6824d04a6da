//! Run controls: play/pause, step, next notable event, reset, speed, seed,
//! scenario picker and the simulated clock.

use leptos::prelude::*;

use crate::engine::presets;
use crate::view_model::frame::clock_text;
use crate::view_model::speed::{label, position_of, speed_at, SLIDER_STEPS};

use super::store::use_store;

/// The toolbar above the topology.
#[component]
pub fn Controls() -> impl IntoView {
    let store = use_store();
    let playing = store.playing;
    let toggle = move |_| playing.update(|p| *p = !*p);
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
    let on_seed = move |ev| match event_target_value(&ev).trim().parse::<u64>() {
        Ok(seed) => store.reset(seed),
        Err(_) => store.error.set(Some("The seed must be a whole number from 0 up.".into())),
    };
    let on_preset = move |ev| store.load(&event_target_value(&ev));
    let options = presets::names()
        .map(|name| {
            view! {
                <option value=name prop:selected=move || store.preset.get() == name>
                    {name}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="controls" role="toolbar" aria-label="Run controls">
            <div class="controls__group">
                <button
                    class="btn btn--primary"
                    on:click=toggle
                    aria-pressed=move || playing.get().to_string()
                    aria-keyshortcuts="Space"
                    data-testid="play"
                >
                    {move || if playing.get() { "Pause" } else { "Play" }}
                </button>
                <button class="btn" on:click=step aria-keyshortcuts="ArrowRight" data-testid="step" title="Process one event (→)">
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
                    on:input=on_speed
                    data-testid="speed"
                />
                <output data-testid="speed-label">{move || label(store.speed.get())}</output>
            </label>
            <label class="controls__field">
                <span>"Seed"</span>
                <input
                    class="controls__seed"
                    type="number"
                    min="0"
                    prop:value=move || store.seed.get().to_string()
                    on:change=on_seed
                    data-testid="seed"
                />
            </label>
            <label class="controls__field">
                <span>"Scenario"</span>
                <select on:change=on_preset data-testid="preset">{options}</select>
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
