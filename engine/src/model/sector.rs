//! A sector with a voice: an umbrella body of the region's ISOs (MLH 6; ODD §7.31).
//!
//! Umbrella associations (OCASI in Ontario, AAISA in Alberta) exist "to act as a collective voice
//! for the immigrant serving sector", yet the sector "has historically lacked a common voice and
//! unified representation" (MLH). This submodel gives the region one umbrella body whose voice is
//! a public good:
//!
//! - **Membership** (each April, step 3c): every operating ISO weighs what membership costs it —
//!   dues (`sector.dues_share` of its monthly revenue) and the staff hours meetings and
//!   consultations take (`sector.member_hours_per_month`, at the full cost of an hour) — against
//!   what it expects: the selective benefits only members get (`sector.selective_benefit_hours`
//!   times the body's staff factor) and its own contribution to the voice, valued at the cuts
//!   that contribution would avert. A self-interested ISO counts only its own expected losses; an
//!   ISO counts the whole sector's in proportion to its mission weight. Since the voice softens
//!   every ISO's cuts, member or not, and one ISO moves it little, **free-riding is the default**:
//!   only mission and selective benefits bring members in, which is why the voice stays weak.
//! - **Influence** (every month): `coverage · unity · staff / (staff + policy_staff_half)`, where
//!   coverage is the members' share of the region's newcomers (catchments), unity is one less
//!   twice the (catchment-weighted) standard deviation of members' service models (`deep_share`:
//!   a sector split between deep case management and volume speaks with a weaker voice), and the
//!   policy staff are paid by dues (dues income / the cost of a staff member) and a funder grant
//!   (`sector.grant_policy_staff`).
//! - **Effect** (step 2 of the next month): a government funder's policy-shock cut is applied at
//!   `shock_cut_share · (1 − cut_softening_share · influence)`. [`Model::sector_voice`] exposes
//!   influence for funders' other decisions.
//!
//! Members pay their dues as a cost in step 8 and spend their hours as administration in step 6.
//! Everything is deterministic: the submodel draws no random numbers. Switched off, it clears its
//! state and changes nothing else (every hook adds exact zeros or multiplies by exactly one).

use super::config::{Config, SectorCfg};
use super::{ratio, Model, NF};

/// Government funders (federal, provincial, municipal): the voice speaks to governments.
const GOVERNMENTS: usize = 3;

/// The umbrella body and its members.
#[derive(Debug, Clone, Default)]
pub struct Umbrella {
    /// ISO `i` is a member
    pub member: Vec<bool>,
    /// dues ISO `i` pays per month (CAD; 0 when not a member), set each April
    pub dues: Vec<f64>,
    /// staff hours membership takes from ISO `i` this month (0 when not a member)
    pub hours: Vec<f64>,
    /// dues income per month (CAD)
    pub dues_income: f64,
    /// policy staff (FTE): dues income / the cost of a staff member, plus the grant's
    pub staff: f64,
    /// members' share of the region's newcomers (catchment-weighted membership, 0-1)
    pub coverage: f64,
    /// members' share of operating ISOs (0-1)
    pub membership_share: f64,
    /// unity of members' positions (0-1)
    pub unity: f64,
    /// influence (0-1)
    pub influence: f64,
}

/// Sums over a set of members from which coverage, unity and dues follow, so that one ISO can
/// be added or taken away in constant time.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    /// catchment
    w: f64,
    /// catchment · deep share
    wd: f64,
    /// catchment · deep share²
    wdd: f64,
    /// dues per month
    dues: f64,
}

impl Tally {
    /// The tally with one ISO (catchment `w`, deep share `d`, dues `dues`) added (`sign` 1) or
    /// taken away (`sign` −1).
    fn with(self, sign: f64, w: f64, d: f64, dues: f64) -> Tally {
        Tally {
            w: self.w + sign * w,
            wd: self.wd + sign * w * d,
            wdd: self.wdd + sign * w * d * d,
            dues: self.dues + sign * dues,
        }
    }

    /// Unity: one less twice the catchment-weighted standard deviation of the members' deep
    /// shares (a share's standard deviation is at most one half), 0 without members.
    fn unity(self) -> f64 {
        if self.w <= 1e-12 {
            return 0.0;
        }
        let mean = self.wd / self.w;
        let var = (self.wdd / self.w - mean * mean).max(0.0);
        (1.0 - 2.0 * var.sqrt()).clamp(0.0, 1.0)
    }
}

