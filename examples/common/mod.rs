//! Command-line plumbing shared by the examples (included with `#[path = "common/mod.rs"]`;
//! cargo does not build a subfolder as an example of its own): positional arguments with
//! defaults, loading the scenario file with `KEY=VALUE` overrides, and a replication stepped
//! through all its months.

#![allow(dead_code)]

use partnersim::input::scenario::Scenario;
use partnersim::model::{Config, Model};
use std::str::FromStr;

/// The program's arguments after its own name.
pub type Args = std::iter::Skip<std::env::Args>;

/// The program's arguments after its own name, to be taken in order.
pub fn args() -> Args {
    std::env::args().skip(1)
}

/// The next argument, or `default` when there is none.
pub fn next_or(args: &mut Args, default: &str) -> String {
    args.next().unwrap_or_else(|| default.into())
}

/// The next argument parsed as a `T`, or `default` when there is none; an argument that does
/// not parse is an error.
pub fn parse_next_or<T>(args: &mut Args, default: T) -> anyhow::Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    Ok(args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(default))
}

/// Loads the scenario file at `path`.
pub fn load(path: &str) -> anyhow::Result<Scenario> {
    Ok(Scenario::load(std::path::Path::new(path))?)
}

/// Loads the scenario file at `path` and applies each remaining argument as a `KEY=VALUE`
/// override, in order.
pub fn load_with_overrides(path: &str, overrides: Args) -> anyhow::Result<Scenario> {
    let mut s = load(path)?;
    for a in overrides {
        s.apply_override(&a)?;
    }
    Ok(s)
}

/// Months of a replication: the warm-up and the reported months.
pub fn total_months(cfg: &Config) -> u32 {
    cfg.simulation.warmup_months + cfg.simulation.duration_months
}

/// Replication `rep` of master seed `seed`, stepped through all its months.
pub fn stepped(cfg: &Config, seed: u64, rep: u64) -> Model<'_> {
    let mut m = Model::new(cfg, seed, rep);
    for _ in 0..total_months(cfg) {
        m.step();
    }
    m
}
