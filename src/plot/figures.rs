//! The plots of a run directory and of a comparison directory.

use super::charts::{
    save, BandFigure, BandSeries, BoxFigure, BoxItem, ForestFigure, ForestPanel, ForestRow,
    StackPanel, StackedFigure,
};
use super::colour;
use super::data::{read_comparison_dir, read_run, sorted_finite, ComparisonData, RunData};
use crate::metrics::{is_share, metric_index, METRICS};
use plotters::style::RGBColor;
use std::path::{Path, PathBuf};

/// Metrics drawn as fan charts (`fan_<metric>`).
pub const FAN_METRICS: [&str; 5] = [
    "clients_served",
    "unmet_need_share",
    "reserve_months_median",
    "admin_share",
    "trust_mean",
];

/// Metrics drawn as box plots of per-replication summaries (`box_<metric>`).
pub const BOX_METRICS: [&str; 5] = [
    "survival_rate",
    "clients_served",
    "unmet_need_share",
    "integration_index",
    "staff_turnover_annual",
];

/// Revenue sources stacked in `revenue_mix`, with legend labels.
pub const REVENUE_METRICS: [(&str, &str); 5] = [
    ("revenue_federal", "federal"),
    ("revenue_provincial", "provincial"),
    ("revenue_municipal", "municipal"),
    ("revenue_foundation", "foundation"),
    ("revenue_donations", "donations and fees"),
];

/// Brinkerhoff relationship classes stacked in `brinkerhoff`, with legend labels.
pub const BRINKERHOFF_METRICS: [(&str, &str); 4] = [
    ("brinkerhoff_partnership_share", "partnership"),
    ("brinkerhoff_contracting_share", "contracting"),
    ("brinkerhoff_extension_share", "extension"),
    ("brinkerhoff_cooptation_share", "co-optation"),
];

/// Forest-plot groups: file stem, title, metrics (one panel each).
pub const FOREST_GROUPS: [(&str, &str, [&str; 6]); 2] = [
    (
        "forest_outcomes",
        "Outcomes: paired difference vs baseline, mean with 95% CI",
        [
            "survival_rate",
            "clients_served",
            "unmet_need_share",
            "integration_index",
            "staff_turnover_annual",
            "trust_mean",
        ],
    ),
    (
        "forest_organizations",
        "Organizations: paired difference vs baseline, mean with 95% CI",
        [
            "closures",
            "reserve_months_median",
            "admin_share",
            "staff_experience_months_mean",
            "gov_revenue_share",
            "largest_funder_share",
        ],
    ),
];

/// Stem of the survival plot.
pub const SURVIVAL: &str = "survival";
/// Stem of the revenue-mix plot.
pub const REVENUE_MIX: &str = "revenue_mix";
/// Stem of the Brinkerhoff plot.
pub const BRINKERHOFF: &str = "brinkerhoff";

/// File stems (without extension) that [`run_plots`] writes, in order.
pub fn run_plot_stems() -> Vec<String> {
    let mut v = vec![SURVIVAL.to_string()];
    v.extend(FAN_METRICS.iter().map(|m| format!("fan_{m}")));
    v.extend(BOX_METRICS.iter().map(|m| format!("box_{m}")));
    v.push(REVENUE_MIX.to_string());
    v.push(BRINKERHOFF.to_string());
    v
}

/// File stems that [`comparison_plots`] writes, in order (forest plots need two or more scenarios).
pub fn comparison_plot_stems() -> Vec<String> {
    let mut v = run_plot_stems();
    v.extend(FOREST_GROUPS.iter().map(|g| g.0.to_string()));
    v
}

/// `metric (unit)` as an axis label.
pub fn axis_label(metric: &str) -> String {
    match metric_index(metric) {
        Some(i) => format!("{metric} ({})", METRICS[i].unit),
        None => metric.to_string(),
    }
}

fn share(metric: &str) -> bool {
    metric_index(metric).map(is_share).unwrap_or(false)
}

