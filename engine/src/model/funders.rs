//! What funders do: budgets, policy shocks, program officers, calls and intakes, late
//! payments, decisions and payments, and the other providers their awards to alternative
//! applicants fund (ODD §7.3–§7.9).

use super::authority::{award_for, sort_descending};
use super::config::{Config, FunderCfg};
use super::newcomers::{NeedPools, Served};
use super::{
    iso_donation_share, iso_perf, ratio, rng, round_half_up, CallCycle, Inflows, Model, Quotient,
    Record, ALTERNATIVE_DONATION_SHARE, ALTERNATIVE_PERF_SD, DAYS_PER_MONTH, NF, OTHER_SLOTS,
    SOURCES,
};
use std::sync::Arc;

/// An agreement year (or the agreement) of `r` ends at model month `t`: the payments held back
/// in it await the final report and are paid `final_report_months` later (§7.9).
#[inline]
pub(super) fn close_holdback(r: &mut super::Rel, t: u32, final_report_months: u32) {
    if r.holdback > 0.0 {
        r.holdback_release = if r.holdback_due > 0.0 {
            r.holdback_release.max(t + final_report_months)
        } else {
            t + final_report_months
        };
        r.holdback_due += r.holdback;
        r.holdback = 0.0;
    }
}

/// A decision's commitment: the award if it is pending, else the agreement's value.
#[inline]
pub(super) fn commitment(r: &super::Rel) -> f64 {
    if r.pending {
        r.award
    } else if r.has_contract {
        r.monthly
    } else {
        0.0
    }
}

