//! Newcomer cohorts: arrivals, need, waiting, abandonment, eligibility and
//! the integration outcome; and the allocation of ISO service hours to need.
//!
//! Cohorts are kept by month of arrival in a ring of `need_duration_months`
//! slots. Each cohort's persons arrive in three immigration categories (economic, family,
//! refugee; [`CATEGORIES`](super::config::CATEGORIES)) in the shares `category_share`; a share `category_uptake` of each
//! category are clients: only they have need, which is highest on arrival and halves every
//! `need_halflife_months` ([`need_profile`]). Each category has its own eligibility window
//! ([`NewcomersCfg::window`]). Each cohort also keeps, per category and for the last twelve
//! months, how likely one of its clients was to be reached in each month, from which
//! [`Cohorts::unique_clients`] counts the clients reached in a year. The allocation in
//! [`allocate_service`] serves each ISO's own catchment; [`refer`] then lets members of a
//! local partnership route unmet need to members with spare capacity.

use super::config::{Config, NewcomersCfg, NCAT};

/// One arrival cohort.
#[derive(Debug, Clone, Copy)]
pub struct Cohort {
    /// persons in the cohort
    pub persons: f64,
    /// clients in the cohort by category: persons who use settlement services
    /// (`category_share · category_uptake` of the persons at arrival)
    pub users: [f64; NCAT],
    /// by category, probability that one client was not reached, for each of the last twelve
    /// months (slot: model month modulo 12; 1 = nobody reached)
    pub missed: [[f64; 12]; NCAT],
    /// need hours waiting for service, by category
    pub waiting: [f64; NCAT],
    /// effective service hours received inside the eligibility window (settlement)
    pub effective: f64,
    /// effective service hours received after the eligibility window (long-term integration)
    pub effective_late: f64,
    /// the host community's side of its integration (§7.32): the receptivity it lived in,
    /// times `community.integration_weight`, summed over its months and divided by
    /// `need_duration_months`
    pub host: f64,
}

impl Default for Cohort {
    /// An empty cohort: nobody in it, nobody reached.
    fn default() -> Cohort {
        Cohort {
            persons: 0.0,
            users: [0.0; NCAT],
            missed: [[1.0; 12]; NCAT],
            waiting: [0.0; NCAT],
            effective: 0.0,
            effective_late: 0.0,
            host: 0.0,
        }
    }
}

impl Cohort {
    /// Clients over the categories.
    pub fn users_total(&self) -> f64 {
        self.users.iter().sum()
    }

    /// Need hours waiting over the categories.
    pub fn waiting_total(&self) -> f64 {
        self.waiting.iter().sum()
    }
}

/// Clients of each category among `persons` arrivals.
fn users_of(c: &NewcomersCfg, persons: f64) -> [f64; NCAT] {
    std::array::from_fn(|k| persons * c.category_share[k] * c.category_uptake[k])
}

/// All cohorts followed, newest first by age.
#[derive(Debug, Clone)]
pub struct Cohorts {
    ring: Vec<Cohort>,
    head: usize,
    /// persons that have arrived since month 0 (plus those present at month 0)
    pub persons_in: f64,
    /// persons whose cohort aged out of the followed window
    pub persons_out: f64,
    /// need hours arisen since month 0 plus the waiting stock at month 0
    pub need_total: f64,
    /// need hours served since month 0
    pub served_total: f64,
    /// need hours abandoned (including waiting need of cohorts that aged out)
    pub abandoned_total: f64,
    /// long-term integration of the cohort that left the followed window this month
    pub exit_integration: f64,
    /// the need profile last used, with the parameters it was computed from
    profile: Option<((u64, u32), NeedProfile)>,
    /// [`Cohorts::serve`] keeps each cohort's reach ([`Cohorts::track_reach`])
    reach_tracked: bool,
}

/// What the month's need looks like before service.
#[derive(Debug, Clone, Copy, Default)]
pub struct NeedPools {
    /// waiting need inside the eligibility window
    pub eligible: f64,
    /// waiting need outside the window
    pub beyond: f64,
    /// need that arose this month (included in the two pools)
    pub new_need: f64,
}

