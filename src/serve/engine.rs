//! Runs for the classroom page: replications of one scenario in parallel, stopped as soon as a
//! newer request supersedes them, reduced to per-month quantiles and per-replication summaries.
//!
//! Replication `i` is `Model::new(cfg, seed, i)`, exactly as `partnersim run` computes it, so a
//! run here and a run on the command line with the same seed and replications give the same
//! numbers, and two scenarios run with the same seed are paired (common random numbers).
//!
//! With the present start (the page's default, [`crate::studies::compare::start`]), a lesson's baseline warms up
//! once: [`warm_up`] keeps replication `i`'s state at reported month 0, and [`run_arm_from`]
//! continues a clone of it under the scenario's rules, as `compare --start present` does. The
//! warmed-up states are kept between slider moves in [`Presents`] (bounded by
//! [`PRESENT_STATES`]), so a slider move computes the ten reported years only.

use crate::metrics::{MonthRecord, N_METRICS};
use crate::model::trace::{trace_rest, IsoTrace};
use crate::model::{Config, Model, ReplicationOutput};
use crate::output::plot::data::quantile;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Quantiles drawn on the page: p05, p25, p50, p75, p95.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// One scenario's replications, reduced.
#[derive(Debug, Clone)]
pub struct ArmStats {
    /// months 1..=M
    pub months: Vec<u32>,
    /// per metric (catalogue order), per quantile of [`QUANTILES`], one value a month; `None`
    /// for a metric the run was not asked to chart ([`ArmStats::has`])
    pub quantiles: Vec<Option<[Vec<f64>; 5]>>,
    /// per replication, in replication order, the summary record
    pub summaries: Vec<MonthRecord>,
    /// wall time of the computation
    pub seconds: f64,
    /// replication 0's ISOs month by month (all of them), for the view of individual
    /// organizations: traced while the replication runs, so the view costs no run of its own
    pub trace: IsoTrace,
}

impl ArmStats {
    /// Whether the quantiles of every metric of `wanted` (catalogue indices) were reduced.
    pub fn has(&self, wanted: &[usize]) -> bool {
        wanted
            .iter()
            .all(|&j| self.quantiles.get(j).is_some_and(Option::is_some))
    }
}

/// Replication `r` from `m` (a new model, or a state forked at month 0): replication 0 traced.
fn finish_replication(m: Model<'_>, r: usize) -> (ReplicationOutput, Option<IsoTrace>) {
    if r == 0 {
        let (t, o) = trace_rest(m, usize::MAX);
        (o, Some(t))
    } else {
        (m.run_rest(), None)
    }
}

/// Runs replications `0..reps` of `cfg` under `seed` on `pool` and reduces the metrics of
/// `wanted` (catalogue indices) to quantiles; `None` as soon as `cancelled` says so (it is asked
/// before every replication).
pub fn run_arm(
    cfg: &Config,
    seed: u64,
    reps: u64,
    wanted: &[usize],
    pool: &rayon::ThreadPool,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<ArmStats> {
    let start = Instant::now();
    let outs: Vec<Option<(ReplicationOutput, Option<IsoTrace>)>> = pool.install(|| {
        (0..reps)
            .into_par_iter()
            .map(|r| {
                if cancelled() {
                    return None;
                }
                Some(finish_replication(Model::new(cfg, seed, r), r as usize))
            })
            .collect()
    });
    reduce(outs, start, wanted, pool, cancelled)
}

/// The present of a baseline: replication `i`'s state at reported month 0, for `i` in order.
pub type Present = Vec<Model<'static>>;

/// Warms up replications `0..reps` of `base` under `seed` on `pool`; `None` as soon as
/// `cancelled` says so.
pub fn warm_up(
    base: &Config,
    seed: u64,
    reps: u64,
    pool: &rayon::ThreadPool,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Present> {
    let states: Vec<Option<Model<'static>>> = pool.install(|| {
        (0..reps)
            .into_par_iter()
            .map(|r| {
                if cancelled() {
                    return None;
                }
                let mut m = Model::new(base, seed, r);
                m.warm_up();
                Some(m)
            })
            .collect()
    });
    if cancelled() {
        return None;
    }
    states.into_iter().collect()
}

