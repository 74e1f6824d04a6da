//! The numbers a lesson points at: a small vocabulary of keys (`orders_failed`,
//! `dlq:payments`, `duplicates:orders-fulfilment`…) read from a running
//! simulation's metrics. The lesson card shows them live, and a lesson's
//! `expect` checks them at the end of a step (native tests run every
//! built-in lesson), so what a lesson's text claims is what the numbers say.

use crate::engine::scenario::Scenario;
use crate::engine::Simulation;

/// What a metric key is about: the whole run, a node or a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Run,
    Node,
    Link,
}

/// One key's name, scope and words for the card.
type Key = (&'static str, Scope, &'static str);

/// Every key: (name, scope, words for the card). Targets are node or link ids after a colon.
const KEYS: &[Key] = &[
    ("orders_placed", Scope::Run, "Orders placed"),
    ("orders_ok", Scope::Run, "Orders ok"),
    ("orders_failed", Scope::Run, "Orders failed"),
    ("orders_over_budget", Scope::Run, "Orders over their latency budget"),
    ("messages_failed", Scope::Run, "Messages failed"),
    ("dead_lettered", Scope::Run, "Messages dead-lettered"),
    ("completed", Scope::Node, "Work done by"),
    ("rejected", Scope::Node, "Requests turned away by"),
    ("crashes", Scope::Node, "Crashes of"),
    ("depth", Scope::Node, "Messages waiting in"),
    ("dlq", Scope::Node, "Dead letters of"),
    ("registry_rejected", Scope::Node, "Publishes the registry refused on"),
    ("compensated", Scope::Node, "Sagas undone by"),
    ("manual", Scope::Node, "Sagas waiting for a person at"),
    ("alerts", Scope::Node, "Alerts raised by"),
    ("short_runs", Scope::Node, "Short runs of"),
    ("timeouts", Scope::Link, "Timeouts on"),
    ("short_circuits", Scope::Link, "Calls the breaker refused on"),
    ("fallbacks", Scope::Link, "Fallback answers on"),
    ("unreadable", Scope::Link, "Unreadable deliveries on"),
    ("sub_processed", Scope::Link, "Events handled through"),
    ("lost", Scope::Link, "Records never processed by"),
    ("duplicates", Scope::Link, "Records processed twice by"),
    ("suppressed", Scope::Link, "Repeats skipped by"),
    ("events_lost", Scope::Link, "Events lost by the dual write on"),
    ("peak_attempts", Scope::Link, "Most reconnect attempts in 100 ms on"),
    ("turned_away", Scope::Link, "Reconnects turned away on"),
    ("updates_lost", Scope::Link, "Updates lost on"),
];

/// A key split into its name's entry and target, or why it is not one.
fn split(key: &str) -> Result<(&'static Key, Option<&str>), String> {
    let (name, target) = match key.split_once(':') {
        Some((n, t)) => (n, Some(t)),
        None => (key, None),
    };
    let Some(entry) = KEYS.iter().find(|(n, _, _)| *n == name) else {
        return Err(format!("unknown metric {name:?}; docs/lessons.md lists them"));
    };
    match (entry.1, target) {
        (Scope::Run, None) | (Scope::Node | Scope::Link, Some(_)) => Ok((entry, target)),
        (Scope::Run, Some(_)) => Err(format!("{name} is about the whole run and takes no \":id\"")),
        (Scope::Node, None) => Err(format!("{name} needs a node, as \"{name}:NODE\"")),
        (Scope::Link, None) => Err(format!("{name} needs a link, as \"{name}:LINK\"")),
    }
}

/// Checks a key against a scenario: a known name, and a target that is a
/// node (or link) of the scenario when the name needs one.
pub fn check(key: &str, scenario: &Scenario) -> Result<(), String> {
    let ((name, scope, _), target) = split(key)?;
    match (scope, target) {
        (Scope::Node, Some(id)) if scenario.node(id).is_none() => {
            Err(format!("{name}: no node {id:?} in the scenario"))
        }
        (Scope::Link, Some(id)) if scenario.link(id).is_none() => {
            Err(format!("{name}: no link {id:?} in the scenario"))
        }
        _ => Ok(()),
    }
}

