//! `partnersim calibrate`: approximate Bayesian computation by sequential Monte Carlo (ABC-SMC).
//!
//! The algorithm follows the adaptive population Monte Carlo ABC of Lenormand, Jabot & Deffuant
//! (2013, "APMC"), a version of Beaumont et al. (2009)'s ABC-PMC with the tolerance schedule
//! chosen from the distances themselves, but weighs every particle against the mixture of all
//! proposals so far (APMC lets a kept particle keep its old weight; [`weights`] says why not):
//!
//! 1. Generation 0 draws `N` particles from the priors and simulates each; the tolerance
//!    `eps_0` is the `alpha`-quantile of their distances and the `floor(alpha N)` closest are
//!    kept with equal weights.
//! 2. Generation `t` draws `N - floor(alpha N)` new particles: a kept particle picked by weight,
//!    moved by a normal kernel per parameter with variance twice the population's weighted
//!    variance (redrawn until inside the priors). The acceptance rate is the share of new
//!    particles within `eps_{t-1}`; the kept and the new are pooled and every one weighted
//!    `prior(theta) / sum_s n_s q_s(theta)` over every proposal `q_s` so far (generation 0's
//!    is the prior), `eps_t` is the `alpha`-quantile of the pool's distances, and the
//!    `floor(alpha N)` closest are kept.
//! 3. It stops when the acceptance rate falls to `min_acceptance`, the tolerance to `tolerance`,
//!    or a budget (generations, evaluations) is spent; the last kept population, with its
//!    weights, is the posterior.
//!
//! The distance is `sqrt(sum_k weight_k e_k^2)`: for a target interval, `e_k` is 0 inside and the
//! distance to the nearer bound over the interval's width outside; for a target value, the
//! deviation over its `scale` (by default the standard deviation of that summary over
//! generation 0, the prior predictive spread, fixed for the rest of the run).
//!
//! Each generation is one [`crate::job`] job in `generations/NNN/` whose identity includes the
//! SHA-256 of its parent population: a resumed calibration reuses finished generations byte for
//! byte and continues the interrupted one from its saved chunks. Memory holds the populations
//! (`N` particles of a few numbers each), never a run's time series.

pub mod analytic;
mod analytic_read;
pub mod job;
pub mod output;
pub mod plots;
pub mod prior;
pub mod results;
pub mod spec;
pub mod weights;

pub use results::{CalibrationDetails, CalibrationResult, GenerationStats, Particle, StopReason};
pub use spec::CalibrationSpec;
pub use weights::{ess_threshold, low_ess_warning};

use crate::job::exec::{self, Options, Status};
use crate::job::outdir::{self, JobFile, OutputDirError};
use crate::job::threads::Threads;
use crate::job::{Differences, Identity};
use job::{GenerationIdentity, GenerationJob, Parent};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use spec::{Goal, TargetSpec};
use std::path::{Path, PathBuf};
use weights::{ess, Proposal};

/// The posterior in words for the terminal: each parameter's prior, mean, sd and 90% credible
/// interval, each target's goal and posterior predictive, the strongest correlations.
pub fn summary_table(spec: &CalibrationSpec, r: &CalibrationResult) -> String {
    use crate::params::fmt_num;
    let f = |x: f64| format!("{x:.4}");
    let mut s = String::from(
        "parameter | prior | posterior mean | sd | 90% credible interval
",
    );
    for (k, p) in spec.priors.iter().enumerate() {
        let (m, sd) = r.moments(k);
        s.push_str(&format!(
            "{} | {} {}..{} | {} | {} | {} .. {}\n",
            p.path,
            p.kind.name(),
            fmt_num(p.min),
            fmt_num(p.max),
            f(m),
            f(sd),
            f(r.quantile(k, 0.05)),
            f(r.quantile(k, 0.95))
        ));
    }
    s.push_str(
        "\ntarget | goal | posterior predictive mean | 5% .. 95% (parameters and Monte Carlo)\n",
    );
    let w = r.weights();
    for (k, t) in spec.targets.iter().enumerate() {
        let xs: Vec<f64> = r.population.iter().map(|p| p.summaries[k]).collect();
        let m: f64 = xs.iter().zip(&w).map(|(x, w)| x * w).sum();
        s.push_str(&format!(
            "{} | {} | {} | {} .. {}\n",
            t.label(),
            t.goal_text(),
            f(m),
            f(weighted_quantile(&xs, &w, 0.05)),
            f(weighted_quantile(&xs, &w, 0.95))
        ));
    }
    let kept = r.population.len();
    s.push_str(&format!(
        "\neffective sample size {:.1} of {kept} particles (warning below {:.0})\n",
        r.ess(),
        ess_threshold(kept)
    ));
    let mut cors: Vec<(f64, usize, usize)> = (0..spec.priors.len())
        .flat_map(|i| (i + 1..spec.priors.len()).map(move |j| (i, j)))
        .map(|(i, j)| (r.correlation(i, j), i, j))
        .filter(|(c, _, _)| c.is_finite())
        .collect();
    cors.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    if !cors.is_empty() {
        s.push_str("\nstrongest posterior correlations\n");
        for (c, i, j) in cors.iter().take(3) {
            s.push_str(&format!(
                "{} ~ {}: {:+.2}\n",
                spec.priors[*i].path, spec.priors[*j].path, c
            ));
        }
    }
    s
}

