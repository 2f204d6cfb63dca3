//! The calibration file: what to fit (a base scenario or an analytic test model), the targets
//! (metric, value or interval, summary over replications, source, weight), the priors (dotted
//! path, kind, bounds) and the ABC-SMC settings. Every problem is an [`InputError`] that names the
//! file, line, column and key (exit code 2).

use super::analytic::Analytic;
use super::prior::{Prior, PriorKind};
use crate::input::scenario::Scenario;
use crate::input::tomlfile::{self, closest, did_you_mean, line_col, InputFile, Source};
use crate::input::InputError;
use crate::input::Reader;
use crate::params::{self, Kind};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What a calibration fits.
#[derive(Debug, Clone)]
pub enum Base {
    /// the model on a base scenario
    Scenario {
        /// the scenario file (as resolved from the calibration file)
        path: PathBuf,
        /// the loaded scenario
        scenario: Box<Scenario>,
    },
    /// an analytic model with a known posterior (validation)
    Analytic(Analytic),
}

/// How a target summarises a metric over a particle's replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stat {
    /// mean over replications of the replication summaries
    Mean,
    /// a quantile (0..1) over replications (type 7, as numpy's default)
    Quantile(f64),
}

/// What a target asks of its summary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// a value; deviations are divided by `scale` (None: the spread of the summary over the
    /// first generation's prior draws)
    Value {
        /// the value
        value: f64,
        /// the scale of a deviation
        scale: Option<f64>,
    },
    /// an interval: no deviation inside, the distance to the nearer bound divided by the width
    /// outside
    Interval {
        /// lower bound
        low: f64,
        /// upper bound
        high: f64,
    },
}

/// One target.
#[derive(Debug, Clone)]
pub struct TargetSpec {
    /// metric name (or the analytic model's output)
    pub metric: String,
    /// index of the metric in a replication summary (or in the analytic model's outputs)
    pub index: usize,
    /// how replications are summarised
    pub stat: Stat,
    /// value or interval
    pub goal: Goal,
    /// weight in the distance
    pub weight: f64,
    /// where the figure comes from
    pub source: String,
}

impl TargetSpec {
    /// The column name of the summarised target: the metric, with `_q<q>` for a quantile.
    pub fn label(&self) -> String {
        match self.stat {
            Stat::Mean => self.metric.clone(),
            Stat::Quantile(q) => format!("{}_q{}", self.metric, params::fmt_num(q)),
        }
    }

    /// The goal in words: `0.67` or `0.13 to 0.21`.
    pub fn goal_text(&self) -> String {
        match self.goal {
            Goal::Value { value, .. } => params::fmt_num(value),
            Goal::Interval { low, high } => {
                format!("{} to {}", params::fmt_num(low), params::fmt_num(high))
            }
        }
    }

    /// Whether a summary meets the goal: inside the interval, or within one scale of the value.
    pub fn met(&self, s: f64, scale: f64) -> bool {
        match self.goal {
            Goal::Value { value, .. } => (s - value).abs() <= scale,
            Goal::Interval { low, high } => s >= low && s <= high,
        }
    }
}

/// A parsed, checked calibration file.
#[derive(Debug, Clone)]
pub struct CalibrationSpec {
    /// the calibration's name (default: the file stem)
    pub name: String,
    /// SHA-256 of the file's bytes (hex)
    pub file_hash: String,
    /// what is fitted
    pub base: Base,
    /// master seed
    pub seed: u64,
    /// particles simulated in the first generation (N)
    pub particles: usize,
    /// share of particles kept in each generation (alpha): the tolerance is this quantile
    pub keep_share: f64,
    /// replications per particle
    pub reps_per_particle: usize,
    /// stop when the share of new particles within the previous tolerance is at most this
    pub min_acceptance: f64,
    /// stop when the tolerance is at most this
    pub tolerance: f64,
    /// stop after this many generations (the first, from the prior, included)
    pub max_generations: usize,
    /// stop before a generation would take the particles evaluated above this
    pub max_evaluations: u64,
    /// the priors, in file order
    pub priors: Vec<Prior>,
    /// the targets, in file order
    pub targets: Vec<TargetSpec>,
}

