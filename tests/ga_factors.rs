//! Garcea and Ashton's further factors (ODD §7.33): preconceptions, directors' self-interest,
//! formal commitment and fee-for-service businesses. Each pattern is checked by direction with
//! common random numbers, and disappears under its ablation. Numbers are printed
//! (`cargo test --release --test ga_factors -- --nocapture`), never asserted as values.

use partnersim::model::partnership::Partnership;
use partnersim::model::{Config, Model};

#[path = "common/sample.rs"]
mod sample;
use sample::{mean_ci, replication_at_end, R, SEED};
#[path = "common/scenarios.rs"]
mod scenarios;
use scenarios::scenario_with;

/// What one replication leaves behind (stepped to its end).
struct Rep {
    list: Vec<Partnership>,
    prior0: Vec<f64>,
    prior_end: Vec<f64>,
    /// self-interest draw of each (partnership, ever-member)
    member_draws: Vec<f64>,
    businesses: u32,
    earned: f64,
    cash_mean: f64,
    survivors: usize,
}

fn reps(cfg: &Config) -> Vec<Rep> {
    (0..R)
        .map(|r| {
            let model = replication_at_end(cfg, r);
            let ga = model.partnership_ga();
            let list = model.partnerships().to_vec();
            let member_draws = list
                .iter()
                .flat_map(|p| {
                    p.ever_members
                        .iter()
                        .map(|&i| ga.self_interest_draw(p.id, i))
                })
                .collect();
            let alive: Vec<f64> = model
                .isos
                .iter()
                .filter(|x| x.alive)
                .map(|x| x.cash)
                .collect();
            Rep {
                prior0: ga.prior0.clone(),
                prior_end: ga.prior.clone(),
                member_draws,
                businesses: ga.businesses,
                earned: ga.earned_total,
                cash_mean: alive.iter().sum::<f64>() / alive.len().max(1) as f64,
                survivors: alive.len(),
                list,
            }
        })
        .collect()
}

/// Per replication: mean partnerships joined by ISOs with a preconception above the median
/// less that of ISOs below it.
fn join_gap(rep: &Rep) -> f64 {
    let n = rep.prior0.len();
    let mut sorted = rep.prior0.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[n / 2];
    let joins = |i: usize| {
        rep.list
            .iter()
            .filter(|p| p.ever_members.contains(&i))
            .count()
    };
    let (mut hi, mut nh, mut lo, mut nl) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..n {
        if rep.prior0[i] >= median {
            hi += joins(i) as f64;
            nh += 1.0;
        } else {
            lo += joins(i) as f64;
            nl += 1.0;
        }
    }
    hi / f64::max(nh, 1.0) - lo / f64::max(nl, 1.0)
}

/// Per replication: the mean self-interest draw of members (0 when directors' interest plays
/// no part in who joins and stays).
fn member_draw_mean(rep: &Rep) -> f64 {
    rep.member_draws.iter().sum::<f64>() / rep.member_draws.len().max(1) as f64
}

/// Kind statistics over replications: (formed, mean months operated, dissolutions per
/// partnership-month, departures per member-month).
fn kind(reps: &[Rep], formal: bool) -> (usize, f64, f64, f64) {
    let ps: Vec<&Partnership> = reps
        .iter()
        .flat_map(|r| r.list.iter())
        .filter(|p| p.formal == formal)
        .collect();
    let months: f64 = ps.iter().map(|p| f64::from(p.months)).sum();
    let dissolved = ps.iter().filter(|p| p.dissolved_month.is_some()).count() as f64;
    let departures: f64 = ps.iter().map(|p| f64::from(p.departures)).sum();
    let member_months: f64 = ps.iter().map(|p| p.member_months).sum();
    (
        ps.len(),
        months / ps.len().max(1) as f64,
        dissolved / months.max(1.0),
        departures / member_months.max(1.0),
    )
}

