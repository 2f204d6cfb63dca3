//! `[[discover]]` and `[prim]`: the cases PRIM looks for and its settings.

use super::valid_name;
use super::{keys, Case, Discover, InputError, Outcome, Regime, MAX_DISCOVER, MAX_PERMUTATIONS};
use crate::input::tomlfile::hint;
use crate::input::{Reader, Sv};
use crate::studies::explore::prim::Settings;
use toml::de::{DeTable, DeValue};

/// The `[prim]` table: settings for every `[[discover]]` entry.
pub(super) fn prim_table(r: &Reader<'_>, v: &Sv<'_>) -> Result<Settings, InputError> {
    let DeValue::Table(t) = v.get_ref() else {
        return Err(r.bad(
            "prim",
            v,
            format!("expected a table, found {}", v.get_ref().type_str()),
            "a [prim] table",
        ));
    };
    r.check_keys(t, &keys::names(&keys::prim()), "prim.")?;
    settings(r, t, Settings::default())
}

/// The PRIM keys of `t` over `base`.
fn settings(r: &Reader<'_>, t: &DeTable<'_>, base: Settings) -> Result<Settings, InputError> {
    let mut s = base;
    let num = |k: &str, lo: f64, hi: f64, open_lo: bool, open_hi: bool, allowed: &str| {
        t.get(k)
            .map(|v| {
                let x = r.number_in(k, v, lo, hi, allowed)?;
                if (open_lo && x <= lo) || (open_hi && x >= hi) {
                    return Err(r.bad(k, v, "out of range", allowed));
                }
                Ok(x)
            })
            .transpose()
    };
    if let Some(x) = num("peel_alpha", 0.0, 0.5, true, false, "a number in (0, 0.5]")? {
        s.peel_alpha = x;
    }
    if let Some(x) = num(
        "paste_alpha",
        0.0,
        0.5,
        false,
        false,
        "a number in [0, 0.5]",
    )? {
        s.paste_alpha = x;
    }
    if let Some(x) = num("mass_min", 0.0, 1.0, true, true, "a number in (0, 1)")? {
        s.mass_min = x;
    }
    if let Some(x) = num("min_density", 0.0, 1.0, true, false, "a number in (0, 1]")? {
        s.min_density = x;
    }
    if let Some(x) = num("significance", 0.0, 1.0, true, true, "a number in (0, 1)")? {
        s.significance = x;
    }
    if let Some(v) = t.get("permutations") {
        s.permutations = r.whole("permutations", v, 0, MAX_PERMUTATIONS)? as usize;
    }
    Ok(s)
}

