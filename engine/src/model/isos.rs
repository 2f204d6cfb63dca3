//! What ISOs do within a month: plan staff, spend hours, offer service (step 6), keep their
//! books and lose staff (step 8), and update trust and identity (step 9) (ODD §7.10–§7.23).

use super::{
    donations_per_staff, ratio, rng, ClosureCause, Inflows, Iso, Measure, Model, MonthFacts,
    Totals, DONATION_NOISE_SD, NF, PERF_SMOOTHING, SOURCES,
};
use crate::model::config::IsoCfg;
use crate::model::newcomers::Offer;
use std::sync::Arc;

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
    /// quits this month
    pub quits: u32,
    /// productivity from experience
    pub productivity: f64,
    /// contracted revenue per month (planning basis)
    pub contracted: f64,
    /// program (restricted) part of the contracted revenue
    pub program: f64,
    /// effectiveness of an hour at the chosen depth
    pub effectiveness: f64,
    /// shares of the revenue basis (contracted plus expected donations) by funder, then donations
    pub shares: [f64; SOURCES],
    /// the identity the ISO's revenue mix and service depth pull it towards
    pub identity_target: f64,
    /// the ISO missed payroll this month
    pub missed: bool,
    /// interest paid on the overdraft this month
    pub interest: f64,
    /// unexpended program advances returned this month
    pub returned: f64,
}

/// Per-funder terms of the monthly arithmetic that depend only on the configuration
/// (computed once per replication, and again when a timeline event changes the configuration).
#[derive(Debug, Clone, Copy)]
pub(super) struct FunderTerm {
    /// fixed reporting hours per contract-month, after micromanagement: [alone, coordinated]
    fixed_reporting: [f64; 2],
    /// eligible cost per dollar of wages: 1 + the indirect rate
    eligible_factor: f64,
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
    /// share of the gap to full knowledge an officer closes per month
    pub(super) learning_rate: f64,
}

#[derive(Clone)]
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
                eligible_factor: 1.0 + fc.indirect_rate_share,
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
                learning_rate: 1.0 / fc.officer_learning_months.max(1.0),
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

/// An ISO's choices for the year (§7.14, §7.10).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearPlan {
    /// share of service in the deep, case-managed model
    pub deep_share: f64,
    /// share of unrestricted hours aimed first beyond the eligibility window
    pub holistic: f64,
    /// fundraising effort, share of staff hours
    pub effort: f64,
    /// how far these choices depart from what the mission alone would choose (0-1)
    pub mission_drift: f64,
}

#[inline]
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The year's plan of an ISO (each April, §7.14 and §7.10), from its revenue basis `shares`
/// (by funder, then donations). A bounded-rational choice: the ISO weighs its mission (weight
/// `iso.mission`) against what the funders that pay it score at renewal (each funder's share
/// of its revenue times the weight the funder puts on performance), and chooses the service
/// model and the holistic share with a logit rule; it chooses fundraising effort where the
/// marginal dollar raised, valued for the independence it buys and discounted for its
/// volatility, pays for the staff time and direct cost it takes.
pub fn plan_year(cfg: &crate::model::Config, iso: &Iso, shares: &[f64; SOURCES]) -> YearPlan {
    let ic = &cfg.iso;
    let sc = &cfg.service;
    let (deep, shallow, half) = (
        sc.deep_contact_hours,
        sc.shallow_contact_hours,
        sc.depth_half_hours,
    );
    // effectiveness of the shallow model relative to the deep one
    let q_s = (shallow / (shallow + half)) / (deep / (deep + half));
    // what the funders score: counted clients (all, or those inside the window), or effective hours
    let (mut outputs, mut outcomes, mut window_only) = (0.0, 0.0, 0.0);
    let mut largest = 0.0f64;
    for (f, fc) in cfg.funders.iter().enumerate() {
        let stake = shares[f] * fc.call_performance_weight;
        largest = largest.max(shares[f]);
        match fc.measure {
            Measure::Output => {
                outputs += stake;
                if fc.eligibility_restricted {
                    window_only += stake;
                }
            }
            Measure::Outcome => outcomes += stake,
        }
    }
    let m = iso.mission;
    let k = ic.choice_sensitivity;
    // deep against shallow: integration value (mission and outcome funders) against clients counted
    let deep_gain = (1.0 - q_s) * (m + (1.0 - m) * outcomes);
    let shallow_gain = (1.0 - m) * outputs * (1.0 - shallow / deep);
    // after the window against inside it: long-term integration against clients the
    // window-restricted funders would not count
    let late_gain = m * (cfg.newcomers.long_term_service_weight - 1.0);
    let late_loss = (1.0 - m) * window_only;
    let mission_deep = logistic(k * m * (1.0 - q_s));
    let mission_late = logistic(k * late_gain);
    let (deep_share, holistic) = if ic.adaptive_strategies {
        (
            logistic(k * (deep_gain - shallow_gain)),
            logistic(k * (late_gain - late_loss)),
        )
    } else {
        (iso.deep_share, iso.holistic)
    };
    let effort = if ic.adaptive_strategies {
        // where the marginal hour's donations, D'(h) = b · a · h^(b − 1) per staff member and
        // valued at `value` a dollar, pay for the hour: h = (b · a · value / cost)^(1 / (1 − b))
        let b = ic.fundraising_elasticity;
        let hour_cost =
            ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share) / ic.hours_per_staff_month;
        let volatility = iso.volatility_ema.max(0.0).sqrt();
        let value = (1.0 - iso.risk_aversion * volatility).max(0.0) + iso.risk_aversion * largest
            - ic.fundraising_cost_share;
        let x = b * iso.returns_ema * ic.fundraising_scale * value / hour_cost;
        let hours = if x > 0.0 {
            x.powf(1.0 / (1.0 - b))
        } else {
            0.0
        };
        (hours / ic.hours_per_staff_month).min(0.5)
    } else {
        iso.effort
    };
    let mission_drift = (0.5 * (mission_deep - deep_share).max(0.0)
        + 0.5 * (mission_late - holistic).max(0.0))
    .clamp(0.0, 1.0);
    YearPlan {
        deep_share,
        holistic,
        effort,
        mission_drift,
    }
}

