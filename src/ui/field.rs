//! One settings field for the inspector, drawn from its description in
//! `view_model::settings`: a labelled number with its unit and range, or a
//! choice. A value is checked, then applied as an `Edit`; a refusal (not a
//! number, out of range, or the engine's own reason) shows beside the field
//! as an alert, and the value in force stays and comes back on blur or Escape.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::view_model::settings::{value_text, Choice, Group, Item, Meta, Num};

use super::browser::parse_finite;

/// Applies a new value; `Err` carries the reason it was refused.
pub type Apply<V> = Callback<V, Result<(), String>>;

/// A number field. `value`: `None` hides it (it does not apply now),
/// `Some(None)` is empty (`null`). Without `apply` it is read-only.
#[component]
pub fn NumField(meta: &'static Meta, value: Signal<Option<Option<f64>>>, apply: Option<Apply<Option<f64>>>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let id = format!("set-{}", meta.key);
    let (range_id, error_id) = (format!("{id}-range"), format!("{id}-error"));
    let describedby = format!("{range_id} {error_id}");
    let in_force = move || value_text(value.get_untracked().flatten());
    let input = NodeRef::<leptos::html::Input>::new();
    // Shows the value in force again, whatever was typed.
    let revert = move || {
        if let Some(el) = input.get_untracked() {
            el.set_value(&in_force());
        }
    };
    let commit = move || {
        let (Some(el), Some(apply)) = (input.get_untracked(), apply) else { return };
        let typed = el.value();
        if typed.trim() == in_force() {
            error.set(None);
            return;
        }
        let result = meta.check(&typed, parse_finite).and_then(|v| apply.run(v));
        error.set(result.err().map(|reason| {
            let kept = in_force();
            let kept = if kept.is_empty() { meta.empty.unwrap_or_default().to_string() } else { format!("{kept} {}", meta.unit) };
            format!("{reason}; still {kept}")
        }));
    };
    let range = if apply.is_some() { meta.range_text() } else { format!("{}; fixed for the run", meta.range_text()) };
    view! {
        <div class="field" hidden=move || value.with(Option::is_none) class:field--invalid=move || error.with(Option::is_some)>
            <label class="field__label" for=id.clone()>{meta.label}</label>
            <span class="field__control">
                <input
                    class="field__input"
                    id=id.clone()
                    data-testid=id
                    node_ref=input
                    inputmode="decimal"
                    autocomplete="off"
                    readonly=apply.is_none()
                    placeholder=meta.empty.unwrap_or_default()
                    title=range.clone()
                    aria-describedby=describedby
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    prop:value=move || value_text(value.get().flatten())
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                        "Enter" => commit(),
                        "Escape" => {
                            revert();
                            error.set(None);
                        }
                        _ => {}
                    }
                    on:blur=move |_| {
                        commit();
                        revert();
                    }
                />
                <span class="field__unit" aria-hidden="true">{meta.unit}</span>
            </span>
            <span class="sr-only" id=range_id>{range}</span>
            <span class="field__error" id=error_id role="alert">{move || error.get()}</span>
        </div>
    }
}

/// A choice among a few words; `value`: `None` hides it.
#[component]
pub fn ChoiceField(
    key: &'static str,
    label: &'static str,
    options: &'static [&'static str],
    value: Signal<Option<usize>>, apply: Option<Apply<usize>>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let id = format!("set-{key}");
    let error_id = format!("{id}-error");
    let options = options
        .iter()
        .enumerate()
        .map(|(i, word)| view! { <option value=i.to_string() prop:selected=move || value.get() == Some(i)>{*word}</option> })
        .collect_view();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(apply) = apply else { return };
        let Ok(i) = event_target_value(&ev).parse::<usize>() else { return };
        let result = apply.run(i);
        if result.is_err() {
            // Refused: the select shows the choice in force again.
            if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                el.set_selected_index(value.get_untracked().map_or(-1, |v| v as i32));
            }
        }
        error.set(result.err());
    };
    view! {
        <div class="field" hidden=move || value.with(Option::is_none) class:field--invalid=move || error.with(Option::is_some)>
            <label class="field__label" for=id.clone()>{label}</label>
            <span class="field__control">
                <select
                    class="field__input"
                    id=id.clone()
                    data-testid=id
                    disabled=apply.is_none()
                    aria-describedby=error_id.clone()
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    on:change=on_change
                >
                    {options}
                </select>
            </span>
            <span class="field__error" id=error_id role="alert">{move || error.get()}</span>
        </div>
    }
}

/// Settings of type `T` as collapsible sections: `read` gives the settings
/// in force (tracked, so the fields follow every change), `write` applies
/// changed settings (`None`: read-only).
pub fn settings_view<T, R, W>(groups: &'static [Group<T>], read: R, write: Option<W>) -> impl IntoView
where
    T: Send + Sync + 'static,
    R: Fn() -> Option<T> + Copy + Send + Sync + 'static,
    W: Fn(T) -> Result<(), String> + Copy + Send + Sync + 'static,
{
    groups
        .iter()
        .map(|g| {
            let rows = g.items.iter().map(|item| item_view(item, read, write)).collect_view();
            let shown = move || read().is_some_and(|t| g.items.iter().any(|i| applies(i, &t)));
            view! {
                <details class="settings" open hidden=move || !shown()>
                    <summary class="settings__title">{g.title}</summary>
                    {rows}
                </details>
            }
        })
        .collect_view()
}

fn applies<T>(item: &Item<T>, t: &T) -> bool {
    match item {
        Item::Num(n) => (n.get)(t).is_some(),
        Item::Choice(c) => (c.get)(t).is_some(),
    }
}

fn item_view<T, R, W>(item: &'static Item<T>, read: R, write: Option<W>) -> AnyView
where
    T: Send + Sync + 'static,
    R: Fn() -> Option<T> + Copy + Send + Sync + 'static,
    W: Fn(T) -> Result<(), String> + Copy + Send + Sync + 'static,
{
    match item {
        Item::Num(n) => num_view(n, read, write),
        Item::Choice(c) => choice_view(c, read, write),
    }
}

fn num_view<T, R, W>(n: &'static Num<T>, read: R, write: Option<W>) -> AnyView
where
    T: Send + Sync + 'static,
    R: Fn() -> Option<T> + Copy + Send + Sync + 'static,
    W: Fn(T) -> Result<(), String> + Copy + Send + Sync + 'static,
{
    let value = Signal::derive(move || read().and_then(|t| (n.get)(&t)));
    let apply = write.map(|w| {
        Callback::new(move |v: Option<f64>| {
            let mut t = untrack(read).ok_or("gone")?;
            (n.set)(&mut t, v);
            w(t)
        })
    });
    view! { <NumField meta=&n.meta value=value apply=apply /> }.into_any()
}

fn choice_view<T, R, W>(c: &'static Choice<T>, read: R, write: Option<W>) -> AnyView
where
    T: Send + Sync + 'static,
    R: Fn() -> Option<T> + Copy + Send + Sync + 'static,
    W: Fn(T) -> Result<(), String> + Copy + Send + Sync + 'static,
{
    let value = Signal::derive(move || read().and_then(|t| (c.get)(&t)));
    let apply = write.map(|w| {
        Callback::new(move |k: usize| {
            let mut t = untrack(read).ok_or("gone")?;
            (c.set)(&mut t, k);
            w(t)
        })
    });
    view! { <ChoiceField key=c.key label=c.label options=c.options value=value apply=apply /> }.into_any()
}
