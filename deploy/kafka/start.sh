#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft, broker+controller in one
# process) on 127.0.0.1 for development and tests.
#
# Usage:
#   start.sh                Start in the background (nohup); wait until the
#                           broker answers a Metadata request; print the time
#                           it took. Exit 0 if it is already running.
#   start.sh --foreground   Prepare as above, then exec the broker in the
#                           foreground (for a process supervisor).
#
# Steps: fetch.sh (jars, verified) -> write <data dir>/server.properties ->
# format the storage once (kafka.tools.StorageTool format --standalone, with a
# cluster id kept in <data dir>/cluster.id) -> java ... kafka.Kafka.
#
# Env:
#   WEBCARE_KAFKA_BOOTSTRAP        if set: use that existing cluster, start nothing
#   WEBCARE_KAFKA_PORT             client listener port (default 9092)
#   WEBCARE_KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093)
#   WEBCARE_KAFKA_DATA_DIR         default ${WEBCARE_STATE_DIR:-$PWD/.state}/kafka
#   WEBCARE_KAFKA_HEAP             default "-Xmx512m -Xms256m"
#   WEBCARE_KAFKA_JVM_OPTS         extra JVM options (optional)
#   WEBCARE_KAFKA_START_TIMEOUT    seconds to wait for readiness (default 90)
#   WEBCARE_CACHE_DIR              jar cache root (see fetch.sh)
#   JAVA_HOME                      Java 17+ to use (default: java on PATH)
set -euo pipefail

KAFKA_DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$KAFKA_DEPLOY_DIR/common.sh"

foreground=false
for arg in "$@"; do
    case "$arg" in
        --foreground) foreground=true ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "start.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

if [[ -n "${WEBCARE_KAFKA_BOOTSTRAP:-}" ]]; then
    echo "kafka: WEBCARE_KAFKA_BOOTSTRAP=$WEBCARE_KAFKA_BOOTSTRAP is set; using that existing cluster, not starting a broker"
    exit 0
fi

die() { echo "start.sh: ERROR: $*" >&2; exit 1; }

for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    [[ "$p" =~ ^[0-9]+$ ]] && ((p > 0 && p < 65536)) || die "bad port '$p'"
done
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "WEBCARE_KAFKA_PORT and WEBCARE_KAFKA_CONTROLLER_PORT must differ"
read -r -a heap_opts <<<"${WEBCARE_KAFKA_HEAP:--Xmx512m -Xms256m}"
read -r -a extra_opts <<<"${WEBCARE_KAFKA_JVM_OPTS:-}"
start_timeout="${WEBCARE_KAFKA_START_TIMEOUT:-90}"

# Byte offset of server.log when we launched, so that a failure shows this
# run's lines only.
log_offset=0
show_logs() {
    local log="$KAFKA_APP_LOG_DIR/server.log"
    if [[ -s "$log" && $(stat -c %s "$log") -gt $log_offset ]]; then
        echo "----- last 50 lines of $log -----" >&2
        tail -c +$((log_offset + 1)) "$log" | tail -n 50 >&2
    else
        echo "----- $log: nothing logged by this run -----" >&2
    fi
    if [[ -s "$KAFKA_OUT" ]]; then
        echo "----- last 50 lines of $KAFKA_OUT -----" >&2
        tail -n 50 "$KAFKA_OUT" >&2
    fi
}

# Stops the broker we just launched after a failed start (no orphans).
kill_launched() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kafka_alive "$pid" || break
        sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$KAFKA_PID_FILE"
}

# wait_ready PID STARTED: bounded wait until the broker answers a Metadata
# request on the client port.
wait_ready() {
    local pid=$1 started=$2 deadline info
    deadline=$((SECONDS + start_timeout))
    while :; do
        if ! kafka_alive "$pid"; then
            show_logs
            rm -f "$KAFKA_PID_FILE"
            die "the broker (pid $pid) exited during startup; logs above"
        fi
        if info=$(kafka_metadata_probe "$KAFKA_PORT"); then
            echo "kafka $KAFKA_VERSION: broker ready on 127.0.0.1:$KAFKA_PORT (pid $pid, $info) after $(kafka_elapsed "$started")s"
            echo "kafka: data dir $KAFKA_DATA_DIR, log $KAFKA_APP_LOG_DIR/server.log"
            return 0
        fi
        if ((SECONDS >= deadline)); then
            show_logs
            if kafka_port_open "$KAFKA_PORT"; then
                echo "start.sh: 127.0.0.1:$KAFKA_PORT accepts connections but gave no Metadata answer" >&2
            fi
            kill_launched "$pid"
            die "the broker was not ready after ${start_timeout}s; stopped it; logs above"
        fi
        sleep 0.5
    done
}

