//! Funder terms (ODD §7.28): each funder chooses, at the start of its fiscal year, the terms it
//! offers for agreements signed in the coming year (contract months, core share, reporting
//! scale) within a mandate set by the scenario, by weighing what the past twelve months cost
//! the region (new need left unmet, ISOs closed) and the funder itself (emergency contracts,
//! its own oversight hours, and what its last move did to its cost per client) against the
//! value it puts on short, restricted, closely reported terms (MLH 5.1: accountability and the
//! flexibility to change partners). An agreement keeps the terms it was signed under.
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
    /// payment practice: the probability that an agreement year's first payment comes late
    pub late_payment_probability: f64,
}

impl Default for Terms {
    fn default() -> Self {
        Terms {
            contract_months: 12,
            core_share: 0.0,
            reporting_scale: 1.0,
            late_payment_probability: 0.0,
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
            late_payment_probability: fc.late_payment_probability,
        };
        let sectorward = if fc.terms_chosen {
            Terms {
                contract_months: fc.contract_months.max(fc.terms_contract_months_max),
                core_share: fc.core_share.max(fc.terms_core_share_max),
                reporting_scale: fc.terms_reporting_scale_min.min(1.0),
                late_payment_probability: fc
                    .late_payment_probability
                    .min(fc.terms_late_payment_probability_min),
            }
        } else {
            preferred
        };
        Mandate {
            preferred,
            sectorward,
        }
    }

    /// The terms at `stance`: contract months `12 · extra_years` above the preferred (at most
    /// the mandate's longest), core share and reporting scale `reach` of the way from the
    /// preferred terms to the mandate's bound.
    pub fn terms(&self, stance: Stance) -> Terms {
        let (p, s) = (self.preferred, self.sectorward);
        let months = p
            .contract_months
            .saturating_add(stance.extra_years.saturating_mul(CONTRACT_STEP_MONTHS));
        Terms {
            contract_months: months.min(s.contract_months),
            core_share: p.core_share + stance.reach * (s.core_share - p.core_share),
            reporting_scale: p.reporting_scale
                + stance.reach * (s.reporting_scale - p.reporting_scale),
            late_payment_probability: p.late_payment_probability
                + stance.reach * (s.late_payment_probability - p.late_payment_probability),
        }
    }

    /// Whole years the contract length may rise above the preferred one.
    fn max_extra_years(&self) -> u32 {
        let (p, s) = (self.preferred, self.sectorward);
        (s.contract_months - p.contract_months).div_ceil(CONTRACT_STEP_MONTHS)
    }

    /// One year's move from `stance`: toward the sector (`toward_sector`) or back toward the
    /// preferred terms, by `step` of the mandate's width (contract months by a whole year, when
    /// `step` is positive).
    pub fn step(&self, stance: Stance, toward_sector: bool, step: f64) -> Stance {
        let years = u32::from(step > 0.0);
        let max_years = self.max_extra_years();
        let stance = Stance {
            extra_years: stance.extra_years.min(max_years),
            reach: stance.reach.clamp(0.0, 1.0),
        };
        if toward_sector {
            Stance {
                extra_years: (stance.extra_years + years).min(max_years),
                reach: (stance.reach + step).min(1.0),
            }
        } else {
            Stance {
                extra_years: stance.extra_years.saturating_sub(years),
                reach: (stance.reach - step).max(0.0),
            }
        }
    }
}

/// Where a funder stands inside its mandate: whole years added to its preferred contract
/// length, and how far (0-1) its core share and reporting have moved toward the mandate's bound.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stance {
    /// years added to the preferred contract length
    pub extra_years: u32,
    /// share of the way from the preferred core share and reporting to the mandate's bound
    pub reach: f64,
}