impl Cohorts {
    /// Cohorts present at the start: arrivals back-cast along the trend from `arrivals` (the
    /// first month's trend level), with `initial_met_share` of their past need met.
    pub fn new(c: &NewcomersCfg, arrivals: f64) -> Cohorts {
        let d = c.need_duration_months as usize;
        let profile = NeedProfile::new(c);
        let mut ring = vec![Cohort::default(); d];
        let mut persons_in = 0.0;
        let mut need_total = 0.0;
        let growth = (1.0 + c.arrival_trend_per_year).max(1e-9).powf(1.0 / 12.0);
        let stock_months = if c.abandonment_share_per_month > 0.0 {
            1.0 / c.abandonment_share_per_month
        } else {
            f64::INFINITY
        };
        for (age, slot) in ring.iter_mut().enumerate() {
            // age 0 is the head (index 0 at start): arrived `age + 1` months before month 0
            let persons = arrivals / growth.powi(age as i32 + 1);
            let users = users_of(c, persons);
            // need that arose inside the window and after it, over the ages already lived
            let lived = age + 1;
            // waiting: the need of the last months lived, as many as need waits on average
            let recent = (lived as f64).min(stock_months);
            let recent_share =
                profile.cumulative(lived) - profile.cumulative_f(lived as f64 - recent);
            let mut co = Cohort {
                persons,
                users,
                ..Cohort::default()
            };
            for (k, &u) in users.iter().enumerate() {
                let need = u * c.need_hours_per_client;
                let window = c.window(k).min(d);
                let early = need * profile.cumulative(lived.min(window));
                let late = need * (profile.cumulative(lived) - profile.cumulative(window)).max(0.0);
                co.waiting[k] = need * recent_share * (1.0 - c.initial_met_share);
                co.effective += early * c.initial_met_share;
                co.effective_late += late * c.initial_met_share;
                need_total += co.waiting[k];
            }
            *slot = co;
            persons_in += persons;
        }
        // ring index of age a is (head + d - a) % d; with head = 0, age a sits at (d - a) % d
        let mut ordered = vec![Cohort::default(); d];
        for (age, c) in ring.into_iter().enumerate() {
            ordered[(d - age) % d] = c;
        }
        Cohorts {
            ring: ordered,
            head: 0,
            persons_in,
            persons_out: 0.0,
            need_total,
            served_total: 0.0,
            abandoned_total: 0.0,
            exit_integration: 0.0,
            profile: None,
            reach_tracked: true,
        }
    }

    /// Number of cohorts followed.
    pub fn len(&self) -> usize {
        self.ring.len()
    }

