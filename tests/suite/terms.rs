//! Funder terms (ODD §7.28): when the sector's failures cost a funder more, the terms it offers
//! move toward the sector (longer agreements, more core money, lighter reporting) within its
//! mandate, and back when they stop costing it; a fixed mandate keeps them still.

use crate::util::{column, load, load_with, Arms, Dir, SEED};
use partnersim::model::timeline::{Event, EventKind};
use partnersim::model::Model;
use partnersim::params::index_of;

/// Replications of each arm.
const REPS: u64 = 30;

/// Replications of each arm for the effects of a funder's own costs, smaller than those of the
/// region's failures: the emergency weight's effect on the provincial contract length was at
/// the edge of 30 replications' interval already before the funders weighed oversight (diff
/// +0.16 months, 95% CI +0.01..+0.31 at seed 20240611), and a third more of the reports to read
/// adds some 38 oversight hours a month to the provincial funder's 138.
const COST_REPS: u64 = 100;

/// The offered terms of the funders that choose theirs in the baseline, with the direction
/// that is toward the sector.
const OFFERED: [(&str, Dir); 8] = [
    ("provincial_offered_contract_months", Dir::Up),
    ("provincial_offered_core_share", Dir::Up),
    ("provincial_offered_reporting_scale", Dir::Down),
    ("provincial_offered_late_payment_probability", Dir::Down),
    ("municipal_offered_contract_months", Dir::Up),
    ("municipal_offered_core_share", Dir::Up),
    ("municipal_offered_reporting_scale", Dir::Down),
    ("municipal_offered_late_payment_probability", Dir::Down),
];

/// Overrides that fix every funder's terms (the ablation).
const FIXED: [&str; 4] = [
    "funders.federal.terms_chosen=false",
    "funders.provincial.terms_chosen=false",
    "funders.municipal.terms_chosen=false",
    "funders.foundation.terms_chosen=false",
];

#[test]
fn costly_failures_move_terms_toward_the_sector_and_a_fixed_mandate_keeps_them() {
    // frequent policy shocks leave more need unmet and close ISOs: the funders' ledgers read
    // a costlier year more often
    let arms = Arms::run(&load("funding_cuts"), &load("baseline"), REPS);
    arms.expect("unmet_need_share", Dir::Up);
    for (metric, dir) in OFFERED {
        arms.expect(metric, dir);
    }
    // ablation: with every mandate fixed, the terms offered are the configured ones in both
    let fixed = Arms::run(
        &load_with("funding_cuts", &FIXED),
        &load_with("baseline", &FIXED),
        REPS,
    );
    for (metric, _) in OFFERED {
        let (a, b) = (column(&fixed.a, metric), column(&fixed.b, metric));
        assert_eq!(a, b, "{metric} moved under a fixed mandate");
        let first = a[0];
        assert!(
            a.iter().all(|&x| (x - first).abs() < 1e-9),
            "{metric} differs between replications under a fixed mandate: {a:?}"
        );
    }
}

#[test]
fn terms_return_to_the_preferred_when_failures_stop_costing_the_funder() {
    // from reported month 60 the provincial and municipal funders put no weight on unmet need,
    // closures, emergency spending, the sector's voice or their own costs: only the value they
    // put on their preferred terms is left
    let s = load("funding_cuts");
    let mut cfg = s.config();
    let sets: Vec<(usize, f64)> = ["provincial", "municipal"]
        .iter()
        .flat_map(|f| {
            [
                "terms_unserved_weight",
                "terms_closure_weight",
                "terms_emergency_weight",
                "terms_voice_weight",
                "terms_oversight_weight",
                "terms_cost_per_client_weight",
            ]
            .map(|p| {
                let path = format!("funders.{f}.{p}");
                (index_of(&path).expect("registered"), 0.0)
            })
        })
        .collect();
    cfg.timeline.push(Event {
        month: 60,
        kind: EventKind::Set(sets),
    });
    let metrics = [
        "provincial_offered_contract_months",
        "provincial_offered_core_share",
        "provincial_offered_reporting_scale",
        "municipal_offered_contract_months",
        "municipal_offered_core_share",
        "municipal_offered_reporting_scale",
        "provincial_offered_late_payment_probability",
        "municipal_offered_late_payment_probability",
    ];
    let idx: Vec<usize> = metrics.iter().map(|m| crate::util::idx(m)).collect();
    let (mut moved_before, mut months_after) = (0, 0);
    let preferred = [24.0, 0.0, 1.0, 12.0, 0.2, 1.0, 0.35, 0.35];
    for r in 0..REPS {
        let out = Model::new(&cfg, SEED, r).run();
        // before the switch, the terms moved away from the preferred in some month
        if out.months[..60].iter().any(|rec| {
            idx.iter()
                .zip(preferred)
                .any(|(&j, p)| (rec[j] - p).abs() > 1e-9)
        }) {
            moved_before += 1;
        }
        // three fiscal years after it, they are the preferred again in every month
        for (m, rec) in out.months.iter().enumerate().skip(60 + 36) {
            for ((&j, p), name) in idx.iter().zip(preferred).zip(metrics) {
                assert!(
                    (rec[j] - p).abs() < 1e-9,
                    "replication {r}, month {m}: {name} = {} (preferred {p})",
                    rec[j]
                );
            }
            months_after += 1;
        }
    }
    assert!(months_after > 0);
    assert!(
        moved_before * 3 >= REPS,
        "terms moved before the switch in only {moved_before} of {REPS} replications"
    );
}

