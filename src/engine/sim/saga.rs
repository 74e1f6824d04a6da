//! Type 5, sagas: an orchestrator (a service with a `saga` block) starts a
//! saga for every message or call it handles; each step is a command
//! carried over a `saga_step` link and worked on by the target service's
//! workers like any request (so its error rate, crashes, hangs and link
//! faults decide the step), and compensations run in reverse on failure.
//!
//! Orchestration: the orchestrator sends each command and compensation,
//! the reply crosses the link back, and a step whose reply is late fails
//! by the step timeout. Choreography: no coordinator; a service that
//! finishes a step sends the next command itself, and a failure travels
//! back service to service, each compensating its own step. The decisions
//! are the same function in both modes, so the same faults give the same
//! business outcome; only who sends what to whom (and when) differs.
//!
//! Ledger: the message the orchestrator handles settles when the saga
//! starts (accepted); every command and compensation is a new message of
//! the same order (`corr`), child of that one, settled by the service that
//! does it. A saga's business outcome is counted in the saga metrics.

use super::saga_wait::{Blocker, Wake};
use super::state::*;
use super::Simulation;
use crate::engine::event::{EventKind, Fate, MsgId, Reason, SagaOutcome};
use crate::engine::limits::MAX_LIVE_SAGAS;
use crate::engine::scenario::{FaultEffect, SagaMode, SagaSpec, StepKind};
use crate::engine::slab::Key;
use crate::engine::time::{ms_to_micros, Micros, SECOND};

/// One running saga.
pub(super) struct Saga {
    /// Its id in events (saga slots are reused; ids never are).
    pub id: u64,
    /// The orchestrator.
    pub node: u32,
    pub corr: u64,
    pub started: Micros,
    /// The step being done, or being compensated.
    pub step: u32,
    /// Steps that succeeded.
    pub done: u32,
    pub compensating: bool,
    /// Compensations that succeeded.
    pub comps: u32,
    /// Retries of the current step or compensation so far (sets the backoff).
    pub attempt: u32,
    /// Failed tries of the current compensation (refusals are not
    /// failures: they do not use up `compensation_retries`).
    pub failures: u32,
    /// Names the current attempt: replies, timeouts and resends of older ones are ignored.
    pub token: u32,
    /// Choreography: the service that holds the saga now (sends the next message).
    pub at: u32,
    /// Passed its deadline (marked once; the saga carries on).
    pub stuck: bool,
}

impl Simulation {
    fn saga_spec(&self, node: u32) -> SagaSpec {
        self.scenario.nodes[node as usize].kind.service().and_then(|s| s.saga.clone()).unwrap_or_default()
    }

    /// Who drives the sagas of orchestrator `node`.
    pub(super) fn saga_mode(&self, node: u32) -> SagaMode {
        self.scenario.nodes[node as usize]
            .kind
            .service()
            .and_then(|s| s.saga.as_ref())
            .map_or(SagaMode::default(), |s| s.mode)
    }

    fn step_kind(&self, link: u32) -> (StepKind, bool) {
        self.scenario.links[link as usize]
            .transport
            .step_policy()
            .map_or((StepKind::Compensatable, false), |p| (p.kind, p.compensation && p.kind == StepKind::Compensatable))
    }

    /// The orchestrator's work is done: start its saga. False when the
    /// orchestrator already runs as many sagas as it may (the work is refused).
    pub(super) fn start_saga(&mut self, work: Key) -> bool {
        let Some(w) = self.works.get(work) else { return false };
        let (node, msg, corr) = (w.node, w.msg, w.corr);
        if self.sagas_running[node as usize] as usize >= MAX_LIVE_SAGAS {
            return false;
        }
        self.sagas_running[node as usize] += 1;
        let id = self.next_saga;
        self.next_saga += 1;
        let steps = self.topo.saga_steps[node as usize].len() as u32;
        let saga = self.sagas.insert(Saga {
            id,
            node,
            corr,
            started: self.now,
            step: 0,
            done: 0,
            compensating: false,
            comps: 0,
            attempt: 0,
            failures: 0,
            token: 0,
            at: node,
            stuck: false,
        });
        self.emit(EventKind::SagaStarted { saga: id, node, msg, corr, steps });
        let deadline = ms_to_micros(self.saga_spec(node).deadline_ms);
        self.schedule(self.now.saturating_add(deadline), Action::SagaDeadline { saga });
        self.send_saga_msg(saga);
        true
    }

