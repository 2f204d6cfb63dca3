//! Scenario files: TOML in, a validated, fully resolved [`Scenario`] out.
//!
//! A scenario file holds only what differs from the defaults of
//! [`crate::params`]. Top-level keys `name` and `description` describe it;
//! `extends = "other.toml"` (relative to the file) starts from another
//! scenario instead of the defaults. Every other key is a parameter path,
//! written as nested tables (`[funders.federal] contract_months = 36`) or
//! dotted keys. Unknown keys, wrong types and out-of-range values are errors
//! that name the file, line, column, key and allowed range.

pub use crate::input::tomlfile::line_col;
use crate::input::tomlfile::{self, clip, did_you_mean, InputFile, Source};
pub use crate::input::InputError;
use crate::model::timeline::{Event, EventKind};
use crate::params::{
    self, check_value, check_value_lenient, registry, RawValue, ValueProblem, Values,
};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

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
    /// Timeline events (`[[events]]`), inherited ones first, in file order.
    pub timeline: Vec<TimelineEntry>,
}

/// One `[[events]]` entry of a scenario file: the event, a label for plots, and where it was
/// written (for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    /// what happens, and when
    pub event: Event,
    /// short text for plots and reports (`label`, else generated)
    pub label: String,
    /// `file:line:col` of the entry's `month`
    pub origin: String,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "defaults".into(),
            description: "All parameters at their defaults.".into(),
            values: Values::default(),
            source: None,
            timeline: Vec::new(),
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

