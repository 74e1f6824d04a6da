//! The guided lesson: a picker, and for the open lesson a card with the
//! step's text, the numbers it points at (live), Previous/Next and "Back to
//! the lesson". The step's node or link is highlighted on the stage through
//! `Store::highlight`. Reaching a step makes the lesson's edits through the
//! store's edit path and fast-forwards in the store's budgeted slices, so
//! the page shows exactly the state `engine::lesson::run_to_step` computes
//! (`view_model::lesson::route` decides whether to go on or start again).
//! The last step says the lesson is finished and leads on (`lesson_done.rs`).
//! `?lesson=NAME&step=N` opens a lesson at a step.

use std::collections::VecDeque;
use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::lesson::{self, metric, Lesson};
use crate::engine::time::{ms_to_micros, Micros};
use crate::engine::{Edit, Simulation};
use crate::view_model::lesson::{departure, route, step_from_query, step_note, Departure};
use crate::view_model::lesson_end::{self, step_said, Onward};

use crate::view_model::run::{at_from_link, at_not_used, seed_not_used};

use super::browser::{parse_decimal, query_param};
use super::confirm_discard::{use_asker, would_lose_changes, Discard};
use super::lesson_done::{done_note, onward_button};
use super::store::{use_store, Store};

/// Edits still to make, each at its time (µs), and where the run stops (µs).
type Pending = (VecDeque<(Micros, Edit)>, Micros);

/// The card's state: the lesson open, its step, and the edits still to make on the way there.
#[derive(Clone, Copy)]
struct Tutor {
    store: Store,
    lesson: RwSignal<Option<Arc<Lesson>>>,
    step: RwSignal<usize>,
    /// Edits due at their times, and where the run stops; `None` once there.
    pending: StoredValue<Option<Pending>, LocalStorage>,
    /// The store's (revision, seed) when the lesson last put its state in place.
    mark: RwSignal<Option<(u64, u64)>>,
    /// A bad `?lesson=` name, or an edit of the lesson the engine refused.
    error: RwSignal<Option<String>>,
    /// The card's body shown (it folds away to give the stage room).
    expanded: RwSignal<bool>,
}

impl Tutor {
    /// Opens lesson `name` at step `k`, from time zero.
    fn open(&self, name: &str, k: usize) {
        let Some(l) = lesson::builtin(name) else {
            self.error.set(Some(format!("There is no lesson called “{name}”. Pick one from the Lesson list.")));
            return;
        };
        self.error.set(None);
        self.lesson.set(Some(Arc::new(l)));
        self.expanded.set(true);
        self.go(k, true);
    }

    /// Shows step `k`: from the run as it is when that gives the same state, else from time zero.
    fn go(&self, k: usize, fresh: bool) {
        let Some(l) = self.lesson.get_untracked() else { return };
        let store = self.store;
        let from = (!fresh).then(|| self.step.get_untracked());
        let now = store.sim.with_value(Simulation::now);
        let idle = self.pending.with_value(Option::is_none) && !store.is_jumping();
        let r = route(&l, from, k, now, idle && self.in_sync());
        let k = k.min(l.steps.len().saturating_sub(1));
        self.step.set(k);
        self.error.set(None);
        store.playing.set(false);
        // What the page said about the run before is stale; the plan's own
        // fast-forwards keep what is said from here (see `advance`).
        store.notice.set(None);
        if r.restart {
            store.load(&l.scenario);
        }
        store.highlight.set(l.steps[k].focus.clone());
        let say = step_said(&l, k);
        self.mark.set(None);
        self.pending.set_value(Some((r.edits, r.until)));
        self.advance();
        // After the step's own edits, so their explanations do not cut in (the step's text explains them).
        store.announce(say);
    }

    /// Makes the edits that are due, then fast-forwards to the next one or
    /// to the step's time; called again when each fast-forward arrives.
    fn advance(&self) {
        let store = self.store;
        let Some((mut edits, until)) = self.pending.with_value(Clone::clone) else { return };
        let now = store.sim.with_value(Simulation::now);
        while edits.front().is_some_and(|(at, _)| *at <= now) {
            let Some((_, edit)) = edits.pop_front() else { break };
            if let Err(reason) = store.try_edit(edit) {
                self.pending.set_value(None);
                self.error.set(Some(format!("This step's change could not be made: {reason}")));
                return;
            }
        }
        let next = edits.front().map_or(until, |(at, _)| *at);
        if next > now {
            self.pending.set_value(Some((edits, until)));
            // A fast-forward starts with a clean notice; this one is the
            // lesson's own, so what the link's notes said stays.
            let said = store.notice.get_untracked();
            store.jump_to(next);
            store.notice.set(said);
        } else {
            self.pending.set_value(None);
            self.mark.set(Some((store.revision.get_untracked(), store.seed.get_untracked())));
            self.point_log();
        }
    }