    /// Sends the saga's current step command or compensation, or keeps it
    /// until its orchestrator is up (in choreography, until its link has healed).
    pub(super) fn send_saga_msg(&mut self, saga: Key) {
        let Some((from, mode)) = self.saga_driver(saga) else { return };
        // In choreography the holder publishes the event as it finishes its
        // own step, up by then; a send that comes later (a redelivery, a
        // retry after backoff) is the broker's, with the event already
        // durable there, so the publisher's state since does not matter.
        if mode == SagaMode::Orchestration && !self.node_can_act(from) {
            self.saga_wait(Blocker::Node(from), saga, Wake::Send);
            return;
        }
        let Some(s) = self.sagas.get(saga) else { return };
        let Some(&link) = self.topo.saga_steps[s.node as usize].get(s.step as usize) else { return };
        let to = self.topo.link_to[link as usize];
        if mode == SagaMode::Choreography && from != to && self.links[link as usize].partitioned {
            self.saga_wait(Blocker::Link(link), saga, Wake::Send);
            return;
        }
        let Some(s) = self.sagas.get_mut(saga) else { return };
        s.token = s.token.wrapping_add(1);
        let (id, node, step, comp, token, corr, attempt) =
            (s.id, s.node, s.step, s.compensating, s.token, s.corr, s.attempt);
        let spec = self.saga_spec(node);
        let msg = self.new_msg_id();
        self.msgs.insert(msg, Msg::new(corr));
        // A service retrying its own work does not cross a link.
        let arrives = if from == to { Some(self.now) } else { self.cross(link) };
        let kind = if comp {
            EventKind::CompensationSent { msg, corr, saga: id, step, from, to, link, attempt, arrives }
        } else {
            EventKind::StepSent { msg, corr, saga: id, step, from, to, link, attempt, arrives }
        };
        self.emit(kind);
        match arrives {
            Some(t) => {
                let arrival = StepArrival { msg, corr, node: to, saga, id, token, link, comp };
                self.schedule(t, Action::StepArrive(Box::new(arrival)));
            }
            None => {
                self.emit(EventKind::Lost { msg, link });
                self.settle(msg, Fate::Dropped(Reason::Partition));
            }
        }
        if spec.mode == SagaMode::Orchestration {
            let at = self.now.saturating_add(ms_to_micros(spec.step_timeout_ms));
            self.schedule(at, Action::StepOutcome { saga, token, answer: Answer::TimedOut });
        }
    }

    /// A command or compensation reaches its service: it is work like any request.
    // The command's own step link and kind travel with it: read from the
    // saga when it arrives, a late command took the link and kind of
    // whatever the saga had moved on to (found in an audit: a late charge
    // replied over the reserve step's link, and a late compensation was
    // treated as a forward step, out of reach of `compensation_fails`).
    pub(super) fn step_arrive(&mut self, a: StepArrival) {
        let job = Job::Step { saga: a.saga, id: a.id, token: a.token, link: a.link, comp: a.comp };
        self.dispatch_request(a.node, a.msg, a.corr, job, false);
    }

    /// The service finished a command or compensation (or lost it in a crash).
    pub(super) fn step_answered(&mut self, node: u32, msg: MsgId, job: Job, outcome: Result<(), Reason>) {
        let Job::Step { saga, token, link, .. } = job else { return };
        let ok = outcome.is_ok();
        let orchestration = self.sagas.get(saga).is_none_or(|s| self.saga_mode(s.node) == SagaMode::Orchestration);
        if !orchestration {
            if self.redeliver_later(node, saga, token, outcome) {
                return;
            }
            if let Some(s) = self.sagas.get_mut(saga) {
                if s.token == token {
                    s.at = node;
                }
            }
            self.step_outcome(saga, token, if ok { Answer::Ok } else { Answer::Failed });
            return;
        }
        if link == u32::MAX {
            return;
        }
        let Some(at) = self.cross(link) else {
            self.emit(EventKind::Replied { msg, link, ok, arrives: None });
            self.emit(EventKind::Lost { msg, link });
            return;
        };
        self.emit(EventKind::Replied { msg, link, ok, arrives: Some(at) });
        let answer = match outcome {
            Ok(()) => Answer::Ok,
            Err(Reason::Crashed) => Answer::Crashed,
            Err(Reason::Overloaded | Reason::Unavailable) => Answer::Refused,
            Err(_) => Answer::Failed,
        };
        self.schedule(at, Action::StepOutcome { saga, token, answer });
    }

