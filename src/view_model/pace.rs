//! The speed a run actually reaches. When the engine cannot keep up with
//! the speed asked for, the page runs as fast as its frame budget allows
//! and says so: "×100 asked, ×12 reached".

use std::collections::VecDeque;

use super::speed::label;

/// Wall milliseconds of frames the estimate looks back over.
pub const WINDOW_MS: f64 = 1_000.0;
/// The estimate waits for this many wall milliseconds of frames.
pub const MIN_WINDOW_MS: f64 = 250.0;
/// Below this share of the asked speed, the reached speed is shown.
pub const SHOW_BELOW: f64 = 0.9;

/// Simulated time gained per wall time over the last second of frames.
#[derive(Clone, Debug, Default)]
pub struct PaceMeter {
    /// (wall ms, simulated µs) per frame, oldest first.
    samples: VecDeque<(f64, u64)>,
    asked: f64,
}

impl PaceMeter {
    /// One frame that counted `wall_ms` of wall time and advanced the clock
    /// by `simulated` µs at speed `asked`. A new speed starts a new estimate.
    pub fn record(&mut self, wall_ms: f64, simulated: u64, asked: f64) {
        if asked != self.asked {
            self.clear();
            self.asked = asked;
        }
        self.samples.push_back((wall_ms.max(0.0), simulated));
        while self.samples.len() > 1 && self.wall_ms() - self.samples.front().map_or(0.0, |s| s.0) >= WINDOW_MS {
            self.samples.pop_front();
        }
    }

    fn wall_ms(&self) -> f64 {
        self.samples.iter().map(|s| s.0).sum()
    }

    /// Simulated seconds per wall second, once enough frames are in.
    pub fn reached(&self) -> Option<f64> {
        let wall = self.wall_ms();
        if wall < MIN_WINDOW_MS {
            return None;
        }
        let simulated: u64 = self.samples.iter().map(|s| s.1).sum();
        Some(simulated as f64 / 1_000.0 / wall)
    }

    /// Forgets the frames (paused, fast-forwarding, reset).
    pub fn clear(&mut self) {
        self.samples.clear();
    }

    /// Frames held (bounded by the window).
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// True when no frame is held.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// "×100 asked, ×12 reached" when the run falls clearly short of the speed asked.
pub fn reached_text(asked: f64, reached: Option<f64>) -> Option<String> {
    let r = reached?;
    if r >= asked * SHOW_BELOW {
        return None;
    }
    let reached = if r < 0.01 { "under ×0.01".to_string() } else { label(r) };
    Some(format!("{} asked, {} reached", label(asked), reached))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeping_up_reads_as_the_asked_speed_and_shows_nothing() {
        let mut m = PaceMeter::default();
        assert_eq!(m.reached(), None);
        for _ in 0..60 {
            m.record(16.0, 1_600_000, 100.0);
        }
        let r = m.reached().expect("a second of frames");
        assert!((r - 100.0).abs() < 1e-9, "{r}");
        assert_eq!(reached_text(100.0, Some(r)), None);
    }

    #[test]
    fn falling_behind_is_measured_over_the_last_second() {
        let mut m = PaceMeter::default();
        for _ in 0..30 {
            m.record(33.0, 400_000, 100.0);
        }
        let r = m.reached().expect("enough frames");
        assert!((r - 400.0 / 33.0).abs() < 1e-9, "{r}");
        assert_eq!(reached_text(100.0, Some(r)).as_deref(), Some("×100 asked, ×12 reached"));
        // Old frames leave the window: the estimate follows the new pace.
        for _ in 0..100 {
            m.record(20.0, 1_000_000, 100.0);
        }
        assert!((m.reached().expect("frames") - 50.0).abs() < 1e-9);
        assert!(m.len() <= (WINDOW_MS / 20.0) as usize + 1, "bounded: {}", m.len());
    }

    #[test]
    fn a_new_speed_starts_a_new_estimate() {
        let mut m = PaceMeter::default();
        for _ in 0..30 {
            m.record(16.0, 16_000, 1.0);
        }
        m.record(16.0, 1_600_000, 100.0);
        assert_eq!(m.len(), 1);
        assert_eq!(m.reached(), None, "too few frames at the new speed");
        m.clear();
        assert!(m.is_empty());
    }

    #[test]
    fn reached_text_reads_well() {
        assert_eq!(reached_text(100.0, None), None);
        assert_eq!(reached_text(100.0, Some(95.0)), None);
        assert_eq!(reached_text(100.0, Some(2.5)).as_deref(), Some("×100 asked, ×2.5 reached"));
        assert_eq!(reached_text(1.0, Some(0.004)).as_deref(), Some("×1 asked, under ×0.01 reached"));
    }
}
