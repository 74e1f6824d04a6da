//! The mitigation switches Compare can flip, and the settings a switch
//! turned on takes where the scenario had none.

use crate::engine::edit::Edit;
use crate::engine::patterns::pubsub::OnUnreadable;
use crate::engine::patterns::request_response::{BreakerPolicy, Jitter, RetryPolicy};
use crate::engine::scenario::{NodeKind, OutboxPolicy, Scenario, Transport};

/// One mitigation switch that can be compared: whose it is, its words,
/// whether it is on now, and the edit that flips it.
#[derive(Clone, Debug, PartialEq)]
pub struct Toggle {
    /// The node's or link's id.
    pub owner: String,
    /// What the switch is ("Circuit breaker").
    pub name: &'static str,
    /// The switch with whose it is ("Circuit breaker on Order API → Inventory").
    pub label: String,
    /// On in the scenario as it stands.
    pub on: bool,
    /// The edit that flips it.
    pub edit: Edit,
}

/// The breaker the page switches on where the scenario had none: trips at
/// half the calls failing or 80 % slow (slow is 80 % of the timeout, or 200 ms).
pub fn teaching_breaker(timeout_ms: Option<f64>) -> BreakerPolicy {
    BreakerPolicy {
        failure_rate_threshold: 50.0,
        slow_call_rate_threshold: 80.0,
        slow_call_duration_ms: timeout_ms.map_or(200.0, |t| t * 0.8),
        wait_duration_in_open_ms: 5_000.0,
        permitted_calls_in_half_open: 3,
        minimum_number_of_calls: 10,
        sliding_window_size: 20,
    }
}

/// Retries the page switches on where the scenario had none.
pub fn default_retry() -> RetryPolicy {
    RetryPolicy { max_attempts: 3, base_ms: 50.0, cap_ms: 1_000.0, jitter: Jitter::Full, budget: None }
}

/// Every mitigation switch of `s`, in scenario order (nodes, then links).
/// A switch turned back on takes the value `original` (the scenario as
/// loaded) had, or the page's default.
pub fn toggles(s: &Scenario, original: &Scenario) -> Vec<Toggle> {
    let mut out = Vec::new();
    for n in &s.nodes {
        if let NodeKind::Queue(q) = &n.kind {
            let was = original.node(&n.id).and_then(|o| o.kind.queue()).and_then(|o| o.max_receive_count);
            let mut spec = q.clone();
            spec.max_receive_count = if q.max_receive_count.is_some() { None } else { Some(was.unwrap_or(3)) };
            let edit = Edit::SetQueue { node: n.id.clone(), spec };
            out.push(toggle(&n.id, &n.label, "Dead-letter queue", q.max_receive_count.is_some(), edit));
        }
    }
    for l in &s.links {
        let name = |id: &str| s.node(id).map_or(id.to_string(), |n| n.label.clone());
        // In words ("Timeout on Order API to Inventory"): the choice is read
        // as written (an option's name), and an arrow is read "right arrow".
        let whose = format!("{} to {}", name(&l.from), name(&l.to));
        let set = |t: Transport| Edit::SetTransport { link: l.id.clone(), transport: t };
        match &l.transport {
            Transport::RequestResponse(p) => {
                let o = original.link(&l.id).and_then(|x| x.transport.sync_policy()).cloned().unwrap_or_default();
                let mut next = p.clone();
                next.timeout_ms = if p.timeout_ms.is_some() { None } else { Some(o.timeout_ms.unwrap_or(250.0)) };
                out.push(toggle(
                    &l.id,
                    &whose,
                    "Timeout",
                    p.timeout_ms.is_some(),
                    set(Transport::RequestResponse(next)),
                ));
                let mut next = p.clone();
                next.retry = if p.retry.is_some() { None } else { Some(o.retry.clone().unwrap_or_else(default_retry)) };
                out.push(toggle(&l.id, &whose, "Retries", p.retry.is_some(), set(Transport::RequestResponse(next))));
                let mut next = p.clone();
                next.breaker = if p.breaker.is_some() {
                    None
                } else {
                    Some(o.breaker.clone().unwrap_or_else(|| teaching_breaker(p.timeout_ms)))
                };
                out.push(toggle(
                    &l.id,
                    &whose,
                    "Circuit breaker",
                    p.breaker.is_some(),
                    set(Transport::RequestResponse(next)),
                ));
                let mut next = p.clone();
                next.fallback = !p.fallback;
                out.push(toggle(&l.id, &whose, "Fallback answer", p.fallback, set(Transport::RequestResponse(next))));
            }
            Transport::Consume(c) => {
                let mut next = c.clone();
                next.idempotent = !c.idempotent;
                out.push(toggle(&l.id, &whose, "Idempotent consumer", c.idempotent, set(Transport::Consume(next))));
            }
            Transport::Subscribe(p) if !p.detached => {
                let dead = p.on_unreadable == OnUnreadable::DeadLetter;
                let mut next = p.clone();
                next.on_unreadable = if dead { OnUnreadable::Drop } else { OnUnreadable::DeadLetter };
                if !dead && next.max_delivery_attempts.is_none() {
                    next.max_delivery_attempts = Some(5);
                }
                out.push(toggle(&l.id, &whose, "Dead-letter unreadable events", dead, set(Transport::Subscribe(next))));
                let mut next = p.clone();
                next.idempotent = !p.idempotent;
                out.push(toggle(&l.id, &whose, "Idempotent subscriber", p.idempotent, set(Transport::Subscribe(next))));
            }
            Transport::Read(r) => {
                let mut next = r.clone();
                next.idempotent = !r.idempotent;
                out.push(toggle(&l.id, &whose, "Idempotent consumer", r.idempotent, set(Transport::Read(next))));
            }
            Transport::Append(a) => {
                let mut next = a.clone();
                next.outbox = if a.outbox.is_some() { None } else { Some(OutboxPolicy::default()) };
                out.push(toggle(
                    &l.id,
                    &whose,
                    "Transactional outbox",
                    a.outbox.is_some(),
                    set(Transport::Append(next)),
                ));
            }
            Transport::Push(p) => {
                let mut next = p.clone();
                next.heartbeat_ms = if p.heartbeat_ms.is_some() { None } else { Some(3_000.0) };
                out.push(toggle(&l.id, &whose, "Heartbeats", p.heartbeat_ms.is_some(), set(Transport::Push(next))));
                let mut next = p.clone();
                next.jitter = !p.jitter;
                out.push(toggle(&l.id, &whose, "Reconnect backoff with jitter", p.jitter, set(Transport::Push(next))));
                if p.sse {
                    let mut next = p.clone();
                    next.resume = !p.resume;
                    out.push(toggle(&l.id, &whose, "Resume with last event id", p.resume, set(Transport::Push(next))));
                }
            }
            Transport::Subscribe(_)
            | Transport::Enqueue
            | Transport::Publish
            | Transport::ScheduledRead
            | Transport::SagaStep(_) => {}
        }
    }
    out
}

fn toggle(owner: &str, whose: &str, name: &'static str, on: bool, edit: Edit) -> Toggle {
    Toggle { owner: owner.to_string(), name, label: format!("{name} on {whose}"), on, edit }
}
