//! Running a sweep: design → model runs (parallel, in index order) → files → estimators → plots.

use super::design::{self, Design};
use super::estimators::{self, Estimate, NoiseDecomposition};
use super::plots;
use super::resume::{
    chunk_path, clear_sweep, decode_chunk, encode_chunk, read_json, SweepIdentity,
    SweepShardRecord, IDENTITY_FILE, SHARD_FILE,
};
use super::spec::{Method, SweepError, SweepSpec, Target};
use crate::export::{prepare_output_dir, write_atomic};
use crate::model::{Config, Model};
use crate::params::{self, registry};
use crate::run::INTERRUPTED;
use anyhow::Context;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
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

/// Model runs per chunk by default (the unit of work saved to disk and of resume):
/// a chunk holds `max(1, CHUNK_RUNS / reps_per_point)` points unless `--chunk-points` says otherwise.
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

impl SweepOutcome {
    /// The `top` most influential parameters of each output, for a terminal: by total-order
    /// index ST (sobol), μ* (morris), or |SRC| when the linear R² is at least 0.7 and |PRCC|
    /// otherwise (lhs). Empty for grids, which compute no indices.
    pub fn ranking(&self, top: usize) -> String {
        let mut outputs: Vec<&str> = Vec::new();
        for r in &self.sensitivity {
            if !outputs.contains(&r.output.as_str()) {
                outputs.push(&r.output);
            }
        }
        let mut t = String::new();
        for out in outputs {
            let rows: Vec<&SensRow> = self
                .sensitivity
                .iter()
                .filter(|r| r.output == out)
                .collect();
            let has = |i: &str| rows.iter().any(|r| r.index == i);
            let r2 = rows
                .iter()
                .find(|r| r.index == "R2")
                .map(|r| r.estimate.value)
                .filter(|v| v.is_finite());
            let index = if has("ST") {
                "ST"
            } else if has("mu_star") {
                "mu_star"
            } else if r2.is_some_and(|v| v >= 0.7) {
                "SRC"
            } else if has("PRCC") {
                "PRCC"
            } else {
                continue;
            };
            // undefined estimates (a constant output, too few points) are NaN: not ranked
            let mut ranked: Vec<&&SensRow> = rows
                .iter()
                .filter(|r| r.index == index && r.estimate.value.is_finite())
                .collect();
            ranked.sort_by(|a, b| b.estimate.value.abs().total_cmp(&a.estimate.value.abs()));
            let r2_text = r2.map_or_else(String::new, |v| format!(", R² {v:.2}"));
            let shown = &ranked[..top.min(ranked.len())];
            let width = shown
                .iter()
                .map(|r| r.parameter.chars().count())
                .max()
                .unwrap_or(0);
            let size = shown
                .iter()
                .map(|r| r.estimate.high.abs())
                .fold(0.0, f64::max);
            let d = crate::stats::decimals(size);
            t.push_str(&format!("{out} (by {index}{r2_text}, 95% CI):\n"));
            if shown.is_empty() {
                t.push_str("  undefined: the output does not vary, or too few points\n");
            }
            for r in shown {
                let e = r.estimate;
                let line = if matches!(index, "SRC" | "PRCC") {
                    format!("{:+.d$} [{:+.d$}, {:+.d$}]", e.value, e.low, e.high)
                } else {
                    format!("{:.d$} [{:.d$}, {:.d$}]", e.value, e.low, e.high)
                };
                t.push_str(&format!("  {:<width$}  {line}\n", r.parameter));
            }
        }
        t
    }
}

/// How a sweep treats an existing output directory, and which slice it computes.
#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    /// continue an unfinished sweep of the same identity, reusing its finished chunks
    pub resume: bool,
    /// discard whatever sweep the directory holds and start over
    pub force: bool,
    /// compute only shard I of N (1-based I): a contiguous block of chunks, no final outputs
    pub shard: Option<(u64, u64)>,
    /// points per chunk (default: enough points for about [`CHUNK_RUNS`] model runs)
    pub chunk_points: Option<usize>,
}

/// How a sweep invocation ended.
#[derive(Debug, Clone)]
pub enum SweepStatus {
    /// every chunk is done and the final outputs are written
    Finished(Box<SweepOutcome>),
    /// stopped by Ctrl-C / SIGTERM after a finished chunk; `--resume` continues
    Interrupted {
        /// output directory
        dir: PathBuf,
        /// chunks finished (of this invocation's range)
        chunks_done: u64,
        /// chunks in this invocation's range
        chunks_total: u64,
    },
    /// a shard finished its chunks and wrote `sweep_shard.json`
    Shard {
        /// output directory
        dir: PathBuf,
        /// (I, N)
        shard: (u64, u64),
        /// first chunk computed
        first_chunk: u64,
        /// one past the last chunk computed
        end_chunk: u64,
    },
}

impl SweepStatus {
    /// The output directory.
    pub fn dir(&self) -> &Path {
        match self {
            SweepStatus::Finished(o) => &o.dir,
            SweepStatus::Interrupted { dir, .. } | SweepStatus::Shard { dir, .. } => dir,
        }
    }
}

fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "sweep".to_string(), |s| s.to_string_lossy().into_owned());
    Path::new("output").join("sweeps").join(stem)
}

/// Runs the sweep described by `args`; returns the output directory (also when interrupted:
/// check [`crate::run::INTERRUPTED`]).
pub fn run(args: &SweepArgs) -> anyhow::Result<PathBuf> {
    Ok(run_with(args, &SweepOptions::default())?
        .dir()
        .to_path_buf())
}

/// Runs the sweep described by `args` with resume/force/shard options.
pub fn run_with(args: &SweepArgs, opts: &SweepOptions) -> anyhow::Result<SweepStatus> {
    let spec = SweepSpec::load(&args.file)?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.file));
    let seed = args.seed.unwrap_or(spec.seed);
    run_spec_with(&spec, &out, seed, args.threads, args.quiet, opts)
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
            Ok(PointModel::Config(Box::new(s.config())))
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
    match run_spec_with(spec, out, seed, threads, quiet, &SweepOptions::default())? {
        SweepStatus::Finished(o) => Ok(*o),
        SweepStatus::Interrupted { dir, .. } => anyhow::bail!(
            "sweep interrupted; finished chunks are saved in {}: resume to continue",
            dir.display()
        ),
        SweepStatus::Shard { .. } => anyhow::bail!("unexpected shard result"),
    }
}

/// [`run_spec`] with resume/force/shard options.
pub fn run_spec_with(
    spec: &SweepSpec,
    out: &Path,
    seed: u64,
    threads: Option<usize>,
    quiet: bool,
    opts: &SweepOptions,
) -> anyhow::Result<SweepStatus> {
    crate::run::thread_pool(threads.map(|n| n.max(1)))?
        .install(|| run_inner(spec, out, seed, threads, quiet, opts))
}

/// A refusal to run or merge, as an error of the sweep.
pub(crate) fn refused(msg: String) -> anyhow::Error {
    SweepError::Refused(msg).into()
}

fn run_inner(
    spec: &SweepSpec,
    out: &Path,
    seed: u64,
    threads: Option<usize>,
    quiet: bool,
    opts: &SweepOptions,
) -> anyhow::Result<SweepStatus> {
    let start = Instant::now();
    if let Some((i, n)) = opts.shard {
        if n == 0 || i == 0 || i > n {
            return Err(refused(format!("--shard {i}/{n}: need 1 <= I <= N")));
        }
    }
    if opts.chunk_points == Some(0) {
        return Err(refused("--chunk-points 0: must be at least 1".into()));
    }
    prepare_output_dir(out)?;
    let design = design::build(spec, seed);
    let reps = spec.reps_per_point;
    let chunk_points = opts.chunk_points.unwrap_or((CHUNK_RUNS / reps).max(1));
    let id = SweepIdentity::new(spec, seed, design.n, chunk_points);

    // ---------------------------------------------------------------- the output directory
    let id_path = out.join(IDENTITY_FILE);
    let manifest_path = out.join("manifest.json");
    if let Some(old) = read_json::<SweepIdentity>(&id_path) {
        // the chunk size matters only while chunks are on disk
        let only_chunking = SweepIdentity {
            chunk_points: id.chunk_points,
            ..old.clone()
        } == id
            && !out.join(".chunks").exists();
        if let Some(what) = id.differs(&old).filter(|_| !only_chunking) {
            if !opts.force {
                return Err(refused(format!(
                    "{}: holds a different sweep ({what}); pass --force to replace it or choose another --out",
                    out.display()
                )));
            }
            clear_sweep(out)?;
        } else if opts.force {
            clear_sweep(out)?;
        } else if !opts.resume
            && opts.shard.is_none()
            && !manifest_path.exists()
            && out.join(".chunks").exists()
        {
            return Err(refused(format!(
                "{}: holds an unfinished run of this sweep; pass --resume to continue it (finished chunks are reused) or --force to start over",
                out.display()
            )));
        }
    } else if opts.force {
        clear_sweep(out)?;
    }
    write_atomic(&id_path, serde_json::to_string_pretty(&id)?.as_bytes())?;
    if opts.shard.is_none() {
        // from here on the directory holds an unfinished single-machine sweep
        for f in ["manifest.json", SHARD_FILE] {
            let p = out.join(f);
            if p.exists() {
                std::fs::remove_file(&p).with_context(|| p.display().to_string())?;
            }
        }
    }

    // ---------------------------------------------------------------- chunks
    let total = id.chunks();
    let (lo, hi) = match opts.shard {
        Some((i, n)) => crate::run::shard_chunks(total, i, n),
        None => (0, total),
    };
    let reuse = opts.resume || opts.shard.is_some();
    let runs_in_range: usize = (lo..hi)
        .map(|c| {
            let (p0, p1) = id.chunk_range(c);
            (p1 - p0) * reps
        })
        .sum();
    let pb = crate::progress::bar(runs_in_range as u64, "sweep", quiet);
    let mut done = 0;
    let mut interrupted = false;
    for c in lo..hi {
        let (p0, p1) = id.chunk_range(c);
        let path = chunk_path(out, c);
        if reuse {
            if let Ok(bytes) = std::fs::read(&path) {
                if decode_chunk(&bytes, &id, c).is_some() {
                    done += 1;
                    pb.inc(((p1 - p0) * reps) as u64);
                    continue;
                }
            }
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            interrupted = true;
            break;
        }
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
        let flat: Vec<f64> = runs.into_iter().flatten().collect();
        write_atomic(&path, &encode_chunk(&id, c, &flat))
            .with_context(|| format!("writing {}", path.display()))?;
        done += 1;
    }
    pb.finish_and_clear();
    if interrupted {
        return Ok(SweepStatus::Interrupted {
            dir: out.to_path_buf(),
            chunks_done: done,
            chunks_total: hi - lo,
        });
    }
    if let Some((i, n)) = opts.shard {
        let rec = SweepShardRecord {
            identity: id,
            sweep_file: spec.file.display().to_string(),
            sweep_file_abs: spec
                .file
                .canonicalize()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            shard: i,
            shards: n,
            first_chunk: lo,
            end_chunk: hi,
        };
        write_atomic(
            &out.join(SHARD_FILE),
            serde_json::to_string_pretty(&rec)?.as_bytes(),
        )?;
        return Ok(SweepStatus::Shard {
            dir: out.to_path_buf(),
            shard: (i, n),
            first_chunk: lo,
            end_chunk: hi,
        });
    }
    let files: Vec<PathBuf> = (0..total).map(|c| chunk_path(out, c)).collect();
    let outcome = finalize(spec, &id, design, out, &files, threads, start, None)?;
    let _ = std::fs::remove_dir_all(out.join(".chunks"));
    Ok(SweepStatus::Finished(Box::new(outcome)))
}

