#!/usr/bin/env bash
# `make run`: starts Kafka (unless WEBCARE_KAFKA_BOOTSTRAP names a cluster), creates the
# topics, starts every service, prints where everything is, and runs until Ctrl-C or
# `make stop`; then stops every service (SIGTERM, then SIGKILL after a grace period)
# and the broker it started. WEBCARE_DEMO=1 also replays deploy/demo/mentions.jsonl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin="$root/.venv/bin"
export WEBCARE_STATE_DIR="${WEBCARE_STATE_DIR:-$root/.state}"
run_dir="$WEBCARE_STATE_DIR/run"
logs="$WEBCARE_STATE_DIR/logs"
mkdir -p "$run_dir" "$logs"
services=(ingest classify route notify history publish)

started_kafka=0
if [ -z "${WEBCARE_KAFKA_BOOTSTRAP:-}" ]; then
  bash deploy/kafka/start.sh
  export WEBCARE_KAFKA_BOOTSTRAP="127.0.0.1:${WEBCARE_KAFKA_PORT:-9092}"
  started_kafka=1
else
  echo "using the Kafka cluster at $WEBCARE_KAFKA_BOOTSTRAP"
fi

stopping=0
cleanup() {
  [ "$stopping" = 1 ] && return
  stopping=1
  echo; echo "stopping webcare..."
  bash deploy/stop.sh --services-only
  if [ "$started_kafka" = 1 ]; then env -u WEBCARE_KAFKA_BOOTSTRAP bash deploy/kafka/stop.sh; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin/webcare" topics create

# The history API needs a first admin key; without one, make one (kept across restarts).
if [ -z "${WEBCARE_ADMIN_KEY:-}" ]; then
  key_file="$WEBCARE_STATE_DIR/admin.key"
  if [ ! -s "$key_file" ]; then
    (umask 077; "$bin/python" -c 'import secrets; print("wca_" + secrets.token_urlsafe(32))' >"$key_file")
  fi
  WEBCARE_ADMIN_KEY="$(cat "$key_file")"
  export WEBCARE_ADMIN_KEY
  admin_key_note="admin key   $WEBCARE_ADMIN_KEY  (generated, kept in $key_file; set WEBCARE_ADMIN_KEY to choose your own)"
else
  admin_key_note="admin key   from WEBCARE_ADMIN_KEY"
fi

# The inbox needs a first person: an admin, made once, its password kept beside the key.
password_file="$WEBCARE_STATE_DIR/admin.password"
if [ ! -s "$password_file" ]; then
  (umask 077; "$bin/python" -c 'import secrets; print(secrets.token_urlsafe(12))' >"$password_file")
fi
"$bin/webcare" people add admin --role admin --name Admin --language en --exist-ok \
  <"$password_file" >/dev/null
inbox_note="inbox       http://127.0.0.1:${WEBCARE_HISTORY_PORT:-8000}/  sign in as admin / $(cat "$password_file")  (kept in $password_file)"

start_service() {
  "$bin/python" -m "services.$1" >>"$logs/$1.log" 2>&1 &
  echo $! >"$run_dir/$1.pid"
}
for service in "${services[@]}"; do start_service "$service"; done

wait_http() {  # url, name: bounded wait for a health endpoint
  for _ in $(seq 1 120); do
    if "$bin/python" -c "import sys,httpx; sys.exit(httpx.get('$1', timeout=1).status_code != 200)" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "$2 did not become healthy; see $logs/$2.log" >&2
  return 1
}
ingest_url="http://${WEBCARE_INGEST_HOST:-127.0.0.1}:${WEBCARE_INGEST_PORT:-8001}"
api_url="http://${WEBCARE_HISTORY_HOST:-127.0.0.1}:${WEBCARE_HISTORY_PORT:-8000}"
wait_http "$ingest_url/health" ingest
wait_http "$api_url/health" history

cat <<INFO

webcare is running.
  ingest      POST $ingest_url/v1/mentions
  history API $api_url/docs  (GET /v1/mentions/{id}, /v1/relationships/{id}/conversation)
  Kafka       $WEBCARE_KAFKA_BOOTSTRAP   topics: ${WEBCARE_TOPIC_PREFIX:-webcare}.*
  metrics     :${WEBCARE_INGEST_METRICS_PORT:-9101} ingest  :${WEBCARE_CLASSIFY_METRICS_PORT:-9102} classify  :${WEBCARE_ROUTE_METRICS_PORT:-9103} route  :${WEBCARE_NOTIFY_METRICS_PORT:-9104} notify  :${WEBCARE_HISTORY_METRICS_PORT:-9105} history  :${WEBCARE_PUBLISH_METRICS_PORT:-9106} publish
  logs        $logs/<service>.log
  $admin_key_note
  $inbox_note
  watch a department queue:  .venv/bin/webcare watch service
Ctrl-C or 'make stop' stops everything.
INFO

if [ "${WEBCARE_DEMO:-0}" = 1 ]; then
  "$bin/webcare" replay deploy/demo/mentions.jsonl
fi

# Run until a service dies or we are told to stop.
while true; do
  for service in "${services[@]}"; do
    [ -f "$run_dir/$service.pid" ] || exit 0  # `make stop` took the services down
    pid="$(cat "$run_dir/$service.pid")"
    if ! kill -0 "$pid" 2>/dev/null; then
      code=0
      wait "$pid" 2>/dev/null || code=$?
      if [ "$code" -eq 75 ]; then  # a stalled partition: restart it (services/common/lag.py)
        echo "$service found a stalled partition and exited; restarting it" >&2
        start_service "$service"
        continue
      fi
      echo "$service exited ($code); last lines of $logs/$service.log:" >&2
      tail -n 20 "$logs/$service.log" >&2
      exit 1
    fi
  done
  sleep 2 &
  wait $! || true
done
