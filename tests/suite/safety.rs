//! What a new user hits: output directories of one kind never overwritten by another, one
//! `--threads` check, exit code 2 for every kind of bad input, intervals that mean something,
//! command-line variants, and messages that name the file and say what to do.

use crate::util::{bin, read, read_text, root, scenario_path, std_bin, stderr_of, stdout_of, TINY};
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn assert_clean_refusal(o: &std::process::Output, fragments: &[&str]) {
    let e = stderr_of(o);
    assert_eq!(o.status.code(), Some(2), "exit code: {e}");
    assert!(!e.contains("panicked"), "panic: {e}");
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
    for f in fragments {
        assert!(e.contains(f), "`{f}` not in {e:?}");
    }
}

/// `run baseline TINY --reps N --out DIR extra…`
fn run(out: &Path, reps: u64, extra: &[&str]) -> std::process::Output {
    bin()
        .arg("run")
        .arg(scenario_path("baseline"))
        .arg("--out")
        .arg(out)
        .args(["--reps", &reps.to_string(), "--quiet"])
        .args(TINY)
        .args(extra)
        .output()
        .unwrap()
}

/// `compare FILES… TINY --reps N --out DIR extra…`
fn compare(files: &[&str], out: &Path, reps: u64, extra: &[&str]) -> std::process::Output {
    let mut c = bin();
    c.arg("compare");
    for f in files {
        c.arg(scenario_path(f));
    }
    c.arg("--out")
        .arg(out)
        .args(["--reps", &reps.to_string(), "--quiet"])
        .args(TINY)
        .args(extra)
        .output()
        .unwrap()
}

/// A quick analytic sweep file (Ishigami, Morris, 40 points) in `d`.
fn sweep_file(d: &Path) -> PathBuf {
    let p = d.join("ishigami.toml");
    std::fs::write(
        &p,
        "model = \"ishigami\"\nmethod = \"morris\"\nsamples = 10\nbootstrap = 20\nseed = 3\n\
         [[parameters]]\npath = \"x1\"\nmin = -3.14\nmax = 3.14\n\
         [[parameters]]\npath = \"x2\"\nmin = -3.14\nmax = 3.14\n\
         [[parameters]]\npath = \"x3\"\nmin = -3.14\nmax = 3.14\n",
    )
    .unwrap();
    p
}

/// `partnersim sweep FILE --out OUT --quiet EXTRA...`.
fn sweep(file: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    crate::process::study("sweep", file, out, extra)
}

fn ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}", stderr_of(o));
}

#[test]
fn results_of_another_kind_are_never_overwritten_without_force() {
    let d = tmp();
    let sweep_dir = d.path().join("sweep");
    ok(&sweep(&sweep_file(d.path()), &sweep_dir, &[]));
    let manifest = read(&sweep_dir.join("manifest.json"));

    // a run into a sweep's directory
    let o = run(&sweep_dir, 4, &[]);
    assert_clean_refusal(&o, &["holds a sweep, not a run", "--force"]);
    assert_eq!(read(&sweep_dir.join("manifest.json")), manifest);
    assert!(!sweep_dir.join("replications.csv").exists());
    // with --force the sweep is replaced, nothing of it is left
    ok(&run(&sweep_dir, 4, &["--force"]));
    assert!(sweep_dir.join("replications.csv").exists());
    for f in [
        "points.csv",
        "results.csv",
        "sensitivity.csv",
        "plots/morris_y.png",
    ] {
        assert!(!sweep_dir.join(f).exists(), "{f} left behind");
    }

    // a sweep into a run's directory
    let run_dir = d.path().join("run");
    ok(&run(&run_dir, 4, &[]));
    let o = sweep(&sweep_file(d.path()), &run_dir, &[]);
    assert_clean_refusal(&o, &["holds a run, not a sweep"]);
    assert!(!run_dir.join("points.csv").exists());

    // a run into a comparison's directory
    let cmp = d.path().join("cmp");
    ok(&compare(&["baseline", "prompt_payment"], &cmp, 4, &[]));
    let o = run(&cmp, 4, &[]);
    assert_clean_refusal(&o, &["holds a comparison, not a run"]);
    assert!(!cmp.join("replications.csv").exists());
}

