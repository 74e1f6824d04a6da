//! Embed mode in the browser: the theme, autoplay, the postMessage API
//! (commands read by `view_model::embed_api`, events posted back), alerts
//! from the narration, the Embed dialog of the normal page and the service
//! worker's registration. Everything here fails soft: a sandboxed iframe
//! without storage, clipboard or service workers still runs.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::presets;
use crate::view_model::embed_api::{
    check_lesson_step, embed_url, event_json, parse_message, snippet, Command, EmbedOptions, MessageId,
    MetricsSnapshot, Outgoing, Refusal, SnippetChoice, Theme, COMMANDS, CONTROL_NAMES,
};
use crate::view_model::preset_titles::preset_title;

use super::store::Store;

/// Applies the page-wide options (theme) and, in embed mode, autoplay and
/// the message API. Called once by `App`.
pub fn start(store: Store, opts: &EmbedOptions) {
    if opts.theme != Theme::Auto {
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-theme", opts.theme.key());
        }
    }
    if !opts.embed {
        return;
    }
    store.playing.set(opts.autoplay);
    let opts = opts.clone();
    let listening = opts.clone();
    let _messages = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
        on_message(store, &listening, &ev);
    });
    // Alerts: the narration's notable-event sentences (what the page
    // announces), a link's arrow in words as the announcer says it.
    let alerting = opts.clone();
    Effect::new(move |_| {
        let text = store.announcement.get();
        if !text.is_empty() {
            let at_ms = store.frame.with_untracked(|f| f.now) / 1_000;
            post(&alerting, &Outgoing::alert(&text, at_ms));
        }
    });
    let scenario = store.preset.get_untracked();
    post(&opts, &Outgoing::Ready { scenario, commands: COMMANDS.to_vec() });
}

fn parent() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    // Not framed: the parent is the window itself, and nobody embeds us.
    (!js_sys::Object::is(&parent, &window)).then_some(parent)
}

/// Reads one message: only from the parent, only from an allowed origin
/// (others are ignored without an answer), as data never run or inserted.
fn on_message(store: Store, opts: &EmbedOptions, ev: &web_sys::MessageEvent) {
    let Some(parent) = parent() else { return };
    let from_parent = ev.source().is_some_and(|s| js_sys::Object::is(&s, &parent));
    if !from_parent || !opts.allows(&ev.origin()) {
        return;
    }
    let data = ev.data();
    let text = match data.as_string() {
        Some(text) => Some(text),
        // Objects are read through their JSON text (cycles and the like fail: malformed).
        None => js_sys::JSON::stringify(&data).ok().and_then(|s| s.as_string()),
    };
    let answer = match text.as_deref().map(parse_message) {
        Some(Ok(request)) => run(store, request.id, request.command),
        Some(Err(refusal)) => refusal.into(),
        None => Outgoing::Error { id: None, code: "malformed", message: "The message is not JSON.".into() },
    };
    post(opts, &answer);
}

fn run(store: Store, id: Option<MessageId>, command: Command) -> Outgoing {
    let name = command.name();
    let failed = |message: String| Outgoing::from(Refusal { id: id.clone(), code: "failed", message });
    match command {
        Command::LoadPreset(preset) => {
            if presets::load(&preset).is_none() {
                return failed(format!("There is no scenario named \"{preset}\"."));
            }
            store.load(&preset);
        }
        Command::LoadScenario(scenario) => {
            let name = scenario.name.clone();
            store.load_scenario(*scenario, name);
        }
        Command::ApplyEdits(edits) => {
            for (i, edit) in edits.into_iter().enumerate() {
                if let Err(reason) = store.try_edit(edit) {
                    return failed(format!("edits[{i}] was refused (the ones before it were applied): {reason}"));
                }
            }
        }
        Command::Play => {
            if !store.playing.get_untracked() {
                store.toggle_play();
            }
        }
        Command::Pause => store.playing.set(false),
        Command::Step => {
            store.playing.set(false);
            store.step_one();
        }
        Command::SetSpeed(speed) => store.speed.set(speed),
        Command::GoToLessonStep { lesson, step } => {
            if let Err(refusal) = check_lesson_step(&lesson, step, &id) {
                return refusal.into();
            }
            // The lesson card opens it (steps count from 1 in the API, from 0 in the card).
            store.lesson_request.set(Some((lesson.clone(), step.saturating_sub(1) as usize)));
            return Outgoing::LessonStep { lesson, step };
        }
        Command::GetMetrics => return Outgoing::Metrics { id, metrics: snapshot(store) },
    }
    Outgoing::Ok { id, command: name }
}

