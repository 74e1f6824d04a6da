//! Request-response calls: attempts, timeouts, retries with backoff and a
//! retry budget, circuit breakers, fallbacks.

use super::state::*;
use super::Simulation;
use crate::engine::breaker::Permit;
use crate::engine::event::{EventKind, Fate, MsgId, Reason};
use crate::engine::retry::backoff;
use crate::engine::scenario::SyncPolicy;
use crate::engine::slab::Key;
use crate::engine::time::{ms_to_micros, Micros};

impl Simulation {
    fn sync_policy(&self, link: u32) -> Option<&SyncPolicy> {
        self.scenario.links[link as usize].transport.sync_policy()
    }

    /// The worker `work` calls downstream over `link` (its `idx`-th call).
    pub(super) fn start_call(&mut self, work: Key, idx: usize, link: u32) {
        let Some(w) = self.works.get(work) else { return };
        let call = self.calls.insert(Call {
            work,
            link,
            corr: w.corr,
            parent: w.msg,
            attempt: 0,
            msg: 0,
            sent_at: self.now,
            started: self.now,
            awaiting: false,
            epoch: None,
            prev_sleep: 0,
        });
        if let Some(w) = self.works.get_mut(work) {
            w.stage = Stage::Calling { idx, call };
        }
        self.start_attempt(call);
    }

    fn start_attempt(&mut self, key: Key) {
        let Some(c) = self.calls.get(key) else { return };
        let (link, corr, parent, attempt) = (c.link, c.corr, c.parent, c.attempt);
        let mut epoch = None;
        if let Some(b) = self.links[link as usize].breaker.as_mut() {
            let from = b.state();
            let (permit, change) = b.acquire(self.now);
            if let Some(to) = change {
                self.emit(EventKind::BreakerChanged { link, from, to });
            }
            match permit {
                Permit::Granted(e) => epoch = Some(e),
                Permit::Rejected => {
                    self.emit(EventKind::ShortCircuited { corr, link });
                    // Failing fast is the point: a rejected call is not retried.
                    self.call_failed(key);
                    return;
                }
            }
        }
        let msg = self.new_msg_id();
        self.msgs.insert(msg, Msg::new(corr));
        if let Some(c) = self.calls.get_mut(key) {
            c.msg = msg;
            c.sent_at = self.now;
            c.awaiting = true;
            c.epoch = epoch;
        }
        if let Some(at) = self.cross(link) {
            self.emit(EventKind::Sent { msg, corr, parent, link, attempt, arrives: Some(at) });
            let node = self.topo.link_to[link as usize];
            self.schedule(
                at,
                Action::RequestArrive(Box::new(RequestArrival { msg, corr, node, call: key, attempt, link })),
            );
        } else {
            self.emit(EventKind::Sent { msg, corr, parent, link, attempt, arrives: None });
            self.emit(EventKind::Lost { msg, link });
            self.settle(msg, Fate::Dropped(Reason::Partition));
        }
        if let Some(t) = self.sync_policy(link).and_then(|p| p.timeout_ms) {
            let at = self.now.saturating_add(ms_to_micros(t));
            self.schedule(at, Action::CallTimeout { call: key, attempt });
        }
    }

    /// The callee sends its answer back over the link (it may be lost on the way).
    pub(super) fn send_reply(&mut self, msg: MsgId, call: Key, attempt: u32, link: u32, ok: bool) {
        let Some(at) = self.cross(link) else {
            self.emit(EventKind::Replied { msg, link, ok, arrives: None });
            self.emit(EventKind::Lost { msg, link });
            return;
        };
        self.emit(EventKind::Replied { msg, link, ok, arrives: Some(at) });
        self.schedule(at, Action::ReplyArrive { call, attempt, ok, msg, link });
    }

    pub(super) fn reply_arrive(&mut self, key: Key, attempt: u32, ok: bool, msg: MsgId, link: u32) {
        let current = self.calls.get(key).is_some_and(|c| c.attempt == attempt && c.awaiting && c.msg == msg);
        if !current {
            // The caller gave up (timeout) or is gone (crashed): wasted work.
            self.emit(EventKind::LateReply { msg, link });
            return;
        }
        let Some(c) = self.calls.get_mut(key) else { return };
        c.awaiting = false;
        let rtt = self.now - c.sent_at;
        let epoch = c.epoch;
        self.emit(EventKind::CallReturned { msg, link, ok, rtt });
        self.record_outcome(link, epoch, rtt, !ok);
        if ok {
            if let Some(b) = self.links[link as usize].budget.as_mut() {
                b.on_success();
            }
            self.call_succeeded(key);
        } else {
            self.after_failed_attempt(key);
        }
    }

