//! The editor's model: structural edits (add and remove nodes and links,
//! change a link's transport type) on scenarios and on running
//! simulations, their inverses, and which transports may join two nodes.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::design::{
    edit_scenario, fresh_link_id, fresh_node_id, inverse, starter_node, transports_between, NODE_KINDS,
};
use patchbay::engine::dist::Dist;
use patchbay::engine::patterns::transport_look;
use patchbay::engine::scenario::*;
use patchbay::engine::{presets, Edit, Placed, Simulation, SECOND};
use proptest::prelude::*;

fn preset(name: &str) -> Scenario {
    presets::load(name).expect("preset")
}

fn keys(s: &Scenario, from: &str, to: &str) -> Vec<&'static str> {
    transports_between(s, from, to).iter().map(|t| transport_look(t).key).collect()
}

fn link(id: &str, from: &str, to: &str, transport: Transport) -> Link {
    Link { id: id.into(), from: from.into(), to: to.into(), latency: Dist::Constant { ms: 1.0 }, transport }
}

#[test]
fn the_menu_offers_only_what_the_validator_accepts_for_each_pair() {
    let mut s = preset("seven");
    let add = |s: &mut Scenario, key: &str, id: &str| {
        let node = starter_node(key, id, id, Position::default()).expect("a kind");
        *s = edit_scenario(s, &[Edit::AddNode { node }]).expect("a new node is valid");
    };
    for (key, id) in [
        ("service", "a"),
        ("service", "b"),
        ("orchestrator", "o"),
        ("queue", "q"),
        ("topic", "t"),
        ("log", "l"),
        ("gateway", "g"),
        ("job", "j"),
        ("client", "c"),
    ] {
        add(&mut s, key, id);
    }
    assert_eq!(keys(&s, "a", "b"), ["request_response"]);
    assert_eq!(keys(&s, "a", "q"), ["enqueue"]);
    assert_eq!(keys(&s, "q", "a"), ["consume"]);
    assert_eq!(keys(&s, "a", "t"), ["publish"]);
    assert_eq!(keys(&s, "t", "a"), ["subscribe"]);
    assert_eq!(keys(&s, "a", "l"), ["append"]);
    assert_eq!(keys(&s, "l", "a"), ["read"]);
    assert_eq!(keys(&s, "c", "a"), ["request_response"]);
    assert_eq!(keys(&s, "j", "l"), ["scheduled_read"]);
    assert!(keys(&s, "q", "t").is_empty(), "a queue cannot feed a topic directly");
    // A new orchestrator from the palette takes saga steps; a plain service does not.
    assert_eq!(keys(&s, "o", "b"), ["request_response", "saga_step"]);
    assert_eq!(keys(&s, "q", "o"), ["consume"]);
    assert!(keys(&s, "a", "a").is_empty(), "no link to itself");
    // The seven scenario's orchestrator can take another step; its gateway pushes to browsers.
    assert!(keys(&s, "saga", "b").contains(&"saga_step"), "{:?}", keys(&s, "saga", "b"));
    let gw = s.nodes.iter().find(|n| n.kind.gateway().is_some()).expect("a gateway").id.clone();
    assert!(keys(&s, &gw, "c").contains(&"push"), "{:?}", keys(&s, &gw, "c"));
    // A synchronous cycle is refused like any other invalid scenario.
    let s = edit_scenario(
        &s,
        &[Edit::AddLink { link: link("ab", "a", "b", Transport::RequestResponse(SyncPolicy::default())) }],
    )
    .expect("a call");
    assert!(keys(&s, "b", "a").is_empty(), "b calling a back would be a synchronous cycle");
}

#[test]
fn an_orchestrator_without_steps_runs_as_a_service_until_it_gets_one() {
    let mut s = Simulation::new(preset("cascade")).expect("valid");
    s.run_until(2 * SECOND).expect("runs");
    let node = starter_node("orchestrator", "orders", "Orders", Position::default()).expect("kind");
    s.apply(&Edit::AddNode { node }).expect("an orchestrator on its own is valid");
    let call = Transport::RequestResponse(SyncPolicy::default());
    s.apply(&Edit::AddLink { link: link("api-orders", "order-api", "orders", call) }).expect("a call into it");
    s.run_until(4 * SECOND).expect("runs");
    let i = s.scenario().nodes.iter().position(|n| n.id == "orders").expect("there");
    assert!(s.metrics().nodes[i].completed > 0, "its work is done");
    assert_eq!(s.metrics().sagas[i].started, 0, "no steps, no sagas");
    let step = Transport::SagaStep(StepPolicy { order: 1, ..StepPolicy::default() });
    s.apply(&Edit::AddLink { link: link("orders-pricing", "orders", "pricing", step) }).expect("a first step");
    s.run_until(6 * SECOND).expect("runs");
    assert!(s.metrics().sagas[i].started > 0, "now each order starts a saga");
    assert!(s.ledger().balances(s.live_messages()));
}

