//! "What would change this answer": every headline effect of a comparison re-estimated with the
//! assumptions of the ledger ([`crate::params::Grounds::Assumption`]) moved within their
//! plausible ranges.
//!
//! For each assumption a regime does not set itself, the baseline and the regime are run with the
//! assumption at the low end and at the high end of its range, one at a time, on the same random
//! numbers (the comparison's seed and replication indices `0..reps`), and the paired effect is
//! computed again. Then, for each regime, the assumptions that moved its effects most are moved
//! together over a small Latin hypercube ([`crate::studies::sweep::design::lhs_unit`], the design `explore`
//! and `sweep` use). Each stage is a [`crate::job::Job`] in the comparison's folder
//! (`assumptions/<depth>/one_at_a_time`, `…/joint`): chunks are saved as they finish, and an
//! interrupted comparison resumes them with `--resume`. Results go to `assumptions.csv` (every
//! re-estimated effect) and `assumptions.json` (one finding per regime and headline metric, with
//! its sentence and the swing of each assumption: the tornado plot's data).

use crate::error::BadInput;
use crate::input::scenario::Scenario;
use crate::job::exec::Status;
use crate::job::{Differences, Identity};
use crate::metrics::metric_index;
use crate::params::{registry, Grounds};
use crate::stats::paired;
use crate::studies::compare::results::ComparisonRow;
use crate::studies::compare::start::Start;
use crate::studies::run::RunOptions;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How far `compare --assumptions` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Depth {
    /// no assumption runs
    None,
    /// the assumptions in [`TOP`] (the ones a practitioner's review and the model's audit found
    /// most consequential), then the few that matter most jointly
    Top,
    /// every assumption of the ledger, then the few that matter most jointly
    All,
}

impl Depth {
    /// Parses `none`, `top` or `all` given to `flag`.
    pub fn parse(s: &str, flag: &str) -> Result<Depth, BadInput> {
        match s {
            "none" => Ok(Depth::None),
            "top" => Ok(Depth::Top),
            "all" => Ok(Depth::All),
            _ => Err(BadInput(format!("{flag} {s}: expected none, top or all"))),
        }
    }

    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            Depth::None => "none",
            Depth::Top => "top",
            Depth::All => "all",
        }
    }
}

/// The assumptions `--assumptions top` moves: the defaults a practitioner's review of the model
/// (Sector review 2026 in docs/sources.md) and its audit found to carry the headline effects.
pub const TOP: [&str; 6] = [
    "funders.federal.decision_delay_months",
    "iso.credit_line_months",
    "iso.insolvency_grace_months",
    "funders.federal.reporting_per_client_hours",
    "funders.federal.shock_recovery_months",
    "funders.federal.contract_months",
];

/// Replications per variant: the comparison's, at most this many (the same indices `0..n`).
pub const MAX_REPS: u64 = 20;
/// Assumptions moved together per regime in the joint stage.
pub const JOINT_PARAMS: usize = 3;
/// Latin-hypercube points of the joint stage.
pub const JOINT_POINTS: usize = 6;

/// What to analyse.
#[derive(Debug, Clone)]
pub struct Request {
    /// how far to go
    pub depth: Depth,
    /// the metrics whose effects are re-estimated (the headline)
    pub metrics: Vec<String>,
    /// instead of the depth's list, these assumptions (paths; tests and studies)
    pub candidates: Option<Vec<String>>,
}

impl Request {
    /// No assumption runs.
    pub fn none() -> Request {
        Request {
            depth: Depth::None,
            metrics: Vec::new(),
            candidates: None,
        }
    }

    /// The registry indices of the assumptions to move, in registry order.
    pub fn assumptions(&self) -> Result<Vec<usize>, BadInput> {
        let reg = registry();
        let list: Vec<usize> = match (&self.candidates, self.depth) {
            (Some(c), _) => c
                .iter()
                .map(|p| {
                    crate::params::index_of(p)
                        .ok_or_else(|| BadInput(format!("assumption `{p}`: no such parameter")))
                })
                .collect::<Result<_, _>>()?,
            (None, Depth::None) => Vec::new(),
            (None, Depth::Top) => TOP
                .iter()
                .filter_map(|p| crate::params::index_of(p))
                .collect(),
            (None, Depth::All) => (0..reg.len()).collect(),
        };
        let mut v: Vec<usize> = list
            .into_iter()
            .filter(|&i| reg[i].grounds.range().is_some())
            .collect();
        v.sort_unstable();
        v.dedup();
        Ok(v)
    }
}