    pub(super) fn call_timeout(&mut self, key: Key, attempt: u32) {
        let Some(c) = self.calls.get_mut(key) else { return };
        if c.attempt != attempt || !c.awaiting {
            return;
        }
        c.awaiting = false;
        let (msg, link, epoch, waited) = (c.msg, c.link, c.epoch, self.now - c.sent_at);
        self.emit(EventKind::TimedOut { msg, link });
        self.settle(msg, Fate::Failed(Reason::Timeout));
        self.record_outcome(link, epoch, waited, true);
        self.after_failed_attempt(key);
    }

    /// Forgets a call whose caller is gone (a crash): an attempt still in
    /// flight gives its breaker permit back, since its outcome will never
    /// be recorded (a late reply is ignored).
    pub(super) fn drop_call(&mut self, key: Key) {
        let Some(c) = self.calls.remove(key) else { return };
        if let (true, Some(e), Some(b)) = (c.awaiting, c.epoch, self.links[c.link as usize].breaker.as_mut()) {
            b.release(e);
        }
    }

    fn record_outcome(&mut self, link: u32, epoch: Option<u32>, duration: Micros, failed: bool) {
        let (Some(e), Some(b)) = (epoch, self.links[link as usize].breaker.as_mut()) else { return };
        let from = b.state();
        if let Some(to) = b.record(self.now, e, duration, failed) {
            self.emit(EventKind::BreakerChanged { link, from, to });
        }
    }

    /// Retries if the policy and the budget allow, else fails the call.
    fn after_failed_attempt(&mut self, key: Key) {
        let Some(c) = self.calls.get(key) else { return };
        let (link, corr, attempt, prev) = (c.link, c.corr, c.attempt, c.prev_sleep);
        if let Some(b) = self.links[link as usize].budget.as_mut() {
            b.on_failure();
        }
        let Some(retry) = self.sync_policy(link).and_then(|p| p.retry.clone()) else {
            self.call_failed(key);
            return;
        };
        if attempt + 1 >= retry.max_attempts {
            self.call_failed(key);
            return;
        }
        if self.links[link as usize].budget.as_ref().is_some_and(|b| !b.allows_retry()) {
            self.emit(EventKind::RetryDenied { corr, link });
            self.call_failed(key);
            return;
        }
        let previous = if prev == 0 { ms_to_micros(retry.base_ms) } else { prev };
        let delay = backoff(&retry, attempt, previous, &mut self.rng);
        if let Some(c) = self.calls.get_mut(key) {
            c.prev_sleep = delay;
        }
        self.emit(EventKind::RetryScheduled { corr, link, attempt: attempt + 1, delay });
        self.schedule(self.now.saturating_add(delay), Action::RetryFire { call: key });
    }

    pub(super) fn retry_fire(&mut self, key: Key) {
        let Some(c) = self.calls.get_mut(key) else { return };
        c.attempt += 1;
        self.start_attempt(key);
    }

    fn call_succeeded(&mut self, key: Key) {
        let Some(c) = self.calls.remove(key) else { return };
        let Some(w) = self.works.get_mut(c.work) else { return };
        w.downstream += self.now - c.started;
        let Stage::Calling { idx, .. } = w.stage else { return };
        w.stage = Stage::Processing;
        self.continue_work(c.work, idx + 1);
    }

    fn call_failed(&mut self, key: Key) {
        let fallback = self.calls.get(key).and_then(|c| self.sync_policy(c.link)).is_some_and(|p| p.fallback);
        if fallback {
            if let Some(c) = self.calls.get(key) {
                let (corr, link) = (c.corr, c.link);
                self.emit(EventKind::FallbackUsed { corr, link });
            }
            self.call_succeeded(key);
            return;
        }
        let Some(c) = self.calls.remove(key) else { return };
        if let Some(w) = self.works.get_mut(c.work) {
            w.downstream += self.now - c.started;
        }
        self.finish_work(c.work, Err(Reason::DownstreamFailed));
    }
}
