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

/// What the values measure, for tick labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Milliseconds.
    Ms,
    /// Seconds.
    Seconds,
    /// Per second.
    PerSecond,
    /// A share shown as 0–100 %.
    Percent,
    /// A plain count.
    Count,
    /// A breaker's state: 0 closed, 1 half-open, 2 open.
    Breaker,
}

impl Unit {
    /// The unit as written after a number.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Ms => " ms",
            Unit::Seconds => " s",
            Unit::PerSecond => "/s",
            Unit::Percent => " %",
            Unit::Count | Unit::Breaker => "",
        }
    }

    /// A value with its unit, rounded for reading.
    pub fn format(self, v: f64) -> String {
        if !v.is_finite() {
            return "–".to_string();
        }
        if self == Unit::Breaker {
            return breaker_word(v).to_string();
        }
        if v > 0.0 && v < 0.005 {
            return format!("< 0.01{}", self.suffix());
        }
        format!("{}{}", short_number(v), self.suffix())
    }
}

fn breaker_word(v: f64) -> &'static str {
    if v >= 1.5 {
        "open"
    } else if v >= 0.5 {
        "half-open"
    } else {
        "closed"
    }
}

/// A number in at most about four characters: 0.25, 3.5, 42, 1.2k, 35k, 1.5M.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 1e6 {
        trim(format!("{:.1}", v / 1e6)) + "M"
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        trim(format!("{:.1}", v / 1e3)) + "k"
    } else if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        trim(format!("{v:.1}"))
    } else {
        trim(format!("{v:.2}"))
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A "nice" step (1, 2 or 5 × 10ᵏ) giving about `count` intervals over `span`.
pub fn nice_step(span: f64, count: u32) -> f64 {
    if span.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !span.is_finite() {
        return 1.0;
    }
    let raw = span / f64::from(count.max(1));
    let mag = libm::pow(10.0, libm::floor(libm::log10(raw)));
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

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

/// Time ticks at a nice interval of seconds (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10 min…).
pub fn time_ticks(t0: f64, t1: f64) -> Vec<f64> {
    const STEPS: [f64; 12] = [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0];
    let span = t1 - t0;
    let step = STEPS.iter().copied().find(|s| span / s <= 5.0).unwrap_or(span / 5.0).max(1e-9);
    let mut t = libm::ceil(t0 / step) * step;
    let mut out = Vec::new();
    while t <= t1 + 1e-9 && out.len() < 12 {
        out.push(t);
        t += step;
    }
    out
}

/// Simulated time as an axis label: "45 s", "2 min", "1:30", "1 h".
pub fn time_label(t: f64) -> String {
    let s = libm::round(t) as i64;
    if s < 120 {
        format!("{s} s")
    } else if s % 3600 == 0 {
        format!("{} h", s / 3600)
    } else if s % 60 == 0 {
        format!("{} min", s / 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// At most two points (the lowest and highest, in time order) per plot
/// column, so a path never has more than about twice the plot's width in points.
pub fn downsample(points: &[(f64, f64)], columns: usize, t0: f64, t1: f64) -> Vec<(f64, f64)> {
    if points.len() <= columns * 2 || columns == 0 || t1 <= t0 {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(columns * 2);
    let col = |t: f64| (((t - t0) / (t1 - t0)) * columns as f64) as usize;
    let mut i = 0;
    while i < points.len() {
        let c = col(points[i].0);
        let mut j = i;
        let (mut lo, mut hi) = (i, i);
        while j < points.len() && col(points[j].0) == c {
            if points[j].1 < points[lo].1 || points[lo].1.is_nan() {
                lo = j;
            }
            if points[j].1 > points[hi].1 || points[hi].1.is_nan() {
                hi = j;
            }
            j += 1;
        }
        let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        out.push(points[a]);
        if b != a {
            out.push(points[b]);
        }
        i = j;
    }
    out
}

fn path(points: &[(f64, f64)], step: bool, x: &dyn Fn(f64) -> f64, y: &dyn Fn(f64) -> f64) -> String {
    use std::fmt::Write;
    let mut d = String::with_capacity(points.len() * 14);
    let mut pen_down = false;
    for &(t, v) in points {
        if !v.is_finite() {
            pen_down = false;
            continue;
        }
        let (px, py) = (x(t), y(v));
        if !pen_down {
            let _ = write!(d, "M{px:.1} {py:.1}");
            pen_down = true;
        } else if step {
            let _ = write!(d, "H{px:.1}V{py:.1}");
        } else {
            let _ = write!(d, "L{px:.1} {py:.1}");
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(100.0, 4), 50.0);
        assert_eq!(nice_step(10.0, 4), 5.0);
        assert_eq!(nice_step(7.0, 4), 2.0);
        assert_eq!(nice_step(0.9, 4), 0.5);
        assert_eq!(nice_step(1234.0, 4), 500.0);
        assert!((nice_step(0.03, 3) - 0.01).abs() < 1e-12);
        assert_eq!(nice_step(0.0, 4), 1.0);
        assert_eq!(nice_step(f64::NAN, 4), 1.0);
    }

    #[test]
    fn numbers_and_times_read_short() {
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(12.5), "12.5");
        assert_eq!(short_number(250.0), "250");
        assert_eq!(short_number(1500.0), "1.5k");
        assert_eq!(short_number(35_000.0), "35k");
        assert_eq!(short_number(2_000_000.0), "2M");
        assert_eq!(Unit::Ms.format(66.9), "66.9 ms");
        assert_eq!(Unit::PerSecond.format(90.0), "90/s");
        assert_eq!(Unit::Breaker.format(2.0), "open");
        assert_eq!(Unit::Breaker.format(1.0), "half-open");
        assert_eq!(Unit::Count.format(f64::NAN), "–");
        assert_eq!(time_label(45.0), "45 s");
        assert_eq!(time_label(180.0), "3 min");
        assert_eq!(time_label(150.0), "2:30");
        assert_eq!(time_label(7200.0), "2 h");
        assert_eq!(time_ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(time_ticks(3.0, 300.0), vec![60.0, 120.0, 180.0, 240.0, 300.0]);
    }

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

    #[test]
    fn downsampling_keeps_extremes_within_the_width() {
        let pts: Vec<(f64, f64)> =
            (0..3000).map(|i| (f64::from(i) / 10.0, if i == 1234 { 99.0 } else { 1.0 })).collect();
        let d = downsample(&pts, 100, 0.0, 300.0);
        assert!(d.len() <= 200, "{}", d.len());
        assert!(d.iter().any(|p| p.1 == 99.0), "the spike survives");
        assert!(d.windows(2).all(|w| w[0].0 <= w[1].0), "time order");
        let few = vec![(0.0, 1.0), (1.0, 2.0)];
        assert_eq!(downsample(&few, 100, 0.0, 1.0), few);
    }
}
