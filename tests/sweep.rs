//! Sensitivity-analysis layer: estimators against analytic test functions, designs, sweep-file
//! errors, and a tiny real-model sweep that must be byte-identical at 1 and 2 threads.

use partnersim::commands::{self, sweep::Args as SweepArgs};
use partnersim::studies::sweep::{self, Estimate, SweepOutcome, SweepSpec, TestModel};
use std::path::Path;

fn spec(text: &str, dir: &Path) -> SweepSpec {
    SweepSpec::parse("test.toml", text, dir).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str, dir: &Path) -> String {
    match SweepSpec::parse("bad.toml", text, dir) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// Runs a sweep and draws its plots, as `partnersim sweep` does.
fn run(s: &SweepSpec, out: &Path, threads: usize) -> SweepOutcome {
    let o =
        sweep::run_spec(s, out, s.seed, Some(threads), true).unwrap_or_else(|e| panic!("{e:#}"));
    commands::plot::draw_sweep(&sweep::plots::PlotSpec::from_spec(s), &o, out)
        .unwrap_or_else(|e| panic!("{e:#}"));
    o
}

/// `partnersim sweep` as the binary runs it (plots included), in-process.
fn sweep_command(a: &SweepArgs) {
    let mut printed = Vec::new();
    commands::sweep::execute(a, &commands::Context::default(), &mut printed)
        .unwrap_or_else(|e| panic!("{e:#}"));
}

fn params(names: &[&str], lo: f64, hi: f64) -> String {
    names
        .iter()
        .map(|n| format!("[[parameters]]\npath = \"{n}\"\nmin = {lo:?}\nmax = {hi:?}\n"))
        .collect()
}

fn index(o: &SweepOutcome, index: &str) -> Vec<Estimate> {
    o.sensitivity
        .iter()
        .filter(|r| r.index == index)
        .map(|r| r.estimate)
        .collect()
}

const PI: f64 = std::f64::consts::PI;

#[test]
fn ishigami_sobol_matches_analytic() {
    let d = tempfile::tempdir().unwrap();
    let text = format!(
        "model = \"ishigami\"\nmethod = \"sobol\"\nsamples = 4096\nbootstrap = 500\nseed = 7\nsecond_order = true\n{}",
        params(&["x1", "x2", "x3"], -PI, PI)
    );
    let s = spec(&text, d.path());
    let o = run(&s, &d.path().join("out"), 2);
    let exact = TestModel::Ishigami { a: 7.0, b: 0.1 }.analytic();
    let s1 = index(&o, "S1");
    let st = index(&o, "ST");
    let s2 = index(&o, "S2");
    for i in 0..3 {
        eprintln!(
            "x{}: S1 {:.4} [{:.4}, {:.4}] exact {:.4} | ST {:.4} [{:.4}, {:.4}] exact {:.4}",
            i + 1,
            s1[i].value,
            s1[i].low,
            s1[i].high,
            exact.s1[i],
            st[i].value,
            st[i].low,
            st[i].high,
            exact.st[i]
        );
        assert!((s1[i].value - exact.s1[i]).abs() < 0.05, "S1 x{}", i + 1);
        assert!((st[i].value - exact.st[i]).abs() < 0.05, "ST x{}", i + 1);
        assert!(
            s1[i].low <= exact.s1[i] && exact.s1[i] <= s1[i].high,
            "S1 CI x{}",
            i + 1
        );
        assert!(
            st[i].low <= exact.st[i] && exact.st[i] <= st[i].high,
            "ST CI x{}",
            i + 1
        );
    }
    // S2: only x1:x3 interacts (V13 / V = 0.2437); pairs in order x1:x2, x1:x3, x2:x3
    eprintln!("S2 {s2:?}");
    assert!((s2[1].value - exact.st[2]).abs() < 0.08, "S2 x1:x3");
    assert!(s2[0].value.abs() < 0.08 && s2[2].value.abs() < 0.08);
    // deterministic model: replication noise is not estimable with one replication
    assert!(o.variance[0].noise_share.is_nan());
    for f in [
        "points.csv",
        "results.csv",
        "sensitivity.csv",
        "variance.csv",
        "manifest.json",
    ] {
        assert!(d.path().join("out").join(f).exists(), "{f}");
    }
    let sens = std::fs::read_to_string(d.path().join("out/sensitivity.csv")).unwrap();
    assert!(sens.starts_with("output,parameter,index,value,ci95_low,ci95_high\n"));
    assert!(sens.contains("\ny,x1:x3,S2,"), "{sens}");
    for f in ["plots/sobol_y.png", "plots/sobol_y.svg"] {
        assert!(d.path().join("out").join(f).exists(), "{f}");
    }
    // the terminal ranking orders by ST (exact 0.558, 0.442, 0.244) and can be cut short
    let ranking: Vec<String> = o.ranking(3).lines().map(|l| l.to_string()).collect();
    assert_eq!(ranking[0], "y (by ST, 95% CI):", "{ranking:?}");
    let order: Vec<&str> = ranking[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(order, ["x1", "x2", "x3"]);
    assert_eq!(o.ranking(1).lines().count(), 2);
}

#[test]
fn sobol_g_matches_analytic() {
    let d = tempfile::tempdir().unwrap();
    let names = ["x1", "x2", "x3", "x4", "x5", "x6"];
    let text = format!(
        "model = \"sobol_g\"\na = [0, 1, 4.5, 9, 99, 99]\nmethod = \"sobol\"\nsamples = 4096\nbootstrap = 500\nseed = 11\n{}",
        params(&names, 0.0, 1.0)
    );
    let s = spec(&text, d.path());
    let o = run(&s, &d.path().join("out"), 2);
    let exact = TestModel::SobolG {
        a: vec![0.0, 1.0, 4.5, 9.0, 99.0, 99.0],
    }
    .analytic();
    let s1 = index(&o, "S1");
    let st = index(&o, "ST");
    for i in 0..6 {
        eprintln!(
            "x{}: S1 {:.4} [{:.4}, {:.4}] exact {:.4} | ST {:.4} [{:.4}, {:.4}] exact {:.4}",
            i + 1,
            s1[i].value,
            s1[i].low,
            s1[i].high,
            exact.s1[i],
            st[i].value,
            st[i].low,
            st[i].high,
            exact.st[i]
        );
        assert!((s1[i].value - exact.s1[i]).abs() < 0.05, "S1 x{}", i + 1);
        assert!((st[i].value - exact.st[i]).abs() < 0.05, "ST x{}", i + 1);
        assert!(
            s1[i].low <= exact.s1[i] && exact.s1[i] <= s1[i].high,
            "S1 CI x{}",
            i + 1
        );
        assert!(
            st[i].low <= exact.st[i] && exact.st[i] <= st[i].high,
            "ST CI x{}",
            i + 1
        );
    }
}

#[test]
fn morris_ranks_known_patterns() {
    let d = tempfile::tempdir().unwrap();
    let text = format!(
        "model = \"ishigami\"\nmethod = \"morris\"\nsamples = 1000\nbootstrap = 300\nseed = 3\n{}",
        params(&["x1", "x2", "x3"], -PI, PI)
    );
    let o = run(&spec(&text, d.path()), &d.path().join("a"), 2);
    let ms = index(&o, "mu_star");
    let mu = index(&o, "mu");
    let sd = index(&o, "sigma");
    eprintln!("ishigami mu* {ms:?}\nmu {mu:?}\nsigma {sd:?}");
    // p = 4 grid: |EE x2| = 7.875 always; x1 about 7.7; x3 about 6.25 with mu ~ 0 and large sigma
    assert!(ms[0].value > ms[2].value && ms[1].value > ms[2].value);
    assert!((ms[1].value - 7.875).abs() < 1e-9);
    assert!(mu[2].value.abs() < 1.5 && sd[2].value > 4.0);
    assert!(ms[0].low <= ms[0].value && ms[0].value <= ms[0].high);
    assert!(d.path().join("a/plots/morris_y.png").exists());
    assert!(d.path().join("a/plots/morris_y.svg").exists());

    let names = ["x1", "x2", "x3", "x4", "x5", "x6"];
    let text = format!(
        "model = \"sobol_g\"\na = [0, 1, 4.5, 9, 99, 99]\nmethod = \"morris\"\nsamples = 200\nlevels = 6\nseed = 5\n{}",
        params(&names, 0.0, 1.0)
    );
    let o = run(&spec(&text, d.path()), &d.path().join("b"), 1);
    let ms = index(&o, "mu_star");
    eprintln!("sobol_g mu* {ms:?}");
    for i in 0..3 {
        assert!(ms[i].value > ms[i + 1].value, "order {i}");
    }
    assert!(ms[4].value < 0.02 * ms[0].value && ms[5].value < 0.02 * ms[0].value);
}

/// Trajectories chosen for spread (Campolongo et al. 2007): a design of few trajectories still
/// ranks Sobol-G's inputs, and the choice is recorded.
#[test]
fn morris_with_chosen_trajectories_ranks_and_records_the_choice() {
    let d = tempfile::tempdir().unwrap();
    let names = ["x1", "x2", "x3", "x4", "x5", "x6"];
    let text = format!(
        "model = \"sobol_g\"\na = [0, 1, 4.5, 9, 99, 99]\nmethod = \"morris\"\nsamples = 20\ncandidate_trajectories = 200\nlevels = 6\nseed = 5\n{}",
        params(&names, 0.0, 1.0)
    );
    let s = spec(&text, d.path());
    assert_eq!(s.candidate_trajectories, Some(200));
    let o = run(&s, &d.path().join("b"), 1);
    assert_eq!(o.design.n, 20 * 7);
    // the design run is the chosen one, and it spreads more than the first 20 drawn
    use partnersim::studies::sweep::design::{morris_spread, morris_unit};
    let unit = o.design.unit.as_ref().unwrap();
    assert!(morris_spread(unit, 6) > morris_spread(&morris_unit(20, 6, 6, 5), 6));
    let ms = index(&o, "mu_star");
    eprintln!("sobol_g, 20 of 200 trajectories: mu* {ms:?}");
    for i in 0..3 {
        assert!(ms[i].value > ms[i + 1].value, "order {i}");
    }
    let manifest = std::fs::read_to_string(d.path().join("b/manifest.json")).unwrap();
    assert!(
        manifest.contains("\"candidate_trajectories\": 200"),
        "{manifest}"
    );
}

/// Ishigami on a Latin hypercube: the linear regression has analytic coefficients.
/// cov(x1, y) = E[x sin x](1 + b E[x3⁴]) = 1 + b π⁴/5 over uniform inputs on [−π, π];
/// x2 and x3 enter through even functions, so their linear coefficients are 0.
#[test]
fn ishigami_lhs_regression_matches_analytic() {
    let d = tempfile::tempdir().unwrap();
    let text = format!(
        "model = \"ishigami\"\nmethod = \"lhs\"\nsamples = 4000\nbootstrap = 300\nseed = 3\n{}",
        params(&["x1", "x2", "x3"], -PI, PI)
    );
    let o = run(&spec(&text, d.path()), &d.path().join("out"), 2);
    // Ishigami is far from linear (R² about 0.2): the ranking prints both SRC (saying that R²
    // is too low for SRC² to be a variance share) and PRCC (saying it is not a variance share),
    // each led by x1, rather than switching between them at an R² threshold
    let ranking = o.ranking(3);
    let lines: Vec<&str> = ranking.lines().collect();
    assert!(lines[0].starts_with("y (by |SRC|, R² 0."), "{ranking}");
    assert!(lines[0].contains("R² is low"), "{ranking}");
    assert!(lines[1].trim_start().starts_with("x1 "), "{ranking}");
    let prcc = lines
        .iter()
        .position(|l| l.starts_with("y (by |PRCC|"))
        .unwrap_or_else(|| panic!("no PRCC ranking: {ranking}"));
    assert!(lines[prcc].contains("not a variance share"), "{ranking}");
    assert!(lines[prcc + 1].trim_start().starts_with("x1 "), "{ranking}");
    let (a, b) = (7.0, 0.1);
    let var_y = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
    let src1 = (1.0 + b * PI.powi(4) / 5.0) / ((PI / 3f64.sqrt()) * var_y.sqrt());
    let src = index(&o, "SRC");
    let want = [src1, 0.0, 0.0];
    for (i, (e, w)) in src.iter().zip(want).enumerate() {
        eprintln!(
            "x{}: SRC {:.4} [{:.4}, {:.4}] exact {w:.4}",
            i + 1,
            e.value,
            e.low,
            e.high
        );
        assert!(e.low <= w && w <= e.high, "x{}: {e:?} vs {w}", i + 1);
    }
    let r2 = index(&o, "R2")[0];
    eprintln!(
        "R2 {:.4} [{:.4}, {:.4}] exact {:.4}",
        r2.value,
        r2.low,
        r2.high,
        src1 * src1
    );
    assert!(r2.low <= src1 * src1 && src1 * src1 <= r2.high, "{r2:?}");
    // PRCC: x1 is the one monotone-ish input
    let prcc = index(&o, "PRCC");
    assert!(prcc[0].value > 0.3 && prcc[1].value.abs() < 0.1, "{prcc:?}");
    assert_eq!(index(&o, "R2_rank").len(), 1);
    assert!(d.path().join("out/plots/lhs_y.png").exists());
    let csv = std::fs::read_to_string(d.path().join("out/sensitivity.csv")).unwrap();
    assert!(
        csv.contains("\ny,x1,SRC,") && csv.contains("\ny,(all),R2,"),
        "{csv}"
    );
}

#[test]
fn lhs_strata_and_grid_count() {
    let d = tempfile::tempdir().unwrap();
    let text = format!(
        "model = \"ishigami\"\nmethod = \"lhs\"\nsamples = 50\nseed = 2\n{}",
        params(&["x1", "x2", "x3"], -PI, PI)
    );
    let o = run(&spec(&text, d.path()), &d.path().join("lhs"), 2);
    assert_eq!(o.design.n, 50);
    for dim in 0..3 {
        let mut hit = [0; 50];
        for p in 0..50 {
            let x = o.design.point(p)[dim];
            hit[((x + PI) / (2.0 * PI) * 50.0).floor() as usize] += 1;
        }
        assert!(hit.iter().all(|&h| h == 1), "{hit:?}");
    }
    let pts = std::fs::read_to_string(d.path().join("lhs/points.csv")).unwrap();
    assert_eq!(pts.lines().count(), 51);
    assert!(pts.starts_with("point,x1,x2,x3\n"));

    let text = "model = \"ishigami\"\nmethod = \"grid\"\nlevels = 3\n\
        [[parameters]]\npath = \"x1\"\nvalues = [-1, 0, 1, 2]\n\
        [[parameters]]\npath = \"x2\"\nmin = -3\nmax = 3\nlevels = 5\n\
        [[parameters]]\npath = \"x3\"\nmin = -3\nmax = 3\n";
    let s = spec(text, d.path());
    assert_eq!(s.points(), 4 * 5 * 3);
    let o = run(&s, &d.path().join("grid"), 1);
    assert_eq!(o.design.n, 60);
    let res = std::fs::read_to_string(d.path().join("grid/results.csv")).unwrap();
    assert_eq!(res.lines().count(), 61);
    assert!(res.starts_with("point,replication,y\n0,0,"));
    for f in ["response_y__x1", "response_y__x2", "response_y__x3"] {
        assert!(d.path().join(format!("grid/plots/{f}.png")).exists(), "{f}");
    }
    assert!(!d.path().join("grid/plots/heatmap_y.png").exists());
}

#[test]
fn bad_sweep_files_are_located_and_explained() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let good = params(&["x1", "x2", "x3"], -3.0, 3.0);

    let e = err(
        &format!("model = \"ishigami\"\nmethod = \"sobol\"\nsampels = 8\n{good}"),
        dir,
    );
    assert!(
        e.contains("bad.toml:3:1")
            && e.contains("unknown key `sampels`")
            && e.contains("did you mean `samples`"),
        "{e}"
    );

    let e = err(&format!("model = \"ishigami\"\nmethod = \"lhs\"\nsamples = 8\n[[parameters]]\npath = \"x1\"\nmni = 0\nmax = 1\n{}", params(&["x2", "x3"], 0.0, 1.0)), dir);
    assert!(
        e.contains("bad.toml:6:1") && e.contains("did you mean `min`"),
        "{e}"
    );

    let e = err(
        &format!("model = \"ishigami\"\nmethod = \"sobl\"\nsamples = 8\n{good}"),
        dir,
    );
    assert!(
        e.contains("bad.toml:2:10") && e.contains("did you mean `sobol`"),
        "{e}"
    );

    let e = err(&format!("model = \"ishigami\"\nmethod = \"lhs\"\nsamples = 8\n[[parameters]]\npath = \"x1\"\nmin = 2\nmax = 1\n{}", params(&["x2", "x3"], 0.0, 1.0)), dir);
    assert!(
        e.contains("bad.toml:7:7") && e.contains("max (1) must be larger than min (2)"),
        "{e}"
    );

    let e = err(&format!("model = \"ishigami\"\nmethod = \"lhs\"\nsamples = 8\n[[parameters]]\npath = \"x1\"\nmin = nan\nmax = 1\n{}", params(&["x2", "x3"], 0.0, 1.0)), dir);
    assert!(
        e.contains("bad.toml:6:7") && e.contains("not a finite number"),
        "{e}"
    );

    let e = err(&format!("model = \"ishigami\"\nmethod = \"lhs\"\nsamples = 8\n[[parameters]]\npath = \"x9\"\nmin = 0\nmax = 1\n{good}"), dir);
    assert!(
        e.contains("bad.toml:5:8") && e.contains("unknown parameter") && e.contains("x1, x2, x3"),
        "{e}"
    );

    let e = err(
        &format!(
            "model = \"sobol_g\"\na = [1, 1, 1]\nmethod = \"morris\"\nsamples = 5000000\n{good}"
        ),
        dir,
    );
    assert!(
        e.contains("bad.toml:4:11")
            && e.contains("sweep too large")
            && e.contains("20000000 points"),
        "{e}"
    );

    let e = err(
        &format!("model = \"ishigami\"\nmethod = \"lhs\"\nsamples = 8\ncandidate_trajectories = 40\n{good}"),
        dir,
    );
    assert!(
        e.contains("bad.toml:4:26") && e.contains("for morris sweeps, not lhs"),
        "{e}"
    );
    let e = err(
        &format!("model = \"ishigami\"\nmethod = \"morris\"\nsamples = 8\ncandidate_trajectories = 8\n{good}"),
        dir,
    );
    assert!(
        e.contains("bad.toml:4:26") && e.contains("from 9 to 1000"),
        "{e}"
    );

    // real-model parameters: registry paths, allowed ranges and run-count limits
    let base = dir.join("base.toml");
    std::fs::write(&base, "[simulation]\nduration_months = 6\nisos = 3\n").unwrap();
    let head = "scenario = \"base.toml\"\nmethod = \"lhs\"\nsamples = 4\n";
    let e = err(
        &format!(
            "{head}[[parameters]]\npath = \"funders.federal.contract_month\"\nmin = 12\nmax = 60\n"
        ),
        dir,
    );
    assert!(
        e.contains("bad.toml:5:8") && e.contains("did you mean `funders.federal.contract_months`"),
        "{e}"
    );
    let e = err(&format!("{head}[[parameters]]\npath = \"funders.federal.contract_months\"\nmin = 12\nmax = 600\n"), dir);
    assert!(
        e.contains("bad.toml:7:7") && e.contains("outside the range") && e.contains("1 to 120"),
        "{e}"
    );
    let e = err(
        &format!(
            "{head}[[parameters]]\npath = \"funders.federal.core_share\"\nmin = 0\nmax = 1.5\n"
        ),
        dir,
    );
    assert!(e.contains("0 to 1") && e.contains("bad.toml:7:7"), "{e}");
    let e = err(&format!("{head}[[parameters]]\npath = \"funders.federal.contract_months\"\nmin = 12\nmax = 60\ndistribution = \"uniform\"\n"), dir);
    assert!(
        e.contains("bad.toml:8:16") && e.contains("whole numbers"),
        "{e}"
    );
    let e = err(&format!("{head}outputs = [\"survival_rat\"]\n[[parameters]]\npath = \"iso.holistic_share\"\nmin = 0\nmax = 1\n"), dir);
    assert!(
        e.contains("bad.toml:4:12") && e.contains("did you mean `survival_rate`"),
        "{e}"
    );
    // the run count is the work budget's to refuse, with the flag that raises it
    std::fs::write(
        dir.join("large.toml"),
        "[simulation]\nduration_months = 120\nwarmup_months = 0\nisos = 500\n",
    )
    .unwrap();
    let big = dir.join("big.toml");
    std::fs::write(&big, "scenario = \"large.toml\"\nmethod = \"sobol\"\nsamples = 65536\nreps_per_point = 1000\n[[parameters]]\npath = \"iso.holistic_share\"\nmin = 0\nmax = 1\n").unwrap();
    let s = SweepSpec::load(&big).unwrap();
    let e = partnersim::job::budget::Budget::default()
        .check(&s.estimate())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("196608 points x 1000 replications = 2.0e8 model runs x 60000 ISO-months")
            && e.contains("--max-work"),
        "{e}"
    );
    let e = err(
        "scenario = \"missing.toml\"\nmethod = \"lhs\"\nsamples = 4\n",
        dir,
    );
    assert!(
        e.contains("bad.toml:1:12") && e.contains("base scenario") && e.contains("missing.toml"),
        "{e}"
    );
    let e = err(head, dir);
    assert!(e.contains("missing key `parameters`"), "{e}");
}

