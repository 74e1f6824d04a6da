//! Queueing theory beside a service's or queue's measured wait: the
//! M/M/c or M/D/1 prediction at the measured rates, and Little's law.

use crate::engine::metrics::Metrics;
use crate::engine::scenario::{NodeKind, Scenario, Transport};
use crate::engine::time::Micros;

use super::super::chart::Unit;
use super::super::queueing::{self, Model, Prediction};
use super::{consumers, secs};

/// Queueing theory beside a measured wait.
#[derive(Clone, Debug, PartialEq)]
pub struct Theory {
    /// The model's name (M/M/10, M/D/1).
    pub model: String,
    /// Servers.
    pub servers: u32,
    /// Measured arrival rate, per second.
    pub lambda: f64,
    /// Measured service rate per server, per second.
    pub mu: f64,
    /// Load per server.
    pub rho: f64,
    /// Measured mean wait, ms.
    pub measured_ms: f64,
    /// What the model predicts.
    pub prediction: Prediction,
    /// Little's law for the wait: (measured Lq, λ·Wq), when measured.
    pub little: Option<(f64, f64)>,
    /// What happened here that the model leaves out.
    pub departures: Departures,
}

/// What the model assumes away that happened at the node so far: its
/// workers (the service's own, or the queue's consumers') crashed,
/// messages came back after a visibility timeout, faults were injected.
/// M/M/c and M/D/1 describe servers that never stop and messages served
/// once; with any of these the measured wait includes time they do not
/// count, so the card says so rather than leave the gap unexplained.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Departures {
    /// Crashes of the serving instances.
    pub crashes: u64,
    /// Messages delivered again after their visibility timeout ran out.
    pub redeliveries: u64,
    /// Faults of the schedule started by now on the node or its servers.
    pub faults: u32,
}

impl Departures {
    /// Nothing the model leaves out happened.
    pub fn none(&self) -> bool {
        *self == Departures::default()
    }
}

impl Theory {
    /// The prediction in words: "66.9 ms" or why there is none.
    pub fn predicted_text(&self) -> String {
        match self.prediction {
            Prediction::Wait { wq, .. } => Unit::Ms.format(wq * 1_000.0),
            Prediction::Unstable => format!("none: ρ = {:.2} ≥ 1, the queue grows without bound", self.rho),
            Prediction::Unknown => "not enough data yet".to_string(),
        }
    }
}

/// Theory for service `i` (its own workers as servers, holding time as
/// service time) or queue `i` (its consumers' workers), at the measured
/// rates up to `now`. `None` for other kinds or before anything arrived.
pub fn theory(s: &Scenario, m: &Metrics, i: usize, now: Micros) -> Option<Theory> {
    let n = s.nodes.get(i)?;
    let t = secs(now);
    if t <= 0.0 {
        return None;
    }
    // Faults on these nodes that have begun by now (a fault that ended
    // still shaped the waits measured so far).
    let faults_on = |ids: &[usize]| {
        s.faults
            .iter()
            .filter(|f| f.at_ms * 1e3 <= now as f64 && ids.iter().any(|&k| s.nodes[k].id == f.target))
            .count() as u32
    };
    let (lambda, servers, hold, measured_ms, little, constant, departures) = match &n.kind {
        NodeKind::Service(spec) => {
            let nm = m.nodes.get(i)?;
            let departures = Departures { crashes: nm.crashes, redeliveries: 0, faults: faults_on(&[i]) };
            let lambda = nm.arrived as f64 / t;
            let wq = nm.wait.mean() / 1e6;
            let little = (nm.wait.count() > 0).then(|| (nm.mean_waiting(now), lambda * wq));
            let constant = matches!(spec.processing, crate::engine::dist::Dist::Constant { .. });
            (
                lambda,
                spec.replicas * spec.concurrency,
                nm.held.busy_mean() / 1e6,
                wq * 1e3,
                little,
                constant,
                departures,
            )
        }
        NodeKind::Queue(_) => {
            let q = m.queues.get(i)?;
            let cs = consumers(s, i);
            let servers: u32 =
                cs.iter().filter_map(|c| s.nodes[*c].kind.service()).map(|sp| sp.replicas * sp.concurrency).sum();
            let held: f64 = cs.iter().filter_map(|c| m.nodes.get(*c)).map(|nm| nm.held.busy_mean()).sum::<f64>()
                / cs.len().max(1) as f64;
            // Messages that came back (a visibility timeout ran out) join the
            // queue again: the consumers see arrivals plus redeliveries.
            let lambda = (q.enqueued + q.redelivered) as f64 / t;
            // Little's law on the queue itself: mean visible depth against the
            // deliveries' rate times their mean wait.
            let little =
                (q.wait.count() > 0).then(|| (q.mean_depth(now), q.delivered as f64 / t * q.wait.mean() / 1e6));
            let mut with_queue = cs.clone();
            with_queue.push(i);
            let departures = Departures {
                crashes: cs.iter().filter_map(|c| m.nodes.get(*c)).map(|nm| nm.crashes).sum(),
                redeliveries: q.redelivered,
                faults: faults_on(&with_queue),
            };
            (lambda, servers, held / 1e6, q.wait.mean() / 1e3, little, false, departures)
        }
        NodeKind::Client(_) | NodeKind::Topic(_) | NodeKind::Log(_) | NodeKind::Gateway(_) | NodeKind::Job(_) => {
            return None
        }
    };
    if servers == 0 || lambda.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let mu = if hold > 0.0 { 1.0 / hold } else { 0.0 };
    let model = if constant && servers == 1 { Model::Md1 } else { Model::Mmc };
    Some(Theory {
        model: model.name(servers),
        servers,
        lambda,
        mu,
        rho: queueing::rho(lambda, mu, servers),
        measured_ms,
        prediction: queueing::predict(model, lambda, mu, servers),
        little,
        departures,
    })
}

/// The node whose theory the summary shows, in scenarios small enough for
/// the models to be the point: services only (the first service), or
/// queues and their consumers only (the first queue with consumers).
pub fn summary_theory_node(s: &Scenario) -> Option<usize> {
    if s.links.is_empty() {
        return s.nodes.iter().position(|n| n.kind.service().is_some());
    }
    let queues_only = s.links.iter().all(|l| matches!(l.transport, Transport::Enqueue | Transport::Consume(_)));
    let i = s.nodes.iter().position(|n| n.kind.queue().is_some())?;
    (queues_only && !consumers(s, i).is_empty()).then_some(i)
}
