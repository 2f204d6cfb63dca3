//! The chunk loop and the merge: the part every job runs the same way.

use super::chunk;
use super::disk;
use super::interrupt::interrupted;
use super::outdir::{self, JobFile, OutputDirError, Policy};
use super::shard::{self, Shard, ShardKind, ShardRecord, SHARD_FILE};
use super::threads::Threads;
use super::{Identity, Job};
use crate::error::BadInput;
use anyhow::Result;
use rayon::prelude::*;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How to execute a job.
#[derive(Debug, Clone)]
pub struct Options {
    /// worker threads
    pub threads: Threads,
    /// continue an interrupted job in the directory
    pub resume: bool,
    /// replace whatever result the directory holds
    pub force: bool,
    /// compute only this shard (then write its record, no final outputs)
    pub shard: Option<Shard>,
    /// no progress bar
    pub quiet: bool,
    /// the progress bar's label
    pub label: String,
    /// bytes the caller's final outputs will take (for the disk check)
    pub output_bytes: u64,
    /// input files a merge of shards must reload (recorded in the shard record)
    pub inputs: Vec<String>,
}

impl Options {
    /// Defaults: all cores, no resume, no force, no shard, quiet.
    pub fn new(threads: Threads) -> Options {
        Options {
            threads,
            resume: false,
            force: false,
            shard: None,
            quiet: true,
            label: String::new(),
            output_bytes: 0,
            inputs: Vec::new(),
        }
    }
}

/// How a command runs a batch job from a file (`sweep`, `explore`): what the user chose on the
/// command line. The command turns it into [`Options`] for [`execute`].
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// worker threads
    pub threads: Threads,
    /// no progress bar
    pub quiet: bool,
    /// continue an unfinished job of the same identity, reusing its finished chunks
    pub resume: bool,
    /// replace whatever result the directory holds
    pub force: bool,
    /// compute only this shard: its items, no final outputs
    pub shard: Option<Shard>,
    /// items (points, states) per chunk (default: each job's own, a few thousand model runs
    /// per chunk)
    pub chunk_items: Option<usize>,
    /// the command line, recorded in the manifest
    pub command: String,
}

impl BatchOptions {
    /// Defaults: quiet, no resume, no force, no shard, the default chunk size.
    pub fn new(threads: Threads) -> BatchOptions {
        BatchOptions {
            threads,
            quiet: true,
            resume: false,
            force: false,
            shard: None,
            chunk_items: None,
            command: String::new(),
        }
    }
}

/// How an invocation of [`execute`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Every item is done and was given to the sink in item order: the caller writes its outputs
    /// and then the manifest ([`super::manifest::Manifest::write_last`]).
    Complete {
        /// items computed by this invocation (the rest were reused from chunks on disk)
        computed: u64,
        /// worker threads used
        threads: usize,
    },
    /// A shard finished its items and wrote its record; `partnersim merge` combines the shards.
    ShardDone {
        /// the shard
        shard: Shard,
        /// its items
        items: Range<u64>,
        /// items computed by this invocation
        computed: u64,
    },
    /// Stopped by Ctrl-C or SIGTERM between chunks; every finished chunk is saved.
    Interrupted {
        /// items saved (of this invocation's range)
        saved: u64,
        /// items in this invocation's range
        total: u64,
    },
}

/// Receives the records of consecutive chunks, in item order: the items and their
/// `count × record_len` values.
pub type Sink<'a> = &'a mut (dyn FnMut(Range<u64>, &[f64]) -> Result<()> + Send);

/// A chunk whose values are in memory.
struct Ready {
    items: Range<u64>,
    values: Vec<f64>,
    /// computed now (to be saved), not read from disk
    fresh: bool,
}

/// Saves a freshly computed chunk and gives it to the sink; returns its buffer for reuse.
fn flush(
    ready: Option<Ready>,
    dir: &Path,
    digest: &[u8; 32],
    record_len: usize,
    sink: &mut Option<Sink<'_>>,
) -> Result<Option<Vec<f64>>> {
    let Some(r) = ready else {
        return Ok(None);
    };
    if r.fresh {
        chunk::write(dir, digest, &r.items, record_len, &r.values)?;
    }
    if let Some(s) = sink.as_mut() {
        s(r.items.clone(), &r.values)?;
    }
    Ok(Some(r.values))
}

