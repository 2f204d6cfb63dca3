//! Local and regional partnerships among ISOs (Garcea and Ashton, "GA").
//!
//! A partnership is a group of ISOs (agents) plus non-ISO local organizations
//! counted by sector (city, health, education, police, employers, university;
//! they are not agents). It is formal or informal, has a funded secretariat or
//! not, an alignment of functions (consultative < contributory < operational <
//! collaborative, GA Table 1 typology 5), a cohesion state and an age.
//!
//! Each month, in [`Model::partnerships_stage`] (schedule step 3b, after officers
//! and before calls):
//!
//! 1. closed ISOs leave their partnership;
//! 2. *operation* (GA's operation factors): a champion may leave or be found;
//!    cohesion moves towards the mean of shared vision and leadership (a champion),
//!    trust (members' mean familiarity), structures and roles (formal), resources
//!    (a funded secretariat) and recognition (last month's benefits against meeting
//!    hours), plus noise; alignment moves up or down a level with cohesion; a
//!    partnership dissolves when cohesion falls below its kind's threshold (lower for
//!    formal ones) or fewer than two members remain;
//! 3. *creation* (GA's creation factors): with the rate at which champions appear, a
//!    champion convenes ISOs outside any partnership; each joins with a probability
//!    set by its willingness, the mean of recognition of need (perceived unmet need),
//!    interpersonal relations (familiarity), capacity (spare administrative hours and
//!    reserves) and the absence of risk (overdraft), less the expected meeting cost and,
//!    for a formal agreement, a hurdle. Two or more joiners form a partnership. In other
//!    months ISOs may join an open-membership partnership;
//! 4. the month's effects per member are set: meeting hours (administration),
//!    coordinated reporting and shared professional development (alignment at least
//!    contributory), joint proposals (at least operational). Referrals act at service
//!    (step 7) through [`super::newcomers::refer`].
//!
//! The stream (entity [`super::rng::ENTITY_PARTNERSHIPS`]) draws a fixed number of
//! uniforms per month ([`Partnerships::draws_per_month`]) and nothing when the
//! submodel is off, so other streams never shift.

use super::config::{Config, PartnershipCfg};
use super::newcomers::{refer, Alloc, Served};
use super::{rate_prob, ratio, rng, Model};
use crate::metrics::{MonthRecord, M};
use crate::params::ALIGNMENTS;
use rng::ChaCha8Rng;

/// Most partnerships operating at once (each has its own slot of monthly uniforms).
pub const MAX_ALIVE: usize = 16;

/// Non-ISO sectors, in the order `partnerships.other_sectors` takes them.
pub const SECTORS: [&str; 6] = [
    "city",
    "health",
    "education",
    "police",
    "employers",
    "university",
];

/// Whether each sector of [`SECTORS`] is governmental (GA Table 1, typology 4).
pub const GOVERNMENTAL: [bool; 6] = [true, true, true, true, false, false];

/// One local partnership.
#[derive(Debug, Clone, Default)]
pub struct Partnership {
    /// index in formation order
    pub id: usize,
    /// current member ISOs (indices)
    pub members: Vec<usize>,
    /// every ISO that was ever a member
    pub ever_members: Vec<usize>,
    /// non-ISO organizations at the table, per sector of [`SECTORS`]
    pub other_orgs: [u32; 6],
    /// formal (written agreement, council, roles) rather than informal
    pub formal: bool,
    /// funded secretariat
    pub secretariat: bool,
    /// open membership
    pub open: bool,
    /// alignment of functions, 1 consultative … 4 collaborative
    pub alignment: u8,
    /// highest alignment reached
    pub alignment_max_reached: u8,
    /// cohesion (0-1)
    pub cohesion: f64,
    /// a champion leads it
    pub champion: bool,
    /// month formed
    pub formed_month: u32,
    /// month dissolved, if it did
    pub dissolved_month: Option<u32>,
    /// month of the last change of alignment (or formation)
    pub alignment_changed: u32,
    /// months operating
    pub months: u32,
    /// sum of monthly cohesion (for the mean)
    pub cohesion_sum: f64,
    /// need hours served through referrals, cumulative
    pub referral_hours: f64,
    /// reporting hours members saved, cumulative
    pub reporting_hours_saved: f64,
    /// proposal hours members saved, cumulative
    pub proposal_hours_saved: f64,
    /// meeting hours of members, cumulative
    pub meeting_hours: f64,
    /// member-months, cumulative
    pub member_months: f64,
    benefit_month: f64,
    meeting_month: f64,
}

