//! A self-contained HTML report of a comparison directory.
//!
//! One file, `report.html`: inline CSS, the comparison plots inlined as SVG, no
//! scripts and no references to other files or the network. The markup is
//! XHTML-compatible (every element closed, attributes quoted, text escaped) so
//! it parses with an XML parser once the `<!DOCTYPE html>` line is removed.
//! Every sentence under a plot is computed from the files it reads.

use crate::export::write_atomic;
use crate::metrics::{metric_index, METRICS, REQUIRED};
use crate::plot::data::{quantile, read_comparison_dir, sorted_finite, ComparisonData, RunData};
use crate::plot::{
    comparison_plot_stems, comparison_plots_from, BRINKERHOFF, BRINKERHOFF_METRICS, FOREST_GROUPS,
    REVENUE_METRICS, REVENUE_MIX, SURVIVAL,
};
use anyhow::Context;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What the report says around the numbers.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    /// report title
    pub title: String,
    /// the question the comparison answers
    pub question: String,
    /// optional classroom explanation (paragraphs separated by blank lines)
    pub explanation: Option<String>,
}

/// Writes `cmp_dir/report.html` (atomically) and returns its path.
///
/// Uses the SVGs in `cmp_dir/plots/`; if any expected plot is missing, runs
/// [`crate::plot::comparison_plots`] first.
pub fn write_report(cmp_dir: &Path, input: &ReportInput) -> anyhow::Result<PathBuf> {
    let data = read_comparison_dir(cmp_dir)?;
    let plots = cmp_dir.join("plots");
    let multi = data.runs.len() > 1;
    let expected: Vec<String> = comparison_plot_stems()
        .into_iter()
        .filter(|s| multi || !s.starts_with("forest"))
        .collect();
    if expected
        .iter()
        .any(|s| !plots.join(format!("{s}.svg")).exists())
    {
        comparison_plots_from(&data)?;
    }
    let html = render(&data, input, &plots)?;
    let path = cmp_dir.join("report.html");
    write_atomic(&path, html.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(path)
}

/// Escaped text in which `code` spans (between paired backticks) become `<code>`; with an
/// unpaired backtick the text is only escaped.
fn text_html(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escape(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if k % 2 == 1 {
                format!("<code>{}</code>", escape(p))
            } else {
                escape(p)
            }
        })
        .collect()
}

/// Escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // control characters are not allowed in XML 1.0
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A number for reading: about three significant digits, `n/a` if not finite.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let a = v.abs();
    let s = if a == 0.0 {
        "0".to_string()
    } else if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else if a >= 0.001 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    };
    if s == "-0" || s == "-0.0" || s == "-0.00" || s == "-0.000" {
        s[1..].to_string()
    } else {
        s
    }
}

fn fmt_signed(v: f64) -> String {
    let s = fmt_num(v);
    if v.is_finite() && v > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

fn fmt_pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.0}%", v * 100.0)
    } else {
        "n/a".into()
    }
}

fn unit(metric: &str) -> &'static str {
    metric_index(metric).map(|i| METRICS[i].unit).unwrap_or("")
}

const CSS: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 1000px;
  margin: 2em auto; padding: 0 1em; color: #1a1a1a; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
