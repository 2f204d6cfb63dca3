//! What a comparison produces, in one place: the [`Comparison`] itself (paired differences per
//! metric and scenario, [`ComparisonRow`], the rows of `comparison.csv`; with `--posterior` a
//! [`PosteriorEffect`] per row) and `compare.json` ([`CompareManifest`]: what was compared).
//! `compare` builds and writes them; `plot`, the report and the exporters read them back as the
//! same types.

use super::start::Start;
use crate::metrics::MonthRecord;
use serde::{Deserialize, Serialize};

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
    /// catalogue order: the rows of `comparison.csv`, as [`crate::output::plot::data::read_comparison`]
    /// reads them back
    pub rows: Vec<ComparisonRow>,
    /// with `--posterior`: the effect over parameter and Monte Carlo uncertainty, one per row
    pub posterior: Option<Vec<PosteriorEffect>>,
    /// where the regimes started
    pub start: Start,
    /// with `--assumptions`: what would change each headline effect
    pub assumptions: Option<crate::studies::assumptions::Analysis>,
}

/// A paired effect over posterior draws: for each draw, the mean paired difference over the
/// replications (common random numbers within the draw); their mean and 2.5% / 97.5% quantiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PosteriorEffect {
    /// mean over draws of the per-draw mean paired difference
    pub diff_mean: f64,
    /// 2.5% quantile of the per-draw mean differences
    pub low: f64,
    /// 97.5% quantile of the per-draw mean differences
    pub high: f64,
    /// draws
    pub draws: u64,
}

/// The label of an interval over replications with parameters fixed.
pub const MC_LABEL: &str = "95% CI, Monte Carlo, parameters fixed";
/// The label of an interval over posterior draws.
pub const POSTERIOR_LABEL: &str = "95% interval over posterior draws, parameters and Monte Carlo";

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
                .enumerate()
                .find(|(_, r)| r.scenario == scenario && r.metric == metric)
                .map_or_else(String::new, |(i, r)| {
                    let both = self.posterior.as_ref().and_then(|p| p.get(i));
                    let p = &r.paired;
                    let sg = crate::output::report::signed;
                    if p.diff_ci95_low.is_nan() || p.diff_ci95_high.is_nan() {
                        let d = crate::stats::decimals(p.baseline_mean.abs().max(p.mean.abs()));
                        return format!("{} [CI n/a]", sg(p.diff_mean, d));
                    }
                    let mut digits =
                        crate::stats::decimals(p.baseline_mean.abs().max(p.mean.abs()));
                    // a narrow interval gets the decimals that keep its ends apart
                    let width = p.diff_ci95_high - p.diff_ci95_low;
                    while digits < 6 && width > 0.0 && width < 2.0 * 10f64.powi(-(digits as i32)) {
                        digits += 1;
                    }
                    let mc = format!(
                        "{} [{}, {}]",
                        sg(p.diff_mean, digits),
                        sg(p.diff_ci95_low, digits),
                        sg(p.diff_ci95_high, digits)
                    );
                    match both {
                        Some(e) => {
                            format!("{mc} {{{}, {}}}", sg(e.low, digits), sg(e.high, digits))
                        }
                        None => mc,
                    }
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
        let below = if self.reps < 2 {
            "; n/a below two replications"
        } else {
            ""
        };
        let start = match self.start {
            Start::Present => "--start present: every regime from the baseline's state at month 0",
            Start::Steady => "--start steady: every regime from its own warm-up",
        };
        let mut t = match &self.posterior {
            None => format!(
                "difference from {} (mean over {} paired replications, [{MC_LABEL}]{below}; {start})\n",
                self.baseline, self.reps
            ),
            Some(p) => format!(
                "difference from {} at the posterior mean (mean over {} paired replications, [{MC_LABEL}]{below}); {{{POSTERIOR_LABEL}: {} draws x {} replications}}; {start}\n",
                self.baseline,
                self.reps,
                p.first().map_or(0, |e| e.draws),
                self.reps
            ),
        };
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
        t += &self.verdicts(metrics, &scenarios);
        t
    }

    /// Which scenarios are better, worse or unclear on each of `metrics`, by name, judged on the
    /// widest interval there is (over the posterior draws with `--posterior`).
    fn verdicts(&self, metrics: &[&str], scenarios: &[&str]) -> String {
        use crate::output::report::Verdict;
        let over = if self.posterior.is_some() {
            "the interval over posterior draws"
        } else {
            "the Monte Carlo 95% CI"
        };
        let mut t = format!("verdicts (judged on {over}):\n");
        for m in metrics {
            let spec = crate::metrics::spec(m);
            let mut groups: Vec<(Verdict, Vec<&str>)> = Vec::new();
            for s in scenarios {
                let Some((i, r)) = self
                    .rows
                    .iter()
                    .enumerate()
                    .find(|(_, r)| r.scenario == *s && r.metric == *m)
                else {
                    continue;
                };
                let mut p = r.paired;
                if let Some(e) = self.posterior.as_ref().and_then(|p| p.get(i)) {
                    p.diff_mean = e.diff_mean;
                    p.diff_ci95_low = e.low;
                    p.diff_ci95_high = e.high;
                }
                let v = crate::output::report::verdict(spec, &p, self.reps as usize);
                match groups.iter_mut().find(|g| g.0 == v) {
                    Some(g) => g.1.push(s),
                    None => groups.push((v, vec![s])),
                }
            }
            groups.sort_by_key(|g| g.0 as usize);
            let parts: Vec<String> = groups
                .iter()
                .map(|(v, names)| format!("{}: {}", v.text(), names.join(", ")))
                .collect();
            t += &format!("  {m}: {}\n", parts.join("; "));
        }
        t
    }
}

