//! `[[regimes]]`: scenario files, or levers set on the base scenario.

use super::valid_name;
use super::{keys, load_scenario, InputError, Regime, MAX_REGIMES, MIN_REGIMES};
use crate::input::scenario::{problem_text, raw_of, Scenario};
use crate::input::tomlfile::did_you_mean;
use crate::input::{Reader, Sv};
use crate::params::{self, check_value, registry};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// The regimes of an explore file whose top-level table is `top`; `base` is the base scenario
/// and its file as written.
pub(super) fn regimes(
    r: &Reader<'_>,
    top: &DeTable<'_>,
    dir: &Path,
    base: Option<&(Scenario, String)>,
) -> Result<Vec<Regime>, InputError> {
    let Some(v) = top.get("regimes") else {
        return Err(r.missing(
            0..0,
            "regimes",
            "add one [[regimes]] table per regime compared (a `scenario` file, or levers to `set`)",
        ));
    };
    let tables = r.tables("regimes", v)?;
    if !(MIN_REGIMES..=MAX_REGIMES).contains(&tables.len()) {
        return Err(r.bad(
            "regimes",
            v,
            format!("{} regimes", tables.len()),
            format!("{MIN_REGIMES} to {MAX_REGIMES} [[regimes]] tables"),
        ));
    }
    let names = keys::names(&keys::regime());
    let mut out: Vec<Regime> = Vec::new();
    for (t, span) in tables {
        r.check_keys(t, &names, "regimes.")?;
        let (mut scenario, file) = match t.get("scenario") {
            Some(sv) => {
                let rel = r.string("scenario", sv, "a string in quotes")?;
                let what = format!("regime {}", out.len() + 1);
                (load_scenario(r, sv.span(), dir, &rel, &what)?, rel)
            }
            None => match base {
                Some((s, f)) => (s.clone(), f.clone()),
                None => {
                    return Err(r.missing(
                        span,
                        "scenario",
                        "a regime without its own `scenario` starts from the top-level `scenario`, and there is none",
                    ))
                }
            },
        };
        let mut set = Vec::new();
        if let Some(sv) = t.get("set") {
            levers(r, sv, "", &mut scenario, &mut set)?;
            if set.is_empty() {
                return Err(r.bad(
                    "set",
                    sv,
                    "no levers",
                    "a table of parameter paths and values",
                ));
            }
            scenario.check_consistency().map_err(|e| {
                r.bad(
                    "set",
                    sv,
                    format!("the levers contradict the scenario: {e}"),
                    "consistent values",
                )
            })?;
        }
        let (name, at) = match t.get("name") {
            Some(nv) => (r.string("name", nv, "a string in quotes")?, nv),
            None if t.get("set").is_some() && t.get("scenario").is_none() => {
                return Err(r.missing(span, "name", "a regime given by `set` needs a `name`"));
            }
            None => (scenario.name.clone(), t.get("scenario").unwrap_or(v)),
        };
        if !valid_name(&name) {
            return Err(r.bad(
                "name",
                at,
                format!("\"{name}\" cannot name a regime"),
                "1 to 64 letters, digits and _ - . + (give the regime a `name`)",
            ));
        }
        if let Some(o) = out.iter().find(|o| o.name == name) {
            return Err(r.bad(
                "name",
                at,
                format!("a second regime named `{}`", o.name),
                "a distinct `name` per regime",
            ));
        }
        if let Some(o) = out
            .iter()
            .find(|o| o.scenario.content_hash() == scenario.content_hash())
        {
            return Err(r.bad(
                "regimes",
                at,
                format!("regime `{name}` has exactly the parameters of `{}`", o.name),
                "regimes that differ",
            ));
        }
        let description = match t.get("description") {
            Some(dv) => r.string("description", dv, "a string in quotes")?,
            None if set.is_empty() => scenario.description.clone(),
            None => format!("{} with {}.", scenario.name, set.join(", ")),
        };
        scenario.name = name.clone();
        out.push(Regime {
            name,
            description,
            scenario,
            file,
            set,
        });
    }
    Ok(out)
}

/// Applies the levers of a `set` table (nested tables or dotted keys) to `scenario`.
fn levers(
    r: &Reader<'_>,
    v: &Sv<'_>,
    prefix: &str,
    scenario: &mut Scenario,
    set: &mut Vec<String>,
) -> Result<(), InputError> {
    let DeValue::Table(t) = v.get_ref() else {
        return Err(r.bad(
            "set",
            v,
            format!("expected a table, found {}", v.get_ref().type_str()),
            "a table of parameter paths: set = { \"funders.federal.core_share\" = 0.3 }",
        ));
    };
    for (k, kv) in t.iter() {
        let key: &str = k.get_ref();
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        if let DeValue::Table(_) = kv.get_ref() {
            levers(r, kv, &path, scenario, set)?;
            continue;
        }
        let Some(i) = params::index_of(&path) else {
            let (line, col) = r.at(k.span());
            return Err(InputError::UnknownParameter {
                file: r.file.into(),
                line,
                col,
                key: "set".into(),
                path: path.clone(),
                hint: did_you_mean(params::suggest(&path)),
            });
        };
        let spec = &registry()[i];
        let allowed = format!("{} ({})", spec.range_text(), spec.unit);
        let raw = raw_of(kv.get_ref()).ok_or_else(|| {
            r.bad(
                &path,
                kv,
                format!("a {} is not a parameter value", kv.get_ref().type_str()),
                allowed.clone(),
            )
        })?;
        let x = check_value(spec, &raw)
            .map_err(|p| r.bad(&path, kv, problem_text(&p), allowed.clone()))?;
        scenario.values.set_index(i, x);
        set.push(format!("{path} = {}", spec.value_text(x)));
    }
    Ok(())
}
