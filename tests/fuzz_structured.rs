//! A structured fuzzer over every input kind: scenario, sweep, explore and calibration TOML,
//! design and posterior CSV, levers TOML and the classroom server's JSON request body.
//!
//! Each case is generated (lines assembled from the keys, sections and values of the shipped
//! files of its kind) or mutated from a shipped file (values replaced by hostile ones, lines
//! deleted, duplicated, swapped or cut, bytes inserted, keys misspelt, huge values). Each is
//! read in-process by the library function the command uses, and checked for: no panic, no
//! hang (a watchdog, and a time bound per case), and either success or a bad-input error
//! (exit code 2) whose message names the file or the field. A sample of the cases is run
//! through the binary itself (`--max-work 1` stops a valid file before any model run) and must
//! exit 0 or 2 without a panic.
//!
//! `cargo test --release --test fuzz_structured` runs 10^4 cases; the `--ignored` test runs
//! 10^6. A failure prints the kind, the case number and the input, and is reproducible: case
//! `i` is generated from seed `i` alone.

use partnersim::commands::is_bad_input;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// SplitMix64: a small, seedable generator (case `i` uses seed `i`).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 1.0 < p
    }
}

const HOSTILE: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "-1",
    "0",
    "1",
    "-0",
    "0.5",
    "1e308",
    "-1e308",
    "1e-320",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "0x7fffffff",
    "0o777",
    "1_000",
    "\"\"",
    "\"x\"",
    "\"baseline\"",
    "\"../baseline.toml\"",
    "\"/dev/zero\"",
    "\"nonexistent.csv\"",
    "[]",
    "[1, 2]",
    "[\"a\", 1]",
    "[[1]]",
    "{}",
    "{ a = 1 }",
    "true",
    "false",
    "1979-05-27",
    "\"\\u0000\"",
    "'''a'''",
];

const CSV_HOSTILE: &[&str] = &[
    "",
    "nan",
    "inf",
    "-1",
    "1e308",
    "x",
    "\"",
    "\"a,b\"",
    "0",
    "1",
    "-0",
    "1e-320",
    "true",
    "9223372036854775808",
    ",",
    " 1",
    "1 ",
];

/// The kinds of input.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Scenario,
    Sweep,
    Explore,
    Calibration,
    Design,
    Posterior,
    Levers,
    Json,
}

/// Shipped files of every kind and what the fuzzer learnt from them.
struct Corpus {
    /// a copy of `scenarios/` (so relative references resolve), where cases are written
    tree: PathBuf,
    scenario: Vec<String>,
    sweep: Vec<String>,
    explore: Vec<String>,
    calibration: Vec<String>,
    design: Vec<String>,
    posterior: Vec<String>,
    levers: Vec<String>,
    json: Vec<String>,
    /// a finished calibration whose posterior.csv the posterior cases replace
    calibration_dir: PathBuf,
    app: partnersim::serve::App,
}

fn read_dir_toml(dir: &Path) -> Vec<String> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v.iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

