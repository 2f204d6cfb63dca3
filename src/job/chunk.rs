//! Chunk files: the records of a contiguous range of items, saved as soon as they are computed.
//!
//! A chunk file `DIR/.chunks/<first>-<end>.bin` holds a header and `count × record_len`
//! little-endian `f64`s:
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `PSCHUNK2` |
//! | 32 | SHA-256 of the job file (kind, version, identity, record length: [`super::outdir::JobFile::digest`]) |
//! | 8 | first item |
//! | 8 | number of items |
//! | 8 | values per item (record length) |
//! | 8 | checksum of the values |
//!
//! A chunk is used only if every header field and the checksum match, so a chunk of another job,
//! a truncated file or one damaged by a power cut is recomputed, never used. Chunk files are
//! renamed into place but not flushed to disk one by one (the checksum catches what a crash
//! could leave behind); final outputs are flushed.

use std::ops::Range;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"PSCHUNK2";
const HEAD: usize = 8 + 32 + 4 * 8;

/// The folder under an output directory that holds chunk files.
pub const CHUNK_DIR: &str = ".chunks";

/// Path of the chunk holding `items` in `dir`.
pub fn path(dir: &Path, items: &Range<u64>) -> PathBuf {
    dir.join(CHUNK_DIR)
        .join(format!("{:012}-{:012}.bin", items.start, items.end))
}

/// The item ranges of the chunk files in `dir` (by name; their contents are checked when read).
pub fn on_disk(dir: &Path) -> Vec<Range<u64>> {
    let Ok(entries) = std::fs::read_dir(dir.join(CHUNK_DIR)) else {
        return Vec::new();
    };
    let mut v: Vec<Range<u64>> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (a, b) = name.strip_suffix(".bin")?.split_once('-')?;
            Some(a.parse().ok()?..b.parse().ok()?)
        })
        .filter(|r: &Range<u64>| r.start < r.end)
        .collect();
    v.sort_by_key(|r| (r.start, r.end));
    v
}

/// Bytes of a chunk file of `count` items of `record_len` values.
pub fn file_bytes(count: u64, record_len: usize) -> u64 {
    HEAD as u64 + count * record_len as u64 * 8
}

/// A fast checksum of the values (not cryptographic: it detects damage, not tampering).
fn checksum(values: &[f64]) -> u64 {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15 ^ values.len() as u64;
    for v in values {
        h = (h ^ v.to_bits())
            .wrapping_mul(0x0000_0100_0000_01B3)
            .rotate_left(27);
    }
    h
}

/// The header of a chunk of `items` of the job whose digest is `digest`.
fn header(digest: &[u8; 32], items: &Range<u64>, record_len: usize, values: &[f64]) -> Vec<u8> {
    let mut b = Vec::with_capacity(HEAD);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(digest);
    for x in [
        items.start,
        items.end - items.start,
        record_len as u64,
        checksum(values),
    ] {
        b.extend_from_slice(&x.to_le_bytes());
    }
    b
}

/// The values as little-endian bytes, without a copy where the machine is little-endian.
fn value_bytes(values: &[f64]) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(target_endian = "little")]
    {
        // SAFETY: f64 has no padding and any byte is a valid u8; the slice covers exactly the
        // memory of `values`, borrowed for as long as `values` is.
        std::borrow::Cow::Borrowed(unsafe {
            std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values))
        })
    }
    #[cfg(not(target_endian = "little"))]
    {
        std::borrow::Cow::Owned(values.iter().flat_map(|v| v.to_le_bytes()).collect())
    }
}

/// The bytes of a chunk of `items` of the job whose digest is `digest`.
pub fn encode(digest: &[u8; 32], items: &Range<u64>, record_len: usize, values: &[f64]) -> Vec<u8> {
    let mut b = header(digest, items, record_len, values);
    b.extend_from_slice(&value_bytes(values));
    b
}

/// Word `k` of a chunk's header after the magic and the digest (items start, count, record
/// length, checksum); `u64::MAX` if the bytes are too short.
fn head_word(bytes: &[u8], k: usize) -> u64 {
    let at = 40 + 8 * k;
    bytes
        .get(at..at + 8)
        .and_then(|w| w.try_into().ok())
        .map_or(u64::MAX, u64::from_le_bytes)
}

/// Whether `bytes` begin with the header of the chunk of `items` of the job whose digest is
/// `digest`, with `record_len` values per record (the checksum is not looked at).
fn head_matches(bytes: &[u8], digest: &[u8; 32], items: &Range<u64>, record_len: usize) -> bool {
    bytes.len() >= HEAD
        && &bytes[..8] == MAGIC
        && &bytes[8..40] == digest
        && head_word(bytes, 0) == items.start
        && head_word(bytes, 1) == items.end - items.start
        && head_word(bytes, 2) == record_len as u64
}

/// Appends the little-endian values in `bytes` to `out`.
fn extend_values(out: &mut Vec<f64>, bytes: &[u8]) {
    out.extend(
        bytes
            .chunks_exact(8)
            .map(|w| f64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]])),
    );
}

