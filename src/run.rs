//! Monte Carlo runs: replications in parallel, stored in chunks, aggregated in order.
//!
//! Replication `i` of a run is a function of (scenario, seed, i) only: it
//! draws from the streams of [`crate::model::rng`]. Replications are computed
//! in chunks of [`CHUNK_REPS`]; each finished chunk is written atomically to
//! `<out>/.chunks/` before the next starts. Final outputs are aggregated by
//! reading the chunks in replication order on one thread, so they are
//! byte-identical at any thread count, after any interruption and resume
//! (`--resume` reuses finished chunks: at most one chunk is redone), and when
//! shards computed on different machines are merged ([`merge`]).
//!
//! Memory: one chunk of full time series, the per-replication summary rows,
//! and one bounded quantile sketch per (month, metric).

use crate::export::{self, write_atomic};
use crate::metrics::{MonthRecord, METRICS, N_METRICS};
use crate::model::{Config, Model, ReplicationOutput};
use crate::scenario::Scenario;
use crate::stats::{mean_ci95, quantile_sorted, QuantileSketch, Welford};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Replications per chunk (the unit of work saved to disk and of resume).
pub const CHUNK_REPS: u64 = 64;
/// Values each quantile sketch holds exactly before it starts compacting.
pub const SKETCH_K: usize = 200;
/// Largest number of replications one run accepts.
pub const MAX_REPS: u64 = 10_000_000;
/// Largest total work one run accepts, in ISO-months (about 40 core-days at 3 million ISO-months
/// per second per core); larger runs are refused up front with an estimate.
pub const MAX_ISO_MONTHS: f64 = 1.0e13;

/// Set by a Ctrl-C / SIGTERM handler; runs stop after the current chunk.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// replications
    pub reps: u64,
    /// master seed
    pub seed: u64,
    /// worker threads (None = all cores)
    pub threads: Option<usize>,
    /// no progress bar
    pub quiet: bool,
    /// continue an interrupted run in the same directory
    pub resume: bool,
    /// replace results of a different run
    pub force: bool,
    /// compute only shard I of N (1-based I)
    pub shard: Option<(u64, u64)>,
    /// the command line, recorded in the manifest
    pub command: String,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            reps: 100,
            seed: 42,
            threads: None,
            quiet: true,
            resume: false,
            force: false,
            shard: None,
            command: String::new(),
        }
    }
}

/// What identifies a run's results: two directories with the same identity hold the same numbers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunIdentity {
    /// always "partnersim"
    pub tool: String,
    /// crate version
    pub version: String,
    /// scenario name
    pub scenario_name: String,
    /// SHA-256 of the resolved scenario values
    pub scenario_hash: String,
    /// master seed
    pub seed: u64,
    /// replications
    pub reps: u64,
    /// months per replication
    pub months: u32,
    /// metric names in record order
    pub metrics: Vec<String>,
    /// replications per chunk
    pub chunk_reps: u64,
}

impl RunIdentity {
    /// The identity of running `scenario` with `opts`.
    pub fn new(scenario: &Scenario, opts: &RunOptions) -> Self {
        RunIdentity {
            tool: "partnersim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            scenario_name: scenario.name.clone(),
            scenario_hash: scenario.content_hash(),
            seed: opts.seed,
            reps: opts.reps,
            months: scenario.config().simulation.duration_months,
            metrics: METRICS.iter().map(|m| m.name.to_string()).collect(),
            chunk_reps: CHUNK_REPS,
        }
    }
    fn chunks(&self) -> u64 {
        self.reps.div_ceil(self.chunk_reps)
    }
    fn differs(&self, other: &RunIdentity) -> Option<String> {
        let mut d = Vec::new();
        if self.version != other.version {
            d.push(format!("version {} vs {}", other.version, self.version));
        }
        if self.scenario_hash != other.scenario_hash {
            d.push(format!(
                "scenario {} ({}) vs {} ({})",
                other.scenario_name,
                &other.scenario_hash[..12.min(other.scenario_hash.len())],
                self.scenario_name,
                &self.scenario_hash[..12]
            ));
        }
        if self.seed != other.seed {
            d.push(format!("seed {} vs {}", other.seed, self.seed));
        }
        if self.reps != other.reps {
            d.push(format!("reps {} vs {}", other.reps, self.reps));
        }
        if self.metrics != other.metrics
            || self.months != other.months
            || self.chunk_reps != other.chunk_reps
        {
            d.push("output layout".into());
        }
        (!d.is_empty()).then(|| d.join(", "))
    }
}