# Already running (or still starting) from this data dir?
pid=$(kafka_read_pid)
if [[ -n "$pid" ]] && kafka_pid_is_ours "$pid"; then
    $foreground && die "a broker is already running from $KAFKA_DATA_DIR (pid $pid)"
    if kafka_metadata_probe "$KAFKA_PORT" >/dev/null; then
        echo "kafka $KAFKA_VERSION: already running on 127.0.0.1:$KAFKA_PORT (pid $pid, data dir $KAFKA_DATA_DIR)"
        exit 0
    fi
    echo "kafka: pid $pid is running but not answering on 127.0.0.1:$KAFKA_PORT yet; waiting for it"
    wait_ready "$pid" "$(kafka_now)"
    exit 0
fi
[[ -z "$pid" ]] || echo "kafka: removing stale pid file $KAFKA_PID_FILE (pid $pid is not our broker)"
rm -f "$KAFKA_PID_FILE"

for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if kafka_port_open "$p"; then
        die "127.0.0.1:$p is already in use by another process (another broker with a different data dir? set WEBCARE_KAFKA_PORT / WEBCARE_KAFKA_CONTROLLER_PORT, or WEBCARE_KAFKA_BOOTSTRAP to use it)"
    fi
done

"$KAFKA_DEPLOY_DIR/fetch.sh"
java=$(kafka_java)
kafka_check_java "$java"

mkdir -p "$KAFKA_DATA_DIR" "$KAFKA_APP_LOG_DIR" "$KAFKA_LOG_DIRS"
log4j_opts=(
    "-Dlog4j2.configurationFile=$KAFKA_DEPLOY_DIR/log4j2.properties"
    "-Dkafka.logs.dir=$KAFKA_APP_LOG_DIR"
)

tool_opts=("${log4j_opts[@]}" -Dkafka.log.file=storage-tool.log -cp "$KAFKA_LIBS/*")

# Regenerated on every start so that port / dir changes take effect.
cat >"$KAFKA_CONFIG.tmp" <<EOF
# Generated by deploy/kafka/start.sh on every start: edits are overwritten.
# Single-node KRaft: this process is both broker and (the only) controller.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT

num.network.threads=2
num.io.threads=4
log.dirs=$KAFKA_LOG_DIRS

# Topics are created explicitly by the pipeline.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1

# One node: internal topics with replication factor 1.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# No rebalance delay: consumer groups form at once in tests.
group.initial.rebalance.delay.ms=0

# Short retention: this is a development broker.
log.retention.hours=24
log.segment.bytes=67108864
log.retention.check.interval.ms=60000
EOF
mv -f "$KAFKA_CONFIG.tmp" "$KAFKA_CONFIG"

# Format the storage once. The cluster id is kept in the data dir.
if [[ ! -f "$KAFKA_LOG_DIRS/meta.properties" ]]; then
    if [[ ! -s "$KAFKA_DATA_DIR/cluster.id" ]]; then
        "$java" "${tool_opts[@]}" kafka.tools.StorageTool random-uuid >"$KAFKA_DATA_DIR/cluster.id.tmp"
        mv -f "$KAFKA_DATA_DIR/cluster.id.tmp" "$KAFKA_DATA_DIR/cluster.id"
    fi
    cluster_id=$(tr -d '[:space:]' <"$KAFKA_DATA_DIR/cluster.id")
    echo "kafka: formatting $KAFKA_LOG_DIRS (cluster id $cluster_id)"
    if ! out=$("$java" "${tool_opts[@]}" kafka.tools.StorageTool \
        format --standalone -t "$cluster_id" -c "$KAFKA_CONFIG" 2>&1); then
        echo "$out" >&2
        die "kafka.tools.StorageTool format failed (see also $KAFKA_APP_LOG_DIR/storage-tool.log)"
    fi
fi

broker_cmd=(
    "$java"
    "${heap_opts[@]}"
    -server
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15
    -Djava.awt.headless=true
    "${log4j_opts[@]}"
    "${extra_opts[@]}"
    -cp "$KAFKA_LIBS/*"
    kafka.Kafka "$KAFKA_CONFIG"
)

if $foreground; then
    echo "kafka $KAFKA_VERSION: running in the foreground on 127.0.0.1:$KAFKA_PORT (pid $$, log $KAFKA_APP_LOG_DIR/server.log)"
    echo "$$" >"$KAFKA_PID_FILE"
    exec "${broker_cmd[@]}"
fi

log_offset=$(stat -c %s "$KAFKA_APP_LOG_DIR/server.log" 2>/dev/null || echo 0)
started=$(kafka_now)
launcher=(nohup)
command -v setsid >/dev/null 2>&1 && launcher+=(setsid) # own session: survives the caller's Ctrl-C
# Not interactive, so the child is no process group leader and setsid execs
# in place: $! is the java process itself.
"${launcher[@]}" "${broker_cmd[@]}" >"$KAFKA_OUT" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$KAFKA_PID_FILE"
echo "kafka $KAFKA_VERSION: started pid $pid; waiting up to ${start_timeout}s for 127.0.0.1:$KAFKA_PORT"
wait_ready "$pid" "$started"
