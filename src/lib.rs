//! partnersim: an agent-based simulation of government–nonprofit funding dynamics for
//! immigrant-serving organizations, with Monte Carlo runs, comparisons on common random numbers
//! and sensitivity sweeps.
//!
//! The engine — the model ([`model`]), its parameters ([`params`]), [`metrics`] and [`stats`] —
//! is its own crate of the workspace (`engine/`, `partnersim-engine`), re-exported here: it
//! never reads files or prints, and the compiler keeps it from importing anything above it.
//! [`input`] reads every input file (scenario, sweep, explore, calibration, design and posterior
//! CSVs, levers) through one error type, [`input::InputError`]. [`job`] is the batch core every
//! batch command shares (chunks, resume, shards, merge, output-directory policy, manifest); the
//! studies are written on it, each a folder laid out alike:
//!
//! | study | spec (input) | job | results (types) | output (files) | plots |
//! |---|---|---|---|---|---|
//! | [`run`] | [`scenario`] | `run/job.rs` | `run/results.rs` | `run/output.rs` | [`plot`] (`plot/figures.rs`) |
//! | [`compare`] | [`scenario`] | `compare/start.rs`, `compare/mod.rs` | `compare/results.rs` | `compare/mod.rs`, [`report`] | [`plot`] (`plot/figures.rs`) |
//! | [`sweep`] | `sweep/spec/` | `sweep/job.rs` | `sweep/results.rs` | `sweep/output.rs` | `sweep/plots.rs` |
//! | [`explore`] | `explore/spec/` | `explore/job.rs` | `explore/results.rs` | `explore/output.rs`, `explore/report.rs` | `explore/plots.rs` |
//! | [`calibrate`] | `calibrate/spec.rs` | `calibrate/job.rs` | `calibrate/results.rs` | `calibrate/output.rs` | `calibrate/plots.rs` |
//!
//! Each study's driver (spec → job → results → files → plots) is its `run.rs` (sweep, explore)
//! or its `mod.rs` (run, compare, calibrate). Readers and exporters depend on the results types,
//! never the reverse. Every figure is a [`plot::Figure`] saved by [`plot::save`] as PNG and SVG:
//! a new plot kind is a type implementing `Figure` in the study's `plots.rs` (or
//! `plot/charts.rs` for a chart kind several studies share) and one `save` call where the
//! study draws its plots. [`commands`] holds one module per subcommand on plain typed
//! arguments; the binary only parses the command line into them: a new subcommand is its variant and
//! flags in `cli.rs`, a module in `commands/` and its arm in the dispatch of `commands/mod.rs`.

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
pub mod sweep;
