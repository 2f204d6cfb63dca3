#!/usr/bin/env bash
# The Slurm recipe of docs/cluster.md on a real (single-node) Slurm cluster: start slurmctld,
# slurmd and munge (.ci/slurm/), submit the job-array script exactly as the docs write it (small
# reps, the CPU request lowered to fit the node), submit the merge step as the docs write it,
# wait for both, then check that the merged result is byte-identical to a single-machine run and
# that the shards were balanced. Stops the daemons however it ends. Needs root (apt-get, daemons).
#
# Usage: .ci/cluster-test.sh [path/to/partnersim]   (default: target/release/partnersim)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(readlink -f "${1:-$repo/target/release/partnersim}")
reps=90
limit_s=${SLURM_TEST_TIMEOUT_S:-600}
t0=$(date +%s)

[ -x "$bin" ] || { echo "cluster test: no partnersim binary at $bin" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "cluster test: needs root to start Slurm" >&2; exit 1; }

work=$(mktemp -d /tmp/partnersim-slurm.XXXXXX)
stop() {
  "$repo/.ci/slurm/stop-single-node.sh" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

"$repo/.ci/slurm/start-single-node.sh"
cpus=$(nproc)

# The job-array script, as docs/cluster.md writes it (the first bash block under its heading).
awk '/^## Slurm job array/{on=1} on&&/^```bash/{grab=1; next} grab&&/^```/{exit} grab' \
  "$repo/docs/cluster.md" > "$work/run_shards.sbatch"
grep -q -- '--shard auto' "$work/run_shards.sbatch" \
  || { echo "cluster test: no job-array script found in docs/cluster.md" >&2; exit 1; }
range=$(sed -n 's/^#SBATCH --array=\([0-9]*\)-\([0-9]*\).*/\1 \2/p' "$work/run_shards.sbatch")
read -r first last <<<"$range"
tasks=$(( last - first + 1 ))
# small reps; everything else as written
sed -i -E "s/--reps [0-9]+/--reps $reps/" "$work/run_shards.sbatch"
ln -s "$repo/scenarios" "$work/scenarios"
cd "$work"
export PATH="$(dirname "$bin"):$PATH"

# Submit as the docs say; a CPU request larger than the node is lowered to fit it.
mkdir -p logs
per_task=$(sed -n 's/^#SBATCH --cpus-per-task=\([0-9]*\).*/\1/p' run_shards.sbatch)
cpu_flag=()
if [ -n "$per_task" ] && [ "$per_task" -gt "$cpus" ]; then
  cpu_flag=(--cpus-per-task="$cpus")
  echo "cluster test: the docs ask for --cpus-per-task=$per_task; this node has $cpus CPUs: submitting with --cpus-per-task=$cpus"
fi
jobid=$(sbatch --parsable "${cpu_flag[@]}" run_shards.sbatch)
merge_cmd=$(sed -n "s/^  '\(partnersim merge results\/shards.*\)'$/\1/p" "$repo/docs/cluster.md" | head -1)
[ -n "$merge_cmd" ] || { echo "cluster test: no merge step found in docs/cluster.md" >&2; exit 1; }
merge_id=$(sbatch --parsable --dependency=afterok:"$jobid" --output=logs/merge.out --wrap "$merge_cmd")
echo "cluster test: submitted array job $jobid ($tasks tasks, $reps replications) and merge job $merge_id"

# Wait for both; a merge whose dependency can never be met means a shard failed.
while :; do
  left=$(squeue -h -j "$jobid,$merge_id" -o '%i %T %r' 2>/dev/null || true)
  [ -z "$left" ] && break
  if grep -q DependencyNeverSatisfied <<<"$left"; then
    echo "cluster test: a shard failed; the merge can never run:" >&2
    echo "$left" >&2; tail -n 5 logs/* >&2 || true; exit 1
  fi
  if [ $(( $(date +%s) - t0 )) -gt "$limit_s" ]; then
    echo "cluster test: jobs not done after ${limit_s}s:" >&2; echo "$left" >&2
    scancel "$jobid" "$merge_id" || true; exit 1
  fi
  sleep 1
done

# Every task ran, the shards are balanced, the merge wrote the result.
n=$(ls -d results/shards/*/ 2>/dev/null | wc -l)
[ "$n" -eq "$tasks" ] || { echo "cluster test: $n shard directories, expected $tasks" >&2; tail -n 5 logs/* >&2; exit 1; }
item() { sed -n "s/^ *\"$1\": \([0-9]*\),*$/\1/p" "$2"; }
sizes=$(for d in results/shards/*/; do
  echo $(( $(item end_item "$d/shard.json") - $(item first_item "$d/shard.json") ))
done | sort -n | uniq | tr '\n' ' ')
echo "cluster test: replications per shard: $sizes"
[ "$(wc -w <<<"$sizes")" -le 2 ] || { echo "cluster test: shards not balanced: $sizes" >&2; exit 1; }
[ -f results/baseline/manifest.json ] || { echo "cluster test: the merge wrote no result" >&2; cat logs/merge.out >&2 || true; exit 1; }

# The merged result is the single-machine result, byte for byte.
partnersim run scenarios/baseline.toml --reps "$reps" --seed 42 --quiet --out single
for f in replications.csv timeseries.csv summary.csv scenario.resolved.toml; do
  cmp "results/baseline/$f" "single/$f"
done
echo "cluster test: merged Slurm shards equal the single-machine run ($(( $(date +%s) - t0 )) s)"
