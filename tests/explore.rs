//! `partnersim explore`: PRIM recovers a known failure box and finds none where there is no
//! structure; robustness on common random numbers is reproducible at any thread count, after a
//! resume and across merged shards; bad explore files are clear errors (exit 2); the key
//! reference in docs/explore.md is the one the parser uses.

use assert_cmd::Command;
use partnersim::studies::explore::prim::{self, Dim, Settings, Side};
use partnersim::studies::explore::spec::keys;
use partnersim::studies::explore::ExploreSpec;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use std::path::{Path, PathBuf};

fn unit_dims(k: usize) -> Vec<Dim> {
    (0..k)
        .map(|d| Dim {
            name: format!("x{d}"),
            min: 0.0,
            max: 1.0,
            whole: false,
        })
        .collect()
}

/// `n` uniform points in `[0, 1]^k`.
fn points(n: usize, k: usize, seed: u64) -> Vec<f64> {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    (0..n * k).map(|_| r.random::<f64>()).collect()
}

/// The synthetic failure region: 0.2 ≤ x0 ≤ 0.5 and x1 ≥ 0.6 (volume 0.12) in five dimensions.
/// A point inside fails with probability 0.9, outside with probability 0.05 (noise).
fn synthetic(n: usize, seed: u64) -> (Vec<f64>, Vec<bool>) {
    let k = 5;
    let x = points(n, k, seed);
    let mut r = ChaCha8Rng::seed_from_u64(seed + 1000);
    let y = x
        .chunks_exact(k)
        .map(|p| {
            let inside = (0.2..=0.5).contains(&p[0]) && p[1] >= 0.6;
            r.random::<f64>() < if inside { 0.9 } else { 0.05 }
        })
        .collect();
    (x, y)
}

/// PRIM on a synthetic function whose failure region is a known box. Analytic truth: the true
/// box has density 0.9 and coverage 0.108 / (0.108 + 0.88 × 0.05) = 0.711. Tolerances: every
/// edge within 0.05 of the truth, no other dimension restricted, density ≥ 0.8 and within 0.1
/// of 0.9, coverage within 0.1 of 0.711, permutation p-value at its floor 1/100 (no permutation as strong), every quasi-p-value < 0.05.
#[test]
fn prim_recovers_a_known_failure_box() {
    let dims = unit_dims(5);
    let s = Settings {
        permutations: 99,
        ..Settings::default()
    };
    for seed in [1, 2, 3] {
        let (x, y) = synthetic(2000, seed);
        let f = prim::discover(&x, &dims, &y, &s, seed).unwrap();
        let b = &f.bounds;
        eprintln!(
            "seed {seed}: x0 in [{:.3}, {:.3}], x1 >= {:.3}; coverage {:.3}, density {:.3}, mass {:.3}, p {:.3}, quasi-p {:?}, {} trajectory boxes",
            b.lo[0],
            b.hi[0],
            b.lo[1],
            f.stats.coverage,
            f.stats.density,
            f.stats.mass,
            f.p_value,
            f.limits.iter().map(|l| l.quasi_p).collect::<Vec<_>>(),
            f.trajectory.len()
        );
        assert!((b.lo[0] - 0.2).abs() <= 0.05, "seed {seed}: {b:?}");
        assert!((b.hi[0] - 0.5).abs() <= 0.05, "seed {seed}: {b:?}");
        assert!((b.lo[1] - 0.6).abs() <= 0.05, "seed {seed}: {b:?}");
        assert!(!b.restricts(&dims, 1, Side::Upper), "seed {seed}: {b:?}");
        for d in 2..5 {
            assert!(
                !b.restricts(&dims, d, Side::Lower) && !b.restricts(&dims, d, Side::Upper),
                "seed {seed}: x{d} restricted: {b:?}"
            );
        }
        assert_eq!(f.stats.restricted, 2);
        assert!(f.stats.density >= 0.8 && (f.stats.density - 0.9).abs() <= 0.1);
        assert!(
            (f.stats.coverage - 0.711).abs() <= 0.1,
            "{}",
            f.stats.coverage
        );
        assert!(f.p_value <= 0.01 && f.significant(0.05));
        assert!(f.limits.iter().all(|l| l.quasi_p < 0.05));
        // the trajectory starts from the whole space and peels towards denser boxes
        let t = &f.trajectory;
        assert_eq!(t[0].stats.coverage, 1.0);
        assert!(t[f.selected].stats.density > t[0].stats.density + 0.5);
    }
}

