//! One ABC-SMC generation as a [`crate::job`] job: item `i` is the generation's `i`-th new
//! particle. Its record is the particle's working-space values, natural values, summarised
//! targets and a uniform tie-breaker, a function of (seed, generation, item, parent population)
//! alone, so a generation computes the same bytes at any thread count and after a resume.
//!
//! Proposals draw from the particle's own ChaCha8 stream, `PROPOSAL_STREAM | generation << 32 |
//! item` (far above the model's `replication << 20 | entity` streams). A scenario particle runs
//! replications `0..reps` with `Model::new(cfg, seed, r)`: every particle of every generation on
//! the same random numbers, so distances between nearby particles are not blurred by luck. An
//! analytic particle draws its observations from its own stream (common numbers would make every
//! particle see the same data noise and collapse the posterior).

use super::spec::{Base, CalibrationSpec, Stat};
use super::{CalibrationIdentity, Particle};
use crate::job::{Differences, Identity, Job};
use crate::model::rng::{uniform, ChaCha8Rng};
use crate::model::Model;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

/// The high bit that separates proposal streams from the model's streams.
pub const PROPOSAL_STREAM: u64 = 1 << 63;

/// What determines a generation's numbers: the calibration's identity, the generation, and the
/// parent population it perturbs (by the SHA-256 of its saved state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationIdentity {
    /// the calibration (name, file, base, seed)
    pub calibration: CalibrationIdentity,
    /// generation (0: from the prior)
    pub generation: u64,
    /// new particles in the generation
    pub proposals: u64,
    /// replications per particle
    pub reps_per_particle: u64,
    /// SHA-256 of the parent population's state file ("" for generation 0)
    pub parent_sha256: String,
    /// the importance-weight scheme ([`WEIGHTS`]); a generation saved under another scheme
    /// (an earlier version: empty) is recomputed
    #[serde(default)]
    pub weights: String,
}

/// The importance-weight scheme of this version ([`super::weights`]).
pub const WEIGHTS: &str = "deterministic mixture of every proposal";

impl Identity for GenerationIdentity {
    fn differs(&self, old: &Self) -> Option<String> {
        let mut d = Differences::default();
        if let Some(w) = self.calibration.differs(&old.calibration) {
            d.when(true, w);
        }
        d.value("generation", old.generation, self.generation)
            .value("proposals", old.proposals, self.proposals)
            .value(
                "replications",
                old.reps_per_particle,
                self.reps_per_particle,
            )
            .when(old.parent_sha256 != self.parent_sha256, "parent population")
            .when(old.weights != self.weights, "importance-weight scheme")
            .finish()
    }
}

/// The parent population a generation perturbs, with the kernel's widths.
pub struct Parent<'a> {
    /// the particles
    pub particles: &'a [Particle],
    /// their cumulative normalised weights
    pub cumulative: Vec<f64>,
    /// kernel standard deviation per parameter (working space)
    pub widths: Vec<f64>,
}

impl<'a> Parent<'a> {
    /// The parent of a generation: cumulative weights and kernel widths `sqrt(2 * weighted
    /// variance)` per parameter (Beaumont et al. 2009), at least [`super::prior::Prior::min_width`].
    pub fn new(spec: &CalibrationSpec, particles: &'a [Particle]) -> Parent<'a> {
        let total: f64 = particles.iter().map(|p| p.weight).sum();
        let mut acc = 0.0;
        let cumulative = particles
            .iter()
            .map(|p| {
                acc += p.weight / total;
                acc
            })
            .collect();
        let widths = spec
            .priors
            .iter()
            .enumerate()
            .map(|(k, prior)| {
                let mean: f64 = particles.iter().map(|p| p.weight * p.work[k]).sum::<f64>() / total;
                let var: f64 = particles
                    .iter()
                    .map(|p| p.weight * (p.work[k] - mean).powi(2))
                    .sum::<f64>()
                    / total;
                (2.0 * var).sqrt().max(prior.min_width())
            })
            .collect();
        Parent {
            particles,
            cumulative,
            widths,
        }
    }

    /// The parent index a uniform `u` picks (by weight).
    fn pick(&self, u: f64) -> usize {
        self.cumulative
            .partition_point(|&c| c <= u)
            .min(self.particles.len() - 1)
    }
}

/// A generation ready to run.
pub struct GenerationJob<'a> {
    /// the calibration
    pub spec: &'a CalibrationSpec,
    /// the identity
    pub id: GenerationIdentity,
    /// the parent population (None for generation 0)
    pub parent: Option<Parent<'a>>,
    /// particles per chunk
    pub chunk: u64,
}

