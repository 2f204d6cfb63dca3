//! `report.html` of an exploration: one self-contained page (style and figures inline) that
//! answers first (which regime is robust by which metric, where the metrics disagree, where
//! each regime fails), then shows the robustness tables with what every interval covers, the
//! discovered boxes with their significance, the setting and how to reproduce it.

use super::plots::{most_restricted, safe};
use super::prim::Side;
use super::results::{case_text, num, ExploreOutcome};
use super::states::{Distribution, Origin};
use crate::output::report::{escape, inline_svg, CSS};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What the 95% intervals cover, said once under every table that has them.
pub const INTERVAL_NOTE: &str = "95% intervals: percentile bootstrap over the states of the world (resampled with replacement). They cover the sampling of the states and the Monte Carlo noise of each state's mean over its replications; they do not cover the choice of the uncertainties' ranges and distributions.";

fn figure(h: &mut String, plots: &Path, stem: &str, caption: &str) {
    if let Ok(svg) = std::fs::read_to_string(plots.join(format!("{stem}.svg"))) {
        let _ = writeln!(
            h,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            inline_svg(&svg, caption),
            escape(caption)
        );
    }
}

fn ci(iv: (f64, f64)) -> String {
    if iv.0.is_nan() {
        String::new()
    } else {
        format!(" <span class=\"ci\">[{}, {}]</span>", num(iv.0), num(iv.1))
    }
}

fn pct(v: f64) -> String {
    if v.is_nan() {
        "—".into()
    } else {
        format!("{:.1}%", 100.0 * v)
    }
}

/// Writes `report.html` into `dir` (the plots must be drawn first); returns its path.
pub fn write_report(o: &ExploreOutcome, dir: &Path) -> anyhow::Result<PathBuf> {
    let html = render(o, &dir.join("plots"));
    let path = dir.join("report.html");
    crate::output::export::write_atomic(&path, html.as_bytes())?;
    Ok(path)
}

