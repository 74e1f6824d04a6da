//! The topology: nodes and links in SVG (crisp, focusable, readable by
//! screen readers), with the canvas of moving messages laid over it.

use leptos::prelude::*;

use crate::engine::patterns::{node_look, transport_look};
use crate::engine::scenario::{Link, Node, NodeKind, Position};
use crate::view_model::describe::{breaker_word, link_name, node_badges, node_name};
use crate::view_model::describe_events::{
    group_label, group_words, lane_label, lane_warning, lane_words, log_words, outbox_label, saga_label, saga_words,
    topic_label, topic_warning, topic_words,
};
use crate::view_model::describe_job::{job_label, job_state_words};
use crate::view_model::geometry::{lerp, link_ends, NODE_HALF_H, NODE_HALF_W};
use crate::view_model::job_view::{run_bars, timeline_paths};
use crate::view_model::log_view::{lay_out, GroupPositions, PartitionSpan};
use crate::view_model::viewport::short_label;

use super::stage::{use_stage, Stage};
use super::stage_controls::{Minimap, StageToolbar};
use super::stage_input::{on_down, on_focus, on_move, on_node_key, on_stage_key, on_up, on_wheel};
use super::store::{use_store, Selection};

/// The stage: SVG topology plus the flights canvas, both drawn through the
/// store's viewport (pan and zoom), with the view's controls and minimap.
#[component]
pub fn Topology(canvas: NodeRef<leptos::html::Canvas>) -> impl IntoView {
    let store = use_store();
    let stage = Stage::new(store);
    provide_context(stage);
    let scenario = Memo::new(move |_| {
        store.revision.get();
        store.scenario()
    });
    // The view fits the topology until the person pans or zooms: on the
    // first measured size, on every resize, and for a newly picked preset.
    Effect::new(move |prev: Option<String>| {
        store.stage_size.track();
        let preset = store.preset.get();
        if prev.as_ref().is_some_and(|p| *p != preset) {
            stage.auto_fit.set(true);
        }
        if stage.auto_fit.get_untracked() {
            stage.fit();
        }
        preset
    });
    let _escape = window_event_listener(leptos::ev::keydown, move |ev| {
        // Escape ends a drag wherever the focus is (a touch drag focuses nothing).
        if ev.key() == "Escape" && stage.cancel() {
            ev.prevent_default();
        }
    });
    let links = move || {
        let s = scenario.get();
        let index_of = |id: &str| s.nodes.iter().position(|n| n.id == id);
        s.links
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let from = s.node(&l.from)?.clone();
                let to = s.node(&l.to)?.clone();
                let ends = (index_of(&l.from)?, index_of(&l.to)?);
                Some(view! { <LinkView index=i link=l.clone() from=from to=to ends=ends /> })
            })
            .collect_view()
    };
    let badges = move || {
        let s = scenario.get();
        let index_of = |id: &str| s.nodes.iter().position(|n| n.id == id);
        s.links
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let (from, to) = (s.node(&l.from)?.clone(), s.node(&l.to)?.clone());
                let ends = (index_of(&l.from)?, index_of(&l.to)?);
                Some(view! { <LinkBadges index=i from=from to=to ends=ends /> })
            })
            .collect_view()
    };
    let labels = move || {
        let s = scenario.get();
        s.links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.transport.subscribe_policy().is_some() || l.transport.read_policy().is_some())
            .filter_map(|(i, l)| {
                let from = s.node(&l.from)?.clone();
                let to = s.node(&l.to)?.clone();
                Some(view! { <LinkLabel index=i link=l.clone() from=from to=to /> })
            })
            .collect_view()
    };
    let nodes = move || {
        let s = scenario.get();
        s.nodes.iter().enumerate().map(|(i, n)| view! { <NodeView index=i node=n.clone() /> }).collect_view()
    };
    let rubber = move || {
        stage.rubber.get().map(|((x1, y1), (x2, y2))| {
            view! { <line class="stage__rubber" x1=x1 y1=y1 x2=x2 y2=y2 data-testid="rubber-band"></line> }
        })
    };
    view! {
        <div
            class="stage"
            class:stage--compact=move || stage.compact.get().is_some()
            style=move || format!("--k:{}", 1.0 / store.viewport.get().zoom)
            data-testid="stage"
            data-zoom=move || store.viewport.get().zoom.to_string()
            tabindex="0"
            role="group"
            aria-label="Stage: drag or use the arrow keys to pan, + and − to zoom, 0 to fit, 1 for actual size. On a node: arrows move it, C starts a link."
            on:keydown=on_stage_key(stage)
        >
            <svg
                class="stage__svg"
                role="group"
                aria-label="Topology: services, queues and the links between them"
                on:pointerdown=on_down(stage)
                on:pointermove=on_move(stage)
                on:pointerup=on_up(stage)
                on:pointercancel=on_up(stage)
                on:wheel=on_wheel(stage)
                on:focusin=on_focus(stage)
            >
                <defs>
                    <marker
                        id="arrow"
                        viewBox="0 0 10 10"
                        refX="9"
                        refY="5"
                        markerWidth="7"
                        markerHeight="7"
                        orient="auto-start-reverse"
                    >
                        <path d="M0,0 L10,5 L0,10 z" class="link__arrow"></path>
                    </marker>
                </defs>
                <g class="stage__world" transform=move || store.viewport.get().transform()>
                    <g class="stage__links">{links}</g>
                    <g class="stage__nodes">{nodes}</g>
                    <g class="stage__badges">{badges}</g>
                    <g class="stage__labels">{labels}</g>
                    {rubber}
                </g>
            </svg>
            <canvas class="stage__canvas" node_ref=canvas aria-hidden="true" data-testid="flights"></canvas>
            <StageToolbar />
            <Minimap />
        </div>
    }
}