impl GenerationJob<'_> {
    /// Values per particle record: working values, natural values, summaries, tie.
    pub fn record_len_of(spec: &CalibrationSpec) -> usize {
        2 * spec.priors.len() + spec.targets.len() + 1
    }

    fn propose(&self, rng: &mut ChaCha8Rng, work: &mut [f64]) -> anyhow::Result<()> {
        let priors = &self.spec.priors;
        match &self.parent {
            None => {
                for (w, p) in work.iter_mut().zip(priors) {
                    *w = p.sample_work(rng)?;
                }
                Ok(())
            }
            Some(parent) => {
                for _ in 0..100_000 {
                    let from = &parent.particles[parent.pick(uniform(rng))].work;
                    let mut inside = true;
                    for (k, p) in priors.iter().enumerate() {
                        work[k] = p.perturb(from[k], parent.widths[k], rng);
                        inside &= p.density_work(work[k]) > 0.0;
                    }
                    if inside {
                        return Ok(());
                    }
                }
                anyhow::bail!(
                    "generation {}: 100000 perturbed particles in a row fell outside the priors",
                    self.id.generation
                )
            }
        }
    }

    fn summarise(
        &self,
        values: &[f64],
        rng: &mut ChaCha8Rng,
        out: &mut [f64],
    ) -> anyhow::Result<()> {
        let spec = self.spec;
        let reps = spec.reps_per_particle;
        let mut per_rep = vec![0.0; reps * spec.targets.len()];
        match &spec.base {
            Base::Scenario { scenario, .. } => {
                let mut s = (**scenario).clone();
                for (p, &v) in spec.priors.iter().zip(values) {
                    s.set_value(&p.path, v)?;
                }
                s.check_consistency()
                    .map_err(|e| anyhow::anyhow!("particle {values:?}: {e}"))?;
                let cfg = s.config();
                for r in 0..reps {
                    let run = Model::new(&cfg, self.id.calibration.seed, r as u64).run();
                    for (t, target) in spec.targets.iter().enumerate() {
                        per_rep[t * reps + r] = run.summary[target.index];
                    }
                }
            }
            Base::Analytic(a) => {
                for r in 0..reps {
                    let y = a.simulate(values[0], rng)?;
                    for t in 0..spec.targets.len() {
                        per_rep[t * reps + r] = y;
                    }
                }
            }
        }
        for (t, target) in spec.targets.iter().enumerate() {
            let xs = &mut per_rep[t * reps..(t + 1) * reps];
            out[t] = match target.stat {
                Stat::Mean => xs.iter().sum::<f64>() / reps as f64,
                Stat::Quantile(q) => quantile(xs, q),
            };
        }
        Ok(())
    }
}

/// Quantile `q` of `xs` (linear interpolation between order statistics, numpy's default);
/// NaN if any value is NaN.
pub fn quantile(xs: &mut [f64], q: f64) -> f64 {
    if xs.iter().any(|x| x.is_nan()) || xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let h = (xs.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(xs.len() - 1);
    xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
}

impl Job for GenerationJob<'_> {
    type Identity = GenerationIdentity;
    const KIND: &'static str = "calibration-generation";
    const ITEM: &'static str = "particles";

    fn identity(&self) -> &GenerationIdentity {
        &self.id
    }
    fn items(&self) -> u64 {
        self.id.proposals
    }
    fn record_len(&self) -> usize {
        Self::record_len_of(self.spec)
    }
    fn chunk_items(&self) -> u64 {
        self.chunk
    }
    fn eval_item(&self, item: u64, record: &mut [f64]) -> anyhow::Result<()> {
        let k = self.spec.priors.len();
        let mut rng = ChaCha8Rng::seed_from_u64(self.id.calibration.seed);
        rng.set_stream(PROPOSAL_STREAM | (self.id.generation << 32) | (item & 0xFFFF_FFFF));
        let (work, rest) = record.split_at_mut(k);
        self.propose(&mut rng, work)?;
        let (values, rest) = rest.split_at_mut(k);
        for ((v, &w), p) in values.iter_mut().zip(work.iter()).zip(&self.spec.priors) {
            *v = p.to_natural(w);
        }
        let tie = uniform(&mut rng);
        let (summaries, last) = rest.split_at_mut(self.spec.targets.len());
        self.summarise(values, &mut rng, summaries)?;
        last[0] = tie;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let mut xs = [3.0, 1.0, 2.0, 4.0];
        assert_eq!(quantile(&mut xs, 0.5), 2.5);
        assert_eq!(quantile(&mut xs, 0.0), 1.0);
        assert_eq!(quantile(&mut xs, 1.0), 4.0);
        assert!((quantile(&mut xs, 0.1) - 1.3).abs() < 1e-12);
    }
}
