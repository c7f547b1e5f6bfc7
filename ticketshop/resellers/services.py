# Over 400 lines: one run protocol (lock, mapping check first, error classes, log) shared by export, take-back and integration.
"""The reseller interfaces' runs (R5–R7, R10): export contingents, integrate sales.

Every run:
- takes the interface's lock (a compare-and-set UPDATE of its row: works across processes on
  SQLite and PostgreSQL; a lease renewed while the run progresses, lost at once when its
  holder process dies: locks.py); a second run of the same interface meanwhile is REFUSED and logged;
- reads the reseller (SOAP via zeep), then checks EVERY mapping and rule it needs BEFORE it
  changes anything: any error and the run fails with nothing changed;
- applies each change in its own transaction, idempotent (one order per reseller sale id by a
  database constraint), so a run killed half-way and run again ends in the same state;
- is logged (Run, RunError classed mapping / external / technical), failures emailed.
"""

import datetime as dt
import itertools
import logging
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from ticketshop.catalogue.models import Performance, Price
from ticketshop.organisation.mail import send_templated_mail
from ticketshop.resellers import conf, locks
from ticketshop.resellers.client import ExternalError, ResellerClient
from ticketshop.resellers.contingents import release
from ticketshop.resellers.locks import acquire_lock, release_lock
from ticketshop.resellers.mappings import Mapper, MappingError
from ticketshop.resellers.models import (
    Contingent,
    ContingentSeat,
    Mapping,
    ResellerInterface,
    ResellerSale,
    Run,
    RunError,
)
from ticketshop.sales.lifecycle import (
    PAYMENT_GRACE_MINUTES,
    SOLD_STATES,
    InvalidTransition,
    cancel_paid_order,
    confirm_order,
    lock_places,
    new_barcode,
    new_cart,
    start_payment,
    transition,
)
from ticketshop.sales.models import Order, OrderLine, OrderMessage, SeatReservation
from ticketshop.sales.signals import order_refunded

log = logging.getLogger(__name__)
S = ContingentSeat.State
K = Mapping.Kind
E = RunError.Kind
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CENT = Decimal("0.01")

# The client used by runs; tests and the demo may swap it (a factory of one interface).
client_factory = ResellerClient


class RunFailed(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(m for _k, m in errors))
        self.errors = errors


# --- the interface's lock: ticketshop/resellers/locks.py (dies with its holder, renewed) ------


# --- runs ------------------------------------------------------------------------------------


def _finish(run, errors=(), now=None):
    for kind, message in errors:
        RunError.objects.create(run=run, kind=kind, message=message[:4000])
    run.state = Run.State.FAILED if errors else Run.State.OK
    run.ended_at = now or timezone.now()
    run.save()
    if errors and not run.dry_run:
        notify_failure(run)
    return run


def notify_failure(run):
    """R7: the interface's recipients are told of a failed run (errors and their class)."""
    sent = 0
    for email in run.interface.recipients():
        recipient = SimpleNamespace(email=email, language="fr")
        try:
            sent += send_templated_mail(
                recipient,
                "mail/reseller_run_failed_subject.txt",
                "mail/reseller_run_failed.txt",
                {"run": run, "errors": list(run.errors.all())},
            )
        except Exception:  # the run's log already says it all; a mail server down loses nothing
            log.exception("cannot email the failure of run %s", run.pk)
    return sent


def _run(interface, kind, body, dry_run=False, **fields):
    """Lock, log, call `body(run)` (which returns errors or raises), unlock."""
    now = timezone.now()
    token = acquire_lock(interface, now)
    if token is None:
        return Run.objects.create(
            interface=interface,
            kind=kind,
            dry_run=dry_run,
            state=Run.State.REFUSED,
            ended_at=now,
            report="Another run of this interface is in progress.",
            **fields,
        )
    run = Run.objects.create(interface=interface, kind=kind, dry_run=dry_run, **fields)
    try:
        body(run)
    except RunFailed as exc:
        return _finish(run, exc.errors)
    except ExternalError as exc:
        return _finish(run, [(E.EXTERNAL, str(exc))])
    except Exception as exc:  # anything else is ours: technical, call support
        log.exception("reseller run %s failed", run.pk)
        return _finish(run, [(E.TECHNICAL, f"{type(exc).__name__}: {exc}")])
    else:
        return _finish(run)  # ended before the lock goes: a free lock means no live run
    finally:
        release_lock(interface, token)


