//! Where regimes start (ODD §5, "Two questions"): from the baseline's present, or each from its
//! own steady state.
//!
//! * [`Start::Present`] (the default of `compare`, `explore` and the classroom page): replication
//!   `r` of the baseline warms up once; its state at reported month 0 is cloned for every regime,
//!   and each regime continues from the clone with its own parameters in force from month 0 (the
//!   mechanism of timeline events, [`crate::model::fork`]). The question: "if the rules change
//!   from next April, what happens to the organizations that exist today?". Survival and every
//!   per-ISO metric count the same ISOs in every regime.
//! * [`Start::Steady`]: every regime warms up under its own rules (`partnersim run` of each). The
//!   question: "in a world that had always had this regime, what happens over the next ten
//!   years?". Each regime's ISOs are those that survived its own warm-up.
//!
//! A comparison from the present is one [`crate::job`] job whose item is a replication and whose
//! record holds every regime's run of it ([`PresentJob`]): the warm-up is computed once per
//! replication, and the job resumes and is byte-identical at any thread count like every job.
//! Each regime's folder then holds the files of a run (`replications.csv`, `timeseries.csv`,
//! `summary.csv`, `scenario.resolved.toml`, `manifest.json` naming the start).

use crate::error::BadInput;
use crate::input::scenario::Scenario;
use crate::job::exec::{self, Options, Status};
use crate::job::manifest::{Clock, Manifest, Provenance};
use crate::job::{Differences, Identity, Job};
use crate::metrics::{MonthRecord, N_METRICS};
use crate::model::{Config, Model, ReplicationOutput};
use crate::studies::compare::{dir_name, ScenarioId};
use crate::studies::run::{Aggregator, RunDetails, RunJob, RunOptions, Runs, CHUNK_REPS};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where the regimes of a comparison or an exploration start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Start {
    /// from the baseline's state at reported month 0, warmed up once (a policy switched today)
    #[default]
    Present,
    /// each regime from its own warm-up (a world that had always had the regime)
    Steady,
}

impl Start {
    /// Reads `present` or `steady` (`what` names the flag or key in the error).
    pub fn parse(s: &str, what: &str) -> Result<Start, BadInput> {
        match s {
            "present" => Ok(Start::Present),
            "steady" => Ok(Start::Steady),
            _ => Err(BadInput(format!(
                "{what} `{s}`: expected `present` (regimes switched on from the baseline's present state) or `steady` (each regime from its own warm-up)"
            ))),
        }
    }

    /// `present` or `steady`.
    pub fn as_str(self) -> &'static str {
        match self {
            Start::Present => "present",
            Start::Steady => "steady",
        }
    }

    /// The question a comparison with this start answers.
    pub fn question(self) -> &'static str {
        match self {
            Start::Present => "if the rules change at month 0, what happens to the organizations operating today? Every regime starts from the baseline's state after its warm-up, with its own rules in force from month 0; survival and per-ISO metrics count the same ISOs in every regime",
            Start::Steady => "in a world that had always had this regime, what happens over the reported years? Every regime warms up under its own rules; each regime's survival and per-ISO metrics count the ISOs that survived its own warm-up",
        }
    }
}

/// `serde(default)` of a start in files written before starts existed: the steady start.
pub fn steady() -> Start {
    Start::Steady
}

