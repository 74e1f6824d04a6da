//! The Share menu's list of work set aside in this browser (see
//! `view_model::earlier_work`): one button per save, saying what it holds
//! and when it was set aside; pressing one opens it and sets aside what
//! was showing in its place.

use leptos::prelude::*;

use crate::view_model::earlier_work::{describe, MAX_EARLIER};

use super::persist::{open_earlier, read_earlier, wall_ms, Persist};
use super::store::use_store;

/// The saves set aside, shown only when there are some. A fixed row per
/// place in the list, hidden while empty: one row type rather than a
/// keyed list keeps the wasm smaller.
#[component]
pub fn EarlierWork() -> impl IntoView {
    let store = use_store();
    let persist = expect_context::<Persist>();
    let rows = (0..MAX_EARLIER)
        .map(|i| {
            let open = move |_| {
                open_earlier(store, persist, i);
                store.announce("Opened the earlier work; what was showing is now first in the list.".into());
            };
            let words = move || {
                persist.earlier.track();
                read_earlier().get(i).map(|e| describe(e, wall_ms())).unwrap_or_default()
            };
            view! {
                <li hidden=move || { persist.earlier.track(); read_earlier().len() <= i }>
                    <button class="btn btn--small share-menu__earlier-open" data-testid="earlier-open" on:click=open>{words}</button>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="share-menu__earlier" aria-labelledby="earlier-title" data-testid="earlier-work"
            hidden=move || { persist.earlier.track(); read_earlier().is_empty() }>
            <h3 id="earlier-title" class="share-menu__earlier-title">"Earlier work"</h3>
            <p class="share-menu__status">"Set aside in this browser when another page saved over it. Opening one sets aside what is showing."</p>
            <ul class="share-menu__earlier-list">{rows}</ul>
        </section>
    }
}
