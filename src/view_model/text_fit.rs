//! How wide stage text is, and shortening it to fit a node's box.
//!
//! Widths are DejaVu Sans's advances: the font Linux browsers fall back to
//! for `system-ui`, and wider than the system fonts of other platforms, so
//! text that fits by this measure fits wherever the page is opened.

use super::viewport::{COMPACT_BELOW, MIN_TEXT_PX};

/// Advance widths of ASCII 32 to 126 in hundredths of an em, regular weight.
const REGULAR: [u8; 95] = [
    32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 34, 34, 84,
    84, 84, 53, 100, 68, 69, 70, 77, 63, 58, 77, 75, 29, 29, 66, 56, 86, 75, 79, 60, 79, 69, 63, 61, 73, 68, 99, 69,
    61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62, 35, 63, 63, 28, 28, 58, 28, 97, 63, 61, 63, 63, 41, 52, 39, 63,
    59, 82, 59, 59, 52, 64, 34, 64, 84,
];
/// The same for bold (node labels are semi-bold, drawn bold by DejaVu).
const BOLD: [u8; 95] = [
    35, 46, 52, 84, 70, 100, 87, 31, 46, 46, 52, 84, 38, 42, 38, 37, 70, 70, 70, 70, 70, 70, 70, 70, 70, 70, 40, 40,
    84, 84, 84, 58, 100, 77, 76, 73, 83, 68, 68, 82, 84, 37, 37, 77, 64, 100, 84, 85, 73, 85, 77, 72, 68, 81, 77, 110,
    77, 72, 73, 46, 37, 46, 84, 50, 50, 67, 72, 59, 72, 68, 44, 72, 71, 34, 34, 67, 34, 104, 71, 69, 72, 72, 49, 60,
    48, 71, 65, 92, 65, 65, 58, 71, 37, 71, 84,
];

/// The width of `text` in ems. Characters outside ASCII count as wide
/// (a middle dot or an ellipsis is overestimated, never a wide script).
pub fn em_width(text: &str, bold: bool) -> f64 {
    let table = if bold { &BOLD } else { &REGULAR };
    let hundredths: u32 = text
        .chars()
        .map(|c| match c {
            ' '..='~' => u32::from(table[c as usize - 32]),
            '·' => 38,
            _ => 100,
        })
        .sum();
    f64::from(hundredths) / 100.0
}

/// `text` cut to the longest start that fits `room_em` with an ellipsis
/// after it; whole if it fits; empty if not even one letter does.
pub fn cut_to_fit(text: &str, room_em: f64, bold: bool) -> String {
    if em_width(text, bold) <= room_em {
        return text.to_string();
    }
    let mut out = String::new();
    let mut width = em_width("…", bold);
    for c in text.chars() {
        let w = em_width(c.encode_utf8(&mut [0; 4]), bold);
        if width + w > room_em {
            break;
        }
        width += w;
        out.push(c);
    }
    let out = out.trim_end().to_string();
    if out.is_empty() {
        return out;
    }
    out + "…"
}

/// A line of figures such as "12/20 busy · 3 wait" fitted to `room_em`:
/// whole if it fits, else without its last parts (after " · "), which are
/// the least needed; cut with an ellipsis only if its first part is too long.
pub fn fit_parts(text: &str, room_em: f64) -> String {
    let mut shown = text;
    while em_width(shown, false) > room_em {
        match shown.rfind(" · ") {
            Some(i) => shown = &shown[..i],
            None => return cut_to_fit(shown, room_em, false),
        }
    }
    shown.to_string()
}

/// Width of a node's box, in world units (see `geometry::NODE_HALF_W`).
const NODE_W: f64 = 150.0;
/// Room for the line of figures inside a node: its width less a margin each side.
const META_ROOM: f64 = NODE_W - 10.0;
/// Room for a node's label: right of its type's icon (whose right edge is
/// at most 50 units left of the centre), less a small margin each side.
pub const LABEL_ROOM: f64 = NODE_W - 28.0;
/// Where a label's centre sits, right of the node's centre (the icon is on the left).
pub const LABEL_X: f64 = 12.0;

/// The world size of text drawn at `px` at `zoom`: it grows in world
/// units to stay at least [`MIN_TEXT_PX`] on screen, down to the zoom
/// where nodes turn compact.
pub fn world_size(px: f64, zoom: f64) -> f64 {
    px.max(MIN_TEXT_PX / zoom.clamp(COMPACT_BELOW, 1.0))
}

/// Ems of 11 px text that fit on a line inside a node at `zoom`.
pub fn meta_room(zoom: f64) -> f64 {
    META_ROOM / world_size(MIN_TEXT_PX, zoom)
}

/// Ems of a node's 12 px label that fit beside its icon at `zoom`.
pub fn label_room(zoom: f64) -> f64 {
    LABEL_ROOM / world_size(12.0, zoom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font() {
        // Measured in Chromium with DejaVu Sans Bold at 11 px: 88 px.
        assert!((em_width("Reconciliation", true) * 11.0 - 87.3).abs() < 0.5);
        assert!(em_width("iiii", false) < em_width("MMMM", false));
        assert!(em_width("ab", true) > em_width("ab", false));
        assert_eq!(em_width("", false), 0.0);
        assert_eq!(em_width("日本", false), 2.0);
    }

    #[test]
    fn lines_drop_their_last_parts_first() {
        let line = "ok 4.9 s ago · no alerts";
        assert_eq!(fit_parts(line, 20.0), line);
        assert_eq!(fit_parts(line, 9.0), "ok 4.9 s ago");
        assert_eq!(fit_parts("a · b · c", 2.5), "a · b");
        let cut = fit_parts("no success yet", 4.0);
        assert!(cut.ends_with('…') && em_width(&cut, false) <= 4.0, "{cut}");
        assert_eq!(fit_parts("wide", 0.1), "");
    }

    #[test]
    fn a_cut_fits_its_room() {
        for room in [0.5, 1.0, 3.0, 6.5, 9.0] {
            let cut = cut_to_fit("order.placed topic", room, true);
            assert!(em_width(&cut, true) <= room, "{cut} in {room}");
        }
        assert_eq!(cut_to_fit("Email", 10.0, true), "Email");
        assert_eq!(cut_to_fit("ab cd", 2.6, false), "ab…", "no space before the ellipsis");
    }

    #[test]
    fn rooms_shrink_as_text_grows_in_world_units() {
        assert!(meta_room(0.7) < meta_room(0.8) && meta_room(0.8) < meta_room(1.0));
        assert_eq!(meta_room(2.0), meta_room(1.0), "at actual size and above text keeps 11 world units");
        assert_eq!(label_room(0.5), label_room(COMPACT_BELOW));
        // "Reconciliation" fits beside its icon at the default scenario's fitted zoom.
        assert!(em_width("Reconciliation", true) <= label_room(0.76));
    }
}
