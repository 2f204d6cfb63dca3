//! Shards: a deterministic slice of a job's items, computed anywhere and merged exactly.
//!
//! Shard `I` of `N` computes items `⌊n (I−1)/N⌋ .. ⌊n I/N⌋` of `n`, so shards differ by at most
//! one item whatever the chunk size (90 replications over 3 shards: 30, 30, 30). Within its
//! range a shard saves chunks of at most the job's chunk size. A finished shard writes
//! [`SHARD_FILE`] last; a merge checks that the shards belong to one job and cover every item
//! exactly once ([`coverage`]), then reads their chunks in item order.

use super::outdir::JobFile;
use crate::error::BadInput;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::PathBuf;

pub use super::outdir::SHARD_FILE;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based index
    pub index: u64,
    /// number of shards
    pub count: u64,
}

impl Shard {
    /// Parses `--shard`: `I/N` (1-based), or `auto`: `SLURM_ARRAY_TASK_ID` minus
    /// `SLURM_ARRAY_TASK_MIN` plus one of `SLURM_ARRAY_TASK_COUNT` (a Slurm job array), or
    /// `JOB_COMPLETION_INDEX` plus one of `PARTNERSIM_SHARDS` (a Kubernetes Indexed Job).
    pub fn parse(text: &str) -> Result<Shard, BadInput> {
        Self::parse_with(text, |k| std::env::var(k).ok())
    }

