//! Metrics of type 3, publish-subscribe: per topic what was published and
//! refused by the registry; per subscription what it received, processed,
//! could not read and dead-lettered, and how far behind it is.

use serde::Serialize;

use super::Metrics;
use crate::engine::event::EventKind;
use crate::engine::histogram::Histogram;
use crate::engine::time::Micros;

/// Per-topic counters.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TopicMetrics {
    /// Events that reached the topic.
    pub published: u64,
    /// Publishes refused at the publisher by the schema registry.
    pub rejected: u64,
    /// Copies handed to subscriptions.
    pub copies: u64,
    /// Writer schemas put in use (changes, and re-checks after a `set_topic` edit).
    pub schema_changes: u64,
    /// The writer schema's version now (0 until the first change).
    pub version: u32,
    /// Whether the registry accepted the writer schema now in use.
    pub accepted: bool,
}

/// Per-subscription counters and gauges.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SubscriptionMetrics {
    /// Copies of published events that entered the subscription.
    pub published: u64,
    /// Deliveries to the subscriber (including redeliveries).
    pub delivered: u64,
    /// Deliveries of an event delivered before.
    pub redelivered: u64,
    /// Ack deadlines that ran out without an ack.
    pub ack_expired: u64,
    /// Nacks that reached Pub/Sub for an outstanding delivery (a failed
    /// handler, or an unreadable event under `dead_letter`): each made the
    /// event deliverable again at once.
    pub nacked: u64,
    /// Events processed and acknowledged.
    pub processed: u64,
    /// Events the subscriber could not read and silently discarded.
    pub unreadable_dropped: u64,
    /// Deliveries the subscriber could not read and nacked (`dead_letter`):
    /// every attempt counts, so an event dead-lettered after 5 attempts
    /// counts 5 times.
    pub unreadable_nacked: u64,
    /// Events in the subscription's dead-letter queue (unreadable ones included).
    pub dead_lettered: u64,
    /// Events dropped because the subscription was removed.
    pub removed: u64,
    /// Events waiting for delivery now.
    pub backlog: u32,
    /// Most events waiting at once.
    pub max_backlog: u32,
    /// When the oldest waiting event entered the subscription.
    #[serde(skip)]
    pub oldest: Option<Micros>,
    /// Time events waited before a delivery.
    pub wait: Histogram,
}

impl SubscriptionMetrics {
    /// Events not yet done with (waiting, delivered and unacknowledged):
    /// the subscription's lag in events.
    pub fn lag(&self) -> u64 {
        self.published.saturating_sub(self.processed + self.dead_lettered + self.unreadable_dropped + self.removed)
    }

    /// Age of the oldest waiting event at `now`.
    pub fn oldest_age(&self, now: Micros) -> Micros {
        self.oldest.map_or(0, |t| now.saturating_sub(t))
    }

    fn gauge(&mut self, backlog: u32, oldest: Option<Micros>) {
        self.backlog = backlog;
        self.max_backlog = self.max_backlog.max(backlog);
        self.oldest = oldest;
    }
}

impl Metrics {
    /// Folds one publish-subscribe event in (queue events of a subscription included).
    pub(super) fn observe_pubsub(&mut self, t: Micros, kind: &EventKind) {
        match *kind {
            EventKind::Enqueued { depth, oldest, sub: Some(sub), .. } => {
                let s = &mut self.subscriptions[sub as usize];
                s.published += 1;
                s.gauge(depth, oldest);
                self.note_depth(t, depth);
            }
            EventKind::Delivered { link, waited, depth, oldest, receive_count, sub: Some(sub), .. } => {
                self.links[link as usize].sent += 1;
                let s = &mut self.subscriptions[sub as usize];
                s.delivered += 1;
                if receive_count > 1 {
                    s.redelivered += 1;
                }
                s.wait.record(waited);
                s.gauge(depth, oldest);
            }
            EventKind::Acked { depth, oldest, sub: Some(sub), .. } => {
                let s = &mut self.subscriptions[sub as usize];
                s.processed += 1;
                s.gauge(depth, oldest);
            }
            EventKind::VisibilityExpired { depth, oldest, sub: Some(sub), .. } => {
                let s = &mut self.subscriptions[sub as usize];
                s.ack_expired += 1;
                s.gauge(depth, oldest);
                self.note_depth(t, depth);
            }
            EventKind::Nacked { sub, depth, oldest, .. } => {
                let s = &mut self.subscriptions[sub as usize];
                s.nacked += 1;
                s.gauge(depth, oldest);
                self.note_depth(t, depth);
            }
            EventKind::BackoffEnded { sub, depth, oldest, .. } => {
                let s = &mut self.subscriptions[sub as usize];
                s.gauge(depth, oldest);
                self.note_depth(t, depth);
            }
            EventKind::DeadLettered { depth, oldest, sub: Some(sub), .. } => {
                let s = &mut self.subscriptions[sub as usize];
                s.dead_lettered += 1;
                s.gauge(depth, oldest);
                self.bucket(t).dead_lettered += 1;
            }
            EventKind::Published { topic, .. } => self.topics[topic as usize].published += 1,
            EventKind::Copied { topic, .. } => self.topics[topic as usize].copies += 1,
            EventKind::PublishRejected { topic, .. } => self.topics[topic as usize].rejected += 1,
            EventKind::Unreadable { sub, nacked, .. } => {
                let s = &mut self.subscriptions[sub as usize];
                if nacked {
                    s.unreadable_nacked += 1;
                } else {
                    s.unreadable_dropped += 1;
                }
            }
            EventKind::SchemaChanged { topic, version, accepted } => {
                let tm = &mut self.topics[topic as usize];
                tm.schema_changes += 1;
                tm.version = version;
                tm.accepted = accepted;
            }
            EventKind::SubscriptionRemoved { sub, dropped, .. } => {
                let s = &mut self.subscriptions[sub as usize];
                s.removed += u64::from(dropped);
                s.gauge(0, None);
            }
            _ => {}
        }
    }
}
