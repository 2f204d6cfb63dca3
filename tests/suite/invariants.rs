//! Invariants checked from outside the engine, month by month, and extreme cases.
//!
//! `cargo test --release` builds without debug assertions, so the engine's own
//! monthly checks (`check_invariants`) are off; these tests re-check what the
//! public state shows: newcomers and need hours conserved, every metric finite,
//! every share in [0, 1], closures consistent with the ISOs still operating.
//! The per-ISO cash ledger is private (revenue and costs are not observable), so
//! only its finiteness is checked here.

use crate::util::{config, idx, load, load_with, root, SEED};
use partnersim::input::scenario::Scenario;
use partnersim::metrics::{is_share, metric_index, MonthRecord, METRICS, REQUIRED};
use partnersim::model::{Config, Model};
use partnersim::params::{registry, Kind, FUNDERS};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const TOL: f64 = 1e-9;

/// What went wrong, for proptest and plain tests alike.
type Check = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => {
        let ok: bool = $cond;
        if !ok {
            return Err(format!($($arg)*));
        }
    };
}

/// Checks one month record: finite metrics, shares in [0, 1].
fn check_record(rec: &MonthRecord, what: &str) -> Check {
    for (k, v) in rec.iter().enumerate() {
        let name = METRICS[k].name;
        ensure!(v.is_finite(), "{what}: {name} = {v} is not finite");
        if is_share(k) {
            ensure!(
                (-TOL..=1.0 + TOL).contains(v),
                "{what}: share {name} = {v} outside [0, 1]"
            );
        }
    }
    Ok(())
}

/// Checks the public state of a model after a step.
fn check_state(m: &Model<'_>, was_alive: &mut [bool], what: &str) -> Check {
    let c = &m.cohorts;
    let followed = c.persons();
    let drift = c.persons_in - c.persons_out - followed;
    ensure!(
        drift.abs() <= 1e-6 * (1.0 + c.persons_in),
        "{what}: newcomers not conserved (in {} - out {} - followed {followed} = {drift})",
        c.persons_in,
        c.persons_out
    );
    let need = c.need_total - c.served_total - c.abandoned_total - c.waiting();
    ensure!(
        need.abs() <= 1e-6 * (1.0 + c.need_total),
        "{what}: need hours not conserved (arisen {} - served {} - abandoned {} - waiting {} = {need})",
        c.need_total,
        c.served_total,
        c.abandoned_total,
        c.waiting()
    );
    ensure!(
        c.served_total >= -TOL && c.abandoned_total >= -TOL && c.waiting() >= -1e-6,
        "{what}: negative need stock"
    );
    for (i, (iso, &(opening, revenue, costs))) in m.isos.iter().zip(m.ledger()).enumerate() {
        ensure!(iso.cash.is_finite(), "{what}: ISO {i} cash {}", iso.cash);
        let gap = opening + revenue - costs - iso.cash;
        ensure!(
            gap.abs() <= 1e-6 * (1.0 + opening.abs() + revenue + costs),
            "{what}: ISO {i} opening cash {opening} + revenue {revenue} - costs {costs} != closing cash {} (gap {gap})",
            iso.cash
        );
        ensure!(
            revenue >= 0.0 && costs >= 0.0,
            "{what}: ISO {i} negative revenue or costs"
        );
        ensure!(
            iso.experience.is_finite() && iso.experience >= 0.0,
            "{what}: ISO {i} experience {}",
            iso.experience
        );
        ensure!(
            (-TOL..=1.0 + TOL).contains(&iso.identity),
            "{what}: ISO {i} identity {}",
            iso.identity
        );
        ensure!(
            was_alive[i] || !iso.alive,
            "{what}: ISO {i} reopened after closing"
        );
        was_alive[i] = iso.alive;
    }
    for (k, r) in m.rels.iter().flatten().enumerate() {
        ensure!(
            (-TOL..=1.0 + TOL).contains(&r.trust),
            "{what}: relationship {k} trust {}",
            r.trust
        );
        ensure!(
            (-TOL..=1.0 + TOL).contains(&r.knowledge),
            "{what}: relationship {k} knowledge {}",
            r.knowledge
        );
        ensure!(
            r.monthly.is_finite() && r.monthly >= 0.0,
            "{what}: relationship {k} monthly {}",
            r.monthly
        );
        ensure!(
            r.held.is_finite() && r.held >= 0.0,
            "{what}: relationship {k} held {}",
            r.held
        );
    }
    for (f, fu) in m.funders.iter().enumerate() {
        ensure!(
            fu.budget.is_finite() && fu.budget >= 0.0,
            "{what}: funder {f} budget {}",
            fu.budget
        );
    }
    Ok(())
}

