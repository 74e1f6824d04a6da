//! The stage's state as a list of lines, one per node and per link:
//! "Inventory — CRASHED · 0/2 busy", "Order API → Inventory — breaker
//! OPEN", and for a link with no state of its own its transport ("Browser
//! → Order API — request-response call"), so every link can be reached
//! from the list (on a phone's compact stage a link's line is too thin to
//! tap). Shown beside the stage when its compact level of detail hides the
//! words inside the nodes (a phone, a course page's column), built from
//! the same frame the stage draws.

use crate::engine::breaker::BreakerState;
use crate::engine::patterns::transport_look;
use crate::engine::scenario::{NodeKind, Scenario};
use crate::engine::time::micros_to_ms;
use crate::engine::NodeStatus;

use super::describe::{breaker_word, node_badges};
use super::describe_events::{
    group_label, lane_label, lane_warning, log_label, outbox_label, topic_label, topic_warning,
};
use super::describe_job::job_label;
use super::frame::Frame;

/// At most this many lines: a scenario of hundreds of nodes lists the ones
/// that need attention first and counts the rest.
pub const MAX_ROWS: usize = 40;

/// What a line is about: a node or a link, by scenario index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// Node `i`.
    Node(usize),
    /// Link `i`.
    Link(usize),
}

/// One line of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateRow {
    /// What it is about.
    pub subject: Subject,
    /// The node's label, or a link's "From → To".
    pub name: String,
    /// Its state in the stage's words: "CRASHED · 0/2 busy".
    pub state: String,
    /// Something is wrong (a badge, an open breaker, dead letters…).
    pub alert: bool,
}

/// The list: its lines and how many were left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateList {
    /// Lines in scenario order (nodes, then links).
    pub rows: Vec<StateRow>,
    /// Lines not shown (over [`MAX_ROWS`]).
    pub more: usize,
}

impl StateList {
    /// Lines that need attention.
    pub fn alerts(&self) -> usize {
        self.rows.iter().filter(|r| r.alert).count()
    }
}

/// What the scenario gives the list once per change of its shape: names,
/// each node's kind and an orchestrator's step names.
#[derive(Clone, Debug, Default)]
pub struct Subjects {
    nodes: Vec<(String, NodeKind, Vec<String>)>,
    /// Per link: "From → To" and its transport's word.
    links: Vec<(String, &'static str)>,
    /// Push links: (gateway, crowd of clients, link).
    push: Vec<(usize, usize, usize)>,
}

impl Subjects {
    /// Reads the names and kinds from `s`.
    pub fn of(s: &Scenario) -> Subjects {
        let label = |id: &str| s.node(id).map_or_else(|| id.to_string(), |n| n.label.clone());
        let nodes = s
            .nodes
            .iter()
            .map(|n| {
                let steps = crate::engine::patterns::saga::steps_of(s, &n.id)
                    .iter()
                    .filter_map(|(l, _)| s.links.get(*l as usize))
                    .map(|l| label(&l.to))
                    .collect();
                (n.label.clone(), n.kind.clone(), steps)
            })
            .collect();
        let links = s
            .links
            .iter()
            .map(|l| (format!("{} → {}", label(&l.from), label(&l.to)), transport_look(&l.transport).word))
            .collect();
        let push = s
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.transport.push_policy().is_some())
            .filter_map(|(i, l)| {
                let at = |id: &str| s.nodes.iter().position(|n| n.id == id);
                Some((at(&l.from)?, at(&l.to)?, i))
            })
            .collect();
        Subjects { nodes, links, push }
    }
}

/// A service's pool as the stage writes it: "3/4 busy · 2 wait".
pub fn pool_text(s: &NodeStatus) -> String {
    if s.waiting > 0 {
        format!("{}/{} busy · {} wait", s.busy, s.capacity, s.waiting)
    } else {
        format!("{}/{} busy", s.busy, s.capacity)
    }
}

/// A queue's depth as the stage writes it: "depth 12 · 0.4 s old", or "empty".
pub fn queue_text(s: &NodeStatus) -> String {
    if s.depth == 0 {
        "empty".to_string()
    } else {
        format!("depth {} · {:.1} s old", s.depth, micros_to_ms(s.oldest_age) / 1_000.0)
    }
}

/// A gateway's crowd as the stage writes it: who is connected, then the
/// stale and the reconnecting only when there are any ("1800 up · 50 away";
/// the stage's meter shows all three, and the text must fit the box at the
/// fitted zoom).
pub fn crowd_text((up, stale, away): (u32, u32, u32)) -> String {
    let mut out = format!("{up} up");
    if stale > 0 {
        out.push_str(&format!(" · {stale} stale"));
    }
    if away > 0 {
        out.push_str(&format!(" · {away} away"));
    }
    out
}

