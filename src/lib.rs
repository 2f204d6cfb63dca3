//! partnersim: an agent-based simulation of government–nonprofit funding dynamics for
//! immigrant-serving organizations, with Monte Carlo runs, comparisons on common random numbers
//! and sensitivity sweeps.
//!
//! The crate shows its layers as folders, each importing only from the ones below it:
//!
//! | layer | where | what |
//! |---|---|---|
//! | engine | `engine/` (crate `partnersim-engine`) | the model ([`model`]), its parameters ([`params`]), [`metrics`] and [`stats`]; no I/O, and the compiler keeps it from importing anything above it (it depends on `rand` and `strsim` alone); re-exported here |
//! | input | [`input`] | every input file (scenario, sweep, explore, calibration, design and posterior CSVs, levers) through one error type, [`input::InputError`] |
//! | batch core | [`job`] | chunks, resume, shards, merge, output-directory policy, manifest, progress |
//! | studies | [`studies`] | run, compare (and its assumptions and posterior), sweep, explore, calibrate, patterns, bench |
//! | output | [`output`] | figures, the HTML report, exports |
//! | front ends | [`commands`], [`serve`] | one module per subcommand on plain typed arguments; the classroom page |
//!
//! Each study is a folder laid out alike:
//!
//! | study | spec (input) | job | results (types) | output (files) | plots |
//! |---|---|---|---|---|---|
//! | [`studies::run`] | [`input::scenario`] | `run/job.rs` | `run/results.rs` | `run/output.rs` | [`output::plot`] (`plot/figures.rs`) |
//! | [`studies::compare`] | [`input::scenario`] | `compare/start.rs`, `compare/mod.rs` | `compare/results.rs` | `compare/mod.rs`, [`output::report`] | [`output::plot`] (`plot/figures.rs`) |
//! | [`studies::sweep`] | `sweep/spec/` | `sweep/job.rs` | `sweep/results.rs` | `sweep/output.rs` | `sweep/plots.rs` |
//! | [`studies::explore`] | `explore/spec/` | `explore/job.rs` | `explore/results.rs` | `explore/output.rs`, `explore/report.rs` | `explore/plots.rs` |
//! | [`studies::calibrate`] | `calibrate/spec.rs` | `calibrate/job.rs` | `calibrate/results.rs` | `calibrate/output.rs` | `calibrate/plots.rs` |
//!
//! Each study's driver (spec → job → results → files → plots) is its `run.rs` (sweep, explore)
//! or its `mod.rs` (run, compare, calibrate). Readers and exporters depend on the results types,
//! never the reverse. Where a newcomer adds:
//! - a parameter: one row of its table in `engine/src/params.rs` (the typed configuration is
//!   generated from it), then `cargo run --release --example odd_tables`;
//! - a metric: one row of the catalogue in `engine/src/metrics.rs`, its value in
//!   `engine/src/model/observe.rs`;
//! - a funder rule: a step in `engine/src/model/funders.rs`, called from the month's schedule in
//!   `engine/src/model/mod.rs` (`Model::step`), documented in the ODD's §7;
//! - a plot kind: a type implementing [`output::plot::Figure`] in the study's `plots.rs` (or
//!   `output/plot/charts.rs` for a kind several studies share) and one [`output::plot::save`]
//!   call, which writes PNG and SVG;
//! - a subcommand: its variant and flags in `cli.rs`, a module in `commands/` and its arm in the
//!   dispatch of `commands/mod.rs`;
//! - an input-file kind: a reader on [`input::Reader`] (TOML) or [`input::csv::Table`] (CSV)
//!   returning [`input::InputError`] (no exit-code entry needed).

// Every bad input file is one `input::InputError`, which carries the file, position, key, value
// and what is allowed by design; it is built once, on the cold path, so its size does not
// matter and boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub use partnersim_engine::{metrics, model, params, stats};

pub mod commands;
pub mod error;
pub mod input;
pub mod job;
pub mod output;
pub mod serve;
pub mod studies;
