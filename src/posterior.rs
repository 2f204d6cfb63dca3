//! Reading a calibration's posterior (`posterior.csv` beside its `manifest.json`), checking it
//! against a scenario, and drawing particles from it reproducibly: what `compare --posterior`
//! (and later `explore --posterior`) build on.
//!
//! # Example
//!
//! ```no_run
//! use partnersim::posterior::Posterior;
//! use partnersim::scenario::Scenario;
//! # fn main() -> anyhow::Result<()> {
//! let post = Posterior::read("output/calibration/canada/posterior.csv".as_ref())?;
//! let base = Scenario::load("scenarios/baseline.toml".as_ref())?;
//! post.check_scenario(&base)?; // same base scenario as the calibration, else bad input
//! for draw in post.draw(20, 42) {
//!     let mut s = base.clone();
//!     post.apply(&mut s, &draw)?; // sets every calibrated parameter
//! }
//! # Ok(())
//! # }
//! ```

use crate::calibrate::output::{CalibrationDetails, POSTERIOR_FILE};
use crate::input::csv::Table;
use crate::input::InputError;
use crate::job::manifest::Manifest;
use crate::model::rng::{uniform, ChaCha8Rng};
use crate::scenario::Scenario;
use rand::SeedableRng;
use std::path::{Path, PathBuf};

/// The stream posterior draws use (apart from every model and proposal stream).
pub const DRAW_STREAM: u64 = (1 << 63) | (1 << 62);

/// A weighted posterior sample.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// the file read
    pub path: PathBuf,
    /// calibrated parameters, by dotted path, in column order
    pub parameters: Vec<String>,
    /// normalised weights, one per particle
    pub weights: Vec<f64>,
    /// parameter values, one row per particle
    pub values: Vec<Vec<f64>>,
    /// the base scenario's name
    pub scenario_name: String,
    /// the base scenario's content hash
    pub scenario_hash: String,
    /// the calibration's seed
    pub seed: u64,
}

impl Posterior {
    /// Reads `posterior.csv` and the `manifest.json` beside it (which names the base scenario).
    /// A missing, damaged or unfinished file is bad input (exit code 2).
    pub fn read(path: &Path) -> Result<Posterior, InputError> {
        let shown = path.display();
        let path = if path.is_dir() {
            path.join(POSTERIOR_FILE)
        } else {
            path.to_path_buf()
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let whole = |msg: String| InputError::File {
            file: shown.to_string(),
            msg,
        };
        let manifest: Manifest<CalibrationDetails> = Manifest::read(dir).map_err(|e| {
            whole(format!(
                "not a finished calibration (no readable manifest.json beside it: {e:#})"
            ))
        })?;
        if manifest.kind != crate::calibrate::KIND {
            return Err(whole(format!(
                "the directory holds a {} result, not a calibration",
                manifest.kind
            )));
        }
        let d = manifest.details;
        let table = Table::read(&path, &shown.to_string())?;
        let parameters: Vec<String> = d.priors.iter().map(|p| p.path.clone()).collect();
        // strict: the columns the calibration writes, each once (the reader refuses a column
        // named twice), and no others
        let mut known: Vec<&str> = vec!["particle", "weight", "distance"];
        known.extend(parameters.iter().map(String::as_str));
        known.extend(d.targets.iter().map(|t| t.label.as_str()));
        table.only(
            &known,
            "a calibration writes particle, weight, its priors' paths, distance and its targets",
        )?;
        let weight_col = table.require("weight", "the particles' weights")?;
        let cols: Vec<usize> = parameters
            .iter()
            .map(|p| table.require(p, "the manifest's prior"))
            .collect::<Result<_, _>>()?;
        let specs: Vec<Option<&crate::params::ParamSpec>> = parameters
            .iter()
            .map(|p| crate::params::index_of(p).map(|i| &crate::params::registry()[i]))
            .collect();
        let (mut weights, mut values) = (Vec::new(), Vec::new());
        for row in &table.rows {
            let w = table.number(row, weight_col, "a number at least 0")?;
            if w < 0.0 {
                return Err(table.bad_cell(
                    row,
                    weight_col,
                    "negative weight",
                    "a number at least 0",
                ));
            }
            weights.push(w);
            let mut particle = Vec::with_capacity(cols.len());
            for (&c, spec) in cols.iter().zip(&specs) {
                let allowed = spec.map_or("a finite number".to_string(), |s| {
                    format!("{} ({})", s.range_text(), s.unit)
                });
                let x = table.number(row, c, &allowed)?;
                if let Some(spec) = spec {
                    // as `apply` sets it: whole-number parameters rounded
                    let v = match spec.kind {
                        crate::params::Kind::Float => x,
                        _ => x.round(),
                    };
                    if !(spec.min..=spec.max).contains(&v) {
                        return Err(table.bad_cell(row, c, "out of range", allowed));
                    }
                }
                particle.push(x);
            }
            values.push(particle);
        }
        let total: f64 = weights.iter().sum();
        if values.is_empty() || total <= 0.0 {
            return Err(InputError::File {
                file: shown.to_string(),
                msg: "no particle with a positive weight".into(),
            });
        }
        for w in &mut weights {
            *w /= total;
        }
        Ok(Posterior {
            path,
            parameters,
            weights,
            values,
            scenario_name: d.identity.base,
            scenario_hash: d.identity.base_hash,
            seed: d.identity.seed,
        })
    }

    /// Checks that `s` is the scenario the posterior was calibrated on (same resolved values and
    /// timeline): a posterior of another scenario is bad input.
    pub fn check_scenario(&self, s: &Scenario) -> Result<(), InputError> {
        let hash = s.content_hash();
        if hash != self.scenario_hash {
            return Err(InputError::File {
                file: self.path.display().to_string(),
                msg: format!(
                "calibrated on scenario `{}` ({}), not on `{}` ({}); calibrate on this scenario or compare against `{}`",
                self.scenario_name,
                &self.scenario_hash[..self.scenario_hash.len().min(12)],
                s.name,
                &hash[..hash.len().min(12)],
                self.scenario_name
            ),
            });
        }
        Ok(())
    }

    /// `k` particles drawn by weight, reproducibly from `seed` (systematic resampling: one
    /// uniform from the posterior's own stream places `k` evenly spaced points on the
    /// cumulative weights, so every particle appears `floor` or `ceil` of `k * weight` times).
    pub fn draw(&self, k: usize, seed: u64) -> Vec<Vec<f64>> {
        self.draw_indices(k, seed)
            .into_iter()
            .map(|i| self.values[i].clone())
            .collect()
    }

    /// The particle indices of [`Posterior::draw`].
    pub fn draw_indices(&self, k: usize, seed: u64) -> Vec<usize> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(DRAW_STREAM);
        let u0 = uniform(&mut rng);
        let mut out = Vec::with_capacity(k);
        let (mut acc, mut i) = (self.weights[0], 0);
        for j in 0..k {
            let u = (u0 + j as f64) / k as f64;
            while u > acc && i + 1 < self.weights.len() {
                i += 1;
                acc += self.weights[i];
            }
            out.push(i);
        }
        out
    }

