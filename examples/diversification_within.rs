//! Within one population: do the ISOs that put more effort into fundraising survive better?
//! Each replication's ISOs operating at the first reported month are split at the median of
//! the fundraising effort they chose then; the survival of the two halves to the end of the
//! run is pooled over replications. `cargo run --release --example diversification_within --
//! [SCENARIO.toml] [REPS]`.
use partnersim::model::Model;
use rayon::prelude::*;

#[path = "common/mod.rs"]
mod common;

fn main() -> anyhow::Result<()> {
    let mut args = common::args();
    let path = common::next_or(&mut args, "scenarios/funding_cuts.toml");
    let reps: u64 = common::parse_next_or(&mut args, 200)?;
    let s = common::load(&path)?;
    let cfg = s.config();
    let per_rep: Vec<[f64; 4]> = (0..reps)
        .into_par_iter()
        .map(|r| {
            let mut m = Model::new(&cfg, 42, r);
            for _ in 0..cfg.simulation.warmup_months {
                m.step();
            }
            let start: Vec<(usize, f64, f64)> = m
                .isos
                .iter()
                .enumerate()
                .filter(|(_, x)| x.alive)
                .map(|(i, x)| (i, x.effort, x.risk_aversion))
                .collect();
            let mut efforts: Vec<f64> = start.iter().map(|x| x.1).collect();
            efforts.sort_by(f64::total_cmp);
            let median = efforts[efforts.len() / 2];
            for _ in 0..cfg.simulation.duration_months {
                m.step();
            }
            let mut out = [0.0; 4];
            for &(i, e, _) in &start {
                let k = if e >= median { 2 } else { 0 };
                out[k] += 1.0;
                out[k + 1] += f64::from(u8::from(m.isos[i].alive));
            }
            out
        })
        .collect();
    let mut tot = [0.0; 4];
    for r in &per_rep {
        for k in 0..4 {
            tot[k] += r[k];
        }
    }
    // per-replication difference in survival (high effort minus low effort) with a 95% interval
    let diffs: Vec<f64> = per_rep
        .iter()
        .filter(|r| r[0] > 0.0 && r[2] > 0.0)
        .map(|r| r[3] / r[2] - r[1] / r[0])
        .collect();
    let (m, _, lo, hi) = partnersim::stats::mean_ci95(&diffs);
    println!(
        "{path}: {reps} replications; survival of ISOs below the median fundraising effort {:.4}, at or above it {:.4}; difference per replication {m:+.4} (95% CI {lo:+.4} .. {hi:+.4}, Monte Carlo only)",
        tot[1] / tot[0],
        tot[3] / tot[2]
    );
    Ok(())
}
