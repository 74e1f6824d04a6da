//! The root component: creates the store, starts the loop, lays out the regions.

use leptos::either::Either;
use leptos::prelude::*;

use crate::engine::presets;
use crate::view_model::embed_api::EmbedOptions;
use crate::view_model::run::{at_from_link, at_not_used, paused_from_link, seed_from_link};
use crate::view_model::speed::speed_from_query;

use super::browser::{
    editing_text, from_stage, now_ms, parse_decimal, prefers_reduced_motion, query_param, typing_into_control,
};
use super::controls::{Controls, RunStatus};
use super::debug_overlay::DebugOverlay;
use super::editor_bar::{delete_selection, EditorBar};
use super::embed::{self, EmbedDialog};
use super::event_log::EventsPanel;
use super::inspector::Inspector;
use super::journey_panel::JourneyPanel;
use super::lesson_card::LessonCard;
use super::link_menu::LinkMenu;
use super::metrics_panel::MetricsPanel;
use super::persist;
use super::share_menu::ShareNotice;
use super::shell::Header;
use super::sim_loop;
use super::stage::{focus_later, keeping_focus};
use super::store::{Selection, Store};
use super::story::{MitigationNote, Story};
use super::topology::Topology;

/// The whole app. `?scenario=NAME` picks a preset, `?lesson=NAME&step=N`
/// opens a guided lesson; `?debug=1` shows frame timings.
#[component]
pub fn App() -> impl IntoView {
    let asked = query_param("scenario");
    let known = asked.as_deref().is_some_and(|name| presets::names().any(|n| n == name));
    let preset = asked.clone().filter(|_| known).unwrap_or_else(|| presets::DEFAULT.to_string());
    // Either rather than `into_any`: a type-erased view costs a set of
    // functions per view type in the wasm (about 300 B gzipped here).
    let Some(store) = Store::new(&preset) else {
        return Either::Left(view! { <p role="alert">"Patchbay could not start its simulation."</p> });
    };
    store.reduced_motion.set(prefers_reduced_motion());
    let embed = embed_options();
    let mut url_notes = embed.notes.clone();
    embed::start(store, &embed);
    embed::register_service_worker();
    provide_context(store);
    // A link's state, the `?scenario=` name, or the autosave (docs/share.md); then kept current.
    let persist = persist::open(store, asked.as_deref(), known, embed.embed, &mut url_notes);
    provide_context(persist);
    url_notes.extend(apply_url_options(store, persist.link.get_untracked().is_some()));
    // How much the run says by itself, as the person left it last visit.
    if let Some(value) = super::persist::setting(super::event_log::SPEAK_KEY) {
        if let Some(&(level, _, _)) = crate::view_model::narration::SpeakLevel::ALL.iter().find(|(_, v, _)| *v == value)
        {
            store.set_speak_level(level);
        }
    }
    // Whatever is announced (a lesson step, an action's result, the run's
    // notice) holds the run's own narration back for its gap, so it is heard in full.
    Effect::new(move |_| {
        store.announcement.track();
        store.notice.track();
        store.note_announced();
    });
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    sim_loop::start(store, canvas);
    let single_keys = super::key_shortcuts::SingleKeys::kept();
    provide_context(single_keys);
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        // Escape stops a fast-forward from anywhere, the button just pressed included.
        if ev.key() == "Escape" && store.is_jumping() {
            ev.prevent_default();
            store.cancel_jump();
            return;
        }
        if !editing_text(&ev) && edit_shortcut(store, &ev) {
            ev.prevent_default();
            return;
        }
        if typing_into_control(&ev) || !single_keys.on() {
            return;
        }
        match ev.key().as_str() {
            " " => {
                ev.prevent_default();
                store.toggle_play();
            }
            "ArrowRight" => {
                ev.prevent_default();
                store.playing.set(false);
                store.step_one();
            }
            "c" | "C" if !(ev.ctrl_key() || ev.meta_key() || ev.alt_key()) => {
                ev.prevent_default();
                let owner = store.selected.get_untracked().and_then(|sel| store.selection_id(sel));
                store.open_compare(owner.as_deref());
            }
            _ => {}
        }
    });
    // The pickers ask through it before replacing a changed run.
    let asker = super::confirm_discard::provide_asker();
    let debug = query_param("debug").as_deref() == Some("1");
    let bench = (query_param("bench").as_deref() == Some("mmc")).then(run_mmc_bench);
    // On the page the lesson card is a region of its own: from 900 px it
    // heads the right-hand column beside the stage, so a learner sees the
    // topology the lesson talks about in the first screen; in one column an
    // open lesson's card comes first (lessons.css). An embed keeps it with
    // the stage (one narrow column), before it while a lesson is open.
    let embedded = embed.embed;
    super::inspector_sheet::start(store);
    if !embedded {
        super::reading_order::start(store);
    }
    let page = view! {
        <div
            class="app"
            class:app--embed=embed.embed
            data-controls=embed.controls_attr()
            data-testid="app"
        >
            <super::skip_links::SkipLinks />
            <super::confirm_discard::ConfirmDiscard asker=asker />
            {page_header(store, embed.embed)}
            // Below 900 px the inspector opens over the stage while something is
            // selected (a bottom sheet), closed with its button or Escape.
            <main
                class="regions"
                class:regions--inspecting=move || store.selected.get().is_some()
                on:keydown=move |ev| {
                    if ev.key() == "Escape" && !ev.default_prevented() {
                        // Escape closes the transport menu first even when the
                        // focus has not reached it yet (it moves there a frame
                        // after the menu opens).
                        if store.pending_link.get_untracked().is_some() {
                            store.pending_link.set(None);
                            store.relinking.set(None);
                        } else {
                            close_inspector(store);
                        }
                    }
                }
            >
                <section class="region region--topology" aria-labelledby="topology-title" data-testid="region-topology">
                    <h2 id="topology-title" class="region__title">"Topology"</h2>
                    // The DOM is in the order things are seen, so Tab and a screen
                    // reader go the way the eye does: on the page the run controls,
                    // the story and the tools, then the stage (rearranged in one
                    // column, `reading_order.rs`); an embed has no story
                    // and puts an open lesson's card first, then the stage with its
                    // run controls and their notices under it, the list of states,
                    // then the share notice and the tools (`Topology`).
                    {(!embedded).then(|| view! { <Controls /> })}
                    <Story />
                    {embedded.then(|| view! { <LessonCard /> })}
                    {(!embedded).then(|| view! { <RunStatus /> <ShareNotice /> <EditorBar /> })}
                    <Topology canvas=canvas embedded=embedded />
                    <LinkMenu />
                </section>
                {(!embedded).then(|| view! { <LessonCard /> })}
                // Below 900 px, while something is selected, a modal sheet (inspector_sheet.rs).
                <aside
                    class="region region--inspector"
                    aria-labelledby="inspector-title inspector-selection"
                    data-testid="region-inspector"
                    on:keydown=super::inspector_sheet::on_key
                >
                    <div class="inspector__top">
                        <h2 id="inspector-title" class="region__title" tabindex="-1">"Inspector"</h2>
                        // Shown by CSS only while something is selected.
                        <button
                            class="btn btn--small inspector__close"
                            aria-label="Close the inspector"
                            data-testid="inspector-close"
                            on:click=move |_| close_inspector(store)
                        >
                            "×"
                        </button>
                    </div>
                    <Show when=move || store.selected.with(Option::is_some)>
                        <MitigationNote />
                    </Show>
                    <Inspector />
                </aside>
                <section class="region region--events" aria-labelledby="events-title" data-testid="region-events">
                    <h2 id="events-title" class="region__title">"Events and alerts"</h2>
                    <EventsPanel />
                </section>
                <section class="region region--timeline" aria-labelledby="timeline-title" data-testid="region-timeline">
                    <h2 id="timeline-title" class="region__title">"Timeline and metrics"</h2>
                    <MetricsPanel />
                </section>
                <JourneyPanel />
            </main>
            // The run's trace hash and simulated time, for tests that a link restores the same run.
            <span hidden data-testid="trace" data-hash=move || format!("{:016x}", store.trace.get().0)
                data-time=move || store.trace.get().1.to_string()></span>
            // Spoken: a link's "A → B" is heard as "A to B", not "right arrow".
            <div class="sr-only" role="status" aria-live="polite" data-testid="announcer">
                {move || crate::view_model::describe::spoken(&store.announcement.get())}
            </div>
            <super::compare::CompareDialog />
            {debug.then(|| view! { <DebugOverlay /> })}
            {bench.map(|text| view! { <output class="debug-overlay" data-testid="bench-result">{text}</output> })}
        </div>
    };
    // A value the link could not use as written is said, not silently
    // dropped: after the link, the autosave or a `?lesson=` is opened (each
    // starts with a clean notice), and before the lesson's own notes
    // (`?step=`, a seed it does not run on), which it adds to the notice.
    if !url_notes.is_empty() {
        store.notice.update(|n| {
            url_notes.extend(n.take());
            *n = Some(url_notes.join(" "));
        });
    }
    Either::Right(page)
}

