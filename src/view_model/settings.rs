//! The inspector's settings as data: each editable number is a [`Num`]
//! (label, unit, range, how to read and write it on the engine's settings
//! struct) and each choice a [`Choice`], grouped into [`Group`]s. One small
//! component draws them all, so the panels stay short and the wasm small.
//! The tables live in `settings_nodes.rs` and `settings_links.rs`.
//!
//! A field checks what it can before the engine does (a number, whole where
//! it must be, in range); the engine's own validation stays the last word,
//! and its reason is shown beside the field too.

/// What a number field is, whatever it edits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Meta {
    /// Short key: part of the input's id and test id (`set-{key}`).
    pub key: &'static str,
    /// The label shown.
    pub label: &'static str,
    /// The unit shown after the field: "ms", "%", "×", or what is counted.
    pub unit: &'static str,
    /// The smallest value allowed (see `above`).
    pub min: f64,
    /// The largest value allowed.
    pub max: f64,
    /// `min` itself is not allowed, only values above it.
    pub above: bool,
    /// Only whole numbers.
    pub whole: bool,
    /// An empty field means this ("none", "off", "no DLQ"): the engine's
    /// `null`. `None`: the field needs a number.
    pub empty: Option<&'static str>,
}

/// A number on settings of type `T`.
pub struct Num<T> {
    /// Label, unit and range.
    pub meta: Meta,
    /// The value now: `None` when the field does not apply (the block it
    /// belongs to is off, or another distribution is chosen), `Some(None)`
    /// when it is empty (`null`).
    pub get: fn(&T) -> Option<Option<f64>>,
    /// Writes a checked value (`None` only when `meta.empty` allows it).
    pub set: fn(&mut T, Option<f64>),
}

/// A choice among a few words on settings of type `T`.
pub struct Choice<T> {
    /// Short key, as [`Meta::key`].
    pub key: &'static str,
    /// The label shown.
    pub label: &'static str,
    /// The words offered, in order.
    pub options: &'static [&'static str],
    /// Which option holds now (`None`: the choice does not apply).
    pub get: fn(&T) -> Option<usize>,
    /// Picks an option.
    pub set: fn(&mut T, usize),
}

/// One row of a group.
pub enum Item<T> {
    /// A number.
    Num(Num<T>),
    /// A choice.
    Choice(Choice<T>),
}

/// A titled group of settings (drawn as a collapsible section).
pub struct Group<T: 'static> {
    /// The section's title.
    pub title: &'static str,
    /// Its rows.
    pub items: &'static [Item<T>],
}

/// Largest duration the format takes (10¹⁰ ms).
pub const MAX_MS: f64 = 1e10;
/// Smallest non-zero duration (the clock counts whole microseconds).
pub const MIN_MS: f64 = 0.001;

impl Meta {
    /// A duration in ms from `min` up to the format's limit.
    pub const fn ms(key: &'static str, label: &'static str, min: f64) -> Meta {
        Meta { key, label, unit: "ms", min, max: MAX_MS, above: false, whole: false, empty: None }
    }

    /// A whole count of `unit` between `min` and `max`.
    pub const fn count(key: &'static str, label: &'static str, unit: &'static str, min: f64, max: f64) -> Meta {
        Meta { key, label, unit, min, max, above: false, whole: true, empty: None }
    }

    /// A percentage between `min` and 100.
    pub const fn percent(key: &'static str, label: &'static str, min: f64, above: bool) -> Meta {
        Meta { key, label, unit: "%", min, max: 100.0, above, whole: false, empty: None }
    }

    /// The same field, empty meaning `word`.
    pub const fn or_empty(self, word: &'static str) -> Meta {
        Meta { empty: Some(word), ..self }
    }

