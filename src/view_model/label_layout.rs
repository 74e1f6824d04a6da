//! Where the topology's text sits around nodes and lanes, in world units,
//! and a check that a scenario's layout leaves room for it: the boxes its
//! labels take at their largest (text grows in world units down to the
//! zoom where nodes turn compact) must not cover each other or another
//! node. The stage draws with these offsets, so the check is about the
//! real drawing.

use crate::engine::scenario::{NodeKind, Position, Scenario};

use super::geometry::{lerp, link_ends, Bounds, NODE_HALF_H, NODE_HALF_W};
use super::short_labels::{short_label, Room};
use super::text_fit::{em_width, fit_parts, label_room, meta_room, world_size, LABEL_X};
use super::viewport::MIN_TEXT_PX;

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

/// One piece of text's box at its largest, and whose it is.
#[derive(Clone, Debug, PartialEq)]
pub struct TextBox {
    /// The node's or link's id.
    pub owner: String,
    /// A sample of the text measured.
    pub text: String,
    /// Its box in world units.
    pub b: Bounds,
}

/// How far a corner badge's outer end sits inside the node's left or right edge.
pub const BADGE_INSET: f64 = 4.0;
/// The width of an orchestrator's "manual N" badge at actual size.
pub const MANUAL_BADGE_W: f64 = 62.0;

/// About how wide a character of the state badges is, in em: bold
/// capitals, letter-spaced.
const EM_BADGE: f64 = 0.72;

/// How wide text is in ems: in the font's own widths, or `EM_BADGE` a
/// character for the letter-spaced badges.
#[derive(Clone, Copy)]
enum Face {
    Regular,
    Bold,
    Badge,
}

/// The box of `text` at font size `size` with its baseline at `(x, y)`:
/// 0.8 em above the baseline and 0.25 em below.
fn text_box(owner: &str, text: &str, (x, y): (f64, f64), anchor: &str, size: f64, face: Face) -> TextBox {
    let em = match face {
        Face::Regular => em_width(text, false),
        Face::Bold => em_width(text, true),
        Face::Badge => text.chars().count() as f64 * EM_BADGE,
    };
    let w = em * size;
    let left = match anchor {
        "start" => x,
        "end" => x - w,
        _ => x - w / 2.0,
    };
    TextBox {
        owner: owner.to_string(),
        text: text.to_string(),
        b: Bounds { x: left, y: y - 0.8 * size, w, h: 1.05 * size },
    }
}

fn body(p: Position) -> Bounds {
    Bounds { x: p.x - NODE_HALF_W, y: p.y - NODE_HALF_H, w: 2.0 * NODE_HALF_W, h: 2.0 * NODE_HALF_H }
}

