//! The simulation engine: one replication of a scenario, month by month.
//!
//! The model owns its random streams ([`rng`]) and one [`Model::step`] that
//! runs the month's submodels in the order documented in `docs/ODD.md`
//! ("Process overview and scheduling"):
//!
//! 1. newcomers arrive, cohorts age, need arises and long-waiting need is abandoned;
//! 2. funders update budgets, let commitments to other providers expire, and may suffer
//!    policy shocks (contracts terminated) ([`funders`]);
//! 3. program officers rotate and learn;
//!
//!    3b. local partnerships (when `partnerships.enabled`) lose or find champions, update
//!    cohesion and alignment, dissolve, form or take new members, and set the month's
//!    per-member effects used in steps 4 and 6 ([`partnership`]);
//!
//!    3c. the umbrella body (when `sector.umbrella_enabled`): each April ISOs join or stay;
//!    every month its influence is set, which softens government cuts in step 2 of the next
//!    month ([`sector`]);
//! 4. calls and intakes: sector-wide calls and rolling renewals of agreements that end this
//!    month, first applications at annual intakes; late-payment draws at each funder's
//!    fiscal-year start and at each agreement's start;
//! 5. decisions are announced and payments are made, held or released (in days);
//! 6. ISOs plan staff (layoffs, hiring) and spend hours on administration and service ([`isos`]);
//! 7. service hours meet newcomers' need; (7b) members of a partnership refer part of their
//!    catchments' unmet need to members with hours left; (7c) other providers funded by awards
//!    to alternative applicants serve the need that remains; (7d) each funder is attributed its
//!    share of the need left unserved and, above a threshold, places emergency contracts
//!    ([`dependence`]);
//! 8. ISOs raise donations, pay costs and interest along the month's cash path, are reimbursed
//!    for eligible costs and return unexpended advances at each funder's fiscal-year end, miss
//!    payroll or close; staff quit and gain experience;
//! 9. trust and organization identity update; mutuality is recomputed; (9b) the host
//!    community's receptivity moves and reaches every followed cohort ([`community`]);
//! 10. the month is observed ([`observe`]): metrics are recorded from the warm-up's end on.
//!
//! The model never reads files or prints. Example:
//!
//! ```
//! use partnersim_engine::model::{Config, Model};
//! let mut cfg = Config::default();
//! cfg.simulation.duration_months = 24;
//! cfg.simulation.warmup_months = 12;
//! let out = Model::new(&cfg, 42, 0).run();
//! assert_eq!(out.months.len(), 24);
//! ```

// Loops over funders index several parallel per-funder arrays at once.
#![allow(clippy::needless_range_loop)]

mod authority;
pub mod community;
pub mod config;
mod dependence;
pub mod fork;
mod funders;
mod isos;
pub mod newcomers;
mod observe;
pub mod partnership;
pub mod rng;
pub mod sector;
pub mod terms;
pub mod timeline;
pub mod trace;

pub use config::{CallCycle, Config, Measure};
pub use isos::IsoMonth;

use crate::metrics::MonthRecord;
use newcomers::{allocate_into, Cohorts, NeedPools, Offer, Served};
use partnership::{Partnership, Partnerships};
use rng::{EnvDraws, FunderDraws, IsoDraws, RelEvents};

/// `x` rounded to the nearest whole number, halves up, for `x ≥ 0` (no call into libm).
#[inline]
pub(crate) fn round_half_up(x: f64) -> u32 {
    (x + 0.5) as u32
}

/// Number of funders.
pub const NF: usize = 4;
/// Revenue sources: the four funders, then donations and fees.
pub const SOURCES: usize = NF + 1;
/// Smallest award a funder makes, as a share of the ask; below it the applicant is refused.
pub const MIN_AWARD_SHARE: f64 = 0.5;
/// Spread of an alternative applicant's measured performance (sd, in units of the ISO mean).
pub const ALTERNATIVE_PERF_SD: f64 = 0.2;
/// Share of revenue an alternative applicant raises itself, used by funders that weigh
/// fundraising (assumption: about a fifth, the non-government share of settlement agencies'
/// revenue less foundation grants).
pub const ALTERNATIVE_DONATION_SHARE: f64 = 0.2;
/// Noise of monthly donations (sd, share).
pub const DONATION_NOISE_SD: f64 = 0.1;
/// Smoothing of the performance record funders look at (per month).
pub const PERF_SMOOTHING: f64 = 1.0 / 12.0;
/// Days in a month (365.25 / 12): converts payment delays in days to months.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;
/// Slots of the ring of commitments to other providers, by the month they end: more than the
/// longest agreement the registry allows (`funders.*.contract_months` at most 120), rounded up to
/// a power of two (128).
pub const OTHER_SLOTS: usize =
    (crate::params::id::funders::contract_months.max as usize + 1).next_power_of_two();

/// Brinkerhoff classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Class {
    /// high mutuality, high identity
    Partnership = 0,
    /// low mutuality, high identity
    Contracting = 1,
    /// low mutuality, low identity
    Extension = 2,
    /// high mutuality, low identity
    Cooptation = 3,
}

/// Classifies a relationship by Brinkerhoff's two dimensions.
pub fn classify(mutuality: f64, identity: f64, threshold: f64) -> Class {
    match (mutuality >= threshold, identity >= threshold) {
        (true, true) => Class::Partnership,
        (false, true) => Class::Contracting,
        (false, false) => Class::Extension,
        (true, false) => Class::Cooptation,
    }
}