    /// Always false: at least one cohort slot exists.
    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }

    fn idx(&self, age: usize) -> usize {
        let d = self.ring.len();
        (self.head + d - age) % d
    }

    /// Cohort of a given age in months (0 = arrived this month).
    pub fn at(&self, age: usize) -> &Cohort {
        &self.ring[self.idx(age)]
    }

    /// Cohort of a given age in months, to change (the host community's side of integration,
    /// §7.32).
    pub fn at_mut(&mut self, age: usize) -> &mut Cohort {
        let i = self.idx(age);
        &mut self.ring[i]
    }

    /// Persons currently followed.
    pub fn persons(&self) -> f64 {
        self.ring.iter().map(|c| c.persons).sum()
    }

    /// Starts a month: the oldest cohort ages out, a new one arrives; waiting need that has
    /// waited a month is partly abandoned; new need arises. Returns the pools before service.
    pub fn advance(&mut self, c: &NewcomersCfg, arrivals: f64) -> NeedPools {
        let d = self.ring.len();
        self.head = (self.head + 1) % d;
        let old = self.ring[self.head];
        self.persons_out += old.persons;
        self.abandoned_total += old.waiting_total();
        self.exit_integration = long_term_integration(&old, c);
        self.ring[self.head] = Cohort {
            persons: arrivals,
            users: users_of(c, arrivals),
            ..Cohort::default()
        };
        self.persons_in += arrivals;
        let profile = self.profile(c);
        let keep = 1.0 - c.abandonment_share_per_month;
        let lose = 1.0 - keep;
        let need_per_client = c.need_hours_per_client;
        let windows: [usize; NCAT] = std::array::from_fn(|k| c.window(k));
        let mut pools = NeedPools::default();
        // the run totals are added to in the same order as before, in locals (a store to the
        // ring cannot change them)
        let (mut abandoned, mut need_total) = (self.abandoned_total, self.need_total);
        let mut w = profile.first;
        let d = self.ring.len();
        let mut i = self.head;
        for age in 0..d {
            let co = &mut self.ring[i];
            i = if i == 0 { d - 1 } else { i - 1 };
            for k in 0..NCAT {
                let lost = co.waiting[k] * lose;
                abandoned += lost;
                let new = co.users[k] * need_per_client * w;
                need_total += new;
                pools.new_need += new;
                let waiting = co.waiting[k] * keep + new;
                co.waiting[k] = waiting;
                if age < windows[k] {
                    pools.eligible += waiting;
                } else {
                    pools.beyond += waiting;
                }
            }
            w *= profile.ratio;
        }
        self.abandoned_total = abandoned;
        self.need_total = need_total;
        pools
    }

    /// The need profile of `c`, computed again only when its parameters change (a timeline
    /// event may change them).
    fn profile(&mut self, c: &NewcomersCfg) -> NeedProfile {
        let key = (c.need_halflife_months.to_bits(), c.need_duration_months);
        match self.profile {
            Some((k, p)) if k == key => p,
            _ => {
                let p = NeedProfile::new(c);
                self.profile = Some((key, p));
                p
            }
        }
    }

    /// Whether [`Cohorts::serve`] keeps the month's reach of each cohort for
    /// [`Cohorts::unique_clients`] (default: yes). Reach older than twelve months is never
    /// read, so a model may skip it in warm-up months that no recorded month looks back to.
    pub fn track_reach(&mut self, on: bool) {
        self.reach_tracked = on;
    }

    /// Applies the month's service: `served_*` hours leave the waiting stocks in proportion,
    /// and `effective_*` hours are credited to the same cohorts.
    ///
    /// `clients` is the month's client-months counted by ISOs and `month` the model month: a
    /// cohort's category served `s` of the month's `h` hours had `clients * s / h`
    /// client-months, spread over its clients at random (each of its clients reached with
    /// probability `min(1, client-months / clients)`), which [`Cohorts::unique_clients`]
    /// accumulates.
    pub fn serve(
        &mut self,
        c: &NewcomersCfg,
        pools: NeedPools,
        served: Served,
        clients: f64,
        month: u32,
    ) {
        let slot = (month % 12) as usize;
        let hours = served.eligible + served.beyond;
        let per_hour = if hours > 0.0 { clients / hours } else { 0.0 };
        let windows: [usize; NCAT] = std::array::from_fn(|k| c.window(k));
        let fe = if pools.eligible > 0.0 {
            (served.eligible / pools.eligible).min(1.0)
        } else {
            0.0
        };
        let fb = if pools.beyond > 0.0 {
            (served.beyond / pools.beyond).min(1.0)
        } else {
            0.0
        };
        let qe = if served.eligible > 0.0 {
            served.effective_eligible / served.eligible
        } else {
            0.0
        };
        let qb = if served.beyond > 0.0 {
            served.effective_beyond / served.beyond
        } else {
            0.0
        };
        let track = self.reach_tracked;
        let mut served_total = self.served_total;
        let d = self.ring.len();
        let mut i = self.head;
        for age in 0..d {
            let co = &mut self.ring[i];
            i = if i == 0 { d - 1 } else { i - 1 };
            for k in 0..NCAT {
                let s = if age < windows[k] {
                    let s = co.waiting[k] * fe;
                    co.effective += s * qe;
                    s
                } else {
                    let s = co.waiting[k] * fb;
                    co.effective_late += s * qb;
                    s
                };
                co.waiting[k] -= s;
                served_total += s;
                if track {
                    let reach = if co.users[k] > 0.0 {
                        (s * per_hour / co.users[k]).min(1.0)
                    } else {
                        0.0
                    };
                    co.missed[k][slot] = 1.0 - reach;
                }
            }
        }
        self.served_total = served_total;
    }

    /// Clients reached at least once in the last twelve months (unique clients in a year, as
    /// IRCC counts them): over cohorts and categories, clients × (1 − ∏ months (1 − reach)).
    /// Cohorts that left the followed window are no longer counted.
    pub fn unique_clients(&self) -> f64 {
        self.unique_clients_by_category().iter().sum()
    }

    /// [`Cohorts::unique_clients`] by immigration category ([`CATEGORIES`](super::config::CATEGORIES) order).
    pub fn unique_clients_by_category(&self) -> [f64; NCAT] {
        let mut out = [0.0; NCAT];
        for co in &self.ring {
            for (k, o) in out.iter_mut().enumerate() {
                *o += co.users[k] * (1.0 - co.missed[k].iter().product::<f64>());
            }
        }
        out
    }

    /// Long-term integration of the cohort that left the followed window this month (§7.2):
    /// the integration index.
    pub fn integration_index(&self) -> f64 {
        self.exit_integration
    }

    /// Every followed cohort, in ring order (the host community's receptivity reaches them
    /// all, §7.32).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Cohort> {
        self.ring.iter_mut()
    }

    /// Need hours waiting.
    pub fn waiting(&self) -> f64 {
        self.waiting_by_category().iter().sum()
    }

    /// Need hours waiting by immigration category ([`CATEGORIES`](super::config::CATEGORIES) order).
    pub fn waiting_by_category(&self) -> [f64; NCAT] {
        let mut out = [0.0; NCAT];
        for co in &self.ring {
            for (k, o) in out.iter_mut().enumerate() {
                *o += co.waiting[k];
            }
        }
        out
    }
}

