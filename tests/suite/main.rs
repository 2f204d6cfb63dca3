//! The integration test suite, compiled as one binary (ripgrep style):
//! model patterns, invariants and extreme cases, and the command line.

mod cli;
mod invariants;
mod patterns;
mod safety;
mod util;
