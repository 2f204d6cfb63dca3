//! Running an exploration: states → a [`crate::job`] job of states → the outcome table (as chunks
//! arrive) → robustness, ranking and PRIM boxes → files, manifest, headline. Merging shards goes
//! the same way from the shards' chunks.

use super::job::{ExploreIdentity, ExploreJob};
use super::output;
use super::prim::{self, Dim};
use super::results::{Details, Discovery, ExploreOutcome};
use super::robust::{self, Table};
use super::spec::{Case, Discover, ExploreSpec};
use super::states::States;
use crate::error::BadInput;
use crate::job::exec::{self, Merge, Options, Status};
use crate::job::manifest::{Clock, Manifest, Provenance};
use crate::job::shard::Shard;
use crate::job::threads::Threads;
use crate::job::{Identity, Job};
use anyhow::Result;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How to run an exploration (the shared batch options of the job core).
pub type ExploreOptions = crate::job::exec::BatchOptions;

/// How an exploration invocation ended.
#[derive(Debug, Clone)]
pub enum ExploreStatus {
    /// every state is done and the files are written
    Finished(Box<ExploreOutcome>),
    /// stopped by Ctrl-C / SIGTERM after a finished chunk; `--resume` continues
    Interrupted {
        /// states saved
        saved: u64,
        /// states in this invocation's range
        total: u64,
    },
    /// a shard finished its states and wrote its record
    Shard {
        /// the shard
        shard: Shard,
        /// its states
        states: Range<u64>,
    },
}

/// The states of `spec` with `seed`: a Latin hypercube of its uncertainties. (Posterior draws
/// would come in here, as [`States::from_draws`].)
pub fn lhs_states(spec: &ExploreSpec, seed: u64) -> States {
    States::lhs(&spec.uncertainties, spec.states, seed)
}

/// Runs a validated exploration in `states` into `out` with `seed`.
pub fn run(
    spec: &ExploreSpec,
    states: &States,
    out: &Path,
    seed: u64,
    opts: &ExploreOptions,
) -> Result<ExploreStatus> {
    let clock = Clock::start();
    if opts.chunk_items == Some(0) {
        return Err(BadInput::err("--chunk-states 0: must be at least 1"));
    }
    crate::job::budget::Budget::current().check(&spec.estimate(states.n))?;
    let job = ExploreJob::new(spec, states, seed, opts.chunk_items);
    job.check_states()?;
    job.check_present()?;
    let inputs = vec![
        spec.file.display().to_string(),
        spec.file
            .canonicalize()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    ];
    let runs = (states.n * spec.regimes.len()) as u64;
    let eopts = Options {
        resume: opts.resume,
        force: opts.force,
        shard: opts.shard,
        quiet: opts.quiet,
        label: "explore".into(),
        output_bytes: runs * (states.k() + spec.outcomes.len() + 2) as u64 * 24,
        inputs,
        ..Options::new(opts.threads)
    };
    let execution = exec::start(&job, out, &eopts)?;
    let mut table = empty_table(spec, states);
    let status = match opts.shard {
        Some(_) => execution.run(None)?,
        None => execution.run(Some(&mut |items, v: &[f64]| fill(&mut table, items, v)))?,
    };
    match status {
        Status::Complete { computed, threads } if opts.shard.is_none() => {
            let provenance =
                Provenance::computed(&opts.command, threads, states.n as u64, computed);
            let o = finish(&job, table, out, provenance, clock)?;
            Ok(ExploreStatus::Finished(Box::new(o)))
        }
        Status::Complete { .. } => {
            anyhow::bail!("internal error: an exploration shard ended as a complete exploration")
        }
        Status::ShardDone { shard, items, .. } => Ok(ExploreStatus::Shard {
            shard,
            states: items,
        }),
        Status::Interrupted { saved, total } => Ok(ExploreStatus::Interrupted { saved, total }),
    }
}

/// [`run`] straight through on the Latin hypercube (no resume, no shard), for tests and library
/// use.
pub fn run_spec(
    spec: &ExploreSpec,
    out: &Path,
    seed: u64,
    threads: Option<usize>,
) -> Result<ExploreOutcome> {
    let states = lhs_states(spec, seed);
    let opts = ExploreOptions::new(Threads::new(threads)?);
    match run(spec, &states, out, seed, &opts)? {
        ExploreStatus::Finished(o) => Ok(*o),
        _ => anyhow::bail!(
            "exploration interrupted; finished chunks are saved in {}: resume to continue",
            out.display()
        ),
    }
}

