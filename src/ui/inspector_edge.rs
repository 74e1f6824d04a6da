//! Inspector panels of type 6, the real-time edge: a gateway's restart
//! fault, and a push link's switches (heartbeats, jittered backoff, SSE
//! resume) with its silent-disconnect fault. Every change is an `Edit`
//! through the store.

use leptos::prelude::*;

use crate::engine::scenario::{FaultEffect, Heartbeat, Protocol, PushPolicy, Reconnect, Transport};

use super::inspector::{FaultButton, Switch};
use super::store::use_store;

/// A gateway: what it does and its restart fault.
#[component]
pub(super) fn GatewayPanel(id: String) -> impl IntoView {
    view! {
        <p class="region__hint">"Holds the browsers' live connections and pushes each order's status to the browser following it."</p>
        <h3 class="inspector__heading">"Inject a fault"</h3>
        <div class="inspector__buttons">
            <FaultButton target=id label="Restart gateway" effect=FaultEffect::GatewayRestart testid="fault-gateway-restart" />
        </div>
    }
}

/// A push link: the crowd's heartbeat, reconnect policy and resume.
#[component]
pub(super) fn PushPanel(id: String, policy: PushPolicy) -> impl IntoView {
    let store = use_store();
    let (hb, clients) = (policy.heartbeat.is_some(), policy.clients);
    let jitter = matches!(policy.reconnect, Reconnect::Backoff { .. });
    let (sse, resume) = (policy.protocol == Protocol::Sse, policy.resume);
    let edit = move |change: fn(bool, &mut PushPolicy)| {
        let (id, current) = (id.clone(), policy.clone());
        Callback::new(move |on: bool| {
            let mut next = current.clone();
            change(on, &mut next);
            store.set_transport(&id, Transport::Push(next));
        })
    };
    let hb_cb = edit(|on, p| p.heartbeat = on.then(|| Heartbeat { interval_ms: 3_000.0, missed_pongs: 2 }));
    let jitter_cb = edit(|on, p| {
        p.reconnect = if on {
            Reconnect::Backoff { base_ms: 500.0, max_ms: 4_000.0 }
        } else {
            Reconnect::Fixed { delay_ms: 1_000.0 }
        }
    });
    let resume_cb = edit(|on, p| p.resume = on);
    let what = format!(
        "{} browsers over {}.",
        clients,
        if sse { "server-sent events" } else { "WebSocket" }
    );
    view! {
        <p class="region__hint">{what}</p>
        <h3 class="inspector__heading">"Mitigations"</h3>
        <Switch label="Heartbeats (ping every 3 s, dead after 2 missed pongs)" testid="switch-heartbeat" checked=Signal::derive(move || hb) on_change=hb_cb />
        <Switch label="Reconnect with backoff and jitter (off: fixed 1 s)" testid="switch-jitter" checked=Signal::derive(move || jitter) on_change=jitter_cb />
        {sse.then(|| view! {
            <Switch label="Resume with last event id" testid="switch-resume" checked=Signal::derive(move || resume) on_change=resume_cb />
        })}
    }
}