fn stack_colours(n: usize) -> Vec<RGBColor> {
    // Okabe–Ito without yellow (too light for filled areas) and black.
    const ORDER: [usize; 6] = [0, 1, 2, 3, 5, 4];
    (0..n).map(|i| colour(ORDER[i % ORDER.len()])).collect()
}

fn band_series(run: &RunData, metric: &str, c: RGBColor) -> Option<BandSeries> {
    let s = run.timeseries.get(metric)?;
    Some(BandSeries {
        name: run.name.clone(),
        colour: c,
        rows: s
            .iter()
            .map(|(m, q)| (*m as f64, q.p05, q.p25, q.p50, q.p75, q.p95))
            .collect(),
    })
}

/// Plots shared by a single run and a comparison; `runs` in display order; `reference` names the
/// comparison's baseline.
fn common_plots(
    runs: &[RunData],
    reference: Option<&str>,
    out: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let cols: Vec<RGBColor> = (0..runs.len()).map(colour).collect();

    // 1. survival, step line of the median with a 90% band
    let series: Vec<BandSeries> = runs
        .iter()
        .zip(&cols)
        .filter_map(|(r, c)| band_series(r, "survival_rate", *c))
        .collect();
    if !series.is_empty() {
        let fig = BandFigure {
            title: "ISO survival: median over replications with 90% band".into(),
            y_label: axis_label("survival_rate"),
            share: true,
            inner: false,
            step: true,
            anchor: Some(1.0),
            series,
            reference: reference.map(String::from),
        };
        files.extend(save(&fig, out, SURVIVAL)?);
    }

    // 2. fan charts
    for metric in FAN_METRICS {
        let series: Vec<BandSeries> = runs
            .iter()
            .zip(&cols)
            .filter_map(|(r, c)| band_series(r, metric, *c))
            .collect();
        if series.is_empty() {
            continue;
        }
        let fig = BandFigure {
            title: format!("{metric}: median with 50% and 90% bands"),
            y_label: axis_label(metric),
            share: share(metric),
            inner: true,
            step: false,
            anchor: None,
            series,
            reference: reference.map(String::from),
        };
        files.extend(save(&fig, out, &format!("fan_{metric}"))?);
    }

    // 3. box plots of per-replication summaries
    for metric in BOX_METRICS {
        let items: Vec<BoxItem> = runs
            .iter()
            .zip(&cols)
            .filter_map(|(r, c)| {
                r.replication_values(metric).map(|v| BoxItem {
                    name: r.name.clone(),
                    colour: *c,
                    sorted: sorted_finite(v),
                })
            })
            .collect();
        if items.iter().all(|i| i.sorted.is_empty()) {
            continue;
        }
        let n = items.iter().map(|i| i.sorted.len()).max().unwrap_or(0);
        let fig = BoxFigure {
            title: format!("{metric}: replication summaries (n = {n} per scenario)"),
            y_label: axis_label(metric),
            share: share(metric),
            items,
        };
        files.extend(save(&fig, out, &format!("box_{metric}"))?);
    }

    // 4. revenue mix, 5. Brinkerhoff classes
    type Stack<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a str, bool);
    let stacks: [Stack; 2] = [
        (
            REVENUE_MIX,
            "Revenue mix by source (mean over replications)",
            &REVENUE_METRICS,
            "revenue (CAD per month)",
            false,
        ),
        (
            BRINKERHOFF,
            "Brinkerhoff relationship classes (mean share over replications)",
            &BRINKERHOFF_METRICS,
            "share of relationships",
            true,
        ),
    ];
    for (stem, title, layers, y_label, unit) in stacks {
        let panels: Vec<StackPanel> = runs.iter().filter_map(|r| stack_panel(r, layers)).collect();
        if panels.is_empty() {
            continue;
        }
        let fig = StackedFigure {
            title: title.to_string(),
            y_label: y_label.to_string(),
            labels: layers.iter().map(|l| l.1.to_string()).collect(),
            colours: stack_colours(layers.len()),
            unit_interval: unit,
            panels,
        };
        files.extend(save(&fig, out, stem)?);
    }
    Ok(files)
}

