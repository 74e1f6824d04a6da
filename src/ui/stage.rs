//! The stage's interaction state, shared by the topology's views through
//! context: the gesture under way (`view_model::gesture`), where a dragged
//! node is drawn before it is dropped, the rubber band of a new link, snap
//! to grid, and the view's fit. Changes to the scenario still go through
//! the store as edits.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::view_model::geometry::{link_ends, scenario_bounds, NODE_HALF_W};
use crate::view_model::gesture::{Out, Pt, State};
use crate::view_model::text_fit::{label_room, meta_room};
use crate::view_model::viewport::{compact_chars, Viewport, TOOLBAR_ROOM};

use super::store::Store;

/// World units a node moves per arrow key press (Shift: five times more).
pub const KEY_STEP: f64 = 10.0;
/// Screen pixels the view pans per arrow key press on the stage.
pub const PAN_STEP: f64 = 40.0;
/// The zoom buttons' and keys' factor: two steps double or halve the zoom.
pub const ZOOM_STEP: f64 = std::f64::consts::SQRT_2;
/// The snap grid, in world units.
pub const GRID: f64 = 20.0;
/// The least height (screen pixels) of the band above the inspector's sheet
/// that the fitted view is fitted into; with less, the view is left as it is.
const MIN_BAND_PX: f64 = 60.0;
/// How far from a moving message (screen pixels) a tap still picks it.
const TAP_RADIUS: f64 = 12.0;

/// Handles to the stage's state. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Stage {
    /// The store.
    pub store: Store,
    /// The gesture under way.
    pub gesture: StoredValue<State, LocalStorage>,
    /// A node drawn away from its position while dragged: (index, world position).
    pub preview: RwSignal<Option<(usize, Pt)>>,
    /// The rubber band of a link being drawn: (from, to) in world units.
    pub rubber: RwSignal<Option<(Pt, Pt)>>,
    /// Dropped nodes snap to a grid.
    pub snap: RwSignal<bool>,
    /// The view follows the stage's size and the scenario until the person pans or zooms.
    pub auto_fit: RwSignal<bool>,
    /// Characters of a node label shown at this zoom (`None`: the whole node is drawn).
    pub compact: Memo<Option<usize>>,
    /// Ems of bold label text that fit beside a node's icon at this zoom (tenths, rounded down).
    pub label_room: Memo<f64>,
    /// Ems of a node's line of figures that fit inside it at this zoom (tenths, rounded down).
    pub meta_room: Memo<f64>,
}

impl Stage {
    /// The stage's state for `store`.
    pub fn new(store: Store) -> Stage {
        Stage {
            store,
            gesture: StoredValue::new_local(State::Idle),
            preview: RwSignal::new(None),
            rubber: RwSignal::new(None),
            snap: RwSignal::new(false),
            auto_fit: RwSignal::new(true),
            compact: Memo::new(move |_| compact_chars(store.viewport.get().zoom, NODE_HALF_W * 2.0)),
            // Rounded so a zoom redraws the nodes' text only when its room changes.
            label_room: Memo::new(move |_| (label_room(store.viewport.get().zoom) * 10.0).floor() / 10.0),
            meta_room: Memo::new(move |_| (meta_room(store.viewport.get().zoom) * 10.0).floor() / 10.0),
        }
    }

    /// Where node `index` is drawn now: its preview while dragged, else its
    /// position. Read untracked: the views that draw it wake through their
    /// cells (`node_cells.rs`), which a move or a drag notifies.
    pub fn position(&self, index: usize) -> Pt {
        match *self.preview.read_untracked() {
            Some((i, p)) if i == index => Some(p),
            _ => self.store.sim.with_value(|s| s.scenario().nodes.get(index).map(|n| (n.position.x, n.position.y))),
        }
        .unwrap_or_default()
    }

    /// Every node's position (world units), in scenario order.
    pub fn positions(&self) -> Vec<Pt> {
        self.store.sim.with_value(|s| s.scenario().nodes.iter().map(|n| (n.position.x, n.position.y)).collect())
    }

    /// Node `index`'s id and label.
    pub fn node_names(&self, index: usize) -> Option<(String, String)> {
        self.store.sim.with_value(|s| s.scenario().nodes.get(index).map(|n| (n.id.clone(), n.label.clone())))
    }

    /// The snap grid now (0: no snapping).
    pub fn grid(&self) -> f64 {
        if self.snap.get_untracked() {
            GRID
        } else {
            0.0
        }
    }

