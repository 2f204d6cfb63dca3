//! What a calibration produces, in one place: the weighted [`Particle`]s of the posterior, each
//! generation's [`GenerationStats`], the [`CalibrationResult`] and the calibration's part of
//! `manifest.json` ([`CalibrationDetails`]). [`super::run`] computes them, [`super::output`]
//! writes and reads back their files, [`super::plots`] draws them.

use super::spec::TargetSpec;
use super::{deviation, weighted_quantile, weights, CalibrationIdentity};
use serde::{Deserialize, Serialize};

/// One weighted particle.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// parameter values in the working space (log for log-uniform priors)
    pub work: Vec<f64>,
    /// parameter values
    pub value: Vec<f64>,
    /// summarised targets
    pub summaries: Vec<f64>,
    /// distance to the targets
    pub distance: f64,
    /// importance weight (unnormalised): `prior / mixture` ([`weights`])
    pub weight: f64,
    /// the density of every proposal so far at the particle, each times its draws:
    /// `sum_s n_s q_s(theta)` ([`weights`])
    pub mixture: f64,
    /// uniform tie-breaker among equal distances
    pub tie: f64,
}

/// What a generation did.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationStats {
    /// generation (0: from the prior)
    pub generation: usize,
    /// tolerance after the generation
    pub tolerance: f64,
    /// share of the generation's new particles within the previous tolerance (generation 0:
    /// the kept share)
    pub acceptance: f64,
    /// effective sample size of the kept population, `(sum w)^2 / sum w^2`
    pub ess: f64,
    /// new particles simulated
    pub proposals: u64,
    /// particles simulated so far
    pub evaluations: u64,
}

/// Which stopping rule ended a calibration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// the acceptance rate fell to `min_acceptance`: new particles rarely came closer
    Acceptance,
    /// the tolerance reached the `tolerance` floor
    Tolerance,
    /// `max_generations` reached
    Generations,
    /// another generation would have exceeded `max_evaluations`
    Evaluations,
}

impl StopReason {
    /// Why a target no particle met stayed out of reach, given this stop.
    pub fn unreached_reason(&self) -> &'static str {
        match self {
            StopReason::Acceptance => {
                "the calibration stopped on its acceptance rate, so new particles had stopped coming closer: the target is likely beyond what the priors' parameters can reach (widen a prior, add a parameter, or check the figure)"
            }
            StopReason::Tolerance => {
                "the calibration stopped at its tolerance floor (`tolerance`): a lower floor may reach it"
            }
            StopReason::Generations | StopReason::Evaluations => {
                "the budget ran out (`max_generations`, `max_evaluations`) while the tolerance was still falling: a larger budget may reach it"
            }
        }
    }
}

/// A finished calibration.
#[derive(Debug, Clone)]
pub struct CalibrationResult {
    /// the posterior: the last kept population
    pub population: Vec<Particle>,
    /// one row per generation
    pub generations: Vec<GenerationStats>,
    /// the scale of each target's deviation
    pub scales: Vec<f64>,
    /// why it stopped, in words
    pub stop: String,
    /// which rule stopped it
    pub stopped_by: StopReason,
    /// particles simulated in all
    pub evaluations: u64,
    /// particles simulated by this invocation
    pub computed: u64,
    /// worker threads
    pub threads: usize,
    /// seed used
    pub seed: u64,
}

impl CalibrationResult {
    /// The posterior's effective sample size, `(sum w)^2 / sum w^2`.
    pub fn ess(&self) -> f64 {
        weights::ess(&self.population)
    }

    /// Normalised weights of the posterior.
    pub fn weights(&self) -> Vec<f64> {
        let total: f64 = self.population.iter().map(|p| p.weight).sum();
        self.population.iter().map(|p| p.weight / total).collect()
    }

