//! Gestures on the stage as a small state machine (idle, panning, dragging,
//! connecting, pinching, cancelled) that turns pointer and key input into
//! outcomes: a new viewport, a node drawn somewhere while dragged, one move
//! on drop, a link asked for. A drag is a snapshot plus a delta in world
//! units, so it never drifts at any zoom and Escape puts the node back.

use super::geometry::{NODE_HALF_H, NODE_HALF_W};
use super::viewport::Viewport;

/// A point (screen pixels or world units, as named).
pub type Pt = (f64, f64);

/// Screen pixels a pointer must travel before a press becomes a drag (below, it is a click).
pub const DRAG_SLOP: f64 = 3.0;

/// What a pointer went down on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The stage's background: pans.
    Background,
    /// A node (index) drawn at world position `at`: drags it.
    Node(usize, Pt),
    /// A node's connect handle: starts a link.
    Handle(usize),
}

/// The gesture under way.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum State {
    /// Nothing.
    #[default]
    Idle,
    /// Dragging the background: the view follows the pointer.
    Panning {
        /// Pointer id.
        id: i32,
        /// Where it went down (screen).
        start: Pt,
        /// The view then.
        view: Viewport,
        /// True once the pointer travelled more than [`DRAG_SLOP`]; a press
        /// that never did is a tap.
        moved: bool,
    },
    /// Dragging a node.
    Dragging {
        /// Pointer id.
        id: i32,
        /// The node.
        node: usize,
        /// Where the pointer went down (screen).
        start: Pt,
        /// The node's position then (world).
        from: Pt,
        /// Where it is drawn now (world).
        to: Pt,
        /// True once the pointer travelled more than [`DRAG_SLOP`].
        moved: bool,
    },
    /// Drawing a link from a node; `id` is `None` when done by keyboard.
    Connecting {
        /// Pointer id, or `None` for the keyboard.
        id: Option<i32>,
        /// The node the link starts at.
        from: usize,
        /// The rubber band's loose end (world).
        at: Pt,
        /// The node it would connect to.
        over: Option<usize>,
    },
    /// Two pointers zooming and panning together.
    Pinching {
        /// The two pointers and where they are (screen).
        pointers: [(i32, Pt); 2],
        /// Their distance and midpoint when the pinch began.
        dist: f64,
        /// Midpoint then.
        mid: Pt,
        /// The view then.
        view: Viewport,
    },
    /// Escape ended the gesture; input is ignored until pointer `id` lifts.
    Cancelled {
        /// Pointer id.
        id: i32,
    },
}

/// What the page should do after an input.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    /// Nothing to change.
    Nothing,
    /// Show this viewport.
    View(Viewport),
    /// Draw `node` at world `at` for now (not an edit).
    Preview(usize, Pt),
    /// The drag ended: move `node` to world `at` (one edit).
    Drop(usize, Pt),
    /// Put `node` back at world `at` (a cancelled drag).
    Restore(usize, Pt),
    /// The rubber band changed.
    Rubber,
    /// Connect node `from` to node `to`.
    Connect(usize, usize),
    /// The background (or a link) was pressed and let go without travel, at
    /// this screen point: a click on whatever is drawn there (a message).
    Tap(Pt),
}

/// Rounds a world point to the nearest multiple of `grid` (a grid of 0 or less leaves it).
pub fn snap(p: Pt, grid: f64) -> Pt {
    if grid > 0.0 {
        ((p.0 / grid).round() * grid, (p.1 / grid).round() * grid)
    } else {
        p
    }
}

/// The last node in `positions` (drawn on top) whose box holds world point `p`.
pub fn node_at(positions: &[Pt], p: Pt) -> Option<usize> {
    positions.iter().rposition(|&(x, y)| (p.0 - x).abs() <= NODE_HALF_W && (p.1 - y).abs() <= NODE_HALF_H)
}

fn distance(a: Pt, b: Pt) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

fn midpoint(a: Pt, b: Pt) -> Pt {
    ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
}