/// The largest staff `n ≥ 0` for which `base + min(program, n · eligible) − n · net_cost ≥ 0`:
/// a month's unrestricted money `base`, program money reimbursed at most `eligible` per staff
/// member up to `program`, and `net_cost` (cost less donations) per staff member (ODD §7.11).
/// The left-hand side rises with `n` while program money still reimburses more than a staff
/// member costs net, then falls: if even its peak is negative, the staff that keeps the most
/// cash (all program-funded positions) is returned, since cutting reimbursed positions would
/// cut revenue with them.
pub(crate) fn largest_staff(base: f64, program: f64, eligible: f64, net_cost: f64) -> f64 {
    let peak_n = if eligible > 0.0 {
        program / eligible
    } else {
        0.0
    };
    let peak = base + program - peak_n * net_cost;
    if peak >= 0.0 {
        return peak_n + peak / net_cost;
    }
    let rising = eligible - net_cost;
    if rising > 0.0 {
        // infeasible: keep every reimbursed position
        peak_n
    } else if base >= 0.0 {
        base / -rising
    } else {
        0.0
    }
}

/// `∫ clamp(−c, 0, limit)` over a segment of length `len` on which cash moves linearly from
/// `a` to `b`: the overdraft drawn on the credit line (unpaid wages beyond the limit bear no
/// interest).
fn overdraft_area(a: f64, b: f64, len: f64, limit: f64) -> f64 {
    // antiderivative of g(c) = clamp(−c, 0, limit) in c, zero at c = 0
    let h = |c: f64| {
        if c >= 0.0 {
            0.0
        } else if c >= -limit {
            -0.5 * c * c
        } else {
            -0.5 * limit * limit + limit * (c + limit)
        }
    };
    if (b - a).abs() < 1e-12 {
        len * (-a).clamp(0.0, limit)
    } else {
        len * (h(b) - h(a)) / (b - a)
    }
}

/// The month's cash path (ODD §7.17): cash starts at `start` (after the payments that came on
/// time), moves by `slope` over the month (donations less costs, spread evenly), and jumps by
/// each late payment `(time, amount)` when it arrives. Returns (cash at the end of the month,
/// the lowest cash of the month, the month's mean overdraft within `limit`).
pub(crate) fn cash_path(
    start: f64,
    slope: f64,
    late: &mut [(f64, f64)],
    limit: f64,
) -> (f64, f64, f64) {
    // at most four payments: insertion sort by time
    for a in 1..late.len() {
        let mut b = a;
        while b > 0 && late[b - 1].0 > late[b].0 {
            late.swap(b - 1, b);
            b -= 1;
        }
    }
    let (mut x, mut c, mut low, mut area) = (0.0, start, start, 0.0);
    for &(at, amount) in late.iter() {
        let at = at.clamp(0.0, 1.0);
        let before = c + slope * (at - x);
        low = low.min(before);
        area += overdraft_area(c, before, at - x, limit);
        c = before + amount;
        x = at;
    }
    let end = c + slope * (1.0 - x);
    low = low.min(end);
    area += overdraft_area(c, end, 1.0 - x, limit);
    (end, low, area)
}

/// An agreement worth `monthly` a month ends without renewal (refused at its renewal, or
/// terminated by a cut) at model month `t`: the ISO bears the wind-down costs no funder covers
/// (ODD §7.18). For the staff the agreement's money paid for, `paid = min(staff, monthly / c_s)`,
/// termination pay of `winddown_severance_months` of wages falls due this month, and their
/// non-staff costs (leases, contracts) run on for `winddown_fixed_cost_months` more months,
/// spread evenly over the whole months that covers (added to any tail still running).
pub(super) fn wind_down(iso: &mut Iso, monthly: f64, ic: &crate::model::config::IsoCfg, t: u32) {
    iso.last_loss = Some(t);
    let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
    let paid = (monthly / cost_per_staff).clamp(0.0, f64::from(iso.staff));
    iso.severance_due += paid * ic.wage_per_staff_month * ic.winddown_severance_months;
    let m = ic.winddown_fixed_cost_months;
    if m > 0.0 && paid > 0.0 {
        let total = paid * ic.wage_per_staff_month * ic.nonstaff_overhead_share * m;
        let owed = iso.tail_monthly * f64::from(iso.tail_left) + total;
        iso.tail_left = iso.tail_left.max((m.ceil() as u32).max(1));
        iso.tail_monthly = owed / f64::from(iso.tail_left);
    }
}

/// The wind-down costs still due over the next `months` months (the running tail).
fn tail_within(iso: &Iso, months: u32) -> f64 {
    iso.tail_monthly * f64::from(iso.tail_left.min(months))
}

/// Terms of step 6 that are the same for every ISO in the month (ODD §7.10–§7.14).
#[derive(Debug, Clone, Copy)]
struct OperationTerms {
    /// model month
    t: f64,
    /// the month is an April: ISOs plan their year
    april: bool,
    /// cost per staff member per month, `c_s`
    cost_per_staff: f64,
    /// planning horizon (months)
    horizon: f64,
    /// monthly probability that a vacancy is filled
    p_hire: f64,
    /// effectiveness of the deep model before normalisation, and the hours from the shallow
    /// to the deep model
    q_deep: f64,
    span: f64,
}