#[test]
fn sobol_size_limit_accepts_2_pow_16() {
    let d = tempfile::tempdir().unwrap();
    let good = params(&["x1", "x2", "x3"], -3.0, 3.0);
    let s = spec(
        &format!("model = \"ishigami\"\nmethod = \"sobol\"\nsamples = 65536\n{good}"),
        d.path(),
    );
    assert_eq!(s.points(), 65536 * 5);
    let e = err(
        &format!("model = \"ishigami\"\nmethod = \"sobol\"\nsamples = 65537\n{good}"),
        d.path(),
    );
    assert!(
        e.contains("bad.toml:3:11") && e.contains("2 to 65536"),
        "{e}"
    );
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn assert_same(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) {
    assert_eq!(a.len(), b.len());
    for ((n0, b0), (n1, b1)) in a.iter().zip(b) {
        assert_eq!(n0, n1);
        if n0 == "manifest.json" {
            let strip = |b: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(b).unwrap();
                let m = v.as_object_mut().unwrap();
                for timing in ["wall_seconds", "started_at", "finished_at", "threads"] {
                    m.remove(timing);
                }
                v
            };
            assert_eq!(strip(b0), strip(b1));
        } else {
            assert!(b0 == b1, "{n0} differs between 1 and 2 threads");
        }
    }
}

