//! Inspector panels of type 6, the real-time edge: a gateway's restart
//! fault, and a push link's switches (heartbeats, jittered backoff, SSE
//! resume) with its silent-disconnect fault. Every change is an `Edit`
//! through the store.

use leptos::prelude::*;

use crate::engine::scenario::{FaultEffect, PushPolicy, Transport};

use super::inspector::{FaultButton, Switch};
use super::store::use_store;

/// A gateway: what it does and its restart fault.
#[component]
pub(super) fn GatewayPanel(id: String) -> impl IntoView {
    view! {
        <p class="region__hint">"Holds the browsers' live connections and pushes each order's status to the browser following it."</p>
        <h4 class="inspector__heading">"Inject a fault"</h4>
        <div class="inspector__buttons">
            <FaultButton target=id label="Restart gateway" effect=FaultEffect::GatewayRestart testid="fault-gateway-restart" />
        </div>
    }
}

/// A push link: the crowd's heartbeat, reconnect policy and resume.
#[component]
pub(super) fn PushPanel(id: String, policy: PushPolicy) -> impl IntoView {
    let store = use_store();
    let (hb, clients, jitter) = (policy.heartbeat_ms.is_some(), policy.clients, policy.jitter);
    let (sse, resume) = (policy.sse, policy.resume);
    let edit = move |change: fn(bool, &mut PushPolicy)| {
        let (id, current) = (id.clone(), policy.clone());
        Callback::new(move |on: bool| {
            let mut next = current.clone();
            change(on, &mut next);
            store.set_transport(&id, Transport::Push(next));
        })
    };
    let hb_cb = edit(|on, p| p.heartbeat_ms = on.then_some(3_000.0));
    let jitter_cb = edit(|on, p| p.jitter = on);
    let resume_cb = edit(|on, p| p.resume = on);
    let what = format!("{} browsers over {}.", clients, if sse { "server-sent events" } else { "WebSocket" });
    view! {
        <p class="region__hint">{what}</p>
        <h4 class="inspector__heading">"Mitigations"</h4>
        <Switch label="Heartbeats (a ping every 3 s)" testid="switch-heartbeat" checked=Signal::derive(move || hb) on_change=hb_cb />
        <Switch label="Reconnect with backoff and jitter (off: a fixed delay)" testid="switch-jitter" checked=Signal::derive(move || jitter) on_change=jitter_cb />
        {sse.then(|| view! {
            <Switch label="Resume with last event id" testid="switch-resume" checked=Signal::derive(move || resume) on_change=resume_cb />
        })}
    }
}
