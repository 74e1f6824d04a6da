//! A link on the topology: its line and arrow, the transport's label and
//! the breaker badges, focusable and described for screen readers.

use leptos::prelude::*;

use crate::engine::scenario::Position;
use crate::view_model::describe::{breaker_word, link_state, state_part};
use crate::view_model::describe_events::{group_label, group_words, lane_label, lane_warning, lane_words};
use crate::view_model::geometry::{lerp, link_ends, NODE_HALF_H};
use crate::view_model::gesture::Pt;
use crate::view_model::label_layout::{
    anchor_for, badge_growth, breaker_centre, down_normal, lane_anchor, BREAKER_HALF, GLYPH_AT, GLYPH_RADIUS, LINE_STEP,
};
use crate::view_model::link_shape::LinkShape;

use super::stage::{use_stage, Stage};
use super::store::{use_store, Selection};

use super::topology::on_activate;

// Every closure below wakes on its link's trigger only (`node_cells.rs`):
// the frame's figures for it, a move or drag of either end, selection,
// highlight, journey. None reads the frame signal, which changes every
// animation frame: 4,000 links' closures on it froze the page.

/// The live label of a subscription's lane or a consumer group's read link,
/// drawn above the nodes (a short link would hide it) beside the link's
/// middle, on the side away from the link, with a halo so the line does not
/// cross the text.
#[component]
pub(super) fn LinkLabel(index: usize, id: String, ends: (usize, usize)) -> impl IntoView {
    let stage = use_stage();
    let cells = stage.store.link_cells;
    // Read where the lane or group is read, which wakes with the link: its ends moved, or its figures.
    let anchor = move || lane_anchor(at(stage.position(ends.0)), at(stage.position(ends.1)));
    let lane = move || cells.with(index, |f| f.subscriptions.get(index).cloned().flatten());
    let group = move || cells.with(index, |f| f.groups.get(index).copied().flatten());
    let (lane_testid, group_testid) = (format!("lane-{id}"), format!("group-{id}"));
    view! {
        {move || {
            lane()
                .map(|l| {
                    let warning = lane_warning(&l);
                    let (ax, ay, anchor) = anchor();
                    view! {
                        <g class="lane" data-testid=lane_testid.clone() aria-hidden="true">
                            <text class="lane__text" x=ax y=ay text-anchor=anchor>{lane_label(&l)}</text>
                            {warning.map(|w| view! { <text class="lane__warn" x=ax y=ay + LINE_STEP text-anchor=anchor>{w}</text> })}
                        </g>
                    }
                })
        }}
        {move || {
            group()
                .map(|g| {
                    let (ax, ay, anchor) = anchor();
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

fn at((x, y): Pt) -> Position {
    Position { x, y }
}

/// A link's drawn ends, following either node while it is moved or
/// dragged: a memo, so the link's other wake-ups redraw no line.
fn line_of(stage: Stage, index: usize, ends: (usize, usize)) -> Memo<(Pt, Pt)> {
    let cells = stage.store.link_cells;
    Memo::new(move |_| {
        cells.track(index);
        link_ends(at(stage.position(ends.0)), at(stage.position(ends.1)))
    })
}

/// A link's breaker state as a badge (the dots pass under it) and, with
/// reduced motion, its count of messages moving, drawn above the nodes so
/// a short link's badges are not hidden under them.
#[component]
pub(super) fn LinkBadges(index: usize, ends: (usize, usize)) -> impl IntoView {
    let store = use_store();
    let stage = use_stage();
    let cells = store.link_cells;
    let line = line_of(stage, index, ends);
    let moving = move || cells.with(index, |f| f.per_link.get(index).copied().unwrap_or(0));
    // Beside the middle, on the side away from lane labels; clear of the
    // nodes' boxes when the link is too short to hold the text between them.
    let note = move || {
        let (a, b) = line.get();
        let ((mx, my), (nx, ny)) = (lerp(a, b, 0.5), down_normal(a, b));
        let away = if (b.0 - a.0).hypot(b.1 - a.1) < 90.0 { NODE_HALF_H + 12.0 } else { 12.0 };
        (mx - nx * away, my - ny * away + 4.0, anchor_for(-nx))
    };
    let breaker = move || cells.with(index, |f| f.links.get(index).and_then(|l| l.breaker));
    // Compact, the transport glyph is hidden and the badge is a small round
    // chip: it sits on the middle of its line, which shows whose it is.
    let place = move || {
        let (a, b) = line.get();
        let (x, y) = if stage.compact.get().is_some() {
            lerp(a, b, 0.5)
        } else {
            breaker_centre(a, b, badge_growth(store.viewport.get().zoom))
        };
        format!("translate({x} {y})")
    };
    view! {
        <Show when=move || breaker().is_some()>
            <g class=move || format!("breaker breaker--{}", breaker().map_or("closed", |b| b.name())) transform=place>
                <rect x=-BREAKER_HALF.0 y=-BREAKER_HALF.1 width=2.0 * BREAKER_HALF.0 height=2.0 * BREAKER_HALF.1 rx="4"></rect>
                <text y="4" text-anchor="middle">{move || breaker().map_or("", |b| breaker_word(b)).to_ascii_uppercase()}</text>
                // The compact chip's glyph for the state (CSS shows the one for the
                // state, and it or the word): ✓ closed lets calls through, ½
                // half-open a few trial calls, ✕ open refuses them.
                <text class="breaker__glyph" y="4" text-anchor="middle"><tspan>"✓"</tspan><tspan>"½"</tspan><tspan>"✕"</tspan></text>
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

/// A link's line, arrow and transport glyph, focusable and named; built
/// from its shape (`view_model::link_shape`), so a move or a setting
/// changed builds none.
#[component]
pub(super) fn LinkView(shape: LinkShape) -> impl IntoView {
    let store = use_store();
    let stage = use_stage();
    let cells = store.link_cells;
    let LinkShape { index, id, ends, title, look, .. } = shape;
    let line = line_of(stage, index, ends);
    let at = move |f: f64| {
        let (a, b) = line.get();
        lerp(a, b, f)
    };
    let glyph_at = move || format!("translate({} {})", at(GLYPH_AT).0, at(GLYPH_AT).1);
    let (transport, glyph) = (look.css, look.glyph);
    let status = move || cells.with(index, |f| f.links.get(index).cloned().unwrap_or_default());
    let selected = move || {
        cells.track(index);
        *store.selected.read_untracked() == Some(Selection::Link(index))
    };
    let testid = format!("link-{id}");
    let lesson_focus = move || {
        cells.track(index);
        store.highlight.read_untracked().as_deref() == Some(id.as_str())
    };
    let select = move || store.selected.set(Some(Selection::Link(index)));
    // The name (`title`) stays put; the state, which changes with the run, is the description.
    let state_id = format!("link-state-{index}");
    let description = move || {
        cells.with(index, |f| {
            let mut text = f.links.get(index).map(link_state).unwrap_or_default();
            if let Some(Some(l)) = f.subscriptions.get(index) {
                text.push_str(&lane_words(l));
            }
            if let Some(Some(g)) = f.groups.get(index) {
                text.push_str(&group_words(g));
            }
            state_part(&text, "")
        })
    };
    let described_by = state_id.clone();
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
            class:link--journey=move || {
                cells.track(index);
                store.journeys.path.read_untracked().1.contains(&(index as u32))
            }
            tabindex="0"
            role="button"
            aria-label=title
            aria-describedby=described_by
            aria-pressed=move || selected().to_string()
            data-testid=testid
            on:click=move |_| select()
            on:keydown={
                let activate = on_activate(select);
                move |ev: leptos::ev::KeyboardEvent| {
                    let selected = store.selected.get_untracked() == Some(Selection::Link(index));
                    if !super::skip_links::tab_to_inspector(&ev, selected) {
                        activate(ev);
                    }
                }
            }
        >
            <desc id=state_id>{description}</desc>
            // One closure for both lines (each reactive attribute costs wasm); redrawn only when an end moves.
            {move || {
                let ((x1, y1), (x2, y2)) = line.get();
                view! {
                    <line class="link__hit" x1=x1 y1=y1 x2=x2 y2=y2></line>
                    <line class="link__line" x1=x1 y1=y1 x2=x2 y2=y2 marker-end="url(#arrow)"></line>
                }
            }}
            <g class="link__glyph" transform=glyph_at>
                <circle r=GLYPH_RADIUS></circle>
                <text y="4" text-anchor="middle">{glyph}</text>
            </g>
            <Show when=move || status().partitioned>
                <text class="link__note" x=move || at(GLYPH_AT).0 y=move || at(GLYPH_AT).1 - 14.0 text-anchor="middle">
                    "✂ partitioned"
                </text>
            </Show>
        </g>
    }
}
