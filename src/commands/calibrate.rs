//! `partnersim calibrate`: fits parameters to sourced figures by ABC-SMC (see
//! [`crate::calibrate`]).

use super::shared::{interrupted, Context, Outcome};
use crate::calibrate::{self, CalibrateOptions, CalibrationSpec, CalibrationStatus};
use crate::job::manifest::Clock;
use crate::job::threads::Threads;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `calibrate`.
#[derive(Debug, Clone, Default)]
pub struct Args {
    /// the calibration file
    pub file: PathBuf,
    /// output directory (default `output/calibration/<name>/`)
    pub out: Option<PathBuf>,
    /// master seed, overriding the file's `seed`
    pub seed: Option<u64>,
    /// worker threads (None: one per core)
    pub threads: Option<usize>,
    /// no progress bar
    pub quiet: bool,
    /// continue an interrupted calibration
    pub resume: bool,
    /// replace whatever result the output directory holds
    pub force: bool,
}

/// Runs the calibration; a finished one writes its files and plots and prints the posterior.
pub fn execute(a: &Args, ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let clock = Clock::start();
    let threads = Threads::new(a.threads)?;
    let spec = CalibrationSpec::load(&a.file)?;
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| calibrate::default_out(&spec));
    let seed = a.seed.unwrap_or(spec.seed);
    super::run::check_plots_writable(&dir)?;
    let opts = CalibrateOptions {
        threads,
        quiet: a.quiet,
        resume: a.resume,
        force: a.force,
    };
    let r = match calibrate::run(&spec, &dir, seed, &opts)? {
        CalibrationStatus::Finished(r) => r,
        CalibrationStatus::Interrupted {
            generation,
            saved,
            total,
        } => {
            let what = format!("generation {generation}: {saved} of {total} particles saved");
            return Ok(interrupted(&what, &dir));
        }
    };
    calibrate::plots::draw(&spec, &r, &dir)?;
    let details = calibrate::output::write(&spec, &r, &dir, &ctx.command_line, clock)?;
    eprintln!(
        "calibration done ({} generations, {} particles x {} replications, {:.1} s; stopped: {}) -> {}",
        r.generations.len(),
        r.evaluations,
        spec.reps_per_particle,
        clock.seconds(),
        r.stop,
        dir.display()
    );
    out.write_all(calibrate::summary_table(&spec, &r).as_bytes())?;
    for (label, closest) in &details.unreached {
        eprintln!(
            "partnersim: warning: no posterior particle meets target `{label}` (closest: {closest}); {} — see targets.csv",
            r.stopped_by.unreached_reason()
        );
    }
    for w in &details.warnings {
        eprintln!("partnersim: warning: {w} (generations.csv lists each generation's)");
    }
    Ok(Outcome::Done)
}
