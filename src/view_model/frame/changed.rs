//! Which nodes a new frame changes the drawing of. The stage wakes only
//! those nodes' views: with a thousand nodes, waking every view each frame
//! cost about 190 ms a frame (docs/performance.md, "A thousand nodes").

use crate::engine::scenario::NodeKind;

use super::Frame;

/// True when a node of this kind is drawn again at every new frame: it
/// shows more than its `NodeStatus` and outbox (a client its orders and its
/// push links' crowds, a gateway its crowds, a job the time since its last
/// run, a topic, log or saga orchestrator its own figures). They are few,
/// and comparing their figures costs more wasm than drawing them again.
pub fn wakes_each_frame(kind: &NodeKind) -> bool {
    match kind {
        NodeKind::Client(_) | NodeKind::Gateway(_) | NodeKind::Job(_) | NodeKind::Topic(_) | NodeKind::Log(_) => true,
        NodeKind::Service(s) => s.saga.is_some(),
        NodeKind::Queue(_) => false,
    }
}

/// The nodes whose drawing may differ between `old` and `new`: those
/// `each` marks ([`wakes_each_frame`]) and those whose status or outbox
/// changed; every node when the number of nodes changed.
pub fn nodes_changed(old: &Frame, new: &Frame, each: &[bool]) -> Vec<usize> {
    let n = new.nodes.len();
    if old.nodes.len() != n || each.len() != n {
        return (0..n).collect();
    }
    (0..n).filter(|&i| each[i] || old.nodes[i] != new.nodes[i] || old.outboxes.get(i) != new.outboxes.get(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{presets, Simulation, SECOND};

    fn frame_at(name: &str, t: u64) -> (Frame, Vec<bool>) {
        let mut sim = Simulation::new(presets::load(name).expect("preset")).expect("valid");
        sim.run_until(t).expect("runs");
        let shared = sim.scenario().nodes.iter().map(|n| wakes_each_frame(&n.kind)).collect();
        (Frame::capture(&sim, vec![0; sim.scenario().links.len()]), shared)
    }

    #[test]
    fn wakes_only_what_changed() {
        let (a, shared) = frame_at("cascade", 12 * SECOND);
        assert!(nodes_changed(&a, &a, &[false; 4]).is_empty(), "an equal frame wakes nothing");
        let mut b = a.clone();
        b.nodes[1].depth += 1;
        assert_eq!(nodes_changed(&a, &b, &[false; 4]), vec![1]);
        // The client shows the orders: it is drawn again at every frame.
        let clients: Vec<usize> = (0..shared.len()).filter(|&i| shared[i]).collect();
        assert_eq!(clients, vec![0]);
        assert_eq!(nodes_changed(&a, &a, &[true, false, false, false]), clients);
        // A node more or less: every node.
        let mut d = b.clone();
        d.nodes.push(Default::default());
        assert_eq!(nodes_changed(&a, &d, &shared), vec![0, 1, 2, 3, 4]);
    }
}
