#!/usr/bin/env bash
# The docs as a test: every command of the ```sh and ```bash blocks of docs/*.md (files in
# name order, blocks and commands in order), in one fresh clone of the repository (HEAD),
# separate from the README test's clone so their outputs never meet; fails on the first command
# that exits non-zero, naming the file, its line and the command.
#
# A block that is not meant to run here says so on its opening fence, visibly in the markdown:
#   ```sh no-test        (and the sentence before it says why: a Slurm cluster, a Ctrl-C, ...)
# Such blocks are listed (file:line) and skipped; every other sh/bash block runs.
#
# Shortened only in size, as in .ci/readme-test.sh: `--reps N` becomes `--reps $DOCS_TEST_REPS`
# (default 8), `--draws N` becomes `--draws $DOCS_TEST_DRAWS` (3), the trailing replication count
# of `cargo run --release --example NAME -- N` becomes the same, and the clone's sweep, explore and
# calibration files are shrunk exactly as the README test shrinks them (.ci/shrink.sh, shared with .ci/readme-test.sh).
# `partnersim` is the clone's release build, on PATH (built into target/readme-target/ of this
# checkout, shared with the README test, so only what changed compiles).
#
# Usage: .ci/docs-test.sh            (DOCS_TEST_KEEP=1 keeps the clone for a look)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
reps=${DOCS_TEST_REPS:-8}
draws=${DOCS_TEST_DRAWS:-3}
work="$repo/target/docs-test"
target=${DOCS_TEST_TARGET:-$repo/target/readme-target}
clone="$work/partnersim"
t0=$(date +%s)

rm -rf "$work"
mkdir -p "$work/bin"
git clone -q --no-hardlinks "$repo" "$clone"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "docs-test: note: the checkout has uncommitted changes; the clone tests HEAD" >&2
fi

# the same shrinking as the README test
# shellcheck source=.ci/shrink.sh
. "$repo/.ci/shrink.sh"
for f in "$clone"/scenarios/sweeps/*.toml "$clone"/scenarios/explore/*.toml \
  "$clone"/scenarios/calibration/*.toml; do
  shrink "$f"
done

(cd "$clone" && CARGO_TARGET_DIR="$target" cargo build --release --quiet)
printf '#!/bin/sh\nexec "%s/release/partnersim" "$@"\n' "$target" > "$work/bin/partnersim"
chmod +x "$work/bin/partnersim"

# Commands, one logical line each: FILE<TAB>LINE<TAB>COMMAND (continuations joined, comments
# dropped); `no-test` blocks go to skipped.txt.
: > "$work/commands.tsv"
: > "$work/skipped.txt"
for doc in "$clone"/docs/*.md; do
  name="docs/$(basename "$doc")"
  awk -v name="$name" -v skipped="$work/skipped.txt" '
    /^```(sh|bash)([[:space:]]|$)/ {
      if ($0 ~ /no-test/) { print name ":" NR > skipped; skip = 1 } else { skip = 0 }
      inblock = 1; next
    }
    /^```/ { inblock = 0; next }
    inblock && !skip {
      line = $0
      if (cont != "") { sub(/^[[:space:]]+/, "", line); line = cont " " line; cont = "" }
      else { start = NR }
      if (line ~ /\\$/) { sub(/[[:space:]]*\\$/, "", line); cont = line; next }
      sub(/[[:space:]]+#.*$/, "", line)
      if (line ~ /^[[:space:]]*(#|$)/) next
      print name "\t" start "\t" line
    }
  ' "$doc" >> "$work/commands.tsv"
done

echo "docs-test: $(wc -l < "$work/commands.tsv") commands from docs/*.md in $clone (reps $reps)"
while IFS= read -r s; do echo "docs-test: not run (marked no-test): $s"; done < "$work/skipped.txt"
n=0
while IFS=$'\t' read -r file line cmd; do
  n=$((n + 1))
  run=$(printf '%s' "$cmd" | sed -E \
    -e "s/--reps [0-9]+/--reps $reps/" \
    -e "s/--draws [0-9]+/--draws $draws/" \
    -e "s/^(cargo run --release --example [a-z0-9_]+ --) [0-9]+$/\1 $reps/")
  printf '\n== %s:%s: %s\n' "$file" "$line" "$cmd"
  [ "$run" != "$cmd" ] && printf '   (run as: %s)\n' "$run"
  t=$(date +%s)
  status=0
  (cd "$clone" && PATH="$work/bin:$PATH" CARGO_TARGET_DIR="$target" bash -euo pipefail -c "$run") \
    < /dev/null || status=$?
  if [ "$status" -ne 0 ]; then
    printf '\ndocs-test: %s:%s failed (exit %s): %s\n' "$file" "$line" "$status" "$cmd" >&2
    exit 1
  fi
  printf -- '-- ok in %s s\n' "$(( $(date +%s) - t ))"
done < "$work/commands.tsv"

echo
echo "docs-test: all $n commands of docs/*.md passed in $(( $(date +%s) - t0 )) s"
[ "${DOCS_TEST_KEEP:-}" = "1" ] || rm -rf "$work"