    /// Decides what the saga does after its current step or compensation ended.
    pub(super) fn step_outcome(&mut self, saga: Key, token: u32, answer: Answer) {
        let Some(s) = self.sagas.get(saga) else { return };
        if s.token != token {
            return;
        }
        // A reply or timeout that comes while the orchestrator is down is
        // handled when it is back (its state is durable; its process is not).
        let node = s.node;
        if self.saga_mode(node) == SagaMode::Orchestration && !self.node_can_act(node) {
            self.saga_wait(Blocker::Node(node), saga, Wake::Outcome { token, answer });
            return;
        }
        let Some(s) = self.sagas.get_mut(saga) else { return };
        // Whatever else comes for this attempt is stale now.
        s.token = s.token.wrapping_add(1);
        let (id, node, step, comp) = (s.id, s.node, s.step, s.compensating);
        let (ok, timed_out, refused) = (answer == Answer::Ok, answer == Answer::TimedOut, answer == Answer::Refused);
        self.emit(EventKind::StepDone { saga: id, node, step, compensation: comp, ok, timed_out, refused });
        let steps = &self.topo.saga_steps[node as usize];
        let n = steps.len() as u32;
        let (kind, _) = steps.get(step as usize).map_or((StepKind::Compensatable, false), |&l| self.step_kind(l));
        let retries = self.saga_spec(node).compensation_retries;
        let Some(s) = self.sagas.get_mut(saga) else { return };
        match (comp, ok) {
            (false, true) => {
                s.done = step + 1;
                (s.attempt, s.failures) = (0, 0);
                if s.done >= n {
                    self.end_saga(saga, SagaOutcome::Completed);
                } else {
                    s.step += 1;
                    self.send_saga_msg(saga);
                }
            }
            // Refused without any work (its service down, or full): nothing
            // happened and nothing was decided, so there is nothing to undo
            // and no failure to count. The orchestrator asks again with the
            // doubling backoff, as a workflow engine retries an activity
            // (Temporal's default policy: without limit) and as a command
            // waits on a durable channel (Eventuate Tram); undoing every
            // saga while a service restarts would teach that a restart is a
            // business failure. The deadline still marks a long wait stuck.
            (_, false) if answer == Answer::Refused => self.retry_later(saga),
            // After the pivot there is no way back: try again until it works.
            (false, false) if kind == StepKind::Retriable => self.retry_later(saga),
            // A pivot whose outcome is unknown cannot be compensated around:
            // it may land after the undo (found in an audit: the saga ended
            // compensated and the charge went through 175 ms later). The
            // orchestrator asks again (the command carries its saga and step,
            // an idempotency key) until it hears a definite answer.
            (false, false) if kind == StepKind::Pivot && answer.unknown() => self.retry_later(saga),
            (false, false) => {
                s.compensating = true;
                (s.attempt, s.failures) = (0, 0);
                // A step that failed is not compensated. A step that timed
                // out, or whose service crashed doing it, may still have
                // happened (or happen later): its outcome is unknown, so its
                // own compensation runs first, as
                // orchestrators do by registering a compensation before the
                // call (found in review: it was silently left in place).
                let from = if answer.unknown() { step + 1 } else { step };
                self.next_compensation(saga, from);
            }
            (true, true) => {
                s.comps += 1;
                (s.attempt, s.failures) = (0, 0);
                self.next_compensation(saga, step);
            }
            (true, false) if s.failures < retries => {
                s.failures += 1;
                self.retry_later(saga);
            }
            (true, false) => {
                // The compensations before this one do not run: a person must look.
                self.end_saga(saga, SagaOutcome::Manual);
                self.manual[node as usize] += 1;
                let waiting = self.manual[node as usize];
                self.emit(EventKind::SagaAlert { saga: id, node, step, waiting });
            }
        }
    }

