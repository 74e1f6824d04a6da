//! Publish-subscribe with Google Pub/Sub semantics and a Confluent-style
//! schema registry.
//!
//! A publisher sends an event to a topic and carries on. The topic copies
//! it into every attached subscription; each copy is a message of its own
//! in a buffer of its own, delivered by the queue machinery of
//! `sim/queue.rs` (ack deadline = visibility timeout, max delivery attempts
//! = receive count before the dead-letter queue, prefetch, idempotency), so
//! one subscriber crashing or lagging touches only its own buffer.
//!
//! Unlike a queue's consumer, a subscriber whose handler fails nacks the
//! delivery, as the Pub/Sub client libraries do when the callback throws:
//! the nack travels back over the link and the event can be delivered again
//! as soon as it lands, or after the subscription's retry backoff. An
//! instance that crashes nacks nothing, so what it held waits out the ack
//! deadline. What Pub/Sub does after a failed delivery (backoff, or the
//! dead-letter topic) is in `sim/pubsub_retry.rs`.
//!
//! Every event carries the writer schema it was published with. A
//! subscriber that requires a field the event lacks cannot read it: it
//! acks and drops it silently (the default), or nacks it, so that Pub/Sub
//! tries again and, after the subscription's max delivery attempts, moves
//! it to the dead-letter queue. A subscriber cannot dead-letter anything
//! itself. A registry on the topic checks each new writer schema once, when
//! the publisher starts using it; while the publisher writes a refused
//! schema every publish fails at the publisher and nothing reaches the topic.

use super::pubsub_retry::Failure;
use super::state::*;
use super::Simulation;
use crate::engine::event::{CorrId, EventKind, Fate, MsgId, Reason};
use crate::engine::limits::MAX_SCHEMAS_PER_TOPIC;
use crate::engine::patterns::schema::{can_read, check, Schema};
use crate::engine::scenario::{FaultEffect, OnUnreadable};
use crate::engine::time::{ms_to_micros, Micros};

impl Simulation {
    /// The node and subscription a buffer belongs to: a queue is its own
    /// node; a subscription's buffer belongs to its topic.
    #[inline]
    pub(super) fn buffer_names(&self, buffer: u32) -> (u32, Option<u32>) {
        let n = self.scenario.nodes.len() as u32;
        if buffer < n {
            (buffer, None)
        } else {
            let link = buffer - n;
            (self.topo.link_from.get(link as usize).copied().unwrap_or(u32::MAX), Some(link))
        }
    }

    /// A buffer's (dead-letter threshold, redelivery timeout), or `None`
    /// when it delivers nothing (not a queue, or a removed subscription).
    pub(super) fn buffer_policy(&self, buffer: u32) -> Option<(Option<u32>, Micros)> {
        match self.buffer_names(buffer) {
            (node, None) => {
                let q = self.scenario.nodes.get(node as usize)?.kind.queue()?;
                Some((q.max_receive_count, ms_to_micros(q.visibility_timeout_ms)))
            }
            (_, Some(link)) => {
                let p = self.scenario.links.get(link as usize)?.transport.subscribe_policy()?;
                (!p.detached).then(|| (p.max_delivery_attempts, ms_to_micros(p.ack_deadline_ms)))
            }
        }
    }

    /// A publisher sends an event to a topic, written with its current
    /// schema; it does not wait. Refused at once if the registry refused
    /// that schema.
    pub(super) fn send_publish(&mut self, node: u32, link: u32, parent: MsgId, corr: CorrId) {
        let msg = self.new_msg_id();
        let topic = self.topo.link_to[link as usize];
        let Some(t) = self.topics.get(topic as usize) else { return };
        let (schema, accepted) = (t.writer, t.accepted);
        if !accepted {
            let version = self.schema_version(topic, schema);
            self.msgs.insert(msg, Msg::new(corr));
            self.emit(EventKind::PublishRejected { msg, corr, parent, link, topic, version });
            self.settle(msg, Fate::Failed(Reason::SchemaRejected));
            return;
        }
        let mut m = Msg::new(corr);
        m.poison = self.take_poison(node);
        m.schema = schema;
        self.msgs.insert(msg, m);
        let Some(at) = self.cross(link) else {
            self.emit(EventKind::Sent { msg, corr, parent, link, attempt: 0, arrives: None });
            self.emit(EventKind::Lost { msg, link });
            self.settle(msg, Fate::Dropped(Reason::Partition));
            return;
        };
        self.emit(EventKind::Sent { msg, corr, parent, link, attempt: 0, arrives: Some(at) });
        self.schedule(at, Action::PublishArrive { msg, topic });
    }

