//! Draws the messages in flight on one canvas over the SVG topology. Each
//! kind becomes one SVG path string, built in Rust and handed to the browser
//! as a single `Path2D`: thousands of messages cost a handful of calls
//! across the wasm boundary, not thousands of DOM nodes or canvas calls.
//! Shapes differ by kind, so colour is never the only cue.

use std::fmt::Write;

use std::f64::consts::TAU;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::engine::Simulation;
use crate::view_model::flights::{FlightKind, MarkKind, Place};
use crate::view_model::geometry::{lerp, link_ends, scenario_bounds, Fit};

use super::store::Store;

#[derive(Clone, Copy)]
enum Shape {
    Dot,
    Ring,
    Square,
    HollowSquare,
    Diamond,
    HollowDiamond,
}

fn style(kind: FlightKind) -> (Shape, &'static str) {
    match kind {
        FlightKind::Request => (Shape::Dot, "#3b82f6"),
        FlightKind::Retry => (Shape::Ring, "#f59e0b"),
        FlightKind::Reply => (Shape::Square, "#10b981"),
        FlightKind::ErrorReply => (Shape::HollowSquare, "#ef4444"),
        FlightKind::Enqueue | FlightKind::Delivery => (Shape::Diamond, "#8b5cf6"),
        FlightKind::Redelivery => (Shape::HollowDiamond, "#f97316"),
    }
}

const KINDS: [FlightKind; 7] = [
    FlightKind::Request,
    FlightKind::Retry,
    FlightKind::Reply,
    FlightKind::ErrorReply,
    FlightKind::Enqueue,
    FlightKind::Delivery,
    FlightKind::Redelivery,
];

/// Appends one shape at (x, y) to an SVG path string.
fn add_shape(path: &mut String, shape: Shape, x: f64, y: f64) {
    let _ = match shape {
        Shape::Dot => write!(path, "M{:.1} {y:.1}a4 4 0 1 0-8 0a4 4 0 1 0 8 0", x + 4.0),
        Shape::Ring => write!(path, "M{:.1} {y:.1}a5 5 0 1 0-10 0a5 5 0 1 0 10 0", x + 5.0),
        Shape::Square | Shape::HollowSquare => write!(path, "M{:.1} {:.1}h7v7h-7z", x - 3.5, y - 3.5),
        Shape::Diamond | Shape::HollowDiamond => write!(path, "M{x:.1} {:.1}l5 5l-5 5l-5-5z", y - 5.0),
    };
}

fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<Ctx> {
    canvas.get_context("2d").ok().flatten()?.dyn_into::<Ctx>().ok()
}

