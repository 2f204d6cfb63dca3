//! Sweeps that never lose work: identity, chunk files, shards and merge.
//!
//! The points of a sweep are grouped into chunks of `chunk_points` points (recorded in
//! `sweep.json`, the sweep's identity, written when a sweep starts). Each finished chunk's
//! per-(point, replication) output values are written atomically to
//! `<out>/.chunks/chunk-NNNNNNN.bin`, with a header naming the chunk, its point range and a
//! digest of the identity. Final outputs are computed by reading the chunks in point order, so
//! they are byte-identical whether the sweep ran straight through, was interrupted and resumed
//! (`--resume`), or was computed in shards (`--shard I/N`) and merged ([`merge`]).

use super::runner::{finalize, refused, SweepOutcome};
use super::spec::{SweepSpec, Target};
use crate::export::{self, write_atomic};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Name of the identity file written when a sweep starts.
pub const IDENTITY_FILE: &str = "sweep.json";
/// Name of the record a finished sweep shard writes last.
pub const SHARD_FILE: &str = "sweep_shard.json";

const MAGIC: &[u8; 8] = b"PSSWEEP1";

/// What identifies a sweep's results: two directories with the same identity hold the same numbers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SweepIdentity {
    /// always "partnersim"
    pub tool: String,
    /// crate version
    pub version: String,
    /// sweep name
    pub name: String,
    /// SHA-256 of the sweep file's bytes
    pub sweep_file_sha256: String,
    /// "scenario" or the test model's name
    pub target: String,
    /// base scenario content hash, or the test model with its constants
    pub target_hash: String,
    /// grid | lhs | morris | sobol
    pub method: String,
    /// master seed (after `--seed`)
    pub seed: u64,
    /// number of points of the design
    pub points: u64,
    /// swept parameter paths, in design order
    pub parameters: Vec<String>,
    /// replications per point
    pub reps_per_point: u64,
    /// output names, in column order
    pub outputs: Vec<String>,
    /// points per chunk
    pub chunk_points: u64,
}

impl SweepIdentity {
    /// The identity of running `spec` with `seed` (a design of `points` points) in chunks of
    /// `chunk_points` points.
    pub fn new(spec: &SweepSpec, seed: u64, points: usize, chunk_points: usize) -> Self {
        let (target, target_hash) = match &spec.target {
            Target::Scenario { scenario, .. } => ("scenario".to_string(), scenario.content_hash()),
            Target::Analytic(m) => (m.name().to_string(), format!("{m:?}")),
        };
        SweepIdentity {
            tool: "partnersim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            name: spec.name.clone(),
            sweep_file_sha256: spec.file_hash.clone(),
            target,
            target_hash,
            method: spec.method.name().into(),
            seed,
            points: points as u64,
            parameters: spec.parameters.iter().map(|p| p.path.clone()).collect(),
            reps_per_point: spec.reps_per_point as u64,
            outputs: spec.outputs.clone(),
            chunk_points: chunk_points as u64,
        }
    }

    /// Number of chunks.
    pub fn chunks(&self) -> u64 {
        self.points.div_ceil(self.chunk_points.max(1))
    }

    /// Points `[first, end)` of chunk `c`.
    pub fn chunk_range(&self, c: u64) -> (usize, usize) {
        let first = c * self.chunk_points;
        let end = (first + self.chunk_points).min(self.points);
        (first as usize, end as usize)
    }

