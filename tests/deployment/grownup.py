"""Drives grown-up mode (scripts/grownup.sh) and locust for the deployment tests and bench/.

`GrownUp` starts the script with its own VAR_DIR and ports, runs its drills (stop-shop,
stop-postgres, …) and manage.py commands against the same database; `run_locust` runs
bench/locustfile.py headless, bounded in time, on loopback, and returns the figures per kind;
`oversold` counts places sold beyond what a performance has."""

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "grownup.sh"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
BIN = Path(sys.executable).parent
PASSWORD = "Load-test-2026"


def free_ports(count, first=None, last=None):
    """`count` free TCP ports on 127.0.0.1 within GROWNUP_PORTS (e.g. 18400-18499)."""
    low, high = (int(p) for p in os.environ.get("GROWNUP_PORTS", "18400-18499").split("-"))
    low, high = first or low, last or high
    found = []
    for port in range(low, high + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"not {count} free ports in {low}-{high}")


def get(url, timeout=10):
    """(status, body) of a GET, never raising for an HTTP status; status 0 when unreachable."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError as error:
        return 0, str(error)


class GrownUp:
    def __init__(self, web_workers=2, shop_workers=2, qclusters=2, q_workers=2, threads=4):
        # PostgreSQL (run as the `postgres` user when root) must reach its data directory.
        self.var_dir = Path(tempfile.mkdtemp(prefix="cube-grownup-"))
        self.var_dir.chmod(0o755)
        web, shop, pg, redis = free_ports(4)
        self.web_url, self.shop_url = f"http://127.0.0.1:{web}", f"http://127.0.0.1:{shop}"
        self.env = {
            **os.environ,
            "VAR_DIR": str(self.var_dir),
            "WEB_PORT": str(web),
            "SHOP_PORT": str(shop),
            "PGPORT": str(pg),
            "REDIS_PORT": str(redis),
            "WEB_WORKERS": str(web_workers),
            "SHOP_WORKERS": str(shop_workers),
            "QCLUSTERS": str(qclusters),
            "Q_WORKERS": str(q_workers),
            "THREADS": str(threads),
            "SKIP_BOOTSTRAP": "1",  # the test command and `make bench` installed everything
            "DEMO_IMAGES": "0",
            "SHOP_MAX_HOLDS_PER_HOUR": "100000",  # every simulated buyer comes from 127.0.0.1
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"):
            self.env.pop(name, None)

    def script(self, command, timeout=900):
        done = subprocess.run(
            ["bash", str(SCRIPT), command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"grownup.sh {command}: {done.stdout[-2000:]}{done.stderr[-3000:]}")
        return done.stdout

    def start(self):
        out = self.script("start")
        if "Import done" not in self.log("setup"):
            raise RuntimeError(f"the catalogue import failed: {self.log('setup')[-3000:]}")
        return out

    def stop(self):
        """Stops everything, even after a failed start; then removes its files."""
        try:
            self.script("stop", timeout=120)
        except Exception:  # noqa: BLE001 — the fallback below still ends the processes
            for pidfile in (self.var_dir / "run").glob("*.pid"):
                try:
                    os.kill(int(pidfile.read_text().strip()), signal.SIGKILL)
                except (ValueError, OSError):
                    pass
        shutil.rmtree(self.var_dir, ignore_errors=True)

    def app_env(self):
        env = {**self.env}
        for line in (self.var_dir / "grownup.env").read_text().splitlines():
            name, _, value = line.partition("=")
            env[name] = value
        return env

    def manage(self, *args, timeout=300):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.app_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)}: {done.stderr[-3000:]}")
        return done.stdout

    def shell(self, code, timeout=300):
        """Runs `code` in manage.py shell; returns the JSON it prints on its last line."""
        out = self.manage("shell", "-c", code, timeout=timeout)
        return json.loads(out.strip().splitlines()[-1])

    def log(self, name):
        path = self.var_dir / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def health(self, checks=""):
        status, body = get(f"{self.web_url}/health/" + (f"?checks={checks}" if checks else ""))
        return status, body

    def wait(self, predicate, seconds, step=0.5):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(step)
        return predicate()


LOAD_DATA = """
import json
from django.utils import timezone
from events.models import EventPage
from ticketshop.catalogue.offer import performances_on_offer, products_on_offer
from ticketshop.contacts.models import Contact
from ticketshop.organisation.models import Organisation

buyers = %(buyers)d
org = Organisation.objects.get(code="CUBE")
emails = []
for n in range(buyers):
    email = f"load{n}@example.com"
    contact = Contact.objects.filter(organisation=org, email=email).first()
    if contact is None:
        contact = Contact(organisation=org, email=email, first_name="Load", last_name=f"Buyer {n}")
        contact.set_password(%(password)r)
        contact.save()
    emails.append(email)
