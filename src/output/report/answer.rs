//! The answer a reader reads first: a few plain-language sentences computed from the paired
//! differences, each metric said as the catalogue says it (a count of ISOs, percentage points,
//! an amount in its unit, an index) with its 95% CI and whether the change is better or worse.
//!
//! A difference is called clear only when its 95% CI excludes zero and at least two
//! replications were run; with one replication nothing is claimed.

use super::escape;
use super::numbers::{diff_ci_sig, fixed, fmt_num, percent, signed};
use crate::metrics::{self, Better, MetricSpec, Reduce, Say};
use crate::output::plot::data::{ComparisonData, RunData};
use crate::output::plot::INTERVAL_NOTE;
use crate::stats::Paired;

/// What the numbers are about: replications, ISOs at month 0 and months, read from the files.
#[derive(Debug, Clone, Copy, Default)]
pub struct Setting {
    /// paired replications per scenario (the fewest any scenario has)
    pub reps: usize,
    /// ISOs operating at the first reported month of the baseline (mean over replications), or
    /// the ISOs it starts with if its files do not say
    pub isos: Option<f64>,
    /// months per replication, if the manifest says
    pub months: Option<u64>,
    /// the differences carry an interval over posterior draws (`compare --posterior`), the
    /// widest there is: sentences and verdicts use it
    pub posterior: bool,
}

/// The setting of a comparison.
pub fn setting(data: &ComparisonData) -> Setting {
    let reps = data
        .runs
        .iter()
        .map(|r| r.replications.first().map_or(0, |c| c.1.len()))
        .min()
        .unwrap_or(0);
    let base = &data.runs[data.baseline_index()];
    // survival counts against the ISOs operating when the reported run starts (after the
    // warm-up): their mean in the baseline, else the ISOs the scenario starts with
    let isos = base
        .replication_values("isos_reported")
        .filter(|v| !v.is_empty())
        .map(|v| v.iter().sum::<f64>() / v.len() as f64)
        .or_else(|| {
            base.manifest
                .as_ref()
                .and_then(|m| m.details.scenario.get("simulation.isos"))
                .and_then(serde_json::Value::as_f64)
        })
        .filter(|n| *n >= 1.0);
    let months = base
        .manifest
        .as_ref()
        .map(|m| u64::from(m.details.identity.runs.months));
    Setting {
        reps,
        isos,
        months,
        posterior: crate::output::plot::has_posterior(data),
    }
}

/// The label of the interval the answer judges by: over posterior draws when there are some,
/// else the Monte Carlo interval with parameters fixed.
pub fn interval_label(set: &Setting) -> &'static str {
    if set.posterior {
        crate::studies::compare::POSTERIOR_LABEL
    } else {
        INTERVAL_NOTE
    }
}

/// Whether a paired difference is clear: its 95% CI excludes zero, from two or more replications.
pub fn clear(p: &Paired, reps: usize) -> bool {
    reps >= 2
        && p.diff_ci95_low.is_finite()
        && p.diff_ci95_high.is_finite()
        && (p.diff_ci95_low > 0.0 || p.diff_ci95_high < 0.0)
}

/// How a difference reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// clearly better
    Better,
    /// clearly worse
    Worse,
    /// clearly higher (neither direction is better)
    Higher,
    /// clearly lower (neither direction is better)
    Lower,
    /// the 95% CI includes zero
    Unclear,
    /// fewer than two replications, or no interval
    Untested,
}

impl Verdict {
    /// The words for a table cell.
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Higher => "higher",
            Verdict::Lower => "lower",
            Verdict::Unclear => "no clear difference",
            Verdict::Untested => "not tested",
        }
    }
}

