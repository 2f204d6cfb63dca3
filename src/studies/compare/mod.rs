//! Comparing funding regimes on common random numbers.
//!
//! Every scenario is run with the same seed and replication indices, so
//! replication `i` of each scenario draws the same random events (arrivals,
//! quits, rotations, late payments, proposal scores …) wherever its
//! mechanisms allow (see `docs/ODD.md`, "Stochasticity"). Differences against
//! the baseline are then paired replication by replication.
//!
//! A comparison directory holds one run directory per scenario (each a [`crate::studies::run`] job, so
//! each resumes on its own), `comparison.csv`, `compare.json` and `manifest.json`. Its identity
//! is the set of scenarios (names and content hashes), the baseline, the seed and the number of
//! replications: a directory holding another comparison, or any other kind of result, is refused
//! without `--force`, and `--force` clears it (no stale scenario folders are left behind).

pub mod results;
pub mod start;

use crate::error::BadInput;
use crate::input::scenario::Scenario;
use crate::job::exec::Status;
use crate::job::manifest::{Clock, Manifest, Provenance};
use crate::job::outdir::{self, JobFile, Policy};
use crate::job::{Differences, Identity};
use crate::metrics::{is_share, MonthRecord, METRICS};
use crate::output::export::write_atomic;
use crate::stats::paired;
use crate::studies::run::{self, RunOptions};
use anyhow::{Context, Result};
pub use results::{
    CompareEntry, CompareManifest, Comparison, ComparisonRow, Difference, PosteriorEffect,
    MC_LABEL, POSTERIOR_LABEL,
};
use serde::{Deserialize, Serialize};
use start::{PresentStatus, Start};
use std::fmt::Write as _;
use std::path::Path;

/// One scenario of a comparison's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioId {
    /// name
    pub name: String,
    /// SHA-256 of the resolved values
    pub hash: String,
}

impl ScenarioId {
    /// The identities of `scenarios`, in order (a comparison's and a present-start job's).
    pub fn list(scenarios: &[Scenario]) -> Vec<ScenarioId> {
        scenarios
            .iter()
            .map(|s| ScenarioId {
                name: s.name.clone(),
                hash: s.content_hash(),
            })
            .collect()
    }
}

/// What determines a comparison's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareIdentity {
    /// baseline scenario name
    pub baseline: String,
    /// the scenarios, in the order given
    pub scenarios: Vec<ScenarioId>,
    /// master seed
    pub seed: u64,
    /// replications per scenario
    pub reps: u64,
    /// with `--posterior`: the posterior file's SHA-256 and the number of draws
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<(String, u64)>,
    /// where the regimes start (comparisons written before starts existed: `steady`)
    #[serde(default = "crate::studies::compare::start::steady")]
    pub start: Start,
}

impl Identity for CompareIdentity {
    fn differs(&self, old: &Self) -> Option<String> {
        let names = |v: &[ScenarioId]| v.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        let (a, b) = (names(&old.scenarios), names(&self.scenarios));
        Differences::default()
            .when(
                a != b,
                format!(
                    "{} scenarios ({}) vs {} ({})",
                    a.len(),
                    a.join(", "),
                    b.len(),
                    b.join(", ")
                ),
            )
            .when(
                a == b && self.scenarios != old.scenarios,
                "a scenario's parameters",
            )
            .value("baseline", &old.baseline, &self.baseline)
            .value("seed", old.seed, self.seed)
            .value("reps", old.reps, self.reps)
            .when(self.posterior != old.posterior, "posterior or draws")
            .value("start", old.start.as_str(), self.start.as_str())
            .finish()
    }
}

/// `manifest.json` of a comparison.
pub type CompareRunManifest = Manifest<CompareIdentity>;

/// A directory-safe version of a scenario name.
pub fn dir_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "scenario".into()
    } else {
        s
    }
}

/// How [`compare`] ended.
#[derive(Debug)]
pub enum CompareStatus {
    /// every scenario ran; the comparison's files are written
    Finished(Comparison),
    /// stopped by Ctrl-C / SIGTERM; what is saved
    Interrupted {
        /// scenarios finished
        finished: usize,
        /// scenarios in all
        of: usize,
        /// the scenario that was running
        current: String,
        /// its replications saved
        saved: u64,
        /// its replications in all
        total: u64,
    },
}

