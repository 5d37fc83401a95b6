#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries are installed (the tests start a throwaway
# cluster from them). Installs Debian's packages when running as root; otherwise says
# exactly what to install. Does nothing when WEBCARE_TEST_DATABASE_URL names a server.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -n "${WEBCARE_TEST_DATABASE_URL:-}" ]; then
  exit 0
fi
if bash "$here/bindir.sh" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing PostgreSQL from Debian's packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bash "$here/bindir.sh" >/dev/null
else
  echo "PostgreSQL server binaries not found. Install them, e.g.: sudo apt-get install postgresql" >&2
  echo "or set WEBCARE_TEST_DATABASE_URL=postgresql://user:pass@host:5432/db" >&2
  exit 1
fi