/// Computes the final outputs from the chunk files (in point order): `points.csv`,
/// `results.csv`, `sensitivity.csv`, `variance.csv`, plots and `manifest.json` (last).
#[allow(clippy::too_many_arguments)]
pub(crate) fn finalize(
    spec: &SweepSpec,
    id: &SweepIdentity,
    design: Design,
    out: &Path,
    chunk_files: &[PathBuf],
    threads: Option<usize>,
    start: Instant,
    merged_from: Option<Vec<String>>,
) -> anyhow::Result<SweepOutcome> {
    let seed = id.seed;
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

    // results.csv, chunk by chunk, in point order
    let header = format!("point,replication,{}", spec.outputs.join(","));
    let mut res = CsvStream::create(out.join("results.csv"), &header)?;
    let mut means = vec![vec![f64::NAN; n]; n_out];
    let mut within = vec![vec![f64::NAN; n]; n_out];
    for (c, path) in chunk_files.iter().enumerate() {
        let c = c as u64;
        let (p0, p1) = id.chunk_range(c);
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let vals = decode_chunk(&bytes, id, c).with_context(|| {
            format!(
                "{}: not a chunk of this sweep (damaged or from another sweep)",
                path.display()
            )
        })?;
        for (j, p) in (p0..p1).enumerate() {
            let block = &vals[j * reps * n_out..(j + 1) * reps * n_out];
            for r in 0..reps {
                let mut line = format!("{p},{r}");
                for v in &block[r * n_out..(r + 1) * n_out] {
                    line.push(',');
                    line.push_str(&fmt_f64(*v));
                }
                res.line(&line)?;
            }
            for o in 0..n_out {
                let ys: Vec<f64> = (0..reps).map(|r| block[r * n_out + o]).collect();
                means[o][p] = estimators::mean(&ys);
                within[o][p] = estimators::sample_variance(&ys);
            }
        }
    }
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
        Method::Lhs => {
            let boot = estimators::bootstrap_indices(n, spec.bootstrap, seed);
            for (o, name) in spec.outputs.iter().enumerate() {
                let r = estimators::regression_indices(&design.values, k, &means[o], &boot);
                let row = |parameter: &str, index, estimate| SensRow {
                    output: name.clone(),
                    parameter: parameter.to_string(),
                    index,
                    estimate,
                };
                for (index, v) in [("SRC", &r.src), ("PRCC", &r.prcc)] {
                    for i in 0..k {
                        sens.push(row(names[i], index, v[i]));
                    }
                }
                sens.push(row("(all)", "R2", r.r2));
                sens.push(row("(all)", "R2_rank", r.r2_rank));
            }
        }
        Method::Grid => {}
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
    let mut manifest = manifest(spec, &outcome, seed, threads, wall, &plot_files);
    manifest["chunk_points"] = serde_json::json!(id.chunk_points);
    if let Some(m) = merged_from {
        manifest["merged_from"] = serde_json::json!(m);
    }
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
        "candidate_trajectories": spec.candidate_trajectories,
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
