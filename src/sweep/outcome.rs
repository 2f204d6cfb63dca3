//! What a finished sweep computed, as a pure function of the per-point results: point means
//! and within-point variances ([`PointStats`]), sensitivity indices and the noise decomposition
//! ([`SweepOutcome::compute`]), and the terminal ranking. No files: writing is
//! [`super::write`], drawing is [`super::plots`].

use super::design::{self, Design};
use super::estimators::{self, Estimate, NoiseDecomposition};
use super::spec::{Method, SweepSpec};
use std::path::PathBuf;

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SensRow {
    /// output metric
    pub output: String,
    /// parameter path (`a:b` for S2)
    pub parameter: String,
    /// S1 | ST | S2 | mu | mu_star | sigma | SRC | PRCC | R2 | R2_rank
    pub index: String,
    /// estimate with 95% interval
    pub estimate: Estimate,
}

/// Per output, per point: the mean and sample variance over replications, accumulated from
/// point records (outputs of each replication in turn) in point order.
#[derive(Debug, Clone)]
pub struct PointStats {
    reps: usize,
    /// per output, per point: mean over replications
    pub means: Vec<Vec<f64>>,
    /// per output, per point: sample variance over replications (NaN with one replication)
    pub within: Vec<Vec<f64>>,
}

impl PointStats {
    /// Room for `points` points of `reps` replications of `outputs` outputs.
    pub fn new(points: usize, reps: usize, outputs: usize) -> Self {
        PointStats {
            reps,
            means: vec![vec![f64::NAN; points]; outputs],
            within: vec![vec![f64::NAN; points]; outputs],
        }
    }

    /// Takes point `p`'s record: `reps × outputs` values, replication by replication.
    pub fn push(&mut self, p: usize, record: &[f64]) {
        let n_out = self.means.len();
        let mut ys = Vec::with_capacity(self.reps);
        for o in 0..n_out {
            ys.clear();
            ys.extend((0..self.reps).map(|r| record[r * n_out + o]));
            self.means[o][p] = estimators::mean(&ys);
            self.within[o][p] = estimators::sample_variance(&ys);
        }
    }
}

/// Everything a finished sweep computed.
#[derive(Debug, Clone)]
pub struct SweepOutcome {
    /// output directory
    pub dir: PathBuf,
    /// the design
    pub design: Design,
    /// replications per point
    pub reps: usize,
    /// per output, per point: mean over replications
    pub means: Vec<Vec<f64>>,
    /// per output, per point: sample variance over replications (NaN with one replication)
    pub within: Vec<Vec<f64>>,
    /// sensitivity rows, in file order
    pub sensitivity: Vec<SensRow>,
    /// per output: replication noise vs parameter-driven variation
    pub variance: Vec<NoiseDecomposition>,
    /// wall time in seconds
    pub wall_seconds: f64,
}

/// The sensitivity rows of a sweep from its point means (sequential and deterministic: bootstrap
/// resamples come from the sweep seed).
pub fn sensitivity(
    spec: &SweepSpec,
    design: &Design,
    means: &[Vec<f64>],
    seed: u64,
) -> Vec<SensRow> {
    let (n, k) = (design.n, design.k);
    let mut sens = Vec::new();
    let names: Vec<&str> = spec.parameters.iter().map(|p| p.path.as_str()).collect();
    match spec.method {
        Method::Sobol => {
            let layout = design::layout(spec);
            let boot = estimators::bootstrap_indices(spec.samples, spec.bootstrap, seed);
            for (o, name) in spec.outputs.iter().enumerate() {
                let r = estimators::sobol_indices(&means[o], layout, &boot);
                let row = |parameter: String, index: &str, estimate| SensRow {
                    output: name.clone(),
                    parameter,
                    index: index.to_string(),
                    estimate,
                };
                for (name, e) in names.iter().zip(&r.s1) {
                    sens.push(row(name.to_string(), "S1", *e));
                }
                for (name, e) in names.iter().zip(&r.st) {
                    sens.push(row(name.to_string(), "ST", *e));
                }
                for (i, j, e) in r.s2 {
                    sens.push(row(format!("{}:{}", names[i], names[j]), "S2", e));
                }
            }
        }
        Method::Morris => {
            let boot = estimators::bootstrap_indices(spec.samples, spec.bootstrap, seed);
            let unit = design.unit.as_deref().unwrap_or(&[]);
            for (o, name) in spec.outputs.iter().enumerate() {
                let ee = estimators::elementary_effects(unit, &means[o], k);
                let r = estimators::morris_indices(&ee, k, &boot);
                for (index, v) in [("mu", &r.mu), ("mu_star", &r.mu_star), ("sigma", &r.sigma)] {
                    for i in 0..k {
                        sens.push(SensRow {
                            output: name.clone(),
                            parameter: names[i].to_string(),
                            index: index.to_string(),
                            estimate: v[i],
                        });
                    }
                }
            }
        }
        Method::Lhs => {
            let boot = estimators::bootstrap_indices(n, spec.bootstrap, seed);
            for (o, name) in spec.outputs.iter().enumerate() {
                let r = estimators::regression_indices(&design.values, k, &means[o], &boot);
                let row = |parameter: &str, index: &str, estimate| SensRow {
                    output: name.clone(),
                    parameter: parameter.to_string(),
                    index: index.to_string(),
                    estimate,
                };
                for (index, v) in [("SRC", &r.src), ("PRCC", &r.prcc)] {
                    for i in 0..k {
                        sens.push(row(names[i], index, v[i]));
                    }
                }
                sens.push(row("(all)", "R2", r.r2));
                sens.push(row("(all)", "R2_rank", r.r2_rank));
            }
        }
        Method::Grid => {}
    }
    sens
}

