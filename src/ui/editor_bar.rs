//! The editing toolbar: add a node of any kind, delete the selection,
//! undo and redo, import a scenario file and export the current scenario,
//! and the Share menu (links, SVG, PNG, trace).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::design::{fresh_node_id, starter_node, NODE_KINDS};
use crate::engine::parse::parse_scenario_placed;
use crate::engine::scenario::Position;
use crate::engine::Edit;

use super::share_menu::ShareMenu;
use super::store::{use_store, Selection, Store};

/// The palette's name of a node kind.
fn kind_name(key: &str) -> &'static str {
    kind_words(key).0
}

/// A palette entry's visible name and its accessible name (the button's
/// words as a sentence, so each of the eight is told apart when heard).
fn kind_words(key: &str) -> (&'static str, &'static str) {
    match key {
        "client" => ("Clients", "Add clients"),
        "service" => ("Service", "Add a service"),
        "orchestrator" => ("Saga orchestrator", "Add a saga orchestrator"),
        "queue" => ("Queue", "Add a queue"),
        "topic" => ("Topic", "Add a topic"),
        "log" => ("Event log", "Add an event log"),
        "gateway" => ("Gateway", "Add a gateway"),
        _ => ("Batch job", "Add a batch job"),
    }
}

/// Adds a node of kind `key` to the right of the drawing, selects it and says so.
fn add_node(store: Store, key: &str) {
    let s = store.scenario();
    let id = fresh_node_id(&s, key);
    let same_kind = s.nodes.iter().filter(|n| n.id == key || n.id.starts_with(&format!("{key}-"))).count();
    let label =
        if same_kind == 0 { kind_name(key).to_string() } else { format!("{} {}", kind_name(key), same_kind + 1) };
    // To the right of what is there, stacked so that several new nodes do not overlap.
    let right = s.nodes.iter().map(|n| n.position.x).fold(f64::NEG_INFINITY, f64::max);
    let top = s.nodes.iter().map(|n| n.position.y).fold(f64::INFINITY, f64::min);
    let (right, top) = if s.nodes.is_empty() { (0.0, 100.0) } else { (right, top) };
    let position = Position { x: right + 200.0, y: top + (s.nodes.len() % 4) as f64 * 90.0 };
    let Some(node) = starter_node(key, &id, &label, position) else { return };
    if let Err(reason) = store.change(vec![Edit::AddNode { node }]) {
        store.error.set(Some(reason));
        return;
    }
    let added = store.sim.with_value(|sim| sim.scenario().nodes.iter().position(|n| n.id == id));
    if let Some(i) = added {
        store.selected.set(Some(Selection::Node(i)));
        store.announce(format!("Added {label}. Connect it by dragging from its handle, or press C."));
        // On a phone the toolbar sits below the stage: bring the new node's stage back into view.
        if let Ok(Some(stage)) = document().query_selector("[data-testid=stage]") {
            stage.scroll_into_view();
        }
        // Focus the new node, where C (as the announcement says) starts its link.
        super::stage::focus_later(format!("node-{id}"));
    }
}

/// Removes the selected node (with its links) or link, if any.
pub fn delete_selection(store: Store) {
    let s = store.scenario();
    let (edit, label) = match store.selected.get_untracked() {
        Some(Selection::Node(i)) => match s.nodes.get(i) {
            Some(n) => (Edit::RemoveNode { node: n.id.clone() }, n.label.clone()),
            None => return,
        },
        Some(Selection::Link(i)) => match s.links.get(i) {
            Some(l) => (Edit::RemoveLink { link: l.id.clone() }, format!("the link {} to {}", l.from, l.to)),
            None => return,
        },
        None => return,
    };
    match store.change(vec![edit]) {
        Ok(()) => {
            store.selected.set(None);
            store.announce(format!("Removed {label}. Undo with Ctrl+Z."));
            // The focused node or button is gone (or disabled): keep the
            // keyboard on the stage rather than back at the page's top.
            super::stage::focus_later("stage".to_string());
        }
        Err(reason) => {
            store.announce(format!("{label} was not removed: {reason}"));
            store.error.set(Some(reason));
        }
    }
}

