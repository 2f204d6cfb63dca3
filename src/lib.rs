//! partnersim: an agent-based simulation of government–nonprofit funding dynamics for
//! immigrant-serving organizations, with Monte Carlo runs, comparisons on common random numbers
//! and sensitivity sweeps.
//!
//! The engine — the model ([`model`]), its parameters ([`params`]), [`metrics`] and [`stats`] —
//! is its own crate of the workspace (`engine/`, `partnersim-engine`), re-exported here: it
//! never reads files or prints, and the compiler keeps it from importing anything above it.
//! [`job`] is the batch core every batch command shares (chunks, resume, shards, merge,
//! output-directory policy, manifest); [`run`], [`compare`] and [`sweep`] are written on it.
//! [`commands`] holds one module per subcommand on plain typed arguments; the binary only
//! parses the command line into them. [`input`] reads every input file (scenario, sweep, explore,
//! calibration, design and posterior CSVs, levers) through one error type,
//! [`input::InputError`].

// Every bad input file is one `input::InputError`, which carries the file, position, key, value
// and what is allowed by design; it is built once, on the cold path, so its size does not
// matter and boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub use partnersim_engine::{metrics, model, params, stats};

pub mod assumptions;
pub mod bench;
pub mod calibrate;
pub mod commands;
pub mod compare;
pub mod error;
pub mod evaluate;
pub mod explore;
pub mod export;
pub mod input;
pub mod job;
pub mod lesson;
pub mod patterns;
pub mod plot;
pub mod posterior;
pub mod progress;
pub mod report;
pub mod run;
pub mod scenario;
pub mod serve;
pub mod start;
pub mod sweep;
