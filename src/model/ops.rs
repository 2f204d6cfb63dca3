//! ISO operations within a month: staffing, hours, service offer, finances,
//! closure, quits, trust, identity and the month's metrics.

use super::{
    classify, donations_per_staff, monthly_prob, ratio, rng, Class, Measure, Model, NF, SOURCES,
};
use crate::metrics::{MonthRecord, M};
use crate::model::newcomers::Offer;

/// One ISO's figures for the month, computed in [`Model::operations`] and used later in the month.
#[derive(Debug, Clone, Copy, Default)]
pub struct IsoMonth {
    /// staff hours
    pub staff_hours: f64,
    /// administrative work done (hours, capped at staff hours)
    pub admin_hours: f64,
    /// hours of administrative positions
    pub admin_capacity: f64,
    /// reporting work (hours)
    pub reporting_hours: f64,
    /// staff at work this month (after layoffs and hires)
    pub staff: u32,
    /// layoffs this month
    pub layoffs: u32,
    /// productivity from experience
    pub productivity: f64,
    /// contracted revenue per month (planning basis)
    pub contracted: f64,
    /// effectiveness of an hour at the chosen depth
    pub effectiveness: f64,
    /// shares of the revenue basis (contracted plus expected donations) by funder, then donations
    pub shares: [f64; SOURCES],
    /// the identity the ISO's revenue mix and service depth pull it towards
    pub identity_target: f64,
}

/// Per-funder terms of the monthly arithmetic that depend only on the configuration
/// (computed once per replication).
#[derive(Debug, Clone, Copy)]
pub(super) struct FunderTerm {
    /// fixed reporting hours per contract-month, after micromanagement: [alone, coordinated]
    fixed_reporting: [f64; 2],
    /// share of a contract that is program (restricted) money
    program_share: f64,
    /// micromanagement, capped at 1
    micromanagement: f64,
    /// trust built per month per unit of officer knowledge and remaining distrust
    trust_build: f64,
    /// trust eroded per month by micromanagement, per unit of trust
    trust_erosion: f64,
    /// the funder's alternatives (applicants outside the modelled ISOs)
    alternatives: f64,
    /// monthly probability that a file's program officer rotates (0 = never)
    pub(super) rotation_probability: f64,
}

pub(super) struct FunderTerms(pub(super) [FunderTerm; NF]);

impl FunderTerms {
    pub(super) fn new(cfg: &crate::model::Config) -> FunderTerms {
        FunderTerms(std::array::from_fn(|f| {
            let fc = &cfg.funders[f];
            let fixed =
                fc.reporting_hours_per_month + fc.reports_per_year * fc.report_prep_hours / 12.0;
            let saving = 1.0 - cfg.reporting.coordination_saving_share;
            FunderTerm {
                fixed_reporting: [
                    fixed * (1.0 + fc.micromanagement_share),
                    fixed * saving * (1.0 + fc.micromanagement_share),
                ],
                program_share: 1.0 - fc.core_share,
                micromanagement: fc.micromanagement_share.min(1.0),
                trust_build: cfg.trust.build_per_month * fc.contact_share,
                trust_erosion: cfg.trust.micromanagement_erosion_per_month
                    * fc.micromanagement_share.min(1.0),
                alternatives: f64::from(fc.alternatives),
                rotation_probability: if fc.officer_rotation_months > 0.0 {
                    1.0 / fc.officer_rotation_months.max(1.0)
                } else {
                    0.0
                },
            }
        }))
    }
}

/// `x.floor().max(1.0) as u32` without a call to `floor`: the saturating cast truncates, which is
/// the floor for non-negative `x`, and negative or NaN `x` give 0 before the `max`.
#[inline]
fn floor_at_least_one(x: f64) -> u32 {
    (x as u32).max(1)
}