impl Partnership {
    /// Operating (not dissolved).
    pub fn alive(&self) -> bool {
        self.dissolved_month.is_none()
    }

    /// Alignment as a word (GA Table 1, typology 5).
    pub fn alignment_name(&self) -> &'static str {
        ALIGNMENTS[(self.alignment.clamp(1, 4) - 1) as usize]
    }

    /// Sectors at the table, the ISOs' nonprofit settlement sector included.
    pub fn sectors(&self) -> usize {
        1 + self.other_orgs.iter().filter(|&&n| n > 0).count()
    }

    /// Partners at the table: member ISOs and other organizations.
    pub fn partners(&self) -> usize {
        self.members.len() + self.other_orgs.iter().map(|&n| n as usize).sum::<usize>()
    }

    /// GA's five typologies: geographic area, number of sectors, number of partners,
    /// types of partners, alignment.
    pub fn typology(&self) -> [&'static str; 5] {
        let sectors = match self.sectors() {
            1 => "single-sector",
            2 => "dual-sector",
            _ => "multi-sector",
        };
        let partners = match self.partners() {
            0..=2 => "bipartite",
            3 => "tripartite",
            _ => "multipartite",
        };
        let gov = self
            .other_orgs
            .iter()
            .zip(GOVERNMENTAL)
            .any(|(&n, g)| n > 0 && g);
        let types = if gov {
            "governmental/non-governmental"
        } else {
            "non-governmental"
        };
        ["regional", sectors, partners, types, self.alignment_name()]
    }

    /// Mean cohesion over the months it operated.
    pub fn cohesion_mean(&self) -> f64 {
        if self.months > 0 {
            self.cohesion_sum / f64::from(self.months)
        } else {
            self.cohesion
        }
    }
}

/// Meeting hours per member per month of a partnership of this kind and alignment.
pub fn meeting_hours(pc: &PartnershipCfg, formal: bool, alignment: u8, secretariat: bool) -> f64 {
    let base = if formal {
        pc.meeting_hours_formal
    } else {
        pc.meeting_hours_informal
    };
    let step = 1.0 + pc.meeting_alignment_step_share * f64::from(alignment.max(1) - 1);
    let sec = if secretariat {
        1.0 - pc.secretariat_meeting_saving_share
    } else {
        1.0
    };
    base * step * sec
}

/// Creation factors of one ISO, each 0-1 (GA).
#[derive(Debug, Clone, Copy)]
pub struct CreationFactors {
    /// recognition of need
    pub recognition: f64,
    /// interpersonal relations
    pub relations: f64,
    /// capacity (spare administrative hours, reserves)
    pub capacity: f64,
    /// risk (financial stress)
    pub risk: f64,
    /// expected meeting hours per month
    pub meeting_hours: f64,
}

/// An ISO's willingness to join (0-1): the organizational calculation of goals, capacity and
/// risk against the expected meeting cost; formal agreements need `formal_hurdle` more.
pub fn willingness(pc: &PartnershipCfg, f: CreationFactors, formal: bool) -> f64 {
    let appeal = (f.recognition + f.relations + f.capacity + (1.0 - f.risk)) / 4.0;
    let cost = f.meeting_hours / pc.tolerable_meeting_hours.max(1e-9);
    let hurdle = if formal { pc.formal_hurdle } else { 0.0 };
    (appeal - cost - hurdle).clamp(0.0, 1.0)
}

/// Level cohesion moves towards, from the operation factors (each 0-1, equal weights):
/// shared vision and leadership, trust, structures, roles, resources, recognition.
pub fn cohesion_target(
    champion: bool,
    trust: f64,
    formal: bool,
    secretariat: bool,
    recognition: f64,
) -> f64 {
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    (b(champion) + trust + 2.0 * b(formal) + b(secretariat) + recognition.clamp(0.0, 1.0)) / 6.0
}