fn report(name: &str, reps: &[Rep]) {
    let gap: Vec<f64> = reps.iter().map(join_gap).collect();
    let draw: Vec<f64> = reps.iter().map(member_draw_mean).collect();
    let (g, gl, gh) = mean_ci(&gap);
    let (d, dl, dh) = mean_ci(&draw);
    eprintln!("{name}:");
    eprintln!("  joins, mania half - phobia half: {g:.3} [{gl:.3}, {gh:.3}]");
    eprintln!("  members' self-interest draw: {d:.3} [{dl:.3}, {dh:.3}]");
    let shift: Vec<f64> = reps
        .iter()
        .map(|r| {
            let n = r.prior0.len().max(1) as f64;
            r.prior_end
                .iter()
                .zip(&r.prior0)
                .map(|(a, b)| a - b)
                .sum::<f64>()
                / n
        })
        .collect();
    let (p, pl, ph) = mean_ci(&shift);
    eprintln!("  mean preconception, end - start: {p:.3} [{pl:.3}, {ph:.3}]");
    for formal in [false, true] {
        let (n, life, diss, dep) = kind(reps, formal);
        eprintln!(
            "  {}: {n} formed, {life:.1} months operated on average, {diss:.4} dissolutions per partnership-month, {dep:.4} departures per member-month",
            if formal { "formal  " } else { "informal" }
        );
    }
    let b: u32 = reps.iter().map(|r| r.businesses).sum();
    let e: f64 = reps.iter().map(|r| r.earned).sum();
    let cash: Vec<f64> = reps.iter().map(|r| r.cash_mean).collect();
    let surv: f64 = reps.iter().map(|r| r.survivors as f64).sum::<f64>() / R as f64;
    eprintln!(
        "  businesses {:.2} per replication, earned {:.0} CAD per replication; mean cash {:.0}; survivors {surv:.1}",
        f64::from(b) / R as f64,
        e / R as f64,
        mean_ci(&cash).0
    );
}

#[test]
fn measure_ga_factors() {
    for (name, cfg) in [
        ("brandon", scenario_with("brandon_informal", &[])),
        ("calgary", scenario_with("calgary_lip", &[])),
        (
            "brandon, no GA factors",
            scenario_with(
                "brandon_informal",
                &[
                    ("partnerships.preconception_weight", 0.0),
                    ("partnerships.self_interest_spread", 0.0),
                    ("partnerships.spinoff_rate_per_year", 0.0),
                ],
            ),
        ),
        (
            "calgary, no GA factors",
            scenario_with(
                "calgary_lip",
                &[
                    ("partnerships.preconception_weight", 0.0),
                    ("partnerships.self_interest_spread", 0.0),
                    ("partnerships.spinoff_rate_per_year", 0.0),
                ],
            ),
        ),
        (
            "calgary, no commitment",
            scenario_with("calgary_lip", &[("partnerships.agreement_months", 1.0)]),
        ),
        (
            "brandon, no commitment",
            scenario_with(
                "brandon_informal",
                &[("partnerships.agreement_months", 1.0)],
            ),
        ),
    ] {
        report(name, &reps(&cfg));
    }
}

fn brandon(pairs: &[(&str, f64)]) -> Vec<Rep> {
    reps(&scenario_with("brandon_informal", pairs))
}

fn contains_zero((_, lo, hi): (f64, f64, f64)) -> bool {
    lo <= 0.0 && hi >= 0.0
}

/// Preconceptions (GA: mania and phobia): ISOs whose prior lies in the mania half join more
/// partnerships than those in the phobia half; with `preconception_weight = 0` the gap goes.
#[test]
fn preconceptions_sort_who_joins_and_the_gap_goes_without_them() {
    let on = mean_ci(&brandon(&[]).iter().map(join_gap).collect::<Vec<_>>());
    let off = mean_ci(
        &brandon(&[("partnerships.preconception_weight", 0.0)])
            .iter()
            .map(join_gap)
            .collect::<Vec<_>>(),
    );
    eprintln!("join gap mania - phobia: on {on:?}, off {off:?}");
    assert!(on.1 > 0.0, "mania joins more: {on:?}");
    assert!(contains_zero(off), "no gap without preconceptions: {off:?}");
}

/// Personal self-interest: the directors of members expect a private gain on average (they
/// join and stay when it pays them); with `self_interest_spread = 0` members' draws average 0.
#[test]
fn members_directors_gain_and_the_selection_goes_without_self_interest() {
    let on = mean_ci(
        &brandon(&[])
            .iter()
            .map(member_draw_mean)
            .collect::<Vec<_>>(),
    );
    let off = mean_ci(
        &brandon(&[("partnerships.self_interest_spread", 0.0)])
            .iter()
            .map(member_draw_mean)
            .collect::<Vec<_>>(),
    );
    eprintln!("members' self-interest draw: on {on:?}, off {off:?}");
    assert!(on.1 > 0.0, "members' directors gain: {on:?}");
    assert!(
        contains_zero(off),
        "no selection without self-interest: {off:?}"
    );
}

