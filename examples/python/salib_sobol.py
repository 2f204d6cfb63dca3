"""SALib and partnersim on the same Sobol' design.

1. The SALib workflow: a Saltelli sample from SALib -> partnersim.evaluate -> SALib's
   sobol.analyze.
2. The check: `partnersim sweep` of salib_sobol.toml computes its own indices; its design
   (points.csv, rows in partnersim's order A, B, AB_1..AB_k per base row) is reordered into
   SALib's order (A, AB_1..AB_k, B), evaluated again from Python, and analysed with SALib's
   sobol.analyze. Its S1 and ST must equal the sweep's S1_uncorrected / ST_uncorrected to 1e-9
   (the sweep's S1 / ST are the same estimators with replication noise removed, shown beside).

Run from the repository root after `cargo build --release`, `pip install -v ./python` (README.md) and `pip install SALib`:
    python examples/python/salib_sobol.py
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

import partnersim as ps

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PARTNERSIM_BIN", str(ROOT / "target" / "release" / "partnersim"))
BASELINE = ROOT / "scenarios" / "baseline.toml"
PATHS = [
    "funders.federal.late_payment_probability",
    "funders.federal.contract_months",
    "reporting.coordinated",
]
OUTPUTS = ["survival_rate", "admin_share"]
REPS, SEED = 8, 11


def salib_workflow():
    problem = {"num_vars": 3, "names": PATHS, "bounds": [[0, 0.7], [12, 60], [0, 1]]}
    x = sobol_sample.sample(problem, 32, calc_second_order=False, seed=1)
    design = pd.DataFrame(x, columns=PATHS)
    # SALib samples continuous values: round the whole-number parameters, as a user must
    design["funders.federal.contract_months"] = design["funders.federal.contract_months"].round()
    design["reporting.coordinated"] = design["reporting.coordinated"].round()
    y = ps.evaluate(BASELINE, design, reps=REPS, seed=SEED, outputs=OUTPUTS, means=True)
    print(f"1. SALib sample ({len(design)} points x {REPS} replications) -> evaluate -> sobol.analyze")
    for out in OUTPUTS:
        si = sobol_analyze.analyze(problem, y[out].to_numpy(), calc_second_order=False, seed=2)
        print(f"   {out}:")
        for name, s1, st in zip(PATHS, si["S1"], si["ST"]):
            print(f"     {name:45s} S1 {s1:+.3f}  ST {st:.3f}")


def to_salib_order(frame, k):
    """Rows in partnersim's Sobol' order (A, B, AB_1..AB_k per base row) -> SALib's (A,
    AB_1..AB_k, B)."""
    stride = k + 2
    order = []
    for j in range(len(frame) // stride):
        base = j * stride
        order += [base] + [base + 2 + i for i in range(k)] + [base + 1]
    return frame.iloc[order].reset_index(drop=True)


def check_against_sweep():
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sweep"
        subprocess.run(
            [BIN, "sweep", str(Path(__file__).with_name("salib_sobol.toml")), "--out", str(out), "-q"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        points = pd.read_csv(out / "points.csv")
        sens = pd.read_csv(out / "sensitivity.csv")
    k = len(PATHS)
    design = to_salib_order(points.drop(columns="point"), k)
    y = ps.evaluate(BASELINE, design, reps=REPS, seed=SEED, outputs=OUTPUTS, means=True)
    problem = {"num_vars": k, "names": PATHS, "bounds": [[0, 1]] * k}
    print("2. partnersim sweep's own design, reordered for SALib, evaluated from Python")
    worst = 0.0
    for out in OUTPUTS:
        yv = y[out].to_numpy()
        si = sobol_analyze.analyze(problem, yv, calc_second_order=False, seed=2)
        for index in ["S1", "ST"]:
            rows = sens[(sens["output"] == out) & (sens["index"] == index + "_uncorrected")]
            fixed = sens[(sens["output"] == out) & (sens["index"] == index)]
            rows, fixed = rows.set_index("parameter"), fixed.set_index("parameter")
            for name, v in zip(PATHS, si[index]):
                theirs = rows.loc[name, "value"]
                d = abs(float(v) - theirs)
                worst = max(worst, d)
                print(
                    f"   {out:14s} {index} {name:42s} sobol.analyze {v:+.6f}  sweep {theirs:+.6f}"
                    f"  |diff| {d:.0e}   [sweep, noise removed {fixed.loc[name, 'value']:+.4f}]"
                )
    print(f"   largest |SALib - sweep| = {worst:.2e} (tolerance 1e-9)")
    if not worst <= 1e-9:
        sys.exit("SALib and partnersim sweep disagree")


if __name__ == "__main__":
    salib_workflow()
    check_against_sweep()
