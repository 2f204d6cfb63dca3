//! Responses the sources say are monotone, tested as monotone (ODD §1.3): over a grid of at
//! least three values, on common random numbers, each step's paired difference must not go
//! the wrong way beyond Monte Carlo noise (its 95% interval may not lie wholly on the wrong
//! side of zero), and the grid's ends must differ in the expected direction, so a lever whose
//! mechanism is switched off fails the test.

use crate::util::{column, load_with, summaries, Dir};
use partnersim::params::FUNDERS;
use partnersim::stats::paired;

/// Replications per grid value.
const R: u64 = 80;

/// Expands `funders.*.key=value` to every funder.
fn sets(path: &str, value: f64) -> Vec<String> {
    match path.strip_prefix("funders.*.") {
        Some(key) => FUNDERS
            .iter()
            .map(|f| format!("funders.{f}.{key}={value}"))
            .collect(),
        None => vec![format!("{path}={value}")],
    }
}

/// Runs the baseline (with `extra` overrides) at each value of `path` and checks that `metric`
/// moves monotonically in direction `dir`.
fn monotone(path: &str, values: &[f64], metric: &str, dir: Dir, extra: &[&str]) {
    monotone_from("baseline", path, values, metric, dir, extra);
}

/// [`monotone`] from the shipped scenario `stem` instead of the baseline.
fn monotone_from(stem: &str, path: &str, values: &[f64], metric: &str, dir: Dir, extra: &[&str]) {
    monotone_reps(stem, path, values, metric, dir, extra, R);
}

/// [`monotone_from`] with `reps` replications per value instead of [`R`].
fn monotone_reps(
    stem: &str,
    path: &str,
    values: &[f64],
    metric: &str,
    dir: Dir,
    extra: &[&str],
    reps: u64,
) {
    assert!(values.len() >= 3, "a grid of at least three values");
    let cols: Vec<Vec<f64>> = values
        .iter()
        .map(|&v| {
            let mut all: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
            all.extend(sets(path, v));
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            column(&summaries(&load_with(stem, &refs), reps), metric)
        })
        .collect();
    // The grid's means, for a reader running `cargo test --test suite monotone -- --nocapture`.
    let means: Vec<String> = values
        .iter()
        .zip(&cols)
        .map(|(v, c)| format!("{v}: {:.4}", c.iter().sum::<f64>() / c.len() as f64))
        .collect();
    eprintln!(
        "{metric} against {path} ({reps} reps each): {}",
        means.join(", ")
    );
    let wrong = |lo: f64, hi: f64| match dir {
        Dir::Up => hi < 0.0,
        Dir::Down => lo > 0.0,
    };
    for k in 1..values.len() {
        let p = paired(&cols[k], &cols[k - 1]);
        assert!(
            !wrong(p.diff_ci95_low, p.diff_ci95_high),
            "{metric} against {path}: from {} to {} it moved {:+.5} (95% CI {:+.5}..{:+.5}), expected {dir:?}",
            values[k - 1],
            values[k],
            p.diff_mean,
            p.diff_ci95_low,
            p.diff_ci95_high
        );
    }
    let ends = paired(&cols[values.len() - 1], &cols[0]);
    let clear = match dir {
        Dir::Up => ends.diff_ci95_low > 0.0,
        Dir::Down => ends.diff_ci95_high < 0.0,
    };
    assert!(
        clear,
        "{metric} against {path}: from {} to {} it moved {:+.5} (95% CI {:+.5}..{:+.5}); expected a clear {dir:?}",
        values[0],
        values[values.len() - 1],
        ends.diff_mean,
        ends.diff_ci95_low,
        ends.diff_ci95_high
    );
}

#[test]
fn survival_rises_with_the_credit_line() {
    monotone(
        "iso.credit_line_months",
        &[0.0, 0.5, 1.0, 1.5],
        "survival_rate",
        Dir::Up,
        &[],
    );
}

