//! The plots of a run directory and of a comparison directory.

use super::charts::{
    BandFigure, BandSeries, BoxFigure, BoxItem, Event, ForestFigure, ForestPanel, ForestRow,
    LegendItem, StackPanel, StackedFigure, Swatch,
};
use super::data::{read_comparison_dir, read_run, sorted_finite, ComparisonData, RunData};
use super::figure::{save, save_sized};
use super::{colour, scenario_colours};
use crate::metrics::{self, is_share, metric_index, Better, METRICS};
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

/// What every interval in plots, reports and the classroom page covers.
pub const INTERVAL_NOTE: &str = "95% CI, Monte Carlo only; parameters fixed";

/// Forest-plot groups: file stem, title, metrics (one panel each).
pub const FOREST_GROUPS: [(&str, &str, [&str; 6]); 2] = [
    (
        "forest_outcomes",
        "Outcomes: paired difference vs baseline, mean and 95% CI (Monte Carlo only; parameters fixed)",
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
        "Organizations: paired difference vs baseline, mean and 95% CI (Monte Carlo only; parameters fixed)",
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

/// Stem of the forest plot of the metrics a report answers with first.
pub const HEADLINE_FOREST: &str = "forest_headline";

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

/// `Label (unit)` as an axis label (the catalogue's human label; the name for an unknown metric).
pub fn axis_label(metric: &str) -> String {
    match metric_index(metric) {
        Some(i) => format!("{} ({})", METRICS[i].label, METRICS[i].unit),
        None => metric.to_string(),
    }
}

/// The catalogue label of a metric (its name if unknown).
fn label(metric: &str) -> &str {
    metrics::spec(metric).map_or(metric, |m| m.label)
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

/// The timeline events of the runs, once each, by month: an event not every run has is named
/// with the runs that have it ("transition_core: federal: 3-year agreements").
fn events(runs: &[&RunData]) -> Vec<Event> {
    let mut marks: Vec<(u32, String, Vec<String>)> = Vec::new();
    for r in runs {
        for e in &r.events {
            let holders: Vec<&str> = runs
                .iter()
                .filter(|o| o.events.contains(e))
                .map(|o| o.name.as_str())
                .collect();
            let label = if holders.len() == runs.len() {
                e.label.clone()
            } else {
                format!("{}: {}", holders.join(", "), e.label)
            };
            if !marks.iter().any(|(m, l, _)| *m == e.month && *l == label) {
                let holders = holders.iter().map(|h| h.to_string()).collect();
                marks.push((e.month, label, holders));
            }
        }
    }
    marks.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    marks
        .into_iter()
        .map(|(month, label, holders)| Event {
            month: f64::from(month),
            label,
            holders,
        })
        .collect()
}

/// Plots shared by a single run and a comparison; `runs` in display order; `reference` names the
/// comparison's baseline.
fn common_plots(
    runs: &[&RunData],
    reference: Option<&str>,
    out: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let cols = scenario_colours(
        runs.len(),
        reference.and_then(|r| runs.iter().position(|x| x.name == r)),
    );

    // 1. survival, step line of the median with a 90% band
    let series: Vec<BandSeries> = runs
        .iter()
        .zip(&cols)
        .filter_map(|(r, c)| band_series(r, "survival_rate", *c))
        .collect();
    if !series.is_empty() {
        let fig = BandFigure {
            title: format!(
                "{}: median over replications with 90% band",
                label("survival_rate")
            ),
            y_label: axis_label("survival_rate"),
            share: true,
            inner: false,
            step: true,
            anchor: Some(1.0),
            say_start: true,
            series,
            events: events(runs),
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
            title: format!("{}: median with 50% and 90% bands", label(metric)),
            y_label: axis_label(metric),
            share: share(metric),
            inner: true,
            step: false,
            anchor: None,
            say_start: false,
            series,
            events: events(runs),
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
            title: format!(
                "{}: one summary per replication (n = {n} per scenario)",
                label(metric)
            ),
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
    run_plots_from(&run)
}

/// [`run_plots`] on a run already read (into `run.dir/plots/`).
pub fn run_plots_from(run: &RunData) -> anyhow::Result<Vec<PathBuf>> {
    common_plots(&[run], None, &run.dir.join("plots"))
}

/// Writes the plots across the scenarios of a comparison directory into `cmp_dir/plots/`:
/// the run plots with one colour per scenario (in `compare.json` order) plus forest plots
/// of the paired differences against the baseline. Returns the files written.
pub fn comparison_plots(cmp_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let data = read_comparison_dir(cmp_dir)?;
    comparison_plots_from(&data)
}

/// The runs of a comparison in display order: the baseline first, then the others as given.
pub fn display_order(data: &ComparisonData) -> Vec<&RunData> {
    let base = data.baseline_index();
    std::iter::once(&data.runs[base])
        .chain(
            data.runs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != base)
                .map(|(_, r)| r),
        )
        .collect()
}

/// The forest panel of one metric: a row per scenario other than the baseline.
/// The colour of a verdict in forest plots: green better, vermillion worse, blue a clear change
/// where neither direction is better, grey no clear difference.
pub fn verdict_colour(v: crate::output::report::Verdict) -> RGBColor {
    use crate::output::report::Verdict;
    match v {
        Verdict::Better => RGBColor(0, 140, 100),
        Verdict::Worse => RGBColor(213, 94, 0),
        Verdict::Higher | Verdict::Lower => RGBColor(0, 114, 178),
        Verdict::Unclear | Verdict::Untested => RGBColor(150, 150, 150),
    }
}

/// Paired replications per scenario (the fewest any scenario has).
fn reps(data: &ComparisonData) -> usize {
    data.runs
        .iter()
        .map(|r| r.replications.first().map_or(0, |c| c.1.len()))
        .min()
        .unwrap_or(0)
}

/// Whether the comparison carries effects over posterior draws (`compare --posterior`).
pub fn has_posterior(data: &ComparisonData) -> bool {
    data.rows.iter().any(|r| r.posterior.is_some())
}

fn forest_panel(data: &ComparisonData, metric: &str, others: &[&RunData]) -> ForestPanel {
    let spec = metrics::spec(metric);
    let better = spec.map_or(Better::Neither, |m| m.better);
    let direction = spec.map_or("", |m| m.better_text());
    ForestPanel {
        caption: axis_label(metric),
        x_desc: match better {
            Better::Neither => format!("difference vs {}", data.manifest.baseline),
            _ => format!("difference vs {}; {direction}", data.manifest.baseline),
        },
        better_right: match better {
            Better::Higher => Some(true),
            Better::Lower => Some(false),
            Better::Neither => None,
        },
        rows: others
            .iter()
            .map(|r| {
                let row = data.row(metric, &r.name);
                // coloured by the verdict on the widest interval there is
                let v = row.map_or(crate::output::report::Verdict::Untested, |x| {
                    crate::output::report::verdict(spec, &x.widest(), reps(data))
                });
                ForestRow {
                    colour: verdict_colour(v),
                    diff: row.map_or(f64::NAN, |x| x.paired.diff_mean),
                    low: row.map_or(f64::NAN, |x| x.paired.diff_ci95_low),
                    high: row.map_or(f64::NAN, |x| x.paired.diff_ci95_high),
                    outer: row.and_then(|x| x.posterior).map(|e| (e.low, e.high)),
                }
            })
            .collect(),
    }
}

fn forest(
    data: &ComparisonData,
    title: &str,
    metrics: &[&str],
    out: &Path,
    stem: &str,
    one_row: bool,
) -> anyhow::Result<Vec<PathBuf>> {
    let runs = display_order(data);
    let others = &runs[1..];
    let post = has_posterior(data);
    let item = |label: &str, colour, swatch| LegendItem {
        label: label.to_string(),
        colour,
        swatch,
    };
    use crate::output::report::Verdict;
    let mut legend = vec![
        item("better", verdict_colour(Verdict::Better), Swatch::Dot),
        item("worse", verdict_colour(Verdict::Worse), Swatch::Dot),
        item(
            "no clear difference",
            verdict_colour(Verdict::Unclear),
            Swatch::Dot,
        ),
    ];
    if post {
        legend.push(item(
            "thick: 95% CI, Monte Carlo (at the posterior mean)",
            RGBColor(90, 90, 90),
            Swatch::Line,
        ));
        legend.push(item(
            "thin: 95% interval over posterior draws (colour judged on it)",
            RGBColor(90, 90, 90),
            Swatch::Thin,
        ));
    }
    let title = if post {
        title
            .replace(
                INTERVAL_NOTE,
                "95% CI (Monte Carlo) and 95% interval over the posterior",
            )
            .replace(
                "(Monte Carlo only; parameters fixed)",
                "(Monte Carlo) and 95% interval over the posterior",
            )
    } else {
        title.to_string()
    };
    let fig = ForestFigure {
        title: title.replace("vs baseline", &format!("vs {}", data.manifest.baseline)),
        labels: others.iter().map(|r| r.name.clone()).collect(),
        panels: metrics
            .iter()
            .map(|m| forest_panel(data, m, others))
            .collect(),
        one_row,
        legend,
    };
    if one_row {
        save_sized(&fig, out, stem, ForestFigure::one_row_size(others.len()))
    } else {
        save(&fig, out, stem)
    }
}

/// Writes `plots/forest_headline.{png,svg}`: the paired differences of `metrics` (the ones a
/// report answers with first). Nothing is written for a comparison without a second scenario or
/// without metrics. Returns the files written.
pub fn headline_forest(data: &ComparisonData, metrics: &[&str]) -> anyhow::Result<Vec<PathBuf>> {
    if data.runs.len() < 2 || metrics.is_empty() {
        return Ok(Vec::new());
    }
    let title = format!("Difference vs baseline: mean and {INTERVAL_NOTE}");
    forest(
        data,
        &title,
        metrics,
        &data.dir.join("plots"),
        HEADLINE_FOREST,
        metrics.len() <= 5,
    )
}

/// Writes `dir/stem.{png,svg}`: a tornado plot of what the ledger's assumptions do to `regime`'s
/// headline effects (`compare --assumptions`). One panel per metric; one row per assumption (the
/// largest swing first), labelled with its ledger grounds; the bar spans the effect with the
/// assumption at the low and at the high end of its range, the dot is the effect at the defaults.
/// Red: an end reverses the effect; amber: an end leaves no clear effect; grey: it holds.
pub fn tornado(
    dir: &Path,
    stem: &str,
    regime: &str,
    findings: &[&crate::studies::assumptions::Finding],
) -> anyhow::Result<Vec<PathBuf>> {
    let Some(first) = findings.first() else {
        return Ok(Vec::new());
    };
    if first.swings.is_empty() {
        return Ok(Vec::new());
    }
    crate::output::export::ensure_writable(dir)?;
    // rows: every assumption, ordered by its largest swing relative to the largest on a metric
    let mut names: Vec<(String, String, f64)> = Vec::new();
    for f in findings {
        let top = f.swings.iter().map(|s| s.swing().abs()).fold(0.0, f64::max);
        for s in &f.swings {
            let rel = if top > 0.0 {
                s.swing().abs() / top
            } else {
                0.0
            };
            match names.iter_mut().find(|n| n.0 == s.parameter) {
                Some(n) => n.2 = n.2.max(rel),
                None => names.push((s.parameter.clone(), s.grounds.clone(), rel)),
            }
        }
    }
    names.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    let sign = |lo: f64, hi: f64| {
        if lo > 0.0 {
            1
        } else if hi < 0.0 {
            -1
        } else {
            0
        }
    };
    let (red, amber, grey) = (
        RGBColor(200, 40, 40),
        RGBColor(225, 140, 20),
        RGBColor(90, 90, 90),
    );
    let panels = findings
        .iter()
        .map(|f| {
            let spec = metrics::spec(&f.metric);
            let better = spec.map_or(Better::Neither, |m| m.better);
            let d = sign(f.at_defaults_ci.0, f.at_defaults_ci.1);
            ForestPanel {
                caption: axis_label(&f.metric),
                x_desc: match better {
                    Better::Neither => "effect vs baseline".to_string(),
                    _ => format!(
                        "effect vs baseline; {}",
                        spec.map_or("", |m| m.better_text())
                    ),
                },
                better_right: match better {
                    Better::Higher => Some(true),
                    Better::Lower => Some(false),
                    Better::Neither => None,
                },
                rows: names
                    .iter()
                    .map(
                        |(p, _, _)| match f.swings.iter().find(|s| &s.parameter == p) {
                            Some(s) => {
                                let ends = [s.at_low_ci, s.at_high_ci].map(|c| sign(c.0, c.1));
                                let at = [s.at_low, s.at_high];
                                let colour = if d != 0 && ends.contains(&-d) {
                                    red
                                } else if d != 0
                                    && ends.iter().zip(at).any(|(e, v)| {
                                        *e == 0 && v.abs() < f.at_defaults.abs() / 2.0
                                    })
                                {
                                    amber
                                } else {
                                    grey
                                };
                                ForestRow {
                                    colour,
                                    diff: f.at_defaults,
                                    low: s.at_low.min(s.at_high),
                                    high: s.at_low.max(s.at_high),
                                    outer: None,
                                }
                            }
                            None => ForestRow {
                                colour: grey,
                                diff: f64::NAN,
                                low: f64::NAN,
                                high: f64::NAN,
                                outer: None,
                            },
                        },
                    )
                    .collect(),
            }
        })
        .collect();
    let item = |label: &str, colour| LegendItem {
        label: label.to_string(),
        colour,
        swatch: Swatch::Line,
    };
    let fig = ForestFigure {
        title: format!(
            "What would change the answer: {regime} vs baseline, each assumption at the ends of its range (dot: at the defaults)"
        ),
        labels: names
            .iter()
            .map(|(p, g, _)| {
                // `funders.federal.x (assumption 0 to 3)` -> `federal.x: assumption 0 to 3`
                format!("{}: {g}", p.strip_prefix("funders.").unwrap_or(p))
            })
            .collect(),
        panels,
        one_row: true,
        legend: vec![
            item("an end reverses the effect", red),
            item("an end leaves no clear effect", amber),
            item("holds", grey),
        ],
    };
    let (_, h) = ForestFigure::one_row_size(names.len());
    save_sized(&fig, dir, stem, (1280, h))
}

/// [`comparison_plots`] on data already read.
pub fn comparison_plots_from(data: &ComparisonData) -> anyhow::Result<Vec<PathBuf>> {
    let out = data.dir.join("plots");
    let base_name = data.manifest.baseline.clone();
    let runs = display_order(data);
    // the plots across scenarios and the forest plots are independent files: drawn in parallel
    // (on the current rayon pool), listed in the order of drawing one after the other
    let (common, forests) = rayon::join(
        || common_plots(&runs, Some(&base_name), &out),
        || {
            use rayon::prelude::*;
            if runs.len() < 2 {
                return Ok(Vec::new());
            }
            FOREST_GROUPS
                .par_iter()
                .map(|(stem, title, metrics)| forest(data, title, metrics, &out, stem, false))
                .collect::<anyhow::Result<Vec<Vec<PathBuf>>>>()
        },
    );
    let mut files = common?;
    files.extend(forests?.into_iter().flatten());
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::plot::fixture::{default_scenarios, write_synthetic_comparison};

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
