"""A simulated real-time reseller (R9, a second kind of sandbox): N buyers at once, each at the
reseller's counter, selling through the ticketshop's real-time API over HTTP only (requests,
one session per buyer): sign in as the reseller's API account, list the performances, hold
places of a category at the listed price, confirm with the beneficiaries' names and a fresh
sale reference. A lost answer is asked again by its status call, as a real reseller would.

The reseller keeps its own records of what it sold and cancelled (`record_sales`,
`record_cancellation`: reseller_sandbox.models.RealtimeSale, its own table), which the venue
reads back over HTTP for its reconciliation (realtime_sales.py).

Used by `manage.py realtime_reseller_sandbox`, the race of tests/ticketshop/resellers/ and
bench/bench_realtime.py. No import of the ticketshop (import-linter)."""

import random
import threading
import time
import uuid
from collections import Counter

import requests

FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken"]
LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"]
SOLD_OUT = {"NOT_ENOUGH_PLACES", "UNKNOWN_PERFORMANCE", "NOT_ON_SALE"}


class Reseller:
    def __init__(self, base_url, operator, secret, timeout=120):
        self.base = base_url.rstrip("/")
        self.operator, self.secret, self.timeout = operator, secret, timeout
        self.token = self._sign_in()

    def _sign_in(self):
        response = requests.post(
            f"{self.base}/tnai/backend-apis/v1/auth",
            json={"operator": self.operator, "partner": "sandbox", "secret": self.secret},
            timeout=self.timeout,
        )
        response.raise_for_status()
        return response.json()["token"]

    def session(self):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        return session

    def call(self, session, method, path, retries=5, **kwargs):
        """(status, JSON body); a 503 TRY_AGAIN is tried again after its Retry-After."""
        for _attempt in range(retries):
            response = session.request(
                method, f"{self.base}/api/1/resellers/{path}", timeout=self.timeout, **kwargs
            )
            if response.status_code != 503:
                break
            time.sleep(float(response.headers.get("Retry-After", "1")))
        try:
            body = response.json()
        except ValueError:
            body = {"code": f"HTTP_{response.status_code}", "message": response.text[:200]}
        return response.status_code, body


def offer(reseller, session, performance=None):
    """[(performance, category, customer category, price)] with places left."""
    status, body = reseller.call(session, "GET", "performances")
    if status != 200:
        raise RuntimeError(f"listing failed: {status} {body}")
    choices = []
    for perf in body["performances"]:
        if performance is not None and perf["performance"] != performance:
            continue
        for category in perf["categories"]:
            if category["remaining"] and category["prices"]:
                price = category["prices"][0]
                choices.append(
                    (
                        perf["performance"],
                        category["category"],
                        price["customerCategories"][0],
                        price["amount"],
                        category.get("externalId") or "",
                    )
                )
    return choices


def run_buyers(base_url, operator, secret, buyers=4, sales=20, performance=None, places=1):
    """`buyers` threads share `sales` sales; returns a report (counts, sales, errors)."""
    reseller = Reseller(base_url, operator, secret)
    todo = list(range(sales))
    lock = threading.Lock()
    outcomes = Counter()
    confirmed = []  # (sale reference, basket, order id, barcodes)
    answers = []  # (the confirm's answer, the reseller's category id): what the reseller records
    errors = []
    timings = []

    def buyer(number):
        session = reseller.session()
        rng = random.Random(number)
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            try:
                outcome = sell_one(reseller, session, rng, performance, places)
            except Exception as exc:  # noqa: BLE001 — reported: the caller fails on errors
                outcome = ("error", f"{type(exc).__name__}: {exc}")
            with lock:
                outcomes[outcome[0]] += 1
                if outcome[0] == "sold":
                    confirmed.append(outcome[1])
                    timings.append(outcome[2])
                    answers.append(outcome[3])
                elif outcome[0] == "error":
                    errors.append(outcome[1])

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(buyers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "operator": operator,
        "sold": outcomes["sold"],
        "sold_out": outcomes["sold_out"],
        "errors": errors,
        "elapsed_seconds": round(elapsed, 3),
        "sales": confirmed,
        "answers": answers,
        "confirm_seconds_avg": round(sum(timings) / len(timings), 4) if timings else None,
    }


def sell_one(reseller, session, rng, performance, places):
    choices = offer(reseller, session, performance)
    if not choices:
        return ("sold_out", None)
    perf, category, customer, price, external_category = rng.choice(choices)
    status, basket = reseller.call(
        session,
        "POST",
        "baskets",
        json={
            "performance": perf,
            "category": category,
            "tickets": [{"customerCategory": customer, "quantity": places, "price": price}],
        },
    )
    if status != 201:
        if basket.get("code") in SOLD_OUT:
            return ("sold_out", None)
        return ("error", f"hold: {status} {basket}")
    reference = f"{reseller.operator}-{uuid.uuid4().hex[:12]}"
    names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _i in range(places)]
    started = time.perf_counter()
    try:
        status, sale = reseller.call(
            session,
            "POST",
            f"baskets/{basket['basket']}/confirm",
            json={"saleReference": reference, "beneficiaries": names},
        )
    except requests.RequestException:  # the answer is lost: ask for the sale's status
        status, sale = reseller.call(session, "GET", f"sales/{reference}")
    if status not in (200, 201) or sale.get("state") != "CONFIRMED":
        return ("error", f"confirm: {status} {sale}")
    barcodes = [p["ticket"]["barcode"] for p in sale["places"]]
    return (
        "sold",
        (reference, sale["basket"], sale["order"]["id"], barcodes),
        time.perf_counter() - started,
        (sale, external_category),
    )


def cancel_sale(reseller, reference, barcodes=None):
    """Cancel a sale (or some of its tickets) through the API: (status, JSON answer)."""
    session = reseller.session()
    body = {"tickets": barcodes} if barcodes else {}
    return reseller.call(session, "POST", f"sales/{reference}/cancel", json=body)


def sale_lines(answer, external_category="", kind="SALE", at=None):
    """The reseller's record of a sale answer of the API: one line a place, "REF#n"."""
    lines = []
    for number, place in enumerate(answer["places"], start=1):
        seat = place.get("seat") or {}
        ticket = place.get("ticket") or {}
        if kind == "CANCEL" and ticket.get("state") != "CANCELLED":
            continue
        paid = place.get("resellerPrice") or place["price"]
        lines.append(
            {
                "line_id": f"{answer['saleReference']}#{number}",
                "sale_reference": answer["saleReference"],
                "kind": kind,
                "performance_code": str(answer["performance"]),
                "seat_id": str(seat.get("id") or ""),
                "block": str(seat.get("block") or ""),
                "row": str(seat.get("row") or ""),
                "number": str(seat.get("number") or ""),
                "category_id": external_category or "",
                "customer_category_id": place.get("customerCategory") or "",
                "price": paid,
                "barcode": ticket.get("barcode") or "",
                "holder": ticket.get("holder") or "",
            }
        )
    return lines
