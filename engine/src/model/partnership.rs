//! Local and regional partnerships among ISOs (Garcea and Ashton, "GA").
//!
//! A partnership is a group of ISOs (agents) plus non-ISO local organizations
//! counted by sector (city, health, education, police, employers, university;
//! they are not agents). It has a convener, is formal (a written agreement with
//! roles and structures) or informal, may have a secretariat a funder pays, has an
//! alignment of functions (consultative < contributory < operational <
//! collaborative, GA Table 1 typology 5), a cohesion state and an age.
//!
//! Who convenes a partnership, and what the convening offers, shapes its kind (GA:
//! partnerships are generally informal, "few, if any" formal; the exceptions are those a
//! government funds). With `partnerships.kind_chosen` the group a convening gathers
//! chooses formal or informal ([`formation`]); without, the convener decides:
//!
//! - a **champion** convenes (GA: champions and leaders): informal without the choice;
//! - a **funder's call** (the federal Local Immigration Partnership programme, GA's
//!   Calgary case) invites the region's ISOs and pays a secretariat for a formal
//!   partnership; the funding is a reason to join (GA: capacity includes resources other
//!   partners provide); an informal partnership may formalise at a call to take it;
//! - a **facilitator** without money (a university research institute, GA's Brandon case)
//!   brings prospective partners together, which raises their familiarity, and leads the
//!   partnership it convenes through its first months;
//! - an informal partnership that has become operational or collaborative and cohesive may
//!   spawn a formal **sub-partnership** among some of its members (Brandon).
//!
//! An ISO belongs to at most one main partnership (`member_of`) and at most one
//! sub-partnership (`sub_of`). Each month, in [`Model::partnerships_stage`] (schedule step
//! 3b, after officers and before calls):
//!
//! 1. closed ISOs leave their partnerships;
//! 2. *operation* (GA's operation factors, each counted once): a funded partnership's
//!    secretariat lasts until its funding ends (renewed at each call); a champion may leave
//!    or be found; cohesion moves towards the mean of leadership (a champion, a secretariat or
//!    the facilitator's early months), trust (members' familiarity), structures (a written
//!    agreement), resources (the share a secretariat provides, and members' capacity for the
//!    rest) and recognition (last month's benefits against meeting hours), plus noise;
//!    alignment moves up or down a level with cohesion; a partnership dissolves when cohesion
//!    falls below `dissolve_cohesion` (one threshold for every kind) or fewer than two members
//!    remain; a cohesive operational informal partnership may spawn a sub-partnership;
//! 3. *creation* (GA's creation factors): at most one convening a month, a funder's call
//!    first, then a facilitator, then a champion; each invited ISO outside any partnership
//!    joins with a probability set by its willingness, the mean of recognition of need
//!    (perceived unmet need), interpersonal relations (familiarity), capacity (spare
//!    administrative hours and reserves, plus resources a funder provides) and the absence of
//!    risk (overdraft), less the expected meeting cost. Two or more joiners form a partnership.
//!    In other months ISOs may join an open-membership partnership;
//! 4. the month's effects per member are set: meeting hours (administration, summed over its
//!    partnerships), coordinated reporting and shared professional development (alignment at
//!    least contributory), joint proposals (at least operational). Referrals act at service
//!    (step 7b) through [`super::newcomers::refer`].
//!
//! The stream (entity [`super::rng::ENTITY_PARTNERSHIPS`]) draws a fixed number of
//! uniforms per month ([`Partnerships::draws_per_month`]) and nothing when the
//! submodel is off, so other streams never shift.

pub mod formation;
pub mod ga;

use super::config::{Config, IsoCfg, PartnershipCfg};
use super::newcomers::{refer, Alloc, Served};
use super::{rate_prob, ratio, rng, Iso, IsoMonth, Model};
use crate::metrics::{MonthRecord, M};
use crate::params::ALIGNMENTS;

/// Most partnerships (main and sub) operating at once (each has its own slot of monthly
/// uniforms).
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

/// Index of the university in [`SECTORS`]: a facilitator sits at the table of what it convenes.
const UNIVERSITY: usize = 5;

/// Alignment levels (GA Table 1, typology 5).
const CONTRIBUTORY: u8 = 2;
const OPERATIONAL: u8 = 3;

/// Who convened a partnership (which decides its kind when `partnerships.kind_chosen` is off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Convener {
    /// a local champion (informal when the kind is not chosen)
    #[default]
    Champion,
    /// a funder's call (formal with a funded secretariat when the kind is not chosen)
    Funder,
    /// a facilitator without money (a university research institute; informal when the kind
    /// is not chosen)
    Facilitator,
    /// an informal partnership, among some of its members: a formal sub-partnership
    Parent,
}

impl Convener {
    /// Every convener, in the order of [`Partnerships::convenings`].
    pub const ALL: [Convener; 4] = [
        Convener::Champion,
        Convener::Funder,
        Convener::Facilitator,
        Convener::Parent,
    ];

    /// The convener as a word.
    pub fn name(self) -> &'static str {
        match self {
            Convener::Champion => "champion",
            Convener::Funder => "funder_call",
            Convener::Facilitator => "facilitator",
            Convener::Parent => "sub_partnership",
        }
    }
}

/// One local partnership.
#[derive(Debug, Clone, Default)]
pub struct Partnership {
    /// index in formation order
    pub id: usize,
    /// who convened it
    pub convener: Convener,
    /// the partnership it was spawned from (sub-partnerships only)
    pub parent: Option<usize>,
    /// current member ISOs (indices)
    pub members: Vec<usize>,
    /// every ISO that was ever a member
    pub ever_members: Vec<usize>,
    /// non-ISO organizations at the table, per sector of [`SECTORS`]
    pub other_orgs: [u32; 6],
    /// formal (written agreement, roles and structures) rather than informal
    pub formal: bool,
    /// a secretariat a funder pays (now)
    pub secretariat: bool,
    /// month (model clock) the secretariat's funding ends unless a call renews it
    pub funded_until: u32,
    /// month (model clock) the facilitator's support ends (0: never facilitated)
    pub facilitated_until: u32,
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
    /// meeting hours per member this month
    pub meeting_per_member: f64,
    /// month (model clock) it became formal (its formation month, or the call at which it
    /// formalised; meaningless while informal): its members spend the setup hours then
    pub formal_since: u32,
    /// month (model clock) an informal partnership formalised at a funder's call, if it did
    /// (ODD §7.25)
    pub formalised_month: Option<u32>,
    /// month (model clock) a formal partnership's written agreement comes up for renewal:
    /// members may leave only then (0: informal; ODD §7.33)
    pub bound_until: u32,
    /// members that left because of their disposition, cumulative (ODD §7.33)
    pub departures: u32,
    /// its fee-for-service business, the latest if several (ODD §7.33)
    pub business: Option<ga::Business>,
    /// fee-for-service businesses it spun off
    pub businesses: u32,
    benefit_month: f64,
    meeting_month: f64,
}

