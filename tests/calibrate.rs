//! `partnersim calibrate`: ABC-SMC against models with known posteriors (normal mean with a
//! conjugate normal prior, binomial rate with a beta prior), credible-interval coverage over
//! repeated seeds, bit-reproducibility (threads, resume), the posterior reader, and bad input.

use assert_cmd::Command;
use partnersim::job::threads::Threads;
use partnersim::model::rng::{normal, uniform, ChaCha8Rng};
use partnersim::studies::calibrate::{
    self, CalibrateOptions, CalibrationResult, CalibrationSpec, CalibrationStatus,
};
use partnersim::studies::posterior::Posterior;
use rand::SeedableRng;
use std::path::Path;

fn spec(text: &str) -> CalibrationSpec {
    CalibrationSpec::parse(
        "test.toml",
        text,
        Path::new("scenarios/calibration"),
        "test",
    )
    .unwrap_or_else(|e| panic!("{e:#}"))
}

fn run(s: &CalibrationSpec, out: &Path, threads: usize) -> CalibrationResult {
    let opts = CalibrateOptions {
        threads: Threads::new(Some(threads)).unwrap(),
        quiet: true,
        resume: true,
        force: false,
    };
    match calibrate::run(s, out, s.seed, &opts).unwrap_or_else(|e| panic!("{e:#}")) {
        CalibrationStatus::Finished(r) => *r,
        other => panic!("{other:?}"),
    }
}

/// Normal mean: n observations with sd sigma, prior N(mu0, tau0); returns the file text.
fn normal_file(seed: u64, particles: usize, ybar: f64, gens: usize) -> String {
    format!(
        "seed = {seed}\nparticles = {particles}\nmax_generations = {gens}\nmin_acceptance = 0.05\n\
         [model]\nname = \"normal\"\nsigma = 1.0\nn = 10\n\
         [[target]]\nmetric = \"mean_y\"\nvalue = {ybar:?}\n\
         [[prior]]\npath = \"theta\"\nkind = \"normal\"\nmean = 0.0\nsd = 1.0\nmin = -8.0\nmax = 8.0\n"
    )
}

/// The exact posterior of the normal model: mean and sd.
fn normal_truth(ybar: f64) -> (f64, f64) {
    // precision 1/tau0^2 + n/sigma^2 with tau0 = sigma = 1, n = 10
    let prec = 11.0;
    (10.0 * ybar / prec, (1.0 / prec).sqrt())
}

#[test]
fn normal_mean_with_conjugate_prior_matches_the_exact_posterior() {
    // tolerance: posterior mean within 0.15 posterior sd, sd within 10% (measured over seeds
    // 1..5: mean errors below 0.1 sd, sd errors below 4%)
    let dir = tempfile::tempdir().unwrap();
    for (seed, ybar) in [(1u64, 0.8), (2, -1.3), (3, 0.0)] {
        let s = spec(&normal_file(seed, 1000, ybar, 20));
        let r = run(&s, &dir.path().join(format!("n{seed}")), 2);
        let (m, sd) = r.moments(0);
        let (tm, tsd) = normal_truth(ybar);
        assert!(
            (m - tm).abs() < 0.15 * tsd,
            "seed {seed}: mean {m} vs {tm} (sd {tsd})"
        );
        assert!(
            (sd / tsd - 1.0).abs() < 0.10,
            "seed {seed}: sd {sd} vs {tsd}"
        );
    }
}

#[test]
fn binomial_rate_with_beta_prior_matches_the_exact_posterior() {
    // prior beta(2, 3), 6 successes in 20 trials: posterior beta(8, 17), mean 0.32, sd 0.0915.
    // The distance is discrete: ABC reaches tolerance 0 (exact matches), so the posterior is
    // exact up to Monte Carlo error. Tolerance: mean within 0.01, sd within 10%.
    let text = "seed = 7\nparticles = 1000\nmax_generations = 20\n\
        [model]\nname = \"binomial\"\nn = 20\n\
        [[target]]\nmetric = \"successes\"\nvalue = 6\n\
        [[prior]]\npath = \"theta\"\nkind = \"beta\"\na = 2.0\nb = 3.0\nmin = 0.0\nmax = 1.0\n";
    let dir = tempfile::tempdir().unwrap();
    let r = run(&spec(text), &dir.path().join("b"), 2);
    let (a, b) = (8.0f64, 17.0f64);
    let tm = a / (a + b);
    let tsd = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
    let (m, sd) = r.moments(0);
    assert_eq!(
        r.generations.last().unwrap().tolerance,
        0.0,
        "{:?}",
        r.generations
    );
    assert!((m - tm).abs() < 0.01, "mean {m} vs {tm}");
    assert!((sd / tsd - 1.0).abs() < 0.10, "sd {sd} vs {tsd}");
}

/// Coverage of the 90% central credible interval over `seeds` calibrations, each on data drawn
/// from the prior predictive (theta ~ N(0, 1), ybar ~ N(theta, 1/10)).
fn normal_coverage(seeds: u64, particles: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut covered = 0;
    for seed in 0..seeds {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + seed);
        let theta = normal(uniform(&mut rng), uniform(&mut rng));
        let ybar = theta + (0.1f64).sqrt() * normal(uniform(&mut rng), uniform(&mut rng));
        let s = spec(&normal_file(seed, particles, ybar, 12));
        let r = run(&s, &dir.path().join(format!("c{seed}")), 1);
        if r.quantile(0, 0.05) <= theta && theta <= r.quantile(0, 0.95) {
            covered += 1;
        }
    }
    covered as f64 / seeds as f64
}

