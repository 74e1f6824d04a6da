//! The inspector: what the selected node or link is doing, the faults to
//! inject into it, and its mitigation switches. Changes apply to the
//! running simulation at once.

use leptos::prelude::*;

use crate::engine::scenario::{FaultEffect, Jitter, NodeKind, QueueSpec, RetryPolicy, SyncPolicy, Transport};
use crate::view_model::describe::{link_name, node_name, transport_word};
use crate::view_model::edit_words::fault_words;

use super::inspector_edge::{GatewayPanel, PushPanel};
use super::inspector_events::{DualWriteFault, GroupPanel, SubscriptionPanel, TopicPanel};
use super::inspector_job::JobPanel;
use super::inspector_settings::{LinkSettings, NodeSettings};
use super::store::{use_store, Selection};

/// The inspector panel.
#[component]
pub fn Inspector() -> impl IntoView {
    let store = use_store();
    let body = move || {
        match store.selected.get() {
        None => view! {
            <p class="region__hint">
                "Select a service, queue or link in the topology (click it, or Tab to it and press Enter) to inject faults and switch mitigations."
            </p>
        }
        .into_any(),
        Some(Selection::Node(i)) => view! { <NodeInspector index=i /> <NodeSettings index=i /> }.into_any(),
        Some(Selection::Link(i)) => view! { <LinkInspector index=i /> <LinkSettings index=i /> }.into_any(),
    }
    };
    view! {
        <div class="inspector" data-testid="inspector">
            {body}
            <super::charts::SelectionCharts />
            <ActiveFaults />
            <Show when=move || store.error.get().is_some()>
                <p class="inspector__error" role="alert">{move || store.error.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}

/// A fault as a toggle: the first press starts it on `target` now, the
/// next clears it (both `Edit`s), so presses never pile up identical
/// faults; `aria-pressed` says whether it is acting.
#[component]
pub(super) fn FaultButton(
    target: String,
    #[prop(into)] label: String,
    effect: FaultEffect,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    let store = use_store();
    // ASCII case mapping: the same text for these labels, without Unicode case tables in the wasm.
    let testid = testid.unwrap_or_else(|| {
        format!("fault-{}", label.to_ascii_lowercase().replace([' ', '×', '%', '+', '\'', '(', ')'], "-"))
    });
    let acting = Signal::derive({
        let (target, effect) = (target.clone(), effect.clone());
        move || {
            store.frame.with(|f| {
                f.faults.iter().find(|s| s.fault.target == target && s.fault.effect == effect).map(|s| s.index)
            })
        }
    });
    view! {
        <button
            class="btn btn--fault"
            data-testid=testid
            aria-pressed=move || acting.get().is_some().to_string()
            on:click=move |_| match acting.get_untracked() {
                Some(index) => store.clear_fault(index),
                None => store.apply_fault(&target, effect.clone()),
            }
        >
            {label}
        </button>
    }
}

/// A labelled on/off switch.
#[component]
pub(super) fn Switch(
    label: &'static str,
    testid: &'static str,
    checked: Signal<bool>,
    on_change: Callback<bool>,
) -> impl IntoView {
    view! {
        <label class="switch">
            <input
                type="checkbox"
                role="switch"
                data-testid=testid
                prop:checked=move || checked.get()
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <span>{label}</span>
        </label>
    }
}

#[component]
fn NodeInspector(index: usize) -> impl IntoView {
    let store = use_store();
    let node = move || {
        store.revision.get();
        store.sim.with_value(|s| s.scenario().nodes.get(index).cloned())
    };
    move || {
        let Some(n) = node() else { return ().into_any() };
        let description = {
            let n = n.clone();
            move || store.frame.with(|f| node_name(&n, &f.nodes.get(index).cloned().unwrap_or_default()))
        };
        let id = n.id.clone();
        let body = match &n.kind {
            NodeKind::Client(_) => view! {
                <p class="region__hint">"Users placing orders. Their outcomes show how far a failure travelled."</p>
            }
            .into_any(),
            NodeKind::Log(l) => {
                let text = format!(
                    "An append-only log with {} partition(s); consumer groups read it at their own pace and can replay it.",
                    l.partitions
                );
                view! { <p class="region__hint">{text}</p> }.into_any()
            }
            NodeKind::Service(spec) => {
                let sends_to_queue = store.sim.with_value(|s| {
                    s.scenario().links.iter().any(|l| l.from == id && matches!(l.transport, Transport::Enqueue))
                });
                let appends = store.sim.with_value(|s| {
                    s.scenario().links.iter().any(|l| l.from == id && l.transport.append_policy().is_some())
                });
                let saga_step = store.sim.with_value(|s| {
                    s.scenario().links.iter().any(|l| l.to == id && l.transport.step_policy().is_some())
                });
                let saga_panel = spec.saga.is_some().then(
                    || view! { <super::inspector_saga::SagaPanel id=id.clone() index=index spec=spec.clone() /> },
                );
                let t = n.id.clone();
                view! {
                    <h4 class="inspector__heading">"Inject a fault"</h4>
                    <div class="inspector__buttons">
                        {SERVICE_FAULTS
                            .iter()
                            .map(|(label, effect)| view! { <FaultButton target=t.clone() label=*label effect=effect.clone() /> })
                            .collect_view()}
                        {sends_to_queue.then(|| view! {
                            <FaultButton target=t.clone() label="Poison messages" effect=FaultEffect::Poison { probability: 1.0, count: Some(3) } />
                        })}
                        {appends.then(|| view! { <DualWriteFault target=t.clone() /> })}
                        {saga_step.then(|| view! {
                            <FaultButton target=t.clone() label="Compensation fails" effect=FaultEffect::CompensationFails { probability: 1.0, count: None } />
                        })}
                    </div>
                    {saga_panel}
                }
                .into_any()
            }
            NodeKind::Queue(q) => {
                let q = q.clone();
                let original_dlq = store
                    .original
                    .with_value(|o| o.node(&id).and_then(|n| n.kind.queue()).and_then(|oq| oq.max_receive_count));
                let has_dlq = Signal::derive({
                    let q = q.clone();
                    move || q.max_receive_count.is_some()
                });
                let id2 = id.clone();
                let toggle = Callback::new(move |on: bool| {
                    let spec = QueueSpec {
                        max_receive_count: if on { Some(original_dlq.unwrap_or(3)) } else { None },
                        ..q.clone()
                    };
                    store.set_queue(&id, spec);
                });
                view! {
                    <h4 class="inspector__heading">"Mitigations"</h4>
                    <Switch label="Dead-letter queue after repeated receives" testid="switch-dlq" checked=has_dlq on_change=toggle />
                    <super::compare::CompareButton owner=id2 />
                }
                .into_any()
            }
            NodeKind::Topic(t) => view! { <TopicPanel id=id.clone() spec=t.clone() /> }.into_any(),
            NodeKind::Gateway(_) => view! { <GatewayPanel id=id.clone() /> }.into_any(),
            NodeKind::Job(j) => view! { <JobPanel id=id.clone() spec=j.clone() /> }.into_any(),
        };
        view! {
            <h3 class="inspector__title" id="inspector-selection" tabindex="-1">{n.label.clone()}</h3>
            <p class="inspector__state" data-testid="inspector-state">{description}</p>
            <super::link_menu::ConnectPanel />
            {body}
        }
        .into_any()
    }
}

use crate::view_model::compare::teaching_breaker;

#[component]
fn LinkInspector(index: usize) -> impl IntoView {
    let store = use_store();
    let link = move || {
        store.revision.get();
        store.sim.with_value(|s| {
            let sc = s.scenario();
            let l = sc.links.get(index)?.clone();
            let from = sc.node(&l.from).map_or(l.from.clone(), |n| n.label.clone());
            let to = sc.node(&l.to).map_or(l.to.clone(), |n| n.label.clone());
            Some((l, from, to))
        })
    };
    move || {
        let Some((l, from, to)) = link() else { return ().into_any() };
        let description = {
            let (l, from, to) = (l.clone(), from.clone(), to.clone());
            move || store.frame.with(|f| link_name(&l, &from, &to, &f.links.get(index).cloned().unwrap_or_default()))
        };
        let id = l.id.clone();
        let mitigations = match &l.transport {
            Transport::RequestResponse(p) => {
                let original = store
                    .original
                    .with_value(|o| o.link(&id).and_then(|x| x.transport.sync_policy()).cloned().unwrap_or_default());
                type Change = Box<dyn Fn(bool, &mut SyncPolicy) + Send + Sync>;
                let edit = move |change: Change| {
                    let id = id.clone();
                    let current = p.clone();
                    Callback::new(move |on: bool| {
                        let mut next = current.clone();
                        change(on, &mut next);
                        store.set_transport(&id, Transport::RequestResponse(next));
                    })
                };
                let o = original.clone();
                let timeout_cb = edit(Box::new(move |on, p: &mut SyncPolicy| {
                    p.timeout_ms = on.then(|| o.timeout_ms.unwrap_or(250.0));
                }));
                let o = original.clone();
                let retry_cb = edit(Box::new(move |on, p: &mut SyncPolicy| {
                    p.retry = if !on {
                        None
                    } else {
                        Some(o.retry.clone().unwrap_or(RetryPolicy {
                            max_attempts: 3,
                            base_ms: 50.0,
                            cap_ms: 1_000.0,
                            jitter: Jitter::Full,
                            budget: None,
                        }))
                    };
                }));
                let o = original.clone();
                let breaker_cb = edit(Box::new(move |on, p: &mut SyncPolicy| {
                    p.breaker = if !on {
                        None
                    } else {
                        Some(o.breaker.clone().unwrap_or_else(|| teaching_breaker(p.timeout_ms)))
                    };
                }));
                let fallback_cb = edit(Box::new(|on, p: &mut SyncPolicy| p.fallback = on));
                let (t, r, b, f) = (p.timeout_ms.is_some(), p.retry.is_some(), p.breaker.is_some(), p.fallback);
                let timeout_label = p.timeout_ms.map_or("Timeout".to_string(), |ms| format!("Timeout ({ms:.0} ms)"));
                view! {
                    <h4 class="inspector__heading">"Mitigations"</h4>
                    <Switch label="Timeout" testid="switch-timeout" checked=Signal::derive(move || t) on_change=timeout_cb />
                    <p class="inspector__detail">{timeout_label}</p>
                    <Switch label="Retries with backoff and jitter" testid="switch-retry" checked=Signal::derive(move || r) on_change=retry_cb />
                    <Switch label="Circuit breaker" testid="switch-breaker" checked=Signal::derive(move || b) on_change=breaker_cb />
                    <Switch label="Fallback answer" testid="switch-fallback" checked=Signal::derive(move || f) on_change=fallback_cb />
                }
                .into_any()
            }
            Transport::Consume(c) => {
                let c = c.clone();
                let idem = c.idempotent;
                let cb = Callback::new(move |on: bool| {
                    let mut next = c.clone();
                    next.idempotent = on;
                    store.set_transport(&id, Transport::Consume(next));
                });
                view! {
                    <h4 class="inspector__heading">"Mitigations"</h4>
                    <Switch label="Idempotent consumer (skip repeats)" testid="switch-idempotent" checked=Signal::derive(move || idem) on_change=cb />
                }
                .into_any()
            }
            Transport::Read(r) => view! { <GroupPanel id=id.clone() policy=r.clone() /> }.into_any(),
            Transport::Append(a) => {
                let a = a.clone();
                let outbox = a.outbox.is_some();
                let cb = Callback::new(move |on: bool| {
                    let mut next = a.clone();
                    next.outbox = on.then(crate::engine::scenario::OutboxPolicy::default);
                    store.set_transport(&id, Transport::Append(next));
                });
                view! {
                    <h4 class="inspector__heading">"Mitigations"</h4>
                    <Switch label="Transactional outbox" testid="switch-outbox" checked=Signal::derive(move || outbox) on_change=cb />
                }
                .into_any()
            }
            Transport::Subscribe(p) => view! { <SubscriptionPanel id=id.clone() policy=p.clone() /> }.into_any(),
            Transport::Push(p) => view! { <PushPanel id=id.clone() policy=p.clone() /> }.into_any(),
            Transport::ScheduledRead => view! {
                <p class="region__hint">"Each run of the job reads the records this log got since the job's last successful run."</p>
            }
            .into_any(),
            Transport::Enqueue | Transport::Publish => ().into_any(),
            Transport::SagaStep(p) => {
                let kind = match p.kind {
                    crate::engine::scenario::StepKind::Compensatable if p.compensation => "compensatable: undone when a later step fails",
                    crate::engine::scenario::StepKind::Compensatable => "compensatable, but without a compensation",
                    crate::engine::scenario::StepKind::Pivot => "the pivot: once it succeeds the saga only goes forward",
                    crate::engine::scenario::StepKind::Retriable => "retriable: tried again until it succeeds",
                };
                view! { <p class="inspector__detail">{format!("Saga step (order {}), {kind}.", p.order)}</p> }.into_any()
            }
        };
        let push = l.transport.push_policy().is_some();
        // The transports with mitigation switches (see view_model::compare::toggles).
        let has_toggles = match &l.transport {
            Transport::RequestResponse(_)
            | Transport::Consume(_)
            | Transport::Read(_)
            | Transport::Append(_)
            | Transport::Push(_) => true,
            Transport::Subscribe(p) => !p.detached,
            Transport::Enqueue | Transport::Publish | Transport::ScheduledRead | Transport::SagaStep(_) => false,
        };
        let t = l.id.clone();
        view! {
            // Named in words: the arrow alone is read "right arrow".
            <h3 class="inspector__title" id="inspector-selection" tabindex="-1" aria-label=format!("{from} to {to}")>
                {format!("{from} → {to}")}
            </h3>
            <p class="inspector__kind">{transport_word(&l.transport)}</p>
            <p class="inspector__state" data-testid="inspector-state">{description}</p>
            <super::link_menu::ConnectPanel />
            {mitigations}
            {has_toggles.then(|| view! { <super::compare::CompareButton owner=t.clone() /> })}
            <h4 class="inspector__heading">"Inject a fault"</h4>
            <div class="inspector__buttons">
                {LINK_FAULTS
                    .iter()
                    .map(|(label, effect)| view! { <FaultButton target=t.clone() label=*label effect=effect.clone() /> })
                    .collect_view()}
                {push.then(|| view! {
                    <FaultButton target=t.clone() label="Silent disconnect 30 %" effect=FaultEffect::SilentDisconnect { share: 0.3 } testid="fault-silent-disconnect" />
                })}
            </div>
        }
        .into_any()
    }
}

/// Every service's fault buttons, as data: five buttons written out were
/// five copies of the button's setup in the download.
const SERVICE_FAULTS: [(&str, FaultEffect); 5] = [
    ("Slow ×100", FaultEffect::Slow { factor: 100.0 }),
    ("+200 ms", FaultEffect::ExtraLatency { ms: 200.0 }),
    ("Errors 50 %", FaultEffect::ErrorRate { rate: 0.5 }),
    ("Crash", FaultEffect::Crash),
    ("Hang", FaultEffect::Hang),
];

/// Every link's fault buttons, as data like the services'.
const LINK_FAULTS: [(&str, FaultEffect); 2] =
    [("Partition", FaultEffect::Partition), ("+200 ms latency", FaultEffect::LinkLatency { ms: 200.0 })];

/// Every fault acting now, each removable.
#[component]
fn ActiveFaults() -> impl IntoView {
    let store = use_store();
    let faults = move || store.frame.with(|f| f.faults.clone());
    view! {
        <h3 class="inspector__heading">"Active faults"</h3>
        <ul class="faults" data-testid="active-faults">
            {move || {
                let list = faults();
                if list.is_empty() {
                    return view! { <li class="faults__none">"None"</li> }.into_any();
                }
                list.into_iter()
                    .map(|f| {
                        let index = f.index;
                        let text = store.sim.with_value(|s| fault_words(s.scenario(), &f.fault));
                        let aria = format!("Remove fault: {text}");
                        view! {
                            <li class="faults__item">
                                <span>{text}</span>
                                <button class="btn btn--small" aria-label=aria on:click=move |_| store.clear_fault(index)>
                                    "Remove"
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </ul>
    }
}
