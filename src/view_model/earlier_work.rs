//! Work saved earlier in this browser. The autosave is one slot shared by
//! every tab: a page opened from a link (`?lesson=`, `?scenario=`, a share
//! link) or a second tab would replace someone's work with its own on its
//! first change. Before that happens the page sets the other save aside
//! here (a short list, newest first), and the Share menu opens it again.
//!
//! Stored as text lines, `<wall ms> <link text>`: link text is base64url
//! after its version, so it holds no spaces or line breaks to escape.

use super::preset_titles::preset_title;
use super::share::{decode, ShareState};
use crate::engine::time::SECOND;

/// At most this many earlier saves are kept (the oldest goes first).
pub const MAX_EARLIER: usize = 3;

/// One save set aside.
#[derive(Clone, Debug, PartialEq)]
pub struct Earlier {
    /// When it was set aside, in whole wall milliseconds since 1970.
    pub at_ms: u64,
    /// The save itself, as link text.
    pub text: String,
}

/// Reads the stored list. A line that is not `<number> <text>` is skipped:
/// the list only ever holds what [`write`] wrote.
pub fn parse(stored: &str) -> Vec<Earlier> {
    let mut list = stored
        .lines()
        .filter_map(|line| {
            let (at, text) = line.split_once(' ')?;
            // Whole milliseconds: reading a float would bring float parsing's tables into the wasm.
            let at_ms = at.parse::<u64>().ok()?;
            (!text.is_empty()).then(|| Earlier { at_ms, text: text.to_string() })
        })
        .collect::<Vec<_>>();
    list.truncate(MAX_EARLIER);
    list
}

/// The list as stored text (see [`parse`]).
pub fn write(list: &[Earlier]) -> String {
    list.iter().map(|e| format!("{} {}\n", e.at_ms, e.text)).collect()
}

/// The list with `text` first (a save already in it moves up rather than
/// being kept twice), at most [`MAX_EARLIER`] long. When one has to go, it
/// is the oldest save that holds nothing of the person's own (a lesson's
/// progress, a built-in scenario without changes: their links make them
/// again), even the new one; only when every save is someone's own work
/// does the oldest of them go. So a few lesson tabs cannot push the work
/// of an afternoon out of the list.
pub fn shelve(mut list: Vec<Earlier>, text: String, at_ms: u64) -> Vec<Earlier> {
    list.retain(|e| e.text != text);
    list.insert(0, Earlier { at_ms, text });
    while list.len() > MAX_EARLIER {
        let replaceable = list.iter().rposition(|e| !holds_work(e)).unwrap_or(list.len() - 1);
        list.remove(replaceable);
    }
    list
}

/// Whether a save may hold work no link makes again: its own changes, or
/// text this version cannot read (perhaps a newer version's work).
fn holds_work(e: &Earlier) -> bool {
    decode(&e.text).map_or(true, |state| holds_own_changes(&state))
}

/// Whether a run holds changes of the person's own: an edit or a reset,
/// or a scenario from a file, outside a lesson (a lesson's changes are its
/// steps', which the lesson makes again). Such a run is set aside before a
/// run that replaces it (a picked scenario, a lesson, a file, a pasted
/// link, Reset to default) is saved over it.
pub fn holds_own_changes(state: &ShareState) -> bool {
    (!state.ops.is_empty() || state.scenario.is_some()) && state.lesson.is_none()
}

/// Words for the button that opens a save: what it holds, then how long
/// ago it was set aside, e.g. "Saga: orchestration, 3 changes, at 42 s;
/// set aside 5 min ago".
pub fn describe(e: &Earlier, now_ms: u64) -> String {
    let what = decode(&e.text).map_or_else(|_| "A save this version cannot read".to_string(), |s| holds(&s));
    format!("{what}; set aside {}", ago(now_ms, e.at_ms))
}

fn holds(state: &ShareState) -> String {
    let title = match (&state.scenario, &state.preset) {
        (Some(sc), _) => format!("Imported: {}", sc.name),
        (None, Some(p)) => preset_title(p).to_string(),
        (None, None) => "A run".to_string(),
    };
    let changes = match state.ops.len() {
        0 => "no changes".to_string(),
        1 => "1 change".to_string(),
        n => format!("{n} changes"),
    };
    format!("{title}, {changes}, at {} s", state.at.1 / SECOND)
}

