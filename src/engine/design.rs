//! Edits as changes to a scenario, without a running simulation: the
//! editor's model. [`edit_scenario`] applies a list of edits to a scenario
//! and validates the result once (a change made of several edits, such as
//! putting a queue into a link, may pass through states that are not valid
//! on their own); [`inverse`] gives the edits that undo one edit; and
//! [`transports_between`] lists what may connect two nodes, by asking the
//! validator rather than keeping a second copy of its rules.

use super::dist::Dist;
use super::edit::{Edit, Placed};
use super::error::ScenarioError;
use super::patterns::transport_look;
use super::scenario::{
    AppendPolicy, ClientSpec, ConsumePolicy, GatewaySpec, JobSpec, Link, LogSpec, Node, NodeKind, Position, PushPolicy,
    QueueSpec, ReadPolicy, SagaSpec, Scenario, Schema, ServiceSpec, StepPolicy, SubscribePolicy, SyncPolicy, TopicSpec,
    Transport,
};
use super::validate::validate;

/// Applies `edits` in order to a copy of `scenario` and validates the
/// result. Runtime-only edits (clearing a fault by its run index,
/// resetting a group) are refused: they mean nothing without a run.
pub fn edit_scenario(scenario: &Scenario, edits: &[Edit]) -> Result<Scenario, ScenarioError> {
    let mut s = scenario.clone();
    for edit in edits {
        change(&mut s, edit)?;
    }
    validate(&s).map_err(|mut problems| problems.remove(0))?;
    Ok(s)
}

fn node_at(s: &Scenario, id: &str) -> Result<usize, ScenarioError> {
    s.nodes
        .iter()
        .position(|n| n.id == id)
        .ok_or_else(|| ScenarioError::new("$.node", format!("unknown node id '{id}'")))
}

fn link_at(s: &Scenario, id: &str) -> Result<usize, ScenarioError> {
    s.links
        .iter()
        .position(|l| l.id == id)
        .ok_or_else(|| ScenarioError::new("$.link", format!("unknown link id '{id}'")))
}

fn set_kind(s: &mut Scenario, id: &str, kind: NodeKind) -> Result<(), ScenarioError> {
    let i = node_at(s, id)?;
    if std::mem::discriminant(&s.nodes[i].kind) != std::mem::discriminant(&kind) {
        return Err(ScenarioError::new(
            "$.node",
            format!("'{id}' is not a {}", super::patterns::node_look(&kind).word),
        ));
    }
    s.nodes[i].kind = kind;
    Ok(())
}

/// Inserts placed items in ascending order, refusing indices past the end.
fn insert_placed<T: Clone>(list: &mut Vec<T>, placed: &[Placed<T>], what: &str) -> Result<(), ScenarioError> {
    for p in placed {
        let at = p.index as usize;
        if at > list.len() {
            return Err(ScenarioError::new(
                format!("$.{what}"),
                format!("index {at} is past the end ({})", list.len()),
            ));
        }
        list.insert(at, p.item.clone());
    }
    Ok(())
}

fn change(s: &mut Scenario, edit: &Edit) -> Result<(), ScenarioError> {
    match edit {
        Edit::ApplyFault { fault } => s.faults.push(fault.clone()),
        Edit::SetTransport { link, transport } => {
            let i = link_at(s, link)?;
            s.links[i].transport = transport.clone();
        }
        Edit::SetService { node, spec } => set_kind(s, node, NodeKind::Service(spec.clone()))?,
        Edit::SetQueue { node, spec } => set_kind(s, node, NodeKind::Queue(spec.clone()))?,
        Edit::SetTopic { node, spec } => set_kind(s, node, NodeKind::Topic(spec.clone()))?,
        Edit::SetJob { node, spec } => set_kind(s, node, NodeKind::Job(spec.clone()))?,
        Edit::SetLog { node, spec } => set_kind(s, node, NodeKind::Log(spec.clone()))?,
        Edit::SetGateway { node, spec } => set_kind(s, node, NodeKind::Gateway(spec.clone()))?,
        Edit::SetLatency { link, latency } => {
            let i = link_at(s, link)?;
            s.links[i].latency = latency.clone();
        }
        Edit::MoveNode { node, position } => {
            let i = node_at(s, node)?;
            s.nodes[i].position = *position;
        }
        Edit::RenameNode { node, label } => {
            let i = node_at(s, node)?;
            s.nodes[i].label = label.clone();
        }
        Edit::SetMonitor { target, on } => s.set_monitor(target, *on),
        Edit::AddLink { link } => s.links.push(link.clone()),
        Edit::AddNode { node } => s.nodes.push(node.clone()),
        Edit::RemoveLink { link } => {
            let i = link_at(s, link)?;
            let gone = s.links.remove(i);
            s.faults.retain(|f| f.target != gone.id);
            s.monitors.retain(|m| *m != gone.id);
        }
        Edit::RemoveNode { node } => {
            let i = node_at(s, node)?;
            let gone = s.nodes.remove(i);
            let links: Vec<String> =
                s.links.iter().filter(|l| l.from == gone.id || l.to == gone.id).map(|l| l.id.clone()).collect();
            s.links.retain(|l| l.from != gone.id && l.to != gone.id);
            s.sources.retain(|src| src.target != gone.id);
            s.faults.retain(|f| f.target != gone.id && !links.contains(&f.target));
            s.monitors.retain(|m| *m != gone.id && !links.contains(m));
        }
        Edit::Restore { nodes, links, sources, faults, monitors } => {
            insert_placed(&mut s.nodes, nodes, "nodes")?;
            insert_placed(&mut s.links, links, "links")?;
            insert_placed(&mut s.sources, sources, "sources")?;
            insert_placed(&mut s.faults, faults, "faults")?;
            insert_placed(&mut s.monitors, monitors, "monitors")?;
        }
        Edit::RemoveSubscription { link } => {
            let i = link_at(s, link)?;
            let Transport::Subscribe(p) = &mut s.links[i].transport else {
                return Err(ScenarioError::new("$.link", format!("'{link}' is not a subscription")));
            };
            p.detached = true;
        }
        Edit::ClearFault { .. } | Edit::ResetGroup { .. } => {
            return Err(ScenarioError::new("$.type", "this edit acts on a running simulation, not on a scenario"))
        }
    }
    Ok(())
}

