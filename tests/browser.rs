//! In a real browser: headless Chromium driven by Playwright (`tests/browser/*.mjs`, run with
//! node). report.html must read at 1280 and 1024 pixels without horizontal scrolling and print
//! on A4 with its tables whole; the classroom page must answer a slider move with the engine's
//! numbers for the same settings. Screenshots go to `target/screenshots/`.
//!
//! Needs node, `npm ci --prefix tests/browser` (playwright-core, no browser download) and
//! Chromium at /usr/bin/chromium. Without them these tests fail and say what is missing and how
//! to install it. To skip them on purpose, set `PARTNERSIM_SKIP_BROWSER=1`: each test then
//! writes `SKIPPED <test>: ...` straight to the terminal (past the test harness's capture, so
//! it shows with cargo's default output beside the `ok` the harness prints anyway). Under `CI`
//! the variable is ignored and a missing tool is a failure: `.ci/run` installs all three, and
//! a skipped browser test must not pass CI.

use partnersim::metrics::metric_index;
use partnersim::model::Model;
use partnersim::scenario::Scenario;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

#[path = "common/process.rs"]
mod process;
use process::{partnersim, root, run_with_timeout, toml_files};

/// One browser test at a time: they time the page, and two Chromiums would compete for cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The environment variable that lets the browser tests skip (outside CI) when a tool is missing.
const SKIP_VAR: &str = "PARTNERSIM_SKIP_BROWSER";

/// Whether the browser tools are here. If one is missing: under `CI`, or without
/// `PARTNERSIM_SKIP_BROWSER=1`, the test fails naming what is missing; with it (outside CI) the
/// test writes a SKIPPED line to the terminal and returns false.
fn tools_present(test: &str) -> bool {
    let mut missing = Vec::new();
    if !Path::new("/usr/bin/chromium").exists() && std::env::var_os("PARTNERSIM_CHROMIUM").is_none()
    {
        missing.push("/usr/bin/chromium");
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node");
    }
    if !root()
        .join("tests/browser/node_modules/playwright-core")
        .exists()
    {
        missing.push("tests/browser/node_modules (npm ci --prefix tests/browser)");
    }
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(", ");
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: CI is set but {missing} is missing; a browser test may not be skipped in CI"
        );
    }
    if std::env::var(SKIP_VAR).as_deref() != Ok("1") {
        panic!(
            "{test}: {missing} is missing. Install it (apt-get install chromium; npm ci --prefix tests/browser), \
             or run with {SKIP_VAR}=1 to skip the browser tests (they then say SKIPPED)"
        );
    }
    // written to the process's stderr directly: `eprintln!` would be captured by the harness
    // and shown only for a failing test
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "\nSKIPPED {test}: {missing} ({SKIP_VAR}=1)");
    false
}

