//! `[[uncertainties]]`: parameter paths with ranges and distributions, checked against the
//! registry and against the regimes' levers.

use super::{keys, InputError, Regime, MAX_UNCERTAINTIES};
use crate::input::tomlfile::{did_you_mean, hint};
use crate::input::Reader;
use crate::params::{self, registry, Kind};
use crate::studies::explore::states::{Distribution, Uncertainty};
use toml::de::DeTable;

/// The uncertainties of an explore file whose top-level table is `top`.
pub(super) fn uncertainties(
    r: &Reader<'_>,
    top: &DeTable<'_>,
    regimes: &[Regime],
) -> Result<Vec<Uncertainty>, InputError> {
    let Some(v) = top.get("uncertainties") else {
        // none named: the ledger's plausible ranges of the most consequential assumptions
        // (`compare --assumptions top`) that no regime sets as a lever
        let out = ledger_defaults(regimes);
        if out.is_empty() {
            return Err(r.missing(
                0..0,
                "uncertainties",
                "add one [[uncertainties]] table per uncertain parameter (path, min, max); the regimes set every assumption the ledger would give by default",
            ));
        }
        return Ok(out);
    };
    let tables = r.tables("uncertainties", v)?;
    if tables.is_empty() || tables.len() > MAX_UNCERTAINTIES {
        return Err(r.bad(
            "uncertainties",
            v,
            format!("{} uncertainties", tables.len()),
            format!("1 to {MAX_UNCERTAINTIES} [[uncertainties]] tables"),
        ));
    }
    let names = keys::names(&keys::uncertainty());
    let mut out: Vec<Uncertainty> = Vec::new();
    for (t, span) in tables {
        r.check_keys(t, &names, "uncertainties.")?;
        let Some(pv) = t.get("path") else {
            return Err(r.missing(
                span,
                "path",
                "every [[uncertainties]] entry names a parameter path",
            ));
        };
        let path = r.string("path", pv, "a string in quotes")?;
        let Some(index) = params::index_of(&path) else {
            let (line, col) = r.at(pv.span());
            return Err(InputError::UnknownParameter {
                file: r.file.into(),
                line,
                col,
                key: "path".into(),
                hint: did_you_mean(params::suggest(&path)),
                path,
            });
        };
        if out.iter().any(|u| u.path == path) {
            return Err(r.bad(
                "path",
                pv,
                "this parameter is already uncertain",
                "each parameter once",
            ));
        }
        // a lever cannot also be uncertain: every regime must hold the same value
        let first = regimes[0].scenario.values.0[index];
        if let Some(g) = regimes
            .iter()
            .find(|g| g.scenario.values.0[index].to_bits() != first.to_bits())
        {
            let spec = &registry()[index];
            return Err(r.bad(
                "path",
                pv,
                format!(
                    "regime `{}` sets `{path}` to {} and regime `{}` to {}: a lever of a regime cannot also be an uncertainty (each state would overwrite it)",
                    regimes[0].name,
                    spec.value_text(first),
                    g.name,
                    spec.value_text(g.scenario.values.0[index])
                ),
                "a parameter every regime leaves at the same value",
            ));
        }
        let spec = &registry()[index];
        let whole = !matches!(spec.kind, Kind::Float);
        let allowed = format!(
            "{} ({}){}",
            spec.range_text(),
            spec.unit,
            match spec.kind {
                Kind::Bool => "; 0 = false, 1 = true",
                Kind::Choice(_) => "; the index of the word, from 0",
                _ => "",
            }
        );
        let bound = |k: &str| -> Result<f64, InputError> {
            let Some(bv) = t.get(k) else {
                return Err(r.missing(
                    span.clone(),
                    k,
                    format!("`{path}` needs `{k}`; allowed: {allowed}"),
                ));
            };
            let x = r.number_in(&format!("{path}.{k}"), bv, spec.min, spec.max, &allowed)?;
            if whole && x.fract() != 0.0 {
                return Err(r.bad(
                    &format!("{path}.{k}"),
                    bv,
                    format!("`{path}` takes whole numbers"),
                    allowed.clone(),
                ));
            }
            Ok(x)
        };
        let (min, max) = (bound("min")?, bound("max")?);
        if min >= max {
            let mv = t.get("max").unwrap_or(pv);
            return Err(r.bad(
                &format!("{path}.max"),
                mv,
                format!("max must be larger than min ({})", params::fmt_num(min)),
                format!("min < max within {allowed}"),
            ));
        }
        let words = ["uniform", "log_uniform", "integer", "triangular"];
        let name = match t.get("distribution") {
            Some(dv) => {
                let w = r.string("distribution", dv, "a string in quotes")?;
                if !words.contains(&w.as_str()) {
                    return Err(r.bad(
                        "distribution",
                        dv,
                        format!("unknown distribution \"{w}\"{}", hint(&w, &words)),
                        "\"uniform\" | \"log_uniform\" | \"integer\" | \"triangular\"",
                    ));
                }
                if whole && w != "integer" {
                    return Err(r.bad(
                        "distribution",
                        dv,
                        format!("`{path}` takes whole numbers"),
                        "\"integer\"",
                    ));
                }
                w
            }
            None if whole => "integer".to_string(),
            None => "uniform".to_string(),
        };
        let mode = t.get("mode");
        let distribution = match (name.as_str(), mode) {
            ("triangular", Some(mv)) => Distribution::Triangular {
                mode: r.number_in(
                    "mode",
                    mv,
                    min,
                    max,
                    &format!("a number from min ({min}) to max ({max})"),
                )?,
            },
            ("triangular", None) => {
                return Err(r.missing(span, "mode", format!("a triangular distribution of `{path}` needs its `mode`, from {min} to {max}")));
            }
            (_, Some(mv)) => {
                return Err(r.bad(
                    "mode",
                    mv,
                    "`mode` is for triangular distributions",
                    "remove it, or distribution = \"triangular\"",
                ));
            }
            ("log_uniform", None) if min <= 0.0 => {
                let mv = t.get("min").unwrap_or(pv);
                return Err(r.bad(
                    &format!("{path}.min"),
                    mv,
                    "log_uniform needs min > 0",
                    "a positive lower bound",
                ));
            }
            ("log_uniform", None) => Distribution::LogUniform,
            ("integer", None) => Distribution::Integer,
            _ => Distribution::Uniform,
        };
        out.push(Uncertainty {
            path,
            index,
            min,
            max,
            distribution,
        });
    }
    Ok(out)
}

/// The default uncertainties of an explore file that names none: each assumption of
/// [`crate::studies::assumptions::TOP`] that every regime leaves at the same value, over its plausible
/// range in the ledger (uniform; whole numbers for whole-number parameters).
pub(super) fn ledger_defaults(regimes: &[Regime]) -> Vec<Uncertainty> {
    let reg = registry();
    crate::studies::assumptions::TOP
        .iter()
        .filter_map(|p| params::index_of(p))
        .filter(|&i| {
            regimes.iter().all(|g| {
                g.scenario.values.0[i].to_bits() == regimes[0].scenario.values.0[i].to_bits()
            })
        })
        .filter_map(|i| {
            let (min, max) = reg[i].grounds.range()?;
            Some(Uncertainty {
                path: reg[i].path.clone(),
                index: i,
                min,
                max,
                distribution: if matches!(reg[i].kind, Kind::Float) {
                    Distribution::Uniform
                } else {
                    Distribution::Integer
                },
            })
        })
        .take(MAX_UNCERTAINTIES)
        .collect()
}
