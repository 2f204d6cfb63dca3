//! Running a sweep: design → a [`crate::job`] job of points → `results.csv` and point statistics
//! (as chunks arrive) → indices → files and manifest. Merging sweep shards goes the same way from
//! the shards' chunks. Plots are drawn by the caller ([`super::plots`]) from the outcome.

use super::design;
use super::job::{SweepIdentity, SweepJob};
use super::output::{self, Results};
use super::results::SweepOutcome;
use super::spec::SweepSpec;
use crate::error::BadInput;
use crate::job::exec::{self, Merge, Options, Status};
use crate::job::manifest::{Clock, Manifest, Provenance};
use crate::job::shard::Shard;
use crate::job::threads::Threads;
use crate::job::Job;
use anyhow::Result;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How to run a sweep (the shared batch options of the job core).
pub type SweepOptions = crate::job::exec::BatchOptions;

/// How a sweep invocation ended.
#[derive(Debug, Clone)]
pub enum SweepStatus {
    /// every point is done and the files are written
    Finished(Box<SweepOutcome>),
    /// stopped by Ctrl-C / SIGTERM after a finished chunk; `--resume` continues
    Interrupted {
        /// points saved (of this invocation's range)
        saved: u64,
        /// points in this invocation's range
        total: u64,
    },
    /// a shard finished its points and wrote its record
    Shard {
        /// the shard
        shard: Shard,
        /// its points
        points: Range<u64>,
    },
}

/// Runs a validated sweep into `out` with `seed`.
pub fn run(spec: &SweepSpec, out: &Path, seed: u64, opts: &SweepOptions) -> Result<SweepStatus> {
    let clock = Clock::start();
    if opts.chunk_items == Some(0) {
        return Err(BadInput::err("--chunk-points 0: must be at least 1"));
    }
    crate::job::budget::Budget::current().check(&spec.estimate())?;
    let design = design::build(spec, seed);
    let job = SweepJob::new(spec, &design, seed, opts.chunk_items);
    job.check_points()?;
    let inputs = vec![
        spec.file.display().to_string(),
        spec.file
            .canonicalize()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    ];
    let eopts = Options {
        resume: opts.resume,
        force: opts.force,
        shard: opts.shard,
        quiet: opts.quiet,
        label: "sweep".into(),
        output_bytes: (design.n * (spec.reps_per_point + 1) * (spec.outputs.len() + 2) * 20) as u64,
        inputs,
        ..Options::new(opts.threads)
    };
    let execution = exec::start(&job, out, &eopts)?;
    let mut results = match opts.shard {
        Some(_) => None,
        None => Some(Results::new(spec, design.n, out)?),
    };
    let status = match results.as_mut() {
        Some(r) => execution.run(Some(&mut |items, v: &[f64]| r.push(items, v)))?,
        None => execution.run(None)?,
    };
    match (status, results) {
        (Status::Complete { computed, threads }, Some(results)) => {
            let provenance =
                Provenance::computed(&opts.command, threads, design.n as u64, computed);
            let o = finish(spec, &job, results, out, provenance, clock)?;
            Ok(SweepStatus::Finished(Box::new(o)))
        }
        (Status::ShardDone { shard, items, .. }, _) => Ok(SweepStatus::Shard {
            shard,
            points: items,
        }),
        (Status::Interrupted { saved, total }, _) => Ok(SweepStatus::Interrupted { saved, total }),
        (Status::Complete { .. }, None) => {
            anyhow::bail!("internal error: a sweep shard ended as a complete sweep")
        }
    }
}

/// [`run`] straight through (no resume, no shard), for tests and library use.
pub fn run_spec(
    spec: &SweepSpec,
    out: &Path,
    seed: u64,
    threads: Option<usize>,
    quiet: bool,
) -> Result<SweepOutcome> {
    let opts = SweepOptions {
        quiet,
        ..SweepOptions::new(Threads::new(threads)?)
    };
    match run(spec, out, seed, &opts)? {
        SweepStatus::Finished(o) => Ok(*o),
        SweepStatus::Interrupted { .. } | SweepStatus::Shard { .. } => anyhow::bail!(
            "sweep interrupted; finished chunks are saved in {}: resume to continue",
            out.display()
        ),
    }
}

/// Writes the outputs of a complete sweep (straight or merged), the manifest last.
fn finish(
    spec: &SweepSpec,
    job: &SweepJob<'_>,
    results: Results,
    out: &Path,
    provenance: Provenance,
    clock: Clock,
) -> Result<SweepOutcome> {
    let stats = results.finish()?;
    output::write_points(spec, job.design, out)?;
    let mut o = SweepOutcome::compute(
        spec,
        job.design.clone(),
        stats,
        job.id.seed,
        out.to_path_buf(),
    );
    output::write_indices(spec, &o, out)?;
    let files = [
        "points.csv",
        "results.csv",
        "sensitivity.csv",
        "variance.csv",
    ]
    .map(String::from)
    .to_vec();
    let details = output::details(spec, job.id.seed, job.design.n, job.chunk_points);
    Manifest::new(SweepJob::KIND, provenance, clock, files, details).write_last(out)?;
    o.wall_seconds = clock.seconds();
    Ok(o)
}

/// Merges sweep shard directories into `out`: checks they belong to one sweep and cover every
/// point exactly once, reloads the sweep file they record (it must be unchanged), then computes
/// the final outputs exactly as a single-machine sweep would. Returns the outcome and the sweep.
pub fn merge(
    shard_dirs: &[PathBuf],
    out: &Path,
    force: bool,
    command: &str,
) -> Result<(SweepOutcome, SweepSpec)> {
    let clock = Clock::start();
    let m = Merge::<SweepIdentity>::read(SweepJob::KIND, SweepJob::ITEM, shard_dirs)?;
    let id = &m.job.identity;
    // The estimators and plots need the sweep itself: reload it and check it is unchanged.
    let (file, as_given) = m.input_file(
        "the sweep file",
        " (needed for the indices and plots); run merge where it and its base scenario are at the same paths",
    )?;
    let mut spec = SweepSpec::load(&file)?;
    spec.file = PathBuf::from(&as_given);
    let design = design::build(&spec, id.seed);
    let job = SweepJob::new(&spec, &design, id.seed, Some(m.job.chunk_items as usize));
    m.unchanged(&file, "the sweep (or its base scenario)", &job.id)?;
    m.prepare(out, force)?;
    let mut results = Results::new(&spec, design.n, out)?;
    m.fold(&mut |items, v: &[f64]| results.push(items, v))?;
    let provenance = m.provenance(command, design.n as u64);
    let o = finish(&spec, &job, results, out, provenance, clock)?;
    Ok((o, spec))
}
