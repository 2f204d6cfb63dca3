//! `partnerships.json`: replication 0's local partnerships (Garcea & Ashton's three assessments:
//! the map, how effectively each operates, its contribution to newcomers' settlement), written by
//! runs of scenarios with `partnerships.enabled` and drawn as `plots/partnership_map.*`.

use crate::model::{Config, Model};
use anyhow::Result;
use std::path::Path;

/// Writes `partnerships.json` (replication 0 run again: chunks keep only metrics) when the
/// scenario has local partnerships; returns whether it did.
pub fn write_partnership_map(cfg: &Config, seed: u64, dir: &Path) -> Result<bool> {
    if !cfg.partnerships.enabled {
        return Ok(false);
    }
    let out = Model::new(cfg, seed, 0).run();
    let v = partnerships_json(cfg, seed, &out.partnerships);
    super::write_json(&dir.join("partnerships.json"), &v)?;
    Ok(true)
}

/// The map of replication 0's partnerships (GA's three assessments: map, how effectively each
/// operates, its contribution to newcomers' settlement needs) as JSON.
pub fn partnerships_json(
    cfg: &Config,
    seed: u64,
    list: &[crate::model::partnership::Partnership],
) -> serde_json::Value {
    use crate::model::partnership::SECTORS;
    // the model's clock starts at the warm-up; the file's months count from the reported start
    // (month 0), so a partnership formed during the warm-up has a negative formation month
    let end = cfg.simulation.duration_months;
    let warmup = i64::from(cfg.simulation.warmup_months);
    let reported = |m: u32| i64::from(m) - warmup;
    let ps: Vec<serde_json::Value> = list
        .iter()
        .map(|p| {
            let ty = p.typology();
            let mut others = serde_json::Map::new();
            for (k, &n) in p.other_orgs.iter().enumerate() {
                if n > 0 {
                    others.insert(SECTORS[k].into(), n.into());
                }
            }
            let mut structures: Vec<&str> = Vec::new();
            if p.parent.is_some() {
                // a formal working group of some of an informal partnership's members
                structures.push("working group");
            } else if p.formal {
                structures.extend(["council", "immigrant advisory table"]);
            } else {
                structures.push("informal meetings");
            }
            if p.alignment >= 3 {
                structures.push("project teams");
            }
            if p.secretariat {
                structures.push("funded secretariat");
            }
            serde_json::json!({
                "id": p.id,
                "convener": p.convener.name(),
                "parent": p.parent,
                "formal": p.formal,
                "secretariat": p.secretariat,
                "open_membership": p.open,
                "structures": structures,
                "members": p.members,
                "ever_members": p.ever_members,
                "other_organizations": others,
                "typology": {
                    "geographic_area": ty[0],
                    "number_of_sectors": ty[1],
                    "number_of_partners": ty[2],
                    "types_of_partners": ty[3],
                    "alignment": ty[4],
                },
                "sectors": p.sectors(),
                "partners": p.partners(),
                "operation": {
                    "operating": p.alive(),
                    "formed_month": reported(p.formed_month),
                    "dissolved_month": p.dissolved_month.map(reported),
                    // an informal partnership that formalised at a funder's call (§7.33)
                    "formalised_month": p.formalised_month.map(reported),
                    "age_months": p.months,
                    "alignment_level": p.alignment,
                    "alignment_max_reached": p.alignment_max_reached,
                    "champion": p.champion,
                    "cohesion": p.cohesion,
                    "cohesion_mean": p.cohesion_mean(),
                },
                "contribution": {
                    "referral_hours": p.referral_hours,
                    "reporting_hours_saved": p.reporting_hours_saved,
                    "proposal_hours_saved": p.proposal_hours_saved,
                    "meeting_hours": p.meeting_hours,
                    "member_months": p.member_months,
                },
            })
        })
        .collect();
    serde_json::json!({
        "replication": 0,
        "seed": seed,
        "months": end,
        "isos": cfg.simulation.isos,
        "sectors": SECTORS,
        "alignments": crate::params::ALIGNMENTS,
        "partnerships": ps,
    })
}