/// A client's need by month since arrival: a share `first` of it in the arrival month, each
/// later month `ratio` times the one before (`ratio` = 2^(−1 / need_halflife_months)), over
/// `need_duration_months` months; the shares sum to 1.
#[derive(Debug, Clone, Copy)]
pub struct NeedProfile {
    /// share of the need that arises in the arrival month
    pub first: f64,
    /// ratio of one month's share to the previous month's
    pub ratio: f64,
    months: usize,
}

impl NeedProfile {
    /// The profile of `c`.
    pub fn new(c: &NewcomersCfg) -> NeedProfile {
        let d = c.need_duration_months as usize;
        let ratio = 0.5f64.powf(1.0 / c.need_halflife_months.max(1e-9));
        let total = if ratio < 1.0 {
            (1.0 - ratio.powi(d as i32)) / (1.0 - ratio)
        } else {
            d as f64
        };
        NeedProfile {
            first: 1.0 / total,
            ratio,
            months: d,
        }
    }

    /// Share of the need that arises in the first `months` months (ages 0 to months − 1).
    pub fn cumulative(&self, months: usize) -> f64 {
        self.cumulative_f(months.min(self.months) as f64)
    }

    /// [`NeedProfile::cumulative`] for a fractional number of months (0 below 0).
    pub fn cumulative_f(&self, months: f64) -> f64 {
        let m = months.clamp(0.0, self.months as f64);
        if self.ratio < 1.0 {
            self.first * (1.0 - self.ratio.powf(m)) / (1.0 - self.ratio)
        } else {
            self.first * m
        }
    }
}

/// Long-term integration of a cohort that has been followed for its whole need: saturating in
/// the effective hours it received per person, with hours after the eligibility window
/// weighted by `long_term_service_weight` (integration is a long-term process, MLH 6.1, 6.3),
/// plus the host community's side, `host` (a two-way street, MLH 6; §7.32; 0 when
/// `community.integration_weight` is 0, which leaves the service-only index unchanged).
pub fn long_term_integration(co: &Cohort, c: &NewcomersCfg) -> f64 {
    let users = co.users_total();
    if users <= 0.0 {
        return 0.0;
    }
    let hours = co.effective + c.long_term_service_weight * co.effective_late;
    1.0 - (-(hours / (users * c.integration_hours_scale) + co.host)).exp()
}