impl State {
    /// A pointer went down at screen point `pt` on `target`, with the view `view`.
    pub fn down(&mut self, id: i32, target: Target, pt: Pt, view: Viewport) -> Out {
        // A second pointer turns a pan or a drag into a pinch (a dragged node goes back).
        let first = match self {
            State::Panning { id: a, start, .. } if *a != id => Some((*a, *start, Out::Nothing)),
            State::Dragging { id: a, start, node, from, .. } if *a != id => {
                Some((*a, *start, Out::Restore(*node, *from)))
            }
            _ => None,
        };
        if let Some((a, a_at, out)) = first {
            let dist = distance(a_at, pt).max(1.0);
            *self = State::Pinching { pointers: [(a, a_at), (id, pt)], dist, mid: midpoint(a_at, pt), view };
            return out;
        }
        if !matches!(self, State::Idle) {
            return Out::Nothing;
        }
        *self = match target {
            Target::Background => State::Panning { id, start: pt, view, moved: false },
            Target::Node(node, at) => State::Dragging { id, node, start: pt, from: at, to: at, moved: false },
            Target::Handle(from) => State::Connecting { id: Some(id), from, at: view.to_world(pt.0, pt.1), over: None },
        };
        if matches!(self, State::Connecting { .. }) {
            Out::Rubber
        } else {
            Out::Nothing
        }
    }

    /// Pointer `id` moved to screen point `pt`; `over` is the node under it
    /// (for connecting), `grid` the snap grid (0 for none).
    pub fn moved(&mut self, id: i32, pt: Pt, view: Viewport, over: Option<usize>, grid: f64) -> Out {
        match self {
            State::Panning { id: a, start, view: v, moved } if *a == id => {
                *moved = *moved || distance(*start, pt) > DRAG_SLOP;
                if !*moved {
                    return Out::Nothing;
                }
                View(v.pan_by(pt.0 - start.0, pt.1 - start.1))
            }
            State::Dragging { id: a, node, start, from, to, moved } if *a == id => {
                *moved = *moved || distance(*start, pt) > DRAG_SLOP;
                if !*moved {
                    return Out::Nothing;
                }
                // Snapshot plus delta, in world units: no drift at any zoom.
                let delta = ((pt.0 - start.0) / view.zoom, (pt.1 - start.1) / view.zoom);
                *to = snap((from.0 + delta.0, from.1 + delta.1), grid);
                Out::Preview(*node, *to)
            }
            State::Connecting { id: Some(a), from, at, over: o } if *a == id => {
                *at = view.to_world(pt.0, pt.1);
                *o = over.filter(|n| n != from);
                Out::Rubber
            }
            State::Pinching { pointers, dist, mid, view: v } => {
                let Some(p) = pointers.iter_mut().find(|p| p.0 == id) else { return Out::Nothing };
                p.1 = pt;
                let (a, b) = (pointers[0].1, pointers[1].1);
                let (m, d) = (midpoint(a, b), distance(a, b).max(1.0));
                View(v.zoom_about(d / *dist, mid.0, mid.1).pan_by(m.0 - mid.0, m.1 - mid.1))
            }
            _ => Out::Nothing,
        }
    }

    /// Pointer `id` lifted.
    pub fn up(&mut self, id: i32) -> Out {
        let out = match self {
            State::Dragging { id: a, node, from, to, moved: true, .. } if *a == id && to != from => {
                Out::Drop(*node, *to)
            }
            State::Connecting { id: Some(a), from, over: Some(to), .. } if *a == id => Out::Connect(*from, *to),
            State::Connecting { id: Some(a), .. } if *a == id => Out::Rubber,
            State::Pinching { pointers, .. } if pointers.iter().any(|p| p.0 == id) => Out::Nothing,
            State::Idle | State::Connecting { id: None, .. } => return Out::Nothing,
            State::Panning { id: a, start, moved: false, .. } if *a == id => Out::Tap(*start),
            State::Panning { id: a, .. } | State::Dragging { id: a, .. } | State::Cancelled { id: a } if *a == id => {
                Out::Nothing
            }
            _ => return Out::Nothing,
        };
        *self = State::Idle;
        out
    }

    /// Escape: ends the gesture, undoing what it showed. `None` when there
    /// was nothing to cancel (Escape may then mean something else).
    pub fn cancel(&mut self) -> Option<Out> {
        let (next, out) = match self {
            State::Idle | State::Cancelled { .. } => return None,
            State::Panning { id, view, .. } => (State::Cancelled { id: *id }, View(*view)),
            State::Dragging { id, node, from, .. } => (State::Cancelled { id: *id }, Out::Restore(*node, *from)),
            State::Connecting { id: Some(id), .. } => (State::Cancelled { id: *id }, Out::Rubber),
            State::Connecting { id: None, .. } => (State::Idle, Out::Rubber),
            State::Pinching { pointers, view, .. } => (State::Cancelled { id: pointers[1].0 }, View(*view)),
        };
        *self = next;
        Some(out)
    }