impl CalibrationSpec {
    /// What the calibration asks of the work budget ([`crate::job::budget`]) at most: the
    /// particles of every generation up to `max_generations` (or `max_evaluations`) × the
    /// replications per particle, and one generation's particles held at once.
    pub fn estimate(&self) -> crate::job::budget::Estimate {
        let (n, kept) = (self.particles as f64, self.kept() as f64);
        let evaluations = (n
            + (self.max_generations.saturating_sub(1) as f64) * (n - kept).max(0.0))
        .min(self.max_evaluations as f64);
        let per_run = match &self.base {
            Base::Scenario { scenario, .. } => crate::job::budget::iso_months_per_run(scenario),
            Base::Analytic(_) => 1.0,
        };
        let record = (self.priors.len() + self.targets.len() + 4) as f64 * 8.0;
        crate::job::budget::Estimate {
            command: "calibrate".into(),
            how: format!(
                "up to {} particle evaluations ({} particles, {} generations) x {} replications",
                crate::job::budget::num(evaluations),
                self.particles,
                self.max_generations,
                self.reps_per_particle
            ),
            runs: evaluations * self.reps_per_particle as f64,
            iso_months_per_run: per_run,
            bytes: 3.0 * n * (record + self.reps_per_particle as f64 * record),
        }
    }

    /// Particles kept in each generation: `floor(keep_share * particles)`.
    pub fn kept(&self) -> usize {
        ((self.keep_share * self.particles as f64).floor() as usize).max(2)
    }

    /// The base's name and content hash: the scenario's name and hash, or the analytic
    /// model with its constants.
    pub fn base_identity(&self) -> (String, String) {
        match &self.base {
            Base::Scenario { scenario, .. } => (scenario.name.clone(), scenario.content_hash()),
            Base::Analytic(a) => (a.name().to_string(), format!("{a:?}")),
        }
    }

    /// Reads and checks a calibration file.
    pub fn load(path: &Path) -> Result<CalibrationSpec, InputError> {
        let f = InputFile::read(path)?;
        let stem = f.stem.as_deref().unwrap_or("calibration");
        Self::parse(&f.file, &f.text, &f.dir, stem)
    }