/// One re-estimated effect: a regime against the baseline on one metric with some assumptions
/// moved (a row of `assumptions.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// the regime
    pub regime: String,
    /// the metric
    pub metric: String,
    /// `low`, `high` (one at a time) or `joint` (a Latin-hypercube point)
    pub stage: String,
    /// the assumptions moved and their values, `path=value; …`
    pub setting: String,
    /// the mean paired difference over the replications
    pub effect: f64,
    /// its 95% CI (Monte Carlo), lower
    pub ci_low: f64,
    /// upper
    pub ci_high: f64,
}

/// How far one assumption moves one effect (a bar of the tornado).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Swing {
    /// the parameter path
    pub parameter: String,
    /// its ledger grounds in words (`assumption 0 to 3`)
    pub grounds: String,
    /// the low end of its range, as text
    pub low: String,
    /// the high end, as text
    pub high: String,
    /// the effect with the parameter at the low end
    pub at_low: f64,
    /// at the high end
    pub at_high: f64,
    /// 95% CI of the effect at the low end
    pub at_low_ci: (f64, f64),
    /// at the high end
    pub at_high_ci: (f64, f64),
}

impl Swing {
    /// The swing of `spec`'s assumption over `range` (its low and high ends): the effect `e0`
    /// with the assumption at the low end, `e1` at the high end.
    pub fn between(
        spec: &crate::params::ParamSpec,
        range: (f64, f64),
        e0: &crate::stats::Paired,
        e1: &crate::stats::Paired,
    ) -> Swing {
        Swing {
            parameter: spec.path.clone(),
            grounds: spec.grounds_text(),
            low: spec.value_text(range.0),
            high: spec.value_text(range.1),
            at_low: e0.diff_mean,
            at_high: e1.diff_mean,
            at_low_ci: (e0.diff_ci95_low, e0.diff_ci95_high),
            at_high_ci: (e1.diff_ci95_low, e1.diff_ci95_high),
        }
    }

    /// `at_high - at_low`.
    pub fn swing(&self) -> f64 {
        self.at_high - self.at_low
    }
}

/// What the assumptions do to one headline effect of one regime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// the regime
    pub regime: String,
    /// the metric
    pub metric: String,
    /// the effect at the defaults (the comparison's, over all its replications)
    pub at_defaults: f64,
    /// its 95% CI
    pub at_defaults_ci: (f64, f64),
    /// one sentence: holds, vanishes or reverses, and where
    pub sentence: String,
    /// `holds`, `vanishes`, `reverses`, `unclear` (no clear effect at the defaults)
    pub status: String,
    /// the assumptions one at a time, the largest swing first
    pub swings: Vec<Swing>,
    /// joint points at which the effect reverses, of how many
    pub joint_reversals: (usize, usize),
    /// the assumptions moved jointly
    pub joint_parameters: Vec<String>,
}

/// `assumptions.json`: what would change each answer, and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// the depth
    pub depth: Depth,
    /// replications per variant
    pub reps: u64,
    /// assumptions tried one at a time (the union over regimes)
    pub assumptions: usize,
    /// model runs the analysis took (baseline and regimes under every variant)
    pub runs: u64,
    /// Latin-hypercube points per regime in the joint stage
    pub joint_points: usize,
    /// one per regime and metric
    pub findings: Vec<Finding>,
}

/// The file names in a comparison's folder.
pub const JSON: &str = "assumptions.json";
/// Every re-estimated effect.
pub const CSV: &str = "assumptions.csv";
/// The folder of the analysis's jobs.
pub const DIR: &str = "assumptions";

/// The configurations of one stage, in groups: a group is a baseline under one setting of the
/// assumptions and every regime paired with it under that setting (one baseline for all the
/// regimes a one-at-a-time setting moves, since it is the same configuration). A group's
/// replication `r` is computed in one go: from the steady start each configuration runs on its
/// own; from the present the group's baseline warms up once and every configuration of the group
/// continues from its state (as `compare` does for its regimes).
struct Stage {
    configs: Vec<crate::model::Config>,
    hashes: Vec<String>,
    /// group `g`: its baseline configuration first, then its regimes
    groups: Vec<Vec<usize>>,
    /// configuration `k` -> (its group, its place in the group)
    place: Vec<(usize, usize)>,
    /// a baseline configuration's content hash -> its group
    base_group: std::collections::BTreeMap<String, usize>,
}

impl Stage {
    fn new() -> Stage {
        Stage {
            configs: Vec::new(),
            hashes: Vec::new(),
            groups: Vec::new(),
            place: Vec::new(),
            base_group: std::collections::BTreeMap::new(),
        }
    }

