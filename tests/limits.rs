//! Hostile inputs: every one either gets a clear error naming the field, or
//! runs with bounded work and memory, or stops with an error naming the
//! nodes and links involved. Nothing hangs, nothing panics.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::limits::*;
use patchbay::engine::{parse_scenario, ScenarioError, SimError, Simulation, SECOND};
use serde_json::{json, Value};

fn problems(v: &Value) -> Vec<ScenarioError> {
    parse_scenario(&v.to_string()).err().unwrap_or_default()
}

fn has(ps: &[ScenarioError], path: &str, reason_part: &str) -> bool {
    ps.iter().any(|p| p.path == path && p.reason.contains(reason_part))
}

fn service(id: &str, extra: Value) -> Value {
    let mut kind = json!({ "type": "service", "processing": { "type": "constant", "ms": 0 } });
    if let (Some(k), Some(e)) = (kind.as_object_mut(), extra.as_object()) {
        k.extend(e.clone());
    }
    json!({ "id": id, "label": id, "kind": kind })
}

fn queue(id: &str) -> Value {
    json!({ "id": id, "label": id, "kind": { "type": "queue" } })
}

fn link(id: &str, from: &str, to: &str, transport: &str, latency_ms: f64) -> Value {
    json!({ "id": id, "from": from, "to": to, "latency": { "type": "constant", "ms": latency_ms },
            "transport": { "type": transport } })
}

fn scenario(nodes: Vec<Value>, links: Vec<Value>, sources: Vec<Value>) -> Value {
    json!({ "version": 1, "name": "hostile", "nodes": nodes, "links": links, "sources": sources })
}

fn run(v: &Value, seconds: u64) -> Result<Simulation, SimError> {
    let s = parse_scenario(&v.to_string()).expect("valid scenario");
    let mut sim = Simulation::new(s).expect("builds");
    sim.run_until(seconds * SECOND)?;
    Ok(sim)
}

#[test]
fn durations_that_would_round_to_zero_are_rejected() {
    let mut q = queue("q");
    q["kind"]["visibility_timeout_ms"] = json!(0.0001);
    let mut l = link("l", "q", "w", "consume", 0.0004);
    l["transport"]["prefetch"] = json!(1);
    let v = scenario(vec![q, service("w", json!({ "restart_ms": 0.0002 }))], vec![l], vec![]);
    let ps = problems(&v);
    assert!(has(&ps, "$.nodes[0].kind.visibility_timeout_ms", "at least 0.001 ms"), "{ps:?}");
    assert!(has(&ps, "$.nodes[1].kind.restart_ms", "0, or at least 0.001 ms"), "{ps:?}");
    assert!(has(&ps, "$.links[0].latency.ms", "at least 0.001 ms"), "{ps:?}");
    // Zero stays allowed where it makes sense: an instant link, an instant restart.
    let v = scenario(
        vec![queue("q"), service("w", json!({ "restart_ms": 0 }))],
        vec![link("l", "q", "w", "consume", 0.0)],
        vec![],
    );
    assert!(problems(&v).is_empty(), "{:?}", problems(&v));
    let mut v = v;
    v["nodes"][1]["kind"]["restart_ms"] = json!(1e300);
    assert!(has(&problems(&v), "$.nodes[1].kind.restart_ms", "at most"));
}

#[test]
fn a_loop_through_a_queue_with_no_delay_stops_with_a_livelock_error() {
    let v = scenario(
        vec![queue("q"), service("w", json!({}))],
        vec![link("take", "q", "w", "consume", 0.0), link("put-back", "w", "q", "enqueue", 0.0)],
        vec![json!({ "id": "one", "target": "q", "arrival": { "type": "burst", "at_ms": 0, "count": 1 } })],
    );
    let Err(e) = run(&v, 10) else { panic!("a zero-delay loop cannot run to the end") };
    let SimError::Livelock { at, events, ref involved, .. } = e else { panic!("expected a livelock error, got {e}") };
    assert_eq!(at, 0, "the clock never moved");
    assert!(events > MAX_EVENTS_PER_INSTANT);
    let text = e.to_string();
    for name in ["node 'q'", "node 'w'"] {
        assert!(involved.iter().any(|n| n.starts_with(name)), "{name} named in {involved:?}");
    }
    assert!(text.contains("without the clock moving"), "{text}");
}

