//! The root component.

use leptos::prelude::*;

use super::shell::{Header, Regions};

/// The whole app: a header and the work regions.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <div class="app" data-testid="app">
            <Header />
            <Regions />
        </div>
    }
}