/// A shard's record of what it computed (written last in a shard directory).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardRecord {
    /// the run this shard belongs to
    pub identity: RunIdentity,
    /// shard index, 1-based
    pub shard: u64,
    /// number of shards
    pub shards: u64,
    /// first chunk computed
    pub first_chunk: u64,
    /// one past the last chunk computed
    pub end_chunk: u64,
}

/// Result of [`run`].
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// output directory
    pub dir: PathBuf,
    /// replications finished (including reused chunks)
    pub reps_done: u64,
    /// replications computed by this invocation
    pub reps_computed: u64,
    /// stopped early by Ctrl-C / SIGTERM
    pub interrupted: bool,
    /// wall time of this invocation
    pub wall_seconds: f64,
    /// per-replication summaries in replication order (empty for shards or interrupted runs)
    pub summaries: Vec<MonthRecord>,
}

/// How a set of shards fails to cover a run's chunks exactly once.
#[derive(Debug, Clone, PartialEq)]
pub enum Coverage {
    /// shards `a` and `b` (indices into the list) both hold `chunk`
    Overlap {
        /// first shard
        a: usize,
        /// second shard
        b: usize,
        /// the chunk
        chunk: u64,
    },
    /// no shard holds `chunk`
    Gap {
        /// the first missing chunk
        chunk: u64,
    },
    /// shard `shard` claims chunks past the end
    OutOfRange {
        /// the shard
        shard: usize,
    },
}

/// Which shard owns each of `total` chunks, given each shard's `[first, end)` chunk range;
/// refuses overlaps, gaps and ranges past the end.
pub fn chunk_owners(ranges: &[(u64, u64)], total: u64) -> Result<Vec<usize>, Coverage> {
    let mut owner: Vec<Option<usize>> = vec![None; total as usize];
    for (k, &(lo, hi)) in ranges.iter().enumerate() {
        if hi > total || lo > hi {
            return Err(Coverage::OutOfRange { shard: k });
        }
        for c in lo..hi {
            if let Some(o) = owner[c as usize] {
                return Err(Coverage::Overlap {
                    a: o,
                    b: k,
                    chunk: c,
                });
            }
            owner[c as usize] = Some(k);
        }
    }
    owner
        .into_iter()
        .enumerate()
        .map(|(c, o)| o.ok_or(Coverage::Gap { chunk: c as u64 }))
        .collect()
}

/// How shards of one job (a run or a sweep) line up for a merge.
pub(crate) struct ShardSet<'a> {
    /// the shard directories, as given
    pub dirs: &'a [PathBuf],
    /// each shard's `[first, end)` chunk range
    pub ranges: Vec<(u64, u64)>,
    /// how each shard's identity differs from the first shard's (None = the same job)
    pub differs: Vec<Option<String>>,
    /// chunks of the whole job
    pub total: u64,
    /// "run" or "sweep"
    pub job: &'a str,
    /// what a chunk holds ("replications", "points") and how many
    pub unit: (&'a str, u64),
}

impl ShardSet<'_> {
    /// Which shard owns each chunk, or why the shards cannot be merged: they belong to different
    /// jobs, overlap, leave a gap, or hold chunks past the end.
    pub(crate) fn owners(&self) -> std::result::Result<Vec<usize>, String> {
        let d = |k: usize| self.dirs[k].display();
        if let Some((k, what)) = self
            .differs
            .iter()
            .enumerate()
            .find_map(|(k, w)| w.as_ref().map(|w| (k, w)))
        {
            return Err(format!(
                "{}: shard of a different {} than {} ({what})",
                d(k),
                self.job,
                d(0)
            ));
        }
        let (unit, per_chunk) = self.unit;
        chunk_owners(&self.ranges, self.total).map_err(|e| match e {
            Coverage::Overlap { a, b, chunk } => format!(
                "{} and {} overlap (chunk {chunk}, {unit} {}..)",
                d(a),
                d(b),
                chunk * per_chunk
            ),
            Coverage::Gap { chunk } => format!(
                "the shards leave a gap: {unit} {}.. (chunk {chunk}) are in no shard",
                chunk * per_chunk
            ),
            Coverage::OutOfRange { shard } => format!(
                "{}: chunks {}..{} do not fit a {} of {} chunks",
                d(shard),
                self.ranges[shard].0,
                self.ranges[shard].1,
                self.job,
                self.total
            ),
        })
    }
}

