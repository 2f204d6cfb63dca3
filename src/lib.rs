//! partnersim: an agent-based simulation of government–nonprofit funding dynamics for
//! immigrant-serving organizations, with Monte Carlo runs, comparisons on common random numbers
//! and sensitivity sweeps.
//!
//! The model ([`model`]) never reads files or prints. [`job`] is the batch core every batch
//! command shares (chunks, resume, shards, merge, output-directory policy, manifest); [`run`],
//! [`compare`] and [`sweep`] are written on it. [`commands`] holds one module per subcommand on
//! plain typed arguments; the binary only parses the command line into them.
pub mod assumptions;
pub mod bench;
pub mod calibrate;
pub mod commands;
pub mod compare;
pub mod error;
pub mod evaluate;
pub mod explore;
pub mod export;
pub mod job;
pub mod lesson;
pub mod metrics;
pub mod model;
pub mod params;
pub mod patterns;
pub mod plot;
pub mod posterior;
pub mod progress;
pub mod report;
pub mod run;
pub mod scenario;
pub mod serve;
pub mod stats;
pub mod sweep;
pub mod tomlfile;