impl OperationTerms {
    fn new(cfg: &crate::model::Config, t: u32, april: bool) -> OperationTerms {
        let ic = &cfg.iso;
        let sc = &cfg.service;
        OperationTerms {
            t: f64::from(t),
            april,
            cost_per_staff: ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share),
            horizon: f64::from(ic.planning_horizon_months),
            p_hire: if ic.hiring_lag_months <= 0.0 {
                1.0
            } else {
                (1.0 / ic.hiring_lag_months).min(1.0)
            },
            q_deep: sc.deep_contact_hours / (sc.deep_contact_hours + sc.depth_half_hours),
            span: sc.deep_contact_hours - sc.shallow_contact_hours,
        }
    }
}

/// An ISO's agreements as its planning sees them (ODD §7.11).
#[derive(Debug, Clone, Copy, Default)]
struct ContractBasis {
    /// contracted revenue per month
    contracted: f64,
    /// held payments and holdbacks due within the planning horizon
    held_due: f64,
    /// program (restricted) money per month, and its indirect-cost allowance
    program: f64,
    indirect: f64,
}

/// ODD §7.11: the contracted revenue, program money and held money due within the planning
/// horizon of an ISO with relationships `rels`.
#[inline]
fn contract_basis(
    cfg: &crate::model::Config,
    rels: &[super::Rel; NF],
    o: &OperationTerms,
) -> ContractBasis {
    let mut b = ContractBasis::default();
    let (t, horizon) = (o.t, o.horizon);
    for f in 0..NF {
        let r = &rels[f];
        if r.has_contract {
            b.contracted += r.monthly;
            let m = (1.0 - r.signed.core_share) * r.monthly;
            b.program += m;
            b.indirect += m * cfg.funders[f].indirect_rate_share;
        }
        if !r.pending && r.release_at <= t + horizon {
            b.held_due += r.held;
        }
        if r.holdback_due > 0.0 && f64::from(r.holdback_release) <= t + horizon {
            b.held_due += r.holdback_due;
        }
    }
    b
}

/// ODD §7.10 and §7.14, each April: this year's donation factor from the uniform `u_year`, what
/// the ISO learns from it, and its plan for the year from last month's revenue `shares`.
#[cold]
#[inline(never)]
fn plan_the_year(cfg: &crate::model::Config, iso: &mut Iso, u_year: f64, shares: &[f64; SOURCES]) {
    let sigma = cfg.iso.donation_volatility;
    let z = crate::stats::normal_quantile(u_year.max(1e-12));
    let y = (sigma * z - 0.5 * sigma * sigma).exp();
    iso.returns_ema += (y - iso.returns_ema) / 3.0;
    iso.volatility_ema += (y.ln() * y.ln() - iso.volatility_ema) / 3.0;
    iso.donation_factor = y;
    let plan = plan_year(cfg, iso, shares);
    iso.deep_share = plan.deep_share;
    iso.holistic = plan.holistic;
    iso.effort = plan.effort;
    iso.mission_drift = plan.mission_drift;
    iso.donations_per_staff = donations_per_staff(cfg, iso.effort, y);
}

/// ODD §7.11 staffing. Plan staff so that projected cash at the end of the planning horizon,
/// with held money due by then, stays above the floor: the credit line only bridges timing
/// gaps. Program money is reimbursement of eligible costs, so the projection counts it only
/// for the staff who would incur them. Hire up to what contracted revenue plus a twelfth of
/// the cash above the reserve target pays for; below the target, hiring falls short of revenue
/// by a twelfth of the shortfall, which rebuilds the reserve within a year. Layoffs and hires
/// (from the uniform `u_hire`) change the ISO's staff and dilute its experience. Returns the
/// layoffs.
#[inline]
fn staffing(ic: &IsoCfg, iso: &mut Iso, b: &ContractBasis, o: &OperationTerms, u_hire: f64) -> u32 {
    let cost_per_staff = o.cost_per_staff;
    // unrestricted contract money, and program money reimbursed per staff member
    let unrestricted = b.contracted - b.program;
    let eligible = ic.wage_per_staff_month * (1.0 + ratio(b.indirect, b.program));
    let dps = iso.donations_per_staff;
    let n0 = iso.staff;
    let cost_now = f64::from(n0) * cost_per_staff;
    let net_cost =
        (cost_per_staff - dps * (1.0 - ic.fundraising_cost_share)).max(0.05 * cost_per_staff);
    let floor = ic.cash_floor_months * cost_now;
    // wind-down costs of ended agreements already due count against the cash
    let owed = iso.severance_due + tail_within(iso, ic.planning_horizon_months);
    let per_month = (iso.cash + b.held_due - owed - floor) / o.horizon;
    let max_staff = floor_at_least_one(largest_staff(
        per_month + unrestricted,
        b.program,
        eligible,
        net_cost,
    ));
    let surplus = iso.cash + b.held_due - ic.reserve_target_months * cost_now;
    let cap = ic.surplus_spend_cap_share * b.contracted;
    let spend = (surplus / 12.0).clamp(-cap, cap);
    let hire_to = floor_at_least_one(largest_staff(
        spend + unrestricted,
        b.program,
        eligible,
        net_cost,
    ))
    .min(max_staff);
    let (mut layoffs, mut hires) = (0, 0);
    if n0 > max_staff {
        layoffs = n0 - max_staff;
    } else if n0 < hire_to {
        hires = rng::binomial_inv(hire_to - n0, o.p_hire, u_hire);
    }
    let stay = n0 - layoffs;
    let n = stay + hires;
    if n > 0 {
        iso.experience = iso.experience * f64::from(stay) / f64::from(n);
    }
    iso.staff = n;
    layoffs
}

