//! Component tests in headless Chromium (wasm-bindgen-test).
//! Each test mounts into a fresh element, acts, awaits a tick and asserts on
//! roles, test ids and text, never on whole HTML strings.
#![cfg(target_arch = "wasm32")]

#[path = "support/golden.rs"]
mod golden;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A new, empty element attached to the document body.
fn fresh_root() -> web_sys::HtmlElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let root = document.create_element("div").expect("a div").unchecked_into::<web_sys::HtmlElement>();
    document.body().expect("a body").append_child(&root).expect("appended");
    root
}

/// Lets the reactive system and the browser settle.
async fn tick() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

fn text_of(root: &web_sys::HtmlElement, selector: &str) -> String {
    root.query_selector(selector).ok().flatten().and_then(|el| el.text_content()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn shell_shows_the_product_and_its_regions() {
    let root = fresh_root();
    let handle = leptos::mount::mount_to(root.clone(), patchbay::ui::App);
    tick().await;
    assert_eq!(text_of(&root, "h1").trim(), "Patchbay");
    for id in ["region-topology", "region-inspector", "region-timeline"] {
        let region = root.query_selector(&format!("[data-testid={id}]")).ok().flatten();
        assert!(region.is_some(), "region {id} is mounted");
    }
    let headings: Vec<String> =
        (0..3).filter_map(|i| root.query_selector_all("h2").ok()?.item(i)?.text_content()).collect();
    assert_eq!(headings, ["Topology", "Inspector", "Timeline and metrics"]);
    drop(handle);
}

#[wasm_bindgen_test]
fn engine_traces_match_the_native_golden_hashes() {
    // The same numbers tests/presets.rs checks natively: wasm and native runs agree bit for bit.
    for (name, want) in golden::GOLDEN {
        assert_eq!(golden::golden_hash(name), *want, "golden hash of {name} in wasm");
    }
}