.question { font-size: 1.15em; border-left: 4px solid #0072b2; padding: 0.3em 0.8em; background: #f3f8fc; }
.explanation { background: #fbf7ee; border: 1px solid #eadfc4; padding: 0.4em 1em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em 0; font-size: 0.92em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.55em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.sig { font-weight: bold; }
.wide { overflow-x: auto; }
figure { margin: 1.5em 0; }
figure svg { width: 100%; height: auto; max-width: 960px; border: 1px solid #e5e5e5; }
figcaption { margin-top: 0.3em; }
figcaption .reading { display: block; color: #333; }
code { background: #f4f4f4; padding: 0.1em 0.3em; }
code.cmd { word-break: break-all; }
.muted { color: #666; font-size: 0.9em; }
";

fn render(data: &ComparisonData, input: &ReportInput, plots: &Path) -> anyhow::Result<String> {
    let mut h = String::new();
    let m = &data.manifest;
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(h, "<title>{}</title>", escape(&input.title));
    let _ = writeln!(h, "<style>{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(h, "<h1>{}</h1>", escape(&input.title));
    let _ = writeln!(
        h,
        "<p class=\"question\"><strong>Question:</strong> {}</p>",
        text_html(&input.question)
    );
    if let Some(text) = input
        .explanation
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        h.push_str("<section class=\"explanation\">\n<h2>For the classroom</h2>\n");
        for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            let _ = writeln!(h, "<p>{}</p>", text_html(para));
        }
        h.push_str("</section>\n");
    }

    // results first; what each scenario changes follows, for readers who want the details
    headline_section(&mut h, data);
    figures_section(&mut h, data, plots)?;
    scenarios_section(&mut h, data);

    h.push_str("<h2>Reproducibility</h2>\n<table>\n");
    for (k, v) in [
        ("seed", &m.seed.to_string()),
        ("replications", &m.reps.to_string()),
        ("version", &m.version),
    ] {
        let _ = writeln!(
            h,
            "<tr><th>{k}</th><td><code>{}</code></td></tr>",
            escape(v)
        );
    }
    let _ = writeln!(
        h,
        "<tr><th>command</th><td><code class=\"cmd\">{}</code></td></tr>\n</table>",
        escape(&m.command)
    );
    h.push_str(
        "<p class=\"muted\">Generated by partnersim from the files in this directory; \
         plots and sentences are computed from them.</p>\n</body>\n</html>\n",
    );
    Ok(h)
}

fn scenarios_section(h: &mut String, data: &ComparisonData) {
    let m = &data.manifest;
    h.push_str("<h2 id=\"scenarios\">Scenarios</h2>\n");
    let _ = writeln!(
        h,
        "<p>Baseline: <strong>{}</strong>. Each scenario lists exactly the parameter keys that differ from the baseline.</p>",
        escape(&m.baseline)
    );
    for s in &m.scenarios {
        let hash = data
            .runs
            .iter()
            .find(|r| r.name == s.name)
            .and_then(|r| r.manifest.as_ref())
            .map(|m| m.details.identity.scenario_hash.clone())
            .unwrap_or_default();
        let _ = write!(h, "<h3>{}", escape(&s.name));
        if s.name == m.baseline {
            h.push_str(" (baseline)");
        }
        h.push_str("</h3>\n");
        if !s.description.is_empty() {
            let _ = writeln!(h, "<p>{}</p>", escape(&s.description));
        }
        if !hash.is_empty() {
            let _ = writeln!(
                h,
                "<p class=\"muted\">scenario hash <code>{}</code></p>",
                escape(&hash)
            );
        }
        if s.name == m.baseline {
            continue;
        }
        if s.differences.is_empty() {
            h.push_str("<p>No parameter differs from the baseline.</p>\n");
            continue;
        }
        h.push_str("<table>\n<tr><th>path</th><th>baseline</th><th>value</th></tr>\n");
        for d in &s.differences {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(&d.path),
                escape(&d.baseline),
                escape(&d.value)
            );
        }
        h.push_str("</table>\n");
    }
}

fn run_mean(run: &RunData, data: &ComparisonData, metric: &str) -> (f64, f64, f64) {
    if let Some(s) = run.summary.get(metric) {
        return (s.mean, s.ci95_low, s.ci95_high);
    }
    let mean = if run.name == data.manifest.baseline {
        data.rows
            .iter()
            .find(|r| r.metric == metric)
            .map(|r| r.paired.baseline_mean)
    } else {
        data.row(metric, &run.name).map(|r| r.paired.mean)
    };
    (mean.unwrap_or(f64::NAN), f64::NAN, f64::NAN)
}

fn headline_section(h: &mut String, data: &ComparisonData) {
    h.push_str("<h2>Headline results</h2>\n");
    h.push_str(
        "<p>Mean over replications with its 95% confidence interval (from each run's summary), \
         and the paired difference against the baseline with its 95% confidence interval \
         (common random numbers, from the comparison). Bold: the interval excludes zero. \
         What each scenario changes is listed under <a href=\"#scenarios\">Scenarios</a>.</p>\n",
    );
    h.push_str("<div class=\"wide\">\n<table>\n<tr><th>metric</th><th>unit</th><th>scenario</th><th>mean</th><th>95% CI</th><th>difference vs baseline</th><th>95% CI of difference</th></tr>\n");
    let base = data.baseline_index();
    let mut order: Vec<usize> = vec![base];
    order.extend((0..data.runs.len()).filter(|&i| i != base));
    for metric in REQUIRED {
        for (k, &i) in order.iter().enumerate() {
            let run = &data.runs[i];
            h.push_str("<tr>");
            if k == 0 {
                let _ = write!(
                    h,
                    "<th rowspan=\"{}\"><code>{}</code></th><td rowspan=\"{}\">{}</td>",
                    order.len(),
                    escape(metric),
                    order.len(),
                    escape(unit(metric))
                );
            }
            let (mean, lo, hi) = run_mean(run, data, metric);
            let ci = if lo.is_finite() && hi.is_finite() {
                format!("{} to {}", fmt_num(lo), fmt_num(hi))
            } else {
                "n/a".into()
            };
            let _ = write!(
                h,
                "<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                escape(&run.name),
                fmt_num(mean),
                ci
            );
            if i == base {
                h.push_str("<td class=\"num\">(baseline)</td><td class=\"num\"></td>");
            } else if let Some(r) = data.row(metric, &run.name) {
                let sig = r.paired.diff_ci95_low > 0.0 || r.paired.diff_ci95_high < 0.0;
                let cls = if sig { "num sig" } else { "num" };
                let _ = write!(
                    h,
                    "<td class=\"{cls}\">{}</td><td class=\"{cls}\">{} to {}</td>",
                    fmt_signed(r.paired.diff_mean),
                    fmt_signed(r.paired.diff_ci95_low),
                    fmt_signed(r.paired.diff_ci95_high)
                );
            } else {
                h.push_str("<td class=\"num\">n/a</td><td class=\"num\">n/a</td>");
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</table>\n</div>\n");
}

/// The SVG file's markup, ready to inline: no XML prolog or doctype, no namespace URL.
pub fn inline_svg(text: &str, label: &str) -> String {
    let start = text.find("<svg").unwrap_or(0);
    let body = &text[start..];
    let body = body
        .replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
        .replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
    match body.strip_prefix("<svg") {
        Some(rest) => format!(
            "<svg role=\"img\" aria-label=\"{}\"{}",
            escape(label),
            rest.trim_end()
        ),
        None => body.trim_end().to_string(),
    }
}

fn last_month_stat(run: &RunData, metric: &str) -> Option<(u32, crate::plot::data::MonthStats)> {
    run.timeseries.get(metric)?.last().copied()
}

fn join_readings(parts: Vec<String>) -> String {
    if parts.is_empty() {
        "no data".into()
    } else {
        parts.join("; ")
    }
}

fn reading(data: &ComparisonData, stem: &str) -> String {
    let runs = &data.runs;
    if stem == SURVIVAL {
        let month = runs
            .iter()
            .filter_map(|r| last_month_stat(r, "survival_rate"))
            .map(|x| x.0)
            .max()
            .unwrap_or(0);
        let parts = runs
            .iter()
            .filter_map(|r| {
                last_month_stat(r, "survival_rate").map(|(_, s)| {
                    format!(
                        "{} {} (90% band {}–{})",
                        r.name,
                        fmt_num(s.p50),
                        fmt_num(s.p05),
                        fmt_num(s.p95)
                    )
                })
            })
            .collect();
        return format!(
            "Median share of ISOs still operating at month {month}: {}.",
            join_readings(parts)
        );
    }
    if let Some(metric) = stem.strip_prefix("fan_") {
        let month = runs
            .iter()
            .filter_map(|r| last_month_stat(r, metric))
            .map(|x| x.0)
            .max()
            .unwrap_or(0);
        let parts = runs
            .iter()
            .filter_map(|r| {
                let (m0, first) = *r.timeseries.get(metric)?.first()?;
                let (_, last) = last_month_stat(r, metric)?;
                Some(format!(
                    "{} {} (from {} at month {m0})",
                    r.name,
                    fmt_num(last.p50),
                    fmt_num(first.p50)
                ))
            })
            .collect();
        return format!(
            "Median {metric} at month {month}: {}.",
            join_readings(parts)
        );
    }
    if let Some(metric) = stem.strip_prefix("box_") {
        let parts = runs
            .iter()
            .filter_map(|r| {
                let s = sorted_finite(r.replication_values(metric)?);
                if s.is_empty() {
                    return None;
                }
                Some(format!(
                    "{} {} (p05–p95 {}–{})",
                    r.name,
                    fmt_num(quantile(&s, 0.5)),
                    fmt_num(quantile(&s, 0.05)),
                    fmt_num(quantile(&s, 0.95))
                ))
            })
            .collect();
        return format!(
            "Median over replications of the run summary of {metric}: {}.",
            join_readings(parts)
        );
    }
    if stem == REVENUE_MIX {
        let parts = runs
            .iter()
            .filter_map(|r| {
                let totals: Vec<(&str, f64)> = REVENUE_METRICS
                    .iter()
                    .map(|(m, label)| {
                        let t = r
                            .timeseries
                            .get(m)
                            .map(|s| s.iter().map(|x| x.1.mean).filter(|v| v.is_finite()).sum())
                            .unwrap_or(0.0);
                        (*label, t)
                    })
                    .collect();
                let all: f64 = totals.iter().map(|t| t.1).sum();
                if all <= 0.0 {
                    return None;
                }
                let gov: f64 = totals[..3].iter().map(|t| t.1).sum();
                let (top, topv) = totals
                    .iter()
                    .copied()
                    .fold(
                        ("", f64::NEG_INFINITY),
                        |a, b| if b.1 > a.1 { b } else { a },
                    );
                let months = r.timeseries.months.len().max(1) as f64;
                Some(format!(
                    "{} {} government, largest source {} ({}), mean total {} CAD per month",
                    r.name,
                    fmt_pct(gov / all),
                    top,
                    fmt_pct(topv / all),
                    fmt_num(all / months)
                ))
            })
            .collect();
        return format!("Share of revenue over the run: {}.", join_readings(parts));
    }
    if stem == BRINKERHOFF {
        let month = runs
            .iter()
            .filter_map(|r| r.timeseries.months.last().copied())
            .max()
            .unwrap_or(0);
        let parts = runs
            .iter()
            .filter_map(|r| {
                let (label, v) = BRINKERHOFF_METRICS
                    .iter()
                    .filter_map(|(m, label)| last_month_stat(r, m).map(|(_, s)| (*label, s.mean)))
                    .filter(|x| x.1.is_finite())
                    .fold(
                        ("", f64::NEG_INFINITY),
                        |a, b| if b.1 > a.1 { b } else { a },
                    );
                let partnership = last_month_stat(r, BRINKERHOFF_METRICS[0].0)?.1.mean;
                (!label.is_empty()).then(|| {
                    format!(
                        "{} mostly {} ({}), partnership {}",
                        r.name,
                        label,
                        fmt_num(v),
                        fmt_num(partnership)
                    )
                })
            })
            .collect();
        return format!(
            "Relationship classes at month {month} (mean share): {}.",
            join_readings(parts)
        );
    }
    if let Some((_, _, metrics)) = FOREST_GROUPS.iter().find(|g| g.0 == stem) {
        let mut excl = Vec::new();
        let mut total = 0;
        for metric in metrics {
            let mut items = Vec::new();
            for r in data.rows.iter().filter(|r| r.metric == *metric) {
                total += 1;
                if r.paired.diff_ci95_low > 0.0 || r.paired.diff_ci95_high < 0.0 {
                    items.push(format!("{} {}", r.scenario, fmt_signed(r.paired.diff_mean)));
                }
            }
            if !items.is_empty() {
                excl.push(format!("{metric} ({})", items.join(", ")));
            }
        }
        return if excl.is_empty() {
            format!("None of the {total} differences shown has a 95% CI that excludes zero.")
        } else {
            let count: usize = data
                .rows
                .iter()
                .filter(|r| metrics.contains(&r.metric.as_str()))
                .filter(|r| r.paired.diff_ci95_low > 0.0 || r.paired.diff_ci95_high < 0.0)
                .count();
            format!(
                "{count} of {total} differences have a 95% CI that excludes zero: {}.",
                excl.join("; ")
            )
        };
    }
    String::new()
}

const SMALL_MULTIPLES_NOTE: &str = " With more than five scenarios, each has its own panel on shared axes, with the baseline's median as a grey line.";

fn caption(stem: &str) -> String {
    if stem == SURVIVAL {
        return format!("ISO survival: median share of ISOs operating (step line) with the 90% band (p05–p95) over replications.{SMALL_MULTIPLES_NOTE}");
    }
    if let Some(m) = stem.strip_prefix("fan_") {
        return format!(
            "{m} over months: median, 50% band (p25–p75, darker) and 90% band (p05–p95, lighter).{SMALL_MULTIPLES_NOTE}"
        );
    }
    if let Some(m) = stem.strip_prefix("box_") {
        return format!("{m}: distribution of per-replication summaries; box p25–p75, bar median, whiskers p05–p95, diamond mean.");
    }
    if stem == REVENUE_MIX {
        return "Revenue mix by source over months (mean over replications), one panel per scenario.".into();
    }
    if stem == BRINKERHOFF {
        return "Brinkerhoff relationship classes over months (mean share), one panel per scenario.".into();
    }
    if let Some(g) = FOREST_GROUPS.iter().find(|g| g.0 == stem) {
        return format!("{}; vertical line at zero.", g.1);
    }
    stem.to_string()
}

fn figures_section(h: &mut String, data: &ComparisonData, plots: &Path) -> anyhow::Result<()> {
    h.push_str("<h2>Plots</h2>\n");
    for stem in comparison_plot_stems() {
        let path = plots.join(format!("{stem}.svg"));
        if !path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let cap = caption(&stem);
        let _ = writeln!(
            h,
            "<figure id=\"fig-{}\">\n{}\n<figcaption><strong>{}</strong><span class=\"reading\">{}</span></figcaption>\n</figure>",
            escape(&stem),
            inline_svg(&text, &cap),
            escape(&cap),
            escape(&reading(data, &stem))
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticks_become_code() {
        assert_eq!(
            text_html("if `a<b` then `c`"),
            "if <code>a&lt;b</code> then <code>c</code>"
        );
        assert_eq!(text_html("one ` alone"), "one ` alone");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a & <b> \"c\""), "a &amp; &lt;b&gt; &quot;c&quot;");
    }

    #[test]
    fn numbers() {
        assert_eq!(fmt_num(0.8), "0.800");
        assert_eq!(fmt_num(123456.7), "123457");
        assert_eq!(fmt_num(f64::NAN), "n/a");
        assert_eq!(fmt_signed(0.25), "+0.250");
        assert_eq!(fmt_num(-0.0001), "-1.00e-4");
    }

    #[test]
    fn svg_is_inlined_without_prolog_or_namespace() {
        let s = "<?xml version=\"1.0\"?>\n<svg width=\"1\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n";
        let out = inline_svg(s, "x & y");
        assert!(out.starts_with("<svg role=\"img\" aria-label=\"x &amp; y\" width=\"1\">"));
        assert!(!out.contains("http"));
    }
}
