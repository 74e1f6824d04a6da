//! The stage's viewport: a uniform zoom and a pan offset from world units
//! (scenario positions) to screen pixels of the stage, shared by the SVG
//! and the flights canvas so they never disagree. Pure maths: screen ↔
//! world, zoom about a point, fit with a margin, clamps, and the level of
//! detail that keeps stage text at 11 px or more on screen.

use super::geometry::Bounds;

/// The smallest zoom: a large topology still fits a phone.
pub const MIN_ZOOM: f64 = 0.1;
/// The largest zoom.
pub const MAX_ZOOM: f64 = 4.0;
/// Empty space kept around a fitted topology, in screen pixels.
pub const FIT_MARGIN: f64 = 8.0;
/// Room kept free at the top of the stage for its toolbar, in screen pixels.
pub const TOOLBAR_ROOM: f64 = 36.0;
/// The smallest text size on screen, in pixels.
pub const MIN_TEXT_PX: f64 = 11.0;
/// Below this zoom nodes turn compact (their label only); above it, stage
/// text grows in world units to stay at [`MIN_TEXT_PX`] on screen.
pub const COMPACT_BELOW: f64 = 0.7;
/// Screen pixels of a topology kept inside the stage when panning, so it cannot be lost.
const KEEP_PX: f64 = 40.0;

/// `screen = world × zoom + (x, y)`, in stage pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// Screen pixels per world unit.
    pub zoom: f64,
    /// Screen x of world x = 0.
    pub x: f64,
    /// Screen y of world y = 0.
    pub y: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport { zoom: 1.0, x: 0.0, y: 0.0 }
    }
}

/// `z` within the zoom limits; anything not finite becomes 1.
pub fn clamp_zoom(z: f64) -> f64 {
    if z.is_finite() {
        z.clamp(MIN_ZOOM, MAX_ZOOM)
    } else {
        1.0
    }
}

impl Viewport {
    /// A world point on screen.
    pub fn to_screen(&self, wx: f64, wy: f64) -> (f64, f64) {
        (wx * self.zoom + self.x, wy * self.zoom + self.y)
    }

    /// A screen point in the world.
    pub fn to_world(&self, sx: f64, sy: f64) -> (f64, f64) {
        ((sx - self.x) / self.zoom, (sy - self.y) / self.zoom)
    }

    /// Zoomed by `factor` (clamped to the limits) keeping the world point
    /// under screen point `(sx, sy)` where it is.
    pub fn zoom_about(&self, factor: f64, sx: f64, sy: f64) -> Viewport {
        let zoom = clamp_zoom(self.zoom * factor);
        let (wx, wy) = self.to_world(sx, sy);
        Viewport { zoom, x: sx - wx * zoom, y: sy - wy * zoom }
    }

    /// Moved by `(dx, dy)` screen pixels.
    pub fn pan_by(&self, dx: f64, dy: f64) -> Viewport {
        Viewport { zoom: self.zoom, x: self.x + dx, y: self.y + dy }
    }

    /// The viewport that shows all of `b` centred in a `w × h` stage with
    /// [`FIT_MARGIN`] around it, below a band of `top` pixels kept free, at
    /// most at zoom 1 (a small topology is not blown up). A stage with no
    /// room left gets the smallest zoom.
    pub fn fit(b: Bounds, w: f64, h: f64, top: f64) -> Viewport {
        let (w, top) = (w.max(0.0), top.clamp(0.0, h.max(0.0) / 2.0));
        let h = (h - top).max(0.0);
        let room = |s: f64| (s - 2.0 * FIT_MARGIN).max(1.0);
        let zoom = clamp_zoom((room(w) / b.w.max(1.0)).min(room(h) / b.h.max(1.0)).min(1.0));
        let (cx, cy) = (b.x + b.w / 2.0, b.y + b.h / 2.0);
        Viewport { zoom, x: w / 2.0 - cx * zoom, y: top + h / 2.0 - cy * zoom }
    }