    /// The step is in place: the event log points at its key event (the
    /// worst since the step's changes, highlighted and scrolled to), so a
    /// learner told what happened finds it among the newer, milder rows.
    fn point_log(&self) {
        let Some(l) = self.lesson.get_untracked() else { return };
        let from = ms_to_micros(l.edits_at(self.step.get_untracked()) * 1_000.0);
        let key = self.store.story.log.with_value(|log| log.key_event(from));
        self.store.story.highlight.set(key);
    }

    /// True while the run is the lesson's (the learner changed nothing since).
    fn in_sync(&self) -> bool {
        self.mark.get_untracked() == Some((self.store.revision.get_untracked(), self.store.seed.get_untracked()))
    }

    /// Shows step `k` of lesson `name` without running it: a share link
    /// brought the run, made with the lesson (its edits are in the link).
    /// Not marked in step with the lesson, so Next plans from time zero.
    fn show(&self, name: &str, k: usize) {
        let Some(l) = lesson::builtin(name) else {
            self.error.set(Some(format!("The link names a lesson “{name}” that this Patchbay does not have.")));
            return;
        };
        let k = k.min(l.steps.len().saturating_sub(1));
        self.error.set(None);
        self.pending.set_value(None);
        self.mark.set(None);
        self.store.highlight.set(l.steps[k].focus.clone());
        self.step.set(k);
        self.lesson.set(Some(Arc::new(l)));
        self.expanded.set(true);
    }

    fn close(&self) {
        self.lesson.set(None);
        self.pending.set_value(None);
        self.mark.set(None);
        self.store.highlight.set(None);
    }
}

