//! The conventions of a well-kept command line: shell completions and manual pages generated
//! from the clap definitions, `params PATTERN`, `validate --diff`, and progress lines when
//! stderr is not a terminal.

use crate::util::{bin, root, scenario_path, std_bin};
use predicates::prelude::*;
use std::process::Stdio;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn completions_cover_every_subcommand_in_each_shell() {
    let subcommands = [
        "run",
        "compare",
        "validate",
        "params",
        "sweep",
        "explore",
        "calibrate",
        "merge",
        "serve",
        "completions",
        "man",
    ];
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = bin().args(["completions", shell]).output().unwrap();
        assert!(o.status.success(), "{shell}: {}", text(&o.stderr));
        let s = text(&o.stdout);
        for sub in subcommands {
            assert!(s.contains(sub), "{shell} completion lacks `{sub}`");
        }
        assert!(s.contains("--reps"), "{shell} completion lacks flags");
    }
    bin()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values"));
}

#[test]
fn man_page_is_roff_and_dir_gets_one_page_per_subcommand() {
    let o = bin().arg("man").output().unwrap();
    assert!(o.status.success());
    let page = text(&o.stdout);
    assert!(page.contains(".TH partnersim 1"), "{page}");
    assert!(page.contains("calibrate"), "the page lists the subcommands");
    let d = tempfile::tempdir().unwrap();
    bin()
        .args(["man", "--dir"])
        .arg(d.path())
        .assert()
        .success();
    for name in [
        "partnersim.1",
        "partnersim-run.1",
        "partnersim-sweep.1",
        "partnersim-man.1",
    ] {
        let p = d.path().join(name);
        let t = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(t.contains(".TH"), "{name}");
    }
    let run = std::fs::read_to_string(d.path().join("partnersim-run.1")).unwrap();
    assert!(run.contains("\\-\\-reps"), "the run page documents --reps");
}

#[test]
fn params_pattern_filters_by_path_and_no_match_exits_2() {
    let o = bin()
        .args(["params", "core_share", "--format", "csv"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let s = text(&o.stdout);
    let paths: Vec<&str> = s
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(paths.len() >= 2, "{s}");
    assert!(paths.iter().all(|p| p.contains("core_share")), "{s}");
    let glob = bin()
        .args(["params", "funders.*.contract_months"])
        .output()
        .unwrap();
    let g = text(&glob.stdout);
    assert!(g.starts_with("| parameter |"), "{g}");
    // the table's rows, then the ledger's range and why for each of them
    let (rows, ledger) = g
        .split_once("\n\ngrounds (the assumption ledger):\n")
        .unwrap();
    assert!(rows.lines().skip(2).all(|l| l.contains("contract_months")));
    assert!(ledger.lines().all(|l| l.contains("contract_months")), "{g}");
    assert_eq!(rows.lines().count() - 2, ledger.lines().count());
    bin()
        .args(["params", "contract_mnths"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no parameter path matches `contract_mnths`",
        ));
}

#[test]
fn validate_diff_of_a_shipped_scenario_names_the_file_and_line_of_each_change() {
    let file = scenario_path("core_on_time");
    let o = bin()
        .arg("validate")
        .arg("--diff")
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    // core_on_time sets the federal core share itself; prompt_payment (which it extends) the rest
    let own = format!("{}:", file.display());
    let contract = s
        .lines()
        .find(|l| l.starts_with("funders.federal.core_share = 0.3"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(
        contract.contains(&own) && contract.contains("# default"),
        "{contract}"
    );
    let pp = scenario_path("prompt_payment");
    assert!(
        s.contains(&format!("{}:", pp.display())),
        "a value from the extended file names that file:\n{s}"
    );
    // every listed value differs from its default, and the full resolution is longer
    let full = bin().arg("validate").arg(&file).output().unwrap();
    assert!(text(&full.stdout).lines().count() > 3 * s.lines().count());
}

/// With stderr redirected to a file (no terminal), a run that lasts longer than the interval
/// writes progress lines (what is done, the rate, the time left) and a closing line;
/// `--quiet` writes none.
#[test]
fn progress_lines_without_a_terminal_and_none_with_quiet() {
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("stderr.log");
    let run = |quiet: bool, out: &str| {
        let mut c = std_bin();
        c.current_dir(root())
            .env("PARTNERSIM_PROGRESS_SECONDS", "0.05")
            .arg("run")
            .arg(scenario_path("baseline"))
            .args(["--reps", "192", "--threads", "1", "--no-plots", "--out"])
            .arg(d.path().join(out))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        if quiet {
            c.arg("--quiet");
        }
        assert!(c.status().unwrap().success());
        std::fs::read_to_string(&log).unwrap()
    };
    let shown = run(false, "a");
    let lines: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("partnersim: baseline: "))
        .collect();
    assert!(lines.len() >= 2, "{shown}");
    let running = lines
        .iter()
        .find(|l| l.contains(" of 192 ("))
        .unwrap_or_else(|| panic!("no running line:\n{shown}"));
    assert!(
        running.contains("/s, ") && running.contains(" elapsed"),
        "{running}"
    );
    assert!(
        lines.last().unwrap().contains("done, 192 in "),
        "the last line closes the job:\n{shown}"
    );
    let quiet = run(true, "b");
    assert!(!quiet.contains("partnersim: baseline:"), "{quiet}");
}