    /// Starts connecting from node `from` by keyboard, pointing at the next of `count` nodes.
    pub fn connect_by_keys(&mut self, from: usize, count: usize) -> Out {
        *self = State::Connecting { id: None, from, at: (0.0, 0.0), over: None };
        self.next_target(1, count)
    }

    /// Points a keyboard connection at the next (`step` 1) or previous (-1)
    /// node, skipping the one it starts at.
    pub fn next_target(&mut self, step: i64, count: usize) -> Out {
        let State::Connecting { id: None, from, over, .. } = self else { return Out::Nothing };
        if count < 2 {
            return Out::Nothing;
        }
        let n = count as i64;
        let mut i = over.unwrap_or(*from) as i64;
        loop {
            i = (i + step).rem_euclid(n);
            if i as usize != *from {
                break;
            }
        }
        *over = Some(i as usize);
        Out::Rubber
    }

    /// Enter on a keyboard connection: connects it (or does nothing with no target).
    pub fn confirm(&mut self) -> Out {
        let State::Connecting { id: None, from, over: Some(to), .. } = self else { return Out::Nothing };
        let out = Out::Connect(*from, *to);
        *self = State::Idle;
        out
    }

    /// True unless idle (a gesture or the end of a cancelled one is under way).
    pub fn busy(&self) -> bool {
        !matches!(self, State::Idle)
    }
}

use Out::View;

#[cfg(test)]
mod tests {
    use super::*;

    const V1: Viewport = Viewport { zoom: 1.0, x: 0.0, y: 0.0 };

    #[test]
    fn a_drag_moves_by_the_screen_distance_over_the_zoom_at_any_zoom() {
        for zoom in [0.5, 1.0, 2.0] {
            let view = Viewport { zoom, x: 13.0, y: -7.0 };
            let mut g = State::default();
            assert_eq!(g.down(1, Target::Node(3, (100.0, 50.0)), (200.0, 200.0), view), Out::Nothing);
            // Many small moves, then the end: only the last position counts (no drift).
            for i in 0..50 {
                g.moved(1, (200.0 + f64::from(i), 200.0 - f64::from(i) / 2.0), view, None, 0.0);
            }
            assert_eq!(
                g.moved(1, (260.0, 170.0), view, None, 0.0),
                Out::Preview(3, (100.0 + 60.0 / zoom, 50.0 - 30.0 / zoom))
            );
            assert_eq!(g.up(1), Out::Drop(3, (100.0 + 60.0 / zoom, 50.0 - 30.0 / zoom)));
            assert_eq!(g, State::Idle);
        }
    }

    #[test]
    fn a_press_without_travel_is_a_click_and_snap_rounds_to_the_grid() {
        let mut g = State::default();
        g.down(1, Target::Node(0, (0.0, 0.0)), (10.0, 10.0), V1);
        assert_eq!(g.moved(1, (12.0, 11.0), V1, None, 0.0), Out::Nothing);
        assert_eq!(g.up(1), Out::Nothing, "no edit for a click");
        g.down(1, Target::Node(0, (0.0, 0.0)), (10.0, 10.0), V1);
        assert_eq!(g.moved(1, (37.0, 16.0), V1, None, 20.0), Out::Preview(0, (20.0, 0.0)));
        assert_eq!(snap((-29.0, 31.0), 20.0), (-20.0, 40.0));
        assert_eq!(snap((-29.0, 31.0), 0.0), (-29.0, 31.0));
    }

    #[test]
    fn a_background_press_without_travel_is_a_tap_and_with_travel_a_pan() {
        let mut g = State::default();
        g.down(1, Target::Background, (40.0, 30.0), V1);
        assert_eq!(g.moved(1, (41.0, 31.0), V1, None, 0.0), Out::Nothing, "within the slop nothing pans");
        assert_eq!(g.up(1), Out::Tap((40.0, 30.0)));
        g.down(1, Target::Background, (40.0, 30.0), V1);
        assert!(matches!(g.moved(1, (60.0, 30.0), V1, None, 0.0), Out::View(_)));
        // Back near the start: it was a pan all the same.
        g.moved(1, (40.0, 30.0), V1, None, 0.0);
        assert_eq!(g.up(1), Out::Nothing);
    }

