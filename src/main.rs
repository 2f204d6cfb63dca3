//! The `partnersim` binary: parses arguments, calls the library, prints one line on error.
//!
//! Exit codes: 0 success; 1 a run failed; 2 bad input (scenario file, flag, output directory);
//! 130 interrupted by Ctrl-C or SIGTERM (finished chunks are kept: resume with `--resume`).

use clap::Parser;
use partnersim::cli::{parse_shard, Cli, Command, CommonRunArgs, ParamsFormat};
use partnersim::export::OutputDirError;
use partnersim::run::{RunOptions, INTERRUPTED};
use partnersim::scenario::ScenarioError;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

/// An error the user can fix by changing the input: exit code 2.
#[derive(Debug)]
struct BadInput(String);
impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BadInput {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("partnersim: interrupt received; finishing the current chunk (press again to stop at once)");
    });
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let bad = e.downcast_ref::<ScenarioError>().is_some()
                || e.downcast_ref::<OutputDirError>().is_some()
                || e.downcast_ref::<BadInput>().is_some()
                || e.downcast_ref::<partnersim::sweep::SweepError>().is_some()
                || e.downcast_ref::<partnersim::serve::ServeError>().is_some()
                || e.chain()
                    .any(|c| c.downcast_ref::<ScenarioError>().is_some());
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("partnersim: {e:#}");
            ExitCode::from(if bad { 2 } else { 1 })
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn command_line() -> String {
    std::env::args()
        .map(|a| if a.contains(' ') { format!("'{a}'") } else { a })
        .collect::<Vec<_>>()
        .join(" ")
}

fn options(c: &CommonRunArgs, shard: Option<(u64, u64)>) -> anyhow::Result<RunOptions> {
    if c.reps == 0 || c.reps > partnersim::run::MAX_REPS {
        return Err(BadInput(format!(
            "--reps {}: must be between 1 and {}",
            c.reps,
            partnersim::run::MAX_REPS
        ))
        .into());
    }
    if c.threads == Some(0) {
        return Err(BadInput("--threads 0: must be at least 1".into()).into());
    }
    Ok(RunOptions {
        reps: c.reps,
        seed: c.seed,
        threads: c.threads,
        quiet: c.quiet,
        resume: c.resume,
        force: c.force,
        shard,
        command: command_line(),
    })
}

