//! The simulation engine: one replication of a scenario, month by month.
//!
//! The model owns its random streams ([`rng`]) and one [`Model::step`] that
//! runs the month's submodels in the order documented in `docs/ODD.md`
//! ("Process overview and scheduling"):
//!
//! 1. newcomers arrive, cohorts age, need arises and long-waiting need is abandoned;
//! 2. funders update budgets and may suffer policy shocks (contracts terminated);
//! 3. program officers rotate and learn;
//!
//!    3b. local partnerships (when `partnerships.enabled`) lose or find champions, update
//!    cohesion and alignment, dissolve, form or take new members, and set the month's
//!    per-member effects (meeting hours, coordinated reporting, shared training, joint
//!    proposals) used in steps 4 and 6 ([`partnership`]);
//! 4. calls for proposals at the end of contract periods; late-payment draws at fiscal-year and contract-period starts;
//! 5. renewal decisions are announced and payments are made or held;
//! 6. ISOs plan staff (layoffs, hiring) and spend hours on administration and service;
//! 7. service hours meet newcomers' need; then (7b) members of a partnership refer part of
//!    their catchments' unmet need to members with hours left;
//! 8. ISOs raise donations, pay costs, return unspent program money at fiscal-year end, miss payroll or close; staff quit and gain experience;
//! 9. trust and organization identity update; relationships are classified (Brinkerhoff);
//! 10. metrics are recorded (partnership metrics last, after the perceived unmet need updates).
//!
//! The model never reads files or prints. Example:
//!
//! ```
//! use partnersim::model::{Config, Model};
//! let mut cfg = Config::default();
//! cfg.simulation.duration_months = 24;
//! let out = Model::new(&cfg, 42, 0).run();
//! assert_eq!(out.months.len(), 24);
//! ```

// Loops over funders index several parallel per-funder arrays at once.
#![allow(clippy::needless_range_loop)]

pub mod config;
pub mod newcomers;
pub mod partnership;
pub mod rng;

pub use config::{Config, Measure};

use crate::metrics::{MonthRecord, Reduce, M, METRICS, N_METRICS};
use newcomers::{allocate_into, allocate_service, Cohorts, Offer};
use partnership::{Partnership, Partnerships};
use rng::{ChaCha8Rng, EnvDraws, FunderDraws, IsoDraws, IsoEvents};

/// Number of funders.
pub const NF: usize = 4;
/// Revenue sources: the four funders, then donations and fees.
pub const SOURCES: usize = NF + 1;
/// Smallest award a funder makes, as a share of the ask; below it the applicant is refused.
pub const MIN_AWARD_SHARE: f64 = 0.5;
/// Spread of an alternative applicant's measured performance (sd, in units of the ISO mean).
pub const ALTERNATIVE_PERF_SD: f64 = 0.2;
/// Share of revenue an alternative applicant raises itself (sector: ~34% non-government, of
/// which foundations ~10 points; MODEL_BRIEF section 4), used by funders that weigh fundraising.
pub const ALTERNATIVE_DONATION_SHARE: f64 = 0.2;
/// Noise of monthly donations (sd, share).
pub const DONATION_NOISE_SD: f64 = 0.1;
/// Smoothing of the performance record funders look at (per month).
pub const PERF_SMOOTHING: f64 = 1.0 / 12.0;

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

/// One funder–ISO relationship and its contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rel {
    /// contract value per month (the old value while a renewal is pending)
    pub monthly: f64,
    /// a contract exists (active or awaiting its renewal decision)
    pub has_contract: bool,
    /// a call's decision (renewal or first application) made but not yet announced
    pub pending: bool,
    /// value awarded at the pending renewal (0 = refused)
    pub award: f64,
    /// month the pending decision is announced
    pub decision_month: u32,
    /// month the current contract period started
    pub period_start: u32,
    /// installments due but held (late payment / decision delay)
    pub held: f64,
    /// month held installments are paid
    pub release_month: u32,
    /// late-payment delay (months) drawn at the last fiscal-year or contract-period start
    pub late_months: u32,
    /// program officer's knowledge of the file (0-1)
    pub knowledge: f64,
    /// trust of the relationship (0-1)
    pub trust: f64,
    /// mutuality (0-1), last computed
    pub mutuality: f64,
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
    /// program (restricted) money received and not yet spent this fiscal year
    pub restricted_balance: f64,
    /// consecutive months of missed payroll
    pub missed_months: u32,
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
}

