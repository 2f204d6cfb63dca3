//! Robustness metrics (Lempert et al. 2003; McPhail et al. 2018 for the taxonomy): per regime
//! and outcome, the spread across states of the world; regret against the best regime of each
//! state (Savage 1951); satisficing, the share of states where every threshold is met (Starr's
//! domain criterion, Starr 1963); and a ranking by each metric that says where they disagree.
//!
//! Each state's outcome is the mean of its replications (common random numbers across regimes),
//! so a state's regret is not inflated by luck the other regimes did not share. The 95%
//! intervals are percentile bootstrap intervals over the states (resampled with replacement):
//! they cover the sampling of the states of the world and the Monte Carlo noise of each state's
//! mean, not the choice of the uncertainties' ranges.

use super::spec::{Direction, Outcome};
use crate::stats::quantile_sorted;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

/// The outcomes of every regime in every state: `values[(s * regimes + g) * outcomes + o]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// states
    pub n: usize,
    /// regimes
    pub regimes: usize,
    /// outcomes
    pub outcomes: usize,
    /// the values, state by state
    pub values: Vec<f64>,
}

impl Table {
    /// Regime `g`'s outcome `o` in state `s`.
    pub fn get(&self, s: usize, g: usize, o: usize) -> f64 {
        self.values[(s * self.regimes + g) * self.outcomes + o]
    }

    /// The best value of outcome `o` among the regimes in state `s`.
    pub fn best(&self, s: usize, o: usize, dir: Direction) -> f64 {
        (0..self.regimes)
            .map(|g| self.get(s, g, o))
            .reduce(|a, b| if dir.better(b, a) { b } else { a })
            .unwrap_or(f64::NAN)
    }

    /// Regime `g`'s regret on outcome `o` in state `s`: how much worse it is than the best regime
    /// of that state (0 for the best).
    pub fn regret(&self, s: usize, g: usize, o: usize, dir: Direction) -> f64 {
        dir.shortfall(self.best(s, o, dir), self.get(s, g, o))
    }

    /// Whether regime `g` meets every threshold in state `s` (true when there are none).
    pub fn satisfies(&self, s: usize, g: usize, outcomes: &[Outcome]) -> bool {
        outcomes.iter().enumerate().all(|(o, out)| {
            out.threshold
                .is_none_or(|t| out.direction.meets(self.get(s, g, o), t))
        })
    }
}

/// One regime's robustness on one outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    /// mean across states
    pub mean: f64,
    /// 10th percentile across states
    pub p10: f64,
    /// median across states
    pub p50: f64,
    /// 90th percentile across states
    pub p90: f64,
    /// lowest value
    pub min: f64,
    /// highest value
    pub max: f64,
    /// mean regret
    pub regret_mean: f64,
    /// 90th percentile of the regret
    pub regret_p90: f64,
    /// largest regret
    pub regret_max: f64,
    /// share of states where this outcome meets its threshold (NaN without one)
    pub threshold_share: f64,
}

impl Stat {
    /// The value of the worst tenth of states: the 10th percentile when more is better, the 90th
    /// when less is.
    pub fn worst_decile(&self, dir: Direction) -> f64 {
        match dir {
            Direction::Maximize => self.p10,
            Direction::Minimize => self.p90,
        }
    }
}

/// A robustness criterion the regimes are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// the mean across states (in the outcome's direction)
    Mean,
    /// the worst decile across states
    WorstDecile,
    /// mean regret (lower is better)
    RegretMean,
    /// 90th-percentile regret (lower is better)
    RegretP90,
    /// largest regret (lower is better; minimax regret)
    RegretMax,
    /// share of states meeting the outcome's threshold (higher is better)
    ThresholdShare,
    /// share of states meeting every threshold (Starr's domain criterion; higher is better)
    Satisficing,
}

impl Criterion {
    /// Name in `robustness.csv` and `ranking.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Criterion::Mean => "mean",
            Criterion::WorstDecile => "worst_decile",
            Criterion::RegretMean => "regret_mean",
            Criterion::RegretP90 => "regret_p90",
            Criterion::RegretMax => "regret_max",
            Criterion::ThresholdShare => "threshold_share",
            Criterion::Satisficing => "satisficing",
        }
    }

    /// Words for a sentence ("the lowest 90th-percentile regret").
    pub fn words(self) -> &'static str {
        match self {
            Criterion::Mean => "the best mean",
            Criterion::WorstDecile => "the best worst decile",
            Criterion::RegretMean => "the lowest mean regret",
            Criterion::RegretP90 => "the lowest 90th-percentile regret",
            Criterion::RegretMax => "the lowest maximum regret",
            Criterion::ThresholdShare => "the largest share of states meeting the threshold",
            Criterion::Satisficing => "the largest share of states meeting every threshold",
        }
    }
}

