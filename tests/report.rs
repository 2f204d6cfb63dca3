//! report.html: self-contained, well-formed, renders in headless Chromium.

use partnersim::metrics::REQUIRED;
use partnersim::plot::fixture::{default_scenarios, write_synthetic_comparison};
use partnersim::report::{write_report, ReportInput};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TITLE: &str = "Core funding & ISO survival";

fn input() -> ReportInput {
    ReportInput {
        title: TITLE.into(),
        question: "Does multi-year core funding keep more ISOs <open> after 10 years?".into(),
        explanation: Some(
            "Funders pay ISOs to serve newcomers.\n\nEach scenario changes a few rules; \
             compare the bands, not only the lines."
                .into(),
        ),
    }
}

fn make_report(dir: &Path) -> PathBuf {
    write_synthetic_comparison(dir, &default_scenarios(), 120, 20, 9).unwrap();
    write_report(dir, &input()).unwrap()
}

fn body_after_doctype(html: &str) -> &str {
    let rest = html
        .strip_prefix("<!DOCTYPE html>")
        .expect("starts with <!DOCTYPE html>");
    rest
}

#[test]
fn report_is_well_formed_and_self_contained() {
    let d = tempfile::tempdir().unwrap();
    // no plots yet: write_report must make them
    let path = make_report(d.path());
    assert_eq!(path, d.path().join("report.html"));
    assert!(d.path().join("plots/survival.svg").exists());
    let html = std::fs::read_to_string(&path).unwrap();

    let doc = roxmltree::Document::parse(body_after_doctype(&html))
        .unwrap_or_else(|e| panic!("report.html is not well-formed: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "html");

    for bad in [
        "http://", "https://", "<link", "<script", "src=\"", "url(", "@import",
    ] {
        assert!(!html.contains(bad), "report contains {bad}");
    }
    // every href is a fragment
    for n in doc.descendants() {
        if let Some(h) = n.attribute("href") {
            assert!(h.starts_with('#'), "external href {h}");
        }
    }

    // title, question (escaped), explanation
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(title, TITLE);
    assert!(html.contains("keep more ISOs &lt;open&gt;"));
    assert!(html.contains("compare the bands"));

    // scenarios and exact differences, escaped description
    assert!(html.contains("funders.federal.contract_months"));
    assert!(html.contains("Reporting cut by half &amp; quarterly &lt;not monthly&gt; reports."));

    // headline table has every required metric
    for m in REQUIRED {
        assert!(html.contains(&format!("<code>{m}</code>")), "{m} missing");
    }

    // inline SVG plots, one per comparison plot, each with a computed reading
    let svgs = doc.descendants().filter(|n| n.has_tag_name("svg")).count();
    assert_eq!(svgs, partnersim::plot::comparison_plot_stems().len());
    assert!(html.contains("Median share of ISOs still operating at month 120: baseline"));
    assert!(!html.contains("<?xml"));

    // reproducibility footer
    assert!(html.contains("partnersim compare baseline.toml"));
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn reading_uses_the_data() {
    let d = tempfile::tempdir().unwrap();
    let path = make_report(d.path());
    let html = std::fs::read_to_string(path).unwrap();
    // the fixture's final survival medians are about 0.80 (baseline) and 0.97+ (multi-year core)
    let line = html
        .lines()
        .find(|l| l.contains("Median share of ISOs still operating"))
        .unwrap();
    let after = |name: &str| -> f64 {
        let i = line.find(&format!("{name} ")).unwrap() + name.len() + 1;
        line[i..].split(' ').next().unwrap().parse().unwrap()
    };
    let (b, m) = (after("baseline"), after("multi_year_core"));
    assert!((0.75..=0.85).contains(&b), "{line}");
    assert!(m > b, "{line}");
}

#[test]
fn existing_plots_are_reused() {
    let d = tempfile::tempdir().unwrap();
    let path = make_report(d.path());
    let svg = d.path().join("plots/survival.svg");
    let before = std::fs::metadata(&svg).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    write_report(d.path(), &input()).unwrap();
    assert_eq!(std::fs::metadata(&svg).unwrap().modified().unwrap(), before);
    assert!(path.exists());
}

/// Runs `cmd` with a deadline; returns (exit success, stdout, stderr).
fn run_with_timeout(cmd: &mut Command, limit: Duration) -> (bool, String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn chromium");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = t_out.join().unwrap();
    let stderr = t_err.join().unwrap();
    match status {
        Some(st) => (st.success(), stdout, stderr),
        None => panic!("chromium timed out after {limit:?}; stderr:\n{stderr}"),
    }
}

#[test]
fn report_renders_in_headless_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but /usr/bin/chromium is missing (CI must install it)");
        }
        eprintln!("SKIP report_renders_in_headless_chromium: /usr/bin/chromium not found");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let path = make_report(d.path());
    let url = format!("file://{}", path.display());
    let (ok, dom, stderr) = run_with_timeout(
        Command::new(chromium).args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            &url,
        ]),
        Duration::from_secs(120),
    );
    if std::env::var_os("PARTNERSIM_SHOW_CHROMIUM").is_some() {
        eprintln!("--- chromium stderr ---\n{stderr}\n--- end ---");
    }
    assert!(ok, "chromium failed; stderr:\n{stderr}");
    assert!(
        dom.contains("<title>Core funding &amp; ISO survival</title>"),
        "title missing from dumped DOM (first 500 bytes: {})",
        &dom[..dom.len().min(500)]
    );
    assert!(dom.contains("<svg"), "no inline SVG in dumped DOM");
    assert!(dom.contains("</html>"), "DOM dump incomplete");
    let bad = page_problems(&stderr, &url);
    assert!(
        bad.is_empty(),
        "page problems in chromium stderr:\n{}",
        bad.join("\n")
    );
}

