//! What is observed: the metric catalogue, per month and per replication.
//!
//! Dynamics live in [`crate::model`]; this module only names what is
//! measured and how a replication's months reduce to one summary value.
//! Every metric has one snake_case name used in every output file.

/// How a metric's monthly series reduces to the replication summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduce {
    /// Mean over months.
    Mean,
    /// Value in the last month.
    Last,
    /// Sum over months.
    Sum,
    /// Computed from run totals by the model (see the metric's description).
    Total,
}

/// One metric.
#[derive(Debug, Clone, Copy)]
pub struct MetricSpec {
    /// snake_case name, as in every output file
    pub name: &'static str,
    /// unit
    pub unit: &'static str,
    /// what it measures, per month and in the summary
    pub description: &'static str,
    /// summary rule
    pub reduce: Reduce,
}

macro_rules! metrics {
    ($( $id:ident : $name:literal, $unit:literal, $reduce:ident, $desc:literal; )*) => {
        /// Index of each metric in a record.
        #[allow(non_camel_case_types, missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        pub enum M { $( $id, )* }
        /// All metrics, in record order.
        pub const METRICS: &[MetricSpec] = &[ $( MetricSpec { name: $name, unit: $unit, description: $desc, reduce: Reduce::$reduce }, )* ];
    };
}