/// The crowds (connected, stale, reconnecting) of the links `links`,
/// summed; `None` when none of them carries a crowd. The stage's meter, a
/// push-fed browser's line and the state list all count a crowd this way.
pub fn crowd_sum(f: &Frame, links: impl IntoIterator<Item = usize>) -> Option<(u32, u32, u32)> {
    links
        .into_iter()
        .filter_map(|l| f.links.get(l).and_then(|l| l.crowd))
        .reduce(|a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2))
}

/// The push links (WebSocket/SSE) leaving node `id` (`outgoing`) or
/// arriving at it, by index.
pub fn push_links(sc: &Scenario, id: &str, outgoing: bool) -> Vec<usize> {
    sc.links
        .iter()
        .enumerate()
        .filter(|(_, l)| (if outgoing { &l.from } else { &l.to }) == id && l.transport.push_policy().is_some())
        .map(|(i, _)| i)
        .collect()
}

/// The crowd of the push links `which` picks, summed; `None` if it picks none.
fn crowd(subjects: &Subjects, f: &Frame, which: impl Fn((usize, usize, usize)) -> bool) -> Option<(u32, u32, u32)> {
    crowd_sum(f, subjects.push.iter().filter(|p| which(**p)).map(|(_, _, l)| *l))
}

/// Node `i`'s line.
fn node_row(subjects: &Subjects, f: &Frame, i: usize) -> Option<StateRow> {
    let (name, kind, steps) = subjects.nodes.get(i)?;
    let s = f.nodes.get(i).cloned().unwrap_or_default();
    let badges = node_badges(&s);
    let mut alert = !badges.is_empty();
    let mut parts: Vec<String> = badges.iter().map(|b| b.to_string()).collect();
    match kind {
        // Browsers fed by push links are a crowd of connections; the others place orders.
        // Clients away (reconnecting after a drop or a restart) need attention.
        NodeKind::Client(_) => parts.push(match crowd(subjects, f, |(_, c, _)| c == i) {
            Some(c) => {
                alert |= c.2 > 0;
                crowd_text(c)
            }
            None => format!("{} ok · {} failed", f.orders.1, f.orders.2),
        }),
        NodeKind::Service(_) => parts.push(pool_text(&s)),
        NodeKind::Queue(_) => parts.push(queue_text(&s)),
        NodeKind::Topic(_) => {
            if let Some(Some(t)) = f.topics.get(i) {
                parts.push(topic_label(t));
                if let Some(w) = topic_warning(t) {
                    alert = true;
                    parts.push(w);
                }
            }
        }
        NodeKind::Log(_) => parts.extend(f.logs.get(i).cloned().flatten().map(|l| log_label(&l))),
        NodeKind::Gateway(_) => {
            let c = crowd(subjects, f, |(g, _, _)| g == i).unwrap_or_default();
            alert |= c.2 > 0;
            parts.push(crowd_text(c));
        }
        NodeKind::Job(_) => {
            if let Some(Some(j)) = f.jobs.get(i) {
                alert |= j.alerts > 0;
                parts.push(job_label(j, f.now));
            }
        }
    }
    if s.dead_lettered > 0 {
        alert = true;
        parts.push(format!("DLQ {}", s.dead_lettered));
    }
    if let Some(Some(g)) = f.sagas.get(i) {
        // The stage's "1 running · Warehouse" sits under the node; here the step needs its verb.
        let mut sagas = format!("{} running", g.running);
        if let Some(&(_, step, undoing)) = g.current.first() {
            sagas.push_str(if undoing { ", oldest undoing " } else { ", oldest at " });
            sagas.push_str(steps.get(step as usize).map_or("?", String::as_str));
        }
        parts.push(sagas);
        if g.manual > 0 {
            alert = true;
            parts.push(format!("manual {}", g.manual));
        }
    }
    if let Some(&(backlog, lost)) = f.outboxes.get(i) {
        alert |= lost > 0;
        parts.extend(outbox_label(backlog, lost));
    }
    Some(StateRow { subject: Subject::Node(i), name: name.clone(), state: parts.join(" · "), alert })
}

