//! The native half of the `partnersim` Python package: thin PyO3 wrappers over the library's
//! registry, scenarios, runs (`partnersim run`'s own code), external designs (the sweep's job
//! core) and comparisons. The Python half (`partnersim/__init__.py`) turns the results into
//! pandas DataFrames.
//!
//! Every long call releases the GIL while the engine runs in a worker thread; the calling thread
//! checks for Ctrl-C every 50 ms and, on KeyboardInterrupt, asks the job core to stop (its chunk
//! boundary) and raises.

use partnersim::studies::compare::{self, CompareStatus};
use partnersim::studies::evaluate::{self, EvalOptions};
use partnersim::job::exec::Status;
use partnersim::job::interrupt::INTERRUPTED;
use partnersim::job::threads::Threads;
use partnersim::metrics::METRICS;
use partnersim::params::{registry, Kind, RawValue};
use partnersim::studies::run::{self, RunOptions};
use partnersim::input::scenario::Scenario;
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Bad input (the CLI's exit code 2) is a ValueError with the CLI's message; anything else a
/// RuntimeError.
fn py_err(e: anyhow::Error) -> PyErr {
    let msg = partnersim::error::render(&e);
    if partnersim::commands::is_bad_input(&e) {
        PyValueError::new_err(msg)
    } else {
        PyRuntimeError::new_err(msg)
    }
}

/// Runs `f` in a worker thread without the GIL; Ctrl-C in Python stops it between chunks.
fn interruptible<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> anyhow::Result<T> + Send,
) -> PyResult<T> {
    INTERRUPTED.store(false, Ordering::SeqCst);
    std::thread::scope(|s| {
        let h = s.spawn(f);
        loop {
            if h.is_finished() {
                break;
            }
            py.detach(|| std::thread::sleep(Duration::from_millis(50)));
            if let Err(e) = py.check_signals() {
                INTERRUPTED.store(true, Ordering::SeqCst);
                let _ = py.detach(|| h.join());
                INTERRUPTED.store(false, Ordering::SeqCst);
                return Err(e);
            }
        }
        match h.join() {
            Ok(r) => r.map_err(py_err),
            Err(_) => Err(PyRuntimeError::new_err("partnersim: the engine panicked")),
        }
    })
}

static SCRATCH: AtomicU64 = AtomicU64::new(0);

/// A fresh scratch directory for a run or a comparison (removed afterwards).
fn scratch() -> PathBuf {
    let n = SCRATCH.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!(
        "partnersim-py-{}-{n}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    ))
}

fn run_options(reps: u64, seed: u64, threads: Option<usize>) -> anyhow::Result<RunOptions> {
    Ok(RunOptions {
        reps,
        seed,
        threads: Threads::new(threads)?,
        quiet: true,
        resume: false,
        force: false,
        shard: None,
        timeseries: true,
        command: "python: partnersim".into(),
    })
}

/// A validated scenario.
#[pyclass(name = "Scenario", module = "partnersim._native", frozen)]
#[derive(Clone)]
struct PyScenario {
    inner: Scenario,
}

#[pymethods]
impl PyScenario {
    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }
    /// Its description.
    #[getter]
    fn description(&self) -> String {
        self.inner.description.clone()
    }
    /// SHA-256 of its resolved values (what every output records).
    #[getter]
    fn hash(&self) -> String {
        self.inner.content_hash()
    }
    /// The resolved scenario as TOML (every value, defaults filled in).
    fn to_toml(&self) -> String {
        self.inner.resolved_toml()
    }
    /// Every parameter's value, by dotted path (switches as bool, choices as their word).
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (spec, &v) in registry().iter().zip(&self.inner.values.0) {
            match spec.kind {
                Kind::Bool => d.set_item(&spec.path, v != 0.0)?,
                Kind::Choice(words) => d.set_item(&spec.path, words[v as usize])?,
                Kind::Int => d.set_item(&spec.path, v as i64)?,
                Kind::Float => d.set_item(&spec.path, v)?,
            }
        }
        Ok(d)
    }
    /// A copy with `--set`-style overrides applied (same checks, same messages).
    fn with_overrides(&self, sets: Vec<String>, name: Option<String>) -> PyResult<PyScenario> {
        self.inner
            .clone()
            .with_overrides(&sets, name.as_deref())
            .map(|inner| PyScenario { inner })
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
    fn __repr__(&self) -> String {
        format!(
            "partnersim.Scenario(name={:?}, hash={:?})",
            self.inner.name,
            &self.inner.content_hash()[..12]
        )
    }
}

/// The parameter registry: one dict per parameter.
#[pyfunction]
fn params(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    registry()
        .iter()
        .map(|p| {
            let d = PyDict::new(py);
            d.set_item("path", &p.path)?;
            let kind = match p.kind {
                Kind::Bool => "bool",
                Kind::Int => "int",
                Kind::Float => "float",
                Kind::Choice(_) => "choice",
            };
            d.set_item("kind", kind)?;
            d.set_item("unit", p.unit)?;
            d.set_item("default", p.default)?;
            d.set_item("default_text", p.value_text(p.default))?;
            d.set_item("min", p.min)?;
            d.set_item("max", p.max)?;
            d.set_item("range", p.range_text())?;
            d.set_item("description", p.description)?;
            d.set_item("source", p.source)?;
            Ok(d)
        })
        .collect()
}

