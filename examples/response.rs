//! One-parameter response on common random numbers: for each value of a parameter, the mean of
//! some metrics and the paired difference from the previous value with its 95% interval
//! (Monte Carlo only). `cargo run --release --example response -- SCENARIO.toml PATH REPS
//! V1 V2 ... [-- METRIC ...]`; a PATH of the form `funders.*.key` sets the key of every funder.
use partnersim::input::scenario::Scenario;
use partnersim::metrics::metric_index;
use partnersim::model::Model;
use partnersim::params::FUNDERS;
use partnersim::stats::paired;
use rayon::prelude::*;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (head, metrics) = match args.iter().position(|a| a == "--") {
        Some(k) => (&args[..k], args[k + 1..].to_vec()),
        None => (
            &args[..],
            vec![
                "survival_rate".into(),
                "clients_served".into(),
                "unmet_need_share".into(),
            ],
        ),
    };
    let base = Scenario::load(std::path::Path::new(&head[0]))?;
    let path = &head[1];
    let reps: u64 = head[2].parse()?;
    let idx: Vec<usize> = metrics
        .iter()
        .map(|m| metric_index(m).ok_or_else(|| anyhow::anyhow!("no metric {m}")))
        .collect::<Result<_, _>>()?;
    let mut prev: Option<Vec<Vec<f64>>> = None;
    println!("{} {path}: {reps} replications, seed 42", head[0]);
    for v in &head[3..] {
        let mut s = base.clone();
        if let Some(key) = path.strip_prefix("funders.*.") {
            for f in FUNDERS {
                s.apply_override(&format!("funders.{f}.{key}={v}"))?;
            }
        } else {
            s.apply_override(&format!("{path}={v}"))?;
        }
        let cfg = s.config();
        let rows: Vec<_> = (0..reps)
            .into_par_iter()
            .map(|r| Model::new(&cfg, 42, r).run().summary)
            .collect();
        let cols: Vec<Vec<f64>> = idx
            .iter()
            .map(|&k| rows.iter().map(|r| r[k]).collect())
            .collect();
        let mut line = format!("{v:>8}");
        for (j, m) in metrics.iter().enumerate() {
            let mean = cols[j].iter().sum::<f64>() / reps as f64;
            line.push_str(&format!("  {m} {mean:.4}"));
            if let Some(p) = &prev {
                let d = paired(&cols[j], &p[j]);
                line.push_str(&format!(
                    " ({:+.4} [{:+.4}, {:+.4}])",
                    d.diff_mean, d.diff_ci95_low, d.diff_ci95_high
                ));
            }
        }
        println!("{line}");
        prev = Some(cols);
    }
    Ok(())
}
