//! `partnersim serve`: the classroom page (see [`crate::serve`]).

use super::Outcome;

pub use crate::serve::ServeArgs as Args;

/// Serves the classroom page until Ctrl-C (then exit code 130, as every command).
pub fn execute(a: &Args) -> anyhow::Result<Outcome> {
    crate::serve::serve(a)?;
    Ok(Outcome::Interrupted)
}
