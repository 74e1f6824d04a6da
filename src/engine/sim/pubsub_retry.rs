//! What Google Pub/Sub does after a subscription's delivery fails (the
//! subscriber nacked it, or its ack deadline ran out).
//!
//! If the event has used up the subscription's `max_delivery_attempts`,
//! Pub/Sub forwards it to the dead-letter topic there and then: it does not
//! wait for a subscriber with room to offer it to. (A queue's redrive is
//! different: SQS moves a message on the receive after its last, so that
//! waits for a consumer, `sim/queue.rs`.)
//!
//! Otherwise the event goes back to the backlog: at once under the default
//! retry policy ("retry immediately"), or after an exponential backoff that
//! grows with each failed delivery of that event (`RetryBackoff::delay`).
//! While it waits it is neither deliverable nor held by anyone.

use super::state::*;
use super::Simulation;
use crate::engine::event::{EventKind, Fate, MsgId};

/// How a subscription's delivery failed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Failure {
    /// The subscriber's nack reached Pub/Sub.
    Nacked,
    /// The ack deadline ran out with no answer (a crash, a lost nack or
    /// ack, or a handler slower than the deadline).
    Expired,
}

impl Simulation {
    /// The outstanding delivery of `msg` on subscription `sub` failed now:
    /// dead-letter it if its attempts are used up, otherwise make it
    /// deliverable again, at once or after the retry policy's backoff.
    pub(super) fn delivery_failed(&mut self, msg: MsgId, sub: u32, how: Failure) {
        let now = self.now;
        let Some(policy) = self.scenario.links.get(sub as usize).and_then(|l| l.transport.subscribe_policy()) else {
            return;
        };
        let (max_attempts, retry) = (policy.max_delivery_attempts, policy.retry_policy);
        let Some(qm) = self.msgs.get_mut(msg).and_then(|m| m.queue.as_mut()) else { return };
        let (buffer, first, receive_count, delivery) = (qm.queue, qm.first_enqueued, qm.receive_count, qm.deliveries);
        let used_up = max_attempts.is_some_and(|max| receive_count >= max);
        // The last failure goes to the dead-letter topic, not through a backoff.
        let backoff = retry.filter(|_| !used_up).map(|r| r.delay(receive_count)).filter(|&d| d > 0);
        if let Some(wait) = backoff {
            qm.backing_off = true;
            self.queues[buffer as usize].backing_off += 1;
            self.schedule(now.saturating_add(wait), Action::BackoffEnd { msg, delivery });
        } else {
            qm.visible = true;
            qm.visible_since = now;
            self.queues[buffer as usize].ready.insert((first, msg));
        }
        let (depth, oldest) = self.queue_gauges(buffer);
        let topic = self.buffer_names(buffer).0;
        self.emit(match how {
            Failure::Nacked => EventKind::Nacked { msg, topic, sub, receive_count, depth, oldest, backoff },
            Failure::Expired => EventKind::VisibilityExpired {
                msg,
                queue: topic,
                receive_count,
                depth,
                oldest,
                sub: Some(sub),
                backoff,
            },
        });
        if used_up {
            self.queues[buffer as usize].ready.remove(&(first, msg));
            let (depth, oldest) = self.queue_gauges(buffer);
            self.emit(EventKind::DeadLettered { msg, queue: topic, receive_count, depth, oldest, sub: Some(sub) });
            self.settle(msg, Fate::DeadLettered);
        }
        self.pump_queue(buffer);
    }

    /// A subscription's event has waited out its backoff: back in the
    /// backlog, in its old place, and offered to a subscriber. If its
    /// attempts were used up meanwhile (`max_delivery_attempts` lowered by
    /// an edit), Pub/Sub forwards it to the dead-letter topic instead.
    pub(super) fn backoff_end(&mut self, msg: MsgId, delivery: u32) {
        let now = self.now;
        let Some(qm) = self.msgs.get_mut(msg).and_then(|m| m.queue.as_mut()) else { return };
        // A guard: an event settled while it waited (a late ack of its
        // latest delivery, its subscription removed) is gone already.
        if !qm.backing_off || qm.deliveries != delivery {
            return;
        }
        qm.backing_off = false;
        let (buffer, first, receive_count) = (qm.queue, qm.first_enqueued, qm.receive_count);
        let q = &mut self.queues[buffer as usize];
        q.backing_off = q.backing_off.saturating_sub(1);
        let used_up = self.buffer_policy(buffer).and_then(|(max, _)| max).is_some_and(|max| receive_count >= max);
        if !used_up {
            if let Some(qm) = self.msgs.get_mut(msg).and_then(|m| m.queue.as_mut()) {
                qm.visible = true;
                qm.visible_since = now;
            }
            self.queues[buffer as usize].ready.insert((first, msg));
        }
        let (depth, oldest) = self.queue_gauges(buffer);
        let (topic, sub) = self.buffer_names(buffer);
        if let Some(sub) = sub {
            self.emit(EventKind::BackoffEnded { msg, topic, sub, depth, oldest });
        }
        if used_up {
            self.emit(EventKind::DeadLettered { msg, queue: topic, receive_count, depth, oldest, sub });
            self.settle(msg, Fate::DeadLettered);
            return;
        }
        self.pump_queue(buffer);
    }

    /// An edit lowered subscription `sub`'s `max_delivery_attempts`: the
    /// events waiting in its backlog that have used up the new limit are
    /// forwarded to the dead-letter topic now, as Pub/Sub forwards them
    /// itself rather than deliver them again (best effort in Pub/Sub; at
    /// once here). Events out with a subscriber go at their next failure
    /// (`delivery_failed`; an ack still deletes them), those backing off
    /// when their wait ends (`backoff_end`).
    pub(super) fn delivery_attempts_lowered(&mut self, sub: u32) {
        let buffer = self.topo.buffer_of[sub as usize];
        let Some((Some(max), _)) = self.buffer_policy(buffer) else { return };
        // In backlog order (oldest first), so the events come out in a
        // deterministic order.
        let doomed: Vec<(u64, MsgId)> = self.queues[buffer as usize]
            .ready
            .iter()
            .copied()
            .filter(|&(_, msg)| {
                self.msgs.get(msg).and_then(|m| m.queue.as_ref()).is_some_and(|q| q.receive_count >= max)
            })
            .collect();
        let topic = self.buffer_names(buffer).0;
        for (first, msg) in doomed {
            let Some(receive_count) = self.msgs.get(msg).and_then(|m| m.queue.as_ref()).map(|q| q.receive_count) else {
                continue;
            };
            self.queues[buffer as usize].ready.remove(&(first, msg));
            let (depth, oldest) = self.queue_gauges(buffer);
            self.emit(EventKind::DeadLettered { msg, queue: topic, receive_count, depth, oldest, sub: Some(sub) });
            self.settle(msg, Fate::DeadLettered);
        }
    }
}