/// Runs the first `reps` replications of `cfg` from `present` (its baseline's states): each a
/// clone of the state with `cfg`'s rules switched on at month 0, the metrics of `wanted` reduced
/// to quantiles. `Err` names the parameters when `cfg` changes one that cannot change during a
/// run; `Ok(None)` when cancelled.
pub fn run_arm_from(
    present: &[Model<'static>],
    cfg: &Config,
    reps: u64,
    wanted: &[usize],
    pool: &rayon::ThreadPool,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<Option<ArmStats>, String> {
    let start = Instant::now();
    let reps = (reps as usize).min(present.len());
    type Out = (ReplicationOutput, Option<IsoTrace>);
    let outs: Vec<Option<Result<Out, String>>> = pool.install(|| {
        present[..reps]
            .par_iter()
            .enumerate()
            .map(|(r, state)| {
                if cancelled() {
                    return None;
                }
                let mut m = state.clone();
                Some(m.switch_to(cfg).map(|()| finish_replication(m, r)))
            })
            .collect()
    });
    let mut done = Vec::with_capacity(outs.len());
    for o in outs {
        match o {
            Some(Ok(out)) => done.push(Some(out)),
            Some(Err(e)) => return Err(e),
            None => done.push(None),
        }
    }
    Ok(reduce(done, start, wanted, pool, cancelled))
}

/// Per-month quantiles of the metrics of `wanted` and per-replication summaries of finished
/// replications (in replication order); `None` if any was cancelled.
fn reduce(
    outs: Vec<Option<(ReplicationOutput, Option<IsoTrace>)>>,
    start: Instant,
    wanted: &[usize],
    pool: &rayon::ThreadPool,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<ArmStats> {
    if outs.iter().any(Option::is_none) || cancelled() {
        return None;
    }
    let mut trace = None;
    let outs: Vec<(Vec<MonthRecord>, MonthRecord)> = outs
        .into_iter()
        .flatten()
        .map(|(o, t)| {
            if t.is_some() {
                trace = t;
            }
            (o.months, o.summary)
        })
        .collect();
    let trace = trace?;
    let months = outs.iter().map(|o| o.0.len()).min().unwrap_or(0);
    // only the metrics asked for (a page charts a few of the hundred or so); one metric per task
    // on the run's pool; each column is sorted alone, so the values do not depend on the
    // threads, and an unstable sort under the total order gives the same column as a stable one
    let quantiles: Vec<Option<[Vec<f64>; 5]>> = pool.install(|| {
        (0..N_METRICS)
            .into_par_iter()
            .map(|j| {
                if !wanted.contains(&j) {
                    return None;
                }
                let mut q: [Vec<f64>; 5] = std::array::from_fn(|_| Vec::with_capacity(months));
                let mut column = Vec::with_capacity(outs.len());
                for t in 0..months {
                    column.clear();
                    column.extend(outs.iter().map(|o| o.0[t][j]).filter(|v| v.is_finite()));
                    // a column already in order (every value the same, as for a mechanism the
                    // lesson switches off) is not sorted again: sorting leaves it as it is
                    if !column.is_sorted_by(|a, b| a.total_cmp(b).is_le()) {
                        column.sort_unstable_by(f64::total_cmp);
                    }
                    for (k, p) in QUANTILES.iter().enumerate() {
                        q[k].push(quantile(&column, *p));
                    }
                }
                Some(q)
            })
            .collect()
    });
    Some(ArmStats {
        months: (1..=months as u32).collect(),
        quantiles,
        summaries: outs.into_iter().map(|o| o.1).collect(),
        seconds: start.elapsed().as_secs_f64(),
        trace,
    })
}

/// Warmed-up states of lesson baselines, by (baseline content hash, seed), kept between slider
/// moves; the oldest goes first when more than [`PRESENT_STATES`] states are held.
#[derive(Default)]
pub struct Presents {
    entries: Vec<((String, u64), Arc<Present>)>,
}

/// States the page keeps at most: a state is one replication at month 0 (every ISO, agreement,
/// cohort and stream, and room for its 120 months of records), about 135 kB at the shipped sizes
/// (the server's resident memory grew by 8.6 MB with one lesson's 64 states), so at most about
/// 70 MB: eight lesson baselines at the default 64 replications, two at 256.
pub const PRESENT_STATES: usize = 512;

impl Presents {
    /// The present of `key` with at least `reps` states, if kept (it becomes the newest).
    pub fn get(&mut self, key: &(String, u64), reps: u64) -> Option<Arc<Present>> {
        let i = self
            .entries
            .iter()
            .position(|e| &e.0 == key && e.1.len() as u64 >= reps)?;
        let e = self.entries.remove(i);
        let v = e.1.clone();
        self.entries.push(e);
        Some(v)
    }

    /// Keeps a present (replacing a smaller one of the same key), dropping the oldest while more
    /// than [`PRESENT_STATES`] states are held.
    pub fn put(&mut self, key: (String, u64), v: Arc<Present>) {
        self.entries.retain(|e| e.0 != key);
        self.entries.push((key, v));
        while self.entries.len() > 1 && self.held() > PRESENT_STATES {
            self.entries.remove(0);
        }
    }

    /// States held.
    pub fn held(&self) -> usize {
        self.entries.iter().map(|e| e.1.len()).sum()
    }
}

/// A small cache of finished runs, by (scenario content hash, seed, replications); the oldest
/// entry goes first when it is full.
#[derive(Debug, Default)]
pub struct Cache {
    entries: Vec<((String, u64, u64), Arc<ArmStats>)>,
}

/// Entries a cache keeps (at most about 0.35 MB each at 120 months, 64 replications and 40 ISOs
/// with every metric reduced, of which 58 kB is replication 0's trace; a page's run reduces its
/// charts only, 4.8 kB per metric, so about 0.15 MB).
pub const CACHE_ENTRIES: usize = 32;

impl Cache {
    /// The run of `key`, if cached (it becomes the newest).
    pub fn get(&mut self, key: &(String, u64, u64)) -> Option<Arc<ArmStats>> {
        let i = self.entries.iter().position(|e| &e.0 == key)?;
        let e = self.entries.remove(i);
        let v = e.1.clone();
        self.entries.push(e);
        Some(v)
    }
    /// Stores a run.
    pub fn put(&mut self, key: (String, u64, u64), v: Arc<ArmStats>) {
        self.entries.retain(|e| e.0 != key);
        if self.entries.len() >= CACHE_ENTRIES {
            self.entries.remove(0);
        }
        self.entries.push((key, v));
    }
}

/// Generations of the requests of each page (client): a request supersedes every earlier one of
/// the same client, whose runs then stop at their next replication.
#[derive(Debug, Default)]
pub struct Generations {
    clients: Vec<(String, Arc<AtomicU64>)>,
}

/// Clients remembered (the oldest is forgotten beyond this; its requests then run to the end).
pub const MAX_CLIENTS: usize = 256;

impl Generations {
    /// Starts a new request of `client`: returns its counter and the request's generation.
    pub fn start(&mut self, client: &str) -> (Arc<AtomicU64>, u64) {
        let counter = match self.clients.iter().position(|c| c.0 == client) {
            Some(i) => {
                let c = self.clients.remove(i);
                let counter = c.1.clone();
                self.clients.push(c);
                counter
            }
            None => {
                if self.clients.len() >= MAX_CLIENTS {
                    self.clients.remove(0);
                }
                let counter = Arc::new(AtomicU64::new(0));
                self.clients.push((client.to_string(), counter.clone()));
                counter
            }
        };
        let g = counter.fetch_add(1, Ordering::SeqCst) + 1;
        (counter, g)
    }

    /// The current generation of `client`'s requests, without starting one: work that should
    /// stop when the page asks for a newer run (and not stop that run) watches it.
    pub fn current(&self, client: &str) -> Option<(Arc<AtomicU64>, u64)> {
        self.clients
            .iter()
            .find(|c| c.0 == client)
            .map(|c| (c.1.clone(), c.1.load(Ordering::SeqCst)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn small() -> Config {
        let mut s = crate::input::scenario::Scenario::default();
        s.set_value("simulation.isos", 6.0).unwrap();
        s.set_value("simulation.duration_months", 24.0).unwrap();
        s.config()
    }

    #[test]
    fn the_quantiles_are_each_months_sorted_replications_at_any_thread_count() {
        let cfg = small();
        let runs: Vec<_> = (0..9u64)
            .map(|r| Model::new(&cfg, 3, r).run().months)
            .collect();
        let mut per_threads = Vec::new();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let all: Vec<usize> = (0..N_METRICS).collect();
            let a = run_arm(&cfg, 3, 9, &all, &pool, &|| false).unwrap();
            assert!(a.has(&all));
            for (j, q) in a.quantiles.iter().enumerate() {
                let q = q.as_ref().unwrap();
                for t in 0..24 {
                    let mut column: Vec<f64> = runs
                        .iter()
                        .map(|m| m[t][j])
                        .filter(|v| v.is_finite())
                        .collect();
                    column.sort_by(f64::total_cmp);
                    for (k, p) in QUANTILES.iter().enumerate() {
                        assert_eq!(q[k][t].to_bits(), quantile(&column, *p).to_bits());
                    }
                }
            }
            per_threads.push(a.quantiles);
        }
        assert!(per_threads.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn a_run_is_the_engine_replication_by_replication() {
        let cfg = small();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let a = run_arm(&cfg, 7, 5, &[0, 3], &pool, &|| false).unwrap();
        assert_eq!(a.months.len(), 24);
        // only the metrics asked for are reduced
        assert!(a.has(&[0, 3]) && a.has(&[3]) && !a.has(&[1]));
        assert_eq!(a.quantiles.iter().flatten().count(), 2);
        for (r, s) in a.summaries.iter().enumerate() {
            let direct = Model::new(&cfg, 7, r as u64).run().summary;
            assert!(s
                .iter()
                .zip(&direct)
                .all(|(x, y)| x.to_bits() == y.to_bits()));
        }
        // quantiles are ordered
        for q in a.quantiles.iter().flatten() {
            for t in 0..24 {
                let v: Vec<f64> = q.iter().map(|s| s[t]).collect();
                assert!(v.windows(2).all(|w| w[0] <= w[1] || w[0].is_nan()), "{v:?}");
            }
        }
    }

    #[test]
    fn a_superseded_run_stops_at_the_next_replication() {
        let cfg = small();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let asked = AtomicUsize::new(0);
        let ran = AtomicUsize::new(0);
        // a newer request arrives after three replications
        let cancelled = || {
            let stop = asked.fetch_add(1, Ordering::SeqCst) >= 3;
            if !stop {
                ran.fetch_add(1, Ordering::SeqCst);
            }
            stop
        };
        assert!(run_arm(&cfg, 7, 50, &[0], &pool, &cancelled).is_none());
        assert_eq!(
            ran.load(Ordering::SeqCst),
            3,
            "replications ran after the cancellation"
        );
        let mut g = Generations::default();
        let (c, first) = g.start("page-1");
        let (_, second) = g.start("page-1");
        assert_ne!(
            c.load(Ordering::SeqCst),
            first,
            "the first request is superseded"
        );
        assert_eq!(c.load(Ordering::SeqCst), second);
        let (other, g1) = g.start("page-2");
        assert_eq!(
            other.load(Ordering::SeqCst),
            g1,
            "other pages are not affected"
        );
    }

    #[test]
    fn a_run_from_the_present_is_the_compare_fork() {
        let cfg = small();
        let mut other = crate::input::scenario::Scenario::default();
        other.set_value("simulation.isos", 6.0).unwrap();
        other.set_value("simulation.duration_months", 24.0).unwrap();
        other
            .set_value("funders.federal.contract_months", 36.0)
            .unwrap();
        let other = other.config();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let present = warm_up(&cfg, 7, 4, &pool, &|| false).unwrap();
        let a = run_arm_from(&present, &other, 3, &[0], &pool, &|| false)
            .unwrap()
            .unwrap();
        assert_eq!(a.summaries.len(), 3);
        for (r, s) in a.summaries.iter().enumerate() {
            let mut direct = None;
            crate::studies::compare::start::fork_replication(
                &cfg,
                &[&other],
                7,
                r as u64,
                |_, o| {
                    direct = Some(o.summary);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(s.map(f64::to_bits), direct.unwrap().map(f64::to_bits));
        }
        // the baseline from its present is its straight run
        let b = run_arm_from(&present, &cfg, 4, &[0], &pool, &|| false)
            .unwrap()
            .unwrap();
        let straight = run_arm(&cfg, 7, 4, &[0], &pool, &|| false).unwrap();
        assert_eq!(b.summaries, straight.summaries);
        // the view of individual organizations is replication 0 from the present: the trace of
        // the forked state, which for the baseline is the trace of its straight run
        let mut forked = present[0].clone();
        forked.switch_to(&other).unwrap();
        assert_eq!(a.trace, trace_rest(forked, usize::MAX).0);
        assert_eq!(a.trace.months, 24);
        assert_eq!(
            b.trace,
            crate::model::trace::trace_isos(&cfg, 7, 0, usize::MAX)
        );
        assert_eq!(straight.trace, b.trace);
        // a fixed parameter cannot be switched
        let mut fixed = crate::input::scenario::Scenario::default();
        fixed.set_value("simulation.isos", 6.0).unwrap();
        fixed.set_value("simulation.duration_months", 24.0).unwrap();
        fixed.set_value("iso.credit_line_months", 2.0).unwrap();
        let e = run_arm_from(&present, &fixed.config(), 2, &[0], &pool, &|| false).unwrap_err();
        assert!(e.contains("iso.credit_line_months"), "{e}");
        // the store keeps the newest and stays bounded
        let mut p = Presents::default();
        let present = Arc::new(present);
        p.put(("a".into(), 7), present.clone());
        assert!(p.get(&("a".into(), 7), 4).is_some());
        assert!(p.get(&("a".into(), 7), 5).is_none(), "too few states");
        for k in 0..(PRESENT_STATES / 4 + 1) {
            p.put((format!("k{k}"), 7), present.clone());
        }
        assert!(p.held() <= PRESENT_STATES);
        assert!(
            p.get(&("a".into(), 7), 4).is_none(),
            "the oldest went first"
        );
    }

    #[test]
    fn the_cache_keeps_the_newest() {
        let cfg = small();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let a = Arc::new(run_arm(&cfg, 1, 2, &[0], &pool, &|| false).unwrap());
        let mut c = Cache::default();
        for k in 0..(CACHE_ENTRIES as u64 + 1) {
            c.put(("h".into(), k, 2), a.clone());
        }
        assert!(c.get(&("h".into(), 0, 2)).is_none());
        assert!(c.get(&("h".into(), CACHE_ENTRIES as u64, 2)).is_some());
    }
}
