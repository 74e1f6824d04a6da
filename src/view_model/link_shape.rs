//! What a link's view on the stage is built from: what it shows that
//! neither the run nor a move changes. The stage builds its links again
//! only when this list changes (a link added, removed or given another
//! transport, a node renamed), so a move or a setting changed builds none;
//! a link follows its ends and its figures through its own wake-up
//! (`ui/node_cells.rs`), as the nodes do (docs/performance.md, "Four
//! thousand links").

use std::collections::BTreeMap;

use crate::engine::patterns::{transport_look, Look};
use crate::engine::scenario::Scenario;

use super::describe::link_title;

/// One link as its view is built.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkShape {
    /// The link's place in the scenario (its frame figures and its wake-up).
    pub index: usize,
    /// Its id.
    pub id: String,
    /// The places of the nodes it joins, from and to.
    pub ends: (usize, usize),
    /// Its accessible name: "request-response call from A to B".
    pub title: String,
    /// Its transport's look (CSS modifier, glyph).
    pub look: Look,
    /// A subscription or a consumer group's read link: it has a lane label.
    pub lane: bool,
}

/// The links of `s` whose ends exist, in scenario order.
pub fn link_shapes(s: &Scenario) -> Vec<LinkShape> {
    // By id once, not a scan of the nodes per link: 4,000 links × 1,000
    // nodes. Inserted one by one: `collect` sorts first, with a copy of the
    // standard stable sort in the wasm (about 4 KB raw).
    let mut nodes: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, n) in s.nodes.iter().enumerate() {
        nodes.insert(n.id.as_str(), i);
    }
    s.links
        .iter()
        .enumerate()
        .filter_map(|(index, l)| {
            let ends = (*nodes.get(l.from.as_str())?, *nodes.get(l.to.as_str())?);
            Some(LinkShape {
                index,
                id: l.id.clone(),
                ends,
                title: link_title(l, &s.nodes[ends.0].label, &s.nodes[ends.1].label),
                look: transport_look(&l.transport),
                lane: l.transport.subscribe_policy().is_some() || l.transport.read_policy().is_some(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::presets;
    use crate::engine::scenario::Position;

    #[test]
    fn a_move_or_a_setting_leaves_the_shapes_equal() {
        let s = presets::load("seven").expect("preset");
        let shapes = link_shapes(&s);
        assert_eq!(shapes.len(), s.links.len());
        assert!(shapes.iter().any(|l| l.lane), "seven has subscriptions and read links");
        let mut moved = s.clone();
        moved.nodes[1].position = Position { x: -500.0, y: 900.0 };
        moved.links[0].latency = crate::engine::dist::Dist::Constant { ms: 250.0 };
        assert_eq!(link_shapes(&moved), shapes, "a move or a latency builds no link");
        let mut renamed = s.clone();
        renamed.nodes[shapes[0].ends.0].label = "Elsewhere".into();
        assert_ne!(link_shapes(&renamed), shapes, "a renamed end changes the name");
    }

    #[test]
    fn a_link_without_an_end_is_left_out() {
        let mut s = presets::load("cascade").expect("preset");
        s.links[1].to = "gone".into();
        let shapes = link_shapes(&s);
        assert_eq!(shapes.iter().map(|l| l.index).collect::<Vec<_>>(), vec![0, 2]);
        assert_eq!(shapes[1].ends, (2, 3));
        assert_eq!(shapes[0].title, "request-response call from Browser to Order API");
    }
}