impl Model<'_> {
    /// Step 6: donations basis, staffing (layoffs, hires), hours, administration and the service offer.
    pub(super) fn operations(&mut self) {
        let cfg = self.cfg;
        let ic = &cfg.iso;
        let sc = &cfg.service;
        let t = self.t;
        let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        let dps = donations_per_staff(cfg);
        let horizon = f64::from(ic.planning_horizon_months);
        let p_hire = if ic.hiring_lag_months <= 0.0 {
            1.0
        } else {
            (1.0 / ic.hiring_lag_months).min(1.0)
        };
        let q_deep = sc.deep_contact_hours / (sc.deep_contact_hours + sc.depth_half_hours);
        let span = sc.deep_contact_hours - sc.shallow_contact_hours;
        let k = &self.terms;
        // every per-ISO slice has length n: no bounds checks in the loop
        let n_isos = self.isos.len();
        let isos = &mut self.isos[..n_isos];
        let all_rels = &self.rels[..n_isos];
        let (offers, works) = (&mut self.offers[..n_isos], &mut self.work[..n_isos]);
        let (draws, proposals) = (&self.draws[..n_isos], &self.proposals[..n_isos]);
        let ps = &mut self.partners;
        let learning_factor = &ps.learning_factor[..n_isos];
        let coordinated_in = &ps.coordinated[..n_isos];
        let meetings = &ps.meeting[..n_isos];
        let reporting_saved = &mut ps.reporting_saved[..n_isos];
        for i in 0..n_isos {
            if !isos[i].alive {
                offers[i] = Offer::default();
                works[i] = IsoMonth::default();
                continue;
            }
            let rels = &all_rels[i];
            let (mut contracted, mut held_due) = (0.0, 0.0);
            for r in rels {
                if r.has_contract {
                    contracted += r.monthly;
                }
                if !r.pending && r.release_month <= t + ic.planning_horizon_months {
                    held_due += r.held;
                }
            }
            let iso = &mut isos[i];
            // Staffing. Lay off only as far as needed for projected cash to stay above the credit
            // line over the planning horizon; hire up to what contracted revenue plus a year's share
            // of cash above the reserve target pays for.
            let n0 = iso.staff;
            let cost_now = f64::from(n0) * cost_per_staff;
            let net_cost = (cost_per_staff - dps).max(0.05 * cost_per_staff);
            let available =
                iso.cash + held_due + ic.credit_line_months * cost_now + horizon * contracted;
            let max_staff = floor_at_least_one(available / (horizon * net_cost));
            let surplus = iso.cash + held_due - ic.reserve_target_months * cost_now;
            // Surplus cash is spent over a year, but never faster than a growth of
            // `surplus_spend_cap_share` of contracted revenue: reserves are not a salary budget.
            let spend = (surplus / 12.0).min(ic.surplus_spend_cap_share * contracted);
            let hire_to = floor_at_least_one((contracted + spend) / net_cost).min(max_staff);
            let (mut layoffs, mut hires) = (0, 0);
            if n0 > max_staff {
                layoffs = n0 - max_staff;
            } else if n0 < hire_to {
                hires = rng::binomial_inv(hire_to - n0, p_hire, draws[i].hire);
            }
            let stay = n0 - layoffs;
            let n = stay + hires;
            if n > 0 {
                iso.experience = iso.experience * f64::from(stay) / f64::from(n);
            }
            iso.staff = n;
            let nf = f64::from(n);
            let staff_hours = nf * ic.hours_per_staff_month;
            let admin_pos = (ic.admin_staff_share * nf).round();
            let admin_cap = admin_pos * ic.hours_per_staff_month;
            let front_cap = staff_hours - admin_cap;
            // shared professional development in a partnership shortens the learning time constant
            let learning_months = ic.learning_months * learning_factor[i];
            let productivity = ic.novice_productivity_share
                + (1.0 - ic.novice_productivity_share)
                    * (1.0 - (-iso.experience / learning_months).exp());

            // One pass over the contracts: administration (reporting and briefing per contract)
            // and the revenue mix that sets the service mode.
            // Coordinated reporting: region-wide, or among members of a partnership.
            let in_partnership = coordinated_in[i];
            let coordinated = usize::from(cfg.reporting.coordinated || in_partnership);
            let donations_expected = dps * nf;
            let basis = contracted + donations_expected;
            let (mut reporting, mut explanation) = (0.0, 0.0);
            let (mut restricted, mut output, mut pressure) = (0.0, 0.0, 0.0);
            let mut shares = [0.0f64; SOURCES];
            for (f, r) in rels.iter().enumerate() {
                if !r.has_contract {
                    continue;
                }
                let (fc, kf) = (&cfg.funders[f], &k.0[f]);
                let mut h = kf.fixed_reporting[coordinated];
                if in_partnership && !cfg.reporting.coordinated {
                    reporting_saved[i] += kf.fixed_reporting[0] - h;
                }
                h += match fc.measure {
                    Measure::Output => {
                        fc.reporting_per_client_hours
                            * iso.clients_last
                            * ratio(r.monthly, contracted)
                    }
                    Measure::Outcome => fc.outcome_measurement_hours_per_month,
                };
                reporting += h;
                explanation += fc.explanation_hours_per_month * (1.0 - r.knowledge);
                if basis > 0.0 {
                    let d = r.monthly / basis;
                    shares[f] = d;
                    let program = d * kf.program_share;
                    if fc.eligibility_restricted {
                        restricted += program;
                    }
                    pressure += program * kf.micromanagement;
                    if fc.measure == Measure::Output {
                        output += d;
                    }
                }
            }
            shares[SOURCES - 1] = ratio(donations_expected, basis);
            let fundraising = ic.diversification_effort_share * staff_hours;
            let management = ic.management_hours_per_staff_month * nf;
            let meeting = meetings[i];
            let work = reporting + explanation + fundraising + management + proposals[i] + meeting;
            let overflow = (work - admin_cap).max(0.0);
            let front = (front_cap - overflow).max(0.0);

            // Service mode: restricted share and depth from the revenue mix.
            iso.depth = sc.deep_contact_hours - span * output * (1.0 - ic.mission_weight);
            let effectiveness = (iso.depth / (iso.depth + sc.depth_half_hours)) / q_deep;
            // Identity is pulled towards 1 - pressure from restricted, micromanaged money and from
            // drift of service depth away from the mission.
            let drift = if span > 0.0 {
                ((sc.deep_contact_hours - iso.depth) / span).clamp(0.0, 1.0)
            } else {
                0.0
            };
            offers[i] = Offer {
                hours: front * productivity,
                restricted_share: restricted.clamp(0.0, 1.0),
                holistic_share: ic.holistic_share,
                catchment: iso.catchment,
                effectiveness: effectiveness.clamp(0.0, 1.0),
            };
            works[i] = IsoMonth {
                staff_hours,
                admin_hours: work.min(staff_hours),
                admin_capacity: admin_cap,
                reporting_hours: reporting.min(staff_hours),
                staff: n,
                layoffs,
                productivity,
                contracted,
                effectiveness,
                shares,
                identity_target: (1.0 - pressure - 0.5 * drift).clamp(0.0, 1.0),
            };
        }
    }

    /// Step 8: revenue and costs, program-money clawback, payroll and closure, quits and experience.
    /// Returns (separations, ISOs that missed payroll).
    pub(super) fn finances_and_staff(&mut self) -> (f64, f64) {
        let cfg = self.cfg;
        let ic = &cfg.iso;
        let t = self.t;
        let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        let dps = donations_per_staff(cfg);
        let base_quit = monthly_prob(ic.quit_rate_per_year);
        let fiscal_year_end = t % 12 == 11;
        let mut separations = 0.0;
        let mut missed_n = 0.0;
        let operating_at_start = self.isos.iter().filter(|x| x.alive).count();
        let (mut quits_n, mut layoffs_n) = (0.0, 0.0);
        let mut closed_catchment = 0.0;
        // every per-ISO slice has length n: no bounds checks in the loop
        let n_isos = self.isos.len();
        let isos = &mut self.isos[..n_isos];
        let all_rels = &mut self.rels[..n_isos];
        let (works, draws, served_hours) = (
            &self.work[..n_isos],
            &self.draws[..n_isos],
            &self.served[..n_isos],
        );
        let (revenues, ledger) = (&mut self.revenue[..n_isos], &mut self.ledger[..n_isos]);
        for i in 0..n_isos {
            if !isos[i].alive {
                continue;
            }
            let w = works[i];
            let d = &draws[i];
            let served = served_hours[i];
            // Donations and fees.
            // uniform noise with standard deviation DONATION_NOISE_SD
            let z = (d.donations - 0.5) * 12f64.sqrt();
            let donations =
                dps * f64::from(w.staff) * (1.0 + super::DONATION_NOISE_SD * z).max(0.0);
            revenues[i][SOURCES - 1] = donations;
            let revenue: f64 = revenues[i].iter().sum();
            let cost = f64::from(w.staff) * cost_per_staff;
            // Program money: unspent restricted funds are returned at fiscal-year end.
            // Insecurity: share of contracted revenue whose renewal is near and undecided.
            let (mut inflow, mut rw, mut rsum) = (0.0, 0.0, 0.0);
            let mut insecurity = 0.0;
            for (f, r) in all_rels[i].iter().enumerate() {
                let fc = &cfg.funders[f];
                let program_share = 1.0 - fc.core_share;
                inflow += program_share * revenues[i][f];
                if r.has_contract {
                    let m = program_share * r.monthly;
                    rw += m * fc.indirect_rate_share;
                    rsum += m;
                    if w.contracted > 0.0 {
                        let end = r.period_start + fc.contract_months;
                        let near = end.saturating_sub(t) <= ic.insecurity_horizon_months;
                        if r.pending || near {
                            insecurity += r.monthly / w.contracted;
                        }
                    }
                }
            }
            let indirect = ratio(rw, rsum);
            let iso = &mut isos[i];
            iso.restricted_balance += inflow;
            let allowance = f64::from(w.staff) * ic.wage_per_staff_month * (1.0 + indirect);
            iso.restricted_balance -= iso.restricted_balance.min(allowance);
            let mut clawback = 0.0;
            if fiscal_year_end {
                clawback = iso.restricted_balance.max(0.0);
                iso.restricted_balance = 0.0;
            }
            iso.cash += revenue - cost - clawback;
            let l = &mut ledger[i];
            l.1 += revenue;
            l.2 += cost + clawback;
            debug_assert!(
                (l.0 + l.1 - l.2 - iso.cash).abs() <= 1e-6 * (1.0 + l.0.abs() + l.1 + l.2),
                "cash ledger broken for ISO {i} at month {t}"
            );
            // Payroll and closure.
            let missed = iso.cash < -ic.credit_line_months * cost;
            if missed {
                iso.missed_months += 1;
                missed_n += 1.0;
            } else {
                iso.missed_months = 0;
            }
            let mut p = (base_quit * (1.0 + ic.insecurity_quit_multiplier * insecurity)).min(1.0);
            if missed {
                p = 1.0 - (1.0 - p) * (1.0 - ic.missed_payroll_quit_share);
            }
            let quits = rng::binomial_inv(iso.staff, p, d.quit);
            iso.staff -= quits;
            iso.experience = if iso.staff > 0 {
                iso.experience + 1.0
            } else {
                0.0
            };
            separations += f64::from(quits + w.layoffs);
            quits_n += f64::from(quits);
            layoffs_n += f64::from(w.layoffs);
            // Performance record seen by funders.
            let clients = ratio(served, iso.depth);
            // The record starts at the first month's values, then is smoothed.
            let a = if t == 0 { 1.0 } else { super::PERF_SMOOTHING };
            iso.clients_ema += a * (clients - iso.clients_ema);
            iso.effective_ema += a * (served * w.effectiveness - iso.effective_ema);
            iso.cost_ema += a * (cost - iso.cost_ema);
            iso.clients_last = clients;
            iso.donations = donations;
            let tot = &mut self.totals;
            tot.staff_months += f64::from(w.staff);
            tot.staff_hours += w.staff_hours;
            tot.admin_hours += w.admin_hours;
            tot.reporting_hours += w.reporting_hours;
            tot.gov_revenue += revenues[i][..3].iter().sum::<f64>();
            tot.revenue += revenue;
            tot.separations += f64::from(quits + w.layoffs);
            if iso.missed_months > ic.insolvency_grace_months {
                // Staff of a closed ISO leave with it; that is closure, not turnover.
                iso.alive = false;
                iso.staff = 0;
                closed_catchment += iso.catchment;
                iso.catchment = 0.0;
                self.closures += 1;
                for f in 0..NF {
                    let r = &mut all_rels[i][f];
                    r.has_contract = false;
                    r.pending = false;
                    r.monthly = 0.0;
                    r.held = 0.0;
                }
            }
        }
        if closed_catchment > 0.0 {
            // Newcomers of a closed ISO go to the survivors, in proportion to their catchments.
            let alive: f64 = self
                .isos
                .iter()
                .filter(|x| x.alive)
                .map(|x| x.catchment)
                .sum();
            if alive > 0.0 {
                for iso in self.isos.iter_mut().filter(|x| x.alive) {
                    iso.catchment += closed_catchment * iso.catchment / alive;
                }
            }
        }
        self.quits_layoffs = (quits_n, layoffs_n);
        let missed_share = if operating_at_start > 0 {
            missed_n / operating_at_start as f64
        } else {
            0.0
        };
        (separations, missed_share)
    }

    /// Step 9 and 10: trust, identity, Brinkerhoff classes and the month's metrics.
    pub(super) fn relationships_and_metrics(
        &mut self,
        rec: &mut MonthRecord,
        separations: f64,
        missed: f64,
    ) {
        let cfg = self.cfg;
        let tc = &cfg.trust;
        let alive_n = self.isos.iter().filter(|x| x.alive).count();
        let mut classes = [0.0f64; 4];
        let (mut trust_sum, mut rel_n) = (0.0, 0.0);
        let (mut largest_sum, mut hhi_sum) = (0.0, 0.0);
        let (mut staff, mut exp_w, mut prod_w) = (0.0, 0.0, 0.0);
        let (mut clients, mut admin_h, mut rep_h, mut hours) = (0.0, 0.0, 0.0, 0.0);
        let mut revenue = [0.0f64; SOURCES];
        self.reserve_scratch.clear();
        let cost_per_staff = cfg.iso.wage_per_staff_month * (1.0 + cfg.iso.nonstaff_overhead_share);
        let late_keep = 1.0 - tc.late_payment_erosion_share;
        let threshold = cfg.brinkerhoff.threshold;
        let k = &self.terms;
        // every per-ISO slice has length n: no bounds checks in the loop
        let n_isos = self.isos.len();
        let isos = &mut self.isos[..n_isos];
        let all_rels = &mut self.rels[..n_isos];
        let (works, revenues) = (&self.work[..n_isos], &self.revenue[..n_isos]);
        let late_events = &self.late_event[..n_isos];
        for i in 0..n_isos {
            for (s, r) in revenue.iter_mut().zip(revenues[i].iter()) {
                *s += r;
            }
            if !isos[i].alive {
                continue;
            }
            let w = works[i];
            let iso = &mut isos[i];
            iso.identity +=
                cfg.brinkerhoff.identity_adjust_per_month * (w.identity_target - iso.identity);
            let identity = iso.identity;
            let mut largest = 0.0f64;
            let mut hhi = 0.0;
            for s in w.shares {
                largest = largest.max(s);
                hhi += s * s;
            }
            largest_sum += largest;
            hhi_sum += hhi;
            // relationships in force, and those of them with high mutuality
            let (mut in_force, mut mutual) = (0u32, 0u32);
            for (f, r) in all_rels[i].iter_mut().enumerate() {
                if !r.has_contract {
                    continue;
                }
                let kf = &k.0[f];
                if late_events[i][f] {
                    r.trust *= late_keep;
                }
                r.trust += kf.trust_build * r.knowledge * (1.0 - r.trust);
                r.trust -= kf.trust_erosion * r.trust;
                r.trust = r.trust.clamp(0.0, 1.0);
                let asym = w.shares[f] * kf.alternatives / (kf.alternatives + alive_n as f64);
                r.mutuality = r.trust * (1.0 - asym);
                mutual += u32::from(r.mutuality >= threshold);
                in_force += 1;
                trust_sum += r.trust;
            }
            // Brinkerhoff classes: mutuality of each relationship, identity of the ISO
            // (counted, not added one by one: no chain of dependent stores)
            classes[classify(f64::INFINITY, identity, threshold) as usize] += f64::from(mutual);
            classes[classify(f64::NEG_INFINITY, identity, threshold) as usize] +=
                f64::from(in_force - mutual);
            rel_n += f64::from(in_force);
            let sf = f64::from(w.staff);
            staff += sf;
            exp_w += sf * iso.experience;
            prod_w += sf * w.productivity;
            clients += iso.clients_last;
            admin_h += w.admin_hours;
            rep_h += w.reporting_hours;
            hours += w.staff_hours;
            let cost = f64::from(iso.staff.max(1)) * cost_per_staff;
            self.reserve_scratch.push(iso.cash / cost);
        }
        let n0 = self.initial_isos.max(1) as f64;
        rec[M::SurvivalRate as usize] = alive_n as f64 / n0;
        rec[M::Closures as usize] = f64::from(self.closures);
        rec[M::ReserveMonthsMedian as usize] = median(&mut self.reserve_scratch);
        rec[M::StaffTurnoverAnnual as usize] = ratio(12.0 * separations, staff);
        rec[M::QuitsAnnual as usize] = ratio(12.0 * self.quits_layoffs.0, staff);
        rec[M::LayoffsAnnual as usize] = ratio(12.0 * self.quits_layoffs.1, staff);
        rec[M::StaffExperienceMonthsMean as usize] = ratio(exp_w, staff);
        rec[M::ProductivityMean as usize] = ratio(prod_w, staff);
        rec[M::AdminShare as usize] = ratio(admin_h, hours);
        rec[M::ReportingShare as usize] = ratio(rep_h, hours);
        rec[M::ClientsServed as usize] = clients;
        rec[M::IntegrationIndex as usize] = self.cohorts.integration_index(&cfg.newcomers);
        rec[M::TrustMean as usize] = ratio(trust_sum, rel_n);
        let total_rev: f64 = revenue.iter().sum();
        rec[M::GovRevenueShare as usize] = ratio(revenue[..3].iter().sum::<f64>(), total_rev);
        let an = alive_n.max(1) as f64;
        rec[M::LargestFunderShare as usize] = if alive_n > 0 { largest_sum / an } else { 0.0 };
        rec[M::RevenueHhi as usize] = if alive_n > 0 { hhi_sum / an } else { 0.0 };
        let rn = rel_n.max(1.0);
        rec[M::BrinkerhoffPartnership as usize] = classes[Class::Partnership as usize] / rn;
        rec[M::BrinkerhoffContracting as usize] = classes[Class::Contracting as usize] / rn;
        rec[M::BrinkerhoffExtension as usize] = classes[Class::Extension as usize] / rn;
        rec[M::BrinkerhoffCooptation as usize] = classes[Class::Cooptation as usize] / rn;
        rec[M::WaitingNeedHours as usize] = self.cohorts.waiting();
        rec[M::StaffTotal as usize] = staff;
        rec[M::RevenueFederal as usize] = revenue[0];
        rec[M::RevenueProvincial as usize] = revenue[1];
        rec[M::RevenueMunicipal as usize] = revenue[2];
        rec[M::RevenueFoundation as usize] = revenue[3];
        rec[M::RevenueDonations as usize] = revenue[4];
        rec[M::MissedPayrollShare as usize] = missed;
    }

    /// Invariants checked every month in builds with debug assertions (tests).
    pub(super) fn check_invariants(&self, rec: &MonthRecord) {
        if !cfg!(debug_assertions) {
            return;
        }
        for (k, v) in rec.iter().enumerate() {
            assert!(
                v.is_finite(),
                "metric {} not finite at month {}",
                crate::metrics::METRICS[k].name,
                self.t
            );
            if crate::metrics::is_share(k) {
                assert!(
                    (-1e-9..=1.0 + 1e-9).contains(v),
                    "share {} = {v} at month {}",
                    crate::metrics::METRICS[k].name,
                    self.t
                );
            }
        }
        let c = &self.cohorts;
        let followed = c.persons();
        assert!(
            (c.persons_in - c.persons_out - followed).abs() <= 1e-6 * (1.0 + c.persons_in),
            "newcomers not conserved"
        );
        let need_balance = c.need_total - c.served_total - c.abandoned_total - c.waiting();
        assert!(
            need_balance.abs() <= 1e-6 * (1.0 + c.need_total),
            "need hours not conserved: {need_balance}"
        );
        for iso in &self.isos {
            assert!(iso.cash.is_finite() && iso.identity.is_finite());
        }
    }
}

/// Median of a slice (reorders it); 0 for an empty slice.
fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let n = v.len();
    let mid = n / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b));
    let upper = *m;
    if n % 2 == 1 {
        upper
    } else {
        let lower = v[..mid].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lower + upper)
    }
}