#[test]
fn another_set_of_scenarios_is_refused_and_force_leaves_no_stale_folders() {
    let d = tmp();
    let cmp = d.path().join("comparison");
    ok(&compare(
        &["baseline", "prompt_payment", "multi_year_core"],
        &cmp,
        4,
        &[],
    ));
    // the README's tour once replaced a 15-scenario comparison by a 3-scenario one this way
    let o = compare(&["baseline", "core_on_time"], &cmp, 4, &[]);
    assert_clean_refusal(
        &o,
        &[
            "different comparison",
            "3 scenarios (baseline, prompt_payment, multi_year_core) vs 2 (baseline, core_on_time)",
            "--resume cannot continue",
            "--force",
        ],
    );
    assert_eq!(
        json(&cmp.join("compare.json"))["scenarios"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    ok(&compare(
        &["baseline", "core_on_time"],
        &cmp,
        4,
        &["--force"],
    ));
    let mut left: Vec<String> = std::fs::read_dir(&cmp)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["assumptions", "baseline", "core_on_time", "plots"]);
    // the same comparison again is fine
    ok(&compare(&["baseline", "core_on_time"], &cmp, 4, &[]));
}

#[test]
fn threads_are_checked_the_same_for_every_subcommand() {
    let d = tmp();
    let file = sweep_file(d.path());
    for threads in ["0", "100000"] {
        let t0 = Instant::now();
        let outs = [
            run(&d.path().join("r"), 2, &["--threads", threads]),
            compare(
                &["baseline", "prompt_payment"],
                &d.path().join("c"),
                2,
                &["--threads", threads],
            ),
            sweep(&file, &d.path().join("s"), &["--threads", threads]),
        ];
        for o in &outs {
            assert_clean_refusal(o, &[&format!("--threads {threads}")]);
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "refusals took {:?}",
            t0.elapsed()
        );
        for dir in ["r", "c", "s"] {
            assert!(
                !d.path().join(dir).exists(),
                "{dir} created by a refused command"
            );
        }
    }
    let o = run(&d.path().join("r"), 2, &["--threads", "100000"]);
    assert!(stderr_of(&o).contains("at most"), "{}", stderr_of(&o));
}

#[test]
fn bad_input_exits_2() {
    let d = tmp();
    // an unknown baseline
    let o = compare(
        &["baseline", "prompt_payment"],
        &d.path().join("c1"),
        2,
        &["--baseline", "nosuch"],
    );
    assert_clean_refusal(&o, &["--baseline nosuch", "baseline, prompt_payment"]);
    // two scenarios with one name
    let dup = d.path().join("dup.toml");
    std::fs::write(&dup, "name = \"baseline\"\n").unwrap();
    let o = bin()
        .arg("compare")
        .arg(scenario_path("baseline"))
        .arg(&dup)
        .arg("--out")
        .arg(d.path().join("c2"))
        .args(["--reps", "2"])
        .output()
        .unwrap();
    assert_clean_refusal(&o, &["two scenarios are named `baseline`", "dup.toml"]);
    // plot on an empty, a foreign, an absent and an unfinished directory
    let empty = d.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let foreign = d.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let unfinished = d.path().join("unfinished");
    ok(&run(&unfinished, 70, &["--shard", "1/2"]));
    for (dir, says) in [
        (&empty, "not a partnersim output directory"),
        (&foreign, "not a partnersim output directory"),
        (&d.path().join("absent"), "no such directory"),
        (&unfinished, "unfinished run"),
    ] {
        let o = bin().arg("plot").arg(dir).output().unwrap();
        assert_clean_refusal(&o, &[says]);
    }
    // merges with a gap or an overlap
    let s2 = d.path().join("s2");
    ok(&run(&s2, 70, &["--shard", "2/2"]));
    let merge = |dirs: &[&Path]| {
        let mut c = bin();
        c.arg("merge")
            .args(dirs)
            .arg("--out")
            .arg(d.path().join("m"));
        c.output().unwrap()
    };
    assert_clean_refusal(&merge(&[&unfinished]), &["gap"]);
    assert_clean_refusal(&merge(&[&unfinished, &s2, &s2]), &["overlap"]);
    ok(&merge(&[&s2, &unfinished]));
    // more work than a run accepts
    let o = bin()
        .arg("run")
        .arg(scenario_path("baseline"))
        .arg("--out")
        .arg(d.path().join("huge"))
        .args(["--reps", "10000000", "--set", "simulation.isos=5000"])
        .args(["--set", "simulation.duration_months=1000"])
        .output()
        .unwrap();
    assert_clean_refusal(&o, &["core-days", "--max-work"]);
}

#[test]
fn one_replication_reports_no_interval_and_shares_stay_within_0_and_1() {
    let d = tmp();
    let one = d.path().join("one");
    let o = run(&one, 1, &[]);
    ok(&o);
    assert!(
        stderr_of(&o).contains("survival_rate") && stderr_of(&o).contains("n/a"),
        "{}",
        stderr_of(&o)
    );
    for line in read_text(&one.join("summary.csv")).lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(
            (cells[3], cells[4]),
            ("", ""),
            "an interval from one replication: {line}"
        );
    }
    let cmp = d.path().join("cmp");
    let o = compare(&["baseline", "prompt_payment"], &cmp, 1, &[]);
    ok(&o);
    assert!(stdout_of(&o).contains("CI n/a"), "{}", stdout_of(&o));
    for line in read_text(&cmp.join("comparison.csv")).lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!((cells[6], cells[7]), ("", ""), "{line}");
    }
    let report = read_text(&cmp.join("report.html"));
    assert!(
        !report.contains("differences have a 95% CI that excludes zero"),
        "one replication marked significant"
    );

    // shares: 95% intervals within [0, 1], even with few, spread-out replications; their
    // paired differences within [-1, 1]
    let few = d.path().join("few");
    ok(&run(&few, 3, &[]));
    let cmp3 = d.path().join("cmp3");
    ok(&compare(&["baseline", "core_on_time"], &cmp3, 3, &[]));
    for line in read_text(&cmp3.join("comparison.csv")).lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let j = partnersim::metrics::metric_index(cells[0]).unwrap();
        if partnersim::metrics::is_share(j) {
            let (lo, hi): (f64, f64) = (cells[6].parse().unwrap(), cells[7].parse().unwrap());
            assert!(lo >= -1.0 && hi <= 1.0, "{line}");
        }
    }
    let metrics = partnersim::metrics::METRICS;
    for line in read_text(&few.join("summary.csv")).lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let j = metrics.iter().position(|m| m.name == cells[0]).unwrap();
        if partnersim::metrics::is_share(j) {
            let (lo, hi): (f64, f64) = (cells[3].parse().unwrap(), cells[4].parse().unwrap());
            assert!(
                (0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi),
                "{line}"
            );
        }
    }
}

