//! A finished calibration's files: `posterior.csv`, `generations.csv`, `targets.csv` and the
//! manifest (written last). Every number is Rust's shortest round-trip text.

use super::job::quantile;
pub use super::results::{CalibrationDetails, PriorRecord, TargetRecord};
use super::spec::{Base, CalibrationSpec, Goal, Stat};
use super::{weighted_quantile, CalibrationIdentity, CalibrationResult, KIND};
use crate::job::manifest::{Clock, Manifest, Provenance};
use crate::model::Model;
use crate::output::export::{cell, write_atomic};
use rayon::prelude::*;
use std::path::Path;

/// The posterior file's name.
pub const POSTERIOR_FILE: &str = "posterior.csv";

/// Writes the outputs and then the manifest.
pub fn write(
    spec: &CalibrationSpec,
    r: &CalibrationResult,
    dir: &Path,
    command: &str,
    clock: Clock,
) -> anyhow::Result<CalibrationDetails> {
    let w = r.weights();
    // posterior.csv
    let mut s = String::from("particle,weight");
    for p in &spec.priors {
        s.push(',');
        s.push_str(&p.path);
    }
    s.push_str(",distance");
    for t in &spec.targets {
        s.push(',');
        s.push_str(&t.label());
    }
    s.push('\n');
    for (i, (p, wi)) in r.population.iter().zip(&w).enumerate() {
        s.push_str(&i.to_string());
        s.push(',');
        cell(&mut s, *wi);
        for v in &p.value {
            s.push(',');
            cell(&mut s, *v);
        }
        s.push(',');
        cell(&mut s, p.distance);
        for v in &p.summaries {
            s.push(',');
            cell(&mut s, *v);
        }
        s.push('\n');
    }
    write_atomic(&dir.join(POSTERIOR_FILE), s.as_bytes())?;

    // generations.csv
    let mut g = String::from("generation,tolerance,acceptance_rate,ess,proposals,evaluations\n");
    for st in &r.generations {
        g.push_str(&st.generation.to_string());
        for v in [st.tolerance, st.acceptance, st.ess] {
            g.push(',');
            cell(&mut g, v);
        }
        g.push_str(&format!(",{},{}\n", st.proposals, st.evaluations));
    }
    write_atomic(&dir.join("generations.csv"), g.as_bytes())?;

    // targets.csv: goal, default (base scenario as it stands), posterior summary
    let defaults = default_summaries(spec, r.seed);
    let mut t = String::from(
        "target,metric,stat,low,high,weight,scale,source,base_value,posterior_mean,posterior_p05,posterior_p95,posterior_share_meeting\n",
    );
    for (k, target) in spec.targets.iter().enumerate() {
        let (low, high) = match target.goal {
            Goal::Value { value, .. } => (value, value),
            Goal::Interval { low, high } => (low, high),
        };
        let xs: Vec<f64> = r.population.iter().map(|p| p.summaries[k]).collect();
        let mean: f64 = xs.iter().zip(&w).map(|(x, w)| x * w).sum();
        let meeting: f64 = xs
            .iter()
            .zip(&w)
            .filter(|(x, _)| target.met(**x, r.scales[k]))
            .map(|(_, w)| w)
            .sum::<f64>()
            + 0.0; // an empty sum is -0
        let stat = match target.stat {
            Stat::Mean => "mean".to_string(),
            Stat::Quantile(q) => format!("quantile {q}"),
        };
        t.push_str(&format!("{},{},{stat},", target.label(), target.metric));
        for v in [low, high, target.weight, r.scales[k]] {
            cell(&mut t, v);
            t.push(',');
        }
        t.push_str(&format!("\"{}\",", target.source.replace('"', "'")));
        for v in [
            defaults.get(k).copied().unwrap_or(f64::NAN),
            mean,
            weighted_quantile(&xs, &w, 0.05),
            weighted_quantile(&xs, &w, 0.95),
        ] {
            cell(&mut t, v);
            t.push(',');
        }
        cell(&mut t, meeting);
        t.push('\n');
    }
    write_atomic(&dir.join("targets.csv"), t.as_bytes())?;

    let details = CalibrationDetails {
        identity: CalibrationIdentity::new(spec, r.seed),
        scenario_file: match &spec.base {
            Base::Scenario { path, .. } => Some(path.display().to_string()),
            Base::Analytic(_) => None,
        },
        particles: spec.particles,
        kept: spec.kept(),
        reps_per_particle: spec.reps_per_particle,
        priors: spec
            .priors
            .iter()
            .map(|p| PriorRecord {
                path: p.path.clone(),
                kind: p.kind.name().into(),
                min: p.min,
                max: p.max,
            })
            .collect(),
        targets: spec
            .targets
            .iter()
            .zip(&r.scales)
            .map(|(t, &scale)| TargetRecord {
                label: t.label(),
                goal: t.goal_text(),
                source: t.source.clone(),
                weight: t.weight,
                scale,
            })
            .collect(),
        generations: r.generations.len(),
        evaluations: r.evaluations,
        stop: r.stop.clone(),
        unreached: r.unreached(&spec.targets),
        ess: Some(r.ess()),
        ess_threshold: Some(super::ess_threshold(r.population.len())),
        ess_by_generation: r.generations.iter().map(|g| g.ess).collect(),
        warnings: super::low_ess_warning(r.ess(), r.population.len())
            .into_iter()
            .collect(),
    };
    let mut files: Vec<String> = ["posterior.csv", "generations.csv", "targets.csv"]
        .map(String::from)
        .to_vec();
    if dir.join("plots").is_dir() {
        files.push("plots/".into());
    }
    let provenance = Provenance::computed(command, r.threads, r.evaluations, r.computed);
    Manifest::new(KIND, provenance, clock, files, details.clone()).write_last(dir)?;
    Ok(details)
}

