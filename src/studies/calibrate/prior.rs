//! Priors over parameters and the perturbation kernel of ABC-SMC.
//!
//! Particles move in a *working space*: the natural value for `uniform`, `integer`, `normal` and
//! `beta` priors, its logarithm for `log_uniform` ones (so a log-uniform prior is uniform there
//! and a step is a ratio). [`Prior::density_work`] is unnormalised and zero outside
//! `min..max`; [`Prior::density_norm_work`] is normalised (the importance weights compare it
//! with the kernels' densities).

use crate::model::rng::{normal, uniform, ChaCha8Rng};
use crate::stats::ln_gamma;
use rand_distr::Distribution;

/// The shape of a prior.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PriorKind {
    /// uniform on min..max
    Uniform,
    /// uniform in the logarithm on min..max (min > 0)
    LogUniform,
    /// uniform over the whole numbers min..=max
    Integer,
    /// normal, truncated to min..max
    Normal {
        /// mean
        mean: f64,
        /// standard deviation
        sd: f64,
    },
    /// beta(a, b) stretched over min..max
    Beta {
        /// first shape
        a: f64,
        /// second shape
        b: f64,
    },
}

impl PriorKind {
    /// The kind as written in a calibration file.
    pub fn name(&self) -> &'static str {
        match self {
            PriorKind::Uniform => "uniform",
            PriorKind::LogUniform => "log_uniform",
            PriorKind::Integer => "integer",
            PriorKind::Normal { .. } => "normal",
            PriorKind::Beta { .. } => "beta",
        }
    }
}

/// A prior over one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    /// the parameter's dotted path (`theta` for a test model)
    pub path: String,
    /// its shape
    pub kind: PriorKind,
    /// lower bound (inclusive)
    pub min: f64,
    /// upper bound (inclusive)
    pub max: f64,
}

impl Prior {
    /// The working-space value of a natural value.
    pub fn to_work(&self, x: f64) -> f64 {
        match self.kind {
            PriorKind::LogUniform => x.ln(),
            _ => x,
        }
    }

    /// The natural value of a working-space value.
    pub fn to_natural(&self, u: f64) -> f64 {
        match self.kind {
            PriorKind::LogUniform => u.exp().clamp(self.min, self.max),
            _ => u,
        }
    }

    /// Bounds in the working space.
    fn work_bounds(&self) -> (f64, f64) {
        (self.to_work(self.min), self.to_work(self.max))
    }

    /// Whether this parameter takes whole numbers only.
    pub fn is_integer(&self) -> bool {
        self.kind == PriorKind::Integer
    }

    /// A draw from the prior, in the working space.
    pub fn sample_work(&self, rng: &mut ChaCha8Rng) -> anyhow::Result<f64> {
        let (lo, hi) = self.work_bounds();
        Ok(match self.kind {
            PriorKind::Uniform | PriorKind::LogUniform => lo + (hi - lo) * uniform(rng),
            PriorKind::Integer => {
                let n = (hi - lo + 1.0).floor();
                (lo + (uniform(rng) * n).floor()).min(hi)
            }
            PriorKind::Normal { mean, sd } => {
                // rejection from the untruncated normal; bounded tries
                for _ in 0..100_000 {
                    let z = normal(uniform(rng), uniform(rng));
                    let x = mean + sd * z;
                    if x >= lo && x <= hi {
                        return Ok(x);
                    }
                }
                anyhow::bail!(
                    "the normal prior of `{}` puts almost no mass inside {}..{}",
                    self.path,
                    self.min,
                    self.max
                )
            }
            PriorKind::Beta { a, b } => {
                let d = rand_distr::Beta::new(a, b)
                    .map_err(|e| anyhow::anyhow!("beta prior of `{}`: {e}", self.path))?;
                lo + (hi - lo) * d.sample(rng)
            }
        })
    }

    /// The unnormalised prior density at a working-space value (0 outside the bounds).
    pub fn density_work(&self, u: f64) -> f64 {
        let (lo, hi) = self.work_bounds();
        if !(u >= lo && u <= hi) {
            return 0.0;
        }
        match self.kind {
            PriorKind::Uniform | PriorKind::LogUniform => 1.0,
            PriorKind::Integer => {
                if u.fract() == 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            PriorKind::Normal { mean, sd } => (-0.5 * ((u - mean) / sd).powi(2)).exp(),
            PriorKind::Beta { a, b } => {
                let z = (u - lo) / (hi - lo);
                if (z <= 0.0 && a < 1.0) || (z >= 1.0 && b < 1.0) {
                    return 0.0;
                }
                z.powf(a - 1.0) * (1.0 - z).powf(b - 1.0)
            }
        }
    }

    /// The prior's normalised density (mass, for an integer parameter) at a working-space value:
    /// [`Prior::density_work`] times the constant that makes it integrate (sum) to one over
    /// `min..max`. The importance weights need it where the prior is one component of the
    /// mixture the particles were drawn from (generation 0's draws).
    pub fn density_norm_work(&self, u: f64) -> f64 {
        let d = self.density_work(u);
        if d == 0.0 {
            return 0.0;
        }
        let (lo, hi) = self.work_bounds();
        d / match self.kind {
            PriorKind::Uniform | PriorKind::LogUniform => hi - lo,
            PriorKind::Integer => (hi - lo + 1.0).floor(),
            PriorKind::Normal { mean, sd } => {
                sd * (2.0 * std::f64::consts::PI).sqrt()
                    * (phi((hi - mean) / sd) - phi((lo - mean) / sd))
            }
            PriorKind::Beta { a, b } => {
                (ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)).exp() * (hi - lo)
            }
        }
    }

