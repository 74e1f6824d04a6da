//! Workloads for benchmarks, shared by the native bench (`cargo bench`) and
//! the in-browser benchmark, so both measure the same thing. Timing is the
//! caller's job: the engine has no clock.

use super::presets;
use super::sim::Simulation;
use super::time::SECOND;

/// Runs the M/M/c preset (λ = 90/s, c = 10, mean service 100 ms) for
/// `simulated_seconds` and returns how many customers were served.
pub fn mmc_customers(simulated_seconds: u64, seed: u64) -> u64 {
    let Some(scenario) = presets::load("mmc") else { return 0 };
    let Ok(mut sim) = Simulation::with_seed(scenario, seed) else { return 0 };
    if sim.run_until(simulated_seconds * SECOND).is_err() {
        return 0;
    }
    sim.metrics().nodes[0].completed
}

#[cfg(test)]
mod tests {
    #[test]
    fn serves_about_lambda_customers_per_second() {
        let served = super::mmc_customers(100, 1);
        assert!((8_500..9_500).contains(&served), "{served}");
    }
}
