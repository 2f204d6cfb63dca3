//! Garcea and Ashton's further partnership factors (ODD §7.33).
//!
//! - **Preconceptions.** Each ISO holds a prior about partnerships (expected net benefit per
//!   meeting hour, -1 to 1), drawn at month 0 from a uniform spread between "partnership
//!   phobia" and "partnership mania". As a member it learns: each month the prior moves towards
//!   the realized net benefit of its partnership (benefit hours less meeting hours, per meeting
//!   hour).
//! - **Personal self-interest.** The director at the table expects a private gain or loss
//!   from each partnership, a uniform draw per ISO and partnership.
//! - **Disposition** = `preconception_weight · prior + self_interest`. It adds to the
//!   organizational willingness to join; an ISO whose disposition is below
//!   `−exit_disposition` does not join, and leaves: an informal member in any month, a formal
//!   member only when its written agreement comes up for renewal (commitment that holds).
//! - **Formal setup.** A formal partnership costs its members `formal_setup_hours` in its
//!   first month (less a secretariat's share), expected over the agreement term when deciding.
//! - **Fee-for-service businesses.** A mature partnership may spin off a business (Brandon's
//!   interpretation business) with uncertain demand: its margin is paid into members' cash,
//!   its overhead hours are members' administration, and it closes after months of too little
//!   margin or with its partnership.
//!
//! Randomness comes only from a counter-based stream (entity
//! [`rng::ENTITY_GA_FACTORS`]) at positions fixed by ISO index, partnership id and month.

use super::{
    meeting_hours, provided_share, Partnership, PartnershipMonth, Partnerships, OPERATIONAL,
};
use crate::metrics::{MonthRecord, M};
use crate::model::config::{Config, IsoCfg, PartnershipCfg};
use crate::model::{rate_prob, rng, Iso, Model};

/// Counter-stream positions: word `i` is ISO `i`'s prior at month 0.
const PRIOR_BLOCK: u64 = 0;
/// Word `SELF_BLOCK + (k << 20) + i`: the self-interest of ISO `i`'s director in partnership `k`.
const SELF_BLOCK: u64 = 1 << 40;
/// Words `SPIN_BLOCK + (t << 20) + 2k` (launch) and `+ 1` (demand): partnership `k`'s business
/// in month `t`.
const SPIN_BLOCK: u64 = 2 << 40;

/// A fee-for-service business a partnership spun off (GA, Brandon).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Business {
    /// month (model clock) it started
    pub started: u32,
    /// month it closed, if it did
    pub ended: Option<u32>,
    /// months it operated
    pub months: u32,
    /// margin earned for members, cumulative (CAD)
    pub earned: f64,
    /// hours sold, cumulative
    pub hours_sold: f64,
    /// consecutive months whose margin fell short of the overhead hours' value
    pub short_months: u32,
    /// it closed for lack of margin (not with its partnership)
    pub failed: bool,
}

impl Business {
    /// Operating (not closed).
    pub fn open(&self) -> bool {
        self.ended.is_none()
    }
}

/// Preconceptions and business counts of one replication (ODD §2.8, §7.33).
#[derive(Debug, Clone, Default)]
pub struct GaState {
    key: u64,
    /// each ISO's current preconception (expected net benefit per meeting hour, -1 to 1)
    pub prior: Vec<f64>,
    /// each ISO's preconception at month 0
    pub prior0: Vec<f64>,
    /// businesses spun off since month 0
    pub businesses: u32,
    /// businesses spun off before the first reported month
    pub businesses_before: u32,
    /// margin businesses earned for members this month (CAD)
    pub earned_month: f64,
    /// margin businesses earned for members since month 0 (CAD)
    pub earned_total: f64,
}

impl GaState {
    /// Month-0 state for `n` ISOs: priors drawn from the counter stream.
    pub fn new(cfg: &Config, seed: u64, replication: u64, n: usize) -> GaState {
        let pc = &cfg.partnerships;
        let key = rng::counter_key(seed, replication, rng::ENTITY_GA_FACTORS);
        let prior: Vec<f64> = (0..n as u64)
            .map(|i| {
                let u = rng::word_uniform(rng::counter_word(key, PRIOR_BLOCK + i));
                (pc.preconception_mean + pc.preconception_spread * (2.0 * u - 1.0)).clamp(-1.0, 1.0)
            })
            .collect();
        GaState {
            key,
            prior0: prior.clone(),
            prior,
            ..GaState::default()
        }
    }

