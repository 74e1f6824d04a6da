//! How the page reaches a lesson's step: by going on from where the run is
//! (the step after the one shown, nothing changed by the learner, its edits
//! still ahead in time), or by starting the scenario again from time zero
//! with the same seed and every edit of the plan. Either way the state is
//! the one [`crate::engine::lesson::run_to_step`] computes headless.

use std::collections::VecDeque;

use crate::engine::lesson::Lesson;
use crate::engine::time::{ms_to_micros, Micros};
use crate::engine::{Edit, TimedEdit};
use crate::view_model::preset_titles::preset_title;

/// What to do to reach a step.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Load the scenario again first (time zero, its seed).
    pub restart: bool,
    /// Edits to make, each once the clock reaches its time (µs), in order.
    pub edits: VecDeque<(Micros, Edit)>,
    /// Where the run stops, paused (µs).
    pub until: Micros,
}

/// The way to step `to` from step `from` (the step shown, if any), when
/// the run is at `now` and `in_sync` says the learner changed nothing since
/// the lesson last put its state in place.
pub fn route(lesson: &Lesson, from: Option<usize>, to: usize, now: Micros, in_sync: bool) -> Route {
    let to = to.min(lesson.steps.len().saturating_sub(1));
    let until = ms_to_micros(lesson.time_of(to) * 1_000.0);
    let at = ms_to_micros(lesson.edits_at(to) * 1_000.0);
    let next = from.is_some_and(|f| f + 1 == to);
    let has_edits = lesson.steps.get(to).is_some_and(|s| !s.edits.is_empty());
    if in_sync && next && until >= now && (!has_edits || at >= now) {
        let edits = lesson.steps.get(to).map(|s| s.edits.iter().map(|e| (at, e.clone())).collect()).unwrap_or_default();
        return Route { restart: false, edits, until };
    }
    let plan = lesson.plan(to);
    let edits = plan.edits.into_iter().map(|TimedEdit { at_ms, edit }| (ms_to_micros(at_ms), edit)).collect();
    Route { restart: true, edits, until }
}

/// `?step=N` (from 1) as a step index within the lesson; 0 for anything else.
pub fn step_from_query(value: Option<&str>, steps: usize) -> usize {
    value.and_then(|v| v.trim().parse::<usize>().ok()).map_or(0, |n| n.clamp(1, steps.max(1)) - 1)
}

/// A note for the page when `?step=` was not a step of the lesson (not a
/// whole number, 0, or past its last step), saying which step is shown.
pub fn step_note(value: Option<&str>, steps: usize) -> Option<String> {
    let v = value?;
    let fits = v.trim().parse::<usize>().is_ok_and(|n| (1..=steps).contains(&n));
    let shown: String = v.chars().take(40).collect();
    (!fits).then(|| {
        let at = step_from_query(value, steps) + 1;
        format!("?step={shown} is not one of this lesson's {steps} steps, so step {at} is shown.")
    })
}

/// How the page has left the lesson's state: exactly when "Back to the
/// lesson" has something to put back. While the run is still the lesson's
/// (at step 1 or any other, played on or not) there is none, and the button
/// is not shown: it would only start the step again.
#[derive(Clone, Debug, PartialEq)]
pub enum Departure {
    /// Another scenario is open (the lesson's is named): Back opens it again.
    Elsewhere(String),
    /// The learner changed the run (an edit or the seed) since the lesson
    /// put its state in place: Back puts the lesson's state back.
    Changed,
}

/// Whether the page has left lesson scenario `wanted`: `open` is the
/// scenario shown, `placed` the store's (revision, seed) when the lesson
/// last put its state in place (`None` while it is getting there, or for a
/// share link's run) and `now` the store's (revision, seed).
pub fn departure(wanted: &str, open: &str, placed: Option<(u64, u64)>, now: (u64, u64)) -> Option<Departure> {
    if wanted != open {
        Some(Departure::Elsewhere(wanted.to_string()))
    } else if placed.is_some_and(|p| p != now) {
        Some(Departure::Changed)
    } else {
        None
    }
}

