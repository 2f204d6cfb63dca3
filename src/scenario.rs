//! Scenario files: TOML in, a validated, fully resolved [`Scenario`] out.
//!
//! A scenario file holds only what differs from the defaults of
//! [`crate::params`]. Top-level keys `name` and `description` describe it;
//! `extends = "other.toml"` (relative to the file) starts from another
//! scenario instead of the defaults. Every other key is a parameter path,
//! written as nested tables (`[funders.federal] contract_months = 36`) or
//! dotted keys. Unknown keys, wrong types and out-of-range values are errors
//! that name the file, line, column, key and allowed range.

// Scenario errors carry the file, position, key, value and range for the message; they are
// returned once per invalid file, so their size does not matter.
#![allow(clippy::result_large_err)]

use crate::params::{self, check_value, registry, RawValue, ValueProblem, Values};
use crate::tomlfile::{self, did_you_mean, Source};
pub use crate::tomlfile::{line_col, FileError};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// A scenario error, always pointing at where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file cannot be read, is not TOML, or has a key that is not a parameter.
    #[error(transparent)]
    File(#[from] FileError),
    /// A value of the wrong type or out of range.
    #[error("{file}:{line}:{col}: `{key}` = {value}: {problem}; allowed: {range} ({unit})")]
    BadValue {
        /// file
        file: String,
        /// line
        line: usize,
        /// column
        col: usize,
        /// the key path
        key: String,
        /// the value as written
        value: String,
        /// what is wrong
        problem: String,
        /// allowed range
        range: String,
        /// unit
        unit: String,
    },
    /// `extends` chain problems.
    #[error("{file}: {msg}")]
    Extends {
        /// file
        file: String,
        /// message
        msg: String,
    },
    /// A `--set KEY=VALUE` override problem.
    #[error("--set {text}: {msg}")]
    Override {
        /// the override as typed
        text: String,
        /// message
        msg: String,
    },
    /// A sweep file where a scenario file was expected.
    #[error("{file}: this is a sweep file (it has `{key}`), not a scenario file; run it with `partnersim sweep {file}`")]
    SweepFile {
        /// file
        file: String,
        /// the sweep key found
        key: String,
    },
    /// Values that are each in range but contradict each other.
    #[error("{file}: {msg}")]
    Inconsistent {
        /// file (or "scenario")
        file: String,
        /// message
        msg: String,
    },
}

/// A validated scenario: a name, a description and a full set of values.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name (from `name`, else the file stem).
    pub name: String,
    /// One-paragraph description (from `description`, else the file's leading comment).
    pub description: String,
    /// Every parameter value, defaults filled in.
    pub values: Values,
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "defaults".into(),
            description: "All parameters at their defaults.".into(),
            values: Values::default(),
            source: None,
        }
    }
}

fn leading_comment(text: &str) -> String {
    let mut out = Vec::new();
    for l in text.lines() {
        let t = l.trim();
        if let Some(c) = t.strip_prefix('#') {
            out.push(c.trim().to_string());
        } else if t.is_empty() && out.is_empty() {
            continue;
        } else {
            break;
        }
    }
    out.join(" ").trim().to_string()
}

fn raw_of(v: &DeValue<'_>) -> Option<RawValue> {
    match v {
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            i64::from_str_radix(
                digits
                    .trim_start_matches("0x")
                    .trim_start_matches("0o")
                    .trim_start_matches("0b"),
                i.radix(),
            )
            .ok()
            .map(RawValue::Int)
            .or(Some(RawValue::Float(f64::INFINITY)))
        }
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .map(RawValue::Float),
        DeValue::Boolean(b) => Some(RawValue::Bool(*b)),
        DeValue::String(s) => Some(RawValue::Str(s.to_string())),
        _ => None,
    }
}

fn problem_text(p: &ValueProblem) -> String {
    match p {
        ValueProblem::WrongType { expected, found } => {
            format!("expected {expected}, found {found}")
        }
        ValueProblem::OutOfRange { value } => format!("{value} is out of range"),
        ValueProblem::UnknownChoice { value } => format!("\"{value}\" is not an allowed word"),
    }
}

