//! partnersim
pub mod metrics;
pub mod model;
pub mod params;
pub mod scenario;