/// One row of the ranking: the regimes ordered by a criterion on an outcome (or on all
/// thresholds at once).
#[derive(Debug, Clone, PartialEq)]
pub struct Rank {
    /// the criterion
    pub criterion: Criterion,
    /// the outcome (None for satisficing)
    pub outcome: Option<usize>,
    /// regimes, best first
    pub order: Vec<usize>,
    /// the criterion's value per regime (in regime order)
    pub values: Vec<f64>,
    /// share of bootstrap resamples in which `order[0]` is best (NaN without a bootstrap)
    pub confidence: f64,
}

impl Rank {
    /// The best regime.
    pub fn best(&self) -> usize {
        self.order[0]
    }
}

/// 95% percentile-bootstrap interval of a value.
pub type Interval = (f64, f64);

/// Everything [`robustness`] computes.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    /// per regime, per outcome
    pub stats: Vec<Vec<Stat>>,
    /// per regime: share of states meeting every threshold (NaN without thresholds)
    pub satisficing: Vec<f64>,
    /// per regime, per outcome: intervals of the mean, the mean regret and the 90th-percentile
    /// regret (NaN without a bootstrap)
    pub intervals: Vec<Vec<[Interval; 3]>>,
    /// per regime: interval of the satisficing share
    pub satisficing_interval: Vec<Interval>,
    /// the ranking, outcome by outcome, then satisficing
    pub ranking: Vec<Rank>,
    /// bootstrap resamples used
    pub bootstrap: usize,
}

/// Statistics over the states `idx` (with repetition for a bootstrap resample).
fn summarize(t: &Table, outcomes: &[Outcome], idx: &[usize]) -> (Vec<Vec<Stat>>, Vec<f64>) {
    let n = idx.len() as f64;
    let stats = (0..t.regimes)
        .map(|g| {
            outcomes
                .iter()
                .enumerate()
                .map(|(o, out)| {
                    let dir = out.direction;
                    let mut v: Vec<f64> = idx.iter().map(|&s| t.get(s, g, o)).collect();
                    let mut r: Vec<f64> = idx.iter().map(|&s| t.regret(s, g, o, dir)).collect();
                    let mean = v.iter().sum::<f64>() / n;
                    let regret_mean = r.iter().sum::<f64>() / n;
                    let threshold_share = out.threshold.map_or(f64::NAN, |th| {
                        v.iter().filter(|&&x| dir.meets(x, th)).count() as f64 / n
                    });
                    v.sort_by(f64::total_cmp);
                    r.sort_by(f64::total_cmp);
                    Stat {
                        mean,
                        p10: quantile_sorted(&v, 0.1),
                        p50: quantile_sorted(&v, 0.5),
                        p90: quantile_sorted(&v, 0.9),
                        min: v[0],
                        max: v[v.len() - 1],
                        regret_mean,
                        regret_p90: quantile_sorted(&r, 0.9),
                        regret_max: r[r.len() - 1],
                        threshold_share,
                    }
                })
                .collect()
        })
        .collect();
    let any_threshold = outcomes.iter().any(|o| o.threshold.is_some());
    let sat = (0..t.regimes)
        .map(|g| {
            if any_threshold {
                idx.iter().filter(|&&s| t.satisfies(s, g, outcomes)).count() as f64 / n
            } else {
                f64::NAN
            }
        })
        .collect();
    (stats, sat)
}

/// The criteria that apply: per outcome, then satisficing.
fn criteria(outcomes: &[Outcome]) -> Vec<(Criterion, Option<usize>)> {
    let mut c = Vec::new();
    for (o, out) in outcomes.iter().enumerate() {
        for k in [
            Criterion::Mean,
            Criterion::WorstDecile,
            Criterion::RegretMean,
            Criterion::RegretP90,
            Criterion::RegretMax,
        ] {
            c.push((k, Some(o)));
        }
        if out.threshold.is_some() {
            c.push((Criterion::ThresholdShare, Some(o)));
        }
    }
    if outcomes.iter().any(|o| o.threshold.is_some()) {
        c.push((Criterion::Satisficing, None));
    }
    c
}

