#!/usr/bin/env bash
# Stops the broker started by start.sh from the same data dir: SIGTERM (a
# clean controlled shutdown), wait up to WEBCARE_KAFKA_STOP_TIMEOUT seconds
# (default 30), then SIGKILL. Removes the pid file. Exit 0 if it was not
# running. Does nothing if WEBCARE_KAFKA_BOOTSTRAP is set.
#
# Env: WEBCARE_KAFKA_DATA_DIR / WEBCARE_STATE_DIR (to find <data dir>/kafka.pid;
# same defaults as start.sh, so run it from the same directory or with the
# same env), WEBCARE_KAFKA_STOP_TIMEOUT.
set -euo pipefail

KAFKA_DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$KAFKA_DEPLOY_DIR/common.sh"

case "${1:-}" in
    "") ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "stop.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

if [[ -n "${WEBCARE_KAFKA_BOOTSTRAP:-}" ]]; then
    echo "kafka: WEBCARE_KAFKA_BOOTSTRAP=$WEBCARE_KAFKA_BOOTSTRAP is set; using that existing cluster, nothing to stop"
    exit 0
fi

stop_timeout="${WEBCARE_KAFKA_STOP_TIMEOUT:-30}"
pid=$(kafka_read_pid)

if [[ -z "$pid" ]]; then
    echo "kafka: not running (no pid file in $KAFKA_DATA_DIR)"
    exit 0
fi
if ! kafka_pid_is_ours "$pid"; then
    echo "kafka: not running (stale pid file: pid $pid is not our broker); removing $KAFKA_PID_FILE"
    rm -f "$KAFKA_PID_FILE"
    exit 0
fi

started=$(kafka_now)
echo "kafka: stopping pid $pid (SIGTERM, up to ${stop_timeout}s)"
kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + stop_timeout))
while kafka_alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.2
done
if kafka_alive "$pid"; then
    echo "kafka: pid $pid still alive after ${stop_timeout}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kafka_alive "$pid" || break
        sleep 0.1
    done
    if kafka_alive "$pid"; then
        echo "stop.sh: ERROR: pid $pid survived SIGKILL" >&2
        exit 1
    fi
fi
rm -f "$KAFKA_PID_FILE"
echo "kafka: stopped (pid $pid) in $(kafka_elapsed "$started")s"
