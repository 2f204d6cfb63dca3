//! `partnersim sweep`: a sensitivity sweep described by a sweep file.

use super::shared::{interrupted, Context, JobArgs, Outcome};
use crate::job::shard::Shard;
use crate::job::threads::Threads;
use crate::studies::sweep::plots::PlotSpec;
use crate::studies::sweep::{Method, SweepOptions, SweepSpec, SweepStatus};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `sweep`.
#[derive(Debug, Clone, Default)]
pub struct Args {
    /// the sweep file
    pub file: PathBuf,
    /// output directory (default `output/sweeps/<file stem>/`)
    pub out: Option<PathBuf>,
    /// design seed, overriding the file's `design_seed`
    pub design_seed: Option<u64>,
    /// seed, threads, quiet, resume, force
    pub job: JobArgs,
    /// `--shard I/N` or `auto`
    pub shard: Option<String>,
    /// points per chunk
    pub chunk_points: Option<usize>,
}

/// The default output directory of a sweep file.
pub fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "sweep".to_string(), |s| s.to_string_lossy().into_owned());
    Path::new("output").join("sweeps").join(stem)
}

/// Runs the sweep; a finished one draws its plots and prints its ranking on `out`.
pub fn execute(a: &Args, ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let shard = a.shard.as_deref().map(Shard::parse).transpose()?;
    let threads = Threads::new(a.job.threads)?;
    let mut spec = SweepSpec::load(&a.file)?;
    if let Some(d) = a.design_seed {
        if matches!(spec.method, Method::Grid | Method::Design) {
            return Err(crate::error::BadInput::err(format!(
                "--design-seed {d}: a {} design has no randomness",
                spec.method.name()
            )));
        }
        spec.design_seed = Some(d);
    }
    for w in &spec.warnings {
        eprintln!("warning: {w}");
    }
    let dir = a.out.clone().unwrap_or_else(|| default_out(&a.file));
    let seed = a.job.seed.unwrap_or(spec.seed);
    super::run::check_plots_writable(&dir)?;
    let opts = SweepOptions {
        quiet: a.job.quiet,
        resume: a.job.resume,
        force: a.job.force,
        shard,
        chunk_items: a.chunk_points,
        command: ctx.command_line.clone(),
        ..SweepOptions::new(threads)
    };
    match crate::studies::sweep::run(&spec, &dir, seed, &opts)? {
        SweepStatus::Finished(o) => {
            super::plot::draw_sweep(&PlotSpec::from_spec(&spec), &o, &dir)?;
            eprintln!(
                "sweep done ({} points x {} replications, {:.1} s) -> {}",
                o.design.n,
                o.reps,
                o.wall_seconds,
                dir.display()
            );
            out.write_all(o.ranking(3).as_bytes())?;
            Ok(Outcome::Done)
        }
        SweepStatus::Interrupted { saved, total } => Ok(interrupted(
            &format!("{saved} of {total} points saved"),
            &dir,
        )),
        SweepStatus::Shard { shard, points } => {
            eprintln!(
                "sweep shard {shard}: points {}..{} -> {}; combine the shards with `partnersim merge DIR... --out DIR`",
                points.start,
                points.end,
                dir.display()
            );
            Ok(Outcome::Done)
        }
    }
}