/// How long ago `at_ms` was, in the largest whole unit: "just now",
/// "5 min ago", "3 h ago", "2 days ago". A time ahead of the clock (a
/// clock set back) reads "just now".
pub fn ago(now_ms: u64, at_ms: u64) -> String {
    let minutes = now_ms.saturating_sub(at_ms) / 60_000;
    let (n, unit) = match minutes {
        0 => return "just now".to_string(),
        1..60 => (minutes, "min"),
        60..2880 => (minutes / 60, "h"),
        _ => (minutes / 1440, "days"),
    };
    format!("{n} {unit} ago")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::share::{encode, At, ShareState};

    fn state(preset: &str, at_s: u64) -> ShareState {
        ShareState {
            preset: Some(preset.into()),
            scenario: None,
            seed: 7,
            speed: 1.0,
            paused: false,
            ops: Vec::new(),
            at: At(10, at_s * SECOND),
            lesson: None,
            step: None,
        }
    }

    #[test]
    fn shelving_puts_the_newest_first_once_and_keeps_three() {
        let mut list = Vec::new();
        for (i, t) in ["a", "b", "c", "b", "d"].into_iter().enumerate() {
            list = shelve(list, format!("v2.{t}"), i as u64);
        }
        let texts: Vec<&str> = list.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["v2.d", "v2.b", "v2.c"]);
        assert_eq!(list[1].at_ms, 3, "a save shelved again takes the new time");
    }

    #[test]
    fn lesson_progress_and_plain_runs_go_before_the_persons_own_work() {
        use crate::view_model::share::Op;
        let text = |st: &ShareState| encode(st).expect("encodes");
        let own = |at_s| {
            let mut s = state("saga", at_s);
            s.ops.push(Op::Reset { n: 5, t: SECOND, seed: 9 });
            text(&s)
        };
        let mut lesson = state("saga", 3);
        lesson.lesson = Some("queues".into());
        let (lesson, plain) = (text(&lesson), text(&state("cascade", 4)));
        let texts = |list: &[Earlier]| list.iter().map(|e| e.text.clone()).collect::<Vec<_>>();

        // Work, a lesson, work: one more work pushes the lesson out, not the oldest work.
        let list = [own(1), lesson.clone(), own(2), own(5)].into_iter().fold(Vec::new(), |l, t| shelve(l, t, 0));
        assert_eq!(texts(&list), [own(5), own(2), own(1)]);
        // A lesson or a plain run shelved onto three saves of work does not stay.
        assert_eq!(texts(&shelve(list.clone(), lesson.clone(), 9)), texts(&list));
        assert_eq!(texts(&shelve(list.clone(), plain.clone(), 9)), texts(&list));
        // Among saves holding no work, the oldest goes first.
        let list = [plain.clone(), lesson.clone(), own(1), own(2)].into_iter().fold(Vec::new(), |l, t| shelve(l, t, 0));
        assert_eq!(texts(&list), [own(2), own(1), lesson.clone()]);
        // Unreadable text may be a newer version's work: kept like work.
        let list =
            ["v9.x".to_string(), lesson.clone(), own(1), own(2)].into_iter().fold(Vec::new(), |l, t| shelve(l, t, 0));
        assert_eq!(texts(&list), [own(2), own(1), "v9.x".to_string()]);
    }

    #[test]
    fn the_stored_list_reads_back_and_skips_what_it_never_wrote() {
        let list = shelve(shelve(Vec::new(), "v2.AAA".into(), 1_700_000_000_123), "v2.BBB".into(), 5);
        assert_eq!(parse(&write(&list)), list);
        let read = parse("garbage\nNaN v2.x\n-1 v2.y\n12 \n\n7 v2.ok\n");
        assert_eq!(read, vec![Earlier { at_ms: 7, text: "v2.ok".into() }]);
        let many: String = (0..10).map(|i| format!("{i} v2.{i}\n")).collect();
        assert_eq!(parse(&many).len(), MAX_EARLIER);
    }

    #[test]
    fn a_save_is_described_by_what_it_holds_and_its_age() {
        let text = encode(&state("saga", 42)).expect("encodes");
        let e = Earlier { at_ms: 0, text };
        assert_eq!(describe(&e, 5 * 60_000), "Saga: orchestration, no changes, at 42 s; set aside 5 min ago");
        let broken = Earlier { at_ms: 0, text: "v2.%%".into() };
        assert_eq!(describe(&broken, 0), "A save this version cannot read; set aside just now");
    }

    #[test]
    fn own_changes_are_edits_resets_or_a_file_outside_a_lesson() {
        use crate::view_model::share::Op;
        let plain = state("saga", 1);
        assert!(!holds_own_changes(&plain));
        let mut edited = plain.clone();
        edited.ops.push(Op::Reset { n: 5, t: SECOND, seed: 9 });
        assert!(holds_own_changes(&edited));
        let mut lesson = edited.clone();
        lesson.lesson = Some("queues".into());
        assert!(!holds_own_changes(&lesson), "a lesson's changes are its steps'");
        let mut imported = plain.clone();
        imported.preset = None;
        imported.scenario = crate::engine::presets::load("cascade").map(Box::new);
        assert!(holds_own_changes(&imported), "a scenario from a file is the person's own");
    }

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        let min = 60_000;
        assert_eq!(ago(59_999, 0), "just now");
        assert_eq!(ago(0, 10 * min), "just now", "a clock set back");
        assert_eq!(ago(59 * min, 0), "59 min ago");
        assert_eq!(ago(60 * min, 0), "1 h ago");
        assert_eq!(ago(48 * 60 * min - 1, 0), "47 h ago");
        assert_eq!(ago(48 * 60 * min, 0), "2 days ago");
        assert_eq!(ago(3 * 1440 * min, 0), "3 days ago");
    }
}
