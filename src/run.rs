//! Monte Carlo runs: a scenario's replications as a [`crate::job`] job, aggregated in order.
//!
//! Replication `i` of a run is a function of (scenario, seed, i) only: it draws from the streams
//! of [`crate::model::rng`]. The job core computes replications in chunks of [`CHUNK_REPS`]
//! (saved as they finish, reused by `--resume`, sliced by `--shard`) and hands every chunk to the
//! [`Aggregator`] in replication order, so `replications.csv`, `timeseries.csv` and
//! `summary.csv` are byte-identical at any thread count, after any interruption and resume, and
//! when shards computed on different machines are merged ([`merge`]).
//!
//! A replication's record is its summary row followed by its months. Aggregation takes a chunk at
//! a time, month by month (all replications of the chunk for one month's metrics before the next
//! month), so the statistics of one month stay in cache; it runs on one worker while the others
//! compute the next chunk.
//!
//! Memory: two chunks of full time series, the per-replication summary rows, and one bounded
//! quantile sketch per (month, metric).

use crate::error::BadInput;
use crate::export::{self, cell, write_atomic, CsvStream};
use crate::job::budget::{Budget, Estimate};
use crate::job::exec::{self, Merge, Options, Status};
use crate::job::manifest::{Clock, Manifest, Provenance};
use crate::job::shard::Shard;
use crate::job::threads::Threads;
use crate::job::{Differences, Identity, Job};
use crate::metrics::{is_share, MonthRecord, METRICS, N_METRICS};
use crate::model::{Config, Model};
use crate::scenario::Scenario;
use crate::stats::{metric_ci95, quantile_sorted, QuantileSketch, Welford};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Replications per chunk (the unit of work saved to disk and of resume).
pub const CHUNK_REPS: u64 = 64;
/// Values each quantile sketch holds exactly before it starts compacting.
pub const SKETCH_K: usize = 200;
/// Largest number of replications one run accepts.
pub const MAX_REPS: u64 = 10_000_000;

/// What determines a run's numbers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunIdentity {
    /// scenario name
    pub scenario_name: String,
    /// SHA-256 of the resolved scenario values
    pub scenario_hash: String,
    /// the seed, the replications and their layout (written inline in `job.json`)
    #[serde(flatten)]
    pub runs: Runs,
}

/// What every job over replications of scenarios has in its identity after its scenarios: a run
/// and a present-start comparison alike.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Runs {
    /// master seed
    pub seed: u64,
    /// replications
    pub reps: u64,
    /// months per replication
    pub months: u32,
    /// metric names in record order
    pub metrics: Vec<String>,
}

impl Runs {
    /// `reps` replications of `months` months from `seed`, recording every metric.
    pub fn new(seed: u64, reps: u64, months: u32) -> Runs {
        Runs {
            seed,
            reps,
            months,
            metrics: METRICS.iter().map(|m| m.name.to_string()).collect(),
        }
    }

    /// `d` with what differs from `old`: the seed, the replications, the output layout.
    pub fn differences<'d>(&self, old: &Runs, d: &'d mut Differences) -> &'d mut Differences {
        d.value("seed", old.seed, self.seed)
            .value("reps", old.reps, self.reps)
            .when(
                self.metrics != old.metrics || self.months != old.months,
                "output layout",
            )
    }
}

impl Identity for RunIdentity {
    fn differs(&self, old: &RunIdentity) -> Option<String> {
        let mut d = Differences::default();
        d.content(
            "scenario",
            (&old.scenario_name, &old.scenario_hash),
            (&self.scenario_name, &self.scenario_hash),
        );
        self.runs.differences(&old.runs, &mut d).finish()
    }
}

/// A run as a job: item `i` is replication `i`; its record is the summary row, then each month.
pub struct RunJob {
    id: RunIdentity,
    cfg: Config,
}

impl RunJob {
    /// The run of `scenario` with `seed` and `reps` replications.
    pub fn new(scenario: &Scenario, seed: u64, reps: u64) -> RunJob {
        let cfg = scenario.config();
        RunJob {
            id: RunIdentity {
                scenario_name: scenario.name.clone(),
                scenario_hash: scenario.content_hash(),
                runs: Runs::new(seed, reps, cfg.simulation.duration_months),
            },
            cfg,
        }
    }

