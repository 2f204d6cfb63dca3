//! An exploration's files: `experiments.csv`, `robustness.csv`, `ranking.csv`, `boxes.csv` and
//! `peeling.csv`, each from the finished [`ExploreOutcome`] (the manifest is written last by
//! [`super::run`]; `report.html` by [`super::report`]).

use super::prim::Side;
use super::results::{case_text, ExploreOutcome};
use crate::output::export::{cell, write_atomic};
use anyhow::Result;
use std::path::Path;

/// The files an exploration writes (besides the plots and the report).
pub const FILES: [&str; 5] = [
    "experiments.csv",
    "robustness.csv",
    "ranking.csv",
    "boxes.csv",
    "peeling.csv",
];

/// Writes the [`FILES`] of `o` into `out`, each atomically.
pub fn write_files(o: &ExploreOutcome, out: &Path) -> Result<()> {
    write_atomic(&out.join("experiments.csv"), experiments_csv(o).as_bytes())?;
    write_atomic(&out.join("robustness.csv"), robustness_csv(o).as_bytes())?;
    write_atomic(&out.join("ranking.csv"), ranking_csv(o).as_bytes())?;
    write_atomic(&out.join("boxes.csv"), boxes_csv(o).as_bytes())?;
    write_atomic(&out.join("peeling.csv"), peeling_csv(o).as_bytes())?;
    Ok(())
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn experiments_csv(o: &ExploreOutcome) -> String {
    let spec = &o.spec;
    let mut s = String::from("state,regime");
    for p in &o.states.paths {
        s.push(',');
        s.push_str(p);
    }
    for out in &spec.outcomes {
        s.push(',');
        s.push_str(&out.metric);
    }
    s.push('\n');
    for st in 0..o.states.n {
        let x = o.states.point(st);
        for (g, regime) in spec.regimes.iter().enumerate() {
            s.push_str(&format!("{st},{}", regime.name));
            for v in x {
                s.push(',');
                cell(&mut s, *v);
            }
            for k in 0..spec.outcomes.len() {
                s.push(',');
                cell(&mut s, o.table.get(st, g, k));
            }
            s.push('\n');
        }
    }
    s
}

fn robustness_csv(o: &ExploreOutcome) -> String {
    let r = &o.robustness;
    let mut s = String::from(
        "regime,outcome,direction,threshold,mean,mean_lo,mean_hi,p10,p50,p90,min,max,regret_mean,regret_mean_lo,regret_mean_hi,regret_p90,regret_p90_lo,regret_p90_hi,regret_max,threshold_share,satisficing,satisficing_lo,satisficing_hi\n",
    );
    for (g, regime) in o.spec.regimes.iter().enumerate() {
        for (k, out) in o.spec.outcomes.iter().enumerate() {
            let st = &r.stats[g][k];
            let iv = &r.intervals[g][k];
            s.push_str(&format!(
                "{},{},{},",
                regime.name,
                out.metric,
                out.direction.name()
            ));
            let si = r.satisficing_interval[g];
            let cells = [
                out.threshold.unwrap_or(f64::NAN),
                st.mean,
                iv[0].0,
                iv[0].1,
                st.p10,
                st.p50,
                st.p90,
                st.min,
                st.max,
                st.regret_mean,
                iv[1].0,
                iv[1].1,
                st.regret_p90,
                iv[2].0,
                iv[2].1,
                st.regret_max,
                st.threshold_share,
                r.satisficing[g],
                si.0,
                si.1,
            ];
            for (i, v) in cells.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                cell(&mut s, *v);
            }
            s.push('\n');
        }
    }
    s
}

fn ranking_csv(o: &ExploreOutcome) -> String {
    let mut s = String::from("criterion,outcome,rank,regime,value,confidence\n");
    for rank in &o.robustness.ranking {
        let outcome = rank
            .outcome
            .map_or("all_thresholds", |k| o.spec.outcomes[k].metric.as_str());
        for (i, &g) in rank.order.iter().enumerate() {
            s.push_str(&format!(
                "{},{outcome},{},{},",
                rank.criterion.name(),
                i + 1,
                o.spec.regimes[g].name
            ));
            cell(&mut s, rank.values[g]);
            s.push(',');
            if i == 0 {
                cell(&mut s, rank.confidence);
            }
            s.push('\n');
        }
    }
    s
}

fn boxes_csv(o: &ExploreOutcome) -> String {
    let mut s = String::from(
        "case,regime,description,cases,states,box_states,box_cases,coverage,density,mass,restricted,p_value,parameter,lower,upper,restricts_lower,restricts_upper,quasi_p_lower,quasi_p_upper\n",
    );
    for d in &o.discoveries {
        let Some(f) = &d.found else {
            let n = d.cases.iter().filter(|&&c| c).count();
            s.push_str(&format!(
                "{},{},{},{n},{},,,,,,0,,,,,,,,\n",
                d.discover.name,
                o.spec.regimes[d.discover.regime].name,
                csv_text(&case_text(&o.spec, &d.discover)),
                o.states.n
            ));
            continue;
        };
        for (k, dim) in o.dims.iter().enumerate() {
            s.push_str(&format!(
                "{},{},{},{},{},{},{},",
                d.discover.name,
                o.spec.regimes[d.discover.regime].name,
                csv_text(&case_text(&o.spec, &d.discover)),
                f.cases,
                f.n,
                f.stats.points,
                f.stats.cases
            ));
            for v in [f.stats.coverage, f.stats.density, f.stats.mass] {
                cell(&mut s, v);
                s.push(',');
            }
            s.push_str(&format!("{},", f.stats.restricted));
            cell(&mut s, f.p_value);
            s.push_str(&format!(",{},", dim.name));
            cell(&mut s, f.bounds.lo[k]);
            s.push(',');
            cell(&mut s, f.bounds.hi[k]);
            let lower = f.bounds.restricts(&o.dims, k, Side::Lower);
            let upper = f.bounds.restricts(&o.dims, k, Side::Upper);
            s.push_str(&format!(",{lower},{upper},"));
            let qp = |side: Side| {
                f.limits
                    .iter()
                    .find(|l| l.dim == k && l.side == side)
                    .map_or(f64::NAN, |l| l.quasi_p)
            };
            cell(&mut s, qp(Side::Lower));
            s.push(',');
            cell(&mut s, qp(Side::Upper));
            s.push('\n');
        }
    }
    s
}

fn peeling_csv(o: &ExploreOutcome) -> String {
    let mut s = String::from("case,step,phase,coverage,density,mass,restricted,selected\n");
    for d in &o.discoveries {
        let Some(f) = &d.found else { continue };
        for (i, st) in f.trajectory.iter().enumerate() {
            s.push_str(&format!("{},{i},{},", d.discover.name, st.phase.name()));
            for v in [st.stats.coverage, st.stats.density, st.stats.mass] {
                cell(&mut s, v);
                s.push(',');
            }
            s.push_str(&format!("{},{}\n", st.stats.restricted, i == f.selected));
        }
    }
    s
}
