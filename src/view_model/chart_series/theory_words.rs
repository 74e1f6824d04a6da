//! The queueing-theory card's sentences. The card is where a learner first
//! meets M/M/c, λ, μ, ρ, Erlang C and Little's law (the queue lesson opens
//! on it), so each is said in plain words where it is shown, in the order
//! the card shows them: the model, the rates, the theory that predicts the wait, then
//! Little's law.

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

/// Little's law for the wait, measured: the mean number waiting `lq`
/// against the arrival rate times the mean wait `lw`, `off` per cent apart,
/// with what that says.
pub fn little_words(lq: f64, lw: f64, off: f64, verdict: &str) -> String {
    format!(
        "Little's law, L = λW: on average, the number waiting is the arrival rate times how long each waits. \
         Measured: Lq = {} waiting, λ·Wq = {} ({off:.0} % apart, {verdict}).",
        short_number(lq),
        short_number(lw)
    )
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
    fn a_small_probability_is_not_rounded_to_nothing() {
        assert_eq!(percent(0.003), "under 1 %");
        assert_eq!(percent(0.0), "0 %");
        assert_eq!(percent(0.126), "13 %");
    }
}
