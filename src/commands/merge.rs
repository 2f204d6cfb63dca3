//! `partnersim merge`: shard directories of one run, sweep or exploration into the single-machine result.

use super::shared::{Context, Outcome};
use crate::error::BadInput;
use crate::job::exec::shard_kind;
use crate::studies::sweep::plots::PlotSpec;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `merge`.
#[derive(Debug, Clone)]
pub struct Args {
    /// shard directories
    pub dirs: Vec<PathBuf>,
    /// output directory
    pub out: PathBuf,
    /// replace whatever result the output directory holds
    pub force: bool,
}

/// Merges, draws the plots, prints a summary (and a sweep's ranking on `out`).
pub fn execute(a: &Args, ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let first = a
        .dirs
        .first()
        .ok_or_else(|| BadInput::err("merge needs at least one shard directory"))?;
    match shard_kind(first)?.as_str() {
        "run" => {
            let o = crate::studies::run::merge(&a.dirs, &a.out, a.force, &ctx.command_line)?;
            let plots = super::plot::run_plots(&a.out)?;
            eprintln!(
                "merged {} shards ({} replications), {} plots -> {}  [{}]",
                a.dirs.len(),
                o.reps_done,
                plots.len(),
                a.out.display(),
                super::run::headline(&o.summaries)
            );
        }
        "sweep" => {
            let (o, spec) =
                crate::studies::sweep::merge(&a.dirs, &a.out, a.force, &ctx.command_line)?;
            super::plot::draw_sweep(&PlotSpec::from_spec(&spec), &o, &a.out)?;
            eprintln!(
                "merged {} sweep shards ({} points x {} replications) -> {}",
                a.dirs.len(),
                o.design.n,
                o.reps,
                a.out.display()
            );
            out.write_all(o.ranking(3).as_bytes())?;
        }
        "explore" => {
            let o = crate::studies::explore::merge(&a.dirs, &a.out, a.force, &ctx.command_line)?;
            eprintln!("merged {} explore shards", a.dirs.len());
            super::explore::report(&o, &a.out, out)?;
        }
        other => {
            return Err(BadInput::err(format!(
                "{}: a shard of {other}, which cannot be merged",
                first.display()
            )))
        }
    }
    Ok(Outcome::Done)
}
