//! What the transport menu offers between two nodes, and the edits each
//! choice makes: a direct transport, or a broker (queue, topic, event log)
//! put between two services with its producer and consumer links.

use crate::engine::design::{edit_scenario, fresh_link_id, fresh_node_id, starter_node, transports_between};
use crate::engine::dist::Dist;
use crate::engine::patterns::transport_look;
use crate::engine::scenario::{
    AppendPolicy, ConsumePolicy, Link, Position, ReadPolicy, Scenario, SubscribePolicy, Transport,
};
use crate::engine::Edit;

/// One entry of the transport menu.
#[derive(Clone, Debug, PartialEq)]
pub enum Choice {
    /// A link of this transport straight from one node to the other.
    Direct(Transport),
    /// A new broker of this kind ("queue", "topic" or "log") between the
    /// two, with the producer link into it and the consumer link out.
    Through(&'static str),
}

impl Choice {
    /// The menu's words for it.
    pub fn name(&self) -> String {
        match self {
            Choice::Direct(t) => capitalised(transport_look(t).word),
            Choice::Through("queue") => "Through a new queue (enqueue, then consume)".into(),
            Choice::Through("topic") => "Through a new topic (publish, then subscribe)".into(),
            Choice::Through(_) => "Through a new event log (append, then read)".into(),
        }
    }

