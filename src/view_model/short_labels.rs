//! Node labels shortened to the room they have on the stage, told apart:
//! a count of characters when nodes are compact, a width in ems (the
//! font's own widths) when the whole node is drawn.

use super::text_fit::{cut_to_fit, em_width};

/// The room a label has.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Room {
    /// At most this many characters (compact nodes, about 0.6 em each).
    Chars(usize),
    /// At most this many ems of bold text.
    Ems(f64),
}

impl From<usize> for Room {
    fn from(chars: usize) -> Room {
        Room::Chars(chars)
    }
}

impl Room {
    fn fits(self, text: &str) -> bool {
        match self {
            Room::Chars(n) => text.chars().count() <= n,
            Room::Ems(room) => em_width(text, true) <= room,
        }
    }

    /// `text` cut with an ellipsis to fit; empty if hardly anything would.
    fn cut(self, text: &str) -> String {
        match self {
            Room::Chars(n) if n < 2 => String::new(),
            Room::Chars(n) => text.chars().take(n - 1).chain(['…']).collect(),
            Room::Ems(room) => {
                let cut = cut_to_fit(text, room, true);
                if cut.chars().count() < 2 {
                    String::new()
                } else {
                    cut
                }
            }
        }
    }
}

/// `label` shortened to `room`: whole if it fits, else its first word if
/// that fits, else cut with an ellipsis; empty when not even that fits.
pub fn short_label(label: &str, room: impl Into<Room>) -> String {
    let room = room.into();
    if room.fits(label) {
        return label.to_string();
    }
    if let Room::Chars(0..=1) = room {
        return String::new();
    }
    if let Some(word) = label.split_whitespace().next().filter(|w| room.fits(w) && w.chars().count() > 2) {
        return word.to_string();
    }
    room.cut(label)
}

/// Every node's label shortened to `room`, told apart: a label whose short
/// form could be another's ("orders queue" and "orders log" both
/// "orders"; "Order saga" as "Order", the start of "Order API") shows what
/// differs instead, after the first word or its first three letters if that fits ("ord. queue"), else the
/// differing word alone ("queue"). Labels equal in full stay equal.
pub fn distinct_labels(labels: &[String], room: impl Into<Room>) -> Vec<String> {
    let room = room.into();
    let mut out: Vec<String> = labels.iter().map(|l| short_label(l, room)).collect();
    let rivals = |i: usize, short: &str, out: &[String]| -> Vec<usize> {
        (0..labels.len()).filter(|&j| j != i && could_be(short, &labels[i], &labels[j], &out[j])).collect()
    };
    let ambiguous: Vec<(usize, Vec<usize>)> =
        (0..labels.len()).map(|i| (i, rivals(i, &out[i], &out))).filter(|(_, r)| !r.is_empty()).collect();
    for (i, r) in ambiguous {
        let others: Vec<&str> = r.iter().map(|&j| labels[j].as_str()).collect();
        if let Some(c) = told_apart(&labels[i], &others, room).into_iter().find(|c| rivals(i, c, &out).is_empty()) {
            out[i] = c;
        }
    }
    out
}

/// Whether `short`, drawn for `label`, could be read as `other` (drawn as `other_short`).
fn could_be(short: &str, label: &str, other: &str, other_short: &str) -> bool {
    if short.is_empty() || label.eq_ignore_ascii_case(other) {
        return false;
    }
    let stem = short.trim_end_matches('…');
    let starts = other.len() >= stem.len()
        && other.is_char_boundary(stem.len())
        && other[..stem.len()].eq_ignore_ascii_case(stem);
    short.eq_ignore_ascii_case(other_short) || (short != label && starts)
}

/// The words of a label: split at spaces, dots, dashes and underscores.
fn words(label: &str) -> impl Iterator<Item = &str> {
    label.split([' ', '.', '-', '_']).filter(|w| !w.is_empty())
}