/// The metric catalogue's names, in column order.
#[pyfunction]
fn metric_names() -> Vec<&'static str> {
    METRICS.iter().map(|m| m.name).collect()
}

/// Loads a scenario from a file (`is_text` false) or from TOML text, then applies overrides.
#[pyfunction]
#[pyo3(signature = (source, is_text, overrides, name=None))]
fn load_scenario(
    source: &str,
    is_text: bool,
    overrides: Vec<String>,
    name: Option<String>,
) -> PyResult<PyScenario> {
    let s = if is_text {
        Scenario::from_str("<text>", source)
    } else {
        Scenario::load(Path::new(source))
    }
    .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let s = if overrides.is_empty() && name.is_none() {
        s
    } else {
        s.with_overrides(&overrides, name.as_deref())
            .map_err(|e| PyValueError::new_err(e.to_string()))?
    };
    Ok(PyScenario { inner: s })
}

/// `partnersim run`'s own code into a scratch directory: (per-replication summaries as rows,
/// `timeseries.csv` text when asked).
#[pyfunction]
#[pyo3(signature = (scenario, reps, seed, threads=None, timeseries=false))]
fn run_scenario(
    py: Python<'_>,
    scenario: &PyScenario,
    reps: u64,
    seed: u64,
    threads: Option<usize>,
    timeseries: bool,
) -> PyResult<(Vec<Vec<f64>>, Option<String>)> {
    let s = scenario.inner.clone();
    // without the time series the run keeps no month-by-month statistics at all
    let opts = RunOptions {
        timeseries,
        ..run_options(reps, seed, threads).map_err(py_err)?
    };
    let dir = scratch();
    let result = interruptible(py, || {
        let o = run::run(&s, &opts, &dir)?;
        if let Status::Interrupted { .. } = o.status {
            anyhow::bail!("interrupted");
        }
        let ts = if timeseries {
            Some(std::fs::read_to_string(dir.join("timeseries.csv"))?)
        } else {
            None
        };
        Ok((o.summaries.iter().map(|r| r.to_vec()).collect(), ts))
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn raw_value(v: &Bound<'_, PyAny>) -> PyResult<RawValue> {
    if v.is_instance_of::<PyBool>() {
        Ok(RawValue::Bool(v.extract()?))
    } else if v.is_instance_of::<PyInt>() {
        Ok(RawValue::Int(v.extract()?))
    } else if v.is_instance_of::<PyFloat>() {
        Ok(RawValue::Float(v.extract()?))
    } else if v.is_instance_of::<PyString>() {
        Ok(RawValue::Str(v.extract()?))
    } else {
        Err(PyValueError::new_err(format!(
            "design value {}: expected a number, a bool or a string",
            v.repr()?
        )))
    }
}

/// Evaluates a design (`cells` row-major over `columns`): (outputs, points, reps, values
/// point-major, then replication, then output).
#[pyfunction]
#[pyo3(signature = (scenario, columns, cells, reps, seed, threads=None, outputs=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn evaluate_design(
    py: Python<'_>,
    scenario: &PyScenario,
    columns: Vec<String>,
    cells: Vec<Bound<'_, PyAny>>,
    reps: usize,
    seed: u64,
    threads: Option<usize>,
    outputs: Vec<String>,
) -> PyResult<(Vec<String>, usize, usize, Vec<f64>)> {
    let raw: Vec<RawValue> = cells.iter().map(raw_value).collect::<PyResult<_>>()?;
    let values = evaluate::check_design(&columns, &raw).map_err(|e| PyValueError::new_err(e.0))?;
    let opts = EvalOptions {
        reps,
        seed,
        threads,
        outputs,
    };
    let s = scenario.inner.clone();
    let e = interruptible(py, || {
        evaluate::evaluate(&s, &columns, &values, &opts, &std::env::temp_dir())
    })?;
    if e.interrupted {
        return Err(PyKeyboardInterrupt::new_err("interrupted"));
    }
    Ok((e.outputs, e.points, e.reps, e.values))
}

/// `partnersim compare`'s own code into a scratch directory: `comparison.csv` text and the
/// baseline's name.
#[pyfunction]
#[pyo3(signature = (scenarios, baseline, reps, seed, threads=None))]
fn compare_scenarios(
    py: Python<'_>,
    scenarios: Vec<PyRef<'_, PyScenario>>,
    baseline: Option<String>,
    reps: u64,
    seed: u64,
    threads: Option<usize>,
) -> PyResult<(String, String)> {
    let list: Vec<Scenario> = scenarios.iter().map(|s| s.inner.clone()).collect();
    let opts = run_options(reps, seed, threads).map_err(py_err)?;
    let dir = scratch();
    let result = interruptible(py, || {
        match compare::compare(&list, baseline.as_deref(), &opts, &dir)? {
            CompareStatus::Finished(c) => Ok((compare::comparison_csv(&c.rows), c.baseline)),
            _ => anyhow::bail!("interrupted"),
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyScenario>()?;
    m.add_function(wrap_pyfunction!(params, m)?)?;
    m.add_function(wrap_pyfunction!(metric_names, m)?)?;
    m.add_function(wrap_pyfunction!(load_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(run_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate_design, m)?)?;
    m.add_function(wrap_pyfunction!(compare_scenarios, m)?)?;
    Ok(())
}