/// Steps one replication month by month (warm-up included), checking state, then checks the
/// recorded months and summary of the same replication against it.
fn check_replication(cfg: &Config, seed: u64, rep: u64) -> Check {
    let months = cfg.simulation.duration_months as usize;
    let warmup = cfg.simulation.warmup_months as usize;
    let n = cfg.simulation.isos;
    let out = Model::new(cfg, seed, rep).run();
    ensure!(
        out.months.len() == months,
        "{} months recorded, {months} expected",
        out.months.len()
    );
    let (surv, clos) = (idx("survival_rate"), idx("closures"));
    let mut m = Model::new(cfg, seed, rep);
    let mut was_alive = vec![true; n];
    for k in 0..warmup {
        m.step();
        check_state(
            &m,
            &mut was_alive,
            &format!("seed {seed} rep {rep} warm-up month {k}"),
        )?;
    }
    // survival and closures count from the first reported month
    let n0 = m.isos.iter().filter(|x| x.alive).count();
    let c = &m.cohorts;
    let (need0, served0) = (c.need_total - c.waiting(), c.served_total);
    for t in 0..months {
        m.step();
        let what = format!("seed {seed} rep {rep} month {t}");
        ensure!(m.t as usize == warmup + t + 1, "{what}: clock at {}", m.t);
        check_state(&m, &mut was_alive, &what)?;
        let rec = &out.months[t];
        check_record(rec, &what)?;
        let alive = m.isos.iter().filter(|x| x.alive).count();
        ensure!(
            (rec[surv] - alive as f64 / n0.max(1) as f64).abs() <= 1e-12,
            "{what}: survival_rate {} but {alive} of {n0} ISOs operate",
            rec[surv]
        );
        ensure!(
            rec[clos] == (n0 - alive) as f64,
            "{what}: closures {} but {} ISOs closed",
            rec[clos],
            n0 - alive
        );
    }
    check_record(&out.summary, &format!("seed {seed} rep {rep} summary"))?;
    // the summary's unmet need is over the reported months: waiting need at their start plus
    // need that arose since, against what was served since
    let c = &m.cohorts;
    let need = c.need_total - need0;
    if need > 0.0 {
        let unmet = (1.0 - (c.served_total - served0) / need).clamp(0.0, 1.0);
        let got = out.summary[idx("unmet_need_share")];
        ensure!(
            (got - unmet).abs() <= 1e-9,
            "seed {seed} rep {rep}: summary unmet_need_share {got}, cohorts say {unmet}"
        );
    }
    Ok(())
}

#[test]
fn baseline_invariants_hold_every_month() {
    let s = load("baseline");
    let cfg = config(&s);
    for rep in 0..4 {
        check_replication(&cfg, SEED, rep).unwrap();
    }
}

#[test]
fn shipped_variants_invariants_hold_every_month() {
    for stem in [
        "annual_2010s",
        "multi_year_core",
        "prompt_payment",
        "core_on_time",
        "heavy_reporting",
        "outcome_reporting",
        "fast_rotation",
        "stable_officers",
        "diversified",
        "funding_cuts",
        "diversified_cuts",
        "lagging_budget",
    ] {
        let s = load_with(
            stem,
            &["simulation.isos=15", "simulation.duration_months=60"],
        );
        let cfg = config(&s);
        for rep in 0..2 {
            check_replication(&cfg, SEED, rep).unwrap_or_else(|e| panic!("{stem}: {e}"));
        }
    }
}

