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
    let (lambda, servers, hold, measured_ms, little, constant) = match &n.kind {
        NodeKind::Service(spec) => {
            let nm = m.nodes.get(i)?;
            let lambda = nm.arrived as f64 / t;
            let wq = nm.wait.mean() / 1e6;
            let little = (nm.wait.count() > 0).then(|| (nm.mean_waiting(now), lambda * wq));
            let constant = matches!(spec.processing, crate::engine::dist::Dist::Constant { .. });
            (lambda, spec.replicas * spec.concurrency, nm.held.busy_mean() / 1e6, wq * 1e3, little, constant)
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
            (lambda, servers, held / 1e6, q.wait.mean() / 1e3, little, false)
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
