//! `?debug=1`: app work per frame (p50/p95 of the last frames) and messages moving.

use crate::engine::sort::sort_stable_by;
use leptos::prelude::*;

use super::store::use_store;

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The overlay.
#[component]
pub fn DebugOverlay() -> impl IntoView {
    let store = use_store();
    let text = move || {
        let moving = store.frame.with(|f| f.moving);
        let mut w: Vec<f64> = store.frame_work.with_value(|v| v.iter().copied().collect());
        sort_stable_by(&mut w, |a, b| a.total_cmp(b).is_lt());
        let mut d: Vec<f64> = store.draw_work.with_value(|v| v.iter().copied().collect());
        sort_stable_by(&mut d, |a, b| a.total_cmp(b).is_lt());
        format!(
            "frame work p50 {:.2} ms · p95 {:.2} ms · {} frames · {} moving · drawing p50 {:.2} ms",
            percentile(&w, 0.5),
            percentile(&w, 0.95),
            w.len(),
            moving,
            percentile(&d, 0.5),
        )
    };
    view! { <div class="debug-overlay" data-testid="debug-overlay">{text}</div> }
}
