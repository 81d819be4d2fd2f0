#!/usr/bin/env bash
# Installs Debian's redis-server for the shared-store tests (test/limit-redis.test.ts) when it is missing; does nothing when present.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
# Only root with apt can install it; elsewhere the Redis tests skip with a message (CI fails instead).
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: no redis-server; the shared-store tests will be skipped (install redis-server to run them)"
  [[ -n ${CI:-} ]] && exit 1
  exit 0
fi
echo "ensure-redis: installing Debian redis-server"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends redis-server >/dev/null