/// Cases drawn independently of the uncertainties: PRIM's permutation test must not call the
/// box it finds significant more often than its level says. At the 0.05 level, 20 independent
/// data sets give 4 or more significant boxes with probability 1.6% if the test is right.
#[test]
fn prim_finds_no_significant_box_without_structure() {
    let dims = unit_dims(4);
    let s = Settings {
        permutations: 99,
        ..Settings::default()
    };
    let mut significant = 0;
    for seed in 0..20 {
        let x = points(400, 4, 100 + seed);
        let mut r = ChaCha8Rng::seed_from_u64(500 + seed);
        let y: Vec<bool> = (0..400).map(|_| r.random::<f64>() < 0.3).collect();
        let f = prim::discover(&x, &dims, &y, &s, seed).unwrap();
        significant += usize::from(f.significant(0.05));
    }
    eprintln!("{significant} of 20 structureless data sets gave a significant box");
    assert!(significant <= 3, "{significant} of 20");
}

/// A tiny scenario and an explore file of two lever regimes in a fresh directory.
fn setup() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("tiny.toml"),
        "name = \"tiny\"\n[simulation]\nduration_months = 12\nwarmup_months = 6\nisos = 4\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("ex.toml"),
        r#"name = "tiny_explore"
scenario = "tiny.toml"
states = 24
reps_per_state = 2
seed = 5
bootstrap = 50

[[regimes]]
name = "annual"

[[regimes]]
name = "core"
set = { "funders.federal.contract_months" = 36, "funders.federal.core_share" = 0.3 }

[[uncertainties]]
path = "iso.reserve_months_median"
min = 0.25
max = 6
distribution = "log_uniform"

[[uncertainties]]
path = "funders.federal.alternatives"
min = 0
max = 20

[[outcomes]]
metric = "survival_rate"
threshold = 0.9

[[outcomes]]
metric = "trust_mean"

[[discover]]
regime = "annual"
fails = true

[prim]
permutations = 19
"#,
    )
    .unwrap();
    d
}

#[path = "common/process.rs"]
mod process;

/// `partnersim explore FILE --out OUT --quiet EXTRA...`.
fn explore(file: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    process::study("explore", file, out, extra)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}", stderr(o));
}

const FILES: [&str; 5] = [
    "experiments.csv",
    "robustness.csv",
    "ranking.csv",
    "boxes.csv",
    "peeling.csv",
];

