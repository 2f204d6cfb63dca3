//! Typed view of a scenario's values, read once per replication.
//!
//! The engine never looks parameters up by path in its hot loop: this module
//! turns the flat [`Values`] into plain structs. Every path read here is in
//! [`crate::params`]; the unit test `default_config_reads_every_path` builds
//! the default configuration and so checks that each one exists.

use crate::params::{Values, FUNDERS};

/// Simulation size.
#[derive(Debug, Clone)]
pub struct SimulationCfg {
    /// months per replication (reported months, after the warm-up)
    pub duration_months: u32,
    /// ISOs at the start of the warm-up
    pub isos: usize,
    /// months simulated before the first reported month
    pub warmup_months: u32,
    /// every funder on the April fiscal year with sector-wide calls (the teaching calendar)
    pub synchronized_calendar: bool,
    /// record the warm-up's months too (for tools that show it; not a scenario parameter:
    /// summaries are over the reported months either way)
    pub record_warmup: bool,
}

/// Newcomer arrivals and need.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct NewcomersCfg {
    pub arrivals_per_month: f64,
    pub arrival_trend_per_year: f64,
    pub arrival_noise_share: f64,
    pub surge_probability_per_year: f64,
    pub surge_size_share: f64,
    pub surge_duration_months: u32,
    pub uptake_share: f64,
    pub need_hours_per_client: f64,
    pub need_halflife_months: f64,
    pub need_duration_months: u32,
    pub eligibility_window_months: u32,
    pub abandonment_share_per_month: f64,
    pub integration_hours_scale: f64,
    pub long_term_service_weight: f64,
    pub initial_met_share: f64,
    /// share of arrivals by immigration category ([`CATEGORIES`] order), summing to 1
    pub category_share: [f64; NCAT],
    /// uptake by category: `uptake_share` times the category's ratio, at most 1
    pub category_uptake: [f64; NCAT],
    /// most months of eligibility for the economic class (the lesser of it and
    /// `eligibility_window_months` applies)
    pub economic_eligibility_limit_months: u32,
}

/// Number of immigration categories.
pub const NCAT: usize = 3;

/// Immigration categories, in the order of every per-category array and metric.
pub const CATEGORIES: [&str; NCAT] = ["economic", "family", "refugee"];

impl NewcomersCfg {
    /// Months after arrival during which category `k`'s need may be served with
    /// eligibility-restricted money.
    pub fn window(&self, k: usize) -> usize {
        let w = self.eligibility_window_months;
        (if k == 0 {
            w.min(self.economic_eligibility_limit_months)
        } else {
            w
        }) as usize
    }

    /// Clients per arrival over the categories: the overall uptake.
    pub fn overall_uptake(&self) -> f64 {
        (0..NCAT)
            .map(|k| self.category_share[k] * self.category_uptake[k])
            .sum()
    }
}

/// Service depth.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct ServiceCfg {
    pub deep_contact_hours: f64,
    pub shallow_contact_hours: f64,
    pub depth_half_hours: f64,
}

/// ISO behaviour and economics.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct IsoCfg {
    pub size_dispersion_log: f64,
    pub admin_staff_share: f64,
    pub hours_per_staff_month: f64,
    pub wage_per_staff_month: f64,
    pub nonstaff_overhead_share: f64,
    pub reserve_months_median: f64,
    pub reserve_dispersion_log: f64,
    pub credit_line_months: f64,
    pub credit_interest_rate_per_year: f64,
    pub cash_floor_months: f64,
    pub insolvency_grace_months: u32,
    pub winddown_severance_months: f64,
    pub winddown_fixed_cost_months: f64,
    pub winddown_horizon_months: u32,
    pub quit_rate_per_year: f64,
    pub initial_turnover_per_year: f64,
    pub insecurity_quit_multiplier: f64,
    pub missed_payroll_quit_share: f64,
    pub insecurity_horizon_months: u32,
    pub hiring_lag_months: f64,
    pub learning_months: f64,
    pub novice_productivity_share: f64,
    pub management_hours_per_staff_month: f64,
    pub adaptive_strategies: bool,
    pub diversification_effort_share: f64,
    pub fundraising_scale: f64,
    pub fundraising_elasticity: f64,
    pub fundraising_cost_share: f64,
    pub donation_volatility: f64,
    pub holistic_share: f64,
    pub deep_service_share: f64,
    pub mission_weight: f64,
    pub risk_aversion: f64,
    pub strategy_dispersion: f64,
    pub choice_sensitivity: f64,
    pub ask_markup_share: f64,
    pub proposal_hours: f64,
    pub reserve_target_months: f64,
    pub surplus_spend_cap_share: f64,
    pub planning_horizon_months: u32,
}

