//! Pointer, wheel and key input on the stage, turned into gestures by the
//! pure state machine in `view_model::gesture`. Every gesture has a key:
//! arrows pan the focused stage or move the focused node, + − zoom, 0
//! fits, 1 is actual size, `c` on a node starts a link (Tab or arrows pick the target, Enter
//! makes it), Escape cancels whatever is under way.

use leptos::ev::{KeyboardEvent, PointerEvent, WheelEvent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::view_model::gesture::{node_at, Out, State, Target};

use super::stage::{Stage, KEY_STEP, PAN_STEP, ZOOM_STEP};
use super::store::Selection;

/// The pointer's position in the stage's pixels, from the element the handler sits on.
fn local(ev: &web_sys::MouseEvent) -> Option<(f64, f64)> {
    let el = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
    let r = el.get_bounding_client_rect();
    Some((f64::from(ev.client_x()) - r.left(), f64::from(ev.client_y()) - r.top()))
}

/// What the pointer went down on: a connect handle, a node (`data-node`), or the background.
fn target_of(stage: &Stage, ev: &PointerEvent) -> Option<Target> {
    let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let index =
        |attr: &str| el.closest(&format!("[{attr}]")).ok().flatten()?.get_attribute(attr)?.parse::<usize>().ok();
    if let Some(i) = index("data-handle") {
        return Some(Target::Handle(i));
    }
    if let Some(i) = index("data-node") {
        return stage.positions().get(i).map(|&p| Target::Node(i, p));
    }
    // A link is clicked, not dragged: pressing on it pans like the background.
    Some(Target::Background)
}

/// `pointerdown` on the stage's SVG.
pub fn on_down(stage: Stage) -> impl Fn(PointerEvent) + 'static {
    move |ev: PointerEvent| {
        if ev.button() != 0 && ev.pointer_type() == "mouse" {
            return;
        }
        let (Some(target), Some(pt)) = (target_of(&stage, &ev), local(&ev)) else { return };
        let view = stage.store.viewport.get_untracked();
        let out = stage.gesture.try_update_value(|g| g.down(ev.pointer_id(), target, pt, view));
        if matches!(target, Target::Handle(_)) {
            // The handle is not a click on the node: no selection, capture now.
            ev.prevent_default();
            capture(&ev);
        }
        stage.apply(out.unwrap_or(Out::Nothing));
    }
}

fn capture(ev: &PointerEvent) {
    if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
        if !el.has_pointer_capture(ev.pointer_id()) {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    }
}

/// `pointermove` on the stage's SVG.
pub fn on_move(stage: Stage) -> impl Fn(PointerEvent) + 'static {
    move |ev: PointerEvent| {
        if !stage.gesture.with_value(State::busy) {
            return;
        }
        let Some(pt) = local(&ev) else { return };
        let view = stage.store.viewport.get_untracked();
        let (wx, wy) = view.to_world(pt.0, pt.1);
        let over = node_at(&stage.positions(), (wx, wy));
        let grid = stage.grid();
        let out = stage.gesture.try_update_value(|g| g.moved(ev.pointer_id(), pt, view, over, grid));
        // Captured only once it moves, so a press without travel stays a click on the node.
        if let Some(Out::Preview(..) | Out::View(_)) = out {
            capture(&ev);
        }
        stage.apply(out.unwrap_or(Out::Nothing));
    }
}

/// `pointerup` and `pointercancel` on the stage's SVG.
pub fn on_up(stage: Stage) -> impl Fn(PointerEvent) + 'static {
    move |ev: PointerEvent| {
        let out = stage.gesture.try_update_value(|g| g.up(ev.pointer_id()));
        if ev.type_() == "pointercancel" {
            stage.preview.set(None);
            stage.rubber.set(None);
            return;
        }
        stage.apply(out.unwrap_or(Out::Nothing));
    }
}

/// `wheel` on the stage: zooms about the pointer.
pub fn on_wheel(stage: Stage) -> impl Fn(WheelEvent) + 'static {
    move |ev: WheelEvent| {
        let Some(pt) = local(&ev) else { return };
        ev.prevent_default();
        // Lines (Firefox) count as 16 pixels; a notch of 100 px zooms by about 16 %.
        let dy = ev.delta_y() * if ev.delta_mode() == 1 { 16.0 } else { 1.0 };
        let factor = libm::exp(-dy.clamp(-300.0, 300.0) * 0.0015);
        stage.set_view(stage.store.viewport.get_untracked().zoom_about(factor, pt.0, pt.1));
    }
}