/// Each target's summary for the base scenario as it stands (its defaults), on the same
/// replications as every particle; empty for a test model.
pub fn default_summaries(spec: &CalibrationSpec, seed: u64) -> Vec<f64> {
    let Base::Scenario { scenario, .. } = &spec.base else {
        return Vec::new();
    };
    let cfg = scenario.config();
    let runs: Vec<_> = (0..spec.reps_per_particle as u64)
        .into_par_iter()
        .map(|r| Model::new(&cfg, seed, r).run().summary)
        .collect();
    spec.targets
        .iter()
        .map(|t| {
            let mut xs: Vec<f64> = runs.iter().map(|s| s[t.index]).collect();
            match t.stat {
                Stat::Mean => xs.iter().sum::<f64>() / xs.len() as f64,
                Stat::Quantile(q) => quantile(&mut xs, q),
            }
        })
        .collect()
}

/// A finished calibration read back from its directory for `partnersim plot`: the calibration
/// file (found in the recorded command line by its hash, as for an exploration), the posterior
/// with its normalised weights (`posterior.csv`) and the generations (`generations.csv`), to the
/// last digit of what `calibrate` held when it drew its plots.
pub struct Reloaded {
    /// the calibration file, as it was
    pub spec: CalibrationSpec,
    /// the posterior's particles (values, distance, summaries; `weight` normalised)
    pub population: Vec<super::Particle>,
    /// the normalised weights, as written
    pub weights: Vec<f64>,
    /// one row per generation
    pub generations: Vec<super::GenerationStats>,
}

/// Reads a finished calibration directory back ([`Reloaded`]); a file that does not hold what
/// the calibration wrote is refused naming the file and row.
pub fn reload(dir: &Path) -> anyhow::Result<Reloaded> {
    use crate::error::BadInput;
    use sha2::{Digest, Sha256};
    let m: Manifest<CalibrationDetails> = Manifest::read(dir)?;
    let want = &m.details.identity.calibration_file_sha256;
    let file = m
        .command
        .split_whitespace()
        .map(|a| std::path::PathBuf::from(a.trim_matches('\'')))
        .find(|p| {
            p.extension().is_some_and(|x| x == "toml")
                && crate::input::tomlfile::read_bytes(p).is_ok_and(|b| {
                    let hex: String = Sha256::digest(&b)
                        .iter()
                        .map(|x| format!("{x:02x}"))
                        .collect();
                    hex == *want
                })
        })
        .ok_or_else(|| {
            BadInput::err(format!(
                "{}: cannot find the calibration file this result was computed from (the command was `{}`); run `partnersim plot` where that command ran, with the file unchanged",
                dir.display(),
                crate::input::tomlfile::clip(&m.command)
            ))
        })?;
    let spec = CalibrationSpec::load(&file)?;
    let (np, nt) = (spec.priors.len(), spec.targets.len());

    let mut header = String::from("particle,weight");
    for p in &spec.priors {
        header.push(',');
        header.push_str(&p.path);
    }
    header.push_str(",distance");
    for t in &spec.targets {
        header.push(',');
        header.push_str(&t.label());
    }
    let rows = numeric_rows(&dir.join(POSTERIOR_FILE), &header)?;
    let mut population = Vec::with_capacity(rows.len());
    let mut weights = Vec::with_capacity(rows.len());
    for r in &rows {
        weights.push(r[1]);
        population.push(super::Particle {
            work: Vec::new(),
            value: r[2..2 + np].to_vec(),
            distance: r[2 + np],
            summaries: r[3 + np..3 + np + nt].to_vec(),
            weight: r[1],
            mixture: 0.0,
            tie: 0.0,
        });
    }
    let generations = numeric_rows(
        &dir.join("generations.csv"),
        "generation,tolerance,acceptance_rate,ess,proposals,evaluations",
    )?
    .into_iter()
    .map(|r| super::GenerationStats {
        generation: r[0] as usize,
        tolerance: r[1],
        acceptance: r[2],
        ess: r[3],
        proposals: r[4] as u64,
        evaluations: r[5] as u64,
    })
    .collect();
    Ok(Reloaded {
        spec,
        population,
        weights,
        generations,
    })
}

/// The rows of a numeric CSV this module wrote, under exactly `header` (an empty cell is NaN, as
/// [`cell`] writes it); a different header, a ragged row or a cell that is not a number is
/// refused naming the file and row.
fn numeric_rows(path: &Path, header: &str) -> anyhow::Result<Vec<Vec<f64>>> {
    use crate::error::BadInput;
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| BadInput::err(format!("{name}: cannot read it: {e}")))?;
    let mut lines = text.lines();
    if lines.next() != Some(header) {
        return Err(BadInput::err(format!(
            "{name}: row 1: expected the header `{}` this calibration writes",
            crate::input::tomlfile::clip(header)
        )));
    }
    let width = header.split(',').count();
    lines
        .enumerate()
        .map(|(i, line)| {
            let row = i + 2;
            let cells: Vec<&str> = line.split(',').collect();
            if cells.len() != width {
                return Err(BadInput::err(format!(
                    "{name}: row {row}: {} cells where the header has {width}",
                    cells.len()
                )));
            }
            cells
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Ok(f64::NAN)
                    } else {
                        c.parse::<f64>().map_err(|_| {
                            BadInput::err(format!(
                                "{name}: row {row}: `{}` is not a number",
                                crate::input::tomlfile::clip(c)
                            ))
                        })
                    }
                })
                .collect()
        })
        .collect()
}