/// Link `i`'s line: its state (a breaker, a partition, added latency, a
/// subscription's lane, a consumer group), else its transport.
fn link_row(subjects: &Subjects, f: &Frame, i: usize) -> Option<StateRow> {
    let (name, word) = subjects.links.get(i)?;
    let s = f.links.get(i)?;
    let mut parts = Vec::new();
    let mut alert = false;
    if let Some(b) = s.breaker {
        alert |= b != BreakerState::Closed;
        parts.push(format!("breaker {}", breaker_word(b).to_ascii_uppercase()));
    }
    if s.partitioned {
        alert = true;
        parts.push("partitioned".to_string());
    }
    if s.extra_latency > 0 {
        parts.push(format!("+{:.0} ms", micros_to_ms(s.extra_latency)));
    }
    if let Some(Some(l)) = f.subscriptions.get(i) {
        parts.push(lane_label(l));
        if let Some(w) = lane_warning(l) {
            alert = true;
            // The line itself carries the one warning mark.
            parts.push(w.trim_start_matches("⚠ ").to_string());
        }
    }
    if let Some(Some(g)) = f.groups.get(i) {
        alert |= g.lost > 0;
        parts.push(group_label(g));
    }
    if parts.is_empty() {
        parts.push(word.to_string());
    }
    Some(StateRow { subject: Subject::Link(i), name: name.clone(), state: parts.join(" · "), alert })
}

