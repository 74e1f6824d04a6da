//! A chart's units and numbers: what the values measure, numbers read
//! short ("1.2k"), and the "nice" steps ticks are placed at.

/// What the values measure, for tick labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Milliseconds.
    Ms,
    /// Seconds.
    Seconds,
    /// Per second.
    PerSecond,
    /// A share shown as 0–100 %.
    Percent,
    /// A plain count.
    Count,
    /// A breaker's state: 0 closed, 1 half-open, 2 open.
    Breaker,
}

impl Unit {
    /// The unit as written after a number.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Ms => " ms",
            Unit::Seconds => " s",
            Unit::PerSecond => "/s",
            Unit::Percent => " %",
            Unit::Count | Unit::Breaker => "",
        }
    }

    /// A value with its unit, rounded for reading.
    pub fn format(self, v: f64) -> String {
        if !v.is_finite() {
            return "–".to_string();
        }
        if self == Unit::Breaker {
            return breaker_word(v).to_string();
        }
        if v > 0.0 && v < 0.005 {
            return format!("< 0.01{}", self.suffix());
        }
        format!("{}{}", short_number(v), self.suffix())
    }
}

fn breaker_word(v: f64) -> &'static str {
    if v >= 1.5 {
        "open"
    } else if v >= 0.5 {
        "half-open"
    } else {
        "closed"
    }
}

/// A number in at most about four characters: 0.25, 3.5, 42, 1.2k, 35k, 1.5M.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 1e6 {
        trim(format!("{:.1}", v / 1e6)) + "M"
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        trim(format!("{:.1}", v / 1e3)) + "k"
    } else if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        trim(format!("{v:.1}"))
    } else {
        trim(format!("{v:.2}"))
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A "nice" step (1, 2 or 5 × 10ᵏ) giving about `count` intervals over `span`.
pub fn nice_step(span: f64, count: u32) -> f64 {
    if span.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !span.is_finite() {
        return 1.0;
    }
    let raw = span / f64::from(count.max(1));
    let mag = libm::pow(10.0, libm::floor(libm::log10(raw)));
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(100.0, 4), 50.0);
        assert_eq!(nice_step(10.0, 4), 5.0);
        assert_eq!(nice_step(7.0, 4), 2.0);
        assert_eq!(nice_step(0.9, 4), 0.5);
        assert_eq!(nice_step(1234.0, 4), 500.0);
        assert!((nice_step(0.03, 3) - 0.01).abs() < 1e-12);
        assert_eq!(nice_step(0.0, 4), 1.0);
        assert_eq!(nice_step(f64::NAN, 4), 1.0);
    }

    #[test]
    fn numbers_read_short() {
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(12.5), "12.5");
        assert_eq!(short_number(250.0), "250");
        assert_eq!(short_number(1500.0), "1.5k");
        assert_eq!(short_number(35_000.0), "35k");
        assert_eq!(short_number(2_000_000.0), "2M");
        assert_eq!(Unit::Ms.format(66.9), "66.9 ms");
        assert_eq!(Unit::PerSecond.format(90.0), "90/s");
        assert_eq!(Unit::Breaker.format(2.0), "open");
        assert_eq!(Unit::Breaker.format(1.0), "half-open");
        assert_eq!(Unit::Count.format(f64::NAN), "–");
    }
}
