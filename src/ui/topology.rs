//! The topology: nodes and links in SVG (crisp, focusable, readable by
//! screen readers), with the canvas of moving messages laid over it.

use leptos::prelude::*;

use crate::engine::scenario::Position;
use crate::view_model::geometry::scenario_bounds;
use crate::view_model::link_shape::link_shapes;
use crate::view_model::short_labels::{distinct_labels, Room};
use crate::view_model::viewport::{Viewport, TOOLBAR_ROOM};

use super::stage::Stage;
use super::stage_controls::{Minimap, StageToolbar};
use super::stage_input::{on_down, on_focus, on_move, on_stage_key, on_up, on_wheel};
use super::store::use_store;
use super::topology_link::{LinkBadges, LinkLabel, LinkView};
use super::topology_node::NodeView;

/// The stage: SVG topology plus the flights canvas, both drawn through the
/// store's viewport (pan and zoom), with the view's controls and minimap;
/// then, in an embed, the run controls and their notices, which it shows
/// under the stage (in the DOM too, so Tab follows what is seen); then the
/// list of states; then, in an embed, the share notice and the editing tools.
#[component]
pub fn Topology(canvas: NodeRef<leptos::html::Canvas>, embedded: bool) -> impl IntoView {
    let store = use_store();
    let stage = Stage::new(store);
    provide_context(stage);
    let scenario = Memo::new(move |_| {
        store.revision.get();
        store.scenario()
    });
    // The view fits the topology until the person pans or zooms: on the
    // first measured size, on every resize, and for a newly picked preset;
    // adding or removing a node fits it again (a new one is placed right of
    // the rest, where the view may not reach).
    let node_count = Memo::new(move |_| scenario.with(|s| s.nodes.len()));
    Effect::new(move |prev: Option<(String, usize)>| {
        store.stage_size.track();
        let (preset, nodes) = (store.preset.get(), node_count.get());
        if prev.as_ref().is_some_and(|p| p.0 != preset || p.1 != nodes) {
            stage.auto_fit.set(true);
        }
        if stage.auto_fit.get_untracked() {
            stage.fit();
        }
        (preset, nodes)
    });
    // Something selected on a narrow screen: the inspector's sheet must not
    // hide the topology; closed, the fitted view has the whole stage again.
    Effect::new(move |_| {
        if store.selected.with(Option::is_some) {
            stage.reveal_selected_soon();
        } else if stage.auto_fit.get_untracked() {
            stage.fit();
        }
    });
    let _escape = window_event_listener(leptos::ev::keydown, move |ev| {
        // Escape ends a drag wherever the focus is (a touch drag focuses nothing).
        if ev.key() == "Escape" && stage.cancel() {
            ev.prevent_default();
        }
    });
    // What the links' views are built from (`view_model::link_shape`): no
    // position and no setting, so a move or a setting changed builds no link
    // (each follows its ends through its cell, `node_cells.rs`).
    let shapes = Memo::new(move |_| scenario.with(link_shapes));
    let links = move || shapes.with(|v| v.iter().map(|l| view! { <LinkView shape=l.clone() /> }).collect_view());
    let badges =
        move || shapes.with(|v| v.iter().map(|l| view! { <LinkBadges index=l.index ends=l.ends /> }).collect_view());
    let labels = move || {
        shapes.with(|v| {
            v.iter()
                .filter(|l| l.lane)
                .map(|l| view! { <LinkLabel index=l.index id=l.id.clone() ends=l.ends /> })
                .collect_view()
        })
    };
    // Labels shortened to their room and told apart, once per change of that room or of the scenario.
    let short_labels = Memo::new(move |_| {
        let room = stage.compact.get().map_or_else(|| Room::Ems(stage.label_room.get()), Room::Chars);
        scenario.with(|s| distinct_labels(&s.nodes.iter().map(|n| n.label.clone()).collect::<Vec<_>>(), room))
    });
    // What the nodes' views are built from: the scenario without positions.
    // A move leaves it equal, so no node is built again (a node follows its
    // position by itself, `node_cells.rs`) and the moved one keeps its focus.
    // (A `Scenario`, so it shares the scenario memo's code in the wasm; what
    // no node shows is left out, so a fault or a source changed builds none.)
    let shape = Memo::new(move |_| {
        let mut s = scenario.get();
        s.nodes.iter_mut().for_each(|n| n.position = Position::default());
        (s.sources, s.faults, s.monitors) = Default::default();
        s
    });
    super::node_cells::wake_on_stage_changes(stage, scenario, shapes);
    let nodes = move || {
        shape.with(|s| {
            s.nodes
                .iter()
                .enumerate()
                .map(|(i, n)| view! { <NodeView index=i node=n.clone() short_labels=short_labels /> })
                .collect_view()
        })
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
            // --fit-h: the height at which the fitted topology fills the stage's
            // width; one column caps the stage's height with it (main.css), so a
            // wide topology on a phone is not a strip in a tall empty box.
            style=move || {
                let fit_h = scenario.with(|s| Viewport::fitted_height(scenario_bounds(s), store.stage_size.get().0, TOOLBAR_ROOM));
                format!("--k:{};--fit-h:{fit_h}px", 1.0 / store.viewport.get().zoom)
            }
            data-testid="stage"
            data-zoom=move || store.viewport.get().zoom.to_string()
            tabindex="0"
            role="group"
            aria-label="Stage: drag or use the arrow keys to pan, + and − to zoom, 0 to fit, 1 for actual size. On a node: arrows move it, C starts a link."
            on:keydown=on_stage_key(stage)
        >
            // First in the DOM so Tab reaches the view tools (top right) before the
            // nodes; `z-index` keeps them drawn above the stage.
            <StageToolbar />
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
                    // Sized in the stage's own units, not the line's stroke width:
                    // a highlighted (6 units) or selected link keeps a normal arrowhead.
                    <marker
                        id="arrow"
                        viewBox="0 0 10 10"
                        refX="9"
                        refY="5"
                        markerUnits="userSpaceOnUse"
                        markerWidth="14"
                        markerHeight="14"
                        orient="auto-start-reverse"
                    >
                        <path d="M0,0 L10,5 L0,10 z" class="link__arrow"></path>
                    </marker>
                </defs>
                <g class="stage__world" transform=move || store.viewport.get().transform()>
                    <g class="stage__links">{links}</g>
                    <g class="stage__nodes">{nodes}</g>
                    <g class="stage__labels">{labels}</g>
                    {rubber}
                </g>
            </svg>
            <canvas class="stage__canvas" node_ref=canvas aria-hidden="true" data-testid="flights"></canvas>
            // Breaker badges above the moving messages, which crossed the
            // word OPEN on a short link; the links' names say the state.
            <svg class="stage__overlay" aria-hidden="true" data-testid="stage-badges">
                <g transform=move || store.viewport.get().transform()>
                    <g class="stage__badges">{badges}</g>
                </g>
            </svg>
            <Minimap />
        </div>
        {embedded.then(|| view! { <super::controls::Controls /> <super::controls::RunStatus /> })}
        // The words the compact stage hides, as a list beside it (`state_list.rs`).
        <super::state_list::StateLines />
        {embedded.then(|| view! { <super::share_menu::ShareNotice /> <super::editor_bar::EditorBar /> })}
    }
}

pub(super) fn on_activate(select: impl Fn() + Clone + 'static) -> impl Fn(leptos::ev::KeyboardEvent) + 'static {
    move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" || ev.key() == " " {
            ev.prevent_default();
            ev.stop_propagation();
            select();
        }
    }
}
