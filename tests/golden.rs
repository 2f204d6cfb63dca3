//! Golden files: the `summary.csv` of a short run of two shipped scenarios, pinned.
//!
//! Every other test checks properties (directions, invariants, reproducibility), so a silent
//! change to the random streams or the model would pass them all. These compare the numbers a
//! run writes with the files committed in `tests/golden/`. Numbers are compared to a relative
//! 1e-9 (a C library's `exp` may round the last bit differently on another machine); anything
//! larger is a change of the model's output.
//!
//! A deliberate change to the model or its streams updates the files in the same commit, with the
//! reason in the commit message:
//!
//! ```sh
//! PARTNERSIM_BLESS=1 cargo test --release --test golden
//! ```

use std::path::{Path, PathBuf};

/// The command that regenerates the golden files.
const BLESS: &str = "PARTNERSIM_BLESS=1 cargo test --release --test golden";

#[path = "common/revision4.rs"]
mod revision4;
use revision4::REVISION_4_OFF;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `scenario` (20 replications, seed 42) with the `--set` overrides `sets` and returns
/// its `summary.csv`.
fn summary(scenario: &str, sets: &[&str], dir: &Path) -> String {
    let out = dir.join(scenario);
    let o = assert_cmd::Command::cargo_bin("partnersim")
        .unwrap()
        .arg("run")
        .arg(root().join("scenarios").join(format!("{scenario}.toml")))
        .arg("--out")
        .arg(&out)
        .args(["--reps", "20", "--seed", "42", "--threads", "2", "--quiet"])
        .args(sets.iter().flat_map(|s| ["--set", s]))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out.join("summary.csv")).unwrap()
}

/// The cells of `got` that differ from `want` by more than a relative 1e-9.
fn differences(got: &str, want: &str) -> Vec<String> {
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    if g.len() != w.len() {
        return vec![format!("{} lines, expected {}", g.len(), w.len())];
    }
    let mut d = Vec::new();
    for (gl, wl) in g.iter().zip(&w) {
        let (gc, wc): (Vec<&str>, Vec<&str>) = (gl.split(',').collect(), wl.split(',').collect());
        if gc.len() != wc.len() || gc[0] != wc[0] {
            d.push(format!("`{gl}` vs `{wl}`"));
            continue;
        }
        for (k, (a, b)) in gc.iter().zip(&wc).enumerate().skip(1) {
            let same = a == b
                || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y))
                    if (x - y).abs() <= 1e-9 * x.abs().max(y.abs()));
            if !same {
                d.push(format!("{} column {k}: {a} (expected {b})", gc[0]));
            }
        }
    }
    d
}

fn check(scenario: &str) {
    check_as(scenario, scenario, &[]);
}

/// Compares the run of `scenario` with overrides `sets` with the golden file `name`.
fn check_as(name: &str, scenario: &str, sets: &[&str]) {
    check_without(name, scenario, sets, &[]);
}

