//! Shared helpers: scenario paths, running arms on common random numbers,
//! paired checks of an effect's direction, and command-line plumbing.

#![allow(dead_code)]

use partnersim::input::scenario::Scenario;
use partnersim::metrics::{metric_index, MonthRecord, METRICS};
use partnersim::model::{Config, Model};
use partnersim::stats::{paired, Paired};
use std::path::{Path, PathBuf};

/// Master seed of every in-process comparison.
pub const SEED: u64 = 20_240_611;

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped scenario file, by file stem.
pub fn scenario_path(stem: &str) -> PathBuf {
    root().join("scenarios").join(format!("{stem}.toml"))
}

/// Loads a shipped scenario, panicking with the error text.
pub fn load(stem: &str) -> Scenario {
    let p = scenario_path(stem);
    Scenario::load(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Loads a shipped scenario and applies overrides.
pub fn load_with(stem: &str, sets: &[&str]) -> Scenario {
    let mut s = load(stem);
    for o in sets {
        s.apply_override(o).unwrap_or_else(|e| panic!("{o}: {e}"));
    }
    s
}

/// The engine configuration of a scenario.
pub fn config(s: &Scenario) -> Config {
    s.config()
}

/// Per-replication summaries of replications `0..reps` under [`SEED`].
pub fn summaries(s: &Scenario, reps: u64) -> Vec<MonthRecord> {
    let cfg = config(s);
    (0..reps)
        .map(|r| Model::new(&cfg, SEED, r).run().summary)
        .collect()
}

/// Index of a metric, panicking on a typo.
pub fn idx(name: &str) -> usize {
    metric_index(name).unwrap_or_else(|| panic!("no metric named {name}"))
}

/// One metric's column of a set of summaries.
pub fn column(rows: &[MonthRecord], name: &str) -> Vec<f64> {
    let j = idx(name);
    rows.iter().map(|r| r[j]).collect()
}

/// Expected direction of an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// scenario above baseline
    Up,
    /// scenario below baseline
    Down,
}

impl Dir {
    /// The other direction.
    pub fn opposite(self) -> Dir {
        match self {
            Dir::Up => Dir::Down,
            Dir::Down => Dir::Up,
        }
    }
}

/// Two arms (scenario, baseline) run on the same seed and replication indices.
pub struct Arms {
    /// label of the scenario arm
    pub label: String,
    /// label of the baseline arm
    pub base_label: String,
    /// scenario summaries
    pub a: Vec<MonthRecord>,
    /// baseline summaries
    pub b: Vec<MonthRecord>,
}

impl Arms {
    /// Runs both arms on common random numbers.
    pub fn run(a: &Scenario, b: &Scenario, reps: u64) -> Arms {
        Arms {
            label: a.name.clone(),
            base_label: b.name.clone(),
            a: summaries(a, reps),
            b: summaries(b, reps),
        }
    }

    /// Paired statistics of one metric.
    pub fn paired(&self, metric: &str) -> Paired {
        paired(&column(&self.a, metric), &column(&self.b, metric))
    }

    /// Asserts the 95% CI of the mean paired difference excludes zero in direction `dir`.
    pub fn expect(&self, metric: &str, dir: Dir) -> Paired {
        let p = self.paired(metric);
        let ok = match dir {
            Dir::Up => p.diff_ci95_low > 0.0,
            Dir::Down => p.diff_ci95_high < 0.0,
        };
        assert!(
            ok,
            "{} vs {}: expected {metric} {dir:?}, got diff {:.6} (95% CI {:.6}..{:.6}; means {:.6} vs {:.6}; n = {})",
            self.label,
            self.base_label,
            p.diff_mean,
            p.diff_ci95_low,
            p.diff_ci95_high,
            p.mean,
            p.baseline_mean,
            self.a.len()
        );
        p
    }
}

/// Every metric name.
pub fn metric_names() -> Vec<&'static str> {
    METRICS.iter().map(|m| m.name).collect()
}

/// The `partnersim` binary as an assert_cmd command.
pub fn bin() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("partnersim").expect("partnersim binary")
}

/// The `partnersim` binary as a std command (for spawning and signalling).
pub fn std_bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_partnersim"))
}

/// Tiny run sizes for command-line tests.
pub const TINY: [&str; 4] = [
    "--set",
    "simulation.duration_months=12",
    "--set",
    "simulation.isos=5",
];

/// A file's bytes, panicking with the path.
pub fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A file's text, panicking with the path.
pub fn read_text(p: &Path) -> String {
    String::from_utf8(read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The three data files of a finished run.
pub const DATA_FILES: [&str; 3] = ["replications.csv", "timeseries.csv", "summary.csv"];

/// Asserts two run directories hold byte-identical data files.
pub fn assert_same_data(a: &Path, b: &Path) {
    for f in DATA_FILES {
        let (x, y) = (read(&a.join(f)), read(&b.join(f)));
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Text of a command's stderr.
pub fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Text of a command's stdout.
pub fn stdout_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
