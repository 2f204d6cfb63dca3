//! `partnersim serve`: the classroom page, a local web server with live sliders.
//!
//! One page (HTML, CSS and JavaScript compiled into the binary; nothing is loaded from
//! anywhere else) shows the classroom groups of a folder (`scenarios/classroom/` by default) as
//! guided lessons: the question, what to try (each scenario with a "show me" button that sets
//! the levers to it), what to watch, and sliders and switches for the levers of
//! `src/serve/levers.toml` (compiled in; `--levers FILE` reads another). Every move asks the
//! server for a fresh run of the lesson's scenario with the levers' parameters set, validated
//! exactly as `--set` is; the server runs the replications
//! on all cores, on the same seed and replication indices as the lesson's baseline (so the
//! differences it reports are paired), and answers with per-month bands and summaries. The
//! page draws them as inline SVG with the baseline always drawn beside.
//!
//! The HTTP layer is [`http`], a small HTTP/1.1 server on `std::net` that bounds what any client
//! can hold (connections, threads, time, header and body bytes: [`http::LIMITS`]). Over it, this
//! module binds to 127.0.0.1 unless told otherwise and then refuses requests addressed to
//! another host name (DNS rebinding); refuses a request whose `Origin` is not the server's own
//! (403: another site's page cannot make it compute) and a run not sent as
//! `application/json` (415); gives runs their turns ([`RUNS_AT_ONCE`] computing,
//! [`RUNS_WAITING`] waiting, then 503) while reads (the page, its files, the lessons) are
//! answered at once on their own connection threads; stops a run when its client has gone (or
//! when the page sends a newer one); answers bad requests with 400 and the command line's
//! message; limits the work one request can ask for ([`api::BUDGET`], the command line's rule); and turns a failure of
//! the model into a 500 answer rather than a crash. Ctrl-C stops it (exit code 130).
//!
//! [`serve`] is the entry point; [`App`] answers requests without any network, for tests
//! ([`App::handle_until`] is the same with a way to learn that the client has gone).

pub mod api;
pub mod engine;
pub mod http;
pub mod levers;
pub mod robustness;

use crate::error::BadInput;
use crate::input::scenario::Scenario;
use crate::metrics::{self, Better};
use crate::serve::lesson::Lesson;
use engine::{ArmStats, Cache, Generations};
use levers::Levers;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `partnersim serve` options (the binary's flags, parsed).
#[derive(Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port; the address is printed).
    pub port: u16,
    /// Address to listen on. The default serves this computer only; another address (e.g.
    /// 0.0.0.0 for a classroom network) lets other computers in.
    pub host: String,
    /// Open the page in the default browser.
    pub open: bool,
    /// Folder of classroom groups (subfolders with an about.md and scenario files).
    pub lessons: PathBuf,
    /// Levers file (default: the built-in levers; the format is that of src/serve/levers.toml).
    pub levers: Option<PathBuf>,
    /// Replications per run (2 to 256): enough for stable bands, few enough to answer a slider
    /// move in well under a second.
    pub reps: u64,
    /// Master seed of every run (runs are paired with the baseline on it).
    pub seed: u64,
    /// Worker threads for the model (default: all cores).
    pub threads: Option<usize>,
}

/// An answer: status, content type, body.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status
    pub status: u16,
    /// content type
    pub content_type: &'static str,
    /// body
    pub body: Vec<u8>,
}

impl Reply {
    fn json<T: Serialize>(status: u16, v: &T) -> Reply {
        match serde_json::to_vec(v) {
            Ok(body) => Reply {
                status,
                content_type: "application/json",
                body,
            },
            Err(e) => Reply::error(500, &format!("cannot encode the answer: {e}")),
        }
    }
    fn error(status: u16, msg: &str) -> Reply {
        let body = serde_json::json!({ "error": msg }).to_string().into_bytes();
        Reply {
            status,
            content_type: "application/json",
            body,
        }
    }
    fn text(content_type: &'static str, s: &'static str) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: s.as_bytes().to_vec(),
        }
    }
}

