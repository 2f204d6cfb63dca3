//! Evaluating an external design in memory: the points a numerical tool (SALib, the EMA
//! Workbench, a notebook) made, run through the sweep's own job core and point evaluation, so
//! each run costs what a run of `partnersim sweep` costs and replication `r` of every point
//! shares its random streams with replication `r` of `partnersim run` (common random numbers).
//!
//! The Python package's `evaluate` is this module; `partnersim sweep` with
//! `design = "points.csv"` reads the same kind of design from a file.
//!
//! ```no_run
//! use partnersim::studies::evaluate::{check_design, evaluate, EvalOptions};
//! use partnersim::params::RawValue;
//! use partnersim::input::scenario::Scenario;
//! let s = Scenario::default();
//! let cols = vec!["reporting.coordinated".to_string()];
//! let values = check_design(&cols, &[RawValue::Int(0), RawValue::Float(1.0)]).unwrap();
//! let opts = EvalOptions::new(20, 42);
//! let e = evaluate(&s, &cols, &values, &opts, &std::env::temp_dir()).unwrap();
//! assert_eq!(e.values.len(), 2 * 20 * e.outputs.len());
//! ```

use crate::error::BadInput;
use crate::input::scenario::Scenario;
use crate::job::exec::{self, Options, Status};
use crate::job::threads::Threads;
use crate::metrics::{metric_index, METRICS};
use crate::params::RawValue;
use crate::studies::sweep::design::Design;
use crate::studies::sweep::spec::external::{self, ExternalDesign};
use crate::studies::sweep::{Method, SweepJob, SweepSpec, Target};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Most points one call evaluates.
pub const MAX_POINTS: usize = 1 << 24;

/// How to evaluate a design.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// replications per point (1 to [`crate::studies::sweep::spec::MAX_REPS`])
    pub reps: usize,
    /// master seed: replication `r` of every point uses the streams of (seed, r)
    pub seed: u64,
    /// worker threads (None: one per core); results do not depend on it
    pub threads: Option<usize>,
    /// metric names to return (empty: every metric, in catalogue order)
    pub outputs: Vec<String>,
}

impl EvalOptions {
    /// `reps` replications per point under `seed`, every metric, one thread per core.
    pub fn new(reps: usize, seed: u64) -> EvalOptions {
        EvalOptions {
            reps,
            seed,
            threads: None,
            outputs: Vec::new(),
        }
    }
}

/// The results of a design: per point, per replication, per output.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// output (metric) names, in column order
    pub outputs: Vec<String>,
    /// number of points
    pub points: usize,
    /// replications per point
    pub reps: usize,
    /// values, point-major, then replication, then output
    pub values: Vec<f64>,
    /// whether Ctrl-C stopped it early (then `values` is empty)
    pub interrupted: bool,
}

/// Checks a design's columns and cells (row-major, `cells.len()` a multiple of the number of
/// columns) as a design file's are checked: each column a registered parameter path, once; each
/// cell a value of its parameter, with switches also taking 0/1 and whole numbers integral
/// floats. The error names the row (0-based, as in a DataFrame), the column, the value, and
/// what is allowed.
pub fn check_design(columns: &[String], cells: &[RawValue]) -> Result<Vec<f64>, BadInput> {
    if columns.is_empty() {
        return Err(BadInput(
            "the design has no columns: name parameter paths (see `partnersim params`)".into(),
        ));
    }
    let params = external::check_columns(columns).map_err(|(_, p)| BadInput(p.to_string()))?;
    let k = columns.len();
    if !cells.len().is_multiple_of(k) {
        return Err(BadInput(format!(
            "{} values do not fill rows of {k} columns",
            cells.len()
        )));
    }
    let points = cells.len() / k;
    if points > MAX_POINTS {
        return Err(BadInput(format!(
            "{points} points; at most {MAX_POINTS} per call"
        )));
    }
    let mut out = Vec::with_capacity(cells.len());
    for (c, raw) in cells.iter().enumerate() {
        let (row, col) = (c / k, c % k);
        let index = params[col].index.unwrap_or(usize::MAX);
        let v = external::check_cell(index, raw).map_err(|(problem, allowed)| {
            BadInput(format!(
                "design row {row}, column `{}` = {}: {problem}; allowed: {allowed}",
                columns[col],
                raw_text(raw)
            ))
        })?;
        out.push(v);
    }
    Ok(out)
}

fn raw_text(raw: &RawValue) -> String {
    match raw {
        RawValue::Int(i) => i.to_string(),
        RawValue::Float(f) => f.to_string(),
        RawValue::Bool(b) => b.to_string(),
        RawValue::Str(s) => format!("\"{s}\""),
    }
}

