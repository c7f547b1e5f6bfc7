"""What the sandbox does, in plain Python (no spyne here: soap.py only translates).

Each operation checks everything before it changes anything, and runs in one transaction: a
refused call (BadRequest) changes nothing."""

import secrets
import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from reseller_sandbox.models import AccessControlRequest, AllottedPrice, HeldSeat, SaleLine

SOLD = "SOLD"
UNKNOWN = "UNKNOWN"
MAX_SEATS = 20_000


class BadRequest(ValueError):
    """Malformed or impossible input, with a message a person can read."""


def text(value):
    return "" if value is None else str(value).strip()


def utc(value, name):
    if value is None:
        raise BadRequest(f"{name} is required.")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise BadRequest(f"{name} is not a date-time: {value!r}.") from exc
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)  # the contract's date-times are UTC
    return value


def amount(value, name="amount"):
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise BadRequest(f"{name} is not a number: {value!r}.") from exc
    if not result.is_finite() or result < 0:
        raise BadRequest(f"{name} must be zero or more: {value!r}.")
    return result.quantize(Decimal("0.01"))


def held_count(instance, performance_code):
    return HeldSeat.objects.filter(instance=instance, performance_code=performance_code).count()


# --- Contingentement ------------------------------------------------------------------------------


def allot(
    instance,
    manifestation_id,
    performance_code,
    performance_date,
    seats,
    count,
    category_id,
    prices,
):
    """Hold the given seats (numbered) or `count` more places of `category_id` (unnumbered).
    Re-allotting a seat already held is a no-op. Returns (allotted, held)."""
    wanted = _checked_allotment(
        manifestation_id, performance_code, performance_date, seats, count, category_id, prices
    )
    with transaction.atomic():
        return _apply_allotment(instance, wanted)


def allot_many(instance, allotments):
    """allotMany: the allotments of many performances (each as `allot`'s arguments, in a dict
    named like the SOAP fields), all checked first, then written in one transaction.
    Returns [(performanceCode, allotted, held)]."""
    if not allotments:
        raise BadRequest("Send at least one allotment.")
    checked = [
        _checked_allotment(
            a.get("manifestationId"),
            a.get("performanceCode"),
            a.get("performanceDate"),
            a.get("seats"),
            a.get("count"),
            a.get("categoryId"),
            a.get("prices"),
        )
        for a in allotments
    ]
    if sum(len(c["seats"]) + (c["count"] or 0) for c in checked) > MAX_SEATS:
        raise BadRequest(f"At most {MAX_SEATS} seats per call.")
    codes = [c["performance_code"] for c in checked]
    if len(set(codes)) != len(codes):
        raise BadRequest("One allotment per performanceCode in a call.")
    with transaction.atomic():
        return [
            (c["performance_code"], *result)
            for c, result in zip(checked, _apply_allotments(instance, checked), strict=True)
        ]


def _checked_allotment(
    manifestation_id, performance_code, performance_date, seats, count, category_id, prices
):
    manifestation_id, performance_code = text(manifestation_id), text(performance_code)
    category_id = text(category_id)
    if not manifestation_id:
        raise BadRequest("manifestationId is required.")
    if not performance_code:
        raise BadRequest("performanceCode is required.")
    performance_date = utc(performance_date, "performanceDate")
    seats = list(seats or [])
    if len(seats) > MAX_SEATS:
        raise BadRequest(f"At most {MAX_SEATS} seats per call.")
    wanted = {}
    for seat in seats:
        seat_id, seat_category = text(seat.get("seatId")), text(seat.get("categoryId"))
        if not seat_id:
            raise BadRequest("Every seat needs a seatId (send count + categoryId for unnumbered).")
        if not seat_category:
            raise BadRequest(f"Seat {seat_id} has no categoryId.")
        wanted.setdefault(
            seat_id,
            (
                text(seat.get("block")),
                text(seat.get("row")),
                text(seat.get("number")),
                seat_category,
            ),
        )
    if count is not None and count < 0:
        raise BadRequest("count must be zero or more.")
    if not wanted and not count:
        raise BadRequest("Send seats (numbered) or count + categoryId (unnumbered).")
    if count and not category_id:
        raise BadRequest("count needs a categoryId.")
    if count and count > MAX_SEATS:
        raise BadRequest(f"At most {MAX_SEATS} places per call.")
    price_rows = {}
    for price in prices or []:
        category, customer = text(price.get("categoryId")), text(price.get("customerCategoryId"))
        if not category or not customer:
            raise BadRequest("Every price needs a categoryId and a customerCategoryId.")
        price_rows[(category, customer)] = amount(price.get("amount"), "price amount")
    return {
        "manifestation_id": manifestation_id,
        "performance_code": performance_code,
        "performance_date": performance_date,
        "seats": wanted,
        "count": count,
        "category_id": category_id,
        "prices": price_rows,
    }


