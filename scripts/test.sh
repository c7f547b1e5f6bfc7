#!/usr/bin/env bash
# Installs what the tests need, then runs the linters, the architecture contracts and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
export PATH="$PWD/.venv/bin:$PATH" PYTHONPATH="$PWD/site"
echo "==> ruff"
ruff check .
ruff format --check .
echo "==> import contracts"
lint-imports
echo "==> PostgreSQL and Redis for the concurrency and grown-up mode tests"
TEST_POSTGRES_URL=$(scripts/postgres.sh)
TEST_REDIS_URL=$(scripts/redis.sh)
export TEST_POSTGRES_URL TEST_REDIS_URL
echo "==> pytest (random order: pytest-randomly prints the seed; per-test timeout in pyproject)"
pytest -p randomly "$@"
