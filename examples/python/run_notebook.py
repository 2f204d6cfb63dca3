"""Executes what_if.ipynb with nbclient (as CI does) and fails on any error in a cell.

    python examples/python/run_notebook.py
"""

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

here = Path(__file__).resolve().parent
nb = nbformat.read(here / "what_if.ipynb", as_version=4)
os.environ["PARTNERSIM_ROOT"] = str(here.parents[1])
with tempfile.TemporaryDirectory() as tmp:
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp}}).execute()
    png = Path(tmp) / "what_if.png"
    if not png.is_file() or png.stat().st_size < 1000:
        sys.exit("the notebook drew no figure")
table = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
for o in table:
    if "text/plain" in o.get("data", {}) and "diff_mean" in o["data"]["text/plain"]:
        print(o["data"]["text/plain"])
print("what_if.ipynb executed")