fn intersect(a: &Bounds, b: &Bounds) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/// The text of `s`'s topology with busy but ordinary figures: each node's
/// label and the line inside it, two state badges under those that have
/// them ("RESTARTING · ERRORS"), an orchestrator's saga line and manual badge, an outbox's
/// lost events, and each lane's or group's label with its warning.
pub fn text_boxes(s: &Scenario, zoom: f64) -> Vec<TextBox> {
    let small = world_size(MIN_TEXT_PX, zoom);
    let mut out = Vec::new();
    for n in &s.nodes {
        let (x, y, id) = (n.position.x, n.position.y, n.id.as_str());
        let label = short_label(&n.label, Room::Ems(label_room(zoom)));
        out.push(text_box(id, &label, (x + LABEL_X, y - 12.0), "middle", world_size(12.0, zoom), Face::Bold));
        // The line inside the node, with busy but ordinary figures.
        let (meta, dy) = match &n.kind {
            NodeKind::Client(_) => ("9999 ok · 99 failed", 14.0),
            NodeKind::Service(_) => ("20/40 busy · 9 wait", 22.0),
            NodeKind::Queue(_) => ("depth 99 · 9.9 s old", 22.0),
            NodeKind::Topic(_) => ("9999 published · v2", 10.0),
            NodeKind::Log(_) => ("999 kept · 3 partitions", 24.0),
            NodeKind::Gateway(_) => ("1400 up · 600 stale", 22.0),
            NodeKind::Job(_) => ("ok 0.6 s ago · no alerts", 24.0),
        };
        // Drawn as it fits the node (see `text_fit::fit_parts`).
        out.push(text_box(id, &fit_parts(meta, meta_room(zoom)), (x, y + dy), "middle", small, Face::Regular));
        // State badges: services and jobs (crashes, hangs, slowness,
        // errors) and gateways (restarts).
        if matches!(n.kind, NodeKind::Service(_) | NodeKind::Gateway(_) | NodeKind::Job(_)) {
            out.push(text_box(id, STATE_LINE, (x, y + below_line_y(0)), "middle", small, Face::Badge));
        }
        let second = match &n.kind {
            NodeKind::Service(spec) if spec.saga.is_some() => {
                let longest = s
                    .links
                    .iter()
                    .filter(|l| l.from == n.id && l.transport.step_policy().is_some())
                    .filter_map(|l| s.node(&l.to))
                    .map(|t| t.label.chars().count())
                    .max()
                    .unwrap_or(0);
                // The manual badge over the top-left corner grows rightwards
                // from the corner (on the right, step arrows leave the node).
                let k = small / MIN_TEXT_PX;
                let (cx, cy) = (x - NODE_HALF_W + BADGE_INSET, y - NODE_HALF_H - 8.0);
                let b = Bounds { x: cx, y: cy - 9.0 * k, w: MANUAL_BADGE_W * k, h: 17.0 * k };
                out.push(TextBox { owner: n.id.clone(), text: MANUAL_SAMPLE.into(), b });
                Some(format!("99 running · ↩ {}", "n".repeat(longest)))
            }
            _ if s
                .links
                .iter()
                .any(|l| l.from == n.id && l.transport.append_policy().is_some_and(|a| a.outbox.is_some())) =>
            {
                Some("999 events never published".to_string())
            }
            NodeKind::Client(_)
            | NodeKind::Service(_)
            | NodeKind::Gateway(_)
            | NodeKind::Queue(_)
            | NodeKind::Topic(_)
            | NodeKind::Log(_)
            | NodeKind::Job(_) => None,
        };
        if let Some(text) = second {
            out.push(text_box(id, &text, (x, y + below_line_y(1)), "middle", small, Face::Regular));
        }
    }
    for l in &s.links {
        let lane = l.transport.subscribe_policy().is_some();
        if !lane && l.transport.read_policy().is_none() {
            continue;
        }
        let (Some(from), Some(to)) = (s.node(&l.from), s.node(&l.to)) else { continue };
        let (x, y, anchor) = lane_anchor(from.position, to.position);
        let first = if lane { "lag 99 · 9.9 s" } else { "lag 99 · 99 duplicates" };
        out.push(text_box(&l.id, first, (x, y), anchor, small, if lane { Face::Regular } else { Face::Bold }));
        if lane {
            // Bold (`.lane__warn`), like a group's label once it has lost records.
            out.push(text_box(&l.id, "⚠ 9999 unreadable", (x, y + LINE_STEP), anchor, small, Face::Bold));
        }
    }
    // Every link's glyph, and the breaker badge of those with a breaker:
    // owned apart from the link's own label, which must not cover them.
    for l in &s.links {
        let (Some(from), Some(to)) = (s.node(&l.from), s.node(&l.to)) else { continue };
        let (a, b) = link_ends(from.position, to.position);
        let (gx, gy) = lerp(a, b, GLYPH_AT);
        // As drawn: zoomed out, badges and glyphs grow (see `badge_growth`).
        let grow = badge_growth(zoom);
        let r = GLYPH_RADIUS * grow;
        let glyph = Bounds { x: gx - r, y: gy - r, w: 2.0 * r, h: 2.0 * r };
        out.push(TextBox { owner: format!("{} glyph", l.id), text: "glyph".into(), b: glyph });
        if l.transport.sync_policy().is_some_and(|p| p.breaker.is_some()) {
            let ((bx, by), (hw, hh)) = (breaker_centre(a, b, grow), (BREAKER_HALF.0 * grow, BREAKER_HALF.1 * grow));
            let badge = Bounds { x: bx - hw, y: by - hh, w: 2.0 * hw, h: 2.0 * hh };
            out.push(TextBox { owner: format!("{} breaker", l.id), text: "HALF-OPEN".into(), b: badge });
        }
    }
    out
}

/// A node's state badges ("RESTARTING · ERRORS", shown only while it
/// fails, with a halo) may cover a link's glyph and stay readable. A
/// lane's label may not: beside another link's glyph it reads as that
/// link's, and over its own as part of it.
fn may_cover(text: &TextBox, glyph: &TextBox) -> bool {
    glyph.owner.ends_with(" glyph") && text.text == STATE_LINE
}

/// The manual badge's text as measured (a two-digit count).
const MANUAL_SAMPLE: &str = "manual 99";

/// `b` with `d` more on every side.
fn grown(b: &Bounds, d: f64) -> Bounds {
    Bounds { x: b.x - d, y: b.y - d, w: b.w + 2.0 * d, h: b.h + 2.0 * d }
}