    /// Compensates the nearest step before `before` that has a compensation, or ends the saga.
    fn next_compensation(&mut self, saga: Key, before: u32) {
        let Some(s) = self.sagas.get(saga) else { return };
        let steps = &self.topo.saga_steps[s.node as usize];
        let next = (0..before.min(steps.len() as u32)).rev().find(|&j| self.step_kind(steps[j as usize]).1);
        match next {
            Some(j) => {
                if let Some(s) = self.sagas.get_mut(saga) {
                    s.step = j;
                }
                self.send_saga_msg(saga);
            }
            None => self.end_saga(saga, SagaOutcome::Compensated),
        }
    }

    /// Sends the current step or compensation again after a backoff that doubles each time.
    fn retry_later(&mut self, saga: Key) {
        let Some(s) = self.sagas.get_mut(saga) else { return };
        s.attempt += 1;
        let (node, attempt, token) = (s.node, s.attempt, s.token);
        let base = ms_to_micros(self.saga_spec(node).retry_backoff_ms);
        let delay = saga_backoff(base, attempt);
        self.schedule(self.now.saturating_add(delay), Action::SagaResend { saga, token });
    }

    /// A retry's wait is over.
    pub(super) fn saga_resend(&mut self, saga: Key, token: u32) {
        if self.sagas.get(saga).is_some_and(|s| s.token == token) {
            self.send_saga_msg(saga);
        }
    }

    /// The deadline passed: a saga still running is marked stuck and an
    /// alert raised. It is not abandoned: its steps, retries and
    /// compensations carry on to a real outcome, because stopping the
    /// bookkeeping would leave a half-done business transaction unseen.
    pub(super) fn saga_deadline(&mut self, saga: Key) {
        let Some(s) = self.sagas.get_mut(saga) else { return };
        if s.stuck {
            return;
        }
        s.stuck = true;
        let (id, node, step, compensating) = (s.id, s.node, s.step, s.compensating);
        self.emit(EventKind::SagaStuck { saga: id, node, step, compensating });
    }

    fn end_saga(&mut self, saga: Key, outcome: SagaOutcome) {
        let Some(s) = self.sagas.remove(saga) else { return };
        let running = &mut self.sagas_running[s.node as usize];
        *running = running.saturating_sub(1);
        self.emit(EventKind::SagaEnded {
            saga: s.id,
            node: s.node,
            outcome,
            steps_done: s.done,
            compensated: s.comps,
            started: s.started,
        });
    }

    /// Whether a compensation worked on by `node` fails by a `compensation_fails` fault.
    pub(super) fn compensation_fails(&mut self, node: u32) -> bool {
        self.take_counted(node, |e| match e {
            FaultEffect::CompensationFails { probability, .. } => Some(*probability),
            _ => None,
        })
    }

    /// Up to `max` running sagas of an orchestrator: (id, step, compensating, steps done).
    pub fn running_sagas(&self, node: u32, max: usize) -> Vec<(u64, u32, bool, u32)> {
        self.sagas
            .iter()
            .filter(|(_, s)| s.node == node)
            .take(max)
            .map(|(_, s)| (s.id, s.step, s.compensating, s.done))
            .collect()
    }
}

/// The wait before the `attempt`-th ask (from 1): `base` doubled on each
/// ask, up to 1,024 times `base` but never capped below one second.
/// Refused steps are asked again without limit, so the cap is what a
/// participant down for good costs per saga: with a 1 µs base and a cap
/// of 1,024 µs every waiting saga asked a thousand times a simulated
/// second: ten simulated minutes of the saga preset with one participant
/// down took 40 s and 156 M events (0.3 s and 1.9 M with the floor). Workflow engines cap their interval the
/// same way (Temporal: 100 times the first, by default).
pub(super) fn saga_backoff(base: Micros, attempt: u32) -> Micros {
    let cap = base.saturating_mul(1024).max(SECOND);
    base.saturating_mul(1 << attempt.saturating_sub(1).min(40)).min(cap)
}
