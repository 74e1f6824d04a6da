//! Where a lesson's last step leads, and its words: the lesson is finished,
//! and the way on is the next built-in lesson in the picker's order, or
//! after the last one the run itself, to explore freely with the Lesson
//! list there to pick another. A last step that only greyed out Next left
//! the learner at a dead end, not knowing the lesson was over.

use crate::engine::lesson;

/// The way on from a finished lesson.
#[derive(Clone, Debug, PartialEq)]
pub enum Onward {
    /// The next lesson in the picker's order.
    Lesson {
        /// Its name, to open it.
        name: String,
        /// Its title, as the picker shows it.
        title: String,
    },
    /// The last lesson: close it and explore the run freely.
    Explore,
}

/// The way on after lesson `name` (an unknown name has none but exploring).
pub fn onward(name: &str) -> Onward {
    let mut after = lesson::names().skip_while(|n| *n != name).skip(1);
    match after.next() {
        Some(next) => {
            let title = lesson::builtin(next).map_or_else(|| next.to_string(), |l| l.title);
            Onward::Lesson { name: next.to_string(), title }
        }
        None => Onward::Explore,
    }
}

impl Onward {
    /// What the card says after "Lesson finished.".
    pub fn sentence(&self) -> String {
        match self {
            Onward::Lesson { title, .. } => format!("Next: “{title}”."),
            Onward::Explore => {
                "That was the last lesson: the run is yours to explore, or pick another lesson from the list."
                    .to_string()
            }
        }
    }

    /// The button's word.
    pub fn button(&self) -> &'static str {
        match self {
            Onward::Lesson { .. } => "Next lesson",
            Onward::Explore => "Explore freely",
        }
    }

    /// Said to screen readers after the last step's text: the step itself
    /// reads like any other, so the end is said in words.
    pub fn announced(&self) -> String {
        let on = match self {
            Onward::Lesson { title, .. } => format!("Next lesson: {title}."),
            Onward::Explore => "That was the last lesson; Explore freely closes it.".to_string(),
        };
        format!("This was the last step: the lesson is finished. {on}")
    }
}

/// What screen readers hear of step `k` of `l` (clamped to its steps): its
/// number and text, and at the last step that the lesson is finished and
/// where it leads.
pub fn step_said(l: &lesson::Lesson, k: usize) -> String {
    let k = k.min(l.steps.len().saturating_sub(1));
    let Some(step) = l.steps.get(k) else { return String::new() };
    let say = format!("Lesson step {} of {}: {}", k + 1, l.steps.len(), step.text);
    if k + 1 == l.steps.len() {
        format!("{say} {}", onward(&l.name).announced())
    } else {
        say
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_said_with_its_number_and_the_last_with_the_way_on() {
        let l = lesson::builtin("queue").expect("the queue lesson");
        let first = step_said(&l, 0);
        assert!(first.starts_with("Lesson step 1 of 4: "), "{first}");
        assert!(!first.contains("finished"), "{first}");
        let last = step_said(&l, 3);
        assert!(last.starts_with("Lesson step 4 of 4: "), "{last}");
        assert!(last.ends_with(&onward("queue").announced()), "{last}");
        assert_eq!(step_said(&l, 99), last, "a step past the end is the last");
    }

    #[test]
    fn each_lesson_leads_to_the_next_in_the_pickers_order_and_the_last_to_exploring() {
        let names: Vec<&str> = lesson::names().collect();
        for pair in names.windows(2) {
            let Onward::Lesson { name, title } = onward(pair[0]) else { panic!("{} leads nowhere", pair[0]) };
            assert_eq!(name, pair[1]);
            assert_eq!(title, lesson::builtin(pair[1]).expect("a lesson").title);
        }
        assert_eq!(onward(names[names.len() - 1]), Onward::Explore);
        assert_eq!(onward("no-such-lesson"), Onward::Explore);
    }

    #[test]
    fn the_words_say_the_lesson_is_finished_and_where_next() {
        let next = onward("request-response");
        assert_eq!(next.sentence(), "Next: “2 · Queues: a poison message and the dead-letter queue”.");
        assert_eq!(next.button(), "Next lesson");
        assert_eq!(
            next.announced(),
            "This was the last step: the lesson is finished. Next lesson: 2 · Queues: a poison message and the \
             dead-letter queue."
        );
        assert_eq!(Onward::Explore.button(), "Explore freely");
        assert!(Onward::Explore.sentence().starts_with("That was the last lesson"));
        assert!(Onward::Explore.announced().contains("Explore freely closes it"));
    }
}
