//! A fixed-size log-linear histogram of durations: bounded memory for any
//! run length, percentiles within about 3 % of the true value.

use serde::{Serialize, Serializer};

use super::time::{micros_to_ms, Micros};

const SUB_BITS: u32 = 4;
const SUB: u64 = 1 << SUB_BITS;
const BUCKETS: usize = (SUB + (64 - SUB_BITS as u64) * SUB) as usize;
/// The buckets' array, a power of two at least [`BUCKETS`] long: an index
/// masked to it needs no bounds check (the slots past `BUCKETS` stay zero).
const SLOTS: usize = BUCKETS.next_power_of_two();

/// Counts of durations in logarithmic buckets with 16 linear steps each.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Box<[u64; SLOTS]>,
    total: u64,
    sum: u128,
    max: Micros,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: Box::new([0; SLOTS]), total: 0, sum: 0, max: 0 }
    }
}

fn index_of(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let msb = 63 - v.leading_zeros();
    let shift = msb - SUB_BITS;
    let sub = (v >> shift) & (SUB - 1);
    (SUB + u64::from(shift) * SUB + sub) as usize
}

/// The smallest and largest value that land in bucket `i`.
fn bounds_of(i: usize) -> (u64, u64) {
    let i = i as u64;
    if i < SUB {
        return (i, i);
    }
    let shift = (i - SUB) / SUB;
    let sub = (i - SUB) % SUB;
    let lo = (SUB + sub) << shift;
    let hi = lo + ((1u64 << shift) - 1);
    (lo, hi)
}

impl Histogram {
    /// Records one duration.
    // Inlined natively (four records a customer); not in wasm, to keep its size.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn record(&mut self, v: Micros) {
        // `index_of` is below `BUCKETS`, so the mask changes nothing; it
        // only lets the compiler drop the bounds check (four records a
        // customer on the benchmark models).
        self.counts[index_of(v) & (SLOTS - 1)] += 1;
        self.total += 1;
        self.sum += u128::from(v);
        // A branch, not a select: a new maximum is rare, and the select
        // stored the maximum back on every record.
        if v > self.max {
            self.max = v;
        }
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The exact sum of every value recorded (for means over a window of time).
    pub fn sum(&self) -> u128 {
        self.sum
    }

    /// The exact mean, or 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.sum as f64 / self.total as f64
        }
    }

    /// The largest value recorded.
    pub fn max(&self) -> Micros {
        self.max
    }

    /// The histogram of both sets of values, as if each had been recorded in one.
    pub fn merged(&self, other: &Histogram) -> Histogram {
        let mut out = self.clone();
        for (a, b) in out.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        out.total += other.total;
        out.sum += other.sum;
        out.max = out.max.max(other.max);
        out
    }

    /// The value at quantile `q` (0 to 1): the middle of its bucket, never above the max.
    pub fn quantile(&self, q: f64) -> Micros {
        if self.total == 0 {
            return 0;
        }
        let rank = libm::ceil(q.clamp(0.0, 1.0) * self.total as f64).max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in self.counts[..BUCKETS].iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (lo, hi) = bounds_of(i);
                return (lo + (hi - lo) / 2).min(self.max);
            }
        }
        self.max
    }
}

/// A histogram's summary in milliseconds: what reports show of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Latency {
    /// Samples.
    pub count: u64,
    /// Mean.
    pub mean_ms: f64,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

impl Histogram {
    /// Count, mean, median, p95, p99 and max in milliseconds.
    pub fn summary(&self) -> Latency {
        Latency {
            count: self.count(),
            mean_ms: self.mean() / 1_000.0,
            p50_ms: micros_to_ms(self.quantile(0.5)),
            p95_ms: micros_to_ms(self.quantile(0.95)),
            p99_ms: micros_to_ms(self.quantile(0.99)),
            max_ms: micros_to_ms(self.max()),
        }
    }
}

/// A histogram serialises as its summary, so reports derived from metrics
/// carry percentiles rather than a thousand bucket counts.
impl Serialize for Histogram {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.summary().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_tile_the_number_line() {
        let mut expected_lo = 0;
        for i in 0..BUCKETS {
            let (lo, hi) = bounds_of(i);
            assert_eq!(lo, expected_lo, "bucket {i}");
            assert!(hi >= lo);
            assert_eq!(index_of(lo), i);
            assert_eq!(index_of(hi), i);
            expected_lo = hi.wrapping_add(1);
        }
        assert_eq!(expected_lo, 0, "the last bucket ends at u64::MAX");
    }

    #[test]
    fn quantiles_are_close() {
        let mut h = Histogram::default();
        for v in 1..=10_000u64 {
            h.record(v * 100);
        }
        for (q, want) in [(0.5, 500_000.0), (0.95, 950_000.0), (0.99, 990_000.0)] {
            let got = h.quantile(q) as f64;
            assert!((got - want).abs() / want < 0.035, "q{q}: {got} vs {want}");
        }
        assert_eq!(h.count(), 10_000);
        assert!((h.mean() - 500_050.0).abs() < 1e-6);
        assert_eq!(h.max(), 1_000_000);
        assert_eq!(Histogram::default().quantile(0.5), 0);
    }
}
