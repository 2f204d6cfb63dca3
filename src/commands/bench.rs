//! `partnersim bench`: engine throughput and scaling ([`crate::studies::bench`]).

use crate::input::scenario::Scenario;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `bench`.
#[derive(Debug, Clone)]
pub struct Args {
    /// scenario file (default: built-in defaults)
    pub file: Option<PathBuf>,
    /// replications per measurement
    pub reps: u64,
}

/// Measures and prints.
pub fn execute(a: &Args, out: &mut dyn Write) -> anyhow::Result<super::shared::Outcome> {
    let s = match &a.file {
        Some(f) => Scenario::load(f)?,
        None => Scenario::default(),
    };
    out.write_all(crate::studies::bench::bench(&s, a.reps)?.as_bytes())?;
    Ok(super::shared::Outcome::Done)
}