/// Policy staff (FTE) that `dues` per month pay at `staff_cost` each, plus the grant's.
fn policy_staff(sc: &SectorCfg, dues: f64, staff_cost: f64) -> f64 {
    ratio(dues, staff_cost) + sc.grant_policy_staff
}

/// The staff factor of influence, `staff / (staff + policy_staff_half)`.
fn staff_factor(sc: &SectorCfg, staff: f64) -> f64 {
    staff / (staff + sc.policy_staff_half)
}

/// Influence of a membership tallied in `t` when operating ISOs' catchments sum to `total_w`.
fn influence(sc: &SectorCfg, t: Tally, total_w: f64, staff_cost: f64) -> f64 {
    let coverage = ratio(t.w, total_w).clamp(0.0, 1.0);
    let staff = policy_staff(sc, t.dues.max(0.0), staff_cost);
    (coverage * t.unity() * staff_factor(sc, staff)).clamp(0.0, 1.0)
}

/// Cost of a staff member per month, and of one staff hour (wage and non-staff overhead).
fn staff_costs(cfg: &Config) -> (f64, f64) {
    let ic = &cfg.iso;
    let per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
    (per_staff, per_staff / ic.hours_per_staff_month)
}

/// One ISO as its membership decision sees it.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    /// catchment
    pub catchment: f64,
    /// deep share of its service model
    pub deep_share: f64,
    /// mission weight (0-1)
    pub mission: f64,
    /// dues it would pay per month
    pub dues: f64,
    /// expected government money per month a year of policy shocks would cut from it
    pub exposure: f64,
}

/// ODD §7.31 membership rule: whether candidate `c` joins (or stays in) the body whose other
/// members are tallied in `others` (without `c`), when operating ISOs' catchments sum to
/// `total_w` and their exposures to `total_exposure`. It joins when
///
/// `hour · selective_hours · S(staff with it) + s · ΔI · ((1 − m) · exposure + m · total_exposure)`
/// `≥ dues + hour · member_hours`,
///
/// with `ΔI` the influence with it less the influence without it.
fn joins(cfg: &Config, c: &Candidate, others: Tally, total_w: f64, total_exposure: f64) -> bool {
    let sc = &cfg.sector;
    let (staff_cost, hour) = staff_costs(cfg);
    let with = others.with(1.0, c.catchment, c.deep_share, c.dues);
    let gain =
        influence(sc, with, total_w, staff_cost) - influence(sc, others, total_w, staff_cost);
    let staff_with = policy_staff(sc, with.dues, staff_cost);
    let selective = hour * sc.selective_benefit_hours * staff_factor(sc, staff_with);
    let stake = (1.0 - c.mission) * c.exposure + c.mission * total_exposure;
    let public = sc.cut_softening_share * gain.max(0.0) * stake;
    selective + public >= c.dues + hour * sc.member_hours_per_month
}

impl Umbrella {
    /// An umbrella body without members, for `n` ISOs.
    pub fn new(n: usize) -> Umbrella {
        Umbrella {
            member: vec![false; n],
            dues: vec![0.0; n],
            hours: vec![0.0; n],
            ..Umbrella::default()
        }
    }

    /// Every ISO leaves and the body falls silent (the submodel is off).
    fn clear(&mut self) {
        let n = self.member.len();
        *self = Umbrella::new(n);
    }

    /// The members tallied (catchments, deep shares and dues as they stand now).
    fn tally(&self, isos: &[super::Iso]) -> Tally {
        let mut t = Tally::default();
        for (i, iso) in isos.iter().enumerate() {
            if self.member[i] && iso.alive {
                t = t.with(1.0, iso.catchment, iso.deep_share, self.dues[i]);
            }
        }
        t
    }
}

