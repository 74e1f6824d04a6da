//! The boxes the topology's text takes around nodes and lanes at its
//! largest, in world units: each node's label, figures, state badges,
//! saga line and manual badge, each lane's label and warning, each link's
//! glyph and breaker badge.

use crate::engine::scenario::{NodeKind, Position, Scenario};

use super::super::geometry::{lerp, link_ends, Bounds, NODE_HALF_H, NODE_HALF_W};
use super::super::short_labels::{short_label, Room};
use super::super::text_fit::{em_width, fit_parts, label_room, meta_room, world_size, LABEL_X};
use super::super::viewport::MIN_TEXT_PX;
use super::{badge_growth, below_line_y, breaker_centre, lane_anchor, BREAKER_HALF, GLYPH_AT, GLYPH_RADIUS, LINE_STEP};

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
/// The width of an orchestrator's "manual N" badge at actual size (its
/// narrowest; a count of two or more digits widens it, `badge_pill`).
pub const MANUAL_BADGE_W: f64 = crate::view_model::badge_pill::MANUAL_MIN_W;

/// About how wide a character of the state badges is, in em: bold
/// capitals, letter-spaced.
const EM_BADGE: f64 = 0.72;

/// How wide text is in ems: in the font's own widths, or `EM_BADGE` a
/// character for the letter-spaced badges.
#[derive(Clone, Copy)]
pub(super) enum Face {
    Regular,
    Bold,
    Badge,
}

/// The box of `text` at font size `size` with its baseline at `(x, y)`:
/// 0.8 em above the baseline and 0.25 em below.
pub(super) fn text_box(owner: &str, text: &str, (x, y): (f64, f64), anchor: &str, size: f64, face: Face) -> TextBox {
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

pub(super) fn body(p: Position) -> Bounds {
    Bounds { x: p.x - NODE_HALF_W, y: p.y - NODE_HALF_H, w: 2.0 * NODE_HALF_W, h: 2.0 * NODE_HALF_H }
}

pub(super) fn intersect(a: &Bounds, b: &Bounds) -> bool {
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

/// The widest state badges a node shows at once.
pub(super) const STATE_LINE: &str = "RESTARTING · ERRORS";

/// The manual badge's text as measured (a two-digit count).
pub(super) const MANUAL_SAMPLE: &str = "manual 99";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::presets;
    use crate::view_model::viewport::COMPACT_BELOW;

    /// Zooms the default scenario is drawn at (see `overlaps`), and actual size.
    const ZOOMS: [f64; 5] = [0.72, 0.74, 0.8, 0.9, 1.0];

    #[test]
    fn lines_under_a_node_do_not_touch_at_their_largest() {
        let size = world_size(MIN_TEXT_PX, COMPACT_BELOW);
        let first = text_box("n", "RESTARTING", (0.0, below_line_y(0)), "middle", size, Face::Badge);
        let second = text_box("n", "RESTARTING", (0.0, below_line_y(1)), "middle", size, Face::Badge);
        assert!(!intersect(&first.b, &second.b));
        assert!(first.b.y >= NODE_HALF_H, "under the node's box");
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
}