/// Closes the inspector (Escape, its ×): the selection goes, and focus,
/// which would fall to the page with it, goes back where it was before the
/// inspector took it (a line of the state list), else to what was selected
/// on the stage.
fn close_inspector(store: Store) {
    let Some(was) = store.selected.get_untracked() else { return };
    store.selected.set(None);
    if super::skip_links::return_focus(was) {
        return;
    }
    let s = store.scenario();
    let testid = match was {
        Selection::Node(i) => s.nodes.get(i).map(|n| format!("node-{}", n.id)),
        Selection::Link(i) => s.links.get(i).map(|l| format!("link-{}", l.id)),
    };
    if let Some(testid) = testid {
        focus_later(testid);
    }
}

/// `?embed=1` and the options that go with it (see docs/embed.md).
fn embed_options() -> EmbedOptions {
    EmbedOptions::from_params(query_param)
}

/// The header with the Embed button, or nothing in embed mode (the stage comes first).
fn page_header(store: Store, embedded: bool) -> impl IntoView {
    (!embedded).then(|| {
        view! {
            <div class="app-top">
                <Header />
                <EmbedDialog store=store />
            </div>
        }
    })
}

/// Undo (Ctrl/Cmd+Z), redo (Shift+Ctrl/Cmd+Z, Ctrl/Cmd+Y) and Delete of the
/// selection. True if the key was one of them.
fn edit_shortcut(store: Store, ev: &web_sys::KeyboardEvent) -> bool {
    let command = ev.ctrl_key() || ev.meta_key();
    let key = ev.key().to_ascii_lowercase();
    match key.as_str() {
        "z" if command && ev.shift_key() => keeping_focus(|| store.redo()),
        "z" if command => keeping_focus(|| store.undo()),
        "y" if command => keeping_focus(|| store.redo()),
        "delete" | "backspace" if !command && store.selected.get_untracked().is_some() && from_stage(ev) => {
            delete_selection(store)
        }
        _ => return false,
    }
    true
}

