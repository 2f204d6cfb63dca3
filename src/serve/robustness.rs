//! The classroom page's light form of "what would change this answer" ([`crate::studies::assumptions`]):
//! a lesson scenario's effect on one metric against the lesson's baseline, re-estimated with
//! each of the ledger's top assumptions ([`crate::studies::assumptions::TOP`]) at the low and at the
//! high end of its plausible range, one at a time, on the same random numbers; the sentence is
//! [`crate::studies::assumptions::judge`]'s, so the page and `compare` say the same thing in the same
//! words. There is no joint stage here (a page answers in seconds, not minutes).
//!
//! Every variant starts as the lesson's arms do: from the present of the baseline with the
//! assumption moved (its own warm-up, shared by the baseline and the scenario), or from each
//! one's own warm-up for a lesson that starts steady or a scenario that changes what cannot
//! change during a run.

use super::engine;
use crate::input::scenario::Scenario;
use crate::params::{registry, Grounds};
use crate::stats::{paired, Paired};
use crate::studies::assumptions::{judge, Depth, Request, Swing};
use serde::Serialize;

/// What the assumptions do to one answer of the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    /// the metric
    pub metric: String,
    /// `holds`, `vanishes`, `reverses` or `unclear` (no clear effect at the defaults)
    pub status: String,
    /// [`judge`]'s sentence
    pub sentence: String,
    /// the effect at the defaults and its 95% CI (Monte Carlo)
    pub effect: f64,
    /// lower end of its CI
    pub ci_low: f64,
    /// upper end
    pub ci_high: f64,
    /// the assumptions tried (the top ones the scenario does not set itself)
    pub assumptions: Vec<String>,
    /// replications per variant
    pub reps: u64,
    /// model runs the check took (both arms, every variant, warm-ups not counted)
    pub runs: u64,
}

/// How the runs of a check are made: the page's seed and replications, its worker pool, and
/// what stops them.
pub struct Runs<'a> {
    /// master seed
    pub seed: u64,
    /// replications per variant
    pub reps: u64,
    /// worker threads
    pub pool: &'a rayon::ThreadPool,
    /// asked before every replication
    pub cancelled: &'a (dyn Fn() -> bool + Sync),
}

impl Runs<'_> {
    /// Summaries of metric `j`, replication by replication, of `s` (from `base`'s present when
    /// there is one and `s` can be switched to from it).
    fn arm(
        &self,
        s: &Scenario,
        base: &Scenario,
        present: Option<&[crate::model::Model<'static>]>,
        j: usize,
    ) -> Result<Option<Vec<f64>>, String> {
        let from = present
            .filter(|_| crate::model::fork::fixed_changes(&base.values, &s.values).is_empty());
        let stats = match from {
            Some(p) => {
                engine::run_arm_from(p, &s.config(), self.reps, &[], self.pool, self.cancelled)?
            }
            None => engine::run_arm(
                &s.config(),
                self.seed,
                self.reps,
                &[],
                self.pool,
                self.cancelled,
            ),
        };
        Ok(stats.map(|a| a.summaries.iter().map(|r| r[j]).collect()))
    }

    /// The paired effect of `regime` against `base` on metric `j`; `Ok(None)` when cancelled.
    fn effect(
        &self,
        base: &Scenario,
        regime: &Scenario,
        from_present: bool,
        j: usize,
    ) -> Result<Option<Paired>, String> {
        let present = if from_present {
            match engine::warm_up(
                &base.config(),
                self.seed,
                self.reps,
                self.pool,
                self.cancelled,
            ) {
                Some(p) => Some(p),
                None => return Ok(None),
            }
        } else {
            None
        };
        let p = present.as_deref();
        let Some(b) = self.arm(base, base, p, j)? else {
            return Ok(None);
        };
        let Some(r) = self.arm(regime, base, p, j)? else {
            return Ok(None);
        };
        Ok(Some(paired(&r, &b)))
    }
}