    /// Adds a regime under `moves`, in the group of the baseline under the same `moves` (a new
    /// group if there is none yet); returns the indices of that baseline and of the regime.
    fn pair(
        &mut self,
        base: &Scenario,
        regime: &Scenario,
        moves: &[(usize, f64)],
    ) -> Result<(usize, usize)> {
        let with = |s: &Scenario| -> Result<Scenario> {
            let mut t = s.clone();
            for &(i, v) in moves {
                t.values.set_index(i, v);
            }
            t.check_consistency().map_err(|e| {
                BadInput::err(format!(
                    "assumptions: `{}` with {}: {e}",
                    s.name,
                    setting_text(moves)
                ))
            })?;
            Ok(t)
        };
        let (b, r) = (with(base)?, with(regime)?);
        let hb = b.content_hash();
        let g = match self.base_group.get(&hb) {
            Some(&g) => g,
            None => {
                let (g, kb) = (self.groups.len(), self.configs.len());
                self.hashes.push(hb.clone());
                self.configs.push(b.config());
                self.place.push((g, 0));
                self.groups.push(vec![kb]);
                self.base_group.insert(hb, g);
                g
            }
        };
        let kr = self.configs.len();
        self.hashes.push(r.content_hash());
        self.configs.push(r.config());
        self.place.push((g, self.groups[g].len()));
        self.groups[g].push(kr);
        Ok((self.groups[g][0], kr))
    }

    /// Configurations in the largest group: the summaries a record holds side by side.
    fn width(&self) -> usize {
        self.groups.iter().map(Vec::len).max().unwrap_or(1)
    }

    /// Model runs of `reps` replications of every configuration.
    fn runs(&self, reps: u64) -> u64 {
        self.configs.len() as u64 * reps
    }
}

fn setting_text(moves: &[(usize, f64)]) -> String {
    let reg = registry();
    moves
        .iter()
        .map(|&(i, v)| format!("{}={}", reg[i].path, reg[i].value_text(v)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What determines a stage's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageIdentity {
    /// SHA-256 of the configurations' content hashes
    pub scenarios_sha256: String,
    /// configurations
    pub configs: u64,
    /// replications per configuration
    pub reps: u64,
    /// master seed
    pub seed: u64,
    /// where each configuration starts
    pub start: Start,
}

impl Identity for StageIdentity {
    fn differs(&self, old: &Self) -> Option<String> {
        Differences::default()
            .when(self.scenarios_sha256 != old.scenarios_sha256, "scenarios")
            .value("configurations", old.configs, self.configs)
            .value("reps", old.reps, self.reps)
            .value("seed", old.seed, self.seed)
            .value("start", old.start.as_str(), self.start.as_str())
            .finish()
    }
}

/// Item `g * R + r`: group `g`, replication `r` (the same `r` for every configuration: common
/// random numbers); its record is the replication's summary of each configuration of the group,
/// side by side in the group's order (zeros after the last, up to the widest group).
struct StageJob<'a> {
    stage: &'a Stage,
    id: StageIdentity,
}

impl crate::job::Job for StageJob<'_> {
    type Identity = StageIdentity;
    const KIND: &'static str = "assumption-groups";
    const ITEM: &'static str = "group replications";
    fn identity(&self) -> &StageIdentity {
        &self.id
    }
    fn items(&self) -> u64 {
        self.stage.groups.len() as u64 * self.id.reps
    }
    fn record_len(&self) -> usize {
        self.stage.width() * crate::metrics::N_METRICS
    }
    fn chunk_items(&self) -> u64 {
        (256 / self.stage.width() as u64).max(1)
    }
    fn eval_item(&self, item: u64, record: &mut [f64]) -> Result<()> {
        let n = crate::metrics::N_METRICS;
        let (g, r) = ((item / self.id.reps) as usize, item % self.id.reps);
        let members = &self.stage.groups[g];
        let cfgs: Vec<&crate::model::Config> =
            members.iter().map(|&k| &self.stage.configs[k]).collect();
        let base = match self.id.start {
            Start::Steady => None,
            Start::Present => Some(0),
        };
        crate::studies::compare::start::summaries_into(&cfgs, base, self.id.seed, r, record)?;
        record[members.len() * n..].fill(0.0);
        Ok(())
    }
}

