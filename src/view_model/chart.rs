//! A line chart's geometry, pure: scales over simulated time, "nice" ticks
//! with units, SVG path data downsampled to the plot's width. The
//! component (`ui/charts.rs`) only sets attributes from it.

/// The chart's coordinate box (SVG user units; the SVG scales to its container).
pub const WIDTH: f64 = 320.0;
/// Height of the coordinate box.
pub const HEIGHT: f64 = 132.0;
/// Room for the y tick labels: the widest, a breaker's "half-open", fits
/// (tested), and every chart keeps it so charts side by side share one
/// time axis.
pub const LEFT: f64 = 58.0;
/// Right margin.
pub const RIGHT: f64 = 12.0;
/// Top margin.
pub const TOP: f64 = 8.0;
/// Room for the x tick labels.
pub const BOTTOM: f64 = 20.0;

mod time_axis;
mod units;

pub use time_axis::{downsample, time_label, time_ticks};
pub use units::{nice_step, short_number, Unit};

use time_axis::path;

/// A tick: where (SVG units along its axis) and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Position in the coordinate box.
    pub at: f64,
    /// The label.
    pub label: String,
}

/// One line to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Points (seconds of simulated time, value); `NaN` values break the line.
    pub points: Vec<(f64, f64)>,
    /// Drawn as steps (a state held until the next sample) rather than slopes.
    pub step: bool,
}

/// The geometry of one chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Geometry {
    /// SVG path data per line, in the lines' order.
    pub paths: Vec<String>,
    /// Time ticks along the bottom.
    pub x_ticks: Vec<Tick>,
    /// Value ticks up the left.
    pub y_ticks: Vec<Tick>,
    /// Where each threshold line sits (y), in the order given.
    pub thresholds: Vec<f64>,
}