/// ODD §7.13 productivity from experience; shared professional development in a partnership
/// (`learning_factor` below 1) shortens the learning time constant.
#[inline]
fn productivity(ic: &IsoCfg, experience: f64, learning_factor: f64) -> f64 {
    let learning_months = ic.learning_months * learning_factor;
    ic.novice_productivity_share
        + (1.0 - ic.novice_productivity_share) * (1.0 - (-experience / learning_months).exp())
}

/// What an ISO's agreements ask of it this month and the revenue mix they make (one pass).
#[derive(Debug, Clone, Copy, Default)]
struct ContractDemands {
    /// reporting hours (fixed, per client or outcome measurement)
    reporting: f64,
    /// hours explaining the file to officers who do not know it
    explanation: f64,
    /// restricted program money, share of the revenue basis
    restricted: f64,
    /// restricted money weighted by micromanagement, share of the revenue basis
    pressure: f64,
    /// shares of the revenue basis by funder, then donations
    shares: [f64; SOURCES],
}

/// ODD §7.12 reporting per contract and officer briefing, and §7.15 the revenue mix: one pass
/// over an ISO's agreements (`rels`), with `contracted` revenue and `donations_expected`.
/// Coordinated reporting is region-wide, or among members of a partnership
/// (`in_partnership`), whose saving is added to `reporting_saved`.
#[inline]
#[allow(clippy::too_many_arguments)]
fn contract_demands(
    cfg: &crate::model::Config,
    k: &FunderTerms,
    iso: &Iso,
    rels: &[super::Rel; NF],
    contracted: f64,
    donations_expected: f64,
    in_partnership: bool,
    reporting_saved: &mut f64,
) -> ContractDemands {
    let coordinated = usize::from(cfg.reporting.coordinated || in_partnership);
    let basis = contracted + donations_expected;
    let mut d = ContractDemands::default();
    for f in 0..NF {
        let r = &rels[f];
        if !r.has_contract {
            continue;
        }
        let (fc, kf) = (&cfg.funders[f], &k.0[f]);
        // the reporting the agreement was signed under scales all of it (§7.28)
        let scale = r.signed.reporting_scale;
        let mut h = kf.fixed_reporting[coordinated];
        if in_partnership && !cfg.reporting.coordinated {
            *reporting_saved += scale * (kf.fixed_reporting[0] - h);
        }
        h += match fc.measure {
            Measure::Output => {
                // funders that restrict their money to the window count its clients only
                let clients = if fc.eligibility_restricted {
                    iso.clients_eligible_last
                } else {
                    iso.clients_last
                };
                fc.reporting_per_client_hours * clients * ratio(r.monthly, contracted)
            }
            Measure::Outcome => fc.outcome_measurement_hours_per_month,
        };
        d.reporting += scale * h;
        d.explanation += fc.explanation_hours_per_month * (1.0 - r.knowledge);
        if basis > 0.0 {
            let share = r.monthly / basis;
            d.shares[f] = share;
            let program = share * (1.0 - r.signed.core_share);
            if fc.eligibility_restricted {
                d.restricted += program;
            }
            d.pressure += program * kf.micromanagement;
        }
    }
    d.shares[SOURCES - 1] = ratio(donations_expected, basis);
    d
}

/// ODD §7.14 depth and effectiveness: the ISO's service depth from its chosen mix of the deep
/// and shallow models, and the effectiveness of an hour at that depth.
#[inline]
fn service_model(cfg: &crate::model::Config, iso: &mut Iso, o: &OperationTerms) -> f64 {
    let sc = &cfg.service;
    iso.depth = sc.shallow_contact_hours + o.span * iso.deep_share;
    ((iso.depth / (iso.depth + sc.depth_half_hours)) / o.q_deep).clamp(0.0, 1.0)
}

impl MonthFacts {
    /// Step 8's share of the facts: adds an operating ISO's month `w` (quits, layoffs,
    /// interest, program money returned), its `fundraising` cost and the `donations` it raised.
    #[inline]
    fn add_iso_finances(&mut self, w: &IsoMonth, fundraising: f64, donations: f64) {
        self.separations += f64::from(w.quits + w.layoffs);
        self.quits += f64::from(w.quits);
        self.layoffs += f64::from(w.layoffs);
        self.interest += w.interest;
        self.returned += w.returned;
        self.fundraising.num += fundraising;
        self.fundraising.den += donations;
        if w.missed {
            self.missed += 1.0;
        }
    }
}

/// ODD §7.24 summary rules: an ISO's reported month `w`, with its revenue by source and in all,
/// adds to the run totals.
#[inline]
fn add_to_run_totals(tot: &mut Totals, w: &IsoMonth, revenues: &[f64; SOURCES], revenue: f64) {
    tot.turnover.den += f64::from(w.staff);
    tot.staff_hours += w.staff_hours;
    tot.admin_hours += w.admin_hours;
    tot.reporting_hours += w.reporting_hours;
    tot.gov_revenue.num += revenues[..3].iter().sum::<f64>();
    tot.gov_revenue.den += revenue;
    tot.turnover.num += f64::from(w.quits + w.layoffs);
}

/// ODD §7.17 the month's cash path, with §7.18 the wind-down costs due: cash starts with the
/// payments on time less termination pay, late payments come when they arrive, `net`
/// (donations less costs) and the tail of wind-down costs are spread over the month, interest
/// is paid on the mean overdraft within the limit, and program money `clawback` is returned at
/// the end. Returns (termination pay, tail, the month's lowest cash, interest).
#[inline]
fn month_cash_path(
    iso: &mut Iso,
    inflow: &mut Inflows,
    net: f64,
    clawback: f64,
    monthly_interest: f64,
) -> (f64, f64, f64, f64) {
    let (severance, tail) = wind_down_costs_due(iso);
    let start = iso.cash + inflow.on_time - severance;
    let (end, low, overdraft) = cash_path(
        start,
        net - tail,
        &mut inflow.late[..inflow.n_late],
        iso.credit_limit,
    );
    let interest = monthly_interest * overdraft;
    iso.cash = end - interest - clawback;
    (severance, tail, low, interest)
}