    #[test]
    fn escape_mid_drag_restores_the_start_and_ignores_the_rest() {
        let mut g = State::default();
        g.down(7, Target::Node(2, (5.0, 6.0)), (0.0, 0.0), V1);
        g.moved(7, (80.0, 0.0), V1, None, 0.0);
        assert_eq!(g.cancel(), Some(Out::Restore(2, (5.0, 6.0))));
        assert_eq!(g, State::Cancelled { id: 7 });
        assert_eq!(g.moved(7, (90.0, 0.0), V1, None, 0.0), Out::Nothing);
        assert_eq!(g.up(7), Out::Nothing);
        assert_eq!(g, State::Idle);
        assert_eq!(g.cancel(), None, "nothing left to cancel");
    }

    #[test]
    fn panning_follows_the_pointer_and_escape_puts_the_view_back() {
        let mut g = State::default();
        let view = Viewport { zoom: 0.5, x: 10.0, y: 20.0 };
        g.down(1, Target::Background, (100.0, 100.0), view);
        assert_eq!(g.moved(1, (130.0, 90.0), view, None, 0.0), Out::View(Viewport { zoom: 0.5, x: 40.0, y: 10.0 }));
        assert_eq!(g.moved(2, (0.0, 0.0), view, None, 0.0), Out::Nothing, "another pointer");
        assert_eq!(g.cancel(), Some(Out::View(view)));
    }

    #[test]
    fn two_pointers_pinch_about_their_midpoint() {
        let mut g = State::default();
        g.down(1, Target::Background, (100.0, 100.0), V1);
        g.down(2, Target::Background, (200.0, 100.0), V1);
        assert!(matches!(g, State::Pinching { .. }));
        let Out::View(v) = g.moved(2, (300.0, 100.0), V1, None, 0.0) else { panic!("a view") };
        assert!((v.zoom - 2.0).abs() < 1e-9);
        // The world point under the first midpoint (150, 100) is now under the new one (200, 100).
        let (wx, wy) = V1.to_world(150.0, 100.0);
        let s = v.to_screen(wx, wy);
        assert!((s.0 - 200.0).abs() < 1e-9 && (s.1 - 100.0).abs() < 1e-9);
        // A node drag interrupted by a second finger goes back.
        let mut d = State::default();
        d.down(1, Target::Node(4, (1.0, 1.0)), (0.0, 0.0), V1);
        assert_eq!(d.down(2, Target::Background, (50.0, 0.0), V1), Out::Restore(4, (1.0, 1.0)));
        assert_eq!(d.up(1), Out::Nothing);
        assert_eq!(d, State::Idle);
    }

    #[test]
    fn connecting_by_pointer_ends_on_another_node_or_nowhere() {
        let positions = [(0.0, 0.0), (300.0, 0.0)];
        let mut g = State::default();
        assert_eq!(g.down(1, Target::Handle(0), (75.0, 0.0), V1), Out::Rubber);
        assert_eq!(g.moved(1, (290.0, 10.0), V1, node_at(&positions, (290.0, 10.0)), 0.0), Out::Rubber);
        assert_eq!(g.up(1), Out::Connect(0, 1));
        // Dropped on itself or the background: no link.
        g.down(1, Target::Handle(0), (75.0, 0.0), V1);
        g.moved(1, (10.0, 0.0), V1, node_at(&positions, (10.0, 0.0)), 0.0);
        assert_eq!(g.up(1), Out::Rubber);
        assert_eq!(node_at(&positions, (150.0, 0.0)), None);
    }

    #[test]
    fn connecting_by_keyboard_cycles_targets_and_confirms() {
        let mut g = State::default();
        g.connect_by_keys(1, 3);
        assert!(matches!(g, State::Connecting { over: Some(2), .. }));
        g.next_target(1, 3);
        assert!(matches!(g, State::Connecting { over: Some(0), .. }), "wraps, skipping the source");
        g.next_target(-1, 3);
        assert!(matches!(g, State::Connecting { over: Some(2), .. }));
        assert!(g.busy());
        assert_eq!(g.confirm(), Out::Connect(1, 2));
        assert!(!g.busy());
        g.connect_by_keys(0, 2);
        assert_eq!(g.cancel(), Some(Out::Rubber));
        assert_eq!(g, State::Idle);
        assert_eq!(g.next_target(1, 1), Out::Nothing);
    }
}
