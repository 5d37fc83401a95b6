#!/usr/bin/env bash
# Stops a cluster started by start.sh: stop.sh DATA_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="${1:?usage: stop.sh DATA_DIR}"
bin="$(bash "$here/bindir.sh")"
[ -f "$data/postmaster.pid" ] || exit 0
if [ "$(id -u)" = "0" ]; then
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
else
  "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
fi
