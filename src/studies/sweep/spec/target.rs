//! `scenario` or `model` (with `a`, `b`): what a sweep runs.

use super::keys::{ISHIGAMI_A, ISHIGAMI_B};
use super::{InputError, Target};
use crate::input::scenario::Scenario;
use crate::input::tomlfile::hint;
use crate::input::Reader;
use crate::studies::sweep::testmodels::TestModel;
use std::path::Path;
use toml::de::DeTable;

/// The target of a sweep file whose top-level table is `top`, in directory `dir`.
pub(super) fn target(
    ctx: &Reader<'_>,
    top: &DeTable<'_>,
    dir: &Path,
) -> Result<Target, InputError> {
    let file = ctx.file;
    let whole = 0..0;
    let get = |k: &str| top.get(k);
    Ok(match (get("scenario"), get("model")) {
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
            let scenario = Scenario::load(&path)
                .map_err(|e| e.within(file, ctx.at(s.span()), "base scenario"))?;
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
                        .unwrap_or(ISHIGAMI_A);
                    let b = get("b")
                        .map(|v| ctx.number("b", v, "a finite number"))
                        .transpose()?
                        .unwrap_or(ISHIGAMI_B);
                    Target::Analytic(TestModel::Ishigami { a, b })
                }
                "sobol_g" => {
                    if let Some(v) = get("b") {
                        return Err(ctx.bad("b", v, "sobol_g has no constant `b`", "remove it"));
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
    })
}
