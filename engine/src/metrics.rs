//! What is observed: the metric catalogue, per month and per replication.
//!
//! Dynamics live in [`crate::model`]; this module only names what is
//! measured and how a replication's months reduce to one summary value.
//! Every metric has one snake_case name used in every output file, and what a
//! reader needs: a human label, which direction is better, how its values and
//! differences are said in a sentence, and whether it leads a report. Reports,
//! plots and the classroom page take all of these from this one table.

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

/// Which direction of a metric is better for the organizations and the newcomers they serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// more is better
    Higher,
    /// less is better
    Lower,
    /// no direction is better in itself (a description, a mechanism, a cost with benefits)
    Neither,
}

/// How a value and a difference of a metric are said in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Say {
    /// A share of the ISOs at month 0: said as "N of 40 ISOs" when the number of ISOs is known
    /// (and in percentage points otherwise).
    IsoShare,
    /// A share: levels in percent, differences in percentage points.
    Points,
    /// A quantity in its unit: differences in the unit and in percent of the baseline.
    Amount,
    /// An index: levels and differences as plain numbers.
    Index,
}

/// Whether a metric leads a report (its answer and headline forest plot) or is a detail (plots
/// and full tables only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// among the outcomes a report answers with first
    Headline,
    /// in the full tables
    Detail,
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
    /// human label, sentence case, as a reader sees it ("ISOs still operating")
    pub label: &'static str,
    /// which direction is better
    pub better: Better,
    /// how its values and differences are said
    pub say: Say,
    /// headline or detail
    pub tier: Tier,
}

impl MetricSpec {
    /// The label as it reads inside a sentence: the first letter in lower case unless the
    /// first word is an acronym ("clients served", but "ISOs still operating").
    pub fn label_in_sentence(&self) -> String {
        let mut c = self.label.chars();
        match (c.next(), c.next()) {
            (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => a
                .to_lowercase()
                .chain(self.label[a.len_utf8()..].chars())
                .collect(),
            _ => self.label.to_string(),
        }
    }

    /// "higher is better", "lower is better" or "neither direction is better".
    pub fn better_text(&self) -> &'static str {
        match self.better {
            Better::Higher => "higher is better",
            Better::Lower => "lower is better",
            Better::Neither => "neither direction is better",
        }
    }
}

/// The metric catalogue. One row per metric, in record order:
///
/// `Id: "name", "unit", Reduce, "description" => "Label", Better, Say, Tier;`
///
/// New metrics go at the end; every field is required, so a row without a label, a direction
/// or a way to say it does not compile.
macro_rules! metrics {
    ($( $id:ident : $name:literal, $unit:literal, $reduce:ident, $desc:literal
        => $label:literal, $better:ident, $say:ident, $tier:ident; )*) => {
        /// Index of each metric in a record.
        #[allow(non_camel_case_types, missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        pub enum M { $( $id, )* }
        /// All metrics, in record order.
        pub const METRICS: &[MetricSpec] = &[ $( MetricSpec {
            name: $name,
            unit: $unit,
            description: $desc,
            reduce: Reduce::$reduce,
            label: $label,
            better: Better::$better,
            say: Say::$say,
            tier: Tier::$tier,
        }, )* ];
    };
}

