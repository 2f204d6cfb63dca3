//! Sweep files: TOML in, a validated [`SweepSpec`] out.
//!
//! Every problem is a typed [`SweepError`] that names the file, line and column, the key, and
//! what is allowed (see `docs/sensitivity.md` for the reference of every key).

// Errors are built once, on the cold path, and carry file, line, column, key and what is
// allowed by design; boxing them would only add noise.
#![allow(clippy::result_large_err)]

use super::testmodels::TestModel;
use crate::metrics::{self, METRICS};
use crate::params::{self, registry, Kind};
use crate::scenario::{Scenario, ScenarioError};
use crate::tomlfile::{self, closest, did_you_mean, hint, FileError, Source};
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeArray, DeTable, DeValue};

/// Most points a sweep may have.
pub const MAX_POINTS: u128 = 10_000_000;
/// Most model runs (points × replications) a sweep may have.
pub const MAX_RUNS: u128 = 50_000_000;
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

/// A sweep-file error, always pointing at where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The file cannot be read, is not TOML, or has a key a sweep file does not have.
    #[error(transparent)]
    File(#[from] FileError),
    /// A required key is absent.
    #[error("{file}:{line}:{col}: missing key `{key}`: {msg}")]
    Missing {
        /// file
        file: String,
        /// line (of the table that lacks the key)
        line: usize,
        /// column
        col: usize,
        /// the key
        key: String,
        /// why it is needed
        msg: String,
    },
    /// A value of the wrong type, out of range or contradicting another.
    #[error("{file}:{line}:{col}: `{key}` = {value}: {problem}; allowed: {allowed}")]
    BadValue {
        /// file
        file: String,
        /// line
        line: usize,
        /// column
        col: usize,
        /// the key
        key: String,
        /// the value as written
        value: String,
        /// what is wrong
        problem: String,
        /// what is allowed
        allowed: String,
    },
    /// A parameter path that is neither registered nor an input of the test model.
    #[error("{file}:{line}:{col}: `path` = \"{path}\": unknown parameter{hint}")]
    UnknownParameter {
        /// file
        file: String,
        /// line
        line: usize,
        /// column
        col: usize,
        /// the path given
        path: String,
        /// ", did you mean `…`?" or a list of inputs
        hint: String,
    },
    /// The sweep would be absurdly large; refused before anything runs.
    #[error("{file}:{line}:{col}: sweep too large: {reason}")]
    TooLarge {
        /// file
        file: String,
        /// line
        line: usize,
        /// column
        col: usize,
        /// the sizes and the limit
        reason: String,
    },
    /// A scenario file where a sweep file was expected.
    #[error("{file}: this is a scenario file (it has `{key}`), not a sweep file; run it with `partnersim run {file}`, or name it as the `scenario` of a sweep file (docs/sensitivity.md)")]
    ScenarioFile {
        /// file
        file: String,
        /// the scenario key found
        key: String,
    },
    /// The base scenario could not be loaded.
    #[error("{file}:{line}:{col}: base scenario: {source}")]
    Scenario {
        /// file
        file: String,
        /// line of `scenario`
        line: usize,
        /// column
        col: usize,
        /// cause
        source: ScenarioError,
    },
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
}

impl Method {
    /// Name as written in a sweep file.
    pub fn name(self) -> &'static str {
        match self {
            Method::Grid => "grid",
            Method::Lhs => "lhs",
            Method::Morris => "morris",
            Method::Sobol => "sobol",
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
    }
}

/// Top-level keys of a sweep file.
pub const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "scenario",
    "model",
    "a",
    "b",
    "method",
    "samples",
    "reps_per_point",
    "seed",
    "outputs",
    "levels",
    "second_order",
    "candidate_trajectories",
    "bootstrap",
    "parameters",
];

/// Keys of a `[[parameters]]` entry.
pub const PARAM_KEYS: &[&str] = &["path", "min", "max", "distribution", "values", "levels"];

type Sv<'i> = toml::Spanned<DeValue<'i>>;

/// A sweep file's text: the shared TOML-file reading plus the sweep file's checks.
struct Ctx<'a>(Source<'a>);

impl<'a> std::ops::Deref for Ctx<'a> {
    type Target = Source<'a>;
    fn deref(&self) -> &Source<'a> {
        &self.0
    }
}