/// Header keys that are not parameters.
const HEADER_KEYS: [&str; 3] = ["name", "description", "extends"];

/// Top-level keys only a sweep file has: a scenario file holding one is a sweep file.
const SWEEP_KEYS: [&str; 6] = [
    "method",
    "parameters",
    "samples",
    "reps_per_point",
    "outputs",
    "model",
];

fn refuse_sweep_file(ctx: &Source<'_>, table: &DeTable<'_>) -> Result<(), ScenarioError> {
    match SWEEP_KEYS.iter().find(|k| table.get(**k).is_some()) {
        Some(k) => Err(ScenarioError::SweepFile {
            file: ctx.file.into(),
            key: (*k).into(),
        }),
        None => Ok(()),
    }
}

fn walk(
    ctx: &Source<'_>,
    table: &DeTable<'_>,
    prefix: &str,
    values: &mut Values,
    set: &mut Vec<String>,
) -> Result<(), ScenarioError> {
    for (k, v) in table.iter() {
        let key: &str = k.get_ref();
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        if prefix.is_empty() && HEADER_KEYS.contains(&key) {
            continue;
        }
        match v.get_ref() {
            DeValue::Table(t) => walk(ctx, t, &path, values, set)?,
            other => {
                let Some(i) = params::index_of(&path) else {
                    let hint = did_you_mean(params::suggest(&path));
                    return Err(ctx.unknown_key(k.span(), path, hint).into());
                };
                let spec = &registry()[i];
                let (line, col) = ctx.at(v.span());
                let bad = |problem: String| ScenarioError::BadValue {
                    file: ctx.file.into(),
                    line,
                    col,
                    key: path.clone(),
                    value: ctx.written(v.span()),
                    problem,
                    range: spec.range_text(),
                    unit: spec.unit.into(),
                };
                let raw = raw_of(other)
                    .ok_or_else(|| bad(format!("a {} is not allowed here", other.type_str())))?;
                let x = check_value(spec, &raw).map_err(|p| bad(problem_text(&p)))?;
                values.set_index(i, x);
                set.push(path);
            }
        }
    }
    Ok(())
}

fn header_str(
    ctx: &Source<'_>,
    table: &DeTable<'_>,
    key: &str,
) -> Result<Option<String>, ScenarioError> {
    let Some(v) = table.get(key) else {
        return Ok(None);
    };
    match v.get_ref() {
        DeValue::String(s) => Ok(Some(s.to_string())),
        other => {
            let (line, col) = ctx.at(v.span());
            Err(ScenarioError::BadValue {
                file: ctx.file.into(),
                line,
                col,
                key: key.into(),
                value: ctx.written(v.span()),
                problem: format!("expected a string, found {}", other.type_str()),
                range: "any text".into(),
                unit: "text".into(),
            })
        }
    }
}

