//! Running an exploration: states → a [`crate::job`] job of states → the outcome table (as chunks
//! arrive) → robustness, ranking and PRIM boxes → files, manifest, headline. Merging shards goes
//! the same way from the shards' chunks.

use super::job::{ExploreIdentity, ExploreJob};
use super::prim::{self, Dim, Found, Side};
use super::robust::{self, Robustness, Table};
use super::spec::{Case, Discover, ExploreSpec};
use super::states::States;
use crate::error::BadInput;
use crate::export::{cell, write_atomic};
use crate::job::exec::{self, Merge, Options, Status};
use crate::job::manifest::{Clock, Manifest, Provenance};
use crate::job::shard::Shard;
use crate::job::threads::Threads;
use crate::job::{Identity, Job};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How to run an exploration (the shared batch options of the job core).
pub type ExploreOptions = crate::job::exec::BatchOptions;

/// One scenario-discovery result.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// the question
    pub discover: Discover,
    /// the case of every state
    pub cases: Vec<bool>,
    /// what PRIM found (None when there are no cases or only cases)
    pub found: Option<Found>,
}

/// A finished exploration.
#[derive(Debug, Clone)]
pub struct ExploreOutcome {
    /// the explore file
    pub spec: ExploreSpec,
    /// the states of the world
    pub states: States,
    /// every regime's outcomes in every state
    pub table: Table,
    /// robustness and ranking
    pub robustness: Robustness,
    /// scenario discovery
    pub discoveries: Vec<Discovery>,
    /// the PRIM dimensions (the uncertainties and their ranges)
    pub dims: Vec<Dim>,
    /// master seed
    pub seed: u64,
    /// output directory
    pub dir: PathBuf,
    /// wall time, seconds
    pub wall_seconds: f64,
}

/// How an exploration invocation ended.
#[derive(Debug, Clone)]
pub enum ExploreStatus {
    /// every state is done and the files are written
    Finished(Box<ExploreOutcome>),
    /// stopped by Ctrl-C / SIGTERM after a finished chunk; `--resume` continues
    Interrupted {
        /// states saved
        saved: u64,
        /// states in this invocation's range
        total: u64,
    },
    /// a shard finished its states and wrote its record
    Shard {
        /// the shard
        shard: Shard,
        /// its states
        states: Range<u64>,
    },
}

/// The states of `spec` with `seed`: a Latin hypercube of its uncertainties. (Posterior draws
/// would come in here, as [`States::from_draws`].)
pub fn lhs_states(spec: &ExploreSpec, seed: u64) -> States {
    States::lhs(&spec.uncertainties, spec.states, seed)
}

/// Runs a validated exploration in `states` into `out` with `seed`.
pub fn run(
    spec: &ExploreSpec,
    states: &States,
    out: &Path,
    seed: u64,
    opts: &ExploreOptions,
) -> Result<ExploreStatus> {
    let clock = Clock::start();
    if opts.chunk_items == Some(0) {
        return Err(BadInput::err("--chunk-states 0: must be at least 1"));
    }
    crate::job::budget::Budget::current().check(&spec.estimate(states.n))?;
    let job = ExploreJob::new(spec, states, seed, opts.chunk_items);
    job.check_states()?;
    job.check_present()?;
    let inputs = vec![
        spec.file.display().to_string(),
        spec.file
            .canonicalize()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    ];
    let runs = (states.n * spec.regimes.len()) as u64;
    let eopts = Options {
        resume: opts.resume,
        force: opts.force,
        shard: opts.shard,
        quiet: opts.quiet,
        label: "explore".into(),
        output_bytes: runs * (states.k() + spec.outcomes.len() + 2) as u64 * 24,
        inputs,
        ..Options::new(opts.threads)
    };
    let execution = exec::start(&job, out, &eopts)?;
    let mut table = empty_table(spec, states);
    let status = match opts.shard {
        Some(_) => execution.run(None)?,
        None => execution.run(Some(&mut |items, v: &[f64]| fill(&mut table, items, v)))?,
    };
    match status {
        Status::Complete { computed, threads } if opts.shard.is_none() => {
            let provenance = Provenance {
                command: opts.command.clone(),
                threads,
                items: states.n as u64,
                items_computed: computed,
                merged_from: Vec::new(),
            };
            let o = finish(&job, table, out, provenance, clock)?;
            Ok(ExploreStatus::Finished(Box::new(o)))
        }
        Status::Complete { .. } => {
            anyhow::bail!("internal error: an exploration shard ended as a complete exploration")
        }
        Status::ShardDone { shard, items, .. } => Ok(ExploreStatus::Shard {
            shard,
            states: items,
        }),
        Status::Interrupted { saved, total } => Ok(ExploreStatus::Interrupted { saved, total }),
    }
}

