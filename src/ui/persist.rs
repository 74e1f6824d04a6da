//! Where the page's state comes from when it opens, and where it goes
//! while the person works: the URL fragment (a share link) and the
//! browser's localStorage (autosave).
//!
//! Precedence when the page opens (docs/share.md): a state in the
//! fragment wins (over `?lesson=` and `?seed=` too, which is said when
//! the seeds differ); else `?scenario=` or `?lesson=` names what opens,
//! or `?seed=` or `?at=` a run of the default scenario; else the
//! autosave; else the default preset. A fragment or autosave that cannot be opened
//! leaves the page on what it would otherwise show, with a notice saying
//! why; an unreadable autosave is set aside under another key, not lost.
//! Where storage throws (a sandboxed iframe, private modes), the page
//! works and says nothing is saved.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::view_model::run::seed_not_used;
use crate::view_model::share::{decode, encode};

use super::browser::query_param;
use super::store::Store;

/// The autosave's key in localStorage.
pub const AUTOSAVE_KEY: &str = "patchbay.autosave";
/// Where an autosave that could not be read is kept.
pub const SET_ASIDE_KEY: &str = "patchbay.autosave.unreadable";
/// Wall milliseconds of quiet before the fragment and the autosave are written.
const DEBOUNCE_MS: u32 = 400;

/// Messages about links and saving, shown in a banner until dismissed.
#[derive(Clone, Copy)]
pub struct Persist {
    /// What went wrong opening a link, a scenario name or the autosave, if anything.
    pub notice: RwSignal<Option<String>>,
    /// False where the browser refuses storage: nothing is saved.
    pub saving: RwSignal<bool>,
    /// The last link text written to the fragment.
    pub link: RwSignal<Option<String>>,
}

fn storage() -> Option<web_sys::Storage> {
    // Throws in sandboxed iframes and some private modes: that is "no storage".
    web_sys::window()?.local_storage().ok().flatten()
}

/// A person's setting kept across visits (`patchbay.setting.<key>`), if any.
pub fn setting(key: &str) -> Option<String> {
    storage()?.get_item(&format!("patchbay.setting.{key}")).ok().flatten()
}

/// Keeps a person's setting for the next visit (silently not where the
/// browser refuses storage: the setting still holds for this visit).
pub fn keep_setting(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ignored = s.set_item(&format!("patchbay.setting.{key}"), value);
    }
}

/// True when an item can be written and removed.
fn storage_works() -> bool {
    let Some(s) = storage() else { return false };
    s.set_item("patchbay.probe", "1").is_ok() && s.remove_item("patchbay.probe").is_ok()
}

/// The fragment's text without `#`, if any.
pub fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let text = hash.strip_prefix('#').unwrap_or(&hash).to_string();
    (!text.is_empty()).then_some(text)
}

