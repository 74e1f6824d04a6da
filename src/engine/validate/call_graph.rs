//! Checking the graph of synchronous calls: no cycles, and bounded fan-out.

use std::collections::BTreeMap;

use super::{map_of, Problems};
use crate::engine::limits::*;
use crate::engine::scenario::*;

/// Synchronous calls must not form a cycle: a request would wait on itself.
/// Returns true when there is none.
pub(super) fn check_sync_cycles(s: &Scenario, nodes: &BTreeMap<&str, &Node>, v: &mut Problems) -> bool {
    let before = v.0.len();
    let mut out: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
    for (i, l) in s.links.iter().enumerate() {
        if matches!(l.transport, Transport::RequestResponse(_))
            && nodes.contains_key(l.from.as_str())
            && nodes.contains_key(l.to.as_str())
        {
            out.entry(l.from.as_str()).or_default().push((i, l.to.as_str()));
        }
    }
    // 0 = unvisited, 1 = on the stack, 2 = done; `usize` as in the other maps by name (one copy in the wasm).
    let mut mark: BTreeMap<&str, usize> = BTreeMap::new();
    for start in nodes.keys() {
        if mark.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        mark.insert(start, 1);
        while let Some((node, next)) = stack.pop() {
            let edges = out.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&(link, to)) = edges.get(next) {
                stack.push((node, next + 1));
                match mark.get(to).copied().unwrap_or(0) {
                    0 => {
                        mark.insert(to, 1);
                        stack.push((to, 0));
                    }
                    1 => v.add(
                        format!("$.links[{link}]"),
                        format!("synchronous calls form a cycle through '{to}': a request would wait on itself"),
                    ),
                    _ => {}
                }
            } else {
                mark.insert(node, 2);
            }
        }
    }
    v.0.len() == before
}

/// Synchronous fan-out multiplies down the call graph: each call waits for
/// all of its callee's calls, retries included. Bounds the calls one request
/// can cause (needs an acyclic call graph).
pub(super) fn check_sync_fan_out(s: &Scenario, nodes: &BTreeMap<&str, &Node>, v: &mut Problems) {
    let index: BTreeMap<&str, usize> = map_of(s.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)));
    let mut out: Vec<Vec<(usize, f64)>> = vec![Vec::new(); s.nodes.len()];
    for l in &s.links {
        if let Transport::RequestResponse(p) = &l.transport {
            if let (Some(&from), Some(&to)) = (index.get(l.from.as_str()), index.get(l.to.as_str())) {
                let attempts = p.retry.as_ref().map_or(1, |r| r.max_attempts.max(1));
                out[from].push((to, f64::from(attempts)));
            }
        }
    }
    // calls(n) = Σ attempts × (1 + calls(callee)), by depth-first post-order.
    let mut calls: Vec<Option<f64>> = vec![None; s.nodes.len()];
    for start in 0..s.nodes.len() {
        let mut stack = vec![(start, 0usize)];
        while let Some((n, next)) = stack.pop() {
            if calls[n].is_some() {
                continue;
            }
            if let Some(&(to, _)) = out[n].get(next) {
                stack.push((n, next + 1));
                if calls[to].is_none() {
                    stack.push((to, 0));
                }
            } else {
                let total = out[n].iter().map(|&(to, a)| a * (1.0 + calls[to].unwrap_or(0.0))).sum::<f64>();
                calls[n] = Some(total.min(f64::MAX));
            }
        }
    }
    let worst = calls.iter().enumerate().filter_map(|(i, c)| c.map(|c| (i, c))).fold(
        None,
        |best: Option<(usize, f64)>, (i, c)| {
            if best.is_none_or(|(_, b)| c > b) {
                Some((i, c))
            } else {
                best
            }
        },
    );
    if let Some((i, c)) = worst.filter(|(_, c)| *c > MAX_CALLS_PER_REQUEST) {
        let id = nodes.get(s.nodes[i].id.as_str()).map_or("?", |n| n.id.as_str());
        v.add(
            format!("$.nodes[{i}]"),
            format!(
                "one request to '{id}' can cause {c:.0} synchronous calls downstream (retries included); at most {MAX_CALLS_PER_REQUEST} are allowed: fan-out multiplies at every level"
            ),
        );
    }
}
