//! `partnersim calibrate`: fits parameters to sourced figures by ABC-SMC (see
//! [`crate::studies::calibrate`]).

use super::shared::{interrupted, Context, JobArgs, Outcome};
use crate::job::manifest::Clock;
use crate::job::threads::Threads;
use crate::studies::calibrate::{self, CalibrateOptions, CalibrationSpec, CalibrationStatus};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `calibrate`.
#[derive(Debug, Clone, Default)]
pub struct Args {
    /// the calibration file
    pub file: PathBuf,
    /// output directory (default `output/calibration/<name>/`)
    pub out: Option<PathBuf>,
    /// `--ship FILE`: also write the posterior as one self-describing file
    /// ([`crate::studies::posterior::shipped_text`])
    pub ship: Option<PathBuf>,
    /// seed, threads, quiet, resume, force
    pub job: JobArgs,
}

/// Runs the calibration; a finished one writes its files and plots and prints the posterior.
pub fn execute(a: &Args, ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let clock = Clock::start();
    let threads = Threads::new(a.job.threads)?;
    let spec = CalibrationSpec::load(&a.file)?;
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| calibrate::default_out(&spec));
    let seed = a.job.seed.unwrap_or(spec.seed);
    super::run::check_plots_writable(&dir)?;
    let opts = CalibrateOptions {
        threads,
        quiet: a.job.quiet,
        resume: a.job.resume,
        force: a.job.force,
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
    if let Some(file) = &a.ship {
        let calibrate::spec::Base::Scenario { scenario, .. } = &spec.base else {
            return Err(crate::error::BadInput::err(format!(
                "--ship {}: a test model's posterior cannot be shipped (no base scenario)",
                file.display()
            )));
        };
        // the command as typed, with the program named as the docs name it
        let regenerate = match ctx.command_line.split_once(' ') {
            Some((_, rest)) => format!("partnersim {rest}"),
            None => ctx.command_line.clone(),
        };
        let text = crate::studies::posterior::shipped_text(&dir, scenario, &regenerate)?;
        crate::output::export::write_atomic(file, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", file.display()))?;
        eprintln!("shipped posterior -> {}", file.display());
    }
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