/// Per regime, the value of criterion `k` on outcome `o`, and whether higher is better.
fn criterion_values(
    k: Criterion,
    o: Option<usize>,
    outcomes: &[Outcome],
    stats: &[Vec<Stat>],
    sat: &[f64],
) -> (Vec<f64>, bool) {
    let of = |f: &dyn Fn(&Stat) -> f64| -> Vec<f64> {
        stats.iter().map(|s| f(&s[o.unwrap_or(0)])).collect()
    };
    let dir = o.map_or(Direction::Maximize, |o| outcomes[o].direction);
    let up = dir == Direction::Maximize;
    match k {
        Criterion::Mean => (of(&|s| s.mean), up),
        Criterion::WorstDecile => (of(&|s| s.worst_decile(dir)), up),
        Criterion::RegretMean => (of(&|s| s.regret_mean), false),
        Criterion::RegretP90 => (of(&|s| s.regret_p90), false),
        Criterion::RegretMax => (of(&|s| s.regret_max), false),
        Criterion::ThresholdShare => (of(&|s| s.threshold_share), true),
        Criterion::Satisficing => (sat.to_vec(), true),
    }
}

/// Regimes ordered best first (ties keep the regimes' order).
fn order(values: &[f64], higher: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| {
        let c = values[a].total_cmp(&values[b]);
        if higher {
            c.reverse()
        } else {
            c
        }
    });
    idx
}

/// Robustness of every regime on every outcome across the states of `t`, with a bootstrap of
/// `bootstrap` resamples of the states (0 = none) drawn from `seed`.
pub fn robustness(t: &Table, outcomes: &[Outcome], bootstrap: usize, seed: u64) -> Robustness {
    let all: Vec<usize> = (0..t.n).collect();
    let (stats, satisficing) = summarize(t, outcomes, &all);
    let crit = criteria(outcomes);
    let mut ranking: Vec<Rank> = crit
        .iter()
        .map(|&(k, o)| {
            let (values, higher) = criterion_values(k, o, outcomes, &stats, &satisficing);
            Rank {
                criterion: k,
                outcome: o,
                order: order(&values, higher),
                values,
                confidence: f64::NAN,
            }
        })
        .collect();
    let nan = (f64::NAN, f64::NAN);
    let mut intervals = vec![vec![[nan; 3]; outcomes.len()]; t.regimes];
    let mut satisficing_interval = vec![nan; t.regimes];
    if bootstrap > 0 && t.n > 1 {
        // every resample from its own stream of the seed: the same draws at any thread count
        let resamples: Vec<(Vec<Vec<Stat>>, Vec<f64>)> = (0..bootstrap as u64)
            .into_par_iter()
            .map(|b| {
                let mut r = ChaCha8Rng::seed_from_u64(seed ^ 0x6578_706c_6f72_6562);
                r.set_stream(b);
                let idx: Vec<usize> = (0..t.n).map(|_| r.random_range(0..t.n)).collect();
                summarize(t, outcomes, &idx)
            })
            .collect();
        for rank in &mut ranking {
            let wins = resamples
                .iter()
                .filter(|(st, sat)| {
                    let (v, higher) =
                        criterion_values(rank.criterion, rank.outcome, outcomes, st, sat);
                    order(&v, higher)[0] == rank.order[0]
                })
                .count();
            rank.confidence = wins as f64 / bootstrap as f64;
        }
        let interval = |mut v: Vec<f64>| -> Interval {
            v.sort_by(f64::total_cmp);
            (quantile_sorted(&v, 0.025), quantile_sorted(&v, 0.975))
        };
        for g in 0..t.regimes {
            for o in 0..outcomes.len() {
                let pick = |f: fn(&Stat) -> f64| -> Interval {
                    interval(resamples.iter().map(|(st, _)| f(&st[g][o])).collect())
                };
                intervals[g][o] = [
                    pick(|s| s.mean),
                    pick(|s| s.regret_mean),
                    pick(|s| s.regret_p90),
                ];
            }
            if satisficing[g].is_finite() {
                satisficing_interval[g] = interval(resamples.iter().map(|(_, s)| s[g]).collect());
            }
        }
    }
    Robustness {
        stats,
        satisficing,
        intervals,
        satisficing_interval,
        ranking,
        bootstrap: if t.n > 1 { bootstrap } else { 0 },
    }
}

