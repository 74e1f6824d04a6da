//! The stage's own controls: zoom in and out, fit, snap to grid, and a
//! minimap (shown when the topology is larger than the view) that moves
//! the view where it is clicked or dragged.

use leptos::ev::PointerEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::view_model::geometry::{scenario_bounds, Fit, NODE_HALF_H, NODE_HALF_W};
use crate::view_model::viewport::contains;

use super::stage::{use_stage, ZOOM_STEP};

/// The minimap's size in CSS pixels.
const MAP_W: f64 = 132.0;
const MAP_H: f64 = 88.0;

/// The toolbar's buttons as static markup: four buttons through the view
/// macro cost about 12 KB of wasm; one click handler reads `data-act`.
const TOOLS: &str = concat!(
    r#"<button class="stage__tool" data-act="in" aria-label="Zoom in" data-testid="zoom-in">+</button>"#,
    r#"<button class="stage__tool" data-act="out" aria-label="Zoom out" data-testid="zoom-out">−</button>"#,
    r#"<button class="stage__tool" data-act="fit" aria-label="Fit the whole topology" data-testid="zoom-fit">Fit</button>"#,
    r#"<button class="stage__tool" data-act="snap" aria-label="Snap to grid" aria-pressed="false" data-testid="snap">#</button>"#,
);

/// Zoom buttons, fit and the snap switch, over the stage's top-right corner.
#[component]
pub fn StageToolbar() -> impl IntoView {
    let stage = use_stage();
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-act]").ok().flatten())
        else {
            return;
        };
        match button.get_attribute("data-act").as_deref() {
            Some("in") => stage.zoom_by(ZOOM_STEP),
            Some("out") => stage.zoom_by(1.0 / ZOOM_STEP),
            Some("fit") => stage.fit(),
            Some("snap") => {
                stage.snap.update(|s| *s = !*s);
                let _ = button.set_attribute("aria-pressed", &stage.snap.get_untracked().to_string());
            }
            _ => {}
        }
    };
    // A group, not a toolbar (see the run controls): Tab moves between the buttons.
    view! { <div class="stage__tools" role="group" aria-label="View" on:click=click inner_html=TOOLS></div> }
}

/// The whole topology in small, with the part in view outlined. Hidden
/// when everything is in view; keyboard users pan with the arrows instead.
#[component]
pub fn Minimap() -> impl IntoView {
    let stage = use_stage();
    let store = stage.store;
    let bounds = Memo::new(move |_| {
        store.revision.get();
        store.sim.with_value(|s| scenario_bounds(s.scenario()))
    });
    let map = move || Fit::meet(bounds.get(), MAP_W, MAP_H);
    let seen = move || {
        let (w, h) = store.stage_size.get();
        store.viewport.get().visible(w, h)
    };
    let shown = move || !contains(seen(), bounds.get());
    // Drawn as one string of markup (numbers only): a handful of elements
    // through the view macro would cost several KB of wasm.
    let markup = move || {
        store.revision.get();
        let (m, v) = (map(), seen());
        let (w, h) = (2.0 * NODE_HALF_W * m.scale, 2.0 * NODE_HALF_H * m.scale);
        let mut out = String::from("<g class=\"minimap__nodes\">");
        for (x, y) in stage.positions() {
            let (px, py) = m.to_px(x - NODE_HALF_W, y - NODE_HALF_H);
            out.push_str(&format!("<rect x=\"{px}\" y=\"{py}\" width=\"{w}\" height=\"{h}\"></rect>"));
        }
        let (x, y) = m.to_px(v.x, v.y);
        out.push_str(&format!(
            "</g><rect class=\"minimap__view\" x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\"></rect>",
            (v.w * m.scale).max(0.0),
            (v.h * m.scale).max(0.0)
        ));
        out
    };
    // Click or drag: centre the view on the world point under the pointer.
    let go = move |ev: &PointerEvent| {
        let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let r = el.get_bounding_client_rect();
        let m = map();
        let (wx, wy) = (
            (f64::from(ev.client_x()) - r.left() - m.dx) / m.scale,
            (f64::from(ev.client_y()) - r.top() - m.dy) / m.scale,
        );
        let (w, h) = store.stage_size.get_untracked();
        stage.set_view(store.viewport.get_untracked().centred_on(wx, wy, w, h));
    };
    view! {
            <svg
                class="stage__minimap"
                class:stage__minimap--off=move || !shown()
                width=MAP_W
                height=MAP_H
                aria-hidden="true"
                data-testid="minimap"
                on:pointerdown=move |ev| {
                    if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        let _ = el.set_pointer_capture(ev.pointer_id());
                    }
                    go(&ev);
                }
                on:pointermove=move |ev| {
                    if ev.buttons() != 0 {
                        go(&ev);
                    }
                }
                inner_html=markup
            ></svg>
    }
}