/// Decodes a chunk into `out` (resized to `count × record_len`); false if the bytes are not
/// exactly the chunk of `items` of this job, intact.
pub fn decode(
    bytes: &[u8],
    digest: &[u8; 32],
    items: &Range<u64>,
    record_len: usize,
    out: &mut Vec<f64>,
) -> bool {
    if !head_matches(bytes, digest, items, record_len) {
        return false;
    }
    let Some(n) = ((items.end - items.start) as usize).checked_mul(record_len) else {
        return false;
    };
    if bytes.len() != HEAD + n * 8 {
        return false;
    }
    out.clear();
    extend_values(out, &bytes[HEAD..]);
    checksum(out) == head_word(bytes, 3)
}

/// Reads and checks a chunk file into `out`; false if it is absent, another job's or damaged.
pub fn read(
    dir: &Path,
    digest: &[u8; 32],
    items: &Range<u64>,
    record_len: usize,
    out: &mut Vec<f64>,
) -> bool {
    std::fs::read(path(dir, items)).is_ok_and(|b| decode(&b, digest, items, record_len, out))
}

/// Reads the values `part` of every record of the chunk of `items` into `out` (resized to
/// `count × part.len()`), seeking past the rest: the part of one consumer of records that hold
/// several side by side (a present-start comparison's regimes). The header must be this job's
/// chunk of `items`; the checksum, which covers whole records, is not checked here: the caller
/// reads chunks that the job has just written or read whole and checked.
pub fn read_part(
    dir: &Path,
    digest: &[u8; 32],
    items: &Range<u64>,
    record_len: usize,
    part: Range<usize>,
    out: &mut Vec<f64>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::{Read, Seek, SeekFrom};
    let p = path(dir, items);
    let count = (items.end - items.start) as usize;
    let mut read = || -> anyhow::Result<()> {
        let mut f = std::fs::File::open(&p)?;
        let mut head = [0u8; HEAD];
        f.read_exact(&mut head)?;
        if !head_matches(&head, digest, items, record_len) || part.end > record_len {
            anyhow::bail!("not this job's chunk of items {items:?}");
        }
        let mut bytes = vec![0u8; part.len() * 8];
        out.clear();
        out.reserve(count * part.len());
        for k in 0..count {
            let at = HEAD + (k * record_len + part.start) * 8;
            f.seek(SeekFrom::Start(at as u64))?;
            f.read_exact(&mut bytes)?;
            extend_values(out, &bytes);
        }
        Ok(())
    };
    read().with_context(|| format!("reading {}", p.display()))
}

/// Writes a chunk file atomically (temporary file, rename; not flushed: see the module docs).
pub fn write(
    dir: &Path,
    digest: &[u8; 32],
    items: &Range<u64>,
    record_len: usize,
    values: &[f64],
) -> anyhow::Result<()> {
    use anyhow::Context;
    let p = path(dir, items);
    let folder = dir.join(CHUNK_DIR);
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    let tmp = folder.join(format!(".tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&header(digest, items, record_len, values))?;
        f.write_all(&value_bytes(values))?;
        drop(f);
        std::fs::rename(&tmp, &p)
    };
    write().with_context(|| format!("writing {}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_mismatch_is_refused() {
        let d = [7u8; 32];
        let items = 64..67;
        let values: Vec<f64> = (0..6).map(|i| f64::from(i) * 0.5 - 1.0).collect();
        let b = encode(&d, &items, 2, &values);
        assert_eq!(b.len() as u64, file_bytes(3, 2));
        let mut out = Vec::new();
        assert!(decode(&b, &d, &items, 2, &mut out));
        assert_eq!(out, values);
        assert!(!decode(&b[..b.len() - 1], &d, &items, 2, &mut out));
        assert!(!decode(&b, &[8u8; 32], &items, 2, &mut out));
        assert!(!decode(&b, &d, &(0..3), 2, &mut out));
        assert!(!decode(&b, &d, &items, 3, &mut out));
        // one flipped bit in the values (a damaged file) is caught by the checksum
        let mut bad = b.clone();
        let last = bad.len() - 3;
        bad[last] ^= 0x10;
        assert!(!decode(&bad, &d, &items, 2, &mut out));
        // one part of every record, read from a file
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &d, &items, 2, &values).unwrap();
        let mut part = Vec::new();
        read_part(dir.path(), &d, &items, 2, 1..2, &mut part).unwrap();
        assert_eq!(part, vec![values[1], values[3], values[5]]);
        read_part(dir.path(), &d, &items, 2, 0..2, &mut part).unwrap();
        assert_eq!(part, values);
        assert!(read_part(dir.path(), &[8u8; 32], &items, 2, 0..1, &mut part).is_err());
        assert!(read_part(dir.path(), &d, &items, 3, 0..1, &mut part).is_err());
        // zeroed values of the right length, as a crash can leave them
        let mut zero = b;
        zero[HEAD..].iter_mut().for_each(|x| *x = 0);
        assert!(!decode(&zero, &d, &items, 2, &mut out));
    }
}