#[test]
fn credible_intervals_cover_the_truth_at_their_nominal_rate() {
    // 60 seeds: 90% nominal, binomial sd 0.039; accept 0.78..0.99 (a posterior half as wide
    // covers about 59% and fails)
    let c = normal_coverage(60, 400);
    eprintln!("coverage of the 90% interval over 60 seeds: {c}");
    assert!((0.78..=0.99).contains(&c), "coverage {c}");
}

#[test]
#[ignore = "about a minute: 400 seeds (measured result in docs/calibration.md)"]
fn credible_interval_coverage_over_many_seeds() {
    let c = normal_coverage(400, 1000);
    eprintln!("coverage of the 90% interval over 400 seeds: {c}");
    assert!((0.86..=0.94).contains(&c), "coverage {c}");
}

#[test]
fn same_bytes_at_any_thread_count_and_after_a_resume() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n[[prior]]\npath = \"iso.reserve_target_months\"\nkind = \"uniform\"\nmin = 0.5\nmax = 6.0\n",
        "scenario = \"../baseline.toml\"\nparticles = 8\nreps_per_particle = 2\nmax_generations = 3\n\
         [[target]]\nmetric = \"reserves_under_3_months_share\"\nvalue = 0.5\nscale = 0.05\nsource = \"test\"\n\
         [[prior]]\npath = \"funders.federal.decision_delay_months\"\nkind = \"integer\"\nmin = 0\nmax = 3"
    );
    let s = spec(&text);
    let mut s_short = s.clone();
    if let calibrate::spec::Base::Scenario { scenario, .. } = &mut s_short.base {
        scenario
            .apply_override("simulation.duration_months=24")
            .unwrap();
        scenario
            .apply_override("simulation.warmup_months=24")
            .unwrap();
        scenario.apply_override("simulation.isos=8").unwrap();
    }
    let write = |dir: &Path, threads: usize| {
        let r = run(&s_short, dir, threads);
        calibrate::output::write(
            &s_short,
            &r,
            dir,
            "test",
            partnersim::job::manifest::Clock::start(),
        )
        .unwrap();
        std::fs::read(dir.join("posterior.csv")).unwrap()
    };
    let one = write(&dir.path().join("t1"), 1);
    let two = write(&dir.path().join("t2"), 2);
    assert_eq!(one, two, "posterior differs between 1 and 2 threads");
    // an interruption after generation 0: later generations are gone; a resume recomputes them
    let gens = dir.path().join("t2").join("generations");
    for g in ["001", "002"] {
        let _ = std::fs::remove_dir_all(gens.join(g));
    }
    std::fs::remove_file(dir.path().join("t2").join("manifest.json")).unwrap();
    let resumed = write(&dir.path().join("t2"), 2);
    assert_eq!(one, resumed, "posterior differs after a resume");
    // integer parameter stays whole
    let p = Posterior::read(&dir.path().join("t1").join("posterior.csv")).unwrap();
    assert!(
        p.values.iter().all(|v| v[0].fract() == 0.0),
        "{:?}",
        p.values
    );
}

#[test]
fn posterior_draws_are_reproducible_and_follow_the_weights() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(&normal_file(3, 200, 0.5, 4));
    let out = dir.path().join("p");
    let r = run(&s, &out, 2);
    calibrate::output::write(
        &s,
        &r,
        &out,
        "test",
        partnersim::job::manifest::Clock::start(),
    )
    .unwrap();
    let p = Posterior::read(&out.join("posterior.csv")).unwrap();
    assert_eq!(p.parameters, vec!["theta".to_string()]);
    assert_eq!(p.values.len(), s.kept());
    let a = p.draw_indices(1000, 9);
    assert_eq!(a, p.draw_indices(1000, 9));
    assert_ne!(a, p.draw_indices(1000, 10));
    // systematic resampling: every particle drawn floor or ceil of 1000 * weight times
    for (i, w) in p.weights.iter().enumerate() {
        let n = a.iter().filter(|&&j| j == i).count() as f64;
        assert!(
            (n - 1000.0 * w).abs() <= 1.0 + 1e-9,
            "particle {i}: {n} vs {}",
            1000.0 * w
        );
    }
    let (m, _) = r.moments(0);
    assert!((p.mean()[0] - m).abs() < 1e-12);
    // the effective sample size: the same from the file, and in the manifest
    assert!(
        (p.ess() - r.ess()).abs() < 1e-9 * r.ess(),
        "{} {}",
        p.ess(),
        r.ess()
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let d = &manifest; // the details are flattened into the manifest
    assert_eq!(d["ess"].as_f64(), Some(r.ess()), "{d}");
    assert_eq!(d["ess_threshold"].as_f64(), Some(50.0), "{d}");
    assert_eq!(
        d["ess_by_generation"].as_array().map(|a| a.len()),
        Some(r.generations.len())
    );
    assert_eq!(
        d["warnings"].as_array().map(|a| a.is_empty()),
        Some(r.ess() >= 50.0)
    );
}

