#!/usr/bin/env bash
# Sets up and runs the whole product on the embedded default (SQLite, django-q2 ORM broker):
# installs, migrates, loads the demo venue, then starts the web server and the django-q2 cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=website.settings.dev
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export SITE_URL="http://$HOST:$PORT" SECUTIX_API_BASE_URL="${SECUTIX_API_BASE_URL:-http://$HOST:$PORT}"

echo "==> Migrating the database (var/db.sqlite3)"
$PY manage.py migrate --noinput -v0
echo "==> Loading the demo venue and website content"
$PY manage.py setup_demo
$PY manage.py collectstatic --noinput -v0

$PY manage.py qcluster >var/qcluster.log 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null || true' EXIT INT TERM

cat <<TXT

The CUBE is ready (set up in $(( $(date +%s) - started ))s). django-q2 worker: pid $qpid, log in var/qcluster.log.
  Website                  http://$HOST:$PORT/
  Wagtail admin            http://$HOST:$PORT/admin/          admin / cube-admin
  Ticketshop back office   http://$HOST:$PORT/backoffice/     admin / cube-admin
  Demo visitor (contact)   michel.shapira@secutixtest.com / Cube-demo-2026
Press Ctrl+C to stop.
TXT
$PY manage.py runserver "$HOST:$PORT" --noreload