/// The weighted quantile `q` of values `xs` with weights `w` (summing to 1).
pub fn weighted_quantile(xs: &[f64], w: &[f64], q: f64) -> f64 {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut acc = 0.0;
    for &i in &order {
        acc += w[i];
        if acc >= q - 1e-12 {
            return xs[i];
        }
    }
    order.last().map_or(f64::NAN, |&i| xs[i])
}

/// How a calibration invocation ended.
#[derive(Debug)]
pub enum CalibrationStatus {
    /// finished: the caller writes the outputs
    Finished(Box<CalibrationResult>),
    /// stopped by Ctrl-C / SIGTERM; finished generations and chunks are saved
    Interrupted {
        /// the generation interrupted
        generation: usize,
        /// its particles saved
        saved: u64,
        /// its particles
        total: u64,
    },
}

/// How to run a calibration.
#[derive(Debug, Clone)]
pub struct CalibrateOptions {
    /// worker threads
    pub threads: Threads,
    /// no progress bar
    pub quiet: bool,
    /// continue an interrupted calibration
    pub resume: bool,
    /// replace whatever the directory holds
    pub force: bool,
}

/// What determines a calibration's numbers (the outer directory's job file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationIdentity {
    /// calibration name
    pub name: String,
    /// SHA-256 of the calibration file
    pub calibration_file_sha256: String,
    /// base scenario name or test model
    pub base: String,
    /// its content hash or constants
    pub base_hash: String,
    /// master seed
    pub seed: u64,
}

impl Identity for CalibrationIdentity {
    fn differs(&self, old: &Self) -> Option<String> {
        Differences::default()
            .content(
                "calibration file",
                (&old.name, &old.calibration_file_sha256),
                (&self.name, &self.calibration_file_sha256),
            )
            .content(
                "base",
                (&old.base, &old.base_hash),
                (&self.base, &self.base_hash),
            )
            .value("seed", old.seed, self.seed)
            .finish()
    }
}

impl CalibrationIdentity {
    /// The identity of running `spec` with `seed`.
    pub fn new(spec: &CalibrationSpec, seed: u64) -> Self {
        let (base, base_hash) = spec.base_identity();
        CalibrationIdentity {
            name: spec.name.clone(),
            calibration_file_sha256: spec.file_hash.clone(),
            base,
            base_hash,
            seed,
        }
    }
}

/// The kind of a calibration's output directory.
pub const KIND: &str = "calibration";
/// The folder of the generations' jobs.
pub const GENERATIONS_DIR: &str = "generations";
/// A finished generation's state file.
const STATE_FILE: &str = "population.json";

/// A finished generation as saved: every `f64` as its bit pattern, so a resume reads back the
/// exact numbers.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    /// SHA-256 of the generation's identity
    identity_sha256: String,
    generation: u64,
    tolerance: u64,
    acceptance: u64,
    ess: u64,
    proposals: u64,
    evaluations: u64,
    scales: Vec<u64>,
    /// per particle: work, value, summaries, distance, weight, tie, mixture
    particles: Vec<Vec<u64>>,
}

