//! A self-contained HTML report of a comparison directory, answers first.
//!
//! One file, `report.html`: inline CSS, the comparison plots inlined as SVG, no
//! scripts and no references to other files or the network. The markup is
//! XHTML-compatible (every element closed, attributes quoted, text escaped) so
//! it parses with an XML parser once the `<!DOCTYPE html>` line is removed.
//!
//! The page reads top down: the question; the answer (a forest plot of the
//! headline metrics and a few sentences computed from the paired differences,
//! each metric with its label, unit and better direction from the metric
//! catalogue); a classroom group's explanation; the plots, each captioned with
//! what it shows and a reading computed from the data; the full tables of every
//! metric, collapsed; the scenarios' parameters, collapsed; how to reproduce it.
//! It fits a 1024-pixel screen without horizontal scrolling and prints on A4.
//! Every interval is labelled as what it is: Monte Carlo error with the
//! parameters held fixed.

mod answer;
pub mod numbers;

pub use answer::{clear, verdict, Verdict};
pub use numbers::{diff_ci, fixed, fmt_num, percent, signed};

use crate::metrics::{self, MetricSpec, METRICS};
use crate::output::export::write_atomic;
use crate::output::plot::data::{
    quantile, read_comparison_dir, sorted_finite, ComparisonData, RunData,
};
use crate::output::plot::{
    comparison_plot_stems, comparison_plots_from, display_order, headline_forest, BRINKERHOFF,
    BRINKERHOFF_METRICS, FOREST_GROUPS, HEADLINE_FOREST, INTERVAL_NOTE, REVENUE_METRICS,
    REVENUE_MIX, SURVIVAL,
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
    /// the metrics the answer leads with (a classroom group's watched metrics); empty for the
    /// catalogue's headline metrics
    pub headline: Vec<String>,
}

/// The metrics the answer leads with: the input's (those the catalogue and the files know, in
/// its order), else the catalogue's headline metrics.
pub fn answer_metrics<'a>(data: &ComparisonData, input: &'a ReportInput) -> Vec<&'a str> {
    let known = |m: &&str| metrics::spec(m).is_some() && data.rows.iter().any(|r| r.metric == *m);
    let chosen: Vec<&str> = input
        .headline
        .iter()
        .map(String::as_str)
        .filter(known)
        .collect();
    if chosen.is_empty() {
        metrics::headline().into_iter().filter(known).collect()
    } else {
        chosen
    }
}

/// The title of a comparison's report: `partnersim: 3 funding regimes against baseline` (one
/// regime in the singular).
pub fn default_title(others: usize, baseline: &str) -> String {
    let noun = if others == 1 { "regime" } else { "regimes" };
    format!("partnersim: {others} funding {noun} against {baseline}")
}

/// Writes `cmp_dir/report.html` (atomically) and returns its path.
///
/// Uses the SVGs in `cmp_dir/plots/`; if any expected plot is missing, runs
/// [`crate::output::plot::comparison_plots`] first. The headline forest plot
/// (`plots/forest_headline.*`) is drawn every time, for the metrics the answer leads with.
pub fn write_report(cmp_dir: &Path, input: &ReportInput) -> anyhow::Result<PathBuf> {
    write_report_from(&read_comparison_dir(cmp_dir)?, input)
}

/// [`write_report`] on a comparison directory already read.
pub fn write_report_from(data: &ComparisonData, input: &ReportInput) -> anyhow::Result<PathBuf> {
    let cmp_dir = data.dir.as_path();
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
        comparison_plots_from(data)?;
    }
    headline_forest(data, &answer_metrics(data, input))?;
    crate::studies::assumptions::tornado_plots(cmp_dir)?;
    let html = render(data, input, &plots)?;
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

fn fmt_signed(v: f64) -> String {
    signed(v, numbers::decimals_for(v))
}

fn fmt_pct(v: f64) -> String {
    percent(v)
}

/// The style sheet of every partnersim report (embedded in the page).
pub const CSS: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 1000px;
  margin: 1.5em auto; padding: 0 1em; color: #1a1a1a; line-height: 1.45; }