/// Informal partnerships form more often and formal ones last: informal members leave (their
/// disposition turns against the partnership) while formal members are held by their
/// agreement, so informal partnerships dissolve at a higher rate than formal ones, and the
/// gap between the kinds widens with the factors on. Without preconceptions and
/// self-interest nobody leaves by disposition.
#[test]
fn informal_ones_are_fragile_formal_ones_last() {
    let off_pairs = [
        ("partnerships.preconception_weight", 0.0),
        ("partnerships.self_interest_spread", 0.0),
    ];
    for name in ["brandon_informal", "calgary_lip"] {
        let on = reps(&scenario_with(name, &[]));
        let off = reps(&scenario_with(name, &off_pairs));
        let (nf_i, _, diss_i, dep_i) = kind(&on, false);
        let (nf_f, _, diss_f, dep_f) = kind(&on, true);
        let (_, _, off_i, off_dep_i) = kind(&off, false);
        let (_, _, off_f, off_dep_f) = kind(&off, true);
        eprintln!(
            "{name}: formed informal {nf_i} formal {nf_f}; dissolutions per partnership-month informal {diss_i:.4} formal {diss_f:.4} (off: {off_i:.4}, {off_f:.4}); departures per member-month informal {dep_i:.4} formal {dep_f:.4}"
        );
        assert!(nf_i > nf_f, "{name}: informal ones form more often");
        assert!(diss_i > diss_f, "{name}: formal ones last");
        assert!(dep_i > dep_f, "{name}: formal members are held");
        // the factors raise informal partnerships' dissolution rate more than formal ones'
        // (a difference of rates: formal rates are near 0, so their ratio is unstable)
        assert!(
            diss_i - off_i > diss_f - off_f,
            "{name}: the factors widen the gap between kinds"
        );
        assert_eq!((off_dep_i, off_dep_f), (0.0, 0.0), "{name}: nobody leaves");
    }
}

/// Fee-for-service businesses (Brandon): mature partnerships spin them off and they earn
/// margin for members; some fail when demand falls short (demand uncertainty). Without demand
/// uncertainty none fails; with `spinoff_rate_per_year = 0` none starts.
#[test]
fn mature_partnerships_spin_off_businesses_that_fail_only_with_uncertain_demand() {
    let failed = |reps: &[Rep]| -> usize {
        reps.iter()
            .flat_map(|r| r.list.iter())
            .filter(|p| p.business.as_ref().is_some_and(|b| b.failed))
            .count()
    };
    let on = brandon(&[]);
    let started: u32 = on.iter().map(|r| r.businesses).sum();
    let earned: f64 = on.iter().map(|r| r.earned).sum();
    let sure = brandon(&[("partnerships.spinoff_demand_cv", 0.0)]);
    let none = brandon(&[("partnerships.spinoff_rate_per_year", 0.0)]);
    eprintln!(
        "businesses {started}, earned {earned:.0}, failed {} (certain demand: {})",
        failed(&on),
        failed(&sure)
    );
    assert!(started > 0 && earned > 0.0);
    for p in on.iter().flat_map(|r| r.list.iter()) {
        if let Some(b) = &p.business {
            assert!(b.started >= p.formed_month + 24, "only mature partnerships");
        }
    }
    assert!(failed(&on) > 0, "uncertain demand makes some fail");
    assert_eq!(
        failed(&sure),
        0,
        "certain demand above overhead: none fails"
    );
    assert!(none.iter().all(|r| r.businesses == 0 && r.earned == 0.0));
}

/// Pattern 8 (unmet need lower with partnerships than without) with and without the GA
/// factors, printed: informal partnerships that members leave deliver less coordination.
#[test]
fn measure_pattern_8_with_and_without_ga_factors() {
    use partnersim::metrics::metric_index;
    let k = metric_index("unmet_need_share").expect("metric");
    let run = |cfg: &Config| -> Vec<f64> {
        (0..R)
            .map(|r| Model::new(cfg, SEED, r).run().summary[k])
            .collect()
    };
    let control = run(&scenario_with("no_partnership", &[]));
    let off = [
        ("partnerships.preconception_weight", 0.0),
        ("partnerships.self_interest_spread", 0.0),
        ("partnerships.spinoff_rate_per_year", 0.0),
        ("partnerships.formal_setup_hours", 0.0),
    ];
    for name in ["calgary_lip", "brandon_informal"] {
        for (label, pairs) in [("with GA factors", &off[..0]), ("without", &off[..])] {
            let x = run(&scenario_with(name, pairs));
            let d: Vec<f64> = x.iter().zip(&control).map(|(a, b)| a - b).collect();
            let (m, lo, hi) = mean_ci(&d);
            eprintln!(
                "{name} {label}: unmet_need_share - no_partnership {m:.6} [{lo:.6}, {hi:.6}]"
            );
        }
    }
}
