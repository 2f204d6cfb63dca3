//! What a run costs per replication against the engine alone, measured in one process so that
//! both see the same machine: `cargo run --release --example runcost [SCENARIO] [ROUNDS]`.
//!
//! Each round times, at 1 and 2 threads, the engine alone (`Model::new(cfg, seed, r).run()` for
//! every replication, as `partnersim bench` does) and a whole run (`run::run`: the job core,
//! chunks saved, aggregation, every output but the plots) for 20 and 1,020 replications, in
//! alternation. The cost per replication is the slope between the two sizes (start-up and the
//! final writing excluded); the report gives the best and the median over rounds. On a shared
//! machine prefer the best: other work only ever adds time. "Chunks only" is the run as a shard
//! of one: the job core computing and saving chunks without the aggregation.

use partnersim::input::scenario::Scenario;
use partnersim::job::threads::Threads;
use partnersim::model::{Config, Model};
use partnersim::studies::run::{self, RunOptions};
use rayon::prelude::*;
use std::time::Instant;

const SIZES: (u64, u64) = (20, 1020);

fn engine(cfg: &Config, reps: u64, threads: usize) -> f64 {
    let pool = Threads::new(Some(threads))
        .and_then(|t| {
            t.pool()
                .map_err(|e| partnersim::error::BadInput(e.to_string()))
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let n: usize = pool.install(|| {
        (0..reps)
            .into_par_iter()
            .map(|r| Model::new(cfg, 42, r).run().months.len())
            .sum()
    });
    std::hint::black_box(n);
    t.elapsed().as_secs_f64()
}

fn whole_run(s: &Scenario, reps: u64, threads: usize, dir: &std::path::Path) -> f64 {
    timed_run(s, reps, threads, dir, None)
}

/// A run as shard 1 of 1: chunks computed and saved, nothing aggregated.
fn chunks_only(s: &Scenario, reps: u64, threads: usize, dir: &std::path::Path) -> f64 {
    let one = partnersim::job::shard::Shard { index: 1, count: 1 };
    timed_run(s, reps, threads, dir, Some(one))
}

fn timed_run(
    s: &Scenario,
    reps: u64,
    threads: usize,
    dir: &std::path::Path,
    shard: Option<partnersim::job::shard::Shard>,
) -> f64 {
    let opts = RunOptions {
        reps,
        threads: Threads::new(Some(threads)).unwrap_or_else(|e| panic!("{e}")),
        force: true,
        shard,
        ..RunOptions::default()
    };
    let t = Instant::now();
    run::run(s, &opts, dir).unwrap_or_else(|e| panic!("{e:#}"));
    t.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args
        .first()
        .cloned()
        .unwrap_or_else(|| "scenarios/baseline.toml".into());
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(7);
    let s = Scenario::load(std::path::Path::new(&file)).unwrap_or_else(|e| panic!("{e}"));
    let cfg = s.config();
    let dir = std::env::temp_dir().join(format!("partnersim-runcost-{}", std::process::id()));
    // slopes[threads - 1] = (engine, run, chunks only) per round, ms per replication
    let mut slopes = [
        (Vec::new(), Vec::new(), Vec::new()),
        (Vec::new(), Vec::new(), Vec::new()),
    ];
    for _ in 0..rounds {
        for threads in [1, 2] {
            let e = engine(&cfg, SIZES.1, threads) - engine(&cfg, SIZES.0, threads);
            let r = whole_run(&s, SIZES.1, threads, &dir) - whole_run(&s, SIZES.0, threads, &dir);
            let c =
                chunks_only(&s, SIZES.1, threads, &dir) - chunks_only(&s, SIZES.0, threads, &dir);
            let per = |t: f64| 1e3 * t / (SIZES.1 - SIZES.0) as f64;
            slopes[threads - 1].0.push(per(e));
            slopes[threads - 1].1.push(per(r));
            slopes[threads - 1].2.push(per(c));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{file}: ms per replication (slope {} -> {}), {rounds} rounds",
        SIZES.0, SIZES.1
    );
    for (name, pick) in [
        (
            "best",
            (|v: &Vec<f64>| v.iter().copied().fold(f64::INFINITY, f64::min))
                as fn(&Vec<f64>) -> f64,
        ),
        ("median", |v: &Vec<f64>| median(v.clone())),
    ] {
        let (e1, r1, c1) = (pick(&slopes[0].0), pick(&slopes[0].1), pick(&slopes[0].2));
        let (e2, r2, c2) = (pick(&slopes[1].0), pick(&slopes[1].1), pick(&slopes[1].2));
        println!(
            "{name:>6}: 1 thread: engine {e1:.3}, run {r1:.3} ({:+.1}%), chunks only {c1:.3}; 2 threads: engine {e2:.3}, run {r2:.3}, chunks only {c2:.3}; speedup: engine {:.2}, run {:.2}, chunks only {:.2}",
            100.0 * (r1 / e1 - 1.0),
            e1 / e2,
            r1 / r2,
            c1 / c2
        );
    }
}
