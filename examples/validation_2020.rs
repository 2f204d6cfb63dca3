//! The out-of-sample check of ODD §1.4: the 2020 arrival dip. Runs `scenarios/baseline.toml`
//! and `scenarios/validation/arrivals_2020.toml` (arrivals × 0.54 over one calendar year,
//! reported months 45–56) on common random numbers and prints, for the fiscal year that holds
//! nine of the twelve dip months (reported months 48–59, "2020-21"), the change in unique
//! clients and service hours against the same year without the dip and against the year
//! before. The model's figures are compared with IRCC's (admissions −46% in calendar 2020,
//! unique clients −27% from 2019-20 to 2020-21); no parameter was set from them.
//!
//! `cargo run --release --example validation_2020 -- [REPS]` (default 200, seed 42).
use partnersim::input::scenario::Scenario;
use partnersim::metrics::metric_index;
use partnersim::model::Model;
use partnersim::stats::mean_ci95;
use rayon::prelude::*;
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let reps: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(200);
    let seed = 42;
    let base = Scenario::load(Path::new("scenarios/baseline.toml"))?.config();
    let dip = Scenario::load(Path::new("scenarios/validation/arrivals_2020.toml"))?.config();
    let idx = |n: &str| metric_index(n).ok_or_else(|| anyhow::anyhow!("no metric {n}"));
    let (uc, sh, ar) = (
        idx("unique_clients")?,
        idx("service_hours")?,
        idx("arrivals")?,
    );
    let runs: Vec<_> = (0..reps)
        .into_par_iter()
        .map(|r| {
            (
                Model::new(&base, seed, r).run().months,
                Model::new(&dip, seed, r).run().months,
            )
        })
        .collect();
    let sum = |m: &[partnersim::metrics::MonthRecord], k: usize, from: usize| -> f64 {
        m[from..from + 12].iter().map(|r| r[k]).sum()
    };
    let report = |label: &str, f: &dyn Fn(&(Vec<_>, Vec<_>)) -> f64| {
        let xs: Vec<f64> = runs.iter().map(f).collect();
        let (m, _, lo, hi) = mean_ci95(&xs);
        println!(
            "{label}: {:+.1}% (95% CI {:+.1} to {:+.1}; Monte Carlo only)",
            100.0 * m,
            100.0 * lo,
            100.0 * hi
        );
    };
    println!("{reps} paired replications, seed {seed}");
    report(
        "arrivals, calendar year of the dip vs the year before",
        &|(_, d)| sum(d, ar, 45) / sum(d, ar, 33) - 1.0,
    );
    report(
        "unique clients, fiscal year 48-59 vs the same year without the dip",
        &|(b, d)| d[59][uc] / b[59][uc] - 1.0,
    );
    report(
        "unique clients, fiscal year 48-59 vs fiscal year 36-47 (year over year, as IRCC)",
        &|(_, d)| d[59][uc] / d[47][uc] - 1.0,
    );
    report(
        "service hours, fiscal year 48-59 vs the same year without the dip",
        &|(b, d)| sum(d, sh, 48) / sum(b, sh, 48) - 1.0,
    );
    report(
        "service hours, fiscal year 48-59 vs fiscal year 36-47",
        &|(_, d)| sum(d, sh, 48) / sum(d, sh, 36) - 1.0,
    );
    println!("IRCC (Settlement Outcomes Report 2023): admissions -46% (2020), unique clients -27% (2020-21)");
    Ok(())
}
