//! The count pills on a node's top corners: a queue's dead letters ("DLQ
//! 3", top right) and an orchestrator's manual-intervention queue ("manual
//! 12", top left). Each pill is as wide as its text, so "DLQ 123" stays
//! inside it, with counts from 1,000 shortened ("DLQ 1.2k") and the exact
//! count in words beside it (its title; the node's description says it too).

use super::number::group_thousands;
use super::text_fit::em_width;

/// The badge's font size in px at actual size (style/main.css, `.node__dlq text`).
const BADGE_PX: f64 = 11.0;
/// The narrowest pill, at actual size: what "DLQ 3" always had.
const MIN_W: f64 = 50.0;
/// Room beside the text at actual size, both sides together ("DLQ 3" had
/// 13 in its 50).
const PAD: f64 = 12.0;
/// How much narrower the compact stage draws the pill (style/main.css:
/// `.stage--compact .node__dlq rect`), leaving 2 px a side.
pub const COMPACT_LESS: f64 = 8.0;

/// A count as a badge shows it: whole below 1,000, then thousands with
/// one decimal below 10,000 ("1.2k"), whole thousands ("12k", "999k"),
/// then millions the same way ("1.2M", "12M"). Cut, never rounded up: the
/// badge never says more than there is.
pub fn short_count(n: u64) -> String {
    let scaled = |unit: u64, suffix: char| {
        if n < 10 * unit {
            format!("{}.{}{suffix}", n / unit, n % unit * 10 / unit)
        } else {
            format!("{}{suffix}", n / unit)
        }
    };
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => scaled(1_000, 'k'),
        _ => scaled(1_000_000, 'M'),
    }
}

/// The narrowest manual-intervention pill, at actual size: "manual 1" with
/// its room, in the widest fallback font (the fixed 62 it had before held
/// "manual 1" only in narrower fonts). `label_layout` keeps this much of
/// the corner clear.
pub const MANUAL_MIN_W: f64 = 70.0;

/// A count pill: its text, its width and its title.
#[derive(Clone, Debug, PartialEq)]
pub struct Pill {
    /// What the pill says: "DLQ 123", "DLQ 1.2k", "manual 12".
    pub text: String,
    /// The pill's width in world units at actual size (it grows with the
    /// text when zoomed out, as the text does).
    pub width: f64,
    /// The exact count in words, for the pill's title.
    pub title: String,
}

/// A pill that holds `text` (measured in DejaVu Sans Bold, the widest of
/// the fonts the page falls back to, see `text_fit`), at least `min_w` wide.
fn pill(text: String, min_w: f64, title: String) -> Pill {
    let width = (em_width(&text, true) * BADGE_PX + PAD).max(min_w).ceil();
    Pill { text, width, title }
}

/// The badge for `n` dead letters: its text, a pill that holds it and the
/// exact count in words.
pub fn dlq_badge(n: u64) -> Pill {
    let noun = if n == 1 { "message" } else { "messages" };
    let title = format!("{} {noun} in the dead-letter queue", group_thousands(&n.to_string()));
    pill(format!("DLQ {}", short_count(n)), MIN_W, title)
}

/// The badge for `n` sagas waiting for a person (manual intervention).
pub fn manual_badge(n: u64) -> Pill {
    let noun = if n == 1 { "saga" } else { "sagas" };
    let title = format!("{} {noun} waiting for manual intervention", group_thousands(&n.to_string()));
    pill(format!("manual {}", short_count(n)), MANUAL_MIN_W, title)
}

/// The manual-intervention badge as SVG markup for its group: the pill
/// anchored at its left end (the node's top-left corner), the text centred.
pub fn manual_markup(n: u64) -> String {
    let Pill { text, width: w, title } = manual_badge(n);
    format!(
        r#"<title>{title}</title><rect x="0" y="-9" width="{w}" height="17" rx="8"></rect><text x="{half}" y="4" text-anchor="middle">{text}</text>"#,
        half = w / 2.0
    )
}

