//! Importance weights of ABC-SMC on one scale, and the effective sample size they leave.
//!
//! # Which weights, and why
//!
//! Every particle ever simulated was drawn from one of the calibration's proposals: generation
//! 0's `n_0 = N` draws from the prior `pi`, generation `s`'s `n_s = N - floor(alpha N)` draws
//! from `q_s`, the kernel mixture over the population kept after generation `s - 1` (truncated
//! to the priors' support, as the sampler redraws moves that leave it). The population kept
//! after generation `t` is *every* particle drawn so far whose distance is within `eps_t` (the
//! tolerance never rises, so a particle within `eps_t` was kept at every earlier step). It is
//! therefore an importance sample of the ABC posterior at `eps_t`,
//! `pi(theta) P(d <= eps_t | theta)`, drawn from the *mixture of all proposals*, and each
//! particle's weight is
//!
//! ```text
//! w(theta) = pi(theta) / sum_{s=0..t} n_s q_s(theta)        (q_0 = pi)
//! ```
//!
//! recomputed for the whole population every generation: the deterministic-mixture ("balance
//! heuristic") weight of multiple importance sampling (Veach & Guibas 1995; Owen & Zhou 2000;
//! Elvira et al. 2019), as adaptive multiple importance sampling recycles every past draw
//! (Cornuet, Marin, Mira & Robert 2012). A kept particle and a new one then carry weights on
//! one scale, however long ago the kept one was drawn.
//!
//! Lenormand, Jabot & Deffuant (2013)'s APMC, which this sampler otherwise follows, gives a new
//! particle `pi(theta) / sum_j w_j K(theta | theta_j)` against the current proposal only and lets
//! a kept particle keep the weight of the generation that drew it. Each is an importance weight
//! against a *different* density: a particle drawn early, when the proposal was wide (low
//! density everywhere), gets a large weight that later, concentrated proposals never revise,
//! and the few early survivors come to hold most of the weight (on a two-parameter problem on
//! the model, an effective sample size of 4 of 200 after 30 generations; docs/calibration.md).
//! Del Moral, Doucet & Jasra (2012)'s adaptive ABC-SMC avoids the issue by moving particles
//! with MCMC steps instead of keeping them, a different sampler.
//!
//! Densities are normalised (the prior's by [`super::prior::Prior::density_norm_work`], each
//! kernel mixture by its kernels' constants and the probability that a move lands inside the
//! priors), since the mixture adds densities of different proposals. Each particle carries its
//! running sum `sum_s n_s q_s(theta)` (`Particle::mixture`): a generation adds its own
//! proposal's term to every kept particle and computes the whole sum for a new one, always in
//! the order `s = 0, 1, …`, so the numbers do not depend on the thread count.

use super::job::Parent;
use super::prior::Prior;
use super::{CalibrationSpec, Particle};

/// One generation's proposal as a density in the working space: the kernel mixture over its
/// parent population, truncated to the priors' support.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// particles drawn from it (`n_s`)
    pub count: f64,
    /// the parents' working values
    centres: Vec<Vec<f64>>,
    /// the parents' normalised weights
    weights: Vec<f64>,
    /// kernel standard deviation per parameter
    widths: Vec<f64>,
    /// the product of the continuous kernels' constants `1 / (sd sqrt(2 pi))`, over the
    /// probability that a move lands inside the priors
    factor: f64,
}

impl Proposal {
    /// The proposal of a generation that perturbs `parent` and draws `count` particles.
    pub fn new(spec: &CalibrationSpec, parent: &[Particle], count: u64) -> Proposal {
        let p = Parent::new(spec, parent);
        let total: f64 = parent.iter().map(|q| q.weight).sum();
        let weights: Vec<f64> = parent.iter().map(|q| q.weight / total).collect();
        let inside: f64 = parent
            .iter()
            .zip(&weights)
            .map(|(q, w)| {
                w * spec
                    .priors
                    .iter()
                    .enumerate()
                    .map(|(k, pr)| pr.kernel_inside(q.work[k], p.widths[k]))
                    .product::<f64>()
            })
            .sum();
        let norm: f64 = spec
            .priors
            .iter()
            .zip(&p.widths)
            .filter(|(pr, _)| !pr.is_integer())
            .map(|(_, sd)| 1.0 / (sd * (2.0 * std::f64::consts::PI).sqrt()))
            .product();
        Proposal {
            count: count as f64,
            centres: parent.iter().map(|q| q.work.clone()).collect(),
            weights,
            widths: p.widths,
            factor: norm / inside,
        }
    }

    /// The proposal's density (mass, for integer parameters) at working values `work`.
    pub fn density(&self, priors: &[Prior], work: &[f64]) -> f64 {
        if priors
            .iter()
            .zip(work)
            .any(|(pr, &u)| pr.density_work(u) == 0.0)
        {
            return 0.0;
        }
        let mut s = 0.0;
        for (c, w) in self.centres.iter().zip(&self.weights) {
            let mut z2 = 0.0;
            let mut mass = 1.0;
            for (k, pr) in priors.iter().enumerate() {
                if pr.is_integer() {
                    mass *= pr.kernel(c[k], work[k], self.widths[k]);
                } else {
                    let z = (work[k] - c[k]) / self.widths[k];
                    z2 += z * z;
                }
            }
            s += w * mass * (-0.5 * z2).exp();
        }
        s * self.factor
    }
}

/// The prior's normalised density at working values `work`.
pub fn prior_density(priors: &[Prior], work: &[f64]) -> f64 {
    priors
        .iter()
        .zip(work)
        .map(|(pr, &u)| pr.density_norm_work(u))
        .product()
}