fn assert_same(a: &Path, b: &Path) {
    for f in FILES {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn results_are_identical_at_any_thread_count_after_resume_and_merge() {
    let d = setup();
    let file = d.path().join("ex.toml");
    let one = d.path().join("one");
    let o = explore(&file, &one, &["--threads", "1"]);
    ok(&o);
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(
        printed.contains("lowest 90th-percentile regret on survival_rate"),
        "{printed}"
    );
    assert!(one.join("manifest.json").exists());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["kind"], "explore");
    assert_eq!(m["identity"]["seed"], 5);
    assert!(m["identity"]["regime_hashes"][1].as_str().unwrap().len() == 64);
    // experiments.csv: a row per state and regime, the uncertainties and the outcomes
    let exp = std::fs::read_to_string(one.join("experiments.csv")).unwrap();
    assert!(exp.starts_with("state,regime,iso.reserve_months_median,funders.federal.alternatives,survival_rate,trust_mean\n"));
    assert_eq!(exp.lines().count(), 1 + 24 * 2);
    // plots and a self-contained report that answers first and says what its intervals cover
    for f in ["regret_survival_rate.svg", "regret_trust_mean.png"] {
        assert!(one.join("plots").join(f).exists(), "{f}");
    }
    let html = std::fs::read_to_string(one.join("report.html")).unwrap();
    assert!(html.find("<h2>Answer</h2>") < html.find("<h2>Robustness</h2>"));
    assert!(html.contains("percentile bootstrap over the states of the world"));
    assert!(!html.contains("NaN") && !html.contains("http://") && !html.contains("<script"));

    let two = d.path().join("two");
    ok(&explore(
        &file,
        &two,
        &["--threads", "2", "--chunk-states", "5"],
    ));
    assert_same(&one, &two);

    // an interrupted run (only the first shard's chunks) resumed with another chunk size
    let part = d.path().join("part");
    ok(&explore(
        &file,
        &part,
        &["--shard", "1/2", "--chunk-states", "3"],
    ));
    assert!(!part.join("manifest.json").exists());
    let o = explore(&file, &part, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    ok(&explore(&file, &part, &["--resume", "--chunk-states", "4"]));
    assert_same(&one, &part);

    // shards merged
    let s1 = d.path().join("s1");
    let s2 = d.path().join("s2");
    ok(&explore(
        &file,
        &s1,
        &["--shard", "1/2", "--chunk-states", "4"],
    ));
    ok(&explore(
        &file,
        &s2,
        &["--shard", "2/2", "--chunk-states", "4"],
    ));
    let merged = d.path().join("merged");
    let o = Command::cargo_bin("partnersim")
        .unwrap()
        .args(["merge"])
        .arg(&s1)
        .arg(&s2)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    ok(&o);
    assert_same(&one, &merged);

    // a finished result is not overwritten by another seed without --force
    let o = explore(&file, &one, &["--seed", "6"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    ok(&explore(&file, &one, &["--seed", "6", "--force"]));
    let other = std::fs::read(one.join("experiments.csv")).unwrap();
    assert!(other != std::fs::read(two.join("experiments.csv")).unwrap());
}

/// Common random numbers: regime g's record in state s is the mean over r = 0..reps of
/// replication r of the regime's scenario with the state's values: with the steady start
/// `Model::new(cfg, seed, r)`, with the present start the same replication of the first regime
/// warmed up and switched to regime g at month 0. The same streams (seed, r) for every regime
/// in every state.
#[test]
fn every_regime_in_every_state_uses_the_streams_seed_r() {
    use partnersim::job::Job;
    use partnersim::model::Model;
    use partnersim::studies::compare::start::Start;
    let d = setup();
    for start in [Start::Steady, Start::Present] {
        let mut spec = ExploreSpec::load(&d.path().join("ex.toml")).unwrap();
        spec.start = start;
        let states = partnersim::studies::explore::run::lhs_states(&spec, spec.seed);
        let job =
            partnersim::studies::explore::job::ExploreJob::new(&spec, &states, spec.seed, None);
        let mut rec = vec![0.0; job.record_len()];
        for s in [0usize, 7, 23] {
            job.eval_item(s as u64, &mut rec).unwrap();
            let cfg = |g: usize| {
                let mut sc = spec.regimes[g].scenario.clone();
                for (p, &v) in states.paths.iter().zip(states.point(s)) {
                    sc.set_value(p, v).unwrap();
                }
                sc.config()
            };
            let first = cfg(0);
            for g in 0..spec.regimes.len() {
                let cfg = cfg(g);
                let run = |r: u64| match start {
                    Start::Steady => Model::new(&cfg, spec.seed, r).run(),
                    Start::Present => {
                        let mut m = Model::new(&first, spec.seed, r);
                        m.warm_up();
                        m.switch_to(&cfg).unwrap();
                        m.run_rest()
                    }
                };
                let runs: Vec<_> = (0..2).map(run).collect();
                for (o, out) in spec.outcomes.iter().enumerate() {
                    let mean = runs.iter().map(|x| x.summary[out.index]).sum::<f64>() / 2.0;
                    assert_eq!(
                        rec[g * 2 + o].to_bits(),
                        mean.to_bits(),
                        "{start:?}: state {s} regime {g}"
                    );
                }
            }
        }
    }
}

/// Each bad explore file gives exit code 2 and a message with file:line:col and these words.
#[test]
fn bad_explore_files_are_clear_errors() {
    let d = setup();
    let base = std::fs::read_to_string(d.path().join("ex.toml")).unwrap();
    let cases: Vec<(String, &str, &str)> = vec![
        (
            base.replace("states = 24", "states = 3"),
            "ex.toml:3:10",
            "from 10 to 100000",
        ),
        (
            base.replace("reps_per_state = 2", "reps_per_state = \"2\""),
            "ex.toml:4:18",
            "expected a whole number",
        ),
        (
            base.replace("bootstrap = 50", "bootstrapp = 50"),
            "ex.toml:6:1",
            "did you mean `bootstrap`",
        ),
        (
            base.replace(
                "path = \"iso.reserve_months_median\"",
                "path = \"iso.reserve_month_median\"",
            ),
            "ex.toml:16:8",
            "did you mean `iso.reserve_months_median`",
        ),
        (
            base.replace("max = 20", "max = 200000"),
            "ex.toml:24:7",
            "0 to 100000",
        ),
        (
            base.replace("max = 6\n", "max = 0.1\n"),
            "ex.toml:18:7",
            "max must be larger than min",
        ),
        (
            base.replace("min = 0\n", "min = 0.5\n"),
            "ex.toml:23:7",
            "takes whole numbers",
        ),
        (
            base.replace("metric = \"trust_mean\"", "metric = \"trust\""),
            "ex.toml:31:10",
            "unknown metric",
        ),
        (
            base.replace("regime = \"annual\"", "regime = \"anual\""),
            "ex.toml:34:10",
            "did you mean `annual`",
        ),
        (
            base.replace("fails = true", "fails = true\nbelow = 0.5"),
            "ex.toml:36:9",
            "exactly one of",
        ),
        (
            base.replace("permutations = 19", "permutations = -1"),
            "ex.toml:38:16",
            "from 0 to 10000",
        ),
        (
            base.replace(
                "\"funders.federal.core_share\" = 0.3",
                "\"funders.federal.core_share\" = 3",
            ),
            "ex.toml:13:80",
            "0 to 1",
        ),
        (
            base.replace(
                "path = \"funders.federal.alternatives\"",
                "path = \"funders.federal.core_share\"",
            ),
            "ex.toml:22:8",
            "cannot also be an uncertainty",
        ),
        (
            base.replace("scenario = \"tiny.toml\"", "scenario = \"missing.toml\""),
            "ex.toml:2:12",
            "base scenario",
        ),
        (
            base.replace(
                "[[regimes]]\nname = \"core\"",
                "[[regimes]]\nname = \"annual\"",
            ),
            "ex.toml:12:8",
            "a second regime",
        ),
        (
            "name = \"x\"\n[simulation]\nisos = 3\n".to_string(),
            "ex.toml",
            "a scenario file",
        ),
        (
            "states = [\n".to_string(),
            "ex.toml:1:11",
            "TOML syntax error",
        ),
    ];
    for (text, at, words) in cases {
        let f = d.path().join("ex.toml");
        std::fs::write(&f, &text).unwrap();
        let o = Command::cargo_bin("partnersim")
            .unwrap()
            .current_dir(d.path())
            .args(["explore", "ex.toml", "--out", "o", "--quiet"])
            .output()
            .unwrap();
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{at} {words}: {e}");
        assert!(
            e.contains(at) && e.contains(words),
            "expected {at} and `{words}` in: {e}"
        );
        assert!(!e.contains("panicked"), "{e}");
        assert!(!d.path().join("o").join("manifest.json").exists());
    }
}

#[test]
fn shipped_example_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = ExploreSpec::load(&root.join("scenarios/explore/funding_regimes.toml")).unwrap();
    let names: Vec<&str> = spec.regimes.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "baseline",
            "multi_year_core",
            "prompt_payment",
            "core_on_time"
        ]
    );
    assert_eq!(spec.uncertainties.len(), 6);
    assert!(!spec.discover.is_empty());
}

/// docs/explore.md holds the key reference generated from the parser's key table
/// (`PARTNERSIM_BLESS=1` rewrites it).
#[test]
fn docs_key_reference_is_current() {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/explore.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (open, close) = keys::DOC_MARKERS;
    let start = doc
        .find(open)
        .expect("docs/explore.md lacks the keys marker")
        + open.len();
    let end = doc[start..]
        .find(close)
        .expect("docs/explore.md lacks the end marker")
        + start;
    let want = format!("\n\n{}", keys::markdown());
    if std::env::var_os("PARTNERSIM_BLESS").is_some() {
        let new = format!("{}{want}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    assert!(
        doc[start..end] == want,
        "docs/explore.md key reference is stale: run PARTNERSIM_BLESS=1 cargo test --release --test explore"
    );
}

/// A tiny calibration of `tiny.toml` (in `d`) over the federal core share: a posterior to draw
/// states from.
fn tiny_posterior(d: &Path) -> PathBuf {
    let f = d.join("cal.toml");
    std::fs::write(
        &f,
        "scenario = \"tiny.toml\"\nparticles = 8\nreps_per_particle = 2\nmax_generations = 2\n\
         [[target]]\nmetric = \"reserves_under_3_months_share\"\nvalue = 0.5\nscale = 0.05\nsource = \"s\"\n\
         [[prior]]\npath = \"funders.federal.core_share\"\nmin = 0.0\nmax = 0.2\n",
    )
    .unwrap();
    let out = d.join("cal");
    let o = Command::cargo_bin("partnersim")
        .unwrap()
        .args(["calibrate", f.to_str().unwrap(), "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    ok(&o);
    out.join("posterior.csv")
}

#[test]
fn posterior_draws_join_the_states_and_regimes_keep_what_they_set() {
    let d = setup();
    let post = tiny_posterior(d.path());
    let file = d.path().join("ex.toml");
    // the states: the file's two uncertainties, then the calibrated parameter; the `core` regime
    // sets the core share itself (0.3) and keeps it, `annual` takes the draws
    let spec = ExploreSpec::load(&file).unwrap();
    let lhs = partnersim::studies::explore::run::lhs_states(&spec, 5);
    let states =
        partnersim::commands::explore::with_posterior(&spec, lhs.clone(), &post, 5).unwrap();
    assert_eq!(states.k(), lhs.k() + 1);
    assert_eq!(states.paths.last().unwrap(), "funders.federal.core_share");
    assert_eq!(states.held, vec![vec![false; 3], vec![false, false, true]]);
    for s in 0..states.n {
        assert_eq!(&states.point(s)[..2], lhs.point(s), "the hypercube is kept");
        assert!((0.0..=0.2).contains(&states.point(s)[2]));
    }
    // end to end: reproducible, the report names the posterior, shards are refused
    let (a, b) = (d.path().join("pa"), d.path().join("pb"));
    let post_arg = post.to_str().unwrap();
    let o = explore(&file, &a, &["--posterior", post_arg]);
    ok(&o);
    assert!(
        stderr(&o).contains("regime `core` sets calibrated parameter funders.federal.core_share"),
        "{}",
        stderr(&o)
    );
    ok(&explore(
        &file,
        &b,
        &["--posterior", post_arg, "--threads", "1"],
    ));
    assert_same(&a, &b);
    let experiments = std::fs::read_to_string(a.join("experiments.csv")).unwrap();
    assert!(experiments
        .lines()
        .next()
        .unwrap()
        .contains("funders.federal.core_share"));
    let report = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(
        report.contains("drawn by weight from the posterior"),
        "report"
    );
    let o = explore(
        &file,
        &d.path().join("ps"),
        &["--posterior", post_arg, "--shard", "1/2"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // a posterior of another scenario
    std::fs::write(
        d.path().join("other.toml"),
        std::fs::read_to_string(&file)
            .unwrap()
            .replace("scenario = \"tiny.toml\"", "scenario = \"tiny2.toml\""),
    )
    .unwrap();
    std::fs::write(
        d.path().join("tiny2.toml"),
        "name = \"tiny2\"\n[simulation]\nduration_months = 12\nwarmup_months = 6\nisos = 5\n",
    )
    .unwrap();
    let o = explore(
        &d.path().join("other.toml"),
        &d.path().join("po"),
        &["--posterior", post_arg],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no regime"), "{}", stderr(&o));
}

#[test]
fn without_uncertainties_the_ledger_gives_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("scenarios/explore/funding_regimes.toml")).unwrap();
    // the shipped file up to its first [[uncertainties]], then its outcomes
    let head = &text[..text.find("[[uncertainties]]").unwrap()];
    let tail = &text[text.find("[[outcomes]]").unwrap()..];
    let scenarios = root.join("scenarios").display().to_string();
    let body = format!("{head}{tail}").replace("\"../", &format!("\"{scenarios}/"));
    let d = tempfile::tempdir().unwrap();
    // a regime that sets one of the ledger's top assumptions (three-year federal agreements,
    // as from the 2024 call): a lever of that regime, so not an uncertainty
    std::fs::write(
        d.path().join("three_year.toml"),
        format!(
            "name = \"three_year\"\nextends = \"{scenarios}/baseline.toml\"\n[funders.federal]\ncontract_months = 36\n"
        ),
    )
    .unwrap();
    let body = body.replacen(
        "[[regimes]]",
        "[[regimes]]\nscenario = \"three_year.toml\"\n\n[[regimes]]",
        1,
    );
    let file = d.path().join("ledger_defaults.toml");
    std::fs::write(&file, body).unwrap();
    let spec = ExploreSpec::load(&file).unwrap();
    let paths: Vec<&str> = spec.uncertainties.iter().map(|u| u.path.as_str()).collect();
    // the three-year regime sets the federal agreement length: a lever, not an uncertainty
    assert!(paths.contains(&"iso.credit_line_months"), "{paths:?}");
    assert!(
        !paths.contains(&"funders.federal.contract_months"),
        "{paths:?}"
    );
    let reg = partnersim::params::registry();
    for u in &spec.uncertainties {
        assert_eq!(
            reg[u.index].grounds.range(),
            Some((u.min, u.max)),
            "{}",
            u.path
        );
    }
}
