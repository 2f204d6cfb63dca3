//! A run's files: `replications.csv` (streamed), `timeseries.csv` and `summary.csv`, aggregated
//! in replication order by the [`Aggregator`], and the resolved scenario; the manifest is
//! written last by [`super::run`].

use super::{RunIdentity, MAX_REPS, SKETCH_K};
use crate::input::scenario::Scenario;
use crate::metrics::{is_share, MonthRecord, METRICS, N_METRICS};
use crate::output::export::{cell, write_atomic, CsvStream};
use crate::stats::{metric_ci95, quantile_sorted, QuantileSketch, Welford};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

/// Aggregates the records of a run in replication order into `replications.csv` (streamed),
/// `timeseries.csv` and `summary.csv`.
pub struct Aggregator {
    seed: u64,
    /// months aggregated into `timeseries.csv` (0 when it is not written)
    months: usize,
    /// the months of the run's records, whatever is aggregated
    record_months: usize,
    /// replications aggregated so far
    n: u64,
    /// per (month, metric): running mean and sum of squared deviations (Welford), kept as two
    /// arrays so that a month's 45 updates vectorise (the arithmetic of [`Welford::push`])
    mean: Vec<f64>,
    m2: Vec<f64>,
    sketches: Vec<QuantileSketch>,
    summaries: Vec<MonthRecord>,
    replications: CsvStream,
    line: String,
}

impl Aggregator {
    /// Starts aggregating a run into `dir`.
    pub fn new(id: &RunIdentity, dir: &Path) -> Result<Aggregator> {
        Aggregator::with_timeseries(id, dir, true)
    }

    /// Starts aggregating a run into `dir`, with or without `timeseries.csv` (without it, the
    /// month-by-month statistics are not kept at all).
    pub fn with_timeseries(id: &RunIdentity, dir: &Path, timeseries: bool) -> Result<Aggregator> {
        let record_months = id.runs.months as usize;
        let months = if timeseries { record_months } else { 0 };
        let mut header = String::from("replication,seed");
        for m in METRICS {
            header.push(',');
            header.push_str(m.name);
        }
        Ok(Aggregator {
            seed: id.runs.seed,
            months,
            record_months,
            n: 0,
            mean: vec![0.0; months * N_METRICS],
            m2: vec![0.0; months * N_METRICS],
            sketches: (0..months * N_METRICS)
                .map(|_| QuantileSketch::expecting(SKETCH_K, id.runs.reps))
                .collect(),
            summaries: Vec::with_capacity(id.runs.reps.min(MAX_REPS) as usize),
            replications: CsvStream::create(dir.join("replications.csv"), &header)?,
            line: String::with_capacity(1024),
        })
    }

    /// Takes the records of replications `items` (consecutive, in order).
    pub fn push(&mut self, items: Range<u64>, values: &[f64]) -> Result<()> {
        let records: Vec<&[f64]> = values.chunks_exact(self.record_len()).collect();
        self.push_records(items, &records)
    }

    /// Values in one replication's record: its summary, then each month.
    pub fn record_len(&self) -> usize {
        (self.record_months + 1) * N_METRICS
    }

    /// Takes the records of replications `items` (consecutive, in order), one slice of
    /// [`Aggregator::record_len`] values each, wherever they lie (a present-start comparison's
    /// records hold every regime's side by side: each regime's aggregator reads its part of
    /// them in place).
    pub fn push_records(&mut self, items: Range<u64>, records: &[&[f64]]) -> Result<()> {
        for (rep, r) in items.zip(records) {
            let mut summary = [0.0; N_METRICS];
            summary.copy_from_slice(&r[..N_METRICS]);
            self.line.clear();
            let _ = write!(self.line, "{rep},{}", self.seed);
            for v in &summary {
                let _ = write!(self.line, ",{v}");
            }
            self.line.push('\n');
            self.replications.raw(self.line.as_bytes())?;
            self.summaries.push(summary);
        }
        // month by month: one month's statistics stay in cache for the whole chunk
        for t in 0..self.months {
            let cells = t * N_METRICS..(t + 1) * N_METRICS;
            let mean = &mut self.mean[cells.clone()];
            let m2 = &mut self.m2[cells.clone()];
            let sketches = &mut self.sketches[cells];
            let at = (t + 1) * N_METRICS;
            for (i, r) in records.iter().enumerate() {
                let row = &r[at..at + N_METRICS];
                let n = (self.n + i as u64 + 1) as f64;
                for ((x, mean), m2) in row.iter().zip(mean.iter_mut()).zip(m2.iter_mut()) {
                    let d = x - *mean;
                    *mean += d / n;
                    *m2 += d * (x - *mean);
                }
                for (x, sketch) in row.iter().zip(sketches.iter_mut()) {
                    sketch.push(*x);
                }
            }
        }
        self.n += records.len() as u64;
        Ok(())
    }

