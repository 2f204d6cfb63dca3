//! Prints the patterns table of `docs/ODD.md` §1.2 (until it is a subcommand):
//! `cargo run --release --example patterns [-- REPS SEED]`.
fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let reps = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(partnersim::patterns::ODD_REPS);
    let seed = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(partnersim::patterns::ODD_SEED);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let rows = partnersim::patterns::measure(&dir, reps, seed)?;
    print!("{}", partnersim::patterns::markdown(&rows, reps, seed));
    Ok(())
}
