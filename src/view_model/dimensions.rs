//! The five dimensions on which the seven communication types differ
//! (temporal coupling, consistency, failure handling, operational
//! complexity, cost of change), shown beside the transport menu, with
//! evidence from the current run where there is some.

use crate::engine::metrics::Metrics;
use crate::engine::scenario::{Scenario, Transport};

/// One dimension of a transport: its name, a one- or two-word rating and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dimension {
    /// "Temporal coupling", …
    pub name: &'static str,
    /// "High", "None", "Eventual", …
    pub rating: &'static str,
    /// One sentence on what that means here.
    pub why: &'static str,
}

const fn d(name: &'static str, rating: &'static str, why: &'static str) -> Dimension {
    Dimension { name, rating, why }
}

const TC: &str = "Temporal coupling";
const CO: &str = "Consistency";
const FH: &str = "Failure handling";
const OC: &str = "Operational complexity";
const CC: &str = "Cost of change";

const SYNC: [Dimension; 5] = [
    d(
        TC,
        "High",
        "Caller and callee must both be up at the same moment; if the callee is down, the call fails at once.",
    ),
    d(CO, "Immediate", "The caller has its answer before it moves on."),
    d(FH, "Fragile", "A slow callee holds the caller's workers, and the slowness spreads upstream."),
    d(OC, "Low", "One request, one context: easy to build and to trace."),
    d(CC, "Moderate", "A changed contract hits the caller straight away; both sides usually ship together."),
];
const QUEUE: [Dimension; 5] = [
    d(TC, "None", "The queue holds the message until a consumer is there to take it."),
    d(CO, "Eventual", "The work is done when a consumer gets to it, not when it is sent."),
    d(FH, "Graceful", "A crashed consumer's message becomes visible again and another one takes it."),
    d(OC, "Moderate", "Queue depth and the age of the oldest message need watching."),
    d(CC, "Low", "Producers and consumers come and go freely while the message format stays compatible."),
];
const PUBSUB: [Dimension; 5] = [
    d(TC, "None", "The publisher does not wait for any subscriber."),
    d(CO, "Eventual", "Each subscriber catches up at its own pace."),
    d(FH, "Independent", "One subscriber failing leaves the others working."),
    d(OC, "Moderate–high", "Many consumers to follow, plus the broker itself."),
    d(CC, "Split", "A new subscriber is cheap; a schema change can break every one of them."),
];
const STREAM: [Dimension; 5] = [
    d(TC, "None", "Readers may lag, but they must keep up with the rate over time."),
    d(CO, "Eventual", "Readers are behind by their lag, and the log can be replayed."),
    d(FH, "Durable", "Records stay in the log for its retention, whatever the readers do."),
    d(OC, "High", "Offsets, consumer groups and rebalances need care."),
    d(CC, "Moderate", "A new reader is easy; a schema change lives on in every replay."),
];
const SAGA: [Dimension; 5] = [
    d(TC, "Per step", "Each step needs its service when the step runs, not the whole saga at once."),
    d(CO, "Eventual", "Between steps the services disagree; compensation brings them back in line."),
    d(FH, "Explicit", "Every step needs an undo, and an undo that fails needs a person."),
    d(OC, "High", "Long-running state, timeouts and a queue of sagas for manual repair."),
    d(CC, "High", "A new step means a new compensation and a new place in the order."),
];
const PUSH: [Dimension; 5] = [
    d(TC, "High", "Updates flow only while the connection is alive."),
    d(CO, "Near-immediate", "Updates reach the screen as they happen."),
    d(FH, "Complex", "Reconnects need backoff with jitter, heartbeats and resuming where it left off."),
    d(OC, "Moderate–high", "Open connections hold server resources; count connections, not requests."),
    d(CC, "Moderate", "Clients in the field run old code: the message format must stay readable by them."),
];
const BATCH: [Dimension; 5] = [
    d(TC, "None", "The job runs on its own clock and reads what has piled up."),
    d(CO, "Eventual", "Right as of the last good run, on the schedule's terms."),
    d(FH, "Simple", "Run it again next time, or backfill; but only if someone notices."),
    d(OC, "Low", "Easy to run; the output still needs watching, not just the exit code."),
    d(CC, "Low", "A job can change without touching the services that feed it."),
];