/// The page, its style and its script, compiled in.
const PAGE_HTML: &str = include_str!("page.html");
const PAGE_CSS: &str = include_str!("page.css");
const PAGE_JS: &str = include_str!("page.js");

/// One lesson, loaded: the group, its scenarios (baseline first) and what the page shows of it.
#[derive(Debug)]
struct LessonData {
    lesson: Lesson,
    scenarios: Vec<Scenario>,
    /// ids of the levers whose parameters the lesson's scenarios change
    levers: Vec<String>,
    /// metrics charted: the page's, then the watched ones
    charts: Vec<String>,
}

/// A request of the page, checked ([`App::parse`]).
struct Parsed<'a> {
    lesson: &'a LessonData,
    /// the lesson scenario the levers start from
    start: &'a Scenario,
    /// it, with the request's `set` applied
    scenario: Scenario,
    reps: u64,
    chart: Vec<String>,
    client: Option<String>,
    set: BTreeMap<String, serde_json::Value>,
}

/// Everything the server knows, and the state shared by its handler threads.
pub struct App {
    lessons: Vec<LessonData>,
    levers: Levers,
    reps: u64,
    seed: u64,
    pool: rayon::ThreadPool,
    cache: Mutex<Cache>,
    /// warmed-up states of lesson baselines (the present start)
    presents: Mutex<engine::Presents>,
    generations: Mutex<Generations>,
    lessons_json: Vec<u8>,
    /// assumption notes by (lesson, scenario hash, metric, reps): computed once each
    notes: Mutex<BTreeMap<(String, String, String, u64), robustness::Note>>,
}

#[derive(Serialize)]
struct MetricJson {
    label: &'static str,
    unit: &'static str,
    better: &'static str,
    better_text: &'static str,
    description: &'static str,
}

#[derive(Serialize)]
struct ScenarioJson {
    name: String,
    /// a human title (the description's head, else the name spelled out)
    title: String,
    description: String,
    /// lever id -> value in this scenario
    levers: BTreeMap<String, serde_json::Value>,
    /// lever ids whose paths differ in this scenario
    mixed: Vec<String>,
}

#[derive(Serialize)]
struct LessonJson {
    slug: String,
    title: String,
    question: String,
    explanation: String,
    /// the prediction prompt and the metric it is about
    predict: String,
    predict_metric: Option<String>,
    /// what to notice (the hand-out's list)
    notice: Vec<String>,
    watch: Vec<String>,
    baseline: String,
    levers: Vec<String>,
    charts: Vec<String>,
    scenarios: Vec<ScenarioJson>,
}

#[derive(Serialize)]
struct LessonsJson<'a> {
    reps: u64,
    seed: u64,
    interval: &'static str,
    levers: &'a [levers::Lever],
    metrics: BTreeMap<&'static str, MetricJson>,
    lessons: Vec<LessonJson>,
}

