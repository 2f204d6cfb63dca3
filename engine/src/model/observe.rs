//! Observation: what is recorded of each reported month, and how a replication's months reduce
//! to its summary (ODD §4.12, §7.24). Reads the model's state and the month's facts; changes no
//! dynamics.

use super::{classify, ratio, Class, Model, ReplicationOutput, DAYS_PER_MONTH, NF, SOURCES};
use crate::metrics::{MonthRecord, Reduce, M, METRICS, N_METRICS};

/// Sums over the operating ISOs that the month's record is built from (ODD §7.24).
#[derive(Debug, Default)]
struct IsoSums {
    /// operating ISOs
    alive: usize,
    /// relationships with an agreement, by Brinkerhoff class
    classes: [f64; 4],
    /// relationships with an agreement, and the sum of their trust
    relationships: f64,
    trust: f64,
    /// sums of each ISO's largest funder share and of its revenue HHI
    largest: f64,
    hhi: f64,
    /// staff, and staff-weighted experience and productivity
    staff: f64,
    experience: f64,
    productivity: f64,
    /// clients counted; administrative, reporting and all staff hours
    clients: f64,
    admin_hours: f64,
    reporting_hours: f64,
    staff_hours: f64,
    /// revenue by source over every ISO (closed ones included: their last payments)
    revenue: [f64; SOURCES],
}

/// The terms each funder offers (§7.28), in funder order: contract months, core share,
/// reporting scale, late-payment practice.
const OFFERED_METRICS: [[M; 4]; NF] = [
    [
        M::FederalOfferedContractMonths,
        M::FederalOfferedCoreShare,
        M::FederalOfferedReportingScale,
        M::FederalOfferedLatePayment,
    ],
    [
        M::ProvincialOfferedContractMonths,
        M::ProvincialOfferedCoreShare,
        M::ProvincialOfferedReportingScale,
        M::ProvincialOfferedLatePayment,
    ],
    [
        M::MunicipalOfferedContractMonths,
        M::MunicipalOfferedCoreShare,
        M::MunicipalOfferedReportingScale,
        M::MunicipalOfferedLatePayment,
    ],
    [
        M::FoundationOfferedContractMonths,
        M::FoundationOfferedCoreShare,
        M::FoundationOfferedReportingScale,
        M::FoundationOfferedLatePayment,
    ],
];

/// Metrics each funder reports, in funder order: cost per client, oversight hours, share of
/// the budget re-decided, reports received.
const FUNDER_METRICS: [[M; 4]; NF] = [
    [
        M::FederalCostPerClient,
        M::FederalOversightHours,
        M::FederalReallocatedShare,
        M::FederalReports,
    ],
    [
        M::ProvincialCostPerClient,
        M::ProvincialOversightHours,
        M::ProvincialReallocatedShare,
        M::ProvincialReports,
    ],
    [
        M::MunicipalCostPerClient,
        M::MunicipalOversightHours,
        M::MunicipalReallocatedShare,
        M::MunicipalReports,
    ],
    [
        M::FoundationCostPerClient,
        M::FoundationOversightHours,
        M::FoundationReallocatedShare,
        M::FoundationReports,
    ],
];

