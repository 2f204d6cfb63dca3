//! Sweep plots.
use super::runner::SweepOutcome;
use super::spec::SweepSpec;
use std::path::Path;

/// Renders every plot that fits the sweep; returns the file names written.
pub fn render_all(
    _spec: &SweepSpec,
    _o: &SweepOutcome,
    _dir: &Path,
) -> anyhow::Result<Vec<String>> {
    Ok(Vec::new())
}
