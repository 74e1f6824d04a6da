//! The app header.

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