#[test]
fn removing_a_node_takes_its_links_sources_and_faults_and_undo_puts_them_back() {
    let before = preset("seven");
    let id = before.sources[0].target.clone();
    let edit = Edit::RemoveNode { node: id.clone() };
    let undo = inverse(&before, &edit).expect("undoable");
    let after = edit_scenario(&before, &[edit]).expect("valid without the browser");
    assert!(after.node(&id).is_none());
    assert!(after.links.iter().all(|l| l.from != id && l.to != id));
    assert!(after.sources.iter().all(|s| s.target != id));
    assert_eq!(edit_scenario(&after, &undo).expect("restores"), before);
}

#[test]
fn a_node_that_something_else_still_names_cannot_be_removed() {
    let s = preset("seven");
    // Every job reads its logs through links, so removing a log takes them; but a saga
    // step's target may be named by nothing else. Find any node whose removal is
    // refused and check the message names a path; if none is refused, that is fine too.
    for n in &s.nodes {
        if let Err(e) = edit_scenario(&s, &[Edit::RemoveNode { node: n.id.clone() }]) {
            assert!(e.path.starts_with("$."), "{e}");
        }
    }
    let e = edit_scenario(&s, &[Edit::RemoveNode { node: "nope".into() }]).expect_err("unknown");
    assert!(e.reason.contains("unknown node id 'nope'"), "{e}");
    let far = Edit::Restore {
        nodes: vec![],
        links: vec![Placed { index: 999, item: s.links[0].clone() }],
        sources: vec![],
        faults: vec![],
        monitors: vec![],
    };
    let e = edit_scenario(&s, &[far]).expect_err("past the end");
    assert!(e.reason.contains("past the end"), "{e}");
}

#[test]
fn putting_a_queue_into_a_call_is_one_change_and_undoes_exactly() {
    let before = preset("cascade");
    let call = before
        .links
        .iter()
        .find(|l| {
            l.transport.sync_policy().is_some() && before.node(&l.from).is_some_and(|n| n.kind.service().is_some())
        })
        .expect("a service-to-service call")
        .clone();
    let q = fresh_node_id(&before, "queue");
    let node = starter_node("queue", &q, "Queue", Position::default()).expect("queue");
    let forward = vec![
        Edit::RemoveLink { link: call.id.clone() },
        Edit::AddNode { node },
        Edit::AddLink { link: link(&fresh_link_id(&before, &call.from, &q), &call.from, &q, Transport::Enqueue) },
        Edit::AddLink {
            link: link(
                &fresh_link_id(&before, &q, &call.to),
                &q,
                &call.to,
                Transport::Consume(ConsumePolicy::default()),
            ),
        },
    ];
    let mut s = before.clone();
    let mut undo = Vec::new();
    for e in &forward {
        let mut inv = inverse(&s, e).expect("undoable");
        inv.append(&mut undo);
        undo = inv;
        s = edit_scenario(&s, std::slice::from_ref(e)).expect("each step valid");
    }
    assert_eq!(s, edit_scenario(&before, &forward).expect("all at once"));
    assert_eq!(edit_scenario(&s, &undo).expect("undo"), before);
}

#[test]
fn a_structural_edit_runs_the_changed_scenario_again_to_now() {
    let base = preset("cascade");
    let node = starter_node("service", "audit", "Audit", Position { x: 900.0, y: 300.0 }).expect("service");
    let from = base.links.iter().find(|l| l.transport.sync_policy().is_some()).expect("a call").to.clone();
    let edits = [
        Edit::AddNode { node },
        Edit::AddLink { link: link("to-audit", &from, "audit", Transport::RequestResponse(SyncPolicy::default())) },
    ];
    // Live: run 10 s, add a node (runs again to 10 s), then the link (live), then on to 20 s.
    let mut live = Simulation::new(base.clone()).expect("valid");
    live.enable_trace_hash();
    live.run_until(10 * SECOND).expect("runs");
    for e in &edits[..1] {
        live.apply(e).expect("structural edit");
    }
    assert_eq!(live.now(), 10 * SECOND, "the clock is where it was");
    // The same as starting from the scenario with the node.
    let mut fresh = Simulation::new(edit_scenario(&base, &edits[..1]).expect("valid")).expect("valid");
    fresh.enable_trace_hash();
    fresh.run_until(10 * SECOND).expect("runs");
    assert_eq!(live.trace_hash(), fresh.trace_hash());
    live.apply(&edits[1]).expect("a call added live");
    live.run_until(20 * SECOND).expect("runs");
    let audit = live.scenario().nodes.iter().position(|n| n.id == "audit").expect("there");
    assert!(live.metrics().nodes[audit].completed > 0, "the new service gets calls");
    // A refused structural edit changes nothing.
    let hash = live.trace_hash();
    assert!(live.apply(&Edit::RemoveNode { node: "nope".into() }).is_err());
    assert_eq!(live.trace_hash(), hash);
    assert_eq!(live.now(), 20 * SECOND);
}

