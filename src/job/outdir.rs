//! The output-directory policy every job follows: what it may write into, continue, or replace.
//!
//! A directory partnersim writes into carries a marker file ([`MARKER`]) and, from the moment a
//! job starts, its job file ([`JOB_FILE`]: kind, version, identity and layout). Before a job
//! writes anything, [`prepare`] decides:
//!
//! | the directory holds | without flags | `--resume` | `--force` |
//! |---|---|---|---|
//! | nothing (absent, empty) | start | start | start |
//! | files partnersim did not write | refuse | refuse | refuse |
//! | another kind of result (a sweep, for a run), or an older partnersim's | refuse | refuse | clear, start |
//! | the same kind, a different job (scenario, seed, replications…) | refuse | refuse: resume cannot help | clear, start |
//! | this job, finished | start again | start again | clear, start |
//! | this job, interrupted (chunks on disk) | refuse | continue (any chunk size) | clear, start |
//!
//! A shard continues its own unfinished chunks without `--resume`. `--force` deletes everything in
//! the directory (it holds only partnersim output, as the marker proves). Every refusal is an
//! [`OutputDirError`], which the binary maps to exit code 2.

use super::chunk::CHUNK_DIR;
use super::Identity;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The marker file of a directory written by partnersim.
pub const MARKER: &str = ".partnersim";
/// The job file: what the directory holds (written when a job starts).
pub const JOB_FILE: &str = "job.json";
/// The manifest: written last, marks a finished result.
pub const MANIFEST: &str = "manifest.json";
/// The record a finished shard writes last.
pub const SHARD_FILE: &str = "shard.json";
/// The advisory lock of the process writing into the directory (its process id and start
/// time); removed when the job is done, taken over when its process is gone.
pub const LOCK: &str = ".partnersim.lock";

/// What a job writes into its directory first, and every shard and chunk repeats (as a digest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobFile<I> {
    /// always "partnersim"
    pub tool: String,
    /// crate version
    pub version: String,
    /// "run", "sweep", "compare", …
    pub kind: String,
    /// values per item in chunk files (0 for a job without chunks)
    pub record_len: u64,
    /// items per chunk (0 for a job without chunks)
    pub chunk_items: u64,
    /// what determines the numbers
    pub identity: I,
}

/// Only the kind and version of a job file, to tell kinds apart before reading one.
#[derive(Debug, Clone, Deserialize)]
pub struct JobHeader {
    /// the kind of job
    pub kind: String,
    /// the version that wrote it
    #[serde(default)]
    pub version: String,
}

impl<I: Identity> JobFile<I> {
    /// The job file of a job of `kind` with this identity and chunk layout.
    pub fn new(kind: &str, identity: I, record_len: usize, chunk_items: u64) -> Self {
        JobFile {
            tool: "partnersim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            kind: kind.into(),
            record_len: record_len as u64,
            chunk_items,
            identity,
        }
    }

    /// SHA-256 of everything but the chunk size (stored in every chunk header).
    pub fn digest(&self) -> [u8; 32] {
        let json = serde_json::to_vec(&(
            &self.tool,
            &self.version,
            &self.kind,
            self.record_len,
            &self.identity,
        ))
        .unwrap_or_default();
        Sha256::digest(&json).into()
    }

    /// How `self` (asked for now) differs from `old` (found on disk), in words; None if they
    /// are the same job (the chunk size aside).
    pub fn differs(&self, old: &JobFile<I>) -> Option<String> {
        let mut d = Vec::new();
        if self.version != old.version {
            d.push(format!("partnersim {} vs {}", old.version, self.version));
        }
        if let Some(w) = self.identity.differs(&old.identity) {
            d.push(w);
        } else if self.record_len != old.record_len {
            d.push("output layout".into());
        }
        (!d.is_empty()).then(|| d.join(", "))
    }
}

/// What a job may do with its directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// continue an interrupted job of the same identity
    pub resume: bool,
    /// replace whatever partnersim result the directory holds
    pub force: bool,
    /// a shard: continues its own unfinished chunks without `--resume`
    pub shard: bool,
}

