//! `partnersim explore`: exploratory modelling under deep uncertainty (Bankes 1993; Lempert et
//! al. 2003). Every regime (policy) is run in every sampled state of the world on common random
//! numbers; the regimes are judged by robustness metrics (quantiles across states, regret against
//! the best regime of each state, satisficing), and PRIM (Friedman & Fisher 1999) finds the
//! region of the uncertainties where a regime fails (scenario discovery, Bryant & Lempert 2010).
//!
//! * [`spec`]: the explore file;
//! * [`states`]: the states of the world (a Latin hypercube, or any list of parameter vectors);
//! * [`job`]: the runs as a [`crate::job`] job (item = state; record = every regime's outcomes);
//! * [`robust`]: robustness metrics and the ranking;
//! * [`prim`]: PRIM with peeling, pasting and significance tests;
//! * [`run`]: the driver (states → job → analysis → files → manifest) and merging shards;
//! * [`results`]: what it produces ([`ExploreOutcome`], the manifest's [`results::Details`]);
//! * [`output`]: the CSV files; [`plots`]: the figures; [`report`]: `report.html`.

pub mod job;
pub mod output;
pub mod plots;
pub mod prim;
pub mod report;
pub mod results;
pub mod robust;
pub mod run;
pub mod spec;
pub mod states;

pub use results::ExploreOutcome;
pub use run::{merge, run, ExploreOptions, ExploreStatus};
pub use spec::ExploreSpec;
