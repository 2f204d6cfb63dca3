//! Disk space: estimate what a job needs before it starts, and refuse when it clearly will not fit.
//!
//! A job keeps its chunks until its final outputs are written, so it needs room for every chunk
//! of its range plus the outputs. On a file system with less free space than that the job is
//! refused before it computes anything, rather than failing hours later.

use crate::error::BadInput;
use std::path::Path;

/// Free bytes for an unprivileged writer on the file system holding `path` (None if unknown).
#[cfg(unix)]
pub fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `s` a valid out-pointer.
    let r = unsafe { libc::statvfs(c.as_ptr(), &mut s) };
    if r != 0 {
        return None;
    }
    Some((s.f_bavail as u64).saturating_mul(s.f_frsize as u64))
}

/// Why nothing can be written in the existing folder `path` (a read-only file system, no
/// permission), told apart from a full disk; None if it is writable (or unknown).
#[cfg(unix)]
pub fn not_writable(path: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `s` a valid out-pointer.
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } == 0 && s.f_flag & libc::ST_RDONLY != 0 {
        return Some(crate::output::export::io_cause(
            &std::io::Error::from_raw_os_error(libc::EROFS),
        ));
    }
    // SAFETY: `c` is a valid NUL-terminated path.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK) } != 0 {
        let e = std::io::Error::last_os_error();
        if matches!(
            e.raw_os_error(),
            Some(libc::EACCES | libc::EROFS | libc::EPERM)
        ) {
            return Some(crate::output::export::io_cause(&e));
        }
    }
    None
}

/// Why nothing can be written (unknown on this platform).
#[cfg(not(unix))]
pub fn not_writable(_path: &Path) -> Option<String> {
    None
}

/// Free bytes (unknown on this platform).
#[cfg(not(unix))]
pub fn free_bytes(_path: &Path) -> Option<u64> {
    None
}

/// A size in bytes for people: `2.8 MB`, `1.4 GB`.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    match bytes {
        0..=999_999 => format!("{:.0} kB", b / 1e3),
        1_000_000..=999_999_999 => format!("{:.1} MB", b / 1e6),
        1_000_000_000..=999_999_999_999 => format!("{:.1} GB", b / 1e9),
        _ => format!("{:.1} TB", b / 1e12),
    }
}

/// Refuses to start when the file system that holds (or will hold) `dir` has less free space
/// than `needed` bytes.
pub fn check(dir: &Path, needed: u64, what: &str) -> Result<(), BadInput> {
    let mut existing = dir;
    while !existing.exists() {
        match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => existing = p,
            _ => {
                existing = Path::new(".");
                break;
            }
        }
    }
    if let Some(why) = not_writable(existing) {
        return Err(BadInput(format!(
            "{}: cannot write there: {why}; choose another --out",
            dir.display()
        )));
    }
    let Some(free) = free_bytes(existing) else {
        return Ok(());
    };
    if free < needed {
        return Err(BadInput(format!(
            "{}: {what} needs about {} of disk (its chunks are kept until the outputs are written), but only {} is free; free some space, choose another --out, or split the job with --shard",
            dir.display(),
            human(needed),
            human(free)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well_and_absurd_needs_are_refused() {
        assert_eq!(human(2_800_000), "2.8 MB");
        assert_eq!(human(12_345), "12 kB");
        let d = tempfile::tempdir().unwrap();
        assert!(free_bytes(d.path()).is_some_and(|b| b > 0));
        assert!(check(d.path(), 1, "a run").is_ok());
        let e = check(d.path(), u64::MAX, "a run").unwrap_err().to_string();
        assert!(e.contains("needs about") && e.contains("free"), "{e}");
    }
}