metrics! {
    SurvivalRate: "survival_rate", "share", Last, "ISOs operating / ISOs at month 0 (summary: at the end).";
    Closures: "closures", "organizations", Last, "Cumulative ISO closures (summary: total over the run).";
    ReserveMonthsMedian: "reserve_months_median", "months of cost", Mean, "Median over operating ISOs of cash / monthly cost (summary: mean over months).";
    StaffTurnoverAnnual: "staff_turnover_annual", "share per year", Total, "Separations (quits + layoffs) / staff, annualized (summary: all separations / mean staff / years).";
    QuitsAnnual: "quits_annual", "share per year", Mean, "Quits / staff, annualized.";
    LayoffsAnnual: "layoffs_annual", "share per year", Mean, "Layoffs / staff, annualized.";
    StaffExperienceMonthsMean: "staff_experience_months_mean", "months", Mean, "Staff-weighted mean experience of ISO staff.";
    ProductivityMean: "productivity_mean", "share", Mean, "Staff-weighted mean productivity from experience (service quality).";
    AdminShare: "admin_share", "share of staff hours", Total, "Administration (management, reporting, officer briefing, fundraising, proposals) / staff hours (summary: over all hours of the run).";
    ReportingShare: "reporting_share", "share of staff hours", Total, "Funder reporting alone / staff hours (summary: over all hours of the run).";
    ClientsServed: "clients_served", "client-months per month", Mean, "Clients counted (service hours / depth), the output funders see.";
    UnmetNeedShare: "unmet_need_share", "share", Total, "Need not met: 1 - hours served / new need in the month, floored at 0 (summary: 1 - served / (waiting at month 0 + need arisen) over the run).";
    IntegrationIndex: "integration_index", "index 0-1", Mean, "Long-term integration of the cohort leaving the followed window this month: 1 - exp(-(effective hours inside the eligibility window + weight x effective hours after it) per person / scale).";
    TrustMean: "trust_mean", "index 0-1", Mean, "Mean trust over funder-ISO relationships with a contract.";
    GovRevenueShare: "gov_revenue_share", "share", Total, "Government revenue / all ISO revenue (summary: over the run).";
    LargestFunderShare: "largest_funder_share", "share", Mean, "Mean over operating ISOs of the share of expected revenue (contracts and donations) from its largest source.";
    RevenueHhi: "revenue_hhi", "index 0-1", Mean, "Mean over operating ISOs of the Herfindahl index of revenue sources.";
    BrinkerhoffPartnership: "brinkerhoff_partnership_share", "share", Mean, "Relationships with high mutuality and high organization identity.";
    BrinkerhoffContracting: "brinkerhoff_contracting_share", "share", Mean, "Relationships with low mutuality and high organization identity.";
    BrinkerhoffExtension: "brinkerhoff_extension_share", "share", Mean, "Relationships with low mutuality and low organization identity.";
    BrinkerhoffCooptation: "brinkerhoff_cooptation_share", "share", Mean, "Relationships with high mutuality and low organization identity (co-optation / gradual absorption).";
    Arrivals: "arrivals", "persons per month", Mean, "Newcomers arriving.";
    WaitingNeedHours: "waiting_need_hours", "hours", Mean, "Need waiting for service at the end of the month.";
    ServiceHours: "service_hours", "hours per month", Mean, "Frontline service hours delivered, adjusted for productivity.";
    StaffTotal: "staff_total", "staff", Mean, "Staff employed by operating ISOs.";
    RevenueFederal: "revenue_federal", "CAD per month", Mean, "Payments received from the federal funder.";
    RevenueProvincial: "revenue_provincial", "CAD per month", Mean, "Payments received from the provincial funder.";
    RevenueMunicipal: "revenue_municipal", "CAD per month", Mean, "Payments received from the municipal funder.";
    RevenueFoundation: "revenue_foundation", "CAD per month", Mean, "Payments received from the philanthropic foundation.";
    RevenueDonations: "revenue_donations", "CAD per month", Mean, "Donations and fees raised by ISOs.";
    OfficerRotations: "officer_rotations", "rotations per month", Mean, "Program-officer changes on active files.";
    TrustResetLoss: "trust_reset_loss", "trust units per month", Mean, "Trust lost to officer rotation (sum over relationships).";
    LatePayments: "late_payments", "events per month", Mean, "Contract-years whose first payments came late.";
    DecisionDelayMonths: "decision_delay_months", "months", Total, "Mean delay of call decisions (renewals and first applications) announced this month, 0 when none (summary: mean over all decisions of the run).";
    MissedPayrollShare: "missed_payroll_share", "share", Mean, "Operating ISOs that could not meet payroll this month.";
    CallApprovalShare: "call_approval_share", "share", Total, "Approved / applicants at calls held this month, 0 when none; alternatives included (summary: over all calls of the run).";
    PartnershipsFormed: "partnerships_formed", "partnerships", Last, "Local partnerships formed since month 0, cumulative (summary: at the end).";
    PartnershipsAlive: "partnerships_alive", "partnerships", Mean, "Local partnerships operating at the end of the month.";
    PartnershipMembers: "partnership_members", "share of operating ISOs", Mean, "Operating ISOs that are members of a local partnership.";
    PartnershipAlignmentMean: "partnership_alignment_mean", "level 1-4", Mean, "Mean alignment of operating partnerships (1 consultative, 2 contributory, 3 operational, 4 collaborative); 0 when none.";
    PartnershipCohesionMean: "partnership_cohesion_mean", "index 0-1", Mean, "Mean cohesion of operating partnerships (how effectively they operate); 0 when none.";
    PartnershipAgeMonthsMean: "partnership_age_months_mean", "months", Mean, "Mean age of operating partnerships; 0 when none.";
    PartnershipMeetingShare: "partnership_meeting_share", "share of staff hours", Total, "Partnership meeting hours / staff hours of operating ISOs (summary: over all hours of the run).";
    ReferralHours: "referral_hours", "hours per month", Mean, "Need hours served by another member through partnership referrals (included in service_hours).";
    ReportingHoursSaved: "reporting_hours_saved", "hours per month", Mean, "Reporting hours members save through reporting coordinated within their partnership.";
    InterestCost: "interest_cost", "CAD per month", Mean, "Interest ISOs pay on overdrawn lines of credit (the cost of bridging late payments).";
    ProgramMoneyReturned: "program_money_returned", "CAD per month", Mean, "Program advances not matched by eligible costs, recovered by funders at their fiscal-year ends.";
    OtherProviderHours: "other_provider_hours", "hours per month", Mean, "Service hours delivered to the region's newcomers by other providers funded through awards to alternative applicants (not in service_hours).";
    FederalCostPerClient: "federal_cost_per_client", "CAD per client-month", Total, "The federal funder's payments to ISOs per client they counted, clients attributed by the funder's share of each ISO's contracted revenue (summary: over the run).";
    FederalOversightHours: "federal_oversight_hours", "hours per month", Mean, "Hours the federal funder's staff spend carrying files (more with micromanagement), reading formal reports and reviewing proposals.";
    FederalReallocatedShare: "federal_reallocated_per_year", "budgets per year", Total, "Money the federal funder put to a decision at calls and intakes, as a share of its budget (summary: per year; 1 = the whole budget re-decided every year).";
    FederalReports: "federal_reports", "reports per month", Mean, "Formal reports the federal funder receives from ISOs.";
    ProvincialCostPerClient: "provincial_cost_per_client", "CAD per client-month", Total, "The provincial funder's payments to ISOs per client they counted, clients attributed by the funder's share of each ISO's contracted revenue (summary: over the run).";
    ProvincialOversightHours: "provincial_oversight_hours", "hours per month", Mean, "Hours the provincial funder's staff spend carrying files (more with micromanagement), reading formal reports and reviewing proposals.";
    ProvincialReallocatedShare: "provincial_reallocated_per_year", "budgets per year", Total, "Money the provincial funder put to a decision at calls and intakes, as a share of its budget (summary: per year; 1 = the whole budget re-decided every year).";
    ProvincialReports: "provincial_reports", "reports per month", Mean, "Formal reports the provincial funder receives from ISOs.";
    MunicipalCostPerClient: "municipal_cost_per_client", "CAD per client-month", Total, "The municipal funder's payments to ISOs per client they counted, clients attributed by the funder's share of each ISO's contracted revenue (summary: over the run).";
    MunicipalOversightHours: "municipal_oversight_hours", "hours per month", Mean, "Hours the municipal funder's staff spend carrying files (more with micromanagement), reading formal reports and reviewing proposals.";
    MunicipalReallocatedShare: "municipal_reallocated_per_year", "budgets per year", Total, "Money the municipal funder put to a decision at calls and intakes, as a share of its budget (summary: per year; 1 = the whole budget re-decided every year).";
    MunicipalReports: "municipal_reports", "reports per month", Mean, "Formal reports the municipal funder receives from ISOs.";
    FoundationCostPerClient: "foundation_cost_per_client", "CAD per client-month", Total, "The foundation funder's payments to ISOs per client they counted, clients attributed by the funder's share of each ISO's contracted revenue (summary: over the run).";
    FoundationOversightHours: "foundation_oversight_hours", "hours per month", Mean, "Hours the foundation funder's staff spend carrying files (more with micromanagement), reading formal reports and reviewing proposals.";
    FoundationReallocatedShare: "foundation_reallocated_per_year", "budgets per year", Total, "Money the foundation funder put to a decision at calls and intakes, as a share of its budget (summary: per year; 1 = the whole budget re-decided every year).";
    FoundationReports: "foundation_reports", "reports per month", Mean, "Formal reports the foundation funder receives from ISOs.";
    ServiceDepthHours: "service_depth_hours", "hours per client-month", Mean, "Service hours per client counted: how deep the ISOs' service is (their chosen mix of the deep and shallow models).";
    FundraisingCostRatio: "fundraising_cost_ratio", "CAD per CAD raised", Total, "Fundraising cost (staff hours at full cost plus direct expense) per dollar of donations and fees raised (summary: over the run; CRA CG-013: under 0.35 unlikely to raise concern).";
}

