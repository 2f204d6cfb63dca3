//! The page's two requests: `GET /api/lessons` (what the page shows) and `POST /api/run` (a run
//! of a lesson's scenario with levers moved, against the lesson's baseline).
//!
//! A run request is JSON:
//!
//! ```json
//! {"lesson": "late_payment", "scenario": "thin_reserves_late_pay",
//!  "set": {"funders.federal.late_payment_probability": 0.1}, "client": "page-42"}
//! ```
//!
//! `set` keys are parameter paths, validated exactly as `--set KEY=VALUE` is (a 400 answer
//! carries the command line's message); `reps` (optional) and `metrics` (optional) ask for
//! other replication counts and charts within limits; `client` names the page, whose older
//! requests are cancelled by a newer one.
//!
//! The answer carries, besides the charts' bands and summaries, the `organizations` of the
//! first replication (a view of individual ISOs: staff, reserves and closure by month), at most
//! [`MAX_TRACE_ISOS`] ISOs and [`MAX_TRACE_POINTS`] points each.

use crate::input::scenario::Scenario;
use crate::job::budget::Budget;
use crate::metrics::{self, MonthRecord};
use crate::output::report::{verdict, Verdict};
use crate::stats::{mean_ci95, paired};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::engine::ArmStats;
use crate::model::trace::IsoTrace;

/// Largest request body, in bytes.
pub const MAX_BODY: usize = 64 * 1024;
/// Most parameters one request may set.
pub const MAX_SET: usize = 64;
/// Most charts one request may ask for.
pub const MAX_METRICS: usize = 12;
/// Replications one request may ask for.
pub const REPS_RANGE: (u64, u64) = (2, 256);
/// Most work one request may ask for, in ISO-months (replications x ISOs x months): about a
/// second on two cores at the development machine's speed.
pub const MAX_WORK: f64 = 2.0e6;
/// Most memory one request's run may hold at once, in bytes.
pub const MAX_MEMORY: f64 = 2.56e8;

/// Most ISOs in the view of individual organizations.
pub const MAX_TRACE_ISOS: usize = 40;
/// Most points per ISO in that view (longer runs are sampled every few months).
pub const MAX_TRACE_POINTS: u32 = 240;

/// `POST /api/run`, as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// lesson (classroom group folder name)
    pub lesson: String,
    /// one of the lesson's scenarios, the starting point of the levers
    pub scenario: String,
    /// parameter path -> value (a number, true/false or a word)
    #[serde(default)]
    pub set: BTreeMap<String, serde_json::Value>,
    /// replications (default: the server's)
    #[serde(default)]
    pub reps: Option<u64>,
    /// metrics to chart (default: the lesson's)
    #[serde(default)]
    pub metrics: Option<Vec<String>>,
    /// the page's identifier: a newer request of the same page cancels this one
    #[serde(default)]
    pub client: Option<String>,
}

/// A value of `set` as the command line would have it after `KEY=`.
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Applies `set` to `base` exactly as `--set` would, in key order; the first bad entry's
/// message is the command line's.
pub fn apply_set(
    base: &Scenario,
    set: &BTreeMap<String, serde_json::Value>,
) -> Result<Scenario, String> {
    if set.len() > MAX_SET {
        return Err(format!(
            "set: {} parameters; at most {MAX_SET} in one request",
            set.len()
        ));
    }
    let mut s = base.clone();
    let texts: Vec<String> = set
        .iter()
        .map(|(path, v)| format!("{path}={}", value_text(v)))
        .collect();
    s.apply_overrides(&texts).map_err(|e| e.to_string())?;
    Ok(s)
}

/// The work budget of one request: [`MAX_WORK`] ISO-months and [`MAX_MEMORY`] bytes, checked
/// by the same rule as the command line's (`--max-work`), with the same message shape.
pub const BUDGET: Budget = Budget {
    max_work: MAX_WORK,
    max_memory: MAX_MEMORY,
};

/// Checks the work of a run: `reps` x ISOs x simulated months (a warm-up included, when the
/// model has one) within [`BUDGET`], as [`crate::studies::run::estimate`] counts it for `run`.
pub fn check_work(s: &Scenario, reps: u64) -> Result<(), String> {
    BUDGET
        .check_fixed(&crate::studies::run::estimate("this request", s, reps))
        .map_err(|e| e.to_string())
}

/// A mean with its 95% CI.
#[derive(Debug, Serialize)]
pub struct Estimate {
    /// mean over replications
    pub mean: f64,
    /// 95% CI, low end
    pub low: f64,
    /// 95% CI, high end
    pub high: f64,
}

/// A paired difference with its 95% CI and how it reads.
#[derive(Debug, Serialize)]
pub struct Difference {
    /// mean of (run - baseline) over paired replications
    pub mean: f64,
    /// 95% CI, low end
    pub low: f64,
    /// 95% CI, high end
    pub high: f64,
    /// `better`, `worse`, `higher`, `lower`, `no clear difference` or `not tested`
    pub reading: &'static str,
}

