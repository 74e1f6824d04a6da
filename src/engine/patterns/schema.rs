//! Event schemas and their compatibility, as a Confluent Schema Registry
//! judges it. Pure functions, no simulation state: the engine asks
//! [`can_read`] when a subscriber opens an event and [`check`] when a
//! publisher registers a new writer schema.
//!
//! A field is identified by its name; a required field is one without a
//! default (Avro's rule), so a reader that requires a field cannot read data
//! written without it, while a missing optional field takes its default.
//! Renaming a field is removing one and adding another. Field types are not
//! modelled.

use serde::{Deserialize, Serialize};

/// One field of a schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The field's name, e.g. `total`.
    pub name: String,
    /// Required (no default): a reader that requires it cannot read data
    /// written without it. Optional fields have a default. Default: true.
    #[serde(default = "yes")]
    pub required: bool,
}

/// A writer schema: what the publisher puts in every event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// The schema's name (the registry subject), e.g. `OrderPlaced`.
    pub name: String,
    /// Its version number, for people and traces.
    pub version: u32,
    /// Its fields.
    #[serde(default)]
    pub fields: Vec<Field>,
}

/// Compatibility modes of a schema registry (Confluent's names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CompatMode {
    /// The new schema can read data written with the last registered one
    /// (delete a field, add an optional one). Confluent's default.
    #[default]
    Backward,
    /// As `Backward`, against every registered version.
    BackwardTransitive,
    /// The last registered schema can read data written with the new one
    /// (add a field, delete an optional one).
    Forward,
    /// As `Forward`, against every registered version.
    ForwardTransitive,
    /// Both backward and forward with the last registered version.
    Full,
    /// Both backward and forward with every registered version.
    FullTransitive,
    /// No check.
    None,
}

impl CompatMode {
    /// Every mode, for tests and pickers.
    pub const ALL: [CompatMode; 7] = [
        CompatMode::Backward,
        CompatMode::BackwardTransitive,
        CompatMode::Forward,
        CompatMode::ForwardTransitive,
        CompatMode::Full,
        CompatMode::FullTransitive,
        CompatMode::None,
    ];

    /// (checks backward, checks forward, against every version).
    fn rules(self) -> (bool, bool, bool) {
        match self {
            CompatMode::Backward => (true, false, false),
            CompatMode::BackwardTransitive => (true, false, true),
            CompatMode::Forward => (false, true, false),
            CompatMode::ForwardTransitive => (false, true, true),
            CompatMode::Full => (true, true, false),
            CompatMode::FullTransitive => (true, true, true),
            CompatMode::None => (false, false, false),
        }
    }

    /// The registry's name for the mode.
    pub fn name(self) -> &'static str {
        match self {
            CompatMode::Backward => "BACKWARD",
            CompatMode::BackwardTransitive => "BACKWARD_TRANSITIVE",
            CompatMode::Forward => "FORWARD",
            CompatMode::ForwardTransitive => "FORWARD_TRANSITIVE",
            CompatMode::Full => "FULL",
            CompatMode::FullTransitive => "FULL_TRANSITIVE",
            CompatMode::None => "NONE",
        }
    }
}

/// Why a registry refused a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incompatible {
    /// The registered version it clashes with.
    pub against: u32,
    /// The field a reader requires and the writer lacks.
    pub field: String,
    /// True when the new schema cannot read old data (backward), false when
    /// old readers cannot read new data (forward).
    pub backward: bool,
}

/// Whether a reader expecting `reader` can read data written with
/// `writer`: every field the reader requires must be written. Returns the
/// first missing required field.
pub fn can_read<'a>(reader: &'a [Field], writer: &[Field]) -> Result<(), &'a str> {
    for f in reader.iter().filter(|f| f.required) {
        if !writer.iter().any(|w| w.name == f.name) {
            return Err(&f.name);
        }
    }
    Ok(())
}

/// Checks a new writer schema against the registered versions (oldest
/// first) under `mode`, as a registry does when a producer registers it.
/// A schema equal in fields to a registered one is always accepted (the
/// registry returns the existing id).
pub fn check(mode: CompatMode, new: &Schema, registered: &[Schema]) -> Result<(), Incompatible> {
    if registered.iter().any(|r| r.fields == new.fields) {
        return Ok(());
    }
    let (backward, forward, transitive) = mode.rules();
    let against: &[Schema] = if transitive { registered } else { registered.last().map_or(&[], std::slice::from_ref) };
    for old in against {
        if backward {
            if let Err(field) = can_read(&new.fields, &old.fields) {
                return Err(Incompatible { against: old.version, field: field.to_string(), backward: true });
            }
        }
        if forward {
            if let Err(field) = can_read(&old.fields, &new.fields) {
                return Err(Incompatible { against: old.version, field: field.to_string(), backward: false });
            }
        }
    }
    Ok(())
}

fn yes() -> bool {
    true
}

