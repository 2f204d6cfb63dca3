//! Dependence both ways (ODD §7.29): a funder's alternatives are finite and of varying quality,
//! and the funder bears the need nobody serves.
//!
//! MLH 6: the relationship between a funder and one ISO is asymmetric ("it has many
//! alternatives to choose from"), yet "neither sector can provide these services without the
//! crucial inputs of the other". Three rules make the second half of that sentence bite:
//!
//! 1. **Finite alternatives.** The other providers a funder can pay absorb at most
//!    `dependence.alternative_capacity_share` of its budget basis a month (awards to
//!    alternative applicants and emergency contracts together); an award beyond the room left
//!    cannot be placed (§7.6), so the money stays with the next applicants in rank order.
//! 2. **Varying quality.** Each award to an alternative buys service at a quality drawn from
//!    this module's counter stream (entity [`rng::ENTITY_DEPENDENCE`]) around the funder's
//!    `alternative_quality_share`, unseen at the call; the hours of other providers follow the
//!    quality-weighted money (§7.27).
//! 3. **The funder bears unserved need.** Each month every funder is attributed the region's
//!    unmet new need in proportion to its share of the settlement budgets, senses it through a
//!    smoothed unmet share, and above `dependence.emergency_threshold_share` places emergency
//!    contracts: money it has not committed, placed at once (no call) with other providers that
//!    have room, at a price premium, for `dependence.emergency_months`.
//!
//! Off (`dependence.enabled = false`) the rule of revision 3 holds: no capacity limit, the
//! fixed quality `alternative_quality_share`, no emergency contracts (unserved need is still
//! recorded, so the ledger can be compared with and without the mechanism).

use super::newcomers::{NeedPools, Served};
use super::{ratio, rng, Model, NF, OTHER_SLOTS};

/// Words of the dependence stream per month: each funder's block is [`WORDS_PER_FUNDER`] long.
const WORDS_PER_MONTH: u64 = NF as u64 * WORDS_PER_FUNDER;
/// Words of one funder's block in a month: two per award to an alternative (index `k`, at most
/// `funders.*.alternatives` = 100,000 a call), then the emergency contract's two at
/// [`EMERGENCY_WORD`].
const WORDS_PER_FUNDER: u64 = 1 << 22;
/// Position of the emergency contract's words within a funder's monthly block.
const EMERGENCY_WORD: u64 = 1 << 21;

/// One funder's dependence ledger.
#[derive(Debug, Clone)]
pub(crate) struct FunderLedger {
    /// service-equivalent money of the commitments to other providers (money times the quality
    /// it buys, net of an emergency premium), by the month they end (`OTHER_SLOTS` slots, as
    /// the funder's ring `other`)
    quality: Vec<f64>,
    /// the sum of `quality`
    quality_total: f64,
    /// emergency contracts (premium included) among the commitments to other providers, by
    /// the month they end
    emergency: Vec<f64>,
    /// the sum of `emergency`: money per month paid for emergency contracts in force
    emergency_total: f64,
    /// the region's unmet share of new need as the funder senses it (smoothed)
    pressure: f64,
    /// need hours left unserved this month that are attributed to the funder
    unserved: f64,
}

impl FunderLedger {
    fn new() -> FunderLedger {
        FunderLedger {
            quality: vec![0.0; OTHER_SLOTS],
            quality_total: 0.0,
            emergency: vec![0.0; OTHER_SLOTS],
            emergency_total: 0.0,
            pressure: 0.0,
            unserved: 0.0,
        }
    }

    /// A commitment of `money` per month ending in `slot` that buys `service` (money times
    /// quality, net of any premium).
    fn add(&mut self, slot: usize, service: f64) {
        self.quality[slot] += service;
        self.quality_total += service;
    }
}

/// The funders' dependence ledgers and the key of the mechanism's counter stream.
#[derive(Debug, Clone)]
pub(crate) struct Dependence {
    key: u64,
    funders: [FunderLedger; NF],
}

impl Dependence {
    /// The ledgers at the start of replication `replication` under master seed `seed`.
    pub(crate) fn new(seed: u64, replication: u64) -> Dependence {
        Dependence {
            key: rng::counter_key(seed, replication, rng::ENTITY_DEPENDENCE),
            funders: std::array::from_fn(|_| FunderLedger::new()),
        }
    }

    /// A uniform of the month `t`'s block of funder `f`, at word `m` of it.
    fn uniform(&self, t: u32, f: usize, m: u64) -> f64 {
        let n = u64::from(t) * WORDS_PER_MONTH + f as u64 * WORDS_PER_FUNDER + m;
        rng::word_uniform(rng::counter_word(self.key, n))
    }

    /// A service quality around `mean` with spread `sd`, within 0 and 1, from the words `m`
    /// and `m + 1` of funder `f`'s block of month `t`.
    fn quality(&self, t: u32, f: usize, m: u64, mean: f64, sd: f64) -> f64 {
        let z = rng::normal(self.uniform(t, f, m), self.uniform(t, f, m + 1));
        (mean + sd * z).clamp(0.0, 1.0)
    }

