//! The page's DOM in the order it is seen, at every width (WCAG 1.3.2 and
//! 2.4.3: Tab and screen readers follow the DOM, not the layout). Below
//! 900 px the page is one column in another order than beside it: the
//! stage and its list of states come up under the run controls (above
//! them in a short frame or while a lesson is open, where Next runs the
//! steps), before the story and the tools, and an open lesson's card heads
//! the page. CSS `order` and grid areas moved them only in sight, so the
//! DOM itself is rearranged whenever the layout changes. An embed keeps
//! the order it is built in (`topology.rs`).

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::store::Store;

/// One column (style/main.css).
const ONE_COLUMN: &str = "(max-width: 899px)";
/// Tall enough for the run controls above the stage (style/main.css).
const TALL: &str = "(min-height: 700px)";

/// Keeps the page's DOM in its visual order from now on.
pub fn start(store: Store) {
    let (one_column, tall) = (matching(ONE_COLUMN), matching(TALL));
    Effect::new(move |_| {
        let lesson_open = store.lesson_open.with(Option::is_some);
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            arrange(&doc, one_column.get(), tall.get(), lesson_open);
        }
    });
}

/// Whether `query` matches, kept current by its `change` events.
fn matching(query: &str) -> ReadSignal<bool> {
    let list = web_sys::window().and_then(|w| w.match_media(query).ok().flatten());
    let (get, set) = signal(list.as_ref().is_some_and(web_sys::MediaQueryList::matches));
    if let Some(list) = list {
        let watched = list.clone();
        let on_change = Closure::<dyn Fn()>::new(move || set.set(watched.matches()));
        let _ = list.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        // Listens for as long as the page lives.
        on_change.forget();
    }
    get
}

/// Puts the stage, its list of states and the lesson card where the
/// layout shows them, moving only what is out of place; the focus, lost
/// by an element taken out of the DOM, is given back.
fn arrange(doc: &Document, one_column: bool, tall: bool, lesson_open: bool) {
    let find = |selector: &str| doc.query_selector(selector).ok().flatten();
    let (Some(region), Some(controls), Some(tools), Some(stage), Some(states)) = (
        find(".regions > .region--topology"),
        find(".region--topology > .controls"),
        find(".region--topology > .editor-bar"),
        find(".region--topology > .stage"),
        find(".region--topology > .states"),
    ) else {
        return;
    };
    let focused = doc.active_element();
    // From 900 px the stage follows the story and the tools; in one column
    // it follows the run controls, or leads them.
    // Beside each other only what is out of order moves: the page is built
    // in this order, and moving the stage would take the keyboard off a
    // node inside it for nothing.
    if !one_column {
        if !follows(&tools, &stage) {
            put_after(&tools, &stage);
        }
        if !follows(&stage, &states) {
            put_after(&stage, &states);
        }
    } else if tall && !lesson_open {
        put_after(&controls, &stage);
        put_after(&stage, &states);
    } else {
        put_before(&controls, &stage);
        put_after(&controls, &states);
    }
    // In one column an open lesson's card comes first (lessons.css).
    if let Some(card) = find(".regions > .lesson") {
        if one_column && lesson_open {
            put_before(&region, &card);
        } else {
            put_after(&region, &card);
        }
    }
    if let Some(el) = focused.filter(|el| el.is_connected() && doc.active_element().as_ref() != Some(el)) {
        super::stage::focus_element(&el);
    }
}

/// Whether `el` comes after `anchor` in the document.
fn follows(anchor: &Element, el: &Element) -> bool {
    anchor.compare_document_position(el) & web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0
}

/// Moves `el` to right after `anchor`, unless it is there already.
fn put_after(anchor: &Element, el: &Element) {
    if anchor.next_element_sibling().as_ref() != Some(el) {
        let _ = anchor.after_with_node_1(el);
    }
}

/// Moves `el` to right before `anchor`, unless it is there already.
fn put_before(anchor: &Element, el: &Element) {
    if anchor.previous_element_sibling().as_ref() != Some(el) {
        let _ = anchor.before_with_node_1(el);
    }
}
