//! The Share menu beside import and export: copy a link to this exact
//! state, download the topology as SVG or PNG and the run's trace as JSON
//! lines, Reset to default (asked first, in a dialog of our own), and the
//! work set aside in this browser (`ui::earlier_work`). Also the banner
//! for what went wrong opening a link or the autosave.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::presets;
use crate::engine::trace::TraceHeader;
use crate::view_model::share::compact_json;
use crate::view_model::share_replay::{replay_into, Tap};

use super::earlier_work::EarlierWork;
use super::persist::{clear_fragment, Persist};
use super::store::{use_store, Store};

/// Most events in a downloaded trace (about 10 MB of JSON lines); the CLI writes whole traces.
pub const MAX_TRACE_EVENTS: usize = 100_000;

/// The computed styles an exported SVG carries inline, so it looks the same without the page's CSS.
const INLINED: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "visibility",
    "display",
];

/// Offers `url` as a download named `name`.
fn download_url(name: &str, url: &str) {
    let a = document().create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = a {
        a.set_href(url);
        a.set_download(name);
        a.click();
    }
}

/// Offers `text` as a download named `name` of type `mime`.
fn download_text(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    download_url(name, &url);
    let _revoked = web_sys::Url::revoke_object_url(&url);
}

/// The stage's SVG as a standalone document with its look inlined, the
/// messages in flight laid over it, and its size in CSS pixels.
fn standalone_svg() -> Option<(String, f64, f64)> {
    let svg = document().query_selector(".stage__svg").ok()??;
    let clone = svg.clone_node_with_deep(true).ok()?.dyn_into::<web_sys::Element>().ok()?;
    let window = web_sys::window()?;
    let originals = svg.query_selector_all("*").ok()?;
    let copies = clone.query_selector_all("*").ok()?;
    for i in 0..originals.length().min(copies.length()) {
        let (Some(o), Some(c)) = (originals.item(i), copies.item(i)) else { continue };
        let (Ok(o), Ok(c)) = (o.dyn_into::<web_sys::Element>(), c.dyn_into::<web_sys::Element>()) else { continue };
        let Ok(Some(cs)) = window.get_computed_style(&o) else { continue };
        let style: String = INLINED
            .iter()
            .filter_map(|p| cs.get_property_value(p).ok().filter(|v| !v.is_empty()).map(|v| format!("{p}:{v};")))
            .collect();
        let _set = c.set_attribute("style", &style);
        // Focus rings and the like are the page's, not the drawing's.
        let _gone = c.remove_attribute("tabindex");
    }
    let rect = svg.get_bounding_client_rect();
    let (w, h) = (rect.width().max(1.0), rect.height().max(1.0));
    let background = window
        .get_computed_style(&svg.parent_element()?)
        .ok()
        .flatten()
        .and_then(|cs| cs.get_property_value("background-color").ok())
        .unwrap_or_default();
    let _a = clone.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _b = clone.set_attribute("width", &format!("{w}"));
    let _c = clone.set_attribute("height", &format!("{h}"));
    let text = web_sys::XmlSerializer::new().ok()?.serialize_to_string(&clone).ok()?;
    let messages = messages_layer(&rect).unwrap_or_default();
    let doc = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" style=\"background:{background}\">{text}{messages}</svg>"
    );
    Some((doc, w, h))
}

/// The messages in flight and the marks, as the canvas over the stage
/// shows them now: the canvas's own pixels in an `<image>`, placed where
/// the canvas sits over the SVG. Redrawing thousands of dots as SVG
/// shapes would repeat the canvas code's geometry for the same picture.
fn messages_layer(svg: &web_sys::DomRect) -> Option<String> {
    let canvas = document().query_selector(".stage__canvas").ok()??.dyn_into::<web_sys::HtmlCanvasElement>().ok()?;
    let r = canvas.get_bounding_client_rect();
    if r.width() < 1.0 || r.height() < 1.0 || canvas.width() == 0 {
        return None;
    }
    let data = canvas.to_data_url_with_type("image/png").ok()?;
    Some(format!(
        "<image data-layer=\"messages\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" href=\"{data}\"/>",
        r.left() - svg.left(),
        r.top() - svg.top(),
        r.width(),
        r.height()
    ))
}

fn file_stem(store: Store) -> String {
    let name = store.preset.get_untracked();
    let clean: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(40).collect();
    if clean.is_empty() {
        "patchbay".into()
    } else {
        clean
    }
}