/// Partnership state of one replication and the month's per-ISO effects.
pub struct Partnerships {
    /// every partnership formed, in formation order (dissolved ones kept)
    pub list: Vec<Partnership>,
    /// partnership each ISO belongs to
    pub member_of: Vec<Option<usize>>,
    /// each ISO's familiarity with its peers (interpersonal relations, 0-1)
    pub familiarity: Vec<f64>,
    /// perceived (smoothed) regional unmet-need share
    pub need_ema: f64,
    /// meeting hours of each ISO this month
    pub meeting: Vec<f64>,
    /// each ISO reports in coordination with its partners this month
    pub coordinated: Vec<bool>,
    /// multiplier of each ISO's learning time constant this month
    pub learning_factor: Vec<f64>,
    /// multiplier of each ISO's proposal hours this month
    pub proposal_factor: Vec<f64>,
    /// reporting hours each ISO saved this month
    pub reporting_saved: Vec<f64>,
    /// proposal hours each ISO saved this month
    pub proposal_saved: Vec<f64>,
    /// referral hours this month
    pub referral_month: f64,
    /// partnership meeting hours over the reported months
    pub meeting_total: f64,
    /// partnerships formed before the first reported month
    pub formed_before: usize,
    /// reporting hours members saved this month
    saved_month: f64,
    /// members' meeting hours this month
    meeting_month: f64,
    allocs: Vec<Alloc>,
    rng: ChaCha8Rng,
    u: Vec<f64>,
}

impl Partnerships {
    /// Month-0 state for `n` ISOs.
    pub fn new(cfg: &Config, seed: u64, replication: u64, n: usize) -> Partnerships {
        let pc = &cfg.partnerships;
        Partnerships {
            list: Vec::new(),
            member_of: vec![None; n],
            familiarity: vec![pc.initial_familiarity; n],
            need_ema: (1.0 - cfg.newcomers.initial_met_share).clamp(0.0, 1.0),
            meeting: vec![0.0; n],
            coordinated: vec![false; n],
            learning_factor: vec![1.0; n],
            proposal_factor: vec![1.0; n],
            reporting_saved: vec![0.0; n],
            proposal_saved: vec![0.0; n],
            referral_month: 0.0,
            meeting_total: 0.0,
            formed_before: 0,
            saved_month: 0.0,
            meeting_month: 0.0,
            allocs: vec![Alloc::default(); n],
            rng: rng::stream(seed, replication, rng::ENTITY_PARTNERSHIPS),
            u: Vec::with_capacity(Self::draws_per_month(n)),
        }
    }

    /// Uniforms drawn each month when the submodel is on: one for a champion convening,
    /// one per ISO (joining), two per partnership slot (champion turnover, cohesion noise).
    pub const fn draws_per_month(n: usize) -> usize {
        1 + n + 2 * MAX_ALIVE
    }

    /// At the first reported month: formation counts and meeting totals restart.
    pub fn start_reporting(&mut self) {
        self.formed_before = self.list.len();
        self.meeting_total = 0.0;
    }

    /// Partnerships operating now.
    pub fn alive(&self) -> impl Iterator<Item = &Partnership> {
        self.list.iter().filter(|p| p.alive())
    }

    /// Allocation scratch for referrals.
    pub fn allocs_mut(&mut self) -> &mut [Alloc] {
        &mut self.allocs
    }
}

