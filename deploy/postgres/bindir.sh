#!/usr/bin/env bash
# Prints the directory holding initdb/pg_ctl (newest installed PostgreSQL), or fails.
set -euo pipefail
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; exit 0; fi
done
if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
  dirname "$(command -v pg_ctl)"; exit 0
fi
exit 1
