//! Regimes started from the baseline's present (`compare --start present`, ODD §5 "Two
//! questions"): one warm-up per replication, every regime forked from its state at month 0.

use assert_cmd::Command;
use partnersim::input::scenario::Scenario;
use partnersim::metrics::{MonthRecord, METRICS};
use partnersim::model::{Config, Model};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("partnersim").unwrap();
    c.current_dir(root());
    c
}

/// Small sizes so that a comparison takes a fraction of a second.
const SMALL: [&str; 6] = [
    "--set",
    "simulation.isos=12",
    "--set",
    "simulation.warmup_months=36",
    "--set",
    "simulation.duration_months=36",
];

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn baseline() -> String {
    root().join("scenarios/baseline.toml").display().to_string()
}

/// A regime that is the baseline under another name, one that changes federal reporting hours
/// and late payment (which apply at once to agreements in force), and the baseline with that
/// change as a timeline event at month 0. Late payment is there so that the regime's own
/// warm-up leaves a different state at month 0: in the dated baseline (demand binds, federal
/// calls every five years) reporting hours alone leave no trace on the state.
fn regimes(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let base = baseline();
    let same = write(
        dir,
        "same.toml",
        &format!("name = \"same\"\nextends = \"{base}\"\n"),
    );
    let heavy = write(
        dir,
        "heavy.toml",
        &format!(
            "name = \"heavy\"\nextends = \"{base}\"\n[funders.federal]\nreporting_hours_per_month = 60\nlate_payment_probability = 0.9\n"
        ),
    );
    let switched = write(
        dir,
        "switched.toml",
        &format!(
            "name = \"switched\"\nextends = \"{base}\"\n[[events]]\nmonth = 0\n[events.set]\n\"funders.federal.reporting_hours_per_month\" = 60\n\"funders.federal.late_payment_probability\" = 0.9\n"
        ),
    );
    (same, heavy, switched)
}

fn compare(files: &[&Path], out: &Path, extra: &[&str]) {
    let mut c = bin();
    c.arg("compare").arg(baseline());
    for f in files {
        c.arg(f);
    }
    c.args(["--baseline", "baseline", "--reps", "6", "-q", "--out"])
        .arg(out)
        .args(SMALL)
        .args(extra)
        .assert()
        .success();
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `replications.csv` as rows of (metric name → value).
fn replications(dir: &Path) -> Vec<Vec<(String, f64)>> {
    let text = read(&dir.join("replications.csv"));
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(|v| v.parse::<f64>().unwrap()))
                .collect()
        })
        .collect()
}

#[test]
fn a_regime_identical_to_the_baseline_differs_by_exactly_zero() {
    let d = tempfile::tempdir().unwrap();
    let (same, _, _) = regimes(d.path());
    let out = d.path().join("cmp");
    compare(&[&same], &out, &[]);
    let csv = read(&out.join("comparison.csv"));
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        // metric,scenario,baseline,mean,baseline_mean,diff_mean,diff_ci95_low,diff_ci95_high
        assert_eq!(cells[3], cells[4], "{line}");
        for c in &cells[5..8] {
            assert!(c.is_empty() || c.parse::<f64>().unwrap() == 0.0, "{line}");
        }
        rows += 1;
    }
    assert_eq!(rows, METRICS.len());
    // the manifest and compare.json say which start was used and what it asks
    let man = read(&out.join("manifest.json"));
    assert!(man.contains("\"start\": \"present\""), "{man}");
    let cj = read(&out.join("compare.json"));
    assert!(cj.contains("\"start\": \"present\""), "{cj}");
    assert!(cj.contains("organizations operating today"), "{cj}");
    let run_man = read(&out.join("same").join("manifest.json"));
    assert!(
        run_man.contains("\"start_from\": \"baseline\""),
        "{run_man}"
    );
}

#[test]
fn the_baseline_from_its_present_is_its_own_run() {
    let d = tempfile::tempdir().unwrap();
    let (_, heavy, _) = regimes(d.path());
    let out = d.path().join("cmp");
    compare(&[&heavy], &out, &[]);
    let run = d.path().join("run");
    bin()
        .arg("run")
        .arg(baseline())
        .args(["--reps", "6", "-q", "--no-plots", "--out"])
        .arg(&run)
        .args(SMALL)
        .assert()
        .success();
    for f in ["replications.csv", "timeseries.csv", "summary.csv"] {
        assert_eq!(
            read(&out.join("baseline").join(f)),
            read(&run.join(f)),
            "{f}"
        );
    }
}