/// One chart's numbers for one arm.
#[derive(Debug, Serialize)]
pub struct Series {
    /// per month, p05 p25 p50 p75 p95 over replications
    pub p05: Vec<f64>,
    /// p25
    pub p25: Vec<f64>,
    /// median
    pub p50: Vec<f64>,
    /// p75
    pub p75: Vec<f64>,
    /// p95
    pub p95: Vec<f64>,
    /// the run summary: mean over replications with its 95% CI
    pub summary: Estimate,
}

/// `POST /api/run`, answered.
#[derive(Debug, Serialize)]
pub struct RunResponse {
    /// lesson
    pub lesson: String,
    /// scenario the levers started from
    pub scenario: String,
    /// the lesson's baseline scenario
    pub baseline: String,
    /// replications of each arm (paired: the same seed and replication indices)
    pub reps: u64,
    /// master seed
    pub seed: u64,
    /// parameters set, as applied (path -> value as written)
    pub set: BTreeMap<String, String>,
    /// what the intervals cover
    pub interval: &'static str,
    /// seconds the engine spent on this run (0 when it came from the cache)
    pub engine_seconds: f64,
    /// months charted
    pub months: Vec<u32>,
    /// metrics charted, in order
    pub metrics: Vec<String>,
    /// per metric, the run
    pub run: BTreeMap<String, Series>,
    /// per metric, the baseline
    pub base: BTreeMap<String, Series>,
    /// per metric, run - baseline, paired
    pub diff: BTreeMap<String, Difference>,
    /// individual ISOs of the first replication of the run
    pub organizations: Option<Organizations>,
}

/// One ISO of the view of individual organizations.
#[derive(Debug, Serialize)]
pub struct IsoStrip {
    /// the ISO's number in the model (0-based)
    pub index: usize,
    /// staff, one value per point
    pub staff: Vec<u32>,
    /// reserves in months of cost (cash / monthly cost), rounded to 0.01, one value per point
    pub reserves: Vec<f64>,
    /// the month (1-based) it closed in this run, if it did
    pub closed: Option<u32>,
    /// the month it closed in the baseline's same replication, if it did
    pub base_closed: Option<u32>,
}

/// The view of individual organizations: one replication, paired with the baseline's.
#[derive(Debug, Serialize)]
pub struct Organizations {
    /// the replication shown (0: the first)
    pub replication: u64,
    /// months of the run
    pub months: u32,
    /// months between points (1 unless the run is longer than [`MAX_TRACE_POINTS`] months)
    pub every: u32,
    /// ISOs operating at the first month (the survival rate's denominator)
    pub operating_at_start: usize,
    /// the first of them, by number, at most [`MAX_TRACE_ISOS`]
    pub isos: Vec<IsoStrip>,
}

/// The first [`MAX_TRACE_ISOS`] ISOs of `r` (replication 0 of the run, as traced while the
/// run computed it), with their closures in `b` (replication 0 of the baseline).
pub fn organizations(r: &IsoTrace, b: &IsoTrace) -> Organizations {
    let every = r.months.div_ceil(MAX_TRACE_POINTS).max(1);
    let pick = |k: usize| (k as u32 + 1).is_multiple_of(every);
    let isos = r
        .isos
        .iter()
        .take(MAX_TRACE_ISOS)
        .map(|t| IsoStrip {
            index: t.index,
            staff: t
                .staff
                .iter()
                .enumerate()
                .filter(|(k, _)| pick(*k))
                .map(|(_, v)| *v)
                .collect(),
            reserves: t
                .reserves
                .iter()
                .enumerate()
                .filter(|(k, _)| pick(*k))
                .map(|(_, v)| (v * 100.0).round() / 100.0)
                .collect(),
            closed: t.closed,
            base_closed: b
                .isos
                .iter()
                .find(|x| x.index == t.index)
                .and_then(|x| x.closed),
        })
        .collect();
    Organizations {
        replication: 0,
        months: r.months,
        every,
        operating_at_start: r.operating_at_start,
        isos,
    }
}

fn column(s: &[MonthRecord], j: usize) -> Vec<f64> {
    s.iter().map(|r| r[j]).collect()
}

/// Metric `j` of an arm: its bands (empty when the arm did not reduce it; the server reduces
/// every metric a request charts, [`ArmStats::has`]) and its summary estimate.
fn series(a: &ArmStats, j: usize) -> Series {
    let (mean, _, low, high) = mean_ci95(&column(&a.summaries, j));
    let [p05, p25, p50, p75, p95] = a.quantiles.get(j).cloned().flatten().unwrap_or_default();
    Series {
        p05,
        p25,
        p50,
        p75,
        p95,
        summary: Estimate { mean, low, high },
    }
}

