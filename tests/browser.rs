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

use partnersim::input::scenario::Scenario;
use partnersim::metrics::metric_index;
use partnersim::model::Model;
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

/// The cells of one CSV line (quoted cells may hold commas and doubled quotes).
fn csv_cells(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().unwrap().push(c),
        }
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
}

/// The classroom page in Chromium at 1024x768: choose the late-payment lesson; its levers stay
/// locked (a forced slider event runs nothing) until a prediction is recorded; record one, move
/// the late-payment slider five steps with the keyboard, wait for the charts; every number they
/// show is the engine's for the same settings (the lesson's scenario file with the same `--set`
/// values, seed and replications), paired with the baseline, and the prediction stands beside
/// the direction the engine's interval gives. A chart's drawing is on the first screen; the
/// view of individual organizations draws one strip per ISO of the first replication, closed
/// when the model closes it; the summary CSV export holds the engine's numbers, the chart PNG
/// export is a PNG; the printed hand-out shows question, prediction boxes, charts and what to
/// notice without controls. "Show me" sets the slider to the scenario's value. Then ten single
/// moves are timed: the median answer must come in under a second.
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
    // the scenario a request ran: the lesson's file with the request's `set` applied
    let scenario_of = |rq: &serde_json::Value| {
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
        s
    };
    let check = |shown: &serde_json::Value, what: &str| {
        let s = scenario_of(&shown["request"]);
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

    // before a prediction is recorded the levers are locked: a forced slider event runs
    // nothing, and no result stands beside a prediction
    let locked = &v["locked"];
    assert_eq!(locked["predicted"], "no");
    assert_eq!(locked["sliderDisabled"], true);
    assert_eq!(locked["showMeDisabled"], true);
    assert_eq!(locked["comparison"], "");
    assert!(locked["prompt"]
        .as_str()
        .is_some_and(|p| p.contains("go up, go down or stay about the same")));
    assert_eq!(
        locked["generationAfterForcedMove"], locked["generationBefore"],
        "a run started before the prediction"
    );
    assert!(locked["requestAfterForcedMove"]["set"]
        .as_object()
        .unwrap()
        .is_empty());
    let recorded = &v["recorded"];
    assert_eq!(recorded["predicted"], "yes");
    assert_eq!(recorded["sliderDisabled"], false);
    assert!(recorded["text"]
        .as_str()
        .unwrap()
        .contains("will go up by about 5 percentage points"));
    // after the move, the prediction and the model's paired difference side by side; the
    // direction shown is the one the engine's 95% CI gives
    let cmp = &after["comparison"];
    let text = cmp["text"].as_str().unwrap();
    assert!(
        text.contains("You predicted") && text.contains("The model"),
        "{text}"
    );
    let j = metric_index("survival_rate").unwrap();
    let a: Vec<f64> = summaries(&scenario_of(&after["request"]), reps, seed)
        .iter()
        .map(|r| r[j])
        .collect();
    let b: Vec<f64> = base_sum.iter().map(|r| r[j]).collect();
    let p = partnersim::stats::paired(&a, &b);
    let want = if p.diff_ci95_low > 0.0 {
        "up"
    } else if p.diff_ci95_high < 0.0 {
        "down"
    } else {
        "same"
    };
    assert_eq!(cmp["direction"], want, "{text}");
    assert_eq!(
        cmp["className"],
        if want == "up" { "match" } else { "nomatch" }
    );

    // a chart on the first screen at 1024x768, before and after the prediction, and no
    // sideways scrolling
    for k in ["firstScreenBefore", "firstScreenAfter"] {
        let f = &v[k];
        let (top, bottom) = (
            f["chartTop"].as_f64().unwrap(),
            f["svgBottom"].as_f64().unwrap(),
        );
        assert!(
            top >= 0.0 && bottom <= 768.0,
            "{k}: the first chart's drawing spans {top}..{bottom} of 768 px"
        );
        assert_eq!(f["overflow"]["count"], 0, "{k}: {}", f["overflow"]);
    }

    // every other lesson, opened with its prediction form showing: a chart's drawing on the
    // first screen too
    let others = v["lessons"].as_object().unwrap();
    assert!(others.len() >= 3, "{} other lessons", others.len());
    for (slug, f) in others {
        assert_eq!(f["predicted"], "no", "{slug}");
        let (top, bottom) = (
            f["chartTop"].as_f64().unwrap(),
            f["svgBottom"].as_f64().unwrap(),
        );
        assert!(
            top >= 0.0 && bottom <= 768.0,
            "{slug}: the first chart's drawing spans {top}..{bottom} of 768 px"
        );
        assert_eq!(f["overflow"]["count"], 0, "{slug}: {}", f["overflow"]);
    }

    // the individual organizations: one strip per ISO of the run's first replication, closed
    // where and when the model closes them
    let tr = partnersim::model::trace::trace_isos(
        &scenario_of(&after["request"]).config(),
        seed,
        0,
        partnersim::serve::api::MAX_TRACE_ISOS,
    );
    let orgs = &v["organizations"];
    assert_eq!(orgs["strips"].as_u64().unwrap() as usize, tr.isos.len());
    assert_eq!(orgs["drawn"], orgs["strips"]);
    assert!(tr.isos.len() >= 10, "{} strips", tr.isos.len());
    let mut shown_closed: Vec<(u64, Option<u64>)> = orgs["closed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["iso"].as_u64().unwrap(), c["closed"].as_u64()))
        .collect();
    shown_closed.sort();
    let engine_closed: Vec<(u64, Option<u64>)> = tr
        .isos
        .iter()
        .map(|t| (t.index as u64, t.closed.map(u64::from)))
        .collect();
    assert_eq!(shown_closed, engine_closed);

    // exports: the summary CSV holds the engine's numbers, one row per chart; the bands CSV a
    // row per month, arm and chart; the chart PNG is a PNG at twice the drawing's size
    let ex = &v["exports"];
    let csv = ex["summary"]["text"].as_str().unwrap();
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    let rows: Vec<Vec<String>> = lines.map(csv_cells).collect();
    let charts = after["charts"].as_object().unwrap();
    assert_eq!(rows.len(), charts.len());
    for r in &rows {
        let m = &r[col("metric")];
        let now: f64 = r[col("now_mean")].parse().unwrap();
        let diff: f64 = r[col("difference")].parse().unwrap();
        assert!(close(now, charts[m]["now"].as_f64().unwrap()), "{m}: {now}");
        assert!(
            close(diff, charts[m]["diff"].as_f64().unwrap()),
            "{m}: {diff}"
        );
        if m == "survival_rate" {
            assert_eq!(r[col("predicted_direction")], "up");
            assert_eq!(r[col("predicted_amount")], "5");
        }
    }
    let months = scenario_of(&after["request"])
        .values
        .get("simulation.duration_months") as usize;
    assert_eq!(
        ex["bands"]["lines"].as_u64().unwrap() as usize,
        1 + 2 * months * charts.len()
    );
    assert_eq!(
        ex["orgs"]["lines"].as_u64().unwrap() as usize,
        1 + months * tr.isos.len()
    );
    assert_eq!(ex["png"]["magic"], "89504e470d0a1a0a");
    assert_eq!(ex["png"]["width"], 920);
    assert!(ex["svg"]["start"].as_str().unwrap().starts_with("<svg"));

    // the hand-out prints the question, three prediction boxes, the charts and what to
    // notice, in that order, and no controls
    let pr = &v["print"];
    assert_eq!(pr["question"], true);
    assert_eq!(pr["predictionBoxes"], 3);
    assert_eq!(pr["predictionBoxesShown"], true);
    assert_eq!(pr["charts"].as_u64().unwrap() as usize, charts.len());
    assert!(pr["notice"].as_u64().unwrap() >= 2);
    assert_eq!(pr["levers"], false);
    assert_eq!(pr["buttons"], false);
    let order: Vec<f64> = pr["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert_eq!(pr["overflow"]["count"], 0, "{}", pr["overflow"]);
    assert!(
        std::fs::metadata(pr["pdf"].as_str().unwrap())
            .unwrap()
            .len()
            > 10_000
    );
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
    // the assumptions line: the server's check of the scenario as shipped, on the predicted
    // metric, in compare's words
    let note = &show["note"];
    let want = partnersim::serve::robustness::check(
        &base,
        &t,
        // the lesson starts steady (its scenarios change initial reserves)
        false,
        "survival_rate",
        &partnersim::serve::robustness::Runs {
            seed,
            reps,
            pool: &rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap(),
            cancelled: &|| false,
        },
    )
    .unwrap()
    .unwrap();
    assert_eq!(note["status"], want.status.as_str(), "{note}");
    let text = note["text"].as_str().unwrap();
    assert!(
        text.starts_with("Assumptions: ") && text.contains(&want.sentence.replace('`', "")),
        "{text} vs {}",
        want.sentence
    );
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
    for f in [
        "serve-predict-1024.png",
        "serve-lesson-1024.png",
        "serve-organizations-1024.png",
        "serve-after.png",
    ] {
        assert!(shots.join(f).exists(), "{f}");
    }
}