#[test]
fn exponential_growth_through_queues_stops_at_the_live_message_cap() {
    let v = scenario(
        vec![queue("q"), service("w", json!({ "concurrency": 1000 }))],
        vec![
            link("take", "q", "w", "consume", 1.0),
            link("copy-a", "w", "q", "enqueue", 1.0),
            link("copy-b", "w", "q", "enqueue", 1.0),
        ],
        vec![json!({ "id": "one", "target": "q", "arrival": { "type": "burst", "at_ms": 0, "count": 1 } })],
    );
    let s = parse_scenario(&v.to_string()).expect("valid");
    let mut sim = Simulation::new(s).expect("builds");
    let e = sim.run_until(3_600 * SECOND).expect_err("grows without end");
    let SimError::Capacity { live, ref involved, .. } = e else { panic!("expected a capacity error, got {e}") };
    assert!(live > MAX_LIVE_MESSAGES as u64);
    assert!(involved.iter().any(|n| n.starts_with("node 'q'")), "{involved:?}");
    assert!(involved.iter().any(|n| n.starts_with("link 'copy-a'")), "{involved:?}");
    // The run stays stopped, and the scenario is still there to fix.
    assert!(matches!(sim.step(), Err(SimError::Capacity { .. })));
    assert_eq!(sim.scenario().links.len(), 3);
}

#[test]
fn a_queue_nobody_consumes_at_a_million_a_second_stops_at_the_cap() {
    let v = scenario(
        vec![queue("q")],
        vec![],
        vec![json!({ "id": "flood", "target": "q", "arrival": { "type": "constant", "rate_per_s": 1e6 } })],
    );
    let Err(e) = run(&v, 30) else { panic!("half a million queued messages is the cap") };
    assert!(matches!(e, SimError::Capacity { .. }), "{e}");
    assert!(e.to_string().contains("node 'q' ("), "{e}");
}

#[test]
fn synchronous_fan_out_that_multiplies_is_rejected() {
    // 25 services, each calling the next level twice: 2^24 calls for one request.
    let mut nodes = vec![json!({ "id": "c", "label": "c", "kind": { "type": "client" } })];
    let mut links = vec![json!({ "id": "in", "from": "c", "to": "s0", "transport": { "type": "request_response" } })];
    for i in 0..25 {
        nodes.push(service(&format!("s{i}"), json!({})));
        if i > 0 {
            for k in ["a", "b"] {
                links.push(json!({ "id": format!("{k}{i}"), "from": format!("s{}", i - 1), "to": format!("s{i}"),
                                   "transport": { "type": "request_response" } }));
            }
        }
    }
    let ps = problems(&scenario(nodes, links, vec![]));
    assert!(has(&ps, "$.nodes[0]", "synchronous calls downstream"), "{ps:?}");
}