/// Books the month's `revenue` and `costs` of ISO `i` in its ledger (opening cash, revenue,
/// costs); in builds with debug assertions, its `cash` must be opening + revenue − costs.
#[inline]
fn book(l: &mut (f64, f64, f64), revenue: f64, costs: f64, cash: f64, i: usize, t: u32) {
    l.1 += revenue;
    l.2 += costs;
    debug_assert!(
        (l.0 + l.1 - l.2 - cash).abs() <= 1e-6 * (1.0 + l.0.abs() + l.1 + l.2),
        "cash ledger broken for ISO {i} at month {t}"
    );
}

/// ODD §7.10 realised donations and fees: this year's expectation for `staff`, with uniform
/// monthly noise (from the uniform `u`) of standard deviation `DONATION_NOISE_SD`.
#[inline]
fn realised_donations(iso: &Iso, staff: u32, u: f64) -> f64 {
    let z = (u - 0.5) * 12f64.sqrt();
    iso.donations_per_staff * f64::from(staff) * (1.0 + DONATION_NOISE_SD * z).max(0.0)
}

/// ODD §7.17 reimbursement of eligible costs: each agreement's program money pays its share of
/// wages plus its indirect rate, at most its value; advances beyond the costs charged are
/// recoverable at the funder's fiscal-year end (`fy_end`), costs incurred before a late payment
/// are not. With §7.19 insecurity: the share of contracted revenue whose renewal is near and
/// undecided (contracts do not change between step 6 and here). Returns (program money
/// returned, insecurity).
#[inline]
fn reimburse_eligible_costs(
    ic: &IsoCfg,
    k: &FunderTerms,
    rels: &mut [super::Rel; NF],
    revenue: &[f64; SOURCES],
    w: &IsoMonth,
    t: u32,
    fy_end: [bool; NF],
) -> (f64, f64) {
    let horizon_months = ic.insecurity_horizon_months as i32;
    let wages = f64::from(w.staff) * ic.wage_per_staff_month;
    let per_program = ratio(wages, w.program);
    let mut clawback = 0.0;
    let mut insecurity = 0.0;
    for f in 0..NF {
        let r = &mut rels[f];
        let kf = &k.0[f];
        let program_share = 1.0 - r.signed.core_share;
        r.advance += program_share * revenue[f];
        if r.has_contract {
            // eligible costs charged: the agreement's share of wages plus its indirect rate, at
            // most its program money
            r.advance -= program_share * r.monthly * (per_program * kf.eligible_factor).min(1.0);
            if r.pending || r.end_month - t as i32 <= horizon_months {
                insecurity += r.monthly;
            }
        } else if !r.pending && r.held <= 0.0 && r.holdback + r.holdback_due <= 0.0 {
            // no agreement and nothing more to come: costs not reimbursed are the ISO's
            r.advance = r.advance.max(0.0);
        }
        if fy_end[f] && r.advance > 0.0 {
            clawback += r.advance;
            r.advance = 0.0;
        }
    }
    (clawback, ratio(insecurity, w.contracted))
}

/// ODD §7.18 wind-down costs of agreements ended without renewal that fall due this month:
/// (termination pay, paid at the start of the month; the tail of non-staff costs, spread over
/// it).
#[inline]
fn wind_down_costs_due(iso: &mut Iso) -> (f64, f64) {
    let severance = iso.severance_due;
    iso.severance_due = 0.0;
    let tail = if iso.tail_left > 0 {
        iso.tail_left -= 1;
        iso.tail_monthly
    } else {
        0.0
    };
    if iso.tail_left == 0 {
        iso.tail_monthly = 0.0;
    }
    (severance, tail)
}

/// ODD §7.18 missed payroll: missed when cash falls below the credit line at any time in the
/// month (its lowest point `low`). Counts the consecutive months missed; returns whether missed.
#[inline]
fn payroll(iso: &mut Iso, low: f64) -> bool {
    let missed = low.min(iso.cash) < -iso.credit_limit;
    if missed {
        iso.missed_months += 1;
    } else {
        iso.missed_months = 0;
    }
    missed
}

/// ODD §7.19 quits (from the uniform `u`, at the base monthly probability `base_quit` raised by
/// `insecurity` and a `missed` payroll) and experience. Returns the quits.
#[inline]
fn quits_and_experience(
    ic: &IsoCfg,
    iso: &mut Iso,
    base_quit: f64,
    insecurity: f64,
    missed: bool,
    u: f64,
) -> u32 {
    let mut p = (base_quit * (1.0 + ic.insecurity_quit_multiplier * insecurity)).min(1.0);
    if missed {
        p = 1.0 - (1.0 - p) * (1.0 - ic.missed_payroll_quit_share);
    }
    let quits = rng::binomial_inv(iso.staff, p, u);
    iso.staff -= quits;
    iso.experience = if iso.staff > 0 {
        iso.experience + 1.0
    } else {
        0.0
    };
    quits
}