/// One funder–ISO relationship and its agreement.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rel {
    /// agreement value per month (the old value while a renewal is pending)
    pub monthly: f64,
    /// an agreement exists (active or awaiting its renewal decision)
    pub has_contract: bool,
    /// a decision (renewal or first application) made but not yet announced
    pub pending: bool,
    /// value awarded at the pending decision (0 = refused)
    pub award: f64,
    /// month (model clock) of the call or intake of the pending decision
    pub applied: u32,
    /// month (model clock) the pending decision is announced
    pub decision_month: u32,
    /// month (model clock, negative before the start) the current agreement period started
    pub period_start: i32,
    /// month (model clock) the current agreement period ends and its renewal is decided
    pub end_month: i32,
    /// month (model clock) the agreement's next year starts (its next anniversary)
    pub next_year: i32,
    /// installments due but held (late payment, decision delay)
    pub held: f64,
    /// time (model months, fractional) at which held installments are paid
    pub release_at: f64,
    /// late-payment delay (days) drawn for a pending decision, applied from its announcement
    pub late_days: f64,
    /// payments of the current agreement year held back until its final report (§7.9)
    pub holdback: f64,
    /// holdback of ended agreement years, paid at `holdback_release`
    pub holdback_due: f64,
    /// month (model clock) the holdback of ended agreement years is paid
    pub holdback_release: u32,
    /// program money received minus eligible costs charged in the funder's fiscal year
    /// (negative: costs incurred and not yet reimbursed)
    pub advance: f64,
    /// program officer's knowledge of the file (0-1)
    pub knowledge: f64,
    /// trust of the relationship (0-1)
    pub trust: f64,
    /// mutuality (0-1), last computed
    pub mutuality: f64,
    /// the terms the agreement was signed under (§7.28)
    pub signed: terms::Terms,
}

/// One immigrant-serving organization.
#[derive(Debug, Clone, Copy, Default)]
pub struct Iso {
    /// operating
    pub alive: bool,
    /// share of the region's newcomers who come here
    pub catchment: f64,
    /// staff employed
    pub staff: u32,
    /// mean experience of staff (months)
    pub experience: f64,
    /// cash (CAD); negative = overdraft
    pub cash: f64,
    /// limit of the line of credit (CAD), fixed at the start
    pub credit_limit: f64,
    /// consecutive months of missed payroll
    pub missed_months: u32,
    /// wind-down cost (termination pay) of agreements ended without renewal, due this month
    pub severance_due: f64,
    /// non-staff costs of ended agreements still running on, per month (§7.18)
    pub tail_monthly: f64,
    /// months `tail_monthly` still runs
    pub tail_left: u32,
    /// model month an agreement last ended without renewal (refused or terminated), if ever
    pub last_loss: Option<u32>,
    /// why the ISO closed, once it has
    pub closed_by: Option<ClosureCause>,
    /// organization identity (0-1)
    pub identity: f64,
    /// service depth chosen (hours per client-month)
    pub depth: f64,
    /// smoothed clients counted per month
    pub clients_ema: f64,
    /// smoothed effective hours per month
    pub effective_ema: f64,
    /// smoothed monthly cost
    pub cost_ema: f64,
    /// donations last month
    pub donations: f64,
    /// clients counted last month
    pub clients_last: f64,
    /// clients inside the eligibility window counted last month
    pub clients_eligible_last: f64,
    /// smoothed clients inside the eligibility window (the record of funders that restrict to it)
    pub clients_eligible_ema: f64,
    /// weight the ISO gives its mission against what its funders score (0-1, drawn)
    pub mission: f64,
    /// value the ISO puts on independence from its largest funder (drawn)
    pub risk_aversion: f64,
    /// the ISO's standard normal scores of its mission weight and of its risk aversion, drawn
    /// once at its creation: [`traits`] turns them into `mission` and `risk_aversion` under
    /// the parameters in force, again when a switch or a timeline event changes those
    pub trait_scores: [f64; 2],
    /// share of its service in the deep, case-managed model (chosen each April)
    pub deep_share: f64,
    /// share of unrestricted hours aimed first beyond the eligibility window (chosen each April)
    pub holistic: f64,
    /// fundraising effort, share of staff hours (chosen each April)
    pub effort: f64,
    /// how far its choices depart from what its mission alone would choose (0-1)
    pub mission_drift: f64,
    /// this year's donation factor (mean one, drawn each April)
    pub donation_factor: f64,
    /// expected donations and fees per staff member per month this year
    pub donations_per_staff: f64,
    /// its estimate of the donation factor's level, learned from past years
    pub returns_ema: f64,
    /// its estimate of the squared log donation factor (volatility), learned from past years
    pub volatility_ema: f64,
}

/// What closed an ISO (§7.18).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosureCause {
    /// payroll missed more consecutive months than `iso.insolvency_grace_months`
    MissedPayroll,
    /// the board's check: resources over `iso.winddown_horizon_months` fall short of payroll
    /// and the wind-down costs due
    BoardWindDown,
}

