#!/usr/bin/env bash
# Obtains the jars of the pinned Apache Kafka broker from Maven Central (via
# mvn and pom.xml, no tarball), verifies every jar against checksums.sha256
# and caches them in ${WEBCARE_CACHE_DIR:-$HOME/.cache/webcare}/kafka-<VERSION>/libs.
#
# Usage:
#   fetch.sh            Idempotent. If the cached libs/ exists and verifies,
#                       do nothing; otherwise download with mvn into a temp
#                       dir, verify, and move it into place atomically.
#                       Prints one line saying where the jars are.
#   fetch.sh --record   Re-pinning: download fresh, (re)write checksums.sha256
#                       from what Maven Central served, and install the result
#                       into the cache. Use after changing <kafka.version> in
#                       pom.xml, then review and commit checksums.sha256.
#
# Verification fails loudly (exit 1) on a checksum mismatch, on a listed jar
# that is missing, and on a jar that is not listed.
#
# Env: WEBCARE_CACHE_DIR (cache root), MAVEN_OPTS (e.g.
# -Dmaven.repo.local=/some/m2 to use another local Maven repository),
# WEBCARE_MVN (mvn command, default "mvn").
set -euo pipefail

KAFKA_DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$KAFKA_DEPLOY_DIR/common.sh"

record=false
case "${1:-}" in
    "") ;;
    --record) record=true ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

die() { echo "fetch.sh: ERROR: $*" >&2; exit 1; }

# verify DIR: every file in DIR is listed in checksums.sha256 with a matching
# sha256, and every listed file is present.
verify() {
    local dir=$1 f name bad=0
    [[ -s "$KAFKA_CHECKSUMS" ]] || { echo "fetch.sh: $KAFKA_CHECKSUMS is missing or empty (run fetch.sh --record)" >&2; return 1; }
    [[ -d "$dir" ]] || return 1
    declare -A listed=()
    while read -r _ name; do
        listed["${name#\*}"]=1
    done <"$KAFKA_CHECKSUMS"
    for f in "$dir"/* "$dir"/.[!.]*; do
        [[ -e "$f" ]] || continue
        name=${f##*/}
        if [[ -z "${listed[$name]:-}" ]]; then
            echo "fetch.sh: NOT IN checksums.sha256: $name" >&2
            bad=1
        fi
    done
    # --strict: malformed lines are errors; prints "<jar>: FAILED" on a
    # mismatch and "<jar>: FAILED open or read" for a missing jar.
    if ! (cd "$dir" && sha256sum --quiet --strict -c "$KAFKA_CHECKSUMS" 2>&1 | sed 's/^/fetch.sh: CHECKSUM: /' >&2; exit "${PIPESTATUS[0]}"); then
        bad=1
    fi
    return "$bad"
}

if ! $record && [[ -d "$KAFKA_LIBS" ]] && verify "$KAFKA_LIBS" 2>/dev/null; then
    echo "kafka $KAFKA_VERSION: verified jars in $KAFKA_LIBS"
    exit 0
fi

command -v "${WEBCARE_MVN:-mvn}" >/dev/null 2>&1 || die "mvn not found (install Maven 3.8+ or set WEBCARE_MVN)"
mkdir -p "$KAFKA_HOME_DIR"

# One fetch at a time per version (concurrent start.sh calls).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$KAFKA_HOME_DIR/.fetch.lock"
    flock 9
    # Someone else may have finished the job while we waited.
    if ! $record && [[ -d "$KAFKA_LIBS" ]] && verify "$KAFKA_LIBS" 2>/dev/null; then
        echo "kafka $KAFKA_VERSION: verified jars in $KAFKA_LIBS"
        exit 0
    fi
fi

if [[ -d "$KAFKA_LIBS" ]] && ! $record; then
    echo "fetch.sh: WARNING: cached $KAFKA_LIBS does not verify; fetching again:" >&2
    verify "$KAFKA_LIBS" || true
fi

tmp=$(mktemp -d "$KAFKA_HOME_DIR/.libs.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "fetch.sh: downloading Kafka $KAFKA_VERSION jars with mvn (Maven Central) ..." >&2
started=$(kafka_now)
# -C: fail on a bad Maven Central checksum instead of warning. Run from the
# temp dir so nothing lands in the repo. mvn's output (even with -q, Debian's
# Maven 3.8 prints stray colour codes) is shown only if it fails.
if ! (cd "$tmp" && "${WEBCARE_MVN:-mvn}" -B -q -C -f "$KAFKA_DEPLOY_DIR/pom.xml" \
    dependency:copy-dependencies \
    -DincludeScope=runtime \
    -DoutputDirectory="$tmp/libs") >"$tmp/mvn.log" 2>&1 </dev/null; then
    sed 's/\x1b\[[0-9;]*m//g; /^[[:space:]]*$/d' "$tmp/mvn.log" >&2
    die "mvn dependency:copy-dependencies failed (output above)"
fi
[[ -n "$(ls -A "$tmp/libs" 2>/dev/null)" ]] || die "mvn copied no jars into $tmp/libs"
echo "fetch.sh: downloaded $(ls "$tmp/libs" | wc -l) jars in $(kafka_elapsed "$started")s" >&2

if $record; then
    (cd "$tmp/libs" && export LC_ALL=C && sha256sum -- *) >"$tmp/checksums.sha256"
    mv -f "$tmp/checksums.sha256" "$KAFKA_CHECKSUMS"
    echo "fetch.sh: recorded $(wc -l <"$KAFKA_CHECKSUMS") checksums in $KAFKA_CHECKSUMS (review and commit it)" >&2
fi

verify "$tmp/libs" || die "the jars downloaded for Kafka $KAFKA_VERSION do not match $KAFKA_CHECKSUMS (see above); not installing them. If pom.xml was re-pinned, run fetch.sh --record; if a jar in the local Maven repository (~/.m2/repository) is corrupt, delete it there and retry"

# Atomic install: rename(2) of a complete, verified directory.
if [[ -e "$KAFKA_LIBS" ]]; then
    mv -T "$KAFKA_LIBS" "$tmp/old-libs"
fi
mv -T "$tmp/libs" "$KAFKA_LIBS"
echo "kafka $KAFKA_VERSION: verified jars in $KAFKA_LIBS"
