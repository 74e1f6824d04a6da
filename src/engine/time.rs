//! Simulated time: integer microseconds, so runs replay exactly everywhere.

/// A point or span of simulated time in microseconds.
pub type Micros = u64;

/// One millisecond in [`Micros`].
pub const MILLI: Micros = 1_000;
/// One second in [`Micros`].
pub const SECOND: Micros = 1_000_000;

/// Converts milliseconds (as written in scenarios) to microseconds, rounding
/// to the nearest microsecond; negative and NaN values become zero.
pub fn ms_to_micros(ms: f64) -> Micros {
    if ms.is_nan() || ms <= 0.0 {
        return 0;
    }
    let us = libm::round(ms * 1_000.0);
    if us >= u64::MAX as f64 {
        u64::MAX
    } else {
        us as u64
    }
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
}