/// Number of metrics in a record.
pub const N_METRICS: usize = METRICS.len();

/// The 16 metrics every replication summary must carry (the engine issue's list).
pub const REQUIRED: [&str; 16] = [
    "survival_rate",
    "closures",
    "reserve_months_median",
    "staff_turnover_annual",
    "staff_experience_months_mean",
    "admin_share",
    "clients_served",
    "unmet_need_share",
    "integration_index",
    "trust_mean",
    "gov_revenue_share",
    "largest_funder_share",
    "brinkerhoff_partnership_share",
    "brinkerhoff_contracting_share",
    "brinkerhoff_extension_share",
    "brinkerhoff_cooptation_share",
];

/// Index of a metric by name.
pub fn metric_index(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.name == name)
}

/// Whether a metric is a share bounded in [0, 1].
pub fn is_share(i: usize) -> bool {
    let n = METRICS[i].name;
    n.ends_with("_share")
        || n == "survival_rate"
        || n == "integration_index"
        || n == "trust_mean"
        || n == "revenue_hhi"
        || n == "productivity_mean"
}

/// One month of one replication.
pub type MonthRecord = [f64; N_METRICS];

/// Marker lines around the generated metric table in `docs/ODD.md` §4.12.
pub const ODD_METRIC_MARKERS: (&str, &str) = (
    "<!-- BEGIN METRIC TABLE (generated: partnersim metrics --format markdown) -->",
    "<!-- END METRIC TABLE -->",
);

/// The metric catalogue as Markdown (`metric | unit | summary | description`).
pub fn markdown_table() -> String {
    let mut s = String::from("| metric | unit | summary | description |\n|---|---|---|---|\n");
    for m in METRICS {
        let r = match m.reduce {
            Reduce::Mean => "mean over months",
            Reduce::Last => "last month",
            Reduce::Sum => "sum over months",
            Reduce::Total => "run totals",
        };
        s.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            m.name, m.unit, r, m.description
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn required_metrics_exist() {
        for r in REQUIRED {
            assert!(metric_index(r).is_some(), "{r}");
        }
        assert_eq!(
            METRICS[M::CallApprovalShare as usize].name,
            "call_approval_share"
        );
    }
}
