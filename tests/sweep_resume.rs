//! Sweeps never lose work: interrupted-then-resumed sweeps, shards merged, and refusals all
//! give (or protect) exactly the outputs of a straight run; sweep files never make the parser panic.

use assert_cmd::Command;
use partnersim::studies::sweep::SweepSpec;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const CSVS: [&str; 4] = [
    "points.csv",
    "results.csv",
    "sensitivity.csv",
    "variance.csv",
];

/// Base scenario and sweep files in a fresh temporary directory.
fn setup() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("sweeps")).unwrap();
    std::fs::write(
        d.path().join("tiny.toml"),
        "name = \"tiny\"\n[simulation]\nduration_months = 6\nisos = 3\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("small.toml"),
        "name = \"small\"\n[simulation]\nduration_months = 24\nisos = 8\n",
    )
    .unwrap();
    // real model, Morris: 6 trajectories x 4 = 24 points x 2 replications
    std::fs::write(
        d.path().join("sweeps/morris.toml"),
        "scenario = \"../tiny.toml\"\nmethod = \"morris\"\nsamples = 6\nreps_per_point = 2\nseed = 3\nbootstrap = 50\n\
         outputs = [\"survival_rate\", \"trust_mean\"]\n\
         [[parameters]]\npath = \"funders.federal.contract_months\"\nmin = 6\nmax = 36\n\
         [[parameters]]\npath = \"funders.federal.late_payment_probability\"\nmin = 0\nmax = 1\n\
         [[parameters]]\npath = \"funders.federal.officer_rotation_months\"\nmin = 6\nmax = 48\n",
    )
    .unwrap();
    // real model, LHS, long enough to be interrupted mid-way
    std::fs::write(
        d.path().join("sweeps/lhs.toml"),
        "scenario = \"../small.toml\"\nmethod = \"lhs\"\nsamples = 1500\nreps_per_point = 4\nseed = 5\n\
         outputs = [\"survival_rate\", \"clients_served\"]\n\
         [[parameters]]\npath = \"funders.federal.contract_months\"\nmin = 6\nmax = 36\n\
         [[parameters]]\npath = \"funders.federal.late_payment_probability\"\nmin = 0\nmax = 1\n",
    )
    .unwrap();
    // analytic model, many points
    std::fs::write(
        d.path().join("sweeps/ishigami.toml"),
        "model = \"ishigami\"\nmethod = \"morris\"\nsamples = 300\nbootstrap = 100\nseed = 11\n\
         [[parameters]]\npath = \"x1\"\nmin = -3.14159\nmax = 3.14159\n\
         [[parameters]]\npath = \"x2\"\nmin = -3.14159\nmax = 3.14159\n\
         [[parameters]]\npath = \"x3\"\nmin = -3.14159\nmax = 3.14159\n",
    )
    .unwrap();
    d
}

fn bin() -> Command {
    Command::cargo_bin("partnersim").unwrap()
}

#[path = "common/process.rs"]
mod process;

/// `partnersim sweep FILE --out OUT --quiet EXTRA...`.
fn sweep(file: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    process::study("sweep", file, out, extra)
}

