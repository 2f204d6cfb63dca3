//! Prints one ISO's month-by-month state for debugging the engine:
//! `cargo run --release --example trace -- SCENARIO.toml REPLICATION ISO [KEY=VALUE ...]`.
//! With ISO = -1 it prints the first ISO that closes.
use partnersim::model::Model;

#[path = "common/mod.rs"]
mod common;

fn main() -> anyhow::Result<()> {
    let mut args = common::args();
    let path = common::next_or(&mut args, "scenarios/baseline.toml");
    let rep: u64 = common::parse_next_or(&mut args, 0)?;
    let mut iso: i64 = common::parse_next_or(&mut args, -1)?;
    let s = common::load_with_overrides(&path, args)?;
    let cfg = s.config();
    let seed = 20_240_611;
    if iso < 0 {
        let mut m = Model::new(&cfg, seed, rep);
        let total = common::total_months(&cfg);
        'outer: for _ in 0..total {
            m.step();
            for (i, x) in m.isos.iter().enumerate() {
                if !x.alive {
                    iso = i as i64;
                    break 'outer;
                }
            }
        }
        if iso < 0 {
            println!("no ISO closes");
            return Ok(());
        }
    }
    let i = iso as usize;
    let mut m = Model::new(&cfg, seed, rep);
    let total = common::total_months(&cfg);
    println!("ISO {i}");
    for _ in 0..total {
        let month = m.month();
        m.step();
        let x = &m.isos[i];
        let w = m.iso_month(i);
        let mut line = format!(
            "t {month:4} alive {} staff {:3} (-{} -{} ) cash {:10.0} limit {:8.0} missed {}",
            u8::from(x.alive),
            x.staff,
            w.layoffs,
            w.quits,
            x.cash,
            x.credit_limit,
            x.missed_months
        );
        for (f, r) in m.rels[i].iter().enumerate() {
            line.push_str(&format!(
                " | f{f} {}{} m {:7.0} held {:7.0} rel {:6.1} end {:4} adv {:8.0}",
                if r.has_contract { "C" } else { "-" },
                if r.pending { "P" } else { "-" },
                r.monthly,
                r.held,
                r.release_at - f64::from(m.t),
                r.end_month - m.t as i32,
                r.advance
            ));
        }
        println!("{line}");
        if !x.alive {
            break;
        }
    }
    Ok(())
}
