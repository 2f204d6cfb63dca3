//! Typed view of a scenario's values, read once per replication.
//!
//! The engine never looks parameters up by path in its hot loop: the typed section structs
//! (`SimulationCfg`, …, `FunderCfg`) are generated from the parameter declarations in
//! [`crate::params`], one field per parameter, and read by registry index. This module puts
//! them together with the few fields derived from several parameters.

pub use crate::params::{
    BrinkerhoffCfg, CallCycle, CommunityCfg, DependenceCfg, FunderCfg, IsoCfg, Measure,
    NewcomersCfg, PartnershipCfg, ReportingCfg, SectorCfg, ServiceCfg, SimulationCfg, TrustCfg,
    CATEGORIES, NCAT,
};
use crate::params::{Sections, Values, FUNDERS};

impl NewcomersCfg {
    /// Months after arrival during which category `k`'s need may be served with
    /// eligibility-restricted money.
    pub fn window(&self, k: usize) -> usize {
        let w = self.eligibility_window_months;
        (if k == 0 {
            w.min(self.economic_eligibility_limit_months)
        } else {
            w
        }) as usize
    }

    /// Clients per arrival over the categories: the overall uptake.
    pub fn overall_uptake(&self) -> f64 {
        (0..NCAT)
            .map(|k| self.category_share[k] * self.category_uptake[k])
            .sum()
    }
}

/// Everything the engine needs, typed.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct Config {
    pub simulation: SimulationCfg,
    pub newcomers: NewcomersCfg,
    pub service: ServiceCfg,
    pub iso: IsoCfg,
    pub trust: TrustCfg,
    pub brinkerhoff: BrinkerhoffCfg,
    pub reporting: ReportingCfg,
    pub partnerships: PartnershipCfg,
    pub community: CommunityCfg,
    pub sector: SectorCfg,
    pub dependence: DependenceCfg,
    pub funders: [FunderCfg; 4],
    /// the values this configuration was read from (timeline events change them)
    pub values: Values,
    /// events at given reported months, in month order
    pub timeline: Vec<super::timeline::Event>,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_values(&Values::default())
    }
}

impl Config {
    /// Reads every parameter from `v`, then the fields derived from several of them.
    pub fn from_values(v: &Values) -> Config {
        let Sections {
            simulation,
            newcomers,
            service,
            iso,
            trust,
            brinkerhoff,
            reporting,
            partnerships,
            community,
            sector,
            dependence,
            funders,
        } = Sections::read(v);
        let mut c = Config {
            simulation,
            newcomers,
            service,
            iso,
            trust,
            brinkerhoff,
            reporting,
            partnerships,
            community,
            sector,
            dependence,
            funders,
            values: v.clone(),
            timeline: Vec::new(),
        };
        c.derive();
        c
    }

    /// The fields derived from several parameters: the category shares (divided by their sum;
    /// all zero: a third each) and uptakes, each funder's name and fiscal-year start, and the
    /// teaching calendar (every funder on the April fiscal year with sector-wide calls).
    fn derive(&mut self) {
        let n = &mut self.newcomers;
        let raw = [n.economic_share, n.family_share, n.refugee_share].map(|x| x.max(0.0));
        let sum: f64 = raw.iter().sum();
        n.category_share = if sum > 0.0 {
            raw.map(|x| x / sum)
        } else {
            [1.0 / NCAT as f64; NCAT]
        };
        let uptake = n.uptake_share;
        n.category_uptake = [
            n.uptake_ratio_economic,
            n.uptake_ratio_family,
            n.uptake_ratio_refugee,
        ]
        .map(|ratio| (uptake * ratio).clamp(0.0, 1.0));
        let synchronized = self.simulation.synchronized_calendar;
        for (fc, name) in self.funders.iter_mut().zip(FUNDERS) {
            fc.name = name;
            fc.fiscal_year_start = if synchronized {
                3
            } else {
                fc.fiscal_year_start_month - 1
            };
            if synchronized {
                fc.call_cycle = CallCycle::SectorWide;
            }
        }
    }

    /// The same configuration with a timeline of events (sorted by month, stable).
    pub fn with_timeline(mut self, mut events: Vec<super::timeline::Event>) -> Config {
        events.sort_by_key(|e| e.month);
        self.timeline = events;
        self
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_reads_every_path() {
        let c = Config::default();
        assert_eq!(c.simulation.isos, 40);
        assert_eq!(c.funders[0].name, "federal");
        assert_eq!(c.funders[0].measure, Measure::Output);
        assert_eq!(c.funders[3].measure, Measure::Outcome);
    }
}
