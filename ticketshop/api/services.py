"""The answers of the availability and catalogue services, as plain data shared by SOAP, JSON
and the public endpoint. Each function takes the caller's point of sales (from its credentials).
"""

from django.utils import timezone

from ticketshop.api import catalogue_export
from ticketshop.sales import availability

SUCCESS = "success"


def _shown(point_of_sales, value):
    return value if point_of_sales.show_remaining_count else None


def _item(key, item, point_of_sales):
    return {
        key: item.id,
        "indicator": item.indicator,
        "label": str(item.label),
        "remaining": _shown(point_of_sales, item.remaining),
    }


def product_availabilities(point_of_sales, product_ids):
    """{"availabilities": [...], "unknownIds": [...]}; raises TooManyIds, ValueError, TypeError."""
    ids = availability.clean_ids(product_ids)
    found = availability.product_availability(ids, point_of_sales)
    return {
        "statusCode": SUCCESS,
        "availabilities": [_item("productId", found[i], point_of_sales) for i in ids if i in found],
        "unknownIds": [i for i in ids if i not in found],
    }


def performance_availabilities(point_of_sales, performance_ids, by_seat_category=False):
    ids = availability.clean_ids(performance_ids)
    found = availability.performance_availability(
        ids, point_of_sales, by_category=bool(by_seat_category)
    )
    items = []
    for i in ids:
        if i not in found:
            continue
        item = _item("performanceId", found[i], point_of_sales)
        if by_seat_category:
            item["seatCategories"] = [
                _item("seatCategoryId", c, point_of_sales) for c in found[i].by_category.values()
            ]
        items.append(item)
    return {
        "statusCode": SUCCESS,
        "availabilities": items,
        "unknownIds": [i for i in ids if i not in found],
    }


def updated_availabilities(point_of_sales, since, product_ids=None):
    """The availability of the products that changed since `since` (an aware datetime)."""
    if timezone.is_naive(since):
        since = timezone.make_aware(since, timezone.get_current_timezone())
    changed = availability.updated_product_ids(since, product_ids)
    items = []
    for start in range(0, len(changed), availability.MAX_IDS):  # a fixed cost per MAX_IDS ids
        chunk = changed[start : start + availability.MAX_IDS]
        found = availability.product_availability(chunk, point_of_sales)
        items += [_item("productId", found[i], point_of_sales) for i in chunk if i in found]
    return {"statusCode": SUCCESS, "referenceDate": since.isoformat(), "availabilities": items}


def catalogue(point_of_sales, language=None, season_code=None, product_code=None):
    return catalogue_export.export_catalogue(point_of_sales, language, season_code, product_code)


def catalogue_summary(point_of_sales, language=None, season_code=None, product_code=None):
    data = catalogue(point_of_sales, language, season_code, product_code)
    return catalogue_export.catalogue_xml(data)


def last_setup_update(point_of_sales):
    value = catalogue_export.last_setup_update(point_of_sales)
    return {"lastSetupUpdate": value.isoformat() if value else None}


def pos_config(point_of_sales):
    return catalogue_export.point_of_sales_config(point_of_sales)