impl Corpus {
    fn new(tmp: &Path) -> Corpus {
        let tree = tmp.join("scenarios");
        copy_tree(&root().join("scenarios"), &tree);
        let s = root().join("scenarios");
        // a small finished calibration (an analytic model: fast), for its posterior.csv
        let calibration_dir = tmp.join("calibration");
        let spec = partnersim::studies::calibrate::CalibrationSpec::parse(
            "normal.toml",
            "seed = 1\nparticles = 40\nmax_generations = 2\n[model]\nname = \"normal\"\nsigma = 1.0\nn = 10\n[[target]]\nmetric = \"mean_y\"\nvalue = 0.5\n[[prior]]\npath = \"theta\"\nkind = \"normal\"\nmean = 0.0\nsd = 1.0\nmin = -8.0\nmax = 8.0\n",
            &s.join("calibration"),
            "normal",
        )
        .unwrap();
        let opts = partnersim::studies::calibrate::CalibrateOptions {
            threads: partnersim::job::threads::Threads::new(Some(1)).unwrap(),
            quiet: true,
            resume: false,
            force: false,
        };
        match partnersim::studies::calibrate::run(&spec, &calibration_dir, 1, &opts).unwrap() {
            partnersim::studies::calibrate::CalibrationStatus::Finished(r) => {
                partnersim::studies::calibrate::output::write(
                    &spec,
                    &r,
                    &calibration_dir,
                    "fuzz",
                    partnersim::job::manifest::Clock::start(),
                )
                .unwrap();
            }
            _ => panic!("the seed calibration did not finish"),
        }
        let posterior =
            vec![std::fs::read_to_string(calibration_dir.join("posterior.csv")).unwrap()];
        let app = partnersim::serve::App::load(&s.join("classroom"), None, 2, 1, Some(1)).unwrap();
        Corpus {
            scenario: read_dir_toml(&s),
            sweep: read_dir_toml(&s.join("sweeps")),
            explore: read_dir_toml(&s.join("explore")),
            calibration: read_dir_toml(&s.join("calibration")),
            design: vec![
                "funders.federal.contract_months,iso.holistic_share\n12,0.1\n36,0.5\n60,0.9\n"
                    .into(),
                "reporting.coordinated\n0\n1\n".into(),
            ],
            posterior,
            levers: vec![partnersim::serve::levers::BUILT_IN.to_string()],
            json: vec![
                r#"{"lesson":"asymmetry","scenario":"many_alternatives"}"#.into(),
                r#"{"lesson":"asymmetry","scenario":"few_alternatives","set":{},"reps":2}"#
                    .into(),
                r#"{"lesson":"late_payment","scenario":"x","set":{"a":1},"metrics":["survival_rate"]}"#
                    .into(),
            ],
            tree,
            calibration_dir,
            app,
        }
    }

    fn seeds(&self, k: Kind) -> &[String] {
        match k {
            Kind::Scenario => &self.scenario,
            Kind::Sweep => &self.sweep,
            Kind::Explore => &self.explore,
            Kind::Calibration => &self.calibration,
            Kind::Design => &self.design,
            Kind::Posterior => &self.posterior,
            Kind::Levers => &self.levers,
            Kind::Json => &self.json,
        }
    }
}

/// A long value (1 kB to 100 kB).
fn long(rng: &mut Rng) -> String {
    let n = [1_000, 10_000, 100_000][rng.below(3)];
    format!("\"{}\"", "x".repeat(n))
}

/// A value: hostile, or one from the corpus.
fn value(rng: &mut Rng, lines: &[&str]) -> String {
    match rng.below(10) {
        0 => long(rng),
        1..=5 => rng.pick(HOSTILE).to_string(),
        _ => lines
            .iter()
            .filter_map(|l| l.split_once(" = ").map(|(_, v)| v.to_string()))
            .nth(rng.below(lines.len()))
            .unwrap_or_else(|| "1".into()),
    }
}

