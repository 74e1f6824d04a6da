//! A few words naming a change, for the undo and redo buttons and the
//! announcement after an edit ("Undone: remove Payment"). A link is named
//! in words, "Order API to Inventory": these are sentences, read as written
//! by screen readers (the buttons' descriptions, a Remove button's name, the
//! live region), and an arrow would be read "right arrow".

use crate::engine::patterns::{node_look, transport_look};
use crate::engine::scenario::{Fault, Scenario};
use crate::engine::Edit;

/// What `edit` does to `s` (the scenario before it), in a few words.
pub fn edit_words(s: &Scenario, edit: &Edit) -> String {
    let node = |id: &str| s.node(id).map_or_else(|| id.to_string(), |n| n.label.clone());
    let link =
        |id: &str| s.link(id).map_or_else(|| id.to_string(), |l| format!("{} to {}", node(&l.from), node(&l.to)));
    match edit {
        Edit::ApplyFault { fault } => fault_words(s, fault),
        Edit::ClearFault { .. } => "clear a fault".into(),
        Edit::SetTransport { link: id, transport } => match s.link(id) {
            Some(l) if std::mem::discriminant(&l.transport) != std::mem::discriminant(transport) => {
                format!("{} as {}", link(id), transport_look(transport).word)
            }
            _ => format!("settings of {}", link(id)),
        },
        Edit::SetService { node: id, .. }
        | Edit::SetQueue { node: id, .. }
        | Edit::SetTopic { node: id, .. }
        | Edit::SetJob { node: id, .. }
        | Edit::SetLog { node: id, .. }
        | Edit::SetGateway { node: id, .. } => format!("settings of {}", node(id)),
        Edit::SetLatency { link: id, .. } => format!("latency of {}", link(id)),
        Edit::MoveNode { node: id, .. } => format!("move {}", node(id)),
        Edit::RenameNode { node: id, label } => format!("rename {} to {label}", node(id)),
        Edit::SetMonitor { target: id, on } => {
            format!("monitoring of {} {}", target(s, id), if *on { "on" } else { "off" })
        }
        Edit::AddLink { link: l } => format!("connect {} to {}", node(&l.from), node(&l.to)),
        Edit::RemoveSubscription { link: id } => format!("unsubscribe {}", link(id)),
        Edit::ResetGroup { link: id, .. } => format!("reset {}", link(id)),
        Edit::AddNode { node: n } => format!("add {} {}", node_look(&n.kind).word, n.label),
        Edit::RemoveNode { node: id } => format!("remove {}", node(id)),
        Edit::RemoveLink { link: id } => format!("remove {}", link(id)),
        Edit::Restore { nodes, .. } => match nodes.first() {
            Some(n) => format!("restore {}", n.item.label),
            None => "restore a link".into(),
        },
    }
}

/// A fault in a few words, its target by name: "crash on Inventory",
/// "partition on Order API to Inventory".
pub fn fault_words(s: &Scenario, fault: &Fault) -> String {
    format!("{} on {}", fault.effect.name().replace('_', " "), target(s, &fault.target))
}

fn target(s: &Scenario, id: &str) -> String {
    let node = |id: &str| s.node(id).map_or_else(|| id.to_string(), |n| n.label.clone());
    s.node(id)
        .map(|n| n.label.clone())
        .or_else(|| s.link(id).map(|l| format!("{} to {}", node(&l.from), node(&l.to))))
        .unwrap_or_else(|| id.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::presets;

    #[test]
    fn names_use_labels_not_ids() {
        let s = presets::load("seven").expect("preset");
        let n = &s.nodes[1];
        assert_eq!(edit_words(&s, &Edit::RemoveNode { node: n.id.clone() }), format!("remove {}", n.label));
        let l = &s.links[0];
        let w = edit_words(&s, &Edit::RemoveLink { link: l.id.clone() });
        assert!(w.contains(" to ") && !w.contains('→') && !w.contains(&l.id), "{w}");
    }

    #[test]
    fn faults_name_their_target_by_its_label() {
        use crate::engine::scenario::FaultEffect;
        let s = presets::load("seven").expect("preset");
        let crash = Fault { target: "order-api".into(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Crash };
        assert_eq!(fault_words(&s, &crash), "crash on Order API");
        let l = s.links.iter().find(|l| l.from == "order-api" && l.to == "inventory").expect("link");
        let cut = Fault { target: l.id.clone(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Partition };
        assert_eq!(fault_words(&s, &cut), "partition on Order API to Inventory");
    }
}
