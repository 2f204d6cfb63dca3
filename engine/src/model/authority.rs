//! Decision authorities (ODD §7.30): program officers recommend, a funder's decision authority
//! (a manager or minister's office, a foundation's board) decides.
//!
//! The officer's score of an application (§7.6) is its **recommendation**. The authority
//! follows it with weight `authority_weight`: the part of the score that rests on the officer's
//! relationship with the ISO (trust) counts only that much. It adds its own view of risk: it
//! takes `authority_risk_weight` off per unit of financial risk above the operating ISOs' mean.
//! It ranks, awards, refuses and terminates on that **decision score**. Its review delays a
//! decision by `authority_review_months` when it returns the file (an officer who does not know
//! the file makes errors: probability `authority_error_share · (1 − knowledge)`) or overturns the
//! recommendation (the award differs from the one the officer's ranking alone would have given).
//!
//! With `authority_weight = 1`, `authority_risk_weight = 0` and `authority_review_months = 0`
//! the officer decides, as before the mechanism: the decision score is the officer's score and
//! no decision waits longer.

use super::config::{Config, FunderCfg};
use super::{ratio, rng, Model, MIN_AWARD_SHARE, NF};

/// Words of the authorities' stream reserved per month and funder: one per ISO.
const WORDS_PER_FUNDER_MONTH: u64 = 1 << 20;

/// The decision authorities' stream key and the scratch of the officers' counterfactual walk.
#[derive(Debug, Clone, Default)]
pub(super) struct Authority {
    /// key of the authorities' counter-based stream (entity [`rng::ENTITY_AUTHORITY`])
    key: u64,
    /// the officers' ranking at the intake under way: (officer's score, applicant)
    officer_order: Vec<(f64, usize)>,
    /// per ISO: the officer's ranking alone would fund its application at this intake
    pub recommended: Vec<bool>,
    /// the month's mean financial risk, once an intake has needed it (what it reads does not
    /// change during step 4; cleared at the step's start)
    pub risk_mean: Option<f64>,
}

impl Authority {
    /// The authorities of replication `replication` under master seed `seed` with `n` ISOs.
    pub fn new(seed: u64, replication: u64, n: usize) -> Authority {
        Authority {
            key: rng::counter_key(seed, replication, rng::ENTITY_AUTHORITY),
            officer_order: Vec::with_capacity(n + 64),
            recommended: vec![false; n],
            risk_mean: None,
        }
    }
}

/// Whether funder `fc`'s authority ranks differently from its officers (weight below 1 or a
/// view of risk).
#[inline]
pub(super) fn reranks(fc: &FunderCfg) -> bool {
    fc.authority_weight < 1.0 || fc.authority_risk_weight != 0.0
}

/// The award rule of ODD §7.6: the ask if the money `remaining` covers at least
/// `MIN_AWARD_SHARE` of it (at most what remains), else nothing.
#[inline]
pub(super) fn award_for(ask: f64, remaining: f64) -> f64 {
    if ask > 0.0 && remaining >= MIN_AWARD_SHARE * ask {
        ask.min(remaining)
    } else {
        0.0
    }
}

/// Descending score, ties to the lower index (ODD §7.6).
#[inline]
pub(super) fn sort_descending(order: &mut [(f64, usize)]) {
    order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
}

