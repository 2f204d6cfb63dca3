//! `partnersim validate`: check a scenario file and print it fully resolved, or with `--diff`
//! only what it changes from the defaults and where each change is written.

use crate::input::scenario::Scenario;
use crate::input::tomlfile::{self, Source};
use crate::params::registry;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// Arguments of `validate`.
#[derive(Debug, Clone)]
pub struct Args {
    /// the scenario file
    pub file: PathBuf,
    /// `--set KEY=VALUE` overrides
    pub set: Vec<String>,
    /// only the parameters that differ from the defaults, with where they are set
    pub diff: bool,
}

/// Prints the resolved scenario (every parameter) with its content hash, or with `diff` only
/// the parameters that differ from the defaults.
pub fn execute(a: &Args, out: &mut dyn Write) -> anyhow::Result<super::shared::Outcome> {
    let mut s = Scenario::load(&a.file)?;
    for o in &a.set {
        s.apply_override(o)?;
    }
    if a.diff {
        write_diff(a, &s, out)?;
        return Ok(super::shared::Outcome::Done);
    }
    writeln!(
        out,
        "# {} is valid; every parameter, resolved (scenario hash {})",
        a.file.display(),
        s.content_hash()
    )?;
    out.write_all(s.resolved_toml().as_bytes())?;
    Ok(super::shared::Outcome::Done)
}

/// The parameters of `s` that differ from the defaults, as TOML lines (dotted keys) each with a
/// comment giving the default and the `file:line` (or `--set`) that sets it; then the events.
fn write_diff(a: &Args, s: &Scenario, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut origin = origins(&a.file);
    for o in &a.set {
        if let Some((k, _)) = o.split_once('=') {
            origin.insert(k.trim().to_string(), format!("--set {}", o.trim()));
        }
    }
    let diffs = s.values.differences(&Scenario::default().values);
    let n = diffs.len();
    writeln!(
        out,
        "# {} is valid; {n} parameter{} differ{} from the defaults{} (scenario hash {})",
        a.file.display(),
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
        if s.timeline.is_empty() {
            String::new()
        } else {
            format!(", and {} timeline event(s)", s.timeline.len())
        },
        s.content_hash()
    )?;
    for i in diffs {
        let p = &registry()[i];
        let at = origin
            .get(&p.path)
            .map_or_else(String::new, |o| format!("; {o}"));
        writeln!(
            out,
            "{} = {}  # default {} ({}){at}",
            p.path,
            p.value_text(s.values.0[i]),
            p.default_text(),
            p.unit
        )?;
    }
    for e in &s.timeline {
        writeln!(
            out,
            "# event in month {}: {}; {}",
            e.event.month, e.label, e.origin
        )?;
    }
    Ok(())
}

/// For every parameter path written in `file` or the files it extends, the `file:line` of the
/// value that counts (the file furthest down the `extends` chain). The file has been validated
/// already; anything unreadable here is left out.
fn origins(file: &Path) -> BTreeMap<String, String> {
    let mut chain = Vec::new();
    let mut next = Some(file.to_path_buf());
    while let Some(path) = next.take() {
        if chain.len() >= 16 || chain.iter().any(|(p, _)| p == &path) {
            break;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            break;
        };
        let src = Source {
            file: "",
            text: &text,
        };
        if let Ok(doc) = src.parse() {
            if let Some(DeValue::String(rel)) = doc.get_ref().get("extends").map(|v| v.get_ref()) {
                next = Some(path.parent().unwrap_or(Path::new(".")).join(&**rel));
            }
        }
        chain.push((path, text));
    }
    let mut found = BTreeMap::new();
    // from the first ancestor down, so a later file's value replaces an earlier one's
    for (path, text) in chain.iter().rev() {
        let src = Source { file: "", text };
        if let Ok(doc) = src.parse() {
            leaves(
                doc.get_ref(),
                "",
                &mut |key, span| {
                    let (line, _) = tomlfile::line_col(text, span.start);
                    found.insert(key, format!("{}:{line}", path.display()));
                },
                true,
            );
        }
    }
    found
}

/// Calls `f` with the dotted path and span of every value (not a table) under `table`, skipping
/// the scenario header keys at the top.
fn leaves(
    table: &DeTable<'_>,
    prefix: &str,
    f: &mut dyn FnMut(String, std::ops::Range<usize>),
    top: bool,
) {
    for (k, v) in table.iter() {
        let key: &str = k.get_ref();
        if top && ["name", "description", "extends", "events"].contains(&key) {
            continue;
        }
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        match v.get_ref() {
            DeValue::Table(t) => leaves(t, &path, f, false),
            _ => f(path, v.span()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_each_change_with_its_default_and_the_line_that_sets_it() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("base.toml"),
            "name = \"base\"\n[funders.federal]\ncontract_months = 24\ncore_share = 0.2\n",
        )
        .unwrap();
        std::fs::write(
            d.path().join("child.toml"),
            "extends = \"base.toml\"\n\n[funders.federal]\ncore_share = 0.3\n",
        )
        .unwrap();
        let file = d.path().join("child.toml");
        let a = Args {
            file: file.clone(),
            set: vec!["funders.federal.late_payment_probability=0".into()],
            diff: true,
        };
        let mut out = Vec::new();
        execute(&a, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("3 parameters differ"), "{text}");
        let line_of = |key: &str| {
            *lines
                .iter()
                .find(|l| l.starts_with(&format!("funders.federal.{key} = ")))
                .unwrap_or_else(|| panic!("{key} missing:\n{text}"))
        };
        let base = d.path().join("base.toml");
        assert!(line_of("contract_months").ends_with(&format!("; {}:3", base.display())));
        assert!(line_of("core_share").starts_with("funders.federal.core_share = 0.3  # default"));
        assert!(line_of("core_share").ends_with(&format!("; {}:4", file.display())));
        assert!(line_of("late_payment_probability")
            .ends_with("; --set funders.federal.late_payment_probability=0"));
        assert_eq!(lines.len(), 4, "{text}");
    }
}
