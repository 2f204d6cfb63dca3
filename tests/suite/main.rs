//! The integration test suite, compiled as one binary (ripgrep style):
//! model patterns, invariants and extreme cases, and the command line.

mod categories;
mod cli;
mod community;
mod conventions;
mod integration;
mod invariants;
mod monotone;
mod patterns;
#[path = "../common/process.rs"]
mod process;
mod safety;
mod terms;
mod timeline;
mod util;