fn interrupted_exit(done: u64, total: u64) -> ExitCode {
    eprintln!("partnersim: interrupted after {done} of {total} replications; finished work is saved. Run the same command with --resume to continue.");
    ExitCode::from(130)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Run(a) => {
            let shard = a
                .shard
                .as_deref()
                .map(parse_shard)
                .transpose()
                .map_err(BadInput)?;
            let opts = options(&a.common, shard)?;
            let mut s = partnersim::scenario::Scenario::load(&a.file)?;
            for o in &a.common.set {
                s.apply_override(o)?;
            }
            let dir = a.out.unwrap_or_else(|| {
                PathBuf::from("output").join(partnersim::compare::dir_name(&s.name))
            });
            let o = partnersim::run::run(&s, &opts, &dir)?;
            if o.interrupted {
                return Ok(interrupted_exit(o.reps_done, opts.reps));
            }
            let rate = if o.wall_seconds > 0.0 {
                o.reps_computed as f64 / o.wall_seconds
            } else {
                0.0
            };
            if let Some((i, n)) = shard {
                eprintln!(
                    "{}: shard {i}/{n} done ({} replications, {:.1} s) -> {}",
                    s.name,
                    o.reps_done,
                    o.wall_seconds,
                    dir.display()
                );
            } else {
                let plots = partnersim::present::run_plots(&dir)?;
                let line = headline(&o.summaries);
                eprintln!(
                    "{}: {} replications in {:.1} s ({rate:.0}/s), {} plots -> {}  [{line}]",
                    s.name,
                    opts.reps,
                    o.wall_seconds,
                    plots.len(),
                    dir.display()
                );
            }
        }
        Command::Compare(a) => {
            let opts = options(&a.common, None)?;
            let scenarios = partnersim::compare::load_all(&a.files, &a.common.set)?;
            let group = partnersim::present::group_info(&a.files);
            let dir = a.out.unwrap_or_else(|| match &group {
                Some(g) => PathBuf::from("output").join(&g.slug),
                None => PathBuf::from("output/comparison"),
            });
            let t0 = std::time::Instant::now();
            let baseline = a
                .baseline
                .clone()
                .or_else(|| group.as_ref().and_then(|g| g.baseline.clone()));
            let res = partnersim::compare::compare(&scenarios, baseline.as_deref(), &opts, &dir);
            if INTERRUPTED.load(Ordering::SeqCst) {
                return Ok(interrupted_exit(0, opts.reps));
            }
            let comparison = res?;
            if let Some(g) = &group {
                partnersim::present::save_group(&dir, g)?;
            }
            let files = partnersim::present::write_comparison_report(&dir, group.as_ref())?;
            let report = files
                .last()
                .cloned()
                .unwrap_or_else(|| dir.join("report.html"));
            eprintln!(
                "compared {} scenarios x {} replications in {:.1} s -> {}",
                scenarios.len(),
                opts.reps,
                t0.elapsed().as_secs_f64(),
                report.display()
            );
            out.write_all(comparison.table(&HEADLINE).as_bytes())?;
        }
        Command::Validate { file, set } => {
            let mut s = partnersim::scenario::Scenario::load(&file)?;
            for o in &set {
                s.apply_override(o)?;
            }
            writeln!(
                out,
                "# {} is valid; every parameter, resolved (scenario hash {})",
                file.display(),
                s.content_hash()
            )?;
            out.write_all(s.resolved_toml().as_bytes())?;
        }
        Command::Params { format } => match format {
            ParamsFormat::Markdown => {
                out.write_all(partnersim::params::markdown_table().as_bytes())?
            }
            ParamsFormat::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(["path", "unit", "default", "range", "description", "source"])?;
                for p in partnersim::params::registry() {
                    w.write_record([
                        p.path.as_str(),
                        p.unit,
                        &p.default_text(),
                        &p.range_text(),
                        p.description,
                        p.source,
                    ])?;
                }
                out.write_all(&w.into_inner()?)?;
            }
        },
        Command::Plot { dir } => {
            let files = partnersim::present::replot(&dir)?;
            eprintln!("{} files written under {}", files.len(), dir.display());
        }
        Command::Sweep(a) => {
            let (dir, ranking) = partnersim::present::sweep(a)?;
            if INTERRUPTED.load(Ordering::SeqCst) && !dir.join("manifest.json").exists() {
                // the sweep has printed how far it got and how to resume
                return Ok(ExitCode::from(130));
            }
            eprintln!("sweep done -> {}", dir.display());
            out.write_all(ranking.as_bytes())?;
        }
        Command::Merge { dirs, out: dest } => {
            let sweep_shards = dirs
                .iter()
                .filter(|d| d.join(partnersim::sweep::resume::SHARD_FILE).exists())
                .count();
            if sweep_shards > 0 {
                if sweep_shards < dirs.len() {
                    return Err(BadInput(format!(
                        "{sweep_shards} of the {} directories are sweep shards ({}); merge sweep shards and run shards separately",
                        dirs.len(),
                        partnersim::sweep::resume::SHARD_FILE
                    ))
                    .into());
                }
                let o = partnersim::sweep::merge(&dirs, &dest, &command_line())?;
                eprintln!(
                    "merged {} sweep shards ({} points x {} replications) -> {}",
                    dirs.len(),
                    o.design.n,
                    o.reps,
                    dest.display()
                );
                out.write_all(o.ranking(3).as_bytes())?;
                return Ok(ExitCode::SUCCESS);
            }
            let o = partnersim::run::merge(&dirs, &dest, &command_line())?;
            let plots = partnersim::present::run_plots(&dest)?;
            eprintln!(
                "merged {} shards ({} replications), {} plots -> {}  [{}]",
                dirs.len(),
                o.reps_done,
                plots.len(),
                dest.display(),
                headline(&o.summaries)
            );
        }
        Command::Serve(a) => partnersim::serve::serve(&a)?,
        Command::Bench { file, reps } => {
            let s = match file {
                Some(f) => partnersim::scenario::Scenario::load(&f)?,
                None => partnersim::scenario::Scenario::default(),
            };
            let report = partnersim::bench::bench(&s, reps)?;
            out.write_all(report.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The metrics `run` and `compare` print on the terminal.
const HEADLINE: [&str; 3] = ["survival_rate", "clients_served", "unmet_need_share"];

fn headline(summaries: &[partnersim::metrics::MonthRecord]) -> String {
    use partnersim::metrics::metric_index;
    HEADLINE
        .iter()
        .filter_map(|m| {
            let j = metric_index(m)?;
            let v: Vec<f64> = summaries.iter().map(|r| r[j]).collect();
            let (mean, _, lo, hi) = partnersim::stats::mean_ci95(&v);
            Some(format!("{m} {mean:.3} (95% CI {lo:.3}..{hi:.3})"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