/// Once what opens has opened (a share link's state, a preset; `?seed=`
/// and `?at=` keep the autosave closed): `?seed=N` starts the run on that
/// seed, `?at=SECONDS` starts it that far in, `?speed=X` sets the speed,
/// `?paused=1` starts paused (`0` playing): links a course can share to a
/// precise moment. Over a share link's run (`linked`) speed and pause
/// apply as well, since they only say how the run is shown, while its
/// seed and time are the link's own (a `?seed=` that differs is said in
/// `persist::open`; an `?at=` is said here). Returns notes on the values
/// not used as written.
fn apply_url_options(store: Store, linked: bool) -> Vec<String> {
    let mut notes = Vec::new();
    // First: the fast-forward of `?at=` runs on it.
    if let Some(raw) = query_param("seed") {
        let (seed, note) = seed_from_link(&raw, store.seed.get_untracked());
        if let Some(seed) = seed.filter(|_| !linked) {
            store.start_on_seed(seed);
        }
        notes.extend(note);
    }
    if let Some(raw) = query_param("speed") {
        let (speed, note) = speed_from_query(&raw, parse_decimal(&raw), store.speed.get_untracked());
        if let Some(speed) = speed {
            store.speed.set(speed);
        }
        notes.extend(note);
    }
    // At most an hour in, run in slices across frames with a progress indicator (see sim_loop).
    if let Some(raw) = query_param("at") {
        if linked {
            notes.push(at_not_used(&raw, false));
        } else {
            let (at, note) = at_from_link(&raw, parse_decimal(&raw));
            if let Some(at) = at {
                store.jump_to(at);
            }
            notes.extend(note);
        }
    }
    if let Some(raw) = query_param("paused") {
        let (paused, note) = paused_from_link(&raw);
        // As written (a link saved paused plays with `?paused=0`), or as its note says.
        store.playing.set(!paused);
        notes.extend(note);
    }
    notes
}

/// `?bench=mmc`: the engine's M/M/c workload timed in the page (see docs/performance.md).
fn run_mmc_bench() -> String {
    const SIMULATED_SECONDS: u64 = 5_000;
    // A warm-up run, as in the native bench, so the timed run measures
    // optimised code rather than the engine's first tier-up.
    crate::engine::bench::mmc_customers(1_000, 0);
    let started = now_ms();
    let customers = crate::engine::bench::mmc_customers(SIMULATED_SECONDS, 1);
    let ms = (now_ms() - started).max(1e-3);
    format!("mmc {customers} customers in {ms:.0} ms = {:.0} customers/s", customers as f64 / ms * 1_000.0)
}
