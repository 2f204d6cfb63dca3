"""partnersim from Python: the parameter registry, validated scenarios, runs, external designs
(SALib, the EMA Workbench, your own) and paired comparisons, with results as pandas DataFrames.

Every function calls the same Rust library code as the ``partnersim`` command line, so a
result here is bit for bit the command line's with the same scenario, seed and replications.
The engine runs without the GIL, on all cores unless ``threads`` says otherwise; results do
not depend on the thread count. Ctrl-C interrupts a long call (at the next chunk boundary) and
raises ``KeyboardInterrupt``. Bad input raises ``ValueError`` with the command line's message.

>>> import partnersim as ps
>>> s = ps.scenario("scenarios/baseline.toml", **{"funders.federal.contract_months": 36})
>>> runs = ps.run(s, reps=20, seed=42)            # one row per replication
>>> import pandas as pd
>>> design = pd.DataFrame({"reporting.coordinated": [0, 1]})
>>> ys = ps.evaluate(s, design, reps=20, seed=42, means=True)
"""

from __future__ import annotations

import io
import os
from typing import Iterable, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _native
from ._native import Scenario

__version__: str = _native.__version__

__all__ = [
    "__version__",
    "Scenario",
    "params",
    "metrics",
    "scenario",
    "run",
    "evaluate",
    "compare",
]


def params() -> pd.DataFrame:
    """The parameter registry, one row per parameter.

    Columns: ``path`` (dotted, as in a scenario file and a design's columns), ``kind`` (bool,
    int, float, choice), ``unit``, ``default`` (switches as 0/1, choices as an index) and
    ``default_text``, ``min``, ``max``, ``range`` (in words), ``description``, ``source`` (a
    short name from docs/sources.md, a seed paper, or "assumption").
    """
    return pd.DataFrame(_native.params())


def metrics() -> list[str]:
    """The metric names, in the column order of every result."""
    return list(_native.metric_names())


def _override_text(path: str, value: object) -> str:
    if isinstance(value, bool):
        return f"{path}={'true' if value else 'false'}"
    return f"{path}={value}"


def scenario(
    path_or_text: Union[str, os.PathLike],
    name: Optional[str] = None,
    overrides: Optional[Mapping[str, object]] = None,
    **kw: object,
) -> Scenario:
    """A validated scenario from a TOML file or TOML text, with overrides.

    ``path_or_text`` is a path to a scenario file, or TOML text (anything containing a newline
    or an ``=``). Overrides are dotted parameter paths; since a dotted path is not a Python
    keyword, pass them as ``**{"funders.federal.contract_months": 36}`` or ``overrides={...}``.
    ``name`` names the scenario (default: derived from the overrides, as the CLI does). Values are
    checked as ``--set`` checks them (switches take True/False or 1/0, whole numbers integral
    floats). Errors are ``ValueError`` with the command line's message (file:line:col,
    did-you-mean).
    """
    sets = dict(overrides or {})
    sets.update(kw)
    texts = [_override_text(k, v) for k, v in sets.items()]
    src = os.fspath(path_or_text)
    is_text = "\n" in src or ("=" in src and not os.path.exists(src))
    return _native.load_scenario(src, is_text, texts, name)


def _as_scenario(s: Union[Scenario, str, os.PathLike]) -> Scenario:
    return s if isinstance(s, Scenario) else scenario(s)


def run(
    scenario: Union[Scenario, str, os.PathLike],
    reps: int = 200,
    seed: int = 42,
    threads: Optional[int] = None,
    timeseries: bool = False,
) -> Union[pd.DataFrame, tuple[pd.DataFrame, pd.DataFrame]]:
    """Runs ``reps`` replications of a scenario, as ``partnersim run`` does.

    Returns a DataFrame with one row per replication (columns ``replication``, ``seed``, then
    every metric), bit for bit the command line's ``replications.csv``. With
    ``timeseries=True`` returns ``(summaries, timeseries)``, the second the tidy monthly table
    of ``timeseries.csv`` (month, metric, mean, sd, p05, p25, p50, p75, p95 over replications).
    """
    s = _as_scenario(scenario)
    rows, ts = _native.run_scenario(s, int(reps), int(seed), threads, bool(timeseries))
    df = pd.DataFrame(rows, columns=metrics())
    df.insert(0, "seed", int(seed))
    df.insert(0, "replication", range(len(df)))
    if timeseries:
        return df, _read_csv(ts)
    return df