def _apply_allotment(instance, checked):
    """Inside the caller's transaction: write one checked allotment. Returns (allotted, held)."""
    return _apply_allotments(instance, [checked])[0]


def _apply_allotments(instance, checked):
    """Inside the caller's transaction: write checked allotments (one per performance code),
    with a few queries for all of them (a season is hundreds of allotments). Returns
    [(allotted, held)] in their order."""
    codes = [c["performance_code"] for c in checked]
    held = HeldSeat.objects.filter(instance=instance, performance_code__in=codes)
    manifestations, dates = {}, {}
    for code, manifestation, date in (
        held.order_by()
        .values_list("performance_code", "manifestation_id", "performance_date")
        .distinct()
    ):
        manifestations.setdefault(code, manifestation)
        dates.setdefault(code, set()).add(date)
    for c in checked:
        other = manifestations.get(c["performance_code"])
        if other is not None and other != c["manifestation_id"]:
            raise BadRequest(
                f"Performance {c['performance_code']} is held under manifestation "
                f"{other}, not {c['manifestation_id']}."
            )
    already = set()
    if any(c["seats"] for c in checked if c["performance_code"] in manifestations):
        already = set(
            held.exclude(seat_id="").order_by().values_list("performance_code", "seat_id")
        )
    now = timezone.now()
    rows, allotted = [], []
    for c in checked:
        code, date = c["performance_code"], c["performance_date"]
        if dates.get(code, {date}) != {date}:
            held.filter(performance_code=code).update(performance_date=date)
        fixed = (
            instance.pk,
            code,
            c["manifestation_id"],
            connection.ops.adapt_datetimefield_value(date),
            connection.ops.adapt_datetimefield_value(now),
            False,
        )
        new = [
            (*fixed, seat_id, *seat)
            for seat_id, seat in c["seats"].items()
            if (code, seat_id) not in already
        ]
        new += [fixed + ("", "", "", "", c["category_id"])] * (c["count"] or 0)
        rows += new
        allotted.append(len(new))
    _insert_held(rows)
    _save_prices(instance, checked)
    counts = dict(
        HeldSeat.objects.filter(instance=instance, performance_code__in=codes)
        .order_by()
        .values("performance_code")
        .annotate(n=Count("id"))
        .values_list("performance_code", "n")
    )
    return [(n, counts.get(code, 0)) for n, code in zip(allotted, codes, strict=True)]


def _save_prices(instance, checked):
    """The prices sent with the allotments: new ones in one INSERT, changed ones updated."""
    wanted = {
        (c["performance_code"], category, customer): value
        for c in checked
        for (category, customer), value in c["prices"].items()
    }
    if not wanted:
        return
    existing = {
        (p.performance_code, p.category_id, p.customer_category_id): p
        for p in AllottedPrice.objects.filter(
            instance=instance, performance_code__in={key[0] for key in wanted}
        )
    }
    new = []
    for key, value in wanted.items():
        price = existing.get(key)
        if price is None:
            code, category, customer = key
            new.append(
                AllottedPrice(
                    instance=instance,
                    performance_code=code,
                    category_id=category,
                    customer_category_id=customer,
                    amount=value,
                )
            )
        elif price.amount != value:
            AllottedPrice.objects.filter(pk=price.pk).update(amount=value)
    AllottedPrice.objects.bulk_create(new)


HELD_COLUMNS = (
    "instance",
    "performance_code",
    "manifestation_id",
    "performance_date",
    "allotted_at",
    "sold",
    "seat_id",
    "block",
    "row",
    "number",
    "category_id",
)