/// ODD §7.20 performance records seen by funders, from the hours `served` (all, and inside the
/// eligibility window) at `effectiveness` and the month's `cost`: they start at the first
/// month's values, then are smoothed.
#[inline]
fn performance_records(
    iso: &mut Iso,
    served: (f64, f64),
    effectiveness: f64,
    cost: f64,
    first: bool,
) {
    let (served, served_eligible) = served;
    let clients = ratio(served, iso.depth);
    let clients_eligible = ratio(served_eligible, iso.depth);
    let a = if first { 1.0 } else { PERF_SMOOTHING };
    iso.clients_ema += a * (clients - iso.clients_ema);
    iso.clients_eligible_ema += a * (clients_eligible - iso.clients_eligible_ema);
    iso.clients_eligible_last = clients_eligible;
    iso.effective_ema += a * (served * effectiveness - iso.effective_ema);
    iso.cost_ema += a * (cost - iso.cost_ema);
    iso.clients_last = clients;
}

/// ODD §7.18 closure: payroll missed once more than the grace allows, or the board's check that
/// the next months' resources cannot cover payroll and the wind-down costs still due.
#[inline]
fn closure_cause(
    ic: &IsoCfg,
    iso: &Iso,
    rels: &[super::Rel; NF],
    cost_per_staff: f64,
) -> Option<ClosureCause> {
    if iso.missed_months > ic.insolvency_grace_months {
        return Some(ClosureCause::MissedPayroll);
    }
    if ic.winddown_horizon_months == 0 {
        return None;
    }
    let h = ic.winddown_horizon_months;
    let hf = f64::from(h);
    let (mut committed, mut held) = (0.0, 0.0);
    for r in rels.iter() {
        if r.has_contract {
            committed += r.monthly;
        }
        held += r.held + r.holdback + r.holdback_due;
    }
    let staff = f64::from(iso.staff);
    let resources = iso.cash
        + iso.credit_limit
        + held
        + hf * (committed + iso.donations_per_staff * staff * (1.0 - ic.fundraising_cost_share));
    let needs = hf * staff * cost_per_staff + iso.severance_due + tail_within(iso, h);
    (resources < needs).then_some(ClosureCause::BoardWindDown)
}

/// ODD §7.18 closure of an ISO for `cause`: its staff leave with it (closure, not turnover),
/// its catchment is emptied, and its agreements and the money still due under them end.
#[cold]
#[inline(never)]
fn close(iso: &mut Iso, rels: &mut [super::Rel; NF], cause: ClosureCause) {
    iso.closed_by = Some(cause);
    iso.alive = false;
    iso.staff = 0;
    iso.catchment = 0.0;
    for r in rels.iter_mut() {
        r.has_contract = false;
        r.pending = false;
        r.monthly = 0.0;
        r.held = 0.0;
        r.advance = 0.0;
        r.holdback = 0.0;
        r.holdback_due = 0.0;
    }
}