/// Reads a reusable chunk or computes it (items in parallel).
fn produce<J: Job>(
    job: &J,
    items: Range<u64>,
    mut values: Vec<f64>,
    reuse: Option<(&Path, &[u8; 32])>,
    progress: &indicatif::ProgressBar,
) -> Result<Ready> {
    let record_len = job.record_len();
    let count = items.end - items.start;
    if let Some((dir, digest)) = reuse {
        if chunk::read(dir, digest, &items, record_len, &mut values) {
            progress.inc(count);
            return Ok(Ready {
                items,
                values,
                fresh: false,
            });
        }
    }
    // every value is written by `eval_item`: a reused buffer of the right size is not cleared
    values.resize(count as usize * record_len, 0.0);
    let first = items.start;
    values
        .par_chunks_mut(record_len.max(1))
        .enumerate()
        .try_for_each(|(k, record)| {
            job.eval_item(first + k as u64, record)?;
            progress.inc(1);
            Ok::<(), anyhow::Error>(())
        })?;
    Ok(Ready {
        items,
        values,
        fresh: true,
    })
}

/// A job whose output directory is claimed and whose chunks are about to be computed.
pub struct Execution<'j, J: Job> {
    job: &'j J,
    dir: PathBuf,
    opts: Options,
    jf: JobFile<J::Identity>,
    reuse: bool,
    range: Range<u64>,
    plan: Vec<Range<u64>>,
}

/// Starts `job` in `dir`: applies the output-directory policy ([`outdir::prepare`]) and refuses
/// to start without the disk space the chunks and outputs need. The caller may then write files
/// that belong in the directory from the start, and calls [`Execution::run`].
pub fn start<'j, J: Job>(job: &'j J, dir: &Path, opts: &Options) -> Result<Execution<'j, J>> {
    let record_len = job.record_len();
    let jf = JobFile::new(
        J::KIND,
        job.identity().clone(),
        record_len,
        job.chunk_items(),
    );
    let policy = Policy {
        resume: opts.resume,
        force: opts.force,
        shard: opts.shard.is_some(),
    };
    let n = job.items();
    let range = opts.shard.map_or(0..n, |s| s.items(n));
    let plan = shard::chunks(range.clone(), job.chunk_items());
    let chunk_bytes: u64 = plan
        .iter()
        .map(|r| chunk::file_bytes(r.end - r.start, record_len))
        .sum();
    // chunks already on disk are (mostly) reused by a resume or a shard continuing
    let on_disk = if policy.resume || policy.shard {
        chunk_dir_bytes(dir)
    } else {
        0
    };
    let what = format!(
        "{} of {} {}",
        outdir::a_kind(J::KIND),
        range.end - range.start,
        J::ITEM
    );
    disk::check(
        dir,
        (chunk_bytes + opts.output_bytes).saturating_sub(on_disk),
        &what,
    )?;
    let prepared = outdir::prepare(dir, &jf, policy)?;
    let plan = if prepared.reuse_chunks {
        shard::plan(range.clone(), job.chunk_items(), &chunk::on_disk(dir))
    } else {
        plan
    };
    Ok(Execution {
        job,
        dir: dir.to_path_buf(),
        opts: opts.clone(),
        jf,
        reuse: prepared.reuse_chunks,
        range,
        plan,
    })
}

/// [`start`] then [`Execution::run`].
pub fn execute<J: Job>(
    job: &J,
    dir: &Path,
    opts: &Options,
    sink: Option<Sink<'_>>,
) -> Result<Status> {
    start(job, dir, opts)?.run(sink)
}

