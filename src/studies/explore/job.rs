//! An exploration as a [`crate::job`] job: item `s` is state of the world `s`; its record is
//! every regime's outcomes in that state, each the mean of `reps_per_state` replications
//! (`record[g * outcomes + o]` for regime `g` and outcome `o`).
//!
//! Replication `r` of every regime in every state uses `Model::new(cfg, seed, r)`: common random
//! numbers across regimes and states, so a regime's regret in a state is not blurred by luck the
//! other regimes did not have.

use super::spec::ExploreSpec;
use super::states::{Origin, States};
use crate::input::scenario::Scenario;
use crate::input::InputError;
use crate::job::{Differences, Identity, Job};
use crate::model::{Config, Model};
use crate::studies::compare::start::Start;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Model runs per chunk by default (the unit of work saved to disk and redone after an
/// interruption).
pub const CHUNK_RUNS: usize = 2048;

/// What determines an exploration's numbers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExploreIdentity {
    /// exploration name
    pub name: String,
    /// SHA-256 of the explore file's bytes
    pub explore_file_sha256: String,
    /// regime names, in record order
    pub regimes: Vec<String>,
    /// content hash of each regime's scenario (levers applied)
    pub regime_hashes: Vec<String>,
    /// where the states come from (`lhs`, or the file of the draws)
    pub states_origin: String,
    /// SHA-256 of the states' paths and values
    pub states_sha256: String,
    /// number of states
    pub states: u64,
    /// uncertain parameter paths, in column order
    pub uncertainties: Vec<String>,
    /// master seed (after `--seed`)
    pub seed: u64,
    /// replications per regime and state
    pub reps_per_state: u64,
    /// outcome metric names, in record order
    pub outcomes: Vec<String>,
    /// where the regimes start in each state (explorations written before starts existed:
    /// `steady`)
    #[serde(default = "crate::studies::compare::start::steady")]
    pub start: crate::studies::compare::start::Start,
}

impl ExploreIdentity {
    /// The identity of running `spec` in `states` with `seed`.
    pub fn new(spec: &ExploreSpec, states: &States, seed: u64) -> Self {
        ExploreIdentity {
            name: spec.name.clone(),
            explore_file_sha256: spec.file_hash.clone(),
            regimes: spec.regimes.iter().map(|g| g.name.clone()).collect(),
            regime_hashes: spec
                .regimes
                .iter()
                .map(|g| g.scenario.content_hash())
                .collect(),
            states_origin: match &states.origin {
                Origin::Lhs => "lhs".into(),
                Origin::Draws(f) => f.clone(),
            },
            states_sha256: states.digest(),
            states: states.n as u64,
            uncertainties: states.paths.clone(),
            seed,
            reps_per_state: spec.reps_per_state as u64,
            outcomes: spec.outcomes.iter().map(|o| o.metric.clone()).collect(),
            start: spec.start,
        }
    }
}

impl Identity for ExploreIdentity {
    fn differs(&self, old: &ExploreIdentity) -> Option<String> {
        Differences::default()
            .content(
                "explore file",
                (&old.name, &old.explore_file_sha256),
                (&self.name, &self.explore_file_sha256),
            )
            .when(
                self.regimes != old.regimes || self.regime_hashes != old.regime_hashes,
                format!(
                    "regimes {} vs {} (or their scenarios changed)",
                    old.regimes.join(","),
                    self.regimes.join(",")
                ),
            )
            .content(
                "states",
                (&old.states_origin, &old.states_sha256),
                (&self.states_origin, &self.states_sha256),
            )
            .value("seed", old.seed, self.seed)
            .when(
                self.states != old.states || self.reps_per_state != old.reps_per_state,
                format!(
                    "{} states x {} replications vs {} x {}",
                    old.states, old.reps_per_state, self.states, self.reps_per_state
                ),
            )
            .when(self.outcomes != old.outcomes, "outcomes")
            .value("start", old.start.as_str(), self.start.as_str())
            .finish()
    }
}

/// An exploration ready to run: its spec, states, identity and chunk size.
pub struct ExploreJob<'a> {
    /// the explore file
    pub spec: &'a ExploreSpec,
    /// the states of the world
    pub states: &'a States,
    /// the identity
    pub id: ExploreIdentity,
    /// states per chunk
    pub chunk_states: u64,
}

impl<'a> ExploreJob<'a> {
    /// The job of `spec` in `states` with `seed`, `chunk_states` states per chunk (default:
    /// about [`CHUNK_RUNS`] model runs).
    pub fn new(
        spec: &'a ExploreSpec,
        states: &'a States,
        seed: u64,
        chunk_states: Option<usize>,
    ) -> Self {
        let per_state = spec.regimes.len() * spec.reps_per_state;
        let chunk = chunk_states.unwrap_or((CHUNK_RUNS / per_state.max(1)).max(1));
        ExploreJob {
            spec,
            states,
            id: ExploreIdentity::new(spec, states, seed),
            chunk_states: chunk as u64,
        }
    }