#[test]
fn every_list_and_string_has_a_limit() {
    let many_nodes: Vec<Value> = (0..MAX_NODES + 1).map(|i| queue(&format!("q{i}"))).collect();
    assert!(has(&problems(&scenario(many_nodes, vec![], vec![])), "$.nodes", "at most 1000"));
    let sources: Vec<Value> = (0..MAX_SOURCES + 1)
        .map(
            |i| json!({ "id": format!("s{i}"), "target": "q", "arrival": { "type": "burst", "at_ms": 0, "count": 1 } }),
        )
        .collect();
    assert!(has(&problems(&scenario(vec![queue("q")], vec![], sources)), "$.sources", "at most"));
    let links: Vec<Value> = (0..MAX_LINKS + 1).map(|i| link(&format!("l{i}"), "q", "w", "consume", 1.0)).collect();
    assert!(has(&problems(&scenario(vec![queue("q"), service("w", json!({}))], links, vec![])), "$.links", "at most"));
    let mut v = scenario(vec![queue("q")], vec![], vec![]);
    v["faults"] =
        Value::Array((0..MAX_FAULTS + 1).map(|_| json!({ "target": "q", "effect": { "type": "crash" } })).collect());
    assert!(has(&problems(&v), "$.faults", "at most"));
    let points: Vec<Value> = (0..MAX_EMPIRICAL_POINTS + 1).map(|i| json!({ "ms": i, "weight": 1 })).collect();
    let v = scenario(
        vec![service("w", json!({ "processing": { "type": "empirical", "points": points } }))],
        vec![],
        vec![],
    );
    assert!(has(&problems(&v), "$.nodes[0].kind.processing.points", "at most"));
    let burst = json!({ "id": "b", "target": "q", "arrival": { "type": "burst", "at_ms": 0, "count": 1_000_000 } });
    assert!(has(
        &problems(&scenario(vec![queue("q")], vec![], vec![burst])),
        "$.sources[0].arrival.count",
        "between 1 and"
    ));
    let mut v = scenario(vec![queue("q")], vec![], vec![]);
    v["description"] = json!("d".repeat(MAX_DESCRIPTION_CHARS + 1));
    v["nodes"][0]["label"] = json!("l".repeat(MAX_LABEL_CHARS + 1));
    let ps = problems(&v);
    assert!(has(&ps, "$.description", "at most 4000"), "{ps:?}");
    assert!(has(&ps, "$.nodes[0].label", "at most 120"), "{ps:?}");
    let huge = " ".repeat(MAX_SCENARIO_BYTES + 1);
    assert!(parse_scenario(&huge).is_err());
}

#[test]
fn ids_are_measured_in_characters_not_bytes() {
    // 40 two-byte characters: 80 bytes, but 40 characters, within the limit.
    let v = scenario(vec![queue(&"é".repeat(40))], vec![], vec![]);
    assert!(problems(&v).is_empty(), "{:?}", problems(&v));
    let v = scenario(vec![queue(&"é".repeat(65))], vec![], vec![]);
    assert!(has(&problems(&v), "$.nodes[0].id", "65 characters; at most 64"), "{:?}", problems(&v));
}

#[test]
fn trailing_text_and_unknown_client_fields_are_rejected() {
    let v = scenario(vec![queue("q")], vec![], vec![]);
    let ps = parse_scenario(&format!("{v} {{}}")).expect_err("trailing object");
    assert!(ps[0].reason.contains("after the scenario"), "{ps:?}");
    assert!(parse_scenario(&format!("{v}   \n")).is_ok(), "trailing whitespace is fine");
    let v = scenario(vec![json!({ "id": "c", "label": "c", "kind": { "type": "client", "rate": 5 } })], vec![], vec![]);
    let ps = problems(&v);
    assert!(ps.iter().any(|p| p.path.starts_with("$.nodes[0].kind") && p.reason.contains("unknown field")), "{ps:?}");
}

#[test]
fn faults_added_while_running_are_capped() {
    let v = scenario(vec![service("w", json!({}))], vec![], vec![]);
    let mut sim = run(&v, 1).expect("runs");
    use patchbay::engine::scenario::{Fault, FaultEffect};
    use patchbay::engine::Edit;
    let fault = Fault { target: "w".into(), at_ms: 0.0, until_ms: None, effect: FaultEffect::ErrorRate { rate: 0.1 } };
    for _ in 0..MAX_FAULTS {
        sim.apply(&Edit::ApplyFault { fault: fault.clone() }).expect("within the cap");
    }
    let e = sim.apply(&Edit::ApplyFault { fault }).expect_err("over the cap");
    assert!(e.to_string().contains("at most 1000"), "{e}");
}

#[test]
fn a_queue_has_a_bounded_number_of_consumers() {
    let mut nodes = vec![queue("q")];
    let mut links = Vec::new();
    for i in 0..=MAX_CONSUMERS_PER_QUEUE {
        nodes.push(service(&format!("w{i}"), json!({})));
        links.push(link(&format!("l{i}"), "q", &format!("w{i}"), "consume", 1.0));
    }
    let ps = problems(&scenario(nodes, links, vec![]));
    assert!(has(&ps, &format!("$.links[{MAX_CONSUMERS_PER_QUEUE}].from"), "more than 64 consume links"), "{ps:?}");
}