/// Lays out `lines` over time with `unit` on the value axis and horizontal
/// `thresholds` (kept in view; a value that is not finite is left out). The time axis spans the data
/// (at least 10 s); the value axis starts at 0.
pub fn layout(lines: &[Line], unit: Unit, thresholds: &[f64]) -> Geometry {
    let (mut t0, mut t1, mut vmax) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
    for l in lines {
        for &(t, v) in &l.points {
            t0 = t0.min(t);
            t1 = t1.max(t);
            if v.is_finite() {
                vmax = vmax.max(v);
            }
        }
    }
    if !t0.is_finite() {
        (t0, t1) = (0.0, 10.0);
    }
    if t1 - t0 < 10.0 {
        t1 = t0 + 10.0;
    }
    for th in thresholds.iter().filter(|v| v.is_finite()) {
        vmax = vmax.max(th * 1.1);
    }
    let (ymax, y_step) = match unit {
        Unit::Breaker => (2.0, 1.0),
        Unit::Percent => {
            let top = if vmax <= 100.0 { 100.0 } else { vmax };
            let step = nice_step(top, 4);
            (libm::ceil(top / step) * step, step)
        }
        Unit::Ms | Unit::Seconds | Unit::PerSecond | Unit::Count => {
            let top = if vmax > 0.0 { vmax } else { 1.0 };
            // No finer than the smallest step its labels tell apart: one
            // count, the engine's microsecond, a millisecond of an age, a
            // hundredth of a rate.
            let least = match unit {
                Unit::Count => 1.0,
                Unit::Ms | Unit::Seconds => 1e-3,
                _ => 0.01,
            };
            let step = nice_step(top, 4).max(least);
            (libm::ceil(top / step) * step, step)
        }
    };
    // Steps under a hundredth of a millisecond or second are labelled a
    // thousand times larger in the next unit down (µs, ms): "< 0.01 ms"
    // on every tick told nothing and was wider than the margin.
    let finer = y_step < 0.01 && matches!(unit, Unit::Ms | Unit::Seconds);
    let label = |v: f64| {
        if finer {
            format!("{}{}", short_number(v * 1e3), if unit == Unit::Ms { " µs" } else { " ms" })
        } else {
            unit.format(v)
        }
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |t: f64| LEFT + (t - t0) / (t1 - t0) * plot_w;
    let y = |v: f64| TOP + plot_h - (v.clamp(0.0, ymax) / ymax) * plot_h;

    let mut y_ticks = Vec::new();
    let mut v = 0.0;
    while v <= ymax + y_step * 1e-9 {
        y_ticks.push(Tick { at: y(v), label: label(v) });
        v += y_step;
    }
    let x_ticks = time_ticks(t0, t1).into_iter().map(|t| Tick { at: x(t), label: time_label(t) }).collect();
    let columns = plot_w as usize;
    let paths = lines.iter().map(|l| path(&downsample(&l.points, columns, t0, t1), l.step, &x, &y)).collect();
    Geometry {
        paths,
        x_ticks,
        y_ticks,
        thresholds: thresholds.iter().filter(|v| v.is_finite()).map(|&v| y(v)).collect(),
    }
}

/// Where threshold `k`'s label sits (y of its baseline): just above its
/// line, or just below it when another threshold's line is close above
/// (their labels would overlap); off the chart when there is no such line.
pub fn threshold_label_y(thresholds: &[f64], k: usize) -> f64 {
    const LABEL_H: f64 = 11.0;
    let Some(&y) = thresholds.get(k) else { return -10.0 };
    // Smaller y is higher up; a label takes the band LABEL_H above its line.
    let crowded = thresholds.iter().enumerate().any(|(j, &o)| j != k && o <= y && y - o < LABEL_H && (o < y || j < k));
    if crowded {
        y + LABEL_H - 1.0
    } else {
        y - 3.0
    }
}

/// The grid, axis and tick labels as SVG markup (drawn as the chart
/// group's inner HTML: one attribute write when the ticks move, and far
/// less code in the wasm than a component per tick). Labels are escaped.
pub fn grid_markup(g: &Geometry) -> String {
    use std::fmt::Write;
    let (l, r, b) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM);
    let mut s = String::with_capacity(1024);
    for t in &g.y_ticks {
        let _ = write!(
            s,
            r#"<line x1="{l}" x2="{r}" y1="{y:.1}" y2="{y:.1}"/><text class="chart__tick" data-testid="chart-y-tick" x="{tx}" y="{ty:.1}" text-anchor="end">{label}</text>"#,
            y = t.at,
            tx = l - 4.0,
            ty = t.at + 3.5,
            label = escape(&t.label)
        );
    }
    for t in &g.x_ticks {
        let _ = write!(
            s,
            r#"<line class="chart__xtick" x1="{x:.1}" x2="{x:.1}" y1="{b}" y2="{b3}"/><text class="chart__tick" data-testid="chart-x-tick" x="{x:.1}" y="{ty}" text-anchor="middle">{label}</text>"#,
            x = t.at,
            b3 = b + 3.0,
            ty = HEIGHT - 5.0,
            label = escape(&t.label)
        );
    }
    let _ = write!(s, r#"<line class="chart__axis" x1="{l}" x2="{r}" y1="{b}" y2="{b}"/>"#);
    s
}

/// Text made safe inside markup, attributes included.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_threshold_labels_do_not_overlap() {
        // Far apart: both labels above their lines.
        assert_eq!(threshold_label_y(&[40.0, 90.0], 0), 37.0);
        assert_eq!(threshold_label_y(&[40.0, 90.0], 1), 87.0);
        // Close, either order: the lower line's label goes under it.
        assert_eq!(threshold_label_y(&[40.0, 45.0], 0), 37.0);
        assert_eq!(threshold_label_y(&[40.0, 45.0], 1), 55.0);
        assert_eq!(threshold_label_y(&[45.0, 40.0], 0), 55.0);
        assert_eq!(threshold_label_y(&[45.0, 40.0], 1), 37.0);
        // The same value: the first above, the second under.
        assert_eq!(threshold_label_y(&[40.0, 40.0], 0), 37.0);
        assert_eq!(threshold_label_y(&[40.0, 40.0], 1), 50.0);
        assert_eq!(threshold_label_y(&[40.0], 3), -10.0, "no such line");
    }

    #[test]
    fn lays_out_axes_paths_and_a_threshold() {
        let line = Line { points: (0..=60).map(|s| (f64::from(s), f64::from(s) * 2.0)).collect(), step: false };
        let g = layout(&[line], Unit::Ms, &[200.0]);
        let labels: Vec<&str> = g.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0 ms", "100 ms", "200 ms", "300 ms"], "kept the budget in view");
        assert!(g.y_ticks.windows(2).all(|w| w[1].at < w[0].at), "up the axis");
        assert_eq!(g.y_ticks[0].at, HEIGHT - BOTTOM);
        assert_eq!(g.x_ticks.first().map(|t| t.label.as_str()), Some("0 s"));
        assert_eq!(g.x_ticks.last().map(|t| (t.label.as_str(), t.at)), Some(("60 s", WIDTH - RIGHT)));
        assert!(g.paths[0].starts_with("M58.0 112.0L"), "{}", g.paths[0]);
        assert_eq!(g.paths[0].matches('L').count(), 60);
        let th = g.thresholds[0];
        assert!(th > TOP && th < HEIGHT - BOTTOM);

        let empty = layout(&[Line { points: vec![], step: false }], Unit::Count, &[]);
        assert_eq!(empty.paths, [""]);
        assert_eq!(empty.y_ticks.last().map(|t| t.label.as_str()), Some("1"));

        let states = Line { points: vec![(0.0, 0.0), (1.0, 2.0), (2.0, f64::NAN), (3.0, 1.0)], step: true };
        let g = layout(&[states], Unit::Breaker, &[]);
        let labels: Vec<&str> = g.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["closed", "half-open", "open"]);
        assert_eq!(g.paths[0].matches('M').count(), 2, "a gap breaks the line: {}", g.paths[0]);
        assert!(g.paths[0].contains('H') && g.paths[0].contains('V'));
    }

    #[test]
    fn every_y_tick_label_fits_inside_the_chart() {
        use crate::view_model::text_fit::em_width;
        // `.chart__tick` is 11 px (style/charts.css); a label ends 4 units
        // left of the plot (`grid_markup`) and must start at least 2 units
        // inside the chart's left edge, in the font's widest measure.
        let fits = |g: &Geometry| g.y_ticks.iter().all(|t| LEFT - 4.0 - em_width(&t.label, false) * 11.0 >= 2.0);
        let states = Line { points: vec![(0.0, 0.0), (5.0, 1.0)], step: true };
        let breaker = layout(&[states], Unit::Breaker, &[]);
        assert!(fits(&breaker), "half-open fits");
        for unit in [Unit::Ms, Unit::Seconds, Unit::PerSecond, Unit::Percent, Unit::Count] {
            // Down to values under 0.005 ms: every tick's label was "< 0.01 ms".
            for top in [0.0, 1e-9, 2e-4, 0.004, 0.0049, 0.03, 0.3, 7.0, 99.0, 450.0, 1_234.0, 99_999.0, 3.0e6] {
                let g = layout(&[Line { points: vec![(0.0, 0.0), (30.0, top)], step: false }], unit, &[]);
                assert!(fits(&g), "{unit:?} up to {top}: {:?}", g.y_ticks);
                // And each tick says a value of its own.
                let mut labels: Vec<&str> = g.y_ticks.iter().map(|t| t.label.as_str()).collect();
                labels.dedup();
                assert_eq!(labels.len(), g.y_ticks.len(), "{unit:?} up to {top}: {labels:?}");
                assert!(labels.iter().all(|l| !l.starts_with('<')), "{unit:?} up to {top}: {labels:?}");
            }
        }
    }

    #[test]
    fn grid_markup_has_every_tick_escaped() {
        let line = Line { points: vec![(0.0, 0.001), (20.0, 3.0)], step: false };
        let g = layout(&[line], Unit::Ms, &[]);
        let m = grid_markup(&g);
        assert_eq!(m.matches("chart-y-tick").count(), g.y_ticks.len());
        assert_eq!(m.matches("chart-x-tick").count(), g.x_ticks.len());
        assert!(m.contains(">0 ms</text>") && m.contains(">20 s</text>"), "{m}");
        assert_eq!(escape("a<b>&"), "a&lt;b&gt;&amp;");
        assert_eq!(Unit::Ms.format(0.001), "< 0.01 ms");
    }

    #[test]
    fn tiny_milliseconds_are_ticked_in_microseconds() {
        let line = Line { points: vec![(0.0, 0.001), (20.0, 0.004)], step: false };
        let labels: Vec<String> = layout(&[line], Unit::Ms, &[]).y_ticks.into_iter().map(|t| t.label).collect();
        assert_eq!(labels, ["0 µs", "1 µs", "2 µs", "3 µs", "4 µs"]);
        let line = Line { points: vec![(0.0, 0.0), (20.0, 0.003)], step: false };
        let labels: Vec<String> = layout(&[line], Unit::Seconds, &[]).y_ticks.into_iter().map(|t| t.label).collect();
        assert_eq!(labels, ["0 ms", "1 ms", "2 ms", "3 ms"]);
        // From a hundredth up, the unit stays.
        let line = Line { points: vec![(0.0, 0.0), (20.0, 0.04)], step: false };
        let labels: Vec<String> = layout(&[line], Unit::Ms, &[]).y_ticks.into_iter().map(|t| t.label).collect();
        assert_eq!(labels, ["0 ms", "0.01 ms", "0.02 ms", "0.03 ms", "0.04 ms"]);
    }
}
