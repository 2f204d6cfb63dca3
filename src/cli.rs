//! The command-line surface (clap): every subcommand and flag with its help and an example, and
//! the conversion into the library's plain [`partnersim::commands::Command`]. Part of the binary
//! only: the library does not depend on clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use partnersim::commands::{self, run::RunFlags, Command as Cmd, TableFormat};
use std::path::PathBuf;

/// partnersim: agent-based simulation of government–nonprofit funding for immigrant-serving organizations.
#[derive(Debug, Parser)]
#[command(name = "partnersim", version, about, long_about = None, after_help = "Exit codes: 0 success, 1 a run failed, 2 bad input (scenario, flags, output directory), 130 interrupted (resume with --resume).")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Most work one command may do, in ISO-months (model runs x simulated months x ISOs; about 3e6 per core-second). Work above it is refused before it starts.
    #[arg(long, global = true, value_name = "ISO_MONTHS", default_value = "5e11")]
    pub max_work: String,
    /// Most memory one command may hold at once, estimated before it starts (e.g. 4GB, 16GB).
    #[arg(long, global = true, value_name = "BYTES", default_value = "4GB")]
    pub max_memory: String,
}

impl Cli {
    /// The work budget the flags give.
    pub fn budget(&self) -> Result<partnersim::job::budget::Budget, partnersim::error::BadInput> {
        use partnersim::job::budget::{parse_amount, Budget};
        Ok(Budget {
            max_work: parse_amount("--max-work", &self.max_work)?,
            max_memory: parse_amount("--max-memory", &self.max_memory)?,
        })
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run N replications of a scenario in parallel and write CSV results.
    #[command(
        after_help = "Example:\n  partnersim run scenarios/baseline.toml --reps 200 --seed 42 --set funders.federal.contract_months=36\n\nOutputs in DIR (default output/<scenario name>/; with --set the name says what was overridden): replications.csv, timeseries.csv, summary.csv, scenario.resolved.toml, manifest.json (written last), plots/."
    )]
    Run(RunArgs),
    /// Run several scenarios on common random numbers and compare them with the first (or --baseline).
    #[command(
        after_help = "Examples:\n  partnersim compare scenarios/baseline.toml scenarios/multi_year_core.toml --reps 200\n  partnersim compare scenarios/baseline.toml --variant federal36:funders.federal.contract_months=36\n\nWrites DIR/comparison.csv, DIR/compare.json, one run directory per scenario, plots, report.html and manifest.json."
    )]
    Compare(CompareArgs),
    /// Check a scenario file and print it fully resolved (defaults filled in), or with --diff only what it changes.
    #[command(
        after_help = "Examples:\n  partnersim validate scenarios/prompt_payment.toml\n  partnersim validate --diff scenarios/core_on_time.toml"
    )]
    Validate {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Override a parameter, as in `run`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Print only the parameters that differ from the defaults, each with the default and
        /// the file:line that sets it (following `extends`), and the timeline's events.
        #[arg(long)]
        diff: bool,
    },
    /// List the parameters: path, unit, default, allowed range, description, source.
    #[command(
        after_help = "Examples:\n  partnersim params --format csv > params.csv\n  partnersim params federal          # every path containing `federal`\n  partnersim params 'funders.*.core_share'"
    )]
    Params {
        /// Only the parameters whose dotted path contains PATTERN (case-insensitive), or matches
        /// it as a glob when it has `*`, `?` or `[` (`*` also crosses dots).
        #[arg(value_name = "PATTERN")]
        pattern: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
    },
    /// List every metric: name, unit, summary rule (how months reduce to a replication's value), description.
    #[command(after_help = "Example:\n  partnersim metrics --format csv > metrics.csv")]
    Metrics {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
    },
    /// Measure the effects quoted in docs/ODD.md §1.2 again from the shipped scenarios: paired differences with 95% intervals (Monte Carlo only).
    #[command(
        after_help = "Example:\n  partnersim patterns --reps 100 --seed 42\n\nThe ODD's table is this command's Markdown output at its defaults (`cargo run --release --example odd_tables` writes it into docs/ODD.md)."
    )]
    Patterns {
        /// Folder holding the scenario files the effects name.
        #[arg(long, default_value = "scenarios", value_name = "DIR")]
        scenarios: PathBuf,
        /// Replications per scenario.
        #[arg(long, default_value_t = partnersim::studies::patterns::ODD_REPS, value_name = "N")]
        reps: u64,
        /// Master seed.
        #[arg(long, default_value_t = partnersim::studies::patterns::ODD_SEED, value_name = "S")]
        seed: u64,
        /// Worker threads (default: all cores; at most 4 per core). Results do not depend on it.
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
    },
    /// Re-draw every plot (and report.html of a comparison or exploration) of a finished run, comparison, sweep, exploration or calibration from its files, without re-running.
    #[command(after_help = "Example:\n  partnersim plot output/comparison")]
    Plot {
        /// A finished run, comparison, sweep, exploration or calibration directory.
        dir: PathBuf,
    },
    /// Run a sensitivity sweep (grid, lhs, morris, sobol) described by a sweep file.
    #[command(
        after_help = "Example:\n  partnersim sweep scenarios/sweeps/funding_regime_morris.toml --threads 2"
    )]
    Sweep(SweepCliArgs),
    /// Run every regime in every sampled state of the world: robustness, regret, satisficing and PRIM scenario discovery.
    #[command(
        after_help = "Example:\n  partnersim explore scenarios/explore/funding_regimes.toml --threads 2"
    )]
    Explore(ExploreCliArgs),
    /// Fit parameters to sourced figures by approximate Bayesian computation (ABC-SMC); writes a weighted posterior.
    #[command(
        after_help = "Example:\n  partnersim calibrate scenarios/calibration/canada.toml --threads 2 --ship scenarios/calibration/canada_posterior.csv\n\nOutputs in DIR (default output/calibration/<name>/): posterior.csv, generations.csv, targets.csv, plots/, manifest.json (written last). Use the posterior with `partnersim compare ... --posterior DIR/posterior.csv`."
    )]
    Calibrate(CalibrateCliArgs),
    /// Merge shard directories of one run, sweep or exploration into the single-machine result.
    #[command(
        after_help = "Example:\n  partnersim merge output/shards/1 output/shards/2 --out output/baseline"
    )]
    Merge {
        /// Shard directories (each written by `run`, `sweep` or `explore` with `--shard I/N`).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace whatever result DIR holds (everything in it is deleted).
        #[arg(long)]
        force: bool,
    },
    /// Serve the classroom page: lessons, sliders and live charts in a browser (local only by default).
    #[command(
        after_help = "Example:\n  partnersim serve --port 8080 --open\n\nPrints the page's address; Ctrl-C stops the server."
    )]
    Serve(ServeCliArgs),
    /// Measure throughput: replications per second, ISO-months per second per core, parallel speedup, peak memory.
    #[command(after_help = "Example:\n  partnersim bench scenarios/baseline.toml --reps 64")]
    Bench {
        /// Scenario file (default: built-in defaults).
        file: Option<PathBuf>,
        /// Replications per measurement.
        #[arg(long, default_value_t = 64)]
        reps: u64,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    #[command(
        after_help = "Examples:\n  partnersim completions bash > ~/.local/share/bash-completion/completions/partnersim\n  partnersim completions zsh > ~/.zfunc/_partnersim     # with fpath+=(~/.zfunc) in .zshrc\n  partnersim completions fish > ~/.config/fish/completions/partnersim.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout, or with --dir write one page per subcommand.
    #[command(
        after_help = "Examples:\n  partnersim man | man -l -\n  partnersim man --dir ~/.local/share/man/man1     # partnersim.1, partnersim-run.1, ..."
    )]
    Man {
        /// Write partnersim.1 and one partnersim-<command>.1 per subcommand into DIR (created if missing).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// What the binary does: a library command, or a text generated from these definitions.
#[derive(Debug)]
pub enum Action {
    /// a subcommand of the library
    Library(Cmd),
    /// `completions SHELL`
    Completions(clap_complete::Shell),
    /// `man [--dir DIR]`
    Man(Option<PathBuf>),
}

/// Writes the completion script of `shell` for the whole command line.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "partnersim", out);
}

