//! The docs and the code must agree: the parameter table in docs/ODD.md is exactly what
//! `partnersim params --format markdown` prints, and the sweep-file key reference in
//! docs/sensitivity.md is generated from the table the sweep-file parser uses.

#[test]
fn odd_parameter_table_matches_registry() {
    let odd = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ODD.md"))
        .expect("docs/ODD.md exists");
    let (begin, end) = partnersim::params::ODD_TABLE_MARKERS;
    let i = odd.find(begin).expect("begin marker in docs/ODD.md") + begin.len();
    let j = odd.find(end).expect("end marker in docs/ODD.md");
    let table = odd[i..j].trim();
    let want = partnersim::params::markdown_table();
    assert_eq!(
        table,
        want.trim(),
        "docs/ODD.md parameter table is out of date: replace the text between its markers with the output of `partnersim params --format markdown`"
    );
}

#[test]
fn odd_has_the_seven_elements_in_order() {
    let odd = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ODD.md"))
        .expect("docs/ODD.md exists");
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
    let odd = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ODD.md"))
        .expect("docs/ODD.md exists");
    for m in partnersim::metrics::METRICS {
        assert!(
            odd.contains(&format!("`{}`", m.name)),
            "docs/ODD.md does not describe metric `{}`",
            m.name
        );
    }
}

#[test]
fn sensitivity_key_reference_matches_the_parser() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/sensitivity.md");
    let doc = std::fs::read_to_string(path).expect("docs/sensitivity.md exists");
    let (begin, end) = partnersim::sweep::spec::keys::DOC_MARKERS;
    let i = doc
        .find(begin)
        .expect("begin marker in docs/sensitivity.md")
        + begin.len();
    let j = doc.find(end).expect("end marker in docs/sensitivity.md");
    let want = format!("\n{}", partnersim::sweep::spec::keys::markdown());
    if std::env::var_os("PARTNERSIM_BLESS").is_some() {
        std::fs::write(path, format!("{}{want}{}", &doc[..i], &doc[j..])).unwrap();
        return;
    }
    assert_eq!(
        &doc[i..j],
        want,
        "the sweep-file key reference in docs/sensitivity.md is out of date: \
         `PARTNERSIM_BLESS=1 cargo test --release --test docs` rewrites it from src/sweep/spec/keys.rs"
    );
}