/// [`check_as`] without the rows of the metrics `added` (metrics the model before a mechanism
/// did not have).
fn check_without(name: &str, scenario: &str, sets: &[&str], added: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let got: String = summary(scenario, sets, dir.path())
        .lines()
        .filter(|l| !added.contains(&l.split(',').next().unwrap_or("")))
        .map(|l| format!("{l}\n"))
        .collect();
    let golden = root()
        .join("tests/golden")
        .join(format!("{name}.summary.csv"));
    if std::env::var_os("PARTNERSIM_BLESS").is_some() {
        std::fs::write(&golden, &got).unwrap();
        eprintln!("wrote {}", golden.display());
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .unwrap_or_else(|e| panic!("{}: {e}; create it with `{BLESS}`", golden.display()));
    let d = differences(&got, &want);
    assert!(
        d.is_empty(),
        "the summary of `partnersim run scenarios/{scenario}.toml --reps 20 --seed 42` differs from {}:\n  {}\n\
         If the model or its random streams changed on purpose, regenerate the golden files with\n  {BLESS}\n\
         and commit them in the same commit as the change, saying why the numbers moved.",
        golden.display(),
        d.iter().take(12).cloned().collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn baseline_summary_matches_the_golden_file() {
    check("baseline");
}

/// A second regime, with local partnerships (their submodels are off in the baseline).
#[test]
fn calgary_lip_summary_matches_the_golden_file() {
    check("calgary_lip");
}

/// The money side of revision 3 switched off (closure after the fourth consecutive missed
/// payroll, no wind-down costs, no board check, no holdback, cuts by termination only, rare
/// and recovering as before), with revision 4's mechanisms off as well, gives the numbers of
/// the model before revision 3, to the last bit: `baseline_money_off.summary.csv` is the
/// baseline's golden file from before revision 3 (the metrics added since are left out of the
/// comparison), and is never re-blessed unless the rest of the model changes too.
#[test]
fn baseline_with_the_money_mechanisms_off_matches_the_model_before_them() {
    let sets: Vec<&str> = MONEY_OFF.iter().chain(REVISION_4_OFF).copied().collect();
    check_without("baseline_money_off", "baseline", &sets, REVISION_4_METRICS);
}

/// Revision 4's mechanisms (issue #25) switched off — decision authorities that follow their
/// officers (ODD §7.30), funders that do not choose their terms (§7.28), unlimited alternatives
/// and no emergency contracts (§7.29), no host-community term in integration (§7.32), no
/// preconceptions, self-interest, formal setup or businesses in partnerships (§7.33); the
/// umbrella body (§7.31) is off by default — give the numbers of revision 3, to the last bit,
/// in the baseline and in a regime with local partnerships: `*_rev3.summary.csv` are those
/// scenarios' golden files from before revision 4 (its new metrics are left out of the
/// comparison), and are never re-blessed unless the rest of the model changes too.
#[test]
fn revision_4_switched_off_matches_revision_3() {
    for scenario in ["baseline", "calgary_lip"] {
        check_without(
            &format!("{scenario}_rev3"),
            scenario,
            REVISION_4_OFF,
            REVISION_4_METRICS,
        );
    }
}

/// Funders blind to their own costs (ODD §7.28: `terms_oversight_weight` and
/// `terms_cost_per_client_weight` 0 for every funder) give the numbers of the model before
/// funders weighed oversight cost and cost per client, to the last bit, in the baseline and in a
/// regime with local partnerships: `*_costs_off.summary.csv` are those scenarios' golden files
/// from before (re-blessed only when the rest of the model changes too).
#[test]
fn funders_blind_to_their_own_costs_match_the_model_before_them() {
    for scenario in ["baseline", "calgary_lip"] {
        check_as(&format!("{scenario}_costs_off"), scenario, &costs_off());
    }
}

/// The overrides that switch off the funders' own costs in their choice of terms (§7.28): the
/// rows of revision 4's switch-off list that set their two weights.
fn costs_off() -> Vec<&'static str> {
    let sets: Vec<&'static str> = REVISION_4_OFF
        .iter()
        .filter(|s| {
            s.contains(".terms_oversight_weight=") || s.contains(".terms_cost_per_client_weight=")
        })
        .copied()
        .collect();
    assert_eq!(
        sets.len(),
        8,
        "two weights for each of the four funders: {sets:?}"
    );
    sets
}

/// The metrics revision 4 added (not in the golden files from before it).
const REVISION_4_METRICS: &[&str] = &[
    "partnership_spinoffs",
    "partnership_earned_revenue",
    "partnership_convenings",
    "partnerships_formed_formal",
    "recommendations_overturned_share",
    "authority_delay_months",
    "receptivity",
    "community_work",
    "umbrella_membership_share",
    "sector_voice",
    "umbrella_member_hours",
    "federal_unserved_hours",
    "federal_emergency_spend",
    "provincial_unserved_hours",
    "provincial_emergency_spend",
    "municipal_unserved_hours",
    "municipal_emergency_spend",
    "foundation_unserved_hours",
    "foundation_emergency_spend",
    "federal_offered_contract_months",
    "federal_offered_core_share",
    "federal_offered_reporting_scale",
    "provincial_offered_contract_months",
    "provincial_offered_core_share",
    "provincial_offered_reporting_scale",
    "municipal_offered_contract_months",
    "municipal_offered_core_share",
    "municipal_offered_reporting_scale",
    "foundation_offered_contract_months",
    "foundation_offered_core_share",
    "foundation_offered_reporting_scale",
    "federal_offered_late_payment_probability",
    "provincial_offered_late_payment_probability",
    "municipal_offered_late_payment_probability",
    "foundation_offered_late_payment_probability",
];

/// The overrides that switch the money mechanisms of revision 3 off and restore the earlier
/// defaults they replaced.
const MONEY_OFF: &[&str] = &[
    "iso.insolvency_grace_months=3",
    "iso.winddown_severance_months=0",
    "iso.winddown_fixed_cost_months=0",
    "iso.winddown_horizon_months=0",
    "funders.federal.holdback_share=0",
    "funders.provincial.holdback_share=0",
    "funders.foundation.holdback_share=0",
    "funders.federal.shock_probability_per_year=0.03",
    "funders.federal.shock_recovery_months=60",
    "funders.provincial.shock_recovery_months=60",
    "funders.municipal.shock_recovery_months=60",
    "funders.foundation.shock_recovery_months=60",
    "funders.federal.shock_amend_share=0",
    "funders.provincial.shock_amend_share=0",
    "funders.municipal.shock_amend_share=0",
    "funders.foundation.shock_amend_share=0",
];

#[test]
fn the_comparison_tolerates_only_the_last_bits() {
    let want = "metric,mean\nx,0.30000000000000004\ny,2\n";
    assert!(differences("metric,mean\nx,0.3\ny,2\n", want).is_empty());
    assert_eq!(
        differences("metric,mean\nx,0.3000001\ny,2\n", want).len(),
        1
    );
    assert_eq!(differences("metric,mean\nx,0.3\n", want).len(), 1);
}
