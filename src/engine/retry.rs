//! Retry backoff (AWS "Exponential Backoff And Jitter") and the gRPC-style
//! retry budget.

use super::rng::Rng;
use super::scenario::{Jitter, RetryBudget, RetryPolicy};
use super::time::{ms_to_micros, Micros};

/// The sleep before retry number `retry` (0 for the first retry).
/// `previous` is the previous sleep (for decorrelated jitter; start with the base).
pub fn backoff(policy: &RetryPolicy, retry: u32, previous: Micros, rng: &mut Rng) -> Micros {
    let base = ms_to_micros(policy.base_ms);
    let cap = ms_to_micros(policy.cap_ms);
    let expo = exponential(base, cap, retry);
    match policy.jitter {
        Jitter::None => expo,
        Jitter::Full => rng.range_inclusive(0, expo),
        Jitter::Equal => expo / 2 + rng.range_inclusive(0, expo - expo / 2),
        Jitter::Decorrelated => {
            let hi = previous.max(base).saturating_mul(3);
            rng.range_inclusive(base, hi).min(cap)
        }
    }
}

/// The exponential ceiling min(cap, base × 2^retry), saturating.
pub fn exponential(base: Micros, cap: Micros, retry: u32) -> Micros {
    base.saturating_mul(1u64.checked_shl(retry.min(63)).unwrap_or(u64::MAX)).min(cap)
}

/// A token bucket in thousandths of a token (integers keep runs exact).
#[derive(Clone, Debug)]
pub struct Budget {
    tokens: u64,
    max: u64,
    ratio: u64,
}

impl Budget {
    /// A full bucket.
    pub fn new(b: &RetryBudget) -> Self {
        let max = (b.max_tokens * 1_000.0) as u64;
        Budget { tokens: max, max, ratio: (b.token_ratio * 1_000.0) as u64 }
    }

    /// The bucket that replaces this one when the budget's settings change
    /// mid-run: as full, in proportion, as this one was. gRPC's C core
    /// (the retry throttle's `Create` in its client channel) builds the new
    /// throttle this way so that a client already throttling its retries
    /// on the old scale goes on throttling on the new one; a fresh, full
    /// bucket would let a burst of retries through at the worst moment.
    /// (grpc-go and grpc-java start a full one; we follow the core, which
    /// is what a learner watching a failing link would expect.)
    pub fn rescaled(&self, b: &RetryBudget) -> Self {
        let mut next = Budget::new(b);
        // Exact in thousandths (both at most 10⁶, so the product fits a
        // u64); the floor, as the core's cast truncates. An empty old
        // bucket (never, after validation) leaves the new one full.
        if let Some(scaled) = self.tokens.saturating_mul(next.max).checked_div(self.max) {
            next.tokens = scaled.min(next.max);
        }
        next
    }

    /// A failed attempt takes one token.
    pub fn on_failure(&mut self) {
        self.tokens = self.tokens.saturating_sub(1_000);
    }

    /// A success gives back `token_ratio` tokens.
    pub fn on_success(&mut self) {
        self.tokens = (self.tokens + self.ratio).min(self.max);
    }

    /// Retries are allowed while more than half the bucket is left.
    pub fn allows_retry(&self) -> bool {
        self.tokens > self.max / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(jitter: Jitter) -> RetryPolicy {
        RetryPolicy { max_attempts: 5, base_ms: 100.0, cap_ms: 1_000.0, jitter, budget: None }
    }

    #[test]
    fn no_jitter_doubles_up_to_the_cap() {
        let p = policy(Jitter::None);
        let mut rng = Rng::new(1);
        let sleeps: Vec<Micros> = (0..6).map(|r| backoff(&p, r, 0, &mut rng)).collect();
        assert_eq!(sleeps, [100_000, 200_000, 400_000, 800_000, 1_000_000, 1_000_000]);
        assert_eq!(backoff(&p, 200, 0, &mut rng), 1_000_000, "huge attempt numbers saturate");
    }

    #[test]
    fn jittered_sleeps_stay_in_their_ranges() {
        let mut rng = Rng::new(9);
        for retry in 0..6 {
            let expo = (100_000u64 << retry).min(1_000_000);
            for _ in 0..200 {
                let full = backoff(&policy(Jitter::Full), retry, 0, &mut rng);
                assert!(full <= expo);
                let equal = backoff(&policy(Jitter::Equal), retry, 0, &mut rng);
                assert!(equal >= expo / 2 && equal <= expo);
                let prev = 300_000;
                let dec = backoff(&policy(Jitter::Decorrelated), retry, prev, &mut rng);
                assert!((100_000..=900_000).contains(&dec));
            }
        }
    }

    #[test]
    fn full_jitter_averages_half_the_exponential() {
        let mut rng = Rng::new(4);
        let n = 20_000;
        let mean = (0..n).map(|_| backoff(&policy(Jitter::Full), 2, 0, &mut rng)).sum::<u64>() as f64 / n as f64;
        assert!((mean - 200_000.0).abs() < 6_000.0, "{mean}");
    }

    #[test]
    fn budget_stops_retries_when_half_is_spent() {
        let mut b = Budget::new(&RetryBudget { max_tokens: 10.0, token_ratio: 0.1 });
        for _ in 0..4 {
            b.on_failure();
        }
        assert!(b.allows_retry(), "6 tokens > 5");
        b.on_failure();
        assert!(!b.allows_retry(), "5 tokens is not more than half");
        b.on_success();
        assert!(b.allows_retry(), "5.1 tokens is more than half again");
        for _ in 0..100 {
            b.on_success();
        }
        for _ in 0..4 {
            b.on_failure();
        }
        assert!(b.allows_retry(), "successes refill the bucket, capped at 10: 6 left");
        b.on_failure();
        assert!(!b.allows_retry(), "5 left");
    }

    #[test]
    fn a_changed_budget_keeps_the_share_of_tokens_left() {
        let mut b = Budget::new(&RetryBudget { max_tokens: 10.0, token_ratio: 0.1 });
        for _ in 0..5 {
            b.on_failure();
        }
        assert!(!b.allows_retry(), "5 of 10: throttled");
        let bigger = b.rescaled(&RetryBudget { max_tokens: 20.0, token_ratio: 0.1 });
        assert_eq!(bigger.tokens, 10_000, "half of 20");
        assert!(!bigger.allows_retry(), "still throttled on the new scale");
        let ratio_only = b.rescaled(&RetryBudget { max_tokens: 10.0, token_ratio: 0.5 });
        assert_eq!((ratio_only.tokens, ratio_only.ratio), (5_000, 500), "same size: the tokens stay, the ratio is new");
        let mut odd = Budget::new(&RetryBudget { max_tokens: 3.0, token_ratio: 0.1 });
        odd.on_failure();
        assert_eq!(
            odd.rescaled(&RetryBudget { max_tokens: 10.0, token_ratio: 0.1 }).tokens,
            6_666,
            "2/3 of 10, floored"
        );
    }
}
