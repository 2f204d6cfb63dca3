#!/bin/bash
# Copied into the repository from the shared machine setup (../shared/slurm/, by the
# machine's maintainers) so that CI on a clean clone can start a single-node Slurm cluster.
# Stop the daemons started by start-single-node.sh, using their pid files.
# Run as root. Jobs still running are killed with slurmd.
set -uo pipefail

stop() {  # stop <name> <pidfile>
  local pid
  [ -s "$2" ] || return 0
  pid=$(cat "$2")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { echo "$1 ($pid) did not exit; sending KILL" >&2; kill -KILL "$pid"; }
  fi
  rm -f "$2"
}

stop slurmd /run/slurmd.pid
stop slurmctld /run/slurmctld.pid
stop munged /run/munge/munged.pid
echo "slurm: stopped"