fn load_lesson(dir: &Path, levers: &Levers) -> Result<Option<LessonData>, BadInput> {
    let Some(lesson) = crate::serve::lesson::read(dir).map_err(|e| BadInput(e.to_string()))? else {
        return Ok(None);
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| BadInput(format!("{}: cannot read: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut scenarios = Vec::new();
    for f in &files {
        scenarios.push(Scenario::load(f).map_err(|e| BadInput(e.to_string()))?);
    }
    if scenarios.is_empty() {
        return Err(BadInput(format!("{}: no scenario files", dir.display())));
    }
    let base = match &lesson.baseline {
        Some(b) => scenarios.iter().position(|s| &s.name == b).ok_or_else(|| {
            BadInput(format!(
                "{}/about.md: baseline `{b}` is not one of its scenarios",
                dir.display()
            ))
        })?,
        None => 0,
    };
    let b = scenarios.remove(base);
    scenarios.insert(0, b);
    // the levers whose parameters the lesson's scenarios change
    let mut changed: Vec<String> = Vec::new();
    for s in &scenarios[1..] {
        for (path, _, _) in s.differences_from(&scenarios[0]) {
            changed.push(path);
        }
    }
    let lesson_levers = levers
        .levers
        .iter()
        .filter(|l| l.paths.iter().any(|p| changed.contains(p)))
        .map(|l| l.id.clone())
        .collect();
    let mut charts = levers.charts.clone();
    for w in lesson
        .watch
        .iter()
        .chain(lesson.prediction_metric().map(String::from).as_ref())
    {
        if !charts.contains(w) {
            charts.push(w.clone());
        }
    }
    Ok(Some(LessonData {
        lesson,
        scenarios,
        levers: lesson_levers,
        charts,
    }))
}

fn better_word(b: Better) -> &'static str {
    match b {
        Better::Higher => "higher",
        Better::Lower => "lower",
        Better::Neither => "neither",
    }
}

impl App {
    /// Loads the lessons of `dir` (every subfolder with an `about.md`) and the levers of
    /// `levers_file` (the built-in ones when `None`).
    pub fn load(
        dir: &Path,
        levers_file: Option<&Path>,
        reps: u64,
        seed: u64,
        threads: Option<usize>,
    ) -> anyhow::Result<App> {
        let (lo, hi) = api::REPS_RANGE;
        if !(lo..=hi).contains(&reps) {
            return Err(BadInput::err(format!(
                "--reps {reps}: must be between {lo} and {hi}"
            )));
        }
        if !dir.is_dir() {
            return Err(BadInput::err(format!(
                "{}: no such folder; run partnersim serve in the partnersim folder or name the classroom folder with --lessons DIR",
                dir.display()
            )));
        }
        let levers = match levers_file {
            Some(p) => levers::read(p),
            None => levers::built_in(),
        }?;
        let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| BadInput(format!("{}: cannot read: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        subdirs.sort();
        let mut lessons = Vec::new();
        for d in &subdirs {
            if let Some(l) = load_lesson(d, &levers)? {
                lessons.push(l);
            }
        }
        if lessons.is_empty() {
            return Err(BadInput::err(format!(
                "{}: no classroom group (a folder with an about.md and scenario files)",
                dir.display()
            )));
        }
        let threads =
            crate::job::threads::Threads::new(threads).map_err(|e| BadInput(e.to_string()))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.count())
            .build()
            .map_err(|e| BadInput(format!("cannot start worker threads: {e}")))?;
        let mut app = App {
            lessons,
            levers,
            reps,
            seed,
            pool,
            cache: Mutex::new(Cache::default()),
            presents: Mutex::new(engine::Presents::default()),
            generations: Mutex::new(Generations::default()),
            lessons_json: Vec::new(),
            notes: Mutex::new(BTreeMap::new()),
        };
        app.lessons_json = app.describe();
        Ok(app)
    }

    /// Replications per run unless a request asks otherwise.
    pub fn reps(&self) -> u64 {
        self.reps
    }

    fn describe(&self) -> Vec<u8> {
        let mut used: Vec<&str> = Vec::new();
        for l in &self.lessons {
            for c in &l.charts {
                if !used.contains(&c.as_str()) {
                    used.push(c);
                }
            }
        }
        let metrics = metrics::METRICS
            .iter()
            .filter(|m| used.contains(&m.name))
            .map(|m| {
                (
                    m.name,
                    MetricJson {
                        label: m.label,
                        unit: m.unit,
                        better: better_word(m.better),
                        better_text: m.better_text(),
                        description: m.description,
                    },
                )
            })
            .collect();
        let lessons = self
            .lessons
            .iter()
            .map(|l| LessonJson {
                slug: l.lesson.slug.clone(),
                title: l.lesson.title.clone(),
                question: l.lesson.question.clone(),
                explanation: l.lesson.explanation.clone(),
                predict: l.lesson.prediction_prompt(),
                predict_metric: l.lesson.prediction_metric().map(String::from),
                notice: l.lesson.notice.clone(),
                watch: l.lesson.watch.clone(),
                baseline: l.scenarios[0].name.clone(),
                levers: l.levers.clone(),
                charts: l.charts.clone(),
                scenarios: l
                    .scenarios
                    .iter()
                    .map(|s| {
                        let mut values = BTreeMap::new();
                        let mut mixed = Vec::new();
                        for lever in &self.levers.levers {
                            let (v, m) = lever.value_in(s);
                            values.insert(lever.id.clone(), v);
                            if m {
                                mixed.push(lever.id.clone());
                            }
                        }
                        let (title, description) =
                            crate::serve::lesson::scenario_title(&s.name, &s.description);
                        ScenarioJson {
                            name: s.name.clone(),
                            title,
                            description,
                            levers: values,
                            mixed,
                        }
                    })
                    .collect(),
            })
            .collect();
        let doc = LessonsJson {
            reps: self.reps,
            seed: self.seed,
            interval: crate::output::plot::INTERVAL_NOTE,
            levers: &self.levers.levers,
            metrics,
            lessons,
        };
        serde_json::to_vec(&doc).unwrap_or_default()
    }

    /// Answers one request (the Host header is checked before, by the listener).
    pub fn handle(&self, method: &str, url: &str, body: &[u8]) -> Reply {
        self.handle_until(method, url, body, &|| false)
    }

    /// Answers one request; a run stops (answered 409) as soon as `gone` says that its client
    /// has gone.
    pub fn handle_until(
        &self,
        method: &str,
        url: &str,
        body: &[u8],
        gone: &(dyn Fn() -> bool + Sync),
    ) -> Reply {
        let path = url.split(['?', '#']).next().unwrap_or("");
        match (method, path) {
            ("GET" | "HEAD", "/" | "/index.html") => {
                Reply::text("text/html; charset=utf-8", PAGE_HTML)
            }
            ("GET" | "HEAD", "/app.css") => Reply::text("text/css; charset=utf-8", PAGE_CSS),
            ("GET" | "HEAD", "/app.js") => Reply::text("text/javascript; charset=utf-8", PAGE_JS),
            ("GET" | "HEAD", "/api/lessons") => Reply {
                status: 200,
                content_type: "application/json",
                body: self.lessons_json.clone(),
            },
            ("POST", "/api/run") => self.run(body, gone),
            ("POST", "/api/assumptions") => self.assumptions(body, gone),
            (_, "/" | "/index.html" | "/app.css" | "/app.js" | "/api/lessons") => {
                Reply::error(405, &format!("{method} {path}: use GET"))
            }
            (_, "/api/run" | "/api/assumptions") => {
                Reply::error(405, &format!("{method} {path}: use POST"))
            }
            _ => Reply::error(404, &format!("{path}: no such page")),
        }
    }

    /// A finished run of `s` with `reps` replications: from the cache, or computed (then the
    /// seconds it took); `None` when cancelled, an error when the model fails. With `base` (the
    /// present start), `s` continues from the base's warmed-up states, unless it changes a
    /// parameter that cannot change during a run (then it warms up itself).
    fn arm(
        &self,
        s: &Scenario,
        base: Option<&Scenario>,
        reps: u64,
        wanted: &[usize],
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<(Arc<ArmStats>, f64)>, String> {
        let base =
            base.filter(|b| crate::model::fork::fixed_changes(&b.values, &s.values).is_empty());
        let key = match base {
            Some(b) => (
                format!("{} from {}", s.content_hash(), b.content_hash()),
                self.seed,
                reps,
            ),
            None => (s.content_hash(), self.seed, reps),
        };
        // a kept run serves a request whose charts it reduced (a page asks for its lesson's
        // charts every time); for other charts it is run again, reducing them
        if let Some(hit) = self
            .cache
            .lock()
            .ok()
            .and_then(|mut c| c.get(&key))
            .filter(|a| a.has(wanted))
        {
            return Ok(Some((hit, 0.0)));
        }
        let cfg = s.config();
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match base {
            None => Ok(engine::run_arm(
                &cfg, self.seed, reps, wanted, &self.pool, cancelled,
            )),
            Some(b) => {
                let pkey = (b.content_hash(), self.seed);
                let kept = self
                    .presents
                    .lock()
                    .ok()
                    .and_then(|mut p| p.get(&pkey, reps));
                let present = match kept {
                    Some(p) => p,
                    None => {
                        let Some(p) =
                            engine::warm_up(&b.config(), self.seed, reps, &self.pool, cancelled)
                        else {
                            return Ok(None);
                        };
                        let p = Arc::new(p);
                        if let Ok(mut store) = self.presents.lock() {
                            store.put(pkey, p.clone());
                        }
                        p
                    }
                };
                engine::run_arm_from(&present, &cfg, reps, wanted, &self.pool, cancelled)
            }
        }))
        .map_err(|p| {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("the model failed for these settings: {what}")
        })??;
        Ok(out.map(|a| {
            let secs = a.seconds;
            let a = Arc::new(a);
            if let Ok(mut c) = self.cache.lock() {
                c.put(key, a.clone());
            }
            (a, secs)
        }))
    }

    /// A request of the page, checked: the lesson, the scenario with `set` applied, the
    /// replications and the metrics; an error answer when anything is wrong.
    fn parse(&self, body: &[u8]) -> Result<Parsed<'_>, Reply> {
        if body.len() > api::MAX_BODY {
            return Err(Reply::error(
                400,
                &format!("request body larger than {} bytes", api::MAX_BODY),
            ));
        }
        let rq: api::RunRequest = match serde_json::from_slice(body) {
            Ok(r) => r,
            Err(e) => return Err(Reply::error(400, &format!("request body: {e}"))),
        };
        let Some(l) = self.lessons.iter().find(|l| l.lesson.slug == rq.lesson) else {
            let have: Vec<&str> = self
                .lessons
                .iter()
                .map(|l| l.lesson.slug.as_str())
                .collect();
            return Err(Reply::error(
                400,
                &format!(
                    "unknown lesson `{}` (lessons: {})",
                    rq.lesson,
                    have.join(", ")
                ),
            ));
        };
        let Some(start) = l.scenarios.iter().find(|s| s.name == rq.scenario) else {
            let have: Vec<&str> = l.scenarios.iter().map(|s| s.name.as_str()).collect();
            return Err(Reply::error(
                400,
                &format!(
                    "lesson `{}` has no scenario `{}` (scenarios: {})",
                    rq.lesson,
                    rq.scenario,
                    have.join(", ")
                ),
            ));
        };
        let reps = rq.reps.unwrap_or(self.reps);
        let (lo, hi) = api::REPS_RANGE;
        if !(lo..=hi).contains(&reps) {
            return Err(Reply::error(
                400,
                &format!("reps {reps}: must be between {lo} and {hi}"),
            ));
        }
        let chart = rq.metrics.clone().unwrap_or_else(|| l.charts.clone());
        if chart.is_empty() || chart.len() > api::MAX_METRICS {
            return Err(Reply::error(
                400,
                &format!("metrics: between 1 and {} metrics", api::MAX_METRICS),
            ));
        }
        if let Some(bad) = chart.iter().find(|m| metrics::spec(m).is_none()) {
            return Err(Reply::error(
                400,
                &format!("metrics: `{bad}` is not a metric"),
            ));
        }
        if let Some(c) = &rq.client {
            if c.is_empty()
                || c.len() > 64
                || !c
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
            {
                return Err(Reply::error(
                    400,
                    "client: 1 to 64 letters, digits, `-` or `_`",
                ));
            }
        }
        let scenario = match api::apply_set(start, &rq.set) {
            Ok(s) => s,
            Err(e) => return Err(Reply::error(400, &e)),
        };
        if let Err(e) = api::check_work(&scenario, reps) {
            return Err(Reply::error(400, &e));
        }
        Ok(Parsed {
            lesson: l,
            start,
            scenario,
            reps,
            chart,
            client: rq.client,
            set: rq.set,
        })
    }

    /// `POST /api/assumptions`: the [`robustness::Note`] of the request's scenario (with its
    /// `set`) against the lesson's baseline, on the first of `metrics` (default: the lesson's
    /// predicted metric), computed once and kept.
    fn assumptions(&self, body: &[u8], gone: &(dyn Fn() -> bool + Sync)) -> Reply {
        let p = match self.parse(body) {
            Ok(p) => p,
            Err(r) => return r,
        };
        let l = p.lesson;
        let metric = match p.chart.first() {
            Some(m) if p.chart != l.charts => m.clone(),
            _ => l
                .lesson
                .prediction_metric()
                .map(String::from)
                .unwrap_or_else(|| l.charts[0].clone()),
        };
        let key = (
            l.lesson.slug.clone(),
            p.scenario.content_hash(),
            metric.clone(),
            p.reps,
        );
        if let Some(n) = self.notes.lock().ok().and_then(|n| n.get(&key).cloned()) {
            return Reply::json(200, &n);
        }
        let from_present = matches!(
            l.lesson.start.unwrap_or_default(),
            crate::studies::compare::start::Start::Present
        );
        // a newer run of the same page stops the check (the page asks again later)
        let watched = p
            .client
            .as_deref()
            .and_then(|c| self.generations.lock().ok().and_then(|g| g.current(c)));
        let cancelled = || {
            watched
                .as_ref()
                .is_some_and(|(counter, g)| counter.load(Ordering::SeqCst) != *g)
                || gone()
        };
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            robustness::check(
                &l.scenarios[0],
                &p.scenario,
                from_present,
                &metric,
                &robustness::Runs {
                    seed: self.seed,
                    reps: p.reps,
                    pool: &self.pool,
                    cancelled: &cancelled,
                },
            )
        }));
        match out {
            Ok(Ok(Some(n))) => {
                if let Ok(mut notes) = self.notes.lock() {
                    notes.insert(key, n.clone());
                }
                Reply::json(200, &n)
            }
            Ok(Ok(None)) => Reply::error(
                409,
                "superseded by a newer request of this page before the check finished",
            ),
            Ok(Err(e)) => Reply::error(500, &e),
            Err(_) => Reply::error(500, "the model failed while checking the assumptions"),
        }
    }

    fn run(&self, body: &[u8], gone: &(dyn Fn() -> bool + Sync)) -> Reply {
        let Parsed {
            lesson: l,
            start,
            scenario,
            reps,
            chart,
            client,
            set,
        } = match self.parse(body) {
            Ok(p) => p,
            Err(r) => return r,
        };
        let generation = client
            .as_deref()
            .and_then(|c| self.generations.lock().ok().map(|mut g| g.start(c)));
        let cancelled = || {
            generation
                .as_ref()
                .is_some_and(|(counter, g)| counter.load(Ordering::SeqCst) != *g)
                || gone()
        };
        let superseded = || Reply::error(409, "superseded by a newer request of this page");
        // the present start (unless the lesson says `start: steady`): every run continues from
        // the lesson baseline's warmed-up states
        let from = match l.lesson.start.unwrap_or_default() {
            crate::studies::compare::start::Start::Present => Some(&l.scenarios[0]),
            crate::studies::compare::start::Start::Steady => None,
        };
        let wanted: Vec<usize> = chart
            .iter()
            .filter_map(|m| metrics::metric_index(m))
            .collect();
        let base = match self.arm(&l.scenarios[0], from, reps, &wanted, &cancelled) {
            Ok(Some(b)) => b,
            Ok(None) => return superseded(),
            Err(e) => return Reply::error(500, &e),
        };
        let run = match self.arm(&scenario, from, reps, &wanted, &cancelled) {
            Ok(Some(r)) => r,
            Ok(None) => return superseded(),
            Err(e) => return Reply::error(500, &e),
        };
        let mut answer = api::response(
            &l.lesson.slug,
            &start.name,
            &l.scenarios[0].name,
            self.seed,
            &set,
            &chart,
            &run.0,
            &base.0,
            run.1 + base.1,
        );
        // replication 0 of each arm, traced while it was computed (from the present, when the
        // lesson starts there)
        answer.organizations = Some(api::organizations(&run.0.trace, &base.0.trace));
        Reply::json(200, &answer)
    }
}

