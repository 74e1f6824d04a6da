//! Keeps Tab and Shift+Tab inside an open dialog: from its last control
//! Tab goes to its first, and Shift+Tab from its first to its last. A
//! modal `<dialog>` alone makes the page behind it inert, but Tab still
//! leaves for the browser's own chrome; our Embed dialog is a plain element.

use wasm_bindgen::JsCast;

/// What can take focus by Tab inside a dialog.
pub(super) const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), \
     textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

/// Handles a keydown inside `dialog`: wraps Tab at either end (and brings
/// focus back in if it is somewhere else). Other keys pass through.
pub fn keep_tab_inside(ev: &web_sys::KeyboardEvent, dialog: &web_sys::Element) {
    if ev.key() != "Tab" {
        return;
    }
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else { return };
    let items: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        // Hidden ones (display: none) have no layout box and cannot take focus.
        .filter(|e| {
            let r = e.get_bounding_client_rect();
            r.width() > 0.0 || r.height() > 0.0
        })
        .collect();
    let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let is = |e: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| js_sys::Object::is(a, e));
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    let target =
        if ev.shift_key() { (is(first) || !inside).then_some(last) } else { (is(last) || !inside).then_some(first) };
    if let Some(target) = target {
        ev.prevent_default();
        let _focused = target.focus();
    }
}
