//! Reading the engine's internally tagged enums (`{"type": "slow", "factor": 2}`)
//! without serde's content buffer.
//!
//! serde's derived reader for `#[serde(tag = "type")]` first copies the whole
//! object into its private `Content` tree and then reads the variant from that
//! tree: every struct inside a tagged enum gets a second copy of its reader
//! (one for JSON text, one for `Content`), about 50 KB of the web app. Here the
//! object is copied as its original JSON text instead (each value kept verbatim
//! with [`RawValue`], so numbers read exactly as before), rewritten as
//! `{"<type>": {...the other fields...}}` and read by a derived externally
//! tagged twin of the enum (in `tagged_forms.rs`) from that text. Every reader
//! then exists once, for JSON text.
//!
//! What is accepted and the messages are serde's own: the tag is read where
//! serde reads it (so an unknown `type` is reported at `….type`), a missing or
//! repeated tag gets serde's words, unit variants ignore other fields as
//! serde's do, and a problem inside the variant is reported at the enum, as
//! serde does, without a position inside the rewritten text (the caller's
//! reader adds its own, as for serde's buffer). The CLI's and the tests'
//! parsers then name the field: `parse::refine_tagged` reads the object
//! again through its twin with the path tracked ([`rewrite`] and
//! `tagged_forms::locate`), one tagged enum deeper each round.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// How one enum is read.
pub(crate) struct Form<T> {
    /// serde's phrase for what was expected (`internally tagged enum Edit`).
    pub expecting: &'static str,
    /// The `type` words, in declaration order (serde lists them so in an
    /// unknown-variant message).
    pub variants: &'static [&'static str],
    /// The variants without data: serde ignores other fields for these.
    pub units: &'static [&'static str],
    /// Reads the rewritten `{"<type>": ...}` text with the externally tagged twin.
    pub read: fn(&str) -> serde_json::Result<T>,
}

/// Reads an internally tagged enum described by `form` from any deserializer.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, T>(d: D, form: &Form<T>) -> Result<T, D::Error> {
    let (text, leftovers) =
        d.deserialize_any(Collect { expecting: form.expecting, variants: form.variants, units: form.units })?;
    // serde's buffer refuses leftovers after a variant without data in the array form, once the array is read.
    if leftovers > 0 {
        return Err(de::Error::invalid_length(leftovers, &"0 elements in sequence"));
    }
    (form.read)(&text).map_err(|e| de::Error::custom(without_position(&e)))
}

/// A message of serde_json without the " at line L column C" it adds: the
/// position is in the rewritten text, not in the caller's.
pub(crate) fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(message) => message.to_string(),
        None => text,
    }
}

/// The object `text` (one internally tagged value) rewritten as the twin
/// reads it, `{"<type>": {...}}`; `None` when it is not such an object or
/// its tag is wrong (serde already names those at `….type`).
pub(crate) fn rewrite<T>(text: &str, form: &Form<T>) -> Option<String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let collect = Collect { expecting: form.expecting, variants: form.variants, units: form.units };
    de::Deserializer::deserialize_any(&mut de, collect).ok().map(|(rewritten, _)| rewritten)
}

/// The visitor that gathers the tag and the other fields' JSON text.
struct Collect {
    expecting: &'static str,
    variants: &'static [&'static str],
    units: &'static [&'static str],
}

impl Collect {
    /// `{"<tag>": <rest>}`, or `{"<tag>": null}` for a variant without data.
    fn rewrite(&self, tag: &str, rest: &str) -> String {
        let body = if self.units.contains(&tag) { "null" } else { rest };
        format!("{{\"{tag}\":{body}}}")
    }
}

impl<'de> Visitor<'de> for Collect {
    /// The rewritten text, and how many array elements follow the tag of a
    /// variant without data (an error, raised by the caller).
    type Value = (String, usize);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut tag = None;
        let mut rest = String::from("{");
        while let Some(key) = map.next_key::<String>()? {
            if key == "type" {
                if tag.is_some() {
                    return Err(de::Error::duplicate_field("type"));
                }
                tag = Some(map.next_value_seed(Tag(self.variants))?);
            } else {
                let value: Box<RawValue> = map.next_value()?;
                if rest.len() > 1 {
                    rest.push(',');
                }
                push_string(&mut rest, &key);
                rest.push(':');
                rest.push_str(value.get());
            }
        }
        rest.push('}');
        let tag = tag.ok_or_else(|| de::Error::missing_field("type"))?;
        Ok((self.rewrite(tag, &rest), 0))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let tag = seq.next_element_seed(Tag(self.variants))?.ok_or_else(|| de::Error::missing_field("type"))?;
        let (mut rest, mut count) = (String::from("["), 0);
        while let Some(value) = seq.next_element::<Box<RawValue>>()? {
            if count > 0 {
                rest.push(',');
            }
            rest.push_str(value.get());
            count += 1;
        }
        rest.push(']');
        Ok((self.rewrite(tag, &rest), if self.units.contains(&tag) { count } else { 0 }))
    }
}

/// `text` as a JSON string literal.
fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Reads the tag as serde reads a variant's name: one of `variants`.
struct Tag(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Tag {
    type Value = &'static str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'static str, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Tag {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<&'static str, E> {
        self.0.iter().find(|name| **name == v).copied().ok_or_else(|| de::Error::unknown_variant(v, self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::push_string;

    #[test]
    fn keys_are_written_as_json_strings() {
        let mut out = String::new();
        push_string(&mut out, "a\"b\\c\nd");
        assert_eq!(out, r#""a\"b\\c\u000ad""#);
        assert_eq!(serde_json::from_str::<String>(&out).ok().as_deref(), Some("a\"b\\c\nd"));
    }
}