# --- export (R2, R10) -----------------------------------------------------------------------


def cascade_guard(interface, now):
    """R10: no export while seats are at the reseller and its sales are not followed (the last
    sales integration failed, or none is recent enough). Returns the error message or None."""
    at_reseller = ContingentSeat.objects.filter(
        contingent__interface=interface, state__in=(S.EXPORTED, S.TO_TAKE_BACK, S.SOLD)
    ).exists()
    if not at_reseller:
        return None
    last = (
        interface.runs.filter(kind=Run.Kind.INTEGRATE, dry_run=False)
        .exclude(state=Run.State.REFUSED)
        .first()
    )
    hours = conf.get("CASCADE_HOURS")
    if last is None or last.state != Run.State.OK:
        return "Cascade guard: the last sales integration failed or never ran; integrate first."
    if last.ended_at < now - dt.timedelta(hours=hours):
        return f"Cascade guard: the last sales integration is older than {hours} h."
    return None


def apply_release_deadline(interface, now):
    """R10: N hours before the show, unsold places go back: not exported ones at once,
    exported ones are asked back from the reseller."""
    hours = interface.release_deadline_hours
    if not hours:
        return 0
    due = ContingentSeat.objects.filter(
        contingent__interface=interface,
        contingent__performance__start__lte=now + dt.timedelta(hours=hours),
        contingent__performance__start__gt=now,
        state__in=(S.TO_EXPORT, S.EXPORTED),
    )
    performance_ids = set(due.values_list("contingent__performance_id", flat=True))
    with transaction.atomic():
        lock_places(performance_ids=performance_ids)
        fresh = list(due.filter(state=S.TO_EXPORT))
        release(fresh, S.RETURNED, now)
        return len(fresh) + due.filter(state=S.EXPORTED).update(state=S.TO_TAKE_BACK)


class Place(NamedTuple):
    """A contingent place as an export reads it (pk, reservation_id: what `release` needs)."""

    pk: int
    state: str
    seat_id: int | None
    seat_category_id: int | None
    reservation_id: int
    block_id: int | None
    block: str | None
    row: str | None
    number: int | None


@dataclass
class ExportPlan:
    contingent: Contingent
    manifestation: str
    to_export: list = field(default_factory=list)
    to_take_back: list = field(default_factory=list)
    seats: list = field(default_factory=list)  # AllottedSeat dicts
    count_by_category: dict = field(default_factory=dict)
    prices: list = field(default_factory=list)


PLACE_FIELDS = (
    "pk",
    "state",
    "seat_id",
    "seat_category_id",
    "reservation_id",
    "seat__block_id",
    "seat__block__code",
    "seat__row",
    "seat__number",
)


def _places_to_send(contingents):
    """The places to export or take back of these contingents, read in one query (a season
    is hundreds of thousands of places): {contingent id: [Place]}."""
    places = {}
    rows = (
        ContingentSeat.objects.filter(
            contingent__in=contingents, state__in=(S.TO_EXPORT, S.TO_TAKE_BACK)
        )
        .order_by("contingent_id", "pk")
        .values_list("contingent_id", *PLACE_FIELDS)
    )
    for row in rows.iterator(chunk_size=10_000):
        places.setdefault(row[0], []).append(Place(*row[1:]))
    return places


