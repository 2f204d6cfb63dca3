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
//! they start from the baseline's present ([`crate::studies::compare::start`]). Any other one-line HTML comment is
//! a note for authors, not shown; one that begins with an unknown `key:` is an error.
//!
//! Two optional sections serve the classroom page and its hand-out:
//!
//! ```text
//! ## Predict
//! <!-- predict: survival_rate -->
//! If every funder paid on time, would survival go up, down or stay the same? By how much?
//!
//! ## What to notice
//! - Survival falls in the months right after a late fiscal-year start.
//! - Ample reserves carry most organizations through.
//! ```
//!
//! `## Predict` holds the prompt students answer before they move a lever, and its `predict`
//! line the metric the prediction is about (default: the first watched one); `## What to
//! notice` a bullet list for the hand-out. Neither is part of the explanation.

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
    /// the prediction prompt (the `## Predict` section), empty when there is none
    pub predict: String,
    /// the metric the prediction is about (`<!-- predict: NAME -->`), if named
    pub predict_metric: Option<String>,
    /// the items of the `## What to notice` list, in order
    pub notice: Vec<String>,
    /// the start named by a `<!-- start: present|steady -->` line, if any
    pub start: Option<crate::studies::compare::start::Start>,
}

/// Which part of about.md a line belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Body,
    Predict,
    Notice,
}

impl Lesson {
    /// The prediction prompt: the `## Predict` section, or a question about the predicted metric.
    pub fn prediction_prompt(&self) -> String {
        if !self.predict.is_empty() {
            return self.predict.clone();
        }
        let label = self
            .prediction_metric()
            .and_then(metrics::spec)
            .map_or_else(|| "the result".to_string(), |m| m.label_in_sentence());
        format!(
            "When you move a lever or show another scenario, will {label} go up, go down or stay about the same? By how much?"
        )
    }

    /// The metric a prediction is about: the one named, else the first watched one.
    pub fn prediction_metric(&self) -> Option<&str> {
        self.predict_metric
            .as_deref()
            .or(self.watch.first().map(String::as_str))
    }
}

/// A scenario's human title and the rest of its description: the description's text before its
/// first `: ` when that is short (`Thin reserves, late pay: today's conditions` gives `Thin
/// reserves, late pay`), else the name with spaces for underscores.
pub fn scenario_title(name: &str, description: &str) -> (String, String) {
    if let Some((head, rest)) = description.split_once(": ") {
        let head = head.trim();
        if !head.is_empty() && head.chars().count() <= 60 && !head.contains('\n') {
            let rest = rest.trim();
            let mut c = rest.chars();
            let rest = match c.next() {
                Some(a) => a.to_uppercase().chain(c).collect(),
                None => String::new(),
            };
            return (head.to_string(), rest);
        }
    }
    let spaced = name.replace(['_', '-'], " ");
    let mut c = spaced.chars();
    let title = match c.next() {
        Some(a) => a.to_uppercase().chain(c).collect(),
        None => String::new(),
    };
    (title, description.trim().to_string())
}

