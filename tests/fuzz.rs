//! Property tests: arbitrary bytes and mutated scenario files never make the
//! parser or validator panic; NaN, infinities, negative and absurd values are
//! rejected with a message that names the key; whatever is accepted is in range.

use partnersim::input::scenario::Scenario;
use partnersim::params::registry;
use proptest::prelude::*;

const BASELINE: &str = include_str!("../scenarios/baseline.toml");

fn all_in_range(s: &Scenario) -> bool {
    registry()
        .iter()
        .zip(&s.values.0)
        .all(|(p, v)| v.is_finite() && *v >= p.min && *v <= p.max)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(s) = Scenario::from_str("fuzz.toml", &text) {
            prop_assert!(all_in_range(&s));
        }
    }

    #[test]
    fn tomlish_text_never_panics(text in "(\\[[a-z._]{0,30}\\]\n|[a-z_.]{1,40} = (-?[0-9]{1,25}(\\.[0-9]{0,5})?|nan|inf|-inf|true|\"[a-z]{0,8}\"|\\[\\]|\\{\\})\n|#[ -~]{0,20}\n){0,12}") {
        if let Ok(s) = Scenario::from_str("fuzz.toml", &text) {
            prop_assert!(all_in_range(&s));
        }
    }

    #[test]
    fn mutated_baseline_values_are_checked(line in 0usize..40, value in prop_oneof![
        Just("nan".to_string()), Just("inf".to_string()), Just("-inf".to_string()),
        Just("-1".to_string()), Just("1e308".to_string()), Just("99999999999999999999".to_string()),
        Just("\"word\"".to_string()), Just("[1, 2]".to_string()), Just("true".to_string()),
        (-1.0e12f64..1.0e12).prop_map(|x| format!("{x}")),
    ]) {
        let lines: Vec<&str> = BASELINE.lines().collect();
        let i = line % lines.len();
        let mutated: String = lines.iter().enumerate().map(|(k, l)| {
            if k == i && l.contains(" = ") && !l.trim_start().starts_with('#') && !l.starts_with("name") && !l.starts_with("description") {
                let key = l.split(" = ").next().unwrap_or("");
                format!("{key} = {value}\n")
            } else {
                format!("{l}\n")
            }
        }).collect();
        match Scenario::from_str("baseline.toml", &mutated) {
            Ok(s) => prop_assert!(all_in_range(&s)),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with("baseline.toml"), "{}", msg);
            }
        }
    }

    #[test]
    fn overrides_never_panic(key in "[a-z_.]{0,50}", value in "[ -~]{0,20}") {
        let mut s = Scenario::default();
        if s.apply_override(&format!("{key}={value}")).is_ok() {
            prop_assert!(all_in_range(&s));
        }
    }

    #[test]
    fn any_registered_path_rejects_non_finite(idx in 0usize..1000, v in prop_oneof![Just("nan"), Just("inf"), Just("-inf")]) {
        let reg = registry();
        let p = &reg[idx % reg.len()];
        let mut s = Scenario::default();
        let err = s.apply_override(&format!("{}={v}", p.path));
        prop_assert!(err.is_err());
    }
}

#[test]
fn absurd_sizes_are_refused_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Scenario::default();
    s.apply_override("simulation.isos=5000").unwrap();
    s.apply_override("simulation.duration_months=1000").unwrap();
    let opts = partnersim::studies::run::RunOptions {
        reps: 10_000_000,
        ..Default::default()
    };
    let e = partnersim::studies::run::run(&s, &opts, dir.path())
        .unwrap_err()
        .to_string();
    assert!(e.contains("core-days") && e.contains("--max-work"), "{e}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing written for a refused run"
    );
}