/// The sweep that evaluates `values` (checked by [`check_design`]) over `scenario`.
pub fn design_spec(
    scenario: &Scenario,
    columns: &[String],
    values: &[f64],
    opts: &EvalOptions,
) -> Result<SweepSpec, BadInput> {
    let max_reps = crate::studies::sweep::spec::MAX_REPS;
    if opts.reps == 0 || opts.reps as i64 > max_reps {
        return Err(BadInput(format!(
            "reps = {}: allowed 1 to {max_reps}",
            opts.reps
        )));
    }
    let outputs: Vec<String> = if opts.outputs.is_empty() {
        METRICS.iter().map(|m| m.name.to_string()).collect()
    } else {
        opts.outputs.clone()
    };
    let mut output_index = Vec::with_capacity(outputs.len());
    for o in &outputs {
        let i = metric_index(o).ok_or_else(|| {
            BadInput(format!(
                "unknown output `{o}`{}",
                crate::input::tomlfile::did_you_mean(crate::input::tomlfile::closest(
                    o,
                    METRICS.iter().map(|m| m.name),
                    0.7
                ))
            ))
        })?;
        output_index.push(i);
    }
    let params = external::check_columns(columns).map_err(|(_, p)| BadInput(p.to_string()))?;
    let k = columns.len();
    let points = values.len() / k.max(1);
    let design = ExternalDesign::in_memory(points, values.to_vec());
    Ok(SweepSpec {
        file: scenario.source.clone().unwrap_or_default(),
        name: format!("evaluate {}", scenario.name),
        description: String::new(),
        file_hash: design.sha256.clone(),
        target: Target::Scenario {
            path: scenario.source.clone().unwrap_or_default(),
            scenario: Box::new(scenario.clone()),
        },
        method: Method::Design,
        samples: 0,
        reps_per_point: opts.reps,
        seed: opts.seed,
        outputs,
        output_index,
        parameters: external::with_bounds(params, values),
        levels: 0,
        second_order: false,
        candidate_trajectories: None,
        bootstrap: 0,
        design_seed: None,
        external: Some(design),
        warnings: Vec::new(),
    })
}

/// Refuses, before anything runs, a point whose values are each in range but inconsistent
/// together (as a scenario file with those values would be), naming its row.
fn check_points(scenario: &Scenario, columns: &[String], values: &[f64]) -> Result<(), BadInput> {
    for (row, x) in values.chunks(columns.len().max(1)).enumerate() {
        let mut s = scenario.clone();
        let pairs: Vec<(&str, f64)> = columns
            .iter()
            .map(String::as_str)
            .zip(x.iter().copied())
            .collect();
        s.set_values(&pairs)
            .map_err(|e| BadInput(format!("design row {row}: {e}")))?;
    }
    Ok(())
}

static SCRATCH: AtomicU64 = AtomicU64::new(0);

/// Evaluates `values` (checked by [`check_design`], row-major over `columns`) over `scenario`
/// with `opts`, through the sweep's job core in a scratch directory under `scratch` that is
/// removed afterwards. Replication `r` of point `p` is the run of the scenario with the point's
/// values and seed `(opts.seed, r)`: bit for bit what `partnersim run --set …` gives for that
/// replication.
pub fn evaluate(
    scenario: &Scenario,
    columns: &[String],
    values: &[f64],
    opts: &EvalOptions,
    scratch: &Path,
) -> Result<Evaluation> {
    let spec = design_spec(scenario, columns, values, opts)?;
    let k = columns.len();
    let points = values.len() / k.max(1);
    check_points(scenario, columns, values)?;
    let n_out = spec.outputs.len();
    let design = Design {
        n: points,
        k,
        unit: None,
        values: values.to_vec(),
    };
    let job = SweepJob::new(&spec, &design, opts.seed, None);
    let dir = scratch_dir(scratch);
    let eopts = Options {
        quiet: true,
        label: "evaluate".into(),
        output_bytes: (points * opts.reps * n_out * 8) as u64,
        ..Options::new(Threads::new(opts.threads)?)
    };
    let mut out = Vec::with_capacity(points * opts.reps * n_out);
    let status = exec::execute(
        &job,
        &dir,
        &eopts,
        Some(&mut |_items, v: &[f64]| {
            out.extend_from_slice(v);
            Ok(())
        }),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let interrupted = matches!(status?, Status::Interrupted { .. });
    if interrupted {
        out.clear();
    }
    Ok(Evaluation {
        outputs: spec.outputs.clone(),
        points,
        reps: opts.reps,
        values: out,
        interrupted,
    })
}

fn scratch_dir(base: &Path) -> PathBuf {
    let n = SCRATCH.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    base.join(format!(
        "partnersim-evaluate-{}-{n}-{nanos}",
        std::process::id()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_cells_name_row_column_and_range() {
        let cols = vec!["reporting.coordinated".to_string()];
        let e = check_design(&cols, &[RawValue::Int(1), RawValue::Float(0.5)]).unwrap_err();
        assert!(e.0.contains("row 1"), "{}", e.0);
        assert!(e.0.contains("reporting.coordinated"), "{}", e.0);
        let e = check_design(&["reporting.coordinatd".to_string()], &[]).unwrap_err();
        assert!(e.0.contains("did you mean"), "{}", e.0);
        let ok = check_design(&cols, &[RawValue::Bool(true), RawValue::Float(0.0)]);
        assert_eq!(ok.map_err(|e| e.0), Ok(vec![1.0, 0.0]));
    }
}
