//! partnersim
pub mod export;
pub mod metrics;
pub mod model;
pub mod params;
pub mod plot;
pub mod progress;
pub mod report;
pub mod scenario;