/// [`run`] straight through on the Latin hypercube (no resume, no shard), for tests and library
/// use.
pub fn run_spec(
    spec: &ExploreSpec,
    out: &Path,
    seed: u64,
    threads: Option<usize>,
) -> Result<ExploreOutcome> {
    let states = lhs_states(spec, seed);
    let opts = ExploreOptions::new(Threads::new(threads)?);
    match run(spec, &states, out, seed, &opts)? {
        ExploreStatus::Finished(o) => Ok(*o),
        _ => anyhow::bail!(
            "exploration interrupted; finished chunks are saved in {}: resume to continue",
            out.display()
        ),
    }
}

fn empty_table(spec: &ExploreSpec, states: &States) -> Table {
    let (g, o) = (spec.regimes.len(), spec.outcomes.len());
    Table {
        n: states.n,
        regimes: g,
        outcomes: o,
        values: vec![f64::NAN; states.n * g * o],
    }
}

fn fill(t: &mut Table, items: Range<u64>, v: &[f64]) -> Result<()> {
    let per = t.regimes * t.outcomes;
    let start = items.start as usize * per;
    let dest = t
        .values
        .get_mut(start..start + v.len())
        .ok_or_else(|| anyhow::anyhow!("internal error: chunk {items:?} outside the states"))?;
    dest.copy_from_slice(v);
    Ok(())
}

/// The PRIM dimensions of the states.
pub fn dims(states: &States) -> Vec<Dim> {
    (0..states.k())
        .map(|d| Dim {
            name: states.paths[d].clone(),
            min: states.ranges[d].0,
            max: states.ranges[d].1,
            whole: states.whole(d),
        })
        .collect()
}

/// Whether state `s` is a case of `d`.
pub fn is_case(spec: &ExploreSpec, t: &Table, d: &Discover, s: usize) -> bool {
    let g = d.regime;
    match d.case {
        Case::Fails => !t.satisfies(s, g, &spec.outcomes),
        Case::Below { outcome, value } => t.get(s, g, outcome) < value,
        Case::Above { outcome, value } => t.get(s, g, outcome) > value,
        Case::WorseThan { outcome, other, by } => {
            let dir = spec.outcomes[outcome].direction;
            dir.shortfall(t.get(s, other, outcome), t.get(s, g, outcome)) > by
        }
    }
}

/// The case of `d` in words: "prompt_payment misses a threshold".
pub fn case_text(spec: &ExploreSpec, d: &Discover) -> String {
    let g = &spec.regimes[d.regime].name;
    match &d.case {
        Case::Fails => {
            let th: Vec<String> = spec
                .outcomes
                .iter()
                .filter_map(|o| o.threshold_text())
                .collect();
            format!("{g} misses a threshold ({})", th.join(", "))
        }
        Case::Below { outcome, value } => {
            format!("{g} has {} below {value}", spec.outcomes[*outcome].metric)
        }
        Case::Above { outcome, value } => {
            format!("{g} has {} above {value}", spec.outcomes[*outcome].metric)
        }
        Case::WorseThan { outcome, other, by } => {
            let m = &spec.outcomes[*outcome].metric;
            let o = &spec.regimes[*other].name;
            if *by > 0.0 {
                format!("{g} is worse than {o} on {m} by more than {by}")
            } else {
                format!("{g} is worse than {o} on {m}")
            }
        }
    }
}

/// Runs every `[[discover]]` of `spec` on the table.
pub fn discover_all(
    spec: &ExploreSpec,
    states: &States,
    t: &Table,
    seed: u64,
) -> Result<Vec<Discovery>> {
    let dims = dims(states);
    spec.discover
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let cases: Vec<bool> = (0..t.n).map(|s| is_case(spec, t, d, s)).collect();
            let count = cases.iter().filter(|&&c| c).count();
            let found = if count == 0 || count == t.n {
                None
            } else {
                let key = seed.wrapping_add(0x7072_696d_0000_0000 + i as u64);
                Some(prim::discover(&states.values, &dims, &cases, &d.prim, key)?)
            };
            Ok(Discovery {
                discover: d.clone(),
                cases,
                found,
            })
        })
        .collect()
}

