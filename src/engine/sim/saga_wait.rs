//! Sagas are durable: what drives one waits while it cannot act, and
//! carries on when it can, instead of acting from a dead process.
//!
//! - Orchestration: the orchestrator's state outlives its instances (a
//!   Temporal workflow, a saga table in the orchestrator's database). While
//!   no instance of it is up, or it hangs, it sends nothing and decides
//!   nothing: replies and timers that come meanwhile are kept in order and
//!   handled when an instance is back.
//! - Choreography: each step travels as an event on durable messaging. A
//!   service that crashes while doing its step, or is down when the event
//!   comes, gets the event again once it is back (it never "sends" its own
//!   failure); an event on a partitioned link waits for the link to heal
//!   instead of being lost; an event already published is delivered again
//!   whether or not its publisher is still up. A
//!   service whose backlog is full (`overloaded`) does not reject the
//!   event either: it stays on the broker and is delivered again when the
//!   service has a place free (a consumer takes a message when it has room,
//!   as RabbitMQ's prefetch or an SQS poller does), one per place.
//!
//! The saga's deadline keeps running while it waits: a saga held up by a
//! dead orchestrator is exactly what that alert is for.

use super::state::Answer;
use super::Simulation;
use crate::engine::event::{EventKind, Reason};
use crate::engine::scenario::SagaMode;
use crate::engine::slab::Key;

/// What a saga waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Blocker {
    /// A node with no instance up, or hung.
    Node(u32),
    /// A partitioned link.
    Link(u32),
    /// A node whose backlog was full: choreography's event stays on the
    /// broker until a place frees.
    Room(u32),
}

/// What to do once the blocker is gone.
#[derive(Clone, Copy, Debug)]
pub(super) enum Wake {
    /// Send the current step's command or compensation.
    Send,
    /// Decide on the outcome of the attempt `token` (a reply or a timeout).
    Outcome { token: u32, answer: Answer },
}

/// One saga waiting.
pub(super) struct Waiting {
    blocker: Blocker,
    saga: Key,
    wake: Wake,
}

impl Simulation {
    /// Whether `node` can act now: some instance up and in service, not hung.
    pub(super) fn node_can_act(&self, node: u32) -> bool {
        let svc = &self.services[node as usize];
        !svc.hung && svc.replicas.iter().any(|r| r.up && !r.retired)
    }

    /// The node that decides and sends for a saga now: its orchestrator, or
    /// in choreography the service that holds it.
    pub(super) fn saga_driver(&self, saga: Key) -> Option<(u32, SagaMode)> {
        let s = self.sagas.get(saga)?;
        let mode = self.saga_mode(s.node);
        Some((if mode == SagaMode::Orchestration { s.node } else { s.at }, mode))
    }

    /// Keeps `wake` for when `blocker` is gone; says so when the saga starts waiting.
    pub(super) fn saga_wait(&mut self, blocker: Blocker, saga: Key, wake: Wake) {
        let already = self.saga_waits.iter().any(|w| w.saga == saga);
        self.saga_waits.push(Waiting { blocker, saga, wake });
        if matches!(blocker, Blocker::Room(_)) {
            self.room_waits += 1;
        }
        let Some(s) = self.sagas.get(saga) else { return };
        if already {
            return;
        }
        let (id, node) = (s.id, s.node);
        let (on, link, full) = match blocker {
            Blocker::Node(on) => (on, None, false),
            Blocker::Link(link) => (self.topo.link_to[link as usize], Some(link), false),
            Blocker::Room(on) => (on, None, true),
        };
        self.emit(EventKind::SagaWaiting { saga: id, node, on, link, full });
    }

