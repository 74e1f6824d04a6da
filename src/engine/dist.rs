//! Probability distributions for processing times, latencies and delays.
//!
//! Scenarios write durations in milliseconds; samples come out in integer
//! microseconds. Transcendental maths goes through `libm`, so native and
//! wasm runs produce the same bits.

use serde::{Deserialize, Serialize};

use super::rng::Rng;
use super::time::{ms_to_micros, Micros};
use super::validate::duration_problem;

/// A distribution of durations, in milliseconds.
// `Deserialize` is in tagged_forms.rs: it reads this format without serde's buffer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dist {
    /// Always the same duration.
    Constant {
        /// The duration in milliseconds.
        ms: f64,
    },
    /// Uniform between two bounds.
    Uniform {
        /// Lower bound in milliseconds.
        min_ms: f64,
        /// Upper bound in milliseconds.
        max_ms: f64,
    },
    /// Exponential (memoryless) with the given mean: the M in M/M/c.
    Exponential {
        /// Mean in milliseconds.
        mean_ms: f64,
    },
    /// Log-normal: a long right tail, typical of real service latencies.
    LogNormal {
        /// Median in milliseconds.
        median_ms: f64,
        /// Standard deviation of the underlying normal (0.5 is a moderate tail).
        sigma: f64,
    },
    /// "Usually fast, sometimes very slow" (e.g. 10 ms, but 5 s one time in 100).
    Bimodal {
        /// The usual duration in milliseconds.
        fast_ms: f64,
        /// The rare slow duration in milliseconds.
        slow_ms: f64,
        /// Probability of the slow duration, 0 to 1.
        slow_probability: f64,
    },
    /// A weighted choice among listed durations.
    Empirical {
        /// The possible durations and their weights.
        points: Vec<WeightedPoint>,
        /// Running sums of the weights, built on the first draw (not part of the format).
        #[serde(skip)]
        cumulative: Cumulative,
    },
}

/// Running sums of an empirical distribution's weights, so a draw is a
/// binary search (O(log n)) instead of a walk over every point. Derived from
/// the points, so it never takes part in equality.
#[derive(Clone, Default)]
pub struct Cumulative(std::sync::OnceLock<Box<[f64]>>);

impl PartialEq for Cumulative {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Cumulative {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cumulative")
    }
}

impl Dist {
    /// An empirical distribution over these points.
    pub fn empirical(points: Vec<WeightedPoint>) -> Dist {
        Dist::Empirical { points, cumulative: Cumulative::default() }
    }
}

/// One value of an [`Dist::Empirical`] distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightedPoint {
    /// The duration in milliseconds.
    pub ms: f64,
    /// Its relative weight (any positive number).
    pub weight: f64,
}

impl Default for Dist {
    fn default() -> Self {
        Dist::Constant { ms: 1.0 }
    }
}

impl Dist {
    /// Draws one duration in microseconds.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn sample(&self, rng: &mut Rng) -> Micros {
        ms_to_micros(self.sample_ms(rng))
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn sample_ms(&self, rng: &mut Rng) -> f64 {
        match self {
            Dist::Constant { ms } => *ms,
            Dist::Uniform { min_ms, max_ms } => min_ms + (max_ms - min_ms) * rng.next_f64(),
            Dist::Exponential { mean_ms } => mean_ms * super::ziggurat::exp1(rng),
            Dist::LogNormal { median_ms, sigma } => median_ms * libm::exp(sigma * standard_normal(rng)),
            Dist::Bimodal { fast_ms, slow_ms, slow_probability } => {
                if rng.chance(*slow_probability) {
                    *slow_ms
                } else {
                    *fast_ms
                }
            }
            Dist::Empirical { points, cumulative } => {
                let sums = cumulative.0.get_or_init(|| {
                    points
                        .iter()
                        .scan(0.0, |acc, p| {
                            *acc += p.weight;
                            Some(*acc)
                        })
                        .collect()
                });
                let total = sums.last().copied().unwrap_or(0.0);
                let pick = rng.next_f64() * total;
                let i = sums.partition_point(|&c| c <= pick);
                points.get(i).or(points.last()).map_or(0.0, |p| p.ms)
            }
        }
    }

    /// The distribution's mean in milliseconds (for reports and theory).
    pub fn mean_ms(&self) -> f64 {
        match self {
            Dist::Constant { ms } => *ms,
            Dist::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Dist::Exponential { mean_ms } => *mean_ms,
            Dist::LogNormal { median_ms, sigma } => median_ms * libm::exp(sigma * sigma / 2.0),
            Dist::Bimodal { fast_ms, slow_ms, slow_probability } => {
                fast_ms * (1.0 - slow_probability) + slow_ms * slow_probability
            }
            Dist::Empirical { points, .. } => {
                let total: f64 = points.iter().map(|p| p.weight).sum();
                if total <= 0.0 {
                    return 0.0;
                }
                points.iter().map(|p| p.ms * p.weight).sum::<f64>() / total
            }
        }
    }

