//! Shipped scenarios (`scenarios/NAME.toml` in the crate root) as engine configurations, with
//! some parameter values changed, for the partnership tests.

#![allow(dead_code)]

use partnersim::input::scenario::Scenario;
use partnersim::model::Config;
use std::path::Path;

/// A shipped scenario with some values changed (`(parameter, value)` pairs, applied in order).
/// Panics if the file does not load or a pair is refused.
pub fn scenario_with(name: &str, pairs: &[(&str, f64)]) -> Config {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    let mut s = Scenario::load(&p).unwrap();
    for (p, x) in pairs {
        s.set_value(p, *x).unwrap();
    }
    s.config()
}

/// A shipped scenario as it is.
pub fn scenario(name: &str) -> Config {
    scenario_with(name, &[])
}