impl<J: Job> Execution<'_, J> {
    /// The chunks [`Execution::run`] will hand over, in item order (a resumed job's chunks on
    /// disk keep their own boundaries).
    pub fn plan(&self) -> &[Range<u64>] {
        &self.plan
    }

    /// The digest of the job's file, which every chunk of the job carries.
    pub fn digest(&self) -> [u8; 32] {
        self.jf.digest()
    }

    /// Computes the chunks of the job's range (all items, or the shard's) in parallel, reusing
    /// valid chunks on disk where the policy allows, saving each new chunk atomically, and giving
    /// every chunk to `sink` in item order while the next one is computed. Stops between chunks
    /// on Ctrl-C / SIGTERM. A shard writes its record last.
    pub fn run(self, mut sink: Option<Sink<'_>>) -> Result<Status> {
        let Execution {
            job,
            dir,
            opts,
            jf,
            reuse,
            range,
            plan,
        } = self;
        let dir = dir.as_path();
        let record_len = job.record_len();
        let n = job.items();
        let pool = opts.threads.pool()?;
        let digest = jf.digest();
        let progress = crate::job::progress::bar(range.end - range.start, &opts.label, opts.quiet);
        let reuse = reuse.then_some((dir, &digest));
        let mut ready: Option<Ready> = None;
        let mut spare: Vec<f64> = Vec::new();
        let (mut computed, mut saved) = (0u64, 0u64);
        let mut stopped = false;
        for items in plan {
            if interrupted() {
                stopped = true;
                break;
            }
            let buffer = std::mem::take(&mut spare);
            let previous = ready.take();
            count_saved(&previous, &mut computed, &mut saved);
            let (flushed, next) = pool.install(|| {
                rayon::join(
                    || flush(previous, dir, &digest, record_len, &mut sink),
                    || produce(job, items, buffer, reuse, &progress),
                )
            });
            spare = flushed?.unwrap_or_default();
            ready = Some(next?);
        }
        let last = ready.take();
        count_saved(&last, &mut computed, &mut saved);
        // on the job's threads, like every other flush (a sink may work in parallel)
        pool.install(|| flush(last, dir, &digest, record_len, &mut sink))?;
        progress.finish_and_clear();
        let total = range.end - range.start;
        if stopped && saved < total {
            return Ok(Status::Interrupted { saved, total });
        }
        if let Some(shard) = opts.shard {
            let rec = ShardRecord {
                kind: J::KIND.into(),
                job: jf,
                shard,
                items: n,
                first_item: range.start,
                end_item: range.end,
                inputs: opts.inputs.clone(),
            };
            let text = serde_json::to_string_pretty(&rec)? + "\n";
            crate::output::export::write_atomic(&dir.join(SHARD_FILE), text.as_bytes())?;
            outdir::unlock(dir);
            return Ok(Status::ShardDone {
                shard,
                items: range,
                computed,
            });
        }
        Ok(Status::Complete {
            computed,
            threads: opts.threads.count(),
        })
    }
}

/// Counts a chunk about to be saved.
fn count_saved(r: &Option<Ready>, computed: &mut u64, saved: &mut u64) {
    if let Some(r) = r {
        let c = r.items.end - r.items.start;
        *saved += c;
        if r.fresh {
            *computed += c;
        }
    }
}

fn chunk_dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir.join(chunk::CHUNK_DIR)).map_or(0, |r| {
        r.filter_map(Result::ok)
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    })
}

/// Shard directories of one job, checked to cover every item exactly once.
#[derive(Debug, Clone)]
pub struct Merge<I> {
    /// the job the shards belong to
    pub job: JobFile<I>,
    /// items of the job
    pub items: u64,
    /// the shard directories, in the order given, with their records
    pub shards: Vec<(PathBuf, ShardRecord<I>)>,
    /// the shards by first item
    order: Vec<usize>,
}

/// The kind of job a shard directory holds ("run", "sweep", …), from its shard record.
pub fn shard_kind(dir: &Path) -> Result<String> {
    let p = dir.join(SHARD_FILE);
    let Ok(bytes) = std::fs::read(&p) else {
        return Err(BadInput::err(format!(
            "{}: no {SHARD_FILE}: not a finished shard directory (run its `--shard` command again to finish it)",
            dir.display()
        )));
    };
    let k: ShardKind = serde_json::from_slice(&bytes)
        .map_err(|e| BadInput::err(format!("{}: not a shard record: {e}", p.display())))?;
    Ok(k.kind)
}