#[test]
fn a_switch_takes_effect_at_month_zero_from_the_same_state() {
    let base = Scenario::load(&root().join("scenarios/baseline.toml")).unwrap();
    let mut heavy = base.clone();
    heavy
        .set_value("funders.federal.reporting_hours_per_month", 60.0)
        .unwrap();
    let (mut b, mut h) = (base.clone(), heavy.clone());
    for s in [&mut b, &mut h] {
        s.set_value("simulation.isos", 12.0).unwrap();
        s.set_value("simulation.warmup_months", 24.0).unwrap();
        s.set_value("simulation.duration_months", 12.0).unwrap();
    }
    let (bc, hc): (Config, Config) = (b.config(), h.config());
    for rep in 0..4 {
        let mut present = Model::new(&bc, 11, rep);
        present.warm_up();
        let mut regime = present.clone();
        let before = format!(
            "{:?}{:?}{:?}{:?}",
            present.isos, present.rels, present.funders, present.cohorts
        );
        regime.switch_to(&hc).unwrap();
        // the state at month 0 is the baseline's, bit for bit: only the rules differ
        let after = format!(
            "{:?}{:?}{:?}{:?}",
            regime.isos, regime.rels, regime.funders, regime.cohorts
        );
        assert_eq!(before, after);
        assert_eq!(regime.month(), 0);
        let k = partnersim::params::index_of("funders.federal.reporting_hours_per_month").unwrap();
        let mut base_run = present.clone();
        base_run.step();
        regime.step();
        // the new value is in force from month 0
        assert_eq!(regime.config().values.0[k], 60.0);
        assert_ne!(base_run.config().values.0[k], 60.0);
        let (a, z) = (present.run_rest(), {
            let mut r = Model::new(&bc, 11, rep);
            r.warm_up();
            r.switch_to(&hc).unwrap();
            r.run_rest()
        });
        let j = METRICS
            .iter()
            .position(|m| m.name == "reporting_share")
            .unwrap();
        let first = |o: &[MonthRecord]| o[0][j];
        assert!(
            first(&z.months) > first(&a.months),
            "reporting share in month 0: {} vs {}",
            first(&z.months),
            first(&a.months)
        );
        let iso = METRICS
            .iter()
            .position(|m| m.name == "isos_reported")
            .unwrap();
        assert_eq!(a.summary[iso], z.summary[iso], "one denominator");
    }
}

#[test]
fn present_start_is_a_timeline_switch_at_month_zero() {
    let d = tempfile::tempdir().unwrap();
    let (_, heavy, switched) = regimes(d.path());
    let out = d.path().join("cmp");
    compare(&[&heavy], &out, &[]);
    let run = d.path().join("run");
    bin()
        .arg("run")
        .arg(&switched)
        .args(["--reps", "6", "-q", "--no-plots", "--out"])
        .arg(&run)
        .args(SMALL)
        .assert()
        .success();
    for f in ["replications.csv", "timeseries.csv", "summary.csv"] {
        assert_eq!(read(&out.join("heavy").join(f)), read(&run.join(f)), "{f}");
    }
    // and every regime counts the same ISOs
    let iso = |dir: &Path| -> Vec<f64> {
        replications(dir)
            .iter()
            .map(|r| r.iter().find(|(k, _)| k == "isos_reported").unwrap().1)
            .collect()
    };
    assert_eq!(iso(&out.join("heavy")), iso(&out.join("baseline")));
    // the steady start answers the other question: each regime from its own warm-up
    let steady = d.path().join("steady");
    compare(&[&heavy], &steady, &["--start", "steady"]);
    assert_ne!(
        read(&steady.join("heavy").join("replications.csv")),
        read(&out.join("heavy").join("replications.csv"))
    );
    assert!(read(&steady.join("compare.json")).contains("\"start\": \"steady\""));
}

