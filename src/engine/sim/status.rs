//! A read-only view of the live state of nodes and links, for drawing.

use serde::Serialize;

use super::Simulation;
use crate::engine::breaker::BreakerState;
use crate::engine::time::Micros;

/// What a node is doing right now.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeStatus {
    /// Workers busy (services).
    pub busy: u32,
    /// Worker pool size of the live, non-retired instances.
    pub capacity: u32,
    /// Requests waiting for a worker.
    pub waiting: u32,
    /// Instances up.
    pub replicas_up: u32,
    /// Instances configured.
    pub replicas: u32,
    /// Held down by a crash fault.
    pub crashed: bool,
    /// Hung: workers make no progress.
    pub hung: bool,
    /// Slowed down (slow or extra-latency fault).
    pub slowed: bool,
    /// Failing more than usual (error-rate fault).
    pub erroring: bool,
    /// Queues: visible messages.
    pub depth: u32,
    /// Queues: messages in the dead-letter queue.
    pub dead_lettered: u64,
    /// Queues: age of the oldest visible message.
    pub oldest_age: Micros,
    /// Gateways: down for a restart, accepting no connections.
    pub gateway_down: bool,
}

/// What a link is doing right now.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LinkStatus {
    /// The breaker's state, if the link has one.
    pub breaker: Option<BreakerState>,
    /// Partitioned by a fault.
    pub partitioned: bool,
    /// Extra latency from a fault.
    pub extra_latency: Micros,
    /// Push links: the crowd's connections (working, stale, waiting to reconnect).
    pub crowd: Option<(u32, u32, u32)>,
}

impl Simulation {
    /// The live state of node `i` (scenario order); default for an unknown index.
    pub fn node_status(&self, i: usize) -> NodeStatus {
        let Some(svc) = self.services.get(i) else { return NodeStatus::default() };
        let conc = svc.spec.concurrency;
        let live = svc.replicas.iter().filter(|r| r.up && !r.retired);
        let mut status = NodeStatus {
            busy: svc.replicas.iter().map(|r| r.busy).sum(),
            capacity: if svc.is_client { 0 } else { live.clone().count() as u32 * conc },
            waiting: svc.replicas.iter().map(|r| r.waiting.len() as u32).sum(),
            replicas_up: live.count() as u32,
            replicas: svc.replicas.iter().filter(|r| !r.retired).count() as u32,
            crashed: svc.crashed,
            hung: svc.hung,
            slowed: svc.slow_factor > 1.0 || svc.extra > 0,
            erroring: svc.error_extra > 0.0,
            gateway_down: self.gateways.get(i).is_some_and(|g| g.down),
            ..NodeStatus::default()
        };
        if let Some(q) = self.metrics.queues.get(i) {
            status.depth = self.queues[i].ready.len() as u32;
            status.dead_lettered = q.dead_lettered;
            status.oldest_age = self.queues[i].ready.first().map_or(0, |(t, _)| self.now.saturating_sub(*t));
        }
        status
    }

    /// The live state of link `i` (scenario order); default for an unknown index.
    pub fn link_status(&self, i: usize) -> LinkStatus {
        let Some(l) = self.links.get(i) else { return LinkStatus::default() };
        LinkStatus {
            breaker: l.breaker.as_ref().map(|b| b.state()),
            partitioned: l.partitioned,
            extra_latency: l.extra_latency,
            crowd: self.crowds.get(i).filter(|c| !c.conn.is_empty()).map(|_| self.crowd_counts(i)),
        }
    }
}

/// What a subscription is doing right now (for drawing its lane).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SubscriptionStatus {
    /// Events waiting for delivery.
    pub backlog: u32,
    /// Age of the oldest waiting event.
    pub oldest_age: Micros,
    /// Events delivered and not yet acknowledged (out with a subscriber,
    /// or on the way to or from one).
    pub in_flight: u64,
    /// Events waiting out the retry policy's backoff after a failed
    /// delivery: neither deliverable (`backlog`) nor out (`in_flight`).
    pub backing_off: u32,
    /// Events in the subscription's dead-letter queue.
    pub dlq: u64,
    /// Events the subscriber could not read and silently dropped.
    pub unreadable_dropped: u64,
    /// Deliveries so far (redeliveries included).
    pub delivered: u64,
    /// Events processed and acknowledged.
    pub processed: u64,
    /// Removed while running: receives nothing more.
    pub detached: bool,
}

impl SubscriptionStatus {
    /// Events not yet done with: waiting, backing off or out (the lane's "lag").
    pub fn lag(&self) -> u64 {
        u64::from(self.backlog) + self.in_flight + u64::from(self.backing_off)
    }
}

impl Simulation {
    /// The live state of subscription `link` (scenario order), or `None`
    /// when that link is not a subscription.
    pub fn subscription_status(&self, link: usize) -> Option<SubscriptionStatus> {
        let policy = self.scenario.links.get(link)?.transport.subscribe_policy()?;
        let m = self.metrics.subscriptions.get(link)?;
        let buffer = self.topo.buffer_of.get(link).copied()?;
        let q = self.queues.get(buffer as usize)?;
        let (backlog, backing_off) = (q.ready.len() as u32, q.backing_off);
        Some(SubscriptionStatus {
            backlog,
            oldest_age: q.ready.first().map_or(0, |(t, _)| self.now.saturating_sub(*t)),
            in_flight: m.lag().saturating_sub(u64::from(backlog) + u64::from(backing_off)),
            backing_off,
            dlq: m.dead_lettered,
            unreadable_dropped: m.unreadable_dropped,
            delivered: m.delivered,
            processed: m.processed,
            detached: policy.detached,
        })
    }
}
