//! The inspector's settings fields, drawn from their descriptions in
//! `view_model::settings`: a labelled text field (numbers with their unit
//! and range, and a job's cron schedule) and a choice, in collapsible
//! sections. A value is checked, then applied as an `Edit`; a refusal (not
//! a number, out of range, or the engine's own reason) shows beside the
//! field as an alert, and the value in force stays and comes back on blur
//! or Escape. Every row goes through the same two functions whatever the
//! settings' type, so the view code is compiled once.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::view_model::settings::{value_text, Group, Item, Meta};

use super::browser::parse_finite;

/// What a text field shows: its key (`set-{key}` is its id and test id),
/// label, unit, the word for empty, and its range or format in words.
pub struct Shown {
    /// Short key.
    pub key: &'static str,
    /// The label.
    pub label: &'static str,
    /// The unit after the field ("" for none).
    pub unit: &'static str,
    /// What an empty field means ("" if it cannot be empty).
    pub empty: &'static str,
    /// The accessible description: range and unit in words.
    pub describe: String,
}

/// The text a field shows now (tracked); `None` hides the field.
pub type TextGet = Arc<dyn Fn() -> Option<String> + Send + Sync>;
/// Checks and applies what was typed, or says why not.
pub type TextSet = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// A labelled field: typed text is applied on Enter or when the field is
/// left; a refusal shows beside it (an alert, `aria-invalid`), and leaving
/// the field or Escape shows the value in force again. Without `apply` it
/// is read-only. One function for numbers and the cron schedule alike.
pub fn text_field(shown: Shown, value: TextGet, apply: Option<TextSet>) -> AnyView {
    let Shown { key, label, unit, empty, describe } = shown;
    let error = RwSignal::new(None::<String>);
    let id = format!("set-{key}");
    let (range_id, error_id) = (format!("{id}-range"), format!("{id}-error"));
    let describedby = format!("{range_id} {error_id}");
    let v = value.clone();
    let in_force = move || untrack(|| v()).unwrap_or_default();
    let input = NodeRef::<leptos::html::Input>::new();
    // Shows the value in force again, whatever was typed.
    let i = in_force.clone();
    let revert = move || {
        if let Some(el) = input.get_untracked() {
            el.set_value(&i());
        }
    };
    let read_only = apply.is_none();
    let i = in_force.clone();
    let typed_changed = move || input.get_untracked().is_some_and(|el| el.value().trim() != i());
    let commit = move || {
        let (Some(el), Some(apply)) = (input.get_untracked(), apply.as_ref()) else { return };
        let typed = el.value();
        if typed.trim() == in_force() {
            return error.set(None);
        }
        error.set(apply(&typed).err().map(|reason| {
            let kept = in_force();
            let kept = if kept.is_empty() { empty.to_string() } else { format!("{kept} {unit}") };
            format!("{reason}; still {}", kept.trim_end())
        }));
    };
    let (c1, r1) = (commit.clone(), revert.clone());
    let describe = if read_only { format!("{describe}; fixed for the run") } else { describe };
    let (hide, show, blank) = (value.clone(), value.clone(), value);
    // Empty, the field shows what empty means ("no dead-letter queue"), and is wide enough for it.
    let blank = move || !empty.is_empty() && blank().is_some_and(|v| v.is_empty());
    view! {
        <div class="field" class:field--empty=blank hidden=move || hide().is_none()>
            <label class="field__label" for=id.clone()>{label}</label>
            <span class="field__control">
                <input
                    class="field__input"
                    id=id.clone()
                    data-testid=id
                    node_ref=input
                    autocomplete="off"
                    readonly=read_only
                    placeholder=empty
                    aria-describedby=describedby
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    prop:value=move || show().unwrap_or_default()
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                        "Enter" => c1(),
                        // Taken here only when there is something to drop (typed text, a
                        // refusal), so it does not also close the inspector; else it closes it.
                        "Escape" if error.with_untracked(Option::is_some) || typed_changed() => {
                            ev.prevent_default();
                            r1();
                            error.set(None);
                        }
                        _ => {}
                    }
                    on:blur=move |_| {
                        commit();
                        revert();
                    }
                />
                <span class="field__unit" aria-hidden="true">{unit}</span>
            </span>
            <span class="sr-only" id=range_id>{describe}</span>
            <span class="field__error" id=error_id role="alert">{move || error.get()}</span>
        </div>
    }
    .into_any()
}

/// A choice among a few words; `value` (an index) `None` hides it.
fn choice_field(
    (key, label, options): (&'static str, &'static str, &'static [&'static str]),
    value: RowGet,
    apply: Option<RowSet>,
) -> AnyView {
    let error = RwSignal::new(None::<String>);
    let id = format!("set-{key}");
    let error_id = format!("{id}-error");
    let now = move || value().map(|k| k.unwrap_or_default() as usize);
    let n = now.clone();
    let options = options
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let n = n.clone();
            view! { <option value=i.to_string() prop:selected=move || n() == Some(i)>{*word}</option> }
        })
        .collect_view();
    let read_only = apply.is_none();
    let n = now.clone();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(apply) = apply.as_ref() else { return };
        let Ok(i) = event_target_value(&ev).parse::<usize>() else { return };
        let result = apply(Some(i as f64));
        if result.is_err() {
            // Refused: the select shows the choice in force again.
            if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                el.set_selected_index(untrack(&n).map_or(-1, |v| v as i32));
            }
        }
        error.set(result.err());
    };
    view! {
        <div class="field" hidden=move || now().is_none()>
            <label class="field__label" for=id.clone()>{label}</label>
            <span class="field__control">
                <select
                    class="field__input"
                    id=id.clone()
                    data-testid=id
                    disabled=read_only
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
    .into_any()
}