fn bits(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

fn unbits(xs: &[u64]) -> Vec<f64> {
    xs.iter().map(|&x| f64::from_bits(x)).collect()
}

/// Signed deviation of a summary from a target, in units of `scale` (0 inside an interval).
pub fn deviation(t: &TargetSpec, s: f64, scale: f64) -> f64 {
    match t.goal {
        Goal::Value { value, .. } => (s - value) / scale,
        Goal::Interval { low, high } => {
            if s < low {
                (s - low) / scale
            } else if s > high {
                (s - high) / scale
            } else {
                0.0
            }
        }
    }
}

/// The distance of summaries to the targets (infinite if a summary is undefined).
pub fn distance(targets: &[TargetSpec], scales: &[f64], summaries: &[f64]) -> f64 {
    let mut d = 0.0;
    for ((t, &scale), &s) in targets.iter().zip(scales).zip(summaries) {
        if !s.is_finite() {
            return f64::INFINITY;
        }
        d += t.weight * deviation(t, s, scale).powi(2);
    }
    d.sqrt()
}

/// The scale of each target: the interval's width, the given scale, or the standard deviation
/// of the summary over generation 0 (1 if it does not vary).
fn scales(targets: &[TargetSpec], summaries: &[Vec<f64>]) -> Vec<f64> {
    targets
        .iter()
        .enumerate()
        .map(|(t, target)| match target.goal {
            Goal::Interval { low, high } => high - low,
            Goal::Value { scale: Some(s), .. } => s,
            Goal::Value { scale: None, .. } => {
                let xs: Vec<f64> = summaries
                    .iter()
                    .map(|s| s[t])
                    .filter(|x| x.is_finite())
                    .collect();
                let n = xs.len() as f64;
                let m = xs.iter().sum::<f64>() / n;
                let sd = (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
                if sd.is_finite() && sd > 0.0 {
                    sd
                } else {
                    1.0
                }
            }
        })
        .collect()
}

/// Keeps the `n` particles closest to the targets (ties broken by their uniform), returning the
/// tolerance: the largest kept distance.
fn keep_closest(mut all: Vec<Particle>, n: usize) -> (Vec<Particle>, f64) {
    all.sort_by(|a, b| {
        a.distance
            .total_cmp(&b.distance)
            .then(a.tie.total_cmp(&b.tie))
    });
    all.truncate(n);
    let eps = all.last().map_or(f64::INFINITY, |p| p.distance);
    (all, eps)
}

/// Runs (or resumes) a calibration into `dir`.
pub fn run(
    spec: &CalibrationSpec,
    dir: &Path,
    seed: u64,
    opts: &CalibrateOptions,
) -> anyhow::Result<CalibrationStatus> {
    crate::job::budget::Budget::current().check(&spec.estimate())?;
    let identity = CalibrationIdentity::new(spec, seed);
    let outer = JobFile::new(KIND, identity.clone(), 0, 0);
    let gens_dir = dir.join(GENERATIONS_DIR);
    // an interrupted calibration (generations on disk, no manifest) needs --resume
    if !opts.resume && !opts.force && gens_dir.is_dir() && !dir.join(outdir::MANIFEST).exists() {
        let same = crate::output::export::read_json::<JobFile<CalibrationIdentity>>(
            &dir.join(outdir::JOB_FILE),
        )
        .is_ok_and(|old| outer.differs(&old).is_none());
        if same {
            return Err(OutputDirError::Unfinished {
                dir: dir.to_path_buf(),
                kind: outdir::noun(KIND).into(),
            }
            .into());
        }
    }
    outdir::prepare(
        dir,
        &outer,
        outdir::Policy {
            resume: opts.resume,
            force: opts.force,
            shard: false,
        },
    )?;
    std::fs::create_dir_all(&gens_dir)?;

    let kept_n = spec.kept();
    let n_par = spec.priors.len();
    let n_tar = spec.targets.len();
    let mut population: Vec<Particle> = Vec::new();
    // the proposal of every generation from 1 on, as densities (the importance weights' mixture)
    let mut proposals_so_far: Vec<Proposal> = Vec::new();
    let mut parent_sha = String::new();
    let mut stats: Vec<GenerationStats> = Vec::new();
    let mut scales_v: Vec<f64> = Vec::new();
    let mut evaluations = 0u64;
    let mut computed = 0u64;
    let mut threads_used = opts.threads.count();
    let stop;
    let stopped_by;
    let mut g = 0usize;
    loop {
        let proposals = if g == 0 {
            spec.particles
        } else {
            spec.particles - kept_n
        } as u64;
        if g > 0 {
            proposals_so_far.push(Proposal::new(spec, &population, proposals));
        }
        let id = GenerationIdentity {
            calibration: identity.clone(),
            generation: g as u64,
            proposals,
            reps_per_particle: spec.reps_per_particle as u64,
            parent_sha256: parent_sha.clone(),
            weights: job::WEIGHTS.into(),
        };
        let id_sha = spec::hex(&Sha256::digest(serde_json::to_vec(&id)?));
        let gdir = gens_dir.join(format!("{g:03}"));
        let state_path = gdir.join(STATE_FILE);
        let saved: Option<State> = std::fs::read(&state_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<State>(&b).ok())
            .filter(|s| {
                s.identity_sha256 == id_sha
                    && s.particles.iter().all(|p| p.len() == 2 * n_par + n_tar + 4)
            });
        let state = match saved {
            Some(s) => s,
            None => {
                let parent = (g > 0).then(|| Parent::new(spec, &population));
                let chunk = match spec.base {
                    spec::Base::Scenario { .. } => (64 / spec.reps_per_particle).max(1),
                    spec::Base::Analytic(_) => 1024,
                } as u64;
                let job = GenerationJob {
                    spec,
                    id,
                    parent,
                    chunk,
                };
                let rec = GenerationJob::record_len_of(spec);
                let eopts = Options {
                    resume: true,
                    quiet: opts.quiet,
                    label: format!("generation {g}"),
                    ..Options::new(opts.threads)
                };
                let (status, records) = match run_generation(&job, &gdir, &eopts) {
                    Err(e)
                        if e.downcast_ref::<OutputDirError>().is_some_and(|e| {
                            matches!(
                                e,
                                OutputDirError::OtherJob { .. } | OutputDirError::OtherKind { .. }
                            )
                        }) =>
                    {
                        // a stale generation of an earlier, different calibration: replace it
                        std::fs::remove_dir_all(&gdir)?;
                        run_generation(&job, &gdir, &eopts)?
                    }
                    other => other?,
                };
                match status {
                    Status::Complete {
                        computed: c,
                        threads,
                    } => {
                        computed += c;
                        threads_used = threads;
                    }
                    Status::Interrupted { saved, total } => {
                        return Ok(CalibrationStatus::Interrupted {
                            generation: g,
                            saved,
                            total,
                        })
                    }
                    Status::ShardDone { .. } => {
                        anyhow::bail!("a calibration generation has no shards")
                    }
                }
                let news: Vec<Particle> = records
                    .chunks_exact(rec)
                    .map(|r| Particle {
                        work: r[..n_par].to_vec(),
                        value: r[n_par..2 * n_par].to_vec(),
                        summaries: r[2 * n_par..2 * n_par + n_tar].to_vec(),
                        distance: 0.0,
                        weight: 1.0,
                        mixture: 0.0,
                        tie: r[rec - 1],
                    })
                    .collect();
                let state = next_state(
                    spec,
                    g,
                    &population,
                    &stats,
                    &scales_v,
                    &proposals_so_far,
                    news,
                    evaluations,
                    id_sha,
                )?;
                let text = serde_json::to_vec(&state)?;
                crate::output::export::write_atomic(&state_path, &text)?;
                outdir::remove_chunks(&gdir)?;
                outdir::unlock(&gdir);
                state
            }
        };
        parent_sha = spec::hex(&Sha256::digest(serde_json::to_vec(&state)?));
        scales_v = unbits(&state.scales);
        evaluations = state.evaluations;
        population = state
            .particles
            .iter()
            .map(|b| {
                let v = unbits(b);
                Particle {
                    work: v[..n_par].to_vec(),
                    value: v[n_par..2 * n_par].to_vec(),
                    summaries: v[2 * n_par..2 * n_par + n_tar].to_vec(),
                    distance: v[2 * n_par + n_tar],
                    weight: v[2 * n_par + n_tar + 1],
                    tie: v[2 * n_par + n_tar + 2],
                    mixture: v[2 * n_par + n_tar + 3],
                }
            })
            .collect();
        let st = GenerationStats {
            generation: g,
            tolerance: f64::from_bits(state.tolerance),
            acceptance: f64::from_bits(state.acceptance),
            ess: f64::from_bits(state.ess),
            proposals: state.proposals,
            evaluations: state.evaluations,
        };
        if !opts.quiet {
            eprintln!(
                "partnersim: generation {g}: tolerance {:.4}, acceptance {:.3}, effective sample size {:.1} of {kept_n}, {} particles simulated",
                st.tolerance, st.acceptance, st.ess, st.evaluations
            );
        }
        stats.push(st.clone());
        // stopping rules, in order
        let next = (spec.particles - kept_n) as u64;
        if g > 0 && st.acceptance <= spec.min_acceptance {
            stop = format!(
                "acceptance rate {:.3} at or below min_acceptance {}",
                st.acceptance, spec.min_acceptance
            );
            stopped_by = StopReason::Acceptance;
            break;
        }
        if g > 0 && st.tolerance <= spec.tolerance {
            stop = format!("tolerance {} at or below {}", st.tolerance, spec.tolerance);
            stopped_by = StopReason::Tolerance;
            break;
        }
        if g + 1 >= spec.max_generations {
            stop = format!("max_generations {} reached", spec.max_generations);
            stopped_by = StopReason::Generations;
            break;
        }
        if evaluations.saturating_add(next) > spec.max_evaluations {
            stop = format!(
                "max_evaluations {} would be exceeded by another generation ({} evaluated)",
                spec.max_evaluations, evaluations
            );
            stopped_by = StopReason::Evaluations;
            break;
        }
        g += 1;
    }
    Ok(CalibrationStatus::Finished(Box::new(CalibrationResult {
        population,
        generations: stats,
        scales: scales_v,
        stop,
        stopped_by,
        evaluations,
        computed,
        threads: threads_used,
        seed,
    })))
}

/// Executes one generation's job, collecting its records in item order.
fn run_generation(
    job: &GenerationJob<'_>,
    gdir: &Path,
    eopts: &Options,
) -> anyhow::Result<(Status, Vec<f64>)> {
    use crate::job::Job;
    let mut records: Vec<f64> = Vec::with_capacity(job.items() as usize * job.record_len());
    let mut sink = |_items: std::ops::Range<u64>, values: &[f64]| {
        records.extend_from_slice(values);
        Ok(())
    };
    let status = exec::execute(job, gdir, eopts, Some(&mut sink))?;
    Ok((status, records))
}

/// The state after generation `g` from its new particles: distances, the whole pool re-weighted
/// against the mixture of every proposal so far ([`weights`]), the `floor(alpha N)` closest
/// kept.
#[allow(clippy::too_many_arguments)]
fn next_state(
    spec: &CalibrationSpec,
    g: usize,
    parent: &[Particle],
    stats: &[GenerationStats],
    scales_before: &[f64],
    proposals_so_far: &[Proposal],
    mut news: Vec<Particle>,
    evaluations: u64,
    identity_sha256: String,
) -> anyhow::Result<State> {
    let kept_n = spec.kept();
    let scales_v = if g == 0 {
        scales(
            &spec.targets,
            &news.iter().map(|p| p.summaries.clone()).collect::<Vec<_>>(),
        )
    } else {
        scales_before.to_vec()
    };
    for p in &mut news {
        p.distance = distance(&spec.targets, &scales_v, &p.summaries);
    }
    let proposals = news.len() as u64;
    // generation 0's draws from the prior: n_0 in every particle's mixture
    let n0 = stats.first().map_or(proposals, |s| s.proposals) as f64;
    for p in &mut news {
        weights::weigh_new(&spec.priors, n0, proposals_so_far, p);
    }
    let (kept, tolerance, acceptance) = if g == 0 {
        let (kept, eps) = keep_closest(news, kept_n);
        (kept, eps, kept_n as f64 / spec.particles as f64)
    } else {
        let prev = stats.last().map_or(f64::INFINITY, |s| s.tolerance);
        let accepted = news.iter().filter(|p| p.distance <= prev).count();
        let acceptance = accepted as f64 / news.len() as f64;
        let mut all = parent.to_vec();
        if let Some(latest) = proposals_so_far.last() {
            for p in &mut all {
                weights::weigh_kept(&spec.priors, latest, p);
            }
        }
        all.extend(news);
        let (kept, eps) = keep_closest(all, kept_n);
        (kept, eps, acceptance)
    };
    if kept.iter().map(|p| p.weight).sum::<f64>() <= 0.0 {
        anyhow::bail!("generation {g}: every kept particle has weight 0");
    }
    Ok(State {
        identity_sha256,
        generation: g as u64,
        tolerance: tolerance.to_bits(),
        acceptance: acceptance.to_bits(),
        ess: ess(&kept).to_bits(),
        proposals,
        evaluations: evaluations + proposals,
        scales: bits(&scales_v),
        particles: kept
            .iter()
            .map(|p| {
                let mut v = p.work.clone();
                v.extend(&p.value);
                v.extend(&p.summaries);
                v.extend([p.distance, p.weight, p.tie, p.mixture]);
                bits(&v)
            })
            .collect(),
    })
}

/// The default output directory of a calibration: `output/calibration/<name>/`.
pub fn default_out(spec: &CalibrationSpec) -> PathBuf {
    Path::new("output").join("calibration").join(&spec.name)
}
