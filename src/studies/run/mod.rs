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
use crate::input::scenario::Scenario;
use crate::job::budget::{Budget, Estimate};
use crate::job::exec::{self, Merge, Options, Status};
use crate::job::manifest::{Clock, Manifest, Provenance};
use crate::job::shard::Shard;
use crate::job::threads::Threads;
use crate::job::Job;
use crate::metrics::{MonthRecord, N_METRICS};
use crate::output::export::{self, write_atomic};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

pub mod job;
pub mod output;
pub mod results;

pub use job::{RunIdentity, RunJob, Runs};
pub(crate) use output::write_run_files;
pub use output::{summary_csv, Aggregator};
pub use results::{RunDetails, RunManifest, RunOutcome};

/// Replications per chunk (the unit of work saved to disk and of resume).
pub const CHUNK_REPS: u64 = 64;
/// Values each quantile sketch holds exactly before it starts compacting.
pub const SKETCH_K: usize = 200;
/// Largest number of replications one run accepts.
pub const MAX_REPS: u64 = 10_000_000;

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
/// and what it holds in memory: the replications' summaries, the month-by-month statistics
/// ([`stats_bytes`]) and the chunks of records in flight (the one aggregated, the one computed
/// and a spare buffer).
pub fn estimate(command: &str, scenario: &Scenario, reps: u64) -> Estimate {
    let months = scenario.values.get("simulation.duration_months");
    let record = (N_METRICS * 8) as f64;
    let chunks = 3.0 * (CHUNK_REPS.min(reps) as f64) * (months + 1.0) * record;
    Estimate {
        command: command.into(),
        how: format!("{reps} replications of {}", scenario.name),
        runs: reps as f64,
        iso_months_per_run: crate::job::budget::iso_months_per_run(scenario),
        bytes: reps as f64 * record + stats_bytes(months, reps) + chunks,
    }
}

/// Bytes of one run's month-by-month statistics over `months` reported months: a quantile
/// sketch per month and metric, exact (every value kept) up to [`SKETCH_K`] replications and of
/// bounded size beyond.
pub fn stats_bytes(months: f64, reps: u64) -> f64 {
    months * (SKETCH_K as f64).min(reps as f64) * (N_METRICS * 8) as f64
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
        Provenance::computed(&opts.command, threads, opts.reps, computed),
        clock,
    )?;
    outcome.wall_seconds = clock.seconds();
    Ok(outcome)
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
    use crate::model::Model;

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