impl Ctx<'_> {
    fn bad(
        &self,
        key: &str,
        v: &Sv<'_>,
        problem: impl Into<String>,
        allowed: impl Into<String>,
    ) -> SweepError {
        let (line, col) = self.at(v.span());
        SweepError::BadValue {
            file: self.file.into(),
            line,
            col,
            key: key.into(),
            value: self.written(v.span()),
            problem: problem.into(),
            allowed: allowed.into(),
        }
    }

    fn missing(&self, span: Range<usize>, key: &str, msg: impl Into<String>) -> SweepError {
        let (line, col) = self.at(span);
        SweepError::Missing {
            file: self.file.into(),
            line,
            col,
            key: key.into(),
            msg: msg.into(),
        }
    }

    fn too_large(&self, span: Range<usize>, reason: String) -> SweepError {
        let (line, col) = self.at(span);
        SweepError::TooLarge {
            file: self.file.into(),
            line,
            col,
            reason,
        }
    }

    fn string(&self, key: &str, v: &Sv<'_>, allowed: &str) -> Result<String, SweepError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            other => Err(self.bad(
                key,
                v,
                format!("expected a string, found {}", other.type_str()),
                allowed,
            )),
        }
    }

    fn number(&self, key: &str, v: &Sv<'_>, allowed: &str) -> Result<f64, SweepError> {
        let x = match v.get_ref() {
            DeValue::Integer(i) => {
                let digits = i.as_str().replace('_', "");
                let digits = digits
                    .trim_start_matches("0x")
                    .trim_start_matches("0o")
                    .trim_start_matches("0b");
                i64::from_str_radix(digits, i.radix())
                    .map(|i| i as f64)
                    .unwrap_or(f64::INFINITY)
            }
            DeValue::Float(f) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .unwrap_or(f64::NAN),
            other => {
                return Err(self.bad(
                    key,
                    v,
                    format!("expected a number, found {}", other.type_str()),
                    allowed,
                ))
            }
        };
        if !x.is_finite() {
            return Err(self.bad(key, v, "not a finite number", allowed));
        }
        Ok(x)
    }

    fn integer(&self, key: &str, v: &Sv<'_>, lo: i64, hi: i64) -> Result<i64, SweepError> {
        let allowed = format!("a whole number from {lo} to {hi}");
        let x = match v.get_ref() {
            DeValue::Integer(_) => self.number(key, v, &allowed)?,
            other => {
                return Err(self.bad(
                    key,
                    v,
                    format!("expected a whole number, found {}", other.type_str()),
                    allowed,
                ))
            }
        };
        if x < lo as f64 || x > hi as f64 {
            return Err(self.bad(key, v, "out of range", allowed));
        }
        Ok(x as i64)
    }

    fn boolean(&self, key: &str, v: &Sv<'_>) -> Result<bool, SweepError> {
        match v.get_ref() {
            DeValue::Boolean(b) => Ok(*b),
            other => Err(self.bad(
                key,
                v,
                format!("expected a boolean, found {}", other.type_str()),
                "true | false",
            )),
        }
    }

    fn array<'b, 'i>(
        &self,
        key: &str,
        v: &'b Sv<'i>,
        allowed: &str,
    ) -> Result<&'b DeArray<'i>, SweepError> {
        match v.get_ref() {
            DeValue::Array(a) => Ok(a),
            other => Err(self.bad(
                key,
                v,
                format!("expected an array, found {}", other.type_str()),
                allowed,
            )),
        }
    }

    fn check_keys(
        &self,
        table: &DeTable<'_>,
        allowed: &[&str],
        prefix: &str,
    ) -> Result<(), SweepError> {
        for (k, _) in table.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let hint = hint(key, allowed);
                return Err(self
                    .unknown_key(k.span(), format!("{prefix}{key}"), hint)
                    .into());
            }
        }
        Ok(())
    }
}

