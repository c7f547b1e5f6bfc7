#!/usr/bin/env bash
# Sets up and runs the whole product on the embedded default (SQLite, django-q2 ORM broker):
# installs, migrates, loads the demo venue, starts the web server and the django-q2 cluster,
# then imports the ticketshop's catalogue into the website over SOAP.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=website.settings.dev
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export SITE_URL="http://$HOST:$PORT" SECUTIX_API_BASE_URL="${SECUTIX_API_BASE_URL:-http://$HOST:$PORT}"

mkdir -p var
echo "==> Migrating the database (var/db.sqlite3)"
$PY manage.py migrate --noinput -v0
echo "==> Loading the demo venue, the website's pages and the sign-in keys"
$PY manage.py setup_demo
$PY manage.py collectstatic --noinput -v0

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
$PY manage.py qcluster >var/qcluster.log 2>&1 &
pids+=($!)
$PY manage.py runserver "$HOST:$PORT" --noreload >var/web.log 2>&1 &
pids+=($!)
$PY - "http://$HOST:$PORT/api/1/" <<'PY'
import sys, time, urllib.request
for _ in range(120):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        break
    except OSError:
        time.sleep(0.5)
PY

echo "==> Importing the catalogue into the website (SOAP)"
$PY manage.py import_catalogue && $PY manage.py demo_images || echo "The import failed: see above. The site runs anyway."

cat <<TXT

The CUBE is ready (set up in $(( $(date +%s) - started ))s). Logs: var/web.log, var/qcluster.log.
  Website                  http://$HOST:$PORT/
  Wagtail admin            http://$HOST:$PORT/admin/          admin / cube-admin
  Ticketshop back office   http://$HOST:$PORT/backoffice/     admin / cube-admin
  Ticketshop web APIs      http://$HOST:$PORT/api/1/          API account (operator) CUBE_WEBSITE / website-demo-key
  Demo visitor (contact)   michel.shapira@secutixtest.com / Cube-demo-2026
  Test payments            card 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is refused;
                           gift voucher CUBE-GIFT-50 (50 EUR); Michel has 20 EUR of credit
django-q2 runs the daily catalogue import (and a "Run import now" button is in the Wagtail admin).
Press Ctrl+C to stop.
TXT
wait
