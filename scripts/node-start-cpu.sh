#!/bin/bash
# The CPU a node start costs, as the tests start it: `vigil start` (the compiled dist/ of CHECKOUT) on loopback and
# free ports, from the process's start until its ready line, then SIGTERM until it has exited. Every process and
# thread of the node is counted through a cgroup of its own (cgroup v1 cpuacct, as in CONTRIBUTING.md), so chDB's
# and PGlite's threads are in the figure.
#
#   scripts/node-start-cpu.sh [--idle-s N] CHECKOUT [DATA_DIR]
#
# With --idle-s N the node is left idle N seconds once ready before it is stopped, and the CPU of those seconds is
# printed as `idle_cpu_s_per_s` (what a node costs while nothing reaches it: its timers, polls and background threads).
# Without DATA_DIR a new empty one is made (a fresh start); give the same one twice to measure a restart. Set
# VIGIL_PGLITE_TEMPLATE_DIR as the tests do (vitest.config.ts) to start from the PostgreSQL template. Prints
# `cpu_s=… ready_cpu_s=… ready_wall_s=… data_dir=…`. Run old and new checkouts one after the other, several times:
# other work on the machine moves every figure.
set -euo pipefail
idle_s=0
if [ "${1:-}" = --idle-s ]; then
  idle_s=${2:?--idle-s needs a number of seconds}
  shift 2
fi
checkout=$(cd "${1:?usage: $0 CHECKOUT [DATA_DIR]}" && pwd)
data_dir=${2:-$(mktemp -d "${TMPDIR:-/tmp}/vigil-start-cpu-XXXXXX")}
[ -f "$checkout/dist/cli/main.js" ] || { echo "no $checkout/dist/cli/main.js: run npm run build:node there" >&2; exit 2; }
group=/sys/fs/cgroup/cpuacct/vigil-start-cpu-$$
mkdir "$group"
out=$(mktemp)
trap 'rm -f "$out"; rmdir "$group" 2>/dev/null || true' EXIT
started=$(date +%s.%N)
(
  echo $BASHPID >"$group/cgroup.procs"
  cd "$checkout"
  exec env UV_THREADPOOL_SIZE="${UV_THREADPOOL_SIZE:-64}" VIGIL_ADMIN_PASSWORD='correct horse battery staple' \
    node dist/cli/main.js start --data-dir "$data_dir" --http-host 127.0.0.1 --http-port 0 \
    --jt808-host 127.0.0.1 --jt808-port 0 --jt809-host 127.0.0.1 --jt809-port 0 \
    --jt1078-live-port 0 --jt1078-playback-port 0 --attachment-port 0
) >"$out" 2>/dev/null &
node_pid=$!
until grep -q '^{"event":"ready"' "$out"; do
  kill -0 "$node_pid" 2>/dev/null || { echo "the node exited before it was ready" >&2; exit 1; }
  sleep 0.05
done
ready_wall=$(echo "$(date +%s.%N) - $started" | bc)
ready_cpu=$(cat "$group/cpuacct.usage")
idle=""
if [ "$idle_s" != 0 ]; then
  sleep "$idle_s"
  idle_cpu=$(cat "$group/cpuacct.usage")
  idle=$(printf ' idle_cpu_s_per_s=%.4f' "$(echo "($idle_cpu - $ready_cpu) / 10^9 / $idle_s" | bc -l)")
fi
kill -TERM "$node_pid"
wait "$node_pid" || true
total_cpu=$(cat "$group/cpuacct.usage")
printf 'cpu_s=%.2f ready_cpu_s=%.2f ready_wall_s=%.1f%s data_dir=%s\n' \
  "$(echo "$total_cpu / 10^9" | bc -l)" "$(echo "$ready_cpu / 10^9" | bc -l)" "$ready_wall" "$idle" "$data_dir"