/// A metric named in an about.md comment line, checked against the catalogue.
fn known_metric(file: &str, key: &str, name: &str) -> Result<(), LessonError> {
    if metrics::spec(name).is_some() {
        return Ok(());
    }
    let hint = crate::input::tomlfile::did_you_mean(crate::input::tomlfile::closest(
        name,
        metrics::METRICS.iter().map(|m| m.name),
        0.7,
    ));
    Err(LessonError {
        file: file.to_string(),
        msg: format!("{key}: `{name}` is not a metric{hint}"),
    })
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
    let mut predict: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut part = Part::Body;
    // ends the paragraph (or list item) being read
    let flush = |cur: &mut String,
                 part: Part,
                 paras: &mut Vec<String>,
                 predict: &mut Vec<String>,
                 notice: &mut Vec<String>| {
        if cur.is_empty() {
            return;
        }
        let p = std::mem::take(cur);
        match part {
            Part::Body => paras.push(p),
            Part::Predict => predict.push(p),
            Part::Notice => notice.push(p),
        }
    };
    for (n, line) in text.lines().enumerate() {
        if let Some(b) = comment(line, "baseline") {
            l.baseline = Some(b.to_string());
            continue;
        }
        if let Some(p) = comment(line, "predict") {
            known_metric(file, "predict", p)?;
            l.predict_metric = Some(p.to_string());
            continue;
        }
        if let Some(w) = comment(line, "start") {
            l.start = Some(
                crate::studies::compare::start::Start::parse(w, "start").map_err(|e| {
                    LessonError {
                        file: file.to_string(),
                        msg: e.0,
                    }
                })?,
            );
            continue;
        }
        if let Some(w) = comment(line, "watch") {
            for name in w.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                known_metric(file, "watch", name)?;
                if !l.watch.iter().any(|x| x == name) {
                    l.watch.push(name.to_string());
                }
            }
            continue;
        }
        // any other one-line HTML comment is a note for the lesson's authors (e.g. why the lesson
        // starts from steady states), not shown; one that reads as a `key:` line with an unknown
        // key is a typo
        if let Some(note) = line
            .trim()
            .strip_prefix("<!--")
            .and_then(|c| c.strip_suffix("-->"))
        {
            if let Some((key, _)) = note.trim().split_once(':') {
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    return Err(LessonError {
                        file: file.to_string(),
                        msg: format!(
                            "line {}: unknown key `{key}` (the keys are baseline, watch, predict and start; a note for authors must not begin with `word:`)",
                            n + 1
                        ),
                    });
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
        if let Some(h) = line.strip_prefix("## ") {
            let name = h.trim().to_lowercase();
            let next = match name.as_str() {
                "predict" | "prediction" => Some(Part::Predict),
                "what to notice" | "notice" => Some(Part::Notice),
                _ => None,
            };
            if let Some(next) = next {
                flush(&mut cur, part, &mut paras, &mut predict, &mut l.notice);
                part = next;
                continue;
            }
            // any other section is explanation again
            if part != Part::Body {
                flush(&mut cur, part, &mut paras, &mut predict, &mut l.notice);
                part = Part::Body;
            }
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut cur, part, &mut paras, &mut predict, &mut l.notice);
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .filter(|_| part == Part::Notice)
        {
            flush(&mut cur, part, &mut paras, &mut predict, &mut l.notice);
            cur.push_str(item.trim());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(trimmed);
        }
    }
    flush(&mut cur, part, &mut paras, &mut predict, &mut l.notice);
    l.predict = predict.join(" ");
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
    fn an_authors_note_is_not_shown_and_an_unknown_key_is_an_error() {
        let text = format!("{ABOUT}<!-- Steady, not the present: reserves are fixed. -->\nLast.\n");
        let l = parse("g", "g/about.md", &text).unwrap();
        assert_eq!(l.explanation, "First line second line.\n\nMore. Last.");
        let e = parse("g", "g/about.md", "# T\n\n<!-- strat: steady -->\n").unwrap_err();
        assert_eq!(e.file, "g/about.md");
        assert!(e.msg.contains("line 3: unknown key `strat`"), "{e}");
    }

    #[test]
    fn unknown_watched_metric_is_an_error_with_a_suggestion() {
        let e = parse("g", "g/about.md", "<!-- watch: survival_rat -->\n").unwrap_err();
        assert_eq!(e.file, "g/about.md");
        assert!(e.msg.contains("`survival_rat` is not a metric"), "{e}");
        assert!(e.msg.contains("survival_rate"), "{e}");
    }

    #[test]
    fn predict_and_notice_sections_are_read_apart_from_the_explanation() {
        let text = "# T\n<!-- watch: clients_served -->\n\nQ?\n\nBody.\n\n## Predict\n<!-- predict: survival_rate -->\nWill it go\nup?\n\n## What to notice\n- one\n  continued\n- two\n\n## More\n\nTail.\n";
        let l = parse("g", "g/about.md", text).unwrap();
        assert_eq!(l.question, "Q?");
        assert_eq!(l.predict, "Will it go up?");
        assert_eq!(l.prediction_prompt(), "Will it go up?");
        assert_eq!(l.prediction_metric(), Some("survival_rate"));
        assert_eq!(l.notice, ["one continued", "two"]);
        assert_eq!(l.explanation, "Body.\n\n## More\n\nTail.");
        // without the section: a prompt about the first watched metric
        let l = parse("g", "g/about.md", ABOUT).unwrap();
        assert!(l.notice.is_empty());
        assert_eq!(l.prediction_metric(), Some("survival_rate"));
        let p = l.prediction_prompt();
        assert!(
            p.contains("will ISOs still operating go up, go down or stay about the same"),
            "{p}"
        );
        let e = parse("g", "g/about.md", "<!-- predict: survival -->\n").unwrap_err();
        assert!(
            e.msg.starts_with("predict: `survival` is not a metric"),
            "{e}"
        );
    }

    #[test]
    fn scenario_titles_come_from_the_description() {
        let (t, rest) = scenario_title(
            "thin_reserves_late_pay",
            "Thin reserves, late pay: today's conditions (the baseline).",
        );
        assert_eq!(t, "Thin reserves, late pay");
        assert_eq!(rest, "Today's conditions (the baseline).");
        let (t, rest) = scenario_title("fast_rotation", "Officers change often.");
        assert_eq!(t, "Fast rotation");
        assert_eq!(rest, "Officers change often.");
        let long = format!("{}: x", "a".repeat(61));
        assert_eq!(scenario_title("a_b", &long).0, "A b");
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
            assert!(!l.predict.is_empty(), "{}: no ## Predict", dir.display());
            let m = l.prediction_metric().unwrap_or_default().to_string();
            assert!(
                l.watch.contains(&m),
                "{}: predicts {m}, not watched",
                dir.display()
            );
            assert!(l.notice.len() >= 2, "{}: ## What to notice", dir.display());
            n += 1;
        }
        assert!(n >= 4, "{n} groups");
    }
}
