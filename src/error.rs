//! Bad input, and how an error is printed.
//!
//! Every refusal of the library is one of three types: a [`BadInput`] (a flag or argument), an
//! [`crate::input::InputError`] (an input file of any kind, at its line and column) or a
//! `job::outdir::OutputDirError` (an output directory); `commands::exit_code` maps the three to
//! exit code 2 in one place.

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
        let mut text = cause.to_string();
        // `out/x.csv: no space left` under `writing out/x.csv`: the file is named once
        if let Some((head, rest)) = text.split_once(": ") {
            if !line.is_empty() && line.contains(head) {
                text = rest.to_string();
            }
        }
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
        let e = anyhow::Error::new(crate::input::InputError::Io {
            file: "x.toml".into(),
            source: io,
        });
        assert_eq!(render(&e), "x.toml: cannot read: No such file");
        let e = Err::<(), _>(std::io::Error::other("disk full"))
            .context("writing out/summary.csv")
            .unwrap_err();
        assert_eq!(render(&e), "writing out/summary.csv: disk full");
        let e = Err::<(), _>(std::io::Error::other("out/report.html: no space left"))
            .context("out/report.html: cannot write")
            .unwrap_err();
        assert_eq!(render(&e), "out/report.html: cannot write: no space left");
    }
}
