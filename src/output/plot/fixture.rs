//! Synthetic run and comparison directories for tests and demos of the plots and report.
//!
//! The numbers are invented (smooth trends plus deterministic noise), not model
//! output; they only have the shape of what `run` and `compare` write.

use super::data::{quantile, sorted_finite};
use crate::metrics::{is_share, METRICS};
use crate::output::export::write_atomic;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One synthetic scenario.
#[derive(Debug, Clone)]
pub struct SyntheticScenario {
    /// name
    pub name: String,
    /// description
    pub description: String,
    /// effect size: 0 for the baseline; 1 moves survival at the end from ~0.80 to ~0.97
    pub effect: f64,
    /// `(path, baseline value, value)` keys that differ from the baseline
    pub differences: Vec<(String, String, String)>,
}

struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Roughly standard normal (sum of 4 uniforms, rescaled).
    fn normal(&mut self) -> f64 {
        let s: f64 = (0..4).map(|_| self.next()).sum();
        (s - 2.0) * (3.0_f64).sqrt()
    }
}

/// Mean of metric `i` at fraction `f` of the run (0..=1) under effect `e`.
fn level(i: usize, f: f64, e: f64) -> f64 {
    let name = METRICS[i].name;
    match name {
        "survival_rate" => 1.0 - (0.20 - 0.17 * e) * f.powf(1.2),
        "closures" => 40.0 * (0.20 - 0.17 * e) * f.powf(1.2),
        "clients_served" => 400.0 + 120.0 * e * f + 30.0 * f,
        "unmet_need_share" => 0.35 - 0.12 * e * f,
        "reserve_months_median" => 2.0 + 1.5 * e * f - 0.4 * f,
        "admin_share" => 0.28 - 0.05 * e,
        "trust_mean" => 0.5 + 0.2 * e * f + 0.05 * f,
        "integration_index" => 0.4 + 0.15 * e * f + 0.1 * f,
        "staff_turnover_annual" => 0.30 - 0.08 * e,
        "revenue_federal" => 120_000.0 * (1.0 + 0.3 * e),
        "revenue_provincial" => 80_000.0,
        "revenue_municipal" => 20_000.0 - 5_000.0 * f,
        "revenue_foundation" => 15_000.0 + 5_000.0 * f,
        "revenue_donations" => 10_000.0,
        "brinkerhoff_partnership_share" => 0.20 + 0.25 * e * f,
        "brinkerhoff_contracting_share" => 0.45 - 0.15 * e * f,
        "brinkerhoff_extension_share" => 0.25 - 0.05 * e * f,
        "brinkerhoff_cooptation_share" => 0.10 - 0.05 * e * f,
        _ if is_share(i) => 0.2 + 0.05 * (i % 8) as f64 + 0.02 * e,
        _ => 10f64.powi(1 + (i % 4) as i32) * (1.0 + 0.1 * e),
    }
}

fn spread(i: usize, f: f64, mean: f64) -> f64 {
    if METRICS[i].name == "survival_rate" {
        0.04 * f
    } else {
        (mean.abs() * 0.08 + 1e-6) * (0.3 + f)
    }
}

fn clamp(i: usize, v: f64) -> f64 {
    if is_share(i) {
        v.clamp(0.0, 1.0)
    } else {
        v.max(0.0)
    }
}

fn csv_list(values: impl IntoIterator<Item = String>) -> String {
    values.into_iter().collect::<Vec<_>>().join(",")
}