    /// Its identity.
    pub fn id(&self) -> &RunIdentity {
        &self.id
    }
}

impl Job for RunJob {
    type Identity = RunIdentity;
    const KIND: &'static str = "run";
    const ITEM: &'static str = "replications";

    fn identity(&self) -> &RunIdentity {
        &self.id
    }
    fn items(&self) -> u64 {
        self.id.runs.reps
    }
    fn record_len(&self) -> usize {
        (self.id.runs.months as usize + 1) * N_METRICS
    }
    fn chunk_items(&self) -> u64 {
        CHUNK_REPS
    }
    fn eval_item(&self, item: u64, record: &mut [f64]) -> Result<()> {
        let out = Model::new(&self.cfg, self.id.runs.seed, item).run();
        if out.months.len() != self.id.runs.months as usize {
            anyhow::bail!(
                "replication {item} recorded {} months, the run expects {}",
                out.months.len(),
                self.id.runs.months
            );
        }
        let (summary, months) = record.split_at_mut(N_METRICS);
        summary.copy_from_slice(&out.summary);
        for (dst, m) in months.chunks_exact_mut(N_METRICS).zip(&out.months) {
            dst.copy_from_slice(m);
        }
        Ok(())
    }
}

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
                .map(|_| QuantileSketch::new(SKETCH_K))
                .collect(),
            summaries: Vec::with_capacity(id.runs.reps.min(MAX_REPS) as usize),
            replications: CsvStream::create(dir.join("replications.csv"), &header)?,
            line: String::with_capacity(1024),
        })
    }

    /// Takes the records of replications `items` (consecutive, in order).
    pub fn push(&mut self, items: Range<u64>, values: &[f64]) -> Result<()> {
        let rl = (self.record_months + 1) * N_METRICS;
        let records: Vec<&[f64]> = values.chunks_exact(rl).collect();
        for (rep, r) in items.zip(&records) {
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

/// The run's own part of `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunDetails {
    /// what was run
    #[serde(flatten)]
    pub identity: RunIdentity,
    /// scenario description
    pub scenario_description: String,
    /// every parameter, resolved
    pub scenario: serde_json::Map<String, serde_json::Value>,
    /// in a comparison from the present (`compare --start present`): `present` (absent for a
    /// run of its own, which warms up under its own rules)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<crate::compare::start::Start>,
    /// the scenario whose present the run started from
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_from: Option<String>,
}

/// `manifest.json` of a run.
pub type RunManifest = Manifest<RunDetails>;

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// replications
    pub reps: u64,
    /// master seed
    pub seed: u64,
    /// worker threads
    pub threads: Threads,
    /// no progress bar
    pub quiet: bool,
    /// continue an interrupted run in the same directory
    pub resume: bool,
    /// replace whatever result the directory holds
    pub force: bool,
    /// compute only this shard
    pub shard: Option<Shard>,
    /// write `timeseries.csv` (the month-by-month statistics, which the plots need); `false`
    /// skips its aggregation too, for batch use that wants the per-replication summaries only
    pub timeseries: bool,
    /// the command line, recorded in the manifest
    pub command: String,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            reps: 100,
            seed: 42,
            threads: Threads::all(),
            quiet: true,
            resume: false,
            force: false,
            shard: None,
            timeseries: true,
            command: String::new(),
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// output directory
    pub dir: PathBuf,
    /// how the job ended
    pub status: Status,
    /// replications saved (including reused chunks)
    pub reps_done: u64,
    /// wall time of this invocation
    pub wall_seconds: f64,
    /// per-replication summaries in replication order (empty unless complete)
    pub summaries: Vec<MonthRecord>,
}

impl RunOutcome {
    /// Stopped by Ctrl-C / SIGTERM.
    pub fn interrupted(&self) -> bool {
        matches!(self.status, Status::Interrupted { .. })
    }
    /// Replications computed by this invocation.
    pub fn reps_computed(&self) -> u64 {
        match self.status {
            Status::Complete { computed, .. } | Status::ShardDone { computed, .. } => computed,
            Status::Interrupted { .. } => 0,
        }
    }
}