/// The verdict on a difference of `spec`.
pub fn verdict(spec: Option<&MetricSpec>, p: &Paired, reps: usize) -> Verdict {
    if reps < 2 || !p.diff_ci95_low.is_finite() || !p.diff_ci95_high.is_finite() {
        return Verdict::Untested;
    }
    if !clear(p, reps) {
        return Verdict::Unclear;
    }
    let up = p.diff_mean > 0.0;
    match (spec.map_or(Better::Neither, |m| m.better), up) {
        (Better::Higher, true) | (Better::Lower, false) => Verdict::Better,
        (Better::Higher, false) | (Better::Lower, true) => Verdict::Worse,
        (Better::Neither, true) => Verdict::Higher,
        (Better::Neither, false) => Verdict::Lower,
    }
}

fn when(spec: &MetricSpec) -> &'static str {
    match spec.reduce {
        Reduce::Last => " at the end",
        Reduce::Mean => " in an average month",
        Reduce::Sum | Reduce::Total => " over the run",
    }
}

/// One metric of one scenario against the baseline, as HTML.
pub fn clause(spec: &MetricSpec, p: &Paired, set: &Setting) -> String {
    let label = escape(&spec.label_in_sentence());
    let (d, lo, hi) = (p.diff_mean, p.diff_ci95_low, p.diff_ci95_high);
    if set.reps < 2 || !lo.is_finite() || !hi.is_finite() {
        return format!(
            "{label} {} against {} (one replication: no interval, nothing claimed)",
            fmt_num(p.mean),
            fmt_num(p.baseline_mean)
        );
    }
    // the difference and its interval in the unit the clause speaks in
    let (scale, unit): (f64, String) = match (spec.say, set.isos) {
        (Say::IsoShare, Some(n)) => (n, " ISOs".into()),
        (Say::IsoShare, None) | (Say::Points, _) => (100.0, " points".into()),
        (Say::Amount, _) => (1.0, String::new()),
        (Say::Index, _) => (1.0, String::new()),
    };
    let (_, lo_t, hi_t) = diff_ci_sig(d * scale, lo * scale, hi * scale, 2);
    let ci = format!(
        "<span class=\"ci\">{} {lo_t} to {hi_t}{}</span>",
        if set.posterior {
            "95% over the posterior"
        } else {
            "95% CI"
        },
        escape(&unit)
    );
    if !clear(p, set.reps) {
        return format!("no clear difference in {label} ({ci})");
    }
    let judged = match verdict(Some(spec), p, set.reps) {
        Verdict::Better => "<span class=\"better\">better</span>; ",
        Verdict::Worse => "<span class=\"worse\">worse</span>; ",
        _ => "",
    };
    let more = d > 0.0;
    let (abs_t, _, _) = diff_ci_sig(d.abs() * scale, lo * scale, hi * scale, 2);
    let abs_t = abs_t.trim_start_matches('+').to_string();
    let word = if more { "higher" } else { "lower" };
    let body = match (spec.say, set.isos) {
        (Say::IsoShare, Some(n)) => {
            let c = d.abs() * n;
            let count = if c >= 1.5 {
                format!("{c:.0}")
            } else {
                format!("{c:.1}")
            };
            format!(
                "about {count} {} of {} {label}{} ({judged}{ci})",
                if more { "more" } else { "fewer" },
                fixed(n, 0),
                when(spec)
            )
        }
        (Say::IsoShare, None) | (Say::Points, _) => format!(
            "{label} {abs_t} percentage points {word}{}, from {} to {} ({judged}{ci})",
            when(spec),
            percent(p.baseline_mean),
            percent(p.mean)
        ),
        (Say::Amount, _) => {
            let rel = if p.baseline_mean.abs() > 0.0 {
                format!(", {}%", signed(100.0 * d / p.baseline_mean.abs(), 0))
            } else {
                String::new()
            };
            format!(
                "{label} {abs_t} {} {word}{}{rel} ({judged}{ci})",
                escape(spec.unit),
                when(spec)
            )
        }
        (Say::Index, _) => format!(
            "{label} {abs_t} {word}{}, from {} to {} ({judged}{ci})",
            when(spec),
            fmt_num(p.baseline_mean),
            fmt_num(p.mean)
        ),
    };
    body
}