#[test]
fn tiny_model_sweep_is_identical_at_1_and_2_threads() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("sweeps")).unwrap();
    std::fs::write(
        d.path().join("base.toml"),
        "name = \"tiny\"\n[simulation]\nduration_months = 18\nisos = 6\n",
    )
    .unwrap();
    let lhs = "scenario = \"../base.toml\"\nmethod = \"lhs\"\nsamples = 4\nreps_per_point = 2\nseed = 9\n\
         outputs = [\"survival_rate\", \"clients_served\", \"trust_mean\"]\n\
         [[parameters]]\npath = \"funders.federal.contract_months\"\nmin = 6\nmax = 36\n\
         [[parameters]]\npath = \"funders.federal.late_payment_probability\"\nmin = 0\nmax = 1\n";
    let grid = "scenario = \"../base.toml\"\nmethod = \"grid\"\nreps_per_point = 2\nseed = 4\n\
         outputs = [\"survival_rate\", \"trust_mean\"]\n\
         [[parameters]]\npath = \"funders.federal.contract_months\"\nvalues = [6, 24]\n\
         [[parameters]]\npath = \"funders.federal.officer_rotation_months\"\nmin = 6\nmax = 48\nlevels = 2\n";
    std::fs::write(d.path().join("sweeps/grid.toml"), grid).unwrap();
    let grid_outs: Vec<Vec<(String, Vec<u8>)>> = [1, 2]
        .into_iter()
        .map(|threads| {
            let out = d.path().join(format!("grid{threads}"));
            sweep_command(&SweepArgs {
                file: d.path().join("sweeps/grid.toml"),
                out: Some(out.clone()),
                job: commands::shared::JobArgs {
                    threads: Some(threads),
                    quiet: true,
                    ..Default::default()
                },
                ..SweepArgs::default()
            });
            files(&out)
        })
        .collect();
    assert_same(&grid_outs[0], &grid_outs[1]);
    let grid_names: Vec<&str> = grid_outs[0].iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        grid_names.contains(&"plots/heatmap_trust_mean.png"),
        "{grid_names:?}"
    );
    assert!(
        grid_names.contains(&"plots/heatmap_trust_mean.svg"),
        "{grid_names:?}"
    );

    let sweep_file = d.path().join("sweeps/tiny.toml");
    std::fs::write(&sweep_file, lhs).unwrap();
    let mut outs = Vec::new();
    for threads in [1, 2] {
        let out = d.path().join(format!("out{threads}"));
        sweep_command(&SweepArgs {
            file: sweep_file.clone(),
            out: Some(out.clone()),
            job: commands::shared::JobArgs {
                threads: Some(threads),
                quiet: true,
                ..Default::default()
            },
            ..SweepArgs::default()
        });
        outs.push(files(&out));
    }
    let names: Vec<&str> = outs[0].iter().map(|(n, _)| n.as_str()).collect();
    for f in [
        "points.csv",
        "results.csv",
        "sensitivity.csv",
        "variance.csv",
        "manifest.json",
    ] {
        assert!(names.contains(&f), "{f} missing: {names:?}");
    }
    assert_same(&outs[0], &outs[1]);
    let res = String::from_utf8(
        outs[0]
            .iter()
            .find(|(n, _)| n == "results.csv")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert_eq!(res.lines().count(), 1 + 4 * 2);
    assert!(res.starts_with("point,replication,survival_rate,clients_served,trust_mean\n0,0,"));
    let var = String::from_utf8(
        outs[0]
            .iter()
            .find(|(n, _)| n == "variance.csv")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert_eq!(var.lines().count(), 4);
    let m: serde_json::Value = serde_json::from_slice(
        &outs[0]
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert_eq!(m["method"], "lhs");
    assert_eq!(m["model_runs"], 8);
    assert_eq!(m["seed"], 9);
    assert_eq!(m["target"]["name"], "tiny");
}

/// Every shipped sweep file parses (and names a scenario that loads).
#[test]
fn shipped_sweep_files_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweeps");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.display().to_string();
            SweepSpec::parse(&name, &text, &dir).unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 6, "{n} sweep files");
}

/// Too few points for regression indices: the ranking says so instead of ranking NaNs.
#[test]
fn ranking_of_undefined_indices_says_so() {
    let d = tempfile::tempdir().unwrap();
    let text = format!(
        "model = \"sobol_g\"\na = [1, 1]\nmethod = \"lhs\"\nsamples = 3\nbootstrap = 10\n{}",
        params(&["x1", "x2"], 0.0, 1.0)
    );
    let o = run(&spec(&text, d.path()), &d.path().join("out"), 1);
    let ranking = o.ranking(3);
    let undefined = "  undefined: the output does not vary, or too few points\n";
    assert_eq!(ranking.matches(undefined).count(), 2, "{ranking}");
    assert!(ranking.contains("(by |SRC|, R² undefined"), "{ranking}");
    assert!(
        ranking.contains("(by |PRCC|, rank R² undefined"),
        "{ranking}"
    );
}