/// What a funder reads when it chooses its terms (ODD §7.28): the region's ledger of the past
/// twelve months, its own emergency spending and the sector's voice.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    /// mean unmet share of new need over the past twelve months
    pub unmet_share: f64,
    /// share of ISOs that closed over the past twelve months
    pub closure_share: f64,
    /// its emergency contracts in force, per month, as a share of its monthly budget (§7.29)
    pub emergency_share: f64,
    /// the umbrella body's influence, 0-1 (§7.31; 0 without one)
    pub voice: f64,
    /// its oversight hours of the past twelve months at `terms_oversight_hour_cost`, as a
    /// share of its budget over the same months ([`CostLedger::oversight_share`])
    pub oversight_share: f64,
    /// what its last move did to its cost per client, signed against the move
    /// ([`CostLedger::cpc_signal`]; 0 without a move or a defined change)
    pub cpc_signal: f64,
}

/// The pressure a funder `fc` reads from its [`Signals`]: weighted unmet share of new need,
/// share of ISOs closed, emergency spending, the sector's voice, oversight cost and the
/// cost-per-client signal, less the value it puts on its preferred terms
/// (`terms_tolerance_share`). Positive: terms move toward the sector.
pub fn pressure(fc: &FunderCfg, s: Signals) -> f64 {
    fc.terms_unserved_weight * s.unmet_share
        + fc.terms_closure_weight * s.closure_share
        + fc.terms_emergency_weight * s.emergency_share
        + fc.terms_voice_weight * s.voice
        + fc.terms_oversight_weight * s.oversight_share
        + fc.terms_cost_per_client_weight * s.cpc_signal
        - fc.terms_tolerance_share
}

/// What a funder's ledger holds of one month (ODD §7.24, §7.28): the hours its staff spent on
/// oversight, the formal reports it received, the money it paid the ISOs and the clients that
/// money reached. The `<funder>_oversight_hours`, `_reports` and `_cost_per_client` metrics and
/// the funder's [`CostLedger`] read the same numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FunderMonth {
    /// oversight hours: files carried, reports reviewed, proposals reviewed
    pub oversight_hours: f64,
    /// formal reports received
    pub reports: f64,
    /// money paid to ISOs (closed ones included: their last payments)
    pub paid: f64,
    /// clients of operating ISOs attributed to the funder (by its share of their contracts)
    pub clients: f64,
}

/// A funder's oversight hours in a month (ODD §7.24): `files` agreements in force carried at
/// `oversight_hours_per_file_month · (1 + micromanagement_share)`, `reports` formal reports
/// reviewed and `proposals` proposals reviewed.
pub fn oversight_hours(fc: &FunderCfg, files: f64, reports: f64, proposals: f64) -> f64 {
    files * fc.oversight_hours_per_file_month * (1.0 + fc.micromanagement_share)
        + reports * fc.review_hours_per_report
        + proposals * fc.review_hours_per_proposal
}

/// How a funder's trials of its terms went (ODD §7.28; counts over a run, for measurement: the
/// model does not read them).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Trials {
    /// choices made with a defined cost-per-client signal (a move the year before, and a cost
    /// per client in both years)
    pub evaluated: u32,
    /// of those, the ones that followed a move toward the sector
    pub after_sectorward: u32,
    /// of these, the ones after which cost per client fell
    pub sectorward_cpc_fell: u32,
    /// sum of the relative changes of cost per client after moves toward the sector
    pub sectorward_change: f64,
    /// sum of the relative changes of cost per client after moves back
    pub backward_change: f64,
    /// choices that moved against the last move
    pub reversed: u32,
    /// choices whose direction (up, back or none) the cost-per-client term changed
    pub decided_by_cpc: u32,
    /// choices that reversed the last move and would not have without the cost-per-client term
    pub reversed_by_cpc: u32,
}

