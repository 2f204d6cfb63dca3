//! The warm-up's evidence (ODD §5): runs a scenario with no warm-up for its warm-up plus its
//! reported months, and prints yearly means over replications of the state variables that the
//! warm-up lets settle. `cargo run --release --example warmup -- [SCENARIO.toml] [REPS]`.
use partnersim::metrics::metric_index;
use partnersim::model::{Config, Model};
use partnersim::scenario::Scenario;
use rayon::prelude::*;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "scenarios/baseline.toml".into());
    let reps: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(50);
    let s = Scenario::load(std::path::Path::new(&path))?;
    let mut cfg = Config::from_values(&s.values);
    let warmup = cfg.simulation.warmup_months;
    cfg.simulation.duration_months += warmup;
    cfg.simulation.warmup_months = 0;
    let names = [
        "survival_rate",
        "staff_experience_months_mean",
        "reserve_months_median",
        "unmet_need_share",
        "integration_index",
        "staff_turnover_annual",
        "trust_mean",
        "missed_payroll_share",
    ];
    let idx: Vec<usize> = names.iter().map(|n| metric_index(n).unwrap()).collect();
    let runs: Vec<_> = (0..reps)
        .into_par_iter()
        .map(|r| Model::new(&cfg, 42, r).run().months)
        .collect();
    println!(
        "{path}: yearly means over {reps} replications from the start of a {warmup}-month warm-up (year 0 = first reported year)"
    );
    print!("{:>5}", "year");
    for n in names {
        print!(" {:>14}", &n[..n.len().min(14)]);
    }
    println!();
    let months = cfg.simulation.duration_months as usize;
    for y in 0..months / 12 {
        print!("{:>5}", y as i64 - i64::from(warmup / 12));
        for &k in &idx {
            let mut s = 0.0;
            for m in &runs {
                for rec in &m[12 * y..12 * y + 12] {
                    s += rec[k];
                }
            }
            print!(" {:>14.4}", s / (12.0 * reps as f64));
        }
        println!();
    }
    Ok(())
}
