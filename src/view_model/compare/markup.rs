//! A finished comparison as HTML: the summary, the table and the charts.

use super::Outcome;
use crate::view_model::chart::{self, escape, grid_markup};
use crate::view_model::number::group_thousands;

/// The finished comparison as markup: the summary, the table of both runs
/// and each chart for both (set as one element's inner HTML: far less code
/// in the wasm than a component per cell). Every text is escaped.
pub fn results_markup(o: &Outcome, took_ms: Option<f64>) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(8 * 1024);
    let took =
        took_ms.map(|ms| format!(" Computed in {} ms.", group_thousands(&format!("{ms:.0}")))).unwrap_or_default();
    let minutes = o.seconds / 60;
    let label = escape(&o.label);
    let _ = write!(
        s,
        r#"<p class="compare__summary" data-testid="compare-summary">{}{took}</p><p class="compare__switch">Switched: <strong>{label}</strong></p><table class="compare__table"><caption class="sr-only">Numbers of both runs after {minutes} simulated minutes</caption><thead><tr><th scope="col">After {minutes} min</th><th scope="col" data-testid="compare-head-without">Without<span class="sr-only">: {label}</span></th><th scope="col" data-testid="compare-head-with">With<span class="sr-only">: {label}</span></th></tr></thead><tbody>"#,
        escape(&o.summary())
    );
    for r in &o.rows {
        let class = if r.values[0] == r.values[1] { "" } else { r#" class="compare__differs""# };
        let _ = write!(
            s,
            r#"<tr data-testid="compare-row-{key}" data-without="{a}" data-with="{b}"{class}><th scope="row">{label}</th><td>{ta}</td><td>{tb}</td></tr>"#,
            key = r.key,
            a = r.values[0],
            b = r.values[1],
            label = r.label,
            ta = r.text(0),
            tb = r.text(1)
        );
    }
    s.push_str(r#"</tbody></table><p class="compare__note">Each chart is drawn for both runs on one scale.</p><div class="compare__charts">"#);
    for p in &o.charts {
        let id = escape(&p.def.id);
        let title = escape(&p.def.title);
        let _ = write!(
            s,
            r#"<figure class="chart compare__chart" data-testid="compare-chart-{id}"><figcaption class="chart__title">{title}</figcaption><div class="compare__pair">"#
        );
        for (k, (side, lower)) in [("Without", "without"), ("With", "with")].into_iter().enumerate() {
            let g = &p.geometry[k];
            let last = escape(&p.last[k].join(", "));
            let _ = write!(
                s,
                r#"<figure class="compare__side" data-testid="compare-chart-{id}-{lower}" data-last="{last}"><figcaption class="compare__side-title">{side}</figcaption><svg class="chart__svg" viewBox="0 0 {w} {h}" role="img" aria-label="{side}, {title}: {last}"><g class="chart__grid">{grid}</g>"#,
                w = chart::WIDTH,
                h = chart::HEIGHT,
                grid = grid_markup(g)
            );
            for y in &g.thresholds {
                let _ = write!(
                    s,
                    r#"<line class="chart__threshold" x1="{}" x2="{}" y1="{y:.1}" y2="{y:.1}"/>"#,
                    chart::LEFT,
                    chart::WIDTH - chart::RIGHT
                );
            }
            for (plot, d) in p.def.plots.iter().zip(&g.paths) {
                let dashed = if plot.dashed { " chart__line--dashed" } else { "" };
                let bars = if plot.bars { " chart__line--bars" } else { "" };
                let _ = write!(s, r#"<path class="chart__line chart__line--{}{dashed}{bars}" d="{d}"/>"#, plot.color);
            }
            s.push_str(r#"</svg><ul class="chart__legend">"#);
            for (plot, text) in p.def.plots.iter().zip(&p.last[k]) {
                let dashed = if plot.dashed { " chart__swatch--dashed" } else { "" };
                let _ = write!(
                    s,
                    r#"<li><span class="chart__swatch chart__swatch--{}{dashed}" aria-hidden="true"></span><span>{}</span></li>"#,
                    plot.color,
                    escape(text)
                );
            }
            s.push_str("</ul></figure>");
        }
        s.push_str("</div></figure>");
    }
    s.push_str("</div>");
    s
}