    /// The draw (-1 to 1) behind the self-interest of ISO `i`'s director in partnership `k`,
    /// whatever `self_interest_spread` (for measuring selection).
    pub fn self_interest_draw(&self, k: usize, i: usize) -> f64 {
        let n = SELF_BLOCK + ((k as u64) << 20) + i as u64;
        2.0 * rng::word_uniform(rng::counter_word(self.key, n)) - 1.0
    }

    /// The private gain (positive) or loss the director of ISO `i` expects from partnership `k`.
    pub fn self_interest(&self, pc: &PartnershipCfg, k: usize, i: usize) -> f64 {
        pc.self_interest_spread * self.self_interest_draw(k, i)
    }

    /// ISO `i`'s disposition towards partnership `k`: weighted preconception plus its
    /// director's self-interest.
    pub fn disposition(&self, pc: &PartnershipCfg, k: usize, i: usize) -> f64 {
        pc.preconception_weight * self.prior[i] + self.self_interest(pc, k, i)
    }

    /// A uniform of partnership `k`'s business in month `t` (`j` 0: launch, 1: demand).
    fn business_uniform(&self, t: u32, k: usize, j: u64) -> f64 {
        let n = SPIN_BLOCK + (u64::from(t) << 20) + 2 * k as u64 + j;
        rng::word_uniform(rng::counter_word(self.key, n))
    }
}

/// Willingness to join once the disposition `d` is counted: 0 below `−exit_disposition`
/// (opposed), else the organizational willingness plus `d`, within 0-1.
pub fn with_disposition(pc: &PartnershipCfg, willingness: f64, d: f64) -> f64 {
    if d < -pc.exit_disposition {
        0.0
    } else {
        (willingness + d).clamp(0.0, 1.0)
    }
}

/// Setup hours per member per month expected over the agreement term of a formal partnership
/// whose others provide the share `provided` of the work.
pub fn expected_setup_hours(pc: &PartnershipCfg, provided: f64) -> f64 {
    pc.formal_setup_hours * (1.0 - provided) / f64::from(pc.agreement_months.max(1))
}

/// Meeting hours per member of an informal partnership at alignment `a` expected by an ISO
/// deciding to join; a formal one's adds the expected setup hours.
pub fn expected_hours(pc: &PartnershipCfg, formal: bool, a: u8, secretariat: bool) -> f64 {
    let setup = if formal {
        expected_setup_hours(pc, provided_share(pc, secretariat))
    } else {
        0.0
    };
    meeting_hours(pc, formal, a, secretariat) + setup
}

/// Hours per member a partnership costs this month beyond its meetings: a formal one's setup
/// in its formation month, and its business's overhead shared among members.
pub fn extra_hours(pc: &PartnershipCfg, p: &Partnership, t: u32) -> f64 {
    let setup = if p.formal && p.formal_since == t {
        pc.formal_setup_hours * (1.0 - provided_share(pc, p.secretariat))
    } else {
        0.0
    };
    let overhead = match &p.business {
        Some(b) if b.open() && !p.members.is_empty() => {
            pc.spinoff_overhead_hours / p.members.len() as f64
        }
        _ => 0.0,
    };
    setup + overhead
}

/// Hourly wage of ISO staff.
fn wage_per_hour(ic: &IsoCfg) -> f64 {
    ic.wage_per_staff_month / ic.hours_per_staff_month.max(1e-9)
}

impl Partnerships {
    /// ISO `i`'s willingness to join partnership `k` (formed or about to form with id `k`):
    /// the organizational willingness `w` with its disposition (ODD §7.33).
    pub(super) fn ga_willingness(&self, pc: &PartnershipCfg, k: usize, i: usize, w: f64) -> f64 {
        with_disposition(pc, w, self.ga.disposition(pc, k, i))
    }