    /// Hex SHA-256 of the identity (stored in every chunk header).
    pub fn digest(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        Sha256::digest(json.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// What differs between `self` (new) and `old`, or None if they are the same sweep.
    pub fn differs(&self, old: &SweepIdentity) -> Option<String> {
        let mut d = Vec::new();
        if self.tool != old.tool || self.version != old.version {
            d.push(format!("version {} vs {}", old.version, self.version));
        }
        if self.sweep_file_sha256 != old.sweep_file_sha256 {
            d.push(format!(
                "sweep file {} ({}) vs {} ({})",
                old.name,
                short(&old.sweep_file_sha256),
                self.name,
                short(&self.sweep_file_sha256)
            ));
        }
        if self.target != old.target || self.target_hash != old.target_hash {
            d.push(format!(
                "base {} ({}) vs {} ({})",
                old.target,
                short(&old.target_hash),
                self.target,
                short(&self.target_hash)
            ));
        }
        if self.method != old.method {
            d.push(format!("method {} vs {}", old.method, self.method));
        }
        if self.seed != old.seed {
            d.push(format!("seed {} vs {}", old.seed, self.seed));
        }
        if self.points != old.points
            || self.parameters != old.parameters
            || self.reps_per_point != old.reps_per_point
        {
            d.push(format!(
                "{} points x {} replications vs {} x {}",
                old.points, old.reps_per_point, self.points, self.reps_per_point
            ));
        }
        if self.outputs != old.outputs {
            d.push("outputs".into());
        }
        if self.chunk_points != old.chunk_points {
            d.push(format!(
                "{} vs {} points per chunk (--chunk-points)",
                old.chunk_points, self.chunk_points
            ));
        }
        (!d.is_empty()).then(|| d.join(", "))
    }
}

fn short(s: &str) -> &str {
    &s[..12.min(s.len())]
}

/// A sweep shard's record of what it computed (written last in a shard directory).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepShardRecord {
    /// the sweep this shard belongs to
    pub identity: SweepIdentity,
    /// the sweep file as given on the command line
    pub sweep_file: String,
    /// the sweep file as an absolute path (if it could be resolved)
    pub sweep_file_abs: String,
    /// shard index, 1-based
    pub shard: u64,
    /// number of shards
    pub shards: u64,
    /// first chunk computed
    pub first_chunk: u64,
    /// one past the last chunk computed
    pub end_chunk: u64,
}

/// Path of chunk `c` in `dir`.
pub fn chunk_path(dir: &Path, c: u64) -> PathBuf {
    dir.join(".chunks").join(format!("chunk-{c:07}.bin"))
}

const HEAD_U64S: usize = 5;

/// Encodes chunk `c`: `values` holds, point by point and replication by replication, the
/// outputs in column order.
pub fn encode_chunk(id: &SweepIdentity, c: u64, values: &[f64]) -> Vec<u8> {
    let (p0, p1) = id.chunk_range(c);
    let digest = id.digest();
    let mut b = Vec::with_capacity(8 + HEAD_U64S * 8 + digest.len() + values.len() * 8);
    b.extend_from_slice(MAGIC);
    for x in [
        c,
        p0 as u64,
        (p1 - p0) as u64,
        id.reps_per_point,
        id.outputs.len() as u64,
    ] {
        b.extend_from_slice(&x.to_le_bytes());
    }
    b.extend_from_slice(digest.as_bytes());
    for v in values {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b
}

/// Decodes chunk `c` of sweep `id`; None if the bytes are not exactly that chunk.
pub fn decode_chunk(bytes: &[u8], id: &SweepIdentity, c: u64) -> Option<Vec<f64>> {
    let (p0, p1) = id.chunk_range(c);
    let digest = id.digest();
    let head = 8 + HEAD_U64S * 8 + digest.len();
    if bytes.len() < head || &bytes[..8] != MAGIC {
        return None;
    }
    let rd =
        |k: usize| u64::from_le_bytes(bytes[8 + 8 * k..16 + 8 * k].try_into().unwrap_or([0xff; 8]));
    if rd(0) != c
        || rd(1) != p0 as u64
        || rd(2) != (p1 - p0) as u64
        || rd(3) != id.reps_per_point
        || rd(4) != id.outputs.len() as u64
        || &bytes[8 + HEAD_U64S * 8..head] != digest.as_bytes()
    {
        return None;
    }
    let count = (p1 - p0)
        .checked_mul(id.reps_per_point as usize)?
        .checked_mul(id.outputs.len())?;
    if bytes.len() != head + count * 8 {
        return None;
    }
    Some(
        bytes[head..]
            .chunks_exact(8)
            .map(|w| f64::from_le_bytes(w.try_into().unwrap_or([0; 8])))
            .collect(),
    )
}

/// Reads a JSON file, None if absent or unreadable.
pub fn read_json<T: for<'de> Deserialize<'de>>(p: &Path) -> Option<T> {
    std::fs::read(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

/// Removes every file a sweep writes in `dir` (outputs, identity, shard record, chunks, plots).
pub fn clear_sweep(dir: &Path) -> Result<()> {
    for f in [
        "manifest.json",
        IDENTITY_FILE,
        SHARD_FILE,
        "points.csv",
        "results.csv",
        "sensitivity.csv",
        "variance.csv",
    ] {
        let p = dir.join(f);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    for d in [".chunks", "plots"] {
        let p = dir.join(d);
        if p.exists() {
            std::fs::remove_dir_all(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    Ok(())
}

/// Merges sweep shard directories into `out`: checks they belong to one sweep, cover every chunk
/// exactly once, reloads the sweep file they record (it must be unchanged), then computes the
/// final outputs exactly as a single-machine sweep would.
pub fn merge(shard_dirs: &[PathBuf], out: &Path, _command: &str) -> Result<SweepOutcome> {
    let start = Instant::now();
    if shard_dirs.is_empty() {
        return Err(refused("merge needs at least one shard directory".into()));
    }
    let mut recs = Vec::new();
    for d in shard_dirs {
        let rec: SweepShardRecord = read_json(&d.join(SHARD_FILE)).ok_or_else(|| {
            refused(format!(
                "{}: no {SHARD_FILE} (not a finished sweep shard directory; run its `sweep --shard` command again)",
                d.display()
            ))
        })?;
        recs.push((d.clone(), rec));
    }
    let id = recs[0].1.identity.clone();
    let total = id.chunks();
    let owner = crate::run::ShardSet {
        dirs: shard_dirs,
        ranges: recs
            .iter()
            .map(|(_, r)| (r.first_chunk, r.end_chunk))
            .collect(),
        differs: recs.iter().map(|(_, r)| r.identity.differs(&id)).collect(),
        total,
        job: "sweep",
        unit: ("points", id.chunk_points),
    }
    .owners()
    .map_err(refused)?;
    // The estimators and plots need the sweep itself: reload it and check it is unchanged.
    let rec = &recs[0].1;
    let candidates = [
        PathBuf::from(&rec.sweep_file_abs),
        PathBuf::from(&rec.sweep_file),
    ];
    let file = candidates.iter().find(|p| p.is_file()).ok_or_else(|| {
        refused(format!(
            "cannot find the sweep file {} the shards were computed from (needed for the indices and plots); run merge where it and its base scenario are at the same paths",
            rec.sweep_file
        ))
    })?;
    let mut spec = SweepSpec::load(file)?;
    spec.file = PathBuf::from(&rec.sweep_file);
    let design = super::design::build(&spec, id.seed);
    let now = SweepIdentity::new(&spec, id.seed, design.n, id.chunk_points as usize);
    if let Some(what) = now.differs(&id) {
        return Err(refused(format!(
            "{}: the sweep (or its base scenario) changed since the shards ran ({what})",
            file.display()
        )));
    }
    export::prepare_output_dir(out)?;
    if let Some(old) = read_json::<SweepIdentity>(&out.join(IDENTITY_FILE)) {
        if let Some(what) = id.differs(&old) {
            return Err(export::OutputDirError::OtherRun {
                dir: out.to_path_buf(),
                what,
            }
            .into());
        }
    }
    write_atomic(
        &out.join(IDENTITY_FILE),
        serde_json::to_string_pretty(&id)?.as_bytes(),
    )?;
    let files: Vec<PathBuf> = (0..total)
        .map(|c| chunk_path(&recs[owner[c as usize]].0, c))
        .collect();
    let merged_from: Vec<String> = shard_dirs.iter().map(|d| d.display().to_string()).collect();
    finalize(
        &spec,
        &id,
        design,
        out,
        &files,
        None,
        start,
        Some(merged_from),
    )
}
