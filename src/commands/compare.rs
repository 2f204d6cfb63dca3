//! `partnersim compare`: several scenarios (files, and command-line variants of the baseline) on
//! common random numbers, paired differences against the baseline, plots and `report.html`.

use super::group::{group_info, GroupInfo};
use super::run::{check_plots_writable, RunFlags, HEADLINE};
use super::shared::{interrupted, Context, Outcome};
use crate::error::BadInput;
use crate::input::scenario::Scenario;
use crate::studies::compare::{self, CompareStatus};
use crate::studies::posterior::Posterior;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `compare`.
#[derive(Debug, Clone)]
pub struct Args {
    /// scenario files (non-`.toml` files, such as a group's `about.md`, are skipped)
    pub files: Vec<PathBuf>,
    /// `--variant NAME:KEY=VALUE,…`: the baseline with overrides, as one more scenario
    pub variants: Vec<String>,
    /// the baseline's name (default: the group's, else the first file's)
    pub baseline: Option<String>,
    /// output directory (default `output/comparison/`, or `output/<group>/`)
    pub out: Option<PathBuf>,
    /// the shared flags (`--set` applies to every scenario)
    pub flags: RunFlags,
    /// `--posterior FILE`: a calibration's posterior.csv; every regime is also run under draws
    pub posterior: Option<PathBuf>,
    /// `--draws K`: posterior draws (default 20)
    pub draws: Option<usize>,
    /// `--start present|steady` (default: the group's `start`, else present)
    pub start: Option<String>,
    /// `--assumptions none|top|all` (default top)
    pub assumptions: crate::studies::assumptions::Depth,
}

/// The scenario files among `files`: `.toml` files; the rest (a group's `about.md`) are named on
/// stderr and skipped.
pub fn scenario_files(files: &[PathBuf]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|f| {
            let toml = f.extension().is_some_and(|x| x == "toml");
            if !toml {
                eprintln!(
                    "partnersim: skipping {}: not a scenario file (.toml)",
                    f.display()
                );
            }
            toml
        })
        .cloned()
        .collect()
}

/// Loads the scenarios: every file (with the common overrides, names kept), then every variant of
/// the baseline.
pub fn load(
    files: &[PathBuf],
    sets: &[String],
    variants: &[String],
    baseline: Option<&str>,
) -> anyhow::Result<Vec<Scenario>> {
    let mut v = Vec::new();
    for f in files {
        let s = Scenario::load(f)?;
        let name = s.name.clone();
        v.push(s.with_overrides(sets, Some(&name))?);
    }
    if !variants.is_empty() {
        let base = match baseline {
            Some(b) => v.iter().find(|s| s.name == b),
            None => v.first(),
        }
        .cloned()
        .ok_or_else(|| {
            BadInput::err(format!(
                "--variant needs a base: give a scenario file{}",
                baseline.map_or(String::new(), |b| format!(" named {b}"))
            ))
        })?;
        for spec in variants {
            v.push(compare::variant(&base, spec)?);
        }
    }
    Ok(v)
}

/// Compares, draws, writes the report and prints the table of differences.
pub fn execute(a: &Args, ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let opts = a.flags.options(None, ctx)?;
    let files = scenario_files(&a.files);
    let group = group_info(&files);
    let baseline = a
        .baseline
        .clone()
        .or_else(|| group.as_ref().and_then(|g| g.baseline.clone()));
    let start = match &a.start {
        Some(s) => crate::studies::compare::start::Start::parse(s, "--start")?,
        None => group.as_ref().and_then(|g| g.start).unwrap_or_default(),
    };
    let request = crate::studies::assumptions::Request {
        depth: a.assumptions,
        metrics: HEADLINE.iter().map(|m| m.to_string()).collect(),
        candidates: None,
    };
    let mut scenarios = load(&files, &a.flags.set, &a.variants, baseline.as_deref())?;
    if a.draws.is_some() && a.posterior.is_none() {
        return Err(BadInput::err("--draws needs --posterior FILE"));
    }
    let plan = match &a.posterior {
        Some(p) => {
            let (at_mean, plan) = posterior_plan(
                p,
                &scenarios,
                baseline.as_deref(),
                a.draws.unwrap_or(20),
                &opts,
                start,
            )?;
            scenarios = at_mean;
            Some(plan)
        }
        None => None,
    };
    let dir = a.out.clone().unwrap_or_else(|| match &group {
        Some(g) => PathBuf::from("output").join(&g.slug),
        None => PathBuf::from("output/comparison"),
    });
    check_plots_writable(&dir)?;
    let t0 = std::time::Instant::now();
    let comparison = match compare::compare_with(
        &scenarios,
        baseline.as_deref(),
        &opts,
        &dir,
        plan.as_ref(),
        start,
        &request,
    )? {
        CompareStatus::Finished(c) => c,
        CompareStatus::Interrupted {
            finished,
            of,
            current,
            saved,
            total,
        } => {
            let what = format!(
                "{finished} of {of} scenarios finished, {current} at {saved} of {total} replications"
            );
            return Ok(interrupted(&what, &dir));
        }
    };
    // the plots are drawn on the comparison's threads
    let report = opts
        .threads
        .pool()?
        .install(|| draw(&dir, group.as_ref()))?;
    eprintln!(
        "compared {} scenarios x {} replications in {:.1} s -> {}",
        scenarios.len(),
        opts.reps,
        t0.elapsed().as_secs_f64(),
        report.display()
    );
    out.write_all(comparison.table(&HEADLINE).as_bytes())?;
    if let Some(an) = &comparison.assumptions {
        out.write_all(crate::studies::assumptions::text(an).as_bytes())?;
    }
    Ok(Outcome::Done)
}