/// The badge for `n` dead letters as SVG markup for its group (one
/// attribute write when the count changes, and less code in the wasm
/// than a reactive attribute per part): its title, the pill anchored at
/// its right end with its width in `--pill-w` for the compact stage's CSS,
/// and the text centred in it.
pub fn dlq_markup(n: u64) -> String {
    let Pill { text, width: w, title } = dlq_badge(n);
    format!(
        r#"<title>{title}</title><rect x="-{w}" y="-9" width="{w}" height="17" rx="8" style="--pill-w:{w}px"></rect><text x="-{half}" y="4" text-anchor="middle">{text}</text>"#,
        half = w / 2.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_a_thousand_are_shortened_never_up() {
        let cases = [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1_000, "1.0k"),
            (1_234, "1.2k"),
            (9_999, "9.9k"),
            (10_000, "10k"),
            (123_456, "123k"),
            (999_999, "999k"),
            (1_000_000, "1.0M"),
            (12_345_678, "12M"),
        ];
        for (n, shown) in cases {
            assert_eq!(short_count(n), shown, "{n}");
        }
    }

    #[test]
    fn the_pill_holds_its_text_at_full_size_and_compact() {
        for n in [1, 9, 99, 123, 999, 1_234, 99_999, 123_456, 1_234_567, 999_999_999] {
            let b = dlq_badge(n);
            let text = em_width(&b.text, true) * BADGE_PX;
            assert!(text + 2.0 * 6.0 <= b.width, "{}: {text:.1} in {}", b.text, b.width);
            assert!(
                text + 2.0 * 2.0 <= b.width - COMPACT_LESS,
                "compact {}: {text:.1} in {}",
                b.text,
                b.width - COMPACT_LESS
            );
            assert!(b.text.chars().count() <= 8, "{}", b.text);
        }
        assert_eq!(dlq_badge(3).width, MIN_W, "a small count keeps the pill it had");
        assert!(dlq_badge(123).width > MIN_W, "three digits widen it");
    }

    #[test]
    fn the_manual_pill_holds_its_count() {
        for n in [1, 9, 10, 99, 123, 999, 1_234, 99_999, 123_456, 999_999_999] {
            let b = manual_badge(n);
            let text = em_width(&b.text, true) * BADGE_PX;
            assert!(text + 2.0 * 6.0 <= b.width, "{}: {text:.1} in {}", b.text, b.width);
        }
        assert_eq!(manual_badge(1).width, MANUAL_MIN_W, "one saga keeps the pill it had");
        assert!(manual_badge(12).width > MANUAL_MIN_W, "two digits widen it");
        assert_eq!(manual_badge(1).title, "1 saga waiting for manual intervention");
        assert_eq!(manual_badge(12_345).text, "manual 12k");
        assert_eq!(manual_badge(12_345).title, "12,345 sagas waiting for manual intervention");
        let w = manual_badge(12).width;
        assert!(
            manual_markup(12).contains(&format!(r#"<rect x="0" y="-9" width="{w}""#)),
            "anchored at its left end: {}",
            manual_markup(12)
        );
    }

    #[test]
    fn the_title_gives_the_exact_count() {
        assert_eq!(dlq_badge(1).title, "1 message in the dead-letter queue");
        assert_eq!(dlq_badge(1_234).title, "1,234 messages in the dead-letter queue");
        assert_eq!(dlq_badge(1_234).text, "DLQ 1.2k");
    }

    #[test]
    fn the_markup_draws_the_pill_around_its_text() {
        assert_eq!(
            dlq_markup(123),
            r#"<title>123 messages in the dead-letter queue</title><rect x="-65" y="-9" width="65" height="17" rx="8" style="--pill-w:65px"></rect><text x="-32.5" y="4" text-anchor="middle">DLQ 123</text>"#
        );
    }
}
