//! Queues with Amazon SQS semantics: a delivered message is invisible for the
//! visibility timeout and comes back unless acknowledged; once it has been
//! received `max_receive_count` times, the next receive moves it to the
//! dead-letter queue instead. An ack deletes only with the latest receipt
//! (SQS's DeleteMessage). Consumers compete, each instance holding at
//! most `prefetch` unacknowledged deliveries (RabbitMQ's basic.qos).
//!
//! A topic's subscriptions use the same machinery: each subscription is a
//! buffer of its own (its ack deadline is the visibility timeout, its max
//! delivery attempts the receive count), see `sim/pubsub.rs`. Functions here
//! take a buffer index: a queue node's index, or a subscription's.

use super::pubsub_retry::Failure;
use super::state::*;
use super::Simulation;
use crate::engine::event::{CorrId, EventKind, Fate, MsgId, Reason};
use crate::engine::scenario::Transport;
use crate::engine::time::Micros;

impl Simulation {
    pub(super) fn consumer_is_idempotent(&self, link: u32) -> bool {
        match &self.scenario.links[link as usize].transport {
            Transport::Consume(c) => c.idempotent,
            Transport::Subscribe(p) => p.idempotent,
            // Logs have their own consumer groups (sim/stream/group.rs), never these buffers.
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Publish
            | Transport::Append(_)
            | Transport::Read(_)
            | Transport::Push(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead => false,
        }
    }

    fn prefetch(&self, link: u32) -> u32 {
        match &self.scenario.links[link as usize].transport {
            Transport::Consume(c) => c.prefetch,
            Transport::Subscribe(p) => p.prefetch,
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Publish
            | Transport::Append(_)
            | Transport::Read(_)
            | Transport::Push(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead => 1,
        }
    }

    pub(super) fn queue_gauges(&self, queue: u32) -> (u32, Option<Micros>) {
        let q = &self.queues[queue as usize];
        (q.ready.len() as u32, q.ready.first().map(|(t, _)| *t))
    }

    /// A producer sends a message towards a queue; it does not wait for it.
    pub(super) fn send_enqueue(&mut self, node: u32, link: u32, parent: MsgId, corr: CorrId) {
        let msg = self.new_msg_id();
        let poison = self.take_poison(node);
        let mut m = Msg::new(corr);
        m.poison = poison;
        self.msgs.insert(msg, m);
        let Some(at) = self.cross(link) else {
            self.emit(EventKind::Sent { msg, corr, parent, link, attempt: 0, arrives: None });
            self.emit(EventKind::Lost { msg, link });
            self.settle(msg, Fate::Dropped(Reason::Partition));
            return;
        };
        let queue = self.topo.link_to[link as usize];
        self.emit(EventKind::Sent { msg, corr, parent, link, attempt: 0, arrives: Some(at) });
        self.schedule(at, Action::EnqueueArrive { msg, queue, link: Some(link) });
    }

    /// A message lands in a queue and becomes visible.
    pub(super) fn enqueue_arrive(&mut self, msg: MsgId, queue: u32, _link: Option<u32>) {
        let now = self.now;
        let Some(m) = self.msgs.get_mut(msg) else { return };
        m.queue = Some(QueueMsg {
            queue,
            first_enqueued: now,
            visible_since: now,
            visible: true,
            receive_count: 0,
            deliveries: 0,
            backing_off: false,
        });
        self.queues[queue as usize].ready.insert((now, msg));
        let (depth, oldest) = self.queue_gauges(queue);
        let (node, sub) = self.buffer_names(queue);
        self.emit(EventKind::Enqueued { msg, queue: node, depth, oldest, sub });
        self.pump_queue(queue);
    }

    /// Offers visible messages to consumer instances with room, oldest message first.
    pub(super) fn pump_queue(&mut self, queue: u32) {
        let Some((max_receives, visibility)) = self.buffer_policy(queue) else { return };
        let (node_ix, sub) = self.buffer_names(queue);
        loop {
            let Some(&(first, msg)) = self.queues[queue as usize].ready.first() else { return };
            let Some((link, node, replica)) = self.pick_consumer(queue) else { return };
            self.queues[queue as usize].ready.remove(&(first, msg));
            let Some(m) = self.msgs.get_mut(msg) else { continue };
            let Some(qm) = m.queue.as_mut() else { continue };
            qm.visible = false;
            if max_receives.is_some_and(|max| qm.receive_count >= max) {
                let receive_count = qm.receive_count;
                let (depth, oldest) = self.queue_gauges(queue);
                self.emit(EventKind::DeadLettered { msg, queue: node_ix, receive_count, depth, oldest, sub });
                self.settle(msg, Fate::DeadLettered);
                continue;
            }
            qm.receive_count += 1;
            qm.deliveries += 1;
            let (receive_count, delivery, waited) = (qm.receive_count, qm.deliveries, self.now - qm.visible_since);
            let (corr, poison, schema) = (m.corr, m.poison, m.schema);
            self.hold_one(link, replica);
            let epoch = self.services[node as usize].replicas[replica as usize].epoch;
            self.refile_consumer(node, replica);
            let (depth, oldest) = self.queue_gauges(queue);
            let crossed = self.cross(link);
            let at = crossed.unwrap_or(self.now);
            self.emit(EventKind::Delivered {
                msg,
                queue: node_ix,
                link,
                arrives: at,
                node,
                replica,
                receive_count,
                waited,
                depth,
                oldest,
                sub,
            });
            if crossed.is_some() {
                self.schedule(
                    at,
                    Action::DeliveryArrive(Box::new(Delivery {
                        msg,
                        corr,
                        queue,
                        link,
                        node,
                        replica,
                        epoch,
                        poison,
                        schema,
                        delivery,
                    })),
                );
            } else {
                // Lost on the way: the consumer never holds it, and the queue
                // shows it again when its visibility timeout runs out.
                self.emit(EventKind::Lost { msg, link });
                self.release_one(link, replica);
                self.refile_consumer(node, replica);
            }
            self.schedule(self.now.saturating_add(visibility), Action::VisibilityExpire { msg, delivery });
        }
    }

    /// The consumer instance with the fewest unacknowledged deliveries and
    /// room for one more; among equally loaded ones, round-robin, so
    /// competing consumers share the work. O(log n): the queue keeps its free
    /// instances ordered by load, and every change to an instance's load,
    /// health or prefetch re-files it ([`Simulation::refile_consumer`]).
    fn pick_consumer(&mut self, queue: u32) -> Option<(u32, u32, u32)> {
        #[cfg(debug_assertions)]
        self.check_consumer_index(queue);
        let q = &mut self.queues[queue as usize];
        let &(least, _) = q.free.first()?;
        let (_, slot) = q
            .free
            .range((least, q.cursor)..=(least, u32::MAX))
            .next()
            .or_else(|| q.free.range((least, 0)..=(least, u32::MAX)).next())
            .copied()?;
        q.cursor = slot + 1;
        let link = *self.topo.consumers[queue as usize].get((slot / SLOTS_PER_CONSUMER) as usize)?;
        Some((link, self.topo.link_to[link as usize], slot % SLOTS_PER_CONSUMER))
    }

    /// The deliveries instance `replica` of consume link `link` holds, unacknowledged.
    pub(super) fn unacked(&self, link: u32, replica: u32) -> u32 {
        self.links[link as usize].unacked.get(replica as usize).copied().unwrap_or(0)
    }

    /// Instance `replica` of consume link `link` takes one more delivery.
    pub(super) fn hold_one(&mut self, link: u32, replica: u32) {
        let held = &mut self.links[link as usize].unacked;
        if held.len() <= replica as usize {
            held.resize(replica as usize + 1, 0);
        }
        held[replica as usize] += 1;
    }

    /// Instance `replica` of consume link `link` is done with one delivery
    /// (acked, failed, lost on the way or refused as unreadable).
    pub(super) fn release_one(&mut self, link: u32, replica: u32) {
        if let Some(held) = self.links[link as usize].unacked.get_mut(replica as usize) {
            *held = held.saturating_sub(1);
        }
    }

    /// Files one service instance in the free-consumer index of every queue
    /// it consumes, under its current load, or takes it out when it has no
    /// room (down, retired, or at its prefetch).
    pub(super) fn refile_consumer(&mut self, node: u32, replica: u32) {
        for i in 0..self.topo.consumes_from[node as usize].len() {
            let link = self.topo.consumes_from[node as usize][i];
            let Some(r) = self.services[node as usize].replicas.get(replica as usize) else { return };
            let prefetch = self.prefetch(link);
            let held = self.unacked(link, replica);
            let now = (r.up && !r.retired && held < prefetch).then_some(held);
            let filed = &mut self.links[link as usize].filed;
            if filed.len() <= replica as usize {
                filed.resize(replica as usize + 1, None);
            }
            let before = std::mem::replace(&mut filed[replica as usize], now);
            if before == now {
                continue;
            }
            let queue = self.topo.buffer_of[link as usize];
            let slot = self.topo.consumer_place[link as usize] * SLOTS_PER_CONSUMER + replica;
            let free = &mut self.queues[queue as usize].free;
            if let Some(load) = before {
                free.remove(&(load, slot));
            }
            if let Some(load) = now {
                free.insert((load, slot));
            }
        }
    }

    /// Re-files every instance of a service (after its settings or a consumer link changed).
    pub(super) fn refile_all(&mut self, node: u32) {
        for r in 0..self.services[node as usize].replicas.len() as u32 {
            self.refile_consumer(node, r);
        }
    }

    /// Debug builds: the index holds exactly the instances a full scan finds free.
    #[cfg(debug_assertions)]
    fn check_consumer_index(&self, queue: u32) {
        let mut scanned = std::collections::BTreeSet::new();
        for &link in &self.topo.consumers[queue as usize] {
            let node = self.topo.link_to[link as usize];
            let prefetch = self.prefetch(link);
            for (i, r) in self.services[node as usize].replicas.iter().enumerate() {
                let held = self.unacked(link, i as u32);
                if r.up && !r.retired && held < prefetch {
                    scanned.insert((held, self.topo.consumer_place[link as usize] * SLOTS_PER_CONSUMER + i as u32));
                }
            }
        }
        debug_assert_eq!(scanned, self.queues[queue as usize].free, "free-consumer index of queue {queue}");
    }

    /// Offers work from every queue this service consumes.
    pub(super) fn pump_consumers_of(&mut self, node: u32) {
        let links = self.topo.consumes_from[node as usize].clone();
        for link in links {
            self.pump_queue(self.topo.buffer_of[link as usize]);
        }
    }

    /// A delivery reaches its consumer instance (lost if the instance died meanwhile).
    pub(super) fn delivery_arrive(&mut self, d: Delivery) {
        let r = &self.services[d.node as usize].replicas[d.replica as usize];
        if !r.up || r.epoch != d.epoch {
            return;
        }
        if d.schema != NO_SCHEMA && !self.can_read(&d) {
            self.unreadable(&d);
            return;
        }
        let svc = &self.services[d.node as usize];
        if self.consumer_is_idempotent(d.link) && svc.applied.contains(&d.msg) {
            self.emit(EventKind::DuplicateSuppressed { msg: d.msg, node: d.node });
            self.send_ack(d.msg, d.queue, d.link, d.delivery);
            self.release_one(d.link, d.replica);
            self.refile_consumer(d.node, d.replica);
            self.pump_queue(d.queue);
            return;
        }
        self.emit(EventKind::Arrived { msg: d.msg, node: d.node });
        let job = Job::Delivery { queue: d.queue, link: d.link, delivery: d.delivery };
        self.admit(d.node, d.replica, d.msg, d.corr, job, d.poison, false);
    }

    /// The visibility timeout ran out without an ack: the message is visible
    /// again. A subscription's event goes by its retry policy and
    /// dead-letter topic instead (`sim/pubsub_retry.rs`).
    pub(super) fn visibility_expire(&mut self, msg: MsgId, delivery: u32) {
        let now = self.now;
        let Some(qm) = self.msgs.get_mut(msg).and_then(|m| m.queue.as_mut()) else { return };
        if !qm.outstanding(delivery) {
            return;
        }
        let queue = qm.queue;
        if let (_, Some(sub)) = self.buffer_names(queue) {
            self.delivery_failed(msg, sub, Failure::Expired);
            return;
        }
        let Some(qm) = self.msgs.get_mut(msg).and_then(|m| m.queue.as_mut()) else { return };
        qm.visible = true;
        qm.visible_since = now;
        let (first, receive_count) = (qm.first_enqueued, qm.receive_count);
        self.queues[queue as usize].ready.insert((first, msg));
        let (depth, oldest) = self.queue_gauges(queue);
        let node = self.buffer_names(queue).0;
        self.emit(EventKind::VisibilityExpired {
            msg,
            queue: node,
            receive_count,
            depth,
            oldest,
            sub: None,
            backoff: None,
        });
        self.pump_queue(queue);
    }

    /// The consumer acknowledges delivery number `delivery` over the link;
    /// the queue deletes on arrival.
    ///
    /// A queue follows SQS's DeleteMessage, which deletes only with the
    /// most recently received receipt handle: an ack from an earlier
    /// delivery (the visibility timeout ran out and the message was
    /// received again meanwhile) deletes nothing, and the message stays with
    /// its latest receiver, its receive count already raised. A consumer
    /// deletes before it receives again, so a message that became visible
    /// while its own consumer still worked on it is taken out of sight when
    /// that consumer's ack leaves: otherwise the consumer's freed slot would
    /// receive it again before its own delete arrived.
    ///
    /// A subscription follows the same two rules with Pub/Sub's ack ids:
    /// each delivery has its own, and once the event has been delivered
    /// again the earlier ids are expired, so an ack with one deletes nothing
    /// and the redelivered copy stays (at-least-once delivery: a late ack
    /// may be lost). An ack that lands after its deadline ran out but before
    /// any redelivery still deletes (Pub/Sub may honour it; best effort).
    pub(super) fn send_ack(&mut self, msg: MsgId, queue: u32, link: u32, delivery: u32) {
        match self.cross(link) {
            Some(at) => {
                if let Some(qm) = self.msgs.get_mut(msg).and_then(|m| m.queue.as_mut()) {
                    if qm.visible && qm.deliveries == delivery {
                        qm.visible = false;
                        self.queues[queue as usize].ready.remove(&(qm.first_enqueued, msg));
                    }
                }
                self.schedule(at, Action::AckArrive { msg, delivery });
            }
            // A lost ack leaves the message to come back after its visibility timeout: a duplicate.
            None => self.emit(EventKind::Lost { msg, link }),
        }
    }

    pub(super) fn ack_arrive(&mut self, msg: MsgId, delivery: u32) {
        let Some(qm) = self.msgs.get(msg).and_then(|m| m.queue.as_ref()) else { return };
        let (queue, first, visible, backing_off) = (qm.queue, qm.first_enqueued, qm.visible, qm.backing_off);
        if qm.deliveries != delivery {
            // A stale receipt handle (SQS answers success and deletes
            // nothing) or an expired ack id (Pub/Sub: the event was
            // delivered again, and that delivery decides its fate).
            return;
        }
        let (node, sub) = self.buffer_names(queue);
        let q = &mut self.queues[queue as usize];
        if visible {
            q.ready.remove(&(first, msg));
        }
        if backing_off {
            // Its deadline ran out and it waits out a retry backoff: the
            // ack still names its latest delivery, so it counts.
            q.backing_off = q.backing_off.saturating_sub(1);
        }
        self.msgs.remove(msg);
        let (depth, oldest) = self.queue_gauges(queue);
        self.emit(EventKind::Acked { msg, queue: node, depth, oldest, sub });
        self.emit(EventKind::Settled { msg, fate: Fate::Processed });
    }
}
