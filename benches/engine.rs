//! Criterion benchmarks of the engine: one replication of baseline and of a
//! large scenario (500 ISOs, 30 years), and the hot submodels.
//!
//! `cargo bench --bench engine`; throughput is reported in ISO-months.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use partnersim::input::scenario::Scenario;
use partnersim::model::newcomers::{allocate_service, Cohorts, NeedPools, Offer};
use partnersim::model::rng::{self, IsoDraws};
use partnersim::model::{Config, Model};
use std::hint::black_box;

fn config(sets: &[&str]) -> Config {
    let mut s = Scenario::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/baseline.toml"
    )))
    .expect("baseline scenario");
    for o in sets {
        s.apply_override(o).expect("valid override");
    }
    s.config()
}

fn replications(c: &mut Criterion) {
    let mut g = c.benchmark_group("replication");
    for (name, sets) in [
        ("baseline", vec![]),
        (
            "large_500isos_30y",
            vec!["simulation.isos=500", "simulation.duration_months=360"],
        ),
    ] {
        let cfg = config(&sets);
        let iso_months = cfg.simulation.isos as u64 * u64::from(cfg.simulation.duration_months);
        g.throughput(Throughput::Elements(iso_months));
        if iso_months > 100_000 {
            g.sample_size(10);
        }
        let mut r = 0u64;
        g.bench_function(BenchmarkId::new("run", name), |b| {
            b.iter(|| {
                r += 1;
                black_box(Model::new(&cfg, 42, r).run().summary[0])
            })
        });
    }
    g.finish();
}

fn submodels(c: &mut Criterion) {
    let cfg = config(&[]);
    let mut g = c.benchmark_group("submodel");
    g.bench_function("month_step_40_isos", |b| {
        b.iter_batched(
            || {
                let mut m = Model::new(&cfg, 7, 0);
                for _ in 0..12 {
                    m.step();
                }
                m
            },
            |mut m| {
                m.step();
                black_box(m.t)
            },
            criterion::BatchSize::SmallInput,
        )
    });
    let offers: Vec<Offer> = (0..40)
        .map(|i| Offer {
            hours: 1000.0 + f64::from(i),
            restricted_share: 0.5,
            holistic_share: 0.5,
            catchment: 1.0 / 40.0,
            effectiveness: 0.8,
        })
        .collect();
    let mut out = vec![0.0; 40];
    g.bench_function("allocate_service_40", |b| {
        b.iter(|| {
            black_box(allocate_service(
                &offers,
                NeedPools {
                    eligible: 5e4,
                    beyond: 2e4,
                    new_need: 7e4,
                },
                &mut out,
            ))
        })
    });
    let mut co = Cohorts::new(&cfg.newcomers, cfg.newcomers.arrivals_per_month);
    g.bench_function("cohorts_advance", |b| {
        b.iter(|| black_box(co.advance(&cfg.newcomers, 900.0)))
    });
    let key = rng::counter_key(1, 0, rng::entity_iso_monthly(0));
    let mut t = 0u32;
    g.bench_function("iso_draws", |b| {
        b.iter(|| {
            t = t.wrapping_add(1);
            black_box(IsoDraws::at(key, t))
        })
    });
    g.finish();
}

criterion_group!(benches, replications, submodels);
criterion_main!(benches);
