//! The scenario's story on the page: its description split into a lead
//! (always shown, one sentence) and the rest (behind "More"), and which
//! text that is: the text above the stage never states what the run no
//! longer does. A lesson step whose edits make the description untrue
//! carries its own story; any other change marks the description as how
//! the scenario started ([`shown_story`]).

use crate::engine::scenario::Scenario;

/// The words that mark a description the run has left behind.
pub const STARTED_MARK: &str = "Before the changes:";

/// The text above the stage and whether it is marked with
/// [`STARTED_MARK`]: the lesson step's story while the run is the
/// lesson's (`step_story`), else the scenario's `description`, marked when
/// the run has been `changed` from how it started ([`departs`]).
pub fn shown_story<'a>(description: &'a str, step_story: Option<&'a str>, changed: bool) -> (&'a str, bool) {
    match step_story {
        Some(story) => (story, false),
        None => (description, changed),
    }
}

/// The scenario a run started as, in the form [`departs`] compares: its
/// JSON text with every node's position left out, made once per load, so
/// a node moved with the arrow keys serialises only the run's design, not
/// the start again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StartText(Option<String>);

impl StartText {
    /// `start`'s text, made now.
    pub fn of(start: &Scenario) -> StartText {
        StartText(unplaced_text(start.clone()))
    }
}

/// `s` as the JSON the export writes, with where nodes are drawn left out:
/// the same serializer, so the wasm gets no second comparison of every setting.
fn unplaced_text(mut s: Scenario) -> Option<String> {
    for n in &mut s.nodes {
        n.position = Default::default();
    }
    serde_json::to_string_pretty(&s).ok()
}

/// True when the run is no longer the scenario it started as, in anything
/// its description could speak of: `now` is the run's design (its scenario
/// with the faults as they stand, those started or ended by hand
/// included); where nodes are drawn does not count. `start` is the text
/// made once when the scenario was loaded ([`StartText::of`]).
pub fn departs(start: &StartText, now: &Scenario) -> bool {
    start.0.is_none() || unplaced_text(now.clone()) != start.0
}