/// Writes a synthetic run directory (`replications.csv`, `timeseries.csv`, `summary.csv`,
/// `manifest.json`). Returns per-metric replication values (for paired differences).
pub fn write_synthetic_run(
    dir: &Path,
    scenario: &SyntheticScenario,
    months: u32,
    reps: usize,
    seed: u64,
) -> anyhow::Result<Vec<Vec<f64>>> {
    let f_end = 1.0;
    // per-replication summaries: common random numbers across scenarios (same seed)
    let mut rng = SplitMix(seed);
    let mut values = vec![Vec::with_capacity(reps); METRICS.len()];
    for _ in 0..reps {
        for (i, col) in values.iter_mut().enumerate() {
            let m = level(i, f_end, scenario.effect);
            let mut v = clamp(i, m + spread(i, f_end, m) * rng.normal());
            if METRICS[i].name == "survival_rate" {
                v = (v * 40.0).round() / 40.0;
            }
            col.push(v);
        }
    }
    let mut rep_csv = format!(
        "replication,seed,{}\n",
        csv_list(METRICS.iter().map(|m| m.name.to_string()))
    );
    for r in 0..reps {
        let _ = writeln!(
            rep_csv,
            "{r},{},{}",
            seed + r as u64,
            csv_list(values.iter().map(|c| format!("{}", c[r])))
        );
    }
    write_atomic(&dir.join("replications.csv"), rep_csv.as_bytes())?;

    let mut ts = String::from("month,metric,mean,sd,p05,p25,p50,p75,p95\n");
    for month in 1..=months {
        let f = month as f64 / months as f64;
        for (i, m) in METRICS.iter().enumerate() {
            let mean = level(i, f, scenario.effect);
            let sd = spread(i, f, mean);
            let q = |z: f64| {
                let v = clamp(i, mean + z * sd);
                if m.name == "survival_rate" {
                    (v * 40.0).round() / 40.0
                } else {
                    v
                }
            };
            let _ = writeln!(
                ts,
                "{month},{},{mean},{sd},{},{},{},{},{}",
                m.name,
                q(-1.645),
                q(-0.674),
                q(0.0),
                q(0.674),
                q(1.645)
            );
        }
    }
    write_atomic(&dir.join("timeseries.csv"), ts.as_bytes())?;

    let mut summary = String::from("metric,mean,sd,ci95_low,ci95_high,p05,p50,p95\n");
    for (i, m) in METRICS.iter().enumerate() {
        let (mean, sd) = mean_sd(&values[i]);
        let half = 1.96 * sd / (reps as f64).sqrt();
        let s = sorted_finite(&values[i]);
        let _ = writeln!(
            summary,
            "{},{mean},{sd},{},{},{},{},{}",
            m.name,
            mean - half,
            mean + half,
            quantile(&s, 0.05),
            quantile(&s, 0.5),
            quantile(&s, 0.95)
        );
    }
    write_atomic(&dir.join("summary.csv"), summary.as_bytes())?;

    let details = crate::studies::run::RunDetails {
        identity: crate::studies::run::RunIdentity {
            scenario_name: scenario.name.clone(),
            scenario_hash: format!("{:016x}", seed ^ 0xABCD),
            runs: crate::studies::run::Runs::new(seed, reps as u64, months),
        },
        scenario_description: scenario.description.clone(),
        scenario: serde_json::Map::new(),
        start: None,
        start_from: None,
    };
    let provenance = crate::job::manifest::Provenance {
        command: format!(
            "partnersim run {}.toml --reps {reps} --seed {seed}",
            scenario.name
        ),
        items: reps as u64,
        items_computed: reps as u64,
        ..Default::default()
    };
    let files = vec![
        "replications.csv".into(),
        "timeseries.csv".into(),
        "summary.csv".into(),
    ];
    crate::job::manifest::Manifest::new(
        "run",
        provenance,
        crate::job::manifest::Clock::start(),
        files,
        details,
    )
    .write_last(dir)?;
    Ok(values)
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 {
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

/// Default scenarios: a baseline and two variants (one description carries `&` and `<`).
pub fn default_scenarios() -> Vec<SyntheticScenario> {
    vec![
        SyntheticScenario {
            name: "baseline".into(),
            description: "Annual project contracts, current reporting rules.".into(),
            effect: 0.0,
            differences: vec![],
        },
        SyntheticScenario {
            name: "multi_year_core".into(),
            description: "Three-year core funding from the federal funder.".into(),
            effect: 1.0,
            differences: vec![
                (
                    "funders.federal.contract_months".into(),
                    "12".into(),
                    "36".into(),
                ),
                (
                    "funders.federal.core_share".into(),
                    "0".into(),
                    "0.5".into(),
                ),
            ],
        },
        SyntheticScenario {
            name: "light_reporting".into(),
            description: "Reporting cut by half & quarterly <not monthly> reports.".into(),
            effect: 0.35,
            differences: vec![(
                "funders.*.reporting_hours_per_month".into(),
                "20".into(),
                "10".into(),
            )],
        },
    ]
}

/// Writes a synthetic comparison directory: one run per scenario in `<dir>/<name>/`,
/// `comparison.csv` (paired differences with a normal 95% CI) and `compare.json`.
/// The first scenario is the baseline.
pub fn write_synthetic_comparison(
    dir: &Path,
    scenarios: &[SyntheticScenario],
    months: u32,
    reps: usize,
    seed: u64,
) -> anyhow::Result<PathBuf> {
    let mut all = Vec::new();
    for s in scenarios {
        all.push(write_synthetic_run(
            &dir.join(&s.name),
            s,
            months,
            reps,
            seed,
        )?);
    }
    let base = scenarios
        .first()
        .ok_or_else(|| anyhow::anyhow!("no scenarios"))?;
    let mut cmp = String::from(
        "metric,scenario,baseline,mean,baseline_mean,diff_mean,diff_ci95_low,diff_ci95_high,variance_ratio\n",
    );
    for (i, m) in METRICS.iter().enumerate() {
        for (k, s) in scenarios.iter().enumerate().skip(1) {
            let b = &all[0][i];
            let v = &all[k][i];
            let d: Vec<f64> = v.iter().zip(b).map(|(x, y)| x - y).collect();
            let (dm, dsd) = mean_sd(&d);
            let half = 1.96 * dsd / (d.len() as f64).sqrt();
            let (vm, vsd) = mean_sd(v);
            let (bm, bsd) = mean_sd(b);
            let ratio = if bsd > 0.0 {
                (vsd * vsd) / (bsd * bsd)
            } else {
                f64::NAN
            };
            let _ = writeln!(
                cmp,
                "{},{},{},{vm},{bm},{dm},{},{},{ratio}",
                m.name,
                s.name,
                base.name,
                dm - half,
                dm + half
            );
        }
    }
    write_atomic(&dir.join("comparison.csv"), cmp.as_bytes())?;
    let json = serde_json::json!({
        "baseline": base.name,
        "scenarios": scenarios.iter().map(|s| serde_json::json!({
            "name": s.name,
            "dir": s.name,
            "description": s.description,
            "differences": s.differences.iter().map(|(p, b, v)| serde_json::json!({
                "path": p, "baseline": b, "value": v
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "seed": seed,
        "reps": reps,
        "version": env!("CARGO_PKG_VERSION"),
        "command": format!("partnersim compare {} --reps {reps} --seed {seed} --out cmp",
            scenarios.iter().map(|s| format!("{}.toml", s.name)).collect::<Vec<_>>().join(" ")),
    });
    write_atomic(
        &dir.join("compare.json"),
        serde_json::to_string_pretty(&json)?.as_bytes(),
    )?;
    Ok(dir.to_path_buf())
}