/// Every node's line and every link's, in scenario
/// order; over [`MAX_ROWS`], the lines that need attention first.
pub fn state_list(subjects: &Subjects, f: &Frame) -> StateList {
    // Two loops, not a chained iterator: the same order, less code in the wasm.
    let mut rows = Vec::new();
    for i in 0..subjects.nodes.len() {
        rows.extend(node_row(subjects, f, i));
    }
    for i in 0..subjects.links.len() {
        rows.extend(link_row(subjects, f, i));
    }
    if rows.len() <= MAX_ROWS {
        return StateList { rows, more: 0 };
    }
    let total = rows.len();
    let (mut shown, rest): (Vec<StateRow>, Vec<StateRow>) = rows.into_iter().partition(|r| r.alert);
    shown.truncate(MAX_ROWS);
    shown.extend(rest.into_iter().take(MAX_ROWS - shown.len()));
    StateList { more: total - shown.len(), rows: shown }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scenario::{Fault, FaultEffect};
    use crate::engine::{presets, Edit, Simulation, SECOND};
    use crate::view_model::frame::SagaFrame;

    fn run(preset: &str, until: u64, edits: Vec<Edit>) -> (Subjects, Frame) {
        let mut sim = Simulation::new(presets::load(preset).expect("preset")).expect("valid");
        for e in edits {
            sim.apply(&e).expect("edit");
        }
        sim.run_until(until).expect("runs");
        let subjects = Subjects::of(sim.scenario());
        let links = sim.scenario().links.len();
        (subjects, Frame::capture(&sim, vec![0; links]))
    }

    fn row<'a>(list: &'a StateList, name: &str) -> &'a StateRow {
        list.rows.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no line for {name}: {list:?}"))
    }

    #[test]
    fn every_link_has_a_line_named_by_its_transport_when_it_has_no_state() {
        let (subjects, f) = run("seven", 5 * SECOND, vec![]);
        let list = state_list(&subjects, &f);
        let s = presets::load("seven").expect("preset");
        let links = list.rows.iter().filter(|r| matches!(r.subject, Subject::Link(_))).count();
        assert_eq!(links, s.links.len(), "{list:?}");
        assert_eq!(row(&list, "Browser → Order API").state, "request-response call");
        assert_eq!(row(&list, "Order API → Inventory").state, "breaker CLOSED");
        assert_eq!(list.more, 0, "seven's 31 lines fit");
    }

    #[test]
    fn a_lane_dropping_unreadable_events_is_one_warned_line() {
        let (subjects, f) = run("schema-break", 25 * SECOND, vec![]);
        let list = state_list(&subjects, &f);
        let lane = list.rows.iter().find(|r| r.state.contains("unreadable")).expect("a lane drops events");
        assert!(lane.alert);
        assert!(!lane.state.contains('⚠'), "the line's own mark is the only one: {}", lane.state);
    }

    #[test]
    fn a_crash_reads_as_the_stage_and_the_engine_say() {
        let crash = Edit::ApplyFault {
            fault: Fault { target: "inventory".into(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Crash },
        };
        let (subjects, f) = run("seven", 5 * SECOND, vec![crash]);
        let list = state_list(&subjects, &f);
        let i = subjects.nodes.iter().position(|n| n.0 == "Inventory").expect("inventory");
        let inventory = row(&list, "Inventory");
        assert_eq!(inventory.subject, Subject::Node(i));
        assert!(inventory.alert);
        assert_eq!(inventory.state, format!("CRASHED · {}", pool_text(&f.nodes[i])));
        // Every node has a line, named in full; the client counts orders.
        assert!(list.rows.iter().filter(|r| matches!(r.subject, Subject::Node(_))).count() == subjects.nodes.len());
        assert!(row(&list, "Browser").state.ends_with("failed"));
        // The browsers fed by the gateway are its crowd, as the gateway's own line says.
        assert_eq!(row(&list, "Live browsers").state, row(&list, "Notifications").state);
        assert!(row(&list, "Live browsers").state.ends_with(" up"), "{}", row(&list, "Live browsers").state);
        assert_eq!(list.more, 0);
        assert!(list.alerts() >= 1);
        // The caller's breaker is a line of its own, with its state in words.
        let api = row(&list, "Order API → Inventory");
        assert!(api.state.starts_with("breaker "), "{}", api.state);
        // Lanes and groups are listed with the stage's labels.
        assert!(list.rows.iter().any(|r| r.name == "order.placed topic → Email"));
        assert!(list.rows.iter().any(|r| r.name == "orders log → Audit" && r.state.starts_with("lag")));
    }

    #[test]
    fn a_restarted_gateway_and_its_browsers_need_attention_while_clients_are_away() {
        // seven restarts Notifications at 15 s; five seconds later part of the crowd is still reconnecting.
        let (subjects, f) = run("seven", 20 * SECOND, vec![]);
        let list = state_list(&subjects, &f);
        for name in ["Notifications", "Live browsers"] {
            let r = row(&list, name);
            assert!(r.state.contains(" away"), "{name}: {}", r.state);
            assert!(r.alert, "{name}: {}", r.state);
        }
        let (subjects, f) = run("seven", 5 * SECOND, vec![]);
        let calm = state_list(&subjects, &f);
        assert!(!row(&calm, "Notifications").alert, "{}", row(&calm, "Notifications").state);
    }

    #[test]
    fn an_unchanged_frame_gives_an_equal_list() {
        let (subjects, f) = run("seven", 3 * SECOND, vec![]);
        assert_eq!(state_list(&subjects, &f), state_list(&subjects, &f.clone()));
        assert!(state_list(&subjects, &f).rows.iter().all(|r| !r.state.is_empty()));
    }

    #[test]
    fn a_big_scenario_lists_the_alerts_first_and_counts_the_rest() {
        let (one, _) = run("seven", 0, vec![]);
        let service = one.nodes.iter().find(|n| n.0 == "Inventory").expect("inventory").clone();
        let subjects = Subjects { nodes: vec![service; 100], links: Vec::new(), push: Vec::new() };
        let mut f = Frame { nodes: vec![NodeStatus::default(); 100], ..Frame::default() };
        f.nodes[99].crashed = true;
        let list = state_list(&subjects, &f);
        assert_eq!(list.rows.len(), MAX_ROWS);
        assert_eq!(list.more, 100 - MAX_ROWS);
        assert_eq!(list.rows[0].subject, Subject::Node(99));
        assert!(list.rows[0].state.starts_with("CRASHED"));
        assert_eq!(list.rows[1].subject, Subject::Node(0));
    }

    #[test]
    fn an_orchestrator_says_its_sagas_and_the_manual_queue() {
        let (subjects, _) = run("seven", 0, vec![]);
        let n = subjects.nodes.len();
        let saga = subjects.nodes.iter().position(|x| x.0 == "Order saga").expect("saga");
        let mut f = Frame { nodes: vec![NodeStatus { capacity: 4, ..NodeStatus::default() }; n], ..Frame::default() };
        f.sagas = vec![None; n];
        let g = SagaFrame { running: 2, manual: 3, current: vec![(7, 1, true)], ..SagaFrame::default() };
        f.sagas[saga] = Some(g);
        let line = state_list(&subjects, &f).rows.into_iter().find(|r| r.subject == Subject::Node(saga)).expect("line");
        assert_eq!(line.state, "0/4 busy · 2 running, oldest undoing Payment · manual 3");
        assert!(line.alert);
    }

    #[test]
    fn texts_as_the_stage_writes_them() {
        let s =
            NodeStatus { busy: 3, capacity: 4, waiting: 2, depth: 12, oldest_age: 400_000, ..NodeStatus::default() };
        assert_eq!(pool_text(&s), "3/4 busy · 2 wait");
        assert_eq!(queue_text(&s), "depth 12 · 0.4 s old");
        assert_eq!(queue_text(&NodeStatus::default()), "empty");
        assert_eq!(crowd_text((1, 2, 3)), "1 up · 2 stale · 3 away");
        assert_eq!(crowd_text((2000, 0, 0)), "2000 up");
        assert_eq!(crowd_text((0, 0, 2000)), "0 up · 2000 away");
        assert_eq!(crowd_text((1400, 600, 0)), "1400 up · 600 stale");
    }
}
