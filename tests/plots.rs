//! Plot files: existence, size, format, reproducibility.

use partnersim::output::plot::fixture::{
    default_scenarios, write_synthetic_comparison, write_synthetic_run,
};
use partnersim::output::plot::{
    comparison_plot_stems, comparison_plots, run_plot_stems, run_plots, SIZE,
};
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
            texts.iter().any(|t| t.starts_with("years from the start")),
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

/// Box plots keep the replications in a strip beside each box, so that values many
/// replications share (survival is a multiple of 1/40 at baseline size) cannot line up into a bar
/// that reads as a second median; the mean is a diamond at least 14 pixels across, drawn after
/// (over) everything else of its box.
#[test]
fn box_plot_replications_sit_beside_the_box_and_the_mean_is_a_visible_diamond() {
    let d = tempfile::tempdir().unwrap();
    let scenarios = default_scenarios();
    write_synthetic_comparison(d.path(), &scenarios, 24, 40, 3).unwrap();
    comparison_plots(d.path()).unwrap();
    let svg = std::fs::read_to_string(d.path().join("plots/box_survival_rate.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let num = |n: &roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    // box outlines: stroked, unfilled rectangles
    let boxes: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("none"))
        .map(|n| (num(&n, "x"), num(&n, "x") + num(&n, "width")))
        .collect();
    assert_eq!(boxes.len(), scenarios.len());
    let dots: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && n.attribute("opacity") == Some("0.6"))
        .map(|n| num(&n, "cx"))
        .collect();
    assert_eq!(dots.len(), 40 * scenarios.len());
    for x in &dots {
        for (a, b) in &boxes {
            assert!(
                x + 2.0 < *a || x - 2.0 > *b,
                "a replication dot at x {x} is on the box {a}–{b}"
            );
        }
    }
    let nodes: Vec<_> = doc.descendants().filter(|n| n.is_element()).collect();
    let diamonds: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.has_tag_name("polygon") && n.attribute("fill") == Some("#000000"))
        .map(|(i, _)| i)
        .collect();
    // one in the legend, one per scenario
    assert_eq!(diamonds.len(), 1 + scenarios.len());
    for &i in &diamonds[1..] {
        let pts: Vec<f64> = nodes[i]
            .attribute("points")
            .unwrap()
            .split([' ', ','])
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .collect();
        let xs: Vec<f64> = pts.iter().step_by(2).copied().collect();
        let span =
            xs.iter().fold(f64::MIN, |a, &b| a.max(b)) - xs.iter().fold(f64::MAX, |a, &b| a.min(b));
        assert!(span >= 14.0, "the mean diamond is {span} pixels wide");
    }
    let last_dot = nodes
        .iter()
        .rposition(|n| n.has_tag_name("circle") && n.attribute("opacity") == Some("0.6"))
        .unwrap();
    assert!(
        diamonds[1] > last_dot,
        "a mean is drawn under a replication dot"
    );
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

#[path = "common/svgtext.rs"]
mod svgtext;

/// The checker finds what it must: two texts on one spot, a text past the edge (negative
/// controls for the collision test below).
#[test]
fn text_checker_finds_overlaps_and_clipping() {
    let svg = |body: &str| {
        format!(
            "<svg width=\"400\" height=\"300\" xmlns=\"http://www.w3.org/2000/svg\">{body}</svg>"
        )
    };
    let t = |x: i32, y: i32, anchor: &str, extra: &str, s: &str| {
        format!("<text x=\"{x}\" y=\"{y}\" dy=\"0.76em\" text-anchor=\"{anchor}\" font-family=\"sans-serif\" font-size=\"12\"{extra}>{s}</text>")
    };
    let clean = svg(&(t(10, 10, "start", "", "left") + &t(390, 10, "end", "", "right")));
    assert!(
        svgtext::text_problems(&clean).is_empty(),
        "{:?}",
        svgtext::text_problems(&clean)
    );
    let over =
        svg(&(t(10, 10, "start", "", "a long label here") + &t(60, 14, "start", "", "another")));
    assert_eq!(svgtext::text_problems(&over).len(), 1);
    let clipped = svg(&t(395, 10, "start", "", "out of the canvas"));
    assert!(svgtext::text_problems(&clipped)[0].starts_with("clipped"));
    // a y axis title longer than the canvas is tall, rotated about its anchor
    let long = "a very long axis title that cannot fit in the height of this small canvas at all";
    let rotated = svg(&t(
        20,
        150,
        "middle",
        " transform=\"rotate(270, 20, 150)\"",
        long,
    ));
    assert!(svgtext::text_problems(&rotated)[0].starts_with("clipped"));
}

