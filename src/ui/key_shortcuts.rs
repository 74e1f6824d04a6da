//! Whether the page-wide single-key shortcuts (Space plays or pauses, →
//! steps, C opens Compare) are on. WCAG 2.1.4: a shortcut of one character
//! key must be possible to turn off, or speech input and stray key presses
//! set off actions. Keys bound to a focused node or link (C to link, the
//! arrows to move) are active only on that focus and stay on.

use leptos::prelude::*;

/// The stored setting's key (see `persist::setting`).
const SHORTCUTS_KEY: &str = "single-key-shortcuts";

/// Whether the page-wide single-key shortcuts act; on unless turned off.
#[derive(Clone, Copy)]
pub(super) struct SingleKeys(pub RwSignal<bool>);

impl SingleKeys {
    /// As the person left it last visit (on by default).
    pub(super) fn kept() -> Self {
        SingleKeys(RwSignal::new(super::persist::setting(SHORTCUTS_KEY).as_deref() != Some("off")))
    }

    /// True when a plain Space, → or C should act now.
    pub(super) fn on(self) -> bool {
        self.0.get_untracked()
    }
}

/// The switch, beside Spoken updates (both set how the page and a
/// person's keyboard or screen reader talk to each other).
pub(super) fn shortcuts_switch(keys: SingleKeys, announce: RwSignal<String>) -> impl IntoView {
    let on_change = move |ev| {
        let on = event_target_checked(&ev);
        keys.0.set(on);
        super::persist::keep_setting(SHORTCUTS_KEY, if on { "on" } else { "off" });
        announce.set(if on {
            "Single-key shortcuts on: Space plays or pauses, the right arrow steps, C opens Compare.".into()
        } else {
            "Single-key shortcuts off; the buttons still do the same.".into()
        });
    };
    view! {
        <label class="event-log__field event-log__field--check" title="Space plays or pauses, → steps, C opens Compare">
            <input type="checkbox" prop:checked=move || keys.0.get() on:change=on_change data-testid="single-keys" />
            <span>"Single-key shortcuts"</span>
        </label>
    }
}

/// A button's `aria-keyshortcuts`, said only while the shortcuts act.
pub(super) fn shortcut(keys: &'static str) -> impl Fn() -> Option<&'static str> + Copy {
    let on = use_context::<SingleKeys>();
    move || on.is_none_or(|k| k.0.get()).then_some(keys)
}
