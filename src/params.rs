//! The one registry of model parameters.
//!
//! Every parameter of the model is declared exactly once here, with its dotted
//! path (as written in a scenario file), unit, default, allowed range, a
//! description and the source of the default. Defaults, validation of scenario
//! files and `--set` overrides, the `partnersim params` listing and the
//! parameter table in `docs/ODD.md` all come from this table (a test checks
//! that the ODD table and this registry agree).
//!
//! Values are stored in a flat [`Values`] vector indexed like the registry, so
//! any parameter can be overridden or swept by its path; the engine reads them
//! through the typed [`crate::model::Config`].

use std::sync::OnceLock;

/// The kind of value a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A real number within `[min, max]`.
    Float,
    /// A whole number within `[min, max]`.
    Int,
    /// `true` or `false` (stored as 1.0 / 0.0).
    Bool,
    /// One of a fixed list of words (stored as the index into the list).
    Choice(&'static [&'static str]),
}

/// One parameter: where it lives, what it means, what it may be.
#[derive(Debug, Clone)]
pub struct ParamSpec {
    /// Dotted path as written in a scenario file, e.g. `funders.federal.contract_months`.
    pub path: String,
    /// Kind of value.
    pub kind: Kind,
    /// Unit, in words (`months`, `CAD per month`, `share`, …).
    pub unit: &'static str,
    /// Default value (bools as 0/1, choices as index).
    pub default: f64,
    /// Smallest allowed value (inclusive).
    pub min: f64,
    /// Largest allowed value (inclusive).
    pub max: f64,
    /// What the parameter does.
    pub description: &'static str,
    /// Where the default comes from: a source by its short name in `docs/sources.md`, a seed paper, or "assumption".
    pub source: &'static str,
    /// What grounds the default (the assumption ledger): sourced, calibrated, an assumption with
    /// a plausible range, or a structural setting.
    pub grounds: Grounds,
}

/// What grounds a parameter's default: one entry of the assumption ledger. Every registry row
/// must give one (`p` takes it as an argument, a funder key as a field), so a parameter cannot be
/// added without saying what its default rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Grounds {
    /// A figure from a source: `reference` is a short name in bold in `docs/sources.md`.
    Sourced {
        /// the source's short name in `docs/sources.md`
        reference: &'static str,
    },
    /// Fitted to sector figures.
    Calibrated {
        /// the figures the value reproduces
        targets: &'static str,
        /// where the value comes from (a shipped posterior, or set by hand)
        posterior: &'static str,
    },
    /// Nobody has measured it: a plausible range (within the registry's bounds, containing the
    /// default) and one sentence on why that range. `compare --assumptions` moves these.
    Assumption {
        /// low end of the plausible range
        low: f64,
        /// high end of the plausible range
        high: f64,
        /// why that range
        why: &'static str,
    },
    /// Not a claim about the world: a run setting, a model or regime switch, a convention.
    Structural {
        /// what kind of setting it is
        why: &'static str,
    },
}

impl Grounds {
    /// One word for the kind: `sourced`, `calibrated`, `assumption`, `structural`.
    pub fn kind(&self) -> &'static str {
        match self {
            Grounds::Sourced { .. } => "sourced",
            Grounds::Calibrated { .. } => "calibrated",
            Grounds::Assumption { .. } => "assumption",
            Grounds::Structural { .. } => "structural",
        }
    }

    /// The plausible range of an assumption.
    pub fn range(&self) -> Option<(f64, f64)> {
        match self {
            Grounds::Assumption { low, high, .. } => Some((*low, *high)),
            _ => None,
        }
    }
}

fn src(reference: &'static str) -> Grounds {
    Grounds::Sourced { reference }
}

fn cal(targets: &'static str, posterior: &'static str) -> Grounds {
    Grounds::Calibrated { targets, posterior }
}

fn asm(low: f64, high: f64, why: &'static str) -> Grounds {
    Grounds::Assumption { low, high, why }
}

fn fixed(why: &'static str) -> Grounds {
    Grounds::Structural { why }
}

impl ParamSpec {
    /// The allowed range written for a person, e.g. `0 to 1` or `output | outcome`.
    pub fn range_text(&self) -> String {
        match self.kind {
            Kind::Bool => "true | false".to_string(),
            Kind::Choice(words) => words.join(" | "),
            Kind::Int => format!("{} to {}", self.min as i64, self.max as i64),
            Kind::Float => format!("{} to {}", fmt_num(self.min), fmt_num(self.max)),
        }
    }

    /// A value written for a person, in the form a scenario file would take it.
    pub fn value_text(&self, v: f64) -> String {
        match self.kind {
            Kind::Bool => (v != 0.0).to_string(),
            Kind::Choice(words) => format!("\"{}\"", words.get(v as usize).copied().unwrap_or("?")),
            Kind::Int => format!("{}", v as i64),
            Kind::Float => fmt_num(v),
        }
    }

    /// The default written for a person.
    pub fn default_text(&self) -> String {
        self.value_text(self.default)
    }

    /// The ledger's grounds in a few words: `sourced (CIMM 43-1)`, `assumption 0 to 3`, …
    pub fn grounds_text(&self) -> String {
        match self.grounds {
            Grounds::Sourced { reference } => format!("sourced ({reference})"),
            Grounds::Calibrated { targets, .. } => format!("calibrated ({targets})"),
            Grounds::Assumption { low, high, .. } => {
                format!(
                    "assumption {} to {}",
                    self.value_text(low),
                    self.value_text(high)
                )
            }
            Grounds::Structural { .. } => "structural".to_string(),
        }
    }

    /// The one sentence behind the grounds (why the range, the calibration's source, the kind of
    /// setting).
    pub fn grounds_why(&self) -> String {
        match self.grounds {
            Grounds::Sourced { reference } => format!("{reference} (docs/sources.md)"),
            Grounds::Calibrated { targets, posterior } => format!("{targets}; {posterior}"),
            Grounds::Assumption { why, .. } => why.to_string(),
            Grounds::Structural { why } => why.to_string(),
        }
    }
}