/// What `manifest.json` records besides the provenance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Details {
    /// the identity (file hash, regimes and their scenario hashes, states digest, seed, sizes)
    pub identity: ExploreIdentity,
    /// states per chunk
    pub chunk_states: u64,
    /// bootstrap resamples of the robustness intervals
    pub bootstrap: usize,
    /// the headline printed at the end
    pub headline: Vec<String>,
}

/// The files an exploration writes (besides the plots and the report).
pub const FILES: [&str; 5] = [
    "experiments.csv",
    "robustness.csv",
    "ranking.csv",
    "boxes.csv",
    "peeling.csv",
];

fn finish(
    job: &ExploreJob<'_>,
    table: Table,
    out: &Path,
    provenance: Provenance,
    clock: Clock,
) -> Result<ExploreOutcome> {
    if table.values.iter().any(|v| v.is_nan()) {
        anyhow::bail!("internal error: some states have no outcomes after the run");
    }
    let mut o = analyse(job, table, out)?;
    write_atomic(&out.join("experiments.csv"), experiments_csv(&o).as_bytes())?;
    write_atomic(&out.join("robustness.csv"), robustness_csv(&o).as_bytes())?;
    write_atomic(&out.join("ranking.csv"), ranking_csv(&o).as_bytes())?;
    write_atomic(&out.join("boxes.csv"), boxes_csv(&o).as_bytes())?;
    write_atomic(&out.join("peeling.csv"), peeling_csv(&o).as_bytes())?;
    let details = Details {
        identity: job.id.clone(),
        chunk_states: job.chunk_states,
        bootstrap: o.robustness.bootstrap,
        headline: o.headline(),
    };
    let files = FILES.map(String::from).to_vec();
    Manifest::new(ExploreJob::KIND, provenance, clock, files, details).write_last(out)?;
    o.wall_seconds = clock.seconds();
    Ok(o)
}

/// The outcome of a finished exploration in `dir`, rebuilt from its files without running the
/// model (for `partnersim plot`): the explore file is found among the arguments of the recorded
/// command line (its bytes must hash as recorded), the Latin-hypercube states are drawn again
/// (their digest must match) and the outcome values are read back from `experiments.csv`
/// (written in Rust's round-trip form, so the analysis is the same).
pub fn reload(dir: &Path) -> Result<ExploreOutcome> {
    use sha2::{Digest, Sha256};
    let m: Manifest<Details> = Manifest::read(dir)?;
    let id = &m.details.identity;
    let hash = |p: &Path| {
        crate::input::tomlfile::read_bytes(p).ok().map(|b| {
            Sha256::digest(&b)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect::<String>()
        })
    };
    let file = m
        .command
        .split_whitespace()
        .map(|a| PathBuf::from(a.trim_matches('\'')))
        .find(|p| {
            p.extension().is_some_and(|x| x == "toml")
                && hash(p).as_deref() == Some(id.explore_file_sha256.as_str())
        })
        .ok_or_else(|| {
            BadInput::err(format!(
                "{}: cannot find the explore file this result was computed from (the command was `{}`); run `partnersim plot` where that command ran, with the file unchanged",
                dir.display(),
                crate::input::tomlfile::clip(&m.command)
            ))
        })?;
    let spec = ExploreSpec::load(&file)?;
    if id.states_origin != "lhs" {
        return Err(BadInput::err(format!(
            "{}: its states came from {}; redrawing is supported for Latin-hypercube states (run the exploration again)",
            dir.display(),
            id.states_origin
        )));
    }
    let states = lhs_states(&spec, id.seed);
    let job = ExploreJob::new(&spec, &states, id.seed, None);
    if let Some(what) = job.id.differs(id) {
        return Err(BadInput::err(format!(
            "{}: the exploration (or a scenario it names) changed since it ran ({what})",
            file.display()
        )));
    }
    let p = dir.join("experiments.csv");
    let mut table = empty_table(&spec, &states);
    let o = spec.outcomes.len();
    let mut r = csv::Reader::from_path(&p)
        .map_err(|e| BadInput::err(format!("{}: cannot read: {e}", p.display())))?;
    let mut rows = 0usize;
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| BadInput::err(format!("{}: {e}", p.display())))?;
        let first = rec.len().saturating_sub(o);
        let dest = table.values.get_mut(i * o..(i + 1) * o).ok_or_else(|| {
            BadInput::err(format!("{}: more rows than states x regimes", p.display()))
        })?;
        for (k, d) in dest.iter_mut().enumerate() {
            let cell = rec.get(first + k).unwrap_or("");
            *d = if cell.is_empty() {
                f64::NAN
            } else {
                cell.parse().map_err(|_| {
                    BadInput::err(format!(
                        "{}:{}: `{}` is not a number",
                        p.display(),
                        i + 2,
                        crate::input::tomlfile::clip(cell)
                    ))
                })?
            };
        }
        rows += 1;
    }
    if rows != states.n * spec.regimes.len() {
        return Err(BadInput::err(format!(
            "{}: {rows} rows, not {} states x {} regimes",
            p.display(),
            states.n,
            spec.regimes.len()
        )));
    }
    analyse(&job, table, dir)
}

