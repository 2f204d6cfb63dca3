//! Regenerates the generated tables of `docs/ODD.md` in place: the parameter table (§6.1), the
//! assumption ledger (§6.2), the metric table (§4.12), the patterns table (§1.2) and the warm-up table (§5).
//! `cargo run --release --example odd_tables`. `tests/docs.rs` checks each against the code.
use partnersim::{input::scenario::Scenario, metrics, params, studies::patterns};
use std::path::Path;

fn replace(text: &str, markers: (&str, &str), body: &str) -> anyhow::Result<String> {
    let i = text
        .find(markers.0)
        .ok_or_else(|| anyhow::anyhow!("marker {} not found", markers.0))?
        + markers.0.len();
    let j = text
        .find(markers.1)
        .ok_or_else(|| anyhow::anyhow!("marker {} not found", markers.1))?;
    Ok(format!("{}\n{}\n{}", &text[..i], body.trim(), &text[j..]))
}

fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("docs/ODD.md");
    let mut odd = std::fs::read_to_string(&path)?;
    odd = replace(&odd, params::ODD_TABLE_MARKERS, &params::markdown_table())?;
    odd = replace(&odd, params::ODD_LEDGER_MARKERS, &params::ledger_markdown())?;
    odd = replace(
        &odd,
        metrics::ODD_METRIC_MARKERS,
        &metrics::markdown_table(),
    )?;
    let (reps, seed) = (patterns::ODD_REPS, patterns::ODD_SEED);
    let rows = patterns::measure(&root.join("scenarios"), reps, seed)?;
    odd = replace(
        &odd,
        patterns::ODD_MARKERS,
        &patterns::markdown(&rows, reps, seed),
    )?;
    let base = Scenario::load(&root.join("scenarios/baseline.toml"))?;
    odd = replace(
        &odd,
        patterns::WARMUP_MARKERS,
        &patterns::warmup_table(&base, reps, seed)?,
    )?;
    std::fs::write(&path, odd)?;
    println!("updated {}", path.display());
    Ok(())
}