impl Model<'_> {
    /// ISO `i`'s financial risk as a decision authority reads it from the file: the share of
    /// the reserve target (`iso.reserve_target_months` of its cost) its cash does not cover,
    /// in [0, 1]; 1 when overdrawn or after a missed payroll.
    fn financial_risk(&self, i: usize) -> f64 {
        let iso = &self.isos[i];
        if iso.cash <= 0.0 || iso.missed_months > 0 {
            return 1.0;
        }
        let target = self.cfg.iso.reserve_target_months * iso.cost_ema;
        if target <= 0.0 {
            return 0.0;
        }
        (1.0 - iso.cash / target).clamp(0.0, 1.0)
    }

    /// Mean financial risk over operating ISOs (the authority's reference point).
    pub(super) fn mean_financial_risk(&self) -> f64 {
        let (mut sum, mut n) = (0.0, 0.0);
        for i in 0..self.isos.len() {
            if self.isos[i].alive {
                sum += self.financial_risk(i);
                n += 1.0;
            }
        }
        ratio(sum, n)
    }

    /// The decision score of ISO `i`'s application to funder `f` whose officer scored it
    /// `officer`: the trust term weighted by `authority_weight`, less the authority's view of
    /// risk above `risk_mean` (§7.30).
    pub(super) fn decision_score(&self, officer: f64, i: usize, f: usize, risk_mean: f64) -> f64 {
        let fc = &self.cfg.funders[f];
        if !reranks(fc) {
            return officer;
        }
        officer
            - (1.0 - fc.authority_weight) * fc.call_trust_weight * self.rels[i][f].trust
            - fc.authority_risk_weight * (self.financial_risk(i) - risk_mean)
    }

    /// Step 4, at an intake of funder `f` (§7.30): the officers' scores in `order` are their
    /// recommendations. Walks the officers' ranking alone with `available` money (alternatives
    /// ask `alt_ask`) to mark which ISOs it would fund, then replaces each ISO's score with the
    /// authority's decision score. Returns whether the authority reranks (otherwise `order` is
    /// untouched and no recommendation can be overturned).
    pub(super) fn authority_review(
        &mut self,
        cfg: &Config,
        f: usize,
        available: f64,
        alt_ask: f64,
    ) -> bool {
        if !reranks(&cfg.funders[f]) {
            return false;
        }
        let n = self.isos.len();
        let mut officer_order = std::mem::take(&mut self.authority.officer_order);
        let mut recommended = std::mem::take(&mut self.authority.recommended);
        officer_order.clear();
        officer_order.extend_from_slice(&self.order);
        sort_descending(&mut officer_order);
        recommended.clear();
        recommended.resize(n, false);
        let mut remaining = available;
        for &(_, idx) in &officer_order {
            let ask = if idx >= n {
                alt_ask
            } else {
                self.ask(cfg, idx, f)
            };
            let award = award_for(ask, remaining);
            remaining -= award;
            if idx < n {
                recommended[idx] = award > 0.0;
            }
        }
        self.authority.officer_order = officer_order;
        self.authority.recommended = recommended;
        // cash, missed payrolls and costs do not change between intakes of the month
        let risk_mean = match self.authority.risk_mean {
            Some(r) => r,
            None => {
                let r = self.mean_financial_risk();
                self.authority.risk_mean = Some(r);
                r
            }
        };
        for k in 0..self.order.len() {
            let (s, idx) = self.order[k];
            if idx < n {
                self.order[k].0 = self.decision_score(s, idx, f, risk_mean);
            }
        }
        true
    }

    /// Months the authority's review adds to the decision on ISO `i`'s application to funder
    /// `fc` (number `f`) made this month, whose officer knows the file to `knowledge`: the
    /// review months when it returns the file (a uniform of its stream below
    /// `authority_error_share · (1 − knowledge)`) or `overturned` the recommendation.
    pub(super) fn authority_delay(
        &self,
        fc: &FunderCfg,
        i: usize,
        f: usize,
        knowledge: f64,
        overturned: bool,
    ) -> u32 {
        if fc.authority_review_months == 0 {
            return 0;
        }
        let n = (u64::from(self.t) * NF as u64 + f as u64) * WORDS_PER_FUNDER_MONTH + i as u64;
        let u = rng::word_uniform(rng::counter_word(self.authority.key, n));
        let returned = u < fc.authority_error_share * (1.0 - knowledge);
        if returned || overturned {
            fc.authority_review_months
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Config, Model};

    #[test]
    fn only_files_with_errors_or_overturned_wait_for_review() {
        let mut cfg = Config::default();
        cfg.simulation.isos = 12;
        cfg.funders[1].authority_review_months = 2;
        cfg.funders[1].authority_error_share = 1.0;
        let mut m = Model::new(&cfg, 5, 0);
        let fc = cfg.funders[1].clone();
        let mut returned_half = 0;
        for t in 0..50 {
            m.t = t;
            for i in 0..12 {
                // an officer who knows the file makes no errors; one who does not, always
                assert_eq!(m.authority_delay(&fc, i, 1, 1.0, false), 0);
                assert_eq!(m.authority_delay(&fc, i, 1, 0.0, false), 2);
                assert_eq!(m.authority_delay(&fc, i, 1, 1.0, true), 2);
                returned_half += usize::from(m.authority_delay(&fc, i, 1, 0.5, false) > 0);
            }
        }
        // half the files of an officer at half knowledge: 600 draws, well inside 250..350
        assert!((250..350).contains(&returned_half), "{returned_half}");
        let mut off = fc.clone();
        off.authority_review_months = 0;
        assert_eq!(m.authority_delay(&off, 0, 1, 0.0, true), 0);
    }

    #[test]
    fn an_authority_that_follows_its_officers_scores_as_they_do() {
        let mut cfg = Config::default();
        cfg.simulation.isos = 8;
        for fc in cfg.funders.iter_mut() {
            fc.authority_weight = 1.0;
            fc.authority_risk_weight = 0.0;
        }
        let m = Model::new(&cfg, 5, 0);
        for i in 0..8 {
            assert_eq!(m.decision_score(1.234, i, 2, 0.4), 1.234);
        }
        // an authority that weighs trust less scores a trusted ISO lower
        let mut cfg = cfg.clone();
        cfg.funders[2].authority_weight = 0.5;
        let m = Model::new(&cfg, 5, 0);
        let trust = m.rels[0][2].trust;
        let want = 1.234 - 0.5 * cfg.funders[2].call_trust_weight * trust;
        assert_eq!(m.decision_score(1.234, 0, 2, 0.4), want);
    }
}