/// Checks a list of scenarios to compare; returns the index of the baseline (`baseline`, else
/// the first).
pub fn check(scenarios: &[Scenario], baseline: Option<&str>) -> Result<usize, BadInput> {
    if scenarios.len() < 2 {
        return Err(BadInput(
            "compare needs at least two scenarios (files, or a file and --variant)".into(),
        ));
    }
    let mut names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        let files: Vec<String> = scenarios
            .iter()
            .filter(|s| s.name == w[0])
            .map(|s| {
                s.source
                    .as_ref()
                    .map_or_else(|| "a variant".into(), |p| p.display().to_string())
            })
            .collect();
        return Err(BadInput(format!(
            "two scenarios are named `{}` ({}); give each a distinct `name`",
            w[0],
            files.join(", ")
        )));
    }
    let mut dirs: Vec<String> = scenarios.iter().map(|s| dir_name(&s.name)).collect();
    dirs.sort_unstable();
    if let Some(w) = dirs.windows(2).find(|w| w[0] == w[1]) {
        return Err(BadInput(format!(
            "two scenario names map to the directory `{}`; give them names that differ in letters or digits",
            w[0]
        )));
    }
    match baseline {
        Some(b) => scenarios.iter().position(|s| s.name == b).ok_or_else(|| {
            BadInput(format!(
                "--baseline {b}: no such scenario (have: {})",
                scenarios
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }),
        None => Ok(0),
    }
}

/// Runs every scenario into `out/<name>/` on common random numbers and writes `comparison.csv`,
/// `compare.json` and `manifest.json`.
pub fn compare(
    scenarios: &[Scenario],
    baseline: Option<&str>,
    opts: &RunOptions,
    out: &Path,
) -> Result<CompareStatus> {
    compare_with(
        scenarios,
        baseline,
        opts,
        out,
        None,
        Start::Present,
        &crate::studies::assumptions::Request::none(),
    )
}

/// [`compare`] from `start`, and with a [`PosteriorPlan`] the same regimes under posterior draws
/// too (in `out/posterior_draws/`, a job of its own): `comparison.csv` then gains the effect over
/// parameter and Monte Carlo uncertainty. `scenarios` are the regimes at the posterior mean.
/// With an `assumptions` request other than none, every headline effect is also re-estimated
/// with the ledger's assumptions moved within their ranges ([`crate::studies::assumptions`]).
pub fn compare_with(
    scenarios: &[Scenario],
    baseline: Option<&str>,
    opts: &RunOptions,
    out: &Path,
    plan: Option<&PosteriorPlan>,
    start: Start,
    assumptions: &crate::studies::assumptions::Request,
) -> Result<CompareStatus> {
    let clock = Clock::start();
    let base = check(scenarios, baseline)?;
    run::check_reps(opts.reps)?;
    let extra = crate::studies::assumptions::planned_runs(scenarios, base, assumptions, opts.reps)?;
    if plan.is_none() {
        let mut e = estimate(scenarios, opts.reps, 0, start, opts.threads.count());
        if extra > 0 {
            e.runs += extra as f64;
            e.how += &format!(" + {extra} runs for --assumptions");
        }
        crate::job::budget::Budget::current().check(&e)?;
    }
    if start == Start::Present {
        crate::studies::compare::start::check_regimes(&scenarios[base], scenarios)?;
    }
    let identity = CompareIdentity {
        baseline: scenarios[base].name.clone(),
        scenarios: ScenarioId::list(scenarios),
        seed: opts.seed,
        reps: opts.reps,
        posterior: plan.map(|p| (p.posterior_sha256.clone(), p.draws as u64)),
        start,
    };
    let jf = JobFile::new("compare", identity.clone(), 0, 0);
    let policy = Policy {
        resume: opts.resume,
        force: opts.force,
        shard: false,
    };
    outdir::prepare(out, &jf, policy)?;
    let mut all = Vec::with_capacity(scenarios.len());
    let mut computed = 0;
    match start {
        Start::Steady => {
            for (k, s) in scenarios.iter().enumerate() {
                let o = run::run(s, opts, &out.join(dir_name(&s.name)))?;
                if let Status::Interrupted { saved, total } = o.status {
                    return Ok(CompareStatus::Interrupted {
                        finished: k,
                        of: scenarios.len(),
                        current: s.name.clone(),
                        saved,
                        total,
                    });
                }
                computed += o.reps_computed();
                all.push(o.summaries);
            }
        }
        Start::Present => {
            match crate::studies::compare::start::compare_present(scenarios, base, opts, out)? {
                PresentStatus::Done {
                    summaries,
                    computed: c,
                } => {
                    computed += c;
                    all = summaries;
                }
                PresentStatus::Interrupted { saved, total } => {
                    return Ok(CompareStatus::Interrupted {
                        finished: 0,
                        of: scenarios.len(),
                        current: "every regime from the present".into(),
                        saved,
                        total,
                    })
                }
            }
        }
    }
    let rows = paired_rows(scenarios, base, &all);
    let posterior = match plan {
        None => None,
        Some(p) => {
            match posterior_effects(p, base, opts, &out.join(POSTERIOR_DIR), &rows, start)? {
                Some((effects, c)) => {
                    computed += c;
                    Some(effects)
                }
                None => {
                    return Ok(CompareStatus::Interrupted {
                        finished: scenarios.len(),
                        of: scenarios.len(),
                        current: "posterior draws".into(),
                        saved: 0,
                        total: (p.draws * scenarios.len()) as u64 * opts.reps,
                    })
                }
            }
        }
    };
    let analysis = if extra > 0 {
        match crate::studies::assumptions::analyse(
            scenarios,
            base,
            &rows,
            opts,
            out,
            start,
            assumptions,
        )? {
            Some(a) => Some(a),
            None => {
                return Ok(CompareStatus::Interrupted {
                    finished: scenarios.len(),
                    of: scenarios.len(),
                    current: "assumption variants".into(),
                    saved: 0,
                    total: extra,
                })
            }
        }
    } else {
        for f in [
            crate::studies::assumptions::JSON,
            crate::studies::assumptions::CSV,
        ] {
            let p = out.join(f);
            if p.exists() {
                std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
            }
        }
        None
    };
    write_atomic(
        &out.join("comparison.csv"),
        comparison_csv_with(&rows, posterior.as_deref()).as_bytes(),
    )
    .with_context(|| format!("writing {}", out.join("comparison.csv").display()))?;
    let entries = scenarios
        .iter()
        .map(|s| CompareEntry {
            name: s.name.clone(),
            dir: dir_name(&s.name),
            description: s.description.clone(),
            file: s
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            differences: s
                .differences_from(&scenarios[base])
                .into_iter()
                .map(|(path, baseline, value)| Difference {
                    path,
                    baseline,
                    value,
                })
                .collect(),
        })
        .collect();
    let man = CompareManifest {
        tool: "partnersim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        baseline: scenarios[base].name.clone(),
        scenarios: entries,
        seed: opts.seed,
        reps: opts.reps,
        command: opts.command.clone(),
        start,
        question: start.question().to_string(),
    };
    crate::output::export::write_json(&out.join("compare.json"), &man)?;
    let mut files = vec!["comparison.csv".to_string(), "compare.json".into()];
    if plan.is_some() {
        files.push(format!("{POSTERIOR_DIR}/"));
    }
    if analysis.is_some() {
        files.push(crate::studies::assumptions::JSON.into());
        files.push(crate::studies::assumptions::CSV.into());
        files.push(format!("{}/", crate::studies::assumptions::DIR));
    }
    files.extend(scenarios.iter().map(|s| format!("{}/", dir_name(&s.name))));
    Manifest::new(
        "compare",
        Provenance::computed(
            &opts.command,
            opts.threads.count(),
            opts.reps * scenarios.len() as u64,
            computed,
        ),
        clock,
        files,
        identity,
    )
    .write_last(out)?;
    Ok(CompareStatus::Finished(Comparison {
        baseline: scenarios[base].name.clone(),
        reps: opts.reps,
        summaries: all,
        rows,
        posterior,
        start,
        assumptions: analysis,
    }))
}

/// Paired differences against the baseline, one per (metric, other scenario), metrics in
/// catalogue order.
fn paired_rows(
    scenarios: &[Scenario],
    base: usize,
    all: &[Vec<MonthRecord>],
) -> Vec<ComparisonRow> {
    let mut rows = Vec::new();
    for (j, m) in METRICS.iter().enumerate() {
        let b: Vec<f64> = all[base].iter().map(|r| r[j]).collect();
        for (k, s) in scenarios.iter().enumerate() {
            if k == base {
                continue;
            }
            let a: Vec<f64> = all[k].iter().map(|r| r[j]).collect();
            let mut p = paired(&a, &b);
            if is_share(j) {
                // a difference of two shares lies within [-1, 1] (clamp keeps an undefined NaN)
                p.diff_ci95_low = p.diff_ci95_low.clamp(-1.0, 1.0);
                p.diff_ci95_high = p.diff_ci95_high.clamp(-1.0, 1.0);
            }
            rows.push(ComparisonRow {
                metric: m.name.to_string(),
                scenario: s.name.clone(),
                baseline: scenarios[base].name.clone(),
                paired: p,
                posterior: None,
            });
        }
    }
    rows
}

/// `comparison.csv` text (undefined intervals, below two replications, are empty cells).
pub fn comparison_csv(rows: &[ComparisonRow]) -> String {
    comparison_csv_with(rows, None)
}

/// `comparison.csv` text, with the posterior columns when there are posterior effects
/// (`posterior_diff_mean`, `posterior_ci95_low`, `posterior_ci95_high`, `posterior_draws`).
pub fn comparison_csv_with(
    rows: &[ComparisonRow],
    posterior: Option<&[PosteriorEffect]>,
) -> String {
    use crate::output::export::cell;
    let mut csv = String::from("metric,scenario,baseline,mean,baseline_mean,diff_mean,diff_ci95_low,diff_ci95_high,variance_ratio");
    if posterior.is_some() {
        csv.push_str(",posterior_diff_mean,posterior_ci95_low,posterior_ci95_high,posterior_draws");
    }
    csv.push('\n');
    for (i, r) in rows.iter().enumerate() {
        let p = &r.paired;
        let _ = write!(csv, "{},{},{},", r.metric, r.scenario, r.baseline);
        for (i, v) in [
            p.mean,
            p.baseline_mean,
            p.diff_mean,
            p.diff_ci95_low,
            p.diff_ci95_high,
            p.variance_ratio,
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                csv.push(',');
            }
            cell(&mut csv, v);
        }
        if let Some(e) = posterior.and_then(|p| p.get(i)) {
            for v in [e.diff_mean, e.low, e.high] {
                csv.push(',');
                cell(&mut csv, v);
            }
            let _ = write!(csv, ",{}", e.draws);
        }
        csv.push('\n');
    }
    csv
}

