//! `compare.json`: what a comparison compared, written by `compare` and read by `plot` and the
//! report (one type for both).

use serde::{Deserialize, Serialize};

/// One key that differs from the baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// parameter path
    pub path: String,
    /// baseline value, as text
    pub baseline: String,
    /// this scenario's value, as text
    pub value: String,
}

/// One scenario of a comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompareEntry {
    /// scenario name
    pub name: String,
    /// its run directory, relative to the comparison directory
    pub dir: String,
    /// its description
    #[serde(default)]
    pub description: String,
    /// the scenario file it came from (with `--variant`: the base file)
    #[serde(default)]
    pub file: String,
    /// keys that differ from the baseline
    #[serde(default)]
    pub differences: Vec<Difference>,
}

/// `compare.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompareManifest {
    /// always "partnersim"
    #[serde(default)]
    pub tool: String,
    /// crate version
    #[serde(default)]
    pub version: String,
    /// baseline scenario name
    pub baseline: String,
    /// scenarios in the order given (baseline included)
    pub scenarios: Vec<CompareEntry>,
    /// master seed
    pub seed: u64,
    /// replications per scenario
    pub reps: u64,
    /// the command line
    #[serde(default)]
    pub command: String,
    /// where the regimes started (files written before starts existed: `steady`)
    #[serde(default = "crate::start::steady")]
    pub start: crate::start::Start,
    /// the question the comparison answers, given its start
    #[serde(default)]
    pub question: String,
}
