//! A run as a job of the batch core: its identity ([`RunIdentity`], with the [`Runs`] every job
//! over replications shares) and [`RunJob`], whose item `i` is replication `i`.

use super::CHUNK_REPS;
use crate::input::scenario::Scenario;
use crate::job::{Differences, Identity, Job};
use crate::metrics::{METRICS, N_METRICS};
use crate::model::{Config, Model};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// What determines a run's numbers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunIdentity {
    /// scenario name
    pub scenario_name: String,
    /// SHA-256 of the resolved scenario values
    pub scenario_hash: String,
    /// the seed, the replications and their layout (written inline in `job.json`)
    #[serde(flatten)]
    pub runs: Runs,
}

/// What every job over replications of scenarios has in its identity after its scenarios: a run
/// and a present-start comparison alike.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Runs {
    /// master seed
    pub seed: u64,
    /// replications
    pub reps: u64,
    /// months per replication
    pub months: u32,
    /// metric names in record order
    pub metrics: Vec<String>,
}

impl Runs {
    /// `reps` replications of `months` months from `seed`, recording every metric.
    pub fn new(seed: u64, reps: u64, months: u32) -> Runs {
        Runs {
            seed,
            reps,
            months,
            metrics: METRICS.iter().map(|m| m.name.to_string()).collect(),
        }
    }

    /// `d` with what differs from `old`: the seed, the replications, the output layout.
    pub fn differences<'d>(&self, old: &Runs, d: &'d mut Differences) -> &'d mut Differences {
        d.value("seed", old.seed, self.seed)
            .value("reps", old.reps, self.reps)
            .when(
                self.metrics != old.metrics || self.months != old.months,
                "output layout",
            )
    }
}

impl Identity for RunIdentity {
    fn differs(&self, old: &RunIdentity) -> Option<String> {
        let mut d = Differences::default();
        d.content(
            "scenario",
            (&old.scenario_name, &old.scenario_hash),
            (&self.scenario_name, &self.scenario_hash),
        );
        self.runs.differences(&old.runs, &mut d).finish()
    }
}

/// A run as a job: item `i` is replication `i`; its record is the summary row, then each month.
pub struct RunJob {
    pub(super) id: RunIdentity,
    pub(super) cfg: Config,
}

impl RunJob {
    /// The run of `scenario` with `seed` and `reps` replications.
    pub fn new(scenario: &Scenario, seed: u64, reps: u64) -> RunJob {
        let cfg = scenario.config();
        RunJob {
            id: RunIdentity {
                scenario_name: scenario.name.clone(),
                scenario_hash: scenario.content_hash(),
                runs: Runs::new(seed, reps, cfg.simulation.duration_months),
            },
            cfg,
        }
    }

    /// Its identity.
    pub fn id(&self) -> &RunIdentity {
        &self.id
    }
}

impl Job for RunJob {
    type Identity = RunIdentity;
    const KIND: &'static str = "run";
    const ITEM: &'static str = "replications";

    fn identity(&self) -> &RunIdentity {
        &self.id
    }
    fn items(&self) -> u64 {
        self.id.runs.reps
    }
    fn record_len(&self) -> usize {
        (self.id.runs.months as usize + 1) * N_METRICS
    }
    fn chunk_items(&self) -> u64 {
        CHUNK_REPS
    }
    fn eval_item(&self, item: u64, record: &mut [f64]) -> Result<()> {
        let out = Model::new(&self.cfg, self.id.runs.seed, item).run();
        if out.months.len() != self.id.runs.months as usize {
            anyhow::bail!(
                "replication {item} recorded {} months, the run expects {}",
                out.months.len(),
                self.id.runs.months
            );
        }
        let (summary, months) = record.split_at_mut(N_METRICS);
        summary.copy_from_slice(&out.summary);
        for (dst, m) in months.chunks_exact_mut(N_METRICS).zip(&out.months) {
            dst.copy_from_slice(m);
        }
        Ok(())
    }
}
