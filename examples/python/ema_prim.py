"""The EMA Workbench driving partnersim: a Model whose function calls partnersim.evaluate, a
small Latin hypercube over four federal levers, then PRIM to find where federally funded ISOs
fail (survival below 95%).

Run from the repository root after `pip install -v ./python` (README.md) and `pip install ema_workbench`:
    python examples/python/ema_prim.py
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from ema_workbench import (
    IntegerParameter,
    Model,
    RealParameter,
    ScalarOutcome,
    Samplers,
    SequentialEvaluator,
    perform_experiments,
)
from ema_workbench.analysis import prim

import partnersim as ps

warnings.filterwarnings("ignore", message="ipyparallel")

ROOT = Path(__file__).resolve().parents[2]
BASE = ps.scenario(ROOT / "scenarios" / "baseline.toml")
REPS, SEED = 8, 42
# EMA names must be identifiers; each maps to a dotted parameter path
LEVERS = {
    "late_payment": "funders.federal.late_payment_probability",
    "contract_months": "funders.federal.contract_months",
    "core_share": "funders.federal.core_share",
    "reserve_months": "iso.reserve_months_median",
}


def simulate(**x):
    """One experiment: the point's mean over REPS replications on common random numbers."""
    design = pd.DataFrame({LEVERS[k]: [v] for k, v in x.items()})
    y = ps.evaluate(BASE, design, reps=REPS, seed=SEED, outputs=["survival_rate", "admin_share"], means=True)
    return {"survival_rate": y["survival_rate"][0], "admin_share": y["admin_share"][0]}


def main():
    model = Model("partnersim", function=simulate)
    model.uncertainties = [
        RealParameter("late_payment", 0.0, 0.7),
        IntegerParameter("contract_months", 12, 60),
        RealParameter("core_share", 0.0, 0.5),
        RealParameter("reserve_months", 0.25, 6.0),
    ]
    model.outcomes = [ScalarOutcome("survival_rate"), ScalarOutcome("admin_share")]
    np.random.seed(7)  # the Workbench's samplers draw from numpy's global generator
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=64, uncertainty_sampling=Samplers.LHS, evaluator=evaluator
        )
    y = outcomes["survival_rate"] < 0.95
    print(f"{len(experiments)} experiments x {REPS} replications; {y.sum()} with survival below 95%")
    # floats: the Workbench's PRIM pastes half-way values into integer columns, which pandas 3
    # refuses
    x = experiments[list(LEVERS)].astype(float)
    p = prim.Prim(x, y, threshold=0.5, peel_alpha=0.1)
    box = p.find_box()
    t = box.peeling_trajectory
    # the densest box that still covers half of the failures
    i = int(t[t["coverage"] >= 0.5]["density"].idxmax())
    print(f"PRIM box {i}: coverage {t['coverage'][i]:.2f}, density {t['density'][i]:.2f}, "
          f"mass {t['mass'][i]:.2f} (share of failures in the box; share of the box failing; "
          "share of experiments in it)")
    lims = box.box_lims[i]
    full = box.box_lims[0]
    for c in lims.columns:
        if lims[c].tolist() != full[c].tolist():
            print(f"  {LEVERS[c]:45s} {lims[c][0]:.3g} to {lims[c][1]:.3g}")


if __name__ == "__main__":
    main()