fn ok(o: &std::process::Output) {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn csvs(dir: &Path) -> Vec<Vec<u8>> {
    CSVS.iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")))
        .collect()
}

fn assert_same(a: &Path, b: &Path) {
    for (f, (x, y)) in CSVS.iter().zip(csvs(a).iter().zip(&csvs(b))) {
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    let plots = |d: &Path| {
        let Ok(entries) = std::fs::read_dir(d.join("plots")) else {
            return Vec::new();
        };
        let mut v: Vec<(String, Vec<u8>)> = entries
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (pa, pb) = (plots(a), plots(b));
    assert_eq!(pa.len(), pb.len());
    for ((na, xa), (nb, xb)) in pa.iter().zip(&pb) {
        assert_eq!(na, nb);
        assert!(xa == xb, "plots/{na} differs");
    }
    assert!(b.join("manifest.json").exists());
    assert!(!b.join(".chunks").exists(), "chunks left behind");
    assert!(!b.join("shard.json").exists());
}

#[test]
fn shard_then_resume_equals_straight_run() {
    let d = setup();
    let file = d.path().join("sweeps/ishigami.toml");
    let straight = d.path().join("straight");
    let o = sweep(&file, &straight, &[]);
    ok(&o);
    // a finished sweep prints its ranking (Morris: by mu*) on stdout
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(
        printed.starts_with("y (by mu_star, 95% CI):\n"),
        "{printed}"
    );
    let part = d.path().join("part");
    // "interrupted": only the first half of the chunks exist
    ok(&sweep(
        &file,
        &part,
        &["--shard", "1/2", "--chunk-points", "37"],
    ));
    assert!(part.join("shard.json").exists());
    assert!(!part.join("manifest.json").exists());
    assert!(!part.join("results.csv").exists());
    // without --resume the unfinished sweep is protected
    let o = sweep(&file, &part, &["--chunk-points", "37"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    // a different sweep (seed) is refused unless --force
    let o = sweep(&file, &part, &["--chunk-points", "37", "--seed", "12"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("different sweep") && stderr(&o).contains("--force"),
        "{}",
        stderr(&o)
    );
    // a resume with another chunk size reuses the chunks on disk and computes only the rest
    ok(&sweep(&file, &part, &["--resume", "--chunk-points", "36"]));
    assert_same(&straight, &part);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(part.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["items_computed"], 600, "{m}");
    // a finished directory is rerun without complaint (any chunk size); --force starts over
    // with another seed
    ok(&sweep(&file, &part, &[]));
    assert_same(&straight, &part);
    ok(&sweep(&file, &part, &["--force", "--seed", "12"]));
    assert!(csvs(&part)[0] != csvs(&straight)[0]);
}

fn chunk_count(dir: &Path) -> usize {
    std::fs::read_dir(dir.join(".chunks"))
        .map(|r| {
            r.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".bin"))
                .count()
        })
        .unwrap_or(0)
}

/// Starts the sweep and sends `signal` once at least `chunks` chunk files exist.
fn start_and_kill(file: &Path, out: &Path, resume: bool, chunks: usize, signal: &str) -> i32 {
    let exe = assert_cmd::cargo::cargo_bin("partnersim");
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--threads", "1", "--chunk-points", "10"])
        .stderr(std::process::Stdio::piped());
    if resume {
        cmd.arg("--resume");
    }
    let mut child = cmd.spawn().unwrap();
    let t0 = Instant::now();
    while chunk_count(out) < chunks && t0.elapsed() < Duration::from_secs(20) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = std::process::Command::new("kill")
        .arg(signal)
        .arg(child.id().to_string())
        .status();
    let status = child.wait().unwrap();
    status.code().unwrap_or(-1)
}

#[test]
fn killed_then_resumed_equals_straight_run() {
    let d = setup();
    let file = d.path().join("sweeps/lhs.toml");
    let straight = d.path().join("straight");
    ok(&sweep(&file, &straight, &["--threads", "2"]));
    let out = d.path().join("killed");
    // SIGTERM: finishes the current chunk, exits 130, no final outputs
    let code = start_and_kill(&file, &out, false, 5, "-TERM");
    assert!(
        !out.join("manifest.json").exists(),
        "the sweep finished before it could be interrupted"
    );
    assert_eq!(code, 130);
    assert!(!out.join("results.csv").exists());
    let first = chunk_count(&out);
    assert!((5..300).contains(&first), "{first} chunks");
    let o = sweep(&file, &out, &["--chunk-points", "10"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    // kill -9 of the resumed sweep: finished chunks survive
    let _ = start_and_kill(&file, &out, true, first + 5, "-KILL");
    assert!(!out.join("manifest.json").exists());
    assert!(chunk_count(&out) >= first + 5);
    ok(&sweep(&file, &out, &["--resume", "--chunk-points", "10"]));
    assert_same(&straight, &out);
}

#[test]
fn shards_merged_equal_straight_run_and_bad_sets_are_refused() {
    let d = setup();
    let file = d.path().join("sweeps/morris.toml");
    let straight = d.path().join("straight");
    let whole = sweep(&file, &straight, &[]);
    ok(&whole);
    let shard = |name: &str, s: &str, extra: &[&str]| {
        let p = d.path().join(name);
        let mut args = vec!["--shard", s, "--chunk-points", "5"];
        args.extend_from_slice(extra);
        ok(&sweep(&file, &p, &args));
        assert!(p.join("shard.json").exists());
        assert!(!p.join("results.csv").exists());
        p
    };
    let s1 = shard("s1", "1/3", &[]);
    let s2 = shard("s2", "2/3", &[]);
    let s3 = shard("s3", "3/3", &[]);
    let merge = |dirs: &[&PathBuf], out: &str| {
        bin()
            .arg("merge")
            .args(dirs.iter().map(|p| p.as_path()))
            .arg("--out")
            .arg(d.path().join(out))
            .output()
            .unwrap()
    };
    let o = merge(&[&s1, &s2, &s3], "merged");
    ok(&o);
    assert_same(&straight, &d.path().join("merged"));
    // the merge prints the same ranking as the straight sweep
    assert!(!o.stdout.is_empty());
    assert_eq!(o.stdout, whole.stdout);
    // order of the directories does not matter
    ok(&merge(&[&s3, &s1, &s2], "merged2"));
    assert_same(&straight, &d.path().join("merged2"));

    // gap
    let o = merge(&[&s1, &s3], "bad");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("gap"), "{}", stderr(&o));
    // overlap: shard 1 of 2 covers part of shard 2 of 3
    let h1 = shard("h1", "1/2", &[]);
    let o = merge(&[&h1, &s2, &s3], "bad");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("overlap"), "{}", stderr(&o));
    // a shard of a different sweep (seed)
    let other = shard("other", "2/3", &["--seed", "99"]);
    let o = merge(&[&s1, &other, &s3], "bad");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("different sweep"), "{}", stderr(&o));
    // an unfinished shard directory (no shard.json)
    std::fs::remove_file(s3.join("shard.json")).unwrap();
    let o = merge(&[&s1, &s2, &s3], "bad");
    assert!(!o.status.success());
    assert!(!d.path().join("bad/manifest.json").exists());
}

#[test]
fn bad_shard_flags_are_refused() {
    let d = setup();
    let file = d.path().join("sweeps/ishigami.toml");
    for s in ["0/3", "4/3", "x"] {
        let o = sweep(&file, &d.path().join("o"), &["--shard", s]);
        assert_eq!(o.status.code(), Some(2), "{s}: {}", stderr(&o));
    }
    let o = bin()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(d.path().join("o"))
        .args(["--quiet", "--shard", "auto"])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .env("PARTNERSIM_SHARDS", "2")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let auto = d.path().join("auto");
    let o = bin()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&auto)
        .args(["--quiet", "--shard", "auto"])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env("JOB_COMPLETION_INDEX", "1")
        .env("PARTNERSIM_SHARDS", "2")
        .output()
        .unwrap();
    ok(&o);
    let rec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(auto.join("shard.json")).unwrap()).unwrap();
    assert_eq!(rec["shard"]["index"], 2);
    assert_eq!(rec["shard"]["count"], 2);
}

// ------------------------------------------------------------------ hardened sweep-file parsing

fn base_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(setup).path()
}

