//! Reading scenarios (and edit lists) from JSON text: size limit, syntax
//! and type errors with the JSON path of the problem, nothing after the
//! object; then the semantic checks of `validate.rs`.

mod path_at;

use super::error::ScenarioError;
use super::limits::MAX_SCENARIO_BYTES;
use super::scenario::*;
use super::validate::validate;

/// A serde path (`nodes[2].kind`, `[0].edit`, `.`) written as a JSON path (`$.nodes[2].kind`, `$[0].edit`, `$`).
pub(crate) fn json_path(path: &str) -> String {
    let path = path.trim_start_matches('.');
    if path.is_empty() {
        "$".to_string()
    } else if path.starts_with('[') {
        format!("${path}")
    } else {
        format!("$.{path}")
    }
}

/// A scenario or a lesson is a JSON object (`{`), an edit list a JSON list
/// (`[`): `what` names it with its article and its form ("a scenario is a
/// JSON object ({ … })"). serde would also read a struct from a list of its
/// fields in order, and names the problem of a wrong start in its own terms
/// ("expected a string at line 1 column 4"); this says what was found
/// instead, in the format's terms.
pub(crate) fn wrong_start(json: &str, opener: u8, what: &str) -> Option<ScenarioError> {
    let first = json.bytes().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    let found = match first {
        None => return Some(ScenarioError::new("$", format!("the text is empty; {what}"))),
        Some(b) if b == opener => return None,
        Some(b'{') => "an object",
        Some(b'[') => "a list",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "true or false",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "a number",
        Some(_) => "text that is not JSON",
    };
    Some(ScenarioError::new("$", format!("{what}; this text starts with {found}")))
}

/// The problems every scenario reader checks before serde: the size limit,
/// and a text that is empty or not an object.
fn precheck(json: &str) -> Result<(), ScenarioError> {
    if json.len() > MAX_SCENARIO_BYTES {
        return Err(ScenarioError::new(
            "$",
            format!("the scenario is {} bytes; at most {MAX_SCENARIO_BYTES} bytes are read", json.len()),
        ));
    }
    wrong_start(json, b'{', "a scenario is a JSON object ({ … })").map_or(Ok(()), Err)
}

/// Parses and validates a scenario from JSON text.
pub fn parse_scenario(json: &str) -> Result<Scenario, Vec<ScenarioError>> {
    precheck(json).map_err(|e| vec![e])?;
    let mut de = serde_json::Deserializer::from_str(json);
    let scenario: Scenario = match serde_path_to_error::deserialize(&mut de) {
        Ok(s) => s,
        Err(e) => {
            let path = e.path().to_string();
            let reason = e.into_inner().to_string();
            let (path, reason) = refine_tagged(json, path, reason);
            return Err(vec![ScenarioError::new(json_path(&path), reason)]);
        }
    };
    if let Err(e) = de.end() {
        return Err(vec![ScenarioError::new("$", format!("unexpected text after the scenario object: {e}"))]);
    }
    validate(&scenario)?;
    Ok(scenario)
}

/// Parses and validates a scenario like [`parse_scenario`], accepting and
/// rejecting exactly the same texts, but without saying why: no JSON path is
/// tracked. For texts known to be valid (the built-in presets), where the
/// reason would be thrown away: it keeps `serde_path_to_error`'s per-type
/// copies of every `Deserialize` impl out of the web app (about 78 KB of the
/// release wasm, docs/performance.md).
pub fn parse_scenario_quietly(json: &str) -> Option<Scenario> {
    precheck(json).ok()?;
    // `from_str` also rejects text after the scenario object, as `parse_scenario` does.
    let scenario: Scenario = serde_json::from_str(json).ok()?;
    validate(&scenario).ok()?;
    Some(scenario)
}

/// Parses and validates a scenario like [`parse_scenario`], accepting and
/// rejecting exactly the same texts; a syntax or type error is placed by
/// line and column rather than by JSON path, and the validator's problems
/// are named by path as always. For the web app's import: path tracking
/// would add a second copy of every `Deserialize` impl to the download
/// (about 64 KB raw, docs/performance.md).
pub fn parse_scenario_placed(json: &str) -> Result<Scenario, Vec<ScenarioError>> {
    precheck(json).map_err(|e| vec![e])?;
    let scenario: Scenario = serde_json::from_str(json).map_err(|e| {
        // The field, found from where serde stopped; the line and column
        // stay in the reason. Inside a tagged enum (`"type": …`) serde stops
        // at the end of its object, so the path names the object (`kind`),
        // not the field in it: going further, as the CLI's `refine_tagged`
        // does, reads each variant with path tracking, about 57 KB gzipped
        // more in the wasm.
        let mut path = path_at::path_at(json, e.line(), e.column()).unwrap_or_default();
        // A list where something else belongs is reported just inside its
        // `[`: the path is the list's own, not its first element's.
        let reason = e.to_string();
        if reason.starts_with("invalid type: sequence") && path.ends_with("[0]") {
            path.truncate(path.len() - 3);
        }
        vec![ScenarioError::new(json_path(&path), reason)]
    })?;
    validate(&scenario)?;
    Ok(scenario)
}

/// serde reports any problem inside an internally tagged enum (`"type": ...`)
/// at the enum itself (`links[2].transport`); this reads that object again
/// to name the field at fault (`links[2].transport.static_membership`),
/// going down through tagged enums inside it (a service's `processing`).
/// `path` and `reason` are serde's; what comes back replaces them.
pub(crate) fn refine_tagged(json: &str, path: String, reason: String) -> (String, String) {
    let Ok(root) = serde_json::from_str::<serde_json::Value>(json) else { return (path, reason) };
    let (mut path, mut reason) = (path, reason);
    // Each round goes one tagged enum deeper; the format nests a few.
    for _ in 0..8 {
        let Some(at) = value_at(&root, &path) else { break };
        let field = path.rsplit('.').next().unwrap_or("");
        let Some((inside, why)) = super::tagged_forms::locate(field, &at.to_string()) else { break };
        reason = why;
        if inside.is_empty() {
            break;
        }
        path = format!("{path}.{inside}");
    }
    (path, reason)
}

/// The value at a serde path (`nodes[2].kind`, `[0].edit`) in `root`.
fn value_at<'a>(root: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let mut at = root;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let mut parts = segment.split('[');
        let name = parts.next().unwrap_or("");
        if !name.is_empty() {
            at = at.get(name)?;
        }
        for index in parts {
            at = at.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::{json_path, value_at};

    #[test]
    fn serde_paths_find_their_values() {
        let root = serde_json::json!({"a": [{"b": [1, [2, 3]]}], "c": 4});
        assert_eq!(value_at(&root, "a[0].b[1][0]"), Some(&serde_json::json!(2)));
        assert_eq!(value_at(&root, "c"), Some(&serde_json::json!(4)));
        assert_eq!(value_at(&root, ""), Some(&root));
        assert_eq!(value_at(&root, "a[3]"), None);
        assert_eq!(value_at(&root, "a[x]"), None);
    }

    #[test]
    fn serde_paths_become_json_paths() {
        assert_eq!(json_path("."), "$");
        assert_eq!(json_path("nodes[2].kind"), "$.nodes[2].kind");
        assert_eq!(json_path("[0].edit.type"), "$[0].edit.type");
    }
}