fn empty_table(spec: &ExploreSpec, states: &States) -> Table {
    let (g, o) = (spec.regimes.len(), spec.outcomes.len());
    Table {
        n: states.n,
        regimes: g,
        outcomes: o,
        values: vec![f64::NAN; states.n * g * o],
    }
}

fn fill(t: &mut Table, items: Range<u64>, v: &[f64]) -> Result<()> {
    let per = t.regimes * t.outcomes;
    let start = items.start as usize * per;
    let dest = t
        .values
        .get_mut(start..start + v.len())
        .ok_or_else(|| anyhow::anyhow!("internal error: chunk {items:?} outside the states"))?;
    dest.copy_from_slice(v);
    Ok(())
}

/// The PRIM dimensions of the states.
pub fn dims(states: &States) -> Vec<Dim> {
    (0..states.k())
        .map(|d| Dim {
            name: states.paths[d].clone(),
            min: states.ranges[d].0,
            max: states.ranges[d].1,
            whole: states.whole(d),
        })
        .collect()
}

/// Whether state `s` is a case of `d`.
pub fn is_case(spec: &ExploreSpec, t: &Table, d: &Discover, s: usize) -> bool {
    let g = d.regime;
    match d.case {
        Case::Fails => !t.satisfies(s, g, &spec.outcomes),
        Case::Below { outcome, value } => t.get(s, g, outcome) < value,
        Case::Above { outcome, value } => t.get(s, g, outcome) > value,
        Case::WorseThan { outcome, other, by } => {
            let dir = spec.outcomes[outcome].direction;
            dir.shortfall(t.get(s, other, outcome), t.get(s, g, outcome)) > by
        }
    }
}

/// Runs every `[[discover]]` of `spec` on the table.
pub fn discover_all(
    spec: &ExploreSpec,
    states: &States,
    t: &Table,
    seed: u64,
) -> Result<Vec<Discovery>> {
    let dims = dims(states);
    spec.discover
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let cases: Vec<bool> = (0..t.n).map(|s| is_case(spec, t, d, s)).collect();
            let count = cases.iter().filter(|&&c| c).count();
            let found = if count == 0 || count == t.n {
                None
            } else {
                let key = seed.wrapping_add(0x7072_696d_0000_0000 + i as u64);
                Some(prim::discover(&states.values, &dims, &cases, &d.prim, key)?)
            };
            Ok(Discovery {
                discover: d.clone(),
                cases,
                found,
            })
        })
        .collect()
}

fn finish(
    job: &ExploreJob<'_>,
    table: Table,
    out: &Path,
    provenance: Provenance,
    clock: Clock,
) -> Result<ExploreOutcome> {
    if table.values.iter().any(|v| v.is_nan()) {
        anyhow::bail!("internal error: some states have no outcomes after the run");
    }
    let mut o = analyse(job, table, out)?;
    output::write_files(&o, out)?;
    let details = Details {
        identity: job.id.clone(),
        chunk_states: job.chunk_states,
        bootstrap: o.robustness.bootstrap,
        headline: o.headline(),
    };
    let files = output::FILES.map(String::from).to_vec();
    Manifest::new(ExploreJob::KIND, provenance, clock, files, details).write_last(out)?;
    o.wall_seconds = clock.seconds();
    Ok(o)
}

