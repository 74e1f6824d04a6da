//! Words for what the picture shows: accessible names for nodes and links
//! (state in text, never colour alone) and short labels.

use crate::engine::breaker::BreakerState;
use crate::engine::patterns::{node_look, transport_look};
use crate::engine::scenario::{Link, Node, NodeKind, Transport};
use crate::engine::time::micros_to_ms;
use crate::engine::{LinkStatus, NodeStatus};

/// A word for the kind of node (from the one look table).
pub fn kind_word(n: &Node) -> &'static str {
    node_look(&n.kind).word
}

/// A word for a transport (from the one look table).
pub fn transport_word(t: &Transport) -> &'static str {
    transport_look(t).word
}

/// `text` as a screen reader should say it: a link's "Checkout → Payments"
/// becomes "Checkout to Payments" (the arrow is read "right arrow"). For
/// accessible names, labels and live regions; what is shown keeps the arrow.
/// The page writes the arrow between spaces, so the `char` is replaced
/// (the wasm already has `char` replacement; a `&str` pattern adds the
/// substring searcher).
pub fn spoken(text: &str) -> String {
    text.replace('→', "to")
}

/// `text` as markup for a row of text that names links: escaped, each
/// arrow kept in sight but drawn by CSS (`.said-arrow`: not read, not
/// copied) beside a "to" that only screen readers get, so "A → B" is seen
/// with its arrow and heard, copied and found as "A to B". Markup rather
/// than a component per arrow: rows are redrawn a few times a second, and
/// one string is far less code in the wasm.
pub fn arrow_markup(text: &str) -> String {
    super::chart::escape(text)
        .replace('→', r#"<span class="said-arrow" aria-hidden="true"></span><span class="sr-only">to</span>"#)
}

/// Breaker state in words.
pub fn breaker_word(b: BreakerState) -> &'static str {
    match b {
        BreakerState::Closed => "closed",
        BreakerState::Open => "open",
        BreakerState::HalfOpen => "half-open",
    }
}

/// Short state badges for a node, in text ("CRASHED", "HUNG", "SLOW", "ERRORS").
pub fn node_badges(s: &NodeStatus) -> Vec<&'static str> {
    let mut b = Vec::new();
    // A restarting gateway's process is down too: that is its restart, not a crash.
    if s.gateway_down {
        b.push("RESTARTING");
    } else if s.crashed || (s.replicas > 0 && s.replicas_up == 0) {
        b.push("CRASHED");
    } else if s.replicas_up < s.replicas {
        b.push("RESTARTING");
    }
    if s.hung {
        b.push("HUNG");
    }
    if s.slowed {
        b.push("SLOW");
    }
    if s.erroring {
        b.push("ERRORS");
    }
    b
}

/// A node's stable name, without its state: "Payment workers, service".
/// The stage gives it as the accessible name and the state as the
/// description, because screen readers read a focused element's name again
/// whenever it changes, and the counts change every frame.
pub fn node_title(n: &Node) -> String {
    format!("{}, {}", n.label, kind_word(n))
}

/// What follows `title` in a full name, without the joining punctuation:
/// the state part of [`node_name`] or [`link_name`].
pub fn state_part(full: &str, title: &str) -> String {
    full.strip_prefix(title).unwrap_or(full).trim_start_matches([':', ',', ';', ' ']).to_string()
}

/// The accessible name of a node, with its state:
/// "Payment workers, service: 3 of 4 busy, 2 waiting".
pub fn node_name(n: &Node, s: &NodeStatus) -> String {
    let mut out = node_title(n);
    match n.kind {
        NodeKind::Client(_) => {}
        NodeKind::Service(_) => {
            out.push_str(&format!(": {} of {} busy", s.busy, s.capacity));
            if s.waiting > 0 {
                out.push_str(&format!(", {} waiting", s.waiting));
            }
            if s.replicas > 1 || s.replicas_up < s.replicas {
                out.push_str(&format!(", {} of {} instances up", s.replicas_up, s.replicas));
            }
        }
        NodeKind::Queue(_) => {
            out.push_str(&format!(": queue depth {}", s.depth));
            if s.depth > 0 {
                out.push_str(&format!(", oldest message {:.1} s old", micros_to_ms(s.oldest_age) / 1_000.0));
            }
            if s.dead_lettered > 0 {
                out.push_str(&format!(", {} in the dead-letter queue", s.dead_lettered));
            }
        }
        // Offsets and groups come from `Simulation::log_status`; the page that draws them is still to come.
        NodeKind::Log(ref l) => {
            let unit = if l.partitions == 1 { "partition" } else { "partitions" };
            out.push_str(&format!(": {} {unit}", l.partitions));
        }
        NodeKind::Topic(ref t) => {
            out.push_str(&format!(": {} events, schema {} version {}", t.event_type, t.schema.name, t.schema.version));
        }
        NodeKind::Gateway(_) => {
            out.push_str(if s.gateway_down { ": down, accepting no connections" } else { ": accepting connections" });
        }
        // The runs, last success and freshness come from the job's metrics
        // (`describe_job.rs`); here only its schedule.
        NodeKind::Job(ref j) => out.push_str(&super::describe_job::schedule_words(j)),
    }
    for badge in node_badges(s) {
        out.push_str(", ");
        // The badges are ASCII: no Unicode case tables in the wasm.
        out.push_str(&badge.to_ascii_lowercase());
    }
    out
}

