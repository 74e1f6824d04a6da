//! The scenario's graph as indices, computed once when the simulation is
//! built (and again after a shape edit): per node, its links by kind; per
//! link, its ends. Sends never look an id up by string.

use super::*;

/// Indices of the scenario's graph, computed once.
pub(in crate::engine::sim) struct Topology {
    pub node_ix: BTreeMap<String, u32>,
    pub link_ix: BTreeMap<String, u32>,
    /// Per node: its request-response links, in scenario order.
    pub sync_out: Vec<Vec<u32>>,
    /// Per node: its enqueue links, in scenario order.
    pub enqueue_out: Vec<Vec<u32>>,
    /// Per node: its publish links, in scenario order.
    pub publish_out: Vec<Vec<u32>>,
    /// Per topic node: its subscribe links, in scenario order.
    pub subscriptions: Vec<Vec<u32>>,
    /// Per buffer (a queue node's index, or node count + a subscribe link's
    /// index): the links that consume from it.
    pub consumers: Vec<Vec<u32>>,
    /// Per service node: the consume and subscribe links that feed it.
    pub consumes_from: Vec<Vec<u32>>,
    /// Per link: the buffer a consume or subscribe link takes from (`u32::MAX` for others).
    pub buffer_of: Vec<u32>,
    /// Per link: the index of the node it starts at.
    pub link_from: Vec<u32>,
    /// Per link: the index of the node it ends at.
    pub link_to: Vec<u32>,
    /// Per source: what each of its arrivals needs, in one record (see [`Feed`]).
    pub feeds: Vec<Feed>,
    /// Per consume link: its place among its queue's consume links.
    pub consumer_place: Vec<u32>,
    /// Per node: its append links, in scenario order.
    pub append_out: Vec<Vec<u32>>,
    /// Per log node: its read links (consumer groups).
    pub groups_of: Vec<Vec<u32>>,
    /// Per service node: the read links whose group it is a member of.
    pub reads_into: Vec<Vec<u32>>,
    /// Per gateway node: its push links (type 6).
    pub push_out: Vec<Vec<u32>>,
    /// Per orchestrator node: its saga_step links in saga order (empty for others).
    pub saga_steps: Vec<Vec<u32>>,
    /// Per job node: its scheduled-read links (inputs), in scenario order.
    pub job_inputs: Vec<Vec<u32>>,
    /// Per node: what its finished processing leads to (see [`Onward`]).
    pub onward: Vec<Onward>,
}

impl Topology {
    /// Resolves every id once. The scenario has been validated, so every
    /// reference exists; an unknown one would be a validator bug, and it
    /// points at an index past the end rather than silently at node 0.
    pub fn build(s: &Scenario) -> Self {
        // `insert` loops, not `collect`: collecting into a `BTreeMap` sorts
        // first, one stable sort per key type in the wasm (docs/performance.md).
        // Ids are unique (validated), so the maps are the same.
        let mut node_ix = BTreeMap::new();
        for (i, n) in s.nodes.iter().enumerate() {
            node_ix.insert(n.id.clone(), i as u32);
        }
        let mut link_ix = BTreeMap::new();
        for (i, l) in s.links.iter().enumerate() {
            link_ix.insert(l.id.clone(), i as u32);
        }
        let n = s.nodes.len();
        let mut t = Topology {
            node_ix,
            link_ix,
            sync_out: vec![Vec::new(); n],
            enqueue_out: vec![Vec::new(); n],
            publish_out: vec![Vec::new(); n],
            subscriptions: vec![Vec::new(); n],
            consumers: vec![Vec::new(); n + s.links.len()],
            consumes_from: vec![Vec::new(); n],
            buffer_of: vec![u32::MAX; s.links.len()],
            link_from: Vec::with_capacity(s.links.len()),
            link_to: Vec::with_capacity(s.links.len()),
            feeds: Vec::with_capacity(s.sources.len()),
            consumer_place: vec![u32::MAX; s.links.len()],
            append_out: vec![Vec::new(); n],
            groups_of: vec![Vec::new(); n],
            reads_into: vec![Vec::new(); n],
            push_out: vec![Vec::new(); n],
            saga_steps: vec![Vec::new(); n],
            job_inputs: vec![Vec::new(); n],
            onward: vec![Onward::default(); n],
        };
        let missing = u32::MAX;
        for src in &s.sources {
            let node = t.node_ix.get(&src.target).copied().unwrap_or(missing);
            t.feeds.push(Feed::for_source(s, src, node));
        }
        for (i, l) in s.links.iter().enumerate() {
            let from = t.node_ix.get(&l.from).copied().unwrap_or(missing);
            let to = t.node_ix.get(&l.to).copied().unwrap_or(missing);
            t.link_from.push(from);
            t.link_to.push(to);
            if from == missing || to == missing {
                continue;
            }
            let i = i as u32;
            match l.transport {
                Transport::RequestResponse(_) => t.sync_out[from as usize].push(i),
                Transport::Enqueue => t.enqueue_out[from as usize].push(i),
                Transport::Consume(_) => {
                    t.consumer_place[i as usize] = t.consumers[from as usize].len() as u32;
                    t.consumers[from as usize].push(i);
                    t.consumes_from[to as usize].push(i);
                    t.buffer_of[i as usize] = from;
                }
                Transport::Publish => t.publish_out[from as usize].push(i),
                Transport::Subscribe(_) => {
                    // Each subscription is a buffer of its own with this one consumer link.
                    let buffer = (n as u32).saturating_add(i);
                    t.consumer_place[i as usize] = 0;
                    t.consumers[buffer as usize].push(i);
                    t.consumes_from[to as usize].push(i);
                    t.buffer_of[i as usize] = buffer;
                    t.subscriptions[from as usize].push(i);
                }
                Transport::Append(_) => t.append_out[from as usize].push(i),
                Transport::ScheduledRead => t.job_inputs[from as usize].push(i),
                Transport::Read(_) => {
                    t.groups_of[from as usize].push(i);
                    t.reads_into[to as usize].push(i);
                }
                Transport::Push(_) => t.push_out[from as usize].push(i),
                // In saga order, below.
                Transport::SagaStep(_) => {}
            }
        }
        for (i, node) in s.nodes.iter().enumerate() {
            if node.kind.service().is_some_and(|sv| sv.saga.is_some()) {
                let steps = crate::engine::patterns::saga::steps_of(s, &node.id);
                t.saga_steps[i] = steps.into_iter().map(|(l, _)| l).collect();
            }
        }
        for i in 0..n {
            t.onward[i] = Onward {
                calls: !(t.sync_out[i].is_empty() && t.saga_steps[i].is_empty()),
                sends: !(t.enqueue_out[i].is_empty()
                    && t.publish_out[i].is_empty()
                    && t.append_out[i].is_empty()
                    && t.push_out[i].is_empty()),
            };
        }
        t
    }
}