/// The outcome of a finished exploration in `dir`, rebuilt from its files without running the
/// model (for `partnersim plot`): the explore file is found among the arguments of the recorded
/// command line (its bytes must hash as recorded), the Latin-hypercube states are drawn again
/// (their digest must match) and the outcome values are read back from `experiments.csv`
/// (written in Rust's round-trip form, so the analysis is the same).
pub fn reload(dir: &Path) -> Result<ExploreOutcome> {
    use sha2::{Digest, Sha256};
    let m: Manifest<Details> = Manifest::read(dir)?;
    let id = &m.details.identity;
    let hash = |p: &Path| {
        crate::input::tomlfile::read_bytes(p).ok().map(|b| {
            Sha256::digest(&b)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect::<String>()
        })
    };
    let file = m
        .command
        .split_whitespace()
        .map(|a| PathBuf::from(a.trim_matches('\'')))
        .find(|p| {
            p.extension().is_some_and(|x| x == "toml")
                && hash(p).as_deref() == Some(id.explore_file_sha256.as_str())
        })
        .ok_or_else(|| {
            BadInput::err(format!(
                "{}: cannot find the explore file this result was computed from (the command was `{}`); run `partnersim plot` where that command ran, with the file unchanged",
                dir.display(),
                crate::input::tomlfile::clip(&m.command)
            ))
        })?;
    let spec = ExploreSpec::load(&file)?;
    if id.states_origin != "lhs" {
        return Err(BadInput::err(format!(
            "{}: its states came from {}; redrawing is supported for Latin-hypercube states (run the exploration again)",
            dir.display(),
            id.states_origin
        )));
    }
    let states = lhs_states(&spec, id.seed);
    let job = ExploreJob::new(&spec, &states, id.seed, None);
    if let Some(what) = job.id.differs(id) {
        return Err(BadInput::err(format!(
            "{}: the exploration (or a scenario it names) changed since it ran ({what})",
            file.display()
        )));
    }
    let p = dir.join("experiments.csv");
    let mut table = empty_table(&spec, &states);
    let o = spec.outcomes.len();
    let mut r = csv::Reader::from_path(&p)
        .map_err(|e| BadInput::err(format!("{}: cannot read: {e}", p.display())))?;
    let mut rows = 0usize;
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| BadInput::err(format!("{}: {e}", p.display())))?;
        let first = rec.len().saturating_sub(o);
        let dest = table.values.get_mut(i * o..(i + 1) * o).ok_or_else(|| {
            BadInput::err(format!("{}: more rows than states x regimes", p.display()))
        })?;
        for (k, d) in dest.iter_mut().enumerate() {
            let cell = rec.get(first + k).unwrap_or("");
            *d = if cell.is_empty() {
                f64::NAN
            } else {
                cell.parse().map_err(|_| {
                    BadInput::err(format!(
                        "{}:{}: `{}` is not a number",
                        p.display(),
                        i + 2,
                        crate::input::tomlfile::clip(cell)
                    ))
                })?
            };
        }
        rows += 1;
    }
    if rows != states.n * spec.regimes.len() {
        return Err(BadInput::err(format!(
            "{}: {rows} rows, not {} states x {} regimes",
            p.display(),
            states.n,
            spec.regimes.len()
        )));
    }
    analyse(&job, table, dir)
}

/// The analysis of a finished table: robustness and discoveries.
fn analyse(job: &ExploreJob<'_>, table: Table, out: &Path) -> Result<ExploreOutcome> {
    let spec = job.spec;
    let seed = job.id.seed;
    let robustness = robust::robustness(&table, &spec.outcomes, spec.bootstrap, seed);
    let discoveries = discover_all(spec, job.states, &table, seed)?;
    Ok(ExploreOutcome {
        spec: spec.clone(),
        states: job.states.clone(),
        table,
        robustness,
        discoveries,
        dims: dims(job.states),
        seed,
        dir: out.to_path_buf(),
        wall_seconds: 0.0,
    })
}

/// Merges exploration shard directories into `out`: checks they belong to one exploration and
/// cover every state exactly once, reloads the explore file they record (it must be unchanged),
/// then computes the final outputs exactly as a single-machine run would.
pub fn merge(
    shard_dirs: &[PathBuf],
    out: &Path,
    force: bool,
    command: &str,
) -> Result<ExploreOutcome> {
    let clock = Clock::start();
    let m = Merge::<ExploreIdentity>::read(ExploreJob::KIND, ExploreJob::ITEM, shard_dirs)?;
    let id = &m.job.identity;
    let (file, as_given) = m.input_file(
        "the explore file",
        "; run merge where it and its scenarios are at the same paths",
    )?;
    let mut spec = ExploreSpec::load(&file)?;
    spec.file = PathBuf::from(&as_given);
    // the start the shards ran with (`--start` may have overridden the file's)
    spec.start = id.start;
    if id.states_origin != "lhs" {
        return Err(BadInput::err(format!(
            "the shards ran on states from {}; merging is supported for Latin-hypercube states",
            id.states_origin
        )));
    }
    let states = lhs_states(&spec, id.seed);
    let job = ExploreJob::new(&spec, &states, id.seed, Some(m.job.chunk_items as usize));
    m.unchanged(&file, "the exploration (or a scenario it names)", &job.id)?;
    m.prepare(out, force)?;
    let mut table = empty_table(&spec, &states);
    m.fold(&mut |items, v: &[f64]| fill(&mut table, items, v))?;
    let provenance = m.provenance(command, states.n as u64);
    finish(&job, table, out, provenance, clock)
}