    /// The fit of `b` into the band from `top` to `bottom` (stage pixels)
    /// of a `w`-wide stage: the part a person sees below the toolbar and
    /// above the inspector's sheet, which covers the rest on narrow screens.
    pub fn fit_band(b: Bounds, w: f64, (top, bottom): (f64, f64)) -> Viewport {
        Viewport::fit(b, w, (bottom - top).max(0.0), 0.0).pan_by(0.0, top)
    }

    /// The stage height (screen pixels) at which the fit of `b` into a stage
    /// `w` wide, below a band of `top` pixels, fills the stage: the zoom the
    /// width allows, the topology's height at it, and the margins. A stage
    /// taller than this (a phone held upright, a wide topology) only adds
    /// empty space above and below it, so one column sizes its stage with it.
    pub fn fitted_height(b: Bounds, w: f64, top: f64) -> f64 {
        let room = (w.max(0.0) - 2.0 * FIT_MARGIN).max(1.0);
        let zoom = clamp_zoom((room / b.w.max(1.0)).min(1.0));
        (top.max(0.0) + 2.0 * FIT_MARGIN + b.h.max(1.0) * zoom).ceil()
    }

    /// Centred on world point `(wx, wy)` in a `w × h` stage (the minimap's jump).
    pub fn centred_on(&self, wx: f64, wy: f64, w: f64, h: f64) -> Viewport {
        Viewport { zoom: self.zoom, x: w / 2.0 - wx * self.zoom, y: h / 2.0 - wy * self.zoom }
    }

    /// Panned just enough that at least `KEEP_PX` of `b` (or all of it,
    /// if smaller) stays inside the `w × h` stage.
    pub fn clamped(&self, b: Bounds, w: f64, h: f64) -> Viewport {
        let (x0, y0) = self.to_screen(b.x, b.y);
        let (x1, y1) = self.to_screen(b.x + b.w, b.y + b.h);
        let keep = |lo: f64, hi: f64, size: f64| {
            let k = KEEP_PX.min(hi - lo).min(size);
            if hi < k {
                k - hi
            } else if lo > size - k {
                size - k - lo
            } else {
                0.0
            }
        };
        self.pan_by(keep(x0, x1, w.max(0.0)), keep(y0, y1, h.max(0.0)))
    }

    /// Panned just enough that the screen box `(x0, y0, x1, y1)` (stage
    /// pixels) lies `margin` inside the part of a `w`-wide stage that can
    /// be seen, the band from `top` to `bottom` (the rest is under the
    /// inspector's sheet, or scrolled away); `None` when it already does, or
    /// when no band is left. A box taller or wider than the band keeps its
    /// top or left edge in it.
    pub fn revealing(
        &self,
        b: (f64, f64, f64, f64),
        w: f64,
        (top, bottom): (f64, f64),
        margin: f64,
    ) -> Option<Viewport> {
        let shift = |lo: f64, hi: f64, from: f64, to: f64| {
            let (from, to) = (from + margin, to - margin);
            if to <= from {
                return None;
            }
            let d = if hi > to { to - hi } else { 0.0 };
            Some(if lo + d < from { from - lo } else { d })
        };
        let dx = shift(b.0, b.2, 0.0, w)?;
        let dy = shift(b.1, b.3, top, bottom)?;
        (dx.abs() > 0.5 || dy.abs() > 0.5).then(|| self.pan_by(dx, dy))
    }

    /// The world box seen in a `w × h` stage.
    pub fn visible(&self, w: f64, h: f64) -> Bounds {
        let (x, y) = self.to_world(0.0, 0.0);
        Bounds { x, y, w: w.max(0.0) / self.zoom, h: h.max(0.0) / self.zoom }
    }

    /// The SVG `transform` attribute drawing world units at this viewport.
    pub fn transform(&self) -> String {
        format!("translate({} {}) scale({})", self.x, self.y, self.zoom)
    }
}

