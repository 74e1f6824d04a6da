//! Bad scenarios are values that name the JSON path and the reason; no input panics.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::parse::parse_scenario_placed;
use patchbay::engine::{parse_scenario, parse_scenario_quietly, presets, ScenarioError};
use proptest::prelude::*;

fn problems(json: &str) -> Vec<ScenarioError> {
    parse_scenario(json).err().unwrap_or_default()
}

fn preset_json(name: &str) -> serde_json::Value {
    let (_, text) = presets::PRESETS.iter().find(|(n, _)| *n == name).expect("preset");
    serde_json::from_str(text).expect("preset JSON")
}

fn has(ps: &[ScenarioError], path: &str, reason_part: &str) -> bool {
    ps.iter().any(|p| p.path == path && p.reason.contains(reason_part))
}

#[test]
fn every_preset_is_valid_and_round_trips() {
    for (name, text) in presets::PRESETS {
        let s = parse_scenario(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(presets::load(name).as_ref(), Some(&s), "{name} loads as parse_scenario reads it");
        let again = serde_json::to_string(&s).expect("serialises");
        assert_eq!(parse_scenario(&again).expect("reloads"), s, "{name} round-trips");
    }
}

#[test]
fn syntax_and_type_errors_name_the_path() {
    let ps = problems("{");
    assert_eq!(ps.len(), 1);
    let mut v = preset_json("cascade");
    v["nodes"][1]["kind"]["replicas"] = serde_json::json!("two");
    let ps = problems(&v.to_string());
    assert_eq!(ps[0].path, "$.nodes[1].kind.replicas", "{ps:?}");
}

#[test]
fn reports_every_problem_at_once() {
    let mut v = preset_json("order-flow");
    v["version"] = 99.into();
    v["links"][0]["to"] = "nowhere".into();
    v["sources"][0]["arrival"]["rate_per_s"] = (-5.0).into();
    v["nodes"][1]["kind"]["error_rate"] = 1.5.into();
    v["links"][1]["transport"]["breaker"]["failure_rate_threshold"] = 0.into();
    v["faults"] = serde_json::json!([{ "target": "ghost", "at_ms": 10, "effect": { "type": "crash" } }]);
    let ps = problems(&v.to_string());
    assert!(has(&ps, "$.version", "unsupported version 99"), "{ps:?}");
    assert!(has(&ps, "$.links[0].to", "unknown node id 'nowhere'"), "{ps:?}");
    assert!(has(&ps, "$.sources[0].arrival.rate_per_s", "above 0"), "{ps:?}");
    assert!(has(&ps, "$.nodes[1].kind.error_rate", "between 0 and 1"), "{ps:?}");
    assert!(has(&ps, "$.links[1].transport.breaker.failure_rate_threshold", "percentage"), "{ps:?}");
    assert!(has(&ps, "$.faults[0].target", "unknown node id 'ghost'"), "{ps:?}");
}

#[test]
fn synchronous_cycles_are_rejected() {
    let mut v = preset_json("cascade");
    v["links"].as_array_mut().expect("links").push(serde_json::json!({
        "id": "pricing-api", "from": "pricing", "to": "order-api",
        "transport": { "type": "request_response" }
    }));
    let ps = problems(&v.to_string());
    assert!(ps.iter().any(|p| p.reason.contains("cycle")), "{ps:?}");
}

#[test]
fn transports_must_join_the_right_kinds() {
    let mut v = preset_json("poison");
    v["links"][1]["transport"] = serde_json::json!({ "type": "request_response" });
    let ps = problems(&v.to_string());
    assert!(has(&ps, "$.links[1].from", "not a queue"), "{ps:?}");
    let mut v = preset_json("poison");
    v["faults"][0]["effect"] = serde_json::json!({ "type": "partition" });
    let ps = problems(&v.to_string());
    assert!(has(&ps, "$.faults[0].target", "not a link id"), "{ps:?}");
}

#[test]
fn duplicate_ids_and_unknown_fields_are_reported() {
    let mut v = preset_json("cascade");
    v["nodes"][2]["id"] = "order-api".into();
    assert!(problems(&v.to_string()).iter().any(|p| p.reason.contains("duplicate node id")));
    let mut v = preset_json("cascade");
    v["nodes"][0]["colour"] = "red".into();
    let ps = problems(&v.to_string());
    assert!(ps[0].reason.contains("colour"), "{ps:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = parse_scenario(&text);
        prop_assert_eq!(parse_scenario_quietly(&text), parse_scenario(&text).ok());
    }

    #[test]
    fn quiet_parsing_accepts_and_rejects_what_parse_scenario_does(pick in 0usize..20, cut in 0usize..4_000, insert in "[\\[\\]{}\",:0-9a-z-]{0,6}") {
        let (_, text) = presets::PRESETS[pick % presets::PRESETS.len()];
        let at = text.char_indices().map(|(i, _)| i).nth(cut % text.len()).unwrap_or(0);
        let mutated = format!("{}{}{}", &text[..at], insert, &text[at..]);
        prop_assert_eq!(parse_scenario_quietly(&mutated), parse_scenario(&mutated).ok());
        let placed = parse_scenario_placed(&mutated);
        let pathed = parse_scenario(&mutated);
        prop_assert_eq!(placed.is_ok(), pathed.is_ok());
        if let (Err(placed), Err(_)) = (&placed, &pathed) {
            prop_assert!(!placed.is_empty() && !placed[0].reason.is_empty());
        }
    }

    #[test]
    fn mutated_presets_never_panic(pick in 0usize..10, cut in 0usize..4_000, insert in "[\\[\\]{}\",:0-9a-z-]{0,6}") {
        let (_, text) = presets::PRESETS[pick % presets::PRESETS.len()];
        let at = text.char_indices().map(|(i, _)| i).nth(cut % text.len()).unwrap_or(0);
        let mutated = format!("{}{}{}", &text[..at], insert, &text[at..]);
        if let Ok(s) = parse_scenario(&mutated) {
            // Whatever still parses must also run.
            let mut sim = patchbay::engine::Simulation::new(s).expect("validated scenarios build");
            sim.run_until(2 * patchbay::engine::SECOND).expect("runs");
        }
    }

    #[test]
    fn numeric_fields_out_of_range_are_errors_not_panics(x in prop_oneof![Just(f64::MAX), Just(-1.0), Just(0.0), Just(1e300), -1e9f64..1e9]) {
        let mut v = preset_json("order-flow");
        v["nodes"][1]["kind"]["processing"] = serde_json::json!({ "type": "exponential", "mean_ms": x });
        v["links"][1]["transport"]["timeout_ms"] = serde_json::json!(x);
        v["sources"][0]["arrival"]["rate_per_s"] = serde_json::json!(x);
        if let Ok(s) = parse_scenario(&v.to_string()) {
            let mut sim = patchbay::engine::Simulation::new(s).expect("valid");
            sim.run_events(5_000).expect("runs");
        }
    }
}

#[test]
fn topics_subscriptions_and_schemas_have_limits_that_name_the_path() {
    let mut v = preset_json("schema-break-dlq");
    let field = |i: usize| serde_json::json!({ "name": format!("f{i}"), "required": false });
    v["nodes"][2]["kind"]["schema"]["fields"] = (0..65).map(field).collect::<Vec<_>>().into();
    v["nodes"][2]["kind"]["schema"]["version"] = 0.into();
    v["links"][2]["transport"]["max_delivery_attempts"] = 4.into();
    v["links"][2]["transport"]["reads"] =
        serde_json::json!([{ "name": "x".repeat(65) }, { "name": "id" }, { "name": "id" }]);
    v["links"][3]["transport"]["max_delivery_attempts"] = serde_json::Value::Null;
    v["links"][1]["to"] = "email".into();
    v["faults"][0]["target"] = "api".into();
    v["sources"][0]["target"] = "orders".into();
    let ps = problems(&v.to_string());
    assert!(has(&ps, "$.nodes[2].kind.schema.fields", "at most 64"), "{ps:?}");
    assert!(has(&ps, "$.nodes[2].kind.schema.version", "between 1 and"), "{ps:?}");
    assert!(has(&ps, "$.links[2].transport.max_delivery_attempts", "between 5 and 100"), "{ps:?}");
    assert!(has(&ps, "$.links[2].transport.reads[0].name", "at most 64"), "{ps:?}");
    assert!(has(&ps, "$.links[2].transport.reads[2].name", "duplicate field 'id'"), "{ps:?}");
    assert!(has(&ps, "$.links[3].transport.on_unreadable", "needs a dead-letter queue"), "{ps:?}");
    assert!(has(&ps, "$.links[1].to", "must end at a topic"), "{ps:?}");
    assert!(has(&ps, "$.faults[0].target", "not a topic; schema_change hits topics"), "{ps:?}");
    assert!(has(&ps, "$.sources[0].target", "is a topic"), "{ps:?}");

    let mut v = preset_json("schema-break");
    v["links"][2]["from"] = "api".into();
    v["links"][3]["to"] = "orders".into();
    v["faults"] = serde_json::json!([{ "target": "orders", "effect": { "type": "crash" } }]);
    v["nodes"][2]["kind"]["registry"] = serde_json::json!({ "mode": "SIDEWAYS" });
    let ps = problems(&v.to_string());
    assert_eq!(ps.len(), 1, "a bad mode is a type error: {ps:?}");
    assert!(ps[0].path.starts_with("$.nodes[2].kind"), "{ps:?}");
    v["nodes"][2]["kind"]["registry"] = serde_json::json!({});
    let ps = problems(&v.to_string());
    assert!(has(&ps, "$.links[2].from", "starts at a topic"), "{ps:?}");
    assert!(has(&ps, "$.links[3].to", "must end at a service"), "{ps:?}");
    assert!(has(&ps, "$.faults[0].target", "not a service"), "{ps:?}");

    let mut v = preset_json("schema-break");
    let mut links = v["links"].as_array().cloned().unwrap_or_default();
    for i in 0..100 {
        let mut l = links[2].clone();
        l["id"] = format!("extra-{i}").into();
        links.push(l);
    }
    v["links"] = links.into();
    let ps = problems(&v.to_string());
    assert!(has(&ps, "$.links[102].from", "more than 100 subscriptions"), "{ps:?}");
}

#[test]
fn subscription_defaults_follow_pub_sub() {
    let v = serde_json::json!({ "type": "subscribe" });
    let t: patchbay::engine::scenario::Transport = serde_json::from_value(v).expect("parses");
    let p = t.subscribe_policy().expect("a subscription").clone();
    assert_eq!((p.ack_deadline_ms, p.max_delivery_attempts, p.prefetch), (10_000.0, Some(5), 1));
    assert_eq!(p.on_unreadable, patchbay::engine::scenario::OnUnreadable::Drop);
    let none: patchbay::engine::scenario::Transport =
        serde_json::from_value(serde_json::json!({ "type": "subscribe", "max_delivery_attempts": null }))
            .expect("parses");
    assert_eq!(none.subscribe_policy().map(|p| p.max_delivery_attempts), Some(None), "null: no DLQ");
    let r: patchbay::engine::scenario::Registry = serde_json::from_value(serde_json::json!({})).expect("parses");
    assert_eq!(r.mode, patchbay::engine::scenario::CompatMode::Backward, "Confluent's default");
}

/// The index of the first item of `list` in `v` whose `field.type` is `ty`.
fn first_of(v: &serde_json::Value, list: &str, field: &str, ty: &str) -> usize {
    v[list].as_array().expect("list").iter().position(|x| x[field]["type"] == ty).expect("an item of that type")
}

#[test]
fn a_wrong_field_inside_any_tagged_object_is_named_at_the_field() {
    // serde alone names the enum (`$.links[2].transport`); each of the
    // format's tagged enums, and one nested in another, must name the field.
    let base = preset_json("seven");
    let read = first_of(&base, "links", "transport", "read");
    let call = first_of(&base, "links", "transport", "request_response");
    let log = first_of(&base, "nodes", "kind", "log");
    let service = first_of(&base, "nodes", "kind", "service");
    let slow = first_of(&base, "faults", "effect", "slow");
    type Spoil = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(Spoil, String, &str)> = vec![
        (
            Box::new(move |v| v["links"][read]["transport"]["static_membership"] = "yes".into()),
            format!("$.links[{read}].transport.static_membership"),
            "expected a boolean",
        ),
        (
            Box::new(move |v| {
                v["links"][call]["transport"]["breaker"] = serde_json::json!({"sliding_window_size": "x"})
            }),
            format!("$.links[{call}].transport.breaker.sliding_window_size"),
            "invalid type",
        ),
        (
            Box::new(move |v| v["links"][call]["latency"] = serde_json::json!({"type": "constant", "ms": "fast"})),
            format!("$.links[{call}].latency.ms"),
            "expected f64",
        ),
        (
            Box::new(move |v| v["nodes"][log]["kind"]["partitions"] = (-1).into()),
            format!("$.nodes[{log}].kind.partitions"),
            "invalid value",
        ),
        (
            Box::new(move |v| {
                v["nodes"][service]["kind"]["processing"] = serde_json::json!({"type": "exponential", "mean_ms": []})
            }),
            format!("$.nodes[{service}].kind.processing.mean_ms"),
            "invalid type",
        ),
        (
            Box::new(move |v| v["faults"][slow]["effect"]["factor"] = "x".into()),
            format!("$.faults[{slow}].effect.factor"),
            "expected f64",
        ),
        (
            Box::new(|v| v["sources"][0]["arrival"]["rate_per_s"] = true.into()),
            "$.sources[0].arrival.rate_per_s".into(),
            "boolean",
        ),
    ];
    for (spoil, path, reason) in cases {
        let mut v = base.clone();
        spoil(&mut v);
        let ps = problems(&v.to_string());
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!(ps[0].path, path, "{ps:?}");
        assert!(ps[0].reason.contains(reason) && !ps[0].reason.contains("line 1"), "{ps:?}");
    }
    // A problem that is the object's own stays at the object, with serde's words.
    let mut v = base.clone();
    v["links"][read]["transport"]["type"] = "teleport".into();
    let ps = problems(&v.to_string());
    assert_eq!(ps[0].path, format!("$.links[{read}].transport.type"), "{ps:?}");
    let mut v = base;
    v["nodes"][service]["kind"] = serde_json::json!({"type": "service", "bogus": 1});
    let ps = problems(&v.to_string());
    assert!(ps[0].path.starts_with(&format!("$.nodes[{service}].kind")) && ps[0].reason.contains("bogus"), "{ps:?}");
}

#[test]
fn bidirectional_overrides_in_labels_are_refused_and_named() {
    let mut v = preset_json("cascade");
    v["nodes"][0]["label"] = serde_json::json!("\u{202e}evil");
    v["name"] = serde_json::json!("a \u{2066}name\u{2069}");
    let ps = problems(&v.to_string());
    assert!(has(&ps, "$.nodes[0].label", "U+202E"), "{ps:?}");
    assert!(has(&ps, "$.name", "U+2066"), "{ps:?}");
    // Right-to-left text itself, emoji and markup are labels like any other.
    v["nodes"][0]["label"] = serde_json::json!("مرحبا 🙂 <b>x</b>");
    v["name"] = serde_json::json!("ok");
    assert!(problems(&v.to_string()).is_empty());
}

#[test]
fn the_page_parser_names_the_field_of_a_type_error_too() {
    // The page and the embed parse without path tracking; the path is found from where serde stopped.
    let mut plain = preset_json("cascade");
    plain["sources"][0]["id"] = serde_json::json!(7);
    let ps = parse_scenario_placed(&plain.to_string()).expect_err("refused");
    assert_eq!(ps[0].path, "$.sources[0].id", "{ps:?}");
    let mut v = preset_json("cascade");
    v["nodes"][1]["kind"]["replicas"] = serde_json::json!("two");
    for text in [v.to_string(), serde_json::to_string_pretty(&v).expect("pretty")] {
        let ps = parse_scenario_placed(&text).expect_err("refused");
        // Inside a tagged object the page names the object (the CLI goes on to the field).
        assert_eq!(ps[0].path, "$.nodes[1].kind", "{ps:?}");
        assert!(ps[0].reason.contains("expected u32") && ps[0].reason.contains("line"), "{ps:?}");
    }
    // A list where the scenario belongs is named as itself, not as its first element.
    assert_eq!(parse_scenario_placed("[[1]]").expect_err("refused")[0].path, "$");
    let mut v = preset_json("cascade");
    v["nodes"] = serde_json::json!({"a": 1});
    assert_eq!(parse_scenario_placed(&v.to_string()).expect_err("refused")[0].path, "$.nodes");
    // Deep nesting stops at serde's recursion limit, with a short path.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let ps = parse_scenario_placed(&deep).expect_err("refused");
    assert!(ps[0].path.len() < 600, "{}", ps[0].path.len());
}