/// The manual pages: `partnersim.1` (every subcommand listed) and, with `all`, one page per
/// subcommand (`partnersim-run.1`, ...), as (file name, roff text).
pub fn man_pages(all: bool) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    let mut render = |c: clap::Command| -> std::io::Result<()> {
        let man = clap_mangen::Man::new(c);
        let mut text = Vec::new();
        man.render(&mut text)?;
        pages.push((man.get_filename(), text));
        Ok(())
    };
    render(cmd.clone())?;
    if all {
        // after `build`, a subcommand's display name is `partnersim-<name>`
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            render(sub.clone())?;
        }
    }
    Ok(pages)
}

/// Formats for `params` and `metrics`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Markdown table
    Markdown,
    /// CSV with a header row
    Csv,
}

impl From<Format> for TableFormat {
    fn from(f: Format) -> TableFormat {
        match f {
            Format::Markdown => TableFormat::Markdown,
            Format::Csv => TableFormat::Csv,
        }
    }
}

/// How far `compare --assumptions` goes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AssumptionDepth {
    /// no assumption runs
    None,
    /// the six most consequential assumptions, then the top three jointly
    Top,
    /// every assumption of the ledger, then the top three jointly
    All,
}

impl From<AssumptionDepth> for partnersim::studies::assumptions::Depth {
    fn from(d: AssumptionDepth) -> partnersim::studies::assumptions::Depth {
        match d {
            AssumptionDepth::None => partnersim::studies::assumptions::Depth::None,
            AssumptionDepth::Top => partnersim::studies::assumptions::Depth::Top,
            AssumptionDepth::All => partnersim::studies::assumptions::Depth::All,
        }
    }
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
    /// Worker threads (default: all cores; at most 4 per core). Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Override a parameter by dotted path, validated like a value in the file (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Continue an interrupted run in the same output directory (finished chunks are reused).
    #[arg(long)]
    pub resume: bool,
    /// Replace whatever result the output directory holds (everything in it is deleted).
    #[arg(long)]
    pub force: bool,
}

