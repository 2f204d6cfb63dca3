//! Every key of a sweep file with its type, default and meaning: one table that the parser's
//! key checks and defaults use and that generates the key reference in `docs/sensitivity.md`
//! (`tests/docs.rs` keeps the two the same).

use super::{MAX_BOOTSTRAP, MAX_CANDIDATES, MAX_REPS, MAX_SOBOL_N};
pub use crate::input::keys::Key;
use crate::input::keys::{key, names, thousands};

/// Replications per point of a sweep of the model.
pub const DEFAULT_REPS_PER_POINT: usize = 10;
/// Master seed.
pub const DEFAULT_SEED: i64 = 1;
/// Levels of a grid parameter that gives neither `values` nor `levels`.
pub const DEFAULT_GRID_LEVELS: usize = 5;
/// Morris grid levels p.
pub const DEFAULT_MORRIS_LEVELS: usize = 4;
/// Bootstrap resamples.
pub const DEFAULT_BOOTSTRAP: usize = 1000;
/// Ishigami constant a.
pub const ISHIGAMI_A: f64 = 7.0;
/// Ishigami constant b.
pub const ISHIGAMI_B: f64 = 0.1;

/// The top-level keys of a sweep file.
pub fn top_keys() -> Vec<Key> {
    vec![
        key("name", "string", "file stem", "name recorded in the manifest"),
        key("description", "string", "empty", "free text recorded in the manifest"),
        key("scenario", "string", "—", "base scenario file, relative to the sweep file. Every parameter not swept keeps its value from this scenario. Exactly one of `scenario` and `model` is required."),
        key("model", "string", "—", "an analytic test model instead of the simulation: `\"ishigami\"` or `\"sobol_g\"`"),
        key("a", "number (ishigami) / array of numbers ≥ 0 (sobol_g)", &format!("ishigami: {ISHIGAMI_A}; sobol_g: required"), "model constants; `sobol_g` has one input per constant"),
        key("b", "number", &ISHIGAMI_B.to_string(), "Ishigami constant"),
        key("method", "string", "required unless `design`", "`grid`, `lhs`, `morris`, `sobol`, or `design` (optional with `design`)"),
        key("design", "string", "—", "an external design: a CSV file, relative to the sweep file, whose header names parameter paths (an optional first column `point` is ignored) and whose rows are the points, evaluated exactly as given (no indices). Switches take `true`/`false` (any case) or `1`/`0`, whole numbers integral values such as `24.0`, choices their word or index; every value is checked against the parameter's range. Not with `[[parameters]]`, `samples` or another `method`."),
        key("samples", "integer", "required except for grid", &format!("sobol: base sample N, 2 to {} (the scrambled Sobol' generator supports 2^16 points; a sample that is not a power of two is run with a warning); lhs: points; morris: trajectories r. Not allowed for grid or design.", thousands(MAX_SOBOL_N))),
        key("reps_per_point", &format!("integer 1–{}", thousands(MAX_REPS)), &format!("{DEFAULT_REPS_PER_POINT} (1 for test models)"), "replications per point; test models are deterministic and accept only 1"),
        key("seed", "integer ≥ 0", &DEFAULT_SEED.to_string(), "master seed of the model runs, the bootstrap and (unless `design_seed`) the design; `--seed` overrides it"),
        key("design_seed", "integer ≥ 0", "`seed`", "seed of the design alone (Latin hypercube, Morris trajectories, Sobol' scrambling): hold it fixed and change `seed` to change only the replications' luck; `--design-seed` overrides it. Not for grid or design."),
        key("outputs", "array of strings", "the 16 required metrics (`y` for test models)", "metric names as `partnersim metrics` lists them (test models: `\"y\"`)"),
        key("levels", "integer", &format!("grid: {DEFAULT_GRID_LEVELS}; morris: {DEFAULT_MORRIS_LEVELS}"), "grid: levels of parameters that give neither `values` nor `levels`; morris: number of grid levels p (even, ≥ 2)"),
        key("second_order", "bool", "false", "sobol only: also estimate S2 (adds k rows per base row)"),
        key("candidate_trajectories", &format!("integer, `samples` + 1 to {}", thousands(MAX_CANDIDATES)), "none", "morris only: draw this many trajectories and keep the `samples` that spread most (Campolongo et al. 2007)"),
        key("bootstrap", &format!("integer 0–{}", thousands(MAX_BOOTSTRAP)), &DEFAULT_BOOTSTRAP.to_string(), "bootstrap resamples for the 95% intervals (0 = none)"),
        key("parameters", "array of tables", "required unless `design`", "one `[[parameters]]` table per swept parameter"),
    ]
}

/// The keys of a `[[parameters]]` entry.
pub fn parameter_keys() -> Vec<Key> {
    vec![
        key("path", "string", "required", "a parameter path from `partnersim params` (or `x1`…`xk` for a test model, each input once and all of them)"),
        key("min", "number", "required unless `values`", "lower bound, inclusive, within the parameter's allowed range; a whole number for whole-number parameters"),
        key("max", "number", "required unless `values`", "upper bound, inclusive, within the parameter's allowed range, larger than `min`; a whole number for whole-number parameters"),
        key("distribution", "string", "`uniform`; `integer` for whole-number, boolean and choice parameters", "`uniform`: `min + u (max − min)`; `log_uniform`: `exp(ln min + u (ln max − ln min))`, needs `min > 0`; `integer` (required for whole-number, boolean and choice parameters): `min + floor(u (max − min + 1))`, so every whole number is equally likely"),
        key("values", "array of numbers", "—", "grid only, instead of `min`/`max`: the exact values (each within range, distinct)"),
        key("levels", "integer ≥ 2", "the top-level `levels`", "grid only: evenly spaced values from `min` to `max` (on the log scale for `log_uniform`; rounded and de-duplicated for `integer`)"),
    ]
}

/// The names of the top-level keys.
pub fn top_key_names() -> Vec<&'static str> {
    names(&top_keys())
}

/// The names of the keys of a `[[parameters]]` entry.
pub fn parameter_key_names() -> Vec<&'static str> {
    names(&parameter_keys())
}

/// The markers around the generated key reference in `docs/sensitivity.md`.
pub const DOC_MARKERS: (&str, &str) = (
    "<!-- sweep keys: generated from src/studies/sweep/spec/keys.rs; PARTNERSIM_BLESS=1 cargo test --release --test docs rewrites it -->",
    "<!-- end of sweep keys -->",
);

/// The key reference of `docs/sensitivity.md`: both tables in Markdown.
pub fn markdown() -> String {
    use crate::input::keys::markdown;
    format!(
        "{}\n{}",
        markdown("Top-level keys", &top_keys()),
        markdown("`[[parameters]]` keys", &parameter_keys())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique() {
        assert_eq!(crate::input::keys::repeated(&top_keys()), None);
        assert_eq!(crate::input::keys::repeated(&parameter_keys()), None);
    }
}
