//! Runs 50 replications of a scenario for profiling, e.g.
//! `valgrind --tool=callgrind target/release/examples/probe simulation.isos=500`.
use partnersim::input::scenario::Scenario;
use partnersim::model::Model;

fn main() {
    let mut s = Scenario::default();
    for a in std::env::args().skip(1) {
        if let Err(e) = s.apply_override(&a) {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
    let cfg = s.config();
    let mut acc = 0.0;
    for r in 0..50 {
        acc += Model::new(&cfg, 42, r).run().summary[0];
    }
    println!("mean survival over 50 replications: {}", acc / 50.0);
}