/// Lines of Chromium's stderr that report a problem with the page: console messages
/// (`INFO:CONSOLE:<line>] "...", source: <url>`), uncaught exceptions, or any line that
/// names the page's URL. Chromium's own noise (D-Bus, GPU, sandbox warnings) names
/// neither, so it does not count.
fn page_problems<'a>(stderr: &'a str, url: &str) -> Vec<&'a str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains(url))
        .collect()
}

#[test]
fn page_problem_filter_matches_chromium_output() {
    let url = "file:///tmp/x/report.html";
    let noise = "[1:2:1123/094005.342925:ERROR:dbus/bus.cc:405] Failed to connect to the bus: Failed to connect to socket /run/dbus/system_bus_socket: No such file or directory\n\
                 [3:3:1123/094005.897063:WARNING:sandbox/policy/linux/sandbox_linux.cc:405] InitializeSandbox() called with multiple threads in process gpu-process.";
    assert!(page_problems(noise, url).is_empty());
    let console = "[1:1:1123/094013.423199:INFO:CONSOLE:1] \"hello-err\", source: file:///tmp/x/report.html (1)\n\
                   [1:1:1123/094013.423813:INFO:CONSOLE:1] \"Uncaught Error: boom\", source: file:///tmp/x/report.html (1)";
    assert_eq!(page_problems(console, url).len(), 2);
}

/// Writes a demo report for a person to look at, into `$REPORT_DEMO_DIR` (default
/// `target/demo/report`): `cargo test --release --test report -- --ignored`.
#[test]
#[ignore = "writes a demo for eyeballing; run with -- --ignored"]
fn demo_report_for_inspection() {
    let dir = std::env::var("REPORT_DEMO_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target/demo/report").to_string());
    let report = make_report(Path::new(&dir));
    assert!(report.exists());
    eprintln!("demo report: {}", report.display());
}

#[test]
fn odd_input_still_gives_well_formed_report() {
    let d = tempfile::tempdir().unwrap();
    let mut sc = default_scenarios();
    sc[1].name = "core & \"more\"".into();
    sc[2].description = "]]> <!-- not a comment --> &amp;".into();
    write_synthetic_comparison(d.path(), &sc, 3, 2, 1).unwrap();
    // blank out a metric and drop some comparison rows
    let ts = d.path().join("baseline/timeseries.csv");
    let text = std::fs::read_to_string(&ts).unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.contains(",trust_mean,") {
                let f: Vec<&str> = l.split(',').collect();
                format!("{},{},NaN,,NaN,NaN,NaN,NaN,NaN\n", f[0], f[1])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&ts, text).unwrap();
    let cmp = d.path().join("comparison.csv");
    let text = std::fs::read_to_string(&cmp).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("survival_rate,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&cmp, kept).unwrap();
    let path = write_report(d.path(), &input()).unwrap();
    let html = std::fs::read_to_string(path).unwrap();
    roxmltree::Document::parse(body_after_doctype(&html)).unwrap();
    assert!(html.contains("core &amp; &quot;more&quot;"));
    assert!(html.contains("n/a"));
}
