//! Services: worker pools, backlogs, processing and hangs (an instance's
//! crash and restart are in `sim/faults.rs`).
//!
//! A request holds a worker from the moment it starts until it has run its
//! own processing, called its synchronous downstreams in order, sent its
//! queue messages, published its events and replied. Slow downstreams therefore fill the callers'
//! pools hop by hop: the cascade emerges from this rule alone.

use super::quick::Quick;
use super::state::*;
use super::Simulation;
use crate::engine::event::{CorrId, EventKind, Fate, MsgId, Reason};
use crate::engine::rng::Rng;
use crate::engine::slab::Key;
use crate::engine::time::Micros;

impl Simulation {
    /// A call attempt reaches its callee.
    pub(super) fn request_arrive(&mut self, r: RequestArrival) {
        let job = Job::Request { call: r.call, attempt: r.attempt, link: r.link };
        self.dispatch_request(r.node, r.msg, r.corr, job, false);
    }

    /// Routes a request to the least loaded instance that is up (lowest index on ties).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn dispatch_request(&mut self, node: u32, msg: MsgId, corr: CorrId, job: Job, poison: bool) {
        let svc = &self.services[node as usize];
        let pick = match svc.replicas.as_slice() {
            // One instance (the common case): no comparison to make.
            [r] => (r.up && !r.retired).then_some(0),
            replicas => replicas
                .iter()
                .enumerate()
                .filter(|(_, r)| r.up && !r.retired)
                .min_by_key(|(i, r)| (u64::from(r.busy) + r.waiting.len() as u64, *i))
                .map(|(i, _)| i as u32),
        };
        let Some(replica) = pick else {
            self.refuse(node, msg, corr, deferred(job), Reason::Unavailable);
            return;
        };
        self.emit_with(move || EventKind::Arrived { msg, node });
        self.admit(node, replica, msg, corr, job, poison, true);
    }

    /// Refuses a message without work (no instance up, or a full backlog).
    // Cold and out of line: the emit inlined here would otherwise sit in
    // the middle of every request's arrival path (block layout, as PGO would).
    // The job comes as a closure, built in the caller's cold block: passed
    // by value, it had to sit in memory on the hot path too (its address
    // went to this call), stored there in narrow parts and copied into the
    // work record with wide loads, a store-forwarding stall on every
    // admitted request.
    #[cold]
    #[inline(never)]
    fn refuse(&mut self, node: u32, msg: MsgId, corr: CorrId, job: impl FnOnce() -> Job, reason: Reason) {
        self.emit(EventKind::Rejected { msg, node, reason });
        self.answer_unstarted(node, msg, corr, job(), reason);
    }

    /// Puts a message into an instance: into a worker if one is free, else the backlog.
    // Every argument is part of the work record; a struct for one call site would only rename them.
    // Inlined natively into its three callers: out of line, its eight
    // arguments (the job through memory) and a second frame cost more
    // than the copies.
    #[allow(clippy::too_many_arguments)]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn admit(
        &mut self,
        node: u32,
        replica: u32,
        msg: MsgId,
        corr: CorrId,
        job: Job,
        poison: bool,
        bounded: bool,
    ) {
        let svc = &self.services[node as usize];
        let r = &svc.replicas[replica as usize];
        let free = r.busy < svc.spec.concurrency;
        if !free && bounded && r.waiting.len() as u64 >= u64::from(svc.spec.backlog) {
            self.refuse(node, msg, corr, deferred(job), Reason::Overloaded);
            return;
        }
        if free && !poison {
            // Straight into a free worker: the service time is drawn first
            // (no event or record uses randomness), so the record is
            // written once, already processing, with no second lookup.
            let now = self.now;
            let Some(svc) = self.services.get_mut(node as usize) else { return };
            let (due, extra, factor) = take_worker(svc, replica, &mut self.rng, now);
            let work = self.works.insert_with(|| Work {
                msg,
                corr,
                node,
                replica,
                job,
                poison,
                arrived: now,
                started: now,
                stage: Stage::Processing,
                downstream: 0,
                due,
                extra,
                factor,
            });
            self.emit_with(move || EventKind::Started { msg, node, replica, waited: 0 });
            self.schedule_quick(due, Quick::WorkEnd(work));
            return;
        }
        let now = self.now;
        let work = self.works.insert_with(|| Work {
            msg,
            corr,
            node,
            replica,
            job,
            poison,
            arrived: now,
            started: now,
            stage: Stage::Waiting,
            downstream: 0,
            due: 0,
            extra: 0,
            factor: 1.0,
        });
        if free {
            self.start_work(work);
        } else if let Some(r) = self.services[node as usize].replicas.get_mut(replica as usize) {
            r.waiting.push_back(work);
        }
    }

    /// A worker takes the message: its own processing begins. The work is
    /// looked up once, and its record written in place.
    fn start_work(&mut self, key: Key) {
        let Some(w) = self.works.get_mut(key) else { return };
        let (node, replica, msg, poison, waited) = (w.node, w.replica, w.msg, w.poison, self.now - w.arrived);
        if poison {
            if let Some(r) = self.services[node as usize].replicas.get_mut(replica as usize) {
                r.busy += 1;
            }
            self.start_poisoned(key, node, replica, msg, waited);
            return;
        }
        let Some(svc) = self.services.get_mut(node as usize) else { return };
        let (due, extra, factor) = take_worker(svc, replica, &mut self.rng, self.now);
        (w.stage, w.started, w.due, w.extra, w.factor) = (Stage::Processing, self.now, due, extra, factor);
        self.emit_with(move || EventKind::Started { msg, node, replica, waited });
        self.schedule_quick(due, Quick::WorkEnd(key));
    }

    /// A worker takes a malformed message: reading it kills the process.
    #[cold]
    #[inline(never)]
    fn start_poisoned(&mut self, key: Key, node: u32, replica: u32, msg: MsgId, waited: Micros) {
        if let Some(w) = self.works.get_mut(key) {
            (w.stage, w.started) = (Stage::Processing, self.now);
        }
        self.emit(EventKind::Started { msg, node, replica, waited });
        self.crash_replica(node, replica, Reason::Poison, true);
    }

    /// A slow-down on `node` began or ended: work in the middle of its own
    /// processing does what is left of it at the new speed, as a throttled
    /// machine's requests speed up again when the throttling stops (found by
    /// the liveness property: a 40 ms request started under ×1551 still held
    /// its worker a minute after the slow-downs had ended). The extra
    /// latency a fault added stays: it is a delay injected per request.
    pub(super) fn speed_changed(&mut self, node: u32) {
        let factor = self.services[node as usize].slow_factor;
        let now = self.now;
        // Faults change rarely: a scan keeps the hot path free of bookkeeping.
        let moved: Vec<Key> = self
            .works
            .iter()
            .filter(|(_, w)| w.node == node && w.stage == Stage::Processing && w.due > now && w.factor != factor)
            .map(|(k, _)| k)
            .collect();
        for key in moved {
            let Some(w) = self.works.get_mut(key) else { continue };
            // Processing runs after the injected delay, from `begin` to `due`.
            let begin = w.started.saturating_add(w.extra).max(now);
            let left = w.due.saturating_sub(begin);
            let due = begin.saturating_add(rescaled(left, w.factor, factor));
            w.factor = factor;
            if due != w.due {
                w.due = due;
                self.schedule_quick(due, Quick::WorkEnd(key));
            }
        }
    }

    /// Own processing finished (or a parked worker resumed).
    #[cfg_attr(not(target_arch = "wasm32"), inline(never))]
    pub(super) fn work_step(&mut self, key: Key) {
        let Some(w) = self.works.get_mut(key) else { return };
        // A stale timer: the work's speed changed since it was set.
        if (w.stage != Stage::Processing && w.stage != Stage::Parked) || w.due != self.now {
            return;
        }
        let node = w.node as usize;
        if self.services[node].hung {
            self.park(key);
            return;
        }
        w.stage = Stage::Processing;
        let comp = matches!(w.job, Job::Step { comp: true, .. });
        let svc = &self.services[node];
        let p_error = (svc.spec.error_rate + svc.error_extra).min(1.0);
        let outcome = if self.rng.chance(p_error) || (comp && self.compensation_fails(node as u32)) {
            Err(Reason::Error)
        } else if !self.topo.onward[node].calls {
            // A node with no calls and no saga finishes now: one flag
            // instead of the two lists `continue_from` would look at.
            Ok(())
        } else {
            // The node is known here: no second lookup of the work.
            self.continue_from(key, node, 0);
            return;
        };
        // One call site, with the finish inlined into it natively.
        self.finish_work_inline(key, outcome);
    }

    /// A hung service's worker stops before finishing (until the hang ends).
    #[cold]
    #[inline(never)]
    fn park(&mut self, key: Key) {
        let Some(w) = self.works.get_mut(key) else { return };
        w.stage = Stage::Parked;
        w.due = Micros::MAX;
        let node = w.node as usize;
        self.services[node].parked.push(key);
    }

    /// Runs the work's downstream calls from `idx` on, then its enqueues, then finishes.
    pub(super) fn continue_work(&mut self, key: Key, idx: usize) {
        let Some(w) = self.works.get(key) else { return };
        self.continue_from(key, w.node as usize, idx);
    }

    /// [`Simulation::continue_work`] for work known to be held by `node`.
    fn continue_from(&mut self, key: Key, node: usize, idx: usize) {
        if let Some(&link) = self.topo.sync_out[node].get(idx) {
            self.start_call(key, idx, link);
            return;
        }
        // An idempotent consumer skips a repeat's side effects, and starting
        // the saga is one: a redelivered order must not start a second saga.
        if !self.topo.saga_steps[node].is_empty() && !self.skipped_as_repeat(key) && !self.start_saga(key) {
            self.finish_work(key, Err(Reason::Overloaded));
            return;
        }
        self.finish_work(key, Ok(()));
    }

    /// Ends a work item: sends its queue messages (on success), answers whoever waits, frees the worker.
    pub(super) fn finish_work(&mut self, key: Key, outcome: Result<(), Reason>) {
        self.finish_work_inline(key, outcome);
    }

    /// [`Simulation::finish_work`], inlined natively into the end of a
    /// work's own processing (the common way a work ends), out of line for
    /// the other callers.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn finish_work_inline(&mut self, key: Key, outcome: Result<(), Reason>) {
        // Only what is needed is read out, and the slot freed in place
        // with the same lookup: moving the whole record out copied it
        // through the stack.
        let Some((w, running, started, downstream)) =
            self.works.discard_with(key, |w| (w.held(), w.stage != Stage::Waiting, w.started, w.downstream))
        else {
            return;
        };
        let (node, replica) = (w.node, w.replica);
        match outcome {
            Ok(()) => {
                let busy = self.now - started;
                let self_time = busy.saturating_sub(downstream);
                // One flag instead of four list lengths: most services send nothing on.
                if self.apply_side_effects(w) && self.topo.onward[node as usize].sends {
                    self.send_on(node, w.msg, w.corr);
                }
                self.emit_with(move || EventKind::Completed { msg: w.msg, node, busy, self_time });
            }
            Err(reason) => self.emit_failed(w.msg, node, reason, running),
        }
        // An order (the common answer) is answered here, with the work's
        // fields still in registers: through `answer` they went to the
        // stack and back.
        if let Job::Order(order) = w.job {
            self.answer_order(w.msg, w.corr, order, outcome);
        } else {
            self.answer(w, outcome);
        }
        self.release(node, replica, key, running);
    }

    /// A finished work's queue messages, events, records and pushed updates.
    // Out of line: a plain service sends nothing on, and its finish path
    // should not carry these loops.
    #[inline(never)]
    fn send_on(&mut self, node: u32, msg: MsgId, corr: CorrId) {
        // By index: cloning the list cost an allocation check per finished work.
        for i in 0..self.topo.enqueue_out[node as usize].len() {
            let link = self.topo.enqueue_out[node as usize][i];
            self.send_enqueue(node, link, msg, corr);
        }
        for i in 0..self.topo.publish_out[node as usize].len() {
            let link = self.topo.publish_out[node as usize][i];
            self.send_publish(node, link, msg, corr);
        }
        for i in 0..self.topo.append_out[node as usize].len() {
            let link = self.topo.append_out[node as usize][i];
            self.publish_after_commit(node, link, msg, corr);
        }
        if !self.topo.push_out[node as usize].is_empty() {
            self.push_updates(node, msg, corr);
        }
    }

    /// A work item failed (out of line, like [`Simulation::refuse`]).
    #[cold]
    #[inline(never)]
    fn emit_failed(&mut self, msg: MsgId, node: u32, reason: Reason, running: bool) {
        self.emit(EventKind::Failed { msg, node, reason, running });
    }

    /// Frees the worker (or backlog place) a work item held and starts the next in line.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn release(&mut self, node: u32, replica: u32, key: Key, running: bool) {
        let r = &mut self.services[node as usize].replicas[replica as usize];
        if running {
            r.busy = r.busy.saturating_sub(1);
        } else {
            r.waiting.retain(|k| *k != key);
        }
        self.start_next(node, replica);
        // Choreography's events that found this service full wait for a place.
        if self.room_waits > 0 {
            self.room_freed(node);
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn start_next(&mut self, node: u32, replica: u32) {
        loop {
            let svc = &mut self.services[node as usize];
            let conc = svc.spec.concurrency;
            let r = &mut svc.replicas[replica as usize];
            if !r.up || r.busy >= conc {
                return;
            }
            let Some(next) = r.waiting.pop_front() else { return };
            self.start_work(next);
        }
    }

    /// Tells the sender how its message ended.
    pub(super) fn answer(&mut self, w: Held, outcome: Result<(), Reason>) {
        match w.job {
            Job::Order(order) => self.answer_order(w.msg, w.corr, order, outcome),
            Job::Request { call, attempt, link } => {
                self.settle(w.msg, outcome.map_or_else(Fate::Failed, |()| Fate::Processed));
                self.send_reply(w.msg, call, attempt, link, outcome.is_ok());
            }
            Job::Delivery { queue, link, delivery } => {
                if outcome.is_ok() {
                    self.send_ack(w.msg, queue, link, delivery);
                } else if self.scenario.links[link as usize].transport.subscribe_policy().is_some() {
                    // A Pub/Sub client library nacks when the handler fails,
                    // so the event can be delivered again at once.
                    self.send_nack(w.msg, link, delivery);
                }
                // A queue's consumer deletes nothing on failure: the message
                // becomes visible again when its visibility timeout runs out (SQS).
                self.release_one(link, w.replica);
                self.refile_consumer(w.node, w.replica);
                self.pump_consumers_of(w.node);
            }
            Job::Record { link, partition, offset, .. } => {
                self.settle(w.msg, outcome.map_or_else(Fate::Failed, |()| Fate::Processed));
                self.record_done(w.msg, link, w.replica, partition, offset, outcome.is_ok());
            }
            Job::Step { .. } => {
                self.settle(w.msg, outcome.map_or_else(Fate::Failed, |()| Fate::Processed));
                self.step_answered(w.node, w.msg, w.job, outcome);
            }
        }
    }

    /// Tells a source how its order ended.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn answer_order(&mut self, msg: MsgId, corr: CorrId, order: OrderInfo, outcome: Result<(), Reason>) {
        self.settle(msg, outcome.map_or_else(Fate::Failed, |()| Fate::Processed));
        let (ok, e2e) = (outcome.is_ok(), self.now - order.placed);
        self.emit_with(move || EventKind::OrderFinished { corr, source: order.source, ok, e2e, budget: order.budget });
    }

    /// Answers a message that never reached a worker.
    fn answer_unstarted(&mut self, node: u32, msg: MsgId, corr: CorrId, job: Job, reason: Reason) {
        let w = Held { msg, corr, node, replica: 0, job };
        match job {
            // Never refused (admitted unbounded), and a queue redelivers anyway.
            Job::Delivery { .. } | Job::Record { .. } => {}
            Job::Order(_) | Job::Request { .. } | Job::Step { .. } => self.answer(w, Err(reason)),
        }
    }

    /// Records that a message's side effects happen; returns false when an
    /// idempotent consumer recognises a repeat and skips them.
    // Inline natively: only queue deliveries, records and saga steps have
    // side effects to track, and the other jobs should not pay a call to
    // learn that.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn apply_side_effects(&mut self, w: Held) -> bool {
        if let Job::Record { link, partition, offset, event } = w.job {
            return self.record_effects(w.msg, link, partition, offset, event);
        }
        if let Job::Step { id, link, comp, .. } = w.job {
            return self.apply_step_effects(w.node, id, link, comp);
        }
        let Job::Delivery { link, .. } = w.job else { return true };
        self.apply_delivery_effects(w, link)
    }

    /// Whether the work's side effects will be skipped as a repeat when it
    /// finishes (asked before [`Simulation::apply_side_effects`] decides).
    fn skipped_as_repeat(&self, key: Key) -> bool {
        let Some(w) = self.works.get(key) else { return false };
        match w.job {
            Job::Delivery { link, .. } => {
                self.consumer_is_idempotent(link) && self.services[w.node as usize].applied.contains(&w.msg)
            }
            Job::Record { link, partition, offset, event } => {
                self.record_will_be_skipped(link, partition, offset, event)
            }
            Job::Order(_) | Job::Request { .. } | Job::Step { .. } => false,
        }
    }

    fn apply_delivery_effects(&mut self, w: Held, link: u32) -> bool {
        let idempotent = self.consumer_is_idempotent(link);
        let svc = &mut self.services[w.node as usize];
        if svc.applied.contains(&w.msg) {
            let (msg, node) = (w.msg, w.node);
            if idempotent {
                self.emit(EventKind::DuplicateSuppressed { msg, node });
                return false;
            }
            self.emit(EventKind::DuplicateProcessed { msg, node });
            return true;
        }
        svc.applied.insert(w.msg);
        svc.applied_order.push_back((self.now, w.msg));
        while let Some(&(t, id)) = svc.applied_order.front() {
            if self.now.saturating_sub(t) <= DEDUPE_WINDOW && svc.applied_order.len() <= DEDUPE_MAX {
                break;
            }
            svc.applied_order.pop_front();
            svc.applied.remove(&id);
        }
        true
    }
}

