//! External designs: `design = "points.csv"`, the points of a design made elsewhere (SALib, the
//! EMA Workbench, a spreadsheet), evaluated exactly as given.
//!
//! The file's header names parameter paths (an optional first column `point`, as in a sweep's own
//! `points.csv`, is ignored); each row is a point. A cell is read as `--set` reads a value
//! ([`params::check_value_lenient`]): switches take `true`/`false` (any case, as pandas writes
//! them) or `1`/`0`, whole numbers an integral value such as `24.0`, choices their word or
//! index, and every value is checked against the parameter's range. [`check_columns`] and [`check_cell`] are the same checks for designs
//! that arrive by other ways (the Python package's `evaluate`).

use super::{Distribution, InputError, SweepParam, Target};
use crate::input::csv::Table;
use crate::input::tomlfile::did_you_mean;
use crate::input::Reader;
use crate::params::{self, registry, Kind, RawValue, ValueProblem};
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
    ctx: &Reader<'_>,
    top: &DeTable<'_>,
    target: &Target,
    dir: &Path,
) -> Result<(Vec<SweepParam>, ExternalDesign), InputError> {
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
    let bytes = crate::input::tomlfile::read_bytes(&path).map_err(|e| {
        ctx.bad(
            "design",
            dv,
            format!("cannot read {file}: {e}"),
            "a readable CSV file, relative to the sweep file",
        )
    })?;
    let text = crate::input::tomlfile::utf8(bytes.clone())
        .map_err(|why| ctx.bad("design", dv, format!("{file}: {why}"), "a CSV file"))?;
    let table = Table::parse(&file, &text)?;
    // an optional first column `point` (as in a sweep's own points.csv) is ignored
    let first = usize::from(table.header.first().is_some_and(|c| c.text == "point"));
    let head = &table.header[first..];
    let paths: Vec<String> = head.iter().map(|c| c.text.clone()).collect();
    let bad_header =
        |col: usize, value: &str, problem: String, allowed: String| InputError::CsvValue {
            file: file.clone(),
            row: 1,
            col,
            column: "header".into(),
            value: value.into(),
            problem,
            allowed,
        };
    if paths.is_empty() {
        return Err(bad_header(
            1,
            "point",
            "no parameter columns".into(),
            "parameter paths from `partnersim params`, separated by commas".into(),
        ));
    }
    let parameters = match target {
        Target::Scenario { .. } => check_columns(&paths).map_err(|(c, p)| match p {
            ColumnProblem::Unknown { path, hint } => InputError::UnknownParameter {
                file: file.clone(),
                line: 1,
                col: head[c].col,
                key: "column".into(),
                path,
                hint,
            },
            dup => bad_header(
                head[c].col,
                &paths[c],
                dup.to_string(),
                "each parameter once".into(),
            ),
        })?,
        Target::Analytic(m) => {
            let inputs: Vec<String> = (1..=m.inputs()).map(|i| format!("x{i}")).collect();
            if paths != inputs {
                return Err(bad_header(
                    1,
                    &paths.join(","),
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
    let mut values = Vec::with_capacity(table.rows.len() * parameters.len());
    let mut check = match target {
        Target::Scenario { scenario, .. } => Some((**scenario).clone()),
        Target::Analytic(_) => None,
    };
    for row in &table.rows {
        for (j, p) in parameters.iter().enumerate() {
            let c = first + j;
            let cell = &row.cells[c].text;
            // pandas writes a boolean column as True/False
            let raw = match cell.to_ascii_lowercase().as_str() {
                "true" => RawValue::Bool(true),
                "false" => RawValue::Bool(false),
                _ => RawValue::parse_cli(cell),
            };
            let v = match p.index {
                Some(idx) => check_cell(idx, &raw).map_err(|(m, a)| table.bad_cell(row, c, m, a)),
                None => match raw {
                    RawValue::Int(x) => Ok(x as f64),
                    RawValue::Float(x) if x.is_finite() => Ok(x),
                    _ => Err(table.bad_cell(row, c, "not a finite number", "any finite number")),
                },
            }?;
            values.push(v);
        }
        if let Some(s) = &mut check {
            // the point's values together, as the run will set them
            let point = &values[values.len() - parameters.len()..];
            let pairs: Vec<(&str, f64)> = parameters
                .iter()
                .map(|p| p.path.as_str())
                .zip(point.iter().copied())
                .collect();
            s.set_values(&pairs).map_err(|e| InputError::Inconsistent {
                file: format!("{file}:{}", row.row),
                msg: format!("this point: {}", e.message()),
            })?;
        }
    }
    let points = table.rows.len();
    if points == 0 {
        return Err(InputError::CsvRow {
            file: file.clone(),
            row: 2,
            msg: "the design has no points; give one row per point after the header".into(),
        });
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
