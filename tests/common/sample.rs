//! The sample the partnership tests draw (`partnership_formation`, `ga_factors`,
//! `partnerships`): replications `0..R` of master seed [`SEED`] in every arm (common random
//! numbers), and the mean with its 95% confidence interval of a per-replication quantity or of
//! its paired differences.

use partnersim::model::{Config, Model};

/// Replications per arm.
pub const R: u64 = 40;

/// Master seed of every arm.
pub const SEED: u64 = 42;

/// Mean and 95% CI of `R` per-replication values or paired differences: `(mean, low, high)`.
/// The half-width is `2.023 · sd / √n`, 2.023 being Student's t quantile 0.975 at 39 degrees of
/// freedom (`R` − 1); the sample sd divides by `n − 1`.
pub fn mean_ci(d: &[f64]) -> (f64, f64, f64) {
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    let half = 2.023 * (var / n).sqrt();
    (mean, mean - half, mean + half)
}

/// Replication `r` of [`SEED`] stepped through its warm-up and reported months.
pub fn replication_at_end(cfg: &Config, r: u64) -> Model<'_> {
    let mut model = Model::new(cfg, SEED, r);
    for _ in 0..cfg.simulation.warmup_months + cfg.simulation.duration_months {
        model.step();
    }
    model
}