    /// Parses the text of a calibration file named `file` in directory `dir`.
    pub fn parse(
        file: &str,
        text: &str,
        dir: &Path,
        stem: &str,
    ) -> Result<CalibrationSpec, InputError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            InputError::Syntax {
                file: file.into(),
                line,
                col,
                msg: e.message().trim().to_string(),
            }
        })?;
        let cx = Cx { file, text };
        let base = match (&raw.scenario, &raw.model) {
            (Some(_), Some(m)) => {
                return Err(cx.bad(
                    m.span(),
                    "model",
                    "a calibration fits either a `scenario` or a test `model`, not both",
                ))
            }
            (None, None) => {
                return Err(file_error(file, "missing key `scenario`: give the base scenario file (`scenario = \"../baseline.toml\"`) or a test model (`[model] name = \"normal\"` | \"binomial\")".into()))
            }
            (Some(s), None) => {
                let path = dir.join(s.get_ref());
                let scenario = Scenario::load(&path)
                    .map_err(|e| e.within(file, line_col(text, s.span().start), "key `scenario`"))?;
                Base::Scenario {
                    path,
                    scenario: Box::new(scenario),
                }
            }
            (None, Some(m)) => Base::Analytic(Analytic::from_raw(m.get_ref(), &cx, m.span())?),
        };
        let particles = raw.particles.map_or(Ok(200), |p| {
            cx.int_range(&p, "particles", 4, 1_000_000)
                .map(|v| v as usize)
        })?;
        let keep_share = raw
            .keep_share
            .map_or(Ok(0.5), |v| cx.range(&v, "keep_share", 0.05, 0.95))?;
        let reps = raw
            .reps_per_particle
            .map_or(Ok(1), |v| cx.int_range(&v, "reps_per_particle", 1, 10_000))?
            as usize;
        let min_acceptance = raw
            .min_acceptance
            .map_or(Ok(0.05), |v| cx.range(&v, "min_acceptance", 0.0, 1.0))?;
        let tolerance = raw
            .tolerance
            .map_or(Ok(0.0), |v| cx.range(&v, "tolerance", 0.0, f64::MAX))?;
        let max_generations = raw
            .max_generations
            .map_or(Ok(20), |v| cx.int_range(&v, "max_generations", 1, 1000))?
            as usize;
        let max_evaluations = raw.max_evaluations.as_ref().map_or(Ok(i64::MAX), |v| {
            cx.int_range(v, "max_evaluations", 1, i64::MAX)
        })? as u64;
        if max_evaluations < particles as u64 {
            let span = raw.max_evaluations.as_ref().map_or(0..0, |v| v.span());
            return Err(cx.bad(
                span,
                "max_evaluations",
                &format!("is smaller than `particles` ({particles}): the first generation alone evaluates that many"),
            ));
        }
        let seed = raw.seed.map_or(Ok(42), |v| {
            cx.int_range(&v, "seed", 0, i64::MAX).map(|s| s as u64)
        })?;

        let outputs: Vec<String> = match &base {
            Base::Scenario { .. } => crate::metrics::METRICS
                .iter()
                .map(|m| m.name.to_string())
                .collect(),
            Base::Analytic(a) => a.outputs().iter().map(|s| s.to_string()).collect(),
        };
        if raw.target.is_empty() {
            return Err(file_error(
                file,
                "no [[target]]: give at least one (`metric`, `value` or `interval`, `source`)"
                    .into(),
            ));
        }
        let mut targets = Vec::new();
        for t in &raw.target {
            targets.push(cx.target(t, &outputs)?);
        }
        let mut labels: Vec<String> = targets.iter().map(TargetSpec::label).collect();
        labels.sort();
        if let Some(w) = labels.windows(2).find(|w| w[0] == w[1]) {
            return Err(file_error(
                file,
                format!(
                "two targets summarise `{}` the same way; merge them or give one another `stat`",
                w[0]
            ),
            ));
        }
        if raw.prior.is_empty() {
            return Err(file_error(
                file,
                "no [[prior]]: give at least one (`path`, `kind`, `min`, `max`)".into(),
            ));
        }
        let mut priors: Vec<Prior> = Vec::new();
        for p in &raw.prior {
            let prior = cx.prior(p, &base)?;
            if priors.iter().any(|q| q.path == prior.path) {
                return Err(cx.bad(
                    p.path.span(),
                    "path",
                    &format!("`{}` has two priors; keep one", prior.path),
                ));
            }
            priors.push(prior);
        }
        let name = raw
            .name
            .map(Spanned::into_inner)
            .unwrap_or_else(|| stem.to_string());
        if name.is_empty() || name.contains(['/', '\\']) {
            return Err(file_error(file, format!(
                "key `name`: `{name}` cannot name an output directory; use letters, digits, `-` and `_`"
            )));
        }
        Ok(CalibrationSpec {
            name,
            file_hash: hex(&Sha256::digest(text.as_bytes())),
            base,
            seed,
            particles,
            keep_share,
            reps_per_particle: reps,
            min_acceptance,
            tolerance,
            max_generations,
            max_evaluations,
            priors,
            targets,
        })
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The keys of the top level, of `[[target]]` and of `[[prior]]`, with what they mean (for the
/// docs page, checked by a test).
pub const TOP_KEYS: &[(&str, &str)] = &[
    ("name", "name of the calibration and of its output directory (default: the file stem)"),
    ("scenario", "base scenario file, relative to this file"),
    ("model", "instead of a scenario: an analytic test model, `[model] name = \"normal\"` (with `sigma`, `n`) or `\"binomial\"` (with `n`)"),
    ("seed", "master seed (default 42; `--seed` overrides it)"),
    ("particles", "particles simulated in the first generation, N (default 200, at least 4)"),
    ("keep_share", "share of particles kept each generation, alpha (default 0.5; 0.05 to 0.95): the tolerance is the alpha-quantile of the distances"),
    ("reps_per_particle", "replications per particle, on common random numbers for a scenario (default 1)"),
    ("min_acceptance", "stop when at most this share of a generation's new particles fall within the previous tolerance (default 0.05)"),
    ("tolerance", "stop when the tolerance is at most this (default 0)"),
    ("max_generations", "stop after this many generations, the first included (default 20)"),
    ("max_evaluations", "stop before a generation would take the particles evaluated above this (default: no limit)"),
];

/// Keys of a `[[target]]`.
pub const TARGET_KEYS: &[(&str, &str)] = &[
    ("metric", "metric name (`partnersim metrics`), or the analytic model's output (`mean_y`, `successes`)"),
    ("value", "the figure to match (or give `interval`)"),
    ("interval", "`[low, high]`: no distance inside, the distance to the nearer bound over the width outside"),
    ("scale", "for a `value`: the size of a deviation that counts 1 (default: the standard deviation of the summary over the first generation)"),
    ("stat", "`mean` (default: the mean over the particle's replications) or `quantile`"),
    ("q", "the quantile for `stat = \"quantile\"` (0 to 1)"),
    ("weight", "weight of the squared deviation in the distance (default 1)"),
    ("source", "where the figure comes from (required, may be empty only for test models)"),
];

/// Keys of a `[[prior]]`.
pub const PRIOR_KEYS: &[(&str, &str)] = &[
    (
        "path",
        "parameter by dotted path (`partnersim params`), or `theta` for a test model",
    ),
    (
        "kind",
        "`uniform`, `log_uniform`, `integer`, `normal` or `beta`",
    ),
    (
        "min",
        "lower bound, within the registry's range (default: the registry's minimum)",
    ),
    (
        "max",
        "upper bound, within the registry's range (default: the registry's maximum)",
    ),
    ("mean", "mean of a `normal` prior (truncated to min..max)"),
    ("sd", "standard deviation of a `normal` prior"),
    ("a", "first shape of a `beta` prior on min..max"),
    ("b", "second shape of a `beta` prior on min..max"),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    name: Option<Spanned<String>>,
    scenario: Option<Spanned<String>>,
    model: Option<Spanned<RawModel>>,
    seed: Option<Spanned<i64>>,
    particles: Option<Spanned<i64>>,
    keep_share: Option<Spanned<f64>>,
    reps_per_particle: Option<Spanned<i64>>,
    min_acceptance: Option<Spanned<f64>>,
    tolerance: Option<Spanned<f64>>,
    max_generations: Option<Spanned<i64>>,
    max_evaluations: Option<Spanned<i64>>,
    #[serde(default)]
    target: Vec<RawTarget>,
    #[serde(default)]
    prior: Vec<RawPrior>,
}

/// `[model]` of a calibration file.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(super) struct RawModel {
    pub name: Spanned<String>,
    pub sigma: Option<Spanned<f64>>,
    pub n: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    metric: Spanned<String>,
    value: Option<Spanned<f64>>,
    interval: Option<Spanned<Vec<f64>>>,
    scale: Option<Spanned<f64>>,
    stat: Option<Spanned<String>>,
    q: Option<Spanned<f64>>,
    weight: Option<Spanned<f64>>,
    source: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrior {
    path: Spanned<String>,
    kind: Option<Spanned<String>>,
    min: Option<Spanned<f64>>,
    max: Option<Spanned<f64>>,
    mean: Option<Spanned<f64>>,
    sd: Option<Spanned<f64>>,
    a: Option<Spanned<f64>>,
    b: Option<Spanned<f64>>,
}

/// A problem of a calibration file as a whole (no `[[target]]`, two targets alike).
fn file_error(file: &str, msg: String) -> InputError {
    InputError::File {
        file: file.into(),
        msg,
    }
}

/// The file being parsed, for errors with positions.
pub(super) struct Cx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Cx<'_> {
    fn source(&self) -> Source<'_> {
        Source {
            file: self.file,
            text: self.text,
        }
    }

    /// `file:line:col: key `key`: msg`.
    pub(super) fn bad(&self, span: Range<usize>, key: &str, msg: &str) -> InputError {
        Reader::new(self.source()).bad_key(span, key, msg)
    }

    /// `file:line:col: `key` = value: out of range; allowed: …`.
    fn out_of_range(&self, span: Range<usize>, key: &str, allowed: String) -> InputError {
        let src = self.source();
        let (line, col) = src.at(span.clone());
        InputError::BadValue {
            file: self.file.into(),
            line,
            col,
            key: key.into(),
            value: src.written(span),
            problem: "out of range".into(),
            allowed,
        }
    }

    pub(super) fn range(
        &self,
        v: &Spanned<f64>,
        key: &str,
        lo: f64,
        hi: f64,
    ) -> Result<f64, InputError> {
        let x = *v.get_ref();
        if !x.is_finite() || x < lo || x > hi {
            let allowed = if hi == f64::MAX {
                format!("at least {}", params::fmt_num(lo))
            } else {
                format!("{} to {}", params::fmt_num(lo), params::fmt_num(hi))
            };
            return Err(self.out_of_range(v.span(), key, allowed));
        }
        Ok(x)
    }

    pub(super) fn int_range(
        &self,
        v: &Spanned<i64>,
        key: &str,
        lo: i64,
        hi: i64,
    ) -> Result<i64, InputError> {
        let x = *v.get_ref();
        if x < lo || x > hi {
            return Err(self.out_of_range(v.span(), key, format!("{lo} to {hi}")));
        }
        Ok(x)
    }

    fn target(&self, t: &RawTarget, outputs: &[String]) -> Result<TargetSpec, InputError> {
        let name = t.metric.get_ref();
        let index = outputs.iter().position(|o| o == name).ok_or_else(|| {
            let hint = did_you_mean(closest(name, outputs.iter().map(String::as_str), 0.8));
            self.bad(
                t.metric.span(),
                "metric",
                &format!("unknown metric `{name}`{hint} (`partnersim metrics` lists them)"),
            )
        })?;
        let goal = match (&t.value, &t.interval) {
            (Some(_), Some(i)) => {
                return Err(self.bad(i.span(), "interval", "give `value` or `interval`, not both"))
            }
            (None, None) => {
                return Err(self.bad(
                    t.metric.span(),
                    "metric",
                    &format!("target `{name}` needs `value = …` or `interval = [low, high]`"),
                ))
            }
            (Some(v), None) => {
                let scale = match &t.scale {
                    Some(s) => {
                        let x = *s.get_ref();
                        if !(x.is_finite() && x > 0.0) {
                            return Err(self.bad(s.span(), "scale", "must be a positive number"));
                        }
                        Some(x)
                    }
                    None => None,
                };
                if !v.get_ref().is_finite() {
                    return Err(self.bad(v.span(), "value", "must be a finite number"));
                }
                Goal::Value {
                    value: *v.get_ref(),
                    scale,
                }
            }
            (None, Some(i)) => {
                if let Some(s) = &t.scale {
                    return Err(self.bad(
                        s.span(),
                        "scale",
                        "an interval is scaled by its width; `scale` is for a `value`",
                    ));
                }
                match i.get_ref()[..] {
                    [low, high] if low.is_finite() && high.is_finite() && low < high => {
                        Goal::Interval { low, high }
                    }
                    _ => return Err(self.bad(
                        i.span(),
                        "interval",
                        "must be `[low, high]` with low < high (an empty interval cannot be met)",
                    )),
                }
            }
        };
        let stat = match t.stat.as_ref().map(|s| s.get_ref().as_str()) {
            None | Some("mean") => {
                if let Some(q) = &t.q {
                    return Err(self.bad(q.span(), "q", "only with `stat = \"quantile\"`"));
                }
                Stat::Mean
            }
            Some("quantile") => match &t.q {
                Some(q) => Stat::Quantile(self.range(q, "q", 0.0, 1.0)?),
                None => {
                    return Err(self.bad(
                        t.stat.as_ref().map_or(0..0, |s| s.span()),
                        "stat",
                        "`quantile` needs `q = …` (0 to 1)",
                    ))
                }
            },
            Some(other) => {
                let span = t.stat.as_ref().map_or(0..0, |s| s.span());
                return Err(self.bad(
                    span,
                    "stat",
                    &format!(
                        "unknown `{other}`{}; allowed: mean | quantile",
                        tomlfile::hint(other, &["mean", "quantile"])
                    ),
                ));
            }
        };
        let weight = t
            .weight
            .as_ref()
            .map_or(Ok(1.0), |w| self.range(w, "weight", 0.0, 1e6))?;
        let source = t
            .source
            .as_ref()
            .map(|s| s.get_ref().trim().to_string())
            .unwrap_or_default();
        if source.is_empty()
            && !matches!(
                outputs.first().map(String::as_str),
                Some("mean_y" | "successes")
            )
        {
            return Err(self.bad(
                t.metric.span(),
                "source",
                &format!("target `{name}` needs `source = \"…\"`: where the figure comes from"),
            ));
        }
        Ok(TargetSpec {
            metric: name.clone(),
            index,
            stat,
            goal,
            weight,
            source,
        })
    }

    fn prior(&self, p: &RawPrior, base: &Base) -> Result<Prior, InputError> {
        let path = p.path.get_ref().clone();
        let (lo, hi, integer) = match base {
            Base::Scenario { .. } => {
                let i = params::index_of(&path).ok_or_else(|| {
                    let names = params::registry().iter().map(|s| s.path.as_str());
                    let hint = did_you_mean(closest(&path, names, 0.8));
                    self.bad(
                        p.path.span(),
                        "path",
                        &format!(
                            "unknown parameter `{path}`{hint} (`partnersim params` lists them)"
                        ),
                    )
                })?;
                let spec = &params::registry()[i];
                match spec.kind {
                    Kind::Float => (spec.min, spec.max, false),
                    Kind::Int => (spec.min, spec.max, true),
                    Kind::Bool | Kind::Choice(_) => {
                        return Err(self.bad(
                            p.path.span(),
                            "path",
                            &format!(
                                "`{path}` is a {}; priors are over numbers",
                                if spec.kind == Kind::Bool {
                                    "switch"
                                } else {
                                    "choice"
                                }
                            ),
                        ))
                    }
                }
            }
            Base::Analytic(a) => {
                if path != "theta" {
                    return Err(self.bad(
                        p.path.span(),
                        "path",
                        &format!("the `{}` test model has one parameter, `theta`", a.name()),
                    ));
                }
                let (lo, hi) = a.theta_range();
                (lo, hi, false)
            }
        };
        let kind_word = p.kind.as_ref().map_or("uniform", |k| k.get_ref().as_str());
        let kind_span = p.kind.as_ref().map_or(p.path.span(), |k| k.span());
        let bound =
            |v: &Option<Spanned<f64>>, key: &str, default: f64| -> Result<f64, InputError> {
                match v {
                    None => Ok(default),
                    Some(x) => {
                        let allowed = format!("{} to {}", params::fmt_num(lo), params::fmt_num(hi));
                        if !x.get_ref().is_finite() || *x.get_ref() < lo || *x.get_ref() > hi {
                            return Err(self.bad(
                                x.span(),
                                key,
                                &format!(
                                    "{} is outside the range of `{path}`; allowed: {allowed}",
                                    x.get_ref()
                                ),
                            ));
                        }
                        Ok(*x.get_ref())
                    }
                }
            };
        let min = bound(&p.min, "min", lo)?;
        let max = bound(&p.max, "max", hi)?;
        let span = p
            .max
            .as_ref()
            .or(p.min.as_ref())
            .map_or(p.path.span(), |s| s.span());
        if min >= max {
            return Err(self.bad(
                span,
                "max",
                &format!(
                    "the prior of `{path}` is empty: min {} is not below max {}",
                    params::fmt_num(min),
                    params::fmt_num(max)
                ),
            ));
        }
        if !max.is_finite() || !min.is_finite() || (max - min) > 1e12 {
            return Err(self.bad(
                span,
                "max",
                &format!("the prior of `{path}` needs finite `min` and `max`"),
            ));
        }
        let unused = |keys: &[(&str, &Option<Spanned<f64>>)]| -> Result<(), InputError> {
            for (k, v) in keys {
                if let Some(v) = v {
                    return Err(self.bad(
                        v.span(),
                        k,
                        &format!("not a parameter of a `{kind_word}` prior"),
                    ));
                }
            }
            Ok(())
        };
        let kind = match kind_word {
            "uniform" => {
                unused(&[("mean", &p.mean), ("sd", &p.sd), ("a", &p.a), ("b", &p.b)])?;
                if integer {
                    return Err(self.bad(kind_span, "kind", &format!("`{path}` is a whole number: use `kind = \"integer\"`")));
                }
                PriorKind::Uniform
            }
            "log_uniform" => {
                unused(&[("mean", &p.mean), ("sd", &p.sd), ("a", &p.a), ("b", &p.b)])?;
                if integer {
                    return Err(self.bad(kind_span, "kind", &format!("`{path}` is a whole number: use `kind = \"integer\"`")));
                }
                if min <= 0.0 {
                    return Err(self.bad(span, "min", "a `log_uniform` prior needs min > 0"));
                }
                PriorKind::LogUniform
            }
            "integer" => {
                unused(&[("mean", &p.mean), ("sd", &p.sd), ("a", &p.a), ("b", &p.b)])?;
                if min.fract() != 0.0 || max.fract() != 0.0 {
                    return Err(self.bad(span, "min", "an `integer` prior needs whole-number bounds"));
                }
                PriorKind::Integer
            }
            "normal" => {
                unused(&[("a", &p.a), ("b", &p.b)])?;
                if integer {
                    return Err(self.bad(kind_span, "kind", &format!("`{path}` is a whole number: use `kind = \"integer\"`")));
                }
                let mean = p.mean.as_ref().ok_or_else(|| self.bad(kind_span.clone(), "mean", "a `normal` prior needs `mean` and `sd`"))?;
                let sd = p.sd.as_ref().ok_or_else(|| self.bad(kind_span.clone(), "sd", "a `normal` prior needs `mean` and `sd`"))?;
                let sdv = self.range(sd, "sd", f64::MIN_POSITIVE, f64::MAX)?;
                if !mean.get_ref().is_finite() {
                    return Err(self.bad(mean.span(), "mean", "must be a finite number"));
                }
                PriorKind::Normal { mean: *mean.get_ref(), sd: sdv }
            }
            "beta" => {
                unused(&[("mean", &p.mean), ("sd", &p.sd)])?;
                if integer {
                    return Err(self.bad(kind_span, "kind", &format!("`{path}` is a whole number: use `kind = \"integer\"`")));
                }
                let a = p.a.as_ref().ok_or_else(|| self.bad(kind_span.clone(), "a", "a `beta` prior needs shapes `a` and `b`"))?;
                let b = p.b.as_ref().ok_or_else(|| self.bad(kind_span.clone(), "b", "a `beta` prior needs shapes `a` and `b`"))?;
                PriorKind::Beta {
                    a: self.range(a, "a", 0.01, 1e6)?,
                    b: self.range(b, "b", 0.01, 1e6)?,
                }
            }
            other => {
                return Err(self.bad(
                    kind_span,
                    "kind",
                    &format!(
                        "unknown prior `{other}`{}; allowed: uniform | log_uniform | integer | normal | beta",
                        tomlfile::hint(other, &["uniform", "log_uniform", "integer", "normal", "beta"])
                    ),
                ))
            }
        };
        Ok(Prior {
            path,
            kind,
            min,
            max,
        })
    }
}

/// The key reference of a calibration file as Markdown tables (docs/calibration.md holds it; a
/// test checks they agree).
pub fn keys_markdown() -> String {
    let mut s = String::new();
    for (title, keys) in [
        ("top level", TOP_KEYS),
        ("`[[target]]`", TARGET_KEYS),
        ("`[[prior]]`", PRIOR_KEYS),
    ] {
        s.push_str(&format!("| key ({title}) | meaning |\n|---|---|\n"));
        for (k, m) in keys {
            s.push_str(&format!("| `{k}` | {m} |\n"));
        }
        s.push('\n');
    }
    s
}
