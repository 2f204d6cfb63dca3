//! `partnersim plot`: re-draws the plots (and the report of a comparison or an exploration)
//! of a finished run, comparison, sweep, exploration or calibration from its files, without
//! re-running; and the drawing the other commands share.

use super::group::GroupInfo;
use super::shared::Outcome;
use crate::error::BadInput;
use crate::job::outdir;
use crate::studies::sweep::plots::{render_all, PlotSpec};
use anyhow::Result;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `plot`.
#[derive(Debug, Clone)]
pub struct Args {
    /// a finished run, comparison, sweep, exploration or calibration directory
    pub dir: PathBuf,
}

/// Plots of one run directory, and the partnership map when the run wrote `partnerships.json`.
pub fn run_plots(dir: &Path) -> Result<Vec<PathBuf>> {
    crate::output::export::ensure_writable(&dir.join("plots"))?;
    let mut files = crate::output::plot::run_plots(dir)?;
    files.extend(crate::output::plot::partnership_map::partnership_map(dir)?);
    Ok(files)
}

/// Plots (across scenarios, and each scenario's own) and `report.html` of a comparison
/// directory; returns every file written, `report.html` last.
///
/// The directory's files are read once, for every plot and the report; the scenarios' plots
/// and the plots across scenarios are drawn in parallel (on the current rayon pool), each into
/// its own files, and the list of files is in the order of a drawing one after the other.
pub fn comparison(dir: &Path, group: Option<&GroupInfo>) -> Result<Vec<PathBuf>> {
    use rayon::prelude::*;
    crate::output::export::ensure_writable(&dir.join("plots"))?;
    let data = crate::output::plot::data::read_comparison_dir(dir)?;
    let man = &data.manifest;
    let (runs, across) = rayon::join(
        || {
            data.runs
                .par_iter()
                .map(|run| {
                    crate::output::export::ensure_writable(&run.dir.join("plots"))?;
                    // a run's own plots are captioned with the name its manifest gives it, as
                    // `partnersim plot` of the run directory would
                    let own = run_name(run);
                    let mut files = if own == run.name {
                        crate::output::plot::run_plots_from(run)?
                    } else {
                        crate::output::plot::run_plots(&run.dir)?
                    };
                    files.extend(crate::output::plot::partnership_map::partnership_map(
                        &run.dir,
                    )?);
                    Ok(files)
                })
                .collect::<Result<Vec<Vec<PathBuf>>>>()
        },
        || crate::output::plot::comparison_plots_from(&data),
    );
    let mut files: Vec<PathBuf> = runs?.into_iter().flatten().collect();
    files.extend(across?);
    files.extend(crate::studies::assumptions::tornado_plots(dir)?);
    let baseline = &man.baseline;
    let others: Vec<&str> = man
        .scenarios
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| n != baseline)
        .collect();
    let input = match group {
        Some(g) => crate::output::report::ReportInput {
            title: g.title.clone(),
            question: g.question.clone(),
            explanation: (!g.explanation.is_empty()).then(|| g.explanation.clone()),
            headline: g.watch.clone(),
        },
        None => crate::output::report::ReportInput {
            title: crate::output::report::default_title(others.len(), baseline),
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
    files.push(crate::output::report::write_report_from(&data, &input)?);
    Ok(files)
}

/// The name `read_run` gives a run directory on its own (its manifest's scenario name, else the
/// directory's name).
fn run_name(run: &crate::output::plot::data::RunData) -> String {
    run.manifest
        .as_ref()
        .map(|m| m.details.identity.scenario_name.clone())
        .or_else(|| {
            run.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "run".to_string())
}

/// Plots of a sweep directory, from its files alone.
pub fn sweep(dir: &Path) -> Result<Vec<PathBuf>> {
    let (details, outcome) = crate::studies::sweep::output::read(dir)?;
    let spec = PlotSpec::from_details(&details)?;
    draw_sweep(&spec, &outcome, dir)
}

/// Draws a sweep's plots into `dir/plots`.
pub fn draw_sweep(
    spec: &PlotSpec,
    outcome: &crate::studies::sweep::SweepOutcome,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    let plots = dir.join("plots");
    crate::output::export::ensure_writable(&plots)?;
    Ok(render_all(spec, outcome, &plots)?
        .into_iter()
        .map(|f| plots.join(f))
        .collect())
}

/// Re-draws whatever the directory holds.
pub fn replot(dir: &Path) -> Result<Vec<PathBuf>> {
    let header = outdir::finished_kind(dir).map_err(BadInput)?;
    match header.kind.as_str() {
        "run" => run_plots(dir),
        "compare" => comparison(dir, GroupInfo::load(dir)?.as_ref()),
        "sweep" => sweep(dir),
        "explore" => {
            let o = crate::studies::explore::run::reload(dir)?;
            let plots = dir.join("plots");
            crate::output::export::ensure_writable(&plots)?;
            let mut files: Vec<PathBuf> = crate::studies::explore::plots::draw_all(&o, dir)?
                .into_iter()
                .map(|f| plots.join(f))
                .collect();
            files.push(crate::studies::explore::report::write_report(&o, dir)?);
            Ok(files)
        }
        crate::studies::calibrate::KIND => {
            let c = crate::studies::calibrate::output::reload(dir)?;
            let plots = dir.join("plots");
            crate::output::export::ensure_writable(&plots)?;
            crate::studies::calibrate::plots::draw_from(
                &c.spec,
                &c.population,
                &c.weights,
                &c.generations,
                dir,
            )
        }
        other => Err(BadInput::err(format!(
            "{}: holds {}, which has no plots",
            dir.display(),
            outdir::a_kind(other)
        ))),
    }
}

/// Re-draws and says how many files it wrote.
pub fn execute(a: &Args, _out: &mut dyn Write) -> Result<Outcome> {
    let files = replot(&a.dir)?;
    eprintln!("{} files written under {}", files.len(), a.dir.display());
    Ok(Outcome::Done)
}
