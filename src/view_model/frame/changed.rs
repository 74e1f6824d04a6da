//! Which nodes and links a new frame changes the drawing of. The stage
//! wakes only those views: with a thousand nodes, waking every view each
//! frame cost about 190 ms a frame (docs/performance.md, "A thousand
//! nodes"), and four thousand links froze the page ("Four thousand links").

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

/// The links whose drawing may differ between `old` and `new`: those whose
/// status (breaker, partition, extra latency, crowd), lane or group
/// changed, and with `counts` (reduced motion: a link shows its messages
/// moving as a number) those whose count changed; every link when the
/// number of links changed.
pub fn links_changed(old: &Frame, new: &Frame, counts: bool) -> Vec<usize> {
    let n = new.links.len();
    if old.links.len() != n {
        return (0..n).collect();
    }
    (0..n)
        .filter(|&i| {
            old.links[i] != new.links[i]
                || old.subscriptions.get(i) != new.subscriptions.get(i)
                || old.groups.get(i) != new.groups.get(i)
                || (counts && old.per_link.get(i) != new.per_link.get(i))
        })
        .collect()
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

    #[test]
    fn wakes_only_the_links_that_changed() {
        let (a, _) = frame_at("cascade", 12 * SECOND);
        assert!(links_changed(&a, &a, true).is_empty(), "an equal frame wakes no link");
        let mut b = a.clone();
        b.links[2].partitioned = true;
        assert_eq!(links_changed(&a, &b, false), vec![2]);
        // Messages moving show only as reduced motion's counts.
        b.per_link[1] += 1;
        assert_eq!(links_changed(&a, &b, false), vec![2]);
        assert_eq!(links_changed(&a, &b, true), vec![1, 2]);
        let mut d = b.clone();
        d.links.pop();
        assert_eq!(links_changed(&a, &d, false), vec![0, 1]);
    }
}