def _plan_export(contingent, mapper, errors, places=None, prices=None):
    performance = contingent.performance
    product = performance.product
    season = product.season
    interface = contingent.interface
    if product.family not in interface.families():
        errors.append(
            (E.MAPPING, f"{interface.code} may not sell {product.code}: family {product.family}.")
        )
        return None
    # Plain rows, not model instances: a season is hundreds of thousands of places.
    if places is None:
        places = _places_to_send([contingent])
    seats = places.get(contingent.pk, [])
    prices = {} if prices is None else prices
    try:
        plan = ExportPlan(contingent, mapper.external(K.EVENT, product.pk, season))
    except MappingError as exc:
        errors.append((E.MAPPING, str(exc)))
        return None
    plan.to_export = [c for c in seats if c.state == S.TO_EXPORT]
    plan.to_take_back = [c for c in seats if c.state == S.TO_TAKE_BACK]
    categories = {c.seat_category_id for c in plan.to_export}
    mapped = {}
    for category_id in categories:
        try:
            mapped[category_id] = mapper.external(K.SEAT_CATEGORY, category_id, season)
        except MappingError as exc:
            errors.append((E.MAPPING, str(exc)))
    if product.price_grid_id and categories:
        if product.price_grid_id not in prices:
            prices[product.price_grid_id] = list(
                Price.objects.filter(grid_id=product.price_grid_id)
            )
        for price in prices[product.price_grid_id]:
            if price.seat_category_id not in mapped:
                continue
            for customer_category in mapper.all_external(K.TARIFF, price.tariff_id, season):
                plan.prices.append(
                    {
                        "categoryId": mapped[price.seat_category_id],
                        "customerCategoryId": customer_category,
                        "amount": price.amount,
                    }
                )
        sold_categories = {p["categoryId"] for p in plan.prices}
        for external in mapped.values():
            if external not in sold_categories:
                errors.append(
                    (
                        E.MAPPING,
                        f"Missing mapping: no tariff of {product.code} in seat category "
                        f"{external} is mapped to a customer category of {interface.code}.",
                    )
                )
    blocks = {}  # block id → the reseller's id (a block without mapping keeps our code)
    for c in plan.to_export:
        if c.seat_id is None:
            key = mapped.get(c.seat_category_id)
            plan.count_by_category[key] = plan.count_by_category.get(key, 0) + 1
            continue
        if c.block_id not in blocks:
            blocks[c.block_id] = (mapper.all_external(K.BLOCK, c.block_id, season) or [c.block])[0]
        plan.seats.append(
            {
                "seatId": str(c.seat_id),
                "block": blocks[c.block_id],
                "row": c.row,
                "number": str(c.number),
                "categoryId": mapped.get(c.seat_category_id),
            }
        )
    return plan


def export_contingents(interface, dry_run=False, contingent=None, now=None):
    """R2: send the places to export, ask back the places to take back. A dry run says what
    would happen (and the mapping errors) and changes nothing."""

    def body(run):
        moment = now or timezone.now()
        errors = []
        guard = cascade_guard(interface, moment)
        if guard:
            errors.append((E.EXTERNAL, guard))
        if not dry_run:
            apply_release_deadline(interface, moment)
        contingents = interface.contingents.filter(export_contingent=True).select_related(
            "performance__product__season"
        )
        if contingent is not None:
            contingents = contingents.filter(pk=contingent.pk)
        mapper = Mapper(interface)
        places, prices = _places_to_send(contingents), {}
        plans = [p for c in contingents if (p := _plan_export(c, mapper, errors, places, prices))]
        plans = [p for p in plans if p.to_export or p.to_take_back]
        lines = [
            f"{p.contingent.performance}: {len(p.to_export)} to export, "
            f"{len(p.to_take_back)} to take back"
            for p in plans
        ]
        run.report = "\n".join(lines) or "Nothing to export or take back."
        if dry_run:
            run.exported = sum(len(p.to_export) for p in plans)
            run.taken_back = sum(len(p.to_take_back) for p in plans)
        if errors:
            raise RunFailed(errors)
        if dry_run:
            return
        client = client_factory(interface)
        _allot_plans(client, plans, run)
        for plan in plans:
            _export_plan(client, plan, run, moment)
        run.save()

    return _run(interface, Run.Kind.EXPORT, body, dry_run=dry_run)


