//! Forking a replication at the present: one warm-up, several regimes after it (ODD §5, "Two
//! questions").
//!
//! A [`Model`] is plain data (its random streams included), so a clone continues exactly as the
//! original would. [`Model::warm_up`] steps every month before reported month 0; the state is
//! then "the present". [`Model::switch_to`] puts a regime in force from the current month with
//! the mechanism of timeline events (§7.26): the parameters that differ from those in force
//! become one `set` event at this month, ahead of the regime's own events, so a switch and a
//! scenario timeline that sets the same parameters at the same month give the same numbers.
//! Parameters that size the model or set its initial state cannot change this way
//! (the registry's [`crate::params::ParamSpec::fixed_during_run`]); a switch that would change one is refused.
//!
//! Random numbers after the fork are the same for every regime: the environment's and funders'
//! generators are cloned with the state, and the ISOs' and events' streams are read at positions
//! fixed by the month (see [`super::rng`]).
//!
//! ```
//! use partnersim_engine::model::{Config, Model};
//! let mut cfg = Config::default();
//! cfg.simulation.duration_months = 12;
//! cfg.simulation.warmup_months = 12;
//! let mut present = Model::new(&cfg, 42, 0);
//! present.warm_up();
//! let mut regime = present.clone();
//! regime.switch_to(&cfg).unwrap();
//! let a = present.run_rest();
//! let b = regime.run_rest();
//! assert_eq!(a.summary.map(f64::to_bits), b.summary.map(f64::to_bits));
//! ```

use super::timeline::{path_of, Event, EventKind};
use super::{Config, Model, ReplicationOutput};
use crate::params::{registry, Values};
use std::sync::Arc;

/// Parameters (registry indices, values of `to`) that differ between two value sets, in
/// registry order; bits are compared, so a value written differently but equal is no change.
pub fn changes(from: &Values, to: &Values) -> Vec<(usize, f64)> {
    from.0
        .iter()
        .zip(&to.0)
        .enumerate()
        .filter(|(_, (a, b))| a.to_bits() != b.to_bits())
        .map(|(k, (_, b))| (k, *b))
        .collect()
}

/// The paths of the parameters that differ between `from` and `to` and cannot change during a
/// run (empty when `to` can be switched to from `from`).
pub fn fixed_changes(from: &Values, to: &Values) -> Vec<&'static str> {
    changes(from, to)
        .into_iter()
        .filter(|&(k, _)| registry()[k].fixed_during_run)
        .map(|(k, _)| path_of(k))
        .collect()
}

impl Model<'_> {
    /// Steps every month of the warm-up that is left: afterwards the next month stepped is
    /// reported month 0.
    pub fn warm_up(&mut self) {
        while self.t < self.warmup {
            self.step();
        }
    }

    /// Puts `regime` in force from the current month on: its parameters that differ from those
    /// in force are set by a timeline event at this month, applied first, and its timeline
    /// replaces the one in force. Refused (with the parameter paths) when it would change a
    /// parameter fixed during a run, or during the warm-up.
    pub fn switch_to(&mut self, regime: &Config) -> Result<(), String> {
        let month = u32::try_from(self.month())
            .map_err(|_| "a regime can be switched to only from reported month 0 on".to_string())?;
        let fixed = fixed_changes(&self.cfg.values, &regime.values);
        if !fixed.is_empty() {
            return Err(format!(
                "{} cannot change during a run (it sets the model's size or initial state)",
                fixed.join(", ")
            ));
        }
        let sets = changes(&self.cfg.values, &regime.values);
        let mut timeline = Vec::with_capacity(regime.timeline.len() + 1);
        if !sets.is_empty() {
            timeline.push(Event {
                month,
                kind: EventKind::Set(sets),
            });
        }
        // only events still to come: the state already holds the past
        timeline.extend(regime.timeline.iter().filter(|e| e.month >= month).cloned());
        let mut cfg = (*self.cfg).clone();
        cfg.timeline = timeline;
        self.reconfigure(Arc::new(cfg));
        Ok(())
    }

    /// Steps the months left of the run and returns its time series and summary (the same as
    /// [`Model::run`] on a model that has not stepped yet).
    pub fn run_rest(mut self) -> ReplicationOutput {
        while self.t < self.warmup + self.cfg.simulation.duration_months {
            self.step();
        }
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::index_of;

    fn small() -> Config {
        let mut cfg = Config::default();
        cfg.simulation.duration_months = 24;
        cfg.simulation.warmup_months = 24;
        cfg.simulation.isos = 8;
        cfg
    }

    #[test]
    fn a_warmed_up_run_continues_as_the_straight_run() {
        let cfg = small();
        let straight = Model::new(&cfg, 3, 1).run();
        let mut m = Model::new(&cfg, 3, 1);
        m.warm_up();
        let forked = m.clone().run_rest();
        assert_eq!(straight.months.len(), forked.months.len());
        for (a, b) in straight.months.iter().zip(&forked.months) {
            assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits));
        }
    }

    #[test]
    fn a_fixed_parameter_is_refused_by_name() {
        let cfg = small();
        let mut other = cfg.values.clone();
        let k = index_of("iso.credit_line_months").unwrap();
        other.0[k] += 1.0;
        let regime = Config::from_values(&other);
        let mut m = Model::new(&cfg, 3, 1);
        m.warm_up();
        let e = m.switch_to(&regime).unwrap_err();
        assert!(e.contains("iso.credit_line_months"), "{e}");
        assert_eq!(fixed_changes(&cfg.values, &regime.values).len(), 1);
    }

    #[test]
    fn no_switch_during_the_warm_up() {
        let cfg = small();
        let mut m = Model::new(&cfg, 3, 1);
        assert!(m.switch_to(&cfg).is_err());
    }
}
