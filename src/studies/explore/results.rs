//! What an exploration produces, in one place: the [`ExploreOutcome`] (states, the outcome
//! table, robustness and ranking, the [`Discovery`] of each PRIM question) and the exploration's
//! part of `manifest.json` ([`Details`]). [`super::run`] computes them, [`super::output`] writes
//! their files, [`super::plots`] and [`super::report`] draw them.

use super::job::ExploreIdentity;
use super::prim::{Dim, Found, Side};
use super::robust::{self, Robustness, Table};
use super::spec::{Case, Discover, ExploreSpec};
use super::states::States;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One scenario-discovery result.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// the question
    pub discover: Discover,
    /// the case of every state
    pub cases: Vec<bool>,
    /// what PRIM found (None when there are no cases or only cases)
    pub found: Option<Found>,
}

/// A finished exploration.
#[derive(Debug, Clone)]
pub struct ExploreOutcome {
    /// the explore file
    pub spec: ExploreSpec,
    /// the states of the world
    pub states: States,
    /// every regime's outcomes in every state
    pub table: Table,
    /// robustness and ranking
    pub robustness: Robustness,
    /// scenario discovery
    pub discoveries: Vec<Discovery>,
    /// the PRIM dimensions (the uncertainties and their ranges)
    pub dims: Vec<Dim>,
    /// master seed
    pub seed: u64,
    /// output directory
    pub dir: PathBuf,
    /// wall time, seconds
    pub wall_seconds: f64,
}

/// What `manifest.json` records besides the provenance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Details {
    /// the identity (file hash, regimes and their scenario hashes, states digest, seed, sizes)
    pub identity: ExploreIdentity,
    /// states per chunk
    pub chunk_states: u64,
    /// bootstrap resamples of the robustness intervals
    pub bootstrap: usize,
    /// the headline printed at the end
    pub headline: Vec<String>,
}

impl Discovery {
    /// The box in words: `iso.reserve_months_median ≤ 1.2 and iso.credit_line_months ≤ 0.3`.
    pub fn box_text(&self, dims: &[Dim]) -> Option<String> {
        let f = self.found.as_ref()?;
        if f.limits.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        for (k, dim) in dims.iter().enumerate() {
            let lo = f.bounds.restricts(dims, k, Side::Lower);
            let hi = f.bounds.restricts(dims, k, Side::Upper);
            let (a, b) = (num(f.bounds.lo[k]), num(f.bounds.hi[k]));
            match (lo, hi) {
                (true, true) => parts.push(format!("{a} ≤ {} ≤ {b}", dim.name)),
                (true, false) => parts.push(format!("{} ≥ {a}", dim.name)),
                (false, true) => parts.push(format!("{} ≤ {b}", dim.name)),
                (false, false) => {}
            }
        }
        Some(parts.join(" and "))
    }
}

impl ExploreOutcome {
    /// The answer in a few lines: per outcome the regime with the lowest 90th-percentile regret,
    /// the satisficing winner, where the criteria disagree, and each discovered box.
    pub fn headline(&self) -> Vec<String> {
        let spec = &self.spec;
        let names: Vec<String> = spec.regimes.iter().map(|g| g.name.clone()).collect();
        let r = &self.robustness;
        let conf = |c: f64| {
            if c.is_nan() {
                String::new()
            } else {
                format!(
                    ", best in {:.0}% of {} bootstrap resamples of the states",
                    100.0 * c,
                    r.bootstrap
                )
            }
        };
        let mut lines = vec![format!(
            "{}: {} regimes in {} states of the world x {} replications (common random numbers)",
            spec.name,
            names.len(),
            self.states.n,
            spec.reps_per_state
        )];
        for rank in &r.ranking {
            let best = rank.best();
            match (rank.criterion, rank.outcome) {
                (robust::Criterion::RegretP90, Some(k)) => lines.push(format!(
                    "{} has the lowest 90th-percentile regret on {} ({}{})",
                    names[best],
                    spec.outcomes[k].metric,
                    num(rank.values[best]),
                    conf(rank.confidence)
                )),
                (robust::Criterion::Satisficing, None) => lines.push(format!(
                    "{} meets every threshold in the most states ({:.0}%{})",
                    names[best],
                    100.0 * rank.values[best],
                    conf(rank.confidence)
                )),
                _ => {}
            }
        }
        let dis = r.disagreements(&names, &spec.outcomes);
        if dis.is_empty() {
            lines.push(format!(
                "every robustness metric agrees: {}",
                names[r.ranking[0].best()]
            ));
        } else {
            for d in dis {
                lines.push(format!("the metrics disagree on {d}"));
            }
        }
        for d in &self.discoveries {
            let n = d.cases.iter().filter(|&&c| c).count();
            let what = case_text(spec, &d.discover);
            let line = match (&d.found, d.box_text(&self.dims)) {
                (Some(f), Some(b)) if f.significant(d.discover.prim.significance) => format!(
                    "{what} in {n} of {} states, mostly when {b} (coverage {:.0}%, density {:.0}%, permutation p = {})",
                    self.states.n,
                    100.0 * f.stats.coverage,
                    100.0 * f.stats.density,
                    num(f.p_value)
                ),
                (Some(f), Some(b)) => format!(
                    "{what} in {n} of {} states; the best box ({b}) is not significant (permutation p = {})",
                    self.states.n,
                    num(f.p_value)
                ),
                _ => format!(
                    "{what} in {n} of {} states, with no box of the uncertainties that concentrates them",
                    self.states.n
                ),
            };
            lines.push(line);
        }
        lines
    }
}

/// The case of `d` in words: "prompt_payment misses a threshold".
pub fn case_text(spec: &ExploreSpec, d: &Discover) -> String {
    let g = &spec.regimes[d.regime].name;
    match &d.case {
        Case::Fails => {
            let th: Vec<String> = spec
                .outcomes
                .iter()
                .filter_map(|o| o.threshold_text())
                .collect();
            format!("{g} misses a threshold ({})", th.join(", "))
        }
        Case::Below { outcome, value } => {
            format!("{g} has {} below {value}", spec.outcomes[*outcome].metric)
        }
        Case::Above { outcome, value } => {
            format!("{g} has {} above {value}", spec.outcomes[*outcome].metric)
        }
        Case::WorseThan { outcome, other, by } => {
            let m = &spec.outcomes[*outcome].metric;
            let o = &spec.regimes[*other].name;
            if *by > 0.0 {
                format!("{g} is worse than {o} on {m} by more than {by}")
            } else {
                format!("{g} is worse than {o} on {m}")
            }
        }
    }
}

/// A number for a sentence or a label: 3 decimals below 10, 1 below 100, none from 100 up, and
/// two significant digits below 0.001.
pub fn num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    // the terminal tables' decimals, and two significant digits for values below 0.001
    let small = (-v.abs().log10()).ceil() as usize + 1;
    let d = crate::stats::decimals(v.abs()).max(if v.abs() < 0.001 { small } else { 0 });
    format!("{v:.d$}")
}