/// One funder.
#[derive(Debug, Clone)]
pub struct Funder {
    ring: Vec<f64>,
    pos: usize,
    sum: f64,
    /// cumulative budget multiplier from policy shocks
    pub shock_factor: f64,
    /// current monthly budget
    pub budget: f64,
}

/// Result of one replication.
#[derive(Debug, Clone)]
pub struct ReplicationOutput {
    /// one record per month
    pub months: Vec<MonthRecord>,
    /// the replication summary (same metric order)
    pub summary: MonthRecord,
    /// every local partnership formed, in its final state (empty when partnerships are off;
    /// not stored in run chunks)
    pub partnerships: Vec<Partnership>,
}

#[derive(Debug, Clone, Default)]
struct Totals {
    separations: f64,
    staff_months: f64,
    admin_hours: f64,
    reporting_hours: f64,
    staff_hours: f64,
    gov_revenue: f64,
    revenue: f64,
    decision_delay: f64,
    decisions: f64,
    approved: f64,
    applicants: f64,
}

/// The state of one replication.
pub struct Model<'a> {
    cfg: &'a Config,
    seed: u64,
    replication: u64,
    /// current month
    pub t: u32,
    env_rng: ChaCha8Rng,
    funder_rng: Vec<ChaCha8Rng>,
    iso_rng: Vec<ChaCha8Rng>,
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
    surge_left: u32,
    closures: u32,
    initial_isos: usize,
    base_arrivals: f64,
    totals: Totals,
    // scratch, reused every month (no allocation in the loop)
    offers: Vec<Offer>,
    served: Vec<f64>,
    proposals: Vec<f64>,
    revenue: Vec<[f64; SOURCES]>,
    late_event: Vec<[bool; NF]>,
    draws: Vec<IsoDraws>,
    events: Vec<IsoEvents>,
    event_rng: Vec<ChaCha8Rng>,
    order: Vec<(f64, usize)>,
    work: Vec<ops::IsoMonth>,
    terms: ops::FunderTerms,
    reserve_scratch: Vec<f64>,
    ledger: Vec<(f64, f64, f64)>,
    quits_layoffs: (f64, f64),
    months: Vec<MonthRecord>,
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

