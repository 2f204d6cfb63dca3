//! `partnersim params [PATTERN]`: the parameter registry (path, unit, default, range,
//! description, source), all of it or the paths a pattern selects.

use super::shared::TableFormat;
use crate::error::BadInput;
use crate::params::{registry, ParamSpec};
use std::io::Write;

/// Arguments of `params`.
#[derive(Debug, Clone)]
pub struct Args {
    /// only the paths that contain this text (case-insensitive), or match it as a glob
    pub pattern: Option<String>,
    /// output format
    pub format: TableFormat,
}

/// Whether a dotted path is selected by `pattern`: a glob when the pattern has `*`, `?` or `[`
/// (`*` matches any run of characters, dots included; `?` one character; `[abc]` one of a set),
/// else a case-insensitive substring.
pub fn selects(pattern: &str, path: &str) -> bool {
    let p = pattern.to_lowercase();
    let t = path.to_lowercase();
    if p.contains(['*', '?', '[']) {
        let p: Vec<char> = p.chars().collect();
        let t: Vec<char> = t.chars().collect();
        glob(&p, &t)
    } else {
        t.contains(&p)
    }
}

/// Glob match of the whole text (iterative, with backtracking to the last `*`).
fn glob(p: &[char], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some('?') => Some(pi + 1),
            Some('[') => class(p, pi, t[ti]),
            Some(c) if *c == t[ti] => Some(pi + 1),
            _ => None,
        };
        match (step, star) {
            (Some(next), _) => {
                pi = next;
                ti += 1;
            }
            (None, Some((sp, st))) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            (None, None) => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A `[...]` class at `p[at]`: the index after it if `c` is in it (a `-` between two characters
/// is a range); a `[` without `]` is a literal.
fn class(p: &[char], at: usize, c: char) -> Option<usize> {
    let Some(end) = p[at + 1..]
        .iter()
        .position(|x| *x == ']')
        .map(|k| at + 1 + k)
    else {
        return (c == '[').then_some(at + 1);
    };
    let set = &p[at + 1..end];
    let mut i = 0;
    let mut hit = false;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == '-' {
            hit |= set[i] <= c && c <= set[i + 2];
            i += 3;
        } else {
            hit |= set[i] == c;
            i += 1;
        }
    }
    hit.then_some(end + 1)
}

/// Prints the selected parameters (every one without a pattern).
pub fn execute(a: &Args, out: &mut dyn Write) -> anyhow::Result<super::shared::Outcome> {
    let chosen: Vec<&ParamSpec> = registry()
        .iter()
        .filter(|p| a.pattern.as_deref().is_none_or(|pat| selects(pat, &p.path)))
        .collect();
    if chosen.is_empty() {
        let pat = a.pattern.as_deref().unwrap_or("");
        // a whole path, or one part of a path (`contract_mnths`)
        let mut parts: Vec<&str> = registry().iter().flat_map(|p| p.path.split('.')).collect();
        parts.sort_unstable();
        parts.dedup();
        let hint = crate::params::suggest(pat)
            .or_else(|| crate::input::tomlfile::closest(pat, parts, 0.8))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(BadInput::err(format!(
            "no parameter path matches `{pat}`{hint} (a pattern is a substring of the dotted path, or a glob with * ? [..]; `partnersim params` lists them all)"
        )));
    }
    match a.format {
        TableFormat::Markdown => {
            // the registry's own table (the one docs/ODD.md embeds), its rows filtered
            let table = crate::params::markdown_table();
            let mut lines = table.lines();
            for header in lines.by_ref().take(2) {
                writeln!(out, "{header}")?;
            }
            for row in lines {
                let path = row
                    .strip_prefix("| `")
                    .and_then(|r| r.split_once('`'))
                    .map(|(p, _)| p);
                if path.is_some_and(|p| chosen.iter().any(|c| c.path == p)) {
                    writeln!(out, "{row}")?;
                }
            }
            // with a pattern, the ledger in full: the range and why for each chosen parameter
            if a.pattern.is_some() {
                writeln!(out, "\ngrounds (the assumption ledger):")?;
                for p in &chosen {
                    writeln!(
                        out,
                        "- `{}`: {}. {}",
                        p.path,
                        p.grounds_text(),
                        p.grounds_why()
                    )?;
                }
            }
        }
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "path",
                "unit",
                "default",
                "range",
                "description",
                "source",
                "grounds",
                "grounds_low",
                "grounds_high",
                "grounds_why",
            ])?;
            for p in chosen {
                w.write_record([
                    p.path.as_str(),
                    p.unit,
                    &p.default_text(),
                    &p.range_text(),
                    p.description,
                    p.source,
                    p.grounds.kind(),
                    &p.grounds
                        .range()
                        .map_or(String::new(), |r| p.value_text(r.0)),
                    &p.grounds
                        .range()
                        .map_or(String::new(), |r| p.value_text(r.1)),
                    &p.grounds_why(),
                ])?;
            }
            out.write_all(&w.into_inner()?)?;
        }
    }
    Ok(super::shared::Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrings_and_globs_select_paths() {
        let p = "funders.federal.core_share";
        assert!(selects("federal", p));
        assert!(selects("FEDERAL.core", p));
        assert!(!selects("provincial", p));
        assert!(selects("funders.*.core_share", p));
        assert!(selects("*core*", p));
        assert!(!selects("*core", p));
        assert!(selects("funders.f?deral.*", p));
        assert!(selects("funders.[fp]*.core_share", p));
        assert!(!selects("funders.[pm]*", p));
        assert!(selects("*", p));
    }

    #[test]
    fn a_pattern_keeps_only_matching_rows_and_no_match_is_bad_input() {
        let mut out = Vec::new();
        let a = Args {
            pattern: Some("funders.*.core_share".into()),
            format: TableFormat::Markdown,
        };
        execute(&a, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert!(
            text.contains(
                "grounds (the assumption ledger):\n- `funders.federal.core_share`: sourced (MLH)"
            ),
            "{text}"
        );
        let expected = registry()
            .iter()
            .filter(|p| p.path.starts_with("funders.") && p.path.ends_with(".core_share"))
            .count();
        assert!(expected >= 2);
        assert_eq!(rows.len(), expected, "{text}");
        assert!(rows.iter().all(|r| r.contains(".core_share`")));
        let bad = Args {
            pattern: Some("nothing_like_this".into()),
            format: TableFormat::Csv,
        };
        let e = execute(&bad, &mut Vec::new()).unwrap_err();
        assert_eq!(super::super::exit_code(&e), 2);
        assert!(e.to_string().contains("nothing_like_this"), "{e}");
    }
}
