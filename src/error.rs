//! What an error means for the exit code, and how it is printed.
//!
//! Exit codes (the same for every subcommand): 0 success; 1 a run failed (an I/O error while
//! computing, a bug); 2 bad input the user can fix (a scenario or sweep file, a flag, an output
//! directory); 130 interrupted by Ctrl-C or SIGTERM. Every refusal of the library is one of the
//! typed errors [`is_bad_input`] recognises, so the binary decides the code in one place.

use crate::job::outdir::OutputDirError;
use crate::scenario::ScenarioError;
use crate::sweep::SweepError;
use crate::tomlfile::FileError;

/// Bad input the user can fix by changing a flag, a file or the output directory: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

impl BadInput {
    /// A bad-input error with this message, as an `anyhow::Error`.
    pub fn err(msg: impl Into<String>) -> anyhow::Error {
        BadInput(msg.into()).into()
    }
}

/// Whether any cause of `e` is bad input (exit code 2) rather than a failed run (exit code 1).
pub fn is_bad_input(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.is::<BadInput>()
            || c.is::<ScenarioError>()
            || c.is::<SweepError>()
            || c.is::<FileError>()
            || c.is::<OutputDirError>()
    })
}

/// The exit code for an error: 2 for bad input, else 1.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if is_bad_input(e) {
        2
    } else {
        1
    }
}

/// Whether the error is a closed pipe on stdout (`partnersim params | head`): not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// One line for the user: the error and its causes joined by `: `, each cause said once (a
/// message that already quotes its cause, such as `x.toml: cannot read: No such file`, does not
/// repeat it).
pub fn render(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn causes_are_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let e = anyhow::Error::new(FileError::Io {
            file: "x.toml".into(),
            source: io,
        });
        assert_eq!(render(&e), "x.toml: cannot read: No such file");
        let e = Err::<(), _>(std::io::Error::other("disk full"))
            .context("writing out/summary.csv")
            .unwrap_err();
        assert_eq!(render(&e), "writing out/summary.csv: disk full");
    }

    #[test]
    fn bad_input_is_found_anywhere_in_the_chain() {
        let e = BadInput::err("--threads 0").context("run");
        assert_eq!(exit_code(&e), 2);
        assert_eq!(exit_code(&anyhow::anyhow!("a run failed")), 1);
    }
}