    /// Writes `timeseries.csv` (unless made without it) and `summary.csv` and finishes
    /// `replications.csv`; returns the per-replication summaries.
    pub fn finish(self, dir: &Path) -> Result<Vec<MonthRecord>> {
        if self.months > 0 {
            self.write_timeseries(dir)?;
        }
        self.replications.finish()?;
        write_atomic(
            &dir.join("summary.csv"),
            summary_csv(&self.summaries).as_bytes(),
        )
        .with_context(|| format!("writing {}", dir.join("summary.csv").display()))?;
        Ok(self.summaries)
    }

    /// Whether `timeseries.csv` is written.
    pub fn has_timeseries(&self) -> bool {
        self.months > 0
    }

    fn write_timeseries(&self, dir: &Path) -> Result<()> {
        let mut ts = String::with_capacity(self.months * N_METRICS * 120);
        ts.push_str("month,metric,mean,sd,p05,p25,p50,p75,p95\n");
        for t in 0..self.months {
            for (j, m) in METRICS.iter().enumerate() {
                let c = t * N_METRICS + j;
                let s = &self.sketches[c];
                let sd = Welford::sd_of(self.n, self.m2[c]);
                let _ = write!(ts, "{},{},{},{sd}", t + 1, m.name, self.mean[c]);
                for v in s.quantiles(&[0.05, 0.25, 0.5, 0.75, 0.95]) {
                    let _ = write!(ts, ",{v}");
                }
                ts.push('\n');
            }
        }
        Ok(write_atomic(&dir.join("timeseries.csv"), ts.as_bytes())?)
    }
}

/// `summary.csv` text: per metric, mean, sd, 95% CI of the mean (a share's on the logit scale,
/// within [0, 1]; empty cells below two replications), p05, p50, p95 over replications.
pub fn summary_csv(summaries: &[MonthRecord]) -> String {
    let mut s = String::from("metric,mean,sd,ci95_low,ci95_high,p05,p50,p95\n");
    for (j, m) in METRICS.iter().enumerate() {
        let mut v: Vec<f64> = summaries.iter().map(|r| r[j]).collect();
        let (mean, sd, lo, hi) = metric_ci95(&v, is_share(j));
        v.sort_by(f64::total_cmp);
        let _ = write!(s, "{},{mean},{sd},", m.name);
        cell(&mut s, lo);
        s.push(',');
        cell(&mut s, hi);
        let _ = writeln!(
            s,
            ",{},{},{}",
            quantile_sorted(&v, 0.05),
            quantile_sorted(&v, 0.5),
            quantile_sorted(&v, 0.95)
        );
    }
    s
}

/// Writes a complete run's data files into `dir` (replications, time series unless dropped,
/// summary, the resolved scenario) and returns its summaries and the files written, for the
/// manifest the caller writes last.
pub(crate) fn write_run_files(
    scenario: &Scenario,
    agg: Aggregator,
    dir: &Path,
) -> Result<(Vec<MonthRecord>, Vec<String>)> {
    let timeseries = agg.has_timeseries();
    let summaries = agg.finish(dir)?;
    write_atomic(
        &dir.join("scenario.resolved.toml"),
        scenario.resolved_toml().as_bytes(),
    )
    .with_context(|| format!("writing {}", dir.join("scenario.resolved.toml").display()))?;
    let mut files: Vec<String> = [
        "replications.csv",
        "timeseries.csv",
        "summary.csv",
        "scenario.resolved.toml",
    ]
    .map(String::from)
    .to_vec();
    if !timeseries {
        files.retain(|f| f != "timeseries.csv");
    }
    Ok((summaries, files))
}
