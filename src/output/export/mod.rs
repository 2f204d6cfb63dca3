//! Output files: atomic writes, typed JSON reading, CSV numbers, and the file formats commands
//! share (`partnerships.json`: [`partnerships`]; a study's own result types live in its module,
//! e.g. `compare.json` in [`crate::studies::compare::results`]).
//!
//! Every file is written to a temporary file in the same directory and then renamed over the
//! destination, so a reader (or a resumed run) never sees a half-written file.

pub mod partnerships;

use crate::error::BadInput;
use anyhow::Context;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file in the same directory, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = temp_sibling(path);
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    // a failed write (a full disk) leaves no temporary file behind, and says which file and why
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(named(path, &e))
        }
    }
}

/// What went wrong with a file operation, in words that tell a full disk, a read-only file
/// system and a missing permission apart.
pub fn io_cause(e: &std::io::Error) -> String {
    #[cfg(unix)]
    let known = match e.raw_os_error() {
        Some(libc::ENOSPC) => Some("no space left on the disk"),
        Some(libc::EDQUOT) => Some("the disk quota is used up"),
        Some(libc::EROFS) => Some("the file system is read-only"),
        Some(libc::EACCES | libc::EPERM) => Some("permission denied"),
        _ => None,
    };
    #[cfg(not(unix))]
    let known: Option<&str> = None;
    match known {
        Some(k) => format!("{k} ({e})"),
        None => e.to_string(),
    }
}

/// An I/O error that names its file: `out/report.html: no space left on the disk (…)`; keeps
/// the error's kind.
pub fn named(path: &Path, e: &std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {}", path.display(), io_cause(e)))
}

fn temp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Reads a JSON file into its type; a missing file or one that is not that type is an error
/// naming the file (bad input: exit code 2).
pub fn read_json<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let bytes = std::fs::read(path)
        .map_err(|e| BadInput::err(format!("{}: cannot read: {e}", path.display())))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        BadInput::err(format!(
            "{}: damaged or not the expected file: {e}",
            path.display()
        ))
    })
}

/// Writes a value as pretty JSON (with a final newline), atomically.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    Ok(write_atomic(path, text.as_bytes())?)
}

/// Checks that files can be created in `dir` (creating it if needed), so that a read-only folder
/// is reported with its path before anything is drawn into it (bad input: exit code 2).
pub fn ensure_writable(dir: &Path) -> anyhow::Result<()> {
    let probe = dir.join(format!(".write-test-{}", std::process::id()));
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::File::create(&probe))
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| BadInput::err(format!("{}: cannot write: {}", dir.display(), io_cause(&e))))
}

/// A number in a CSV cell: Rust's shortest round-trip text; an empty cell for an undefined value
/// (NaN, an interval of fewer than two replications), which CSV readers take as missing.
pub fn cell(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    if !v.is_nan() {
        let _ = write!(out, "{v}");
    }
}

/// A CSV written in pieces to a temporary file and renamed into place by [`CsvStream::finish`];
/// dropped unfinished (an error, an interruption), it removes its temporary file.
pub struct CsvStream {
    tmp: PathBuf,
    dest: PathBuf,
    w: Option<std::io::BufWriter<std::fs::File>>,
}

impl CsvStream {
    /// Starts `dest` with a header line.
    pub fn create(dest: PathBuf, header: &str) -> anyhow::Result<CsvStream> {
        let tmp = temp_sibling(&dest);
        let f =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut s = CsvStream {
            tmp,
            dest,
            w: Some(std::io::BufWriter::with_capacity(1 << 16, f)),
        };
        s.line(header)?;
        Ok(s)
    }

    /// Appends one line (without its newline).
    pub fn line(&mut self, s: &str) -> anyhow::Result<()> {
        self.raw(s.as_bytes())?;
        self.raw(b"\n")
    }

    /// Appends bytes as they are.
    pub fn raw(&mut self, b: &[u8]) -> anyhow::Result<()> {
        if let Some(w) = self.w.as_mut() {
            w.write_all(b).map_err(|e| named(&self.dest, &e))?;
        }
        Ok(())
    }

    /// Flushes to disk and renames into place.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let Some(w) = self.w.take() else {
            return Ok(());
        };
        let done = w
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .and_then(|()| std::fs::rename(&self.tmp, &self.dest));
        done.map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp);
            anyhow::Error::new(named(&self.dest, &e))
        })
    }
}

impl Drop for CsvStream {
    fn drop(&mut self) {
        if self.w.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn atomic_write_replaces_whole_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sub/x.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn unfinished_streams_leave_nothing_and_damaged_json_names_its_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.csv");
        {
            let mut s = CsvStream::create(p.clone(), "x").unwrap();
            s.line("1").unwrap();
        }
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
        let s = CsvStream::create(p.clone(), "x").unwrap();
        s.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "x\n");
        let j = d.path().join("compare.json");
        std::fs::write(&j, "{ not json").unwrap();
        let e = read_json::<serde_json::Value>(&j).unwrap_err();
        assert!(crate::error::render(&e).contains("compare.json"));
        assert!(e.is::<BadInput>());
    }

    #[test]
    fn undefined_cells_are_empty() {
        let mut s = String::new();
        cell(&mut s, 0.25);
        s.push(',');
        cell(&mut s, f64::NAN);
        assert_eq!(s, "0.25,");
    }
}