impl Model<'_> {
    /// Step 6 (ODD §7.10–§7.15): for each operating ISO, in April the year's plan; staffing
    /// (layoffs, hires); hours and administration; productivity; the service offer.
    pub(super) fn operations(&mut self) {
        let cfg = Arc::clone(&self.cfg);
        let ic = &cfg.iso;
        let o = OperationTerms::new(&cfg, self.t, self.calendar() == 3);
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
        // hours membership of the umbrella body takes (§7.31; 0 for non-members)
        let umbrella_hours = &self.sector.hours[..n_isos];
        for i in 0..n_isos {
            if !isos[i].alive {
                offers[i] = Offer::default();
                works[i] = IsoMonth::default();
                continue;
            }
            let rels = &all_rels[i];
            let basis = contract_basis(&cfg, rels, &o);
            let iso = &mut isos[i];
            if o.april {
                plan_the_year(&cfg, iso, draws[i].year, &works[i].shares);
            }
            let layoffs = staffing(ic, iso, &basis, &o, draws[i].hire);
            let n = iso.staff;
            let nf = f64::from(n);
            let productivity = productivity(ic, iso.experience, learning_factor[i]);
            // Hours and administration (§7.12).
            let staff_hours = nf * ic.hours_per_staff_month;
            let admin_pos = f64::from(super::round_half_up(ic.admin_staff_share * nf));
            let admin_cap = admin_pos * ic.hours_per_staff_month;
            let front_cap = staff_hours - admin_cap;
            let d = contract_demands(
                &cfg,
                k,
                iso,
                rels,
                basis.contracted,
                iso.donations_per_staff * nf,
                coordinated_in[i],
                &mut reporting_saved[i],
            );
            let fundraising = iso.effort * staff_hours;
            let management = ic.management_hours_per_staff_month * nf;
            let work = d.reporting
                + d.explanation
                + fundraising
                + management
                + proposals[i]
                + meetings[i]
                + umbrella_hours[i];
            let overflow = (work - admin_cap).max(0.0);
            let front = (front_cap - overflow).max(0.0);
            let effectiveness = self::service_model(&cfg, iso, &o);
            offers[i] = Offer {
                hours: front * productivity,
                restricted_share: d.restricted.clamp(0.0, 1.0),
                holistic_share: iso.holistic,
                catchment: iso.catchment,
                effectiveness,
            };
            // Identity is pulled towards 1 - pressure from restricted, micromanaged money and
            // the drift of the ISO's choices away from what its mission alone would choose.
            works[i] = IsoMonth {
                staff_hours,
                admin_hours: work.min(staff_hours),
                admin_capacity: admin_cap,
                reporting_hours: d.reporting.min(staff_hours),
                staff: n,
                layoffs,
                productivity,
                contracted: basis.contracted,
                program: basis.program,
                effectiveness,
                shares: d.shares,
                identity_target: (1.0 - d.pressure - 0.5 * iso.mission_drift).clamp(0.0, 1.0),
                ..IsoMonth::default()
            };
        }
    }

    /// Step 8 (ODD §7.17–§7.20): for each operating ISO, donations; reimbursement of eligible
    /// costs and the return of unexpended advances at each funder's fiscal-year end; the
    /// month's cash path with interest; payroll; quits and experience; performance records;
    /// run totals; closure. Then the catchment of ISOs that closed goes to the survivors.
    pub(super) fn finances_and_staff(&mut self) {
        let cfg = Arc::clone(&self.cfg);
        let ic = &cfg.iso;
        let t = self.t;
        let cal = self.calendar();
        let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        let base_quit = self.rates.quit;
        let monthly_interest = ic.credit_interest_rate_per_year / 12.0;
        // funders whose fiscal year ends this month recover unexpended program advances
        let fy_end: [bool; NF] =
            std::array::from_fn(|f| (cfg.funders[f].fiscal_year_start + 11) % 12 == cal);
        let k = &self.terms;
        let first = t == 0;
        let mut closed_catchment = 0.0;
        let hour_cost = cost_per_staff / ic.hours_per_staff_month;
        let operating_at_start = self.isos.iter().filter(|x| x.alive).count();
        let reporting = self.reporting();
        // the month's facts of step 8 start at zero (`step` resets them) and add up here
        let facts = &mut self.facts;
        // every per-ISO slice has length n: no bounds checks in the loop
        let n_isos = self.isos.len();
        let isos = &mut self.isos[..n_isos];
        let all_rels = &mut self.rels[..n_isos];
        let (works, draws, served_hours) = (
            &mut self.work[..n_isos],
            &self.draws[..n_isos],
            &self.served[..n_isos],
        );
        let served_eligible = &self.served_eligible[..n_isos];
        let (revenues, inflows) = (&mut self.revenue[..n_isos], &mut self.inflows[..n_isos]);
        let ledger = &mut self.ledger[..n_isos];
        // umbrella dues (§7.31; 0 for non-members), paid from unrestricted money
        let dues = &self.sector.dues[..n_isos];
        for i in 0..n_isos {
            if !isos[i].alive {
                continue;
            }
            let w = &mut works[i];
            let d = &draws[i];
            let donations = realised_donations(&isos[i], w.staff, d.donations);
            revenues[i][SOURCES - 1] = donations;
            let revenue: f64 = revenues[i].iter().sum();
            let cost = f64::from(w.staff) * cost_per_staff
                + ic.fundraising_cost_share * donations
                + dues[i];
            let (clawback, insecurity) =
                reimburse_eligible_costs(ic, k, &mut all_rels[i], &revenues[i], w, t, fy_end);
            let iso = &mut isos[i];
            let (severance, tail, low, interest) = month_cash_path(
                iso,
                &mut inflows[i],
                donations - cost,
                clawback,
                monthly_interest,
            );
            let costs = cost + severance + tail + interest + clawback;
            book(&mut ledger[i], revenue, costs, iso.cash, i, t);
            let missed = payroll(iso, low);
            let quits = quits_and_experience(ic, iso, base_quit, insecurity, missed, d.quit);
            w.quits = quits;
            w.missed = missed;
            w.interest = interest;
            w.returned = clawback;
            let fundraising =
                iso.effort * w.staff_hours * hour_cost + ic.fundraising_cost_share * donations;
            facts.add_iso_finances(w, fundraising, donations);
            let served = (served_hours[i], served_eligible[i]);
            performance_records(iso, served, w.effectiveness, cost, first);
            iso.donations = donations;
            if reporting {
                add_to_run_totals(&mut self.totals, w, &revenues[i], revenue);
            }
            if let Some(cause) = closure_cause(ic, iso, &all_rels[i], cost_per_staff) {
                closed_catchment += iso.catchment;
                close(iso, &mut all_rels[i], cause);
                self.closures += 1;
            }
        }
        self.redistribute_catchment(closed_catchment);
        // ISOs that missed payroll, as a share of those operating at the start
        self.facts.missed = ratio(self.facts.missed, operating_at_start as f64);
    }

    /// ODD §7.18 catchment redistribution: newcomers of the ISOs that closed this month
    /// (`closed_catchment` in all) go to the survivors, in proportion to their catchments.
    fn redistribute_catchment(&mut self, closed_catchment: f64) {
        if closed_catchment <= 0.0 {
            return;
        }
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

    /// Step 9: organization identity, then trust and mutuality of every relationship with an
    /// agreement (§7.21–§7.23).
    pub(super) fn relationships(&mut self) {
        let cfg = Arc::clone(&self.cfg);
        let tc = &cfg.trust;
        let alive_n = self.isos.iter().filter(|x| x.alive).count() as f64;
        let late_keep = 1.0 - tc.late_payment_erosion_share;
        let k = &self.terms;
        let n_isos = self.isos.len();
        let isos = &mut self.isos[..n_isos];
        let all_rels = &mut self.rels[..n_isos];
        let works = &self.work[..n_isos];
        let late_events = &self.late_event[..n_isos];
        for i in 0..n_isos {
            if !isos[i].alive {
                continue;
            }
            let w = &works[i];
            let iso = &mut isos[i];
            iso.identity +=
                cfg.brinkerhoff.identity_adjust_per_month * (w.identity_target - iso.identity);
            for f in 0..NF {
                let r = &mut all_rels[i][f];
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
                let asym = w.shares[f] * kf.alternatives / (kf.alternatives + alive_n);
                r.mutuality = r.trust * (1.0 - asym);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Config, Model, Rel};

    fn small() -> Config {
        let mut cfg = Config::default();
        cfg.simulation.duration_months = 24;
        cfg.simulation.warmup_months = 12;
        cfg.simulation.isos = 8;
        cfg
    }

    /// A model stepped six months, and an ISO operating in it.
    fn stepped(cfg: &Config) -> (Model<'static>, usize) {
        let mut m = Model::new(cfg, 5, 0);
        for _ in 0..6 {
            m.step();
        }
        let i = (0..m.isos.len()).find(|&i| m.isos[i].alive).unwrap();
        (m, i)
    }

    #[test]
    fn a_non_renewal_charges_termination_pay_and_a_tail_of_fixed_costs() {
        let cfg = small();
        let ic = &cfg.iso;
        let (mut m, i) = stepped(&cfg);
        // a rich ISO: its staffing is bound by its spending cap, not by its cash, so the
        // wind-down costs change nothing but its cash
        m.isos[i].cash = 1e9;
        let mut lost = m.clone();
        let monthly = 30_000.0;
        wind_down(&mut lost.isos[i], monthly, ic, lost.t);
        assert_eq!(lost.isos[i].last_loss, Some(lost.t));
        let c_s = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        let paid = (monthly / c_s).min(f64::from(m.isos[i].staff));
        let severance = paid * ic.wage_per_staff_month * ic.winddown_severance_months;
        let tail = paid * ic.wage_per_staff_month * ic.nonstaff_overhead_share;
        assert!(severance > 0.0 && tail > 0.0);
        m.step();
        lost.step();
        assert_eq!(m.isos[i].staff, lost.isos[i].staff);
        let gap = m.isos[i].cash - lost.isos[i].cash;
        assert!((gap - severance - tail).abs() < 1e-6, "{gap}");
        // the tail runs for winddown_fixed_cost_months (3) months, then stops
        for _ in 0..4 {
            m.step();
            lost.step();
        }
        let gap = m.isos[i].cash - lost.isos[i].cash;
        let want = severance + tail * ic.winddown_fixed_cost_months;
        assert!((gap - want).abs() < 1e-6, "{gap} vs {want}");
        assert_eq!(
            (lost.isos[i].tail_left, lost.isos[i].tail_monthly),
            (0, 0.0)
        );
    }

    #[test]
    fn the_board_winds_down_an_iso_with_nothing_to_come_and_no_credit() {
        let cfg = small();
        let (mut m, i) = stepped(&cfg);
        for r in m.rels[i].iter_mut() {
            *r = Rel {
                trust: r.trust,
                knowledge: r.knowledge,
                ..Rel::default()
            };
        }
        m.isos[i].cash = 0.0;
        m.isos[i].credit_limit = 0.0;
        let mut off = m.clone();
        let mut cfg_off = cfg.clone();
        cfg_off.iso.winddown_horizon_months = 0;
        off.reconfigure(Arc::new(cfg_off));
        m.step();
        off.step();
        assert_eq!(m.isos[i].closed_by, Some(ClosureCause::BoardWindDown));
        assert!(!m.isos[i].alive);
        // without the board's check it misses payroll and carries on (grace 1)
        assert!(off.isos[i].alive, "closed by {:?}", off.isos[i].closed_by);
        assert_eq!(off.isos[i].missed_months, 1);
        off.step();
        assert_eq!(off.isos[i].closed_by, Some(ClosureCause::MissedPayroll));
    }

    #[test]
    fn largest_staff_counts_program_money_only_for_staff_who_incur_it() {
        // without program money: base / net cost
        assert!((largest_staff(1000.0, 0.0, 5000.0, 500.0) - 2.0).abs() < 1e-12);
        // program money for 10 staff at 5000 each, net cost 4000: 10 + (50000 - 40000) / 4000
        assert!((largest_staff(0.0, 50_000.0, 5000.0, 4000.0) - 12.5).abs() < 1e-12);
        // a deficit the peak cannot cover: keep the ten reimbursed positions, do not cut them
        assert!((largest_staff(-20_000.0, 50_000.0, 5000.0, 4000.0) - 10.0).abs() < 1e-12);
        // reimbursement below the net cost: every staff member loses money, so only base pays
        assert!((largest_staff(3000.0, 50_000.0, 4000.0, 5000.0) - 3.0).abs() < 1e-12);
        assert_eq!(largest_staff(-1.0, 50_000.0, 4000.0, 5000.0), 0.0);
    }

    #[test]
    fn cash_path_dips_until_a_late_payment_arrives() {
        // 100 in cash, costs of 300 over the month, 300 arriving at two thirds
        let mut late = [(2.0 / 3.0, 300.0)];
        let (end, low, area) = cash_path(100.0, -300.0, &mut late, 1000.0);
        assert!((end - 100.0).abs() < 1e-9);
        assert!((low + 100.0).abs() < 1e-9, "low {low}");
        // overdraft from 1/3 to 2/3, rising linearly to 100: mean 50 over a third of a month
        assert!((area - 50.0 / 3.0).abs() < 1e-9, "area {area}");
    }

    #[test]
    fn cash_path_on_time_has_no_dip_below_the_end() {
        let (end, low, area) = cash_path(500.0, -300.0, &mut [], 1000.0);
        assert_eq!((end, low, area), (200.0, 200.0, 0.0));
    }

    #[test]
    fn overdraft_beyond_the_limit_bears_no_interest() {
        // constant cash of -50 with a limit of 20: 20 for a month
        assert!((overdraft_area(-50.0, -50.0, 1.0, 20.0) - 20.0).abs() < 1e-12);
        // from 0 down to -40 with limit 20: mean of clamp over the segment = (10*0.5 + 20*0.5)/1
        let a = overdraft_area(0.0, -40.0, 1.0, 20.0);
        assert!((a - 15.0).abs() < 1e-12, "{a}");
    }

    #[test]
    fn late_payments_are_taken_in_time_order() {
        let mut late = [(0.9, 50.0), (0.1, 50.0)];
        let (_, low, _) = cash_path(0.0, -100.0, &mut late, 1000.0);
        // -10 just before 0.1, then +40, falls to -40 just before 0.9, then +10, ends at 0
        assert!((low + 40.0).abs() < 1e-9, "low {low}");
    }
}