/// The folder of a comparison's posterior draws.
pub const POSTERIOR_DIR: &str = "posterior_draws";

/// The regimes under `draws` posterior draws: `scenarios[d * S + s]` is regime `s` with draw
/// `d`'s parameters.
#[derive(Debug, Clone)]
pub struct PosteriorPlan {
    /// SHA-256 of the posterior file
    pub posterior_sha256: String,
    /// number of draws
    pub draws: usize,
    /// regimes per draw
    pub regimes: usize,
    /// the engine configurations, draw-major
    pub configs: Vec<crate::model::Config>,
    /// content hashes of the scenarios, draw-major (the job's identity)
    pub hashes: Vec<String>,
}

/// What determines the posterior draws' numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawsIdentity {
    /// SHA-256 of the posterior file
    pub posterior_sha256: String,
    /// draws
    pub draws: u64,
    /// regimes
    pub regimes: u64,
    /// replications per regime and draw
    pub reps: u64,
    /// master seed
    pub seed: u64,
    /// SHA-256 of the configurations' content hashes
    pub scenarios_sha256: String,
    /// where the regimes of each draw start
    #[serde(default = "crate::studies::compare::start::steady")]
    pub start: Start,
}

impl Identity for DrawsIdentity {
    fn differs(&self, old: &Self) -> Option<String> {
        Differences::default()
            .when(
                self.posterior_sha256 != old.posterior_sha256,
                "posterior file",
            )
            .value("draws", old.draws, self.draws)
            .value("regimes", old.regimes, self.regimes)
            .value("reps", old.reps, self.reps)
            .value("seed", old.seed, self.seed)
            .when(self.scenarios_sha256 != old.scenarios_sha256, "scenarios")
            .value("start", old.start.as_str(), self.start.as_str())
            .finish()
    }
}