/// The chunk range shard `i` of `n` computes (contiguous blocks, 1-based `i`).
pub fn shard_chunks(total_chunks: u64, i: u64, n: u64) -> (u64, u64) {
    let lo = total_chunks * (i - 1) / n;
    let hi = total_chunks * i / n;
    (lo, hi)
}

fn chunk_path(dir: &Path, c: u64) -> PathBuf {
    dir.join(".chunks").join(format!("chunk-{c:07}.bin"))
}

const MAGIC: &[u8; 8] = b"PSCHUNK1";

fn encode_chunk(id: &RunIdentity, first: u64, outs: &[ReplicationOutput]) -> Vec<u8> {
    let months = id.months as usize;
    let mut b = Vec::with_capacity(64 + outs.len() * (months + 1) * N_METRICS * 8);
    b.extend_from_slice(MAGIC);
    for x in [
        first,
        outs.len() as u64,
        u64::from(id.months),
        N_METRICS as u64,
        id.seed,
    ] {
        b.extend_from_slice(&x.to_le_bytes());
    }
    b.extend_from_slice(id.scenario_hash.as_bytes());
    for o in outs {
        for v in &o.summary {
            b.extend_from_slice(&v.to_le_bytes());
        }
        for m in &o.months {
            for v in m {
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    b
}

/// Decodes a chunk file; checks it belongs to `id` and covers exactly `expect` replications from `first`.
fn decode_chunk(
    bytes: &[u8],
    id: &RunIdentity,
    first: u64,
    expect: u64,
) -> Option<Vec<ReplicationOutput>> {
    let hash = id.scenario_hash.as_bytes();
    let head = 8 + 5 * 8 + hash.len();
    if bytes.len() < head || &bytes[..8] != MAGIC {
        return None;
    }
    let rd =
        |k: usize| u64::from_le_bytes(bytes[8 + 8 * k..16 + 8 * k].try_into().unwrap_or([0; 8]));
    if rd(0) != first
        || rd(1) != expect
        || rd(2) != u64::from(id.months)
        || rd(3) != N_METRICS as u64
        || rd(4) != id.seed
        || &bytes[48..head] != hash
    {
        return None;
    }
    let months = id.months as usize;
    let per = (months + 1) * N_METRICS * 8;
    if bytes.len() != head + per * expect as usize {
        return None;
    }
    let mut outs = Vec::with_capacity(expect as usize);
    let mut p = head;
    let mut f = || {
        let v = f64::from_le_bytes(bytes[p..p + 8].try_into().unwrap_or([0; 8]));
        p += 8;
        v
    };
    for _ in 0..expect {
        let mut summary = [0.0; N_METRICS];
        summary.iter_mut().for_each(|v| *v = f());
        let mut ms = Vec::with_capacity(months);
        for _ in 0..months {
            let mut r = [0.0; N_METRICS];
            r.iter_mut().for_each(|v| *v = f());
            ms.push(r);
        }
        outs.push(ReplicationOutput {
            months: ms,
            warmup_records: 0,
            summary,
            partnerships: Vec::new(),
        });
    }
    Some(outs)
}

fn chunk_reps(id: &RunIdentity, c: u64) -> (u64, u64) {
    let first = c * id.chunk_reps;
    (first, id.chunk_reps.min(id.reps - first))
}

fn read_json<T: for<'de> Deserialize<'de>>(p: &Path) -> Option<T> {
    std::fs::read(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

/// Runs `scenario` into `dir`: computes missing chunks in parallel, then (unless sharded)
/// aggregates and writes `replications.csv`, `timeseries.csv`, `summary.csv`, the resolved
/// scenario and `manifest.json` (last).
pub fn run(scenario: &Scenario, opts: &RunOptions, dir: &Path) -> Result<RunOutcome> {
    let start = Instant::now();
    let started_at = SystemTime::now();
    if opts.reps == 0 || opts.reps > MAX_REPS {
        bail!(
            "--reps must be between 1 and {MAX_REPS} (got {})",
            opts.reps
        );
    }
    let id = RunIdentity::new(scenario, opts);
    let work = opts.reps as f64
        * scenario.values.get("simulation.isos")
        * scenario.values.get("simulation.duration_months");
    if work > MAX_ISO_MONTHS {
        bail!(
            "{} replications x {} ISOs x {} months = {work:.2e} ISO-months, about {:.0} core-days at 3e6 ISO-months/s/core; the limit is {MAX_ISO_MONTHS:.0e}: use fewer replications or split the run with --shard",
            opts.reps,
            scenario.values.get("simulation.isos"),
            scenario.values.get("simulation.duration_months"),
            work / 3.0e6 / 86_400.0
        );
    }
    export::prepare_output_dir(dir)?;
    let run_json = dir.join("run.json");
    let manifest = dir.join("manifest.json");
    let existing: Option<RunIdentity> = read_json(&run_json);
    if let Some(old) = &existing {
        if let Some(what) = id.differs(old) {
            if !opts.force {
                return Err(export::OutputDirError::OtherRun {
                    dir: dir.to_path_buf(),
                    what,
                }
                .into());
            }
            clear_run(dir)?;
        } else if !manifest.exists()
            && !opts.resume
            && !opts.force
            && dir.join(".chunks").exists()
            && opts.shard.is_none()
        {
            return Err(export::OutputDirError::Unfinished(dir.to_path_buf()).into());
        } else if opts.force {
            clear_run(dir)?;
        }
    }
    write_atomic(&run_json, serde_json::to_string_pretty(&id)?.as_bytes())?;
    // written first, so that shards carry the scenario to `merge`
    write_atomic(
        &dir.join("scenario.resolved.toml"),
        scenario.resolved_toml().as_bytes(),
    )?;
    let total = id.chunks();
    let (lo, hi) = match opts.shard {
        Some((i, n)) => {
            if n == 0 || i == 0 || i > n {
                bail!("--shard {i}/{n}: I must be between 1 and N");
            }
            shard_chunks(total, i, n)
        }
        None => (0, total),
    };
    let cfg = scenario.config();
    let pool = thread_pool(opts.threads)?;
    let threads = pool.current_num_threads();
    let reps_in_range: u64 = (lo..hi).map(|c| chunk_reps(&id, c).1).sum();
    let pb = crate::progress::bar(reps_in_range, &scenario.name, opts.quiet);
    let mut computed = 0;
    let mut done = 0;
    let mut interrupted = false;
    for c in lo..hi {
        let (first, count) = chunk_reps(&id, c);
        let path = chunk_path(dir, c);
        if opts.resume || opts.shard.is_some() {
            if let Ok(bytes) = std::fs::read(&path) {
                if decode_chunk(&bytes, &id, first, count).is_some() {
                    done += count;
                    pb.inc(count);
                    continue;
                }
            }
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            interrupted = true;
            break;
        }
        let outs: Vec<ReplicationOutput> = pool.install(|| {
            (first..first + count)
                .into_par_iter()
                .map(|r| Model::new(&cfg, opts.seed, r).run())
                .collect()
        });
        write_atomic(&path, &encode_chunk(&id, first, &outs))
            .with_context(|| format!("writing {}", path.display()))?;
        computed += count;
        done += count;
        pb.inc(count);
    }
    pb.finish_and_clear();
    let partial = |interrupted| RunOutcome {
        dir: dir.to_path_buf(),
        reps_done: done,
        reps_computed: computed,
        interrupted,
        wall_seconds: start.elapsed().as_secs_f64(),
        summaries: Vec::new(),
    };
    if interrupted {
        return Ok(partial(true));
    }
    if let Some((i, n)) = opts.shard {
        let rec = ShardRecord {
            identity: id.clone(),
            shard: i,
            shards: n,
            first_chunk: lo,
            end_chunk: hi,
        };
        write_atomic(
            &dir.join("shard.json"),
            serde_json::to_string_pretty(&rec)?.as_bytes(),
        )?;
        return Ok(partial(false));
    }
    let chunk_files: Vec<PathBuf> = (0..total).map(|c| chunk_path(dir, c)).collect();
    let summaries = aggregate(&id, &chunk_files, dir)?;
    // The partnership map of replication 0 (re-run: chunks keep only metrics).
    let mut files: Vec<String> = vec![
        "replications.csv".into(),
        "timeseries.csv".into(),
        "summary.csv".into(),
        "scenario.resolved.toml".into(),
    ];
    if write_partnership_map(&cfg, opts.seed, dir)? {
        files.push("partnerships.json".into());
    }
    let wall = start.elapsed().as_secs_f64();
    let m = Manifest {
        identity: id,
        scenario_description: scenario.description.clone(),
        scenario: resolved_json(scenario),
        threads,
        command: opts.command.clone(),
        started_at: rfc3339(started_at),
        finished_at: rfc3339(SystemTime::now()),
        wall_seconds: wall,
        reps_computed: computed,
        files,
    };
    write_atomic(&manifest, serde_json::to_string_pretty(&m)?.as_bytes())?;
    let _ = std::fs::remove_dir_all(dir.join(".chunks"));
    Ok(RunOutcome {
        dir: dir.to_path_buf(),
        reps_done: done,
        reps_computed: computed,
        interrupted: false,
        wall_seconds: wall,
        summaries,
    })
}

/// Writes `partnerships.json` (replication 0 re-run: chunks keep only metrics) when the scenario
/// has local partnerships; returns whether it did.
fn write_partnership_map(cfg: &Config, seed: u64, dir: &Path) -> Result<bool> {
    if !cfg.partnerships.enabled {
        return Ok(false);
    }
    let out = Model::new(cfg, seed, 0).run();
    let v = partnerships_json(cfg, seed, &out.partnerships);
    write_atomic(
        &dir.join("partnerships.json"),
        serde_json::to_string_pretty(&v)?.as_bytes(),
    )?;
    Ok(true)
}

/// The map of replication 0's partnerships (GA's three assessments: map, how effectively each
/// operates, its contribution to newcomers' settlement needs) as JSON.
pub fn partnerships_json(
    cfg: &Config,
    seed: u64,
    list: &[crate::model::partnership::Partnership],
) -> serde_json::Value {
    use crate::model::partnership::SECTORS;
    let end = cfg.simulation.duration_months;
    let ps: Vec<serde_json::Value> = list
        .iter()
        .map(|p| {
            let ty = p.typology();
            let mut others = serde_json::Map::new();
            for (k, &n) in p.other_orgs.iter().enumerate() {
                if n > 0 {
                    others.insert(SECTORS[k].into(), n.into());
                }
            }
            let mut structures: Vec<&str> = Vec::new();
            if p.formal {
                structures.extend(["council", "immigrant advisory table"]);
            } else {
                structures.push("informal meetings");
            }
            if p.alignment >= 3 {
                structures.push("project teams");
            }
            if p.secretariat {
                structures.push("funded secretariat");
            }
            let last = p.dissolved_month.unwrap_or(end);
            serde_json::json!({
                "id": p.id,
                "formal": p.formal,
                "secretariat": p.secretariat,
                "open_membership": p.open,
                "structures": structures,
                "members": p.members,
                "ever_members": p.ever_members,
                "other_organizations": others,
                "typology": {
                    "geographic_area": ty[0],
                    "number_of_sectors": ty[1],
                    "number_of_partners": ty[2],
                    "types_of_partners": ty[3],
                    "alignment": ty[4],
                },
                "sectors": p.sectors(),
                "partners": p.partners(),
                "operation": {
                    "operating": p.alive(),
                    "formed_month": p.formed_month,
                    "dissolved_month": p.dissolved_month,
                    "age_months": last - p.formed_month,
                    "alignment_level": p.alignment,
                    "alignment_max_reached": p.alignment_max_reached,
                    "champion": p.champion,
                    "cohesion": p.cohesion,
                    "cohesion_mean": p.cohesion_mean(),
                },
                "contribution": {
                    "referral_hours": p.referral_hours,
                    "reporting_hours_saved": p.reporting_hours_saved,
                    "proposal_hours_saved": p.proposal_hours_saved,
                    "meeting_hours": p.meeting_hours,
                    "member_months": p.member_months,
                },
            })
        })
        .collect();
    serde_json::json!({
        "replication": 0,
        "seed": seed,
        "months": end,
        "isos": cfg.simulation.isos,
        "sectors": SECTORS,
        "alignments": crate::params::ALIGNMENTS,
        "partnerships": ps,
    })
}

fn clear_run(dir: &Path) -> Result<()> {
    for f in [
        "manifest.json",
        "run.json",
        "shard.json",
        "replications.csv",
        "timeseries.csv",
        "summary.csv",
        "scenario.resolved.toml",
        "partnerships.json",
    ] {
        let p = dir.join(f);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    let c = dir.join(".chunks");
    if c.exists() {
        std::fs::remove_dir_all(&c).with_context(|| format!("removing {}", c.display()))?;
    }
    Ok(())
}

/// A rayon pool with `threads` workers (all cores when None).
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        b = b.num_threads(n);
    }
    Ok(b.build()?)
}

/// The manifest written last into a run directory.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// what was run
    #[serde(flatten)]
    pub identity: RunIdentity,
    /// scenario description
    pub scenario_description: String,
    /// every parameter, resolved
    pub scenario: serde_json::Map<String, serde_json::Value>,
    /// worker threads used
    pub threads: usize,
    /// command line
    pub command: String,
    /// start time (UTC)
    pub started_at: String,
    /// end time (UTC)
    pub finished_at: String,
    /// wall time of the last invocation (seconds)
    pub wall_seconds: f64,
    /// replications computed by the last invocation (less than reps after a resume or merge)
    pub reps_computed: u64,
    /// data files written
    pub files: Vec<String>,
}

fn resolved_json(s: &Scenario) -> serde_json::Map<String, serde_json::Value> {
    use crate::params::{registry, Kind};
    let mut m = serde_json::Map::new();
    for (p, v) in registry().iter().zip(&s.values.0) {
        let j = match p.kind {
            Kind::Bool => serde_json::Value::Bool(*v != 0.0),
            Kind::Choice(w) => {
                serde_json::Value::String(w.get(*v as usize).copied().unwrap_or("?").to_string())
            }
            Kind::Int => serde_json::Value::from(*v as i64),
            Kind::Float => serde_json::Value::from(*v),
        };
        m.insert(p.path.clone(), j);
    }
    m
}

/// Reads chunk files in order and writes `replications.csv`, `timeseries.csv` and `summary.csv`
/// into `dir`. Returns the per-replication summaries.
pub fn aggregate(
    id: &RunIdentity,
    chunk_files: &[PathBuf],
    dir: &Path,
) -> Result<Vec<MonthRecord>> {
    let months = id.months as usize;
    let mut moments = vec![Welford::default(); months * N_METRICS];
    let mut sketches: Vec<QuantileSketch> = (0..months * N_METRICS)
        .map(|_| QuantileSketch::new(SKETCH_K))
        .collect();
    let mut summaries: Vec<MonthRecord> = Vec::with_capacity(id.reps as usize);
    // replications.csv is streamed to a temporary file and renamed once complete.
    let reps_path = dir.join("replications.csv");
    let reps_tmp = dir.join(format!(".replications.csv.tmp-{}", std::process::id()));
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(&reps_tmp)
            .with_context(|| format!("creating {}", reps_tmp.display()))?,
    );
    let mut header = String::from("replication,seed");
    for m in METRICS {
        header.push(',');
        header.push_str(m.name);
    }
    writeln!(w, "{header}")?;
    for (c, path) in chunk_files.iter().enumerate() {
        let (first, count) = chunk_reps(id, c as u64);
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let outs = decode_chunk(&bytes, id, first, count).with_context(|| {
            format!(
                "{}: not a chunk of this run (damaged or from another run)",
                path.display()
            )
        })?;
        for (k, o) in outs.iter().enumerate() {
            write!(w, "{},{}", first + k as u64, id.seed)?;
            for v in &o.summary {
                write!(w, ",{v}")?;
            }
            writeln!(w)?;
            for (t, rec) in o.months.iter().enumerate() {
                for (j, v) in rec.iter().enumerate() {
                    moments[t * N_METRICS + j].push(*v);
                    sketches[t * N_METRICS + j].push(*v);
                }
            }
            summaries.push(o.summary);
        }
    }
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&reps_tmp, &reps_path)
        .with_context(|| format!("writing {}", reps_path.display()))?;
    let mut ts = String::from("month,metric,mean,sd,p05,p25,p50,p75,p95\n");
    for t in 0..months {
        for (j, m) in METRICS.iter().enumerate() {
            let w = &moments[t * N_METRICS + j];
            let s = &sketches[t * N_METRICS + j];
            ts.push_str(&format!("{},{},{},{}", t + 1, m.name, w.mean(), w.sd()));
            for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
                ts.push_str(&format!(",{}", s.quantile(q)));
            }
            ts.push('\n');
        }
    }
    write_atomic(&dir.join("timeseries.csv"), ts.as_bytes())?;
    write_atomic(&dir.join("summary.csv"), summary_csv(&summaries).as_bytes())?;
    Ok(summaries)
}

