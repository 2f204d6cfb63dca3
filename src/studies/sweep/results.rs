//! What a finished sweep computed, as a pure function of the per-point results: point means
//! and within-point variances ([`PointStats`]), sensitivity indices and the noise decomposition
//! ([`SweepOutcome::compute`]), and the terminal ranking; and the sweep's part of
//! `manifest.json` ([`SweepDetails`]), what `plot` reads back. No files: writing and reading is
//! [`super::output`], drawing is [`super::plots`].

use super::design::{self, Design};
use super::estimators::{self, Estimate, NoiseDecomposition, SaltelliLayout};
use super::spec::{Distribution, Method, SweepSpec};
use serde::{Deserialize, Serialize};
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
/// point records (outputs of each replication in turn) in point order; and what the noise
/// corrections need: per replication, the sum over points (for the interaction mean square of
/// [`estimators::crn_noise_var_of_means`]) and, for a Saltelli design, each point's paired
/// variance and covariance against its base row's A and B ([`estimators::SobolNoise`]).
#[derive(Debug, Clone)]
pub struct PointStats {
    reps: usize,
    /// per output, per point: mean over replications
    pub means: Vec<Vec<f64>>,
    /// per output, per point: sample variance over replications (NaN with one replication)
    pub within: Vec<Vec<f64>>,
    /// per output, per replication: sum over all points so far
    rep_sums: Vec<Vec<f64>>,
    /// the Saltelli layout, for a Sobol' design
    layout: Option<SaltelliLayout>,
    /// Sobol': per output, per replication: sum over the A and B points
    rep_sums_ab: Vec<Vec<f64>>,
    /// Sobol': per output, per point: sample variance over replications of `y_p − y_A`
    pub diff_var: Vec<Vec<f64>>,
    /// Sobol': per output, per point: sample covariance over replications of `y_B`, `y_p − y_A`
    pub diff_cov: Vec<Vec<f64>>,
    /// Sobol': the records of the current base row's A and B
    block_a: Vec<f64>,
    block_b: Vec<f64>,
}

impl PointStats {
    /// Room for `points` points of `reps` replications of `outputs` outputs; `layout` for a
    /// Sobol' design.
    pub fn new(points: usize, reps: usize, outputs: usize, layout: Option<SaltelliLayout>) -> Self {
        let sobol = |n: usize| {
            if layout.is_some() {
                vec![vec![f64::NAN; n]; outputs]
            } else {
                Vec::new()
            }
        };
        PointStats {
            reps,
            means: vec![vec![f64::NAN; points]; outputs],
            within: vec![vec![f64::NAN; points]; outputs],
            rep_sums: vec![vec![0.0; reps]; outputs],
            layout,
            rep_sums_ab: layout.map_or_else(Vec::new, |_| vec![vec![0.0; reps]; outputs]),
            diff_var: sobol(points),
            diff_cov: sobol(points),
            block_a: Vec::new(),
            block_b: Vec::new(),
        }
    }

    /// Takes point `p`'s record: `reps × outputs` values, replication by replication. Points
    /// come in order.
    pub fn push(&mut self, p: usize, record: &[f64]) {
        let n_out = self.means.len();
        let reps = self.reps;
        let offset = self.layout.map(|l| p % l.stride());
        match offset {
            Some(SaltelliLayout::A) => self.block_a = record.to_vec(),
            Some(SaltelliLayout::B) => self.block_b = record.to_vec(),
            _ => {}
        }
        let mut ys = Vec::with_capacity(reps);
        let mut d = Vec::with_capacity(reps);
        for o in 0..n_out {
            ys.clear();
            ys.extend((0..reps).map(|r| record[r * n_out + o]));
            self.means[o][p] = estimators::mean(&ys);
            self.within[o][p] = estimators::sample_variance(&ys);
            for (s, y) in self.rep_sums[o].iter_mut().zip(&ys) {
                *s += y;
            }
            let Some(off) = offset else { continue };
            if off == SaltelliLayout::A || off == SaltelliLayout::B {
                for (s, y) in self.rep_sums_ab[o].iter_mut().zip(&ys) {
                    *s += y;
                }
            }
            if self.block_a.len() != record.len() || self.block_b.len() != record.len() {
                continue;
            }
            d.clear();
            d.extend((0..reps).map(|r| ys[r] - self.block_a[r * n_out + o]));
            self.diff_var[o][p] = estimators::sample_variance(&d);
            let yb: Vec<f64> = (0..reps).map(|r| self.block_b[r * n_out + o]).collect();
            self.diff_cov[o][p] = covariance(&yb, &d);
        }
    }

