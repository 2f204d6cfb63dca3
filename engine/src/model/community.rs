//! The host community's receptivity: integration as a two-way street (MLH 6; ODD §7.32).
//!
//! MLH report that government "views integration as two-way street, where not only the
//! immigrants have to move towards the host culture, but the host culture also moves towards
//! the immigrants". The region has one state variable, its **receptivity** `R` (0-1): how far
//! its employers, public institutions and neighbours move towards newcomers. Each month
//! (schedule step 9b, after trust and before observation) `R` closes `1 / adjust_months` of the
//! gap to a target set by three drivers:
//!
//! - a **baseline** (`initial_receptivity`, shifted by `receptivity_change` timeline events);
//! - **community work** of local partnerships: the non-ISO organizations (city, health,
//!   education, police, employers, university) at operating partnerships' tables, weighted by
//!   cohesion and alignment ([`super::partnership::Partnership::community_work`]), raise the
//!   target by at most `community_work_weight`, half of it at `community_work_half_orgs`
//!   organizations engaged (GA: partnerships of many sectors create welcoming communities);
//! - **visibility**: arrivals above the level the community is familiar with (a slow average
//!   of arrivals, time constant `familiarity_months`) lower the target, in proportion to the
//!   share of the month's new need left unmet (a fast rise without service is visible; as the
//!   familiar level catches up, the fall fades).
//!
//! Every followed cohort adds `integration_weight · R / need_duration_months` each month to its
//! host-side term [`super::newcomers::Cohort::host`], which enters its long-term integration
//! beside the service it received ([`super::newcomers::long_term_integration`]). With
//! `integration_weight` 0 the term stays 0 and integration is the service-only index, bit for
//! bit. The submodel draws no random numbers: receptivity is a deterministic function of the
//! month's arrivals, unmet need, partnerships and events, so no stream shifts.

use super::config::{CommunityCfg, Config};
use super::newcomers::Cohorts;
use super::partnership::Partnership;
use super::Model;
use crate::metrics::{MonthRecord, M};

/// The region's host community (ODD §2.6, §7.32).
#[derive(Debug, Clone, Copy)]
pub struct Community {
    /// receptivity (0-1)
    pub receptivity: f64,
    /// level receptivity returns to without community work or visible rises: the initial
    /// receptivity shifted by timeline events (0-1)
    pub baseline: f64,
    /// the arrivals level (persons per month) the community is familiar with
    pub familiar_arrivals: f64,
    /// host organizations engaged by local partnerships this month (cohesion- and
    /// alignment-weighted count)
    pub work: f64,
    /// relative rise of this month's arrivals above the familiar level (0 when not above it)
    pub rise: f64,
}

impl Community {
    /// The host community at the start of the warm-up, when `a0` newcomers arrive a month:
    /// receptivity at its initial level, familiar with the arrivals of the time.
    pub fn new(cc: &CommunityCfg, a0: f64) -> Community {
        Community {
            receptivity: cc.initial_receptivity,
            baseline: cc.initial_receptivity,
            familiar_arrivals: a0,
            work: 0.0,
            rise: 0.0,
        }
    }

    /// A timeline event (§7.26): the baseline shifts by `change` from this month on, within
    /// 0-1; receptivity follows at its own pace.
    pub fn shift(&mut self, change: f64) {
        self.baseline = (self.baseline + change).clamp(0.0, 1.0);
    }

    /// One month (§7.32) with `arrivals` newcomers, the share `unmet` of the month's new need
    /// left unmet and host organizations `work` engaged by partnerships: the rise above the
    /// familiar level is assessed, receptivity closes part of its gap to the target, and the
    /// familiar level moves towards this month's arrivals.
    pub fn update(&mut self, cc: &CommunityCfg, arrivals: f64, unmet: f64, work: f64) {
        self.work = work;
        self.rise = rise(arrivals, self.familiar_arrivals);
        let target = target(cc, self.baseline, self.rise, unmet, work);
        self.receptivity += (target - self.receptivity) / cc.adjust_months.max(1.0);
        self.receptivity = self.receptivity.clamp(0.0, 1.0);
        self.familiar_arrivals += (arrivals - self.familiar_arrivals) / cc.familiarity_months;
    }
}

/// Relative rise of `arrivals` above the `familiar` level, 0 when not above it.
pub fn rise(arrivals: f64, familiar: f64) -> f64 {
    if familiar > 0.0 {
        (arrivals / familiar - 1.0).max(0.0)
    } else {
        0.0
    }
}

