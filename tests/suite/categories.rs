//! Immigration categories (ODD §7.2): arrivals come as economic, family and refugee newcomers,
//! each with its own uptake and eligibility window; the per-category metrics add up to the
//! totals.

use crate::util::{idx, load, load_with, Arms, Dir, SEED};
use partnersim::model::Model;

/// At fixed arrivals, a larger refugee share (the category with the highest uptake, 89.4%
/// against 35-40%) means more clients: more newcomers served in a year.
#[test]
fn a_larger_refugee_share_serves_more_newcomers_at_fixed_arrivals() {
    let more = load_with(
        "baseline",
        &[
            "newcomers.economic_share=0.4",
            "newcomers.family_share=0.2",
            "newcomers.refugee_share=0.4",
        ],
    );
    let a = Arms::run(&more, &load("baseline"), 40);
    a.expect("unique_clients", Dir::Up);
    a.expect("unique_clients_refugee", Dir::Up);
    a.expect("unique_clients_economic", Dir::Down);
}

/// Every month, unique clients and waiting need by category sum to their totals.
#[test]
fn per_category_metrics_sum_to_the_totals() {
    let cfg = load("eligibility_2026").config();
    let pairs = [
        (
            "unique_clients",
            [
                "unique_clients_economic",
                "unique_clients_family",
                "unique_clients_refugee",
            ],
        ),
        (
            "waiting_need_hours",
            [
                "waiting_need_hours_economic",
                "waiting_need_hours_family",
                "waiting_need_hours_refugee",
            ],
        ),
    ];
    for rep in 0..2 {
        let out = Model::new(&cfg, SEED, rep).run();
        for (t, r) in out.months.iter().enumerate() {
            for (total, parts) in &pairs {
                let sum: f64 = parts.iter().map(|p| r[idx(p)]).sum();
                let tot = r[idx(total)];
                assert!(
                    (sum - tot).abs() <= 1e-9 * tot.max(1.0),
                    "month {t} of replication {rep}: {total} {tot} against the categories' {sum}"
                );
                assert!(parts.iter().all(|p| r[idx(p)] >= 0.0));
            }
        }
    }
}

/// The overall uptake the category defaults imply stays what StatCan gives for all categories
/// together (46.3%): a check of the sourced shares and uptakes against each other, not a value
/// any of them was set from.
#[test]
fn the_categories_overall_uptake_is_near_the_sourced_figure() {
    let c = load("baseline").config().newcomers;
    let overall = c.overall_uptake();
    assert!(
        (overall - 0.463).abs() < 0.02,
        "overall uptake {overall} from the category defaults against 0.463 (StatCan 2022)"
    );
    assert!((c.category_share.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}