/// Item `d * R + r`: replication `r` of every regime under draw `d` (the same `r` in every regime
/// and draw: common random numbers); its record is the replication's summary of each regime, side
/// by side in the regimes' order. From the present, the draw's baseline warms up once and every
/// regime continues from its state.
struct DrawsJob<'a> {
    plan: &'a PosteriorPlan,
    id: DrawsIdentity,
    /// the baseline regime (with the present start, every regime of a draw starts from its
    /// present)
    base: usize,
    start: Start,
}

impl crate::job::Job for DrawsJob<'_> {
    type Identity = DrawsIdentity;
    const KIND: &'static str = "posterior-draw-replications";
    const ITEM: &'static str = "replications of every regime";
    fn identity(&self) -> &DrawsIdentity {
        &self.id
    }
    fn items(&self) -> u64 {
        self.plan.draws as u64 * self.id.reps
    }
    fn record_len(&self) -> usize {
        self.plan.regimes * crate::metrics::N_METRICS
    }
    fn chunk_items(&self) -> u64 {
        (256 / self.plan.regimes as u64).max(1)
    }
    fn eval_item(&self, item: u64, record: &mut [f64]) -> Result<()> {
        let (d, r) = ((item / self.id.reps) as usize, item % self.id.reps);
        let s_n = self.plan.regimes;
        let cfgs: Vec<&crate::model::Config> =
            self.plan.configs[d * s_n..(d + 1) * s_n].iter().collect();
        let base = match self.start {
            Start::Steady => None,
            Start::Present => Some(self.base),
        };
        start::summaries_into(&cfgs, base, self.id.seed, r, record)
    }
}

