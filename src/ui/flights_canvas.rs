//! Draws the messages in flight on one canvas over the SVG topology.
//! Messages are stamped into a pixel buffer in wasm memory from small
//! pre-rasterised shapes and handed to the canvas in one `putImageData`:
//! with no GPU, that is several times cheaper than asking the canvas to
//! rasterise thousands of anti-aliased paths. Shapes differ by kind, so
//! colour is never the only cue. Rare marks (failures, timeouts) are drawn
//! as ordinary canvas paths on top.

use std::cell::RefCell;

use std::f64::consts::TAU;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::engine::Simulation;
use crate::view_model::flights::{FlightKind, MarkKind, Place};
use crate::view_model::geometry::{lerp, link_ends, node_mark_spot};

use super::store::Store;

#[derive(Clone, Copy)]
enum Shape {
    Dot,
    Ring,
    Square,
    HollowSquare,
    Diamond,
    HollowDiamond,
    Triangle,
    Bar,
    HollowBar,
    Plus,
    Cross,
}

fn style(kind: FlightKind) -> (Shape, &'static str) {
    match kind {
        FlightKind::Request => (Shape::Dot, "#3b82f6"),
        FlightKind::Retry => (Shape::Ring, "#f59e0b"),
        FlightKind::Reply => (Shape::Square, "#10b981"),
        FlightKind::ErrorReply => (Shape::HollowSquare, "#ef4444"),
        FlightKind::Enqueue | FlightKind::Delivery => (Shape::Diamond, "#8b5cf6"),
        FlightKind::Redelivery => (Shape::HollowDiamond, "#f97316"),
        FlightKind::Event => (Shape::Triangle, "#0891b2"),
        FlightKind::Record => (Shape::Bar, "#ca8a04"),
        FlightKind::Replay => (Shape::HollowBar, "#ca8a04"),
        FlightKind::Update => (Shape::Dot, "#16a34a"),
        FlightKind::ReplayedUpdate => (Shape::Ring, "#16a34a"),
        FlightKind::Step => (Shape::Plus, "#0d9488"),
        FlightKind::Compensation => (Shape::Cross, "#dc2626"),
    }
}

const KINDS: [FlightKind; 14] = [
    FlightKind::Request,
    FlightKind::Retry,
    FlightKind::Reply,
    FlightKind::ErrorReply,
    FlightKind::Enqueue,
    FlightKind::Delivery,
    FlightKind::Redelivery,
    FlightKind::Event,
    FlightKind::Record,
    FlightKind::Replay,
    FlightKind::Update,
    FlightKind::ReplayedUpdate,
    FlightKind::Step,
    FlightKind::Compensation,
];

fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<Ctx> {
    canvas.get_context("2d").ok().flatten()?.dyn_into::<Ctx>().ok()
}

