//! docs/ODD.md and the code must agree: the parameter table in the ODD is
//! exactly what `partnersim params --format markdown` prints.

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
