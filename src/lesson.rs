//! Classroom groups: a folder of scenarios with an `about.md` that explains them.
//!
//! `about.md` is Markdown for people with two machine-readable comment lines:
//!
//! ```text
//! # Late payment and thin reserves
//! <!-- baseline: thin_reserves_late_pay -->
//! <!-- watch: survival_rate, missed_payroll_share, reserve_months_median -->
//!
//! Why does a payment that is only a few weeks late close some organizations and not others?
//!
//! At the start of each fiscal year ...
//! ```
//!
//! The first heading is the title, the first paragraph the question, the rest the explanation;
//! `baseline` names the scenario the others are compared with, and `watch` the metrics (catalogue
//! names) students are asked to watch. A comparison of the group leads its report with the
//! watched metrics, and `partnersim serve` charts them. An optional `<!-- start: steady -->` line
//! makes the group's comparisons and page start every scenario from its own warm-up, for a group
//! whose scenarios differ in what cannot change during a run (initial reserves, say); without it
//! they start from the baseline's present ([`crate::start`]).

use crate::metrics;
use std::path::Path;

/// A classroom group, read from its `about.md`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lesson {
    /// folder name, used for the default output directory
    pub slug: String,
    /// first heading of about.md
    pub title: String,
    /// the question (first paragraph)
    pub question: String,
    /// the rest of about.md, paragraphs separated by blank lines
    pub explanation: String,
    /// the baseline named by a `<!-- baseline: NAME -->` line, if any
    pub baseline: Option<String>,
    /// the metrics named by a `<!-- watch: a, b -->` line, in its order
    pub watch: Vec<String>,
    /// the start named by a `<!-- start: present|steady -->` line, if any
    pub start: Option<crate::start::Start>,
}

/// A problem with an `about.md`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: {msg}")]
pub struct LessonError {
    /// the file
    pub file: String,
    /// what is wrong
    pub msg: String,
}

fn comment<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.trim()
        .strip_prefix("<!--")?
        .trim_start()
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix(':')?
        .strip_suffix("-->")
        .map(str::trim)
}

/// Parses the text of an `about.md` (`file` names it in errors). Every watched metric must be in
/// the metric catalogue.
pub fn parse(slug: &str, file: &str, text: &str) -> Result<Lesson, LessonError> {
    let mut l = Lesson {
        slug: slug.to_string(),
        ..Lesson::default()
    };
    let mut paras: Vec<String> = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        if let Some(b) = comment(line, "baseline") {
            l.baseline = Some(b.to_string());
            continue;
        }
        if let Some(w) = comment(line, "start") {
            l.start = Some(
                crate::start::Start::parse(w, "start").map_err(|e| LessonError {
                    file: file.to_string(),
                    msg: e.0,
                })?,
            );
            continue;
        }
        if let Some(w) = comment(line, "watch") {
            for name in w.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                if metrics::spec(name).is_none() {
                    let hint = crate::tomlfile::did_you_mean(crate::tomlfile::closest(
                        name,
                        metrics::METRICS.iter().map(|m| m.name),
                        0.7,
                    ));
                    return Err(LessonError {
                        file: file.to_string(),
                        msg: format!("watch: `{name}` is not a metric{hint}"),
                    });
                }
                if !l.watch.iter().any(|x| x == name) {
                    l.watch.push(name.to_string());
                }
            }
            continue;
        }
        if let Some(h) = line.strip_prefix("# ") {
            if l.title.is_empty() {
                l.title = h.trim().to_string();
                continue;
            }
        }
        if line.trim().is_empty() {
            if !cur.is_empty() {
                paras.push(std::mem::take(&mut cur));
            }
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(line.trim());
        }
    }
    if !cur.is_empty() {
        paras.push(cur);
    }
    l.question = paras.first().cloned().unwrap_or_default();
    l.explanation = paras
        .iter()
        .skip(1)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n\n");
    Ok(l)
}

/// Reads `dir/about.md`; `Ok(None)` when the folder has none.
pub fn read(dir: &Path) -> Result<Option<Lesson>, LessonError> {
    let path = dir.join("about.md");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(LessonError {
                file: path.display().to_string(),
                msg: format!("cannot read: {e}"),
            })
        }
    };
    let slug = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "group".into());
    parse(&slug, &path.display().to_string(), &text).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABOUT: &str = "# Title here\n<!-- baseline: base -->\n<!-- watch: survival_rate, clients_served,survival_rate -->\n\nThe question?\n\nFirst line\nsecond line.\n\nMore.\n";

    #[test]
    fn parses_title_question_explanation_baseline_and_watch() {
        let l = parse("g", "g/about.md", ABOUT).unwrap();
        assert_eq!(l.title, "Title here");
        assert_eq!(l.question, "The question?");
        assert_eq!(l.explanation, "First line second line.\n\nMore.");
        assert_eq!(l.baseline.as_deref(), Some("base"));
        assert_eq!(l.watch, ["survival_rate", "clients_served"]);
    }

    #[test]
    fn unknown_watched_metric_is_an_error_with_a_suggestion() {
        let e = parse("g", "g/about.md", "<!-- watch: survival_rat -->\n").unwrap_err();
        assert_eq!(e.file, "g/about.md");
        assert!(e.msg.contains("`survival_rat` is not a metric"), "{e}");
        assert!(e.msg.contains("survival_rate"), "{e}");
    }

    /// Every shipped classroom group names a baseline among its scenarios and the metrics to
    /// watch, and its text asks students to watch something.
    #[test]
    fn shipped_groups_name_their_baseline_and_watched_metrics() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/classroom");
        let mut n = 0;
        for e in std::fs::read_dir(&root).unwrap() {
            let dir = e.unwrap().path();
            if !dir.is_dir() {
                continue;
            }
            let l = read(&dir)
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("{}: no about.md", dir.display()));
            let b = l.baseline.clone().expect("baseline line");
            assert!(
                dir.join(format!("{b}.toml")).exists(),
                "{}: baseline {b} is not a scenario of the group",
                dir.display()
            );
            assert!(!l.watch.is_empty(), "{}: no watch line", dir.display());
            assert!(l.explanation.contains("Watch"), "{}", dir.display());
            n += 1;
        }
        assert!(n >= 4, "{n} groups");
    }
}
