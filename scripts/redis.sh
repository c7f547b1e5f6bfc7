#!/usr/bin/env bash
# Starts a throw-away Redis for the tests on 127.0.0.1:${REDIS_PORT:-63799} and prints its URL.
set -euo pipefail
REDIS_PORT=${REDIS_PORT:-63799}
url="redis://127.0.0.1:$REDIS_PORT/0"
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes >/dev/null
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "$url"
