//! The per-frame snapshot the views read: copied out of the simulation once
//! per animation frame so components never touch the engine directly.

mod changed;

pub use changed::{links_changed, nodes_changed, wakes_each_frame};

use crate::engine::time::Micros;
use crate::engine::{FaultStatus, LinkStatus, LogStatus, NodeStatus, Simulation, SubscriptionStatus};

/// Everything the views show for one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// Simulated time.
    pub now: u64,
    /// Events the engine has processed (one per step).
    pub steps: u64,
    /// Per node, scenario order.
    pub nodes: Vec<NodeStatus>,
    /// Per link, scenario order.
    pub links: Vec<LinkStatus>,
    /// Orders placed, answered well, failed.
    pub orders: (u64, u64, u64),
    /// Ledger: processed, failed, dead-lettered, dropped, in flight.
    pub ledger: (u64, u64, u64, u64, u64),
    /// Faults acting now.
    pub faults: Vec<FaultStatus>,
    /// Messages drawn moving this frame.
    pub moving: usize,
    /// Per link: messages moving (for reduced motion counters).
    pub per_link: Vec<u32>,
    /// Per link: the subscription's lane (`None` unless it is a subscription).
    pub subscriptions: Vec<Option<SubscriptionStatus>>,
    /// Per node: a topic's schema version in use, whether the registry
    /// accepted it, events published and publishes refused (`None` unless a topic).
    pub topics: Vec<Option<TopicFrame>>,
    /// Per link: a consumer group's lag, losses and duplicates (`None` unless a read link).
    pub groups: Vec<Option<GroupFrame>>,
    /// Per node: a log's partitions and groups (`None` unless a log).
    pub logs: Vec<Option<LogStatus>>,
    /// Per node: rows waiting in its outboxes, and events its dual writes lost.
    pub outboxes: Vec<(u32, u64)>,
    /// Per node: an orchestrator's sagas (`None` unless it has a saga block).
    pub sagas: Vec<Option<SagaFrame>>,
    /// Per node: a job's runs (`None` unless a job).
    pub jobs: Vec<Option<super::job_view::JobFrame>>,
}

/// What an orchestrator shows: its sagas now and how they ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SagaFrame {
    /// Choreography rather than orchestration.
    pub choreography: bool,
    /// Steps of each saga.
    pub steps: u32,
    /// Running now.
    pub running: u64,
    /// Ended well.
    pub completed: u64,
    /// Undone by their compensations.
    pub compensated: u64,
    /// Waiting for a person (the manual-intervention queue).
    pub manual: u64,
    /// Past their deadline.
    pub stuck: u64,
    /// Running sagas waiting now for a node to be back or a link to heal.
    pub waiting: u64,
    /// Steps and undos refused by a down or full service and asked again (so far).
    pub refused: u64,
    /// The oldest running sagas: (id, step from 0, compensating).
    pub current: Vec<(u64, u32, bool)>,
    /// The first saga ids in the manual queue.
    pub manual_ids: Vec<u64>,
}

/// Running sagas the frame names.
const SAGAS_SHOWN: usize = 3;

/// What a consumer group's read link shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupFrame {
    /// Records from the committed offsets to the log's end, over all partitions.
    pub lag: u64,
    /// Records the group will never process (at-most-once crash, retention, reset).
    pub lost: u64,
    /// Records processed a second time (replay after a crash, reset, republished events).
    pub duplicates: u64,
    /// Repeats an idempotent consumer recognised and skipped.
    pub suppressed: u64,
    /// Stopped for a rebalance.
    pub rebalancing: bool,
    /// The rebalance waits for a crashed member's session until then.
    pub waits_until: Option<Micros>,
    /// A cooperative rebalance: partitions stopped, of all the group reads.
    pub moving: Option<(u32, u32)>,
}

/// What a topic shows: the writer schema in use and what happened to publishes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TopicFrame {
    /// Version of the writer schema in use.
    pub version: u32,
    /// False when the registry refused it (every publish fails).
    pub accepted: bool,
    /// Events that reached the topic.
    pub published: u64,
    /// Publishes the registry refused.
    pub rejected: u64,
}