    /// An event reaches its topic: one copy goes into each attached
    /// subscription, and the published message is done.
    pub(super) fn publish_arrive(&mut self, msg: MsgId, topic: u32) {
        let Some(m) = self.msgs.get(msg) else { return };
        let (corr, poison, schema) = (m.corr, m.poison, m.schema);
        let subs: Vec<u32> = self.topo.subscriptions[topic as usize]
            .iter()
            .copied()
            .filter(|&l| self.scenario.links[l as usize].transport.subscribe_policy().is_some_and(|p| !p.detached))
            .collect();
        let version = self.schema_version(topic, schema);
        self.emit(EventKind::Published { msg, topic, version, copies: subs.len() as u32 });
        self.settle(msg, Fate::Processed);
        for sub in subs {
            let copy = self.new_msg_id();
            let mut c = Msg::new(corr);
            c.poison = poison;
            c.schema = schema;
            self.msgs.insert(copy, c);
            self.emit(EventKind::Copied { msg: copy, corr, parent: msg, topic, sub });
            let buffer = self.topo.buffer_of[sub as usize];
            self.enqueue_arrive(copy, buffer, None);
        }
    }

    fn schema_version(&self, topic: u32, schema: u32) -> u32 {
        self.topics.get(topic as usize).and_then(|t| t.schemas.get(schema as usize)).map_or(0, |s| s.version)
    }

    /// Whether the subscriber of this delivery can read the event's schema.
    pub(super) fn can_read(&self, d: &Delivery) -> bool {
        let Some(policy) = self.scenario.links[d.link as usize].transport.subscribe_policy() else { return true };
        let topic = self.topo.link_from[d.link as usize];
        let Some(writer) = self.topics.get(topic as usize).and_then(|t| t.schemas.get(d.schema as usize)) else {
            return true;
        };
        can_read(&policy.reads, &writer.fields).is_ok()
    }

    /// The subscriber cannot read the event. It frees the delivery's place
    /// and then, under `on_unreadable: drop`, acks and discards the event;
    /// under `dead_letter` it nacks it: Pub/Sub counts the attempt and
    /// dead-letters the event once the attempts are used up (`pump_queue`).
    pub(super) fn unreadable(&mut self, d: &Delivery) {
        self.release_one(d.link, d.replica);
        self.refile_consumer(d.node, d.replica);
        // A copy already settled (acked or dropped by an earlier delivery)
        // has nothing left to decide.
        if let Some(qm) = self.msgs.get(d.msg).and_then(|m| m.queue.as_ref()) {
            // The event was delivered again since: this delivery's ack id
            // has expired, so its ack would delete nothing (`ack_arrive`).
            let expired = qm.deliveries != d.delivery;
            let (visible, backing_off, first) = (qm.visible, qm.backing_off, qm.first_enqueued);
            let (topic, sub) = (self.topo.link_from[d.link as usize], d.link);
            let nack = self.scenario.links[d.link as usize]
                .transport
                .subscribe_policy()
                .is_some_and(|p| p.on_unreadable == OnUnreadable::DeadLetter);
            if nack {
                self.emit(EventKind::Unreadable { msg: d.msg, node: d.node, topic, sub, nacked: true });
                // Pub/Sub ignores the nack if this delivery has expired (`nack_arrive`).
                self.send_nack(d.msg, d.link, d.delivery);
            } else if !expired {
                self.emit(EventKind::Unreadable { msg: d.msg, node: d.node, topic, sub, nacked: false });
                let q = &mut self.queues[d.queue as usize];
                if visible {
                    q.ready.remove(&(first, d.msg));
                }
                if backing_off {
                    q.backing_off = q.backing_off.saturating_sub(1);
                }
                self.settle(d.msg, Fate::Dropped(Reason::Unreadable));
            }
            // Otherwise its ack would name an expired ack id, which Pub/Sub
            // ignores: the event stays with its later delivery, which
            // decides its fate. Nothing happened to the event, so nothing is said.
        }
        self.pump_queue(d.queue);
    }

    /// A subscriber nacks delivery number `delivery` of `msg`: the nack
    /// travels over the subscription's link. Lost on the way, it changes
    /// nothing, and the event waits out its ack deadline.
    pub(super) fn send_nack(&mut self, msg: MsgId, link: u32, delivery: u32) {
        match self.cross(link) {
            Some(at) => self.schedule(at, Action::NackArrive { msg, delivery }),
            None => self.emit(EventKind::Lost { msg, link }),
        }
    }