/// Refuses no replications or more than [`MAX_REPS`].
pub fn check_reps(reps: u64) -> Result<(), BadInput> {
    if reps == 0 || reps > MAX_REPS {
        return Err(BadInput(format!(
            "--reps {reps}: must be between 1 and {MAX_REPS}"
        )));
    }
    Ok(())
}

/// What a run of `reps` replications of `scenario` asks of the work budget: its model runs,
/// and the replications' summaries it holds in memory (with the month-by-month statistics).
pub fn estimate(command: &str, scenario: &Scenario, reps: u64) -> Estimate {
    let months = scenario.values.get("simulation.duration_months")
        + scenario.values.get("simulation.warmup_months");
    Estimate {
        command: command.into(),
        how: format!("{reps} replications of {}", scenario.name),
        runs: reps as f64,
        iso_months_per_run: crate::job::budget::iso_months_per_run(scenario),
        bytes: (reps as f64 + months * SKETCH_K as f64) * (N_METRICS * 8) as f64,
    }
}

/// Refuses runs that cannot be meant: no replications, more than [`MAX_REPS`], or more work or
/// memory than the budget in force ([`Budget::current`]).
pub fn check_size(scenario: &Scenario, reps: u64) -> Result<(), BadInput> {
    check_reps(reps)?;
    Budget::current().check(&estimate("run", scenario, reps))
}

/// Bytes of a run's final outputs (about 20 characters a number), for the disk check.
fn output_bytes(id: &RunIdentity) -> u64 {
    let months = u64::from(id.runs.months);
    (id.runs.reps + months * 8) * N_METRICS as u64 * 20
}

