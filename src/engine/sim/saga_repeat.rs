//! A saga participant recognising a repeat. A step's command (or its undo)
//! can be done twice at its service: an orchestrator asks again about a
//! step whose reply was late (an unknown pivot, a retriable step, a
//! compensation that timed out) while the first attempt still finishes.
//! Each command carries its saga and step, the idempotency key saga
//! frameworks tell participants to deduplicate on (Eventuate Tram,
//! MassTransit, Temporal activities). A step marked `idempotent` (the
//! default) does its effect once and answers the repeat as done; one that is
//! not does it again: a second charge, a second refund.
//!
//! Remembered as the queue consumers' dedupe store is: 10 minutes of
//! simulated time, at most 100,000 steps per service.

use super::state::{DEDUPE_MAX, DEDUPE_WINDOW};
use super::Simulation;
use crate::engine::event::EventKind;

impl Simulation {
    /// A step's work at `node` finished well: records it, or says it was a
    /// repeat. False when its effect is skipped (an idempotent repeat).
    pub(super) fn apply_step_effects(&mut self, node: u32, saga: u64, link: u32, comp: bool) -> bool {
        let key = (saga, link.saturating_mul(2) | u32::from(comp));
        let now = self.now;
        let svc = &mut self.services[node as usize];
        if svc.applied_steps.contains(&key) {
            let idempotent = self
                .scenario
                .links
                .get(link as usize)
                .and_then(|l| l.transport.step_policy())
                .is_none_or(|p| p.idempotent);
            let orchestrator = self.topo.link_from.get(link as usize).copied().unwrap_or(u32::MAX);
            let step = self
                .topo
                .saga_steps
                .get(orchestrator as usize)
                .and_then(|s| s.iter().position(|&l| l == link))
                .unwrap_or(0) as u32;
            self.emit(EventKind::StepRepeated {
                saga,
                node: orchestrator,
                step,
                at: node,
                compensation: comp,
                applied: !idempotent,
            });
            return !idempotent;
        }
        svc.applied_steps.insert(key);
        svc.applied_steps_order.push_back((now, key));
        while let Some(&(t, k)) = svc.applied_steps_order.front() {
            if now.saturating_sub(t) <= DEDUPE_WINDOW && svc.applied_steps_order.len() <= DEDUPE_MAX {
                break;
            }
            svc.applied_steps_order.pop_front();
            svc.applied_steps.remove(&k);
        }
        true
    }
}
