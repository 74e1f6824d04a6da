//! Engine throughput on the M/M/c model: simulated customers per wall second.
//!
//! `cargo bench --bench mmc` runs it five times and prints the median, so a
//! noisy neighbour on the machine moves the figure less. Reference: SimPy
//! runs the same model at about 33,000 customers/s on the project's 2-core machine.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use patchbay::engine::bench::mmc_customers;

const RUNS: usize = 5;
const SIMULATED_SECONDS: u64 = 20_000;
const SIMPY_CUSTOMERS_PER_S: f64 = 33_000.0;

fn main() {
    // A warm-up run so the first measurement does not pay for page faults.
    mmc_customers(1_000, 0);
    let mut rates = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let started = Instant::now();
        let customers = mmc_customers(SIMULATED_SECONDS, run as u64 + 1);
        let wall = started.elapsed().as_secs_f64();
        let rate = customers as f64 / wall;
        println!("run {}: {customers} customers in {wall:.3} s = {rate:.0} customers/s", run + 1);
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[RUNS / 2];
    println!(
        "M/M/c median: {median:.0} simulated customers/s ({:.0}× SimPy's ~{SIMPY_CUSTOMERS_PER_S:.0}/s)",
        median / SIMPY_CUSTOMERS_PER_S
    );
}
