//! Bad scenarios are values that name the JSON path and the reason; no input panics.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