    /// The effective sample size of the weights, `(sum w)^2 / sum w^2`.
    pub fn ess(&self) -> f64 {
        // weights are normalised
        1.0 / self.weights.iter().map(|w| w * w).sum::<f64>()
    }

    /// A warning when the posterior rests on too few particles (effective sample size below
    /// [`crate::calibrate::ess_threshold`]), naming the file and what to do; `None` otherwise.
    pub fn ess_warning(&self) -> Option<String> {
        crate::calibrate::low_ess_warning(self.ess(), self.weights.len()).map(|w| {
            format!(
                "{}: {w}; draws from it repeat those few particles",
                self.path.display()
            )
        })
    }

    /// The weighted mean of every parameter.
    pub fn mean(&self) -> Vec<f64> {
        (0..self.parameters.len())
            .map(|k| {
                self.values
                    .iter()
                    .zip(&self.weights)
                    .map(|(v, w)| v[k] * w)
                    .sum()
            })
            .collect()
    }

    /// Sets the calibrated parameters of `s` to `values` (whole-number parameters rounded) and
    /// checks them together with the rest of the scenario ([`Scenario::set_values`]).
    pub fn apply(&self, s: &mut Scenario, values: &[f64]) -> Result<(), InputError> {
        let pairs: Vec<(&str, f64)> = self
            .parameters
            .iter()
            .zip(values)
            .map(|(p, &v)| {
                let v = match crate::params::index_of(p).map(|i| crate::params::registry()[i].kind)
                {
                    Some(crate::params::Kind::Float) => v,
                    _ => v.round(),
                };
                (p.as_str(), v)
            })
            .collect();
        s.set_values(&pairs).map_err(|e| InputError::Inconsistent {
            file: self.path.display().to_string(),
            msg: format!("a posterior draw: {}", e.message()),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posterior(values: Vec<Vec<f64>>) -> Posterior {
        Posterior {
            path: PathBuf::from("cal/posterior.csv"),
            parameters: vec![
                "funders.federal.late_payment_days_min".into(),
                "funders.federal.late_payment_days_max".into(),
            ],
            weights: vec![1.0 / values.len() as f64; values.len()],
            values,
            scenario_name: "defaults".into(),
            scenario_hash: Scenario::default().content_hash(),
            seed: 1,
        }
    }

    #[test]
    fn a_draw_that_contradicts_itself_is_refused_by_the_one_check() {
        let p = posterior(vec![vec![5.0, 30.0], vec![200.0, 10.0]]);
        let mut s = Scenario::default();
        p.apply(&mut s, &p.values[0]).unwrap();
        let e = p.apply(&mut s, &p.values[1]).unwrap_err().to_string();
        assert_eq!(
            e,
            "cal/posterior.csv: a posterior draw: funders.federal.late_payment_days_min (200) is larger than late_payment_days_max (10)"
        );
    }
}
