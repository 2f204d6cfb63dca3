//! The studies, each a question asked of the engine and written on the batch core
//! ([`crate::job`]): a single scenario ([`run`]), regimes against a baseline on common random
//! numbers ([`compare`], with "what would change this answer" in [`assumptions`] and a
//! calibrated posterior in [`posterior`]), sensitivity sweeps ([`sweep`]), decision making
//! under deep uncertainty ([`explore`]), calibration to published figures ([`calibrate`],
//! scored by [`evaluate`]), the model's patterns ([`patterns`]) and its speed ([`bench`]).
//!
//! Each study is laid out alike: its input file is read by the input layer
//! ([`crate::input`]); `job.rs` is its [`crate::job::Job`], `results.rs` its results types,
//! `output.rs` the files it writes and `plots.rs` its figures (shared chart kinds live in
//! [`crate::output::plot`]).

pub mod assumptions;
pub mod bench;
pub mod calibrate;
pub mod compare;
pub mod evaluate;
pub mod explore;
pub mod patterns;
pub mod posterior;
pub mod run;
pub mod sweep;