/// `funders.<f>.<key>=<value>` for the provincial and municipal funders (those that choose their
/// terms in the baseline).
fn both_choosers(key: &str, value: &str) -> Vec<String> {
    ["provincial", "municipal"]
        .iter()
        .map(|f| format!("funders.{f}.{key}={value}"))
        .collect()
}

#[test]
fn a_sector_with_a_voice_moves_terms_toward_itself_and_without_an_umbrella_body_the_weight_is_idle()
{
    // the umbrella body speaks in the funders' choice of terms (ODD 7.28, 7.31): with its
    // weight the same cuts move the offered terms further toward the sector than without
    let mute = both_choosers("terms_voice_weight", "0");
    let mute: Vec<&str> = mute.iter().map(String::as_str).collect();
    let arms = Arms::run(
        &load("sector_voice"),
        &load_with("sector_voice", &mute),
        REPS,
    );
    arms.expect("provincial_offered_contract_months", Dir::Up);
    arms.expect("municipal_offered_core_share", Dir::Up);
    // ablation: without an umbrella body there is no voice, and the weight changes nothing
    let mut off = mute.clone();
    off.push("sector.umbrella_enabled=false");
    let quiet = Arms::run(
        &load_with("sector_voice", &["sector.umbrella_enabled=false"]),
        &load_with("sector_voice", &off),
        REPS,
    );
    for (metric, _) in OFFERED {
        assert_eq!(
            column(&quiet.a, metric),
            column(&quiet.b, metric),
            "{metric} moved with the voice's weight but no umbrella body"
        );
    }
}

#[test]
fn emergency_spending_moves_terms_toward_the_sector_and_off_it_does_nothing() {
    // what the funder pays for emergency contracts (ODD 7.29) is part of the cost it weighs
    let blind = both_choosers("terms_emergency_weight", "0");
    let blind: Vec<&str> = blind.iter().map(String::as_str).collect();
    let arms = Arms::run(
        &load("funding_cuts"),
        &load_with("funding_cuts", &blind),
        COST_REPS,
    );
    arms.expect("provincial_offered_contract_months", Dir::Up);
    // ablation: without emergency contracts (dependence off) the weight changes nothing
    let mut off = blind.clone();
    off.push("dependence.enabled=false");
    let none = Arms::run(
        &load_with("funding_cuts", &["dependence.enabled=false"]),
        &load_with("funding_cuts", &off),
        REPS,
    );
    for (metric, _) in OFFERED {
        assert_eq!(
            column(&none.a, metric),
            column(&none.b, metric),
            "{metric} moved with the emergency weight but no emergency contracts"
        );
    }
}

/// The provincial funder's offered terms, with the direction that is toward the sector.
const PROVINCIAL_OFFERED: [(&str, Dir); 4] = [
    ("provincial_offered_contract_months", Dir::Up),
    ("provincial_offered_core_share", Dir::Up),
    ("provincial_offered_reporting_scale", Dir::Down),
    ("provincial_offered_late_payment_probability", Dir::Down),
];

#[test]
fn heavier_oversight_moves_a_funders_terms_toward_the_sector_and_unweighed_it_does_nothing() {
    // oversight is the funder's own cost (ODD 7.28): three times the hours per file, or per
    // report read, make the provincial funder's oversight dearer, and longer, lighter terms
    // (fewer proposals and reports to review) are how it saves on it
    for heavy in [
        "funders.provincial.oversight_hours_per_file_month=9",
        "funders.provincial.review_hours_per_report=12",
    ] {
        let arms = Arms::run(
            &load_with("baseline", &[heavy]),
            &load("baseline"),
            COST_REPS,
        );
        arms.expect("provincial_oversight_hours", Dir::Up);
        for (metric, dir) in PROVINCIAL_OFFERED {
            arms.expect(metric, dir);
        }
        // ablation: a funder that does not weigh its oversight cost offers the same terms
        // whatever its oversight hours (bit for bit)
        let blind = "funders.provincial.terms_oversight_weight=0";
        let unweighed = Arms::run(
            &load_with("baseline", &[heavy, blind]),
            &load_with("baseline", &[blind]),
            REPS,
        );
        for (metric, _) in OFFERED {
            assert_eq!(
                column(&unweighed.a, metric),
                column(&unweighed.b, metric),
                "{metric} moved with {heavy} but no weight on oversight cost"
            );
        }
    }
}
