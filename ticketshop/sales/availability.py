"""The availability rule (C3): how full a performance or a product is, for many ids at once.

- capacity of a performance = the product's quota when it has one, else the number of seats of
  its logical configuration (SeatAssignment rows);
- taken = places SOLD + places HELD and not expired (SeatReservation);
- indicator 1 green (available), 2 orange (remaining / capacity <= the point of sales' alert
  ratio and remaining > 0), 3 red (nothing remaining);
- a product is as available as its best performance on offer (`catalogue/offer.py`); a product without
  performances (undated pass, subscription…) is measured on its quota, less its places SOLD or
  HELD and not expired (reservations of the product without a performance).

Every function answers for a list of ids in ONE aggregate query (two more for the seat
categories), never one query per id: the cost of a call does not grow with the number of ids.
The query is SQL written once here (common table expressions, the same on SQLite and
PostgreSQL), because the ORM's cost of building three or four queries with IN lists of 200 ids
was most of the cost of an uncached answer (issue 16, P3). What is on offer is still the
catalogue's one rule: its queryset is compiled into the query (`_on_offer_sql`), not rewritten.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import Performance, Product, SeatAssignment
from ticketshop.catalogue.offer import performances_on_offer
from ticketshop.sales.models import SeatReservation

GREEN, ORANGE, RED = 1, 2, 3
INDICATOR_LABELS = {
    GREEN: _("Available"),
    ORANGE: _("Almost full, few seats left"),
    RED: _("Full"),
}
MAX_IDS = 200  # documented maximum of ids in one availability call


MAX_ID = 2**63 - 1


class InvalidIds(ValueError):
    pass


class TooManyIds(InvalidIds):
    pass


@dataclass(frozen=True)
class Availability:
    id: int
    capacity: int
    remaining: int
    indicator: int
    updated_at: object = None
    by_category: dict = field(default_factory=dict)  # seat category id -> Availability

    @property
    def label(self):
        return INDICATOR_LABELS[self.indicator]


def indicator(remaining, capacity, alert_ratio):
    if remaining <= 0 or capacity <= 0:
        return RED
    if Decimal(remaining) / Decimal(capacity) <= Decimal(alert_ratio):
        return ORANGE
    return GREEN


def clean_ids(ids):
    """Distinct positive integer ids in their first order; InvalidIds for anything else."""
    result, seen = [], set()
    for raw in ids:
        try:
            if isinstance(raw, bool):
                raise ValueError(raw)
            value = int(raw)
        except (TypeError, ValueError) as exc:
            raise InvalidIds(_("An id is a whole number, not %(value)r.") % {"value": raw}) from exc
        if not 1 <= value <= MAX_ID:
            raise InvalidIds(_("An id is between 1 and %(max)d.") % {"max": MAX_ID})
        if value not in seen:
            seen.add(value)
            result.append(value)
    if len(result) > MAX_IDS:
        raise TooManyIds(
            _("At most %(max)d ids in one call (%(count)d given).")
            % {"max": MAX_IDS, "count": len(result)}
        )
    return result


def _live_reservations(now):
    return SeatReservation.objects.filter(
        Q(status=SeatReservation.Status.SOLD)
        | Q(status=SeatReservation.Status.HELD)
        & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    )


# --- the one aggregate query ------------------------------------------------------------------
# perf(id, product_id, configuration_id, quota): the performances measured; then their seats
# (per configuration), their live places (per performance) and, for products, the live places
# of undated products (on their quota). Every id is a parameter.

_TOTALS = """
seats(configuration_id, n) AS (
  SELECT configuration_id, COUNT(*) FROM {assignment}
  WHERE configuration_id IN (SELECT configuration_id FROM perf) GROUP BY configuration_id),
taken(performance_id, n) AS (
  SELECT performance_id, SUM(quantity) FROM {reservation} r
  WHERE performance_id IN (SELECT id FROM perf) AND {live} GROUP BY performance_id)
