//! `partnersim run`: one scenario, N replications, into a run directory.

use super::shared::{interrupted, Context, Outcome};
use crate::input::scenario::Scenario;
use crate::job::exec::Status;
use crate::job::shard::Shard;
use crate::job::threads::Threads;
use crate::metrics::{is_share, metric_index, MonthRecord};
use crate::stats::metric_ci95;
use crate::studies::compare::dir_name;
use crate::studies::run::{self, RunOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Flags `run` and `compare` share.
#[derive(Debug, Clone)]
pub struct RunFlags {
    /// replications per scenario
    pub reps: u64,
    /// master seed
    pub seed: u64,
    /// worker threads (None: one per core)
    pub threads: Option<usize>,
    /// `--set KEY=VALUE` overrides
    pub set: Vec<String>,
    /// no progress bar
    pub quiet: bool,
    /// continue an interrupted run
    pub resume: bool,
    /// replace whatever result the output directory holds
    pub force: bool,
}

impl Default for RunFlags {
    fn default() -> Self {
        RunFlags {
            reps: 200,
            seed: 42,
            threads: None,
            set: Vec::new(),
            quiet: false,
            resume: false,
            force: false,
        }
    }
}

impl RunFlags {
    /// The run options these flags give (threads checked).
    pub fn options(&self, shard: Option<Shard>, ctx: &Context) -> anyhow::Result<RunOptions> {
        Ok(RunOptions {
            reps: self.reps,
            seed: self.seed,
            threads: Threads::new(self.threads)?,
            quiet: self.quiet,
            resume: self.resume,
            force: self.force,
            shard,
            timeseries: true,
            command: ctx.command_line.clone(),
        })
    }
}

/// Arguments of `run`.
#[derive(Debug, Clone)]
pub struct Args {
    /// the scenario file
    pub file: PathBuf,
    /// output directory (default `output/<scenario name>/`)
    pub out: Option<PathBuf>,
    /// the name of a run with overrides (default: derived from the scenario and the overrides)
    pub name: Option<String>,
    /// `--shard I/N` or `auto`
    pub shard: Option<String>,
    /// draw no plots (batch use)
    pub no_plots: bool,
    /// write no `timeseries.csv` (and so no plots): summaries only
    pub no_timeseries: bool,
    /// the shared flags
    pub flags: RunFlags,
}

/// The metrics `run` and `compare` print on the terminal.
pub const HEADLINE: [&str; 3] = ["survival_rate", "unique_clients", "unmet_need_share"];

/// The headline metrics of a run with 95% intervals (a share's within [0, 1]; n/a below two
/// replications).
pub fn headline(summaries: &[MonthRecord]) -> String {
    HEADLINE
        .iter()
        .filter_map(|m| {
            let j = metric_index(m)?;
            let v: Vec<f64> = summaries.iter().map(|r| r[j]).collect();
            let (mean, _, lo, hi) = metric_ci95(&v, is_share(j));
            Some(if lo.is_nan() {
                format!("{m} {mean:.3} (95% CI n/a: one replication)")
            } else {
                format!("{m} {mean:.3} (95% CI {lo:.3}..{hi:.3})")
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Refuses up front a `plots/` that cannot be written (a re-run into a directory whose plots
/// were made read-only, or a file in its place), rather than after the computing.
pub fn check_plots_writable(dir: &Path) -> anyhow::Result<()> {
    let plots = dir.join("plots");
    if plots.exists() {
        crate::output::export::ensure_writable(&plots)?;
    }
    Ok(())
}

/// Runs the scenario; draws the plots of a complete run.
pub fn execute(a: &Args, ctx: &Context, _out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let shard = a.shard.as_deref().map(Shard::parse).transpose()?;
    let opts = RunOptions {
        timeseries: !a.no_timeseries,
        ..a.flags.options(shard, ctx)?
    };
    let s = Scenario::load(&a.file)?.with_overrides(&a.flags.set, a.name.as_deref())?;
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(dir_name(&s.name)));
    check_plots_writable(&dir)?;
    let o = run::run(&s, &opts, &dir)?;
    match o.status {
        Status::Interrupted { saved, total } => {
            let what = format!("{saved} of {total} replications of {} saved", s.name);
            Ok(interrupted(&what, &dir))
        }
        Status::ShardDone { shard, items, .. } => {
            eprintln!(
                "{}: shard {shard} done (replications {}..{}, {:.1} s) -> {}; combine the shards with `partnersim merge DIR... --out DIR`",
                s.name,
                items.start,
                items.end,
                o.wall_seconds,
                dir.display()
            );
            Ok(Outcome::Done)
        }
        Status::Complete { computed, .. } => {
            let plots = if a.no_plots || a.no_timeseries {
                Vec::new()
            } else {
                super::plot::run_plots(&dir)?
            };
            let rate = if o.wall_seconds > 0.0 {
                computed as f64 / o.wall_seconds
            } else {
                0.0
            };
            eprintln!(
                "{}: {} replications in {:.1} s ({rate:.0}/s), {} plots -> {}  [{}]",
                s.name,
                opts.reps,
                o.wall_seconds,
                plots.len(),
                dir.display(),
                headline(&o.summaries)
            );
            Ok(Outcome::Done)
        }
    }
}