    /// The probability that the kernel's step from `from` with width `sd` lands inside
    /// `min..max` (for an integer parameter, that the rounded step does).
    pub fn kernel_inside(&self, from: f64, sd: f64) -> f64 {
        let (lo, hi) = self.work_bounds();
        if self.is_integer() {
            phi((hi + 0.5 - from) / sd) - phi((lo - 0.5 - from) / sd)
        } else {
            phi((hi - from) / sd) - phi((lo - from) / sd)
        }
    }

    /// The smallest kernel width allowed in the working space (a population that has collapsed
    /// onto one value still moves).
    pub fn min_width(&self) -> f64 {
        if self.is_integer() {
            0.5
        } else {
            let (lo, hi) = self.work_bounds();
            1e-9 * (hi - lo)
        }
    }

    /// A step of the perturbation kernel from `from` with width `sd`.
    pub fn perturb(&self, from: f64, sd: f64, rng: &mut ChaCha8Rng) -> f64 {
        let z = normal(uniform(rng), uniform(rng));
        let u = from + sd * z;
        if self.is_integer() {
            u.round() + 0.0 // no negative zero
        } else {
            u
        }
    }

    /// The kernel's density (mass, for an integer parameter) of moving from `from` to `to`.
    pub fn kernel(&self, from: f64, to: f64, sd: f64) -> f64 {
        if self.is_integer() {
            phi((to + 0.5 - from) / sd) - phi((to - 0.5 - from) / sd)
        } else {
            let z = (to - from) / sd;
            (-0.5 * z * z).exp() / sd
        }
    }
}

/// The standard normal distribution function (via erfc, relative error below 1.2e-7).
pub fn phi(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phi_matches_known_values() {
        assert!((phi(0.0) - 0.5).abs() < 1e-7);
        assert!((phi(1.959_963_985) - 0.975).abs() < 1e-6);
        assert!((phi(-1.0) - 0.158_655_254).abs() < 1e-6);
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        assert!(ln_gamma(1.0).abs() < 1e-13);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
        assert!((ln_gamma(0.25) - 1.288_022_524_698_077_5).abs() < 1e-12);
    }

    #[test]
    fn normalised_prior_densities_integrate_to_one() {
        let priors = [
            PriorKind::Uniform,
            PriorKind::LogUniform,
            PriorKind::Normal { mean: 1.0, sd: 2.0 },
            PriorKind::Beta { a: 2.0, b: 3.0 },
            PriorKind::Beta { a: 0.7, b: 1.5 },
        ];
        for kind in priors {
            let p = Prior {
                path: "x".into(),
                kind,
                min: 0.5,
                max: 4.0,
            };
            let (lo, hi) = p.work_bounds();
            // midpoint rule
            let n = 200_000;
            let h = (hi - lo) / n as f64;
            let s: f64 = (0..n)
                .map(|i| p.density_norm_work(lo + (i as f64 + 0.5) * h) * h)
                .sum();
            assert!((s - 1.0).abs() < 2e-3, "{kind:?}: {s}");
        }
        let p = Prior {
            path: "x".into(),
            kind: PriorKind::Integer,
            min: 2.0,
            max: 6.0,
        };
        let s: f64 = (0..10).map(|k| p.density_norm_work(f64::from(k))).sum();
        assert!((s - 1.0).abs() < 1e-12, "{s}");
    }

    #[test]
    fn integer_kernel_masses_sum_to_one() {
        let p = Prior {
            path: "x".into(),
            kind: PriorKind::Integer,
            min: 0.0,
            max: 100.0,
        };
        let s: f64 = (-20..=40).map(|k| p.kernel(10.0, f64::from(k), 2.5)).sum();
        assert!((s - 1.0).abs() < 1e-6, "{s}");
    }

    #[test]
    fn log_uniform_round_trips_within_bounds() {
        let p = Prior {
            path: "x".into(),
            kind: PriorKind::LogUniform,
            min: 0.1,
            max: 10.0,
        };
        assert_eq!(p.density_work(p.to_work(0.05)), 0.0);
        assert_eq!(p.density_work(p.to_work(1.0)), 1.0);
        assert!((p.to_natural(p.to_work(3.0)) - 3.0).abs() < 1e-12);
    }
}