#[test]
fn command_line_variants_are_named_and_compared_on_common_random_numbers() {
    let d = tmp();
    // `run --set` with a chosen name
    let named = d.path().join("named");
    ok(&run(&named, 2, &["--name", "tiny_baseline"]));
    let m = json(&named.join("manifest.json"));
    assert_eq!(m["scenario_name"], "tiny_baseline");
    // `compare --variant` against the base file
    let cmp = d.path().join("variants");
    let o = bin()
        .arg("compare")
        .arg(scenario_path("baseline"))
        .args([
            "--variant",
            "federal36:funders.federal.contract_months=36,funders.federal.core_share=0.3",
            "--variant",
            "on_time:funders.federal.late_payment_probability=0",
        ])
        .arg("--out")
        .arg(&cmp)
        // each from its own warm-up, as `run --set` below (tests/start_present.rs checks the
        // present start against a timeline)
        .args(["--reps", "6", "--quiet", "--start", "steady"])
        .args(TINY)
        .output()
        .unwrap();
    ok(&o);
    let table = stdout_of(&o);
    assert!(
        table.contains("\nfederal36 ") && table.contains("\non_time "),
        "{table}"
    );
    let j = json(&cmp.join("compare.json"));
    let entries = j["scenarios"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1]["name"], "federal36");
    assert!(entries[1]["description"]
        .as_str()
        .unwrap()
        .starts_with("Variant of baseline: funders.federal.contract_months=36"));
    let diffs: Vec<String> = entries[1]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            format!(
                "{}={}",
                x["path"].as_str().unwrap(),
                x["value"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        diffs,
        [
            "funders.federal.contract_months=36",
            "funders.federal.core_share=0.3"
        ]
    );
    // the variant's run equals `run --set` of the same overrides (same seed, same streams)
    let direct = d.path().join("direct");
    ok(&run(
        &direct,
        6,
        &[
            "--set",
            "funders.federal.contract_months=36",
            "--set",
            "funders.federal.core_share=0.3",
        ],
    ));
    assert_eq!(
        read(&cmp.join("federal36/replications.csv")),
        read(&direct.join("replications.csv"))
    );
    // a malformed variant is bad input
    let o = bin()
        .arg("compare")
        .arg(scenario_path("baseline"))
        .args(["--variant", "nocolon", "--out"])
        .arg(d.path().join("bad"))
        .output()
        .unwrap();
    assert_clean_refusal(&o, &["--variant nocolon", "NAME:KEY=VALUE"]);
}

