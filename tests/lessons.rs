//! Every built-in lesson is true: run headless through its steps (its
//! edits at their times, the scenario's seed), each step's numbers meet its
//! `expect` bounds, so the failure shows at the failure step and the fix
//! changes the numbers at the fix step. Also the format's checks: bad
//! lessons are refused with the field and the reason, never a panic.

use patchbay::engine::lesson::{self, metric, parse_lesson, run_to_step, unmet, LESSONS};

#[test]
fn every_builtin_lesson_parses_validates_and_is_true() {
    let mut problems = Vec::new();
    for (name, json) in LESSONS {
        let lesson = match parse_lesson(json) {
            Ok(l) => l,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        assert_eq!(&lesson.name, name, "a lesson's name is its file's");
        assert_eq!(lesson::builtin(name).as_ref(), Some(&lesson), "{name} loads quietly too");
        for k in 0..lesson.steps.len() {
            let sim = match run_to_step(&lesson, k) {
                Ok(s) => s,
                Err(e) => {
                    problems.push(format!("{name} step {}: {e}", k + 1));
                    continue;
                }
            };
            let shown: Vec<String> = lesson
                .watch_of(k)
                .iter()
                .map(|key| format!("{key}={}", metric::value(key, &sim).map_or("?".into(), |v| v.to_string())))
                .collect();
            println!("{name} step {} at {} s: {}", k + 1, lesson.time_of(k), shown.join(" "));
            for u in unmet(&lesson, k, &sim) {
                problems.push(format!("{name}: {u}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_type_has_a_lesson_with_a_failure_and_a_fix() {
    for (name, _) in LESSONS {
        let l = lesson::builtin(name).expect("valid");
        // A fix step changes the run from the start on the same seed.
        let fix = l.steps.iter().position(|s| !s.edits.is_empty() && s.at_s == Some(0.0));
        assert!(fix.is_some(), "{name} has no fix step");
        let fix = fix.unwrap_or_default();
        assert!(fix > 0 && !l.steps[fix - 1].expect.is_empty(), "{name}: a failure step with numbers before the fix");
        assert!(!l.steps[fix].expect.is_empty(), "{name}: the fix says what it changes");
    }
    assert_eq!(LESSONS.len(), 9);
}

#[test]
fn the_plan_of_a_step_holds_every_edit_so_far_in_time_order() {
    let l = lesson::builtin("latency-budget").expect("valid");
    let p = l.plan(1);
    assert_eq!(p.edits.len(), 1);
    assert_eq!(p.edits[0].at_ms, 8_000.0);
    assert_eq!(p.until_ms, 9_900.0);
    let p = l.plan(2);
    assert_eq!(p.edits.iter().map(|e| e.at_ms).collect::<Vec<_>>(), vec![0.0, 8_000.0]);
    // Past the end is the last step.
    assert_eq!(l.plan(99), p);
}

#[test]
fn the_same_step_reached_twice_is_the_same_run() {
    let l = lesson::builtin("queue").expect("valid");
    let a = run_to_step(&l, 2).expect("runs");
    let b = run_to_step(&l, 2).expect("runs");
    assert_eq!(a.metrics().orders.placed, b.metrics().orders.placed);
    assert_eq!(metric::value("crashes:payment-workers", &a), metric::value("crashes:payment-workers", &b));
}

fn bad(json: &str) -> (String, String) {
    match parse_lesson(json) {
        Err(e) => (e.path, e.reason),
        Ok(_) => (String::from("accepted"), String::new()),
    }
}

const GOOD: &str =
    r#"{"version":1,"name":"x","title":"X","scenario":"poison","steps":[{"text":"Hi","focus":"payments"}]}"#;

#[test]
fn bad_lessons_name_the_field_and_the_reason() {
    assert!(parse_lesson(GOOD).is_ok());
    let cases = [
        (GOOD.replace("\"version\":1", "\"version\":2"), "$.version"),
        (GOOD.replace("\"name\":\"x\"", "\"name\":\"Bad Name\""), "$.name"),
        (GOOD.replace("poison\"", "nope\""), "$.scenario"),
        (GOOD.replace("\"focus\":\"payments\"", "\"focus\":\"nowhere\""), "$.steps[0].focus"),
        (GOOD.replace("\"text\":\"Hi\"", "\"text\":\" \""), "$.steps[0].text"),
        (GOOD.replace("\"text\":\"Hi\"", "\"text\":\"Hi\",\"until_s\":-1"), "$.steps[0].until_s"),
        (GOOD.replace("\"text\":\"Hi\"", "\"text\":\"Hi\",\"at_s\":5,\"until_s\":2"), "$.steps[0].at_s"),
        (GOOD.replace("\"text\":\"Hi\"", "\"text\":\"Hi\",\"watch\":[\"dlq\"]"), "$.steps[0].watch[0]"),
        (GOOD.replace("\"text\":\"Hi\"", "\"text\":\"Hi\",\"watch\":[\"dlq:nowhere\"]"), "$.steps[0].watch[0]"),
        (
            GOOD.replace("\"text\":\"Hi\"", "\"text\":\"Hi\",\"expect\":[{\"metric\":\"orders_ok\"}]"),
            "$.steps[0].expect[0]",
        ),
        (
            GOOD.replace(
                "\"text\":\"Hi\"",
                "\"text\":\"Hi\",\"edits\":[{\"type\":\"remove_link\",\"link\":\"nowhere\"}]",
            ),
            "$.steps[0].edits[0]",
        ),
        (GOOD.replace("\"text\":\"Hi\"", "\"text\":\"Hi\",\"colour\":1"), "$.steps[0]"),
        (GOOD.replace("\"steps\":[{\"text\":\"Hi\",\"focus\":\"payments\"}]", "\"steps\":[]"), "$.steps"),
        (format!("{GOOD} x"), "$"),
    ];
    for (json, path) in cases {
        let (p, reason) = bad(&json);
        assert!(p.starts_with(path), "{json}: {p} {reason}");
        assert!(!reason.is_empty());
    }
}

#[test]
fn hostile_text_is_refused_without_a_panic() {
    for json in ["", "{", "[]", "null", "{\"version\":1}", &"[".repeat(10_000), &"x".repeat(300_000)] {
        assert!(parse_lesson(json).is_err());
    }
    // Said in the format's terms, not serde's ("expected struct Lesson").
    for (json, found) in [("", "the text is empty"), ("[]", "starts with a list"), ("null", "starts with null")] {
        let (path, reason) = bad(json);
        assert_eq!(path, "$");
        assert!(reason.contains(found) && reason.contains("a lesson is a JSON object"), "{json:?}: {reason}");
    }
}

#[test]
fn docs_list_every_metric_and_every_lesson() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/lessons.md")).expect("docs/lessons.md");
    for name in metric::names() {
        assert!(doc.contains(&format!("`{name}")), "docs/lessons.md does not list the metric {name}");
    }
    for name in lesson::names() {
        assert!(doc.contains(&format!("`{name}`")), "docs/lessons.md does not list the lesson {name}");
    }
}

/// A lesson reads every edit the way the page and the CLI write it, and
/// refuses those that would change its scenario's shape, naming the edit.
#[test]
fn lesson_edits_are_the_engines_and_shape_changes_are_refused() {
    let lesson = |edit: &str| {
        format!(
            r#"{{"version":1,"name":"t","title":"T","scenario":"cascade","watch":["orders_ok"],"steps":[{{"text":"a","until_s":1}},{{"text":"b","edits":[{edit}],"until_s":2}}]}}"#
        )
    };
    let ok = patchbay::engine::lesson::parse_lesson(&lesson(
        r#"{"type":"move_node","node":"pricing","position":{"x":1.0,"y":2.0}}"#,
    ));
    assert!(ok.is_ok(), "{ok:?}");
    let refused = patchbay::engine::lesson::parse_lesson(&lesson(r#"{"type":"remove_node","node":"pricing"}"#))
        .expect_err("a lesson keeps its shape");
    assert_eq!(refused.path, "$.steps[1].edits[0]");
    assert!(refused.reason.contains("keeps its scenario's shape"), "{}", refused.reason);
}