fn export_svg(store: Store) {
    match standalone_svg() {
        Some((text, _, _)) => {
            download_text(&format!("{}.svg", file_stem(store)), "image/svg+xml", &text);
            store.announce("Downloaded the topology as SVG.".into());
        }
        None => store.announce("The topology could not be exported.".into()),
    }
}

/// Draws the standalone SVG on a canvas at twice its size and downloads it as PNG.
fn export_png(store: Store) {
    let Some((text, w, h)) = standalone_svg() else { return };
    let Some(img) = document().create_element("img").ok().and_then(|e| e.dyn_into::<web_sys::HtmlImageElement>().ok())
    else {
        return;
    };
    let url = format!("data:image/svg+xml;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&text)));
    let name = format!("{}.png", file_stem(store));
    let drawn = img.clone();
    let onload = Closure::once_into_js(move || {
        let canvas =
            document().create_element("canvas").ok().and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let Some(canvas) = canvas else { return };
        canvas.set_width((w * 2.0) as u32);
        canvas.set_height((h * 2.0) as u32);
        let ctx = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
        let Some(ctx) = ctx else { return };
        let _scaled = ctx.scale(2.0, 2.0);
        let _drawn = ctx.draw_image_with_html_image_element(&drawn, 0.0, 0.0);
        if let Ok(data) = canvas.to_data_url_with_type("image/png") {
            download_url(&name, &data);
            store.announce("Downloaded the topology as PNG.".into());
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_src(&url);
}

/// Plays the run back from its start with recording on and downloads the
/// first [`MAX_TRACE_EVENTS`] events as JSON lines, after a header line
/// (the playback stops once it holds them; see `replay_into`).
fn export_trace(store: Store) {
    let state = store.share_state();
    let mut tap = Tap::new(MAX_TRACE_EVENTS);
    let played = match replay_into(&state, Some(&mut tap)) {
        Ok(p) => p,
        Err(e) => {
            store.announce(format!("The trace could not be made: {e}"));
            return;
        }
    };
    let seed = store.seed.get_untracked();
    // Through `compact_json`: one serializer type in the wasm (see there).
    let mut out = compact_json(&TraceHeader::new(played.sim.scenario(), seed)).unwrap_or_default().into_bytes();
    out.push(b'\n');
    for e in &tap.events {
        out.extend_from_slice(compact_json(e).unwrap_or_default().as_bytes());
        out.push(b'\n');
    }
    if tap.truncated {
        out.extend_from_slice(
            format!("{{\"truncated\":true,\"kept_events\":{MAX_TRACE_EVENTS},\"note\":\"the page keeps the first {MAX_TRACE_EVENTS} events; patchbay-sim writes whole traces\"}}\n")
                .as_bytes(),
        );
    }
    let text = String::from_utf8_lossy(&out);
    download_text(&format!("{}-trace.jsonl", file_stem(store)), "application/x-ndjson", &text);
    let n = tap.events.len();
    store.announce(if tap.truncated {
        format!("Downloaded the first {n} events of the trace (the page keeps at most {MAX_TRACE_EVENTS}).")
    } else {
        format!("Downloaded the trace: {n} events.")
    });
}

/// Copies `text` with the Clipboard API; false when it is missing or throws at once.
fn copy_to_clipboard(text: &str) -> bool {
    let Some(w) = web_sys::window() else { return false };
    let navigator = js_sys::Reflect::get(&w, &JsValue::from_str("navigator")).unwrap_or(JsValue::UNDEFINED);
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok().filter(|c| c.is_object());
    let Some(clipboard) = clipboard else { return false };
    let Some(write) = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    match write.call1(&clipboard, &JsValue::from_str(text)) {
        Ok(promise) => {
            // A refusal comes later (permission): the link stays in the field to copy by hand.
            if let Ok(p) = promise.dyn_into::<js_sys::Promise>() {
                let ignore = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {});
                let _caught = p.catch(&ignore);
                // One small closure per copy, kept for the promise to call.
                ignore.forget();
            }
            true
        }
        Err(_) => false,
    }
}

/// The full URL of the page with `fragment`.
fn link_url(fragment: &str) -> String {
    let Some(w) = web_sys::window() else { return String::new() };
    let loc = w.location();
    format!(
        "{}{}{}#{fragment}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default()
    )
}

/// The Share menu (a disclosure, so the toolbar stays one row at 390 px).
#[component]
pub fn ShareMenu() -> impl IntoView {
    let store = use_store();
    let persist = expect_context::<Persist>();
    let shown = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let field = NodeRef::<leptos::html::Input>::new();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let reset_opener = NodeRef::<leptos::html::Button>::new();
    let copy = move |_| {
        let text = match crate::view_model::share::encode(&store.share_state()) {
            Ok(text) => text,
            Err(e) => {
                status.set(format!("No link: {e}."));
                store.announce(format!("No link: {e}."));
                return;
            }
        };
        persist.link.set(Some(text.clone()));
        let url = link_url(&text);
        let copied = copy_to_clipboard(&url);
        shown.set(Some(url));
        let said = if copied {
            format!("Link copied ({} characters). It is also in the field below.", text.len())
        } else {
            "Copy the link from the field below (this browser did not allow copying).".into()
        };
        status.set(said.clone());
        store.announce(said);
        if let Some(input) = field.get_untracked() {
            input.select();
        }
    };
    let select_all = move |_| {
        if let Some(input) = field.get_untracked() {
            input.select();
        }
    };
    let ask_reset = move |_| {
        if let Some(d) = dialog.get_untracked() {
            let _shown = d.show_modal();
        }
    };
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let do_reset = move |_| {
        close();
        store.load(presets::DEFAULT);
        store.speed.set(0.1);
        store.playing.set(true);
        clear_fragment();
        persist.notice.set(None);
        store.announce("Back to the default scenario; your changes were cleared.".into());
    };
    view! {
        // Another tab may have set work aside since: read the list again on opening.
        <details class="share-menu" data-testid="share-menu"
            on:toggle=move |_| persist.earlier.update(|n| *n += 1)>
            <summary class="btn btn--small">"Share"</summary>
            <div class="share-menu__panel">
                <button class="btn btn--small" data-testid="copy-link" on:click=copy>"Copy link"</button>
                <Show when=move || shown.with(Option::is_some)>
                    <label class="share-menu__link">
                        <span class="sr-only">"Link to this state"</span>
                        <input node_ref=field type="text" readonly data-testid="share-link"
                            prop:value=move || shown.get().unwrap_or_default()
                            on:focus=select_all />
                    </label>
                </Show>
                // Shown, not a live region: the page's announcer says the same words once.
                <p class="share-menu__status" data-testid="share-status">{move || status.get()}</p>
                <button class="btn btn--small" data-testid="export-svg" on:click=move |_| export_svg(store)>"Topology as SVG"</button>
                <button class="btn btn--small" data-testid="export-png" on:click=move |_| export_png(store)>"Topology as PNG"</button>
                <button class="btn btn--small" data-testid="export-trace" on:click=move |_| export_trace(store)
                    title=format!("The run's events as JSON lines (the first {MAX_TRACE_EVENTS})")>"Trace (JSON lines)"</button>
                <button class="btn btn--small" node_ref=reset_opener data-testid="reset-default" on:click=ask_reset>"Reset to default…"</button>
                <EarlierWork />
            </div>
        </details>
        <dialog node_ref=dialog class="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-text" data-testid="confirm-reset"
            on:keydown=move |ev| {
                if let Some(d) = dialog.get_untracked() {
                    super::focus_trap::keep_tab_inside(&ev, &d);
                }
            }
            // Closed by a button, Reset or Escape: focus goes back to the button that opened it.
            on:close=move |_| {
                if let Some(b) = reset_opener.get_untracked() {
                    let _focused = b.focus();
                }
            }>
            <h2 id="confirm-title" class="confirm__title">"Reset to the default scenario?"</h2>
            <p id="confirm-text">"The page starts over on the default scenario. A run you changed is kept under Share, Earlier work, and links you copied still work."</p>
            <div class="confirm__actions">
                <button class="btn" data-testid="confirm-reset-cancel" on:click=move |_| close()>"Cancel"</button>
                <button class="btn btn--danger" data-testid="confirm-reset-ok" on:click=do_reset>"Reset"</button>
            </div>
        </dialog>
    }
}

/// What went wrong opening a link, a scenario name or the autosave, until dismissed.
#[component]
pub fn ShareNotice() -> impl IntoView {
    let persist = expect_context::<Persist>();
    view! {
        <Show when=move || persist.notice.with(Option::is_some)>
            <div class="share-notice" role="alert" data-testid="share-notice">
                <p>{move || persist.notice.get().unwrap_or_default()}</p>
                <button class="btn btn--small" on:click=move |_| persist.notice.set(None)>"Dismiss"</button>
            </div>
        </Show>
    }
}
