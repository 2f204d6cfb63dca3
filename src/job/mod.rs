//! The batch-job core: one implementation of what every batch command needs.
//!
//! `run`, `compare` (one run per scenario), `sweep`, and the calibration and exploration
//! commands to come all evaluate a list of *items* (replications, sweep points, particles,
//! regime × state pairs) whose results must be byte-identical however they were computed: at any
//! thread count, straight through or interrupted and resumed, on one machine or in shards merged
//! later. A caller describes its work as a [`Job`]: an [`Identity`] (serde: what determines the
//! numbers), the number of items, a fixed-size record of `f64` per item, a chunk size, and
//! [`Job::eval_item`]. The core does the rest:
//!
//! * [`outdir`]: the output-directory policy (start, continue, refuse, `--force`), one typed
//!   error that maps to exit code 2, the job file `job.json`;
//! * [`exec::execute`]: the chunk loop: items in parallel on a [`threads::Threads`] pool,
//!   finished chunks reused, each new chunk saved atomically ([`chunk`]), Ctrl-C / SIGTERM
//!   between chunks ([`interrupt`]), a progress bar, a disk-space check before starting
//!   ([`disk`]); every chunk is handed to the caller's sink in item order while the next is
//!   computed, so aggregation overlaps the model runs;
//! * [`shard`]: `--shard I/N` slices (balanced to within one item), shard records, and
//!   [`exec::Merge`], which checks that shards cover the items exactly once and replays their
//!   chunks in item order;
//! * [`budget`]: one work budget (model runs × months × ISOs, and memory held at once) every
//!   command checks before it starts;
//! * [`manifest::Manifest`]: `manifest.json`, one type for every kind of result, written last.
//!
//! The core knows nothing of the model: a caller's `eval_item` runs `Model::new(cfg, seed,
//! rep).run()`, a test function, or anything else.
//!
//! # Example
//!
//! A job of 100 items whose record is the item's square and cube, summed by a sink in item
//! order (the same sums at any thread count and after any interruption):
//!
//! ```
//! use partnersim::job::{self, exec::{Options, Status}, threads::Threads, Identity, Job};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
//! struct Powers { n: u64 }
//!
//! impl Identity for Powers {
//!     fn differs(&self, old: &Self) -> Option<String> {
//!         (self.n != old.n).then(|| format!("{} vs {} items", old.n, self.n))
//!     }
//! }
//!
//! struct PowersJob(Powers);
//!
//! impl Job for PowersJob {
//!     type Identity = Powers;
//!     const KIND: &'static str = "powers";
//!     const ITEM: &'static str = "numbers";
//!     fn identity(&self) -> &Powers { &self.0 }
//!     fn items(&self) -> u64 { self.0.n }
//!     fn record_len(&self) -> usize { 2 }
//!     fn chunk_items(&self) -> u64 { 16 }
//!     fn eval_item(&self, item: u64, record: &mut [f64]) -> anyhow::Result<()> {
//!         let x = item as f64;
//!         record.copy_from_slice(&[x * x, x * x * x]);
//!         Ok(())
//!     }
//! }
//!
//! # fn main() -> anyhow::Result<()> {
//! let dir = tempfile::tempdir()?;
//! let out = dir.path().join("powers");
//! let mut sums = [0.0; 2];
//! let mut sink = |_items: std::ops::Range<u64>, values: &[f64]| {
//!     for r in values.chunks_exact(2) {
//!         sums[0] += r[0];
//!         sums[1] += r[1];
//!     }
//!     Ok(())
//! };
//! let opts = Options::new(Threads::new(Some(2))?);
//! let status = job::exec::execute(&PowersJob(Powers { n: 100 }), &out, &opts, Some(&mut sink))?;
//! assert!(matches!(status, Status::Complete { computed: 100, .. }));
//! assert_eq!(sums, [328_350.0, 24_502_500.0]);
//! // the caller writes its outputs, then the manifest, which marks the result finished
//! # Ok(())
//! # }
//! ```

pub mod budget;
pub mod chunk;
pub mod disk;
pub mod exec;
pub mod interrupt;
pub mod manifest;
pub mod outdir;
pub mod shard;
pub mod threads;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// What determines a job's numbers: two directories with equal identities hold the same results.
/// Recorded in `job.json`, in every shard record and (as a digest) in every chunk.
pub trait Identity: Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync {
    /// How `self` (asked for now) differs from `old` (found on disk), in words for a message
    /// (`seed 1 vs 2, reps 100 vs 200`); None if they are the same.
    fn differs(&self, old: &Self) -> Option<String>;
}

/// Collects how two identities differ, in words, for [`Identity::differs`]:
/// `scenario a (1f2e…) vs b (77c0…), seed 1 vs 2`.
#[derive(Debug, Default)]
pub struct Differences(Vec<String>);

impl Differences {
    /// `what old vs new` when the values differ.
    pub fn value<T: PartialEq + std::fmt::Display>(
        &mut self,
        what: &str,
        old: T,
        new: T,
    ) -> &mut Self {
        if old != new {
            self.0.push(format!("{what} {old} vs {new}"));
        }
        self
    }

    /// `what old (hash) vs new (hash)` when the content hashes differ, else `what name old vs
    /// new` when only the names do.
    pub fn content(&mut self, what: &str, old: (&str, &str), new: (&str, &str)) -> &mut Self {
        let short = |h: &str| h.chars().take(12).collect::<String>();
        if old.1 != new.1 {
            self.0.push(format!(
                "{what} {} ({}) vs {} ({})",
                old.0,
                short(old.1),
                new.0,
                short(new.1)
            ));
        } else if old.0 != new.0 {
            self.0.push(format!("{what} name {} vs {}", old.0, new.0));
        }
        self
    }

    /// `text` when `differs`.
    pub fn when(&mut self, differs: bool, text: impl Into<String>) -> &mut Self {
        if differs {
            self.0.push(text.into());
        }
        self
    }

    /// The differences joined, or None if there are none.
    pub fn finish(&mut self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.join(", "))
    }
}

/// A batch of items evaluated in chunks (see the module docs).
pub trait Job: Sync {
    /// What determines the numbers.
    type Identity: Identity;
    /// The kind of result ("run", "sweep", …), recorded in `job.json` and the manifest.
    const KIND: &'static str;
    /// What an item is, plural, for messages ("replications", "points").
    const ITEM: &'static str;
    /// The identity.
    fn identity(&self) -> &Self::Identity;
    /// Number of items.
    fn items(&self) -> u64;
    /// `f64` values per item.
    fn record_len(&self) -> usize;
    /// Items per chunk: the unit saved to disk and redone after an interruption.
    fn chunk_items(&self) -> u64;
    /// Evaluates item `item` into `record` (`record_len` values), writing every value (the
    /// buffer may hold another item's record). Called from many threads at once; the result must
    /// depend on the item alone.
    fn eval_item(&self, item: u64, record: &mut [f64]) -> anyhow::Result<()>;
}
pub mod progress;