/// The card's words for a key ("Dead letters of Payments"); the key itself if it is not one.
pub fn label(key: &str, scenario: &Scenario) -> String {
    let Ok(((_, scope, words), target)) = split(key) else { return key.to_string() };
    let name = |id: &str| match scope {
        Scope::Node => scenario.node(id).map_or(id.to_string(), |n| n.label.clone()),
        Scope::Link => scenario.link(id).map_or(id.to_string(), |l| {
            let end = |n: &str| scenario.node(n).map_or(n.to_string(), |n| n.label.clone());
            // In words ("Timeouts on Order API to Inventory"): the label is
            // read as it is written, and an arrow is read "right arrow".
            format!("{} to {}", end(&l.from), end(&l.to))
        }),
        Scope::Run => id.to_string(),
    };
    match target {
        Some(id) => format!("{words} {}", name(id)),
        None => (*words).to_string(),
    }
}

/// The value of a key now (`None` for a key that is not one, or a target not in the scenario).
pub fn value(key: &str, sim: &Simulation) -> Option<u64> {
    let ((name, _, _), target) = split(key).ok()?;
    let s = sim.scenario();
    let m = sim.metrics();
    let node = || target.and_then(|id| s.nodes.iter().position(|n| n.id == id));
    let link = || target.and_then(|id| s.links.iter().position(|l| l.id == id));
    Some(match *name {
        "orders_placed" => m.orders.placed,
        "orders_ok" => m.orders.ok,
        "orders_failed" => m.orders.failed,
        "orders_over_budget" => m.orders.over_budget,
        "messages_failed" => sim.ledger().failed_total(),
        "dead_lettered" => sim.ledger().dead_lettered,
        "completed" => m.nodes.get(node()?)?.completed,
        "rejected" => m.nodes.get(node()?)?.rejected,
        "crashes" => m.nodes.get(node()?)?.crashes,
        "depth" => u64::from(m.queues.get(node()?)?.depth),
        "dlq" => m.queues.get(node()?)?.dead_lettered,
        "registry_rejected" => m.topics.get(node()?)?.rejected,
        "compensated" => m.sagas.get(node()?)?.compensated,
        "manual" => m.sagas.get(node()?)?.manual,
        "alerts" => m.jobs.get(node()?)?.alerts_total(),
        "short_runs" => m.jobs.get(node()?)?.short,
        "timeouts" => m.links.get(link()?)?.timeouts,
        "short_circuits" => m.links.get(link()?)?.short_circuits,
        "fallbacks" => m.links.get(link()?)?.fallbacks,
        "unreadable" => m.subscriptions.get(link()?).map(|x| x.unreadable_dropped + x.unreadable_nacked)?,
        "sub_processed" => m.subscriptions.get(link()?)?.processed,
        "lost" => m.groups.get(link()?)?.lost.values().sum(),
        // The group counts every repeat, skipped ones included; the card means the ones applied twice.
        "duplicates" => {
            m.groups.get(link()?).map(|g| g.duplicates.values().sum::<u64>().saturating_sub(g.duplicates_suppressed))?
        }
        "suppressed" => m.groups.get(link()?)?.duplicates_suppressed,
        "events_lost" => m.publishes.get(link()?)?.events_lost,
        "peak_attempts" => u64::from(m.edges.get(link()?)?.peak_attempts_per_100ms),
        "turned_away" => m.edges.get(link()?)?.rejected,
        "updates_lost" => m.edges.get(link()?)?.lost,
        _ => return None,
    })
}

/// Every metric name, for the docs' test that lists them all.
pub fn names() -> impl Iterator<Item = &'static str> {
    KEYS.iter().map(|(n, _, _)| *n)
}
