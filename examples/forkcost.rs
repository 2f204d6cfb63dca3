//! What one replication of a present-start comparison costs against the engine alone, on one
//! thread: the baseline's warm-up (`Model::new` + `warm_up`), one regime's reported years from
//! the present (`clone` + `switch_to` + `run_rest`), and a whole steady run (`Model::run`), best
//! of several rounds: `cargo run --release --example forkcost [SCENARIO] [REPS] [ROUNDS]`.
//! The engine-only ratio of a comparison of `n` regimes, steady over present, is then
//! `n * run / (warm + n * rest)`.

use partnersim::input::scenario::Scenario;
use partnersim::model::{Config, Model};
use std::time::Instant;

fn best(rounds: usize, mut f: impl FnMut() -> f64) -> f64 {
    (0..rounds).map(|_| f()).fold(f64::INFINITY, f64::min)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let file = args
        .get(1)
        .map_or("scenarios/baseline.toml", String::as_str);
    let reps: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(8);
    let rounds: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(5);
    let s = Scenario::load(std::path::Path::new(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let cfg: Config = s.config();
    let warm = best(rounds, || {
        let t = Instant::now();
        for r in 0..reps {
            let mut m = Model::new(&cfg, 42, r);
            m.warm_up();
            std::hint::black_box(&m);
        }
        t.elapsed().as_secs_f64() / reps as f64
    });
    let presents: Vec<Model> = (0..reps)
        .map(|r| {
            let mut m = Model::new(&cfg, 42, r);
            m.warm_up();
            m
        })
        .collect();
    let rest = best(rounds, || {
        let t = Instant::now();
        for p in &presents {
            let mut m = p.clone();
            m.switch_to(&cfg).unwrap_or_else(|e| panic!("{e}"));
            std::hint::black_box(m.run_rest());
        }
        t.elapsed().as_secs_f64() / reps as f64
    });
    let run = best(rounds, || {
        let t = Instant::now();
        for r in 0..reps {
            std::hint::black_box(Model::new(&cfg, 42, r).run());
        }
        t.elapsed().as_secs_f64() / reps as f64
    });
    println!("per replication, one thread, best of {rounds} rounds of {reps}:");
    println!(
        "  warm-up {:.2} ms, reported years from the present {:.2} ms, steady run {:.2} ms",
        warm * 1e3,
        rest * 1e3,
        run * 1e3
    );
    for n in [17.0, 20.0] {
        println!(
            "  engine-only ratio steady/present for {n} regimes: {:.3}",
            n * run / (warm + n * rest)
        );
    }
}