    /// A transport of the communication type this choice makes, for its
    /// five dimensions.
    pub fn transport(&self) -> Transport {
        match self {
            Choice::Direct(t) => t.clone(),
            Choice::Through("queue") => Transport::Enqueue,
            Choice::Through("topic") => Transport::Publish,
            Choice::Through(_) => Transport::Append(AppendPolicy::default()),
        }
    }
}

/// The look table's words are ASCII: an ASCII capital keeps the wasm free
/// of Unicode's case tables (7 KB of the gzipped download).
fn capitalised(s: &str) -> String {
    let mut out = s.to_string();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

fn producer_consumer(kind: &str) -> (Transport, Transport) {
    match kind {
        "queue" => (Transport::Enqueue, Transport::Consume(ConsumePolicy::default())),
        "topic" => (Transport::Publish, Transport::Subscribe(SubscribePolicy::default())),
        // "log", the only other broker `choices` offers.
        _log => (Transport::Append(AppendPolicy::default()), Transport::Read(ReadPolicy::default())),
    }
}

fn new_link(s: &Scenario, from: &str, to: &str, transport: Transport) -> Link {
    Link {
        id: fresh_link_id(s, from, to),
        from: from.into(),
        to: to.into(),
        latency: Dist::Constant { ms: 1.0 },
        transport,
    }
}

/// The scenario without link `replacing` (when the menu changes a link).
fn without(s: &Scenario, replacing: Option<&str>) -> Scenario {
    let mut s = s.clone();
    if let Some(id) = replacing {
        s.links.retain(|l| l.id != id);
    }
    s
}

/// The edits that put a broker of `kind` between `from` and `to`.
fn through(s: &Scenario, from: &str, to: &str, kind: &'static str) -> Option<Vec<Edit>> {
    let id = fresh_node_id(s, kind);
    let (a, b) = (s.node(from)?.position, s.node(to)?.position);
    // Below the middle of the link, clear of the nodes already drawn there.
    let mut mid = Position { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 + 120.0 };
    while s.nodes.iter().any(|n| (n.position.x - mid.x).abs() < 160.0 && (n.position.y - mid.y).abs() < 70.0) {
        mid.y += 90.0;
    }
    let label = match kind {
        "queue" => "Queue",
        "topic" => "Topic",
        _ => "Event log",
    };
    let node = starter_node(kind, &id, label, mid)?;
    let (produce, consume) = producer_consumer(kind);
    let with_node = edit_scenario(s, &[Edit::AddNode { node: node.clone() }]).ok()?;
    let into = new_link(&with_node, from, &id, produce);
    let with_into = edit_scenario(&with_node, &[Edit::AddLink { link: into.clone() }]).ok()?;
    let out = new_link(&with_into, &id, to, consume);
    Some(vec![Edit::AddNode { node }, Edit::AddLink { link: into }, Edit::AddLink { link: out }])
}

/// What the menu offers from `from` to `to`: each valid direct transport,
/// then a broker between them where both of its links would be valid.
/// With `replacing`, the choices are for changing that link.
pub fn choices(s: &Scenario, from: &str, to: &str, replacing: Option<&str>) -> Vec<Choice> {
    let base = without(s, replacing);
    let mut out: Vec<Choice> = transports_between(&base, from, to).into_iter().map(Choice::Direct).collect();
    for kind in ["queue", "topic", "log"] {
        if through(&base, from, to, kind).is_some_and(|edits| edit_scenario(&base, &edits).is_ok()) {
            out.push(Choice::Through(kind));
        }
    }
    out
}

/// The edits that make `choice` from `from` to `to`, replacing link
/// `replacing` if given (a direct choice keeps that link's id).
pub fn edits_for(s: &Scenario, from: &str, to: &str, choice: &Choice, replacing: Option<&str>) -> Option<Vec<Edit>> {
    let base = without(s, replacing);
    match (choice, replacing) {
        (Choice::Direct(t), Some(id)) => Some(vec![Edit::SetTransport { link: id.into(), transport: t.clone() }]),
        (Choice::Direct(t), None) => Some(vec![Edit::AddLink { link: new_link(&base, from, to, t.clone()) }]),
        (Choice::Through(kind), _) => {
            let mut edits: Vec<Edit> = replacing.map(|id| Edit::RemoveLink { link: id.into() }).into_iter().collect();
            edits.extend(through(&base, from, to, kind)?);
            Some(edits)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::presets;

    fn call(s: &Scenario) -> Link {
        s.links
            .iter()
            .find(|l| {
                l.transport.sync_policy().is_some() && s.node(&l.from).is_some_and(|n| n.kind.service().is_some())
            })
            .expect("a service calls a service")
            .clone()
    }

    #[test]
    fn direct_choices_are_named_with_a_capital() {
        assert_eq!(capitalised("request-response"), "Request-response");
        assert_eq!(capitalised(""), "");
        let s = presets::load("seven").expect("preset");
        for l in &s.links {
            let word = transport_look(&l.transport).word;
            assert!(word.is_ascii(), "{word}: capitalised() assumes ASCII words");
            let name = Choice::Direct(l.transport.clone()).name();
            assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
        }
    }

    #[test]
    fn between_two_services_the_menu_offers_a_call_and_three_brokers() {
        let s = presets::load("cascade").expect("preset");
        let l = call(&s);
        let names: Vec<String> = choices(&s, &l.from, &l.to, Some(&l.id)).iter().map(Choice::name).collect();
        assert_eq!(names[0], "Request-response call");
        assert!(names.iter().any(|n| n.starts_with("Through a new queue")), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("Through a new topic")), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("Through a new event log")), "{names:?}");
    }

    #[test]
    fn a_call_turned_into_a_queue_is_valid_and_keeps_both_ends() {
        let s = presets::load("cascade").expect("preset");
        let l = call(&s);
        let edits = edits_for(&s, &l.from, &l.to, &Choice::Through("queue"), Some(&l.id)).expect("edits");
        let after = edit_scenario(&s, &edits).expect("valid");
        assert!(after.link(&l.id).is_none());
        let q = after.nodes.last().expect("the queue");
        assert!(q.kind.queue().is_some());
        assert!(after
            .links
            .iter()
            .any(|k| k.from == l.from && k.to == q.id && matches!(k.transport, Transport::Enqueue)));
        assert!(after.links.iter().any(|k| k.from == q.id && k.to == l.to && k.transport.consume_policy().is_some()));
    }
}