/// True when all of `b` lies within `v` (the minimap is shown otherwise).
pub fn contains(v: Bounds, b: Bounds) -> bool {
    const SLACK: f64 = 0.5;
    b.x >= v.x - SLACK && b.y >= v.y - SLACK && b.x + b.w <= v.x + v.w + SLACK && b.y + b.h <= v.y + v.h + SLACK
}

/// How many characters of a node's label fit in a node `node_w` world
/// units wide at `zoom` with text at [`MIN_TEXT_PX`], or `None` from
/// [`COMPACT_BELOW`] up, where the whole node is drawn.
pub fn compact_chars(zoom: f64, node_w: f64) -> Option<usize> {
    if zoom >= COMPACT_BELOW {
        return None;
    }
    // About 0.6 em per character of the UI font, semi-bold; 6 px of padding.
    let chars = (node_w * zoom - 6.0) / (MIN_TEXT_PX * 0.6);
    Some(chars.max(0.0) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_under_the_sheet_is_panned_into_the_band_above_it() {
        let v = Viewport { zoom: 0.8, x: 10.0, y: 20.0 };
        // A 700 px stage, 400 tall, whose lower 150 px are under the sheet.
        let band = (36.0, 250.0);
        let node = (300.0, 280.0, 420.0, 340.0);
        let moved = v.revealing(node, 700.0, band, 12.0).expect("pans");
        assert_eq!((moved.zoom, moved.x), (0.8, 10.0), "only up, and no zoom");
        assert_eq!(moved.y, 20.0 - (340.0 - 238.0));
        // Already in the band: nothing to do, so a later pan by the person stands.
        assert_eq!(v.revealing((300.0, 60.0, 420.0, 120.0), 700.0, band, 12.0), None);
        // Above the band (under the toolbar, or scrolled away): down.
        let up = v.revealing((300.0, 0.0, 420.0, 30.0), 700.0, band, 12.0).expect("pans");
        assert_eq!(up.y, 20.0 + 48.0);
        // Off the side: across.
        let side = v.revealing((650.0, 60.0, 770.0, 120.0), 700.0, band, 12.0).expect("pans");
        assert_eq!(side.x, 10.0 - 82.0);
        // Taller than the band: its top edge is shown.
        let tall = v.revealing((0.0, 300.0, 100.0, 900.0), 700.0, band, 12.0).expect("pans");
        assert_eq!(tall.y, 20.0 - (300.0 - 48.0));
        // No band left: leave the view alone.
        assert_eq!(v.revealing(node, 700.0, (200.0, 210.0), 12.0), None);
    }

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn screen_and_world_round_trip_at_any_zoom() {
        for zoom in [0.5, 1.0, 2.0] {
            let v = Viewport { zoom, x: 37.0, y: -12.5 };
            for p in [(0.0, 0.0), (100.0, -40.0), (-3.25, 999.0)] {
                let s = v.to_screen(p.0, p.1);
                assert!(close(v.to_world(s.0, s.1), p), "zoom {zoom} {p:?}");
                assert!(close(v.to_screen(v.to_world(p.0, p.1).0, v.to_world(p.0, p.1).1), p));
            }
            // A screen distance is a world distance × zoom.
            let (a, b) = (v.to_world(10.0, 10.0), v.to_world(110.0, 10.0));
            assert!((b.0 - a.0 - 100.0 / zoom).abs() < 1e-9);
        }
    }

    #[test]
    fn zooming_keeps_the_point_under_the_cursor() {
        let v = Viewport { zoom: 1.0, x: 20.0, y: 30.0 };
        let before = v.to_world(200.0, 150.0);
        for factor in [0.5, 2.0, 1.1, 100.0, 0.0001] {
            let z = v.zoom_about(factor, 200.0, 150.0);
            assert!(close(z.to_world(200.0, 150.0), before), "factor {factor}");
            assert!((MIN_ZOOM..=MAX_ZOOM).contains(&z.zoom));
        }
        assert_eq!(v.zoom_about(f64::NAN, 0.0, 0.0).zoom, 1.0);
        assert_eq!(v.zoom_about(100.0, 0.0, 0.0).zoom, MAX_ZOOM);
    }

    #[test]
    fn a_stage_of_the_fitted_height_is_filled_by_its_topology() {
        let boxes = [
            Bounds { x: -99.0, y: -68.0, w: 1058.0, h: 556.0 },
            Bounds { x: 10.0, y: 40.0, w: 700.0, h: 120.0 },
            Bounds { x: 0.0, y: 0.0, w: 200.0, h: 150.0 },
        ];
        for b in boxes {
            for w in [336.0, 390.0, 700.0, 1280.0] {
                let h = Viewport::fitted_height(b, w, TOOLBAR_ROOM);
                let v = Viewport::fit(b, w, h, TOOLBAR_ROOM);
                // The width decides the zoom, as in a taller stage…
                assert!((v.zoom - Viewport::fit(b, w, 5_000.0, TOOLBAR_ROOM).zoom).abs() < 1e-9, "{b:?} at {w}");
                // …and the topology spans the stage below the toolbar, its margins apart.
                let (top, bottom) = (v.to_screen(0.0, b.y).1, v.to_screen(0.0, b.y + b.h).1);
                assert!((top - (TOOLBAR_ROOM + FIT_MARGIN)).abs() <= 1.0, "{top}");
                assert!((h - FIT_MARGIN - 1.0..=h - FIT_MARGIN + 0.01).contains(&bottom), "{bottom} of {h}");
            }
        }
        // A topology narrower than the stage is drawn at actual size, not blown up.
        let small = Bounds { x: 0.0, y: 0.0, w: 200.0, h: 150.0 };
        assert_eq!(Viewport::fitted_height(small, 1280.0, TOOLBAR_ROOM), TOOLBAR_ROOM + 2.0 * FIT_MARGIN + 150.0);
        // Nothing odd for a stage without width.
        assert!(Viewport::fitted_height(small, 0.0, TOOLBAR_ROOM).is_finite());
    }

    #[test]
    fn fit_shows_all_of_any_bounds_in_any_stage() {
        let boxes = [
            Bounds { x: -99.0, y: -68.0, w: 1058.0, h: 556.0 },
            Bounds { x: 0.0, y: 0.0, w: 1.0, h: 1.0 },
            Bounds { x: 5000.0, y: -300.0, w: 40.0, h: 9000.0 },
        ];
        for b in boxes {
            for (w, h) in [(1280.0, 860.0), (390.0, 400.0), (700.0, 300.0), (30.0, 20.0), (0.0, 0.0), (-5.0, 10.0)] {
                let v = Viewport::fit(b, w, h, 0.0);
                assert!(v.zoom.is_finite() && v.x.is_finite() && v.y.is_finite());
                assert!(v.zoom <= 1.0 && v.zoom >= MIN_ZOOM);
                // Centred.
                let c = v.to_screen(b.x + b.w / 2.0, b.y + b.h / 2.0);
                assert!(close(c, (w.max(0.0) / 2.0, h.max(0.0) / 2.0)), "{b:?} in {w}×{h}");
                // Wholly visible whenever the zoom limit allows it.
                let needed = ((w - 2.0 * FIT_MARGIN) / b.w).min((h - 2.0 * FIT_MARGIN) / b.h);
                if needed >= MIN_ZOOM {
                    assert!(contains(v.visible(w, h), b), "{b:?} in {w}×{h}");
                    let (x0, y0) = v.to_screen(b.x, b.y);
                    assert!(x0 >= FIT_MARGIN - 1e-6 && y0 >= FIT_MARGIN - 1e-6);
                }
            }
        }
        // A small topology is not blown up.
        assert_eq!(Viewport::fit(Bounds { x: 0.0, y: 0.0, w: 100.0, h: 100.0 }, 1000.0, 1000.0, 0.0).zoom, 1.0);
        // A band kept free at the top: the topology sits wholly below it.
        let b = Bounds { x: 0.0, y: 0.0, w: 400.0, h: 400.0 };
        let v = Viewport::fit(b, 400.0, 300.0, 36.0);
        assert!(v.to_screen(0.0, 0.0).1 >= 36.0 + FIT_MARGIN - 1e-9);
        assert!(v.to_screen(400.0, 400.0).1 <= 300.0 - FIT_MARGIN + 1e-9);
        assert!(Viewport::fit(b, 10.0, 10.0, 500.0).zoom.is_finite());
    }

    /// At 700 × 900 with a node selected, the sheet covers the stage's
    /// lower part: the fitted view keeps every node below the toolbar and
    /// above the sheet, not only the selected one.
    #[test]
    fn a_fit_into_the_band_left_by_the_toolbar_and_the_sheet_shows_every_node() {
        let seven = crate::engine::presets::load("seven").expect("preset");
        use crate::view_model::geometry::{scenario_bounds, NODE_HALF_H, NODE_HALF_W};
        let b = scenario_bounds(&seven);
        for (w, band) in [
            (646.0, (TOOLBAR_ROOM, 240.0)),
            (646.0, (TOOLBAR_ROOM, 400.0)),
            (336.0, (TOOLBAR_ROOM, 228.0)),
            (894.0, (200.0, 420.0)),
        ] {
            let v = Viewport::fit_band(b, w, band);
            for n in &seven.nodes {
                let (x0, y0) = v.to_screen(n.position.x - NODE_HALF_W, n.position.y - NODE_HALF_H);
                let (x1, y1) = v.to_screen(n.position.x + NODE_HALF_W, n.position.y + NODE_HALF_H);
                assert!(x0 >= 0.0 && x1 <= w, "{} across {w}: {x0}..{x1}", n.id);
                assert!(y0 >= band.0 && y1 <= band.1, "{} in {band:?}: {y0}..{y1}", n.id);
            }
            // Centred in the band, at the zoom the band allows.
            let (_, cy) = v.to_screen(0.0, b.y + b.h / 2.0);
            assert!((cy - (band.0 + band.1) / 2.0).abs() < 1e-6);
        }
        // No band left: still a finite view.
        let v = Viewport::fit_band(b, 646.0, (300.0, 200.0));
        assert!(v.zoom.is_finite() && v.y.is_finite());
    }

    #[test]
    fn panning_is_clamped_so_the_topology_stays_in_reach() {
        let b = Bounds { x: 0.0, y: 0.0, w: 500.0, h: 300.0 };
        let v = Viewport::fit(b, 400.0, 300.0, 0.0);
        assert_eq!(v.clamped(b, 400.0, 300.0), v, "a fitted view needs no clamp");
        let far = v.pan_by(-10_000.0, 10_000.0).clamped(b, 400.0, 300.0);
        let (x1, _) = far.to_screen(b.x + b.w, 0.0);
        let (_, y0) = far.to_screen(0.0, b.y);
        assert!((x1 - KEEP_PX).abs() < 1e-9 && (y0 - (300.0 - KEEP_PX)).abs() < 1e-9);
        let z = Viewport { zoom: 2.0, x: 0.0, y: 0.0 }.centred_on(100.0, 50.0, 400.0, 300.0);
        assert!(close(z.to_screen(100.0, 50.0), (200.0, 150.0)));
        assert!(z.transform().starts_with("translate(0 50) scale(2)"));
    }

    #[test]
    fn compact_labels_fit_their_node() {
        assert_eq!(compact_chars(1.0, 150.0), None);
        assert_eq!(compact_chars(COMPACT_BELOW, 150.0), None);
        assert_eq!(compact_chars(2.0, 150.0), None);
        let at_half = compact_chars(0.5, 150.0).unwrap_or_default();
        assert!((9..=11).contains(&at_half), "{at_half}");
        assert_eq!(compact_chars(0.01, 150.0), Some(0));
    }
}