    /// Weighted mean and standard deviation of parameter `k`.
    pub fn moments(&self, k: usize) -> (f64, f64) {
        let w = self.weights();
        let m: f64 = self
            .population
            .iter()
            .zip(&w)
            .map(|(p, w)| w * p.value[k])
            .sum();
        let v: f64 = self
            .population
            .iter()
            .zip(&w)
            .map(|(p, w)| w * (p.value[k] - m).powi(2))
            .sum();
        (m, v.sqrt())
    }

    /// Weighted quantile `q` of parameter `k`'s posterior (the smallest value whose cumulative
    /// weight reaches `q`).
    pub fn quantile(&self, k: usize, q: f64) -> f64 {
        weighted_quantile(
            &self
                .population
                .iter()
                .map(|p| p.value[k])
                .collect::<Vec<_>>(),
            &self.weights(),
            q,
        )
    }

    /// Targets no posterior particle meets (outside the interval, or more than one scale from
    /// the value), with the closest summary reached.
    pub fn unreached(&self, targets: &[TargetSpec]) -> Vec<(String, f64)> {
        targets
            .iter()
            .enumerate()
            .filter(|(t, target)| {
                !self
                    .population
                    .iter()
                    .any(|p| target.met(p.summaries[*t], self.scales[*t]))
            })
            .map(|(t, target)| {
                let closest = self
                    .population
                    .iter()
                    .map(|p| p.summaries[t])
                    .min_by(|a, b| {
                        deviation(target, *a, 1.0)
                            .abs()
                            .total_cmp(&deviation(target, *b, 1.0).abs())
                    })
                    .unwrap_or(f64::NAN);
                (target.label(), closest)
            })
            .collect()
    }
}

impl CalibrationResult {
    /// Weighted correlation of parameters `i` and `j` over the posterior.
    pub fn correlation(&self, i: usize, j: usize) -> f64 {
        let w = self.weights();
        let (mi, si) = self.moments(i);
        let (mj, sj) = self.moments(j);
        let c: f64 = self
            .population
            .iter()
            .zip(&w)
            .map(|(p, w)| w * (p.value[i] - mi) * (p.value[j] - mj))
            .sum();
        c / (si * sj)
    }
}

/// A prior as recorded in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PriorRecord {
    /// dotted path
    pub path: String,
    /// uniform | log_uniform | integer | normal | beta
    pub kind: String,
    /// lower bound
    pub min: f64,
    /// upper bound
    pub max: f64,
}

/// A target as recorded in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TargetRecord {
    /// column name in posterior.csv
    pub label: String,
    /// the goal in words
    pub goal: String,
    /// where the figure comes from
    pub source: String,
    /// weight in the distance
    pub weight: f64,
    /// scale of a deviation
    pub scale: f64,
}

/// The calibration's own part of `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalibrationDetails {
    /// what determines the numbers (name, file hash, base scenario and its hash, seed)
    pub identity: CalibrationIdentity,
    /// the base scenario file as resolved from the calibration file (none for a test model)
    #[serde(default)]
    pub scenario_file: Option<String>,
    /// particles in the first generation
    pub particles: usize,
    /// particles kept per generation (rows of posterior.csv)
    pub kept: usize,
    /// replications per particle
    pub reps_per_particle: usize,
    /// the priors, in column order
    pub priors: Vec<PriorRecord>,
    /// the targets, in column order
    pub targets: Vec<TargetRecord>,
    /// generations run
    pub generations: usize,
    /// particles simulated
    pub evaluations: u64,
    /// why the calibration stopped
    pub stop: String,
    /// targets no posterior particle meets, with the closest summary reached
    pub unreached: Vec<(String, f64)>,
    /// the posterior's effective sample size, `(sum w)^2 / sum w^2` (absent before it was
    /// recorded here)
    #[serde(default)]
    pub ess: Option<f64>,
    /// the effective sample size below which the posterior is flagged
    /// ([`super::ess_threshold`])
    #[serde(default)]
    pub ess_threshold: Option<f64>,
    /// each generation's effective sample size, generation 0 first
    #[serde(default)]
    pub ess_by_generation: Vec<f64>,
    /// the warning given when the effective sample size is below the threshold
    #[serde(default)]
    pub warnings: Vec<String>,
}