def _insert_held(rows):
    """HeldSeat rows (in HELD_COLUMNS' order) with one executemany: the ORM's bulk_create
    prepares every value of every row (~0.1 ms a seat), too slow for a season's allotment.
    Same table, same values as bulk_create would write."""
    if not rows:
        return
    meta, ops = HeldSeat._meta, connection.ops
    columns = ", ".join(ops.quote_name(meta.get_field(name).column) for name in HELD_COLUMNS)
    sql = (
        f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(HELD_COLUMNS))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def take_back(instance, performance_code, seat_ids, count, category_id):
    """Give back unsold seats. Returns (taken back seat ids, taken back count, refused), refused
    being [(seatId, "SOLD" | "UNKNOWN")]. Sold seats stay with the reseller."""
    performance_code, category_id = text(performance_code), text(category_id)
    if not performance_code:
        raise BadRequest("performanceCode is required.")
    seat_ids = list(dict.fromkeys(text(s) for s in (seat_ids or []) if text(s)))
    if count is not None and count < 0:
        raise BadRequest("count must be zero or more.")
    if count and not category_id:
        raise BadRequest("count needs a categoryId.")
    if not seat_ids and not count:
        raise BadRequest("Send seatIds (numbered) or count + categoryId (unnumbered).")
    with transaction.atomic():
        held = HeldSeat.objects.select_for_update().filter(
            instance=instance, performance_code=performance_code
        )
        found = {s.seat_id: s for s in held.filter(seat_id__in=seat_ids)}
        taken, refused = [], []
        for seat_id in seat_ids:
            seat = found.get(seat_id)
            if seat is None:
                refused.append((seat_id, UNKNOWN))
            elif seat.sold:
                refused.append((seat_id, SOLD))
            else:
                taken.append(seat_id)
        held.filter(seat_id__in=taken).delete()
        taken_count = len(taken)
        if count:
            places = list(
                held.filter(seat_id="", category_id=category_id, sold=False)
                .order_by("id")
                .values_list("id", flat=True)[:count]
            )
            HeldSeat.objects.filter(id__in=places).delete()
            taken_count += len(places)
        return taken, taken_count, refused


def list_allotment(instance, performance_code):
    performance_code = text(performance_code)
    if not performance_code:
        raise BadRequest("performanceCode is required.")
    return list(
        HeldSeat.objects.filter(instance=instance, performance_code=performance_code).order_by(
            "block", "row", "number", "seat_id", "id"
        )
    )


# --- EtatVentes -----------------------------------------------------------------------------------


def get_sales(instance, since, until=None):
    since = utc(since, "since")
    lines = SaleLine.objects.filter(instance=instance, at__gte=since)
    if until is not None:
        until = utc(until, "until")
        if until < since:
            raise BadRequest("until is before since.")
        lines = lines.filter(at__lt=until)
    return list(lines.order_by("at", "id"))


# --- the counter: selling and cancelling ----------------------------------------------------------


def _new_barcode():
    return "".join(secrets.choice("0123456789") for _ in range(18))


def _new_sale_id(instance):
    return f"{instance.slug[:4].upper()}-{secrets.token_hex(5).upper()}"


def split_name(name):
    first, _sep, last = text(name).partition(" ")
    return first, last.strip()