/// The analysis of a finished table: robustness and discoveries.
fn analyse(job: &ExploreJob<'_>, table: Table, out: &Path) -> Result<ExploreOutcome> {
    let spec = job.spec;
    let seed = job.id.seed;
    let robustness = robust::robustness(&table, &spec.outcomes, spec.bootstrap, seed);
    let discoveries = discover_all(spec, job.states, &table, seed)?;
    Ok(ExploreOutcome {
        spec: spec.clone(),
        states: job.states.clone(),
        table,
        robustness,
        discoveries,
        dims: dims(job.states),
        seed,
        dir: out.to_path_buf(),
        wall_seconds: 0.0,
    })
}

/// Merges exploration shard directories into `out`: checks they belong to one exploration and
/// cover every state exactly once, reloads the explore file they record (it must be unchanged),
/// then computes the final outputs exactly as a single-machine run would.
pub fn merge(
    shard_dirs: &[PathBuf],
    out: &Path,
    force: bool,
    command: &str,
) -> Result<ExploreOutcome> {
    let clock = Clock::start();
    let m = Merge::<ExploreIdentity>::read(ExploreJob::KIND, ExploreJob::ITEM, shard_dirs)?;
    let id = &m.job.identity;
    let (file, as_given) = m.input_file(
        "the explore file",
        "; run merge where it and its scenarios are at the same paths",
    )?;
    let mut spec = ExploreSpec::load(&file)?;
    spec.file = PathBuf::from(&as_given);
    // the start the shards ran with (`--start` may have overridden the file's)
    spec.start = id.start;
    if id.states_origin != "lhs" {
        return Err(BadInput::err(format!(
            "the shards ran on states from {}; merging is supported for Latin-hypercube states",
            id.states_origin
        )));
    }
    let states = lhs_states(&spec, id.seed);
    let job = ExploreJob::new(&spec, &states, id.seed, Some(m.job.chunk_items as usize));
    if let Some(what) = job.id.differs(id) {
        return Err(BadInput::err(format!(
            "{}: the exploration (or a scenario it names) changed since the shards ran ({what})",
            file.display()
        )));
    }
    m.prepare(out, force)?;
    let mut table = empty_table(&spec, &states);
    m.fold(&mut |items, v: &[f64]| fill(&mut table, items, v))?;
    let provenance = m.provenance(command, states.n as u64);
    finish(&job, table, out, provenance, clock)
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn experiments_csv(o: &ExploreOutcome) -> String {
    let spec = &o.spec;
    let mut s = String::from("state,regime");
    for p in &o.states.paths {
        s.push(',');
        s.push_str(p);
    }
    for out in &spec.outcomes {
        s.push(',');
        s.push_str(&out.metric);
    }
    s.push('\n');
    for st in 0..o.states.n {
        let x = o.states.point(st);
        for (g, regime) in spec.regimes.iter().enumerate() {
            s.push_str(&format!("{st},{}", regime.name));
            for v in x {
                s.push(',');
                cell(&mut s, *v);
            }
            for k in 0..spec.outcomes.len() {
                s.push(',');
                cell(&mut s, o.table.get(st, g, k));
            }
            s.push('\n');
        }
    }
    s
}

fn robustness_csv(o: &ExploreOutcome) -> String {
    let r = &o.robustness;
    let mut s = String::from(
        "regime,outcome,direction,threshold,mean,mean_lo,mean_hi,p10,p50,p90,min,max,regret_mean,regret_mean_lo,regret_mean_hi,regret_p90,regret_p90_lo,regret_p90_hi,regret_max,threshold_share,satisficing,satisficing_lo,satisficing_hi\n",
    );
    for (g, regime) in o.spec.regimes.iter().enumerate() {
        for (k, out) in o.spec.outcomes.iter().enumerate() {
            let st = &r.stats[g][k];
            let iv = &r.intervals[g][k];
            s.push_str(&format!(
                "{},{},{},",
                regime.name,
                out.metric,
                out.direction.name()
            ));
            let si = r.satisficing_interval[g];
            let cells = [
                out.threshold.unwrap_or(f64::NAN),
                st.mean,
                iv[0].0,
                iv[0].1,
                st.p10,
                st.p50,
                st.p90,
                st.min,
                st.max,
                st.regret_mean,
                iv[1].0,
                iv[1].1,
                st.regret_p90,
                iv[2].0,
                iv[2].1,
                st.regret_max,
                st.threshold_share,
                r.satisficing[g],
                si.0,
                si.1,
            ];
            for (i, v) in cells.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                cell(&mut s, *v);
            }
            s.push('\n');
        }
    }
    s
}