/// `summary.csv` text: per metric, mean, sd, 95% CI of the mean, p05, p50, p95 over replications.
pub fn summary_csv(summaries: &[MonthRecord]) -> String {
    let mut s = String::from("metric,mean,sd,ci95_low,ci95_high,p05,p50,p95\n");
    for (j, m) in METRICS.iter().enumerate() {
        let mut v: Vec<f64> = summaries.iter().map(|r| r[j]).collect();
        let (mean, sd, lo, hi) = mean_ci95(&v);
        v.sort_by(|a, b| a.total_cmp(b));
        s.push_str(&format!(
            "{},{mean},{sd},{lo},{hi},{},{},{}\n",
            m.name,
            quantile_sorted(&v, 0.05),
            quantile_sorted(&v, 0.5),
            quantile_sorted(&v, 0.95)
        ));
    }
    s
}

/// Merges shard directories into `out`: checks they belong to one run, cover every chunk exactly
/// once, then aggregates exactly as a single-machine run would.
pub fn merge(shard_dirs: &[PathBuf], out: &Path, command: &str) -> Result<RunOutcome> {
    let start = Instant::now();
    let started_at = SystemTime::now();
    if shard_dirs.is_empty() {
        bail!("merge needs at least one shard directory");
    }
    let mut recs = Vec::new();
    for d in shard_dirs {
        let rec: ShardRecord = read_json(&d.join("shard.json")).with_context(|| {
            format!(
                "{}: no shard.json (not a finished shard directory)",
                d.display()
            )
        })?;
        recs.push((d.clone(), rec));
    }
    let id = recs[0].1.identity.clone();
    let total = id.chunks();
    let owner = ShardSet {
        dirs: shard_dirs,
        ranges: recs
            .iter()
            .map(|(_, r)| (r.first_chunk, r.end_chunk))
            .collect(),
        differs: recs.iter().map(|(_, r)| r.identity.differs(&id)).collect(),
        total,
        job: "run",
        unit: ("replications", id.chunk_reps),
    }
    .owners()
    .map_err(anyhow::Error::msg)?;
    // The scenario travels with the shards; it must be the one the results were computed from.
    let resolved = recs[0].0.join("scenario.resolved.toml");
    let scenario = Scenario::load(&resolved)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("{}: the shard's scenario", resolved.display()))?;
    if scenario.content_hash() != id.scenario_hash {
        bail!(
            "{}: not the scenario the shards computed (content hash differs)",
            resolved.display()
        );
    }
    export::prepare_output_dir(out)?;
    if let Some(old) = read_json::<RunIdentity>(&out.join("run.json")) {
        if let Some(what) = id.differs(&old) {
            return Err(export::OutputDirError::OtherRun {
                dir: out.to_path_buf(),
                what,
            }
            .into());
        }
    }
    write_atomic(
        &out.join("run.json"),
        serde_json::to_string_pretty(&id)?.as_bytes(),
    )?;
    let files: Vec<PathBuf> = (0..total)
        .map(|c| chunk_path(&recs[owner[c as usize]].0, c))
        .collect();
    let summaries = aggregate(&id, &files, out)?;
    let mut written = vec![
        "replications.csv",
        "timeseries.csv",
        "summary.csv",
        "scenario.resolved.toml",
    ];
    write_atomic(
        &out.join("scenario.resolved.toml"),
        scenario.resolved_toml().as_bytes(),
    )?;
    if write_partnership_map(&scenario.config(), id.seed, out)? {
        written.push("partnerships.json");
    }
    let wall = start.elapsed().as_secs_f64();
    let m = serde_json::json!({
        "tool": id.tool, "version": id.version, "scenario_name": id.scenario_name, "scenario_hash": id.scenario_hash,
        "seed": id.seed, "reps": id.reps, "months": id.months, "metrics": id.metrics, "chunk_reps": id.chunk_reps,
        "scenario_description": scenario.description,
        "merged_from": shard_dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>(),
        "command": command, "started_at": rfc3339(started_at), "finished_at": rfc3339(SystemTime::now()), "wall_seconds": wall,
        "files": written,
    });
    write_atomic(
        &out.join("manifest.json"),
        serde_json::to_string_pretty(&m)?.as_bytes(),
    )?;
    Ok(RunOutcome {
        dir: out.to_path_buf(),
        reps_done: id.reps,
        reps_computed: 0,
        interrupted: false,
        wall_seconds: wall,
        summaries,
    })
}