    /// Why this distribution is unusable, if it is: names the bad field.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let bad = |x: f64| !x.is_finite() || x < 0.0;
        let dur = |field: &'static str, ms: f64| duration_problem(ms, true).map(|reason| (field, reason));
        match self {
            Dist::Constant { ms } => dur("ms", *ms),
            Dist::Uniform { min_ms, .. } if dur("min_ms", *min_ms).is_some() => dur("min_ms", *min_ms),
            Dist::Uniform { min_ms, max_ms } if dur("max_ms", *max_ms).is_some() || max_ms < min_ms => {
                dur("max_ms", *max_ms).or(Some(("max_ms", "must be ≥ min_ms".into())))
            }
            Dist::Exponential { mean_ms } => dur("mean_ms", *mean_ms),
            Dist::LogNormal { median_ms, .. } if dur("median_ms", *median_ms).is_some() => dur("median_ms", *median_ms),
            Dist::LogNormal { sigma, .. } if bad(*sigma) || *sigma > 5.0 => {
                Some(("sigma", "must be between 0 and 5".into()))
            }
            Dist::Bimodal { fast_ms, .. } if dur("fast_ms", *fast_ms).is_some() => dur("fast_ms", *fast_ms),
            Dist::Bimodal { slow_ms, .. } if dur("slow_ms", *slow_ms).is_some() => dur("slow_ms", *slow_ms),
            Dist::Bimodal { slow_probability, .. } if !(0.0..=1.0).contains(slow_probability) => {
                Some(("slow_probability", "must be between 0 and 1".into()))
            }
            Dist::Empirical { points, .. } if points.is_empty() => Some(("points", "needs at least one point".into())),
            Dist::Empirical { points, .. } if points.len() > super::limits::MAX_EMPIRICAL_POINTS => Some((
                "points",
                format!("has {} points; at most {} are allowed", points.len(), super::limits::MAX_EMPIRICAL_POINTS),
            )),
            Dist::Empirical { points, .. } => points.iter().enumerate().find_map(|(i, p)| {
                if let Some(reason) = duration_problem(p.ms, true) {
                    Some(("points", format!("point {i}: ms {reason}")))
                } else if !p.weight.is_finite() || p.weight <= 0.0 {
                    Some(("points", format!("point {i}: weight must be a finite number > 0")))
                } else {
                    None
                }
            }),
            _ => None,
        }
    }
}

/// A standard normal draw by the Box–Muller transform.
fn standard_normal(rng: &mut Rng) -> f64 {
    let u1 = rng.next_f64_open0();
    let u2 = rng.next_f64();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(d: &Dist, n: usize) -> f64 {
        let mut rng = Rng::new(11);
        (0..n).map(|_| d.sample(&mut rng) as f64 / 1_000.0).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_theory() {
        let cases = [
            Dist::Constant { ms: 10.0 },
            Dist::Uniform { min_ms: 5.0, max_ms: 15.0 },
            Dist::Exponential { mean_ms: 10.0 },
            Dist::LogNormal { median_ms: 10.0, sigma: 0.5 },
            Dist::Bimodal { fast_ms: 10.0, slow_ms: 5_000.0, slow_probability: 0.01 },
            Dist::empirical(vec![WeightedPoint { ms: 1.0, weight: 3.0 }, WeightedPoint { ms: 9.0, weight: 1.0 }]),
        ];
        for d in cases {
            let got = mean_of(&d, 200_000);
            let want = d.mean_ms();
            assert!((got - want).abs() / want < 0.03, "{d:?}: sampled {got}, theory {want}");
        }
    }

    #[test]
    fn exponential_is_memoryless_enough() {
        // P(X > mean) = e^-1 for an exponential.
        let d = Dist::Exponential { mean_ms: 4.0 };
        let mut rng = Rng::new(2);
        let n = 100_000;
        let over = (0..n).filter(|_| d.sample(&mut rng) > 4_000).count() as f64 / n as f64;
        assert!((over - (-1.0f64).exp()).abs() < 0.01, "{over}");
    }

    #[test]
    fn problems_name_the_field() {
        assert_eq!(Dist::Constant { ms: -1.0 }.problem().map(|p| p.0), Some("ms"));
        assert_eq!(Dist::Uniform { min_ms: 5.0, max_ms: 1.0 }.problem().map(|p| p.0), Some("max_ms"));
        assert_eq!(
            Dist::Bimodal { fast_ms: 1.0, slow_ms: 2.0, slow_probability: 2.0 }.problem().map(|p| p.0),
            Some("slow_probability")
        );
        assert_eq!(Dist::empirical(vec![]).problem().map(|p| p.0), Some("points"));
        assert_eq!(Dist::Exponential { mean_ms: f64::NAN }.problem().map(|p| p.0), Some("mean_ms"));
        assert!(Dist::LogNormal { median_ms: 3.0, sigma: 0.4 }.problem().is_none());
    }
}
