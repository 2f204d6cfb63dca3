//! Worker threads: one check for every subcommand, and the rayon pool.
//!
//! Results never depend on the number of threads, so the only sane values are between one and a
//! few per core: `--threads 0` and values above [`max_threads`] are refused (a run asked for
//! 100,000 threads once spawned them all and made the machine unusable).

use crate::error::BadInput;

/// Available cores (1 if unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Most threads a command accepts: four per available core, and never more than 1024.
pub fn max_threads() -> usize {
    (4 * cores()).min(1024)
}

/// A checked number of worker threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threads(usize);

impl Threads {
    /// `--threads`: None means one per core; 0 and more than [`max_threads`] are refused.
    pub fn new(requested: Option<usize>) -> Result<Threads, BadInput> {
        match requested {
            None => Ok(Threads(cores())),
            Some(0) => Err(BadInput("--threads 0: must be at least 1".into())),
            Some(n) if n > max_threads() => Err(BadInput(format!(
                "--threads {n}: at most {} on this machine (4 per available core, {} cores, and at most 1024); results do not depend on the number of threads",
                max_threads(),
                cores()
            ))),
            Some(n) => Ok(Threads(n)),
        }
    }

    /// One worker per core.
    pub fn all() -> Threads {
        Threads(cores())
    }

    /// The number of workers.
    pub fn count(self) -> usize {
        self.0
    }

    /// A rayon pool with this many workers.
    pub fn pool(self) -> anyhow::Result<rayon::ThreadPool> {
        Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(self.0)
            .build()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_absurd_counts_are_refused() {
        assert!(Threads::new(Some(0)).is_err());
        let e = Threads::new(Some(100_000)).unwrap_err().to_string();
        assert!(e.contains("--threads 100000: at most"), "{e}");
        assert!(Threads::new(Some(max_threads() + 1)).is_err());
        assert_eq!(Threads::new(Some(1)).unwrap().count(), 1);
        assert_eq!(
            Threads::new(Some(max_threads())).unwrap().count(),
            max_threads()
        );
        assert_eq!(Threads::new(None).unwrap().count(), cores());
    }
}