/// Sets `p.mixture` to `sum_s n_s q_s(theta)` over generation 0's `n0` prior draws and
/// `proposals` (generations 1, 2, … in order), and `p.weight` to `pi(theta) / mixture`.
pub fn weigh_new(priors: &[Prior], n0: f64, proposals: &[Proposal], p: &mut Particle) {
    let prior = prior_density(priors, &p.work);
    let mut mixture = n0 * prior;
    for q in proposals {
        mixture += q.count * q.density(priors, &p.work);
    }
    p.mixture = mixture;
    p.weight = if mixture > 0.0 { prior / mixture } else { 0.0 };
}

/// Adds the latest proposal's term to a kept particle's mixture and re-weights it.
pub fn weigh_kept(priors: &[Prior], latest: &Proposal, p: &mut Particle) {
    let prior = prior_density(priors, &p.work);
    p.mixture += latest.count * latest.density(priors, &p.work);
    p.weight = if p.mixture > 0.0 {
        prior / p.mixture
    } else {
        0.0
    };
}

/// The effective sample size of weights, `(sum w)^2 / sum w^2` (Kish 1965).
pub fn ess(ps: &[Particle]) -> f64 {
    let s: f64 = ps.iter().map(|p| p.weight).sum();
    let s2: f64 = ps.iter().map(|p| p.weight * p.weight).sum();
    s * s / s2
}

/// The effective sample size below which a posterior is flagged: `max(50, kept / 10)`, and at
/// most half the population for one under 100 particles.
///
/// Why: with `n_e` effectively independent particles a posterior mean carries a Monte Carlo
/// error of about `1/sqrt(n_e)` posterior standard deviations, and each end of a 90% interval
/// rests on about `0.05 n_e` particles. At 50 these are 0.14 sd and 2.5 particles: the
/// coarsest still worth reporting (the validation on the model asks for means within 0.2 sd
/// of the exact posterior, which an `n_e` of 25 would already use up). Above 500 kept
/// particles the bar rises to a tenth of the population, since a population that concentrates
/// its weight on a tenth of itself has degenerated whatever its size.
pub fn ess_threshold(kept: usize) -> f64 {
    (50.0f64).max(kept as f64 / 10.0).min(kept as f64 / 2.0)
}

/// The warning for a posterior of `kept` particles with effective sample size `ess`, or
/// `None` when it is at or above [`ess_threshold`]. Says what to do.
pub fn low_ess_warning(ess: f64, kept: usize) -> Option<String> {
    let bar = ess_threshold(kept);
    (ess < bar).then(|| {
        format!(
            "the posterior's effective sample size is {ess:.1} of {kept} particles (below {bar:.0}): \
             its means and intervals rest on a few particles. Run more particles (`particles`), \
             stop earlier with a tolerance floor (`tolerance`) or a higher `min_acceptance`, or \
             keep a smaller share each generation (`keep_share`: more new particles per generation)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn particle(work: f64, weight: f64) -> Particle {
        Particle {
            work: vec![work],
            value: vec![work],
            summaries: vec![0.0],
            distance: 0.0,
            weight,
            mixture: 0.0,
            tie: 0.0,
        }
    }

    #[test]
    fn a_proposal_is_a_density_on_the_priors_support() {
        // parents near both edges: a good part of each kernel falls outside 0..1, so the
        // truncation's constant matters
        let spec = CalibrationSpec::parse(
            "t.toml",
            "[model]\nname = \"normal\"\nsigma = 1.0\nn = 10\n\
             [[target]]\nmetric = \"mean_y\"\nvalue = 0.5\n\
             [[prior]]\npath = \"theta\"\nkind = \"uniform\"\nmin = 0.0\nmax = 1.0\n",
            Path::new("."),
            "t",
        )
        .unwrap_or_else(|e| panic!("{e:#}"));
        let parent = [particle(0.05, 1.0), particle(0.2, 2.0), particle(0.9, 1.0)];
        let q = Proposal::new(&spec, &parent, 10);
        let n = 100_000;
        let h = 1.0 / n as f64;
        let total: f64 = (0..n)
            .map(|i| q.density(&spec.priors, &[(i as f64 + 0.5) * h]) * h)
            .sum();
        assert!((total - 1.0).abs() < 1e-6, "{total}");
        assert_eq!(q.density(&spec.priors, &[1.01]), 0.0);
        // the prior's density is normalised too, and a particle drawn from it alone gets 1/n0
        let mut p = particle(0.3, 0.0);
        weigh_new(&spec.priors, 4.0, &[], &mut p);
        assert_eq!((p.mixture, p.weight), (4.0, 0.25));
        // a kept particle's mixture gains the new proposal's term; a new one computes it whole
        weigh_kept(&spec.priors, &q, &mut p);
        let mut fresh = particle(0.3, 0.0);
        weigh_new(&spec.priors, 4.0, std::slice::from_ref(&q), &mut fresh);
        assert_eq!(p.mixture.to_bits(), fresh.mixture.to_bits());
        assert_eq!(p.weight.to_bits(), fresh.weight.to_bits());
    }

    #[test]
    fn the_threshold_is_fifty_a_tenth_or_half() {
        assert_eq!(ess_threshold(200), 50.0);
        assert_eq!(ess_threshold(1000), 100.0);
        assert_eq!(ess_threshold(40), 20.0);
        assert!(low_ess_warning(49.9, 200).is_some_and(|w| w.contains("more particles")));
        assert!(low_ess_warning(50.0, 200).is_none());
    }
}
