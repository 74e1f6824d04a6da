//! Skip links, shown when focused: to the stage (the selected node or
//! link, else the first node) and to the inspector, past the dozens of
//! controls before them. And the short way from a selected node or link to
//! its inspector: Tab goes straight there, Shift+Tab from the inspector's
//! first control comes back (the inspector comes after the lesson card and
//! the rest of the stage in the page's order).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::focus_trap::FOCUSABLE;
use super::store::Selection;

/// Focuses any element, SVG ones included (they have `focus()` without the HtmlElement binding).
fn focus(el: &web_sys::Element) {
    if let Some(f) = js_sys::Reflect::get(el, &"focus".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _focused = f.call0(el);
    }
}

/// The selected node or link on the stage (the view tools have `aria-pressed` too).
const SELECTED: &str = "[data-testid=stage] .node[aria-pressed=true], [data-testid=stage] .link[aria-pressed=true]";

fn query(selector: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.query_selector(selector).ok().flatten()
}

/// The first control in `root` a person can Tab to (shown, enabled).
fn first_focusable(root: &web_sys::Element) -> Option<web_sys::Element> {
    let list = root.query_selector_all(FOCUSABLE).ok()?;
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<web_sys::Element>().ok()).find(|e| {
        let r = e.get_bounding_client_rect();
        r.width() > 0.0 || r.height() > 0.0
    })
}

/// The selection's own heading in the inspector (its name), where focus
/// lands when the inspector opens: a screen reader says what is inspected,
/// and no control is pressed by the next Enter.
const SELECTION_HEADING: &str = "[data-testid=inspector] .inspector__title";

/// Where focus goes in the inspector: the selection's heading, else its
/// first control, else the region's heading; nothing while the inspector is
/// not shown (an embed without it).
fn inspector_target() -> Option<web_sys::Element> {
    let region = query("[data-testid=region-inspector]")?;
    let r = region.get_bounding_client_rect();
    if r.width() == 0.0 && r.height() == 0.0 {
        return None;
    }
    query(SELECTION_HEADING)
        .or_else(|| query("[data-testid=inspector]").and_then(|i| first_focusable(&i)))
        .or_else(|| query("#inspector-title"))
}

thread_local! {
    /// Where focus was when it went to the inspector (a line of the state
    /// list), and the selection it went there for:
    /// closing that selection's inspector brings focus back.
    static CAME_FROM: std::cell::RefCell<Option<(web_sys::Element, Selection)>> =
        const { std::cell::RefCell::new(None) };
}

/// Remembers the focused element (outside the inspector) for [`return_focus`].
fn remember_focus(selected: Selection) {
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let Some(active) = active.filter(|a| a.closest("[data-testid=region-inspector]").ok().flatten().is_none()) else {
        return;
    };
    CAME_FROM.with(|c| *c.borrow_mut() = Some((active, selected)));
}

/// Focus back where it was before the inspector of `closed` took it; false
/// when it came from elsewhere or that element is gone.
pub fn return_focus(closed: Selection) -> bool {
    let Some((el, was)) = CAME_FROM.with(|c| c.borrow_mut().take()) else { return false };
    if was != closed || !el.is_connected() {
        return false;
    }
    focus(&el);
    true
}

/// Focus to the inspector, after the frame that draws a new selection's
/// inspector; closing the inspector of `selected` (if given) brings focus
/// back where it was ([`return_focus`]). Without it (Tab from the stage,
/// the skip link) closing goes to the selection on the stage.
pub fn focus_inspector(selected: Option<Selection>) {
    if let Some(selected) = selected {
        remember_focus(selected);
    }
    request_animation_frame(|| {
        if let Some(el) = inspector_target() {
            focus(&el);
        }
    });
}

/// Focus to the stage: the selected node or link, else the first node, else the stage itself.
fn focus_stage() {
    let target =
        query(SELECTED).or_else(|| query("[data-testid=stage] .node")).or_else(|| query("[data-testid=stage]"));
    if let Some(el) = target {
        focus(&el);
    }
}

/// Tab on the selected node or link (`selected`): focus goes to the
/// inspector instead of the next node. True if it did.
pub fn tab_to_inspector(ev: &web_sys::KeyboardEvent, selected: bool) -> bool {
    if ev.key() != "Tab" || ev.shift_key() || !selected {
        return false;
    }
    let Some(target) = inspector_target() else { return false };
    ev.prevent_default();
    ev.stop_propagation();
    focus(&target);
    true
}

/// The inspector region's keydown: Shift+Tab on its first control goes
/// back to the selection on the stage.
pub fn on_inspector_key(ev: web_sys::KeyboardEvent) {
    if ev.key() != "Tab" || !ev.shift_key() {
        return;
    }
    let Some(region) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let Some(selected) = query(SELECTED) else { return };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let (Some(active), Some(first)) = (active, first_focusable(&region)) else { return };
    let heading = query(SELECTION_HEADING).is_some_and(|h| js_sys::Object::is(&active, &h));
    if heading || js_sys::Object::is(&active, &first) {
        ev.prevent_default();
        focus(&selected);
    }
}

/// The skip links at the top of the page, out of sight until focused.
#[component]
pub fn SkipLinks() -> impl IntoView {
    // Links rather than buttons, as people expect of skip links; the
    // address's fragment holds the shared state, so they never follow `href`.
    view! {
        <nav class="skip-links" aria-label="Skip links">
            <a class="skip-link" href="#topology-title" data-testid="skip-stage" on:click=move |ev| {
                ev.prevent_default();
                focus_stage();
            }>"Skip to the stage"</a>
            <a class="skip-link" href="#inspector-title" data-testid="skip-inspector" on:click=move |ev| {
                ev.prevent_default();
                focus_inspector(None);
            }>"Skip to the inspector"</a>
        </nav>
    }
}
