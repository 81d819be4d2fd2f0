#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing; does nothing when present.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; then exit 0; fi
echo "ensure-chromium: installing Debian chromium (about 15 s)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium >/dev/null
