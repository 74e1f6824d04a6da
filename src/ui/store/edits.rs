//! The store's edit actions: every change to the simulation the inspector
//! makes is an [`Edit`] applied through [`Store::edit`], kept in the run's
//! edit list, and its failure shown where the action happened.

use crate::engine::scenario::{Fault, FaultEffect, Position, QueueSpec, ServiceSpec, Transport};
use crate::engine::time::micros_to_ms;
use leptos::prelude::*;

use crate::engine::{Edit, SimError, TimedEdit};

use super::{Store, MAX_KEPT_EDITS};

impl Store {
    /// Makes one edit, kept for undo (see [`Store::change`]). A rejected
    /// edit changes nothing and its reason is shown in the inspector.
    pub fn edit(&self, edit: Edit) {
        if let Err(reason) = self.change(vec![edit]) {
            self.error.set(Some(reason));
        }
    }

    /// [`Store::edit`] for a settings field, which shows the reason beside
    /// itself: returns why the edit was refused (the engine's reason,
    /// without its JSON path) instead of showing it in the inspector.
    pub fn try_edit(&self, edit: Edit) -> Result<(), String> {
        self.change(vec![edit])
    }

    /// Applies one edit now through the engine's single edit path, not kept
    /// for undo (the history does that). An accepted edit is kept in
    /// [`Store::edits`] with the time it was made.
    pub(super) fn apply_live(&self, edit: Edit) -> Result<(), String> {
        let explanation = self.story_explain(&edit);
        let Some((applied, run, at, (n, t))) = self.sim.try_update_value(|s| {
            let position = (s.timers_fired(), s.now());
            let applied = s.apply(&edit);
            // A fault starts at the current instant: process that now, so it shows within the frame.
            let now = s.now();
            let run = if applied.is_ok() { s.run_until(now).map(|_| ()) } else { Ok(()) };
            (applied, run, now, position)
        }) else {
            return Ok(());
        };
        if let Err(e) = applied {
            return Err(match e {
                SimError::Invalid(e) => e.reason,
                other => other.to_string(),
            });
        }
        // Stamped with where the engine was before the edit: a link plays it back there.
        self.push_op(crate::view_model::share::Op::Edit { n, t, edit: edit.clone() });
        self.edits.update_value(|list| {
            if list.len() < MAX_KEPT_EDITS {
                list.push(TimedEdit { at_ms: micros_to_ms(at), edit });
            }
        });
        self.revision.update(|r| *r += 1);
        if let Err(e) = run {
            // The edit is in; the run could not take it in. Say so where the edit was made.
            self.run_failed(&e);
            return Err(format!("The change was made, but the run stopped: {e}"));
        }
        self.error.set(None);
        // Explained first: an alert the change lets a monitor raise (in refresh) is said after it.
        self.story_explained(explanation);
        self.refresh();
        Ok(())
    }

    /// Starts a fault on a node or link now, until cleared.
    pub fn apply_fault(&self, target: &str, effect: FaultEffect) {
        let fault = Fault { target: target.to_string(), at_ms: 0.0, until_ms: None, effect };
        self.edit(Edit::ApplyFault { fault });
    }

    /// Ends a fault.
    pub fn clear_fault(&self, index: u32) {
        self.edit(Edit::ClearFault { index });
    }

    /// Replaces a link's transport settings.
    pub fn set_transport(&self, link_id: &str, transport: Transport) {
        self.edit(Edit::SetTransport { link: link_id.to_string(), transport });
    }

    /// Replaces a queue's settings.
    pub fn set_queue(&self, node_id: &str, spec: QueueSpec) {
        self.edit(Edit::SetQueue { node: node_id.to_string(), spec });
    }

    /// Moves a node to world position `(x, y)` (positions are part of the scenario).
    pub fn move_node(&self, node_id: &str, (x, y): (f64, f64)) {
        self.edit(Edit::MoveNode { node: node_id.to_string(), position: Position { x, y } });
    }

    /// Replaces a service's settings.
    pub fn set_service(&self, node_id: &str, spec: ServiceSpec) {
        self.edit(Edit::SetService { node: node_id.to_string(), spec });
    }
}