fn stack_panel(run: &RunData, layers: &[(&str, &str)]) -> Option<StackPanel> {
    let months: Vec<f64> = run.timeseries.months.iter().map(|&m| m as f64).collect();
    let mut any = false;
    let mut out = Vec::with_capacity(layers.len());
    for (metric, _) in layers {
        let mut v = vec![f64::NAN; months.len()];
        if let Some(s) = run.timeseries.get(metric) {
            any = true;
            for (m, q) in s {
                if let Some(i) = run.timeseries.months.iter().position(|x| x == m) {
                    v[i] = q.mean;
                }
            }
        }
        out.push(v);
    }
    any.then(|| StackPanel {
        caption: run.name.clone(),
        months,
        layers: out,
    })
}

/// Writes the plots of one run directory into `run_dir/plots/` (PNG and SVG each).
///
/// Plots whose metrics are absent from the files are skipped. Returns the files written.
pub fn run_plots(run_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let run = read_run(run_dir)?;
    common_plots(std::slice::from_ref(&run), None, &run_dir.join("plots"))
}

/// Writes the plots across the scenarios of a comparison directory into `cmp_dir/plots/`:
/// the run plots with one colour per scenario (in `compare.json` order) plus forest plots
/// of the paired differences against the baseline. Returns the files written.
pub fn comparison_plots(cmp_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let data = read_comparison_dir(cmp_dir)?;
    comparison_plots_from(&data)
}

/// [`comparison_plots`] on data already read.
pub fn comparison_plots_from(data: &ComparisonData) -> anyhow::Result<Vec<PathBuf>> {
    let out = data.dir.join("plots");
    let base_name = data.manifest.baseline.clone();
    let mut files = common_plots(&data.runs, Some(&base_name), &out)?;
    let base = data.baseline_index();
    let others: Vec<(usize, &RunData)> = data
        .runs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != base)
        .collect();
    if others.is_empty() {
        return Ok(files);
    }
    for (stem, title, metrics) in FOREST_GROUPS {
        let panels: Vec<ForestPanel> = metrics
            .iter()
            .map(|m| ForestPanel {
                caption: axis_label(m),
                rows: others
                    .iter()
                    .map(|(i, r)| {
                        let row = data.row(m, &r.name);
                        ForestRow {
                            colour: colour(*i),
                            diff: row.map(|x| x.paired.diff_mean).unwrap_or(f64::NAN),
                            low: row.map(|x| x.paired.diff_ci95_low).unwrap_or(f64::NAN),
                            high: row.map(|x| x.paired.diff_ci95_high).unwrap_or(f64::NAN),
                        }
                    })
                    .collect(),
            })
            .collect();
        let fig = ForestFigure {
            title: title.replace("vs baseline", &format!("vs {}", data.manifest.baseline)),
            labels: others.iter().map(|(_, r)| r.name.clone()).collect(),
            panels,
        };
        files.extend(save(&fig, &out, stem)?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::fixture::{default_scenarios, write_synthetic_comparison};

    #[test]
    fn rendering_twice_gives_identical_bytes() {
        let d = tempfile::tempdir().unwrap();
        write_synthetic_comparison(d.path(), &default_scenarios(), 36, 8, 42).unwrap();
        let first: Vec<(PathBuf, Vec<u8>)> = comparison_plots(d.path())
            .unwrap()
            .into_iter()
            .map(|p| {
                let b = std::fs::read(&p).unwrap();
                (p, b)
            })
            .collect();
        let second = comparison_plots(d.path()).unwrap();
        assert_eq!(first.len(), second.len());
        for ((p, bytes), q) in first.iter().zip(&second) {
            assert_eq!(p, q);
            assert!(
                *bytes == std::fs::read(q).unwrap(),
                "{} differs between renders",
                p.display()
            );
        }
    }

    #[test]
    fn stems_match_groups() {
        let s = comparison_plot_stems();
        assert_eq!(s.len(), 1 + 5 + 5 + 2 + 2);
        assert!(s.contains(&"forest_outcomes".to_string()));
    }
}
