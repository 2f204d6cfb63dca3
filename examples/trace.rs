use partnersim::model::{Config, Model, NF};
use partnersim::scenario::Scenario;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut s = Scenario::default();
    for a in &args[1..] {
        s.apply_override(a).unwrap();
    }
    let cfg = Config::from_values(&s.values);
    let mut m = Model::new(&cfg, 42, 0);
    let i = 3;
    for _ in 0..40 {
        m.step();
        let iso = m.isos[i];
        let rel: Vec<String> = (0..NF)
            .map(|f| {
                let r = m.rels[i * NF + f];
                format!(
                    "{}{:.0}/{:.0}{}",
                    if r.has_contract { "C" } else { "-" },
                    r.monthly / 1000.0,
                    r.held / 1000.0,
                    if r.pending { "P" } else { "" }
                )
            })
            .collect();
        let tot: f64 = (0..NF).map(|f| m.funders[f].budget).sum();
        let contracted: f64 = m
            .rels
            .iter()
            .filter(|r| r.has_contract)
            .map(|r| r.monthly)
            .sum();
        println!("t{:3} alive {} staff {:3} cash {:8.0}k miss {} rels {:?} budget {:.0}k contracted_all {:.0}k alive {}", m.t-1, iso.alive, iso.staff, iso.cash/1000.0, iso.missed_months, rel, tot/1000.0, contracted/1000.0, m.isos.iter().filter(|x| x.alive).count());
    }
}
