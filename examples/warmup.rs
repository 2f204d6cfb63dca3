//! The warm-up's evidence (ODD §5): yearly means over replications of the state variables that
//! the warm-up lets settle, from a run of a scenario with no warm-up for its warm-up plus its
//! reported months. `cargo run --release --example warmup -- [SCENARIO.toml] [REPS]`.
use partnersim::studies::patterns::{warmup_table, ODD_SEED};

#[path = "common/mod.rs"]
mod common;

fn main() -> anyhow::Result<()> {
    let mut args = common::args();
    let path = common::next_or(&mut args, "scenarios/baseline.toml");
    let reps: u64 = common::parse_next_or(&mut args, 100)?;
    let s = common::load(&path)?;
    print!("{}", warmup_table(&s, reps, ODD_SEED)?);
    Ok(())
}