    /// The noise variance of the spread of output `o`'s point means under common random numbers
    /// ([`estimators::crn_noise_var_of_means`]) over all points.
    pub fn crn_noise_var(&self, o: usize) -> f64 {
        let n = self.means[o].len() as f64;
        let rep_means: Vec<f64> = self.rep_sums[o].iter().map(|s| s / n).collect();
        estimators::crn_noise_var_of_means(&self.within[o], &rep_means)
    }

    /// What replication noise adds to output `o`'s Sobol' estimators; None without a Saltelli
    /// layout or with fewer than two replications (nothing to estimate it from).
    pub fn sobol_noise(&self, o: usize) -> Option<estimators::SobolNoise<'_>> {
        let layout = self.layout?;
        if self.reps < 2 {
            return None;
        }
        let stride = layout.stride();
        let ab: Vec<f64> = self.within[o]
            .iter()
            .enumerate()
            .filter(|(p, _)| p % stride < 2)
            .map(|(_, w)| *w)
            .collect();
        let n_ab = ab.len() as f64;
        let rep_means: Vec<f64> = self.rep_sums_ab[o].iter().map(|s| s / n_ab).collect();
        let var_of_means = estimators::crn_noise_var_of_means(&ab, &rep_means);
        if !var_of_means.is_finite() {
            return None;
        }
        Some(estimators::SobolNoise {
            diff_var: &self.diff_var[o],
            diff_cov: &self.diff_cov[o],
            reps: self.reps,
            var_of_means,
        })
    }
}