/// Why a directory cannot receive a job's output (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum OutputDirError {
    /// The directory holds files partnersim did not write.
    #[error(
        "{0}: exists and holds files partnersim did not write; choose another --out or empty it"
    )]
    Foreign(PathBuf),
    /// The path is a file.
    #[error("{0}: is a file, not a directory; choose another --out")]
    NotADirectory(PathBuf),
    /// The directory holds another kind of result.
    #[error("{dir}: holds {found}, not {wanted}; pass --force to replace it (everything in the directory is deleted) or choose another --out")]
    OtherKind {
        /// the directory
        dir: PathBuf,
        /// what it holds ("a sweep", …)
        found: String,
        /// what was asked ("a run", …)
        wanted: String,
    },
    /// The directory holds a different job of the same kind.
    #[error("{dir}: holds the results of a different {kind} ({what}), which --resume cannot continue; pass --force to replace them or choose another --out")]
    OtherJob {
        /// the directory
        dir: PathBuf,
        /// "run", "sweep", …
        kind: String,
        /// what differs
        what: String,
    },
    /// The directory holds an interrupted run of this very job.
    #[error("{dir}: holds this {kind}, interrupted before it finished; pass --resume to continue it (finished chunks are reused) or --force to start over")]
    Unfinished {
        /// the directory
        dir: PathBuf,
        /// "run", "sweep", …
        kind: String,
    },
    /// Another live process is writing into the directory.
    #[error("{dir}: partnersim process {pid} is writing into it (lock file {LOCK}); wait for it to finish, stop it, or choose another --out")]
    Busy {
        /// the directory
        dir: PathBuf,
        /// the process id of the holder
        pid: u32,
    },
    /// The directory cannot be created, read or cleared.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Directories whose lock this process holds.
static HELD: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// The start time of process `pid` (clock ticks since boot, from `/proc/PID/stat`); None when
/// there is no such process (or no `/proc`).
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // the command name may hold spaces and parentheses: fields start after the last `)`
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Whether process `pid` that recorded `started` (None: unknown) is still alive.
fn alive(pid: u32, started: Option<u64>) -> bool {
    if std::path::Path::new("/proc/self/stat").exists() {
        match (start_time(pid), started) {
            (None, _) => false,
            // the same pid given to a new process is not the holder
            (Some(now), Some(then)) => now == then,
            (Some(_), None) => true,
        }
    } else {
        // without /proc: signal 0 tells whether the pid exists
        #[cfg(unix)]
        {
            // SAFETY: kill with signal 0 sends nothing; it only checks the pid.
            let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
            r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
        }
        #[cfg(not(unix))]
        {
            true
        }
    }
}

/// Takes the advisory lock of `dir` for this process: refuses ([`OutputDirError::Busy`]) when a
/// live process holds it, takes over a stale lock (its process is gone, e.g. after kill -9).
/// Taking a lock this process already holds does nothing.
pub fn lock(dir: &Path) -> Result<(), OutputDirError> {
    use std::io::Write;
    let me = std::process::id();
    let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let p = dir.join(LOCK);
    for _attempt in 0..3 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(mut f) => {
                let started = start_time(me).map_or(String::new(), |t| t.to_string());
                f.write_all(format!("{me} {started}\n").as_bytes())
                    .map_err(io(&p))?;
                if let Ok(mut h) = HELD.lock() {
                    h.push(key);
                }
                return Ok(());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                let mut words = text.split_whitespace();
                let pid = words.next().and_then(|w| w.parse::<u32>().ok());
                let started = words.next().and_then(|w| w.parse::<u64>().ok());
                match pid {
                    Some(pid) if pid == me => return Ok(()),
                    Some(pid) if alive(pid, started) => {
                        return Err(OutputDirError::Busy {
                            dir: dir.to_path_buf(),
                            pid,
                        })
                    }
                    // stale (its process is gone) or unreadable: take it over
                    _ => match std::fs::remove_file(&p) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(io(&p)(e)),
                    },
                }
            }
            Err(e) => return Err(io(&p)(e)),
        }
    }
    Err(OutputDirError::Io(
        p,
        std::io::Error::other("another process keeps taking the lock"),
    ))
}