fn ranking_csv(o: &ExploreOutcome) -> String {
    let mut s = String::from("criterion,outcome,rank,regime,value,confidence\n");
    for rank in &o.robustness.ranking {
        let outcome = rank
            .outcome
            .map_or("all_thresholds", |k| o.spec.outcomes[k].metric.as_str());
        for (i, &g) in rank.order.iter().enumerate() {
            s.push_str(&format!(
                "{},{outcome},{},{},",
                rank.criterion.name(),
                i + 1,
                o.spec.regimes[g].name
            ));
            cell(&mut s, rank.values[g]);
            s.push(',');
            if i == 0 {
                cell(&mut s, rank.confidence);
            }
            s.push('\n');
        }
    }
    s
}

fn boxes_csv(o: &ExploreOutcome) -> String {
    let mut s = String::from(
        "case,regime,description,cases,states,box_states,box_cases,coverage,density,mass,restricted,p_value,parameter,lower,upper,restricts_lower,restricts_upper,quasi_p_lower,quasi_p_upper\n",
    );
    for d in &o.discoveries {
        let Some(f) = &d.found else {
            let n = d.cases.iter().filter(|&&c| c).count();
            s.push_str(&format!(
                "{},{},{},{n},{},,,,,,0,,,,,,,,\n",
                d.discover.name,
                o.spec.regimes[d.discover.regime].name,
                csv_text(&case_text(&o.spec, &d.discover)),
                o.states.n
            ));
            continue;
        };
        for (k, dim) in o.dims.iter().enumerate() {
            s.push_str(&format!(
                "{},{},{},{},{},{},{},",
                d.discover.name,
                o.spec.regimes[d.discover.regime].name,
                csv_text(&case_text(&o.spec, &d.discover)),
                f.cases,
                f.n,
                f.stats.points,
                f.stats.cases
            ));
            for v in [f.stats.coverage, f.stats.density, f.stats.mass] {
                cell(&mut s, v);
                s.push(',');
            }
            s.push_str(&format!("{},", f.stats.restricted));
            cell(&mut s, f.p_value);
            s.push_str(&format!(",{},", dim.name));
            cell(&mut s, f.bounds.lo[k]);
            s.push(',');
            cell(&mut s, f.bounds.hi[k]);
            let lower = f.bounds.restricts(&o.dims, k, Side::Lower);
            let upper = f.bounds.restricts(&o.dims, k, Side::Upper);
            s.push_str(&format!(",{lower},{upper},"));
            let qp = |side: Side| {
                f.limits
                    .iter()
                    .find(|l| l.dim == k && l.side == side)
                    .map_or(f64::NAN, |l| l.quasi_p)
            };
            cell(&mut s, qp(Side::Lower));
            s.push(',');
            cell(&mut s, qp(Side::Upper));
            s.push('\n');
        }
    }
    s
}

fn peeling_csv(o: &ExploreOutcome) -> String {
    let mut s = String::from("case,step,phase,coverage,density,mass,restricted,selected\n");
    for d in &o.discoveries {
        let Some(f) = &d.found else { continue };
        for (i, st) in f.trajectory.iter().enumerate() {
            s.push_str(&format!("{},{i},{},", d.discover.name, st.phase.name()));
            for v in [st.stats.coverage, st.stats.density, st.stats.mass] {
                cell(&mut s, v);
                s.push(',');
            }
            s.push_str(&format!("{},{}\n", st.stats.restricted, i == f.selected));
        }
    }
    s
}