/// A TOML value as a raw parameter value (None for arrays, tables and dates), for checking with
/// [`check_value`]; an integer literal too large for `i64` becomes a float of its size (out of
/// range, and said as the number written, not `inf`).
pub fn raw_of(v: &DeValue<'_>) -> Option<RawValue> {
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
            // too large for i64: its value as a float, so the message says the number written
            .or_else(|| {
                let big = u128::from_str_radix(
                    digits
                        .trim_start_matches(['+', '-'])
                        .trim_start_matches("0x")
                        .trim_start_matches("0o")
                        .trim_start_matches("0b"),
                    i.radix(),
                )
                .map_or(f64::INFINITY, |u| u as f64);
                Some(RawValue::Float(if digits.starts_with('-') {
                    -big
                } else {
                    big
                }))
            })
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

/// What is wrong with a value, in words (`0.5 is out of range`).
pub fn problem_text(p: &ValueProblem) -> String {
    match p {
        ValueProblem::WrongType { expected, found } => {
            format!("expected {expected}, found {}", clip(found))
        }
        ValueProblem::OutOfRange { value } => format!("{} is out of range", clip(value)),
        ValueProblem::UnknownChoice { value } => {
            format!("\"{}\" is not an allowed word", clip(value))
        }
    }
}

/// Header keys that are not parameters.
const HEADER_KEYS: [&str; 4] = ["name", "description", "extends", "events"];

/// Top-level keys only a sweep file has: a scenario file holding one is a sweep file.
const SWEEP_KEYS: [&str; 6] = [
    "method",
    "parameters",
    "samples",
    "reps_per_point",
    "outputs",
    "model",
];

fn refuse_sweep_file(ctx: &Source<'_>, table: &DeTable<'_>) -> Result<(), InputError> {
    match SWEEP_KEYS.iter().find(|k| table.get(**k).is_some()) {
        Some(k) => Err(InputError::File {
            file: ctx.file.into(),
            msg: format!(
                "this is a sweep file (it has `{k}`), not a scenario file; run it with `partnersim sweep {}`",
                ctx.file
            ),
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
) -> Result<(), InputError> {
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
                    return Err(ctx.unknown_key(k.span(), path, hint));
                };
                let spec = &registry()[i];
                let (line, col) = ctx.at(v.span());
                let bad = |problem: String| InputError::BadValue {
                    file: ctx.file.into(),
                    line,
                    col,
                    key: path.clone(),
                    value: ctx.written(v.span()),
                    problem,
                    allowed: format!("{} ({})", spec.range_text(), spec.unit),
                };
                let raw = raw_of(other).ok_or_else(|| {
                    bad(format!(
                        "{} is not allowed here",
                        crate::input::tomlfile::a_type(other.type_str())
                    ))
                })?;
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
) -> Result<Option<String>, InputError> {
    let Some(v) = table.get(key) else {
        return Ok(None);
    };
    match v.get_ref() {
        DeValue::String(s) => Ok(Some(s.to_string())),
        other => {
            let (line, col) = ctx.at(v.span());
            Err(InputError::BadValue {
                file: ctx.file.into(),
                line,
                col,
                key: key.into(),
                value: ctx.written(v.span()),
                problem: format!("expected a string, found {}", other.type_str()),
                allowed: "any text (text)".into(),
            })
        }
    }
}

impl Scenario {
    /// Loads and validates a scenario file (following `extends`).
    pub fn load(path: &Path) -> Result<Scenario, InputError> {
        Self::load_chain(path, &mut Vec::new())
    }

    fn load_chain(path: &Path, seen: &mut Vec<PathBuf>) -> Result<Scenario, InputError> {
        let file = path.display().to_string();
        let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if seen.contains(&canon) {
            return Err(InputError::File {
                file,
                msg: "`extends` forms a cycle".into(),
            });
        }
        if seen.len() >= 16 {
            return Err(InputError::File {
                file,
                msg: "`extends` chain deeper than 16 files".into(),
            });
        }
        seen.push(canon);
        let f = InputFile::read(path)?;
        let ctx = f.source();
        let doc = ctx.parse()?;
        let table: &DeTable<'_> = doc.get_ref();
        refuse_sweep_file(&ctx, table)?;
        let base = match header_str(&ctx, table, "extends")? {
            Some(rel) => {
                match Self::load_chain(&f.dir.join(&rel), seen) {
                    // the file that names a missing base is the one to fix
                    Err(InputError::Io { source, .. }) => {
                        let (line, col) = ctx.at(table.get("extends").map_or(0..0, |v| v.span()));
                        return Err(InputError::File {
                            file: format!("{file}:{line}:{col}"),
                            msg: format!(
                                "`extends` = \"{}\": cannot read that file: {}",
                                clip(&rel),
                                crate::output::export::io_cause(&source)
                            ),
                        });
                    }
                    r => Some(r?),
                }
            }
            None => None,
        };
        let mut values = base
            .as_ref()
            .map_or_else(Values::default, |b| b.values.clone());
        walk(&ctx, table, "", &mut values, &mut Vec::new())?;
        let mut timeline = base.as_ref().map_or_else(Vec::new, |b| b.timeline.clone());
        timeline.extend(parse_events(&ctx, table)?);
        let name = header_str(&ctx, table, "name")?
            .unwrap_or_else(|| f.stem.clone().unwrap_or_else(|| "scenario".into()));
        let description =
            header_str(&ctx, table, "description")?.unwrap_or_else(|| leading_comment(&f.text));
        let s = Scenario {
            name,
            description,
            values,
            source: Some(path.to_path_buf()),
            timeline,
        };
        locate_cross_problem(&ctx, table, &s.values)?;
        s.check_consistency()?;
        Ok(s)
    }

    /// Parses a scenario from text (as if from a file named `file`), without `extends`.
    pub fn from_str(file: &str, text: &str) -> Result<Scenario, InputError> {
        let ctx = Source { file, text };
        let doc = ctx.parse()?;
        let table: &DeTable<'_> = doc.get_ref();
        refuse_sweep_file(&ctx, table)?;
        if let Some(v) = table.get("extends") {
            return Err(ctx.syntax(v.span(), "`extends` needs a file on disk"));
        }
        let mut values = Values::default();
        walk(&ctx, table, "", &mut values, &mut Vec::new())?;
        let timeline = parse_events(&ctx, table)?;
        let name = header_str(&ctx, table, "name")?.unwrap_or_else(|| "scenario".into());
        let description =
            header_str(&ctx, table, "description")?.unwrap_or_else(|| leading_comment(text));
        let s = Scenario {
            name,
            description,
            values,
            source: None,
            timeline,
        };
        locate_cross_problem(&ctx, table, &s.values)?;
        s.check_consistency()?;
        Ok(s)
    }

    /// Applies a `--set path=value` override, validated like a value in a file; a switch also
    /// takes `1`/`0`, a whole number an integral float (`24.0`), a choice its index
    /// ([`params::check_value_lenient`]).
    pub fn apply_override(&mut self, text: &str) -> Result<(), InputError> {
        self.apply_overrides(&[text])
    }

    /// Applies several `--set path=value` overrides together: each value is checked as it
    /// comes, the values' agreement with each other ([`cross_parameter_problem`]) once all are
    /// set (so `--set ..._min=200 --set ..._max=250` is the pair it reads as), blamed on the
    /// last override that set a key of the disagreement.
    pub fn apply_overrides<S: AsRef<str>>(&mut self, texts: &[S]) -> Result<(), InputError> {
        for t in texts {
            self.set_override(t.as_ref())?;
        }
        if let Some((key, msg)) = cross_parameter_problem(&self.values) {
            let (_, other) = key.rsplit_once('.').unwrap_or(("", &key));
            let stem = other.trim_end_matches("_min").trim_end_matches("_max");
            let table = key.rsplit_once('.').map_or("", |(t, _)| t);
            let blamed = texts
                .iter()
                .map(AsRef::as_ref)
                .rev()
                .find(|t| {
                    t.split_once('=').is_some_and(|(k, _)| {
                        let k = k.trim();
                        k.starts_with(table) && k.contains(stem)
                    })
                })
                .or_else(|| texts.last().map(AsRef::as_ref));
            return Err(match blamed {
                Some(t) => InputError::Override { text: clip(t), msg },
                None => InputError::Inconsistent {
                    file: "scenario".into(),
                    msg,
                },
            });
        }
        self.check_consistency()
    }

    /// One override's value, checked on its own.
    fn set_override(&mut self, text: &str) -> Result<(), InputError> {
        let err = |msg: String| InputError::Override {
            text: clip(text),
            msg,
        };
        let (path, value) = text
            .split_once('=')
            .ok_or_else(|| err("expected KEY=VALUE".into()))?;
        let path = path.trim();
        let Some(i) = params::index_of(path) else {
            let hint = did_you_mean(params::suggest(path));
            return Err(err(format!("unknown key `{}`{hint}", clip(path))));
        };
        let spec = &registry()[i];
        let x = check_value_lenient(spec, &RawValue::parse_cli(value)).map_err(|p| {
            err(format!(
                "{}; allowed: {} ({})",
                problem_text(&p),
                spec.range_text(),
                spec.unit
            ))
        })?;
        self.values.set_index(i, x);
        Ok(())
    }

    /// Applies `--set` overrides. With any, the scenario is a variant and says so: it takes the
    /// name `name` if given, else one derived from its base and the overrides
    /// (`baseline+federal.contract_months=36`), and its description lists the overrides.
    pub fn with_overrides(
        mut self,
        sets: &[String],
        name: Option<&str>,
    ) -> Result<Scenario, InputError> {
        let mut shown = Vec::new();
        self.apply_overrides(sets)?;
        for o in sets {
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
    pub fn set_value(&mut self, path: &str, v: f64) -> Result<(), InputError> {
        let err = |msg: String| InputError::Override {
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

    /// Sets several values by path, each checked against its range, then checks them together
    /// ([`Scenario::check_consistency`]): the one call by which the values of a design row, an
    /// explore state or a posterior draw become a configuration.
    pub fn set_values(&mut self, pairs: &[(&str, f64)]) -> Result<(), InputError> {
        for &(path, v) in pairs {
            self.set_value(path, v)?;
        }
        self.check_consistency()
    }

    /// Checks values that are each in range but must agree with each other (e.g. a
    /// late-payment minimum above its maximum), wherever values become a configuration: the
    /// scenario's own values (after `--set`, a posterior draw, an explore state or the
    /// classroom page's levers, which all end here) and the values in force after each
    /// `[events.set]` of its timeline, at its month ([`cross_parameter_problem`]); and that
    /// every event falls within the run.
    pub fn check_consistency(&self) -> Result<(), InputError> {
        let file = self
            .source
            .as_ref()
            .map_or("scenario".to_string(), |p| p.display().to_string());
        if let Some((_, msg)) = cross_parameter_problem(&self.values) {
            return Err(InputError::Inconsistent { file, msg });
        }
        let v = &self.values;
        let duration = v.0[params::id::simulation::duration_months.index];
        for e in &self.timeline {
            if f64::from(e.event.month) >= duration {
                return Err(InputError::Inconsistent {
                    file: e.origin.clone(),
                    msg: format!(
                        "event `{}` at month {} is outside the run: allowed 0 to {} (simulation.duration_months = {duration}; months count from the first reported month)",
                        e.label,
                        e.event.month,
                        duration - 1.0
                    ),
                });
            }
        }
        // the values in force after each timeline `set`, in the engine's order (by month, in
        // file order within a month)
        let mut order: Vec<&TimelineEntry> = self.timeline.iter().collect();
        order.sort_by_key(|e| e.event.month);
        let mut in_force = self.values.clone();
        for e in order {
            let EventKind::Set(sets) = &e.event.kind else {
                continue;
            };
            for &(k, x) in sets {
                in_force.set_index(k, x);
            }
            if let Some((_, msg)) = cross_parameter_problem(&in_force) {
                return Err(InputError::Inconsistent {
                    file: e.origin.clone(),
                    msg: format!("from month {} (event `{}`): {msg}", e.event.month, e.label),
                });
            }
        }
        Ok(())
    }

    /// The engine configuration of this scenario: its values and its timeline.
    pub fn config(&self) -> crate::model::Config {
        crate::model::Config::from_values(&self.values)
            .with_timeline(self.timeline.iter().map(|e| e.event.clone()).collect())
    }

    /// SHA-256 of the resolved values and timeline (hex), independent of file layout and
    /// comments. A scenario without events hashes its values alone.
    pub fn content_hash(&self) -> String {
        let mut h = Sha256::new();
        for (s, v) in registry().iter().zip(&self.values.0) {
            h.update(s.path.as_bytes());
            h.update(b"=");
            h.update(v.to_bits().to_le_bytes());
            h.update(b"\n");
        }
        for e in &self.timeline {
            h.update(event_toml(e).as_bytes());
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
        for e in &self.timeline {
            out.push_str(&event_toml(e));
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

/// The one check of values that are each in range but must agree with each other: the first
/// disagreement, as the key to blame and a message naming both keys and values; `None` when
/// they agree. [`Scenario::check_consistency`] applies it to every set of values that becomes
/// a configuration.
pub fn cross_parameter_problem(v: &Values) -> Option<(String, String)> {
    use params::id::funders::{late_payment_days_max, late_payment_days_min};
    for f in 0..params::FUNDERS.len() {
        let (lo, hi) = (
            late_payment_days_min.index(f),
            late_payment_days_max.index(f),
        );
        let (lo_path, x, y) = (&registry()[lo].path, v.0[lo], v.0[hi]);
        if x > y {
            return Some((
                lo_path.clone(),
                format!("{lo_path} ({x}) is larger than late_payment_days_max ({y})"),
            ));
        }
    }
    None
}

/// A cross-parameter disagreement among a file's own values, named by the line and column of
/// the key to blame when the file writes it (else [`Scenario::check_consistency`] names the
/// file alone: the value came from the file it extends).
fn locate_cross_problem(
    ctx: &Source<'_>,
    table: &DeTable<'_>,
    values: &Values,
) -> Result<(), InputError> {
    let Some((key, msg)) = cross_parameter_problem(values) else {
        return Ok(());
    };
    let Some((span, ())) = find_key(table, &key) else {
        return Ok(());
    };
    let (line, col) = ctx.at(span);
    Err(InputError::Inconsistent {
        file: format!("{}:{line}:{col}", ctx.file),
        msg,
    })
}

/// One event as a `[[events]]` table of a resolved scenario file.
fn event_toml(e: &TimelineEntry) -> String {
    let mut out = format!(
        "\n[[events]]\nmonth = {}\nlabel = {:?}\n",
        e.event.month, e.label
    );
    match &e.event.kind {
        EventKind::Arrivals { factor, months } => {
            out.push_str(&format!(
                "arrivals_factor = {}\nduration_months = {months}\n",
                params::fmt_num(*factor)
            ));
        }
        EventKind::Budget {
            funder,
            factor,
            terminate,
        } => {
            out.push_str(&format!(
                "funder = {:?}\nbudget_factor = {}\nterminate = {terminate}\n",
                params::FUNDERS[*funder],
                params::fmt_num(*factor)
            ));
        }
        EventKind::Receptivity { change } => {
            out.push_str(&format!(
                "receptivity_change = {}\n",
                params::fmt_num(*change)
            ));
        }
        EventKind::Set(sets) => {
            out.push_str("[events.set]\n");
            for &(k, v) in sets {
                let spec = &registry()[k];
                out.push_str(&format!("\"{}\" = {}\n", spec.path, spec.value_text(v)));
            }
        }
    }
    out
}

/// Keys an `[[events]]` table may have.
const EVENT_KEYS: [&str; 9] = [
    "month",
    "label",
    "arrivals_factor",
    "duration_months",
    "funder",
    "budget_factor",
    "terminate",
    "receptivity_change",
    "set",
];

/// Reads the `[[events]]` array of a scenario file (ODD §7.26), checking every key and value
/// with its file, line and column. Months within the run are checked with the other values
/// ([`Scenario::check_consistency`]).
fn parse_events(ctx: &Source<'_>, table: &DeTable<'_>) -> Result<Vec<TimelineEntry>, InputError> {
    let Some(v) = table.get("events") else {
        return Ok(Vec::new());
    };
    let bad =
        |span: std::ops::Range<usize>, key: &str, problem: String, range: &str, unit: &str| {
            let (line, col) = ctx.at(span.clone());
            InputError::BadValue {
                file: ctx.file.into(),
                line,
                col,
                key: key.into(),
                value: ctx.written(span),
                problem,
                allowed: format!("{range} ({unit})"),
            }
        };
    let DeValue::Array(items) = v.get_ref() else {
        return Err(bad(
            v.span(),
            "events",
            "expected an array of tables ([[events]])".into(),
            "[[events]] tables",
            "events",
        ));
    };
    let mut out = Vec::new();
    for item in items.iter() {
        let DeValue::Table(t) = item.get_ref() else {
            return Err(bad(
                item.span(),
                "events",
                "expected a table ([[events]])".into(),
                "[[events]] tables",
                "events",
            ));
        };
        for (k, _) in t.iter() {
            let key: &str = k.get_ref();
            if !EVENT_KEYS.contains(&key) {
                let hint = tomlfile::hint(key, &EVENT_KEYS);
                return Err(ctx.unknown_key(k.span(), format!("events.{key}"), hint));
            }
        }
        let number = |key: &str,
                      min: f64,
                      max: f64,
                      whole: bool,
                      unit: &str|
         -> Result<Option<f64>, InputError> {
            let Some(v) = t.get(key) else {
                return Ok(None);
            };
            let range = format!("{} to {}", params::fmt_num(min), params::fmt_num(max));
            let x = match raw_of(v.get_ref()) {
                Some(RawValue::Int(i)) => i as f64,
                Some(RawValue::Float(f)) if !whole || f.fract() == 0.0 => f,
                _ => {
                    let expected = if whole { "a whole number" } else { "a number" };
                    return Err(bad(
                        v.span(),
                        &format!("events.{key}"),
                        format!("expected {expected}"),
                        &range,
                        unit,
                    ));
                }
            };
            if !x.is_finite() || x < min || x > max {
                return Err(bad(
                    v.span(),
                    &format!("events.{key}"),
                    format!("{} is out of range", params::fmt_num(x)),
                    &range,
                    unit,
                ));
            }
            Ok(Some(x))
        };
        let Some(month_v) = t.get("month") else {
            return Err(ctx.syntax(
                item.span(),
                "an [[events]] table needs `month` (the reported month it happens in, from 0)",
            ));
        };
        let month = number("month", 0.0, 1200.0, true, "months")?.unwrap_or(0.0) as u32;
        let (line, col) = ctx.at(month_v.span());
        let origin = format!("{}:{line}:{col}", ctx.file);
        let label = match t.get("label") {
            Some(v) => match v.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => {
                    return Err(bad(
                        v.span(),
                        "events.label",
                        "expected a string".into(),
                        "any text",
                        "text",
                    ))
                }
            },
            None => None,
        };
        let arrivals = number("arrivals_factor", 0.0, 100.0, false, "multiplier")?;
        let budget = number("budget_factor", 0.0, 100.0, false, "multiplier")?;
        let receptivity = number("receptivity_change", -1.0, 1.0, false, "index 0-1")?;
        let has_set = t.get("set").is_some();
        let kinds = usize::from(arrivals.is_some())
            + usize::from(budget.is_some())
            + usize::from(receptivity.is_some())
            + usize::from(has_set);
        if kinds != 1 {
            return Err(ctx
                .syntax(item.span(), "an [[events]] table needs exactly one of `arrivals_factor` (with `duration_months`), `budget_factor` (with `funder`), `receptivity_change` (a shift of the host community's baseline receptivity, -1 to 1) or `set` (a table of parameters)"));
        }
        let (kind, generated) = if let Some(change) = receptivity {
            if let Some(k) = ["duration_months", "funder", "terminate"]
                .into_iter()
                .find(|k| t.get(*k).is_some())
            {
                return Err(ctx.syntax(item.span(), format!("`receptivity_change` takes no `{k}`: it shifts the host community's baseline receptivity from its month on (write a second event to shift it back)")));
            }
            let sign = if change >= 0.0 { "+" } else { "" };
            (
                EventKind::Receptivity { change },
                format!("receptivity {sign}{}", params::fmt_num(change)),
            )
        } else if let Some(factor) = arrivals {
            let months =
                number("duration_months", 1.0, 1200.0, true, "months")?.ok_or_else(|| {
                    ctx.syntax(item.span(), "`arrivals_factor` needs `duration_months`")
                })? as u32;
            (
                EventKind::Arrivals { factor, months },
                format!("arrivals x{} for {months} months", params::fmt_num(factor)),
            )
        } else if let Some(factor) = budget {
            let Some(fv) = t.get("funder") else {
                return Err(ctx.syntax(item.span(), "`budget_factor` needs `funder`"));
            };
            let funder = match fv.get_ref() {
                DeValue::String(s) => params::FUNDERS.iter().position(|f| *f == &**s),
                _ => None,
            }
            .ok_or_else(|| {
                bad(
                    fv.span(),
                    "events.funder",
                    "not a funder".into(),
                    &params::FUNDERS.join(" | "),
                    "choice",
                )
            })?;
            let terminate = match t.get("terminate") {
                Some(v) => match v.get_ref() {
                    DeValue::Boolean(b) => *b,
                    _ => {
                        return Err(bad(
                            v.span(),
                            "events.terminate",
                            "expected a boolean (true or false)".into(),
                            "true | false",
                            "switch",
                        ))
                    }
                },
                None => false,
            };
            (
                EventKind::Budget {
                    funder,
                    factor,
                    terminate,
                },
                format!(
                    "{} budget x{}",
                    params::FUNDERS[funder],
                    params::fmt_num(factor)
                ),
            )
        } else {
            let sv = t.get("set").expect("checked above");
            let DeValue::Table(st) = sv.get_ref() else {
                return Err(bad(
                    sv.span(),
                    "events.set",
                    "expected a table of parameter paths".into(),
                    "parameter = value",
                    "table",
                ));
            };
            let mut values = Values::default();
            let mut paths = Vec::new();
            walk(ctx, st, "", &mut values, &mut paths)?;
            let mut sets = Vec::new();
            for path in &paths {
                let k = params::index_of(path).expect("walk accepts registered paths only");
                if registry()[k].fixed_during_run {
                    let (key_span, _) = find_key(st, path).unwrap_or((sv.span(), ()));
                    let (line, col) = ctx.at(key_span);
                    return Err(InputError::Inconsistent {
                        file: format!("{}:{line}:{col}", ctx.file),
                        msg: format!("`{path}` cannot change during a run (it sets the model's size or initial state); set it for the whole scenario instead"),
                    });
                }
                sets.push((k, values.0[k]));
            }
            let what = paths.join(", ");
            (EventKind::Set(sets), format!("set {what}"))
        };
        out.push(TimelineEntry {
            event: Event { month, kind },
            label: label.unwrap_or(generated),
            origin,
        });
    }
    Ok(out)
}

/// The span of a dotted `path` written as nested keys in `table`, if found.
fn find_key(table: &DeTable<'_>, path: &str) -> Option<(std::ops::Range<usize>, ())> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    for (k, v) in table.iter() {
        if k.get_ref() == head {
            return match (rest, v.get_ref()) {
                (Some(r), DeValue::Table(t)) => find_key(t, r).or(Some((k.span(), ()))),
                _ => Some((k.span(), ())),
            };
        }
    }
    // a dotted key written whole ("funders.federal.x" = 1)
    table
        .iter()
        .find(|(k, _)| k.get_ref() == path)
        .map(|(k, _)| (k.span(), ()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_and_checked() {
        let text = "[simulation]\nduration_months = 60\n\n[[events]]\nmonth = 36\nlabel = \"federal core\"\n[events.set]\n\"funders.federal.core_share\" = 0.3\nfunders.federal.contract_months = 36\n\n[[events]]\nmonth = 12\narrivals_factor = 0.5\nduration_months = 6\n\n[[events]]\nmonth = 24\nfunder = \"provincial\"\nbudget_factor = 0.8\nterminate = true\n\n[[events]]\nmonth = 48\nreceptivity_change = -0.25\n";
        let s = Scenario::from_str("x.toml", text).unwrap();
        assert_eq!(s.timeline.len(), 4);
        assert_eq!(
            s.timeline[3].event.kind,
            EventKind::Receptivity { change: -0.25 }
        );
        assert_eq!(s.timeline[3].label, "receptivity -0.25");
        assert_eq!(s.timeline[0].label, "federal core");
        assert_eq!(
            s.timeline[1].event.kind,
            EventKind::Arrivals {
                factor: 0.5,
                months: 6
            }
        );
        assert_eq!(
            s.timeline[2].event.kind,
            EventKind::Budget {
                funder: 1,
                factor: 0.8,
                terminate: true
            }
        );
        let EventKind::Set(sets) = &s.timeline[0].event.kind else {
            panic!("a set event")
        };
        assert_eq!(sets.len(), 2);
        // the config sorts them by month
        let cfg = s.config();
        assert_eq!(
            cfg.timeline.iter().map(|e| e.month).collect::<Vec<_>>(),
            [12, 24, 36, 48]
        );
        // events change the hash and appear in the resolved file, which reads back the same
        assert_ne!(
            s.content_hash(),
            Scenario::from_str("y.toml", "[simulation]\nduration_months = 60\n")
                .unwrap()
                .content_hash()
        );
        let again = Scenario::from_str("r.toml", &s.resolved_toml()).unwrap();
        assert_eq!(
            again.timeline.iter().map(|e| &e.event).collect::<Vec<_>>(),
            s.timeline.iter().map(|e| &e.event).collect::<Vec<_>>()
        );
    }

    #[test]
    fn bad_events_name_file_line_and_range() {
        let cases = [
            (
                "[[events]]\nmonth = 200\narrivals_factor = 2\nduration_months = 3\n",
                "x.toml:2:9",
                "outside the run",
            ),
            (
                "[[events]]\nmonth = 3\narrivals_factor = -1\nduration_months = 3\n",
                "x.toml:3:19",
                "0 to 100",
            ),
            (
                "[[events]]\nmonth = 3\narrivals_factor = 2\n",
                "x.toml:1:1",
                "duration_months",
            ),
            (
                "[[events]]\nmonth = 3\nfunder = \"city\"\nbudget_factor = 0.5\n",
                "x.toml:3:10",
                "federal | provincial",
            ),
            (
                "[[events]]\nmonth = 3\n[events.set]\n\"iso.reserve_months_median\" = 3\n",
                "x.toml:4:1",
                "cannot change during a run",
            ),
            (
                "[[events]]\nmonth = 3\n[events.set]\n\"funders.federal.contract_month\" = 3\n",
                "x.toml:4:1",
                "did you mean",
            ),
            (
                "[[events]]\nmonth = 3\nfactor = 2\n",
                "x.toml:3:1",
                "unknown key `events.factor`",
            ),
            ("[[events]]\nmonth = 3\n", "x.toml:1:1", "exactly one of"),
            (
                "[[events]]\nmonth = 3\n[events.set]\n\"funders.federal.core_share\" = 3\n",
                "x.toml:4:32",
                "0 to 1",
            ),
            (
                "[[events]]\nmonth = 3\nreceptivity_change = 1.5\n",
                "x.toml:3:22",
                "-1 to 1",
            ),
            (
                "[[events]]\nmonth = 3\nreceptivity_change = -0.2\nduration_months = 6\n",
                "x.toml:1:1",
                "takes no `duration_months`",
            ),
            (
                "[[events]]\nmonth = 3\nreceptivity_change = -0.2\narrivals_factor = 2\nduration_months = 6\n",
                "x.toml:1:1",
                "exactly one of",
            ),
        ];
        for (text, at, what) in cases {
            let e = Scenario::from_str("x.toml", text).unwrap_err().to_string();
            assert!(e.contains(at) && e.contains(what), "{text}\n-> {e}");
        }
    }

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
