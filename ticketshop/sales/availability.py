"""The availability rule (C3): how full a performance or a product is, for many ids at once.

- capacity of a performance = the product's quota when it has one, else the number of seats of
  its logical configuration (SeatAssignment rows);
- taken = places SOLD + places HELD and not expired (SeatReservation);
- indicator 1 green (available), 2 orange (remaining / capacity <= the point of sales' alert
  ratio and remaining > 0), 3 red (nothing remaining);
- a product is as available as its best performance on offer (`catalogue/offer.py`); a product without
  performances (undated pass, subscription…) is measured on its quota, less its places SOLD or
  HELD and not expired (reservations of the product without a performance).

Every function answers for a list of ids in a fixed number of queries (aggregates with
values/annotate, never one query per id): the cost of a call does not grow with the number of ids.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

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


def _measure(rows, point_of_sales, now, by_category):
    """Availability of performance rows (dicts from values()): 2 or 4 queries in all."""
    alert_ratio = point_of_sales.alert_ratio if point_of_sales else Decimal("0.1")
    perf_ids = [r["id"] for r in rows]
    configuration_ids = {r["configuration_id"] for r in rows}
    seats = dict(
        SeatAssignment.objects.filter(configuration_id__in=configuration_ids)
        .values("configuration_id")
        .annotate(n=Count("id"))
        .values_list("configuration_id", "n")
    )
    taken = dict(
        _live_reservations(now)
        .filter(performance_id__in=perf_ids)
        .values("performance_id")
        .annotate(n=Sum("quantity"))
        .values_list("performance_id", "n")
    )
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
    performances = Performance.objects.filter(id__in=ids)
    if point_of_sales is not None:
        performances = performances.filter(
            product__season__organisation_id=point_of_sales.channel.organisation_id
        )
    rows = list(performances.values("id", "configuration_id", "product__quota"))
    return _measure(rows, point_of_sales, now, by_category)


def _best(items):
    return min(items, key=lambda a: (a.indicator, -a.remaining))


def product_availability(ids, point_of_sales, *, now=None):
    """{product id: Availability}: the best of its performances on offer, or its quota."""
    ids = clean_ids(ids)
    now = now or timezone.now()
    products = Product.objects.filter(id__in=ids)
    if point_of_sales is not None:
        products = products.filter(season__organisation_id=point_of_sales.channel.organisation_id)
    products = list(products.values("id", "quota"))
    rows = list(
        performances_on_offer()  # the one "what is on sale" rule (catalogue/offer.py)
        .filter(product_id__in=[p["id"] for p in products])
        .values("id", "product_id", "configuration_id", "product__quota")
    )
    measured = _measure(rows, point_of_sales, now, by_category=False)
    undated_taken = dict(
        _live_reservations(now)
        .filter(product_id__in=[p["id"] for p in products], performance__isnull=True)
        .values("product_id")
        .annotate(n=Sum("quantity"))
        .values_list("product_id", "n")
    )
    per_product = defaultdict(list)
    for row in rows:
        per_product[row["product_id"]].append(measured[row["id"]])
    alert_ratio = point_of_sales.alert_ratio if point_of_sales else Decimal("0.1")
    result = {}
    for product in products:
        performances = per_product.get(product["id"])
        if performances:
            best = _best(performances)
            result[product["id"]] = Availability(
                id=product["id"],
                capacity=best.capacity,
                remaining=best.remaining,
                indicator=best.indicator,
                updated_at=now,
            )
        else:
            capacity = product["quota"] or 0
            remaining = max(capacity - (undated_taken.get(product["id"]) or 0), 0)
            result[product["id"]] = Availability(
                id=product["id"],
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
