//! The partnersim engine on its own: the model ([`model`]), its parameter registry
//! ([`params`]), the metrics it records ([`metrics`]) and the statistics over replications
//! ([`stats`]).
//!
//! This crate reads no files, prints nothing and knows nothing of jobs, outputs or the command
//! line: the compiler enforces the layer, since it depends on `rand` and `strsim` alone. A
//! replication is a function of its configuration, seed and replication index:
//!
//! ```
//! use partnersim_engine::{model::{Config, Model}, params::Values};
//!
//! let mut values = Values::default();
//! let isos = partnersim_engine::params::index_of("simulation.isos").unwrap();
//! values.set_index(isos, 8.0);
//! let cfg = Config::from_values(&values);
//! let a = Model::new(&cfg, 42, 0).run();
//! let b = Model::new(&cfg, 42, 0).run();
//! assert_eq!(a.months.len(), b.months.len());
//! assert!(a.months.iter().zip(&b.months).all(|(x, y)| x == y));
//! ```

pub mod metrics;
pub mod model;
pub mod names;
pub mod params;
pub mod stats;
