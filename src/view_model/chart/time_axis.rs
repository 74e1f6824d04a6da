//! A chart's time axis and its lines: time ticks and their labels, lines
//! downsampled to the plot's width and written as SVG path data.

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

/// SVG path data for `points` through the scales `x` and `y`: a
/// value that is not finite lifts the pen; `step` holds each value until the next.
pub(super) fn path(points: &[(f64, f64)], step: bool, x: &dyn Fn(f64) -> f64, y: &dyn Fn(f64) -> f64) -> String {
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
    fn times_read_short() {
        assert_eq!(time_label(45.0), "45 s");
        assert_eq!(time_label(180.0), "3 min");
        assert_eq!(time_label(150.0), "2:30");
        assert_eq!(time_label(7200.0), "2 h");
        assert_eq!(time_ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(time_ticks(3.0, 300.0), vec![60.0, 120.0, 180.0, 240.0, 300.0]);
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