/// Runs `scenario` into `dir`: computes (or reuses) the chunks, then, unless sharded or
/// interrupted, writes `replications.csv`, `timeseries.csv`, `summary.csv`, the resolved
/// scenario, `partnerships.json` (with local partnerships) and `manifest.json` (last).
pub fn run(scenario: &Scenario, opts: &RunOptions, dir: &Path) -> Result<RunOutcome> {
    let clock = Clock::start();
    check_size(scenario, opts.reps)?;
    let job = RunJob::new(scenario, opts.seed, opts.reps);
    let eopts = Options {
        resume: opts.resume,
        force: opts.force,
        shard: opts.shard,
        quiet: opts.quiet,
        label: scenario.name.clone(),
        output_bytes: output_bytes(&job.id),
        ..Options::new(opts.threads)
    };
    let execution = exec::start(&job, dir, &eopts)?;
    // written first, so that shards carry the scenario to `merge`
    write_atomic(
        &dir.join("scenario.resolved.toml"),
        scenario.resolved_toml().as_bytes(),
    )
    .with_context(|| format!("writing {}", dir.join("scenario.resolved.toml").display()))?;
    let mut agg = match opts.shard {
        Some(_) => None,
        None => Some(Aggregator::with_timeseries(&job.id, dir, opts.timeseries)?),
    };
    let status = match agg.as_mut() {
        Some(a) => execution.run(Some(&mut |items, v: &[f64]| a.push(items, v)))?,
        None => execution.run(None)?,
    };
    let reps_done = match &status {
        Status::Interrupted { saved, .. } => *saved,
        Status::ShardDone { items, .. } => items.end - items.start,
        Status::Complete { .. } => opts.reps,
    };
    let mut outcome = RunOutcome {
        dir: dir.to_path_buf(),
        status: status.clone(),
        reps_done,
        wall_seconds: clock.seconds(),
        summaries: Vec::new(),
    };
    let (Status::Complete { computed, threads }, Some(agg)) = (status, agg) else {
        return Ok(outcome);
    };
    outcome.summaries = finish(
        scenario,
        &job,
        agg,
        dir,
        Provenance {
            command: opts.command.clone(),
            threads,
            items: opts.reps,
            items_computed: computed,
            merged_from: Vec::new(),
        },
        clock,
    )?;
    outcome.wall_seconds = clock.seconds();
    Ok(outcome)
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

/// Writes the outputs of a complete run (a straight one or a merge), the manifest last.
fn finish(
    scenario: &Scenario,
    job: &RunJob,
    agg: Aggregator,
    dir: &Path,
    provenance: Provenance,
    clock: Clock,
) -> Result<Vec<MonthRecord>> {
    let (summaries, mut files) = write_run_files(scenario, agg, dir)?;
    if export::partnerships::write_partnership_map(&job.cfg, job.id.runs.seed, dir)? {
        files.push("partnerships.json".into());
    }
    let details = RunDetails {
        identity: job.id.clone(),
        scenario_description: scenario.description.clone(),
        scenario: scenario.resolved_json(),
        start: None,
        start_from: None,
    };
    Manifest::new(RunJob::KIND, provenance, clock, files, details).write_last(dir)?;
    Ok(summaries)
}

/// Merges shard directories of one run into `out`: checks they cover every replication exactly
/// once, then aggregates exactly as a single-machine run would.
pub fn merge(shard_dirs: &[PathBuf], out: &Path, force: bool, command: &str) -> Result<RunOutcome> {
    let clock = Clock::start();
    let m = Merge::<RunIdentity>::read(RunJob::KIND, RunJob::ITEM, shard_dirs)?;
    let id = &m.job.identity;
    // The scenario travels with the shards; it must be the one the results were computed from.
    let resolved = shard_dirs[0].join("scenario.resolved.toml");
    let scenario = Scenario::load(&resolved)
        .map_err(|e| BadInput::err(format!("{}: the shards' scenario: {e}", resolved.display())))?;
    if scenario.content_hash() != id.scenario_hash {
        return Err(BadInput::err(format!(
            "{}: not the scenario the shards computed (content hash differs)",
            resolved.display()
        )));
    }
    let mut scenario = scenario;
    scenario.name = id.scenario_name.clone();
    let job = RunJob::new(&scenario, id.runs.seed, id.runs.reps);
    m.prepare(out, force)?;
    let mut agg = Aggregator::new(id, out)?;
    m.fold(&mut |items, v: &[f64]| agg.push(items, v))?;
    let summaries = finish(
        &scenario,
        &job,
        agg,
        out,
        m.provenance(command, id.runs.reps),
        clock,
    )?;
    Ok(RunOutcome {
        dir: out.to_path_buf(),
        status: Status::Complete {
            computed: 0,
            threads: 0,
        },
        reps_done: id.runs.reps,
        wall_seconds: clock.seconds(),
        summaries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Scenario {
        let mut s = Scenario::default();
        s.apply_override("simulation.duration_months=6").unwrap();
        s.apply_override("simulation.isos=3").unwrap();
        s
    }

    #[test]
    fn records_hold_the_summary_then_the_months() {
        let s = tiny();
        let job = RunJob::new(&s, 42, 3);
        let mut rec = vec![0.0; job.record_len()];
        job.eval_item(2, &mut rec).unwrap();
        let out = Model::new(&s.config(), 42, 2).run();
        assert_eq!(rec[..N_METRICS], out.summary[..]);
        assert_eq!(rec[N_METRICS * 6..], out.months[5][..]);
    }

    #[test]
    fn aggregation_does_not_depend_on_chunk_boundaries() {
        let s = tiny();
        let job = RunJob::new(&s, 42, 9);
        let rl = job.record_len();
        let mut all = vec![0.0; rl * 9];
        for (i, r) in all.chunks_exact_mut(rl).enumerate() {
            job.eval_item(i as u64, r).unwrap();
        }
        let d = tempfile::tempdir().unwrap();
        let mut texts = Vec::new();
        for cuts in [
            vec![0, 9],
            vec![0, 2, 3, 9],
            vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        ] {
            let dir = d.path().join(format!("{}", cuts.len()));
            std::fs::create_dir_all(&dir).unwrap();
            let mut a = Aggregator::new(job.id(), &dir).unwrap();
            for w in cuts.windows(2) {
                let (lo, hi) = (w[0] as u64, w[1] as u64);
                a.push(lo..hi, &all[w[0] * rl..w[1] * rl]).unwrap();
            }
            a.finish(&dir).unwrap();
            texts.push(
                ["replications.csv", "timeseries.csv", "summary.csv"]
                    .map(|f| std::fs::read(dir.join(f)).unwrap()),
            );
        }
        assert!(texts.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn one_replication_has_no_interval() {
        let mut r = [0.0; N_METRICS];
        r[0] = 0.15;
        let text = summary_csv(&[r]);
        let line = text.lines().nth(1).unwrap();
        assert_eq!(line, "survival_rate,0.15,0,,,0.15,0.15,0.15");
    }
}