/// Items of `list` (with their indices) that `keep` rejects.
fn placed_where<T: Clone>(list: &[T], gone: impl Fn(&T) -> bool) -> Vec<Placed<T>> {
    list.iter().enumerate().filter(|(_, x)| gone(x)).map(|(i, x)| Placed { index: i as u32, item: x.clone() }).collect()
}

/// The edits that undo `edit`, worked out on the scenario before it is
/// applied. `None` when there is nothing to undo with (an unknown id: the
/// edit itself will be refused) or the edit acts only on a run.
pub fn inverse(before: &Scenario, edit: &Edit) -> Option<Vec<Edit>> {
    let one = |e: Edit| Some(vec![e]);
    match edit {
        Edit::SetTransport { link, .. } => {
            one(Edit::SetTransport { link: link.clone(), transport: before.link(link)?.transport.clone() })
        }
        Edit::SetService { node, .. } => {
            one(Edit::SetService { node: node.clone(), spec: before.node(node)?.kind.service()?.clone() })
        }
        Edit::SetQueue { node, .. } => {
            one(Edit::SetQueue { node: node.clone(), spec: before.node(node)?.kind.queue()?.clone() })
        }
        Edit::SetTopic { node, .. } => {
            one(Edit::SetTopic { node: node.clone(), spec: before.node(node)?.kind.topic()?.clone() })
        }
        Edit::SetJob { node, .. } => {
            one(Edit::SetJob { node: node.clone(), spec: before.node(node)?.kind.job()?.clone() })
        }
        Edit::SetLog { node, .. } => {
            one(Edit::SetLog { node: node.clone(), spec: before.node(node)?.kind.log()?.clone() })
        }
        Edit::SetGateway { node, .. } => {
            one(Edit::SetGateway { node: node.clone(), spec: before.node(node)?.kind.gateway()?.clone() })
        }
        Edit::SetLatency { link, .. } => {
            one(Edit::SetLatency { link: link.clone(), latency: before.link(link)?.latency.clone() })
        }
        Edit::MoveNode { node, .. } => {
            one(Edit::MoveNode { node: node.clone(), position: before.node(node)?.position })
        }
        Edit::SetMonitor { target, .. } => {
            one(Edit::SetMonitor { target: target.clone(), on: before.monitors.contains(target) })
        }
        Edit::RenameNode { node, .. } => {
            one(Edit::RenameNode { node: node.clone(), label: before.node(node)?.label.clone() })
        }
        Edit::AddLink { link } => one(Edit::RemoveLink { link: link.id.clone() }),
        Edit::AddNode { node } => one(Edit::RemoveNode { node: node.id.clone() }),
        Edit::RemoveLink { link } => {
            before.link(link)?;
            one(Edit::Restore {
                nodes: vec![],
                links: placed_where(&before.links, |l| &l.id == link),
                sources: vec![],
                faults: placed_where(&before.faults, |f| &f.target == link),
                monitors: placed_where(&before.monitors, |m| m == link),
            })
        }
        Edit::RemoveNode { node } => {
            before.node(node)?;
            let touching = |l: &Link| &l.from == node || &l.to == node;
            let links: Vec<&str> = before.links.iter().filter(|l| touching(l)).map(|l| l.id.as_str()).collect();
            one(Edit::Restore {
                nodes: placed_where(&before.nodes, |n| &n.id == node),
                links: placed_where(&before.links, touching),
                sources: placed_where(&before.sources, |s| &s.target == node),
                faults: placed_where(&before.faults, |f| &f.target == node || links.contains(&f.target.as_str())),
                monitors: placed_where(&before.monitors, |m| m == node || links.contains(&m.as_str())),
            })
        }
        Edit::ApplyFault { .. }
        | Edit::ClearFault { .. }
        | Edit::RemoveSubscription { .. }
        | Edit::ResetGroup { .. }
        | Edit::Restore { .. } => None,
    }
}

