//! Explore files: TOML in, a validated [`ExploreSpec`] out.
//!
//! An explore file names the regimes (scenario files, or levers set on a base scenario), the
//! uncertainties (parameter paths with ranges and distributions), the number of states of the
//! world and replications, the outcomes with their direction and optional thresholds, the cases
//! PRIM looks for, and a seed. Every problem is an [`InputError`] that names the file, line,
//! column and key and says what is allowed (`docs/explore.md` lists every key, generated from
//! [`keys`]).

mod discover;
pub mod keys;
mod regimes;
mod uncertainties;

use super::prim::Settings;
use super::states::Uncertainty;
use crate::input::scenario::Scenario;
use crate::input::tomlfile::{self, did_you_mean, InputFile, Source};
use crate::input::InputError;
use crate::input::Reader;
use crate::metrics::{self, Better};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// Sizes an explore file may ask for.
pub mod limits {
    /// Fewest states of the world (PRIM and quantiles need some).
    pub const MIN_STATES: u64 = 10;
    /// Most states of the world.
    pub const MAX_STATES: u64 = 100_000;
    /// Default number of states.
    pub const DEFAULT_STATES: u64 = 200;
    /// Most replications per state.
    pub const MAX_REPS: u64 = 10_000;
    /// Default replications per state.
    pub const DEFAULT_REPS: u64 = 20;
    /// Default seed.
    pub const DEFAULT_SEED: u64 = 1;
    /// Most bootstrap resamples.
    pub const MAX_BOOTSTRAP: u64 = 10_000;
    /// Default bootstrap resamples.
    pub const DEFAULT_BOOTSTRAP: u64 = 500;
    /// Fewest regimes (regret needs two).
    pub const MIN_REGIMES: usize = 2;
    /// Most regimes.
    pub const MAX_REGIMES: usize = 32;
    /// Most uncertainties.
    pub const MAX_UNCERTAINTIES: usize = 64;
    /// Most outcomes.
    pub const MAX_OUTCOMES: usize = 16;
    /// Most `[[discover]]` entries.
    pub const MAX_DISCOVER: usize = 32;
    /// Most permutations of a PRIM significance test.
    pub const MAX_PERMUTATIONS: u64 = 10_000;
}
use limits::*;

/// A funding regime: a scenario (a file, or the base scenario) with optional levers set on it.
#[derive(Debug, Clone)]
pub struct Regime {
    /// name (letters, digits, `_ - . +`)
    pub name: String,
    /// one line for the report
    pub description: String,
    /// the resolved scenario (levers applied), before any uncertainty is set
    pub scenario: Scenario,
    /// the scenario file it starts from, as written (relative to the explore file)
    pub file: String,
    /// the levers (`set`), as `path = value` texts
    pub set: Vec<String>,
}

/// Whether more or less of an outcome is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// more is better
    Maximize,
    /// less is better
    Minimize,
}

impl Direction {
    /// `maximize` or `minimize`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Maximize => "maximize",
            Direction::Minimize => "minimize",
        }
    }

    /// How much worse `v` is than `best` (≥ 0 when `best` is the best).
    pub fn shortfall(self, best: f64, v: f64) -> f64 {
        match self {
            Direction::Maximize => best - v,
            Direction::Minimize => v - best,
        }
    }

    /// Whether `a` is better than `b`.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Maximize => a > b,
            Direction::Minimize => a < b,
        }
    }

    /// Whether `v` meets the threshold `t`.
    pub fn meets(self, v: f64, t: f64) -> bool {
        match self {
            Direction::Maximize => v >= t,
            Direction::Minimize => v <= t,
        }
    }
}

/// An outcome the regimes are judged on.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// metric name
    pub metric: String,
    /// its index in the metric catalogue
    pub index: usize,
    /// more or less is better
    pub direction: Direction,
    /// satisficing threshold, if any
    pub threshold: Option<f64>,
}

impl Outcome {
    /// `survival_rate ≥ 0.9` (or `≤` when minimized).
    pub fn threshold_text(&self) -> Option<String> {
        self.threshold.map(|t| {
            let op = match self.direction {
                Direction::Maximize => "≥",
                Direction::Minimize => "≤",
            };
            format!("{} {op} {t}", self.metric)
        })
    }
}

/// What makes a state a case for PRIM.
#[derive(Debug, Clone, PartialEq)]
pub enum Case {
    /// the regime misses at least one threshold
    Fails,
    /// the regime's outcome is below a value
    Below {
        /// outcome index (in the explore file's outcomes)
        outcome: usize,
        /// the value
        value: f64,
    },
    /// the regime's outcome is above a value
    Above {
        /// outcome index
        outcome: usize,
        /// the value
        value: f64,
    },
    /// the regime does worse than another by more than a margin
    WorseThan {
        /// outcome index
        outcome: usize,
        /// the other regime's index
        other: usize,
        /// the margin
        by: f64,
    },
}