    /// Shows `v` (kept within reach of the topology) after a pan or zoom by the person.
    pub fn set_view(&self, v: Viewport) {
        let (w, h) = self.store.stage_size.get_untracked();
        let bounds = self.store.sim.with_value(|s| scenario_bounds(s.scenario()));
        self.auto_fit.set(false);
        self.store.viewport.set(v.clamped(bounds, w, h));
    }

    /// Fits the whole topology into the stage, and keeps fitting it as the
    /// stage resizes; below the inspector's sheet's top edge while it is open.
    pub fn fit(&self) {
        let (w, h) = self.store.stage_size.get_untracked();
        let bounds = self.store.sim.with_value(|s| scenario_bounds(s.scenario()));
        self.auto_fit.set(true);
        self.store.viewport.set(Viewport::fit(bounds, w, h, TOOLBAR_ROOM));
        if self.store.selected.get_untracked().is_some() {
            self.reveal_selected_soon();
        }
    }

    /// Below 900 px the inspector is a sheet over the stage's lower part:
    /// in the next frame (once the sheet and the view are laid out), makes
    /// room for it. The page scrolls (its own document only) just enough
    /// that the stage sits above the sheet where it can; then the fitted
    /// view is fitted again into what the toolbar and the sheet leave of
    /// the stage, so no node is under either. A view the person panned or
    /// zoomed stands: only the selected node is panned out from under the
    /// sheet. Called when something is selected and when the view is fitted
    /// again while it is; never while the person pans.
    pub fn reveal_selected_soon(&self) {
        let this = *self;
        request_animation_frame(move || this.reveal_selected());
    }

    fn reveal_selected(&self) {
        let Some(selected) = self.store.selected.get_untracked() else { return };
        let doc = document();
        let find = |sel: &str| doc.query_selector(sel).ok().flatten();
        let (Some(stage), Some(sheet)) = (find(".stage"), find(".region--inspector")) else { return };
        let fixed = window()
            .get_computed_style(&sheet)
            .ok()
            .flatten()
            .and_then(|st| st.get_property_value("position").ok())
            .is_some_and(|p| p == "fixed");
        if !fixed {
            return;
        }
        let screen_h = window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(f64::MAX);
        let covered = sheet.get_bounding_client_rect().top().min(screen_h);
        // Scrolled up no further than the stage's top edge, and only as far as the sheet needs.
        let s = stage.get_bounding_client_rect();
        let up = (s.bottom() + 4.0 - covered).min(s.top()).max(0.0);
        if up >= 1.0 {
            window().scroll_by_with_x_and_y(0.0, up);
        }
        let s = stage.get_bounding_client_rect();
        let band = ((-s.top()).max(0.0) + TOOLBAR_ROOM, (covered - s.top()).min(s.height()));
        if self.auto_fit.get_untracked() {
            if band.1 - band.0 >= MIN_BAND_PX {
                let bounds = self.store.sim.with_value(|sim| scenario_bounds(sim.scenario()));
                self.store.viewport.set(Viewport::fit_band(bounds, s.width(), band));
            }
            return;
        }
        let super::store::Selection::Node(i) = selected else { return };
        let Some((id, _)) = self.node_names(i) else { return };
        let Some(node) = find(&format!("[data-testid=\"node-{id}\"]")) else { return };
        let n = node.get_bounding_client_rect();
        let b = (n.left() - s.left(), n.top() - s.top(), n.right() - s.left(), n.bottom() - s.top());
        if let Some(v) = self.store.viewport.get_untracked().revealing(b, s.width(), band, 8.0) {
            self.store.viewport.set(v);
        }
    }

    /// Zooms by `factor` about the stage's centre.
    pub fn zoom_by(&self, factor: f64) {
        let (w, h) = self.store.stage_size.get_untracked();
        self.set_view(self.store.viewport.get_untracked().zoom_about(factor, w / 2.0, h / 2.0));
    }

