//! The end of a lesson on its card: at the last step a line saying the
//! lesson is finished and where it leads, and in Next's place the button
//! that goes there (`view_model::lesson_end`). Both stay in the DOM and are
//! hidden before the last step, so the card can move the focus to the
//! button when Next, now hidden, brings a keyboard user here. Plain
//! functions over the card's closures rather than components: props, a memo
//! and a callback of their own cost the wasm about 2 KB gzipped.

use leptos::prelude::*;

use crate::view_model::lesson_end::Onward;

/// "Lesson finished." and the way on in words; hidden before the last step.
/// `onward` says where the finished lesson leads (`None` before its last step).
pub fn done_note(onward: impl Fn() -> Option<Onward> + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
        <p class="lesson__done" id="lesson-done" hidden=move || onward().is_none() data-testid="lesson-done">
            <span class="lesson__done-mark" aria-hidden="true">"✓"</span>
            <span>
                <strong>"Lesson finished."</strong>
                " "
                {move || onward().map(|o| o.sentence())}
            </span>
        </p>
    }
}

/// The button that takes the way on (`go_on`), in Next's place at the last
/// step, described by the note (which names the next lesson whole).
pub fn onward_button(
    onward: impl Fn() -> Option<Onward> + Copy + Send + Sync + 'static,
    go_on: impl Fn(Onward) + 'static,
) -> impl IntoView {
    view! {
        <button
            class="btn btn--primary"
            hidden=move || onward().is_none()
            aria-describedby="lesson-done"
            data-testid="lesson-onward"
            on:click=move |_| {
                if let Some(o) = onward() {
                    go_on(o);
                }
            }
        >
            {move || onward().map(|o| o.button())}
        </button>
    }
}
