#!/usr/bin/env bash
# Grown-up mode on one machine (X2, X5): PostgreSQL and Redis on loopback, the website and the
# ticketshop each served by its own gunicorn (WEB_WORKERS / SHOP_WORKERS processes), QCLUSTERS
# django-q2 clusters (`manage.py qcluster`, Q_WORKERS workers each), static files by whitenoise.
#
#   scripts/grownup.sh start     install, start the servers, migrate, set up the demo, start the
#                                processes, import the catalogue; prints the URLs
#   scripts/grownup.sh stop      stops every process it started, then Redis and PostgreSQL
#   scripts/grownup.sh status    what runs, and the health endpoints' answers
#   scripts/grownup.sh stop-web|start-web|stop-shop|start-shop|stop-workers|start-workers|
#                      stop-postgres|start-postgres|stop-redis|start-redis   (one piece: drills)
#
# Settings (environment): VAR_DIR (default ./var: logs in var/log/, pids in var/run/, PostgreSQL
# data in var/grownup-pgdata, Redis's append-only file in var/redis), WEB_PORT (8100), SHOP_PORT
# (8101), PGPORT (54330), REDIS_PORT (63800), WEB_WORKERS (2), SHOP_WORKERS (2), THREADS (4 per
# web process), QCLUSTERS (2), Q_WORKERS (2), DEMO_IMAGES (1). The environment the processes get
# is written to $VAR_DIR/grownup.env: `set -a; . var/grownup.env; set +a` before a manage.py
# command to run it against the same database.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VAR_DIR=$(mkdir -p "${VAR_DIR:-$ROOT/var}" && cd "${VAR_DIR:-$ROOT/var}" && pwd)
LOG=$VAR_DIR/log RUN=$VAR_DIR/run ENV_FILE=$VAR_DIR/grownup.env
WEB_PORT=${WEB_PORT:-8100} SHOP_PORT=${SHOP_PORT:-8101}
PGPORT=${PGPORT:-54330} REDIS_PORT=${REDIS_PORT:-63800}
WEB_WORKERS=${WEB_WORKERS:-2} SHOP_WORKERS=${SHOP_WORKERS:-2} THREADS=${THREADS:-4}
QCLUSTERS=${QCLUSTERS:-2} Q_WORKERS=${Q_WORKERS:-2}
PY=$ROOT/.venv/bin/python
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PGDATA_DIR=$VAR_DIR/grownup-pgdata
mkdir -p "$LOG" "$RUN"

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

write_env() {
  [ -f "$VAR_DIR/secret_key" ] || { umask 077; $PY -c "import secrets; print(secrets.token_urlsafe(50))" >"$VAR_DIR/secret_key"; }
  cat >"$ENV_FILE" <<ENV
DJANGO_SETTINGS_MODULE=website.settings.production
PYTHONPATH=$ROOT/site
VAR_DIR=$VAR_DIR
DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/cube
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
SECRET_KEY=$(cat "$VAR_DIR/secret_key")
ALLOWED_HOSTS=127.0.0.1,localhost
SITE_URL=http://127.0.0.1:$WEB_PORT
SECUTIX_API_BASE_URL=http://127.0.0.1:$SHOP_PORT
TICKETSHOP_ALLOW_TEST_PAYMENTS=1
SECUTIX_TIMEOUT_SECONDS=${SECUTIX_TIMEOUT_SECONDS:-10}
EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
EMAIL_FILE_PATH=$VAR_DIR/mail
SECURE_SSL_REDIRECT=0
SECURE_COOKIES=0
SECURE_HSTS_SECONDS=0
Q_WORKERS=$Q_WORKERS
SHOP_MAX_HOLDS_PER_HOUR=${SHOP_MAX_HOLDS_PER_HOUR:-12}
ENV
}

load_env() { set -a; . "$ENV_FILE"; set +a; }

start_postgres() {
  PGPORT=$PGPORT PGDATA_DIR=$PGDATA_DIR scripts/postgres.sh >/dev/null
  as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='cube'" | grep -q 1 ||
    as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres cube
}
stop_postgres() {
  [ -f "$PGDATA_DIR/PG_VERSION" ] && as_postgres "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1 || true
}

