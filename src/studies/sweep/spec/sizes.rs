//! `method` and the sizes that go with it: `samples`, `reps_per_point`, `seed`, `levels`,
//! `second_order`, `candidate_trajectories`, `bootstrap`.

use super::keys::{
    DEFAULT_BOOTSTRAP, DEFAULT_GRID_LEVELS, DEFAULT_MORRIS_LEVELS, DEFAULT_REPS_PER_POINT,
    DEFAULT_SEED,
};
use super::{InputError, Method, MAX_BOOTSTRAP, MAX_CANDIDATES, MAX_POINTS, MAX_REPS, MAX_SOBOL_N};
use crate::input::tomlfile::hint;
use crate::input::Reader;
use std::ops::Range;
use toml::de::DeTable;

/// The method and sizes of a sweep file.
pub(super) struct Sizes {
    pub method: Method,
    /// where `method` is written (sizes errors point at it when `samples` is absent)
    pub method_span: Range<usize>,
    pub samples: usize,
    pub reps_per_point: usize,
    pub seed: u64,
    pub levels: usize,
    pub second_order: bool,
    pub candidate_trajectories: Option<usize>,
    pub bootstrap: usize,
    pub design_seed: Option<u64>,
    pub warnings: Vec<String>,
}

/// The method and sizes of a sweep file whose top-level table is `top`.
pub(super) fn sizes(
    ctx: &Reader<'_>,
    top: &DeTable<'_>,
    analytic: bool,
) -> Result<Sizes, InputError> {
    let whole = 0..0;
    let get = |k: &str| top.get(k);
    let methods = ["grid", "lhs", "morris", "sobol", "design"];
    let allowed_methods = "grid | lhs | morris | sobol | design";
    let (method, mv) = match (get("method"), get("design")) {
        (None, None) => {
            return Err(ctx.missing(
                whole.clone(),
                "method",
                "one of grid | lhs | morris | sobol, or `design = \"points.csv\"` (an external design)",
            ));
        }
        (None, Some(d)) => (Method::Design, d),
        (Some(mv), d) => {
            let mw = ctx.string("method", mv, allowed_methods)?;
            let method = match mw.as_str() {
                "grid" => Method::Grid,
                "lhs" => Method::Lhs,
                "morris" => Method::Morris,
                "sobol" => Method::Sobol,
                "design" => Method::Design,
                other => {
                    return Err(ctx.bad(
                        "method",
                        mv,
                        format!("unknown method \"{other}\"{}", hint(other, &methods)),
                        allowed_methods,
                    ));
                }
            };
            match (method, d) {
                (Method::Design, None) => {
                    return Err(ctx.missing(
                        mv.span(),
                        "design",
                        "method = \"design\" evaluates the points of a CSV file: `design = \"points.csv\"`",
                    ));
                }
                (Method::Design, Some(_)) | (_, None) => {}
                (_, Some(d)) => {
                    return Err(ctx.bad(
                        "design",
                        d,
                        format!(
                            "an external design is evaluated as given; method = \"{}\" builds its own",
                            method.name()
                        ),
                        "remove `method` (or `design`)",
                    ));
                }
            }
            (method, mv)
        }
    };

    let mut warnings = Vec::new();
    let samples = match (method, get("samples")) {
        (Method::Grid, Some(v)) => {
            return Err(ctx.bad(
                "samples",
                v,
                "a grid takes `levels` or per-parameter `values`/`levels`, not `samples`",
                "remove it",
            ));
        }
        (Method::Design, Some(v)) => {
            return Err(ctx.bad(
                "samples",
                v,
                "an external design has as many points as its file has rows",
                "remove it",
            ));
        }
        (Method::Grid | Method::Design, None) => 0,
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
        (Method::Sobol, Some(v)) => {
            let n = ctx.integer("samples", v, 2, MAX_SOBOL_N)? as usize;
            if !n.is_power_of_two() {
                let (line, col) = ctx.at(v.span());
                let below = 1usize << (usize::BITS - 1 - n.leading_zeros());
                warnings.push(format!(
                    "{}:{line}:{col}: `samples` = {n} is not a power of two: the balance of the \
                     Sobol' sequence, and with it the convergence of the indices, holds for \
                     powers of two (SALib warns likewise); {below} or {} is better",
                    ctx.file,
                    below * 2
                ));
            }
            n
        }
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
        None => DEFAULT_REPS_PER_POINT,
    };
    let seed = get("seed")
        .map(|v| ctx.integer("seed", v, 0, i64::MAX))
        .transpose()?
        .unwrap_or(DEFAULT_SEED) as u64;

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
        None if method == Method::Morris => DEFAULT_MORRIS_LEVELS,
        None => DEFAULT_GRID_LEVELS,
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
    let design_seed = match get("design_seed") {
        Some(v) if matches!(method, Method::Grid | Method::Design) => {
            return Err(ctx.bad(
                "design_seed",
                v,
                format!("a {} design has no randomness", method.name()),
                "remove it",
            ));
        }
        Some(v) => Some(ctx.integer("design_seed", v, 0, i64::MAX)? as u64),
        None => None,
    };
    let bootstrap = match get("bootstrap") {
        Some(v) => ctx.integer("bootstrap", v, 0, MAX_BOOTSTRAP)? as usize,
        None => DEFAULT_BOOTSTRAP,
    };
    Ok(Sizes {
        method,
        method_span: mv.span(),
        samples,
        reps_per_point,
        seed,
        levels,
        second_order,
        candidate_trajectories,
        bootstrap,
        design_seed,
        warnings,
    })
}