#[test]
fn faults_added_and_cleared_while_running_keep_their_times_in_the_run_again() {
    let mut s = Simulation::new(preset("cascade")).expect("valid");
    s.run_until(5 * SECOND).expect("runs");
    let target = s.scenario().nodes[1].id.clone();
    let fault = Fault { target, at_ms: 0.0, until_ms: None, effect: FaultEffect::Crash };
    let i = match s.apply(&Edit::ApplyFault { fault }).expect("fault") {
        patchbay::engine::Applied::Fault(i) => i,
        other => panic!("{other:?}"),
    };
    s.run_until(7 * SECOND).expect("runs");
    s.apply(&Edit::ClearFault { index: i }).expect("cleared");
    let d = s.design();
    let f = &d.faults[i as usize];
    assert_eq!((f.at_ms, f.until_ms), (5000.0, Some(7000.0)));
    let node = starter_node("service", "extra", "Extra", Position::default()).expect("service");
    s.run_until(9 * SECOND).expect("runs");
    let crashes_before = s.metrics().nodes[1].crashes;
    s.apply(&Edit::AddNode { node }).expect("structural");
    assert_eq!(s.metrics().nodes[1].crashes, crashes_before, "the crash happened again at the same time");
}

/// A random edit of a scenario: any kind of edit the editor makes.
fn random_edit(s: &Scenario, pick: &[u32; 4]) -> Option<Edit> {
    let n = s.nodes.len() as u32;
    let l = s.links.len() as u32;
    let node = &s.nodes[(pick[1] % n.max(1)) as usize];
    Some(match pick[0] % 7 {
        0 => Edit::MoveNode {
            node: node.id.clone(),
            position: Position { x: f64::from(pick[2] % 2000), y: f64::from(pick[3] % 900) },
        },
        1 => Edit::RenameNode { node: node.id.clone(), label: format!("renamed {}", pick[2]) },
        2 => Edit::RemoveNode { node: node.id.clone() },
        3 if l > 0 => Edit::RemoveLink { link: s.links[(pick[2] % l) as usize].id.clone() },
        4 => {
            let key = NODE_KINDS[(pick[2] % NODE_KINDS.len() as u32) as usize];
            let id = fresh_node_id(s, key);
            Edit::AddNode { node: starter_node(key, &id, key, Position::default())? }
        }
        5 => {
            let to = &s.nodes[(pick[2] % n.max(1)) as usize];
            let choices = transports_between(s, &node.id, &to.id);
            let t = choices.get((pick[3] as usize) % choices.len().max(1))?.clone();
            Edit::AddLink { link: link(&fresh_link_id(s, &node.id, &to.id), &node.id, &to.id, t) }
        }
        _ if l > 0 => {
            let li = &s.links[(pick[2] % l) as usize];
            let choices = transports_between(s, &li.from, &li.to);
            Edit::SetTransport {
                link: li.id.clone(),
                transport: choices.get((pick[3] as usize) % choices.len().max(1))?.clone(),
            }
        }
        _ => return None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Apply then undo restores the scenario exactly, for sequences of edits.
    #[test]
    fn undo_restores_exactly(which in 0usize..4, picks in proptest::collection::vec(any::<[u32; 4]>(), 1..8)) {
        let name = ["seven", "cascade", "order-flow", "saga"][which];
        let start = preset(name);
        let mut s = start.clone();
        let mut history: Vec<(Scenario, Vec<Edit>)> = Vec::new();
        for pick in &picks {
            let Some(edit) = random_edit(&s, pick) else { continue };
            let Some(undo) = inverse(&s, &edit) else { continue };
            if let Ok(next) = edit_scenario(&s, &[edit]) {
                history.push((s.clone(), undo));
                s = next;
            }
        }
        while let Some((was, undo)) = history.pop() {
            s = edit_scenario(&s, &undo).expect("an undo is valid");
            prop_assert_eq!(&s, &was);
        }
        prop_assert_eq!(s, start);
    }
}