/// Builds the answer from the two arms.
#[allow(clippy::too_many_arguments)]
pub fn response(
    lesson: &str,
    scenario: &str,
    baseline: &str,
    seed: u64,
    set: &BTreeMap<String, serde_json::Value>,
    chart: &[String],
    run: &ArmStats,
    base: &ArmStats,
    engine_seconds: f64,
) -> RunResponse {
    let reps = run.summaries.len() as u64;
    let mut out = RunResponse {
        lesson: lesson.into(),
        scenario: scenario.into(),
        baseline: baseline.into(),
        reps,
        seed,
        set: set
            .iter()
            .map(|(k, v)| (k.clone(), value_text(v)))
            .collect(),
        interval: crate::output::plot::INTERVAL_NOTE,
        engine_seconds,
        months: run.months.clone(),
        metrics: chart.to_vec(),
        run: BTreeMap::new(),
        base: BTreeMap::new(),
        diff: BTreeMap::new(),
        organizations: None,
    };
    for m in chart {
        let Some(j) = metrics::metric_index(m) else {
            continue;
        };
        out.run.insert(m.clone(), series(run, j));
        out.base.insert(m.clone(), series(base, j));
        let p = paired(&column(&run.summaries, j), &column(&base.summaries, j));
        let v: Verdict = verdict(metrics::spec(m), &p, reps as usize);
        out.diff.insert(
            m.clone(),
            Difference {
                mean: p.diff_mean,
                low: p.diff_ci95_low,
                high: p.diff_ci95_high,
                reading: v.text(),
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levers_that_contradict_each_other_are_refused_by_the_one_check() {
        let base = Scenario::default();
        let set = BTreeMap::from([
            (
                "funders.federal.late_payment_days_min".to_string(),
                serde_json::Value::from(200),
            ),
            (
                "funders.federal.late_payment_days_max".to_string(),
                serde_json::Value::from(10),
            ),
        ]);
        let e = apply_set(&base, &set).unwrap_err();
        assert!(
            e.contains("funders.federal.late_payment_days_min (200) is larger than late_payment_days_max (10)"),
            "{e}"
        );
        // the same levers in agreement pass
        let fine = BTreeMap::from([
            (
                "funders.federal.late_payment_days_min".to_string(),
                serde_json::Value::from(5),
            ),
            (
                "funders.federal.late_payment_days_max".to_string(),
                serde_json::Value::from(30),
            ),
        ]);
        assert!(apply_set(&base, &fine).is_ok());
    }

    #[test]
    fn set_values_are_checked_like_the_command_line() {
        let base = Scenario::default();
        let set = |k: &str, v: serde_json::Value| BTreeMap::from([(k.to_string(), v)]);
        let e = apply_set(&base, &set("funders.federal.contract_months", 0.into())).unwrap_err();
        let cli = base
            .clone()
            .apply_override("funders.federal.contract_months=0")
            .unwrap_err()
            .to_string();
        assert_eq!(e, cli);
        assert!(e.contains("out of range; allowed: 1 to 120"), "{e}");
        let e = apply_set(&base, &set("funders.federal.contract_month", 36.into())).unwrap_err();
        assert!(
            e.contains("did you mean `funders.federal.contract_months`"),
            "{e}"
        );
        let ok = apply_set(&base, &set("funders.federal.measure", "outcome".into())).unwrap();
        assert_eq!(ok.values.get("funders.federal.measure"), 1.0);
        let ok = apply_set(&base, &set("reporting.coordinated", true.into())).unwrap();
        assert_eq!(ok.values.get("reporting.coordinated"), 1.0);
        assert!(apply_set(&base, &set("reporting.coordinated", serde_json::json!([1]))).is_err());
    }

    #[test]
    fn organizations_are_bounded_and_paired_with_the_baseline() {
        let mut s = Scenario::default();
        s.set_value("simulation.isos", 50.0).unwrap();
        s.set_value("simulation.duration_months", 300.0).unwrap();
        s.set_value("simulation.warmup_months", 0.0).unwrap();
        let tr = crate::model::trace::trace_isos(&s.config(), 3, 0, usize::MAX);
        let o = organizations(&tr, &tr);
        assert_eq!(o.isos.len(), MAX_TRACE_ISOS);
        assert_eq!(o.every, 2);
        for t in &o.isos {
            assert_eq!(t.staff.len(), 150);
            assert_eq!(t.reserves.len(), 150);
            assert_eq!(
                t.closed, t.base_closed,
                "the same settings close the same ISOs"
            );
        }
    }

    #[test]
    fn work_is_limited() {
        let mut s = Scenario::default();
        assert!(check_work(&s, 64).is_ok());
        s.set_value("simulation.isos", 5000.0).unwrap();
        let e = check_work(&s, 64).unwrap_err();
        assert!(
            e.starts_with("this request: 64 replications of defaults = 64 model runs x")
                && e.ends_with("the limit is 2.0e6 ISO-months: ask for less"),
            "{e}"
        );
    }
}
