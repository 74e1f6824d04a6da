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
//!
//! The autosave is one slot for every tab. A save this tab did not read or
//! write (another tab's, or the work there was before this page opened
//! from a link) is set aside before this tab's first write replaces it
//! (`view_model::earlier_work`), and the Share menu opens it again.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::view_model::earlier_work::{self, Earlier};
use crate::view_model::run::seed_not_used;
use crate::view_model::share::{decode, encode, ShareState};

use super::browser::query_param;
use super::store::Store;

/// The autosave's key in localStorage.
pub const AUTOSAVE_KEY: &str = "patchbay.autosave";
/// Where an autosave that could not be read is kept.
pub const SET_ASIDE_KEY: &str = "patchbay.autosave.unreadable";
/// Where saves another tab or a link's page would have replaced are kept.
pub const EARLIER_KEY: &str = "patchbay.autosave.earlier";
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
    /// Bumped when the saves set aside may have changed (here, or in
    /// another tab: the Share menu bumps it on opening); the list itself is
    /// read from storage ([`read_earlier`]). A counter rather than a signal
    /// of the list: the same signal type as the store's revisions, so no
    /// new reactive code in the wasm.
    pub earlier: RwSignal<u64>,
    /// The autosave as this tab last read or wrote it: any other text found
    /// there was written elsewhere, and is set aside before it is replaced.
    // A signal of the same type as `link` (one set of reactive code in the wasm); never tracked.
    seen: RwSignal<Option<String>>,
    /// Whether this tab has said that it set a save aside (said once).
    told: StoredValue<bool>,
    /// The run this tab last saved (or opened from the autosave): its
    /// `Store::starts` shifted left by one, with the low bit set when it
    /// held changes of the person's own; `u64::MAX` before the first.
    last: RwSignal<u64>,
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
/// An embedded page (`?embed=1`) neither opens nor writes the autosave:
/// its run belongs to the page around it, and a course with several
/// embeds would otherwise save each over the person's own work.
/// A `?seed=` (already started, `ui::app`) that a link's state does not
/// start on is said in `url_notes`.
pub fn open(store: Store, asked: Option<&str>, known: bool, embedded: bool, url_notes: &mut Vec<String>) -> Persist {
    let persist = Persist {
        notice: RwSignal::new(None),
        saving: RwSignal::new(!embedded && storage_works()),
        link: RwSignal::new(None),
        earlier: RwSignal::new(0),
        seen: RwSignal::new(None),
        told: StoredValue::new(false),
        last: RwSignal::new(u64::MAX),
    };
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
    } else if !embedded && asked.is_none() && ["lesson", "seed", "at"].into_iter().all(|k| query_param(k).is_none()) {
        // `?scenario=` and `?lesson=` name what to open, and `?seed=` and
        // `?at=` a run (of the default scenario, even when the value is
        // not one: its note says what was used): the autosave waits for a plain visit.
        restore_autosave(store, persist, &mut notes);
    }
    if !embedded && !persist.saving.get_untracked() {
        notes.push("This browser does not let Patchbay store anything here, so nothing you change is saved.".into());
    }
    if !notes.is_empty() {
        persist.notice.set(Some(notes.join(" ")));
    }
    keep_current(store, persist);
    persist
}

