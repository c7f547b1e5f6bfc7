#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the tests on 127.0.0.1:${PGPORT:-54329} (data in
# var/pgdata, or PGDATA_DIR; owned by the `postgres` system user) and prints its URL. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PGPORT=${PGPORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
data="${PGDATA_DIR:-$PWD/var/pgdata}"
run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
url="postgres://postgres@127.0.0.1:$PGPORT/postgres"
if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
  echo "$url"  # already running (this checkout's, or another one's on this machine)
  exit 0
fi
mkdir -p var "$(dirname "$data")"
if [ ! -f "$data/PG_VERSION" ]; then
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres "$data"
  run "$bin/initdb" -D "$data" -U postgres -A trust >/dev/null
fi
if ! run "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  run "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-h 127.0.0.1 -p $PGPORT -k /tmp -c max_connections=300 -c fsync=off" start >/dev/null
fi
echo "$url"
