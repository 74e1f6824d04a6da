//! The rewritten readers against serde's derived ones on the same inputs:
//! the same values, and the same messages at the same places.

use serde::{Deserialize, Deserializer};

use super::super::scenario::{Arrival, ClientSpec, Transport};
use super::super::tagged::{deserialize, Form};

// Its fields are read through `Debug` only.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum DerivedArrival {
    Poisson { rate_per_s: f64 },
    Constant { rate_per_s: f64 },
    Burst { at_ms: f64, count: u32 },
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum DerivedKind {
    Client(ClientSpec),
    Publish,
}

#[derive(Debug)]
enum OurKind {
    Client(ClientSpec),
    Publish,
}

/// What reading `{"x": <text>}` gives: the value's debug text or the
/// error's path and message (with its line and column).
fn outcome<T: for<'de> Deserialize<'de> + std::fmt::Debug>(text: &str) -> String {
    #[derive(Debug, Deserialize)]
    struct Outer<T> {
        #[allow(dead_code)]
        x: T,
    }
    let wrapped = format!("{{\"x\": {text}}}");
    let mut de = serde_json::Deserializer::from_str(&wrapped);
    let text = match serde_path_to_error::deserialize::<_, Outer<T>>(&mut de) {
        Ok(v) => format!("{:?}", v.x),
        Err(e) => format!("{} | {}", e.path().clone(), e.into_inner()),
    };
    text.replace("Derived", "")
}

const ARRIVALS: &[&str] = &[
    r#"{"type": "poisson", "rate_per_s": 2.5}"#,
    r#"{"rate_per_s": 2.5, "type": "constant"}"#,
    r#"{"type": "burst", "at_ms": 1e3, "count": 7}"#,
    r#"{"type": "burst", "at_ms": 10, "count": 7.0}"#,
    r#"{"type": "burst", "at_ms": 10, "count": -1}"#,
    r#"{"type": "poisson"}"#,
    r#"{"type": "poisson", "rate_per_s": 1, "rate": 2}"#,
    r#"{"type": "poisson", "rate_per_s": 1, "rate_per_s": 2}"#,
    r#"{"type": "poisson", "type": "poisson", "rate_per_s": 1}"#,
    r#"{"type": "nope", "rate_per_s": 1}"#,
    r#"{"type": 3, "rate_per_s": 1}"#,
    r#"{"rate_per_s": 1}"#,
    r#"{}"#,
    r#"["poisson", 4]"#,
    r#"["poisson"]"#,
    r#"[]"#,
    r#"["burst", 10, 7, 9]"#,
    r#"["burst", 10]"#,
    r#"["poisson", 4, 5]"#,
    r#"["poisson", {"a": 1}]"#,
    r#"{"type": "poisson", "rate_per_s": 1e999}"#,
    r#"{"type": "poisson", "rate_per_s": 123456789.12345678901234}"#,
    r#""poisson""#,
    r#"null"#,
    r#"{"type": "poisson", "rate_per_s": "fast"}"#,
    r#"{"type": "poisson", "rate_per_s": 0.30000000000000004}"#,
    r#"{"type": "poisson", "rate_per_s": 1,}"#,
    r#"{"type": "poisson", "rate_per_s": [1, {"a": tru}]}"#,
    r#"{"type": "poisson", "rate\"_per_s": 1}"#,
];

/// Two readers agree on `text`: the same value, or the same error at the
/// same place. Known differences, all only for malformed input: a syntax
/// error inside a field is placed at that field rather than deeper (its
/// line and column are the same), a number out of range (`1e999`) at the
/// enum's object with the position of its end, and too many elements in
/// serde's array form of a variant (`["burst", 10, 7, 9]`, which nothing
/// writes) are "trailing characters" rather than "invalid length"; both
/// are refused all the same.
fn agree(ours: String, serdes: String, text: &str) {
    if ours == serdes {
        return;
    }
    let (our_path, our_reason) = ours.split_once(" | ").unwrap_or_default();
    let (serde_path, serde_reason) = serdes.split_once(" | ").unwrap_or_default();
    let position = |r: &str| r.rsplit_once(" at line ").map(|(_, p)| p.to_string());
    let reason = |r: &str| r.rsplit_once(" at line ").map_or(r.to_string(), |(m, _)| m.to_string());
    let syntax = our_reason == serde_reason && serde_path.starts_with(our_path);
    let range = reason(our_reason) == "number out of range" && reason(serde_reason) == "number out of range";
    let array_form = text.starts_with('[')
        && our_path == serde_path
        && our_reason.starts_with("trailing characters")
        && serde_reason.starts_with("invalid length")
        && position(our_reason) == position(serde_reason);
    assert!(syntax || range || array_form, "{text}\n ours: {ours}\nserde: {serdes}");
}

#[test]
fn struct_variants_read_as_serde_reads_them() {
    for text in ARRIVALS {
        agree(outcome::<Arrival>(text), outcome::<DerivedArrival>(text), text);
    }
}

#[test]
fn newtype_and_unit_variants_read_as_serde_reads_them() {
    for text in [
        r#"{"type": "client"}"#,
        r#"{"type": "client", "extra": 1}"#,
        r#"{"type": "publish", "extra": {"any": [1, 2]}}"#,
        r#"["publish", 1, 2]"#,
        r#"["client", 1]"#,
        r#"["client"]"#,
        r#"["publish"]"#,
        r#"{"type": "enqueue"}"#,
    ] {
        agree(outcome::<OurKind>(text), outcome::<DerivedKind>(text), text);
    }
    assert_eq!(outcome::<Transport>(r#"{"type": "publish", "x": 1}"#), "Publish");
}

tagged_deserialize!(OurKind, OurKindTwin, "DerivedKind", ["client", "publish"], ["publish"]);

#[derive(Deserialize)]
#[serde(remote = "OurKind", rename_all = "snake_case", deny_unknown_fields)]
enum OurKindTwin {
    Client(ClientSpec),
    Publish,
}