/// The kinds of node the palette offers: the scenario's kind keys, plus
/// "orchestrator" (a service with a `saga` block, type 5).
pub const NODE_KINDS: [&str; 8] = ["client", "service", "orchestrator", "queue", "topic", "log", "gateway", "job"];

/// A new node of kind `key` with the engine's defaults, or `None` for an unknown key.
pub fn starter_node(key: &str, id: &str, label: &str, position: Position) -> Option<Node> {
    let kind = match key {
        "client" => NodeKind::Client(ClientSpec::default()),
        "service" => NodeKind::Service(ServiceSpec::default()),
        "orchestrator" => NodeKind::Service(ServiceSpec { saga: Some(SagaSpec::default()), ..ServiceSpec::default() }),
        "queue" => NodeKind::Queue(QueueSpec::default()),
        "topic" => NodeKind::Topic(TopicSpec {
            event_type: "order.placed".into(),
            schema: Schema { name: "OrderPlaced".into(), version: 1, fields: vec![] },
            registry: None,
        }),
        "log" => NodeKind::Log(LogSpec::default()),
        "gateway" => NodeKind::Gateway(GatewaySpec::default()),
        "job" => NodeKind::Job(JobSpec::default()),
        // A match over text from the page, not over kinds: anything else is no kind.
        _unknown => return None,
    };
    Some(Node { id: id.into(), label: label.into(), position, kind })
}

/// Every transport with its defaults, in the order the menu lists them.
pub fn starter_transports() -> [Transport; 10] {
    [
        Transport::RequestResponse(SyncPolicy::default()),
        Transport::Enqueue,
        Transport::Consume(ConsumePolicy::default()),
        Transport::Publish,
        Transport::Subscribe(SubscribePolicy::default()),
        Transport::Append(AppendPolicy::default()),
        Transport::Read(ReadPolicy::default()),
        Transport::SagaStep(StepPolicy::default()),
        Transport::Push(PushPolicy::default()),
        Transport::ScheduledRead,
    ]
}

/// A link id not yet used in `s`, made from the two ends.
pub fn fresh_link_id(s: &Scenario, from: &str, to: &str) -> String {
    fresh_id(&format!("{from}-{to}"), |id| s.link(id).is_some())
}

/// A node id not yet used in `s`, made from `stem`.
pub fn fresh_node_id(s: &Scenario, stem: &str) -> String {
    fresh_id(stem, |id| s.node(id).is_some())
}

fn fresh_id(stem: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(stem) {
        return stem.to_string();
    }
    // Bounded by the scenario's own limits on nodes and links.
    (2..).map(|n| format!("{stem}-{n}")).find(|id| !taken(id)).unwrap_or_default()
}

/// The transports that may link `from` to `to` in `s`: each starter
/// transport for which the scenario with the new link passes validation.
/// A saga step needs an order among the orchestrator's steps, so it is
/// tried with the next free one.
pub fn transports_between(s: &Scenario, from: &str, to: &str) -> Vec<Transport> {
    let id = fresh_link_id(s, from, to);
    let next_order =
        s.links.iter().filter(|l| l.from == from).filter_map(|l| l.transport.step_policy()).count() as u32 + 1;
    starter_transports()
        .into_iter()
        .map(|t| match t {
            Transport::SagaStep(p) => Transport::SagaStep(StepPolicy { order: next_order, ..p }),
            t => t,
        })
        .filter(|t| {
            let link = Link {
                id: id.clone(),
                from: from.into(),
                to: to.into(),
                latency: Dist::Constant { ms: 1.0 },
                transport: t.clone(),
            };
            edit_scenario(s, &[Edit::AddLink { link }]).is_ok()
        })
        .collect()
}

/// The menu's name of a transport (the look table's word).
pub fn transport_name(t: &Transport) -> &'static str {
    transport_look(t).word
}
