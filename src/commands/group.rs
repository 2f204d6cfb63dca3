//! Classroom groups: a folder of scenarios with an `about.md` explaining them; `compare` shows
//! its text in the report and saves it as `group.json` so that `plot` can rebuild the report.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file a comparison of a classroom group keeps the group's text in.
pub const GROUP_FILE: &str = "group.json";

/// A classroom group's text (`group.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupInfo {
    /// folder name, used for the default output directory
    pub slug: String,
    /// first heading of about.md
    pub title: String,
    /// the question (first paragraph)
    pub question: String,
    /// the rest of about.md
    pub explanation: String,
    /// the baseline named by a `<!-- baseline: NAME -->` line, if any
    #[serde(default)]
    pub baseline: Option<String>,
}

impl GroupInfo {
    /// Saves the group beside a comparison.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        crate::export::write_json(&dir.join(GROUP_FILE), self)
    }

    /// The group saved beside a comparison, if any.
    pub fn load(dir: &Path) -> anyhow::Result<Option<GroupInfo>> {
        let p = dir.join(GROUP_FILE);
        if !p.exists() {
            return Ok(None);
        }
        crate::export::read_json(&p).map(Some)
    }
}

/// If every scenario file sits in one folder that has an `about.md`, its title, question and
/// explanation.
pub fn group_info(files: &[PathBuf]) -> Option<GroupInfo> {
    let dir = files.first()?.parent()?;
    if files.iter().any(|f| f.parent() != Some(dir)) {
        return None;
    }
    let text = std::fs::read_to_string(dir.join("about.md")).ok()?;
    let mut title = String::new();
    let mut paras: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut baseline = None;
    for line in text.lines() {
        if let Some(b) = line
            .trim()
            .strip_prefix("<!-- baseline:")
            .and_then(|r| r.strip_suffix("-->"))
        {
            baseline = Some(b.trim().to_string());
            continue;
        }
        if let Some(h) = line.strip_prefix("# ") {
            if title.is_empty() {
                title = h.trim().to_string();
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
    let slug = dir.file_name()?.to_string_lossy().into_owned();
    let question = paras.first().cloned().unwrap_or_default();
    let explanation = paras
        .iter()
        .skip(1)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n\n");
    Some(GroupInfo {
        slug,
        title,
        question,
        explanation,
        baseline,
    })
}
