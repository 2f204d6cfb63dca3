//! A sweep's files: `points.csv`, `results.csv` (streamed as chunks arrive), `sensitivity.csv`,
//! `variance.csv` and the sweep's part of `manifest.json`; and reading them back, so that
//! `partnersim plot` re-draws a sweep from its directory alone.

use super::design::Design;
use super::estimators::{Estimate, NoiseDecomposition};
use super::results::{
    ParameterRecord, PointStats, SensRow, SweepDetails, SweepOutcome, TargetRecord,
};
use super::spec::{Method, SweepSpec, Target};
use super::testmodels::TestModel;
use crate::error::BadInput;
use crate::job::manifest::Manifest;
use crate::output::export::{write_atomic, CsvStream};
use crate::params::{self, registry};
use anyhow::Result;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

/// Formats a number for CSV: shortest round-trip text, exponent form only for extreme sizes;
/// empty for NaN and infinities.
pub fn fmt_f64(v: f64) -> String {
    if !v.is_finite() {
        String::new()
    } else if v == 0.0 || (1e-5..1e15).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

fn fmt_param(spec: &SweepSpec, i: usize, v: f64) -> String {
    match spec.parameters[i].index.map(|r| registry()[r].kind) {
        Some(params::Kind::Float) | None => fmt_f64(v),
        Some(_) => params::fmt_num(v),
    }
}

fn num(s: &str) -> f64 {
    if s.is_empty() {
        f64::NAN
    } else {
        s.parse().unwrap_or(f64::NAN)
    }
}

/// Writes `points.csv`: the design, one row per point.
pub fn write_points(spec: &SweepSpec, design: &Design, out: &Path) -> Result<()> {
    let header = std::iter::once("point".to_string())
        .chain(spec.parameters.iter().map(|p| p.path.clone()))
        .collect::<Vec<_>>()
        .join(",");
    let mut pts = CsvStream::create(out.join("points.csv"), &header)?;
    let mut line = String::new();
    for p in 0..design.n {
        line.clear();
        let _ = write!(line, "{p}");
        for (i, &v) in design.point(p).iter().enumerate() {
            line.push(',');
            line.push_str(&fmt_param(spec, i, v));
        }
        pts.line(&line)?;
    }
    pts.finish()
}

/// Takes point records in point order: streams `results.csv` and accumulates the point
/// statistics (the sink of a sweep job).
pub struct Results {
    csv: CsvStream,
    stats: PointStats,
    reps: usize,
    outputs: usize,
}

impl Results {
    /// Starts `results.csv` in `out`.
    pub fn new(spec: &SweepSpec, points: usize, out: &Path) -> Result<Results> {
        let header = format!("point,replication,{}", spec.outputs.join(","));
        Ok(Results {
            csv: CsvStream::create(out.join("results.csv"), &header)?,
            stats: PointStats::new(
                points,
                spec.reps_per_point,
                spec.outputs.len(),
                (spec.method == Method::Sobol).then(|| super::design::layout(spec)),
            ),
            reps: spec.reps_per_point,
            outputs: spec.outputs.len(),
        })
    }

    /// Takes the records of points `items`.
    pub fn push(&mut self, items: Range<u64>, values: &[f64]) -> Result<()> {
        let rl = self.reps * self.outputs;
        let mut line = String::new();
        for (p, record) in items.zip(values.chunks_exact(rl)) {
            for r in 0..self.reps {
                line.clear();
                let _ = write!(line, "{p},{r}");
                for v in &record[r * self.outputs..(r + 1) * self.outputs] {
                    line.push(',');
                    line.push_str(&fmt_f64(*v));
                }
                self.csv.line(&line)?;
            }
            self.stats.push(p as usize, record);
        }
        Ok(())
    }

    /// Finishes `results.csv`; returns the point statistics.
    pub fn finish(self) -> Result<PointStats> {
        self.csv.finish()?;
        Ok(self.stats)
    }
}

/// Writes `sensitivity.csv` and `variance.csv`.
pub fn write_indices(spec: &SweepSpec, o: &SweepOutcome, out: &Path) -> Result<()> {
    let mut text = String::from("output,parameter,index,value,ci95_low,ci95_high\n");
    for r in &o.sensitivity {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{}",
            r.output,
            r.parameter,
            r.index,
            fmt_f64(r.estimate.value),
            fmt_f64(r.estimate.low),
            fmt_f64(r.estimate.high)
        );
    }
    let p = out.join("sensitivity.csv");
    write_atomic(&p, text.as_bytes())?;
    let (n, reps) = (o.design.n, o.reps);
    let mut text = String::from("output,points,reps_per_point,var_point_means,mean_within_var,noise_var_of_means,noise_share,param_share,single_run_noise_share,crn_noise_var_of_means,crn_noise_share\n");
    for (name, d) in spec.outputs.iter().zip(&o.variance) {
        let d: &NoiseDecomposition = d;
        let _ = writeln!(
            text,
            "{name},{n},{reps},{},{},{},{},{},{},{},{}",
            fmt_f64(d.var_point_means),
            fmt_f64(d.mean_within_var),
            fmt_f64(d.noise_var_of_means),
            fmt_f64(d.noise_share),
            fmt_f64(if d.noise_share.is_finite() {
                d.param_share
            } else {
                f64::NAN
            }),
            fmt_f64(d.single_run_noise_share),
            fmt_f64(d.crn_noise_var_of_means),
            fmt_f64(d.crn_noise_share),
        );
    }
    let p = out.join("variance.csv");
    Ok(write_atomic(&p, text.as_bytes())?)
}

