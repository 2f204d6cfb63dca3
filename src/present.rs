//! Glue between the commands and the plot/report writers: which plots a
//! directory gets, and the classroom-group text a report shows.

use anyhow::Result;
use std::path::{Path, PathBuf};

/// A classroom group: a folder of scenarios with an `about.md` explaining them.
#[derive(Debug, Clone)]
pub struct GroupInfo {
    /// folder name, used for the default output directory
    pub slug: String,
    /// first heading of about.md
    pub title: String,
    /// the question (first paragraph)
    pub question: String,
    /// the rest of about.md
    pub explanation: String,
}

/// If every scenario file sits in one folder that has an `about.md`, its title, question and explanation.
pub fn group_info(files: &[PathBuf]) -> Option<GroupInfo> {
    let dir = files.first()?.parent()?;
    if files.iter().any(|f| f.parent() != Some(dir)) {
        return None;
    }
    let text = std::fs::read_to_string(dir.join("about.md")).ok()?;
    let mut title = String::new();
    let mut paras: Vec<String> = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
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
    })
}

/// Plots of one run directory.
pub fn run_plots(_dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(Vec::new())
}

/// Plots and report.html of a comparison directory; returns the report path.
pub fn write_comparison_report(dir: &Path, _group: Option<&GroupInfo>) -> Result<PathBuf> {
    Ok(dir.join("comparison.csv"))
}

/// Re-renders the plots of a run or comparison directory from its CSVs.
pub fn replot(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.join("compare.json").exists() {
        Ok(vec![write_comparison_report(dir, None)?])
    } else {
        run_plots(dir)
    }
}

/// Runs a sweep (wired to the sweep module).
pub fn sweep(_a: crate::cli::SweepCliArgs) -> Result<PathBuf> {
    anyhow::bail!("sweeps are not available in this build")
}
