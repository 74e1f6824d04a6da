//! Inspector panels for types 3 and 4: a topic's schema and registry, a
//! subscription's unreadable-event policy, a consumer group's commit policy
//! and replays. Every change is an `Edit` through the store.

use leptos::prelude::*;

use crate::engine::edit::ResetTo;
use crate::engine::scenario::{
    CommitPolicy, CompatMode, FaultEffect, Field, OnUnreadable, ReadPolicy, Registry, Schema, SubscribePolicy,
    TopicSpec, Transport,
};
use crate::engine::time::micros_to_ms;
use crate::engine::Edit;

use super::inspector::{FaultButton, Switch};
use super::store::use_store;

/// The registry choices offered, with the words shown for them.
const REGISTRY_CHOICES: [(&str, Option<CompatMode>); 5] = [
    ("no registry", None),
    ("BACKWARD", Some(CompatMode::Backward)),
    ("FORWARD", Some(CompatMode::Forward)),
    ("FULL", Some(CompatMode::Full)),
    ("NONE (a registry that checks nothing)", Some(CompatMode::None)),
];

/// The publisher's next schema without `field`: one version up.
fn without_field(schema: &Schema, field: &str) -> Schema {
    Schema {
        name: schema.name.clone(),
        version: schema.version.saturating_add(1),
        fields: schema.fields.iter().filter(|f| f.name != field).cloned().collect(),
    }
}

/// The publisher's next schema with one more optional field.
fn with_optional_field(schema: &Schema) -> Schema {
    let mut fields = schema.fields.clone();
    fields.push(Field { name: format!("note_v{}", schema.version.saturating_add(1)), required: false });
    Schema { name: schema.name.clone(), version: schema.version.saturating_add(1), fields }
}

/// A topic: change the publisher's schema (as a fault, so it can be undone) and pick the registry.
#[component]
pub fn TopicPanel(id: String, spec: TopicSpec) -> impl IntoView {
    let store = use_store();
    let drops = spec
        .schema
        .fields
        .iter()
        .map(|f| {
            let schema = without_field(&spec.schema, &f.name);
            let label = format!("Drop field '{}' (v{})", f.name, schema.version);
            view! {
                <FaultButton
                    target=id.clone()
                    label=label
                    testid=format!("schema-drop-{}", f.name)
                    effect=FaultEffect::SchemaChange { schema }
                />
            }
        })
        .collect_view();
    let added = with_optional_field(&spec.schema);
    let current = REGISTRY_CHOICES.iter().position(|(_, m)| *m == spec.registry.as_ref().map(|r| r.mode)).unwrap_or(0);
    let options = REGISTRY_CHOICES
        .iter()
        .enumerate()
        .map(|(i, (word, _))| view! { <option value=i.to_string() selected=i == current>{*word}</option> })
        .collect_view();
    let on_registry = {
        let (id, spec) = (id.clone(), spec.clone());
        move |ev| {
            let i: usize = event_target_value(&ev).parse().unwrap_or(0);
            let mode = REGISTRY_CHOICES.get(i).and_then(|(_, m)| *m);
            let next = TopicSpec { registry: mode.map(|mode| Registry { mode }), ..spec.clone() };
            store.edit(Edit::SetTopic { node: id.clone(), spec: next });
        }
    };
    let fields = spec
        .schema
        .fields
        .iter()
        .map(|f| format!("{}{}", f.name, if f.required { "" } else { "?" }))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <p class="inspector__detail" data-testid="topic-schema">
            {format!("{} events, schema {} v{}: {}", spec.event_type, spec.schema.name, spec.schema.version, fields)}
        </p>
        <h4 class="inspector__heading">"Change the publisher's schema"</h4>
        <div class="inspector__buttons">
            {drops}
            <FaultButton
                target=id.clone()
                label=format!("Add an optional field (v{})", added.version)
                testid="schema-add-optional".to_string()
                effect=FaultEffect::SchemaChange { schema: added }
            />
        </div>
        <h4 class="inspector__heading">"Mitigations"</h4>
        <label class="inspector__field">
            <span>"Schema registry"</span>
            <select data-testid="select-registry" on:change=on_registry>{options}</select>
        </label>
        <p class="inspector__detail">
            "BACKWARD lets a publisher drop a field readers still need; FORWARD and FULL refuse it at the publisher."
        </p>
    }
}

/// A subscription: what the subscriber does with events it cannot read, and idempotency.
#[component]
pub fn SubscriptionPanel(id: String, policy: SubscribePolicy) -> impl IntoView {
    let store = use_store();
    let dead_letter = policy.on_unreadable == OnUnreadable::DeadLetter;
    let idempotent = policy.idempotent;
    let on_dead_letter = {
        let (id, policy) = (id.clone(), policy.clone());
        Callback::new(move |on: bool| {
            let mut next = policy.clone();
            next.on_unreadable = if on { OnUnreadable::DeadLetter } else { OnUnreadable::Drop };
            // Dead-lettering needs a dead-letter queue: Pub/Sub's default of 5 attempts.
            if on && next.max_delivery_attempts.is_none() {
                next.max_delivery_attempts = Some(5);
            }
            store.set_transport(&id, Transport::Subscribe(next));
        })
    };
    let on_idempotent = {
        let (id, policy) = (id.clone(), policy.clone());
        Callback::new(move |on: bool| {
            let mut next = policy.clone();
            next.idempotent = on;
            store.set_transport(&id, Transport::Subscribe(next));
        })
    };
    let reads = if policy.reads.is_empty() {
        "Reads no particular field.".to_string()
    } else {
        let names: Vec<String> =
            policy.reads.iter().map(|f| format!("{}{}", f.name, if f.required { "" } else { "?" })).collect();
        format!("Reads {}.", names.join(", "))
    };
    view! {
        <p class="inspector__detail" data-testid="subscription-reads">{reads}</p>
        <h4 class="inspector__heading">"Mitigations"</h4>
        <Switch
            label="Nack events it cannot read (dead-lettered after the delivery attempts)"
            testid="switch-unreadable-dlq"
            checked=Signal::derive(move || dead_letter)
            on_change=on_dead_letter
        />
        <Switch
            label="Idempotent subscriber (skip repeats)"
            testid="switch-idempotent"
            checked=Signal::derive(move || idempotent)
            on_change=on_idempotent
        />
    }
}

