#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster: start.sh DATA_DIR PORT
# Listens on 127.0.0.1:PORT with trust authentication for local tests only.
# As root the server runs as the 'postgres' user (PostgreSQL refuses root).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="${1:?usage: start.sh DATA_DIR PORT}"
port="${2:?usage: start.sh DATA_DIR PORT}"
bin="$(bash "$here/bindir.sh")"

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$data"
if [ "$(id -u)" = "0" ]; then chown postgres "$data"; chmod 700 "$data"; fi
if [ ! -f "$data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c fsync=off -c full_page_writes=off" start >/dev/null
echo "postgresql://postgres@127.0.0.1:$port/postgres"