/// A parameter value chosen from a (selector, uniform) pair: min, max, default,
/// uniform over the range, or around the default.
fn pick(k: usize, sel: u8, u: f64) -> f64 {
    let s = &registry()[k];
    match s.kind {
        Kind::Bool => f64::from(u8::from(u < 0.5)),
        Kind::Choice(words) => ((u * words.len() as f64).floor()).min(words.len() as f64 - 1.0),
        Kind::Float | Kind::Int => {
            let v = match sel {
                0 => s.min,
                1 => s.max,
                2 => s.default,
                3 => s.min + u * (s.max - s.min),
                _ => s.default * 2.0 * u,
            };
            let v = v.clamp(s.min, s.max);
            if s.kind == Kind::Int {
                v.round().clamp(s.min, s.max)
            } else {
                v
            }
        }
    }
}

/// Registry indices a random scenario may override (sizes are set separately).
fn overridable() -> Vec<usize> {
    registry()
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.path.starts_with("simulation."))
        .map(|(k, _)| k)
        .collect()
}

/// Builds a random scenario; keeps late_payment_days_min <= late_payment_days_max.
fn random_scenario(isos: u32, months: u32, picks: &[(usize, u8, f64)]) -> Scenario {
    let mut s = Scenario::default();
    s.set_value("simulation.isos", f64::from(isos)).unwrap();
    s.set_value("simulation.duration_months", f64::from(months))
        .unwrap();
    let keys = overridable();
    for &(k, sel, u) in picks {
        let k = keys[k % keys.len()];
        let path = registry()[k].path.clone();
        s.set_value(&path, pick(k, sel, u))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    for f in FUNDERS {
        let lo = format!("funders.{f}.late_payment_days_min");
        let hi = format!("funders.{f}.late_payment_days_max");
        let (a, b) = (s.values.get(&lo), s.values.get(&hi));
        if a > b {
            s.set_value(&lo, b).unwrap();
            s.set_value(&hi, a).unwrap();
        }
    }
    s
}

fn describe(s: &Scenario) -> String {
    s.differences_from(&Scenario::default())
        .into_iter()
        .map(|(p, _, v)| format!("{p}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random scenarios (a handful of parameters anywhere in their allowed ranges,
    /// small sizes) keep every invariant every month.
    #[test]
    fn random_scenarios_keep_invariants(
        isos in 1u32..=20,
        months in 1u32..=36,
        picks in proptest::collection::vec((0usize..10_000, 0u8..5, 0.0f64..1.0), 0..8),
        seed in any::<u64>(),
        rep in 0u64..1000,
    ) {
        let s = random_scenario(isos, months, &picks);
        let cfg = s.config();
        if let Err(e) = check_replication(&cfg, seed, rep) {
            return Err(TestCaseError::fail(format!("{e}\n  scenario: {}", describe(&s))));
        }
    }
}

/// Sets `funders.<every funder>.<key> = value`.
fn all_funders(key: &str, value: &str) -> Vec<String> {
    FUNDERS
        .iter()
        .map(|f| format!("funders.{f}.{key}={value}"))
        .collect()
}

fn baseline_with(sets: &[String]) -> Scenario {
    let refs: Vec<&str> = sets.iter().map(String::as_str).collect();
    load_with("baseline", &refs)
}

/// Runs `reps` replications and calls `f(rep, month, record)` for every month.
fn every_month(s: &Scenario, reps: u64, mut f: impl FnMut(u64, usize, &MonthRecord)) {
    let cfg = config(s);
    for r in 0..reps {
        let out = Model::new(&cfg, SEED, r).run();
        for (t, rec) in out.months.iter().enumerate() {
            f(r, t, rec);
        }
    }
}

#[test]
fn no_arrivals_and_no_need_serves_nobody() {
    // Without arrivals budgets are zero and ISOs close from month 4: closures included.
    let s = baseline_with(&[
        "newcomers.arrivals_per_month=0".into(),
        "newcomers.need_hours_per_client=0".into(),
        "simulation.duration_months=60".into(),
    ]);
    let (cs, sh, arr) = (idx("clients_served"), idx("service_hours"), idx("arrivals"));
    every_month(&s, 6, |r, t, m| {
        assert_eq!(m[cs], 0.0, "clients_served at month {t} of rep {r}");
        assert_eq!(m[sh], 0.0, "service_hours at month {t} of rep {r}");
        assert_eq!(m[arr], 0.0, "arrivals at month {t} of rep {r}");
    });
}

#[test]
fn ample_reserves_and_prompt_payment_close_nobody() {
    // Without cash gaps (no late payments, no decision delays, no shocks) and without
    // competition for the money (no alternative applicants, asks that do not outgrow
    // budgets), nothing closes an ISO.
    let mut sets = vec![
        "iso.reserve_months_median=60".to_string(),
        "iso.ask_markup_share=0".to_string(),
    ];
    for key in [
        "late_payment_probability",
        "decision_delay_months",
        "officer_decision_delay_months",
        "shock_probability_per_year",
        "alternatives",
    ] {
        sets.extend(all_funders(key, "0"));
    }
    let s = baseline_with(&sets);
    let (clos, surv) = (idx("closures"), idx("survival_rate"));
    every_month(&s, 10, |r, t, m| {
        assert_eq!(m[clos], 0.0, "closures at month {t} of rep {r}");
        assert_eq!(m[surv], 1.0, "survival_rate at month {t} of rep {r}");
    });
}

#[test]
fn no_officer_rotation_means_no_rotations_and_no_trust_reset() {
    let s = baseline_with(&all_funders("officer_rotation_months", "0"));
    let (rot, loss) = (idx("officer_rotations"), idx("trust_reset_loss"));
    every_month(&s, 10, |r, t, m| {
        assert_eq!(m[rot], 0.0, "officer_rotations at month {t} of rep {r}");
        assert_eq!(m[loss], 0.0, "trust_reset_loss at month {t} of rep {r}");
    });
}

#[test]
fn zero_reporting_means_zero_reporting_share() {
    let mut sets = Vec::new();
    for key in [
        "reporting_hours_per_month",
        "reporting_per_client_hours",
        "reports_per_year",
        "outcome_measurement_hours_per_month",
    ] {
        sets.extend(all_funders(key, "0"));
    }
    let s = baseline_with(&sets);
    let rs = idx("reporting_share");
    every_month(&s, 10, |r, t, m| {
        assert_eq!(m[rs], 0.0, "reporting_share at month {t} of rep {r}");
    });
    let cfg = config(&s);
    for r in 0..10 {
        assert_eq!(Model::new(&cfg, SEED, r).run().summary[rs], 0.0);
    }
}

#[test]
fn same_seed_and_replication_give_bit_identical_results() {
    let s = load("baseline");
    let cfg = config(&s);
    let bits = |r: u64| -> Vec<u64> {
        let out = Model::new(&cfg, SEED, r).run();
        out.summary
            .iter()
            .chain(out.months.iter().flatten())
            .map(|v| v.to_bits())
            .collect()
    };
    assert_eq!(bits(3), bits(3));
    assert_ne!(bits(3), bits(4));
    let other_seed = Model::new(&cfg, SEED + 1, 3).run().summary;
    assert_ne!(
        other_seed.map(f64::to_bits),
        Model::new(&cfg, SEED, 3).run().summary.map(f64::to_bits)
    );
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            // sweep, explore and calibration files are not scenarios (tests/sweep.rs,
            // tests/explore.rs and tests/calibrate.rs cover them)
            if p.file_name()
                .is_some_and(|n| n == "sweeps" || n == "explore" || n == "calibration")
            {
                continue;
            }
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

#[test]
fn every_shipped_scenario_loads_and_reports_required_metrics() {
    let mut files = Vec::new();
    toml_files(&root().join("scenarios"), &mut files);
    files.sort();
    assert!(files.len() >= 11, "found only {files:?}");
    for f in &files {
        let mut s = Scenario::load(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        s.apply_override("simulation.isos=6").unwrap();
        // long enough for the last timeline event of a shipped scenario (eligibility_2026: 84)
        s.apply_override("simulation.duration_months=96").unwrap();
        let cfg = config(&s);
        for r in 0..2 {
            let out = Model::new(&cfg, SEED, r).run();
            for name in REQUIRED {
                let j = metric_index(name).unwrap_or_else(|| panic!("{name} missing"));
                let v = out.summary[j];
                assert!(v.is_finite(), "{}: {name} = {v}", f.display());
            }
            check_record(&out.summary, &f.display().to_string()).unwrap();
        }
    }
}
