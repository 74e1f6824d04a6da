//! The transport menu: opened when a connection is asked for (dragging
//! from one node to another, or from the keyboard) or when a link's
//! transport is changed. It lists only what is valid for the pair, and
//! beside the focused choice a card shows its communication type on five
//! dimensions, with evidence from the current run. A modal dialog: Tab
//! stays inside, Escape cancels, and a scrim (editor.css) keeps taps off
//! the page behind.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::view_model::connect::{choices, edits_for, Choice};
use crate::view_model::dimensions::{dimensions, evidence};

use super::store::{use_store, Selection};

/// The menu, shown while `store.pending_link` is set.
#[component]
pub fn LinkMenu() -> impl IntoView {
    let store = use_store();
    let focused = RwSignal::new(0usize);
    let open = move || store.pending_link.get().is_some();
    // Focus goes into the menu when it opens and back where it was when it closes.
    let came_from = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| {
        if open() {
            came_from.set_value(document().active_element().and_then(|e| e.dyn_into().ok()));
            request_animation_frame(|| {
                let first = document().query_selector("[data-testid=link-choice], .link-menu__cancel").ok().flatten();
                if let Some(el) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _focused = el.focus();
                }
            });
        }
    });
    let close = move || {
        store.pending_link.set(None);
        store.relinking.set(None);
        if let Some(el) = came_from.try_update_value(Option::take).flatten() {
            let _focused = el.focus();
        }
    };
    let options = Memo::new(move |_| {
        store.revision.get();
        let (from, to) = store.pending_link.get()?;
        let replacing = store.relinking.get();
        let s = store.scenario();
        let label = |id: &str| s.node(id).map_or(id.to_string(), |n| n.label.clone());
        // In words, as the dialog's name is read ("Connect Inventory to Pricing"; an arrow is read "right arrow").
        let title = format!("{} to {}", label(&from), label(&to));
        Some((title, from.clone(), to.clone(), replacing.clone(), choices(&s, &from, &to, replacing.as_deref())))
    });
    let pick = move |choice: Choice| {
        let Some((_, from, to, replacing, _)) = options.get_untracked() else { return };
        let s = store.scenario();
        let Some(edits) = edits_for(&s, &from, &to, &choice, replacing.as_deref()) else { return };
        close();
        if let Err(reason) = store.change(edits) {
            store.announce(format!("Not connected: {reason}"));
            store.error.set(Some(reason));
        } else {
            let label = |id: &str| s.node(id).map_or(id.to_string(), |n| n.label.clone());
            store.announce(format!("{} from {} to {}.", choice.name(), label(&from), label(&to)));
            let at = store.sim.with_value(|sim| {
                let s = sim.scenario();
                replacing
                    .as_deref()
                    .and_then(|id| s.links.iter().position(|l| l.id == id))
                    .or_else(|| s.links.iter().rposition(|l| l.from == from))
            });
            if let Some(i) = at {
                store.selected.set(Some(Selection::Link(i)));
                // Focus goes to the new link, not to a control the change removed.
                let id = store.sim.with_value(|sim| sim.scenario().links.get(i).map(|l| l.id.clone()));
                if let Some(id) = id {
                    super::stage::focus_later(format!("link-{id}"));
                }
            }
        }
    };
    let card = move || {
        let (_, _, _, replacing, list) = options.get()?;
        let choice = list.get(focused.get())?.clone();
        let t = choice.transport();
        let proof = replacing.and_then(|id| {
            store.frame.track();
            store.sim.with_value(|sim| {
                let s = sim.scenario();
                s.links.iter().position(|l| l.id == id).and_then(|i| evidence(s, sim.metrics(), i))
            })
        });
        let rows = dimensions(&t)
            .iter()
            .map(|d| view! { <div class="dims__row"><dt>{d.name}</dt><dd><strong>{d.rating}</strong>" — "{d.why}</dd></div> })
            .collect_view();
        Some(view! {
            // Not a live region: each choice is described by it (a live card
            // read its whole text again on every Tab).
            <aside class="dims" id="link-menu-dims" data-testid="dimensions">
                <h3 class="dims__title">{choice.name()}</h3>
                <dl>{rows}</dl>
                {proof.map(|p| view! { <p class="dims__evidence" data-testid="evidence">{p}</p> })}
            </aside>
        })
    };
    // Modal: Tab stays in the menu (on a phone it covers the page), Escape cancels.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            close();
        } else if let Some(menu) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            super::focus_trap::keep_tab_inside(&ev, &menu);
        }
    };
    view! {
        <Show when=open>
            <div class="link-menu" role="dialog" aria-modal="true" aria-labelledby="link-menu-title" on:keydown=on_key data-testid="link-menu">
                <h2 id="link-menu-title" class="link-menu__title">
                    {move || options.get().map(|(t, _, _, r, _)| if r.is_some() { format!("Change the transport: {t}") } else { format!("Connect {t}") })}
                </h2>
                {move || {
                    let Some((_, _, _, _, list)) = options.get() else { return ().into_any() };
                    if list.is_empty() {
                        return view! { <p class="link-menu__empty">"No transport can join these two nodes in this direction."</p> }.into_any();
                    }
                    list.into_iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let name = c.name();
                            view! {
                                <button class="btn link-menu__choice" data-testid="link-choice" aria-describedby="link-menu-dims"
                                    on:focus=move |_| focused.set(i)
                                    on:mouseenter=move |_| focused.set(i)
                                    on:click=move |_| pick(c.clone())>{name}</button>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
                {card}
                <button class="btn btn--small link-menu__cancel" on:click=move |_| close()>"Cancel"</button>
            </div>
        </Show>
    }
}

/// In the inspector: connect the selected node to another one, or change
/// the selected link's transport (the keyboard's way into the menu).
#[component]
pub fn ConnectPanel() -> impl IntoView {
    let store = use_store();
    let target = RwSignal::new(String::new());
    move || {
        store.revision.track();
        let s = store.scenario();
        match store.selected.get()? {
            Selection::Node(i) => {
                let from = s.nodes.get(i)?.id.clone();
                let others = s
                    .nodes
                    .iter()
                    .filter(|n| n.id != from)
                    .map(|n| view! { <option value=n.id.clone()>{n.label.clone()}</option> })
                    .collect_view();
                let connect = move |_| {
                    let to = target.get_untracked();
                    if !to.is_empty() {
                        store.relinking.set(None);
                        store.pending_link.set(Some((from.clone(), to)));
                    }
                };
                Some(
                    view! {
                        <div class="connect-panel" data-testid="connect-panel">
                            <label>"Connect to "
                                <select data-testid="connect-target" on:change=move |ev| target.set(event_target_value(&ev))>
                                    <option value="">"choose a node"</option>
                                    {others}
                                </select>
                            </label>
                            <button class="btn btn--small" data-testid="connect" on:click=connect>"Connect…"</button>
                        </div>
                    }
                    .into_any(),
                )
            }
            Selection::Link(i) => {
                let l = s.links.get(i)?.clone();
                let change = move |_| {
                    store.relinking.set(Some(l.id.clone()));
                    store.pending_link.set(Some((l.from.clone(), l.to.clone())));
                };
                Some(
                    view! {
                        <div class="connect-panel">
                            <button class="btn btn--small" data-testid="change-transport" on:click=change>"Change the transport…"</button>
                        </div>
                    }
                    .into_any(),
                )
            }
        }
    }
}
