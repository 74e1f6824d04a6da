//! Words for types 3 and 4: a subscription's lane, a topic's schema and
//! registry, a log's groups, a service's outbox. Each is what the picture
//! shows, in text, so a screen reader hears the same state (and the silent
//! failure of a schema change is never shown by colour alone).

use crate::engine::time::micros_to_ms;
use crate::engine::{LogStatus, SubscriptionStatus};

use super::frame::{GroupFrame, SagaFrame, TopicFrame};

/// The short label above an orchestrator: "2 running · Payment" (the
/// oldest running saga's step, "↩ Inventory" while it compensates).
pub fn saga_label(g: &SagaFrame, step_names: &[String]) -> String {
    let name = |i: u32| step_names.get(i as usize).map_or("?", String::as_str);
    let mut out = format!("{} running", g.running);
    if g.waiting > 0 {
        out.push_str(&format!(" · {} waiting", g.waiting));
    } else if let Some(&(_, step, comp)) = g.current.first() {
        out.push_str(if comp { " · ↩ " } else { " · " });
        out.push_str(name(step));
    }
    out
}

/// An orchestrator's part of its accessible name: its running sagas with
/// their steps, and how the others ended, the manual queue last.
pub fn saga_words(g: &SagaFrame, step_names: &[String]) -> String {
    let name = |i: u32| step_names.get(i as usize).map_or("?", String::as_str);
    let mode = if g.choreography { "choreography" } else { "orchestration" };
    let mut out = format!(", saga {mode}: {} running", g.running);
    for &(id, step, comp) in &g.current {
        let doing = if comp { "undoing step" } else { "at step" };
        out.push_str(&format!(", saga {id} {doing} {} of {}, {}", step + 1, g.steps, name(step)));
    }
    if g.waiting > 0 {
        out.push_str(&format!(", {} waiting for a service to be back or a link to heal", g.waiting));
    }
    out.push_str(&format!(", {} completed, {} compensated", g.completed, g.compensated));
    if g.refused > 0 {
        out.push_str(&format!(", {} steps asked again after their service refused them", g.refused));
    }
    if g.stuck > 0 {
        out.push_str(&format!(", {} stuck", g.stuck));
    }
    if g.manual > 0 {
        let ids: Vec<String> = g.manual_ids.iter().map(u64::to_string).collect();
        out.push_str(&format!(", {} waiting for manual intervention (saga {})", g.manual, ids.join(", ")));
    }
    out
}

/// The short label of a subscription's lane: "lag 3 · 0.4 s · DLQ 2".
pub fn lane_label(s: &SubscriptionStatus) -> String {
    if s.detached {
        return "removed".to_string();
    }
    let lag = s.lag();
    let mut out = if lag == 0 {
        "caught up".to_string()
    } else if s.backlog > 0 {
        format!("lag {lag} · {:.1} s", micros_to_ms(s.oldest_age) / 1_000.0)
    } else {
        format!("lag {lag}")
    };
    if s.dlq > 0 {
        out.push_str(&format!(" · DLQ {}", s.dlq));
    }
    out
}

/// The warning of a lane whose subscriber drops events it cannot read, if any.
pub fn lane_warning(s: &SubscriptionStatus) -> Option<String> {
    // Short: the stage has room for about 17 characters beside a lane
    // (`label_layout`'s check); the link's description says the rest.
    (s.unreadable_dropped > 0).then(|| format!("⚠ {} unreadable", s.unreadable_dropped))
}

/// The lane's part of its link's accessible name.
pub fn lane_words(s: &SubscriptionStatus) -> String {
    let mut out = format!(", {} delivered, {} processed", s.delivered, s.processed);
    let lag = s.lag();
    if lag > 0 {
        out.push_str(&format!(", {lag} not yet processed"));
    }
    if s.dlq > 0 {
        out.push_str(&format!(", {} in its dead-letter queue", s.dlq));
    }
    if s.unreadable_dropped > 0 {
        out.push_str(&format!(", {} events it could not read were dropped silently", s.unreadable_dropped));
    }
    if s.detached {
        out.push_str(", removed");
    }
    out
}

/// Simulated time in whole seconds, rounded up (a wait "until 15 s").
fn seconds(t: crate::engine::time::Micros) -> u64 {
    t.div_ceil(crate::engine::time::SECOND)
}