#[test]
fn a_regime_that_changes_a_fixed_parameter_is_refused_by_name() {
    let d = tempfile::tempdir().unwrap();
    let base = baseline();
    let reserves = write(
        d.path(),
        "reserves.toml",
        &format!("name = \"reserves\"\nextends = \"{base}\"\n[iso]\nreserve_months_median = 6\n"),
    );
    let out = d.path().join("cmp");
    let o = bin()
        .arg("compare")
        .arg(baseline())
        .arg(&reserves)
        .args(["--reps", "2", "-q", "--start", "present", "--out"])
        .arg(&out)
        .args(SMALL)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("`reserves`") && e.contains("iso.reserve_months_median"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");
    // without --start (present is the default) it is refused in the same way: the question is
    // never changed behind the user's back
    let o = bin()
        .arg("compare")
        .arg(baseline())
        .arg(&reserves)
        .args(["--reps", "2", "-q", "--out"])
        .arg(d.path().join("default"))
        .args(SMALL)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("iso.reserve_months_median") && e.contains("--start steady"),
        "{e}"
    );
    // the steady start compares them
    bin()
        .arg("compare")
        .arg(baseline())
        .arg(&reserves)
        .args(["--reps", "2", "-q", "--start", "steady", "--out"])
        .arg(&out)
        .args(SMALL)
        .assert()
        .success();
    bin()
        .arg("compare")
        .arg(baseline())
        .arg(&reserves)
        .args(["--reps", "2", "-q", "--start", "later", "--out"])
        .arg(d.path().join("x"))
        .assert()
        .code(2);
}

// (compare.json and the manifests hold the command line, which differs)
const OUTPUTS: [&str; 1] = ["comparison.csv"];

fn same_outputs(a: &Path, b: &Path) {
    for f in OUTPUTS {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
    for r in ["baseline", "heavy"] {
        for f in ["replications.csv", "timeseries.csv", "summary.csv"] {
            assert_eq!(
                read(&a.join(r).join(f)),
                read(&b.join(r).join(f)),
                "{r}/{f}"
            );
        }
    }
}

#[test]
fn byte_identical_at_one_and_two_threads_and_after_an_interruption() {
    let d = tempfile::tempdir().unwrap();
    let (_, heavy, _) = regimes(d.path());
    let args = |out: &Path, threads: &str| -> Vec<String> {
        [
            "compare",
            &baseline(),
            &heavy.display().to_string(),
            "--baseline",
            "baseline",
            "--reps",
            "320",
            "--seed",
            "9",
            "-q",
            "--threads",
            threads,
            "--out",
            &out.display().to_string(),
            "--set",
            "simulation.isos=12",
        ]
        .map(String::from)
        .to_vec()
    };
    let one = d.path().join("one");
    let two = d.path().join("two");
    bin().args(args(&one, "1")).assert().success();
    bin().args(args(&two, "2")).assert().success();
    same_outputs(&one, &two);

    // killed after its first chunk, then resumed
    let cut = d.path().join("cut");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("partnersim"))
        .current_dir(root())
        .args(args(&cut, "1"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let chunks = cut.join("present_start").join(".chunks");
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(120) {
        // a finished chunk (not one being written)
        let n = std::fs::read_dir(&chunks).map_or(0, |r| {
            r.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".bin"))
                .count()
        });
        if n > 0 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut resume = args(&cut, "2");
    resume.push("--resume".into());
    bin().args(resume).assert().success();
    same_outputs(&one, &cut);
    let man: serde_json::Value = serde_json::from_str(&read(&cut.join("manifest.json"))).unwrap();
    let computed = man["items_computed"].as_u64().unwrap();
    assert!(
        computed < 320,
        "the resumed comparison recomputed every replication ({computed}): {man}"
    );
}

#[test]
fn explore_starts_from_the_first_regime_present_by_default() {
    let d = tempfile::tempdir().unwrap();
    let base = baseline();
    let file = |start: &str| {
        format!(
            "name = \"t\"\nstates = 10\nreps_per_state = 2\nseed = 3\nbootstrap = 0\n{start}\n[[regimes]]\nscenario = \"{base}\"\n[[regimes]]\nname = \"heavy\"\nscenario = \"{base}\"\nset = {{ \"funders.federal.reporting_hours_per_month\" = 60, \"funders.federal.late_payment_probability\" = 0.9 }}\n[[uncertainties]]\npath = \"iso.quit_rate_per_year\"\nmin = 0.1\nmax = 0.2\n[[outcomes]]\nmetric = \"survival_rate\"\n[[outcomes]]\nmetric = \"staff_turnover_annual\"\n"
        )
    };
    let run = |name: &str, text: &str, extra: &[&str]| -> String {
        let f = write(d.path(), name, text);
        let out = d.path().join(format!("out_{name}"));
        bin()
            .arg("explore")
            .arg(&f)
            .args(["-q", "--out"])
            .arg(&out)
            .args(extra)
            .assert()
            .success();
        read(&out.join("experiments.csv"))
    };
    let present = run("p.toml", &file(""), &[]);
    let steady = run("s.toml", &file("start = \"steady\""), &[]);
    let flag = run("f.toml", &file(""), &["--start", "steady"]);
    assert_eq!(steady, flag, "--start overrides the file");
    // the first regime from its own present is its own run; the other regime differs
    let rows = |t: &str, regime: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.split(',').nth(1) == Some(regime))
            .map(String::from)
            .collect()
    };
    assert_eq!(rows(&present, "baseline"), rows(&steady, "baseline"));
    assert_eq!(rows(&present, "heavy").len(), 10);
    assert_ne!(rows(&present, "heavy"), rows(&steady, "heavy"));
    let bad = write(d.path(), "bad.toml", &file("start = \"later\""));
    let o = bin()
        .arg("explore")
        .arg(&bad)
        .args(["-q", "--out"])
        .arg(d.path().join("bad"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("bad.toml:") && e.contains("start"), "{e}");
}