/// Shorter forms of `label` that keep what tells it from `others`, best first.
fn told_apart(label: &str, others: &[&str], room: Room) -> Vec<String> {
    let shared = |w: &str| others.iter().all(|o| words(o).any(|x| x.eq_ignore_ascii_case(w)));
    let mine: Vec<&str> = words(label).collect();
    // The last word no other label has (a kind word such as "queue" often), else the last word.
    let Some(odd) = mine
        .iter()
        .rev()
        .find(|w| !others.iter().any(|o| words(o).any(|x| x.eq_ignore_ascii_case(w))))
        .or_else(|| mine.iter().rev().find(|w| !shared(w)))
        .or(mine.last())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let first = mine[0];
    if first != *odd {
        // The first word whole before the odd word, else its first three
        // letters with a full stop ("ord. queue", "Pay. workers"): a stem
        // cut anywhere else reads as a misspelling ("Paymen workers").
        let short: String = first.chars().take(3).collect();
        let stems = [format!("{first} {odd}"), format!("{short}. {odd}")];
        out.extend(stems.into_iter().filter(|c| c.chars().count() < label.chars().count()).find(|c| room.fits(c)));
    }
    if room.fits(odd) {
        out.push((*odd).to_string());
    }
    out.push(short_label(odd, room));
    out.retain(|c| !c.is_empty() && room.fits(c));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_shorten_to_their_first_word_or_a_cut() {
        assert_eq!(short_label("Order API", 20), "Order API");
        assert_eq!(short_label("Order API", 6), "Order");
        assert_eq!(short_label("Reconciliation", 6), "Recon…");
        assert_eq!(short_label("Reconciliation", 1), "");
        assert_eq!(short_label("a b", 2), "a…");
    }

    #[test]
    fn labels_shorten_to_a_width() {
        // The default scenario's topic at its fitted zoom: its name without the kind word.
        assert_eq!(short_label("order.placed topic", Room::Ems(8.0)), "order.placed");
        assert_eq!(short_label("Reconciliation", Room::Ems(8.0)), "Reconciliation");
        let cut = short_label("Reconciliation", Room::Ems(5.0));
        assert!(cut.ends_with('…') && em_width(&cut, true) <= 5.0, "{cut}");
        assert_eq!(short_label("Reconciliation", Room::Ems(0.5)), "");
        // Wide letters take more room than narrow ones.
        assert_eq!(short_label("WWWWWWWWWW", Room::Ems(8.0)), "WWWWWW…");
        assert_eq!(short_label("iiiiiiiiii", Room::Ems(8.0)), "iiiiiiiiii");
        let twins = ["Payment service primary".to_string(), "Payment service replica".to_string()];
        let apart = distinct_labels(&twins, Room::Ems(9.0));
        assert_ne!(apart[0], apart[1], "{apart:?}");
        assert!(apart.iter().all(|a| em_width(a, true) <= 9.0), "{apart:?}");
    }

    #[test]
    fn compact_labels_are_told_apart() {
        let seven: Vec<String> = [
            "Browser",
            "Order API",
            "Inventory",
            "orders queue",
            "Order saga",
            "order.placed topic",
            "orders log",
            "Email",
            "Reconciliation",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for chars in 3..=20 {
            let out = distinct_labels(&seven, chars);
            for (i, a) in out.iter().enumerate() {
                assert!(a.chars().count() <= chars, "{a} at {chars}");
                for b in &out[i + 1..] {
                    assert!(!a.eq_ignore_ascii_case(b) || a.is_empty(), "{a} twice at {chars}: {out:?}");
                }
            }
        }
        let at = |chars| distinct_labels(&seven, chars);
        assert_eq!(at(5)[3..7], ["queue", "saga", "topic", "log"]);
        assert_eq!(at(4), ["Bro…", "API", "Inv…", "que…", "saga", "top…", "log", "Ema…", "Rec…"]);
        assert_eq!(at(9)[3..7], ["queue", "Ord. saga", "order.pl…", "ord. log"]);
        // Names that fit stay whole; equal names stay equal.
        assert_eq!(at(20), seven);
        let twins = vec!["Worker".to_string(), "Worker".to_string()];
        assert_eq!(distinct_labels(&twins, 4), vec!["Wor…", "Wor…"]);
    }
}
