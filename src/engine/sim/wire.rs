//! The wire: the one place where messages cross links. Every send (call,
//! reply, enqueue, delivery, ack) asks it when the message arrives; it
//! applies the link's latency, its extra latency from faults, and
//! partitions (a partitioned link loses what is sent on it).

use super::Simulation;
use crate::engine::time::Micros;

impl Simulation {
    /// When a message sent on `link` now arrives, or `None` if the link is
    /// partitioned and the message is lost.
    pub(super) fn cross(&mut self, link: u32) -> Option<Micros> {
        let state = &self.links[link as usize];
        if state.partitioned {
            return None;
        }
        let extra = state.extra_latency;
        let latency = self.scenario.links[link as usize].latency.sample(&mut self.rng).saturating_add(extra);
        Some(self.now.saturating_add(latency))
    }
}
