//! Metrics of type 5, sagas: per orchestrator the sagas started and how
//! they ended, steps and compensations that failed, the manual-intervention
//! queue (its count, and the ids of its first sagas).

use serde::Serialize;

use super::Metrics;
use crate::engine::event::{EventKind, SagaOutcome};
use crate::engine::histogram::Histogram;
use crate::engine::limits::MANUAL_QUEUE_IDS;
use crate::engine::time::Micros;

/// One orchestrator's sagas.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SagaMetrics {
    /// Sagas started.
    pub started: u64,
    /// Sagas running now.
    pub running: u64,
    /// Ended with every step done.
    pub completed: u64,
    /// Ended after their compensations ran.
    pub compensated: u64,
    /// Ended needing a person (the manual-intervention queue's count).
    pub manual: u64,
    /// Sagas that passed their deadline before ending (each also raised an
    /// alert; they carry on and end in one of the other outcomes).
    pub stuck: u64,
    /// Steps that failed (timeouts included).
    pub steps_failed: u64,
    /// Steps whose reply did not come back in time.
    pub step_timeouts: u64,
    /// Compensations that succeeded.
    pub compensations_done: u64,
    /// Compensation attempts that failed (each retry counts).
    pub compensations_failed: u64,
    /// Times a saga had to wait: its orchestrator (or in choreography the
    /// service holding it) was down, its event waited out a partition, or
    /// (choreography) the next service was full.
    pub waits: u64,
    /// Of those, waits in choreography for a participant whose backlog was
    /// full (its event stayed on the broker until a place freed).
    pub full_waits: u64,
    /// Steps and undos their service refused unworked (down, or full) and
    /// the orchestrator asked again: not failures, nothing was done.
    pub refused: u64,
    /// Repeats of a step or undo its service recognised and did not do again (idempotent steps).
    pub repeats_recognised: u64,
    /// Repeats of a step or undo whose effect happened twice (steps not
    /// idempotent: a second charge, a second refund).
    pub done_twice: u64,
    /// Alerts raised (one per saga sent to the manual queue).
    pub alerts: u64,
    /// Ids of the first sagas in the manual-intervention queue.
    pub manual_queue: Vec<u64>,
    /// Start to end of completed sagas.
    pub duration: Histogram,
}

impl SagaMetrics {
    /// Finished sagas of every outcome.
    pub fn ended(&self) -> u64 {
        self.completed + self.compensated + self.manual
    }
}

impl Metrics {
    pub(super) fn observe_saga(&mut self, t: Micros, kind: &EventKind) {
        match *kind {
            EventKind::SagaStarted { node, .. } => {
                let m = &mut self.sagas[node as usize];
                m.started += 1;
                m.running += 1;
            }
            EventKind::StepDone { node, refused: true, .. } => self.sagas[node as usize].refused += 1,
            EventKind::StepDone { node, compensation, ok, timed_out, .. } => {
                let m = &mut self.sagas[node as usize];
                match (compensation, ok) {
                    (false, true) => {}
                    (false, false) => m.steps_failed += 1,
                    (true, true) => m.compensations_done += 1,
                    (true, false) => m.compensations_failed += 1,
                }
                m.step_timeouts += u64::from(timed_out);
            }
            EventKind::SagaEnded { saga, node, outcome, started, .. } => {
                let m = &mut self.sagas[node as usize];
                m.running = m.running.saturating_sub(1);
                match outcome {
                    SagaOutcome::Completed => {
                        m.completed += 1;
                        m.duration.record(t.saturating_sub(started));
                    }
                    SagaOutcome::Compensated => m.compensated += 1,
                    SagaOutcome::Manual => {
                        m.manual += 1;
                        if m.manual_queue.len() < MANUAL_QUEUE_IDS {
                            m.manual_queue.push(saga);
                        }
                    }
                }
            }
            EventKind::SagaAlert { node, .. } => self.sagas[node as usize].alerts += 1,
            EventKind::StepRepeated { node, applied, .. } => {
                let m = &mut self.sagas[node as usize];
                m.repeats_recognised += u64::from(!applied);
                m.done_twice += u64::from(applied);
            }
            EventKind::SagaWaiting { node, full, .. } => {
                let m = &mut self.sagas[node as usize];
                m.waits += 1;
                m.full_waits += u64::from(full);
            }
            EventKind::SagaStuck { node, .. } => {
                let m = &mut self.sagas[node as usize];
                m.stuck += 1;
                m.alerts += 1;
            }
            _ => {}
        }
    }
}
