//! Readers for the files the `run` and `compare` commands write.
//!
//! Plots and the report only read these files; nothing here computes model
//! dynamics. Values that do not parse (empty cells, `NaN`) become `NaN` and
//! are skipped when drawing.

use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Quantiles of one metric in one month across replications (a `timeseries.csv` row).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthStats {
    /// mean
    pub mean: f64,
    /// standard deviation
    pub sd: f64,
    /// 5th percentile
    pub p05: f64,
    /// 25th percentile
    pub p25: f64,
    /// median
    pub p50: f64,
    /// 75th percentile
    pub p75: f64,
    /// 95th percentile
    pub p95: f64,
}

/// A `summary.csv` row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SummaryStats {
    /// mean over replications
    pub mean: f64,
    /// standard deviation
    pub sd: f64,
    /// 95% CI of the mean, low end
    pub ci95_low: f64,
    /// 95% CI of the mean, high end
    pub ci95_high: f64,
    /// 5th percentile
    pub p05: f64,
    /// median
    pub p50: f64,
    /// 95th percentile
    pub p95: f64,
}

/// `timeseries.csv`: per metric, one entry per month (months ascending).
#[derive(Debug, Clone, Default)]
pub struct TimeSeries {
    /// months present, ascending
    pub months: Vec<u32>,
    /// per metric, `(month, stats)` ascending by month
    pub series: BTreeMap<String, Vec<(u32, MonthStats)>>,
}

impl TimeSeries {
    /// The series of `metric`, if present.
    pub fn get(&self, metric: &str) -> Option<&[(u32, MonthStats)]> {
        self.series.get(metric).map(|v| v.as_slice())
    }
    /// Last month in the file (0 if empty).
    pub fn last_month(&self) -> u32 {
        self.months.last().copied().unwrap_or(0)
    }
}

/// One run directory, read.
#[derive(Debug, Clone)]
pub struct RunData {
    /// the directory
    pub dir: PathBuf,
    /// scenario name (`manifest.json` `scenario_name`, else the directory name)
    pub name: String,
    /// `manifest.json` (None if absent)
    pub manifest: Option<crate::studies::run::RunManifest>,
    /// `replications.csv` metric columns (in file order) with one value per replication
    pub replications: Vec<(String, Vec<f64>)>,
    /// `timeseries.csv`
    pub timeseries: TimeSeries,
    /// `summary.csv` by metric (empty if the file is absent)
    pub summary: BTreeMap<String, SummaryStats>,
    /// the scenario's timeline events (from `scenario.resolved.toml`; empty without one)
    pub events: Vec<EventMark>,
}

/// A timeline event as plots mark it: the reported month it takes effect from, and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct EventMark {
    /// reported month the event takes effect from (0 = first month after the warm-up); the
    /// time series' month `m` is the end of month `m − 1`, so the mark sits at `x = month`
    pub month: u32,
    /// the event's label (`label` in the scenario file, else generated)
    pub label: String,
}

/// The timeline events of a run directory's `scenario.resolved.toml` (none if the file is
/// absent: results written before timelines existed).
fn read_events(dir: &Path) -> anyhow::Result<Vec<EventMark>> {
    let path = dir.join("scenario.resolved.toml");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let s = crate::input::scenario::Scenario::load(&path)?;
    Ok(s.timeline
        .iter()
        .map(|e| EventMark {
            month: e.event.month,
            label: e.label.clone(),
        })
        .collect())
}

impl RunData {
    /// Per-replication values of `metric`, if present.
    pub fn replication_values(&self, metric: &str) -> Option<&[f64]> {
        self.replications
            .iter()
            .find(|(n, _)| n == metric)
            .map(|(_, v)| v.as_slice())
    }
}

pub use crate::studies::compare::results::{
    CompareEntry as ScenarioEntry, CompareManifest, ComparisonRow, Difference,
};

/// A comparison directory, read: every scenario's run plus the paired differences.
#[derive(Debug, Clone)]
pub struct ComparisonData {
    /// the directory
    pub dir: PathBuf,
    /// `compare.json`
    pub manifest: CompareManifest,
    /// runs in `compare.json` order (baseline included)
    pub runs: Vec<RunData>,
    /// `comparison.csv` rows
    pub rows: Vec<ComparisonRow>,
}

impl ComparisonData {
    /// Index of the baseline in `runs` (0 if the name is not found).
    pub fn baseline_index(&self) -> usize {
        self.runs
            .iter()
            .position(|r| r.name == self.manifest.baseline)
            .unwrap_or(0)
    }
    /// The `comparison.csv` row for (metric, scenario).
    pub fn row(&self, metric: &str, scenario: &str) -> Option<&ComparisonRow> {
        self.rows
            .iter()
            .find(|r| r.metric == metric && r.scenario == scenario)
    }
}

