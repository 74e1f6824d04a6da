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

/// Zoom buttons, fit and the snap switch, over the stage's top-right corner.
#[component]
pub fn StageToolbar() -> impl IntoView {
    let stage = use_stage();
    view! {
        <div class="stage__tools" role="toolbar" aria-label="View">
            <button class="stage__tool" aria-label="Zoom in" title="Zoom in (+)" data-testid="zoom-in" on:click=move |_| stage.zoom_by(ZOOM_STEP)>
                "+"
            </button>
            <button class="stage__tool" aria-label="Zoom out" title="Zoom out (−)" data-testid="zoom-out" on:click=move |_| stage.zoom_by(1.0 / ZOOM_STEP)>
                "−"
            </button>
            <button class="stage__tool" aria-label="Fit the whole topology" title="Fit (0)" data-testid="zoom-fit" on:click=move |_| stage.fit()>
                "Fit"
            </button>
            <button
                class="stage__tool"
                aria-label="Snap to grid"
                title="Snap dropped nodes to a grid"
                aria-pressed=move || stage.snap.get().to_string()
                data-testid="snap"
                on:click=move |_| stage.snap.update(|s| *s = !*s)
            >
                "#"
            </button>
        </div>
    }
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
    let nodes = move || {
        store.revision.get();
        let m = map();
        stage
            .positions()
            .into_iter()
            .map(|(x, y)| {
                let (px, py) = m.to_px(x - NODE_HALF_W, y - NODE_HALF_H);
                view! { <rect x=px y=py width=2.0 * NODE_HALF_W * m.scale height=2.0 * NODE_HALF_H * m.scale></rect> }
            })
            .collect_view()
    };
    let frame = move || {
        let (m, v) = (map(), seen());
        let (x, y) = m.to_px(v.x, v.y);
        (x, y, v.w * m.scale, v.h * m.scale)
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
        <Show when=shown>
            <svg
                class="stage__minimap"
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
            >
                <g class="minimap__nodes">{nodes}</g>
                <rect
                    class="minimap__view"
                    x=move || frame().0
                    y=move || frame().1
                    width=move || frame().2.max(0.0)
                    height=move || frame().3.max(0.0)
                ></rect>
            </svg>
        </Show>
    }
}