    /// The unit in words, for screen readers.
    pub fn spoken_unit(&self) -> &'static str {
        match self.unit {
            "ms" => "milliseconds",
            "%" => "percent",
            "×" => "times",
            other => other,
        }
    }

    /// The range in words, with the unit: the field's accessible description.
    pub fn range_text(&self) -> String {
        let unit = self.spoken_unit();
        let low = if self.above { format!("above {}", grouped(self.min)) } else { grouped(self.min) };
        let mut text = format!("{low} to {} {unit}", grouped(self.max));
        if self.whole {
            text.push_str(", whole numbers");
        }
        if let Some(word) = self.empty {
            text.push_str(&format!("; empty for {word}"));
        }
        text
    }

    /// Checks what was typed. `number` reads a decimal (the page passes the
    /// browser's parser, tests Rust's). Returns the value to write (`None`:
    /// empty, where allowed) or why it is refused.
    pub fn check(&self, text: &str, number: impl Fn(&str) -> Option<f64>) -> Result<Option<f64>, String> {
        let text = text.trim();
        if text.is_empty() {
            return match self.empty {
                Some(_) => Ok(None),
                None => Err("enter a number".into()),
            };
        }
        let Some(x) = number(text).filter(|x| x.is_finite()) else {
            return Err(format!("'{text}' is not a number"));
        };
        if self.whole && x.fract() != 0.0 {
            return Err("must be a whole number".into());
        }
        let low = if self.above { x <= self.min } else { x < self.min };
        if low || x > self.max {
            return Err(format!("must be {}", self.range_text()));
        }
        Ok(Some(x))
    }
}

/// A number as the fields show it: at most six decimals, no trailing zeros.
pub fn number_text(x: f64) -> String {
    let rounded = (x * 1e6).round() / 1e6;
    format!("{rounded}")
}

/// A limit in words: thousands grouped ("10,000,000,000"), so a range
/// reads at a glance; fields themselves take plain numbers.
fn grouped(x: f64) -> String {
    super::number::group_thousands(&number_text(x))
}

/// What a field shows for a value (empty for `null`).
pub fn value_text(v: Option<f64>) -> String {
    v.map(number_text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<f64> {
        s.parse().ok()
    }

    const WORKERS: Meta = Meta::count("concurrency", "Workers per instance", "workers", 1.0, 10_000.0);
    const TIMEOUT: Meta = Meta::ms("timeout", "Timeout", MIN_MS).or_empty("no timeout");
    const RATIO: Meta = Meta { above: true, ..Meta::count("ratio", "Token ratio", "tokens", 0.0, 1.0) };

    #[test]
    fn numbers_in_range_pass() {
        assert_eq!(WORKERS.check("8", parse), Ok(Some(8.0)));
        assert_eq!(WORKERS.check(" 10000 ", parse), Ok(Some(10_000.0)));
        assert_eq!(TIMEOUT.check("250.5", parse), Ok(Some(250.5)));
        assert_eq!(Meta::percent("e", "Errors", 0.0, false).check("0", parse), Ok(Some(0.0)));
    }

    #[test]
    fn out_of_range_names_the_range_and_unit() {
        assert_eq!(WORKERS.check("0", parse), Err("must be 1 to 10,000 workers, whole numbers".into()));
        assert_eq!(
            TIMEOUT.check("-5", parse),
            Err("must be 0.001 to 10,000,000,000 milliseconds; empty for no timeout".into())
        );
        assert_eq!(
            Meta::percent("f", "Failure rate", 0.0, true).check("0", parse).unwrap_err(),
            "must be above 0 to 100 percent"
        );
        assert!(RATIO.check("0", parse).is_err());
        assert_eq!(RATIO.check("1", parse), Ok(Some(1.0)));
    }

    #[test]
    fn not_numbers_and_fractions_are_refused() {
        assert_eq!(WORKERS.check("many", parse), Err("'many' is not a number".into()));
        assert_eq!(WORKERS.check("inf", parse), Err("'inf' is not a number".into()));
        assert_eq!(WORKERS.check("2.5", parse), Err("must be a whole number".into()));
    }

    #[test]
    fn empty_is_null_only_where_allowed() {
        assert_eq!(TIMEOUT.check("", parse), Ok(None));
        assert_eq!(WORKERS.check("  ", parse), Err("enter a number".into()));
    }

    #[test]
    fn limits_group_thousands() {
        assert_eq!(grouped(100.0), "100");
        assert_eq!(grouped(1_000.0), "1,000");
        assert_eq!(grouped(4_294_967_295.0), "4,294,967,295");
        assert_eq!(grouped(0.001), "0.001");
    }

    #[test]
    fn values_show_without_float_noise() {
        assert_eq!(value_text(Some(0.07 * 100.0)), "7");
        assert_eq!(value_text(Some(250.0)), "250");
        assert_eq!(value_text(Some(0.3)), "0.3");
        assert_eq!(value_text(None), "");
    }

    #[test]
    fn units_are_spoken() {
        assert_eq!(TIMEOUT.spoken_unit(), "milliseconds");
        assert_eq!(WORKERS.spoken_unit(), "workers");
        assert_eq!(Meta::percent("x", "X", 0.0, false).spoken_unit(), "percent");
    }
}