/// Trust dynamics.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct TrustCfg {
    pub initial: f64,
    pub build_per_month: f64,
    pub late_payment_erosion_share: f64,
    pub cut_erosion_share: f64,
    pub micromanagement_erosion_per_month: f64,
}

/// Brinkerhoff classification.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct BrinkerhoffCfg {
    pub threshold: f64,
    pub identity_adjust_per_month: f64,
}

/// Reporting coordination across funders.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct ReportingCfg {
    pub coordinated: bool,
    pub coordination_saving_share: f64,
}

/// Local and regional partnerships among ISOs (GA).
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct PartnershipCfg {
    pub enabled: bool,
    pub open_membership: bool,
    /// alignment level at formation, 1 = consultative … 4 = collaborative
    pub initial_alignment: u8,
    /// highest alignment level reachable
    pub max_alignment: u8,
    pub other_sectors: u32,
    pub orgs_per_sector: u32,
    pub champion_rate_per_year: f64,
    pub champion_loss_per_year: f64,
    /// months between the funder's calls (0: no calls)
    pub call_interval_months: u32,
    pub facilitator_rate_per_year: f64,
    pub facilitation_familiarity_share: f64,
    pub facilitation_months: u32,
    pub sub_rate_per_year: f64,
    pub convene_share: f64,
    pub open_join_share_per_month: f64,
    pub need_recognition_share: f64,
    pub need_smoothing_per_month: f64,
    pub initial_familiarity: f64,
    pub familiarity_build_per_month: f64,
    pub tolerable_meeting_hours: f64,
    pub meeting_hours_informal: f64,
    pub meeting_hours_formal: f64,
    pub meeting_alignment_step_share: f64,
    pub secretariat_meeting_saving_share: f64,
    pub initial_cohesion: f64,
    pub cohesion_adjust_per_month: f64,
    pub cohesion_noise_sd: f64,
    pub dissolve_cohesion: f64,
    pub alignment_up_cohesion: f64,
    pub alignment_down_cohesion: f64,
    pub alignment_step_months: u32,
    pub referral_share: f64,
    pub training_learning_share: f64,
    pub joint_proposal_saving_share: f64,
}

/// What a funder measures and ranks applicants on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// clients counted
    Output,
    /// integration gained (effective hours)
    Outcome,
}

/// How a funder's agreements are renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallCycle {
    /// one call for every agreement at once; all agreements share start and end dates
    SectorWide,
    /// each agreement is renewed when it ends; first applications at an annual intake
    Rolling,
}

/// One funder's regime.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct FunderCfg {
    pub name: &'static str,
    pub enabled: bool,
    /// first month of the fiscal year, 0 = January … 11 = December
    pub fiscal_year_start: u32,
    pub call_cycle: CallCycle,
    pub budget_per_newcomer: f64,
    pub budget_lag_months: u32,
    pub budget_follow_share: f64,
    pub shock_probability_per_year: f64,
    pub shock_cut_share: f64,
    pub shock_recovery_months: f64,
    pub shock_amend_share: f64,
    pub shock_protected_share: f64,
    pub contract_months: u32,
    pub core_share: f64,
    pub eligibility_restricted: bool,
    pub indirect_rate_share: f64,
    pub decision_delay_months: u32,
    pub late_payment_probability: f64,
    pub late_payment_days_min: f64,
    pub late_payment_days_max: f64,
    pub holdback_share: f64,
    pub final_report_months: u32,
    pub reporting_hours_per_month: f64,
    pub reporting_per_client_hours: f64,
    pub reports_per_year: f64,
    pub report_prep_hours: f64,
    pub measure: Measure,
    pub outcome_measurement_hours_per_month: f64,
    pub micromanagement_share: f64,
    pub officer_rotation_months: f64,
    pub new_officer_knowledge_share: f64,
    pub officer_learning_months: f64,
    pub explanation_hours_per_month: f64,
    pub officer_decision_delay_months: f64,
    pub trust_reset_share: f64,
    pub contact_share: f64,
    pub alternatives: u32,
    pub alternative_quality_share: f64,
    pub alternative_leakage_share: f64,
    pub oversight_hours_per_file_month: f64,
    pub review_hours_per_report: f64,
    pub review_hours_per_proposal: f64,
    pub call_performance_weight: f64,
    pub call_trust_weight: f64,
    pub call_noise_sd: f64,
    pub fundraising_score_weight: f64,
}