/// Releases the lock of `dir` if this process holds it.
pub fn unlock(dir: &Path) {
    let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let p = dir.join(LOCK);
    let mine = std::fs::read_to_string(&p).is_ok_and(|t| {
        t.split_whitespace().next() == Some(std::process::id().to_string().as_str())
    });
    if mine {
        let _ = std::fs::remove_file(&p);
    }
    if let Ok(mut h) = HELD.lock() {
        h.retain(|d| *d != key);
    }
}

/// Releases every lock this process holds (the binary calls it before it exits).
pub fn unlock_all() {
    let held: Vec<PathBuf> = HELD.lock().map(|h| h.clone()).unwrap_or_default();
    for d in held {
        unlock(&d);
    }
}

/// Whether `name` is a temporary file partnersim writes before a rename (`.NAME.tmp-PID`,
/// `.tmp-PID-NAME`, `.tmp-PID`), and the process id it names.
fn temp_pid(name: &str) -> Option<u32> {
    if !name.starts_with('.') {
        return None;
    }
    let at = name.rfind(".tmp-")? + 5;
    let digits: String = name[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Removes temporary files that processes no longer alive left in `dir` and its folders (a
/// process killed while writing); called by a job holding the directory's lock. (A failed
/// write removes its own temporary file.)
pub fn remove_leftover_temps(dir: &Path) {
    let me = std::process::id();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                stack.push(e.path());
            } else if temp_pid(&e.file_name().to_string_lossy())
                .is_some_and(|pid| pid != me && !alive(pid, None))
            {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// The noun of a kind: "run", "sweep", "comparison".
pub fn noun(kind: &str) -> &str {
    match kind {
        "compare" => "comparison",
        k => k,
    }
}

/// "a run", "a sweep", "a comparison".
pub fn a_kind(kind: &str) -> String {
    match noun(kind) {
        k if k.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {k}"),
        k => format!("a {k}"),
    }
}

fn io(dir: &Path) -> impl Fn(std::io::Error) -> OutputDirError + '_ {
    move |e| OutputDirError::Io(dir.to_path_buf(), e)
}

/// Reads a job file if there is one; `Err(found)` names what the directory holds instead when it
/// is not a readable job file of `kind`.
fn read_job_file<I: Identity>(dir: &Path, kind: &str) -> Option<Result<JobFile<I>, String>> {
    let bytes = std::fs::read(dir.join(JOB_FILE)).ok()?;
    let header: JobHeader = match serde_json::from_slice(&bytes) {
        Ok(h) => h,
        Err(_) => return Some(Err("a damaged job.json".into())),
    };
    if header.kind != kind {
        return Some(Err(a_kind(&header.kind)));
    }
    Some(serde_json::from_slice(&bytes).map_err(|_| {
        format!(
            "{} written by partnersim {} in another format",
            a_kind(kind),
            if header.version.is_empty() {
                "?"
            } else {
                &header.version
            }
        )
    }))
}

/// Deletes everything in `dir` but the marker.
pub fn clear(dir: &Path) -> Result<(), OutputDirError> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        if entry.file_name() == MARKER || entry.file_name() == LOCK {
            continue;
        }
        let p = entry.path();
        let r = if entry.file_type().map_err(io(&p))?.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        r.map_err(io(&p))?;
    }
    Ok(())
}

/// Whether a directory may hold partnersim output: absent, empty, or marked. Creates it (and its
/// parents) when absent and writes the marker.
pub fn claim(dir: &Path) -> Result<(), OutputDirError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(OutputDirError::NotADirectory(dir.to_path_buf()));
        }
        let marked = dir.join(MARKER).exists();
        // empty but for another partnersim starting here (its marker being written, its lock)
        let empty = std::fs::read_dir(dir).map_err(io(dir))?.all(|e| {
            e.is_ok_and(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n == LOCK || n.contains(&format!("{MARKER}.tmp-"))
            })
        });
        if !marked && !empty {
            return Err(OutputDirError::Foreign(dir.to_path_buf()));
        }
        if marked {
            return Ok(());
        }
    } else {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    crate::output::export::write_atomic(
        &dir.join(MARKER),
        b"written by partnersim; safe to delete with this directory\n",
    )
    .map_err(io(dir))
}

