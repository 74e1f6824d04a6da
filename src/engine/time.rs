//! Simulated time: integer microseconds, so runs replay exactly everywhere.

/// A point or span of simulated time in microseconds.
pub type Micros = u64;

/// One millisecond in [`Micros`].
pub const MILLI: Micros = 1_000;
/// One second in [`Micros`].
pub const SECOND: Micros = 1_000_000;

/// Converts milliseconds (as written in scenarios) to microseconds, rounding
/// to the nearest microsecond; negative and NaN values become zero.
#[inline]
pub fn ms_to_micros(ms: f64) -> Micros {
    round_to_micros(ms * 1_000.0)
}

/// Rounds microseconds to the nearest whole one, halves away from zero:
/// exactly `libm::round(us) as u64` for every input (negative and NaN give
/// 0, anything at or above 2^64 gives `u64::MAX`).
///
/// Every sampled duration and arrival gap goes through here. Below 2^52
/// adding 2^52 rounds to the nearest whole number (ties to even) with
/// nothing lost, since the spacing of doubles there is exactly 1, and the
/// whole number is then the low bits of the sum; at or above 2^52 every
/// double is already whole. This replaces a call into libm's
/// bit-twiddling `round` and the saturating float-to-integer conversion
/// (six instructions of checks on each of the two draws a customer has).
#[inline]
pub fn round_to_micros(us: f64) -> Micros {
    const WHOLE: f64 = 4_503_599_627_370_496.0; // 2^52
    if us < WHOLE {
        // Also NaN, which fails every comparison.
        if us.is_nan() || us <= 0.0 {
            return 0;
        }
        let shifted = us + WHOLE;
        let nearest = shifted.to_bits() - WHOLE.to_bits();
        // The nearest whole number is at most a half away, and both
        // subtractions are exact; exactly a half above it is a tie that
        // went down to even, which rounds up (away from zero) instead.
        // A jump to a cold call, not an add of the comparison: a tie is
        // rare, so the branch is predicted and the result does not wait
        // for the second float chain (every sampled time feeds a timer
        // whose place in the heap is a coin toss resolved from it).
        if us - (shifted - WHOLE) >= 0.5 {
            return tie_up(nearest);
        }
        nearest
    } else {
        // Whole already; `as` saturates at u64::MAX (and infinity).
        us as Micros
    }
}

/// A tie that rounding to even took down: away from zero is one up.
#[cold]
#[inline(never)]
fn tie_up(nearest: Micros) -> Micros {
    nearest + 1
}

/// Converts microseconds to milliseconds for reports.
pub fn micros_to_ms(us: Micros) -> f64 {
    us as f64 / 1_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_clamps() {
        assert_eq!(ms_to_micros(1.5), 1_500);
        assert_eq!(ms_to_micros(0.0004), 0);
        assert_eq!(ms_to_micros(-3.0), 0);
        assert_eq!(ms_to_micros(f64::NAN), 0);
        assert_eq!(ms_to_micros(f64::INFINITY), u64::MAX);
        assert_eq!(micros_to_ms(2_500), 2.5);
    }

    /// The reference `round_to_micros` must match bit for bit.
    fn libm_round(us: f64) -> Micros {
        libm::round(us) as Micros
    }

    #[test]
    fn rounding_matches_libm_everywhere() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            0.49999999999999994,
            1.5,
            2.5,
            -1.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9_007_199_254_740_993.0,
            1.8446744073709552e19,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            f64::MAX,
        ];
        for x in edges {
            assert_eq!(round_to_micros(x), libm_round(x), "{x:e}");
        }
        // Random bit patterns cover every exponent; random values near
        // halves and in the usual range cover the rounding itself.
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            state
        };
        for _ in 0..200_000 {
            let bits = f64::from_bits(next());
            assert_eq!(round_to_micros(bits), libm_round(bits), "{bits:e}");
            let half = (next() % 10_000_000) as f64 + 0.5;
            for x in [half, f64::from_bits(half.to_bits() - 1), f64::from_bits(half.to_bits() + 1)] {
                assert_eq!(round_to_micros(x), libm_round(x), "{x:e}");
            }
            let usual = (next() >> 11) as f64 / (1u64 << 53) as f64 * 1e9;
            assert_eq!(round_to_micros(usual), libm_round(usual), "{usual:e}");
        }
        for ms in [0.0004, 0.0005, 1.5, 1e-9, 2.5e6] {
            assert_eq!(ms_to_micros(ms), libm_round(ms * 1_000.0), "{ms}");
        }
    }
}