    /// The term of a formal partnership's agreement at formation in month `t` (0: informal).
    pub(super) fn ga_bound_until(pc: &PartnershipCfg, formal: bool, t: u32) -> u32 {
        if formal {
            t + pc.agreement_months
        } else {
            0
        }
    }

    /// ODD §7.33 step 3b (operation, before cohesion): members of partnership `k` whose
    /// disposition is below `−exit_disposition` leave it; a formal partnership's members only
    /// when its agreement comes up for renewal, which renews it for those who stay.
    pub(super) fn ga_departures(&mut self, pc: &PartnershipCfg, m: &PartnershipMonth, k: usize) {
        let p = &self.list[k];
        if p.formal && m.t < p.bound_until {
            return;
        }
        let formal = p.formal;
        let sub = p.is_sub();
        // members leave in place (no list is built: a month without growth allocates nothing)
        let (ga, list) = (&self.ga, &mut self.list);
        let of = if sub {
            &mut self.sub_of
        } else {
            &mut self.member_of
        };
        let p = &mut list[k];
        if formal {
            p.bound_until = m.t + pc.agreement_months;
        }
        let before = p.members.len();
        p.members.retain(|&i| {
            let leaves = ga.disposition(pc, k, i) < -pc.exit_disposition;
            if leaves {
                of[i] = None;
            }
            !leaves
        });
        p.departures += (before - p.members.len()) as u32;
    }

    /// ODD §7.33 at the first reported month: the business count restarts.
    pub(super) fn ga_start_reporting(&mut self) {
        self.ga.businesses_before = self.ga.businesses;
    }

    /// ODD §7.33 step 8 (end of `partnership_month_end`): partnership `k`'s business sells its
    /// month's demand, pays its margin into members' cash, counts it as benefit hours,
    /// and closes after `spinoff_failure_months` short months or with its partnership.
    fn ga_business_month(&mut self, cfg: &Config, t: u32, k: usize, isos: &mut [Iso]) {
        let pc = &cfg.partnerships;
        let wage = wage_per_hour(&cfg.iso);
        let u = self.ga.business_uniform(t, k, 1);
        let p = &mut self.list[k];
        let Some(b) = p.business.as_mut().filter(|b| b.open()) else {
            return;
        };
        if p.dissolved_month.is_some() || p.members.is_empty() {
            b.ended = Some(t);
            return;
        }
        let shock = pc.spinoff_demand_cv * 3f64.sqrt() * (2.0 * u - 1.0);
        let hours = pc.spinoff_demand_hours * (1.0 + shock).max(0.0);
        let earned = hours * wage * pc.spinoff_margin_share;
        b.months += 1;
        b.hours_sold += hours;
        b.earned += earned;
        if earned < pc.spinoff_overhead_hours * wage {
            b.short_months += 1;
        } else {
            b.short_months = 0;
        }
        if b.short_months >= pc.spinoff_failure_months {
            b.ended = Some(t);
            b.failed = true;
        }
        let share = earned / p.members.len() as f64;
        for &i in &p.members {
            isos[i].cash += share;
        }
        p.benefit_month += earned / wage.max(1e-9);
        self.ga.earned_month += earned;
        self.ga.earned_total += earned;
    }

    /// ODD §7.33 step 8: a mature partnership `k` without an open business spins one off when
    /// its launch uniform is below `rate_prob(spinoff_rate_per_year)` times its members' mean
    /// capacity.
    fn ga_spin_off(&mut self, pc: &PartnershipCfg, t: u32, k: usize) {
        let p = &self.list[k];
        let mature = p.alive()
            && p.business.as_ref().is_none_or(|b| !b.open())
            && p.alignment >= OPERATIONAL
            && p.cohesion > pc.alignment_up_cohesion
            && t.saturating_sub(p.formed_month) >= pc.spinoff_min_age_months
            && p.members.len() >= 2;
        if !mature {
            return;
        }
        let (_, capacity) = self.members_familiarity_and_capacity(k);
        if self.ga.business_uniform(t, k, 0) < rate_prob(pc.spinoff_rate_per_year) * capacity {
            let p = &mut self.list[k];
            p.business = Some(Business {
                started: t,
                ..Business::default()
            });
            p.businesses += 1;
            self.ga.businesses += 1;
        }
    }

