//! The run over time and in numbers: the scenario's summary charts (and
//! queueing theory where it applies), then the headline counters: orders,
//! message fates, messages moving.

use leptos::prelude::*;

use super::store::use_store;

/// The metrics region's content.
#[component]
pub fn MetricsPanel() -> impl IntoView {
    let store = use_store();
    let f = store.frame;
    type Read = fn(&crate::view_model::frame::Frame) -> u64;
    // (label, test id, value, counts something bad)
    let items: [(&str, &str, Read, bool); 9] = [
        ("Orders placed", "orders-placed", |f| f.orders.0, false),
        ("Orders ok", "orders-ok", |f| f.orders.1, false),
        ("Orders failed", "orders-failed", |f| f.orders.2, true),
        ("Messages moving", "in-flight", |f| f.moving as u64, false),
        ("Messages processed", "processed", |f| f.ledger.0, false),
        ("Messages failed", "messages-failed", |f| f.ledger.1, true),
        ("Dead-lettered", "dead-lettered", |f| f.ledger.2, true),
        ("Dropped", "dropped", |f| f.ledger.3, false),
        ("Unfinished", "unfinished", |f| f.ledger.4, false),
    ];
    let cells = items
        .into_iter()
        .map(|(label, testid, read, bad)| {
            view! {
                <div class=if bad { "metrics__item metrics__item--bad" } else { "metrics__item" }>
                    <dt>{label}</dt>
                    <dd data-testid=testid>{move || f.with(read)}</dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <super::charts::SummaryCharts />
        <dl class="metrics">{cells}</dl>
        // "Orders failed 0" beside "Failed 36" read as a contradiction: say
        // what the message counts are and why they can differ.
        <p class="metrics__note" data-testid="metrics-note">
            "Messages count every call, retry, delivery and event. An order can end well although some of its messages failed: a retry, a fallback or a redelivery covered them."
        </p>
        <p class="legend" aria-hidden="true">
            <span class="legend__item"><span class="legend__dot"></span>"request"</span>
            <span class="legend__item"><span class="legend__ring"></span>"retry"</span>
            <span class="legend__item"><span class="legend__square"></span>"reply"</span>
            <span class="legend__item"><span class="legend__hollow-square"></span>"error reply"</span>
            <span class="legend__item"><span class="legend__diamond"></span>"queue message"</span>
            <span class="legend__item"><span class="legend__hollow-diamond"></span>"redelivery"</span>
            <span class="legend__item"><span class="legend__triangle"></span>"event"</span>
            <span class="legend__item"><span class="legend__record"></span>"record"</span>
            <span class="legend__item"><span class="legend__replay"></span>"replayed record"</span>
            <span class="legend__item"><span class="legend__dot legend__dot--update"></span>"pushed update"</span>
            <span class="legend__item"><span class="legend__step">"+"</span>"saga step"</span>
            <span class="legend__item"><span class="legend__compensation">"×"</span>"compensation"</span>
            <span class="legend__item">"✕ failure · △ timeout · ⊠ dead letter · ✳ crash · ⊘ unreadable · ✓ commit"</span>
        </p>
    }
}