/// One funder.
#[derive(Debug, Clone)]
pub struct Funder {
    ring: Vec<f64>,
    pos: usize,
    sum: f64,
    /// cumulative budget multiplier from policy shocks
    pub shock_factor: f64,
    /// cumulative budget multiplier from scenario timeline events
    pub event_factor: f64,
    /// current monthly budget
    pub budget: f64,
    /// month (model clock) of the next sector-wide call
    pub next_call: i32,
    /// no agreement of a rolling funder ends before this month (a lower bound kept so that
    /// months without renewals skip the search for them)
    next_renewal: i32,
    /// monthly commitments to other providers (awards to alternative applicants), by the
    /// month they end (`OTHER_SLOTS` slots, indexed by month modulo the length)
    other: Vec<f64>,
    /// sum of `other`
    pub other_total: f64,
    /// the terms offered for agreements signed now (§7.28; read through [`Funder::terms`])
    offered: terms::Terms,
    /// where the funder stands inside its mandate (§7.28)
    stance: terms::Stance,
}

/// Result of one replication.
#[derive(Debug, Clone)]
pub struct ReplicationOutput {
    /// one record per reported month, preceded by the warm-up's months when
    /// `simulation.record_warmup` asks for them (`warmup_records` of them)
    pub months: Vec<MonthRecord>,
    /// how many of `months` are warm-up months (0 unless asked for)
    pub warmup_records: usize,
    /// the replication summary (same metric order)
    pub summary: MonthRecord,
    /// every local partnership formed, in its final state (empty when partnerships are off;
    /// not stored in run chunks)
    pub partnerships: Vec<Partnership>,
}

/// A ratio kept as its two sums, so that months add up before it is taken: a run's value is
/// the ratio of its totals, not the mean of the monthly ratios (ODD §7.24).
#[derive(Debug, Clone, Copy, Default)]
struct Quotient {
    /// numerator
    num: f64,
    /// denominator
    den: f64,
}

impl Quotient {
    /// Adds another month's (or applicant pool's) sums.
    #[inline]
    fn add(&mut self, other: Quotient) {
        self.num += other.num;
        self.den += other.den;
    }

    /// `num / den`, or 0 when `den` is not positive.
    #[inline]
    fn value(self) -> f64 {
        ratio(self.num, self.den)
    }
}

/// Run totals over the reported months, for the summary rules of ODD §7.24.
#[derive(Debug, Clone, Default)]
struct Totals {
    /// separations (quits and layoffs) of staff-months
    turnover: Quotient,
    /// administrative and reporting hours, and all staff hours
    admin_hours: f64,
    reporting_hours: f64,
    staff_hours: f64,
    /// government revenue of all revenue
    gov_revenue: Quotient,
    /// need hours served of need hours (waiting at the warm-up's end, and arising since)
    service: Quotient,
    /// the month's facts of the same names, added up
    delays: Quotient,
    approvals: Quotient,
    fundraising: Quotient,
    /// ISO applicants whose award the decision authority overturned, of ISO applicants; months
    /// the authority's review added, of decisions on ISO applications (§7.30)
    overturned: Quotient,
    authority_delay: Quotient,
    /// per funder: payments to ISOs of the clients attributed to it, and money decided of its
    /// budget-months
    cost_per_client: [Quotient; NF],
    reallocated: [Quotient; NF],
}

/// One ISO's payments in the month: what arrived at its start and what arrived later.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Inflows {
    /// paid at the start of the month
    pub on_time: f64,
    /// payments released within the month: (time as a share of the month, amount)
    pub late: [(f64, f64); NF],
    /// how many of `late` are used
    pub n_late: usize,
}

/// What the month's steps hand to its observation, in the order of the steps.
#[derive(Debug, Clone, Copy, Default)]
struct MonthFacts {
    /// step 1: newcomers arrived
    arrivals: f64,
    /// step 3: officer rotations, and the trust lost with them
    rotations: f64,
    reset_loss: f64,
    /// step 4, per funder: proposals reviewed and money put to a decision at calls and intakes
    proposals: [f64; NF],
    decided: [f64; NF],
    /// step 4: applicants approved, of all applicants
    approvals: Quotient,
    /// step 4: ISO applicants whose award the decision authority overturned, of ISO applicants;
    /// months its review added, of decisions on ISO applications (§7.30)
    overturned: Quotient,
    authority_delay: Quotient,
    /// step 5: late first payments of agreement years; months from call to announcement,
    /// summed over the decisions announced, of decisions
    late_events: f64,
    delays: Quotient,
    /// step 7: unmet share of the month's new need; ISOs' and other providers' service hours
    unmet_need: f64,
    service_hours: f64,
    other_hours: f64,
    /// step 8: separations (quits and layoffs), quits, layoffs; the share of ISOs that missed
    /// payroll; interest paid; program money returned; fundraising cost (staff time at full
    /// cost and direct expense) of what it raised
    separations: f64,
    quits: f64,
    layoffs: f64,
    missed: f64,
    interest: f64,
    returned: f64,
    fundraising: Quotient,
    /// step 8, last: each funder's oversight hours, reports received, money paid to ISOs and
    /// clients reached (§7.24, §7.28)
    funder_months: [terms::FunderMonth; NF],
}

/// The random streams of one replication (ODD §4.13, §5 step 1): the environment's and each
/// funder's sequential streams, and the keys of the counter-based streams read by position.
/// (Each ISO's own sequential stream is used up at initialization, §5 step 3.)
#[derive(Clone)]
struct Streams {
    /// the environment's stream (arrival surges and noise)
    env: rng::Stream,
    /// each funder's stream (policy shocks)
    funders: Vec<rng::Stream>,
    /// keys of the ISOs' monthly streams (`IsoDraws`)
    iso_monthly: Vec<u64>,
    /// keys of the ISOs' event streams (`RelEvents`: late payments, proposal scores)
    iso_events: Vec<u64>,
    /// keys of each funder's alternative applicants' streams
    alternatives: [u64; NF],
}