/// The short label of a consumer group's read link: "lag 12 · 27 lost · 3 duplicates".
pub fn group_label(g: &GroupFrame) -> String {
    let mut out = match (g.rebalancing, g.moving) {
        (true, Some((n, all))) => format!("rebalancing {n} of {all} partitions"),
        (true, None) => "rebalancing".to_string(),
        (false, _) => format!("lag {}", g.lag),
    };
    if let (true, Some(t)) = (g.rebalancing, g.waits_until) {
        out.push_str(&format!(" until {} s", seconds(t)));
    }
    if g.lost > 0 {
        out.push_str(&format!(" · {} lost", g.lost));
    }
    let repeated = g.duplicates.saturating_sub(g.suppressed);
    if repeated > 0 {
        out.push_str(&format!(" · {repeated} duplicates"));
    }
    if g.suppressed > 0 {
        out.push_str(&format!(" · {} repeats skipped", g.suppressed));
    }
    out
}

/// A consumer group's part of its read link's accessible name.
pub fn group_words(g: &GroupFrame) -> String {
    let mut out = format!(", {} records not yet committed", g.lag);
    if let (true, Some((n, all))) = (g.rebalancing, g.moving) {
        out.push_str(&format!(", in a cooperative rebalance: {n} of its {all} partitions paused, the rest read on"));
        if let Some(t) = g.waits_until {
            out.push_str(&format!(" (until {} s, when a crashed member's session runs out)", seconds(t)));
        }
    } else if g.rebalancing {
        out.push_str(", paused for a rebalance");
        if let Some(t) = g.waits_until {
            out.push_str(&format!(" that waits until {} s for a crashed member's session to run out", seconds(t)));
        }
    }
    if g.lost > 0 {
        out.push_str(&format!(", {} records lost", g.lost));
    }
    if g.duplicates > 0 {
        out.push_str(&format!(", {} records processed twice ({} skipped as repeats)", g.duplicates, g.suppressed));
    }
    out
}

/// A topic's line of figures: "120 published · v2" (the count first: a
/// narrow node drops the version before it), or "… · v2 refused" while
/// the registry refuses the writer's schema (what was published is older).
pub fn topic_label(t: &TopicFrame) -> String {
    let refused = if t.accepted { "" } else { " refused" };
    format!("{} published · v{}{refused}", t.published, t.version)
}

/// A topic's warning when its registry refuses the publisher's schema.
pub fn topic_warning(t: &TopicFrame) -> Option<String> {
    (t.rejected > 0 || !t.accepted).then(|| format!("registry refused {}", t.rejected))
}

/// A topic's part of its accessible name.
pub fn topic_words(t: &TopicFrame) -> String {
    let mut out = if t.accepted {
        format!(", schema version {} in use, {} events published", t.version, t.published)
    } else {
        format!(
            ", {} events published; the publisher now writes schema version {}, which the registry refuses: every publish fails",
            t.published, t.version
        )
    };
    if t.rejected > 0 {
        out.push_str(&format!(", {} publishes refused", t.rejected));
    }
    out
}

/// A log's line of figures: "1204 kept · 3 partitions" (the records first: a
/// narrow node drops the partition count, which its rows show anyway).
pub fn log_label(l: &LogStatus) -> String {
    let records: u64 = l.partitions.iter().map(|p| p.end.saturating_sub(p.start)).sum();
    let unit = if l.partitions.len() == 1 { "partition" } else { "partitions" };
    format!("{records} kept · {} {unit}", l.partitions.len())
}

/// Records a group still has to process in each partition, summed (from its processed position).
pub fn group_lag(l: &LogStatus, group: usize) -> u64 {
    let Some(g) = l.groups.get(group) else { return 0 };
    l.partitions
        .iter()
        .enumerate()
        .map(|(p, part)| part.end.saturating_sub(g.processed.get(p).copied().unwrap_or(part.start).max(part.start)))
        .sum()
}

/// A log's part of its accessible name: its records and each group's lag.
pub fn log_words(l: &LogStatus, group_names: &[String]) -> String {
    let mut out = format!(", {}", log_label(l));
    for (i, g) in l.groups.iter().enumerate() {
        let name = group_names.get(i).map_or("a group", String::as_str);
        if !g.joined {
            out.push_str(&format!(", {name} has not joined yet"));
            continue;
        }
        out.push_str(&format!(", {name} {} records behind", group_lag(l, i)));
        if g.rebalancing {
            out.push_str(" and paused for a rebalance");
        }
    }
    out
}

