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
//!
//! A posterior can also ship as one self-describing file (`scenarios/calibration/
//! canada_posterior.csv`): `calibrate --ship FILE` writes `posterior.csv` after a block of
//! `# key: value` lines ([`shipped_text`]) that names the calibration, its base scenario and
//! content hash, its seed, its columns, the partnersim version and a fingerprint of the model
//! ([`model_fingerprint`]); [`Posterior::read`] reads either form.

use crate::calibrate::output::{CalibrationDetails, POSTERIOR_FILE};
use crate::error::BadInput;
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
    pub fn read(path: &Path) -> anyhow::Result<Posterior> {
        let shown = path.display();
        let path = if path.is_dir() {
            path.join(POSTERIOR_FILE)
        } else {
            path.to_path_buf()
        };
        // a shipped posterior describes itself in its first lines
        if let Ok(bytes) = std::fs::read(&path) {
            if bytes.starts_with(SHIPPED_MAGIC.as_bytes()) {
                let text = crate::tomlfile::utf8(bytes)
                    .map_err(|why| BadInput::err(format!("{shown}: {why}")))?;
                let meta = Shipped::parse(&text, &shown.to_string())?;
                return Self::parse_rows(&path, &shown.to_string(), &text, meta);
            }
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let manifest: Manifest<CalibrationDetails> = Manifest::read(dir).map_err(|e| {
            BadInput::err(format!(
                "{shown}: not a finished calibration (no readable manifest.json beside it, and not a shipped posterior starting with `{SHIPPED_MAGIC}`: {e:#})"
            ))
        })?;
        if manifest.kind != crate::calibrate::KIND {
            return Err(BadInput::err(format!(
                "{shown}: the directory holds a {} result, not a calibration",
                manifest.kind
            )));
        }
        let d = manifest.details;
        let bytes = crate::tomlfile::read_bytes(&path)
            .map_err(|e| BadInput::err(format!("{shown}: cannot read: {e}")))?;
        let text =
            crate::tomlfile::utf8(bytes).map_err(|why| BadInput::err(format!("{shown}: {why}")))?;
        let meta = Shipped {
            parameters: d.priors.iter().map(|p| p.path.clone()).collect(),
            targets: d.targets.iter().map(|t| t.label.clone()).collect(),
            scenario_name: d.identity.base,
            scenario_hash: d.identity.base_hash,
            seed: d.identity.seed,
            header_lines: 0,
        };
        Self::parse_rows(&path, &shown.to_string(), &text, meta)
    }

    /// The rows of a posterior file (after `meta.header_lines` comment lines), checked against
    /// the columns `meta` names.
    fn parse_rows(
        path: &Path,
        shown: &str,
        text: &str,
        meta: Shipped,
    ) -> anyhow::Result<Posterior> {
        let skip = meta.header_lines;
        let mut lines = text.lines().skip(skip);
        let first = skip + 1;
        let parameters = meta.parameters;
        let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
        // strict: the columns the calibration writes, each once, and no others
        let mut known: Vec<&str> = vec!["particle", "weight", "distance"];
        known.extend(parameters.iter().map(String::as_str));
        known.extend(meta.targets.iter().map(String::as_str));
        for (k, h) in header.iter().enumerate() {
            if header[..k].contains(h) {
                return Err(BadInput::err(format!(
                    "{shown}:{first}: column `{}` appears twice",
                    crate::tomlfile::clip(h)
                )));
            }
            if !known.contains(h) {
                return Err(BadInput::err(format!(
                    "{shown}:{first}: unexpected column `{}` (a calibration writes particle, weight, its priors' paths, distance and its targets)",
                    crate::tomlfile::clip(h)
                )));
            }
        }
        let col = |name: &str| header.iter().position(|h| *h == name);
        let weight_col = col("weight")
            .ok_or_else(|| BadInput::err(format!("{shown}:{first}: no `weight` column")))?;
        let cols: Vec<usize> = parameters
            .iter()
            .map(|p| {
                col(p).ok_or_else(|| {
                    BadInput::err(format!(
                        "{shown}:{first}: no column `{p}` (a calibrated parameter)"
                    ))
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let specs: Vec<Option<&crate::params::ParamSpec>> = parameters
            .iter()
            .map(|p| crate::params::index_of(p).map(|i| &crate::params::registry()[i]))
            .collect();
        let (mut weights, mut values) = (Vec::new(), Vec::new());
        for (i, line) in lines.enumerate() {
            let row = i + first + 1;
            let cells: Vec<&str> = line.split(',').collect();
            if cells.len() != header.len() {
                return Err(BadInput::err(format!(
                    "{shown}:{row}: {} cells where the header has {} columns",
                    cells.len(),
                    header.len()
                )));
            }
            let num = |c: usize| -> anyhow::Result<f64> {
                cells
                    .get(c)
                    .and_then(|s| s.parse::<f64>().ok())
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| {
                        BadInput::err(format!(
                            "{shown}:{row}: column {} is not a number",
                            header.get(c).unwrap_or(&"?")
                        ))
                    })
            };
            let w = num(weight_col)?;
            if w < 0.0 {
                return Err(BadInput::err(format!("{shown}:{row}: negative weight")));
            }
            weights.push(w);
            let mut particle = Vec::with_capacity(cols.len());
            for (&c, spec) in cols.iter().zip(&specs) {
                let x = num(c)?;
                if let Some(spec) = spec {
                    // as `apply` sets it: whole-number parameters rounded
                    let v = match spec.kind {
                        crate::params::Kind::Float => x,
                        _ => x.round(),
                    };
                    if !(spec.min..=spec.max).contains(&v) {
                        return Err(BadInput::err(format!(
                            "{shown}:{row}: column {}: {} is out of range; allowed: {}",
                            header[c],
                            crate::params::fmt_num(x),
                            spec.range_text()
                        )));
                    }
                }
                particle.push(x);
            }
            values.push(particle);
        }
        let total: f64 = weights.iter().sum();
        if values.is_empty() || total <= 0.0 {
            return Err(BadInput::err(format!(
                "{shown}: no particle with a positive weight"
            )));
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
    pub fn check_scenario(&self, s: &Scenario) -> anyhow::Result<()> {
        let hash = s.content_hash();
        if hash != self.scenario_hash {
            return Err(BadInput::err(format!(
                "{}: calibrated on scenario `{}` ({}), not on `{}` ({}); calibrate on this scenario or compare against `{}`",
                self.path.display(),
                self.scenario_name,
                &self.scenario_hash[..self.scenario_hash.len().min(12)],
                s.name,
                &hash[..hash.len().min(12)],
                self.scenario_name
            )));
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

    /// Sets the calibrated parameters of `s` to `values` (whole-number parameters rounded).
    pub fn apply(&self, s: &mut Scenario, values: &[f64]) -> anyhow::Result<()> {
        for (p, &v) in self.parameters.iter().zip(values) {
            let v = match crate::params::index_of(p).map(|i| crate::params::registry()[i].kind) {
                Some(crate::params::Kind::Float) => v,
                _ => v.round(),
            };
            s.set_value(p, v)?;
        }
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
    /// comment lines before the CSV header (0 for a `posterior.csv` beside its manifest)
    pub header_lines: usize,
}

impl Shipped {
    /// Reads the heading `# key: value` lines of a shipped posterior (see [`shipped_text`]):
    /// `scenario`, `scenario_hash`, `seed`, `parameters` and `targets` are required; a missing
    /// or malformed one is bad input naming the file and line.
    pub fn parse(text: &str, shown: &str) -> anyhow::Result<Shipped> {
        let fields = header_fields(text);
        let header_lines = text.lines().take_while(|l| l.starts_with('#')).count();
        let get = |key: &str| -> anyhow::Result<&str> {
            fields
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, _)| v.as_str())
                .ok_or_else(|| {
                    BadInput::err(format!(
                        "{shown}:{}: a shipped posterior needs a `# {key}: ...` line before its CSV header",
                        header_lines + 1
                    ))
                })
        };
        let list = |key: &str| -> anyhow::Result<Vec<String>> {
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
                    return Err(BadInput::err(format!(
                        "{shown}:{line}: key `schema_version`: `{}` is not a layout this partnersim reads (it knows up to {known}): use a newer partnersim",
                        crate::tomlfile::clip(v)
                    )))
                }
            }
        }
        let seed_text = get("seed")?;
        let seed = seed_text.parse::<u64>().map_err(|_| {
            let line = fields
                .iter()
                .find(|(k, _, _)| k == "seed")
                .map_or(0, |f| f.2);
            BadInput::err(format!(
                "{shown}:{line}: key `seed`: `{}` is not a whole number",
                crate::tomlfile::clip(seed_text)
            ))
        })?;
        Ok(Shipped {
            parameters: list("parameters")?,
            targets: list("targets")?,
            scenario_name: get("scenario")?.to_string(),
            scenario_hash: get("scenario_hash")?.to_string(),
            seed,
            header_lines,
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
    crate::calibrate::spec::hex(&h.finalize())
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
    let body = crate::tomlfile::utf8(crate::tomlfile::read_bytes(&dir.join(POSTERIOR_FILE))?)
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