/// Loads the text of a scenario file, or lists why it cannot be loaded.
fn import_text(store: Store, (file, text): (String, &str), problems: RwSignal<Vec<String>>) {
    match parse_scenario_placed(text) {
        Ok(scenario) => {
            problems.set(Vec::new());
            let name = scenario.name.clone();
            store.load_scenario(scenario, file);
            store.announce(format!("Loaded scenario {name}."));
        }
        Err(errors) => problems.set(errors.iter().take(8).map(ToString::to_string).collect()),
    }
}

/// Offers the current scenario (edits and faults so far included) as a JSON download.
fn export(store: Store) {
    let (json, name) = store.sim.with_value(|s| {
        let d = s.design();
        (serde_json::to_string_pretty(&d).unwrap_or_default(), d.name)
    });
    let parts = js_sys::Array::of1(&json.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let a = document().create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = a {
        a.set_href(&url);
        a.set_download(&format!("{name}.json"));
        a.click();
    }
    let _revoked = web_sys::Url::revoke_object_url(&url);
}

/// The editing toolbar.
#[component]
pub fn EditorBar() -> impl IntoView {
    let store = use_store();
    let problems = RwSignal::new(Vec::<String>::new());
    let palette = NODE_KINDS
        .iter()
        .map(|&key| {
            let (name, spoken) = kind_words(key);
            view! {
                <button class="btn btn--small" on:click=move |_| add_node(store, key) data-testid=format!("add-{key}")
                    aria-label=spoken>
                    {"+ "}{name}
                </button>
            }
        })
        .collect_view();
    let on_file = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => import_text(store, (file.name(), &text.as_string().unwrap_or_default()), problems),
                Err(_) => problems.set(vec!["The file could not be read.".into()]),
            }
        });
    };
    let undo_label = move || store.undo_labels.with(|(u, _)| u.clone());
    let redo_label = move || store.undo_labels.with(|(_, r)| r.clone());
    view! {
        // A named group, not a toolbar: Tab moves between its buttons, not arrow keys.
        <div class="editor-bar" role="group" aria-label="Edit the topology" data-testid="editor-bar">
            <div class="editor-bar__group" role="group" aria-label="Add a node">{palette}</div>
            <div class="editor-bar__group">
                <button class="btn btn--small" data-testid="undo" aria-keyshortcuts="Control+Z Meta+Z"
                    disabled=move || undo_label().is_none()
                    title=move || undo_label().map_or("Nothing to undo".into(), |w| format!("Undo: {w}"))
                    on:click=move |_| super::stage::keeping_focus(|| store.undo())>"Undo"</button>
                <button class="btn btn--small" data-testid="redo" aria-keyshortcuts="Shift+Control+Z Shift+Meta+Z"
                    disabled=move || redo_label().is_none()
                    title=move || redo_label().map_or("Nothing to redo".into(), |w| format!("Redo: {w}"))
                    on:click=move |_| super::stage::keeping_focus(|| store.redo())>"Redo"</button>
                <button class="btn btn--small" data-testid="delete" aria-keyshortcuts="Delete"
                    disabled=move || store.selected.get().is_none()
                    on:click=move |_| delete_selection(store)>"Delete"</button>
            </div>
            <div class="editor-bar__group">
                <label class="btn btn--small editor-bar__file">
                    "Import…"
                    <input type="file" accept=".json,application/json" class="sr-only" data-testid="import" on:change=on_file />
                </label>
                <button class="btn btn--small" data-testid="export" on:click=move |_| export(store)>"Export"</button>
                <ShareMenu />
            </div>
            <Show when=move || !problems.with(Vec::is_empty)>
                <div class="editor-bar__problems" role="alert" data-testid="import-problems">
                    <p>"That file was not loaded; the current scenario stays. The problems:"</p>
                    <ul>{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    <button class="btn btn--small" on:click=move |_| problems.set(Vec::new())>"Dismiss"</button>
                </div>
            </Show>
        </div>
    }
}
