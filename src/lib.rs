//! partnersim
pub mod export;
pub mod metrics;
pub mod model;
pub mod params;
pub mod plot;
pub mod progress;
pub mod scenario;
pub mod sweep;