impl From<CommonRunArgs> for RunFlags {
    fn from(c: CommonRunArgs) -> RunFlags {
        RunFlags {
            reps: c.reps,
            seed: c.seed,
            threads: c.threads,
            set: c.set,
            quiet: c.quiet,
            resume: c.resume,
            force: c.force,
        }
    }
}

/// `run` flags.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Output directory (default: output/<scenario name>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Name of a run with --set overrides (default: the scenario's name and the overrides, e.g. baseline+federal.contract_months=36).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Compute only a slice: `I/N` (1-based) or `auto` (from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with PARTNERSIM_SHARDS).
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Draw no plots (batch use: the CSV files and the manifest only).
    #[arg(long)]
    pub no_plots: bool,
    /// Write no timeseries.csv and keep no month-by-month statistics (batch use: replications.csv and summary.csv only); implies --no-plots.
    #[arg(long)]
    pub no_timeseries: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonRunArgs,
}

/// `compare` flags.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files (TOML); the first is the baseline unless --baseline names another. Other files (a group's about.md) are skipped.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// A command-line variant of the baseline, compared as one more scenario: NAME:KEY=VALUE[,KEY=VALUE...] (repeatable).
    #[arg(long = "variant", value_name = "NAME:KEY=VALUE,...")]
    pub variants: Vec<String>,
    /// Name of the baseline scenario.
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// Output directory (default: output/comparison/, or output/<group>/ for a classroom group).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A calibration's posterior.csv (from `partnersim calibrate` on the baseline scenario): report each effect at the posterior mean (Monte Carlo interval) and over posterior draws (parameter and Monte Carlo interval).
    #[arg(long, value_name = "FILE")]
    pub posterior: Option<PathBuf>,
    /// Posterior draws with --posterior (default 20); each runs every regime for --reps replications.
    #[arg(long, value_name = "K")]
    pub draws: Option<usize>,
    /// Where the regimes start: `present` (default, unless a classroom group's about.md says `<!-- start: steady -->`: the baseline warms up once and every regime switches on at month 0 from its state, "a policy changed today") or `steady` (every regime warms up under its own rules, "a world that always had it").
    #[arg(long, value_name = "present|steady")]
    pub start: Option<String>,
    /// What would change each answer: re-estimate every headline effect with each assumption of the ledger (`partnersim params`) the regime does not set at the low and high ends of its range, one at a time on the same random numbers, then the few that matter most jointly. `top` (default): the six most consequential assumptions, at most 20 replications per variant; `all`: every assumption (costly); `none`: skip.
    #[arg(long, value_enum, value_name = "none|top|all", default_value = "top")]
    pub assumptions: AssumptionDepth,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonRunArgs,
}

