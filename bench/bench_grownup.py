"""X5: sale-day mixed load (locust, 60 s) on the embedded default and on grown-up mode, side by
side, then the fault scenarios under the same load on grown-up mode.

    .venv/bin/python bench/bench_grownup.py [--users N] [--seconds S] [--web-workers N]
        [--shop-workers N] [--qclusters N] [--skip-embedded] [--skip-faults]

Mixed load: visitors on What's on and event pages, the public availability endpoint, SOAP
getProductAvailability, buyers checking out with the test card (bench/locustfile.py). Prints per
kind: requests/s, p50/p95/p99 (ms), failures, for each mode and the requests/s ratio grown-up ÷
embedded; seats oversold (must be 0). Fault scenarios (each under the load, in grown-up mode):
1. the ticketshop's web service stopped 20 s: the website's answers (must be 200) and badges;
2. PostgreSQL stopped 10 s then started: 503s and their latency, recovery time, same workers;
3. Redis down 20 s: the website's answers (must be 200), jobs queued before it are run after;
4. the workers SIGKILLed in the middle of a catalogue import: the re-run's pages equal a clean run.
Loopback only; the ports come from GROWNUP_PORTS (default 18400-18499). The machine's load
average is printed: on a shared machine compare the ratios of one run, not absolute figures.
"""

import os
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from tests.deployment import test_grownup as drills  # noqa: E402
from tests.deployment.grownup import (  # noqa: E402
    Embedded,
    GrownUp,
    get,
    oversold,
    prepare_load,
    read_stats,
    run_locust,
)

KINDS = [
    "website: what's on",
    "website: event page",
    "ticketshop: public availability",
    "ticketshop: SOAP getProductAvailability",
    "checkout: hold",
    "checkout: start payment",
    "checkout: pay",
    "checkout: hold refused",
    "Aggregated",
]


def _arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def load():
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(mode, users, seconds, buyers):
    print(f"==> {type(mode).__name__}: starting ({load()})", flush=True)
    begin = time.monotonic()
    mode.start()
    print(f"    started in {time.monotonic() - begin:.0f} s; mixed load {seconds} s", flush=True)
    data = prepare_load(mode, buyers)
    print(f"    load: {load()}", flush=True)
    stats = run_locust(data, mode.web_url, users=users, seconds=seconds)
    print(f"    after: {load()}", flush=True)
    return data, stats, oversold(mode)


def table(results):
    names = list(results)
    header = f"{'kind':42}" + "".join(f" | {n[:9]:>9} req/s  p50   p95   p99 fail" for n in names)
    if len(names) == 2:
        header += " | ratio"
    print(header)
    for kind in KINDS:
        row = f"{kind:42}"
        values = [results[n].get(kind) for n in names]
        for value in values:
            if value is None:
                row += f" | {'-':>15} {'':>5} {'':>5} {'':>5} {'':>4}"
            else:
                row += (
                    f" | {value['rps']:15.1f} {value['p50']:5.0f} {value['p95']:5.0f} "
                    f"{value['p99']:5.0f} {value['failures']:4d}"
                )
        if len(values) == 2 and all(values) and values[0]["rps"]:
            row += f" | {values[1]['rps'] / values[0]['rps']:5.2f}"
        print(row)


class Sampler:
    """GETs `urls` in turn from one thread: (time, status, seconds, body has 'unknown')."""

    def __init__(self, urls):
        self.urls, self.samples, self.running = urls, [], True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        n = 0
        while self.running:
            url = self.urls[n % len(self.urls)]
            begin = time.monotonic()
            status, body = get(url, timeout=30)
            self.samples.append(
                (begin, status, time.monotonic() - begin, drills.UNKNOWN_BADGE in body)
            )
            n += 1
            time.sleep(0.2)

    def stop(self):
        self.running = False
        self.thread.join(timeout=40)

    def between(self, start, end):
        return [s for s in self.samples if start <= s[0] < end]


def summary(samples):
    statuses = {}
    for _t, status, _s, _u in samples:
        statuses[status] = statuses.get(status, 0) + 1
    slowest = max((s[2] for s in samples), default=0)
    unknown = sum(1 for s in samples if s[3])
    return f"{len(samples)} requests, statuses {statuses}, slowest {slowest:.2f} s, {unknown} with unknown badges"


def fault(grownup, data, users, title, act, seconds=60):
    print(f"\n--- {title} ({load()})", flush=True)
    page = drills._event_page(grownup)
    sampler = Sampler([page, f"{grownup.web_url}/en/events/"])
    process, prefix = run_locust(
        data, grownup.web_url, users=users, seconds=seconds, background=True
    )
    time.sleep(10)
    try:
        act(sampler, page)
    finally:
        output, _ = process.communicate(timeout=seconds + 120)
        sampler.stop()
    stats = read_stats(prefix, output)
    for kind in KINDS:
        if kind in stats:
            v = stats[kind]
            print(f"    {kind:42} {v['requests']:6d} requests {v['failures']:5d} failures")
    print(f"    oversold: {oversold(grownup)}")