impl Streams {
    /// The streams of replication `replication` under master seed `seed` with `n` ISOs.
    fn new(seed: u64, replication: u64, n: usize) -> Streams {
        Streams {
            env: rng::Stream(rng::stream(seed, replication, rng::ENTITY_ENV)),
            funders: (0..NF)
                .map(|f| rng::Stream(rng::stream(seed, replication, rng::entity_funder(f))))
                .collect(),
            iso_monthly: (0..n)
                .map(|i| rng::counter_key(seed, replication, rng::entity_iso_monthly(i)))
                .collect(),
            iso_events: (0..n)
                .map(|i| rng::counter_key(seed, replication, rng::entity_iso_events(i)))
                .collect(),
            alternatives: std::array::from_fn(|f| {
                rng::counter_key(seed, replication, rng::entity_alternatives(f))
            }),
        }
    }
}

/// The state of one replication (cloned to fork it: [`fork`]).
#[derive(Clone)]
pub struct Model<'a> {
    /// the configuration in force (shared; a timeline event that changes it makes a copy)
    cfg: std::sync::Arc<Config>,
    _borrow: std::marker::PhantomData<&'a Config>,
    /// current month on the model clock (0 = first month of the warm-up)
    pub t: u32,
    warmup: u32,
    /// the random streams and the keys of the counter-based ones
    streams: Streams,
    /// cohorts of newcomers
    pub cohorts: Cohorts,
    /// funders
    pub funders: Vec<Funder>,
    /// ISOs
    pub isos: Vec<Iso>,
    /// relationships: `rels[i][f]` for ISO `i` and funder `f`
    pub rels: Vec<[Rel; NF]>,
    /// local partnerships
    partners: Partnerships,
    /// the funders' decision authorities' stream key and scratch (§7.30)
    authority: authority::Authority,
    /// the host community (§7.32)
    community: community::Community,
    /// the umbrella body of the sector (ODD §7.31)
    sector: sector::Umbrella,
    /// the funders' dependence ledgers (§7.29)
    dep: dependence::Dependence,
    surge_left: u32,
    /// arrivals multiplier and months left of a timeline arrivals event
    arrivals_event: (f64, u32),
    closures: u32,
    initial_isos: usize,
    totals: Totals,
    facts: MonthFacts,
    // scratch, reused every month (no allocation in the loop)
    offers: Vec<Offer>,
    served: Vec<f64>,
    served_eligible: Vec<f64>,
    proposals: Vec<f64>,
    revenue: Vec<[f64; SOURCES]>,
    inflows: Vec<Inflows>,
    late_event: Vec<[bool; NF]>,
    starting: Vec<[bool; NF]>,
    applicants: Vec<usize>,
    draws: Vec<IsoDraws>,
    /// mean performance per dollar over operating ISOs on each record (clients, eligible
    /// clients, effective hours), as funders see it this month
    perf_means: [f64; 3],
    order: Vec<(f64, usize)>,
    work: Vec<isos::IsoMonth>,
    terms: isos::FunderTerms,
    /// monthly probabilities of the configuration in force
    rates: Rates,
    /// the region's ledger of the past year that funders read when they choose terms (§7.28)
    terms_ledger: terms::Ledger,
    /// each funder's own ledger of the past year (oversight, cost per client; §7.28)
    cost_ledgers: [terms::CostLedger; NF],
    reserve_scratch: Vec<f64>,
    ledger: Vec<(f64, f64, f64)>,
    months: Vec<MonthRecord>,
}

/// Monthly probabilities the configuration implies, computed when it is set (at the start and
/// at a timeline event or a switch that changes it) instead of every month.
#[derive(Debug, Clone, Copy)]
struct Rates {
    /// each funder's monthly probability of a policy shock (§7.4)
    shock: [f64; NF],
    /// monthly probability that an arrival surge starts
    surge: f64,
    /// an ISO's base monthly quit probability (§7.19)
    quit: f64,
}

impl Rates {
    fn new(cfg: &Config) -> Rates {
        Rates {
            shock: std::array::from_fn(|f| rate_prob(cfg.funders[f].shock_probability_per_year)),
            surge: rate_prob(cfg.newcomers.surge_probability_per_year),
            quit: monthly_prob(cfg.iso.quit_rate_per_year),
        }
    }
}

/// `num / den`, or 0 when `den` is not positive (shares and means of empty sets).
#[inline]
pub(crate) fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

/// Per-month probability of an event with Poisson rate `per_year` (events per year).
fn rate_prob(per_year: f64) -> f64 {
    1.0 - (-per_year.max(0.0) / 12.0).exp()
}

/// Per-month probability from a share of a population lost per year.
fn monthly_prob(per_year: f64) -> f64 {
    if per_year <= 0.0 {
        0.0
    } else if per_year >= 1.0 {
        1.0
    } else {
        1.0 - (1.0 - per_year).powf(1.0 / 12.0)
    }
}

/// Calendar month (0 = January … 11 = December) of model month `k` when the warm-up lasts
/// `warmup` months: reported month 0 is an April.
pub fn calendar_month(k: i64, warmup: u32) -> u32 {
    (3 + k - i64::from(warmup)).rem_euclid(12) as u32
}

