//! A wake-up per stage node and per link. Every node's view used to read the frame
//! signal, which changes every animation frame: with a thousand nodes that
//! was some 12,000 subscribers to one signal, and each one re-run removes
//! its subscription from an ordered set by shifting the rest
//! (`reactive_graph`'s `SubscriberSet`), so a frame cost O(n²): 190 ms of
//! a 200 ms frame, measured (docs/performance.md, "A thousand nodes").
//! A node's view tracks only its own trigger; the store notifies the nodes
//! whose figures changed (`view_model::frame::nodes_changed`) and the
//! stage those whose position, selection, highlight or journey changed.
//! Links the same way (seven closures each read the frame: at 4,000 links
//! the page drew no frame for many seconds): the store wakes those whose
//! figures changed (`links_changed`), the stage those whose end moved or
//! whose selection, highlight or journey changed.

use leptos::prelude::*;

use crate::engine::scenario::Scenario;
use crate::view_model::frame::Frame;
use crate::view_model::link_shape::LinkShape;

use super::stage::Stage;
use super::store::Selection;

/// The triggers of the stage's nodes (or links) and the frame they read. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Cells {
    triggers: StoredValue<Vec<ArcTrigger>, LocalStorage>,
    frame: RwSignal<Frame>,
}

impl Cells {
    /// Cells for the nodes (or links) drawing `frame`.
    pub fn new(frame: RwSignal<Frame>) -> Cells {
        Cells { triggers: StoredValue::new_local(Vec::new()), frame }
    }

    /// Makes the running view or memo wake when node (or link) `index` is notified.
    pub fn track(&self, index: usize) {
        // Made on first use: a node's view is built before the frame that has it.
        self.triggers.update_value(|t| {
            if t.len() <= index {
                t.resize_with(index + 1, ArcTrigger::new);
            }
            t[index].track();
        });
    }

    /// Wakes node (or link) `index`'s views (an index beyond them is ignored).
    pub fn notify(&self, index: usize) {
        if let Some(t) = self.triggers.with_value(|t| t.get(index).cloned()) {
            t.notify();
        }
    }

    /// Reads this frame for node (or link) `index`, waking again only when it is notified.
    pub fn with<T>(&self, index: usize, read: impl FnOnce(&Frame) -> T) -> T {
        self.track(index);
        // A guard rather than `with_untracked`, whose code the wasm would hold once per reader.
        read(&self.frame.read_untracked())
    }
}

/// What the stage's nodes and links show beside the frame, as of the last wake-up.
#[derive(Default)]
struct Shown {
    positions: Vec<(f64, f64)>,
    /// The dragged, selected and lesson-highlighted nodes, and those on the journey's path.
    marked: Vec<usize>,
    /// The node drawn away from its position while dragged.
    dragged: Option<usize>,
    /// The selected and lesson-highlighted links, and those on the journey's path.
    marked_links: Vec<usize>,
}

/// Wakes the nodes whose position, drag preview, selection, lesson
/// highlight or journey path changed, and the links joining a node that
/// moved or is dragged, or whose selection, highlight or journey changed;
/// each view reads those untracked. One effect for all of them (each
/// effect is code in the wasm): a node or link marked before or now is
/// woken whichever of them changed.
pub fn wake_on_stage_changes(stage: Stage, scenario: Memo<Scenario>, shapes: Memo<Vec<LinkShape>>) {
    let store = stage.store;
    let (cells, link_cells) = (store.node_cells, store.link_cells);
    Effect::new(move |prev: Option<Shown>| {
        let prev = prev.unwrap_or_default();
        let (mut marked, mut marked_links): (Vec<usize>, Vec<usize>) = store.journeys.path.with(|(nodes, links)| {
            (nodes.iter().map(|&i| i as usize).collect(), links.iter().map(|&i| i as usize).collect())
        });
        let dragged = stage.preview.with(|p| p.map(|(i, _)| i));
        marked.extend(dragged);
        match store.selected.get() {
            Some(Selection::Node(i)) => marked.push(i),
            Some(Selection::Link(i)) => marked_links.push(i),
            None => {}
        }
        let positions: Vec<(f64, f64)> = scenario.with(|s| {
            store.highlight.with(|h| {
                marked.extend(s.nodes.iter().position(|n| Some(&n.id) == h.as_ref()));
                marked_links.extend(s.links.iter().position(|l| Some(&l.id) == h.as_ref()));
            });
            s.nodes.iter().map(|n| (n.position.x, n.position.y)).collect()
        });
        // The nodes whose links' ends are drawn elsewhere now.
        let mut moved = vec![false; positions.len()];
        for (i, at) in positions.iter().enumerate() {
            if !prev.positions.is_empty() && prev.positions.get(i) != Some(at) {
                cells.notify(i);
                moved[i] = true;
            }
        }
        for i in prev.dragged.into_iter().chain(dragged) {
            if let Some(m) = moved.get_mut(i) {
                *m = true;
            }
        }
        shapes.with(|links| {
            for l in links {
                if moved.get(l.ends.0) == Some(&true) || moved.get(l.ends.1) == Some(&true) {
                    link_cells.notify(l.index);
                }
            }
        });
        prev.marked.iter().chain(&marked).for_each(|&i| cells.notify(i));
        prev.marked_links.iter().chain(&marked_links).for_each(|&i| link_cells.notify(i));
        Shown { positions, marked, dragged, marked_links }
    });
}
