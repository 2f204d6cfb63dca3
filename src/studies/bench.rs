//! `partnersim bench`: throughput and scaling of the engine, measured in-process.
//!
//! Reports replications per second, ISO-months per second per core,
//! speedup and parallel efficiency from 1 thread to all available cores, and
//! the process's peak resident memory. Timings are medians of several runs.

use crate::input::scenario::Scenario;
use crate::model::{Config, Model};
use anyhow::Result;
use rayon::prelude::*;
use std::time::Instant;

/// Peak resident set size of this process in KiB (Linux `VmHWM`; None elsewhere).
pub fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn time_reps(cfg: &Config, reps: u64, threads: usize) -> Result<f64> {
    let pool = crate::job::threads::Threads::new(Some(threads))?.pool()?;
    let t = Instant::now();
    let n: usize = pool.install(|| {
        (0..reps)
            .into_par_iter()
            .map(|r| Model::new(cfg, 1, r).run().months.len())
            .collect::<Vec<_>>()
            .len()
    });
    std::hint::black_box(n);
    Ok(t.elapsed().as_secs_f64())
}

/// Runs the benchmark and returns a printable report.
pub fn bench(s: &Scenario, reps: u64) -> Result<String> {
    let cfg = s.config();
    let reps = reps.max(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // every simulated month is work, the warm-up's included
    let months = cfg.simulation.warmup_months + cfg.simulation.duration_months;
    let iso_months = (cfg.simulation.isos as f64) * f64::from(months);
    let measurements = 3 * cores as u64;
    crate::job::budget::Budget::current().check(&crate::job::budget::Estimate {
        command: "bench".into(),
        how: format!("{reps} replications x {measurements} measurements (3 per thread count, 1 to {cores} threads)"),
        runs: reps as f64 * measurements as f64,
        iso_months_per_run: iso_months,
        bytes: reps as f64 * 8.0,
    })?;
    let mut out = format!(
        "partnersim {} bench: scenario {} ({} ISOs x {} months ({} warm-up + {} reported) = {} ISO-months per replication), {} replications per measurement, median of 3\n",
        env!("CARGO_PKG_VERSION"),
        s.name,
        cfg.simulation.isos,
        months,
        cfg.simulation.warmup_months,
        cfg.simulation.duration_months,
        iso_months,
        reps
    );
    time_reps(&cfg, reps.min(8), 1)?; // warm-up
    let mut base = 0.0;
    out.push_str("threads  reps/s    ISO-months/s/core  speedup  efficiency\n");
    for th in 1..=cores {
        let mut ts: Vec<f64> = (0..3)
            .map(|_| time_reps(&cfg, reps, th))
            .collect::<Result<_>>()?;
        ts.sort_by(|a, b| a.total_cmp(b));
        let t = ts[1];
        let rate = reps as f64 / t;
        if th == 1 {
            base = rate;
        }
        let speedup = rate / base;
        out.push_str(&format!(
            "{th:>7}  {rate:>8.1}  {:>17.3e}  {speedup:>7.2}  {:>9.0}%\n",
            rate * iso_months / th as f64,
            100.0 * speedup / th as f64
        ));
    }
    match peak_rss_kib() {
        Some(k) => out.push_str(&format!(
            "peak resident memory: {:.1} MiB\n",
            k as f64 / 1024.0
        )),
        None => out.push_str("peak resident memory: not available on this system\n"),
    }
    Ok(out)
}
