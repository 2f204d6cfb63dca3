use partnersim::metrics::METRICS;
use partnersim::model::{Config, Model};
use partnersim::scenario::Scenario;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut s = Scenario::default();
    for a in &args[1..] {
        s.apply_override(a).unwrap();
    }
    let cfg = Config::from_values(&s.values);
    let reps = 20;
    let mut acc = vec![0.0; METRICS.len()];
    let t0 = std::time::Instant::now();
    for r in 0..reps {
        let o = Model::new(&cfg, 42, r).run();
        for (a, v) in acc.iter_mut().zip(o.summary.iter()) {
            *a += v / reps as f64;
        }
        if r == 0 {
            for m in [0usize, 12, 24, 60, 119] {
                let x = &o.months[m.min(o.months.len() - 1)];
                println!("m{m}: surv {:.2} res {:.2} staff {:.0} clients {:.0} unmet {:.2} integ {:.2} trust {:.2} admin {:.2} fed {:.0} don {:.0}", x[0], x[2], x[22], x[8], x[9], x[10], x[11], x[6], x[23], x[27]);
            }
        }
    }
    println!("{:?} per rep", t0.elapsed() / reps as u32);
    for (m, a) in METRICS.iter().zip(acc) {
        println!("{:32} {:.4}", m.name, a);
    }
}