/// Whether the segment from `p` to `q` passes through `b` (clipped to the
/// box one axis at a time: Liang–Barsky).
fn segment_meets(p: (f64, f64), q: (f64, f64), b: &Bounds) -> bool {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (step, near, far) in [(dx, b.x - p.0, b.x + b.w - p.0), (dy, b.y - p.1, b.y + b.h - p.1)] {
        if step.abs() < 1e-12 {
            if near > 0.0 || far < 0.0 {
                return false;
            }
            continue;
        }
        let (ta, tb) = (near / step, far / step);
        t0 = t0.max(ta.min(tb));
        t1 = t1.min(ta.max(tb));
    }
    t0 <= t1
}

/// The widest state badges a node shows at once.
const STATE_LINE: &str = "RESTARTING · ERRORS";

/// The links other than `t`'s own whose drawn line passes through `t`'s box.
fn lines_across<'a>(s: &'a Scenario, t: &'a TextBox) -> impl Iterator<Item = &'a str> + 'a {
    s.links.iter().filter(move |l| l.id != t.owner).filter_map(move |l| {
        let (from, to) = (s.node(&l.from)?, s.node(&l.to)?);
        let (p, q) = link_ends(from.position, to.position);
        segment_meets(p, q, &t.b).then_some(l.id.as_str())
    })
}

/// True for words of a node or a link (not a glyph's or a breaker badge's box).
fn is_text(s: &Scenario, t: &TextBox) -> bool {
    s.node(&t.owner).is_some() || s.link(&t.owner).is_some()
}