impl Frame {
    /// Captures the simulation's state; `per_link` counts come from the flights.
    pub fn capture(sim: &Simulation, per_link: Vec<u32>) -> Frame {
        let s = sim.scenario();
        let m = sim.metrics();
        let l = sim.ledger();
        Frame {
            now: sim.now(),
            steps: sim.timers_fired(),
            nodes: (0..s.nodes.len()).map(|i| sim.node_status(i)).collect(),
            links: (0..s.links.len()).map(|i| sim.link_status(i)).collect(),
            orders: (m.orders.placed, m.orders.ok, m.orders.failed),
            ledger: (l.processed, l.failed_total(), l.dead_lettered, l.dropped_total(), l.in_flight()),
            faults: sim.faults().into_iter().filter(|f| f.active).collect(),
            moving: per_link.iter().map(|c| *c as usize).sum(),
            per_link,
            subscriptions: (0..s.links.len()).map(|i| sim.subscription_status(i)).collect(),
            topics: s
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    n.kind.topic()?;
                    let t = m.topics.get(i)?;
                    Some(TopicFrame {
                        version: t.version,
                        accepted: t.accepted,
                        published: t.published,
                        rejected: t.rejected,
                    })
                })
                .collect(),
            groups: (0..s.links.len())
                .map(|i| {
                    s.links[i].transport.read_policy()?;
                    let g = m.groups.get(i)?;
                    Some(GroupFrame {
                        lag: sim.group_lag(i).iter().map(|(n, _)| n).sum(),
                        lost: g.lost_total(),
                        duplicates: g.duplicates_total(),
                        suppressed: g.duplicates_suppressed,
                        rebalancing: g.rebalancing,
                        waits_until: sim.group_waits_until(i),
                        moving: sim.group_moving(i),
                    })
                })
                .collect(),
            logs: (0..s.nodes.len()).map(|i| sim.log_status(i)).collect(),
            outboxes: outboxes(sim),
            sagas: (0..s.nodes.len())
                .map(|i| {
                    let spec = s.nodes[i].kind.service()?.saga.as_ref()?;
                    let g = m.sagas.get(i)?;
                    Some(SagaFrame {
                        choreography: spec.mode == crate::engine::scenario::SagaMode::Choreography,
                        steps: s
                            .links
                            .iter()
                            .filter(|l| l.from == s.nodes[i].id && l.transport.step_policy().is_some())
                            .count() as u32,
                        running: g.running,
                        completed: g.completed,
                        compensated: g.compensated,
                        manual: g.manual,
                        stuck: g.stuck,
                        waiting: sim.sagas_waiting(i as u32) as u64,
                        refused: g.refused,
                        current: sim
                            .running_sagas(i as u32, SAGAS_SHOWN)
                            .into_iter()
                            .map(|(id, step, c, _)| (id, step, c))
                            .collect(),
                        manual_ids: g.manual_queue.iter().take(5).copied().collect(),
                    })
                })
                .collect(),
            jobs: s
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    n.kind.job()?;
                    Some(super::job_view::JobFrame::of(m.jobs.get(i)?, sim.job_queued(i)))
                })
                .collect(),
        }
    }
}

/// Per node: outbox rows waiting and events lost by dual writes (one pass over the links).
fn outboxes(sim: &Simulation) -> Vec<(u32, u64)> {
    let s = sim.scenario();
    // Built with `insert`, not `collect` (which sorts first: one more stable
    // sort instantiated in the wasm, docs/performance.md). Ids are unique.
    let mut index = std::collections::BTreeMap::new();
    for (i, n) in s.nodes.iter().enumerate() {
        index.insert(n.id.as_str(), i);
    }
    let mut out: Vec<(u32, u64)> = (0..s.nodes.len()).map(|i| (sim.outbox_backlog(i), 0)).collect();
    for (l, p) in s.links.iter().zip(&sim.metrics().publishes) {
        if let Some(&i) = index.get(l.from.as_str()) {
            out[i].1 += p.events_lost;
        }
    }
    out
}

/// Simulated time as "12.345 s": milliseconds, the unit of every setting (a single step that moves less shows in the step count).
pub fn clock_text(now: u64) -> String {
    format!("{}.{:03} s", now / 1_000_000, now % 1_000_000 / 1_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{presets, SECOND};

    #[test]
    fn captures_the_state() {
        let mut sim = Simulation::new(presets::load("silent-backlog").expect("preset")).expect("valid");
        sim.run_until(30 * SECOND).expect("runs");
        let f = Frame::capture(&sim, vec![0; 2]);
        assert_eq!(f.now, 30 * SECOND);
        assert_eq!(f.nodes.len(), 3);
        assert!(f.nodes[1].depth > 100, "the queue backs up behind the hung consumer");
        assert!(f.nodes[2].hung);
        assert_eq!(f.faults.len(), 1);
        assert!(f.orders.0 > 0 && f.orders.2 == 0);
        assert_eq!(clock_text(12_345_678), "12.345 s");
        assert_eq!(clock_text(5), "0.000 s");
        assert_eq!(clock_text(3_600_000_999), "3600.000 s");
    }
}
