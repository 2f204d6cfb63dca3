//! Prints each ISO's drawn traits and chosen strategies at the end of one replication:
//! `cargo run --release --example strategies -- [SCENARIO.toml] [REPLICATION]`.
use partnersim::input::scenario::Scenario;
use partnersim::model::Model;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "scenarios/baseline.toml".into());
    let rep: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(0);
    let s = Scenario::load(std::path::Path::new(&path))?;
    let cfg = s.config();
    let mut m = Model::new(&cfg, 42, rep);
    for _ in 0..cfg.simulation.warmup_months + cfg.simulation.duration_months {
        m.step();
    }
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
