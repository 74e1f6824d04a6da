//! The simulation speed control: a logarithmic scale from 0.01× to 100×.

/// Slowest speed.
pub const MIN_SPEED: f64 = 0.01;
/// Fastest speed.
pub const MAX_SPEED: f64 = 100.0;
/// Steps of the slider (0 ..= SLIDER_STEPS).
pub const SLIDER_STEPS: u32 = 400;

/// The speed at slider position `pos` (0 ..= SLIDER_STEPS).
pub fn speed_at(pos: u32) -> f64 {
    let f = f64::from(pos.min(SLIDER_STEPS)) / f64::from(SLIDER_STEPS);
    let exp = libm::log10(MIN_SPEED) + f * (libm::log10(MAX_SPEED) - libm::log10(MIN_SPEED));
    libm::pow(10.0, exp)
}

/// A `?speed=` value (`raw` as written, `parsed` as the browser read it:
/// `None` when it is not a decimal number; one too large to read, `1e400`,
/// is infinite and so above the range) over the page's speed `current`:
/// the speed to use, if any, and a note for the page when the value was not
/// used as written.
pub fn speed_from_query(raw: &str, parsed: Option<f64>, current: f64) -> (Option<f64>, Option<String>) {
    let shown: String = raw.chars().take(40).collect();
    match parsed {
        None => (None, Some(format!("?speed={shown} is not a number, so the speed stays {}.", label(current)))),
        Some(v) if !(MIN_SPEED..=MAX_SPEED).contains(&v) => {
            let used = v.clamp(MIN_SPEED, MAX_SPEED);
            let note = format!(
                "?speed={shown} is outside {} to {}, so {} is used.",
                label(MIN_SPEED),
                label(MAX_SPEED),
                label(used)
            );
            (Some(used), Some(note))
        }
        Some(v) => (Some(v), None),
    }
}

/// The slider position closest to `speed`.
pub fn position_of(speed: f64) -> u32 {
    let s = speed.clamp(MIN_SPEED, MAX_SPEED);
    let f = (libm::log10(s) - libm::log10(MIN_SPEED)) / (libm::log10(MAX_SPEED) - libm::log10(MIN_SPEED));
    libm::round(f * f64::from(SLIDER_STEPS)) as u32
}

/// A short label such as "×0.25", "×1" or "×40".
pub fn label(speed: f64) -> String {
    if speed >= 10.0 {
        format!("×{:.0}", speed)
    } else if speed >= 1.0 {
        format!("×{}", trim(format!("{speed:.1}")))
    } else {
        format!("×{}", trim(format!("{speed:.2}")))
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_speed_in_the_link_is_used_clamped_or_refused_with_a_note() {
        assert_eq!(speed_from_query("2", Some(2.0), 0.1), (Some(2.0), None));
        let (used, note) = speed_from_query("0", Some(0.0), 0.1);
        assert_eq!(used, Some(MIN_SPEED));
        assert_eq!(note.as_deref(), Some("?speed=0 is outside ×0.01 to ×100, so ×0.01 is used."));
        assert_eq!(speed_from_query("1e9", Some(1e9), 0.1).0, Some(MAX_SPEED));
        // Too large to read is still a number, above the range (it said "not a number").
        let (used, note) = speed_from_query("1e400", Some(f64::INFINITY), 0.1);
        assert_eq!(used, Some(MAX_SPEED));
        assert_eq!(note.as_deref(), Some("?speed=1e400 is outside ×0.01 to ×100, so ×100 is used."));
        let (used, note) = speed_from_query("abc", None, 0.1);
        assert_eq!(used, None);
        assert_eq!(note.as_deref(), Some("?speed=abc is not a number, so the speed stays ×0.1."));
        let long = "x".repeat(500);
        assert!(speed_from_query(&long, None, 0.1).1.is_some_and(|n| n.len() < 120), "a long value is cut short");
    }

    #[test]
    fn the_scale_is_logarithmic_with_one_in_the_middle() {
        assert!((speed_at(0) - 0.01).abs() < 1e-12);
        assert!((speed_at(SLIDER_STEPS) - 100.0).abs() < 1e-9);
        assert!((speed_at(SLIDER_STEPS / 2) - 1.0).abs() < 1e-12);
        assert!((speed_at(SLIDER_STEPS / 4) - 0.1).abs() < 1e-12);
        for pos in [0, 1, 57, 200, 399, 400] {
            assert_eq!(position_of(speed_at(pos)), pos);
        }
        assert_eq!(position_of(1e9), SLIDER_STEPS);
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(label(1.0), "×1");
        assert_eq!(label(0.25), "×0.25");
        assert_eq!(label(0.1), "×0.1");
        assert_eq!(label(2.5), "×2.5");
        assert_eq!(label(40.0), "×40");
    }
}