fn on_activate(select: impl Fn() + Clone + 'static) -> impl Fn(leptos::ev::KeyboardEvent) + 'static {
    move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" || ev.key() == " " {
            ev.prevent_default();
            ev.stop_propagation();
            select();
        }
    }
}

#[component]
fn NodeView(index: usize, node: Node) -> impl IntoView {
    let store = use_store();
    let stage = use_stage();
    let at = (node.position.x, node.position.y);
    let place = move || {
        let (x, y) = stage.position(index, at);
        format!("translate({x} {y})")
    };
    let kind = node_look(&node.kind).css;
    let status = move || store.frame.with(|f| f.nodes.get(index).cloned().unwrap_or_default());
    let selected = move || store.selected.get() == Some(Selection::Node(index));
    let lesson_focus = {
        let id = node.id.clone();
        move || store.highlight.with(|h| h.as_deref() == Some(id.as_str()))
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
    let saga = move || store.frame.with(|f| f.sagas.get(index).cloned().flatten());
    let name = {
        let node = node.clone();
        let step_names = step_names.clone();
        move || {
            let mut text = node_name(&node, &status());
            if let Some(g) = saga() {
                text.push_str(&saga_words(&g, &step_names));
            }
            store.frame.with(|f| {
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
    let outbox = move || store.frame.with(|f| f.outboxes.get(index).copied().unwrap_or_default());
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
            .map(|(i, pair)| view! { <tspan x="0" dy=if i == 0 { 0.0 } else { 14.0 }>{pair.join(" · ")}</tspan> })
            .collect_view()
    };
    let label = {
        let label = node.label.clone();
        move || stage.compact.get().map_or_else(|| label.clone(), |n| short_label(&label, n))
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
            let text = move || {
                let s = status();
                if s.waiting > 0 {
                    format!("{}/{} busy · {} wait", s.busy, s.capacity, s.waiting)
                } else {
                    format!("{}/{} busy", s.busy, s.capacity)
                }
            };
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
            let text = move || {
                let s = status();
                if s.depth == 0 {
                    "empty".to_string()
                } else {
                    format!("depth {} · {:.1} s old", s.depth, s.oldest_age as f64 / 1e6)
                }
            };
            view! {
                <rect class="meter__track" x="-50" y="2" width="100" height="7" rx="3"></rect>
                <rect class="meter__fill meter__fill--queue" x="-50" y="2" width=fill height="7" rx="3"></rect>
                <text class="node__meta" x="0" y="22" text-anchor="middle">{text}</text>
            }
            .into_any()
        }
        NodeKind::Client(_) => {
            let text = move || store.frame.with(|f| format!("{} ok · {} failed", f.orders.1, f.orders.2));
            view! { <text class="node__meta" x="0" y="14" text-anchor="middle">{text}</text> }.into_any()
        }
        NodeKind::Log(_) => view! { <LogRows index=index node_id=node.id.clone() /> }.into_any(),
        NodeKind::Gateway(_) => view! { <CrowdMeter index=index /> }.into_any(),
        NodeKind::Job(_) => view! { <JobRuns index=index node_id=node.id.clone() /> }.into_any(),
        NodeKind::Topic(_) => {
            let topic = move || store.frame.with(|f| f.topics.get(index).copied().flatten().unwrap_or_default());
            let warning = move || topic_warning(&topic());
            view! {
                <text class="node__meta" x="0" y="10" text-anchor="middle" data-testid=format!("topic-{}", node.id)>
                    {move || topic_label(&topic())}
                </text>
                <text class="node__warn" x="0" y="24" text-anchor="middle">{move || warning().unwrap_or_default()}</text>
            }
            .into_any()
        }
    };
    let icon = match node.kind {
        NodeKind::Client(_) => view! {
            <g class="node__icon">
                <circle cx="-64" cy="-20" r="2.5"></circle>
                <circle cx="-57" cy="-20" r="2.5"></circle>
                <circle cx="-50" cy="-20" r="2.5"></circle>
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
    let dlq = move || status().dead_lettered;
    let is_orchestrator = node.kind.service().is_some_and(|s| s.saga.is_some());
    let manual = move || saga().map_or(0, |g| g.manual);
    let saga_text = move || saga().map(|g| saga_label(&g, &step_names)).unwrap_or_default();
    let orchestrator_testid = format!("saga-{}", node.id);
    // The saga label sits under the node (below its state badges), the
    // manual badge on the top-right corner (where a queue's DLQ badge would be).
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
            class:node--journey=move || store.journeys.has_node(index)
            transform=place
            tabindex="0"
            role="button"
            aria-label=name
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
            <rect class="node__body" x=-NODE_HALF_W y=-NODE_HALF_H width=w height=h rx="9"></rect>
            {icon}
            <text class="node__label" x="8" y="-12" text-anchor="middle">{label}</text>
            {meter}
            <text class="node__badges" x="0" y=NODE_HALF_H + 16.0 text-anchor="middle">{badges}</text>
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
                <text class="node__warn" x="0" y=NODE_HALF_H + 30.0 text-anchor="middle" data-testid=lost_testid.clone()>
                    {move || format!("{} events never published", outbox().1)}
                </text>
            </Show>
            <Show when=move || is_orchestrator>
                <g class="node__saga" data-testid=orchestrator_testid.clone()>
                    <text class="node__saga-label" x="0" y=NODE_HALF_H + 30.0 text-anchor="middle">{saga_text.clone()}</text>
                    <g
                        class=move || { if manual() > 0 { "node__manual node__manual--alert" } else { "node__manual" } }
                        transform=format!("translate({} {})", NODE_HALF_W - 28.0, -NODE_HALF_H - 8.0)
                    >
                        <rect x="-31" y="-9" width="62" height="17" rx="8"></rect>
                        <text x="0" y="4" text-anchor="middle">{move || format!("manual {}", manual())}</text>
                    </g>
                </g>
            </Show>
            <Show when=move || { dlq() > 0 }>
                <g class="node__dlq" transform=format!("translate({} {})", NODE_HALF_W - 18.0, -NODE_HALF_H - 8.0)>
                    <rect x="-25" y="-9" width="50" height="17" rx="8"></rect>
                    <text x="0" y="4" text-anchor="middle">{move || format!("DLQ {}", dlq())}</text>
                </g>
            </Show>
            // Drag from here onto another node to link them (keyboard: C).
            <circle class="node__handle" cx=NODE_HALF_W cy="0" r="7" data-handle=index aria-hidden="true"></circle>
        </g>
    }
}

/// A job's recent runs on a small timeline inside its node, newest on the
/// right: a bar per run filled to the share of rows it wrote (green: all,
/// amber: a silent shortfall, red outline: a crash, grey: running), a red
/// dot above a run monitoring alerted about, and the last success in words.
#[component]
fn JobRuns(index: usize, node_id: String) -> impl IntoView {
    let store = use_store();
    let paths = Memo::new(move |_| {
        store.frame.with(|f| {
            let recent = f.jobs.get(index).and_then(|j| j.as_ref()).map(|j| j.recent.as_slice()).unwrap_or_default();
            timeline_paths(&run_bars(recent), -60.0, -3.0, 10.0, 14.0)
        })
    });
    let d = move |i: usize| move || paths.with(|p| p[i].clone());
    let label = move || {
        store
            .frame
            .with(|f| f.jobs.get(index).and_then(|j| j.as_ref()).map(|j| job_label(j, f.now)).unwrap_or_default())
    };
    view! {
        <g class="job__timeline" data-testid=format!("job-runs-{node_id}") aria-hidden="true">
            <path class="job__slot" d=d(0)></path>
            <path class="job__run--ok" d=d(1)></path>
            <path class="job__run--short" d=d(2)></path>
            <path class="job__run--running" d=d(3)></path>
            <path class="job__cross" d=d(4)></path>
            <path class="job__alert" d=d(5)></path>
        </g>
        <text class="node__meta" x="0" y="24" text-anchor="middle" data-testid=format!("job-{node_id}")>{label}</text>
    }
}

/// Rows of a log's partitions drawn inside its node: the head (newest
/// record) on the right, retention trimming the left, and each consumer
/// group's committed (thin line) and processed (thick tick) positions.
#[component]
fn LogRows(index: usize, node_id: String) -> impl IntoView {
    const WIDTH: f64 = 120.0;
    const TOP: f64 = -5.0;
    const HEIGHT: f64 = 17.0;
    const MAX_ROWS: usize = 6;
    let store = use_store();
    let status = move || store.frame.with(|f| f.logs.get(index).cloned().flatten().unwrap_or_default());
    let rows = move || {
        let l = status();
        let parts: Vec<PartitionSpan> =
            l.partitions.iter().map(|p| PartitionSpan { start: p.start, end: p.end }).collect();
        let groups: Vec<GroupPositions> = l
            .groups
            .iter()
            .map(|g| {
                let (committed, processed) = if g.joined {
                    (g.committed.clone(), g.processed.clone())
                } else {
                    // A group that has not joined has no position: draw it at the head.
                    (parts.iter().map(|p| p.end).collect(), parts.iter().map(|p| p.end).collect())
                };
                GroupPositions { committed, processed }
            })
            .collect();
        let layout = lay_out(&parts, &groups, WIDTH);
        let shown = layout.rows.len().clamp(1, MAX_ROWS);
        let row_h = ((HEIGHT - (shown as f64 - 1.0)) / shown as f64).min(5.0);
        let x0 = -WIDTH / 2.0;
        layout
            .rows
            .iter()
            .take(MAX_ROWS)
            .enumerate()
            .map(|(p, row)| {
                let y = TOP + p as f64 * (row_h + 1.0);
                let rebalancing = l.groups.iter().any(|g| g.rebalancing);
                let markers = row
                    .markers
                    .iter()
                    .enumerate()
                    .map(|(g, (committed, processed))| {
                        let class = format!("log__mark log__mark--g{}", g % 3);
                        view! {
                            <line class=format!("{class} log__commit") x1=x0 + committed y1=y - 1.5 x2=x0 + committed y2=y + row_h + 1.5></line>
                            <rect class=class x=x0 + processed - 1.5 y=y - 1.0 width="3" height=row_h + 2.0></rect>
                        }
                    })
                    .collect_view();
                view! {
                    <rect class="log__track" x=x0 y=y width=WIDTH height=row_h></rect>
                    <rect
                        class="log__records"
                        class:log__records--paused=rebalancing
                        x=x0 + row.tail_x
                        y=y
                        width=(row.head_x - row.tail_x).max(0.0)
                        height=row_h
                    ></rect>
                    {markers}
                }
            })
            .collect_view()
    };
    let label = move || crate::view_model::describe_events::log_label(&status());
    view! {
        <g class="log" data-testid=format!("log-{node_id}")>{rows}</g>
        <text class="node__meta" x="0" y="24" text-anchor="middle">{label}</text>
    }
}

/// The unit normal of the line from `a` to `b` pointing down (or right, for a vertical line).
fn down_normal(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (nx, ny) = (-dy / len, dx / len);
    if ny < 0.0 || (ny == 0.0 && nx < 0.0) {
        (-nx, -ny)
    } else {
        (nx, ny)
    }
}

/// How text beside a line is anchored when it is offset by normal x `nx`.
fn anchor_for(nx: f64) -> &'static str {
    if nx > 0.6 {
        "start"
    } else if nx < -0.6 {
        "end"
    } else {
        "middle"
    }
}

/// The live label of a subscription's lane or a consumer group's read link,
/// drawn above the nodes (a short link would hide it) beside the link's
/// middle, on the side away from the link, with a halo so the line does not
/// cross the text.
#[component]
fn LinkLabel(index: usize, link: Link, from: Node, to: Node) -> impl IntoView {
    let store = use_store();
    let ((x1, y1), (x2, y2)) = link_ends(from.position, to.position);
    let (mx, my) = lerp((x1, y1), (x2, y2), 0.5);
    let (nx, ny) = down_normal((x1, y1), (x2, y2));
    let (ax, ay) = (mx + nx * 12.0, my + ny * 12.0 + 8.0);
    let anchor = anchor_for(nx);
    let lane = move || store.frame.with(|f| f.subscriptions.get(index).cloned().flatten());
    let group = move || store.frame.with(|f| f.groups.get(index).copied().flatten());
    let (lane_testid, group_testid) = (format!("lane-{}", link.id), format!("group-{}", link.id));
    view! {
        {move || {
            lane()
                .map(|l| {
                    let warning = lane_warning(&l);
                    view! {
                        <g class="lane" data-testid=lane_testid.clone() aria-hidden="true">
                            <text class="lane__text" x=ax y=ay text-anchor=anchor>{lane_label(&l)}</text>
                            {warning.map(|w| view! { <text class="lane__warn" x=ax y=ay + 14.0 text-anchor=anchor>{w}</text> })}
                        </g>
                    }
                })
        }}
        {move || {
            group()
                .map(|g| {
                    view! {
                        <g class="lane" data-testid=group_testid.clone() aria-hidden="true">
                            <text class={if g.lost > 0 { "lane__warn" } else { "lane__text" }} x=ax y=ay text-anchor=anchor>
                                {group_label(&g)}
                            </text>
                        </g>
                    }
                })
        }}
    }
}

/// A link's drawn ends, following either node while it is dragged.
fn line_of(stage: Stage, from: &Node, to: &Node, ends: (usize, usize)) -> Memo<((f64, f64), (f64, f64))> {
    let (a, b) = ((from.position.x, from.position.y), (to.position.x, to.position.y));
    Memo::new(move |_| {
        let ((ax, ay), (bx, by)) = (stage.position(ends.0, a), stage.position(ends.1, b));
        link_ends(Position { x: ax, y: ay }, Position { x: bx, y: by })
    })
}

/// A link's breaker state as a badge (the dots pass under it) and, with
/// reduced motion, its count of messages moving, drawn above the nodes so
/// a short link's badges are not hidden under them.
#[component]
fn LinkBadges(index: usize, from: Node, to: Node, ends: (usize, usize)) -> impl IntoView {
    let store = use_store();
    let line = line_of(use_stage(), &from, &to, ends);
    let moving = move || store.frame.with(|f| f.per_link.get(index).copied().unwrap_or(0));
    // Beside the middle, on the side away from lane labels; clear of the
    // nodes' boxes when the link is too short to hold the text between them.
    let note = move || {
        let (a, b) = line.get();
        let ((mx, my), (nx, ny)) = (lerp(a, b, 0.5), down_normal(a, b));
        let away = if (b.0 - a.0).hypot(b.1 - a.1) < 90.0 { NODE_HALF_H + 12.0 } else { 12.0 };
        (mx - nx * away, my - ny * away + 4.0, anchor_for(-nx))
    };
    let breaker = move || store.frame.with(|f| f.links.get(index).and_then(|l| l.breaker));
    let place = move || {
        let (a, b) = line.get();
        let (x, y) = lerp(a, b, 0.3);
        format!("translate({x} {y})")
    };
    view! {
        <Show when=move || breaker().is_some()>
            <g class=move || format!("breaker breaker--{}", breaker().map_or("closed", |b| b.name())) transform=place>
                <rect x="-34" y="-10" width="68" height="20" rx="4"></rect>
                <text y="4" text-anchor="middle">{move || breaker().map_or("", |b| breaker_word(b)).to_ascii_uppercase()}</text>
            </g>
        </Show>
        <Show when=move || store.reduced_motion.get()>
            <text class="link__note link__count" x=move || note().0 y=move || note().1 text-anchor=move || note().2>
                {move || moving().to_string()}
                <tspan class="link__count-unit">" moving"</tspan>
            </text>
        </Show>
    }
}

#[component]
fn LinkView(index: usize, link: Link, from: Node, to: Node, ends: (usize, usize)) -> impl IntoView {
    let store = use_store();
    let stage = use_stage();
    let line = line_of(stage, &from, &to, ends);
    let at = move |f: f64| {
        let (a, b) = line.get();
        lerp(a, b, f)
    };
    let glyph_at = move || format!("translate({} {})", at(0.7).0, at(0.7).1);
    let look = transport_look(&link.transport);
    let (transport, glyph) = (look.css, look.glyph);
    let status = move || store.frame.with(|f| f.links.get(index).cloned().unwrap_or_default());
    let lane = move || store.frame.with(|f| f.subscriptions.get(index).cloned().flatten());
    let group = move || store.frame.with(|f| f.groups.get(index).copied().flatten());
    let selected = move || store.selected.get() == Some(Selection::Link(index));
    let lesson_focus = {
        let id = link.id.clone();
        move || store.highlight.with(|h| h.as_deref() == Some(id.as_str()))
    };
    let select = move || store.selected.set(Some(Selection::Link(index)));
    let name = {
        let (link, from, to) = (link.clone(), from.label.clone(), to.label.clone());
        move || {
            let mut text = link_name(&link, &from, &to, &status());
            if let Some(l) = lane() {
                text.push_str(&lane_words(&l));
            }
            if let Some(g) = group() {
                text.push_str(&group_words(&g));
            }
            text
        }
    };
    view! {
        <g
            class=move || {
                let s = status();
                format!(
                    "link link--{transport}{}{}{}",
                    if selected() { " link--selected" } else { "" },
                    if s.partitioned { " link--partitioned" } else { "" },
                    if lesson_focus() { " link--lesson" } else { "" },
                )
            }
            class:link--journey=move || store.journeys.has_link(index)
            tabindex="0"
            role="button"
            aria-label=name
            aria-pressed=move || selected().to_string()
            data-testid=format!("link-{}", link.id)
            on:click=move |_| select()
            on:keydown=on_activate(select)
        >
            // One closure for both lines (each reactive attribute costs wasm); redrawn only while dragging.
            {move || {
                let ((x1, y1), (x2, y2)) = line.get();
                view! {
                    <line class="link__hit" x1=x1 y1=y1 x2=x2 y2=y2></line>
                    <line class="link__line" x1=x1 y1=y1 x2=x2 y2=y2 marker-end="url(#arrow)"></line>
                }
            }}
            <g class="link__glyph" transform=glyph_at>
                <circle r="9"></circle>
                <text y="4" text-anchor="middle">{glyph}</text>
            </g>
            <Show when=move || status().partitioned>
                <text class="link__note" x=move || at(0.7).0 y=move || at(0.7).1 - 14.0 text-anchor="middle">
                    "✂ partitioned"
                </text>
            </Show>
        </g>
    }
}

/// A gateway's crowd, over all its push links, as one stacked bar
/// (connected, stale, reconnecting) and a count line; a ring around the
/// node swells while clients are reconnecting (the storm as a burst).
/// Drawn as an aggregate, a handful of SVG elements for any crowd size,
/// from one reactive closure (each reactive attribute costs wasm).
#[component]
fn CrowdMeter(index: usize) -> impl IntoView {
    let store = use_store();
    let links: Vec<usize> = store.sim.with_value(|s| {
        let sc = s.scenario();
        let id = &sc.nodes[index].id;
        sc.links
            .iter()
            .enumerate()
            .filter(|(_, l)| &l.from == id && l.transport.push_policy().is_some())
            .map(|(i, _)| i)
            .collect()
    });
    move || {
        let (up, stale, away) = store.frame.with(|f| {
            links
                .iter()
                .filter_map(|&i| f.links.get(i).and_then(|l| l.crowd))
                .fold((0u32, 0u32, 0u32), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2))
        });
        let all = f64::from((up + stale + away).max(1));
        let (w_up, w_stale) = (100.0 * f64::from(up) / all, 100.0 * f64::from(stale) / all);
        let burst = if away == 0 { 0.0 } else { 78.0 + 30.0 * f64::from(away) / all };
        view! {
            <circle class="gateway__burst" cx="0" cy="0" r=burst></circle>
            <rect class="meter__fill--away" x="-50" y="2" width="100" height="7" rx="3"></rect>
            <rect class="meter__fill--stale" x="-50" y="2" width=w_up + w_stale height="7"></rect>
            <rect class="meter__fill--pool" x="-50" y="2" width=w_up height="7"></rect>
            <text class="node__meta" x="0" y="22" text-anchor="middle">{format!("{up} up · {stale} stale · {away} away")}</text>
        }
    }
}
