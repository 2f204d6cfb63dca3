//! Sweep files: TOML in, a validated [`SweepSpec`] out.
//!
//! Every problem is a typed [`InputError`] that names the file, line and column, the key, and
//! what is allowed (see `docs/sensitivity.md` for the reference of every key).

pub mod external;
pub mod keys;
mod outputs;
mod parameters;
mod sizes;
mod target;

use super::testmodels::TestModel;
use crate::input::scenario::Scenario;
use crate::input::tomlfile::{InputFile, Source};
use crate::input::InputError;
use crate::input::Reader;
use crate::params::registry;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// Most points a sweep may have.
pub const MAX_POINTS: u128 = 10_000_000;
/// Largest Sobol' base sample (the scrambled Sobol' generator supports 2^16 points).
pub const MAX_SOBOL_N: i64 = 1 << 16;
/// Most parameters of a Sobol' sweep (2k dimensions of the 256 of the Sobol' generator).
pub const MAX_SOBOL_PARAMS: usize = 128;
/// Most bootstrap resamples.
pub const MAX_BOOTSTRAP: i64 = 100_000;
/// Most candidate trajectories a Morris sweep chooses among.
pub const MAX_CANDIDATES: i64 = 1000;
/// Most distance terms (`M (M − 1) / 2 · (k + 1)² · k`) spent choosing Morris trajectories
/// (about 10 seconds).
pub const MAX_SPREAD_WORK: u128 = 10_000_000_000;
/// Most replications per point.
pub const MAX_REPS: i64 = 100_000;

impl SweepSpec {
    /// What the sweep asks of the work budget ([`crate::job::budget`]): points × replications
    /// model runs, and the design and per-point results held at once.
    pub fn estimate(&self) -> crate::job::budget::Estimate {
        let points = self.points();
        let per_run = match &self.target {
            Target::Scenario { scenario, .. } => crate::job::budget::iso_months_per_run(scenario),
            Target::Analytic(_) => 1.0,
        };
        let (n, k, o) = (
            points as f64,
            self.parameters.len() as f64,
            self.outputs.len() as f64,
        );
        crate::job::budget::Estimate {
            command: "sweep".into(),
            how: format!("{points} points x {} replications", self.reps_per_point),
            runs: n * self.reps_per_point as f64,
            iso_months_per_run: per_run,
            bytes: n * (k + 4.0 * o + 4.0) * 8.0,
        }
    }
}

/// Sampling method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Full factorial over per-parameter values.
    Grid,
    /// Latin hypercube (McKay et al. 1979).
    Lhs,
    /// Morris (1991) elementary-effect trajectories.
    Morris,
    /// Saltelli (2010) design for Sobol' indices.
    Sobol,
    /// An external design: the points of a CSV file (`design = "points.csv"`), evaluated as
    /// given, without indices.
    Design,
}

impl Method {
    /// Name as written in a sweep file.
    pub fn name(self) -> &'static str {
        match self {
            Method::Grid => "grid",
            Method::Lhs => "lhs",
            Method::Morris => "morris",
            Method::Sobol => "sobol",
            Method::Design => "design",
        }
    }
}

/// How a parameter's unit-interval coordinate maps to its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    /// `min + u (max − min)`.
    Uniform,
    /// `exp(ln min + u (ln max − ln min))`; needs `min > 0`.
    LogUniform,
    /// Whole numbers `min..=max`, each equally likely: `min + floor(u (max − min + 1))`.
    Integer,
}

impl Distribution {
    /// Name as written in a sweep file.
    pub fn name(self) -> &'static str {
        match self {
            Distribution::Uniform => "uniform",
            Distribution::LogUniform => "log_uniform",
            Distribution::Integer => "integer",
        }
    }
}

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepParam {
    /// dotted registry path, or `x1`… for a test model
    pub path: String,
    /// registry index (None for test-model inputs)
    pub index: Option<usize>,
    /// lower bound (for grids with `values`: the smallest value)
    pub min: f64,
    /// upper bound (for grids with `values`: the largest value)
    pub max: f64,
    /// mapping from the unit interval
    pub distribution: Distribution,
    /// grid only: explicit values
    pub values: Option<Vec<f64>>,
    /// grid only: number of evenly spaced levels
    pub levels: Option<usize>,
}

impl SweepParam {
    /// Maps a unit coordinate `u ∈ [0, 1]` to a value in `[min, max]`.
    pub fn map(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match self.distribution {
            Distribution::Uniform => {
                (self.min + u * (self.max - self.min)).clamp(self.min, self.max)
            }
            Distribution::LogUniform => {
                let (a, b) = (self.min.ln(), self.max.ln());
                (a + u * (b - a)).exp().clamp(self.min, self.max)
            }
            Distribution::Integer => {
                (self.min + (u * (self.max - self.min + 1.0)).floor()).min(self.max)
            }
        }
    }

