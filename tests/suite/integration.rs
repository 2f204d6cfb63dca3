//! The long-term integration outcome has construct validity (ODD §7.2; MLH 6.1, 6.3):
//! sustained service to people past their first years raises it, so shifting service to
//! long-term need, or letting restricted money reach it, must not lower it.

use crate::util::{load_with, Arms};
use partnersim::model::newcomers::{Cohorts, Served};
use partnersim::model::Config;

const R: u64 = 80;

/// With the ISOs' hours held fixed (strategies fixed, funders' scores blind to performance, so
/// awards and staffing do not react), a higher holistic share does not lower integration.
#[test]
fn a_higher_holistic_share_does_not_lower_integration() {
    let fixed = [
        "iso.adaptive_strategies=false",
        "funders.federal.call_performance_weight=0",
        "funders.provincial.call_performance_weight=0",
        "funders.municipal.call_performance_weight=0",
        "funders.foundation.call_performance_weight=0",
    ];
    let with = |h: &str| {
        let mut s: Vec<&str> = fixed.to_vec();
        s.push(h);
        load_with("baseline", &s)
    };
    let low = with("iso.holistic_share=0");
    let high = with("iso.holistic_share=1");
    let a = Arms::run(&high, &low, R);
    // the same hours: service hours are equal to within a small share
    let hours = a.paired("service_hours");
    assert!(
        hours.diff_mean.abs() < 0.02 * hours.baseline_mean,
        "holistic share changed service hours by {} of {}",
        hours.diff_mean,
        hours.baseline_mean
    );
    let p = a.paired("integration_index");
    assert!(
        p.diff_ci95_high >= 0.0,
        "a higher holistic share lowered integration: {} (95% CI {}..{})",
        p.diff_mean,
        p.diff_ci95_low,
        p.diff_ci95_high
    );
}

/// Removing the federal eligibility window (restricted money may serve anyone) does not lower
/// integration while the sector's capacity is not short. Where it is short, open eligibility
/// lets longer-settled newcomers take hours from recent ones: at the default cut rate (federal
/// 0.2 a year, permanent; unmet need 0.067) integration falls by about 0.0005 (80 replications,
/// seed 42; interval below zero), a finding of ODD §1.3. The test therefore runs without
/// policy cuts (unmet need under 0.01).
#[test]
fn removing_the_eligibility_window_does_not_lower_integration() {
    let calm = "funders.federal.shock_probability_per_year=0";
    let base = load_with("baseline", &[calm]);
    let open = load_with(
        "baseline",
        &[calm, "funders.federal.eligibility_restricted=false"],
    );
    let p = Arms::run(&open, &base, R).paired("integration_index");
    assert!(
        p.diff_ci95_high >= 0.0,
        "removing the window lowered integration: {} (95% CI {}..{})",
        p.diff_mean,
        p.diff_ci95_low,
        p.diff_ci95_high
    );
}

/// At the cohorts themselves, with the hours served each month fixed: the same hours spent later
/// in newcomers' lives give at least as much long-term integration (equal with weight 1, more
/// with the default weight above 1).
#[test]
fn the_same_hours_later_in_life_integrate_at_least_as_well() {
    let c = Config::default().newcomers;
    let run = |late_share: f64| {
        let mut co = Cohorts::new(&c, c.arrivals_per_month);
        let mut sum = 0.0;
        for t in 0..240 {
            let pools = co.advance(&c, c.arrivals_per_month);
            // 60% of the month's new need is served, split between the pools
            let hours = 0.6 * pools.new_need;
            let late = (hours * late_share).min(pools.beyond);
            let early = (hours - late).min(pools.eligible);
            co.serve(
                &c,
                pools,
                Served {
                    eligible: early,
                    beyond: late,
                    effective_eligible: early,
                    effective_beyond: late,
                },
                early + late,
                t,
            );
            if t >= 120 {
                sum += co.integration_index();
            }
        }
        sum / 120.0
    };
    let (none, some, more) = (run(0.0), run(0.2), run(0.4));
    assert!(
        some >= none - 1e-12 && more >= some - 1e-12,
        "{none} {some} {more}"
    );
    assert!(
        more > none,
        "with a long-term weight above 1, later hours should integrate more"
    );
}