/// A JSON value as plain text: strings unquoted, arrays joined with spaces, null empty.
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}

fn num(s: &str) -> f64 {
    s.trim().parse::<f64>().unwrap_or(f64::NAN)
}

/// Opens a CSV file (fields trimmed) and reads its header.
fn open(path: &Path) -> anyhow::Result<(csv::Reader<std::fs::File>, csv::StringRecord)> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("{}: cannot open", path.display()))?;
    let headers = rdr
        .headers()
        .with_context(|| format!("{}: bad header", path.display()))?
        .clone();
    Ok((rdr, headers))
}

/// Positions of the named columns.
fn columns(headers: &csv::StringRecord, names: &[&str], path: &Path) -> anyhow::Result<Vec<usize>> {
    names
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h == *name)
                .with_context(|| format!("{}: no column `{name}`", path.display()))
        })
        .collect()
}

/// The records, each error naming the file and the record.
fn records<'a>(
    rdr: &'a mut csv::Reader<std::fs::File>,
    path: &'a Path,
) -> impl Iterator<Item = anyhow::Result<csv::StringRecord>> + 'a {
    rdr.records().enumerate().map(move |(line, rec)| {
        rec.with_context(|| format!("{}: record {}", path.display(), line + 1))
    })
}

/// Reads `replications.csv`: every column except `replication` and `seed`.
pub fn read_replications(path: &Path) -> anyhow::Result<Vec<(String, Vec<f64>)>> {
    let (mut rdr, headers) = open(path)?;
    let keep: Vec<usize> = (0..headers.len())
        .filter(|&i| !matches!(&headers[i], "replication" | "seed"))
        .collect();
    let mut cols: Vec<(String, Vec<f64>)> = keep
        .iter()
        .map(|&i| (headers[i].to_string(), Vec::new()))
        .collect();
    for rec in records(&mut rdr, path) {
        let rec = rec?;
        for (c, &i) in keep.iter().enumerate() {
            cols[c].1.push(rec.get(i).map(num).unwrap_or(f64::NAN));
        }
    }
    Ok(cols)
}

/// Reads `timeseries.csv` (tidy long: `month,metric,mean,sd,p05,p25,p50,p75,p95`).
pub fn read_timeseries(path: &Path) -> anyhow::Result<TimeSeries> {
    let (mut rdr, h) = open(path)?;
    let idx = columns(
        &h,
        &[
            "month", "metric", "mean", "sd", "p05", "p25", "p50", "p75", "p95",
        ],
        path,
    )?;
    let mut ts = TimeSeries::default();
    for (line, rec) in records(&mut rdr, path).enumerate() {
        let rec = rec?;
        let f = |k: usize| rec.get(idx[k]).map(num).unwrap_or(f64::NAN);
        let month_text = rec.get(idx[0]).unwrap_or("");
        let month: u32 = month_text.parse().with_context(|| {
            format!(
                "{}: record {}: bad month `{month_text}`",
                path.display(),
                line + 1
            )
        })?;
        let metric = rec.get(idx[1]).unwrap_or("").to_string();
        let stats = MonthStats {
            mean: f(2),
            sd: f(3),
            p05: f(4),
            p25: f(5),
            p50: f(6),
            p75: f(7),
            p95: f(8),
        };
        if ts.months.last() != Some(&month) && !ts.months.contains(&month) {
            ts.months.push(month);
        }
        ts.series.entry(metric).or_default().push((month, stats));
    }
    ts.months.sort_unstable();
    for v in ts.series.values_mut() {
        v.sort_by_key(|(m, _)| *m);
    }
    Ok(ts)
}

/// Reads `summary.csv` (`metric,mean,sd,ci95_low,ci95_high,p05,p50,p95`).
pub fn read_summary(path: &Path) -> anyhow::Result<BTreeMap<String, SummaryStats>> {
    let (mut rdr, h) = open(path)?;
    let idx = columns(
        &h,
        &[
            "metric",
            "mean",
            "sd",
            "ci95_low",
            "ci95_high",
            "p05",
            "p50",
            "p95",
        ],
        path,
    )?;
    let mut out = BTreeMap::new();
    for rec in records(&mut rdr, path) {
        let rec = rec?;
        let f = |k: usize| rec.get(idx[k]).map(num).unwrap_or(f64::NAN);
        out.insert(
            rec.get(idx[0]).unwrap_or("").to_string(),
            SummaryStats {
                mean: f(1),
                sd: f(2),
                ci95_low: f(3),
                ci95_high: f(4),
                p05: f(5),
                p50: f(6),
                p95: f(7),
            },
        );
    }
    Ok(out)
}