fn join_clauses(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{}; and {last}", init.join("; ")),
    }
}

/// A scenario's description as a line under its sentence.
fn description_line(description: &str) -> String {
    let d = description.trim();
    if d.is_empty() {
        String::new()
    } else {
        format!("<span class=\"desc\">{}</span>", escape(d))
    }
}

fn description<'a>(data: &'a ComparisonData, name: &str) -> &'a str {
    data.manifest
        .scenarios
        .iter()
        .find(|s| s.name == name)
        .map_or("", |s| s.description.as_str())
}

/// How much better a scenario is on `spec` (for choosing which scenarios to name).
fn score(spec: &MetricSpec, p: &Paired) -> f64 {
    let d = p.diff_mean;
    if !d.is_finite() {
        return f64::NEG_INFINITY;
    }
    match spec.better {
        Better::Higher => d,
        Better::Lower => -d,
        Better::Neither => d.abs(),
    }
}

/// The answer: a lead sentence, then one sentence per scenario (all of them up to four, else
/// the two best and the worst on the first metric), then, if some were left out, a count of how
/// the others fare on the first metric. Every sentence is HTML. `metrics` are catalogue names;
/// unknown ones are skipped. A scenario's sentence speaks of the first `per_sentence` metrics
/// (the forest plot beside it shows them all).
pub fn sentences(data: &ComparisonData, metrics: &[&str], per_sentence: usize) -> Vec<String> {
    let set = setting(data);
    let specs: Vec<&MetricSpec> = metrics.iter().filter_map(|m| metrics::spec(m)).collect();
    let base = &data.runs[data.baseline_index()];
    let others: Vec<&RunData> = crate::output::plot::display_order(data)
        .into_iter()
        .skip(1)
        .collect();
    let mut out = Vec::new();
    let horizon = match set.months {
        Some(m) if m % 12 == 0 && m >= 24 => format!(" over {m} months ({} years)", m / 12),
        Some(m) => format!(" over {m} months"),
        None => String::new(),
    };
    let isos = set
        .isos
        .map_or(String::new(), |n| format!(" of {} ISOs", fixed(n, 0)));
    out.push(format!(
        "Against <strong>{}</strong>{horizon}{isos}, with {} paired replications per scenario ({}):{}",
        escape(&base.name),
        set.reps,
        escape(interval_label(&set)),
        description_line(description(data, &base.name))
    ));
    if others.is_empty() || specs.is_empty() {
        out.push("There is no other scenario to compare.".into());
        return out;
    }
    if set.reps < 2 {
        out.push(
            "With one replication per scenario no difference can be told from chance: run more \
             replications (--reps) before reading these numbers."
                .into(),
        );
    }
    let first = specs[0];
    // the widest interval there is: over the posterior with `compare --posterior`
    let paired =
        |run: &RunData, spec: &MetricSpec| data.row(spec.name, &run.name).map(|r| r.widest());
    let mut chosen: Vec<&RunData> = others.clone();
    if others.len() > 4 {
        let mut ranked: Vec<(&RunData, f64)> = others
            .iter()
            .map(|r| {
                (
                    *r,
                    paired(r, first).map_or(f64::NEG_INFINITY, |p| score(first, &p)),
                )
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        chosen = if first.better == Better::Neither {
            ranked.iter().take(3).map(|x| x.0).collect()
        } else {
            let mut c: Vec<&RunData> = ranked.iter().take(2).map(|x| x.0).collect();
            if let Some(worst) = ranked.iter().rev().find(|x| x.1.is_finite()) {
                if !c.iter().any(|r| r.name == worst.0.name) {
                    c.push(worst.0);
                }
            }
            c
        };
    }
    for run in &chosen {
        let parts: Vec<String> = specs
            .iter()
            .take(per_sentence.max(1))
            .filter_map(|s| paired(run, s).map(|p| clause(s, &p, &set)))
            .collect();
        if parts.is_empty() {
            continue;
        }
        out.push(format!(
            "<strong>{}</strong>: {}.{}",
            escape(&run.name),
            join_clauses(&parts),
            description_line(description(data, &run.name))
        ));
    }
    let rest: Vec<&RunData> = others
        .iter()
        .filter(|r| !chosen.iter().any(|c| c.name == r.name))
        .copied()
        .collect();
    if !rest.is_empty() {
        let mut groups: Vec<(Verdict, Vec<String>)> = Vec::new();
        for r in &rest {
            let v =
                paired(r, first).map_or(Verdict::Untested, |p| verdict(Some(first), &p, set.reps));
            let name = format!("<strong>{}</strong>", escape(&r.name));
            match groups.iter_mut().find(|g| g.0 == v) {
                Some(g) => g.1.push(name),
                None => groups.push((v, vec![name])),
            }
        }
        groups.sort_by_key(|g| g.0 as usize);
        let parts: Vec<String> = groups
            .iter()
            .map(|(v, names)| format!("{} {}", v.text(), names.join(", ")))
            .collect();
        out.push(format!(
            "The other {} regimes on {}: {}. Every regime on every headline metric is in the table above.",
            rest.len(),
            escape(&first.label_in_sentence()),
            parts.join("; ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(mean: f64, base: f64, lo: f64, hi: f64) -> Paired {
        Paired {
            mean,
            baseline_mean: base,
            diff_mean: mean - base,
            diff_ci95_low: lo,
            diff_ci95_high: hi,
            variance_ratio: 0.1,
        }
    }

    fn set(reps: usize) -> Setting {
        Setting {
            reps,
            isos: Some(40.0),
            months: Some(120),
            posterior: false,
        }
    }

    #[test]
    fn survival_is_said_as_organizations() {
        let s = metrics::spec("survival_rate").unwrap();
        let c = clause(s, &p(0.984, 0.774, 0.199, 0.222), &set(200));
        assert!(
            c.starts_with("about 8 more of 40 ISOs still operating at the end"),
            "{c}"
        );
        assert!(c.contains("95% CI +8.0 to +8.9 ISOs"), "{c}");
        assert!(c.contains("(<span class=\"better\">better</span>; "), "{c}");
    }

    #[test]
    fn shares_in_points_amounts_with_percent_and_unclear_differences() {
        let u = metrics::spec("unmet_need_share").unwrap();
        let c = clause(u, &p(0.26, 0.317, -0.060, -0.055), &set(200));
        assert!(c.starts_with("newcomer need left unmet 5.7 percentage points lower over the run, from 32% to 26%"), "{c}");
        assert!(c.contains("better"), "{c}");
        let a = metrics::spec("clients_served").unwrap();
        let c = clause(a, &p(23597.0, 22000.0, 1518.0, 1676.0), &set(200));
        assert!(
            c.starts_with(
                "client contacts counted 1,597 client-months per month higher in an average month, +7%"
            ),
            "{c}"
        );
        let c = clause(a, &p(22010.0, 22000.0, -5.0, 25.0), &set(200));
        assert!(
            c.starts_with(
                "no clear difference in client contacts counted (<span class=\"ci\">95% CI -5 to +25"
            ),
            "{c}"
        );
        assert!(!c.contains("better") && !c.contains("worse"), "{c}");
    }

    #[test]
    fn nothing_is_claimed_from_one_replication() {
        let s = metrics::spec("survival_rate").unwrap();
        let one = p(0.9, 0.8, 0.1, 0.1);
        assert!(!clear(&one, 1));
        assert_eq!(verdict(Some(s), &one, 1), Verdict::Untested);
        let c = clause(s, &one, &set(1));
        assert!(
            c.contains("nothing claimed") && !c.contains("better"),
            "{c}"
        );
    }
}
