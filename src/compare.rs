//! Comparing funding regimes on common random numbers.
//!
//! Every scenario is run with the same seed and replication indices, so
//! replication `i` of each scenario draws the same random events (arrivals,
//! quits, rotations, late payments, proposal scores …) wherever its
//! mechanisms allow (see `docs/ODD.md`, "Stochasticity"). Differences against
//! the baseline are then paired replication by replication.

use crate::export::write_atomic;
use crate::metrics::{MonthRecord, METRICS};
use crate::run::{self, RunOptions};
use crate::scenario::Scenario;
use crate::stats::paired;
use anyhow::{bail, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One scenario's entry in `compare.json`.
#[derive(Debug, Serialize)]
pub struct CompareEntry {
    /// scenario name
    pub name: String,
    /// its run directory, relative to the comparison directory
    pub dir: String,
    /// its description
    pub description: String,
    /// source file
    pub file: String,
    /// keys that differ from the baseline
    pub differences: Vec<Difference>,
}

/// One key that differs from the baseline.
#[derive(Debug, Serialize)]
pub struct Difference {
    /// parameter path
    pub path: String,
    /// baseline value
    pub baseline: String,
    /// this scenario's value
    pub value: String,
}

/// `compare.json`.
#[derive(Debug, Serialize)]
pub struct CompareManifest {
    /// tool
    pub tool: String,
    /// version
    pub version: String,
    /// baseline scenario name
    pub baseline: String,
    /// scenarios in the order given (baseline included)
    pub scenarios: Vec<CompareEntry>,
    /// seed
    pub seed: u64,
    /// replications per scenario
    pub reps: u64,
    /// command
    pub command: String,
}

/// A directory-safe version of a scenario name.
pub fn dir_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "scenario".into()
    } else {
        s
    }
}

/// Runs every scenario into `out/<name>/` and writes `comparison.csv` and `compare.json`.
/// Returns the per-scenario summaries in the order given.
pub fn compare(
    scenarios: &[Scenario],
    baseline: Option<&str>,
    opts: &RunOptions,
    out: &Path,
) -> Result<Vec<Vec<MonthRecord>>> {
    if scenarios.len() < 2 {
        bail!("compare needs at least two scenarios");
    }
    let mut names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        bail!(
            "two scenarios are named `{}`; give each a distinct `name`",
            w[0]
        );
    }
    let base = match baseline {
        Some(b) => scenarios.iter().position(|s| s.name == b).ok_or_else(|| {
            anyhow::anyhow!(
                "--baseline {b}: no such scenario (have: {})",
                scenarios
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?,
        None => 0,
    };
    crate::export::prepare_output_dir(out)?;
    let mut all = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        let o = run::run(s, opts, &out.join(dir_name(&s.name)))?;
        if o.interrupted {
            bail!("interrupted after {} of {} replications of {}; run the same command with --resume to continue", o.reps_done, opts.reps, s.name);
        }
        all.push(o.summaries);
    }
    let mut csv = String::from("metric,scenario,baseline,mean,baseline_mean,diff_mean,diff_ci95_low,diff_ci95_high,variance_ratio\n");
    for (j, m) in METRICS.iter().enumerate() {
        let b: Vec<f64> = all[base].iter().map(|r| r[j]).collect();
        for (k, s) in scenarios.iter().enumerate() {
            if k == base {
                continue;
            }
            let a: Vec<f64> = all[k].iter().map(|r| r[j]).collect();
            let p = paired(&a, &b);
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\n",
                m.name,
                s.name,
                scenarios[base].name,
                p.mean,
                p.baseline_mean,
                p.diff_mean,
                p.diff_ci95_low,
                p.diff_ci95_high,
                p.variance_ratio
            ));
        }
    }
    write_atomic(&out.join("comparison.csv"), csv.as_bytes())?;
    let entries = scenarios
        .iter()
        .map(|s| CompareEntry {
            name: s.name.clone(),
            dir: dir_name(&s.name),
            description: s.description.clone(),
            file: s
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            differences: s
                .differences_from(&scenarios[base])
                .into_iter()
                .map(|(path, baseline, value)| Difference {
                    path,
                    baseline,
                    value,
                })
                .collect(),
        })
        .collect();
    let man = CompareManifest {
        tool: "partnersim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        baseline: scenarios[base].name.clone(),
        scenarios: entries,
        seed: opts.seed,
        reps: opts.reps,
        command: opts.command.clone(),
    };
    write_atomic(
        &out.join("compare.json"),
        serde_json::to_string_pretty(&man)?.as_bytes(),
    )?;
    Ok(all)
}

/// Loads scenario files and applies `--set` overrides to each.
pub fn load_all(files: &[PathBuf], sets: &[String]) -> Result<Vec<Scenario>> {
    let mut v = Vec::new();
    for f in files {
        let mut s = Scenario::load(f)?;
        for o in sets {
            s.apply_override(o)?;
        }
        v.push(s);
    }
    Ok(v)
}
