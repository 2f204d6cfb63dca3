//! Where closures happen: for every ISO that closes in the reported months of a scenario's
//! replications, the month of the federal fiscal year (April = 1), what closed it (missed
//! payroll or the board's wind-down check) and whether an agreement had ended without renewal
//! (refused or terminated) in the twelve months before.
//!
//! `cargo run --release --example closures -- SCENARIO.toml [REPS] [SEED] [KEY=VALUE ...]`
use partnersim::model::{ClosureCause, Model};

#[path = "common/mod.rs"]
mod common;

fn main() -> anyhow::Result<()> {
    let mut args = common::args();
    let path = common::next_or(&mut args, "scenarios/baseline.toml");
    let reps: u64 = common::parse_next_or(&mut args, 200)?;
    let seed: u64 = common::parse_next_or(&mut args, 42)?;
    let s = common::load_with_overrides(&path, args)?;
    let cfg = s.config();
    let total = common::total_months(&cfg);
    // [fiscal month 0..12][cause: missed payroll, board][after a loss within 12 months]
    let mut counts = [[[0u64; 2]; 2]; 12];
    let mut operating = 0u64;
    for rep in 0..reps {
        let mut m = Model::new(&cfg, seed, rep);
        for _ in 0..total {
            let reported = m.reporting();
            if reported && m.month() == 0 {
                operating += m.isos.iter().filter(|x| x.alive).count() as u64;
            }
            let alive: Vec<bool> = m.isos.iter().map(|x| x.alive).collect();
            let (month, t) = (m.month(), m.t);
            m.step();
            if !reported {
                continue;
            }
            for (i, x) in m.isos.iter().enumerate() {
                if alive[i] && !x.alive {
                    let fm = month.rem_euclid(12) as usize;
                    let cause = usize::from(x.closed_by == Some(ClosureCause::BoardWindDown));
                    let lost = x.last_loss.is_some_and(|l| t - l < 12);
                    counts[fm][cause][usize::from(lost)] += 1;
                }
            }
        }
    }
    let all: u64 = counts.iter().flatten().flatten().sum();
    println!("{path}: {reps} replications, seed {seed}: {all} closures of {operating} ISOs operating at reported month 0");
    println!("fiscal month (1 = April) | missed payroll: no loss, after loss | board: no loss, after loss");
    for (k, c) in counts.iter().enumerate() {
        println!(
            "{:2} | {:5} {:5} | {:5} {:5}",
            k + 1,
            c[0][0],
            c[0][1],
            c[1][0],
            c[1][1]
        );
    }
    let by = |cause: usize, lost: usize| -> u64 { counts.iter().map(|c| c[cause][lost]).sum() };
    println!(
        "total | {:5} {:5} | {:5} {:5}",
        by(0, 0),
        by(0, 1),
        by(1, 0),
        by(1, 1)
    );
    Ok(())
}
