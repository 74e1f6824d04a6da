//! The queueing-theory card's sentences. The card is where a learner first
//! meets M/M/c, λ, μ, ρ, Erlang C and Little's law (the queue lesson opens
//! on it), so each is said in plain words where it is shown, in the order
//! the card shows them: the model, the rates, the theory that predicts the wait, then
//! Little's law. When the run breaks the model's assumptions (crashes,
//! redeliveries, faults) or the measure is far from the prediction, the
//! card says why they may differ.

use super::super::chart::short_number;
use super::super::queueing::Prediction;
use super::Theory;

impl Theory {
    /// True for the one-worker, fixed-time model (its name is only ever this one).
    fn fixed_times(&self) -> bool {
        self.model == "M/D/1"
    }

    /// The model's letters in words: how messages arrive, how long each
    /// takes, and how many workers serve them.
    pub fn model_words(&self) -> String {
        if self.fixed_times() {
            return "Model M/D/1: messages arrive at random moments (M), each takes the same fixed time (D), \
                    and one worker serves them."
                .to_string();
        }
        let c = self.servers;
        let who = if c == 1 { "one worker serves them".to_string() } else { format!("{c} workers serve them") };
        format!(
            "Model {}: messages arrive at random moments (the first M), each takes a random time (the second M), \
             and {who} (c = {c}).",
            self.model
        )
    }

    /// λ, μ and ρ at the measured rates, each with what it means.
    pub fn rates_words(&self) -> String {
        format!(
            "Measured: λ = {} arrivals a second; μ = {} finished a second by one worker; \
             ρ = λ/(cμ) = {:.2}, the share of time each worker is busy (from 1 up, the queue grows without end).",
            short_number(self.lambda),
            short_number(self.mu),
            self.rho
        )
    }

    /// The theory behind the predicted wait, and what it is; for Erlang C
    /// with the probability it gives now.
    pub fn predictor_words(&self) -> String {
        if self.fixed_times() {
            return "Pollaczek–Khinchine: the mean wait in a one-worker queue with random arrivals; \
                    with fixed times it is half the wait random times would give."
                .to_string();
        }
        let busy = if self.servers == 1 { "the worker busy" } else { "every worker busy" };
        let now = match self.prediction {
            Prediction::Wait { p_wait, .. } => format!(" (now {})", percent(p_wait)),
            Prediction::Unstable | Prediction::Unknown => String::new(),
        };
        format!(
            "Erlang C: the probability that an arrival finds {busy} and has to wait{now}; \
             the predicted wait follows from it."
        )
    }
}

impl Theory {
    /// Whether the measured wait is far from the prediction: apart by more
    /// than half the larger and by at least a millisecond (so that two tiny
    /// waits a few microseconds apart do not count).
    pub fn far_from_prediction(&self) -> bool {
        let Prediction::Wait { wq, .. } = self.prediction else { return false };
        let (measured, predicted) = (self.measured_ms, wq * 1e3);
        let gap = (measured - predicted).abs();
        gap >= 1.0 && gap > 0.5 * measured.max(predicted)
    }

    /// Why the measure may not match the model, when something here breaks
    /// its assumptions (crashes, redeliveries, faults) or the two are far
    /// apart; `None` when nothing calls for it.
    pub fn assumption_words(&self) -> Option<String> {
        let d = &self.departures;
        let mut what = Vec::new();
        if d.crashes > 0 {
            what.push(format!("the workers crashed {}", times(d.crashes)));
        }
        if d.redeliveries > 0 {
            what.push(format!("messages were delivered again {}", times(d.redeliveries)));
        }
        match d.faults {
            0 => {}
            1 => what.push("a fault was injected".to_string()),
            n => what.push(format!("{n} faults were injected")),
        }
        if let Some(last) = what.pop() {
            let list = if what.is_empty() { last } else { format!("{} and {last}", what.join(", ")) };
            return Some(format!(
                "The model assumes workers that never stop, each message served once and no faults, but here {list}: \
                 the prediction leaves that out, while the measured wait includes it for the messages served so far."
            ));
        }
        self.far_from_prediction().then(|| {
            "The measured wait is far from the prediction. The model describes a steady state: arrivals at random \
             moments at an even rate over a long run, and service times of its shape; bursts, a changing load or a \
             short run do not fit it."
                .to_string()
        })
    }
}

/// A count of times in words: "once", "twice", "9 times".
fn times(n: u64) -> String {
    match n {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    }
}

/// Little's law for the wait, measured: the mean number waiting `lq`
/// against the arrival rate times the mean wait `lw`, `off` per cent apart,
/// with what that says.
pub fn little_words(lq: f64, lw: f64, off: f64, verdict: &str) -> String {
    format!(
        "Little's law, L = λW: on average, the number waiting is the arrival rate times how long each waits. \
         Measured: Lq = {} waiting, λ·Wq = {} ({}, {verdict}).",
        short_number(lq),
        short_number(lw),
        apart(lq, lw, off)
    )
}

/// How far Little's two sides are apart: in per cent up to ten times, then
/// as a factor ("15073317 % apart" said nothing a reader could use).
fn apart(lq: f64, lw: f64, off: f64) -> String {
    if off < 1_000.0 {
        return format!("{off:.0} % apart");
    }
    let (low, high) = if lq < lw { (lq, lw) } else { (lw, lq) };
    let times = high / low;
    if low > 0.0 && times.is_finite() {
        format!("{} times apart", short_number(times))
    } else {
        "far apart".to_string()
    }
}

