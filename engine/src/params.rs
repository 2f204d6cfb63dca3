//! The one registry of model parameters.
//!
//! Every parameter of the model is declared exactly once here, as one row of the
//! `parameters!` table: its dotted path (as written in a scenario file), the type of
//! its typed field, kind, unit, default, allowed range, whether it is fixed during a
//! run, a description, the source of the default and what grounds it (the assumption
//! ledger). Defaults, validation of scenario files and `--set` overrides, the
//! `partnersim params` listing, the parameter table and ledger in `docs/ODD.md` (a
//! test checks that they agree), the compile-time ids ([`id`]) and the engine's typed
//! sections ([`Sections`], put together in [`crate::model::Config`]) all come from
//! that row.
//!
//! Values are stored in a flat [`Values`] vector indexed like the registry, so
//! any parameter can be overridden or swept by its path; the engine reads them
//! through the typed [`crate::model::Config`].

use std::collections::HashMap;
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
    /// Whether it cannot change during a run: it sizes the model or sets its initial state, so
    /// a timeline's `[events.set]` and a present-start switch (`crate::model::fork`) refuse it.
    /// Two kinds of parameter that also act at creation can change: the distribution of the
    /// ISOs' traits (`iso.mission_weight`, `iso.strategy_dispersion`, `iso.risk_aversion`: every
    /// ISO's traits are recomputed from its own draws) and `partnerships.enabled` (switched off,
    /// every operating partnership ends; switched on, new ones form by the submodel's rules from
    /// the next convening on).
    pub fixed_during_run: bool,
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

/// Number of immigration categories.
pub const NCAT: usize = 3;

/// Immigration categories, in the order of every per-category array and metric.
pub const CATEGORIES: [&str; NCAT] = ["economic", "family", "refugee"];

/// What a funder measures and ranks applicants on ([`MEASURES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// clients counted
    Output,
    /// integration gained (effective hours)
    Outcome,
}

/// How a funder's agreements are renewed ([`CALL_CYCLES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallCycle {
    /// one call for every agreement at once; all agreements share start and end dates
    SectorWide,
    /// each agreement is renewed when it ends; first applications at an annual intake
    Rolling,
}

/// A per-funder key as the registry builds it: one row per funder.
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
    fixed_during_run: bool,
}

/// A scalar parameter's place in the registry and its declared bounds, known at compile time:
/// `id::iso::planning_horizon_months.index`, `.max`.
#[derive(Debug, Clone, Copy)]
pub struct Id {
    /// index in [`registry`] and [`Values`]
    pub index: usize,
    /// smallest allowed value
    pub min: f64,
    /// largest allowed value
    pub max: f64,
}

/// A per-funder parameter's key and declared bounds (the same for every funder):
/// `id::funders::contract_months.index(f)`, `.max`.
#[derive(Debug, Clone, Copy)]
pub struct FunderId {
    /// position of the key among a funder's keys
    pub key: usize,
    /// smallest allowed value
    pub min: f64,
    /// largest allowed value
    pub max: f64,
}

impl FunderId {
    /// Index in [`registry`] and [`Values`] of this key for funder `funder` ([`FUNDERS`] order).
    pub const fn index(self, funder: usize) -> usize {
        id::FUNDERS_START + funder * id::FUNDER_KEYS + self.key
    }
}

/// How a stored value (`f64`: bools as 0/1, choices as index) becomes a typed field.
pub trait FromValue {
    /// The typed form of a stored value already within the parameter's bounds.
    fn from_value(x: f64) -> Self;
}

impl FromValue for f64 {
    fn from_value(x: f64) -> f64 {
        x
    }
}

impl FromValue for u32 {
    fn from_value(x: f64) -> u32 {
        x as u32
    }
}

impl FromValue for usize {
    fn from_value(x: f64) -> usize {
        x as usize
    }
}

impl FromValue for bool {
    fn from_value(x: f64) -> bool {
        x != 0.0
    }
}

impl FromValue for Measure {
    fn from_value(x: f64) -> Measure {
        if x == 0.0 {
            Measure::Output
        } else {
            Measure::Outcome
        }
    }
}

impl FromValue for CallCycle {
    fn from_value(x: f64) -> CallCycle {
        if x == 0.0 {
            CallCycle::SectorWide
        } else {
            CallCycle::Rolling
        }
    }
}

/// An alignment level from the index of its word in [`ALIGNMENTS`]: 1 = consultative … 4 =
/// collaborative.
fn alignment_level(x: f64) -> u8 {
    x as u8 + 1
}

