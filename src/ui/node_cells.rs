//! A wake-up per stage node. Every node's view used to read the frame
//! signal, which changes every animation frame: with a thousand nodes that
//! was some 12,000 subscribers to one signal, and each one re-run removes
//! its subscription from an ordered set by shifting the rest
//! (`reactive_graph`'s `SubscriberSet`), so a frame cost O(n²): 190 ms of
//! a 200 ms frame, measured (docs/performance.md, "A thousand nodes").
//! A node's view tracks only its own trigger; the store notifies the nodes
//! whose figures changed (`view_model::frame::nodes_changed`) and the
//! stage those whose position, selection, highlight or journey changed.

use leptos::prelude::*;

use crate::engine::scenario::Scenario;
use crate::view_model::frame::Frame;

use super::stage::Stage;
use super::store::Selection;

/// The nodes' triggers and the frame they read. Cheap to copy.
#[derive(Clone, Copy)]
pub struct NodeCells {
    triggers: StoredValue<Vec<ArcTrigger>, LocalStorage>,
    frame: RwSignal<Frame>,
}

impl NodeCells {
    /// Cells for the nodes drawing `frame`.
    pub fn new(frame: RwSignal<Frame>) -> NodeCells {
        NodeCells { triggers: StoredValue::new_local(Vec::new()), frame }
    }

    /// Makes the running view or memo wake when node `index` is notified.
    pub fn track(&self, index: usize) {
        // Made on first use: a node's view is built before the frame that has it.
        self.triggers.update_value(|t| {
            if t.len() <= index {
                t.resize_with(index + 1, ArcTrigger::new);
            }
            t[index].track();
        });
    }

    /// Wakes node `index`'s views (an index beyond the nodes is ignored).
    pub fn notify(&self, index: usize) {
        if let Some(t) = self.triggers.with_value(|t| t.get(index).cloned()) {
            t.notify();
        }
    }

    /// Reads this frame for node `index`, waking again only when that node is notified.
    pub fn with<T>(&self, index: usize, read: impl FnOnce(&Frame) -> T) -> T {
        self.track(index);
        // A guard rather than `with_untracked`, whose code the wasm would hold once per reader.
        read(&self.frame.read_untracked())
    }
}

/// What the stage's nodes show beside the frame, as of the last wake-up.
#[derive(Default)]
struct Shown {
    positions: Vec<(f64, f64)>,
    /// The dragged, selected and lesson-highlighted nodes, and those on the journey's path.
    marked: Vec<usize>,
}

/// Wakes the nodes whose position, drag preview, selection, lesson
/// highlight or journey path changed; each view reads those untracked.
/// One effect for all of them (each effect is code in the wasm): a node
/// marked before or now is woken whichever of them changed.
pub fn wake_on_stage_changes(stage: Stage, scenario: Memo<Scenario>) {
    let store = stage.store;
    let cells = store.node_cells;
    Effect::new(move |prev: Option<Shown>| {
        let prev = prev.unwrap_or_default();
        let mut marked: Vec<usize> = store.journeys.path.with(|(nodes, _)| nodes.iter().map(|&i| i as usize).collect());
        marked.extend(stage.preview.with(|p| p.map(|(i, _)| i)));
        if let Some(Selection::Node(i)) = store.selected.get() {
            marked.push(i);
        }
        let positions: Vec<(f64, f64)> = scenario.with(|s| {
            store.highlight.with(|h| marked.extend(s.nodes.iter().position(|n| Some(&n.id) == h.as_ref())));
            s.nodes.iter().map(|n| (n.position.x, n.position.y)).collect()
        });
        for (i, at) in positions.iter().enumerate() {
            if !prev.positions.is_empty() && prev.positions.get(i) != Some(at) {
                cells.notify(i);
            }
        }
        prev.marked.iter().chain(&marked).for_each(|&i| cells.notify(i));
        Shown { positions, marked }
    });
}
