//! The orchestrator's inspector panel (type 5): orchestration or
//! choreography, how often a failing compensation is retried, and the
//! manual-intervention queue. Every change is an `Edit` (`set_service`).

use leptos::prelude::*;

use crate::engine::scenario::{SagaMode, ServiceSpec};

use super::inspector::Switch;
use super::store::use_store;

/// Settings and the manual queue of an orchestrator.
#[component]
pub(super) fn SagaPanel(id: String, index: usize, spec: ServiceSpec) -> impl IntoView {
    let store = use_store();
    let saga = spec.saga.clone().unwrap_or_default();
    let choreography = saga.mode == SagaMode::Choreography;
    let retries = saga.compensation_retries;
    let change = move |f: fn(&mut crate::engine::scenario::SagaSpec, bool), on: bool| {
        let mut next = spec.clone();
        if let Some(s) = next.saga.as_mut() {
            f(s, on);
        }
        store.set_service(&id, next);
    };
    let (c1, c2, c3) = (change.clone(), change.clone(), change);
    let mode_cb = Callback::new(move |on: bool| {
        c1(|s, on| s.mode = if on { SagaMode::Choreography } else { SagaMode::Orchestration }, on)
    });
    let more = move |_| c2(|s, _| s.compensation_retries = (s.compensation_retries + 1).min(100), true);
    let fewer = move |_| c3(|s, _| s.compensation_retries = s.compensation_retries.saturating_sub(1), true);
    let queue = move || {
        store.frame.with(|f| {
            let Some(Some(g)) = f.sagas.get(index) else { return "empty".to_string() };
            if g.manual == 0 {
                return "empty".to_string();
            }
            let ids: Vec<String> = g.manual_ids.iter().map(|id| format!("saga {id}")).collect();
            format!("{} waiting: {}", g.manual, ids.join(", "))
        })
    };
    let alert = move || store.frame.with(|f| f.sagas.get(index).cloned().flatten().is_some_and(|g| g.manual > 0));
    view! {
        <h4 class="inspector__heading">"Saga"</h4>
        <Switch label="Choreography (no coordinator)" testid="switch-choreography" checked=Signal::derive(move || choreography) on_change=mode_cb />
        <div class="inspector__row">
            <button class="btn" on:click=fewer data-testid="comp-retries-fewer" aria-label="One compensation retry fewer">"−"</button>
            <span data-testid="comp-retries">{format!("{retries} compensation retries")}</span>
            <button class="btn" on:click=more data-testid="comp-retries-more" aria-label="One compensation retry more">"+"</button>
        </div>
        <h4 class="inspector__heading">"Manual-intervention queue"</h4>
        <p class=move || { if alert() { "inspector__error" } else { "inspector__detail" } } data-testid="manual-queue">{queue}</p>
    }
}
