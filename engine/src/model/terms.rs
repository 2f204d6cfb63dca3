//! Funder terms (ODD §7.28): each funder chooses, at the start of its fiscal year, the terms it
//! offers for agreements signed in the coming year (contract months, core share, reporting
//! scale) within a mandate set by the scenario, by weighing what the past twelve months cost
//! the region (new need left unmet, ISOs closed) against the value it puts on short,
//! restricted, closely reported terms (MLH 5.1: accountability and the flexibility to change
//! partners). An agreement keeps the terms it was signed under.
//!
//! A deterministic rule: no random draws.

use super::config::FunderCfg;
use super::{Model, NF};

/// Months a chosen contract length moves in one fiscal year (whole years keep sector-wide calls
/// in the fiscal-year start month).
pub const CONTRACT_STEP_MONTHS: u32 = 12;

/// Months of the region's ledger a funder looks back on when it chooses its terms.
pub const LEDGER_MONTHS: usize = 12;

/// The terms of an agreement: what a funder offers, and what an agreement was signed under.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Terms {
    /// length of an agreement (months)
    pub contract_months: u32,
    /// share of an agreement that is core (unrestricted) money
    pub core_share: f64,
    /// reporting asked, as a share of the funder's configured reporting (1 = as configured)
    pub reporting_scale: f64,
}

impl Default for Terms {
    fn default() -> Self {
        Terms {
            contract_months: 12,
            core_share: 0.0,
            reporting_scale: 1.0,
        }
    }
}

/// A funder's mandate: the preferred terms (the scenario's `contract_months`, `core_share` and
/// full reporting) and how far toward the sector it may go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mandate {
    /// the terms the funder prefers (where it returns when pressure is low)
    pub preferred: Terms,
    /// the terms furthest toward the sector it may offer (longest, most core, lightest)
    pub sectorward: Terms,
}

impl Mandate {
    /// The mandate of a funder configured as `fc`: bounds that coincide with the preferred terms
    /// (or `terms_chosen` off) fix a term.
    pub fn of(fc: &FunderCfg) -> Mandate {
        let preferred = Terms {
            contract_months: fc.contract_months,
            core_share: fc.core_share,
            reporting_scale: 1.0,
        };
        let sectorward = if fc.terms_chosen {
            Terms {
                contract_months: fc.contract_months.max(fc.terms_contract_months_max),
                core_share: fc.core_share.max(fc.terms_core_share_max),
                reporting_scale: fc.terms_reporting_scale_min.min(1.0),
            }
        } else {
            preferred
        };
        Mandate {
            preferred,
            sectorward,
        }
    }

    /// `t` held inside the mandate.
    pub fn clamp(&self, t: Terms) -> Terms {
        let (p, s) = (self.preferred, self.sectorward);
        Terms {
            contract_months: t
                .contract_months
                .clamp(p.contract_months, s.contract_months),
            core_share: t.core_share.clamp(p.core_share, s.core_share),
            reporting_scale: t
                .reporting_scale
                .clamp(s.reporting_scale, p.reporting_scale),
        }
    }

    /// One year's move from `t`: toward the sector (`toward_sector`) or back toward the
    /// preferred terms, by `step` of the mandate's width (contract months by a whole year).
    pub fn step(&self, t: Terms, toward_sector: bool, step: f64) -> Terms {
        let (p, s) = (self.preferred, self.sectorward);
        let core = step * (s.core_share - p.core_share);
        let rep = step * (p.reporting_scale - s.reporting_scale);
        let moved = if toward_sector {
            Terms {
                contract_months: t.contract_months.saturating_add(if step > 0.0 {
                    CONTRACT_STEP_MONTHS
                } else {
                    0
                }),
                core_share: t.core_share + core,
                reporting_scale: t.reporting_scale - rep,
            }
        } else {
            Terms {
                contract_months: t.contract_months.saturating_sub(if step > 0.0 {
                    CONTRACT_STEP_MONTHS
                } else {
                    0
                }),
                core_share: t.core_share - core,
                reporting_scale: t.reporting_scale + rep,
            }
        };
        self.clamp(moved)
    }
}

/// The pressure a funder `fc` reads from the region's ledger: weighted unmet share of new need
/// and share of ISOs closed over the past twelve months, less the value it puts on its
/// preferred terms (`terms_tolerance_share`). Positive: terms move toward the sector.
pub fn pressure(fc: &FunderCfg, unmet_share: f64, closure_share: f64) -> f64 {
    fc.terms_unserved_weight * unmet_share + fc.terms_closure_weight * closure_share
        - fc.terms_tolerance_share
}

/// The region's ledger of the last [`LEDGER_MONTHS`] months that funders read: the unmet share of
/// each month's new need, and the ISOs that closed in each month.
#[derive(Debug, Clone)]
pub struct Ledger {
    unmet: [f64; LEDGER_MONTHS],
    closed: [f64; LEDGER_MONTHS],
    /// months recorded
    months: usize,
    pos: usize,
    /// ISOs operating at the end of the last month recorded
    operating: f64,
}

