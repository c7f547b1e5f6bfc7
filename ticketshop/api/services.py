# Over 400 lines on purpose: one section per SecuTix service (catalog, availability, setup, order history), all sharing the wrapper above them.
"""The answers of SecuTix's services (v1_33) as plain data shared by SOAP, JSON and the public
endpoint. Each function takes the caller's point of sales (from its credentials, never from a
parameter: a `pointOfSalesId` given must be that one) and returns the answer's fields; `wrap`
adds what every answer carries: statusCode, statusDetail and an Integer requestId.
"""

import secrets
from datetime import datetime

from django.core.cache import cache
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ticketshop import conf
from ticketshop.api import catalogue_export
from ticketshop.catalogue.models import Performance, Product, SeatAssignment, Theme
from ticketshop.catalogue.offer import performances_on_offer
from ticketshop.multilingual import LANGUAGES
from ticketshop.sales import availability
from ticketshop.sales.models import OrderLine, SeatReservation

SUCCESS = "success"
IN_PROGRESS = "in_progress"
MAX_REQUEST_ID = 2**31 - 1  # a Java Integer
MAX_PAGE = 500
REQUEST_SECONDS = 600


class ApiError(Exception):
    """A refused call: `code` is the statusCode (error.…), the message its statusDetail."""

    def __init__(self, code, detail, http_status=400):
        super().__init__(str(detail))
        self.code = code
        self.http_status = http_status


def new_request_id():
    return secrets.randbelow(MAX_REQUEST_ID) + 1


def wrap(data=None, request_id=None, status=SUCCESS, detail=""):
    return {
        "statusCode": status,
        "statusDetail": detail,
        "requestId": request_id if request_id is not None else new_request_id(),
        **(data or {}),
    }


