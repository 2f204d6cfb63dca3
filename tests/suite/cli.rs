//! The command line, end to end: every test runs the real binary in a fresh
//! temporary directory with tiny sizes (except the interruption test, which
//! needs a run that lasts a few seconds).

use crate::util::{
    assert_same_data, bin, metric_names, read, read_text, scenario_path, std_bin, stderr_of,
    stdout_of, DATA_FILES, TINY,
};
use partnersim::metrics::N_METRICS;
use partnersim::params::registry;
use predicates::prelude::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

fn baseline() -> PathBuf {
    scenario_path("baseline")
}

/// `partnersim run <baseline> --out DIR --reps N --seed S TINY extra…`, as an assert_cmd command.
fn run_tiny(out: &Path, reps: u64, seed: u64, extra: &[&str]) -> assert_cmd::Command {
    let mut c = bin();
    c.arg("run")
        .arg(baseline())
        .arg("--out")
        .arg(out)
        .args(["--reps", &reps.to_string(), "--seed", &seed.to_string()])
        .args(TINY)
        .args(extra);
    c
}

fn assert_no_progress_bar(stderr: &str) {
    assert!(
        !stderr.contains('\r'),
        "carriage return on stderr: {stderr:?}"
    );
    assert!(
        !stderr.contains("ETA"),
        "progress bar on stderr: {stderr:?}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "escape sequence on stderr: {stderr:?}"
    );
}

fn assert_no_panic(stderr: &str) {
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "panic: {stderr}");
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn run_writes_every_output_into_the_default_directory() {
    let d = tmp();
    let o = bin()
        .current_dir(d.path())
        .arg("run")
        .arg(baseline())
        .args(["--reps", "8"])
        .args(TINY)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = stderr_of(&o);
    assert_no_progress_bar(&stderr);
    assert!(
        stderr.contains("baseline") && stderr.contains("replications"),
        "no summary line: {stderr}"
    );
    // a run with overrides is a variant: a derived name, its directory, a description of them
    let dir = d
        .path()
        .join("output")
        .join("baseline_simulation_duration_months_12_simulation_isos_5");
    let names = metric_names();

    let reps = read_text(&dir.join("replications.csv"));
    let mut lines = reps.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("replication,seed,{}", names.join(","))
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 8);
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<&str> = r.split(',').collect();
        assert_eq!(cells.len(), names.len() + 2, "row {i}");
        assert_eq!(cells[0], i.to_string());
        assert_eq!(cells[1], "42");
        for c in &cells[2..] {
            assert!(c.parse::<f64>().is_ok_and(f64::is_finite), "row {i}: {c}");
        }
    }

    let ts = read_text(&dir.join("timeseries.csv"));
    let mut lines = ts.lines();
    assert_eq!(
        lines.next().unwrap(),
        "month,metric,mean,sd,p05,p25,p50,p75,p95"
    );
    assert_eq!(lines.count(), 12 * N_METRICS);

    let sm = read_text(&dir.join("summary.csv"));
    let mut lines = sm.lines();
    assert_eq!(
        lines.next().unwrap(),
        "metric,mean,sd,ci95_low,ci95_high,p05,p50,p95"
    );
    let metrics: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(metrics, names);

    let m = json(&dir.join("manifest.json"));
    for key in [
        "tool",
        "version",
        "schema_version",
        "scenario_hash",
        "seed",
        "reps",
        "threads",
        "started_at",
        "finished_at",
        "wall_seconds",
        "scenario",
    ] {
        assert!(m.get(key).is_some(), "manifest.json lacks {key}: {m}");
    }
    assert_eq!(m["tool"], "partnersim");
    assert_eq!(m["reps"], 8);
    assert_eq!(m["seed"], 42);
    assert!(m["scenario"].is_object());
    assert_eq!(m["scenario"]["simulation.isos"], 5);
    assert_eq!(
        m["scenario_name"],
        "baseline+simulation.duration_months=12+simulation.isos=5"
    );
    assert!(
        m["scenario_description"]
            .as_str()
            .unwrap()
            .ends_with("Overrides (--set): simulation.duration_months=12, simulation.isos=5."),
        "{m}"
    );
    assert!(m["command"].as_str().unwrap().contains("--reps 8"), "{m}");

    let resolved = read_text(&dir.join("scenario.resolved.toml"));
    assert!(resolved.contains("[simulation]"), "{resolved}");
    assert!(resolved.contains("isos = 5"), "{resolved}");
    assert!(resolved.contains("duration_months = 12"), "{resolved}");
    assert!(!dir.join(".chunks").exists(), ".chunks left behind");
}

