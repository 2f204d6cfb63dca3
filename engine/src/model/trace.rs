//! Per-organization trajectories of one replication, for the classroom page's view of
//! individual ISOs: each reported month, every ISO's staff, reserves (months of cost, as the
//! `reserve_months_median` metric computes them) and whether it operates.
//!
//! Read-only: the replication is stepped exactly as [`Model::run`] steps it, and the trace only
//! reads the ISOs after each month, so it changes no number of the model.

use super::{Config, Model, ReplicationOutput};

/// One ISO over the reported months.
#[derive(Debug, Clone, PartialEq)]
pub struct IsoTrajectory {
    /// the ISO's index in the model
    pub index: usize,
    /// staff at the end of each reported month (0 once closed)
    pub staff: Vec<u32>,
    /// cash over monthly cost at the end of each reported month (0 once closed)
    pub reserves: Vec<f64>,
    /// the first reported month (1-based) at whose end it no longer operates, if any
    pub closed: Option<u32>,
}

/// The trajectories of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct IsoTrace {
    /// reported months
    pub months: u32,
    /// ISOs operating when the reported months begin (the survival metric's denominator)
    pub operating_at_start: usize,
    /// the first `max_isos` of them, by index
    pub isos: Vec<IsoTrajectory>,
}

/// Runs replication `replication` of `cfg` under `seed` and records the first `max_isos` ISOs
/// that operate when the reported months begin.
pub fn trace_isos(cfg: &Config, seed: u64, replication: u64, max_isos: usize) -> IsoTrace {
    trace_rest(Model::new(cfg, seed, replication), max_isos).0
}

/// Steps `m` to the end of its run exactly as [`Model::run`] (or, from a forked state,
/// [`Model::run_rest`]) would, records the first `max_isos` ISOs that operate when the reported
/// months begin (at the fork, for a state forked at month 0), and returns the trace with the
/// replication's output.
pub fn trace_rest(mut m: Model<'_>, max_isos: usize) -> (IsoTrace, ReplicationOutput) {
    let total = m.warmup + m.cfg.simulation.duration_months;
    let mut trace = IsoTrace {
        months: 0,
        operating_at_start: 0,
        isos: Vec::new(),
    };
    while m.t < total {
        let reported = m.reporting();
        if reported && trace.months == 0 {
            let alive: Vec<usize> = (0..m.isos.len()).filter(|&i| m.isos[i].alive).collect();
            trace.operating_at_start = alive.len();
            trace.isos = alive
                .into_iter()
                .take(max_isos)
                .map(|index| IsoTrajectory {
                    index,
                    staff: Vec::new(),
                    reserves: Vec::new(),
                    closed: None,
                })
                .collect();
        }
        m.step();
        if !reported {
            continue;
        }
        trace.months += 1;
        let c = m.config();
        let cost_per_staff = c.iso.wage_per_staff_month * (1.0 + c.iso.nonstaff_overhead_share);
        for t in &mut trace.isos {
            let iso = &m.isos[t.index];
            if iso.alive {
                t.staff.push(iso.staff);
                t.reserves
                    .push(iso.cash / (f64::from(iso.staff.max(1)) * cost_per_staff));
            } else {
                t.staff.push(0);
                t.reserves.push(0.0);
                t.closed.get_or_insert(trace.months);
            }
        }
    }
    (trace, m.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::M;

    /// The trace is the replication: its operating ISOs each month give the survival rate the
    /// model records for the same replication, and it is the same at every call.
    #[test]
    fn operating_isos_give_the_models_survival_rate() {
        let mut v = crate::params::Values::default();
        v.set_index(crate::params::index_of("simulation.isos").unwrap(), 12.0);
        v.set_index(
            crate::params::index_of("simulation.duration_months").unwrap(),
            60.0,
        );
        v.set_index(
            crate::params::index_of("funders.federal.late_payment_probability").unwrap(),
            0.9,
        );
        // the annual era's federal terms: in the dated baseline (five-year agreements decided
        // before they start) twelve ISOs over five years rarely close at all
        v.set_index(
            crate::params::index_of("funders.federal.contract_months").unwrap(),
            12.0,
        );
        v.set_index(
            crate::params::index_of("funders.federal.decision_delay_months").unwrap(),
            1.0,
        );
        v.set_index(
            crate::params::index_of("funders.federal.officer_decision_delay_months").unwrap(),
            2.0,
        );
        let cfg = crate::model::Config::from_values(&v);
        let mut closed_somewhere = false;
        for rep in 0..4 {
            let out = Model::new(&cfg, 11, rep).run();
            let tr = trace_isos(&cfg, 11, rep, 100);
            assert_eq!(tr.months as usize, out.months.len());
            assert_eq!(tr.isos.len(), tr.operating_at_start);
            for (k, rec) in out.months.iter().enumerate() {
                let alive = tr
                    .isos
                    .iter()
                    .filter(|t| t.closed.is_none_or(|c| c as usize > k + 1))
                    .count();
                let want = rec[M::SurvivalRate as usize] * tr.operating_at_start as f64;
                assert!(
                    (alive as f64 - want).abs() < 1e-9,
                    "rep {rep} month {}: {alive} vs {want}",
                    k + 1
                );
            }
            closed_somewhere |= tr.isos.iter().any(|t| t.closed.is_some());
            assert_eq!(tr, trace_isos(&cfg, 11, rep, 100));
            // tracing changes no number of the run
            let (_, traced) = trace_rest(Model::new(&cfg, 11, rep), 3);
            assert_eq!(
                traced.summary.map(f64::to_bits),
                out.summary.map(f64::to_bits)
            );
            let few = trace_isos(&cfg, 11, rep, 3);
            assert_eq!(few.isos[..], tr.isos[..3.min(tr.isos.len())]);
        }
        assert!(closed_somewhere, "no closure to check in this setting");
    }
}
