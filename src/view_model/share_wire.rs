//! Links of format 1, read by upgrading their text to format 2.
//!
//! Format 1 wrote each [`crate::engine::Edit`] externally tagged
//! (`{"move_node":{"node":…}}`) through a mirror enum, because serde reads
//! an internally tagged enum through a buffer. That mirror's reader and
//! writer were about 36 KB of wasm, more than the buffer they avoided, so
//! format 2 writes edits in the engine's own form (`{"type":"move_node",
//! "node":…}`), the form the CLI, the lessons and the embed API read.
//!
//! A format 1 link is still opened: its JSON is read as a plain value, each
//! edit object `{"name":{fields}}` becomes `{"type":"name",fields}`, and the
//! text goes through format 2's reader. Nothing else in the two formats
//! differs.

use serde_json::{Map, Value};

/// Format 1's JSON state, rewritten as format 2's. An edit that does not
/// have format 1's shape is left as it is, for format 2's reader to refuse
/// with its own message.
pub fn upgrade_v1(json: &str) -> Result<String, serde_json::Error> {
    let mut state: Value = serde_json::from_str(json)?;
    if let Some(ops) = state.get_mut("ops").and_then(Value::as_array_mut) {
        for op in ops {
            if let Some(edit) = op.get_mut("e").and_then(|e| e.get_mut("edit")) {
                retag(edit);
            }
            if let Some(edits) = op.get_mut("r").and_then(|r| r.get_mut("edits")).and_then(Value::as_array_mut) {
                edits.iter_mut().for_each(retag);
            }
        }
    }
    serde_json::to_string(&state)
}

/// `{"name":{fields}}` → `{"type":"name",fields}`.
fn retag(edit: &mut Value) {
    let Value::Object(outer) = edit else { return };
    if outer.len() != 1 {
        return;
    }
    let Some((name, Value::Object(fields))) = outer.iter().next() else { return };
    if fields.contains_key("type") {
        return;
    }
    let mut tagged = Map::new();
    tagged.insert("type".to_owned(), Value::String(name.clone()));
    tagged.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    *edit = Value::Object(tagged);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_retagged_and_nothing_else_changes() {
        let v1 = r#"{"p":"seven","seed":42,"sp":1.0,"ops":[{"e":{"n":3,"t":9,"edit":{"move_node":{"node":"a","position":{"x":1.0,"y":2.0}}}}},{"r":{"n":4,"t":9,"edits":[{"remove_node":{"node":"b"}}]}},{"s":{"n":5,"t":9,"seed":7}}],"at":[5,9]}"#;
        let v2: Value = serde_json::from_str(&upgrade_v1(v1).expect("reads")).expect("json");
        let want: Value = serde_json::from_str(
            r#"{"p":"seven","seed":42,"sp":1.0,"ops":[{"e":{"n":3,"t":9,"edit":{"type":"move_node","node":"a","position":{"x":1.0,"y":2.0}}}},{"r":{"n":4,"t":9,"edits":[{"type":"remove_node","node":"b"}]}},{"s":{"n":5,"t":9,"seed":7}}],"at":[5,9]}"#,
        )
        .expect("json");
        assert_eq!(v2, want);
    }

    #[test]
    fn shapes_that_are_not_format_1_edits_are_left_for_the_reader_to_refuse() {
        for text in [
            r#"{"ops":[{"e":{"edit":{"a":1,"b":2}}}]}"#,
            r#"{"ops":[{"e":{"edit":{"move_node":7}}}]}"#,
            r#"{"ops":[{"e":{"edit":"move_node"}}]}"#,
            r#"{"ops":"none"}"#,
            r#"[]"#,
        ] {
            let once = upgrade_v1(text).expect("valid JSON stays readable");
            assert_eq!(serde_json::from_str::<Value>(&once).ok(), serde_json::from_str::<Value>(text).ok(), "{text}");
        }
        assert!(upgrade_v1("{").is_err());
    }
}