/// The first model month of a sector-wide funder's agreement cycle that is at or before month 0,
/// so that its calls fall in its fiscal-year start month, on the reported months
/// `t ≡ a (mod contract_months)` where `a` is the first such month from reported month 0 on.
fn sector_wide_start(fiscal_year_start: u32, contract_months: u32, warmup: u32) -> i32 {
    let cm = i64::from(contract_months);
    // first model month at or after the warm-up's end that starts the funder's fiscal year
    let mut a = i64::from(warmup);
    while calendar_month(a, warmup) != fiscal_year_start {
        a += 1;
    }
    (a - cm * ((a + cm - 1) / cm)) as i32
}

/// An ISO's mission weight and risk aversion from its standard normal scores `z` (drawn once,
/// at its creation) under `ic`: the mission weight is logistic in `logit(iso.mission_weight) +
/// iso.strategy_dispersion · z[0]`, the risk aversion log-normal with mean `iso.risk_aversion`
/// and log-sd `iso.strategy_dispersion` (ODD §7.14). The same scores under other parameters give
/// the same ISO's traits in another regime: it keeps its rank among the ISOs.
pub fn traits(ic: &config::IsoCfg, z: [f64; 2]) -> (f64, f64) {
    let m = ic.mission_weight.clamp(1e-3, 1.0 - 1e-3);
    let mission_logit = (m / (1.0 - m)).ln();
    let sd = ic.strategy_dispersion;
    (
        1.0 / (1.0 + (-(mission_logit + sd * z[0])).exp()),
        ic.risk_aversion * (sd * z[1] - 0.5 * sd * sd).exp(),
    )
}

/// ODD §5 step 2: the funders at the start of the warm-up, when `a0` newcomers arrive a month.
fn initial_funders(cfg: &Config, a0: f64) -> Vec<Funder> {
    let warmup = cfg.simulation.warmup_months;
    cfg.funders
        .iter()
        .map(|fc| {
            let lag = fc.budget_lag_months as usize;
            let budget = if fc.enabled {
                fc.budget_per_newcomer * a0
            } else {
                0.0
            };
            let start = sector_wide_start(fc.fiscal_year_start, fc.contract_months, warmup);
            Funder {
                ring: vec![a0; lag],
                pos: 0,
                sum: a0 * lag as f64,
                shock_factor: 1.0,
                event_factor: 1.0,
                budget,
                next_call: start + fc.contract_months as i32,
                next_renewal: i32::MIN,
                other: vec![0.0; OTHER_SLOTS],
                other_total: 0.0,
                offered: terms::Mandate::of(fc).preferred,
                stance: terms::Stance::default(),
            }
        })
        .collect()
}

/// ODD §5 steps 3–10: the ISOs and their relationships at the start of the warm-up. ISO sizes,
/// reserves, experience, agreement phases, mission weight and risk aversion come from fourteen
/// uniforms each from the ISO's own stream (step 3); catchments are shares of the total size
/// (step 4).
fn initial_isos(
    cfg: &Config,
    seed: u64,
    replication: u64,
    funders: &[Funder],
) -> (Vec<Iso>, Vec<[Rel; NF]>) {
    let n = cfg.simulation.isos;
    let ic = &cfg.iso;
    let init: Vec<[f64; 14]> = (0..n)
        .map(|i| {
            let mut r = rng::stream(seed, replication, rng::entity_iso(i));
            std::array::from_fn(|_| rng::uniform(&mut r))
        })
        .collect();
    let sizes: Vec<f64> = init
        .iter()
        .map(|u| (ic.size_dispersion_log * rng::normal(u[0], u[1])).exp())
        .collect();
    let total_size: f64 = sizes.iter().sum();
    let mut isos = Vec::with_capacity(n);
    let mut rels = vec![[Rel::default(); NF]; n];
    for i in 0..n {
        let catchment = ratio(sizes[i], total_size);
        let contracted = initial_agreements(cfg, funders, catchment, &init[i], &mut rels[i]);
        isos.push(initial_iso(cfg, &init[i], catchment, contracted));
    }
    (isos, rels)
}

/// ODD §5 step 5: an ISO's relationships and its agreements with every enabled funder with a
/// budget, split by `catchment`, placed in their terms by the ISO's uniforms `u`. Returns the
/// contracted revenue per month.
fn initial_agreements(
    cfg: &Config,
    funders: &[Funder],
    catchment: f64,
    u: &[f64; 14],
    rels: &mut [Rel; NF],
) -> f64 {
    let mut contracted = 0.0;
    for f in 0..NF {
        let fc = &cfg.funders[f];
        let rel = &mut rels[f];
        rel.trust = cfg.trust.initial;
        rel.knowledge = 1.0;
        if fc.enabled && funders[f].budget > 0.0 {
            rel.monthly = funders[f].budget * catchment;
            rel.has_contract = true;
            let cm = fc.contract_months as i32;
            rel.period_start = match fc.call_cycle {
                CallCycle::SectorWide => funders[f].next_call - cm,
                // agreements signed at different times: uniform over the last term
                CallCycle::Rolling => -((u[6 + f] * f64::from(cm)) as i32).min(cm - 1),
            };
            rel.end_month = rel.period_start + cm;
            rel.signed = funders[f].terms();
            // the first anniversary after the start
            rel.next_year = rel.period_start + 12 * ((12 - rel.period_start) / 12);
            contracted += rel.monthly;
        }
    }
    contracted
}

