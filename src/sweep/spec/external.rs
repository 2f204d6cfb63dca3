//! External designs: `design = "points.csv"`, the points of a design made elsewhere (SALib, the
//! EMA Workbench, a spreadsheet), evaluated exactly as given.
//!
//! The file's header names parameter paths (an optional first column `point`, as in a sweep's own
//! `points.csv`, is ignored); each row is a point. A cell is read as `--set` reads a value
//! ([`params::check_value_lenient`]): switches take `true`/`false` (any case, as pandas writes
//! them) or `1`/`0`, whole numbers an integral value such as `24.0`, choices their word or
//! index, and every value is checked against the parameter's range. [`check_columns`] and [`check_cell`] are the same checks for designs
//! that arrive by other ways (the Python package's `evaluate`).

use super::ctx::Ctx;
use super::{Distribution, SweepError, SweepParam, Target};
use crate::params::{self, registry, Kind, RawValue, ValueProblem};
use crate::tomlfile::did_you_mean;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// The points of an external design.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalDesign {
    /// the file, as resolved against the sweep file (empty for a design given in memory)
    pub path: PathBuf,
    /// SHA-256 of the file's bytes (of the values, for a design given in memory)
    pub sha256: String,
    /// number of points (rows)
    pub points: usize,
    /// parameter values, row-major, in column order
    pub values: Vec<f64>,
}

impl ExternalDesign {
    /// A design given in memory (`points` rows of `values.len() / points` values), identified by
    /// the SHA-256 of its values' bits.
    pub fn in_memory(points: usize, values: Vec<f64>) -> ExternalDesign {
        let mut h = Sha256::new();
        for v in &values {
            h.update(v.to_bits().to_le_bytes());
        }
        ExternalDesign {
            path: PathBuf::new(),
            sha256: hex(&h.finalize()),
            points,
            values,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a column of a design is refused: an unknown path (with a did-you-mean), or a path given
/// twice.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnProblem {
    /// not a registered parameter (or not an input of the test model)
    Unknown {
        /// the column as written
        path: String,
        /// ", did you mean `…`?" or a list of inputs
        hint: String,
    },
    /// the same parameter twice
    Duplicate(String),
}

impl std::fmt::Display for ColumnProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnProblem::Unknown { path, hint } => {
                write!(f, "column `{path}`: unknown parameter{hint}")
            }
            ColumnProblem::Duplicate(p) => write!(f, "column `{p}` appears twice"),
        }
    }
}

/// The swept parameters of a design with columns `paths` of a scenario's registry (bounds are
/// filled in later from the values, see [`with_bounds`]).
pub fn check_columns(paths: &[String]) -> Result<Vec<SweepParam>, (usize, ColumnProblem)> {
    let mut out: Vec<SweepParam> = Vec::with_capacity(paths.len());
    for (c, path) in paths.iter().enumerate() {
        let Some(i) = params::index_of(path) else {
            let hint = did_you_mean(params::suggest(path));
            return Err((
                c,
                ColumnProblem::Unknown {
                    path: path.clone(),
                    hint,
                },
            ));
        };
        if out.iter().any(|p| &p.path == path) {
            return Err((c, ColumnProblem::Duplicate(path.clone())));
        }
        let distribution = match registry()[i].kind {
            Kind::Float => Distribution::Uniform,
            _ => Distribution::Integer,
        };
        out.push(SweepParam {
            path: path.clone(),
            index: Some(i),
            min: registry()[i].min,
            max: registry()[i].max,
            distribution,
            values: None,
            levels: None,
        });
    }
    Ok(out)
}

/// Checks one value of a design against the parameter at registry index `index`; the error says
/// what is wrong and what is allowed: `(problem, allowed)`.
pub fn check_cell(index: usize, raw: &RawValue) -> Result<f64, (String, String)> {
    let spec = &registry()[index];
    params::check_value_lenient(spec, raw).map_err(|p| {
        let problem = match p {
            ValueProblem::WrongType { expected, found } => {
                format!("expected {expected}, found {found}")
            }
            ValueProblem::OutOfRange { value } => format!("{value} is out of range"),
            ValueProblem::UnknownChoice { value } => format!("unknown word \"{value}\""),
        };
        (problem, format!("{} ({})", spec.range_text(), spec.unit))
    })
}

/// Sets each parameter's `min` and `max` to the smallest and largest value the design gives it
/// (recorded in the manifest).
pub fn with_bounds(mut parameters: Vec<SweepParam>, values: &[f64]) -> Vec<SweepParam> {
    let k = parameters.len();
    for (j, p) in parameters.iter_mut().enumerate() {
        let col = values.iter().skip(j).step_by(k.max(1));
        p.min = col.clone().copied().fold(f64::INFINITY, f64::min);
        p.max = col.copied().fold(f64::NEG_INFINITY, f64::max);
    }
    parameters
}

