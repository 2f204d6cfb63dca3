//! Output files: atomic writes and the small writers every command shares.
//!
//! Every file is written to a temporary file in the same directory and then
//! renamed over the destination, so a reader (or a resumed run) never sees a
//! half-written file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file in the same directory, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp: PathBuf = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
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
}

/// Name of the marker file that identifies a directory written by partnersim.
pub const MARKER: &str = ".partnersim";

/// Errors preparing an output directory.
#[derive(Debug, thiserror::Error)]
pub enum OutputDirError {
    /// The directory holds files that partnersim did not write.
    #[error(
        "{0}: exists and holds files partnersim did not write; choose another --out or empty it"
    )]
    Foreign(PathBuf),
    /// The directory holds results of a different run.
    #[error("{dir}: holds results of a different run ({what}); pass --force to replace them or --resume to continue")]
    OtherRun {
        /// directory
        dir: PathBuf,
        /// what differs
        what: String,
    },
    /// The directory holds an unfinished run of the same scenario.
    #[error("{0}: holds an interrupted run of this scenario; pass --resume to continue it or --force to start over")]
    Unfinished(PathBuf),
    /// I/O.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Makes sure `dir` can receive partnersim output: creates it (and parents) if absent; accepts an
/// empty directory or one that carries the partnersim marker; refuses anything else. Writes the marker.
pub fn prepare_output_dir(dir: &Path) -> Result<(), OutputDirError> {
    let io = |e| OutputDirError::Io(dir.to_path_buf(), e);
    if dir.exists() {
        let marker = dir.join(MARKER).exists();
        let empty = std::fs::read_dir(dir).map_err(io)?.next().is_none();
        if !marker && !empty {
            return Err(OutputDirError::Foreign(dir.to_path_buf()));
        }
    } else {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    write_atomic(
        &dir.join(MARKER),
        b"written by partnersim; safe to delete with this directory\n",
    )
    .map_err(io)
}
