# shellcheck shell=bash
# Shared settings and helpers for fetch.sh, start.sh and stop.sh.
# Sourced, not run. Expects KAFKA_DEPLOY_DIR (the directory of this file)
# to be set by the caller.
# shellcheck disable=SC2034  # the KAFKA_* settings are used by the scripts that source this

: "${KAFKA_DEPLOY_DIR:?set KAFKA_DEPLOY_DIR before sourcing common.sh}"

# The pinned Kafka version lives in exactly one place: pom.xml.
KAFKA_VERSION=$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$KAFKA_DEPLOY_DIR/pom.xml" | head -n 1)
if [[ -z "$KAFKA_VERSION" ]]; then
    echo "kafka: cannot read <kafka.version> from $KAFKA_DEPLOY_DIR/pom.xml" >&2
    exit 1
fi
KAFKA_CHECKSUMS="$KAFKA_DEPLOY_DIR/checksums.sha256"
KAFKA_CACHE_ROOT="${WEBCARE_CACHE_DIR:-$HOME/.cache/webcare}"
KAFKA_HOME_DIR="$KAFKA_CACHE_ROOT/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME_DIR/libs"

KAFKA_PORT="${WEBCARE_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${WEBCARE_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_DATA_DIR="${WEBCARE_KAFKA_DATA_DIR:-${WEBCARE_STATE_DIR:-$PWD/.state}/kafka}"
KAFKA_DATA_DIR=$(realpath -m -- "$KAFKA_DATA_DIR")
KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
KAFKA_CONFIG="$KAFKA_DATA_DIR/server.properties"
KAFKA_APP_LOG_DIR="$KAFKA_DATA_DIR/logs"     # server.log (log4j)
KAFKA_LOG_DIRS="$KAFKA_DATA_DIR/data"        # Kafka's log.dirs (topic data, metadata log)
KAFKA_OUT="$KAFKA_DATA_DIR/kafka.out"         # stdout/stderr of a detached broker

kafka_java() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        echo "$JAVA_HOME/bin/java"
    elif command -v java >/dev/null 2>&1; then
        command -v java
    else
        echo "kafka: no java found (install a JDK/JRE >= 17 or set JAVA_HOME)" >&2
        return 1
    fi
}

# Fails unless the given java is version 17 or newer (Kafka 4.x brokers need 17+).
kafka_check_java() {
    local java=$1 spec
    spec=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
    if [[ -z "$spec" || "${spec%%.*}" -lt 17 ]]; then
        echo "kafka: $java is Java '${spec:-unknown}'; Kafka $KAFKA_VERSION needs Java 17 or newer (set JAVA_HOME)" >&2
        return 1
    fi
}

# True if something accepts TCP connections on 127.0.0.1:$1.
kafka_port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Sends a Kafka Metadata request (v4, all topics) to 127.0.0.1:$1 using only
# bash and prints "node N at HOST:PORT" from the answer. Succeeds only if the
# broker answered with at least one live broker, i.e. it finished starting.
_kafka_metadata_probe() {
    local port=$1 bytes n hostlen host="" i p
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    # size=15 | api_key=3 (Metadata) | api_version=4 | correlation_id=0x2a2a |
    # client_id=null | topics=null (all) | allow_auto_topic_creation=false
    printf '\x00\x00\x00\x0f\x00\x03\x00\x04\x00\x00\x2a\x2a\xff\xff\xff\xff\xff\xff\x00' >&3
    # shellcheck disable=SC2207
    bytes=($(dd bs=65536 count=1 status=none <&3 | od -An -v -tu1))
    exec 3<&-
    # size(4) correlation_id(4) throttle_time_ms(4) brokers(4) node_id(4) host_len(2) host port(4)
    ((${#bytes[@]} >= 26)) || return 1
    ((bytes[4] == 0 && bytes[5] == 0 && bytes[6] == 42 && bytes[7] == 42)) || return 1
    n=$(((bytes[12] << 24) | (bytes[13] << 16) | (bytes[14] << 8) | bytes[15]))
    ((n >= 1 && n < 1000)) || return 1
    hostlen=$(((bytes[20] << 8) | bytes[21]))
    ((${#bytes[@]} >= 26 + hostlen)) || return 1
    for ((i = 22; i < 22 + hostlen; i++)); do
        # shellcheck disable=SC2059  # octal escape built on purpose
        host+=$(printf "\\$(printf '%03o' "${bytes[i]}")")
    done
    p=$(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]))
    echo "node $(((bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19])) at $host:$p"
}

kafka_metadata_probe() {
    timeout 5 bash -c "$(declare -f _kafka_metadata_probe); _kafka_metadata_probe $1" 2>/dev/null
}

# True if process $1 exists and is not a zombie (an exited child nobody reaped yet).
kafka_alive() {
    local stat
    kill -0 "$1" 2>/dev/null || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }
    [[ "${stat:0:1}" != Z ]]
}

# True if $1 is a live process running kafka.Kafka with our server.properties.
kafka_pid_is_ours() {
    local pid=$1 cmdline
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kafka_alive "$pid" || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ "$cmdline" == *kafka.Kafka* && "$cmdline" == *"$KAFKA_CONFIG"* ]]
}

kafka_read_pid() {
    [[ -f "$KAFKA_PID_FILE" ]] && tr -dc '0-9' <"$KAFKA_PID_FILE" || true
}

kafka_now() { # seconds since the epoch, with microseconds
    echo "${EPOCHREALTIME:-$(date +%s.%N)}"
}

kafka_elapsed() { # $1 = start from kafka_now; prints seconds with one decimal
    awk -v a="$1" -v b="$(kafka_now)" 'BEGIN { printf "%.1f", b - a }'
}
