//! Reliability: one work budget refuses absurd requests before any work; one writer per output
//! folder (a lock naming its holder, a stale lock taken over); no leftover temporary files; plot
//! errors that name the file and the cause; messages that say what is wrong in words.

use partnersim::input::scenario::Scenario;
use partnersim::job::budget::Budget;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("partnersim"));
    c.current_dir(root());
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scenario small enough to run in a blink.
fn tiny(dir: &Path) -> PathBuf {
    let p = dir.join("tiny.toml");
    std::fs::write(
        &p,
        "name = \"tiny\"\n[simulation]\nisos = 4\nduration_months = 12\nwarmup_months = 0\n",
    )
    .unwrap();
    p
}

fn run_tiny(scenario: &Path, out: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(["--reps", "8", "--quiet", "--threads", "1"])
        .args(extra)
        .output()
        .unwrap()
}

/// Refused with exit code 2, quickly, with every word of `words` in the message.
fn refused_fast(c: &mut Command, words: &[&str]) {
    let t = Instant::now();
    let o = c.output().unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t.elapsed()
    );
    for w in words {
        assert!(e.contains(w), "`{w}` missing from: {e}");
    }
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn the_work_budget_refuses_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let s = |n: &str| root().join("scenarios").join(n);
    // compare --draws 1e9: refused at once (before the posterior is even read)
    let out = d.path().join("cmp");
    refused_fast(
        bin()
            .arg("compare")
            .arg(s("baseline.toml"))
            .arg(s("prompt_payment.toml"))
            .args(["--posterior", "P", "--draws", "1000000000", "--reps", "2"])
            .arg("--out")
            .arg(&out),
        &[
            "1000000000 posterior draws",
            "ISO-months",
            "the limit is",
            "--max-work",
        ],
    );
    assert!(!out.exists(), "nothing written for a refused comparison");
    // bench --reps 1e9 (as digits, and as 1e9, which --reps does not take)
    refused_fast(
        bin().args(["bench", "--reps", "1000000000"]),
        &["bench", "--max-work"],
    );
    refused_fast(bin().args(["bench", "--reps", "1e9"]), &["--reps"]);
    // a calibration of 10^8 model runs
    let cal = d.path().join("big_calibration.toml");
    std::fs::write(
        &cal,
        format!(
            "scenario = {:?}\nparticles = 1000000\nreps_per_particle = 1\nmax_generations = 200\n[[prior]]\npath = \"iso.ask_markup_share\"\nkind = \"uniform\"\nmin = 0.1\nmax = 0.5\n[[target]]\nmetric = \"survival_rate\"\nvalue = 0.9\nscale = 0.05\nsource = \"a test\"\n",
            s("baseline.toml").display().to_string()
        ),
    )
    .unwrap();
    let cal_out = d.path().join("cal");
    let o = bin()
        .arg("calibrate")
        .arg(&cal)
        .arg("--out")
        .arg(&cal_out)
        .output()
        .unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("calibrate") && e.contains("model runs") && e.contains("--max-work"),
        "{e}"
    );
    // the flag raises the limit: the same run refused by a tiny budget passes a larger one
    let scen = tiny(d.path());
    let o = bin()
        .args(["--max-work", "100", "run"])
        .arg(&scen)
        .arg("--out")
        .arg(d.path().join("r"))
        .args(["--reps", "8", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--max-work 4"), "{}", stderr(&o));
    let o = run_tiny(&scen, &d.path().join("r"), &["--max-work", "1e4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    refused_fast(
        bin().args(["run", "x.toml", "--max-memory", "lots"]),
        &["--max-memory lots", "8GB"],
    );
    // explore and sweep are measured by the same budget
    let mut ex = partnersim::studies::explore::ExploreSpec::load(
        &root().join("scenarios/explore/funding_regimes.toml"),
    )
    .unwrap();
    ex.reps_per_state = 10_000;
    let e = Budget::default()
        .check(&ex.estimate(100_000))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("explore: 100000 states x") && e.contains("--max-work"),
        "{e}"
    );
}

#[test]
fn a_second_writer_is_refused_and_a_stale_lock_taken_over() {
    let d = tempfile::tempdir().unwrap();
    let scen = tiny(d.path());
    let out = d.path().join("out");
    assert!(run_tiny(&scen, &out, &[]).status.success());
    assert!(!out.join(".partnersim.lock").exists(), "released when done");
    // a live holder (this test process): refused, naming its process id, nothing changed
    let me = std::process::id();
    let start = std::fs::read_to_string(format!("/proc/{me}/stat"))
        .ok()
        .and_then(|s| {
            let rest = s[s.rfind(')')? + 1..].to_string();
            rest.split_whitespace().nth(19).map(str::to_string)
        })
        .unwrap_or_default();
    std::fs::write(out.join(".partnersim.lock"), format!("{me} {start}\n")).unwrap();
    let manifest = std::fs::read(out.join("manifest.json")).unwrap();
    let o = run_tiny(&scen, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("process {me} is writing into it")),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), manifest);
    // the holder is gone (as after kill -9): the lock is taken over, leftovers removed
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    std::fs::write(out.join(".partnersim.lock"), format!("{dead} 1\n")).unwrap();
    std::fs::write(out.join(format!(".replications.csv.tmp-{dead}")), "x").unwrap();
    std::fs::write(
        out.join("plots").join(format!(".tmp-{dead}-survival.png")),
        "x",
    )
    .unwrap();
    let o = run_tiny(&scen, &out, &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let left: Vec<String> = walk(&out)
        .into_iter()
        .filter(|n| n.contains(".tmp-") || n.ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn two_processes_in_one_folder_leave_a_complete_result_or_a_refusal() {
    let d = tempfile::tempdir().unwrap();
    let scen = tiny(d.path());
    let out = d.path().join("out");
    let start = |reps: &str| {
        bin()
            .arg("run")
            .arg(&scen)
            .arg("--out")
            .arg(&out)
            .args(["--reps", reps, "--quiet", "--threads", "1", "--no-plots"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start("20000"), start("20000"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let codes = [a.status.code(), b.status.code()];
    assert!(
        codes.contains(&Some(0)),
        "{codes:?} {} {}",
        stderr(&a),
        stderr(&b)
    );
    for o in [&a, &b] {
        assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(o));
        if o.status.code() == Some(2) {
            assert!(stderr(o).contains("is writing into it"), "{}", stderr(o));
        }
    }
    // the manifest lists only files that exist
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    for f in m["files"].as_array().unwrap() {
        assert!(
            out.join(f.as_str().unwrap()).exists(),
            "{f} listed, missing"
        );
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                v.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    v
}

#[test]
fn plot_errors_name_the_file_and_the_cause() {
    let d = tempfile::tempdir().unwrap();
    let scen = tiny(d.path());
    let out = d.path().join("out");
    assert!(run_tiny(&scen, &out, &[]).status.success());
    // a plot that cannot be written: a folder in its place
    let svg = out.join("plots").join("survival.svg");
    std::fs::remove_file(&svg).unwrap();
    std::fs::create_dir(&svg).unwrap();
    std::fs::write(svg.join("keep"), "x").unwrap();
    let o = bin().arg("plot").arg(&out).output().unwrap();
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(
        e.contains("cannot draw") && e.contains("survival.svg") && !e.contains("BackendError"),
        "{e}"
    );
    assert!(
        !walk(&out).iter().any(|n| n.contains(".tmp-")),
        "the failed drawing's temporary file is removed"
    );
}

#[test]
fn disk_errors_are_told_apart() {
    use partnersim::output::export::io_cause;
    let full = io_cause(&std::io::Error::from_raw_os_error(libc::ENOSPC));
    let ro = io_cause(&std::io::Error::from_raw_os_error(libc::EROFS));
    let denied = io_cause(&std::io::Error::from_raw_os_error(libc::EACCES));
    assert!(full.contains("no space left"), "{full}");
    assert!(ro.contains("read-only") && !ro.contains("space"), "{ro}");
    assert!(denied.contains("permission denied"), "{denied}");
    // a read-only file system with little room is reported as read-only, not as full (needs a
    // tmpfs mount: root only; skipped elsewhere)
    let d = tempfile::tempdir().unwrap();
    let mnt = d.path().join("ro");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=200k,ro", "tmpfs"])
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if mounted {
        let o = run_tiny(&tiny(d.path()), &mnt.join("out"), &[]);
        let _ = Command::new("umount").arg(&mnt).output();
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(e.contains("read-only") && !e.contains("free"), "{e}");
    }
}

#[test]
fn wording() {
    // 2^63 is said as written, not as inf
    let e = Scenario::from_str("s.toml", "[simulation]\nisos = 9223372036854775808\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("s.toml:2:8") && e.contains("9223372036854775808") && !e.contains("inf"),
        "{e}"
    );
    // "an array", not "a array"
    let e = Scenario::from_str("s.toml", "[simulation]\nisos = [1]\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("an array is not allowed") && !e.contains("a array"),
        "{e}"
    );
    // invalid UTF-8: where
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("latin1.toml");
    std::fs::write(&p, b"[simulation]\nisos = 3\n# caf\xe9\n").unwrap();
    let e = Scenario::load(&p).unwrap_err().to_string();
    assert!(
        e.contains("latin1.toml:3:6") && e.contains("byte offset 27") && e.contains("UTF-8"),
        "{e}"
    );
    // a 100 kB value is not echoed back whole
    let long = "x".repeat(100_000);
    for text in [
        format!("simulation.isos={long}"),
        format!("{long}=1"),
        format!("partnerships.initial_alignment={long}"),
    ] {
        let e = Scenario::default()
            .apply_override(&text)
            .unwrap_err()
            .to_string();
        assert!(e.len() < 1000, "{} bytes: {}…", e.len(), &e[..200]);
        assert!(e.contains(" bytes)"), "{e}");
    }
    let e = Scenario::from_str("k.toml", &format!("[simulation]\n{long} = 1\n"))
        .unwrap_err()
        .to_string();
    assert!(e.len() < 1000 && e.contains("k.toml:2:1"), "{}", &e[..200]);
}

#[test]
fn merge_does_not_suggest_resume() {
    let d = tempfile::tempdir().unwrap();
    let scen = tiny(d.path());
    let (s1, s2) = (d.path().join("s1"), d.path().join("s2"));
    for (dir, shard) in [(&s1, "1/2"), (&s2, "2/2")] {
        let o = run_tiny(&scen, dir, &["--shard", shard]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // merging into a folder that holds an unfinished result of the same run
    let o = bin()
        .arg("merge")
        .arg(&s1)
        .arg(&s2)
        .arg("--out")
        .arg(&s1)
        .output()
        .unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("--force") && !e.contains("--resume"), "{e}");
}

#[test]
fn plot_redraws_an_exploration_from_its_files() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("tiny.toml"),
        "name = \"tiny\"\n[simulation]\nduration_months = 12\nwarmup_months = 0\nisos = 4\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("ex.toml"),
        "name = \"tiny_explore\"\nscenario = \"tiny.toml\"\nstates = 12\nreps_per_state = 2\nseed = 5\nbootstrap = 20\n[[regimes]]\nname = \"annual\"\n[[regimes]]\nname = \"core\"\nset = { \"funders.federal.core_share\" = 0.3 }\n[[uncertainties]]\npath = \"iso.reserve_months_median\"\nmin = 0.25\nmax = 6\n[[outcomes]]\nmetric = \"survival_rate\"\nthreshold = 0.9\n[[discover]]\nregime = \"annual\"\nfails = true\n[prim]\npermutations = 9\n",
    )
    .unwrap();
    let out = d.path().join("out");
    let o = bin()
        .current_dir(d.path())
        .args([
            "explore",
            "ex.toml",
            "--out",
            "out",
            "--quiet",
            "--threads",
            "1",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read(out.join("report.html")).unwrap();
    let mut plots: Vec<(String, Vec<u8>)> = walk(&out.join("plots"))
        .into_iter()
        .map(|n| {
            let b = std::fs::read(out.join("plots").join(&n)).unwrap();
            (n, b)
        })
        .collect();
    plots.sort();
    // as after a disk that filled up while drawing: no plots, no report
    std::fs::remove_dir_all(out.join("plots")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    let o = bin()
        .current_dir(d.path())
        .args(["plot", "out"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("report.html")).unwrap(), report);
    let mut again: Vec<(String, Vec<u8>)> = walk(&out.join("plots"))
        .into_iter()
        .map(|n| {
            let b = std::fs::read(out.join("plots").join(&n)).unwrap();
            (n, b)
        })
        .collect();
    again.sort();
    assert_eq!(plots.len(), again.len());
    assert!(plots == again, "the redrawn plots differ");
}

/// Cross-parameter checks hold wherever values become a configuration: at the top level of a
/// file (file:line:col and the key), in a timeline `[events.set]` at its month (the event's
/// place), through `--set`, and when a posterior draw or an explore state sets a value that
/// disagrees with a later event (both set values and then check the scenario).
#[test]
fn cross_parameter_checks_hold_for_every_source_of_values() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let top = d.join("top.toml");
    std::fs::write(
        &top,
        "[simulation]\nisos = 4\nduration_months = 24\nwarmup_months = 0\n\
         [funders.federal]\nlate_payment_days_min = 200\nlate_payment_days_max = 10\n",
    )
    .unwrap();
    refused_fast(
        bin().arg("validate").arg(&top),
        &[
            "top.toml:6:1",
            "funders.federal.late_payment_days_min (200)",
        ],
    );
    let event = d.join("event.toml");
    std::fs::write(
        &event,
        "[simulation]\nisos = 4\nduration_months = 24\nwarmup_months = 0\n\
         [[events]]\nmonth = 12\n[events.set]\n\
         \"funders.federal.late_payment_days_min\" = 200\n\
         \"funders.federal.late_payment_days_max\" = 10\n",
    )
    .unwrap();
    refused_fast(
        bin().arg("validate").arg(&event),
        &[
            "event.toml:6:9",
            "from month 12",
            "late_payment_days_min (200)",
        ],
    );
    refused_fast(
        &mut {
            let mut c = bin();
            c.arg("run")
                .arg(&event)
                .args(["--out"])
                .arg(d.join("out"))
                .args(["--reps", "2", "--quiet"]);
            c
        },
        &["event.toml:6:9", "from month 12"],
    );
    let tiny = tiny(d);
    refused_fast(
        bin().arg("run").arg(&tiny).args([
            "--reps",
            "2",
            "--set",
            "funders.federal.late_payment_days_min=200",
            "--set",
            "funders.federal.late_payment_days_max=10",
        ]),
        &["--set funders.federal.late_payment_days_max=10", "(200)"],
    );
    // a value from a posterior draw or an explore state, then an event that lowers the maximum
    let later = d.join("later.toml");
    std::fs::write(
        &later,
        "[simulation]\nisos = 4\nduration_months = 24\nwarmup_months = 0\n\
         [funders.federal]\nlate_payment_days_min = 0\n\
         [[events]]\nmonth = 6\n[events.set]\n\"funders.federal.late_payment_days_max\" = 10\n",
    )
    .unwrap();
    let mut s = Scenario::load(&later).unwrap();
    s.set_value("funders.federal.late_payment_days_min", 50.0)
        .unwrap();
    let e = s.check_consistency().unwrap_err().to_string();
    assert!(
        e.contains("later.toml:8:9") && e.contains("from month 6") && e.contains("(50)"),
        "{e}"
    );
}

/// The same cross-parameter check where a study's values become a configuration: the points
/// of a generated sweep design and of an external design file, and the states of an
/// exploration, all refused before anything runs (exit code 2), naming the file and the
/// values. (Posterior draws: `posterior::tests`; the classroom page: `serve::api::tests`.)
#[test]
fn cross_parameter_checks_hold_for_sweep_points_design_rows_and_explore_states() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tiny = tiny(d);
    // a generated design: every point has the minimum above the maximum
    let sweep = d.join("s.toml");
    std::fs::write(
        &sweep,
        "scenario = \"tiny.toml\"\nmethod = \"lhs\"\nsamples = 4\nreps_per_point = 1\n\
         bootstrap = 0\noutputs = [\"survival_rate\"]\n\
         [[parameters]]\npath = \"funders.federal.late_payment_days_min\"\nmin = 150\nmax = 200\n\
         [[parameters]]\npath = \"funders.federal.late_payment_days_max\"\nmin = 10\nmax = 20\n",
    )
    .unwrap();
    refused_fast(
        bin()
            .arg("sweep")
            .arg(&sweep)
            .arg("--out")
            .arg(d.join("sw"))
            .arg("--quiet"),
        &[
            "s.toml: the point funders.federal.late_payment_days_min = ",
            "is larger than late_payment_days_max",
            "narrow the ranges of [[parameters]]",
        ],
    );
    assert!(!d.join("sw").join("summary.csv").exists());
    // an external design: its second point (row 3) disagrees
    std::fs::write(
        d.join("points.csv"),
        "funders.federal.late_payment_days_min,funders.federal.late_payment_days_max\n\
         5,30\n200,10\n",
    )
    .unwrap();
    let design = d.join("d.toml");
    std::fs::write(
        &design,
        "scenario = \"tiny.toml\"\ndesign = \"points.csv\"\nreps_per_point = 1\n",
    )
    .unwrap();
    refused_fast(
        bin()
            .arg("sweep")
            .arg(&design)
            .arg("--out")
            .arg(d.join("sd"))
            .arg("--quiet"),
        &[
            "points.csv:3: this point: funders.federal.late_payment_days_min (200) is larger than late_payment_days_max (10)",
        ],
    );
    // an exploration: the states give a regime a minimum above its maximum
    let explore = d.join("e.toml");
    std::fs::write(
        &explore,
        format!(
            "scenario = \"{}\"\nstates = 10\nreps_per_state = 1\nbootstrap = 0\n\
             [[regimes]]\nname = \"a\"\n[[regimes]]\nname = \"b\"\n\
             set = {{ \"funders.federal.core_share\" = 0.3 }}\n\
             [[uncertainties]]\npath = \"funders.federal.late_payment_days_min\"\nmin = 150\nmax = 200\n\
             [[uncertainties]]\npath = \"funders.federal.late_payment_days_max\"\nmin = 10\nmax = 20\n\
             [[outcomes]]\nmetric = \"survival_rate\"\n",
            tiny.display()
        ),
    )
    .unwrap();
    refused_fast(
        bin()
            .arg("explore")
            .arg(&explore)
            .arg("--out")
            .arg(d.join("ex"))
            .arg("--quiet"),
        &[
            "e.toml: state 0 (funders.federal.late_payment_days_min = ",
            "makes regime `a` inconsistent",
            "is larger than late_payment_days_max",
        ],
    );
}
