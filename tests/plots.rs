//! Plot files: existence, size, format, reproducibility.

use partnersim::plot::fixture::{
    default_scenarios, write_synthetic_comparison, write_synthetic_run,
};
use partnersim::plot::{comparison_plot_stems, comparison_plots, run_plot_stems, run_plots, SIZE};
use std::path::{Path, PathBuf};

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "PNG too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

fn check_files(files: &[PathBuf], dir: &Path, stems: &[String]) {
    for stem in stems {
        for ext in ["png", "svg"] {
            let p = dir.join(format!("{stem}.{ext}"));
            assert!(files.contains(&p), "{} not reported", p.display());
            let bytes = std::fs::read(&p).unwrap();
            assert!(!bytes.is_empty(), "{} empty", p.display());
            if ext == "png" {
                assert_eq!(png_size(&bytes), SIZE, "{}", p.display());
            } else {
                let text = String::from_utf8(bytes).unwrap();
                assert!(text.contains("<svg"), "{}", p.display());
                roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            }
        }
    }
    assert_eq!(files.len(), stems.len() * 2);
    // no temporary files left behind
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".tmp"), "leftover {name}");
    }
}

#[test]
fn run_plots_written_as_png_and_svg() {
    let d = tempfile::tempdir().unwrap();
    let s = &default_scenarios()[0];
    write_synthetic_run(d.path(), s, 120, 12, 7).unwrap();
    let files = run_plots(d.path()).unwrap();
    check_files(&files, &d.path().join("plots"), &run_plot_stems());
}

#[test]
fn comparison_plots_written_as_png_and_svg() {
    let d = tempfile::tempdir().unwrap();
    write_synthetic_comparison(d.path(), &default_scenarios(), 120, 15, 11).unwrap();
    let files = comparison_plots(d.path()).unwrap();
    check_files(&files, &d.path().join("plots"), &comparison_plot_stems());
}

#[test]
fn single_scenario_comparison_has_no_forest() {
    let d = tempfile::tempdir().unwrap();
    write_synthetic_comparison(d.path(), &default_scenarios()[..1], 24, 5, 3).unwrap();
    let files = comparison_plots(d.path()).unwrap();
    assert!(files
        .iter()
        .all(|f| !f.to_string_lossy().contains("forest")));
    check_files(&files, &d.path().join("plots"), &run_plot_stems());
}

#[test]
fn missing_run_files_are_reported_with_path() {
    let d = tempfile::tempdir().unwrap();
    let err = run_plots(d.path()).unwrap_err();
    assert!(format!("{err:#}").contains("replications.csv"), "{err:#}");
}

/// Writes a demo comparison for a person to look at, into `$PLOT_DEMO_DIR` (default
/// `target/demo/plots`): `cargo test --release --test plots -- --ignored`.
#[test]
#[ignore = "writes a demo for eyeballing; run with -- --ignored"]
fn demo_output_for_inspection() {
    let dir = std::env::var("PLOT_DEMO_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target/demo/plots").to_string());
    let dir = Path::new(&dir);
    write_synthetic_comparison(dir, &default_scenarios(), 120, 30, 5).unwrap();
    let files = comparison_plots(dir).unwrap();
    assert!(!files.is_empty());
    eprintln!("demo plots in {}", dir.display());
}

/// The text elements of an SVG file, trimmed.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect()
}

/// Forest rows are named: with more scenarios than palette colours, colours repeat, names do not.
#[test]
fn forest_rows_are_named_once_per_row_of_panels() {
    let d = tempfile::tempdir().unwrap();
    let scenarios = default_scenarios();
    write_synthetic_comparison(d.path(), &scenarios, 24, 5, 3).unwrap();
    comparison_plots(d.path()).unwrap();
    let texts = svg_texts(&d.path().join("plots/forest_outcomes.svg"));
    // six panels in a 2 x 3 grid: each name at the left of both rows of panels
    for s in &scenarios[1..] {
        let n = texts.iter().filter(|t| **t == s.name).count();
        assert_eq!(n, 2, "{} named {n} times", s.name);
    }
}