fn restore_autosave(store: Store, persist: Persist, notes: &mut Vec<String>) {
    let Some(s) = storage() else { return };
    let Ok(Some(text)) = s.get_item(AUTOSAVE_KEY) else { return };
    let result = decode(&text).and_then(|state| {
        store.restore(&state).map_err(crate::view_model::share::ShareError)?;
        Ok(state)
    });
    if let Ok(state) = result {
        persist.seen.set(Some(text));
        persist.last.set(last_run(store, &state));
    } else if let Err(e) = result {
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
        let state = store.share_state();
        let text = match encode(&state) {
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
                if !set_aside_before_write(&s, store, persist, &text) {
                    persist.saving.set(false);
                    persist.notice.set(Some(
                        "This browser has no room to keep the work saved here before, so this run is not saved over it."
                            .into(),
                    ));
                    return;
                }
                if s.set_item(AUTOSAVE_KEY, &text).is_ok() {
                    persist.seen.set(Some(text));
                    persist.last.set(last_run(store, &state));
                } else {
                    persist.saving.set(false);
                    persist.notice.set(Some(
                        "This browser refused to save your work (storage is full or blocked); nothing more is saved."
                            .into(),
                    ));
                }
            }
        }
    };
    // Whether any change in the burst waiting to be written is one the autosave keeps.
    let pending_save = StoredValue::new(false);
    let schedule = move |save: bool| {
        // A play or pause right after a change (Reset to default plays) must
        // not take the change's save away with the timer it replaces.
        let save = save || pending_save.get_value();
        pending_save.set_value(save);
        let t = Timeout::new(DEBOUNCE_MS, move || {
            pending_save.set_value(false);
            write(save);
        });
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

/// The saves set aside, newest first (none where storage is refused).
pub fn read_earlier() -> Vec<Earlier> {
    storage().and_then(|s| s.get_item(EARLIER_KEY).ok().flatten()).map_or_else(Vec::new, |t| earlier_work::parse(&t))
}

/// Stores the list, dropping the oldest saves until it fits; false when
/// not even the newest fits.
fn store_earlier(s: &web_sys::Storage, mut list: Vec<Earlier>) -> bool {
    while !list.is_empty() {
        if s.set_item(EARLIER_KEY, &earlier_work::write(&list)).is_ok() {
            return true;
        }
        list.pop();
    }
    false
}

/// Before this tab writes `text` over the autosave, sets aside what is
/// there when it is someone else's (a save this tab did not read or
/// write), or this tab's own last run, with changes of the person's own,
/// that a new run has replaced (not Reset, which goes on); said the first time.
/// False when it could not be kept, so the caller must not write over it.
fn set_aside_before_write(s: &web_sys::Storage, store: Store, persist: Persist, text: &str) -> bool {
    let Ok(Some(other)) = s.get_item(AUTOSAVE_KEY) else { return true };
    let ours = persist.seen.with_untracked(|seen| seen.as_deref() == Some(other.as_str()));
    let last = persist.last.get_untracked();
    let replaced = last != u64::MAX && last & 1 == 1 && last >> 1 != store.starts.get_untracked();
    if other == text || (ours && !replaced) {
        return true;
    }
    let list = earlier_work::shelve(read_earlier(), other.clone(), wall_ms());
    if !list.iter().any(|e| e.text == other) {
        // Lesson progress or a plain run, with every slot holding work of
        // the person's own: its link makes it again, so it is not kept.
        return true;
    }
    if !store_earlier(s, list.clone()) {
        return false;
    }
    persist.earlier.update(|n| *n += 1);
    if !persist.told.get_value() {
        persist.told.set_value(true);
        persist.notice.set(Some(if ours {
            "The run you had changed was set aside, not lost: Share, then Earlier work, opens it again.".into()
        } else {
            "The work saved in this browser before was set aside, not replaced: Share, then Earlier work, opens it again."
                .into()
        }));
    }
    true
}

/// Opens the `index`th save set aside. What this tab shows is set aside in
/// its place first, so nothing is lost either way; a save that cannot be
/// opened stays in the list, with the reason in the notice.
pub fn open_earlier(store: Store, persist: Persist, index: usize) {
    let mut list = read_earlier();
    if index >= list.len() {
        return;
    }
    let chosen = list.remove(index);
    let current = encode(&store.share_state()).ok();
    let opened = decode(&chosen.text).and_then(|state| {
        store.restore(&state).map_err(crate::view_model::share::ShareError)?;
        Ok(state)
    });
    let state = match opened {
        Ok(state) => state,
        Err(e) => {
            persist.notice.set(Some(format!("That earlier work could not be opened: {e}.")));
            return;
        }
    };
    // The run that was showing is set aside here, not again by the next write.
    persist.last.set(last_run(store, &state));
    if let Some(current) = current {
        list = earlier_work::shelve(list, current, wall_ms());
    }
    if let Some(s) = storage() {
        // The chosen save is this tab's now: its next write replaces it without setting it aside again.
        if s.set_item(AUTOSAVE_KEY, &chosen.text).is_ok() {
            persist.seen.set(Some(chosen.text.clone()));
        }
        if list.is_empty() {
            let _ignored = s.remove_item(EARLIER_KEY);
        } else {
            store_earlier(&s, list);
        }
    }
    persist.link.set(Some(chosen.text));
    persist.notice.set(None);
    persist.earlier.update(|n| *n += 1);
}

/// The wall clock in whole milliseconds since 1970 (0 where it cannot be read).
pub fn wall_ms() -> u64 {
    let now = js_sys::Date::now();
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

/// What [`Persist`] remembers of a run it saved: which start, and whether
/// it held the person's own changes.
fn last_run(store: Store, state: &ShareState) -> u64 {
    (store.starts.get_untracked() << 1) | u64::from(earlier_work::holds_own_changes(state))
}
