//! A distribution of times as settings fields, shared by a service's
//! processing time and a link's latency: the shape as a choice, and each
//! shape's parameters as numbers shown only while that shape is chosen.

use crate::engine::dist::{Dist, WeightedPoint};

/// The shapes offered, in [`Dist`]'s order.
pub const DIST_WORDS: &[&str] = &["constant", "uniform", "exponential", "log-normal", "bimodal", "empirical"];

/// Which of [`DIST_WORDS`] `d` is.
pub fn dist_kind(d: &Dist) -> usize {
    match d {
        Dist::Constant { .. } => 0,
        Dist::Uniform { .. } => 1,
        Dist::Exponential { .. } => 2,
        Dist::LogNormal { .. } => 3,
        Dist::Bimodal { .. } => 4,
        Dist::Empirical { .. } => 5,
    }
}

/// `d` as another shape with about the same mean, so a switch of shape
/// does not also change the load.
pub fn reshape(d: &Dist, kind: usize) -> Dist {
    let m = d.mean_ms();
    match kind {
        0 => Dist::Constant { ms: m },
        1 => Dist::Uniform { min_ms: m / 2.0, max_ms: m * 1.5 },
        2 => Dist::Exponential { mean_ms: m },
        3 => Dist::LogNormal { median_ms: m / libm::exp(0.125), sigma: 0.5 },
        // One in a hundred takes a hundred times as long: 0.99 f + 0.01 × 100 f = m.
        4 => Dist::Bimodal { fast_ms: m / 1.99, slow_ms: m / 1.99 * 100.0, slow_probability: 0.01 },
        _ => Dist::empirical(vec![WeightedPoint { ms: m, weight: 1.0 }]),
    }
}

/// One parameter of one shape of the distribution at `$place` (an
/// expression on `$s`, the settings struct of type `$t`), scaled for display.
macro_rules! dist_num {
    ($t:ty, $s:ident => $place:expr; $meta:expr, $variant:ident, $field:ident) => {
        dist_num!($t, $s => $place; $meta, $variant, $field, 1.0)
    };
    ($t:ty, $s:ident => $place:expr; $meta:expr, $variant:ident, $field:ident, $scale:expr) => {
        $crate::view_model::settings::Item::Num($crate::view_model::settings::Num {
            meta: $meta,
            get: |$s: &$t| match &$place {
                $crate::engine::dist::Dist::$variant { $field, .. } => Some(Some(*$field * $scale)),
                _ => None,
            },
            set: |$s: &mut $t, v| {
                if let $crate::engine::dist::Dist::$variant { $field, .. } = &mut $place {
                    *$field = v.unwrap_or_default() / $scale;
                }
            },
        })
    };
}
pub(crate) use dist_num;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reshaping_keeps_the_mean() {
        let d = Dist::Constant { ms: 40.0 };
        for k in 0..DIST_WORDS.len() {
            let r = reshape(&d, k);
            assert_eq!(dist_kind(&r), k);
            assert!((r.mean_ms() - 40.0).abs() < 1e-9, "{k}: {}", r.mean_ms());
            assert!(r.problem().is_none(), "{k}");
        }
    }
}
