//! How the funders' trials of their terms went (ODD §7.28: adaptation by trial): over the
//! replications of a scenario (warm-up included), for each funder that chooses its terms, how
//! many fiscal-year choices followed a move with a defined change of cost per client, which way
//! cost per client moved after moves toward the sector and after moves back, how often a choice
//! reversed the last move, and how often the cost-per-client signal decided that reversal (the
//! pressure without it would not have reversed the move).
//!
//! `cargo run --release --example cost_trials -- SCENARIO.toml [REPS] [SEED] [KEY=VALUE ...]`
use partnersim::model::terms::Trials;

#[path = "common/mod.rs"]
mod common;

fn main() -> anyhow::Result<()> {
    let mut args = common::args();
    let path = common::next_or(&mut args, "scenarios/baseline.toml");
    let reps: u64 = common::parse_next_or(&mut args, 100)?;
    let seed: u64 = common::parse_next_or(&mut args, 42)?;
    let s = common::load_with_overrides(&path, args)?;
    let cfg = s.config();
    let names = ["federal", "provincial", "municipal", "foundation"];
    let mut sums = [Trials::default(); 4];
    for rep in 0..reps {
        let m = common::stepped(&cfg, seed, rep);
        for (f, sum) in sums.iter_mut().enumerate() {
            add(sum, m.cost_trials(f));
        }
    }
    println!("{path}: {reps} replications, seed {seed}");
    println!("funder | evaluated | after sector-ward: n, cpc fell, mean change | after back: n, mean change | reversed | reversed by cpc | direction decided by cpc");
    for (name, t) in names.iter().zip(sums) {
        let back = t.evaluated - t.after_sectorward;
        println!(
            "{name} | {} | {} {} {:+.4} | {} {:+.4} | {} | {} | {}",
            t.evaluated,
            t.after_sectorward,
            t.sectorward_cpc_fell,
            mean(t.sectorward_change, t.after_sectorward),
            back,
            mean(t.backward_change, back),
            t.reversed,
            t.reversed_by_cpc,
            t.decided_by_cpc,
        );
    }
    Ok(())
}

fn add(sum: &mut Trials, t: Trials) {
    sum.evaluated += t.evaluated;
    sum.after_sectorward += t.after_sectorward;
    sum.sectorward_cpc_fell += t.sectorward_cpc_fell;
    sum.sectorward_change += t.sectorward_change;
    sum.backward_change += t.backward_change;
    sum.reversed += t.reversed;
    sum.decided_by_cpc += t.decided_by_cpc;
    sum.reversed_by_cpc += t.reversed_by_cpc;
}

fn mean(x: f64, n: u32) -> f64 {
    if n == 0 {
        0.0
    } else {
        x / f64::from(n)
    }
}