/// Many scenarios: band charts become one panel per scenario, named, with the baseline in each.
#[test]
fn many_scenarios_get_one_band_panel_each() {
    let d = tempfile::tempdir().unwrap();
    let mut scenarios = default_scenarios();
    let extra: Vec<_> = (0..5)
        .map(|k| {
            let mut s = default_scenarios()[1 + k % 2].clone();
            s.name = format!("variant_{k}");
            s.effect = 0.2 * k as f64;
            s
        })
        .collect();
    scenarios.extend(extra);
    assert!(scenarios.len() > 6);
    write_synthetic_comparison(d.path(), &scenarios, 24, 5, 3).unwrap();
    let files = comparison_plots(d.path()).unwrap();
    check_files(&files, &d.path().join("plots"), &comparison_plot_stems());
    for stem in ["survival", "fan_unmet_need_share"] {
        let texts = svg_texts(&d.path().join(format!("plots/{stem}.svg")));
        for s in &scenarios[1..] {
            assert!(texts.contains(&s.name), "{stem}: no panel named {}", s.name);
        }
        assert!(
            texts.iter().any(|t| t.starts_with("baseline (median")),
            "{stem}: the baseline reference is not in the legend"
        );
        // axis titles on the outer panels: "month" under the bottom row, the metric at the left
        assert!(
            texts.iter().any(|t| t == "month"),
            "{stem}: no x axis title"
        );
        assert!(
            texts.iter().any(|t| t.contains("(share)")),
            "{stem}: no y axis title"
        );
    }
}

/// Box plots: scenario names under the boxes never overlap, however many and however long.
#[test]
fn box_plot_names_do_not_overlap() {
    let d = tempfile::tempdir().unwrap();
    let mut scenarios = default_scenarios();
    for k in 0..7 {
        let mut s = default_scenarios()[1 + k % 2].clone();
        s.name = format!("a_rather_long_scenario_name_{k}");
        scenarios.push(s);
    }
    write_synthetic_comparison(d.path(), &scenarios, 24, 5, 3).unwrap();
    comparison_plots(d.path()).unwrap();
    let svg = std::fs::read_to_string(d.path().join("plots/box_survival_rate.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    // (line y, centre x, estimated half width) of each name; DejaVu Sans averages over 0.55 em
    let mut placed: Vec<(f64, f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter(|n| n.text().is_some_and(|t| names.contains(&t.trim())))
        .map(|n| {
            let num = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
            let width = n.text().unwrap().trim().chars().count() as f64 * 0.55 * num("font-size");
            (num("y"), num("x"), width / 2.0)
        })
        .collect();
    assert_eq!(placed.len(), names.len());
    placed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    for w in placed.windows(2) {
        if w[0].0 == w[1].0 {
            assert!(
                w[1].1 - w[0].1 >= w[0].2 + w[1].2,
                "names overlap on one line: {w:?}"
            );
        }
    }
}

/// Box plots draw the replications first: the median bar and the mean stay on top where many
/// replications share a value (survival is a multiple of 1/40 at baseline size).
#[test]
fn box_plot_median_is_drawn_over_the_replications() {
    let d = tempfile::tempdir().unwrap();
    let scenarios = default_scenarios();
    write_synthetic_comparison(d.path(), &scenarios, 24, 5, 3).unwrap();
    comparison_plots(d.path()).unwrap();
    let svg = std::fs::read_to_string(d.path().join("plots/box_survival_rate.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let nodes: Vec<_> = doc.descendants().filter(|n| n.is_element()).collect();
    let last = |pred: &dyn Fn(&roxmltree::Node) -> bool| nodes.iter().rposition(pred);
    let dot = last(&|n| n.has_tag_name("circle") && n.attribute("opacity") == Some("0.6"));
    let median = last(&|n| {
        n.has_tag_name("polyline")
            && n.attribute("stroke") == Some("#000000")
            && n.attribute("stroke-width") == Some("3")
    });
    let (dot, median) = (
        dot.expect("no replication dots"),
        median.expect("no median"),
    );
    assert!(
        median > dot,
        "the last median ({median}) is under a replication dot ({dot})"
    );
}
