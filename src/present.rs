//! Glue between the commands and the plot/report writers: which plots a
//! directory gets, and the classroom-group text a report shows.

use anyhow::Result;
use std::path::{Path, PathBuf};

/// A classroom group: a folder of scenarios with an `about.md` explaining them.
pub use crate::lesson::Lesson as GroupInfo;

/// If every scenario file sits in one folder that has an `about.md`, its title, question,
/// explanation, baseline and watched metrics (an `about.md` that cannot be used is reported
/// and left out).
pub fn group_info(files: &[PathBuf]) -> Option<GroupInfo> {
    let dir = files.first()?.parent()?;
    if files.iter().any(|f| f.parent() != Some(dir)) {
        return None;
    }
    crate::lesson::read(dir).unwrap_or_else(|e| {
        eprintln!("partnersim: {e}; the report leaves the group's text out");
        None
    })
}

/// Plots of one run directory, and the partnership map when the run wrote `partnerships.json`.
pub fn run_plots(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = crate::plot::run_plots(dir)?;
    files.extend(crate::plot::partnership_map::partnership_map(dir)?);
    Ok(files)
}

/// Plots (across scenarios, and each scenario's own) and report.html of a comparison
/// directory; returns every file written, report.html last.
pub fn write_comparison_report(dir: &Path, group: Option<&GroupInfo>) -> Result<Vec<PathBuf>> {
    let man: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("compare.json"))?)?;
    let mut files = Vec::new();
    if let Some(list) = man["scenarios"].as_array() {
        for s in list {
            if let Some(d) = s["dir"].as_str() {
                files.extend(run_plots(&dir.join(d))?);
            }
        }
    }
    files.extend(crate::plot::comparison_plots(dir)?);
    let names: Vec<String> = man["scenarios"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|s| s["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let baseline = man["baseline"].as_str().unwrap_or("baseline").to_string();
    let others: Vec<&String> = names.iter().filter(|n| **n != baseline).collect();
    let input = match group {
        Some(g) => crate::report::ReportInput { title: g.title.clone(), question: g.question.clone(), explanation: (!g.explanation.is_empty()).then(|| g.explanation.clone()), headline: g.watch.clone() },
        None => crate::report::ReportInput {
            title: format!("partnersim: {} funding regimes against {baseline}", others.len()),
            question: format!(
                "What changes for immigrant-serving organizations, their staff and the newcomers they serve if the funding regime of `{baseline}` is replaced by {}? Each scenario runs on the same random events as the baseline (common random numbers), so differences are paired replication by replication.",
                if others.len() <= 4 {
                    others.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                } else {
                    format!("each of {} others (listed under Scenarios)", others.len())
                }
            ),
            explanation: None,
            headline: Vec::new(),
        },
    };
    files.push(crate::report::write_report(dir, &input)?);
    Ok(files)
}

/// Re-renders the plots of a run or comparison directory from its CSVs (and report.html).
pub fn replot(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        anyhow::bail!("{}: no such directory", dir.display());
    }
    if dir.join("compare.json").exists() {
        let group = std::fs::read_to_string(dir.join("group.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .map(|v| GroupInfo {
                slug: v["slug"].as_str().unwrap_or_default().into(),
                title: v["title"].as_str().unwrap_or_default().into(),
                question: v["question"].as_str().unwrap_or_default().into(),
                explanation: v["explanation"].as_str().unwrap_or_default().into(),
                baseline: None,
                watch: v["watch"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        write_comparison_report(dir, group.as_ref())
    } else if dir.join("replications.csv").exists() {
        run_plots(dir)
    } else {
        anyhow::bail!("{}: neither a run directory (replications.csv) nor a comparison directory (compare.json)", dir.display())
    }
}

/// Saves a classroom group's text beside a comparison, so `partnersim plot` can rebuild the report.
pub fn save_group(dir: &Path, g: &GroupInfo) -> Result<()> {
    let v = serde_json::json!({"slug": g.slug, "title": g.title, "question": g.question, "explanation": g.explanation, "watch": g.watch});
    crate::export::write_atomic(
        &dir.join("group.json"),
        serde_json::to_string_pretty(&v)?.as_bytes(),
    )?;
    Ok(())
}

/// Runs a sweep described by a sweep file. Returns the output directory and, for a finished
/// sweep, the ranking of parameters to print ([`crate::sweep::SweepOutcome::ranking`]); when
/// interrupted by Ctrl-C / SIGTERM it returns early (without final outputs) after saying how to
/// resume.
pub fn sweep(a: crate::cli::SweepCliArgs) -> Result<(PathBuf, String)> {
    use crate::sweep::{SweepError, SweepStatus};
    let shard = a
        .shard
        .as_deref()
        .map(crate::cli::parse_shard)
        .transpose()
        .map_err(SweepError::Refused)?;
    let args = crate::sweep::SweepArgs {
        file: a.file,
        out: a.out,
        seed: a.seed,
        threads: a.threads,
        quiet: a.quiet,
    };
    let opts = crate::sweep::SweepOptions {
        resume: a.resume,
        force: a.force,
        shard,
        chunk_points: a.chunk_points,
    };
    match crate::sweep::run_with(&args, &opts)? {
        SweepStatus::Finished(o) => {
            let ranking = o.ranking(3);
            Ok((o.dir, ranking))
        }
        SweepStatus::Interrupted {
            dir,
            chunks_done,
            chunks_total,
        } => {
            eprintln!(
                "partnersim: sweep interrupted after {chunks_done} of {chunks_total} chunks; finished chunks are saved in {}. Run the same command with --resume to continue.",
                dir.display()
            );
            Ok((dir, String::new()))
        }
        SweepStatus::Shard {
            dir,
            shard: (i, n),
            first_chunk,
            end_chunk,
        } => {
            eprintln!(
                "sweep shard {i}/{n}: chunks {first_chunk}..{end_chunk} -> {}; combine the shards with `partnersim merge DIR... --out DIR`",
                dir.display()
            );
            Ok((dir, String::new()))
        }
    }
}
