#!/usr/bin/env bash
# The Python package in a fresh virtual environment: build and install it the documented way
# (`pip install -v ./python`), run its pytest suite against the CLI, then the examples under
# examples/python (SALib, EMA Workbench, the what-if notebook). Under CI=1 a missing Python or
# package is a failure, not a skip. Needs target/release/partnersim (built by the caller).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
fail_or_skip() {
  if [ "${CI:-}" = "1" ]; then echo "error: $1" >&2; exit 1; fi
  echo "warning: $1; skipping the Python tests" >&2; exit 0
}
command -v "$PY" >/dev/null 2>&1 || fail_or_skip "no $PY"
VENV="${PARTNERSIM_VENV:-target/ci-venv}"
rm -rf "$VENV"
"$PY" -m venv "$VENV" || fail_or_skip "cannot create a virtual environment"
# shellcheck disable=SC1091
source "$VENV/bin/activate"
start=$(date +%s)
# the documented install line (README.md, docs/python.md); its full output goes to a log, and
# cargo's progress lines are shown
log="$VENV.install.log"
if ! pip install -v ./python >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  fail_or_skip "pip install -v ./python failed (log: $log)"
fi
grep -E '^[[:space:]]*(Compiling|Finished|Blocking|Built wheel|Successfully installed)' "$log" || true
echo "installed partnersim $(python -c 'import partnersim; print(partnersim.__version__)') in $(( $(date +%s) - start )) s"
pip install -q pytest SALib ema_workbench matplotlib nbclient nbformat ipykernel \
  || fail_or_skip "cannot install the test and example dependencies"
python -m pytest -q python/tests
python examples/python/salib_sobol.py
python examples/python/ema_prim.py 2>/dev/null
python examples/python/run_notebook.py
echo "python: done in $(( $(date +%s) - start )) s"