    /// Step 2: funder `f`'s commitments that end in `slot` are released.
    pub(crate) fn expire(&mut self, f: usize, slot: usize) {
        let l = &mut self.funders[f];
        l.quality_total = (l.quality_total - l.quality[slot]).max(0.0);
        l.quality[slot] = 0.0;
        l.emergency_total = (l.emergency_total - l.emergency[slot]).max(0.0);
        l.emergency[slot] = 0.0;
    }

    /// §7.4: funder `f`'s commitments to other providers shrink by `factor`.
    pub(crate) fn scale(&mut self, f: usize, factor: f64) {
        let l = &mut self.funders[f];
        for x in l.quality.iter_mut().chain(l.emergency.iter_mut()) {
            *x *= factor;
        }
        l.quality_total *= factor;
        l.emergency_total *= factor;
    }
}

impl Model<'_> {
    /// Need hours the region left unserved last month that are attributed to funder `f` (its
    /// share of the settlement budgets times the unmet new need; ODD §7.29). A funder that
    /// cuts ISOs it cannot replace sees this rise; the funder-terms rules may read it.
    pub fn funder_unserved(&self, f: usize) -> f64 {
        self.dep.funders[f].unserved
    }

    /// Money per month funder `f` pays for emergency contracts in force, premium included
    /// (ODD §7.29).
    pub fn funder_emergency_spend(&self, f: usize) -> f64 {
        self.dep.funders[f].emergency_total
    }

    /// Funder `f`'s budget before policy shocks and timeline events: `budget_per_newcomer`
    /// times the arrivals it follows (§7.3).
    fn budget_basis(&self, f: usize) -> f64 {
        let fc = &self.cfg.funders[f];
        if !fc.enabled {
            return 0.0;
        }
        let fu = &self.funders[f];
        let avg = fu.sum / fu.ring.len() as f64;
        let base = self.cfg.newcomers.arrivals_per_month;
        let follow = fc.budget_follow_share;
        fc.budget_per_newcomer * (follow * avg + (1.0 - follow) * base).max(0.0)
    }

    /// ODD §7.29 rule 1: money per month funder `f` can still place with other providers
    /// (unlimited when the mechanism is off).
    pub(super) fn alternative_room(&self, f: usize) -> f64 {
        let d = &self.cfg.dependence;
        if !d.enabled {
            return f64::INFINITY;
        }
        let cap = d.alternative_capacity_share * self.budget_basis(f);
        (cap - self.funders[f].other_total).max(0.0)
    }

    /// ODD §7.29 rule 2: the award of `money` per month to funder `f`'s alternative number `k`
    /// of this month, ending in `slot`, buys service at a drawn quality.
    pub(super) fn place_alternative(&mut self, f: usize, k: usize, slot: usize, money: f64) {
        let mean = self.cfg.funders[f].alternative_quality_share;
        let sd = self.cfg.dependence.alternative_quality_sd;
        let q = self.dep.quality(self.t, f, 2 * k as u64, mean, sd);
        self.dep.funders[f].add(slot, money * q);
    }

    /// ODD §7.27, §7.29: the service-equivalent money funder `f`'s other providers work with
    /// this month (money times quality; the fixed `alternative_quality_share` when the
    /// mechanism is off).
    pub(super) fn other_service_money(&self, f: usize) -> f64 {
        if self.cfg.dependence.enabled {
            self.dep.funders[f].quality_total
        } else {
            self.funders[f].other_total * self.cfg.funders[f].alternative_quality_share.min(1.0)
        }
    }

    /// Step 7d (ODD §7.29 rule 3), after the month's service: each funder is attributed its
    /// part of the month's unserved new need (`unmet_share` of the `pools`' new need, split
    /// between the eligibility window and beyond it as the need left waiting after `served`),
    /// senses it, and above its threshold places an emergency contract for the gap.
    pub(super) fn dependence_month(&mut self, unmet_share: f64, pools: NeedPools, served: Served) {
        let cfg = std::sync::Arc::clone(&self.cfg);
        let d = &cfg.dependence;
        let unmet = unmet_share * pools.new_need;
        let left_e = (pools.eligible - served.eligible).max(0.0);
        let left_b = (pools.beyond - served.beyond).max(0.0);
        let unmet_e = unmet * ratio(left_e, left_e + left_b);
        let unmet_b = unmet - unmet_e;
        // every funder's money serves the window; beyond it only its unrestricted money does
        let w_e: [f64; NF] = std::array::from_fn(|f| self.funders[f].budget);
        let w_b: [f64; NF] = std::array::from_fn(|f| {
            let fc = &cfg.funders[f];
            w_e[f]
                * if fc.eligibility_restricted {
                    fc.core_share
                } else {
                    1.0
                }
        });
        let (sum_e, sum_b) = (w_e.iter().sum::<f64>(), w_b.iter().sum::<f64>());
        for f in 0..NF {
            let unserved = unmet_e * ratio(w_e[f], sum_e) + unmet_b * ratio(w_b[f], sum_b);
            // the need the funder answers for: its share of the settlement budgets
            let need = ratio(w_e[f], sum_e) * pools.new_need;
            let sensed = ratio(unserved, need);
            let l = &mut self.dep.funders[f];
            l.unserved = unserved;
            l.pressure += (sensed - l.pressure) / d.notice_months.max(1.0);
            if d.enabled && l.pressure > d.emergency_threshold_share && need > 0.0 {
                let gap = unserved - d.emergency_threshold_share * need;
                if gap > 0.0 {
                    self.emergency_contract(f, gap);
                }
            }
        }
    }

    /// ODD §7.29 rule 3: funder `f` pays for `gap` hours a month from money it has not
    /// committed, with other providers that have room, at the premium, for
    /// `dependence.emergency_months` from next month.
    fn emergency_contract(&mut self, f: usize, gap: f64) {
        let cfg = std::sync::Arc::clone(&self.cfg);
        let (d, fc, ic) = (&cfg.dependence, &cfg.funders[f], &cfg.iso);
        let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        let hours_per_dollar =
            ic.hours_per_staff_month * (1.0 - ic.admin_staff_share) / cost_per_staff;
        // the funder plans on the mean quality; it does not see the provider's
        let expected = fc.alternative_quality_share.clamp(0.05, 1.0);
        let premium = 1.0 + d.emergency_premium_share;
        let wanted = gap * premium / (hours_per_dollar * expected);
        let committed: f64 = self
            .isos
            .iter()
            .zip(&self.rels)
            .filter(|(iso, _)| iso.alive)
            .map(|(_, r)| super::funders::commitment(&r[f]))
            .sum();
        let free = self.funders[f].budget - committed - self.funders[f].other_total;
        let money = wanted.min(free).min(self.alternative_room(f));
        if money <= 0.0 {
            return;
        }
        // placed after this month's service: it serves the next `emergency_months` months
        let slot = (self.t + d.emergency_months + 1) as usize % OTHER_SLOTS;
        let q = self.dep.quality(
            self.t,
            f,
            EMERGENCY_WORD,
            fc.alternative_quality_share,
            d.alternative_quality_sd,
        );
        let fu = &mut self.funders[f];
        fu.other[slot] += money;
        fu.other_total += money;
        let l = &mut self.dep.funders[f];
        l.add(slot, money * q / premium);
        l.emergency[slot] += money;
        l.emergency_total += money;
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Config, Model, NF};

    /// A small region over `months` months after a year's warm-up.
    fn small(months: u32) -> Config {
        let mut cfg = Config::default();
        cfg.simulation.isos = 8;
        cfg.simulation.warmup_months = 12;
        cfg.simulation.duration_months = months;
        cfg
    }

    /// Steps `cfg` through its warm-up and run; returns per funder the sums over the months of
    /// (other providers' commitments, unserved hours, emergency spending).
    fn ledger(cfg: &Config) -> [(f64, f64, f64); NF] {
        let mut m = Model::new(cfg, 7, 0);
        let mut out = [(0.0, 0.0, 0.0); NF];
        for _ in 0..cfg.simulation.warmup_months + cfg.simulation.duration_months {
            m.step();
            for (f, o) in out.iter_mut().enumerate() {
                o.0 += m.funders[f].other_total;
                o.1 += m.funder_unserved(f);
                o.2 += m.funder_emergency_spend(f);
            }
        }
        out
    }

    #[test]
    fn other_providers_without_capacity_take_nothing() {
        let mut cfg = small(36);
        cfg.funders[0].alternatives = 60;
        let open = ledger(&cfg);
        assert!(open[0].0 > 0.0, "sixty alternatives win some federal money");
        cfg.dependence.alternative_capacity_share = 0.0;
        for (f, l) in ledger(&cfg).iter().enumerate() {
            assert_eq!(
                l.0, 0.0,
                "funder {f} placed money with providers that have no room"
            );
        }
    }

    #[test]
    fn need_beyond_the_sector_is_borne_by_funders_and_bought_at_a_premium() {
        // need far beyond what the budgets buy
        let mut cfg = small(24);
        cfg.newcomers.need_hours_per_client *= 4.0;
        let on = ledger(&cfg);
        cfg.dependence.enabled = false;
        let off = ledger(&cfg);
        for f in 0..NF {
            assert!(
                on[f].1 > 0.0 && off[f].1 > 0.0,
                "funder {f} bears unserved need"
            );
            assert_eq!(
                off[f].2, 0.0,
                "no emergency contracts when the mechanism is off"
            );
        }
        assert!(on[0].2 > 0.0, "the federal funder buys emergency contracts");
    }
}