fn render(o: &ExploreOutcome, plots: &Path) -> String {
    let spec = &o.spec;
    let r = &o.robustness;
    let names: Vec<&str> = spec.regimes.iter().map(|g| g.name.as_str()).collect();
    let mut h = String::new();
    let title = format!("Exploration: {}", spec.name);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(h, "<title>{}</title>", escape(&title));
    let _ = writeln!(h, "<style>{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(h, "<h1>{}</h1>", escape(&title));
    if !spec.description.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"question\"><strong>Question:</strong> {}</p>",
            escape(&spec.description)
        );
    }

    // the answer first
    h.push_str("<h2>Answer</h2>\n<ul class=\"answer\">\n");
    for (i, line) in o.headline().iter().enumerate() {
        let class = if i == 0 { " class=\"lead\"" } else { "" };
        let _ = writeln!(h, "<li{class}>{}</li>", escape(line));
    }
    h.push_str("</ul>\n");
    let _ = writeln!(
        h,
        "<p class=\"note\">Every regime ran in the same {} states of the world with the same {} replications (replication r uses the random streams (seed, r) everywhere: common random numbers). Regret is how much worse a regime is than the best regime of the same state; satisficing is the share of states where a regime meets every threshold. Each state's value is the mean of its replications. {}</p>",
        o.states.n, spec.reps_per_state, INTERVAL_NOTE
    );

    // robustness per outcome
    h.push_str("<h2>Robustness</h2>\n");
    for (k, out) in spec.outcomes.iter().enumerate() {
        let m = crate::metrics::spec(&out.metric);
        let label = m.map_or(out.metric.clone(), |m| m.label.to_string());
        let unit = m.map_or("", |m| m.unit);
        let _ = writeln!(
            h,
            "<h3 class=\"metric\">{} <span class=\"unit\">({}; {}{})</span></h3>",
            escape(&label),
            escape(unit),
            out.direction.name(),
            out.threshold_text()
                .map_or(String::new(), |t| format!("; threshold {}", escape(&t)))
        );
        h.push_str("<table><tr><th>regime</th><th>mean [95%]</th><th>10th pct</th><th>median</th><th>90th pct</th><th>mean regret [95%]</th><th>90th-pct regret [95%]</th><th>max regret</th>");
        if out.threshold.is_some() {
            h.push_str("<th>meets threshold</th>");
        }
        h.push_str("</tr>\n");
        for (g, name) in names.iter().enumerate() {
            let s = &r.stats[g][k];
            let iv = &r.intervals[g][k];
            let _ = write!(
                h,
                "<tr><td class=\"name\">{}</td><td class=\"num\">{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}{}</td><td class=\"num\">{}{}</td><td class=\"num\">{}</td>",
                escape(name),
                num(s.mean),
                ci(iv[0]),
                num(s.p10),
                num(s.p50),
                num(s.p90),
                num(s.regret_mean),
                ci(iv[1]),
                num(s.regret_p90),
                ci(iv[2]),
                num(s.regret_max)
            );
            if out.threshold.is_some() {
                let _ = write!(h, "<td class=\"num\">{}</td>", pct(s.threshold_share));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
        figure(
            &mut h,
            plots,
            &format!("regret_{}", safe(&out.metric)),
            &format!("Regret on {label} across the states, per regime (bar: 10th to 90th percentile; dot: median; triangle: mean; tick: maximum)."),
        );
    }
    if r.satisficing.iter().any(|v| v.is_finite()) {
        let th: Vec<String> = spec
            .outcomes
            .iter()
            .filter_map(|o| o.threshold_text())
            .collect();
        let _ = writeln!(
            h,
            "<h3 class=\"metric\">Satisficing <span class=\"unit\">(share of states meeting every threshold: {})</span></h3>",
            escape(&th.join(", "))
        );
        h.push_str("<table><tr><th>regime</th><th>share of states [95%]</th></tr>\n");
        for (g, name) in names.iter().enumerate() {
            let _ = writeln!(
                h,
                "<tr><td class=\"name\">{}</td><td class=\"num\">{}{}</td></tr>",
                escape(name),
                pct(r.satisficing[g]),
                {
                    let iv = r.satisficing_interval[g];
                    if iv.0.is_nan() {
                        String::new()
                    } else {
                        format!(" <span class=\"ci\">[{}, {}]</span>", pct(iv.0), pct(iv.1))
                    }
                }
            );
        }
        h.push_str("</table>\n");
    }

    // ranking
    h.push_str("<h2>Ranking by each robustness metric</h2>\n<table><tr><th>outcome</th><th>metric</th><th>most robust</th><th>best in (bootstrap)</th><th>order, best first</th></tr>\n");
    for rank in &r.ranking {
        let outcome = rank.outcome.map_or("all thresholds".to_string(), |k| {
            spec.outcomes[k].metric.clone()
        });
        let order: Vec<&str> = rank.order.iter().map(|&g| names[g]).collect();
        let _ = writeln!(
            h,
            "<tr><td class=\"name\">{}</td><td>{}</td><td class=\"name\"><strong>{}</strong></td><td class=\"num\">{}</td><td class=\"name\">{}</td></tr>",
            escape(&outcome),
            rank.criterion.name(),
            escape(names[rank.best()]),
            pct(rank.confidence),
            escape(&order.join(" > "))
        );
    }
    h.push_str("</table>\n");
    let _ = writeln!(
        h,
        "<p class=\"note\">\"Best in\" is the share of {} bootstrap resamples of the states in which the same regime is most robust by that metric.</p>",
        r.bootstrap
    );
    let dis = r.disagreements(
        &names.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        &spec.outcomes,
    );
    if !dis.is_empty() {
        h.push_str("<p><strong>Where the metrics disagree:</strong></p>\n<ul>\n");
        for d in dis {
            let _ = writeln!(h, "<li>{}</li>", escape(&d));
        }
        h.push_str("</ul>\n");
    }

    // scenario discovery
    if !o.discoveries.is_empty() {
        h.push_str("<h2>Where regimes fail: scenario discovery (PRIM)</h2>\n");
        h.push_str("<p class=\"note\">PRIM (Friedman &amp; Fisher 1999) peels the space of uncertainties towards the states that are cases, then pastes back what helps; the box chosen has the largest coverage (share of all cases inside) among those with at least the target density (share of the box's states that are cases). Each restricted edge has a quasi-p-value (one-sided binomial test: how likely the box's cases are without that edge); the box's p-value comes from rerunning PRIM on random permutations of the cases, so it accounts for the search.</p>\n");
    }
    for d in &o.discoveries {
        let n = d.cases.iter().filter(|&&c| c).count();
        let _ = writeln!(
            h,
            "<h3 class=\"metric\">{} <span class=\"unit\">({}: {n} of {} states)</span></h3>",
            escape(&d.discover.name),
            escape(&case_text(spec, &d.discover)),
            o.states.n
        );
        let Some(f) = &d.found else {
            h.push_str("<p>No box: the case occurs in no state or in every state.</p>\n");
            continue;
        };
        let sig = f.significant(d.discover.prim.significance);
        let _ = writeln!(
            h,
            "<p>Box: {} — coverage {}, density {}, mass {} ({} states), {} restricted; permutation p = {} ({} permutations): {}.</p>",
            escape(&d.box_text(&o.dims).unwrap_or_else(|| "the whole space".into())),
            pct(f.stats.coverage),
            pct(f.stats.density),
            pct(f.stats.mass),
            f.stats.points,
            f.stats.restricted,
            num(f.p_value),
            f.permutations,
            if sig {
                "significant"
            } else {
                "not significant: do not read this box as a finding"
            }
        );
        if !f.limits.is_empty() {
            h.push_str("<table><tr><th>parameter</th><th>range explored</th><th>box</th><th>quasi-p (lower edge)</th><th>quasi-p (upper edge)</th></tr>\n");
            for k in most_restricted(d, &o.dims) {
                let dim = &o.dims[k];
                let qp = |side: Side| {
                    f.limits
                        .iter()
                        .find(|l| l.dim == k && l.side == side)
                        .map_or("—".to_string(), |l| format!("{:.2e}", l.quasi_p))
                };
                let _ = writeln!(
                    h,
                    "<tr><td class=\"name\"><code>{}</code></td><td class=\"num\">{} to {}</td><td class=\"num\">{} to {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    escape(&dim.name),
                    num(dim.min),
                    num(dim.max),
                    num(f.bounds.lo[k]),
                    num(f.bounds.hi[k]),
                    qp(Side::Lower),
                    qp(Side::Upper)
                );
            }
            h.push_str("</table>\n");
        }
        let name = safe(&d.discover.name);
        figure(&mut h, plots, &format!("prim_tradeoff_{name}"), "PRIM's peeling and pasting trajectory: density against coverage; the chosen box circled (a square marks the reported box when insignificant edges were dropped from it).");
        figure(
            &mut h,
            plots,
            &format!("prim_box_{name}"),
            "The chosen box's restricted parameters: the part of each range inside the box.",
        );
        figure(&mut h, plots, &format!("prim_scatter_{name}"), "The states on the two most restricted parameters: cases and other states, with the box.");
    }

    // setting
    h.push_str("<h2>Setting</h2>\n<h3 class=\"metric\">Regimes</h3>\n<dl class=\"key\">\n");
    for g in &spec.regimes {
        let _ = writeln!(
            h,
            "<dt>{}</dt><dd>{} <span class=\"muted\">({}{})</span></dd>",
            escape(&g.name),
            escape(&g.description),
            escape(&g.file),
            if g.set.is_empty() {
                String::new()
            } else {
                format!("; {}", escape(&g.set.join(", ")))
            }
        );
    }
    h.push_str("</dl>\n<h3 class=\"metric\">Uncertainties</h3>\n<table><tr><th>parameter</th><th>range</th><th>distribution</th></tr>\n");
    for u in &spec.uncertainties {
        let dist = match u.distribution {
            Distribution::Triangular { mode } => format!("triangular, mode {}", num(mode)),
            d => d.name().to_string(),
        };
        let _ = writeln!(
            h,
            "<tr><td class=\"name\"><code>{}</code></td><td class=\"num\">{} to {}</td><td>{}</td></tr>",
            escape(&u.path),
            num(u.min),
            num(u.max),
            escape(&dist)
        );
    }
    // parameters drawn from a calibration's posterior (`--posterior`), after the file's own
    let drawn = match &o.states.origin {
        Origin::Draws(source) => Some(source.clone()),
        Origin::Lhs => None,
    };
    for d in spec.uncertainties.len()..o.states.k() {
        let (lo, hi) = o.states.ranges[d];
        let _ = writeln!(
            h,
            "<tr><td class=\"name\"><code>{}</code></td><td class=\"num\">{} to {}</td><td>{}</td></tr>",
            escape(&o.states.paths[d]),
            num(lo),
            num(hi),
            escape(&format!(
                "drawn by weight from the {}",
                drawn.as_deref().unwrap_or("draws")
            ))
        );
    }
    h.push_str("</table>\n");
    let (design, posterior_arg) = match &drawn {
        Some(source) => (
            format!("Latin hypercube of the uncertainties, joined with draws from the {source}"),
            format!(
                " --posterior {}",
                source.strip_prefix("posterior ").unwrap_or(source)
            ),
        ),
        None => ("Latin hypercube".to_string(), String::new()),
    };
    let _ = writeln!(
        h,
        "<p class=\"muted\">{} states of the world ({}), {} replications per regime and state, seed {}. Reproduce with <code class=\"cmd\">partnersim explore {} --seed {}{}</code>. Files: experiments.csv, robustness.csv, ranking.csv, boxes.csv, peeling.csv, manifest.json (version, seed and every regime's scenario hash).</p>",
        o.states.n,
        escape(&design),
        spec.reps_per_state,
        o.seed,
        escape(&spec.file.display().to_string()),
        o.seed,
        escape(&posterior_arg)
    );
    h.push_str("</body>\n</html>\n");
    h
}
