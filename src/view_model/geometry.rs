//! Topology geometry: bounds, fitting world coordinates into a box the way
//! SVG's `preserveAspectRatio="xMidYMid meet"` does, and link end points.

use crate::engine::scenario::{Position, Scenario};

/// Half the width and height of a drawn node, in world units.
pub const NODE_HALF_W: f64 = 75.0;
/// Half the height of a drawn node.
pub const NODE_HALF_H: f64 = 30.0;

/// An axis-aligned box in world coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width (> 0).
    pub w: f64,
    /// Height (> 0).
    pub h: f64,
}

impl Bounds {
    /// The SVG `viewBox` attribute for these bounds.
    pub fn view_box(&self) -> String {
        format!("{} {} {} {}", self.x, self.y, self.w, self.h)
    }
}

/// The box around every node of `s`, with room for node shapes and a margin.
pub fn scenario_bounds(s: &Scenario) -> Bounds {
    let margin = 24.0;
    let mut it = s.nodes.iter().map(|n| n.position);
    let Some(first) = it.next() else { return Bounds { x: 0.0, y: 0.0, w: 400.0, h: 300.0 } };
    let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
    for p in it {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    let (x0, y0) = (x0 - NODE_HALF_W - margin, y0 - NODE_HALF_H - margin - 14.0);
    let (x1, y1) = (x1 + NODE_HALF_W + margin, y1 + NODE_HALF_H + margin + 14.0);
    Bounds { x: x0, y: y0, w: (x1 - x0).max(1.0), h: (y1 - y0).max(1.0) }
}

/// A uniform scale and offset from world coordinates to pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// Pixels per world unit.
    pub scale: f64,
    /// Pixel x of world x = 0.
    pub dx: f64,
    /// Pixel y of world y = 0.
    pub dy: f64,
}

impl Fit {
    /// Fits `b` into a `width × height` pixel box, centred, keeping proportions
    /// (what SVG does with `xMidYMid meet`).
    pub fn meet(b: Bounds, width: f64, height: f64) -> Fit {
        let scale = (width / b.w).min(height / b.h).max(1e-9);
        let dx = (width - b.w * scale) / 2.0 - b.x * scale;
        let dy = (height - b.h * scale) / 2.0 - b.y * scale;
        Fit { scale, dx, dy }
    }

    /// World point to pixels.
    pub fn to_px(&self, x: f64, y: f64) -> (f64, f64) {
        (x * self.scale + self.dx, y * self.scale + self.dy)
    }
}

/// Where a link's line starts and ends: on the borders of its nodes' boxes,
/// so arrows are not hidden under the shapes.
pub fn link_ends(from: Position, to: Position) -> ((f64, f64), (f64, f64)) {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-9 {
        return ((from.x, from.y), (to.x, to.y));
    }
    // Distance from the centre to the box border along the direction.
    let t = (NODE_HALF_W / dx.abs().max(1e-9)).min(NODE_HALF_H / dy.abs().max(1e-9)).min(0.45);
    ((from.x + dx * t, from.y + dy * t), (to.x - dx * t, to.y - dy * t))
}

/// The point a fraction `f` (0 to 1) of the way from `a` to `b`.
pub fn lerp(a: (f64, f64), b: (f64, f64), f: f64) -> (f64, f64) {
    let f = f.clamp(0.0, 1.0);
    (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f)
}

/// Where a mark about a node (a failure, a dead letter, a crash) is
/// drawn, in world units: the node's top-right corner, clear of its label;
/// on a node showing its dead-letter pill, which holds that corner, the
/// bottom-right one, so the pill stays readable under a stream of marks.
pub fn node_mark_spot(at: Position, shows_pill: bool) -> (f64, f64) {
    let dy = if shows_pill { NODE_HALF_H - 8.0 } else { 2.0 - NODE_HALF_H };
    (at.x + NODE_HALF_W - 10.0, at.y + dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_mark_keeps_clear_of_the_dead_letter_pill() {
        use crate::view_model::badge_pill::dlq_badge;
        use crate::view_model::label_layout::BADGE_INSET;
        let at = Position { x: 100.0, y: 50.0 };
        // The widest pill, at actual size: its group sits at the top-right
        // corner, the rect from 9 above to 8 below (`badge_pill`).
        let w = dlq_badge(999_999_999).width;
        let (right, y) = (at.x + NODE_HALF_W - BADGE_INSET, at.y - NODE_HALF_H - 8.0);
        let pill = (right - w, y - 9.0, right, y + 8.0);
        // The largest mark reaches 11 px from its centre; at actual size a px is a world unit.
        let hits =
            |(x, my): (f64, f64)| x + 11.0 > pill.0 && x - 11.0 < pill.2 && my + 11.0 > pill.1 && my - 11.0 < pill.3;
        assert!(hits(node_mark_spot(at, false)), "the usual corner is the pill's");
        assert!(!hits(node_mark_spot(at, true)), "with the pill shown, the mark moves off it");
        let (_, my) = node_mark_spot(at, true);
        assert!(my < at.y + NODE_HALF_H, "still on the node");
    }

    #[test]
    fn meet_centres_and_keeps_proportions() {
        let b = Bounds { x: 0.0, y: 0.0, w: 200.0, h: 100.0 };
        let f = Fit::meet(b, 400.0, 400.0);
        assert_eq!(f.scale, 2.0);
        assert_eq!(f.to_px(0.0, 0.0), (0.0, 100.0));
        assert_eq!(f.to_px(200.0, 100.0), (400.0, 300.0));
        let g = Fit::meet(Bounds { x: 50.0, y: 10.0, w: 100.0, h: 100.0 }, 300.0, 200.0);
        assert_eq!(g.scale, 2.0);
        assert_eq!(g.to_px(50.0, 10.0), (50.0, 0.0));
    }

    #[test]
    fn link_ends_sit_on_the_node_borders() {
        let a = Position { x: 0.0, y: 0.0 };
        let b = Position { x: 300.0, y: 0.0 };
        let (s, e) = link_ends(a, b);
        assert_eq!(s, (NODE_HALF_W, 0.0));
        assert_eq!(e, (300.0 - NODE_HALF_W, 0.0));
        let (s, _) = link_ends(a, Position { x: 0.0, y: 200.0 });
        assert_eq!(s, (0.0, NODE_HALF_H));
        assert_eq!(link_ends(a, a), ((0.0, 0.0), (0.0, 0.0)));
    }

    #[test]
    fn bounds_cover_every_node() {
        let s = crate::engine::presets::load("order-flow").expect("preset");
        let b = scenario_bounds(&s);
        for n in &s.nodes {
            assert!(n.position.x - NODE_HALF_W >= b.x && n.position.x + NODE_HALF_W <= b.x + b.w);
            assert!(n.position.y - NODE_HALF_H >= b.y && n.position.y + NODE_HALF_H <= b.y + b.h);
        }
        assert_eq!(lerp((0.0, 0.0), (10.0, 20.0), 0.5), (5.0, 10.0));
        assert_eq!(lerp((0.0, 0.0), (10.0, 20.0), 7.0), (10.0, 20.0));
    }
}
