//! The per-frame snapshot the views read: copied out of the simulation once
//! per animation frame so components never touch the engine directly.

use crate::engine::{FaultStatus, LinkStatus, NodeStatus, Simulation};

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
        }
    }
}

/// Simulated time as "12.345678 s" (microsecond precision, so a single step shows).
pub fn clock_text(now: u64) -> String {
    format!("{}.{:06} s", now / 1_000_000, now % 1_000_000)
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
        assert_eq!(clock_text(12_345_678), "12.345678 s");
        assert_eq!(clock_text(5), "0.000005 s");
    }
}