impl Partnership {
    /// Operating (not dissolved).
    pub fn alive(&self) -> bool {
        self.dissolved_month.is_none()
    }

    /// A sub-partnership of another partnership.
    pub fn is_sub(&self) -> bool {
        self.parent.is_some()
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

    /// Its work this month with the host community's employers and public institutions
    /// (§7.32): the non-ISO organizations at its table, weighted by cohesion and by alignment / 4
    /// (a consultative table does a quarter of a collaborative one's joint work); 0 once
    /// dissolved.
    pub fn community_work(&self) -> f64 {
        if !self.alive() {
            return 0.0;
        }
        let orgs: u32 = self.other_orgs.iter().sum();
        self.cohesion * f64::from(self.alignment) / 4.0 * f64::from(orgs)
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
    base * step * (1.0 - provided_share(pc, secretariat))
}

/// Share of a partnership's work that others provide: a funded secretariat's share, else 0.
pub fn provided_share(pc: &PartnershipCfg, secretariat: bool) -> f64 {
    if secretariat {
        pc.secretariat_meeting_saving_share.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Resources (0-1) when others provide the share `provided` of the work and members' own
/// capacity covers the rest (GA: capacity counts resources other partners provide).
pub fn resources(provided: f64, capacity: f64) -> f64 {
    let p = provided.clamp(0.0, 1.0);
    p + (1.0 - p) * capacity.clamp(0.0, 1.0)
}

/// Creation factors of one ISO, each 0-1 (GA).
#[derive(Debug, Clone, Copy)]
pub struct CreationFactors {
    /// recognition of need
    pub recognition: f64,
    /// interpersonal relations
    pub relations: f64,
    /// capacity (spare administrative hours, reserves, resources others provide)
    pub capacity: f64,
    /// risk (financial stress)
    pub risk: f64,
    /// expected meeting hours per month
    pub meeting_hours: f64,
}

/// An ISO's willingness to join (0-1): the organizational calculation of goals, capacity and
/// risk against the expected meeting cost. The kind of partnership enters only through the
/// meeting hours and the resources it provides.
pub fn willingness(pc: &PartnershipCfg, f: CreationFactors) -> f64 {
    let appeal = (f.recognition + f.relations + f.capacity + (1.0 - f.risk)) / 4.0;
    let cost = f.meeting_hours / pc.tolerable_meeting_hours.max(1e-9);
    (appeal - cost).clamp(0.0, 1.0)
}

/// Operation factors of one partnership (GA), each counted once.
#[derive(Debug, Clone, Copy)]
pub struct OperationFactors {
    /// shared vision and leadership: a champion, a funded secretariat, or the facilitator in
    /// its first months
    pub leadership: bool,
    /// trust and relations: members' mean familiarity
    pub trust: f64,
    /// structures, roles and documents: a written agreement
    pub structures: bool,
    /// resources ([`resources`])
    pub resources: f64,
    /// recognition of value: last month's benefits against meeting hours
    pub recognition: f64,
}

/// Level cohesion moves towards: the mean of the operation factors, equal weights.
pub fn cohesion_target(f: OperationFactors) -> f64 {
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    (b(f.leadership)
        + f.trust.clamp(0.0, 1.0)
        + b(f.structures)
        + f.resources.clamp(0.0, 1.0)
        + f.recognition.clamp(0.0, 1.0))
        / 5.0
}

/// Capacity (0-1: spare administrative hours last month, reserves against the target) and risk
/// (0-1: overdraft in months of cost) of one ISO.
fn capacity_risk(ic: &IsoCfg, iso: &Iso, w: &IsoMonth, cost_per_staff: f64) -> (f64, f64) {
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
    (0.5 * (spare + reserves), (-iso.cash / cost).clamp(0.0, 1.0))
}

/// Partnership state of one replication and the month's per-ISO effects.
#[derive(Clone)]
pub struct Partnerships {
    /// every partnership formed, in formation order (dissolved ones kept)
    pub list: Vec<Partnership>,
    /// main partnership each ISO belongs to
    pub member_of: Vec<Option<usize>>,
    /// sub-partnership each ISO belongs to
    pub sub_of: Vec<Option<usize>>,
    /// each ISO's familiarity with its peers (interpersonal relations, 0-1)
    pub familiarity: Vec<f64>,
    /// perceived (smoothed) regional unmet-need share
    pub need_ema: f64,
    /// convenings since month 0, by convener ([`Convener::ALL`] order): a champion or a
    /// facilitator convening, a funder's call while no funded partnership operates, a
    /// partnership about to spawn a sub-partnership (whether or not one formed)
    pub convenings: [u32; 4],
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
    /// formal partnerships formed (sub-partnerships included) and informal ones formalised at a
    /// call, since month 0 (ODD §7.25)
    pub formal_formed: u32,
    /// informal partnerships formalised at a funder's call since month 0 (ODD §7.25)
    pub formalised: u32,
    /// at the first reported month: `convenings` and `formal_formed` then
    pub convenings_before: [u32; 4],
    formal_formed_before: u32,
    /// per ISO: its willingness to join the partnership being convened as informal and as
    /// formal (scratch, ODD §7.25 choice of kind)
    kind_willingness: Vec<(f64, f64)>,
    /// reporting hours members saved this month
    saved_month: f64,
    /// members' meeting hours this month
    meeting_month: f64,
    /// per ISO: (rank, partnership) whose coordination effects it gets and credits its savings
    /// to, rank = 2 · alignment + 1 for a main partnership (0: none)
    lead: Vec<(u8, usize)>,
    /// per ISO this month: capacity and risk (scratch)
    capacity: Vec<f64>,
    risk: Vec<f64>,
    /// joiners of a convening (scratch)
    joiners: Vec<usize>,
    allocs: Vec<Alloc>,
    /// preconceptions, self-interest and businesses (ODD §7.33)
    pub ga: ga::GaState,
    rng: rng::Stream,
    u: Vec<f64>,
}

impl Partnerships {
    /// Month-0 state for `n` ISOs.
    pub fn new(cfg: &Config, seed: u64, replication: u64, n: usize) -> Partnerships {
        let pc = &cfg.partnerships;
        Partnerships {
            list: Vec::new(),
            member_of: vec![None; n],
            sub_of: vec![None; n],
            familiarity: vec![pc.initial_familiarity; n],
            need_ema: (1.0 - cfg.newcomers.initial_met_share).clamp(0.0, 1.0),
            convenings: [0; 4],
            meeting: vec![0.0; n],
            coordinated: vec![false; n],
            learning_factor: vec![1.0; n],
            proposal_factor: vec![1.0; n],
            reporting_saved: vec![0.0; n],
            proposal_saved: vec![0.0; n],
            referral_month: 0.0,
            meeting_total: 0.0,
            formed_before: 0,
            formal_formed: 0,
            formalised: 0,
            convenings_before: [0; 4],
            formal_formed_before: 0,
            kind_willingness: vec![(0.0, 0.0); n],
            saved_month: 0.0,
            meeting_month: 0.0,
            lead: vec![(0, 0); n],
            capacity: vec![0.0; n],
            risk: vec![0.0; n],
            joiners: Vec::with_capacity(n),
            allocs: vec![Alloc::default(); n],
            ga: ga::GaState::new(cfg, seed, replication, n),
            rng: rng::Stream(rng::stream(seed, replication, rng::ENTITY_PARTNERSHIPS)),
            u: Vec::with_capacity(Self::draws_per_month(n)),
        }
    }

    /// Uniforms drawn each month when the submodel is on: one for a champion convening, one for
    /// a facilitator convening, one per ISO (joining), three per partnership slot (champion
    /// turnover, cohesion noise, spawning a sub-partnership).
    pub const fn draws_per_month(n: usize) -> usize {
        2 + n + 3 * MAX_ALIVE
    }

    /// At the first reported month: formation counts and meeting totals restart.
    pub fn start_reporting(&mut self) {
        self.formed_before = self.list.len();
        self.convenings_before = self.convenings;
        self.formal_formed_before = self.formal_formed;
        self.meeting_total = 0.0;
        self.ga_start_reporting();
    }

    /// Partnerships operating now.
    pub fn alive(&self) -> impl Iterator<Item = &Partnership> {
        self.list.iter().filter(|p| p.alive())
    }

    /// Allocation scratch for referrals.
    pub fn allocs_mut(&mut self) -> &mut [Alloc] {
        &mut self.allocs
    }

    /// A new partnership of the month's joiners, of the kind `formal`; sets their membership. A
    /// formal one a funder's call convened has the secretariat the call funds.
    fn form(
        &mut self,
        pc: &PartnershipCfg,
        t: u32,
        (convener, formal): (Convener, bool),
        parent: Option<usize>,
        alignment: u8,
        other_orgs: [u32; 6],
    ) {
        let id = self.list.len();
        for &i in &self.joiners {
            if parent.is_some() {
                self.sub_of[i] = Some(id);
            } else {
                self.member_of[i] = Some(id);
            }
        }
        let funded = formal && convener == Convener::Funder;
        if formal {
            self.formal_formed += 1;
        }
        self.list.push(Partnership {
            id,
            convener,
            parent,
            ever_members: self.joiners.clone(),
            members: self.joiners.clone(),
            other_orgs,
            formal,
            secretariat: funded,
            funded_until: if funded {
                t + pc.call_interval_months
            } else {
                0
            },
            facilitated_until: if convener == Convener::Facilitator {
                t + pc.facilitation_months
            } else {
                0
            },
            open: !formal && pc.open_membership,
            alignment,
            alignment_max_reached: alignment,
            cohesion: pc.initial_cohesion,
            champion: matches!(convener, Convener::Champion | Convener::Parent),
            formed_month: t,
            formal_since: t,
            alignment_changed: t,
            bound_until: Self::ga_bound_until(pc, formal, t),
            ..Partnership::default()
        });
    }

    /// The submodel is switched off at model month `t` (a switch or a timeline event): every
    /// operating partnership ends, no ISO is a member any more, and no ISO has a partnership's
    /// effects from this month on.
    pub fn end_all(&mut self, t: u32) {
        for p in self.list.iter_mut().filter(|p| p.alive()) {
            p.dissolved_month = Some(t);
            p.secretariat = false;
            p.members.clear();
        }
        self.member_of.fill(None);
        self.sub_of.fill(None);
        self.clear_member_effects();
        self.saved_month = 0.0;
        self.meeting_month = 0.0;
    }

    /// The month's per-member effects set back to none: no meeting hours, no coordination,
    /// factors 1, nothing saved or referred.
    fn clear_member_effects(&mut self) {
        self.meeting.fill(0.0);
        self.coordinated.fill(false);
        self.learning_factor.fill(1.0);
        self.proposal_factor.fill(1.0);
        self.reporting_saved.fill(0.0);
        self.proposal_saved.fill(0.0);
        self.lead.fill((0, 0));
        self.referral_month = 0.0;
    }

    /// ISO `i` joins main partnership `k`.
    fn join(&mut self, k: usize, i: usize) {
        let p = &mut self.list[k];
        p.members.push(i);
        if !p.ever_members.contains(&i) {
            p.ever_members.push(i);
        }
        self.member_of[i] = Some(k);
    }
}

/// Position of ISO `i`'s uniform in a month's partnership draws: `u[U_ISO + i]` (ODD §7.25).
const U_ISO: usize = 2;

/// What the steps of a month of partnerships share (ODD §7.25).
#[derive(Debug, Clone, Copy)]
struct PartnershipMonth {
    /// model month
    t: u32,
    /// the funder makes its call this month
    call_now: bool,
    /// months to the funder's next call after this month (0: no calls)
    months_to_call: u32,
    /// recognition of need: the perceived unmet need against `need_recognition_share`, at most 1
    need: f64,
    /// the highest alignment, and the alignment at formation of an informal (a champion's or a
    /// facilitator's), a funded and a sub-partnership
    max_alignment: u8,
    informal_alignment: u8,
    funded_alignment: u8,
    sub_alignment: u8,
    /// the first of the three uniforms of operating partnership slot `s` is `u[u_slot + 3 s]`
    u_slot: usize,
}

impl PartnershipMonth {
    /// The month's terms at model month `t` among `n` ISOs, with the perceived unmet need
    /// `need_ema`.
    fn new(pc: &PartnershipCfg, t: u32, warmup: u32, n: usize, need_ema: f64) -> Self {
        let interval = pc.call_interval_months;
        let max_alignment = pc.max_alignment;
        PartnershipMonth {
            t,
            call_now: interval > 0
                && (i64::from(t) - i64::from(warmup)).rem_euclid(i64::from(interval)) == 0,
            months_to_call: if interval > 0 {
                let since = (i64::from(t) - i64::from(warmup)).rem_euclid(i64::from(interval));
                (i64::from(interval) - since) as u32
            } else {
                0
            },
            need: (need_ema / pc.need_recognition_share.max(1e-9)).min(1.0),
            max_alignment,
            informal_alignment: pc.initial_alignment.clamp(1, max_alignment),
            funded_alignment: pc.initial_alignment.max(CONTRIBUTORY).min(max_alignment),
            sub_alignment: pc.initial_alignment.max(OPERATIONAL).min(max_alignment),
            u_slot: U_ISO + n,
        }
    }
}

impl Partnership {
    /// ODD §7.25 operation: a funded partnership's secretariat lasts until its funding ends
    /// (renewed at each call), and a champion leaves (uniform `ua` below `p_loss`) or is found
    /// (below `p_gain`).
    fn renew_leadership(&mut self, pc: &PartnershipCfg, m: &PartnershipMonth, ua: f64) {
        if self.funded_until > 0 {
            if m.call_now {
                self.funded_until = m.t + pc.call_interval_months;
            }
            self.secretariat = m.t < self.funded_until;
        }
        if self.champion {
            if ua < rate_prob(pc.champion_loss_per_year) {
                self.champion = false;
            }
        } else if ua < rate_prob(pc.champion_rate_per_year) {
            self.champion = true;
        }
    }

    /// ODD §7.25 operation: cohesion moves towards the mean of the operation factors, with the
    /// members' mean familiarity `trust` and capacity, plus noise from uniform `ub`.
    fn update_cohesion(&mut self, pc: &PartnershipCfg, t: u32, trust: f64, capacity: f64, ub: f64) {
        let recognition = if self.meeting_month > 0.0 {
            (self.benefit_month / self.meeting_month).min(1.0)
        } else {
            0.0
        };
        let target = cohesion_target(OperationFactors {
            leadership: self.champion || self.secretariat || t < self.facilitated_until,
            trust,
            structures: self.formal,
            resources: resources(provided_share(pc, self.secretariat), capacity),
            recognition,
        });
        let noise = pc.cohesion_noise_sd * (ub - 0.5) * 12f64.sqrt();
        self.cohesion =
            (self.cohesion + pc.cohesion_adjust_per_month * (target - self.cohesion) + noise)
                .clamp(0.0, 1.0);
    }

    /// ODD §7.25 operation: alignment moves up or down a level with cohesion, at most once
    /// every `alignment_step_months`.
    fn update_alignment(&mut self, pc: &PartnershipCfg, m: &PartnershipMonth) {
        let t = m.t;
        if t.saturating_sub(self.alignment_changed) >= pc.alignment_step_months {
            if self.cohesion > pc.alignment_up_cohesion && self.alignment < m.max_alignment {
                self.alignment += 1;
                self.alignment_changed = t;
            } else if self.cohesion < pc.alignment_down_cohesion && self.alignment > 1 {
                self.alignment -= 1;
                self.alignment_changed = t;
            }
            self.alignment_max_reached = self.alignment_max_reached.max(self.alignment);
        }
    }
}

impl Partnerships {
    /// ODD §4.13, §7.25: the month's fixed number of uniforms from the partnership stream.
    fn draw_month(&mut self, n: usize) {
        self.u.clear();
        for _ in 0..Partnerships::draws_per_month(n) {
            let x = rng::uniform(&mut self.rng);
            self.u.push(x);
        }
    }

    /// ODD §7.25 (step 3b, first): closed ISOs leave their partnerships; each operating ISO's
    /// capacity and risk are assessed.
    fn closed_isos_leave(&mut self, ic: &IsoCfg, isos: &[Iso], work: &[IsoMonth]) {
        for p in self.list.iter_mut().filter(|p| p.dissolved_month.is_none()) {
            p.members.retain(|&i| isos[i].alive);
        }
        let cost_per_staff = ic.wage_per_staff_month * (1.0 + ic.nonstaff_overhead_share);
        for (i, iso) in isos.iter().enumerate() {
            if iso.alive {
                let (c, r) = capacity_risk(ic, iso, &work[i], cost_per_staff);
                self.capacity[i] = c;
                self.risk[i] = r;
            } else {
                self.member_of[i] = None;
                self.sub_of[i] = None;
                self.capacity[i] = 0.0;
                self.risk[i] = 1.0;
            }
        }
    }

    /// ODD §7.25 operation: each operating partnership in formation order (one formed this
    /// month waits for the next) renews its leadership, updates cohesion and alignment, or
    /// dissolves, and may spawn a sub-partnership. Returns how many partnerships operate.
    fn operate(&mut self, pc: &PartnershipCfg, m: &PartnershipMonth) -> usize {
        let mut alive_n = self.list.iter().filter(|p| p.alive()).count();
        let mut slot = 0;
        for k in 0..self.list.len() {
            if !self.list[k].alive() {
                continue;
            }
            debug_assert!(slot < MAX_ALIVE);
            let base = m.u_slot + 3 * slot;
            let (ua, ub, uc) = (self.u[base], self.u[base + 1], self.u[base + 2]);
            slot += 1;
            self.ga_departures(pc, m, k);
            let (trust, capacity) = self.members_familiarity_and_capacity(k);
            let p = &mut self.list[k];
            p.renew_leadership(pc, m, ua);
            p.update_cohesion(pc, m.t, trust, capacity, ub);
            p.update_alignment(pc, m);
            if p.cohesion < pc.dissolve_cohesion || p.members.len() < 2 {
                self.dissolve(k, m.t);
                alive_n -= 1;
                continue;
            }
            p.months += 1;
            p.cohesion_sum += p.cohesion;
            if self.spawn_sub_partnership(pc, m, k, uc, alive_n) {
                alive_n += 1;
            }
        }
        alive_n
    }

    /// The mean familiarity (trust) and capacity of partnership `k`'s members.
    fn members_familiarity_and_capacity(&self, k: usize) -> (f64, f64) {
        let p = &self.list[k];
        let (mut f, mut c) = (0.0, 0.0);
        for &i in &p.members {
            f += self.familiarity[i];
            c += self.capacity[i];
        }
        let m = p.members.len() as f64;
        (ratio(f, m), ratio(c, m))
    }

    /// ODD §7.25 operation: partnership `k` dissolves at month `t`; its members leave it.
    fn dissolve(&mut self, k: usize, t: u32) {
        let p = &mut self.list[k];
        p.dissolved_month = Some(t);
        p.secretariat = false;
        let of = if p.is_sub() {
            &mut self.sub_of
        } else {
            &mut self.member_of
        };
        for &i in &p.members {
            of[i] = None;
        }
        p.members.clear();
    }

    /// ODD §7.25 operation: a cohesive informal partnership `k` working at the operational
    /// level or above may spawn a formal sub-partnership among some of its members (GA:
    /// Brandon), when uniform `uc` says so and fewer than `MAX_ALIVE` operate. Not in a call
    /// month, whose ISO uniforms the call uses. Returns whether one formed.
    fn spawn_sub_partnership(
        &mut self,
        pc: &PartnershipCfg,
        m: &PartnershipMonth,
        k: usize,
        uc: f64,
        alive_n: usize,
    ) -> bool {
        let p = &self.list[k];
        let spawn = !m.call_now
            && !p.formal
            && !p.is_sub()
            && p.alignment >= OPERATIONAL
            && p.cohesion > pc.alignment_up_cohesion
            && uc < rate_prob(pc.sub_rate_per_year)
            && alive_n < MAX_ALIVE;
        if !spawn {
            return false;
        }
        self.convenings[Convener::Parent as usize] += 1;
        let hours = ga::expected_hours(pc, true, m.sub_alignment, false);
        let id = self.list.len();
        self.joiners.clear();
        for &i in &self.list[k].members {
            if self.sub_of[i].is_some() {
                continue;
            }
            let will = willingness(pc, self.creation_factors(m, i, self.capacity[i], hours));
            let will = self.ga_willingness(pc, id, i, will);
            if self.u[U_ISO + i] < pc.convene_share * will {
                self.joiners.push(i);
            }
        }
        if self.joiners.len() < 2 {
            return false;
        }
        self.form(
            pc,
            m.t,
            (Convener::Parent, true),
            Some(k),
            m.sub_alignment,
            [0; 6],
        );
        true
    }

    /// ODD §7.25: members' interpersonal relations grow, once a month whatever their
    /// partnerships.
    fn build_familiarity(&mut self, pc: &PartnershipCfg) {
        for i in 0..self.familiarity.len() {
            if self.member_of[i].is_some() || self.sub_of[i].is_some() {
                self.familiarity[i] += pc.familiarity_build_per_month * (1.0 - self.familiarity[i]);
            }
        }
    }

    /// ODD §7.25 creation factors of ISO `i` invited to a partnership with meeting hours
    /// `hours`, with capacity `capacity`.
    fn creation_factors(
        &self,
        m: &PartnershipMonth,
        i: usize,
        capacity: f64,
        hours: f64,
    ) -> CreationFactors {
        CreationFactors {
            recognition: m.need,
            relations: self.familiarity[i],
            capacity,
            risk: self.risk[i],
            meeting_hours: hours,
        }
    }

    /// ISO `i`'s willingness to join partnership `k` (or the one about to form with id `k`)
    /// with meeting hours `hours` whose others provide the share `provided` of the work (ODD
    /// §7.25, willingness), with its disposition (ODD §7.33).
    fn willingness_of(
        &self,
        pc: &PartnershipCfg,
        m: &PartnershipMonth,
        (k, i): (usize, usize),
        provided: f64,
        hours: f64,
    ) -> f64 {
        let capacity = resources(provided, self.capacity[i]);
        let w = willingness(pc, self.creation_factors(m, i, capacity, hours));
        self.ga_willingness(pc, k, i, w)
    }

    /// Whether ISO `i` is free: it operates and belongs to no main partnership (ODD §7.25).
    fn free(&self, isos: &[Iso], i: usize) -> bool {
        isos[i].alive && self.member_of[i].is_none()
    }

    /// ODD §7.25 creation: at most one convening a month, the first that applies: the
    /// funder's call, a facilitator, a champion; in other months ISOs may join an open
    /// partnership. `alive_n` partnerships operate.
    fn convene(&mut self, pc: &PartnershipCfg, m: &PartnershipMonth, alive_n: usize, isos: &[Iso]) {
        let mut other_orgs = [0u32; 6];
        for o in other_orgs.iter_mut().take(pc.other_sectors as usize) {
            *o = pc.orgs_per_sector;
        }
        self.joiners.clear();
        if m.call_now {
            self.funder_call(pc, m, alive_n, isos, other_orgs);
        } else if self.u[1] < rate_prob(pc.facilitator_rate_per_year) && alive_n < MAX_ALIVE {
            self.informal_convening(pc, m, isos, Convener::Facilitator, other_orgs);
        } else if self.u[0] < rate_prob(pc.champion_rate_per_year) && alive_n < MAX_ALIVE {
            self.informal_convening(pc, m, isos, Convener::Champion, other_orgs);
        } else if pc.open_membership {
            self.join_open_partnership(pc, m, isos);
        }
    }

    /// ODD §7.25 the funder's calls: the funder invites every free ISO; its funding is a
    /// reason to join. The joiners join its partnership, or form one if none operates.
    fn funder_call(
        &mut self,
        pc: &PartnershipCfg,
        m: &PartnershipMonth,
        alive_n: usize,
        isos: &[Iso],
        other_orgs: [u32; 6],
    ) {
        let mut existing = self
            .list
            .iter()
            .rposition(|p| p.alive() && p.funded_until > 0);
        if existing.is_none() && pc.kind_chosen {
            existing = self.formalise_at_call(pc, m);
        }
        let alignment = existing.map_or(m.funded_alignment, |k| self.list[k].alignment);
        if existing.is_none() && pc.kind_chosen {
            self.convenings[Convener::Funder as usize] += 1;
            if alive_n < MAX_ALIVE {
                let offer = formation::Offer {
                    convener: Convener::Funder,
                    approach_share: 1.0,
                    informal_alignment: m.informal_alignment,
                    formal_alignment: alignment,
                    funded_share: 1.0,
                };
                self.convene_chosen(pc, m, isos, offer, other_orgs);
            }
            return;
        }
        let provided = provided_share(pc, true);
        let hours = if existing.is_some() {
            meeting_hours(pc, true, alignment, true)
        } else {
            ga::expected_hours(pc, true, alignment, true)
        };
        let k = existing.unwrap_or(self.list.len());
        for i in 0..isos.len() {
            if self.free(isos, i)
                && self.u[U_ISO + i] < self.willingness_of(pc, m, (k, i), provided, hours)
            {
                self.joiners.push(i);
            }
        }
        if let Some(k) = existing {
            for j in 0..self.joiners.len() {
                let i = self.joiners[j];
                self.join(k, i);
            }
        } else {
            self.convenings[Convener::Funder as usize] += 1;
            if self.joiners.len() >= 2 && alive_n < MAX_ALIVE {
                let kind = (Convener::Funder, true);
                self.form(pc, m.t, kind, None, alignment, other_orgs);
            }
        }
    }

    /// ODD §7.25 creation by a champion or a facilitator (`convener`): the free ISOs it
    /// approaches (uniform below `convene_share`) decide by their willingness. A facilitator
    /// first brings them together to share information (their familiarity grows), and brings
    /// a university.
    fn informal_convening(
        &mut self,
        pc: &PartnershipCfg,
        m: &PartnershipMonth,
        isos: &[Iso],
        convener: Convener,
        other_orgs: [u32; 6],
    ) {
        let facilitated = convener == Convener::Facilitator;
        self.convenings[convener as usize] += 1;
        if pc.kind_chosen {
            let offer = formation::Offer {
                convener,
                approach_share: pc.convene_share,
                informal_alignment: m.informal_alignment,
                formal_alignment: m.informal_alignment,
                funded_share: self.expected_funded_share(pc, m),
            };
            self.convene_chosen(pc, m, isos, offer, other_orgs);
            return;
        }
        let hours = meeting_hours(pc, false, m.informal_alignment, false);
        for i in 0..isos.len() {
            let u = self.u[U_ISO + i];
            // willingness is at most 1: an ISO not approached never joins
            if !self.free(isos, i) || u >= pc.convene_share {
                continue;
            }
            if facilitated {
                self.familiarity[i] +=
                    pc.facilitation_familiarity_share * (1.0 - self.familiarity[i]);
            }
            let k = self.list.len();
            if u < pc.convene_share * self.willingness_of(pc, m, (k, i), 0.0, hours) {
                self.joiners.push(i);
            }
        }
        if self.joiners.len() >= 2 {
            let mut orgs = other_orgs;
            if facilitated {
                orgs[UNIVERSITY] = orgs[UNIVERSITY].max(1);
            }
            let alignment = m.informal_alignment;
            self.form(pc, m.t, (convener, false), None, alignment, orgs);
        }
    }

    /// ODD §7.25 creation, in months without a convening: free ISOs may join the most
    /// cohesive open-membership partnership.
    fn join_open_partnership(&mut self, pc: &PartnershipCfg, m: &PartnershipMonth, isos: &[Iso]) {
        let target = self
            .list
            .iter()
            .enumerate()
            .filter(|(_, p)| p.alive() && p.open)
            .max_by(|a, b| a.1.cohesion.total_cmp(&b.1.cohesion).then(b.0.cmp(&a.0)))
            .map(|(k, _)| k);
        if let Some(k) = target {
            let hours = meeting_hours(pc, false, self.list[k].alignment, false);
            for i in 0..isos.len() {
                if self.free(isos, i)
                    && self.u[U_ISO + i]
                        < pc.open_join_share_per_month
                            * self.willingness_of(pc, m, (k, i), 0.0, hours)
                {
                    self.join(k, i);
                }
            }
        }
    }

    /// ODD §7.25 effects on members (end of step 3b). An ISO in a main and a sub-partnership
    /// spends both partnerships' meeting hours and gets each coordination effect once, from its
    /// most aligned partnership (its main one on ties), to which its savings are credited.
    fn set_member_effects(&mut self, pc: &PartnershipCfg, t: u32) {
        self.clear_member_effects();
        for k in 0..self.list.len() {
            let p = &mut self.list[k];
            if !p.alive() {
                continue;
            }
            let m =
                meeting_hours(pc, p.formal, p.alignment, p.secretariat) + ga::extra_hours(pc, p, t);
            let a = p.alignment;
            let rank = 2 * a + u8::from(!p.is_sub());
            for &i in &p.members {
                self.meeting[i] += m;
                if a >= CONTRIBUTORY {
                    self.coordinated[i] = true;
                    self.learning_factor[i] = 1.0 - pc.training_learning_share;
                }
                if a >= OPERATIONAL {
                    self.proposal_factor[i] = 1.0 - pc.joint_proposal_saving_share;
                }
                if rank > self.lead[i].0 {
                    self.lead[i] = (rank, k);
                }
            }
            p.meeting_per_member = m;
            p.benefit_month = 0.0;
            p.meeting_month = m * p.members.len() as f64;
        }
    }
}

impl Model<'_> {
    /// Step 3b (ODD §7.25): partnerships operate (funding, champion, cohesion, alignment,
    /// dissolution, sub-partnerships), form or grow, and set the month's per-member effects.
    /// Does nothing (and draws nothing) when switched off.
    pub(super) fn partnerships_stage(&mut self) {
        let cfg = std::sync::Arc::clone(&self.cfg);
        let pc = &cfg.partnerships;
        if !pc.enabled {
            return;
        }
        let n = self.isos.len();
        let ps = &mut self.partners;
        let month = PartnershipMonth::new(pc, self.t, self.warmup, n, ps.need_ema);
        ps.draw_month(n);
        ps.closed_isos_leave(&cfg.iso, &self.isos, &self.work);
        let alive_n = ps.operate(pc, &month);
        ps.build_familiarity(pc);
        ps.convene(pc, &month, alive_n, &self.isos);
        ps.set_member_effects(pc, month.t);
    }

    /// Step 7b: referrals within each operating partnership, in formation order, after every
    /// ISO served its own catchment. Adds to `served` (region totals) and to each donor's
    /// served hours; each referral uses up the need and spare hours it moves, so an ISO in two
    /// partnerships never serves more than its hours.
    pub(super) fn partnership_referrals(&mut self, served: &mut Served) {
        let pc = &self.cfg.partnerships;
        let Partnerships {
            list,
            allocs,
            referral_month,
            ..
        } = &mut self.partners;
        for p in list.iter_mut().filter(|p| p.dissolved_month.is_none()) {
            let intensity = pc.referral_share * f64::from(p.alignment) / 4.0;
            let h = refer(
                &self.offers,
                allocs,
                &p.members,
                intensity,
                &mut self.served,
                served,
            );
            p.referral_hours += h;
            p.benefit_month += h;
            *referral_month += h;
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
        for (k, p) in ps.list.iter_mut().enumerate() {
            if !p.alive() {
                continue;
            }
            let members = p.members.len() as f64;
            let m = p.meeting_per_member * members;
            p.meeting_hours += m;
            p.member_months += members;
            ps.meeting_month += m;
            for &i in &p.members {
                if ps.lead[i] != (0, 0) && ps.lead[i].1 == k {
                    let (r, q) = (ps.reporting_saved[i], ps.proposal_saved[i]);
                    p.reporting_hours_saved += r;
                    p.proposal_hours_saved += q;
                    p.benefit_month += r + q;
                    ps.saved_month += r;
                }
            }
        }
        self.ga_month_end();
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
        let members = ps
            .member_of
            .iter()
            .zip(&ps.sub_of)
            .filter(|(m, s)| m.is_some() || s.is_some())
            .count();
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
        let main_convenings = |c: &[u32; 4]| c[0] + c[1] + c[2];
        rec[M::PartnershipConvenings as usize] =
            f64::from(main_convenings(&ps.convenings) - main_convenings(&ps.convenings_before));
        rec[M::PartnershipsFormedFormal as usize] =
            f64::from(ps.formal_formed - ps.formal_formed_before);
        self.ga_metrics(rec);
    }

    /// Every partnership formed so far (dissolved ones included), in formation order.
    pub fn partnerships(&self) -> &[Partnership] {
        &self.partners.list
    }

    /// Convenings since month 0 by convener, in [`Convener::ALL`] order (see
    /// [`Partnerships::convenings`]).
    pub fn partnership_convenings(&self) -> [u32; 4] {
        self.partners.convenings
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

    fn op(leadership: bool, structures: bool, resources: f64) -> OperationFactors {
        OperationFactors {
            leadership,
            trust: 0.5,
            structures,
            resources,
            recognition: 0.5,
        }
    }

    #[test]
    fn willingness_rises_with_recognition_of_need_and_relations() {
        let c = pc();
        assert!(willingness(&c, factors(1.0)) > willingness(&c, factors(0.2)));
        let mut f = factors(0.6);
        let low = willingness(&c, f);
        f.relations = 0.9;
        assert!(willingness(&c, f) > low);
        f.risk = 0.9;
        assert!(willingness(&c, f) < willingness(&c, factors(0.6)) + 0.3);
    }

    #[test]
    fn formal_meetings_deter_and_funded_resources_attract() {
        // No hurdle: a formal partnership deters only through its meeting hours, and a funded
        // secretariat attracts through the resources it provides and the hours it saves.
        let c = pc();
        let with = |formal: bool, sec: bool, capacity: f64| {
            willingness(
                &c,
                CreationFactors {
                    capacity: resources(provided_share(&c, sec), capacity),
                    meeting_hours: meeting_hours(&c, formal, 2, sec),
                    ..factors(0.8)
                },
            )
        };
        assert!(with(false, false, 0.5) > with(true, false, 0.5));
        assert!(with(true, true, 0.5) > with(true, false, 0.5));
        // the same meeting hours and capacity give the same willingness, whatever the kind
        let c0 = PartnershipCfg {
            meeting_hours_formal: c.meeting_hours_informal,
            ..c.clone()
        };
        let f = CreationFactors {
            meeting_hours: meeting_hours(&c0, true, 1, false),
            ..factors(0.8)
        };
        let g = CreationFactors {
            meeting_hours: meeting_hours(&c0, false, 1, false),
            ..factors(0.8)
        };
        assert_eq!(willingness(&c0, f), willingness(&c0, g));
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
    fn operation_factors_count_once_each() {
        let none = cohesion_target(op(false, false, 0.0));
        // each factor present adds a fifth; a written agreement counts once
        assert!((cohesion_target(op(false, true, 0.0)) - none - 0.2).abs() < 1e-12);
        assert!((cohesion_target(op(true, false, 0.0)) - none - 0.2).abs() < 1e-12);
        assert!((cohesion_target(op(false, false, 1.0)) - none - 0.2).abs() < 1e-12);
        let all = OperationFactors {
            leadership: true,
            trust: 1.0,
            structures: true,
            resources: 1.0,
            recognition: 1.0,
        };
        assert!((cohesion_target(all) - 1.0).abs() < 1e-12);
        // a funded secretariat provides resources whatever members' capacity
        let c = pc();
        let funded = resources(provided_share(&c, true), 0.2);
        assert!(funded > resources(provided_share(&c, false), 0.2));
        assert!((resources(provided_share(&c, false), 0.2) - 0.2).abs() < 1e-12);
        assert!((resources(1.0, 0.0) - 1.0).abs() < 1e-12);
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
        assert_eq!(m.partnership_convenings(), [0; 4]);
    }

    fn enabled(pairs: &[(&str, f64)]) -> Config {
        let mut v = crate::params::Values::default();
        let set = |v: &mut crate::params::Values, p: &str, x: f64| {
            v.set_index(crate::params::index_of(p).expect(p), x);
        };
        set(&mut v, "partnerships.enabled", 1.0);
        for (p, x) in pairs {
            set(&mut v, p, *x);
        }
        Config::from_values(&v)
    }

    /// Membership invariants: `member_of` and `sub_of` agree with the partnerships' member
    /// lists (ISOs that closed this month leave at the next stage), and a partnership's kind
    /// follows from its convener (when the kind is not chosen) or is consistent with it.
    fn check_membership(m: &Model) {
        let ps = &m.partners;
        for i in 0..m.isos.len() {
            for (of, sub) in [(ps.member_of[i], false), (ps.sub_of[i], true)] {
                if let Some(k) = of {
                    let p = &ps.list[k];
                    assert!(p.alive() && p.members.contains(&i));
                    assert_eq!(p.is_sub(), sub);
                }
            }
        }
        for (k, p) in ps.list.iter().enumerate() {
            assert!(p.members.is_empty() || p.alive());
            for &i in &p.members {
                let of = if p.is_sub() {
                    ps.sub_of[i]
                } else {
                    ps.member_of[i]
                };
                assert_eq!(of, Some(k));
            }
            if m.cfg.partnerships.kind_chosen {
                assert!(!p.is_sub() || p.formal);
                assert!(p.formalised_month.is_none() || (p.formal && p.funded_until > 0));
            } else {
                assert_eq!(
                    p.formal,
                    matches!(p.convener, Convener::Funder | Convener::Parent)
                );
            }
            assert_eq!(p.is_sub(), p.convener == Convener::Parent);
            if p.secretariat {
                assert!(p.formal && p.funded_until > 0 && !p.is_sub());
            }
        }
        assert!(ps.alive().count() <= MAX_ALIVE);
    }

    #[test]
    fn conveners_decide_the_kind_and_draws_are_fixed() {
        for chosen in [0.0, 1.0] {
            conveners_and_draws(chosen);
        }
    }

    fn conveners_and_draws(kind_chosen: f64) {
        let cfg = enabled(&[
            ("partnerships.call_interval_months", 24.0),
            ("partnerships.facilitator_rate_per_year", 1.0),
            ("partnerships.initial_alignment", 2.0),
            ("partnerships.sub_rate_per_year", 4.0),
            ("partnerships.kind_chosen", kind_chosen),
        ]);
        let n = cfg.simulation.isos;
        let mut kinds = [0usize; 4];
        for r in 0..4 {
            let mut m = Model::new(&cfg, 7, r);
            for _ in 0..240 {
                m.step();
                assert_eq!(m.partners.u.len(), Partnerships::draws_per_month(n));
                check_membership(&m);
                // a funded partnership forms only in a call month
                for p in m.partnerships() {
                    if p.convener == Convener::Funder {
                        assert_eq!((i64::from(p.formed_month) - 120).rem_euclid(24), 0);
                    }
                }
            }
            for p in m.partnerships() {
                kinds[p.convener as usize] += 1;
                if let Some(k) = p.parent {
                    let parent = &m.partnerships()[k];
                    let informal_then = !parent.formal
                        || parent.formalised_month.is_some_and(|f| f > p.formed_month);
                    assert!(informal_then && k < p.id);
                    assert!(p
                        .ever_members
                        .iter()
                        .all(|i| parent.ever_members.contains(i)));
                }
            }
        }
        assert!(
            kinds.iter().all(|&k| k > 0),
            "every convener formed one: {kinds:?}"
        );
    }

    /// The first call's group (month 0) over a few replications: how many formed formal and
    /// informal partnerships.
    fn first_call_kinds(pairs: &[(&str, f64)]) -> (usize, usize) {
        let mut all = vec![
            ("partnerships.call_interval_months", 60.0),
            ("partnerships.champion_rate_per_year", 0.0),
        ];
        all.extend_from_slice(pairs);
        let cfg = enabled(&all);
        let (mut formal, mut informal) = (0, 0);
        for r in 0..8 {
            let mut m = Model::new(&cfg, 11, r);
            m.step();
            check_membership(&m);
            for p in m.partnerships() {
                assert_eq!(p.convener, Convener::Funder);
                assert_eq!(p.secretariat, p.formal);
                if p.formal {
                    formal += 1;
                } else {
                    informal += 1;
                }
            }
        }
        (formal, informal)
    }

    #[test]
    fn a_calls_group_takes_the_money_when_formality_is_cheap_and_declines_when_dear() {
        // formality costs nothing beyond informality: the secretariat's money decides
        let cheap = first_call_kinds(&[
            ("partnerships.meeting_hours_formal", 4.0),
            ("partnerships.formal_setup_hours", 0.0),
            ("partnerships.agreement_months", 1.0),
        ]);
        assert!(cheap.0 > 0 && cheap.1 == 0, "{cheap:?}");
        // a formal agreement costs more hours than the secretariat saves
        let dear = first_call_kinds(&[
            ("partnerships.meeting_hours_formal", 40.0),
            ("partnerships.formal_setup_hours", 200.0),
        ]);
        assert!(dear.0 == 0 && dear.1 > 0, "{dear:?}");
    }

    #[test]
    fn calls_fund_a_secretariat_until_the_next_call() {
        // Calls every 60 months from the first reported month (120): months 0, 60, 120, ...
        let cfg = enabled(&[
            ("partnerships.call_interval_months", 60.0),
            ("partnerships.champion_rate_per_year", 0.0),
            ("partnerships.kind_chosen", 0.0),
        ]);
        let mut m = Model::new(&cfg, 3, 0);
        m.step();
        let k = m
            .partnerships()
            .iter()
            .position(|p| p.convener == Convener::Funder)
            .expect("the call at month 0 formed a partnership");
        let p = &m.partnerships()[k];
        assert!(p.formal && p.secretariat && !p.open && !p.champion);
        assert_eq!((p.formed_month, p.funded_until), (0, 60));
        assert!(p.alignment >= CONTRIBUTORY);
        for _ in 1..=60 {
            m.step();
        }
        let p = &m.partnerships()[k];
        assert!(
            !p.alive() || (p.secretariat && p.funded_until == 120),
            "renewed"
        );
        // the funder stops calling: the secretariat ends with its funding
        std::sync::Arc::make_mut(&mut m.cfg)
            .partnerships
            .call_interval_months = 0;
        for _ in 61..=120 {
            m.step();
        }
        assert!(!m.partnerships()[k].secretariat);
    }
}