    /// Values of a grid: `values`, or `levels` evenly spaced points (on the log scale for
    /// `log_uniform`; rounded and de-duplicated for `integer`).
    pub fn grid_values(&self, default_levels: usize) -> Vec<f64> {
        if let Some(v) = &self.values {
            return v.clone();
        }
        let l = self.levels.unwrap_or(default_levels).max(2);
        let mut out: Vec<f64> = (0..l)
            .map(|i| {
                let u = i as f64 / (l - 1) as f64;
                match self.distribution {
                    Distribution::Uniform => self.map(u),
                    Distribution::LogUniform => self.map(u),
                    Distribution::Integer => (self.min + u * (self.max - self.min))
                        .round()
                        .clamp(self.min, self.max),
                }
            })
            .collect();
        out.dedup();
        out
    }
}

/// What a sweep runs.
#[derive(Debug, Clone)]
pub enum Target {
    /// The partnersim model, starting from a base scenario.
    Scenario {
        /// the base scenario file (resolved against the sweep file)
        path: PathBuf,
        /// the loaded scenario
        scenario: Box<Scenario>,
    },
    /// An analytic test model (deterministic).
    Analytic(TestModel),
}

/// A validated sweep.
#[derive(Debug, Clone)]
pub struct SweepSpec {
    /// the sweep file
    pub file: PathBuf,
    /// `name`, else the file stem
    pub name: String,
    /// `description`, else empty
    pub description: String,
    /// SHA-256 of the sweep file's bytes (hex)
    pub file_hash: String,
    /// model or base scenario
    pub target: Target,
    /// sampling method
    pub method: Method,
    /// base sample size N (sobol), points (lhs), trajectories (morris); 0 for grid
    pub samples: usize,
    /// replications per point (1 for analytic models)
    pub reps_per_point: usize,
    /// master seed
    pub seed: u64,
    /// output metric names
    pub outputs: Vec<String>,
    /// metric indices of `outputs` (empty for analytic models)
    pub output_index: Vec<usize>,
    /// swept parameters, in file order
    pub parameters: Vec<SweepParam>,
    /// grid: default levels per parameter; morris: number of levels p
    pub levels: usize,
    /// sobol: also compute second-order indices
    pub second_order: bool,
    /// morris: draw this many trajectories and keep the `samples` that spread most
    pub candidate_trajectories: Option<usize>,
    /// bootstrap resamples for confidence intervals (0 = none)
    pub bootstrap: usize,
    /// seed of the design's randomness (Latin hypercube, Morris trajectories, Sobol'
    /// scrambling); `seed` when not given, so that by default one seed fixes everything
    pub design_seed: Option<u64>,
    /// the points of an external design (`design = "points.csv"`)
    pub external: Option<external::ExternalDesign>,
    /// what is worth saying but not an error (a Sobol' base sample that is not a power of two),
    /// each naming the file, line and column
    pub warnings: Vec<String>,
}

impl SweepSpec {
    /// The values each parameter takes in a grid sweep (its `values`, or `levels` evenly spaced).
    pub fn grid_levels(&self) -> Vec<Vec<f64>> {
        self.parameters
            .iter()
            .map(|p| p.grid_values(self.levels))
            .collect()
    }

    /// Number of parameters.
    pub fn k(&self) -> usize {
        self.parameters.len()
    }

    /// Number of points the design has.
    pub fn points(&self) -> usize {
        // validated against MAX_POINTS at load time
        points_of(self) as usize
    }

    /// Number of model runs (points × replications).
    pub fn runs(&self) -> usize {
        self.points() * self.reps_per_point
    }

    /// The seed of the design under master seed `seed`: `design_seed` if given, else `seed`.
    pub fn design_seed_or(&self, seed: u64) -> u64 {
        self.design_seed.unwrap_or(seed)
    }
}

fn points_of(s: &SweepSpec) -> u128 {
    let k = s.parameters.len() as u128;
    let n = s.samples as u128;
    match s.method {
        Method::Grid => s
            .parameters
            .iter()
            .map(|p| p.grid_values(s.levels).len() as u128)
            .fold(1u128, |a, b| a.saturating_mul(b)),
        Method::Lhs => n,
        Method::Morris => n * (k + 1),
        Method::Sobol => {
            if s.second_order {
                n * (2 * k + 2)
            } else {
                n * (k + 2)
            }
        }
        Method::Design => s.external.as_ref().map_or(0, |d| d.points as u128),
    }
}