/// Redraws the canvas for the current simulated time.
pub fn draw(store: Store, canvas: NodeRef<leptos::html::Canvas>, mark_ttl: u64) {
    let Some(el) = canvas.get_untracked() else { return };
    let (w, h) = (f64::from(el.client_width()), f64::from(el.client_height()));
    if w < 1.0 || h < 1.0 {
        return;
    }
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if el.width() != pw || el.height() != ph {
        el.set_width(pw);
        el.set_height(ph);
    }
    let Some(ctx) = context(&el) else { return };
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
    if store.reduced_motion.get_untracked() {
        return;
    }
    store.sim.with_value(|sim: &Simulation| {
        let s = sim.scenario();
        let fit = Fit::meet(scenario_bounds(s), w, h);
        let ends: Vec<((f64, f64), (f64, f64))> = s
            .links
            .iter()
            .map(|l| match (s.node(&l.from), s.node(&l.to)) {
                (Some(a), Some(b)) => {
                    let (p, q) = link_ends(a.position, b.position);
                    (fit.to_px(p.0, p.1), fit.to_px(q.0, q.1))
                }
                _ => ((0.0, 0.0), (0.0, 0.0)),
            })
            .collect();
        let centres: Vec<(f64, f64)> = s.nodes.iter().map(|n| fit.to_px(n.position.x, n.position.y)).collect();
        let now = sim.now();
        store.flights.with_value(|flights| {
            let mut path = String::new();
            for kind in KINDS {
                let (shape, colour) = style(kind);
                path.clear();
                for f in flights.moving(now).filter(|f| f.kind == kind) {
                    let Some(&(a, b)) = ends.get(f.link as usize) else { continue };
                    let p = f.progress(now);
                    let (x, y) = if f.reverse { lerp(b, a, p) } else { lerp(a, b, p) };
                    add_shape(&mut path, shape, x, y);
                }
                if path.is_empty() {
                    continue;
                }
                let Ok(p2d) = web_sys::Path2d::new_with_path_string(&path) else { continue };
                match shape {
                    Shape::Dot | Shape::Square | Shape::Diamond => {
                        ctx.set_fill_style_str(colour);
                        ctx.fill_with_path_2d(&p2d);
                    }
                    Shape::Ring | Shape::HollowSquare | Shape::HollowDiamond => {
                        ctx.set_stroke_style_str(colour);
                        ctx.set_line_width(2.0);
                        ctx.stroke_with_path(&p2d);
                    }
                }
            }
            for m in flights.marks() {
                let age = now.saturating_sub(m.at);
                if age > mark_ttl {
                    continue;
                }
                let (x, y) = match m.place {
                    Place::Node(i) => centres.get(i as usize).copied().unwrap_or_default(),
                    Place::Link(i) => ends.get(i as usize).map(|(a, b)| lerp(*a, *b, 0.5)).unwrap_or_default(),
                };
                ctx.set_global_alpha(1.0 - age as f64 / mark_ttl.max(1) as f64);
                draw_mark(&ctx, m.kind, x, y);
            }
            ctx.set_global_alpha(1.0);
        });
    });
}

fn draw_mark(ctx: &Ctx, kind: MarkKind, x: f64, y: f64) {
    ctx.begin_path();
    ctx.set_line_width(2.5);
    match kind {
        MarkKind::Failure | MarkKind::Lost => {
            let r = if matches!(kind, MarkKind::Failure) { 9.0 } else { 5.0 };
            ctx.move_to(x - r, y - r);
            ctx.line_to(x + r, y + r);
            ctx.move_to(x + r, y - r);
            ctx.line_to(x - r, y + r);
            ctx.set_stroke_style_str(if matches!(kind, MarkKind::Failure) { "#ef4444" } else { "#9ca3af" });
        }
        MarkKind::Timeout => {
            ctx.move_to(x, y - 9.0);
            ctx.line_to(x + 8.0, y + 6.0);
            ctx.line_to(x - 8.0, y + 6.0);
            ctx.close_path();
            ctx.set_stroke_style_str("#f97316");
        }
        MarkKind::ShortCircuit => {
            ctx.move_to(x - 9.0, y - 9.0);
            ctx.line_to(x + 9.0, y + 9.0);
            ctx.set_stroke_style_str("#f59e0b");
        }
        MarkKind::DeadLetter => {
            ctx.rect(x - 10.0, y - 10.0, 20.0, 20.0);
            ctx.move_to(x - 6.0, y - 6.0);
            ctx.line_to(x + 6.0, y + 6.0);
            ctx.move_to(x + 6.0, y - 6.0);
            ctx.line_to(x - 6.0, y + 6.0);
            ctx.set_stroke_style_str("#ef4444");
        }
        MarkKind::Duplicate => {
            ctx.move_to(x + 7.0, y);
            let _ = ctx.arc(x, y, 7.0, 0.0, TAU);
            ctx.move_to(x + 11.0, y);
            let _ = ctx.arc(x, y, 11.0, 0.0, TAU);
            ctx.set_stroke_style_str("#a855f7");
        }
        MarkKind::Crash => {
            for i in 0..8 {
                let a = f64::from(i) * TAU / 8.0;
                ctx.move_to(x + 6.0 * a.cos(), y + 6.0 * a.sin());
                ctx.line_to(x + 16.0 * a.cos(), y + 16.0 * a.sin());
            }
            ctx.set_stroke_style_str("#ef4444");
        }
    }
    ctx.stroke();
}