const TEMPLATES: &[&str] = &[
    "model = \"ishigami\"\nmethod = \"sobol\"\nsamples = 64\nsecond_order = true\nbootstrap = 10\nseed = 7\n\
     [[parameters]]\npath = \"x1\"\nmin = -3.14\nmax = 3.14\n\
     [[parameters]]\npath = \"x2\"\nmin = -3.14\nmax = 3.14\n\
     [[parameters]]\npath = \"x3\"\nmin = -3.14\nmax = 3.14\n",
    "scenario = \"../tiny.toml\"\nmethod = \"lhs\"\nsamples = 20\nreps_per_point = 2\nseed = 9\n\
     outputs = [\"survival_rate\", \"clients_served\"]\n\
     [[parameters]]\npath = \"funders.federal.contract_months\"\nmin = 6\nmax = 36\n\
     [[parameters]]\npath = \"funders.federal.late_payment_probability\"\nmin = 0\nmax = 1\ndistribution = \"uniform\"\n",
    "scenario = \"../tiny.toml\"\nmethod = \"grid\"\nreps_per_point = 2\nlevels = 3\n\
     [[parameters]]\npath = \"funders.federal.contract_months\"\nvalues = [6, 24]\n\
     [[parameters]]\npath = \"funders.federal.officer_rotation_months\"\nmin = 6\nmax = 48\nlevels = 2\n\
     [[parameters]]\npath = \"funders.federal.late_payment_probability\"\nmin = 0.01\nmax = 0.5\ndistribution = \"log_uniform\"\n",
    "scenario = \"../tiny.toml\"\nmethod = \"morris\"\nsamples = 4\nlevels = 6\nbootstrap = 0\n\
     [[parameters]]\npath = \"funders.federal.contract_months\"\nmin = 6\nmax = 36\ndistribution = \"integer\"\n\
     [[parameters]]\npath = \"funders.federal.late_payment_probability\"\nmin = 0\nmax = 1\n",
    "model = \"sobol_g\"\na = [0, 1, 4.5]\nmethod = \"sobol\"\nsamples = 16\n\
     [[parameters]]\npath = \"x1\"\nmin = 0\nmax = 1\n\
     [[parameters]]\npath = \"x2\"\nmin = 0\nmax = 1\n\
     [[parameters]]\npath = \"x3\"\nmin = 0\nmax = 1\n",
];