#[test]
fn results_do_not_depend_on_threads_and_follow_the_seed() {
    let d = tmp();
    let dir = |n: &str| d.path().join(n);
    run_tiny(&dir("t1"), 70, 42, &["--threads", "1"])
        .assert()
        .success();
    run_tiny(&dir("t2"), 70, 42, &["--threads", "2"])
        .assert()
        .success();
    run_tiny(&dir("again"), 70, 42, &["--threads", "2"])
        .assert()
        .success();
    run_tiny(&dir("seed7"), 70, 7, &["--threads", "2"])
        .assert()
        .success();
    assert_same_data(&dir("t1"), &dir("t2"));
    assert_same_data(&dir("t2"), &dir("again"));
    assert_eq!(
        read_text(&dir("t1").join("replications.csv"))
            .lines()
            .count(),
        71
    );
    for f in DATA_FILES {
        assert_ne!(
            read(&dir("t1").join(f)),
            read(&dir("seed7").join(f)),
            "{f} identical under a different seed"
        );
    }
}

#[test]
fn set_overrides_are_validated_like_the_file() {
    let d = tmp();
    let out = d.path().join("out");
    let o = bin()
        .arg("run")
        .arg(baseline())
        .arg("--out")
        .arg(&out)
        .args(["--reps", "2", "--set", "funders.federal.contract_month=36"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let e = stderr_of(&o);
    assert!(
        e.contains("did you mean `funders.federal.contract_months`"),
        "{e}"
    );
    assert_no_panic(&e);

    let o = bin()
        .arg("run")
        .arg(baseline())
        .arg("--out")
        .arg(&out)
        .args(["--reps", "2", "--set", "funders.federal.contract_months=0"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let e = stderr_of(&o);
    assert!(
        e.contains("funders.federal.contract_months") && e.contains("1 to 120"),
        "{e}"
    );
    assert_no_panic(&e);
    assert!(!out.exists(), "a rejected run created its output directory");

    // the same validation in `validate`
    bin()
        .arg("validate")
        .arg(baseline())
        .args(["--set", "iso.holistic_share=1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("0 to 1"));
}

#[test]
fn validate_prints_the_resolved_scenario() {
    bin()
        .arg("validate")
        .arg(scenario_path("multi_year_core"))
        .assert()
        .success()
        // the baseline's five-year agreements, resolved through `extends`, and the file's own core share
        .stdout(predicate::str::contains("contract_months = 60"))
        .stdout(predicate::str::contains("core_share = 0.3"))
        .stdout(predicate::str::contains("name = \"multi_year_core\""));
    let o = bin()
        .arg("validate")
        .arg(scenario_path("prompt_payment"))
        .args(["--set", "simulation.isos=7"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(stdout_of(&o).contains("isos = 7"));
}

#[test]
fn validate_rejects_bad_files_with_location_key_and_range() {
    let d = tmp();
    // (file name, contents, expected exit code, fragments the message must contain)
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "malformed.toml",
            "[iso\nholistic_share = 0.5\n",
            &["malformed.toml:1:", "syntax"],
        ),
        (
            "wrong_type.toml",
            "[iso]\nholistic_share = \"lots\"\n",
            &[
                "wrong_type.toml:2:18",
                "iso.holistic_share",
                "expected a number",
                "0 to 1",
            ],
        ),
        (
            "out_of_range.toml",
            "[iso]\nholistic_share = 1.5\n",
            &[
                "out_of_range.toml:2:18",
                "iso.holistic_share",
                "out of range",
                "0 to 1",
            ],
        ),
        (
            "unknown_key.toml",
            "# comment\n[funders.federal]\ncontract_month = 36\n",
            &[
                "unknown_key.toml:3:1",
                "funders.federal.contract_month",
                "did you mean `funders.federal.contract_months`",
            ],
        ),
        (
            "nan.toml",
            "[iso]\nholistic_share = nan\n",
            &["nan.toml:2:18", "iso.holistic_share", "0 to 1"],
        ),
        (
            "int_range.toml",
            "[funders.federal]\ncontract_months = 0\n",
            &[
                "int_range.toml:2:19",
                "funders.federal.contract_months",
                "1 to 120",
            ],
        ),
    ];
    for (name, text, want) in cases {
        let p = d.path().join(name);
        std::fs::write(&p, text).unwrap();
        let o = bin()
            .arg("validate")
            .arg(&p)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let e = stderr_of(&o);
        assert_no_panic(&e);
        assert!(
            stdout_of(&o).is_empty(),
            "{name}: printed {:?}",
            stdout_of(&o)
        );
        for w in *want {
            assert!(e.contains(w), "{name}: `{w}` not in {e:?}");
        }
    }
    let missing = d.path().join("missing.toml");
    let o = bin()
        .arg("validate")
        .arg(&missing)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let e = stderr_of(&o);
    assert_no_panic(&e);
    assert!(e.contains("missing.toml"), "{e}");

    // an error in a file reached through `extends` points at that file
    std::fs::write(d.path().join("parent.toml"), "[iso]\nholistic_share = 2\n").unwrap();
    let child = d.path().join("child.toml");
    std::fs::write(&child, "extends = \"parent.toml\"\n").unwrap();
    let o = bin()
        .arg("validate")
        .arg(&child)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let e = stderr_of(&o);
    assert!(e.contains("parent.toml:2:18"), "{e}");
    assert_no_panic(&e);
}

#[test]
fn params_lists_every_parameter_in_csv_and_markdown() {
    let o = bin()
        .args(["params", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .clone();
    let csv = stdout_of(&o);
    assert_eq!(
        csv.lines().next().unwrap(),
        "path,unit,default,range,description,source,grounds,grounds_low,grounds_high,grounds_why"
    );
    let first_cells: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    for p in registry() {
        assert!(
            first_cells.contains(&p.path.as_str()),
            "csv lacks {}",
            p.path
        );
    }

    let o = bin()
        .args(["params", "--format", "markdown"])
        .assert()
        .success()
        .get_output()
        .clone();
    let md = stdout_of(&o);
    assert!(md.starts_with("| parameter | unit | default | range | description | source |"));
    for p in registry() {
        assert!(
            md.contains(&format!("| `{}` |", p.path)),
            "markdown lacks {}",
            p.path
        );
    }
}

#[test]
fn params_into_a_closed_pipe_exits_quietly() {
    for format in ["markdown", "csv"] {
        let mut child = std_bin()
            .args(["params", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        {
            let stdout = child.stdout.take().unwrap();
            BufReader::new(stdout).read_line(&mut line).unwrap();
        } // the read end is closed here, like `| head -1`
        let o = child.wait_with_output().unwrap();
        assert!(!line.is_empty());
        assert!(o.status.success(), "{format}: {:?}", o.status);
        let e = stderr_of(&o);
        assert_no_panic(&e);
        assert!(e.is_empty(), "{format}: {e}");
    }
}

#[test]
fn quiet_runs_print_no_progress_but_a_summary_line() {
    let d = tmp();
    let o = run_tiny(&d.path().join("q"), 8, 42, &["--quiet"])
        .assert()
        .success()
        .get_output()
        .clone();
    let e = stderr_of(&o);
    assert_no_progress_bar(&e);
    assert!(e.contains("baseline") && e.contains("replications"), "{e}");
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
}

#[test]
fn output_directory_is_guarded() {
    let d = tmp();
    let foreign = d.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let o = run_tiny(&foreign, 4, 42, &[])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_no_panic(&stderr_of(&o));
    assert_eq!(read_text(&foreign.join("notes.txt")), "mine");
    let left: Vec<_> = std::fs::read_dir(&foreign).unwrap().collect();
    assert_eq!(left.len(), 1, "files written into a foreign directory");

    let out = d.path().join("out");
    run_tiny(&out, 4, 1, &[]).assert().success();
    let o = run_tiny(&out, 4, 2, &[])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let e = stderr_of(&o);
    assert!(e.contains("--force"), "{e}");
    assert_no_panic(&e);
    assert!(read_text(&out.join("replications.csv")).contains("\n0,1,"));
    run_tiny(&out, 4, 2, &["--force"]).assert().success();
    assert!(read_text(&out.join("replications.csv")).contains("\n0,2,"));
    // the same run again into its own directory is fine
    run_tiny(&out, 4, 2, &[]).assert().success();
}

#[test]
fn resume_completes_a_partial_run_identically() {
    let d = tmp();
    let part = d.path().join("part");
    let full = d.path().join("full");
    run_tiny(&part, 70, 42, &["--shard", "1/2"])
        .assert()
        .success();
    assert!(part.join("shard.json").exists());
    // shard 1 of 2 holds replications 0..35 (shards are balanced to within one replication)
    assert!(part
        .join(".chunks")
        .join("000000000000-000000000035.bin")
        .exists());
    assert!(!part.join("manifest.json").exists());
    // without --resume (or --force) the unfinished directory is not silently restarted
    run_tiny(&part, 70, 42, &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--resume"));
    run_tiny(&part, 70, 42, &["--resume"]).assert().success();
    run_tiny(&full, 70, 42, &[]).assert().success();
    assert_same_data(&part, &full);
    let m = json(&part.join("manifest.json"));
    assert_eq!(
        m["items_computed"], 35,
        "the shard's chunk was recomputed: {m}"
    );
}

/// Waits until `path` exists or the child exits; returns whether it exists.
fn wait_for(path: &Path, child: &mut std::process::Child, limit: Duration) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if path.exists() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return path.exists();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn kill(signal: &str, pid: u32) {
    let s = std::process::Command::new("kill")
        .arg(signal)
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(s.success(), "kill {signal} {pid}");
}

/// Default sizes, so that a run lasts a few seconds.
const SLOW: [&str; 4] = ["--reps", "1000", "--seed", "5"];

fn spawn_slow(out: &Path) -> std::process::Child {
    std_bin()
        .arg("run")
        .arg(baseline())
        .arg("--out")
        .arg(out)
        .args(SLOW)
        .args(["--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn resume_slow(out: &Path) {
    bin()
        .arg("run")
        .arg(baseline())
        .arg("--out")
        .arg(out)
        .args(SLOW)
        .args(["--threads", "1", "--resume"])
        .assert()
        .success();
}

#[test]
fn interrupted_runs_resume_to_identical_results() {
    let d = tmp();
    let chunks = |dir: &Path, c: u32| {
        dir.join(".chunks")
            .join(format!("{:012}-{:012}.bin", 64 * c, 64 * (c + 1)))
    };

    // SIGTERM: stops after the current chunk, exit 130, tells how to resume
    let term = d.path().join("term");
    let mut child = spawn_slow(&term);
    assert!(
        wait_for(&chunks(&term, 1), &mut child, Duration::from_secs(120)),
        "no second chunk written"
    );
    kill("-TERM", child.id());
    let o = child.wait_with_output().unwrap();
    let e = stderr_of(&o);
    assert_eq!(o.status.code(), Some(130), "{e}");
    assert!(e.contains("--resume"), "{e}");
    assert_no_panic(&e);
    assert!(!term.join("manifest.json").exists());
    // without --resume the interrupted directory is not silently restarted
    let o = bin()
        .arg("run")
        .arg(baseline())
        .arg("--out")
        .arg(&term)
        .args(SLOW)
        .assert()
        .failure()
        .get_output()
        .clone();
    assert!(stderr_of(&o).contains("--resume"), "{}", stderr_of(&o));
    resume_slow(&term);

    // SIGKILL at a random-ish moment: whatever chunks were written are reused
    let hard = d.path().join("hard");
    let mut child = spawn_slow(&hard);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let after = nanos % 4;
    assert!(wait_for(
        &chunks(&hard, after),
        &mut child,
        Duration::from_secs(120)
    ));
    std::thread::sleep(Duration::from_millis(u64::from(nanos % 150)));
    kill("-KILL", child.id());
    let o = child.wait_with_output().unwrap();
    assert!(!o.status.success());
    assert!(!hard.join("manifest.json").exists());
    resume_slow(&hard);

    let reference = d.path().join("reference");
    bin()
        .arg("run")
        .arg(baseline())
        .arg("--out")
        .arg(&reference)
        .args(SLOW)
        .args(["--threads", "2"])
        .assert()
        .success();
    assert_same_data(&term, &reference);
    assert_same_data(&hard, &reference);
}

#[test]
fn shards_merge_into_the_single_machine_result() {
    let d = tmp();
    let p = |n: &str| d.path().join(n);
    let reps = 200; // shards of 66, 67 and 67 replications
    for i in 1..=3 {
        run_tiny(
            &p(&format!("s{i}")),
            reps,
            42,
            &["--shard", &format!("{i}/3")],
        )
        .assert()
        .success();
    }
    run_tiny(&p("single"), reps, 42, &[]).assert().success();
    let merge = |dirs: &[&str], out: &str| {
        let mut c = bin();
        c.arg("merge");
        for x in dirs {
            c.arg(p(x));
        }
        c.arg("--out").arg(p(out));
        c
    };
    merge(&["s1", "s2", "s3"], "merged").assert().success();
    assert_same_data(&p("merged"), &p("single"));
    // shard order on the command line does not matter
    merge(&["s3", "s1", "s2"], "merged2").assert().success();
    assert_same_data(&p("merged2"), &p("single"));

    merge(&["s1", "s3"], "gap")
        .assert()
        .failure()
        .stderr(predicate::str::contains("gap"));
    merge(&["s1", "s2", "s2", "s3"], "overlap")
        .assert()
        .failure()
        .stderr(predicate::str::contains("overlap"));
    run_tiny(&p("s2seed7"), reps, 7, &["--shard", "2/3"])
        .assert()
        .success();
    merge(&["s1", "s2seed7", "s3"], "mixed")
        .assert()
        .failure()
        .stderr(predicate::str::contains("different run"));
    for bad in ["gap", "overlap", "mixed"] {
        assert!(
            !p(bad).join("replications.csv").exists(),
            "{bad} wrote results"
        );
    }

    // --shard auto from a Slurm job array (0-based task ids)
    for id in 0..3 {
        run_tiny(&p(&format!("auto{id}")), reps, 42, &["--shard", "auto"])
            .env("SLURM_ARRAY_TASK_ID", id.to_string())
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_ARRAY_TASK_MIN", "0")
            .assert()
            .success();
        let rec = json(&p(&format!("auto{id}")).join("shard.json"));
        assert_eq!(rec["shard"]["index"], id + 1);
        assert_eq!(rec["shard"]["count"], 3);
        // balanced: 66, 67 and 67 of the 200 replications
        let size = rec["end_item"].as_u64().unwrap() - rec["first_item"].as_u64().unwrap();
        assert_eq!(size, [66, 67, 67][id as usize], "{rec}");
    }
    merge(&["auto0", "auto1", "auto2"], "auto_merged")
        .assert()
        .success();
    assert_same_data(&p("auto_merged"), &p("single"));
}

#[test]
fn merged_shards_carry_the_scenario_and_the_partnership_map() {
    let d = tmp();
    let p = |n: &str| d.path().join(n);
    let run = |out: &str, extra: &[&str]| {
        let mut c = bin();
        c.arg("run")
            .arg(scenario_path("calgary_lip"))
            .arg("--out")
            .arg(p(out))
            .args(["--reps", "70", "--seed", "5"])
            .args(TINY)
            .args(extra);
        c
    };
    for i in 1..=2 {
        run(&format!("s{i}"), &["--shard", &format!("{i}/2")])
            .assert()
            .success();
    }
    run("single", &[]).assert().success();
    let merge = |out: &str| {
        let mut c = bin();
        c.arg("merge")
            .arg(p("s1"))
            .arg(p("s2"))
            .arg("--out")
            .arg(p(out));
        c
    };
    merge("merged").assert().success();
    assert_same_data(&p("merged"), &p("single"));
    for f in ["scenario.resolved.toml", "partnerships.json"] {
        assert_eq!(
            std::fs::read(p("merged").join(f)).unwrap(),
            std::fs::read(p("single").join(f)).unwrap(),
            "{f}"
        );
    }
    let files = json(&p("merged").join("manifest.json"))["files"].clone();
    assert!(
        files.to_string().contains("partnerships.json"),
        "manifest files: {files}"
    );
    assert!(p("merged/plots/partnership_map.png").exists());

    // a shard whose scenario was edited after the run is refused
    std::fs::write(
        p("s1").join("scenario.resolved.toml"),
        std::fs::read_to_string(p("s1").join("scenario.resolved.toml"))
            .unwrap()
            .replace("isos = ", "isos = 1"),
    )
    .unwrap();
    merge("merged_bad")
        .assert()
        .failure()
        .stderr(predicate::str::contains("not the scenario"));
    assert!(!p("merged_bad").join("replications.csv").exists());
}

#[test]
fn compare_writes_paired_differences_and_one_directory_per_scenario() {
    let d = tmp();
    let out = d.path().join("cmp");
    let mut c = bin();
    let assert = c
        .arg("compare")
        .arg(baseline())
        .arg(scenario_path("multi_year_core"))
        .arg("--out")
        .arg(&out)
        .args(["--reps", "8"])
        .args(TINY)
        .assert()
        .success();
    let csv = read_text(&out.join("comparison.csv"));
    // the terminal table repeats the CSV's survival difference and interval
    let printed = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let survival: Vec<f64> = csv
        .lines()
        .find(|l| l.starts_with("survival_rate,"))
        .unwrap()
        .split(',')
        .skip(5)
        .take(3)
        .map(|x| x.parse().unwrap())
        .collect();
    let table: Vec<&str> = printed.lines().collect();
    assert!(
        table[0].starts_with("difference from baseline"),
        "{printed}"
    );
    assert!(
        table[1].starts_with("scenario") && table[1].contains("survival_rate"),
        "{printed}"
    );
    assert!(table[2].starts_with("multi_year_core"), "{printed}");
    // the first cell is "+d [+lo, +hi]", each rounded to the decimals it shows
    let shown: Vec<&str> = table[2]
        .split_whitespace()
        .skip(1)
        .take(3)
        .map(|t| t.trim_matches(|c| c == '[' || c == ']' || c == ','))
        .collect();
    assert_eq!(shown.len(), 3, "{printed}");
    for (text, exact) in shown.iter().zip(&survival) {
        let decimals = text.split('.').nth(1).map_or(0, str::len);
        let v: f64 = text.parse().unwrap();
        assert!(
            (v - exact).abs() <= 0.5 * 10f64.powi(-(decimals as i32)) + 1e-12,
            "{printed}\n{text} vs {exact}"
        );
    }
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "metric,scenario,baseline,mean,baseline_mean,diff_mean,diff_ci95_low,diff_ci95_high,variance_ratio"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), N_METRICS);
    assert!(rows
        .iter()
        .all(|r| r.contains(",multi_year_core,baseline,")));
    let j = json(&out.join("compare.json"));
    assert_eq!(j["baseline"], "baseline");
    assert_eq!(j["reps"], 8);
    let scen = j["scenarios"].as_array().unwrap();
    assert_eq!(scen.len(), 2);
    let diffs = scen[1]["differences"].as_array().unwrap();
    assert!(diffs
        .iter()
        .any(|x| x["path"] == "funders.federal.core_share" && x["value"] == "0.3"));
    for name in ["baseline", "multi_year_core"] {
        let sub = out.join(name);
        for f in DATA_FILES {
            assert!(sub.join(f).exists(), "{name}/{f} missing");
        }
        assert_eq!(read_text(&sub.join("replications.csv")).lines().count(), 9);
    }

    let o = bin()
        .arg("compare")
        .arg(baseline())
        .arg(scenario_path("multi_year_core"))
        .arg("--out")
        .arg(d.path().join("cmp2"))
        .args(["--reps", "8", "--baseline", "nosuch"])
        .args(TINY)
        .assert()
        .failure()
        .get_output()
        .clone();
    let e = stderr_of(&o);
    assert!(
        e.contains("nosuch") && e.contains("baseline, multi_year_core"),
        "{e}"
    );
    assert_no_panic(&e);
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in [
        "run", "compare", "validate", "params", "plot", "sweep", "merge", "bench", "explore",
    ] {
        bin()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
    bin().arg("--help").assert().success();
}

#[test]
fn no_timeseries_writes_the_same_summaries_without_the_month_statistics() {
    let d = tmp();
    let (full, lean) = (d.path().join("full"), d.path().join("lean"));
    run_tiny(&full, 6, 5, &["--no-plots"]).assert().success();
    run_tiny(&lean, 6, 5, &["--no-timeseries"])
        .assert()
        .success();
    assert!(full.join("timeseries.csv").exists());
    assert!(!lean.join("timeseries.csv").exists());
    assert!(
        !lean.join("plots").exists(),
        "--no-timeseries implies --no-plots"
    );
    for f in ["replications.csv", "summary.csv"] {
        assert_eq!(read(&full.join(f)), read(&lean.join(f)), "{f} differs");
    }
    let manifest = read_text(&lean.join("manifest.json"));
    assert!(!manifest.contains("timeseries.csv"), "{manifest}");
}
