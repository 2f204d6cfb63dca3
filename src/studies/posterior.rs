//! Reading a calibration's posterior (`posterior.csv` beside its `manifest.json`), checking it
//! against a scenario, and drawing particles from it reproducibly: what `compare --posterior`
//! (and later `explore --posterior`) build on.
//!
//! # Example
//!
//! ```no_run
//! use partnersim::studies::posterior::Posterior;
//! use partnersim::input::scenario::Scenario;
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
//!
//! A posterior can also ship as one self-describing file (`scenarios/calibration/
//! canada_posterior.csv`): `calibrate --ship FILE` writes `posterior.csv` after a block of
//! `# key: value` lines ([`shipped_text`]) that names the calibration, its base scenario and
//! content hash, its seed, its columns, the partnersim version and a fingerprint of the model
//! ([`model_fingerprint`]); [`Posterior::read`] reads either form.

use crate::input::csv::Table;
use crate::input::scenario::Scenario;
use crate::input::InputError;
use crate::job::manifest::Manifest;
use crate::model::rng::{uniform, ChaCha8Rng};
use crate::studies::calibrate::output::{CalibrationDetails, POSTERIOR_FILE};
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
        // a shipped posterior describes itself in its first lines
        if let Ok(bytes) = std::fs::read(&path) {
            if bytes.starts_with(SHIPPED_MAGIC.as_bytes()) {
                let file = shown.to_string();
                let text = crate::input::tomlfile::utf8(bytes).map_err(|msg| InputError::File {
                    file: file.clone(),
                    msg,
                })?;
                let meta = Shipped::parse(&text, &file)?;
                // the CSV reader passes over the `#` lines heading the file
                let table = Table::parse(&file, &text)?;
                return Self::from_table(&path, &file, &table, meta);
            }
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let whole = |msg: String| InputError::File {
            file: shown.to_string(),
            msg,
        };
        let manifest: Manifest<CalibrationDetails> = Manifest::read(dir).map_err(|e| {
            whole(format!(
                "not a finished calibration (no readable manifest.json beside it, and not a shipped posterior starting with `{SHIPPED_MAGIC}`: {e:#})"
            ))
        })?;
        if manifest.kind != crate::studies::calibrate::KIND {
            return Err(whole(format!(
                "the directory holds a {} result, not a calibration",
                manifest.kind
            )));
        }
        let d = manifest.details;
        let meta = Shipped {
            parameters: d.priors.iter().map(|p| p.path.clone()).collect(),
            targets: d.targets.iter().map(|t| t.label.clone()).collect(),
            scenario_name: d.identity.base,
            scenario_hash: d.identity.base_hash,
            seed: d.identity.seed,
        };
        let table = Table::read(&path, &shown.to_string())?;
        Self::from_table(&path, &shown.to_string(), &table, meta)
    }

    /// The particles of a posterior table, checked against the columns `meta` names.
    fn from_table(
        path: &Path,
        shown: &str,
        table: &Table,
        meta: Shipped,
    ) -> Result<Posterior, InputError> {
        let parameters = meta.parameters;
        // strict: the columns the calibration writes, each once (the reader refuses a column
        // named twice), and no others
        let mut known: Vec<&str> = vec!["particle", "weight", "distance"];
        known.extend(parameters.iter().map(String::as_str));
        known.extend(meta.targets.iter().map(String::as_str));
        table.only(
            &known,
            "a calibration writes particle, weight, its priors' paths, distance and its targets",
        )?;
        let weight_col = table.require("weight", "the particles' weights")?;
        let cols: Vec<usize> = parameters
            .iter()
            .map(|p| table.require(p, "the calibrated parameters"))
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
            path: path.to_path_buf(),
            parameters,
            weights,
            values,
            scenario_name: meta.scenario_name,
            scenario_hash: meta.scenario_hash,
            seed: meta.seed,
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
    /// [`crate::studies::calibrate::ess_threshold`]), naming the file and what to do; `None` otherwise.
    pub fn ess_warning(&self) -> Option<String> {
        crate::studies::calibrate::low_ess_warning(self.ess(), self.weights.len()).map(|w| {
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

/// The first characters of a shipped posterior file.
pub const SHIPPED_MAGIC: &str = "# partnersim posterior";

/// What a posterior file is read against: from the calibration's manifest, or from the
/// `# key: value` lines heading a shipped file.
#[derive(Debug, Clone, PartialEq)]
pub struct Shipped {
    /// calibrated parameters, by dotted path, in column order
    pub parameters: Vec<String>,
    /// the targets' column labels
    pub targets: Vec<String>,
    /// the base scenario's name
    pub scenario_name: String,
    /// the base scenario's content hash
    pub scenario_hash: String,
    /// the calibration's seed
    pub seed: u64,
}

impl Shipped {
    /// Reads the heading `# key: value` lines of a shipped posterior (see [`shipped_text`]):
    /// `scenario`, `scenario_hash`, `seed`, `parameters` and `targets` are required; a missing
    /// or malformed one is bad input naming the file and line.
    pub fn parse(text: &str, shown: &str) -> Result<Shipped, InputError> {
        let fields = header_fields(text);
        let header_lines = text.lines().take_while(|l| l.starts_with('#')).count();
        let at = |row: usize, msg: String| InputError::CsvRow {
            file: shown.to_string(),
            row,
            msg,
        };
        let get = |key: &str| -> Result<&str, InputError> {
            fields
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, _)| v.as_str())
                .ok_or_else(|| {
                    at(
                        header_lines + 1,
                        format!(
                            "a shipped posterior needs a `# {key}: ...` line before its CSV header"
                        ),
                    )
                })
        };
        let list = |key: &str| -> Result<Vec<String>, InputError> {
            Ok(get(key)?
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect())
        };
        if let Some((_, v, line)) = fields.iter().find(|(k, _, _)| k == "schema_version") {
            let known = crate::job::manifest::SCHEMA_VERSION;
            match v.parse::<u32>() {
                Ok(n) if n <= known => {}
                _ => {
                    return Err(at(
                        *line,
                        format!(
                            "key `schema_version`: `{}` is not a layout this partnersim reads (it knows up to {known}): use a newer partnersim",
                            crate::input::tomlfile::clip(v)
                        ),
                    ))
                }
            }
        }
        let seed_text = get("seed")?;
        let seed = seed_text.parse::<u64>().map_err(|_| {
            let line = fields
                .iter()
                .find(|(k, _, _)| k == "seed")
                .map_or(0, |f| f.2);
            at(
                line,
                format!(
                    "key `seed`: `{}` is not a whole number",
                    crate::input::tomlfile::clip(seed_text)
                ),
            )
        })?;
        Ok(Shipped {
            parameters: list("parameters")?,
            targets: list("targets")?,
            scenario_name: get("scenario")?.to_string(),
            scenario_hash: get("scenario_hash")?.to_string(),
            seed,
        })
    }
}

/// The `# key: value` lines heading a file (key, value, 1-based line), up to the first line
/// that does not start with `#`.
pub fn header_fields(text: &str) -> Vec<(String, String, usize)> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .enumerate()
        .filter_map(|(i, l)| {
            let (k, v) = l.trim_start_matches('#').split_once(':')?;
            let k = k.trim();
            (!k.is_empty() && !k.contains(' '))
                .then(|| (k.to_string(), v.trim().to_string(), i + 1))
        })
        .collect()
}

/// A fingerprint of the model as it runs the scenario: the SHA-256 of every metric's summary
/// (exact bits) of replications `0..reps` from `seed`. Any change to the model's code or to
/// the scenario's values that moves any metric of these runs changes it, so a posterior that
/// records it can be found stale (`tests/calibrate.rs`).
pub fn model_fingerprint(s: &Scenario, seed: u64, reps: usize) -> String {
    use sha2::{Digest, Sha256};
    let cfg = s.config();
    let mut h = Sha256::new();
    for r in 0..reps as u64 {
        let run = crate::model::Model::new(&cfg, seed, r).run();
        for v in &run.summary {
            h.update(v.to_bits().to_le_bytes());
        }
    }
    crate::studies::calibrate::spec::hex(&h.finalize())
}

/// The shipped form of a finished calibration in `dir` (its `posterior.csv` and
/// `manifest.json`): `posterior.csv` verbatim after a block of `# key: value` lines that make
/// it readable alone: the layout's `schema_version` (docs/schema.md), the command that
/// regenerates it, the calibration (name, file SHA-256),
/// the base scenario (name, content hash), the seed, the columns, the partnersim version, the
/// model fingerprint ([`model_fingerprint`] of the base scenario over the calibration's
/// replications), the effective sample size and the date.
pub fn shipped_text(dir: &Path, base: &Scenario, regenerate: &str) -> anyhow::Result<String> {
    let manifest: Manifest<CalibrationDetails> = Manifest::read(dir)?;
    let d = &manifest.details;
    let body = crate::input::tomlfile::utf8(crate::input::tomlfile::read_bytes(
        &dir.join(POSTERIOR_FILE),
    )?)
    .map_err(|why| anyhow::anyhow!("{}: {why}", dir.join(POSTERIOR_FILE).display()))?;
    let join = |v: Vec<&str>| v.join(",");
    let mut s = String::new();
    s.push_str(SHIPPED_MAGIC);
    s.push_str(": the fitted posterior of a calibration, readable alone by `compare --posterior` and `explore --posterior` (docs/calibration.md)\n");
    let mut kv = |k: &str, v: &str| {
        s.push_str(&format!("# {k}: {v}\n"));
    };
    kv(
        "schema_version",
        &crate::job::manifest::SCHEMA_VERSION.to_string(),
    );
    kv("regenerate", regenerate);
    kv("calibration", &d.identity.name);
    kv(
        "calibration_file_sha256",
        &d.identity.calibration_file_sha256,
    );
    kv("scenario", &d.identity.base);
    kv("scenario_hash", &d.identity.base_hash);
    kv("seed", &d.identity.seed.to_string());
    kv("reps_per_particle", &d.reps_per_particle.to_string());
    kv(
        "parameters",
        &join(d.priors.iter().map(|p| p.path.as_str()).collect()),
    );
    kv(
        "targets",
        &join(d.targets.iter().map(|t| t.label.as_str()).collect()),
    );
    kv("partnersim_version", env!("CARGO_PKG_VERSION"));
    kv(
        "model_fingerprint",
        &model_fingerprint(base, d.identity.seed, d.reps_per_particle),
    );
    if let Some(ess) = d.ess {
        kv(
            "ess",
            &format!(
                "{ess:.1} of {} (generations {}, particles simulated {})",
                d.kept, d.generations, d.evaluations
            ),
        );
    }
    s.push_str(&body);
    Ok(s)
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
