//! External designs (`design = "points.csv"`), `design_seed`, the Sobol' sample-size warning and
//! the values `--set` and a design accept. About 5 s.

use partnersim::commands::{self, sweep::Args as SweepArgs};
use partnersim::input::scenario::Scenario;
use partnersim::studies::run::{self, RunOptions};
use partnersim::studies::sweep::SweepSpec;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sweep(file: &Path, out: &Path, design_seed: Option<u64>) -> anyhow::Result<()> {
    let a = SweepArgs {
        file: file.to_path_buf(),
        out: Some(out.to_path_buf()),
        design_seed,
        job: commands::shared::JobArgs {
            threads: Some(2),
            quiet: true,
            ..Default::default()
        },
        ..SweepArgs::default()
    };
    let mut printed = Vec::new();
    commands::sweep::execute(&a, &commands::Context::default(), &mut printed).map(|_| ())
}

/// A short scenario (two simulated years) so that the model runs are quick.
fn short_scenario(dir: &Path) -> PathBuf {
    let p = dir.join("short.toml");
    let base = root().join("scenarios/baseline.toml");
    std::fs::write(
        &p,
        format!(
            "name = \"short\"\nextends = \"{}\"\n[simulation]\nduration_months = 24\nwarmup_months = 12\n",
            base.display()
        ),
    )
    .unwrap();
    p
}

#[test]
fn an_external_design_is_evaluated_as_given_on_common_random_numbers() {
    let d = tempfile::tempdir().unwrap();
    let scenario = short_scenario(d.path());
    // pandas' spellings: True, 1, 24.0
    std::fs::write(
        d.path().join("points.csv"),
        "reporting.coordinated,funders.federal.contract_months\n0,24.0\nTrue,36\n1,60\n",
    )
    .unwrap();
    let file = d.path().join("d.toml");
    std::fs::write(
        &file,
        format!(
            "scenario = \"{}\"\ndesign = \"points.csv\"\nreps_per_point = 4\nseed = 9\noutputs = [\"survival_rate\", \"admin_share\"]\n",
            scenario.display()
        ),
    )
    .unwrap();
    let out = d.path().join("out");
    sweep(&file, &out, None).unwrap_or_else(|e| panic!("{e:#}"));
    let results = std::fs::read_to_string(out.join("results.csv")).unwrap();
    assert_eq!(results.lines().count(), 1 + 3 * 4, "{results}");
    let points = std::fs::read_to_string(out.join("points.csv")).unwrap();
    assert!(points.contains("\n1,1,36\n"), "{points}");
    // point 1 is `run --set reporting.coordinated=1 --set funders.federal.contract_months=36`
    let s = Scenario::load(&scenario)
        .unwrap()
        .with_overrides(
            &[
                "reporting.coordinated=1".into(),
                "funders.federal.contract_months=36.0".into(),
            ],
            None,
        )
        .unwrap();
    let opts = RunOptions {
        reps: 4,
        seed: 9,
        threads: partnersim::job::threads::Threads::new(Some(1)).unwrap(),
        quiet: true,
        resume: false,
        force: false,
        shard: None,
        timeseries: true,
        command: String::new(),
    };
    let r = run::run(&s, &opts, &d.path().join("run")).unwrap();
    let (surv, admin) = (
        partnersim::metrics::metric_index("survival_rate").unwrap(),
        partnersim::metrics::metric_index("admin_share").unwrap(),
    );
    for (rep, summary) in r.summaries.iter().enumerate() {
        let line = format!("1,{rep},{},{}", summary[surv], summary[admin]);
        assert!(
            results.lines().any(|l| l == line),
            "{line} not in\n{results}"
        );
    }
}

