//! Component tests in headless Chromium (wasm-bindgen-test).
//! Each test mounts into a fresh element, acts, awaits a tick and asserts on
//! roles, test ids and text, never on whole HTML strings.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
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
    for id in ["region-topology", "region-inspector", "region-events", "region-timeline", "region-journey"] {
        let region = root.query_selector(&format!("[data-testid={id}]")).ok().flatten();
        assert!(region.is_some(), "region {id} is mounted");
    }
    // The regions' headings; the dialogs' titles are h2 too (each dialog
    // is a page of its own over the page), inside their closed `<dialog>`s.
    let h2 = |selector: &str| -> Vec<String> {
        let all = root.query_selector_all(selector).expect("a selector");
        (0..all.length()).filter_map(|i| all.item(i)?.text_content()).collect()
    };
    let in_dialogs = h2("dialog h2");
    assert_eq!(
        h2("h2:not(dialog h2)"),
        ["Topology", "Inspector", "Events and alerts", "Timeline and metrics", "Journey of an order"]
    );
    for title in ["Reset to the default scenario?", "Compare without and with a mitigation"] {
        assert!(in_dialogs.iter().any(|h| h == title), "{title} is a dialog's h2: {in_dialogs:?}");
    }
    drop(handle);
}

#[wasm_bindgen_test]
fn engine_traces_match_the_native_golden_hashes() {
    // The same numbers tests/presets.rs checks natively: wasm and native runs agree bit for bit.
    for (name, want) in golden::GOLDEN {
        assert_eq!(golden::golden_hash(name), *want, "golden hash of {name} in wasm");
    }
}

#[wasm_bindgen_test]
fn url_numbers_read_as_rust_reads_them() {
    // parse_finite converts with JavaScript; it must agree with Rust's parser (plus the finite filter).
    let texts = [
        "0.5",
        "12",
        "-3",
        "+2.5",
        ".25",
        "1.",
        "1e2",
        "1E-2",
        "2.5e+1",
        "0.1",
        "0.3",
        "3600.0000000000005",
        "9007199254740993",
        "2.2250738585072011e-308",
        "4.9e-324",
        "2e-324",
        "1.7976931348623157e308",
        "1e400",
        "-0",
        "00012",
        "inf",
        "NaN",
        "Infinity",
        "",
        " 1",
        "1 ",
        "0x10",
        "1_0",
        "1e",
        "abc",
        "0.1000000000000000055511151231257827021181583404541015625",
    ];
    for t in texts {
        let want = t.parse::<f64>().ok().filter(|x| x.is_finite());
        let got = patchbay::ui::browser::parse_finite(t);
        assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{t:?}");
    }
}

fn by_testid(root: &web_sys::HtmlElement, id: &str) -> web_sys::HtmlElement {
    root.query_selector(&format!("[data-testid='{id}']"))
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("element {id}"))
        .unchecked_into::<web_sys::HtmlElement>()
}

fn click(el: &web_sys::Element) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict("click", &init).expect("event");
    el.dispatch_event(&ev).expect("dispatched");
}

#[wasm_bindgen_test]
async fn topology_mounts_every_node_and_link_of_the_default_scenario() {
    let root = fresh_root();
    let handle = leptos::mount::mount_to(root.clone(), patchbay::ui::App);
    tick().await;
    let scenario = patchbay::engine::presets::load(patchbay::engine::presets::DEFAULT).expect("preset");
    for n in &scenario.nodes {
        let el = by_testid(&root, &format!("node-{}", n.id));
        let name = el.get_attribute("aria-label").unwrap_or_default();
        assert!(name.starts_with(&n.label), "{name}");
        assert_eq!(el.get_attribute("tabindex").as_deref(), Some("0"));
    }
    for l in &scenario.links {
        by_testid(&root, &format!("link-{}", l.id));
    }
    drop(handle);
}

#[wasm_bindgen_test]
async fn controls_change_the_store() {
    let root = fresh_root();
    let handle = leptos::mount::mount_to(root.clone(), patchbay::ui::App);
    tick().await;
    let play = by_testid(&root, "play");
    assert_eq!(play.get_attribute("data-playing").as_deref(), Some("true"));
    click(&play);
    tick().await;
    assert_eq!(play.get_attribute("data-playing").as_deref(), Some("false"));
    assert_eq!(play.text_content().as_deref(), Some("Play"));
    let clock = by_testid(&root, "clock");
    let before: u64 = clock.get_attribute("data-steps").and_then(|s| s.parse().ok()).unwrap_or(0);
    click(&by_testid(&root, "step"));
    tick().await;
    let after: u64 = clock.get_attribute("data-steps").and_then(|s| s.parse().ok()).unwrap_or(0);
    assert_eq!(after, before + 1, "one step, one event");
    let speed = by_testid(&root, "speed").unchecked_into::<web_sys::HtmlInputElement>();
    speed.set_value("400");
    speed.dispatch_event(&web_sys::Event::new("input").expect("event")).expect("dispatched");
    tick().await;
    assert_eq!(by_testid(&root, "speed-label").text_content().as_deref(), Some("×100"));
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_fault_applied_through_the_ui_reaches_the_engine() {
    let root = fresh_root();
    let handle = leptos::mount::mount_to(root.clone(), patchbay::ui::App);
    tick().await;
    click(&by_testid(&root, "play"));
    let node = by_testid(&root, "node-pricing");
    click(&node);
    tick().await;
    click(&by_testid(&root, "fault-crash"));
    tick().await;
    // The description (the node's state; its name stays put) is computed
    // from the engine's own status of the node.
    let described_by = node.get_attribute("aria-describedby").unwrap_or_default();
    let state = root
        .query_selector(&format!("#{described_by}"))
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(state.contains("crashed"), "{state}");
    assert_eq!(node.get_attribute("aria-label").as_deref(), Some("Pricing, service"));
    assert!(by_testid(&root, "active-faults").text_content().unwrap_or_default().contains("crash on Pricing"));
    drop(handle);
}