/// ODD §5 steps 6–10: an ISO at the start, with its `catchment` and `contracted` revenue per
/// month, from its uniforms `u`: staff derived from revenue, cash and credit, experience,
/// traits and starting strategies, the rest of its state.
fn initial_iso(cfg: &Config, u: &[f64; 14], catchment: f64, contracted: f64) -> Iso {
    let ic = &cfg.iso;
    let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
    let donations_per_staff = donations_per_staff(cfg, ic.diversification_effort_share, 1.0);
    let net_per_staff = cost_per_staff - donations_per_staff * (1.0 - ic.fundraising_cost_share);
    // Mean elapsed tenure of staff in a steady state with the initial turnover.
    let tenure = 12.0 / ic.initial_turnover_per_year.max(0.01);
    let staff = (contracted / net_per_staff.max(cost_per_staff * 0.05))
        .round()
        .max(1.0) as u32;
    let cost = f64::from(staff) * cost_per_staff;
    let reserve =
        ic.reserve_months_median * (ic.reserve_dispersion_log * rng::normal(u[2], u[3])).exp();
    // mean elapsed tenure of `staff` people: mean `tenure`, sd `tenure / sqrt(staff)`
    let spread = rng::normal(u[4], u[5]) / f64::from(staff).sqrt();
    let trait_scores = [rng::normal(u[10], u[11]), rng::normal(u[12], u[13])];
    let (mission, risk_aversion) = traits(ic, trait_scores);
    Iso {
        alive: true,
        catchment,
        staff,
        experience: (tenure * (1.0 + spread).max(0.1)).min(240.0),
        cash: reserve * cost,
        credit_limit: ic.credit_line_months * cost,
        identity: 1.0,
        depth: cfg.service.deep_contact_hours,
        cost_ema: cost,
        donations: donations_per_staff * f64::from(staff),
        mission,
        risk_aversion,
        trait_scores,
        deep_share: ic.deep_service_share,
        holistic: ic.holistic_share,
        effort: ic.diversification_effort_share,
        donation_factor: 1.0,
        donations_per_staff,
        returns_ema: 1.0,
        volatility_ema: ic.donation_volatility * ic.donation_volatility,
        ..Iso::default()
    }
}