    /// In choreography, a step's service that crashed while doing it, or was
    /// down when it came, gets the event again when it is back; one whose
    /// backlog was full gets it when a place frees (true: kept for
    /// redelivery, not a failure: the event never left the broker).
    // Found in an audit: an overloaded participant's refusal was taken as a
    // business failure and the saga compensated (or, for a refused
    // compensation, went to the manual queue), though durable messaging
    // only makes the event wait.
    pub(super) fn redeliver_later(&mut self, node: u32, saga: Key, token: u32, outcome: Result<(), Reason>) -> bool {
        let blocker = match outcome {
            Err(Reason::Crashed | Reason::Unavailable) => Blocker::Node(node),
            Err(Reason::Overloaded) => Blocker::Room(node),
            _ => return false,
        };
        let current = self.sagas.get(saga).is_some_and(|s| s.token == token);
        if !current || self.saga_mode_of(saga) != Some(SagaMode::Choreography) {
            return false;
        }
        self.saga_wait(blocker, saga, Wake::Send);
        true
    }

    /// Places `node` could take in now: free workers and free backlog
    /// places of its instances that are up.
    fn free_places(&self, node: u32) -> usize {
        let svc = &self.services[node as usize];
        let (conc, backlog) = (svc.spec.concurrency as usize, svc.spec.backlog as usize);
        svc.replicas
            .iter()
            .filter(|r| r.up && !r.retired)
            .map(|r| conc.saturating_sub(r.busy as usize) + backlog.saturating_sub(r.waiting.len()))
            .sum()
    }

    /// A worker or backlog place of `node` was freed: the events waiting for
    /// room there are delivered again, as many as it has places.
    pub(super) fn room_freed(&mut self, node: u32) {
        self.sagas_unblocked(Blocker::Room(node));
    }

    /// `blocker` may be gone: what waited on it runs again, in the order it
    /// waited (each re-checks, and waits again if still blocked).
    pub(super) fn sagas_unblocked(&mut self, blocker: Blocker) {
        if self.saga_waits.iter().all(|w| w.blocker != blocker) {
            return;
        }
        // How many may go: all of them once a node is back or a link
        // healed; one per free place for a node that was full (waking them
        // all at each freed place would send them all to be refused again).
        let room = match blocker {
            Blocker::Node(node) => {
                if self.node_can_act(node) {
                    usize::MAX
                } else {
                    0
                }
            }
            Blocker::Link(link) => {
                if self.links[link as usize].partitioned {
                    0
                } else {
                    usize::MAX
                }
            }
            Blocker::Room(node) => self.free_places(node),
        };
        if room == 0 {
            return;
        }
        let mut woken = Vec::new();
        let mut kept = Vec::with_capacity(self.saga_waits.len());
        for w in std::mem::take(&mut self.saga_waits) {
            if w.blocker == blocker && woken.len() < room {
                woken.push(w);
            } else {
                kept.push(w);
            }
        }
        self.saga_waits = kept;
        if matches!(blocker, Blocker::Room(_)) {
            self.room_waits = self.room_waits.saturating_sub(woken.len() as u32);
        }
        for w in woken {
            match w.wake {
                Wake::Send => self.send_saga_msg(w.saga),
                Wake::Outcome { token, answer } => self.step_outcome(w.saga, token, answer),
            }
        }
    }

    /// Every blocker on `node`'s side may be gone (an instance came back, a
    /// hang ended, instances were added).
    pub(super) fn node_back(&mut self, node: u32) {
        self.sagas_unblocked(Blocker::Node(node));
        // Back after a crash with an empty backlog, or given more capacity:
        // no work there may finish to free a place, so room is looked at now.
        self.sagas_unblocked(Blocker::Room(node));
    }

    fn saga_mode_of(&self, saga: Key) -> Option<SagaMode> {
        self.sagas.get(saga).map(|s| self.saga_mode(s.node))
    }

    /// How many of orchestrator `node`'s sagas wait now.
    pub fn sagas_waiting(&self, node: u32) -> usize {
        let mut ids: Vec<u64> = self
            .saga_waits
            .iter()
            .filter_map(|w| self.sagas.get(w.saga))
            .filter(|s| s.node == node)
            .map(|s| s.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}
