//! How long works held a worker, whole (`busy_time`) and their own
//! processing only (`self_time`), kept so that a work with no downstream
//! time, for which the two are equal, is recorded once.
//!
//! Most works call nothing (every work of a plain service): recording each
//! duration in two histograms was about 1.5 % of a CLI run on M/M/4. The
//! two distributions are rebuilt exactly when read, bucket by bucket.

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::engine::histogram::Histogram;
use crate::engine::time::Micros;

/// Worker time of a node's works, split by whether any of it was spent downstream.
#[derive(Clone, Debug, Default)]
pub struct HeldTime {
    /// Works whose whole time was their own (recorded once).
    alone: Histogram,
    /// Works that waited on downstream calls: their whole time held.
    calling_busy: Histogram,
    /// The same works: their own processing only.
    calling_own: Histogram,
}

impl HeldTime {
    /// Records one finished work: the time it held its worker and the part of it that was its own.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn record(&mut self, busy: Micros, own: Micros) {
        if busy == own {
            self.alone.record(busy);
        } else {
            self.record_calling(busy, own);
        }
    }

    #[inline(never)]
    fn record_calling(&mut self, busy: Micros, own: Micros) {
        self.calling_busy.record(busy);
        self.calling_own.record(own);
    }

    /// Time a worker was held (own processing plus downstream calls).
    pub fn busy_time(&self) -> Histogram {
        self.alone.merged(&self.calling_busy)
    }

    /// Own processing only (the hop's share of a latency budget).
    pub fn self_time(&self) -> Histogram {
        self.alone.merged(&self.calling_own)
    }

    /// The mean time held, in microseconds (0 when nothing finished).
    pub fn busy_mean(&self) -> f64 {
        mean(self.count(), self.alone.sum() + self.calling_busy.sum())
    }

    /// The mean of own processing, in microseconds (0 when nothing finished).
    pub fn self_mean(&self) -> f64 {
        mean(self.count(), self.self_sum())
    }

    /// Works recorded.
    pub fn count(&self) -> u64 {
        self.alone.count() + self.calling_busy.count()
    }

    /// The exact sum of own processing times.
    pub fn self_sum(&self) -> u128 {
        self.alone.sum() + self.calling_own.sum()
    }
}

fn mean(count: u64, sum: u128) -> f64 {
    if count == 0 {
        0.0
    } else {
        sum as f64 / count as f64
    }
}

/// Serialises as the two fields the report has always had, `busy_time`
/// and `self_time`, each a histogram's summary (flattened into the node).
impl Serialize for HeldTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("busy_time", &self.busy_time())?;
        map.serialize_entry("self_time", &self.self_time())?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against two plain histograms fed every pair: the same summaries.
    #[test]
    fn reads_as_two_histograms() {
        let (mut held, mut busy, mut own) = (HeldTime::default(), Histogram::default(), Histogram::default());
        let mut state = 3u64;
        for i in 0..20_000u64 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let b = (state >> 40) % 5_000_000;
            let o = if i % 3 == 0 { b - b / 3 } else { b };
            held.record(b, o);
            busy.record(b);
            own.record(o);
        }
        assert_eq!(held.busy_time().summary(), busy.summary());
        assert_eq!(held.self_time().summary(), own.summary());
        assert_eq!(held.count(), busy.count());
        assert_eq!(held.self_sum(), own.sum());
        assert_eq!(held.busy_mean(), busy.mean());
        assert_eq!(held.self_mean(), own.mean());
        let json = serde_json::to_value(&held).expect("serialises");
        assert_eq!(json["busy_time"], serde_json::to_value(busy.summary()).expect("summary"));
        assert_eq!(json["self_time"], serde_json::to_value(own.summary()).expect("summary"));
    }
}