/// One mutation of a TOML text.
fn mutate_toml(rng: &mut Rng, text: &str, corpus_lines: &[&str]) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    let i = rng.below(n);
    match rng.below(11) {
        0..=2 => {
            // a value replaced
            let assignments: Vec<usize> = (0..n).filter(|&k| lines[k].contains(" = ")).collect();
            if let Some(&k) = assignments.get(rng.below(assignments.len().max(1))) {
                let key = lines[k].split(" = ").next().unwrap_or("").to_string();
                lines[k] = format!("{key} = {}", value(rng, corpus_lines));
            }
        }
        3 => {
            lines.remove(i);
        }
        4 => {
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        5 => {
            let j = rng.below(n);
            lines.swap(i, j);
        }
        6 => {
            let l = rng.pick(corpus_lines).to_string();
            lines.insert(i, l);
        }
        7 => {
            // a key misspelt
            if let Some((k, v)) = lines[i].clone().split_once(" = ") {
                let mut k: Vec<char> = k.chars().collect();
                if !k.is_empty() {
                    let at = rng.below(k.len());
                    k.remove(at);
                }
                lines[i] = format!("{} = {v}", k.into_iter().collect::<String>());
            }
        }
        8 => {
            let h = [
                "[x]",
                "[[prior]]",
                "[[target]]",
                "[[regime]]",
                "[[parameters]]",
                "[simulation]",
                "[",
                "[[",
                "]]",
            ];
            lines.insert(i, rng.pick(&h).to_string());
        }
        _ => {
            // bytes: cut, or something inserted (invalid UTF-8 included)
            let mut b = lines.join("\n").into_bytes();
            let at = rng.below(b.len() + 1);
            if rng.chance(0.5) {
                b.truncate(at);
            } else {
                let junk: &[&[u8]] = &[
                    b"\xff", b"\x00", b"\"", b"[", b"\n", b"=", b"\xc3", b"'''", b"\\",
                ];
                let j = rng.pick(junk);
                b.splice(at..at, j.iter().copied());
            }
            return b;
        }
    }
    (lines.join("\n") + "\n").into_bytes()
}

/// One mutation of a CSV text.
fn mutate_csv(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    if rows.is_empty() {
        rows.push(vec![String::new()]);
    }
    let r = rng.below(rows.len());
    let c = rng.below(rows[r].len());
    match rng.below(8) {
        0..=2 => rows[r][c] = rng.pick(CSV_HOSTILE).to_string(),
        3 => {
            rows[r].remove(c);
        }
        4 => rows[r].push(rng.pick(CSV_HOSTILE).to_string()),
        5 => {
            rows.remove(r);
        }
        6 => {
            let row = rows[r].clone();
            rows.insert(r, row);
        }
        _ => {
            let mut b = rows
                .iter()
                .map(|r| r.join(","))
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes();
            let at = rng.below(b.len() + 1);
            if rng.chance(0.5) {
                b.truncate(at);
            } else {
                b.splice(at..at, [0xffu8, b'\r']);
            }
            return b;
        }
    }
    (rows
        .iter()
        .map(|r| r.join(","))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n")
        .into_bytes()
}

/// One mutation of a JSON body: a node replaced, or bytes.
fn mutate_json(rng: &mut Rng, text: &str) -> Vec<u8> {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(text) else {
        return mutate_csv(rng, text);
    };
    let hostile = |rng: &mut Rng| -> serde_json::Value {
        match rng.below(12) {
            0 => serde_json::Value::Null,
            1 => serde_json::json!(-1),
            2 => serde_json::json!(1e308),
            3 => serde_json::json!(u64::MAX),
            4 => serde_json::json!("x".repeat(100_000)),
            5 => serde_json::json!([]),
            6 => serde_json::json!({}),
            7 => serde_json::json!(true),
            8 => serde_json::json!({"simulation.isos": 1e9, "iso.holistic_share": "nan"}),
            9 => serde_json::json!(["survival_rate", 1]),
            10 => serde_json::json!(1_000_000),
            _ => serde_json::json!("asymmetry"),
        }
    };
    if rng.chance(0.2) {
        let mut b = text.as_bytes().to_vec();
        let at = rng.below(b.len() + 1);
        b.truncate(at);
        return b;
    }
    if let Some(o) = v.as_object_mut() {
        let keys = ["lesson", "scenario", "set", "reps", "metrics", "extra"];
        let k = rng.pick(&keys).to_string();
        if rng.chance(0.2) {
            o.remove(&k);
        } else {
            let h = hostile(rng);
            o.insert(k, h);
        }
    }
    if rng.chance(0.05) {
        // deep nesting
        let deep = "[".repeat(10_000);
        return deep.into_bytes();
    }
    serde_json::to_vec(&v).unwrap_or_default()
}

/// A generated TOML file: lines assembled from the corpus of the kind.
fn generate_toml(rng: &mut Rng, corpus_lines: &[&str]) -> Vec<u8> {
    let n = 1 + rng.below(25);
    let mut s = String::new();
    for _ in 0..n {
        let l = rng.pick(corpus_lines);
        if let Some((k, _)) = l.split_once(" = ") {
            if rng.chance(0.5) {
                s.push_str(&format!("{k} = {}\n", value(rng, corpus_lines)));
                continue;
            }
        }
        s.push_str(l);
        s.push('\n');
    }
    s.into_bytes()
}

/// The input of case `seed`: its kind and bytes.
fn case(seed: u64, corpus: &Corpus, lines: &[Vec<&str>; 8]) -> (Kind, Vec<u8>) {
    let mut rng = Rng(seed);
    let kinds = [
        (Kind::Scenario, 24),
        (Kind::Sweep, 16),
        (Kind::Explore, 12),
        (Kind::Calibration, 12),
        (Kind::Design, 12),
        (Kind::Posterior, 10),
        (Kind::Levers, 12),
        (Kind::Json, 2),
    ];
    let total: usize = kinds.iter().map(|k| k.1).sum();
    let mut x = rng.below(total);
    let mut ki = 0;
    while x >= kinds[ki].1 {
        x -= kinds[ki].1;
        ki += 1;
    }
    let kind = kinds[ki].0;
    let seeds = corpus.seeds(kind);
    let mut text = rng.pick(seeds).clone().into_bytes();
    let generated = matches!(
        kind,
        Kind::Scenario | Kind::Sweep | Kind::Explore | Kind::Calibration | Kind::Levers
    ) && rng.chance(0.2);
    if generated {
        text = generate_toml(&mut rng, &lines[ki]);
    }
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let t = String::from_utf8_lossy(&text).into_owned();
        text = match kind {
            Kind::Design | Kind::Posterior => mutate_csv(&mut rng, &t),
            Kind::Json => mutate_json(&mut rng, &t),
            _ => mutate_toml(&mut rng, &t, &lines[ki]),
        };
    }
    (kind, text)
}