impl Model<'_> {
    /// Step 3b: partnerships operate (cohesion, alignment, dissolution), form or grow, and set
    /// the month's per-member effects. Does nothing (and draws nothing) when switched off.
    pub(super) fn partnerships_stage(&mut self) {
        let cfg = std::sync::Arc::clone(&self.cfg);
        let pc = &cfg.partnerships;
        if !pc.enabled {
            return;
        }
        let t = self.t;
        let n = self.isos.len();
        let ps = &mut self.partners;
        ps.u.clear();
        for _ in 0..Partnerships::draws_per_month(n) {
            let x = rng::uniform(&mut ps.rng);
            ps.u.push(x);
        }
        let u_convene = ps.u[0];
        let u_iso = 1;
        let u_slot = 1 + n;

        // 1. Closed ISOs leave.
        for p in ps.list.iter_mut().filter(|p| p.dissolved_month.is_none()) {
            p.members.retain(|&i| self.isos[i].alive);
        }
        for i in 0..n {
            if !self.isos[i].alive {
                ps.member_of[i] = None;
            }
        }

        // 2. Operation.
        let p_gain = rate_prob(pc.champion_rate_per_year);
        let p_loss = rate_prob(pc.champion_loss_per_year);
        let mut slot = 0;
        for k in 0..ps.list.len() {
            if !ps.list[k].alive() {
                continue;
            }
            let (ua, ub) = (ps.u[u_slot + 2 * slot], ps.u[u_slot + 2 * slot + 1]);
            slot += 1;
            let trust = {
                let p = &ps.list[k];
                if p.members.is_empty() {
                    0.0
                } else {
                    p.members.iter().map(|&i| ps.familiarity[i]).sum::<f64>()
                        / p.members.len() as f64
                }
            };
            let p = &mut ps.list[k];
            if p.champion {
                if ua < p_loss {
                    p.champion = false;
                }
            } else if ua < p_gain {
                p.champion = true;
            }
            let recognition = if p.meeting_month > 0.0 {
                (p.benefit_month / p.meeting_month).min(1.0)
            } else {
                0.0
            };
            let target = cohesion_target(p.champion, trust, p.formal, p.secretariat, recognition);
            let noise = pc.cohesion_noise_sd * (ub - 0.5) * 12f64.sqrt();
            p.cohesion =
                (p.cohesion + pc.cohesion_adjust_per_month * (target - p.cohesion) + noise)
                    .clamp(0.0, 1.0);
            if t.saturating_sub(p.alignment_changed) >= pc.alignment_step_months {
                if p.cohesion > pc.alignment_up_cohesion && p.alignment < pc.max_alignment {
                    p.alignment += 1;
                    p.alignment_changed = t;
                } else if p.cohesion < pc.alignment_down_cohesion && p.alignment > 1 {
                    p.alignment -= 1;
                    p.alignment_changed = t;
                }
                p.alignment_max_reached = p.alignment_max_reached.max(p.alignment);
            }
            let threshold = if p.formal {
                pc.dissolve_cohesion_formal
            } else {
                pc.dissolve_cohesion_informal
            };
            if p.cohesion < threshold || p.members.len() < 2 {
                p.dissolved_month = Some(t);
                for &i in &p.members {
                    ps.member_of[i] = None;
                }
                p.members.clear();
            } else {
                p.months += 1;
                p.cohesion_sum += p.cohesion;
                for &i in &p.members {
                    ps.familiarity[i] += pc.familiarity_build_per_month * (1.0 - ps.familiarity[i]);
                }
            }
        }

        // 3. Creation.
        let ic = &cfg.iso;
        let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        let recognition = (ps.need_ema / pc.need_recognition_share.max(1e-9)).min(1.0);
        let m0 = meeting_hours(pc, pc.formal, pc.initial_alignment, pc.secretariat_funded);
        let alive_n = ps.list.iter().filter(|p| p.alive()).count();
        let convene = u_convene < p_gain && alive_n < MAX_ALIVE;
        // an open partnership to join: the most cohesive one
        let open_target = if convene || !pc.open_membership {
            None
        } else {
            ps.list
                .iter()
                .enumerate()
                .filter(|(_, p)| p.alive() && p.open)
                .max_by(|a, b| a.1.cohesion.total_cmp(&b.1.cohesion).then(b.0.cmp(&a.0)))
                .map(|(k, _)| k)
        };
        let mut joiners: Vec<usize> = Vec::new();
        for i in 0..n {
            if !self.isos[i].alive || ps.member_of[i].is_some() {
                continue;
            }
            let iso = &self.isos[i];
            let w = &self.work[i];
            let cost = f64::from(iso.staff.max(1)) * cost_per_staff;
            let spare = if w.admin_capacity > 0.0 {
                ((w.admin_capacity - w.admin_hours) / w.admin_capacity).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let reserves = if ic.reserve_target_months > 0.0 {
                (iso.cash.max(0.0) / (ic.reserve_target_months * cost)).min(1.0)
            } else {
                1.0
            };
            let f = CreationFactors {
                recognition,
                relations: ps.familiarity[i],
                capacity: 0.5 * (spare + reserves),
                risk: (-iso.cash / cost).clamp(0.0, 1.0),
                meeting_hours: m0,
            };
            let will = willingness(pc, f, pc.formal);
            let u = ps.u[u_iso + i];
            if convene {
                if u < pc.convene_share * will {
                    joiners.push(i);
                }
            } else if let Some(k) = open_target {
                if u < pc.open_join_share_per_month * will {
                    ps.list[k].members.push(i);
                    if !ps.list[k].ever_members.contains(&i) {
                        ps.list[k].ever_members.push(i);
                    }
                    ps.member_of[i] = Some(k);
                }
            }
        }
        if joiners.len() >= 2 {
            let id = ps.list.len();
            let mut other_orgs = [0u32; 6];
            for o in other_orgs.iter_mut().take(pc.other_sectors as usize) {
                *o = pc.orgs_per_sector;
            }
            for &i in &joiners {
                ps.member_of[i] = Some(id);
            }
            ps.list.push(Partnership {
                id,
                ever_members: joiners.clone(),
                members: joiners,
                other_orgs,
                formal: pc.formal,
                secretariat: pc.secretariat_funded,
                open: pc.open_membership,
                alignment: pc.initial_alignment.clamp(1, 4),
                alignment_max_reached: pc.initial_alignment.clamp(1, 4),
                cohesion: pc.initial_cohesion,
                champion: true,
                formed_month: t,
                alignment_changed: t,
                ..Partnership::default()
            });
        }

        // 4. The month's effects per member.
        for i in 0..n {
            ps.meeting[i] = 0.0;
            ps.coordinated[i] = false;
            ps.learning_factor[i] = 1.0;
            ps.proposal_factor[i] = 1.0;
            ps.reporting_saved[i] = 0.0;
            ps.proposal_saved[i] = 0.0;
        }
        ps.referral_month = 0.0;
        for p in ps.list.iter_mut().filter(|p| p.dissolved_month.is_none()) {
            let m = meeting_hours(pc, p.formal, p.alignment, p.secretariat);
            for &i in &p.members {
                ps.meeting[i] = m;
                ps.coordinated[i] = p.alignment >= 2;
                if p.alignment >= 2 {
                    ps.learning_factor[i] = 1.0 - pc.training_learning_share;
                }
                if p.alignment >= 3 {
                    ps.proposal_factor[i] = 1.0 - pc.joint_proposal_saving_share;
                }
            }
            p.benefit_month = 0.0;
            p.meeting_month = m * p.members.len() as f64;
        }
    }

    /// Step 7b: referrals within each operating partnership, after every ISO served its own
    /// catchment. Adds to `served` (region totals) and to each donor's served hours.
    pub(super) fn partnership_referrals(&mut self, served: &mut Served) {
        let pc = &self.cfg.partnerships;
        let ps = &mut self.partners;
        for p in ps.list.iter_mut().filter(|p| p.dissolved_month.is_none()) {
            let intensity = pc.referral_share * f64::from(p.alignment) / 4.0;
            let h = refer(
                &self.offers,
                &ps.allocs,
                &p.members,
                intensity,
                &mut self.served,
                served,
            );
            p.referral_hours += h;
            p.benefit_month += h;
            ps.referral_month += h;
        }
    }

    /// End of month (every month, warm-up included): perceived need, and members' savings and
    /// meeting hours credited to their partnerships (their benefits feed recognition).
    pub(super) fn partnership_month_end(&mut self, unmet: f64) {
        let pc = &self.cfg.partnerships;
        if !pc.enabled {
            return;
        }
        let ps = &mut self.partners;
        ps.need_ema += pc.need_smoothing_per_month * (unmet - ps.need_ema);
        ps.saved_month = 0.0;
        ps.meeting_month = 0.0;
        for p in ps.list.iter_mut().filter(|p| p.dissolved_month.is_none()) {
            for &i in &p.members {
                let (r, q, m) = (ps.reporting_saved[i], ps.proposal_saved[i], ps.meeting[i]);
                p.reporting_hours_saved += r;
                p.proposal_hours_saved += q;
                p.meeting_hours += m;
                p.benefit_month += r + q;
                ps.saved_month += r;
                ps.meeting_month += m;
            }
            p.member_months += p.members.len() as f64;
        }
    }

    /// The partnership metrics of a reported month. Writes nothing when switched off.
    pub(super) fn partnership_metrics(&mut self, rec: &mut MonthRecord) {
        let pc = &self.cfg.partnerships;
        if !pc.enabled {
            return;
        }
        let ps = &mut self.partners;
        let (mut n, mut align, mut coh, mut age) = (0.0, 0.0, 0.0, 0.0);
        for p in ps.list.iter().filter(|p| p.dissolved_month.is_none()) {
            n += 1.0;
            align += f64::from(p.alignment);
            coh += p.cohesion;
            age += f64::from(self.t - p.formed_month);
        }
        ps.meeting_total += ps.meeting_month;
        let alive_isos = self.isos.iter().filter(|x| x.alive).count();
        let members = ps.member_of.iter().filter(|m| m.is_some()).count();
        rec[M::PartnershipsFormed as usize] = (ps.list.len() - ps.formed_before) as f64;
        rec[M::PartnershipsAlive as usize] = n;
        rec[M::PartnershipMembers as usize] = if alive_isos > 0 {
            members as f64 / alive_isos as f64
        } else {
            0.0
        };
        rec[M::PartnershipAlignmentMean as usize] = ratio(align, n);
        rec[M::PartnershipCohesionMean as usize] = ratio(coh, n);
        rec[M::PartnershipAgeMonthsMean as usize] = ratio(age, n);
        let hours: f64 = self.work.iter().map(|w| w.staff_hours).sum();
        rec[M::PartnershipMeetingShare as usize] = if hours > 0.0 {
            (ps.meeting_month / hours).min(1.0)
        } else {
            0.0
        };
        rec[M::ReferralHours as usize] = ps.referral_month;
        rec[M::ReportingHoursSaved as usize] = ps.saved_month;
    }

    /// Every partnership formed so far (dissolved ones included), in formation order.
    pub fn partnerships(&self) -> &[Partnership] {
        &self.partners.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc() -> PartnershipCfg {
        Config::default().partnerships
    }

    fn factors(recognition: f64) -> CreationFactors {
        CreationFactors {
            recognition,
            relations: 0.5,
            capacity: 0.5,
            risk: 0.1,
            meeting_hours: 4.0,
        }
    }

    #[test]
    fn willingness_rises_with_recognition_of_need_and_relations() {
        let c = pc();
        assert!(willingness(&c, factors(1.0), false) > willingness(&c, factors(0.2), false));
        let mut f = factors(0.6);
        let low = willingness(&c, f, false);
        f.relations = 0.9;
        assert!(willingness(&c, f, false) > low);
        f.risk = 0.9;
        assert!(willingness(&c, f, false) < willingness(&c, factors(0.6), false) + 0.3);
    }

    #[test]
    fn informal_is_more_willing_than_formal() {
        let c = pc();
        let fi = CreationFactors {
            meeting_hours: meeting_hours(&c, false, 1, false),
            ..factors(0.8)
        };
        let ff = CreationFactors {
            meeting_hours: meeting_hours(&c, true, 1, false),
            ..factors(0.8)
        };
        assert!(willingness(&c, fi, false) > willingness(&c, ff, true));
    }

    #[test]
    fn secretariat_lowers_meeting_hours_and_alignment_raises_them() {
        let c = pc();
        for formal in [false, true] {
            for a in 1..=4 {
                assert!(meeting_hours(&c, formal, a, true) < meeting_hours(&c, formal, a, false));
            }
            assert!(meeting_hours(&c, formal, 4, false) > meeting_hours(&c, formal, 1, false));
        }
        assert!(meeting_hours(&c, true, 1, false) > meeting_hours(&c, false, 1, false));
    }

    #[test]
    fn formal_structures_and_secretariat_raise_cohesion_target() {
        let informal = cohesion_target(false, 0.5, false, false, 0.5);
        let formal = cohesion_target(false, 0.5, true, false, 0.5);
        let lip = cohesion_target(false, 0.5, true, true, 0.5);
        assert!(informal < formal && formal < lip);
        assert!(cohesion_target(true, 0.5, false, false, 0.5) > informal);
        assert!((cohesion_target(true, 1.0, true, true, 1.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn typology_describes_partners() {
        let p = Partnership {
            members: vec![0, 1],
            alignment: 1,
            ..Partnership::default()
        };
        assert_eq!(
            p.typology(),
            [
                "regional",
                "single-sector",
                "bipartite",
                "non-governmental",
                "consultative"
            ]
        );
        let q = Partnership {
            members: vec![0, 1, 2],
            other_orgs: [1, 1, 0, 0, 1, 0],
            alignment: 4,
            ..Partnership::default()
        };
        let ty = q.typology();
        assert_eq!(ty[1], "multi-sector");
        assert_eq!(ty[2], "multipartite");
        assert_eq!(ty[3], "governmental/non-governmental");
        assert_eq!(ty[4], "collaborative");
    }

    #[test]
    fn disabled_draws_nothing_and_forms_nothing() {
        let cfg = Config::default();
        assert!(!cfg.partnerships.enabled);
        let mut m = Model::new(&cfg, 1, 0);
        for _ in 0..24 {
            m.step();
        }
        assert!(m.partnerships().is_empty());
        assert!(m.partners.u.is_empty());
    }
}