    /// Regime `g`'s scenario in state `s`.
    pub fn scenario(&self, s: usize, g: usize) -> Result<Scenario, InputError> {
        let regime = &self.spec.regimes[g];
        let mut sc = regime.scenario.clone();
        let x = self.states.point(s);
        let err = |msg: String| InputError::State {
            file: self.spec.file.display().to_string(),
            state: s,
            values: self
                .states
                .paths
                .iter()
                .zip(x)
                .enumerate()
                .map(|(d, (p, &v))| format!("{p} = {}", self.states.text(d, v)))
                .collect::<Vec<_>>()
                .join(", "),
            regime: regime.name.clone(),
            msg,
        };
        let pairs: Vec<(&str, f64)> = self
            .states
            .paths
            .iter()
            .zip(x)
            .enumerate()
            .filter(|&(d, _)| !self.states.is_held(g, d))
            .map(|(_, (p, &v))| (p.as_str(), v))
            .collect();
        sc.set_values(&pairs).map_err(|e| err(e.to_string()))?;
        Ok(sc)
    }

    /// Checks that every regime can run in every state (before anything runs).
    pub fn check_states(&self) -> Result<(), InputError> {
        for s in 0..self.states.n {
            for g in 0..self.spec.regimes.len() {
                self.scenario(s, g)?;
            }
        }
        Ok(())
    }

    /// With the present start: checks that in every state every regime can switch on from the
    /// first regime's present (it changes no parameter fixed during a run).
    pub fn check_present(&self) -> Result<(), crate::error::BadInput> {
        if self.spec.start != Start::Present {
            return Ok(());
        }
        for s in 0..self.states.n {
            let first = self
                .scenario(s, 0)
                .map_err(|e| crate::error::BadInput(e.to_string()))?;
            for (g, regime) in self.spec.regimes.iter().enumerate().skip(1) {
                let sc = self
                    .scenario(s, g)
                    .map_err(|e| crate::error::BadInput(e.to_string()))?;
                let fixed = crate::model::fork::fixed_changes(&first.values, &sc.values);
                if !fixed.is_empty() {
                    return Err(crate::error::BadInput(format!(
                        "{}: regime `{}` cannot start from the present of `{}` (state {s}): it changes {}, which cannot change during a run (it sets the model's size or initial state); use `start = \"steady\"` (or --start steady), or give it `{}`'s value",
                        self.spec.file.display(),
                        regime.name,
                        self.spec.regimes[0].name,
                        fixed.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
                        self.spec.regimes[0].name
                    )));
                }
            }
        }
        Ok(())
    }
}

impl Job for ExploreJob<'_> {
    type Identity = ExploreIdentity;
    const KIND: &'static str = "explore";
    const ITEM: &'static str = "states";

    fn identity(&self) -> &ExploreIdentity {
        &self.id
    }
    fn items(&self) -> u64 {
        self.states.n as u64
    }
    fn record_len(&self) -> usize {
        self.spec.regimes.len() * self.spec.outcomes.len()
    }
    fn chunk_items(&self) -> u64 {
        self.chunk_states
    }
    fn eval_item(&self, item: u64, record: &mut [f64]) -> anyhow::Result<()> {
        let s = item as usize;
        let spec = self.spec;
        let configs: Vec<Config> = (0..spec.regimes.len())
            .map(|g| self.scenario(s, g).map(|sc| sc.config()))
            .collect::<Result<_, _>>()?;
        let reps = spec.reps_per_state;
        let seed = self.id.seed;
        let runs: Vec<Vec<f64>> = match spec.start {
            Start::Steady => (0..configs.len() * reps)
                .into_par_iter()
                .map(|j| {
                    let out = Model::new(&configs[j / reps], seed, (j % reps) as u64).run();
                    spec.outcomes.iter().map(|o| out.summary[o.index]).collect()
                })
                .collect(),
            Start::Present => {
                // one warm-up per replication (of the first regime), every regime forked from it
                let regimes: Vec<&Config> = configs.iter().collect();
                let per_rep: Vec<Vec<Vec<f64>>> = (0..reps)
                    .into_par_iter()
                    .map(|r| {
                        let mut outs = Vec::with_capacity(regimes.len());
                        crate::studies::compare::start::fork_replication(
                            &configs[0],
                            &regimes,
                            seed,
                            r as u64,
                            |_, out| {
                                outs.push(
                                    spec.outcomes.iter().map(|o| out.summary[o.index]).collect(),
                                );
                                Ok(())
                            },
                        )?;
                        Ok(outs)
                    })
                    .collect::<anyhow::Result<_>>()?;
                // regime-major, as the steady start's runs
                (0..configs.len() * reps)
                    .map(|j| per_rep[j % reps][j / reps].clone())
                    .collect()
            }
        };
        let n_out = spec.outcomes.len();
        record.fill(0.0);
        for (j, run) in runs.iter().enumerate() {
            let g = j / reps;
            for (o, v) in run.iter().enumerate() {
                record[g * n_out + o] += v;
            }
        }
        for v in record.iter_mut() {
            *v /= reps as f64;
        }
        Ok(())
    }
}