def _read_csv(text: str) -> pd.DataFrame:
    """A CSV table written by partnersim, numbers parsed by ``float`` (exact: partnersim writes
    the shortest text that reads back to the same double), whole-number columns as int."""
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for c in df.columns:
        cells = df[c].tolist()
        try:
            if all(x.isdigit() for x in cells):
                df[c] = [int(x) for x in cells]
            else:
                df[c] = [float(x) if x != "" else float("nan") for x in cells]
        except ValueError:
            pass
    return df


def _cells(design: pd.DataFrame) -> list:
    columns = [design[c].tolist() for c in design.columns]
    return [col[i] for i in range(len(design)) for col in columns]


def evaluate(
    scenario: Union[Scenario, str, os.PathLike],
    design: Union[pd.DataFrame, Mapping[str, Sequence]],
    reps: int = 20,
    seed: int = 42,
    threads: Optional[int] = None,
    outputs: Optional[Iterable[str]] = None,
    means: bool = False,
) -> pd.DataFrame:
    """Evaluates the points of a design, on common random numbers across points.

    ``design`` has one column per parameter, named by its dotted path, and one row per point
    (a SALib sample wrapped in a DataFrame, an EMA Workbench experiment table's parameter
    columns...). Switches accept 0/1 and booleans, whole-number parameters integral floats,
    choices their word or index; every value is checked against the parameter's range.
    Replication ``r`` of every point uses the random streams of ``(seed, r)``, as
    ``partnersim run --seed seed`` does, so differences between points are not luck.

    Returns one row per (point, replication): ``point``, ``replication``, then the outputs
    (every metric unless ``outputs`` names some); with ``means=True`` one row per point, the
    mean over replications. The index of the returned frame's points follows the design's row
    order (``point`` 0, 1, ...). It runs through the sweep's job core, so a run costs what it
    costs in ``partnersim sweep``.
    """
    if not isinstance(design, pd.DataFrame):
        design = pd.DataFrame(design)
    cols = [str(c) for c in design.columns]
    names, points, r, values = _native.evaluate_design(
        _as_scenario(scenario),
        cols,
        _cells(design),
        int(reps),
        int(seed),
        threads,
        list(outputs or []),
    )
    df = pd.DataFrame(
        [values[i : i + len(names)] for i in range(0, len(values), len(names))],
        columns=names,
    )
    df.insert(0, "replication", [rep for _ in range(points) for rep in range(r)])
    df.insert(0, "point", [p for p in range(points) for _ in range(r)])
    if means:
        return df.drop(columns="replication").groupby("point", sort=True).mean().reset_index()
    return df


def compare(
    scenarios: Sequence[Union[Scenario, str, os.PathLike]],
    baseline: Optional[str] = None,
    reps: int = 200,
    seed: int = 42,
    threads: Optional[int] = None,
) -> pd.DataFrame:
    """Paired differences from a baseline on common random numbers, as ``partnersim compare``.

    ``scenarios`` are Scenario objects or paths; the first is the baseline unless ``baseline``
    names another. Returns ``comparison.csv``'s table: per (metric, scenario) the mean, the
    baseline's mean, the mean paired difference and its 95% interval (Monte Carlo uncertainty
    only: the replications' luck, not the parameters'), and the variance ratio.
    """
    ss = [_as_scenario(s) for s in scenarios]
    csv, _base = _native.compare_scenarios(ss, baseline, int(reps), int(seed), threads)
    return _read_csv(csv)