impl Model<'_> {
    /// Influence of the sector's common voice (0-1): 0 without an umbrella body or members, at
    /// most 1 (every newcomer's ISO a member, members of one service model, a large policy staff).
    ///
    /// Meant for funders' decisions (ODD §7.31): at a policy shock a government funder cuts
    /// `shock_cut_share · (1 − sector.cut_softening_share · sector_voice())`. A funder choosing
    /// its terms may weigh it as the sector's bargaining power. It is the value computed at the
    /// end of step 3c of the last month stepped, so step 2 of a month reads the previous month's.
    pub fn sector_voice(&self) -> f64 {
        self.sector.influence
    }

    /// The umbrella body, its members and its influence.
    pub fn umbrella(&self) -> &Umbrella {
        &self.sector
    }

    /// Step 2 hook (ODD §7.31): the factor on government funder `f`'s policy-shock cut share,
    /// `1 − cut_softening_share · influence` (exactly 1 without a voice and for the foundation).
    pub(super) fn cut_softening(&self, f: usize) -> f64 {
        if f < GOVERNMENTS && self.cfg.sector.umbrella_enabled {
            1.0 - self.cfg.sector.cut_softening_share * self.sector.influence
        } else {
            1.0
        }
    }

    /// Step 3c (ODD §7.31): in April, every operating ISO decides to join or stay; every month,
    /// closed ISOs leave, and dues income, policy staff, coverage, unity, influence and members'
    /// hours are set.
    pub(super) fn sector_stage(&mut self) {
        let cfg = std::sync::Arc::clone(&self.cfg);
        if !cfg.sector.umbrella_enabled {
            if self.sector.member.iter().any(|&m| m) || self.sector.influence != 0.0 {
                self.sector.clear();
            }
            return;
        }
        for (i, iso) in self.isos.iter().enumerate() {
            if !iso.alive {
                self.sector.member[i] = false;
                self.sector.dues[i] = 0.0;
            }
        }
        if self.calendar() == 3 {
            self.membership_decisions(&cfg);
        }
        self.sector_state(&cfg);
    }

    /// ODD §7.31 exposure of ISO `i`: the expected government money per month a year of policy
    /// shocks would cut, `Σ_gov shock_probability_per_year · shock_cut_share · monthly`.
    fn exposure(&self, cfg: &Config, i: usize) -> f64 {
        (0..GOVERNMENTS.min(NF))
            .filter(|&f| cfg.funders[f].enabled && self.rels[i][f].has_contract)
            .map(|f| {
                let fc = &cfg.funders[f];
                fc.shock_probability_per_year * fc.shock_cut_share * self.rels[i][f].monthly
            })
            .sum()
    }

    /// ODD §7.31 April decisions, simultaneous: each operating ISO decides against the others'
    /// membership as it stands before the decisions, at this year's dues.
    fn membership_decisions(&mut self, cfg: &Config) {
        let sc = &cfg.sector;
        let n = self.isos.len();
        let mut candidates = Vec::with_capacity(n);
        for i in 0..n {
            let iso = &self.isos[i];
            // the monthly value of its agreements in force, plus last month's donations and fees
            let agreements: f64 = self.rels[i]
                .iter()
                .filter(|r| r.has_contract)
                .map(|r| r.monthly)
                .sum();
            let revenue = agreements + iso.donations;
            candidates.push(Candidate {
                catchment: iso.catchment,
                deep_share: iso.deep_share,
                mission: iso.mission,
                dues: sc.dues_share * revenue.max(0.0),
                exposure: self.exposure(cfg, i),
            });
        }
        // this year's dues for the members as they stand
        for i in 0..n {
            if self.sector.member[i] {
                self.sector.dues[i] = candidates[i].dues;
            }
        }
        let all = self.sector.tally(&self.isos);
        let (mut total_w, mut total_exposure) = (0.0, 0.0);
        for (iso, c) in self.isos.iter().zip(&candidates) {
            if iso.alive {
                total_w += iso.catchment;
                total_exposure += c.exposure;
            }
        }
        let mut decided = vec![false; n];
        for i in 0..n {
            if !self.isos[i].alive {
                continue;
            }
            let c = &candidates[i];
            let others = if self.sector.member[i] {
                all.with(-1.0, c.catchment, c.deep_share, c.dues)
            } else {
                all
            };
            decided[i] = joins(cfg, c, others, total_w, total_exposure);
        }
        for i in 0..n {
            self.sector.member[i] = decided[i];
            self.sector.dues[i] = if decided[i] { candidates[i].dues } else { 0.0 };
        }
    }

    /// Step 10 (ODD §7.24, §7.31): membership share, influence and members' hours.
    pub(super) fn sector_metrics(&self, rec: &mut crate::metrics::MonthRecord) {
        use crate::metrics::M;
        let u = &self.sector;
        rec[M::UmbrellaMembershipShare as usize] = u.membership_share;
        rec[M::SectorVoice as usize] = u.influence;
        rec[M::UmbrellaMemberHours as usize] = self
            .isos
            .iter()
            .zip(&u.hours)
            .filter(|(iso, _)| iso.alive)
            .map(|(_, &h)| h)
            .sum();
    }

    /// ODD §7.31 monthly state: dues income, policy staff, coverage, membership share, unity,
    /// influence and members' hours.
    fn sector_state(&mut self, cfg: &Config) {
        let sc = &cfg.sector;
        let (staff_cost, _) = staff_costs(cfg);
        let t = self.sector.tally(&self.isos);
        let (mut total_w, mut alive, mut members) = (0.0, 0.0, 0.0);
        for (i, iso) in self.isos.iter().enumerate() {
            if iso.alive {
                total_w += iso.catchment;
                alive += 1.0;
                if self.sector.member[i] {
                    members += 1.0;
                }
            }
        }
        let u = &mut self.sector;
        u.dues_income = t.dues;
        u.staff = policy_staff(sc, t.dues, staff_cost);
        u.coverage = ratio(t.w, total_w).clamp(0.0, 1.0);
        u.membership_share = ratio(members, alive);
        u.unity = t.unity();
        u.influence = influence(sc, t, total_w, staff_cost);
        for (h, &m) in u.hours.iter_mut().zip(&u.member) {
            *h = if m { sc.member_hours_per_month } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(mission: f64) -> Candidate {
        Candidate {
            catchment: 0.025,
            deep_share: 0.5,
            mission,
            dues: 70.0,
            exposure: 2800.0,
        }
    }

    /// The voice softens government cuts only, and falls silent when the body is switched off.
    #[test]
    fn the_voice_softens_government_cuts_and_falls_silent_when_off() {
        let mut cfg = Config::default();
        cfg.simulation.isos = 12;
        cfg.simulation.warmup_months = 0;
        cfg.simulation.duration_months = 14;
        cfg.sector.umbrella_enabled = true;
        let mut m = Model::new(&cfg, 7, 0);
        // month 0 is April: the first decisions
        m.step();
        let v = m.sector_voice();
        assert!(v > 0.0 && v <= 1.0, "voice {v}");
        assert!(m.umbrella().member.iter().any(|&x| x));
        let softened = 1.0 - cfg.sector.cut_softening_share * v;
        assert!((m.cut_softening(0) - softened).abs() < 1e-12);
        assert_eq!(m.cut_softening(NF - 1), 1.0, "the foundation's cuts stand");
        let mut off = (*m.cfg).clone();
        off.sector.umbrella_enabled = false;
        m.reconfigure(std::sync::Arc::new(off));
        m.step();
        assert_eq!(m.sector_voice(), 0.0);
        assert!(m.umbrella().member.iter().all(|&x| !x));
        assert!(m.umbrella().dues.iter().all(|&d| d == 0.0));
        assert_eq!(m.cut_softening(0), 1.0);
    }

    #[test]
    fn unity_falls_with_the_spread_of_service_models() {
        let same = Tally::default()
            .with(1.0, 0.5, 0.4, 0.0)
            .with(1.0, 0.5, 0.4, 0.0);
        let split = Tally::default()
            .with(1.0, 0.5, 0.1, 0.0)
            .with(1.0, 0.5, 0.9, 0.0);
        assert!((same.unity() - 1.0).abs() < 1e-9);
        assert!(split.unity() < same.unity());
        assert_eq!(Tally::default().unity(), 0.0);
    }

    /// The voice is a public good: with nothing but its own exposure at stake and no selective
    /// benefits, an ISO that moves the voice by its catchment's share does not pay for it; the
    /// more it weighs the sector's newcomers (mission), the likelier it joins.
    #[test]
    fn free_riding_is_the_default_and_mission_overcomes_it() {
        let mut cfg = Config::default();
        cfg.sector.umbrella_enabled = true;
        cfg.sector.selective_benefit_hours = 0.0;
        let others = Tally::default().with(1.0, 0.3, 0.5, 500.0);
        let total_exposure = 40.0 * 2800.0;
        assert!(!joins(&cfg, &candidate(0.0), others, 1.0, total_exposure));
        let joined: Vec<bool> = [0.0, 0.25, 0.5, 0.75, 1.0]
            .iter()
            .map(|&m| joins(&cfg, &candidate(m), others, 1.0, total_exposure))
            .collect();
        // monotone in mission: once it joins, a more mission-driven ISO joins too
        assert!(joined.windows(2).all(|w| !w[0] || w[1]), "{joined:?}");
        // ablation: a voice that softens nothing is worth nothing to anyone
        cfg.sector.cut_softening_share = 0.0;
        assert!(!joins(&cfg, &candidate(1.0), others, 1.0, total_exposure));
    }
}
