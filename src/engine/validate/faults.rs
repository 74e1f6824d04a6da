//! Checking faults, in a scenario's schedule and applied while running.

use std::collections::{BTreeMap, BTreeSet};

use super::{check_duration, map_of, patterns, Problems};
use crate::engine::error::ScenarioError;
use crate::engine::scenario::*;

/// Checks one fault against a scenario (used for faults applied while running).
pub fn validate_fault(s: &Scenario, f: &Fault, path: &str) -> Result<(), ScenarioError> {
    let mut v = Problems::default();
    let nodes: BTreeMap<&str, &Node> = map_of(s.nodes.iter().map(|n| (n.id.as_str(), n)));
    let mut links: BTreeSet<&str> = BTreeSet::new();
    for l in &s.links {
        links.insert(l.id.as_str());
    }
    check_fault(f, path, &nodes, &links, &mut v);
    match v.finish() {
        Ok(()) => Ok(()),
        Err(mut all) => Err(all.remove(0)),
    }
}

pub(super) fn check_faults(s: &Scenario, nodes: &BTreeMap<&str, &Node>, links: &BTreeSet<&str>, v: &mut Problems) {
    for (i, f) in s.faults.iter().enumerate() {
        check_fault(f, &format!("$.faults[{i}]"), nodes, links, v);
    }
}

fn check_fault(f: &Fault, p: &str, nodes: &BTreeMap<&str, &Node>, links: &BTreeSet<&str>, v: &mut Problems) {
    check_duration(f.at_ms, format!("{p}.at_ms"), true, v);
    if let Some(until) = f.until_ms {
        check_duration(until, format!("{p}.until_ms"), true, v);
        if until <= f.at_ms {
            v.add(format!("{p}.until_ms"), "must be after at_ms");
        }
    }
    if f.effect.is_link_fault() {
        if !links.contains(f.target.as_str()) {
            v.add(format!("{p}.target"), format!("'{}' is not a link id; {} hits links", f.target, f.effect.name()));
        }
    } else if f.effect.is_gateway_fault() {
        match nodes.get(f.target.as_str()) {
            None => v.add(format!("{p}.target"), format!("unknown node id '{}'", f.target)),
            Some(n) if n.kind.gateway().is_none() => v.add(
                format!("{p}.target"),
                format!("'{}' is not a gateway; {} hits gateways", f.target, f.effect.name()),
            ),
            Some(_) => {}
        }
    } else if f.effect.is_topic_fault() {
        match nodes.get(f.target.as_str()) {
            None => v.add(format!("{p}.target"), format!("unknown node id '{}'", f.target)),
            Some(n) if n.kind.topic().is_none() => {
                v.add(format!("{p}.target"), format!("'{}' is not a topic; {} hits topics", f.target, f.effect.name()))
            }
            Some(_) => {}
        }
    } else if f.effect.is_job_fault()
        || matches!(f.effect, FaultEffect::Crash | FaultEffect::Slow { .. })
            && nodes.get(f.target.as_str()).is_some_and(|n| n.kind.job().is_some())
    {
        match nodes.get(f.target.as_str()) {
            None => v.add(format!("{p}.target"), format!("unknown node id '{}'", f.target)),
            Some(n) if n.kind.job().is_none() => {
                v.add(format!("{p}.target"), format!("'{}' is not a job; {} hits jobs", f.target, f.effect.name()))
            }
            Some(_) => {}
        }
    } else {
        match nodes.get(f.target.as_str()) {
            None => v.add(format!("{p}.target"), format!("unknown node id '{}'", f.target)),
            Some(n) if !matches!(n.kind, NodeKind::Service(_)) => v.add(
                format!("{p}.target"),
                format!("'{}' is not a service; {} hits services", f.target, f.effect.name()),
            ),
            Some(_) => {}
        }
    }
    let e = format!("{p}.effect");
    match &f.effect {
        FaultEffect::Slow { factor } => {
            if !factor.is_finite() || *factor < 1.0 || *factor > 1_000_000.0 {
                v.add(format!("{e}.factor"), "must be between 1 and 1000000");
            }
        }
        FaultEffect::ExtraLatency { ms } | FaultEffect::LinkLatency { ms } => {
            check_duration(*ms, format!("{e}.ms"), true, v);
        }
        FaultEffect::ErrorRate { rate } => {
            if !(0.0..=1.0).contains(rate) {
                v.add(format!("{e}.rate"), "must be between 0 and 1");
            }
        }
        FaultEffect::Poison { probability, .. } | FaultEffect::CompensationFails { probability, .. } => {
            if !(0.0..=1.0).contains(probability) {
                v.add(format!("{e}.probability"), "must be between 0 and 1");
            }
        }
        FaultEffect::SchemaChange { schema } => patterns::pubsub::check_schema(schema, &format!("{e}.schema"), v),
        FaultEffect::PublishFailsAfterCommit { probability, stored_share } => {
            if !(0.0..=1.0).contains(probability) {
                v.add(format!("{e}.probability"), "must be between 0 and 1");
            }
            if !(0.0..=1.0).contains(stored_share) {
                v.add(format!("{e}.stored_share"), "must be between 0 and 1");
            }
        }
        FaultEffect::SilentDisconnect { share } => {
            if !(0.0..=1.0).contains(share) {
                v.add(format!("{e}.share"), "must be between 0 and 1");
            }
        }
        FaultEffect::SilentFailure { share_written } => {
            if !(0.0..=1.0).contains(share_written) {
                v.add(format!("{e}.share_written"), "must be between 0 and 1");
            }
        }
        FaultEffect::WrongOutput { drift_per_run } => {
            if !(0.0..=1.0).contains(drift_per_run) {
                v.add(format!("{e}.drift_per_run"), "must be between 0 and 1");
            }
        }
        FaultEffect::Crash
        | FaultEffect::Hang
        | FaultEffect::Partition
        | FaultEffect::GatewayRestart
        | FaultEffect::MissingInput => {}
    }
}
