#!/usr/bin/env bash
# `make stop`: stops the services `make run` started and the broker it started.
# --services-only leaves the broker alone (run.sh decides about the broker itself).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run_dir="${WEBCARE_STATE_DIR:-$root/.state}/run"
grace="${WEBCARE_STOP_GRACE_S:-20}"

pids=()
for file in "$run_dir"/*.pid; do
  [ -f "$file" ] || continue
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null && pids+=("$pid"); fi
  rm -f "$file"
done
for _ in $(seq 1 $((grace * 4))); do
  alive=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  [ ${#alive[@]} -eq 0 ] && break
  sleep 0.25
done
for pid in "${pids[@]}"; do
  if kill -0 "$pid" 2>/dev/null; then echo "killing $pid after ${grace}s"; kill -KILL "$pid" 2>/dev/null || true; fi
done
if [ "${1:-}" != "--services-only" ] && [ -z "${WEBCARE_KAFKA_BOOTSTRAP:-}" ]; then
  bash "$root/deploy/kafka/stop.sh"
fi
