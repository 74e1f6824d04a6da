//! What a consumer group and its log look like from outside, for drawing
//! and for the state list: partitions, offsets, owners, pauses and lag.
//! Readers only; nothing here changes the simulation.

use serde::Serialize;

use super::super::super::Simulation;
use crate::engine::time::Micros;

/// One partition of a log, as drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PartitionStatus {
    /// The first offset still kept.
    pub start: u64,
    /// The offset the next record gets.
    pub end: u64,
}

/// One consumer group of a log, as drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupStatus {
    /// The read link's index.
    pub link: u32,
    /// Per partition: the committed offset.
    pub committed: Vec<u64>,
    /// Per partition: the offset after the last record the group finished.
    pub processed: Vec<u64>,
    /// Per partition: the instance that owns it (`None`: unassigned).
    pub owners: Vec<Option<u32>>,
    /// Stopped for a rebalance.
    pub rebalancing: bool,
    /// Joined its log yet (a group may join later).
    pub joined: bool,
    /// Per partition: not read now (every one in an eager rebalance; with
    /// the cooperative assignor those that move or lost their owner).
    pub paused: Vec<bool>,
}

/// A log's live state, for drawing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogStatus {
    /// Per partition.
    pub partitions: Vec<PartitionStatus>,
    /// Per consumer group, in link order.
    pub groups: Vec<GroupStatus>,
}

impl Simulation {
    /// The live state of a log node: its partitions and its groups' offsets.
    /// `None` for an unknown index or a node that is not a log.
    pub fn log_status(&self, node: usize) -> Option<LogStatus> {
        self.scenario.nodes.get(node)?.kind.log()?;
        let partitions =
            self.logs[node].parts.iter().map(|p| PartitionStatus { start: p.start, end: p.end() }).collect();
        let groups = self.topo.groups_of[node]
            .iter()
            .map(|&link| {
                let g = &self.groups[link as usize];
                let eager_stop = g.rebalancing && !self.cooperative(link);
                GroupStatus {
                    link,
                    committed: g.committed.clone(),
                    processed: g.processed.clone(),
                    owners: g.owner.clone(),
                    rebalancing: g.rebalancing,
                    joined: g.joined,
                    paused: (0..g.owner.len()).map(|p| eager_stop || g.revoking.get(p) == Some(&true)).collect(),
                }
            })
            .collect();
        Some(LogStatus { partitions, groups })
    }

    /// Until when a rebalance under way is held for a crashed member's
    /// session (`None`: not rebalancing, or no dead session to wait out).
    pub fn group_waits_until(&self, link: usize) -> Option<Micros> {
        let g = self.groups.get(link)?;
        if !g.rebalancing {
            return None;
        }
        g.members.iter().filter(|m| m.crashed).map(|m| m.session_until).max()
    }

    /// During a cooperative rebalance: how many partitions stop (they move,
    /// or lost their owner) and how many the group reads. `None` otherwise.
    pub fn group_moving(&self, link: usize) -> Option<(u32, u32)> {
        let g = self.groups.get(link)?;
        if !g.rebalancing || !self.cooperative(link as u32) {
            return None;
        }
        Some((g.revoking.iter().filter(|&&r| r).count() as u32, g.owner.len() as u32))
    }

    /// A group's lag per partition: records from its committed offset to the
    /// end of the log, and how long the first of them has waited (0 when
    /// none). Empty for a link that is not a read link or a group not joined.
    pub fn group_lag(&self, link: usize) -> Vec<(u64, Micros)> {
        let Some(l) = self.scenario.links.get(link) else { return Vec::new() };
        if l.transport.read_policy().is_none() {
            return Vec::new();
        }
        let log = self.topo.link_from[link] as usize;
        let g = &self.groups[link];
        g.committed
            .iter()
            .zip(&self.logs[log].parts)
            .map(|(&c, part)| {
                let lag = part.end().saturating_sub(c.max(part.start));
                let age = part.get(c.max(part.start)).map_or(0, |r| self.now.saturating_sub(r.appended));
                (lag, age)
            })
            .collect()
    }
}