/// A top-level key of a scenario file (`extends`, or the first part of a parameter path such as
/// `funders`) where a sweep file has none: the file is a scenario file.
fn refuse_scenario_file(file: &str, top: &DeTable<'_>) -> Result<(), InputError> {
    for (k, _) in top.iter() {
        let key: &str = k.get_ref();
        let scenario_key = key == "extends"
            || (!keys::top_key_names().contains(&key)
                && registry()
                    .iter()
                    .any(|p| p.path.split('.').next() == Some(key)));
        if scenario_key {
            return Err(InputError::File {
                file: file.into(),
                msg: format!("this is a scenario file (it has `{key}`), not a sweep file; run it with `partnersim run {file}`, or name it as the `scenario` of a sweep file (docs/sensitivity.md)"),
            });
        }
    }
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl SweepSpec {
    /// Loads and validates a sweep file (and its base scenario, relative to the file).
    pub fn load(path: &Path) -> Result<SweepSpec, InputError> {
        let f = InputFile::read(path)?;
        let mut s = Self::parse(&f.file, &f.text, &f.dir)?;
        s.file = path.to_path_buf();
        if s.name.is_empty() {
            s.name = f.stem.unwrap_or_default();
        }
        Ok(s)
    }

    /// Parses a sweep from text as if from a file named `file` in directory `dir`.
    pub fn parse(file: &str, text: &str, dir: &Path) -> Result<SweepSpec, InputError> {
        let ctx = Reader::new(Source { file, text });
        let doc = ctx.parse()?;
        let top: &DeTable<'_> = doc.get_ref();
        refuse_scenario_file(file, top)?;
        ctx.check_keys(top, &keys::top_key_names(), "")?;
        let get = |k: &str| top.get(k);

        let name = get("name")
            .map(|v| ctx.string("name", v, "any text"))
            .transpose()?
            .unwrap_or_default();
        let description = get("description")
            .map(|v| ctx.string("description", v, "any text"))
            .transpose()?
            .unwrap_or_default();

        let target = target::target(&ctx, top, dir)?;
        let analytic = matches!(target, Target::Analytic(_));
        let sizes = sizes::sizes(&ctx, top, analytic)?;
        let (outputs, output_index) = outputs::outputs(&ctx, top, analytic)?;
        let (parameters, external) = if sizes.method == Method::Design {
            let (p, d) = external::from_file(&ctx, top, &target, dir)?;
            (p, Some(d))
        } else {
            let p = parameters::parameters(&ctx, top, &target, sizes.method)?;
            (p, None)
        };
        let spec = SweepSpec {
            file: PathBuf::from(file),
            name,
            description,
            file_hash: sha256_hex(text.as_bytes()),
            target,
            method: sizes.method,
            samples: sizes.samples,
            reps_per_point: sizes.reps_per_point,
            seed: sizes.seed,
            outputs,
            output_index,
            parameters,
            levels: sizes.levels,
            second_order: sizes.second_order,
            candidate_trajectories: sizes.candidate_trajectories,
            bootstrap: sizes.bootstrap,
            design_seed: sizes.design_seed,
            external,
            warnings: sizes.warnings,
        };
        let points = points_of(&spec);
        let where_ = get("samples").map_or(sizes.method_span.clone(), |v| v.span());
        if points > MAX_POINTS {
            return Err(ctx.too_large(
                "sweep",
                where_,
                format!(
                    "{points} points ({} with k = {}); the limit is {MAX_POINTS} points",
                    describe_size(&spec),
                    spec.k()
                ),
            ));
        }
        if let (Some(m), Some(v)) = (spec.candidate_trajectories, get("candidate_trajectories")) {
            let (m, k) = (m as u128, spec.k() as u128);
            let work = m * (m - 1) / 2 * (k + 1) * (k + 1) * k;
            if work > MAX_SPREAD_WORK {
                return Err(ctx.too_large(
                    "sweep",
                    v.span(),
                    format!(
                        "choosing among {m} trajectories of {k} parameters takes {work} \
                         distance terms; the limit is {MAX_SPREAD_WORK} (fewer candidates)"
                    ),
                ));
            }
        }
        Ok(spec)
    }
}

fn describe_size(s: &SweepSpec) -> String {
    match s.method {
        Method::Grid => "product of the grid's levels".into(),
        Method::Lhs => "samples".into(),
        Method::Morris => "samples x (k + 1)".into(),
        Method::Sobol if s.second_order => "samples x (2k + 2)".into(),
        Method::Sobol => "samples x (k + 2)".into(),
        Method::Design => "rows of the design file".into(),
    }
}
