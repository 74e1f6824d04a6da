//! Every engine setting of the selected node or link, as fields grouped in
//! collapsible sections (the tables are `view_model::settings_nodes` and
//! `settings_links`). Each change is one `Edit` through `Store::try_edit`
//! (a link's latency, whatever its transport, included).
//!
//! Drawn once per selection, outside the inspector part that is rebuilt on
//! every change, so a field keeps its focus and its message across edits.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::scenario::{Link, Node, NodeKind, Transport};
use crate::engine::Edit;
use crate::view_model::settings_links as links;
use crate::view_model::settings_nodes as nodes;

use super::field::{settings_view, text_field, Shown};
use super::store::{use_store, Store};

/// The node at `index` now (tracked: re-read after every change).
fn node(store: Store, index: usize) -> Option<Node> {
    store.revision.track();
    store.sim.with_value(|s| s.scenario().nodes.get(index).cloned())
}

/// The link at `index` now (tracked).
fn link(store: Store, index: usize) -> Option<Link> {
    store.revision.track();
    store.sim.with_value(|s| s.scenario().links.get(index).cloned())
}

/// Replaces the node's settings of one kind through the engine.
fn set_node(store: Store, index: usize, make: impl FnOnce(String) -> Edit) -> Result<(), String> {
    let id = untrack(|| node(store, index)).map(|n| n.id).ok_or("gone")?;
    store.try_edit(make(id))
}

/// Replaces the link's transport settings through the engine.
fn set_link(store: Store, index: usize, transport: Transport) -> Result<(), String> {
    let link = untrack(|| self::link(store, index)).map(|l| l.id).ok_or("gone")?;
    store.try_edit(Edit::SetTransport { link, transport })
}

/// The settings of the node at `index`.
#[component]
pub fn NodeSettings(index: usize) -> impl IntoView {
    let store = use_store();
    let Some(kind) = untrack(|| node(store, index)).map(|n| n.kind) else { return ().into_any() };
    let get = move || node(store, index).map(|n| n.kind);
    match kind {
        NodeKind::Service(_) => settings_view(
            nodes::SERVICE,
            Arc::new(move || get().and_then(|k| k.service().cloned())),
            Some(Arc::new(move |spec| set_node(store, index, |node| Edit::SetService { node, spec }))),
        ),
        NodeKind::Queue(_) => settings_view(
            nodes::QUEUE,
            Arc::new(move || get().and_then(|k| k.queue().cloned())),
            Some(Arc::new(move |spec| set_node(store, index, |node| Edit::SetQueue { node, spec }))),
        ),
        NodeKind::Job(_) => view! {
            <details class="settings" open>
                <summary class="settings__title">"Schedule"</summary>
                {cron_field(store, index)}
            </details>
            {settings_view(
                nodes::JOB,
                Arc::new(move || get().and_then(|k| k.job().cloned())),
                Some(Arc::new(move |spec| set_node(store, index, |node| Edit::SetJob { node, spec }))),
            )}
        }
        .into_any(),
        NodeKind::Log(_) => view! {
            {settings_view(
                nodes::LOG,
                Arc::new(move || get().and_then(|k| k.log().cloned())),
                Some(Arc::new(move |spec| set_node(store, index, |node| Edit::SetLog { node, spec }))),
            )}
            <p class="region__hint">
                "Retention applies as each partition is next written or read. A new partition count runs the scenario again from the start with it."
            </p>
        }
        .into_any(),
        NodeKind::Gateway(_) => view! {
            {settings_view(
                nodes::GATEWAY,
                Arc::new(move || get().and_then(|k| k.gateway().cloned())),
                Some(Arc::new(move |spec| set_node(store, index, |node| Edit::SetGateway { node, spec }))),
            )}
            <p class="region__hint">"New limits apply to the next connection attempts; open connections stay."</p>
        }
        .into_any(),
        // A client has no settings; a topic's schema and registry have their own panel.
        NodeKind::Client(_) | NodeKind::Topic(_) => ().into_any(),
    }
}

/// The settings of the link at `index`.
#[component]
pub fn LinkSettings(index: usize) -> impl IntoView {
    let store = use_store();
    let Some(transport) = untrack(|| link(store, index)).map(|l| l.transport) else { return ().into_any() };
    let get = move || link(store, index).map(|l| l.transport);
    // A scheduled read is the job reading a log in place: nothing crosses the network.
    let latency = (!matches!(transport, Transport::ScheduledRead)).then(|| {
        settings_view(
            links::LATENCY,
            Arc::new(move || link(store, index).map(|l| l.latency)),
            Some(Arc::new(move |latency| {
                let link = untrack(|| self::link(store, index)).map(|l| l.id).ok_or("gone")?;
                store.try_edit(Edit::SetLatency { link, latency })
            })),
        )
    });
    macro_rules! transport_view {
        ($table:expr, $variant:ident) => {
            settings_view(
                $table,
                Arc::new(move || if let Some(Transport::$variant(p)) = get() { Some(p) } else { None }),
                Some(Arc::new(move |p| set_link(store, index, Transport::$variant(p)))),
            )
        };
    }
    let own = match transport {
        Transport::RequestResponse(_) => transport_view!(links::REQUEST_RESPONSE, RequestResponse),
        Transport::Consume(_) => transport_view!(links::CONSUME, Consume),
        Transport::Subscribe(_) => transport_view!(links::SUBSCRIBE, Subscribe),
        Transport::Append(_) => transport_view!(links::APPEND, Append),
        Transport::Read(_) => transport_view!(links::READ, Read),
        Transport::Push(_) => transport_view!(links::PUSH, Push),
        Transport::SagaStep(_) => transport_view!(links::SAGA_STEP, SagaStep),
        Transport::Enqueue | Transport::Publish | Transport::ScheduledRead => ().into_any(),
    };
    view! { {own} {latency} }.into_any()
}

/// A job's cron schedule as text; a cron schedule replaces the period. The
/// engine's parser gives the reason a schedule is refused.
fn cron_field(store: Store, index: usize) -> AnyView {
    let job = move || node(store, index).and_then(|n| n.kind.job().cloned());
    let shown = Shown {
        key: "cron",
        label: "Cron schedule",
        unit: "",
        empty: "none",
        describe: "minute hour day-of-month, optionally month and day of week, on simulated time; replaces the period"
            .into(),
    };
    let apply = Arc::new(move |typed: &str| {
        let mut spec = untrack(job).ok_or("gone")?;
        let typed = typed.trim();
        if !typed.is_empty() {
            spec.every_ms = None;
        }
        spec.cron = (!typed.is_empty()).then(|| typed.to_string());
        set_node(store, index, |node| Edit::SetJob { node, spec })
    });
    text_field(shown, Arc::new(move || job().map(|j| j.cron.unwrap_or_default())), Some(apply))
}