impl Model<'_> {
    /// The month's record (step 10, ODD §7.24): the ISOs' side, the newcomers' side, the
    /// funders' side and the payments, then the partnerships; reported months add to the run
    /// totals.
    pub(super) fn observe(&mut self) -> MonthRecord {
        let mut rec: MonthRecord = [0.0; N_METRICS];
        let sums = self.sum_over_isos();
        self.record_isos(&mut rec, &sums);
        self.record_newcomers(&mut rec, &sums);
        self.record_funders(&mut rec, &sums);
        self.record_facts(&mut rec, &sums);
        if self.reporting() {
            self.add_facts_to_totals();
        }
        self.partnership_metrics(&mut rec);
        self.community_metrics(&mut rec);
        self.sector_metrics(&mut rec);
        self.dependence_metrics(&mut rec);
        self.check_invariants(&rec);
        rec
    }

    /// ODD §7.24 monthly metrics: the sums over operating ISOs (revenue over all of them), and
    /// each operating ISO's reserve in months of costs, left in `reserve_scratch`.
    fn sum_over_isos(&mut self) -> IsoSums {
        let threshold = self.cfg.brinkerhoff.threshold;
        let ic = &self.cfg.iso;
        let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        let mut s = IsoSums::default();
        self.reserve_scratch.clear();
        let per_iso = self
            .isos
            .iter()
            .zip(&self.work)
            .zip(&self.rels)
            .zip(&self.revenue);
        for (((iso, w), rels), revenue) in per_iso {
            for (sum, r) in s.revenue.iter_mut().zip(revenue.iter()) {
                *sum += r;
            }
            if !iso.alive {
                continue;
            }
            s.alive += 1;
            let mut largest = 0.0f64;
            let mut hhi = 0.0;
            for share in w.shares {
                largest = largest.max(share);
                hhi += share * share;
            }
            s.largest += largest;
            s.hhi += hhi;
            // relationships in force, and those of them with high mutuality
            let (mut in_force, mut mutual) = (0u32, 0u32);
            for r in rels.iter().filter(|r| r.has_contract) {
                mutual += u32::from(r.mutuality >= threshold);
                in_force += 1;
                s.trust += r.trust;
            }
            // Brinkerhoff classes: mutuality of each relationship, identity of the ISO
            s.classes[classify(f64::INFINITY, iso.identity, threshold) as usize] +=
                f64::from(mutual);
            s.classes[classify(f64::NEG_INFINITY, iso.identity, threshold) as usize] +=
                f64::from(in_force - mutual);
            s.relationships += f64::from(in_force);
            let sf = f64::from(w.staff);
            s.staff += sf;
            s.experience += sf * iso.experience;
            s.productivity += sf * w.productivity;
            s.clients += iso.clients_last;
            s.admin_hours += w.admin_hours;
            s.reporting_hours += w.reporting_hours;
            s.staff_hours += w.staff_hours;
            let cost = f64::from(iso.staff.max(1)) * cost_per_staff;
            self.reserve_scratch.push(iso.cash / cost);
        }
        s
    }

    /// ODD §7.24 monthly metrics of the ISOs: survival, reserves, staff, hours, trust, revenue
    /// mix and the Brinkerhoff classes.
    fn record_isos(&mut self, rec: &mut MonthRecord, s: &IsoSums) {
        let n0 = self.initial_isos.max(1) as f64;
        rec[M::SurvivalRate as usize] = s.alive as f64 / n0;
        rec[M::IsosReported as usize] = self.initial_isos as f64;
        rec[M::Closures as usize] = f64::from(self.closures);
        rec[M::ReserveMonthsMedian as usize] = median(&mut self.reserve_scratch);
        rec[M::ReservesUnder3MonthsShare as usize] = if self.reserve_scratch.is_empty() {
            0.0
        } else {
            let thin = self.reserve_scratch.iter().filter(|&&m| m < 3.0).count();
            thin as f64 / self.reserve_scratch.len() as f64
        };
        rec[M::StaffExperienceMonthsMean as usize] = ratio(s.experience, s.staff);
        rec[M::ProductivityMean as usize] = ratio(s.productivity, s.staff);
        rec[M::StaffTotal as usize] = s.staff;
        rec[M::AdminShare as usize] = ratio(s.admin_hours, s.staff_hours);
        rec[M::ReportingShare as usize] = ratio(s.reporting_hours, s.staff_hours);
        rec[M::TrustMean as usize] = ratio(s.trust, s.relationships);
        let revenue = &s.revenue;
        let total_rev: f64 = revenue.iter().sum();
        rec[M::GovRevenueShare as usize] = ratio(revenue[..3].iter().sum::<f64>(), total_rev);
        let an = s.alive.max(1) as f64;
        rec[M::LargestFunderShare as usize] = if s.alive > 0 { s.largest / an } else { 0.0 };
        rec[M::RevenueHhi as usize] = if s.alive > 0 { s.hhi / an } else { 0.0 };
        let rn = s.relationships.max(1.0);
        rec[M::BrinkerhoffPartnership as usize] = s.classes[Class::Partnership as usize] / rn;
        rec[M::BrinkerhoffContracting as usize] = s.classes[Class::Contracting as usize] / rn;
        rec[M::BrinkerhoffExtension as usize] = s.classes[Class::Extension as usize] / rn;
        rec[M::BrinkerhoffCooptation as usize] = s.classes[Class::Cooptation as usize] / rn;
        rec[M::RevenueFederal as usize] = revenue[0];
        rec[M::RevenueProvincial as usize] = revenue[1];
        rec[M::RevenueMunicipal as usize] = revenue[2];
        rec[M::RevenueFoundation as usize] = revenue[3];
        rec[M::RevenueDonations as usize] = revenue[4];
    }

    /// ODD §7.24 monthly metrics of the newcomers: need, service and clients reached.
    fn record_newcomers(&self, rec: &mut MonthRecord, s: &IsoSums) {
        rec[M::ClientsServed as usize] = s.clients;
        rec[M::ServiceDepthHours as usize] = ratio(self.facts.service_hours, s.clients);
        rec[M::IntegrationIndex as usize] = self.cohorts.integration_index();
        // one pass over the cohorts for the waiting need (`Cohorts::waiting` is the same sum)
        let waiting = self.cohorts.waiting_by_category();
        rec[M::WaitingNeedHours as usize] = waiting.iter().sum();
        let by_cat = self.cohorts.unique_clients_by_category();
        rec[M::UniqueClients as usize] = by_cat.iter().sum();
        rec[M::UniqueClientsEconomic as usize] = by_cat[0];
        rec[M::UniqueClientsFamily as usize] = by_cat[1];
        rec[M::UniqueClientsRefugee as usize] = by_cat[2];
        rec[M::WaitingNeedEconomic as usize] = waiting[0];
        rec[M::WaitingNeedFamily as usize] = waiting[1];
        rec[M::WaitingNeedRefugee as usize] = waiting[2];
    }

    /// ODD §7.24 monthly metrics of the funders: what they pay per client, the hours they
    /// spend, how much of their budget they re-decide, the reports they receive (with their run
    /// totals in reported months).
    /// The oversight hours, reports, money and clients are those the funders' ledgers recorded
    /// at the end of step 8 (§7.28: `funder_months`), so the metrics and the funders' choice of
    /// terms read the same numbers.
    fn record_funders(&mut self, rec: &mut MonthRecord, s: &IsoSums) {
        let reporting = self.reporting();
        let f = &self.facts;
        for fi in 0..NF {
            let month = f.funder_months[fi];
            let clients = month.clients;
            debug_assert_eq!(month.paid.to_bits(), s.revenue[fi].to_bits());
            let budget = self.funders[fi].budget;
            let [cpc, hours, realloc, reps] = FUNDER_METRICS[fi];
            rec[cpc as usize] = ratio(s.revenue[fi], clients);
            rec[hours as usize] = month.oversight_hours;
            rec[realloc as usize] = 12.0 * ratio(f.decided[fi], budget);
            rec[reps as usize] = month.reports;
            let offered = self.funders[fi].terms();
            let [months, core, scale, late] = OFFERED_METRICS[fi];
            rec[months as usize] = f64::from(offered.contract_months);
            rec[core as usize] = offered.core_share;
            rec[scale as usize] = offered.reporting_scale;
            rec[late as usize] = offered.late_payment_probability;
            if reporting {
                let tot = &mut self.totals;
                tot.cost_per_client[fi].num += s.revenue[fi];
                tot.cost_per_client[fi].den += clients;
                tot.reallocated[fi].num += f.decided[fi];
                tot.reallocated[fi].den += budget;
            }
        }
    }

    /// ODD §7.29 monthly metrics: each funder's unserved need and emergency spending.
    fn dependence_metrics(&self, rec: &mut MonthRecord) {
        const DEP: [(M, M); NF] = [
            (M::FederalUnservedHours, M::FederalEmergencySpend),
            (M::ProvincialUnservedHours, M::ProvincialEmergencySpend),
            (M::MunicipalUnservedHours, M::MunicipalEmergencySpend),
            (M::FoundationUnservedHours, M::FoundationEmergencySpend),
        ];
        for (f, (unserved, spend)) in DEP.into_iter().enumerate() {
            rec[unserved as usize] = self.funder_unserved(f);
            rec[spend as usize] = self.funder_emergency_spend(f);
        }
    }

    /// ODD §7.24 monthly metrics from what the month's steps handed over (arrivals, officers,
    /// calls, payments, service, finances and staff), and the government agreement years that
    /// started (§7.8).
    fn record_facts(&self, rec: &mut MonthRecord, s: &IsoSums) {
        let f = &self.facts;
        let staff = s.staff;
        rec[M::Arrivals as usize] = f.arrivals;
        rec[M::UnmetNeedShare as usize] = f.unmet_need;
        rec[M::ServiceHours as usize] = f.service_hours;
        rec[M::OtherProviderHours as usize] = f.other_hours;
        rec[M::StaffTurnoverAnnual as usize] = ratio(12.0 * f.separations, staff);
        rec[M::QuitsAnnual as usize] = ratio(12.0 * f.quits, staff);
        rec[M::LayoffsAnnual as usize] = ratio(12.0 * f.layoffs, staff);
        rec[M::MissedPayrollShare as usize] = f.missed;
        rec[M::InterestCost as usize] = f.interest;
        rec[M::ProgramMoneyReturned as usize] = f.returned;
        rec[M::FundraisingCostRatio as usize] = f.fundraising.value();
        rec[M::OfficerRotations as usize] = f.rotations;
        rec[M::TrustResetLoss as usize] = f.reset_loss;
        rec[M::LatePayments as usize] = f.late_events;
        rec[M::DecisionDelayMonths as usize] = f.delays.value();
        rec[M::CallApprovalShare as usize] = f.approvals.value();
        rec[M::RecommendationsOverturnedShare as usize] = f.overturned.value();
        rec[M::AuthorityDelayMonths as usize] = f.authority_delay.value();
        let (years, late, late_61_90) = self.government_agreement_years();
        rec[M::GovAgreementYears as usize] = years;
        rec[M::LatePaymentShare as usize] = ratio(late, years);
        rec[M::Late61To90DaysShare as usize] = ratio(late_61_90, late);
    }

    /// ODD §7.24 summary rules: a reported month's fundraising, decisions and approvals add to
    /// the run totals the summary's ratios are taken of.
    fn add_facts_to_totals(&mut self) {
        let f = &self.facts;
        let tot = &mut self.totals;
        tot.fundraising.add(f.fundraising);
        tot.delays.add(f.delays);
        tot.approvals.add(f.approvals);
        tot.overturned.add(f.overturned);
        tot.authority_delay.add(f.authority_delay);
    }

    /// Government agreement years (federal, provincial, municipal) that started this month, how
    /// many of them drew a late first payment (§7.8), and how many of those came more than 60
    /// and at most 90 days late. An agreement year starts with an agreement or renewal awarded
    /// at this month's call or intake (still pending or already announced), or on an
    /// anniversary of an agreement in force (step 5 moved its next anniversary a year on).
    /// Reads the state steps 4 and 5 left; changes nothing.
    fn government_agreement_years(&self) -> (f64, f64, f64) {
        const GOVERNMENTS: usize = 3;
        let t = self.t as i32;
        let (mut years, mut late, mut late_61_90) = (0.0, 0.0, 0.0);
        let per_iso = self
            .isos
            .iter()
            .zip(&self.rels)
            .zip(self.starting.iter().zip(&self.late_event));
        for ((iso, rels), (starting, late_event)) in per_iso {
            if !iso.alive {
                continue;
            }
            for f in 0..GOVERNMENTS {
                let r = &rels[f];
                let started = if starting[f] {
                    if r.pending {
                        r.award > 0.0
                    } else {
                        r.has_contract
                    }
                } else {
                    // the anniversary test first: it is the one that rarely holds
                    r.next_year == t + 12 && r.has_contract && !r.pending && r.period_start < t
                };
                if !started {
                    continue;
                }
                years += 1.0;
                if late_event[f] {
                    late += 1.0;
                    // a pending decision keeps its delay until it is announced; otherwise the
                    // payments are held until `release_at`
                    let days = if r.pending {
                        r.late_days
                    } else {
                        (r.release_at - f64::from(self.t)) * DAYS_PER_MONTH
                    };
                    if days > 60.0 && days <= 90.0 {
                        late_61_90 += 1.0;
                    }
                }
            }
        }
        (years, late, late_61_90)
    }

    /// Invariants checked every month in builds with debug assertions (tests).
    fn check_invariants(&self, rec: &MonthRecord) {
        if !cfg!(debug_assertions) {
            return;
        }
        for (k, v) in rec.iter().enumerate() {
            assert!(
                v.is_finite(),
                "metric {} not finite at month {}",
                METRICS[k].name,
                self.t
            );
            if crate::metrics::is_share(k) {
                assert!(
                    (-1e-9..=1.0 + 1e-9).contains(v),
                    "share {} = {v} at month {}",
                    METRICS[k].name,
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

    /// The replication summary: each metric's rule over the reported months (§7.24).
    pub(super) fn finish(self) -> ReplicationOutput {
        let months = self.months;
        let warmup_records = if self.cfg.simulation.record_warmup {
            self.warmup as usize
        } else {
            0
        };
        let reported = &months[warmup_records.min(months.len())..];
        let partnerships = self.partners.list;
        let mut summary: MonthRecord = [0.0; N_METRICS];
        let n = reported.len().max(1) as f64;
        for (k, spec) in METRICS.iter().enumerate() {
            summary[k] = match spec.reduce {
                Reduce::Mean => reported.iter().map(|r| r[k]).sum::<f64>() / n,
                Reduce::Last => reported.last().map_or(0.0, |r| r[k]),
                Reduce::Sum => reported.iter().map(|r| r[k]).sum::<f64>(),
                Reduce::Total => 0.0,
            };
        }
        let tot = &self.totals;
        let years = n / 12.0;
        let mean_staff = tot.turnover.den / n;
        summary[M::StaffTurnoverAnnual as usize] = if mean_staff > 0.0 {
            tot.turnover.num / mean_staff / years
        } else {
            0.0
        };
        summary[M::AdminShare as usize] = ratio(tot.admin_hours, tot.staff_hours);
        summary[M::ReportingShare as usize] = ratio(tot.reporting_hours, tot.staff_hours);
        summary[M::GovRevenueShare as usize] = tot.gov_revenue.value();
        summary[M::DecisionDelayMonths as usize] = tot.delays.value();
        summary[M::CallApprovalShare as usize] = tot.approvals.value();
        summary[M::RecommendationsOverturnedShare as usize] = tot.overturned.value();
        summary[M::AuthorityDelayMonths as usize] = tot.authority_delay.value();
        summary[M::FundraisingCostRatio as usize] = tot.fundraising.value();
        let funder_totals = [
            (M::FederalCostPerClient, M::FederalReallocatedShare),
            (M::ProvincialCostPerClient, M::ProvincialReallocatedShare),
            (M::MunicipalCostPerClient, M::MunicipalReallocatedShare),
            (M::FoundationCostPerClient, M::FoundationReallocatedShare),
        ];
        for (fi, (cpc, realloc)) in funder_totals.into_iter().enumerate() {
            summary[cpc as usize] = tot.cost_per_client[fi].value();
            // money decided per year over the budget of a year
            summary[realloc as usize] = 12.0 * tot.reallocated[fi].value();
        }
        summary[M::PartnershipMeetingShare as usize] = if tot.staff_hours > 0.0 {
            (self.partners.meeting_total / tot.staff_hours).min(1.0)
        } else {
            0.0
        };
        // late payment over the run: each month's shares weighted by its agreement years
        let (mut years, mut late, mut late_61_90) = (0.0, 0.0, 0.0);
        for r in reported {
            let (n, l) = (
                r[M::GovAgreementYears as usize],
                r[M::LatePaymentShare as usize],
            );
            years += n;
            late += l * n;
            late_61_90 += r[M::Late61To90DaysShare as usize] * l * n;
        }
        summary[M::LatePaymentShare as usize] = ratio(late, years);
        summary[M::Late61To90DaysShare as usize] = ratio(late_61_90, late);
        summary[M::UnmetNeedShare as usize] = if tot.service.den > 0.0 {
            (1.0 - tot.service.num / tot.service.den).clamp(0.0, 1.0)
        } else {
            0.0
        };
        ReplicationOutput {
            months,
            warmup_records,
            summary,
            partnerships,
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