/// Runs a stage in `dir`; its records (`[g][r][slot][metric]` flattened, see [`StageJob`]) and the
/// items computed, or None when interrupted.
fn run_stage(
    stage: &Stage,
    reps: u64,
    opts: &RunOptions,
    start: Start,
    dir: &Path,
    label: &str,
) -> Result<Option<(Vec<f64>, u64)>> {
    use sha2::{Digest, Sha256};
    let id = StageIdentity {
        scenarios_sha256: crate::studies::calibrate::spec::hex(&Sha256::digest(
            stage
                .groups
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|&k| stage.hashes[k].as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect::<Vec<_>>()
                .join(";")
                .as_bytes(),
        )),
        configs: stage.configs.len() as u64,
        reps,
        seed: opts.seed,
        start,
    };
    let job = StageJob { stage, id };
    let mut values: Vec<f64> = Vec::with_capacity(
        stage.groups.len() * reps as usize * stage.width() * crate::metrics::N_METRICS,
    );
    let mut sink = |_items: std::ops::Range<u64>, v: &[f64]| {
        values.extend_from_slice(v);
        Ok(())
    };
    let eopts = crate::job::exec::Options {
        resume: true,
        quiet: opts.quiet,
        label: label.into(),
        ..crate::job::exec::Options::new(opts.threads)
    };
    std::fs::create_dir_all(dir)?;
    let computed = match crate::job::exec::execute(&job, dir, &eopts, Some(&mut sink))? {
        Status::Complete { computed, .. } => computed,
        Status::Interrupted { .. } => return Ok(None),
        Status::ShardDone { .. } => anyhow::bail!("assumption variants have no shards"),
    };
    crate::job::outdir::remove_chunks(dir)?;
    crate::job::outdir::unlock(dir);
    Ok(Some((values, computed)))
}

/// The paired effect of configuration `kr` against `kb` on metric `j`.
fn effect(
    stage: &Stage,
    values: &[f64],
    reps: usize,
    kb: usize,
    kr: usize,
    j: usize,
) -> crate::stats::Paired {
    let n = crate::metrics::N_METRICS;
    let w = stage.width() * n;
    let col = |k: usize| -> Vec<f64> {
        let (g, slot) = stage.place[k];
        (0..reps)
            .map(|r| values[(g * reps + r) * w + slot * n + j])
            .collect()
    };
    paired(&col(kr), &col(kb))
}

/// What [`analyse`] costs in runs, before it runs (at most): one at a time, a baseline per
/// setting moved for at least one regime and each regime under each of its settings; jointly,
/// a baseline and the regime at each point for each regime with two assumptions or more to move;
/// all times the replications.
pub fn planned_runs(scenarios: &[Scenario], base: usize, req: &Request, reps: u64) -> Result<u64> {
    if req.depth == Depth::None && req.candidates.is_none() {
        return Ok(0);
    }
    let list = req.assumptions()?;
    let r = reps.min(MAX_REPS);
    let free_of = |s: usize| -> Vec<usize> {
        list.iter()
            .copied()
            .filter(|&i| scenarios[s].values.0[i] == scenarios[base].values.0[i])
            .collect()
    };
    let mut runs = 0u64;
    let mut moved = std::collections::BTreeSet::new();
    for s in (0..scenarios.len()).filter(|&s| s != base) {
        let free = free_of(s);
        runs += 2 * free.len() as u64;
        if free.len() >= 2 {
            runs += 2 * JOINT_POINTS as u64;
        }
        moved.extend(free);
    }
    runs += 2 * moved.len() as u64;
    Ok(runs * r)
}