/// One ISO's service offer for the month.
#[derive(Debug, Clone, Copy, Default)]
pub struct Offer {
    /// effective service hours available
    pub hours: f64,
    /// share of hours that may serve only eligible need (restricted money)
    pub restricted_share: f64,
    /// share of unrestricted hours aimed first at need beyond the window
    pub holistic_share: f64,
    /// share of the region's newcomers who come to this ISO
    pub catchment: f64,
    /// effectiveness of an hour at this ISO's chosen depth (0-1)
    pub effectiveness: f64,
}

/// What was served in the month, region-wide.
#[derive(Debug, Clone, Copy, Default)]
pub struct Served {
    /// hours served inside the window
    pub eligible: f64,
    /// hours served beyond the window
    pub beyond: f64,
    /// effective hours inside the window
    pub effective_eligible: f64,
    /// effective hours beyond the window
    pub effective_beyond: f64,
}

/// One ISO's own allocation: what it served of its catchment's need and what it has left.
#[derive(Debug, Clone, Copy, Default)]
pub struct Alloc {
    /// hours served inside the window
    pub eligible: f64,
    /// hours served beyond the window
    pub beyond: f64,
    /// need of the catchment inside the window
    pub need_eligible: f64,
    /// need of the catchment beyond the window
    pub need_beyond: f64,
    /// restricted hours left unused (may serve eligible need only)
    pub restricted_left: f64,
    /// unrestricted hours left unused
    pub unrestricted_left: f64,
}

fn allocate_one(o: &Offer, pools: NeedPools) -> Alloc {
    let r = o.hours * o.restricted_share;
    let u = o.hours - r;
    let de = o.catchment * pools.eligible;
    let db = o.catchment * pools.beyond;
    let ub = (u * o.holistic_share).min(db);
    let u1 = u - ub;
    let se = (r + u1).min(de);
    let from_u = (se - r).max(0.0);
    let left_u = u1 - from_u;
    let extra_b = left_u.min(db - ub).max(0.0);
    let sb = ub + extra_b;
    Alloc {
        eligible: se,
        beyond: sb,
        need_eligible: de,
        need_beyond: db,
        restricted_left: (r - se.min(r)).max(0.0),
        unrestricted_left: (left_u - extra_b).max(0.0),
    }
}

/// Allocates each ISO's hours to the need of its catchment: restricted hours to eligible
/// need only; unrestricted hours first (holistic share) to need beyond the window, then to
/// eligible need, then any remainder beyond. Writes each ISO's served hours into `served_out`.
pub fn allocate_service(offers: &[Offer], pools: NeedPools, served_out: &mut [f64]) -> Served {
    allocate_into(offers, pools, served_out, None)
}

/// [`allocate_service`], also keeping each ISO's [`Alloc`] (for referrals) in `allocs`.
pub fn allocate_into(
    offers: &[Offer],
    pools: NeedPools,
    served_out: &mut [f64],
    mut allocs: Option<&mut [Alloc]>,
) -> Served {
    let mut tot = Served::default();
    for (k, (o, out)) in offers.iter().zip(served_out.iter_mut()).enumerate() {
        if o.hours <= 0.0 || o.catchment <= 0.0 {
            *out = 0.0;
            if let Some(a) = allocs.as_deref_mut() {
                a[k] = Alloc {
                    need_eligible: o.catchment.max(0.0) * pools.eligible,
                    need_beyond: o.catchment.max(0.0) * pools.beyond,
                    ..Alloc::default()
                };
            }
            continue;
        }
        let a = allocate_one(o, pools);
        let (se, sb) = (a.eligible, a.beyond);
        tot.eligible += se;
        tot.beyond += sb;
        tot.effective_eligible += se * o.effectiveness;
        tot.effective_beyond += sb * o.effectiveness;
        *out = se + sb;
        if let Some(al) = allocs.as_deref_mut() {
            al[k] = a;
        }
    }
    tot
}