impl Scenario {
    /// Loads and validates a scenario file (following `extends`).
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        Self::load_chain(path, &mut Vec::new())
    }

    fn load_chain(path: &Path, seen: &mut Vec<PathBuf>) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if seen.contains(&canon) {
            return Err(ScenarioError::Extends {
                file,
                msg: "`extends` forms a cycle".into(),
            });
        }
        if seen.len() >= 16 {
            return Err(ScenarioError::Extends {
                file,
                msg: "`extends` chain deeper than 16 files".into(),
            });
        }
        seen.push(canon);
        let text = tomlfile::read(path, &file)?;
        let ctx = Source {
            file: &file,
            text: &text,
        };
        let doc = ctx.parse()?;
        let table: &DeTable<'_> = doc.get_ref();
        refuse_sweep_file(&ctx, table)?;
        let base = match header_str(&ctx, table, "extends")? {
            Some(rel) => {
                let parent = path.parent().unwrap_or(Path::new("."));
                Some(Self::load_chain(&parent.join(rel), seen)?)
            }
            None => None,
        };
        let mut values = base
            .as_ref()
            .map_or_else(Values::default, |b| b.values.clone());
        walk(&ctx, table, "", &mut values, &mut Vec::new())?;
        let name = header_str(&ctx, table, "name")?.unwrap_or_else(|| {
            path.file_stem()
                .map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
        });
        let description =
            header_str(&ctx, table, "description")?.unwrap_or_else(|| leading_comment(&text));
        let s = Scenario {
            name,
            description,
            values,
            source: Some(path.to_path_buf()),
        };
        s.check_consistency()?;
        Ok(s)
    }

    /// Parses a scenario from text (as if from a file named `file`), without `extends`.
    pub fn from_str(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let ctx = Source { file, text };
        let doc = ctx.parse()?;
        let table: &DeTable<'_> = doc.get_ref();
        refuse_sweep_file(&ctx, table)?;
        if let Some(v) = table.get("extends") {
            return Err(ctx
                .syntax(v.span(), "`extends` needs a file on disk")
                .into());
        }
        let mut values = Values::default();
        walk(&ctx, table, "", &mut values, &mut Vec::new())?;
        let name = header_str(&ctx, table, "name")?.unwrap_or_else(|| "scenario".into());
        let description =
            header_str(&ctx, table, "description")?.unwrap_or_else(|| leading_comment(text));
        let s = Scenario {
            name,
            description,
            values,
            source: None,
        };
        s.check_consistency()?;
        Ok(s)
    }

    /// Applies a `--set path=value` override, validated like a value in a file.
    pub fn apply_override(&mut self, text: &str) -> Result<(), ScenarioError> {
        let err = |msg: String| ScenarioError::Override {
            text: text.into(),
            msg,
        };
        let (path, value) = text
            .split_once('=')
            .ok_or_else(|| err("expected KEY=VALUE".into()))?;
        let path = path.trim();
        let Some(i) = params::index_of(path) else {
            let hint = did_you_mean(params::suggest(path));
            return Err(err(format!("unknown key `{path}`{hint}")));
        };
        let spec = &registry()[i];
        let x = check_value(spec, &RawValue::parse_cli(value)).map_err(|p| {
            err(format!(
                "{}; allowed: {} ({})",
                problem_text(&p),
                spec.range_text(),
                spec.unit
            ))
        })?;
        self.values.set_index(i, x);
        self.check_consistency()
    }

    /// Applies `--set` overrides. With any, the scenario is a variant and says so: it takes the
    /// name `name` if given, else one derived from its base and the overrides
    /// (`baseline+federal.contract_months=36`), and its description lists the overrides.
    pub fn with_overrides(
        mut self,
        sets: &[String],
        name: Option<&str>,
    ) -> Result<Scenario, ScenarioError> {
        let mut shown = Vec::new();
        for o in sets {
            self.apply_override(o)?;
            if let Some(i) = o
                .split_once('=')
                .and_then(|(k, _)| params::index_of(k.trim()))
            {
                let spec = &registry()[i];
                shown.push((spec.path.clone(), spec.value_text(self.values.0[i])));
            }
        }
        if let Some(n) = name {
            self.name = n.to_string();
        } else if !shown.is_empty() {
            let short: Vec<String> = shown
                .iter()
                .map(|(path, v)| {
                    let tail: Vec<&str> = path.rsplitn(3, '.').take(2).collect();
                    format!("{}.{}={v}", tail[tail.len() - 1], tail[0])
                })
                .collect();
            let derived = format!("{}+{}", self.name, short.join("+"));
            self.name = if derived.chars().count() <= 64 {
                derived
            } else {
                format!(
                    "{}+{}_overrides_{}",
                    self.name,
                    shown.len(),
                    &self.content_hash()[..8]
                )
            };
        }
        if !shown.is_empty() {
            let list: Vec<String> = shown.iter().map(|(p, v)| format!("{p}={v}")).collect();
            let sep = if self.description.is_empty() { "" } else { " " };
            self.description = format!(
                "{}{sep}Overrides (--set): {}.",
                self.description,
                list.join(", ")
            );
        }
        Ok(self)
    }

    /// Every parameter, resolved, as a JSON object keyed by path (for manifests).
    pub fn resolved_json(&self) -> serde_json::Map<String, serde_json::Value> {
        use params::Kind;
        let mut m = serde_json::Map::new();
        for (p, v) in registry().iter().zip(&self.values.0) {
            let j = match p.kind {
                Kind::Bool => serde_json::Value::Bool(*v != 0.0),
                Kind::Choice(w) => serde_json::Value::String(
                    w.get(*v as usize).copied().unwrap_or("?").to_string(),
                ),
                Kind::Int => serde_json::Value::from(*v as i64),
                Kind::Float => serde_json::Value::from(*v),
            };
            m.insert(p.path.clone(), j);
        }
        m
    }

    /// Sets a value by path without the file context (used by sweeps); checks range.
    pub fn set_value(&mut self, path: &str, v: f64) -> Result<(), ScenarioError> {
        let err = |msg: String| ScenarioError::Override {
            text: format!("{path}={v}"),
            msg,
        };
        let i = params::index_of(path).ok_or_else(|| err(format!("unknown key `{path}`")))?;
        let spec = &registry()[i];
        let raw = match spec.kind {
            params::Kind::Int | params::Kind::Bool | params::Kind::Choice(_) => {
                if v.fract() != 0.0 {
                    return Err(err("expected a whole number".into()));
                }
                RawValue::Float(v)
            }
            params::Kind::Float => RawValue::Float(v),
        };
        let x = match spec.kind {
            params::Kind::Bool | params::Kind::Choice(_) if v >= spec.min && v <= spec.max => v,
            _ => check_value(spec, &raw).map_err(|p| {
                err(format!(
                    "{}; allowed: {}",
                    problem_text(&p),
                    spec.range_text()
                ))
            })?,
        };
        self.values.set_index(i, x);
        Ok(())
    }

    /// Checks values that are each in range but must agree with each other
    /// (e.g. a late-payment minimum above its maximum).
    pub fn check_consistency(&self) -> Result<(), ScenarioError> {
        let file = self
            .source
            .as_ref()
            .map_or("scenario".to_string(), |p| p.display().to_string());
        let v = &self.values;
        for f in params::FUNDERS {
            let lo = v.get(&format!("funders.{f}.late_payment_days_min"));
            let hi = v.get(&format!("funders.{f}.late_payment_days_max"));
            if lo > hi {
                return Err(ScenarioError::Inconsistent {
                    file,
                    msg: format!("funders.{f}.late_payment_days_min ({lo}) is larger than late_payment_days_max ({hi})"),
                });
            }
        }
        Ok(())
    }

    /// SHA-256 of the resolved values (hex), independent of file layout and comments.
    pub fn content_hash(&self) -> String {
        let mut h = Sha256::new();
        for (s, v) in registry().iter().zip(&self.values.0) {
            h.update(s.path.as_bytes());
            h.update(b"=");
            h.update(v.to_bits().to_le_bytes());
            h.update(b"\n");
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The fully resolved scenario as TOML text (every parameter, grouped by table).
    pub fn resolved_toml(&self) -> String {
        let mut out = format!(
            "name = {:?}\ndescription = {:?}\n",
            self.name, self.description
        );
        let mut current = String::new();
        for (s, v) in registry().iter().zip(&self.values.0) {
            let (table, key) = s.path.rsplit_once('.').unwrap_or(("", &s.path));
            if table != current {
                out.push_str(&format!("\n[{table}]\n"));
                current = table.to_string();
            }
            out.push_str(&format!("{key} = {}  # {}\n", s.value_text(*v), s.unit));
        }
        out
    }

    /// Paths (with both values) where this scenario differs from `base`.
    pub fn differences_from(&self, base: &Scenario) -> Vec<(String, String, String)> {
        self.values
            .differences(&base.values)
            .into_iter()
            .map(|i| {
                let s = &registry()[i];
                (
                    s.path.clone(),
                    s.value_text(base.values.0[i]),
                    s.value_text(self.values.0[i]),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let s = Scenario::from_str("x.toml", "").unwrap();
        assert_eq!(s.values, Values::default());
    }

    #[test]
    fn nested_and_dotted_keys() {
        let s = Scenario::from_str("x.toml", "name = \"a\"\n[funders.federal]\ncontract_months = 36\n[funders]\nprovincial.core_share = 0.5\n").unwrap();
        assert_eq!(s.values.get("funders.federal.contract_months"), 36.0);
        assert_eq!(s.values.get("funders.provincial.core_share"), 0.5);
        assert_eq!(s.name, "a");
    }

    #[test]
    fn unknown_key_points_at_line_and_suggests() {
        let e = Scenario::from_str("x.toml", "# c\n[funders.federal]\ncontract_month = 36\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.toml:3:1"), "{e}");
        assert!(
            e.contains("did you mean `funders.federal.contract_months`"),
            "{e}"
        );
    }

    #[test]
    fn out_of_range_names_range() {
        let e = Scenario::from_str("x.toml", "[iso]\nholistic_share = 1.5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.toml:2:18"), "{e}");
        assert!(
            e.contains("iso.holistic_share") && e.contains("0 to 1"),
            "{e}"
        );
    }

    #[test]
    fn wrong_type_and_syntax() {
        let e = Scenario::from_str("x.toml", "[iso]\nholistic_share = \"lots\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a number"), "{e}");
        let e = Scenario::from_str("x.toml", "[iso\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.toml:1:"), "{e}");
        let e = Scenario::from_str("x.toml", "[iso]\nholistic_share = nan\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("out of range"), "{e}");
    }

    #[test]
    fn override_validates() {
        let mut s = Scenario::default();
        s.apply_override("funders.federal.contract_months=36")
            .unwrap();
        assert_eq!(s.values.get("funders.federal.contract_months"), 36.0);
        assert!(s
            .apply_override("funders.federal.contract_months=0")
            .is_err());
        assert!(s.apply_override("funders.federal.measure=outcome").is_ok());
        assert!(s.apply_override("nope=1").is_err());
    }

    #[test]
    fn overrides_make_a_named_variant() {
        let base = Scenario::from_str("b.toml", "name = \"baseline\"\n# Today.\n").unwrap();
        let v = base
            .clone()
            .with_overrides(&["funders.federal.contract_months=36".into()], None)
            .unwrap();
        assert_eq!(v.name, "baseline+federal.contract_months=36");
        assert!(
            v.description
                .ends_with("Overrides (--set): funders.federal.contract_months=36."),
            "{}",
            v.description
        );
        let named = base
            .clone()
            .with_overrides(&["iso.holistic_share=0.5".into()], Some("holistic"))
            .unwrap();
        assert_eq!(named.name, "holistic");
        let same = base.clone().with_overrides(&[], None).unwrap();
        assert_eq!((same.name, same.description), (base.name, base.description));
        let many: Vec<String> = [
            "funders.federal.contract_months=36",
            "funders.federal.core_share=0.3",
            "funders.federal.late_payment_probability=0",
            "funders.federal.decision_delay_months=0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let long = Scenario::default().with_overrides(&many, None).unwrap();
        assert!(
            long.name.starts_with("defaults+4_overrides_"),
            "{}",
            long.name
        );
    }

    #[test]
    fn a_sweep_file_is_named_as_one() {
        let e = Scenario::from_str("s.toml", "method = \"lhs\"\nsamples = 4\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("sweep file") && e.contains("partnersim sweep s.toml"),
            "{e}"
        );
    }

    #[test]
    fn hash_depends_on_values_only() {
        let a = Scenario::from_str("a.toml", "# comment\n[iso]\nholistic_share = 0.5\n").unwrap();
        let b = Scenario::default();
        assert_eq!(a.content_hash(), b.content_hash());
        let c = Scenario::from_str("c.toml", "[iso]\nholistic_share = 0.6\n").unwrap();
        assert_ne!(a.content_hash(), c.content_hash());
    }
}