impl Departure {
    /// The card's sentence saying what happened and what Back will do.
    pub fn status(&self) -> String {
        match self {
            Departure::Elsewhere(wanted) => format!(
                "Another scenario is open, so the numbers above have nothing to count. Back to the lesson opens {} again.",
                preset_title(wanted)
            ),
            Departure::Changed => {
                "You have changed the run: the numbers are yours now. Back to the lesson puts the lesson's state back."
                    .to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::lesson::builtin;
    use crate::engine::SECOND;

    #[test]
    fn back_to_the_lesson_is_offered_only_once_the_page_has_left_it() {
        // In step with the lesson, at step 1 as at any other: nothing to put back.
        assert_eq!(departure("poison-dlq", "poison-dlq", Some((4, 7)), (4, 7)), None);
        // On the way to a step, or a share link's run: not the learner's change.
        assert_eq!(departure("poison-dlq", "poison-dlq", None, (9, 7)), None);
        // An edit or another seed since the lesson put its state in place.
        assert_eq!(departure("poison-dlq", "poison-dlq", Some((4, 7)), (5, 7)), Some(Departure::Changed));
        assert_eq!(departure("poison-dlq", "poison-dlq", Some((4, 7)), (4, 99)), Some(Departure::Changed));
        // Another scenario wins over a change, and names the lesson's.
        let away = departure("poison-dlq", "order-flow", Some((4, 7)), (5, 7));
        assert_eq!(away, Some(Departure::Elsewhere("poison-dlq".into())));
        let said = away.map(|d| d.status()).unwrap_or_default();
        assert!(said.starts_with("Another scenario is open"), "{said}");
        assert!(said.contains(preset_title("poison-dlq")), "{said}");
        assert!(Departure::Changed.status().contains("numbers are yours"));
    }

    #[test]
    fn a_step_outside_the_lesson_is_named() {
        assert_eq!(step_note(None, 4), None);
        assert_eq!(step_note(Some("2"), 4), None);
        assert_eq!(
            step_note(Some("99"), 4).as_deref(),
            Some("?step=99 is not one of this lesson's 4 steps, so step 4 is shown.")
        );
        assert!(step_note(Some("0"), 4).is_some_and(|n| n.ends_with("step 1 is shown.")));
        assert!(step_note(Some("two"), 4).is_some_and(|n| n.ends_with("step 1 is shown.")));
    }

    #[test]
    fn the_next_step_goes_on_from_the_run_when_nothing_changed() {
        let l = builtin("queue").expect("valid");
        let r = route(&l, Some(0), 1, 4 * SECOND, true);
        assert!(!r.restart);
        assert!(r.edits.is_empty());
        assert_eq!(r.until, 30 * SECOND);
    }

    #[test]
    fn a_fix_from_time_zero_a_change_or_going_back_starts_again() {
        let l = builtin("queue").expect("valid");
        // The fix applies from 0 s, behind the clock.
        let fix = route(&l, Some(1), 2, 30 * SECOND, true);
        assert!(fix.restart);
        assert_eq!(fix.edits.len(), 1);
        assert_eq!(fix.edits[0].0, 0);
        // The learner changed something.
        assert!(route(&l, Some(0), 1, 4 * SECOND, false).restart);
        // Previous.
        assert!(route(&l, Some(2), 1, 30 * SECOND, true).restart);
        // Played on past the step's time.
        assert!(route(&l, Some(0), 1, 40 * SECOND, true).restart);
    }

    #[test]
    fn an_edit_ahead_in_time_is_made_on_the_way() {
        let l = builtin("latency-budget").expect("valid");
        let r = route(&l, Some(0), 1, 8 * SECOND, true);
        assert!(!r.restart);
        assert_eq!(r.edits.len(), 1);
        assert_eq!(r.edits[0].0, 8 * SECOND);
        assert_eq!(r.until, ms_to_micros(9_900.0));
    }

    #[test]
    fn step_numbers_from_links_are_clamped() {
        assert_eq!(step_from_query(Some("3"), 4), 2);
        assert_eq!(step_from_query(Some("99"), 4), 3);
        assert_eq!(step_from_query(Some("0"), 4), 0);
        assert_eq!(step_from_query(Some("x"), 4), 0);
        assert_eq!(step_from_query(None, 4), 0);
    }
}