/// What a case did wrong, if anything.
fn check(kind: Kind, bytes: &[u8], corpus: &Corpus) -> Result<(), String> {
    let tree = &corpus.tree;
    // a bad-input error that names the file (or one it refers to) or the field
    let named = |e: anyhow::Error, file: &str| -> Result<(), String> {
        let msg = format!("{e:#}");
        if !is_bad_input(&e) {
            return Err(format!("not a bad-input error (exit 1, not 2): {msg}"));
        }
        if msg.contains(file) || msg.contains(".toml") || msg.contains(".csv") {
            Ok(())
        } else {
            Err(format!("the message names no file: {msg}"))
        }
    };
    match kind {
        Kind::Scenario => {
            let p = tree.join("fuzz.toml");
            std::fs::write(&p, bytes).unwrap();
            match partnersim::input::scenario::Scenario::load(&p) {
                Ok(_) => Ok(()),
                Err(e) => named(e.into(), "fuzz.toml"),
            }
        }
        Kind::Sweep => {
            let p = tree.join("sweeps").join("fuzz.toml");
            std::fs::write(&p, bytes).unwrap();
            match partnersim::studies::sweep::SweepSpec::load(&p) {
                Ok(s) => {
                    // sizing never overflows
                    let _ = s.estimate().work();
                    Ok(())
                }
                Err(e) => named(e.into(), "fuzz.toml"),
            }
        }
        Kind::Explore => {
            let p = tree.join("explore").join("fuzz.toml");
            std::fs::write(&p, bytes).unwrap();
            match partnersim::studies::explore::ExploreSpec::load(&p) {
                Ok(s) => {
                    let _ = s.estimate(s.states).work();
                    Ok(())
                }
                Err(e) => named(e.into(), "fuzz.toml"),
            }
        }
        Kind::Calibration => {
            let p = tree.join("calibration").join("fuzz.toml");
            std::fs::write(&p, bytes).unwrap();
            match partnersim::studies::calibrate::CalibrationSpec::load(&p) {
                Ok(s) => {
                    let _ = s.estimate().work();
                    Ok(())
                }
                Err(e) => named(e.into(), "fuzz.toml"),
            }
        }
        Kind::Design => {
            let d = tree.join("sweeps");
            std::fs::write(d.join("fuzz_points.csv"), bytes).unwrap();
            let p = d.join("fuzz_design.toml");
            std::fs::write(
                &p,
                "scenario = \"../baseline.toml\"\ndesign = \"fuzz_points.csv\"\nreps_per_point = 2\n",
            )
            .unwrap();
            match partnersim::studies::sweep::SweepSpec::load(&p) {
                Ok(_) => Ok(()),
                Err(e) => named(e.into(), "fuzz_points.csv"),
            }
        }
        Kind::Posterior => {
            let p = corpus.calibration_dir.join("posterior.csv");
            std::fs::write(&p, bytes).unwrap();
            match partnersim::studies::posterior::Posterior::read(&p) {
                Ok(post) => {
                    let _ = post.draw(3, 1);
                    let _ = post.mean();
                    Ok(())
                }
                Err(e) => named(e.into(), "posterior.csv"),
            }
        }
        Kind::Levers => {
            let text = String::from_utf8_lossy(bytes);
            match partnersim::serve::levers::parse("fuzz_levers.toml", &text) {
                Ok(_) => Ok(()),
                Err(e) => named(e.into(), "fuzz_levers.toml"),
            }
        }
        Kind::Json => {
            let r = corpus.app.handle("POST", "/api/run", bytes);
            match r.status {
                200 => Ok(()),
                400..=499 => {
                    let v: serde_json::Value = serde_json::from_slice(&r.body)
                        .map_err(|e| format!("{} with a body that is not JSON: {e}", r.status))?;
                    let msg = v["error"].as_str().unwrap_or("");
                    if msg.is_empty() {
                        Err(format!("{} without an error message: {v}", r.status))
                    } else if msg.len() > 2_000 {
                        Err(format!("{} echoes {} bytes back", r.status, msg.len()))
                    } else {
                        Ok(())
                    }
                }
                s => Err(format!(
                    "status {s}: {}",
                    String::from_utf8_lossy(&r.body[..r.body.len().min(300)])
                )),
            }
        }
    }
}