/// Checks that every regime can start from the baseline's present: none changes a parameter
/// that is fixed during a run. The error names the regime and the parameters.
pub fn check_regimes(base: &Scenario, regimes: &[Scenario]) -> Result<(), BadInput> {
    let refused: Vec<String> = regimes
        .iter()
        .filter_map(|s| {
            let fixed = crate::model::fork::fixed_changes(&base.values, &s.values);
            (!fixed.is_empty()).then(|| {
                format!(
                    "`{}`{} changes {}",
                    s.name,
                    s.source
                        .as_ref()
                        .map_or_else(String::new, |p| format!(" ({})", p.display())),
                    fixed
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(BadInput(format!(
        "--start present: {} cannot start from the present of `{}`: {}; these parameters cannot change during a run (they set the model's size or initial state, ODD §7.26). Compare without {}, give {} the baseline's value, or use --start steady (every regime from its own warm-up)",
        if refused.len() == 1 { "a regime" } else { "regimes" },
        base.name,
        refused.join("; "),
        if refused.len() == 1 { "it" } else { "them" },
        if refused.len() == 1 { "it" } else { "them" },
    )))
}

/// The summary rows of replication `rep` of each of `cfgs`, side by side in `record` (one
/// [`N_METRICS`] row per configuration, in order): each from its own warm-up (`base` None, the
/// steady start) or every one from the present of `cfgs[base]` ([`fork_replication`]: one
/// warm-up for all). What a job whose items are a replication of several configurations
/// evaluates: a comparison's posterior draws and the assumption runs alike.
pub fn summaries_into(
    cfgs: &[&Config],
    base: Option<usize>,
    seed: u64,
    rep: u64,
    record: &mut [f64],
) -> Result<()> {
    let n = N_METRICS;
    match base {
        None => {
            for (k, cfg) in cfgs.iter().enumerate() {
                record[k * n..(k + 1) * n]
                    .copy_from_slice(&Model::new(cfg, seed, rep).run().summary);
            }
            Ok(())
        }
        Some(b) => fork_replication(cfgs[b], cfgs, seed, rep, |k, run| {
            record[k * n..(k + 1) * n].copy_from_slice(&run.summary);
            Ok(())
        }),
    }
}

/// Replication `rep` of every regime of `regimes` from the present of `base`: the baseline warms
/// up once, and each regime continues from a clone of its state at reported month 0. `each`
/// receives the regimes' runs in order.
pub fn fork_replication(
    base: &Config,
    regimes: &[&Config],
    seed: u64,
    rep: u64,
    mut each: impl FnMut(usize, ReplicationOutput) -> Result<()>,
) -> Result<()> {
    let mut present = Model::new(base, seed, rep);
    present.warm_up();
    // a regime with the same rules as an earlier one (the same values and timeline, so the same
    // computation from the same state) reuses its run
    let first_same: Vec<usize> = regimes
        .iter()
        .enumerate()
        .map(|(k, c)| (0..k).find(|&j| same_rules(regimes[j], c)).unwrap_or(k))
        .collect();
    let mut kept: Vec<Option<ReplicationOutput>> = vec![None; regimes.len()];
    for (k, cfg) in regimes.iter().enumerate() {
        let out = match kept[first_same[k]].as_ref() {
            Some(o) => o.clone(),
            None => {
                let mut m = present.clone();
                m.switch_to(cfg).map_err(BadInput::err)?;
                let o = m.run_rest();
                if first_same[k + 1..].contains(&k) {
                    kept[k] = Some(o.clone());
                }
                o
            }
        };
        each(k, out)?;
    }
    Ok(())
}

/// Whether two configurations have the same rules: the same parameter values (bit for bit) and
/// the same timeline.
fn same_rules(a: &Config, b: &Config) -> bool {
    a.timeline == b.timeline
        && a.values.0.len() == b.values.0.len()
        && a.values
            .0
            .iter()
            .zip(&b.values.0)
            .all(|(x, y)| x.to_bits() == y.to_bits())
}

/// What determines a present-start comparison's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PresentIdentity {
    /// the baseline's name (its present is every regime's start)
    pub baseline: String,
    /// the regimes, in the order given (baseline included)
    pub scenarios: Vec<ScenarioId>,
    /// the seed, the replications (reported months) and their layout, inline in `job.json`
    #[serde(flatten)]
    pub runs: Runs,
}

impl Identity for PresentIdentity {
    fn differs(&self, old: &Self) -> Option<String> {
        let mut d = Differences::default();
        d.when(
            self.scenarios != old.scenarios || self.baseline != old.baseline,
            "scenarios or baseline",
        );
        self.runs.differences(&old.runs, &mut d).finish()
    }
}

/// Every regime's runs from the baseline's present as a job: item `r` is replication `r`; its
/// record is, regime after regime, the run's summary row and then each reported month.
pub struct PresentJob {
    id: PresentIdentity,
    base: usize,
    configs: Vec<Config>,
}

impl PresentJob {
    /// The job of `scenarios` from the present of `scenarios[base]`.
    pub fn new(scenarios: &[Scenario], base: usize, seed: u64, reps: u64) -> PresentJob {
        let configs: Vec<Config> = scenarios.iter().map(Scenario::config).collect();
        PresentJob {
            id: PresentIdentity {
                baseline: scenarios[base].name.clone(),
                scenarios: ScenarioId::list(scenarios),
                runs: Runs::new(seed, reps, configs[base].simulation.duration_months),
            },
            base,
            configs,
        }
    }

    /// Values in one regime's part of a record.
    fn regime_len(&self) -> usize {
        (self.id.runs.months as usize + 1) * N_METRICS
    }
}

impl Job for PresentJob {
    type Identity = PresentIdentity;
    const KIND: &'static str = "compare-present";
    const ITEM: &'static str = "replications";

    fn identity(&self) -> &PresentIdentity {
        &self.id
    }
    fn items(&self) -> u64 {
        self.id.runs.reps
    }
    fn record_len(&self) -> usize {
        self.configs.len() * self.regime_len()
    }
    fn chunk_items(&self) -> u64 {
        // a run's chunk of replications, fewer with many regimes (at most about 512 model runs
        // of records in memory): the aggregation takes many replications of one month at a time
        (512 / self.configs.len() as u64).clamp(1, CHUNK_REPS)
    }
    fn eval_item(&self, item: u64, record: &mut [f64]) -> Result<()> {
        let rl = self.regime_len();
        let regimes: Vec<&Config> = self.configs.iter().collect();
        let months = self.id.runs.months as usize;
        fork_replication(
            &self.configs[self.base],
            &regimes,
            self.id.runs.seed,
            item,
            |k, out| {
                if out.months.len() != months {
                    anyhow::bail!(
                        "replication {item} recorded {} months, the comparison expects {months}",
                        out.months.len()
                    );
                }
                let (summary, rest) = record[k * rl..(k + 1) * rl].split_at_mut(N_METRICS);
                summary.copy_from_slice(&out.summary);
                for (dst, m) in rest.chunks_exact_mut(N_METRICS).zip(&out.months) {
                    dst.copy_from_slice(m);
                }
                Ok(())
            },
        )
    }
}

/// The folder of a present-start comparison's job (its chunks, while it runs).
pub const PRESENT_DIR: &str = "present_start";

/// How [`compare_present`] ended.
pub enum PresentStatus {
    /// every regime's folder is written; per regime, its per-replication summaries
    Done {
        /// per regime, in the order given, one summary row per replication
        summaries: Vec<Vec<MonthRecord>>,
        /// replications computed by this invocation
        computed: u64,
    },
    /// stopped by Ctrl-C / SIGTERM; finished chunks are saved
    Interrupted {
        /// replications saved
        saved: u64,
        /// replications in all
        total: u64,
    },
}

/// Runs every regime of `scenarios` from the present of `scenarios[base]` and writes each
/// regime's folder in `out` (as `partnersim run` would, its manifest naming the start).
pub fn compare_present(
    scenarios: &[Scenario],
    base: usize,
    opts: &RunOptions,
    out: &Path,
) -> Result<PresentStatus> {
    let clock = Clock::start();
    check_regimes(&scenarios[base], scenarios)?;
    let job = PresentJob::new(scenarios, base, opts.seed, opts.reps);
    let eopts = Options {
        resume: true,
        force: false,
        quiet: opts.quiet,
        label: format!("{} regimes from the present", scenarios.len()),
        output_bytes: opts.reps * (scenarios.len() * N_METRICS * 20) as u64,
        ..Options::new(opts.threads)
    };
    let jobdir = out.join(PRESENT_DIR);
    let execution = exec::start(&job, &jobdir, &eopts)?;
    let plan = execution.plan().to_vec();
    let digest = execution.digest();
    let mut runs = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        let dir = out.join(dir_name(&s.name));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        runs.push(RunJob::new(s, opts.seed, opts.reps));
    }
    let rl = job.regime_len();
    let all = job.record_len();
    // first every replication's records, saved chunk by chunk; then each regime's folder from
    // its part of the chunks, a few regimes at a time (the month-by-month statistics of the
    // regimes aggregated at once are all that is held, not those of every regime)
    let status = execution.run(None)?;
    let (computed, threads) = match status {
        Status::Complete { computed, threads } => (computed, threads),
        Status::Interrupted { saved, total } => {
            return Ok(PresentStatus::Interrupted { saved, total })
        }
        Status::ShardDone { .. } => anyhow::bail!("a comparison has no shards"),
    };
    // every regime's files (its own folder each), on the comparison's threads: its part of
    // each chunk, in replication order, through a run's aggregator
    let finish = |k: usize| -> Result<Vec<MonthRecord>> {
        let s = &scenarios[k];
        let dir = out.join(dir_name(&s.name));
        let mut agg = Aggregator::with_timeseries(runs[k].id(), &dir, opts.timeseries)?;
        let mut part = Vec::new();
        for items in &plan {
            crate::job::chunk::read_part(
                &jobdir,
                &digest,
                items,
                all,
                k * rl..(k + 1) * rl,
                &mut part,
            )?;
            let records: Vec<&[f64]> = part.chunks_exact(rl).collect();
            agg.push_records(items.clone(), &records)?;
        }
        let (summary, mut files) = crate::studies::run::write_run_files(s, agg, &dir)?;
        let cfg = &job.configs[k];
        if cfg.partnerships.enabled {
            let mut list = Vec::new();
            let one: [&Config; 1] = [cfg];
            fork_replication(&job.configs[base], &one, opts.seed, 0, |_, o| {
                list = o.partnerships;
                Ok(())
            })?;
            let v = crate::output::export::partnerships::partnerships_json(cfg, opts.seed, &list);
            crate::output::export::write_json(&dir.join("partnerships.json"), &v)?;
            files.push("partnerships.json".into());
        }
        let details = RunDetails {
            identity: runs[k].id().clone(),
            scenario_description: s.description.clone(),
            scenario: s.resolved_json(),
            start: Some(Start::Present),
            start_from: Some(scenarios[base].name.clone()),
        };
        Manifest::new(
            RunJob::KIND,
            Provenance::computed(&opts.command, threads, opts.reps, computed),
            clock,
            files,
            details,
        )
        .write_last(&dir)?;
        Ok(summary)
    };
    let summaries = opts.threads.pool()?.install(|| {
        use rayon::prelude::*;
        (0..scenarios.len())
            .into_par_iter()
            .map(finish)
            .collect::<Result<Vec<_>>>()
    })?;
    // the job's folder held its chunks only: the regimes' folders hold the results
    std::fs::remove_dir_all(&jobdir).with_context(|| format!("removing {}", jobdir.display()))?;
    Ok(PresentStatus::Done {
        summaries,
        computed,
    })
}
