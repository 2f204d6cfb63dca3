//! partnersim
pub mod bench;
pub mod cli;
pub mod compare;
pub mod export;
pub mod lesson;
pub mod metrics;
pub mod model;
pub mod params;
pub mod plot;
pub mod present;
pub mod progress;
pub mod report;
pub mod run;
pub mod scenario;
pub mod stats;
pub mod sweep;
pub mod tomlfile;
