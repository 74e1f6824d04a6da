//! Reading scenarios (and edit lists) from JSON text: size limit, syntax
//! and type errors with the JSON path of the problem, nothing after the
//! object; then the semantic checks of `validate.rs`.

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

/// Parses and validates a scenario from JSON text.
pub fn parse_scenario(json: &str) -> Result<Scenario, Vec<ScenarioError>> {
    if json.len() > MAX_SCENARIO_BYTES {
        return Err(vec![ScenarioError::new(
            "$",
            format!("the scenario is {} bytes; at most {MAX_SCENARIO_BYTES} bytes are read", json.len()),
        )]);
    }
    let mut de = serde_json::Deserializer::from_str(json);
    let scenario: Scenario = match serde_path_to_error::deserialize(&mut de) {
        Ok(s) => s,
        Err(e) => {
            let path = e.path().to_string();
            let reason = e.into_inner().to_string();
            let (path, reason) = refine_tagged(json, &path).unwrap_or((path, reason));
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
    if json.len() > MAX_SCENARIO_BYTES {
        return None;
    }
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
    if json.len() > MAX_SCENARIO_BYTES {
        return Err(vec![ScenarioError::new(
            "$",
            format!("the scenario is {} bytes; at most {MAX_SCENARIO_BYTES} bytes are read", json.len()),
        )]);
    }
    let scenario: Scenario = serde_json::from_str(json).map_err(|e| vec![ScenarioError::new("$", e.to_string())])?;
    validate(&scenario)?;
    Ok(scenario)
}

/// serde reports errors inside internally tagged enums (`"type": ...`) at the
/// enum itself; this re-reads that part as the variant's own struct to name
/// the exact field.
fn refine_tagged(json: &str, path: &str) -> Option<(String, String)> {
    use serde::de::DeserializeOwned;
    fn try_as<T: DeserializeOwned>(v: serde_json::Value) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(v).err().map(|e| (e.path().to_string(), e.into_inner().to_string()))
    }
    let root: serde_json::Value = serde_json::from_str(json).ok()?;
    let mut at = &root;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        at = at.get(name)?;
        if let Some(i) = index {
            at = at.get(i)?;
        }
    }
    let mut fields = at.as_object()?.clone();
    let ty = fields.remove("type")?.as_str()?.to_string();
    let inner = serde_json::Value::Object(fields);
    let (sub, reason) = match ty.as_str() {
        "client" => try_as::<ClientSpec>(inner),
        "service" => try_as::<ServiceSpec>(inner),
        "queue" => try_as::<QueueSpec>(inner),
        "request_response" => try_as::<SyncPolicy>(inner),
        "consume" => try_as::<ConsumePolicy>(inner),
        _ => None,
    }?;
    let sub = sub.trim_start_matches('.');
    Some((if sub.is_empty() { path.to_string() } else { format!("{path}.{sub}") }, reason))
}

#[cfg(test)]
mod tests {
    use super::json_path;

    #[test]
    fn serde_paths_become_json_paths() {
        assert_eq!(json_path("."), "$");
        assert_eq!(json_path("nodes[2].kind"), "$.nodes[2].kind");
        assert_eq!(json_path("[0].edit.type"), "$[0].edit.type");
    }
}