/// A service's outbox text: "outbox 12", and "3 events lost" for a dual write that lost some.
pub fn outbox_label(backlog: u32, lost: u64) -> Option<String> {
    match (backlog, lost) {
        (0, 0) => None,
        (b, 0) => Some(format!("outbox {b}")),
        (0, l) => Some(format!("{l} events never published")),
        (b, l) => Some(format!("outbox {b} · {l} events never published")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{GroupStatus, PartitionStatus};

    #[test]
    fn a_lane_says_lag_dlq_and_the_silent_drops() {
        let mut s = SubscriptionStatus::default();
        assert_eq!(lane_label(&s), "caught up");
        assert_eq!(lane_warning(&s), None);
        s.backlog = 3;
        s.oldest_age = 400_000;
        s.in_flight = 1;
        s.dlq = 2;
        assert_eq!(lane_label(&s), "lag 4 · 0.4 s · DLQ 2");
        // Events waiting out a retry backoff are not yet processed either.
        s.backing_off = 2;
        assert_eq!(lane_label(&s), "lag 6 · 0.4 s · DLQ 2");
        assert!(lane_words(&s).contains("6 not yet processed"));
        s.unreadable_dropped = 57;
        assert_eq!(lane_warning(&s).as_deref(), Some("⚠ 57 unreadable"));
        assert!(lane_words(&s).contains("57 events it could not read were dropped silently"));
        s.detached = true;
        assert_eq!(lane_label(&s), "removed");
    }

    #[test]
    fn a_topic_says_its_schema_and_refusals() {
        let mut t = TopicFrame { version: 2, accepted: true, published: 120, rejected: 0 };
        assert_eq!(topic_label(&t), "120 published · v2");
        let refused = TopicFrame { accepted: false, ..t };
        assert_eq!(topic_label(&refused), "120 published · v2 refused");
        assert!(topic_words(&refused).contains("writes schema version 2, which the registry refuses"));
        assert!(!topic_words(&refused).contains("in use"));
        assert_eq!(topic_warning(&t), None);
        t.accepted = false;
        t.rejected = 9;
        assert_eq!(topic_warning(&t).as_deref(), Some("registry refused 9"));
        assert!(topic_words(&t).contains("every publish fails"));
    }

    #[test]
    fn a_log_says_each_groups_lag() {
        let l = LogStatus {
            partitions: vec![PartitionStatus { start: 10, end: 50 }, PartitionStatus { start: 0, end: 5 }],
            groups: vec![
                GroupStatus {
                    link: 2,
                    committed: vec![20, 5],
                    processed: vec![30, 5],
                    owners: vec![Some(0), Some(0)],
                    rebalancing: true,
                    joined: true,
                    paused: vec![true, true],
                },
                GroupStatus { link: 3, joined: false, ..GroupStatus::default() },
            ],
        };
        assert_eq!(log_label(&l), "45 kept · 2 partitions");
        assert_eq!(group_lag(&l, 0), 20);
        let words = log_words(&l, &["Fulfilment".into(), "Analytics".into()]);
        assert!(words.contains("Fulfilment 20 records behind and paused for a rebalance"), "{words}");
        assert!(words.contains("Analytics has not joined yet"), "{words}");
        let g = GroupFrame { lag: 12, lost: 27, duplicates: 5, suppressed: 2, ..GroupFrame::default() };
        assert_eq!(group_label(&g), "lag 12 · 27 lost · 3 duplicates · 2 repeats skipped");
        assert!(group_words(&g).contains("27 records lost"));
        assert_eq!(group_label(&GroupFrame { rebalancing: true, ..GroupFrame::default() }), "rebalancing");
        let held = GroupFrame {
            rebalancing: true,
            waits_until: Some(15 * crate::engine::time::SECOND),
            ..GroupFrame::default()
        };
        assert_eq!(group_label(&held), "rebalancing until 15 s");
        assert!(group_words(&held).contains("waits until 15 s for a crashed member's session to run out"));
        let cooperative = GroupFrame { moving: Some((1, 3)), ..held };
        assert_eq!(group_label(&cooperative), "rebalancing 1 of 3 partitions until 15 s");
        assert!(group_words(&cooperative).contains("1 of its 3 partitions paused, the rest read on (until 15 s"));
        assert_eq!(outbox_label(0, 0), None);
        assert_eq!(outbox_label(4, 0).as_deref(), Some("outbox 4"));
        assert_eq!(outbox_label(0, 3).as_deref(), Some("3 events never published"));
    }
}
