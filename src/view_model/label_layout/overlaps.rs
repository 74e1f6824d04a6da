//! The check that a layout leaves room for its text: no text of one node
//! or link over another's, over another node's box or across another
//! link's line, and no corner badge on a line.

use crate::engine::scenario::Scenario;

use super::super::geometry::{link_ends, Bounds};
use super::boxes::{body, intersect, text_boxes, TextBox, MANUAL_SAMPLE, STATE_LINE};

/// A node's state badges ("RESTARTING · ERRORS", shown only while it
/// fails, with a halo) may cover a link's glyph and stay readable. A
/// lane's label may not: beside another link's glyph it reads as that
/// link's, and over its own as part of it.
fn may_cover(text: &TextBox, glyph: &TextBox) -> bool {
    glyph.owner.ends_with(" glyph") && text.text == STATE_LINE
}

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
    use super::super::boxes::{text_box, Face};
    use super::super::{lane_anchor, LINE_STEP};
    use super::*;
    use crate::engine::presets;
    use crate::engine::scenario::Position;
    use crate::view_model::geometry::lerp;
    use crate::view_model::text_fit::world_size;
    use crate::view_model::viewport::MIN_TEXT_PX;

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