def main():
    users, seconds = _arg("--users", 30), _arg("--seconds", 60)
    buyers = max(4, users // 4)
    results = {}
    if "--skip-embedded" not in sys.argv:
        embedded = Embedded()
        try:
            _data, results["embedded"], sold = measure(embedded, users, seconds, buyers)
            print(f"    embedded oversold: {sold}")
        finally:
            embedded.stop()
    grownup = GrownUp(
        web_workers=_arg("--web-workers", 3),
        shop_workers=_arg("--shop-workers", 3),
        qclusters=_arg("--qclusters", 2),
        q_workers=2,
    )
    try:
        data, results["grown-up"], sold = measure(grownup, users, seconds, buyers)
        print(f"    grown-up oversold: {sold}\n")
        print(f"Mixed load, {users} users, {seconds} s ({load()}):")
        table(results)
        if "--skip-faults" in sys.argv:
            return

        def ticketshop_down(sampler, page):
            normal = get(f"{grownup.web_url}/en/events/")[1].count(drills.UNKNOWN_BADGE)
            begin = time.monotonic()
            grownup.script("stop-shop")
            time.sleep(20)
            end = time.monotonic()
            grownup.script("start-shop")
            index = f"{grownup.web_url}/en/events/"
            recovered = grownup.wait(
                lambda: get(index)[1].count(drills.UNKNOWN_BADGE) <= normal, 90
            )
            print(
                f"    website while the ticketshop was down: {summary(sampler.between(begin, end))}"
            )
            print(
                f"    badges back by themselves: {recovered} after {time.monotonic() - end:.1f} s"
            )

        def postgres_restart(sampler, page):
            master = (grownup.var_dir / "run" / "web.pid").read_text()
            begin = time.monotonic()
            grownup.script("stop-postgres")
            time.sleep(10)
            end = time.monotonic()
            grownup.script("start-postgres")
            back = time.monotonic()
            grownup.wait(lambda: get(page)[0] == 200, 60, step=0.2)
            same = master == (grownup.var_dir / "run" / "web.pid").read_text()
            print(f"    website while PostgreSQL was down: {summary(sampler.between(begin, end))}")
            print(
                f"    serving again {time.monotonic() - back:.1f} s after PostgreSQL came back; "
                f"same web workers: {same}"
            )

        def redis_down(sampler, page):
            grownup.script("stop-workers")
            grownup.shell(drills.QUEUE % 5)
            begin = time.monotonic()
            grownup.script("stop-redis")
            time.sleep(20)
            end = time.monotonic()
            grownup.script("start-redis")
            grownup.script("start-workers")
            done = grownup.wait(lambda: len(grownup.shell(drills.DRILL)) == 5, 120, step=2)
            print(f"    website while Redis was down: {summary(sampler.between(begin, end))}")
            print(f"    5 jobs queued before the outage, run after it: {done}")

        fault(grownup, data, users, "1. ticketshop web service stopped 20 s", ticketshop_down)
        fault(grownup, data, users, "2. PostgreSQL stopped 10 s, then started", postgres_restart)
        fault(grownup, data, users, "3. Redis down 20 s", redis_down)

        print(f"\n--- 4. workers SIGKILLed in the middle of a catalogue import ({load()})")
        clean = grownup.shell(drills.PAGES)
        grownup.shell(drills.EMPTY)
        last = grownup.shell(drills.IMPORT)
        grownup.wait(lambda: grownup.shell(drills.RUN_STATE % last), 60, step=0.5)
        time.sleep(2)
        for pidfile in (grownup.var_dir / "run").glob("qcluster-*.pid"):
            os.killpg(int(pidfile.read_text().strip()), signal.SIGKILL)
        killed = grownup.shell(drills.RUN_STATE % last)
        partial = len(grownup.shell(drills.PAGES))
        grownup.script("start-workers")
        rerun = grownup.shell(drills.IMPORT)
        grownup.wait(
            lambda: any(r[1] == "success" for r in grownup.shell(drills.RUN_STATE % rerun)),
            300,
            step=3,
        )
        same = grownup.shell(drills.PAGES) == clean
        print(f"    killed run: {killed}; pages left by it: {partial}")
        print(f"    re-run's pages equal a clean run's ({len(clean)} pages): {same}")
    finally:
        grownup.stop()


if __name__ == "__main__":
    main()