/// What covers what in `s`'s drawing at `zoom` (and every zoom above it),
/// in words: text of one node or link over another's text, or a node's
/// text over another node's box. Empty when the layout leaves room for
/// every label.
pub fn label_overlaps(s: &Scenario, zoom: f64) -> Vec<String> {
    let boxes = text_boxes(s, zoom);
    let mut out = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if a.owner != b.owner && intersect(&a.b, &b.b) && !may_cover(a, b) && !may_cover(b, a) {
                out.push(format!("{}'s '{}' covers {}'s '{}'", a.owner, a.text, b.owner, b.text));
            }
        }
        // A corner badge may not touch a link's line (found on `seven`:
        // the Order saga's manual badge on its step arrow to the warehouse).
        if a.text == MANUAL_SAMPLE {
            for l in &s.links {
                let (Some(from), Some(to)) = (s.node(&l.from), s.node(&l.to)) else { continue };
                let (p, q) = link_ends(from.position, to.position);
                if segment_meets(p, q, &grown(&a.b, 3.0)) {
                    out.push(format!("{}'s '{}' touches link {}", a.owner, a.text, l.id));
                }
            }
        }
        // Text may not sit across another link's line (found on `seven`:
        // Email's lane warning across the arrow into the orders log): a
        // line through words hides them, and reads as pointing at them.
        // State badges may (like glyphs, see `may_cover`): they show while
        // a node fails, and their halo keeps them readable.
        if is_text(s, a) && a.text != STATE_LINE {
            for id in lines_across(s, a) {
                out.push(format!("{}'s '{}' lies across link {id}", a.owner, a.text));
            }
        }
        // A node's own lines may not run into another node, nor a lane's
        // text into any node: on a box it reads as that node's state.
        for n in s.nodes.iter().filter(|n| is_text(s, a) && n.id != a.owner) {
            if intersect(&a.b, &body(n.position)) {
                out.push(format!("{}'s '{}' covers node {}", a.owner, a.text, n.id));
            }
        }
    }
    out
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
    fn a_segment_meets_a_box_only_where_it_crosses_it() {
        let b = Bounds { x: 0.0, y: 0.0, w: 10.0, h: 10.0 };
        assert!(segment_meets((-5.0, 5.0), (15.0, 5.0), &b), "straight through");
        assert!(segment_meets((5.0, 5.0), (50.0, 50.0), &b), "from inside");
        assert!(!segment_meets((-5.0, 12.0), (15.0, 12.0), &b), "passes above");
        assert!(!segment_meets((11.0, -5.0), (11.0, 20.0), &b), "vertical, beside");
        assert!(!segment_meets((-10.0, 5.0), (-1.0, 5.0), &b), "ends before it");
        assert!(!segment_meets((12.0, 0.0), (20.0, -8.0), &b), "slanted, past the corner");
    }

    use crate::engine::presets;
    use crate::view_model::viewport::COMPACT_BELOW;

    /// The default scenario is fitted at a zoom of about 0.74 on a 1280 px
    /// laptop screen (e2e/layout.test.js measures it): checked from a
    /// little below that up to actual size.
    const ZOOMS: [f64; 5] = [0.72, 0.74, 0.8, 0.9, 1.0];

    #[test]
    fn the_default_scenario_leaves_room_for_every_label() {
        let s = presets::load("seven").expect("preset");
        for zoom in ZOOMS {
            assert_eq!(label_overlaps(&s, zoom), Vec::<String>::new(), "at zoom {zoom}");
        }
    }

    #[test]
    fn text_across_another_links_line_is_found() {
        let s = presets::load("seven").expect("preset");
        let (from, to) = (s.node("order-events").unwrap().position, s.node("email").unwrap().position);
        let (x, y, anchor) = lane_anchor(from, to);
        let size = world_size(MIN_TEXT_PX, 0.72);
        let warning = |text: &str| text_box("order-events-email", text, (x, y + LINE_STEP), anchor, size, Face::Bold);
        // The warning as it was: across the arrow into the orders log.
        let old = warning("⚠ 9999 unreadable, dropped");
        assert_eq!(lines_across(&s, &old).collect::<Vec<_>>(), ["api-orders-log"]);
        assert_eq!(lines_across(&s, &warning("⚠ 9999 unreadable")).count(), 0);
        // Its own line is not counted: the text sits beside it.
        let own = text_box(
            "order-events-email",
            "x",
            lerp(link_ends(from, to).0, link_ends(from, to).1, 0.5),
            "middle",
            size,
            Face::Bold,
        );
        assert_eq!(lines_across(&s, &own).count(), 0);
    }

    #[test]
    fn a_node_under_another_too_closely_is_found() {
        let mut s = presets::load("seven").expect("preset");
        let (saga, email) = (s.node("saga").unwrap().position, s.node("email").unwrap().position);
        // The old layout: Email 80 units under the saga, whose line ran into it.
        let i = s.nodes.iter().position(|n| n.id == "email").unwrap();
        s.nodes[i].position = Position { x: saga.x, y: saga.y + 80.0 };
        assert!(label_overlaps(&s, 1.0).iter().any(|o| o.starts_with("saga's") && o.contains("email")), "{email:?}");
    }

    #[test]
    fn lines_under_a_node_do_not_touch_at_their_largest() {
        let size = world_size(MIN_TEXT_PX, COMPACT_BELOW);
        let first = text_box("n", "RESTARTING", (0.0, below_line_y(0)), "middle", size, Face::Badge);
        let second = text_box("n", "RESTARTING", (0.0, below_line_y(1)), "middle", size, Face::Badge);
        assert!(!intersect(&first.b, &second.b));
        assert!(first.b.y >= NODE_HALF_H, "under the node's box");
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

    #[test]
    fn every_node_keeps_its_label_and_figures_inside_its_box() {
        let mut problems = Vec::new();
        for name in presets::names() {
            let s = presets::load(name).expect("preset");
            for zoom in ZOOMS.into_iter().chain([COMPACT_BELOW]) {
                let boxes = text_boxes(&s, zoom);
                for n in &s.nodes {
                    let body = body(n.position);
                    // The first two of a node's boxes are its label and its line of figures.
                    for t in boxes.iter().filter(|t| t.owner == n.id).take(2) {
                        if t.b.x < body.x + 2.0 || t.b.x + t.b.w > body.x + body.w - 2.0 {
                            problems.push(format!("{name} at {zoom}: {}'s '{}' leaves its box", n.id, t.text));
                        }
                    }
                }
            }
        }
        assert_eq!(problems, Vec::<String>::new());
        // What the check catches: the label's old place and size.
        let wide = text_box("n", "order.placed topic", (8.0, 0.0), "middle", world_size(12.0, 0.76), Face::Bold);
        assert!(wide.b.x + wide.b.w > NODE_HALF_W - 2.0);
    }

    /// Shortest visible line a link may have: room for its transport glyph
    /// and its arrowhead between the two boxes.
    const MIN_LINK_LENGTH: f64 = 48.0;

    #[test]
    fn every_preset_leaves_room_for_its_labels_and_links() {
        let mut problems = Vec::new();
        for name in presets::names() {
            let s = presets::load(name).expect("preset");
            problems.extend(label_overlaps(&s, 1.0).into_iter().map(|o| format!("{name}: {o}")));
            for l in &s.links {
                let (from, to) = (s.node(&l.from).unwrap().position, s.node(&l.to).unwrap().position);
                let (a, b) = link_ends(from, to);
                let length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
                if length < MIN_LINK_LENGTH {
                    problems.push(format!("{name}: link {} is {length:.0} units long", l.id));
                }
            }
        }
        assert_eq!(problems, Vec::<String>::new());
    }
}
