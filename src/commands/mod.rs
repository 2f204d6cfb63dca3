//! One module per subcommand: what `partnersim <command>` does, on plain typed arguments.
//!
//! The binary (`src/main.rs`, `src/cli.rs`) parses the command line with clap, turns it into a
//! [`Command`] and calls [`execute`]; the library knows nothing of clap. Each module checks its
//! arguments (bad input is a [`crate::error::BadInput`] or another typed error: exit code 2),
//! calls the library (`run`, `compare`, `sweep`, the job core), draws plots and prints. Results go
//! to `out` (stdout); progress and one-line summaries go to stderr.

pub mod bench;
pub mod calibrate;
pub mod compare;
pub mod explore;
pub mod group;
pub mod merge;
pub mod metrics;
pub mod params;
pub mod patterns;
pub mod plot;
pub mod run;
pub mod serve;
pub mod shared;
pub mod sweep;
pub mod validate;

pub use shared::{interrupted_message, Context, Outcome, TableFormat};

use crate::error::BadInput;
use crate::input::InputError;
use crate::job::outdir::OutputDirError;
use std::io::Write;

/// Whether any cause of `e` is bad input the user can fix rather than a failed run: a flag or
/// argument ([`BadInput`]), an input file of any kind ([`InputError`]: scenario, sweep, explore,
/// calibration, design, posterior, levers), an output directory ([`OutputDirError`]). A new
/// input-file kind returns [`InputError`] and needs no entry here.
pub fn is_bad_input(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| c.is::<BadInput>() || c.is::<InputError>() || c.is::<OutputDirError>())
}

/// The exit code of an error (the same for every subcommand): 2 for bad input, 1 for a run
/// that failed. Success is 0 and an interruption 130 ([`Outcome::exit_code`]).
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if is_bad_input(e) {
        2
    } else {
        1
    }
}

/// A subcommand with its arguments.
#[derive(Debug, Clone)]
pub enum Command {
    /// `run`
    Run(run::Args),
    /// `compare`
    Compare(Box<compare::Args>),
    /// `sweep`
    Sweep(sweep::Args),
    /// `calibrate`
    Calibrate(calibrate::Args),
    /// `merge`
    Merge(merge::Args),
    /// `explore`
    Explore(explore::Args),
    /// `plot`
    Plot(plot::Args),
    /// `validate`
    Validate(validate::Args),
    /// `params`
    Params(params::Args),
    /// `metrics`
    Metrics(metrics::Args),
    /// `patterns`
    Patterns(patterns::Args),
    /// `serve`
    Serve(serve::Args),
    /// `bench`
    Bench(bench::Args),
}

/// Runs a subcommand.
pub fn execute(cmd: &Command, ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    match cmd {
        Command::Run(a) => run::execute(a, ctx, out),
        Command::Compare(a) => compare::execute(a, ctx, out),
        Command::Sweep(a) => sweep::execute(a, ctx, out),
        Command::Calibrate(a) => calibrate::execute(a, ctx, out),
        Command::Merge(a) => merge::execute(a, ctx, out),
        Command::Explore(a) => explore::execute(a, ctx, out),
        Command::Plot(a) => plot::execute(a, out),
        Command::Validate(a) => validate::execute(a, out),
        Command::Params(a) => params::execute(a, out),
        Command::Metrics(a) => metrics::execute(a, out),
        Command::Patterns(a) => patterns::execute(a, out),
        Command::Serve(a) => serve::execute(a),
        Command::Bench(a) => bench::execute(a, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_found_anywhere_in_the_chain() {
        let e = BadInput::err("--threads 0").context("run");
        assert_eq!(exit_code(&e), 2);
        assert_eq!(exit_code(&anyhow::anyhow!("a run failed")), 1);
    }
}