/// UTC time as RFC 3339 (seconds precision).
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // civil from days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_all_chunks_once() {
        for total in [1u64, 5, 16, 17] {
            for n in 1..=6 {
                let mut next = 0;
                for i in 1..=n {
                    let (lo, hi) = shard_chunks(total, i, n);
                    assert_eq!(lo, next);
                    next = hi;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn chunk_owners_refuse_overlap_gap_and_overflow() {
        assert_eq!(chunk_owners(&[(0, 2), (2, 5)], 5), Ok(vec![0, 0, 1, 1, 1]));
        assert_eq!(chunk_owners(&[(2, 5), (0, 2)], 5), Ok(vec![1, 1, 0, 0, 0]));
        assert_eq!(
            chunk_owners(&[(0, 3), (2, 5)], 5),
            Err(Coverage::Overlap {
                a: 0,
                b: 1,
                chunk: 2
            })
        );
        assert_eq!(
            chunk_owners(&[(0, 2), (3, 5)], 5),
            Err(Coverage::Gap { chunk: 2 })
        );
        assert_eq!(
            chunk_owners(&[(0, 6)], 5),
            Err(Coverage::OutOfRange { shard: 0 })
        );
    }

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000)),
            "2023-11-14T22:13:20Z"
        );
    }

    #[test]
    fn chunk_round_trip_and_rejection() {
        let mut s = Scenario::default();
        s.apply_override("simulation.duration_months=6").unwrap();
        s.apply_override("simulation.isos=3").unwrap();
        let opts = RunOptions {
            reps: 3,
            ..RunOptions::default()
        };
        let id = RunIdentity::new(&s, &opts);
        let cfg = s.config();
        let outs: Vec<_> = (0..3).map(|r| Model::new(&cfg, 42, r).run()).collect();
        let b = encode_chunk(&id, 0, &outs);
        let back = decode_chunk(&b, &id, 0, 3).unwrap();
        assert_eq!(
            back[2].summary.map(f64::to_bits),
            outs[2].summary.map(f64::to_bits)
        );
        assert!(decode_chunk(&b[..b.len() - 1], &id, 0, 3).is_none());
        assert!(decode_chunk(&b, &id, 64, 3).is_none());
        let other = RunIdentity {
            seed: 7,
            ..id.clone()
        };
        assert!(decode_chunk(&b, &other, 0, 3).is_none());
    }
}