fn rgb(hex: &str) -> [u8; 3] {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// A shape as a square alpha mask of `size` × `size` device pixels.
struct Stamp {
    size: i32,
    rgb: [u8; 3],
    alpha: Vec<u8>,
}

impl Stamp {
    fn new(kind: FlightKind, dpr: f64) -> Stamp {
        let (shape, colour) = style(kind);
        let r = 5.0 * dpr;
        let size = (2.0 * r).ceil() as i32 + 3;
        let c = f64::from(size) / 2.0;
        let mut alpha = vec![0u8; (size * size) as usize];
        for py in 0..size {
            for px in 0..size {
                let (dx, dy) = (f64::from(px) + 0.5 - c, f64::from(py) + 0.5 - c);
                let d = (dx * dx + dy * dy).sqrt();
                let line = 2.0 * dpr;
                // Coverage with a one-pixel soft edge, so shapes are not jagged.
                let cover = |inside: f64| (inside + 0.5).clamp(0.0, 1.0);
                let a = match shape {
                    Shape::Dot => cover(4.0 * dpr - d),
                    Shape::Ring => cover(line / 2.0 - (d - 4.5 * dpr).abs()),
                    Shape::Square => cover(3.5 * dpr - dx.abs().max(dy.abs())),
                    Shape::HollowSquare => cover(line / 2.0 - (dx.abs().max(dy.abs()) - 3.5 * dpr).abs()),
                    Shape::Diamond => cover((5.0 * dpr - dx.abs() - dy.abs()) / std::f64::consts::SQRT_2),
                    Shape::HollowDiamond => {
                        cover(line / 2.0 - ((dx.abs() + dy.abs()) / std::f64::consts::SQRT_2 - 3.2 * dpr).abs())
                    }
                    // Pointing up: below the top edges and above the base.
                    Shape::Triangle => cover((4.5 * dpr - dy).min((dy + 4.5 * dpr - 2.0 * dx.abs()) / 5.0_f64.sqrt())),
                    Shape::Bar => cover((5.0 * dpr - dx.abs()).min(2.5 * dpr - dy.abs())),
                    Shape::Plus => cover((5.0 * dpr - dx.abs().max(dy.abs())).min(1.6 * dpr - dx.abs().min(dy.abs()))),
                    // A plus turned by 45°: undoing.
                    Shape::Cross => {
                        let (u, v) = ((dx + dy) / std::f64::consts::SQRT_2, (dx - dy) / std::f64::consts::SQRT_2);
                        cover((5.0 * dpr - u.abs().max(v.abs())).min(1.6 * dpr - u.abs().min(v.abs())))
                    }
                    Shape::HollowBar => {
                        let outer = (5.0 * dpr - dx.abs()).min(2.8 * dpr - dy.abs());
                        let inner = (5.0 * dpr - line - dx.abs()).min(2.8 * dpr - line - dy.abs());
                        cover(outer.min(-inner))
                    }
                };
                alpha[(py * size + px) as usize] = (a * 255.0).round() as u8;
            }
        }
        Stamp { size, rgb: rgb(colour), alpha }
    }
}

/// The frame's pixels and the stamps for the current pixel ratio.
#[derive(Default)]
struct Buffer {
    pixels: Vec<u8>,
    dpr: f64,
    stamps: Vec<Stamp>,
}

impl Buffer {
    /// Stamps every message (device-pixel positions) into a buffer covering just
    /// the box they occupy; returns that box (x, y, width, height), or `None` when empty.
    fn draw(&mut self, w: u32, h: u32, dpr: f64, items: &[(FlightKind, f64, f64)]) -> Option<(u32, u32, u32, u32)> {
        if self.dpr != dpr || self.stamps.is_empty() {
            self.stamps = KINDS.iter().map(|k| Stamp::new(*k, dpr)).collect();
            self.dpr = dpr;
        }
        let half = self.stamps.iter().map(|s| s.size).max()? / 2 + 1;
        let (w, h) = (w as i32, h as i32);
        let (mut x0, mut y0, mut x1, mut y1) = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
        for &(_, x, y) in items {
            let (x, y) = (x.round() as i32, y.round() as i32);
            x0 = x0.min(x - half);
            y0 = y0.min(y - half);
            x1 = x1.max(x + half);
            y1 = y1.max(y + half);
        }
        let (x0, y0, x1, y1) = (x0.max(0), y0.max(0), x1.min(w), y1.min(h));
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        let (bw, bh) = (x1 - x0, y1 - y0);
        self.pixels.clear();
        self.pixels.resize((bw * bh * 4) as usize, 0);
        for &(kind, x, y) in items {
            let Some(stamp) = KINDS.iter().position(|k| *k == kind).and_then(|i| self.stamps.get(i)) else {
                continue;
            };
            let sx0 = x.round() as i32 - stamp.size / 2 - x0;
            let sy0 = y.round() as i32 - stamp.size / 2 - y0;
            for sy in 0..stamp.size {
                let py = sy0 + sy;
                if py < 0 || py >= bh {
                    continue;
                }
                for sx in 0..stamp.size {
                    let px = sx0 + sx;
                    let a = stamp.alpha[(sy * stamp.size + sx) as usize];
                    if a == 0 || px < 0 || px >= bw {
                        continue;
                    }
                    let i = ((py * bw + px) * 4) as usize;
                    if a >= self.pixels[i + 3] {
                        self.pixels[i..i + 3].copy_from_slice(&stamp.rgb);
                        self.pixels[i + 3] = a;
                    }
                }
            }
        }
        Some((x0 as u32, y0 as u32, bw as u32, bh as u32))
    }
}

thread_local! {
    static BUFFER: RefCell<Buffer> = RefCell::new(Buffer::default());
}

/// Redraws the canvas for the current simulated time.
pub fn draw(store: Store, canvas: NodeRef<leptos::html::Canvas>, mark_ttl: u64) {
    let Some(el) = canvas.get_untracked() else { return };
    let (w, h) = (f64::from(el.client_width()), f64::from(el.client_height()));
    if store.stage_size.get_untracked() != (w, h) {
        store.stage_size.set((w, h));
    }
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
        // The same transform as the SVG's, so dots stay on their links at any zoom and pan.
        let view = store.viewport.get_untracked();
        let px = |(x, y): (f64, f64)| view.to_screen(x, y);
        let world_ends: Vec<((f64, f64), (f64, f64))> = s
            .links
            .iter()
            .map(|l| match (s.node(&l.from), s.node(&l.to)) {
                (Some(a), Some(b)) => link_ends(a.position, b.position),
                _ => ((0.0, 0.0), (0.0, 0.0)),
            })
            .collect();
        let ends: Vec<_> = world_ends.iter().map(|&(p, q)| (px(p), px(q))).collect();
        // Node marks on a corner; off the dead-letter pill where one shows.
        let corners: Vec<(f64, f64)> = store.frame.with_untracked(|f| {
            s.nodes
                .iter()
                .enumerate()
                .map(|(i, n)| px(node_mark_spot(n.position, f.nodes.get(i).is_some_and(|st| st.dead_lettered > 0))))
                .collect()
        });
        let now = sim.now();
        store.flights.with_value(|flights| {
            let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
            BUFFER.with(|cell| {
                let mut buf = cell.borrow_mut();
                let items: Vec<(FlightKind, f64, f64)> = flights
                    .moving(now)
                    .filter_map(|f| {
                        let (a, b) = match f.hop {
                            // A saga message between two services the links do not join (choreography).
                            Some((from, to)) => {
                                let (a, b) = (s.nodes.get(from as usize)?, s.nodes.get(to as usize)?);
                                let (p, q) = link_ends(a.position, b.position);
                                (px(p), px(q))
                            }
                            None => *ends.get(f.link as usize)?,
                        };
                        let p = f.progress(now);
                        let (x, y) = if f.reverse { lerp(b, a, p) } else { lerp(a, b, p) };
                        Some((f.kind, x * dpr, y * dpr))
                    })
                    .collect();
                if let Some((x0, y0, bw, bh)) = buf.draw(pw, ph, dpr, &items) {
                    if let Ok(img) =
                        web_sys::ImageData::new_with_u8_clamped_array_and_sh(wasm_bindgen::Clamped(&buf.pixels), bw, bh)
                    {
                        let _ = ctx.put_image_data(&img, f64::from(x0), f64::from(y0));
                    }
                }
                // Dots pass under the breaker badges, so their state stays readable.
                store.frame.with_untracked(|f| {
                    for (i, l) in f.links.iter().enumerate() {
                        let (Some(_), Some(&(a, b))) = (l.breaker, world_ends.get(i)) else { continue };
                        let (x, y) = px(lerp(a, b, 0.3));
                        let (hw, hh) = (25.0 * view.zoom * dpr, 10.0 * view.zoom * dpr);
                        ctx.clear_rect(x * dpr - hw, y * dpr - hh, 2.0 * hw, 2.0 * hh);
                    }
                });
            });
            let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
            for m in flights.marks() {
                let age = now.saturating_sub(m.at);
                if age > mark_ttl {
                    continue;
                }
                let (x, y) = match m.place {
                    Place::Node(i) => corners.get(i as usize).copied().unwrap_or_default(),
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
        MarkKind::Unreadable => {
            ctx.move_to(x + 9.0, y);
            let _ = ctx.arc(x, y, 9.0, 0.0, TAU);
            ctx.move_to(x - 6.5, y + 6.5);
            ctx.line_to(x + 6.5, y - 6.5);
            ctx.set_stroke_style_str("#d97706");
        }
        MarkKind::Commit => {
            ctx.move_to(x - 5.0, y);
            ctx.line_to(x - 1.0, y + 4.0);
            ctx.line_to(x + 6.0, y - 5.0);
            ctx.set_stroke_style_str("#16a34a");
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