/// Runs a case through the binary: exit 0 or 2, no panic, a message naming the file or flag.
fn check_binary(kind: Kind, corpus: &Corpus, out: &Path) -> Result<(), String> {
    let tree = &corpus.tree;
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("partnersim"));
    c.current_dir(tree).args(["--max-work", "1"]);
    let file = match kind {
        Kind::Scenario => {
            c.arg("validate").arg(tree.join("fuzz.toml"));
            "fuzz.toml"
        }
        Kind::Sweep => {
            c.arg("sweep").arg(tree.join("sweeps/fuzz.toml"));
            "fuzz.toml"
        }
        Kind::Design => {
            c.arg("sweep").arg(tree.join("sweeps/fuzz_design.toml"));
            "fuzz_points.csv"
        }
        Kind::Explore => {
            c.arg("explore").arg(tree.join("explore/fuzz.toml"));
            "fuzz.toml"
        }
        Kind::Calibration => {
            c.arg("calibrate").arg(tree.join("calibration/fuzz.toml"));
            "fuzz.toml"
        }
        _ => return Ok(()),
    };
    let _ = std::fs::remove_dir_all(out);
    c.arg("--out").arg(out);
    if kind == Kind::Scenario {
        // validate takes no --out
        c = std::process::Command::new(assert_cmd::cargo::cargo_bin("partnersim"));
        c.current_dir(tree)
            .args(["validate"])
            .arg(tree.join("fuzz.toml"));
    }
    let mut child = c
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if t.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the binary did not finish within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    match status.code() {
        Some(0) => Ok(()),
        Some(2) if err.contains("panicked") => Err(format!("panic: {err}")),
        Some(2)
            if err.contains(file)
                || err.contains(".toml")
                || err.contains(".csv")
                || err.contains("--max-work") =>
        {
            Ok(())
        }
        other => Err(format!("exit {other:?}: {err}")),
    }
}