/// Referrals within one partnership (GA: operational and collaborative partnerships deliver
/// services jointly): a share `intensity` of the need its `members` left unmet in their own
/// catchments is served by members with hours left, restricted hours on eligible need only.
/// Donors serve in proportion to their spare hours, at their own effectiveness; their served
/// hours (`served_out`) and the region's totals (`tot`) grow by what they serve, never by more
/// than their spare hours. The need served and the hours used are taken out of `allocs`, so a
/// later referral (an ISO in a main and a sub-partnership) sees only what is left. Returns the
/// hours referred.
pub fn refer(
    offers: &[Offer],
    allocs: &mut [Alloc],
    members: &[usize],
    intensity: f64,
    served_out: &mut [f64],
    tot: &mut Served,
) -> f64 {
    let k = intensity.clamp(0.0, 1.0);
    if k <= 0.0 || members.len() < 2 {
        return 0.0;
    }
    let (mut need_e, mut need_b, mut spare_r, mut spare_u) = (0.0, 0.0, 0.0, 0.0);
    for &i in members {
        let a = &allocs[i];
        need_e += k * (a.need_eligible - a.eligible).max(0.0);
        need_b += k * (a.need_beyond - a.beyond).max(0.0);
        spare_r += a.restricted_left;
        spare_u += a.unrestricted_left;
    }
    let xe_r = need_e.min(spare_r);
    let xe_u = (need_e - xe_r).min(spare_u);
    let xb = need_b.min(spare_u - xe_u).max(0.0);
    let fr = if spare_r > 0.0 { xe_r / spare_r } else { 0.0 };
    let fu_e = if spare_u > 0.0 { xe_u / spare_u } else { 0.0 };
    let fu_b = if spare_u > 0.0 { xb / spare_u } else { 0.0 };
    // share of each member's referred need that was served
    let se = if need_e > 0.0 {
        (xe_r + xe_u) / need_e
    } else {
        0.0
    };
    let sb = if need_b > 0.0 { xb / need_b } else { 0.0 };
    let mut moved = 0.0;
    for &i in members {
        let a = &mut allocs[i];
        let e = fr * a.restricted_left + fu_e * a.unrestricted_left;
        let b = fu_b * a.unrestricted_left;
        let eff = offers[i].effectiveness;
        tot.eligible += e;
        tot.beyond += b;
        tot.effective_eligible += e * eff;
        tot.effective_beyond += b * eff;
        served_out[i] += e + b;
        moved += e + b;
        a.need_eligible -= se * k * (a.need_eligible - a.eligible).max(0.0);
        a.need_beyond -= sb * k * (a.need_beyond - a.beyond).max(0.0);
        a.restricted_left = (a.restricted_left * (1.0 - fr)).max(0.0);
        a.unrestricted_left = (a.unrestricted_left * (1.0 - fu_e - fu_b)).max(0.0);
    }
    moved
}