/// A top-level key of a scenario file (`extends`, or the first part of a parameter path such as
/// `funders`) where a sweep file has none: the file is a scenario file.
fn refuse_scenario_file(file: &str, top: &DeTable<'_>) -> Result<(), SweepError> {
    for (k, _) in top.iter() {
        let key: &str = k.get_ref();
        let scenario_key = key == "extends"
            || (!TOP_KEYS.contains(&key)
                && registry()
                    .iter()
                    .any(|p| p.path.split('.').next() == Some(key)));
        if scenario_key {
            return Err(SweepError::ScenarioFile {
                file: file.into(),
                key: key.into(),
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
    pub fn load(path: &Path) -> Result<SweepSpec, SweepError> {
        let file = path.display().to_string();
        let text = tomlfile::read(path, &file)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut s = Self::parse(&file, &text, dir)?;
        s.file = path.to_path_buf();
        if let Some(stem) = path.file_stem() {
            if s.name.is_empty() {
                s.name = stem.to_string_lossy().into_owned();
            }
        }
        Ok(s)
    }

    /// Parses a sweep from text as if from a file named `file` in directory `dir`.
    pub fn parse(file: &str, text: &str, dir: &Path) -> Result<SweepSpec, SweepError> {
        let ctx = Ctx(Source { file, text });
        let doc = ctx.parse()?;
        let top: &DeTable<'_> = doc.get_ref();
        let whole = 0..0;
        refuse_scenario_file(file, top)?;
        ctx.check_keys(top, TOP_KEYS, "")?;
        let get = |k: &str| top.get(k);

        let name = get("name")
            .map(|v| ctx.string("name", v, "any text"))
            .transpose()?
            .unwrap_or_default();
        let description = get("description")
            .map(|v| ctx.string("description", v, "any text"))
            .transpose()?
            .unwrap_or_default();

        // ---------------------------------------------------------------- target
        let target = match (get("scenario"), get("model")) {
            (Some(s), Some(m)) => {
                return Err(ctx.bad(
                    "model",
                    m,
                    "a sweep runs either a `scenario` or a test `model`, not both",
                    format!(
                        "remove `model` (or `scenario` at {}:{})",
                        ctx.at(s.span()).0,
                        ctx.at(s.span()).1
                    ),
                ));
            }
            (None, None) => {
                return Err(ctx.missing(whole.clone(), "scenario", "give the base scenario file (`scenario = \"../baseline.toml\"`) or a test model (`model = \"ishigami\"` | \"sobol_g\")"));
            }
            (Some(s), None) => {
                let rel = ctx.string(
                    "scenario",
                    s,
                    "a path to a scenario file, relative to the sweep file",
                )?;
                let path = dir.join(&rel);
                let scenario = Scenario::load(&path).map_err(|source| {
                    let (line, col) = ctx.at(s.span());
                    SweepError::Scenario {
                        file: file.into(),
                        line,
                        col,
                        source,
                    }
                })?;
                for k in ["a", "b"] {
                    if let Some(v) = get(k) {
                        return Err(ctx.bad(
                            k,
                            v,
                            "model constants are only for `model = \"ishigami\"` or \"sobol_g\"",
                            "remove it",
                        ));
                    }
                }
                Target::Scenario {
                    path,
                    scenario: Box::new(scenario),
                }
            }
            (None, Some(m)) => {
                let word = ctx.string("model", m, "\"ishigami\" | \"sobol_g\"")?;
                match word.as_str() {
                    "ishigami" => {
                        let a = get("a")
                            .map(|v| ctx.number("a", v, "a finite number"))
                            .transpose()?
                            .unwrap_or(7.0);
                        let b = get("b")
                            .map(|v| ctx.number("b", v, "a finite number"))
                            .transpose()?
                            .unwrap_or(0.1);
                        Target::Analytic(TestModel::Ishigami { a, b })
                    }
                    "sobol_g" => {
                        if let Some(v) = get("b") {
                            return Err(ctx.bad(
                                "b",
                                v,
                                "sobol_g has no constant `b`",
                                "remove it",
                            ));
                        }
                        let allowed = "an array of one or more numbers >= 0, one per input";
                        let Some(av) = get("a") else {
                            return Err(ctx.missing(
                                m.span(),
                                "a",
                                "sobol_g needs its constants, e.g. `a = [0, 1, 4.5, 9, 99, 99]`",
                            ));
                        };
                        let arr = ctx.array("a", av, allowed)?;
                        if arr.is_empty() || arr.len() > 256 {
                            return Err(ctx.bad("a", av, "needs 1 to 256 constants", allowed));
                        }
                        let mut a = Vec::new();
                        for x in arr.iter() {
                            let v = ctx.number("a", x, allowed)?;
                            if v < 0.0 {
                                return Err(ctx.bad("a", x, "negative", allowed));
                            }
                            a.push(v);
                        }
                        Target::Analytic(TestModel::SobolG { a })
                    }
                    other => {
                        return Err(ctx.bad(
                            "model",
                            m,
                            format!(
                                "unknown model \"{other}\"{}",
                                hint(other, &["ishigami", "sobol_g"])
                            ),
                            "\"ishigami\" | \"sobol_g\"",
                        ));
                    }
                }
            }
        };
        let analytic = matches!(target, Target::Analytic(_));

        // ---------------------------------------------------------------- method and sizes
        let methods = ["grid", "lhs", "morris", "sobol"];
        let Some(mv) = get("method") else {
            return Err(ctx.missing(
                whole.clone(),
                "method",
                "one of grid | lhs | morris | sobol",
            ));
        };
        let mw = ctx.string("method", mv, "grid | lhs | morris | sobol")?;
        let method = match mw.as_str() {
            "grid" => Method::Grid,
            "lhs" => Method::Lhs,
            "morris" => Method::Morris,
            "sobol" => Method::Sobol,
            other => {
                return Err(ctx.bad(
                    "method",
                    mv,
                    format!("unknown method \"{other}\"{}", hint(other, &methods)),
                    "grid | lhs | morris | sobol",
                ));
            }
        };

        let samples = match (method, get("samples")) {
            (Method::Grid, Some(v)) => {
                return Err(ctx.bad(
                    "samples",
                    v,
                    "a grid takes `levels` or per-parameter `values`/`levels`, not `samples`",
                    "remove it",
                ));
            }
            (Method::Grid, None) => 0,
            (m, None) => {
                return Err(ctx.missing(
                    mv.span(),
                    "samples",
                    match m {
                        Method::Sobol => "the base sample size N (points = N (k + 2))",
                        Method::Morris => "the number of trajectories r (points = r (k + 1))",
                        _ => "the number of points",
                    },
                ));
            }
            (Method::Sobol, Some(v)) => ctx.integer("samples", v, 2, MAX_SOBOL_N)? as usize,
            (_, Some(v)) => ctx.integer("samples", v, 2, MAX_POINTS as i64)? as usize,
        };

        let reps_per_point = match get("reps_per_point") {
            Some(v) if analytic => {
                let r = ctx.integer("reps_per_point", v, 1, MAX_REPS)?;
                if r != 1 {
                    return Err(ctx.bad(
                        "reps_per_point",
                        v,
                        "test models are deterministic",
                        "1 (or leave it out)",
                    ));
                }
                1
            }
            Some(v) => ctx.integer("reps_per_point", v, 1, MAX_REPS)? as usize,
            None if analytic => 1,
            None => 10,
        };
        let seed = get("seed")
            .map(|v| ctx.integer("seed", v, 0, i64::MAX))
            .transpose()?
            .unwrap_or(1) as u64;

        let levels = match get("levels") {
            Some(v) => match method {
                Method::Grid => ctx.integer("levels", v, 2, 1_000_000)? as usize,
                Method::Morris => {
                    let p = ctx.integer("levels", v, 2, 1000)?;
                    if p % 2 != 0 {
                        return Err(ctx.bad(
                            "levels",
                            v,
                            "Morris levels must be even (step = p / (2 (p − 1)))",
                            "an even whole number from 2 to 1000",
                        ));
                    }
                    p as usize
                }
                _ => {
                    return Err(ctx.bad(
                        "levels",
                        v,
                        format!(
                            "`levels` is for grid and morris sweeps, not {}",
                            method.name()
                        ),
                        "remove it",
                    ))
                }
            },
            None if method == Method::Morris => 4,
            None => 5,
        };
        let second_order = match get("second_order") {
            Some(v) => {
                let b = ctx.boolean("second_order", v)?;
                if b && method != Method::Sobol {
                    return Err(ctx.bad(
                        "second_order",
                        v,
                        "second-order indices need method = \"sobol\"",
                        "false",
                    ));
                }
                b
            }
            None => false,
        };
        let candidate_trajectories = match get("candidate_trajectories") {
            Some(v) if method != Method::Morris => {
                return Err(ctx.bad(
                    "candidate_trajectories",
                    v,
                    format!(
                        "`candidate_trajectories` is for morris sweeps, not {}",
                        method.name()
                    ),
                    "remove it",
                ));
            }
            Some(v) => {
                let lo = samples as i64 + 1;
                Some(ctx.integer("candidate_trajectories", v, lo, MAX_CANDIDATES.max(lo))? as usize)
            }
            None => None,
        };
        let bootstrap = match get("bootstrap") {
            Some(v) => ctx.integer("bootstrap", v, 0, MAX_BOOTSTRAP)? as usize,
            None => 1000,
        };

        // ---------------------------------------------------------------- outputs
        let outputs: Vec<(String, Option<Range<usize>>)> = match get("outputs") {
            Some(v) => {
                let allowed = if analytic {
                    "[\"y\"]"
                } else {
                    "metric names (`partnersim metrics`)"
                };
                let arr = ctx.array("outputs", v, allowed)?;
                if arr.is_empty() {
                    return Err(ctx.bad("outputs", v, "empty", allowed));
                }
                let mut out = Vec::new();
                for x in arr.iter() {
                    out.push((ctx.string("outputs", x, allowed)?, Some(x.span())));
                }
                out
            }
            None if analytic => vec![("y".to_string(), None)],
            None => metrics::REQUIRED
                .iter()
                .map(|s| (s.to_string(), None))
                .collect(),
        };
        let mut output_index = Vec::new();
        let mut seen_out: Vec<&str> = Vec::new();
        for (o, span) in &outputs {
            let span = span.clone().unwrap_or(whole.clone());
            let (line, col) = ctx.at(span.clone());
            let bad = |problem: String, allowed: &str| SweepError::BadValue {
                file: file.into(),
                line,
                col,
                key: "outputs".into(),
                value: format!("\"{o}\""),
                problem,
                allowed: allowed.into(),
            };
            if seen_out.contains(&o.as_str()) {
                return Err(bad("listed twice".into(), "each output once"));
            }
            seen_out.push(o);
            if analytic {
                if o != "y" {
                    return Err(bad("a test model has one output".into(), "\"y\""));
                }
            } else {
                match metrics::metric_index(o) {
                    Some(i) => output_index.push(i),
                    None => {
                        let h = did_you_mean(closest(o, METRICS.iter().map(|m| m.name), 0.7));
                        return Err(bad(
                            format!("unknown metric{h}"),
                            "metric names (`partnersim metrics`)",
                        ));
                    }
                }
            }
        }

        // ---------------------------------------------------------------- parameters
        let Some(pv) = get("parameters") else {
            return Err(ctx.missing(
                whole.clone(),
                "parameters",
                "add one `[[parameters]]` table per swept parameter (path, min, max)",
            ));
        };
        let parr = ctx.array("parameters", pv, "[[parameters]] tables")?;
        if parr.is_empty() {
            return Err(ctx.bad(
                "parameters",
                pv,
                "empty",
                "one or more [[parameters]] tables",
            ));
        }
        let inputs: Vec<String> = match &target {
            Target::Analytic(m) => (1..=m.inputs()).map(|i| format!("x{i}")).collect(),
            Target::Scenario { .. } => Vec::new(),
        };
        let mut parameters: Vec<SweepParam> = Vec::new();
        for entry in parr.iter() {
            let DeValue::Table(t) = entry.get_ref() else {
                return Err(ctx.bad(
                    "parameters",
                    entry,
                    "expected a table",
                    "[[parameters]] tables with path, min, max",
                ));
            };
            ctx.check_keys(t, PARAM_KEYS, "parameters.")?;
            let Some(pathv) = t.get("path") else {
                return Err(ctx.missing(
                    entry.span(),
                    "path",
                    "every [[parameters]] entry names a parameter path",
                ));
            };
            let path = ctx.string("path", pathv, "a parameter path (`partnersim params`)")?;
            let (pl, pc) = ctx.at(pathv.span());
            let index = if analytic {
                if !inputs.contains(&path) {
                    return Err(SweepError::UnknownParameter {
                        file: file.into(),
                        line: pl,
                        col: pc,
                        path,
                        hint: format!("; the inputs of this model are {}", inputs.join(", ")),
                    });
                }
                None
            } else {
                match params::index_of(&path) {
                    Some(i) => Some(i),
                    None => {
                        let h = did_you_mean(params::suggest(&path));
                        return Err(SweepError::UnknownParameter {
                            file: file.into(),
                            line: pl,
                            col: pc,
                            path,
                            hint: h,
                        });
                    }
                }
            };
            if parameters.iter().any(|p| p.path == path) {
                return Err(ctx.bad(
                    "path",
                    pathv,
                    "this parameter is already swept",
                    "each parameter once",
                ));
            }
            let spec = index.map(|i| &registry()[i]);
            let whole_only = spec.is_some_and(|s| !matches!(s.kind, Kind::Float));
            let range_allowed = match spec {
                Some(s) => format!(
                    "{} ({}) as a number{}",
                    s.range_text(),
                    s.unit,
                    match s.kind {
                        Kind::Bool => "; 0 = false, 1 = true",
                        Kind::Choice(_) => "; the index of the word, from 0",
                        _ => "",
                    }
                ),
                None => "any finite number".to_string(),
            };
            let (smin, smax) = match spec {
                Some(s) => (s.min, s.max),
                None => (f64::NEG_INFINITY, f64::INFINITY),
            };
            let check_in_range = |key: &str, v: &Sv<'_>, x: f64| -> Result<(), SweepError> {
                if x < smin || x > smax {
                    return Err(ctx.bad(
                        &format!("{path}.{key}"),
                        v,
                        format!("{} is outside the range of `{path}`", params::fmt_num(x)),
                        range_allowed.clone(),
                    ));
                }
                if whole_only && x.fract() != 0.0 {
                    return Err(ctx.bad(
                        &format!("{path}.{key}"),
                        v,
                        format!("`{path}` takes whole numbers"),
                        range_allowed.clone(),
                    ));
                }
                Ok(())
            };

            let distribution = match t.get("distribution") {
                Some(v) => {
                    let allowed = "\"uniform\" | \"log_uniform\" | \"integer\"";
                    let w = ctx.string("distribution", v, allowed)?;
                    let d = match w.as_str() {
                        "uniform" => Distribution::Uniform,
                        "log_uniform" => Distribution::LogUniform,
                        "integer" => Distribution::Integer,
                        other => {
                            return Err(ctx.bad(
                                "distribution",
                                v,
                                format!(
                                    "unknown distribution \"{other}\"{}",
                                    hint(other, &["uniform", "log_uniform", "integer"])
                                ),
                                allowed,
                            ));
                        }
                    };
                    if whole_only && d != Distribution::Integer {
                        return Err(ctx.bad(
                            "distribution",
                            v,
                            format!("`{path}` takes whole numbers"),
                            "\"integer\"",
                        ));
                    }
                    d
                }
                None if whole_only => Distribution::Integer,
                None => Distribution::Uniform,
            };

            let values = match t.get("values") {
                Some(v) => {
                    if method != Method::Grid {
                        return Err(ctx.bad(
                            "values",
                            v,
                            format!("explicit values are for grid sweeps, not {}", method.name()),
                            "min and max",
                        ));
                    }
                    let allowed = format!("an array of numbers within {range_allowed}");
                    let arr = ctx.array("values", v, &allowed)?;
                    if arr.is_empty() {
                        return Err(ctx.bad("values", v, "empty", allowed));
                    }
                    let mut xs: Vec<f64> = Vec::new();
                    for x in arr.iter() {
                        let n = ctx.number("values", x, &allowed)?;
                        check_in_range("values", x, n)?;
                        if xs.iter().any(|y| y.to_bits() == n.to_bits()) {
                            return Err(ctx.bad("values", x, "listed twice", "distinct values"));
                        }
                        xs.push(n);
                    }
                    Some(xs)
                }
                None => None,
            };
            let plevels = match t.get("levels") {
                Some(v) => {
                    if method != Method::Grid {
                        return Err(ctx.bad(
                            "levels",
                            v,
                            format!(
                                "per-parameter levels are for grid sweeps, not {}",
                                method.name()
                            ),
                            "remove it (morris takes a top-level `levels`)",
                        ));
                    }
                    if let Some(_vals) = t.get("values") {
                        return Err(ctx.bad(
                            "levels",
                            v,
                            "give either `values` or `levels`, not both",
                            "one of them",
                        ));
                    }
                    Some(ctx.integer("levels", v, 2, 1_000_000)? as usize)
                }
                None => None,
            };

            let (min, max) = match (t.get("min"), t.get("max"), &values) {
                (None, None, Some(xs)) => {
                    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    (lo, hi)
                }
                (Some(a), _, Some(_)) | (_, Some(a), Some(_)) => {
                    return Err(ctx.bad(
                        "values",
                        a,
                        "give either `values` or `min`/`max`, not both",
                        "one of them",
                    ));
                }
                (None, _, None) => {
                    return Err(ctx.missing(
                        entry.span(),
                        "min",
                        format!("`{path}` needs a lower bound; allowed: {range_allowed}"),
                    ));
                }
                (_, None, None) => {
                    return Err(ctx.missing(
                        entry.span(),
                        "max",
                        format!("`{path}` needs an upper bound; allowed: {range_allowed}"),
                    ));
                }
                (Some(a), Some(b), None) => {
                    let lo = ctx.number(&format!("{path}.min"), a, &range_allowed)?;
                    check_in_range("min", a, lo)?;
                    let hi = ctx.number(&format!("{path}.max"), b, &range_allowed)?;
                    check_in_range("max", b, hi)?;
                    if lo >= hi {
                        return Err(ctx.bad(
                            &format!("{path}.max"),
                            b,
                            format!(
                                "max ({}) must be larger than min ({})",
                                params::fmt_num(hi),
                                params::fmt_num(lo)
                            ),
                            format!("min < max within {range_allowed}"),
                        ));
                    }
                    if !(hi - lo).is_finite() {
                        return Err(ctx.bad(
                            &format!("{path}.max"),
                            b,
                            "the range max − min is too wide to sample",
                            "bounds whose difference is a finite number",
                        ));
                    }
                    if distribution == Distribution::LogUniform && lo <= 0.0 {
                        return Err(ctx.bad(
                            &format!("{path}.min"),
                            a,
                            "log_uniform needs min > 0",
                            "a positive lower bound",
                        ));
                    }
                    if distribution == Distribution::Integer
                        && (lo.fract() != 0.0 || hi.fract() != 0.0)
                    {
                        return Err(ctx.bad(
                            &format!("{path}.min"),
                            a,
                            "integer bounds must be whole numbers",
                            "whole numbers",
                        ));
                    }
                    (lo, hi)
                }
            };
            parameters.push(SweepParam {
                path,
                index,
                min,
                max,
                distribution,
                values,
                levels: plevels,
            });
        }
        if analytic {
            let missing: Vec<&String> = inputs
                .iter()
                .filter(|i| !parameters.iter().any(|p| &p.path == *i))
                .collect();
            if !missing.is_empty() {
                return Err(ctx.missing(
                    pv.span(),
                    "path",
                    format!(
                        "every input of a test model needs bounds; missing: {}",
                        missing
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            // evaluate inputs in model order whatever the file order
            parameters.sort_by_key(|p| p.path[1..].parse::<usize>().unwrap_or(usize::MAX));
        }
        if method == Method::Sobol && parameters.len() > MAX_SOBOL_PARAMS {
            return Err(ctx.too_large(
                pv.span(),
                format!(
                    "{} parameters; a Sobol' sweep takes at most {MAX_SOBOL_PARAMS}",
                    parameters.len()
                ),
            ));
        }

        let spec = SweepSpec {
            file: PathBuf::from(file),
            name,
            description,
            file_hash: sha256_hex(text.as_bytes()),
            target,
            method,
            samples,
            reps_per_point,
            seed,
            outputs: outputs.into_iter().map(|(o, _)| o).collect(),
            output_index,
            parameters,
            levels,
            second_order,
            candidate_trajectories,
            bootstrap,
        };
        let points = points_of(&spec);
        let runs = points.saturating_mul(spec.reps_per_point as u128);
        let where_ = get("samples").map_or(mv.span(), |v| v.span());
        if points > MAX_POINTS {
            return Err(ctx.too_large(
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
                    v.span(),
                    format!(
                        "choosing among {m} trajectories of {k} parameters takes {work} \
                         distance terms; the limit is {MAX_SPREAD_WORK} (fewer candidates)"
                    ),
                ));
            }
        }
        if runs > MAX_RUNS {
            return Err(ctx.too_large(get("reps_per_point").map_or(where_, |v| v.span()), format!("{points} points x {} replications = {runs} model runs; the limit is {MAX_RUNS} runs", spec.reps_per_point)));
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
    }
}
