//! One module per subcommand: what `partnersim <command>` does, on plain typed arguments.
//!
//! The binary (`src/main.rs`, `src/cli.rs`) parses the command line with clap, turns it into a
//! [`Command`] and calls [`execute`]; the library knows nothing of clap. Each module checks its
//! arguments (bad input is a [`crate::error::BadInput`] or another typed error: exit code 2),
//! calls the library (`run`, `compare`, `sweep`, the job core), draws plots and prints. Results go
//! to `out` (stdout); progress and one-line summaries go to stderr.

pub mod bench;
pub mod compare;
pub mod group;
pub mod merge;
pub mod metrics;
pub mod params;
pub mod plot;
pub mod run;
pub mod sweep;
pub mod validate;

use std::io::Write;

/// What every command gets besides its arguments.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// the command line as typed, recorded in manifests
    pub command_line: String,
}

/// How a command ended without error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// done: exit code 0
    Done,
    /// stopped by Ctrl-C / SIGTERM with finished work saved: exit code 130
    Interrupted,
}

impl Outcome {
    /// The process exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Done => 0,
            Outcome::Interrupted => 130,
        }
    }
}

/// Formats of the catalogue commands (`params`, `metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Markdown table
    Markdown,
    /// CSV with a header row
    Csv,
}

/// A subcommand with its arguments.
#[derive(Debug, Clone)]
pub enum Command {
    /// `run`
    Run(run::Args),
    /// `compare`
    Compare(compare::Args),
    /// `sweep`
    Sweep(sweep::Args),
    /// `merge`
    Merge(merge::Args),
    /// `plot`
    Plot(plot::Args),
    /// `validate`
    Validate(validate::Args),
    /// `params`
    Params(params::Args),
    /// `metrics`
    Metrics(metrics::Args),
    /// `bench`
    Bench(bench::Args),
}

/// Runs a subcommand.
pub fn execute(cmd: &Command, ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    match cmd {
        Command::Run(a) => run::execute(a, ctx, out),
        Command::Compare(a) => compare::execute(a, ctx, out),
        Command::Sweep(a) => sweep::execute(a, ctx, out),
        Command::Merge(a) => merge::execute(a, ctx, out),
        Command::Plot(a) => plot::execute(a, out),
        Command::Validate(a) => validate::execute(a, out),
        Command::Params(a) => params::execute(a, out),
        Command::Metrics(a) => metrics::execute(a, out),
        Command::Bench(a) => bench::execute(a, out),
    }
}

/// The message of an interrupted job: what is saved and how to continue.
pub fn interrupted_message(what: &str, dir: &std::path::Path) -> String {
    format!(
        "partnersim: interrupted: {what}; finished work is saved in {}. Run the same command with --resume to continue.",
        dir.display()
    )
}