h1 { margin: 0 0 0.3em 0; font-size: 1.7em; line-height: 1.2; }
h2 { margin: 1.4em 0 0.5em 0; }
.question { font-size: 1em; border-left: 4px solid #0072b2; padding: 0.3em 0.8em;
  background: #f3f8fc; margin: 0.5em 0 0.8em 0; }
ul.answer { padding-left: 1.2em; margin: 0.4em 0; }
ul.answer li { margin: 0.25em 0; }
ul.answer li.lead { list-style: none; margin-left: -1.2em; }
.better { color: #1b7837; font-weight: bold; }
.desc { display: block; color: #555; font-size: 0.88em; }
.ci { color: #555; font-size: 0.92em; white-space: nowrap; }
.worse { color: #b2182b; font-weight: bold; }
.note { color: #444; font-size: 0.9em; }
dl.key { display: grid; grid-template-columns: max-content 1fr; gap: 0.1em 0.8em;
  font-size: 0.9em; margin: 0.4em 0; }
dl.key dt { font-weight: bold; }
dl.key dd { margin: 0; }
.explanation { background: #fbf7ee; border: 1px solid #eadfc4; padding: 0.2em 1em; }
table { border-collapse: collapse; margin: 0.4em 0 1em 0; font-size: 0.9em; max-width: 100%; }
th, td { border: 1px solid #d0d0d0; padding: 0.2em 0.45em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.name { overflow-wrap: anywhere; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.sig { font-weight: bold; }
p.lead-table { margin: 0.3em 0; }
span.key { padding: 0 0.3em; white-space: nowrap; }
.key.v-better { background: #e3f3ea; color: #00704f; font-weight: bold; }
.key.v-worse { background: #fbe6da; color: #b3470a; font-weight: bold; }
.key.v-unclear { color: #777; }
table.verdicts { font-size: 0.8em; width: 100%; table-layout: fixed; margin-top: 0.2em; }
table.verdicts td { white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  font-variant-numeric: tabular-nums; }
table.verdicts th { font-weight: normal; vertical-align: bottom; }
table.verdicts th .m { font-weight: bold; display: block; }
table.verdicts th .dir, table.verdicts th .tally { display: block; color: #555; font-size: 0.9em; }
table.verdicts th.name { width: 10.5em; }
table.verdicts td.name { overflow-wrap: normal; }
table.verdicts td { padding: 0.05em 0.3em; line-height: 1.2; }
table.verdicts td .n { display: block; color: #444; font-size: 0.92em; }
td.v-better { background: #e3f3ea; } td.v-better .w { color: #00704f; font-weight: bold; }
td.v-worse { background: #fbe6da; } td.v-worse .w { color: #b3470a; font-weight: bold; }
td.v-higher, td.v-lower { background: #e3eef7; } td.v-higher .w, td.v-lower .w { color: #005a8c; font-weight: bold; }
td.v-unclear .w, td.v-untested .w { color: #777; }
td.v-unclear .n, td.v-untested .n { color: #777; }
figure { margin: 1.2em 0; }
figure svg { display: block; box-sizing: border-box; width: 100%; height: auto; border: 1px solid #e5e5e5; }
svg text { font-family: 'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif; }
figcaption { margin-top: 0.3em; font-size: 0.95em; }
figcaption .reading { display: block; color: #333; }
details { margin: 0.5em 0; }
summary { cursor: pointer; font-weight: bold; }
h3.metric { margin: 1em 0 0.2em 0; font-size: 1.05em; }
h3.metric .unit { font-weight: normal; color: #555; }
code { background: #f4f4f4; padding: 0.1em 0.3em; overflow-wrap: anywhere; }
code.cmd { word-break: break-all; }
.muted { color: #666; font-size: 0.9em; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  details::details-content { content-visibility: visible; display: block; }
  summary { list-style: none; }
  figure, tr, ul.answer li, dl.key { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
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
    let _ = writeln!(
        h,
        "<p class=\"start\"><strong>Start ({}):</strong> {}.</p>",
        data.manifest.start.as_str(),
        escape(data.manifest.start.question())
    );

    // the answer first; then the classroom text, the plots, the tables and the details
    let headline = answer_metrics(data, input);
    let from_watch = !input.headline.is_empty();
    answer_section(&mut h, data, &headline, from_watch, plots)?;
    if let Some(dir) = plots.parent() {
        posterior_section(&mut h, dir, &headline)?;
        assumptions_section(&mut h, dir, plots)?;
    }
    if let Some(text) = input
        .explanation
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        h.push_str("<section class=\"explanation\">\n<h2>For the classroom</h2>\n");
        for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            let _ = writeln!(h, "<p>{}</p>", text_html(para));
        }
        if !input.headline.is_empty() {
            let labels: Vec<String> = headline
                .iter()
                .filter_map(|m| metrics::spec(m))
                .map(|s| format!("<a href=\"#m-{}\">{}</a>", s.name, escape(s.label)))
                .collect();
            let _ = writeln!(h, "<p><strong>Watch:</strong> {}.</p>", labels.join(", "));
        }
        h.push_str("</section>\n");
    }
    figures_section(&mut h, data, plots)?;
    funders_section(&mut h, data);
    tables_section(&mut h, data);
    scenarios_section(&mut h, data);

    h.push_str("<h2 id=\"reproduce\">Reproducibility</h2>\n<table>\n");
    for (k, v) in [
        ("seed", &m.seed.to_string()),
        ("start", &m.start.as_str().to_string()),
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

/// `Label (unit; higher is better)` of a metric, as HTML.
fn metric_heading(spec: &MetricSpec) -> String {
    format!(
        "{} <span class=\"unit\">({}; {})</span>",
        escape(spec.label),
        escape(spec.unit),
        spec.better_text()
    )
}

fn answer_section(
    h: &mut String,
    data: &ComparisonData,
    headline: &[&str],
    from_watch: bool,
    plots: &Path,
) -> anyhow::Result<()> {
    h.push_str("<section id=\"answer\">\n<h2>The answer</h2>\n");
    verdict_table(h, data, headline);
    h.push_str("<ul class=\"answer\">\n");
    // a classroom group's watched metrics all go into the sentences; of the catalogue's
    // headline metrics the first three (the plot shows every one)
    let per_sentence = if from_watch { headline.len().max(1) } else { 3 };
    for (k, s) in answer::sentences(data, headline, per_sentence)
        .iter()
        .enumerate()
    {
        let cls = if k == 0 { " class=\"lead\"" } else { "" };
        let _ = writeln!(h, "<li{cls}>{s}</li>");
    }
    h.push_str("</ul>\n");
    let path = plots.join(format!("{HEADLINE_FOREST}.svg"));
    if data.runs.len() > 1 && path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let set = answer::setting(data);
        let cap = if set.posterior {
            format!(
                "Difference from {} per scenario: dot the mean over {} paired replications at the \
                 posterior mean, thick bar its 95% CI (Monte Carlo), thin bar with tall ends the 95% \
                 interval over posterior draws (parameters and Monte Carlo); colour the verdict on \
                 the interval over the posterior (green better, vermillion worse, grey no clear \
                 difference); the better side of zero is shaded green.",
                data.manifest.baseline, set.reps
            )
        } else {
            format!(
                "Difference from {} per scenario: dot the mean over {} paired replications, bar its \
                 95% CI (Monte Carlo only; parameters fixed); colour the verdict (green better, \
                 vermillion worse, grey no clear difference); the better side of zero is shaded \
                 green.",
                data.manifest.baseline, set.reps
            )
        };
        let _ = writeln!(
            h,
            "<figure id=\"fig-{HEADLINE_FOREST}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
            inline_svg(&text, &cap),
            escape(&cap)
        );
    }
    h.push_str("<dl class=\"key\">\n");
    for spec in headline.iter().filter_map(|m| metrics::spec(m)) {
        let _ = writeln!(
            h,
            "<dt>{}</dt><dd>{} ({}; {}) <a href=\"#m-{}\">all numbers</a></dd>",
            escape(spec.label),
            escape(spec.description),
            escape(spec.unit),
            spec.better_text(),
            spec.name
        );
    }
    h.push_str("</dl>\n");
    if answer::setting(data).posterior {
        let _ = writeln!(
            h,
            "<p class=\"note\">The table, the sentences and the colours judge each difference by \
             its {}: it covers how uncertain the calibrated parameters are as well as the Monte \
             Carlo error. The forest plot also shows the {} at the posterior mean (thick bars), as \
             do the plots and tables below. A difference is called clear when its interval \
             excludes zero, and never from fewer than two replications.</p>",
            escape(crate::studies::compare::POSTERIOR_LABEL),
            escape(crate::studies::compare::MC_LABEL)
        );
    } else {
        let _ = writeln!(
            h,
            "<p class=\"note\">Every interval is a {}: it shows how precisely the replications pin \
             down each number for the parameters as set, not how uncertain the parameters themselves \
             are (<code>compare --posterior</code> adds that). A difference is called clear when its \
             95% CI excludes zero, and never from fewer than two replications.</p>",
            escape(INTERVAL_NOTE)
        );
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">Colours: in the table and the forest plots colour is the verdict \
         (green better, vermillion worse, grey no clear difference, blue a clear change where \
         neither direction is better). In the other plots each regime keeps one colour in every \
         plot and the baseline is black{}.</p>\n</section>",
        if data.runs.len() > 8 {
            "; with this many regimes every other regime is blue and each is named in its own \
             panel or under its box"
        } else {
            ""
        }
    );
    Ok(())
}

/// The first screen's answer for every regime by name: one row per regime (the most often better
/// first), one column per headline metric, each cell the verdict with the mean difference and the
/// widest interval there is (over the posterior with `compare --posterior`, else Monte Carlo),
/// each column headed by its count of better and worse regimes.
fn verdict_table(h: &mut String, data: &ComparisonData, headline: &[&str]) {
    let set = answer::setting(data);
    let specs: Vec<&MetricSpec> = headline.iter().filter_map(|m| metrics::spec(m)).collect();
    let others: Vec<&RunData> = display_order(data).into_iter().skip(1).collect();
    if others.is_empty() || specs.is_empty() {
        return;
    }
    let cell = |run: &RunData, spec: &MetricSpec| -> (Verdict, (String, String)) {
        match data.row(spec.name, &run.name) {
            Some(r) => {
                let p = r.widest();
                let v = verdict(Some(spec), &p, set.reps);
                let (d, lo, hi) =
                    numbers::diff_ci_sig(p.diff_mean, p.diff_ci95_low, p.diff_ci95_high, 2);
                let n = if v == Verdict::Untested {
                    (d, String::new())
                } else if set.posterior {
                    (d, format!("{{{lo}, {hi}}}"))
                } else {
                    (d, format!("[{lo}, {hi}]"))
                };
                (v, n)
            }
            None => (Verdict::Untested, ("n/a".into(), String::new())),
        }
    };
    let cells: Vec<Vec<(Verdict, (String, String))>> = others
        .iter()
        .map(|r| specs.iter().map(|s| cell(r, s)).collect())
        .collect();
    // the regimes better on the most metrics (net of worse) first; ties in display order
    let net = |row: &Vec<(Verdict, (String, String))>| {
        row.iter()
            .map(|c| match c.0 {
                Verdict::Better => 1i64,
                Verdict::Worse => -1,
                _ => 0,
            })
            .sum::<i64>()
    };
    let mut order: Vec<usize> = (0..others.len()).collect();
    order.sort_by_key(|&i| -net(&cells[i]));
    let bracket = if set.posterior {
        "{braces}"
    } else {
        "[brackets]"
    };
    let _ = writeln!(
        h,
        "<p class=\"lead-table\">Each regime against <strong>{}</strong> on the headline metrics: \
         <span class=\"key v-better\">✔ better</span> <span class=\"key v-worse\">✘ worse</span> \
         <span class=\"key v-unclear\">· no clear difference</span>, with the mean difference and \
         in {bracket} its {} ({} paired replications{}); the regimes better on most metrics first.</p>",
        escape(&data.manifest.baseline),
        escape(answer::interval_label(&set)),
        set.reps,
        if set.posterior {
            " under each posterior draw"
        } else {
            " per regime"
        }
    );
    h.push_str("<table class=\"verdicts\" id=\"verdicts\">\n<tr><th class=\"name\">regime</th>");
    for (j, spec) in specs.iter().enumerate() {
        let count = |v: Verdict| cells.iter().filter(|r| r[j].0 == v).count();
        let tally = match spec.better {
            metrics::Better::Neither => format!(
                "{} higher · {} lower",
                count(Verdict::Higher),
                count(Verdict::Lower)
            ),
            _ => format!(
                "{} better · {} worse",
                count(Verdict::Better),
                count(Verdict::Worse)
            ),
        };
        let _ = write!(
            h,
            "<th><a class=\"m\" href=\"#m-{}\">{}</a><span class=\"dir\">{}; {}</span><span class=\"tally\">{tally}</span></th>",
            spec.name,
            escape(spec.label),
            escape(spec.unit),
            spec.better_text()
        );
    }
    h.push_str("</tr>\n");
    for i in order {
        let _ = write!(
            h,
            "<tr><td class=\"name\"><strong>{}</strong></td>",
            escape(&others[i].name)
        );
        for (v, (d, ci)) in &cells[i] {
            let cls = match v {
                Verdict::Better => "v-better",
                Verdict::Worse => "v-worse",
                Verdict::Higher => "v-higher",
                Verdict::Lower => "v-lower",
                Verdict::Unclear => "v-unclear",
                Verdict::Untested => "v-untested",
            };
            let mark = match v {
                Verdict::Better => "✔",
                Verdict::Worse => "✘",
                Verdict::Higher => "▲",
                Verdict::Lower => "▼",
                Verdict::Unclear | Verdict::Untested => "·",
            };
            let _ = write!(
                h,
                "<td class=\"{cls}\" title=\"{}\"><span class=\"w\">{mark}</span> {}<span class=\"n\">{}</span></td>",
                v.text(),
                escape(d),
                escape(ci)
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// With `compare --posterior`: each headline effect at the posterior mean (Monte Carlo interval,
/// parameters fixed there) beside its interval over the posterior draws (parameters and Monte
/// Carlo), read from `comparison.csv`'s posterior columns; nothing without them.
fn posterior_section(h: &mut String, dir: &Path, headline: &[&str]) -> anyhow::Result<()> {
    let path = dir.join("comparison.csv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n);
    let (Some(m), Some(sc), Some(d), Some(lo), Some(hi), Some(pd), Some(plo), Some(phi), Some(k)) = (
        col("metric"),
        col("scenario"),
        col("diff_mean"),
        col("diff_ci95_low"),
        col("diff_ci95_high"),
        col("posterior_diff_mean"),
        col("posterior_ci95_low"),
        col("posterior_ci95_high"),
        col("posterior_draws"),
    ) else {
        return Ok(());
    };
    let num = |c: Option<&&str>| c.and_then(|s| s.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let mut rows = String::new();
    let mut draws = String::new();
    for line in lines {
        let c: Vec<&str> = line.split(',').collect();
        let Some(metric) = c.get(m).copied() else {
            continue;
        };
        if !headline.contains(&metric) {
            continue;
        }
        let label = metrics::spec(metric).map_or(metric, |s| s.label);
        let (dd, dl, dh) = (num(c.get(d)), num(c.get(lo)), num(c.get(hi)));
        let (pd_, pl, ph) = (num(c.get(pd)), num(c.get(plo)), num(c.get(phi)));
        let widest = [dd, dl, dh, pd_, pl, ph]
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f64, |m, v| m.max(v.abs()));
        let mut digits = numbers::decimals_for(widest);
        while digits < 9 && dl != dh && fixed(dl, digits) == fixed(dh, digits) {
            digits += 1;
        }
        let f = |x: f64| signed(x, digits);
        draws = c.get(k).copied().unwrap_or("").to_string();
        let _ = writeln!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{} [{}, {}]</td><td>{} {{{}, {}}}</td></tr>",
            escape(c.get(sc).copied().unwrap_or("")),
            escape(label),
            f(num(c.get(d))),
            f(num(c.get(lo))),
            f(num(c.get(hi))),
            f(num(c.get(pd))),
            f(num(c.get(plo))),
            f(num(c.get(phi)))
        );
    }
    let _ = writeln!(
        h,
        "<section id=\"posterior\">\n<h2>With parameter uncertainty</h2>\n<p>Every regime was also \
         run under {draws} draws from a calibration's posterior (<code>--posterior</code>). Left: the \
         difference at the posterior mean with its {} (the intervals everywhere else in this \
         report). Right: the mean over draws and the {} (2.5% to 97.5% of the draws' mean \
         differences; see docs/calibration.md).</p>\n<table>\n<tr><th>scenario</th><th>metric</th>\
         <th>at the posterior mean [{}]</th><th>over the posterior {{{}}}</th></tr>\n{rows}</table>\n</section>",
        escape(crate::studies::compare::MC_LABEL),
        escape(crate::studies::compare::POSTERIOR_LABEL),
        escape(crate::studies::compare::MC_LABEL),
        escape(crate::studies::compare::POSTERIOR_LABEL),
    );
    Ok(())
}

/// "What would change this answer": the sentences and tornado plots of `compare --assumptions`
/// (`assumptions.json`), with the runs they took. Nothing without the file.
fn assumptions_section(h: &mut String, dir: &Path, plots: &Path) -> anyhow::Result<()> {
    let Some(a) = crate::studies::assumptions::read(dir) else {
        return Ok(());
    };
    let _ = writeln!(
        h,
        "<section id=\"assumptions\">\n<h2>What would change this answer</h2>\n<p>The intervals \
         above hold every parameter at its default. Many defaults are <em>assumptions</em>: no \
         figure exists, so the model's ledger gives each a plausible range and says why \
         (<code>partnersim params</code>; docs/assumptions.md). Each headline effect was \
         re-estimated with each of {} assumptions the regime does not set itself at the low and \
         at the high end of its range, one at a time, on the same random numbers ({} replications \
         each); then the {} that moved each regime most were moved together at {} Latin-hypercube \
         points. This took {} model runs (<code>--assumptions {}</code>).</p>",
        a.assumptions,
        a.reps,
        crate::studies::assumptions::JOINT_PARAMS,
        a.joint_points,
        a.runs,
        a.depth.as_str()
    );
    let mut regimes: Vec<&str> = Vec::new();
    for f in &a.findings {
        if !regimes.contains(&f.regime.as_str()) {
            regimes.push(&f.regime);
        }
    }
    for r in regimes {
        let _ = writeln!(h, "<h3>{}</h3>\n<ul>", escape(r));
        for f in a.findings.iter().filter(|f| f.regime == r) {
            let label = metrics::spec(&f.metric).map_or(f.metric.as_str(), |s| s.label);
            let widest = f
                .at_defaults
                .abs()
                .max(f.at_defaults_ci.0.abs())
                .max(f.at_defaults_ci.1.abs());
            let digits = numbers::decimals_for(widest).max(if widest < 0.01 { 4 } else { 0 });
            let _ = writeln!(
                h,
                "<li class=\"assumption-{}\"><strong>{}</strong> ({} [{}, {}] at the defaults): {}.</li>",
                escape(&f.status),
                escape(label),
                signed(f.at_defaults, digits),
                signed(f.at_defaults_ci.0, digits),
                signed(f.at_defaults_ci.1, digits),
                text_html(&f.sentence)
            );
        }
        h.push_str("</ul>\n");
        let stem = format!("tornado_{}", crate::output::plot::safe_name(r));
        if let Ok(text) = std::fs::read_to_string(plots.join(format!("{stem}.svg"))) {
            let cap = format!(
                "What would change the answer for {r}: for each assumption (labelled with its \
                 grounds in the ledger), the bar spans the effect with the assumption at the low \
                 and at the high end of its range; the dot is the effect at the defaults. Red: an \
                 end of the range reverses the effect; amber: an end leaves no clear effect; grey: \
                 the effect holds. Longest bars first."
            );
            let _ = writeln!(
                h,
                "<figure id=\"fig-{stem}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                inline_svg(&text, &cap),
                escape(&cap)
            );
        }
    }
    h.push_str("</section>\n");
    Ok(())
}

fn tables_section(h: &mut String, data: &ComparisonData) {
    let set = answer::setting(data);
    let runs = display_order(data);
    let present: Vec<&MetricSpec> = METRICS
        .iter()
        .filter(|m| {
            data.rows.iter().any(|r| r.metric == m.name)
                || runs.iter().any(|r| r.summary.contains_key(m.name))
        })
        .collect();
    h.push_str("<h2 id=\"tables\">All metrics</h2>\n");
    let _ = writeln!(
        h,
        "<p>Mean over replications with its 95% CI, and the paired difference from <strong>{}</strong> \
         with its 95% CI ({}). Bold: a clear difference (its interval excludes zero).</p>",
        escape(&data.manifest.baseline),
        escape(INTERVAL_NOTE)
    );
    let _ = writeln!(
        h,
        "<details id=\"all-metrics\">\n<summary>Tables of all {} metrics for {} scenarios</summary>",
        present.len(),
        runs.len()
    );
    for spec in present {
        let _ = writeln!(
            h,
            "<h3 class=\"metric\" id=\"m-{}\">{} <code>{}</code></h3>\n<p class=\"muted\">{}</p>",
            spec.name,
            metric_heading(spec),
            spec.name,
            escape(spec.description)
        );
        h.push_str("<table>\n<tr><th>scenario</th><th>mean</th><th>95% CI</th><th>difference</th><th>95% CI of difference</th><th>reading</th></tr>\n");
        for (k, run) in runs.iter().enumerate() {
            let (mean, lo, hi) = run_mean(run, data, spec.name);
            let (_, lo_t, hi_t) = diff_ci(mean, lo, hi);
            let ci = if lo.is_finite() && hi.is_finite() && set.reps >= 2 {
                format!(
                    "{} to {}",
                    lo_t.trim_start_matches('+'),
                    hi_t.trim_start_matches('+')
                )
            } else {
                "n/a".into()
            };
            let _ = write!(
                h,
                "<tr><td class=\"name\">{}</td><td class=\"num\">{}</td><td class=\"num\">{ci}</td>",
                escape(&run.name),
                fmt_num(mean)
            );
            if k == 0 {
                h.push_str(
                    "<td class=\"num\">baseline</td><td class=\"num\"></td><td></td></tr>\n",
                );
                continue;
            }
            match data.row(spec.name, &run.name) {
                Some(r) => {
                    let p = &r.paired;
                    let v = verdict(Some(spec), p, set.reps);
                    let cls = if clear(p, set.reps) { "num sig" } else { "num" };
                    let (d, lo, hi) = diff_ci(p.diff_mean, p.diff_ci95_low, p.diff_ci95_high);
                    let ci = if v == Verdict::Untested {
                        "n/a".to_string()
                    } else {
                        format!("{lo} to {hi}")
                    };
                    let reading = match v {
                        Verdict::Better => "<span class=\"better\">better</span>".to_string(),
                        Verdict::Worse => "<span class=\"worse\">worse</span>".to_string(),
                        other => other.text().to_string(),
                    };
                    let _ = writeln!(
                        h,
                        "<td class=\"{cls}\">{d}</td><td class=\"{cls}\">{ci}</td><td>{reading}</td></tr>"
                    );
                }
                None => h.push_str(
                    "<td class=\"num\">n/a</td><td class=\"num\">n/a</td><td></td></tr>\n",
                ),
            }
        }
        h.push_str("</table>\n");
    }
    h.push_str("</details>\n");
}

fn scenarios_section(h: &mut String, data: &ComparisonData) {
    let m = &data.manifest;
    h.push_str("<h2 id=\"scenarios\">Scenarios</h2>\n");
    let _ = writeln!(
        h,
        "<p>Baseline: <strong>{}</strong>. Each scenario lists exactly the parameter keys that differ from the baseline.</p>",
        escape(&m.baseline)
    );
    let _ = writeln!(
        h,
        "<details id=\"scenario-details\">\n<summary>Parameters of the {} scenarios</summary>",
        m.scenarios.len()
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
                "<tr><td class=\"name\"><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(&d.path),
                escape(&d.baseline),
                escape(&d.value)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</details>\n");
}

/// The funders' side next to the ISOs' side (MLH 5.1, 5.3: officials value annual agreements for
/// the flexibility to reallocate and for accountability): for each regime, what the ISOs get,
/// and what each funder pays per client, spends in oversight hours, re-decides each year and
/// receives in reports. Means over replications, with the difference from the baseline.
fn funders_section(h: &mut String, data: &ComparisonData) {
    let runs = display_order(data);
    let has = |m: &str| {
        runs.iter().any(|r| r.summary.contains_key(m)) || data.rows.iter().any(|r| r.metric == m)
    };
    if !has("federal_cost_per_client") {
        return;
    }
    let cell = |run: &RunData, k: usize, metric: &str| -> String {
        let (mean, _, _) = run_mean(run, data, metric);
        if k == 0 {
            return format!("<td class=\"num\">{}</td>", fmt_num(mean));
        }
        let diff = data
            .row(metric, &run.name)
            .map(|r| {
                diff_ci(
                    r.paired.diff_mean,
                    r.paired.diff_ci95_low,
                    r.paired.diff_ci95_high,
                )
                .0
            })
            .unwrap_or_else(|| "n/a".into());
        format!(
            "<td class=\"num\">{} <span class=\"muted\">({diff})</span></td>",
            fmt_num(mean)
        )
    };
    let table = |h: &mut String, title: &str, metrics: &[&str]| {
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<table>\n<tr><th>scenario</th>",
            escape(title)
        );
        for m in metrics {
            let head = metrics::spec(m).map_or_else(|| (*m).to_string(), metric_heading);
            let _ = write!(h, "<th>{head}</th>");
        }
        h.push_str("</tr>\n");
        for (k, run) in runs.iter().enumerate() {
            let _ = write!(h, "<tr><td class=\"name\">{}</td>", escape(&run.name));
            for m in metrics {
                h.push_str(&cell(run, k, m));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    };
    h.push_str("<section id=\"funders\">\n<h2>The funders' side</h2>\n");
    let _ = writeln!(
        h,
        "<p>What each regime gives the ISOs and what it costs and buys each funder: its cost per \
         client counted, the hours its staff spend carrying files, reading reports and reviewing \
         proposals, how much of its budget it re-decides each year (its flexibility to \
         reallocate) and the reports it receives (its accountability information). Means over \
         replications; in brackets the paired difference from <strong>{}</strong> ({}).</p>",
        escape(&data.manifest.baseline),
        escape(INTERVAL_NOTE)
    );
    table(
        h,
        "The ISOs' side",
        &[
            "survival_rate",
            "clients_served",
            "integration_index",
            "staff_turnover_annual",
        ],
    );
    for f in crate::params::FUNDERS {
        let cost = format!("{f}_cost_per_client");
        if !has(&cost) {
            continue;
        }
        let ms = [
            cost,
            format!("{f}_oversight_hours"),
            format!("{f}_reallocated_per_year"),
            format!("{f}_reports"),
        ];
        let refs: Vec<&str> = ms.iter().map(String::as_str).collect();
        table(h, &format!("The {f} funder"), &refs);
    }
    h.push_str("</section>\n");
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

fn last_month_stat(
    run: &RunData,
    metric: &str,
) -> Option<(u32, crate::output::plot::data::MonthStats)> {
    run.timeseries.get(metric)?.last().copied()
}

/// The last month any of `runs` has for `metric` (0 when none has it).
fn last_month(runs: &[&RunData], metric: &str) -> u32 {
    runs.iter()
        .filter_map(|r| last_month_stat(r, metric))
        .map(|x| x.0)
        .max()
        .unwrap_or(0)
}

fn join_readings(parts: Vec<String>) -> String {
    if parts.is_empty() {
        "no data".into()
    } else {
        parts.join("; ")
    }
}

fn label(metric: &str) -> &str {
    metrics::spec(metric).map_or(metric, |m| m.label)
}

fn reading(data: &ComparisonData, stem: &str) -> String {
    let runs = display_order(data);
    let reps = answer::setting(data).reps;
    if stem == SURVIVAL {
        let month = last_month(&runs, "survival_rate");
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
            "Median share of {} at month {month}: {}.",
            label("survival_rate"),
            join_readings(parts)
        );
    }
    if let Some(metric) = stem.strip_prefix("fan_") {
        let month = last_month(&runs, metric);
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
            "Median of {} at month {month}: {}.",
            metrics::spec(metric).map_or(metric.to_string(), |m| m.label_in_sentence()),
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
            "Median over replications of {}: {}.",
            metrics::spec(metric).map_or(metric.to_string(), |m| m.label_in_sentence()),
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
    if let Some((_, _, group)) = FOREST_GROUPS.iter().find(|g| g.0 == stem) {
        if reps < 2 {
            return "One replication per scenario: no interval, and no difference is called clear."
                .into();
        }
        let mut excl = Vec::new();
        let mut total = 0;
        let mut count = 0;
        for metric in group {
            let spec = metrics::spec(metric);
            let mut items = Vec::new();
            for r in data.rows.iter().filter(|r| r.metric == *metric) {
                total += 1;
                let v = verdict(spec, &r.paired, reps);
                if matches!(
                    v,
                    Verdict::Better | Verdict::Worse | Verdict::Higher | Verdict::Lower
                ) {
                    count += 1;
                    items.push(format!(
                        "{} {} ({})",
                        r.scenario,
                        fmt_signed(r.paired.diff_mean),
                        v.text()
                    ));
                }
            }
            if !items.is_empty() {
                excl.push(format!("{} {}", label(metric), items.join(", ")));
            }
        }
        return if excl.is_empty() {
            format!("None of the {total} differences shown is clear (every 95% CI includes zero).")
        } else {
            format!(
                "{count} of {total} differences are clear (95% CI excludes zero): {}.",
                excl.join("; ")
            )
        };
    }
    String::new()
}

/// Whether band charts of this comparison are small multiples (one panel per scenario).
fn small_multiples(data: &ComparisonData) -> bool {
    data.runs.len() > crate::output::plot::SMALL_MULTIPLES_ABOVE
}

/// What the plot shows, for its caption: only what is on the page for this comparison.
fn caption(stem: &str, data: &ComparisonData) -> String {
    let base = &data.manifest.baseline;
    let panels = if data.runs.len() > 1 {
        "one panel per scenario"
    } else {
        "one panel"
    };
    let bands = if small_multiples(data) {
        format!(" One panel per scenario on shared axes, with the median of {base} as a grey line in each.")
    } else if data.runs.len() > 1 {
        format!(" One colour per scenario; {base} in black.")
    } else {
        String::new()
    };
    if stem == SURVIVAL {
        return format!("{}: median share over replications (step line) with the 90% band (p05–p95 over replications).{bands}", label("survival_rate"));
    }
    if let Some(m) = stem.strip_prefix("fan_") {
        return format!(
            "{} over months: median, 50% band (p25–p75, darker) and 90% band (p05–p95, lighter) over replications.{bands}",
            label(m)
        );
    }
    if let Some(m) = stem.strip_prefix("box_") {
        return format!("{}: one summary per replication; box p25–p75, bar median, whiskers p05–p95, diamond mean, the replications as dots left of each box.", label(m));
    }
    if stem == REVENUE_MIX {
        return format!("Revenue by source over months (mean over replications), {panels}.");
    }
    if stem == BRINKERHOFF {
        return format!("Brinkerhoff relationship classes over months (mean share over replications), {panels}.");
    }
    if let Some(g) = FOREST_GROUPS.iter().find(|g| g.0 == stem) {
        return format!(
            "{}: one row per scenario, dot the mean paired difference, bar its 95% CI; the better side of zero is shaded green.",
            g.1.replace("vs baseline", &format!("vs {base}"))
        );
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
        let cap = caption(&stem, data);
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
    fn svg_is_inlined_without_prolog_or_namespace() {
        let s = "<?xml version=\"1.0\"?>\n<svg width=\"1\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n";
        let out = inline_svg(s, "x & y");
        assert!(out.starts_with("<svg role=\"img\" aria-label=\"x &amp; y\" width=\"1\">"));
        assert!(!out.contains("http"));
    }
}