const VALUES: &[&str] = &[
    "nan",
    "-nan",
    "inf",
    "-inf",
    "+inf",
    "-1",
    "0",
    "1",
    "2",
    "-0.0",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "0x7fffffffffffffff",
    "0b1",
    "1_000_000",
    "65536",
    "65537",
    "10000001",
    "\"text\"",
    "\"\"",
    "\"nan\"",
    "true",
    "false",
    "[]",
    "[1, 2]",
    "[nan, inf]",
    "[1e308, -1e308]",
    "[\"y\", \"y\"]",
    "{ a = 1 }",
    "1979-05-27",
    "\"x1\"",
    "\"funders.federal.contract_months\"",
    "\"integer\"",
    "\"log_uniform\"",
    "\"sobol\"",
    "\"grid\"",
    "\"../tiny.toml\"",
    "\"/nonexistent\"",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// replace the value on line `i` by VALUES[v]
    Value(prop::sample::Index, usize),
    /// mangle the key on line `i`
    Key(prop::sample::Index, u8),
    /// delete line `i`
    Delete(prop::sample::Index),
    /// duplicate line `i`
    Duplicate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), 0..VALUES.len()).prop_map(|(i, v)| Mutation::Value(i, v)),
        1 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, k)| Mutation::Key(i, k)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Delete),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Duplicate),
    ]
}

fn apply(text: &str, muts: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for m in muts {
        if lines.is_empty() {
            break;
        }
        match m {
            Mutation::Value(i, v) => {
                let i = i.index(lines.len());
                if let Some((k, _)) = lines[i].split_once(" = ") {
                    lines[i] = format!("{k} = {}", VALUES[*v]);
                }
            }
            Mutation::Key(i, how) => {
                let i = i.index(lines.len());
                if let Some((k, v)) = lines[i].clone().split_once(" = ") {
                    let k2 = match how % 5 {
                        0 => format!("{k}x"),
                        1 => k.to_uppercase(),
                        2 => k.chars().skip(1).collect(),
                        3 => [
                            "min", "max", "samples", "levels", "values", "a", "b", "seed",
                        ][*how as usize % 8]
                            .to_string(),
                        _ => format!("\"{k} \""),
                    };
                    lines[i] = format!("{k2} = {v}");
                }
            }
            Mutation::Delete(i) => {
                let i = i.index(lines.len());
                lines.remove(i);
            }
            Mutation::Duplicate(i) => {
                let i = i.index(lines.len());
                let l = lines[i].clone();
                lines.insert(i, l);
            }
        }
    }
    lines.join("\n") + "\n"
}

/// Every accepted spec has finite bounds within the parameter ranges, and a small design of it
/// builds with finite values within the bounds.
fn check_accepted(s: &SweepSpec) {
    let reg = partnersim::params::registry();
    for p in &s.parameters {
        assert!(p.min.is_finite() && p.max.is_finite(), "{p:?}");
        assert!(p.min <= p.max, "{p:?}");
        assert!((p.max - p.min).is_finite(), "{p:?}");
        if let Some(i) = p.index {
            assert!(
                reg[i].min <= p.min && p.max <= reg[i].max,
                "{p:?} outside {}",
                reg[i].range_text()
            );
        }
        for v in p.values.iter().flatten() {
            assert!(v.is_finite() && *v >= p.min && *v <= p.max, "{p:?}");
        }
    }
    assert!(s.points() >= 1);
    if s.points() <= 5000 {
        let design = partnersim::studies::sweep::design::build(s, s.seed);
        assert_eq!(design.n, s.points());
        for pt in 0..design.n {
            for (v, p) in design.point(pt).iter().zip(&s.parameters) {
                assert!(v.is_finite() && *v >= p.min && *v <= p.max, "{v} {p:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes);
        let dir = base_dir().join("sweeps");
        if let Ok(s) = SweepSpec::parse("fuzz.toml", &text, &dir) {
            check_accepted(&s);
        }
    }

    #[test]
    fn mutated_sweep_files_never_panic(
        t in 0..TEMPLATES.len(),
        muts in proptest::collection::vec(mutation(), 1..5),
    ) {
        let text = apply(TEMPLATES[t], &muts);
        let dir = base_dir().join("sweeps");
        match SweepSpec::parse("fuzz.toml", &text, &dir) {
            Ok(s) => check_accepted(&s),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with("fuzz.toml"), "{msg}");
            }
        }
    }
}

#[test]
fn templates_are_valid() {
    let dir = base_dir().join("sweeps");
    for t in TEMPLATES {
        let s = SweepSpec::parse("t.toml", t, &dir).unwrap_or_else(|e| panic!("{e}"));
        check_accepted(&s);
    }
}
