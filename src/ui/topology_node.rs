//! A node on the topology: its box, glyph, meters, badges and the
//! type's own drawing, focusable and described for screen readers.

use leptos::prelude::*;

use crate::engine::patterns::node_look;
use crate::engine::scenario::{Node, NodeKind};
use crate::view_model::badge_pill::{dlq_markup, manual_markup};
use crate::view_model::describe::{node_badges, node_name, node_title, state_part};
use crate::view_model::describe_events::{
    log_words, outbox_label, saga_label, saga_words, topic_label, topic_warning, topic_words,
};
use crate::view_model::describe_job::job_state_words;
use crate::view_model::geometry::{NODE_HALF_H, NODE_HALF_W};
use crate::view_model::label_layout::{below_line_y, BADGE_INSET, LINE_STEP};
use crate::view_model::state_list::{crowd_sum, crowd_text, pool_text, push_links, queue_text};
use crate::view_model::text_fit::{fit_parts, LABEL_X};

use super::stage::use_stage;
use super::stage_input::on_node_key;
use super::store::{use_store, Selection};

use super::topology_node_rows::{CrowdMeter, JobRuns, LogRows};

#[component]
pub(super) fn NodeView(index: usize, node: Node, short_labels: Memo<Vec<String>>) -> impl IntoView {
    let store = use_store();
    let stage = use_stage();
    // Each closure wakes on this node's trigger only (`node_cells.rs`): a
    // move, a drag, the frame's figures for it, selection, highlight, journey.
    let cells = store.node_cells;
    let place = move || {
        cells.track(index);
        let (x, y) = stage.position(index);
        format!("translate({x} {y})")
    };
    let kind = node_look(&node.kind).css;
    let status = move || cells.with(index, |f| f.nodes.get(index).cloned().unwrap_or_default());
    let selected = move || {
        cells.track(index);
        *store.selected.read_untracked() == Some(Selection::Node(index))
    };
    let lesson_focus = {
        let id = node.id.clone();
        move || {
            cells.track(index);
            store.highlight.read_untracked().as_deref() == Some(id.as_str())
        }
    };
    let select = move || store.selected.set(Some(Selection::Node(index)));
    let group_names = store.sim.with_value(|s| {
        let sc = s.scenario();
        sc.links
            .iter()
            .filter(|l| l.from == node.id && l.transport.read_policy().is_some())
            .map(|l| sc.node(&l.to).map_or(l.to.clone(), |n| n.label.clone()))
            .collect::<Vec<_>>()
    });
    // An orchestrator's step names, in saga order (for its label and name).
    let step_names: Vec<String> = store.sim.with_value(|s| {
        let sc = s.scenario();
        crate::engine::patterns::saga::steps_of(sc, &node.id)
            .iter()
            .filter_map(|(l, _)| sc.links.get(*l as usize))
            .map(|l| sc.node(&l.to).map_or(l.to.clone(), |n| n.label.clone()))
            .collect()
    });
    let saga = move || cells.with(index, |f| f.sagas.get(index).cloned().flatten());
    // The name stays put; the state, which changes every frame, is the description.
    let title = node_title(&node);
    let state_id = format!("node-state-{index}");
    let name = {
        let node = node.clone();
        let step_names = step_names.clone();
        move || {
            let mut text = node_name(&node, &status());
            if let Some(g) = saga() {
                text.push_str(&saga_words(&g, &step_names));
            }
            cells.with(index, |f| {
                if let Some(Some(t)) = f.topics.get(index) {
                    text.push_str(&topic_words(t));
                }
                if let Some(Some(l)) = f.logs.get(index) {
                    text.push_str(&log_words(l, &group_names));
                }
                if let Some(Some(j)) = f.jobs.get(index) {
                    text.push_str("; ");
                    text.push_str(&job_state_words(j, f.now));
                }
                if let Some(&(backlog, lost)) = f.outboxes.get(index) {
                    if let Some(o) = outbox_label(backlog, lost) {
                        text.push_str(", ");
                        text.push_str(&o);
                    }
                }
            });
            text
        }
    };
    let outbox = move || cells.with(index, |f| f.outboxes.get(index).copied().unwrap_or_default());
    let lost_testid = format!("lost-{}", node.id);
    let has_outbox = store.sim.with_value(|s| {
        s.scenario()
            .links
            .iter()
            .any(|l| l.from == node.id && l.transport.append_policy().is_some_and(|a| a.outbox.is_some()))
    });
    // Two badges a line, so stacked faults are not cut off by the neighbours.
    let badges = move || {
        node_badges(&status())
            .chunks(2)
            .enumerate()
            .map(|(i, pair)| view! { <tspan x="0" dy=if i == 0 { 0.0 } else { LINE_STEP }>{pair.join(" · ")}</tspan> })
            .collect_view()
    };
    let label = {
        let label = node.label.clone();
        move || short_labels.with(|l| l.get(index).cloned()).unwrap_or_else(|| label.clone())
    };
    let warn = move || !node_badges(&status()).is_empty();
    let (w, h) = (NODE_HALF_W * 2.0, NODE_HALF_H * 2.0);
    let meter = match node.kind {
        NodeKind::Service(_) => {
            let fill = move || {
                let s = status();
                if s.capacity == 0 {
                    0.0
                } else {
                    100.0 * f64::from(s.busy.min(s.capacity)) / f64::from(s.capacity)
                }
            };
            let text = move || fit_parts(&pool_text(&status()), stage.meta_room.get());
            view! {
                <rect class="meter__track" x="-50" y="2" width="100" height="7" rx="3"></rect>
                <rect class="meter__fill meter__fill--pool" x="-50" y="2" width=fill height="7" rx="3"></rect>
                <text class="node__meta" x="0" y="22" text-anchor="middle">{text}</text>
            }
            .into_any()
        }
        NodeKind::Queue(_) => {
            let fill = move || {
                let d = f64::from(status().depth);
                (100.0 * libm::log10(1.0 + d) / 3.0).min(100.0)
            };
            let text = move || fit_parts(&queue_text(&status()), stage.meta_room.get());
            view! {
                <rect class="meter__track" x="-50" y="2" width="100" height="7" rx="3"></rect>
                <rect class="meter__fill meter__fill--queue" x="-50" y="2" width=fill height="7" rx="3"></rect>
                <text class="node__meta" x="0" y="22" text-anchor="middle">{text}</text>
            }
            .into_any()
        }
        NodeKind::Client(_) => {
            // Browsers fed by push links are a crowd of connections (as in the
            // state list); the others place the orders.
            let push_in = store.sim.with_value(|s| push_links(s.scenario(), &node.id, false));
            let text = move || {
                let line = cells.with(index, |f| match crowd_sum(f, push_in.iter().copied()) {
                    Some(crowd) => crowd_text(crowd),
                    None if push_in.is_empty() => format!("{} ok · {} failed", f.orders.1, f.orders.2),
                    None => crowd_text((0, 0, 0)),
                });
                fit_parts(&line, stage.meta_room.get())
            };
            view! { <text class="node__meta" x="0" y="14" text-anchor="middle">{text}</text> }.into_any()
        }
        NodeKind::Log(_) => view! { <LogRows index=index node_id=node.id.clone() /> }.into_any(),
        NodeKind::Gateway(_) => view! { <CrowdMeter index=index /> }.into_any(),
        NodeKind::Job(_) => view! { <JobRuns index=index node_id=node.id.clone() /> }.into_any(),
        NodeKind::Topic(_) => {
            let topic = move || cells.with(index, |f| f.topics.get(index).copied().flatten().unwrap_or_default());
            let warning = move || topic_warning(&topic()).map(|w| fit_parts(&w, stage.meta_room.get()));
            view! {
                <text class="node__meta" x="0" y="10" text-anchor="middle" data-testid=format!("topic-{}", node.id)>
                    {move || fit_parts(&topic_label(&topic()), stage.meta_room.get())}
                </text>
                <text class="node__warn" x="0" y="24" text-anchor="middle">{move || warning().unwrap_or_default()}</text>
            }
            .into_any()
        }
    };
    let icon = match node.kind {
        NodeKind::Client(_) => view! {
            <g class="node__icon">
                <circle cx="-67" cy="-20" r="2.5"></circle>
                <circle cx="-60" cy="-20" r="2.5"></circle>
                <circle cx="-53" cy="-20" r="2.5"></circle>
            </g>
        }
        .into_any(),
        NodeKind::Service(_) => view! {
            <g class="node__icon">
                <rect x="-68" y="-24" width="12" height="3" rx="1"></rect>
                <rect x="-68" y="-19" width="12" height="3" rx="1"></rect>
                <rect x="-68" y="-14" width="12" height="3" rx="1"></rect>
            </g>
        }
        .into_any(),
        NodeKind::Queue(_) => view! {
            <g class="node__icon">
                <rect x="-69" y="-24" width="3" height="10"></rect>
                <rect x="-64" y="-24" width="3" height="10"></rect>
                <rect x="-59" y="-24" width="3" height="10"></rect>
                <rect x="-54" y="-24" width="3" height="10"></rect>
            </g>
        }
        .into_any(),
        // A log: a row of cells, appended at the right.
        NodeKind::Log(_) => view! {
            <g class="node__icon">
                <rect x="-69" y="-22" width="4" height="6"></rect>
                <rect x="-64" y="-22" width="4" height="6"></rect>
                <rect x="-59" y="-22" width="4" height="6"></rect>
                <rect x="-54" y="-22" width="4" height="6" opacity="0.5"></rect>
            </g>
        }
        .into_any(),
        // A gateway: a mast sending waves to its crowd.
        NodeKind::Gateway(_) => view! {
            <g class="node__icon node__icon--gateway">
                <rect x="-67" y="-22" width="3" height="10"></rect>
                <path d="M -61 -24 a 6 6 0 0 1 0 10"></path>
                <path d="M -57 -27 a 10 10 0 0 1 0 16"></path>
            </g>
        }
        .into_any(),
        // A job: a clock face.
        NodeKind::Job(_) => view! {
            <g class="node__icon node__icon--clock">
                <circle cx="-61" cy="-19" r="6"></circle>
                <line x1="-61" y1="-19" x2="-61" y2="-23"></line>
                <line x1="-61" y1="-19" x2="-58" y2="-19"></line>
            </g>
        }
        .into_any(),
        NodeKind::Topic(_) => view! {
            <g class="node__icon">
                <circle cx="-66" cy="-19" r="3"></circle>
                <line x1="-63" y1="-19" x2="-54" y2="-25"></line>
                <line x1="-63" y1="-19" x2="-54" y2="-19"></line>
                <line x1="-63" y1="-19" x2="-54" y2="-13"></line>
            </g>
        }
        .into_any(),
    };
    // The count, so the badge is written only when it changes (not every frame).
    let dlq = Memo::new(move |_| status().dead_lettered);
    let is_orchestrator = node.kind.service().is_some_and(|s| s.saga.is_some());
    let manual = move || saga().map_or(0, |g| g.manual);
    let saga_text = move || saga().map(|g| saga_label(&g, &step_names)).unwrap_or_default();
    let orchestrator_testid = format!("saga-{}", node.id);
    let description = {
        let (title, name) = (title.clone(), name.clone());
        move || state_part(&name(), &title)
    };
    let described_by = state_id.clone();
    // The saga label sits under the node (below its state badges), the
    // manual badge on the top-left corner (step arrows leave from the right).
    view! {
        <g
            class=move || {
                format!(
                    "node node--{kind}{}{}{}",
                    if is_orchestrator { " node--orchestrator" } else { "" },
                    if selected() { " node--selected" } else { "" },
                    if lesson_focus() { " node--lesson" } else { "" }
                )
            }
            class:node--journey=move || {
                cells.track(index);
                store.journeys.path.read_untracked().0.contains(&(index as u32))
            }
            transform=place
            tabindex="0"
            role="button"
            aria-label=title
            aria-describedby=described_by
            aria-pressed=move || selected().to_string()
            data-testid=format!("node-{}", node.id)
            data-node=index
            on:click=move |_| select()
            on:keydown=on_node_key(stage, index)
        >
            <rect
                class="node__halo"
                class:node__halo--on=warn
                x=-NODE_HALF_W - 6.0
                y=-NODE_HALF_H - 6.0
                width=w + 12.0
                height=h + 12.0
                rx="12"
            ></rect>
            <desc id=state_id>{description}</desc>
            <rect class="node__body" x=-NODE_HALF_W y=-NODE_HALF_H width=w height=h rx="9"></rect>
            {icon}
            <text class="node__label" x=LABEL_X y="-12" text-anchor="middle">{label}</text>
            {meter}
            <text class="node__badges" x="0" y=below_line_y(0) text-anchor="middle">{badges}</text>
            <Show when=move || has_outbox>
                <g class="node__outbox" transform=format!("translate({} {})", NODE_HALF_W - 26.0, -NODE_HALF_H + 6.0)>
                    <title>"Outbox rows waiting for the relay"</title>
                    <rect x="0" y="0" width="14" height="12" rx="1"></rect>
                    <line x1="0" y1="4" x2="14" y2="4"></line>
                    <line x1="0" y1="8" x2="14" y2="8"></line>
                    <text x="17" y="10">{move || outbox().0.to_string()}</text>
                </g>
            </Show>
            <Show when=move || { outbox().1 > 0 }>
                <text class="node__warn" x="0" y=below_line_y(1) text-anchor="middle" data-testid=lost_testid.clone()>
                    {move || format!("{} events never published", outbox().1)}
                </text>
            </Show>
            <Show when=move || is_orchestrator>
                <g class="node__saga" data-testid=orchestrator_testid.clone()>
                    <text class="node__saga-label" x="0" y=below_line_y(1) text-anchor="middle">{saga_text.clone()}</text>
                    <g
                        class=move || { if manual() > 0 { "node__manual node__manual--alert" } else { "node__manual" } }
                        transform=format!("translate({} {})", BADGE_INSET - NODE_HALF_W, -NODE_HALF_H - 8.0)
                        inner_html=move || manual_markup(manual())
                    ></g>
                </g>
            </Show>
            // The pill is as wide as its text (`badge_pill`), its exact count in its title.
            <Show when=move || { dlq.get() > 0 }>
                <g
                    class="node__dlq"
                    transform=format!("translate({} {})", NODE_HALF_W - BADGE_INSET, -NODE_HALF_H - 8.0)
                    inner_html=move || dlq_markup(dlq.get())
                ></g>
            </Show>
            // Drag from here onto another node to link them (keyboard: C).
            <circle class="node__handle" cx=NODE_HALF_W cy="0" r="7" data-handle=index aria-hidden="true"></circle>
        </g>
    }
}
