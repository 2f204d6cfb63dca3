//! Sensitivity analysis: sweeps of the model (or of analytic test functions) over parameter
//! ranges, with grid, Latin-hypercube, Morris and Sobol' designs.
//!
//! A sweep file ([`spec`]) names a base scenario (or a test model), a method, the parameters
//! and their ranges, and the outputs. [`run`] builds the design ([`design`]), runs every point
//! `reps_per_point` times in parallel with common random numbers (replication `r` of every point
//! uses the same random streams), writes `points.csv`, `results.csv`, `sensitivity.csv`,
//! `variance.csv`, plots and `manifest.json`, and computes the indices ([`estimators`]).
//! Sweeps are computed in chunks of points saved under `<out>/.chunks/` ([`resume`]): an
//! interrupted sweep continues with `--resume`, `--shard I/N` computes a slice, and [`merge`]
//! combines shards into byte-identical outputs.
//! See `docs/sensitivity.md` for the methods, formulas and the sweep-file reference.

pub mod design;
pub mod estimators;
pub mod plots;
pub mod resume;
pub mod runner;
pub mod spec;
pub mod testmodels;

pub use estimators::Estimate;
pub use resume::{merge, SweepIdentity, SweepShardRecord};
pub use runner::{
    run, run_spec, run_spec_with, run_with, SensRow, SweepArgs, SweepOptions, SweepOutcome,
    SweepStatus,
};
pub use spec::{Distribution, Method, SweepError, SweepParam, SweepSpec, Target};
pub use testmodels::TestModel;