impl<'a> Model<'a> {
    /// Builds month 0 of replication `replication` of `cfg` under master seed `seed`.
    pub fn new(cfg: &'a Config, seed: u64, replication: u64) -> Model<'a> {
        let n = cfg.simulation.isos;
        let env_rng = rng::stream(seed, replication, rng::ENTITY_ENV);
        let funder_rng = (0..NF)
            .map(|f| rng::stream(seed, replication, rng::entity_funder(f)))
            .collect();
        let mut iso_rng: Vec<ChaCha8Rng> = (0..n)
            .map(|i| rng::stream(seed, replication, rng::entity_iso(i)))
            .collect();
        let a0 = cfg.newcomers.arrivals_per_month;
        let funders: Vec<Funder> = cfg
            .funders
            .iter()
            .map(|fc| {
                let lag = fc.budget_lag_months.max(1) as usize;
                let budget = if fc.enabled {
                    fc.budget_per_newcomer * a0
                } else {
                    0.0
                };
                Funder {
                    ring: vec![a0; lag],
                    pos: 0,
                    sum: a0 * lag as f64,
                    shock_factor: 1.0,
                    budget,
                }
            })
            .collect();

        // ISO sizes and reserves: four uniforms each from the ISO's own stream.
        let ic = &cfg.iso;
        let mut sizes = Vec::with_capacity(n);
        let mut reserves = Vec::with_capacity(n);
        for r in iso_rng.iter_mut() {
            let (u1, u2, u3, u4) = (
                rng::uniform(r),
                rng::uniform(r),
                rng::uniform(r),
                rng::uniform(r),
            );
            sizes.push((ic.size_dispersion_log * rng::normal(u1, u2)).exp());
            reserves.push(
                ic.reserve_months_median * (ic.reserve_dispersion_log * rng::normal(u3, u4)).exp(),
            );
        }
        let total_size: f64 = sizes.iter().sum();
        let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        let donations_per_staff = donations_per_staff(cfg);
        let e0 =
            12.0 / (ic.quit_rate_per_year * (1.0 + 0.5 * ic.insecurity_quit_multiplier)).max(0.01);
        let mut isos = Vec::with_capacity(n);
        let mut rels = vec![[Rel::default(); NF]; n];
        for i in 0..n {
            let catchment = ratio(sizes[i], total_size);
            let mut contracted = 0.0;
            for f in 0..NF {
                let rel = &mut rels[i][f];
                rel.trust = cfg.trust.initial;
                rel.knowledge = 1.0;
                if cfg.funders[f].enabled && funders[f].budget > 0.0 {
                    rel.monthly = funders[f].budget * catchment;
                    rel.has_contract = true;
                    contracted += rel.monthly;
                }
            }
            let staff = (contracted
                / (cost_per_staff - donations_per_staff).max(cost_per_staff * 0.05))
            .round()
            .max(1.0) as u32;
            let cost = f64::from(staff) * cost_per_staff;
            isos.push(Iso {
                alive: true,
                catchment,
                staff,
                experience: e0.min(240.0),
                cash: reserves[i] * cost,
                identity: 1.0,
                depth: cfg.service.deep_contact_hours,
                cost_ema: cost,
                donations: donations_per_staff * f64::from(staff),
                ..Iso::default()
            });
        }
        let months_cap = cfg.simulation.duration_months as usize;
        let mut m = Model {
            cfg,
            seed,
            replication,
            t: 0,
            env_rng,
            funder_rng,
            iso_rng,
            cohorts: Cohorts::new(&cfg.newcomers),
            funders,
            isos,
            rels,
            partners: Partnerships::new(cfg, seed, replication, n),
            surge_left: 0,
            closures: 0,
            initial_isos: n,
            base_arrivals: a0,
            totals: Totals::default(),
            offers: vec![Offer::default(); n],
            served: vec![0.0; n],
            proposals: vec![0.0; n],
            revenue: vec![[0.0; SOURCES]; n],
            late_event: vec![[false; NF]; n],
            draws: Vec::with_capacity(n),
            events: vec![IsoEvents::default(); n],
            event_rng: (0..n)
                .map(|i| rng::stream(seed, replication, rng::entity_iso_events(i)))
                .collect(),
            order: Vec::with_capacity(n + 64),
            work: vec![ops::IsoMonth::default(); n],
            terms: ops::FunderTerms::new(cfg),
            reserve_scratch: Vec::with_capacity(n),
            ledger: Vec::new(),
            quits_layoffs: (0.0, 0.0),
            months: Vec::with_capacity(months_cap),
        };
        m.ledger = m.isos.iter().map(|x| (x.cash, 0.0, 0.0)).collect();
        m
    }

    /// Per ISO: (cash at month 0, revenue received so far, costs paid so far, including program
    /// money returned). For every ISO, cash = opening + revenue - costs at all times.
    pub fn ledger(&self) -> &[(f64, f64, f64)] {
        &self.ledger
    }

    /// Runs every month and returns the time series and summary.
    pub fn run(mut self) -> ReplicationOutput {
        for _ in 0..self.cfg.simulation.duration_months {
            self.step();
        }
        self.finish()
    }

    /// Advances one month and records its metrics.
    pub fn step(&mut self) {
        let cfg = self.cfg;
        let t = self.t;
        let mut rec: MonthRecord = [0.0; N_METRICS];

        // Fixed draws for the month, per entity (common random numbers).
        let env = EnvDraws::draw(&mut self.env_rng);
        let fdraws: [FunderDraws; NF] =
            std::array::from_fn(|f| FunderDraws::draw(&mut self.funder_rng[f]));
        self.draws.clear();
        for r in self.iso_rng.iter_mut() {
            self.draws.push(IsoDraws::draw(r));
        }
        // Event uniforms are needed only in months with calls, fiscal-year starts or shocks.
        let calls = (0..NF).any(|f| {
            cfg.funders[f].enabled
                && t > 0
                && t.is_multiple_of(cfg.funders[f].contract_months.max(1))
        });
        let shocks = (0..NF).any(|f| {
            cfg.funders[f].enabled
                && fdraws[f].shock < rate_prob(cfg.funders[f].shock_probability_per_year)
        });
        if t.is_multiple_of(12) || calls || shocks {
            for (e, r) in self.events.iter_mut().zip(self.event_rng.iter_mut()) {
                *e = IsoEvents::at(r, t);
            }
        }

        // 1. Newcomers.
        let arrivals = self.arrivals(&env);
        let pools = self.cohorts.advance(&cfg.newcomers, arrivals);
        rec[M::Arrivals as usize] = arrivals;

        // 2. Funder budgets and shocks.
        for f in 0..NF {
            self.update_budget(f, arrivals);
            if cfg.funders[f].enabled
                && fdraws[f].shock < rate_prob(cfg.funders[f].shock_probability_per_year)
            {
                self.policy_shock(f);
            }
        }

        // 3. Officers rotate and learn.
        self.officers(&mut rec);

        // 3b. Local partnerships operate, form and dissolve.
        self.partnerships_stage();

        // 4. Calls and late-payment draws.
        for p in self.proposals.iter_mut() {
            *p = 0.0;
        }
        for e in self.late_event.iter_mut() {
            *e = [false; NF];
        }
        let mut approvals = (0.0, 0.0);
        let mut starts = [t.is_multiple_of(12); NF];
        for (f, start) in starts.iter_mut().enumerate() {
            let fc = &cfg.funders[f];
            if fc.enabled && t > 0 && t.is_multiple_of(fc.contract_months.max(1)) {
                let (a, n) = self.call(f);
                approvals.0 += a;
                approvals.1 += n;
                *start = true;
            }
        }
        rec[M::CallApprovalShare as usize] = ratio(approvals.0, approvals.1);
        self.totals.approved += approvals.0;
        self.totals.applicants += approvals.1;
        if starts.iter().any(|&x| x) {
            rec[M::LatePayments as usize] = self.late_payment_draws(starts);
        }

        // 5. Decisions and payments.
        let (delay_sum, delay_n) = self.payments();
        rec[M::DecisionDelayMonths as usize] = ratio(delay_sum, delay_n);
        self.totals.decision_delay += delay_sum;
        self.totals.decisions += delay_n;

        // 6. ISO operations up to service.
        self.operations();

        // 7. Service meets need.
        let served = if cfg.partnerships.enabled {
            // 7b. Referrals within partnerships, after each ISO served its own catchment.
            let mut s = allocate_into(
                &self.offers,
                pools,
                &mut self.served,
                Some(self.partners.allocs_mut()),
            );
            self.partnership_referrals(&mut s);
            s
        } else {
            allocate_service(&self.offers, pools, &mut self.served)
        };
        self.cohorts.serve(&cfg.newcomers, pools, served);
        let served_hours = served.eligible + served.beyond;
        rec[M::UnmetNeedShare as usize] = if pools.new_need > 0.0 {
            (1.0 - served_hours / pools.new_need).clamp(0.0, 1.0)
        } else {
            0.0
        };
        rec[M::ServiceHours as usize] = served.eligible + served.beyond;

        // 8. Costs, cash, closure, quits.
        let (separations, missed) = self.finances_and_staff();

        // 9. Trust, identity, classification; 10. metrics.
        self.relationships_and_metrics(&mut rec, separations, missed);
        self.partnership_metrics(&mut rec);
        self.check_invariants(&rec);
        self.months.push(rec);
        self.t += 1;
    }

    fn arrivals(&mut self, env: &EnvDraws) -> f64 {
        let c = &self.cfg.newcomers;
        if self.surge_left == 0 && env.surge < rate_prob(c.surge_probability_per_year) {
            self.surge_left = c.surge_duration_months;
        }
        let surge = if self.surge_left > 0 {
            self.surge_left -= 1;
            1.0 + c.surge_size_share
        } else {
            1.0
        };
        let sd = c.arrival_noise_share;
        let noise = (sd * rng::normal(env.noise[0], env.noise[1]) - 0.5 * sd * sd).exp();
        newcomers::trend_arrivals(self.cfg, self.t) * surge * noise
    }

    fn update_budget(&mut self, f: usize, arrivals: f64) {
        let fc = &self.cfg.funders[f];
        let fu = &mut self.funders[f];
        fu.sum += arrivals - fu.ring[fu.pos];
        fu.ring[fu.pos] = arrivals;
        fu.pos = (fu.pos + 1) % fu.ring.len();
        let avg = fu.sum / fu.ring.len() as f64;
        let basis =
            fc.budget_follow_share * avg + (1.0 - fc.budget_follow_share) * self.base_arrivals;
        fu.budget = if fc.enabled {
            fc.budget_per_newcomer * basis.max(0.0) * fu.shock_factor
        } else {
            0.0
        };
    }

    /// Score of ISO `i`'s proposal to funder `f` (performance, trust, fundraising, noise).
    fn score(&self, i: usize, f: usize, perf_mean: f64) -> f64 {
        let fc = &self.cfg.funders[f];
        let iso = &self.isos[i];
        let perf = iso_perf(iso, fc.measure);
        let perf_norm = if perf_mean > 0.0 {
            perf / perf_mean
        } else {
            1.0
        };
        let d = &self.events[i].score[f];
        perf_norm
            + fc.call_trust_weight * self.rels[i][f].trust
            + fc.fundraising_score_weight * iso_donation_share(iso, &self.rels[i])
            + fc.call_noise_sd * rng::normal(d[0], d[1])
    }

    fn perf_mean(&self, f: usize) -> f64 {
        let m = self.cfg.funders[f].measure;
        let (mut s, mut n) = (0.0, 0.0);
        for iso in self.isos.iter().filter(|x| x.alive) {
            s += iso_perf(iso, m);
            n += 1.0;
        }
        ratio(s, n)
    }

    fn policy_shock(&mut self, f: usize) {
        let cut = self.cfg.funders[f].shock_cut_share;
        self.funders[f].shock_factor *= 1.0 - cut;
        self.funders[f].budget *= 1.0 - cut;
        let budget = self.funders[f].budget;
        let perf_mean = self.perf_mean(f);
        self.order.clear();
        let mut total = 0.0;
        for i in 0..self.isos.len() {
            let r = &self.rels[i][f];
            // Contracts in force and awards not yet announced are both commitments.
            if self.isos[i].alive && (r.has_contract || (r.pending && r.award > 0.0)) {
                total += if r.pending { r.award } else { r.monthly };
                let s = self.score(i, f, perf_mean);
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
            total -= if r.pending { r.award } else { r.monthly };
            if r.has_contract {
                r.trust *= 1.0 - erosion;
            }
            r.has_contract = false;
            r.pending = false;
            r.monthly = 0.0;
            r.award = 0.0;
        }
    }

    fn officers(&mut self, rec: &mut MonthRecord) {
        let mut rotations = 0.0;
        let mut loss = 0.0;
        let n = self.isos.len();
        let (isos, all_rels, draws) = (&self.isos[..n], &mut self.rels[..n], &self.draws[..n]);
        for i in 0..n {
            if !isos[i].alive {
                continue;
            }
            for (f, r) in all_rels[i].iter_mut().enumerate() {
                let fc = &self.cfg.funders[f];
                if !r.has_contract {
                    continue;
                }
                if draws[i].rotation[f] < self.terms.0[f].rotation_probability {
                    r.knowledge = fc.new_officer_knowledge_share;
                    let l = r.trust * fc.trust_reset_share;
                    r.trust -= l;
                    loss += l;
                    rotations += 1.0;
                } else {
                    r.knowledge += (1.0 - r.knowledge) / fc.officer_learning_months.max(1.0);
                }
            }
        }
        rec[M::OfficerRotations as usize] = rotations;
        rec[M::TrustResetLoss as usize] = loss;
    }

    /// A call for proposals: every operating ISO and the funder's alternatives apply; the funder
    /// ranks them and awards in rank order until the budget is spent. Returns (approved, applicants).
    fn call(&mut self, f: usize) -> (f64, f64) {
        let cfg = self.cfg;
        let fc = &cfg.funders[f];
        let t = self.t;
        let budget = self.funders[f].budget;
        let perf_mean = self.perf_mean(f);
        let markup = 1.0 + cfg.iso.ask_markup_share;
        self.order.clear();
        let mut ask_sum = 0.0;
        let mut n_isos = 0.0;
        for i in 0..self.isos.len() {
            if !self.isos[i].alive {
                continue;
            }
            let s = self.score(i, f, perf_mean);
            self.order.push((s, i));
            let r = &self.rels[i][f];
            let base = if r.has_contract {
                r.monthly
            } else {
                budget * self.isos[i].catchment
            };
            ask_sum += base * markup;
            n_isos += 1.0;
            // joint proposals: members of an operational or collaborative partnership share the work
            let ph = cfg.iso.proposal_hours * self.partners.proposal_factor[i];
            self.partners.proposal_saved[i] += cfg.iso.proposal_hours - ph;
            self.proposals[i] += ph;
        }
        let alt_ask = if n_isos > 0.0 {
            ask_sum / n_isos
        } else {
            budget / self.initial_isos.max(1) as f64
        };
        // Alternatives: their own stream, positioned by month, so their draws do not depend on history.
        let mut ar = rng::stream(self.seed, self.replication, 8 + f as u64);
        ar.set_word_pos(u128::from(t) << 24);
        for k in 0..fc.alternatives as usize {
            let z = rng::normal(rng::uniform(&mut ar), rng::uniform(&mut ar));
            let noise = rng::normal(rng::uniform(&mut ar), rng::uniform(&mut ar));
            let s = fc.alternative_quality_share
                + ALTERNATIVE_PERF_SD * z
                + fc.fundraising_score_weight * ALTERNATIVE_DONATION_SHARE
                + fc.call_noise_sd * noise;
            self.order.push((s, usize::MAX - k));
        }
        self.order
            .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut remaining = budget;
        let mut approved = 0.0;
        let applicants = self.order.len() as f64;
        for k in 0..self.order.len() {
            let idx = self.order[k].1;
            let ask = if idx >= self.isos.len() {
                alt_ask
            } else {
                let r = &self.rels[idx][f];
                (if r.has_contract {
                    r.monthly
                } else {
                    budget * self.isos[idx].catchment
                }) * markup
            };
            let award = if ask > 0.0 && remaining >= MIN_AWARD_SHARE * ask {
                ask.min(remaining)
            } else {
                0.0
            };
            remaining -= award;
            if award > 0.0 {
                approved += 1.0;
            }
            if idx < self.isos.len() {
                let r = &mut self.rels[idx][f];
                if !r.has_contract {
                    // a first application: a new file, handled by an officer who does not know it yet
                    r.monthly = 0.0;
                    r.knowledge = fc.new_officer_knowledge_share;
                }
                let delay = fc.decision_delay_months
                    + (fc.officer_decision_delay_months * (1.0 - r.knowledge)).round() as u32;
                r.pending = true;
                r.award = award;
                r.decision_month = t + delay;
                r.period_start = t;
            }
        }
        (approved, applicants)
    }

    /// At each fiscal-year start and each contract-period start, the first payments of a
    /// contract-year (of a contract or of a pending application) may come late.
    fn late_payment_draws(&mut self, starts: [bool; NF]) -> f64 {
        let mut events = 0.0;
        for i in 0..self.isos.len() {
            if !self.isos[i].alive {
                continue;
            }
            for (f, &start) in starts.iter().enumerate() {
                if !start {
                    continue;
                }
                let fc = &self.cfg.funders[f];
                let r = &mut self.rels[i][f];
                r.late_months = 0;
                if !(r.has_contract || r.pending)
                    || self.events[i].late[f] >= fc.late_payment_probability
                {
                    continue;
                }
                let u = self.events[i].late_days[f];
                let days = fc.late_payment_days_min
                    + (fc.late_payment_days_max - fc.late_payment_days_min) * u * u;
                r.late_months = (days / 30.4).round() as u32;
                if r.late_months > 0 {
                    self.late_event[i][f] = true;
                    events += 1.0;
                    if !r.pending {
                        r.release_month = r.release_month.max(self.t + r.late_months);
                    }
                }
            }
        }
        events
    }

    /// Announces decisions due this month and pays (or holds) installments.
    fn payments(&mut self) -> (f64, f64) {
        let t = self.t;
        let erosion = self.cfg.trust.cut_erosion_share;
        let (mut delay_sum, mut delay_n) = (0.0, 0.0);
        for i in 0..self.isos.len() {
            self.revenue[i] = [0.0; SOURCES];
            if !self.isos[i].alive {
                continue;
            }
            for f in 0..NF {
                let r = &mut self.rels[i][f];
                if r.pending && t >= r.decision_month {
                    r.pending = false;
                    delay_sum += f64::from(t - r.period_start);
                    delay_n += 1.0;
                    if r.award > 0.0 {
                        if r.has_contract {
                            // a renewal: back pay for the months worked while the decision was pending
                            r.held += r.award * f64::from(t - r.period_start);
                        }
                        r.has_contract = true;
                        r.monthly = r.award;
                        r.release_month = t + r.late_months;
                    } else {
                        if r.has_contract {
                            // not renewed: a cut
                            r.trust *= 1.0 - erosion;
                        }
                        r.has_contract = false;
                        r.monthly = 0.0;
                        r.release_month = t;
                    }
                    r.late_months = 0;
                }
                let mut pay = 0.0;
                if r.has_contract && !r.pending {
                    if t < r.release_month {
                        r.held += r.monthly;
                    } else {
                        pay += r.monthly;
                    }
                }
                if t >= r.release_month && r.held > 0.0 && !r.pending {
                    pay += r.held;
                    r.held = 0.0;
                }
                self.revenue[i][f] = pay;
            }
        }
        (delay_sum, delay_n)
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

/// Performance per dollar on a funder's measure.
fn iso_perf(iso: &Iso, m: Measure) -> f64 {
    let x = match m {
        Measure::Output => iso.clients_ema,
        Measure::Outcome => iso.effective_ema,
    };
    ratio(x, iso.cost_ema)
}

/// Expected donations and fees per staff member at the scenario's fundraising effort (before noise).
pub fn donations_per_staff(cfg: &Config) -> f64 {
    let ic = &cfg.iso;
    let hours = ic.diversification_effort_share * ic.hours_per_staff_month;
    ic.donations_max_per_staff_month * (1.0 - (-hours / ic.fundraising_half_hours_per_staff).exp())
}

mod ops;

impl Model<'_> {
    fn finish(self) -> ReplicationOutput {
        let months = self.months;
        let partnerships = self.partners.list;
        let mut summary: MonthRecord = [0.0; N_METRICS];
        let n = months.len().max(1) as f64;
        for (k, spec) in METRICS.iter().enumerate() {
            summary[k] = match spec.reduce {
                Reduce::Mean => months.iter().map(|r| r[k]).sum::<f64>() / n,
                Reduce::Last => months.last().map_or(0.0, |r| r[k]),
                Reduce::Sum => months.iter().map(|r| r[k]).sum::<f64>(),
                Reduce::Total => 0.0,
            };
        }
        let tot = &self.totals;
        let years = n / 12.0;
        let mean_staff = tot.staff_months / n;
        summary[M::StaffTurnoverAnnual as usize] = if mean_staff > 0.0 {
            tot.separations / mean_staff / years
        } else {
            0.0
        };
        summary[M::AdminShare as usize] = ratio(tot.admin_hours, tot.staff_hours);
        summary[M::ReportingShare as usize] = ratio(tot.reporting_hours, tot.staff_hours);
        summary[M::GovRevenueShare as usize] = ratio(tot.gov_revenue, tot.revenue);
        summary[M::DecisionDelayMonths as usize] = ratio(tot.decision_delay, tot.decisions);
        summary[M::CallApprovalShare as usize] = ratio(tot.approved, tot.applicants);
        summary[M::PartnershipMeetingShare as usize] = if tot.staff_hours > 0.0 {
            (self.partners.meeting_total / tot.staff_hours).min(1.0)
        } else {
            0.0
        };
        let c = &self.cohorts;
        summary[M::UnmetNeedShare as usize] = if c.need_total > 0.0 {
            (1.0 - c.served_total / c.need_total).clamp(0.0, 1.0)
        } else {
            0.0
        };
        ReplicationOutput {
            months,
            summary,
            partnerships,
        }
    }
}
