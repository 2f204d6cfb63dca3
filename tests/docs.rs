//! docs/ODD.md and the code must agree: every generated table in the ODD is exactly what the
//! code produces now. A deliberate model change regenerates them in the same commit with
//! `cargo run --release --example odd_tables`. The sweep-file key reference in
//! docs/sensitivity.md is generated from the table the sweep-file parser uses.

use partnersim::{input::scenario::Scenario, metrics, params, studies::patterns};
use std::path::Path;

fn odd() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ODD.md"))
        .expect("docs/ODD.md exists")
}

/// The text between a pair of markers.
fn block(text: &str, markers: (&str, &str)) -> String {
    let i = text
        .find(markers.0)
        .unwrap_or_else(|| panic!("marker `{}` in docs/ODD.md", markers.0))
        + markers.0.len();
    let j = text
        .find(markers.1)
        .unwrap_or_else(|| panic!("marker `{}` in docs/ODD.md", markers.1));
    text[i..j].trim().to_string()
}

const HOW: &str =
    "regenerate the ODD's tables with `cargo run --release --example odd_tables` and review the diff";

#[test]
fn odd_assumption_ledger_matches_registry() {
    assert_eq!(
        block(&odd(), params::ODD_LEDGER_MARKERS),
        params::ledger_markdown().trim(),
        "docs/ODD.md assumption ledger (§6.2) is out of date: {HOW}"
    );
}

#[test]
fn odd_parameter_table_matches_registry() {
    assert_eq!(
        block(&odd(), params::ODD_TABLE_MARKERS),
        params::markdown_table().trim(),
        "docs/ODD.md parameter table is out of date: {HOW}"
    );
}

#[test]
fn odd_metric_table_matches_catalogue() {
    assert_eq!(
        block(&odd(), metrics::ODD_METRIC_MARKERS),
        metrics::markdown_table().trim(),
        "docs/ODD.md metric table is out of date: {HOW}"
    );
}

/// The effects quoted in ODD §1.2 are regenerated from the shipped scenarios: a change of the
/// model or of a scenario that moves any of them fails here.
#[test]
fn odd_pattern_effects_match_the_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (reps, seed) = (patterns::ODD_REPS, patterns::ODD_SEED);
    let rows = patterns::measure(&root.join("scenarios"), reps, seed).expect("patterns run");
    assert_eq!(
        block(&odd(), patterns::ODD_MARKERS),
        patterns::markdown(&rows, reps, seed).trim(),
        "docs/ODD.md §1.2 pattern effects are out of date: {HOW}"
    );
}

#[test]
fn odd_warmup_table_matches_the_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = Scenario::load(&root.join("scenarios/baseline.toml")).expect("baseline");
    let table = patterns::warmup_table(&s, patterns::ODD_REPS, patterns::ODD_SEED).expect("run");
    assert_eq!(
        block(&odd(), patterns::WARMUP_MARKERS),
        table.trim(),
        "docs/ODD.md §5 warm-up table is out of date: {HOW}"
    );
}

#[test]
fn odd_has_the_seven_elements_in_order() {
    let odd = odd();
    let heads = [
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialization",
        "Input data",
        "Submodels",
    ];
    let mut pos = 0;
    for h in heads {
        let p = odd[pos..]
            .find(&format!(". {h}"))
            .unwrap_or_else(|| panic!("ODD element `{h}` missing or out of order"));
        pos += p;
    }
}

#[test]
fn odd_names_every_metric() {
    let odd = odd();
    for m in metrics::METRICS {
        assert!(
            odd.contains(&format!("`{}`", m.name)),
            "docs/ODD.md does not describe metric `{}`",
            m.name
        );
    }
}

/// Sources are cited by names a reader can look up: no reference to a document outside the
/// repository, and every source named in a parameter's `source` is in docs/sources.md.
#[test]
fn sources_are_reachable() {
    let sources = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/sources.md"))
        .expect("docs/sources.md exists");
    let odd = odd();
    for (name, text) in [("docs/ODD.md", &odd), ("docs/sources.md", &sources)] {
        for bad in ["MODEL_BRIEF", "Brief §"] {
            assert!(
                !text.contains(bad),
                "{name} cites `{bad}`, a document not in the repository"
            );
        }
    }
    for p in params::registry() {
        assert!(
            !p.source.contains("MODEL_BRIEF") && !p.source.contains("Brief"),
            "{}: source `{}` cites the model brief",
            p.path,
            p.source
        );
    }
    // the short names parameter sources use
    for name in [
        "MLH",
        "GA",
        "IRCC 2019 call",
        "IRCC annual reports",
        "Urban Institute 2010",
        "Urban Institute 2013",
        "Gregory & Howard 2009",
        "Bridgespan 2016",
        "Nonprofit Finance Fund",
        "ONN Sector 360 (2019)",
        "Nonprofit HR",
        "Ontario 2011",
        "Bank of Canada",
        "Brinkerhoff",
        "KM4S 2025",
        "CIMM 43-1",
        "Ontario NSP 2013",
    ] {
        assert!(
            sources.contains(&format!("**{name}")),
            "docs/sources.md has no entry `{name}`"
        );
    }
}

#[test]
fn sensitivity_key_reference_matches_the_parser() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/sensitivity.md");
    let doc = std::fs::read_to_string(path).expect("docs/sensitivity.md exists");
    let (begin, end) = partnersim::studies::sweep::spec::keys::DOC_MARKERS;
    let i = doc
        .find(begin)
        .expect("begin marker in docs/sensitivity.md")
        + begin.len();
    let j = doc.find(end).expect("end marker in docs/sensitivity.md");
    let want = format!("\n{}", partnersim::studies::sweep::spec::keys::markdown());
    if std::env::var_os("PARTNERSIM_BLESS").is_some() {
        std::fs::write(path, format!("{}{want}{}", &doc[..i], &doc[j..])).unwrap();
        return;
    }
    assert_eq!(
        &doc[i..j],
        want,
        "the sweep-file key reference in docs/sensitivity.md is out of date: \
         `PARTNERSIM_BLESS=1 cargo test --release --test docs` rewrites it from src/studies/sweep/spec/keys.rs"
    );
}