def sell(
    instance,
    performance_code,
    count,
    customer_category,
    names=(),
    category=None,
    price=None,
    at=None,
):
    """Sell `count` unsold held seats of a performance (of `category` if given) to the names
    given, one sale line each, at `price` or the allotted price of the customer category."""
    performance_code, customer_category = text(performance_code), text(customer_category)
    category = text(category)
    if count is None or count < 1:
        raise BadRequest("count must be 1 or more.")
    if not customer_category:
        raise BadRequest("A customer category is required.")
    names = [text(n) for n in names if text(n)]
    if names and len(names) != count:
        raise BadRequest(f"{len(names)} names for {count} seats: give one name per seat.")
    if price is not None:
        price = amount(price, "price")
    at = utc(at, "at") if at is not None else timezone.now()
    with transaction.atomic():
        seats = HeldSeat.objects.select_for_update().filter(
            instance=instance, performance_code=performance_code, sold=False
        )
        if category:
            seats = seats.filter(category_id=category)
        seats = list(seats.order_by("block", "row", "number", "id")[:count])
        if len(seats) < count:
            raise BadRequest(
                f"Only {len(seats)} unsold seats held for performance {performance_code}"
                + (f" in category {category}" if category else "")
                + f", {count} asked."
            )
        prices = dict(
            AllottedPrice.objects.filter(
                instance=instance,
                performance_code=performance_code,
                customer_category_id=customer_category,
            ).values_list("category_id", "amount")
        )
        lines = []
        for index, seat in enumerate(seats):
            paid = price if price is not None else prices.get(seat.category_id)
            if paid is None:
                raise BadRequest(
                    f"No allotted price for category {seat.category_id} and customer category "
                    f"{customer_category}: give a price."
                )
            first, last = split_name(names[index]) if names else ("", "")
            lines.append(
                SaleLine(
                    instance=instance,
                    sale_id=_new_sale_id(instance),
                    kind=SaleLine.Kind.SALE,
                    at=at,
                    held_seat=seat,
                    manifestation_id=seat.manifestation_id,
                    performance_code=seat.performance_code,
                    seat_id=seat.seat_id,
                    block=seat.block,
                    row=seat.row,
                    number=seat.number,
                    category_id=seat.category_id,
                    customer_category_id=customer_category,
                    price=paid,
                    first_name=first,
                    last_name=last,
                    barcode=_new_barcode(),
                )
            )
        for attempt in range(3):
            try:
                with transaction.atomic():
                    SaleLine.objects.bulk_create(lines)
                break
            except IntegrityError:  # a sale id or barcode drawn twice: draw again
                if attempt == 2:
                    raise
                for line in lines:
                    line.sale_id, line.barcode = _new_sale_id(instance), _new_barcode()
        HeldSeat.objects.filter(id__in=[s.id for s in seats]).update(sold=True)
        return lines


def cancel(instance, sale_id, at=None):
    """Cancel a sale line: a CANCEL line repeating it; its seat is unsold again."""
    sale_id = text(sale_id)
    at = utc(at, "at") if at is not None else timezone.now()
    with transaction.atomic():
        sale = (
            SaleLine.objects.select_for_update()
            .filter(instance=instance, sale_id=sale_id, kind=SaleLine.Kind.SALE)
            .first()
        )
        if sale is None:
            raise BadRequest(f"No sale {sale_id!r} on {instance.slug}.")
        if SaleLine.objects.filter(
            instance=instance, sale_id=sale_id, kind=SaleLine.Kind.CANCEL
        ).exists():
            raise BadRequest(f"Sale {sale_id} is already cancelled.")
        line = SaleLine.objects.get(pk=sale.pk)
        line.pk = None
        line.kind = SaleLine.Kind.CANCEL
        line.at = max(at, sale.at)
        line.save()
        if sale.held_seat_id:
            HeldSeat.objects.filter(pk=sale.held_seat_id).update(sold=False)
        return line


# --- access control -------------------------------------------------------------------------------


def prepare_access_control(instance, performance_code):
    performance_code = text(performance_code)
    if not performance_code:
        raise BadRequest("performanceCode is required.")
    lines = SaleLine.objects.filter(instance=instance, performance_code=performance_code)
    cancelled = set(lines.filter(kind=SaleLine.Kind.CANCEL).values_list("sale_id", flat=True))
    barcodes = [
        {
            "barcode": line.barcode,
            "performanceCode": line.performance_code,
            "seatId": line.seat_id,
            "saleId": line.sale_id,
            "status": "CANCELLED" if line.sale_id in cancelled else "VALID",
        }
        for line in lines.filter(kind=SaleLine.Kind.SALE).order_by("at", "id")
    ]
    request = AccessControlRequest.objects.create(
        instance=instance,
        request_id=uuid.uuid4().hex,
        performance_code=performance_code,
        barcodes=barcodes,
    )
    return request


def get_access_control(instance, request_id):
    request = AccessControlRequest.objects.filter(
        instance=instance, request_id=text(request_id)
    ).first()
    if request is None:
        raise BadRequest(f"Unknown requestId {text(request_id)!r}.")
    return request.barcodes