/// `manifest.json` of a sweep.
pub type SweepManifest = Manifest<SweepDetails>;

/// The sweep's manifest details.
pub fn details(spec: &SweepSpec, seed: u64, points: usize, chunk_points: u64) -> SweepDetails {
    let target = match &spec.target {
        Target::Scenario { path, scenario } => TargetRecord {
            kind: "scenario".into(),
            name: scenario.name.clone(),
            path: Some(path.display().to_string()),
            content_sha256: Some(scenario.content_hash()),
            constants: Vec::new(),
        },
        Target::Analytic(m) => TargetRecord {
            kind: "test_model".into(),
            name: m.name().into(),
            path: None,
            content_sha256: None,
            constants: match m {
                TestModel::Ishigami { a, b } => vec![*a, *b],
                TestModel::SobolG { a } => a.clone(),
            },
        },
    };
    SweepDetails {
        name: spec.name.clone(),
        description: spec.description.clone(),
        sweep_file: spec.file.display().to_string(),
        sweep_file_sha256: spec.file_hash.clone(),
        target,
        method: spec.method.name().into(),
        seed,
        design_seed: spec.design_seed_or(seed),
        design_file: spec.external.as_ref().map(|d| d.path.display().to_string()),
        design_sha256: spec.external.as_ref().map(|d| d.sha256.clone()),
        samples: spec.samples,
        levels: spec.levels,
        second_order: spec.second_order,
        candidate_trajectories: spec.candidate_trajectories,
        bootstrap_resamples: spec.bootstrap,
        reps_per_point: spec.reps_per_point,
        points,
        model_runs: points * spec.reps_per_point,
        parameters: spec
            .parameters
            .iter()
            .map(|p| ParameterRecord {
                path: p.path.clone(),
                min: p.min,
                max: p.max,
                distribution: p.distribution.name().into(),
                grid_values: (spec.method == Method::Grid).then(|| p.grid_values(spec.levels)),
            })
            .collect(),
        outputs: spec.outputs.clone(),
        common_random_numbers: "replication r of every point uses Model::new(cfg, seed, r)".into(),
        chunk_points,
    }
}

/// The header and rows of a CSV file the sweep wrote, through the one strict reader
/// ([`crate::input::csv::Table`]: a column named twice or a ragged row is refused with the row).
fn csv_rows(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let t = crate::input::csv::Table::read(path, &path.display().to_string())?;
    let header = t.names().into_iter().map(String::from).collect();
    let rows = t
        .rows
        .into_iter()
        .map(|r| r.cells.into_iter().map(|c| c.text).collect())
        .collect();
    Ok((header, rows))
}

/// Reads a finished sweep directory back: its manifest details and what it computed (the design,
/// point statistics from `results.csv`, the rows of `sensitivity.csv`).
pub fn read(dir: &Path) -> Result<(SweepDetails, SweepOutcome)> {
    let m = SweepManifest::read(dir)?;
    let d = m.details;
    let k = d.parameters.len();
    let (_, rows) = csv_rows(&dir.join("points.csv"))?;
    let mut values = Vec::with_capacity(rows.len() * k);
    for r in &rows {
        values.extend(r.iter().skip(1).map(|c| num(c)));
    }
    let n = rows.len();
    let reps = d.reps_per_point;
    let n_out = d.outputs.len();
    let (_, results) = csv_rows(&dir.join("results.csv"))?;
    if results.len() != n * reps {
        return Err(BadInput::err(format!(
            "{}: {} rows for {n} points x {reps} replications",
            dir.join("results.csv").display(),
            results.len()
        )));
    }
    let layout = (d.method == "sobol").then_some(super::estimators::SaltelliLayout {
        k,
        second_order: d.second_order,
    });
    let mut stats = PointStats::new(n, reps, n_out, layout);
    let mut record = Vec::with_capacity(reps * n_out);
    for (p, block) in results.chunks(reps.max(1)).enumerate() {
        record.clear();
        for r in block {
            record.extend(r.iter().skip(2).map(|c| num(c)));
        }
        stats.push(p, &record);
    }
    let (_, sens) = csv_rows(&dir.join("sensitivity.csv"))?;
    let sensitivity = sens
        .iter()
        .map(|r| SensRow {
            output: r[0].clone(),
            parameter: r[1].clone(),
            index: r[2].clone(),
            estimate: Estimate {
                value: num(&r[3]),
                low: num(&r[4]),
                high: num(&r[5]),
            },
        })
        .collect();
    let variance = super::results::variance(&stats);
    let outcome = SweepOutcome {
        dir: dir.to_path_buf(),
        design: Design {
            n,
            k,
            unit: None,
            values,
        },
        reps,
        means: stats.means,
        within: stats.within,
        sensitivity,
        variance,
        wall_seconds: m.wall_seconds,
    };
    Ok((d, outcome))
}
