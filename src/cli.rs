//! The command-line surface: every subcommand and flag, with help and examples.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// partnersim: agent-based simulation of government–nonprofit funding for immigrant-serving organizations.
#[derive(Debug, Parser)]
#[command(name = "partnersim", version, about, long_about = None, after_help = "Exit codes: 0 success, 1 run failed, 2 bad input (scenario, flags, output directory), 130 interrupted (resume with --resume).")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run N replications of a scenario in parallel and write CSV results.
    #[command(
        after_help = "Example:\n  partnersim run scenarios/baseline.toml --reps 200 --seed 42 --set funders.federal.contract_months=36\n\nOutputs in DIR (default output/<scenario name>/): replications.csv, timeseries.csv, summary.csv, scenario.resolved.toml, manifest.json (written last)."
    )]
    Run(RunArgs),
    /// Run several scenarios on common random numbers and compare them with the first (or --baseline).
    #[command(
        after_help = "Example:\n  partnersim compare scenarios/baseline.toml scenarios/multi_year_core.toml --reps 200\n\nWrites DIR/comparison.csv, DIR/compare.json, one run directory per scenario, plots and report.html."
    )]
    Compare(CompareArgs),
    /// Check a scenario file and print it fully resolved (defaults filled in).
    #[command(after_help = "Example:\n  partnersim validate scenarios/prompt_payment.toml")]
    Validate {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Override a parameter, as in `run`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// List every parameter: path, unit, default, allowed range, description, source.
    #[command(after_help = "Example:\n  partnersim params --format csv > params.csv")]
    Params {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ParamsFormat::Markdown)]
        format: ParamsFormat,
    },
    /// Re-render every plot (and report.html for comparisons) from saved CSVs, without re-running.
    #[command(after_help = "Example:\n  partnersim plot output/comparison")]
    Plot {
        /// A run or comparison output directory.
        dir: PathBuf,
    },
    /// Run a sensitivity sweep (grid, lhs, morris, sobol) described by a sweep file.
    #[command(
        after_help = "Example:\n  partnersim sweep scenarios/sweeps/funding_regime_morris.toml --threads 2"
    )]
    Sweep(SweepCliArgs),
    /// Merge shard directories of one run or sweep into the single-machine result.
    #[command(
        after_help = "Example:\n  partnersim merge output/shards/1 output/shards/2 --out output/baseline"
    )]
    Merge {
        /// Shard directories (each written by `run --shard I/N` or `sweep --shard I/N`).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Serve the classroom page: lessons, sliders and live charts in a browser (local only by default).
    #[command(
        after_help = "Example:\n  partnersim serve --port 8080 --open\n\nPrints the page's address; Ctrl-C stops the server."
    )]
    Serve(crate::serve::ServeArgs),
    /// Measure throughput: replications per second, ISO-months per second per core, parallel speedup, peak memory.
    #[command(after_help = "Example:\n  partnersim bench scenarios/baseline.toml --reps 64")]
    Bench {
        /// Scenario file (default: built-in defaults).
        file: Option<PathBuf>,
        /// Replications per measurement.
        #[arg(long, default_value_t = 64)]
        reps: u64,
    },
}

/// Formats for `params`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ParamsFormat {
    /// Markdown table (as in docs/ODD.md)
    Markdown,
    /// CSV with a header row
    Csv,
}

/// Flags shared by `run` and `compare`.
#[derive(Debug, Args)]
pub struct CommonRunArgs {
    /// Replications per scenario.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub reps: u64,
    /// Master seed; replication i of every scenario uses streams derived from (seed, i).
    #[arg(long, default_value_t = 42, value_name = "S")]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Override a parameter by dotted path, validated like a value in the file (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Continue an interrupted run in the same output directory.
    #[arg(long)]
    pub resume: bool,
    /// Replace results of a different run in the output directory.
    #[arg(long)]
    pub force: bool,
}

/// `run` flags.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Output directory (default: output/<scenario name>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Compute only a slice: `I/N` (1-based) or `auto` (from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with PARTNERSIM_SHARDS).
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonRunArgs,
}

/// `compare` flags.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files (TOML); the first is the baseline unless --baseline names another.
    #[arg(required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,
    /// Name of the baseline scenario.
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// Output directory (default: output/comparison/, or output/<group>/ for a classroom group).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonRunArgs,
}

/// `sweep` flags.
#[derive(Debug, Args)]
pub struct SweepCliArgs {
    /// Sweep file (TOML).
    pub file: PathBuf,
    /// Output directory (default: output/sweeps/<file stem>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override the sweep file's seed.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Continue an interrupted sweep in the same output directory (finished chunks are reused).
    #[arg(long)]
    pub resume: bool,
    /// Discard whatever sweep the output directory holds and start over.
    #[arg(long)]
    pub force: bool,
    /// Compute only a slice of the points: `I/N` (1-based) or `auto` (from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with PARTNERSIM_SHARDS); combine with `partnersim merge`.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Points per chunk, the unit saved to disk and redone after an interruption (default: about 4096 model runs per chunk). Results do not depend on it, but a resume or merge needs the same value.
    #[arg(long, value_name = "N")]
    pub chunk_points: Option<usize>,
}

/// Parses `--shard`: `I/N` or `auto`.
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let env = |k: &str| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    if s == "auto" {
        if let (Some(id), Some(count)) = (env("SLURM_ARRAY_TASK_ID"), env("SLURM_ARRAY_TASK_COUNT"))
        {
            let min = env("SLURM_ARRAY_TASK_MIN").unwrap_or(0);
            return Ok((id - min.min(id) + 1, count));
        }
        if let (Some(idx), Some(count)) = (env("JOB_COMPLETION_INDEX"), env("PARTNERSIM_SHARDS")) {
            return Ok((idx + 1, count));
        }
        return Err("--shard auto: set SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (Slurm job array) or JOB_COMPLETION_INDEX and PARTNERSIM_SHARDS (Kubernetes Indexed Job)".into());
    }
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("--shard {s}: expected I/N, e.g. 2/8, or auto"))?;
    let i: u64 = i
        .trim()
        .parse()
        .map_err(|_| format!("--shard {s}: I is not a whole number"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("--shard {s}: N is not a whole number"))?;
    if n == 0 || i == 0 || i > n {
        return Err(format!("--shard {s}: need 1 <= I <= N"));
    }
    Ok((i, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn shard_parsing() {
        assert_eq!(parse_shard("2/8"), Ok((2, 8)));
        assert!(parse_shard("0/8").is_err());
        assert!(parse_shard("9/8").is_err());
        assert!(parse_shard("x").is_err());
    }
}