/// A `comparison.csv` row.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// metric name
    pub metric: String,
    /// scenario name
    pub scenario: String,
    /// baseline scenario name
    pub baseline: String,
    /// the paired statistics, as `compare` computed them
    pub paired: crate::stats::Paired,
    /// with `compare --posterior`: the effect over posterior draws (its `posterior_*` columns)
    pub posterior: Option<PosteriorEffect>,
}

impl ComparisonRow {
    /// The paired statistics with the widest interval the comparison has: over the posterior
    /// draws when `compare --posterior` gave them (their mean difference and 2.5–97.5%
    /// interval), else the Monte Carlo interval with parameters fixed.
    pub fn widest(&self) -> crate::stats::Paired {
        match self.posterior {
            Some(e) if e.low.is_finite() && e.high.is_finite() && e.diff_mean.is_finite() => {
                crate::stats::Paired {
                    mean: self.paired.baseline_mean + e.diff_mean,
                    diff_mean: e.diff_mean,
                    diff_ci95_low: e.low,
                    diff_ci95_high: e.high,
                    ..self.paired
                }
            }
            _ => self.paired,
        }
    }
}

// `compare.json`: what a comparison compared, written by `compare` and read by `plot` and the
// report (one type for both).

/// One key that differs from the baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// parameter path
    pub path: String,
    /// baseline value, as text
    pub baseline: String,
    /// this scenario's value, as text
    pub value: String,
}

/// One scenario of a comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompareEntry {
    /// scenario name
    pub name: String,
    /// its run directory, relative to the comparison directory
    pub dir: String,
    /// its description
    #[serde(default)]
    pub description: String,
    /// the scenario file it came from (with `--variant`: the base file)
    #[serde(default)]
    pub file: String,
    /// keys that differ from the baseline
    #[serde(default)]
    pub differences: Vec<Difference>,
}

/// `compare.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompareManifest {
    /// always "partnersim"
    #[serde(default)]
    pub tool: String,
    /// crate version
    #[serde(default)]
    pub version: String,
    /// baseline scenario name
    pub baseline: String,
    /// scenarios in the order given (baseline included)
    pub scenarios: Vec<CompareEntry>,
    /// master seed
    pub seed: u64,
    /// replications per scenario
    pub reps: u64,
    /// the command line
    #[serde(default)]
    pub command: String,
    /// where the regimes started (files written before starts existed: `steady`)
    #[serde(default = "super::start::steady")]
    pub start: Start,
    /// the question the comparison answers, given its start
    #[serde(default)]
    pub question: String,
}