/// Reads a row's value now (tracked): `None` when it does not apply; a
/// choice reads as its index.
pub type RowGet = Arc<dyn Fn() -> Option<Option<f64>> + Send + Sync>;
/// Writes a row's value through the engine, or says why not.
pub type RowSet = Arc<dyn Fn(Option<f64>) -> Result<(), String> + Send + Sync>;

/// A settings row with its settings' type erased, so that everything that
/// draws it is compiled once rather than once per kind of settings.
struct Row {
    item: RowKind,
    get: RowGet,
    set: Option<RowSet>,
}

#[derive(Clone, Copy)]
enum RowKind {
    Num(&'static Meta),
    Choice(&'static str, &'static str, &'static [&'static str]),
}

/// Reads the settings of type `T` in force (tracked).
pub type Read<T> = Arc<dyn Fn() -> Option<T> + Send + Sync>;
/// Applies changed settings of type `T`, or says why not.
pub type Write<T> = Arc<dyn Fn(T) -> Result<(), String> + Send + Sync>;

/// Reads (`None`) or writes (`Some(value)`) row `(group, item)` of a table.
type Access = Arc<dyn Fn(usize, usize, Option<Option<f64>>) -> Result<Option<Option<f64>>, String> + Send + Sync>;

/// Settings of type `T` as collapsible sections: `read` gives the settings
/// in force (tracked, so the fields follow every change), `write` applies
/// changed settings (`None`: read-only). The only code compiled per type is
/// the one closure below that reads or writes a row by its place.
pub fn settings_view<T: 'static>(groups: &'static [Group<T>], read: Read<T>, write: Option<Write<T>>) -> AnyView {
    let writable = write.is_some();
    let layout = groups.iter().map(|g| (g.title, g.items.iter().map(kind_of).collect())).collect();
    let access: Access = Arc::new(move |g, i, to| {
        let item = groups.get(g).and_then(|g| g.items.get(i)).ok_or("gone")?;
        let Some(v) = to else { return Ok(read().and_then(|t| get_item(item, &t))) };
        let mut t = untrack(|| read()).ok_or("gone")?;
        match item {
            Item::Num(n) => (n.set)(&mut t, v),
            Item::Choice(c) => (c.set)(&mut t, v.unwrap_or_default() as usize),
        }
        write.as_ref().ok_or("fixed for the run")?(t).map(|()| None)
    });
    groups_view(layout, access, writable)
}

fn kind_of<T>(item: &'static Item<T>) -> RowKind {
    match item {
        Item::Num(n) => RowKind::Num(&n.meta),
        Item::Choice(c) => RowKind::Choice(c.key, c.label, c.options),
    }
}

fn get_item<T>(item: &Item<T>, t: &T) -> Option<Option<f64>> {
    match item {
        Item::Num(n) => (n.get)(t),
        Item::Choice(c) => (c.get)(t).map(|k| Some(k as f64)),
    }
}

fn groups_view(layout: Vec<(&'static str, Vec<RowKind>)>, access: Access, writable: bool) -> AnyView {
    layout
        .into_iter()
        .enumerate()
        .map(|(g, (title, kinds))| {
            let rows: Vec<Row> = kinds
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let (a, b) = (access.clone(), access.clone());
                    let get: RowGet = Arc::new(move || a(g, i, None).ok().flatten());
                    let set = writable.then(|| Arc::new(move |v| b(g, i, Some(v)).map(|_| ())) as RowSet);
                    Row { item, get, set }
                })
                .collect();
            let gets: Vec<RowGet> = rows.iter().map(|r| r.get.clone()).collect();
            let shown = Signal::derive(move || gets.iter().any(|g| g().is_some()));
            let rows: Vec<AnyView> = rows.into_iter().map(row_view).collect();
            view! {
                <details class="settings" open hidden=move || !shown.get()>
                    <summary class="settings__title">{title}</summary>
                    {rows}
                </details>
            }
        })
        .collect_view()
        .into_any()
}

fn row_view(row: Row) -> AnyView {
    let Row { item, get, set } = row;
    match item {
        RowKind::Num(meta) => {
            let shown = Shown {
                key: meta.key,
                label: meta.label,
                unit: meta.unit,
                empty: meta.empty.unwrap_or_default(),
                describe: meta.range_text(),
            };
            let value: TextGet = Arc::new(move || get().map(value_text));
            let apply =
                set.map(|s| Arc::new(move |typed: &str| meta.check(typed, parse_finite).and_then(|v| s(v))) as TextSet);
            text_field(shown, value, apply)
        }
        RowKind::Choice(key, label, options) => choice_field((key, label, options), get, set),
    }
}
