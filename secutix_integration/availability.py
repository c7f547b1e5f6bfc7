"""Live availability for the website's badges (C5, C3), from SecuTix's own availability methods.

Asks the ticketshop's AvailabilityService (v1_33, SOAP through zeep, as the importer speaks the
CatalogService) with `getProductAvailability {productIds}` and `getPerformanceAvailability
{performanceIds}`: at most one call per method for everything a page shows (chunks of
MAX_IDS ids when a page shows more), both at once, within one bounded wait. Items already in
the cache are not asked again. If the ticketshop is slow, down or answers something unusable,
the page still renders: those badges say "Availability unknown", and nothing broken is cached.

Every item of an answer is checked (`clean_item`): an indicator that is not 1, 2 or 3, a
`remaining` that is not a whole number ≥ 0, a missing id… make that item unknown, never an
error and never a cached value.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.core.cache import cache

from secutix_integration import conf, soap_client

logger = logging.getLogger(__name__)

AVAILABILITY_SERVICE = "com.secutix.service.realtime.availability.v1_33.AvailabilityService"
DOWN_KEY = "secutix:availability:down"
DOWN_SECONDS = 10
MAX_IDS = 200  # ids per call (SecuTix's documented maximum)
METHODS = {
    "product": ("getProductAvailability", "productIds", "productId"),
    "performance": ("getPerformanceAvailability", "performanceIds", "performanceId"),
}
INDICATORS = (1, 2, 3)

# Calls run in these threads so that the page waits at most AVAILABILITY_TIMEOUT_SECONDS in all,
# whatever the network does (a call still running after that is abandoned, its answer unused).
_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="secutix-availability")
_wsdl_lock = threading.Lock()


def _key(kind, item_id):
    return f"secutix:availability:{kind}:{item_id}"


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def clean_item(item, id_field):
    """(id, {"indicator", "remaining"}) of one answered item, or None when it is unusable."""
    if not isinstance(item, dict):
        return None
    item_id, indicator, remaining = item.get(id_field), item.get("indicator"), item.get("remaining")
    if not _is_int(item_id) or item_id <= 0 or not _is_int(indicator):
        return None
    if indicator not in INDICATORS:
        return None
    if remaining is not None and (not _is_int(remaining) or remaining < 0):
        return None
    if indicator == 3:
        remaining = 0 if remaining is not None else None
    return item_id, {"indicator": indicator, "remaining": remaining}


def clean(value):
    """A value read from the cache or an answer, if it is a usable one; else None."""
    if not isinstance(value, dict) or set(value) != {"indicator", "remaining"}:
        return None
    found = clean_item({"id": 1, **value}, "id")
    return found[1] if found else None


def _ask(kind, ids, timeout):
    """One SecuTix availability call: the answer's usable items {(kind, id): value}."""
    method, ids_param, id_field = METHODS[kind]
    with _wsdl_lock:  # the first calls of a process read the WSDL once, not once per thread
        service = soap_client._service(AVAILABILITY_SERVICE, timeout=timeout)
    data = soap_client._call(service, method, **{ids_param: ids})
    if data.get("statusCode") != "success":
        raise soap_client.TicketshopError(f"{method} answered {data.get('statusCode')}")
    items = data.get("availabilities")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise soap_client.TicketshopError(f"{method} answered availabilities={items!r:.80}")
    found = {}
    asked = set(ids)
    for item in items:
        cleaned = clean_item(item, id_field)
        if cleaned is None:
            logger.warning("%s answered an unusable item: %r", method, item)
        elif cleaned[0] in asked:
            found[(kind, cleaned[0])] = cleaned[1]
    return found


def _fetch(missing):
    """Ask every missing item at once (one call per method and MAX_IDS ids), within one wait."""
    timeout = float(conf.get("AVAILABILITY_TIMEOUT_SECONDS"))
    calls = []
    for kind in METHODS:
        ids = sorted({i for k, i in missing if k == kind})
        for start in range(0, len(ids), MAX_IDS):
            calls.append(_executor.submit(_ask, kind, ids[start : start + MAX_IDS], timeout))
    found = {}
    try:
        for call in calls:
            found.update(call.result(timeout=timeout))
    except FutureTimeout as error:
        for call in calls:
            call.cancel()
        raise soap_client.TicketshopError(f"no answer within {timeout} s") from error
    return found


def get_availabilities(products=(), performances=()):
    """{(kind, id): {"indicator": 1|2|3, "remaining": n|None}} for what the ticketshop knows
    and answered usably; anything else is absent (the badge then says "unknown")."""
    wanted = list(
        dict.fromkeys(
            [("product", int(i)) for i in products]
            + [("performance", int(i)) for i in performances]
        )
    )
    if not wanted:
        return {}
    cached = cache.get_many([_key(*item) for item in wanted])
    result = {}
    for item in wanted:
        value = clean(cached.get(_key(*item)))
        if value is not None:
            result[item] = value
    missing = [item for item in wanted if item not in result]
    if not missing or cache.get(DOWN_KEY):
        return result
    try:
        fetched = _fetch(missing)
    except Exception as error:  # noqa: BLE001 — whatever happens, the page renders (C5)
        logger.warning("Availability unknown, the ticketshop did not answer well: %s", error)
        cache.set(DOWN_KEY, True, DOWN_SECONDS)
        return result
    cache.set_many(
        {_key(*item): value for item, value in fetched.items()},
        int(conf.get("AVAILABILITY_CACHE_SECONDS")),
    )
    return {**result, **fetched}