/// A consumer group: its commit policy, replays and idempotency.
#[component]
pub fn GroupPanel(id: String, policy: ReadPolicy) -> impl IntoView {
    let store = use_store();
    let choices = [
        ("after", CommitPolicy::After, "after processing (at least once)"),
        ("before", CommitPolicy::Before, "before processing (at most once)"),
        ("auto", CommitPolicy::Auto, "automatically, on a timer"),
    ];
    let options = choices
        .iter()
        .map(|(key, c, word)| view! { <option value=*key selected=*c == policy.commit>{*word}</option> })
        .collect_view();
    let on_commit = {
        let (id, policy) = (id.clone(), policy.clone());
        move |ev| {
            let key = event_target_value(&ev);
            let Some((_, commit, _)) = choices.iter().find(|(k, _, _)| *k == key) else { return };
            let next = ReadPolicy { commit: *commit, ..policy.clone() };
            store.set_transport(&id, Transport::Read(next));
        }
    };
    let reset = {
        let id = id.clone();
        move |to: ResetTo| store.edit(Edit::ResetGroup { link: id.clone(), to })
    };
    let (r1, r2, r3, r4, r5) = (reset.clone(), reset.clone(), reset.clone(), reset.clone(), reset);
    let replay_from = RwSignal::new("0".to_string());
    let offset = RwSignal::new("0".to_string());
    let ten_seconds_ago = move || {
        let now = store.sim.with_value(|s| s.now());
        ResetTo::TimeMs((micros_to_ms(now) - 10_000.0).max(0.0))
    };
    // A mitigation switch writes one flag of the group's policy.
    let switch = |set: fn(&mut ReadPolicy, bool)| {
        let (id, policy) = (id.clone(), policy.clone());
        Callback::new(move |on: bool| {
            let mut next = policy.clone();
            set(&mut next, on);
            store.set_transport(&id, Transport::Read(next));
        })
    };
    let idempotent = policy.idempotent;
    let on_idempotent = switch(|p, on| p.idempotent = on);
    let static_membership = policy.static_membership;
    let on_static = switch(|p, on| p.static_membership = on);
    view! {
        <h4 class="inspector__heading">"Offsets"</h4>
        <label class="inspector__field">
            <span>"Commit"</span>
            <select data-testid="select-commit" on:change=on_commit>{options}</select>
        </label>
        <div class="inspector__buttons">
            <button class="btn" data-testid="replay-10s" on:click=move |_| r1(ten_seconds_ago())>"Replay the last 10 s"</button>
            <button class="btn" data-testid="replay-earliest" on:click=move |_| r2(ResetTo::Earliest)>"Replay from the oldest kept"</button>
            <button class="btn" data-testid="skip-latest" on:click=move |_| r3(ResetTo::Latest)>"Skip to the newest"</button>
        </div>
        <form class="inspector__field" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let seconds = replay_from.get_untracked();
            match super::browser::parse_finite(seconds.trim()) {
                Some(s) if s >= 0.0 => r4(ResetTo::TimeMs(s * 1_000.0)),
                _ => store.error.set(Some(format!("'{seconds}' is not a time in seconds"))),
            }
        }>
            <label for="replay-from">"Replay from second"</label>
            <input
                id="replay-from"
                data-testid="replay-from"
                inputmode="decimal"
                size="6"
                prop:value=move || replay_from.get()
                on:input=move |ev| replay_from.set(event_target_value(&ev))
            />
            <button class="btn" type="submit" data-testid="replay-from-go">"Replay"</button>
        </form>
        <form class="inspector__field" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = offset.get_untracked();
            match text.trim().parse::<u64>() {
                Ok(o) => r5(ResetTo::Offset(o)),
                Err(_) => store.error.set(Some(format!("'{text}' is not an offset (a whole number from 0)"))),
            }
        }>
            <label for="reset-offset">"Move to offset"</label>
            <input
                id="reset-offset"
                data-testid="reset-offset"
                inputmode="numeric"
                size="6"
                prop:value=move || offset.get()
                on:input=move |ev| offset.set(event_target_value(&ev))
            />
            <button class="btn" type="submit" data-testid="reset-offset-go">"Move"</button>
        </form>
        <h4 class="inspector__heading">"Mitigations"</h4>
        <Switch
            label="Idempotent consumer (skip repeats)"
            testid="switch-idempotent"
            checked=Signal::derive(move || idempotent)
            on_change=on_idempotent
        />
        <Switch
            label="Static membership (a quick restart rejoins without a rebalance)"
            testid="switch-static-membership"
            checked=Signal::derive(move || static_membership)
            on_change=on_static
        />
    }
}

/// The fault of a service that publishes to a log after its own commit.
#[component]
pub fn DualWriteFault(target: String) -> impl IntoView {
    view! {
        <FaultButton
            target=target
            label="Publish fails after commit".to_string()
            testid="fault-publish-fails-after-commit".to_string()
            effect=FaultEffect::PublishFailsAfterCommit { probability: 0.2, stored_share: 0.5 }
        />
    }
}