#[test]
fn messages_that_circulate_without_end_stop_at_the_rate_guard() {
    // A consumer that puts every message back with no delay; one failure in
    // twenty waits for the visibility timeout, so the clock moves and no
    // instant runs away, but the loop never ends and only grows.
    let mut q = queue("q");
    q["kind"]["visibility_timeout_ms"] = json!(40);
    let v = scenario(
        vec![
            q,
            service("w", json!({ "error_rate": 0.05, "replicas": 2 })),
            json!({ "id": "c", "label": "c", "kind": { "type": "client" } }),
        ],
        vec![
            link("take", "q", "w", "consume", 0.0),
            link("back", "w", "q", "enqueue", 0.0),
            link("in", "c", "q", "enqueue", 0.0),
        ],
        vec![json!({ "id": "users", "target": "c", "arrival": { "type": "poisson", "rate_per_s": 60 } })],
    );
    let s = parse_scenario(&v.to_string()).expect("valid");
    let mut sim = Simulation::new(s).expect("builds");
    sim.lower_guards(MAX_EVENTS_PER_INSTANT, 100_000, MAX_LIVE_MESSAGES);
    let e = sim.run_until(60 * SECOND).expect_err("circulates without end");
    let SimError::TooBusy { events, ref involved, .. } = e else { panic!("expected the rate guard, got {e}") };
    assert!(events > 100_000);
    assert!(involved.iter().any(|n| n.starts_with("node 'w'") || n.starts_with("link 'take'")), "{involved:?}");
    assert!(e.to_string().contains("within one simulated second"), "{e}");
}

#[test]
fn the_clients_of_all_push_links_together_have_a_limit() {
    // A gateway's restart plans every connected client's reconnect in one
    // event: 999 links of 10,000 clients passed before and took seconds.
    let push = |i: usize, clients: u32| {
        json!({ "id": format!("p{i}"), "from": "gw", "to": "browsers", "latency": { "type": "constant", "ms": 1 },
                "transport": { "type": "push", "clients": clients } })
    };
    let nodes = || {
        vec![
            json!({ "id": "gw", "label": "gw", "kind": { "type": "gateway" } }),
            json!({ "id": "browsers", "label": "browsers", "kind": { "type": "client" } }),
        ]
    };
    let at_cap: Vec<Value> = (0..2).map(|i| push(i, MAX_CROWD)).collect();
    assert_eq!(2 * MAX_CROWD, MAX_TOTAL_CROWD);
    let ps = problems(&scenario(nodes(), at_cap, vec![]));
    assert!(ps.is_empty(), "two links at the per-link cap are fine: {ps:?}");
    let over: Vec<Value> = (0..3).map(|i| push(i, MAX_CROWD)).collect();
    let ps = problems(&scenario(nodes(), over, vec![]));
    assert!(has(&ps, "$.links", "30000 clients in all; at most 20000"), "{ps:?}");
}

#[test]
fn a_text_that_is_not_an_object_is_named_in_the_formats_terms() {
    use patchbay::engine::parse::parse_scenario_placed;
    use patchbay::engine::parse_scenario_quietly;
    // serde alone reads a struct from a list of its fields in order, and
    // names a list's problem by its element ("$[1]: expected a string").
    let v = scenario(vec![service("a", json!({}))], vec![], vec![]);
    let fields: Vec<Value> = v.as_object().expect("an object").values().cloned().collect();
    let as_list = Value::Array(fields).to_string();
    for (text, found) in [
        (as_list.as_str(), "starts with a list"),
        ("[1, 2]", "starts with a list"),
        ("\"x\"", "starts with a string"),
        ("null", "starts with null"),
        (" 12", "starts with a number"),
        ("true", "starts with true or false"),
        ("<html>", "not JSON"),
        ("", "the text is empty"),
        (" \n\t", "the text is empty"),
    ] {
        for ps in [parse_scenario(text).expect_err(text), parse_scenario_placed(text).expect_err(text)] {
            assert!(has(&ps, "$", found), "{text:?}: {ps:?}");
            assert!(has(&ps, "$", "a scenario is a JSON object"), "{text:?}: {ps:?}");
        }
        assert!(parse_scenario_quietly(text).is_none(), "{text:?}");
    }
    assert!(parse_scenario(&format!(" \n{v}")).is_ok(), "leading whitespace is fine");
}
