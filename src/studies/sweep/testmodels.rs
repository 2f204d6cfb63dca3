//! Analytic test functions with known Sobol' indices, used to check the estimators.
//!
//! * Ishigami & Homma (1990): `y = sin x1 + a sin² x2 + b x3⁴ sin x1`, inputs uniform on
//!   `[-π, π]`.
//! * Sobol' G function (Sobol' 1993; Saltelli & Sobol' 1995): `y = Π (|4 x_i − 2| + a_i) / (1 + a_i)`,
//!   inputs uniform on `[0, 1]`; a small `a_i` makes input `i` important, a large one unimportant.
//!
//! Both are deterministic, so a sweep over them runs one replication per point.

use std::f64::consts::PI;

/// An analytic test model.
#[derive(Debug, Clone, PartialEq)]
pub enum TestModel {
    /// Ishigami function with constants `a`, `b` (three inputs).
    Ishigami {
        /// constant `a` (usually 7)
        a: f64,
        /// constant `b` (usually 0.1)
        b: f64,
    },
    /// Sobol' G function with one constant per input.
    SobolG {
        /// constants `a_i >= 0`, one per input
        a: Vec<f64>,
    },
}

/// Analytic first-order and total indices of a test model (inputs on their standard domains).
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticIndices {
    /// first-order indices S1
    pub s1: Vec<f64>,
    /// total indices ST
    pub st: Vec<f64>,
    /// total variance of the output
    pub variance: f64,
}

impl TestModel {
    /// The model's name as written in a sweep file.
    pub fn name(&self) -> &'static str {
        match self {
            TestModel::Ishigami { .. } => "ishigami",
            TestModel::SobolG { .. } => "sobol_g",
        }
    }

    /// Number of inputs.
    pub fn inputs(&self) -> usize {
        match self {
            TestModel::Ishigami { .. } => 3,
            TestModel::SobolG { a } => a.len(),
        }
    }

    /// Evaluates the model at `x` (length [`Self::inputs`]).
    pub fn eval(&self, x: &[f64]) -> f64 {
        match self {
            TestModel::Ishigami { a, b } => {
                x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
            }
            TestModel::SobolG { a } => a
                .iter()
                .zip(x)
                .map(|(ai, xi)| ((4.0 * xi - 2.0).abs() + ai) / (1.0 + ai))
                .product(),
        }
    }

    /// Analytic indices for the standard input domains (`[-π, π]` for Ishigami, `[0, 1]` for G).
    pub fn analytic(&self) -> AnalyticIndices {
        match self {
            TestModel::Ishigami { a, b } => {
                let pi4 = PI.powi(4);
                let pi8 = PI.powi(8);
                let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
                let v2 = a * a / 8.0;
                let v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
                let v = v1 + v2 + v13;
                AnalyticIndices {
                    s1: vec![v1 / v, v2 / v, 0.0],
                    st: vec![(v1 + v13) / v, v2 / v, v13 / v],
                    variance: v,
                }
            }
            TestModel::SobolG { a } => {
                let vi: Vec<f64> = a
                    .iter()
                    .map(|ai| 1.0 / (3.0 * (1.0 + ai).powi(2)))
                    .collect();
                let prod: f64 = vi.iter().map(|v| 1.0 + v).product();
                let v = prod - 1.0;
                AnalyticIndices {
                    s1: vi.iter().map(|x| x / v).collect(),
                    st: vi.iter().map(|x| x * prod / (1.0 + x) / v).collect(),
                    variance: v,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ishigami_analytic_values() {
        let m = TestModel::Ishigami { a: 7.0, b: 0.1 };
        let r = m.analytic();
        let close = |x: f64, y: f64| (x - y).abs() < 5e-4;
        assert!(close(r.s1[0], 0.3139) && close(r.s1[1], 0.4424) && r.s1[2] == 0.0);
        assert!(close(r.st[0], 0.5576) && close(r.st[1], 0.4424) && close(r.st[2], 0.2437));
        assert!((r.variance - 13.8446).abs() < 1e-3);
        assert!((m.eval(&[0.0, 0.0, 0.0])).abs() < 1e-12);
    }

    #[test]
    fn sobol_g_analytic_values() {
        let m = TestModel::SobolG {
            a: vec![0.0, 1.0, 4.5, 9.0, 99.0, 99.0],
        };
        let r = m.analytic();
        // interactions take the rest: 0.9 < sum S1 < 1 for these constants
        let sum: f64 = r.s1.iter().sum();
        assert!(sum > 0.9 && sum < 1.0, "{sum}");
        assert!(r.s1[0] > r.s1[1] && r.s1[1] > r.s1[2] && r.s1[4] < 1e-3);
        // at x = 0.5 every factor is a/(1+a)
        assert_eq!(m.eval(&[0.5; 6]), 0.0);
    }
}
