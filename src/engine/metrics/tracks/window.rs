//! The one per-event addition of the tracks: a coarse histogram of the
//! round trips of calls returned since the last sample.

use crate::engine::time::Micros;

/// A coarse histogram of durations since the last sample: four buckets per
/// doubling (within about 9 %), enough for a chart's p50 and p99.
#[derive(Clone, Debug)]
pub struct Window {
    counts: [u32; WINDOW_BUCKETS],
    total: u32,
}

const WINDOW_BUCKETS: usize = 4 * 40;

impl Default for Window {
    fn default() -> Self {
        Window { counts: [0; WINDOW_BUCKETS], total: 0 }
    }
}

fn window_index(v: Micros) -> usize {
    if v < 4 {
        return v as usize;
    }
    let msb = 63 - v.leading_zeros();
    let sub = (v >> (msb - 2)) & 3;
    ((msb as usize - 1) * 4 + sub as usize).min(WINDOW_BUCKETS - 1)
}

/// The middle of bucket `i`.
fn window_value(i: usize) -> Micros {
    if i < 4 {
        return i as Micros;
    }
    let msb = (i / 4 + 1) as u32;
    let sub = (i % 4) as u64;
    let lo = (4 + sub) << (msb - 2);
    let width = 1u64 << (msb - 2);
    lo + width / 2
}

impl Window {
    /// Records one duration.
    #[inline]
    pub fn record(&mut self, v: Micros) {
        self.counts[window_index(v)] += 1;
        self.total += 1;
    }

    /// The value at quantile `q`, or `None` when nothing was recorded.
    pub fn quantile(&self, q: f64) -> Option<Micros> {
        if self.total == 0 {
            return None;
        }
        let rank = libm::ceil(q.clamp(0.0, 1.0) * f64::from(self.total)).max(1.0) as u32;
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(window_value(i));
            }
        }
        None
    }

    pub(in crate::engine::metrics) fn clear(&mut self) {
        if self.total > 0 {
            self.counts = [0; WINDOW_BUCKETS];
            self.total = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_quantiles_are_within_a_bucket() {
        let mut w = Window::default();
        assert_eq!(w.quantile(0.5), None);
        for v in 1..=1000u64 {
            w.record(v * 1_000);
        }
        let p50 = w.quantile(0.5).expect("some") as f64;
        let p99 = w.quantile(0.99).expect("some") as f64;
        assert!((p50 - 500_000.0).abs() / 500_000.0 < 0.13, "p50 {p50}");
        assert!((p99 - 990_000.0).abs() / 990_000.0 < 0.13, "p99 {p99}");
        for v in [0u64, 1, 3, 4, 7, 8, 1_000, 123_456_789, u64::MAX] {
            let i = window_index(v);
            assert!(i < WINDOW_BUCKETS);
            if v > 3 && v < 1 << 40 {
                let mid = window_value(i) as f64;
                assert!((mid - v as f64).abs() / v as f64 <= 0.13, "{v} → {mid}");
            }
        }
        w.clear();
        assert_eq!(w.quantile(0.99), None);
    }
}