performances = list(
    performances_on_offer(org.pk)
    .filter(start__gt=timezone.now(), state="RUNNING", product__state="RUNNING")
    .values_list("pk", flat=True)
)
pages = [p.url for p in EventPage.objects.live().filter(locale__language_code="en")]
print(json.dumps({
    "buyers": emails, "password": %(password)r, "performances": performances,
    "products": list(products_on_offer(org.pk).values_list("pk", flat=True)),
    "event_pages": [p for p in pages if p],
}))
"""

OVERSOLD = """
import json
from django.db.models import Count, Sum
from ticketshop.organisation.models import PointOfSales
from ticketshop.sales.availability import performance_availability
from ticketshop.sales.models import SeatReservation

live = SeatReservation.objects.filter(status__in=["HELD", "SOLD"], performance__isnull=False)
twice = (
    live.filter(seat__isnull=False).values("performance", "seat").annotate(n=Count("id"))
    .filter(n__gt=1).count()
)
taken = dict(live.values_list("performance").annotate(t=Sum("quantity")))
pos = PointOfSales.objects.get(code="TICKETSHOP")
capacity = performance_availability(list(taken), pos) if taken else {}
over = [i for i, t in taken.items() if capacity.get(i) and t > capacity[i].capacity]
sold = SeatReservation.objects.filter(status="SOLD").count()
print(json.dumps({"seats_taken_twice": twice, "performances_over_capacity": over, "sold": sold}))
"""


def prepare_load(grownup, buyers):
    data = grownup.shell(LOAD_DATA % {"buyers": buyers, "password": PASSWORD})
    data["web"], data["shop"] = grownup.web_url, grownup.shop_url
    path = grownup.var_dir / "load.json"
    path.write_text(json.dumps(data))
    return path


def oversold(grownup):
    """{'seats_taken_twice': n, 'performances_over_capacity': [...], 'sold': n}."""
    return grownup.shell(OVERSOLD)


def run_locust(
    data_file,
    host,
    users,
    seconds,
    spawn_rate=None,
    csv_dir=None,
    background=False,
    weights=None,
):
    """Runs bench/locustfile.py headless for `seconds` with `users`; returns its figures per
    kind ({name: {requests, failures, rps, p50, p95, p99}}, plus "Aggregated"), or with
    `background` the Popen and the csv prefix to read with `read_stats` after it ends."""
    csv_dir = Path(csv_dir or tempfile.mkdtemp(prefix="cube-locust-"))
    prefix = csv_dir / "load"
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate or users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "LOAD_DATA": str(data_file)}
    if weights:
        env["LOAD_WEIGHTS"] = weights
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if background:
        return process, prefix
    output, _ = process.communicate(timeout=seconds + 120)
    return read_stats(prefix, output)


def read_stats(prefix, output=""):
    stats = {}
    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        raise RuntimeError(f"locust wrote no statistics:\n{output[-3000:]}")
    with path.open() as rows:
        for row in csv.DictReader(rows):
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
            }
    failures = Path(f"{prefix}_failures.csv")
    stats["_failures"] = failures.read_text()[-3000:] if failures.exists() else ""
    stats["_output"] = output[-3000:]
    return stats


class Embedded(GrownUp):
    """The embedded default as `make run` starts it (SQLite, the ORM broker, one `runserver`
    process serving the website and the ticketshop, one django-q2 cluster), for comparison."""

    def __init__(self):
        self.var_dir = Path(tempfile.mkdtemp(prefix="cube-embedded-"))
        (port,) = free_ports(1)
        self.web_url = self.shop_url = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "VAR_DIR": str(self.var_dir),
            "DJANGO_SETTINGS_MODULE": "tests.deployment.embedded_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
            "SITE_URL": self.web_url,
            "SECUTIX_API_BASE_URL": self.web_url,
            "SECUTIX_TIMEOUT_SECONDS": "15",  # as grownup.sh: a loaded machine answers slowly
        }
        self.env.pop("DATABASE_URL", None)
        self.processes = []

    def app_env(self):
        return self.env

    def start(self):
        self.manage("migrate", "--noinput", "-v0", timeout=900)
        self.manage("setup_demo", timeout=900)
        (self.var_dir / "log").mkdir(exist_ok=True)
        for name, args in (
            ("qcluster", ["qcluster"]),
            ("web", ["runserver", self.web_url.split("//")[1], "--noreload"]),
        ):
            log = (self.var_dir / "log" / f"{name}.log").open("w")
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", *args],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        if not self.wait(lambda: get(f"{self.web_url}/api/1/")[0] == 200, 120):
            raise RuntimeError("the embedded server did not start")
        self.manage("import_catalogue", timeout=600)

    def stop(self):
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except OSError:
                    pass
        shutil.rmtree(self.var_dir, ignore_errors=True)