/// Arrivals in reported month `t` (negative during the warm-up) before noise, surges and
/// timeline events: `arrivals_per_month` at month 0, growing at the trend.
pub fn trend_arrivals(cfg: &Config, t: i64) -> f64 {
    let c = &cfg.newcomers;
    c.arrivals_per_month
        * (1.0 + c.arrival_trend_per_year)
            .max(0.0)
            .powf(t as f64 / 12.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> NewcomersCfg {
        Config::default().newcomers
    }

    #[test]
    fn persons_are_conserved() {
        let c = cfg();
        let mut co = Cohorts::new(&c, c.arrivals_per_month);
        for t in 0..200 {
            co.advance(&c, 100.0 + t as f64);
            let followed = co.persons();
            assert!((co.persons_in - co.persons_out - followed).abs() < 1e-6 * co.persons_in);
        }
    }

    #[test]
    fn no_service_means_need_waits_or_is_abandoned() {
        let c = cfg();
        let mut co = Cohorts::new(&c, c.arrivals_per_month);
        for _ in 0..100 {
            let p = co.advance(&c, 500.0);
            co.serve(&c, p, Served::default(), 0.0, 0);
        }
        assert_eq!(co.served_total, 0.0);
        let balance = co.need_total - co.abandoned_total - co.waiting();
        assert!(balance.abs() < 1e-6 * co.need_total, "{balance}");
    }

    #[test]
    fn restricted_hours_never_serve_beyond_window() {
        let offers = [Offer {
            hours: 100.0,
            restricted_share: 1.0,
            holistic_share: 1.0,
            catchment: 1.0,
            effectiveness: 1.0,
        }];
        let mut out = [0.0];
        let s = allocate_service(
            &offers,
            NeedPools {
                eligible: 0.0,
                beyond: 1000.0,
                new_need: 0.0,
            },
            &mut out,
        );
        assert_eq!(s.beyond, 0.0);
        assert_eq!(out[0], 0.0);
        let offers = [Offer {
            hours: 100.0,
            restricted_share: 0.0,
            holistic_share: 0.5,
            catchment: 1.0,
            effectiveness: 1.0,
        }];
        let s = allocate_service(
            &offers,
            NeedPools {
                eligible: 1000.0,
                beyond: 1000.0,
                new_need: 0.0,
            },
            &mut out,
        );
        assert!((s.beyond - 50.0).abs() < 1e-9 && (s.eligible - 50.0).abs() < 1e-9);
    }

    #[test]
    fn service_is_capped_by_catchment_need() {
        let offers = [Offer {
            hours: 1000.0,
            restricted_share: 0.5,
            holistic_share: 0.5,
            catchment: 0.5,
            effectiveness: 0.5,
        }];
        let mut out = [0.0];
        let s = allocate_service(
            &offers,
            NeedPools {
                eligible: 100.0,
                beyond: 100.0,
                new_need: 0.0,
            },
            &mut out,
        );
        assert!((s.eligible - 50.0).abs() < 1e-9 && (s.beyond - 50.0).abs() < 1e-9);
        assert!((s.effective_eligible - 25.0).abs() < 1e-9);
    }

    #[test]
    fn the_need_profile_sums_to_one_and_halves_every_half_life() {
        let c = cfg();
        let p = NeedProfile::new(&c);
        let d = c.need_duration_months as usize;
        let mut w = p.first;
        let mut sum = 0.0;
        for _ in 0..d {
            sum += w;
            w *= p.ratio;
        }
        assert!((sum - 1.0).abs() < 1e-12, "{sum}");
        assert!((p.cumulative(d) - 1.0).abs() < 1e-12);
        let h = c.need_halflife_months;
        assert!((p.ratio.powf(h) - 0.5).abs() < 1e-12);
        assert!(
            p.cumulative(12) > 12.0 / d as f64,
            "need must be front-loaded"
        );
    }

    #[test]
    fn unique_clients_never_exceed_clients_and_grow_with_client_months() {
        let c = cfg();
        let reached = |clients: f64| {
            let mut co = Cohorts::new(&c, c.arrivals_per_month);
            for t in 0..24 {
                let p = co.advance(&c, c.arrivals_per_month);
                let served = Served {
                    eligible: 0.5 * p.eligible,
                    beyond: 0.5 * p.beyond,
                    effective_eligible: 0.5 * p.eligible,
                    effective_beyond: 0.5 * p.beyond,
                };
                co.serve(&c, p, served, clients, t);
            }
            let users: f64 = (0..co.len()).map(|a| co.at(a).users_total()).sum();
            (co.unique_clients(), users)
        };
        let (none, users) = reached(0.0);
        let (few, _) = reached(1000.0);
        let (many, _) = reached(100_000.0);
        assert_eq!(none, 0.0);
        assert!(
            0.0 < few && few < many && many <= users + 1e-9,
            "{few} {many} {users}"
        );
    }

    #[test]
    fn no_arrivals_no_need() {
        let mut c = cfg();
        c.arrivals_per_month = 0.0;
        let mut co = Cohorts::new(&c, c.arrivals_per_month);
        let p = co.advance(&c, 0.0);
        assert_eq!(p.eligible + p.beyond, 0.0);
    }
}
