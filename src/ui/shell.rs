//! The app shell: header and the three work regions every view lives in.

use leptos::prelude::*;

/// Product name and a one-line statement of what Patchbay is.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="app-header">
            <h1 class="app-header__title">
                <span class="app-header__mark" aria-hidden="true"></span>
                "Patchbay"
            </h1>
            <p class="app-header__tagline">
                "See how services talk to each other, how they break, and what keeps them up."
            </p>
        </header>
    }
}

/// The topology, inspector and timeline regions.
#[component]
pub fn Regions() -> impl IntoView {
    view! {
        <main class="regions">
            <section class="region region--topology" aria-labelledby="topology-title" data-testid="region-topology">
                <h2 id="topology-title" class="region__title">"Topology"</h2>
                <p class="region__hint">"The order flow: services, queues and the links between them."</p>
            </section>
            <aside class="region region--inspector" aria-labelledby="inspector-title" data-testid="region-inspector">
                <h2 id="inspector-title" class="region__title">"Inspector"</h2>
                <p class="region__hint">"Settings, faults and mitigations of the selected service or link."</p>
            </aside>
            <section class="region region--timeline" aria-labelledby="timeline-title" data-testid="region-timeline">
                <h2 id="timeline-title" class="region__title">"Timeline and metrics"</h2>
                <p class="region__hint">"Throughput, latency, queue depth and breaker states over simulated time."</p>
            </section>
        </main>
    }
}
