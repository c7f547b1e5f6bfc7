#!/usr/bin/env bash
# Installs what the product needs on a fresh machine: Debian packages, a virtualenv, pip packages.
# Usage: scripts/bootstrap.sh [test|grownup]   ("test" also installs the test tools and browser,
# PostgreSQL and Redis; "grownup" PostgreSQL and Redis, for scripts/grownup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(xmlsec1 gettext fonts-dejavu-core fonts-droid-fallback)  # fonts: the ticket PDF (every name prints)
[ "${1:-}" = "test" ] && debs+=(chromium postgresql redis-server)
[ "${1:-}" = "grownup" ] && debs+=(postgresql redis-server)
# npm for axe-core: Debian's package only where no npm is on the PATH (a Node.js install that
# brings its own npm conflicts with Debian's).
[ "${1:-}" = "test" ] && ! command -v npm >/dev/null 2>&1 && debs+=(npm)
missing=()
for deb in "${debs[@]}"; do
  dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || { echo "==> Creating .venv"; python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv; }
extras=""; [ "${1:-}" = "test" ] && extras="[test]"
stamp=".venv/.installed${extras}-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "==> Installing Python packages${extras}"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q ".${extras}"
  rm -rf build ./*.egg-info
  touch "$stamp"
fi

# The accessibility checker the browser tests inject into pages (axe-core), in ./node_modules.
if [ "${1:-}" = "test" ] && [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "==> Installing axe-core (npm)"
  npm install --no-save --no-package-lock --no-audit --no-fund --silent axe-core@4 >/dev/null
fi