/// Runs the plan's draws and returns, per row of `rows`, the effect over draws and the runs
/// computed; None if interrupted.
fn posterior_effects(
    plan: &PosteriorPlan,
    base: usize,
    opts: &RunOptions,
    dir: &Path,
    rows: &[ComparisonRow],
    start: Start,
) -> Result<Option<(Vec<PosteriorEffect>, u64)>> {
    use sha2::{Digest, Sha256};
    let n = crate::metrics::N_METRICS;
    let (s_n, r_n) = (plan.regimes, opts.reps as usize);
    let id = DrawsIdentity {
        posterior_sha256: plan.posterior_sha256.clone(),
        draws: plan.draws as u64,
        regimes: s_n as u64,
        reps: opts.reps,
        seed: opts.seed,
        scenarios_sha256: crate::studies::calibrate::spec::hex(&Sha256::digest(
            plan.hashes.join(",").as_bytes(),
        )),
        start,
    };
    let job = DrawsJob {
        plan,
        id,
        base,
        start,
    };
    let mut values: Vec<f64> = Vec::with_capacity(plan.configs.len() * r_n * n);
    let mut sink = |_items: std::ops::Range<u64>, v: &[f64]| {
        values.extend_from_slice(v);
        Ok(())
    };
    let eopts = crate::job::exec::Options {
        resume: true,
        quiet: opts.quiet,
        label: "posterior draws".into(),
        ..crate::job::exec::Options::new(opts.threads)
    };
    let computed = match crate::job::exec::execute(&job, dir, &eopts, Some(&mut sink))? {
        Status::Complete { computed, .. } => computed * s_n as u64,
        Status::Interrupted { .. } => return Ok(None),
        Status::ShardDone { .. } => anyhow::bail!("posterior draws have no shards"),
    };
    outdir::remove_chunks(dir)?;
    outdir::unlock(dir);
    let at = |d: usize, s: usize, r: usize, j: usize| values[((d * r_n + r) * s_n + s) * n + j];
    let mut effects = Vec::with_capacity(rows.len());
    // rows are (metric in catalogue order) x (other regimes in order)
    let others: Vec<usize> = (0..s_n).filter(|&s| s != base).collect();
    for (i, _row) in rows.iter().enumerate() {
        let (j, s) = (i / others.len(), others[i % others.len()]);
        let mut per_draw: Vec<f64> = (0..plan.draws)
            .map(|d| {
                (0..r_n)
                    .map(|r| at(d, s, r, j) - at(d, base, r, j))
                    .sum::<f64>()
                    / r_n as f64
            })
            .collect();
        let diff_mean = per_draw.iter().sum::<f64>() / plan.draws as f64;
        let low = crate::studies::calibrate::job::quantile(&mut per_draw, 0.025);
        let high = crate::studies::calibrate::job::quantile(&mut per_draw, 0.975);
        effects.push(PosteriorEffect {
            diff_mean,
            low,
            high,
            draws: plan.draws as u64,
        });
    }
    Ok(Some((effects, computed)))
}