/// The parameters and points of the sweep file's `design`.
pub(super) fn from_file(
    ctx: &Ctx<'_>,
    top: &DeTable<'_>,
    target: &Target,
    dir: &Path,
) -> Result<(Vec<SweepParam>, ExternalDesign), SweepError> {
    let dv = top
        .get("design")
        .ok_or_else(|| ctx.missing(0..0, "design", "the CSV file of the points"))?;
    if let Some(pv) = top.get("parameters") {
        return Err(ctx.bad(
            "parameters",
            pv,
            "an external design's parameters are the columns of its file",
            "remove the [[parameters]] tables",
        ));
    }
    let rel = ctx.string("design", dv, "a CSV file, relative to the sweep file")?;
    let path = dir.join(&rel);
    let file = path.display().to_string();
    let bytes = crate::tomlfile::read_bytes(&path).map_err(|e| {
        ctx.bad(
            "design",
            dv,
            format!("cannot read {file}: {e}"),
            "a readable CSV file, relative to the sweep file",
        )
    })?;
    let text = crate::tomlfile::utf8(bytes.clone())
        .map_err(|why| ctx.bad("design", dv, format!("{file}: {why}"), "a CSV file"))?;
    let bad =
        |line: usize, col: usize, key: &str, value: &str, problem: String, allowed: String| {
            SweepError::BadValue {
                file: file.clone(),
                line,
                col,
                key: key.into(),
                value: value.into(),
                problem,
                allowed,
            }
        };
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.next() else {
        return Err(bad(
            1,
            1,
            "header",
            "",
            "the file is empty".into(),
            "a header of parameter paths, then one row per point".into(),
        ));
    };
    let cells = |l: &str| -> Vec<(usize, String)> {
        let mut col = 1;
        l.split(',')
            .map(|c| {
                let at = col + c.len() - c.trim_start().len();
                col += c.chars().count() + 1;
                (at, c.trim().trim_matches('"').to_string())
            })
            .collect()
    };
    let mut head = cells(header);
    let skip_point = head.first().is_some_and(|(_, c)| c == "point");
    if skip_point {
        head.remove(0);
    }
    let paths: Vec<String> = head.iter().map(|(_, c)| c.clone()).collect();
    if paths.is_empty() || paths.iter().any(String::is_empty) {
        return Err(bad(
            1,
            1,
            "header",
            header,
            "a column without a name".into(),
            "parameter paths from `partnersim params`, separated by commas".into(),
        ));
    }
    let parameters = match target {
        Target::Scenario { .. } => check_columns(&paths).map_err(|(c, p)| match p {
            ColumnProblem::Unknown { path, hint } => SweepError::UnknownParameter {
                file: file.clone(),
                line: 1,
                col: head[c].0,
                path,
                hint,
            },
            dup => bad(
                1,
                head[c].0,
                "header",
                &paths[c],
                dup.to_string(),
                "each parameter once".into(),
            ),
        })?,
        Target::Analytic(m) => {
            let inputs: Vec<String> = (1..=m.inputs()).map(|i| format!("x{i}")).collect();
            if paths != inputs {
                return Err(bad(
                    1,
                    1,
                    "header",
                    header,
                    format!("the columns of a design of {} are its inputs", m.name()),
                    inputs.join(","),
                ));
            }
            inputs
                .iter()
                .map(|p| SweepParam {
                    path: p.clone(),
                    index: None,
                    min: f64::NEG_INFINITY,
                    max: f64::INFINITY,
                    distribution: Distribution::Uniform,
                    values: None,
                    levels: None,
                })
                .collect()
        }
    };
    let k = parameters.len();
    let mut values = Vec::new();
    let mut points = 0;
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let mut row = cells(line);
        if skip_point && !row.is_empty() {
            row.remove(0);
        }
        if row.len() != k {
            return Err(bad(
                n,
                1,
                "row",
                line,
                format!("{} values, the header names {k} parameters", row.len()),
                format!("{k} values separated by commas"),
            ));
        }
        for ((col, cell), p) in row.iter().zip(&parameters) {
            // pandas writes a boolean column as True/False
            let raw = match cell.to_ascii_lowercase().as_str() {
                "true" => RawValue::Bool(true),
                "false" => RawValue::Bool(false),
                _ => RawValue::parse_cli(cell),
            };
            let v = match p.index {
                Some(idx) => {
                    check_cell(idx, &raw).map_err(|(m, a)| bad(n, *col, &p.path, cell, m, a))
                }
                None => match raw {
                    RawValue::Int(x) => Ok(x as f64),
                    RawValue::Float(x) if x.is_finite() => Ok(x),
                    _ => Err(bad(
                        n,
                        *col,
                        &p.path,
                        cell,
                        "not a finite number".into(),
                        "any finite number".into(),
                    )),
                },
            }?;
            values.push(v);
        }
        points += 1;
    }
    if points == 0 {
        return Err(bad(
            1,
            1,
            "rows",
            "",
            "the design has no points".into(),
            "one row per point after the header".into(),
        ));
    }
    let parameters = with_bounds(parameters, &values);
    let mut h = Sha256::new();
    h.update(&bytes);
    Ok((
        parameters,
        ExternalDesign {
            path,
            sha256: hex(&h.finalize()),
            points,
            values,
        },
    ))
}