impl<I: Identity> Merge<I> {
    /// Reads the shard records of `dirs` (all of kind `kind`) and checks that they are shards of
    /// one job that cover every item exactly once; `item` names the items in messages.
    pub fn read(kind: &str, item: &str, dirs: &[PathBuf]) -> Result<Merge<I>> {
        if dirs.is_empty() {
            return Err(BadInput::err("merge needs at least one shard directory"));
        }
        let mut shards = Vec::with_capacity(dirs.len());
        for d in dirs {
            let found = shard_kind(d)?;
            if found != kind {
                return Err(BadInput::err(format!(
                    "{}: a shard of {}, not of {}; merge the shards of one job together",
                    d.display(),
                    outdir::a_kind(&found),
                    outdir::a_kind(kind)
                )));
            }
            let p = d.join(SHARD_FILE);
            let rec: ShardRecord<I> = crate::output::export::read_json(&p)?;
            shards.push((d.clone(), rec));
        }
        let first = &shards[0].1;
        for (d, r) in &shards[1..] {
            if let Some(what) = r.job.differs(&first.job).or_else(|| {
                (r.items != first.items).then(|| format!("{} vs {} {item}", first.items, r.items))
            }) {
                return Err(BadInput::err(format!(
                    "{}: a shard of a different {kind} than {} ({what})",
                    d.display(),
                    shards[0].0.display()
                )));
            }
        }
        let ranges: Vec<Range<u64>> = shards
            .iter()
            .map(|(_, r)| r.first_item..r.end_item)
            .collect();
        let order = shard::coverage(&ranges, first.items)
            .map_err(|c| BadInput::err(shard::coverage_message(&c, dirs, &ranges, item)))?;
        Ok(Merge {
            job: first.job.clone(),
            items: first.items,
            order,
            shards,
        })
    }

    /// The input file the shards recorded (`Options::inputs`: the path as the user gave it, then
    /// its canonical path), found where it is now: returns the path to read and the path as
    /// given. `what` names the file in the error ("the sweep file"), `why` says what it is needed
    /// for and where to run the merge.
    pub fn input_file(&self, what: &str, why: &str) -> Result<(PathBuf, String)> {
        let inputs = self.shards.first().map_or(&[][..], |(_, r)| &r.inputs[..]);
        let as_given = inputs.first().cloned().unwrap_or_default();
        let file = inputs
            .iter()
            .rev()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .ok_or_else(|| {
                BadInput::err(format!(
                    "cannot find {what} {as_given} the shards were computed from{why}"
                ))
            })?;
        Ok((file, as_given))
    }

    /// Refuses the merge when the job's identity rebuilt from the input `file` now (`rebuilt`)
    /// differs from the shards': `what` (e.g. "the sweep (or its base scenario)") changed since
    /// they ran.
    pub fn unchanged(&self, file: &Path, what: &str, rebuilt: &I) -> Result<()> {
        match rebuilt.differs(&self.job.identity) {
            Some(diff) => Err(BadInput::err(format!(
                "{}: {what} changed since the shards ran ({diff})",
                file.display()
            ))),
            None => Ok(()),
        }
    }

    /// The provenance of the merged result of `items` items.
    pub fn provenance(&self, command: &str, items: u64) -> super::manifest::Provenance {
        super::manifest::Provenance {
            command: command.to_string(),
            threads: 0,
            items,
            items_computed: 0,
            merged_from: self.dirs(),
        }
    }

    /// The shard directories, as given.
    pub fn dirs(&self) -> Vec<String> {
        self.shards
            .iter()
            .map(|(d, _)| d.display().to_string())
            .collect()
    }

    /// Claims `out` for the merged result (the output-directory policy, as for a run of the job).
    pub fn prepare(&self, out: &Path, force: bool) -> Result<()> {
        let policy = Policy {
            force,
            ..Policy::default()
        };
        match outdir::prepare(out, &self.job, policy) {
            Ok(_) => Ok(()),
            // merge has no --resume: it always writes the whole result
            Err(OutputDirError::Unfinished { dir, kind }) => Err(BadInput::err(format!(
                "{}: holds this {kind}, interrupted before it finished; pass --force to replace it with the merged result, or choose another --out",
                dir.display()
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads every chunk of every shard in item order and gives it to `sink` (after
    /// [`Merge::prepare`] of the output directory).
    pub fn fold(&self, sink: Sink<'_>) -> Result<()> {
        let digest = self.job.digest();
        let record_len = self.job.record_len as usize;
        let mut values = Vec::new();
        for &k in &self.order {
            let (dir, rec) = &self.shards[k];
            let range = rec.first_item..rec.end_item;
            for items in shard::plan(range, rec.job.chunk_items, &chunk::on_disk(dir)) {
                if !chunk::read(dir, &digest, &items, record_len, &mut values) {
                    return Err(BadInput::err(format!(
                        "{}: missing or damaged (run shard {} in {} again: it recomputes only what is missing)",
                        chunk::path(dir, &items).display(),
                        rec.shard,
                        dir.display()
                    )));
                }
                sink(items, &values)?;
            }
        }
        Ok(())
    }
}
