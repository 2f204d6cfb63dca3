"""The Python API against the command line: every function, bit for bit, and bad input.

Needs the release binary (``cargo build --release``; or PARTNERSIM_BIN). Run from anywhere:
``python -m pytest python/tests``. About 30 s on two cores.
"""

import csv
import math
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import partnersim as ps

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PARTNERSIM_BIN", str(ROOT / "target" / "release" / "partnersim"))
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
PROMPT = str(ROOT / "scenarios" / "prompt_payment.toml")


def cli(*args, check=True):
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if check and p.returncode != 0:
        raise AssertionError(f"partnersim {' '.join(map(str, args))}: {p.stderr}")
    return p


def read_rows(path):
    """A CSV file's rows with every number parsed exactly (float of the shortest text)."""
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        rows = []
        for row in r:
            out = []
            for x in row:
                try:
                    out.append(float(x))
                except ValueError:
                    out.append(x)
            rows.append(out)
    return header, rows


def same_bits(a, b):
    """Equal as IEEE doubles, NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


def assert_frame_equals_csv(df, path, drop=()):
    header, rows = read_rows(path)
    keep = [i for i, h in enumerate(header) if h not in drop]
    assert [header[i] for i in keep] == [c for c in df.columns if c not in drop]
    assert len(rows) == len(df)
    vals = df[[header[i] for i in keep]].astype(object).values.tolist()
    for n, (mine, theirs) in enumerate(zip(vals, rows)):
        for c, (x, y) in enumerate(zip(mine, [theirs[i] for i in keep])):
            x = float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x
            assert same_bits(x, y), f"row {n}, column {header[keep[c]]}: {x!r} != {y!r}"


def test_version_and_metrics():
    assert isinstance(ps.__version__, str) and ps.__version__.count(".") == 2
    m = ps.metrics()
    assert "survival_rate" in m and "admin_share" in m


def test_params_match_the_cli_registry(tmp_path):
    p = ps.params()
    header, rows = read_rows_text(cli("params", "--format", "csv").stdout, tmp_path)
    assert list(p["path"]) == [r[header.index("path")] for r in rows]
    for col in ["path", "unit", "default", "min", "max", "range", "description", "source"]:
        assert col in p.columns
    coordinated = p.set_index("path").loc["reporting.coordinated"]
    assert coordinated["kind"] == "bool"


def read_rows_text(text, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(text)
    return read_rows(f)


def test_scenario_overrides_and_lenient_values():
    a = ps.scenario(BASELINE, **{"reporting.coordinated": 1, "funders.federal.contract_months": 24.0})
    b = ps.scenario(BASELINE, overrides={"reporting.coordinated": True, "funders.federal.contract_months": 24})
    assert a.hash == b.hash
    assert a.values()["reporting.coordinated"] is True
    assert a.values()["funders.federal.contract_months"] == 24
    text = Path(BASELINE).read_text()
    assert ps.scenario(text).hash == ps.scenario(BASELINE).hash


def test_scenario_errors_are_the_clis(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[funders.federal]\ncontract_month = 36\n')
    with pytest.raises(ValueError) as e:
        ps.scenario(bad)
    msg = str(e.value)
    assert f"{bad}:3:1" in msg and "did you mean `funders.federal.contract_months`" in msg
    p = cli("validate", bad, check=False)
    assert p.returncode == 2 and msg in p.stderr
    with pytest.raises(ValueError, match="0.5 is out of range|allowed"):
        ps.scenario(BASELINE, **{"funders.federal.contract_months": 24.5})
    p = cli("validate", BASELINE, "--set", "funders.federal.contract_months=24.5", check=False)
    assert p.returncode == 2
    with pytest.raises(ValueError, match="did you mean"):
        ps.scenario(BASELINE, **{"reporting.coordinatd": 1})


def test_run_is_the_clis_replications_bit_for_bit(tmp_path):
    sets = {"funders.federal.contract_months": 36, "reporting.coordinated": 1}
    s = ps.scenario(BASELINE, **sets)
    df, ts = ps.run(s, reps=12, seed=9, threads=2, timeseries=True)
    out = tmp_path / "run"
    args = ["run", BASELINE, "--reps", 12, "--seed", 9, "--out", out, "--no-plots", "-q"]
    for k, v in sets.items():
        args += ["--set", f"{k}={v}"]
    cli(*args)
    assert not (out / "plots").exists()
    assert_frame_equals_csv(df, out / "replications.csv")
    assert_frame_equals_csv(ts, out / "timeseries.csv")
    # and any thread count gives the same
    assert ps.run(s, reps=12, seed=9, threads=1).equals(df)


def test_evaluate_is_the_sweeps_results_bit_for_bit(tmp_path):
    design = pd.DataFrame(
        {
            "funders.federal.contract_months": [24.0, 36, 60, 12],
            "reporting.coordinated": [0, 1, True, False],
            "funders.federal.late_payment_probability": [0.1, 0.3, 0.5, 0.0],
        }
    )
    design.to_csv(tmp_path / "points.csv", index=False)
    (tmp_path / "d.toml").write_text(
        f'scenario = "{BASELINE}"\ndesign = "points.csv"\nreps_per_point = 6\nseed = 5\n'
        'outputs = ["survival_rate", "admin_share", "staff_turnover_annual"]\n'
    )
    cli("sweep", tmp_path / "d.toml", "--out", tmp_path / "sw", "-q")
    outs = ["survival_rate", "admin_share", "staff_turnover_annual"]
    e = ps.evaluate(BASELINE, design, reps=6, seed=5, outputs=outs)
    assert_frame_equals_csv(e, tmp_path / "sw" / "results.csv")
    m = ps.evaluate(BASELINE, design, reps=6, seed=5, outputs=outs, means=True)
    assert list(m["point"]) == [0, 1, 2, 3]
    assert m[outs].values.tolist() == e.groupby("point")[outs].mean().values.tolist()


def test_evaluate_is_run_with_set_on_common_random_numbers():
    design = pd.DataFrame({"funders.federal.contract_months": [24, 48]})
    e = ps.evaluate(BASELINE, design, reps=5, seed=11, threads=1)
    for p, months in enumerate([24, 48]):
        r = ps.run(ps.scenario(BASELINE, **{"funders.federal.contract_months": months}), reps=5, seed=11)
        mine = e[e["point"] == p].drop(columns=["point", "replication"]).reset_index(drop=True)
        assert mine.equals(r.drop(columns=["replication", "seed"]))


def test_evaluate_bad_input_raises_with_row_and_column():
    with pytest.raises(ValueError, match=r"row 1, column `reporting.coordinated` = 2"):
        ps.evaluate(BASELINE, pd.DataFrame({"reporting.coordinated": [1, 2]}), reps=2)
    with pytest.raises(ValueError, match="whole number"):
        ps.evaluate(BASELINE, pd.DataFrame({"funders.federal.contract_months": [24.5]}), reps=2)
    with pytest.raises(ValueError, match="did you mean `reporting.coordinated`"):
        ps.evaluate(BASELINE, pd.DataFrame({"reporting.coordinatd": [1]}), reps=2)
    with pytest.raises(ValueError, match="out of range"):
        ps.evaluate(BASELINE, pd.DataFrame({"funders.federal.late_payment_probability": [1.5]}), reps=2)
    with pytest.raises(ValueError, match="unknown output"):
        ps.evaluate(BASELINE, pd.DataFrame({"reporting.coordinated": [1]}), reps=2, outputs=["survival"])
    # each value in range, together inconsistent: refused before anything runs
    with pytest.raises(ValueError, match=r"design row 1: .*late_payment_days_min"):
        ps.evaluate(
            BASELINE,
            pd.DataFrame(
                {
                    "funders.federal.late_payment_days_min": [10, 90],
                    "funders.federal.late_payment_days_max": [60, 60],
                }
            ),
            reps=2,
        )
    with pytest.raises(ValueError, match="reps = 0"):
        ps.evaluate(BASELINE, pd.DataFrame({"reporting.coordinated": [1]}), reps=0)


def test_compare_is_the_clis_comparison_bit_for_bit(tmp_path):
    c = ps.compare([BASELINE, PROMPT], reps=10, seed=3)
    cli("compare", BASELINE, PROMPT, "--reps", 10, "--seed", 3, "--out", tmp_path / "cmp", "-q")
    assert_frame_equals_csv(c, tmp_path / "cmp" / "comparison.csv")
    with pytest.raises(ValueError):
        ps.compare([BASELINE, PROMPT], baseline="nobody", reps=4)


def test_ctrl_c_interrupts_a_long_evaluate():
    short = ps.scenario(BASELINE, **{"simulation.duration_months": 24, "simulation.warmup_months": 0})
    design = pd.DataFrame({"funders.federal.contract_months": [12 + (i % 49) for i in range(4000)]})
    timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    t0 = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        ps.evaluate(short, design, reps=20, seed=1)
    assert time.monotonic() - t0 < 60
    # the interpreter and the engine still work afterwards
    assert len(ps.evaluate(short, design.head(2), reps=2)) == 4