/// The regimes at the posterior mean, and the plan of running them under `draws` posterior
/// draws (drawn by weight from the comparison's seed). The posterior must come from the
/// baseline scenario; a calibrated parameter a regime sets itself keeps the regime's value.
pub fn posterior_plan(
    file: &Path,
    scenarios: &[Scenario],
    baseline: Option<&str>,
    draws: usize,
    opts: &crate::studies::run::RunOptions,
    start: crate::studies::compare::start::Start,
) -> anyhow::Result<(Vec<Scenario>, compare::PosteriorPlan)> {
    use sha2::{Digest, Sha256};
    let (seed, reps) = (opts.seed, opts.reps);
    if draws < 2 {
        return Err(BadInput::err(format!(
            "--draws {draws}: at least 2 (an interval over draws needs several)"
        )));
    }
    // before anything is allocated for the draws
    crate::job::budget::Budget::current().check(&compare::estimate(
        scenarios,
        reps,
        draws as u64,
        start,
        opts.threads.count(),
    ))?;
    let post = Posterior::read(file)?;
    if let Some(w) = post.ess_warning() {
        eprintln!("partnersim: warning: {w}");
    }
    let base = compare::check(scenarios, baseline)?;
    post.check_scenario(&scenarios[base])?;
    let bytes = std::fs::read(&post.path)?;
    let reg = crate::params::registry();
    // which calibrated parameters each regime leaves at the baseline's value
    let mut follows: Vec<Vec<bool>> = Vec::new();
    for s in scenarios {
        let mut f = Vec::new();
        for p in &post.parameters {
            let i = crate::params::index_of(p).ok_or_else(|| {
                BadInput::err(format!("{}: unknown parameter `{p}`", file.display()))
            })?;
            let same = s.values.0[i] == scenarios[base].values.0[i];
            if !same {
                eprintln!(
                    "partnersim: `{}` sets calibrated parameter {p} itself ({}); it keeps that value under every draw",
                    s.name,
                    reg[i].value_text(s.values.0[i])
                );
            }
            f.push(same);
        }
        follows.push(f);
    }
    let with = |s: &Scenario, f: &[bool], values: &[f64]| -> anyhow::Result<Scenario> {
        let mut t = s.clone();
        let mut sub = post.clone();
        sub.parameters = post
            .parameters
            .iter()
            .zip(f)
            .filter(|(_, &k)| k)
            .map(|(p, _)| p.clone())
            .collect();
        let vals: Vec<f64> = values
            .iter()
            .zip(f)
            .filter(|(_, &k)| k)
            .map(|(v, _)| *v)
            .collect();
        sub.apply(&mut t, &vals)?;
        Ok(t)
    };
    let mean = post.mean();
    let at_mean = scenarios
        .iter()
        .zip(&follows)
        .map(|(s, f)| with(s, f, &mean))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut configs = Vec::new();
    let mut hashes = Vec::new();
    for d in post.draw(draws, seed) {
        for (s, f) in scenarios.iter().zip(&follows) {
            let t = with(s, f, &d)?;
            hashes.push(t.content_hash());
            configs.push(t.config());
        }
    }
    Ok((
        at_mean,
        compare::PosteriorPlan {
            posterior_sha256: crate::studies::calibrate::spec::hex(&Sha256::digest(&bytes)),
            draws,
            regimes: scenarios.len(),
            configs,
            hashes,
        },
    ))
}

/// Saves the group's text and draws the plots and the report; returns the report's path.
fn draw(dir: &Path, group: Option<&GroupInfo>) -> anyhow::Result<PathBuf> {
    if let Some(g) = group {
        g.save(dir)?;
    }
    let files = super::plot::comparison(dir, group)?;
    Ok(files
        .last()
        .cloned()
        .unwrap_or_else(|| dir.join("report.html")))
}
