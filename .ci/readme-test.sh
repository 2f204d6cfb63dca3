#!/usr/bin/env bash
# The README as a test: every command of README.md's ```sh blocks, in order, in a fresh clone of
# the repository (HEAD), as a new user would type them; fails on the first command that exits
# non-zero, naming it.
#
# Shortened only in size, never by leaving a command out (the study files are shrunk only after
# the README's `cargo test`, which must see them as shipped):
#   - `--reps N` becomes `--reps $README_TEST_REPS` (default 8), and `run`, `compare` and
#     `patterns` without `--reps` get it; `--draws N` becomes `--draws $README_TEST_DRAWS` (3);
#   - in the clone's sweep, explore and calibration files: replications per point, state or
#     particle become 2, bootstrap resamples 50, a scenario sweep's samples at most 64, explore
#     states 24, calibration particles 40 (3 generations, 400 evaluations at most);
#   - `partnersim serve` runs on a free port (`--port 0`) until its page answers, then stops;
#     `--open` meets a stand-in browser that only records the address.
# The clone builds into target/readme-target/ of this checkout (CARGO_TARGET_DIR; kept between
# runs, so only the first run compiles the dependencies; the clone's partnersim is compiled
# every time, as a fresh clone's would be). The
# browser tests' node_modules (from `npm ci --prefix tests/browser`, the README's one-time
# step) are copied from the checkout when it has them.
#
# Usage: .ci/readme-test.sh            (README_TEST_KEEP=1 keeps the clone for a look)
# Prints each command with its time, and the total.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
reps=${README_TEST_REPS:-8}
draws=${README_TEST_DRAWS:-3}
work="$repo/target/readme-test"
target=${README_TEST_TARGET:-$repo/target/readme-target}
clone="$work/partnersim"
t0=$(date +%s)

rm -rf "$work"
mkdir -p "$work/bin"
git clone -q --no-hardlinks "$repo" "$clone"
# uncommitted changes are not in the clone: say so rather than test something else quietly
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "readme-test: note: the checkout has uncommitted changes; the clone tests HEAD" >&2
fi
if [ -d "$repo/tests/browser/node_modules" ]; then
  cp -r "$repo/tests/browser/node_modules" "$clone/tests/browser/"
fi

# smaller studies, same commands
# shellcheck source=.ci/shrink.sh
. "$repo/.ci/shrink.sh"
# Applied after the README's test command has run (the test suite reads the shipped files as
# shipped), or before the first command if the README has none.
shrink_all() {
  for f in "$clone"/scenarios/sweeps/*.toml "$clone"/scenarios/explore/*.toml \
    "$clone"/scenarios/calibration/*.toml; do
    shrink "$f"
  done
}
export -f shrink shrink_all
export clone

# a stand-in for the desktop's browser opener (`serve --open`)
for opener in xdg-open open; do
  printf '#!/bin/sh\necho "(readme-test: a browser would open $1)" >&2\n' > "$work/bin/$opener"
  chmod +x "$work/bin/$opener"
done

# The README's commands, one logical line each (continuations joined, comments dropped).
awk '
  /^```sh[[:space:]]*$/ { inblock = 1; next }
  /^```/ { inblock = 0; next }
  inblock {
    line = $0
    if (cont != "") { sub(/^[[:space:]]+/, "", line); line = cont " " line; cont = "" }
    if (line ~ /\\$/) { sub(/[[:space:]]*\\$/, "", line); cont = line; next }
    sub(/[[:space:]]+#.*$/, "", line)
    if (line ~ /^[[:space:]]*(#|$)/) next
    print line
  }
' "$clone/README.md" > "$work/commands.txt"

# Each command made smaller, wrapped with its number and timing.
script="$work/readme.sh"
{
  echo 'shopt -s expand_aliases'
  echo "cd '$clone'"
  echo "export PATH='$work/bin':\"\$PATH\" CARGO_TARGET_DIR='$target'"
  cat <<'EOF'
rt_t=$(date +%s)
rt_begin() { rt_t=$(date +%s); printf '\n== README command %s: %s\n' "$1" "$2"; }
rt_end() {
  local n=$1 status=$2 cmd=$3
  if [ "$status" -ne 0 ]; then
    printf '\nreadme-test: README command %s failed (exit %s): %s\n' "$n" "$status" "$cmd" >&2
    exit 1
  fi
  printf -- '-- command %s: ok in %s s\n' "$n" "$(( $(date +%s) - rt_t ))"
}
# serve: wait for the address, fetch the page, stop the server
rt_serve() {
  local pid=$1 log=$2 url="" i
  for i in $(seq 1 600); do
    url=$(grep -o 'http://[0-9.:]*/' "$log" | head -n 1 || true)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  cat "$log"
  if [ -z "$url" ]; then echo "serve did not print its address" >&2; kill "$pid" 2>/dev/null; return 1; fi
  local ok=0
  curl -fsS "$url" | grep -qi '<html' || ok=1
  kill -INT "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "$ok" -eq 0 ] && echo "(readme-test: $url answered)"
  return "$ok"
}
EOF
  n=0
  grep -Eq '^cargo test( |$)' "$work/commands.txt" || echo 'shrink_all'
  shrunk=0
  while IFS= read -r cmd; do
    n=$((n + 1))
    run="$cmd"
    run=$(printf '%s' "$run" | sed -E "s/--reps [0-9]+/--reps $reps/; s/--draws [0-9]+/--draws $draws/")
    if printf '%s' "$run" | grep -Eq '^(partnersim|cargo run --release( --quiet)? --) (run|compare|patterns)( |$)' \
      && ! printf '%s' "$run" | grep -q -- '--reps'; then
      run="$run --reps $reps"
    fi
    quoted=$(printf '%s' "$cmd" | sed "s/'/'\\\\''/g")
    echo "rt_begin $n '$quoted'"
    if printf '%s' "$run" | grep -Eq '^partnersim serve( |$)'; then
      echo "$run --port 0 > '$work/serve.$n.log' 2>&1 & rt_serve \$! '$work/serve.$n.log'; rt_end $n \$? '$quoted'"
    else
      echo "$run; rt_end $n \$? '$quoted'"
    fi
    if [ "$shrunk" -eq 0 ] && printf '%s' "$run" | grep -Eq '^cargo test( |$)'; then
      echo 'shrink_all'
      shrunk=1
    fi
  done < "$work/commands.txt"
} > "$script"

echo "readme-test: $(wc -l < "$work/commands.txt") commands from README.md, in $clone (reps $reps)"
bash "$script"
echo
echo "readme-test: every README command passed in $(( $(date +%s) - t0 )) s"
[ "${README_TEST_KEEP:-}" = "1" ] || rm -rf "$work"
