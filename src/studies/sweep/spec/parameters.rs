//! `[[parameters]]`: the swept parameters, each with its bounds or values and distribution.

use super::keys::parameter_key_names;
use super::{Distribution, InputError, Method, SweepParam, Target, MAX_SOBOL_PARAMS};
use crate::input::tomlfile::{did_you_mean, hint};
use crate::input::{Reader, Sv};
use crate::params::{self, registry, Kind};
use toml::de::{DeTable, DeValue};

/// The swept parameters of a sweep file whose top-level table is `top`.
pub(super) fn parameters(
    ctx: &Reader<'_>,
    top: &DeTable<'_>,
    target: &Target,
    method: Method,
) -> Result<Vec<SweepParam>, InputError> {
    let whole = 0..0;
    let get = |k: &str| top.get(k);
    let analytic = matches!(target, Target::Analytic(_));
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
        let p = parameter(ctx, entry, analytic, &inputs, &parameters, method)?;
        parameters.push(p);
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
            "sweep",
            pv.span(),
            format!(
                "{} parameters; a Sobol' sweep takes at most {MAX_SOBOL_PARAMS}",
                parameters.len()
            ),
        ));
    }
    Ok(parameters)
}

/// One `[[parameters]]` entry; `earlier` are the entries before it.
fn parameter(
    ctx: &Reader<'_>,
    entry: &Sv<'_>,
    analytic: bool,
    inputs: &[String],
    earlier: &[SweepParam],
    method: Method,
) -> Result<SweepParam, InputError> {
    let file = ctx.file;
    let DeValue::Table(t) = entry.get_ref() else {
        return Err(ctx.bad(
            "parameters",
            entry,
            "expected a table",
            "[[parameters]] tables with path, min, max",
        ));
    };
    ctx.check_keys(t, &parameter_key_names(), "parameters.")?;
    let Some(pathv) = t.get("path") else {
        return Err(ctx.missing(
            entry.span(),
            "path",
            "every [[parameters]] entry names a parameter path",
        ));
    };
    let path = ctx.string("path", pathv, "a parameter path (`partnersim params`)")?;
    let (pl, pc) = ctx.at(pathv.span());
    // an unknown path: the model's inputs for a test model, else the registry's closest path
    let (index, unknown) = if analytic {
        let hint = format!("; the inputs of this model are {}", inputs.join(", "));
        (None, (!inputs.contains(&path)).then_some(hint))
    } else {
        match params::index_of(&path) {
            Some(i) => (Some(i), None),
            None => (None, Some(did_you_mean(params::suggest(&path)))),
        }
    };
    if let Some(hint) = unknown {
        return Err(InputError::UnknownParameter {
            file: file.into(),
            line: pl,
            col: pc,
            key: "path".into(),
            path,
            hint,
        });
    }
    if earlier.iter().any(|p| p.path == path) {
        return Err(ctx.bad(
            "path",
            pathv,
            "this parameter is already swept",
            "each parameter once",
        ));
    }
    let range = Allowed::of(&path, index);
    let distribution = distribution(ctx, t, &range)?;
    let (values, plevels) = grid_values(ctx, t, method, &range)?;
    let (min, max) = bounds(ctx, entry, t, &range, values.as_deref(), distribution)?;
    Ok(SweepParam {
        path,
        index,
        min,
        max,
        distribution,
        values,
        levels: plevels,
    })
}

/// What values a swept parameter allows: its registered range (any finite number for a test
/// model's input) and whether it takes whole numbers only.
struct Allowed<'p> {
    path: &'p str,
    min: f64,
    max: f64,
    whole_only: bool,
    /// the allowed values in words, for messages
    text: String,
}

impl<'p> Allowed<'p> {
    fn of(path: &'p str, index: Option<usize>) -> Allowed<'p> {
        let spec = index.map(|i| &registry()[i]);
        let text = match spec {
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
        let (min, max) = spec.map_or((f64::NEG_INFINITY, f64::INFINITY), |s| (s.min, s.max));
        Allowed {
            path,
            min,
            max,
            whole_only: spec.is_some_and(|s| !matches!(s.kind, Kind::Float)),
            text,
        }
    }

    /// Checks the value `x`, written at `v` for `key`, against the range.
    fn check(&self, ctx: &Reader<'_>, key: &str, v: &Sv<'_>, x: f64) -> Result<(), InputError> {
        let path = self.path;
        if x < self.min || x > self.max {
            return Err(ctx.bad(
                &format!("{path}.{key}"),
                v,
                format!("{} is outside the range of `{path}`", params::fmt_num(x)),
                self.text.clone(),
            ));
        }
        if self.whole_only && x.fract() != 0.0 {
            return Err(ctx.bad(
                &format!("{path}.{key}"),
                v,
                format!("`{path}` takes whole numbers"),
                self.text.clone(),
            ));
        }
        Ok(())
    }
}

/// `distribution` (default: `integer` for whole-number parameters, else `uniform`).
fn distribution(
    ctx: &Reader<'_>,
    t: &DeTable<'_>,
    range: &Allowed<'_>,
) -> Result<Distribution, InputError> {
    let (path, whole_only) = (range.path, range.whole_only);
    Ok(match t.get("distribution") {
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
    })
}

/// A grid parameter's `values` or `levels`.
fn grid_values(
    ctx: &Reader<'_>,
    t: &DeTable<'_>,
    method: Method,
    range: &Allowed<'_>,
) -> Result<(Option<Vec<f64>>, Option<usize>), InputError> {
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
            let allowed = format!("an array of numbers within {}", range.text);
            let arr = ctx.array("values", v, &allowed)?;
            if arr.is_empty() {
                return Err(ctx.bad("values", v, "empty", allowed));
            }
            let mut xs: Vec<f64> = Vec::new();
            for x in arr.iter() {
                let n = ctx.number("values", x, &allowed)?;
                range.check(ctx, "values", x, n)?;
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
    Ok((values, plevels))
}

/// `min` and `max`, or the smallest and largest of `values`.
fn bounds(
    ctx: &Reader<'_>,
    entry: &Sv<'_>,
    t: &DeTable<'_>,
    range: &Allowed<'_>,
    values: Option<&[f64]>,
    distribution: Distribution,
) -> Result<(f64, f64), InputError> {
    let path = range.path;
    Ok(match (t.get("min"), t.get("max"), values) {
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
                format!("`{path}` needs a lower bound; allowed: {}", range.text),
            ));
        }
        (_, None, None) => {
            return Err(ctx.missing(
                entry.span(),
                "max",
                format!("`{path}` needs an upper bound; allowed: {}", range.text),
            ));
        }
        (Some(a), Some(b), None) => {
            let lo = ctx.number(&format!("{path}.min"), a, &range.text)?;
            range.check(ctx, "min", a, lo)?;
            let hi = ctx.number(&format!("{path}.max"), b, &range.text)?;
            range.check(ctx, "max", b, hi)?;
            if lo >= hi {
                return Err(ctx.bad(
                    &format!("{path}.max"),
                    b,
                    format!(
                        "max ({}) must be larger than min ({})",
                        params::fmt_num(hi),
                        params::fmt_num(lo)
                    ),
                    format!("min < max within {}", range.text),
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
            if distribution == Distribution::Integer && (lo.fract() != 0.0 || hi.fract() != 0.0) {
                return Err(ctx.bad(
                    &format!("{path}.min"),
                    a,
                    "integer bounds must be whole numbers",
                    "whole numbers",
                ));
            }
            (lo, hi)
        }
    })
}