fn snapshot(store: Store) -> MetricsSnapshot {
    store.frame.with_untracked(|f| MetricsSnapshot {
        now_ms: f.now / 1_000,
        steps: f.steps,
        orders_started: f.orders.0,
        orders_completed: f.orders.1,
        orders_failed: f.orders.2,
        in_flight: f.ledger.4 as usize,
        speed: store.speed.get_untracked(),
        playing: store.playing.get_untracked(),
        scenario: store.preset.get_untracked(),
    })
}

/// Posts an event to the parent, to each allowed origin (the browser drops
/// those that do not match), or to any origin when no list was given.
fn post(opts: &EmbedOptions, event: &Outgoing) {
    let Some(parent) = parent() else { return };
    let Ok(value) = js_sys::JSON::parse(&event_json(event)) else { return };
    for target in opts.targets() {
        let _ = parent.post_message(&value, &target);
    }
}

/// Registers the service worker (offline after a first visit), skipped
/// where there is none: file://, a sandboxed iframe (reading
/// `navigator.serviceWorker` throws there), old browsers.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let protocol = window.location().protocol().unwrap_or_default();
    if protocol != "https:" && protocol != "http:" {
        return;
    }
    let Ok(container) = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("serviceWorker")) else { return };
    let Ok(register) = js_sys::Reflect::get(&container, &JsValue::from_str("register")) else { return };
    let Ok(register) = register.dyn_into::<js_sys::Function>() else { return };
    if let Ok(promise) = register.call1(&container, &JsValue::from_str("./sw.js")) {
        if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
            // A refusal (private mode, a policy) only means no offline copy.
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    }
}

/// Writes `text` to the clipboard if the browser lets us; false when it cannot.
fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("clipboard")).ok();
    let write = clipboard
        .as_ref()
        .filter(|c| c.is_object())
        .and_then(|c| js_sys::Reflect::get(c, &JsValue::from_str("writeText")).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let (Some(clipboard), Some(write)) = (clipboard, write) else { return false };
    match write.call1(&clipboard, &JsValue::from_str(text)).ok().and_then(|p| p.dyn_into::<js_sys::Promise>().ok()) {
        Some(promise) => {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
            true
        }
        None => false,
    }
}