/// Re-estimates every effect of `rows` on the request's metrics with the assumptions moved; writes
/// `assumptions.json` and `assumptions.csv` into `out`. None when interrupted (chunks are saved).
pub fn analyse(
    scenarios: &[Scenario],
    base: usize,
    rows: &[ComparisonRow],
    opts: &RunOptions,
    out: &Path,
    start: Start,
    req: &Request,
) -> Result<Option<Analysis>> {
    let reg = registry();
    let list = req.assumptions()?;
    let reps = opts.reps.min(MAX_REPS);
    let r_n = reps as usize;
    let metrics: Vec<(String, usize)> = req
        .metrics
        .iter()
        .map(|m| {
            metric_index(m)
                .map(|j| (m.clone(), j))
                .ok_or_else(|| BadInput::err(format!("assumptions: unknown metric `{m}`")))
        })
        .collect::<Result<_>>()?;
    let others: Vec<usize> = (0..scenarios.len()).filter(|&s| s != base).collect();
    let bs = &scenarios[base];
    // which assumptions each regime leaves at the baseline's value
    let free: Vec<Vec<usize>> = others
        .iter()
        .map(|&s| {
            list.iter()
                .copied()
                .filter(|&i| scenarios[s].values.0[i] == bs.values.0[i])
                .collect()
        })
        .collect();
    let dir = out.join(DIR).join(match req.candidates {
        Some(_) => "chosen",
        None => req.depth.as_str(),
    });
    // stage 1: one at a time, at each end of the range
    let mut one = Stage::new();
    // (regime position, assumption, end 0/1) -> (kb, kr)
    let mut oat: Vec<(usize, usize, usize, usize, usize)> = Vec::new();
    for (o, &s) in others.iter().enumerate() {
        for &i in &free[o] {
            let Grounds::Assumption { low, high, .. } = reg[i].grounds else {
                continue;
            };
            for (end, v) in [low, high].into_iter().enumerate() {
                let (kb, kr) = one.pair(bs, &scenarios[s], &[(i, v)])?;
                oat.push((o, i, end, kb, kr));
            }
        }
    }
    let Some((v1, _)) = run_stage(
        &one,
        reps,
        opts,
        start,
        &dir.join("one_at_a_time"),
        "assumptions, one at a time",
    )?
    else {
        return Ok(None);
    };
    let mut cells = Vec::new();
    let mut findings = Vec::new();
    // swings per (regime, metric)
    let mut swings: Vec<Vec<Vec<Swing>>> = vec![vec![Vec::new(); metrics.len()]; others.len()];
    for pair in oat.chunks(2) {
        let (o, i, _, kb0, kr0) = pair[0];
        let (_, _, _, kb1, kr1) = pair[1];
        let Grounds::Assumption { low, high, .. } = reg[i].grounds else {
            continue;
        };
        for (m, (name, j)) in metrics.iter().enumerate() {
            let e0 = effect(&one, &v1, r_n, kb0, kr0, *j);
            let e1 = effect(&one, &v1, r_n, kb1, kr1, *j);
            for (stage, v, e) in [("low", low, &e0), ("high", high, &e1)] {
                cells.push(Cell {
                    regime: scenarios[others[o]].name.clone(),
                    metric: name.clone(),
                    stage: stage.into(),
                    setting: setting_text(&[(i, v)]),
                    effect: e.diff_mean,
                    ci_low: e.diff_ci95_low,
                    ci_high: e.diff_ci95_high,
                });
            }
            swings[o][m].push(Swing::between(&reg[i], (low, high), &e0, &e1));
        }
    }
    // stage 2: per regime, the assumptions with the largest swings (relative to the largest on
    // each metric) together over a Latin hypercube
    let mut joint = Stage::new();
    // per regime: the assumptions moved together, and each point's (baseline, regime, setting)
    type Points = Vec<(usize, usize, String)>;
    let mut joint_of: Vec<(Vec<usize>, Points)> = Vec::new();
    for (o, &s) in others.iter().enumerate() {
        let mut score: Vec<(usize, f64)> = free[o].iter().map(|&i| (i, 0.0)).collect();
        for sw in swings[o].iter() {
            let top = sw.iter().map(|x| x.swing().abs()).fold(0.0, f64::max);
            if top > 0.0 {
                for (k, x) in sw.iter().enumerate() {
                    score[k].1 = score[k].1.max(x.swing().abs() / top);
                }
            }
        }
        score.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let chosen: Vec<usize> = score
            .iter()
            .filter(|x| x.1 > 0.0)
            .take(JOINT_PARAMS)
            .map(|x| x.0)
            .collect();
        let mut points = Vec::new();
        if chosen.len() >= 2 {
            let u = crate::studies::sweep::design::lhs_unit(
                JOINT_POINTS,
                chosen.len(),
                opts.seed ^ s as u64,
            );
            for p in 0..JOINT_POINTS {
                let moves: Vec<(usize, f64)> = chosen
                    .iter()
                    .enumerate()
                    .map(|(d, &i)| {
                        let (lo, hi) = reg[i].grounds.range().unwrap_or((0.0, 0.0));
                        let mut v = lo + u[p * chosen.len() + d] * (hi - lo);
                        if !matches!(reg[i].kind, crate::params::Kind::Float) {
                            v = v.round().clamp(lo, hi);
                        }
                        (i, v)
                    })
                    .collect();
                let (kb, kr) = joint.pair(bs, &scenarios[s], &moves)?;
                points.push((kb, kr, setting_text(&moves)));
            }
        }
        joint_of.push((chosen, points));
    }
    let (v2, _) = if joint.configs.is_empty() {
        (Vec::new(), 0)
    } else {
        match run_stage(
            &joint,
            reps,
            opts,
            start,
            &dir.join("joint"),
            "assumptions, jointly",
        )? {
            Some(x) => x,
            None => return Ok(None),
        }
    };
    for (o, &s) in others.iter().enumerate() {
        for (m, (name, j)) in metrics.iter().enumerate() {
            let Some(row) = rows
                .iter()
                .find(|r| r.scenario == scenarios[s].name && r.metric == *name)
            else {
                continue;
            };
            let d = row.paired;
            let (chosen, points) = &joint_of[o];
            let mut joint_effects = Vec::new();
            for (kb, kr, setting) in points {
                let e = effect(&joint, &v2, r_n, *kb, *kr, *j);
                cells.push(Cell {
                    regime: scenarios[s].name.clone(),
                    metric: name.clone(),
                    stage: "joint".into(),
                    setting: setting.clone(),
                    effect: e.diff_mean,
                    ci_low: e.diff_ci95_low,
                    ci_high: e.diff_ci95_high,
                });
                joint_effects.push(e);
            }
            let mut sw = swings[o][m].clone();
            sw.sort_by(|a, b| {
                b.swing()
                    .abs()
                    .total_cmp(&a.swing().abs())
                    .then(a.parameter.cmp(&b.parameter))
            });
            let joint_names: Vec<String> = chosen.iter().map(|&i| reg[i].path.clone()).collect();
            let (status, sentence, jr) = judge(&d, &sw, &joint_effects, &joint_names);
            findings.push(Finding {
                regime: scenarios[s].name.clone(),
                metric: name.clone(),
                at_defaults: d.diff_mean,
                at_defaults_ci: (d.diff_ci95_low, d.diff_ci95_high),
                sentence,
                status: status.into(),
                swings: sw,
                joint_reversals: (jr, joint_effects.len()),
                joint_parameters: joint_names,
            });
        }
    }
    let analysis = Analysis {
        depth: req.depth,
        reps,
        assumptions: {
            let mut all: Vec<usize> = free.iter().flatten().copied().collect();
            all.sort_unstable();
            all.dedup();
            all.len()
        },
        runs: one.runs(reps) + joint.runs(reps),
        joint_points: JOINT_POINTS,
        findings,
    };
    crate::output::export::write_json(&out.join(JSON), &analysis)?;
    crate::output::export::write_atomic(&out.join(CSV), cells_csv(&cells).as_bytes())?;
    Ok(Some(analysis))
}

