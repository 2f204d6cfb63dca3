//! Scenario timelines (ODD §7.26): an event changes nothing before its month, and what it
//! says from its month on.

use crate::util::{idx, load, SEED};
use partnersim::model::Model;
use partnersim::scenario::Scenario;

/// The baseline with extra TOML appended (events), read as a file next to the shipped ones.
fn baseline_plus(extra: &str) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("events.toml");
    let base = crate::util::scenario_path("baseline");
    std::fs::write(
        &p,
        format!("extends = {:?}\n{extra}", base.display().to_string()),
    )
    .unwrap();
    Scenario::load(&p).unwrap_or_else(|e| panic!("{e}"))
}

fn months(s: &Scenario, rep: u64) -> Vec<[f64; partnersim::metrics::N_METRICS]> {
    let cfg = s.config();
    Model::new(&cfg, SEED, rep).run().months
}

#[test]
fn an_event_changes_nothing_before_its_month() {
    let base = load("baseline");
    let s = baseline_plus(
        "[[events]]\nmonth = 36\n[events.set]\n\"funders.federal.contract_months\" = 36\n\"funders.federal.core_share\" = 0.3\n",
    );
    for rep in 0..4 {
        let (a, b) = (months(&s, rep), months(&base, rep));
        for t in 0..36 {
            assert_eq!(
                a[t].map(f64::to_bits),
                b[t].map(f64::to_bits),
                "month {t} of replication {rep} differs before the event"
            );
        }
        assert!(
            (36..120).any(|t| a[t] != b[t]),
            "the event changed nothing in replication {rep}"
        );
    }
}

#[test]
fn an_arrivals_event_multiplies_arrivals_for_its_duration() {
    let base = load("baseline");
    let s = baseline_plus("[[events]]\nmonth = 24\narrivals_factor = 0.5\nduration_months = 12\n");
    let k = idx("arrivals");
    for rep in 0..3 {
        let (a, b) = (months(&s, rep), months(&base, rep));
        for t in 0..24 {
            assert_eq!(a[t][k], b[t][k], "month {t}");
        }
        // same noise and surges: exactly half of the baseline's arrivals during the event
        for t in 24..36 {
            assert!(
                (a[t][k] - 0.5 * b[t][k]).abs() <= 1e-9 * b[t][k],
                "month {t}"
            );
        }
        for t in 36..120 {
            assert_eq!(a[t][k], b[t][k], "month {t}");
        }
    }
}

#[test]
fn a_budget_cut_with_termination_cuts_revenue_at_once() {
    let base = load("baseline");
    let s = baseline_plus(
        "[[events]]\nmonth = 30\nfunder = \"federal\"\nbudget_factor = 0.5\nterminate = true\n",
    );
    let k = idx("revenue_federal");
    let (mut before, mut after) = (0.0, 0.0);
    for rep in 0..6 {
        let (a, b) = (months(&s, rep), months(&base, rep));
        for t in 0..30 {
            assert_eq!(a[t][k], b[t][k], "month {t}");
        }
        before += b[31][k] + b[32][k];
        after += a[31][k] + a[32][k];
    }
    assert!(
        after < 0.75 * before,
        "federal revenue after a halved budget with terminations: {after} against {before}"
    );
}