/// A funder's own ledger (ODD §7.28): the last [`LEDGER_MONTHS`] months of its oversight hours,
/// budget, money paid to ISOs and clients reached; its cost per client over the fiscal year
/// before its last choice; and the direction of its last move.
#[derive(Debug, Clone, Default)]
pub struct CostLedger {
    hours: [f64; LEDGER_MONTHS],
    budget: [f64; LEDGER_MONTHS],
    paid: [f64; LEDGER_MONTHS],
    clients: [f64; LEDGER_MONTHS],
    /// months recorded
    months: usize,
    pos: usize,
    /// cost per client over the year before the last choice (0: undefined)
    cpc_before: f64,
    /// the last choice's move: +1 toward the sector, −1 back, 0 none
    last_move: i8,
    /// how the funder's trials went (measurement only)
    trials: Trials,
}

impl CostLedger {
    /// Records a month of the funder: what it spent of its own (`m`) and its budget.
    pub fn record(&mut self, m: FunderMonth, budget: f64) {
        let p = self.pos;
        self.hours[p] = m.oversight_hours;
        self.budget[p] = budget;
        self.paid[p] = m.paid;
        self.clients[p] = m.clients;
        self.pos = (p + 1) % LEDGER_MONTHS;
        self.months += 1;
    }

    /// Oversight hours of the months recorded (at most the last twelve) valued at `hour_cost`,
    /// as a share of the budget over the same months (0 without a budget).
    pub fn oversight_share(&self, hour_cost: f64) -> f64 {
        let hours: f64 = self.hours.iter().sum();
        super::ratio(hour_cost * hours, self.budget.iter().sum())
    }

    /// Money paid to ISOs per client reached over the last twelve months (0 = undefined: fewer
    /// than twelve months recorded, or no clients).
    pub fn cost_per_client(&self) -> f64 {
        if self.months < LEDGER_MONTHS {
            return 0.0;
        }
        super::ratio(self.paid.iter().sum(), self.clients.iter().sum())
    }

    /// The cost-per-client signal: `−last_move · (cpc_now − cpc_before) / cpc_before`, 0 when
    /// the last choice did not move or either cost per client is undefined. Positive: the last
    /// move lowered cost per client if it went toward the sector (continue), or raised it if it
    /// went back (return toward the sector).
    pub fn cpc_signal(&self) -> f64 {
        let (now, before) = (self.cost_per_client(), self.cpc_before);
        if self.last_move == 0 || now <= 0.0 || before <= 0.0 {
            return 0.0;
        }
        -f64::from(self.last_move) * (now - before) / before
    }

    /// The relative change of cost per client since the last choice (0 when undefined).
    fn cpc_change(&self) -> f64 {
        let (now, before) = (self.cost_per_client(), self.cpc_before);
        if now <= 0.0 || before <= 0.0 {
            0.0
        } else {
            (now - before) / before
        }
    }

    /// Closes a fiscal year at a choice of pressure `p`, of which `cpc_term` came from the
    /// cost-per-client signal, that moved the terms by `moved` (+1, −1 or 0): the year's cost
    /// per client becomes the one the next choice compares with, and the trial is counted.
    pub fn close_year(&mut self, p: f64, cpc_term: f64, moved: i8) {
        let sign = |x: f64| i8::from(x > 0.0) - i8::from(x < 0.0);
        let defined = self.cost_per_client() > 0.0 && self.cpc_before > 0.0;
        let change = self.cpc_change();
        let t = &mut self.trials;
        if self.last_move != 0 && defined {
            t.evaluated += 1;
            if self.last_move > 0 {
                t.after_sectorward += 1;
                t.sectorward_cpc_fell += u32::from(change < 0.0);
                t.sectorward_change += change;
            } else {
                t.backward_change += change;
            }
        }
        // the direction the pressure would have given without the cost-per-client term
        let without = p - cpc_term;
        if sign(p) != sign(without) {
            t.decided_by_cpc += 1;
        }
        if moved != 0 && moved == -self.last_move {
            t.reversed += 1;
            if sign(without) != moved {
                t.reversed_by_cpc += 1;
            }
        }
        self.cpc_before = self.cost_per_client();
        self.last_move = moved;
    }

