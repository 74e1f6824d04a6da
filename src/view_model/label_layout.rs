//! Where the topology's text sits around nodes and lanes, in world units,
//! and a check that a scenario's layout leaves room for it: the boxes its
//! labels take at their largest (text grows in world units down to the
//! zoom where nodes turn compact) must not cover each other or another
//! node. The stage draws with these offsets, so the check is about the
//! real drawing.

use crate::engine::scenario::Position;

use super::geometry::{lerp, link_ends, NODE_HALF_H};

mod boxes;
mod overlaps;

pub use boxes::{text_boxes, TextBox, BADGE_INSET, MANUAL_BADGE_W};
pub use overlaps::label_overlaps;

/// Baseline of the first line of text under a node, below its bottom edge.
pub const BELOW_FIRST: f64 = 16.0;
/// From one line of stage text to the next: room for 11 px text at its
/// largest in world units (at [`COMPACT_BELOW`](super::viewport::COMPACT_BELOW)) so stacked lines never touch.
pub const LINE_STEP: f64 = 19.0;

/// The baseline of line `i` (0 first) under a node, from the node's centre.
pub fn below_line_y(i: u32) -> f64 {
    NODE_HALF_H + BELOW_FIRST + f64::from(i) * LINE_STEP
}

/// How far along a link's drawn line its transport glyph sits (0 to 1).
pub const GLYPH_AT: f64 = 0.75;
/// The glyph's circle, in world units.
pub const GLYPH_RADIUS: f64 = 9.0;
/// How far along a link's drawn line its breaker badge sits (0 to 1).
pub const BREAKER_AT: f64 = 0.3;
/// Half the breaker badge's width and height, in world units (it does not
/// grow with zoom, so it fits "HALF-OPEN").
pub const BREAKER_HALF: (f64, f64) = (34.0, 10.0);

/// Where a link's breaker badge is centred, for the drawn line from `a`
/// to `b` with badges and glyphs grown `grow` times (zoomed out they keep
/// their size on screen: `max(1, 1 / zoom)`): on the line at
/// [`BREAKER_AT`], or, on a line too short to hold the badge and the
/// transport glyph apart, beside its middle on the upper (or left) side
/// (found on `seven`: OPEN covered Inventory → Pricing's glyph).
pub fn breaker_centre(a: (f64, f64), b: (f64, f64), grow: f64) -> (f64, f64) {
    let (hw, hh, r) = (BREAKER_HALF.0 * grow, BREAKER_HALF.1 * grow, GLYPH_RADIUS * grow);
    let len = (b.0 - a.0).hypot(b.1 - a.1);
    if (GLYPH_AT - BREAKER_AT) * len >= hw + r + 4.0 {
        return lerp(a, b, BREAKER_AT);
    }
    let ((mx, my), (nx, ny)) = (lerp(a, b, 0.5), down_normal(a, b));
    // The box's half extent across the line, plus the glyph and a gap.
    let away = hw * nx.abs() + hh * ny.abs() + r + 3.0;
    (mx - nx * away, my - ny * away)
}

/// How many times badges and glyphs are grown at `zoom` (style/main.css:
/// `scale(max(1, var(--k)))`, `--k` being 1 / zoom).
pub fn badge_growth(zoom: f64) -> f64 {
    (1.0 / zoom.max(1e-9)).max(1.0)
}

/// The unit normal of the line from `a` to `b` pointing down (or right, for a vertical line).
pub fn down_normal(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (nx, ny) = (-dy / len, dx / len);
    if ny < 0.0 || (ny == 0.0 && nx < 0.0) {
        (-nx, -ny)
    } else {
        (nx, ny)
    }
}

/// How text beside a line is anchored when it is offset by normal x `nx`.
pub fn anchor_for(nx: f64) -> &'static str {
    if nx > 0.6 {
        "start"
    } else if nx < -0.6 {
        "end"
    } else {
        "middle"
    }
}

/// Where a lane's (or consumer group's) label starts: beside the link's
/// middle on its lower side, with its text anchor. Its warning goes
/// [`LINE_STEP`] lower. On a sloping link the text runs away from the
/// side where the line comes down into it (and where the glyph sits), so
/// only a nearly level link centres it.
pub fn lane_anchor(from: Position, to: Position) -> (f64, f64, &'static str) {
    let (a, b) = link_ends(from, to);
    let (mx, my) = lerp(a, b, 0.5);
    let (nx, ny) = down_normal(a, b);
    let anchor = if nx > 0.2 {
        "start"
    } else if nx < -0.2 {
        "end"
    } else {
        "middle"
    };
    (mx + nx * 12.0, my + ny * 12.0 + 8.0, anchor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breaker_badge_keeps_clear_of_its_links_glyph() {
        let clear = |a: (f64, f64), b: (f64, f64), grow: f64| {
            let (bx, by) = breaker_centre(a, b, grow);
            let (gx, gy) = lerp(a, b, GLYPH_AT);
            // The nearest point of the badge's box to the glyph's centre is farther than its radius.
            let dx = (gx - bx).abs() - BREAKER_HALF.0 * grow;
            let dy = (gy - by).abs() - BREAKER_HALF.1 * grow;
            dx.max(0.0).hypot(dy.max(0.0)) > GLYPH_RADIUS * grow
        };
        for zoom in [2.0, 1.0, 0.74, 0.5] {
            let grow = badge_growth(zoom);
            for len in [40.0, 80.0, 104.0, 120.0, 150.0, 300.0] {
                assert!(clear((0.0, 0.0), (len, 0.0), grow), "horizontal, {len} long, zoom {zoom}");
                assert!(clear((0.0, 0.0), (0.0, len), grow), "vertical, {len} long, zoom {zoom}");
                assert!(clear((0.0, 0.0), (len * 0.6, len * 0.8), grow), "slanted, {len} long, zoom {zoom}");
            }
        }
        assert_eq!(breaker_centre((0.0, 0.0), (300.0, 0.0), 1.0), (90.0, 0.0), "a long link keeps it on the line");
        let (_, y) = breaker_centre((0.0, 0.0), (60.0, 0.0), 1.0);
        assert!(y < 0.0, "a short link's badge sits above it");
    }

    #[test]
    fn lane_labels_sit_below_the_line_with_the_right_anchor() {
        let (x, y, anchor) = lane_anchor(Position { x: 0.0, y: 0.0 }, Position { x: 400.0, y: 0.0 });
        assert_eq!((x, y, anchor), (200.0, 20.0, "middle"));
        let (_, _, down) = lane_anchor(Position { x: 0.0, y: 0.0 }, Position { x: 0.0, y: 400.0 });
        assert_eq!(down, "start", "a vertical link's label goes to its right");
        let (_, _, sloping) = lane_anchor(Position { x: 0.0, y: 0.0 }, Position { x: 300.0, y: 150.0 });
        assert_eq!(sloping, "end", "the line comes down into the right of a down-right link's label");
    }
}