/// The note for `regime` against `base` on `metric` (a catalogue name): `Ok(None)` when
/// cancelled.
pub fn check(
    base: &Scenario,
    regime: &Scenario,
    from_present: bool,
    metric: &str,
    runs_with: &Runs<'_>,
) -> Result<Option<Note>, String> {
    let j = crate::metrics::metric_index(metric)
        .ok_or_else(|| format!("`{metric}` is not a metric"))?;
    let reps = runs_with.reps;
    let reg = registry();
    let list = Request {
        depth: Depth::Top,
        metrics: Vec::new(),
        candidates: None,
    }
    .assumptions()
    .map_err(|e| e.to_string())?;
    let Some(d) = runs_with.effect(base, regime, from_present, j)? else {
        return Ok(None);
    };
    let mut runs = 2 * reps;
    let mut swings = Vec::new();
    let mut tried = Vec::new();
    for i in list {
        // an assumption the scenario sets itself is part of the question, not an assumption
        if regime.values.0[i] != base.values.0[i] {
            continue;
        }
        let Grounds::Assumption { low, high, .. } = reg[i].grounds else {
            continue;
        };
        let mut ends = Vec::new();
        for v in [low, high] {
            let with = |s: &Scenario| {
                let mut t = s.clone();
                t.values.set_index(i, v);
                t.check_consistency().is_ok().then_some(t)
            };
            // a setting the cross-parameter checks refuse is not tried
            let (Some(b), Some(r)) = (with(base), with(regime)) else {
                break;
            };
            let Some(e) = runs_with.effect(&b, &r, from_present, j)? else {
                return Ok(None);
            };
            runs += 2 * reps;
            ends.push(e);
        }
        if let [e0, e1] = ends[..] {
            tried.push(reg[i].path.clone());
            swings.push(Swing::between(&reg[i], (low, high), &e0, &e1));
        }
    }
    swings.sort_by(|a, b| {
        b.swing()
            .abs()
            .total_cmp(&a.swing().abs())
            .then(a.parameter.cmp(&b.parameter))
    });
    let (status, sentence, _) = judge(&d, &swings, &[], &[]);
    Ok(Some(Note {
        metric: metric.to_string(),
        status: status.into(),
        sentence,
        effect: d.diff_mean,
        ci_low: d.diff_ci95_low,
        ci_high: d.diff_ci95_high,
        assumptions: tried,
        reps,
        runs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check` of `regime` against `base` on survival, at seed 7 with `reps` replications on two
    /// threads.
    fn note(base: &Scenario, regime: &Scenario, reps: u64, stop: bool) -> Option<Note> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("pool");
        let runs = Runs {
            seed: 7,
            reps,
            pool: &pool,
            cancelled: &|| stop,
        };
        check(base, regime, true, "survival_rate", &runs).expect("runs")
    }

    fn small() -> Scenario {
        let mut s = Scenario::default();
        s.set_value("simulation.isos", 8.0).expect("isos");
        s.set_value("simulation.duration_months", 36.0)
            .expect("duration");
        s.set_value("simulation.warmup_months", 24.0)
            .expect("warmup");
        s
    }

    /// A scenario identical to its baseline has no effect at the defaults, nor under any
    /// assumption: every variant's difference is exactly zero (common random numbers).
    #[test]
    fn the_baseline_against_itself_is_unclear_under_every_assumption() {
        let b = small();
        let n = note(&b, &b, 6, false).expect("not cancelled");
        assert_eq!(n.status, "unclear");
        assert_eq!(n.effect, 0.0);
        assert_eq!(n.assumptions.len(), crate::studies::assumptions::TOP.len());
        assert_eq!(n.runs, 2 * 6 * (1 + 2 * n.assumptions.len() as u64));
    }

    /// An assumption the scenario sets itself is not tried, and the sentence is the one
    /// `compare` writes for the same swings.
    #[test]
    fn an_assumption_the_scenario_sets_is_part_of_the_question() {
        let b = small();
        let mut r = b.clone();
        r.set_value("funders.federal.decision_delay_months", 2.0)
            .expect("delay");
        let n = note(&b, &r, 6, false).expect("not cancelled");
        assert!(!n
            .assumptions
            .iter()
            .any(|p| p == "funders.federal.decision_delay_months"));
        assert_eq!(
            n.assumptions.len(),
            crate::studies::assumptions::TOP.len() - 1
        );
        assert!(!n.sentence.is_empty());
    }

    /// Cancelled before it starts: no note.
    #[test]
    fn a_cancelled_check_gives_no_note() {
        let b = small();
        assert_eq!(note(&b, &b, 4, true), None);
    }
}
