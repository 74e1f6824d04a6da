//! Headline numbers of the run: orders, message fates, messages moving.

use leptos::prelude::*;

use super::store::use_store;

/// The metrics region's content.
#[component]
pub fn MetricsPanel() -> impl IntoView {
    let store = use_store();
    let f = store.frame;
    view! {
        <dl class="metrics">
            <div class="metrics__item">
                <dt>"Orders placed"</dt>
                <dd data-testid="orders-placed">{move || f.with(|f| f.orders.0)}</dd>
            </div>
            <div class="metrics__item">
                <dt>"Orders ok"</dt>
                <dd data-testid="orders-ok">{move || f.with(|f| f.orders.1)}</dd>
            </div>
            <div class="metrics__item metrics__item--bad">
                <dt>"Orders failed"</dt>
                <dd data-testid="orders-failed">{move || f.with(|f| f.orders.2)}</dd>
            </div>
            <div class="metrics__item">
                <dt>"Messages moving"</dt>
                <dd data-testid="in-flight">{move || f.with(|f| f.moving)}</dd>
            </div>
            <div class="metrics__item">
                <dt>"Processed"</dt>
                <dd>{move || f.with(|f| f.ledger.0)}</dd>
            </div>
            <div class="metrics__item metrics__item--bad">
                <dt>"Failed"</dt>
                <dd data-testid="messages-failed">{move || f.with(|f| f.ledger.1)}</dd>
            </div>
            <div class="metrics__item metrics__item--bad">
                <dt>"Dead-lettered"</dt>
                <dd data-testid="dead-lettered">{move || f.with(|f| f.ledger.2)}</dd>
            </div>
            <div class="metrics__item">
                <dt>"Dropped"</dt>
                <dd>{move || f.with(|f| f.ledger.3)}</dd>
            </div>
            <div class="metrics__item">
                <dt>"Unfinished"</dt>
                <dd>{move || f.with(|f| f.ledger.4)}</dd>
            </div>
        </dl>
        <p class="legend" aria-hidden="true">
            <span class="legend__item"><span class="legend__dot"></span>"request"</span>
            <span class="legend__item"><span class="legend__ring"></span>"retry"</span>
            <span class="legend__item"><span class="legend__square"></span>"reply"</span>
            <span class="legend__item"><span class="legend__hollow-square"></span>"error reply"</span>
            <span class="legend__item"><span class="legend__diamond"></span>"queue message"</span>
            <span class="legend__item"><span class="legend__hollow-diamond"></span>"redelivery"</span>
            <span class="legend__item">"✕ failure · △ timeout · ⊠ dead letter · ✳ crash"</span>
        </p>
    }
}
