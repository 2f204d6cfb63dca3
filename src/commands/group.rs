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
    /// the metrics named by a `<!-- watch: a, b -->` line (catalogue names), in its order
    #[serde(default)]
    pub watch: Vec<String>,
    /// the start named by a `<!-- start: present|steady -->` line, if any
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<crate::studies::compare::start::Start>,
}

impl GroupInfo {
    /// Saves the group beside a comparison.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        crate::output::export::write_json(&dir.join(GROUP_FILE), self)
    }

    /// The group saved beside a comparison, if any.
    pub fn load(dir: &Path) -> anyhow::Result<Option<GroupInfo>> {
        let p = dir.join(GROUP_FILE);
        if !p.exists() {
            return Ok(None);
        }
        crate::output::export::read_json(&p).map(Some)
    }
}

/// If every scenario file sits in one folder that has an `about.md`, its title, question,
/// explanation, baseline and watched metrics. An `about.md` that cannot be used (a watched metric
/// the catalogue does not know, say) is reported and the group's text left out.
pub fn group_info(files: &[PathBuf]) -> Option<GroupInfo> {
    let dir = files.first()?.parent()?;
    if files.iter().any(|f| f.parent() != Some(dir)) {
        return None;
    }
    let lesson = crate::serve::lesson::read(dir).unwrap_or_else(|e| {
        eprintln!("partnersim: {e}; the report leaves the group's text out");
        None
    })?;
    Some(GroupInfo {
        slug: lesson.slug,
        title: lesson.title,
        question: lesson.question,
        explanation: lesson.explanation,
        baseline: lesson.baseline,
        watch: lesson.watch,
        start: lesson.start,
    })
}