/// A scenario-discovery question: the states where a regime is a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Discover {
    /// name (letters, digits, `_ - .`)
    pub name: String,
    /// the regime's index
    pub regime: usize,
    /// what makes a state a case
    pub case: Case,
    /// PRIM settings
    pub prim: Settings,
}

/// A validated explore file.
#[derive(Debug, Clone)]
pub struct ExploreSpec {
    /// the file
    pub file: PathBuf,
    /// `name`, else the file stem
    pub name: String,
    /// `description`
    pub description: String,
    /// SHA-256 of the file's bytes (hex)
    pub file_hash: String,
    /// the regimes, in file order
    pub regimes: Vec<Regime>,
    /// the uncertainties, in file order
    pub uncertainties: Vec<Uncertainty>,
    /// states of the world
    pub states: usize,
    /// replications per regime and state
    pub reps_per_state: usize,
    /// master seed
    pub seed: u64,
    /// bootstrap resamples
    pub bootstrap: usize,
    /// where the regimes start in each state (from the first regime's present, or each from
    /// its own warm-up)
    pub start: crate::studies::compare::start::Start,
    /// the outcomes, in file order
    pub outcomes: Vec<Outcome>,
    /// the scenario-discovery questions
    pub discover: Vec<Discover>,
}

impl ExploreSpec {
    /// What the exploration of `states` states asks of the work budget
    /// ([`crate::job::budget`]): states × regimes × replications model runs, and every run's
    /// outcome values held at once.
    pub fn estimate(&self, states: usize) -> crate::job::budget::Estimate {
        let per_run = self
            .regimes
            .iter()
            .map(|r| crate::job::budget::iso_months_per_run(&r.scenario))
            .fold(1.0, f64::max);
        let runs = states as f64 * self.regimes.len() as f64 * self.reps_per_state as f64;
        crate::job::budget::Estimate {
            command: "explore".into(),
            how: format!(
                "{states} states x {} regimes x {} replications",
                self.regimes.len(),
                self.reps_per_state
            ),
            runs,
            iso_months_per_run: per_run,
            bytes: runs * self.outcomes.len().max(1) as f64 * 8.0 * 2.0,
        }
    }

    /// Loads and validates an explore file (and the scenario files it names, relative to it).
    pub fn load(path: &Path) -> Result<ExploreSpec, InputError> {
        let f = InputFile::read(path)?;
        let mut s = Self::parse(&f.file, &f.text, &f.dir)?;
        s.file = path.to_path_buf();
        if s.name.is_empty() {
            s.name = f.stem.unwrap_or_else(|| "explore".into());
        }
        Ok(s)
    }