/// Reads `comparison.csv`.
pub fn read_comparison(path: &Path) -> anyhow::Result<Vec<ComparisonRow>> {
    let (mut rdr, h) = open(path)?;
    let idx = columns(
        &h,
        &[
            "metric",
            "scenario",
            "baseline",
            "mean",
            "baseline_mean",
            "diff_mean",
            "diff_ci95_low",
            "diff_ci95_high",
            "variance_ratio",
        ],
        path,
    )?;
    // the posterior columns, when `compare --posterior` wrote them
    let post: Option<Vec<usize>> = columns(
        &h,
        &[
            "posterior_diff_mean",
            "posterior_ci95_low",
            "posterior_ci95_high",
            "posterior_draws",
        ],
        path,
    )
    .ok();
    let mut out = Vec::new();
    for rec in records(&mut rdr, path) {
        let rec = rec?;
        let s = |k: usize| rec.get(idx[k]).unwrap_or("").to_string();
        let f = |k: usize| rec.get(idx[k]).map(num).unwrap_or(f64::NAN);
        let posterior = post.as_ref().map(|c| {
            let g = |k: usize| rec.get(c[k]).map(num).unwrap_or(f64::NAN);
            crate::studies::compare::results::PosteriorEffect {
                diff_mean: g(0),
                low: g(1),
                high: g(2),
                draws: rec
                    .get(c[3])
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0),
            }
        });
        out.push(ComparisonRow {
            posterior,
            metric: s(0),
            scenario: s(1),
            baseline: s(2),
            paired: crate::stats::Paired {
                mean: f(3),
                baseline_mean: f(4),
                diff_mean: f(5),
                diff_ci95_low: f(6),
                diff_ci95_high: f(7),
                variance_ratio: f(8),
            },
        });
    }
    Ok(out)
}

/// Reads a run directory (`replications.csv` and `timeseries.csv` required;
/// `summary.csv` and `manifest.json` optional).
pub fn read_run(dir: &Path) -> anyhow::Result<RunData> {
    let manifest_path = dir.join("manifest.json");
    let manifest: Option<crate::studies::run::RunManifest> = if manifest_path.exists() {
        Some(crate::output::export::read_json(&manifest_path)?)
    } else {
        None
    };
    let name = manifest
        .as_ref()
        .map(|m| m.details.identity.scenario_name.clone())
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "run".to_string());
    let summary_path = dir.join("summary.csv");
    let summary = if summary_path.exists() {
        read_summary(&summary_path)?
    } else {
        BTreeMap::new()
    };
    Ok(RunData {
        dir: dir.to_path_buf(),
        name,
        manifest,
        replications: read_replications(&dir.join("replications.csv"))?,
        timeseries: read_timeseries(&dir.join("timeseries.csv"))?,
        summary,
        events: read_events(dir)?,
    })
}

/// Reads a comparison directory: `compare.json`, `comparison.csv` and every scenario's run.
pub fn read_comparison_dir(dir: &Path) -> anyhow::Result<ComparisonData> {
    let mpath = dir.join("compare.json");
    let manifest: CompareManifest = crate::output::export::read_json(&mpath)?;
    if manifest.scenarios.is_empty() {
        bail!("{}: lists no scenarios", mpath.display());
    }
    let mut runs = Vec::with_capacity(manifest.scenarios.len());
    for s in &manifest.scenarios {
        let sub = Path::new(&s.dir);
        if sub.is_absolute()
            || sub
                .components()
                .any(|c| c == std::path::Component::ParentDir)
        {
            bail!(
                "{}: scenario `{}` has dir `{}` outside the comparison directory",
                mpath.display(),
                s.name,
                s.dir
            );
        }
        let mut run = read_run(&dir.join(sub))?;
        run.name = s.name.clone();
        runs.push(run);
    }
    let rows = read_comparison(&dir.join("comparison.csv"))?;
    Ok(ComparisonData {
        dir: dir.to_path_buf(),
        manifest,
        runs,
        rows,
    })
}

/// Type-7 quantile of sorted values (one definition, in [`crate::stats`]).
pub use crate::stats::quantile_sorted as quantile;

/// Finite values, sorted ascending.
pub fn sorted_finite(v: &[f64]) -> Vec<f64> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    s.sort_by(f64::total_cmp);
    s
}