/// Whether `dir` holds anything but the marker.
fn holds_anything(dir: &Path) -> Result<bool, OutputDirError> {
    Ok(std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .any(|e| {
            let n = e.file_name();
            // another process's file being written (its marker) is not a result
            n != MARKER && n != LOCK && temp_pid(&n.to_string_lossy()).is_none()
        }))
}

/// Whether the directory holds saved chunks.
pub fn has_chunks(dir: &Path) -> bool {
    std::fs::read_dir(dir.join(CHUNK_DIR)).is_ok_and(|mut r| {
        r.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".bin")))
    })
}

/// What [`prepare`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prepared {
    /// finished chunks on disk may be reused (resume, or a shard continuing)
    pub reuse_chunks: bool,
}

/// Applies the policy (see the module docs) for a job described by `job` in `dir`, then writes
/// the job file and removes any manifest or shard record, so that the directory holds an
/// unfinished job until the job writes its manifest. Chunks of any size are reused: a resume may
/// use another chunk size.
pub fn prepare<I: Identity>(
    dir: &Path,
    job: &JobFile<I>,
    policy: Policy,
) -> Result<Prepared, OutputDirError> {
    claim(dir)?;
    lock(dir)?;
    remove_leftover_temps(dir);
    let mut reuse = false;
    match read_job_file::<I>(dir, &job.kind) {
        None => {
            if holds_anything(dir)? {
                if !policy.force {
                    return Err(OutputDirError::OtherKind {
                        dir: dir.to_path_buf(),
                        found: "the output of an older partnersim or of another command".into(),
                        wanted: a_kind(&job.kind),
                    });
                }
                clear(dir)?;
            }
        }
        Some(Err(found)) => {
            if !policy.force {
                return Err(OutputDirError::OtherKind {
                    dir: dir.to_path_buf(),
                    found,
                    wanted: a_kind(&job.kind),
                });
            }
            clear(dir)?;
        }
        Some(Ok(old)) => {
            if let Some(what) = job.differs(&old) {
                if !policy.force {
                    return Err(OutputDirError::OtherJob {
                        dir: dir.to_path_buf(),
                        kind: noun(&job.kind).into(),
                        what,
                    });
                }
                clear(dir)?;
            } else if policy.force {
                clear(dir)?;
            } else {
                let finished = dir.join(MANIFEST).exists();
                let chunks = has_chunks(dir);
                if chunks && !finished {
                    if !(policy.resume || policy.shard) {
                        return Err(OutputDirError::Unfinished {
                            dir: dir.to_path_buf(),
                            kind: noun(&job.kind).into(),
                        });
                    }
                    reuse = true;
                } else if chunks {
                    // a finished result with leftover chunks: start again cleanly
                    remove_chunks(dir)?;
                }
            }
        }
    }
    for f in [MANIFEST, SHARD_FILE] {
        let p = dir.join(f);
        if p.exists() {
            std::fs::remove_file(&p).map_err(io(&p))?;
        }
    }
    let text = serde_json::to_string_pretty(job).map_err(|e| io(dir)(e.into()))?;
    crate::output::export::write_atomic(&dir.join(JOB_FILE), text.as_bytes()).map_err(io(dir))?;
    Ok(Prepared {
        reuse_chunks: reuse,
    })
}

/// Removes the chunk folder.
pub fn remove_chunks(dir: &Path) -> Result<(), OutputDirError> {
    let c = dir.join(CHUNK_DIR);
    if c.exists() {
        std::fs::remove_dir_all(&c).map_err(io(&c))?;
    }
    Ok(())
}