/// The lead sentence and the rest of a scenario description, both trimmed.
/// The lead ends at the first full stop that is followed by a space and a
/// capital letter or digit, so "e.g. a queue" or "2.5 s" do not end it.
pub fn split_story(description: &str) -> (&str, &str) {
    let text = description.trim();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices(". ") {
        let next = bytes.get(i + 2).copied().unwrap_or(b' ');
        if next.is_ascii_uppercase() || next.is_ascii_digit() {
            return (text[..=i].trim(), text[i + 1..].trim());
        }
    }
    (text, "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::lesson::{self, run_to_step};
    use crate::engine::presets;
    use crate::engine::scenario::{Fault, FaultEffect, Position};
    use crate::engine::Simulation;

    /// The rule, lesson by lesson and step by step: wherever a step's run
    /// differs from its scenario as it started, the text above the stage
    /// is the step's own story or the marked description, never the
    /// description as if it still held. And every built-in lesson gives
    /// such a step its own story, so a learner reads what the run does.
    #[test]
    fn no_lesson_step_shows_a_description_its_edits_made_untrue() {
        let mut departed = 0;
        for name in lesson::names() {
            let l = lesson::builtin(name).expect("valid");
            let start = presets::load(&l.scenario).expect("preset");
            for k in 0..l.steps.len() {
                let sim = run_to_step(&l, k).expect("runs");
                let changed = departs(&StartText::of(&start), &sim.design());
                let (text, marked) = shown_story(&start.description, l.story_of(k), changed);
                if changed {
                    departed += 1;
                    assert!(
                        marked || text != start.description,
                        "{name} step {}: the description is shown as if it held",
                        k + 1
                    );
                    assert!(l.story_of(k).is_some(), "{name} step {}: changes the scenario but has no story", k + 1);
                } else {
                    assert_eq!((text, marked), (start.description.as_str(), false), "{name} step {}", k + 1);
                }
            }
        }
        assert!(departed >= 10, "the fixes of nine lessons change their scenarios ({departed} steps)");
    }

    #[test]
    fn the_stream_lessons_fix_no_longer_says_it_commits_on_poll() {
        let l = lesson::builtin("stream").expect("valid");
        let start = presets::load(&l.scenario).expect("preset");
        assert!(start.description.contains("as soon as it polls"));
        let fix = l.story_of(2).expect("the fix has a story");
        assert!(!fix.contains("as soon as it polls"), "{fix}");
        assert!(fix.contains("only after"), "{fix}");
        assert!(l.story_of(3).is_some_and(|s| s.contains("idempotent")));
        // Before the fix the scenario's own words hold.
        assert_eq!(l.story_of(1), None);
    }

    #[test]
    fn a_change_marks_the_description_and_a_move_does_not() {
        let start = presets::load("cascade").expect("preset");
        let text = StartText::of(&start);
        let mut now = start.clone();
        assert!(!departs(&text, &now));
        now.nodes[0].position = Position { x: 999.0, y: -5.0 };
        assert!(!departs(&text, &now), "where a node is drawn is not what the story tells");
        let mut renamed = start.clone();
        renamed.nodes[1].label = "Something else".into();
        assert!(departs(&text, &renamed));
        let mut unmonitored = start.clone();
        unmonitored.monitors.push("pricing".into());
        assert!(departs(&text, &unmonitored));
        let mut no_fault = start.clone();
        no_fault.faults.clear();
        assert!(departs(&text, &no_fault));
        // A node added and put where one was removed is still a change.
        let mut swapped = start.clone();
        swapped.nodes[0].id = "elsewhere".into();
        assert!(departs(&text, &swapped));
        // A fault started by hand, or one of the schedule ended by hand, is in the run's design.
        let mut sim = Simulation::new(start.clone()).expect("valid");
        sim.run_until(3 * crate::engine::SECOND).expect("runs");
        assert!(!departs(&text, &sim.design()));
        let fault = Fault { target: "pricing".into(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Crash };
        sim.apply(&crate::engine::Edit::ApplyFault { fault }).expect("applies");
        assert!(departs(&text, &sim.design()));
        let mut sim = Simulation::new(start.clone()).expect("valid");
        sim.run_until(3 * crate::engine::SECOND).expect("runs");
        sim.apply(&crate::engine::Edit::ClearFault { index: 0 }).expect("applies");
        assert!(departs(&text, &sim.design()), "the schedule's slowdown ended before its time");
        assert_eq!(shown_story("As written.", None, true), ("As written.", true));
        assert_eq!(shown_story("As written.", Some("As the step left it."), true), ("As the step left it.", false));
        assert_eq!(shown_story("As written.", None, false), ("As written.", false));
    }

    /// The start's text is made once, when the scenario is loaded: asking
    /// again after every move reads only that text, never the start.
    #[test]
    fn a_move_does_not_serialise_the_start_again() {
        let mut start = presets::load("seven").expect("preset");
        let text = StartText::of(&start);
        // Whatever becomes of the scenario it was made from, the text stands.
        start.nodes.clear();
        let mut now = presets::load("seven").expect("preset");
        for k in 0..20 {
            now.nodes[k % 3].position.x += 10.0;
            assert!(!departs(&text, &now), "move {k}");
        }
        now.nodes[0].label.push('!');
        assert!(departs(&text, &now));
        assert!(departs(&StartText::default(), &now), "no text: nothing to say it still holds");
    }

    #[test]
    fn the_lead_is_the_first_sentence() {
        let (lead, rest) = split_story("A slow Pricing service. Callers wait. Then they time out.");
        assert_eq!(lead, "A slow Pricing service.");
        assert_eq!(rest, "Callers wait. Then they time out.");
    }

    #[test]
    fn abbreviations_and_decimals_do_not_end_the_lead() {
        let (lead, rest) = split_story("Arrivals at 2.5 s, e.g. bursts, hit the queue. 10 s later it drains.");
        assert_eq!(lead, "Arrivals at 2.5 s, e.g. bursts, hit the queue.");
        assert_eq!(rest, "10 s later it drains.");
    }

    #[test]
    fn one_sentence_or_none() {
        assert_eq!(split_story("  Just one.  "), ("Just one.", ""));
        assert_eq!(split_story(""), ("", ""));
        assert_eq!(split_story("No stop at all"), ("No stop at all", ""));
        // Only ASCII capitals start a sentence (the scenarios are English, and
        // Unicode case tables would cost download size); multi-byte text
        // around the stop is split on a character boundary.
        assert_eq!(split_story("Café ok. Über alles."), ("Café ok. Über alles.", ""));
        assert_eq!(split_story("Café ok. Zoë too."), ("Café ok.", "Zoë too."));
    }
}