/// The job for [`Simulation::refuse`], made when it is called: one closure
/// type for both callers, so the cold function is built once.
#[inline(always)]
fn deferred(job: Job) -> impl FnOnce() -> Job {
    move || job
}

/// Takes a worker of the service's instance `replica` and draws the work's
/// own processing: when it ends, the fault's extra latency and the
/// slow-down factor. A free function over the fields it needs, so a caller
/// can hold the work's record across it (one lookup of the work).
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn take_worker(svc: &mut ServiceState, replica: u32, rng: &mut Rng, now: Micros) -> (Micros, Micros, f64) {
    if let Some(r) = svc.replicas.get_mut(replica as usize) {
        r.busy += 1;
    }
    let own = svc.spec.processing.sample(rng);
    // Unslowed (the usual case), skip the round trip through a float:
    // the same value whenever the float holds `own` exactly.
    let (factor, extra) = (svc.slow_factor, svc.extra);
    let slowed = if factor == 1.0 && own < 1 << 53 { own } else { slowed_by(own, factor) };
    (now.saturating_add(slowed.saturating_add(extra)), extra, factor)
}

/// Processing time under a slow-down fault. Out of line and cold on
/// purpose: inlined, the compiler computed it on every start and picked
/// the result with a conditional move, which put two float conversions
/// on the path to every work's end time.
#[cold]
#[inline(never)]
fn slowed_by(own: Micros, factor: f64) -> Micros {
    (own as f64 * factor) as u64
}

/// Processing time `left` at slow-down `from`, done at `to` instead.
#[cold]
#[inline(never)]
fn rescaled(left: Micros, from: f64, to: f64) -> Micros {
    (left as f64 / from * to) as u64
}