/// The noise decomposition of each output.
pub fn variance(means: &[Vec<f64>], within: &[Vec<f64>], reps: usize) -> Vec<NoiseDecomposition> {
    means
        .iter()
        .zip(within)
        .map(|(m, w)| estimators::noise_decomposition(m, w, reps))
        .collect()
}

impl SweepOutcome {
    /// Computes the indices and the noise decomposition from the point statistics.
    pub fn compute(
        spec: &SweepSpec,
        design: Design,
        stats: PointStats,
        seed: u64,
        dir: PathBuf,
    ) -> Self {
        let sens = sensitivity(spec, &design, &stats.means, seed);
        let variance = variance(&stats.means, &stats.within, spec.reps_per_point);
        SweepOutcome {
            dir,
            design,
            reps: spec.reps_per_point,
            means: stats.means,
            within: stats.within,
            sensitivity: sens,
            variance,
            wall_seconds: 0.0,
        }
    }

    /// The `top` most influential parameters of each output, for a terminal: by total-order
    /// index ST (sobol), μ* (morris), or |SRC| when the linear R² is at least 0.7 and |PRCC|
    /// otherwise (lhs). Empty for grids, which compute no indices.
    pub fn ranking(&self, top: usize) -> String {
        let mut outputs: Vec<&str> = Vec::new();
        for r in &self.sensitivity {
            if !outputs.contains(&r.output.as_str()) {
                outputs.push(&r.output);
            }
        }
        let mut t = String::new();
        for out in outputs {
            let rows: Vec<&SensRow> = self
                .sensitivity
                .iter()
                .filter(|r| r.output == out)
                .collect();
            let has = |i: &str| rows.iter().any(|r| r.index == i);
            let r2 = rows
                .iter()
                .find(|r| r.index == "R2")
                .map(|r| r.estimate.value)
                .filter(|v| v.is_finite());
            let index = if has("ST") {
                "ST"
            } else if has("mu_star") {
                "mu_star"
            } else if r2.is_some_and(|v| v >= 0.7) {
                "SRC"
            } else if has("PRCC") {
                "PRCC"
            } else {
                continue;
            };
            // undefined estimates (a constant output, too few points) are NaN: not ranked
            let mut ranked: Vec<&&SensRow> = rows
                .iter()
                .filter(|r| r.index == index && r.estimate.value.is_finite())
                .collect();
            ranked.sort_by(|a, b| b.estimate.value.abs().total_cmp(&a.estimate.value.abs()));
            let r2_text = r2.map_or_else(String::new, |v| format!(", R² {v:.2}"));
            let shown = &ranked[..top.min(ranked.len())];
            let width = shown
                .iter()
                .map(|r| r.parameter.chars().count())
                .max()
                .unwrap_or(0);
            let size = shown
                .iter()
                .map(|r| r.estimate.high.abs())
                .fold(0.0, f64::max);
            let d = crate::stats::decimals(size);
            t.push_str(&format!("{out} (by {index}{r2_text}, 95% CI):\n"));
            if shown.is_empty() {
                t.push_str("  undefined: the output does not vary, or too few points\n");
            }
            for r in shown {
                let e = r.estimate;
                let line = if matches!(index, "SRC" | "PRCC") {
                    format!("{:+.d$} [{:+.d$}, {:+.d$}]", e.value, e.low, e.high)
                } else {
                    format!("{:.d$} [{:.d$}, {:.d$}]", e.value, e.low, e.high)
                };
                t.push_str(&format!("  {:<width$}  {line}\n", r.parameter));
            }
        }
        t
    }
}