metrics! {
    SurvivalRate: "survival_rate", "share", Last, "ISOs operating / ISOs operating at the first reported month, after the warm-up (summary: at the end)."
        => "ISOs still operating", Higher, IsoShare, Headline;
    Closures: "closures", "organizations", Last, "ISO closures since the first reported month, cumulative (summary: total over the reported run)."
        => "ISO closures", Lower, Amount, Detail;
    ReserveMonthsMedian: "reserve_months_median", "months of cost", Mean, "Median over operating ISOs of cash / monthly cost (summary: mean over months)."
        => "Cash reserves of the median ISO", Higher, Amount, Detail;
    StaffTurnoverAnnual: "staff_turnover_annual", "share per year", Total, "Separations (quits + layoffs) / staff, annualized (summary: all separations / mean staff / years)."
        => "Staff turnover", Lower, Points, Headline;
    QuitsAnnual: "quits_annual", "share per year", Mean, "Quits / staff, annualized."
        => "Staff quits", Lower, Points, Detail;
    LayoffsAnnual: "layoffs_annual", "share per year", Mean, "Layoffs / staff, annualized."
        => "Layoffs", Lower, Points, Detail;
    StaffExperienceMonthsMean: "staff_experience_months_mean", "months", Mean, "Staff-weighted mean experience of ISO staff."
        => "Staff experience", Higher, Amount, Detail;
    ProductivityMean: "productivity_mean", "share", Mean, "Staff-weighted mean productivity from experience (service quality)."
        => "Staff productivity (service quality)", Higher, Points, Detail;
    AdminShare: "admin_share", "share of staff hours", Total, "Administration (management, reporting, officer briefing, fundraising, proposals) / staff hours (summary: over all hours of the run)."
        => "Staff time on administration", Lower, Points, Detail;
    ReportingShare: "reporting_share", "share of staff hours", Total, "Funder reporting alone / staff hours (summary: over all hours of the run)."
        => "Staff time on funder reporting", Lower, Points, Detail;
    ClientsServed: "clients_served", "client-months per month", Mean, "Client-months counted (service hours / depth), the output funders see: deeper service counts fewer client-months for the same hours, so this measures contacts, not people (see unique_clients)."
        => "Client contacts counted", Higher, Amount, Detail;
    UnmetNeedShare: "unmet_need_share", "share", Total, "Need not met: 1 - hours served / new need in the month, floored at 0 (summary: 1 - served / (waiting at month 0 + need arisen) over the run)."
        => "Newcomer need left unmet", Lower, Points, Headline;
    IntegrationIndex: "integration_index", "index 0-1", Mean, "Long-term integration of the cohort leaving the followed window this month: 1 - exp(-(effective hours inside the eligibility window + weight x effective hours after it) per person / scale)."
        => "Newcomers' long-term integration", Higher, Index, Headline;
    TrustMean: "trust_mean", "index 0-1", Mean, "Mean trust over funder-ISO relationships with a contract."
        => "Trust between funders and ISOs", Higher, Index, Detail;
    GovRevenueShare: "gov_revenue_share", "share", Total, "Government revenue / all ISO revenue (summary: over the run)."
        => "Revenue from government", Neither, Points, Detail;
    LargestFunderShare: "largest_funder_share", "share", Mean, "Mean over operating ISOs of the share of expected revenue (contracts and donations) from its largest source."
        => "Dependence on the largest funder", Lower, Points, Detail;
    RevenueHhi: "revenue_hhi", "index 0-1", Mean, "Mean over operating ISOs of the Herfindahl index of revenue sources."
        => "Concentration of revenue sources", Lower, Index, Detail;
    BrinkerhoffPartnership: "brinkerhoff_partnership_share", "share", Mean, "Relationships with high mutuality and high organization identity."
        => "Relationships that are partnerships", Higher, Points, Detail;
    BrinkerhoffContracting: "brinkerhoff_contracting_share", "share", Mean, "Relationships with low mutuality and high organization identity."
        => "Relationships that are contracting", Neither, Points, Detail;
    BrinkerhoffExtension: "brinkerhoff_extension_share", "share", Mean, "Relationships with low mutuality and low organization identity."
        => "Relationships that are extension", Lower, Points, Detail;
    BrinkerhoffCooptation: "brinkerhoff_cooptation_share", "share", Mean, "Relationships with high mutuality and low organization identity (co-optation / gradual absorption)."
        => "Relationships that are co-optation", Lower, Points, Detail;
    Arrivals: "arrivals", "persons per month", Mean, "Newcomers arriving."
        => "Newcomers arriving", Neither, Amount, Detail;
    WaitingNeedHours: "waiting_need_hours", "hours", Mean, "Need waiting for service at the end of the month."
        => "Need waiting for service", Lower, Amount, Detail;
    ServiceHours: "service_hours", "hours per month", Mean, "Frontline service hours delivered, adjusted for productivity."
        => "Service hours delivered", Higher, Amount, Detail;
    StaffTotal: "staff_total", "staff", Mean, "Staff employed by operating ISOs."
        => "Staff employed", Neither, Amount, Detail;
    RevenueFederal: "revenue_federal", "CAD per month", Mean, "Payments received from the federal funder."
        => "Federal payments", Neither, Amount, Detail;
    RevenueProvincial: "revenue_provincial", "CAD per month", Mean, "Payments received from the provincial funder."
        => "Provincial payments", Neither, Amount, Detail;
    RevenueMunicipal: "revenue_municipal", "CAD per month", Mean, "Payments received from the municipal funder."
        => "Municipal payments", Neither, Amount, Detail;
    RevenueFoundation: "revenue_foundation", "CAD per month", Mean, "Payments received from the philanthropic foundation."
        => "Foundation payments", Neither, Amount, Detail;
    RevenueDonations: "revenue_donations", "CAD per month", Mean, "Donations and fees raised by ISOs."
        => "Donations and fees", Neither, Amount, Detail;
    OfficerRotations: "officer_rotations", "rotations per month", Mean, "Program-officer changes on active files."
        => "Program-officer changes", Neither, Amount, Detail;
    TrustResetLoss: "trust_reset_loss", "trust units per month", Mean, "Trust lost to officer rotation (sum over relationships)."
        => "Trust lost to officer changes", Lower, Amount, Detail;
    LatePayments: "late_payments", "events per month", Mean, "Contract-years whose first payments came late."
        => "Late payments", Lower, Amount, Detail;
    DecisionDelayMonths: "decision_delay_months", "months", Total, "Mean delay of call decisions (renewals and first applications) announced this month, 0 when none (summary: mean over all decisions of the run)."
        => "Delay of funding decisions", Lower, Amount, Detail;
    MissedPayrollShare: "missed_payroll_share", "share", Mean, "Operating ISOs that could not meet payroll this month."
        => "ISOs missing payroll", Lower, Points, Detail;
    CallApprovalShare: "call_approval_share", "share", Total, "Approved / applicants at calls held this month, 0 when none; alternatives included (summary: over all calls of the run)."
        => "Applications approved at calls", Neither, Points, Detail;
    PartnershipsFormed: "partnerships_formed", "partnerships", Last, "Local partnerships formed since month 0, cumulative (summary: at the end)."
        => "Local partnerships formed", Neither, Amount, Detail;
    PartnershipsAlive: "partnerships_alive", "partnerships", Mean, "Local partnerships operating at the end of the month."
        => "Local partnerships operating", Neither, Amount, Detail;
    PartnershipMembers: "partnership_members", "share of operating ISOs", Mean, "Operating ISOs that are members of a local partnership."
        => "ISOs in a local partnership", Neither, Points, Detail;
    PartnershipAlignmentMean: "partnership_alignment_mean", "level 1-4", Mean, "Mean alignment of operating partnerships (1 consultative, 2 contributory, 3 operational, 4 collaborative); 0 when none."
        => "Alignment of partnerships", Neither, Amount, Detail;
    PartnershipCohesionMean: "partnership_cohesion_mean", "index 0-1", Mean, "Mean cohesion of operating partnerships (how effectively they operate); 0 when none."
        => "Cohesion of partnerships", Higher, Index, Detail;
    PartnershipAgeMonthsMean: "partnership_age_months_mean", "months", Mean, "Mean age of operating partnerships; 0 when none."
        => "Age of partnerships", Neither, Amount, Detail;
    PartnershipMeetingShare: "partnership_meeting_share", "share of staff hours", Total, "Partnership meeting hours / staff hours of operating ISOs (summary: over all hours of the run)."
        => "Staff time in partnership meetings", Neither, Points, Detail;
    ReferralHours: "referral_hours", "hours per month", Mean, "Need hours served by another member through partnership referrals (included in service_hours)."
        => "Hours served through referrals", Higher, Amount, Detail;
    ReportingHoursSaved: "reporting_hours_saved", "hours per month", Mean, "Reporting hours members save through reporting coordinated within their partnership."
        => "Reporting hours saved by coordination", Higher, Amount, Detail;
    PartnershipSpinoffs: "partnership_spinoffs", "businesses", Last, "Fee-for-service businesses partnerships spun off since the first reported month, cumulative (summary: at the end)."
        => "Partnership businesses spun off", Neither, Amount, Detail;
    EarnedRevenue: "partnership_earned_revenue", "CAD per month", Mean, "Margin partnerships' fee-for-service businesses earned for their members this month (negative: a loss), paid into members' cash."
        => "Earned revenue of partnership businesses", Neither, Amount, Detail;
    PartnershipConvenings: "partnership_convenings", "convenings", Last, "Convenings of a new main partnership since the first reported month, cumulative: a champion's, a facilitator's, and a funder's call while no funded partnership operates (summary: at the end)."
        => "Partnership convenings", Neither, Amount, Detail;
    PartnershipsFormedFormal: "partnerships_formed_formal", "partnerships", Last, "Formal partnerships formed since the first reported month (sub-partnerships included) and informal ones formalised at a funder's call, cumulative (summary: at the end)."
        => "Formal partnerships formed", Neither, Amount, Detail;
    InterestCost: "interest_cost", "CAD per month", Mean, "Interest ISOs pay on overdrawn lines of credit (the cost of bridging late payments)."
        => "Interest paid on credit lines", Lower, Amount, Detail;
    ProgramMoneyReturned: "program_money_returned", "CAD per month", Mean, "Program advances not matched by eligible costs, recovered by funders at their fiscal-year ends."
        => "Program money returned to funders", Lower, Amount, Detail;
    OtherProviderHours: "other_provider_hours", "hours per month", Mean, "Service hours delivered to the region's newcomers by other providers funded through awards to alternative applicants (not in service_hours)."
        => "Hours served by other providers", Neither, Amount, Detail;
    FederalCostPerClient: "federal_cost_per_client", "CAD per client-month", Total, "The federal funder's payments to ISOs per client they counted, clients attributed by the funder's share of each ISO's contracted revenue (summary: over the run)."
        => "Federal cost per client", Neither, Amount, Detail;
    FederalOversightHours: "federal_oversight_hours", "hours per month", Mean, "Hours the federal funder's staff spend carrying files (more with micromanagement), reading formal reports and reviewing proposals."
        => "Federal oversight hours", Neither, Amount, Detail;
    FederalReallocatedShare: "federal_reallocated_per_year", "budgets per year", Total, "Monthly value of the agreements the federal funder awarded at calls and intakes (renewals and first awards, to ISOs and alternative applicants) x 12 / its monthly budget: the share of its budget re-decided per year (summary: over the run; 1 = every agreement decided anew each year, 0.2 = five-year agreements)."
        => "Federal budget re-decided per year", Neither, Amount, Detail;
    FederalReports: "federal_reports", "reports per month", Mean, "Formal reports the federal funder receives from ISOs."
        => "Federal reports received", Neither, Amount, Detail;
    ProvincialCostPerClient: "provincial_cost_per_client", "CAD per client-month", Total, "The provincial funder's payments to ISOs per client they counted, clients attributed by the funder's share of each ISO's contracted revenue (summary: over the run)."
        => "Provincial cost per client", Neither, Amount, Detail;
    ProvincialOversightHours: "provincial_oversight_hours", "hours per month", Mean, "Hours the provincial funder's staff spend carrying files (more with micromanagement), reading formal reports and reviewing proposals."
        => "Provincial oversight hours", Neither, Amount, Detail;
    ProvincialReallocatedShare: "provincial_reallocated_per_year", "budgets per year", Total, "Monthly value of the agreements the provincial funder awarded at calls and intakes (renewals and first awards, to ISOs and alternative applicants) x 12 / its monthly budget: the share of its budget re-decided per year (summary: over the run; 1 = every agreement decided anew each year, 0.2 = five-year agreements)."
        => "Provincial budget re-decided per year", Neither, Amount, Detail;
    ProvincialReports: "provincial_reports", "reports per month", Mean, "Formal reports the provincial funder receives from ISOs."
        => "Provincial reports received", Neither, Amount, Detail;
    MunicipalCostPerClient: "municipal_cost_per_client", "CAD per client-month", Total, "The municipal funder's payments to ISOs per client they counted, clients attributed by the funder's share of each ISO's contracted revenue (summary: over the run)."
        => "Municipal cost per client", Neither, Amount, Detail;
    MunicipalOversightHours: "municipal_oversight_hours", "hours per month", Mean, "Hours the municipal funder's staff spend carrying files (more with micromanagement), reading formal reports and reviewing proposals."
        => "Municipal oversight hours", Neither, Amount, Detail;
    MunicipalReallocatedShare: "municipal_reallocated_per_year", "budgets per year", Total, "Monthly value of the agreements the municipal funder awarded at calls and intakes (renewals and first awards, to ISOs and alternative applicants) x 12 / its monthly budget: the share of its budget re-decided per year (summary: over the run; 1 = every agreement decided anew each year, 0.2 = five-year agreements)."
        => "Municipal budget re-decided per year", Neither, Amount, Detail;
    MunicipalReports: "municipal_reports", "reports per month", Mean, "Formal reports the municipal funder receives from ISOs."
        => "Municipal reports received", Neither, Amount, Detail;
    FoundationCostPerClient: "foundation_cost_per_client", "CAD per client-month", Total, "The foundation funder's payments to ISOs per client they counted, clients attributed by the funder's share of each ISO's contracted revenue (summary: over the run)."
        => "Foundation cost per client", Neither, Amount, Detail;
    FoundationOversightHours: "foundation_oversight_hours", "hours per month", Mean, "Hours the foundation funder's staff spend carrying files (more with micromanagement), reading formal reports and reviewing proposals."
        => "Foundation oversight hours", Neither, Amount, Detail;
    FoundationReallocatedShare: "foundation_reallocated_per_year", "budgets per year", Total, "Monthly value of the agreements the foundation funder awarded at calls and intakes (renewals and first awards, to ISOs and alternative applicants) x 12 / its monthly budget: the share of its budget re-decided per year (summary: over the run; 1 = every agreement decided anew each year, 0.2 = five-year agreements)."
        => "Foundation budget re-decided per year", Neither, Amount, Detail;
    FoundationReports: "foundation_reports", "reports per month", Mean, "Formal reports the foundation funder receives from ISOs."
        => "Foundation reports received", Neither, Amount, Detail;
    ServiceDepthHours: "service_depth_hours", "hours per client-month", Mean, "Service hours per client counted: how deep the ISOs' service is (their chosen mix of the deep and shallow models)."
        => "Service hours per client", Neither, Amount, Detail;
    IsosReported: "isos_reported", "organizations", Last, "ISOs operating at the first reported month, after the warm-up: the denominator of survival_rate."
        => "ISOs at the start of the run", Neither, Amount, Detail;
    FundraisingCostRatio: "fundraising_cost_ratio", "CAD per CAD raised", Total, "Fundraising cost (staff hours at full cost plus direct expense) per dollar of donations and fees raised (summary: over the run; CRA CG-013: under 0.35 unlikely to raise concern)."
        => "Fundraising cost per dollar raised", Lower, Amount, Detail;
    ReservesUnder3MonthsShare: "reserves_under_3_months_share", "share", Mean, "Operating ISOs whose cash is under three months of their operating cost (the reserve figure of the sector surveys; summary: mean over months)."
        => "ISOs with under three months of reserves", Lower, Points, Detail;
    GovAgreementYears: "gov_agreement_years", "agreement years per month", Mean, "Agreement years with the federal, provincial and municipal funders that started in the month: agreements and renewals awarded at a call or intake, and anniversaries of agreements in force (refused applications not counted)."
        => "Government agreement years started", Neither, Amount, Detail;
    LatePaymentShare: "late_payment_share", "share", Total, "Government agreement years whose first payments came late / government agreement years started (summary: over the run; the unit of the late-payment draw, one per agreement year)."
        => "Government agreement years paid late", Lower, Points, Detail;
    Late61To90DaysShare: "late_61_90_days_share", "share", Total, "Late government agreement years whose payments came more than 60 and at most 90 days late / late government agreement years (summary: over the run)."
        => "Late payments 61 to 90 days late", Lower, Points, Detail;
    UniqueClients: "unique_clients", "clients per year", Mean, "Newcomers served by an ISO at least once in the last twelve months (unique clients, as IRCC counts them; ODD 7.2): per cohort, clients x (1 - product over the months of (1 - client-months / clients)) (summary: mean over months)."
        => "Newcomers served in a year", Higher, Amount, Headline;
    UniqueClientsEconomic: "unique_clients_economic", "clients per year", Mean, "unique_clients of economic-class newcomers (principal applicants and dependants; the three categories sum to unique_clients)."
        => "Economic-class newcomers served in a year", Higher, Amount, Detail;
    UniqueClientsFamily: "unique_clients_family", "clients per year", Mean, "unique_clients of family-class newcomers."
        => "Family-class newcomers served in a year", Higher, Amount, Detail;
    UniqueClientsRefugee: "unique_clients_refugee", "clients per year", Mean, "unique_clients of refugees and protected persons."
        => "Refugees served in a year", Higher, Amount, Detail;
    WaitingNeedEconomic: "waiting_need_hours_economic", "hours", Mean, "Unmet need of economic-class newcomers: their need hours waiting for service at the end of the month (the three categories sum to waiting_need_hours)."
        => "Need waiting for service: economic class", Lower, Amount, Detail;
    WaitingNeedFamily: "waiting_need_hours_family", "hours", Mean, "Unmet need of family-class newcomers: their need hours waiting for service at the end of the month."
        => "Need waiting for service: family class", Lower, Amount, Detail;
    WaitingNeedRefugee: "waiting_need_hours_refugee", "hours", Mean, "Unmet need of refugees: their need hours waiting for service at the end of the month."
        => "Need waiting for service: refugees", Lower, Amount, Detail;
    RecommendationsOverturnedShare: "recommendations_overturned_share", "share", Total, "ISO applicants at calls and intakes whose award (funded or refused) the funder's decision authority made differently from what the officer's ranking alone would have, of ISO applicants (ODD 7.30; summary: over the run)."
        => "Officer recommendations overturned", Neither, Points, Detail;
    AuthorityDelayMonths: "authority_delay_months", "months", Total, "Months the decision authority's review (a returned file, an overturned recommendation) added to the decisions on ISO applications made this month, per decision (ODD 7.30; included in decision_delay_months; summary: over the run)."
        => "Delay added by the decision authority", Lower, Amount, Detail;
    Receptivity: "receptivity", "index 0-1", Mean, "The host community's receptivity at the end of the month (ODD 7.32): how far employers, public institutions and neighbours move towards newcomers, the host side of integration."
        => "Host community's receptivity", Higher, Index, Detail;
    CommunityWork: "community_work", "organizations", Mean, "Host organizations (employers and public institutions) engaged by operating local partnerships this month: non-ISO organizations at their tables, weighted by cohesion and alignment / 4 (ODD 7.32); 0 when partnerships are off."
        => "Host organizations engaged by partnerships", Neither, Amount, Detail;
    UmbrellaMembershipShare: "umbrella_membership_share", "share of operating ISOs", Mean, "Operating ISOs that are members of the sector's umbrella body (0 when sector.umbrella_enabled is off; ODD 7.31)."
        => "ISOs in the umbrella body", Neither, Points, Detail;
    SectorVoice: "sector_voice", "index 0-1", Mean, "Influence of the sector's common voice: members' share of newcomers x unity of their service models x policy-staff factor (ODD 7.31); softens government policy-shock cuts."
        => "Sector's common voice", Higher, Index, Detail;
    UmbrellaMemberHours: "umbrella_member_hours", "hours per month", Mean, "Staff hours members of the umbrella body spend on it (meetings, consultations, campaigns), in administration (ODD 7.31)."
        => "Staff time given to the umbrella body", Neither, Amount, Detail;
    FederalUnservedHours: "federal_unserved_hours", "hours per month", Mean, "Need hours the region left unserved this month attributed to the federal funder: its share of the funders' budgets times the unmet share of the month's new need times that need (ODD 7.29)."
        => "Federal unserved need", Lower, Amount, Detail;
    FederalEmergencySpend: "federal_emergency_spend", "CAD per month", Mean, "Money per month the federal funder pays for emergency contracts in force (placed without a call when unmet need is above its threshold), price premium included (ODD 7.29)."
        => "Federal emergency spending", Lower, Amount, Detail;
    ProvincialUnservedHours: "provincial_unserved_hours", "hours per month", Mean, "Need hours the region left unserved this month attributed to the provincial funder: its share of the funders' budgets times the unmet share of the month's new need times that need (ODD 7.29)."
        => "Provincial unserved need", Lower, Amount, Detail;
    ProvincialEmergencySpend: "provincial_emergency_spend", "CAD per month", Mean, "Money per month the provincial funder pays for emergency contracts in force (placed without a call when unmet need is above its threshold), price premium included (ODD 7.29)."
        => "Provincial emergency spending", Lower, Amount, Detail;
    MunicipalUnservedHours: "municipal_unserved_hours", "hours per month", Mean, "Need hours the region left unserved this month attributed to the municipal funder: its share of the funders' budgets times the unmet share of the month's new need times that need (ODD 7.29)."
        => "Municipal unserved need", Lower, Amount, Detail;
    MunicipalEmergencySpend: "municipal_emergency_spend", "CAD per month", Mean, "Money per month the municipal funder pays for emergency contracts in force (placed without a call when unmet need is above its threshold), price premium included (ODD 7.29)."
        => "Municipal emergency spending", Lower, Amount, Detail;
    FoundationUnservedHours: "foundation_unserved_hours", "hours per month", Mean, "Need hours the region left unserved this month attributed to the foundation funder: its share of the funders' budgets times the unmet share of the month's new need times that need (ODD 7.29)."
        => "Foundation unserved need", Lower, Amount, Detail;
    FoundationEmergencySpend: "foundation_emergency_spend", "CAD per month", Mean, "Money per month the foundation funder pays for emergency contracts in force (placed without a call when unmet need is above its threshold), price premium included (ODD 7.29)."
        => "Foundation emergency spending", Lower, Amount, Detail;
    FederalOfferedContractMonths: "federal_offered_contract_months", "months", Mean, "Length of the agreements the federal funder offers this month (ODD 7.28: chosen at its fiscal-year start within its mandate; summary: mean over months)."
        => "Federal contract length offered", Higher, Amount, Detail;
    FederalOfferedCoreShare: "federal_offered_core_share", "share", Mean, "Core (unrestricted) share of the agreements the federal funder offers this month (ODD 7.28; summary: mean over months)."
        => "Federal core share offered", Higher, Points, Detail;
    FederalOfferedReportingScale: "federal_offered_reporting_scale", "share", Mean, "Reporting the federal funder asks of the agreements it offers this month, as a share of its configured reporting (ODD 7.28; summary: mean over months)."
        => "Federal reporting asked", Lower, Amount, Detail;
    FederalOfferedLatePayment: "federal_offered_late_payment_probability", "share", Mean, "Probability that the first payment of an agreement year of the federal funder comes late under the payment practice it follows this month (ODD 7.28; summary: mean over months)."
        => "Federal late-payment practice", Lower, Points, Detail;
    ProvincialOfferedContractMonths: "provincial_offered_contract_months", "months", Mean, "Length of the agreements the provincial funder offers this month (ODD 7.28: chosen at its fiscal-year start within its mandate; summary: mean over months)."
        => "Provincial contract length offered", Higher, Amount, Detail;
    ProvincialOfferedCoreShare: "provincial_offered_core_share", "share", Mean, "Core (unrestricted) share of the agreements the provincial funder offers this month (ODD 7.28; summary: mean over months)."
        => "Provincial core share offered", Higher, Points, Detail;
    ProvincialOfferedReportingScale: "provincial_offered_reporting_scale", "share", Mean, "Reporting the provincial funder asks of the agreements it offers this month, as a share of its configured reporting (ODD 7.28; summary: mean over months)."
        => "Provincial reporting asked", Lower, Amount, Detail;
    ProvincialOfferedLatePayment: "provincial_offered_late_payment_probability", "share", Mean, "Probability that the first payment of an agreement year of the provincial funder comes late under the payment practice it follows this month (ODD 7.28; summary: mean over months)."
        => "Provincial late-payment practice", Lower, Points, Detail;
    MunicipalOfferedContractMonths: "municipal_offered_contract_months", "months", Mean, "Length of the agreements the municipal funder offers this month (ODD 7.28: chosen at its fiscal-year start within its mandate; summary: mean over months)."
        => "Municipal contract length offered", Higher, Amount, Detail;
    MunicipalOfferedCoreShare: "municipal_offered_core_share", "share", Mean, "Core (unrestricted) share of the agreements the municipal funder offers this month (ODD 7.28; summary: mean over months)."
        => "Municipal core share offered", Higher, Points, Detail;
    MunicipalOfferedReportingScale: "municipal_offered_reporting_scale", "share", Mean, "Reporting the municipal funder asks of the agreements it offers this month, as a share of its configured reporting (ODD 7.28; summary: mean over months)."
        => "Municipal reporting asked", Lower, Amount, Detail;
    MunicipalOfferedLatePayment: "municipal_offered_late_payment_probability", "share", Mean, "Probability that the first payment of an agreement year of the municipal funder comes late under the payment practice it follows this month (ODD 7.28; summary: mean over months)."
        => "Municipal late-payment practice", Lower, Points, Detail;
    FoundationOfferedContractMonths: "foundation_offered_contract_months", "months", Mean, "Length of the agreements the foundation funder offers this month (ODD 7.28: chosen at its fiscal-year start within its mandate; summary: mean over months)."
        => "Foundation contract length offered", Higher, Amount, Detail;
    FoundationOfferedCoreShare: "foundation_offered_core_share", "share", Mean, "Core (unrestricted) share of the agreements the foundation funder offers this month (ODD 7.28; summary: mean over months)."
        => "Foundation core share offered", Higher, Points, Detail;
    FoundationOfferedReportingScale: "foundation_offered_reporting_scale", "share", Mean, "Reporting the foundation funder asks of the agreements it offers this month, as a share of its configured reporting (ODD 7.28; summary: mean over months)."
        => "Foundation reporting asked", Lower, Amount, Detail;
    FoundationOfferedLatePayment: "foundation_offered_late_payment_probability", "share", Mean, "Probability that the first payment of an agreement year of the foundation funder comes late under the payment practice it follows this month (ODD 7.28; summary: mean over months)."
        => "Foundation late-payment practice", Lower, Points, Detail;
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

/// The catalogue entry of a metric, by name.
pub fn spec(name: &str) -> Option<&'static MetricSpec> {
    METRICS.iter().find(|m| m.name == name)
}