/// Keys on the stage (and bubbling up from its nodes and links): + − 0
/// zoom and fit, arrows pan when the stage itself has focus, Escape cancels.
pub fn on_stage_key(stage: Stage) -> impl Fn(KeyboardEvent) + 'static {
    move |ev: KeyboardEvent| {
        let on_stage = ev.target().is_some() && ev.target() == ev.current_target();
        let pan = |dx: f64, dy: f64| stage.set_view(stage.store.viewport.get_untracked().pan_by(dx, dy));
        match ev.key().as_str() {
            "+" | "=" => stage.zoom_by(ZOOM_STEP),
            "-" | "_" => stage.zoom_by(1.0 / ZOOM_STEP),
            "0" => stage.fit(),
            "1" => stage.zoom_by(1.0 / stage.store.viewport.get_untracked().zoom),
            "Escape" if stage.cancel() => {}
            "ArrowLeft" if on_stage => pan(PAN_STEP, 0.0),
            "ArrowRight" if on_stage => pan(-PAN_STEP, 0.0),
            "ArrowUp" if on_stage => pan(0.0, PAN_STEP),
            "ArrowDown" if on_stage => pan(0.0, -PAN_STEP),
            _ => return,
        }
        ev.prevent_default();
        ev.stop_propagation();
    }
}

/// Keys on node `index`: Enter or Space selects it, arrows move it (one
/// edit a press), `c` starts a link from it; while linking, Tab or arrows
/// choose the target, Enter connects and Escape cancels.
pub fn on_node_key(stage: Stage, index: usize) -> impl Fn(KeyboardEvent) + 'static {
    move |ev: KeyboardEvent| {
        let key = ev.key();
        let count = stage.store.sim.with_value(|s| s.scenario().nodes.len());
        let linking = stage.gesture.with_value(|g| matches!(g, State::Connecting { id: None, .. }));
        let names = |i: usize| stage.node_names(i).map(|n| n.1).unwrap_or_default();
        if linking {
            let out = match key.as_str() {
                "Tab" if ev.shift_key() => stage.gesture.try_update_value(|g| g.next_target(-1, count)),
                "Tab" | "ArrowRight" | "ArrowDown" => stage.gesture.try_update_value(|g| g.next_target(1, count)),
                "ArrowLeft" | "ArrowUp" => stage.gesture.try_update_value(|g| g.next_target(-1, count)),
                "Enter" | " " => stage.gesture.try_update_value(State::confirm),
                "Escape" => {
                    stage.cancel();
                    stage.say("Link cancelled.".into());
                    None
                }
                _ => return,
            };
            ev.prevent_default();
            ev.stop_propagation();
            let Some(out) = out else { return };
            if out == Out::Rubber {
                let to = stage.gesture.with_value(|g| match g {
                    State::Connecting { over, .. } => *over,
                    _ => None,
                });
                if let Some(to) = to {
                    stage.say(format!("To {}? Enter connects, Escape cancels.", names(to)));
                }
            }
            stage.apply(out);
            return;
        }
        let selected = stage.store.selected.get_untracked() == Some(Selection::Node(index));
        if super::skip_links::tab_to_inspector(&ev, selected) {
            return;
        }
        let step = if ev.shift_key() { KEY_STEP * 5.0 } else { KEY_STEP };
        let delta = match key.as_str() {
            "Enter" | " " => {
                stage.store.selected.set(Some(Selection::Node(index)));
                None
            }
            "ArrowLeft" => Some((-step, 0.0)),
            "ArrowRight" => Some((step, 0.0)),
            "ArrowUp" => Some((0.0, -step)),
            "ArrowDown" => Some((0.0, step)),
            "c" | "C" if !ev.ctrl_key() && !ev.meta_key() => {
                let out = stage.gesture.try_update_value(|g| g.connect_by_keys(index, count));
                stage.say(format!(
                    "New link from {}: Tab or arrows choose the target, Enter connects, Escape cancels.",
                    names(index)
                ));
                stage.apply(out.unwrap_or(Out::Nothing));
                None
            }
            _ => return,
        };
        ev.prevent_default();
        ev.stop_propagation();
        if let Some((dx, dy)) = delta {
            if let Some(&(x, y)) = stage.positions().get(index) {
                stage.move_node(index, (x + dx, y + dy));
            }
        }
    }
}

/// `focusin` on the stage's SVG: a node reached with Tab outside the view is brought into it.
pub fn on_focus(stage: Stage) -> impl Fn(leptos::ev::FocusEvent) + 'static {
    move |ev: leptos::ev::FocusEvent| {
        let Some(index) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.get_attribute("data-node"))
            .and_then(|i| i.parse::<usize>().ok())
        else {
            return;
        };
        let Some(&(x, y)) = stage.positions().get(index) else { return };
        let view = stage.store.viewport.get_untracked();
        let (w, h) = stage.store.stage_size.get_untracked();
        let seen = view.visible(w, h);
        if x < seen.x || x > seen.x + seen.w || y < seen.y || y > seen.y + seen.h {
            stage.set_view(view.centred_on(x, y, w, h));
        }
    }
}
