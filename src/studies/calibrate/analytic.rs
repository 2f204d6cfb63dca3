//! Test models whose posterior is known in closed form, to validate the inference (as sweeps
//! validate their estimators on Ishigami):
//!
//! * `normal`: `n` observations `y_i ~ N(theta, sigma^2)`, summarised by their mean `mean_y`
//!   (sufficient); with a `normal(mu0, tau0)` prior the posterior is normal with precision
//!   `1/tau0^2 + n/sigma^2` and mean `(mu0/tau0^2 + n*ybar/sigma^2) / precision`.
//! * `binomial`: `successes ~ Binomial(n, theta)`; with a `beta(a, b)` prior the posterior is
//!   `beta(a + k, b + n - k)`.

use crate::model::rng::{normal, uniform, ChaCha8Rng};
use rand_distr::Distribution;

/// An analytic test model with its constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Analytic {
    /// normal observations with known standard deviation
    Normal {
        /// standard deviation of one observation
        sigma: f64,
        /// observations
        n: u64,
    },
    /// binomial successes
    Binomial {
        /// trials
        n: u64,
    },
}

impl Analytic {
    /// The model's name in a calibration file.
    pub fn name(&self) -> &'static str {
        match self {
            Analytic::Normal { .. } => "normal",
            Analytic::Binomial { .. } => "binomial",
        }
    }

    /// Its outputs (what a target may name).
    pub fn outputs(&self) -> &'static [&'static str] {
        match self {
            Analytic::Normal { .. } => &["mean_y"],
            Analytic::Binomial { .. } => &["successes"],
        }
    }

    /// The range `theta` may take.
    pub fn theta_range(&self) -> (f64, f64) {
        match self {
            Analytic::Normal { .. } => (-1e9, 1e9),
            Analytic::Binomial { .. } => (0.0, 1.0),
        }
    }

    /// One simulated output at `theta`.
    pub fn simulate(&self, theta: f64, rng: &mut ChaCha8Rng) -> anyhow::Result<f64> {
        Ok(match *self {
            Analytic::Normal { sigma, n } => {
                theta + sigma / (n as f64).sqrt() * normal(uniform(rng), uniform(rng))
            }
            Analytic::Binomial { n } => {
                let d = rand_distr::Binomial::new(n, theta.clamp(0.0, 1.0))
                    .map_err(|e| anyhow::anyhow!("binomial model: {e}"))?;
                d.sample(rng) as f64
            }
        })
    }
}