impl<'a> Model<'a> {
    /// Builds the first month of the warm-up of replication `replication` of `cfg` under
    /// master seed `seed`. The model keeps its own copy of `cfg`, so it may outlive it.
    pub fn new(cfg: &Config, seed: u64, replication: u64) -> Model<'a> {
        let n = cfg.simulation.isos;
        let warmup = cfg.simulation.warmup_months;
        // Arrivals at the start of the warm-up: the trend back-cast from month 0's level.
        let a0 = newcomers::trend_arrivals(cfg, -i64::from(warmup));
        let funders = initial_funders(cfg, a0);
        let (isos, rels) = initial_isos(cfg, seed, replication, &funders);
        let months_cap = cfg.simulation.duration_months as usize
            + if cfg.simulation.record_warmup {
                warmup as usize
            } else {
                0
            };
        let mut cohorts = Cohorts::new(&cfg.newcomers, a0);
        community::initial_host(cfg, &mut cohorts);
        let mut m = Model {
            cfg: std::sync::Arc::new(cfg.clone()),
            _borrow: std::marker::PhantomData,
            t: 0,
            warmup,
            streams: Streams::new(seed, replication, n),
            cohorts,
            funders,
            isos,
            rels,
            partners: Partnerships::new(cfg, seed, replication, n),
            authority: authority::Authority::new(seed, replication, n),
            community: community::Community::new(&cfg.community, a0),
            sector: sector::Umbrella::new(n),
            dep: dependence::Dependence::new(seed, replication),
            surge_left: 0,
            arrivals_event: (1.0, 0),
            closures: 0,
            initial_isos: n,
            totals: Totals::default(),
            facts: MonthFacts::default(),
            offers: vec![Offer::default(); n],
            served: vec![0.0; n],
            served_eligible: vec![0.0; n],
            proposals: vec![0.0; n],
            revenue: vec![[0.0; SOURCES]; n],
            inflows: vec![Inflows::default(); n],
            late_event: vec![[false; NF]; n],
            starting: vec![[false; NF]; n],
            applicants: Vec::with_capacity(n),
            draws: vec![IsoDraws::default(); n],
            perf_means: [0.0; 3],
            order: Vec::with_capacity(n + 64),
            work: vec![isos::IsoMonth::default(); n],
            terms: isos::FunderTerms::new(cfg),
            rates: Rates::new(cfg),
            terms_ledger: terms::Ledger::new(n),
            cost_ledgers: Default::default(),
            reserve_scratch: Vec::with_capacity(n),
            ledger: Vec::new(),
            months: Vec::with_capacity(months_cap),
        };
        m.ledger = m.isos.iter().map(|x| (x.cash, 0.0, 0.0)).collect();
        m
    }

    /// The configuration in force this month (timeline events may have changed it).
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Reported month of the current step (negative during the warm-up).
    pub fn month(&self) -> i64 {
        i64::from(self.t) - i64::from(self.warmup)
    }

    /// ISO `i`'s figures for the last month stepped (staffing, hours, layoffs, quits, interest).
    pub fn iso_month(&self, i: usize) -> &IsoMonth {
        &self.work[i]
    }

    /// Whether the current month is reported (the warm-up is over).
    pub fn reporting(&self) -> bool {
        self.t >= self.warmup
    }

    /// Calendar month of the current step (0 = January).
    fn calendar(&self) -> u32 {
        calendar_month(i64::from(self.t), self.warmup)
    }

    /// Per ISO: (cash at the start, revenue received so far, costs paid so far, including
    /// interest and program money returned). For every ISO, cash = opening + revenue − costs.
    pub fn ledger(&self) -> &[(f64, f64, f64)] {
        &self.ledger
    }

    /// Replaces the configuration (a timeline event that sets parameters) and the terms derived
    /// from it.
    fn reconfigure(&mut self, cfg: std::sync::Arc<Config>) {
        self.cfg = cfg;
        self.terms = isos::FunderTerms::new(&self.cfg);
        self.rates = Rates::new(&self.cfg);
    }

    /// Runs the warm-up and every reported month, and returns the time series and summary.
    pub fn run(mut self) -> ReplicationOutput {
        for _ in 0..self.warmup + self.cfg.simulation.duration_months {
            self.step();
        }
        self.finish()
    }

    /// The event uniforms of ISO `i` and funder `f` for this month.
    #[inline]
    fn events(&self, i: usize, f: usize) -> RelEvents {
        RelEvents::at(self.streams.iso_events[i], self.t, f)
    }

    /// Advances one month and, after the warm-up, records its metrics.
    pub fn step(&mut self) {
        if self.t == self.warmup {
            self.start_reporting();
        }
        self.apply_timeline();
        let cfg = std::sync::Arc::clone(&self.cfg);
        self.facts = MonthFacts::default();

        // 0. Fixed draws for the month, per entity (common random numbers).
        let (env, shock) = self.draw_month();

        // 1. Newcomers.
        let arrivals = self.arrivals(&env);
        let pools = self.cohorts.advance(&cfg.newcomers, arrivals);
        self.facts.arrivals = arrivals;

        // 2. Funder budgets, expiring commitments to other providers, shocks.
        for f in 0..NF {
            self.update_budget(f, arrivals);
            self.expire_other_providers(f);
            if shock[f] {
                // a common voice softens government cuts (§7.31; 1 without one)
                let cut = cfg.funders[f].shock_cut_share * self.cut_softening(f);
                self.cut_budget(f, 1.0 - cut, true);
            }
        }
        // 2b. Funders choose the terms they offer (at their fiscal-year start).
        self.choose_terms();

        // 3. Officers rotate and learn; 3b. local partnerships; 3c. the umbrella body.
        self.officers();
        self.partnerships_stage();
        self.sector_stage();

        // 4. Calls, intakes and late-payment draws; 5. decisions and payments.
        self.calls_and_intakes();
        self.payments();

        // 6. ISO operations up to service.
        self.operations();

        // 7. Service meets need in each ISO's catchment; 7b. referrals within partnerships;
        // 7c. other providers serve what need remains.
        let mut served = self.serve_catchments(pools);
        if cfg.partnerships.enabled {
            self.partnership_referrals(&mut served);
        }
        self.facts.other_hours = self.other_provider_service(pools, &mut served);
        self.serve_cohorts(pools, served);
        // 7d. funders bear the need left unserved and may place emergency contracts.
        self.dependence_month(self.facts.unmet_need, pools, served);

        // 8. Costs, cash, closure, quits.
        self.finances_and_staff();
        self.record_terms_ledger();
        self.partnership_month_end(self.facts.unmet_need);

        // 9. Trust, identity, mutuality; 9b. the host community.
        self.relationships();
        self.community_stage();

        // 10. Observation.
        if self.reporting() || self.cfg.simulation.record_warmup {
            let rec = self.observe();
            self.months.push(rec);
        }
        self.t += 1;
    }

    /// At the warm-up's end: run totals and closures restart, and survival is counted against
    /// the ISOs operating now.
    fn start_reporting(&mut self) {
        self.totals = Totals {
            service: Quotient {
                num: 0.0,
                den: self.cohorts.waiting(),
            },
            ..Totals::default()
        };
        self.closures = 0;
        self.initial_isos = self.isos.iter().filter(|x| x.alive).count();
        self.partners.start_reporting();
    }

    /// Step 0 (ODD §3, §4.13): the month's fixed draws of every entity, the ISOs' in `draws`
    /// (closed ISOs draw nothing: the streams are positioned by month, so nothing shifts).
    /// Returns the environment's draws and which funders suffer a policy shock (§7.4).
    fn draw_month(&mut self) -> (EnvDraws, [bool; NF]) {
        let st = &mut self.streams;
        let env = EnvDraws::draw(&mut st.env);
        let fdraws: [FunderDraws; NF] =
            std::array::from_fn(|f| FunderDraws::draw(&mut st.funders[f]));
        let t = self.t;
        for ((d, iso), &key) in self.draws.iter_mut().zip(&self.isos).zip(&st.iso_monthly) {
            *d = if iso.alive {
                IsoDraws::at(key, t)
            } else {
                IsoDraws::default()
            };
        }
        let funders = &self.cfg.funders;
        let p = &self.rates.shock;
        let shock: [bool; NF] =
            std::array::from_fn(|f| funders[f].enabled && fdraws[f].shock < p[f]);
        (env, shock)
    }

    /// Step 7 (ODD §7.16, `allocate_service`): every ISO's offer meets its catchment's share of
    /// the need `pools`; what each served inside the eligibility window is kept for its
    /// records. Returns the region's service.
    fn serve_catchments(&mut self, pools: NeedPools) -> Served {
        let served = allocate_into(
            &self.offers,
            pools,
            &mut self.served,
            Some(self.partners.allocs_mut()),
        );
        // what each ISO served inside the eligibility window, from its own catchment
        for (e, a) in self
            .served_eligible
            .iter_mut()
            .zip(self.partners.allocs_mut().iter())
        {
            *e = a.eligible;
        }
        served
    }

    /// Step 7, last (ODD §7.2, `Cohorts::serve`): the hours `served` leave the waiting stocks and
    /// credit the cohorts; the month's unmet need and service hours are recorded.
    fn serve_cohorts(&mut self, pools: NeedPools, served: Served) {
        // client-months ISOs count this month (hours / depth), spread over the cohorts served
        let clients: f64 = self
            .isos
            .iter()
            .zip(&self.served)
            .filter(|(iso, _)| iso.alive)
            .map(|(iso, &h)| ratio(h, iso.depth))
            .sum();
        // reach is read only by the unique clients of the next twelve months: warm-up months
        // further back than that need not keep it (the same records, less work)
        let track = self.t + 12 >= self.warmup || self.cfg.simulation.record_warmup;
        self.cohorts.track_reach(track);
        self.cohorts
            .serve(&self.cfg.newcomers, pools, served, clients, self.t);
        let served_hours = served.eligible + served.beyond;
        self.facts.unmet_need = if pools.new_need > 0.0 {
            (1.0 - served_hours / pools.new_need).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.facts.service_hours = served_hours - self.facts.other_hours;
        self.totals.service.den += pools.new_need;
        self.totals.service.num += served_hours;
    }

    fn arrivals(&mut self, env: &EnvDraws) -> f64 {
        let c = &self.cfg.newcomers;
        if self.surge_left == 0 && env.surge < self.rates.surge {
            self.surge_left = c.surge_duration_months;
        }
        let surge = if self.surge_left > 0 {
            self.surge_left -= 1;
            1.0 + c.surge_size_share
        } else {
            1.0
        };
        let event = if self.arrivals_event.1 > 0 {
            self.arrivals_event.1 -= 1;
            self.arrivals_event.0
        } else {
            1.0
        };
        let sd = c.arrival_noise_share;
        let noise = (sd * rng::normal(env.noise[0], env.noise[1]) - 0.5 * sd * sd).exp();
        newcomers::trend_arrivals(&self.cfg, self.month()) * surge * event * noise
    }
}