/// A link's stable name, without its state (see [`node_title`]).
pub fn link_title(l: &Link, from: &str, to: &str) -> String {
    format!("{} from {} to {}", transport_word(&l.transport), from, to)
}

/// The accessible name of a link: "request-response call from Order API to Inventory, breaker open".
pub fn link_name(l: &Link, from: &str, to: &str, s: &LinkStatus) -> String {
    link_title(l, from, to) + &link_state(s)
}

/// A link's state as it follows its name: ", breaker open, partitioned"
/// (empty when it has none to say).
pub fn link_state(s: &LinkStatus) -> String {
    let mut out = String::new();
    if let Some(b) = s.breaker {
        out.push_str(&format!(", breaker {}", breaker_word(b)));
    }
    if s.partitioned {
        out.push_str(", partitioned");
    }
    if s.extra_latency > 0 {
        out.push_str(&format!(", {:.0} ms extra latency", micros_to_ms(s.extra_latency)));
    }
    if let Some((up, stale, away)) = s.crowd {
        out.push_str(&format!(
            ", {} clients: {up} connected, {stale} stale (look open, receive nothing), {away} reconnecting",
            up + stale + away
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::presets;

    #[test]
    fn arrows_between_names_are_spoken_as_words() {
        assert_eq!(spoken("Checkout → Payments"), "Checkout to Payments");
        assert_eq!(spoken("Undo: latency of Order API → orders log"), "Undo: latency of Order API to orders log");
        assert_eq!(spoken("Order API"), "Order API");
    }

    #[test]
    fn rows_keep_the_arrow_in_sight_and_say_to() {
        let m = arrow_markup("Breaker on A<1> → B & C");
        assert_eq!(
            m,
            r#"Breaker on A&lt;1&gt; <span class="said-arrow" aria-hidden="true"></span><span class="sr-only">to</span> B &amp; C"#
        );
        assert_eq!(arrow_markup("no link"), "no link");
    }

    #[test]
    fn names_carry_state_in_words() {
        let s = presets::load("order-flow").expect("preset");
        let workers = s.node("payment-workers").expect("node");
        let st = NodeStatus { busy: 3, capacity: 4, waiting: 2, replicas_up: 4, replicas: 4, ..NodeStatus::default() };
        assert_eq!(node_name(workers, &st), "Payment workers, service: 3 of 4 busy, 2 waiting, 4 of 4 instances up");
        let queue = s.node("payments").expect("node");
        let st = NodeStatus { depth: 120, oldest_age: 2_500_000, dead_lettered: 3, ..NodeStatus::default() };
        assert_eq!(
            node_name(queue, &st),
            "payments queue, queue: queue depth 120, oldest message 2.5 s old, 3 in the dead-letter queue"
        );
        let hung = NodeStatus { hung: true, slowed: true, replicas: 1, replicas_up: 1, ..NodeStatus::default() };
        assert!(node_name(workers, &hung).ends_with(", hung, slow"));
        let link = s.link("inventory-pricing").expect("link");
        let ls = LinkStatus { breaker: Some(BreakerState::Open), partitioned: true, extra_latency: 0, crowd: None };
        assert_eq!(
            link_name(link, "Inventory", "Pricing", &ls),
            "request-response call from Inventory to Pricing, breaker open, partitioned"
        );
        // The stage's name is the title; the state is the description.
        let full = node_name(workers, &hung);
        assert_eq!(node_title(workers), "Payment workers, service");
        assert_eq!(state_part(&full, &node_title(workers)), "0 of 0 busy, hung, slow");
        let full = link_name(link, "Inventory", "Pricing", &ls);
        assert_eq!(state_part(&full, &link_title(link, "Inventory", "Pricing")), "breaker open, partitioned");
    }

    #[test]
    fn crashed_and_restarting_badges() {
        let down = NodeStatus { replicas: 2, replicas_up: 0, ..NodeStatus::default() };
        assert_eq!(node_badges(&down), vec!["CRASHED"]);
        let partly = NodeStatus { replicas: 2, replicas_up: 1, ..NodeStatus::default() };
        assert_eq!(node_badges(&partly), vec!["RESTARTING"]);
        // A gateway's restart takes its process down: one RESTARTING, no CRASHED.
        let gateway = NodeStatus { gateway_down: true, replicas: 1, replicas_up: 0, ..NodeStatus::default() };
        assert_eq!(node_badges(&gateway), vec!["RESTARTING"]);
    }

    #[test]
    fn badges_and_breaker_words_are_ascii() {
        // The UI changes their case with `to_ascii_*`, which equals the Unicode mapping only for ASCII.
        let all = NodeStatus { crashed: true, hung: true, slowed: true, erroring: true, ..NodeStatus::default() };
        let partly = NodeStatus { replicas: 2, replicas_up: 1, ..NodeStatus::default() };
        for badge in node_badges(&all).into_iter().chain(node_badges(&partly)) {
            assert!(badge.is_ascii(), "{badge}");
            assert_eq!(badge.to_ascii_lowercase(), badge.to_lowercase());
        }
        for b in [BreakerState::Closed, BreakerState::Open, BreakerState::HalfOpen] {
            assert_eq!(breaker_word(b).to_ascii_uppercase(), breaker_word(b).to_uppercase());
        }
    }
}