/// Whether a request's Host header names this computer (when the server listens on a loopback
/// address, requests for any other name are refused: a web page elsewhere cannot drive it).
fn host_allowed(host: Option<&str>, port: u16) -> bool {
    let Some(h) = host else {
        return false;
    };
    let h = h.trim().to_ascii_lowercase();
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| h == format!("{name}:{port}") || (port == 80 && h == *name))
}

/// Runs computed at once; further runs wait their turn (reads never wait: each connection has
/// its own thread, and only runs take a turn here).
pub const RUNS_AT_ONCE: usize = 2;
/// Runs waiting for their turn; a run beyond these is answered 503 (try again).
pub const RUNS_WAITING: usize = 32;

/// The turns of runs: at most [`RUNS_AT_ONCE`] computing, [`RUNS_WAITING`] waiting.
#[derive(Default)]
struct RunTurns {
    /// (computing, waiting)
    counts: Mutex<(usize, usize)>,
    done: std::sync::Condvar,
}

/// A run's turn, given back when dropped.
struct Turn<'a>(&'a RunTurns);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Ok(mut c) = self.0.counts.lock() {
            c.0 -= 1;
        }
        self.0.done.notify_all();
    }
}

impl RunTurns {
    /// Waits for a turn; `Err` with the answer when the queue is full, the server stops or the
    /// client has gone.
    fn take(&self, gone: &dyn Fn() -> bool) -> Result<Turn<'_>, Reply> {
        let busy = || {
            Reply::error(
                503,
                &format!(
                    "the server is busy with {} runs; try again in a moment",
                    RUNS_AT_ONCE + RUNS_WAITING
                ),
            )
        };
        let mut c = self.counts.lock().map_err(|_| busy())?;
        if c.0 < RUNS_AT_ONCE {
            c.0 += 1;
            return Ok(Turn(self));
        }
        if c.1 >= RUNS_WAITING {
            return Err(busy());
        }
        c.1 += 1;
        loop {
            c = match self.done.wait_timeout(c, Duration::from_millis(50)) {
                Ok((c, _)) => c,
                Err(_) => return Err(busy()),
            };
            if c.0 < RUNS_AT_ONCE {
                c.1 -= 1;
                c.0 += 1;
                return Ok(Turn(self));
            }
            if gone() || crate::job::interrupt::interrupted() {
                c.1 -= 1;
                return Err(Reply::error(409, "the client has gone"));
            }
        }
    }
}