/// Formats a number without a needless trailing `.0` and without exponent for ordinary sizes.
pub fn fmt_num(v: f64) -> String {
    if v.is_finite() && v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The four funders, in the order used everywhere (revenue columns, streams, relationships).
pub const FUNDERS: [&str; 4] = ["federal", "provincial", "municipal", "foundation"];

/// Words allowed for a funder's performance measure.
pub const MEASURES: &[&str] = &["output", "outcome"];

/// Words allowed for a funder's call cycle.
pub const CALL_CYCLES: &[&str] = &["sector_wide", "rolling"];

/// Words allowed for a partnership's alignment of functions (GA Table 1, typology 5), lowest first.
pub const ALIGNMENTS: &[&str] = &[
    "consultative",
    "contributory",
    "operational",
    "collaborative",
];

/// A funder parameter template: one entry per key, with a default per funder.
struct FunderKey {
    key: &'static str,
    kind: Kind,
    unit: &'static str,
    defaults: [f64; 4],
    min: f64,
    max: f64,
    description: &'static str,
    source: &'static str,
    grounds: [Grounds; 4],
}

#[allow(clippy::too_many_arguments)]
fn p(
    path: &str,
    kind: Kind,
    unit: &'static str,
    default: f64,
    min: f64,
    max: f64,
    description: &'static str,
    source: &'static str,
    grounds: Grounds,
) -> ParamSpec {
    ParamSpec {
        path: path.to_string(),
        kind,
        unit,
        default,
        min,
        max,
        description,
        source,
        grounds,
    }
}

use Kind::{Bool, Choice, Float, Int};

#[rustfmt::skip]
fn build_registry() -> Vec<ParamSpec> {
    let mut r = vec![
        // ---------------------------------------------------------------- simulation
        p("simulation.duration_months", Int, "months", 120.0, 1.0, 1200.0,
          "Length of a replication; month 0 is the first month of a fiscal year (April).",
          "assumption: ten years, two to three IRCC funding cycles",
          fixed("a run setting: the length of the reported period")),
        p("simulation.isos", Int, "organizations", 40.0, 1.0, 5000.0,
          "Immigrant-serving organizations (ISOs) in the modelled region at the start of the warm-up.",
          "assumption: a mid-size region (IRCC funds ~500 organizations outside Quebec; CIMM 43-1)",
          fixed("the size of the modelled region: ISOs scale with arrivals (CIMM 43-1 density)")),
        p("simulation.warmup_months", Int, "months", 120.0, 0.0, 600.0,
          "Months simulated before the first reported month, under the scenario's own regime, so that staff experience, reserves and waiting need start near their steady state; excluded from every summary and time series.",
          "measured (ODD 5): about two mean staff tenures, after which staff experience, reserves and waiting need follow their regime rather than the initial state",
          fixed("a run setting, measured (ODD 5)")),
        p("simulation.synchronized_calendar", Bool, "switch", 0.0, 0.0, 1.0,
          "Teaching calendar: every funder on the April fiscal year with sector-wide calls, so all renewals fall in the same months.",
          "assumption (for teaching; real fiscal years differ by level, see funders.*.fiscal_year_start_month)",
          fixed("a teaching switch")),
        // ---------------------------------------------------------------- newcomers
        p("newcomers.arrivals_per_month", Float, "persons per month", 2000.0, 0.0, 1.0e6,
          "Newcomer arrivals in the region in month 0, before trend, noise and surges.",
          "CIMM 43-1: IRCC funds about 500 organizations for about 300k admissions outside Quebec (2019), 600 arrivals per organization-year; 40 ISOs x 600 = 24k a year (the region's size is an assumption; ISOs scale with it)",
          src("CIMM 43-1")),
        p("newcomers.arrival_trend_per_year", Float, "share per year", 0.04, -0.5, 1.0,
          "Compound growth of arrivals per year.",
          "IRCC annual reports: 341k (2019) to 484k (2024), +7%/yr with the 2020 dip; 4% assumed for the long run",
          src("IRCC annual reports")),
        p("newcomers.arrival_noise_share", Float, "share (sd of log)", 0.10, 0.0, 2.0,
          "Standard deviation of month-to-month log-normal noise in arrivals.",
          "assumption",
          asm(0.05, 0.2, "No figure exists; half to twice the default.")),
        p("newcomers.surge_probability_per_year", Float, "surges per year", 0.10, 0.0, 12.0,
          "Rate (Poisson) at which arrival surges (refugee waves, levels-plan changes) start.",
          "assumption: about one a decade (Syria 2015-16, Afghanistan 2021, Ukraine 2022)",
          asm(0.05, 0.2, "About one surge a decade since 2015 (Syria, Afghanistan, Ukraine); half to twice that.")),
        p("newcomers.surge_size_share", Float, "share", 0.5, 0.0, 10.0,
          "Extra arrivals during a surge, as a share of trend arrivals.",
          "assumption",
          asm(0.25, 1.0, "No figure exists; half to twice the default.")),
        p("newcomers.surge_duration_months", Int, "months", 6.0, 1.0, 120.0,
          "How long a surge lasts.", "assumption",
          asm(3.0, 12.0, "No figure exists; half to twice the default.")),
        p("newcomers.uptake_share", Float, "share of arrivals", 0.463, 0.0, 1.0,
          "Share of arrivals who use settlement services at some time (clients); the rest never come. Need arises for clients only.",
          "StatCan 2022 (Longitudinal Immigration Database): 46.3% of adult immigrants admitted 2016-2020 had used a settlement service by April 2021 (refugees 89.4%, economic principal applicants 35.2%); sweep 0.35-0.89",
          src("StatCan 2022")),
        p("newcomers.economic_share", Float, "share of arrivals", 0.58, 0.0, 1.0,
          "Share of arrivals admitted in the economic class (principal applicants and their dependants). The three category shares are divided by their sum (all zero: a third each).",
          "IRCC admissions 2019: 341,180 permanent residents, about 58% economic",
          src("IRCC admissions 2019")),
        p("newcomers.family_share", Float, "share of arrivals", 0.26, 0.0, 1.0,
          "Share of arrivals admitted in the family class (sponsored spouses, partners, children, parents).",
          "CIC News 2020 (reporting IRCC's 2020 Annual Report to Parliament): about 90,000 family-class admissions of 341,000 in 2019 (26%)",
          src("CIC News 2020")),
        p("newcomers.refugee_share", Float, "share of arrivals", 0.16, 0.0, 1.0,
          "Share of arrivals admitted as refugees and protected persons (here also the small humanitarian and other class).",
          "IRCC admissions 2019: the remainder of economic (58%) and family (26%): 30,087 resettled refugees plus protected persons landed in Canada and the small humanitarian and other class",
          src("IRCC admissions 2019")),
        p("newcomers.uptake_ratio_economic", Float, "ratio to uptake_share", 0.7603, 0.0, 10.0,
          "Uptake of economic-class arrivals relative to newcomers.uptake_share (the category's uptake is uptake_share times this ratio, at most 1).",
          "StatCan 2022: economic principal applicants 35.2% against 46.3% overall (0.352 / 0.463); economic dependants 51.0% (ratio 1.10) bound it above",
          src("StatCan 2022")),
        p("newcomers.uptake_ratio_family", Float, "ratio to uptake_share", 0.8726, 0.0, 10.0,
          "Uptake of family-class arrivals relative to newcomers.uptake_share.",
          "StatCan 2022: family-sponsored immigrants 40.4% against 46.3% overall (0.404 / 0.463)",
          src("StatCan 2022")),
        p("newcomers.uptake_ratio_refugee", Float, "ratio to uptake_share", 1.9309, 0.0, 10.0,
          "Uptake of refugees relative to newcomers.uptake_share.",
          "StatCan 2022: refugees 89.4% against 46.3% overall (0.894 / 0.463)",
          src("StatCan 2022")),
        p("newcomers.economic_eligibility_limit_months", Int, "months", 240.0, 0.0, 240.0,
          "Most months after arrival during which economic-class newcomers may be served with eligibility-restricted money; their window is the lesser of this and eligibility_window_months (240 = no limit beyond citizenship).",
          "IRCC eligibility 2026: economic class up to 6 years after permanent residence from 1 April 2026 (72) and 5 years from 1 April 2027 (60); refugees and family class keep eligibility until citizenship (scenario eligibility_2026)",
          fixed("a policy setting: scenarios and timeline events set it (IRCC eligibility 2026)")),
        p("newcomers.need_hours_per_client", Float, "frontline hours per client", 100.0, 0.0, 10000.0,
          "Settlement service need of one client over need_duration_months, arising month by month on a declining profile (need_halflife_months).",
          "derived (docs/sources.md, \"Need per client\"): IRCC's 2019-20 envelope outside Quebec ($779M, CIMM 43-1) buys 14.5M frontline hours at the model's $53.6 an hour, 48 h per 2019 admission outside Quebec and about 100 h per client at 46.3% uptake; an assumption that need equals what a fully spent program delivers; sweep 50-200",
          asm(50.0, 200.0, "Derived from the federal envelope (CIMM 43-1) on the assumption that need equals what a fully spent program delivers; waiting lists put it higher, other funders' services lower.")),
        p("newcomers.need_halflife_months", Float, "months", 18.0, 1.0, 240.0,
          "Months after arrival in which a client's monthly need halves: need is highest on arrival and declines geometrically.",
          "assumption (IRCC Settlement Outcomes Highlights 2021: 32% of eligible newcomers used information and orientation in their landing year against 46.3% who used any service within up to five years, so first use comes early); sweep 6-48",
          asm(6.0, 48.0, "First use comes early (Settlement Outcomes Highlights 2021) but no figure gives the decline.")),
        p("newcomers.need_duration_months", Int, "months", 96.0, 1.0, 240.0,
          "Months after arrival over which a client's need arises; cohorts are followed this long.",
          "assumption: eight years, past citizenship for most (need after the eligibility window is the long-term need of MLH 6.1); sweep 60-120",
          asm(60.0, 120.0, "Five to ten years after arrival: past citizenship for most; no figure.")),
        p("newcomers.eligibility_window_months", Int, "months", 60.0, 0.0, 240.0,
          "Months after arrival during which need may be served with eligibility-restricted money.",
          "IRCC 2023 Settlement Outcomes Report: eligible from acceptance until citizenship (at the earliest three years of presence; five years typical); from April 2027 economic immigrants up to five years after PR (IRCC notice, March 2026); MLH's \"three-year cut-off\" is the earliest citizenship date; sweep 36-96",
          src("Settlement Outcomes Report 2023")),
        p("newcomers.abandonment_share_per_month", Float, "share per month", 0.05, 0.0, 1.0,
          "Share of need that has already waited a month or more that is given up each month.",
          "assumption",
          asm(0.02, 0.1, "No figure exists; half to twice the default.")),
        p("newcomers.integration_hours_scale", Float, "effective hours per person", 40.0, 0.1, 10000.0,
          "Effective service hours per person (after-window hours weighted) at which a cohort's long-term integration reaches 1 - 1/e.",
          "assumption",
          asm(20.0, 80.0, "No figure exists; half to twice the default.")),
        p("newcomers.long_term_service_weight", Float, "ratio", 1.5, 0.0, 10.0,
          "Weight of an effective hour received after the eligibility window, against one inside it, in long-term integration (sustained service past the first years).",
          "assumption (MLH 6.1, 6.3: integration is a long-term process; the problem lies in the lack of longer-term strategies)",
          asm(1.0, 3.0, "MLH 6.1 gives the direction (later service counts) but no size; from equal weight to twice the default.")),
        p("newcomers.initial_met_share", Float, "share", 0.7, 0.0, 1.0,
          "Share of past need already met for cohorts that arrived before month 0.",
          "assumption",
          asm(0.5, 0.9, "No figure exists; a wide band around the default.")),
        // ---------------------------------------------------------------- service
        p("service.deep_contact_hours", Float, "hours per client-month", 4.0, 0.1, 200.0,
          "Hours per client in a month under case-managed, holistic service.",
          "assumption",
          asm(2.0, 8.0, "No figure exists; half to twice the default.")),
        p("service.shallow_contact_hours", Float, "hours per client-month", 1.0, 0.1, 200.0,
          "Hours per client in a month under short, countable contacts.",
          "assumption",
          asm(0.5, 2.0, "No figure exists; half to twice the default.")),
        p("service.depth_half_hours", Float, "hours per client-month", 2.0, 0.01, 200.0,
          "Depth at which an hour of service is half as effective for integration as the deepest.",
          "assumption (MLH 6.1: short-term outputs vs long-term outcomes)",
          asm(1.0, 4.0, "No figure exists; half to twice the default.")),
        // ---------------------------------------------------------------- iso
        p("iso.size_dispersion_log", Float, "sd of log", 0.5, 0.0, 3.0,
          "Dispersion of ISO size (share of the region's funding and newcomers).",
          "assumption",
          asm(0.25, 1.0, "No figure exists; half to twice the default.")),
        p("iso.admin_staff_share", Float, "share", 0.2, 0.0, 0.9,
          "Share of an ISO's staff positions that are administrative.",
          "assumption",
          asm(0.1, 0.3, "Within the true indirect cost of Bridgespan 2016 together with non-staff overhead; no ISO figure.")),
        p("iso.hours_per_staff_month", Float, "hours per month", 140.0, 1.0, 744.0,
          "Paid hours per staff member per month.", "assumption: 35 h a week",
          fixed("an accounting convention: 35 h a week")),
        p("iso.wage_per_staff_month", Float, "CAD per month", 4800.0, 1.0, 1.0e6,
          "Wage and benefits per staff member per month.",
          "assumption: ~$57.6k a year, Ontario social-services wages",
          asm(4000.0, 5600.0, "Settlement counsellor salaries of $46-52k plus benefits (sector review 2026, CERIC 2018 via KM4S) around the assumed $57.6k.")),
        p("iso.nonstaff_overhead_share", Float, "share of wages", 0.25, 0.0, 5.0,
          "Rent, IT and other non-staff costs as a share of wages.",
          "assumption within Bridgespan 2016 (true indirect median ~40% of direct, incl. admin staff)",
          asm(0.15, 0.4, "Within Bridgespan 2016's true indirect costs (21-89% of direct, with admin staff); no ISO figure.")),
        p("iso.reserve_months_median", Float, "months of cost", 2.0, 0.0, 240.0,
          "Median initial cash reserve, in months of operating cost.",
          "Nonprofit Finance Fund; ONN Sector 360 (2019): about half hold under 3 months (the median of 2 is an assumption)",
          asm(1.5, 4.0, "Sector review 2026: a median of 1.5-4 months fits ISOs (ONN Sector 360 (2019): about half under 3 months).")),
        p("iso.reserve_dispersion_log", Float, "sd of log", 0.8, 0.0, 3.0,
          "Dispersion of initial reserves across ISOs (log-normal).",
          "assumption: gives ~70% under 3 months at the default median",
          asm(0.4, 0.8, "Sector review 2026: 0.4-0.8; the default puts 69% under 3 months against about half in ONN Sector 360 (2019).")),
        p("iso.credit_line_months", Float, "months of opening cost", 0.5, 0.0, 24.0,
          "Limit of the line of credit, in months of the ISO's operating cost at the start (a fixed amount in dollars): payroll is missed when cash falls below minus this limit.",
          "assumption (MLH ISO#19: no bank account to carry wages for a month)",
          asm(0.0, 2.0, "Sector review 2026: 0-2 months, bimodal (small ISOs have no line, large multi-funder ones 1-2 months of payroll); no figure.")),
        p("iso.credit_interest_rate_per_year", Float, "share per year", 0.07, 0.0, 1.0,
          "Interest on the overdrawn balance of the line of credit, charged monthly on the month's mean overdraft.",
          "assumption: Canadian prime rate 2023-2024 about 7% (Bank of Canada); small-organization lines at prime plus 0-2%",
          src("Bank of Canada")),
        p("iso.cash_floor_months", Float, "months of cost", 0.0, 0.0, 24.0,
          "Cash the staffing plan keeps at the end of the planning horizon (0 = cash stays positive); the credit line bridges timing gaps only.",
          "assumption: thin-reserve nonprofits protect payroll and plan to keep cash positive",
          asm(0.0, 1.0, "No figure exists; from no floor to a month of cost.")),
        p("iso.insolvency_grace_months", Int, "months", 1.0, 0.0, 60.0,
          "Consecutive months of missed payroll an ISO survives: it closes when payroll is missed one month more (1 = on the second consecutive miss).",
          "assumption (range 0-2; practitioner judgment: boards wind down before payroll is missed a second time; no published figure)",
          asm(0.0, 2.0, "Sector review 2026: 0-2 (a board winds down before payroll is missed a second time); no published figure.")),
        p("iso.winddown_severance_months", Float, "months of wages per staff member", 1.0, 0.0, 6.0,
          "Termination pay the ISO bears when an agreement ends without renewal (refused at renewal or terminated by a cut), per staff member that agreement's money paid for (0 = none).",
          "Ontario ESA: notice or pay in lieu of 1 week per year of service, at most 8 weeks; at the model's mean initial tenure of about 6 years, about 1.4 months (1 allows for some working notice; range 0-2)",
          asm(0.0, 2.0, "Ontario ESA: pay in lieu of up to 8 weeks; from working notice (none) to two months.")),
        p("iso.winddown_fixed_cost_months", Float, "months", 3.0, 0.0, 24.0,
          "Months for which the non-staff costs (leases, contracts) of the staff an ended agreement paid for run on after it ends, paid monthly over that many months (0 = none).",
          "assumption (range 0-12): leases and service contracts with notice of about a quarter (Toronto Star 2010-12: no IRCC help for wind-down costs, severance or outstanding leases)",
          asm(0.0, 12.0, "Leases and service contracts run on after an agreement ends (Toronto Star 2010: no help with wind-down costs); no figure for how long.")),
        p("iso.winddown_horizon_months", Int, "months", 3.0, 0.0, 24.0,
          "Horizon of the board's monthly check: it winds the ISO down when cash, the credit line, the revenue of agreements in force and held money, and expected donations over this many months fall short of payroll and the wind-down costs still due over them (0 = no board decision: closure by missed payroll only).",
          "assumption (range 1-6): a quarter, the period of the cash-flow forecasts and advance requests of contribution agreements (ACOA advance instructions)",
          asm(1.0, 6.0, "A quarter is the period of contribution agreements' cash-flow forecasts; a board may look from one month to half a year ahead.")),
        p("iso.quit_rate_per_year", Float, "share per year", 0.10, 0.0, 1.0,
          "Staff quit rate when jobs are secure.",
          "Nonprofit HR surveys 2015-2020: 13-21% total turnover; base set below the range",
          src("Nonprofit HR surveys 2015-2020")),
        p("iso.initial_turnover_per_year", Float, "share per year", 0.17, 0.01, 1.0,
          "Staff turnover that sets the initial experience: each ISO's staff start with a mean elapsed tenure of 12 / this value months (spread as the mean of that many exponential tenures).",
          "Nonprofit HR surveys 2015-2020: 13-21% total turnover (midpoint)",
          src("Nonprofit HR surveys 2015-2020")),
        p("iso.insecurity_quit_multiplier", Float, "ratio", 0.8, 0.0, 50.0,
          "Extra quit hazard, relative to base, times the share of contracted revenue that ends within the insecurity horizon or awaits a renewal decision.",
          "assumption (MLH ISO#19: multi-year funding retains quality staff)",
          asm(0.0, 2.0, "Sector review 2026: 0-2, no source (MLH ISO#19 gives the direction only).")),
        p("iso.missed_payroll_quit_share", Float, "share per month", 0.15, 0.0, 1.0,
          "Share of staff who quit in a month in which payroll is missed.",
          "assumption",
          asm(0.05, 0.3, "No figure exists; a third to twice the default.")),
        p("iso.insecurity_horizon_months", Int, "months", 6.0, 0.0, 120.0,
          "Months before a contract ends from which staff feel its renewal is uncertain.",
          "assumption",
          asm(3.0, 12.0, "No figure exists; half to twice the default.")),
        p("iso.hiring_lag_months", Float, "months", 3.0, 0.0, 60.0,
          "Mean time to fill a vacancy (0 = at once).", "assumption",
          asm(1.0, 6.0, "No figure exists; one to six months.")),
        p("iso.learning_months", Float, "months", 12.0, 0.1, 240.0,
          "Time constant of the learning curve of a new hire.", "assumption",
          asm(6.0, 24.0, "No figure exists; half to twice the default.")),
        p("iso.novice_productivity_share", Float, "share", 0.6, 0.0, 1.0,
          "Productivity of a new hire relative to a fully experienced one.", "assumption",
          asm(0.4, 0.8, "No figure exists; a wide band around the default.")),
        p("iso.management_hours_per_staff_month", Float, "hours per staff-month", 8.0, 0.0, 744.0,
          "Administration needed to run the organization, apart from funder reporting.",
          "assumption",
          asm(4.0, 16.0, "No figure exists; half to twice the default.")),
        p("iso.adaptive_strategies", Bool, "switch", 1.0, 0.0, 1.0,
          "ISOs choose their service model, holistic share and fundraising effort each April (off: they keep the starting values below).",
          "MLH 6 (ISOs can opt out of dependence by diversifying), 6.1 (short-term output versus long-term outcome)",
          fixed("a model switch: ISOs choose their strategies or keep the starting values")),
        p("iso.diversification_effort_share", Float, "share of staff hours", 0.04, 0.0, 0.5,
          "Fundraising effort at the start (share of staff hours spent raising donations and fees); afterwards each ISO chooses it (§7.10).",
          "assumption",
          asm(0.02, 0.08, "A starting value each ISO then chooses for itself; half to twice the default.")),
        p("iso.fundraising_scale", Float, "CAD per staff-month", 1013.0, 0.0, 1.0e6,
          "Donations and fees per staff member a month that one fundraising hour per staff member a month raises in an average year; more hours raise more with the elasticity below.",
          "assumption, set so that government is about 66% of revenue at baseline (Barr et al. 2005, via MLH)",
          cal("government about 66% of revenue at baseline (Barr et al. 2005)", "set by hand at the baseline; no shipped posterior")),
        p("iso.fundraising_elasticity", Float, "ratio", 0.2, 0.01, 0.95,
          "Elasticity of donations to fundraising hours (diminishing returns): at an ISO's chosen effort the total fundraising cost is about this share of what it raises, plus the direct cost share.",
          "CRA CG-013: fundraising costs under 35% of revenue raised are unlikely to raise concern, over 70% do; 0.2 puts the baseline's cost ratio near 35%",
          src("CRA CG-013")),
        p("iso.fundraising_cost_share", Float, "CAD per CAD raised", 0.15, 0.0, 1.0,
          "Direct fundraising expense (events, mailings, platforms) per dollar raised, paid in cash beside the staff hours.",
          "assumption; CRA CG-013: total fundraising costs under 35% of the revenue raised are unlikely to raise concern, over 70% do",
          asm(0.05, 0.3, "Sector review 2026: direct cost 0.05-0.3 (CRA CG-013 bounds the total ratio only).")),
        p("iso.donation_volatility", Float, "sd of log", 0.2, 0.0, 2.0,
          "Year-to-year variation of each ISO's donations and fees: the sd of the log of a mean-one yearly factor drawn each April.",
          "assumption: donation income varies from year to year",
          asm(0.1, 0.4, "No figure exists; half to twice the default.")),
        p("iso.holistic_share", Float, "share", 0.5, 0.0, 1.0,
          "Share of unrestricted service hours aimed first at need after the eligibility window, at the start; afterwards each ISO chooses it (§7.14).",
          "assumption (MLH 6.1)",
          asm(0.25, 0.75, "A starting value each ISO then chooses for itself; no figure.")),
        p("iso.deep_service_share", Float, "share", 0.5, 0.0, 1.0,
          "Share of service in the deep, case-managed model (the rest in short, countable contacts) at the start; afterwards each ISO chooses it (§7.14).",
          "assumption (MLH 6.1)",
          asm(0.25, 0.75, "A starting value each ISO then chooses for itself; no figure.")),
        p("iso.mission_weight", Float, "share", 0.5, 0.001, 0.999,
          "Mean weight ISOs give their mission against what their funders score at renewal; each ISO's weight is drawn around it.",
          "assumption",
          asm(0.25, 0.75, "No figure exists; a wide band around an even weight.")),
        p("iso.risk_aversion", Float, "ratio", 0.5, 0.0, 10.0,
          "Mean value ISOs put on independence from their largest funder, net of the risk of volatile donations; each ISO's value is drawn around it (§7.10).",
          "assumption (MLH 6: ISOs can opt out of the funding relationship by diversifying their resources)",
          asm(0.25, 1.0, "No figure exists; half to twice the default.")),
        p("iso.strategy_dispersion", Float, "sd of log-odds", 1.0, 0.0, 5.0,
          "Spread of ISOs' mission weights (on the logit scale) and risk aversion (on the log scale) around their means.",
          "assumption",
          asm(0.5, 2.0, "No figure exists; half to twice the default.")),
        p("iso.choice_sensitivity", Float, "1 / value unit", 10.0, 0.0, 1000.0,
          "How sharply an ISO follows value differences when it chooses its service model and holistic share (logit choice; 0 = always half and half).",
          "assumption",
          asm(5.0, 20.0, "No figure exists; half to twice the default.")),
        p("iso.ask_markup_share", Float, "share per year", 0.05, 0.0, 5.0,
          "How much more than its current agreement an ISO asks for at a renewal, per year the agreement ran (a first application asks its catchment's share of the budget plus this).",
          "loosely, IRCC 2019 call: $7B asked for $4B",
          asm(0.05, 0.3, "Sector review 2026: 0.05-0.3 (IRCC 2019 call: $7B asked for $4B).")),
        p("iso.proposal_hours", Float, "hours per proposal", 80.0, 0.0, 10000.0,
          "Staff hours to write one proposal at a call.", "assumption",
          asm(40.0, 160.0, "No figure exists; half to twice the default.")),
        p("iso.reserve_target_months", Float, "months of cost", 2.0, 0.0, 240.0,
          "Reserve an ISO aims to keep; cash above it is spent on staff over a year.",
          "assumption: about the sector median (Nonprofit Finance Fund; ONN Sector 360 (2019))",
          asm(2.0, 6.0, "Sector review 2026: boards aim at 3-6 months (ONN Sector 360 (2019)'s bare minimum is 3); widened to the current default 2.")),
        p("iso.surplus_spend_cap_share", Float, "share of contracted revenue per month", 0.1, 0.0, 10.0,
          "Largest monthly spending of cash above the reserve target on extra staff, as a share of contracted revenue.",
          "assumption: organizations grow cautiously out of reserves",
          asm(0.05, 0.2, "No figure exists; half to twice the default.")),
        p("iso.planning_horizon_months", Int, "months", 3.0, 1.0, 24.0,
          "Months ahead an ISO projects cash when deciding layoffs and hiring.", "assumption",
          asm(1.0, 6.0, "No figure exists; one to six months.")),
        // ---------------------------------------------------------------- trust
        p("trust.initial", Float, "index 0-1", 0.5, 0.0, 1.0,
          "Trust of every funder-ISO relationship at month 0.", "assumption",
          asm(0.3, 0.7, "No figure exists; a wide band around the midpoint.")),
        p("trust.build_per_month", Float, "share per month", 0.06, 0.0, 1.0,
          "Share of the gap to full trust closed per month of contact, scaled by officer knowledge and contact.",
          "assumption (MLH 5.3, 5.6)",
          asm(0.03, 0.12, "No figure exists; half to twice the default.")),
        p("trust.late_payment_erosion_share", Float, "share", 0.15, 0.0, 1.0,
          "Share of trust lost when a payment comes late.", "assumption (MLH 5.1)",
          asm(0.05, 0.3, "No figure exists; a third to twice the default.")),
        p("trust.cut_erosion_share", Float, "share", 0.5, 0.0, 1.0,
          "Share of trust lost when a funder cuts or does not renew a contract.", "assumption",
          asm(0.25, 0.75, "No figure exists; a wide band around the default.")),
        p("trust.micromanagement_erosion_per_month", Float, "share per month", 0.03, 0.0, 1.0,
          "Share of trust lost per month per unit of micromanagement.", "assumption (MLH ISO#20)",
          asm(0.015, 0.06, "No figure exists; half to twice the default.")),
        // ---------------------------------------------------------------- brinkerhoff
        p("brinkerhoff.threshold", Float, "index 0-1", 0.5, 0.0, 1.0,
          "Level above which mutuality or organization identity counts as high.",
          "Brinkerhoff (2002), via MLH 3",
          fixed("a classification convention: the midpoint counts as high (Brinkerhoff (2002))")),
        p("brinkerhoff.identity_adjust_per_month", Float, "share per month", 0.1, 0.0, 1.0,
          "Speed at which organization identity moves towards its current pressure-determined level.",
          "assumption",
          asm(0.05, 0.2, "No figure exists; half to twice the default.")),
        // ---------------------------------------------------------------- reporting
        p("reporting.coordinated", Bool, "switch", 0.0, 0.0, 1.0,
          "Funders accept one coordinated report: fixed report preparation is shared.",
          "MLH 6.2, 7 (coordinated reporting)",
          fixed("a regime switch: scenarios set it")),
        p("reporting.coordination_saving_share", Float, "share", 0.4, 0.0, 1.0,
          "Share of fixed reporting and report preparation saved when reporting is coordinated.", "assumption",
          asm(0.2, 0.6, "No figure exists; a wide band around the default.")),
        // ---------------------------------------------------------------- partnerships
        p("partnerships.enabled", Bool, "switch", 0.0, 0.0, 1.0,
          "Local and regional partnerships among ISOs can form (off: the submodel does nothing and draws nothing).",
          "GA (local and regional partnerships)",
          fixed("a regime switch: scenarios set it")),
        p("partnerships.open_membership", Bool, "switch", 1.0, 0.0, 1.0,
          "Informal partnerships (convened by a champion or a facilitator) have open membership: ISOs outside any partnership may join one in months no new partnership is convened.",
          "GA (Brandon: open membership)",
          fixed("a regime switch: scenarios set it (GA, Brandon)")),
        p("partnerships.initial_alignment", Choice(ALIGNMENTS), "level", 0.0, 0.0, 3.0,
          "Alignment of functions, roles and responsibilities when an informal partnership forms (a funded one starts at least contributory, a sub-partnership at least operational; never above max_alignment).",
          "GA Table 1, typology 5 (Kernaghan, Marson and Borins 2000)",
          fixed("a regime setting: scenarios set it (GA Table 1)")),
        p("partnerships.max_alignment", Choice(ALIGNMENTS), "level", 3.0, 0.0, 3.0,
          "Highest alignment a partnership can move up to.", "assumption",
          asm(1.0, 3.0, "No figure exists; from contributory to collaborative.")),
        p("partnerships.other_sectors", Int, "sectors", 2.0, 0.0, 6.0,
          "Non-ISO sectors at the table, taken in the order city, health, education, police, employers, university (counted, not agents).",
          "GA Table 1, typologies 2 and 4; assumption",
          asm(0.0, 4.0, "GA's cases range from a few sectors to many; no count.")),
        p("partnerships.orgs_per_sector", Int, "organizations", 1.0, 0.0, 100.0,
          "Non-ISO organizations per sector at the table.", "assumption",
          asm(1.0, 3.0, "No figure exists.")),
        p("partnerships.champion_rate_per_year", Float, "champions per year", 1.0, 0.0, 12.0,
          "Rate (Poisson) at which a local champion convenes a new informal partnership; also the rate at which a partnership without a champion finds one.",
          "GA (champions and leaders); assumption",
          asm(0.5, 2.0, "GA names champions but gives no rate; half to twice the default.")),
        p("partnerships.champion_loss_per_year", Float, "per year", 0.3, 0.0, 12.0,
          "Rate (Poisson) at which a partnership's champion leaves.", "assumption",
          asm(0.15, 0.6, "No figure exists; half to twice the default.")),
        p("partnerships.call_interval_months", Int, "months", 0.0, 0.0, 120.0,
          "Months between a funder's calls for a Local Immigration Partnership, in model months that are multiples of it counted from the first reported month, warm-up included (0: no calls). At a call, ISOs outside any partnership are invited: those willing form a formal partnership with a secretariat the funder pays until the next call, or join the funded one operating, whose funding is renewed.",
          "GA (Calgary LIP: formed through the federal call for proposals, funded secretariat); interval assumption (agreements of 3 to 5 years: IRCC 2019 call, KM4S 2025)",
          fixed("a regime setting: scenarios set it (0: no calls)")),
        p("partnerships.facilitator_rate_per_year", Float, "convenings per year", 0.0, 0.0, 12.0,
          "Rate (Poisson) at which a facilitator without money (a university research institute) convenes ISOs outside any partnership into an informal one (0: no facilitator).",
          "GA (Brandon: the Rural Development Institute's facilitative role); rate assumption",
          fixed("a regime setting: scenarios set it (0: no facilitator)")),
        p("partnerships.facilitation_familiarity_share", Float, "share", 0.3, 0.0, 1.0,
          "Share of the gap to full familiarity each ISO a facilitator approaches closes when prospective partners are brought together to share information (before they decide to join).",
          "GA (Brandon: the facilitator brought prospective partners together to share important information); assumption",
          asm(0.15, 0.6, "GA describes the facilitator's role but gives no size; half to twice the default.")),
        p("partnerships.facilitation_months", Int, "months", 24.0, 0.0, 240.0,
          "Months after formation during which the facilitator supports a partnership it convened: it counts as leadership in cohesion, like a champion.",
          "GA (Brandon: facilitation during the early formation stage; leaders who ensure creation tasks are undertaken); assumption",
          asm(12.0, 48.0, "GA: the early formation stage; no length; half to twice the default.")),
        p("partnerships.sub_rate_per_year", Float, "per year", 0.5, 0.0, 12.0,
          "Rate (Poisson) at which an informal partnership that is operational or collaborative and cohesive (above alignment_up_cohesion) spawns a formal sub-partnership among some of its members (0: never).",
          "GA (Brandon: the informal citywide partnership facilitated several more formal partnerships among some of the partners); rate assumption",
          asm(0.25, 1.0, "GA reports sub-partnerships but no rate; half to twice the default.")),
        p("partnerships.convene_share", Float, "share", 0.3, 0.0, 1.0,
          "Share of ISOs outside any partnership a champion or facilitator approaches when convening; share of a partnership's members approached for a sub-partnership.", "assumption",
          asm(0.15, 0.6, "No figure exists; half to twice the default.")),
        p("partnerships.open_join_share_per_month", Float, "share per month", 0.03, 0.0, 1.0,
          "Monthly chance, times its willingness, that an ISO outside any partnership joins an open-membership one.",
          "assumption (GA: Brandon growing)",
          asm(0.015, 0.06, "No figure exists; half to twice the default.")),
        p("partnerships.need_recognition_share", Float, "share", 0.2, 0.001, 1.0,
          "Smoothed regional unmet-need share at which need is fully recognized.",
          "GA (recognition of need); assumption",
          asm(0.1, 0.4, "No figure exists; half to twice the default.")),
        p("partnerships.need_smoothing_per_month", Float, "share per month", 0.1, 0.0, 1.0,
          "Smoothing of the unmet-need share organizations perceive.", "assumption",
          asm(0.05, 0.2, "No figure exists; half to twice the default.")),
        p("partnerships.initial_familiarity", Float, "index 0-1", 0.4, 0.0, 1.0,
          "Interpersonal relations of each ISO with its peers at month 0.",
          "GA (interpersonal relations); assumption",
          asm(0.2, 0.6, "No figure exists; a wide band around the default.")),
        p("partnerships.familiarity_build_per_month", Float, "share per month", 0.05, 0.0, 1.0,
          "Share of the gap to full familiarity a member closes per month in a partnership.", "assumption",
          asm(0.025, 0.1, "No figure exists; half to twice the default.")),
        p("partnerships.tolerable_meeting_hours", Float, "hours per month", 40.0, 0.1, 744.0,
          "Meeting hours per member per month that would outweigh all the reasons to join.", "assumption",
          asm(20.0, 80.0, "No figure exists; half to twice the default.")),
        p("partnerships.meeting_hours_informal", Float, "hours per member-month", 4.0, 0.0, 744.0,
          "Meeting hours per member per month of an informal consultative partnership.",
          "assumption (Brandon: periodic meetings)",
          asm(2.0, 8.0, "GA: periodic meetings; half to twice the default.")),
        p("partnerships.meeting_hours_formal", Float, "hours per member-month", 10.0, 0.0, 744.0,
          "Meeting hours per member per month of a formal consultative partnership (written terms, council, tables, teams), before a secretariat's saving.",
          "assumption (Calgary LIP structures)",
          asm(5.0, 20.0, "GA: Calgary's council, tables and teams; half to twice the default.")),
        p("partnerships.meeting_alignment_step_share", Float, "share per level", 0.25, 0.0, 10.0,
          "Extra meeting hours per level of alignment above consultative.", "assumption",
          asm(0.1, 0.5, "No figure exists; a wide band around the default.")),
        p("partnerships.secretariat_meeting_saving_share", Float, "share", 0.5, 0.0, 1.0,
          "Share of a partnership's work a funded secretariat takes over (agendas, minutes, coordination, accountability to the funder): members' meeting hours fall by it, and it counts as resources provided (capacity when deciding to join, resources in cohesion).",
          "GA (Calgary LIP secretariat); assumption",
          asm(0.25, 0.75, "GA describes the secretariat but gives no size; a wide band.")),
        p("partnerships.initial_cohesion", Float, "index 0-1", 0.5, 0.0, 1.0,
          "Cohesion of a partnership when it forms.", "assumption",
          asm(0.35, 0.65, "No figure exists; a band around the midpoint.")),
        p("partnerships.cohesion_adjust_per_month", Float, "share per month", 0.1, 0.0, 1.0,
          "Speed at which cohesion moves towards the level its operation factors support.", "assumption",
          asm(0.05, 0.2, "No figure exists; half to twice the default.")),
        p("partnerships.cohesion_noise_sd", Float, "index per month", 0.05, 0.0, 1.0,
          "Month-to-month noise of cohesion (standard deviation).", "assumption",
          asm(0.025, 0.1, "No figure exists; half to twice the default.")),
        p("partnerships.dissolve_cohesion", Float, "index 0-1", 0.3, 0.0, 1.0,
          "Cohesion below which a partnership of any kind dissolves.",
          "assumption",
          asm(0.2, 0.4, "No figure exists; kept below the alignment thresholds.")),
        p("partnerships.alignment_up_cohesion", Float, "index 0-1", 0.6, 0.0, 1.0,
          "Cohesion above which a partnership moves up one alignment level.", "assumption",
          asm(0.5, 0.8, "No figure exists; kept above the dissolution threshold.")),
        p("partnerships.alignment_down_cohesion", Float, "index 0-1", 0.35, 0.0, 1.0,
          "Cohesion below which a partnership moves down one alignment level.", "assumption",
          asm(0.3, 0.45, "No figure exists; kept between the other thresholds.")),
        p("partnerships.alignment_step_months", Int, "months", 12.0, 1.0, 240.0,
          "Months at least between two changes of a partnership's alignment.", "assumption",
          asm(6.0, 24.0, "No figure exists; half to twice the default.")),
        p("partnerships.referral_share", Float, "share", 0.5, 0.0, 1.0,
          "Share of a member's unmet catchment need that can be referred to members with spare hours in a collaborative partnership; times alignment / 4 at lower levels.",
          "GA (operational and collaborative partnerships deliver services jointly); assumption",
          asm(0.25, 0.75, "GA: partners deliver services jointly; no share.")),
        p("partnerships.training_learning_share", Float, "share", 0.25, 0.0, 0.95,
          "Share by which shared professional development shortens members' learning time constant (alignment at least contributory).",
          "GA (contributory: pooled resources); assumption",
          asm(0.1, 0.5, "GA: pooled professional development; no size.")),
        p("partnerships.joint_proposal_saving_share", Float, "share", 0.3, 0.0, 1.0,
          "Share of proposal hours members save by writing joint proposals (alignment at least operational).",
          "assumption",
          asm(0.15, 0.6, "No figure exists; half to twice the default.")),
    ];

    let n = Kind::Choice(MEASURES);
    let funder_keys = [
        FunderKey { key: "enabled", kind: Bool, unit: "switch", defaults: [1.0, 1.0, 1.0, 1.0], min: 0.0, max: 1.0,
            description: "Whether this funder exists in the scenario.", source: "MLH: federal, provincial, municipal and philanthropic funders",
            grounds: [fixed("a regime switch: scenarios set it"); 4] },
        FunderKey { key: "fiscal_year_start_month", kind: Int, unit: "month of the year", defaults: [4.0, 4.0, 1.0, 1.0], min: 1.0, max: 12.0,
            description: "First month of the funder's fiscal year (1 = January, 4 = April): late-payment draws fall here, and unexpended program advances are recovered at its end.",
            source: "federal and provincial: 1 April (Financial Administration Act; provincial acts); municipal: calendar year (municipal acts); foundation: assumption",
            grounds: [src("Financial Administration Act"), src("provincial acts"), src("municipal acts"), asm(1.0, 4.0, "Foundations keep the calendar year or the April year; no figure.")] },
        FunderKey { key: "call_cycle", kind: Choice(CALL_CYCLES), unit: "choice", defaults: [0.0, 1.0, 1.0, 1.0], min: 0.0, max: 1.0,
            description: "How agreements are renewed: sector_wide (one call for all agreements, common start and end dates, in the fiscal-year start month) or rolling (each agreement is renewed when it ends; first applications at an annual intake in the fiscal-year start month).",
            source: "federal: the 2019 and 2024 IRCC calls set sector-wide start dates; others assumption (agreements start when signed)",
            grounds: [fixed("a regime setting: scenarios set it (IRCC 2019 call)"); 4] },
        FunderKey { key: "budget_per_newcomer", kind: Float, unit: "CAD per month per monthly arrival", defaults: [2284.0, 300.0, 100.0, 400.0], min: 0.0, max: 1.0e6,
            description: "Monthly budget per newcomer arriving per month (on the lagged average of arrivals).",
            source: "federal: IRCC ~$779M (2019-20) / 341k admissions; others assumption",
            grounds: [src("CIMM 43-1"), asm(150.0, 600.0, "No figure exists; half to twice the default."), asm(50.0, 200.0, "No figure exists; half to twice the default."), asm(100.0, 400.0, "Sector review 2026: 100-400; no figure for foundation money per newcomer.")] },
        FunderKey { key: "budget_lag_months", kind: Int, unit: "months", defaults: [36.0, 12.0, 12.0, 12.0], min: 1.0, max: 240.0,
            description: "Window of the moving average of arrivals the budget follows.",
            source: "federal: IRCC allocates on a rolling 3-year average of landings; others assumption",
            grounds: [src("CIMM 43-1"), asm(6.0, 24.0, "No figure exists; half to twice the default."), asm(6.0, 24.0, "No figure exists; half to twice the default."), asm(6.0, 24.0, "No figure exists; half to twice the default.")] },
        FunderKey { key: "budget_follow_share", kind: Float, unit: "share", defaults: [1.0, 1.0, 1.0, 0.0], min: 0.0, max: 1.0,
            description: "How far the budget follows arrivals (1) rather than staying at the level of reported month 0 (0), throughout the warm-up and the run.",
            source: "assumption (MLH 5.1: funding is not keeping up)",
            grounds: [asm(0.5, 1.0, "MLH 5.1: funding is not keeping up; from half to full following."), asm(0.5, 1.0, "MLH 5.1: funding is not keeping up; from half to full following."), asm(0.5, 1.0, "MLH 5.1: funding is not keeping up; from half to full following."), asm(0.0, 0.5, "Foundation money need not follow arrivals; no figure.")] },
        FunderKey { key: "shock_probability_per_year", kind: Float, unit: "shocks per year", defaults: [0.2, 0.06, 0.03, 0.03], min: 0.0, max: 12.0,
            description: "Rate (Poisson) of policy shocks that cut the budget, amend agreements and terminate contracts.",
            source: "federal: IRCC cut events (three in 15 years: Ontario 2011, the CFP 2024 non-renewals, the 2026-27 amendments), range 0.1-0.25; others assumption (Ontario 2011)",
            grounds: [asm(0.1, 0.25, "IRCC cut events: three federal cut events in about 15 years (0.2); sector review 2026: 0.1-0.25."), asm(0.03, 0.25, "Sector review 2026: 0.1-0.25 a year for the federal program; no provincial figure."), asm(0.015, 0.06, "No figure exists; half to twice the default."), asm(0.015, 0.06, "No figure exists; half to twice the default.")] },
        FunderKey { key: "shock_cut_share", kind: Float, unit: "share", defaults: [0.12, 0.12, 0.12, 0.12], min: 0.0, max: 1.0,
            description: "Share of the budget removed by a shock (recovering over shock_recovery_months): part by amending every agreement (shock_amend_share), the rest by ending the lowest-ranked contracts at once.",
            source: "Ontario 2011 (Toronto Star 2010): 34 agencies lost all funding, about $43M of $387M (11%) cut",
            grounds: [src("Ontario 2011"); 4] },
        FunderKey { key: "shock_recovery_months", kind: Float, unit: "months", defaults: [0.0, 0.0, 0.0, 0.0], min: 0.0, max: 1200.0,
            description: "Time constant with which a budget cut by policy shocks recovers towards the level arrivals call for (0 = cuts are permanent; the budget still follows arrivals).",
            source: "IRCC cut events: no restoration of a cut seen (Ontario's allocation rebuilt with landings, not restored); range 0-120",
            grounds: [asm(0.0, 120.0, "Sector review 2026: from no recovery (none seen: IRCC cut events) to 120 months."); 4] },
        FunderKey { key: "shock_amend_share", kind: Float, unit: "share", defaults: [0.5, 0.5, 0.5, 0.5], min: 0.0, max: 1.0,
            description: "Share of a cut made by amending every agreement (contracts in force and pending awards lose shock_amend_share * cut of their unprotected part); the lowest-ranked contracts then end until the rest fits (0 = terminations only).",
            source: "assumption (range 0-1): of the IRCC cut events, 2010-11 ended 34 Ontario agencies' agreements (Ontario 2011) and 2026-27 amended every agreement (IRCC 2026 amendments)",
            grounds: [asm(0.0, 1.0, "Of the IRCC cut events, 2010-11 ended agreements and 2026-27 amended every one; anywhere between."); 4] },
        FunderKey { key: "shock_protected_share", kind: Float, unit: "share", defaults: [0.25, 0.25, 0.25, 0.25], min: 0.0, max: 1.0,
            description: "Share of each agreement (protected services) that an amending cut leaves untouched.",
            source: "assumption (range 0-0.5): refugee services were protected in the 2026-27 amendments (IRCC 2026 amendments); refugees are about a quarter of settlement clients",
            grounds: [asm(0.0, 0.5, "Refugee services were protected in the 2026-27 amendments; none to half of an agreement."); 4] },
        FunderKey { key: "contract_months", kind: Int, unit: "months", defaults: [60.0, 24.0, 12.0, 12.0], min: 1.0, max: 120.0,
            description: "Length of an agreement; renewal is by competitive call when it ends.",
            source: "federal: IRCC 2019 call, agreements 2020-21 to 2024-25 (5 years; the 2024 call: 3 years; MLH 5.1: annual contracts c. 2010, scenario annual_2010s); provincial: Ontario NSP 2013, two-year funding (Caribbean Camera 2013); municipal, foundation: assumption (range 12-36)",
            grounds: [asm(12.0, 60.0, "Sector review 2026: 36-60 for a post-2019 baseline (IRCC 2019 call, KM4S 2025), 12 for the annual renewals of MLH."), asm(12.0, 36.0, "Ontario agreements of one to three years; no single figure."), asm(12.0, 36.0, "Municipal grants of one to three years; no figure."), asm(12.0, 36.0, "Foundation grants of one to three years; no figure.")] },
        FunderKey { key: "core_share", kind: Float, unit: "share", defaults: [0.0, 0.0, 0.2, 0.5], min: 0.0, max: 1.0,
            description: "Share of a contract that is unrestricted core operating funding (the rest is program-restricted).",
            source: "MLH 5.1: program-specific federal funding; others assumption",
            grounds: [src("MLH"), asm(0.0, 0.2, "No figure exists; none to a fifth."), asm(0.1, 0.4, "No figure exists; half to twice the default."), asm(0.2, 0.5, "Sector review 2026: foundation core 0.2-0.5 (United Way-type agency funding).")] },
        FunderKey { key: "eligibility_restricted", kind: Bool, unit: "switch", defaults: [1.0, 0.0, 0.0, 0.0], min: 0.0, max: 1.0,
            description: "Whether program money may serve only newcomers inside the eligibility window.",
            source: "MLH: federal three-year cut-off",
            grounds: [fixed("a regime switch: scenarios set it (MLH: the federal cut-off)"); 4] },
        FunderKey { key: "indirect_rate_share", kind: Float, unit: "share of direct cost", defaults: [0.12, 0.12, 0.12, 0.15], min: 0.0, max: 5.0,
            description: "Overhead a program contract reimburses on top of wages: program money is reimbursement of eligible costs (wages plus this rate); advances not matched by eligible costs are recovered at the funder's fiscal-year end.",
            source: "Gregory & Howard 2009: funders pay 10-15%",
            grounds: [asm(0.1, 0.15, "Gregory & Howard 2009 and Bridgespan 2016: funders pay 10-15%."); 4] },
        FunderKey { key: "decision_delay_months", kind: Int, unit: "months", defaults: [0.0, 1.0, 1.0, 0.0], min: 0.0, max: 24.0,
            description: "Months after a contract period starts before the renewal decision (and first payment) arrives.",
            source: "federal: IRCC 2019 call, decisions sent 9 Aug 2019 for 1 Apr 2020 (QP note 2019), so none after the start (the 2024 call: 9 weeks late, still before its start, KM4S 2025; annual_2010s: 1); others: assumption for routine renewals",
            grounds: [asm(0.0, 3.0, "Sector review 2026: 0 inside a multi-year agreement, 0-1 in a call year, 2-3 only as a stress case (IRCC 2019 call decided 8 months early; KM4S 2025: 9 weeks late)."), asm(0.0, 2.0, "Sector review 2026: 0-2 (Ontario allows streamlined renewal of ongoing agreements)."), asm(0.0, 2.0, "No figure exists; none to two months."), asm(0.0, 2.0, "No figure exists; none to two months.")] },
        FunderKey { key: "late_payment_probability", kind: Float, unit: "probability per contract-year", defaults: [0.35, 0.35, 0.35, 0.1], min: 0.0, max: 1.0,
            description: "Chance that the first payments of a contract-year come late.",
            source: "Urban Institute 2010, 2013: 30-40% of contracted nonprofits paid late",
            grounds: [src("Urban Institute 2010"), src("Urban Institute 2010"), src("Urban Institute 2010"), asm(0.05, 0.2, "No figure exists; half to twice the default.")] },
        FunderKey { key: "late_payment_days_min", kind: Float, unit: "days", defaults: [10.0, 10.0, 10.0, 10.0], min: 0.0, max: 720.0,
            description: "Shortest delay of a late payment, in days; a delay is min + (max - min) * u^2 with u uniform, skewed to short delays.",
            source: "Urban Institute 2013: with 10-120 days, 17% of late payers are 61-90 days late (survey 20-24%) and 15% over 90",
            grounds: [src("Urban Institute 2013"); 4] },
        FunderKey { key: "late_payment_days_max", kind: Float, unit: "days", defaults: [120.0, 120.0, 120.0, 120.0], min: 0.0, max: 720.0,
            description: "Longest delay of a late payment.", source: "Urban Institute 2013",
            grounds: [src("Urban Institute 2013"); 4] },
        FunderKey { key: "holdback_share", kind: Float, unit: "share", defaults: [0.1, 0.1, 0.0, 0.1], min: 0.0, max: 0.5,
            description: "Share of every payment of an agreement year held back until the year's final report (0 = none); paid final_report_months after the agreement year or the agreement ends.",
            source: "OTF payment release policy: 10% until the final report; DoJ contribution handbook 2002: federal contributions hold back a percentage until reporting is verified (IRCC's percentage not found); municipal: assumption 0 (range 0-0.2)",
            grounds: [asm(0.0, 0.2, "OTF payment release policy holds back 10%; the federal percentage was not found (DoJ contribution handbook 2002); none to a fifth."); 4] },
        FunderKey { key: "final_report_months", kind: Int, unit: "months", defaults: [4.0, 4.0, 3.0, 3.0], min: 0.0, max: 24.0,
            description: "Months from the end of an agreement year (or of the agreement) to the payment of its holdback: the final report and its review.",
            source: "assumption (range 2-6): final reports due about a quarter after the year ends, then reviewed",
            grounds: [asm(2.0, 6.0, "Final reports are due about a quarter after the year ends, then reviewed; no figure."); 4] },
        FunderKey { key: "reporting_hours_per_month", kind: Float, unit: "hours per month", defaults: [20.0, 10.0, 6.0, 6.0], min: 0.0, max: 10000.0,
            description: "Fixed monthly reporting work for one contract, whatever its size.",
            source: "assumption (Urban Institute 2010: 3/4 call reporting a problem)",
            grounds: [asm(10.0, 40.0, "Sector review 2026: 10-40 hours a month fixed (more for larger agreements); no time study."), asm(5.0, 20.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default.")] },
        FunderKey { key: "reporting_per_client_hours", kind: Float, unit: "hours per client counted", defaults: [0.25, 0.1, 0.1, 0.05], min: 0.0, max: 100.0,
            description: "Data entry per client counted, charged under output measures.",
            source: "assumption (MLH 5.3)",
            grounds: [asm(0.1, 0.5, "Sector review 2026: 0.1-0.5 hours per client counted (minutes per service record); no published time study of iCARE entry."), asm(0.05, 0.2, "No figure exists; half to twice the default."), asm(0.05, 0.2, "No figure exists; half to twice the default."), asm(0.025, 0.1, "No figure exists; half to twice the default.")] },
        FunderKey { key: "reports_per_year", kind: Float, unit: "reports per year", defaults: [4.0, 2.0, 1.0, 1.0], min: 0.0, max: 52.0,
            description: "Formal reports due per year.", source: "assumption",
            grounds: [asm(2.0, 4.0, "Quarterly claims and reports under IRCC agreements, fewer where first-quarter reports are waived; practitioner judgment (sector review 2026)."), asm(1.0, 4.0, "No figure exists; half to twice the default."), asm(1.0, 2.0, "One or two reports a year; no figure."), asm(1.0, 2.0, "One or two reports a year; no figure.")] },
        FunderKey { key: "report_prep_hours", kind: Float, unit: "hours per report", defaults: [24.0, 16.0, 8.0, 8.0], min: 0.0, max: 10000.0,
            description: "Hours to prepare one formal report.", source: "assumption",
            grounds: [asm(12.0, 48.0, "No figure exists; half to twice the default."), asm(8.0, 32.0, "No figure exists; half to twice the default."), asm(4.0, 16.0, "No figure exists; half to twice the default."), asm(4.0, 16.0, "No figure exists; half to twice the default.")] },
        FunderKey { key: "measure", kind: n, unit: "choice", defaults: [0.0, 0.0, 0.0, 1.0], min: 0.0, max: 1.0,
            description: "What the funder measures and ranks on: clients counted (output) or integration gained (outcome).",
            source: "MLH 6.1, 6.3",
            grounds: [fixed("a regime setting: scenarios set it (MLH 6.1, 6.3)"); 4] },
        FunderKey { key: "outcome_measurement_hours_per_month", kind: Float, unit: "hours per month", defaults: [10.0, 10.0, 10.0, 10.0], min: 0.0, max: 10000.0,
            description: "Monthly work of outcome measurement (follow-up surveys), charged under outcome measures.",
            source: "assumption",
            grounds: [asm(5.0, 20.0, "No figure exists; half to twice the default."); 4] },
        FunderKey { key: "micromanagement_share", kind: Float, unit: "share", defaults: [0.3, 0.15, 0.1, 0.05], min: 0.0, max: 5.0,
            description: "Mark-up on the contract's fixed reporting and formal report preparation (not on per-client data entry or outcome measurement); the same share, capped at 1, erodes trust and presses on organization identity.",
            source: "assumption (MLH ISO#20: two times more into administration)",
            grounds: [asm(0.0, 1.0, "Sector review 2026: 0-1 (a literal reading of MLH ISO#20 is near 1)."), asm(0.0, 1.0, "Sector review 2026: 0-1."), asm(0.0, 0.5, "No figure exists; none to half."), asm(0.0, 0.5, "No figure exists; none to half.")] },
        FunderKey { key: "officer_rotation_months", kind: Float, unit: "months", defaults: [18.0, 30.0, 36.0, 48.0], min: 0.0, max: 1200.0,
            description: "Mean time a program officer stays on a file (0 = officers never rotate; values below 1 act as 1).",
            source: "MLH: rotating one or two years; PSC testimony 2009 (qualitative)",
            grounds: [asm(12.0, 36.0, "Sector review 2026: federal 12-36 (MLH: one or two years)."), asm(18.0, 48.0, "Sector review 2026: provincial 18-48."), asm(18.0, 72.0, "No figure exists; between the provincial and foundation ranges."), asm(36.0, 72.0, "Sector review 2026: foundation 36-72.")] },
        FunderKey { key: "new_officer_knowledge_share", kind: Float, unit: "share", defaults: [0.2, 0.2, 0.2, 0.2], min: 0.0, max: 1.0,
            description: "Knowledge of the file a new officer starts with.", source: "assumption (MLH: no corporate memory)",
            grounds: [asm(0.0, 0.5, "MLH: no corporate memory; from none to half."); 4] },
        FunderKey { key: "officer_learning_months", kind: Float, unit: "months", defaults: [12.0, 12.0, 12.0, 12.0], min: 1.0, max: 240.0,
            description: "Time constant with which an officer learns a file.", source: "assumption",
            grounds: [asm(6.0, 24.0, "No figure exists; half to twice the default."); 4] },
        FunderKey { key: "explanation_hours_per_month", kind: Float, unit: "hours per month", defaults: [12.0, 8.0, 6.0, 6.0], min: 0.0, max: 10000.0,
            description: "ISO hours spent briefing an officer with no knowledge (scaled by 1 - knowledge).",
            source: "assumption (MLH ISO#18: we often feel like we're training new staff)",
            grounds: [asm(6.0, 24.0, "No figure exists; half to twice the default."), asm(4.0, 16.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default.")] },
        FunderKey { key: "officer_decision_delay_months", kind: Float, unit: "months", defaults: [0.0, 2.0, 1.0, 1.0], min: 0.0, max: 24.0,
            description: "Extra decision delay at renewal for an officer with no knowledge (scaled by 1 - knowledge).",
            source: "assumption (MLH 5.3); federal 0: the 2019 call decided eight months before agreements started (annual_2010s: 2)",
            grounds: [asm(0.0, 3.0, "MLH 5.3 gives the direction; none to three months."), asm(0.0, 3.0, "MLH 5.3 gives the direction; none to three months."), asm(0.0, 2.0, "No figure exists; none to two months."), asm(0.0, 2.0, "No figure exists; none to two months.")] },
        FunderKey { key: "trust_reset_share", kind: Float, unit: "share", defaults: [0.3, 0.3, 0.3, 0.3], min: 0.0, max: 1.0,
            description: "Share of trust lost when the officer on a file changes.", source: "assumption (MLH 5.3)",
            grounds: [asm(0.1, 0.6, "MLH 5.3 gives the direction; a wide band."); 4] },
        FunderKey { key: "contact_share", kind: Float, unit: "share", defaults: [0.4, 0.7, 0.9, 0.8], min: 0.0, max: 1.0,
            description: "Closeness of contact with ISOs; scales how fast trust is built.",
            source: "MLH 5.6: provinces rated better than federal (\"Ottawa is far away\"); levels assumed",
            grounds: [asm(0.2, 0.6, "MLH 5.6 orders the funders (Ottawa is far away) but gives no levels."), asm(0.5, 0.9, "MLH 5.6 orders the funders but gives no levels."), asm(0.7, 1.0, "MLH 5.6 orders the funders but gives no levels."), asm(0.6, 1.0, "MLH 5.6 orders the funders but gives no levels.")] },
        FunderKey { key: "alternatives", kind: Int, unit: "applicants", defaults: [10.0, 5.0, 3.0, 5.0], min: 0.0, max: 100000.0,
            description: "Applicants outside the modelled ISOs competing at each call (the funder's alternatives).",
            source: "MLH 6 (many alternatives); IRCC 2019 call: 1,315 proposals from 821 applicants, 67% of applicants approved",
            grounds: [asm(10.0, 30.0, "Sector review 2026: 10-30 (821 applicants for 552 approvals in the IRCC 2019 call imply about 20)."), asm(3.0, 30.0, "Sector review 2026: Ontario 2011 implies about 30."), asm(1.0, 6.0, "No figure exists; half to twice the default."), asm(2.0, 10.0, "No figure exists; half to twice the default.")] },
        FunderKey { key: "alternative_quality_share", kind: Float, unit: "score units", defaults: [0.8, 0.8, 0.8, 0.8], min: 0.0, max: 100.0,
            description: "Mean measured performance of an alternative applicant relative to the average ISO (unproven: below 1).",
            source: "assumption",
            grounds: [asm(0.4, 1.5, "Unsourced (sector review 2026); the calibration prior's range."); 4] },
        FunderKey { key: "alternative_leakage_share", kind: Float, unit: "share", defaults: [0.0, 0.0, 0.0, 0.0], min: 0.0, max: 1.0,
            description: "Share of the money awarded to alternative applicants that does not serve the region's newcomers (the rest funds other providers in the region).",
            source: "assumption: other providers funded by the same programme serve the same region",
            grounds: [asm(0.0, 0.5, "No figure exists; none to half."); 4] },
        FunderKey { key: "oversight_hours_per_file_month", kind: Float, unit: "hours per agreement-month", defaults: [3.0, 3.0, 2.0, 2.0], min: 0.0, max: 1000.0,
            description: "Funder staff hours a month to carry one agreement's file (monitoring, payments, contact), times 1 + micromanagement_share.",
            source: "assumption (MLH 5.3: officials read reports and carry files)",
            grounds: [asm(1.5, 6.0, "No figure exists; half to twice the default."), asm(1.5, 6.0, "No figure exists; half to twice the default."), asm(1.0, 4.0, "No figure exists; half to twice the default."), asm(1.0, 4.0, "No figure exists; half to twice the default.")] },
        FunderKey { key: "review_hours_per_report", kind: Float, unit: "hours per report", defaults: [4.0, 4.0, 3.0, 3.0], min: 0.0, max: 1000.0,
            description: "Funder staff hours to read and follow up one formal report.",
            source: "assumption",
            grounds: [asm(2.0, 8.0, "No figure exists; half to twice the default."), asm(2.0, 8.0, "No figure exists; half to twice the default."), asm(1.5, 6.0, "No figure exists; half to twice the default."), asm(1.5, 6.0, "No figure exists; half to twice the default.")] },
        FunderKey { key: "review_hours_per_proposal", kind: Float, unit: "hours per proposal", defaults: [8.0, 6.0, 4.0, 4.0], min: 0.0, max: 1000.0,
            description: "Funder staff hours to review one proposal at a call or intake (ISOs and alternative applicants).",
            source: "assumption",
            grounds: [asm(4.0, 16.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default."), asm(2.0, 8.0, "No figure exists; half to twice the default."), asm(2.0, 8.0, "No figure exists; half to twice the default.")] },
        FunderKey { key: "call_performance_weight", kind: Float, unit: "weight", defaults: [1.0, 1.0, 1.0, 1.0], min: 0.0, max: 100.0,
            description: "Weight of measured performance per dollar (on the funder's measure) when it ranks applicants (0 = scores ignore performance).",
            source: "assumption",
            grounds: [asm(0.5, 2.0, "No figure exists; half to twice the default."); 4] },
        FunderKey { key: "call_trust_weight", kind: Float, unit: "weight", defaults: [0.5, 0.5, 0.5, 0.5], min: 0.0, max: 100.0,
            description: "Weight of trust, beside measured performance, when the funder ranks applicants.",
            source: "assumption",
            grounds: [asm(0.25, 1.0, "No figure exists; half to twice the default."); 4] },
        FunderKey { key: "call_noise_sd", kind: Float, unit: "score units", defaults: [0.3, 0.3, 0.3, 0.3], min: 0.0, max: 100.0,
            description: "Noise in how the funder scores proposals.", source: "assumption",
            grounds: [asm(0.15, 0.6, "No figure exists; half to twice the default."); 4] },
        FunderKey { key: "fundraising_score_weight", kind: Float, unit: "weight", defaults: [0.0, 0.0, 0.0, 2.0], min: 0.0, max: 100.0,
            description: "Weight the funder puts on the share of revenue an applicant raises itself.",
            source: "assumption: foundations favour organizations that raise other money",
            grounds: [asm(0.0, 1.0, "No figure exists; none to half the foundation's weight."), asm(0.0, 1.0, "No figure exists; none to half the foundation's weight."), asm(0.0, 1.0, "No figure exists; none to half the foundation's weight."), asm(1.0, 4.0, "No figure exists; half to twice the default.")] },
    ];
    for (fi, name) in FUNDERS.iter().enumerate() {
        for k in &funder_keys {
            r.push(ParamSpec {
                path: format!("funders.{name}.{}", k.key),
                kind: k.kind,
                unit: k.unit,
                default: k.defaults[fi],
                min: k.min,
                max: k.max,
                description: k.description,
                source: k.source,
                grounds: k.grounds[fi],
            });
        }
    }
    r
}

/// The registry, built once.
pub fn registry() -> &'static [ParamSpec] {
    static REG: OnceLock<Vec<ParamSpec>> = OnceLock::new();
    REG.get_or_init(build_registry)
}

/// Index of a parameter in the registry, by dotted path.
pub fn index_of(path: &str) -> Option<usize> {
    registry().iter().position(|s| s.path == path)
}

/// The registered path closest to `path`, for "did you mean" messages.
pub fn suggest(path: &str) -> Option<&'static str> {
    crate::tomlfile::closest(path, registry().iter().map(|s| s.path.as_str()), 0.8)
}

/// Why a value does not fit a parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueProblem {
    /// Wrong type of value.
    WrongType {
        /// what was expected
        expected: &'static str,
        /// what was given
        found: String,
    },
    /// Outside the allowed range (or not finite).
    OutOfRange {
        /// the value given, as text
        value: String,
    },
    /// A word not among the allowed choices.
    UnknownChoice {
        /// the word given
        value: String,
    },
}

/// A raw value from a scenario file or the command line, before checking.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// An integer literal.
    Int(i64),
    /// A floating-point literal.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
}

impl RawValue {
    /// Parses a command-line `--set` value: a number, `true`/`false`, or a word (quotes optional).
    pub fn parse_cli(s: &str) -> RawValue {
        let t = s.trim();
        if let Ok(i) = t.replace('_', "").parse::<i64>() {
            return RawValue::Int(i);
        }
        if let Ok(f) = t.parse::<f64>() {
            return RawValue::Float(f);
        }
        match t {
            "true" => RawValue::Bool(true),
            "false" => RawValue::Bool(false),
            _ => RawValue::Str(t.trim_matches('"').to_string()),
        }
    }
    fn describe(&self) -> String {
        match self {
            RawValue::Int(i) => format!("integer {i}"),
            RawValue::Float(f) => format!("float {f}"),
            RawValue::Bool(b) => format!("boolean {b}"),
            RawValue::Str(s) => format!("string \"{s}\""),
        }
    }
}

/// Checks a raw value against a parameter's kind and range and converts it.
pub fn check_value(spec: &ParamSpec, raw: &RawValue) -> Result<f64, ValueProblem> {
    let v = match (spec.kind, raw) {
        (Kind::Bool, RawValue::Bool(b)) => return Ok(if *b { 1.0 } else { 0.0 }),
        (Kind::Bool, other) => {
            return Err(ValueProblem::WrongType {
                expected: "a boolean (true or false)",
                found: other.describe(),
            })
        }
        (Kind::Choice(words), RawValue::Str(s)) => {
            return words
                .iter()
                .position(|w| w == s)
                .map(|i| i as f64)
                .ok_or(ValueProblem::UnknownChoice { value: s.clone() })
        }
        (Kind::Choice(_), other) => {
            return Err(ValueProblem::WrongType {
                expected: "a string",
                found: other.describe(),
            })
        }
        (Kind::Int, RawValue::Int(i)) => *i as f64,
        (Kind::Int, RawValue::Float(f)) if f.is_finite() && f.fract() == 0.0 => *f,
        (Kind::Int, other) => {
            return Err(ValueProblem::WrongType {
                expected: "a whole number",
                found: other.describe(),
            })
        }
        (Kind::Float, RawValue::Int(i)) => *i as f64,
        (Kind::Float, RawValue::Float(f)) => *f,
        (Kind::Float, other) => {
            return Err(ValueProblem::WrongType {
                expected: "a number",
                found: other.describe(),
            })
        }
    };
    if !v.is_finite() || v < spec.min || v > spec.max {
        return Err(ValueProblem::OutOfRange { value: fmt_num(v) });
    }
    Ok(v)
}

/// Checks a value typed outside a scenario file (`--set`, a design's cell, a Python value) the
/// way [`check_value`] does, with the spellings a design or a numerical tool produces also
/// accepted: `0`/`1` (or `0.0`/`1.0`) for a switch, an integral float (`24.0`) for a whole
/// number, and a choice's index (`0`, `1.0`) besides its word. Every value is still checked
/// against the parameter's kind and range.
///
/// ```
/// use partnersim::params::{check_value_lenient, index_of, registry, RawValue};
/// let switch = &registry()[index_of("reporting.coordinated").unwrap()];
/// assert_eq!(check_value_lenient(switch, &RawValue::Float(1.0)), Ok(1.0));
/// assert!(check_value_lenient(switch, &RawValue::Int(2)).is_err());
/// ```
pub fn check_value_lenient(spec: &ParamSpec, raw: &RawValue) -> Result<f64, ValueProblem> {
    let number = match raw {
        RawValue::Int(i) => Some(*i as f64),
        RawValue::Float(f) => Some(*f),
        RawValue::Bool(_) | RawValue::Str(_) => None,
    };
    match (spec.kind, number) {
        (Kind::Bool, Some(v)) if v == 0.0 || v == 1.0 => Ok(v),
        (Kind::Bool, Some(v)) => Err(ValueProblem::WrongType {
            expected: "a boolean (true or false, 1 or 0)",
            found: format!("number {}", fmt_num(v)),
        }),
        (Kind::Choice(words), Some(v)) => {
            if v.fract() == 0.0 && v >= 0.0 && (v as usize) < words.len() {
                Ok(v)
            } else {
                Err(ValueProblem::OutOfRange { value: fmt_num(v) })
            }
        }
        (Kind::Int, Some(v)) if v.is_finite() && v.fract() == 0.0 => {
            check_value(spec, &RawValue::Float(v))
        }
        (Kind::Int, Some(v)) => Err(ValueProblem::WrongType {
            expected: "a whole number",
            found: format!("number {v}"),
        }),
        _ => check_value(spec, raw),
    }
}

/// A full set of parameter values, indexed like [`registry`].
#[derive(Debug, Clone, PartialEq)]
pub struct Values(pub Vec<f64>);

impl Default for Values {
    fn default() -> Self {
        Values(registry().iter().map(|s| s.default).collect())
    }
}

impl Values {
    /// The value at a path.
    ///
    /// # Panics
    /// If `path` is not registered: paths used in code are fixed, and a test
    /// builds the default configuration, which reads every one of them.
    pub fn get(&self, path: &str) -> f64 {
        match index_of(path) {
            Some(i) => self.0[i],
            None => panic!("parameter path not registered: {path}"),
        }
    }

    /// Sets the value at a registry index (already checked).
    pub fn set_index(&mut self, i: usize, v: f64) {
        self.0[i] = v;
    }

    /// The paths whose values differ from `other`, in registry order.
    pub fn differences(&self, other: &Values) -> Vec<usize> {
        (0..self.0.len())
            .filter(|&i| self.0[i].to_bits() != other.0[i].to_bits())
            .collect()
    }
}

/// The parameter table as Markdown (`path | unit | default | range | description | source |
/// grounds`); the grounds column is the assumption ledger ([`ParamSpec::grounds_text`]).
/// `docs/ODD.md` embeds exactly this text between its parameter-table markers.
pub fn markdown_table() -> String {
    let mut s = String::from("| parameter | unit | default | range | description | source | grounds |\n|---|---|---|---|---|---|---|\n");
    for p in registry() {
        let esc = |x: &str| x.replace('|', "\\|");
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            p.path,
            esc(p.unit),
            esc(&p.default_text()),
            esc(&p.range_text()),
            esc(p.description),
            esc(p.source),
            esc(&p.grounds_text())
        ));
    }
    s
}

/// The references `docs/sources.md` holds: its short names in bold at the start of a line.
pub fn source_keys(sources_md: &str) -> Vec<String> {
    sources_md
        .lines()
        .filter_map(|l| l.strip_prefix("**"))
        .filter_map(|l| l.split_once("**").map(|(k, _)| k.to_string()))
        .collect()
}

/// What is wrong with the ledger entry of `spec`, if anything: an assumption's range must be
/// ordered, inside the registry's bounds, contain the default and (for whole numbers and choices)
/// have whole ends; a sourced default must name a reference among `sources`.
pub fn ledger_problem(spec: &ParamSpec, sources: &[String]) -> Option<String> {
    match spec.grounds {
        Grounds::Assumption { low, high, why } => {
            if why.trim().is_empty() {
                Some("an assumption without a reason".into())
            } else if !(low.is_finite() && high.is_finite() && low < high) {
                Some(format!("range {low} to {high} is empty or not finite"))
            } else if low < spec.min || high > spec.max {
                Some(format!(
                    "range {low} to {high} leaves the bounds {}",
                    spec.range_text()
                ))
            } else if spec.default < low || spec.default > high {
                Some(format!(
                    "range {low} to {high} does not contain the default {}",
                    spec.default_text()
                ))
            } else if !matches!(spec.kind, Kind::Float)
                && (low.fract() != 0.0 || high.fract() != 0.0)
            {
                Some(format!("range {low} to {high} of a whole-number parameter"))
            } else {
                None
            }
        }
        Grounds::Sourced { reference } => (!sources.iter().any(|k| k == reference))
            .then(|| format!("reference `{reference}` is not a short name in docs/sources.md")),
        Grounds::Calibrated { targets, posterior } => (targets.trim().is_empty()
            || posterior.trim().is_empty())
        .then(|| "a calibration without targets or posterior".to_string()),
        Grounds::Structural { why } => {
            (why.trim().is_empty()).then(|| "a structural setting without a reason".to_string())
        }
    }
}

/// The assumption ledger as Markdown, grouped by kind: every parameter with what grounds its
/// default (`parameter | default | grounds | range | why`). `docs/ODD.md` §6.2 embeds exactly this
/// text between [`ODD_LEDGER_MARKERS`].
pub fn ledger_markdown() -> String {
    let esc = |x: &str| x.replace('|', "\\|");
    let mut s = String::new();
    for (kind, title) in [
        ("sourced", "**Sourced defaults** (the reference is a short name in [`sources.md`](sources.md))"),
        ("calibrated", "**Calibrated defaults** (fitted to sector figures)"),
        ("assumption", "**Assumptions** (no figure exists: a plausible range, and why that range; `compare --assumptions` moves each within it)"),
        ("structural", "**Structural settings** (run settings, switches that regimes set, conventions: not claims about the world)"),
    ] {
        s.push_str(&format!("{title}\n\n| parameter | default | grounds | why |\n|---|---|---|---|\n"));
        for p in registry().iter().filter(|p| p.grounds.kind() == kind) {
            s.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                p.path,
                esc(&p.default_text()),
                esc(&p.grounds_text()),
                esc(&p.grounds_why())
            ));
        }
        s.push('\n');
    }
    s
}

/// Marker lines around the generated assumption ledger in `docs/ODD.md` §6.2.
pub const ODD_LEDGER_MARKERS: (&str, &str) = (
    "<!-- BEGIN ASSUMPTION LEDGER (generated: cargo run --release --example odd_tables) -->",
    "<!-- END ASSUMPTION LEDGER -->",
);

/// Marker lines around the generated parameter table in `docs/ODD.md`.
pub const ODD_TABLE_MARKERS: (&str, &str) = (
    "<!-- BEGIN PARAMETER TABLE (generated: partnersim params --format markdown) -->",
    "<!-- END PARAMETER TABLE -->",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_defaults_in_range() {
        let reg = registry();
        let mut paths: Vec<&str> = reg.iter().map(|s| s.path.as_str()).collect();
        paths.sort();
        let n = paths.len();
        paths.dedup();
        assert_eq!(n, paths.len(), "duplicate parameter path");
        for s in reg {
            assert!(
                s.default >= s.min && s.default <= s.max,
                "{} default out of range",
                s.path
            );
            assert!(!s.description.is_empty() && !s.source.is_empty() && !s.unit.is_empty());
        }
    }

    #[test]
    fn the_ledger_covers_every_parameter_and_holds() {
        let sources = source_keys(include_str!("../docs/sources.md"));
        assert!(sources.len() > 20, "{sources:?}");
        let mut kinds = std::collections::BTreeMap::new();
        for s in registry() {
            if let Some(p) = ledger_problem(s, &sources) {
                panic!("{}: {p}", s.path);
            }
            *kinds.entry(s.grounds.kind()).or_insert(0) += 1;
        }
        // every kind is used, and most defaults are assumptions (the honest state of the model)
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        assert!(kinds["assumption"] > kinds["sourced"], "{kinds:?}");
    }

    #[test]
    fn ledger_problems_are_caught() {
        let sources = vec!["CIMM 43-1".to_string()];
        let mut s = registry()[index_of("iso.credit_line_months").unwrap()].clone();
        s.grounds = asm(1.0, 2.0, "x");
        assert!(ledger_problem(&s, &sources)
            .unwrap()
            .contains("does not contain"));
        s.grounds = asm(0.0, 30.0, "x");
        assert!(ledger_problem(&s, &sources).unwrap().contains("bounds"));
        s.grounds = asm(0.5, 0.5, "x");
        assert!(ledger_problem(&s, &sources).is_some());
        s.grounds = src("Nobody 1999");
        assert!(ledger_problem(&s, &sources)
            .unwrap()
            .contains("Nobody 1999"));
        s.grounds = src("CIMM 43-1");
        assert_eq!(ledger_problem(&s, &sources), None);
        let mut i = registry()[index_of("iso.insolvency_grace_months").unwrap()].clone();
        i.grounds = asm(0.5, 3.0, "x");
        assert!(ledger_problem(&i, &sources)
            .unwrap()
            .contains("whole-number"));
    }

    #[test]
    fn suggestion_finds_near_miss() {
        assert_eq!(
            suggest("funders.federal.contract_month"),
            Some("funders.federal.contract_months")
        );
        assert_eq!(suggest("zzzz"), None);
    }

    #[test]
    fn check_value_rejects_bad_input() {
        let spec = &registry()[index_of("funders.federal.contract_months").unwrap()];
        assert_eq!(check_value(spec, &RawValue::Int(36)), Ok(36.0));
        assert!(matches!(
            check_value(spec, &RawValue::Int(0)),
            Err(ValueProblem::OutOfRange { .. })
        ));
        assert!(matches!(
            check_value(spec, &RawValue::Float(1.5)),
            Err(ValueProblem::WrongType { .. })
        ));
        let f = &registry()[index_of("newcomers.arrival_noise_share").unwrap()];
        assert!(check_value(f, &RawValue::Float(f64::NAN)).is_err());
        assert!(check_value(f, &RawValue::Float(f64::INFINITY)).is_err());
        let m = &registry()[index_of("funders.federal.measure").unwrap()];
        assert_eq!(check_value(m, &RawValue::Str("outcome".into())), Ok(1.0));
        assert!(check_value(m, &RawValue::Str("outcomes".into())).is_err());
    }
}