impl Ledger {
    /// An empty ledger for a region that starts with `operating` ISOs.
    pub fn new(operating: usize) -> Ledger {
        Ledger {
            unmet: [0.0; LEDGER_MONTHS],
            closed: [0.0; LEDGER_MONTHS],
            months: 0,
            pos: 0,
            operating: operating as f64,
        }
    }

    /// Records a month: the unmet share of its new need, and the ISOs operating at its end.
    pub fn record(&mut self, unmet_share: f64, operating: usize) {
        let now = operating as f64;
        self.unmet[self.pos] = unmet_share;
        self.closed[self.pos] = (self.operating - now).max(0.0);
        self.operating = now;
        self.pos = (self.pos + 1) % LEDGER_MONTHS;
        self.months += 1;
    }

    /// Mean unmet share of new need over the months recorded (at most the last twelve).
    pub fn unmet_share(&self) -> f64 {
        let n = self.months.min(LEDGER_MONTHS);
        super::ratio(self.unmet.iter().sum(), n as f64)
    }

    /// ISOs closed in the months recorded (at most the last twelve), as a share of those
    /// operating before them.
    pub fn closure_share(&self) -> f64 {
        let closed: f64 = self.closed.iter().sum();
        super::ratio(closed, self.operating + closed)
    }
}

impl Model<'_> {
    /// Step 2b (ODD §7.28): at each funder's fiscal-year start, a funder that chooses its terms
    /// moves them one step within its mandate, toward the sector when the past year's pressure
    /// exceeds the value it puts on its preferred terms, back when it falls below. Every month,
    /// the offered terms are held inside the mandate in force (a timeline event may change it);
    /// a funder that does not choose offers its configured terms, and its agreements in force
    /// follow them (as a policy change amends them).
    pub(super) fn choose_terms(&mut self) {
        let cal = self.calendar();
        let (unmet, closed) = (
            self.terms_ledger.unmet_share(),
            self.terms_ledger.closure_share(),
        );
        for f in 0..NF {
            let fc = &self.cfg.funders[f];
            let mandate = Mandate::of(fc);
            let fu = &mut self.funders[f];
            if !fc.terms_chosen {
                fu.offered = mandate.preferred;
                let t = fu.offered;
                for rels in self.rels.iter_mut() {
                    rels[f].signed = t;
                }
                continue;
            }
            let mut t = mandate.clamp(fu.offered);
            if cal == fc.fiscal_year_start && fc.enabled {
                let p = pressure(fc, unmet, closed);
                if p != 0.0 {
                    t = mandate.step(t, p > 0.0, fc.terms_step_share);
                }
            }
            fu.offered = t;
        }
    }

    /// Step 8, last (ODD §7.28): the month's unmet share of new need and the ISOs operating
    /// enter the region's ledger.
    pub(super) fn record_terms_ledger(&mut self) {
        let operating = self.isos.iter().filter(|x| x.alive).count();
        self.terms_ledger.record(self.facts.unmet_need, operating);
    }
}

impl super::Funder {
    /// The terms the funder offers for agreements signed now (ODD §7.28).
    pub fn terms(&self) -> Terms {
        self.offered
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;

    #[test]
    fn a_mandate_whose_bounds_coincide_fixes_the_terms() {
        let mut cfg = Config::default();
        let fc = &mut cfg.funders[1];
        fc.terms_chosen = true;
        fc.terms_contract_months_max = 1;
        fc.terms_core_share_max = 0.0;
        fc.terms_reporting_scale_min = 1.0;
        let m = Mandate::of(fc);
        assert_eq!(m.preferred, m.sectorward);
        assert_eq!(m.step(m.preferred, true, 1.0), m.preferred);
        fc.terms_chosen = false;
        fc.terms_contract_months_max = 120;
        let m = Mandate::of(fc);
        assert_eq!(m.step(m.preferred, true, 1.0), m.preferred);
    }

    #[test]
    fn steps_move_toward_the_sector_and_back_inside_the_mandate() {
        let cfg = Config::default();
        let m = Mandate::of(&cfg.funders[2]);
        let up = m.step(m.preferred, true, 0.5);
        assert!(up.contract_months > m.preferred.contract_months);
        assert!(up.core_share > m.preferred.core_share);
        assert!(up.reporting_scale < m.preferred.reporting_scale);
        let mut t = up;
        for _ in 0..10 {
            t = m.step(t, true, 0.5);
        }
        assert_eq!(t, m.sectorward);
        for _ in 0..10 {
            t = m.step(t, false, 0.5);
        }
        assert_eq!(t, m.preferred);
    }

    #[test]
    fn the_ledger_reads_the_past_year() {
        let mut l = Ledger::new(10);
        assert_eq!(l.closure_share(), 0.0);
        l.record(0.2, 10);
        l.record(0.4, 9);
        assert!((l.unmet_share() - 0.3).abs() < 1e-12);
        assert!((l.closure_share() - 0.1).abs() < 1e-12);
        for _ in 0..12 {
            l.record(0.0, 9);
        }
        assert_eq!(l.unmet_share(), 0.0);
        assert_eq!(l.closure_share(), 0.0);
    }
}