/// The server's answers over HTTP: the checks of the network (host, origin, content type), the
/// turns of runs, then [`App`].
struct Site {
    app: Arc<App>,
    /// listening on a loopback address (then only requests for this computer's names)
    loopback: bool,
    port: u16,
    runs: RunTurns,
}

/// Whether a request's `Origin` (when it has one) is the server's own: the page this server
/// sent, as the browser names it (`http://` and the request's Host). A page of another site
/// (or a sandboxed one, `null`) is refused, so it cannot make this server compute.
fn origin_allowed(origin: Option<&str>, host: Option<&str>) -> bool {
    match (origin, host) {
        (None, _) => true,
        (Some(o), Some(h)) => o.eq_ignore_ascii_case(&format!("http://{h}")),
        (Some(_), None) => false,
    }
}

/// Whether a `Content-Type` is JSON (`application/json`, parameters allowed).
fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|t| {
        t.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    })
}

impl Site {
    fn reply(&self, x: &http::Exchange) -> Reply {
        let rq = x.request;
        let host = rq.header("Host");
        if self.loopback && !host_allowed(host, self.port) {
            let port = self.port;
            return Reply::error(
                403,
                &format!(
                    "this server answers requests for 127.0.0.1:{port} or localhost:{port} only"
                ),
            );
        }
        if !origin_allowed(rq.header("Origin"), host) {
            return Reply::error(
                403,
                "this server answers its own page only (the request came from another site)",
            );
        }
        let path = rq.target.split(['?', '#']).next().unwrap_or("");
        if rq.method == "POST" && matches!(path, "/api/run" | "/api/assumptions") {
            if !is_json(rq.header("Content-Type")) {
                return Reply::error(
                    415,
                    &format!("POST {path}: send Content-Type: application/json"),
                );
            }
            let gone = || x.client_gone();
            let _turn = match self.runs.take(&gone) {
                Ok(t) => t,
                Err(r) => return r,
            };
            return self
                .app
                .handle_until(&rq.method, &rq.target, &rq.body, &gone);
        }
        self.app.handle(&rq.method, &rq.target, &rq.body)
    }
}