    /// Carries out what the gesture machine asked for.
    pub fn apply(&self, out: Out) {
        match out {
            Out::Nothing => {}
            Out::View(v) => self.set_view(v),
            Out::Preview(i, p) => self.preview.set(Some((i, p))),
            Out::Restore(i, _) => {
                self.preview.set(None);
                if let Some((_, label)) = self.node_names(i) {
                    self.say(format!("Move cancelled: {label} is back where it was."));
                }
            }
            Out::Drop(i, p) => self.move_node(i, p),
            Out::Rubber => self.rubber.set(self.rubber_band()),
            Out::Tap(pt) => self.open_journey_at(pt),
            Out::Connect(from, to) => {
                self.rubber.set(None);
                if let (Some((a, a_label)), Some((b, b_label))) = (self.node_names(from), self.node_names(to)) {
                    self.store.pending_link.set(Some((a, b)));
                    self.say(format!("New link from {a_label} to {b_label}: choose how they talk."));
                }
            }
        }
    }

    /// A tap on the stage: the order of the moving message under it, if
    /// any, opens in the journey panel.
    fn open_journey_at(&self, pt: Pt) {
        let store = self.store;
        // With reduced motion no message is drawn, so none can be clicked.
        if store.reduced_motion.get_untracked() {
            return;
        }
        let view = store.viewport.get_untracked();
        let at = view.to_world(pt.0, pt.1);
        // A finger's width on screen, whatever the zoom.
        let radius = TAP_RADIUS / view.zoom.max(0.01);
        let corr = store.sim.with_value(|sim| {
            let s = sim.scenario();
            let ends = |f: &crate::view_model::flights::Flight| {
                let (a, b) = match f.hop {
                    Some((from, to)) => (s.nodes.get(from as usize)?, s.nodes.get(to as usize)?),
                    None => {
                        let l = s.links.get(f.link as usize)?;
                        (s.node(&l.from)?, s.node(&l.to)?)
                    }
                };
                Some(link_ends(a.position, b.position))
            };
            store.flights.with_value(|flights| flights.order_near(sim.now(), at, radius, ends))
        });
        if let Some(corr) = corr {
            self.say(store.journeys.show_from_stage(corr));
        }
    }

    /// Moves node `index` to world `at` with one edit and keeps its focus
    /// (not its selection: on a phone that would open the inspector over the stage).
    pub fn move_node(&self, index: usize, at: Pt) {
        let Some((id, label)) = self.node_names(index) else { return };
        self.store.move_node(&id, at);
        self.preview.set(None);
        self.say(format!("Moved {label} to {:.0}, {:.0}.", at.0, at.1));
        focus_later(format!("node-{id}"));
    }

    /// The rubber band for the gesture under way.
    fn rubber_band(&self) -> Option<(Pt, Pt)> {
        let positions = self.positions();
        self.gesture.with_value(|g| match g {
            State::Connecting { from, at, over, .. } => {
                let start = *positions.get(*from)?;
                Some((start, over.and_then(|o| positions.get(o).copied()).unwrap_or(*at)))
            }
            _ => None,
        })
    }

    /// Escape: cancels the gesture under way; false when there was none.
    pub fn cancel(&self) -> bool {
        let Some(out) = self.gesture.try_update_value(State::cancel).flatten() else { return false };
        self.apply(out);
        self.rubber.set(None);
        true
    }

    /// Announces `text` in the page's live region.
    pub fn say(&self, text: String) {
        self.store.announce(text);
    }
}

/// Focuses the element with test id `testid` after the next render (an
/// edit redraws the topology, which would otherwise drop the focus).
pub fn focus_later(testid: String) {
    request_animation_frame(move || {
        if let Some(el) = by_testid(&testid) {
            focus_element(&el);
        }
    });
}

/// The element with `data-testid` = `testid`, if it is in the page.
fn by_testid(testid: &str) -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!("[data-testid=\"{testid}\"]")).ok().flatten())
}

/// Runs `action` (an undo or redo, which redraws the topology) and keeps
/// the keyboard where it was: on the same element after the next render if
/// it is still there and usable, else on the stage, not the page's top.
pub fn keeping_focus(action: impl FnOnce()) {
    let before = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|el| el.get_attribute("data-testid"));
    action();
    request_animation_frame(move || {
        let usable = |testid: &str| by_testid(testid).filter(|el| !el.has_attribute("disabled"));
        let target = before.as_deref().and_then(usable).or_else(|| usable("stage"));
        if let Some(el) = target {
            focus_element(&el);
        }
    });
}

/// Focuses `el`. SVG elements have focus() too; it is called without the
/// SvgElement binding (one web-sys feature less).
pub fn focus_element(el: &web_sys::Element) {
    if let Some(f) = js_sys::Reflect::get(el, &"focus".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = f.call0(el);
    }
}

/// The stage from context.
pub fn use_stage() -> Stage {
    expect_context::<Stage>()
}