#[test]
fn bad_design_files_are_located_and_explained() {
    let d = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/baseline.toml");
    let sweep_file = |design: &str| {
        std::fs::write(d.path().join("points.csv"), design).unwrap();
        let text = format!(
            "scenario = \"{}\"\ndesign = \"points.csv\"\n",
            scenario.display()
        );
        match SweepSpec::parse("d.toml", &text, d.path()) {
            Ok(_) => panic!("expected an error for\n{design}"),
            Err(e) => e.to_string(),
        }
    };
    let e = sweep_file("reporting.coordinated\n1\n2\n");
    assert!(e.contains("points.csv:3:1"), "{e}");
    assert!(e.contains("reporting.coordinated"), "{e}");
    let e = sweep_file("funders.federal.contract_months\n24.5\n");
    assert!(
        e.contains("points.csv:2:1") && e.contains("whole number"),
        "{e}"
    );
    let e = sweep_file("a,funders.federal.late_payment_probabilty\n");
    assert!(e.contains("points.csv:1:1"), "{e}");
    let e = sweep_file("funders.federal.late_payment_probabilty\n0.1\n");
    assert!(
        e.contains("did you mean `funders.federal.late_payment_probability`"),
        "{e}"
    );
    let e = sweep_file("funders.federal.late_payment_probability\n1.5\n");
    assert!(e.contains("out of range") && e.contains("0 to 1"), "{e}");
    let e = sweep_file("funders.federal.late_payment_probability\n");
    assert!(e.contains("no points"), "{e}");
    // a design with its own method, samples or parameters is refused
    let text = format!(
        "scenario = \"{}\"\ndesign = \"points.csv\"\nmethod = \"lhs\"\n",
        scenario.display()
    );
    std::fs::write(d.path().join("points.csv"), "reporting.coordinated\n1\n").unwrap();
    let e = SweepSpec::parse("d.toml", &text, d.path())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("d.toml:2:") && e.contains("builds its own"),
        "{e}"
    );
}

const LHS: &str = "model = \"ishigami\"\nmethod = \"lhs\"\nsamples = 16\nbootstrap = 0\n\
[[parameters]]\npath = \"x1\"\nmin = -3.0\nmax = 3.0\n[[parameters]]\npath = \"x2\"\nmin = -3.0\nmax = 3.0\n\
[[parameters]]\npath = \"x3\"\nmin = -3.0\nmax = 3.0\n";

#[test]
fn design_seed_holds_the_design_while_seed_changes_the_luck() {
    let d = tempfile::tempdir().unwrap();
    let points = |seed: u64, design_seed: Option<u64>, cli: Option<u64>| {
        let file = d.path().join("lhs.toml");
        let extra = design_seed.map_or_else(String::new, |s| format!("design_seed = {s}\n"));
        std::fs::write(&file, format!("seed = {seed}\n{extra}{LHS}")).unwrap();
        let out = d.path().join(format!("o{seed}-{design_seed:?}-{cli:?}"));
        sweep(&file, &out, cli).unwrap_or_else(|e| panic!("{e:#}"));
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        (
            std::fs::read_to_string(out.join("points.csv")).unwrap(),
            manifest,
        )
    };
    let (a, manifest) = points(1, Some(5), None);
    assert!(manifest.contains("\"design_seed\": 5"), "{manifest}");
    assert_eq!(
        a,
        points(2, Some(5), None).0,
        "design_seed fixes the design"
    );
    assert_ne!(a, points(1, Some(6), None).0);
    assert_eq!(a, points(3, None, Some(5)).0, "--design-seed overrides");
    // without design_seed the seed still fixes everything, as before
    assert_eq!(points(5, None, None).0, a);
    assert_ne!(points(7, None, None).0, a);
}

#[test]
fn a_sobol_sample_that_is_not_a_power_of_two_is_warned_about() {
    let d = tempfile::tempdir().unwrap();
    let text = |n: usize| {
        format!(
            "model = \"ishigami\"\nmethod = \"sobol\"\nsamples = {n}\n{}",
            &LHS[LHS.find("[[parameters]]").unwrap()..]
        )
    };
    let s = SweepSpec::parse("s.toml", &text(24), d.path()).unwrap();
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(s.warnings[0].starts_with("s.toml:3:11: `samples` = 24 is not a power of two"));
    assert!(s.warnings[0].contains("16 or 32"), "{}", s.warnings[0]);
    let s = SweepSpec::parse("s.toml", &text(32), d.path()).unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn set_takes_the_spellings_a_design_produces_with_the_same_checks() {
    let base = || Scenario::load(&root().join("scenarios/baseline.toml")).unwrap();
    for ok in [
        "reporting.coordinated=1",
        "reporting.coordinated=0.0",
        "reporting.coordinated=true",
        "funders.federal.contract_months=24.0",
        "funders.federal.contract_months=24",
    ] {
        base()
            .apply_override(ok)
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for (bad, says) in [
        ("reporting.coordinated=2", "1 or 0"),
        ("reporting.coordinated=0.5", "1 or 0"),
        ("funders.federal.contract_months=24.5", "whole number"),
        ("funders.federal.contract_months=1200.0", "allowed"),
    ] {
        let e = base().apply_override(bad).unwrap_err().to_string();
        assert!(e.contains(says), "{bad}: {e}");
    }
}
