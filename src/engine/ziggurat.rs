//! Exponential random numbers by the ziggurat method (Marsaglia and Tsang,
//! "The Ziggurat Method for Generating Random Variables", 2000), with 256
//! layers. About 99 % of draws cost one random word, a multiply and a
//! compare; only the rest touch `exp`/`ln`. The tables are computed once
//! with `libm`, so every platform gets the same bits.

use std::sync::OnceLock;

use super::rng::Rng;

const R: f64 = 7.697_117_470_131_05;
const V: f64 = 3.949_659_822_581_572e-3;
const M: f64 = 4_294_967_296.0;

struct Tables {
    k: [u32; 256],
    w: [f64; 256],
    f: [f64; 256],
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Tables { k: [0; 256], w: [0.0; 256], f: [0.0; 256] };
        let mut de = R;
        let mut te = R;
        let q = V / libm::exp(-de);
        t.k[0] = ((de / q) * M) as u32;
        t.k[1] = 0;
        t.w[0] = q / M;
        t.w[255] = de / M;
        t.f[0] = 1.0;
        t.f[255] = libm::exp(-de);
        for i in (1..=254).rev() {
            de = -libm::log(V / de + libm::exp(-de));
            t.k[i + 1] = ((de / te) * M) as u32;
            te = de;
            t.f[i] = libm::exp(-de);
            t.w[i] = de / M;
        }
        t
    })
}

/// A draw from the exponential distribution with mean 1.
// The common case (one word, a compare, a multiply) is inlined natively
// into the two hot callers; the rare rest stays out of line.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub fn exp1(rng: &mut Rng) -> f64 {
    let t = tables();
    let bits = rng.next_u64();
    let i = (bits & 0xff) as usize;
    let j = (bits >> 32) as u32;
    if j < t.k[i] {
        return f64::from(j) * t.w[i];
    }
    exp1_rest(rng, t, bits)
}

/// The ziggurat's slow path for a first word `bits` that missed the
/// rectangle: the tail, the wedge test, and further words if rejected.
#[cold]
fn exp1_rest(rng: &mut Rng, t: &Tables, mut bits: u64) -> f64 {
    loop {
        let i = (bits & 0xff) as usize;
        let j = (bits >> 32) as u32;
        let x = f64::from(j) * t.w[i];
        if j < t.k[i] {
            return x;
        }
        if i == 0 {
            // The tail beyond R is itself exponential, shifted.
            return R - libm::log(rng.next_f64_open0());
        }
        if t.f[i] + rng.next_f64() * (t.f[i - 1] - t.f[i]) < libm::exp(-x) {
            return x;
        }
        bits = rng.next_u64();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_exponential_distribution() {
        let mut rng = Rng::new(17);
        let n = 400_000;
        let draws: Vec<f64> = (0..n).map(|_| exp1(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        // P(X > t) = e^-t, including deep in the tail beyond the base layer.
        for t in [0.5, 1.0, 2.0, 4.0, 8.0] {
            let p = draws.iter().filter(|x| **x > t).count() as f64 / n as f64;
            let want = libm::exp(-t);
            assert!((p - want).abs() < 4.0 * (want / n as f64).sqrt() + 1e-4, "P(X > {t}) = {p}, want {want}");
        }
        assert!(draws.iter().all(|x| *x >= 0.0 && x.is_finite()));
    }
}