/// The five dimensions of a transport's communication type.
pub fn dimensions(t: &Transport) -> &'static [Dimension; 5] {
    match t {
        Transport::RequestResponse(_) => &SYNC,
        Transport::Enqueue | Transport::Consume(_) => &QUEUE,
        Transport::Publish | Transport::Subscribe(_) => &PUBSUB,
        Transport::Append(_) | Transport::Read(_) => &STREAM,
        Transport::SagaStep(_) => &SAGA,
        Transport::Push(_) => &PUSH,
        Transport::ScheduledRead => &BATCH,
    }
}

/// What the current run shows about link `link` of `s`, in a sentence, if anything.
pub fn evidence(s: &Scenario, m: &Metrics, link: usize) -> Option<String> {
    let l = s.links.get(link)?;
    let label = |id: &str| s.node(id).map_or(id.to_string(), |n| n.label.clone());
    let (from, to) = (label(&l.from), label(&l.to));
    let node_of = |id: &str| s.nodes.iter().position(|n| n.id == id);
    match &l.transport {
        Transport::RequestResponse(_) => {
            let lm = m.links.get(link)?;
            let lost = lm.errors + lm.timeouts + lm.short_circuits;
            if lost > 0 {
                Some(format!(
                    "In this run: {to} failing cost {from} {lost} calls ({} timed out, {} failed fast).",
                    lm.timeouts, lm.short_circuits
                ))
            } else if lm.ok > 0 {
                // "None lost" alone would hide a slow callee: say how slow the slowest were.
                let p99 = crate::engine::time::micros_to_ms(lm.rtt.quantile(0.99));
                Some(format!(
                    "In this run: {} calls from {from} answered, none lost; the slowest 1 % took {}.",
                    lm.ok,
                    duration_words(p99)
                ))
            } else {
                None
            }
        }
        Transport::Enqueue | Transport::Consume(_) => {
            let q = if matches!(l.transport, Transport::Enqueue) { node_of(&l.to)? } else { node_of(&l.from)? };
            let qm = m.queues.get(q)?;
            (qm.enqueued > 0).then(|| {
                format!(
                    "In this run: {} messages queued, {} waiting now, {} redelivered, {} dead-lettered.",
                    qm.enqueued, qm.depth, qm.redelivered, qm.dead_lettered
                )
            })
        }
        Transport::Publish
        | Transport::Subscribe(_)
        | Transport::Append(_)
        | Transport::Read(_)
        | Transport::SagaStep(_)
        | Transport::Push(_)
        | Transport::ScheduledRead => {
            let nm = m.nodes.get(node_of(&l.to)?)?;
            let failed: u64 = nm.failed.iter().sum();
            (nm.arrived > 0).then(|| {
                format!("In this run: {to} took {} messages, finished {}, failed {failed}.", nm.arrived, nm.completed)
            })
        }
    }
}

/// A duration in ms as words with a sensible unit: "12 ms", "4.2 s".
fn duration_words(ms: f64) -> String {
    if ms < 1_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::design::starter_transports;
    use crate::engine::{presets, Simulation, SECOND};

    #[test]
    fn every_transport_has_all_five_dimensions_in_order() {
        for t in starter_transports() {
            let names: Vec<&str> = dimensions(&t).iter().map(|d| d.name).collect();
            assert_eq!(names, [TC, CO, FH, OC, CC]);
        }
    }

    #[test]
    fn a_failing_callee_is_named_with_the_calls_it_cost() {
        let scenario = presets::load("cascade").expect("preset");
        let mut sim = Simulation::new(scenario).expect("valid");
        sim.run_until(60 * SECOND).expect("runs");
        let s = sim.scenario();
        let (i, _) = s
            .links
            .iter()
            .enumerate()
            .find(|(i, l)| {
                let m = &sim.metrics().links[*i];
                l.transport.sync_policy().is_some() && m.errors + m.timeouts + m.short_circuits > 0
            })
            .expect("cascade loses calls somewhere");
        let text = evidence(s, sim.metrics(), i).expect("evidence");
        assert!(text.contains("failing cost"), "{text}");
    }

    #[test]
    fn a_slow_callee_shows_in_the_slowest_calls() {
        let mut scenario = presets::load("cascade").expect("preset");
        // Pricing slow from 10 s, no timeouts: nothing is lost, everything waits.
        scenario.faults.retain(|f| f.target == "pricing");
        let mut sim = Simulation::new(scenario).expect("valid");
        sim.run_until(30 * SECOND).expect("runs");
        let s = sim.scenario();
        let i = s.links.iter().position(|l| l.id == "inventory-pricing").expect("link");
        let text = evidence(s, sim.metrics(), i).expect("evidence");
        assert!(text.contains("slowest 1 % took") && text.ends_with(" s."), "{text}");
    }
}