/// A probability as a whole per cent; below one per cent it says so rather than "0 %".
fn percent(p: f64) -> String {
    if p > 0.0 && p < 0.01 {
        "under 1 %".to_string()
    } else {
        format!("{:.0} %", p * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Departures;
    use super::*;

    fn theory(model: &str, servers: u32, prediction: Prediction) -> Theory {
        Theory {
            model: model.to_string(),
            servers,
            lambda: 90.0,
            mu: 10.0,
            rho: 0.9,
            measured_ms: 60.0,
            prediction,
            little: None,
            departures: Departures::default(),
        }
    }

    #[test]
    fn every_symbol_is_said_in_words_where_the_card_shows_it() {
        let th = theory("M/M/10", 10, Prediction::Wait { wq: 0.0669, p_wait: 0.6687 });
        assert_eq!(
            th.model_words(),
            "Model M/M/10: messages arrive at random moments (the first M), each takes a random time \
             (the second M), and 10 workers serve them (c = 10)."
        );
        let rates = th.rates_words();
        assert!(rates.contains("λ = 90 arrivals a second"), "{rates}");
        assert!(rates.contains("μ = 10 finished a second by one worker"), "{rates}");
        assert!(rates.contains("ρ = λ/(cμ) = 0.90, the share of time each worker is busy"), "{rates}");
        assert_eq!(
            th.predictor_words(),
            "Erlang C: the probability that an arrival finds every worker busy and has to wait (now 67 %); \
             the predicted wait follows from it."
        );
        let little = little_words(6.0, 6.02, 0.3, "they agree");
        assert!(little.starts_with("Little's law, L = λW: on average, the number waiting"), "{little}");
        assert!(little.ends_with("Lq = 6 waiting, λ·Wq = 6.02 (0 % apart, they agree)."), "{little}");
        // Ten times or more apart is said as a factor, not a per cent in the millions.
        let far = little_words(99.0, 0.000_66, 15_000_000.0, "v");
        assert!(far.ends_with("λ·Wq = 0 (150k times apart, v)."), "{far}");
        assert!(little_words(0.0, 5.0, 1_000.0, "v").contains("(far apart, v)"));
        assert!(little_words(9.0, 1.0, 800.0, "v").contains("(800 % apart, v)"));
    }

    #[test]
    fn one_worker_and_fixed_times_read_as_such() {
        let one = theory("M/M/1", 1, Prediction::Unstable);
        assert!(one.model_words().contains("one worker serves them (c = 1)"));
        assert!(
            one.predictor_words().contains("finds the worker busy and has to wait;"),
            "no probability when unstable"
        );
        let fixed = theory("M/D/1", 1, Prediction::Wait { wq: 0.2, p_wait: 0.8 });
        assert!(fixed.model_words().contains("the same fixed time (D)"));
        assert!(fixed.predictor_words().contains("half the wait random times would give"));
    }

    #[test]
    fn the_card_says_why_when_the_models_assumptions_do_not_hold() {
        // The queue lesson's last step: 1.31 ms measured against under 0.01 ms.
        let mut th = theory("M/M/4", 4, Prediction::Wait { wq: 0.000_004, p_wait: 0.001 });
        th.measured_ms = 1.314;
        assert!(th.far_from_prediction());
        th.departures = Departures { crashes: 9, redeliveries: 6, faults: 0 };
        assert_eq!(
            th.assumption_words().as_deref(),
            Some(
                "The model assumes workers that never stop, each message served once and no faults, but here \
                 the workers crashed 9 times and messages were delivered again 6 times: the prediction leaves that \
                 out, while the measured wait includes it for the messages served so far."
            )
        );
        th.departures = Departures { crashes: 1, redeliveries: 2, faults: 1 };
        let words = th.assumption_words().unwrap_or_default();
        assert!(
            words.contains(
                "here the workers crashed once, messages were delivered again twice and a fault was injected:"
            ),
            "{words}"
        );
        th.departures = Departures { crashes: 0, redeliveries: 0, faults: 3 };
        assert!(th.assumption_words().unwrap_or_default().contains("here 3 faults were injected:"));
    }

    #[test]
    fn the_card_says_nothing_more_while_the_model_fits() {
        // mmc at 10 minutes: 69.7 ms measured against 66.5 ms.
        let mut th = theory("M/M/10", 10, Prediction::Wait { wq: 0.0665, p_wait: 0.67 });
        th.measured_ms = 69.7;
        assert!(!th.far_from_prediction());
        assert_eq!(th.assumption_words(), None);
        // Tiny waits a few microseconds apart are not "far".
        th.prediction = Prediction::Wait { wq: 0.000_004, p_wait: 0.001 };
        th.measured_ms = 0.05;
        assert_eq!(th.assumption_words(), None);
        // Far apart with nothing to blame: the steady state is named.
        th.prediction = Prediction::Wait { wq: 0.025, p_wait: 0.5 };
        th.measured_ms = 80.0;
        assert!(th.assumption_words().unwrap_or_default().starts_with("The measured wait is far from the prediction."));
        // No prediction, nothing to compare.
        th.prediction = Prediction::Unstable;
        assert_eq!(th.assumption_words(), None);
    }

    #[test]
    fn a_small_probability_is_not_rounded_to_nothing() {
        assert_eq!(percent(0.003), "under 1 %");
        assert_eq!(percent(0.0), "0 %");
        assert_eq!(percent(0.126), "13 %");
    }
}