    /// Forgets the last move (terms not chosen: the funder made no trial).
    pub fn forget_move(&mut self) {
        self.last_move = 0;
    }

    /// How the funder's trials went so far.
    pub fn trials(&self) -> Trials {
        self.trials
    }
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
        let voice = self.sector_voice();
        let cfg = std::sync::Arc::clone(&self.cfg);
        for f in 0..NF {
            let fc = &cfg.funders[f];
            let mandate = Mandate::of(fc);
            if !fc.terms_chosen {
                let t = mandate.preferred;
                self.cost_ledgers[f].forget_move();
                let fu = &mut self.funders[f];
                fu.stance = Stance::default();
                fu.offered = t;
                for rels in self.rels.iter_mut() {
                    rels[f].signed = t;
                }
                continue;
            }
            if cal == fc.fiscal_year_start && fc.enabled {
                let costs = &self.cost_ledgers[f];
                let signals = Signals {
                    unmet_share: unmet,
                    closure_share: closed,
                    emergency_share: super::ratio(
                        self.funder_emergency_spend(f),
                        self.funders[f].budget,
                    ),
                    voice,
                    oversight_share: costs.oversight_share(fc.terms_oversight_hour_cost),
                    cpc_signal: costs.cpc_signal(),
                };
                let p = pressure(fc, signals);
                let fu = &mut self.funders[f];
                let before = fu.stance;
                if p != 0.0 {
                    fu.stance = mandate.step(fu.stance, p > 0.0, fc.terms_step_share);
                }
                let moved = match (fu.stance == before, p > 0.0) {
                    (true, _) => 0,
                    (false, true) => 1,
                    (false, false) => -1,
                };
                let cpc_term = fc.terms_cost_per_client_weight * signals.cpc_signal;
                self.cost_ledgers[f].close_year(p, cpc_term, moved);
            }
            let fu = &mut self.funders[f];
            fu.offered = mandate.terms(fu.stance);
        }
    }

    /// Step 8, last (ODD §7.28): the month's unmet share of new need and the ISOs operating
    /// enter the region's ledger; each funder's oversight hours, budget, money paid to ISOs and
    /// clients reached enter its own (and the month's facts, for the funder metrics of §7.24).
    pub(super) fn record_terms_ledger(&mut self) {
        let operating = self.isos.iter().filter(|x| x.alive).count();
        self.terms_ledger.record(self.facts.unmet_need, operating);
        let months = self.funder_months();
        for (f, m) in months.iter().enumerate() {
            self.cost_ledgers[f].record(*m, self.funders[f].budget);
        }
        self.facts.funder_months = months;
    }

    /// Each funder's month (ODD §7.24, §7.28): agreements in force and the reports they owe
    /// (scaled by the reporting each was signed under), proposals reviewed, money paid to ISOs
    /// and the clients of operating ISOs attributed to the funder by its share of their
    /// contracted money.
    fn funder_months(&self) -> [FunderMonth; NF] {
        let mut files = [0.0f64; NF];
        let mut report_files = [0.0f64; NF];
        let mut months = [FunderMonth::default(); NF];
        let per_iso = self.isos.iter().zip(&self.rels).zip(&self.revenue);
        for ((iso, rels), revenue) in per_iso {
            for (m, r) in months.iter_mut().zip(revenue.iter()) {
                m.paid += r;
            }
            if !iso.alive {
                continue;
            }
            let contracted: f64 = rels
                .iter()
                .filter(|r| r.has_contract)
                .map(|r| r.monthly)
                .sum();
            for fi in 0..NF {
                let r = &rels[fi];
                if r.has_contract {
                    files[fi] += 1.0;
                    report_files[fi] += r.signed.reporting_scale;
                    months[fi].clients += iso.clients_last * super::ratio(r.monthly, contracted);
                }
            }
        }
        for (fi, m) in months.iter_mut().enumerate() {
            let fc = &self.cfg.funders[fi];
            m.reports = report_files[fi] * fc.reports_per_year / 12.0;
            m.oversight_hours = oversight_hours(fc, files[fi], m.reports, self.facts.proposals[fi]);
        }
        months
    }

    /// How funder `f`'s trials of its terms went so far (ODD §7.28; measurement only).
    pub fn cost_trials(&self, f: usize) -> Trials {
        self.cost_ledgers[f].trials()
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
    use crate::model::{Config, Model};

    #[test]
    fn a_mandate_whose_bounds_coincide_fixes_the_terms() {
        let mut cfg = Config::default();
        let fc = &mut cfg.funders[1];
        fc.terms_chosen = true;
        fc.terms_contract_months_max = 1;
        fc.terms_core_share_max = 0.0;
        fc.terms_reporting_scale_min = 1.0;
        fc.terms_late_payment_probability_min = 1.0;
        let m = Mandate::of(fc);
        assert_eq!(m.preferred, m.sectorward);
        let up = m.step(Stance::default(), true, 1.0);
        assert_eq!(m.terms(up), m.preferred);
        fc.terms_chosen = false;
        fc.terms_contract_months_max = 120;
        let m = Mandate::of(fc);
        assert_eq!(m.terms(m.step(up, true, 1.0)), m.preferred);
    }

    #[test]
    fn steps_move_toward_the_sector_and_back_inside_the_mandate() {
        let cfg = Config::default();
        let m = Mandate::of(&cfg.funders[2]);
        let s0 = Stance::default();
        assert_eq!(m.terms(s0), m.preferred);
        let up = m.terms(m.step(s0, true, 0.3));
        assert!(up.contract_months > m.preferred.contract_months);
        assert!(up.core_share > m.preferred.core_share);
        assert!(up.reporting_scale < m.preferred.reporting_scale);
        let mut s = s0;
        for _ in 0..10 {
            s = m.step(s, true, 0.3);
        }
        assert_eq!(m.terms(s), m.sectorward);
        for _ in 0..10 {
            s = m.step(s, false, 0.3);
        }
        assert_eq!(m.terms(s), m.preferred);
        // no step: no move
        assert_eq!(m.step(s0, true, 0.0), s0);
    }

    #[test]
    fn an_agreement_keeps_the_terms_it_was_signed_under() {
        let mut cfg = Config::default();
        cfg.simulation.isos = 20;
        cfg.simulation.warmup_months = 24;
        cfg.simulation.duration_months = 96;
        // any unmet need at all presses the provincial and municipal funders
        for f in [1, 2] {
            cfg.funders[f].terms_unserved_weight = 100.0;
        }
        let mut m = Model::new(&cfg, 7, 0);
        let (mut kept_older, mut signed_changes) = (0, 0);
        for _ in 0..120 {
            let before: Vec<[(bool, Terms); NF]> = m
                .rels
                .iter()
                .map(|r| std::array::from_fn(|f| (r[f].pending, r[f].signed)))
                .collect();
            m.step();
            for f in [1, 2] {
                let offered = m.funders[f].terms();
                for (i, r) in m.rels.iter().enumerate() {
                    let (was_pending, was) = before[i][f];
                    if r[f].signed != was {
                        // signed terms change only when a pending decision is announced, on
                        // the terms offered then
                        assert!(was_pending && !r[f].pending, "ISO {i}, funder {f}");
                        assert_eq!(r[f].signed, offered);
                        signed_changes += 1;
                    }
                    if m.isos[i].alive && r[f].has_contract && r[f].signed != offered {
                        kept_older += 1;
                    }
                }
            }
        }
        let pref = Mandate::of(&cfg.funders[1]).preferred;
        assert_ne!(m.funders[1].terms(), pref, "the terms moved");
        assert!(signed_changes > 0);
        assert!(kept_older > 0, "agreements signed earlier keep their terms");
    }

    /// A year of months paying `paid` for one client each, with `hours` of oversight and a
    /// budget of 1000.
    fn year(l: &mut CostLedger, paid: f64, hours: f64) {
        for _ in 0..LEDGER_MONTHS {
            let m = FunderMonth {
                oversight_hours: hours,
                reports: 0.0,
                paid,
                clients: 1.0,
            };
            l.record(m, 1000.0);
        }
    }

    #[test]
    fn the_cost_per_client_signal_continues_what_lowered_it_and_reverses_what_raised_it() {
        let mut l = CostLedger::default();
        // fewer than twelve months: undefined
        l.record(FunderMonth::default(), 1000.0);
        assert_eq!(l.cost_per_client(), 0.0);
        year(&mut l, 100.0, 10.0);
        // no move yet: no signal
        assert_eq!(l.cpc_signal(), 0.0);
        l.close_year(0.5, 0.0, 1);
        // a sector-ward move, then a cheaper year: continue toward the sector
        year(&mut l, 90.0, 10.0);
        assert!((l.cpc_signal() - 0.1).abs() < 1e-12);
        l.close_year(0.5, 0.1, 1);
        // another sector-ward move, then a dearer year: pull back
        year(&mut l, 99.0, 10.0);
        assert!((l.cpc_signal() + 0.1).abs() < 1e-12);
        l.close_year(-0.2, -0.1, -1);
        // a move back, then a cheaper year: keep going back
        let mut cheaper = l.clone();
        year(&mut cheaper, 90.0, 10.0);
        assert!(cheaper.cpc_signal() < 0.0);
        // a move back, then a dearer year: return toward the sector
        year(&mut l, 108.9, 10.0);
        assert!((l.cpc_signal() - 0.1).abs() < 1e-12);
        // the signal turns a negative pressure positive: a reversal decided by it
        l.close_year(0.05, 0.1, 1);
        year(&mut l, 100.0, 10.0);
        assert!(l.cpc_signal() > 0.0);
        // no move: no signal, whatever cost per client does next
        l.close_year(0.0, 0.0, 0);
        year(&mut l, 50.0, 10.0);
        assert_eq!(l.cpc_signal(), 0.0);
        let t = l.trials();
        // choices 2-5 had a move the year before and a cost per client in both years; 2, 3
        // and 5 followed sector-ward moves, after 2 and 5 cost per client fell
        assert_eq!(
            (t.evaluated, t.after_sectorward, t.sectorward_cpc_fell),
            (4, 3, 2)
        );
        // choice 3 reversed a sector-ward move and would have without the signal
        // (-0.2 - (-0.1) < 0); choice 4 reversed a move back only because of it
        assert_eq!((t.reversed, t.reversed_by_cpc), (2, 1));
        assert_eq!(t.decided_by_cpc, 1);
    }

    #[test]
    fn oversight_cost_is_a_share_of_the_budget_over_the_same_months() {
        let mut l = CostLedger::default();
        year(&mut l, 100.0, 10.0);
        // 10 hours at 50 a month over a budget of 1000 a month
        assert!((l.oversight_share(50.0) - 0.5).abs() < 1e-12);
        assert_eq!(l.oversight_share(0.0), 0.0);
        // heavier oversight, a larger share; no budget, no share
        year(&mut l, 100.0, 30.0);
        assert!((l.oversight_share(50.0) - 1.5).abs() < 1e-12);
        assert_eq!(CostLedger::default().oversight_share(50.0), 0.0);
        let cfg = Config::default();
        let fc = &cfg.funders[1];
        let h = oversight_hours(fc, 2.0, 1.0, 3.0);
        let want = 2.0 * fc.oversight_hours_per_file_month * (1.0 + fc.micromanagement_share)
            + fc.review_hours_per_report
            + 3.0 * fc.review_hours_per_proposal;
        assert!((h - want).abs() < 1e-12);
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