/// What a comparison of `scenarios` with `reps` replications each, and `draws` posterior draws
/// of every scenario (0 without `--posterior`), on `threads` threads, asks of the work budget:
/// every run, and the values, configurations and summaries held at once. Each regime's
/// month-by-month statistics are quantile sketches of bounded size
/// ([`crate::studies::run::stats_bytes`]), one regime's per thread at a time under either start.
/// The chunks of records in flight (the one saved, the one computed and a spare buffer) hold one
/// regime's replications from the steady start and every regime's from the present (one job
/// computes all regimes of a replication; about 512 model runs a chunk).
pub fn estimate(
    scenarios: &[Scenario],
    reps: u64,
    draws: u64,
    start: Start,
    threads: usize,
) -> crate::job::budget::Estimate {
    use crate::studies::run::CHUNK_REPS;
    let per_run = scenarios
        .iter()
        .map(crate::job::budget::iso_months_per_run)
        .fold(1.0, f64::max);
    let (s, r, d) = (scenarios.len() as f64, reps as f64, draws as f64);
    let record = (crate::metrics::N_METRICS * 8) as f64;
    let months = scenarios
        .iter()
        .map(|x| x.values.get("simulation.duration_months"))
        .fold(0.0, f64::max);
    let sketches = (threads as f64).min(s) * crate::studies::run::stats_bytes(months, reps);
    let chunk_runs = match start {
        Start::Present => (512.0f64).max(s).min(CHUNK_REPS as f64 * s).min(r * s),
        Start::Steady => (CHUNK_REPS as f64).min(r),
    };
    let chunks = 3.0 * chunk_runs * (months + 1.0) * record;
    let how = if draws == 0 {
        format!("{s} scenarios x {reps} replications")
    } else {
        format!("(1 + {draws} posterior draws) x {s} scenarios x {reps} replications")
    };
    crate::job::budget::Estimate {
        command: "compare".into(),
        how,
        runs: (1.0 + d) * s * r,
        iso_months_per_run: per_run,
        // the sketches of the regimes aggregated at once, the chunks in flight, and one
        // scenario's summaries; every draw's values, configuration and hash
        bytes: sketches
            + chunks
            + r * record
            + d * s * (r * record + std::mem::size_of::<crate::model::Config>() as f64 + 200.0),
    }
}

/// A command-line variant of `base`: `NAME:KEY=VALUE,KEY=VALUE,…` (`--variant`), named NAME, its
/// description listing the overrides.
pub fn variant(base: &Scenario, spec: &str) -> Result<Scenario> {
    let (name, sets) = spec.split_once(':').ok_or_else(|| {
        BadInput::err(format!(
            "--variant {spec}: expected NAME:KEY=VALUE[,KEY=VALUE…], e.g. federal36:funders.federal.contract_months=36"
        ))
    })?;
    let name = name.trim();
    if name.is_empty() {
        return Err(BadInput::err(format!(
            "--variant {spec}: the NAME before `:` is empty"
        )));
    }
    let sets: Vec<String> = sets
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if sets.is_empty() {
        return Err(BadInput::err(format!(
            "--variant {spec}: no KEY=VALUE after `:`"
        )));
    }
    let mut v = base.clone().with_overrides(&sets, Some(name))?;
    v.description = format!("Variant of {}: {}.", base.name, sets.join(", "));
    Ok(v)
}
