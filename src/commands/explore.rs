//! `partnersim explore`: every regime in every state of the world on common random numbers;
//! robustness, regret, satisficing and PRIM scenario discovery (`docs/explore.md`).

use super::shared::{interrupted_message, Context, Outcome};
use crate::explore::run::{lhs_states, ExploreOutcome};
use crate::explore::{ExploreOptions, ExploreSpec, ExploreStatus};
use crate::job::shard::Shard;
use crate::job::threads::Threads;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `explore`.
#[derive(Debug, Clone, Default)]
pub struct Args {
    /// the explore file
    pub file: PathBuf,
    /// output directory (default `output/explore/<file stem>/`)
    pub out: Option<PathBuf>,
    /// master seed, overriding the file's `seed`
    pub seed: Option<u64>,
    /// worker threads (None: one per core)
    pub threads: Option<usize>,
    /// no progress bar
    pub quiet: bool,
    /// continue an interrupted exploration
    pub resume: bool,
    /// replace whatever result the output directory holds
    pub force: bool,
    /// `--shard I/N` or `auto`
    pub shard: Option<String>,
    /// states per chunk
    pub chunk_states: Option<usize>,
}

/// The default output directory of an explore file.
pub fn default_out(file: &Path) -> PathBuf {
    let stem = file.file_stem().map_or_else(
        || "explore".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    Path::new("output").join("explore").join(stem)
}

/// Draws a finished exploration's plots and `report.html`, prints its headline on `out` and a
/// summary on stderr.
pub fn report(o: &ExploreOutcome, dir: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    let plots = crate::explore::plots::draw_all(o, dir)?;
    crate::explore::report::write_report(o, dir)?;
    eprintln!(
        "explore done ({} states x {} regimes x {} replications, {:.1} s), {} plots, report.html -> {}",
        o.states.n,
        o.spec.regimes.len(),
        o.spec.reps_per_state,
        o.wall_seconds,
        plots.len(),
        dir.display()
    );
    for line in o.headline() {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Runs the exploration; a finished one prints its headline on `out`.
pub fn execute(a: &Args, ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let shard = a.shard.as_deref().map(Shard::parse).transpose()?;
    let threads = Threads::new(a.threads)?;
    let spec = ExploreSpec::load(&a.file)?;
    let dir = a.out.clone().unwrap_or_else(|| default_out(&a.file));
    let seed = a.seed.unwrap_or(spec.seed);
    let opts = ExploreOptions {
        quiet: a.quiet,
        resume: a.resume,
        force: a.force,
        shard,
        chunk_items: a.chunk_states,
        command: ctx.command_line.clone(),
        ..ExploreOptions::new(threads)
    };
    super::run::check_plots_writable(&dir)?;
    // The states of the world. `--posterior FILE` (calibration draws) plugs in here: read the
    // draws into rows of parameter values and use `States::from_draws(paths, &rows, FILE)`
    // instead; everything after takes any `States`.
    let states = lhs_states(&spec, seed);
    match crate::explore::run(&spec, &states, &dir, seed, &opts)? {
        ExploreStatus::Finished(o) => {
            report(&o, &dir, out)?;
            Ok(Outcome::Done)
        }
        ExploreStatus::Interrupted { saved, total } => {
            eprintln!(
                "{}",
                interrupted_message(&format!("{saved} of {total} states saved"), &dir)
            );
            Ok(Outcome::Interrupted)
        }
        ExploreStatus::Shard { shard, states } => {
            eprintln!(
                "explore shard {shard}: states {}..{} -> {}; combine the shards with `partnersim merge DIR... --out DIR`",
                states.start,
                states.end,
                dir.display()
            );
            Ok(Outcome::Done)
        }
    }
}