/// `assumptions.csv` text.
fn cells_csv(cells: &[Cell]) -> String {
    let mut s = String::from("regime,metric,stage,setting,effect,ci95_low,ci95_high\n");
    for c in cells {
        s.push_str(&format!(
            "{},{},{},\"{}\",",
            c.regime,
            c.metric,
            c.stage,
            c.setting.replace('"', "\"\"")
        ));
        for (k, v) in [c.effect, c.ci_low, c.ci_high].into_iter().enumerate() {
            if k > 0 {
                s.push(',');
            }
            crate::output::export::cell(&mut s, v);
        }
        s.push('\n');
    }
    s
}

/// The sign of a clear effect: +1 or -1 when its 95% CI excludes zero, else 0.
fn clear_sign(low: f64, high: f64) -> i8 {
    if low > 0.0 {
        1
    } else if high < 0.0 {
        -1
    } else {
        0
    }
}

fn num(v: f64) -> String {
    let d = crate::stats::decimals(v.abs()).max(if v.abs() < 0.01 { 4 } else { 0 });
    crate::output::report::numbers::signed(v, d)
}

/// Whether an effect at the defaults `d` holds across the swings (sorted, largest first) and the
/// joint points: the status, the sentence and the number of joint points that reverse it.
pub fn judge(
    d: &crate::stats::Paired,
    swings: &[Swing],
    joint: &[crate::stats::Paired],
    joint_names: &[String],
) -> (&'static str, String, usize) {
    let sign = clear_sign(d.diff_ci95_low, d.diff_ci95_high);
    let joint_rev = joint
        .iter()
        .filter(|e| sign != 0 && clear_sign(e.diff_ci95_low, e.diff_ci95_high) == -sign)
        .count();
    let ends = |s: &Swing| {
        [
            (s.low.clone(), s.at_low, s.at_low_ci),
            (s.high.clone(), s.at_high, s.at_high_ci),
        ]
    };
    if sign == 0 {
        // which assumption makes it clear, the largest first
        let mut best: Option<(String, String, f64)> = None;
        for s in swings {
            for (v, e, ci) in ends(s) {
                if clear_sign(ci.0, ci.1) != 0 && best.as_ref().is_none_or(|b| e.abs() > b.2.abs())
                {
                    best = Some((s.parameter.clone(), v, e));
                }
            }
        }
        let sentence = match best {
            Some((p, v, e)) => format!(
                "no clear effect at the defaults; with `{p}` at {v} it is {}",
                num(e)
            ),
            None => "no clear effect at the defaults, nor with any assumption tried".to_string(),
        };
        return ("unclear", sentence, 0);
    }
    // reversals: the opposite sign with a CI that excludes zero, the strongest first
    let mut rev: Vec<(String, String, f64)> = Vec::new();
    let mut gone: Vec<(String, String, f64)> = Vec::new();
    for s in swings {
        for (v, e, ci) in ends(s) {
            let c = clear_sign(ci.0, ci.1);
            if c == -sign {
                rev.push((s.parameter.clone(), v, e));
            } else if c == 0 && e.abs() < d.diff_mean.abs() / 2.0 {
                gone.push((s.parameter.clone(), v, e));
            }
        }
    }
    let order = |v: &mut Vec<(String, String, f64)>| {
        v.sort_by(|a, b| {
            (f64::from(sign) * a.2)
                .total_cmp(&(f64::from(sign) * b.2))
                .then(a.0.cmp(&b.0))
        })
    };
    order(&mut rev);
    order(&mut gone);
    let others = |n: usize| match n {
        0 => String::new(),
        1 => " (so does one more end of a range)".to_string(),
        n => format!(" (so do {n} more ends of ranges)"),
    };
    if let Some((p, v, e)) = rev.first() {
        return (
            "reverses",
            format!(
                "reverses when `{p}` is at {v} ({} instead of {}){}",
                num(*e),
                num(d.diff_mean),
                others(rev.len() - 1)
            ),
            joint_rev,
        );
    }
    if joint_rev > 0 {
        return (
            "reverses",
            format!(
                "holds for each assumption alone, but reverses at {joint_rev} of {} points where {} move together",
                joint.len(),
                joint_names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            joint_rev,
        );
    }
    if let Some((p, v, e)) = gone.first() {
        return (
            "vanishes",
            format!(
                "is no longer clear when `{p}` is at {v} ({} instead of {}){}",
                num(*e),
                num(d.diff_mean),
                others(gone.len() - 1)
            ),
            0,
        );
    }
    (
        "holds",
        "holds across every assumption tried".to_string(),
        0,
    )
}

/// Reads `assumptions.json` from a comparison's folder, if there is one.
pub fn read(dir: &Path) -> Option<Analysis> {
    crate::output::export::read_json(&dir.join(JSON)).ok()
}

/// The terminal's section: one sentence per regime and metric, and the cost.
pub fn text(a: &Analysis) -> String {
    let mut t = format!(
        "what would change these answers (--assumptions {}: {} assumptions at the ends of their ranges, one at a time, then {} joint points of the top {} per regime; {} replications each, {} runs):\n",
        a.depth.as_str(),
        a.assumptions,
        a.joint_points,
        JOINT_PARAMS,
        a.reps,
        a.runs
    );
    let mut last = "";
    for f in &a.findings {
        if f.regime != last {
            t += &format!("  {}\n", f.regime);
            last = &f.regime;
        }
        t += &format!("    {}: {}\n", f.metric, f.sentence);
    }
    t
}

/// Draws one tornado plot per regime (`plots/tornado_<regime>.{png,svg}`) from `assumptions.json`:
/// for each headline metric a panel, for each assumption a bar from the effect at the low end of
/// its range to the effect at the high end, around the effect at the defaults. Returns the files.
pub fn tornado_plots(dir: &Path) -> Result<Vec<PathBuf>> {
    let Some(a) = read(dir) else {
        return Ok(Vec::new());
    };
    let mut regimes: Vec<&str> = Vec::new();
    for f in &a.findings {
        if !regimes.contains(&f.regime.as_str()) {
            regimes.push(&f.regime);
        }
    }
    let mut files = Vec::new();
    for r in regimes {
        let fs: Vec<&Finding> = a.findings.iter().filter(|f| f.regime == r).collect();
        files.extend(crate::output::plot::tornado(
            &dir.join("plots"),
            &format!("tornado_{}", crate::output::plot::safe_name(r)),
            r,
            &fs,
        )?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(d: f64, lo: f64, hi: f64) -> crate::stats::Paired {
        crate::stats::Paired {
            mean: 0.0,
            baseline_mean: 0.0,
            diff_mean: d,
            diff_ci95_low: lo,
            diff_ci95_high: hi,
            variance_ratio: 1.0,
        }
    }

    fn sw(name: &str, lo: (f64, f64, f64), hi: (f64, f64, f64)) -> Swing {
        Swing {
            parameter: name.into(),
            grounds: "assumption 0 to 3".into(),
            low: "0".into(),
            high: "3".into(),
            at_low: lo.0,
            at_high: hi.0,
            at_low_ci: (lo.1, lo.2),
            at_high_ci: (hi.1, hi.2),
        }
    }

    fn tiny() -> Scenario {
        let mut s = Scenario::default();
        s.set_value("simulation.isos", 6.0).expect("isos");
        s.set_value("simulation.duration_months", 24.0)
            .expect("duration");
        s.set_value("simulation.warmup_months", 12.0)
            .expect("warmup");
        s
    }

    /// Regimes under the same setting share one baseline configuration (one group), and a
    /// group's record holds, side by side, exactly what each configuration gives alone: from the
    /// steady start its own run, from the present its run from the group baseline's state; the
    /// slots after the group's last are zeros.
    #[test]
    fn a_group_computes_what_each_configuration_gives_alone() {
        let base = tiny();
        let mut a = base.clone();
        a.set_value("funders.federal.contract_months", 36.0)
            .expect("contract");
        let mut b = base.clone();
        b.set_value("funders.federal.reporting_per_client_hours", 2.0)
            .expect("reporting");
        let delay =
            crate::params::index_of("funders.federal.decision_delay_months").expect("delay");
        let recovery =
            crate::params::index_of("funders.federal.shock_recovery_months").expect("recovery");
        let mut stage = Stage::new();
        let (kb, ka) = stage.pair(&base, &a, &[(delay, 3.0)]).expect("a");
        let (kb2, kbb) = stage.pair(&base, &b, &[(delay, 3.0)]).expect("b");
        let (kc, kcb) = stage.pair(&base, &a, &[(recovery, 6.0)]).expect("c");
        assert_eq!(
            kb, kb2,
            "one baseline for the regimes under the same setting"
        );
        assert_ne!(kb, kc);
        assert_eq!(stage.groups, vec![vec![kb, ka, kbb], vec![kc, kcb]]);
        assert_eq!(stage.width(), 3);
        let n = crate::metrics::N_METRICS;
        for start in [Start::Steady, Start::Present] {
            let job = StageJob {
                stage: &stage,
                id: StageIdentity {
                    scenarios_sha256: String::new(),
                    configs: stage.configs.len() as u64,
                    reps: 2,
                    seed: 9,
                    start,
                },
            };
            for (g, members) in stage.groups.iter().enumerate() {
                let mut record = vec![f64::NAN; 3 * n];
                crate::job::Job::eval_item(&job, g as u64 * 2 + 1, &mut record).expect("item");
                for (slot, &k) in members.iter().enumerate() {
                    // alone: from its own warm-up, or from the group baseline's present with
                    // no other configuration beside it
                    let (cfgs, base) = match start {
                        Start::Steady => (vec![&stage.configs[k]], None),
                        Start::Present => {
                            (vec![&stage.configs[members[0]], &stage.configs[k]], Some(0))
                        }
                    };
                    let mut both = vec![0.0; cfgs.len() * n];
                    crate::studies::compare::start::summaries_into(&cfgs, base, 9, 1, &mut both)
                        .expect("alone");
                    let alone = &both[(cfgs.len() - 1) * n..];
                    let got = &record[slot * n..(slot + 1) * n];
                    assert!(
                        got.iter()
                            .zip(alone)
                            .all(|(x, y)| x.to_bits() == y.to_bits()),
                        "{start:?}, group {g}, slot {slot}"
                    );
                }
                assert!(record[members.len() * n..].iter().all(|&x| x == 0.0));
            }
        }
    }

    #[test]
    fn the_sentence_names_the_strongest_reversal_first() {
        let d = p(0.02, 0.01, 0.03);
        let s = vec![
            sw("a.weak", (-0.01, -0.015, -0.005), (0.02, 0.01, 0.03)),
            sw("b.strong", (-0.03, -0.04, -0.02), (0.05, 0.04, 0.06)),
        ];
        let (status, text, _) = judge(&d, &s, &[], &[]);
        assert_eq!(status, "reverses");
        assert!(
            text.starts_with("reverses when `b.strong` is at 0"),
            "{text}"
        );
        let held = vec![sw("c", (0.015, 0.01, 0.02), (0.03, 0.02, 0.04))];
        assert_eq!(judge(&d, &held, &[], &[]).0, "holds");
        let gone = vec![sw("c", (0.001, -0.01, 0.012), (0.03, 0.02, 0.04))];
        assert_eq!(judge(&d, &gone, &[], &[]).0, "vanishes");
        let joint = vec![p(-0.02, -0.03, -0.01)];
        let (st, t, n) = judge(&d, &held, &joint, &["c".into(), "e".into()]);
        assert_eq!((st, n), ("reverses", 1), "{t}");
        assert_eq!(judge(&p(0.0, -0.1, 0.1), &held, &[], &[]).0, "unclear");
    }

    #[test]
    fn depth_parses_and_top_names_assumptions() {
        assert_eq!(Depth::parse("top", "--assumptions").unwrap(), Depth::Top);
        assert!(Depth::parse("some", "--assumptions").is_err());
        let r = Request {
            depth: Depth::Top,
            metrics: Vec::new(),
            candidates: None,
        };
        assert_eq!(r.assumptions().unwrap().len(), TOP.len());
        let all = Request {
            depth: Depth::All,
            ..r
        };
        assert!(all.assumptions().unwrap().len() > 100);
    }
}