/// The baseline at small sizes, and the same with `changes` in force from the start.
fn small_configs(changes: &[(&str, f64)]) -> (Config, Config) {
    let base = Scenario::load(&root().join("scenarios/baseline.toml")).unwrap();
    let mut b = base.clone();
    b.set_value("simulation.isos", 16.0).unwrap();
    b.set_value("simulation.warmup_months", 36.0).unwrap();
    b.set_value("simulation.duration_months", 36.0).unwrap();
    let mut r = b.clone();
    for (p, v) in changes {
        r.set_value(p, *v).unwrap();
    }
    (b.config(), r.config())
}

fn bits(o: &partnersim::model::ReplicationOutput) -> Vec<Vec<u64>> {
    std::iter::once(&o.summary)
        .chain(&o.months)
        .map(|r| r.iter().map(|x| x.to_bits()).collect())
        .collect()
}

/// The parameters that also act at an ISO's creation or switch a submodel on or off can change at
/// the switch: a present start gives the numbers of the baseline with a timeline event that sets
/// them at month 0, and they change the run.
#[test]
fn traits_and_partnerships_switch_at_month_zero_as_a_timeline_event_would() {
    let cases: [&[(&str, f64)]; 5] = [
        &[("iso.risk_aversion", 3.0)],
        &[("iso.mission_weight", 0.8)],
        &[("iso.strategy_dispersion", 2.0)],
        &[("partnerships.enabled", 1.0)],
        &[
            ("partnerships.enabled", 1.0),
            ("partnerships.call_interval_months", 24.0),
        ],
    ];
    for changes in cases {
        let (bc, rc) = small_configs(changes);
        let mut tc = bc.clone();
        tc.timeline.push(partnersim::model::timeline::Event {
            month: 0,
            kind: partnersim::model::timeline::EventKind::Set(
                changes
                    .iter()
                    .map(|(p, v)| (partnersim::params::index_of(p).unwrap(), *v))
                    .collect(),
            ),
        });
        let mut differs = false;
        for rep in 0..3 {
            let mut present = Model::new(&bc, 5, rep);
            present.warm_up();
            let mut regime = present.clone();
            regime.switch_to(&rc).unwrap();
            let forked = regime.run_rest();
            let timeline = Model::new(&tc, 5, rep).run();
            assert_eq!(bits(&forked), bits(&timeline), "{changes:?} rep {rep}");
            assert_eq!(
                forked.partnerships.len(),
                timeline.partnerships.len(),
                "{changes:?}"
            );
            differs |= bits(&forked) != bits(&present.run_rest());
        }
        assert!(differs, "{changes:?} changed nothing");
    }
}

