//! Sensitivity analysis: sweeps of the model (or of analytic test functions) over parameter
//! ranges, with grid, Latin-hypercube, Morris and Sobol' designs.
//!
//! A sweep file ([`spec`]) names a base scenario (or a test model), a method, the parameters
//! and their ranges, and the outputs. [`run::run`] builds the design ([`design`]) and runs every
//! point `reps_per_point` times as a [`crate::job`] job ([`job`]) with common random numbers
//! (replication `r` of every point uses the same random streams); the points' records stream into
//! `results.csv` and the point statistics ([`output::Results`]); the indices are a pure function of
//! those ([`results`], [`estimators`]); [`output`] writes `points.csv`, `sensitivity.csv`,
//! `variance.csv` and the manifest, and reads them back for `partnersim plot`; [`plots`] draws.
//! The job core makes sweeps resumable (`--resume`), shardable (`--shard I/N`) and mergeable
//! ([`run::merge`]) into byte-identical outputs.
//! See `docs/sensitivity.md` for the methods, formulas and the sweep-file reference.

pub mod design;
pub mod estimators;
pub mod job;
pub mod output;
pub mod plots;
pub mod results;
pub mod run;
pub mod spec;
pub mod testmodels;

pub use estimators::Estimate;
pub use job::{SweepIdentity, SweepJob};
pub use results::{SensRow, SweepDetails, SweepOutcome};
pub use run::{merge, run, run_spec, SweepOptions, SweepStatus};
pub use spec::{Distribution, Method, SweepParam, SweepSpec, Target};
pub use testmodels::TestModel;
