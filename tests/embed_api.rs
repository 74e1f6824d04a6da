//! The embed protocol: every command read, malformed and unknown messages
//! refused with a reason, limits, origins, URL options and the snippet.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::presets;
use patchbay::engine::Edit;
use patchbay::view_model::embed_api::*;

fn ok(text: &str) -> Request {
    parse_message(text).unwrap_or_else(|r| panic!("refused {text}: {}", r.message))
}

fn refused(text: &str) -> Refusal {
    match parse_message(text) {
        Ok(r) => panic!("accepted {text}: {r:?}"),
        Err(r) => r,
    }
}

#[test]
fn every_command_is_read() {
    assert_eq!(ok(r#"{"patchbay":1,"type":"play"}"#).command, Command::Play);
    assert_eq!(
        ok(r#"{"patchbay":1,"type":"pause","id":7}"#),
        Request { id: Some(MessageId::Number(7)), command: Command::Pause }
    );
    assert_eq!(ok(r#"{"patchbay":1,"type":"step","id":"a"}"#).id, Some(MessageId::Text("a".into())));
    assert_eq!(ok(r#"{"patchbay":1,"type":"get_metrics"}"#).command, Command::GetMetrics);
    assert_eq!(ok(r#"{"patchbay":1,"type":"set_speed","speed":2.5}"#).command, Command::SetSpeed(2.5));
    assert_eq!(
        ok(r#"{"patchbay":1,"type":"load_preset","name":"cascade"}"#).command,
        Command::LoadPreset("cascade".into())
    );
    assert_eq!(
        ok(r#"{"patchbay":1,"type":"go_to_lesson_step","lesson":"retries","step":2}"#).command,
        Command::GoToLessonStep { lesson: "retries".into(), step: 2 }
    );
    let edits = ok(
        r#"{"patchbay":1,"type":"apply_edits","edits":[{"type":"apply_fault","fault":{"target":"inventory","effect":{"type":"crash"}}}]}"#,
    );
    match edits.command {
        Command::ApplyEdits(list) => assert!(matches!(list.as_slice(), [Edit::ApplyFault { .. }])),
        other => panic!("{other:?}"),
    }
    let scenario = presets::load("cascade").unwrap();
    let json = serde_json::to_string(&scenario).unwrap();
    let msg = format!(r#"{{"patchbay":1,"type":"load_scenario","scenario":{json}}}"#);
    assert_eq!(ok(&msg).command, Command::LoadScenario(Box::new(scenario)));
    // Every command name listed in `ready` is one parse_message knows.
    for name in COMMANDS {
        let r = parse_message(&format!(r#"{{"patchbay":1,"type":"{name}"}}"#));
        assert!(!matches!(r, Err(Refusal { code: "unknown_type", .. })), "{name}");
    }
}

#[test]
fn malformed_messages_are_refused_with_a_reason() {
    assert_eq!(refused("not json").code, "malformed");
    assert_eq!(refused("[1,2]").code, "malformed");
    assert_eq!(refused(r#""play""#).code, "malformed");
    assert_eq!(refused(r#"{"type":"play"}"#).code, "malformed");
    assert_eq!(refused(r#"{"patchbay":1}"#).code, "malformed");
    assert_eq!(refused(r#"{"patchbay":1,"type":5}"#).code, "malformed");
    assert_eq!(refused(r#"{"patchbay":1,"type":"play","id":-1}"#).code, "malformed");
    assert_eq!(refused(r#"{"patchbay":1,"type":"play","id":{"x":1}}"#).code, "malformed");
    let long_id = "x".repeat(MAX_NAME_CHARS + 1);
    assert_eq!(refused(&format!(r#"{{"patchbay":1,"type":"play","id":"{long_id}"}}"#)).code, "malformed");
}

#[test]
fn other_versions_and_unknown_types_are_refused_keeping_the_id() {
    let r = refused(r#"{"patchbay":2,"type":"play","id":3}"#);
    assert_eq!((r.code, r.id), ("version", Some(MessageId::Number(3))));
    let r = refused(r#"{"patchbay":1,"type":"eval","id":"q"}"#);
    assert_eq!((r.code, r.id.clone()), ("unknown_type", Some(MessageId::Text("q".into()))));
    assert!(r.message.contains("\"eval\""), "{}", r.message);
    assert_eq!(refused(r#"{"patchbay":1,"type":"play","extra":1}"#).code, "invalid");
}

#[test]
fn command_fields_are_checked() {
    for bad in [
        r#"{"patchbay":1,"type":"set_speed"}"#,
        r#"{"patchbay":1,"type":"set_speed","speed":"fast"}"#,
        r#"{"patchbay":1,"type":"set_speed","speed":0}"#,
        r#"{"patchbay":1,"type":"set_speed","speed":1000}"#,
        r#"{"patchbay":1,"type":"load_preset"}"#,
        r#"{"patchbay":1,"type":"load_preset","name":""}"#,
        r#"{"patchbay":1,"type":"load_preset","name":3}"#,
        r#"{"patchbay":1,"type":"load_scenario","scenario":"{}"}"#,
        r#"{"patchbay":1,"type":"load_scenario","scenario":{"version":1}}"#,
        r#"{"patchbay":1,"type":"apply_edits","edits":[]}"#,
        r#"{"patchbay":1,"type":"apply_edits","edits":{}}"#,
        r#"{"patchbay":1,"type":"apply_edits","edits":[{"type":"format_disk"}]}"#,
        r#"{"patchbay":1,"type":"go_to_lesson_step","lesson":"a","step":0}"#,
        r#"{"patchbay":1,"type":"go_to_lesson_step","lesson":"a"}"#,
        r#"{"patchbay":1,"type":"go_to_lesson_step","step":1}"#,
    ] {
        assert_eq!(refused(bad).code, "invalid", "{bad}");
    }
    let r = refused(r#"{"patchbay":1,"type":"load_scenario","scenario":{"version":1}}"#);
    assert!(r.message.starts_with("The scenario is not valid"), "{}", r.message);
}

#[test]
fn limits_hold() {
    let big = format!(r#"{{"patchbay":1,"type":"play","pad":"{}"}}"#, "x".repeat(MAX_MESSAGE_BYTES));
    assert_eq!(refused(&big).code, "too_large");
    let edit = r#"{"type":"clear_fault","index":0}"#;
    let many = vec![edit; MAX_EDITS + 1].join(",");
    assert_eq!(refused(&format!(r#"{{"patchbay":1,"type":"apply_edits","edits":[{many}]}}"#)).code, "invalid");
    let enough = vec![edit; MAX_EDITS].join(",");
    assert!(parse_message(&format!(r#"{{"patchbay":1,"type":"apply_edits","edits":[{enough}]}}"#)).is_ok());
    // Deep nesting is refused by the JSON reader, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(refused(&deep).code, "malformed");
}

#[test]
fn a_lesson_that_does_not_exist_is_named_in_the_error() {
    let r = check_lesson_step("retries-101", 1, &Some(MessageId::Number(4))).unwrap_err();
    assert_eq!(r.code, "failed");
    assert!(r.message.contains("\"retries-101\""), "{}", r.message);
    assert_eq!(r.id, Some(MessageId::Number(4)));
    assert!(check_lesson_step("queue", 1, &None).is_ok(), "a built-in lesson");
    let past = check_lesson_step("queue", 99, &None).unwrap_err();
    assert!(past.message.contains("there is no step 99"), "{}", past.message);
}

#[test]
fn events_carry_the_version_and_are_plain_json() {
    let text =
        event_json(&Outgoing::Error { id: Some(MessageId::Number(1)), code: "malformed", message: "<b>x</b>".into() });
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["patchbay"], 1);
    assert_eq!(v["type"], "error");
    assert_eq!(v["id"], 1);
    assert_eq!(v["message"], "<b>x</b>");
    let text = event_json(&Outgoing::Ready { scenario: "cascade".into(), commands: COMMANDS.to_vec() });
    assert!(text.contains(r#""type":"ready""#), "{text}");
    let text = event_json(&Outgoing::Metrics { id: None, metrics: MetricsSnapshot::default() });
    assert!(text.contains(r#""orders_completed":0"#) && !text.contains("\"id\""), "{text}");
}

#[test]
fn an_alert_names_a_link_in_words_not_with_an_arrow() {
    let text = event_json(&Outgoing::alert("Circuit breaker on Inventory → Pricing is now open.", 9_000));
    assert_eq!(
        text,
        r#"{"patchbay":1,"type":"alert","text":"Circuit breaker on Inventory to Pricing is now open.","at_ms":9000}"#
    );
}

fn params(pairs: &[(&str, &str)]) -> EmbedOptions {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    EmbedOptions::from_params(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
}

#[test]
fn url_options_are_read() {
    let o = params(&[]);
    assert!(!o.embed && !o.autoplay);
    assert_eq!(o.controls, DEFAULT_CONTROLS.to_vec());
    assert_eq!(o.theme, Theme::Auto);
    let o = params(&[("embed", "1"), ("controls", "speed, play,bogus,editor"), ("autoplay", "1"), ("theme", "dark")]);
    assert!(o.embed && o.autoplay);
    assert_eq!(o.controls, vec!["play", "speed", "editor"]);
    assert_eq!(o.controls_attr(), "play speed editor");
    assert_eq!(o.theme, Theme::Dark);
    assert_eq!(params(&[("theme", "neon")]).theme, Theme::Auto);
    assert!(params(&[("controls", "")]).controls.is_empty());
    assert_eq!(o.notes.len(), 1, "bogus is said: {:?}", o.notes);
    assert_eq!(params(&[("embed", "0"), ("controls", "play")]).notes.len(), 1, "controls outside embed mode are said");
}

#[test]
fn values_the_page_cannot_use_are_said_with_what_it_did_instead() {
    let notes = |pairs: &[(&str, &str)]| params(pairs).notes;
    assert!(notes(&[("embed", "1"), ("controls", "play, step"), ("theme", "auto")]).is_empty());
    assert!(notes(&[("embed", "0")]).is_empty(), "0 is a plain no");
    assert!(notes(&[("embed", "1"), ("controls", ",,,")]).is_empty(), "an empty list asks for none");
    assert_eq!(
        notes(&[("theme", "neon")]),
        ["?theme=neon is not light, dark or auto, so the colours follow your system's."]
    );
    assert_eq!(notes(&[("embed", "2")]), ["?embed=2 is not 1 or 0, so the page opens in full."]);
    assert_eq!(
        notes(&[("embed", "1"), ("controls", ",,,xyz")]),
        ["?controls=,,,xyz: the page has no control called xyz, so the controls shown are: none."]
    );
    assert_eq!(
        notes(&[("embed", "1"), ("controls", "play,xyz,spede,step")]),
        ["?controls=play,xyz,spede,step: the page has no control called xyz or spede, so the controls shown are: play, step."]
    );
    assert_eq!(
        notes(&[("embed", "1"), ("autoplay", "yes")]),
        ["?autoplay=yes is not 1 or 0, so the run starts paused."]
    );
    assert_eq!(notes(&[("autoplay", "true")]), ["?autoplay=true is not 1 or 0, so the run plays as usual."]);
    assert!(notes(&[("embed", "1"), ("autoplay", "0")]).is_empty() && notes(&[("autoplay", "1")]).is_empty());
    assert_eq!(
        notes(&[("controls", "play,step")]),
        ["?controls=play,step only applies with ?embed=1, so every control is shown."]
    );
    assert_eq!(
        notes(&[("embed", "1"), ("origin", "https://a.example, ftp://b.example,,*")]),
        ["?origin=: ftp://b.example and * are not origins such as https://example.com, so they are left out; commands are read from https://a.example."]
    );
    assert_eq!(
        notes(&[("embed", "1"), ("origin", "a.example")]),
        ["?origin=: a.example is not an origin such as https://example.com, so it is left out; commands are read from no page."]
    );
    assert!(notes(&[("embed", "1"), ("origin", "https://a.example,http://b.example:8080")]).is_empty());
    let long = "x".repeat(500);
    let note = &notes(&[("theme", long.as_str())])[0];
    assert!(note.len() < 120, "quoted short: {note}");
}

#[test]
fn the_origin_list_is_enforced() {
    let any = params(&[]);
    assert!(any.allows("https://anyone.example"));
    assert_eq!(any.targets(), vec!["*"]);
    let o =
        params(&[("origin", "https://a.example, https://b.example:8443,*,javascript:alert(1),https://c.example/path")]);
    assert_eq!(o.origins, vec!["https://a.example", "https://b.example:8443"]);
    assert!(o.allows("https://a.example"));
    assert!(!o.allows("https://evil.example"));
    assert!(!o.allows("null"));
    assert_eq!(o.targets(), o.origins);
    // A list the author gave with nothing usable in it fails closed: no page
    // may command the embed and no events are posted, rather than everyone.
    let none = params(&[("origin", "a.example, *")]);
    assert!(!none.allows("https://a.example"));
    assert!(!none.allows("null"));
    assert!(none.targets().is_empty());
    // An empty value names nothing: no list, as without the parameter.
    let empty = params(&[("origin", " , ")]);
    assert!(empty.allows("https://anyone.example"));
    assert_eq!(empty.targets(), vec!["*"]);
    let many = (0..20).map(|i| format!("https://h{i}.example")).collect::<Vec<_>>().join(",");
    assert_eq!(parse_origins(&many).len(), MAX_ORIGINS);
}

#[test]
fn the_snippet_is_a_sandboxed_iframe_with_the_choices() {
    let c = SnippetChoice {
        base: "https://x.example/patchbay/".into(),
        scenario: "cascade".into(),
        controls: vec!["play", "speed"],
        theme: Theme::Dark,
        autoplay: true,
        seed: None,
        height: 480,
    };
    assert_eq!(
        embed_url(&c),
        "https://x.example/patchbay/?embed=1&scenario=cascade&controls=play,speed&theme=dark&autoplay=1"
    );
    let seeded = SnippetChoice { seed: Some(7), ..c.clone() };
    assert_eq!(
        embed_url(&seeded),
        "https://x.example/patchbay/?embed=1&scenario=cascade&controls=play,speed&theme=dark&seed=7&autoplay=1"
    );
    let s = snippet(&c);
    assert!(s.starts_with("<iframe src=\"https://x.example/patchbay/?embed=1&amp;scenario=cascade"), "{s}");
    assert!(s.contains("sandbox=\"allow-scripts\"") && s.contains("height=\"480\""), "{s}");
    let odd = SnippetChoice { scenario: "a\"><script>".into(), ..c };
    assert!(!snippet(&odd).contains("<script>"), "{}", snippet(&odd));
}
