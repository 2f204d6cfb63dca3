//! Every key of an explore file with its type, default and meaning: one table that the parser's
//! key checks use and that generates the key reference in `docs/explore.md` (a test keeps the two
//! the same).

use super::limits::*;
use crate::studies::explore::prim::Settings;

use crate::input::keys::key;
pub use crate::input::keys::{names, Key};

/// Top-level keys.
pub fn top() -> Vec<Key> {
    vec![
        key("name", "string", "file stem", "name recorded in the manifest and the report"),
        key("description", "string", "empty", "the question, shown at the top of the report"),
        key("scenario", "string", "—", "base scenario file, relative to the explore file: the regime of a `[[regimes]]` entry without its own `scenario` (required if there is one)"),
        key("states", &format!("integer {MIN_STATES}–{MAX_STATES}"), &DEFAULT_STATES.to_string(), "states of the world, sampled by Latin hypercube from `[[uncertainties]]`"),
        key("reps_per_state", &format!("integer 1–{MAX_REPS}"), &DEFAULT_REPS.to_string(), "replications of every regime in every state; replication r uses the streams (seed, r) everywhere (common random numbers)"),
        key("seed", "integer ≥ 0", &DEFAULT_SEED.to_string(), "master seed of the states, the model runs, the bootstrap and the permutations; `--seed` overrides it"),
        key("bootstrap", &format!("integer 0–{MAX_BOOTSTRAP}"), &DEFAULT_BOOTSTRAP.to_string(), "resamples of the states (with replacement) for the 95% intervals and the ranking's confidence (0 = none)"),
        key("start", "`present` or `steady`", "`present`", "where the regimes start in each state: `present`: the first regime warms up once per replication and every regime switches on at month 0 from its state (a policy changed today); `steady`: every regime warms up under its own rules (a world that always had it); `--start` overrides it"),
        key("regimes", "array of tables", "required", &format!("{MIN_REGIMES} to {MAX_REGIMES} `[[regimes]]` tables: the policies compared")),
        key("uncertainties", "array of tables", "required", &format!("1 to {MAX_UNCERTAINTIES} `[[uncertainties]]` tables: what is deeply uncertain")),
        key("outcomes", "array of tables", "required", &format!("1 to {MAX_OUTCOMES} `[[outcomes]]` tables: what is judged")),
        key("discover", "array of tables", "none", &format!("up to {MAX_DISCOVER} `[[discover]]` tables: the cases PRIM looks for")),
        key("prim", "table", "the defaults below", "PRIM settings for every `[[discover]]` (each may override them)"),
    ]
}

/// Keys of a `[[regimes]]` entry.
pub fn regime() -> Vec<Key> {
    vec![
        key("name", "string (letters, digits, `_ - . +`)", "the scenario's name", "the regime's name; required for a regime given by `set` alone"),
        key("scenario", "string", "the top-level `scenario`", "scenario file of the regime, relative to the explore file"),
        key("set", "table of parameter paths", "none", "levers on the regime's scenario: `set = { \"funders.federal.core_share\" = 0.3 }` or nested tables; values are checked like a scenario file's"),
        key("description", "string", "the scenario's", "one line shown in the report"),
    ]
}

/// Keys of an `[[uncertainties]]` entry.
pub fn uncertainty() -> Vec<Key> {
    vec![
        key("path", "string", "required", "a parameter path from `partnersim params`, each once; not a lever any regime sets"),
        key("min", "number", "required", "lower bound, inclusive, within the parameter's allowed range"),
        key("max", "number", "required", "upper bound, inclusive, larger than `min`, within the allowed range"),
        key("distribution", "string", "`uniform`; `integer` for whole-number parameters", "`uniform`, `log_uniform` (`min > 0`), `integer` (required for whole-number, switch and choice parameters: every whole number equally likely) or `triangular` (with `mode`)"),
        key("mode", "number", "— (required for `triangular`)", "the peak of a triangular distribution, from `min` to `max`"),
    ]
}

/// Keys of an `[[outcomes]]` entry.
pub fn outcome() -> Vec<Key> {
    vec![
        key("metric", "string", "required", "a metric from `partnersim metrics`, each once"),
        key("direction", "string", "the metric's better direction", "`maximize` or `minimize` (British spellings too); required for a metric with no better direction"),
        key("threshold", "number", "none", "satisficing: the outcome meets it at or above (maximize) or at or below (minimize) this value; a state satisfies a regime when every threshold is met"),
    ]
}

/// Keys of a `[[discover]]` entry (and the PRIM keys it may override).
pub fn discover() -> Vec<Key> {
    let mut v = vec![
        key("name", "string (letters, digits, `_ - .`)", "generated from the case", "name of the case in files and the report"),
        key("regime", "string", "required", "the regime whose cases are looked for"),
        key("fails", "bool", "—", "case: the regime misses at least one threshold"),
        key("outcome", "string", "— (required with `below`, `above`, `worse_than`)", "an outcome named in `[[outcomes]]`"),
        key("below", "number", "—", "case: the regime's outcome is below this value"),
        key("above", "number", "—", "case: the regime's outcome is above this value"),
        key("worse_than", "string", "—", "case: the regime does worse on `outcome` than this other regime (in the outcome's direction) by more than `by`"),
        key("by", "number ≥ 0", "0", "margin of `worse_than`"),
    ];
    v.extend(prim());
    v
}

/// Keys of the `[prim]` table (also allowed in a `[[discover]]` entry).
pub fn prim() -> Vec<Key> {
    let d = Settings::default();
    vec![
        key("peel_alpha", "number in (0, 0.5]", &d.peel_alpha.to_string(), "share of the box's states one peel removes"),
        key("paste_alpha", "number in [0, 0.5]", &d.paste_alpha.to_string(), "share of the states outside an edge one paste adds (0 = no pasting)"),
        key("mass_min", "number in (0, 1)", &d.mass_min.to_string(), "smallest share of the states a box may hold"),
        key("min_density", "number in (0, 1]", &d.min_density.to_string(), "the box chosen is the one with the largest coverage among those at least this dense (else the densest)"),
        key("significance", "number in (0, 1)", &d.significance.to_string(), "restrictions whose quasi-p-value is larger are dropped from the chosen box, the largest first; also the level of the box's permutation test"),
        key("permutations", &format!("integer 0–{MAX_PERMUTATIONS}"), &d.permutations.to_string(), "permutations of the cases for the box's significance test (0 = none)"),
    ]
}

/// The markers around the generated key reference in `docs/explore.md`.
pub const DOC_MARKERS: (&str, &str) = (
    "<!-- explore keys: generated from src/studies/explore/spec/keys.rs; PARTNERSIM_BLESS=1 cargo test --release --test explore rewrites it -->",
    "<!-- end of explore keys -->",
);

/// The key reference of `docs/explore.md`: every table in Markdown.
pub fn markdown() -> String {
    let mut out = String::new();
    for (title, keys) in [
        ("Top-level keys", top()),
        ("`[[regimes]]` keys", regime()),
        ("`[[uncertainties]]` keys", uncertainty()),
        ("`[[outcomes]]` keys", outcome()),
        (
            "`[[discover]]` keys (and the `[prim]` keys, which it may override)",
            discover()[..8].to_vec(),
        ),
        ("`[prim]` keys", prim()),
    ] {
        out.push_str(&crate::input::keys::markdown(title, &keys));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_per_table() {
        for keys in [
            top(),
            regime(),
            uncertainty(),
            outcome(),
            discover(),
            prim(),
        ] {
            assert_eq!(crate::input::keys::repeated(&keys), None);
        }
    }
}