/// At the switch every ISO keeps its own draws: its traits under the regime's parameters are
/// those it would have been created with under them, and an unchanged regime changes nothing.
#[test]
fn switched_traits_are_the_isos_own_draws_under_the_new_parameters() {
    let (bc, rc) = small_configs(&[("iso.risk_aversion", 3.0), ("iso.mission_weight", 0.7)]);
    let mut present = Model::new(&bc, 8, 2);
    present.warm_up();
    let created = Model::new(&rc, 8, 2);
    let mut regime = present.clone();
    regime.switch_to(&rc).unwrap();
    regime.step();
    let mut same = present.clone();
    same.switch_to(&bc).unwrap();
    same.step();
    present.step();
    for ((r, c), (s, p)) in regime
        .isos
        .iter()
        .zip(&created.isos)
        .zip(same.isos.iter().zip(&present.isos))
    {
        assert_eq!(r.mission.to_bits(), c.mission.to_bits());
        assert_eq!(r.risk_aversion.to_bits(), c.risk_aversion.to_bits());
        assert_eq!(s.mission.to_bits(), p.mission.to_bits());
        assert_eq!(s.risk_aversion.to_bits(), p.risk_aversion.to_bits());
    }
    assert!(regime
        .isos
        .iter()
        .zip(&present.isos)
        .all(|(r, p)| r.risk_aversion > p.risk_aversion));
}

/// Partnerships switched off at the switch end that month; the regime then runs without them.
#[test]
fn partnerships_switched_off_end_at_month_zero() {
    let (on, off) = small_configs(&[("partnerships.enabled", 1.0)]);
    let (on, off) = (off, on);
    let mut ended = 0;
    for rep in 0..4 {
        let mut present = Model::new(&on, 3, rep);
        present.warm_up();
        let alive = present.partnerships().iter().filter(|p| p.alive()).count();
        let mut regime = present.clone();
        regime.switch_to(&off).unwrap();
        regime.step();
        assert_eq!(
            regime.partnerships().iter().filter(|p| p.alive()).count(),
            0
        );
        ended += alive;
        let out = regime.run_rest();
        let j = METRICS
            .iter()
            .position(|m| m.name == "partnership_meeting_share")
            .unwrap();
        assert_eq!(out.summary[j], 0.0);
    }
    assert!(ended > 0, "no partnership operated at month 0 to end");
}

/// Every shipped scenario starts from the baseline's present: none changes a parameter fixed
/// during a run, so compare needs no other start for them.
#[test]
fn every_shipped_scenario_starts_from_the_present() {
    let base = Scenario::load(&root().join("scenarios/baseline.toml")).unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let s = Scenario::load(&p).unwrap();
            let fixed = partnersim::model::fork::fixed_changes(&base.values, &s.values);
            assert!(fixed.is_empty(), "{}: {fixed:?}", p.display());
            n += 1;
        }
    }
    assert!(n > 10, "{n} scenarios");
}

/// Shipped regimes that switch traits and partnerships at month 0: the same bytes at one and two
/// threads.
#[test]
fn switched_traits_and_partnerships_are_byte_identical_at_one_and_two_threads() {
    let d = tempfile::tempdir().unwrap();
    let run = |threads: &str| -> PathBuf {
        let out = d.path().join(format!("t{threads}"));
        bin()
            .arg("compare")
            .arg(baseline())
            .arg(root().join("scenarios/diversified.toml"))
            .arg(root().join("scenarios/calgary_lip.toml"))
            .args(["--baseline", "baseline", "--reps", "24", "-q", "--threads"])
            .arg(threads)
            .arg("--out")
            .arg(&out)
            .args(SMALL)
            .assert()
            .success();
        out
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(
        read(&one.join("comparison.csv")),
        read(&two.join("comparison.csv"))
    );
    for r in ["baseline", "diversified", "calgary_lip"] {
        for f in ["replications.csv", "timeseries.csv", "summary.csv"] {
            assert_eq!(
                read(&one.join(r).join(f)),
                read(&two.join(r).join(f)),
                "{r}/{f}"
            );
        }
    }
    assert!(read(&one.join("compare.json")).contains("\"start\": \"present\""));
    assert!(one.join("calgary_lip").join("partnerships.json").exists());
}
