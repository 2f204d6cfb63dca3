//! Running a sweep: design → model runs (parallel, in index order) → files → estimators → plots.

use super::design::{self, Design};
use super::estimators::{self, Estimate, NoiseDecomposition};
use super::plots;
use super::spec::{Method, SweepSpec, Target};
use crate::export::{prepare_output_dir, write_atomic};
use crate::model::{Config, Model};
use crate::params::{self, registry};
use anyhow::Context;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `partnersim sweep`.
#[derive(Debug, Clone, Default)]
pub struct SweepArgs {
    /// the sweep file
    pub file: PathBuf,
    /// output directory (default `output/sweeps/<file stem>/`)
    pub out: Option<PathBuf>,
    /// master seed, overriding the file's `seed`
    pub seed: Option<u64>,
    /// worker threads (default: rayon's global pool, one per core)
    pub threads: Option<usize>,
    /// no progress bar
    pub quiet: bool,
}

/// Model runs held in memory at once (the rows of one chunk of results.csv).
pub const CHUNK_RUNS: usize = 4096;

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SensRow {
    /// output metric
    pub output: String,
    /// parameter path (`a:b` for S2)
    pub parameter: String,
    /// S1 | ST | S2 | mu | mu_star | sigma
    pub index: &'static str,
    /// estimate with 95% interval
    pub estimate: Estimate,
}

/// Everything a finished sweep computed (also written to the output directory).
#[derive(Debug, Clone)]
pub struct SweepOutcome {
    /// output directory
    pub dir: PathBuf,
    /// the design
    pub design: Design,
    /// replications per point
    pub reps: usize,
    /// per output, per point: mean over replications
    pub means: Vec<Vec<f64>>,
    /// per output, per point: sample variance over replications (NaN with one replication)
    pub within: Vec<Vec<f64>>,
    /// sensitivity rows, in file order
    pub sensitivity: Vec<SensRow>,
    /// per output: replication noise vs parameter-driven variation
    pub variance: Vec<NoiseDecomposition>,
    /// wall time in seconds
    pub wall_seconds: f64,
}

/// Runs the sweep described by `args`; returns the output directory.
pub fn run(args: &SweepArgs) -> anyhow::Result<PathBuf> {
    let spec = SweepSpec::load(&args.file)?;
    let out = match &args.out {
        Some(o) => o.clone(),
        None => {
            let stem = args
                .file
                .file_stem()
                .map_or_else(|| "sweep".to_string(), |s| s.to_string_lossy().into_owned());
            Path::new("output").join("sweeps").join(stem)
        }
    };
    let seed = args.seed.unwrap_or(spec.seed);
    run_spec(&spec, &out, seed, args.threads, args.quiet)?;
    Ok(out)
}

/// Formats a number for CSV: shortest round-trip text, exponent form only for extreme sizes.
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

/// A CSV written in pieces to a temporary file and renamed into place at the end.
struct CsvStream {
    tmp: PathBuf,
    dest: PathBuf,
    w: std::io::BufWriter<std::fs::File>,
}

impl CsvStream {
    fn create(dest: PathBuf, header: &str) -> anyhow::Result<CsvStream> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let f = std::fs::File::create(&tmp).with_context(|| tmp.display().to_string())?;
        let mut w = std::io::BufWriter::new(f);
        writeln!(w, "{header}")?;
        Ok(CsvStream { tmp, dest, w })
    }

    fn line(&mut self, s: &str) -> anyhow::Result<()> {
        writeln!(self.w, "{s}")?;
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        let f = self.w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&self.tmp, &self.dest).with_context(|| self.dest.display().to_string())?;
        Ok(())
    }
}

/// What one point evaluates: a model configuration or the values for a test model.
enum PointModel {
    Config(Box<Config>),
    Values(Vec<f64>),
}

fn point_model(spec: &SweepSpec, x: &[f64]) -> anyhow::Result<PointModel> {
    match &spec.target {
        Target::Analytic(_) => Ok(PointModel::Values(x.to_vec())),
        Target::Scenario { scenario, .. } => {
            let mut s = (**scenario).clone();
            for (p, &v) in spec.parameters.iter().zip(x) {
                s.set_value(&p.path, v)?;
            }
            s.check_consistency()
                .map_err(|e| anyhow::anyhow!("sweep point {x:?}: {e}"))?;
            Ok(PointModel::Config(Box::new(Config::from_values(&s.values))))
        }
    }
}