/// Replaces the current history entry's fragment (no new entry per edit).
fn write_fragment(text: &str) {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let url = format!("{}{}#{text}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default());
    if let Ok(history) = w.history() {
        let _ignored = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Drops the fragment (Reset to default).
pub fn clear_fragment() {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let url = format!("{}{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default());
    if let Ok(history) = w.history() {
        let _ignored = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// `?seed=`, when it is a seed.
pub fn seeded() -> Option<u64> {
    query_param("seed")?.trim().parse().ok()
}

/// Opens the page's state by the precedence above. `asked` is the
/// `?scenario=` name, if any, and `known` whether such a preset exists.
/// A `?seed=` (already started, `ui::app`) that a link's state does not
/// start on is said in `url_notes`.
pub fn open(store: Store, asked: Option<&str>, known: bool, url_notes: &mut Vec<String>) -> Persist {
    let persist =
        Persist { notice: RwSignal::new(None), saving: RwSignal::new(storage_works()), link: RwSignal::new(None) };
    let mut notes = Vec::new();
    if let (Some(name), false) = (asked, known) {
        notes.push(format!(
            "There is no scenario called \u{201c}{}\u{201d}; showing the default scenario instead.",
            name.chars().take(80).collect::<String>()
        ));
    }
    if let Some(text) = fragment() {
        match decode(&text).and_then(|state| {
            store.restore(&state).map_err(crate::view_model::share::ShareError)?;
            Ok(state.seed)
        }) {
            Ok(own) => {
                persist.link.set(Some(text));
                url_notes.extend(seeded().and_then(|seed| seed_not_used(seed, own, false)));
            }
            Err(e) => {
                // The address bar shows what the page shows: a refused link
                // (up to the fragment limit) must not be copied on as this page.
                clear_fragment();
                notes.push(format!("This link could not be opened: {e}. It was taken out of the address bar."));
            }
        }
    } else if asked.is_none() && ["lesson", "seed", "at"].into_iter().all(|k| query_param(k).is_none()) {
        // `?scenario=` and `?lesson=` name what to open, and `?seed=` and
        // `?at=` a run (of the default scenario, even when the value is
        // not one: its note says what was used): the autosave waits for a plain visit.
        restore_autosave(store, &mut notes);
    }
    if !persist.saving.get_untracked() {
        notes.push("This browser does not let Patchbay store anything here, so nothing you change is saved.".into());
    }
    if !notes.is_empty() {
        persist.notice.set(Some(notes.join(" ")));
    }
    keep_current(store, persist);
    persist
}

fn restore_autosave(store: Store, notes: &mut Vec<String>) {
    let Some(s) = storage() else { return };
    let Ok(Some(text)) = s.get_item(AUTOSAVE_KEY) else { return };
    let result = decode(&text).and_then(|state| store.restore(&state).map_err(crate::view_model::share::ShareError));
    if let Err(e) = result {
        // Kept for a person to look at (or a later version to read), out of the way of the next save.
        let kept = s.set_item(SET_ASIDE_KEY, &text).is_ok();
        let _ignored = s.remove_item(AUTOSAVE_KEY);
        notes.push(if kept {
            format!("Your saved work could not be read ({e}); it was set aside under \u{201c}{SET_ASIDE_KEY}\u{201d} and the default scenario opened.")
        } else {
            format!("Your saved work could not be read ({e}); the default scenario opened.")
        });
    }
}

/// Writes the fragment and the autosave a moment after each change.
fn keep_current(store: Store, persist: Persist) {
    let timer = StoredValue::new_local(None::<Timeout>);
    let write = move |save: bool| {
        // The app may have been unmounted (the wasm tests mount and drop it) before the timer fired.
        if store.sim.is_disposed() {
            return;
        }
        // Half-way through opening a link, the state is not yet the link's:
        // the playback bumps `shared` when it ends, which writes then.
        if store.is_opening_link() {
            return;
        }
        let text = match encode(&store.share_state()) {
            Ok(text) => text,
            Err(e) => {
                persist.notice.set(Some(format!("The link is no longer kept up to date: {e}.")));
                return;
            }
        };
        write_fragment(&text);
        persist.link.set(Some(text.clone()));
        if save && persist.saving.get_untracked() {
            if let Some(s) = storage() {
                if s.set_item(AUTOSAVE_KEY, &text).is_err() {
                    persist.saving.set(false);
                    persist.notice.set(Some(
                        "This browser refused to save your work (storage is full or blocked); nothing more is saved."
                            .into(),
                    ));
                }
            }
        }
    };
    let schedule = move |save: bool| {
        let t = Timeout::new(DEBOUNCE_MS, move || write(save));
        // Dropping the previous timeout cancels it: only the last change in a burst writes.
        timer.set_value(Some(t));
    };
    // Changes the autosave keeps (not play and pause, so opening a lesson link and playing it keeps your work).
    Effect::new(move |first: Option<()>| {
        store.shared.track();
        store.speed.track();
        store.lesson_open.track();
        if first.is_some() {
            schedule(true);
        }
    });
    Effect::new(move |first: Option<()>| {
        store.playing.track();
        if first.is_some() {
            schedule(false);
        }
    });
    // A link pasted into this tab's address bar changes only the fragment: open it.
    let _listener = window_event_listener(leptos::ev::hashchange, move |_| {
        let Some(text) = fragment() else { return };
        if persist.link.get_untracked().as_deref() == Some(text.as_str()) {
            return;
        }
        match decode(&text).and_then(|state| store.restore(&state).map_err(crate::view_model::share::ShareError)) {
            // Announced when the playback is done.
            Ok(()) => persist.link.set(Some(text)),
            Err(e) => {
                match persist.link.get_untracked() {
                    Some(current) => write_fragment(&current),
                    None => clear_fragment(),
                }
                persist.notice.set(Some(format!(
                    "This link could not be opened: {e}. What you had stays, and so does its link in the address bar."
                )));
            }
        }
    });
}
