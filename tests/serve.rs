//! `partnersim serve`: the answers of its API (in process, no network), and the server itself
//! over HTTP (the binary on a free port).

use partnersim::input::scenario::Scenario;
use partnersim::metrics::metric_index;
use partnersim::model::Model;
use partnersim::serve::App;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/process.rs"]
mod process;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const REPS: u64 = 8;
const SEED: u64 = 42;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| {
        // relative, as `partnersim serve` run in the project folder names it (tests run there)
        App::load(Path::new("scenarios/classroom"), None, REPS, SEED, Some(2))
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

fn post(body: &str) -> (u16, serde_json::Value) {
    let r = app().handle("POST", "/api/run", body.as_bytes());
    let v = serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null);
    (r.status, v)
}

fn error(body: &str) -> String {
    let (status, v) = post(body);
    assert_eq!(status, 400, "{body} -> {v}");
    v["error"].as_str().unwrap().to_string()
}

/// The message `partnersim validate` prints for the same `--set` on the lesson's scenario file,
/// without the `partnersim: `.
fn cli_message(set: &str) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin("partnersim"))
        .current_dir(root())
        .args([
            "validate",
            "scenarios/classroom/late_payment/thin_reserves_late_pay.toml",
            "--set",
            set,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    e.trim().strip_prefix("partnersim: ").unwrap().to_string()
}

/// Bad requests get 400 and a message; values that `--set` refuses get the command line's own
/// message, word for word.
#[test]
fn bad_requests_get_400_with_the_command_lines_messages() {
    let run = |set: &str| {
        format!("{{\"lesson\": \"late_payment\", \"scenario\": \"thin_reserves_late_pay\", \"set\": {set}}}")
    };
    for (json, cli) in [
        (
            "{\"funders.federal.contract_months\": 0}",
            "funders.federal.contract_months=0",
        ),
        (
            "{\"funders.federal.contract_month\": 36}",
            "funders.federal.contract_month=36",
        ),
        (
            "{\"funders.federal.core_share\": 1.5}",
            "funders.federal.core_share=1.5",
        ),
        (
            "{\"funders.federal.measure\": \"outcomes\"}",
            "funders.federal.measure=outcomes",
        ),
        ("{\"reporting.coordinated\": 3}", "reporting.coordinated=3"),
        (
            "{\"funders.federal.late_payment_days_max\": 5}",
            "funders.federal.late_payment_days_max=5",
        ),
    ] {
        assert_eq!(error(&run(json)), cli_message(cli), "{json}");
    }
    assert!(error("{\"lesson\": ").starts_with("request body: EOF"));
    assert!(error("[1, 2]").starts_with("request body: invalid type"));
    assert!(
        error("{\"lesson\": \"late_payment\", \"scenario\": \"x\", \"colour\": 1}")
            .contains("unknown field `colour`")
    );
    assert!(
        error("{\"lesson\": \"nope\", \"scenario\": \"x\"}").starts_with("unknown lesson `nope`")
    );
    assert!(error("{\"lesson\": \"late_payment\", \"scenario\": \"x\"}")
        .starts_with("lesson `late_payment` has no scenario `x`"));
    let base = "\"lesson\": \"late_payment\", \"scenario\": \"thin_reserves_late_pay\"";
    assert_eq!(
        error(&format!("{{{base}, \"reps\": 1}}")),
        "reps 1: must be between 2 and 256"
    );
    assert_eq!(
        error(&format!("{{{base}, \"reps\": 100000}}")),
        "reps 100000: must be between 2 and 256"
    );
    assert_eq!(
        error(&format!("{{{base}, \"metrics\": [\"survival\"]}}")),
        "metrics: `survival` is not a metric"
    );
    assert!(error(&format!("{{{base}, \"client\": \"<script>\"}}")).starts_with("client:"));
    // the work one request may ask for is limited
    let e = error(&format!(
        "{{{base}, \"set\": {{\"simulation.isos\": 5000}}}}"
    ));
    assert!(
        e.starts_with("this request: ") && e.contains("the limit is 2.0e6 ISO-months"),
        "{e}"
    );
    // too many parameters, too large a body
    let many: Vec<String> = (0..65).map(|i| format!("\"p{i}\": 1")).collect();
    assert!(error(&format!("{{{base}, \"set\": {{{}}}}}", many.join(", "))).contains("at most 64"));
    let big = format!("{{{base}, \"client\": \"{}\"}}", "a".repeat(70_000));
    assert!(error(&big).starts_with("request body larger than"));
    // wrong method, unknown page
    assert_eq!(app().handle("GET", "/api/run", b"").status, 405);
    assert_eq!(app().handle("DELETE", "/", b"").status, 405);
    assert_eq!(app().handle("GET", "/etc/passwd", b"").status, 404);
    assert_eq!(app().handle("GET", "/../../Cargo.toml", b"").status, 404);
}

fn summaries(s: &Scenario, reps: u64) -> Vec<partnersim::metrics::MonthRecord> {
    let cfg = s.config();
    (0..reps)
        .map(|r| Model::new(&cfg, SEED, r).run().summary)
        .collect()
}

/// A run answers with the engine's numbers for the same settings: the same scenario file with
/// the same `--set` values, the same seed and replications; the difference is paired with the
/// lesson's baseline.
#[test]
fn a_run_answers_with_the_engines_numbers() {
    let (status, v) = post(
        "{\"lesson\": \"late_payment\", \"scenario\": \"ample_reserves_late_pay\", \
         \"set\": {\"funders.federal.late_payment_probability\": 0.1, \"funders.federal.measure\": \"outcome\"}, \
         \"client\": \"test-1\"}",
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["reps"], REPS);
    assert_eq!(v["baseline"], "thin_reserves_late_pay");
    assert_eq!(v["interval"], "95% CI, Monte Carlo only; parameters fixed");
    let dir = root().join("scenarios/classroom/late_payment");
    let mut s = Scenario::load(&dir.join("ample_reserves_late_pay.toml")).unwrap();
    s.apply_override("funders.federal.late_payment_probability=0.1")
        .unwrap();
    s.apply_override("funders.federal.measure=outcome").unwrap();
    let b = Scenario::load(&dir.join("thin_reserves_late_pay.toml")).unwrap();
    let (run, base) = (summaries(&s, REPS), summaries(&b, REPS));
    let charts: Vec<String> = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect();
    // the lesson's watched metrics are charted, after the page's own
    for m in [
        "survival_rate",
        "missed_payroll_share",
        "reserve_months_median",
        "clients_served",
    ] {
        assert!(charts.contains(&m.to_string()), "{m} not charted");
    }
    for m in &charts {
        let j = metric_index(m).unwrap();
        let a: Vec<f64> = run.iter().map(|r| r[j]).collect();
        let c: Vec<f64> = base.iter().map(|r| r[j]).collect();
        let (mean, _, lo, hi) = partnersim::stats::mean_ci95(&a);
        let p = partnersim::stats::paired(&a, &c);
        let got = &v["run"][m]["summary"];
        // JSON carries every digit; serde_json's reader may land one unit in the last place off
        let same = |x: &serde_json::Value, y: f64| {
            x.as_f64()
                .is_some_and(|x| (x - y).abs() <= 1e-12 * y.abs().max(1e-300))
        };
        assert!(
            same(&got["mean"], mean) && same(&got["low"], lo) && same(&got["high"], hi),
            "{m}: {got} vs {mean}"
        );
        assert!(
            same(&v["diff"][m]["mean"], p.diff_mean),
            "{m}: diff {} vs {}",
            v["diff"][m]["mean"],
            p.diff_mean
        );
        assert_eq!(v["run"][m]["p50"].as_array().unwrap().len(), 120);
    }
    // a second identical request is answered from memory, with the same numbers
    let (_, again) = post(
        "{\"lesson\": \"late_payment\", \"scenario\": \"ample_reserves_late_pay\", \
         \"set\": {\"funders.federal.measure\": \"outcome\", \"funders.federal.late_payment_probability\": 0.1}}",
    );
    assert_eq!(again["engine_seconds"], 0.0);
    assert_eq!(again["run"], v["run"]);
    // the individual organizations: the first replication's ISOs as the model traces them,
    // with the baseline's closures of the same ISOs
    let o = &v["organizations"];
    let tr = partnersim::model::trace::trace_isos(&s.config(), SEED, 0, usize::MAX);
    let tb = partnersim::model::trace::trace_isos(&b.config(), SEED, 0, usize::MAX);
    assert_eq!(o["operating_at_start"], tr.operating_at_start);
    let isos = o["isos"].as_array().unwrap();
    assert_eq!(
        isos.len(),
        tr.isos.len().min(partnersim::serve::api::MAX_TRACE_ISOS)
    );
    for (x, t) in isos.iter().zip(&tr.isos) {
        assert_eq!(x["index"], t.index);
        assert_eq!(x["closed"].as_u64(), t.closed.map(u64::from));
        let base_closed = tb
            .isos
            .iter()
            .find(|b| b.index == t.index)
            .and_then(|b| b.closed);
        assert_eq!(x["base_closed"].as_u64(), base_closed.map(u64::from));
        let staff: Vec<u64> = x["staff"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(
            staff,
            t.staff.iter().map(|&v| u64::from(v)).collect::<Vec<_>>()
        );
        assert_eq!(x["reserves"].as_array().unwrap().len(), 120);
    }
    assert_eq!(again["organizations"], v["organizations"]);
}

/// The lessons the page shows come from the classroom folder: every group, its question, its
/// watched metrics, its scenarios with their lever values, and the levers it changes.
#[test]
fn lessons_describe_every_group_and_its_levers() {
    let r = app().handle("GET", "/api/lessons", b"");
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let lessons = v["lessons"].as_array().unwrap();
    assert!(lessons.len() >= 4);
    for l in lessons {
        let dir = root()
            .join("scenarios/classroom")
            .join(l["slug"].as_str().unwrap());
        let about = partnersim::serve::lesson::read(&dir).unwrap().unwrap();
        assert_eq!(l["question"], about.question.as_str());
        assert_eq!(l["baseline"], about.baseline.as_deref().unwrap());
        assert_eq!(
            l["scenarios"][0]["name"], l["baseline"],
            "the baseline comes first"
        );
        for w in &about.watch {
            assert!(
                l["charts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == w.as_str()),
                "{w}"
            );
            assert!(v["metrics"][w]["label"].is_string());
        }
        assert!(
            !l["levers"].as_array().unwrap().is_empty(),
            "{}: no lever of its own",
            l["slug"]
        );
        // the prediction prompt, its metric (charted) and what to notice, from about.md
        assert_eq!(l["predict"], about.prediction_prompt().as_str());
        let pm = about.prediction_metric().unwrap();
        assert_eq!(l["predict_metric"], pm);
        assert!(l["charts"].as_array().unwrap().iter().any(|c| c == pm));
        assert_eq!(l["notice"].as_array().unwrap().len(), about.notice.len());
        // scenarios carry human titles, not their identifiers
        for sc in l["scenarios"].as_array().unwrap() {
            let t = sc["title"].as_str().unwrap();
            assert!(
                !t.is_empty() && !t.contains('_'),
                "{}: title `{t}`",
                sc["name"]
            );
        }
    }
    let titles: Vec<&str> = lessons
        .iter()
        .find(|l| l["slug"] == "late_payment")
        .unwrap()["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles[0], "Thin reserves, late pay");
    let late = lessons
        .iter()
        .find(|l| l["slug"] == "late_payment")
        .unwrap();
    let on_time = late["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "thin_reserves_on_time")
        .unwrap();
    assert_eq!(on_time["levers"]["late_payment"], 0.0);
    assert_eq!(late["scenarios"][0]["levers"]["late_payment"], 0.35);
    // the page and its files are served from the binary, and load nothing from elsewhere
    for (path, kind) in [
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/app.css", "text/css"),
    ] {
        let r = app().handle("GET", path, b"");
        assert_eq!(r.status, 200);
        assert!(r.content_type.starts_with(kind));
        let text = String::from_utf8(r.body).unwrap();
        for bad in ["http://", "https://", "//cdn", "@import"] {
            let hits = text.matches(bad).count()
                - text.matches("http://www.w3.org/2000/svg").count()
                    * usize::from(bad == "http://")
                - text.matches("http://127.0.0.1").count() * usize::from(bad == "http://");
            assert_eq!(hits, 0, "{path} refers to {bad}");
        }
    }
}

/// The binary serves on 127.0.0.1, prints its address, answers the page and a run, and refuses
/// a request addressed to another host name.
#[test]
fn the_server_answers_over_http_on_this_computer_only() {
    let server = process::serve(&["--reps", "4", "--threads", "2"]);
    {
        let addr = server.addr.as_str();
        let ask = |req: String| -> String {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.write_all(req.as_bytes()).unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            out
        };
        let page = ask(format!(
            "GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        ));
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(page.contains("Content-Security-Policy: default-src 'self'"));
        assert!(page.contains("<title>partnersim classroom</title>"));
        let body = "{\"lesson\": \"officer_rotation\", \"scenario\": \"fast\"}";
        let run = ask(format!(
            "POST /api/run HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ));
        assert!(
            run.starts_with("HTTP/1.1 200"),
            "{}",
            &run[..run.len().min(300)]
        );
        assert!(run.contains("\"baseline\":\"typical\""));
        let evil = ask("GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".into());
        assert!(evil.starts_with("HTTP/1.1 403"), "{evil}");
    }
}

/// A folder without lessons is refused with a message that says what to do (exit code 2).
#[test]
fn serving_a_folder_without_lessons_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    for (dir, want) in [
        (d.path().join("missing"), "no such folder"),
        (d.path().to_path_buf(), "no classroom group"),
    ] {
        let out = Command::new(assert_cmd::cargo::cargo_bin("partnersim"))
            .args(["serve", "--port", "0", "--lessons"])
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains(want), "{e}");
        assert!(!e.contains("panicked"));
    }
}

/// `POST /api/assumptions`: the light form of "what would change this answer" on the page. Its
/// effect at the defaults is the page's own answer (the same paired difference a run shows), it
/// tries the top assumptions of the ledger that the scenario does not set itself, and its
/// sentence is one of `compare`'s verdicts.
#[test]
fn the_assumption_note_is_the_pages_answer_checked_against_the_top_assumptions() {
    let body = "{\"lesson\": \"late_payment\", \"scenario\": \"ample_reserves_late_pay\", \
                \"metrics\": [\"survival_rate\"]}";
    let r = app().handle("POST", "/api/assumptions", body.as_bytes());
    let n: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(r.status, 200, "{n}");
    let (status, v) = post(body);
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        n["effect"], v["diff"]["survival_rate"]["mean"],
        "{n} vs {v}"
    );
    assert_eq!(n["metric"], "survival_rate");
    assert_eq!(n["reps"], REPS);
    let tried: Vec<&str> = n["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(!tried.is_empty() && tried.len() <= partnersim::studies::assumptions::TOP.len());
    for a in &tried {
        assert!(partnersim::studies::assumptions::TOP.contains(a), "{a}");
    }
    assert!(
        ["holds", "vanishes", "reverses", "unclear"].contains(&n["status"].as_str().unwrap()),
        "{n}"
    );
    assert!(!n["sentence"].as_str().unwrap().is_empty());
    // baseline and scenario, at the defaults and at both ends of each assumption
    assert_eq!(
        n["runs"].as_u64().unwrap(),
        2 * REPS * (1 + 2 * tried.len() as u64)
    );
    // asked again: the same note, kept
    let again = app().handle("POST", "/api/assumptions", body.as_bytes());
    assert_eq!(again.body, r.body);
    // a bad request gets the run's message
    let bad = app().handle(
        "POST",
        "/api/assumptions",
        b"{\"lesson\": \"late_payment\", \"scenario\": \"nope\"}",
    );
    assert_eq!(bad.status, 400);
    assert_eq!(app().handle("GET", "/api/assumptions", b"").status, 405);
}