/// Names of the headline metrics ([`Tier::Headline`]), in catalogue order.
pub fn headline() -> Vec<&'static str> {
    METRICS
        .iter()
        .filter(|m| m.tier == Tier::Headline)
        .map(|m| m.name)
        .collect()
}

/// Whether a metric is a share bounded in [0, 1].
pub fn is_share(i: usize) -> bool {
    let n = METRICS[i].name;
    n.ends_with("_share")
        || n == "survival_rate"
        || n == "integration_index"
        || n == "receptivity"
        || n == "trust_mean"
        || n == "sector_voice"
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

    /// Every metric has what a reader needs: a human label (unique, not snake_case), a
    /// direction, a way to be said that fits its unit; the headline has three to six metrics.
    #[test]
    fn every_metric_has_a_label_direction_and_phrasing() {
        let mut labels: Vec<&str> = Vec::new();
        for (i, m) in METRICS.iter().enumerate() {
            assert!(!m.label.trim().is_empty(), "{}: no label", m.name);
            assert!(
                !m.label.contains('_') && m.label != m.name,
                "{}: label `{}` is not for people",
                m.name,
                m.label
            );
            assert!(
                m.label.starts_with(|c: char| c.is_uppercase()),
                "{}: label `{}` is not in sentence case",
                m.name,
                m.label
            );
            assert!(!labels.contains(&m.label), "label `{}` used twice", m.label);
            labels.push(m.label);
            match m.say {
                Say::IsoShare => assert!(
                    is_share(i) && m.unit == "share",
                    "{}: said as a count of ISOs but not a share of them",
                    m.name
                ),
                Say::Points => assert!(
                    m.unit.contains("share"),
                    "{}: said in percentage points but its unit is `{}`",
                    m.name,
                    m.unit
                ),
                Say::Index | Say::Amount => {}
            }
        }
        let h = headline();
        assert!((3..=6).contains(&h.len()), "{} headline metrics", h.len());
    }

    #[test]
    fn labels_read_inside_sentences() {
        let m = spec("survival_rate").unwrap();
        assert_eq!(m.label_in_sentence(), "ISOs still operating");
        assert_eq!(
            spec("clients_served").unwrap().label_in_sentence(),
            "client contacts counted"
        );
        assert_eq!(
            spec("unmet_need_share").unwrap().better_text(),
            "lower is better"
        );
    }
}
