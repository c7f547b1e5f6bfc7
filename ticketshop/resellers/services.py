# Over 400 lines: one run protocol (lock, mapping check first, error classes, log) shared by export, take-back and integration; the batch writes of the integration are integration.py.
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
import gc
import itertools
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ticketshop.catalogue.models import Price
from ticketshop.organisation.mail import send_templated_mail
from ticketshop.resellers import conf, locks
from ticketshop.resellers.client import ExternalError, ResellerClient
from ticketshop.resellers.contingents import release
from ticketshop.resellers.integration import (
    _check_line,
    _in_batches,
    _Reads,
    cancel_batch,
    integrate_batch,
)
from ticketshop.resellers.locks import acquire_lock, release_lock
from ticketshop.resellers.mappings import Mapper, MappingError
from ticketshop.resellers.models import (
    Contingent,
    ContingentSeat,
    Mapping,
    ResellerSale,
    Run,
    RunError,
)
from ticketshop.sales.lifecycle import (
    cancel_paid_order,
    confirm_order,
    lock_places,
    new_cart,
    start_payment,
)
from ticketshop.sales.models import OrderLine, SeatReservation

log = logging.getLogger(__name__)
S = ContingentSeat.State
K = Mapping.Kind
E = RunError.Kind
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

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


_gc_pauses = {"count": 0, "lock": threading.Lock()}


@contextmanager
def cyclic_gc_paused():
    """A run makes hundreds of thousands of small objects (rows, places, XML elements): each
    few hundred allocations trigger the cyclic garbage collector, which rescans the growing
    heap again and again (P6, measured with py-spy: 60 % of a season's export). Paused while
    runs run (reference counting still frees everything that is not a cycle), then one
    collection of the youngest generation, where all of the run's objects stayed.
    Process-wide: counted, so the last of a process's runs to end resumes it."""
    with _gc_pauses["lock"]:
        _gc_pauses["count"] += 1
        if _gc_pauses["count"] == 1:
            _gc_pauses["resume"] = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _gc_pauses["lock"]:
            _gc_pauses["count"] -= 1
            if _gc_pauses["count"] == 0 and _gc_pauses["resume"]:
                gc.enable()
                gc.collect(0)  # the cycles made meanwhile are all in the youngest generation


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
        with cyclic_gc_paused():
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
    """Send the places to export: many performances per allotMany call (up to
    ALLOT_MANY_SEATS places: numbered seats, and an unnumbered hall's counts by category);
    then those places are EXPORTED. A crash between the two re-sends them next time: the
    reseller keeps a seat it holds already (idempotent by seat id)."""
    chunk, size = [], 0
    for plan in [p for p in plans if p.to_export]:
        if chunk and size + len(plan.to_export) > ALLOT_MANY_SEATS:
            _allot_chunk(client, chunk, run)
            chunk, size = [], 0
        chunk.append(plan)
        size += len(plan.to_export)
    if chunk:
        _allot_chunk(client, chunk, run)


def _allot_chunk(client, plans, run):
    """One allotMany call per round: a performance appears once per call (the contract), so
    an unnumbered hall's second category goes in the next round, and so on."""
    rounds = []
    for plan in plans:
        performance = plan.contingent.performance
        common = {
            "manifestationId": plan.manifestation,
            "performanceCode": str(performance.pk),
            "performanceDate": performance.start.astimezone(dt.UTC),
            "prices": {"CategoryPrice": plan.prices},
        }
        counts = list(plan.count_by_category.items()) or [("", 0)]
        for index, (category, count) in enumerate(counts):
            if index == len(rounds):
                rounds.append([])
            seats = plan.seats if index == 0 else []
            if seats or count:
                rounds[index].append(
                    {**common, "seats": seats, "count": count, "categoryId": category}
                )
    for allotments in rounds:
        if allotments:
            client.allot_many(allotments)
    run.exported += _mark_exported([c.pk for p in plans for c in p.to_export])


def _mark_exported(ids):
    """TO_EXPORT → EXPORTED for these places, in plain UPDATEs of 5 000 ids (the ORM prepares
    each value of a long IN list one by one: seconds for a season). Returns how many."""
    meta, quote = ContingentSeat._meta, connection.ops.quote_name
    state, pk = quote(meta.get_field("state").column), quote(meta.pk.column)
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 5_000):
            part = ids[start : start + 5_000]
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} SET {state} = %s "
                f"WHERE {state} = %s AND {pk} IN ({', '.join(['%s'] * len(part))})",
                [S.EXPORTED, S.TO_EXPORT, *part],
            )
            changed += cursor.rowcount
    return changed


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


# --- sales integration (R6): the batches are integration.py's; one sale at a time here ------


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


def _apply_lines(interface, lines, checked, now, run):
    """The sales and cancellations in the reseller's order: each run of consecutive SALEs (or
    CANCELs) in batches of INTEGRATION_BATCH, one transaction each (a crash keeps the batches
    done, the next run does the rest)."""
    size = conf.get("INTEGRATION_BATCH")
    saved = time.monotonic()
    for kind, group in itertools.groupby(lines, key=lambda line: line.kind):
        for batch in _in_batches(list(group), size):
            if kind == "SALE":
                run.orders_created += _integrate(interface, batch, checked, now)
            else:
                cancel_batch(interface, [line.saleId for line in batch], now)
            locks.beat(interface.pk)  # renew the run's lease; LockLost if taken over meanwhile
            if time.monotonic() - saved > 5:  # the run's progress, seen in the back office
                run.save(update_fields=["orders_created"])
                saved = time.monotonic()


def _integrate(interface, sales, checked, now):
    """A batch of SALEs in one transaction; when a constraint refuses it (another run
    integrated some meanwhile, a barcode used), one sale at a time, which says which."""
    try:
        return integrate_batch(interface, sales, checked, now)
    except IntegrityError:
        return sum(integrate_sale(interface, sale, checked[sale.saleId], now) for sale in sales)


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
