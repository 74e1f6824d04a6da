//! Asking before a picked scenario or lesson replaces a run the person has
//! changed. A closed `<select>` changes its value on every arrow key in
//! Chromium on Linux and Windows, so a keyboard user browsing the list
//! would otherwise load a preset over their edits with no way back (the
//! autosave follows the new run).

use leptos::prelude::*;

use super::store::Store;

/// What waits for the person's answer.
#[derive(Clone)]
pub struct Discard {
    /// What is about to load, as the picker names it.
    pub title: String,
    /// The confirming button's word ("Load", "Start lesson").
    pub verb: &'static str,
    /// Runs when the person confirms.
    pub confirm: Callback<()>,
    /// Runs when the person keeps their run (the picker shows it again).
    pub keep: Callback<()>,
}

/// Whether replacing the run would lose the person's own changes: an
/// imported file or an edited preset, outside a lesson (a lesson's changes
/// are its steps', and the lesson puts them back).
pub fn would_lose_changes(store: Store) -> bool {
    let own = store.changed.get_untracked() || store.imported.with_untracked(Option::is_some);
    own && store.lesson_open.with_untracked(Option::is_none)
}

/// Where the pickers put their question: one dialog for the page (ids are unique).
#[derive(Clone, Copy)]
pub struct Asker(RwSignal<Option<Discard>>);

impl Asker {
    /// Puts the question (the dialog opens).
    pub fn ask(self, d: Discard) {
        self.0.set(Some(d));
    }
}

/// Makes the page's asker and provides it to the pickers (call before
/// creating them).
pub fn provide_asker() -> Asker {
    let asker = Asker(RwSignal::new(None));
    provide_context(asker);
    asker
}

/// The page's asker, from context (see [`provide_asker`]).
pub fn use_asker() -> Asker {
    expect_context::<Asker>()
}

/// The dialog, once per page. Opens whenever a question is put, and clears
/// it when answered.
#[component]
pub fn ConfirmDiscard(asker: Asker) -> impl IntoView {
    let pending = asker.0;
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        if pending.with(Option::is_some) {
            if let Some(d) = dialog.get() {
                if !d.open() {
                    let _shown = d.show_modal();
                }
            }
        }
    });
    // Every way out (the two buttons, Escape, a close from elsewhere) ends
    // here. The answer is acted on at once, not in the `close` event, which
    // comes a task later: the page must not show the dialog gone while the
    // picker still names the scenario that was refused.
    let answer = move |confirmed: bool| {
        let Some(p) = pending.get_untracked() else { return };
        pending.set(None);
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        if confirmed {
            p.confirm.run(());
        } else {
            p.keep.run(());
        }
    };
    view! {
        <dialog node_ref=dialog class="confirm" aria-labelledby="discard-title" aria-describedby="discard-text"
            data-testid="confirm-discard"
            on:keydown=move |ev| {
                // Escape answers here rather than through the dialog's own
                // cancel, whose `close` event comes a task later.
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    answer(false);
                } else if let Some(d) = dialog.get_untracked() {
                    super::focus_trap::keep_tab_inside(&ev, &d);
                }
            }
            on:close=move |_| answer(false)>
            <h2 id="discard-title" class="confirm__title">
                {move || pending.with(|p| p.as_ref().map(|p| format!("{} “{}”?", p.verb, p.title)))}
            </h2>
            <p id="discard-text">
                "Your changes to this run leave the page; this browser keeps them under Share, Earlier work "
                "(the last three runs set aside). To keep them for longer, cancel and copy a link or export the scenario first."
            </p>
            <div class="confirm__actions">
                // First, so it has the focus when the dialog opens: keeping the run is the safe answer.
                <button class="btn" data-testid="confirm-discard-cancel" on:click=move |_| answer(false)>"Keep my changes"</button>
                <button class="btn btn--danger" data-testid="confirm-discard-ok" on:click=move |_| answer(true)>
                    {move || pending.with(|p| p.as_ref().map(|p| p.verb))}
                </button>
            </div>
        </dialog>
    }
}