/// The parameter declarations: every parameter once, in registry order. A section is
///
/// `section <table>: <TypedStruct> "<doc>" { rows } [with { derived fields }]`
///
/// and a row is
///
/// `<key>: <type> [as <conversion>], <Kind>, "<unit>", <default>, [<min>, <max>],
///  fixed_during_run | changeable, "<description>", "<source>", <grounds>;`
///
/// The path is `<table>.<key>` and the typed field `<TypedStruct>.<key>`; the per-funder block
/// (`per_funder funders: …`) gives four defaults and four grounds per key, one per funder in
/// [`FUNDERS`] order, with paths `funders.<funder>.<key>`. `with { … }` declares fields derived
/// from the parameters by hand (in `crate::model::config`), which start at their `Default`.
///
/// From the rows the macro builds the registry ([`registry`]), the compile-time ids ([`id`]),
/// the typed section structs (fields documented by the description) and their reader
/// ([`Sections::read`]), which reads by index and clamps to the declared bounds.
macro_rules! parameters {
    (@when fixed_during_run) => { true };
    (@when changeable) => { false };
    (@read $x:expr) => { FromValue::from_value($x) };
    (@read $x:expr, $conv:path) => { $conv($x) };
    (
        $(
            section $section:ident: $Sect:ident $sdoc:literal {
                $(
                    $field:ident: $ty:ty $(as $conv:path)?, $kind:expr, $unit:literal, $default:expr,
                    [$min:expr, $max:expr], $when:ident,
                    $desc:literal, $source:literal, $grounds:expr;
                )*
            }
            $(with { $( $(#[$xmeta:meta])* $xfield:ident: $xty:ty, )* })?
        )*
        per_funder funders: $FSect:ident $fdoc:literal {
            $(
                $key:ident: $kty:ty, $kkind:expr, $kunit:literal, $kdefaults:expr,
                [$kmin:expr, $kmax:expr], $kwhen:ident,
                $kdesc:literal, $ksource:literal, $kgrounds:expr;
            )*
        }
        with { $( $(#[$fxmeta:meta])* $fxfield:ident: $fxty:ty, )* }
    ) => {
        /// Compile-time ids of every parameter: its registry index and declared bounds, by
        /// table and key (`id::newcomers::need_duration_months`, `id::funders::contract_months`).
        #[allow(non_upper_case_globals, non_camel_case_types)]
        pub mod id {
            use super::{FunderId, Id};

            #[derive(Clone, Copy)]
            enum Table { $( $section, )* End }

            const SIZES: &[usize] = &[ $( $section::Key::End as usize, )* ];

            const fn start(table: Table) -> usize {
                let (mut s, mut i) = (0, 0);
                while i < table as usize {
                    s += SIZES[i];
                    i += 1;
                }
                s
            }

            /// Index of the first per-funder parameter: the tables' parameters come first.
            pub const FUNDERS_START: usize = start(Table::End);
            /// Keys per funder.
            pub const FUNDER_KEYS: usize = funders::Key::End as usize;
            /// Parameters in the registry.
            pub const COUNT: usize = FUNDERS_START + super::FUNDERS.len() * FUNDER_KEYS;

            $(
                #[doc = concat!("The `", stringify!($section), ".*` parameters.")]
                pub mod $section {
                    use super::Id;
                    #[derive(Clone, Copy)]
                    pub(super) enum Key { $( $field, )* End }
                    $(
                        #[doc = concat!("`", stringify!($section), ".", stringify!($field), "`")]
                        pub const $field: Id = Id {
                            index: super::start(super::Table::$section) + Key::$field as usize,
                            min: $min,
                            max: $max,
                        };
                    )*
                }
            )*

            /// The per-funder parameters (`funders.<funder>.<key>`).
            pub mod funders {
                use super::FunderId;
                #[derive(Clone, Copy)]
                pub(super) enum Key { $( $key, )* End }
                $(
                    #[doc = concat!("`funders.<funder>.", stringify!($key), "`")]
                    pub const $key: FunderId = FunderId {
                        key: Key::$key as usize,
                        min: $kmin,
                        max: $kmax,
                    };
                )*
            }
        }

        fn build_registry() -> Vec<ParamSpec> {
            let mut r = vec![ $( $( ParamSpec {
                path: concat!(stringify!($section), ".", stringify!($field)).to_string(),
                kind: $kind,
                unit: $unit,
                default: $default,
                min: $min,
                max: $max,
                description: $desc,
                source: $source,
                grounds: $grounds,
                fixed_during_run: parameters!(@when $when),
            }, )* )* ];
            let keys = [ $( FunderKey {
                key: stringify!($key),
                kind: $kkind,
                unit: $kunit,
                defaults: $kdefaults,
                min: $kmin,
                max: $kmax,
                description: $kdesc,
                source: $ksource,
                grounds: $kgrounds,
                fixed_during_run: parameters!(@when $kwhen),
            }, )* ];
            for (f, name) in FUNDERS.iter().enumerate() {
                for k in &keys {
                    r.push(ParamSpec {
                        path: format!("funders.{name}.{}", k.key),
                        kind: k.kind,
                        unit: k.unit,
                        default: k.defaults[f],
                        min: k.min,
                        max: k.max,
                        description: k.description,
                        source: k.source,
                        grounds: k.grounds[f],
                        fixed_during_run: k.fixed_during_run,
                    });
                }
            }
            r
        }

        $(
            #[doc = $sdoc]
            #[derive(Debug, Clone)]
            pub struct $Sect {
                $(
                    #[doc = $desc]
                    pub $field: $ty,
                )*
                $( $( $(#[$xmeta])* pub $xfield: $xty, )* )?
            }

            impl $Sect {
                fn read(v: &[f64]) -> $Sect {
                    $Sect {
                        $( $field: parameters!(@read v[id::$section::$field.index].clamp($min, $max) $(, $conv)?), )*
                        $( $( $xfield: Default::default(), )* )?
                    }
                }
            }
        )*

        #[doc = $fdoc]
        #[derive(Debug, Clone)]
        pub struct $FSect {
            $(
                #[doc = $kdesc]
                pub $key: $kty,
            )*
            $( $(#[$fxmeta])* pub $fxfield: $fxty, )*
        }

        impl $FSect {
            fn read(v: &[f64], f: usize) -> $FSect {
                $FSect {
                    $( $key: parameters!(@read v[id::funders::$key.index(f)].clamp($kmin, $kmax)), )*
                    $( $fxfield: Default::default(), )*
                }
            }
        }

        /// Every parameter typed, one struct per table and one per funder: what
        /// `crate::model::Config` is made of before its derived fields are filled in.
        #[derive(Debug, Clone)]
        pub struct Sections {
            $(
                #[doc = $sdoc]
                pub $section: $Sect,
            )*
            /// the funders, in [`FUNDERS`] order
            pub funders: [$FSect; 4],
        }

        impl Sections {
            /// Reads every parameter from `v` by its registry index, within its declared
            /// bounds (every way into [`Values`] checks them; a value outside is clamped).
            pub fn read(v: &Values) -> Sections {
                let v = &v.0[..id::COUNT];
                Sections {
                    $( $section: $Sect::read(v), )*
                    funders: std::array::from_fn(|f| $FSect::read(v, f)),
                }
            }
        }
    };
}

use Kind::{Bool, Choice, Float, Int};

// Every parameter of the model, declared once, in registry order. To add one, add a row to its
// table: the registry, `partnersim params`, the ODD's tables (regenerate them) and the typed
// field `crate::model::Config::<table>.<key>` follow. A new table also needs its field in
// `Config`.
parameters! {
    section simulation: SimulationCfg "Simulation size." {
        duration_months: u32, Int, "months", 120.0, [1.0, 1200.0], fixed_during_run,
            "Length of a replication; month 0 is the first month of a fiscal year (April).",
            "assumption: ten years, two to three IRCC funding cycles",
            fixed("a run setting: the length of the reported period");
        isos: usize, Int, "organizations", 40.0, [1.0, 5000.0], fixed_during_run,
            "Immigrant-serving organizations (ISOs) in the modelled region at the start of the warm-up.",
            "assumption: a mid-size region (IRCC funds ~500 organizations outside Quebec; CIMM 43-1)",
            fixed("the size of the modelled region: ISOs scale with arrivals (CIMM 43-1 density)");
        warmup_months: u32, Int, "months", 120.0, [0.0, 600.0], fixed_during_run,
            "Months simulated before the first reported month, under the scenario's own regime, so that staff experience, reserves and waiting need start near their steady state; excluded from every summary and time series.",
            "measured (ODD 5): about two mean staff tenures, after which staff experience, reserves and waiting need follow their regime rather than the initial state",
            fixed("a run setting, measured (ODD 5)");
        synchronized_calendar: bool, Bool, "switch", 0.0, [0.0, 1.0], fixed_during_run,
            "Teaching calendar: every funder on the April fiscal year with sector-wide calls, so all renewals fall in the same months.",
            "assumption (for teaching; real fiscal years differ by level, see funders.*.fiscal_year_start_month)",
            fixed("a teaching switch");
    } with {
        /// record the warm-up's months too (for tools that show it; not a scenario parameter:
        /// summaries are over the reported months either way)
        record_warmup: bool,
    }
    section newcomers: NewcomersCfg "Newcomer arrivals and need." {
        arrivals_per_month: f64, Float, "persons per month", 2000.0, [0.0, 1.0e6], fixed_during_run,
            "Newcomer arrivals in the region in month 0, before trend, noise and surges.",
            "CIMM 43-1: IRCC funds about 500 organizations for about 300k admissions outside Quebec (2019), 600 arrivals per organization-year; 40 ISOs x 600 = 24k a year (the region's size is an assumption; ISOs scale with it)",
            src("CIMM 43-1");
        arrival_trend_per_year: f64, Float, "share per year", 0.04, [-0.5, 1.0], changeable,
            "Compound growth of arrivals per year.",
            "IRCC annual reports: 341k (2019) to 484k (2024), +7%/yr with the 2020 dip; 4% assumed for the long run",
            src("IRCC annual reports");
        arrival_noise_share: f64, Float, "share (sd of log)", 0.10, [0.0, 2.0], changeable,
            "Standard deviation of month-to-month log-normal noise in arrivals.", "assumption",
            asm(0.05, 0.2, "No figure exists; half to twice the default.");
        surge_probability_per_year: f64, Float, "surges per year", 0.10, [0.0, 12.0], changeable,
            "Rate (Poisson) at which arrival surges (refugee waves, levels-plan changes) start.",
            "assumption: about one a decade (Syria 2015-16, Afghanistan 2021, Ukraine 2022)",
            asm(0.05, 0.2, "About one surge a decade since 2015 (Syria, Afghanistan, Ukraine); half to twice that.");
        surge_size_share: f64, Float, "share", 0.5, [0.0, 10.0], changeable,
            "Extra arrivals during a surge, as a share of trend arrivals.", "assumption",
            asm(0.25, 1.0, "No figure exists; half to twice the default.");
        surge_duration_months: u32, Int, "months", 6.0, [1.0, 120.0], changeable,
            "How long a surge lasts.", "assumption",
            asm(3.0, 12.0, "No figure exists; half to twice the default.");
        uptake_share: f64, Float, "share of arrivals", 0.463, [0.0, 1.0], changeable,
            "Share of arrivals who use settlement services at some time (clients); the rest never come. Need arises for clients only.",
            "StatCan 2022 (Longitudinal Immigration Database): 46.3% of adult immigrants admitted 2016-2020 had used a settlement service by April 2021 (refugees 89.4%, economic principal applicants 35.2%); sweep 0.35-0.89",
            src("StatCan 2022");
        economic_share: f64, Float, "share of arrivals", 0.58, [0.0, 1.0], changeable,
            "Share of arrivals admitted in the economic class (principal applicants and their dependants). The three category shares are divided by their sum (all zero: a third each).",
            "IRCC admissions 2019: 341,180 permanent residents, about 58% economic",
            src("IRCC admissions 2019");
        family_share: f64, Float, "share of arrivals", 0.26, [0.0, 1.0], changeable,
            "Share of arrivals admitted in the family class (sponsored spouses, partners, children, parents).",
            "CIC News 2020 (reporting IRCC's 2020 Annual Report to Parliament): about 90,000 family-class admissions of 341,000 in 2019 (26%)",
            src("CIC News 2020");
        refugee_share: f64, Float, "share of arrivals", 0.16, [0.0, 1.0], changeable,
            "Share of arrivals admitted as refugees and protected persons (here also the small humanitarian and other class).",
            "IRCC admissions 2019: the remainder of economic (58%) and family (26%): 30,087 resettled refugees plus protected persons landed in Canada and the small humanitarian and other class",
            src("IRCC admissions 2019");
        uptake_ratio_economic: f64, Float, "ratio to uptake_share", 0.7603, [0.0, 10.0], changeable,
            "Uptake of economic-class arrivals relative to newcomers.uptake_share (the category's uptake is uptake_share times this ratio, at most 1).",
            "StatCan 2022: economic principal applicants 35.2% against 46.3% overall (0.352 / 0.463); economic dependants 51.0% (ratio 1.10) bound it above",
            src("StatCan 2022");
        uptake_ratio_family: f64, Float, "ratio to uptake_share", 0.8726, [0.0, 10.0], changeable,
            "Uptake of family-class arrivals relative to newcomers.uptake_share.",
            "StatCan 2022: family-sponsored immigrants 40.4% against 46.3% overall (0.404 / 0.463)",
            src("StatCan 2022");
        uptake_ratio_refugee: f64, Float, "ratio to uptake_share", 1.9309, [0.0, 10.0], changeable,
            "Uptake of refugees relative to newcomers.uptake_share.",
            "StatCan 2022: refugees 89.4% against 46.3% overall (0.894 / 0.463)",
            src("StatCan 2022");
        economic_eligibility_limit_months: u32, Int, "months", 240.0, [0.0, 240.0], changeable,
            "Most months after arrival during which economic-class newcomers may be served with eligibility-restricted money; their window is the lesser of this and eligibility_window_months (240 = no limit beyond citizenship).",
            "IRCC eligibility 2026: economic class up to 6 years after permanent residence from 1 April 2026 (72) and 5 years from 1 April 2027 (60); refugees and family class keep eligibility until citizenship (scenario eligibility_2026)",
            fixed("a policy setting: scenarios and timeline events set it (IRCC eligibility 2026)");
        need_hours_per_client: f64, Float, "frontline hours per client", 100.0, [0.0, 10000.0], changeable,
            "Settlement service need of one client over need_duration_months, arising month by month on a declining profile (need_halflife_months).",
            "derived (docs/sources.md, \"Need per client\"): IRCC's 2019-20 envelope outside Quebec ($779M, CIMM 43-1) buys 14.5M frontline hours at the model's $53.6 an hour, 48 h per 2019 admission outside Quebec and about 100 h per client at 46.3% uptake; an assumption that need equals what a fully spent program delivers; sweep 50-200",
            asm(50.0, 200.0, "Derived from the federal envelope (CIMM 43-1) on the assumption that need equals what a fully spent program delivers; waiting lists put it higher, other funders' services lower.");
        need_halflife_months: f64, Float, "months", 18.0, [1.0, 240.0], changeable,
            "Months after arrival in which a client's monthly need halves: need is highest on arrival and declines geometrically.",
            "assumption (IRCC Settlement Outcomes Highlights 2021: 32% of eligible newcomers used information and orientation in their landing year against 46.3% who used any service within up to five years, so first use comes early); sweep 6-48",
            asm(6.0, 48.0, "First use comes early (Settlement Outcomes Highlights 2021) but no figure gives the decline.");
        need_duration_months: u32, Int, "months", 96.0, [1.0, 240.0], fixed_during_run,
            "Months after arrival over which a client's need arises; cohorts are followed this long.",
            "assumption: eight years, past citizenship for most (need after the eligibility window is the long-term need of MLH 6.1); sweep 60-120",
            asm(60.0, 120.0, "Five to ten years after arrival: past citizenship for most; no figure.");
        eligibility_window_months: u32, Int, "months", 60.0, [0.0, 240.0], changeable,
            "Months after arrival during which need may be served with eligibility-restricted money.",
            "IRCC 2023 Settlement Outcomes Report: eligible from acceptance until citizenship (at the earliest three years of presence; five years typical); from April 2027 economic immigrants up to five years after PR (IRCC notice, March 2026); MLH's \"three-year cut-off\" is the earliest citizenship date; sweep 36-96",
            src("Settlement Outcomes Report 2023");
        abandonment_share_per_month: f64, Float, "share per month", 0.05, [0.0, 1.0], changeable,
            "Share of need that has already waited a month or more that is given up each month.", "assumption",
            asm(0.02, 0.1, "No figure exists; half to twice the default.");
        integration_hours_scale: f64, Float, "effective hours per person", 40.0, [0.1, 10000.0], changeable,
            "Effective service hours per person (after-window hours weighted) at which a cohort's long-term integration reaches 1 - 1/e.",
            "assumption",
            asm(20.0, 80.0, "No figure exists; half to twice the default.");
        long_term_service_weight: f64, Float, "ratio", 1.5, [0.0, 10.0], changeable,
            "Weight of an effective hour received after the eligibility window, against one inside it, in long-term integration (sustained service past the first years).",
            "assumption (MLH 6.1, 6.3: integration is a long-term process; the problem lies in the lack of longer-term strategies)",
            asm(1.0, 3.0, "MLH 6.1 gives the direction (later service counts) but no size; from equal weight to twice the default.");
        initial_met_share: f64, Float, "share", 0.7, [0.0, 1.0], fixed_during_run,
            "Share of past need already met for cohorts that arrived before month 0.", "assumption",
            asm(0.5, 0.9, "No figure exists; a wide band around the default.");
    } with {
        /// share of arrivals by immigration category ([`CATEGORIES`] order), summing to 1
        category_share: [f64; NCAT],
        /// uptake by category: `uptake_share` times the category's ratio, at most 1
        category_uptake: [f64; NCAT],
    }
    section service: ServiceCfg "Service depth." {
        deep_contact_hours: f64, Float, "hours per client-month", 4.0, [0.1, 200.0], changeable,
            "Hours per client in a month under case-managed, holistic service.", "assumption",
            asm(2.0, 8.0, "No figure exists; half to twice the default.");
        shallow_contact_hours: f64, Float, "hours per client-month", 1.0, [0.1, 200.0], changeable,
            "Hours per client in a month under short, countable contacts.", "assumption",
            asm(0.5, 2.0, "No figure exists; half to twice the default.");
        depth_half_hours: f64, Float, "hours per client-month", 2.0, [0.01, 200.0], changeable,
            "Depth at which an hour of service is half as effective for integration as the deepest.",
            "assumption (MLH 6.1: short-term outputs vs long-term outcomes)",
            asm(1.0, 4.0, "No figure exists; half to twice the default.");
    }
    section iso: IsoCfg "ISO behaviour and economics." {
        size_dispersion_log: f64, Float, "sd of log", 0.5, [0.0, 3.0], fixed_during_run,
            "Dispersion of ISO size (share of the region's funding and newcomers).", "assumption",
            asm(0.25, 1.0, "No figure exists; half to twice the default.");
        admin_staff_share: f64, Float, "share", 0.2, [0.0, 0.9], changeable,
            "Share of an ISO's staff positions that are administrative.", "assumption",
            asm(0.1, 0.3, "Within the true indirect cost of Bridgespan 2016 together with non-staff overhead; no ISO figure.");
        hours_per_staff_month: f64, Float, "hours per month", 140.0, [1.0, 744.0], changeable,
            "Paid hours per staff member per month.", "assumption: 35 h a week",
            fixed("an accounting convention: 35 h a week");
        wage_per_staff_month: f64, Float, "CAD per month", 4800.0, [1.0, 1.0e6], changeable,
            "Wage and benefits per staff member per month.",
            "assumption: ~$57.6k a year, Ontario social-services wages",
            asm(4000.0, 5600.0, "Settlement counsellor salaries of $46-52k plus benefits (sector review 2026, CERIC 2018 via KM4S) around the assumed $57.6k.");
        nonstaff_overhead_share: f64, Float, "share of wages", 0.25, [0.0, 5.0], changeable,
            "Rent, IT and other non-staff costs as a share of wages.",
            "assumption within Bridgespan 2016 (true indirect median ~40% of direct, incl. admin staff)",
            asm(0.15, 0.4, "Within Bridgespan 2016's true indirect costs (21-89% of direct, with admin staff); no ISO figure.");
        reserve_months_median: f64, Float, "months of cost", 2.0, [0.0, 240.0], fixed_during_run,
            "Median initial cash reserve, in months of operating cost.",
            "Nonprofit Finance Fund; ONN Sector 360 (2019): about half hold under 3 months (the median of 2 is an assumption)",
            asm(1.5, 4.0, "Sector review 2026: a median of 1.5-4 months fits ISOs (ONN Sector 360 (2019): about half under 3 months).");
        reserve_dispersion_log: f64, Float, "sd of log", 0.8, [0.0, 3.0], fixed_during_run,
            "Dispersion of initial reserves across ISOs (log-normal).",
            "assumption: gives ~70% under 3 months at the default median",
            asm(0.4, 0.8, "Sector review 2026: 0.4-0.8; the default puts 69% under 3 months against about half in ONN Sector 360 (2019).");
        credit_line_months: f64, Float, "months of opening cost", 0.5, [0.0, 24.0], fixed_during_run,
            "Limit of the line of credit, in months of the ISO's operating cost at the start (a fixed amount in dollars): payroll is missed when cash falls below minus this limit.",
            "assumption (MLH ISO#19: no bank account to carry wages for a month)",
            asm(0.0, 2.0, "Sector review 2026: 0-2 months, bimodal (small ISOs have no line, large multi-funder ones 1-2 months of payroll); no figure.");
        credit_interest_rate_per_year: f64, Float, "share per year", 0.07, [0.0, 1.0], changeable,
            "Interest on the overdrawn balance of the line of credit, charged monthly on the month's mean overdraft.",
            "assumption: Canadian prime rate 2023-2024 about 7% (Bank of Canada); small-organization lines at prime plus 0-2%",
            src("Bank of Canada");
        cash_floor_months: f64, Float, "months of cost", 0.0, [0.0, 24.0], changeable,
            "Cash the staffing plan keeps at the end of the planning horizon (0 = cash stays positive); the credit line bridges timing gaps only.",
            "assumption: thin-reserve nonprofits protect payroll and plan to keep cash positive",
            asm(0.0, 1.0, "No figure exists; from no floor to a month of cost.");
        insolvency_grace_months: u32, Int, "months", 1.0, [0.0, 60.0], changeable,
            "Consecutive months of missed payroll an ISO survives: it closes when payroll is missed one month more (1 = on the second consecutive miss).",
            "assumption (range 0-2; practitioner judgment: boards wind down before payroll is missed a second time; no published figure)",
            asm(0.0, 2.0, "Sector review 2026: 0-2 (a board winds down before payroll is missed a second time); no published figure.");
        winddown_severance_months: f64, Float, "months of wages per staff member", 1.0, [0.0, 6.0], changeable,
            "Termination pay the ISO bears when an agreement ends without renewal (refused at renewal or terminated by a cut), per staff member that agreement's money paid for (0 = none).",
            "Ontario ESA: notice or pay in lieu of 1 week per year of service, at most 8 weeks; at the model's mean initial tenure of about 6 years, about 1.4 months (1 allows for some working notice; range 0-2)",
            asm(0.0, 2.0, "Ontario ESA: pay in lieu of up to 8 weeks; from working notice (none) to two months.");
        winddown_fixed_cost_months: f64, Float, "months", 3.0, [0.0, 24.0], changeable,
            "Months for which the non-staff costs (leases, contracts) of the staff an ended agreement paid for run on after it ends, paid monthly over that many months (0 = none).",
            "assumption (range 0-12): leases and service contracts with notice of about a quarter (Toronto Star 2010-12: no IRCC help for wind-down costs, severance or outstanding leases)",
            asm(0.0, 12.0, "Leases and service contracts run on after an agreement ends (Toronto Star 2010: no help with wind-down costs); no figure for how long.");
        winddown_horizon_months: u32, Int, "months", 3.0, [0.0, 24.0], changeable,
            "Horizon of the board's monthly check: it winds the ISO down when cash, the credit line, the revenue of agreements in force and held money, and expected donations over this many months fall short of payroll and the wind-down costs still due over them (0 = no board decision: closure by missed payroll only).",
            "assumption (range 1-6): a quarter, the period of the cash-flow forecasts and advance requests of contribution agreements (ACOA advance instructions)",
            asm(1.0, 6.0, "A quarter is the period of contribution agreements' cash-flow forecasts; a board may look from one month to half a year ahead.");
        quit_rate_per_year: f64, Float, "share per year", 0.10, [0.0, 1.0], changeable,
            "Staff quit rate when jobs are secure.",
            "Nonprofit HR surveys 2015-2020: 13-21% total turnover; base set below the range",
            src("Nonprofit HR surveys 2015-2020");
        initial_turnover_per_year: f64, Float, "share per year", 0.17, [0.01, 1.0], fixed_during_run,
            "Staff turnover that sets the initial experience: each ISO's staff start with a mean elapsed tenure of 12 / this value months (spread as the mean of that many exponential tenures).",
            "Nonprofit HR surveys 2015-2020: 13-21% total turnover (midpoint)",
            src("Nonprofit HR surveys 2015-2020");
        insecurity_quit_multiplier: f64, Float, "ratio", 0.8, [0.0, 50.0], changeable,
            "Extra quit hazard, relative to base, times the share of contracted revenue that ends within the insecurity horizon or awaits a renewal decision.",
            "assumption (MLH ISO#19: multi-year funding retains quality staff)",
            asm(0.0, 2.0, "Sector review 2026: 0-2, no source (MLH ISO#19 gives the direction only).");
        missed_payroll_quit_share: f64, Float, "share per month", 0.15, [0.0, 1.0], changeable,
            "Share of staff who quit in a month in which payroll is missed.", "assumption",
            asm(0.05, 0.3, "No figure exists; a third to twice the default.");
        insecurity_horizon_months: u32, Int, "months", 6.0, [0.0, 120.0], changeable,
            "Months before a contract ends from which staff feel its renewal is uncertain.", "assumption",
            asm(3.0, 12.0, "No figure exists; half to twice the default.");
        hiring_lag_months: f64, Float, "months", 3.0, [0.0, 60.0], changeable,
            "Mean time to fill a vacancy (0 = at once).", "assumption",
            asm(1.0, 6.0, "No figure exists; one to six months.");
        learning_months: f64, Float, "months", 12.0, [0.1, 240.0], changeable,
            "Time constant of the learning curve of a new hire.", "assumption",
            asm(6.0, 24.0, "No figure exists; half to twice the default.");
        novice_productivity_share: f64, Float, "share", 0.6, [0.0, 1.0], changeable,
            "Productivity of a new hire relative to a fully experienced one.", "assumption",
            asm(0.4, 0.8, "No figure exists; a wide band around the default.");
        management_hours_per_staff_month: f64, Float, "hours per staff-month", 8.0, [0.0, 744.0], changeable,
            "Administration needed to run the organization, apart from funder reporting.", "assumption",
            asm(4.0, 16.0, "No figure exists; half to twice the default.");
        adaptive_strategies: bool, Bool, "switch", 1.0, [0.0, 1.0], changeable,
            "ISOs choose their service model, holistic share and fundraising effort each April (off: they keep the starting values below).",
            "MLH 6 (ISOs can opt out of dependence by diversifying), 6.1 (short-term output versus long-term outcome)",
            fixed("a model switch: ISOs choose their strategies or keep the starting values");
        diversification_effort_share: f64, Float, "share of staff hours", 0.04, [0.0, 0.5], changeable,
            "Fundraising effort at the start (share of staff hours spent raising donations and fees); afterwards each ISO chooses it (§7.10).",
            "assumption",
            asm(0.02, 0.08, "A starting value each ISO then chooses for itself; half to twice the default.");
        fundraising_scale: f64, Float, "CAD per staff-month", 1013.0, [0.0, 1.0e6], changeable,
            "Donations and fees per staff member a month that one fundraising hour per staff member a month raises in an average year; more hours raise more with the elasticity below.",
            "assumption, set so that government is about 66% of revenue at baseline (Barr et al. 2005, via MLH)",
            cal("government about 66% of revenue at baseline (Barr et al. 2005)", "set by hand at the baseline; no shipped posterior");
        fundraising_elasticity: f64, Float, "ratio", 0.2, [0.01, 0.95], changeable,
            "Elasticity of donations to fundraising hours (diminishing returns): at an ISO's chosen effort the total fundraising cost is about this share of what it raises, plus the direct cost share.",
            "CRA CG-013: fundraising costs under 35% of revenue raised are unlikely to raise concern, over 70% do; 0.2 puts the baseline's cost ratio near 35%",
            src("CRA CG-013");
        fundraising_cost_share: f64, Float, "CAD per CAD raised", 0.15, [0.0, 1.0], changeable,
            "Direct fundraising expense (events, mailings, platforms) per dollar raised, paid in cash beside the staff hours.",
            "assumption; CRA CG-013: total fundraising costs under 35% of the revenue raised are unlikely to raise concern, over 70% do",
            asm(0.05, 0.3, "Sector review 2026: direct cost 0.05-0.3 (CRA CG-013 bounds the total ratio only).");
        donation_volatility: f64, Float, "sd of log", 0.2, [0.0, 2.0], changeable,
            "Year-to-year variation of each ISO's donations and fees: the sd of the log of a mean-one yearly factor drawn each April.",
            "assumption: donation income varies from year to year",
            asm(0.1, 0.4, "No figure exists; half to twice the default.");
        holistic_share: f64, Float, "share", 0.5, [0.0, 1.0], changeable,
            "Share of unrestricted service hours aimed first at need after the eligibility window, at the start; afterwards each ISO chooses it (§7.14).",
            "assumption (MLH 6.1)",
            asm(0.25, 0.75, "A starting value each ISO then chooses for itself; no figure.");
        deep_service_share: f64, Float, "share", 0.5, [0.0, 1.0], changeable,
            "Share of service in the deep, case-managed model (the rest in short, countable contacts) at the start; afterwards each ISO chooses it (§7.14).",
            "assumption (MLH 6.1)",
            asm(0.25, 0.75, "A starting value each ISO then chooses for itself; no figure.");
        mission_weight: f64, Float, "share", 0.5, [0.001, 0.999], changeable,
            "Mean weight ISOs give their mission against what their funders score at renewal; each ISO's weight is drawn around it.",
            "assumption",
            asm(0.25, 0.75, "No figure exists; a wide band around an even weight.");
        risk_aversion: f64, Float, "ratio", 0.5, [0.0, 10.0], changeable,
            "Mean value ISOs put on independence from their largest funder, net of the risk of volatile donations; each ISO's value is drawn around it (§7.10).",
            "assumption (MLH 6: ISOs can opt out of the funding relationship by diversifying their resources)",
            asm(0.25, 1.0, "No figure exists; half to twice the default.");
        strategy_dispersion: f64, Float, "sd of log-odds", 1.0, [0.0, 5.0], changeable,
            "Spread of ISOs' mission weights (on the logit scale) and risk aversion (on the log scale) around their means.",
            "assumption",
            asm(0.5, 2.0, "No figure exists; half to twice the default.");
        choice_sensitivity: f64, Float, "1 / value unit", 10.0, [0.0, 1000.0], changeable,
            "How sharply an ISO follows value differences when it chooses its service model and holistic share (logit choice; 0 = always half and half).",
            "assumption",
            asm(5.0, 20.0, "No figure exists; half to twice the default.");
        ask_markup_share: f64, Float, "share per year", 0.05, [0.0, 5.0], changeable,
            "How much more than its current agreement an ISO asks for at a renewal, per year the agreement ran (a first application asks its catchment's share of the budget plus this).",
            "loosely, IRCC 2019 call: $7B asked for $4B",
            asm(0.05, 0.3, "Sector review 2026: 0.05-0.3 (IRCC 2019 call: $7B asked for $4B).");
        proposal_hours: f64, Float, "hours per proposal", 80.0, [0.0, 10000.0], changeable,
            "Staff hours to write one proposal at a call.", "assumption",
            asm(40.0, 160.0, "No figure exists; half to twice the default.");
        reserve_target_months: f64, Float, "months of cost", 2.0, [0.0, 240.0], changeable,
            "Reserve an ISO aims to keep; cash above it is spent on staff over a year.",
            "assumption: about the sector median (Nonprofit Finance Fund; ONN Sector 360 (2019))",
            asm(2.0, 6.0, "Sector review 2026: boards aim at 3-6 months (ONN Sector 360 (2019)'s bare minimum is 3); widened to the current default 2.");
        surplus_spend_cap_share: f64, Float, "share of contracted revenue per month", 0.1, [0.0, 10.0], changeable,
            "Largest monthly spending of cash above the reserve target on extra staff, as a share of contracted revenue.",
            "assumption: organizations grow cautiously out of reserves",
            asm(0.05, 0.2, "No figure exists; half to twice the default.");
        planning_horizon_months: u32, Int, "months", 3.0, [1.0, 24.0], changeable,
            "Months ahead an ISO projects cash when deciding layoffs and hiring.", "assumption",
            asm(1.0, 6.0, "No figure exists; one to six months.");
    }
    section trust: TrustCfg "Trust dynamics." {
        initial: f64, Float, "index 0-1", 0.5, [0.0, 1.0], fixed_during_run,
            "Trust of every funder-ISO relationship at month 0.", "assumption",
            asm(0.3, 0.7, "No figure exists; a wide band around the midpoint.");
        build_per_month: f64, Float, "share per month", 0.06, [0.0, 1.0], changeable,
            "Share of the gap to full trust closed per month of contact, scaled by officer knowledge and contact.",
            "assumption (MLH 5.3, 5.6)",
            asm(0.03, 0.12, "No figure exists; half to twice the default.");
        late_payment_erosion_share: f64, Float, "share", 0.15, [0.0, 1.0], changeable,
            "Share of trust lost when a payment comes late.", "assumption (MLH 5.1)",
            asm(0.05, 0.3, "No figure exists; a third to twice the default.");
        cut_erosion_share: f64, Float, "share", 0.5, [0.0, 1.0], changeable,
            "Share of trust lost when a funder cuts or does not renew a contract.", "assumption",
            asm(0.25, 0.75, "No figure exists; a wide band around the default.");
        micromanagement_erosion_per_month: f64, Float, "share per month", 0.03, [0.0, 1.0], changeable,
            "Share of trust lost per month per unit of micromanagement.", "assumption (MLH ISO#20)",
            asm(0.015, 0.06, "No figure exists; half to twice the default.");
    }
    section brinkerhoff: BrinkerhoffCfg "Brinkerhoff classification." {
        threshold: f64, Float, "index 0-1", 0.5, [0.0, 1.0], changeable,
            "Level above which mutuality or organization identity counts as high.", "Brinkerhoff (2002), via MLH 3",
            fixed("a classification convention: the midpoint counts as high (Brinkerhoff (2002))");
        identity_adjust_per_month: f64, Float, "share per month", 0.1, [0.0, 1.0], changeable,
            "Speed at which organization identity moves towards its current pressure-determined level.", "assumption",
            asm(0.05, 0.2, "No figure exists; half to twice the default.");
    }
    section reporting: ReportingCfg "Reporting coordination across funders." {
        coordinated: bool, Bool, "switch", 0.0, [0.0, 1.0], changeable,
            "Funders accept one coordinated report: fixed report preparation is shared.",
            "MLH 6.2, 7 (coordinated reporting)",
            fixed("a regime switch: scenarios set it");
        coordination_saving_share: f64, Float, "share", 0.4, [0.0, 1.0], changeable,
            "Share of fixed reporting and report preparation saved when reporting is coordinated.", "assumption",
            asm(0.2, 0.6, "No figure exists; a wide band around the default.");
    }
    section partnerships: PartnershipCfg "Local and regional partnerships among ISOs (GA)." {
        enabled: bool, Bool, "switch", 0.0, [0.0, 1.0], changeable,
            "Local and regional partnerships among ISOs can form (off: the submodel does nothing and draws nothing).",
            "GA (local and regional partnerships)",
            fixed("a regime switch: scenarios set it");
        open_membership: bool, Bool, "switch", 1.0, [0.0, 1.0], changeable,
            "Informal partnerships (convened by a champion or a facilitator) have open membership: ISOs outside any partnership may join one in months no new partnership is convened.",
            "GA (Brandon: open membership)",
            fixed("a regime switch: scenarios set it (GA, Brandon)");
        initial_alignment: u8 as alignment_level, Choice(ALIGNMENTS), "level", 0.0, [0.0, 3.0], changeable,
            "Alignment of functions, roles and responsibilities when an informal partnership forms (a funded one starts at least contributory, a sub-partnership at least operational; never above max_alignment).",
            "GA Table 1, typology 5 (Kernaghan, Marson and Borins 2000)",
            fixed("a regime setting: scenarios set it (GA Table 1)");
        max_alignment: u8 as alignment_level, Choice(ALIGNMENTS), "level", 3.0, [0.0, 3.0], changeable,
            "Highest alignment a partnership can move up to.", "assumption",
            asm(1.0, 3.0, "No figure exists; from contributory to collaborative.");
        other_sectors: u32, Int, "sectors", 2.0, [0.0, 6.0], changeable,
            "Non-ISO sectors at the table, taken in the order city, health, education, police, employers, university (counted, not agents).",
            "GA Table 1, typologies 2 and 4; assumption",
            asm(0.0, 4.0, "GA's cases range from a few sectors to many; no count.");
        orgs_per_sector: u32, Int, "organizations", 1.0, [0.0, 100.0], changeable,
            "Non-ISO organizations per sector at the table.", "assumption",
            asm(1.0, 3.0, "No figure exists.");
        champion_rate_per_year: f64, Float, "champions per year", 1.0, [0.0, 12.0], changeable,
            "Rate (Poisson) at which a local champion convenes ISOs outside any partnership into a new one (whose group chooses its kind, ODD 7.25; informal when the kind is not chosen); also the rate at which a partnership without a champion finds one.",
            "GA (champions and leaders: advocates for the creation of a partnership); assumption, independent of the kind the groups choose",
            asm(0.5, 2.0, "GA names champions but gives no rate; half to twice the default.");
        champion_loss_per_year: f64, Float, "per year", 0.3, [0.0, 12.0], changeable,
            "Rate (Poisson) at which a partnership's champion leaves.", "assumption",
            asm(0.15, 0.6, "No figure exists; half to twice the default.");
        call_interval_months: u32, Int, "months", 0.0, [0.0, 120.0], changeable,
            "Months between a funder's calls for a Local Immigration Partnership, in model months that are multiples of it counted from the first reported month, warm-up included (0: no calls). At a call, ISOs outside any partnership are invited: they join the funded partnership operating, whose funding is renewed; else an informal partnership may formalise to take the funding, or those willing form a partnership, with a secretariat the funder pays until the next call if their group chooses the formal terms (ODD 7.25).",
            "GA (Calgary LIP: formed through the federal call for proposals, funded secretariat); interval: the federal programme's call cycle, a programme fact independent of partnerships (IRCC national calls: 2019 for five-year agreements, 2024 for three-year ones, KM4S 2025; calgary_lip uses 36)",
            fixed("a regime setting: scenarios set it (0: no calls; 36 to 60 months in the federal programme)");
        facilitator_rate_per_year: f64, Float, "convenings per year", 0.0, [0.0, 12.0], changeable,
            "Rate (Poisson) at which a facilitator without money (a university research institute) convenes ISOs outside any partnership into a new one (whose group chooses its kind, ODD 7.25; informal when the kind is not chosen) (0: no facilitator).",
            "GA (Brandon: the Rural Development Institute's facilitative role in the early formation stage); rate assumption (range 0.25-1 per year: GA reports one institute facilitating, no rate; brandon_informal uses 0.5), independent of the kind the groups choose",
            fixed("a regime setting: scenarios set it (0: no facilitator)");
        facilitation_familiarity_share: f64, Float, "share", 0.3, [0.0, 1.0], changeable,
            "Share of the gap to full familiarity each ISO a facilitator approaches closes when prospective partners are brought together to share information (before they decide to join).",
            "GA (Brandon: the facilitator brought prospective partners together to share important information); assumption",
            asm(0.15, 0.6, "GA describes the facilitator's role but gives no size; half to twice the default.");
        facilitation_months: u32, Int, "months", 24.0, [0.0, 240.0], changeable,
            "Months after formation during which the facilitator supports a partnership it convened: it counts as leadership in cohesion, like a champion.",
            "GA (Brandon: facilitation during the early formation stage; leaders who ensure creation tasks are undertaken); assumption",
            asm(12.0, 48.0, "GA: the early formation stage; no length; half to twice the default.");
        sub_rate_per_year: f64, Float, "per year", 0.5, [0.0, 12.0], changeable,
            "Rate (Poisson) at which an informal partnership that is operational or collaborative and cohesive (above alignment_up_cohesion) spawns a formal sub-partnership among some of its members (0: never).",
            "GA (Brandon: the informal citywide partnership facilitated several more formal partnerships among some of the partners); rate assumption",
            asm(0.25, 1.0, "GA reports sub-partnerships but no rate; half to twice the default.");
        convene_share: f64, Float, "share", 0.3, [0.0, 1.0], changeable,
            "Share of ISOs outside any partnership a champion or facilitator approaches when convening; share of a partnership's members approached for a sub-partnership.",
            "assumption",
            asm(0.15, 0.6, "No figure exists; half to twice the default.");
        open_join_share_per_month: f64, Float, "share per month", 0.03, [0.0, 1.0], changeable,
            "Monthly chance, times its willingness, that an ISO outside any partnership joins an open-membership one.",
            "assumption (GA: Brandon growing)",
            asm(0.015, 0.06, "No figure exists; half to twice the default.");
        need_recognition_share: f64, Float, "share", 0.2, [0.001, 1.0], changeable,
            "Smoothed regional unmet-need share at which need is fully recognized.",
            "GA (recognition of need); assumption",
            asm(0.1, 0.4, "No figure exists; half to twice the default.");
        need_smoothing_per_month: f64, Float, "share per month", 0.1, [0.0, 1.0], changeable,
            "Smoothing of the unmet-need share organizations perceive.", "assumption",
            asm(0.05, 0.2, "No figure exists; half to twice the default.");
        initial_familiarity: f64, Float, "index 0-1", 0.4, [0.0, 1.0], changeable,
            "Interpersonal relations of each ISO with its peers at month 0.",
            "GA (interpersonal relations); assumption",
            asm(0.2, 0.6, "No figure exists; a wide band around the default.");
        familiarity_build_per_month: f64, Float, "share per month", 0.05, [0.0, 1.0], changeable,
            "Share of the gap to full familiarity a member closes per month in a partnership.", "assumption",
            asm(0.025, 0.1, "No figure exists; half to twice the default.");
        tolerable_meeting_hours: f64, Float, "hours per month", 40.0, [0.1, 744.0], changeable,
            "Meeting hours per member per month that would outweigh all the reasons to join.", "assumption",
            asm(20.0, 80.0, "No figure exists; half to twice the default.");
        meeting_hours_informal: f64, Float, "hours per member-month", 4.0, [0.0, 744.0], changeable,
            "Meeting hours per member per month of an informal consultative partnership.",
            "assumption (Brandon: periodic meetings)",
            asm(2.0, 8.0, "GA: periodic meetings; half to twice the default.");
        meeting_hours_formal: f64, Float, "hours per member-month", 10.0, [0.0, 744.0], changeable,
            "Meeting hours per member per month of a formal consultative partnership (written terms, council, tables, teams), before a secretariat's saving.",
            "assumption (Calgary LIP structures)",
            asm(5.0, 20.0, "GA: Calgary's council, tables and teams; half to twice the default.");
        meeting_alignment_step_share: f64, Float, "share per level", 0.25, [0.0, 10.0], changeable,
            "Extra meeting hours per level of alignment above consultative.", "assumption",
            asm(0.1, 0.5, "No figure exists; a wide band around the default.");
        secretariat_meeting_saving_share: f64, Float, "share", 0.5, [0.0, 1.0], changeable,
            "Share of a partnership's work a funded secretariat takes over (agendas, minutes, coordination, accountability to the funder): members' meeting hours fall by it, and it counts as resources provided (capacity when deciding to join, resources in cohesion).",
            "GA (Calgary LIP secretariat); assumption",
            asm(0.25, 0.75, "GA describes the secretariat but gives no size; a wide band.");
        initial_cohesion: f64, Float, "index 0-1", 0.5, [0.0, 1.0], changeable,
            "Cohesion of a partnership when it forms.", "assumption",
            asm(0.35, 0.65, "No figure exists; a band around the midpoint.");
        cohesion_adjust_per_month: f64, Float, "share per month", 0.1, [0.0, 1.0], changeable,
            "Speed at which cohesion moves towards the level its operation factors support.", "assumption",
            asm(0.05, 0.2, "No figure exists; half to twice the default.");
        cohesion_noise_sd: f64, Float, "index per month", 0.05, [0.0, 1.0], changeable,
            "Month-to-month noise of cohesion (standard deviation).", "assumption",
            asm(0.025, 0.1, "No figure exists; half to twice the default.");
        dissolve_cohesion: f64, Float, "index 0-1", 0.3, [0.0, 1.0], changeable,
            "Cohesion below which a partnership of any kind dissolves.", "assumption",
            asm(0.2, 0.4, "No figure exists; kept below the alignment thresholds.");
        alignment_up_cohesion: f64, Float, "index 0-1", 0.6, [0.0, 1.0], changeable,
            "Cohesion above which a partnership moves up one alignment level.", "assumption",
            asm(0.5, 0.8, "No figure exists; kept above the dissolution threshold.");
        alignment_down_cohesion: f64, Float, "index 0-1", 0.35, [0.0, 1.0], changeable,
            "Cohesion below which a partnership moves down one alignment level.", "assumption",
            asm(0.3, 0.45, "No figure exists; kept between the other thresholds.");
        alignment_step_months: u32, Int, "months", 12.0, [1.0, 240.0], changeable,
            "Months at least between two changes of a partnership's alignment.", "assumption",
            asm(6.0, 24.0, "No figure exists; half to twice the default.");
        referral_share: f64, Float, "share", 0.5, [0.0, 1.0], changeable,
            "Share of a member's unmet catchment need that can be referred to members with spare hours in a collaborative partnership; times alignment / 4 at lower levels.",
            "GA (operational and collaborative partnerships deliver services jointly); assumption",
            asm(0.25, 0.75, "GA: partners deliver services jointly; no share.");
        training_learning_share: f64, Float, "share", 0.25, [0.0, 0.95], changeable,
            "Share by which shared professional development shortens members' learning time constant (alignment at least contributory).",
            "GA (contributory: pooled resources); assumption",
            asm(0.1, 0.5, "GA: pooled professional development; no size.");
        joint_proposal_saving_share: f64, Float, "share", 0.3, [0.0, 1.0], changeable,
            "Share of proposal hours members save by writing joint proposals (alignment at least operational).",
            "assumption",
            asm(0.15, 0.6, "No figure exists; half to twice the default.");
        preconception_mean: f64, Float, "net benefit per meeting hour", 0.0, [-1.0, 1.0], changeable,
            "Centre of the ISOs' preconceptions of partnerships at month 0 (expected net benefit per meeting hour, -1 to 1): a prior held before any evidence, which experience then updates (ODD 7.33).",
            "GA (preconceptions: positions taken on preconceived costs, benefits and risks, not evidence); assumption",
            asm(-0.25, 0.25, "GA names the factor but no distribution; neutral centre, a band either side.");
        preconception_spread: f64, Float, "net benefit per meeting hour", 0.5, [0.0, 1.0], changeable,
            "Half-width of the uniform spread of ISOs' preconceptions around preconception_mean, from partnership phobia (low) to partnership mania (high); 0: every ISO holds the same prior.",
            "GA (\"partnership mania\" and \"partnership phobia\"); assumption",
            asm(0.25, 1.0, "GA: some leaders suffer from mania, others from phobia; no spread. Half to twice the default.");
        preconception_weight: f64, Float, "willingness per unit of prior", 0.25, [0.0, 1.0], changeable,
            "Weight of an ISO's preconception in its disposition towards a partnership, which adds to its willingness to join and decides whether it stays (0: preconceptions play no part).",
            "GA (preconceptions are a major creation factor); assumption",
            asm(0.1, 0.5, "No figure exists; from a tenth to half of the willingness scale.");
        preconception_learning_per_month: f64, Float, "share per month", 0.05, [0.0, 1.0], changeable,
            "Share of the gap to the realized net benefit of its partnership (benefit hours less meeting hours per meeting hour) an ISO's preconception closes per month as a member (exponential smoothing: evidence slowly replaces the prior).",
            "GA (preconceptions are held without examining evidence); assumption",
            asm(0.02, 0.1, "No figure exists; half to twice the default (a prior half-replaced in 7 to 35 months).");
        self_interest_spread: f64, Float, "willingness", 0.1, [0.0, 1.0], changeable,
            "Half-width of the uniform spread of the private gain or loss (workload, visibility, loss of control) the director at the table expects from one partnership, drawn per ISO and partnership (0: no personal self-interest).",
            "GA (personal self-interest: leaders' own pecuniary interests in the creation, operation and termination of partnerships); assumption",
            asm(0.05, 0.2, "GA names the factor but gives no size; half to twice the default.");
        exit_disposition: f64, Float, "willingness", 0.1, [0.0, 1.0], changeable,
            "An ISO whose disposition towards a partnership (weighted preconception plus its director's self-interest) falls below minus this value does not join it, and leaves it: an informal member in any month, a formal member when its written agreement comes up for renewal.",
            "GA (positions supporting or opposing partnerships; termination); assumption",
            asm(0.05, 0.2, "No figure exists; half to twice the default.");
        agreement_months: u32, Int, "months", 36.0, [1.0, 240.0], changeable,
            "Term of a formal partnership's written agreement: its members are committed for the term and may leave only when it comes up for renewal.",
            "GA (formal partnerships: written agreements, roles and structures); term assumption (LIP agreements of 3 to 5 years: IRCC 2019 call, KM4S 2025)",
            asm(24.0, 60.0, "Agreement terms of two to five years.");
        formal_setup_hours: f64, Float, "hours per member", 40.0, [0.0, 744.0], changeable,
            "One-off hours each member spends setting up a formal partnership (written agreement, terms of reference, governance structures) in its first month, less the share a funded secretariat takes over; expected over the agreement term when deciding to join.",
            "GA (formal partnerships: agreements, structures and documents); assumption",
            asm(20.0, 80.0, "No figure exists; half to twice the default (about a week of a director's time).");
        kind_chosen: bool, Bool, "switch", 1.0, [0.0, 1.0], changeable,
            "The group a convening gathers chooses its partnership's kind: formal (written agreement, setup hours, heavier meetings, members bound for the agreement term, the funder's secretariat when a call offers it) when its members' willingness summed over the group is higher for it than for informal, else informal; at a call with no funded partnership operating, the most cohesive informal partnership first chooses whether to formalise and take the funding (ODD 7.25, 7.33). Off: the convener decides the kind (a call formal, a champion or facilitator informal).",
            "GA (partnerships are established formally or informally, through written or unwritten agreements; generally informally, the exceptions being those a government funds; Brandon: more formal partnerships only with a special effort and federal support)",
            fixed("a model switch: the kind is chosen by the group or follows the convener");
        spinoff_rate_per_year: f64, Float, "per year", 0.2, [0.0, 12.0], changeable,
            "Rate (Poisson), times its members' mean capacity, at which a mature partnership (operational or above, cohesive above alignment_up_cohesion, at least spinoff_min_age_months old) without a business spins off a fee-for-service business (0: never).",
            "GA (Brandon: a new fee-for-service interpretation business); rate assumption",
            asm(0.1, 0.4, "GA reports one such business and no rate; half to twice the default.");
        spinoff_min_age_months: u32, Int, "months", 24.0, [0.0, 240.0], changeable,
            "Age a partnership must reach before it may spin off a fee-for-service business.",
            "GA (Brandon: the business came after years of increasing institutionalization); assumption",
            asm(12.0, 48.0, "No figure exists; half to twice the default.");
        spinoff_demand_hours: f64, Float, "hours per month", 80.0, [0.0, 10000.0], changeable,
            "Mean monthly hours of fee-for-service work (interpretation) the business sells.",
            "GA (Brandon interpretation business); assumption",
            asm(40.0, 160.0, "No figure exists; half to twice the default.");
        spinoff_demand_cv: f64, Float, "share", 0.5, [0.0, 1.7], changeable,
            "Coefficient of variation of the business's monthly demand (a uniform draw, truncated at 0): demand uncertainty.",
            "assumption",
            asm(0.25, 1.0, "No figure exists; half to twice the default.");
        spinoff_margin_share: f64, Float, "share", 0.25, [0.0, 5.0], changeable,
            "Fee over the hourly wage of the staff who do the work (interpreters paid from the fees): the margin earned per hour sold, as a share of the wage.",
            "assumption (fee-for-service pricing at cost plus a margin)",
            asm(0.1, 0.5, "No figure exists; half to twice the default.");
        spinoff_overhead_hours: f64, Float, "hours per month", 12.0, [0.0, 744.0], changeable,
            "Staff hours the members spend running the business each month (booking, billing, quality), shared among members as administration.",
            "assumption",
            asm(6.0, 24.0, "No figure exists; half to twice the default.");
        spinoff_failure_months: u32, Int, "months", 3.0, [1.0, 120.0], changeable,
            "Consecutive months in which the margin earned is below the value of the overhead hours after which the business closes.",
            "assumption",
            asm(2.0, 6.0, "No figure exists; a band around a quarter.");
    }
    section community: CommunityCfg "The host community's receptivity (MLH 6: integration as a two-way street)." {
        initial_receptivity: f64, Float, "index 0-1", 0.5, [0.0, 1.0], fixed_during_run,
            "Receptivity of the host community (how far it moves towards newcomers: employers, public institutions, neighbours) at the start of the warm-up, and its baseline level until a timeline event shifts it.",
            "assumption (MLH 6: government views integration as a two-way street, the host culture also moving towards the immigrants; no measure on a 0-1 scale)",
            asm(0.3, 0.7, "No measure of a region's receptivity on a 0-1 scale exists; a band around the midpoint.");
        adjust_months: f64, Float, "months", 24.0, [1.0, 600.0], changeable,
            "Time constant of receptivity: each month it closes 1 / adjust_months of the gap to the level its drivers support.",
            "assumption (attitudes of a host community change over years, not months)",
            asm(12.0, 60.0, "No figure exists; one to five years.");
        integration_weight: f64, Float, "integration-scale units", 0.5, [0.0, 10.0], changeable,
            "Weight of the host community's receptivity, beside service received, in a cohort's long-term integration: a cohort that lived its whole followed period in a fully receptive community gains as much as from integration_hours_scale x weight effective service hours per person (0: integration depends on service alone, the model before this mechanism).",
            "assumption (MLH 6: integration is a two-way street; the direction is the source's, the size is not)",
            asm(0.25, 1.0, "MLH give the direction but no size; from a quarter to a whole integration scale of service.");
        visibility_weight: f64, Float, "index per unit rise", 1.0, [0.0, 100.0], changeable,
            "Fall of the receptivity target per unit of relative rise of arrivals above the level the community is familiar with, times the share of the month's new need left unmet (0: visibility has no effect).",
            "assumption (a fast rise of newcomers without service is visible and can lower receptivity; familiarity raises it back)",
            asm(0.5, 2.0, "No figure exists; half to twice the default.");
        familiarity_months: f64, Float, "months", 36.0, [1.0, 600.0], changeable,
            "Time constant of the arrivals level the host community is familiar with: a higher level of arrivals is no longer a rise after about this long.",
            "assumption (familiarity with newcomers grows over years)",
            asm(12.0, 60.0, "No figure exists; one to five years.");
        community_work_weight: f64, Float, "index 0-1", 0.3, [0.0, 1.0], changeable,
            "Rise of the receptivity target that local partnerships' work with employers and public institutions can bring at most (0: partnerships' community work has no effect).",
            "GA (Brandon's partnership brought in health, education, housing, employment, policing organizations, the chamber of commerce and employers; partnerships create warm and welcoming communities); size assumption",
            asm(0.15, 0.6, "GA give the direction but no size; half to twice the default.");
        community_work_half_orgs: f64, Float, "organizations", 4.0, [0.01, 1000.0], changeable,
            "Host organizations engaged (non-ISO organizations at operating partnerships' tables, weighted by cohesion and alignment / 4) at which community work brings half of community_work_weight.",
            "assumption",
            asm(2.0, 8.0, "No figure exists; half to twice the default.");
    }
    section sector: SectorCfg "A sector with a voice: an umbrella body of ISOs (MLH 6)." {
        umbrella_enabled: bool, Bool, "switch", 0.0, [0.0, 1.0], changeable,
            "An umbrella body of the region's ISOs exists: each April every operating ISO decides to join or stay; its influence softens government policy-shock cuts (off: the submodel does nothing, no ISO is a member and cuts are as drawn).",
            "MLH 6 (umbrella associations such as OCASI, 'a collective voice for the immigrant serving sector'; the sector still lacks a common voice)",
            fixed("a regime switch: scenarios set it");
        dues_share: f64, Float, "share of revenue", 0.0005, [0.0, 0.1], changeable,
            "Membership dues per month as a share of a member's monthly revenue (its agreements in force plus last month's donations and fees), set each April; paid from unrestricted money, not an eligible cost.",
            "assumption (range 0.0002-0.002): umbrella bodies scale fees to members' budgets; no fee schedule in the sources",
            asm(0.0002, 0.002, "Fees scaled to budgets; no schedule in the sources: from a fiftieth to a fifth of a percent of revenue.");
        member_hours_per_month: f64, Float, "hours per member-month", 4.0, [0.0, 744.0], changeable,
            "Staff hours a month membership takes from each member (meetings, consultations, surveys, campaigns): administrative work that leaves frontline time when it overflows administrative capacity.",
            "assumption (range 2-12): a half-day meeting a month plus consultations; no figure",
            asm(2.0, 12.0, "No figure exists; from two hours to a day and a half a month.");
        selective_benefit_hours: f64, Float, "hours per member-month", 4.0, [0.0, 744.0], changeable,
            "Value to a member, in staff hours a month, of what only members get (policy briefings, training, information), at a fully staffed body: it scales with the body's policy staff factor.",
            "assumption (range 0-8): selective benefits that only members receive; no figure",
            asm(0.0, 8.0, "No figure exists; from none (a pure public good) to a day a month.");
        grant_policy_staff: f64, Float, "staff (FTE)", 1.0, [0.0, 1000.0], changeable,
            "Policy staff of the umbrella body a funder grant pays whatever the dues; the dues pay the rest (dues income / the cost of a staff member).",
            "assumption (range 0-3): umbrella bodies receive government project funding (MLH: OCASI); no figure for policy positions",
            asm(0.0, 3.0, "No figure exists; from none to three funded positions.");
        policy_staff_half: f64, Float, "staff (FTE)", 2.0, [0.01, 1000.0], changeable,
            "Policy staff at which the staff factor of influence, staff / (staff + policy_staff_half), is one half.",
            "assumption (range 1-4)",
            asm(1.0, 4.0, "No figure exists; half to twice the default.");
        cut_softening_share: f64, Float, "share", 0.3, [0.0, 1.0], changeable,
            "Share of a government funder's policy-shock cut that a voice of full influence (1) averts: the cut applied is shock_cut_share * (1 - cut_softening_share * influence) (0: the voice changes no cut).",
            "assumption (range 0-0.5): the 2010-11 and 2026-27 federal cuts went through despite the sector's campaigns (MLH: the sector lacks a common voice), while refugee services were protected in 2026 (IRCC 2026 amendments)",
            asm(0.0, 0.5, "Federal cuts went through despite the sector's campaigns; from none to half of a cut averted.");
    }
    section dependence: DependenceCfg "Dependence both ways: finite alternatives, unserved need borne by funders, emergency contracts (MLH 6)." {
        enabled: bool, Bool, "switch", 1.0, [0.0, 1.0], changeable,
            "Alternatives are finite and of varying quality and funders answer unserved need with emergency contracts (off: the rule of revision 3, alternatives without a capacity limit at the fixed quality alternative_quality_share, no emergency contracts; unserved need is still recorded).",
            "MLH 6: neither sector can provide these services without the other",
            fixed("an ablation switch: off restores revision 3's unlimited alternatives");
        alternative_capacity_share: f64, Float, "share of the funder's budget basis", 0.25, [0.0, 100.0], changeable,
            "Money per month the region's other providers can absorb from one funder (awards to alternative applicants and emergency contracts together), as a share of the funder's budget before policy shocks and timeline events (budget_per_newcomer times the arrivals it follows); awards beyond it cannot be placed.",
            "assumption (sector review 3.10: 821 applicants for 552 approvals in the IRCC 2019 call, about half as many unfunded applicants as funded ones, assumed smaller than the funded)",
            asm(0.1, 0.5, "Sector review 2026 3.10: 0.49 unfunded applicants per funded one in the 2019 call; at a half to a whole of a funded applicant's size.");
        alternative_quality_sd: f64, Float, "score units", 0.2, [0.0, 10.0], changeable,
            "Spread (sd) of the service quality of a funded alternative around the funder's alternative_quality_share, drawn when the award is made and unseen by the funder at the call; the quality is kept within 0 and 1.",
            "assumption (the spread of alternatives' measured performance, ALTERNATIVE_PERF_SD)",
            asm(0.1, 0.4, "No figure exists; half to twice the spread of measured performance.");
        notice_months: f64, Float, "months", 3.0, [1.0, 120.0], changeable,
            "Time constant with which a funder's sense of the region's unmet need follows the month's unmet share.",
            "assumption",
            asm(1.0, 6.0, "No figure exists; a month to two quarters.");
        emergency_threshold_share: f64, Float, "share", 0.1, [0.0, 1.0], changeable,
            "Unmet share of the month's new need, as the funder senses it, above which it places emergency contracts.",
            "assumption (MLH 5.1: growing waiting lists)",
            asm(0.05, 0.2, "No figure exists; from about the baseline's unmet share to four times it.");
        emergency_premium_share: f64, Float, "share", 0.25, [0.0, 5.0], changeable,
            "Price premium of an emergency contract over a competed award: money paid per hour bought, above the cost of a frontline hour.",
            "assumption (contracts placed without a call, at short notice)",
            asm(0.1, 0.5, "No figure exists; sole-source and surge contracting cost more than competed awards.");
        emergency_months: u32, Int, "months", 3.0, [1.0, 24.0], changeable,
            "Months an emergency contract runs.",
            "assumption",
            asm(1.0, 6.0, "No figure exists; a month to two quarters.");
    }
    per_funder funders: FunderCfg "One funder's regime." {
        enabled: bool, Bool, "switch", [1.0, 1.0, 1.0, 1.0], [0.0, 1.0], fixed_during_run,
            "Whether this funder exists in the scenario.",
            "MLH: federal, provincial, municipal and philanthropic funders",
            [fixed("a regime switch: scenarios set it"); 4];
        fiscal_year_start_month: u32, Int, "month of the year", [4.0, 4.0, 1.0, 1.0], [1.0, 12.0], fixed_during_run,
            "First month of the funder's fiscal year (1 = January, 4 = April): late-payment draws fall here, and unexpended program advances are recovered at its end.",
            "federal and provincial: 1 April (Financial Administration Act; provincial acts); municipal: calendar year (municipal acts); foundation: assumption",
            [src("Financial Administration Act"), src("provincial acts"), src("municipal acts"), asm(1.0, 4.0, "Foundations keep the calendar year or the April year; no figure.")];
        call_cycle: CallCycle, Choice(CALL_CYCLES), "choice", [0.0, 1.0, 1.0, 1.0], [0.0, 1.0], fixed_during_run,
            "How agreements are renewed: sector_wide (one call for all agreements, common start and end dates, in the fiscal-year start month) or rolling (each agreement is renewed when it ends; first applications at an annual intake in the fiscal-year start month).",
            "federal: the 2019 and 2024 IRCC calls set sector-wide start dates; others assumption (agreements start when signed)",
            [fixed("a regime setting: scenarios set it (IRCC 2019 call)"); 4];
        budget_per_newcomer: f64, Float, "CAD per month per monthly arrival", [2284.0, 300.0, 100.0, 400.0], [0.0, 1.0e6], changeable,
            "Monthly budget per newcomer arriving per month (on the lagged average of arrivals).",
            "federal: IRCC ~$779M (2019-20) / 341k admissions; others assumption",
            [src("CIMM 43-1"), asm(150.0, 600.0, "No figure exists; half to twice the default."), asm(50.0, 200.0, "No figure exists; half to twice the default."), asm(100.0, 400.0, "Sector review 2026: 100-400; no figure for foundation money per newcomer.")];
        budget_lag_months: u32, Int, "months", [36.0, 12.0, 12.0, 12.0], [1.0, 240.0], fixed_during_run,
            "Window of the moving average of arrivals the budget follows.",
            "federal: IRCC allocates on a rolling 3-year average of landings; others assumption",
            [src("CIMM 43-1"), asm(6.0, 24.0, "No figure exists; half to twice the default."), asm(6.0, 24.0, "No figure exists; half to twice the default."), asm(6.0, 24.0, "No figure exists; half to twice the default.")];
        budget_follow_share: f64, Float, "share", [1.0, 1.0, 1.0, 0.0], [0.0, 1.0], changeable,
            "How far the budget follows arrivals (1) rather than staying at the level of reported month 0 (0), throughout the warm-up and the run.",
            "assumption (MLH 5.1: funding is not keeping up)",
            [asm(0.5, 1.0, "MLH 5.1: funding is not keeping up; from half to full following."), asm(0.5, 1.0, "MLH 5.1: funding is not keeping up; from half to full following."), asm(0.5, 1.0, "MLH 5.1: funding is not keeping up; from half to full following."), asm(0.0, 0.5, "Foundation money need not follow arrivals; no figure.")];
        shock_probability_per_year: f64, Float, "shocks per year", [0.2, 0.06, 0.03, 0.03], [0.0, 12.0], changeable,
            "Rate (Poisson) of policy shocks that cut the budget, amend agreements and terminate contracts.",
            "federal: IRCC cut events (three in 15 years: Ontario 2011, the CFP 2024 non-renewals, the 2026-27 amendments), range 0.1-0.25; others assumption (Ontario 2011)",
            [asm(0.1, 0.25, "IRCC cut events: three federal cut events in about 15 years (0.2); sector review 2026: 0.1-0.25."), asm(0.03, 0.25, "Sector review 2026: 0.1-0.25 a year for the federal program; no provincial figure."), asm(0.015, 0.06, "No figure exists; half to twice the default."), asm(0.015, 0.06, "No figure exists; half to twice the default.")];
        shock_cut_share: f64, Float, "share", [0.12, 0.12, 0.12, 0.12], [0.0, 1.0], changeable,
            "Share of the budget removed by a shock (recovering over shock_recovery_months): part by amending every agreement (shock_amend_share), the rest by ending the lowest-ranked contracts at once.",
            "Ontario 2011 (Toronto Star 2010): 34 agencies lost all funding, about $43M of $387M (11%) cut",
            [src("Ontario 2011"); 4];
        shock_recovery_months: f64, Float, "months", [0.0, 0.0, 0.0, 0.0], [0.0, 1200.0], changeable,
            "Time constant with which a budget cut by policy shocks recovers towards the level arrivals call for (0 = cuts are permanent; the budget still follows arrivals).",
            "IRCC cut events: no restoration of a cut seen (Ontario's allocation rebuilt with landings, not restored); range 0-120",
            [asm(0.0, 120.0, "Sector review 2026: from no recovery (none seen: IRCC cut events) to 120 months."); 4];
        shock_amend_share: f64, Float, "share", [0.5, 0.5, 0.5, 0.5], [0.0, 1.0], changeable,
            "Share of a cut made by amending every agreement (contracts in force and pending awards lose shock_amend_share * cut of their unprotected part); the lowest-ranked contracts then end until the rest fits (0 = terminations only).",
            "assumption (range 0-1): of the IRCC cut events, 2010-11 ended 34 Ontario agencies' agreements (Ontario 2011) and 2026-27 amended every agreement (IRCC 2026 amendments)",
            [asm(0.0, 1.0, "Of the IRCC cut events, 2010-11 ended agreements and 2026-27 amended every one; anywhere between."); 4];
        shock_protected_share: f64, Float, "share", [0.25, 0.25, 0.25, 0.25], [0.0, 1.0], changeable,
            "Share of each agreement (protected services) that an amending cut leaves untouched.",
            "assumption (range 0-0.5): refugee services were protected in the 2026-27 amendments (IRCC 2026 amendments); refugees are about a quarter of settlement clients",
            [asm(0.0, 0.5, "Refugee services were protected in the 2026-27 amendments; none to half of an agreement."); 4];
        contract_months: u32, Int, "months", [60.0, 24.0, 12.0, 12.0], [1.0, 120.0], changeable,
            "Length of an agreement; renewal is by competitive call when it ends.",
            "federal: IRCC 2019 call, agreements 2020-21 to 2024-25 (5 years; the 2024 call: 3 years; MLH 5.1: annual contracts c. 2010, scenario annual_2010s); provincial: Ontario NSP 2013, two-year funding (Caribbean Camera 2013); municipal, foundation: assumption (range 12-36)",
            [asm(12.0, 60.0, "Sector review 2026: 36-60 for a post-2019 baseline (IRCC 2019 call, KM4S 2025), 12 for the annual renewals of MLH."), asm(12.0, 36.0, "Ontario agreements of one to three years; no single figure."), asm(12.0, 36.0, "Municipal grants of one to three years; no figure."), asm(12.0, 36.0, "Foundation grants of one to three years; no figure.")];
        core_share: f64, Float, "share", [0.0, 0.0, 0.2, 0.5], [0.0, 1.0], changeable,
            "Share of a contract that is unrestricted core operating funding (the rest is program-restricted).",
            "MLH 5.1: program-specific federal funding; others assumption",
            [src("MLH"), asm(0.0, 0.2, "No figure exists; none to a fifth."), asm(0.1, 0.4, "No figure exists; half to twice the default."), asm(0.2, 0.5, "Sector review 2026: foundation core 0.2-0.5 (United Way-type agency funding).")];
        eligibility_restricted: bool, Bool, "switch", [1.0, 0.0, 0.0, 0.0], [0.0, 1.0], changeable,
            "Whether program money may serve only newcomers inside the eligibility window.",
            "MLH: federal three-year cut-off",
            [fixed("a regime switch: scenarios set it (MLH: the federal cut-off)"); 4];
        indirect_rate_share: f64, Float, "share of direct cost", [0.12, 0.12, 0.12, 0.15], [0.0, 5.0], changeable,
            "Overhead a program contract reimburses on top of wages: program money is reimbursement of eligible costs (wages plus this rate); advances not matched by eligible costs are recovered at the funder's fiscal-year end.",
            "Gregory & Howard 2009: funders pay 10-15%",
            [asm(0.1, 0.15, "Gregory & Howard 2009 and Bridgespan 2016: funders pay 10-15%."); 4];
        decision_delay_months: u32, Int, "months", [0.0, 1.0, 1.0, 0.0], [0.0, 24.0], changeable,
            "Months after a contract period starts before the renewal decision (and first payment) arrives.",
            "federal: IRCC 2019 call, decisions sent 9 Aug 2019 for 1 Apr 2020 (QP note 2019), so none after the start (the 2024 call: 9 weeks late, still before its start, KM4S 2025; annual_2010s: 1); others: assumption for routine renewals",
            [asm(0.0, 3.0, "Sector review 2026: 0 inside a multi-year agreement, 0-1 in a call year, 2-3 only as a stress case (IRCC 2019 call decided 8 months early; KM4S 2025: 9 weeks late)."), asm(0.0, 2.0, "Sector review 2026: 0-2 (Ontario allows streamlined renewal of ongoing agreements)."), asm(0.0, 2.0, "No figure exists; none to two months."), asm(0.0, 2.0, "No figure exists; none to two months.")];
        late_payment_probability: f64, Float, "probability per contract-year", [0.35, 0.35, 0.35, 0.1], [0.0, 1.0], changeable,
            "Chance that the first payments of a contract-year come late.",
            "Urban Institute 2010, 2013: 30-40% of contracted nonprofits paid late",
            [src("Urban Institute 2010"), src("Urban Institute 2010"), src("Urban Institute 2010"), asm(0.05, 0.2, "No figure exists; half to twice the default.")];
        late_payment_days_min: f64, Float, "days", [10.0, 10.0, 10.0, 10.0], [0.0, 720.0], changeable,
            "Shortest delay of a late payment, in days; a delay is min + (max - min) * u^2 with u uniform, skewed to short delays.",
            "Urban Institute 2013: with 10-120 days, 17% of late payers are 61-90 days late (survey 20-24%) and 15% over 90",
            [src("Urban Institute 2013"); 4];
        late_payment_days_max: f64, Float, "days", [120.0, 120.0, 120.0, 120.0], [0.0, 720.0], changeable,
            "Longest delay of a late payment.", "Urban Institute 2013",
            [src("Urban Institute 2013"); 4];
        holdback_share: f64, Float, "share", [0.1, 0.1, 0.0, 0.1], [0.0, 0.5], changeable,
            "Share of every payment of an agreement year held back until the year's final report (0 = none); paid final_report_months after the agreement year or the agreement ends.",
            "OTF payment release policy: 10% until the final report; DoJ contribution handbook 2002: federal contributions hold back a percentage until reporting is verified (IRCC's percentage not found); municipal: assumption 0 (range 0-0.2)",
            [asm(0.0, 0.2, "OTF payment release policy holds back 10%; the federal percentage was not found (DoJ contribution handbook 2002); none to a fifth."); 4];
        final_report_months: u32, Int, "months", [4.0, 4.0, 3.0, 3.0], [0.0, 24.0], changeable,
            "Months from the end of an agreement year (or of the agreement) to the payment of its holdback: the final report and its review.",
            "assumption (range 2-6): final reports due about a quarter after the year ends, then reviewed",
            [asm(2.0, 6.0, "Final reports are due about a quarter after the year ends, then reviewed; no figure."); 4];
        reporting_hours_per_month: f64, Float, "hours per month", [20.0, 10.0, 6.0, 6.0], [0.0, 10000.0], changeable,
            "Fixed monthly reporting work for one contract, whatever its size.",
            "assumption (Urban Institute 2010: 3/4 call reporting a problem)",
            [asm(10.0, 40.0, "Sector review 2026: 10-40 hours a month fixed (more for larger agreements); no time study."), asm(5.0, 20.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default.")];
        reporting_per_client_hours: f64, Float, "hours per client counted", [0.25, 0.1, 0.1, 0.05], [0.0, 100.0], changeable,
            "Data entry per client counted, charged under output measures.", "assumption (MLH 5.3)",
            [asm(0.1, 0.5, "Sector review 2026: 0.1-0.5 hours per client counted (minutes per service record); no published time study of iCARE entry."), asm(0.05, 0.2, "No figure exists; half to twice the default."), asm(0.05, 0.2, "No figure exists; half to twice the default."), asm(0.025, 0.1, "No figure exists; half to twice the default.")];
        reports_per_year: f64, Float, "reports per year", [4.0, 2.0, 1.0, 1.0], [0.0, 52.0], changeable,
            "Formal reports due per year.", "assumption",
            [asm(2.0, 4.0, "Quarterly claims and reports under IRCC agreements, fewer where first-quarter reports are waived; practitioner judgment (sector review 2026)."), asm(1.0, 4.0, "No figure exists; half to twice the default."), asm(1.0, 2.0, "One or two reports a year; no figure."), asm(1.0, 2.0, "One or two reports a year; no figure.")];
        report_prep_hours: f64, Float, "hours per report", [24.0, 16.0, 8.0, 8.0], [0.0, 10000.0], changeable,
            "Hours to prepare one formal report.", "assumption",
            [asm(12.0, 48.0, "No figure exists; half to twice the default."), asm(8.0, 32.0, "No figure exists; half to twice the default."), asm(4.0, 16.0, "No figure exists; half to twice the default."), asm(4.0, 16.0, "No figure exists; half to twice the default.")];
        measure: Measure, Choice(MEASURES), "choice", [0.0, 0.0, 0.0, 1.0], [0.0, 1.0], changeable,
            "What the funder measures and ranks on: clients counted (output) or integration gained (outcome).",
            "MLH 6.1, 6.3",
            [fixed("a regime setting: scenarios set it (MLH 6.1, 6.3)"); 4];
        outcome_measurement_hours_per_month: f64, Float, "hours per month", [10.0, 10.0, 10.0, 10.0], [0.0, 10000.0], changeable,
            "Monthly work of outcome measurement (follow-up surveys), charged under outcome measures.", "assumption",
            [asm(5.0, 20.0, "No figure exists; half to twice the default."); 4];
        micromanagement_share: f64, Float, "share", [0.3, 0.15, 0.1, 0.05], [0.0, 5.0], changeable,
            "Mark-up on the contract's fixed reporting and formal report preparation (not on per-client data entry or outcome measurement); the same share, capped at 1, erodes trust and presses on organization identity.",
            "assumption (MLH ISO#20: two times more into administration)",
            [asm(0.0, 1.0, "Sector review 2026: 0-1 (a literal reading of MLH ISO#20 is near 1)."), asm(0.0, 1.0, "Sector review 2026: 0-1."), asm(0.0, 0.5, "No figure exists; none to half."), asm(0.0, 0.5, "No figure exists; none to half.")];
        officer_rotation_months: f64, Float, "months", [18.0, 30.0, 36.0, 48.0], [0.0, 1200.0], changeable,
            "Mean time a program officer stays on a file (0 = officers never rotate; values below 1 act as 1).",
            "MLH: rotating one or two years; PSC testimony 2009 (qualitative)",
            [asm(12.0, 36.0, "Sector review 2026: federal 12-36 (MLH: one or two years)."), asm(18.0, 48.0, "Sector review 2026: provincial 18-48."), asm(18.0, 72.0, "No figure exists; between the provincial and foundation ranges."), asm(36.0, 72.0, "Sector review 2026: foundation 36-72.")];
        new_officer_knowledge_share: f64, Float, "share", [0.2, 0.2, 0.2, 0.2], [0.0, 1.0], changeable,
            "Knowledge of the file a new officer starts with.", "assumption (MLH: no corporate memory)",
            [asm(0.0, 0.5, "MLH: no corporate memory; from none to half."); 4];
        officer_learning_months: f64, Float, "months", [12.0, 12.0, 12.0, 12.0], [1.0, 240.0], changeable,
            "Time constant with which an officer learns a file.", "assumption",
            [asm(6.0, 24.0, "No figure exists; half to twice the default."); 4];
        explanation_hours_per_month: f64, Float, "hours per month", [12.0, 8.0, 6.0, 6.0], [0.0, 10000.0], changeable,
            "ISO hours spent briefing an officer with no knowledge (scaled by 1 - knowledge).",
            "assumption (MLH ISO#18: we often feel like we're training new staff)",
            [asm(6.0, 24.0, "No figure exists; half to twice the default."), asm(4.0, 16.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default.")];
        officer_decision_delay_months: f64, Float, "months", [0.0, 2.0, 1.0, 1.0], [0.0, 24.0], changeable,
            "Extra decision delay at renewal for an officer with no knowledge (scaled by 1 - knowledge).",
            "assumption (MLH 5.3); federal 0: the 2019 call decided eight months before agreements started (annual_2010s: 2)",
            [asm(0.0, 3.0, "MLH 5.3 gives the direction; none to three months."), asm(0.0, 3.0, "MLH 5.3 gives the direction; none to three months."), asm(0.0, 2.0, "No figure exists; none to two months."), asm(0.0, 2.0, "No figure exists; none to two months.")];
        trust_reset_share: f64, Float, "share", [0.3, 0.3, 0.3, 0.3], [0.0, 1.0], changeable,
            "Share of trust lost when the officer on a file changes.", "assumption (MLH 5.3)",
            [asm(0.1, 0.6, "MLH 5.3 gives the direction; a wide band."); 4];
        contact_share: f64, Float, "share", [0.4, 0.7, 0.9, 0.8], [0.0, 1.0], changeable,
            "Closeness of contact with ISOs; scales how fast trust is built.",
            "MLH 5.6: provinces rated better than federal (\"Ottawa is far away\"); levels assumed",
            [asm(0.2, 0.6, "MLH 5.6 orders the funders (Ottawa is far away) but gives no levels."), asm(0.5, 0.9, "MLH 5.6 orders the funders but gives no levels."), asm(0.7, 1.0, "MLH 5.6 orders the funders but gives no levels."), asm(0.6, 1.0, "MLH 5.6 orders the funders but gives no levels.")];
        alternatives: u32, Int, "applicants", [10.0, 5.0, 3.0, 5.0], [0.0, 100000.0], changeable,
            "Applicants outside the modelled ISOs competing at each call (the funder's alternatives).",
            "MLH 6 (many alternatives); IRCC 2019 call: 1,315 proposals from 821 applicants, 67% of applicants approved",
            [asm(10.0, 30.0, "Sector review 2026: 10-30 (821 applicants for 552 approvals in the IRCC 2019 call imply about 20)."), asm(3.0, 30.0, "Sector review 2026: Ontario 2011 implies about 30."), asm(1.0, 6.0, "No figure exists; half to twice the default."), asm(2.0, 10.0, "No figure exists; half to twice the default.")];
        alternative_quality_share: f64, Float, "score units", [0.8, 0.8, 0.8, 0.8], [0.0, 100.0], changeable,
            "Mean measured performance of an alternative applicant relative to the average ISO (unproven: below 1).",
            "assumption",
            [asm(0.4, 1.5, "Unsourced (sector review 2026); the calibration prior's range."); 4];
        alternative_leakage_share: f64, Float, "share", [0.0, 0.0, 0.0, 0.0], [0.0, 1.0], changeable,
            "Share of the money awarded to alternative applicants that does not serve the region's newcomers (the rest funds other providers in the region).",
            "assumption: other providers funded by the same programme serve the same region",
            [asm(0.0, 0.5, "No figure exists; none to half."); 4];
        oversight_hours_per_file_month: f64, Float, "hours per agreement-month", [3.0, 3.0, 2.0, 2.0], [0.0, 1000.0], changeable,
            "Funder staff hours a month to carry one agreement's file (monitoring, payments, contact), times 1 + micromanagement_share.",
            "assumption (MLH 5.3: officials read reports and carry files)",
            [asm(1.5, 6.0, "No figure exists; half to twice the default."), asm(1.5, 6.0, "No figure exists; half to twice the default."), asm(1.0, 4.0, "No figure exists; half to twice the default."), asm(1.0, 4.0, "No figure exists; half to twice the default.")];
        review_hours_per_report: f64, Float, "hours per report", [4.0, 4.0, 3.0, 3.0], [0.0, 1000.0], changeable,
            "Funder staff hours to read and follow up one formal report.", "assumption",
            [asm(2.0, 8.0, "No figure exists; half to twice the default."), asm(2.0, 8.0, "No figure exists; half to twice the default."), asm(1.5, 6.0, "No figure exists; half to twice the default."), asm(1.5, 6.0, "No figure exists; half to twice the default.")];
        review_hours_per_proposal: f64, Float, "hours per proposal", [8.0, 6.0, 4.0, 4.0], [0.0, 1000.0], changeable,
            "Funder staff hours to review one proposal at a call or intake (ISOs and alternative applicants).",
            "assumption",
            [asm(4.0, 16.0, "No figure exists; half to twice the default."), asm(3.0, 12.0, "No figure exists; half to twice the default."), asm(2.0, 8.0, "No figure exists; half to twice the default."), asm(2.0, 8.0, "No figure exists; half to twice the default.")];
        call_performance_weight: f64, Float, "weight", [1.0, 1.0, 1.0, 1.0], [0.0, 100.0], changeable,
            "Weight of measured performance per dollar (on the funder's measure) when it ranks applicants (0 = scores ignore performance).",
            "assumption",
            [asm(0.5, 2.0, "No figure exists; half to twice the default."); 4];
        call_trust_weight: f64, Float, "weight", [0.5, 0.5, 0.5, 0.5], [0.0, 100.0], changeable,
            "Weight of trust, beside measured performance, when the funder ranks applicants.", "assumption",
            [asm(0.25, 1.0, "No figure exists; half to twice the default."); 4];
        call_noise_sd: f64, Float, "score units", [0.3, 0.3, 0.3, 0.3], [0.0, 100.0], changeable,
            "Noise in how the funder scores proposals.", "assumption",
            [asm(0.15, 0.6, "No figure exists; half to twice the default."); 4];
        fundraising_score_weight: f64, Float, "weight", [0.0, 0.0, 0.0, 2.0], [0.0, 100.0], changeable,
            "Weight the funder puts on the share of revenue an applicant raises itself.",
            "assumption: foundations favour organizations that raise other money",
            [asm(0.0, 1.0, "No figure exists; none to half the foundation's weight."), asm(0.0, 1.0, "No figure exists; none to half the foundation's weight."), asm(0.0, 1.0, "No figure exists; none to half the foundation's weight."), asm(1.0, 4.0, "No figure exists; half to twice the default.")];
        authority_weight: f64, Float, "weight 0-1", [0.5, 0.5, 0.5, 0.5], [0.0, 1.0], changeable,
            "Weight the funder's decision authority (a manager or minister's office, a foundation's board) gives the program officer's recommendation: the part of the score that rests on the officer's relationship (trust) counts only this much (1 = the officer decides, ODD 7.30).",
            "assumption (MLH 5.3, ISO#10: officers are intermediaries who \"don't have power...to make changes\")",
            [asm(0.25, 1.0, "MLH 5.3 says officers do not decide but not how far their superiors follow them; from a quarter to the officer deciding."); 4];
        authority_risk_weight: f64, Float, "score units", [0.25, 0.25, 0.25, 0.25], [0.0, 100.0], changeable,
            "Score the decision authority takes off an applicant per unit of financial risk above the operating ISOs' mean (risk: the share of the reserve target its cash does not cover, 1 when overdrawn); 0 = a neutral view of risk.",
            "assumption (Transfer Payments policy: funders manage the risk of recipients; MLH 5.1: officials answer for accountability)",
            [asm(0.0, 0.5, "No figure exists; none to the weight of half a unit of measured performance."); 4];
        authority_error_share: f64, Float, "share", [0.3, 0.3, 0.3, 0.3], [0.0, 1.0], changeable,
            "Share of the files prepared by an officer who does not know the file (knowledge 0) that the decision authority returns for correction (scaled by 1 - knowledge).",
            "assumption (MLH 5.3, ISO#18: officers are trained to manage contracts, not to evaluate social-service staffing models)",
            [asm(0.0, 0.6, "MLH 5.3 gives the direction; none to twice the default."); 4];
        authority_review_months: u32, Int, "months", [0.0, 1.0, 1.0, 1.0], [0.0, 24.0], changeable,
            "Months the decision authority adds to a decision whose file it returns or whose recommendation it overturns (0 = its review never delays a decision).",
            "federal 0: the 2019 call decided eight months before agreements started (QP note 2019), so a second review fits inside that lead time; others: assumption (the CFP 2024 results came 9 weeks late, KM4S 2025)",
            [asm(0.0, 2.0, "Sector review 2026: a review adds weeks to two months (KM4S 2025: 9 weeks late); 0 while decisions precede the start."), asm(0.0, 2.0, "No figure exists; none to two months."), asm(0.0, 2.0, "No figure exists; none to two months."), asm(0.0, 2.0, "No figure exists; none to two months.")];
        terms_chosen: bool, Bool, "switch", [0.0, 1.0, 1.0, 1.0], [0.0, 1.0], changeable,
            "Whether the funder chooses the terms it offers (contract months, core share, reporting scale) each fiscal-year start within its mandate (ODD 7.28); off: its terms are the scenario's contract_months, core_share and reporting as set, and agreements in force follow them.",
            "federal off: the IRCC 2019 call fixed five-year, program-specific terms for the period; others on: MLH 5.1 (officials choose annual, program-specific terms for accountability and the flexibility to change partners)",
            [fixed("a regime switch: the 2019 call fixed the federal terms"), fixed("a regime switch (MLH 5.1)"), fixed("a regime switch (MLH 5.1)"), fixed("a regime switch (MLH 5.1)")];
        terms_contract_months_max: u32, Int, "months", [60.0, 36.0, 36.0, 36.0], [1.0, 120.0], changeable,
            "Longest agreement the funder's mandate allows it to offer (its preferred length is contract_months; a maximum below it fixes the length). Chosen lengths move in whole years.",
            "federal: IRCC 2019 call, five years; provincial: Ontario agreements of one to three years; municipal, foundation: grants of one to three years (sector review 2026, 3.8)",
            [src("IRCC 2019 call"), asm(24.0, 36.0, "Ontario agreements of one to three years (sector review 2026, 3.8)."), asm(12.0, 36.0, "Municipal grants of one to three years; no figure."), asm(12.0, 36.0, "Foundation grants of one to three years (sector review 2026, 3.8).")];
        terms_core_share_max: f64, Float, "share", [0.0, 0.2, 0.4, 0.5], [0.0, 1.0], changeable,
            "Largest core (unrestricted) share of an agreement the funder's mandate allows (its preferred share is core_share; a maximum at or below it fixes the share).",
            "federal: program-specific (MLH 5.1); others: the top of core_share's plausible range (sector review 2026, 3.9)",
            [src("MLH"), asm(0.0, 0.2, "No figure exists; the top of core_share's range."), asm(0.2, 0.4, "No figure exists; the top of core_share's range."), asm(0.4, 0.6, "Sector review 2026: foundation core 0.2-0.5; around the top of that range.")];
        terms_reporting_scale_min: f64, Float, "share", [1.0, 0.5, 0.5, 0.5], [0.0, 1.0], changeable,
            "Lightest reporting the funder's mandate allows, as a share of its preferred reporting (fixed reporting, report preparation and per-client data entry or outcome measurement, and the formal reports it reads); 1 fixes its reporting.",
            "assumption (range 0.5-1): MLH 7 (consistent, lighter reporting proposed); federal 1 (the 2019 call's reporting)",
            [src("IRCC 2019 call"), asm(0.5, 1.0, "MLH 7 proposes lighter reporting; from half to none lighter."), asm(0.5, 1.0, "MLH 7 proposes lighter reporting; from half to none lighter."), asm(0.5, 1.0, "MLH 7 proposes lighter reporting; from half to none lighter.")];
        terms_late_payment_probability_min: f64, Float, "probability per contract-year", [0.35, 0.1, 0.1, 0.05], [0.0, 1.0], changeable,
            "Lowest late-payment probability the funder's mandate lets it reach by paying promptly (its preferred practice is late_payment_probability; a minimum at or above it fixes the practice): payment practice moves with core share and reporting, the same share of the way.",
            "federal: as late_payment_probability (its terms are fixed by the 2019 call); others: assumption (MLH 5.1: late payment is the funder's practice, ISO#19)",
            [src("IRCC 2019 call"), asm(0.05, 0.35, "No figure exists; from prompt payment to the present practice."), asm(0.05, 0.35, "No figure exists; from prompt payment to the present practice."), asm(0.0, 0.1, "No figure exists; from always on time to the present practice.")];
        terms_unserved_weight: f64, Float, "weight", [1.0, 1.0, 1.0, 1.0], [0.0, 100.0], changeable,
            "Weight the funder puts, when it chooses its terms, on the share of the region's new need left unmet over the past twelve months (0 = unserved newcomers do not move its terms).",
            "assumption (range 0.5-2): MLH 5.1 (funders weigh accountability against what the sector cannot do)",
            [asm(0.5, 2.0, "No figure exists; half to twice the default."); 4];
        terms_closure_weight: f64, Float, "weight", [1.0, 1.0, 1.0, 1.0], [0.0, 100.0], changeable,
            "Weight the funder puts, when it chooses its terms, on the share of ISOs that closed over the past twelve months (0 = closures do not move its terms).",
            "assumption (range 0.5-2): MLH 5.1 (ISO #19: the government cannot do the work these agencies do)",
            [asm(0.5, 2.0, "No figure exists; half to twice the default."); 4];
        terms_tolerance_share: f64, Float, "share", [0.1, 0.1, 0.1, 0.1], [0.0, 10.0], changeable,
            "The value the funder puts on short, restricted, closely reported terms (accountability and the flexibility to change partners), in units of the weighted pressure: terms move toward the sector when pressure exceeds it, back toward the preferred terms when it falls below.",
            "assumption (range 0.05-0.3): MLH 5.1 (officials value annual, program-specific contracts for accountability and the flexibility to change partners)",
            [asm(0.05, 0.3, "No figure exists; from about the present unmet share to a third of need unmet."); 4];
        terms_voice_weight: f64, Float, "weight", [0.2, 0.2, 0.2, 0.2], [0.0, 100.0], changeable,
            "Weight the funder puts, when it chooses its terms, on the sector's voice (the umbrella body's influence, 0-1, ODD 7.31; 0 when there is no umbrella body): a full voice adds this much to the pressure (0 = the sector's voice does not reach the choice of terms).",
            "assumption (range 0-0.5): MLH 6 (the sector lacks a common voice to press its case); a full voice adds up to five times the default tolerance",
            [asm(0.0, 0.5, "No figure exists; from no weight to five times the tolerance."); 4];
        terms_emergency_weight: f64, Float, "weight", [1.0, 1.0, 1.0, 1.0], [0.0, 100.0], changeable,
            "Weight the funder puts, when it chooses its terms, on what its emergency contracts in force cost it, as a share of its monthly budget (ODD 7.29; 0 = emergency spending does not move its terms).",
            "assumption (range 0.5-2): MLH 5.2, 6 (government cannot deliver settlement without the sector); the same weight as unmet need and closures",
            [asm(0.5, 2.0, "No figure exists; half to twice the default."); 4];
        terms_oversight_hour_cost: f64, Float, "CAD per hour", [70.0, 70.0, 70.0, 70.0], [0.0, 10000.0], changeable,
            "Loaded cost of one hour of the funder's staff time (program officers and those above them: salary, benefits, overhead), at which the funder values its oversight hours when it chooses its terms (ODD 7.28).",
            "assumption (range 45-100): no figure in the sources; a program officer's salary of about $75-95k a year with benefits and overhead over about 1,650 working hours is about $60-75 an hour, against an ISO staff hour of about $43 (wage_per_staff_month x (1 + nonstaff_overhead_share) / hours_per_staff_month)",
            [asm(45.0, 100.0, "No figure in the sources: about an ISO staff hour's cost ($43) to about twice the default salary-based estimate's low end."); 4];
        terms_oversight_weight: f64, Float, "weight", [1.0, 1.0, 1.0, 1.0], [0.0, 100.0], changeable,
            "Weight the funder puts, when it chooses its terms, on what its own oversight of the past twelve months cost it (its oversight hours, as in <funder>_oversight_hours, at terms_oversight_hour_cost), as a share of its budget over the same months (0 = oversight cost does not move its terms; ODD 7.28).",
            "assumption (range 0.5-2): MLH 5.1 (officials weigh the administrative cost of annual, closely reported contracts); money as a share of budget, the same footing as terms_emergency_weight",
            [asm(0.5, 2.0, "No figure exists; half to twice the default."); 4];
        terms_cost_per_client_weight: f64, Float, "weight", [1.0, 1.0, 1.0, 1.0], [0.0, 100.0], changeable,
            "Weight the funder puts, when it chooses its terms, on what its last move did to its cost per client: the relative change of its cost per client from the fiscal year before its last move to the year after it, signed against the move (a sector-ward move followed by a lower cost per client presses further toward the sector, one followed by a higher cost presses back; 0 = cost per client does not move its terms; ODD 7.28).",
            "assumption (range 0-2): MLH 5.1 (officials answer for cost per client); at a fixed number of clients a relative change of cost per client is the same relative change of the money paid to ISOs, so weight 1 puts it on the footing of the money shares (terms_emergency_weight, terms_oversight_weight)",
            [asm(0.0, 2.0, "No figure exists; from not weighing it to twice the footing of money."); 4];
        terms_step_share: f64, Float, "share per year", [0.5, 0.5, 0.5, 0.5], [0.0, 1.0], changeable,
            "Share of the mandate's width (core share, reporting scale) a funder moves its terms in one fiscal year; contract lengths move by twelve months (0 = terms never move).",
            "assumption (range 0.25-1): policy changes take one to four budget cycles",
            [asm(0.25, 1.0, "No figure exists; one to four fiscal years to cross the mandate."); 4];
    } with {
        /// the funder's name ([`FUNDERS`] order)
        name: &'static str,
        /// first month of the fiscal year, 0 = January … 11 = December (April under
        /// `simulation.synchronized_calendar`)
        fiscal_year_start: u32,
    }

}

/// The registry, built once.
pub fn registry() -> &'static [ParamSpec] {
    static REG: OnceLock<Vec<ParamSpec>> = OnceLock::new();
    REG.get_or_init(build_registry)
}

/// Index of a parameter in the registry, by dotted path (code that knows the parameter uses its
/// compile-time [`id`] instead).
pub fn index_of(path: &str) -> Option<usize> {
    static INDEX: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            registry()
                .iter()
                .enumerate()
                .map(|(i, s)| (s.path.as_str(), i))
                .collect()
        })
        .get(path)
        .copied()
}

/// The registered path closest to `path`, for "did you mean" messages.
pub fn suggest(path: &str) -> Option<&'static str> {
    crate::names::closest(path, registry().iter().map(|s| s.path.as_str()), 0.8)
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
/// use partnersim_engine::params::{check_value_lenient, index_of, registry, RawValue};
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
    /// If `path` is not registered (code that knows its parameter reads it by its [`id`]).
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
        let sources = source_keys(include_str!("../../docs/sources.md"));
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

    /// Each registry row is read into exactly one typed field, its key, of its own table (or
    /// funder): changing one value changes exactly that field of [`Sections::read`]. The fields
    /// are generated from the rows, so no field is without a row.
    #[test]
    fn every_row_is_read_into_exactly_its_own_field() {
        let reg = registry();
        assert_eq!(reg.len(), id::COUNT);
        let shown = |v: &Values| -> Vec<String> {
            format!("{:#?}", Sections::read(v))
                .lines()
                .map(String::from)
                .collect()
        };
        let base = shown(&Values::default());
        for (i, s) in reg.iter().enumerate() {
            let mut v = Values::default();
            v.set_index(i, if s.default != s.max { s.max } else { s.min });
            let moved = shown(&v);
            assert_eq!(moved.len(), base.len(), "{}", s.path);
            let changed: Vec<usize> = (0..base.len()).filter(|&k| base[k] != moved[k]).collect();
            assert_eq!(changed.len(), 1, "{}: {changed:?}", s.path);
            let line = moved[changed[0]].trim_start();
            let (table, key) = s.path.rsplit_once('.').unwrap();
            assert!(line.starts_with(&format!("{key}: ")), "{}: {line}", s.path);
            // the block the line is in: its table, or its funder (the n-th `FunderCfg`)
            let above = &moved[..changed[0]];
            let block = above
                .iter()
                .rev()
                .find(|l| l.trim_end().ends_with('{') && !l.trim_start().starts_with("funders"))
                .unwrap();
            match table.strip_prefix("funders.") {
                Some(name) => {
                    let n = above.iter().filter(|l| l.contains("FunderCfg {")).count();
                    assert_eq!(FUNDERS[n - 1], name, "{}", s.path);
                }
                None => assert!(
                    block.trim_start().starts_with(&format!("{table}: ")),
                    "{}: {block}",
                    s.path
                ),
            }
        }
    }

    #[test]
    fn ids_name_their_rows() {
        let reg = registry();
        let c = id::funders::contract_months;
        for (f, name) in FUNDERS.iter().enumerate() {
            let s = &reg[c.index(f)];
            assert_eq!(s.path, format!("funders.{name}.contract_months"));
            assert_eq!((s.min, s.max), (c.min, c.max));
        }
        let h = id::iso::planning_horizon_months;
        assert_eq!(reg[h.index].path, "iso.planning_horizon_months");
        assert_eq!((reg[h.index].min, reg[h.index].max), (h.min, h.max));
        assert_eq!(index_of("iso.planning_horizon_months"), Some(h.index));
        assert_eq!(
            reg[id::simulation::duration_months.index].path,
            "simulation.duration_months"
        );
        assert_eq!(index_of("iso.planning_horizon_month"), None);
    }

    /// What may change during a run: the run's size and initial state may not; the parameters
    /// that act at creation but are recomputed on change may.
    #[test]
    fn fixed_during_run_is_the_size_and_initial_state() {
        let reg = registry();
        let fixed = |p: &str| reg[index_of(p).unwrap()].fixed_during_run;
        assert!(reg
            .iter()
            .filter(|s| s.path.starts_with("simulation."))
            .all(|s| s.fixed_during_run));
        for p in [
            "iso.mission_weight",
            "iso.strategy_dispersion",
            "iso.risk_aversion",
            "partnerships.enabled",
        ] {
            assert!(!fixed(p), "{p}");
        }
        for f in FUNDERS {
            assert!(fixed(&format!("funders.{f}.budget_lag_months")));
            assert!(!fixed(&format!("funders.{f}.contract_months")));
        }
        assert_eq!(reg.iter().filter(|s| s.fixed_during_run).count(), 30);
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
