//! Scenario timelines: events at given reported months — arrivals multiplied for a while
//! (surges and drops), a funder's budget cut or raised, the host community's receptivity
//! shifted, and any regime parameter changed from a month on (ODD §7.26). Events are checked
//! when a scenario is read (`crate::scenario`); here they are applied at the start of their
//! month.

use super::Model;
use crate::params::{registry, Values};
use std::sync::Arc;

/// What an event does.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// Arrivals are multiplied by `factor` for `months` months (below 1: a drop).
    Arrivals {
        /// multiplier
        factor: f64,
        /// how long it lasts
        months: u32,
    },
    /// Funder `funder`'s budget is multiplied by `factor` from this month on; with
    /// `terminate`, contracts above the new budget end at once (lowest score first), as in a
    /// policy shock, else they run to their end.
    Budget {
        /// funder index (federal, provincial, municipal, foundation)
        funder: usize,
        /// multiplier
        factor: f64,
        /// end contracts above the new budget at once
        terminate: bool,
    },
    /// The host community's baseline receptivity shifts by `change` (within 0-1) from this
    /// month on; receptivity follows at its own pace (§7.32).
    Receptivity {
        /// shift of the baseline (index 0-1; negative: less receptive)
        change: f64,
    },
    /// Parameters (registry index, value) change from this month on.
    Set(Vec<(usize, f64)>),
}

/// One timeline event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// reported month (0 = first month after the warm-up)
    pub month: u32,
    /// what happens
    pub kind: EventKind,
}

impl Model<'_> {
    /// Applies the events of the current reported month, in the order of the scenario file.
    pub(super) fn apply_timeline(&mut self) {
        let month = self.month();
        if month < 0 || self.cfg.timeline.is_empty() {
            return;
        }
        let due: Vec<Event> = self
            .cfg
            .timeline
            .iter()
            .filter(|e| i64::from(e.month) == month)
            .cloned()
            .collect();
        for e in due {
            match e.kind {
                EventKind::Arrivals { factor, months } => self.arrivals_event = (factor, months),
                EventKind::Budget {
                    funder,
                    factor,
                    terminate,
                } => {
                    if terminate {
                        self.cut_budget(funder, factor, false);
                    } else {
                        let fu = &mut self.funders[funder];
                        fu.event_factor *= factor;
                        fu.budget *= factor;
                    }
                }
                EventKind::Receptivity { change } => self.community.shift(change),
                EventKind::Set(sets) => self.set_values(&sets),
            }
        }
    }

    /// Puts parameters (registry index, value) in force from the current month: the
    /// configuration and the terms derived from it, and the state that depends on a parameter
    /// that also acts at creation. When the distribution of the ISOs' traits changes, every
    /// ISO's mission weight and risk aversion are recomputed from its own standard normal
    /// scores (drawn at its creation, so every regime and every timeline gets the same draws
    /// and each ISO keeps its rank). When `partnerships.enabled` goes off, every operating
    /// partnership ends this month; when it goes on, the submodel runs from this month with
    /// its perceived need set to last month's unmet-need share.
    pub(super) fn set_values(&mut self, sets: &[(usize, f64)]) {
        let mut values: Values = self.cfg.values.clone();
        for &(k, v) in sets {
            values.set_index(k, v);
        }
        let mut cfg = super::Config::from_values(&values);
        cfg.timeline = self.cfg.timeline.clone();
        let (old_iso, new_iso) = (&self.cfg.iso, &cfg.iso);
        let traits_change = old_iso.mission_weight.to_bits() != new_iso.mission_weight.to_bits()
            || old_iso.strategy_dispersion.to_bits() != new_iso.strategy_dispersion.to_bits()
            || old_iso.risk_aversion.to_bits() != new_iso.risk_aversion.to_bits();
        let partnerships = (self.cfg.partnerships.enabled, cfg.partnerships.enabled);
        self.reconfigure(Arc::new(cfg));
        if traits_change {
            let ic = &self.cfg.iso;
            for iso in &mut self.isos {
                (iso.mission, iso.risk_aversion) = super::traits(ic, iso.trait_scores);
            }
        }
        match partnerships {
            (true, false) => self.partners.end_all(self.t),
            (false, true) => self.partners.need_ema = self.facts.unmet_need,
            _ => {}
        }
    }
}

/// The registry path of an index (for messages).
pub fn path_of(index: usize) -> &'static str {
    registry()[index].path.as_str()
}