/// Sample covariance (n − 1) of two equally long slices; NaN below two values.
fn covariance(x: &[f64], y: &[f64]) -> f64 {
    if x.len() < 2 {
        return f64::NAN;
    }
    let (mx, my) = (estimators::mean(x), estimators::mean(y));
    x.iter()
        .zip(y)
        .map(|(a, b)| (a - mx) * (b - my))
        .sum::<f64>()
        / (x.len() - 1) as f64
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

/// The sensitivity rows of a sweep from its point statistics (sequential and deterministic:
/// bootstrap resamples come from the sweep seed). Sobol' indices of the simulation are corrected
/// for replication noise (`S1`, `ST`; [`estimators::sobol_indices_noise`]), with the
/// uncorrected values beside them (`S1_uncorrected`, `ST_uncorrected`: SALib's on the point
/// means); Morris effects are divided by the realised step.
pub fn sensitivity(
    spec: &SweepSpec,
    design: &Design,
    stats: &PointStats,
    seed: u64,
) -> Vec<SensRow> {
    let means = &stats.means;
    let (n, k) = (design.n, design.k);
    let mut sens = Vec::new();
    let names: Vec<&str> = spec.parameters.iter().map(|p| p.path.as_str()).collect();
    match spec.method {
        Method::Sobol => {
            let layout = design::layout(spec);
            let boot = estimators::bootstrap_indices(spec.samples, spec.bootstrap, seed);
            for (o, name) in spec.outputs.iter().enumerate() {
                let noise = stats.sobol_noise(o);
                let r = estimators::sobol_indices_noise(&means[o], layout, &boot, noise.as_ref());
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
                if noise.is_some() {
                    let raw = estimators::sobol_indices(&means[o], layout, &boot);
                    for (name, e) in names.iter().zip(&raw.s1) {
                        sens.push(row(name.to_string(), "S1_uncorrected", *e));
                    }
                    for (name, e) in names.iter().zip(&raw.st) {
                        sens.push(row(name.to_string(), "ST_uncorrected", *e));
                    }
                }
            }
        }
        Method::Morris => {
            let boot = estimators::bootstrap_indices(spec.samples, spec.bootstrap, seed);
            let unit = design.unit.as_deref().unwrap_or(&[]);
            let realised = realised_unit(spec, design);
            for (o, name) in spec.outputs.iter().enumerate() {
                let ee = estimators::elementary_effects_realised(unit, &realised, &means[o], k);
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
        Method::Grid | Method::Design => {}
    }
    sens
}

/// The unit coordinates of a design's points as the values realise them: for an `integer`
/// parameter `(x − min)/(max − min)` (a switch is at 0 or 1 whatever its nominal coordinate),
/// for the others the design's own unit coordinates.
pub fn realised_unit(spec: &SweepSpec, design: &Design) -> Vec<f64> {
    let k = design.k;
    let unit = design.unit.clone().unwrap_or_default();
    let mut out = unit.clone();
    for (j, p) in spec.parameters.iter().enumerate() {
        if p.distribution != Distribution::Integer || p.max <= p.min {
            continue;
        }
        for (pt, x) in design.values.chunks(k).enumerate() {
            if let Some(slot) = out.get_mut(pt * k + j) {
                *slot = (x[j] - p.min) / (p.max - p.min);
            }
        }
    }
    out
}

/// The noise decomposition of each output.
pub fn variance(stats: &PointStats) -> Vec<NoiseDecomposition> {
    (0..stats.means.len())
        .map(|o| {
            estimators::noise_decomposition(
                &stats.means[o],
                &stats.within[o],
                stats.reps,
                stats.crn_noise_var(o),
            )
        })
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
        let sens = sensitivity(spec, &design, &stats, seed);
        let variance = variance(&stats);
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
    /// index ST (sobol), by μ* (morris); for a Latin hypercube both by |SRC| (with R², and what
    /// SRC² means: a share of the variance of the point means when R² is near 1) and by |PRCC|
    /// (rank-based, not a variance share). Empty for grids and external designs, which compute
    /// no indices.
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
            let value = |i: &str| {
                rows.iter()
                    .find(|r| r.index == i)
                    .map(|r| r.estimate.value)
                    .filter(|v| v.is_finite())
            };
            let indices: Vec<(&str, String)> = if has("ST") {
                let what = if has("ST_uncorrected") {
                    "ST, replication noise removed"
                } else {
                    "ST"
                };
                vec![("ST", format!("{out} (by {what}, 95% CI):"))]
            } else if has("mu_star") {
                vec![("mu_star", format!("{out} (by mu_star, 95% CI):"))]
            } else if has("SRC") {
                let r2 = value("R2").map_or_else(|| "undefined".into(), |v| format!("{v:.2}"));
                let r2r =
                    value("R2_rank").map_or_else(|| "undefined".into(), |v| format!("{v:.2}"));
                let src_means = if value("R2").is_some_and(|v| v >= 0.7) {
                    "SRC² is each parameter's share of the variance of the point means"
                } else {
                    "R² is low: the linear model, and SRC² as a variance share, describe the output poorly"
                };
                vec![
                    ("SRC", format!("{out} (by |SRC|, R² {r2}: {src_means}; 95% CI):")),
                    (
                        "PRCC",
                        format!(
                            "{out} (by |PRCC|, rank R² {r2r}: how consistently the output moves with the parameter, not a variance share; 95% CI):"
                        ),
                    ),
                ]
            } else {
                continue;
            };
            for (index, heading) in indices {
                // undefined estimates (a constant output, too few points) are NaN: not ranked
                let mut ranked: Vec<&&SensRow> = rows
                    .iter()
                    .filter(|r| r.index == index && r.estimate.value.is_finite())
                    .collect();
                ranked.sort_by(|a, b| b.estimate.value.abs().total_cmp(&a.estimate.value.abs()));
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
                t.push_str(&heading);
                t.push('\n');
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
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    fn normal(rng: &mut ChaCha8Rng) -> f64 {
        let (u, v): (f64, f64) = (rng.random(), rng.random());
        (-2.0 * (1.0 - u).ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    #[test]
    fn sobol_indices_of_noisy_point_means_are_corrected_for_the_noise() {
        // y = x1 + e, x uniform on [0, 1]², e independent with Var(e) / R = Var(x1) = 1/12:
        // the truth is S1 = ST = 1 for x1 and 0 for x2. On the point means, replication noise
        // doubles V and gives x2 a total effect of 0.5 (defect: uncorrected ST).
        let layout = SaltelliLayout {
            k: 2,
            second_order: false,
        };
        let (n, reps) = (4000, 4);
        let sd = (reps as f64 / 12.0).sqrt();
        let mut stats = PointStats::new(n * layout.stride(), reps, 1, Some(layout));
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        let mut p = 0;
        for _ in 0..n {
            let a: [f64; 2] = [rng.random(), rng.random()];
            let b: [f64; 2] = [rng.random(), rng.random()];
            // A, B, AB_1 (A with B's x1), AB_2 (A with B's x2)
            for x in [a, b, [b[0], a[1]], [a[0], b[1]]] {
                let rec: Vec<f64> = (0..reps).map(|_| x[0] + sd * normal(&mut rng)).collect();
                stats.push(p, &rec);
                p += 1;
            }
        }
        let raw = estimators::sobol_indices(&stats.means[0], layout, &[]);
        assert!(
            raw.st[1].value > 0.4,
            "uncorrected ST of x2: {:?}",
            raw.st[1]
        );
        let noise = stats
            .sobol_noise(0)
            .expect("noise estimable with 4 replications");
        let fixed = estimators::sobol_indices_noise(&stats.means[0], layout, &[], Some(&noise));
        // tolerances: about four standard errors of the estimators at N = 4000
        assert!(fixed.st[1].value.abs() < 0.05, "ST x2 {:?}", fixed.st[1]);
        assert!(
            (fixed.st[0].value - 1.0).abs() < 0.08,
            "ST x1 {:?}",
            fixed.st[0]
        );
        assert!(
            (fixed.s1[0].value - 1.0).abs() < 0.1,
            "S1 x1 {:?}",
            fixed.s1[0]
        );
        assert!(fixed.s1[1].value.abs() < 0.05, "S1 x2 {:?}", fixed.s1[1]);
        // the decomposition reports the same noise share: half the spread of the means
        let d = variance(&stats);
        assert!((d[0].crn_noise_share - 0.5).abs() < 0.05, "{:?}", d[0]);
    }
}

/// What a sweep ran: the base scenario, or a test model with its constants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRecord {
    /// "scenario" or "test_model"
    pub kind: String,
    /// scenario name, or the test model's name
    pub name: String,
    /// the base scenario file (scenarios only)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// the base scenario's content hash (scenarios only)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_sha256: Option<String>,
    /// the test model's constants (ishigami: a, b; sobol_g: a)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constants: Vec<f64>,
}

/// One swept parameter, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterRecord {
    /// parameter path
    pub path: String,
    /// lower bound
    pub min: f64,
    /// upper bound
    pub max: f64,
    /// uniform | log_uniform | integer
    pub distribution: String,
    /// grid sweeps: the values taken
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_values: Option<Vec<f64>>,
}

/// The sweep's part of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepDetails {
    /// sweep name
    pub name: String,
    /// sweep description
    pub description: String,
    /// the sweep file, as given
    pub sweep_file: String,
    /// SHA-256 of the sweep file
    pub sweep_file_sha256: String,
    /// what was run
    pub target: TargetRecord,
    /// grid | lhs | morris | sobol
    pub method: String,
    /// master seed (replications, bootstrap)
    pub seed: u64,
    /// seed of the design (`design_seed`, else `seed`)
    #[serde(default)]
    pub design_seed: u64,
    /// an external design's file, as resolved against the sweep file
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design_file: Option<String>,
    /// SHA-256 of the external design's file
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design_sha256: Option<String>,
    /// base sample size (sobol), points (lhs), trajectories (morris); 0 for a grid
    pub samples: usize,
    /// grid: default levels; morris: levels p
    pub levels: usize,
    /// sobol: second-order indices computed
    pub second_order: bool,
    /// morris: trajectories chosen among
    pub candidate_trajectories: Option<usize>,
    /// bootstrap resamples
    pub bootstrap_resamples: usize,
    /// replications per point
    pub reps_per_point: usize,
    /// points of the design
    pub points: usize,
    /// points × replications
    pub model_runs: usize,
    /// swept parameters, in design order
    pub parameters: Vec<ParameterRecord>,
    /// outputs, in column order
    pub outputs: Vec<String>,
    /// how replications share random numbers
    pub common_random_numbers: String,
    /// points per chunk
    pub chunk_points: u64,
}
