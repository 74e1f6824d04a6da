//! Probability distributions for processing times, latencies and delays.
//!
//! Scenarios write durations in milliseconds; samples come out in integer
//! microseconds. Transcendental maths goes through `libm`, so native and
//! wasm runs produce the same bits.

use serde::{Deserialize, Serialize};

use super::rng::Rng;
use super::time::{ms_to_micros, Micros};

/// A distribution of durations, in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    },
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
    pub fn sample(&self, rng: &mut Rng) -> Micros {
        ms_to_micros(self.sample_ms(rng))
    }

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
            Dist::Empirical { points } => {
                let total: f64 = points.iter().map(|p| p.weight).sum();
                let mut pick = rng.next_f64() * total;
                for p in points {
                    if pick < p.weight {
                        return p.ms;
                    }
                    pick -= p.weight;
                }
                points.last().map_or(0.0, |p| p.ms)
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
            Dist::Empirical { points } => {
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
        match self {
            Dist::Constant { ms } if bad(*ms) => Some(("ms", "must be a finite number ≥ 0".into())),
            Dist::Uniform { min_ms, .. } if bad(*min_ms) => Some(("min_ms", "must be a finite number ≥ 0".into())),
            Dist::Uniform { min_ms, max_ms } if bad(*max_ms) || max_ms < min_ms => {
                Some(("max_ms", "must be finite and ≥ min_ms".into()))
            }
            Dist::Exponential { mean_ms } if bad(*mean_ms) => Some(("mean_ms", "must be a finite number ≥ 0".into())),
            Dist::LogNormal { median_ms, .. } if bad(*median_ms) => {
                Some(("median_ms", "must be a finite number ≥ 0".into()))
            }
            Dist::LogNormal { sigma, .. } if bad(*sigma) || *sigma > 5.0 => {
                Some(("sigma", "must be between 0 and 5".into()))
            }
            Dist::Bimodal { fast_ms, .. } if bad(*fast_ms) => Some(("fast_ms", "must be a finite number ≥ 0".into())),
            Dist::Bimodal { slow_ms, .. } if bad(*slow_ms) => Some(("slow_ms", "must be a finite number ≥ 0".into())),
            Dist::Bimodal { slow_probability, .. } if !(0.0..=1.0).contains(slow_probability) => {
                Some(("slow_probability", "must be between 0 and 1".into()))
            }
            Dist::Empirical { points } if points.is_empty() => Some(("points", "needs at least one point".into())),
            Dist::Empirical { points } => points.iter().enumerate().find_map(|(i, p)| {
                if bad(p.ms) {
                    Some(("points", format!("point {i}: ms must be a finite number ≥ 0")))
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
            Dist::Empirical {
                points: vec![WeightedPoint { ms: 1.0, weight: 3.0 }, WeightedPoint { ms: 9.0, weight: 1.0 }],
            },
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
        assert_eq!(Dist::Empirical { points: vec![] }.problem().map(|p| p.0), Some("points"));
        assert_eq!(Dist::Exponential { mean_ms: f64::NAN }.problem().map(|p| p.0), Some("mean_ms"));
        assert!(Dist::LogNormal { median_ms: 3.0, sigma: 0.4 }.problem().is_none());
    }
}
