#!/usr/bin/env bash
# Mutation testing of the rule modules (see scripts/mutate.py). Slow: not part of `make test`/CI.
# Usage: scripts/mutate.sh [module.py ...]    (make mutate MODULES="ticketshop/api/redirects.py")
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
[ -x .venv/bin/cosmic-ray ] || .venv/bin/pip install -q ".[test,mutate]"
rm -rf build ./*.egg-info
exec nice -n 19 .venv/bin/python -u scripts/mutate.py "$@"