def _items(value, name):
    """zeep's view of a spyne array: a list, or a wrapper with one list attribute."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    inner = getattr(value, name, None)
    if inner is None and hasattr(value, "__values__"):
        values = list(value.__values__.values())
        inner = values[0] if len(values) == 1 else None
    return list(inner or [])


ALLOT_MANY_SEATS = 10_000  # per call (the sandbox takes up to 20 000): ~2.5 MB envelopes


def _allot_plans(client, plans, run):
    """Send the places to export: the numbered seats of many performances per allotMany call
    (up to ALLOT_MANY_SEATS seats), an unnumbered hall's counts by `allot`; then those places
    are EXPORTED (one UPDATE per call). A crash between the two re-sends them next time: the
    reseller keeps a seat it holds already (idempotent by seat id)."""
    chunk, size = [], 0
    for plan in [p for p in plans if p.to_export]:
        if chunk and size + len(plan.seats) > ALLOT_MANY_SEATS:
            _allot_chunk(client, chunk, run)
            chunk, size = [], 0
        chunk.append(plan)
        size += len(plan.seats)
    if chunk:
        _allot_chunk(client, chunk, run)


def _allot_chunk(client, plans, run):
    def common(plan):
        performance = plan.contingent.performance
        return {
            "manifestationId": plan.manifestation,
            "performanceCode": str(performance.pk),
            "performanceDate": performance.start.astimezone(dt.UTC),
            "prices": {"CategoryPrice": plan.prices},
        }

    numbered = [p for p in plans if p.seats]
    if numbered:
        client.allot_many(
            [{**common(p), "seats": p.seats, "count": 0, "categoryId": ""} for p in numbered]
        )
    for plan in plans:
        for category, count in plan.count_by_category.items():
            client.allot(
                **common(plan), seats={"AllottedSeat": []}, count=count, categoryId=category
            )
    ids = [c.pk for p in plans for c in p.to_export]
    for start in range(0, len(ids), 10_000):
        run.exported += ContingentSeat.objects.filter(
            pk__in=ids[start : start + 10_000], state=S.TO_EXPORT
        ).update(state=S.EXPORTED)


def _export_plan(client, plan, run, now):
    """The places to take back of one contingent (its places to export went by _allot_plans)."""
    contingent = plan.contingent
    performance = contingent.performance
    code = str(performance.pk)
    if plan.to_take_back:
        numbered = [c for c in plan.to_take_back if c.seat_id]
        unnumbered = [c for c in plan.to_take_back if not c.seat_id]
        back = []
        if numbered:
            result = client.take_back(
                performanceCode=code,
                seatIds={"string": [str(c.seat_id) for c in numbered]},
                count=0,
                categoryId="",
            )
            taken = {str(s) for s in _items(getattr(result, "takenBack", None), "string")}
            refused = _items(getattr(result, "refused", None), "RefusedSeat")
            unknown = {str(r.seatId) for r in refused if r.reason == "UNKNOWN"}
            run.refused += sum(1 for r in refused if r.reason != "UNKNOWN")
            back += [c for c in numbered if str(c.seat_id) in taken | unknown]
        by_category = {}
        for c in unnumbered:
            by_category.setdefault(c.seat_category_id, []).append(c)
        mapper = Mapper(contingent.interface)
        season = performance.product.season
        for category_id, places in by_category.items():
            result = client.take_back(
                performanceCode=code,
                count=len(places),
                categoryId=mapper.external(K.SEAT_CATEGORY, category_id, season),
            )
            n = int(getattr(result, "takenBackCount", 0) or 0)
            run.refused += len(places) - n
            back += places[:n]
        with transaction.atomic():
            lock_places(performance_ids=[performance.pk])
            back = list(
                ContingentSeat.objects.filter(pk__in=[c.pk for c in back], state=S.TO_TAKE_BACK)
            )
            release(back, S.RETURNED, now)
        run.taken_back += len(back)


# --- sales integration (R6) ---------------------------------------------------------------


def _price(interface, reseller_price, ours):
    policy = interface.price_policy
    P = ResellerInterface.PricePolicy
    if policy == P.ERROR:
        return ours
    if policy == P.COMMISSION:
        rate = interface.commission_percent / Decimal(100)
        return (reseller_price * (1 - rate)).quantize(CENT, ROUND_HALF_UP)
    return reseller_price


class _Reads:
    """What the checks of a run's sale lines read, once per run (not once per line): the
    performances, the interface's contingents on them, each contingent's live numbered
    places, our prices."""

    def __init__(self, interface, lines):
        self.interface = interface
        codes = {_int(line.performanceCode) for line in lines} - {None}
        self.performances = Performance.objects.select_related("product__season").in_bulk(codes)
        self.contingents = {}
        for contingent in interface.contingents.filter(performance_id__in=codes):
            contingent.performance = self.performances[contingent.performance_id]
            self.contingents.setdefault(contingent.performance_id, contingent)
        self._places, self._prices = {}, {}

    def place_category(self, contingent, seat_id):
        """The seat category of a live place (exported, to take back, sold) of the seat, or
        False when the contingent has no such place."""
        if contingent.pk not in self._places:
            self._places[contingent.pk] = dict(
                contingent.seats.filter(
                    seat__isnull=False, state__in=(S.EXPORTED, S.TO_TAKE_BACK, S.SOLD)
                ).values_list("seat_id", "seat_category_id")
            )
        return self._places[contingent.pk].get(seat_id, False)

    def price(self, grid_id, category_id, tariff_id):
        key = (grid_id, category_id, tariff_id)
        if key not in self._prices:
            self._prices[key] = Price.objects.filter(
                grid_id=grid_id, seat_category_id=category_id, tariff_id=tariff_id
            ).first()
        return self._prices[key]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _check_line(interface, line, mapper, known, batch_sales, errors, reads=None):
    """Everything one sale line needs, or its errors: (performance, contingent, tariff id,
    seat category id, price) for a SALE."""
    reads = reads or _Reads(interface, [line])
    performance = reads.performances.get(_int(line.performanceCode))
    if performance is None:
        errors.append(
            (E.EXTERNAL, f"Sale {line.saleId}: unknown performance {line.performanceCode}.")
        )
        return None
    product = performance.product
    season = product.season
    contingent = reads.contingents.get(performance.pk)
    if contingent is None:
        errors.append(
            (E.MAPPING, f"Sale {line.saleId}: {interface.code} has no contingent on {performance}.")
        )
        return None
    if line.kind == "CANCEL":
        if line.saleId not in known and line.saleId not in batch_sales:
            errors.append((E.EXTERNAL, f"Cancellation of an unknown sale {line.saleId}."))
        return None
    if product.family not in interface.families():
        errors.append(
            (
                E.MAPPING,
                f"Sale {line.saleId}: {interface.code} may not sell {product.code} "
                f"(family {product.family}).",
            )
        )
    if not mapper.matches(K.EVENT, product.pk, season, line.manifestationId):
        errors.append(
            (
                E.MAPPING,
                f"Sale {line.saleId}: missing mapping: manifestation "
                f"“{line.manifestationId}” → {product.code} (season {season.code}).",
            )
        )
    try:
        tariff_id = mapper.ours(K.TARIFF, line.customerCategoryId, season)
    except MappingError as exc:
        errors.append((E.MAPPING, f"Sale {line.saleId}: {exc}"))
        return None
    if line.seatId:
        category_id = reads.place_category(contingent, _int(line.seatId))
        if category_id is False:
            errors.append(
                (E.EXTERNAL, f"Sale {line.saleId}: seat {line.seatId} is not in the contingent.")
            )
            return None
    else:
        try:
            category_id = mapper.ours(K.SEAT_CATEGORY, line.categoryId, season)
        except MappingError as exc:
            errors.append((E.MAPPING, f"Sale {line.saleId}: {exc}"))
            return None
    price = reads.price(product.price_grid_id, category_id, tariff_id)
    if price is None:
        errors.append((E.MAPPING, f"Sale {line.saleId}: no price of ours for this tariff."))
        return None
    reseller_price = Decimal(str(line.price))
    if (
        interface.price_policy == ResellerInterface.PricePolicy.ERROR
        and reseller_price != price.amount
    ):
        errors.append(
            (
                E.MAPPING,
                f"Sale {line.saleId}: the reseller's price {reseller_price} differs "
                f"from ours {price.amount} (price policy: error).",
            )
        )
        return None
    return SimpleNamespace(
        performance=performance,
        contingent=contingent,
        tariff_id=tariff_id,
        category_id=category_id,
        price=_price(interface, reseller_price, price.amount),
        reseller_price=reseller_price,
    )


def integrate_sale(interface, line, checked, now):
    """One reseller SALE → one paid order on the waiting account (its own transaction).
    False when it was integrated already (the constraint decides, whatever was read)."""
    contingent = checked.contingent
    performance = checked.performance
    contact = interface.waiting_contact
    try:
        with transaction.atomic():
            if ResellerSale.objects.filter(interface=interface, sale_id=line.saleId).exists():
                return False
            # A new order: no other transaction sees it, so locking places first is safe.
            order = new_cart(interface.point_of_sales, contact=contact, now=now)
            lock_places(performance_ids=[performance.pk])
            places = contingent.seats.filter(state__in=(S.EXPORTED, S.TO_TAKE_BACK))
            if line.seatId:
                places = places.filter(seat_id=int(line.seatId))
            else:
                places = places.filter(seat__isnull=True, seat_category_id=checked.category_id)
            place = places.order_by("pk").first()
            if place is None:
                raise ExternalError(f"Sale {line.saleId}: no place of the contingent left for it.")
            ticket = OrderLine.objects.create(
                order=order,
                reservation_id=place.reservation_id,
                product=performance.product,
                performance=performance,
                seat_category_id=checked.category_id,
                tariff_id=checked.tariff_id,
                price=checked.price,
            )
            start_payment(order.pk, contact, now)
            confirm_order(order.pk, now)
            ticket.refresh_from_db()
            ticket.holder = None  # the beneficiary's names only, never contact data (R6)
            ticket.holder_name = f"{line.firstName or ''} {line.lastName or ''}".strip()
            ticket.barcode = line.barcode or ticket.barcode
            ticket.save(update_fields=["holder", "holder_name", "barcode"])
            ContingentSeat.objects.filter(pk=place.pk).update(state=S.SOLD)
            ResellerSale.objects.create(
                interface=interface,
                sale_id=line.saleId,
                order=order,
                line=ticket,
                contingent_seat=place,
                reseller_price=checked.reseller_price,
                sold_at=line.at,
            )
    except IntegrityError:  # another run integrated it meanwhile: the constraint's answer
        if ResellerSale.objects.filter(interface=interface, sale_id=line.saleId).exists():
            return False
        raise
    return True


def _in_batches(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply_lines(interface, lines, checked, now, run):
    """The sales and cancellations in the reseller's order: each run of consecutive SALEs (or
    CANCELs) in batches of INTEGRATION_BATCH, one transaction each (a crash keeps the batches
    done, the next run does the rest)."""
    size = conf.get("INTEGRATION_BATCH")
    saved = time.monotonic()
    for kind, group in itertools.groupby(lines, key=lambda line: line.kind):
        for batch in _in_batches(list(group), size):
            if kind == "SALE":
                run.orders_created += integrate_batch(interface, batch, checked, now)
            else:
                cancel_batch(interface, [line.saleId for line in batch], now)
            locks.beat(interface.pk)  # renew the run's lease; LockLost if taken over meanwhile
            if time.monotonic() - saved > 5:  # the run's progress, seen in the back office
                run.save(update_fields=["orders_created"])
                saved = time.monotonic()


def _free_places(contingent, sales, checked):
    """Under the performance's lock: the contingent place each sale takes (its seat, or the
    first free place of its category in an unnumbered hall), or ExternalError."""
    numbered, unnumbered = {}, {}
    rows = (
        contingent.seats.filter(state__in=(S.EXPORTED, S.TO_TAKE_BACK))
        .order_by("pk")
        .values_list("pk", "seat_id", "seat_category_id", "reservation_id")
    )
    for row in rows:
        if row[1] is None:
            unnumbered.setdefault(row[2], []).append(row)
        else:
            numbered.setdefault(row[1], row)
    places = []
    for sale in sales:
        if sale.seatId:
            place = numbered.pop(int(sale.seatId), None)
        else:
            free = unnumbered.get(checked[sale.saleId].category_id) or []
            place = free.pop(0) if free else None
        if place is None:
            raise ExternalError(f"Sale {sale.saleId}: no place of the contingent left for it.")
        places.append(place)
    return places


def integrate_batch(interface, sales, checked, now):
    """Reseller SALEs → one paid order each on the waiting account, in one transaction under
    their performances' locks (by id, THE lock order), written in bulk: what `integrate_sale` writes
    for one sale (order PAID, its place SOLD, a ticket with the beneficiary's names and the
    reseller's barcode, the ResellerSale row, the confirmation in the outbox). Sales
    integrated already are skipped; a constraint refusing the batch (another run, a barcode
    used) has it done one sale at a time, which says which. Returns the orders created."""
    pos, contact = interface.point_of_sales, interface.waiting_contact
    try:
        with transaction.atomic():
            lock_places(performance_ids=[checked[sale.saleId].performance.pk for sale in sales])
            done = set(
                ResellerSale.objects.filter(
                    interface=interface, sale_id__in=[sale.saleId for sale in sales]
                ).values_list("sale_id", flat=True)
            )
            sales = [sale for sale in sales if sale.saleId not in done]
            if not sales:
                return 0
            by_contingent = {}
            for sale in sales:
                by_contingent.setdefault(checked[sale.saleId].contingent, []).append(sale)
            place_of = {}
            for contingent, its_sales in by_contingent.items():
                for sale, place in zip(
                    its_sales, _free_places(contingent, its_sales, checked), strict=True
                ):
                    place_of[sale.saleId] = place
            places = [place_of[sale.saleId] for sale in sales]
            sold = SeatReservation.objects.filter(
                pk__in=[p[3] for p in places], status=SeatReservation.Status.HELD
            ).update(status=SeatReservation.Status.SOLD, expires_at=None, updated_at=now)
            if sold != len(places):
                raise ExternalError("Places of the contingent were released meanwhile.")
            minutes = max(pos.cart_expiry_minutes, PAYMENT_GRACE_MINUTES)
            orders = Order.objects.bulk_create(
                [
                    Order(
                        point_of_sales=pos,
                        contact=contact,
                        currency=pos.channel.organisation.currency,
                        status=Order.Status.PAID,
                        expires_at=now + dt.timedelta(minutes=minutes),
                        paid_at=now,
                    )
                    for _sale in sales
                ]
            )
            tickets = OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        order=order,
                        reservation_id=place[3],
                        product_id=checked[sale.saleId].performance.product_id,
                        performance=checked[sale.saleId].performance,
                        seat_category_id=checked[sale.saleId].category_id,
                        tariff_id=checked[sale.saleId].tariff_id,
                        price=checked[sale.saleId].price,
                        holder=None,  # the beneficiary's names only, never contact data (R6)
                        holder_name=f"{sale.firstName or ''} {sale.lastName or ''}".strip(),
                        barcode=sale.barcode or new_barcode(),
                    )
                    for sale, order, place in zip(sales, orders, places, strict=True)
                ]
            )
            ContingentSeat.objects.filter(pk__in=[p[0] for p in places]).update(state=S.SOLD)
            ResellerSale.objects.bulk_create(
                [
                    ResellerSale(
                        interface=interface,
                        sale_id=sale.saleId,
                        order=order,
                        line=ticket,
                        contingent_seat_id=place[0],
                        reseller_price=checked[sale.saleId].reseller_price,
                        sold_at=sale.at,
                    )
                    for sale, order, ticket, place in zip(
                        sales, orders, tickets, places, strict=True
                    )
                ]
            )
            if contact is not None:  # the outbox: sent by its task, as any order's email
                OrderMessage.objects.bulk_create(
                    [OrderMessage(order=o, kind=OrderMessage.Kind.CONFIRMATION) for o in orders]
                )
    except IntegrityError:
        return sum(integrate_sale(interface, sale, checked[sale.saleId], now) for sale in sales)
    return len(sales)


def cancel_sale(interface, sale_id, now):
    """A reseller CANCEL: our ticket is cancelled through the booking core (the seat leaves
    the order), and the place is held again for the contingent (the reseller keeps it,
    unsold). False when it was cancelled already."""
    with transaction.atomic():
        sale = (
            ResellerSale.objects.select_for_update()
            .select_related("contingent_seat", "line")
            .get(interface=interface, sale_id=sale_id)
        )
        if sale.cancelled_at:
            return False
        cancel_paid_order(sale.order_id, now=now)  # locks the order, then the performance
        place = sale.contingent_seat
        reservation = SeatReservation.objects.create(
            performance_id=place.reservation.performance_id, seat_id=place.seat_id, expires_at=None
        )
        ContingentSeat.objects.filter(pk=place.pk).update(state=S.SALE_CANCELLED)
        ContingentSeat.objects.create(
            contingent_id=place.contingent_id,
            reservation=reservation,
            seat_id=place.seat_id,
            seat_category_id=place.seat_category_id,
            state=S.EXPORTED,
        )
        sale.cancelled_at = now
        sale.save(update_fields=["cancelled_at"])
    return True


def cancel_batch(interface, sale_ids, now):
    """Reseller CANCELs, in one transaction, written in bulk: what `cancel_sale` does for each
    (the ticket cancelled and its order refunded as the booking core's cancellation does, the
    place held again for the contingent), under THE lock order: the orders, then the
    performances. Sales cancelled already are skipped. Returns how many were cancelled."""
    with transaction.atomic():
        sales = list(
            ResellerSale.objects.select_for_update(of=("self",))
            .select_related("contingent_seat", "line")
            .filter(interface=interface, sale_id__in=sale_ids, cancelled_at__isnull=True)
            .order_by("pk")
        )
        if not sales:
            return 0
        order_ids = sorted({sale.order_id for sale in sales})
        orders = {
            o.pk: o
            for o in Order.objects.select_for_update(of=("self",))
            .filter(pk__in=order_ids)
            .order_by("pk")
        }
        if any(o.status not in SOLD_STATES for o in orders.values()) or any(
            sale.line.cancelled_at for sale in sales
        ):
            raise InvalidTransition("Only a paid order can be cancelled and refunded.")
        lines = [sale.line for sale in sales]
        lock_places(performance_ids=[line.performance_id for line in lines])
        SeatReservation.objects.filter(
            pk__in=[line.reservation_id for line in lines], status=SeatReservation.Status.SOLD
        ).update(status=SeatReservation.Status.RELEASED, updated_at=now)
        OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(cancelled_at=now)
        still_live = set(
            OrderLine.objects.filter(order_id__in=order_ids, cancelled_at__isnull=True)
            .values_list("order_id", flat=True)
            .distinct()
        )
        messages = []
        for order_id in order_ids:
            order = orders[order_id]
            its_lines = [line for line in lines if line.order_id == order_id]
            amount = sum((line.price for line in its_lines), start=0)
            transition(
                order,
                Order.Status.PARTLY_REFUNDED if order_id in still_live else Order.Status.REFUNDED,
            )
            order_refunded.send(Order, order=order, amount=amount, lines=its_lines)
            if order.contact_id is not None:  # the outbox: sent by its task
                messages.append(
                    OrderMessage(order=order, kind=OrderMessage.Kind.REFUND, amount=amount)
                )
        OrderMessage.objects.bulk_create(messages)
        places = [sale.contingent_seat for sale in sales]
        reservations = SeatReservation.objects.bulk_create(
            [
                SeatReservation(
                    performance_id=line.performance_id, seat_id=place.seat_id, expires_at=None
                )
                for line, place in zip(lines, places, strict=True)
            ]
        )
        ContingentSeat.objects.filter(pk__in=[p.pk for p in places]).update(state=S.SALE_CANCELLED)
        ContingentSeat.objects.bulk_create(
            [
                ContingentSeat(
                    contingent_id=place.contingent_id,
                    reservation=reservation,
                    seat_id=place.seat_id,
                    seat_category_id=place.seat_category_id,
                    state=S.EXPORTED,
                )
                for place, reservation in zip(places, reservations, strict=True)
            ]
        )
        ResellerSale.objects.filter(pk__in=[sale.pk for sale in sales]).update(cancelled_at=now)
    return len(sales)


def last_window_end(interface):
    last = (
        interface.runs.filter(
            kind=Run.Kind.INTEGRATE, dry_run=False, state=Run.State.OK, product__isnull=True
        )
        .exclude(window_end=None)
        .order_by("-window_end")
        .first()
    )
    return last.window_end if last else EPOCH


def integrate_sales(interface, dry_run=False, product=None, now=None):
    """R6: the reseller's sales and cancellations since the last successful integration."""

    def body(run):
        moment = now or timezone.now()
        run.window_start = last_window_end(interface)
        run.window_end = moment
        client = client_factory(interface)
        lines = sorted(client.get_sales(run.window_start, moment), key=lambda sale: sale.at)
        wanted_ids = None
        if product is not None:
            wanted_ids = {str(pk) for pk in product.performances.values_list("pk", flat=True)}
            lines = [sale for sale in lines if str(sale.performanceCode) in wanted_ids]
        mapper = Mapper(interface)
        known = set(
            ResellerSale.objects.filter(
                interface=interface, sale_id__in=[sale.saleId for sale in lines]
            ).values_list("sale_id", flat=True)
        )
        batch_sales = {sale.saleId for sale in lines if sale.kind == "SALE"}
        errors, checked = [], {}
        reads = _Reads(interface, lines)
        for sale in lines:
            if sale.kind not in ("SALE", "CANCEL"):
                errors.append((E.EXTERNAL, f"Sale {sale.saleId}: unknown kind {sale.kind}."))
                continue
            result = _check_line(interface, sale, mapper, known, batch_sales, errors, reads)
            if sale.kind == "SALE" and result is not None:
                checked[sale.saleId] = result
        run.sales = sum(1 for sale in lines if sale.kind == "SALE")
        run.cancellations = sum(1 for sale in lines if sale.kind == "CANCEL")
        if errors:
            raise RunFailed(errors)
        new = [s for s in lines if s.kind == "SALE" and s.saleId not in known]
        run.report = f"{len(new)} new sales, {run.cancellations} cancellations in the window."
        if dry_run:
            run.orders_created = len(new)
            return
        _apply_lines(interface, lines, checked, moment, run)

    return _run(interface, Run.Kind.INTEGRATE, body, dry_run=dry_run, product=product)