"""
_LIVE = "(r.status = %s OR (r.status = %s AND (r.expires_at IS NULL OR r.expires_at > %s)))"


@functools.cache
def _tables():
    return {
        "performance": Performance._meta.db_table,
        "product": Product._meta.db_table,
        "season": Product._meta.get_field("season").related_model._meta.db_table,
        "assignment": SeatAssignment._meta.db_table,
        "reservation": SeatReservation._meta.db_table,
        "live": _LIVE,
    }


def _live_params(now):
    held, sold = SeatReservation.Status.HELD, SeatReservation.Status.SOLD
    return [sold, held, connection.ops.adapt_datetimefield_value(now)]


def _placeholders(ids):
    return ", ".join(["%s"] * len(ids))


@functools.cache
def _on_offer_sql(vendor):
    """The catalogue's "what is on offer" rule for performances, compiled once per database
    vendor: (SQL selecting id, product_id, configuration_id, quota, start; its parameters)."""
    query = (
        performances_on_offer()
        .order_by()
        .values_list("id", "product_id", "configuration_id", "product__quota", "start")
        .query
    )
    sql, params = query.sql_with_params()
    return sql, tuple(params)


def _run(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _performance_totals(ids, organisation_id, now):
    """[(performance id, product id, configuration id, quota, seats, taken)]: one query."""
    if not ids:
        return []
    org = " AND s.organisation_id = %s" if organisation_id is not None else ""
    sql = (
        "WITH perf(id, product_id, configuration_id, quota) AS ("
        " SELECT f.id, f.product_id, f.configuration_id, p.quota FROM {performance} f"
        " JOIN {product} p ON p.id = f.product_id JOIN {season} s ON s.id = p.season_id"
        f" WHERE f.id IN ({_placeholders(ids)}){org}),"
        + _TOTALS
        + " SELECT perf.id, perf.product_id, perf.configuration_id, perf.quota, seats.n, taken.n"
        " FROM perf LEFT JOIN seats ON seats.configuration_id = perf.configuration_id"
        " LEFT JOIN taken ON taken.performance_id = perf.id"
    ).format(**_tables())
    params = [*ids, *([organisation_id] if org else []), *_live_params(now)]
    return _run(sql, params)


def _product_totals(ids, organisation_id, now):
    """[(product id, quota, performance id or None, configuration id, performance's quota,
    seats, taken, undated taken)], a row per performance on offer, earliest first (or one for a
    product without any): one query."""
    if not ids:
        return []
    org = " AND s.organisation_id = %s" if organisation_id is not None else ""
    on_offer, on_offer_params = _on_offer_sql(connection.vendor)
    sql = (
        "WITH prod(id, quota) AS ("
        " SELECT p.id, p.quota FROM {product} p JOIN {season} s ON s.id = p.season_id"
        f" WHERE p.id IN ({_placeholders(ids)}){org}),"
        " perf(id, product_id, configuration_id, quota, start) AS ("
        f" SELECT * FROM ({on_offer}) o WHERE o.product_id IN (SELECT id FROM prod)),"
        + _TOTALS
        + ", undated(product_id, n) AS ("
        " SELECT product_id, SUM(quantity) FROM {reservation} r"
        " WHERE product_id IN (SELECT id FROM prod) AND performance_id IS NULL AND {live}"
        " GROUP BY product_id)"
        " SELECT prod.id, prod.quota, perf.id, perf.configuration_id, perf.quota, seats.n,"
        " taken.n, undated.n FROM prod LEFT JOIN perf ON perf.product_id = prod.id"
        " LEFT JOIN seats ON seats.configuration_id = perf.configuration_id"
        " LEFT JOIN taken ON taken.performance_id = perf.id"
        " LEFT JOIN undated ON undated.product_id = prod.id"
        " ORDER BY perf.start, perf.id"
    ).format(**_tables())
    params = [
        *ids,
        *([organisation_id] if org else []),
        *on_offer_params,
        *_live_params(now),
        *_live_params(now),
    ]
    return _run(sql, params)


def _measure(rows, point_of_sales, now, by_category):
    """Availability of performance rows (dicts with id, configuration_id, product__quota, seats,
    taken, from the aggregate query): no query, or 2 for the seat categories."""
    alert_ratio = point_of_sales.alert_ratio if point_of_sales else Decimal("0.1")
    perf_ids = [r["id"] for r in rows]
    configuration_ids = {r["configuration_id"] for r in rows}
    seats = {r["configuration_id"]: r["seats"] or 0 for r in rows}
    taken = {r["id"]: r["taken"] or 0 for r in rows}
    category_seats = defaultdict(dict)
    category_taken = defaultdict(dict)
    if by_category:
        for conf_id, cat_id, n in (
            SeatAssignment.objects.filter(configuration_id__in=configuration_ids)
            .values("configuration_id", "category_id")
            .annotate(n=Count("id"))
            .values_list("configuration_id", "category_id", "n")
        ):
            category_seats[conf_id][cat_id] = n
        for perf_id, cat_id, n in (
            _live_reservations(now)
            .filter(
                performance_id__in=perf_ids,
                seat__assignments__configuration_id=F("performance__configuration_id"),
            )
            .values("performance_id", "seat__assignments__category_id")
            .annotate(n=Sum("quantity"))
            .values_list("performance_id", "seat__assignments__category_id", "n")
        ):
            category_taken[perf_id][cat_id] = n
    result = {}
    for row in rows:
        quota = row["product__quota"]
        capacity = quota if quota is not None else seats.get(row["configuration_id"], 0)
        remaining = max(capacity - (taken.get(row["id"]) or 0), 0)
        categories = {}
        for cat_id, cat_capacity in category_seats[row["configuration_id"]].items():
            cat_remaining = max(cat_capacity - category_taken[row["id"]].get(cat_id, 0), 0)
            categories[cat_id] = Availability(
                id=cat_id,
                capacity=cat_capacity,
                remaining=cat_remaining,
                indicator=indicator(cat_remaining, cat_capacity, alert_ratio),
            )
        result[row["id"]] = Availability(
            id=row["id"],
            capacity=capacity,
            remaining=remaining,
            indicator=indicator(remaining, capacity, alert_ratio),
            updated_at=now,
            by_category=categories,
        )
    return result


def performance_availability(ids, point_of_sales, *, by_category=False, now=None):
    """{performance id: Availability} for the ids that exist (unknown ids are left out)."""
    ids = clean_ids(ids)
    now = now or timezone.now()
    organisation_id = point_of_sales.channel.organisation_id if point_of_sales else None
    rows = [
        {"id": i, "configuration_id": c, "product__quota": q, "seats": n, "taken": t}
        for i, _product, c, q, n, t in _performance_totals(ids, organisation_id, now)
    ]
    return _measure(rows, point_of_sales, now, by_category)


def product_availability(ids, point_of_sales, *, now=None):
    """{product id: Availability}: the best of its performances on offer (the best indicator,
    then the most places left, then the earliest), or its quota."""
    ids = clean_ids(ids)
    now = now or timezone.now()
    organisation_id = point_of_sales.channel.organisation_id if point_of_sales else None
    alert_ratio = point_of_sales.alert_ratio if point_of_sales else Decimal("0.1")
    best, undated_of = {}, {}
    # the performances on offer: the one "what is on sale" rule (catalogue/offer.py), in order
    for product_id, quota, perf_id, _conf, perf_quota, seats, taken, undated in _product_totals(
        ids, organisation_id, now
    ):
        if perf_id is None:
            undated_of[product_id] = (quota, undated)
            continue
        capacity = perf_quota if perf_quota is not None else seats or 0
        remaining = max(capacity - (taken or 0), 0)
        measured = (indicator(remaining, capacity, alert_ratio), -remaining, capacity)
        if product_id not in best or measured[:2] < best[product_id][:2]:
            best[product_id] = measured
    result = {}
    for product_id, (level, minus_remaining, capacity) in best.items():
        result[product_id] = Availability(
            id=product_id,
            capacity=capacity,
            remaining=-minus_remaining,
            indicator=level,
            updated_at=now,
        )
    for product_id, (quota, undated) in undated_of.items():
        capacity = quota or 0
        remaining = max(capacity - (undated or 0), 0)
        result[product_id] = Availability(
            id=product_id,
            capacity=capacity,
            remaining=remaining,
            indicator=indicator(remaining, capacity, alert_ratio),
            updated_at=now,
        )
    return result


def updated_product_ids(since, product_ids=None, *, now=None):
    """Ids of the products whose availability may have changed since `since` (3 queries)."""
    now = now or timezone.now()
    reservations = SeatReservation.objects.filter(
        Q(updated_at__gte=since)
        | Q(status=SeatReservation.Status.HELD, expires_at__range=(since, now))
    )
    performances = Performance.objects.filter(updated_at__gte=since)
    products = Product.objects.filter(updated_at__gte=since)
    if product_ids is not None:
        product_ids = clean_ids(product_ids)
        reservations = reservations.filter(
            Q(performance__product_id__in=product_ids) | Q(product_id__in=product_ids)
        )
        performances = performances.filter(product_id__in=product_ids)
        products = products.filter(id__in=product_ids)
    changed = set()
    for via_performance, undated in reservations.values_list(
        "performance__product_id", "product_id"
    ).distinct():
        changed.add(via_performance or undated)
    changed |= set(performances.values_list("product_id", flat=True).distinct())
    changed |= set(products.values_list("id", flat=True))
    return sorted(changed)