    /// ODD §7.33 step 8: each member's preconception moves towards the realized net benefit of
    /// its partnership `k` this month.
    fn ga_learn(&mut self, pc: &PartnershipCfg, k: usize) {
        let p = &self.list[k];
        if p.meeting_month <= 0.0 {
            return;
        }
        let net = (p.benefit_month / p.meeting_month - 1.0).clamp(-1.0, 1.0);
        let lambda = pc.preconception_learning_per_month;
        for &i in &p.members {
            self.ga.prior[i] += lambda * (net - self.ga.prior[i]);
        }
    }
}

impl Model<'_> {
    /// ODD §7.33 step 8 (end of `partnership_month_end`): businesses operate, mature
    /// partnerships may spin one off, and members learn from their partnerships' net benefit.
    pub(super) fn ga_month_end(&mut self) {
        let cfg = std::sync::Arc::clone(&self.cfg);
        let t = self.t;
        let ps = &mut self.partners;
        ps.ga.earned_month = 0.0;
        for k in 0..ps.list.len() {
            if ps.list[k].business.as_ref().is_some_and(Business::open) {
                ps.ga_business_month(&cfg, t, k, &mut self.isos);
            }
        }
        for k in 0..ps.list.len() {
            if ps.list[k].alive() {
                ps.ga_spin_off(&cfg.partnerships, t, k);
                ps.ga_learn(&cfg.partnerships, k);
            }
        }
    }

    /// Preconceptions, self-interest draws and business counts (ODD §7.33).
    pub fn partnership_ga(&self) -> &GaState {
        &self.partners.ga
    }

    /// ODD §7.33 metrics of a reported month.
    pub(super) fn ga_metrics(&self, rec: &mut MonthRecord) {
        let ga = &self.partners.ga;
        rec[M::PartnershipSpinoffs as usize] = f64::from(ga.businesses - ga.businesses_before);
        rec[M::EarnedRevenue as usize] = ga.earned_month;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_adds_to_willingness_and_opposition_blocks() {
        let pc = Config::default().partnerships;
        assert_eq!(with_disposition(&pc, 0.5, 0.0), 0.5);
        assert!(with_disposition(&pc, 0.5, 0.05) > 0.5);
        assert!(with_disposition(&pc, 0.5, -0.05) < 0.5);
        assert_eq!(with_disposition(&pc, 0.9, -pc.exit_disposition - 1e-9), 0.0);
        assert_eq!(with_disposition(&pc, 0.95, 0.2), 1.0);
    }

    #[test]
    fn priors_span_phobia_to_mania_and_are_reproducible() {
        let cfg = Config::default();
        let a = GaState::new(&cfg, 5, 1, 200);
        let b = GaState::new(&cfg, 5, 1, 200);
        assert_eq!(a.prior, b.prior);
        let s = cfg.partnerships.preconception_spread;
        let m = cfg.partnerships.preconception_mean;
        assert!(a.prior.iter().all(|&x| (x - m).abs() <= s));
        assert!(a.prior.iter().any(|&x| x < m - s / 2.0));
        assert!(a.prior.iter().any(|&x| x > m + s / 2.0));
        let pc = &cfg.partnerships;
        assert_eq!(a.self_interest(pc, 3, 7), b.self_interest(pc, 3, 7));
        assert_ne!(a.self_interest(pc, 3, 7), a.self_interest(pc, 4, 7));
    }

    #[test]
    fn formal_setup_is_expected_over_the_term_and_a_secretariat_shares_it() {
        let pc = Config::default().partnerships;
        let informal = expected_hours(&pc, false, 1, false);
        assert_eq!(informal, meeting_hours(&pc, false, 1, false));
        let formal = expected_hours(&pc, true, 2, false);
        assert!(formal > meeting_hours(&pc, true, 2, false));
        assert!(expected_setup_hours(&pc, 0.5) < expected_setup_hours(&pc, 0.0));
    }
}
