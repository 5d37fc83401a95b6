#!/usr/bin/env bash
# Makes sure the ops tools the tests use are installed: Debian's `prometheus` package
# (prometheus and promtool) and `docker-compose` (validates docker-compose.yml offline;
# no Docker engine is needed or started). Installs them when running as root, without
# the recommended extras; otherwise says exactly what to install.
set -euo pipefail

missing=()
command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} from Debian's packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing: ${missing[*]}. Install them, e.g.: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