fn problems_in(dir: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "svg") {
            n += 1;
            let text = std::fs::read_to_string(&p).unwrap();
            for b in svgtext::text_problems(&text) {
                bad.push(format!("{}: {b}", p.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(n > 0, "no SVG in {}", dir.display());
    bad
}

#[path = "common/process.rs"]
mod process;
use process::partnersim;

/// Every shipped plot kind, drawn from a small and a crowded comparison, a single run, a real
/// partnership map and real sweeps, has no two texts that overlap and no text cut off at the
/// canvas edge.
#[test]
fn no_plot_has_colliding_or_clipped_text() {
    let d = tempfile::tempdir().unwrap();
    let mut bad = Vec::new();
    // three scenarios, and fifteen with long names (small multiples, staggered names)
    let small = d.path().join("small");
    write_synthetic_comparison(&small, &default_scenarios(), 120, 20, 11).unwrap();
    partnersim::commands::plot::comparison(&small, None).unwrap();
    bad.extend(problems_in(&small.join("plots")));
    bad.extend(problems_in(&small.join("baseline/plots")));
    let crowded = d.path().join("crowded");
    let mut scenarios = default_scenarios();
    for k in 0..12 {
        let mut s = default_scenarios()[1 + k % 2].clone();
        s.name = if k % 3 == 0 {
            format!("a_rather_long_scenario_name_number_{k}")
        } else {
            format!("variant_{k}")
        };
        s.effect = 0.1 * k as f64 - 0.4;
        scenarios.push(s);
    }
    write_synthetic_comparison(&crowded, &scenarios, 120, 20, 12).unwrap();
    partnersim::commands::plot::comparison(&crowded, None).unwrap();
    bad.extend(problems_in(&crowded.join("plots")));
    // partnership maps of the formal and the informal partnership scenarios
    for s in ["calgary_lip", "brandon_informal"] {
        let out = d.path().join(s);
        let o = out.to_string_lossy().into_owned();
        partnersim(&[
            "run",
            &format!("scenarios/{s}.toml"),
            "--reps",
            "2",
            "-q",
            "--out",
            &o,
        ]);
        bad.extend(problems_in(&out.join("plots")));
    }
    // sweeps: Morris, Latin hypercube, Sobol' (analytic), a one-parameter grid, a heatmap
    for s in [
        "funding_regime_morris",
        "funding_regime_lhs",
        "ishigami",
        "contract_length_grid",
    ] {
        let out = d.path().join(s);
        let o = out.to_string_lossy().into_owned();
        partnersim(&[
            "sweep",
            &format!("scenarios/sweeps/{s}.toml"),
            "-q",
            "--out",
            &o,
        ]);
        bad.extend(problems_in(&out.join("plots")));
    }
    let grid = d.path().join("grid.toml");
    std::fs::write(
        &grid,
        format!(
            "scenario = \"{}/scenarios/baseline.toml\"\nmethod = \"grid\"\nreps_per_point = 2\nseed = 1\n\
             outputs = [\"survival_rate\", \"clients_served\"]\n\
             [[parameters]]\npath = \"funders.federal.contract_months\"\nvalues = [12, 36]\n\
             [[parameters]]\npath = \"funders.federal.core_share\"\nvalues = [0, 0.3, 0.6]\n",
            env!("CARGO_MANIFEST_DIR")
        ),
    )
    .unwrap();
    let out = d.path().join("grid");
    partnersim(&[
        "sweep",
        &grid.to_string_lossy(),
        "-q",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(out.join("plots/heatmap_survival_rate.svg").exists());
    bad.extend(problems_in(&out.join("plots")));
    assert!(
        bad.is_empty(),
        "{} text problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The partnership map draws each operating partnership as a hub with a spoke to each member
/// (no member-to-member lines), names every hub and every ISO, and puts the ISOs in no
/// partnership in their own row.
#[test]
fn partnership_map_is_hubs_and_members_not_a_tangle() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("calgary");
    let o = out.to_string_lossy().into_owned();
    partnersim(&[
        "run",
        "scenarios/calgary_lip.toml",
        "--reps",
        "1",
        "-q",
        "--out",
        &o,
    ]);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("partnerships.json")).unwrap()).unwrap();
    // every partnership says when it formalised at a call (null if it never did): only a formal
    // one did, after it formed and before it dissolved
    for p in v["partnerships"].as_array().unwrap() {
        let op = &p["operation"];
        assert!(
            op.get("formalised_month").is_some(),
            "no formalised_month: {op}"
        );
        if let Some(f) = op["formalised_month"].as_i64() {
            assert_eq!(p["formal"].as_bool(), Some(true), "{p}");
            assert!(f >= op["formed_month"].as_i64().unwrap(), "{op}");
            if let Some(d) = op["dissolved_month"].as_i64() {
                assert!(f <= d, "{op}");
            }
        }
    }
    let operating: Vec<&serde_json::Value> = v["partnerships"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["operation"]["operating"].as_bool() == Some(true))
        .collect();
    assert!(
        !operating.is_empty(),
        "calgary_lip should leave a partnership operating"
    );
    let members: usize = operating
        .iter()
        .map(|p| p["members"].as_array().unwrap().len())
        .sum();
    let svg = std::fs::read_to_string(out.join("plots/partnership_map.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .count();
    assert_eq!(lines, members, "one spoke per member, nothing else");
    let texts = svg_texts(&out.join("plots/partnership_map.svg"));
    for p in &operating {
        let hub = format!("P{}", p["id"]);
        assert!(texts.contains(&hub), "hub {hub} unnamed");
    }
    for i in 0..v["isos"].as_u64().unwrap() {
        assert!(texts.contains(&i.to_string()), "ISO {i} not on the map");
    }
    // the row of ISOs in no partnership is there exactly when some ISO is in none (in the
    // dated baseline's replication 0 every ISO is a member)
    let mut member = vec![false; v["isos"].as_u64().unwrap() as usize];
    for p in &operating {
        for m in p["members"].as_array().unwrap() {
            member[m.as_u64().unwrap() as usize] = true;
        }
    }
    let loose = member.iter().filter(|&&m| !m).count();
    let row = texts
        .iter()
        .find(|t| t.starts_with("ISOs in no partnership"));
    match row {
        Some(t) => assert_eq!(t, &format!("ISOs in no partnership ({loose})")),
        None => assert_eq!(
            loose, 0,
            "{loose} ISOs in no partnership but no row for them"
        ),
    }
}

/// Timeline events are marked on every chart over months, once each, in the legend with their
/// month and label (naming the scenario when not every scenario has the event), and the marks'
/// legend leaves no text colliding; charts not over months carry no mark.
#[test]
fn timeline_events_are_marked_on_charts_over_months() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("events");
    let o = out.to_string_lossy().into_owned();
    partnersim(&[
        "compare",
        "scenarios/baseline.toml",
        "scenarios/transition_core.toml",
        "scenarios/provincial_cut.toml",
        "--reps",
        "3",
        "-q",
        "--out",
        &o,
    ]);
    let texts = svg_texts(&out.join("plots/fan_unmet_need_share.svg")).join("\n");
    for want in [
        "month 24: provincial_cut: provincial budget -12%, contracts terminated",
        "month 36: transition_core: federal: 30% core",
    ] {
        assert_eq!(texts.matches(want).count(), 1, "{want:?} in\n{texts}");
    }
    let survival = svg_texts(&out.join("plots/survival.svg")).join("\n");
    assert!(survival.contains("month 36: "), "{survival}");
    // a scenario's own plots name its event without the scenario
    let own = svg_texts(&out.join("transition_core/plots/survival.svg")).join("\n");
    assert!(own.contains("month 36: federal: 30% core"), "{own}");
    let base = svg_texts(&out.join("baseline/plots/survival.svg")).join("\n");
    assert!(!base.contains("month 36"), "{base}");
    let boxes = svg_texts(&out.join("plots/box_survival_rate.svg")).join("\n");
    assert!(!boxes.contains("month 36"), "{boxes}");
    let mut bad = problems_in(&out.join("plots"));
    bad.extend(problems_in(&out.join("transition_core/plots")));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Rows (top to bottom) holding ink darker than half of black, of `text` drawn with the PNG
/// backend at `size`, left-top anchored at (4, 4) in a 120×48 white bitmap; and the columns.
fn ink(text: &str, size: f64, plain: bool) -> Vec<(u32, u32)> {
    use plotters::prelude::*;
    partnersim::output::plot::init_fonts();
    let (w, h) = (120u32, 48u32);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let style = ("sans-serif", size).into_font().color(&BLACK);
        if plain {
            let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            root.draw_text(text, &style, (4, 4)).unwrap();
            root.present().unwrap();
        } else {
            let root = partnersim::output::plot::Png(BitMapBackend::with_buffer(&mut buf, (w, h)))
                .into_drawing_area();
            root.draw_text(text, &style, (4, 4)).unwrap();
            root.present().unwrap();
        }
    }
    let mut out = Vec::new();
    for y in 0..h {
        for x in 0..w {
            if buf[((y * w + x) * 3) as usize] < 128 {
                out.push((x, y));
            }
        }
    }
    out
}

/// Where the full stop of "22." sits against the digits: (its top and bottom ink rows, the
/// digits' top and bottom ink rows). The dot's pixels are those inked in "22." and not in "22".
fn dot_and_digits(size: f64, plain: bool) -> ((u32, u32), (u32, u32)) {
    let digits = ink("22", size, plain);
    let with_dot = ink("22.", size, plain);
    let dot: Vec<u32> = with_dot
        .iter()
        .filter(|p| !digits.contains(p))
        .map(|p| p.1)
        .collect();
    assert!(!dot.is_empty(), "size {size}: no ink for the full stop");
    let rows = |v: &mut dyn Iterator<Item = u32>| {
        let v: Vec<u32> = v.collect();
        (
            v.iter().copied().min().unwrap_or(0),
            v.iter().copied().max().unwrap_or(0),
        )
    };
    (
        rows(&mut dot.iter().copied()),
        rows(&mut digits.iter().map(|p| p.1)),
    )
}

#[test]
fn png_text_puts_the_decimal_point_on_the_baseline() {
    // the sizes the plots use, odd and fractional ones included
    for size in [10.0, 11.0, 12.0, 12.4, 13.0, 14.0, 15.0, 16.5, 19.0, 24.0] {
        let ((dot_top, dot_bottom), (top, bottom)) = dot_and_digits(size, false);
        // the dot ends on the row the digits' flat bottom ends on …
        assert_eq!(
            dot_bottom, bottom,
            "size {size}: full stop ends on row {dot_bottom}, the digits on row {bottom}"
        );
        // … and all its ink is in the bottom quarter of the digits' height
        assert!(
            4 * (dot_top - top) >= 3 * (bottom - top),
            "size {size}: full stop from row {dot_top}, digits rows {top}–{bottom}"
        );
        // and text anchored at the top starts below the anchor, not above it
        assert!(
            top >= 4,
            "size {size}: ink from row {top}, anchored at row 4"
        );
    }
}

#[test]
fn the_pixel_check_finds_the_misplaced_point_of_plain_plotters() {
    // plotters' own bitmap text (which Png replaces) lifts the point at some plot sizes; the check
    // above must be able to see that
    let lifted = [11.0, 12.4, 13.0, 15.0]
        .iter()
        .filter(|&&size| {
            let ((_, dot_bottom), (_, bottom)) = dot_and_digits(size, true);
            dot_bottom != bottom
        })
        .count();
    assert!(lifted > 0, "plain plotters put every point on the baseline");
}

/// Whether a tick or label reads as a negative zero: `-0`, `−0.00`, `-0k`.
fn negative_zero(t: &str) -> bool {
    let b: Vec<char> = t.chars().collect();
    (0..b.len()).any(|i| {
        if !matches!(b[i], '-' | '−') || i > 0 && (b[i - 1].is_ascii_digit() || b[i - 1] == '.') {
            return false;
        }
        let rest: String = b[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == '.' || **c == ',')
            .collect();
        !rest.is_empty()
            && rest.starts_with('0')
            && rest.chars().all(|c| matches!(c, '0' | '.' | ','))
    })
}

#[test]
fn negative_zero_detector() {
    for t in ["-0", "−0.00", "x -0.0 y", "-0k", "[-0.000, +1]"] {
        assert!(negative_zero(t), "{t}");
    }
    for t in [
        "0",
        "-0.05",
        "0.00",
        "-10k",
        "p05-p95",
        "2015-2020",
        "-0.0001",
    ] {
        assert!(!negative_zero(t), "{t}");
    }
}

/// No text in any plot reads as a negative zero (the decimals of ticks follow the step: see the
/// unit tests of `plot::charts`).
#[test]
fn tick_labels_follow_the_step_and_never_read_minus_zero() {
    let d = tempfile::tempdir().unwrap();
    let mut scenarios = default_scenarios();
    // effects around zero, so that axes cross it with small steps
    for k in 0..6 {
        let mut s = default_scenarios()[1].clone();
        s.name = format!("near_zero_{k}");
        s.effect = 0.01 * k as f64 - 0.025;
        scenarios.push(s);
    }
    write_synthetic_comparison(d.path(), &scenarios, 120, 12, 21).unwrap();
    comparison_plots(d.path()).unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(d.path().join("plots")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "svg") {
            continue;
        }
        let texts = svg_texts(&p);
        for t in &texts {
            n += 1;
            assert!(!negative_zero(t), "{}: {t:?}", p.display());
        }
    }
    assert!(n > 100, "only {n} texts");
}

/// Small multiples mark an event only in the panels of the regimes whose timeline holds it.
#[test]
fn event_lines_only_in_the_panels_of_regimes_with_events() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("events");
    let o = out.to_string_lossy().into_owned();
    let mut args = vec!["compare"];
    let files = [
        "scenarios/baseline.toml",
        "scenarios/transition_core.toml",
        "scenarios/provincial_cut.toml",
        "scenarios/prompt_payment.toml",
        "scenarios/multi_year_core.toml",
        "scenarios/core_on_time.toml",
        "scenarios/fast_rotation.toml",
    ];
    args.extend(files);
    args.extend(["--reps", "2", "-q", "--out", &o]);
    partnersim(&args);
    let names = [
        "transition_core",
        "provincial_cut",
        "prompt_payment",
        "multi_year_core",
        "core_on_time",
        "fast_rotation",
    ];
    for stem in ["survival", "fan_unmet_need_share", "fan_clients_served"] {
        let path = out.join(format!("plots/{stem}.svg"));
        let svg = std::fs::read_to_string(&path).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let num = |n: &roxmltree::Node, a: &str| -> f64 {
            n.attribute(a)
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        // panel captions: (name, x, y)
        let captions: Vec<(&str, f64, f64)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| {
                let t = n.text()?.trim();
                let name = names.iter().find(|m| **m == t)?;
                Some((*name, num(&n, "x"), num(&n, "y")))
            })
            .collect();
        assert_eq!(captions.len(), names.len(), "{stem}: one panel per regime");
        let top = captions.iter().map(|c| c.2).fold(f64::INFINITY, f64::min);
        // event dashes: vertical segments in the event colour, below the legend
        let mut marked: Vec<&str> = Vec::new();
        for n in doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#464646"))
        {
            let pts: Vec<(f64, f64)> = n
                .attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            let Some(&(x, y)) = pts.first() else { continue };
            if y < top {
                continue; // the legend's swatch
            }
            // the panel: the caption nearest above, in the nearest column
            let row_y = captions
                .iter()
                .map(|c| c.2)
                .filter(|cy| *cy <= y)
                .fold(f64::NEG_INFINITY, f64::max);
            let panel = captions
                .iter()
                .filter(|c| c.2 == row_y)
                .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
                .map(|c| c.0)
                .unwrap();
            if !marked.contains(&panel) {
                marked.push(panel);
            }
        }
        marked.sort_unstable();
        assert_eq!(
            marked,
            vec!["provincial_cut", "transition_core"],
            "{stem}: event lines in {marked:?}"
        );
    }
}