/// Everything the engine needs, typed.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct Config {
    pub simulation: SimulationCfg,
    pub newcomers: NewcomersCfg,
    pub service: ServiceCfg,
    pub iso: IsoCfg,
    pub trust: TrustCfg,
    pub brinkerhoff: BrinkerhoffCfg,
    pub reporting: ReportingCfg,
    pub partnerships: PartnershipCfg,
    pub funders: [FunderCfg; 4],
    /// the values this configuration was read from (timeline events change them)
    pub values: Values,
    /// events at given reported months, in month order
    pub timeline: Vec<super::timeline::Event>,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_values(&Values::default())
    }
}

impl Config {
    /// Reads every parameter from `v`.
    pub fn from_values(v: &Values) -> Config {
        let g = |p: &str| v.get(p);
        let u = |p: &str| v.get(p).max(0.0) as u32;
        let synchronized = g("simulation.synchronized_calendar") != 0.0;
        let funder = |i: usize| {
            let name = FUNDERS[i];
            let f = |k: &str| v.get(&format!("funders.{name}.{k}"));
            FunderCfg {
                name,
                enabled: f("enabled") != 0.0,
                // the teaching calendar: every funder on the April fiscal year, sector-wide calls
                fiscal_year_start: if synchronized {
                    3
                } else {
                    (f("fiscal_year_start_month") as u32).clamp(1, 12) - 1
                },
                call_cycle: if synchronized || f("call_cycle") == 0.0 {
                    CallCycle::SectorWide
                } else {
                    CallCycle::Rolling
                },
                budget_per_newcomer: f("budget_per_newcomer"),
                budget_lag_months: f("budget_lag_months") as u32,
                budget_follow_share: f("budget_follow_share"),
                shock_probability_per_year: f("shock_probability_per_year"),
                shock_cut_share: f("shock_cut_share"),
                shock_recovery_months: f("shock_recovery_months"),
                shock_amend_share: f("shock_amend_share"),
                shock_protected_share: f("shock_protected_share"),
                contract_months: f("contract_months") as u32,
                core_share: f("core_share"),
                eligibility_restricted: f("eligibility_restricted") != 0.0,
                indirect_rate_share: f("indirect_rate_share"),
                decision_delay_months: f("decision_delay_months") as u32,
                late_payment_probability: f("late_payment_probability"),
                late_payment_days_min: f("late_payment_days_min"),
                late_payment_days_max: f("late_payment_days_max"),
                holdback_share: f("holdback_share"),
                final_report_months: f("final_report_months") as u32,
                reporting_hours_per_month: f("reporting_hours_per_month"),
                reporting_per_client_hours: f("reporting_per_client_hours"),
                reports_per_year: f("reports_per_year"),
                report_prep_hours: f("report_prep_hours"),
                measure: if f("measure") == 0.0 {
                    Measure::Output
                } else {
                    Measure::Outcome
                },
                outcome_measurement_hours_per_month: f("outcome_measurement_hours_per_month"),
                micromanagement_share: f("micromanagement_share"),
                officer_rotation_months: f("officer_rotation_months"),
                new_officer_knowledge_share: f("new_officer_knowledge_share"),
                officer_learning_months: f("officer_learning_months"),
                explanation_hours_per_month: f("explanation_hours_per_month"),
                officer_decision_delay_months: f("officer_decision_delay_months"),
                trust_reset_share: f("trust_reset_share"),
                contact_share: f("contact_share"),
                alternatives: f("alternatives") as u32,
                alternative_quality_share: f("alternative_quality_share"),
                alternative_leakage_share: f("alternative_leakage_share"),
                oversight_hours_per_file_month: f("oversight_hours_per_file_month"),
                review_hours_per_report: f("review_hours_per_report"),
                review_hours_per_proposal: f("review_hours_per_proposal"),
                call_performance_weight: f("call_performance_weight"),
                call_trust_weight: f("call_trust_weight"),
                call_noise_sd: f("call_noise_sd"),
                fundraising_score_weight: f("fundraising_score_weight"),
            }
        };
        Config {
            simulation: SimulationCfg {
                duration_months: u("simulation.duration_months"),
                isos: u("simulation.isos") as usize,
                warmup_months: u("simulation.warmup_months"),
                synchronized_calendar: synchronized,
                record_warmup: false,
            },
            newcomers: NewcomersCfg {
                arrivals_per_month: g("newcomers.arrivals_per_month"),
                arrival_trend_per_year: g("newcomers.arrival_trend_per_year"),
                arrival_noise_share: g("newcomers.arrival_noise_share"),
                surge_probability_per_year: g("newcomers.surge_probability_per_year"),
                surge_size_share: g("newcomers.surge_size_share"),
                surge_duration_months: u("newcomers.surge_duration_months"),
                uptake_share: g("newcomers.uptake_share"),
                need_hours_per_client: g("newcomers.need_hours_per_client"),
                need_halflife_months: g("newcomers.need_halflife_months"),
                need_duration_months: u("newcomers.need_duration_months"),
                eligibility_window_months: u("newcomers.eligibility_window_months"),
                abandonment_share_per_month: g("newcomers.abandonment_share_per_month"),
                integration_hours_scale: g("newcomers.integration_hours_scale"),
                long_term_service_weight: g("newcomers.long_term_service_weight"),
                initial_met_share: g("newcomers.initial_met_share"),
                category_share: {
                    let raw = CATEGORIES.map(|c| g(&format!("newcomers.{c}_share")).max(0.0));
                    let sum: f64 = raw.iter().sum();
                    if sum > 0.0 {
                        raw.map(|x| x / sum)
                    } else {
                        [1.0 / NCAT as f64; NCAT]
                    }
                },
                category_uptake: CATEGORIES.map(|c| {
                    (g("newcomers.uptake_share") * g(&format!("newcomers.uptake_ratio_{c}")))
                        .clamp(0.0, 1.0)
                }),
                economic_eligibility_limit_months: u("newcomers.economic_eligibility_limit_months"),
            },
            service: ServiceCfg {
                deep_contact_hours: g("service.deep_contact_hours"),
                shallow_contact_hours: g("service.shallow_contact_hours"),
                depth_half_hours: g("service.depth_half_hours"),
            },
            iso: IsoCfg {
                size_dispersion_log: g("iso.size_dispersion_log"),
                admin_staff_share: g("iso.admin_staff_share"),
                hours_per_staff_month: g("iso.hours_per_staff_month"),
                wage_per_staff_month: g("iso.wage_per_staff_month"),
                nonstaff_overhead_share: g("iso.nonstaff_overhead_share"),
                reserve_months_median: g("iso.reserve_months_median"),
                reserve_dispersion_log: g("iso.reserve_dispersion_log"),
                credit_line_months: g("iso.credit_line_months"),
                credit_interest_rate_per_year: g("iso.credit_interest_rate_per_year"),
                cash_floor_months: g("iso.cash_floor_months"),
                insolvency_grace_months: u("iso.insolvency_grace_months"),
                winddown_severance_months: g("iso.winddown_severance_months"),
                winddown_fixed_cost_months: g("iso.winddown_fixed_cost_months"),
                winddown_horizon_months: u("iso.winddown_horizon_months"),
                quit_rate_per_year: g("iso.quit_rate_per_year"),
                initial_turnover_per_year: g("iso.initial_turnover_per_year"),
                insecurity_quit_multiplier: g("iso.insecurity_quit_multiplier"),
                missed_payroll_quit_share: g("iso.missed_payroll_quit_share"),
                insecurity_horizon_months: u("iso.insecurity_horizon_months"),
                hiring_lag_months: g("iso.hiring_lag_months"),
                learning_months: g("iso.learning_months"),
                novice_productivity_share: g("iso.novice_productivity_share"),
                management_hours_per_staff_month: g("iso.management_hours_per_staff_month"),
                adaptive_strategies: g("iso.adaptive_strategies") != 0.0,
                diversification_effort_share: g("iso.diversification_effort_share"),
                fundraising_scale: g("iso.fundraising_scale"),
                fundraising_elasticity: g("iso.fundraising_elasticity"),
                fundraising_cost_share: g("iso.fundraising_cost_share"),
                donation_volatility: g("iso.donation_volatility"),
                holistic_share: g("iso.holistic_share"),
                deep_service_share: g("iso.deep_service_share"),
                mission_weight: g("iso.mission_weight"),
                risk_aversion: g("iso.risk_aversion"),
                strategy_dispersion: g("iso.strategy_dispersion"),
                choice_sensitivity: g("iso.choice_sensitivity"),
                ask_markup_share: g("iso.ask_markup_share"),
                proposal_hours: g("iso.proposal_hours"),
                reserve_target_months: g("iso.reserve_target_months"),
                surplus_spend_cap_share: g("iso.surplus_spend_cap_share"),
                planning_horizon_months: u("iso.planning_horizon_months").max(1),
            },
            trust: TrustCfg {
                initial: g("trust.initial"),
                build_per_month: g("trust.build_per_month"),
                late_payment_erosion_share: g("trust.late_payment_erosion_share"),
                cut_erosion_share: g("trust.cut_erosion_share"),
                micromanagement_erosion_per_month: g("trust.micromanagement_erosion_per_month"),
            },
            brinkerhoff: BrinkerhoffCfg {
                threshold: g("brinkerhoff.threshold"),
                identity_adjust_per_month: g("brinkerhoff.identity_adjust_per_month"),
            },
            reporting: ReportingCfg {
                coordinated: g("reporting.coordinated") != 0.0,
                coordination_saving_share: g("reporting.coordination_saving_share"),
            },
            partnerships: PartnershipCfg {
                enabled: g("partnerships.enabled") != 0.0,
                open_membership: g("partnerships.open_membership") != 0.0,
                initial_alignment: (g("partnerships.initial_alignment") as u8 + 1).min(4),
                max_alignment: (g("partnerships.max_alignment") as u8 + 1).min(4),
                other_sectors: u("partnerships.other_sectors").min(6),
                orgs_per_sector: u("partnerships.orgs_per_sector"),
                champion_rate_per_year: g("partnerships.champion_rate_per_year"),
                champion_loss_per_year: g("partnerships.champion_loss_per_year"),
                call_interval_months: u("partnerships.call_interval_months"),
                facilitator_rate_per_year: g("partnerships.facilitator_rate_per_year"),
                facilitation_familiarity_share: g("partnerships.facilitation_familiarity_share"),
                facilitation_months: u("partnerships.facilitation_months"),
                sub_rate_per_year: g("partnerships.sub_rate_per_year"),
                convene_share: g("partnerships.convene_share"),
                open_join_share_per_month: g("partnerships.open_join_share_per_month"),
                need_recognition_share: g("partnerships.need_recognition_share"),
                need_smoothing_per_month: g("partnerships.need_smoothing_per_month"),
                initial_familiarity: g("partnerships.initial_familiarity"),
                familiarity_build_per_month: g("partnerships.familiarity_build_per_month"),
                tolerable_meeting_hours: g("partnerships.tolerable_meeting_hours"),
                meeting_hours_informal: g("partnerships.meeting_hours_informal"),
                meeting_hours_formal: g("partnerships.meeting_hours_formal"),
                meeting_alignment_step_share: g("partnerships.meeting_alignment_step_share"),
                secretariat_meeting_saving_share: g(
                    "partnerships.secretariat_meeting_saving_share",
                ),
                initial_cohesion: g("partnerships.initial_cohesion"),
                cohesion_adjust_per_month: g("partnerships.cohesion_adjust_per_month"),
                cohesion_noise_sd: g("partnerships.cohesion_noise_sd"),
                dissolve_cohesion: g("partnerships.dissolve_cohesion"),
                alignment_up_cohesion: g("partnerships.alignment_up_cohesion"),
                alignment_down_cohesion: g("partnerships.alignment_down_cohesion"),
                alignment_step_months: u("partnerships.alignment_step_months"),
                referral_share: g("partnerships.referral_share"),
                training_learning_share: g("partnerships.training_learning_share"),
                joint_proposal_saving_share: g("partnerships.joint_proposal_saving_share"),
            },
            funders: [funder(0), funder(1), funder(2), funder(3)],
            values: v.clone(),
            timeline: Vec::new(),
        }
    }

    /// The same configuration with a timeline of events (sorted by month, stable).
    pub fn with_timeline(mut self, mut events: Vec<super::timeline::Event>) -> Config {
        events.sort_by_key(|e| e.month);
        self.timeline = events;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_reads_every_path() {
        let c = Config::default();
        assert_eq!(c.simulation.isos, 40);
        assert_eq!(c.funders[0].name, "federal");
        assert_eq!(c.funders[0].measure, Measure::Output);
        assert_eq!(c.funders[3].measure, Measure::Outcome);
    }
}
