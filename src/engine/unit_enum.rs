//! Reading the enums whose variants are plain words (`"full"`,
//! `"cooperative_sticky"`, `"BACKWARD"`) through one reader. serde's
//! derive gives each such enum its own copy of the JSON reader's enum
//! code, about 1 KB of wasm apiece; here every one shares a single copy and
//! keeps only a list of its words. Same format, same accept/reject and the
//! same messages as the derive (`tests` below reads each text both ways).

use std::fmt;

use serde::de::{self, DeserializeSeed, EnumAccess, Unexpected, VariantAccess, Visitor};

/// The index in `words` of the variant `d` holds, read as serde's derive
/// reads a unit-only enum named `name` whose variants are written `words`.
pub(crate) fn read<'de, D: de::Deserializer<'de>>(
    d: D,
    name: &'static str,
    words: &'static [&'static str],
) -> Result<usize, D::Error> {
    d.deserialize_enum(name, words, Words { name, words })
}

/// Implements `Deserialize` for a unit-only enum through [`read`]: the
/// variants with their words, in order. A variant added to the enum and
/// not here fails to compile (the match is exhaustive).
macro_rules! unit_enum_words {
    ($ty:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                const ALL: &[$ty] = &[$($ty::$variant),+];
                let _every_variant_listed = |v: $ty| match v {
                    $($ty::$variant => ()),+
                };
                let i = $crate::engine::unit_enum::read(d, stringify!($ty), &[$($word),+])?;
                Ok(ALL[i])
            }
        }
    };
}
pub(crate) use unit_enum_words;

struct Words {
    name: &'static str,
    words: &'static [&'static str],
}

impl<'de> Visitor<'de> for Words {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "enum {}", self.name)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (i, variant) = data.variant_seed(Variant(self.words))?;
        variant.unit_variant()?;
        Ok(i)
    }
}

/// A variant's name (or index) as its place in the list.
struct Variant(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Variant {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Variant {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        match usize::try_from(v) {
            Ok(i) if i < self.0.len() => Ok(i),
            _ => Err(E::invalid_value(
                Unexpected::Unsigned(v),
                &format!("variant index 0 <= i < {}", self.0.len()).as_str(),
            )),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0.iter().position(|w| *w == v).ok_or_else(|| E::unknown_variant(v, self.0))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
        match self.0.iter().position(|w| w.as_bytes() == v) {
            Some(i) => Ok(i),
            None => Err(E::unknown_variant(&String::from_utf8_lossy(v), self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use crate::engine::patterns::request_response::Jitter;
    use crate::engine::patterns::schema::CompatMode;
    use crate::engine::patterns::stream::Assignor;

    /// Serde's own derive, for the texts to be read both ways.
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Derived {
        None,
        Full,
        Equal,
        Decorrelated,
    }

    #[test]
    fn reads_as_the_derive_does() {
        let texts = [
            r#""none""#,
            r#""decorrelated""#,
            r#""Full""#,
            r#""nope""#,
            r#""""#,
            r#"{"full": null}"#,
            r#"{"full": 1}"#,
            r#"{"nope": null}"#,
            r#"{}"#,
            "3",
            "null",
            "[]",
            r#""equal" x"#,
        ];
        for text in texts {
            let ours = serde_json::from_str::<Jitter>(text).map(|j| format!("{j:?}")).map_err(|e| e.to_string());
            let theirs = serde_json::from_str::<Derived>(text).map(|j| format!("{j:?}")).map_err(|e| e.to_string());
            let theirs = theirs.map_err(|e| e.replace("Derived", "Jitter"));
            assert_eq!(ours, theirs, "{text}");
        }
        let value: serde_json::Value = serde_json::from_str(r#"["full", "nope", 2]"#).expect("json");
        for v in value.as_array().expect("array") {
            let ours = Jitter::deserialize(v).map(|j| format!("{j:?}")).map_err(|e| e.to_string());
            let theirs = Derived::deserialize(v).map(|j| format!("{j:?}")).map_err(|e| e.to_string());
            assert_eq!(ours, theirs.map_err(|e| e.replace("Derived", "Jitter")), "{v}");
        }
    }

    #[test]
    fn every_word_reads_back_as_written() {
        for j in [Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated] {
            let text = serde_json::to_string(&j).expect("writes");
            assert_eq!(serde_json::from_str::<Jitter>(&text).ok(), Some(j), "{text}");
        }
        assert_eq!(serde_json::from_str::<CompatMode>(r#""FULL_TRANSITIVE""#).ok(), Some(CompatMode::FullTransitive));
        assert_eq!(serde_json::from_str::<Assignor>(r#""cooperative_sticky""#).ok(), Some(Assignor::CooperativeSticky));
    }
}