    /// A nack reaches Pub/Sub: if it names the delivery still outstanding,
    /// the event is deliverable again in its old place in the backlog, at
    /// once or after the retry policy's backoff (`sim/pubsub_retry.rs`).
    /// A nack for a delivery whose ack deadline already ran out (the event
    /// may be with another instance by now) is ignored, as Pub/Sub ignores
    /// an expired ack id.
    pub(super) fn nack_arrive(&mut self, msg: MsgId, delivery: u32) {
        let Some(qm) = self.msgs.get(msg).and_then(|m| m.queue.as_ref()) else { return };
        if !qm.outstanding(delivery) {
            return;
        }
        let (_, Some(sub)) = self.buffer_names(qm.queue) else { return };
        self.delivery_failed(msg, sub, Failure::Nacked);
    }

    /// Recomputes a topic's writer schema from its settings and its active
    /// `schema_change` faults (the latest added wins), and registers it if
    /// it changed, or also if unchanged when `recheck` (the topic's settings,
    /// its registry among them, were just replaced).
    pub(super) fn refresh_topic(&mut self, topic: u32, recheck: bool) {
        let Some(spec) = self.scenario.nodes.get(topic as usize).and_then(|n| n.kind.topic()) else { return };
        let mut want = &spec.schema;
        for &i in &self.faults_on_node[topic as usize] {
            let slot = &self.faults[i as usize];
            if let (true, FaultEffect::SchemaChange { schema }) = (slot.active, &slot.fault.effect) {
                want = schema;
            }
        }
        let t = &self.topics[topic as usize];
        if !recheck && t.schemas.get(t.writer as usize) == Some(want) {
            return;
        }
        let want = want.clone();
        self.set_writer(topic, want);
    }

    /// The publisher starts writing `schema`: the registry (if any) checks
    /// it against the registered versions, once.
    fn set_writer(&mut self, topic: u32, schema: Schema) {
        let mode = self.scenario.nodes[topic as usize].kind.topic().and_then(|t| t.registry.as_ref()).map(|r| r.mode);
        let t = &mut self.topics[topic as usize];
        let index = match t.schemas.iter().position(|s| *s == schema) {
            Some(i) => Some(i as u32),
            None if t.schemas.len() < MAX_SCHEMAS_PER_TOPIC => {
                t.schemas.push(schema.clone());
                Some(t.schemas.len() as u32 - 1)
            }
            // Past the cap the publisher cannot switch: the change counts as refused.
            None => None,
        };
        let accepted = match (index, mode) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(_), Some(mode)) => {
                let registered: Vec<Schema> = t.registered.iter().map(|&i| t.schemas[i as usize].clone()).collect();
                check(mode, &schema, &registered).is_ok()
            }
        };
        if let Some(i) = index {
            t.writer = i;
            if accepted && !t.registered.contains(&i) {
                t.registered.push(i);
            }
        }
        t.accepted = accepted;
        self.emit(EventKind::SchemaChanged { topic, version: schema.version, accepted });
    }

    /// Detaches a subscription (already written into the scenario): every
    /// event waiting in it or delivered and unacknowledged is dropped now.
    /// Deliveries already on their way are still processed; their acks find
    /// nothing to delete.
    pub(super) fn detach_subscription(&mut self, link: u32) {
        let buffer = self.topo.buffer_of[link as usize];
        let topic = self.topo.link_from[link as usize];
        let mut doomed: Vec<MsgId> =
            std::mem::take(&mut self.queues[buffer as usize].ready).into_iter().map(|(_, m)| m).collect();
        // Delivered, unacknowledged copies: each has exactly one live
        // ack-deadline timer; copies waiting out a retry backoff, exactly one
        // live backoff timer.
        for timer in self.heap.iter().map(|r| &r.0) {
            let live = |msg| self.msgs.get(msg).and_then(|m| m.queue.as_ref()).filter(|q| q.queue == buffer);
            match timer.action {
                Action::VisibilityExpire { msg, delivery } if live(msg).is_some_and(|q| q.outstanding(delivery)) => {
                    doomed.push(msg)
                }
                Action::BackoffEnd { msg, delivery }
                    if live(msg).is_some_and(|q| q.backing_off && q.deliveries == delivery) =>
                {
                    doomed.push(msg)
                }
                _ => {}
            }
        }
        self.queues[buffer as usize].backing_off = 0;
        // Timers sit in heap order: settle in message order so the trace is deterministic by content.
        crate::engine::sort::sort_stable_by(&mut doomed, |a, b| a < b);
        doomed.dedup();
        for &msg in &doomed {
            self.settle(msg, Fate::Dropped(Reason::Unsubscribed));
        }
        self.emit(EventKind::SubscriptionRemoved { topic, sub: link, dropped: doomed.len() as u32 });
    }
}
