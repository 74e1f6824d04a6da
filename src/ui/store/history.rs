//! Undo and redo: every change is a list of [`Edit`]s kept with the edits
//! that undo it, worked out before it is applied. A change that alters the
//! topology's shape runs the changed scenario again to the current time,
//! in slices across frames like any fast-forward.

use leptos::prelude::*;

use crate::engine::design::{edit_scenario, inverse};
use crate::engine::scenario::Fault;
use crate::engine::{Edit, Simulation};
use crate::view_model::edit_words::edit_words;

use super::{Selection, Store};

/// Changes kept for undo; the oldest are forgotten beyond this.
const MAX_UNDO: usize = 200;

/// One change as the person made it.
#[derive(Clone, Debug)]
pub struct Change {
    /// What it does, in a few words.
    pub words: String,
    /// The edits, in order.
    pub forward: Vec<Edit>,
    /// The edits that undo it, in order.
    pub backward: Vec<Edit>,
}

/// The undo and redo stacks.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Change>,
    redo: Vec<Change>,
}

impl History {
    /// The words of the change Undo would undo, and of the one Redo would redo.
    pub fn labels(&self) -> (Option<String>, Option<String>) {
        (self.undo.last().map(|c| c.words.clone()), self.redo.last().map(|c| c.words.clone()))
    }
}

/// The edits undoing `edits` on `sim`, or `None` if one of them cannot be undone.
fn backward(sim: &Simulation, edits: &[Edit]) -> Option<Vec<Edit>> {
    let mut scenario = sim.design();
    let mut faults = sim.faults().len() as u32;
    let mut out: Vec<Edit> = Vec::new();
    for e in edits {
        let mut undo = match e {
            Edit::ApplyFault { .. } => {
                faults += 1;
                vec![Edit::ClearFault { index: faults - 1 }]
            }
            Edit::ClearFault { index } => {
                let f = sim.faults().get(*index as usize)?.fault.clone();
                vec![Edit::ApplyFault { fault: Fault { at_ms: 0.0, until_ms: None, ..f } }]
            }
            e => inverse(&scenario, e)?,
        };
        if !matches!(e, Edit::ApplyFault { .. } | Edit::ClearFault { .. }) {
            scenario = edit_scenario(&scenario, std::slice::from_ref(e)).ok()?;
        }
        undo.append(&mut out);
        out = undo;
    }
    Some(out)
}

impl Store {
    /// Makes one change (one or more edits), kept for undo. A refused
    /// change leaves everything as it was; the reason comes back for the
    /// caller to show where the change was made.
    pub fn change(&self, edits: Vec<Edit>) -> Result<(), String> {
        let Some((words, back)) = self.sim.try_with_value(|s| {
            let words = edits.first().map(|e| edit_words(s.scenario(), e)).unwrap_or_default();
            (words, backward(s, &edits))
        }) else {
            return Ok(());
        };
        self.apply_all(&edits)?;
        {
            self.history.update_value(|h| {
                h.redo.clear();
                if let Some(backward) = back {
                    if h.undo.len() == MAX_UNDO {
                        h.undo.remove(0);
                    }
                    h.undo.push(Change { words, forward: edits, backward });
                } else {
                    // Something in it cannot be undone: earlier changes cannot be replayed past it.
                    h.undo.clear();
                }
            });
            self.history_changed();
        }
        Ok(())
    }

    /// Undoes the last change, if any.
    pub fn undo(&self) {
        let Some(change) = self.history.try_update_value(|h| h.undo.pop()).flatten() else { return };
        match self.apply_all(&change.backward) {
            Ok(()) => {
                self.announce(format!("Undone: {}.", change.words));
                self.history.update_value(|h| h.redo.push(change));
            }
            Err(reason) => {
                self.error.set(Some(format!("Could not undo {}: {reason}", change.words)));
                self.history.update_value(|h| h.undo.push(change));
            }
        }
        self.history_changed();
    }

    /// Redoes the last undone change, if any.
    pub fn redo(&self) {
        let Some(change) = self.history.try_update_value(|h| h.redo.pop()).flatten() else { return };
        match self.apply_all(&change.forward) {
            Ok(()) => {
                self.announce(format!("Redone: {}.", change.words));
                self.history.update_value(|h| h.undo.push(change));
            }
            Err(reason) => {
                self.error.set(Some(format!("Could not redo {}: {reason}", change.words)));
                self.history.update_value(|h| h.redo.push(change));
            }
        }
        self.history_changed();
    }

    fn history_changed(&self) {
        let labels = self.history.with_value(History::labels);
        self.undo_labels.set(labels);
    }

    /// Forgets every change (a new scenario was loaded).
    pub(super) fn forget_history(&self) {
        self.history.set_value(History::default());
        self.undo_labels.set((None, None));
    }

    /// Applies edits: live if none changes the topology's shape, otherwise
    /// by running the changed scenario again to now. Stops at the first refusal.
    fn apply_all(&self, edits: &[Edit]) -> Result<(), String> {
        let structural = self.sim.with_value(|s| edits.iter().any(|e| e.is_structural(s.scenario())));
        if structural {
            return self.run_again(edits);
        }
        edits.iter().try_for_each(|e| self.apply_live(e.clone()))
    }

    /// The changed scenario from time zero, then a fast-forward to where the
    /// run was, keeping play or pause.
    fn run_again(&self, edits: &[Edit]) -> Result<(), String> {
        let Some((next, now)) = self.sim.try_with_value(|s| (s.rebuilt_with(edits), s.now())) else { return Ok(()) };
        let mut next = next.map_err(|e| e.to_string())?;
        self.record(|n, t| crate::view_model::share::Op::Rebuild { n, t, edits: edits.to_vec() });
        next.set_recording(true);
        self.drop_jump();
        self.flights.update_value(|f| {
            f.clear();
            f.shape_links(next.scenario());
        });
        let (nodes, links) = (next.scenario().nodes.len(), next.scenario().links.len());
        self.sim.set_value(next);
        self.narrator.update_value(super::Narrator::reset);
        self.journeys.clear();
        self.story_reset();
        self.error.set(None);
        self.run_error.set(None);
        let still_there = |sel: &Selection| match *sel {
            Selection::Node(i) => i < nodes,
            Selection::Link(i) => i < links,
        };
        if self.selected.with_untracked(|s| s.as_ref().is_some_and(|s| !still_there(s))) {
            self.selected.set(None);
        }
        self.revision.update(|r| *r += 1);
        self.refresh();
        if now > 0 {
            self.jump_to(now);
        }
        Ok(())
    }
}
