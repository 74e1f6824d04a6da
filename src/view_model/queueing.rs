//! Queueing theory beside the measures: the M/M/c wait (Erlang C), the
//! M/D/1 wait (Pollaczek–Khinchine) and Little's law, for a queue's or a
//! service's measured arrival and service rates (SEMANTICS.md, "Queueing
//! ground truth").

/// What theory predicts for a queue at the measured rates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Prediction {
    /// A steady state exists: the mean wait before service, in seconds, and
    /// the probability that an arrival waits at all.
    Wait {
        /// Mean time waiting for a server (Wq), seconds.
        wq: f64,
        /// Probability of waiting (Erlang C; ρ for M/D/1).
        p_wait: f64,
    },
    /// ρ ≥ 1: arrivals outpace the servers and the queue grows without bound.
    Unstable,
    /// No arrivals, no service rate or no server measured yet.
    Unknown,
}

/// Which model the service times follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// Exponential service times, `c` servers (Erlang C).
    Mmc,
    /// Constant service times, one server (Pollaczek–Khinchine).
    Md1,
}

impl Model {
    /// The model's name as queueing texts write it, for `c` servers.
    pub fn name(self, c: u32) -> String {
        match self {
            Model::Mmc => format!("M/M/{c}"),
            Model::Md1 => "M/D/1".to_string(),
        }
    }
}

/// Offered load per server, ρ = λ / (c μ).
pub fn rho(lambda: f64, mu: f64, c: u32) -> f64 {
    if mu <= 0.0 || c == 0 {
        return f64::INFINITY;
    }
    lambda / (f64::from(c) * mu)
}