/// Share of an ISO's revenue it raises itself (last month's donations against contracts).
fn iso_donation_share(iso: &Iso, rels: &[Rel]) -> f64 {
    let contracted: f64 = rels
        .iter()
        .filter(|r| r.has_contract)
        .map(|r| r.monthly)
        .sum();
    let total = contracted + iso.donations;
    ratio(iso.donations, total)
}

/// What a funder measures an ISO on: clients counted (only those inside the eligibility window
/// for a funder that restricts its money to it), or effective hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Record {
    Clients,
    EligibleClients,
    Effective,
}

impl Record {
    fn of(measure: Measure, restricted: bool) -> Record {
        match (measure, restricted) {
            (Measure::Output, false) => Record::Clients,
            (Measure::Output, true) => Record::EligibleClients,
            (Measure::Outcome, _) => Record::Effective,
        }
    }
}

/// Performance per dollar on a funder's record.
fn iso_perf(iso: &Iso, r: Record) -> f64 {
    let x = match r {
        Record::Clients => iso.clients_ema,
        Record::EligibleClients => iso.clients_eligible_ema,
        Record::Effective => iso.effective_ema,
    };
    ratio(x, iso.cost_ema)
}

/// Expected donations and fees per staff member per month at fundraising `effort` (a share of
/// staff hours) in a year whose donation factor is `factor`, before monthly noise (§7.10):
/// `factor · fundraising_scale · hours^fundraising_elasticity`, hours per staff member a month.
pub fn donations_per_staff(cfg: &Config, effort: f64, factor: f64) -> f64 {
    let ic = &cfg.iso;
    let hours = effort * ic.hours_per_staff_month;
    if hours <= 0.0 {
        return 0.0;
    }
    factor * ic.fundraising_scale * hours.powf(ic.fundraising_elasticity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reported_month_zero_is_april() {
        assert_eq!(calendar_month(60, 60), 3);
        assert_eq!(calendar_month(0, 0), 3);
        assert_eq!(calendar_month(0, 3), 0);
        assert_eq!(calendar_month(11, 2), 0);
    }

    #[test]
    fn sector_wide_calls_fall_in_the_fiscal_year_start() {
        for warmup in [0u32, 5, 60] {
            for (fy, cm) in [(3u32, 12u32), (0, 12), (3, 36), (0, 24), (3, 18)] {
                let s = sector_wide_start(fy, cm, warmup);
                assert!(s <= 0 && s > -(cm as i32), "start {s}");
                // the first agreement period that starts from the warm-up's end on starts in
                // the fiscal-year start month
                let mut c = i64::from(s);
                while c < i64::from(warmup) {
                    c += i64::from(cm);
                }
                assert_eq!(
                    calendar_month(c, warmup),
                    fy,
                    "fy {fy} cm {cm} warmup {warmup}"
                );
            }
        }
    }
}