/// A number for a sentence or a label: 3 decimals below 10, 1 below 100, none from 100 up, and
/// two significant digits below 0.001.
pub fn num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    // the terminal tables' decimals, and two significant digits for values below 0.001
    let small = (-v.abs().log10()).ceil() as usize + 1;
    let d = crate::stats::decimals(v.abs()).max(if v.abs() < 0.001 { small } else { 0 });
    format!("{v:.d$}")
}

impl Discovery {
    /// The box in words: `iso.reserve_months_median ≤ 1.2 and iso.credit_line_months ≤ 0.3`.
    pub fn box_text(&self, dims: &[Dim]) -> Option<String> {
        let f = self.found.as_ref()?;
        if f.limits.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        for (k, dim) in dims.iter().enumerate() {
            let lo = f.bounds.restricts(dims, k, Side::Lower);
            let hi = f.bounds.restricts(dims, k, Side::Upper);
            let (a, b) = (num(f.bounds.lo[k]), num(f.bounds.hi[k]));
            match (lo, hi) {
                (true, true) => parts.push(format!("{a} ≤ {} ≤ {b}", dim.name)),
                (true, false) => parts.push(format!("{} ≥ {a}", dim.name)),
                (false, true) => parts.push(format!("{} ≤ {b}", dim.name)),
                (false, false) => {}
            }
        }
        Some(parts.join(" and "))
    }
}

impl ExploreOutcome {
    /// The answer in a few lines: per outcome the regime with the lowest 90th-percentile regret,
    /// the satisficing winner, where the criteria disagree, and each discovered box.
    pub fn headline(&self) -> Vec<String> {
        let spec = &self.spec;
        let names: Vec<String> = spec.regimes.iter().map(|g| g.name.clone()).collect();
        let r = &self.robustness;
        let conf = |c: f64| {
            if c.is_nan() {
                String::new()
            } else {
                format!(
                    ", best in {:.0}% of {} bootstrap resamples of the states",
                    100.0 * c,
                    r.bootstrap
                )
            }
        };
        let mut lines = vec![format!(
            "{}: {} regimes in {} states of the world x {} replications (common random numbers)",
            spec.name,
            names.len(),
            self.states.n,
            spec.reps_per_state
        )];
        for rank in &r.ranking {
            let best = rank.best();
            match (rank.criterion, rank.outcome) {
                (robust::Criterion::RegretP90, Some(k)) => lines.push(format!(
                    "{} has the lowest 90th-percentile regret on {} ({}{})",
                    names[best],
                    spec.outcomes[k].metric,
                    num(rank.values[best]),
                    conf(rank.confidence)
                )),
                (robust::Criterion::Satisficing, None) => lines.push(format!(
                    "{} meets every threshold in the most states ({:.0}%{})",
                    names[best],
                    100.0 * rank.values[best],
                    conf(rank.confidence)
                )),
                _ => {}
            }
        }
        let dis = r.disagreements(&names, &spec.outcomes);
        if dis.is_empty() {
            lines.push(format!(
                "every robustness metric agrees: {}",
                names[r.ranking[0].best()]
            ));
        } else {
            for d in dis {
                lines.push(format!("the metrics disagree on {d}"));
            }
        }
        for d in &self.discoveries {
            let n = d.cases.iter().filter(|&&c| c).count();
            let what = case_text(spec, &d.discover);
            let line = match (&d.found, d.box_text(&self.dims)) {
                (Some(f), Some(b)) if f.significant(d.discover.prim.significance) => format!(
                    "{what} in {n} of {} states, mostly when {b} (coverage {:.0}%, density {:.0}%, permutation p = {})",
                    self.states.n,
                    100.0 * f.stats.coverage,
                    100.0 * f.stats.density,
                    num(f.p_value)
                ),
                (Some(f), Some(b)) => format!(
                    "{what} in {n} of {} states; the best box ({b}) is not significant (permutation p = {})",
                    self.states.n,
                    num(f.p_value)
                ),
                _ => format!(
                    "{what} in {n} of {} states, with no box of the uncertainties that concentrates them",
                    self.states.n
                ),
            };
            lines.push(line);
        }
        lines
    }
}