/// The lesson picker and the open lesson's card.
#[component]
pub fn LessonCard() -> impl IntoView {
    let store = use_store();
    let t = Tutor {
        store,
        lesson: RwSignal::new(None),
        step: RwSignal::new(0),
        pending: StoredValue::new_local(None),
        mark: RwSignal::new(None),
        error: RwSignal::new(None),
        expanded: RwSignal::new(true),
    };
    // A fast-forward ended: go on with the plan if it arrived where the plan
    // sent it; if it stopped short (cancelled) the learner has taken over.
    Effect::new(move |_| {
        if store.jumping.with(Option::is_some) || t.pending.with_value(Option::is_none) {
            return;
        }
        let now = store.sim.with_value(Simulation::now);
        let target = t.pending.with_value(|p| p.as_ref().map(|(e, until)| e.front().map_or(*until, |(at, _)| *at)));
        if target.is_some_and(|target| now >= target) {
            t.advance();
        } else {
            t.pending.set_value(None);
        }
    });
    // A share link's lesson and step (or none: a lesson open here closes).
    Effect::new(move |_| {
        if let Some((name, k)) = store.lesson_show.get() {
            store.lesson_show.set(None);
            if name.is_empty() {
                t.close();
            } else {
                t.show(&name, k);
            }
        }
    });
    // What the link holds of the lesson: its id and the step shown.
    Effect::new(move |_| {
        let open = t.lesson.with(|l| l.as_ref().map(|l| l.name.clone())).map(|name| (name, t.step.get()));
        if store.lesson_open.with_untracked(|o| *o != open) {
            store.lesson_open.set(open);
        }
    });
    // The embedding page's go_to_lesson_step.
    Effect::new(move |_| {
        if let Some((name, k)) = store.lesson_request.get() {
            store.lesson_request.set(None);
            t.open(&name, k);
        }
    });
    // A share link in the fragment wins over `?lesson=` (docs/share.md): its
    // state, lesson and step included, is being played back.
    if let Some(name) = query_param("lesson").filter(|_| !store.is_opening_link()) {
        // Read once: a built-in lesson is parsed from its JSON on each call.
        let steps = lesson::builtin(&name).map(|l| l.steps.len());
        let step = query_param("step");
        t.open(&name, step_from_query(step.as_deref(), steps.unwrap_or(1)));
        // Added to what the page says of the link (the app puts its own
        // notes first): the step, and a seed or time the lesson does not use.
        let mut notes: Vec<String> = steps.and_then(|n| step_note(step.as_deref(), n)).into_iter().collect();
        if steps.is_some() {
            notes.extend(
                super::persist::seeded().and_then(|seed| seed_not_used(seed, store.seed.get_untracked(), true)),
            );
            notes.extend(
                query_param("at")
                    .filter(|raw| at_from_link(raw, parse_decimal(raw)).0.is_some())
                    .map(|raw| at_not_used(&raw, true)),
            );
        }
        if !notes.is_empty() {
            store.notice.set(Some(notes.join(" ")));
        }
    }
    // Over a run the person changed, asked first (see confirm_discard.rs).
    let asker = use_asker();
    let picker = NodeRef::<leptos::html::Select>::new();
    let on_pick = move |ev| {
        let name = event_target_value(&ev);
        if name.is_empty() {
            t.close();
        } else if !would_lose_changes(store) {
            t.open(&name, 0);
        } else {
            let title = lesson::builtin(&name).map_or_else(|| name.clone(), |l| l.title);
            let confirm = Callback::new(move |()| t.open(&name, 0));
            // No lesson was open: the picker goes back to none.
            let keep = Callback::new(move |()| {
                if let Some(select) = picker.get_untracked() {
                    select.set_value("");
                }
            });
            asker.ask(Discard { title, verb: "Start lesson", confirm, keep });
        }
    };
    let options = lesson::names()
        .map(|name| {
            let title = lesson::builtin(name).map_or_else(|| name.to_string(), |l| l.title);
            let selected = move || t.lesson.with(|l| l.as_ref().is_some_and(|l| l.name == name));
            view! { <option value=name prop:selected=selected>{title}</option> }
        })
        .collect_view();
    let open = move || t.lesson.with(Option::is_some);
    let count = move || t.lesson.with(|l| l.as_ref().map_or(0, |l| l.steps.len()));
    // Named outside the view: a `>` inside an attribute's closure would end the tag.
    let at_last = move || t.step.get() + 1 >= count();
    // At the last step: where the lesson leads (read again only when the
    // step or the lesson changes).
    let onward = move || {
        let name = t.lesson.with(|l| l.as_ref().map(|l| l.name.clone()))?;
        at_last().then(|| lesson_end::onward(&name))
    };
    // The button that had the focus is hidden once pressed (Next at the last
    // step, the way on once it is taken): the focus goes where the learner
    // carries on, not to the page's start, once the card shows the new step.
    let focus_later = |testid: &str| super::stage::focus_later(testid.to_string());
    let on_next = move |_| {
        let k = t.step.get_untracked() + 1;
        t.go(k, false);
        if k + 1 >= t.lesson.with_untracked(|l| l.as_ref().map_or(0, |l| l.steps.len())) {
            focus_later("lesson-onward");
        }
    };
    let go_on = move |o: Onward| match o {
        Onward::Lesson { name, .. } => {
            t.open(&name, 0);
            focus_later("lesson-next");
        }
        Onward::Explore => {
            t.close();
            store.announce("Lesson closed: the run is yours to explore. The Lesson list opens another.".into());
            if let Some(select) = picker.get_untracked() {
                let _focused = select.focus();
            }
        }
    };
    // How the page has left the lesson, if it has: only then does Back have something to put back.
    let left = move || {
        let wanted = t.lesson.with(|l| l.as_ref().map(|l| l.scenario.clone()))?;
        let now = (store.revision.get(), store.seed.get());
        store.preset.with(|open| departure(&wanted, open, t.mark.get(), now))
    };
    // The step's story goes above the stage while the run is the lesson's
    // (its own changes made the scenario's description untrue): placed by
    // the card, or on its way there. Once the page has left the lesson, or
    // for a share link's run (which may hold changes of its own), the
    // description shows, marked as how the scenario started.
    Effect::new(move |_| {
        let story = t.lesson.with(|l| l.as_ref().and_then(|l| l.story_of(t.step.get()).map(str::to_string)));
        let placed = t.mark.get().is_some() || store.jumping.with(Option::is_some);
        let story = story.filter(|_| placed && left().is_none());
        if store.step_story.with_untracked(|s| *s != story) {
            store.step_story.set(story);
        }
    });
    // The text shows all its lines, or its first few in a short embed until "Read all".
    let all_text = RwSignal::new(false);
    let clamped = RwSignal::new(false);
    let text_ref = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        t.step.track();
        t.lesson.track();
        t.expanded.track();
        all_text.set(false);
        // After the new text is laid out: is any of it cut off by the clamp?
        request_animation_frame(move || {
            clamped.set(text_ref.get_untracked().is_some_and(|p| p.scroll_height() > p.client_height() + 1));
        });
    });
    view! {
        <section class="lesson" class:lesson--open=open aria-label="Guided lesson" data-testid="lesson">
            <div class="lesson__bar">
                <label class="lesson__pick">
                    <span>"Lesson"</span>
                    <select on:change=on_pick node_ref=picker data-testid="lesson-picker">
                        <option value="" prop:selected=move || !open()>"None: explore freely"</option>
                        {options}
                    </select>
                </label>
                <Show when=open>
                    <span class="lesson__count" data-testid="lesson-step">
                        {move || format!("Step {} of {}", t.step.get() + 1, count())}
                    </span>
                    <button
                        class="btn btn--small"
                        aria-expanded=move || t.expanded.get().to_string()
                        aria-controls="lesson-body"
                        data-testid="lesson-toggle"
                        on:click=move |_| t.expanded.update(|e| *e = !*e)
                    >
                        {move || if t.expanded.get() { "Hide" } else { "Show" }}
                    </button>
                    <button
                        class="btn btn--small"
                        aria-label="Close the lesson"
                        title="Close the lesson"
                        data-testid="lesson-close"
                        on:click=move |_| t.close()
                    >
                        "×"
                    </button>
                </Show>
            </div>
            <p class="lesson__error" role="alert" data-testid="lesson-error">{move || t.error.get()}</p>
            <Show when=move || open() && t.expanded.get()>
                <div class="lesson__body" id="lesson-body">
                    <h2 class="lesson__title">{move || t.lesson.with(|l| l.as_ref().map(|l| l.title.clone()))}</h2>
                    <p
                        class="lesson__text"
                        id="lesson-text"
                        node_ref=text_ref
                        data-testid="lesson-text"
                    >
                        {move || t.lesson.with(|l| l.as_ref().and_then(|l| l.steps.get(t.step.get())).map(|s| s.text.clone()))}
                    </p>
                    <button
                        class="btn btn--small lesson__more"
                        hidden=move || !clamped.get()
                        aria-expanded=move || all_text.get().to_string()
                        aria-controls="lesson-text"
                        data-testid="lesson-more"
                        on:click=move |_| all_text.update(|a| *a = !*a)
                    >
                        {move || if all_text.get() { "Show less" } else { "Read all" }}
                    </button>
                    <Numbers lesson=t.lesson step=t.step />
                    {done_note(onward)}
                    <div class="lesson__nav">
                        <button
                            class="btn"
                            data-testid="lesson-prev"
                            prop:disabled=move || t.step.get() == 0
                            on:click=move |_| t.go(t.step.get_untracked().saturating_sub(1), false)
                        >
                            "Previous"
                        </button>
                        // At the last step the way on takes Next's place.
                        <button
                            class="btn btn--primary"
                            data-testid="lesson-next"
                            hidden=at_last
                            on:click=on_next
                        >
                            "Next"
                        </button>
                        {onward_button(onward, go_on)}
                        // Only once the page has left the lesson: in step with it,
                        // Back would just start the step again.
                        <button
                            class="btn lesson__back--deviated"
                            hidden=move || left().is_none()
                            data-testid="lesson-back"
                            title="Start this step again as the lesson set it, on the same seed"
                            on:click=move |_| t.go(t.step.get_untracked(), true)
                        >
                            "Back to the lesson"
                        </button>
                    </div>
                    <p class="lesson__status" data-testid="lesson-status">
                        {move || left().as_ref().map(Departure::status)}
                    </p>
                </div>
            </Show>
        </section>
    }
}

/// The numbers the step points at, live.
#[component]
fn Numbers(lesson: RwSignal<Option<Arc<Lesson>>>, step: RwSignal<usize>) -> impl IntoView {
    let store = use_store();
    let keys = move || lesson.with(|l| l.as_ref().map(|l| l.watch_of(step.get()).to_vec()).unwrap_or_default());
    move || {
        let items = keys()
            .into_iter()
            .map(|key| {
                let label = store.sim.with_value(|s| metric::label(&key, s.scenario()));
                let testid = format!("lesson-number-{key}");
                let value = move || {
                    store.frame.track();
                    store.sim.with_value(|s| metric::value(&key, s)).map_or("–".to_string(), |v| v.to_string())
                };
                view! {
                    <div class="lesson__number">
                        <dt>{label}</dt>
                        <dd data-testid=testid>{value}</dd>
                    </div>
                }
            })
            .collect_view();
        view! { <dl class="lesson__numbers" aria-label="Numbers to watch">{items}</dl> }
    }
}
