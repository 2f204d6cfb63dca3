//! A sweep as a [`crate::job`] job: item `p` is point `p` of the design; its record is the
//! outputs of its `reps_per_point` replications, replication by replication.
//!
//! Replication `r` of every point uses `Model::new(cfg, seed, r)`: common random numbers, so
//! differences between points are not blurred by different luck.

use super::design::Design;
use super::spec::{SweepSpec, Target};
use crate::input::scenario::Scenario;
use crate::input::InputError;
use crate::job::{Differences, Identity, Job};
use crate::model::{Config, Model};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Model runs per chunk by default (the unit of work saved to disk and of resume): a chunk holds
/// `max(1, CHUNK_RUNS / reps_per_point)` points unless `--chunk-points` says otherwise.
pub const CHUNK_RUNS: usize = 4096;

/// What determines a sweep's numbers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SweepIdentity {
    /// sweep name
    pub name: String,
    /// SHA-256 of the sweep file's bytes
    pub sweep_file_sha256: String,
    /// "scenario" or the test model's name
    pub target: String,
    /// base scenario content hash, or the test model with its constants
    pub target_hash: String,
    /// grid | lhs | morris | sobol
    pub method: String,
    /// master seed (after `--seed`): the replications and the bootstrap
    pub seed: u64,
    /// seed of the design (`design_seed`, else `seed`)
    #[serde(default)]
    pub design_seed: u64,
    /// SHA-256 of an external design's file (empty for the designs partnersim builds)
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub design_sha256: String,
    /// number of points of the design
    pub points: u64,
    /// swept parameter paths, in design order
    pub parameters: Vec<String>,
    /// replications per point
    pub reps_per_point: u64,
    /// output names, in column order
    pub outputs: Vec<String>,
}

impl SweepIdentity {
    /// The identity of running `spec` with `seed` (a design of `points` points).
    pub fn new(spec: &SweepSpec, seed: u64, points: usize) -> Self {
        let (target, target_hash) = match &spec.target {
            Target::Scenario { scenario, .. } => ("scenario".to_string(), scenario.content_hash()),
            Target::Analytic(m) => (m.name().to_string(), format!("{m:?}")),
        };
        SweepIdentity {
            name: spec.name.clone(),
            sweep_file_sha256: spec.file_hash.clone(),
            target,
            target_hash,
            method: spec.method.name().into(),
            seed,
            design_seed: spec.design_seed_or(seed),
            design_sha256: spec
                .external
                .as_ref()
                .map_or_else(String::new, |d| d.sha256.clone()),
            points: points as u64,
            parameters: spec.parameters.iter().map(|p| p.path.clone()).collect(),
            reps_per_point: spec.reps_per_point as u64,
            outputs: spec.outputs.clone(),
        }
    }
}

impl Identity for SweepIdentity {
    fn differs(&self, old: &SweepIdentity) -> Option<String> {
        Differences::default()
            .content(
                "sweep file",
                (&old.name, &old.sweep_file_sha256),
                (&self.name, &self.sweep_file_sha256),
            )
            .content(
                "base",
                (&old.target, &old.target_hash),
                (&self.target, &self.target_hash),
            )
            .value("method", &old.method, &self.method)
            .value("seed", old.seed, self.seed)
            .value("design seed", old.design_seed, self.design_seed)
            .when(
                self.design_sha256 != old.design_sha256,
                "the design file's contents",
            )
            .when(
                self.points != old.points
                    || self.parameters != old.parameters
                    || self.reps_per_point != old.reps_per_point,
                format!(
                    "{} points x {} replications vs {} x {}",
                    old.points, old.reps_per_point, self.points, self.reps_per_point
                ),
            )
            .when(self.outputs != old.outputs, "outputs")
            .finish()
    }
}

/// A sweep ready to run: its spec, design, seed and chunk size.
pub struct SweepJob<'a> {
    /// the sweep
    pub spec: &'a SweepSpec,
    /// its design
    pub design: &'a Design,
    /// the identity
    pub id: SweepIdentity,
    /// points per chunk
    pub chunk_points: u64,
}

impl<'a> SweepJob<'a> {
    /// The job of `spec` over `design` with `seed`, `chunk_points` points per chunk (default:
    /// about [`CHUNK_RUNS`] model runs).
    pub fn new(
        spec: &'a SweepSpec,
        design: &'a Design,
        seed: u64,
        chunk_points: Option<usize>,
    ) -> Self {
        let chunk = chunk_points.unwrap_or((CHUNK_RUNS / spec.reps_per_point.max(1)).max(1));
        SweepJob {
            spec,
            design,
            id: SweepIdentity::new(spec, seed, design.n),
            chunk_points: chunk as u64,
        }
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
            set_point(spec, &mut s, x)?;
            Ok(PointModel::Config(Box::new(s.config())))
        }
    }
}

/// Sets a point's values on `s` and checks them together with the rest of the scenario
/// ([`Scenario::set_values`]); a disagreement names the sweep file and the point's values.
fn set_point(spec: &SweepSpec, s: &mut Scenario, x: &[f64]) -> Result<(), InputError> {
    let pairs: Vec<(&str, f64)> = spec
        .parameters
        .iter()
        .map(|p| p.path.as_str())
        .zip(x.iter().copied())
        .collect();
    s.set_values(&pairs).map_err(|e| {
        let values: Vec<String> = pairs.iter().map(|(p, v)| format!("{p} = {v}")).collect();
        InputError::Inconsistent {
            file: spec.file.display().to_string(),
            msg: format!(
                "the point {} is inconsistent: {}; narrow the ranges of [[parameters]]",
                values.join(", "),
                e.message()
            ),
        }
    })
}

impl SweepJob<'_> {
    /// Checks, before anything runs, that every point's values agree with each other and with
    /// the base scenario (as a scenario file with those values would be checked).
    pub fn check_points(&self) -> Result<(), InputError> {
        let Target::Scenario { scenario, .. } = &self.spec.target else {
            return Ok(());
        };
        let mut s = (**scenario).clone();
        for p in 0..self.design.n {
            set_point(self.spec, &mut s, self.design.point(p))?;
        }
        Ok(())
    }
}

impl Job for SweepJob<'_> {
    type Identity = SweepIdentity;
    const KIND: &'static str = "sweep";
    const ITEM: &'static str = "points";

    fn identity(&self) -> &SweepIdentity {
        &self.id
    }
    fn items(&self) -> u64 {
        self.design.n as u64
    }
    fn record_len(&self) -> usize {
        self.spec.reps_per_point * self.spec.outputs.len()
    }
    fn chunk_items(&self) -> u64 {
        self.chunk_points
    }
    fn eval_item(&self, item: u64, record: &mut [f64]) -> anyhow::Result<()> {
        let spec = self.spec;
        let model = point_model(spec, self.design.point(item as usize))?;
        let seed = self.id.seed;
        let n_out = spec.outputs.len();
        record
            .par_chunks_mut(n_out)
            .enumerate()
            .for_each(|(r, out)| match (&model, &spec.target) {
                (PointModel::Values(x), Target::Analytic(tm)) => out[0] = tm.eval(x),
                (PointModel::Config(cfg), _) => {
                    let run = Model::new(cfg, seed, r as u64).run();
                    for (o, &i) in out.iter_mut().zip(&spec.output_index) {
                        *o = run.summary[i];
                    }
                }
                // point_model builds Values only for analytic targets
                (PointModel::Values(_), Target::Scenario { .. }) => out.fill(f64::NAN),
            });
        Ok(())
    }
}
