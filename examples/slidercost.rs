//! What one classroom slider move costs (`partnersim serve`, the present start): the lesson
//! baseline's states are warmed up once, then each move runs `REPS` replications of the
//! scenario with a slider value set, from those states, on a pool of `THREADS` threads, exactly
//! as the page's `/api/run` does ([`partnersim::serve::engine::run_arm_from`]); the engine on
//! one thread is timed beside it. Move `k` sets the slider's parameter `PATH` to `FIRST + k`.
//! Best and median of `MOVES` moves:
//! `cargo run --release --example slidercost [BASE] [SCENARIO] [PATH] [FIRST] [REPS] [THREADS]
//! [MOVES]`. The defaults are the officer-rotation lesson (a present-start lesson) and its
//! federal rotation slider.

use partnersim::input::scenario::Scenario;
use std::path::Path;
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let arg = |k: usize, d: &str| a.get(k).cloned().unwrap_or_else(|| d.to_string());
    let base_file = arg(1, "scenarios/classroom/officer_rotation/typical.toml");
    let file = arg(2, "scenarios/classroom/officer_rotation/fast.toml");
    let path = arg(3, "funders.federal.officer_rotation_months");
    let first: f64 = arg(4, "7").parse().expect("FIRST");
    let reps: u64 = arg(5, "64").parse().expect("REPS");
    let threads: usize = arg(6, "2").parse().expect("THREADS");
    let moves: usize = arg(7, "9").parse().expect("MOVES");
    let load = |f: &str| Scenario::load(Path::new(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    let base = load(&base_file).config();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let t = Instant::now();
    let present = partnersim::serve::engine::warm_up(&base, 42, reps, &pool, &|| false)
        .expect("not cancelled");
    println!(
        "warm-up of {reps} states: {:.3} s",
        t.elapsed().as_secs_f64()
    );
    let wanted: Vec<usize> = (0..6).collect();
    let mut times = Vec::new();
    let mut one = Vec::new();
    for k in 0..moves {
        let mut s = load(&file);
        s.set_value(&path, first + k as f64)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let cfg = s.config();
        let t = Instant::now();
        let arm =
            partnersim::serve::engine::run_arm_from(&present, &cfg, reps, &wanted, &pool, &|| {
                false
            })
            .expect("switch")
            .expect("not cancelled");
        times.push(t.elapsed().as_secs_f64());
        std::hint::black_box(arm);
        let t = Instant::now();
        for p in &present[..8] {
            let mut m = p.clone();
            m.switch_to(&cfg).expect("switch");
            std::hint::black_box(m.run_rest());
        }
        one.push(t.elapsed().as_secs_f64() / 8.0);
    }
    let stat = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[0], v[v.len() / 2])
    };
    let (best, median) = stat(&mut times);
    let (b1, m1) = stat(&mut one);
    println!(
        "slider move, {reps} replications on {threads} threads: best {best:.4} s, median {median:.4} s"
    );
    println!(
        "one replication's reported years, one thread: best {:.2} ms, median {:.2} ms",
        b1 * 1e3,
        m1 * 1e3
    );
}