/// What a directory holds, for commands that read results (`plot`): its job header, or why it
/// is not a finished partnersim result.
pub fn finished_kind(dir: &Path) -> Result<JobHeader, String> {
    if !dir.is_dir() {
        return Err(format!("{}: no such directory", dir.display()));
    }
    let Ok(bytes) = std::fs::read(dir.join(JOB_FILE)) else {
        return Err(if dir.join(MARKER).exists() {
            format!(
                "{}: holds no partnersim result (no {JOB_FILE}); it is empty or was written by an older partnersim",
                dir.display()
            )
        } else {
            format!(
                "{}: not a partnersim output directory (no {JOB_FILE})",
                dir.display()
            )
        });
    };
    let header: JobHeader = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{}: not a partnersim job file: {e}",
            dir.join(JOB_FILE).display()
        )
    })?;
    if !dir.join(MANIFEST).exists() {
        return Err(format!(
            "{}: holds an unfinished {} (no {MANIFEST}); finish it by running its command again with --resume",
            dir.display(),
            header.kind
        ));
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Id {
        seed: u64,
    }
    impl Identity for Id {
        fn differs(&self, old: &Self) -> Option<String> {
            (self.seed != old.seed).then(|| format!("seed {} vs {}", old.seed, self.seed))
        }
    }

    fn job(kind: &str, seed: u64, chunk: u64) -> JobFile<Id> {
        JobFile::new(kind, Id { seed }, 2, chunk)
    }

    const P: Policy = Policy {
        resume: false,
        force: false,
        shard: false,
    };

    #[test]
    fn the_policy_table() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("out");
        let prep = |j: &JobFile<Id>, p: Policy| prepare(&d, j, p);
        // absent: start
        assert!(!prep(&job("run", 1, 4), P).unwrap().reuse_chunks);
        // interrupted (chunks, no manifest): refused, resumed, forced
        std::fs::create_dir_all(d.join(CHUNK_DIR)).unwrap();
        std::fs::write(d.join(CHUNK_DIR).join("0-4.bin"), b"x").unwrap();
        let e = prep(&job("run", 1, 4), P).unwrap_err().to_string();
        assert!(e.contains("--resume"), "{e}");
        let resume = Policy { resume: true, ..P };
        assert!(prep(&job("run", 1, 4), resume).unwrap().reuse_chunks);
        // another chunk size: the chunks on disk are still reused
        assert!(prep(&job("run", 1, 5), resume).unwrap().reuse_chunks);
        let shard = Policy { shard: true, ..P };
        assert!(prep(&job("run", 1, 4), shard).unwrap().reuse_chunks);
        // a different job of the same kind: refused even with --resume, and says why
        let e = prep(&job("run", 2, 4), resume).unwrap_err().to_string();
        assert!(
            e.contains("different run (seed 1 vs 2)") && e.contains("--resume cannot continue"),
            "{e}"
        );
        // another kind: refused; --force clears everything
        let e = prep(&job("sweep", 1, 4), P).unwrap_err().to_string();
        assert!(
            e.contains("holds a run, not a sweep") && e.contains("--force"),
            "{e}"
        );
        std::fs::write(d.join("stale.csv"), b"x").unwrap();
        let force = Policy { force: true, ..P };
        assert!(!prep(&job("sweep", 1, 4), force).unwrap().reuse_chunks);
        assert!(!d.join("stale.csv").exists() && !d.join(CHUNK_DIR).exists());
        assert!(d.join(MARKER).exists());
        // a foreign directory is never written into, not even with --force
        let f = t.path().join("foreign");
        std::fs::create_dir(&f).unwrap();
        std::fs::write(f.join("notes.txt"), b"mine").unwrap();
        let e = prepare(&f, &job("run", 1, 4), force).unwrap_err();
        assert!(matches!(e, OutputDirError::Foreign(_)));
        assert_eq!(std::fs::read_dir(&f).unwrap().count(), 1);
    }

    #[test]
    fn the_digest_ignores_the_chunk_size_only() {
        assert_eq!(job("run", 1, 4).digest(), job("run", 1, 64).digest());
        assert_ne!(job("run", 1, 4).digest(), job("run", 2, 4).digest());
        assert_ne!(job("run", 1, 4).digest(), job("sweep", 1, 4).digest());
    }
}