// Read through one shared reader (engine/unit_enum.rs), not serde's derive: smaller wasm.
crate::engine::unit_enum::unit_enum_words!(CompatMode { Backward = "BACKWARD", BackwardTransitive = "BACKWARD_TRANSITIVE", Forward = "FORWARD", ForwardTransitive = "FORWARD_TRANSITIVE", Full = "FULL", FullTransitive = "FULL_TRANSITIVE", None = "NONE" });

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, required: bool) -> Field {
        Field { name: name.into(), required }
    }

    fn schema(version: u32, fields: &[(&str, bool)]) -> Schema {
        Schema { name: "OrderPlaced".into(), version, fields: fields.iter().map(|(n, r)| f(n, *r)).collect() }
    }

    fn ok(mode: CompatMode, new: &Schema, old: &[Schema]) -> bool {
        check(mode, new, old).is_ok()
    }

    #[test]
    fn a_reader_needs_every_required_field_and_nothing_else() {
        let writer = [f("id", true), f("total", true)];
        assert_eq!(can_read(&[f("id", true)], &writer), Ok(()), "extra written fields are ignored");
        assert_eq!(
            can_read(&[f("id", true), f("coupon", false)], &writer),
            Ok(()),
            "a missing optional field takes its default"
        );
        assert_eq!(can_read(&[f("id", true), f("amount", true)], &writer), Err("amount"), "a renamed field is missing");
        assert_eq!(can_read(&[], &[]), Ok(()));
    }

    #[test]
    fn each_mode_on_each_kind_of_change() {
        let v1 = schema(1, &[("id", true), ("total", true), ("note", false)]);
        let add_optional = schema(2, &[("id", true), ("total", true), ("note", false), ("coupon", false)]);
        let add_required = schema(2, &[("id", true), ("total", true), ("note", false), ("coupon", true)]);
        let delete_required = schema(2, &[("id", true), ("note", false)]);
        let delete_optional = schema(2, &[("id", true), ("total", true)]);
        let rename = schema(2, &[("id", true), ("amount", true), ("note", false)]);
        use CompatMode as M;
        // (change, BACKWARD, FORWARD, FULL) per SEMANTICS.md.
        let table = [
            (&add_optional, true, true, true),
            (&add_required, false, true, false),
            (&delete_required, true, false, false),
            (&delete_optional, true, true, true),
            (&rename, false, false, false),
        ];
        for (new, backward, forward, full) in table {
            let old = std::slice::from_ref(&v1);
            assert_eq!(ok(M::Backward, new, old), backward, "BACKWARD {new:?}");
            assert_eq!(ok(M::BackwardTransitive, new, old), backward, "BACKWARD_TRANSITIVE {new:?}");
            assert_eq!(ok(M::Forward, new, old), forward, "FORWARD {new:?}");
            assert_eq!(ok(M::ForwardTransitive, new, old), forward, "FORWARD_TRANSITIVE {new:?}");
            assert_eq!(ok(M::Full, new, old), full, "FULL {new:?}");
            assert_eq!(ok(M::FullTransitive, new, old), full, "FULL_TRANSITIVE {new:?}");
            assert!(ok(M::None, new, old), "NONE accepts anything");
        }
    }

    #[test]
    fn the_publisher_removing_a_field_passes_backward_and_is_stopped_by_forward() {
        let v1 = schema(1, &[("id", true), ("total", true)]);
        let v2 = schema(2, &[("id", true), ("amount", false)]);
        assert!(ok(CompatMode::Backward, &v2, std::slice::from_ref(&v1)));
        let e = check(CompatMode::Forward, &v2, std::slice::from_ref(&v1)).expect_err("forward refuses");
        assert_eq!(e, Incompatible { against: 1, field: "total".into(), backward: false });
        assert!(!ok(CompatMode::Full, &v2, std::slice::from_ref(&v1)));
    }

    #[test]
    fn transitive_modes_check_every_version_the_others_only_the_last() {
        // FORWARD: v1 requires `legacy`, v2 makes it optional, v3 drops it.
        let v1 = schema(1, &[("id", true), ("legacy", true)]);
        let v2 = schema(2, &[("id", true), ("legacy", false)]);
        let v3 = schema(3, &[("id", true)]);
        // FORWARD: v2 reads v3 (legacy optional) but v1 cannot (legacy required).
        assert!(ok(CompatMode::Forward, &v3, &[v1.clone(), v2.clone()]));
        let e = check(CompatMode::ForwardTransitive, &v3, &[v1.clone(), v2.clone()]).expect_err("v1 clashes");
        assert_eq!((e.against, e.field.as_str(), e.backward), (1, "legacy", false));
        assert!(ok(CompatMode::Full, &v3, &[v1.clone(), v2.clone()]));
        assert!(!ok(CompatMode::FullTransitive, &v3, &[v1.clone(), v2.clone()]));
        // BACKWARD: w1 lacks `region`; w2 adds it optional; w3 makes it
        // required. A writer writes all its fields, so w3 reads w2's data
        // but not w1's: only the transitive check sees that.
        let w1 = schema(1, &[("id", true)]);
        let w2 = schema(2, &[("id", true), ("region", false)]);
        let w3 = schema(3, &[("id", true), ("region", true)]);
        assert!(ok(CompatMode::Backward, &w3, &[w1.clone(), w2.clone()]));
        let e = check(CompatMode::BackwardTransitive, &w3, &[w1.clone(), w2.clone()]).expect_err("w1 clashes");
        assert_eq!((e.against, e.field.as_str(), e.backward), (1, "region", true));
        assert!(!ok(CompatMode::FullTransitive, &w3, &[w1, w2]));
    }

    #[test]
    fn a_schema_already_registered_is_accepted_in_every_mode() {
        let v1 = schema(1, &[("id", true), ("total", true)]);
        let v2 = schema(2, &[("id", true), ("total", false)]);
        let back = schema(3, &[("id", true), ("total", true)]);
        for mode in CompatMode::ALL {
            assert!(ok(mode, &back, &[v1.clone(), v2.clone()]), "{}", mode.name());
        }
        assert!(ok(CompatMode::Full, &v1, &[]), "the first version has nothing to clash with");
    }
}