/// What a node's finished processing leads to, one record per node: a
/// plain service (the common case) learns that it has nothing to call and
/// nothing to send with one lookup instead of one per list.
#[derive(Clone, Copy, Default)]
pub(in crate::engine::sim) struct Onward {
    /// It calls downstreams (request-response links) or starts a saga.
    pub calls: bool,
    /// It sends on: an enqueue, publish, append or push link.
    pub sends: bool,
}

/// What one source's arrival needs, resolved once (sources are never
/// edited, and a node's kind never changes without the topology being
/// built again). One record per source: an arrival used to read four
/// per-source tables and the scenario's source and target node, each
/// lookup with its own bounds check.
#[derive(Clone, Copy)]
pub(in crate::engine::sim) struct Feed {
    /// The index of the node its work enters at.
    pub node: u32,
    /// Whether that node is a queue (its orders are enqueued, not dispatched).
    pub into_queue: bool,
    /// How arrivals come.
    pub pace: Pace,
    /// The mean gap between arrivals in microseconds (`SECOND / rate`, 0
    /// for a burst), divided once rather than on every arrival.
    pub mean_gap: f64,
    /// Its orders' budget in microseconds.
    pub budget: Micros,
    /// No arrival after this time (`Micros::MAX` when the source never stops).
    pub stop: Micros,
}

/// How a source's arrivals come (the scenario's [`crate::engine::scenario::Arrival`] without its numbers).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::engine::sim) enum Pace {
    /// Exponential gaps.
    Poisson,
    /// Even gaps.
    Constant,
    /// `count` arrivals at one instant, then none.
    Burst(u32),
}

impl Feed {
    fn for_source(s: &Scenario, src: &crate::engine::scenario::Source, node: u32) -> Self {
        use crate::engine::scenario::Arrival;
        let (pace, mean_gap) = match src.arrival {
            Arrival::Poisson { rate_per_s } => (Pace::Poisson, crate::engine::time::SECOND as f64 / rate_per_s),
            Arrival::Constant { rate_per_s } => (Pace::Constant, crate::engine::time::SECOND as f64 / rate_per_s),
            Arrival::Burst { count, .. } => (Pace::Burst(count), 0.0),
        };
        Feed {
            node,
            into_queue: s.nodes.get(node as usize).is_some_and(|n| matches!(n.kind, NodeKind::Queue(_))),
            pace,
            mean_gap,
            budget: ms_to_micros(src.budget_ms),
            // `now > stop` is never true for the largest time: the same as no stop.
            stop: src.stop_ms.map_or(Micros::MAX, ms_to_micros),
        }
    }
}
