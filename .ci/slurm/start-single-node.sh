#!/bin/bash
# Copied into the repository from the shared machine setup (../shared/slurm/, by the
# machine's maintainers) so that CI on a clean clone can start a single-node Slurm cluster.
# Start a single-node Slurm cluster on this machine (controller and compute
# node on localhost) without systemd or cgroups. Run as root.
# Tested on Debian 12 (Slurm 22.05, munge 0.5.15). Stop it with stop-single-node.sh.
#
# Environment: SLURM_WAIT_S  seconds to wait for the node to become idle (default 60)
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "error: run as root (e.g. sudo $0)" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
conf=/etc/slurm/slurm.conf

# 1. Packages (Debian/Ubuntu names); only the daemons, client and munge.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
   || ! command -v sinfo >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null \
    || { apt-get update >/dev/null &&
         apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null; }
fi

# 2. Munge: the package normally creates the key; create one if it did not.
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n >/dev/null 2>&1; then
  runuser -u munge -- munged
fi
munge -n | unmunge >/dev/null || { echo "error: munge does not work" >&2; exit 1; }

# 3. slurm.conf from the template: this host, its CPUs and its memory in MB.
host=$(hostname -s)
cpus=$(nproc)
mem=$(free -m | awk '/^Mem:/{print $2}')
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
sed -e "s/@HOSTNAME@/$host/g" -e "s/@CPUS@/$cpus/g" -e "s/@MEMORY_MB@/$mem/g" \
  "$here/slurm.conf.template" > "$conf"

# 4. Daemons (each forks into the background and writes a pid file under /run).
# -c: start from a clean state, without jobs or drained nodes from an earlier run.
slurmctld -c
slurmd

# 5. Wait until the node is idle.
wait_s=${SLURM_WAIT_S:-60}
for ((i = 0; i < wait_s; i++)); do
  state=$(sinfo -h -N -n "$host" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && { echo "slurm: node $host idle (CPUs=$cpus, RealMemory=$mem)"; exit 0; }
  sleep 1
done
echo "error: node $host not idle after ${wait_s}s (state: '${state:-none}')" >&2
sinfo -N -l >&2 || true
scontrol show node "$host" >&2 || true
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