/// Opening reserves set the state at the start of the warm-up; after it, reserves follow the
/// regime (the reserve target) and the opening level no longer matters. Their effect is
/// therefore tested on runs reported from the start, without a warm-up. In the dated baseline
/// (five-year federal agreements decided before they start) almost no ISO closes in ten years
/// whatever its opening reserves, so the test runs where cash gaps close ISOs: the annual era.
#[test]
fn survival_rises_with_opening_reserves() {
    monotone_from(
        "annual_2010s",
        "iso.reserve_months_median",
        &[0.5, 1.0, 2.0, 4.0],
        "survival_rate",
        Dir::Up,
        &["simulation.warmup_months=0"],
    );
}

#[test]
fn survival_rises_with_the_reserve_target() {
    monotone(
        "iso.reserve_target_months",
        &[0.0, 1.0, 2.0, 4.0],
        "survival_rate",
        Dir::Up,
        &[],
    );
}

#[test]
fn survival_rises_with_insolvency_grace() {
    monotone(
        "iso.insolvency_grace_months",
        &[1.0, 2.0, 3.0, 6.0],
        "survival_rate",
        Dir::Up,
        &[],
    );
}

/// Core money builds reserves against cash gaps; in the dated baseline there are few to bridge,
/// so the response is tested in the annual era, where they close ISOs. Since closures follow
/// lost agreements and their wind-down costs (ODD §7.11), 0 to 0.6 raises survival by only
/// about 0.027 (80 replications; interval just across zero), so the grid reaches 0.9.
#[test]
///
/// Most of the gain comes by a core share of 0.3; above it survival is flat. With the decision
/// authorities (ODD §7.30) the 80-replication interval of the whole range touched zero
/// (+0.025, 95% CI −0.007..+0.058) although the effect did not change: over 300 replications
/// (`partnersim compare`, seed 20240611) 0 to 0.9 raises survival by +0.042 (+0.033..+0.050)
/// with the authorities and +0.043 (+0.035..+0.051) with officers deciding. Hence 200
/// replications here.
fn survival_rises_with_core_share() {
    // the lever is the core share every agreement carries: funders do not choose their terms
    // (ODD 7.28), else `core_share` is only the share a funder prefers and returns to
    monotone_reps(
        "annual_2010s",
        "funders.*.core_share",
        &[0.0, 0.3, 0.6, 0.9],
        "survival_rate",
        Dir::Up,
        &[
            "funders.federal.terms_chosen=false",
            "funders.provincial.terms_chosen=false",
            "funders.municipal.terms_chosen=false",
            "funders.foundation.terms_chosen=false",
        ],
        200,
    );
}

#[test]
fn survival_falls_with_late_payment_probability() {
    monotone(
        "funders.*.late_payment_probability",
        &[0.0, 0.2, 0.35, 0.6],
        "survival_rate",
        Dir::Down,
        &[],
    );
}

#[test]
fn survival_falls_with_decision_delay() {
    monotone(
        "funders.*.decision_delay_months",
        &[0.0, 1.0, 2.0, 3.0],
        "survival_rate",
        Dir::Down,
        &[],
    );
}

#[test]
fn survival_and_clients_fall_with_reporting_hours() {
    // With closures driven by lost agreements and their wind-down costs (ODD §7.11), the
    // survival response to reporting hours is small: 0 to 80 hours lowers survival by about
    // 0.009 (80 replications; interval just across zero), so the grid reaches 160 hours.
    let grid = [0.0, 40.0, 80.0, 160.0];
    monotone(
        "funders.*.reporting_hours_per_month",
        &grid,
        "survival_rate",
        Dir::Down,
        &[],
    );
    // Reporting takes hours from service (MLH 5.3); fewer hours mean fewer clients only where
    // capacity binds (ODD §1.4): at the default demand ISOs have hours to spare, so the
    // response is tested with need per client at the top of its range, where capacity binds.
    monotone(
        "funders.*.reporting_hours_per_month",
        &grid,
        "clients_served",
        Dir::Down,
        &["newcomers.need_hours_per_client=200"],
    );
}
