//! What some nodes draw inside their box: a job's recent runs, a log's
//! partitions with each consumer group's position, a gateway's crowd.

use leptos::prelude::*;

use crate::view_model::describe_job::job_label;
use crate::view_model::job_view::{run_bars, timeline_paths};
use crate::view_model::log_view::{lay_out, GroupPositions, PartitionSpan};

use super::stage::use_stage;
use super::store::use_store;
use crate::view_model::geometry::{NODE_HALF_H, NODE_HALF_W};
use crate::view_model::state_list::{crowd_sum, push_links};
use crate::view_model::text_fit::fit_parts;

/// A job's recent runs on a small timeline inside its node, newest on the
/// right: a bar per run filled to the share of rows it wrote (green: all,
/// amber: a silent shortfall, red outline: a crash, grey: running), a red
/// dot above a run monitoring alerted about, and the last success in words.
#[component]
pub(super) fn JobRuns(index: usize, node_id: String) -> impl IntoView {
    let store = use_store();
    let stage = use_stage();
    let paths = Memo::new(move |_| {
        store.node_cells.with(index, |f| {
            let recent = f.jobs.get(index).and_then(|j| j.as_ref()).map(|j| j.recent.as_slice()).unwrap_or_default();
            timeline_paths(&run_bars(recent), -60.0, -3.0, 10.0, 14.0)
        })
    });
    let d = move |i: usize| move || paths.with(|p| p[i].clone());
    let label = move || {
        store.node_cells.with(index, |f| {
            f.jobs.get(index).and_then(|j| j.as_ref()).map(|j| job_label(j, f.now)).unwrap_or_default()
        })
    };
    let label = move || fit_parts(&label(), stage.meta_room.get());
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
pub(super) fn LogRows(index: usize, node_id: String) -> impl IntoView {
    const WIDTH: f64 = 120.0;
    const TOP: f64 = -5.0;
    const HEIGHT: f64 = 17.0;
    const MAX_ROWS: usize = 6;
    let store = use_store();
    let status = move || store.node_cells.with(index, |f| f.logs.get(index).cloned().flatten().unwrap_or_default());
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
                // Paused rows: all in an eager rebalance, the moving ones in a cooperative one.
                let rebalancing = l.groups.iter().any(|g| g.paused.get(p) == Some(&true));
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
    let stage = use_stage();
    let label = move || fit_parts(&crate::view_model::describe_events::log_label(&status()), stage.meta_room.get());
    view! {
        <g class="log" data-testid=format!("log-{node_id}")>{rows}</g>
        <text class="node__meta" x="0" y="24" text-anchor="middle">{label}</text>
    }
}

/// A gateway's crowd, over all its push links, as one stacked bar
/// (connected, stale, reconnecting) and a count line; a dashed outline
/// hugs the node while clients are reconnecting and stands further out
/// the larger their share (the storm as a burst), never reaching the
/// neighbours' links or the text under the node.
/// Drawn as an aggregate, a handful of SVG elements for any crowd size,
/// from one reactive closure (each reactive attribute costs wasm).
#[component]
pub(super) fn CrowdMeter(index: usize) -> impl IntoView {
    let store = use_store();
    let stage = use_stage();
    let links = store.sim.with_value(|s| {
        let sc = s.scenario();
        push_links(sc, &sc.nodes[index].id, true)
    });
    move || {
        let (up, stale, away) =
            store.node_cells.with(index, |f| crowd_sum(f, links.iter().copied())).unwrap_or_default();
        let all = f64::from((up + stale + away).max(1));
        let (w_up, w_stale) = (100.0 * f64::from(up) / all, 100.0 * f64::from(stale) / all);
        let out = if away == 0 { -1.0 } else { 3.0 + 5.0 * f64::from(away) / all };
        let shown = away > 0;
        view! {
            <rect
                class="gateway__burst"
                x=-NODE_HALF_W - out
                y=-NODE_HALF_H - out
                width=2.0 * (NODE_HALF_W + out)
                height=2.0 * (NODE_HALF_H + out)
                rx=9.0 + out
                visibility=if shown { "visible" } else { "hidden" }
            ></rect>
            <rect class="meter__fill--away" x="-50" y="2" width="100" height="7" rx="3"></rect>
            <rect class="meter__fill--stale" x="-50" y="2" width=w_up + w_stale height="7"></rect>
            <rect class="meter__fill--pool" x="-50" y="2" width=w_up height="7"></rect>
            <text class="node__meta" x="0" y="22" text-anchor="middle">{fit_parts(&crate::view_model::state_list::crowd_text((up, stale, away)), stage.meta_room.get())}</text>
        }
    }
}
