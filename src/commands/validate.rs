//! `partnersim validate`: check a scenario file and print it fully resolved.

use crate::scenario::Scenario;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `validate`.
#[derive(Debug, Clone)]
pub struct Args {
    /// the scenario file
    pub file: PathBuf,
    /// `--set KEY=VALUE` overrides
    pub set: Vec<String>,
}

/// Prints the resolved scenario (every parameter) with its content hash.
pub fn execute(a: &Args, out: &mut dyn Write) -> anyhow::Result<super::shared::Outcome> {
    let mut s = Scenario::load(&a.file)?;
    for o in &a.set {
        s.apply_override(o)?;
    }
    writeln!(
        out,
        "# {} is valid; every parameter, resolved (scenario hash {})",
        a.file.display(),
        s.content_hash()
    )?;
    out.write_all(s.resolved_toml().as_bytes())?;
    Ok(super::shared::Outcome::Done)
}