#[test]
fn messages_name_the_file_and_say_what_to_do() {
    let d = tmp();
    // an OS error is said once
    let o = bin()
        .arg("validate")
        .arg(d.path().join("missing.toml"))
        .output()
        .unwrap();
    assert_clean_refusal(&o, &["missing.toml: cannot read"]);
    assert_eq!(
        stderr_of(&o).matches("os error 2").count(),
        1,
        "{}",
        stderr_of(&o)
    );
    // the wrong kind of file
    let file = sweep_file(d.path());
    let o = bin().arg("validate").arg(&file).output().unwrap();
    assert_clean_refusal(&o, &["this is a sweep file", "partnersim sweep"]);
    let o = bin()
        .arg("sweep")
        .arg(scenario_path("multi_year_core"))
        .output()
        .unwrap();
    assert_clean_refusal(&o, &["this is a scenario file", "partnersim run"]);
    // no far-fetched suggestion for a long unknown key
    let bad = d.path().join("bad.toml");
    std::fs::write(
        &bad,
        "bootstrap_samples = 3\n".to_string() + &std::fs::read_to_string(&file).unwrap(),
    )
    .unwrap();
    let o = bin().arg("sweep").arg(&bad).output().unwrap();
    assert_clean_refusal(&o, &["bad.toml:1:1: unknown key `bootstrap_samples`"]);
    assert!(!stderr_of(&o).contains("`b`"), "{}", stderr_of(&o));
    // a different scenario: --resume cannot help, and the message says so
    let out = d.path().join("out");
    ok(&run(&out, 4, &[]));
    let o = run(&out, 4, &["--resume", "--set", "iso.holistic_share=0.5"]);
    assert_clean_refusal(&o, &["--resume cannot continue", "--force"]);
    // a damaged compare.json is named
    let cmp = d.path().join("cmp");
    ok(&compare(&["baseline", "prompt_payment"], &cmp, 2, &[]));
    std::fs::write(cmp.join("compare.json"), "{ not json").unwrap();
    let o = bin().arg("plot").arg(&cmp).output().unwrap();
    assert_clean_refusal(&o, &["compare.json"]);
    // plots/ that cannot be written is named with its path, before anything is computed
    let blocked = d.path().join("blocked");
    ok(&run(&blocked, 2, &[]));
    std::fs::remove_dir_all(blocked.join("plots")).unwrap();
    std::fs::write(blocked.join("plots"), "a file in the way").unwrap();
    let o = run(&blocked, 2, &[]);
    assert_clean_refusal(&o, &["plots: cannot write"]);
    assert!(!stderr_of(&o).contains("ImageError"), "{}", stderr_of(&o));
    // the metric catalogue the sweep-file errors point to exists
    let o = bin().args(["metrics", "--format", "csv"]).output().unwrap();
    ok(&o);
    let csv = stdout_of(&o);
    assert!(
        csv.starts_with("metric,unit,summary,description\n"),
        "{csv}"
    );
    for m in partnersim::metrics::METRICS {
        assert!(csv.contains(&format!("\n{},", m.name)), "{}", m.name);
    }
    bin()
        .args(["metrics"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "| `survival_rate` | share | last month |",
        ));
}