impl Model<'_> {
    /// Step 2: the budget follows the moving average of arrivals (§7.3).
    pub(super) fn update_budget(&mut self, f: usize, arrivals: f64) {
        let fc = &self.cfg.funders[f];
        // the level a budget that does not follow arrivals keeps: the first reported month's
        let base = self.cfg.newcomers.arrivals_per_month;
        let fu = &mut self.funders[f];
        // cuts from policy shocks recover over time (unless permanent)
        if fc.shock_recovery_months > 0.0 && fu.shock_factor < 1.0 {
            fu.shock_factor += (1.0 - fu.shock_factor) / fc.shock_recovery_months.max(1.0);
        }
        fu.sum += arrivals - fu.ring[fu.pos];
        fu.ring[fu.pos] = arrivals;
        fu.pos = (fu.pos + 1) % fu.ring.len();
        let avg = fu.sum / fu.ring.len() as f64;
        let basis = fc.budget_follow_share * avg + (1.0 - fc.budget_follow_share) * base;
        fu.budget = if fc.enabled {
            fc.budget_per_newcomer * basis.max(0.0) * fu.shock_factor * fu.event_factor
        } else {
            0.0
        };
    }

    /// Step 2: commitments to other providers that end this month are released.
    pub(super) fn expire_other_providers(&mut self, f: usize) {
        let slot = self.t as usize % OTHER_SLOTS;
        let fu = &mut self.funders[f];
        fu.other_total -= fu.other[slot];
        fu.other[slot] = 0.0;
        if fu.other_total < 1e-9 {
            fu.other_total = fu.other_total.max(0.0);
        }
        self.dep.expire(f, slot);
    }

    /// A cut (or raise) of funder `f`'s budget by `factor`: a policy shock (§7.4), or a
    /// timeline event. When `terminate`, commitments above the new budget end at once: other
    /// providers' commitments shrink by the same factor, and the modelled ISOs' contracts are
    /// terminated from the lowest score up until the rest fits.
    pub(super) fn cut_budget(&mut self, f: usize, factor: f64, shock: bool) {
        let fu = &mut self.funders[f];
        if shock {
            fu.shock_factor *= factor;
        } else {
            fu.event_factor *= factor;
        }
        fu.budget *= factor;
        if factor >= 1.0 {
            return;
        }
        for x in fu.other.iter_mut() {
            *x *= factor;
        }
        fu.other_total *= factor;
        let budget = fu.budget - fu.other_total;
        self.dep.scale(f, factor);
        // Amendments: every commitment loses `amend · cut` of its unprotected part; the staff
        // that money paid for are laid off at the ISO's cost (§7.4, §7.18).
        let fc = &self.cfg.funders[f];
        let amend = fc.shock_amend_share * (1.0 - factor) * (1.0 - fc.shock_protected_share);
        if amend > 0.0 {
            let keep = 1.0 - amend;
            for i in 0..self.isos.len() {
                let r = &mut self.rels[i][f];
                if !self.isos[i].alive {
                    continue;
                }
                if r.has_contract {
                    super::isos::wind_down(
                        &mut self.isos[i],
                        amend * r.monthly,
                        &self.cfg.iso,
                        self.t,
                    );
                    r.monthly *= keep;
                }
                r.award *= keep;
            }
        }
        self.perf_means = self.perf_means();
        let perf_mean = self.perf_mean(f);
        // the decision authority terminates, on its decision score (§7.30)
        let risk_mean = if super::authority::reranks(fc) {
            self.mean_financial_risk()
        } else {
            0.0
        };
        self.order.clear();
        let mut total = 0.0;
        for i in 0..self.isos.len() {
            let r = &self.rels[i][f];
            // Contracts in force and awards not yet announced are both commitments.
            if self.isos[i].alive && (r.has_contract || (r.pending && r.award > 0.0)) {
                total += commitment(r);
                let s = self.score(i, f, perf_mean);
                let s = self.decision_score(s, i, f, risk_mean);
                self.order.push((s, i));
            }
        }
        self.order
            .sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let erosion = self.cfg.trust.cut_erosion_share;
        for k in 0..self.order.len() {
            if total <= budget {
                break;
            }
            let i = self.order[k].1;
            let r = &mut self.rels[i][f];
            total -= commitment(r);
            if r.has_contract {
                r.trust *= 1.0 - erosion;
                super::isos::wind_down(&mut self.isos[i], r.monthly, &self.cfg.iso, self.t);
                close_holdback(r, self.t, self.cfg.funders[f].final_report_months);
            }
            r.has_contract = false;
            r.pending = false;
            r.monthly = 0.0;
            r.award = 0.0;
        }
    }

    /// Score of ISO `i`'s proposal to funder `f` (performance, trust, fundraising, noise).
    fn score(&self, i: usize, f: usize, perf_mean: f64) -> f64 {
        let fc = &self.cfg.funders[f];
        let iso = &self.isos[i];
        let perf = iso_perf(iso, self.record(f));
        let perf_norm = if perf_mean > 0.0 {
            perf / perf_mean
        } else {
            1.0
        };
        let d = self.events(i, f).score;
        fc.call_performance_weight * perf_norm
            + fc.call_trust_weight * self.rels[i][f].trust
            + fc.fundraising_score_weight * iso_donation_share(iso, &self.rels[i])
            + fc.call_noise_sd * rng::normal(d[0], d[1])
    }

    /// Mean performance per dollar over operating ISOs, on each record.
    fn perf_means(&self) -> [f64; 3] {
        let (mut c, mut ce, mut e, mut n) = (0.0, 0.0, 0.0, 0.0);
        for iso in self.isos.iter().filter(|x| x.alive) {
            c += iso_perf(iso, Record::Clients);
            ce += iso_perf(iso, Record::EligibleClients);
            e += iso_perf(iso, Record::Effective);
            n += 1.0;
        }
        [ratio(c, n), ratio(ce, n), ratio(e, n)]
    }

    /// Funder `f`'s record of performance.
    fn record(&self, f: usize) -> Record {
        let fc = &self.cfg.funders[f];
        Record::of(fc.measure, fc.eligibility_restricted)
    }

    /// Mean performance per dollar on funder `f`'s record, as computed for this month.
    fn perf_mean(&self, f: usize) -> f64 {
        match self.record(f) {
            Record::Clients => self.perf_means[0],
            Record::EligibleClients => self.perf_means[1],
            Record::Effective => self.perf_means[2],
        }
    }

    /// Step 3: the program officer on each file with an agreement rotates or learns (§7.5).
    pub(super) fn officers(&mut self) {
        let mut rotations = 0.0;
        let mut loss = 0.0;
        let n = self.isos.len();
        let cfg = Arc::clone(&self.cfg);
        let (isos, all_rels, draws) = (&self.isos[..n], &mut self.rels[..n], &self.draws[..n]);
        let rotation: [f64; NF] = std::array::from_fn(|f| self.terms.0[f].rotation_probability);
        let learning: [f64; NF] = std::array::from_fn(|f| self.terms.0[f].learning_rate);
        for i in 0..n {
            if !isos[i].alive {
                continue;
            }
            for f in 0..NF {
                let r = &mut all_rels[i][f];
                if !r.has_contract {
                    continue;
                }
                if draws[i].rotation[f] < rotation[f] {
                    let fc = &cfg.funders[f];
                    r.knowledge = fc.new_officer_knowledge_share;
                    let l = r.trust * fc.trust_reset_share;
                    r.trust -= l;
                    loss += l;
                    rotations += 1.0;
                } else {
                    r.knowledge += (1.0 - r.knowledge) * learning[f];
                }
            }
        }
        self.facts.rotations = rotations;
        self.facts.reset_loss = loss;
    }

    /// Step 4: every funder's call or intakes of the month (§7.6). The late-payment draws of
    /// agreement years that start now follow in step 5 ([`Model::payments`]).
    pub(super) fn calls_and_intakes(&mut self) {
        let cfg = Arc::clone(&self.cfg);
        let t = self.t as i32;
        let cal = self.calendar();
        for p in self.proposals.iter_mut() {
            *p = 0.0;
        }
        self.late_event.fill([false; NF]);
        self.starting.fill([false; NF]);
        let mut approvals = (0.0, 0.0);
        let mut perf_ready = false;
        self.authority.risk_mean = None;
        for f in 0..NF {
            let fc = &cfg.funders[f];
            if !fc.enabled {
                continue;
            }
            let fy_start = cal == fc.fiscal_year_start;
            let call = fc.call_cycle == CallCycle::SectorWide && t == self.funders[f].next_call;
            if fc.call_cycle == CallCycle::SectorWide && !call {
                continue;
            }
            // a rolling funder with no agreement ending and no annual intake has nothing to decide
            if fc.call_cycle == CallCycle::Rolling && !fy_start && t < self.funders[f].next_renewal
            {
                continue;
            }
            let mut next_end = i32::MAX;
            // who decides now, and what the rest are committed to
            // emergency contracts (§7.29) are a bridge, not a commitment the call must respect
            let (mut committed, mut alive) = (
                self.funders[f].other_total - self.funder_emergency_spend(f),
                0.0,
            );
            self.applicants.clear();
            for (i, (iso, rels)) in self.isos.iter().zip(&self.rels).enumerate() {
                if !iso.alive {
                    continue;
                }
                let r = &rels[f];
                // sector-wide: everyone at the call; rolling: renewals when the agreement ends,
                // first applications at the annual intake
                let apply = call
                    || !r.pending
                        && (if r.has_contract {
                            r.end_month <= t
                        } else {
                            fy_start
                        });
                alive += 1.0;
                if apply {
                    self.applicants.push(i);
                } else {
                    committed += commitment(r);
                    if r.has_contract {
                        next_end = next_end.min(r.end_month);
                    }
                }
            }
            // renewals decided now end a full term from now; first applications set their end
            // when they are decided (and lower this bound then)
            let months = self.funders[f].terms().contract_months as i32;
            self.funders[f].next_renewal = next_end.min(t + months);
            if call {
                self.funders[f].next_call = t + months;
            }
            if !self.applicants.is_empty() {
                if !perf_ready {
                    // performance records change only at the end of the month (step 8)
                    self.perf_means = self.perf_means();
                    perf_ready = true;
                }
                let (a, n) = self.intake(f, committed, alive);
                approvals.0 += a;
                approvals.1 += n;
            }
        }
        self.facts.approvals = Quotient {
            num: approvals.0,
            den: approvals.1,
        };
    }

    /// One call or intake of funder `f` among the ISOs in `applicants` and the funder's
    /// alternatives, for the money not `committed` to anyone else; `alive` ISOs operate
    /// (ODD §7.6). Returns (approved, applicants).
    fn intake(&mut self, f: usize, committed: f64, alive: f64) -> (f64, f64) {
        let cfg = Arc::clone(&self.cfg);
        let fc = &cfg.funders[f];
        let available = (self.funders[f].budget - committed).max(0.0);
        self.order.clear();
        let (ask_sum, n_isos) = self.applications(&cfg, f);
        let alt_ask = ratio(ask_sum, n_isos);
        self.alternative_applications(fc, f, n_isos, alive);
        // officers recommend, the decision authority decides (§7.30)
        let reranked = self.authority_review(&cfg, f, available, alt_ask);
        sort_descending(&mut self.order);
        let mut remaining = available;
        let mut approved = 0.0;
        let applicants = self.order.len() as f64;
        self.facts.proposals[f] += applicants;
        let n = self.isos.len();
        for k in 0..self.order.len() {
            let idx = self.order[k].1;
            let ask = if idx >= n {
                alt_ask
            } else {
                self.ask(&cfg, idx, f)
            };
            // an alternative's award is placed only within its providers' room (§7.29)
            let room = if idx >= n {
                remaining.min(self.alternative_room(f))
            } else {
                remaining
            };
            let award = award_for(ask, room);
            remaining -= award;
            if award > 0.0 {
                approved += 1.0;
            }
            if idx >= n {
                self.fund_other_providers(fc, f, usize::MAX - idx, award);
            } else {
                let overturned = reranked && (award > 0.0) != self.authority.recommended[idx];
                self.decide(fc, idx, f, award, overturned);
            }
        }
        // money put to a decision: the monthly value of every agreement awarded
        self.facts.decided[f] += available - remaining;
        (approved, applicants)
    }

    /// ODD §7.6 applicants and asks: what ISO `i` asks of funder `f`. A renewal asks for the
    /// agreement's value grown by the markup for each year it ran; a first application for its
    /// catchment's share of the budget, plus the markup.
    #[inline]
    pub(super) fn ask(&self, cfg: &Config, i: usize, f: usize) -> f64 {
        let markup = 1.0 + cfg.iso.ask_markup_share;
        let r = &self.rels[i][f];
        if r.has_contract {
            let years = ((i64::from(self.t) - i64::from(r.period_start) + 6) / 12).max(1);
            r.monthly * markup.powi(years as i32)
        } else {
            self.funders[f].budget * self.isos[i].catchment * markup
        }
    }

    /// ODD §7.6 applicants and asks: every ISO in `applicants` is scored by funder `f` (into
    /// `order`) and spends the proposal's hours (less what a joint proposal saves). Returns the
    /// sum of their asks and how many they are.
    fn applications(&mut self, cfg: &Config, f: usize) -> (f64, f64) {
        let perf_mean = self.perf_mean(f);
        let (mut ask_sum, mut n_isos) = (0.0, 0.0);
        for k in 0..self.applicants.len() {
            let i = self.applicants[k];
            self.starting[i][f] = true;
            let s = self.score(i, f, perf_mean);
            self.order.push((s, i));
            ask_sum += self.ask(cfg, i, f);
            n_isos += 1.0;
            // joint proposals: members of an operational or collaborative partnership share the work
            let ph = cfg.iso.proposal_hours * self.partners.proposal_factor[i];
            self.partners.proposal_saved[i] += cfg.iso.proposal_hours - ph;
            self.proposals[i] += ph;
        }
        (ask_sum, n_isos)
    }

    /// ODD §7.6 alternatives: the applicants outside the modelled ISOs, scored into `order`.
    /// Words of their own counter-based stream, positioned by month, so their draws do not
    /// depend on history. As many as the funder has per full call, in proportion to the
    /// `n_isos` ISOs deciding now of the `alive` operating (rounded at random with the month's
    /// first word).
    fn alternative_applications(&mut self, fc: &FunderCfg, f: usize, n_isos: f64, alive: f64) {
        let key = self.streams.alternatives[f];
        let base = u64::from(self.t) * rng::ALTERNATIVE_WORDS_PER_MONTH;
        let u = |k: u64| rng::word_uniform(rng::counter_word(key, base + k));
        let expected = f64::from(fc.alternatives) * ratio(n_isos, alive);
        let whole = expected.floor();
        let n_alt = whole as u64 + u64::from(u(0) < expected - whole);
        for k in 0..n_alt {
            let z = rng::normal(u(1 + 4 * k), u(2 + 4 * k));
            let noise = rng::normal(u(3 + 4 * k), u(4 + 4 * k));
            let s = fc.call_performance_weight
                * (fc.alternative_quality_share + ALTERNATIVE_PERF_SD * z)
                + fc.fundraising_score_weight * ALTERNATIVE_DONATION_SHARE
                + fc.call_noise_sd * noise;
            self.order.push((s, usize::MAX - k as usize));
        }
    }

    /// ODD §7.6, §7.27: the `award` of funder `f` to its alternative number `k` of the month
    /// funds other providers for one agreement term, at a drawn quality (§7.29).
    fn fund_other_providers(&mut self, fc: &FunderCfg, f: usize, k: usize, award: f64) {
        if award <= 0.0 {
            return;
        }
        let fu = &mut self.funders[f];
        let end = if fc.call_cycle == CallCycle::SectorWide {
            fu.next_call as u32
        } else {
            self.t + fu.terms().contract_months
        };
        let slot = end as usize % OTHER_SLOTS;
        fu.other[slot] += award;
        fu.other_total += award;
        self.place_alternative(f, k, slot, award);
    }

    /// ODD §7.6: funder `f` decides ISO `i`'s application (`award`, 0 = refused; `overturned`:
    /// not what the officer's ranking alone gave); the decision is announced after the funder's
    /// delay, the officer's and the decision authority's (§7.7, §7.30). A renewal's new period
    /// follows the old one without a break.
    fn decide(&mut self, fc: &FunderCfg, i: usize, f: usize, award: f64, overturned: bool) {
        let t = self.t;
        // a first application meets an officer new to the file (below)
        let knowledge = if self.rels[i][f].has_contract {
            self.rels[i][f].knowledge
        } else {
            fc.new_officer_knowledge_share
        };
        let own = self.authority_delay(fc, i, f, knowledge, overturned);
        self.facts.overturned.add(Quotient {
            num: f64::from(u8::from(overturned)),
            den: 1.0,
        });
        self.facts.authority_delay.add(Quotient {
            num: f64::from(own),
            den: 1.0,
        });
        let next_call = self.funders[f].next_call;
        let months = self.funders[f].terms().contract_months;
        let r = &mut self.rels[i][f];
        if !r.has_contract {
            // a first application: a new file, handled by an officer who does not know it yet
            r.monthly = 0.0;
            r.knowledge = fc.new_officer_knowledge_share;
        } else {
            // a renewal: the new period follows the old one without a break
            r.period_start = t as i32;
            r.next_year = r.period_start + 12;
            r.end_month = if fc.call_cycle == CallCycle::SectorWide {
                next_call
            } else {
                (t + months) as i32
            };
        }
        let delay = fc.decision_delay_months
            + round_half_up(fc.officer_decision_delay_months * (1.0 - r.knowledge))
            + own;
        r.pending = true;
        r.award = award;
        r.applied = t;
        r.decision_month = t + delay;
    }

    /// Step 5: for each relationship, the late-payment draw of an agreement year that starts
    /// now (§7.8); then decisions due this month are announced, and installments are paid at
    /// the start of the month, held, or released within it (§7.7, §7.9).
    ///
    /// An agreement year starts with a new agreement period (a call or intake this month, whose
    /// delay applies from the decision) and on each anniversary of it: its first payments may
    /// come late by a delay in days.
    pub(super) fn payments(&mut self) {
        let cfg = Arc::clone(&self.cfg);
        let (mut delay_sum, mut delay_n) = (0.0, 0.0);
        let mut late_events = 0.0;
        for i in 0..self.isos.len() {
            self.revenue[i] = [0.0; SOURCES];
            self.inflows[i] = Inflows::default();
            if !self.isos[i].alive {
                continue;
            }
            for f in 0..NF {
                // the rare events (an agreement year starts, a decision is announced) are
                // tested here and handled out of line
                let r = &self.rels[i][f];
                // the anniversary test first: it is the one that rarely holds
                let anniversary = r.next_year == self.t as i32 && r.has_contract && !r.pending;
                if (anniversary || self.starting[i][f])
                    && self.late_payment_draw(&cfg, i, f, anniversary)
                {
                    late_events += 1.0;
                }
                let r = &self.rels[i][f];
                if r.pending && self.t >= r.decision_month {
                    delay_sum += self.announce_decision(&cfg, i, f);
                    delay_n += 1.0;
                }
                self.pay_installment(&cfg.funders[f], i, f);
            }
        }
        self.facts.delays = Quotient {
            num: delay_sum,
            den: delay_n,
        };
        self.facts.late_events = late_events;
    }

    /// ODD §7.8 late payments: an agreement year of ISO `i` with funder `f` starts now (a call
    /// or intake this month, or an `anniversary`): the year that ends awaits its final report
    /// and the new year's first payments may come late. Returns whether they do.
    #[cold]
    #[inline(never)]
    fn late_payment_draw(&mut self, cfg: &Config, i: usize, f: usize, anniversary: bool) -> bool {
        let fc = &cfg.funders[f];
        let t = self.t;
        let e = self.events(i, f);
        let r = &mut self.rels[i][f];
        if anniversary {
            r.next_year += 12;
        }
        // the agreement year (or period) that ends now awaits its final report
        if anniversary || r.has_contract {
            close_holdback(r, t, fc.final_report_months);
        }
        r.late_days = 0.0;
        // the funder's payment practice now (ODD §7.28: a term it may choose)
        if e.late >= self.funders[f].terms().late_payment_probability {
            return false;
        }
        let u = e.late_days;
        let days = fc.late_payment_days_min
            + (fc.late_payment_days_max - fc.late_payment_days_min) * u * u;
        if days <= 0.0 {
            return false;
        }
        self.late_event[i][f] = true;
        if r.pending {
            // applied from the decision month, if the application is awarded
            r.late_days = days;
        } else {
            r.release_at = r.release_at.max(f64::from(t) + days / DAYS_PER_MONTH);
        }
        true
    }

    /// ODD §7.7 decision announcements: the decision of funder `f` on ISO `i`, due this month,
    /// is announced; an award starts or renews the agreement (with back pay for a renewal), a
    /// refusal ends it (with wind-down costs, §7.18). Returns the months from the call to the
    /// announcement.
    #[cold]
    #[inline(never)]
    fn announce_decision(&mut self, cfg: &Config, i: usize, f: usize) -> f64 {
        let fc = &cfg.funders[f];
        let t = self.t;
        let tf = f64::from(t);
        // read only for a decision announced now (most months announce none)
        let next_call = self.funders[f].next_call;
        let offered = self.funders[f].terms();
        let r = &mut self.rels[i][f];
        r.pending = false;
        let delay = f64::from(t - r.applied);
        if r.award > 0.0 {
            if r.has_contract {
                // a renewal: back pay for the months worked while the decision was pending, at
                // the rate of the agreement in force then (the eligible costs charged for them);
                // the new rate runs from the decision
                r.held += r.monthly * (i64::from(t) - i64::from(r.period_start)) as f64;
            } else {
                // a first application: the agreement starts when it is signed
                r.period_start = t as i32;
                r.next_year = r.period_start + 12;
                r.end_month = match fc.call_cycle {
                    CallCycle::SectorWide => next_call,
                    CallCycle::Rolling => (t + offered.contract_months) as i32,
                };
                let fu = &mut self.funders[f];
                fu.next_renewal = fu.next_renewal.min(r.end_month);
            }
            r.has_contract = true;
            r.monthly = r.award;
            // the agreement (or its renewal) is signed on the terms offered now (§7.28)
            r.signed = offered;
            r.release_at = tf + r.late_days / DAYS_PER_MONTH;
        } else {
            if r.has_contract {
                // not renewed: a cut, and wind-down costs for the ISO (§7.18)
                r.trust *= 1.0 - cfg.trust.cut_erosion_share;
                super::isos::wind_down(&mut self.isos[i], r.monthly, &cfg.iso, t);
            }
            r.has_contract = false;
            r.monthly = 0.0;
            r.release_at = tf;
        }
        r.late_days = 0.0;
        delay
    }

    /// ODD §7.9 payments: the holdback of ended agreement years once their final report is in,
    /// then the month's installment of funder `fc` (number `f`) to ISO `i` with anything held,
    /// less a holdback, paid at the start of the month, held, or released within it. Nothing
    /// is paid while a decision is pending.
    #[inline]
    fn pay_installment(&mut self, fc: &FunderCfg, i: usize, f: usize) {
        let t = self.t;
        let tf = f64::from(t);
        let r = &mut self.rels[i][f];
        // the holdback of ended agreement years, once their final report is in: at the start of
        // the month, pending decision or not
        if r.holdback_due > 0.0 && t >= r.holdback_release {
            let released = r.holdback_due;
            r.holdback_due = 0.0;
            self.revenue[i][f] += released;
            self.inflows[i].on_time += released;
        }
        if r.pending {
            return;
        }
        // the month's installment: an advance on the month's eligible costs
        let due = if r.has_contract { r.monthly } else { 0.0 };
        if r.release_at >= tf + 1.0 {
            r.held += due;
            return;
        }
        let mut pay = due + r.held;
        r.held = 0.0;
        if pay <= 0.0 {
            return;
        }
        // a share of every payment is held back until the year's final report
        let withheld = fc.holdback_share * pay;
        r.holdback += withheld;
        pay -= withheld;
        if !r.has_contract {
            // money of an agreement that has ended: its final report comes now
            close_holdback(r, t, fc.final_report_months);
        }
        self.revenue[i][f] += pay;
        let inflow = &mut self.inflows[i];
        if r.release_at > tf {
            inflow.late[inflow.n_late] = (r.release_at - tf, pay);
            inflow.n_late += 1;
        } else {
            inflow.on_time += pay;
        }
    }

    /// Step 7c: other providers, funded by awards to alternative applicants, serve need that
    /// the modelled ISOs left, at the cost of a staff hour at the modelled ISOs'
    /// `alternative_quality_share` productivity. Restricted money serves eligible need only.
    /// Returns the hours served.
    pub(super) fn other_provider_service(&mut self, pools: NeedPools, served: &mut Served) -> f64 {
        let cfg = Arc::clone(&self.cfg);
        let ic = &cfg.iso;
        let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        let hours_per_dollar =
            ic.hours_per_staff_month * (1.0 - ic.admin_staff_share) / cost_per_staff;
        let (mut restricted, mut free) = (0.0, 0.0);
        for f in 0..NF {
            let fc = &cfg.funders[f];
            // money times the quality it buys (§7.29), less what leaks out of the region
            let money = self.other_service_money(f) * (1.0 - fc.alternative_leakage_share);
            let h = money * hours_per_dollar;
            if fc.eligibility_restricted {
                let core = self.funders[f].terms().core_share;
                restricted += h * (1.0 - core);
                free += h * core;
            } else {
                free += h;
            }
        }
        if restricted + free <= 0.0 {
            return 0.0;
        }
        // their effectiveness: the mean of the modelled ISOs' this month (1 if none served)
        let q = ratio(
            served.effective_eligible + served.effective_beyond,
            served.eligible + served.beyond,
        );
        let q = if q > 0.0 { q } else { 1.0 };
        let left_e = (pools.eligible - served.eligible).max(0.0);
        let left_b = (pools.beyond - served.beyond).max(0.0);
        let se = (restricted + free).min(left_e);
        let from_free = (se - restricted).max(0.0);
        let sb = (free - from_free).min(left_b).max(0.0);
        served.eligible += se;
        served.beyond += sb;
        served.effective_eligible += se * q;
        served.effective_beyond += sb * q;
        se + sb
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Config, Model};

    /// A small region whose federal agreement runs `contract_months`, paid on time, with no
    /// policy shocks; the other funders hold nothing back. The federal decision authority
    /// follows its officers with a neutral view of risk (§7.30), so who holds an agreement
    /// does not turn on an ISO's cash: these tests are about the agreement's calendar.
    fn quiet(contract_months: u32, holdback: f64) -> Config {
        let mut cfg = Config::default();
        cfg.simulation.duration_months = 60;
        // the federal call falls at the warm-up's end (month 60) when it lasts 120 months
        cfg.simulation.warmup_months = 60;
        cfg.simulation.isos = 6;
        for fc in cfg.funders.iter_mut() {
            fc.late_payment_probability = 0.0;
            fc.shock_probability_per_year = 0.0;
            fc.holdback_share = 0.0;
        }
        cfg.funders[0].contract_months = contract_months;
        cfg.funders[0].holdback_share = holdback;
        cfg.funders[0].authority_weight = 1.0;
        cfg.funders[0].authority_risk_weight = 0.0;
        cfg.funders[0].final_report_months = 4;
        cfg
    }

    /// Per month of the first 48: (month, federal payment to ISO 0, its agreement value, its
    /// next anniversary, pending).
    fn federal_payments(cfg: &Config) -> Vec<(u32, f64, f64, i32, bool)> {
        let mut m = Model::new(cfg, 9, 0);
        let mut out = Vec::new();
        for _ in 0..48 {
            let t = m.t;
            m.step();
            assert!(m.isos[0].alive, "ISO 0 closed at month {t}");
            let r = &m.rels[0][0];
            out.push((t, m.revenue[0][0], r.monthly, r.next_year, r.pending));
        }
        out
    }

    #[test]
    fn a_holdback_is_paid_after_the_years_final_report() {
        let rows = federal_payments(&quiet(120, 0.1));
        let monthly = rows[0].2;
        assert!(monthly > 0.0);
        // agreement years start where the next anniversary moves on; the first starts at 0
        let anniversaries: Vec<u32> = rows
            .windows(2)
            .filter(|w| w[1].3 != w[0].3)
            .map(|w| w[1].0)
            .collect();
        assert!(anniversaries.len() >= 3, "{anniversaries:?}");
        for &(t, paid, m, _, pending) in &rows {
            assert!(
                !pending && m == monthly,
                "no decision in the agreement's term"
            );
            // a tenth of every installment is held back; four months after an agreement year
            // ends, its holdback (a tenth of twelve installments) comes with the installment
            let released = anniversaries.contains(&t.wrapping_sub(4)) && t >= 4;
            let want = 0.9 * monthly + if released { 1.2 * monthly } else { 0.0 };
            assert!(
                (paid - want).abs() < 1e-6 * monthly,
                "month {t}: {paid} vs {want}"
            );
        }
    }

    #[test]
    fn years_inside_a_multi_year_agreement_have_no_decision_gap() {
        let mut cfg = quiet(36, 0.0);
        // the sector-wide calls of 36-month agreements fall 12 months after a multiple of 36
        // (the first April of the run): a warm-up of 84 months puts one at reported month 0,
        // so the 48 months observed hold two anniversaries and the next call (month 36)
        cfg.simulation.warmup_months = 84;
        cfg.funders[0].decision_delay_months = 1;
        cfg.funders[0].officer_decision_delay_months = 0.0;
        let rows = federal_payments(&cfg);
        let (mut anniversaries, mut pending_months) = (0, 0);
        for w in rows.windows(2) {
            let (t, paid, _, _, pending) = w[1];
            if pending {
                // only the call at the end of the 36 months puts the agreement to a decision
                pending_months += 1;
                assert_eq!(paid, 0.0, "month {t}");
            } else if w[1].3 != w[0].3 {
                // an anniversary inside the agreement: a budget year, paid as any month
                anniversaries += 1;
                assert!(paid > 0.0, "month {t}");
            }
        }
        assert!(anniversaries >= 2, "{anniversaries}");
        assert_eq!(
            pending_months, 1,
            "one call in 48 months, decided a month later"
        );
    }

    #[test]
    fn an_amending_cut_lowers_every_agreement_by_its_share() {
        let mut cfg = quiet(120, 0.0);
        cfg.funders[0].shock_amend_share = 1.0;
        cfg.funders[0].shock_protected_share = 0.25;
        cfg.simulation.isos = 30;
        let mut m = Model::new(&cfg, 9, 0);
        for _ in 0..3 {
            m.step();
        }
        let before: Vec<(bool, f64)> = m
            .rels
            .iter()
            .map(|r| (r[0].has_contract, r[0].monthly))
            .collect();
        let mut off = m.clone();
        let mut cfg_off = cfg.clone();
        cfg_off.funders[0].shock_amend_share = 0.0;
        off.reconfigure(std::sync::Arc::new(cfg_off));
        m.cut_budget(0, 0.88, true);
        off.cut_budget(0, 0.88, true);
        // a 12 % cut, all of it by amendment, a quarter of each agreement protected: 9 % off each
        let keep = 1.0 - 0.12 * 0.75;
        let (mut amended, mut ended, mut ended_off) = (0, 0, 0);
        for (i, &(had, monthly)) in before.iter().enumerate() {
            if !had || !m.isos[i].alive {
                continue;
            }
            let r = &m.rels[i][0];
            if r.has_contract {
                assert!(
                    (r.monthly - keep * monthly).abs() < 1e-9 * monthly,
                    "ISO {i}"
                );
                assert!(
                    m.isos[i].severance_due > 0.0,
                    "ISO {i} pays off the staff cut"
                );
                amended += 1;
            } else {
                ended += 1;
            }
            let r = &off.rels[i][0];
            if r.has_contract {
                // terminations only: the agreements that stay are untouched
                assert_eq!(r.monthly, monthly);
            } else {
                ended_off += 1;
            }
        }
        assert!(amended > 0);
        assert!(
            ended_off > 0,
            "the cut ends agreements when none is amended"
        );
        assert!(
            ended < ended_off,
            "{ended} ended with amendments, {ended_off} without"
        );
    }
}
