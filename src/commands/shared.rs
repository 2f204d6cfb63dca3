//! What the commands share: their context, how they end, the catalogue formats, the message of
//! an interrupted job.

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

/// The arguments every batch job from a file shares (`sweep`, `explore`, `calibrate`).
#[derive(Debug, Clone, Default)]
pub struct JobArgs {
    /// master seed, overriding the file's `seed`
    pub seed: Option<u64>,
    /// worker threads (None: one per core)
    pub threads: Option<usize>,
    /// no progress bar
    pub quiet: bool,
    /// continue an interrupted job
    pub resume: bool,
    /// replace whatever result the output directory holds
    pub force: bool,
}

/// Formats of the catalogue commands (`params`, `metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Markdown table
    Markdown,
    /// CSV with a header row
    Csv,
}

/// Says on stderr that a job was interrupted ([`interrupted_message`]) and returns
/// [`Outcome::Interrupted`]: how every batch command ends on Ctrl-C / SIGTERM.
pub fn interrupted(what: &str, dir: &std::path::Path) -> Outcome {
    eprintln!("{}", interrupted_message(what, dir));
    Outcome::Interrupted
}

/// The message of an interrupted job: what is saved and how to continue.
pub fn interrupted_message(what: &str, dir: &std::path::Path) -> String {
    format!(
        "partnersim: interrupted: {what}; finished work is saved in {}. Run the same command with --resume to continue.",
        dir.display()
    )
}
