//! `partnersim patterns`: the effects quoted in ODD §1.2, measured again from the shipped
//! scenarios (paired differences on common random numbers, 95% intervals, Monte Carlo only).

use super::shared::{Outcome, TableFormat};
use crate::job::threads::Threads;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `patterns`.
#[derive(Debug, Clone)]
pub struct Args {
    /// folder holding the scenario files the effects name (`baseline.toml`, …)
    pub scenarios: PathBuf,
    /// replications per scenario
    pub reps: u64,
    /// master seed
    pub seed: u64,
    /// worker threads
    pub threads: Option<usize>,
    /// output format
    pub format: TableFormat,
}

/// Measures every effect and prints the table.
pub fn execute(a: &Args, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    if !(2..=100_000).contains(&a.reps) {
        return Err(crate::error::BadInput::err(format!(
            "--reps {}: must be between 2 and 100000 (an interval needs two replications)",
            a.reps
        )));
    }
    let pool = Threads::new(a.threads)?.pool()?;
    let rows = pool.install(|| crate::studies::patterns::measure(&a.scenarios, a.reps, a.seed))?;
    match a.format {
        TableFormat::Markdown => {
            out.write_all(crate::studies::patterns::markdown(&rows, a.reps, a.seed).as_bytes())?
        }
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "pattern",
                "scenario",
                "baseline",
                "metric",
                "relative",
                "baseline_mean",
                "diff_mean",
                "diff_ci95_low",
                "diff_ci95_high",
                "reps",
                "seed",
            ])?;
            for m in &rows {
                w.write_record([
                    m.effect.pattern.to_string(),
                    m.effect.scenario.to_string(),
                    m.effect.baseline.to_string(),
                    m.effect.metric.to_string(),
                    m.effect.relative.to_string(),
                    m.baseline_mean.to_string(),
                    m.diff.to_string(),
                    m.low.to_string(),
                    m.high.to_string(),
                    a.reps.to_string(),
                    a.seed.to_string(),
                ])?;
            }
            out.write_all(&w.into_inner()?)?;
        }
    }
    Ok(Outcome::Done)
}
