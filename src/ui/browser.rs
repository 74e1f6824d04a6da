//! Small wrappers over browser APIs, each failing soft (no panics).

use wasm_bindgen::JsCast;

/// Milliseconds from the page's time origin (monotonic).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// True when the person asked the system for less motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The value of a query-string parameter of the page's URL.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// `text` as a finite number, exactly as `text.parse::<f64>().ok().filter(|x| x.is_finite())`
/// reads it, without Rust's float parser in the wasm: texts in its decimal grammar are
/// converted by JavaScript's `+text` (the same grammar, also correctly rounded); the
/// other texts Rust accepts (`inf`, `nan`) are not finite.
pub fn parse_finite(text: &str) -> Option<f64> {
    parse_decimal(text).filter(|x| x.is_finite())
}

/// A decimal number as the browser reads it, infinite when it overflows
/// (`1e400` is a number, too large, not "not a number").
pub fn parse_decimal(text: &str) -> Option<f64> {
    crate::view_model::number::is_decimal_number(text)
        .then(|| wasm_bindgen::JsValue::from_str(text).unchecked_into_f64())
}

/// True when a key press is meant for a form control, not for the app's shortcuts.
pub fn typing_into_control(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(el.tag_name().to_ascii_lowercase().as_str(), "input" | "select" | "textarea" | "button")
        || el.get_attribute("role").as_deref() == Some("button")
}

/// True when a key press edits text (a text field or a list): undo, redo
/// and Delete then belong to the field, not to the topology.
pub fn editing_text(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    match el.tag_name().to_ascii_lowercase().as_str() {
        "textarea" | "select" => true,
        "input" => !matches!(
            el.get_attribute("type").unwrap_or_default().to_ascii_lowercase().as_str(),
            "checkbox" | "radio" | "range" | "button" | "file"
        ),
        _ => false,
    }
}

/// Whether a key press comes from the stage or the list of states under it,
/// where the selected node or link is (Delete there removes it; pressed on
/// a button elsewhere, a reflex Backspace must not).
pub fn from_stage(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    el.closest("[data-testid=stage], [data-testid=state-list]").ok().flatten().is_some()
}

/// Removes index.html's loading placeholder (once the app has mounted).
pub fn remove_placeholder() {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("loading")) {
        el.remove();
    }
}