#[test]
fn the_unreached_warning_names_the_rule_that_stopped_the_run() {
    use calibrate::StopReason;
    let acc = StopReason::Acceptance.unreached_reason();
    assert!(
        acc.contains("acceptance rate") && !acc.contains("budget"),
        "{acc}"
    );
    for s in [StopReason::Generations, StopReason::Evaluations] {
        assert!(s.unreached_reason().contains("budget ran out"));
    }
    assert!(StopReason::Tolerance
        .unreached_reason()
        .contains("tolerance floor"));
}

#[test]
fn shared_job_flags_do_not_describe_another_command() {
    for cmd in ["sweep", "explore", "calibrate"] {
        let o = partnersim().args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&o.stdout);
        let seed = help
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("--seed"))
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(!seed.is_empty(), "{cmd}: {help}");
        for other in ["sweep", "explore", "calibrat"] {
            assert!(!seed.contains(other), "{cmd} --seed: {seed}");
        }
    }
}

fn partnersim() -> Command {
    Command::cargo_bin("partnersim").unwrap()
}

fn bad(text: &str, expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cal.toml");
    std::fs::write(&f, text).unwrap();
    std::fs::copy("scenarios/baseline.toml", dir.path().join("baseline.toml")).unwrap();
    let out = partnersim()
        .args(["calibrate", f.to_str().unwrap(), "--out"])
        .arg(dir.path().join("out"))
        .args(["-q"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(expect), "expected `{expect}` in: {err}");
    assert!(err.contains("cal.toml"), "the error names the file: {err}");
}

const BASE: &str = "scenario = \"baseline.toml\"\n";
const TARGET: &str =
    "[[target]]\nmetric = \"staff_turnover_annual\"\ninterval = [0.13, 0.21]\nsource = \"s\"\n";
const PRIOR: &str = "[[prior]]\npath = \"iso.reserve_target_months\"\nmin = 1.0\nmax = 4.0\n";

#[test]
fn bad_calibration_files_are_refused_with_exit_code_2() {
    bad(
        &format!("{BASE}[[target]]\nmetric = \"staff_turnover\"\ninterval = [0.1, 0.2]\nsource = \"s\"\n{PRIOR}"),
        "cal.toml:3:10: key `metric`: unknown metric `staff_turnover`, did you mean `staff_turnover_annual`?",
    );
    bad(
        &format!(
            "{BASE}{TARGET}[[prior]]\npath = \"iso.reserve_target_month\"\nmin = 1.0\nmax = 2.0\n"
        ),
        "unknown parameter `iso.reserve_target_month`, did you mean `iso.reserve_target_months`?",
    );
    bad(
        &format!(
            "{BASE}{TARGET}[[prior]]\npath = \"iso.reserve_target_months\"\nmin = 3.0\nmax = 3.0\n"
        ),
        "the prior of `iso.reserve_target_months` is empty",
    );
    bad(
        &format!(
            "{BASE}{TARGET}[[prior]]\npath = \"iso.admin_staff_share\"\nmin = 0.1\nmax = 2.0\n"
        ),
        "2 is outside the range of `iso.admin_staff_share`; allowed: 0 to 0.9",
    );
    bad(
        &format!("{BASE}[[target]]\nmetric = \"gov_revenue_share\"\ninterval = [0.7, 0.6]\nsource = \"s\"\n{PRIOR}"),
        "low < high",
    );
    bad(
        &format!("{BASE}{TARGET}{PRIOR}particels = 3\n"),
        "unknown field `particels`",
    );
    bad(
        &format!("{BASE}{TARGET}[[prior]]\npath = \"simulation.isos\"\nkind = \"uniform\"\nmin = 10\nmax = 40\n"),
        "use `kind = \"integer\"`",
    );
}

#[test]
fn unreachable_targets_are_reported_after_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cal.toml");
    std::fs::write(
        &f,
        "particles = 50\nmax_generations = 3\n[model]\nname = \"normal\"\nsigma = 1.0\nn = 10\n\
         [[target]]\nmetric = \"mean_y\"\nvalue = 50.0\nscale = 0.1\n\
         [[prior]]\npath = \"theta\"\nmin = 0.0\nmax = 1.0\n",
    )
    .unwrap();
    let out = partnersim()
        .args(["calibrate", f.to_str().unwrap(), "-q", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("no posterior particle meets target `mean_y`"),
        "{err}"
    );
    assert!(err.contains("max_generations 3 reached"), "{err}");
    // a second run into the finished directory without flags starts again; an unrelated
    // directory is refused
    let foreign = dir.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let out = partnersim()
        .args(["calibrate", f.to_str().unwrap(), "-q", "--out"])
        .arg(&foreign)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_posterior_of_another_scenario_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(&normal_file(3, 50, 0.5, 2));
    let out = dir.path().join("p");
    let r = run(&s, &out, 1);
    calibrate::output::write(
        &s,
        &r,
        &out,
        "test",
        partnersim::job::manifest::Clock::start(),
    )
    .unwrap();
    let p = Posterior::read(&out.join("posterior.csv")).unwrap();
    let base =
        partnersim::input::scenario::Scenario::load(Path::new("scenarios/baseline.toml")).unwrap();
    let e = anyhow::Error::from(p.check_scenario(&base).unwrap_err());
    assert!(partnersim::commands::is_bad_input(&e));
    assert!(
        format!("{e:#}").contains("calibrated on scenario `normal`"),
        "{e:#}"
    );
    // a file that is not a calibration's
    let e = anyhow::Error::from(Posterior::read(&dir.path().join("nothing.csv")).unwrap_err());
    assert!(partnersim::commands::is_bad_input(&e), "{e:#}");
}

/// A tiny calibration of the baseline (short runs) for the comparison tests.
fn tiny_baseline_posterior(dir: &Path) -> std::path::PathBuf {
    let f = dir.join("cal.toml");
    let base = std::fs::canonicalize("scenarios/baseline.toml").unwrap();
    std::fs::write(
        &f,
        format!(
            "scenario = {:?}\nparticles = 6\nreps_per_particle = 2\nmax_generations = 2\n\
             [[target]]\nmetric = \"reserves_under_3_months_share\"\nvalue = 0.5\nscale = 0.05\nsource = \"s\"\n\
             [[prior]]\npath = \"iso.reserve_target_months\"\nmin = 1.0\nmax = 4.0\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    let out = dir.join("cal");
    let o = partnersim()
        .args([
            "calibrate",
            f.to_str().unwrap(),
            "-q",
            "--threads",
            "2",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.join("posterior.csv")
}

#[test]
fn compare_with_a_posterior_reports_both_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let post = tiny_baseline_posterior(dir.path());
    let cmp = |files: &[&str], extra: &[&str]| {
        partnersim()
            .arg("compare")
            .args(files)
            .args(["--reps", "4", "-q", "--threads", "2", "--out"])
            .arg(dir.path().join("cmp"))
            .args(extra)
            .output()
            .unwrap()
    };
    let o = cmp(
        &["scenarios/baseline.toml", "scenarios/prompt_payment.toml"],
        &[
            "--posterior",
            post.to_str().unwrap(),
            "--draws",
            "3",
            "--force",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(text.contains("at the posterior mean"), "{text}");
    assert!(
        text.contains("95% CI, Monte Carlo, parameters fixed"),
        "{text}"
    );
    assert!(
        text.contains("parameters and Monte Carlo: 3 draws"),
        "{text}"
    );
    let csv = std::fs::read_to_string(dir.path().join("cmp/comparison.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(
            "posterior_diff_mean,posterior_ci95_low,posterior_ci95_high,posterior_draws"
        ),
        "{header}"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with("survival_rate,"))
        .unwrap();
    let cells: Vec<f64> = row
        .split(',')
        .skip(9)
        .take(3)
        .map(|c| c.parse().unwrap())
        .collect();
    assert!(cells[1] <= cells[0] && cells[0] <= cells[2], "{row}");
    let report = std::fs::read_to_string(dir.path().join("cmp/report.html")).unwrap();
    assert!(report.contains("With parameter uncertainty"));
    assert!(report.contains("95% interval over posterior draws, parameters and Monte Carlo"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("effective sample size"), "{err}");
    // a posterior whose weight sits on one particle is flagged, with what to do
    let text = std::fs::read_to_string(&post).unwrap();
    let skewed: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut cells: Vec<&str> = l.split(',').collect();
            if i > 0 {
                cells[1] = if i == 1 { "1" } else { "0.000001" };
            }
            cells.join(",")
        })
        .collect();
    std::fs::write(&post, skewed.join("\n") + "\n").unwrap();
    let o = cmp(
        &["scenarios/baseline.toml", "scenarios/prompt_payment.toml"],
        &[
            "--posterior",
            post.to_str().unwrap(),
            "--draws",
            "3",
            "--force",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning") && err.contains("effective sample size is 1.0 of 3"),
        "{err}"
    );
    assert!(err.contains("Run more particles"), "{err}");
    // without --posterior the table still says what its interval covers
    let o = cmp(
        &["scenarios/baseline.toml", "scenarios/prompt_payment.toml"],
        &["--force"],
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("[95% CI, Monte Carlo, parameters fixed]"));
    // a posterior of another baseline, and --draws alone, are bad input
    let o = cmp(
        &[
            "scenarios/funding_cuts.toml",
            "scenarios/prompt_payment.toml",
        ],
        &["--posterior", post.to_str().unwrap(), "--force"],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("calibrated on scenario `baseline`"));
    let o = cmp(
        &["scenarios/baseline.toml", "scenarios/prompt_payment.toml"],
        &["--draws", "3"],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_docs_page_lists_every_key() {
    let doc = std::fs::read_to_string("docs/calibration.md").unwrap();
    assert!(
        doc.contains(&calibrate::spec::keys_markdown()),
        "docs/calibration.md's key tables are out of date: paste partnersim::studies::calibrate::spec::keys_markdown()"
    );
}

/// The exact ABC posterior of a calibration on the model at its final tolerance, by rejection
/// through `evaluate`, compared with the calibration's weighted posterior.
///
/// Every particle runs replications `0..reps` with the calibration's seed (common random
/// numbers), so a particle's distance is a function of its parameters alone and the ABC
/// posterior at tolerance `eps` is the prior restricted to `{theta : d(theta) <= eps}`. Both
/// priors are uniform in the working space (uniform, log-uniform), so rejection from a uniform
/// draw over a box of the working space samples it exactly, provided the box holds the whole
/// region: the box is the final population's range widened by half of it on each side (within
/// the priors), and the test fails if an accepted point lies in the outer half of that margin
/// (the region would then reach past the box). `evaluate` reproduces the summaries of
/// `posterior.csv` bit for bit (checked first), so both sides see the same distances.
fn validate_on_model(s: &CalibrationSpec, dir: &Path, min_accepted: usize) -> String {
    use partnersim::studies::evaluate::{evaluate, EvalOptions};
    let calibrate::spec::Base::Scenario { scenario, .. } = &s.base else {
        panic!("a scenario calibration")
    };
    for p in &s.priors {
        assert!(
            matches!(
                p.kind,
                calibrate::prior::PriorKind::Uniform | calibrate::prior::PriorKind::LogUniform
            ),
            "the rejection below assumes priors uniform in the working space"
        );
    }
    let r = run(s, &dir.join("cal"), 2);
    let eps = r.generations.last().unwrap().tolerance;
    let kept = r.population.len();
    let cols: Vec<String> = s.priors.iter().map(|p| p.path.clone()).collect();
    let mut opts = EvalOptions::new(s.reps_per_particle, r.seed);
    opts.outputs = s.targets.iter().map(|t| t.metric.clone()).collect();
    opts.threads = Some(2);
    let summaries = |points: &[f64]| -> Vec<Vec<f64>> {
        let e = evaluate(scenario, &cols, points, &opts, dir).unwrap_or_else(|e| panic!("{e:#}"));
        let (reps, nt) = (e.reps, e.outputs.len());
        (0..e.points)
            .map(|p| {
                (0..nt)
                    .map(|t| {
                        (0..reps)
                            .map(|k| e.values[(p * reps + k) * nt + t])
                            .sum::<f64>()
                            / reps as f64
                    })
                    .collect()
            })
            .collect()
    };
    // evaluate gives the calibration's summaries, bit for bit
    let some: Vec<f64> = r.population[..5]
        .iter()
        .flat_map(|p| p.value.clone())
        .collect();
    for (p, got) in r.population[..5].iter().zip(summaries(&some)) {
        assert_eq!(
            p.summaries.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            "evaluate differs from the calibration at {:?}",
            p.value
        );
    }
    // the box, in the working space
    let k = s.priors.len();
    let mut bounds = Vec::new();
    for (j, pr) in s.priors.iter().enumerate() {
        let lo = r
            .population
            .iter()
            .map(|p| p.work[j])
            .fold(f64::INFINITY, f64::min);
        let hi = r
            .population
            .iter()
            .map(|p| p.work[j])
            .fold(f64::NEG_INFINITY, f64::max);
        let m = 0.5 * (hi - lo);
        let (plo, phi) = (pr.to_work(pr.min), pr.to_work(pr.max));
        bounds.push((
            (lo - m).max(plo),
            (hi + m).min(phi),
            lo - m / 2.0,
            hi + m / 2.0,
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let mut accepted: Vec<Vec<f64>> = Vec::new();
    let mut drawn = 0;
    while accepted.len() < min_accepted && drawn < 40 * min_accepted {
        let works: Vec<Vec<f64>> = (0..1000)
            .map(|_| {
                bounds
                    .iter()
                    .map(|&(lo, hi, _, _)| lo + (hi - lo) * uniform(&mut rng))
                    .collect()
            })
            .collect();
        let values: Vec<f64> = works
            .iter()
            .flat_map(|w| {
                w.iter()
                    .zip(&s.priors)
                    .map(|(&u, p)| p.to_natural(u))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (w, sm) in works.iter().zip(summaries(&values)) {
            if calibrate::distance(&s.targets, &r.scales, &sm) <= eps {
                accepted.push(w.clone());
            }
        }
        drawn += 1000;
    }
    assert!(
        accepted.len() >= min_accepted,
        "{} of {drawn} draws within {eps}",
        accepted.len()
    );
    let mut report = format!(
        "final tolerance {eps}, {} generations; exact posterior: {} of {drawn} box draws accepted; ESS {:.1} of {kept}\n",
        r.generations.len(),
        accepted.len(),
        r.ess()
    );
    for j in 0..k {
        let (plo, phi, inner_lo, inner_hi) = bounds[j];
        let pr = &s.priors[j];
        for w in &accepted {
            assert!(
                (w[j] >= inner_lo || inner_lo <= plo) && (w[j] <= inner_hi || inner_hi >= phi),
                "{}: an accepted point at {} lies near the box's edge ({plo}..{phi}): the region reaches past it",
                pr.path,
                pr.to_natural(w[j])
            );
        }
        let xs: Vec<f64> = accepted.iter().map(|w| pr.to_natural(w[j])).collect();
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let (am, asd) = r.moments(j);
        let err = (am - m) / sd;
        report.push_str(&format!(
            "{}: ABC mean {am:.6} sd {asd:.6}; exact mean {m:.6} sd {sd:.6}; error {err:+.3} sd\n",
            pr.path
        ));
        assert!(err.abs() < 0.2, "{report}");
    }
    assert!(
        r.ess() >= calibrate::ess_threshold(kept),
        "ESS {} below {}: {report}",
        r.ess(),
        calibrate::ess_threshold(kept)
    );
    report
}

/// The two-parameter, two-target calibration on the model (`iso.ask_markup_share`,
/// `funders.foundation.budget_per_newcomer`; call approval, government share) on a small
/// scenario (10 ISOs, 5 + 5 years), 800 particles (400 kept) for up to 12 generations, against
/// an exact posterior of at least 1,000 accepted rejection draws. With 400 particles and 300
/// accepted draws seed 42 missed by 0.245 sd on the model before its demand revision and by
/// 0.231 sd after it (about two Monte Carlo standard errors of the two sides together), so
/// both sides were enlarged rather than the tolerance.
#[test]
fn the_posterior_on_a_small_model_matches_the_exact_one_by_rejection() {
    let dir = tempfile::tempdir().unwrap();
    // The annual era's agreement terms (annual_2010s.toml): a federal call every April makes
    // the call-approval target informative in a five-year run. Under the dated baseline's
    // five-year agreements a 60-month run holds about one federal call, and the exact region
    // reached past the box this check samples from (the likely reason: call approval then
    // says little about `iso.ask_markup_share`); the check is of the sampler, not of a period.
    std::fs::write(
        dir.path().join("small.toml"),
        "name = \"small\"\n[simulation]\nduration_months = 60\nwarmup_months = 60\nisos = 10\n\
         [funders.federal]\ncontract_months = 12\ndecision_delay_months = 1\nofficer_decision_delay_months = 2\n\
         [funders.provincial]\ncontract_months = 12\n",
    )
    .unwrap();
    let text = std::fs::read_to_string("scenarios/calibration/two_params.toml")
        .unwrap()
        .replace("\"../baseline.toml\"", "\"small.toml\"")
        .replace("max_generations = 30", "max_generations = 12")
        .replace("particles = 400", "particles = 800");
    let s = CalibrationSpec::parse("two_params.toml", &text, dir.path(), "two_params")
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!((s.particles, s.kept(), s.max_generations), (800, 400, 12));
    let report = validate_on_model(&s, dir.path(), 1000);
    eprintln!("{report}");
}

/// The same on the shipped baseline with the file as it is (400 particles, 200 kept, up to 30
/// generations): the problem on which the weights collapsed before (docs/calibration.md).
#[test]
#[ignore = "6,200 particles and up to 16,000 rejection draws x 5 replications of the baseline: 3-4 min of CPU"]
fn the_posterior_on_the_baseline_matches_the_exact_one_by_rejection() {
    let dir = tempfile::tempdir().unwrap();
    let s = CalibrationSpec::load(Path::new("scenarios/calibration/two_params.toml"))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let report = validate_on_model(&s, dir.path(), 400);
    eprintln!("{report}");
}

/// `partnersim plot DIR` on a calibration redraws its four plots byte for byte from its files,
/// and refuses when the calibration file it came from has changed.
#[test]
fn plot_redraws_a_calibration_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    // the shipped two-parameter calibration, made small (12 particles, 1 replication, 3
    // generations)
    let base = std::fs::canonicalize("scenarios/baseline.toml").unwrap();
    let text = std::fs::read_to_string("scenarios/calibration/two_params.toml")
        .unwrap()
        .replace("particles = 400", "particles = 12")
        .replace("reps_per_particle = 5", "reps_per_particle = 1")
        .replace("max_generations = 30", "max_generations = 3")
        .replace(
            "\"../baseline.toml\"",
            &format!("{:?}", base.display().to_string()),
        );
    let f = dir.path().join("two_params.toml");
    std::fs::write(&f, &text).unwrap();
    let out = dir.path().join("cal");
    let o = partnersim()
        .args([
            "calibrate",
            f.to_str().unwrap(),
            "-q",
            "--threads",
            "2",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let plots = out.join("plots");
    let names = [
        "marginals.png",
        "pairs.png",
        "predictive.png",
        "tolerance.png",
        "marginals.svg",
        "pairs.svg",
        "predictive.svg",
        "tolerance.svg",
    ];
    let original: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(plots.join(n)).unwrap())
        .collect();
    std::fs::remove_dir_all(&plots).unwrap();
    let o = partnersim().arg("plot").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (n, bytes) in names.iter().zip(&original) {
        assert!(
            std::fs::read(plots.join(n)).unwrap() == *bytes,
            "{n} differs from the one calibrate drew"
        );
    }
    // a changed calibration file: its result cannot be redrawn from it
    std::fs::write(&f, text.replace("seed = 42", "seed = 43")).unwrap();
    let o = partnersim().arg("plot").arg(&out).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot find the calibration file"), "{err}");
    // a damaged posterior.csv is refused naming the file and row
    std::fs::write(&f, &text).unwrap();
    let post = out.join("posterior.csv");
    let mut csv = std::fs::read_to_string(&post).unwrap();
    csv.push_str("99,0.5\n");
    std::fs::write(&post, csv).unwrap();
    let o = partnersim().arg("plot").arg(&out).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("posterior.csv: row 8:"), "{err}");
}

/// The posterior reader is strict: a duplicate, extra or missing column, a ragged row and an
/// out-of-range value are refused naming the file and the row (row 1: the header).
#[test]
fn the_posterior_reader_refuses_damaged_files_naming_file_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let post = tiny_baseline_posterior(dir.path());
    let good = std::fs::read_to_string(&post).unwrap();
    assert!(Posterior::read(&post).is_ok());
    let header = good.lines().next().unwrap().to_string();
    let body: Vec<String> = good.lines().skip(1).map(String::from).collect();
    let with = |header: &str, rows: &[String]| {
        let mut t = format!("{header}\n");
        for r in rows {
            t.push_str(r);
            t.push('\n');
        }
        std::fs::write(&post, t).unwrap();
        let e = anyhow::Error::from(Posterior::read(&post).unwrap_err());
        assert!(
            e.downcast_ref::<partnersim::input::InputError>().is_some(),
            "bad input: {e:#}"
        );
        format!("{e:#}")
    };
    let shown = post.display().to_string();
    // a duplicate column (before: the first one won)
    let e = with(
        &format!("{header},weight"),
        &body.iter().map(|r| format!("{r},1")).collect::<Vec<_>>(),
    );
    assert!(
        e.contains(&format!("{shown}:1: column `weight` appears twice")),
        "{e}"
    );
    // an extra column
    let e = with(
        &format!("{header},extra"),
        &body.iter().map(|r| format!("{r},1")).collect::<Vec<_>>(),
    );
    assert!(
        e.contains(&format!("{shown}:1: unexpected column `extra`")),
        "{e}"
    );
    // a ragged row (the third particle, row 4)
    let mut ragged = body.clone();
    ragged[2].push_str(",7");
    let e = with(&header, &ragged);
    assert!(
        e.contains(&format!("{shown}:4: ")) && e.contains("cells"),
        "{e}"
    );
    // a value outside the parameter's range (row 3)
    let col = header
        .split(',')
        .position(|h| h == "iso.reserve_target_months")
        .unwrap();
    let mut wide = body.clone();
    let mut cells: Vec<String> = wide[1].split(',').map(String::from).collect();
    cells[col] = "1000".into();
    // the cell's character column
    let at = cells[..col]
        .iter()
        .map(|c| c.chars().count() + 1)
        .sum::<usize>()
        + 1;
    wide[1] = cells.join(",");
    let e = with(&header, &wide);
    assert!(
        e.contains(&format!(
            "{shown}:3:{at}: column `iso.reserve_target_months` = 1000: out of range; allowed: "
        )),
        "{e}"
    );
    // and through the command line: exit code 2, the file and row named
    let o = partnersim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "--reps",
            "2",
            "--draws",
            "2",
        ])
        .arg("--posterior")
        .arg(&post)
        .arg("--out")
        .arg(dir.path().join("cmp"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            ":3:{at}: column `iso.reserve_target_months` = 1000"
        )),
        "{err}"
    );
}

/// The posterior shipped in `scenarios/calibration/canada_posterior.csv` belongs to the model,
/// the baseline and the calibration file as they stand: a change to any of them that moves a
/// result makes this fail, with the command that regenerates it. It also reads alone, is
/// accepted for the baseline, rests on enough particles, and the unique-clients target of
/// `canada.toml` still matches the baseline's arrivals it was computed from.
#[test]
fn the_shipped_posterior_is_current() {
    use partnersim::studies::calibrate::spec::Goal;
    use partnersim::studies::posterior::{header_fields, model_fingerprint};
    let file = Path::new("scenarios/calibration/canada_posterior.csv");
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let fields = header_fields(&text);
    let get = |k: &str| -> String {
        fields
            .iter()
            .find(|f| f.0 == k)
            .map(|f| f.1.clone())
            .unwrap_or_else(|| panic!("{}: no `# {k}:` line", file.display()))
    };
    let spec = CalibrationSpec::load(Path::new("scenarios/calibration/canada.toml"))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let base = partnersim::input::scenario::Scenario::load(Path::new("scenarios/baseline.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let stale = format!(
        "{} is stale: regenerate it with `{}` (4 to 7 minutes on two busy cores; docs/calibration.md, \"The shipped posterior\")",
        file.display(),
        get("regenerate")
    );
    assert_eq!(get("calibration"), "canada");
    assert_eq!(
        get("calibration_file_sha256"),
        spec.file_hash,
        "{stale}: scenarios/calibration/canada.toml changed"
    );
    assert_eq!(
        get("scenario_hash"),
        base.content_hash(),
        "{stale}: scenarios/baseline.toml (or a default) changed"
    );
    let seed: u64 = get("seed").parse().unwrap();
    let reps: usize = get("reps_per_particle").parse().unwrap();
    assert_eq!((seed, reps), (spec.seed, spec.reps_per_particle));
    assert_eq!(
        get("model_fingerprint"),
        model_fingerprint(&base, seed, reps),
        "{stale}: the model's results on the baseline changed"
    );
    // it reads alone, belongs to the baseline and rests on enough particles
    let post = Posterior::read(file).unwrap_or_else(|e| panic!("{e:#}"));
    post.check_scenario(&base)
        .unwrap_or_else(|e| panic!("{e:#}"));
    let params: Vec<&str> = spec.priors.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(post.parameters, params);
    assert!(
        post.ess_warning().is_none(),
        "effective sample size {:.1} of {}",
        post.ess(),
        post.weights.len()
    );
    // the unique-clients interval is 0.98 to 1.12 clients a year per admission, times the
    // baseline's mean arrivals over the calibration's replications
    let cfg = base.config();
    let i = partnersim::metrics::metric_index("arrivals").unwrap();
    let arrivals = (0..reps as u64)
        .map(|r| partnersim::model::Model::new(&cfg, seed, r).run().summary[i])
        .sum::<f64>()
        / reps as f64;
    let t = spec
        .targets
        .iter()
        .find(|t| t.metric == "unique_clients")
        .expect("a unique_clients target");
    let Goal::Interval { low, high } = t.goal else {
        panic!("unique_clients: an interval")
    };
    for (bound, ratio) in [(low, 0.98), (high, 1.12)] {
        let want = ratio * 12.0 * arrivals;
        assert!(
            (bound - want).abs() <= 1.0,
            "canada.toml's unique_clients bound {bound} should be {ratio} x 12 x the baseline's mean arrivals {arrivals:.2} = {want:.0}"
        );
    }
}

/// `calibrate --ship FILE` writes a posterior that reads alone exactly as `posterior.csv` beside
/// its manifest does (same particles, weights and scenario), that `compare --posterior`
/// accepts from another directory, and whose damaged header is bad input naming file and line.
#[test]
fn a_shipped_posterior_reads_alone_like_the_calibration_directory() {
    let dir = tempfile::tempdir().unwrap();
    let post = tiny_baseline_posterior(dir.path());
    // ship it again from the finished calibration (resume reuses every generation)
    let shipped = dir.path().join("elsewhere").join("shipped.csv");
    std::fs::create_dir_all(shipped.parent().unwrap()).unwrap();
    let o = partnersim()
        .args(["calibrate", dir.path().join("cal.toml").to_str().unwrap()])
        .args(["-q", "--threads", "2", "--resume", "--out"])
        .arg(post.parent().unwrap())
        .arg("--ship")
        .arg(&shipped)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&shipped).unwrap();
    assert!(
        text.starts_with(partnersim::studies::posterior::SHIPPED_MAGIC),
        "{text}"
    );
    assert!(text.ends_with(&std::fs::read_to_string(&post).unwrap()));
    let (a, b) = (
        Posterior::read(&post).unwrap(),
        Posterior::read(&shipped).unwrap(),
    );
    assert_eq!(
        (
            &a.parameters,
            &a.weights,
            &a.values,
            &a.scenario_hash,
            a.seed
        ),
        (
            &b.parameters,
            &b.weights,
            &b.values,
            &b.scenario_hash,
            b.seed
        )
    );
    let fields = partnersim::studies::posterior::header_fields(&text);
    let get = |k: &str| fields.iter().find(|f| f.0 == k).map(|f| f.1.clone());
    assert_eq!(
        get("partnersim_version").as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert!(get("regenerate")
        .unwrap()
        .starts_with("partnersim calibrate "));
    assert_eq!(get("model_fingerprint").map(|f| f.len()), Some(64));
    assert_eq!(
        get("schema_version"),
        Some(partnersim::job::manifest::SCHEMA_VERSION.to_string())
    );
    // compare takes it alone
    let o = partnersim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "scenarios/prompt_payment.toml",
        ])
        .args([
            "--reps",
            "2",
            "--draws",
            "2",
            "--assumptions",
            "none",
            "--threads",
            "2",
            "-q",
        ])
        .arg("--posterior")
        .arg(&shipped)
        .arg("--out")
        .arg(dir.path().join("cmp"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(dir.path().join("cmp").join("comparison.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains("posterior_ci95_low"));
    // a header without the scenario's hash is bad input naming the line the CSV header is on
    let n = text.lines().take_while(|l| l.starts_with('#')).count();
    let broken: String = text
        .lines()
        .filter(|l| !l.starts_with("# scenario_hash:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&shipped, broken).unwrap();
    let o = partnersim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "scenarios/prompt_payment.toml",
        ])
        .args(["--reps", "2", "--assumptions", "none", "-q", "--posterior"])
        .arg(&shipped)
        .arg("--out")
        .arg(dir.path().join("cmp2"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{}:{n}: ", shipped.display())) && err.contains("scenario_hash"),
        "{err}"
    );
    // a layout newer than this build reads is refused, naming the line
    let newer = text.replace(
        &format!(
            "# schema_version: {}\n",
            partnersim::job::manifest::SCHEMA_VERSION
        ),
        "# schema_version: 99\n",
    );
    assert_ne!(newer, text);
    std::fs::write(&shipped, newer).unwrap();
    let e = Posterior::read(&shipped).unwrap_err();
    assert!(
        format!("{e:#}").contains(&format!("{}:2: key `schema_version`", shipped.display())),
        "{e:#}"
    );
}
