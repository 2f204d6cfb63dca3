//! Comparing funding regimes on common random numbers.
//!
//! Every scenario is run with the same seed and replication indices, so
//! replication `i` of each scenario draws the same random events (arrivals,
//! quits, rotations, late payments, proposal scores …) wherever its
//! mechanisms allow (see `docs/ODD.md`, "Stochasticity"). Differences against
//! the baseline are then paired replication by replication.

use crate::export::write_atomic;
use crate::metrics::{MonthRecord, METRICS};
use crate::plot::data::ComparisonRow;
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

/// The outcome of [`compare`].
#[derive(Debug)]
pub struct Comparison {
    /// baseline scenario name
    pub baseline: String,
    /// replications per scenario
    pub reps: u64,
    /// per-scenario summary rows (one per replication), in the order given
    pub summaries: Vec<Vec<MonthRecord>>,
    /// paired differences against the baseline, one per (metric, other scenario), metrics in
    /// catalogue order: the rows of `comparison.csv`, as [`crate::plot::data::read_comparison`]
    /// reads them back
    pub rows: Vec<ComparisonRow>,
}

impl Comparison {
    /// A plain-text table of the paired differences from the baseline in `metrics` (one line a
    /// scenario, `+d [lo, hi]` per metric), for a terminal.
    pub fn table(&self, metrics: &[&str]) -> String {
        let mut scenarios: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !scenarios.contains(&r.scenario.as_str()) {
                scenarios.push(&r.scenario);
            }
        }
        let cell = |scenario: &str, metric: &str| {
            self.rows
                .iter()
                .find(|r| r.scenario == scenario && r.metric == metric)
                .map_or_else(String::new, |r| {
                    let p = &r.paired;
                    let mut digits =
                        crate::stats::decimals(p.baseline_mean.abs().max(p.mean.abs()));
                    // a narrow interval gets the decimals that keep its ends apart
                    let width = p.diff_ci95_high - p.diff_ci95_low;
                    while digits < 6 && width > 0.0 && width < 2.0 * 10f64.powi(-(digits as i32)) {
                        digits += 1;
                    }
                    format!(
                        "{:+.*} [{:+.*}, {:+.*}]",
                        digits, p.diff_mean, digits, p.diff_ci95_low, digits, p.diff_ci95_high
                    )
                })
        };
        let name_w = scenarios
            .iter()
            .map(|s| s.chars().count())
            .chain([8])
            .max()
            .unwrap_or(8);
        let cells: Vec<Vec<String>> = scenarios
            .iter()
            .map(|s| metrics.iter().map(|m| cell(s, m)).collect())
            .collect();
        let widths: Vec<usize> = metrics
            .iter()
            .enumerate()
            .map(|(j, m)| {
                cells
                    .iter()
                    .map(|row| row[j].chars().count())
                    .chain([m.len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |first: &str, cols: &mut dyn Iterator<Item = (&str, usize)>| {
            let mut l = format!("{first:<name_w$}");
            for (c, w) in cols {
                l.push_str(&format!("  {c:<w$}"));
            }
            format!("{}\n", l.trim_end())
        };
        let mut t = format!(
            "difference from {} (mean over {} paired replications, 95% CI)\n",
            self.baseline, self.reps
        );
        t += &line(
            "scenario",
            &mut metrics.iter().copied().zip(widths.iter().copied()),
        );
        for (s, row) in scenarios.iter().zip(&cells) {
            t += &line(
                s,
                &mut row.iter().map(String::as_str).zip(widths.iter().copied()),
            );
        }
        t
    }
}

/// Runs every scenario into `out/<name>/` and writes `comparison.csv` and `compare.json`.
pub fn compare(
    scenarios: &[Scenario],
    baseline: Option<&str>,
    opts: &RunOptions,
    out: &Path,
) -> Result<Comparison> {
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
    let mut rows = Vec::new();
    for (j, m) in METRICS.iter().enumerate() {
        let b: Vec<f64> = all[base].iter().map(|r| r[j]).collect();
        for (k, s) in scenarios.iter().enumerate() {
            if k == base {
                continue;
            }
            let a: Vec<f64> = all[k].iter().map(|r| r[j]).collect();
            rows.push(ComparisonRow {
                metric: m.name.to_string(),
                scenario: s.name.clone(),
                baseline: scenarios[base].name.clone(),
                paired: paired(&a, &b),
            });
        }
    }
    let mut csv = String::from("metric,scenario,baseline,mean,baseline_mean,diff_mean,diff_ci95_low,diff_ci95_high,variance_ratio\n");
    for r in &rows {
        let p = &r.paired;
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            r.metric,
            r.scenario,
            r.baseline,
            p.mean,
            p.baseline_mean,
            p.diff_mean,
            p.diff_ci95_low,
            p.diff_ci95_high,
            p.variance_ratio
        ));
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
    Ok(Comparison {
        baseline: scenarios[base].name.clone(),
        reps: opts.reps,
        summaries: all,
        rows,
    })
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
