//! The warm-up's evidence (ODD §5): yearly means over replications of the state variables that
//! the warm-up lets settle, from a run of a scenario with no warm-up for its warm-up plus its
//! reported months. `cargo run --release --example warmup -- [SCENARIO.toml] [REPS]`.
use partnersim::input::scenario::Scenario;
use partnersim::studies::patterns::{warmup_table, ODD_SEED};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "scenarios/baseline.toml".into());
    let reps: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(100);
    let s = Scenario::load(std::path::Path::new(&path))?;
    print!("{}", warmup_table(&s, reps, ODD_SEED)?);
    Ok(())
}