impl http::Handler for Site {
    fn answer(&self, x: &http::Exchange) -> http::Response {
        let reply = self.reply(x);
        let mut headers: Vec<(&'static str, String)> = vec![
            ("Content-Type", reply.content_type.into()),
            ("Cache-Control", "no-store".into()),
            ("X-Content-Type-Options", "nosniff".into()),
            (
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'".into(),
            ),
        ];
        if reply.status == 503 {
            headers.push(("Retry-After", "1".into()));
        }
        http::Response {
            status: reply.status,
            headers,
            body: reply.body,
        }
    }
}

fn open_browser(url: &str) {
    let (cmd, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    match std::process::Command::new(cmd)
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            std::thread::spawn(move || {
                let _ = child.wait();
            });
        }
        Err(e) => eprintln!("partnersim serve: cannot open a browser ({cmd}: {e}); open {url}"),
    }
}

/// Runs the classroom server until Ctrl-C: prints its address on standard output, then
/// answers requests. Returns when interrupted (the command then exits with code 130).
pub fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let app = Arc::new(App::load(
        &args.lessons,
        args.levers.as_deref(),
        args.reps,
        args.seed,
        args.threads,
    )?);
    let limits = http::Limits {
        max_body: api::MAX_BODY,
        ..http::LIMITS
    };
    let server = http::Server::bind((args.host.as_str(), args.port), limits)
        .map_err(|e| BadInput(format!("cannot listen on {}:{}: {e}", args.host, args.port)))?;
    let addr = server
        .local_addr()
        .map_err(|e| BadInput(format!("the server has no address: {e}")))?;
    let loopback = addr.ip().is_loopback();
    // Ctrl-C sets a flag; this thread sees it and wakes the listener
    std::thread::spawn(move || loop {
        if crate::job::interrupt::interrupted() {
            http::wake(addr);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    });
    // the address is announced once the server's own threads are all running (a client that
    // counts them, as the hardening tests do, sees the whole set)
    let url = format!("http://{addr}/");
    println!("partnersim serve: {url} (Ctrl-C to stop)");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    if !loopback {
        eprintln!(
            "partnersim serve: listening on {addr}: other computers on the network can use this page"
        );
    }
    if args.open {
        open_browser(&url);
    }
    let site = Arc::new(Site {
        app,
        loopback,
        port: addr.port(),
        runs: RunTurns::default(),
    });
    server.run(site, &crate::job::interrupt::interrupted);
    eprintln!("partnersim serve: stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_computer_may_ask() {
        assert!(host_allowed(Some("127.0.0.1:8080"), 8080));
        assert!(host_allowed(Some("localhost:8080"), 8080));
        assert!(host_allowed(Some("[::1]:8080"), 8080));
        assert!(!host_allowed(Some("evil.example:8080"), 8080));
        assert!(!host_allowed(Some("127.0.0.1:9090"), 8080));
        assert!(!host_allowed(None, 8080));
    }

    #[test]
    fn only_this_servers_page_and_json_may_ask_for_runs() {
        let host = Some("127.0.0.1:8080");
        assert!(origin_allowed(None, host));
        assert!(origin_allowed(Some("http://127.0.0.1:8080"), host));
        assert!(origin_allowed(
            Some("HTTP://LocalHost:8080"),
            Some("localhost:8080")
        ));
        assert!(!origin_allowed(Some("http://evil.example"), host));
        assert!(!origin_allowed(Some("http://127.0.0.1:9090"), host));
        assert!(!origin_allowed(Some("https://127.0.0.1:8080"), host));
        assert!(!origin_allowed(Some("null"), host));
        assert!(!origin_allowed(Some("http://127.0.0.1:8080"), None));
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("Application/JSON; charset=utf-8")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(Some("application/jsonp")));
        assert!(!is_json(None));
    }
}
pub mod lesson;