/// Host organizations engaged by the partnerships `list` this month: the sum of their
/// [`Partnership::community_work`] (dissolved ones count nothing).
pub fn community_work(list: &[Partnership]) -> f64 {
    list.iter().map(Partnership::community_work).sum()
}

/// Level receptivity moves towards (§7.32), within 0-1: the `baseline`, plus community work
/// (`community_work_weight · work / (work + community_work_half_orgs)`), less visibility
/// (`visibility_weight · rise · unmet`).
pub fn target(cc: &CommunityCfg, baseline: f64, rise: f64, unmet: f64, work: f64) -> f64 {
    let w = work.max(0.0);
    let engaged = cc.community_work_weight * w / (w + cc.community_work_half_orgs);
    let visible = cc.visibility_weight * rise * unmet.clamp(0.0, 1.0);
    (baseline + engaged - visible).clamp(0.0, 1.0)
}

/// The host-side term of the cohorts followed at the start of the warm-up (§5): each lived its
/// months before it in a community at the initial receptivity, `integration_weight ·
/// initial_receptivity · months lived / need_duration_months`.
pub fn initial_host(cfg: &Config, cohorts: &mut Cohorts) {
    let cc = &cfg.community;
    let d = cohorts.len();
    for age in 0..d {
        let lived = (age + 1) as f64;
        cohorts.at_mut(age).host =
            cc.integration_weight * cc.initial_receptivity * lived / d as f64;
    }
}

impl Model<'_> {
    /// Step 9b (ODD §7.32): the host community's receptivity moves towards its target, and
    /// every followed cohort adds this month's share of it to the host side of its integration.
    pub(super) fn community_stage(&mut self) {
        let cfg = std::sync::Arc::clone(&self.cfg);
        let cc = &cfg.community;
        let work = if cfg.partnerships.enabled {
            community_work(&self.partners.list)
        } else {
            0.0
        };
        let (arrivals, unmet) = (self.facts.arrivals, self.facts.unmet_need);
        self.community.update(cc, arrivals, unmet, work);
        let step =
            cc.integration_weight * self.community.receptivity / self.cohorts.len().max(1) as f64;
        for co in self.cohorts.iter_mut() {
            co.host += step;
        }
    }

    /// The host community's metrics of a reported month (§7.24): receptivity and the host
    /// organizations partnerships engaged.
    pub(super) fn community_metrics(&self, rec: &mut MonthRecord) {
        rec[M::Receptivity as usize] = self.community.receptivity;
        rec[M::CommunityWork as usize] = self.community.work;
    }

    /// The host community now (§7.32).
    pub fn community(&self) -> &Community {
        &self.community
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc() -> CommunityCfg {
        Config::default().community
    }

    #[test]
    fn community_work_raises_and_unserved_rises_lower_the_target() {
        let c = cc();
        let base = target(&c, 0.5, 0.0, 0.0, 0.0);
        assert_eq!(base, 0.5);
        assert!(target(&c, 0.5, 0.0, 0.0, 4.0) > base);
        assert!(target(&c, 0.5, 0.0, 0.0, 8.0) > target(&c, 0.5, 0.0, 0.0, 4.0));
        // a rise fully served is not visible; unserved, it is
        assert_eq!(target(&c, 0.5, 0.3, 0.0, 0.0), base);
        assert!(target(&c, 0.5, 0.3, 0.5, 0.0) < base);
        // the switches
        let off = CommunityCfg {
            community_work_weight: 0.0,
            visibility_weight: 0.0,
            ..c
        };
        assert_eq!(target(&off, 0.5, 0.3, 0.5, 8.0), base);
    }

    #[test]
    fn receptivity_closes_its_gap_and_a_rise_becomes_familiar() {
        let c = cc();
        let mut h = Community::new(&c, 1000.0);
        // arrivals jump by half and stay, all new need unmet
        let mut first = 0.0;
        for t in 0..240 {
            h.update(&c, 1500.0, 1.0, 0.0);
            if t == 0 {
                first = h.rise;
            }
        }
        assert!(first > 0.49 && h.rise < 0.01, "{first} {}", h.rise);
        assert!((h.receptivity - 0.5).abs() < 0.05, "{}", h.receptivity);
        // a persistent shift of the baseline is followed
        h.shift(-0.3);
        for _ in 0..240 {
            h.update(&c, 1500.0, 0.0, 0.0);
        }
        assert!((h.receptivity - 0.2).abs() < 1e-3, "{}", h.receptivity);
        h.shift(-5.0);
        assert_eq!(h.baseline, 0.0);
    }
}
