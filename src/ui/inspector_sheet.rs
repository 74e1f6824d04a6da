//! Below 900 px the inspector opens as a sheet over the stage (main.css).
//! It covers the page's lower half and takes the keyboard, so it is a modal
//! dialog there: named by what it inspects, focus moved into it when
//! something is selected, Tab kept inside it (`focus_trap`), Escape closing
//! it (`App`'s handler) and focus given back to what opened it
//! (`skip_links::return_focus`). From 900 px it is a column of the page,
//! a landmark like the others, and none of this applies.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::store::{Selection, Store};

/// The width from which main.css keeps the inspector a column.
const SHEET_BELOW_PX: f64 = 900.0;

/// True while the page is one column. Read when the selection changes (a
/// media-query listener cost the download more than a rotated phone,
/// which stays under 900 px, needs).
fn narrow() -> bool {
    window().inner_width().ok().and_then(|w| w.as_f64()).is_some_and(|w| w < SHEET_BELOW_PX)
}

/// Makes the inspector a modal dialog while the page is narrower than
/// 900 px and something is selected, and a plain region otherwise; moves
/// focus into the sheet each time it opens or shows another selection.
/// The attributes are set from one effect rather than bound in `App`'s
/// view: reactive attributes there cost the download about 1 KB.
pub fn start(store: Store) {
    Effect::new(move |shown: Option<Option<Selection>>| {
        let selected = store.selected.get();
        let modal = selected.is_some() && narrow();
        if let Ok(Some(sheet)) = document().query_selector("[data-testid=region-inspector]") {
            // Its name ("Inspector Pricing") is in App's view: the region's
            // heading and the selection's, which is absent while nothing is selected.
            let _set = if modal {
                sheet.set_attribute("role", "dialog").and_then(|()| sheet.set_attribute("aria-modal", "true"))
            } else {
                sheet.remove_attribute("role").and_then(|()| sheet.remove_attribute("aria-modal"))
            };
        }
        if let Some(sel) = selected.filter(|&s| modal && shown.flatten() != Some(s)) {
            super::skip_links::focus_inspector(Some(sel));
        }
        selected
    });
}

/// The inspector's keydown: Tab wraps inside the sheet while it is modal;
/// as a column, Shift+Tab from its first control goes back to the stage.
pub fn on_key(ev: web_sys::KeyboardEvent) {
    let Some(sheet) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    if sheet.has_attribute("aria-modal") {
        super::focus_trap::keep_tab_inside(&ev, &sheet);
    } else {
        super::skip_links::on_inspector_key(ev);
    }
}