/// The "Embed" button and its dialog: pick a scenario, controls, theme and
/// height; the iframe snippet updates, with Copy and a text field to copy by hand.
#[component]
pub fn EmbedDialog(store: Store) -> impl IntoView {
    let open = RwSignal::new(false);
    let opener = NodeRef::<leptos::html::Button>::new();
    let first = NodeRef::<leptos::html::Select>::new();
    let dialog = NodeRef::<leptos::html::Div>::new();
    let scenario = RwSignal::new(String::new());
    let controls = RwSignal::new(vec!["play", "step", "speed"]);
    let theme = RwSignal::new(Theme::Auto);
    let height = RwSignal::new(480u32);
    let copied = RwSignal::new(String::new());
    let base = web_sys::window()
        .map(|w| w.location())
        .map(|l| format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default()))
        .unwrap_or_default();
    let choice = move || SnippetChoice {
        base: base.clone(),
        scenario: scenario.get(),
        controls: controls.get(),
        theme: theme.get(),
        autoplay: false,
        // The run's seed goes with its own scenario when it is not the scenario's default.
        seed: {
            let seed = store.seed.get();
            (scenario.get() == store.preset.get() && seed != store.original.with_value(|o| o.seed)).then_some(seed)
        },
        height: height.get(),
    };
    let choice = Signal::derive(choice);
    let code = move || snippet(&choice.get());
    let close = move || {
        open.set(false);
        if let Some(b) = opener.get_untracked() {
            let _ = b.focus();
        }
    };
    let show = move |_| {
        scenario.set(store.preset.get_untracked());
        copied.set(String::new());
        open.set(true);
        // Focus moves into the dialog once it is drawn.
        request_animation_frame(move || {
            if let Some(s) = first.get_untracked() {
                let _ = s.focus();
            }
        });
    };
    let copy = move |_| {
        let text = code();
        copied.set(if copy_text(&text) {
            "Copied.".into()
        } else {
            "This page cannot use the clipboard: select the text below and copy it.".into()
        });
    };
    // Built each time the dialog opens (the dialog's children are drawn anew).
    let options = move || {
        presets::names()
        .map(|name| view! { <option value=name prop:selected=move || scenario.get() == name>{preset_title(name)}</option> })
        .collect_view()
    };
    let boxes = move || {
        CONTROL_NAMES
            .iter()
            .map(|&name| {
                view! {
                    <label class="embed-dialog__check">
                        <input
                            type="checkbox"
                            prop:checked=move || controls.with(|c| c.contains(&name))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                controls.update(|c| {
                                    c.retain(|x| *x != name);
                                    if on {
                                        c.push(name);
                                        let place = |x: &&str| CONTROL_NAMES.iter().position(|y| y == x);
                                        crate::engine::sort::sort_stable_by(c, |a, b| place(a) < place(b));
                                    }
                                });
                            }
                        />
                        {name}
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <button class="btn btn--small app-header__embed" node_ref=opener on:click=show aria-haspopup="dialog" data-testid="embed-open">
            "Embed"
        </button>
        <Show when=move || open.get()>
            <div class="embed-backdrop" on:click=move |_| close()></div>
            <div
                class="embed-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="embed-title"
                data-testid="embed-dialog"
                node_ref=dialog
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        ev.prevent_default();
                        ev.stop_propagation();
                        close();
                    } else if let Some(d) = dialog.get_untracked() {
                        super::focus_trap::keep_tab_inside(&ev, &d);
                    }
                }
            >
                <h2 id="embed-title" class="embed-dialog__title">"Embed this playground"</h2>
                <label class="embed-dialog__field">
                    "Scenario"
                    <select node_ref=first on:change=move |ev| scenario.set(event_target_value(&ev)) data-testid="embed-scenario">
                        {options()}
                    </select>
                </label>
                <fieldset class="embed-dialog__controls">
                    <legend>"Controls shown"</legend>
                    {boxes()}
                </fieldset>
                <label class="embed-dialog__field">
                    "Theme"
                    <select on:change=move |ev| theme.set(Theme::parse(&event_target_value(&ev))) data-testid="embed-theme">
                        <option value="auto">"Follow the system"</option>
                        <option value="light">"Light"</option>
                        <option value="dark">"Dark"</option>
                    </select>
                </label>
                <label class="embed-dialog__field">
                    "Height (px)"
                    <input
                        type="number"
                        min="240"
                        max="2000"
                        prop:value=move || height.get().to_string()
                        on:change=move |ev| {
                            if let Ok(h) = event_target_value(&ev).trim().parse::<u32>() {
                                height.set(h.clamp(240, 2000));
                            }
                        }
                        data-testid="embed-height"
                    />
                </label>
                <label class="embed-dialog__field embed-dialog__field--wide">
                    "Code to paste into your page"
                    <textarea readonly rows="4" prop:value=code data-testid="embed-code" on:focus=move |ev| {
                        if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                            t.select();
                        }
                    }></textarea>
                </label>
                <p class="embed-dialog__link">
                    "Preview: "
                    <a href=move || embed_url(&choice.get()) target="_blank" rel="noopener" data-testid="embed-preview">"open the embed"</a>
                </p>
                <div class="embed-dialog__actions">
                    <button class="btn btn--primary" on:click=copy data-testid="embed-copy">"Copy code"</button>
                    <button class="btn" on:click=move |_| close() data-testid="embed-close">"Close"</button>
                    <span role="status" data-testid="embed-copied">{move || copied.get()}</span>
                </div>
            </div>
        </Show>
    }
}