impl Robustness {
    /// Where the criteria disagree: per outcome (and for satisficing), the distinct winners with
    /// the criteria each wins; empty when one regime wins everything.
    pub fn disagreements(&self, regimes: &[String], outcomes: &[Outcome]) -> Vec<String> {
        // per outcome (None: satisficing), each winning regime with the criteria it wins
        type Winners = Vec<(usize, Vec<&'static str>)>;
        let mut groups: Vec<(Option<usize>, Winners)> = Vec::new();
        for r in &self.ranking {
            let key = r.outcome;
            let entry = match groups.iter_mut().find(|(k, _)| *k == key) {
                Some(e) => e,
                None => {
                    groups.push((key, Vec::new()));
                    groups.last_mut().expect("just pushed")
                }
            };
            match entry.1.iter_mut().find(|(g, _)| *g == r.best()) {
                Some((_, c)) => c.push(r.criterion.name()),
                None => entry.1.push((r.best(), vec![r.criterion.name()])),
            }
        }
        let overall: Vec<usize> = self.ranking.iter().map(Rank::best).collect();
        if overall.iter().all(|&g| g == overall[0]) {
            return Vec::new();
        }
        groups
            .into_iter()
            .filter(|(_, w)| w.len() > 1)
            .map(|(o, w)| {
                let what = o.map_or("all thresholds".to_string(), |o| outcomes[o].metric.clone());
                let parts: Vec<String> = w
                    .iter()
                    .map(|(g, c)| format!("{} by {}", regimes[*g], c.join(", ")))
                    .collect();
                format!("{what}: {}", parts.join("; "))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(dir: Direction, threshold: Option<f64>) -> Outcome {
        Outcome {
            metric: "survival_rate".into(),
            index: 0,
            direction: dir,
            threshold,
        }
    }

    #[test]
    fn regret_and_satisficing_by_hand() {
        // 4 states, 2 regimes, 1 outcome (maximize, threshold 0.5)
        // state: A, B
        let v = [0.9, 0.8, 0.4, 0.6, 0.7, 0.7, 0.2, 0.9];
        let t = Table {
            n: 4,
            regimes: 2,
            outcomes: 1,
            values: v.to_vec(),
        };
        let outs = [outcome(Direction::Maximize, Some(0.5))];
        let r = robustness(&t, &outs, 0, 1);
        let a = r.stats[0][0];
        let b = r.stats[1][0];
        assert!((a.mean - 0.55).abs() < 1e-12);
        assert!((b.mean - 0.75).abs() < 1e-12);
        // A's regrets: 0, 0.2, 0, 0.7; B's: 0.1, 0, 0, 0
        assert!((a.regret_mean - 0.225).abs() < 1e-12);
        assert!((a.regret_max - 0.7).abs() < 1e-12);
        assert!((b.regret_max - 0.1).abs() < 1e-12);
        assert_eq!(r.satisficing, vec![0.5, 1.0]);
        assert!(r.ranking.iter().all(|k| k.best() == 1));
        assert!(r.disagreements(&["a".into(), "b".into()], &outs).is_empty());
        // minimizing the same numbers flips the regrets
        let outs = [outcome(Direction::Minimize, None)];
        let r = robustness(&t, &outs, 0, 1);
        assert!((r.stats[1][0].regret_max - 0.7).abs() < 1e-12);
        assert!(r.satisficing[0].is_nan());
    }

    #[test]
    fn bootstrap_is_reproducible_and_brackets_the_estimate() {
        let n = 200;
        let values: Vec<f64> = (0..n * 2)
            .map(|i| ((i * 7919) % 101) as f64 / 100.0 + if i % 2 == 1 { 0.05 } else { 0.0 })
            .collect();
        let t = Table {
            n,
            regimes: 2,
            outcomes: 1,
            values,
        };
        let outs = [outcome(Direction::Maximize, Some(0.5))];
        let r1 = robustness(&t, &outs, 200, 9);
        let r2 = robustness(&t, &outs, 200, 9);
        assert_eq!(r1, r2);
        for g in 0..2 {
            let (lo, hi) = r1.intervals[g][0][0];
            assert!(lo <= r1.stats[g][0].mean && r1.stats[g][0].mean <= hi);
        }
        assert!(r1
            .ranking
            .iter()
            .all(|k| k.confidence > 0.0 && k.confidence <= 1.0));
    }
}
