#!/usr/bin/env bash
# Installs Debian's redis-server for the shared-store tests (test/limit-redis.test.ts) when it is missing; does nothing when present.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
echo "ensure-redis: installing Debian redis-server"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends redis-server >/dev/null