#[test]
fn a_classroom_group_given_with_its_about_md_is_compared() {
    let d = tmp();
    let group = root().join("scenarios/classroom/late_payment");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&group)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.iter().any(|f| f.ends_with("about.md")));
    let out = d.path().join("group");
    let o = bin()
        .arg("compare")
        .args(&files)
        .arg("--out")
        .arg(&out)
        .args(["--reps", "3", "--quiet"])
        .args(TINY)
        .output()
        .unwrap();
    ok(&o);
    assert!(stderr_of(&o).contains("skipping"), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("about.md"), "{}", stderr_of(&o));
    assert!(out.join("group.json").exists());
}

#[test]
fn an_interrupted_comparison_says_what_is_saved() {
    let d = tmp();
    let out = d.path().join("cmp");
    let mut child = std_bin()
        .arg("compare")
        .arg(scenario_path("baseline"))
        .arg(scenario_path("multi_year_core"))
        .arg(scenario_path("prompt_payment"))
        .arg("--out")
        .arg(&out)
        .args([
            "--reps",
            "600",
            "--threads",
            "1",
            "--quiet",
            "--start",
            "steady",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let done = out.join("baseline").join("manifest.json");
    let t0 = Instant::now();
    while !done.exists() && t0.elapsed() < Duration::from_secs(120) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it was interrupted"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let s = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(s.success());
    let o = child.wait_with_output().unwrap();
    let e = stderr_of(&o);
    assert_eq!(o.status.code(), Some(130), "{e}");
    assert!(
        e.contains("1 of 3 scenarios finished, multi_year_core at ")
            && e.contains(" of 600 replications")
            && e.contains("--resume"),
        "{e}"
    );
    // --resume finishes the comparison
    let o = bin()
        .arg("compare")
        .arg(scenario_path("baseline"))
        .arg(scenario_path("multi_year_core"))
        .arg(scenario_path("prompt_payment"))
        .arg("--out")
        .arg(&out)
        .args(["--reps", "600", "--quiet", "--resume", "--start", "steady"])
        .output()
        .unwrap();
    ok(&o);
    assert!(out.join("manifest.json").exists());
}

#[test]
fn a_run_that_cannot_fit_on_the_disk_is_refused_before_it_starts() {
    let d = tmp();
    let out = d.path().join("big");
    let o = bin()
        .arg("run")
        .arg(scenario_path("baseline"))
        .arg("--out")
        .arg(&out)
        .args([
            "--reps",
            "10000000",
            "--set",
            "simulation.isos=1",
            "--set",
            "simulation.duration_months=1200",
            // within the memory budget, so that the disk check is the one that refuses
            "--max-memory",
            "16GB",
        ])
        .output()
        .unwrap();
    assert_clean_refusal(&o, &["needs about", "TB of disk", "free"]);
    assert!(!out.exists(), "a refused run created its directory");
}

#[test]
fn plot_redraws_runs_comparisons_and_sweeps_identically() {
    let d = tmp();
    let s = d.path().join("sweep");
    ok(&sweep(&sweep_file(d.path()), &s, &[]));
    let r = d.path().join("run");
    ok(&run(&r, 4, &[]));
    for dir in [&s, &r] {
        let plots = |dir: &Path| {
            let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("plots"))
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        read(&e.path()),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let before = plots(dir);
        assert!(!before.is_empty());
        std::fs::remove_dir_all(dir.join("plots")).unwrap();
        ok(&bin().arg("plot").arg(dir).output().unwrap());
        assert!(
            before == plots(dir),
            "{} re-drawn differently",
            dir.display()
        );
    }
}

/// From the present the records in flight hold every regime's runs of a replication (one job
/// computes all regimes of it), from steady states one regime's: the memory budget counts them
/// so, and refuses the present start where the steady one fits.
#[test]
fn the_memory_budget_counts_every_regime_in_flight_from_the_present() {
    let d = tmp();
    let compare = |start: &str| {
        bin()
            .arg("compare")
            .arg(scenario_path("baseline"))
            .arg(scenario_path("multi_year_core"))
            .arg(scenario_path("prompt_payment"))
            .arg("--out")
            .arg(d.path().join(start))
            .args(["--reps", "8", "--assumptions", "none", "--quiet"])
            .args(["--max-memory", "6MB", "--start", start])
            .output()
            .unwrap()
    };
    assert_clean_refusal(&compare("present"), &["in memory at once", "--max-memory"]);
    ok(&compare("steady"));
}