fn evaluate(spec: &SweepSpec, m: &PointModel, seed: u64, replication: u64) -> Vec<f64> {
    match (m, &spec.target) {
        (PointModel::Values(x), Target::Analytic(tm)) => vec![tm.eval(x)],
        (PointModel::Config(cfg), _) => {
            let out = Model::new(cfg, seed, replication).run();
            spec.output_index.iter().map(|&i| out.summary[i]).collect()
        }
        // point_model builds Values only for analytic targets
        (PointModel::Values(_), Target::Scenario { .. }) => vec![f64::NAN; spec.outputs.len()],
    }
}

/// Runs a validated sweep into `out` with `seed`; `threads` = None uses rayon's global pool.
pub fn run_spec(
    spec: &SweepSpec,
    out: &Path,
    seed: u64,
    threads: Option<usize>,
    quiet: bool,
) -> anyhow::Result<SweepOutcome> {
    match threads {
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()?;
            pool.install(|| run_inner(spec, out, seed, threads, quiet))
        }
        None => run_inner(spec, out, seed, threads, quiet),
    }
}

fn run_inner(
    spec: &SweepSpec,
    out: &Path,
    seed: u64,
    threads: Option<usize>,
    quiet: bool,
) -> anyhow::Result<SweepOutcome> {
    let start = Instant::now();
    prepare_output_dir(out)?;
    let design = design::build(spec, seed);
    let (n, k) = (design.n, design.k);
    let reps = spec.reps_per_point;
    let n_out = spec.outputs.len();

    // points.csv
    let header = std::iter::once("point".to_string())
        .chain(spec.parameters.iter().map(|p| p.path.clone()))
        .collect::<Vec<_>>()
        .join(",");
    let mut pts = CsvStream::create(out.join("points.csv"), &header)?;
    for p in 0..n {
        let row = design.point(p);
        let mut line = p.to_string();
        for (i, &v) in row.iter().enumerate() {
            line.push(',');
            line.push_str(&fmt_param(spec, i, v));
        }
        pts.line(&line)?;
    }
    pts.finish()?;

    // results.csv, chunk by chunk
    let header = format!("point,replication,{}", spec.outputs.join(","));
    let mut res = CsvStream::create(out.join("results.csv"), &header)?;
    let mut means = vec![vec![f64::NAN; n]; n_out];
    let mut within = vec![vec![f64::NAN; n]; n_out];
    let pb = crate::progress::bar((n * reps) as u64, "sweep", quiet);
    let chunk = (CHUNK_RUNS / reps).max(1);
    let mut p0 = 0;
    while p0 < n {
        let p1 = (p0 + chunk).min(n);
        let models: Vec<PointModel> = (p0..p1)
            .into_par_iter()
            .map(|p| point_model(spec, design.point(p)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let runs: Vec<Vec<f64>> = (0..(p1 - p0) * reps)
            .into_par_iter()
            .map(|t| {
                let y = evaluate(spec, &models[t / reps], seed, (t % reps) as u64);
                pb.inc(1);
                y
            })
            .collect();
        for (j, p) in (p0..p1).enumerate() {
            let block = &runs[j * reps..(j + 1) * reps];
            for (r, y) in block.iter().enumerate() {
                let mut line = format!("{p},{r}");
                for v in y {
                    line.push(',');
                    line.push_str(&fmt_f64(*v));
                }
                res.line(&line)?;
            }
            for o in 0..n_out {
                let ys: Vec<f64> = block.iter().map(|y| y[o]).collect();
                means[o][p] = estimators::mean(&ys);
                within[o][p] = estimators::sample_variance(&ys);
            }
        }
        p0 = p1;
    }
    pb.finish_and_clear();
    res.finish()?;

    // estimators
    let mut sens = Vec::new();
    let names: Vec<&str> = spec.parameters.iter().map(|p| p.path.as_str()).collect();
    match spec.method {
        Method::Sobol => {
            let layout = design::layout(spec);
            let boot = estimators::bootstrap_indices(spec.samples, spec.bootstrap, seed);
            for (o, name) in spec.outputs.iter().enumerate() {
                let r = estimators::sobol_indices(&means[o], layout, &boot);
                let row = |parameter: String, index, estimate| SensRow {
                    output: name.clone(),
                    parameter,
                    index,
                    estimate,
                };
                for (name, e) in names.iter().zip(&r.s1) {
                    sens.push(row(name.to_string(), "S1", *e));
                }
                for (name, e) in names.iter().zip(&r.st) {
                    sens.push(row(name.to_string(), "ST", *e));
                }
                for (i, j, e) in r.s2 {
                    sens.push(row(format!("{}:{}", names[i], names[j]), "S2", e));
                }
            }
        }
        Method::Morris => {
            let boot = estimators::bootstrap_indices(spec.samples, spec.bootstrap, seed);
            let unit = design.unit.as_deref().unwrap_or(&[]);
            for (o, name) in spec.outputs.iter().enumerate() {
                let ee = estimators::elementary_effects(unit, &means[o], k);
                let r = estimators::morris_indices(&ee, k, &boot);
                for (index, v) in [("mu", &r.mu), ("mu_star", &r.mu_star), ("sigma", &r.sigma)] {
                    for i in 0..k {
                        sens.push(SensRow {
                            output: name.clone(),
                            parameter: names[i].to_string(),
                            index,
                            estimate: v[i],
                        });
                    }
                }
            }
        }
        Method::Grid | Method::Lhs => {}
    }
    let mut text = String::from("output,parameter,index,value,ci95_low,ci95_high\n");
    for r in &sens {
        text.push_str(&format!(
            "{},{},{},{},{},{}\n",
            r.output,
            r.parameter,
            r.index,
            fmt_f64(r.estimate.value),
            fmt_f64(r.estimate.low),
            fmt_f64(r.estimate.high)
        ));
    }
    write_atomic(&out.join("sensitivity.csv"), text.as_bytes())?;

    let variance: Vec<NoiseDecomposition> = (0..n_out)
        .map(|o| estimators::noise_decomposition(&means[o], &within[o], reps))
        .collect();
    let mut text = String::from("output,points,reps_per_point,var_point_means,mean_within_var,noise_var_of_means,noise_share,param_share,single_run_noise_share\n");
    for (o, d) in variance.iter().enumerate() {
        text.push_str(&format!(
            "{},{n},{reps},{},{},{},{},{},{}\n",
            spec.outputs[o],
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
        ));
    }
    write_atomic(&out.join("variance.csv"), text.as_bytes())?;

    let outcome = SweepOutcome {
        dir: out.to_path_buf(),
        design,
        reps,
        means,
        within,
        sensitivity: sens,
        variance,
        wall_seconds: 0.0,
    };
    let plot_files = plots::render_all(spec, &outcome, &out.join("plots"))?;

    let wall = start.elapsed().as_secs_f64();
    let manifest = manifest(spec, &outcome, seed, threads, wall, &plot_files);
    write_atomic(
        &out.join("manifest.json"),
        format!("{}\n", serde_json::to_string_pretty(&manifest)?).as_bytes(),
    )?;
    Ok(SweepOutcome {
        wall_seconds: wall,
        ..outcome
    })
}

fn manifest(
    spec: &SweepSpec,
    o: &SweepOutcome,
    seed: u64,
    threads: Option<usize>,
    wall: f64,
    plot_files: &[String],
) -> serde_json::Value {
    use serde_json::json;
    let target = match &spec.target {
        Target::Scenario { path, scenario } => json!({
            "kind": "scenario",
            "path": path.display().to_string(),
            "name": scenario.name,
            "content_sha256": scenario.content_hash(),
        }),
        Target::Analytic(m) => match m {
            super::testmodels::TestModel::Ishigami { a, b } => {
                json!({"kind": "test_model", "model": m.name(), "a": a, "b": b})
            }
            super::testmodels::TestModel::SobolG { a } => {
                json!({"kind": "test_model", "model": m.name(), "a": a})
            }
        },
    };
    let params: Vec<serde_json::Value> = spec
        .parameters
        .iter()
        .map(|p| {
            json!({
                "path": p.path,
                "min": p.min,
                "max": p.max,
                "distribution": p.distribution.name(),
                "grid_values": if spec.method == Method::Grid { Some(p.grid_values(spec.levels)) } else { None },
            })
        })
        .collect();
    let mut files = vec![
        "points.csv".to_string(),
        "results.csv".into(),
        "sensitivity.csv".into(),
        "variance.csv".into(),
    ];
    files.extend(plot_files.iter().map(|f| format!("plots/{f}")));
    json!({
        "tool": "partnersim",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "sweep",
        "name": spec.name,
        "description": spec.description,
        "sweep_file": spec.file.display().to_string(),
        "sweep_file_sha256": spec.file_hash,
        "target": target,
        "method": spec.method.name(),
        "seed": seed,
        "samples": spec.samples,
        "levels": spec.levels,
        "second_order": spec.second_order,
        "bootstrap_resamples": spec.bootstrap,
        "reps_per_point": o.reps,
        "points": o.design.n,
        "model_runs": o.design.n * o.reps,
        "parameters": params,
        "outputs": spec.outputs,
        "common_random_numbers": "replication r of every point uses Model::new(cfg, seed, r)",
        "threads": threads,
        "wall_time_seconds": wall,
        "files": files,
    })
}