    /// [`Shard::parse`] with the environment given as a function.
    pub fn parse_with(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, BadInput> {
        let bad = |m: String| BadInput(format!("--shard {text}: {m}"));
        let num = |k: &str| env(k).and_then(|v| v.trim().parse::<u64>().ok());
        let (index, count) = if text == "auto" {
            if let (Some(id), Some(count)) =
                (num("SLURM_ARRAY_TASK_ID"), num("SLURM_ARRAY_TASK_COUNT"))
            {
                let min = num("SLURM_ARRAY_TASK_MIN").unwrap_or(0);
                if id < min {
                    return Err(bad(format!(
                        "SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
                    )));
                }
                (id - min + 1, count)
            } else if let (Some(idx), Some(count)) =
                (num("JOB_COMPLETION_INDEX"), num("PARTNERSIM_SHARDS"))
            {
                (idx.saturating_add(1), count)
            } else {
                return Err(bad("set SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (Slurm job array) or JOB_COMPLETION_INDEX and PARTNERSIM_SHARDS (Kubernetes Indexed Job)".into()));
            }
        } else {
            let (i, n) = text
                .split_once('/')
                .ok_or_else(|| bad("expected I/N, e.g. 2/8, or auto".into()))?;
            let i = i
                .trim()
                .parse::<u64>()
                .map_err(|_| bad("I is not a whole number".into()))?;
            let n = n
                .trim()
                .parse::<u64>()
                .map_err(|_| bad("N is not a whole number".into()))?;
            (i, n)
        };
        if count == 0 || index == 0 || index > count {
            return Err(bad(format!("shard {index} of {count}: need 1 <= I <= N")));
        }
        Ok(Shard { index, count })
    }

    /// The items this shard computes out of `items` (balanced: sizes differ by at most one).
    pub fn items(&self, items: u64) -> Range<u64> {
        let at = |i: u64| (u128::from(items) * u128::from(i) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The chunks of `range`: consecutive blocks of at most `chunk_items` items.
pub fn chunks(range: Range<u64>, chunk_items: u64) -> Vec<Range<u64>> {
    let step = chunk_items.max(1);
    let mut v = Vec::new();
    let mut a = range.start;
    while a < range.end {
        let b = range.end.min(a.saturating_add(step));
        v.push(a..b);
        a = b;
    }
    v
}

/// The chunks that cover `range`: the chunks of `existing` that lie within it (the first of any
/// that overlap), and chunks of at most `chunk_items` items in the gaps between them. So a
/// resumed job reuses what any earlier invocation saved (a shard of another split, a different
/// chunk size) and computes only the rest.
pub fn plan(range: Range<u64>, chunk_items: u64, existing: &[Range<u64>]) -> Vec<Range<u64>> {
    let mut v = Vec::new();
    let mut at = range.start;
    let mut inside: Vec<&Range<u64>> = existing
        .iter()
        .filter(|r| r.start >= range.start && r.end <= range.end && r.start < r.end)
        .collect();
    inside.sort_by_key(|r| (r.start, r.end));
    for r in inside {
        if r.start < at {
            continue;
        }
        v.extend(chunks(at..r.start, chunk_items));
        v.push(r.clone());
        at = r.end;
    }
    v.extend(chunks(at..range.end, chunk_items));
    v
}

/// What a finished shard computed (written last into its directory as [`SHARD_FILE`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardRecord<I> {
    /// the kind of job ("run", "sweep", …)
    pub kind: String,
    /// the job file of the job this shard belongs to
    pub job: JobFile<I>,
    /// which shard
    pub shard: Shard,
    /// items of the whole job
    pub items: u64,
    /// first item computed
    pub first_item: u64,
    /// one past the last item computed
    pub end_item: u64,
    /// the input files the job was built from, as given and as absolute paths, for a merge that
    /// must reload them (a sweep file); empty when the shard carries what a merge needs
    #[serde(default)]
    pub inputs: Vec<String>,
}

/// Just the kind of a shard record, to tell run shards from sweep shards before reading one.
#[derive(Debug, Clone, Deserialize)]
pub struct ShardKind {
    /// the kind of job
    pub kind: String,
}

/// How a set of item ranges fails to cover `0..items` exactly once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// ranges `a` and `b` (indices into the list) both hold `item`
    Overlap {
        /// first range
        a: usize,
        /// second range
        b: usize,
        /// the first item both hold
        item: u64,
    },
    /// no range holds the items from `item` on (up to the next range)
    Gap {
        /// the first missing item
        item: u64,
    },
    /// range `k` reaches past the end
    OutOfRange {
        /// the range
        k: usize,
    },
}

/// The order in which `ranges` tile `0..items` (indices into `ranges`, by first item), or how
/// they fail to. Empty ranges are allowed anywhere.
pub fn coverage(ranges: &[Range<u64>], items: u64) -> Result<Vec<usize>, Coverage> {
    if let Some(k) = ranges.iter().position(|r| r.end > items || r.start > r.end) {
        return Err(Coverage::OutOfRange { k });
    }
    let mut order: Vec<usize> = (0..ranges.len())
        .filter(|&k| !ranges[k].is_empty())
        .collect();
    order.sort_by_key(|&k| (ranges[k].start, k));
    let mut next = 0;
    let mut last: Option<usize> = None;
    for &k in &order {
        let r = &ranges[k];
        if r.start < next {
            return Err(Coverage::Overlap {
                a: last.unwrap_or(k),
                b: k,
                item: r.start,
            });
        }
        if r.start > next {
            return Err(Coverage::Gap { item: next });
        }
        next = r.end;
        last = Some(k);
    }
    if next < items {
        return Err(Coverage::Gap { item: next });
    }
    let empty = (0..ranges.len()).filter(|&k| ranges[k].is_empty());
    Ok(order.into_iter().chain(empty).collect())
}

/// A coverage failure in words, naming the shard directories.
pub fn coverage_message(
    c: &Coverage,
    dirs: &[PathBuf],
    ranges: &[Range<u64>],
    item: &str,
) -> String {
    let d = |k: usize| dirs[k].display();
    match *c {
        Coverage::Overlap { a, b, item: at } => format!(
            "{} and {} overlap ({item} {at}.. are in both); merge each shard once",
            d(a),
            d(b)
        ),
        Coverage::Gap { item: at } => {
            let end = ranges
                .iter()
                .map(|r| r.start)
                .filter(|&s| s > at)
                .min()
                .map_or_else(|| "the end".to_string(), |s| s.to_string());
            format!(
                "the shards leave a gap: {item} {at} to {end} are in no shard (a shard is missing)"
            )
        }
        Coverage::OutOfRange { k } => format!(
            "{}: holds {item} {}..{}, past the end of the job",
            d(k),
            ranges[k].start,
            ranges[k].end
        ),
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one-range lists of ranges are what is meant here
mod tests {
    use super::*;

    #[test]
    fn parsing_flags_and_environments() {
        let none = |_: &str| None;
        assert_eq!(
            Shard::parse_with("2/8", none).unwrap(),
            Shard { index: 2, count: 8 }
        );
        for bad in ["0/8", "9/8", "x", "1/0", "a/b"] {
            assert!(Shard::parse_with(bad, none).is_err(), "{bad}");
        }
        assert!(Shard::parse_with("auto", none).is_err());
        let slurm = |k: &str| match k {
            "SLURM_ARRAY_TASK_ID" => Some("3".to_string()),
            "SLURM_ARRAY_TASK_MIN" => Some("1".to_string()),
            "SLURM_ARRAY_TASK_COUNT" => Some("16".to_string()),
            _ => None,
        };
        assert_eq!(
            Shard::parse_with("auto", slurm).unwrap(),
            Shard {
                index: 3,
                count: 16
            }
        );
        let k8s = |k: &str| match k {
            "JOB_COMPLETION_INDEX" => Some("0".to_string()),
            "PARTNERSIM_SHARDS" => Some("4".to_string()),
            _ => None,
        };
        assert_eq!(
            Shard::parse_with("auto", k8s).unwrap(),
            Shard { index: 1, count: 4 }
        );
    }

    #[test]
    fn shards_are_balanced_and_tile_the_items() {
        for items in [0u64, 1, 5, 64, 90, 200, 1001] {
            for n in 1..=7 {
                let ranges: Vec<_> = (1..=n)
                    .map(|i| Shard { index: i, count: n }.items(items))
                    .collect();
                assert!(coverage(&ranges, items).is_ok(), "{items} over {n}");
                let sizes: Vec<u64> = ranges.iter().map(|r| r.end - r.start).collect();
                let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(hi - lo <= 1, "{items} over {n}: {sizes:?}");
            }
        }
        let thirds: Vec<u64> = (1..=3)
            .map(|i| {
                let r = Shard { index: i, count: 3 }.items(90);
                r.end - r.start
            })
            .collect();
        assert_eq!(thirds, [30, 30, 30]);
    }

    #[test]
    fn chunks_split_a_range() {
        assert_eq!(chunks(30..100, 64), vec![30..94, 94..100]);
        assert_eq!(chunks(5..5, 64), Vec::<Range<u64>>::new());
    }

    #[test]
    fn plans_reuse_what_is_on_disk_and_fill_the_gaps() {
        assert_eq!(plan(0..70, 64, &[]), vec![0..64, 64..70]);
        assert_eq!(plan(0..70, 64, &[0..35]), vec![0..35, 35..70]);
        assert_eq!(
            plan(0..200, 64, &[10..20, 15..30, 150..210]),
            vec![0..10, 10..20, 20..84, 84..148, 148..200]
        );
        assert_eq!(plan(30..60, 64, &[0..64]), vec![30..60]);
    }

    #[test]
    fn coverage_refuses_overlap_gap_and_overflow() {
        assert_eq!(coverage(&[0..2, 2..5], 5), Ok(vec![0, 1]));
        assert_eq!(coverage(&[2..5, 0..2], 5), Ok(vec![1, 0]));
        assert_eq!(coverage(&[0..5, 3..3], 5), Ok(vec![0, 1]));
        assert_eq!(
            coverage(&[0..3, 2..5], 5),
            Err(Coverage::Overlap {
                a: 0,
                b: 1,
                item: 2
            })
        );
        assert_eq!(coverage(&[0..2, 3..5], 5), Err(Coverage::Gap { item: 2 }));
        assert_eq!(coverage(&[0..2], 5), Err(Coverage::Gap { item: 2 }));
        assert_eq!(coverage(&[0..6], 5), Err(Coverage::OutOfRange { k: 0 }));
    }
}