fn screenshots() -> PathBuf {
    let d = root().join("target/screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs a script of tests/browser with a deadline; returns the JSON it prints.
fn node(script: &str, args: &[&str]) -> serde_json::Value {
    let (ok, stdout, stderr) = run_with_timeout(
        Command::new("node")
            .arg(root().join("tests/browser").join(script))
            .args(args)
            .current_dir(root().join("tests/browser")),
        Duration::from_secs(240),
    );
    assert!(ok, "{script} failed:\n{stderr}\n{stdout}");
    let last = stdout.lines().last().unwrap_or("");
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{script} printed `{last}`: {e}\n{stderr}"))
}

fn assert_no_problems(v: &serde_json::Value, what: &str) {
    let p = v["problems"].as_array().unwrap();
    assert!(p.is_empty(), "{what}: {p:?}");
}

/// The report of all shipped scenarios and of a classroom group, at 1280 and 1024 pixels and
/// printed on A4: no element reaches past the page's width, the collapsed tables print whole,
/// nothing is loaded from elsewhere and the page raises no error.
#[test]
fn report_reads_at_1280_and_1024_and_prints_on_a4() {
    if !tools_present("report_reads_at_1280_and_1024_and_prints_on_a4") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let d = tempfile::tempdir().unwrap();
    let all = d.path().join("all");
    let group = d.path().join("late_payment");
    for (files, out, extra) in [
        (
            toml_files(&root().join("scenarios")),
            &all,
            vec!["--baseline", "baseline"],
        ),
        (
            toml_files(&root().join("scenarios/classroom/late_payment")),
            &group,
            vec![],
        ),
    ] {
        let out_s = out.to_string_lossy().into_owned();
        let mut args = vec!["compare"];
        args.extend(files.iter().map(String::as_str));
        args.extend(extra);
        args.extend(["--reps", "20", "-q", "--out", &out_s]);
        partnersim(&args);
    }
    let shots = screenshots();
    for (dir, name) in [
        (&all, "report-all-scenarios"),
        (&group, "report-late-payment"),
    ] {
        let html = dir.join("report.html").to_string_lossy().into_owned();
        let v = node("report.mjs", &[&html, &shots.to_string_lossy(), name]);
        for w in ["1280", "1024"] {
            let o = &v["widths"][w];
            assert_eq!(o["count"], 0, "{name} at {w} px: {}", o["elements"]);
            assert!(
                o["scrollWidth"].as_f64() <= o["viewport"].as_f64(),
                "{name} scrolls sideways at {w} px"
            );
            assert!(Path::new(o["screenshot"].as_str().unwrap()).exists());
        }
        let p = &v["print"];
        assert_eq!(p["count"], 0, "{name} on A4: {}", p["elements"]);
        assert_eq!(
            p["tablesShown"], true,
            "{name}: the collapsed tables do not print"
        );
        assert!(p["tables"].as_u64().unwrap() > 0);
        assert!(std::fs::metadata(p["pdf"].as_str().unwrap()).unwrap().len() > 10_000);
        assert_no_problems(&v, name);
    }
}

fn summaries(s: &Scenario, reps: u64, seed: u64) -> Vec<partnersim::metrics::MonthRecord> {
    let cfg = s.config();
    (0..reps)
        .map(|r| Model::new(&cfg, seed, r).run().summary)
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
}

/// The classroom page in Chromium: choose the late-payment lesson, move its late-payment slider
/// five steps with the keyboard, wait for the charts; every number they show is the engine's
/// for the same settings (the lesson's scenario file with the same `--set` values, seed and
/// replications), paired with the baseline. "Show me" sets the slider to the scenario's value.
/// Then ten single moves are timed: the median answer must come in under a second.
#[test]
fn classroom_page_answers_a_slider_move_with_the_engines_numbers() {
    if !tools_present("classroom_page_answers_a_slider_move_with_the_engines_numbers") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = process::serve(&[]);
    let shots = screenshots();
    let v = node(
        "serve.mjs",
        &[
            &server.url,
            &shots.to_string_lossy(),
            "late_payment",
            "late_payment",
            "10",
        ],
    );
    drop(server);
    assert_no_problems(&v, "classroom page");
    let lessons = root().join("scenarios/classroom/late_payment");
    let reps = 64; // `partnersim serve`'s default
    let seed = 42;
    let base = Scenario::load(&lessons.join("thin_reserves_late_pay.toml")).unwrap();
    let base_sum = summaries(&base, reps, seed);
    let check = |shown: &serde_json::Value, what: &str| {
        let rq = &shown["request"];
        let mut s =
            Scenario::load(&lessons.join(format!("{}.toml", rq["scenario"].as_str().unwrap())))
                .unwrap();
        for (path, value) in rq["set"].as_object().unwrap() {
            s.apply_override(&format!(
                "{path}={}",
                partnersim::serve::api::value_text(value)
            ))
            .unwrap();
        }
        let run = summaries(&s, reps, seed);
        let charts = shown["charts"].as_object().unwrap();
        assert!(charts.len() >= 4, "{what}: {} charts", charts.len());
        for (m, c) in charts {
            let j = metric_index(m).unwrap();
            let a: Vec<f64> = run.iter().map(|r| r[j]).collect();
            let b: Vec<f64> = base_sum.iter().map(|r| r[j]).collect();
            let (mean, ..) = partnersim::stats::mean_ci95(&a);
            let p = partnersim::stats::paired(&a, &b);
            let (now, diff) = (c["now"].as_f64().unwrap(), c["diff"].as_f64().unwrap());
            assert!(
                close(now, mean),
                "{what}: {m} shows {now}, the engine gives {mean}"
            );
            assert!(
                close(diff, p.diff_mean),
                "{what}: {m} difference {diff}, the engine gives {}",
                p.diff_mean
            );
        }
    };
    // the slider moved five steps down from the baseline's 0.35, on every government funder
    let after = &v["after"];
    assert_eq!(after["sliderValue"], "0.1");
    for f in ["federal", "provincial", "municipal"] {
        let x = after["request"]["set"][format!("funders.{f}.late_payment_probability")].as_f64();
        assert!(x.is_some_and(|x| (x - 0.1).abs() < 1e-9), "{f}: {x:?}");
    }
    check(&v["before"], "before the move");
    check(after, "after the move");
    // "show me" runs the scenario itself, with the slider at its value
    let show = &v["showMe"];
    assert!(show["request"]["set"].as_object().unwrap().is_empty());
    let target = show["target"].as_str().unwrap();
    assert_eq!(show["request"]["scenario"], target);
    let t = Scenario::load(&lessons.join(format!("{target}.toml"))).unwrap();
    let want = t.values.get("funders.federal.late_payment_probability");
    let got: f64 = show["sliderValue"].as_str().unwrap().parse().unwrap();
    assert!(
        (got - want).abs() < 1e-9,
        "show me: slider {got}, scenario {want}"
    );
    check(show, "show me");
    // response times of single moves (the page's own measure: request sent to charts drawn)
    let mut ms: Vec<f64> = v["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["responseMs"].as_f64().unwrap())
        .collect();
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    let worst = ms[ms.len() - 1];
    let report = format!(
        "slider moves: {} timed, {reps} replications each; response median {median:.0} ms, worst {worst:.0} ms, all {ms:?}\n",
        ms.len()
    );
    eprint!("{report}");
    std::fs::write(shots.join("serve-times.txt"), &report).unwrap();
    assert!(median < 1000.0, "{report}");
    assert!(shots.join("serve-before.png").exists() && shots.join("serve-after.png").exists());
}
