//! Prints each ISO's drawn traits and chosen strategies at the end of one replication:
//! `cargo run --release --example strategies -- [SCENARIO.toml] [REPLICATION]`.

#[path = "common/mod.rs"]
mod common;

fn main() -> anyhow::Result<()> {
    let mut args = common::args();
    let path = common::next_or(&mut args, "scenarios/baseline.toml");
    let rep: u64 = common::parse_next_or(&mut args, 0)?;
    let cfg = common::load(&path)?.config();
    let m = common::stepped(&cfg, 42, rep);
    println!("  i alive mission  risk  deep  holis effort drift identity  donations/staff");
    for (i, x) in m.isos.iter().enumerate() {
        println!(
            "{i:3} {:5} {:7.3} {:5.2} {:5.2} {:6.2} {:6.3} {:5.2} {:8.2} {:8.0}",
            x.alive,
            x.mission,
            x.risk_aversion,
            x.deep_share,
            x.holistic,
            x.effort,
            x.mission_drift,
            x.identity,
            x.donations_per_staff
        );
    }
    Ok(())
}