/// Erlang C: the probability that an arrival waits, with offered load
/// `a = λ/μ` on `c` servers; `None` when `a ≥ c` (no steady state).
///
/// Computed through the Erlang B recursion, B(k) = a·B(k−1) / (k + a·B(k−1)),
/// which never forms aᶜ or c! and so stays accurate for large `c`.
pub fn erlang_c(c: u32, a: f64) -> Option<f64> {
    if c == 0 || a.is_nan() || a < 0.0 || a >= f64::from(c) {
        return None;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let rho = a / f64::from(c);
    Some(b / (1.0 - rho + rho * b))
}

/// The M/M/c prediction for arrival rate `lambda` and service rate `mu` (per second) on `c` servers.
pub fn mmc(lambda: f64, mu: f64, c: u32) -> Prediction {
    if lambda.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
        || mu.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
        || c == 0
    {
        return Prediction::Unknown;
    }
    match erlang_c(c, lambda / mu) {
        Some(p_wait) => Prediction::Wait { wq: p_wait / (f64::from(c) * mu - lambda), p_wait },
        None => Prediction::Unstable,
    }
}

/// The M/D/1 prediction (Pollaczek–Khinchine with no service-time variance):
/// Wq = ρ / (2 μ (1 − ρ)), half the M/M/1 wait at the same load.
pub fn md1(lambda: f64, mu: f64) -> Prediction {
    if lambda.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
        || mu.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
    {
        return Prediction::Unknown;
    }
    let rho = lambda / mu;
    if rho >= 1.0 {
        return Prediction::Unstable;
    }
    Prediction::Wait { wq: rho / (2.0 * mu * (1.0 - rho)), p_wait: rho }
}

/// The prediction of `model`.
pub fn predict(model: Model, lambda: f64, mu: f64, c: u32) -> Prediction {
    match model {
        Model::Mmc => mmc(lambda, mu, c),
        Model::Md1 if c == 1 => md1(lambda, mu),
        Model::Md1 => mmc(lambda, mu, c),
    }
}

/// Little's law checked on measures: the mean number in the system `l`
/// (a time average) against arrival rate × mean time in the system.
/// Returns (λW, relative difference |L − λW| / λW), or `None` without data.
pub fn little(l: f64, lambda: f64, w: f64) -> Option<(f64, f64)> {
    let lw = lambda * w;
    if lw.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !l.is_finite() {
        return None;
    }
    Some((lw, (l - lw).abs() / lw))
}

/// How far apart Little's two sides are, in per cent, and what that says.
/// `growing` is true when arrivals outpace service (ρ ≥ 1): the waits of the
/// messages still in the backlog have not ended, so the measured mean wait
/// (and λ·Wq with it) trails the backlog itself. That is the law holding on
/// a system that is not steady, not a broken measurement, and it is said so.
pub fn little_verdict(l: f64, lw: f64, growing: bool) -> (f64, &'static str) {
    let off = if lw > 0.0 { (l - lw).abs() / lw * 100.0 } else { 0.0 };
    let verdict = if off <= 10.0 {
        "they agree"
    } else if growing && l > lw {
        "the backlog is growing: Wq counts only waits that have ended, so λ·Wq trails Lq"
    } else if l >= 2.0 * lw {
        // The rates measured so far may say ρ < 1 while the workers have
        // stopped taking work (hung, crashed): the messages left waiting
        // are in Lq but not yet in Wq.
        "messages are left waiting: Wq counts only waits that have ended, so λ·Wq trails Lq"
    } else {
        "not settled yet"
    };
    (off, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, tol: f64) -> bool {
        (got - want).abs() <= tol * want.abs().max(1e-12)
    }

    #[test]
    fn erlang_c_matches_the_tables() {
        // Published Erlang C values (e.g. call-centre tables): C(c, a).
        let table = [
            (1, 0.5, 0.5),
            (2, 1.0, 1.0 / 3.0),
            (10, 9.0, 0.668_7),
            (5, 4.0, 0.554_1),
            (3, 2.0, 0.444_4),
            (20, 15.0, 0.160_4),
        ];
        for (c, a, want) in table {
            let got = erlang_c(c, a).expect("stable");
            assert!(close(got, want, 2e-3), "C({c}, {a}) = {got}, table {want}");
        }
        // M/M/1: C = ρ.
        assert!(close(erlang_c(1, 0.8).expect("stable"), 0.8, 1e-12));
        // Large c stays finite and sensible (no c! overflow).
        let big = erlang_c(500, 480.0).expect("stable");
        assert!(big > 0.0 && big < 1.0, "{big}");
        assert_eq!(erlang_c(10, 10.0), None);
        assert_eq!(erlang_c(0, 0.5), None);
        assert_eq!(erlang_c(3, f64::NAN), None);
    }

    #[test]
    fn mmc_wait_is_erlang_c_over_the_spare_capacity() {
        // The mmc preset: λ = 90/s, μ = 10/s, c = 10 → Wq ≈ 66.9 ms.
        let Prediction::Wait { wq, p_wait } = mmc(90.0, 10.0, 10) else { panic!("stable") };
        assert!(close(p_wait, 0.6687, 1e-3), "{p_wait}");
        assert!(close(wq, 0.06687, 1e-3), "{wq}");
        // M/M/1 at ρ = 0.8, μ = 10: Wq = ρ / (μ − λ) = 0.4 s.
        let Prediction::Wait { wq, .. } = mmc(8.0, 10.0, 1) else { panic!("stable") };
        assert!(close(wq, 0.4, 1e-12));
        assert_eq!(mmc(100.0, 10.0, 10), Prediction::Unstable, "ρ = 1");
        assert_eq!(mmc(120.0, 10.0, 10), Prediction::Unstable);
        assert_eq!(mmc(0.0, 10.0, 10), Prediction::Unknown);
        assert_eq!(mmc(5.0, 0.0, 10), Prediction::Unknown);
        assert!(close(rho(90.0, 10.0, 10), 0.9, 1e-12));
    }

    #[test]
    fn md1_waits_half_as_long_as_mm1() {
        // Pollaczek–Khinchine with constant service: ρ = 0.8, μ = 10 → 0.2 s.
        let Prediction::Wait { wq, p_wait } = md1(8.0, 10.0) else { panic!("stable") };
        assert!(close(wq, 0.2, 1e-12) && close(p_wait, 0.8, 1e-12));
        let Prediction::Wait { wq: mm1, .. } = mmc(8.0, 10.0, 1) else { panic!("stable") };
        assert!(close(wq * 2.0, mm1, 1e-12));
        assert_eq!(md1(10.0, 10.0), Prediction::Unstable);
        assert_eq!(predict(Model::Md1, 8.0, 10.0, 1), md1(8.0, 10.0));
        assert_eq!(Model::Mmc.name(10), "M/M/10");
    }

    #[test]
    fn littles_verdict_names_a_growing_backlog() {
        assert_eq!(little_verdict(10.0, 9.5, false).1, "they agree");
        assert_eq!(little_verdict(10.0, 9.5, true).1, "they agree", "close is close, growing or not");
        assert_eq!(little_verdict(15.0, 10.0, false).1, "not settled yet");
        assert!(little_verdict(20.0, 10.0, false).1.starts_with("messages are left waiting"), "ρ < 1, far behind");
        assert!(little_verdict(20.0, 10.0, true).1.starts_with("the backlog is growing"));
        assert_eq!(little_verdict(5.0, 10.0, true).1, "not settled yet", "trailing the other way is not growth");
        assert_eq!(little_verdict(1.0, 0.0, false).0, 0.0, "no rate: no division");
        assert!((little_verdict(20.0, 10.0, false).0 - 100.0).abs() < 1e-9);
    }

    #[test]
    fn littles_law() {
        let (lw, err) = little(9.6, 90.0, 0.1067).expect("data");
        assert!(close(lw, 9.603, 1e-3) && err < 0.01);
        assert_eq!(little(1.0, 0.0, 1.0), None);
    }
}
