//! `partnersim explore`: every regime in every state of the world on common random numbers;
//! robustness, regret, satisficing and PRIM scenario discovery (`docs/explore.md`).

use super::shared::{interrupted, Context, JobArgs, Outcome};
use crate::error::BadInput;
use crate::job::shard::Shard;
use crate::job::threads::Threads;
use crate::studies::explore::run::lhs_states;
use crate::studies::explore::states::States;
use crate::studies::explore::ExploreOutcome;
use crate::studies::explore::{ExploreOptions, ExploreSpec, ExploreStatus};
use crate::studies::posterior::Posterior;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `explore`.
#[derive(Debug, Clone, Default)]
pub struct Args {
    /// the explore file
    pub file: PathBuf,
    /// output directory (default `output/explore/<file stem>/`)
    pub out: Option<PathBuf>,
    /// seed, threads, quiet, resume, force
    pub job: JobArgs,
    /// `--shard I/N` or `auto`
    pub shard: Option<String>,
    /// states per chunk
    pub chunk_states: Option<usize>,
    /// `--posterior FILE`: a calibration's posterior.csv; its calibrated parameters are drawn
    /// (by weight) into the states, beside the file's uncertainties
    pub posterior: Option<PathBuf>,
    /// `--start present|steady`, overriding the file's `start`
    pub start: Option<String>,
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
    let plots = crate::studies::explore::plots::draw_all(o, dir)?;
    crate::studies::explore::report::write_report(o, dir)?;
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

/// `states` joined with `spec.states` draws (by weight, from `seed`) of the calibrated
/// parameters of the posterior in `file`. The posterior must come from the scenario of one of
/// the regimes (the base); a regime that sets a calibrated parameter itself (to another value
/// than the base's) keeps its own value in every state, as under `compare --posterior`.
pub fn with_posterior(
    spec: &ExploreSpec,
    states: States,
    file: &Path,
    seed: u64,
) -> anyhow::Result<States> {
    let post = Posterior::read(file)?;
    if let Some(w) = post.ess_warning() {
        eprintln!("partnersim: warning: {w}");
    }
    let base = spec
        .regimes
        .iter()
        .position(|g| post.check_scenario(&g.scenario).is_ok())
        .ok_or_else(|| {
            BadInput::err(format!(
                "{}: calibrated on scenario `{}`, and no regime of {} is that scenario (as it was calibrated)",
                file.display(),
                post.scenario_name,
                spec.file.display()
            ))
        })?;
    let rows = post.draw(spec.states, seed);
    let drawn = States::from_draws(
        post.parameters.clone(),
        &rows,
        &format!("posterior {}", file.display()),
    )
    .map_err(|e| BadInput::err(e.to_string()))?;
    let first = states.k();
    let mut joined = states
        .join(drawn)
        .map_err(|e| BadInput::err(e.to_string()))?;
    let reg = crate::params::registry();
    let base_values = &spec.regimes[base].scenario.values.0;
    joined.held = spec
        .regimes
        .iter()
        .map(|g| {
            (0..joined.k())
                .map(|d| {
                    let i = joined.index[d];
                    let own = d >= first && g.scenario.values.0[i] != base_values[i];
                    if own {
                        eprintln!(
                            "partnersim: regime `{}` sets calibrated parameter {} itself ({}); it keeps that value in every state",
                            g.name,
                            joined.paths[d],
                            reg[i].value_text(g.scenario.values.0[i])
                        );
                    }
                    own
                })
                .collect()
        })
        .collect();
    Ok(joined)
}

/// Runs the exploration; a finished one prints its headline on `out`.
pub fn execute(a: &Args, ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let shard = a.shard.as_deref().map(Shard::parse).transpose()?;
    let threads = Threads::new(a.job.threads)?;
    let mut spec = ExploreSpec::load(&a.file)?;
    if let Some(s) = &a.start {
        spec.start = crate::studies::compare::start::Start::parse(s, "--start")?;
    }
    let dir = a.out.clone().unwrap_or_else(|| default_out(&a.file));
    let seed = a.job.seed.unwrap_or(spec.seed);
    let opts = ExploreOptions {
        quiet: a.job.quiet,
        resume: a.job.resume,
        force: a.job.force,
        shard,
        chunk_items: a.chunk_states,
        command: ctx.command_line.clone(),
        ..ExploreOptions::new(threads)
    };
    super::run::check_plots_writable(&dir)?;
    // The states of the world: a Latin hypercube of the file's uncertainties, joined with draws
    // of a calibration's posterior when one is given.
    let mut states = lhs_states(&spec, seed);
    if let Some(file) = &a.posterior {
        if a.shard.is_some() {
            return Err(BadInput::err(
                "--shard with --posterior: explore shards can be merged only for states of a Latin hypercube; run the exploration whole",
            ));
        }
        states = with_posterior(&spec, states, file, seed)?;
    }
    match crate::studies::explore::run(&spec, &states, &dir, seed, &opts)? {
        ExploreStatus::Finished(o) => {
            report(&o, &dir, out)?;
            Ok(Outcome::Done)
        }
        ExploreStatus::Interrupted { saved, total } => Ok(interrupted(
            &format!("{saved} of {total} states saved"),
            &dir,
        )),
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