/// Runs `n` cases (seeds `first..first + n`), every `binary_every`-th also through the binary;
/// panics with the first failures. A watchdog fails the test if one case takes more than
/// `hang` (no progress).
fn fuzz(first: u64, n: u64, binary_every: u64, hang: Duration) -> (u64, Duration) {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = Corpus::new(tmp.path());
    let lines: [Vec<&str>; 8] = [
        Kind::Scenario,
        Kind::Sweep,
        Kind::Explore,
        Kind::Calibration,
        Kind::Design,
        Kind::Posterior,
        Kind::Levers,
        Kind::Json,
    ]
    .map(|k| {
        corpus
            .seeds(k)
            .iter()
            .flat_map(|t| t.lines())
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .collect()
    });
    let current = Arc::new(AtomicU64::new(u64::MAX));
    let done = Arc::new(AtomicU64::new(0));
    let (c2, d2) = (current.clone(), done.clone());
    let watchdog = std::thread::spawn(move || {
        let mut last = (u64::MAX, Instant::now());
        loop {
            std::thread::sleep(Duration::from_millis(200));
            if d2.load(Ordering::SeqCst) == 1 {
                return None;
            }
            let c = c2.load(Ordering::SeqCst);
            if c != last.0 {
                last = (c, Instant::now());
            } else if last.1.elapsed() > hang {
                return Some(c);
            }
        }
    });
    let t0 = Instant::now();
    let trace = std::env::var_os("FUZZ_TRACE").is_some();
    let mut failures = Vec::new();
    let out = tmp.path().join("out");
    let prev_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for seed in first..first + n {
        current.store(seed, Ordering::SeqCst);
        let (kind, bytes) = case(seed, &corpus, &lines);
        if trace {
            eprintln!("case {seed} {kind:?}");
        }
        let t = Instant::now();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(kind, &bytes, &corpus)
        }));
        let r = match r {
            Ok(r) => r,
            Err(p) => Err(format!(
                "panic: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        let r = r.and_then(|()| {
            if t.elapsed() > Duration::from_secs(10) {
                Err(format!("took {:?}", t.elapsed()))
            } else {
                Ok(())
            }
        });
        let r = if r.is_ok() && binary_every > 0 && seed % binary_every == 0 {
            check_binary(kind, &corpus, &out)
        } else {
            r
        };
        if let Err(why) = r {
            let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(600)]).into_owned();
            failures.push(format!(
                "case {seed} ({kind:?}): {why}\n--- input ---\n{shown}"
            ));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    std::panic::set_hook(prev_hook);
    done.store(1, Ordering::SeqCst);
    if let Some(c) = watchdog.join().unwrap() {
        panic!("case {c} made no progress within {hang:?}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    (n, t0.elapsed())
}

#[test]
fn ten_thousand_structured_cases() {
    let (n, t) = fuzz(0, 10_000, 100, Duration::from_secs(60));
    eprintln!("{n} cases in {:.1} s", t.as_secs_f64());
}

#[test]
#[ignore = "10^6 cases, about an hour: cargo test --release --test fuzz_structured -- --ignored"]
fn a_million_structured_cases() {
    let n = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let (n, t) = fuzz(10_000, n, 5_000, Duration::from_secs(120));
    eprintln!("{n} cases in {:.1} s", t.as_secs_f64());
}