    /// Parses an explore file from text as if from a file named `file` in directory `dir`.
    pub fn parse(file: &str, text: &str, dir: &Path) -> Result<ExploreSpec, InputError> {
        let r = Reader::new(Source { file, text });
        let doc = r.parse()?;
        let top: &DeTable<'_> = doc.get_ref();
        other_kind(file, top)?;
        r.check_keys(top, &keys::names(&keys::top()), "")?;
        let text_of = |k: &str| {
            top.get(k)
                .map(|v| r.string(k, v, "a string in quotes"))
                .transpose()
        };
        let name = text_of("name")?.unwrap_or_default();
        let description = text_of("description")?.unwrap_or_default();
        let count = |k: &str, lo: u64, hi: u64, default: u64| {
            top.get(k).map_or(Ok(default), |v| r.whole(k, v, lo, hi))
        };
        let states = count("states", MIN_STATES, MAX_STATES, DEFAULT_STATES)? as usize;
        let reps_per_state = count("reps_per_state", 1, MAX_REPS, DEFAULT_REPS)? as usize;
        let seed = count("seed", 0, i64::MAX as u64, DEFAULT_SEED)?;
        let bootstrap = count("bootstrap", 0, MAX_BOOTSTRAP, DEFAULT_BOOTSTRAP)? as usize;
        let start = match top.get("start") {
            None => crate::studies::compare::start::Start::Present,
            Some(v) => {
                let t = r.string("start", v, "a string in quotes")?;
                crate::studies::compare::start::Start::parse(&t, "start").map_err(|e| {
                    r.bad(
                        "start",
                        v,
                        e.0,
                        "`start = \"present\"` or `start = \"steady\"`",
                    )
                })?
            }
        };

        let base = match top.get("scenario") {
            Some(v) => {
                let rel = r.string("scenario", v, "a string in quotes")?;
                Some((
                    load_scenario(&r, v.span(), dir, &rel, "base scenario")?,
                    rel,
                ))
            }
            None => None,
        };
        let regimes = regimes::regimes(&r, top, dir, base.as_ref())?;
        let uncertainties = uncertainties::uncertainties(&r, top, &regimes)?;
        let outcomes = outcomes(&r, top)?;
        let defaults = match top.get("prim") {
            Some(v) => discover::prim_table(&r, v)?,
            None => Settings::default(),
        };
        let discover = discover::discover(&r, top, &regimes, &outcomes, defaults)?;

        Ok(ExploreSpec {
            file: PathBuf::from(file),
            name,
            description,
            file_hash: Sha256::digest(text.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            regimes,
            uncertainties,
            states,
            reps_per_state,
            seed,
            bootstrap,
            start,
            outcomes,
            discover,
        })
    }

    /// Model runs: states × regimes × replications.
    pub fn runs(&self) -> u64 {
        (self.states * self.regimes.len() * self.reps_per_state) as u64
    }

    /// The index of a regime by name.
    pub fn regime(&self, name: &str) -> Option<usize> {
        self.regimes.iter().position(|r| r.name == name)
    }
}

/// Refuses a scenario or sweep file given where an explore file was expected.
fn other_kind(file: &str, top: &DeTable<'_>) -> Result<(), InputError> {
    let has = |k: &str| top.get(k).is_some();
    let kind = if has("method") || has("parameters") || has("reps_per_point") {
        Some((
            "a sweep file",
            format!("run it with `partnersim sweep {file}`"),
        ))
    } else if has("extends")
        || top.iter().any(|(k, _)| {
            let key: &str = k.get_ref();
            !keys::names(&keys::top()).contains(&key)
                && crate::params::registry()
                    .iter()
                    .any(|p| p.path.split('.').next() == Some(key))
        })
    {
        Some((
            "a scenario file",
            format!("run it with `partnersim run {file}`, or name it as a regime's `scenario`"),
        ))
    } else {
        None
    };
    match kind {
        Some((kind, hint)) => Err(InputError::File {
            file: file.into(),
            msg: format!("this is {kind}, not an explore file ({hint})"),
        }),
        None => Ok(()),
    }
}

/// Loads the scenario file `rel` (relative to `dir`), named at `span`.
fn load_scenario(
    r: &Reader<'_>,
    span: std::ops::Range<usize>,
    dir: &Path,
    rel: &str,
    what: &str,
) -> Result<Scenario, InputError> {
    Scenario::load(&dir.join(rel)).map_err(|e| e.within(r.file, r.at(span), what))
}

/// `[[outcomes]]`.
fn outcomes(r: &Reader<'_>, top: &DeTable<'_>) -> Result<Vec<Outcome>, InputError> {
    let Some(v) = top.get("outcomes") else {
        return Err(r.missing(
            0..0,
            "outcomes",
            "add one [[outcomes]] table per outcome the regimes are judged on (metric, direction, threshold)",
        ));
    };
    let tables = r.tables("outcomes", v)?;
    if tables.is_empty() || tables.len() > MAX_OUTCOMES {
        return Err(r.bad(
            "outcomes",
            v,
            format!("{} outcomes", tables.len()),
            format!("1 to {MAX_OUTCOMES} [[outcomes]] tables"),
        ));
    }
    let names = keys::names(&keys::outcome());
    let mut out: Vec<Outcome> = Vec::new();
    for (t, span) in tables {
        r.check_keys(t, &names, "outcomes.")?;
        let Some(mv) = t.get("metric") else {
            return Err(r.missing(
                span,
                "metric",
                "every [[outcomes]] entry names a metric (`partnersim metrics`)",
            ));
        };
        let metric = r.string("metric", mv, "a string in quotes")?;
        let Some(index) = metrics::metric_index(&metric) else {
            let hint = did_you_mean(tomlfile::closest(
                &metric,
                metrics::METRICS.iter().map(|m| m.name),
                0.8,
            ));
            return Err(r.bad(
                "metric",
                mv,
                format!("unknown metric{hint}"),
                "a metric from `partnersim metrics`",
            ));
        };
        if out.iter().any(|o| o.metric == metric) {
            return Err(r.bad(
                "metric",
                mv,
                "this outcome is already listed",
                "each metric once",
            ));
        }
        let spec = &metrics::METRICS[index];
        let direction = match t.get("direction") {
            Some(dv) => match r.string("direction", dv, "a string in quotes")?.as_str() {
                "maximize" | "maximise" => Direction::Maximize,
                "minimize" | "minimise" => Direction::Minimize,
                other => {
                    return Err(r.bad(
                        "direction",
                        dv,
                        format!(
                            "unknown direction \"{other}\"{}",
                            tomlfile::hint(other, &["maximize", "minimize"])
                        ),
                        "\"maximize\" | \"minimize\"",
                    ))
                }
            },
            None => match spec.better {
                Better::Higher => Direction::Maximize,
                Better::Lower => Direction::Minimize,
                Better::Neither => {
                    return Err(r.missing(
                        span,
                        "direction",
                        format!("`{metric}` is better neither higher nor lower: say \"maximize\" or \"minimize\""),
                    ))
                }
            },
        };
        let threshold = t
            .get("threshold")
            .map(|v| r.number_in("threshold", v, f64::MIN, f64::MAX, "a finite number"))
            .transpose()?;
        out.push(Outcome {
            metric,
            index,
            direction,
            threshold,
        });
    }
    Ok(out)
}
/// A name that can be a CSV cell and part of a file name: letters, digits and `_ - . +`.
pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+'))
}