/// `serve` flags.
#[derive(Debug, Args)]
pub struct ServeCliArgs {
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. The default serves this computer only; another address (e.g.
    /// 0.0.0.0 for a classroom network) lets other computers in.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub host: String,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Folder of classroom groups (subfolders with an about.md and scenario files).
    #[arg(long, default_value = "scenarios/classroom", value_name = "DIR")]
    pub lessons: PathBuf,
    /// Levers file (default: the built-in levers; the format is that of src/serve/levers.toml).
    #[arg(long, value_name = "FILE")]
    pub levers: Option<PathBuf>,
    /// Replications per run (2 to 256): enough for stable bands, few enough to answer a slider
    /// move in well under a second.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub reps: u64,
    /// Master seed of every run (runs are paired with the baseline on it).
    #[arg(long, default_value_t = 42, value_name = "S")]
    pub seed: u64,
    /// Worker threads for the model (default: all cores; at most 4 per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

impl From<JobCliArgs> for commands::shared::JobArgs {
    fn from(a: JobCliArgs) -> Self {
        commands::shared::JobArgs {
            seed: a.seed,
            threads: a.threads,
            quiet: a.quiet,
            resume: a.resume,
            force: a.force,
        }
    }
}

/// The flags every batch job from a file shares (`sweep`, `explore`, `calibrate`).
#[derive(Debug, Args)]
pub struct JobCliArgs {
    /// Override the file's master seed, from which every random stream of the job derives.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores; at most 4 per core). Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Continue an interrupted job in the same output directory (the work it saved is reused).
    #[arg(long)]
    pub resume: bool,
    /// Replace whatever result the output directory holds (everything in it is deleted).
    #[arg(long)]
    pub force: bool,
}

/// `sweep` flags.
#[derive(Debug, Args)]
pub struct SweepCliArgs {
    /// Sweep file (TOML).
    pub file: PathBuf,
    /// Output directory (default: output/sweeps/<file stem>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override the sweep file's design_seed: hold the design fixed while --seed changes only the replications' luck.
    #[arg(long, value_name = "S")]
    pub design_seed: Option<u64>,
    #[command(flatten)]
    pub job: JobCliArgs,
    /// Compute only a slice of the points: `I/N` (1-based) or `auto` (from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with PARTNERSIM_SHARDS); combine with `partnersim merge`.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Points per chunk, the unit saved to disk and redone after an interruption (default: about 4096 model runs per chunk). Results do not depend on it, but a resume needs the same value.
    #[arg(long, value_name = "N")]
    pub chunk_points: Option<usize>,
}

/// `explore` flags.
#[derive(Debug, Args)]
pub struct ExploreCliArgs {
    /// Explore file (TOML).
    pub file: PathBuf,
    /// Output directory (default: output/explore/<file stem>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub job: JobCliArgs,
    /// Compute only a slice of the states: `I/N` (1-based) or `auto` (as for `sweep`); combine with `partnersim merge`.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// States per chunk, the unit saved to disk and redone after an interruption (default: about 2048 model runs per chunk). Results do not depend on it, but a resume needs the same value.
    #[arg(long, value_name = "N")]
    pub chunk_states: Option<usize>,
    /// A calibration's posterior.csv: its calibrated parameters are drawn by weight into the states, beside the file's uncertainties (regimes that set one themselves keep their value).
    #[arg(long, value_name = "FILE")]
    pub posterior: Option<PathBuf>,
    /// Where the regimes start, overriding the file's `start`: `present` (default: in each state the first regime warms up once and every regime switches on at month 0 from its state) or `steady` (every regime warms up under its own rules).
    #[arg(long, value_name = "present|steady")]
    pub start: Option<String>,
}

/// `calibrate` flags.
#[derive(Debug, Args)]
pub struct CalibrateCliArgs {
    /// Calibration file (TOML).
    pub file: PathBuf,
    /// Output directory (default: output/calibration/<name>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write the posterior as one self-describing file (e.g. scenarios/calibration/canada_posterior.csv): posterior.csv after lines naming the calibration, its base scenario and hash, the partnersim version and a fingerprint of the model; `compare --posterior` and `explore --posterior` read it alone.
    #[arg(long, value_name = "FILE")]
    pub ship: Option<PathBuf>,
    #[command(flatten)]
    pub job: JobCliArgs,
}

impl Command {
    /// What to do: the library's command, or a text generated from these definitions.
    pub fn into_action(self) -> Action {
        Action::Library(match self {
            Command::Completions { shell } => return Action::Completions(shell),
            Command::Man { dir } => return Action::Man(dir),
            Command::Run(a) => Cmd::Run(commands::run::Args {
                file: a.file,
                out: a.out,
                name: a.name,
                shard: a.shard,
                no_plots: a.no_plots,
                no_timeseries: a.no_timeseries,
                flags: a.common.into(),
            }),
            Command::Compare(a) => Cmd::Compare(Box::new(commands::compare::Args {
                files: a.files,
                variants: a.variants,
                baseline: a.baseline,
                out: a.out,
                flags: a.common.into(),
                posterior: a.posterior,
                draws: a.draws,
                start: a.start,
                assumptions: a.assumptions.into(),
            })),
            Command::Validate { file, set, diff } => {
                Cmd::Validate(commands::validate::Args { file, set, diff })
            }
            Command::Params { pattern, format } => Cmd::Params(commands::params::Args {
                pattern,
                format: format.into(),
            }),
            Command::Metrics { format } => Cmd::Metrics(commands::metrics::Args {
                format: format.into(),
            }),
            Command::Patterns {
                scenarios,
                reps,
                seed,
                threads,
                format,
            } => Cmd::Patterns(commands::patterns::Args {
                scenarios,
                reps,
                seed,
                threads,
                format: format.into(),
            }),
            Command::Plot { dir } => Cmd::Plot(commands::plot::Args { dir }),
            Command::Sweep(a) => Cmd::Sweep(commands::sweep::Args {
                file: a.file,
                out: a.out,
                design_seed: a.design_seed,
                job: a.job.into(),
                shard: a.shard,
                chunk_points: a.chunk_points,
            }),
            Command::Explore(a) => Cmd::Explore(commands::explore::Args {
                file: a.file,
                out: a.out,
                job: a.job.into(),
                shard: a.shard,
                chunk_states: a.chunk_states,
                posterior: a.posterior,
                start: a.start,
            }),
            Command::Calibrate(a) => Cmd::Calibrate(commands::calibrate::Args {
                file: a.file,
                out: a.out,
                ship: a.ship,
                job: a.job.into(),
            }),
            Command::Merge { dirs, out, force } => {
                Cmd::Merge(commands::merge::Args { dirs, out, force })
            }
            Command::Serve(a) => Cmd::Serve(commands::serve::Args {
                port: a.port,
                host: a.host,
                open: a.open,
                lessons: a.lessons,
                levers: a.levers,
                reps: a.reps,
                seed: a.seed,
                threads: a.threads,
            }),
            Command::Bench { file, reps } => Cmd::Bench(commands::bench::Args { file, reps }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