def check_request_id(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_REQUEST_ID:
        raise ApiError(
            "error.request.invalid",
            _("requestId must be a whole number from 1 to %(max)d.") % {"max": MAX_REQUEST_ID},
        )
    return value


def check_point_of_sales(point_of_sales, pos_id, required=True):
    """The point of sales comes from the credentials: a pointOfSalesId must name it."""
    if pos_id is None and not required:
        return
    if pos_id is None:
        raise ApiError("error.pointOfSales.missing", _("pointOfSalesId is mandatory."))
    if pos_id != point_of_sales.pk:
        raise ApiError(
            "error.pointOfSales.invalid",
            _("pointOfSalesId %(id)s is not the point of sales of this operator.") % {"id": pos_id},
        )


def _setting(name, default):
    value = conf.get(name)
    return default if value is None else value


# --- catalogService ------------------------------------------------------------------------------


def pos_config(point_of_sales):
    return {"posConfigData": catalogue_export.point_of_sales_config(point_of_sales)}


def last_setup_update(point_of_sales):
    value = catalogue_export.last_setup_update(point_of_sales)
    return {"lastSetupUpdate": value.isoformat() if value else None}


def _request_key(request_id):
    return f"ticketshop:catalogue-request:{request_id}"


def catalogue(point_of_sales, request_id=None):
    """getCatalogDetailed (and getCatalog): the whole answer, wrapped.

    A large catalogue (TICKETSHOP API_CATALOGUE_IN_PROGRESS_FROM products or more) asked without
    a requestId answers `in_progress` with a new requestId; asking again with it gives the
    catalogue (prepared then).
    """
    request_id = check_request_id(request_id)
    threshold = int(_setting("API_CATALOGUE_IN_PROGRESS_FROM", 20_000))
    if request_id is None:
        count = catalogue_export.products_queryset(point_of_sales).count()
        if count >= threshold:
            request_id = new_request_id()
            cache.set(_request_key(request_id), point_of_sales.pk, REQUEST_SECONDS)
            return wrap(
                {"requestState": "IN_PROGRESS"},
                request_id,
                IN_PROGRESS,
                _("The catalogue is being prepared: ask again with this requestId."),
            )
    data = {
        "requestState": "DONE",
        "catalogData": catalogue_export.export_catalogue(point_of_sales),
    }
    if request_id is not None:
        cache.delete(_request_key(request_id))
    return wrap(data, request_id)


# --- availabilityService -------------------------------------------------------------------------


def _shown(point_of_sales, value):
    return value if point_of_sales.show_remaining_count else None


def _labels():
    """The indicators' labels in the current language, translated once per answer (not once
    per id: 100 ids cost as much to translate as one)."""
    return {level: str(label) for level, label in availability.INDICATOR_LABELS.items()}


def _item(key, item, point_of_sales, labels=None):
    return {
        key: item.id,
        "indicator": item.indicator,
        "label": (labels or _labels())[item.indicator],
        "remaining": _shown(point_of_sales, item.remaining),
    }


def product_availabilities(point_of_sales, product_ids):
    """{"availabilities": [...], "unknownIds": [...]}; raises TooManyIds, InvalidIds."""
    ids = availability.clean_ids(product_ids)
    found = availability.product_availability(ids, point_of_sales)
    labels = _labels()
    return {
        "availabilities": [
            _item("productId", found[i], point_of_sales, labels) for i in ids if i in found
        ],
        "unknownIds": [i for i in ids if i not in found],
    }


def _performance_items(point_of_sales, ids, by_seat_category):
    found = availability.performance_availability(
        ids, point_of_sales, by_category=bool(by_seat_category)
    )
    items = {}
    labels = _labels()
    for i in ids:
        if i not in found:
            continue
        item = _item("performanceId", found[i], point_of_sales, labels)
        if by_seat_category:
            item["seatCategories"] = [
                _item("seatCategoryId", c, point_of_sales, labels)
                for c in found[i].by_category.values()
            ]
        items[i] = item
    return items


def performance_availabilities(point_of_sales, performance_ids, by_seat_category=False):
    ids = availability.clean_ids(performance_ids)
    items = _performance_items(point_of_sales, ids, by_seat_category)
    return {
        "availabilities": [items[i] for i in ids if i in items],
        "unknownIds": [i for i in ids if i not in items],
    }


def _organisation_products(point_of_sales):
    return Product.objects.filter(season__organisation_id=point_of_sales.channel.organisation_id)


def event_availability(point_of_sales, pos_id, product_ids):
    """getEventAvailability: per product (event), its availability and its performances' by
    seat category."""
    check_point_of_sales(point_of_sales, pos_id)
    ids = availability.clean_ids(product_ids)
    found = availability.product_availability(ids, point_of_sales)
    performances = list(
        performances_on_offer()
        .filter(product_id__in=list(found))
        .order_by("start")
        .values_list("id", "product_id")
    )
    items = {}
    for start in range(0, len(performances), availability.MAX_IDS):
        chunk = [pk for pk, _product in performances[start : start + availability.MAX_IDS]]
        items.update(_performance_items(point_of_sales, chunk, True))
    by_product = {}
    for pk, product_id in performances:
        if pk in items:
            by_product.setdefault(product_id, []).append(items[pk])
    return {
        "eventAvailabilities": [
            {
                **_item("productId", found[i], point_of_sales),
                "performanceAvailabilities": by_product.get(i, []),
            }
            for i in ids
            if i in found
        ],
        "unknownIds": [i for i in ids if i not in found],
    }


def seats_availability(point_of_sales, pos_id, performance_id):
    """getSeatsAvailability: the free seats of a performance, by seat category."""
    check_point_of_sales(point_of_sales, pos_id)
    [performance_id] = availability.clean_ids([performance_id])
    performance = (
        Performance.objects.filter(
            pk=performance_id,
            product__season__organisation_id=point_of_sales.channel.organisation_id,
        )
        .only("id", "configuration_id")
        .first()
    )
    if performance is None:
        raise ApiError("error.performance.unknown", _("No such performance."), 404)
    taken = set(
        availability._live_reservations(timezone.now())
        .filter(performance_id=performance.pk, seat__isnull=False)
        .values_list("seat_id", flat=True)
    )
    free = {}
    for category_id, seat_id, row, number in (
        SeatAssignment.objects.filter(configuration_id=performance.configuration_id)
        .order_by("category_id", "seat__row", "seat__number")
        .values_list("category_id", "seat_id", "seat__row", "seat__number")
    ):
        seats = free.setdefault(category_id, [])
        if seat_id not in taken:
            seats.append({"seatId": seat_id, "rowNumber": row, "seatNumber": str(number)})
    return {
        "performanceId": performance.pk,
        "seatCategories": [
            {"seatCategoryId": category, "freeSeatCount": len(seats), "freeSeats": seats}
            for category, seats in free.items()
        ],
    }


def available_theme_and_language(point_of_sales, pos_id=None):
    """getAvailableThemeAndLanguage: the themes of the products on sale, and the languages."""
    check_point_of_sales(point_of_sales, pos_id, required=False)
    themes = Theme.objects.filter(
        products__in=_organisation_products(point_of_sales).filter(
            state__in=catalogue_export.EXPORTED_STATES
        )
    )
    return {
        "themes": [
            {**catalogue_export._named(t), "parentId": t.parent_id}
            for t in themes.distinct().order_by("code")
        ],
        "languages": list(LANGUAGES),
    }


def updated_availabilities(point_of_sales, pos_id, since, product_ids=None):
    """getUpdatedAvailabilities: the products whose availability changed since `since`, with
    when they last changed (the client then asks the other methods for those)."""
    check_point_of_sales(point_of_sales, pos_id)
    if timezone.is_naive(since):
        since = timezone.make_aware(since, timezone.get_current_timezone())
    now = timezone.now()
    changed = availability.updated_product_ids(since, product_ids or None, now=now)
    changed = list(_organisation_products(point_of_sales).filter(pk__in=changed).values_list("pk"))
    changed = [pk for (pk,) in changed]
    last = {}

    def later(product_id, value):
        if value is not None and (product_id not in last or value > last[product_id]):
            last[product_id] = value

    for pk, value in Product.objects.filter(pk__in=changed).values_list("pk", "updated_at"):
        later(pk, value)
    for pk, value in (
        Performance.objects.filter(product_id__in=changed)
        .values("product_id")
        .annotate(m=Max("updated_at"))
        .values_list("product_id", "m")
    ):
        later(pk, value)
    for via_performance, undated, value, expires in (
        SeatReservation.objects.filter(
            Q(performance__product_id__in=changed) | Q(product_id__in=changed)
        )
        .filter(Q(updated_at__gte=since) | Q(expires_at__range=(since, now)))
        .values("performance__product_id", "product_id")
        .annotate(m=Max("updated_at"), e=Max("expires_at"))
        .values_list("performance__product_id", "product_id", "m", "e")
    ):
        product_id = via_performance or undated
        later(product_id, value)
        if expires is not None and since <= expires <= now:
            later(product_id, expires)
    return {
        "availabilityUpdateData": [
            {"productId": pk, "lastUpdate": last.get(pk, now).isoformat()} for pk in sorted(changed)
        ]
    }


def public_availabilities(point_of_sales, products, performances):
    """The public endpoint's answer (for browsers): SecuTix's availability answers, wrapped."""
    return {
        "products": wrap(product_availabilities(point_of_sales, products)) if products else None,
        "performances": wrap(performance_availabilities(point_of_sales, performances))
        if performances
        else None,
    }


# --- setupService ---------------------------------------------------------------------------------


def list_seasons(point_of_sales):
    return {"seasons": catalogue_export.list_seasons(point_of_sales)}


def check_paging(first, count, first_name, count_name, default_count=100):
    first = 0 if first is None else first
    count = default_count if count is None else count
    for name, value, low in ((first_name, first, 0), (count_name, count, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ApiError(
                "error.paging.invalid",
                _("%(name)s must be a whole number of at least %(low)d.")
                % {"name": name, "low": low},
            )
    if count > MAX_PAGE:
        raise ApiError(
            "error.paging.invalid",
            _("%(name)s is at most %(max)d.") % {"name": count_name, "max": MAX_PAGE},
        )
    return first, count


def search_products(point_of_sales, season_ids=None, family_types=None, first=0, count=100):
    first, count = check_paging(first, count, "minIndex", "nbMaxResults")
    unknown = set(family_types or ()) - set(catalogue_export.PRODUCT_FAMILY_TYPES)
    if unknown:
        raise ApiError(
            "error.criteria.invalid",
            _("Unknown productFamilyTypes: %(types)s.") % {"types": ", ".join(sorted(unknown))},
        )
    products = catalogue_export.search_products(
        point_of_sales, season_ids, family_types, first, count
    )
    return {"products": products}


def list_vat_codes(point_of_sales):
    codes, _by_family = catalogue_export.vat_codes(point_of_sales.channel.organisation_id)
    return {"vatCodes": codes}


def _season(point_of_sales, season_id):
    if season_id is None:
        return None
    season = catalogue_export.season_of(point_of_sales, season_id)
    if season is None:
        raise ApiError("error.season.unknown", _("No such season: %(id)s.") % {"id": season_id})
    return season


def list_audience_sub_categories(point_of_sales, season_id=None):
    _season(point_of_sales, season_id)
    return {
        "audienceSubCategories": [
            sub
            for category in catalogue_export.audience_categories(point_of_sales)
            for sub in category["audienceSubCategories"]
        ]
    }


def list_price_levels(point_of_sales, season_id=None):
    season = _season(point_of_sales, season_id)
    return {
        "priceLevels": catalogue_export.price_levels(point_of_sales, season.pk if season else None)
    }


# --- externalOrderHistoryService ------------------------------------------------------------------

TICKET_STATES = {"PAID": "VALID", "CANCELLED": "CANCELLED"}


def list_tickets(point_of_sales, product_id=None, start=None, end=None, first=0, count=100):
    """listTicketsByCriteria: the tickets (lines of paid or cancelled orders) of the
    organisation, sold between `start` and `end`, in id order, one page at a time."""
    first, count = check_paging(first, count, "startPosition", "maxResult")
    lines = OrderLine.objects.filter(
        product__season__organisation_id=point_of_sales.channel.organisation_id,
        order__status__in=list(TICKET_STATES),
    )
    if product_id is not None:
        lines = lines.filter(product_id=product_id)
    if start is not None:
        lines = lines.filter(order__paid_at__gte=start)
    if end is not None:
        lines = lines.filter(order__paid_at__lte=end)
    rows = list(
        lines.order_by("pk").values_list(
            "pk",
            "order__status",
            "performance_id",
            "seat_category_id",
            "tariff__audience_subcategory_id",
            "product__price_grid_id",
            "price",
        )[first : first + count + 1]
    )
    return {
        "truncated": len(rows) > count,
        "ticketSummaries": [
            {
                "ticketId": pk,
                "ticketState": TICKET_STATES[status],
                "performanceId": performance,
                "seatCategoryId": category,
                "audienceSubCategoryId": sub,
                "priceLevelId": grid,
                "price": catalogue_export.thousandths(price),
            }
            for pk, status, performance, category, sub, grid, price in rows[:count]
        ],
    }


def parse_date(value, name):
    """An ISO 8601 date-time (or date) of a JSON parameter, aware."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ApiError(
            "error.parameter.invalid",
            _("%(name)s must be an ISO 8601 date and time, e.g. 2026-10-01T20:00:00+02:00.")
            % {"name": name},
        ) from exc
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