start_redis() {
  mkdir -p "$VAR_DIR/redis"
  # append-only file: jobs queued in Redis survive its restart (X5)
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 ||
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$VAR_DIR/redis" --appendonly yes \
      --appendfsync everysec --save "" --daemonize yes --pidfile "$RUN/redis.pid" \
      --logfile "$LOG/redis.log" >/dev/null
  for _ in $(seq 100); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "Redis did not start: see $LOG/redis.log" >&2; return 1
}
stop_redis() {  # ours only (its pidfile): SIGTERM makes Redis write its append-only file and exit
  local pid
  [ -f "$RUN/redis.pid" ] && pid=$(cat "$RUN/redis.pid") || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

wait_http() {  # url, seconds
  $PY - "$1" "${2:-60}" <<'PY'
import sys, time, urllib.error, urllib.request
deadline = time.monotonic() + float(sys.argv[2])
while True:
    try:
        urllib.request.urlopen(sys.argv[1], timeout=5)
        break
    except urllib.error.HTTPError as error:
        if error.code < 500:
            break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(f"{sys.argv[1]} does not answer")
    time.sleep(0.3)
PY
}

start_gunicorn() {  # name, port, workers
  local name=$1 port=$2 workers=$3
  if [ -f "$RUN/$name.pid" ] && kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then return; fi
  (load_env; cd "$ROOT" && exec "$ROOT/.venv/bin/gunicorn" website.wsgi:application \
    --bind "127.0.0.1:$port" --workers "$workers" --threads "$THREADS" \
    --worker-class gthread --timeout 30 --graceful-timeout 10 --max-requests 5000 \
    --max-requests-jitter 500 --pid "$RUN/$name.pid" --capture-output \
    --error-logfile "$LOG/$name.log" --daemon)
  for _ in $(seq 100); do [ -s "$RUN/$name.pid" ] && break; sleep 0.1; done
  wait_http "http://127.0.0.1:$port/health/?checks=database" 120
}

stop_pidfile() {  # name: TERM, then KILL after 20 s
  local file=$RUN/$1.pid pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$file"
}

start_workers() {
  for i in $(seq "$QCLUSTERS"); do
    if [ -f "$RUN/qcluster-$i.pid" ] && kill -0 "$(cat "$RUN/qcluster-$i.pid")" 2>/dev/null; then continue; fi
    # its own process group (setsid): a stop ends the cluster and its worker processes
    (load_env; cd "$ROOT" && exec setsid "$PY" manage.py qcluster >>"$LOG/qcluster-$i.log" 2>&1 </dev/null) &
    echo $! >"$RUN/qcluster-$i.pid"
  done
}
stop_workers() { for file in "$RUN"/qcluster-*.pid; do [ -f "$file" ] && stop_pidfile "$(basename "$file" .pid)"; done; return 0; }

health() { $PY -c "import sys,urllib.request,urllib.error
try: r=urllib.request.urlopen(sys.argv[1],timeout=5); print(r.status, r.read().decode())
except urllib.error.HTTPError as e: print(e.code, e.read().decode())
except OSError as e: print('down', e)" "$1"; }

case "${1:-}" in
start)
  started=$(date +%s)
  [ "${SKIP_BOOTSTRAP:-}" = 1 ] || scripts/bootstrap.sh grownup
  command -v redis-server >/dev/null && [ -n "$PGBIN" ] || {
    echo "Needs PostgreSQL and Redis: apt-get install postgresql redis-server" >&2; exit 1; }
  write_env
  echo "==> PostgreSQL on 127.0.0.1:$PGPORT, Redis on 127.0.0.1:$REDIS_PORT"
  start_postgres
  start_redis
  load_env
  echo "==> Migrating, setting up the demo, collecting the static files"
  $PY manage.py migrate --noinput -v0
  $PY manage.py setup_demo >"$LOG/setup.log" 2>&1 || { tail -30 "$LOG/setup.log" >&2; exit 1; }
  $PY manage.py collectstatic --noinput -v0
  echo "==> Ticketshop: gunicorn, $SHOP_WORKERS processes on :$SHOP_PORT; website: $WEB_WORKERS on :$WEB_PORT; $QCLUSTERS django-q2 clusters"
  start_gunicorn shop "$SHOP_PORT" "$SHOP_WORKERS"
  start_gunicorn web "$WEB_PORT" "$WEB_WORKERS"
  start_workers
  echo "==> Importing the catalogue into the website (SOAP, from the ticketshop's process)"
  $PY manage.py import_catalogue >>"$LOG/setup.log" 2>&1 || echo "The import failed: see $LOG/setup.log"
  [ "${DEMO_IMAGES:-1}" = 1 ] && { $PY manage.py demo_images >>"$LOG/setup.log" 2>&1 || true; }
  cat <<TXT

The CUBE runs grown up (started in $(( $(date +%s) - started ))s). Logs: $LOG/ (one per process).
  Website                  http://127.0.0.1:$WEB_PORT/          admin: /admin/ (admin / cube-admin)
  Ticketshop               http://127.0.0.1:$SHOP_PORT/          /backoffice/, /api/1/, /idp/
  Health (load balancers)  http://127.0.0.1:$WEB_PORT/health/   (?checks=database,cache,broker,workers)
  manage.py against it     set -a; . $ENV_FILE; set +a; .venv/bin/python manage.py …
Stop with: scripts/grownup.sh stop
TXT
  ;;
stop)
  stop_pidfile web
  stop_pidfile shop
  stop_workers
  stop_redis
  stop_postgres
  echo "stopped"
  ;;
status)
  for file in "$RUN"/*.pid; do
    [ -f "$file" ] || continue
    if kill -0 "$(cat "$file")" 2>/dev/null; then state=running; else state=dead; fi
    echo "$(basename "$file" .pid): pid $(cat "$file") $state"
  done
  echo "website health: $(health "http://127.0.0.1:$WEB_PORT/health/")"
  echo "ticketshop health: $(health "http://127.0.0.1:$SHOP_PORT/health/?checks=database,cache")"
  ;;
stop-web) stop_pidfile web ;;
start-web) start_gunicorn web "$WEB_PORT" "$WEB_WORKERS" ;;
stop-shop) stop_pidfile shop ;;
start-shop) start_gunicorn shop "$SHOP_PORT" "$SHOP_WORKERS" ;;
stop-workers) stop_workers ;;
start-workers) start_workers ;;
stop-postgres) stop_postgres ;;
start-postgres) start_postgres ;;
stop-redis) stop_redis ;;
start-redis) start_redis ;;
*)
  echo "usage: $0 start|stop|status|stop-web|start-web|stop-shop|start-shop|stop-workers|start-workers|stop-postgres|start-postgres|stop-redis|start-redis" >&2
  exit 2
  ;;
esac