/// The `[[discover]]` entries.
pub(super) fn discover(
    r: &Reader<'_>,
    top: &DeTable<'_>,
    regimes: &[Regime],
    outcomes: &[Outcome],
    defaults: Settings,
) -> Result<Vec<Discover>, InputError> {
    let Some(v) = top.get("discover") else {
        return Ok(Vec::new());
    };
    let tables = r.tables("discover", v)?;
    if tables.len() > MAX_DISCOVER {
        return Err(r.bad(
            "discover",
            v,
            format!("{} entries", tables.len()),
            format!("up to {MAX_DISCOVER} [[discover]] tables"),
        ));
    }
    let names = keys::names(&keys::discover());
    let regime_names: Vec<&str> = regimes.iter().map(|g| g.name.as_str()).collect();
    let outcome_names: Vec<&str> = outcomes.iter().map(|o| o.metric.as_str()).collect();
    let find_regime = |key: &str, v: &Sv<'_>| -> Result<usize, InputError> {
        let name = r.string(key, v, "a string in quotes")?;
        regime_names.iter().position(|n| *n == name).ok_or_else(|| {
            r.bad(
                key,
                v,
                format!("no regime `{name}`{}", hint(&name, &regime_names)),
                format!("one of {}", regime_names.join(", ")),
            )
        })
    };
    let mut out: Vec<Discover> = Vec::new();
    for (t, span) in tables {
        r.check_keys(t, &names, "discover.")?;
        let Some(gv) = t.get("regime") else {
            return Err(r.missing(
                span,
                "regime",
                "every [[discover]] entry names the regime whose cases are looked for",
            ));
        };
        let regime = find_regime("regime", gv)?;
        let outcome = || -> Result<usize, InputError> {
            let Some(ov) = t.get("outcome") else {
                return Err(r.missing(
                    span.clone(),
                    "outcome",
                    format!(
                        "`below`, `above` and `worse_than` compare an outcome: one of {}",
                        outcome_names.join(", ")
                    ),
                ));
            };
            let name = r.string("outcome", ov, "a string in quotes")?;
            outcome_names
                .iter()
                .position(|n| *n == name)
                .ok_or_else(|| {
                    r.bad(
                        "outcome",
                        ov,
                        format!(
                            "`{name}` is not among the [[outcomes]]{}",
                            hint(&name, &outcome_names)
                        ),
                        format!("one of {}", outcome_names.join(", ")),
                    )
                })
        };
        let given: Vec<&str> = ["fails", "below", "above", "worse_than"]
            .into_iter()
            .filter(|k| t.get(*k).is_some())
            .collect();
        if given.len() != 1 {
            let at = t
                .get(given.get(1).copied().unwrap_or("regime"))
                .unwrap_or(gv);
            return Err(r.bad(
                "discover",
                at,
                if given.is_empty() {
                    "no case given".to_string()
                } else {
                    format!("{} cases given ({})", given.len(), given.join(", "))
                },
                "exactly one of `fails = true`, `below = X`, `above = X`, `worse_than = \"regime\"`",
            ));
        }
        let case = match given[0] {
            "fails" => {
                let fv = t.get("fails").unwrap_or(gv);
                if !r.boolean("fails", fv)? {
                    return Err(r.bad(
                        "fails",
                        fv,
                        "`fails = false` asks for nothing",
                        "fails = true",
                    ));
                }
                if outcomes.iter().all(|o| o.threshold.is_none()) {
                    return Err(r.bad(
                        "fails",
                        fv,
                        "no outcome has a `threshold` to fail",
                        "give an [[outcomes]] entry a `threshold`",
                    ));
                }
                Case::Fails
            }
            "below" | "above" => {
                let k = given[0];
                let bv = t.get(k).unwrap_or(gv);
                let value = r.number_in(k, bv, f64::MIN, f64::MAX, "a finite number")?;
                let outcome = outcome()?;
                if k == "below" {
                    Case::Below { outcome, value }
                } else {
                    Case::Above { outcome, value }
                }
            }
            _ => {
                let wv = t.get("worse_than").unwrap_or(gv);
                let other = find_regime("worse_than", wv)?;
                if other == regime {
                    return Err(r.bad(
                        "worse_than",
                        wv,
                        "a regime compared with itself",
                        "another regime",
                    ));
                }
                let by = t
                    .get("by")
                    .map(|bv| r.number_in("by", bv, 0.0, f64::MAX, "a number ≥ 0"))
                    .transpose()?
                    .unwrap_or(0.0);
                Case::WorseThan {
                    outcome: outcome()?,
                    other,
                    by,
                }
            }
        };
        if let (Some(bv), false) = (t.get("by"), matches!(case, Case::WorseThan { .. })) {
            return Err(r.bad(
                "by",
                bv,
                "`by` is the margin of `worse_than`",
                "remove it, or use worse_than",
            ));
        }
        let name = match t.get("name") {
            Some(nv) => {
                let n = r.string("name", nv, "a string in quotes")?;
                if !valid_name(&n) || n.contains('+') {
                    return Err(r.bad(
                        "name",
                        nv,
                        format!("\"{n}\" cannot name a case"),
                        "1 to 64 letters, digits and _ - .",
                    ));
                }
                n
            }
            None => default_name(&regimes[regime].name, &case, outcomes, regimes),
        };
        if out.iter().any(|d| d.name == name) {
            let at = t.get("name").unwrap_or(gv);
            return Err(r.bad(
                "name",
                at,
                format!("a second case named `{name}`"),
                "a distinct `name` per [[discover]] entry",
            ));
        }
        let prim = settings(r, t, defaults)?;
        out.push(Discover {
            name,
            regime,
            case,
            prim,
        });
    }
    Ok(out)
}

/// `prompt_payment-fails`, `baseline-survival_rate-below`, `a-worse-than-b-survival_rate`.
fn default_name(regime: &str, case: &Case, outcomes: &[Outcome], regimes: &[Regime]) -> String {
    let n = match case {
        Case::Fails => format!("{regime}-fails"),
        Case::Below { outcome, .. } => format!("{regime}-{}-below", outcomes[*outcome].metric),
        Case::Above { outcome, .. } => format!("{regime}-{}-above", outcomes[*outcome].metric),
        Case::WorseThan { outcome, other, .. } => format!(
            "{regime}-worse-than-{}-{}",
            regimes[*other].name, outcomes[*outcome].metric
        ),
    };
    n.replace('+', "-")
}
